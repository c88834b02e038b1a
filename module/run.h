/* SPDX-License-Identifier: GPL-2.0 */
/* Running programs: on a socket call's address, or for TEST_RUN. */
#ifndef CGADDR_RUN_H
#define CGADDR_RUN_H

#include <linux/bpf.h>
#include <linux/netlink.h>
#include <linux/types.h>
#include <net/sock.h>

#include "attach.h"
#include "cg_cache.h"
#include "cgaddr.h"
#include "types.h"

struct cgaddr_prog;

/* Bit 1 of a bind program's return value (BPF_RET_BIND_NO_CAP_NET_BIND_SERVICE). */
#define CGADDR_RET_BIND_NO_CAP_NET_BIND_SERVICE	(1U << 0)

/* Module parameters. */
extern unsigned int cgaddr_budget;

/*
 * Run the effective @type programs of @sk's cgroup on @uaddr, the kernel's
 * copy of the socket address, which rewrites change in place (and @t_ctx,
 * the source address, for sendmsg).  As __cgroup_bpf_run_filter_sock_addr:
 * 0 when every program allowed, else -EPERM (or the errno a program set).
 * For bind, *flags collects the return values' bit 1.
 */
int cgaddr_run_sock_addr(struct sock *sk, struct sockaddr *uaddr, enum cgaddr_type type,
			 void *t_ctx, u32 *flags);

/*
 * Whether @sk's cgroup has @type programs: lets a wrapper skip locking
 * the socket and preparing the context for sockets no program sees
 * (functions are patched for the whole machine).  A racing attach is
 * seen by the next call, as natively.
 */
bool cgaddr_sock_has_progs(struct sock *sk, enum cgaddr_type type);
/*
 * Any of @types (BIT(enum cgaddr_type)).  Inline: ftrace's callback asks
 * on every call of a patched function, so a cache hit costs no call.
 */
static __always_inline bool cgaddr_sock_has_types(struct sock *sk, u32 types)
{
	struct cgroup *cgrp = cgaddr_sock_cgroup(sk);
	struct cgaddr_cache_ent *ent;
	u32 have;

	if (unlikely(!READ_ONCE(cgaddr_enabled)))
		return false;
	preempt_disable_notrace();
	ent = cgaddr_cache_hit(cgrp);
	have = likely(ent) ? ent->types : cgaddr_cgroup_types(cgrp);
	preempt_enable_notrace();
	return have & types;
}

struct cgaddr_test_result {
	struct bpf_sock_addr ctx;	/* in: the context; out: after the run */
	u64 retval;
	u64 insn_cnt;
	u64 duration_ns;
	u32 fault;
};

int cgaddr_test_run(struct cgaddr_prog *prog, const struct bpf_sock *sk_view,
		    struct cgaddr_test_result *res);

/* PROG_LOAD: validate and register a program; cgaddr_mutex held. */
int cgaddr_prog_load(struct nlattr **attrs, u32 *id, struct netlink_ext_ack *extack);
u32 cgaddr_max_insns(void);

int cgaddr_run_init(void);
void cgaddr_run_exit(void);

#endif /* CGADDR_RUN_H */
