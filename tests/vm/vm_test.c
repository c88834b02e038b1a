// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the VM: every instruction class, every context and
 * socket rule of every attach type (proven at load and checked at run
 * time), every load error message, the runtime faults, the virtual
 * address space, helpers, data sections and the instruction budget.
 *
 * Closing line: "vm_test: N passed, M failed".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"

#include "../check.h"

static void *scratch;

/* ---- a test environment: helpers and the sk view ---------------------- */

struct tenv {
	int calls;
	u32 last_id;
	u64 args[5];
	const struct cgaddr_vm_map *map;
	struct bpf_sock sk;
	struct bpf_sock found;
	int sk_asks;
	int puts;
	int fail;
	u8 mapval[16];
	int no_sk;
	char text[CGADDR_VM_PRINTK_LEN];
	u64 text_len;
};

static int t_call(void *envp, struct cgaddr_vm_hcall *c)
{
	struct tenv *env = envp;

	env->calls++;
	env->last_id = c->id;
	memcpy(env->args, c->arg, sizeof(env->args));
	env->map = c->map;
	if (env->fail)
		return -1;
	switch (c->id) {
	case 16:
		memset((void *)(uintptr_t)c->arg[0], 'x', c->arg[1]);
		c->ret = 0;
		break;
	case 1:
		c->region.host = env->mapval;
		c->region.len = sizeof(env->mapval);
		c->region.flags = CGADDR_VM_R_WRITE;
		break;
	case 6:
		/* the formatted text; c->ret already holds its full length */
		memcpy(env->text, (const char *)(uintptr_t)c->arg[0], c->arg[1] + 1);
		env->text_len = c->arg[1];
		break;
	case 84:
		c->region.host = &env->found;
		c->region.len = sizeof(env->found);
		c->region.flags = CGADDR_VM_R_REF;
		c->region.obj = (void *)0x5eed;
		break;
	default:
		c->ret = 1000 + c->id;
	}
	return 0;
}

static int t_sk_view(void *envp, struct cgaddr_vm_region *r)
{
	struct tenv *env = envp;

	env->sk_asks++;
	if (env->no_sk)
		return -1;
	r->host = &env->sk;
	r->len = sizeof(env->sk);
	r->obj = (void *)0xabc;
	return 0;
}

static void t_put(void *envp, struct cgaddr_vm_region *r)
{
	((struct tenv *)envp)->puts++;
}

static const struct cgaddr_vm_ops t_ops = { t_call, t_sk_view, t_put };

/* ---- loading and running -------------------------------------------- */

struct tload {
	u32 type;
	u32 flags;
	u32 ndata;
	const struct cgaddr_vm_data *data;
	u32 nmaps;
	const struct cgaddr_vm_map *maps;
	const u64 *mask;
};

static struct cgaddr_vm_error last_err;

static struct cgaddr_vm_prog *load_x(const struct bpf_insn *insns, u32 n, const struct tload *o)
{
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_prog *prog = NULL;

	attr.insns = insns;
	attr.insn_cnt = n;
	attr.attach_type = o->type;
	attr.flags = o->flags;
	attr.ndata = o->ndata;
	attr.data = o->data;
	attr.nmaps = o->nmaps;
	attr.maps = o->maps;
	attr.helper_mask = o->mask;
	if (cgaddr_vm_load(&attr, &prog, &last_err))
		return NULL;
	return prog;
}

static struct cgaddr_vm_prog *load_t(const struct bpf_insn *insns, u32 n, u32 type)
{
	struct tload o = { .type = type };

	return load_x(insns, n, &o);
}

static struct cgaddr_vm_prog *load_raw(const struct bpf_insn *insns, u32 n)
{
	struct tload o = { .flags = CGADDR_VM_F_RAW };

	return load_x(insns, n, &o);
}

/* Expect a load error with exactly @msg. */
#define LOAD_ERR_X(insns, o, want) do {				\
	struct cgaddr_vm_prog *p_ = load_x(insns, NINSN(insns), o);	\
	CHECK(!p_ && !strcmp(last_err.msg, want),			\
	      "expected '%s', got %s '%s'", want, p_ ? "success" : "error", \
	      p_ ? "" : last_err.msg);					\
	cgaddr_vm_free(p_);						\
} while (0)

#define LOAD_ERR_T(insns, ty, want) do {				\
	struct tload o_ = { .type = ty };				\
	LOAD_ERR_X(insns, &o_, want);					\
} while (0)

#define LOAD_ERR(insns, want) LOAD_ERR_T(insns, BPF_CGROUP_INET4_CONNECT, want)

static struct cgaddr_vm_run run_x(const struct cgaddr_vm_prog *prog, void *ctx, u32 ctx_len,
				  struct tenv *env, u64 budget)
{
	struct cgaddr_vm_run run = { 0 };

	run.ctx = ctx;
	run.ctx_len = ctx_len;
	run.ops = &t_ops;
	run.env = env;
	run.scratch = scratch;
	run.budget = budget;
	cgaddr_vm_exec(prog, &run);
	return run;
}

/* Run a F_RAW program without memory: r0, or ~0 with a message on fault. */
static u64 raw_r0(const struct bpf_insn *insns, u32 n, int line)
{
	struct cgaddr_vm_prog *prog = load_raw(insns, n);
	struct cgaddr_vm_run run;
	struct tenv env = { 0 };

	if (!prog) {
		printf("  (line %d: load failed: %s)\n", line, last_err.msg);
		return 0xdeadbeefdeadbeefULL;
	}
	run = run_x(prog, NULL, 0, &env, 0);
	cgaddr_vm_free(prog);
	if (run.fault) {
		printf("  (line %d: fault %s at %d)\n", line, cgaddr_vm_fault_str(run.fault),
		       run.fault_insn);
		return 0xdeadbeefdeadbeefULL;
	}
	return run.r0;
}

#define R0_IS(expect, ...) do {						\
	const struct bpf_insn p_[] = { __VA_ARGS__ };			\
	u64 got_ = raw_r0(p_, NINSN(p_), __LINE__);			\
	CHECK(got_ == (u64)(expect), "r0 = 0x%llx, expected 0x%llx",	\
	      (unsigned long long)got_, (unsigned long long)(expect));	\
} while (0)

/* ---- instruction classes -------------------------------------------- */

#define IMIN64 0x8000000000000000ULL

static void test_alu(void)
{
	R0_IS(7, MOV64_IMM(0, 3), ALU64_IMM(BPF_ADD, 0, 4), EXIT());
	R0_IS(-1ULL, MOV64_IMM(0, 3), ALU64_IMM(BPF_SUB, 0, 4), EXIT());
	R0_IS(0xffffffffULL, MOV64_IMM(0, 3), ALU32_IMM(BPF_SUB, 0, 4), EXIT());
	/* 32-bit ops zero-extend their result. */
	R0_IS(0xffffffffULL, MOV64_IMM(0, -1), ALU32_IMM(BPF_ADD, 0, 0), EXIT());
	R0_IS(0x2ULL, LDDW(0, 0x100000001ULL), MOV64_IMM(1, 1), ALU32_REG(BPF_ADD, 0, 1), EXIT());
	R0_IS(0xfffffffeULL, MOV32_IMM(0, -2), EXIT());
	R0_IS(0xfffffffffffffffeULL, MOV64_IMM(0, -2), EXIT());
	R0_IS(0x5ULL, LDDW(1, 0xffffffff00000005ULL), MOV32_REG(0, 1), EXIT());
	R0_IS(42, MOV64_IMM(0, 6), MOV64_IMM(1, 7), ALU64_REG(BPF_MUL, 0, 1), EXIT());
	R0_IS(0x1ULL, LDDW(0, 0x100000001ULL), ALU32_IMM(BPF_MUL, 0, 1), EXIT());
	R0_IS(0xf0, MOV64_IMM(0, 0xff), ALU64_IMM(BPF_AND, 0, 0xf0), EXIT());
	R0_IS(0xff, MOV64_IMM(0, 0x0f), ALU64_IMM(BPF_OR, 0, 0xf0), EXIT());
	R0_IS(0x0f, MOV64_IMM(0, 0xff), MOV64_IMM(1, 0xf0), ALU32_REG(BPF_XOR, 0, 1), EXIT());
	/* Shifts are masked to the operand width. */
	R0_IS(2, MOV64_IMM(0, 1), MOV64_IMM(1, 65), ALU64_REG(BPF_LSH, 0, 1), EXIT());
	R0_IS(2, MOV64_IMM(0, 1), MOV64_IMM(1, 33), ALU32_REG(BPF_LSH, 0, 1), EXIT());
	R0_IS(2, MOV64_IMM(0, 1), ALU32_IMM(BPF_LSH, 0, 33), EXIT());
	R0_IS(0x7fffffffULL, MOV64_IMM(0, -1), ALU32_IMM(BPF_RSH, 0, 1), EXIT());
	R0_IS(0xffffffffULL, MOV64_IMM(0, -2), ALU32_IMM(BPF_ARSH, 0, 1), EXIT());
	R0_IS(-1ULL, MOV64_IMM(0, -2), MOV64_IMM(1, 64 + 1), ALU64_REG(BPF_ARSH, 0, 1), EXIT());
	R0_IS(0x7fffffffffffffffULL, MOV64_IMM(0, -1), ALU64_IMM(BPF_RSH, 0, 1), EXIT());
	/* Division and modulo: by zero, div gives 0 and mod leaves dst. */
	R0_IS(0, MOV64_IMM(0, 9), MOV64_IMM(1, 0), ALU64_REG(BPF_DIV, 0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 9), ALU64_IMM(BPF_DIV, 0, 0), EXIT());
	R0_IS(0, MOV64_IMM(0, 9), MOV64_IMM(1, 0), ALU32_REG(BPF_DIV, 0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 9), ALU32_IMM(BPF_DIV, 0, 0), EXIT());
	R0_IS(9, MOV64_IMM(0, 9), MOV64_IMM(1, 0), ALU64_REG(BPF_MOD, 0, 1), EXIT());
	R0_IS(9, MOV64_IMM(0, 9), ALU64_IMM(BPF_MOD, 0, 0), EXIT());
	R0_IS(0xffffffffULL, MOV64_IMM(0, -1), MOV64_IMM(1, 0), ALU32_REG(BPF_MOD, 0, 1), EXIT());
	R0_IS(0xffffffffULL, MOV64_IMM(0, -1), ALU32_IMM(BPF_MOD, 0, 0), EXIT());
	R0_IS(3, MOV64_IMM(0, 10), MOV64_IMM(1, 3), ALU64_REG(BPF_DIV, 0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 10), ALU64_IMM(BPF_MOD, 0, 3), EXIT());
	R0_IS(0x55555554ULL, MOV64_IMM(0, -2), ALU32_IMM(BPF_DIV, 0, 3), EXIT());
	/* Unsigned division by the sign-extended immediate. */
	R0_IS(1, MOV64_IMM(0, -1), ALU64_IMM(BPF_DIV, 0, -1), EXIT());
	/* Signed: truncation toward zero, INT_MIN / -1 defined. */
	R0_IS(-3ULL, MOV64_IMM(0, -7), MOV64_IMM(1, 2), SDIV64_REG(0, 1), EXIT());
	R0_IS(-1ULL, MOV64_IMM(0, -7), MOV64_IMM(1, 2), SMOD64_REG(0, 1), EXIT());
	R0_IS(-3ULL, MOV64_IMM(0, -7), SDIV64_IMM(0, 2), EXIT());
	R0_IS(IMIN64, LDDW(0, IMIN64), MOV64_IMM(1, -1), SDIV64_REG(0, 1), EXIT());
	R0_IS(0, LDDW(0, IMIN64), MOV64_IMM(1, -1), SMOD64_REG(0, 1), EXIT());
	R0_IS(IMIN64, LDDW(0, IMIN64), SDIV64_IMM(0, -1), EXIT());
	R0_IS(0, LDDW(0, IMIN64), SMOD64_IMM(0, -1), EXIT());
	R0_IS(0x80000000ULL, MOV32_IMM(0, 0x80000000), MOV64_IMM(1, -1), SDIV32_REG(0, 1), EXIT());
	R0_IS(0, MOV32_IMM(0, 0x80000000), MOV64_IMM(1, -1), SMOD32_REG(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, -7), MOV64_IMM(1, 0), SDIV64_REG(0, 1), EXIT());
	R0_IS(-7ULL, MOV64_IMM(0, -7), MOV64_IMM(1, 0), SMOD64_REG(0, 1), EXIT());
	R0_IS(0xfffffff9ULL, MOV64_IMM(0, -7), MOV64_IMM(1, 0), SMOD32_REG(0, 1), EXIT());
	R0_IS(0xfffffffdULL, MOV64_IMM(0, -7), MOV64_IMM(1, 2), SDIV32_REG(0, 1), EXIT());
	/* neg, movsx */
	R0_IS(-5ULL, MOV64_IMM(0, 5), NEG64(0), EXIT());
	R0_IS(0xfffffffbULL, MOV64_IMM(0, 5), NEG32(0), EXIT());
	R0_IS(-1ULL, MOV64_IMM(1, 0xff), MOVSX64(0, 1, 8), EXIT());
	R0_IS(0xffff8000ULL, MOV64_IMM(1, 0x8000), MOVSX32(0, 1, 16), EXIT());
	R0_IS(0xffffffff80000000ULL, MOV32_IMM(1, 0x80000000), MOVSX64(0, 1, 32), EXIT());
	R0_IS(0x7fULL, MOV64_IMM(1, 0x17f), MOVSX64(0, 1, 8), EXIT());
	/* byte swaps */
	R0_IS(0x3412ULL, LDDW(0, 0xaabbccdd00001234ULL), END(BPF_TO_BE, 0, 16), EXIT());
	R0_IS(0x78563412ULL, LDDW(0, 0xaabbccdd12345678ULL), END(BPF_TO_BE, 0, 32), EXIT());
	R0_IS(0x0807060504030201ULL, LDDW(0, 0x0102030405060708ULL), END(BPF_TO_BE, 0, 64), EXIT());
	R0_IS(0x1234ULL, LDDW(0, 0xaabbccdd00001234ULL), END(BPF_TO_LE, 0, 16), EXIT());
	R0_IS(0x12345678ULL, LDDW(0, 0xaabbccdd12345678ULL), END(BPF_TO_LE, 0, 32), EXIT());
	R0_IS(0x0102030405060708ULL, LDDW(0, 0x0102030405060708ULL), END(BPF_TO_LE, 0, 64), EXIT());
	R0_IS(0x3412ULL, LDDW(0, 0xaabbccdd00001234ULL), BSWAP(0, 16), EXIT());
	R0_IS(0x78563412ULL, LDDW(0, 0xaabbccdd12345678ULL), BSWAP(0, 32), EXIT());
	R0_IS(0x0807060504030201ULL, LDDW(0, 0x0102030405060708ULL), BSWAP(0, 64), EXIT());
	R0_IS(0x123456789abcdef0ULL, LDDW(0, 0x123456789abcdef0ULL), EXIT());
}

