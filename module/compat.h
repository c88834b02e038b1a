/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences live.  Force-included into
 * every module object (see Kbuild).  CGADDR_HAVE_* flags come from
 * compat-probe.sh, which greps the target kernel's headers; CONFIG_* from
 * the target's configuration.  Core code uses only the names defined here.
 *
 * The VM sources (vm_*.c) are freestanding: built for the host too, and in
 * the kernel with CGADDR_VM_FREESTANDING (Kbuild), so that none of the
 * kernel headers below reach them.
 */
#ifndef CGADDR_COMPAT_H
#define CGADDR_COMPAT_H

#if defined(__KERNEL__) && !defined(CGADDR_VM_FREESTANDING)

/* Every message of the module starts with its name. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/uaccess.h>

#if !defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) && !defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#error "cgaddr needs CONFIG_DYNAMIC_FTRACE_WITH_REGS or _WITH_ARGS to redirect functions"
#endif
#ifndef CONFIG_KPROBES
#error "cgaddr needs CONFIG_KPROBES to find the address of unexported functions"
#endif

/* ---- ftrace function redirection ------------------------------------- */

#ifdef CGADDR_HAVE_FTRACE_REGS
typedef struct ftrace_regs cgaddr_ftrace_regs_t;
#else
typedef struct pt_regs cgaddr_ftrace_regs_t;
#endif

/*
 * Make the traced function return into @ip instead of running its body.
 * Without HAVE_DYNAMIC_FTRACE_WITH_ARGS (arm64 before 6.2), the generic
 * ftrace_instruction_pointer_set() is an empty stub: the ip is set in the
 * full pt_regs that SAVE_REGS asked for, through the architecture's own
 * accessor (regs->ip on x86, regs->pc on arm64).
 */
static __always_inline void cgaddr_ftrace_redirect(cgaddr_ftrace_regs_t *regs,
						   unsigned long ip)
{
#if defined(CGADDR_HAVE_FTRACE_REGS_SET_IP)
	ftrace_regs_set_instruction_pointer(regs, ip);
#elif defined(CGADDR_HAVE_FTRACE_INSTRUCTION_POINTER_SET) && \
	defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
	ftrace_instruction_pointer_set(regs, ip);
#elif defined(CGADDR_HAVE_FTRACE_REGS)
	instruction_pointer_set(ftrace_get_regs(regs), ip);
#else
	instruction_pointer_set(regs, ip);
#endif
}

/* The traced function's first argument, as the callback sees it. */
static __always_inline unsigned long cgaddr_ftrace_arg0(cgaddr_ftrace_regs_t *regs)
{
#if defined(CGADDR_HAVE_FTRACE_REGS_GET_ARGUMENT)
	return ftrace_regs_get_argument(regs, 0);
#elif defined(CGADDR_HAVE_FTRACE_REGS)
	/* An ftrace_regs that wraps a (partial) pt_regs holding the arguments. */
	return regs_get_kernel_argument(&regs->regs, 0);
#else
	return regs_get_kernel_argument(regs, 0);
#endif
}

/*
 * A function's callable entry from the address kprobes report for it.
 * x86 kprobes report the address after an IBT landing pad (endbr64); the
 * entry is the landing pad itself.  arm64 kprobes report the symbol's
 * address, which is its entry.
 */
static inline unsigned long cgaddr_kprobe_entry(unsigned long addr)
{
#ifdef CONFIG_X86
	u32 insn;

	if (addr && !copy_from_kernel_nofault(&insn, (void *)(addr - 4), 4) &&
	    insn == 0xfa1e0ff3 /* endbr64 */)
		addr -= 4;
#endif
	return addr;
}

/*
 * Where the architecture passes ftrace callbacks their arguments in a
 * partial frame whose instruction pointer its trampoline honours
 * (DYNAMIC_FTRACE_WITH_ARGS, with an accessor to set it), a redirect needs
 * no full pt_regs: without SAVE_REGS ftrace uses its lighter trampoline,
 * as livepatch does.  Elsewhere (5.10) the ip lives only in saved pt_regs.
 */
#if defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) && \
	(defined(CGADDR_HAVE_FTRACE_REGS_SET_IP) || \
	 defined(CGADDR_HAVE_FTRACE_INSTRUCTION_POINTER_SET))
#define CGADDR_FTRACE_SAVE_REGS 0
#else
#define CGADDR_FTRACE_SAVE_REGS FTRACE_OPS_FL_SAVE_REGS
#endif

/*
 * The thunk cannot recurse (it calls nothing traceable), so ask ftrace for
 * no recursion protection: before 5.11 by promising RECURSION_SAFE, after
 * by leaving FTRACE_OPS_FL_RECURSION clear.
 */
