// SPDX-License-Identifier: GPL-2.0
/*
 * Running programs on a socket call's address: the module's side of
 * __cgroup_bpf_run_filter_sock_addr().
 *
 * The context is a struct bpf_sock_addr buffer filled from the kernel's
 * copy of the address; the VM checks every access against the attach
 * type's rules, so after the runs only the fields a program may write
 * (user_ip4/ip6, user_port, msg_src_ip4/ip6) are copied back.
 *
 * The hot path runs with rcu_read_lock() held (for the effective array)
 * and preemption disabled (for the per-CPU cgroup cache and VM scratch
 * area): programs
 * cannot sleep, and the helpers offered here do not.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <uapi/cgaddr.h>

#include "attach.h"
#include "cgaddr.h"
#include "helpers.h"
#include "prog.h"
#include "run.h"
#include "vm.h"

unsigned int cgaddr_budget = CGADDR_VM_DEFAULT_BUDGET;
module_param_named(budget, cgaddr_budget, uint, 0644);
MODULE_PARM_DESC(budget, "eBPF instructions one program run may execute (default 1000000)");

static bool cgaddr_run_time_stats;
module_param_named(run_time_stats, cgaddr_run_time_stats, bool, 0644);
MODULE_PARM_DESC(run_time_stats, "count the time programs run (costs two clock reads per run)");

static void __percpu *cgaddr_scratch;

/* What a type's context holds besides the family-specific address. */
static bool cgaddr_type_v6(enum cgaddr_type type)
{
	return type & 1;	/* the dense order alternates 4, 6 */
}

/* recvmsg and getname: a fault leaves the reported address untouched. */
static bool cgaddr_type_reports(enum cgaddr_type type)
{
	return type >= CGADDR_T_RECVMSG4;
}

/* user_port is the 2-byte sin_port behind a u32 (see vm_ctx.c). */
static void cgaddr_ctx_set_port(struct bpf_sock_addr *ctx, __be16 port)
{
	ctx->user_port = 0;
	memcpy(&ctx->user_port, &port, sizeof(port));
}

static __be16 cgaddr_ctx_port(const struct bpf_sock_addr *ctx)
{
	__be16 port;

	memcpy(&port, &ctx->user_port, sizeof(port));
	return port;
}

static void cgaddr_ctx_fill(struct bpf_sock_addr *ctx, const struct sock *sk,
			    const struct sockaddr *uaddr, enum cgaddr_type type,
			    const void *t_ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->user_family = uaddr->sa_family;
	if (cgaddr_type_v6(type)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)uaddr;

		memcpy(ctx->user_ip6, &sin6->sin6_addr, sizeof(ctx->user_ip6));
		cgaddr_ctx_set_port(ctx, sin6->sin6_port);
		if (t_ctx && type == CGADDR_T_SENDMSG6)
			memcpy(ctx->msg_src_ip6, t_ctx, sizeof(ctx->msg_src_ip6));
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

		ctx->user_ip4 = sin->sin_addr.s_addr;
		cgaddr_ctx_set_port(ctx, sin->sin_port);
		if (t_ctx && type == CGADDR_T_SENDMSG4)
			ctx->msg_src_ip4 = *(const __be32 *)t_ctx;
	}
	ctx->family = sk->sk_family;
	ctx->type = sk->sk_type;
	ctx->protocol = sk->sk_protocol;
}

static void cgaddr_ctx_writeback(const struct bpf_sock_addr *ctx, struct sockaddr *uaddr,
				 enum cgaddr_type type, void *t_ctx)
{
	if (cgaddr_type_v6(type)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)uaddr;

		memcpy(&sin6->sin6_addr, ctx->user_ip6, sizeof(sin6->sin6_addr));
		sin6->sin6_port = cgaddr_ctx_port(ctx);
		if (t_ctx && type == CGADDR_T_SENDMSG6)
			memcpy(t_ctx, ctx->msg_src_ip6, sizeof(ctx->msg_src_ip6));
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;

		sin->sin_addr.s_addr = ctx->user_ip4;
		sin->sin_port = cgaddr_ctx_port(ctx);
		if (t_ctx && type == CGADDR_T_SENDMSG4)
			*(__be32 *)t_ctx = ctx->msg_src_ip4;
	}
}

/* The writable part of the context: what a rewrite changes. */
#define CGADDR_CTX_ADDR_END	offsetof(struct bpf_sock_addr, family)

static bool cgaddr_ctx_changed(const struct bpf_sock_addr *a, const struct bpf_sock_addr *b)
{
	return memcmp(a, b, CGADDR_CTX_ADDR_END) ||
	       a->msg_src_ip4 != b->msg_src_ip4 ||
	       memcmp(a->msg_src_ip6, b->msg_src_ip6, sizeof(a->msg_src_ip6));
}

/*
 * One program, one run: account it and return its verdict bit pattern
 * (the program's r0, or 0 for a fault, which denies).
 */
static u64 cgaddr_run_one(struct cgaddr_prog *prog, struct cgaddr_vm_run *run,
			  struct bpf_sock_addr *ctx, bool *fault)
{
	struct cgaddr_prog_stats *st = this_cpu_ptr(prog->stats);
	struct bpf_sock_addr before;
	u64 start = 0;

	memcpy(&before, ctx, sizeof(before));
	((struct cgaddr_run_env *)run->env)->prog_id = prog->id;
	if (unlikely(READ_ONCE(cgaddr_run_time_stats)))
		start = local_clock();
	cgaddr_vm_exec(prog->vm, run);
	if (unlikely(start))
		st->run_time_ns += local_clock() - start;
	st->runs++;
	if (unlikely(run->fault)) {
		st->faults++;
		if (run->fault == CGADDR_VM_FAULT_BUDGET)
			st->budget_aborts++;
		*fault = true;
		return 0;
	}
	if (run->r0 & 1)
		st->allows++;
	else
		st->denies++;
	if (cgaddr_ctx_changed(&before, ctx))
		st->rewrites++;
	return run->r0;
}