/* One conditional jump: r0 = 1 when taken. */
#define JT(expect, jmp) R0_IS(expect, MOV64_IMM(0, 0), jmp, EXIT(), MOV64_IMM(0, 1), EXIT())

static void test_jmp(void)
{
	JT(1, JMP_IMM(BPF_JNE, 10, 0, 1));	/* r10 is never 0 */
	R0_IS(0, MOV64_IMM(0, 0), JMP_IMM(BPF_JEQ, 10, 0, 1), EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 5), JMP_IMM(BPF_JEQ, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, -1), JMP_IMM(BPF_JGT, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 0), MOV64_IMM(1, -1), JMP_IMM(BPF_JSGT, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, -1), JMP_IMM(BPF_JSLT, 1, 0, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 5), JMP_IMM(BPF_JSLE, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 5), JMP_IMM(BPF_JSGE, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 4), JMP_IMM(BPF_JLT, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 0), MOV64_IMM(1, 6), JMP_IMM(BPF_JLE, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 5), JMP_IMM(BPF_JGE, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 6), JMP_IMM(BPF_JNE, 1, 5, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 6), JMP_IMM(BPF_JSET, 1, 2, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 0), MOV64_IMM(1, 6), JMP_IMM(BPF_JSET, 1, 1, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	/* X forms and the 32-bit ones look at the low halves only. */
	R0_IS(1, MOV64_IMM(0, 0), LDDW(1, 0x100000005ULL), MOV64_IMM(2, 5),
	      JMP32_REG(BPF_JEQ, 1, 2, 1), EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 0), LDDW(1, 0x100000005ULL), MOV64_IMM(2, 5),
	      JMP_REG(BPF_JEQ, 1, 2, 1), EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, -1), JMP32_IMM(BPF_JSLT, 1, 0, 1), EXIT(),
	      MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), LDDW(1, 0x00000000ffffffffULL), MOV64_IMM(2, 1),
	      JMP32_REG(BPF_JSLT, 1, 2, 1), EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(0, MOV64_IMM(0, 0), LDDW(1, 0x00000000ffffffffULL), MOV64_IMM(2, 1),
	      JMP_REG(BPF_JSLT, 1, 2, 1), EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 3), MOV64_IMM(2, 9), JMP32_REG(BPF_JLE, 1, 2, 1),
	      EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 9), MOV64_IMM(2, 3), JMP32_REG(BPF_JSGT, 1, 2, 1),
	      EXIT(), MOV64_IMM(0, 1), EXIT());
	R0_IS(1, MOV64_IMM(0, 0), MOV64_IMM(1, 9), MOV64_IMM(2, 3), JMP_REG(BPF_JSET, 1, 2, 1),
	      EXIT(), MOV64_IMM(0, 1), EXIT());
	/* ja, ja32 (offset in imm), backward jumps, may_goto never jumps */
	R0_IS(2, MOV64_IMM(0, 1), JA(1), EXIT(), MOV64_IMM(0, 2), EXIT());
	R0_IS(2, MOV64_IMM(0, 1), JA32(1), EXIT(), MOV64_IMM(0, 2), EXIT());
	R0_IS(10, MOV64_IMM(0, 0), ALU64_IMM(BPF_ADD, 0, 1), JMP_IMM(BPF_JLT, 0, 10, -2), EXIT());
	R0_IS(1, MOV64_IMM(0, 1), INSN(BPF_JMP | BPF_JCOND, 0, 0, 1, 0), EXIT(),
	      MOV64_IMM(0, 2), EXIT());
}

static void test_mem(void)
{
	/* stack, every size, sign-extending loads, ST immediates */
	R0_IS(0x1122334455667788ULL, LDDW(1, 0x1122334455667788ULL), STX(BPF_DW, 10, 1, -8),
	      LDX(BPF_DW, 0, 10, -8), EXIT());
	R0_IS(0x55667788ULL, LDDW(1, 0x1122334455667788ULL), STX(BPF_DW, 10, 1, -8),
	      LDX(BPF_W, 0, 10, -8), EXIT());
	R0_IS(0x7788ULL, LDDW(1, 0x1122334455667788ULL), STX(BPF_DW, 10, 1, -8),
	      LDX(BPF_H, 0, 10, -8), EXIT());
	R0_IS(0x88ULL, LDDW(1, 0x1122334455667788ULL), STX(BPF_DW, 10, 1, -8),
	      LDX(BPF_B, 0, 10, -8), EXIT());
	R0_IS(-0x78ULL, ST(BPF_B, 10, -1, 0x88), LDXSX(BPF_B, 0, 10, -1), EXIT());
	R0_IS(-2ULL, ST(BPF_H, 10, -2, 0xfffe), LDXSX(BPF_H, 0, 10, -2), EXIT());
	R0_IS(-3ULL, ST(BPF_W, 10, -4, -3), LDXSX(BPF_W, 0, 10, -4), EXIT());
	R0_IS(-3ULL, ST(BPF_DW, 10, -8, -3), LDX(BPF_DW, 0, 10, -8), EXIT());
	R0_IS(0xfffdULL, ST(BPF_DW, 10, -8, -3), LDX(BPF_H, 0, 10, -8), EXIT());
	/* The stack starts zeroed, and a dynamic pointer reaches it too. */
	R0_IS(0, LDX(BPF_DW, 0, 10, -512), EXIT());
	R0_IS(7, ST(BPF_DW, 10, -16, 7), MOV64_REG(1, 10), LDX(BPF_DW, 2, 10, -8),
	      ALU64_REG(BPF_ADD, 1, 2), LDX(BPF_DW, 0, 1, -16), EXIT());
	R0_IS(9, ST(BPF_W, 10, -4, 9), STX(BPF_DW, 10, 10, -16), LDX(BPF_DW, 1, 10, -16),
	      LDX(BPF_W, 0, 1, -4), EXIT());
	/* atomics, 64 and 32, with and without fetch */
	R0_IS(12, ST(BPF_DW, 10, -8, 5), MOV64_IMM(1, 7), ATOMIC(BPF_DW, 10, 1, -8, BPF_ADD),
	      LDX(BPF_DW, 0, 10, -8), EXIT());
	R0_IS(5, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 7),
	      ATOMIC(BPF_DW, 10, 0, -8, BPF_ADD | BPF_FETCH), EXIT());
	R0_IS(0xfffffffdULL, ST(BPF_W, 10, -4, -3), MOV64_IMM(0, -1),
	      ATOMIC(BPF_W, 10, 0, -4, BPF_AND | BPF_FETCH), EXIT());
	R0_IS(0x7, ST(BPF_W, 10, -4, 5), MOV64_IMM(1, 3), ATOMIC(BPF_W, 10, 1, -4, BPF_OR),
	      LDX(BPF_W, 0, 10, -4), EXIT());
	R0_IS(0x6, ST(BPF_W, 10, -4, 5), MOV64_IMM(1, 3), ATOMIC(BPF_W, 10, 1, -4, BPF_XOR),
	      LDX(BPF_W, 0, 10, -4), EXIT());
	R0_IS(0x1, ST(BPF_W, 10, -4, 5), MOV64_IMM(1, 3), ATOMIC(BPF_W, 10, 1, -4, BPF_AND),
	      LDX(BPF_W, 0, 10, -4), EXIT());
	R0_IS(0x5, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 3),
	      ATOMIC(BPF_DW, 10, 0, -8, BPF_OR | BPF_FETCH), EXIT());
	R0_IS(0x5, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 3),
	      ATOMIC(BPF_DW, 10, 0, -8, BPF_XOR | BPF_FETCH), LDX(BPF_DW, 1, 10, -8),
	      JMP_IMM(BPF_JEQ, 1, 6, 1), MOV64_IMM(0, -1), EXIT());
	R0_IS(0x5, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 9), ATOMIC(BPF_DW, 10, 0, -8, BPF_XCHG),
	      LDX(BPF_DW, 1, 10, -8), JMP_IMM(BPF_JEQ, 1, 9, 1), MOV64_IMM(0, -1), EXIT());
	R0_IS(0x5, ST(BPF_W, 10, -4, 5), MOV64_IMM(0, 9), ATOMIC(BPF_W, 10, 0, -4, BPF_XCHG),
	      EXIT());
	/* cmpxchg: r0 gets the old value; stored only when it matched */
	R0_IS(9, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 5), MOV64_IMM(1, 9),
	      ATOMIC(BPF_DW, 10, 1, -8, BPF_CMPXCHG), LDX(BPF_DW, 0, 10, -8), EXIT());
	R0_IS(5, ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 4), MOV64_IMM(1, 9),
	      ATOMIC(BPF_DW, 10, 1, -8, BPF_CMPXCHG), LDX(BPF_DW, 0, 10, -8), EXIT());
	R0_IS(5, ST(BPF_W, 10, -4, 5), MOV64_IMM(0, 4), MOV64_IMM(1, 9),
	      ATOMIC(BPF_W, 10, 1, -4, BPF_CMPXCHG), EXIT());
	R0_IS(9, ST(BPF_W, 10, -4, 5), LDDW(0, 0x100000005ULL), MOV64_IMM(1, 9),
	      ATOMIC(BPF_W, 10, 1, -4, BPF_CMPXCHG), LDX(BPF_W, 0, 10, -4), EXIT());
	/* load-acquire, store-release */
	R0_IS(0x77, MOV64_IMM(1, 0x77), ATOMIC(BPF_B, 10, 1, -1, BPF_STORE_REL),
	      ATOMIC(BPF_B, 0, 10, -1, BPF_LOAD_ACQ), EXIT());
	R0_IS(0x1234, MOV64_IMM(1, 0x1234), ATOMIC(BPF_DW, 10, 1, -8, BPF_STORE_REL),
	      ATOMIC(BPF_DW, 0, 10, -8, BPF_LOAD_ACQ), EXIT());
}

/* ---- calls ---------------------------------------------------------------- */

