// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_sk_lookup_tcp/udp (84/85), bpf_skc_lookup_tcp (99) and
 * bpf_sk_release (86) for sock_addr programs: the lookups of 6.1's
 * bpf_sock_addr_sk_lookup_*() in the namespace of the call's socket.
 *
 * A program never holds a kernel address: a found socket is a slot of a
 * small per-CPU table (runs have preemption disabled) holding a real
 * reference and the struct bpf_sock view the program reads; the VM hands
 * the program a virtual region for the view and tracks the reference
 * (module/vm.h, CGADDR_VM_R_REF).  A reference still held when the run
 * ends is dropped by the VM through ->put(): the run faults and
 * ref_leaks counts it.  Every slot is free again when a run returns.
 *
 * The natively unreferenced results (listeners, UDP sockets: SOCK_RCU_FREE)
 * get a reference here too, so a view stays valid whatever the program
 * does; sock_gen_put() drops it for full, request and timewait sockets.
 */
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>
#include <net/udp.h>

#include "helpers.h"
#include "hook.h"
#include "vm.h"

/* References one run may hold at once; one more lookup faults. */
#define CGADDR_SOCK_SLOTS	8

struct cgaddr_sock_slot {
	struct sock *sk;	/* NULL: free */
	struct bpf_sock view;
};

struct cgaddr_sock_slots {
	struct cgaddr_sock_slot slot[CGADDR_SOCK_SLOTS];
};

static struct cgaddr_sock_slots __percpu *cgaddr_slots;

static atomic_long_t cgaddr_sockrefs = ATOMIC_LONG_INIT(0);
static atomic_long_t cgaddr_ref_leaks = ATOMIC_LONG_INIT(0);

static int cgaddr_sockrefs_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops cgaddr_counter_ops = {
	.get = cgaddr_sockrefs_get,
};
module_param_cb(sockrefs, &cgaddr_counter_ops, &cgaddr_sockrefs, 0444);
MODULE_PARM_DESC(sockrefs, "socket references programs hold now (0 between runs; read-only)");
module_param_cb(ref_leaks, &cgaddr_counter_ops, &cgaddr_ref_leaks, 0444);
MODULE_PARM_DESC(ref_leaks, "runs that ended holding a socket reference (read-only)");

static struct net *(*cgaddr_get_net_ns_by_id)(const struct net *net, int id);

static struct sock *cgaddr_lookup4(struct net *net, const struct bpf_sock_tuple *t, u8 proto,
				   bool *refcounted)
{
	if (proto == IPPROTO_TCP)
		return __inet_lookup(net, CGADDR_TCP_HASHINFO(net) NULL, 0,
				     t->ipv4.saddr, t->ipv4.sport, t->ipv4.daddr, t->ipv4.dport,
				     0, 0, refcounted);
	*refcounted = false;
	return __udp4_lib_lookup(net, t->ipv4.saddr, t->ipv4.sport, t->ipv4.daddr,
				 t->ipv4.dport, 0, 0, CGADDR_UDP_TABLE(net) NULL);
}

static struct sock *cgaddr_lookup6(struct net *net, const struct bpf_sock_tuple *t, u8 proto,
				   bool *refcounted)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct in6_addr *src = (const struct in6_addr *)t->ipv6.saddr;
	const struct in6_addr *dst = (const struct in6_addr *)t->ipv6.daddr;

	if (proto == IPPROTO_TCP)
		return __inet6_lookup(net, CGADDR_TCP_HASHINFO(net) NULL, 0, src, t->ipv6.sport,
				      dst, ntohs(t->ipv6.dport), 0, 0, refcounted);
	*refcounted = false;
	return __udp6_lib_lookup(net, src, t->ipv6.sport, dst, t->ipv6.dport, 0, 0,
				 CGADDR_UDP_TABLE(net) NULL);
#else
	return NULL;
#endif
}

/*
 * __bpf_skc_lookup() of 6.1: the tuple's size gives the family, flags
 * must be 0, a negative netns_id (BPF_F_CURRENT_NETNS) means the
 * caller's namespace, another id one of its peers.  Returns a socket
 * with a reference of ours, or NULL.
 */
