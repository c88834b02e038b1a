/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the VM's sources: the pre-decoded form, run state. */
#ifndef CGADDR_VM_INTERNAL_H
#define CGADDR_VM_INTERNAL_H

#include "vm.h"

/* Region numbers: the upper 32 bits of a virtual address. */
#define VM_RGN_CTX	1
#define VM_RGN_SK	2
#define VM_RGN_STACK	3
#define VM_RGN_DATA0	16
#define VM_RGN_DYN0	256
#define VM_RGN_MAP0	4096

#define VM_S32_MIN	(-2147483647 - 1)
#define VM_S32_MAX	2147483647

#define VM_STACK_AREA	(CGADDR_VM_MAX_FRAMES * CGADDR_VM_STACK_SIZE)

/*
 * Internal operations, one per handler of the interpreter.  The loader
 * specialises each instruction: K forms carry their immediate already
 * extended, division by a constant 0 or -1 becomes a move or a negation,
 * proven stack/ctx/data accesses become direct ones, byte swaps become
 * what they are on this host.
 */
#define VM_ALU_OPS(X, W)						\
	X(ADD##W##_K) X(ADD##W##_X) X(SUB##W##_K) X(SUB##W##_X)		\
	X(MUL##W##_K) X(MUL##W##_X) X(DIV##W##_K) X(DIV##W##_X)		\
	X(SDIV##W##_K) X(SDIV##W##_X) X(MOD##W##_K) X(MOD##W##_X)	\
	X(SMOD##W##_K) X(SMOD##W##_X) X(OR##W##_K) X(OR##W##_X)		\
	X(AND##W##_K) X(AND##W##_X) X(LSH##W##_K) X(LSH##W##_X)		\
	X(RSH##W##_K) X(RSH##W##_X) X(ARSH##W##_K) X(ARSH##W##_X)	\
	X(XOR##W##_K) X(XOR##W##_X) X(MOV##W##_K) X(MOV##W##_X)		\
	X(NEG##W) X(MOVSX##W##_8) X(MOVSX##W##_16)

#define VM_JMP_OPS(X, W)						\
	X(JEQ##W##_K) X(JEQ##W##_X) X(JNE##W##_K) X(JNE##W##_X)		\
	X(JGT##W##_K) X(JGT##W##_X) X(JGE##W##_K) X(JGE##W##_X)		\
	X(JLT##W##_K) X(JLT##W##_X) X(JLE##W##_K) X(JLE##W##_X)		\
	X(JSGT##W##_K) X(JSGT##W##_X) X(JSGE##W##_K) X(JSGE##W##_X)	\
	X(JSLT##W##_K) X(JSLT##W##_X) X(JSLE##W##_K) X(JSLE##W##_X)	\
	X(JSET##W##_K) X(JSET##W##_X)

#define VM_SIZES(X, P) X(P##_B) X(P##_H) X(P##_W) X(P##_DW)

#define VM_OPS(X)							\
	X(INVALID)							\
	VM_ALU_OPS(X, 64) VM_ALU_OPS(X, 32) X(MOVSX64_32)		\
	X(NOP) X(ZEXT16) X(BSWAP16) X(BSWAP32) X(BSWAP64)		\
	VM_JMP_OPS(X, 64) VM_JMP_OPS(X, 32) X(JA)			\
	X(LDDW)								\
	VM_SIZES(X, LDX) X(LDXSX_B) X(LDXSX_H) X(LDXSX_W)		\
	VM_SIZES(X, ST) VM_SIZES(X, STX) X(ATOMIC)			\
	VM_SIZES(X, LDX_STK) X(LDXSX_STK_B) X(LDXSX_STK_H) X(LDXSX_STK_W) \
	VM_SIZES(X, ST_STK) VM_SIZES(X, STX_STK)			\
	VM_SIZES(X, LDX_CTX) VM_SIZES(X, ST_CTX) VM_SIZES(X, STX_CTX)	\
	VM_SIZES(X, LDX_ABS) VM_SIZES(X, ST_ABS) VM_SIZES(X, STX_ABS)	\
	X(CALL) X(CALL_LOCAL) X(EXIT) X(EXIT_CHECK) X(RET)

#define VM_OP_ENUM(n) VM_OP_##n,
enum vm_opcode { VM_OPS(VM_OP_ENUM) VM_NOPS };
#undef VM_OP_ENUM

/*
 * One pre-decoded instruction.  Ops are indexed like the program's
 * instructions (the second slot of a ld_imm64 is a dead op), so jump
 * targets and fault positions need no translation.
 */
struct vm_op {
	u8 code;	/* enum vm_opcode */
	u8 dst;
	u8 src;
	u8 aux;		/* ATOMIC: size; LDX/ST generic: unused */
	s32 off;	/* memory offset, jump/call target, helper id, ST value */
	u64 imm;	/* immediate, LDDW value, ABS host address, ATOMIC op */
	u32 cost;	/* jumps, calls: instructions of the run at the target */
	u32 cost2;	/* jumps: of the fall-through run; calls: after return */
};

struct vm_data {
	u8 *buf;
	u32 len;
	u32 flags;
};

struct cgaddr_vm_prog {
	struct vm_op *ops;
	u32 *rem;		/* per insn: instructions left in its run */
	u32 insn_cnt;
	u32 attach_type;
	s32 type_idx;		/* dense index, -1 with F_RAW */
	u32 flags;
	u32 retmin, retmax;
	u32 entry_cost;
	u32 depth0;		/* stack bytes of the main function */
	u32 ndata;
	struct vm_data data[CGADDR_VM_MAX_DATA];
	u32 nmaps;
	struct cgaddr_vm_map maps[CGADDR_VM_MAX_MAPS];
};

struct vm_frame {
	u64 r6_9[4];
	u64 r10;
	const struct vm_op *call;
};

struct vm_dyn {
	u8 *host;
	u32 len;
	u32 flags;
	void *obj;
};

/* Per-run state, in the caller's scratch area after the stack. */
struct vm_state {
	const struct cgaddr_vm_prog *prog;
	u8 *stack;		/* host address of CGADDR_VM_STACK_BASE */
	u64 stack_lo;		/* lowest virtual stack address in use */
	u8 *ctx;
	u32 ctx_len;
	u32 depth;		/* current call depth, 0 = main */
	const struct cgaddr_vm_ops *ops;
	void *env;
	u8 sk_state;		/* 0 not asked, 1 have it, 2 none */
	struct cgaddr_vm_region sk;
	u32 ndyn;
	struct vm_dyn dyn[CGADDR_VM_MAX_DYN];
	struct vm_frame frames[CGADDR_VM_MAX_FRAMES];
	char text[CGADDR_VM_PRINTK_LEN];	/* trace_printk's formatted text */
};

/* ---- ctx and socket access rules (vm_ctx.c) -------------------------- */

/* What an allowed ctx/sk access really does. */
enum vm_acc_kind {
	VM_ACC_MEM,	/* load/store host_size bytes at host_off of the buffer */
	VM_ACC_ZERO,	/* load yields 0 (user_port's upper half) */
	VM_ACC_SKPTR,	/* load yields CGADDR_VM_SK_BASE (ctx->sk) */
};

/* Why an access is refused. */
enum vm_acc_err {
	VM_ACC_OK,
	VM_ACC_E_RANGE,		/* outside the structure */
	VM_ACC_E_ALIGN,		/* off % size */
	VM_ACC_E_SIZE,		/* size not allowed for the field */
	VM_ACC_E_RDONLY,	/* write to a read-only field */
	VM_ACC_E_TYPE,		/* field not available for the attach type */
	VM_ACC_E_ATOMIC,	/* atomic operation */
};

struct vm_acc {
	u8 kind;	/* enum vm_acc_kind */
	u8 host_size;
	u16 host_off;
};

int vm_ctx_access(int type_idx, s64 off, u32 size, bool write, struct vm_acc *acc);
int vm_sk_access(s64 off, u32 size, bool write, struct vm_acc *acc);
/* Field name at @off of the ctx / struct bpf_sock, or NULL. */
const char *vm_ctx_field(s64 off);
const char *vm_sk_field(s64 off);

/* ---- helpers (vm_helpers.c) --------------------------------------------- */

/* In F_RAW mode: helper 5, the conformance suite's "unwind". */
#define VM_RAW_HELPER_UNWIND	5
extern const struct cgaddr_vm_helper vm_raw_unwind_helper;

/* ---- trace_printk (vm_printk.c) ----------------------------------------- */

#define VM_FUNC_TRACE_PRINTK	6

/*
 * Format @fmt (@fmt_size bytes of program memory, NUL-terminated within
 * them) with @args[0..2] under bpf_bprintf_prepare()'s rules into @buf
 * (@size bytes, always NUL-terminated).  0 and *@would (the length of
 * the whole text, as bstr_printf() returns it), or -EINVAL.
 */
int vm_printk(struct vm_state *st, const char *fmt, u32 fmt_size, const u64 *args,
	      char *buf, u32 size, u32 *would);

/* Read access to [addr, addr + size) of a plain program region (vm_interp.c). */
int vm_region_read(struct vm_state *st, u64 addr, u64 size, const u8 **p);

/* ---- types (vm_ctx.c) ---------------------------------------------------- */

#define VM_NTYPES 12

#endif /* CGADDR_VM_INTERNAL_H */
