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

/* What cgaddr_sock_progs() says of a socket's programs of a type. */
#define CGADDR_PROGS		1U	/* there are some */
#define CGADDR_PROGS_LOCK	2U	/* and their array needs the socket locked */
/* Added by a caller that holds the socket lock already. */
#define CGADDR_PROGS_LOCKED	4U

/*
 * Run the effective @type programs of @sk's cgroup on @uaddr, the kernel's
 * copy of the socket address, which rewrites change in place (and @t_ctx,
 * the source address, for sendmsg).  As __cgroup_bpf_run_filter_sock_addr:
 * 0 when every program allowed, else -EPERM (or the errno a program set).
 * For bind, *flags collects the return values' bit 1.  @progs is what
 * cgaddr_sock_progs() said (| CGADDR_PROGS_LOCKED): unless the caller
 * holds it, the socket is locked around the runs where a program of the
 * array needs it (prog.h; may sleep then), whatever changed since.
 */
int cgaddr_run_sock_addr(struct sock *sk, struct sockaddr *uaddr, enum cgaddr_type type,
			 void *t_ctx, u32 *flags, u32 progs);

/*
 * cgaddr_cgroup_types() of @sk's cgroup (0 while disabled).  Inline:
 * ftrace's callback asks on every call of a patched function, so a cache
 * hit costs no call.  Functions are patched for the whole machine; a
 * racing attach is seen by the next call, as natively.
 */
static __always_inline u32 cgaddr_sock_types(struct sock *sk)
{
	struct cgroup *cgrp = cgaddr_sock_cgroup(sk);
	struct cgaddr_cache_ent *ent;
	u32 have;

	if (unlikely(!READ_ONCE(cgaddr_enabled)))
		return 0;
	preempt_disable_notrace();
	ent = cgaddr_cache_hit(cgrp);
	have = likely(ent) ? ent->types : cgaddr_cgroup_types(cgrp);
	preempt_enable_notrace();
	return have;
}

/* Any of @types (BIT(enum cgaddr_type)). */
static __always_inline bool cgaddr_sock_has_types(struct sock *sk, u32 types)
{
	return cgaddr_sock_types(sk) & types;
}

/*
 * Whether @sk's cgroup has @type programs (CGADDR_PROGS, and
 * CGADDR_PROGS_LOCK), 0 if none: lets a wrapper skip preparing the
 * context for sockets no program sees.
 */
static __always_inline u32 cgaddr_sock_progs(struct sock *sk, enum cgaddr_type type)
{
	u32 t = cgaddr_sock_types(sk);

	return (t >> type & 1) | (t & CGADDR_LOCK_BIT(type) ? CGADDR_PROGS_LOCK : 0);
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