static void test_calls(void)
{
	/* r1-r5 in, r0 out, r6-r9 preserved, each frame its own stack */
	R0_IS(1,
	      MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(6, 6), MOV64_IMM(9, 9),
	      ST(BPF_DW, 10, -8, 77),
	      CALL_LOCAL(9),
	      JMP_IMM(BPF_JNE, 0, 3, 6),
	      JMP_IMM(BPF_JNE, 6, 6, 5),
	      JMP_IMM(BPF_JNE, 9, 9, 4),
	      LDX(BPF_DW, 1, 10, -8),
	      JMP_IMM(BPF_JNE, 1, 77, 2),
	      MOV64_IMM(0, 1), EXIT(),
	      MOV64_IMM(0, 0), EXIT(),
	      /* callee: r0 = r1 + r2, clobber r6/r9, write its own stack */
	      MOV64_REG(0, 1), ALU64_REG(BPF_ADD, 0, 2), MOV64_IMM(6, 0), MOV64_IMM(9, 0),
	      LDX(BPF_DW, 3, 10, -8), ALU64_REG(BPF_ADD, 0, 3),	/* its stack is zero */
	      ST(BPF_DW, 10, -8, 55), EXIT());
	/* A caller's stack buffer passed to the callee. */
	R0_IS(42,
	      MOV64_REG(1, 10), ALU64_IMM(BPF_ADD, 1, -8), CALL_LOCAL(2),
	      LDX(BPF_DW, 0, 10, -8), EXIT(),
	      ST(BPF_DW, 1, 0, 42), EXIT());
	/* Depth: 8 frames are fine, the 9th faults. */
	{
		struct bpf_insn p[] = {
			MOV64_IMM(1, 0), CALL_LOCAL(1), EXIT(),
			/* f(r1): r0 = ++r1; if r1 < N: f(r1) */
			ALU64_IMM(BPF_ADD, 1, 1), MOV64_REG(0, 1), JMP_IMM(BPF_JGE, 1, 7, 1),
			CALL_LOCAL(-4), EXIT(),
		};
		struct cgaddr_vm_prog *prog = load_raw(p, NINSN(p));
		struct tenv env = { 0 };
		struct cgaddr_vm_run run;

		CHECK(prog, "load: %s", last_err.msg);
		run = run_x(prog, NULL, 0, &env, 0);
		CHECK(!run.fault && run.r0 == 7, "7 nested calls: fault %u r0 %llu", run.fault,
		      (unsigned long long)run.r0);
		cgaddr_vm_free(prog);
		p[5].imm = 8;
		prog = load_raw(p, NINSN(p));
		run = run_x(prog, NULL, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_DEPTH && run.fault_insn == 6,
		      "8 nested calls: fault %u at %d", run.fault, run.fault_insn);
		cgaddr_vm_free(prog);
	}
	/* The callee's r10 is the caller's frame bottom, frames packed. */
	{
		const struct bpf_insn p[] = {
			ST(BPF_DW, 10, -16, 1), CALL_LOCAL(1), EXIT(),
			MOV64_REG(0, 10), EXIT(),
		};
		u64 r0 = raw_r0(p, NINSN(p), __LINE__);

		CHECK(r0 == CGADDR_VM_STACK_TOP - 16, "callee r10 0x%llx", (unsigned long long)r0);
	}
	/* A dangling pointer to a returned frame faults. */
	{
		const struct bpf_insn p[] = {
			CALL_LOCAL(2), LDX(BPF_DW, 0, 0, -8), EXIT(),
			ST(BPF_DW, 10, -8, 1), MOV64_REG(0, 10), EXIT(),
		};
		struct cgaddr_vm_prog *prog = load_raw(p, NINSN(p));
		struct tenv env = { 0 };
		struct cgaddr_vm_run run = run_x(prog, NULL, 0, &env, 0);

		CHECK(run.fault == CGADDR_VM_FAULT_BOUNDS && run.fault_insn == 1,
		      "dangling: fault %u at %d", run.fault, run.fault_insn);
		cgaddr_vm_free(prog);
	}
}

/* ---- the budget and the instruction count ----------------------------- */

static void test_budget(void)
{
	/* r0 = 0; do r0++ while r0 < 100: 1 + 100 * 2 + 1 instructions */
	const struct bpf_insn loop[] = {
		MOV64_IMM(0, 0), ALU64_IMM(BPF_ADD, 0, 1), JMP_IMM(BPF_JLT, 0, 100, -2), EXIT(),
	};
	const struct bpf_insn forever[] = { MOV64_IMM(0, 0), JA(-1), EXIT() };
	const struct bpf_insn fault_mid[] = {
		MOV64_IMM(0, 0), MOV64_IMM(1, 0), LDX(BPF_W, 0, 1, 0), MOV64_IMM(0, 1), EXIT(),
	};
	const struct bpf_insn straight[] = {
		LDDW(0, 1), MOV64_IMM(1, 2), ALU64_REG(BPF_ADD, 0, 1), EXIT(),
	};
	struct cgaddr_vm_prog *prog = load_raw(loop, NINSN(loop));
	struct tenv env = { 0 };
	struct cgaddr_vm_run run;

	run = run_x(prog, NULL, 0, &env, 0);
	CHECK(!run.fault && run.r0 == 100 && run.insn_cnt == 202, "loop: r0 %llu cnt %llu",
	      (unsigned long long)run.r0, (unsigned long long)run.insn_cnt);
	run = run_x(prog, NULL, 0, &env, 202);
	CHECK(!run.fault && run.insn_cnt == 202, "exact budget: fault %u", run.fault);
	run = run_x(prog, NULL, 0, &env, 201);
	/* Runs are charged whole: 3 to enter, then 2 per iteration. */
	CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == 201 && run.fault_insn == 2,
	      "budget 201: fault %u cnt %llu at %d", run.fault, (unsigned long long)run.insn_cnt,
	      run.fault_insn);
	run = run_x(prog, NULL, 0, &env, 50);
	CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == 49,
	      "budget 50: fault %u cnt %llu", run.fault, (unsigned long long)run.insn_cnt);
	cgaddr_vm_free(prog);

	prog = load_raw(forever, NINSN(forever));
	run = run_x(prog, NULL, 0, &env, 0);
	CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == CGADDR_VM_DEFAULT_BUDGET,
	      "forever: fault %u cnt %llu", run.fault, (unsigned long long)run.insn_cnt);
	run = run_x(prog, NULL, 0, &env, 1);
	CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == 0,
	      "budget 1: fault %u cnt %llu", run.fault, (unsigned long long)run.insn_cnt);
	cgaddr_vm_free(prog);

	/* A fault counts the instructions up to and including the faulting one. */
	prog = load_raw(fault_mid, NINSN(fault_mid));
	run = run_x(prog, NULL, 0, &env, 0);
	CHECK(run.fault == CGADDR_VM_FAULT_MEM && run.insn_cnt == 3 && run.fault_insn == 2,
	      "fault count %llu at %d", (unsigned long long)run.insn_cnt, run.fault_insn);
	cgaddr_vm_free(prog);

	/* The return from a local call charges the caller's next run. */
	{
		const struct bpf_insn call[] = {
			CALL_LOCAL(2), MOV64_IMM(0, 5), EXIT(), MOV64_IMM(0, 1), EXIT(),
		};

		prog = load_raw(call, NINSN(call));
		run = run_x(prog, NULL, 0, &env, 5);
		CHECK(!run.fault && run.r0 == 5 && run.insn_cnt == 5, "call: fault %u cnt %llu",
		      run.fault, (unsigned long long)run.insn_cnt);
		run = run_x(prog, NULL, 0, &env, 4);
		CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == 3 && run.fault_insn == 4,
		      "call budget 4: fault %u cnt %llu at %d", run.fault,
		      (unsigned long long)run.insn_cnt, run.fault_insn);
		run = run_x(prog, NULL, 0, &env, 2);
		CHECK(run.fault == CGADDR_VM_FAULT_BUDGET && run.insn_cnt == 1 && run.fault_insn == 0,
		      "call budget 2: fault %u cnt %llu at %d", run.fault,
		      (unsigned long long)run.insn_cnt, run.fault_insn);
		cgaddr_vm_free(prog);
	}

	/* ld_imm64 counts as one instruction. */
	prog = load_raw(straight, NINSN(straight));
	run = run_x(prog, NULL, 0, &env, 0);
	CHECK(!run.fault && run.r0 == 3 && run.insn_cnt == 4, "straight: cnt %llu",
	      (unsigned long long)run.insn_cnt);
	cgaddr_vm_free(prog);
}

/* ---- context rules --------------------------------------------------------- */

static const u32 types[] = {
	BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET4_CONNECT,
	BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP6_SENDMSG,
	BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP6_RECVMSG, BPF_CGROUP_INET4_GETPEERNAME,
	BPF_CGROUP_INET6_GETPEERNAME, BPF_CGROUP_INET4_GETSOCKNAME,
	BPF_CGROUP_INET6_GETSOCKNAME,
};

/*
 * sock_addr_is_valid_access() of 6.1, restated from the kernel's text:
 * the expectation for every (type, offset, size, direction).
 */
static bool ctx_oracle(u32 type, int off, int size, bool write)
{
	bool v4 = type == BPF_CGROUP_INET4_BIND || type == BPF_CGROUP_INET4_CONNECT ||
		  type == BPF_CGROUP_INET4_GETPEERNAME || type == BPF_CGROUP_INET4_GETSOCKNAME ||
		  type == BPF_CGROUP_UDP4_SENDMSG || type == BPF_CGROUP_UDP4_RECVMSG;
	bool in_ip4 = off >= 4 && off <= 7, in_ip6 = off >= 8 && off <= 23;
	bool in_src4 = off >= 40 && off <= 43, in_src6 = off >= 44 && off <= 59;
	bool in_port = off >= 24 && off <= 27;

	if (off < 0 || off >= 72 || off % size)
		return false;
	if ((in_ip4 && !v4) || (in_ip6 && v4))
		return false;
	if (in_src4 && type != BPF_CGROUP_UDP4_SENDMSG)
		return false;
	if (in_src6 && type != BPF_CGROUP_UDP6_SENDMSG)
		return false;
	if (in_ip4 || in_ip6 || in_src4 || in_src6 || in_port) {
		if (size == 8 && off % 8 == 0 &&
		    ((off >= 8 && off + 8 <= 24) || (off >= 44 && off + 8 <= 60)))
			return true;
		return write ? size == 4 : size <= 4;
	}
	if (off >= 64)
		return !write && size == 8;
	if (off <= 3 || (off >= 28 && off <= 39))
		return !write && size == 4;
	return false;
}

static const u8 bpf_sz[] = { [1] = BPF_B, [2] = BPF_H, [4] = BPF_W, [8] = BPF_DW };

static void fill_ctx(struct bpf_sock_addr *c)
{
	u8 *b = (u8 *)c;
	int i;

	for (i = 0; i < (int)sizeof(*c); i++)
		b[i] = (u8)(0x11 + i);
}

static void test_ctx_rules(void)
{
	unsigned int t;
	int off, size, w, dyn;
	int mismatches = 0;

	for (t = 0; t < NINSN(types); t++) {
		for (off = -4; off < 76; off++) {
			for (size = 1; size <= 8; size *= 2) {
				for (w = 0; w < 2; w++) {
					for (dyn = 0; dyn < 2; dyn++) {
						/*
						 * Static: through r1; dynamic: through a
						 * copy spilled to and reloaded from the stack,
						 * which the loader cannot follow.
						 */
						struct bpf_insn p[] = {
							STX(BPF_DW, 10, 1, -8),
							LDX(BPF_DW, dyn ? 2 : 3, 10, -8),
							MOV64_IMM(3, 0x1234),
							w ? STX(bpf_sz[size], dyn ? 2 : 1, 3, off) :
							    LDX(bpf_sz[size], 4, dyn ? 2 : 1, off),
							MOV64_IMM(0, 1), EXIT(),
						};
						struct cgaddr_vm_prog *prog;
						struct bpf_sock_addr ctx;
						struct tenv env = { 0 };
						struct cgaddr_vm_run run;
						bool expect = ctx_oracle(types[t], off, size, w);
						bool ok;

						prog = load_t(p, NINSN(p), types[t]);
						if (!dyn) {
							ok = prog != NULL;
						} else {
							if (!prog) {
								ok = false;
								mismatches++;
								printf("FAIL dynamic load: %s\n",
								       last_err.msg);
							} else {
								fill_ctx(&ctx);
								run = run_x(prog, &ctx, 0, &env, 0);
								ok = !run.fault;
							}
						}
						if (ok != expect) {
							mismatches++;
							if (mismatches < 20)
								printf("FAIL ctx %s off %d size %d %s %s: got %d (%s)\n",
								       cgaddr_vm_type_name(types[t]), off,
								       size, w ? "write" : "read",
								       dyn ? "dynamic" : "static", ok,
								       prog ? "" : last_err.msg);
						}
						cgaddr_vm_free(prog);
					}
				}
			}
		}
	}
	CHECK(!mismatches, "%d ctx rule mismatches", mismatches);
}

/* The values ctx accesses really read and write. */
static u64 ctx_run(u32 type, const struct bpf_insn *p, u32 n, struct bpf_sock_addr *ctx,
		   struct tenv *env, u32 *fault)
{
	struct cgaddr_vm_prog *prog = load_t(p, n, type);
	struct cgaddr_vm_run run;

	if (!prog) {
		printf("  load: %s\n", last_err.msg);
		*fault = 99;
		return 0;
	}
	run = run_x(prog, ctx, 0, env, 0);
	cgaddr_vm_free(prog);
	*fault = run.fault;
	return run.r0;
}

/* Hand r0 to the test through a helper argument, then return 1. */
#define REPORT() MOV64_REG(1, 0), CALL(123), MOV64_IMM(0, 1), EXIT()

static u64 ctx_val(u32 type, const struct bpf_insn *p, u32 n, struct bpf_sock_addr *ctx,
		   struct tenv *env, u32 *fault)
{
	env->args[0] = 0xdead;
	ctx_run(type, p, n, ctx, env, fault);
	return env->args[0];
}

