// SPDX-License-Identifier: GPL-2.0
/*
 * Helper implementations and the ctx->sk view.  The VM has already
 * checked each call against the helper's prototype and the attach type
 * and turned pointer arguments into host pointers of checked size; what
 * is left is to do what the kernel's helper of the same id does
 * (net/core/filter.c, kernel/bpf/helpers.c, 6.x).
 *
 * All of these run with preemption disabled: none may sleep.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "helpers.h"
#include "hook.h"
#include "map.h"
#include "monitor.h"
#include "vm.h"

u64 cgaddr_helper_mask[4];

/* Unexported functions, found at load; NULL where they do not exist. */
static u64 (*cgaddr_sock_gen_cookie)(struct sock *sk);
static u64 (*cgaddr_net_gen_cookie)(struct net *net);
typedef int (*cgaddr_sk_bind_fn)(struct sock *sk, cgaddr_sockaddr_t *uaddr, int addr_len,
				 u32 flags);
static cgaddr_sk_bind_fn cgaddr_inet_bind_sk;	/* __inet_bind */
static cgaddr_sk_bind_fn cgaddr_inet6_bind_sk;	/* __inet6_bind */

/* The ids implemented here, whatever the kernel. */
static const u8 cgaddr_helper_ids[] = {
	1,	/* map_lookup_elem */
	2,	/* map_update_elem */
	3,	/* map_delete_elem */
	5,	/* ktime_get_ns */
	6,	/* trace_printk */
	7,	/* get_prandom_u32 */
	8,	/* get_smp_processor_id */
	14,	/* get_current_pid_tgid */
	15,	/* get_current_uid_gid */
	16,	/* get_current_comm */
	49,	/* setsockopt */
	57,	/* getsockopt */
	80,	/* get_current_cgroup_id */
	84,	/* sk_lookup_tcp */
	85,	/* sk_lookup_udp */
	86,	/* sk_release */
	99,	/* skc_lookup_tcp */
	122,	/* get_netns_cookie */
	123,	/* get_current_ancestor_cgroup_id */
	125,	/* ktime_get_boot_ns */
	160,	/* ktime_get_coarse_ns */
	186,	/* get_retval */
	187,	/* set_retval */
};

void cgaddr_fill_sk_view(const struct sock *sk, struct bpf_sock *v)
{
	memset(v, 0, sizeof(*v));
	v->bound_dev_if = READ_ONCE(sk->sk_bound_dev_if);
	v->family = sk->sk_family;
	/*
	 * Request and timewait sockets (skc_lookup_tcp) have only the common
	 * part: natively their type .. priority cannot be read; here they
	 * read as 0, and rx_queue_mapping as -1.
	 */
	if (sk_fullsock(sk)) {
		v->type = sk->sk_type;
		v->protocol = sk->sk_protocol;
		v->mark = READ_ONCE(sk->sk_mark);
		v->priority = READ_ONCE(sk->sk_priority);
		v->rx_queue_mapping = sk_rx_queue_get(sk);
	} else {
		v->rx_queue_mapping = -1;
	}
	v->src_ip4 = sk->sk_rcv_saddr;
	v->src_port = sk->sk_num;
	v->dst_port = sk->sk_dport;
	v->dst_ip4 = sk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	memcpy(v->src_ip6, &sk->sk_v6_rcv_saddr, sizeof(v->src_ip6));
	memcpy(v->dst_ip6, &sk->sk_v6_daddr, sizeof(v->dst_ip6));
#endif
	v->state = sk->sk_state;
}

static int cgaddr_op_sk_view(void *envp, struct cgaddr_vm_region *r)
{
	struct cgaddr_run_env *env = envp;

	if (env->sk)
		cgaddr_fill_sk_view(env->sk, &env->sk_view);
	else if (env->test_sk)
		memcpy(&env->sk_view, env->test_sk, sizeof(env->sk_view));
	else
		return -ENOENT;
	/* dst_port is 2 bytes; the 2 after it are padding that reads as 0. */
	memset((u8 *)&env->sk_view + offsetof(struct bpf_sock, dst_port) + 2, 0, 2);
	r->host = &env->sk_view;
	r->len = CGADDR_VM_SK_SIZE;
	r->flags = CGADDR_VM_R_SOCK;
	r->obj = env->sk;
	return 0;
}

static u64 cgaddr_current_uid_gid(void)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 | from_kuid(&init_user_ns, uid);
}

static u64 cgaddr_ancestor_cgroup_id(int level)
{
	struct cgroup *ancestor = cgroup_ancestor(task_dfl_cgroup(current), level);

	return ancestor ? cgroup_id(ancestor) : 0;
}

/*
 * bpf_bind(), connect programs only (the VM enforces that): bind the
 * connecting socket, which its caller has locked, as natively --
 * __inet_bind()/__inet6_bind() with BIND_FROM_BPF, and with port 0 the
 * IP_BIND_ADDRESS_NO_PORT behaviour (address now, port at connect).
 * Those functions do not reach cgaddr's own bind hook.
 */