static struct sock *cgaddr_skc_lookup(struct net *caller, const struct bpf_sock_tuple *t,
				      u32 len, u8 proto, u64 netns_id, u64 flags)
{
	struct net *net = caller;
	bool refcounted = false;
	struct sock *sk;
	bool v6;

	if (len == sizeof(t->ipv4))
		v6 = false;
	else if (len == sizeof(t->ipv6))
		v6 = true;
	else
		return NULL;
	if (flags || !((s32)netns_id < 0 || netns_id <= S32_MAX))
		return NULL;
	if ((s32)netns_id >= 0) {
		if (!cgaddr_get_net_ns_by_id)
			return NULL;
		net = cgaddr_get_net_ns_by_id(caller, netns_id);
		if (!net)
			return NULL;
	}
	sk = v6 ? cgaddr_lookup6(net, t, proto, &refcounted) :
		  cgaddr_lookup4(net, t, proto, &refcounted);
	/* RCU-freed sockets come without one: take it, unless it is dying. */
	if (sk && !refcounted && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	if (net != caller)
		put_net(net);
	return sk;
}

/* __bpf_sk_lookup(): a full socket; a request socket stands for its listener. */
static struct sock *cgaddr_sk_lookup(struct net *caller, const struct bpf_sock_tuple *t,
				     u32 len, u8 proto, u64 netns_id, u64 flags)
{
	struct sock *sk = cgaddr_skc_lookup(caller, t, len, proto, netns_id, flags);
	struct sock *full;

	if (!sk || sk_fullsock(sk))
		return sk;
	full = sk_to_full_sk(sk);
	if (!sk_fullsock(full) || !refcount_inc_not_zero(&full->sk_refcnt))
		full = NULL;
	sock_gen_put(sk);
	return full;
}

int cgaddr_helper_sk_lookup(struct cgaddr_run_env *env, struct cgaddr_vm_hcall *c)
{
	struct cgaddr_sock_slots *slots = this_cpu_ptr(cgaddr_slots);
	const struct bpf_sock_tuple *t = (const void *)(uintptr_t)c->arg[1];
	struct cgaddr_sock_slot *s = NULL;
	struct net *net;
	struct sock *sk;
	u8 proto = c->id == 85 ? IPPROTO_UDP : IPPROTO_TCP;
	int i;

	for (i = 0; i < CGADDR_SOCK_SLOTS; i++) {
		if (!slots->slot[i].sk) {
			s = &slots->slot[i];
			break;
		}
	}
	if (!s)
		return -ENOSPC;		/* a fault: too many references held */
	/* TEST_RUN has no socket: the caller's namespace stands in. */
	net = env->sk ? sock_net(env->sk) : current->nsproxy->net_ns;
	if (c->id == 99)
		sk = cgaddr_skc_lookup(net, t, c->arg[2], proto, c->arg[3], c->arg[4]);
	else
		sk = cgaddr_sk_lookup(net, t, c->arg[2], proto, c->arg[3], c->arg[4]);
	if (!sk)
		return 0;		/* NULL to the program */
	s->sk = sk;
	atomic_long_inc(&cgaddr_sockrefs);
	cgaddr_fill_sk_view(sk, &s->view);
	c->region.host = &s->view;
	c->region.len = CGADDR_VM_SK_SIZE;
	c->region.flags = CGADDR_VM_R_REF;
	/* Socket arguments are struct sock pointers, like ctx->sk's. */
	c->region.obj = sk;
	return 0;
}

/* Drop one reference to @sk held in this CPU's slots. */
static void cgaddr_slot_put(struct sock *sk)
{
	struct cgaddr_sock_slots *slots = this_cpu_ptr(cgaddr_slots);
	int i;

	for (i = 0; i < CGADDR_SOCK_SLOTS; i++) {
		if (slots->slot[i].sk == sk) {
			slots->slot[i].sk = NULL;
			sock_gen_put(sk);
			atomic_long_dec(&cgaddr_sockrefs);
			return;
		}
	}
	WARN_ONCE(1, "cgaddr: release of a socket reference it does not hold");
}

int cgaddr_helper_sk_release(struct cgaddr_vm_hcall *c)
{
	/* The VM passes only a reference this run got from a lookup. */
	cgaddr_slot_put((struct sock *)(uintptr_t)c->arg[0]);
	c->ret = 0;
	return 0;
}

void cgaddr_op_put(void *env, struct cgaddr_vm_region *r)
{
	atomic_long_inc(&cgaddr_ref_leaks);
	cgaddr_slot_put(r->obj);
}

int __init cgaddr_helpers_sock_init(void)
{
	cgaddr_slots = alloc_percpu(struct cgaddr_sock_slots);
	if (!cgaddr_slots)
		return -ENOMEM;
#ifdef CGADDR_HAVE_GET_NET_NS_BY_ID
	cgaddr_get_net_ns_by_id = (void *)get_net_ns_by_id;
#else
	cgaddr_get_net_ns_by_id = (void *)cgaddr_symbol_address("get_net_ns_by_id");
#endif
	return 0;
}

void cgaddr_helpers_sock_exit(void)
{
	free_percpu(cgaddr_slots);
}
