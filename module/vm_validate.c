// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a program: check every instruction's encoding, the control
 * flow and the functions, then run a small abstract interpretation that
 * tracks which registers hold ctx, stack, socket or data pointers at
 * constant offsets (and which hold constants).  The result drives both
 * the static checks (context rules, stack bounds, return values, helper
 * arguments) and the pre-decoding into struct vm_op: accesses that are
 * proven become direct ones, every other stays checked at run time.
 *
 * The analysis need not be precise to be safe: any value it cannot
 * prove is "unknown", and the interpreter checks every access made
 * through an unknown value.  It only has to be sound for what it
 * claims, which is simple for a lattice this flat: a register is
 * bottom, one exact abstract value, or unknown.
 */
#include "vm_internal.h"

/* Per-instruction flags. */
#define IF_SLOT2	0x01	/* second half of a ld_imm64 */
#define IF_LEADER	0x02	/* starts a block of the analysis */
#define IF_FUNC		0x04	/* starts a function */
#define IF_TERM		0x08	/* ends a run: jump, exit, local call */

enum vm_av_kind {
	AV_UNK,		/* anything */
	AV_CONST,	/* the scalar val */
	AV_CTX,		/* CGADDR_VM_CTX_BASE + val */
	AV_STACK,	/* this frame's r10 + val */
	AV_SK,		/* CGADDR_VM_SK_BASE + val */
	AV_DATA,	/* data section idx + val */
	AV_MAPH,	/* handle of map idx */
};

struct vm_av {
	u8 kind;
	u8 idx;
	u16 pad;
	s32 val;
};

/* r0..r9; r10 is always this frame's STACK + 0. */
struct vm_as {
	struct vm_av r[10];
};

struct vm_func {
	u32 start;
	u32 depth;	/* stack bytes the frame needs */
	bool escape;	/* a stack pointer got away: give it all 512 */
};

struct vm_loader {
	const struct cgaddr_vm_load_attr *attr;
	const struct bpf_insn *insn;
	u32 n;
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_error *err;
	bool raw;
	u8 *iflags;
	u32 *lidx;		/* insn -> leader number */
	u32 *fidx;		/* insn -> function number */
	u32 nleaders;
	u32 *leaders;		/* leader number -> insn */
	struct vm_as *lstate;
	u8 *lvis;
	u32 *work;
	u32 nwork;
	u8 *inwork;
	u32 nfuncs;
	struct vm_func *funcs;
};