static void test_ctx_values(void)
{
	struct bpf_sock_addr ctx;
	struct tenv env = { 0 };
	u32 fault;
	u64 r0;
	int dyn;

	for (dyn = 0; dyn < 2; dyn++) {
		/* r5 = ctx, proven (r1) or not (through the stack) */
		u8 b = dyn ? 5 : 1;
		const struct bpf_insn port4[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDX(BPF_W, 0, b, CTX_OFF(user_port)), REPORT(),
		};
		const struct bpf_insn port_hi[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDX(BPF_H, 0, b, CTX_OFF(user_port) + 2), LDX(BPF_B, 2, b, 27),
			ALU64_REG(BPF_OR, 0, 2), LDX(BPF_B, 2, b, 26), ALU64_REG(BPF_OR, 0, 2),
			REPORT(),
		};
		const struct bpf_insn port_bytes[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDX(BPF_B, 0, b, 24), LDX(BPF_B, 1, b, 25), ALU64_IMM(BPF_LSH, 1, 8),
			ALU64_REG(BPF_OR, 0, 1), REPORT(),
		};
		const struct bpf_insn port_store[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			MOV32_IMM(2, 0xaabbccdd), STX(BPF_W, b, 2, CTX_OFF(user_port)),
			MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn ip6_wide[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDDW(2, 0x0807060504030201ULL), STX(BPF_DW, b, 2, 16),
			LDX(BPF_DW, 0, b, 8), REPORT(),
		};
		const struct bpf_insn sk[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDX(BPF_DW, 0, b, CTX_OFF(sk)), REPORT(),
		};
		const struct bpf_insn ip4_narrow[] = {
			STX(BPF_DW, 10, 1, -8), LDX(BPF_DW, 5, 10, -8),
			LDX(BPF_B, 0, b, CTX_OFF(user_ip4) + 3), REPORT(),
		};

		fill_ctx(&ctx);
		r0 = ctx_val(BPF_CGROUP_INET4_BIND, port4, NINSN(port4), &ctx, &env, &fault);
		CHECK(!fault && r0 == 0x2a29, "port 4-byte read %llx (dyn %d)",
		      (unsigned long long)r0, dyn);
		r0 = ctx_val(BPF_CGROUP_INET4_BIND, port_hi, NINSN(port_hi), &ctx, &env, &fault);
		CHECK(!fault && r0 == 0, "port upper half %llx (dyn %d) fault %u",
		      (unsigned long long)r0, dyn, fault);
		r0 = ctx_val(BPF_CGROUP_INET4_BIND, port_bytes, NINSN(port_bytes), &ctx, &env,
			     &fault);
		CHECK(!fault && r0 == 0x2a29, "port bytes %llx (dyn %d)", (unsigned long long)r0,
		      dyn);
		r0 = ctx_run(BPF_CGROUP_INET4_BIND, port_store, NINSN(port_store), &ctx, &env,
			     &fault);
		CHECK(!fault && ctx.user_port == 0x2c2bccdd,
		      "port store wrote %08x (dyn %d)", ctx.user_port, dyn);
		fill_ctx(&ctx);
		r0 = ctx_val(BPF_CGROUP_INET6_CONNECT, ip6_wide, NINSN(ip6_wide), &ctx, &env,
			     &fault);
		CHECK(!fault && r0 == 0x201f1e1d1c1b1a19ULL && ctx.user_ip6[2] == 0x04030201,
		      "ip6 wide %llx (dyn %d)", (unsigned long long)r0, dyn);
		r0 = ctx_val(BPF_CGROUP_INET4_CONNECT, sk, NINSN(sk), &ctx, &env, &fault);
		CHECK(!fault && r0 == CGADDR_VM_SK_BASE, "ctx->sk %llx (dyn %d)",
		      (unsigned long long)r0, dyn);
		r0 = ctx_val(BPF_CGROUP_UDP4_RECVMSG, ip4_narrow, NINSN(ip4_narrow), &ctx, &env,
			     &fault);
		CHECK(!fault && r0 == 0x18, "ip4 narrow %llx (dyn %d)", (unsigned long long)r0, dyn);
	}
	/* r1 is the virtual ctx base, r10 the virtual stack top. */
	{
		const struct bpf_insn p1[] = { MOV64_REG(0, 1), EXIT() };
		const struct bpf_insn p10[] = { MOV64_REG(0, 10), EXIT() };
		struct cgaddr_vm_prog *prog = load_raw(p1, NINSN(p1));
		u8 mem[8];
		struct cgaddr_vm_run run = run_x(prog, mem, sizeof(mem), &env, 0);

		CHECK(run.r0 == CGADDR_VM_CTX_BASE && run.r0 != (uintptr_t)mem, "r1 %llx",
		      (unsigned long long)run.r0);
		cgaddr_vm_free(prog);
		prog = load_raw(p10, NINSN(p10));
		run = run_x(prog, mem, sizeof(mem), &env, 0);
		CHECK(run.r0 == CGADDR_VM_STACK_TOP && run.r0 - (uintptr_t)scratch > 0x100000,
		      "r10 %llx", (unsigned long long)run.r0);
		cgaddr_vm_free(prog);
	}
}

/* bpf_sock_is_valid_access() of 6.1, restated. */
static bool sk_oracle(int off, int size)
{
	bool start_narrow = off == 4 || off == 8 || off == 12 || off == 44 || off == 72 ||
			    off == 76;
	bool range_narrow = (off >= 24 && off < 44) || (off >= 52 && off < 72);

	if (off < 0 || off >= 80 || off % size)
		return false;
	if (start_narrow || range_narrow)
		return size <= 4;
	if (off == 48 || off == 49)
		return size <= 2 || (size == 4 && off == 48);
	if (off == 50 || off == 51)
		return false;
	return size == 4;
}

static void test_sk(void)
{
	struct bpf_sock_addr ctx;
	int off, size, dyn, mismatches = 0;
	u32 fault;
	u64 r0;

	for (off = -2; off < 82; off++) {
		for (size = 1; size <= 8; size *= 2) {
			for (dyn = 0; dyn < 2; dyn++) {
				struct bpf_insn p[] = {
					LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
					STX(BPF_DW, 10, 2, -8), LDX(BPF_DW, 3, 10, -8),
					LDX(bpf_sz[size], 4, dyn ? 3 : 2, off),
					MOV64_IMM(0, 1), EXIT(),
				};
				struct tenv env = { 0 };
				struct cgaddr_vm_prog *prog = load_t(p, NINSN(p),
								     BPF_CGROUP_INET4_CONNECT);
				bool ok = prog != NULL;

				if (prog && dyn) {
					struct cgaddr_vm_run run = run_x(prog, &ctx, 0, &env, 0);

					ok = !run.fault;
					if (ok && env.sk_asks != 1)
						mismatches++;
				}
				if (ok != sk_oracle(off, size)) {
					mismatches++;
					if (mismatches < 10)
						printf("FAIL sk off %d size %d %s: %d %s\n", off, size,
						       dyn ? "dynamic" : "static", ok,
						       prog ? "" : last_err.msg);
				}
				cgaddr_vm_free(prog);
			}
		}
	}
	CHECK(!mismatches, "%d sk rule mismatches", mismatches);

	/* values, laziness, read-only */
	{
		const struct bpf_insn rd[] = {
			LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
			LDX(BPF_W, 0, 2, SK_OFF(dst_port)), LDX(BPF_W, 3, 2, SK_OFF(family)),
			ALU64_IMM(BPF_LSH, 3, 32), ALU64_REG(BPF_OR, 0, 3), REPORT(),
		};
		const struct bpf_insn none[] = { MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn wr[] = {
			LDX(BPF_DW, 2, 1, CTX_OFF(sk)), STX(BPF_DW, 10, 2, -8),
			LDX(BPF_DW, 3, 10, -8), ST(BPF_W, 3, SK_OFF(mark), 1), MOV64_IMM(0, 1), EXIT(),
		};
		struct tenv env = { 0 };

		env.sk.family = 10;
		env.sk.dst_port = 0x5000;
		((u16 *)&env.sk.dst_port)[1] = 0xffff;	/* padding garbage is not read */
		r0 = ctx_val(BPF_CGROUP_INET4_CONNECT, rd, NINSN(rd), &ctx, &env, &fault);
		CHECK(!fault && r0 == 0x0000000a00005000ULL && env.sk_asks == 1,
		      "sk values %llx asks %d", (unsigned long long)r0, env.sk_asks);
		env.sk_asks = 0;
		r0 = ctx_run(BPF_CGROUP_INET4_CONNECT, none, NINSN(none), &ctx, &env, &fault);
		CHECK(!fault && env.sk_asks == 0, "sk asked without use");
		r0 = ctx_run(BPF_CGROUP_INET4_CONNECT, wr, NINSN(wr), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_RDONLY, "sk write fault %u", fault);
		env.no_sk = 1;
		r0 = ctx_run(BPF_CGROUP_INET4_CONNECT, rd, NINSN(rd), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_NO_SK, "no sk fault %u", fault);
	}
}

/* ---- load errors: every message, exactly ----------------------------- */

static void test_errors(void)
{
	static struct bpf_insn big[CGADDR_VM_MAX_INSNS + 1];
	const struct bpf_insn ok[] = { MOV64_IMM(0, 1), EXIT() };
	struct cgaddr_vm_prog *prog;
	unsigned int i;

	{
		struct tload o = { .type = BPF_CGROUP_INET4_BIND };

		prog = load_x(ok, 0, &o);
		CHECK(!prog && !strcmp(last_err.msg, "program is empty") && last_err.insn == -1,
		      "empty: %s", last_err.msg);
	}
	for (i = 0; i < NINSN(big); i++)
		big[i] = MOV64_IMM(0, 1);
	big[NINSN(big) - 1] = EXIT();
	{
		struct tload o = { .type = BPF_CGROUP_INET4_BIND };
		struct cgaddr_vm_load_attr attr = { 0 };
		struct cgaddr_vm_error err;

		attr.insns = big;
		attr.insn_cnt = NINSN(big);
		attr.attach_type = BPF_CGROUP_INET4_BIND;

		CHECK(cgaddr_vm_load(&attr, &prog, &err) == -E2BIG &&
		      !strcmp(err.msg, "program too large: 4097 instructions (limit 4096)"),
		      "too large: %s", err.msg);
		o.flags = CGADDR_VM_F_LARGE;
		prog = load_x(big, NINSN(big), &o);
		CHECK(prog, "large flag: %s", last_err.msg);
		cgaddr_vm_free(prog);
	}
	LOAD_ERR_T(ok, BPF_CGROUP_INET4_POST_BIND, "unsupported attach type 12");
	{
		struct tload o = { .type = BPF_CGROUP_INET4_BIND, .flags = 0x80 };

		LOAD_ERR_X(ok, &o, "invalid flags 0x80");
	}
	{
		const struct cgaddr_vm_data d = { NULL, 0, 0 };
		struct tload o = { .type = BPF_CGROUP_INET4_BIND, .ndata = 1, .data = &d };

		LOAD_ERR_X(ok, &o, "data section 0 has invalid size 0");
		o.ndata = CGADDR_VM_MAX_DATA + 1;
		LOAD_ERR_X(ok, &o, "too many data sections: 17 (limit 16)");
	}
	{
		const struct bpf_insn p[] = { INSN(0xff, 0, 0, 0, 0), EXIT() };
		const struct bpf_insn p2[] = { INSN(BPF_JMP32 | BPF_CALL, 0, 0, 0, 5), EXIT() };
		const struct bpf_insn p3[] = { INSN(BPF_LDX | BPF_MEMSX | BPF_DW, 0, 1, 0, 0),
					       EXIT() };
		const struct bpf_insn p4[] = { INSN(BPF_ALU | BPF_NEG | BPF_X, 0, 0, 0, 0), EXIT() };
		const struct bpf_insn p5[] = { ATOMIC(BPF_H, 10, 1, -8, BPF_ADD), EXIT() };

		LOAD_ERR(p, "insn 0: unknown opcode 0xff");
		LOAD_ERR(p2, "insn 0: unknown opcode 0x86");
		LOAD_ERR(p3, "insn 0: unknown opcode 0x99");
		LOAD_ERR(p4, "insn 0: unknown opcode 0x8c");
		LOAD_ERR(p5, "insn 0: unknown opcode 0xcb");
	}
	{
		const struct bpf_insn p[] = { MOV64_IMM(0, 1), MOV64_REG(11, 1), EXIT() };
		const struct bpf_insn p2[] = { MOV64_REG(0, 12), EXIT() };
		const struct bpf_insn p3[] = { MOV64_IMM(10, 1), EXIT() };
		const struct bpf_insn p4[] = { LDX(BPF_DW, 10, 1, 0), EXIT() };

		LOAD_ERR(p, "insn 1: invalid register r11");
		LOAD_ERR(p2, "insn 0: invalid register r12");
		LOAD_ERR(p3, "insn 0: r10 is read-only");
		LOAD_ERR(p4, "insn 0: r10 is read-only");
	}
	{
		const struct bpf_insn p[] = { INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 1, 0, 0), EXIT() };
		const struct bpf_insn p2[] = { INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 3), EXIT() };
		const struct bpf_insn p3[] = { INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 1, 3), EXIT() };
		const struct bpf_insn p4[] = { INSN(BPF_JMP | BPF_JA, 1, 0, 0, 0), EXIT() };
		const struct bpf_insn p5[] = { MOV64_IMM(0, 1), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1) };
		const struct bpf_insn p6[] = { INSN(BPF_JMP | BPF_CALL, 0, 0, 1, 5), EXIT() };
		const struct bpf_insn p7[] = { INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 1), EXIT() };
		const struct bpf_insn p8[] = { INSN(BPF_ST | BPF_MEM | BPF_W, 10, 1, -4, 1),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p9[] = { INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0, 1), EXIT() };
		const struct bpf_insn p10[] = { INSN(BPF_JMP32 | BPF_JA, 0, 0, 1, 0), EXIT() };
		const struct bpf_insn p11[] = { INSN(BPF_ALU | BPF_END | BPF_TO_BE, 0, 1, 0, 16),
						EXIT() };

		LOAD_ERR(p, "insn 0: reserved field 'src_reg' must be zero");
		LOAD_ERR(p2, "insn 0: reserved field 'imm' must be zero");
		LOAD_ERR(p3, "insn 0: reserved field 'off' must be zero");
		LOAD_ERR(p4, "insn 0: reserved field 'dst_reg' must be zero");
		LOAD_ERR(p5, "insn 1: reserved field 'imm' must be zero");
		LOAD_ERR(p6, "insn 0: reserved field 'off' must be zero");
		LOAD_ERR(p7, "insn 0: reserved field 'imm' must be zero");
		LOAD_ERR(p8, "insn 0: reserved field 'src_reg' must be zero");
		LOAD_ERR(p9, "insn 0: reserved field 'src_reg' must be zero");
		LOAD_ERR(p10, "insn 0: reserved field 'off' must be zero");
		LOAD_ERR(p11, "insn 0: reserved field 'src_reg' must be zero");
	}
	{
		const struct bpf_insn p[] = { INSN(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 2, 0), EXIT() };
		const struct bpf_insn p2[] = { INSN(BPF_ALU | BPF_MOV | BPF_X, 0, 1, 32, 0), EXIT() };
		const struct bpf_insn p3[] = { END(BPF_TO_BE, 0, 8), EXIT() };
		const struct bpf_insn p4[] = { ATOMIC(BPF_DW, 10, 1, -8, 2), EXIT() };
		const struct bpf_insn p5[] = { INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0), EXIT() };
		const struct bpf_insn p6[] = { INSN(BPF_LD | BPF_IND | BPF_B, 0, 1, 0, 0), EXIT() };
		const struct bpf_insn p7[] = { INSN(BPF_JMP | BPF_JCOND, 0, 1, 0, 0), EXIT() };

		LOAD_ERR(p, "insn 0: invalid 'off' value 2");
		LOAD_ERR(p2, "insn 0: invalid 'off' value 32");
		LOAD_ERR(p3, "insn 0: invalid byte swap width 8");
		LOAD_ERR(p4, "insn 0: invalid atomic operation 0x2");
		LOAD_ERR(p5, "insn 0: legacy packet access (LD_ABS/LD_IND) is not supported");
		LOAD_ERR(p6, "insn 0: legacy packet access (LD_ABS/LD_IND) is not supported");
		LOAD_ERR(p7, "insn 0: invalid may_goto condition 1");
	}
	/* ld_imm64 */
	{
		const struct bpf_insn p[] = { MOV64_IMM(0, 1), EXIT(),
					      INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0) };
		const struct bpf_insn p2[] = { INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0),
					       INSN(0, 1, 0, 0, 0), EXIT() };
		const struct bpf_insn p3[] = { LDDW_SRC(0, 7, 0, 0), EXIT() };
		const struct bpf_insn p4[] = { LDDW_SRC(0, 3, 0, 0), EXIT() };
		const struct bpf_insn p5[] = { LDDW_SRC(0, 4, 0, 0), EXIT() };
		const struct bpf_insn p6[] = { LDDW_SRC(1, BPF_PSEUDO_MAP_VALUE, 1, 0),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p7[] = { LDDW_SRC(1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 8),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p8[] = { LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 0),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p9[] = { LDDW_SRC(1, BPF_PSEUDO_MAP_FD, 2, 0),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p10[] = { LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 1),
						MOV64_IMM(0, 1), EXIT() };
		const struct cgaddr_vm_data d = { NULL, 8, 0 };
		const struct cgaddr_vm_map m = { NULL, 4, 8 };
		struct tload o = { .type = BPF_CGROUP_INET4_CONNECT, .ndata = 1, .data = &d };

		LOAD_ERR(p, "insn 2: incomplete ld_imm64");
		LOAD_ERR(p2, "insn 0: invalid ld_imm64 second slot");
		LOAD_ERR(p3, "insn 0: invalid ld_imm64 source 7");
		LOAD_ERR(p4, "insn 0: ld_imm64 source 3 (BTF id) is not supported");
		LOAD_ERR(p5, "insn 0: ld_imm64 source 4 (function) is not supported");
		LOAD_ERR_X(p6, &o, "insn 0: data section 1 does not exist (program has 1)");
		LOAD_ERR_X(p7, &o, "insn 0: offset 8 is outside data section 0 (8 bytes)");
		LOAD_ERR(p8, "insn 0: map 0 does not exist (program has 0 maps)");
		o.nmaps = 1;
		o.maps = &m;
		LOAD_ERR_X(p9, &o, "insn 0: map 2 does not exist (program has 1 maps)");
		LOAD_ERR_X(p10, &o, "insn 0: reserved field 'imm' must be zero");
	}
	/* calls */
	{
		const struct bpf_insn p[] = { CALL(999), EXIT() };
		const struct bpf_insn p2[] = { MOV64_IMM(2, 0), CALL(64), EXIT() };
		const struct bpf_insn p3[] = { CALL(186), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p4[] = { INSN(BPF_JMP | BPF_CALL, 0, 2, 0, 5), EXIT() };
		const struct bpf_insn p5[] = { INSN(BPF_JMP | BPF_CALL | BPF_X, 1, 0, 0, 0), EXIT() };
		const struct bpf_insn p6[] = { INSN(BPF_JMP | BPF_CALL, 0, 3, 0, 5), EXIT() };
		const struct bpf_insn p7[] = { CALL(5), MOV64_IMM(0, 1), EXIT() };
		const u64 mask[4] = { 1ULL << 7 };
		struct tload o = { .type = BPF_CGROUP_INET4_CONNECT, .mask = mask };

		LOAD_ERR(p, "insn 0: unknown func 999");
		LOAD_ERR_T(p2, BPF_CGROUP_INET4_BIND,
			   "insn 1: func bind#64 is not allowed for attach type bind4");
		LOAD_ERR_T(p3, BPF_CGROUP_UDP4_RECVMSG,
			   "insn 0: func get_retval#186 is not allowed for attach type recvmsg4");
		LOAD_ERR_T(p3, BPF_CGROUP_INET6_GETSOCKNAME,
			   "insn 0: func get_retval#186 is not allowed for attach type getsockname6");
		LOAD_ERR(p4, "insn 0: kfunc calls are not supported");
		LOAD_ERR(p5, "insn 0: indirect calls (callx) are not supported");
		LOAD_ERR(p6, "insn 0: invalid call source 3");
		LOAD_ERR_X(p7, &o, "insn 0: unknown func 5");
		prog = load_t(p3, NINSN(p3), BPF_CGROUP_INET4_BIND);
		CHECK(prog, "get_retval for bind4: %s", last_err.msg);
		cgaddr_vm_free(prog);
	}
	/* control flow */
	{
		const struct bpf_insn p[] = { JA(4), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p2[] = { MOV64_IMM(0, 1), JA(-3), EXIT() };
		const struct bpf_insn p3[] = { JA(1), LDDW(0, 1), EXIT() };
		const struct bpf_insn p4[] = { CALL_LOCAL(8), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p5[] = { CALL_LOCAL(1), LDDW(0, 1), EXIT() };
		const struct bpf_insn p6[] = { CALL_LOCAL(-1), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p7[] = { MOV64_IMM(0, 1), CALL_LOCAL(1), JA(1),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p8[] = { MOV64_IMM(0, 1), EXIT(), MOV64_IMM(0, 1) };
		const struct bpf_insn p9[] = { CALL_LOCAL(1), MOV64_IMM(0, 1),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p10[] = { MOV64_IMM(0, 1), LDDW(0, 1) };
		const struct bpf_insn p11[] = { MOV64_IMM(0, 1), JMP_IMM(BPF_JEQ, 0, 0, -1) };

		LOAD_ERR(p, "insn 0: jump out of range to 5");
		LOAD_ERR(p2, "insn 1: jump out of range to -1");
		LOAD_ERR(p3, "insn 0: jump into the middle of ld_imm64 at 2");
		LOAD_ERR(p4, "insn 0: call target 9 outside the program");
		LOAD_ERR(p5, "insn 0: call into the middle of ld_imm64 at 2");
		LOAD_ERR(p6, "insn 0: call to the program entry");
		LOAD_ERR(p7, "insn 2: jump to 4 leaves the function");
		LOAD_ERR(p8, "insn 2: program falls off the end");
		LOAD_ERR(p9, "insn 1: function falls through into the next function at 2");
		LOAD_ERR(p10, "insn 1: program falls off the end");
		LOAD_ERR(p11, "insn 1: program falls off the end");
	}
	/* ctx rules, statically */
	{
		const struct bpf_insn p[] = { ST(BPF_W, 1, CTX_OFF(family), 2), MOV64_IMM(0, 1),
					      EXIT() };
		const struct bpf_insn p2[] = { LDX(BPF_W, 0, 1, 2), EXIT() };
		const struct bpf_insn p3[] = { LDX(BPF_W, 0, 1, 72), EXIT() };
		const struct bpf_insn p4[] = { LDX(BPF_W, 0, 1, 60), EXIT() };
		const struct bpf_insn p5[] = { LDX(BPF_H, 0, 1, CTX_OFF(family)), EXIT() };
		const struct bpf_insn p6[] = { ST(BPF_H, 1, CTX_OFF(user_ip4), 2), MOV64_IMM(0, 1),
					       EXIT() };
		const struct bpf_insn p7[] = { LDX(BPF_W, 0, 1, CTX_OFF(user_ip6)), EXIT() };
		const struct bpf_insn p8[] = { LDX(BPF_W, 0, 1, CTX_OFF(msg_src_ip4)), EXIT() };
		const struct bpf_insn p9[] = { LDX(BPF_W, 0, 1, CTX_OFF(sk)), EXIT() };
		const struct bpf_insn p10[] = { STX(BPF_DW, 1, 1, CTX_OFF(sk)), MOV64_IMM(0, 1),
						EXIT() };
		const struct bpf_insn p11[] = { MOV64_IMM(2, 1),
						ATOMIC(BPF_W, 1, 2, CTX_OFF(user_ip4), BPF_ADD),
						MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p12[] = { MOV64_REG(6, 1), ALU64_IMM(BPF_ADD, 6, 8),
						ST(BPF_W, 6, CTX_OFF(user_family) - 8, 2),
						MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p13[] = { LDX(BPF_DW, 0, 1, CTX_OFF(user_port) - 8 + 8),
						EXIT() };
		const struct bpf_insn p14[] = { ST(BPF_DW, 1, CTX_OFF(msg_src_ip6) + 12, 2),
						MOV64_IMM(0, 1), EXIT() };

		LOAD_ERR(p, "insn 0: write to read-only ctx field 'family'");
		LOAD_ERR(p2, "insn 0: misaligned 4-byte ctx access at offset 2");
		LOAD_ERR(p3, "insn 0: invalid ctx access at offset 72 (size 4)");
		LOAD_ERR(p4, "insn 0: invalid ctx access at offset 60 (size 4)");
		LOAD_ERR(p5, "insn 0: invalid 2-byte read of ctx field 'family'");
		LOAD_ERR(p6, "insn 0: invalid 2-byte write of ctx field 'user_ip4'");
		LOAD_ERR(p7, "insn 0: ctx field 'user_ip6' is not available for attach type connect4");
		LOAD_ERR_T(p8, BPF_CGROUP_UDP4_RECVMSG,
			   "insn 0: ctx field 'msg_src_ip4' is not available for attach type recvmsg4");
		LOAD_ERR(p9, "insn 0: invalid 4-byte read of ctx field 'sk'");
		LOAD_ERR(p10, "insn 0: write to read-only ctx field 'sk'");
		LOAD_ERR(p11, "insn 1: atomic operation on ctx");
		LOAD_ERR(p12, "insn 2: write to read-only ctx field 'user_family'");
		LOAD_ERR(p13, "insn 0: invalid 8-byte read of ctx field 'user_port'");
		LOAD_ERR_T(p14, BPF_CGROUP_UDP6_SENDMSG,
			   "insn 0: invalid 8-byte write of ctx field 'msg_src_ip6'");
	}
	/* socket view, stack, data sections, map handles */
	{
		const struct bpf_insn p[] = { LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
					      ST(BPF_W, 2, SK_OFF(mark), 1), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p2[] = { LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
					       LDX(BPF_H, 0, 2, SK_OFF(dst_port) + 2), EXIT() };
		const struct bpf_insn p3[] = { LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
					       LDX(BPF_W, 0, 2, 80), EXIT() };
		const struct bpf_insn p4[] = { LDX(BPF_DW, 2, 1, CTX_OFF(sk)),
					       LDX(BPF_W, 0, 2, 6), EXIT() };
		const struct bpf_insn p5[] = { LDX(BPF_DW, 2, 1, CTX_OFF(sk)), MOV64_IMM(3, 1),
					       ATOMIC(BPF_W, 2, 3, 0, BPF_ADD), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p6[] = { LDX(BPF_DW, 0, 10, -520), EXIT() };
		const struct bpf_insn p7[] = { LDX(BPF_W, 0, 10, -2), EXIT() };
		const struct bpf_insn p8[] = { MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -8),
					       ST(BPF_DW, 2, 8, 1), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p9[] = { LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 0, 4),
					       LDX(BPF_W, 0, 2, 4), EXIT() };
		const struct bpf_insn p10[] = { LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 0, 0),
						ST(BPF_W, 2, 0, 1), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p11[] = { LDDW_SRC(2, BPF_PSEUDO_MAP_IDX, 0, 0),
						LDX(BPF_W, 0, 2, 0), EXIT() };
		const struct cgaddr_vm_data d = { NULL, 8, CGADDR_VM_DATA_RDONLY };
		const struct cgaddr_vm_map m = { NULL, 4, 8 };
		struct tload o = { .type = BPF_CGROUP_INET4_CONNECT, .ndata = 1, .data = &d,
				   .nmaps = 1, .maps = &m };

		LOAD_ERR(p, "insn 1: write to read-only socket field 'mark'");
		LOAD_ERR(p2, "insn 1: invalid 2-byte read of socket field 'dst_port'");
		LOAD_ERR(p3, "insn 1: invalid socket access at offset 80 (size 4)");
		LOAD_ERR(p4, "insn 1: misaligned 4-byte socket access at offset 6");
		LOAD_ERR(p5, "insn 2: atomic operation on socket");
		LOAD_ERR(p6, "insn 0: invalid stack access at offset -520 (size 8)");
		LOAD_ERR(p7, "insn 0: invalid stack access at offset -2 (size 4)");
		LOAD_ERR(p8, "insn 2: invalid stack access at offset 0 (size 8)");
		LOAD_ERR_X(p9, &o, "insn 2: invalid access to data section 0 at offset 8 (size 4)");
		LOAD_ERR_X(p10, &o, "insn 2: write to read-only data section 0");
		LOAD_ERR_X(p11, &o, "insn 2: invalid memory access through a map handle");
	}
	/* return values and helper arguments */
	{
		const struct bpf_insn p[] = { MOV64_IMM(0, 2), EXIT() };
		const struct bpf_insn p2[] = { MOV64_REG(0, 10), EXIT() };
		const struct bpf_insn p3[] = { MOV64_IMM(0, 0), EXIT() };
		const struct bpf_insn p4[] = { MOV64_IMM(0, 1), ALU64_IMM(BPF_LSH, 0, 1),
					       ALU64_IMM(BPF_OR, 0, 1), EXIT() };
		const struct bpf_insn p5[] = { MOV64_REG(1, 10), MOV64_IMM(2, 16), MOV64_IMM(3, 16),
					       CALL(64), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p6[] = { MOV64_REG(2, 1), MOV64_IMM(3, 16), CALL(64),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p7[] = { MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -4),
					       MOV64_IMM(3, 16), CALL(64), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p8[] = { MOV64_IMM(1, 0), MOV64_REG(2, 10), CALL(1),
					       MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p9[] = { MOV64_REG(1, 10), CALL(86), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p10[] = { MOV64_IMM(1, 0), CALL(122), MOV64_IMM(0, 1), EXIT() };
		const struct bpf_insn p11[] = { MOV32_IMM(0, 1), ALU32_IMM(BPF_ADD, 0, 2), EXIT() };

		LOAD_ERR(p, "insn 1: return value 2 outside [0, 1] for attach type connect4");
		LOAD_ERR(p2, "insn 1: return value is a pointer");
		LOAD_ERR_T(p3, BPF_CGROUP_UDP6_RECVMSG,
			   "insn 1: return value 0 outside [1, 1] for attach type recvmsg6");
		LOAD_ERR_T(p3, BPF_CGROUP_INET4_GETPEERNAME,
			   "insn 1: return value 0 outside [1, 1] for attach type getpeername4");
		prog = load_t(p4, NINSN(p4), BPF_CGROUP_INET6_BIND);
		CHECK(prog, "bind returns 3: %s", last_err.msg);
		cgaddr_vm_free(prog);
		LOAD_ERR(p4, "insn 3: return value 3 outside [0, 1] for attach type connect4");
		LOAD_ERR(p11, "insn 2: return value 3 outside [0, 1] for attach type connect4");
		LOAD_ERR(p5, "insn 3: func bind#64 arg1: expected ctx");
		LOAD_ERR(p6, "insn 2: func bind#64 arg2: expected memory");
		LOAD_ERR(p7, "insn 3: func bind#64 arg2: invalid stack memory at offset -4 (size 16)");
		LOAD_ERR(p8, "insn 2: func map_lookup_elem#1 arg1: expected map");
		LOAD_ERR(p9, "insn 1: func sk_release#86 arg1: expected socket");
		prog = load_t(p10, NINSN(p10), BPF_CGROUP_INET4_CONNECT);
		CHECK(prog, "netns cookie with NULL: %s", last_err.msg);
		cgaddr_vm_free(prog);
	}
}

/* ---- runtime faults ----------------------------------------------------------- */

static u32 fault_of(u32 type, const struct bpf_insn *p, u32 n, const struct tload *o)
{
	struct tload dflt = { .type = type };
	struct cgaddr_vm_prog *prog = load_x(p, n, o ? o : &dflt);
	struct bpf_sock_addr ctx;
	struct tenv env = { 0 };
	struct cgaddr_vm_run run;

	if (!prog) {
		printf("  load: %s\n", last_err.msg);
		return 99;
	}
	fill_ctx(&ctx);
	run = run_x(prog, &ctx, 0, &env, 0);
	cgaddr_vm_free(prog);
	return run.fault;
}

#define FAULT_IS(expect, type, o, ...) do {				\
	const struct bpf_insn p_[] = { __VA_ARGS__ };			\
	u32 f_ = fault_of(type, p_, NINSN(p_), o);			\
	CHECK(f_ == (expect), "fault %u (%s), expected %u", f_,	\
	      cgaddr_vm_fault_str(f_), (expect));			\
} while (0)

/* r2 = an unknown value the loader cannot follow: the ctx pointer via the stack. */
#define HIDE(r, src) STX(BPF_DW, 10, src, -64), LDX(BPF_DW, r, 10, -64)

static void test_faults(void)
{
	const u32 c4 = BPF_CGROUP_INET4_CONNECT;
	const struct cgaddr_vm_data d[2] = {
		{ "rodata!", 8, CGADDR_VM_DATA_RDONLY }, { NULL, 16, 0 },
	};
	struct tload od = { .type = c4, .ndata = 2, .data = d };
	u8 mem[16];

	/* outside every region: NULL, small ints, kernel-looking, wrapped */
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, MOV64_IMM(2, 0), LDX(BPF_W, 0, 2, 0), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, LDDW(2, 0xffff888000000000ULL),
		 ST(BPF_W, 2, 0, 1), MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, MOV64_IMM(2, -1), LDX(BPF_W, 0, 2, 8), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, LDDW(2, CGADDR_VM_DATA_BASE(5)),
		 LDX(BPF_W, 0, 2, 0), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, LDDW(2, CGADDR_VM_MAP_HANDLE(0)),
		 LDX(BPF_W, 0, 2, 0), EXIT());
	/* overflowing addresses: just below a region, offset wrapping */
	FAULT_IS(CGADDR_VM_FAULT_MEM, c4, NULL, LDDW(2, CGADDR_VM_CTX_BASE - 4),
		 LDX(BPF_DW, 0, 2, 0), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_BOUNDS, c4, NULL, LDDW(2, CGADDR_VM_STACK_BASE + 0xfffffffcULL),
		 LDX(BPF_DW, 0, 2, 0), EXIT());
	/* ctx through unknown pointers: past the end, forbidden, read-only */
	FAULT_IS(CGADDR_VM_FAULT_CTX, c4, NULL, HIDE(2, 1), LDX(BPF_W, 0, 2, 72), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_CTX, c4, NULL, HIDE(2, 1), LDX(BPF_W, 0, 2, 8), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_RDONLY, c4, NULL, HIDE(2, 1), ST(BPF_W, 2, 28, 1),
		 MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_ATOMIC, c4, NULL, HIDE(2, 1), MOV64_IMM(3, 1),
		 ATOMIC(BPF_W, 2, 3, 4, BPF_ADD), MOV64_IMM(0, 1), EXIT());
	/* stack: below the frame's zeroed part, above the top */
	FAULT_IS(CGADDR_VM_FAULT_BOUNDS, c4, NULL, LDDW(2, CGADDR_VM_STACK_TOP - 600),
		 LDX(BPF_W, 0, 2, 0), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_BOUNDS, c4, NULL, HIDE(2, 10), LDX(BPF_W, 0, 2, 0), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_ALIGN, c4, NULL, ST(BPF_DW, 10, -16, 0), HIDE(2, 10),
		 MOV64_IMM(3, 1), ATOMIC(BPF_DW, 2, 3, -12, BPF_ADD), MOV64_IMM(0, 1), EXIT());
	/* data: bounds, read-only */
	FAULT_IS(CGADDR_VM_FAULT_BOUNDS, c4, &od, LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 1, 0),
		 HIDE(2, 2), LDX(BPF_DW, 0, 2, 16), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_RDONLY, c4, &od, LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 0, 0),
		 HIDE(2, 2), ST(BPF_B, 2, 0, 1), MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_OK, c4, &od, LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 1, 0),
		 HIDE(2, 2), ST(BPF_DW, 2, 8, 1), MOV64_IMM(0, 1), EXIT());
	/* helper arguments */
	FAULT_IS(CGADDR_VM_FAULT_HELPER_ARG, c4, NULL, HIDE(1, 10), MOV64_IMM(2, 16),
		 CALL(16), MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_HELPER_ARG, c4, NULL, MOV64_REG(6, 1), MOV64_REG(1, 10),
		 ALU64_IMM(BPF_ADD, 1, -8), HIDE(2, 2), MOV64_IMM(2, 0), CALL(16),
		 MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_HELPER_ARG, c4, NULL, HIDE(6, 1), MOV64_REG(1, 6),
		 ALU64_IMM(BPF_ADD, 1, 4), MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16),
		 MOV64_IMM(3, 16), CALL(64), MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_HELPER_ARG, c4, &od, LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 0, 0),
		 MOV64_REG(1, 2), MOV64_IMM(2, 8), CALL(16), MOV64_IMM(0, 1), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_HELPER_ARG, c4, NULL, HIDE(2, 1), MOV64_REG(1, 2),
		 ALU64_IMM(BPF_ADD, 1, 0), MOV64_IMM(2, 8), CALL(6), MOV64_IMM(0, 1), EXIT());
	/* return value range at run time */
	FAULT_IS(CGADDR_VM_FAULT_RETVAL, BPF_CGROUP_UDP4_RECVMSG, NULL, CALL(5), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_RETVAL, BPF_CGROUP_INET4_BIND, NULL, CALL(7), EXIT());
	FAULT_IS(CGADDR_VM_FAULT_RETVAL, BPF_CGROUP_INET4_BIND, NULL, ST(BPF_DW, 10, -8, 4),
		 LDX(BPF_DW, 0, 10, -8), EXIT());
	FAULT_IS(CGADDR_VM_OK, BPF_CGROUP_INET4_BIND, NULL, ST(BPF_DW, 10, -8, 3),
		 LDX(BPF_DW, 0, 10, -8), EXIT());
	/* F_RAW memory */
	{
		const struct bpf_insn p[] = { LDX(BPF_DW, 0, 1, 9), EXIT() };
		const struct bpf_insn p2[] = { LDX(BPF_DW, 0, 1, 8), EXIT() };
		struct cgaddr_vm_prog *prog = load_raw(p, NINSN(p));
		struct tenv env = { 0 };
		struct cgaddr_vm_run run;

		run = run_x(prog, mem, sizeof(mem), &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_BOUNDS, "raw oob: %u", run.fault);
		cgaddr_vm_free(prog);
		prog = load_raw(p2, NINSN(p2));
		memset(mem, 0x5a, sizeof(mem));
		run = run_x(prog, mem, sizeof(mem), &env, 0);
		CHECK(!run.fault && run.r0 == 0x5a5a5a5a5a5a5a5aULL, "raw in bounds: %u", run.fault);
		run = run_x(prog, NULL, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_MEM, "raw no memory: %u", run.fault);
		cgaddr_vm_free(prog);
	}
	/* bad run arguments */
	{
		const struct bpf_insn p[] = { MOV64_IMM(0, 1), EXIT() };
		struct cgaddr_vm_prog *prog = load_t(p, NINSN(p), c4);
		struct cgaddr_vm_run run = { 0 };

		run.scratch = (u8 *)scratch + 1;
		run.ctx = mem;
		CHECK(cgaddr_vm_exec(prog, &run) == CGADDR_VM_FAULT_ARGS, "misaligned scratch");
		run.scratch = scratch;
		run.ctx = NULL;
		CHECK(cgaddr_vm_exec(prog, &run) == CGADDR_VM_FAULT_ARGS, "no ctx");
		cgaddr_vm_free(prog);
	}
	CHECK(!strcmp(cgaddr_vm_fault_str(CGADDR_VM_FAULT_BUDGET), "instruction budget exhausted") &&
	      !strcmp(cgaddr_vm_fault_str(-1), "unknown fault"), "fault strings");
}

/* ---- helpers, data sections, maps ------------------------------------------ */

static void test_helpers(void)
{
	const u32 c4 = BPF_CGROUP_INET4_CONNECT;
	struct bpf_sock_addr ctx;
	struct tenv env = { 0 };
	u32 fault;
	u64 r0;

	/* get_current_comm writes into the stack through a checked pointer */
	{
		const struct bpf_insn p[] = {
			MOV64_REG(1, 10), ALU64_IMM(BPF_ADD, 1, -16), MOV64_IMM(2, 16), CALL(16),
			LDX(BPF_DW, 0, 10, -16), LDX(BPF_DW, 1, 10, -8), ALU64_REG(BPF_XOR, 0, 1),
			JMP_IMM(BPF_JNE, 0, 0, 2), MOV64_IMM(0, 1), EXIT(), MOV64_IMM(0, 0), EXIT(),
		};

		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(!fault && r0 == 1 && env.last_id == 16 &&
		      env.args[0] >= (uintptr_t)scratch &&
		      env.args[0] + 16 <= (uintptr_t)scratch + CGADDR_VM_SCRATCH_SIZE,
		      "comm: fault %u r0 %llu", fault, (unsigned long long)r0);
	}
	/* bind(ctx, &sa, 16): ctx and memory translated */
	{
		const struct bpf_insn p[] = {
			ST(BPF_DW, 10, -16, 2), ST(BPF_DW, 10, -8, 0),
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16), MOV64_IMM(3, 16), CALL(64),
			JMP_IMM(BPF_JNE, 0, 1064, 1), MOV64_IMM(0, 1), EXIT(),
		};

		memset(&env, 0, sizeof(env));
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(!fault && r0 == 1 && env.args[0] == (uintptr_t)&ctx &&
		      *(u64 *)(uintptr_t)env.args[1] == 2 && env.args[2] == 16,
		      "bind: fault %u r0 %llu", fault, (unsigned long long)r0);
	}
	/* a helper failing ends the run */
	{
		const struct bpf_insn p[] = { CALL(5), MOV64_IMM(0, 1), EXIT() };

		memset(&env, 0, sizeof(env));
		env.fail = 1;
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_HELPER, "helper failure: %u", fault);
	}
	/* get_netns_cookie(NULL) passes NULL; (ctx) passes the buffer */
	{
		const struct bpf_insn p[] = { MOV64_IMM(1, 0), CALL(122), MOV64_IMM(0, 1), EXIT() };

		memset(&env, 0, sizeof(env));
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(!fault && env.args[0] == 0, "netns cookie NULL");
	}
	/* a map value region: lookup, write through it, same pointer twice */
	{
		const struct cgaddr_vm_map m = { (void *)0x77, 4, 16 };
		struct tload o = { .type = c4, .nmaps = 1, .maps = &m };
		const struct bpf_insn p[] = {
			ST(BPF_W, 10, -4, 9),
			LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 0), MOV64_REG(2, 10),
			ALU64_IMM(BPF_ADD, 2, -4), CALL(1), JMP_IMM(BPF_JEQ, 0, 0, 9),
			ST(BPF_DW, 0, 8, 0x42), MOV64_REG(6, 0),
			LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 0), MOV64_REG(2, 10),
			ALU64_IMM(BPF_ADD, 2, -4), CALL(1),
			JMP_REG(BPF_JNE, 0, 6, 1), MOV64_IMM(0, 1), EXIT(),
		};
		struct cgaddr_vm_prog *prog = load_x(p, NINSN(p), &o);
		struct cgaddr_vm_run run;

		CHECK(prog, "map prog: %s", last_err.msg);
		memset(&env, 0, sizeof(env));
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(!run.fault && run.r0 == 1 && env.mapval[8] == 0x42 &&
		      env.args[0] == 0x77 && env.map && env.map->obj == m.obj &&
		      *(u32 *)(uintptr_t)env.args[1] == 9,
		      "map value: fault %u r0 %llu", run.fault, (unsigned long long)run.r0);
		cgaddr_vm_free(prog);
	}
	/* the map value pointer is virtual and bounded */
	{
		const struct cgaddr_vm_map m = { NULL, 4, 16 };
		struct tload o = { .type = c4, .nmaps = 1, .maps = &m };
		const struct bpf_insn p[] = {
			LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 0), MOV64_REG(2, 10),
			ALU64_IMM(BPF_ADD, 2, -4), ST(BPF_W, 10, -4, 0), CALL(1),
			LDX(BPF_W, 1, 0, 16), MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn p2[] = {
			LDDW_SRC(1, BPF_PSEUDO_MAP_IDX, 0, 0), MOV64_REG(2, 10),
			ALU64_IMM(BPF_ADD, 2, -4), ST(BPF_W, 10, -4, 0), CALL(1),
			STX(BPF_DW, 10, 0, -16), LDX(BPF_DW, 0, 10, -16),
			JMP_IMM(BPF_JEQ, 0, 0, 0), ALU64_IMM(BPF_RSH, 0, 32), EXIT(),
		};
		struct tload raw = { .flags = CGADDR_VM_F_RAW };
		struct cgaddr_vm_prog *prog = load_x(p, NINSN(p), &o);
		struct cgaddr_vm_run run;

		memset(&env, 0, sizeof(env));
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_BOUNDS, "map value oob: %u", run.fault);
		cgaddr_vm_free(prog);
		o.type = BPF_CGROUP_INET4_BIND;
		prog = load_x(p2, NINSN(p2), &o);
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_RETVAL, "map value base visible: %u", run.fault);
		cgaddr_vm_free(prog);
		(void)raw;
	}
	/* sockets from helpers: view rules, release, leaked references */
	{
		const struct bpf_insn p[] = {
			MOV64_REG(6, 1), MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16),
			ST(BPF_DW, 10, -16, 0), ST(BPF_DW, 10, -8, 0),
			MOV64_IMM(3, 12), MOV64_IMM(4, 0), MOV64_IMM(5, 0), CALL(84),
			JMP_IMM(BPF_JEQ, 0, 0, 5),
			LDX(BPF_W, 7, 0, SK_OFF(family)), MOV64_REG(1, 0), CALL(86),
			MOV64_REG(0, 7), EXIT(),
			MOV64_IMM(0, 0), EXIT(),
		};
		struct bpf_insn p2[NINSN(p)];
		struct cgaddr_vm_prog *prog = load_t(p, NINSN(p), c4);
		struct cgaddr_vm_run run;

		CHECK(prog, "sk_lookup prog: %s", last_err.msg);
		memset(&env, 0, sizeof(env));
		env.found.family = 1;
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(!run.fault && run.r0 == 1 && env.last_id == 86 && env.args[0] == 0x5eed &&
		      env.puts == 0, "sk_lookup/release: fault %u r0 %llu puts %d", run.fault,
		      (unsigned long long)run.r0, env.puts);
		cgaddr_vm_free(prog);
		/* without the release: put at the end, and the run faults */
		memcpy(p2, p, sizeof(p));
		p2[11] = MOV64_IMM(1, 0);
		p2[12] = MOV64_IMM(0, 1);
		prog = load_t(p2, NINSN(p2), c4);
		memset(&env, 0, sizeof(env));
		env.found.family = 1;
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_REF_LEAK && env.puts == 1,
		      "leak: fault %u puts %d", run.fault, env.puts);
		cgaddr_vm_free(prog);
	}
	/* releasing ctx->sk is refused */
	{
		const struct bpf_insn p[] = { LDX(BPF_DW, 1, 1, CTX_OFF(sk)), CALL(86),
					      MOV64_IMM(0, 1), EXIT() };

		memset(&env, 0, sizeof(env));
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_HELPER_ARG && env.calls == 0, "release ctx->sk: %u",
		      fault);
	}
	/* F_RAW helper 5: returns r1, unwinds on 0 */
	R0_IS(2, MOV64_IMM(1, -1), CALL(5), MOV64_IMM(0, 2), EXIT());
	R0_IS(0, MOV64_IMM(1, 0), CALL(5), MOV64_IMM(0, 2), EXIT());
}