#ifdef CGADDR_HAVE_FTRACE_RECURSION_SAFE
#define CGADDR_FTRACE_OPS_FLAGS \
	(CGADDR_FTRACE_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION_SAFE)
#else
#define CGADDR_FTRACE_OPS_FLAGS (CGADDR_FTRACE_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY)
#endif

/* Release the filter of an unregistered ops. */
static inline void cgaddr_ftrace_free_filter(struct ftrace_ops *ops)
{
#ifdef CGADDR_HAVE_FTRACE_FREE_FILTER
	ftrace_free_filter(ops);
#else
	/*
	 * Not exported before 5.17: empty the filter; its small, now empty
	 * hash table stays allocated.
	 */
	ftrace_set_filter(ops, NULL, 0, 1);
#endif
}

/*
 * Wait for every task that may have been redirected into a wrapper (or be
 * returning from one) to leave module text.  Tasks RCU waits for a
 * voluntary context switch of every task, which covers preemption at any
 * instruction of a wrapper's prologue or epilogue.
 */
static inline void cgaddr_sync_tasks(void)
{
#ifdef CONFIG_TASKS_RCU
	synchronize_rcu_tasks();
#else
	synchronize_rcu();
#endif
}

/*
 * Freeing what ftrace's callback reads without a lock, as ftrace frees
 * its trampolines: after every task that may have been preempted inside
 * the callback has switched voluntarily.  Without TASKS_RCU the kernel
 * cannot preempt (ftrace selects it with PREEMPTION), so a callback is
 * an RCU read section of its own.
 */
#if defined(CONFIG_PREEMPTION) && !defined(CONFIG_TASKS_RCU)
#error "a preemptible kernel whose ftrace has no TASKS_RCU"
#endif

static inline void cgaddr_call_rcu_tasks(struct rcu_head *head, rcu_callback_t fn)
{
#ifdef CONFIG_TASKS_RCU
	call_rcu_tasks(head, fn);
#else
	call_rcu(head, fn);
#endif
}

static inline void cgaddr_rcu_barrier_tasks(void)
{
#ifdef CONFIG_TASKS_RCU
	rcu_barrier_tasks();
#else
	rcu_barrier();
#endif
}

/*
 * Whether @addr is in cgaddr's own core text, where every wrapper is: how
 * ftrace's callback recognises a wrapper's call of its original.  Cheaper
 * than within_module(), which on 6.4 and later walks every memory type of
 * the module (init and data included).
 */
static __always_inline bool cgaddr_within_own_text(unsigned long addr)
{
#ifdef CGADDR_HAVE_WITHIN_MODULE_MEM_TYPE
	return within_module_mem_type(addr, THIS_MODULE, MOD_TEXT);
#else
	return within_module_core(addr, THIS_MODULE);
#endif
}

/* ---- socket address types ------------------------------------------- */

/* 6.19 made the protocol bind/connect operations take sockaddr_unsized. */
#ifdef CGADDR_HAVE_SOCKADDR_UNSIZED
typedef struct sockaddr_unsized cgaddr_sockaddr_t;
#else
typedef struct sockaddr cgaddr_sockaddr_t;
#endif

/* ---- the cgroup a socket belongs to ---------------------------------- */

#include <linux/cgroup.h>
#include <net/sock.h>

/*
 * Natively, sock_addr programs run for the cgroup v2 of the task that
 * created the socket, recorded in sk_cgrp_data.  Without
 * CONFIG_SOCK_CGROUP_DATA the socket records nothing: fall back to the
 * calling task's cgroup (documented in the README).
 */
static inline struct cgroup *cgaddr_sock_cgroup(const struct sock *sk)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	return sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);
#else
	return task_dfl_cgroup(current);
#endif
}

/*
 * A cgroup's ancestry as one load: 6.1 (with backports; mainline 6.2)
 * keeps the ancestors themselves, self included, in cgroup->ancestors[];
 * before, their ids in ancestor_ids[].  The key is what that array holds.
 */
#ifndef CGADDR_HAVE_CGROUP_ANCESTOR_IDS
typedef const struct cgroup *cgaddr_cgroup_key_t;

static __always_inline cgaddr_cgroup_key_t cgaddr_cgroup_key(const struct cgroup *cgrp)
{
	return cgrp;
}

static __always_inline cgaddr_cgroup_key_t
cgaddr_cgroup_ancestor_key(const struct cgroup *cgrp, int level)
{
	return cgrp->ancestors[level];
}
#else
typedef u64 cgaddr_cgroup_key_t;

static __always_inline cgaddr_cgroup_key_t cgaddr_cgroup_key(const struct cgroup *cgrp)
{
	return cgroup_id((struct cgroup *)cgrp);
}