static VM_PRINTF(3, 4) int vm_err(struct vm_loader *l, s32 insn, const char *fmt, ...)
{
	struct cgaddr_vm_error *e = l->err;
	va_list ap;
	int n = 0;

	if (!e)
		return -EINVAL;
	e->insn = insn;
	if (insn >= 0)
		n = vm_snprintf(e->msg, sizeof(e->msg), "insn %d: ", insn);
	va_start(ap, fmt);
	vm_vsnprintf(e->msg + n, sizeof(e->msg) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *vm_tname(struct vm_loader *l)
{
	return cgaddr_vm_type_name(l->attr->attach_type);
}

/* ---- instruction encodings ------------------------------------------ */

static bool is_lddw(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static u32 vm_size_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

/* Index of a size in the B, H, W, DW groups of enum vm_opcode. */
static u8 vm_size_idx(u32 bytes)
{
	return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3;
}

static int vm_reserved(struct vm_loader *l, u32 pc, const char *field)
{
	return vm_err(l, pc, "reserved field '%s' must be zero", field);
}

static int vm_check_regs(struct vm_loader *l, u32 pc, bool dst_written)
{
	const struct bpf_insn *i = &l->insn[pc];

	if (i->dst_reg > 10)
		return vm_err(l, pc, "invalid register r%u", i->dst_reg);
	if (i->src_reg > 10)
		return vm_err(l, pc, "invalid register r%u", i->src_reg);
	if (dst_written && i->dst_reg == 10)
		return vm_err(l, pc, "r10 is read-only");
	return 0;
}

/* The ALU opcode index of BPF op @o (0x00..0xc0) for width 64 or 32. */
static int vm_alu_code(u8 o, bool k, bool w64, s16 off)
{
	static const u8 base64[16] = {
		[BPF_ADD >> 4] = VM_OP_ADD64_K, [BPF_SUB >> 4] = VM_OP_SUB64_K,
		[BPF_MUL >> 4] = VM_OP_MUL64_K, [BPF_DIV >> 4] = VM_OP_DIV64_K,
		[BPF_OR >> 4] = VM_OP_OR64_K, [BPF_AND >> 4] = VM_OP_AND64_K,
		[BPF_LSH >> 4] = VM_OP_LSH64_K, [BPF_RSH >> 4] = VM_OP_RSH64_K,
		[BPF_MOD >> 4] = VM_OP_MOD64_K, [BPF_XOR >> 4] = VM_OP_XOR64_K,
		[BPF_MOV >> 4] = VM_OP_MOV64_K, [BPF_ARSH >> 4] = VM_OP_ARSH64_K,
	};
	int c = base64[o >> 4];

	if (off == 1 && (o == BPF_DIV || o == BPF_MOD))
		c += 2;		/* SDIV/SMOD follow DIV/MOD */
	if (!k)
		c += 1;
	if (!w64)
		c += VM_OP_ADD32_K - VM_OP_ADD64_K;
	return c;
}

static int vm_decode_helper(struct vm_loader *l, u32 pc)
{
	const struct bpf_insn *i = &l->insn[pc];
	struct vm_op *op = &l->prog->ops[pc];
	const u64 *mask = l->attr->helper_mask;
	const struct cgaddr_vm_helper *h;
	u32 id = (u32)i->imm;

	if (l->raw) {
		if (id != VM_RAW_HELPER_UNWIND)
			return vm_err(l, pc, "unknown func %u", id);
		h = &vm_raw_unwind_helper;
	} else {
		h = cgaddr_vm_helper(id);
		if (!h || (mask && !(mask[id / 64] & (1ULL << (id % 64)))))
			return vm_err(l, pc, "unknown func %u", id);
		if (!(h->types & (1U << l->prog->type_idx)))
			return vm_err(l, pc, "func %s#%u is not allowed for attach type %s",
				      h->name, id, vm_tname(l));
	}
	op->code = VM_OP_CALL;
	op->off = (s32)id;
	op->imm = (u64)(uintptr_t)h;
	return 0;
}

static int vm_decode_lddw(struct vm_loader *l, u32 pc)
{
	const struct bpf_insn *i = &l->insn[pc], *i2 = i + 1;
	struct vm_op *op = &l->prog->ops[pc];
	struct cgaddr_vm_prog *prog = l->prog;
	u32 idx = (u32)i->imm, off;

	if (pc + 1 >= l->n)
		return vm_err(l, pc, "incomplete ld_imm64");
	if (i2->code || i2->dst_reg || i2->src_reg || i2->off)
		return vm_err(l, pc, "invalid ld_imm64 second slot");
	l->iflags[pc + 1] |= IF_SLOT2;
	op->code = VM_OP_LDDW;
	off = (u32)i2->imm;
	switch (i->src_reg) {
	case 0:
		op->imm = (u64)(u32)i->imm | ((u64)off << 32);
		return 0;
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		if (idx >= prog->ndata)
			return vm_err(l, pc, "data section %u does not exist (program has %u)",
				      idx, prog->ndata);
		if (off >= prog->data[idx].len)
			return vm_err(l, pc, "offset %u is outside data section %u (%u bytes)",
				      off, idx, prog->data[idx].len);
		op->imm = CGADDR_VM_DATA_BASE(idx) + off;
		return 0;
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_IDX:
		if (idx >= prog->nmaps)
			return vm_err(l, pc, "map %u does not exist (program has %u maps)",
				      idx, prog->nmaps);
		if (off)
			return vm_reserved(l, pc, "imm");
		op->imm = CGADDR_VM_MAP_HANDLE(idx);
		return 0;
	case BPF_PSEUDO_BTF_ID:
		return vm_err(l, pc, "ld_imm64 source %u (BTF id) is not supported", i->src_reg);
	case BPF_PSEUDO_FUNC:
		return vm_err(l, pc, "ld_imm64 source %u (function) is not supported", i->src_reg);
	}
	return vm_err(l, pc, "invalid ld_imm64 source %u", i->src_reg);
}

static int vm_decode_atomic(struct vm_loader *l, u32 pc)
{
	const struct bpf_insn *i = &l->insn[pc];
	struct vm_op *op = &l->prog->ops[pc];
	u32 size = vm_size_bytes(i->code);
	int err = vm_check_regs(l, pc, false);

	if (err)
		return err;
	switch (i->imm) {
	case BPF_ADD:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
	case BPF_ADD | BPF_FETCH:
	case BPF_OR | BPF_FETCH:
	case BPF_AND | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		if (size < 4)
			return vm_err(l, pc, "unknown opcode 0x%02x", i->code);
		if ((i->imm & BPF_FETCH) && i->imm != BPF_CMPXCHG && i->src_reg == 10)
			return vm_err(l, pc, "r10 is read-only");
		break;
	case BPF_LOAD_ACQ:
		if (i->dst_reg == 10)
			return vm_err(l, pc, "r10 is read-only");
		break;
	case BPF_STORE_REL:
		break;
	default:
		return vm_err(l, pc, "invalid atomic operation 0x%x", (u32)i->imm);
	}
	op->code = VM_OP_ATOMIC;
	op->aux = (u8)size;
	op->imm = (u32)i->imm;
	return 0;
}

/* Check one instruction's encoding and give its op a generic form. */
static int vm_decode(struct vm_loader *l, u32 pc)
{
	const struct bpf_insn *i = &l->insn[pc];
	struct vm_op *op = &l->prog->ops[pc];
	u8 cls = BPF_CLASS(i->code), o = BPF_OP(i->code);
	bool k = BPF_SRC(i->code) == BPF_K;
	s32 imm = i->imm;
	int err;

	op->dst = i->dst_reg;
	op->src = i->src_reg;
	op->off = i->off;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64: {
		bool w64 = cls == BPF_ALU64;

		if (o == BPF_END) {
			if (w64 && !k)
				goto unknown;
			err = vm_check_regs(l, pc, true);
			if (err)
				return err;
			if (i->src_reg)
				return vm_reserved(l, pc, "src_reg");
			if (i->off)
				return vm_reserved(l, pc, "off");
			if (imm != 16 && imm != 32 && imm != 64)
				return vm_err(l, pc, "invalid byte swap width %d", imm);
			/* On this host, to-le and to-be are either a swap or a zero-extension. */
			if (w64 || (k ? VM_BIG_ENDIAN : !VM_BIG_ENDIAN))
				op->code = imm == 16 ? VM_OP_BSWAP16 :
					   imm == 32 ? VM_OP_BSWAP32 : VM_OP_BSWAP64;
			else if (imm == 16)
				op->code = VM_OP_ZEXT16;
			else if (imm == 32) {
				op->code = VM_OP_MOV32_X;
				op->src = op->dst;
			} else {
				op->code = VM_OP_NOP;
			}
			return 0;
		}
		if (o == BPF_NEG) {
			if (!k)
				goto unknown;
			err = vm_check_regs(l, pc, true);
			if (err)
				return err;
			if (i->src_reg)
				return vm_reserved(l, pc, "src_reg");
			if (i->off)
				return vm_reserved(l, pc, "off");
			if (imm)
				return vm_reserved(l, pc, "imm");
			op->code = w64 ? VM_OP_NEG64 : VM_OP_NEG32;
			return 0;
		}
		if (o > BPF_ARSH)
			goto unknown;
		err = vm_check_regs(l, pc, true);
		if (err)
			return err;
		if (k && i->src_reg)
			return vm_reserved(l, pc, "src_reg");
		if (!k && imm)
			return vm_reserved(l, pc, "imm");
		if (o == BPF_DIV || o == BPF_MOD) {
			if (i->off != 0 && i->off != 1)
				return vm_err(l, pc, "invalid 'off' value %d", i->off);
		} else if (o == BPF_MOV && !k) {
			if (i->off != 0 && i->off != 8 && i->off != 16 &&
			    !(w64 && i->off == 32))
				return vm_err(l, pc, "invalid 'off' value %d", i->off);
		} else if (i->off) {
			return vm_reserved(l, pc, "off");
		}
		op->code = vm_alu_code(o, k, w64, i->off);
		op->off = 0;
		if (o == BPF_MOV && !k && i->off) {
			op->code = i->off == 8 ? VM_OP_MOVSX64_8 :
				   i->off == 16 ? VM_OP_MOVSX64_16 : VM_OP_MOVSX64_32;
			if (!w64)
				op->code = i->off == 8 ? VM_OP_MOVSX32_8 : VM_OP_MOVSX32_16;
			return 0;
		}
		if (!k)
			return 0;
		op->imm = w64 ? (u64)(s64)imm : (u64)(u32)imm;
		if (o == BPF_LSH || o == BPF_RSH || o == BPF_ARSH)
			op->imm &= w64 ? 63 : 31;
		if ((o == BPF_DIV || o == BPF_MOD) && (imm == 0 || (imm == -1 && i->off))) {
			/*
			 * Division by a constant 0 or (signed) -1 has a fixed
			 * result: decide it here so the runtime forms of K
			 * never have to test.
			 */
			bool sdiv = i->off == 1;

			if (o == BPF_DIV && imm == 0) {
				op->code = w64 ? VM_OP_MOV64_K : VM_OP_MOV32_K;
				op->imm = 0;
			} else if (o == BPF_DIV) {
				op->code = w64 ? VM_OP_NEG64 : VM_OP_NEG32;
			} else if (imm == -1 && sdiv) {
				op->code = w64 ? VM_OP_MOV64_K : VM_OP_MOV32_K;
				op->imm = 0;
			} else if (w64) {
				op->code = VM_OP_NOP;
			} else {
				op->code = VM_OP_MOV32_X;	/* dst = (u32)dst */
				op->src = op->dst;
			}
		}
		return 0;
	}
	case BPF_JMP:
	case BPF_JMP32: {
		bool w64 = cls == BPF_JMP;

		switch (o) {
		case BPF_JA:
			if (!k)
				goto unknown;
			if (i->dst_reg)
				return vm_reserved(l, pc, "dst_reg");
			if (i->src_reg)
				return vm_reserved(l, pc, "src_reg");
			if (w64 && imm)
				return vm_reserved(l, pc, "imm");
			if (!w64 && i->off)
				return vm_reserved(l, pc, "off");
			op->code = VM_OP_JA;
			op->off = (s32)pc + 1 + (w64 ? i->off : imm);
			return 0;
		case BPF_CALL:
			if (!w64)
				goto unknown;
			if (!k)
				return vm_err(l, pc, "indirect calls (callx) are not supported");
			if (i->dst_reg)
				return vm_reserved(l, pc, "dst_reg");
			if (i->off)
				return vm_reserved(l, pc, "off");
			if (i->src_reg == BPF_PSEUDO_CALL) {
				op->code = VM_OP_CALL_LOCAL;
				op->off = (s32)pc + 1 + imm;
				return 0;
			}
			if (i->src_reg == BPF_PSEUDO_KFUNC_CALL)
				return vm_err(l, pc, "kfunc calls are not supported");
			if (i->src_reg)
				return vm_err(l, pc, "invalid call source %u", i->src_reg);
			return vm_decode_helper(l, pc);
		case BPF_EXIT:
			if (!w64 || !k)
				goto unknown;
			if (i->dst_reg)
				return vm_reserved(l, pc, "dst_reg");
			if (i->src_reg)
				return vm_reserved(l, pc, "src_reg");
			if (i->off)
				return vm_reserved(l, pc, "off");
			if (imm)
				return vm_reserved(l, pc, "imm");
			op->code = VM_OP_EXIT;
			return 0;
		case BPF_JCOND:
			/* may_goto: the budget bounds loops, so it never jumps. */
			if (!w64 || !k)
				goto unknown;
			if (i->dst_reg)
				return vm_reserved(l, pc, "dst_reg");
			if (i->src_reg != VM_MAY_GOTO)
				return vm_err(l, pc, "invalid may_goto condition %u", i->src_reg);
			if (imm)
				return vm_reserved(l, pc, "imm");
			op->code = VM_OP_JA;
			op->off = (s32)pc + 1;
			op->imm = (u64)(s64)((s32)pc + 1 + i->off);	/* the other edge */
			op->aux = 1;
			return 0;
		case 0xf0:
			goto unknown;
		}
		err = vm_check_regs(l, pc, false);
		if (err)
			return err;
		if (k && i->src_reg)
			return vm_reserved(l, pc, "src_reg");
		if (!k && imm)
			return vm_reserved(l, pc, "imm");
		{
			static const u8 jbase[16] = {
				[BPF_JEQ >> 4] = VM_OP_JEQ64_K, [BPF_JNE >> 4] = VM_OP_JNE64_K,
				[BPF_JGT >> 4] = VM_OP_JGT64_K, [BPF_JGE >> 4] = VM_OP_JGE64_K,
				[BPF_JLT >> 4] = VM_OP_JLT64_K, [BPF_JLE >> 4] = VM_OP_JLE64_K,
				[BPF_JSGT >> 4] = VM_OP_JSGT64_K, [BPF_JSGE >> 4] = VM_OP_JSGE64_K,
				[BPF_JSLT >> 4] = VM_OP_JSLT64_K, [BPF_JSLE >> 4] = VM_OP_JSLE64_K,
				[BPF_JSET >> 4] = VM_OP_JSET64_K,
			};
			op->code = jbase[o >> 4] + !k +
				   (w64 ? 0 : VM_OP_JEQ32_K - VM_OP_JEQ64_K);
		}
		op->imm = w64 ? (u64)(s64)imm : (u64)(u32)imm;
		op->off = (s32)pc + 1 + i->off;
		return 0;
	}
	case BPF_LD:
		if (BPF_MODE(i->code) == BPF_ABS || BPF_MODE(i->code) == BPF_IND)
			return vm_err(l, pc, "legacy packet access (LD_ABS/LD_IND) is not supported");
		if (!is_lddw(i))
			goto unknown;
		err = vm_check_regs(l, pc, true);
		if (err)
			return err;
		if (i->off)
			return vm_reserved(l, pc, "off");
		return vm_decode_lddw(l, pc);
	case BPF_LDX:
		if (BPF_MODE(i->code) != BPF_MEM &&
		    !(BPF_MODE(i->code) == BPF_MEMSX && BPF_SIZE(i->code) != BPF_DW))
			goto unknown;
		err = vm_check_regs(l, pc, true);
		if (err)
			return err;
		if (imm)
			return vm_reserved(l, pc, "imm");
		op->code = (BPF_MODE(i->code) == BPF_MEM ? VM_OP_LDX_B : VM_OP_LDXSX_B) +
			   vm_size_idx(vm_size_bytes(i->code));
		return 0;
	case BPF_ST:
		if (BPF_MODE(i->code) != BPF_MEM)
			goto unknown;
		err = vm_check_regs(l, pc, false);
		if (err)
			return err;
		if (i->src_reg)
			return vm_reserved(l, pc, "src_reg");
		op->code = VM_OP_ST_B + vm_size_idx(vm_size_bytes(i->code));
		op->imm = (u64)(s64)imm;
		return 0;
	case BPF_STX:
		if (BPF_MODE(i->code) == BPF_MEM) {
			err = vm_check_regs(l, pc, false);
			if (err)
				return err;
			if (imm)
				return vm_reserved(l, pc, "imm");
			op->code = VM_OP_STX_B + vm_size_idx(vm_size_bytes(i->code));
			return 0;
		}
		if (BPF_MODE(i->code) != BPF_ATOMIC)
			goto unknown;
		return vm_decode_atomic(l, pc);
	}
unknown:
	return vm_err(l, pc, "unknown opcode 0x%02x", i->code);
}

/* ---- control flow ----------------------------------------------------- */

static bool vm_is_jump(u8 code)
{
	return code >= VM_OP_JEQ64_K && code <= VM_OP_JA;
}

static int vm_check_target(struct vm_loader *l, u32 pc, s32 t)
{
	if (t < 0 || (u32)t >= l->n)
		return vm_err(l, pc, "jump out of range to %d", t);
	if (l->iflags[t] & IF_SLOT2)
		return vm_err(l, pc, "jump into the middle of ld_imm64 at %d", t);
	l->iflags[t] |= IF_LEADER;
	return 0;
}

static int vm_flow(struct vm_loader *l)
{
	struct vm_op *ops = l->prog->ops;
	u8 *f = l->iflags;
	u32 pc, fi, n = l->n;
	int err;

	f[0] |= IF_FUNC | IF_LEADER;
	for (pc = 0; pc < n; pc++) {
		const struct vm_op *op = &ops[pc];
		s32 t = op->off;

		if (f[pc] & IF_SLOT2)
			continue;
		if (op->code == VM_OP_CALL_LOCAL) {
			if (t < 0 || (u32)t >= n)
				return vm_err(l, pc, "call target %d outside the program", t);
			if (f[t] & IF_SLOT2)
				return vm_err(l, pc, "call into the middle of ld_imm64 at %d", t);
			if (t == 0)
				return vm_err(l, pc, "call to the program entry");
			f[t] |= IF_FUNC | IF_LEADER;
			f[pc] |= IF_TERM;
		} else if (op->code == VM_OP_EXIT || vm_is_jump(op->code)) {
			if (op->code != VM_OP_EXIT) {
				err = vm_check_target(l, pc, t);
				if (!err && op->aux)	/* may_goto's other edge */
					err = vm_check_target(l, pc, (s32)op->imm);
				if (err)
					return err;
			}
			f[pc] |= IF_TERM;
			if (pc + 1 < n)
				f[pc + 1] |= IF_LEADER;
		}
	}

	/* Functions: [start, next start); jumps stay inside their own. */
	for (pc = 0; pc < n; pc++)
		if (f[pc] & IF_FUNC)
			l->nfuncs++;
	l->funcs = vm_zalloc(l->nfuncs * sizeof(*l->funcs));
	if (!l->funcs)
		return -ENOMEM;
	for (pc = 0, fi = 0; pc < n; pc++) {
		if (f[pc] & IF_FUNC)
			l->funcs[fi++].start = pc;
		l->fidx[pc] = fi - 1;
	}
	for (pc = 0; pc < n; pc++) {
		const struct vm_op *op = &ops[pc];

		if ((f[pc] & IF_SLOT2) || !vm_is_jump(op->code))
			continue;
		if (l->fidx[op->off] != l->fidx[pc])
			return vm_err(l, pc, "jump to %d leaves the function", op->off);
		if (op->aux && l->fidx[(s32)op->imm] != l->fidx[pc])
			return vm_err(l, pc, "jump to %d leaves the function", (s32)op->imm);
	}
	for (fi = 0; fi < l->nfuncs; fi++) {
		u32 end = fi + 1 < l->nfuncs ? l->funcs[fi + 1].start : n;
		u32 last = end - 1;
		const struct vm_op *op;

		if (f[last] & IF_SLOT2)
			last--;
		op = &ops[last];
		if (op->code == VM_OP_EXIT || (op->code == VM_OP_JA && !op->aux))
			continue;
		if (end == n)
			return vm_err(l, last, "program falls off the end");
		return vm_err(l, last, "function falls through into the next function at %u", end);
	}
	return 0;
}

/* Instructions of each run, and what the jumps and calls charge. */
static void vm_costs(struct vm_loader *l)
{
	struct cgaddr_vm_prog *prog = l->prog;
	struct vm_op *ops = prog->ops;
	u32 *rem = prog->rem;
	u32 pc;

	for (pc = l->n; pc-- > 0;) {
		if (l->iflags[pc] & IF_SLOT2)
			continue;
		if (l->iflags[pc] & IF_TERM)
			rem[pc] = 1;
		else
			rem[pc] = 1 + rem[pc + (is_lddw(&l->insn[pc]) ? 2 : 1)];
	}
	for (pc = 0; pc < l->n; pc++) {
		struct vm_op *op = &ops[pc];

		if (l->iflags[pc] & IF_SLOT2)
			continue;
		if (op->code == VM_OP_CALL_LOCAL || (vm_is_jump(op->code) && op->code != VM_OP_JA)) {
			op->cost = rem[op->off];
			op->cost2 = rem[pc + 1];
		} else if (op->code == VM_OP_JA) {
			op->cost = rem[op->off];
		}
	}
	prog->entry_cost = rem[0];
}

/* ---- abstract values ---------------------------------------------------- */

static struct vm_av av_unk(void)
{
	struct vm_av a = { AV_UNK, 0, 0, 0 };

	return a;
}

static struct vm_av av_mk(u8 kind, u8 idx, s64 val)
{
	struct vm_av a = { kind, idx, 0, (s32)val };

	if (val < VM_S32_MIN || val > VM_S32_MAX)
		return av_unk();
	return a;
}

static bool av_eq(const struct vm_av *a, const struct vm_av *b)
{
	return a->kind == b->kind &&
	       (a->kind == AV_UNK || (a->idx == b->idx && a->val == b->val));
}

static bool av_ptr(const struct vm_av *a)
{
	return a->kind >= AV_CTX && a->kind <= AV_DATA;
}

static void vm_escape(struct vm_loader *l, u32 pc)
{
	l->funcs[l->fidx[pc]].escape = true;
}

static void vm_depth(struct vm_loader *l, u32 pc, s64 lo)
{
	struct vm_func *fn = &l->funcs[l->fidx[pc]];

	if (-lo > (s64)fn->depth)
		fn->depth = (u32)-lo;
}

static struct vm_av vm_reg(const struct vm_as *s, u8 r)
{
	return r == 10 ? av_mk(AV_STACK, 0, 0) : s->r[r];
}

/* Constant folding of the few ALU ops return values are built with. */
static bool vm_fold(u8 code, u64 a, u64 b, u64 *res)
{
	switch (code) {
	case VM_OP_ADD64_K: case VM_OP_ADD64_X: *res = a + b; return true;
	case VM_OP_SUB64_K: case VM_OP_SUB64_X: *res = a - b; return true;
	case VM_OP_MUL64_K: case VM_OP_MUL64_X: *res = a * b; return true;
	case VM_OP_OR64_K: case VM_OP_OR64_X: *res = a | b; return true;
	case VM_OP_AND64_K: case VM_OP_AND64_X: *res = a & b; return true;
	case VM_OP_XOR64_K: case VM_OP_XOR64_X: *res = a ^ b; return true;
	case VM_OP_LSH64_K: *res = a << (b & 63); return true;
	case VM_OP_RSH64_K: *res = a >> (b & 63); return true;
	case VM_OP_NEG64: *res = -a; return true;
	case VM_OP_ADD32_K: case VM_OP_ADD32_X: *res = (u32)(a + b); return true;
	case VM_OP_SUB32_K: case VM_OP_SUB32_X: *res = (u32)(a - b); return true;
	case VM_OP_OR32_K: case VM_OP_OR32_X: *res = (u32)(a | b); return true;
	case VM_OP_AND32_K: case VM_OP_AND32_X: *res = (u32)(a & b); return true;
	case VM_OP_XOR32_K: case VM_OP_XOR32_X: *res = (u32)(a ^ b); return true;
	case VM_OP_LSH32_K: *res = (u32)(a << (b & 31)); return true;
	case VM_OP_MOV32_X: *res = (u32)b; return true;
	case VM_OP_NEG32: *res = (u32)-a; return true;
	}
	return false;
}

static bool vm_alu(u8 code)
{
	return code >= VM_OP_ADD64_K && code <= VM_OP_MOVSX64_32;
}

static bool vm_alu_k(u8 code)
{
	int rel = code >= VM_OP_ADD32_K ? code - VM_OP_ADD32_K : code - VM_OP_ADD64_K;

	if (code == VM_OP_MOVSX64_32 || rel > VM_OP_MOV64_X - VM_OP_ADD64_K)
		return false;	/* NEG, MOVSX: no K form */
	return !(rel & 1);
}

static void vm_step_alu(struct vm_loader *l, u32 pc, struct vm_as *s, const struct vm_op *op)
{
	struct vm_av d = s->r[op->dst], src = vm_reg(s, op->src), res = av_unk();
	bool k = vm_alu_k(op->code);
	bool is_mov = op->code == VM_OP_MOV64_K || op->code == VM_OP_MOV64_X ||
		      op->code == VM_OP_MOV32_K || op->code == VM_OP_MOV32_X ||
		      (op->code >= VM_OP_MOVSX64_8 && op->code <= VM_OP_MOVSX64_16) ||
		      (op->code >= VM_OP_MOVSX32_8 && op->code <= VM_OP_MOVSX32_16) ||
		      op->code == VM_OP_MOVSX64_32;
	u64 v;

	if (k)
		src = av_mk(AV_CONST, 0, (s64)op->imm);
	switch (op->code) {
	case VM_OP_MOV64_K:
	case VM_OP_MOV32_K:
		res = av_mk(AV_CONST, 0, (s64)op->imm);
		break;
	case VM_OP_MOV64_X:
		res = src;
		break;
	case VM_OP_ADD64_K:
	case VM_OP_ADD64_X:
	case VM_OP_SUB64_K:
	case VM_OP_SUB64_X: {
		bool sub = op->code == VM_OP_SUB64_K || op->code == VM_OP_SUB64_X;

		if (k && (op->imm != (u64)(s64)(s32)op->imm))
			break;
		if ((av_ptr(&d) || d.kind == AV_CONST) && src.kind == AV_CONST)
			res = av_mk(d.kind, d.idx, sub ? (s64)d.val - src.val : (s64)d.val + src.val);
		else if (!sub && d.kind == AV_CONST && av_ptr(&src))
			res = av_mk(src.kind, src.idx, (s64)d.val + src.val);
		break;
	}
	case VM_OP_NEG64:
	case VM_OP_NEG32:
		if (d.kind == AV_CONST && vm_fold(op->code, (u64)(s64)d.val, 0, &v))
			res = av_mk(AV_CONST, 0, (s64)v);
		break;
	default:
		if (src.kind == AV_CONST && (d.kind == AV_CONST || op->code == VM_OP_MOV32_X) &&
		    vm_fold(op->code, (u64)(s64)d.val, (u64)(s64)src.val, &v))
			res = av_mk(AV_CONST, 0, (s64)v);
	}
	/* A stack pointer consumed by anything but tracked arithmetic. */
	if (res.kind != AV_STACK &&
	    ((!is_mov && d.kind == AV_STACK) || (!k && src.kind == AV_STACK)))
		vm_escape(l, pc);
	s->r[op->dst] = res;
}

/* ---- static checks and specialisation of memory accesses ------------- */

enum { M_LD, M_LDSX, M_ST, M_STX, M_ATOMIC };

static const char *const vm_dir[] = { "read", "read", "write", "write", "write" };

static int vm_ctx_err(struct vm_loader *l, u32 pc, int e, s64 off, u32 size, int m, bool sk)
{
	const char *what = sk ? "socket" : "ctx";
	const char *field = sk ? vm_sk_field(off) : vm_ctx_field(off);

	switch (e) {
	case VM_ACC_E_ALIGN:
		return vm_err(l, pc, "misaligned %u-byte %s access at offset %lld", size, what,
			      (long long)off);
	case VM_ACC_E_SIZE:
		return vm_err(l, pc, "invalid %u-byte %s of %s field '%s'", size, vm_dir[m], what,
			      field);
	case VM_ACC_E_RDONLY:
		return vm_err(l, pc, "write to read-only %s field '%s'", what, field);
	case VM_ACC_E_TYPE:
		return vm_err(l, pc, "ctx field '%s' is not available for attach type %s", field,
			      vm_tname(l));
	}
	return vm_err(l, pc, "invalid %s access at offset %lld (size %u)", what, (long long)off,
		      size);
}

static u8 vm_sized(u8 base, u32 size)
{
	return base + vm_size_idx(size);
}

static int vm_emit_mem(struct vm_loader *l, u32 pc, struct vm_as *s, struct vm_op *op,
		       int m, bool emit)
{
	u32 size = m == M_ATOMIC ? op->aux : vm_size_bytes(l->insn[pc].code);
	bool acq = m == M_ATOMIC && op->imm == BPF_LOAD_ACQ;
	struct vm_av b = vm_reg(s, (m == M_LD || m == M_LDSX || acq) ? op->src : op->dst);
	s64 eff = (s64)b.val + op->off;
	bool write = m >= M_ST && !acq;
	struct vm_acc acc;
	int e;

	/* What the destination register becomes, whatever the base. */
	if (m == M_LD || m == M_LDSX) {
		s->r[op->dst] = av_unk();
		if (m == M_LD && b.kind == AV_CTX && !l->raw &&
		    vm_ctx_access(l->prog->type_idx, eff, size, false, &acc) == VM_ACC_OK &&
		    acc.kind == VM_ACC_SKPTR)
			s->r[op->dst] = av_mk(AV_SK, 0, 0);
	} else if (m == M_STX || m == M_ATOMIC) {
		struct vm_av v = vm_reg(s, op->src);

		if (v.kind == AV_STACK && !acq)
			vm_escape(l, pc);
		if (m == M_ATOMIC) {
			if (op->imm == BPF_CMPXCHG)
				s->r[0] = av_unk();
			else if (acq)
				s->r[op->dst] = av_unk();
			else if (op->imm & BPF_FETCH)
				s->r[op->src] = av_unk();
		}
	}
	if (!emit)
		return 0;

	switch (b.kind) {
	case AV_CTX:
		if (m == M_ATOMIC)
			return vm_err(l, pc, "atomic operation on ctx");
		e = vm_ctx_access(l->prog->type_idx, eff, size, write, &acc);
		if (e)
			return vm_ctx_err(l, pc, e, eff, size, m, false);
		if (m == M_LDSX)
			return 0;	/* rare: the checked generic path */
		if (acc.kind == VM_ACC_MEM) {
			op->code = vm_sized(m == M_LD ? VM_OP_LDX_CTX_B :
					    m == M_ST ? VM_OP_ST_CTX_B : VM_OP_STX_CTX_B,
					    acc.host_size);
			op->off = acc.host_off;
		} else {
			op->code = VM_OP_MOV64_K;
			op->imm = acc.kind == VM_ACC_SKPTR ? CGADDR_VM_SK_BASE : 0;
		}
		return 0;
	case AV_SK:
		if (m == M_ATOMIC)
			return vm_err(l, pc, "atomic operation on socket");
		e = vm_sk_access(eff, size, write, &acc);
		if (e)
			return vm_ctx_err(l, pc, e, eff, size, m, true);
		return 0;	/* the view comes lazily: generic path */
	case AV_STACK:
		if (eff < -CGADDR_VM_STACK_SIZE || eff + size > 0)
			return vm_err(l, pc, "invalid stack access at offset %lld (size %u)",
				      (long long)eff, size);
		vm_depth(l, pc, eff);
		if (m == M_ATOMIC)
			return 0;
		op->code = vm_sized(m == M_LD ? VM_OP_LDX_STK_B : m == M_LDSX ? VM_OP_LDXSX_STK_B :
				    m == M_ST ? VM_OP_ST_STK_B : VM_OP_STX_STK_B, size);
		op->off = (s32)eff;
		return 0;
	case AV_DATA: {
		const struct vm_data *d = &l->prog->data[b.idx];

		if (eff < 0 || eff + size > d->len)
			return vm_err(l, pc, "invalid access to data section %u at offset %lld (size %u)",
				      b.idx, (long long)eff, size);
		if (write && (d->flags & CGADDR_VM_DATA_RDONLY))
			return vm_err(l, pc, "write to read-only data section %u", b.idx);
		if (m == M_ATOMIC || m == M_LDSX)
			return 0;
		if (m == M_ST)
			op->off = (s32)op->imm;
		op->code = vm_sized(m == M_LD ? VM_OP_LDX_ABS_B : m == M_ST ? VM_OP_ST_ABS_B :
				    VM_OP_STX_ABS_B, size);
		op->imm = (u64)(uintptr_t)(d->buf + eff);
		return 0;
	}
	case AV_MAPH:
		return vm_err(l, pc, "invalid memory access through a map handle");
	}
	return 0;
}

/* ---- helper calls -------------------------------------------------------- */

static int vm_arg_err(struct vm_loader *l, u32 pc, const struct cgaddr_vm_helper *h, int a,
		      const char *what)
{
	return vm_err(l, pc, "func %s#%u arg%d: expected %s", h->name, h->id, a + 1, what);
}

static int vm_emit_call(struct vm_loader *l, u32 pc, struct vm_as *s, const struct vm_op *op,
			bool emit)
{
	const struct cgaddr_vm_helper *h = (const void *)(uintptr_t)op->imm;
	int a, map = -1, r;

	for (a = 0; a < 5 && h->arg[a] != CGADDR_VM_ARG_NONE; a++) {
		struct vm_av v = s->r[1 + a];
		u8 kind = h->arg[a];
		s64 size = -1;

		switch (kind) {
		case CGADDR_VM_ARG_CTX:
		case CGADDR_VM_ARG_CTX_OR_NULL:
			if ((v.kind == AV_CTX && v.val == 0) || v.kind == AV_UNK ||
			    (kind == CGADDR_VM_ARG_CTX_OR_NULL && v.kind == AV_CONST && v.val == 0))
				break;
			if (emit)
				return vm_arg_err(l, pc, h, a, "ctx");
			break;
		case CGADDR_VM_ARG_MAP:
			if (v.kind == AV_MAPH)
				map = v.idx;
			else if (v.kind != AV_UNK && emit)
				return vm_arg_err(l, pc, h, a, "map");
			break;
		case CGADDR_VM_ARG_SOCK:
			if ((v.kind == AV_SK && v.val == 0) || v.kind == AV_UNK)
				break;
			if (emit)
				return vm_arg_err(l, pc, h, a, "socket");
			break;
		case CGADDR_VM_ARG_MEM_RO:
		case CGADDR_VM_ARG_MEM_RW:
		case CGADDR_VM_ARG_MAP_KEY:
		case CGADDR_VM_ARG_MAP_VALUE:
		case CGADDR_VM_ARG_MAP_VALUE_OR_NULL:
			if (kind == CGADDR_VM_ARG_MEM_RO || kind == CGADDR_VM_ARG_MEM_RW) {
				if (a < 4 && s->r[2 + a].kind == AV_CONST)
					size = s->r[2 + a].val;
			} else if (map >= 0) {
				size = kind == CGADDR_VM_ARG_MAP_KEY ? l->prog->maps[map].key_size :
								       l->prog->maps[map].value_size;
			}
			if (v.kind == AV_STACK) {
				if (size < 0) {
					vm_escape(l, pc);
					break;
				}
				if (emit && ((s64)v.val < -CGADDR_VM_STACK_SIZE || v.val + size > 0))
					return vm_err(l, pc,
						      "func %s#%u arg%d: invalid stack memory at offset %d (size %lld)",
						      h->name, h->id, a + 1, v.val, (long long)size);
				vm_depth(l, pc, v.val);
			} else if (emit && (v.kind == AV_CTX || v.kind == AV_SK || v.kind == AV_MAPH) &&
				   !(kind == CGADDR_VM_ARG_MAP_VALUE_OR_NULL && v.kind == AV_CONST)) {
				return vm_arg_err(l, pc, h, a, "memory");
			}
			break;
		default:
			if (v.kind == AV_STACK)
				vm_escape(l, pc);
		}
	}
	for (r = 0; r <= 5; r++)
		s->r[r] = av_unk();
	return 0;
}

/* ---- one instruction: transfer, checks, specialisation ---------------- */

static int vm_step(struct vm_loader *l, u32 pc, struct vm_as *s, bool emit)
{
	struct vm_op *op = &l->prog->ops[pc];
	struct cgaddr_vm_prog *prog = l->prog;
	int r;

	if (vm_alu(op->code)) {
		vm_step_alu(l, pc, s, op);
		return 0;
	}
	switch (op->code) {
	case VM_OP_NOP:
		return 0;
	case VM_OP_ZEXT16 ... VM_OP_BSWAP64:
		if (s->r[op->dst].kind == AV_STACK)
			vm_escape(l, pc);
		s->r[op->dst] = av_unk();
		return 0;
	case VM_OP_LDDW: {
		u64 v = op->imm;
		u32 id = (u32)(v >> 32);

		if (l->insn[pc].src_reg == 0)
			s->r[op->dst] = av_mk(AV_CONST, 0, (s64)v);
		else if (id >= VM_RGN_MAP0)
			s->r[op->dst] = av_mk(AV_MAPH, (u8)(id - VM_RGN_MAP0), 0);
		else
			s->r[op->dst] = av_mk(AV_DATA, (u8)(id - VM_RGN_DATA0), (u32)v);
		return 0;
	}
	case VM_OP_LDX_B ... VM_OP_LDX_DW:
		return vm_emit_mem(l, pc, s, op, M_LD, emit);
	case VM_OP_LDXSX_B ... VM_OP_LDXSX_W:
		return vm_emit_mem(l, pc, s, op, M_LDSX, emit);
	case VM_OP_ST_B ... VM_OP_ST_DW:
		return vm_emit_mem(l, pc, s, op, M_ST, emit);
	case VM_OP_STX_B ... VM_OP_STX_DW:
		return vm_emit_mem(l, pc, s, op, M_STX, emit);
	case VM_OP_ATOMIC:
		return vm_emit_mem(l, pc, s, op, M_ATOMIC, emit);
	case VM_OP_CALL:
		return vm_emit_call(l, pc, s, op, emit);
	case VM_OP_CALL_LOCAL:
		for (r = 1; r <= 5; r++)
			if (s->r[r].kind == AV_STACK)
				vm_escape(l, pc);
		/* The successor state is the caller's, after the return. */
		return 0;
	case VM_OP_EXIT: {
		struct vm_av r0 = s->r[0];

		if (!emit)
			return 0;
		if (l->fidx[pc] != 0) {
			op->code = VM_OP_RET;
			return 0;
		}
		if (l->raw)
			return 0;
		if (r0.kind == AV_CONST) {
			if (r0.val < 0 || (u32)r0.val < prog->retmin || (u32)r0.val > prog->retmax)
				return vm_err(l, pc, "return value %d outside [%u, %u] for attach type %s",
					      r0.val, prog->retmin, prog->retmax, vm_tname(l));
			return 0;
		}
		if (r0.kind != AV_UNK)
			return vm_err(l, pc, "return value is a pointer");
		op->code = VM_OP_EXIT_CHECK;
		return 0;
	}
	}
	return 0;	/* jumps change no register */
}

/* ---- the analysis ----------------------------------------------------------- */

static void vm_push(struct vm_loader *l, u32 lead)
{
	if (l->inwork[lead])
		return;
	l->inwork[lead] = 1;
	l->work[l->nwork++] = lead;
}

static void vm_join(struct vm_loader *l, u32 pc, const struct vm_as *s)
{
	u32 lead = l->lidx[pc];
	struct vm_as *d = &l->lstate[lead];
	bool changed = false;
	int r;

	if (!l->lvis[lead]) {
		*d = *s;
		l->lvis[lead] = 1;
		vm_push(l, lead);
		return;
	}
	for (r = 0; r < 10; r++) {
		if (av_eq(&d->r[r], &s->r[r]))
			continue;
		if (d->r[r].kind == AV_STACK || s->r[r].kind == AV_STACK)
			vm_escape(l, pc);
		if (d->r[r].kind != AV_UNK) {
			d->r[r] = av_unk();
			changed = true;
		}
	}
	if (changed)
		vm_push(l, lead);
}

/* Walk the block at leader @lead; in analysis mode feed its successors. */
static int vm_block(struct vm_loader *l, u32 lead, bool emit)
{
	struct vm_as s;
	u32 pc = l->leaders[lead];
	int r, err;

	if (l->lvis[lead]) {
		s = l->lstate[lead];
	} else {
		for (r = 0; r < 10; r++)
			s.r[r] = av_unk();
	}
	for (;;) {
		const struct vm_op *op = &l->prog->ops[pc];
		u32 next = pc + (is_lddw(&l->insn[pc]) ? 2 : 1);

		if (!emit && op->code == VM_OP_CALL_LOCAL) {
			struct vm_as cs;

			cs.r[0] = av_unk();
			for (r = 1; r <= 5; r++)
				cs.r[r] = s.r[r].kind == AV_STACK ? av_unk() : s.r[r];
			for (r = 6; r < 10; r++)
				cs.r[r] = av_unk();
			vm_join(l, op->off, &cs);
		}
		err = vm_step(l, pc, &s, emit);
		if (err)
			return err;
		if (op->code == VM_OP_CALL_LOCAL) {
			for (r = 0; r <= 5; r++)
				s.r[r] = av_unk();
		}
		if (op->code == VM_OP_EXIT || op->code == VM_OP_RET ||
		    op->code == VM_OP_EXIT_CHECK)
			return 0;
		if (vm_is_jump(op->code)) {
			if (!emit) {
				vm_join(l, op->off, &s);
				if (op->aux)
					vm_join(l, (s32)op->imm, &s);
				if (op->code != VM_OP_JA)
					vm_join(l, pc + 1, &s);
			}
			return 0;
		}
		if (next >= l->n)
			return 0;	/* unreachable: vm_flow checked */
		if (l->iflags[next] & IF_LEADER) {
			if (!emit)
				vm_join(l, next, &s);
			return 0;
		}
		pc = next;
	}
}

static int vm_analyse(struct vm_loader *l)
{
	struct cgaddr_vm_prog *prog = l->prog;
	struct vm_as s;
	u32 pc, i;
	int r, err;

	for (pc = 0; pc < l->n; pc++)
		if (l->iflags[pc] & IF_LEADER)
			l->nleaders++;
	l->leaders = vm_zalloc(l->nleaders * sizeof(u32));
	l->lstate = vm_zalloc(l->nleaders * sizeof(struct vm_as));
	l->lvis = vm_zalloc(l->nleaders);
	l->work = vm_zalloc(l->nleaders * sizeof(u32));
	l->inwork = vm_zalloc(l->nleaders);
	if (!l->leaders || !l->lstate || !l->lvis || !l->work || !l->inwork)
		return -ENOMEM;
	for (pc = 0, i = 0; pc < l->n; pc++) {
		if (l->iflags[pc] & IF_LEADER) {
			l->lidx[pc] = i;
			l->leaders[i++] = pc;
		}
	}

	/* Entry: r1 the context, the other registers zero. */
	for (r = 0; r < 10; r++)
		s.r[r] = av_mk(AV_CONST, 0, 0);
	if (l->raw) {
		s.r[1] = av_unk();
		s.r[2] = av_unk();
	} else {
		s.r[1] = av_mk(AV_CTX, 0, 0);
	}
	vm_join(l, 0, &s);
	while (l->nwork) {
		u32 lead = l->work[--l->nwork];

		l->inwork[lead] = 0;
		vm_block(l, lead, false);
	}

	for (i = 0; i < l->nleaders; i++) {
		err = vm_block(l, i, true);
		if (err)
			return err;
	}

	for (i = 0; i < l->nfuncs; i++) {
		struct vm_func *fn = &l->funcs[i];

		fn->depth = fn->escape ? CGADDR_VM_STACK_SIZE : (fn->depth + 7) & ~7U;
	}
	prog->depth0 = l->funcs[0].depth;
	for (pc = 0; pc < l->n; pc++) {
		struct vm_op *op = &prog->ops[pc];

		if (!(l->iflags[pc] & IF_SLOT2) && op->code == VM_OP_CALL_LOCAL)
			op->imm = l->funcs[l->fidx[op->off]].depth;
	}
	return 0;
}

/* ---- the API -------------------------------------------------------------- */

static void vm_loader_free(struct vm_loader *l)
{
	vm_free(l->iflags);
	vm_free(l->lidx);
	vm_free(l->fidx);
	vm_free(l->leaders);
	vm_free(l->lstate);
	vm_free(l->lvis);
	vm_free(l->work);
	vm_free(l->inwork);
	vm_free(l->funcs);
	vm_free(l);
}

void cgaddr_vm_free(struct cgaddr_vm_prog *prog)
{
	u32 i;

	if (!prog)
		return;
	for (i = 0; i < prog->ndata; i++)
		vm_free(prog->data[i].buf);
	vm_free(prog->ops);
	vm_free(prog->rem);
	vm_free(prog);
}

static int vm_prepare(struct vm_loader *l)
{
	const struct cgaddr_vm_load_attr *attr = l->attr;
	struct cgaddr_vm_prog *prog = l->prog;
	u32 n = attr->insn_cnt, i, pc;
	int err;

	if (attr->flags & ~(CGADDR_VM_F_LARGE | CGADDR_VM_F_RAW))
		return vm_err(l, -1, "invalid flags 0x%x", attr->flags);
	if (!n || !attr->insns)
		return vm_err(l, -1, "program is empty");
	if (n > (attr->flags & CGADDR_VM_F_LARGE ? CGADDR_VM_MAX_INSNS_LARGE :
						    CGADDR_VM_MAX_INSNS)) {
		vm_err(l, -1, "program too large: %u instructions (limit %u)", n,
		       attr->flags & CGADDR_VM_F_LARGE ? CGADDR_VM_MAX_INSNS_LARGE :
							 CGADDR_VM_MAX_INSNS);
		return -E2BIG;
	}
	if (!l->raw && !cgaddr_vm_type_supported(attr->attach_type))
		return vm_err(l, -1, "unsupported attach type %u", attr->attach_type);
	if (attr->ndata > CGADDR_VM_MAX_DATA || (attr->ndata && !attr->data))
		return vm_err(l, -1, "too many data sections: %u (limit %u)", attr->ndata,
			      CGADDR_VM_MAX_DATA);
	if (attr->nmaps > CGADDR_VM_MAX_MAPS || (attr->nmaps && !attr->maps))
		return vm_err(l, -1, "too many maps: %u (limit %u)", attr->nmaps,
			      CGADDR_VM_MAX_MAPS);

	prog->insn_cnt = n;
	prog->flags = attr->flags;
	prog->attach_type = attr->attach_type;
	prog->type_idx = l->raw ? -1 : cgaddr_vm_type_index(attr->attach_type);
	if (!l->raw)
		cgaddr_vm_type_retval(attr->attach_type, &prog->retmin, &prog->retmax);
	for (i = 0; i < attr->ndata; i++) {
		const struct cgaddr_vm_data *d = &attr->data[i];

		if (!d->len || d->len > (1U << 30))
			return vm_err(l, -1, "data section %u has invalid size %u", i, d->len);
		prog->data[i].buf = vm_zalloc(d->len);
		if (!prog->data[i].buf)
			return -ENOMEM;
		prog->ndata = i + 1;
		if (d->bytes)
			memcpy(prog->data[i].buf, d->bytes, d->len);
		prog->data[i].len = d->len;
		prog->data[i].flags = d->flags & CGADDR_VM_DATA_RDONLY;
	}
	for (i = 0; i < attr->nmaps; i++)
		prog->maps[i] = attr->maps[i];
	prog->nmaps = attr->nmaps;

	prog->ops = vm_zalloc((size_t)n * sizeof(struct vm_op));
	prog->rem = vm_zalloc((size_t)n * sizeof(u32));
	l->iflags = vm_zalloc(n);
	l->lidx = vm_zalloc((size_t)n * sizeof(u32));
	l->fidx = vm_zalloc((size_t)n * sizeof(u32));
	if (!prog->ops || !prog->rem || !l->iflags || !l->lidx || !l->fidx)
		return -ENOMEM;
	l->insn = attr->insns;
	l->n = n;

	for (pc = 0; pc < n; pc++) {
		if (l->iflags[pc] & IF_SLOT2)
			continue;
		err = vm_decode(l, pc);
		if (err)
			return err;
	}
	err = vm_flow(l);
	if (err)
		return err;
	vm_costs(l);
	return vm_analyse(l);
}

int cgaddr_vm_load(const struct cgaddr_vm_load_attr *attr, struct cgaddr_vm_prog **progp,
		   struct cgaddr_vm_error *err)
{
	struct vm_loader *l;
	int ret;

	if (err) {
		err->insn = -1;
		err->msg[0] = '\0';
	}
	l = vm_zalloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->attr = attr;
	l->err = err;
	l->raw = attr->flags & CGADDR_VM_F_RAW;
	l->prog = vm_zalloc(sizeof(*l->prog));
	if (!l->prog) {
		vm_free(l);
		return -ENOMEM;
	}
	ret = vm_prepare(l);
	if (ret == -ENOMEM && err && !err->msg[0])
		vm_err(l, -1, "out of memory");
	if (ret)
		cgaddr_vm_free(l->prog);
	else
		*progp = l->prog;
	vm_loader_free(l);
	return ret;
}

u32 cgaddr_vm_prog_attach_type(const struct cgaddr_vm_prog *prog)
{
	return prog->attach_type;
}

bool cgaddr_vm_prog_checked_loads(const struct cgaddr_vm_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->insn_cnt; i++) {
		u8 c = prog->ops[i].code;

		if ((c >= VM_OP_LDX_B && c <= VM_OP_LDXSX_W) || c == VM_OP_ATOMIC)
			return true;
	}
	return false;
}

u32 cgaddr_vm_prog_insn_cnt(const struct cgaddr_vm_prog *prog)
{
	return prog->insn_cnt;
}

void *cgaddr_vm_prog_data(const struct cgaddr_vm_prog *prog, u32 i, u32 *len)
{
	if (i >= prog->ndata)
		return NULL;
	if (len)
		*len = prog->data[i].len;
	return prog->data[i].buf;
}