static void test_data(void)
{
	const u32 c4 = BPF_CGROUP_INET4_CONNECT;
	u8 rodata[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const struct cgaddr_vm_data d[2] = {
		{ rodata, 8, CGADDR_VM_DATA_RDONLY }, { NULL, 8, 0 },
	};
	struct tload o = { .type = c4, .ndata = 2, .data = d };
	/* .data counter += rodata[1]; return 1 */
	const struct bpf_insn p[] = {
		LDDW_SRC(1, BPF_PSEUDO_MAP_VALUE, 0, 0), LDX(BPF_B, 2, 1, 1),
		LDDW_SRC(3, BPF_PSEUDO_MAP_IDX_VALUE, 1, 4), LDX(BPF_W, 4, 3, 0),
		ALU64_REG(BPF_ADD, 4, 2), STX(BPF_W, 3, 4, 0),
		MOV64_IMM(5, 1), ATOMIC(BPF_W, 3, 5, -4, BPF_ADD),
		MOV64_IMM(0, 1), EXIT(),
	};
	const struct bpf_insn pv[] = {
		LDDW_SRC(0, BPF_PSEUDO_MAP_VALUE, 1, 4), EXIT(),
	};
	struct cgaddr_vm_prog *prog = load_x(p, NINSN(p), &o);
	struct bpf_sock_addr ctx;
	struct tenv env = { 0 };
	struct cgaddr_vm_run run;
	u32 len, *cnt;
	int i;

	CHECK(prog, "data prog: %s", last_err.msg);
	rodata[1] = 99;		/* the program owns a copy */
	for (i = 0; i < 3; i++)
		run = run_x(prog, &ctx, 0, &env, 0);
	cnt = cgaddr_vm_prog_data(prog, 1, &len);
	CHECK(!run.fault && len == 8 && cnt[1] == 6 && cnt[0] == 3,
	      "data: fault %u counters %u %u", run.fault, cnt[1], cnt[0]);
	CHECK(!cgaddr_vm_prog_data(prog, 2, &len), "no section 2");
	CHECK(cgaddr_vm_prog_insn_cnt(prog) == NINSN(p) &&
	      cgaddr_vm_prog_attach_type(prog) == c4, "prog facts");
	cgaddr_vm_free(prog);
	o.flags = CGADDR_VM_F_RAW;
	prog = load_x(pv, NINSN(pv), &o);
	run = run_x(prog, NULL, 0, &env, 0);
	CHECK(run.r0 == CGADDR_VM_DATA_BASE(1) + 4, "data address %llx",
	      (unsigned long long)run.r0);
	cgaddr_vm_free(prog);
}

/*
 * trace_printk(fmt, size, a1, a2, a3) with fmt in .rodata and a .data
 * section: bytes 0-7 get r0, bytes 8.. hold @mem (for %s and %pI).
 * Returns r0; env->text and env->calls tell what reached the caller.
 */
static s64 printk_run(const char *fmt, u32 fmt_size, u64 a1, u64 a2, u64 a3,
		      const void *mem, u32 mem_len, struct tenv *env, u32 *fault)
{
	u8 data[64] = { 0 };
	const struct cgaddr_vm_data d[2] = {
		{ fmt, fmt_size ? fmt_size : 1, CGADDR_VM_DATA_RDONLY }, { data, sizeof(data), 0 },
	};
	struct tload o = { .type = BPF_CGROUP_INET4_CONNECT, .ndata = 2, .data = d };
	const struct bpf_insn p[] = {
		LDDW_SRC(1, BPF_PSEUDO_MAP_VALUE, 0, 0), MOV64_IMM(2, fmt_size),
		LDDW(3, a1), LDDW(4, a2), LDDW(5, a3), CALL(6),
		LDDW_SRC(1, BPF_PSEUDO_MAP_VALUE, 1, 0), STX(BPF_DW, 1, 0, 0),
		MOV64_IMM(0, 1), EXIT(),
	};
	struct cgaddr_vm_prog *prog;
	struct bpf_sock_addr ctx = { 0 };
	struct cgaddr_vm_run run;
	s64 r0;
	u32 len;

	memcpy(data + 8, mem, mem_len);
	prog = load_x(p, NINSN(p), &o);
	if (!prog) {
		printf("  (printk load: %s)\n", last_err.msg);
		*fault = ~0U;
		return 0;
	}
	memset(env, 0, sizeof(*env));
	run = run_x(prog, &ctx, 0, env, 0);
	*fault = run.fault;
	r0 = *(s64 *)cgaddr_vm_prog_data(prog, 1, &len);
	cgaddr_vm_free(prog);
	return r0;
}

#define PRINTK_IS(want, fmt, a1, a2, a3, mem, mlen) do {		\
	struct tenv e_;							\
	u32 f_;								\
	s64 r_ = printk_run(fmt, sizeof(fmt), a1, a2, a3, mem, mlen, &e_, &f_); \
	CHECK(!f_ && e_.calls == 1 && !strcmp(e_.text, want) &&	\
	      r_ == (s64)strlen(want) && e_.text_len == strlen(want),	\
	      "printk '%s': fault %u calls %d r0 %lld text '%s'", fmt, f_,	\
	      e_.calls, (long long)r_, e_.text);			\
} while (0)