static __always_inline cgaddr_cgroup_key_t
cgaddr_cgroup_ancestor_key(const struct cgroup *cgrp, int level)
{
	return cgrp->ancestor_ids[level];
}
#endif

/* ---- cgroups by id ---------------------------------------------------- */

static inline struct cgroup *cgaddr_cgroup_get_from_id(u64 id)
{
#ifdef CGADDR_HAVE_CGROUP_GET_FROM_ID
	return cgroup_get_from_id(id);
#else
	return ERR_PTR(-EOPNOTSUPP);
#endif
}

/* ---- generic netlink ---------------------------------------------------- */

#include <net/genetlink.h>

/* The parsed attributes of a dump request. */
static inline struct nlattr **cgaddr_dump_attrs(struct netlink_callback *cb)
{
#ifdef CGADDR_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* ---- struct proto's recvmsg ------------------------------------------ */

#if defined(CGADDR_HAVE_RECVMSG_NOBLOCK)
#define CGADDR_RECVMSG_PARAMS	, int noblock, int flags, int *addr_len
#define CGADDR_RECVMSG_ARGS	, noblock, flags, addr_len
#elif defined(CGADDR_HAVE_RECVMSG_NO_ADDR_LEN)
#define CGADDR_RECVMSG_PARAMS	, int flags
#define CGADDR_RECVMSG_ARGS	, flags
#else
#define CGADDR_RECVMSG_PARAMS	, int flags, int *addr_len
#define CGADDR_RECVMSG_ARGS	, flags, addr_len
#endif

/* ---- network namespaces ---------------------------------------------- */

#include <net/net_namespace.h>

/*
 * The netns cookie, or 0 where it is generated lazily (5.13 and older)
 * and @gen, the kernel's unexported generator, was not found.
 */
static inline u64 cgaddr_net_cookie(struct net *net, u64 (*gen)(struct net *))
{
#ifdef CGADDR_HAVE_NET_COOKIE_U64
	return net->net_cookie;
#else
	u64 cookie = atomic64_read(&net->net_cookie);

	return cookie || !gen ? cookie : gen(net);
#endif
}

/* ---- socket lookups (helpers_sock.c) -------------------------------- */

/* The leading table arguments of the TCP and UDP lookup functions. */
#ifdef CGADDR_HAVE_INET_LOOKUP_HASHINFO
#define CGADDR_TCP_HASHINFO(net)	(net)->ipv4.tcp_death_row.hashinfo,
#else
#define CGADDR_TCP_HASHINFO(net)
#endif
#if !defined(CGADDR_HAVE_UDP_LOOKUP_TABLE)
#define CGADDR_UDP_TABLE(net)
#elif defined(CGADDR_HAVE_NETNS_UDP_TABLE)
#define CGADDR_UDP_TABLE(net)		(net)->ipv4.udp_table,
#else
#define CGADDR_UDP_TABLE(net)		&udp_table,
#endif

/* ---- socket options (helpers_sockopt.c) ---------------------------- */

#include <net/tcp.h>
#include <net/ipv6.h>

static inline void cgaddr_tcp_snd_cwnd_set(struct tcp_sock *tp, u32 val)
{
#ifdef CGADDR_HAVE_TCP_SND_CWND_SET
	tcp_snd_cwnd_set(tp, val);
#else
	tp->snd_cwnd = val;
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
/* IPV6_AUTOFLOWLABEL as setsockopt() sets it, and as getsockopt() reads it. */
static inline void cgaddr_ipv6_autoflowlabel_set(struct sock *sk, bool on)
{
#ifdef CGADDR_HAVE_INET_AUTOFLOWLABEL
	inet_assign_bit(AUTOFLOWLABEL, sk, on);
	inet_set_bit(AUTOFLOWLABEL_SET, sk);
#else
	inet6_sk(sk)->autoflowlabel = on;
	inet6_sk(sk)->autoflowlabel_set = 1;
#endif
}

static inline bool cgaddr_ipv6_autoflowlabel(struct sock *sk)
{
#ifdef CGADDR_HAVE_INET_AUTOFLOWLABEL
	if (inet_test_bit(AUTOFLOWLABEL_SET, sk))
		return inet_test_bit(AUTOFLOWLABEL, sk);
#else
	if (inet6_sk(sk)->autoflowlabel_set)
		return inet6_sk(sk)->autoflowlabel;
#endif
	return ip6_default_np_autolabel(sock_net(sk));
}
#endif

#endif /* __KERNEL__ && !CGADDR_VM_FREESTANDING */
#endif /* CGADDR_COMPAT_H */