/* Preemption disabled. */
static int cgaddr_run_array(const struct cgaddr_effective *eff, struct sock *sk,
			    struct sockaddr *uaddr, enum cgaddr_type type, void *t_ctx,
			    u32 *flags)
{
	struct cgaddr_run_env env = { .sk = sk, .type = type };
	struct cgaddr_vm_run run = {};
	struct bpf_sock_addr ctx;
	bool fault = false;
	u32 i;

	cgaddr_ctx_fill(&ctx, sk, uaddr, type, t_ctx);
	run.ctx = &ctx;
	run.budget = READ_ONCE(cgaddr_budget);
	run.ops = &cgaddr_vm_ops;
	run.env = &env;

	run.scratch = this_cpu_ptr(cgaddr_scratch);
	for (i = 0; i < eff->cnt; i++) {
		u64 ret = cgaddr_run_one(eff->progs[i], &run, &ctx, &fault);

		if (flags) {
			*flags |= ret >> 1;
			ret &= 1;
		}
		/* As bpf_prog_run_array_cg(): an errno set by a program wins. */
		if (!(ret & 1) && !IS_ERR_VALUE((long)env.retval))
			env.retval = -EPERM;
	}

	if (fault && cgaddr_type_reports(type))
		return 0;
	if (env.retval)
		return env.retval;
	cgaddr_ctx_writeback(&ctx, uaddr, type, t_ctx);
	return 0;
}

/* The array as found now; with @lock, one that needs the lock runs under it. */
static int cgaddr_run_current(struct sock *sk, struct sockaddr *uaddr, enum cgaddr_type type,
			      void *t_ctx, u32 *flags, bool lock)
{
	struct cgaddr_effective *eff;
	int ret = 0;

	rcu_read_lock();
	preempt_disable();
	eff = cgaddr_effective(cgaddr_sock_cgroup(sk), type);
	if (unlikely(eff && lock && eff->needs_lock)) {
		/*
		 * Changed since the caller's hint: lock_sock() sleeps, so look
		 * the array up again under the lock.
		 */
		preempt_enable();
		rcu_read_unlock();
		lock_sock(sk);
		ret = cgaddr_run_current(sk, uaddr, type, t_ctx, flags, false);
		release_sock(sk);
		return ret;
	}
	if (eff)
		ret = cgaddr_run_array(eff, sk, uaddr, type, t_ctx, flags);
	preempt_enable();
	rcu_read_unlock();
	return ret;
}

int cgaddr_run_sock_addr(struct sock *sk, struct sockaddr *uaddr, enum cgaddr_type type,
			 void *t_ctx, u32 *flags, u32 progs)
{
	bool lock = !(progs & CGADDR_PROGS_LOCKED);
	int ret;

	if (unlikely(!READ_ONCE(cgaddr_enabled)))
		return 0;
	/* The caller's hint: lock first rather than find out under RCU. */
	if (lock && (progs & CGADDR_PROGS_LOCK)) {
		lock_sock(sk);
		ret = cgaddr_run_current(sk, uaddr, type, t_ctx, flags, false);
		release_sock(sk);
		return ret;
	}
	return cgaddr_run_current(sk, uaddr, type, t_ctx, flags, lock);
}

/* ---- TEST_RUN ------------------------------------------------------------ */

static u32 cgaddr_fault_to_uapi(u32 fault)
{
	switch (fault) {
	case CGADDR_VM_OK:
		return CGADDR_FAULT_NONE;
	case CGADDR_VM_FAULT_BUDGET:
		return CGADDR_FAULT_BUDGET;
	case CGADDR_VM_FAULT_DEPTH:
		return CGADDR_FAULT_CALL_DEPTH;
	case CGADDR_VM_FAULT_RETVAL:
		return CGADDR_FAULT_RETVAL;
	case CGADDR_VM_FAULT_HELPER_ARG:
	case CGADDR_VM_FAULT_HELPER:
	case CGADDR_VM_FAULT_REF_LEAK:
		return CGADDR_FAULT_HELPER;
	default:
		return CGADDR_FAULT_MEMORY;
	}
}

int cgaddr_test_run(struct cgaddr_prog *prog, const struct bpf_sock *sk_view,
		    struct cgaddr_test_result *res)
{
	struct cgaddr_run_env env = {
		.type = prog->type,
		.prog_id = prog->id,
		.test_sk = sk_view,
	};
	struct cgaddr_vm_run run = {
		.ctx = &res->ctx,
		.budget = READ_ONCE(cgaddr_budget),
		.ops = &cgaddr_vm_ops,
		.env = &env,
	};
	u64 start;

	res->ctx.sk = 0;
	rcu_read_lock();
	preempt_disable();
	run.scratch = this_cpu_ptr(cgaddr_scratch);
	start = local_clock();
	cgaddr_vm_exec(prog->vm, &run);
	res->duration_ns = local_clock() - start;
	preempt_enable();
	rcu_read_unlock();
	res->retval = run.fault ? 0 : run.r0;
	res->insn_cnt = run.insn_cnt;
	res->fault = cgaddr_fault_to_uapi(run.fault);
	return 0;
}

int __init cgaddr_run_init(void)
{
	cgaddr_scratch = __alloc_percpu(CGADDR_VM_SCRATCH_SIZE, 8);
	return cgaddr_scratch ? 0 : -ENOMEM;
}

void cgaddr_run_exit(void)
{
	free_percpu(cgaddr_scratch);
}