#define PRINTK_EINVAL(fmt, size, a1) do {				\
	struct tenv e_;							\
	u32 f_;								\
	s64 r_ = printk_run(fmt, size, a1, 0, 0, "", 0, &e_, &f_);	\
	CHECK(!f_ && e_.calls == 0 && r_ == -EINVAL,			\
	      "printk '%s' should be EINVAL: fault %u calls %d r0 %lld", fmt, f_, \
	      e_.calls, (long long)r_);					\
} while (0)

static void test_printk(void)
{
	const u8 ip4[4] = { 192, 0, 2, 1 };
	const u8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const u64 s = CGADDR_VM_DATA_BASE(1) + 8;
	char big[700];
	struct tenv env;
	u32 fault;
	s64 r0;

	PRINTK_IS("x=-5 y=7 z=ff\n", "x=%d y=%u z=%x\n", (u64)-5, 7, 255, "", 0);
	PRINTK_IS("-1 ffffffffffffffff 4294967295", "%lld %llx %u", (u64)-1, (u64)-1, (u64)-1, "", 0);
	PRINTK_IS("[   42|7  |000ff]", "[%5d|%-3u|%05x]", 42, 7, 255, "", 0);
	PRINTK_IS("+3 -3", "%+i %+d", 3, (u64)-3, 0, "", 0);
	PRINTK_IS("100% A", "100%% %c", 'A', 0, 0, "", 0);
	PRINTK_IS("hi!", "%s!", s, 0, 0, "hi", 3);
	PRINTK_IS("hi there", "%pks there", s, 0, 0, "hi", 3);
	PRINTK_IS("<>", "<%s>", 0, 0, 0, "", 0);	/* not a program region */
	PRINTK_IS("<>", "<%s>", CGADDR_VM_CTX_BASE, 0, 0, "", 0);
	PRINTK_IS("192.0.2.1 192.000.002.001", "%pI4 %pi4", s, s, 0, ip4, 4);
	PRINTK_IS("2001:0db8:0000:0000:0000:0000:0000:0001", "%pI6", s, 0, 0, ip6, 16);
	PRINTK_IS("20010db8000000000000000000000001", "%pi6", s, 0, 0, ip6, 16);
	PRINTK_IS("0.0.0.0", "%pI4", 12, 0, 0, "", 0);
	PRINTK_IS("0000000100000000 0x5 0000000000000010", "%p %pS %px", CGADDR_VM_CTX_BASE,
		  5, 16, "", 0);
	PRINTK_IS("ok", "ok\0%n ignored after the NUL", 0, 0, 0, "", 0);

	PRINTK_EINVAL("%d %d %d %d", 12, 0);
	PRINTK_EINVAL("%n", 3, 0);
	PRINTK_EINVAL("%hd", 4, 0);
	PRINTK_EINVAL("%q", 3, 0);
	PRINTK_EINVAL("%sx", 4, 0);
	PRINTK_EINVAL("%pZ", 4, 0);
	PRINTK_EINVAL("%pI5", 5, 0);
	PRINTK_EINVAL("bell\a", 6, 0);
	PRINTK_EINVAL("no nul", 6, 0);		/* fmt_size excludes the NUL */

	/* text longer than the buffer: cut, and r0 is the whole length */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	r0 = printk_run(big, sizeof(big), 0, 0, 0, "", 0, &env, &fault);
	CHECK(!fault && r0 == (s64)sizeof(big) - 1 &&
	      strlen(env.text) == CGADDR_VM_PRINTK_LEN - 1, "printk long: r0 %lld len %zu",
	      (long long)r0, strlen(env.text));
	/* fmt_size 0 cannot be a valid region: the call faults */
	printk_run("", 0, 0, 0, 0, "", 0, &env, &fault);
	CHECK(fault == CGADDR_VM_FAULT_HELPER_ARG && env.calls == 0, "printk size 0: %u", fault);
	/* fmt_size past the region */
	{
		const char f[] = "ok";
		u8 data[64] = { 0 };
		const struct cgaddr_vm_data d[2] = {
			{ f, sizeof(f), CGADDR_VM_DATA_RDONLY }, { data, sizeof(data), 0 },
		};
		struct tload o = { .type = BPF_CGROUP_INET4_BIND, .ndata = 2, .data = d };
		const struct bpf_insn p[] = {
			LDDW_SRC(1, BPF_PSEUDO_MAP_VALUE, 0, 0), MOV64_IMM(2, 4), CALL(6),
			MOV64_IMM(0, 1), EXIT(),
		};
		struct cgaddr_vm_prog *prog = load_x(p, NINSN(p), &o);
		struct bpf_sock_addr ctx = { 0 };
		struct cgaddr_vm_run run;

		memset(&env, 0, sizeof(env));
		run = run_x(prog, &ctx, 0, &env, 0);
		CHECK(run.fault == CGADDR_VM_FAULT_HELPER_ARG && env.calls == 0,
		      "printk size past region: %u", run.fault);
		cgaddr_vm_free(prog);
	}
}