static s64 cgaddr_helper_bind(struct cgaddr_run_env *env, const void *addr, u32 len)
{
	struct sockaddr_storage ss = {};
	u32 flags = BIND_FROM_BPF;

	if (!env->sk || len < offsetofend(struct sockaddr, sa_family))
		return -EINVAL;
	memcpy(&ss, addr, min_t(u32, len, sizeof(ss)));
	if (ss.ss_family == AF_INET) {
		if (len < sizeof(struct sockaddr_in))
			return -EINVAL;
		if (!((struct sockaddr_in *)&ss)->sin_port)
			flags |= BIND_FORCE_ADDRESS_NO_PORT;
		if (!cgaddr_inet_bind_sk)
			return -EAFNOSUPPORT;
		return cgaddr_inet_bind_sk(env->sk, (cgaddr_sockaddr_t *)&ss, len, flags);
	}
	if (ss.ss_family == AF_INET6) {
		if (len < SIN6_LEN_RFC2133)
			return -EINVAL;
		if (!((struct sockaddr_in6 *)&ss)->sin6_port)
			flags |= BIND_FORCE_ADDRESS_NO_PORT;
		if (!cgaddr_inet6_bind_sk)
			return -EAFNOSUPPORT;
		return cgaddr_inet6_bind_sk(env->sk, (cgaddr_sockaddr_t *)&ss,
					    min_t(u32, len, sizeof(ss)), flags);
	}
	return -EAFNOSUPPORT;
}

u64 cgaddr_sock_cookie(struct sock *sk)
{
	return cgaddr_sock_gen_cookie ? cgaddr_sock_gen_cookie(sk) : 0;
}

static int cgaddr_op_call(void *envp, struct cgaddr_vm_hcall *c)
{
	struct cgaddr_run_env *env = envp;

	switch (c->id) {
	case 1:
	case 2:
	case 3:
	case 107:
	case 108:
		return cgaddr_map_helper(env, c);
	case 5:
		c->ret = ktime_get_ns();
		break;
	case 6:
		/* The VM formatted the text; c->ret is its length already. */
		cgaddr_monitor_trace(env->prog_id, (const char *)(uintptr_t)c->arg[0], c->arg[1]);
		break;
	case 7:
		c->ret = get_random_u32();
		break;
	case 8:
		c->ret = raw_smp_processor_id();
		break;
	case 14:
		c->ret = (u64)current->tgid << 32 | current->pid;
		break;
	case 15:
		c->ret = cgaddr_current_uid_gid();
		break;
	case 16:
		strscpy_pad((char *)(uintptr_t)c->arg[0], current->comm, c->arg[1]);
		c->ret = 0;
		break;
	case 49:
		c->ret = cgaddr_helper_setsockopt(env->sk, (int)c->arg[1], (int)c->arg[2],
						  (char *)(uintptr_t)c->arg[3], (int)c->arg[4]);
		break;
	case 57:
		c->ret = cgaddr_helper_getsockopt(env->sk, (int)c->arg[1], (int)c->arg[2],
						  (char *)(uintptr_t)c->arg[3], (int)c->arg[4]);
		break;
	case 84:
	case 85:
	case 99:
		return cgaddr_helper_sk_lookup(env, c);
	case 86:
		return cgaddr_helper_sk_release(c);
	case 46:
		c->ret = env->sk && cgaddr_sock_gen_cookie ? cgaddr_sock_gen_cookie(env->sk) : 0;
		break;
	case 64:
		c->ret = cgaddr_helper_bind(env, (const void *)(uintptr_t)c->arg[1], c->arg[2]);
		break;
	case 80:
		c->ret = cgroup_id(task_dfl_cgroup(current));
		break;
	case 122:
		/* NULL ctx: the initial namespace's cookie, as natively. */
		c->ret = cgaddr_net_cookie(c->arg[0] && env->sk ? sock_net(env->sk) : &init_net,
					   cgaddr_net_gen_cookie);
		break;
	case 123:
		c->ret = cgaddr_ancestor_cgroup_id((int)c->arg[0]);
		break;
	case 125:
		c->ret = ktime_get_boottime_ns();
		break;
	case 160:
		c->ret = ktime_get_coarse_ns();
		break;
	case 186:
		c->ret = (u64)(s64)env->retval;
		break;
	case 187:
		env->retval = (int)c->arg[0];
		c->ret = 0;
		break;
	default:
		return -ENOSYS;
	}
	return 0;
}

const struct cgaddr_vm_ops cgaddr_vm_ops = {
	.call = cgaddr_op_call,
	.sk_view = cgaddr_op_sk_view,
	.put = cgaddr_op_put,
};

static void cgaddr_helper_allow(u32 id)
{
	cgaddr_helper_mask[id / 64] |= 1ULL << (id % 64);
}

int __init cgaddr_helpers_init(void)
{
	unsigned int i;
	int err;

	err = cgaddr_helpers_sock_init();
	if (err)
		return err;
	cgaddr_helpers_sockopt_init();
	for (i = 0; i < ARRAY_SIZE(cgaddr_helper_ids); i++)
		cgaddr_helper_allow(cgaddr_helper_ids[i]);
	cgaddr_sock_gen_cookie = (void *)cgaddr_symbol_address("__sock_gen_cookie");
	if (cgaddr_sock_gen_cookie) {
		cgaddr_helper_allow(46);
		cgaddr_helper_allow(107);	/* sk_storage is keyed by cookie */
		cgaddr_helper_allow(108);
	} else
		pr_info("__sock_gen_cookie not found: bpf_get_socket_cookie is not available\n");
	cgaddr_inet_bind_sk = (cgaddr_sk_bind_fn)cgaddr_symbol_address("__inet_bind");
	cgaddr_inet6_bind_sk = (cgaddr_sk_bind_fn)cgaddr_symbol_address("__inet6_bind");
	if (cgaddr_inet_bind_sk)
		cgaddr_helper_allow(64);
	else
		pr_info("__inet_bind not found: bpf_bind is not available\n");
#ifndef CGADDR_HAVE_NET_COOKIE_U64
	cgaddr_net_gen_cookie = (void *)cgaddr_symbol_address("__net_gen_cookie");
#endif
	return 0;
}

void cgaddr_helpers_exit(void)
{
	cgaddr_helpers_sock_exit();
}