/* Socket and sockopt helpers: what reaches the caller, what faults. */
static void test_sock_helpers(void)
{
	const u32 c4 = BPF_CGROUP_INET4_CONNECT;
	struct bpf_sock_addr ctx;
	struct tenv env;
	u32 fault;
	u64 r0;

	/* setsockopt(ctx, SOL_SOCKET, SO_MARK, &val, 4): optval translated */
	{
		const struct bpf_insn p[] = {
			ST(BPF_W, 10, -4, 0x77), MOV64_IMM(2, 1), MOV64_IMM(3, 36),
			MOV64_REG(4, 10), ALU64_IMM(BPF_ADD, 4, -4), MOV64_IMM(5, 4), CALL(49),
			MOV64_IMM(0, 1), EXIT(),
		};

		memset(&env, 0, sizeof(env));
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(!fault && r0 == 1 && env.last_id == 49 && env.args[0] == (uintptr_t)&ctx &&
		      env.args[1] == 1 && env.args[2] == 36 &&
		      *(u32 *)(uintptr_t)env.args[3] == 0x77 && env.args[4] == 4,
		      "setsockopt args: fault %u", fault);
	}
	/* optval past the stack, a size of 0, a non-ctx first argument: faults */
	{
		const struct bpf_insn over[] = {
			MOV64_IMM(2, 1), MOV64_IMM(3, 36), MOV64_REG(4, 10),
			ALU64_IMM(BPF_ADD, 4, -4), MOV64_IMM(5, 8), CALL(57), MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn zero[] = {
			MOV64_IMM(2, 1), MOV64_IMM(3, 36), MOV64_REG(4, 10),
			ALU64_IMM(BPF_ADD, 4, -4), MOV64_IMM(5, 0), CALL(49), MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn rodata[] = {
			LDX(BPF_DW, 4, 1, CTX_OFF(sk)), MOV64_IMM(2, 1), MOV64_IMM(3, 36),
			MOV64_IMM(5, 4), CALL(57), MOV64_IMM(0, 1), EXIT(),
		};

		LOAD_ERR(over, "insn 5: func getsockopt#57 arg4: invalid stack memory at offset -4 (size 8)");
		memset(&env, 0, sizeof(env));
		ctx_run(c4, zero, NINSN(zero), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_HELPER_ARG && !env.calls, "setsockopt size 0: %u",
		      fault);
		/* getsockopt writes: the read-only socket view is refused */
		LOAD_ERR(rodata, "insn 4: func getsockopt#57 arg4: expected memory");
	}
	/* sk_lookup_udp with a v6-sized tuple: pointer and size translated */
	{
		const struct bpf_insn p[] = {
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -40), MOV64_IMM(3, 36),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(85), MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn big[] = {
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -8), MOV64_IMM(3, 36),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(84), MOV64_IMM(0, 1), EXIT(),
		};

		memset(&env, 0, sizeof(env));
		r0 = ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(!fault && env.last_id == 85 && env.args[2] == 36 &&
		      env.args[3] == (u64)-1 && env.args[0] == (uintptr_t)&ctx,
		      "sk_lookup_udp args: fault %u", fault);
		LOAD_ERR(big, "insn 5: func sk_lookup_tcp#84 arg2: invalid stack memory at offset -8 (size 36)");
	}
	/* a released socket can be neither read nor released again */
	{
		const struct bpf_insn p[] = {
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16), MOV64_IMM(3, 12),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(84), JMP_IMM(BPF_JEQ, 0, 0, 4),
			MOV64_REG(6, 0), MOV64_REG(1, 0), CALL(86), LDX(BPF_W, 0, 6, SK_OFF(family)),
			MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn twice[] = {
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16), MOV64_IMM(3, 12),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(84), JMP_IMM(BPF_JEQ, 0, 0, 4),
			MOV64_REG(6, 0), MOV64_REG(1, 0), CALL(86), MOV64_REG(1, 6), CALL(86),
			MOV64_IMM(0, 1), EXIT(),
		};
		/* a pointer into the socket (not its start) is not a socket */
		const struct bpf_insn mid[] = {
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16), MOV64_IMM(3, 12),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(84), JMP_IMM(BPF_JEQ, 0, 0, 3),
			MOV64_REG(1, 0), ALU64_IMM(BPF_ADD, 1, 4), CALL(86),
			MOV64_IMM(0, 1), EXIT(),
		};

		memset(&env, 0, sizeof(env));
		ctx_run(c4, p, NINSN(p), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_BOUNDS && env.puts == 0, "read after release: %u",
		      fault);
		memset(&env, 0, sizeof(env));
		ctx_run(c4, twice, NINSN(twice), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_HELPER_ARG && env.puts == 0 && env.calls == 2,
		      "double release: %u calls %d", fault, env.calls);
		memset(&env, 0, sizeof(env));
		ctx_run(c4, mid, NINSN(mid), &ctx, &env, &fault);
		CHECK(fault == CGADDR_VM_FAULT_HELPER_ARG && env.puts == 1,
		      "release of an inner pointer: %u puts %d", fault, env.puts);
	}
	/* lookups with something else than ctx as their first argument */
	{
		const struct bpf_insn p[] = {
			MOV64_IMM(6, 5),
			MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16), MOV64_IMM(3, 12),
			MOV64_IMM(4, -1), MOV64_IMM(5, 0), MOV64_REG(1, 10), CALL(84),
			ALU64_IMM(BPF_SUB, 6, 1), JMP_IMM(BPF_JNE, 6, 0, -9),
			MOV64_IMM(0, 1), EXIT(),
		};
		const struct bpf_insn ok[] = {
			MOV64_IMM(6, 5), LDX(BPF_DW, 7, 1, CTX_OFF(sk)),
			MOV64_REG(1, 7), MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -16),
			MOV64_IMM(3, 12), MOV64_IMM(4, -1), MOV64_IMM(5, 0), CALL(84),
			MOV64_REG(1, 0), CALL(86),
			ALU64_IMM(BPF_SUB, 6, 1), JMP_IMM(BPF_JNE, 6, 0, -11),
			MOV64_IMM(0, 1), EXIT(),
		};

		/* the ctx argument must be r1's value: proven at load */
		LOAD_ERR(p, "insn 7: func sk_lookup_tcp#84 arg1: expected ctx");
		LOAD_ERR(ok, "insn 8: func sk_lookup_tcp#84 arg1: expected ctx");
	}
	/* the helpers the table gives each type, as sock_addr_func_proto() */
	CHECK(cgaddr_vm_helper(49)->types == 0xfff && cgaddr_vm_helper(57)->types == 0xfff &&
	      cgaddr_vm_helper(84)->types == 0xfff && cgaddr_vm_helper(99)->types == 0xfff &&
	      cgaddr_vm_helper(6)->types == 0xfff, "sock helpers for every type");
}

static void test_types(void)
{
	u32 lo, hi;

	CHECK(cgaddr_vm_type_supported(BPF_CGROUP_INET6_GETSOCKNAME) &&
	      !cgaddr_vm_type_supported(BPF_CGROUP_INET4_POST_BIND), "supported");
	CHECK(!strcmp(cgaddr_vm_type_name(BPF_CGROUP_UDP6_SENDMSG), "sendmsg6") &&
	      !strcmp(cgaddr_vm_type_name(1000), "unknown"), "names");
	cgaddr_vm_type_retval(BPF_CGROUP_INET4_BIND, &lo, &hi);
	CHECK(lo == 0 && hi == 3, "bind range");
	cgaddr_vm_type_retval(BPF_CGROUP_UDP4_SENDMSG, &lo, &hi);
	CHECK(lo == 0 && hi == 1, "sendmsg range");
	cgaddr_vm_type_retval(BPF_CGROUP_INET4_GETPEERNAME, &lo, &hi);
	CHECK(lo == 1 && hi == 1, "getpeername range");
	CHECK(cgaddr_vm_helper(64) && cgaddr_vm_helper(64)->types == 0xc && !cgaddr_vm_helper(4),
	      "helper table");
	CHECK(cgaddr_vm_type_index(BPF_CGROUP_INET4_BIND) == 0 &&
	      cgaddr_vm_type_index(BPF_CGROUP_INET6_GETSOCKNAME) == 11, "type index");
}

int main(void)
{
	scratch = aligned_alloc(64, CGADDR_VM_SCRATCH_SIZE);
	test_alu();
	test_jmp();
	test_mem();
	test_calls();
	test_budget();
	test_ctx_rules();
	test_ctx_values();
	test_sk();
	test_errors();
	test_faults();
	test_helpers();
	test_data();
	test_printk();
	test_sock_helpers();
	test_types();
	free(scratch);
	printf("vm_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
