// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter.  Dispatch is a computed goto over the pre-decoded
 * ops, as in the kernel's own interpreter; unlike it, every access the
 * loader could not prove goes through a checked slow path, and the
 * instruction budget is charged per run of straight-line code, at the
 * jump or call that enters it.
 *
 * All per-run state lives in the caller's scratch area: the frames'
 * stacks first, then struct vm_state.
 */
#include "vm_internal.h"

_Static_assert(VM_STACK_AREA + sizeof(struct vm_state) <= CGADDR_VM_SCRATCH_SIZE,
	       "CGADDR_VM_SCRATCH_SIZE too small");

#define VM_UNWIND	(-1)	/* F_RAW helper 5 returned 0: stop, r0 = 0 */

static const char *const vm_fault_names[CGADDR_VM_NFAULTS] = {
	[CGADDR_VM_OK] = "ok",
	[CGADDR_VM_FAULT_MEM] = "access outside every region",
	[CGADDR_VM_FAULT_BOUNDS] = "out-of-bounds access",
	[CGADDR_VM_FAULT_RDONLY] = "write to read-only memory",
	[CGADDR_VM_FAULT_CTX] = "context or socket access not allowed",
	[CGADDR_VM_FAULT_ATOMIC] = "atomic operation not allowed here",
	[CGADDR_VM_FAULT_ALIGN] = "misaligned atomic access",
	[CGADDR_VM_FAULT_BUDGET] = "instruction budget exhausted",
	[CGADDR_VM_FAULT_DEPTH] = "call depth exceeded",
	[CGADDR_VM_FAULT_HELPER_ARG] = "invalid helper argument",
	[CGADDR_VM_FAULT_HELPER] = "helper failed",
	[CGADDR_VM_FAULT_RETVAL] = "return value out of range",
	[CGADDR_VM_FAULT_NO_SK] = "no socket for ctx->sk",
	[CGADDR_VM_FAULT_REGIONS] = "too many helper-returned regions",
	[CGADDR_VM_FAULT_REF_LEAK] = "exited holding a socket reference",
	[CGADDR_VM_FAULT_ARGS] = "invalid run arguments",
};

const char *cgaddr_vm_fault_str(int fault)
{
	if (fault < 0 || fault >= CGADDR_VM_NFAULTS)
		return "unknown fault";
	return vm_fault_names[fault];
}

/* ---- memory --------------------------------------------------------- */

static __always_inline u64 vm_ld(const u8 *p, u32 size)
{
	u8 b;
	u16 h;
	u32 w;
	u64 d;

	switch (size) {
	case 1:
		__builtin_memcpy(&b, p, 1);
		return b;
	case 2:
		__builtin_memcpy(&h, p, 2);
		return h;
	case 4:
		__builtin_memcpy(&w, p, 4);
		return w;
	default:
		__builtin_memcpy(&d, p, 8);
		return d;
	}
}

static __always_inline void vm_st(u8 *p, u32 size, u64 v)
{
	u8 b = (u8)v;
	u16 h = (u16)v;
	u32 w = (u32)v;

	switch (size) {
	case 1:
		__builtin_memcpy(p, &b, 1);
		break;
	case 2:
		__builtin_memcpy(p, &h, 2);
		break;
	case 4:
		__builtin_memcpy(p, &w, 4);
		break;
	default:
		__builtin_memcpy(p, &v, 8);
	}
}

static bool vm_raw(const struct vm_state *st)
{
	return st->prog->type_idx < 0;
}

/* The dynamic region of @id, or NULL. */
static struct vm_dyn *vm_dyn(struct vm_state *st, u32 id)
{
	if (id < VM_RGN_DYN0 || id - VM_RGN_DYN0 >= st->ndyn)
		return NULL;
	return &st->dyn[id - VM_RGN_DYN0];
}

/*
 * Translate [addr, addr + size) of a plain region (stack, data, map
 * value, F_RAW memory) into a host pointer.  Offsets and sizes are
 * below 2^32, so the sums cannot wrap.
 */
static int vm_region(struct vm_state *st, u64 addr, u64 size, bool write, u8 **hostp)
{
	u32 id = (u32)(addr >> 32), off = (u32)addr;
	const struct cgaddr_vm_prog *prog = st->prog;
	struct vm_dyn *r;

	if (size > 0xffffffffULL)
		return CGADDR_VM_FAULT_BOUNDS;
	if (id == VM_RGN_STACK) {
		if (addr < st->stack_lo || off + size > VM_STACK_AREA)
			return CGADDR_VM_FAULT_BOUNDS;
		*hostp = st->stack + off;
		return 0;
	}
	if (id >= VM_RGN_DATA0 && id - VM_RGN_DATA0 < prog->ndata) {
		const struct vm_data *d = &prog->data[id - VM_RGN_DATA0];

		if (off + size > d->len)
			return CGADDR_VM_FAULT_BOUNDS;
		if (write && (d->flags & CGADDR_VM_DATA_RDONLY))
			return CGADDR_VM_FAULT_RDONLY;
		*hostp = d->buf + off;
		return 0;
	}
	r = vm_dyn(st, id);
	if (r) {
		if (r->flags & CGADDR_VM_R_SOCK)
			return CGADDR_VM_FAULT_CTX;
		if (off + size > r->len)
			return CGADDR_VM_FAULT_BOUNDS;
		if (write && !(r->flags & CGADDR_VM_R_WRITE))
			return CGADDR_VM_FAULT_RDONLY;
		*hostp = r->host + off;
		return 0;
	}
	if (id == VM_RGN_CTX && vm_raw(st)) {
		if (off + size > st->ctx_len)
			return CGADDR_VM_FAULT_BOUNDS;
		*hostp = st->ctx + off;
		return 0;
	}
	return CGADDR_VM_FAULT_MEM;
}

int vm_region_read(struct vm_state *st, u64 addr, u64 size, const u8 **p)
{
	u8 *hp;
	int e = vm_region(st, addr, size, false, &hp);

	*p = hp;
	return e;
}

/* The ctx->sk view, asked from the caller at the first use in a run. */
static int vm_get_sk(struct vm_state *st)
{
	if (st->sk_state == 1)
		return 0;
	if (st->sk_state == 2 || vm_raw(st))
		return CGADDR_VM_FAULT_NO_SK;
	st->sk_state = 2;
	memset(&st->sk, 0, sizeof(st->sk));
	if (!st->ops || !st->ops->sk_view || st->ops->sk_view(st->env, &st->sk) ||
	    !st->sk.host || st->sk.len < CGADDR_VM_SK_SIZE)
		return CGADDR_VM_FAULT_NO_SK;
	st->sk_state = 1;
	return 0;
}

static int vm_acc_fault(int e)
{
	return e == VM_ACC_E_RDONLY ? CGADDR_VM_FAULT_RDONLY : CGADDR_VM_FAULT_CTX;
}

/*
 * A socket view access: ctx->sk or a socket a helper returned, under
 * bpf_sock_is_valid_access()'s rules.  1 if @addr is not a socket.
 */
static int vm_sock_access(struct vm_state *st, u64 addr, u32 size, bool write,
			  const u8 **p, u32 *hsize)
{
	u32 id = (u32)(addr >> 32);
	struct vm_dyn *r = vm_dyn(st, id);
	struct vm_acc acc;
	const u8 *base;
	int e;

	if (id == VM_RGN_SK && !vm_raw(st)) {
		e = vm_sk_access((u32)addr, size, write, &acc);
		if (e)
			return vm_acc_fault(e);
		e = vm_get_sk(st);
		if (e)
			return e;
		base = st->sk.host;
	} else if (r && (r->flags & CGADDR_VM_R_SOCK)) {
		e = vm_sk_access((u32)addr, size, write, &acc);
		if (e)
			return vm_acc_fault(e);
		if (r->len < CGADDR_VM_SK_SIZE)
			return CGADDR_VM_FAULT_BOUNDS;	/* released */
		base = r->host;
	} else {
		return 1;
	}
	*p = base + acc.host_off;
	*hsize = acc.host_size;
	return 0;
}

static noinline int vm_load(struct vm_state *st, u64 addr, u32 size, u64 *val)
{
	u32 id = (u32)(addr >> 32);
	struct vm_acc acc;
	const u8 *p;
	u8 *hp;
	int e;

	if (id == VM_RGN_CTX && !vm_raw(st)) {
		e = vm_ctx_access(st->prog->type_idx, (u32)addr, size, false, &acc);
		if (e)
			return vm_acc_fault(e);
		if (acc.kind != VM_ACC_MEM) {
			*val = acc.kind == VM_ACC_SKPTR ? CGADDR_VM_SK_BASE : 0;
			return 0;
		}
		*val = vm_ld(st->ctx + acc.host_off, acc.host_size);
		return 0;
	}
	e = vm_sock_access(st, addr, size, false, &p, &size);
	if (e == 1) {
		e = vm_region(st, addr, size, false, &hp);
		p = hp;
	}
	if (e)
		return e;
	*val = vm_ld(p, size);
	return 0;
}

static noinline int vm_store(struct vm_state *st, u64 addr, u32 size, u64 val)
{
	u32 id = (u32)(addr >> 32);
	struct vm_acc acc;
	const u8 *p;
	u8 *hp;
	int e;

	if (id == VM_RGN_CTX && !vm_raw(st)) {
		e = vm_ctx_access(st->prog->type_idx, (u32)addr, size, true, &acc);
		if (e)
			return vm_acc_fault(e);
		vm_st(st->ctx + acc.host_off, acc.host_size, val);
		return 0;
	}
	e = vm_sock_access(st, addr, size, true, &p, &size);
	if (e != 1)
		return e ? e : CGADDR_VM_FAULT_RDONLY;
	e = vm_region(st, addr, size, true, &hp);
	if (e)
		return e;
	vm_st(hp, size, val);
	return 0;
}

static noinline int vm_atomic(struct vm_state *st, const struct vm_op *op, u64 *reg)
{
	bool acq = op->imm == BPF_LOAD_ACQ;
	u64 addr = reg[acq ? op->src : op->dst] + (s64)op->off;
	u32 id = (u32)(addr >> 32), size = op->aux;
	u64 v = reg[op->src], old = 0;
	struct vm_dyn *r = vm_dyn(st, id);
	u8 *p;
	int e;

	if (((id == VM_RGN_CTX || id == VM_RGN_SK) && !vm_raw(st)) ||
	    (r && (r->flags & CGADDR_VM_R_SOCK)))
		return CGADDR_VM_FAULT_ATOMIC;
	e = vm_region(st, addr, size, !acq, &p);
	if (e)
		return e;
	/* Misaligned locked operations would split cache lines. */
	if ((uintptr_t)p & (size - 1))
		return CGADDR_VM_FAULT_ALIGN;

	if (acq) {
		switch (size) {
		case 1:
			reg[op->dst] = __atomic_load_n(p, __ATOMIC_ACQUIRE);
			break;
		case 2:
			reg[op->dst] = __atomic_load_n((u16 *)p, __ATOMIC_ACQUIRE);
			break;
		case 4:
			reg[op->dst] = __atomic_load_n((u32 *)p, __ATOMIC_ACQUIRE);
			break;
		default:
			reg[op->dst] = __atomic_load_n((u64 *)p, __ATOMIC_ACQUIRE);
		}
		return 0;
	}
	if (op->imm == BPF_STORE_REL) {
		switch (size) {
		case 1:
			__atomic_store_n(p, (u8)v, __ATOMIC_RELEASE);
			break;
		case 2:
			__atomic_store_n((u16 *)p, (u16)v, __ATOMIC_RELEASE);
			break;
		case 4:
			__atomic_store_n((u32 *)p, (u32)v, __ATOMIC_RELEASE);
			break;
		default:
			__atomic_store_n((u64 *)p, v, __ATOMIC_RELEASE);
		}
		return 0;
	}
	if (size == 4) {
		u32 *q = (u32 *)p, w = (u32)v, exp = (u32)reg[0];

		switch (op->imm & ~BPF_FETCH) {
		case BPF_ADD:
			old = __atomic_fetch_add(q, w, __ATOMIC_SEQ_CST);
			break;
		case BPF_OR:
			old = __atomic_fetch_or(q, w, __ATOMIC_SEQ_CST);
			break;
		case BPF_AND:
			old = __atomic_fetch_and(q, w, __ATOMIC_SEQ_CST);
			break;
		case BPF_XOR:
			old = __atomic_fetch_xor(q, w, __ATOMIC_SEQ_CST);
			break;
		case BPF_XCHG & ~BPF_FETCH:
			old = __atomic_exchange_n(q, w, __ATOMIC_SEQ_CST);
			break;
		default:	/* BPF_CMPXCHG */
			__atomic_compare_exchange_n(q, &exp, w, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
			reg[0] = exp;
			return 0;
		}
	} else {
		u64 *q = (u64 *)p, exp = reg[0];

		switch (op->imm & ~BPF_FETCH) {
		case BPF_ADD:
			old = __atomic_fetch_add(q, v, __ATOMIC_SEQ_CST);
			break;
		case BPF_OR:
			old = __atomic_fetch_or(q, v, __ATOMIC_SEQ_CST);
			break;
		case BPF_AND:
			old = __atomic_fetch_and(q, v, __ATOMIC_SEQ_CST);
			break;
		case BPF_XOR:
			old = __atomic_fetch_xor(q, v, __ATOMIC_SEQ_CST);
			break;
		case BPF_XCHG & ~BPF_FETCH:
			old = __atomic_exchange_n(q, v, __ATOMIC_SEQ_CST);
			break;
		default:
			__atomic_compare_exchange_n(q, &exp, v, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
			reg[0] = exp;
			return 0;
		}
	}
	if (op->imm & BPF_FETCH)
		reg[op->src] = old;
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

/* Hand a helper-returned region to the program as a fresh virtual base. */
static int vm_dyn_add(struct vm_state *st, const struct cgaddr_vm_region *rg, bool sock,
		      u64 *vaddr)
{
	u32 flags = (rg->flags & (CGADDR_VM_R_WRITE | CGADDR_VM_R_REF)) |
		    (sock ? CGADDR_VM_R_SOCK : 0);
	struct vm_dyn *r;
	u32 i;

	if (sock)
		flags &= ~CGADDR_VM_R_WRITE;
	/* The same value twice is the same pointer, as natively. */
	for (i = 0; i < st->ndyn && !(flags & CGADDR_VM_R_REF); i++) {
		r = &st->dyn[i];
		if (r->host == rg->host && r->len == rg->len && r->flags == flags) {
			*vaddr = CGADDR_VM_DYN_BASE(i);
			return 0;
		}
	}
	if (st->ndyn == CGADDR_VM_MAX_DYN || (sock && rg->len < CGADDR_VM_SK_SIZE)) {
		if ((flags & CGADDR_VM_R_REF) && st->ops->put) {
			struct cgaddr_vm_region tmp = *rg;

			st->ops->put(st->env, &tmp);
		}
		return st->ndyn == CGADDR_VM_MAX_DYN ? CGADDR_VM_FAULT_REGIONS :
						       CGADDR_VM_FAULT_HELPER;
	}
	r = &st->dyn[st->ndyn];
	r->host = rg->host;
	r->len = rg->len;
	r->flags = flags;
	r->obj = rg->obj;
	*vaddr = CGADDR_VM_DYN_BASE(st->ndyn);
	st->ndyn++;
	return 0;
}

/* A SOCK argument: ctx->sk or a helper-returned socket, at offset 0. */
static int vm_sock_arg(struct vm_state *st, u64 v, u64 *obj, struct vm_dyn **rp)
{
	struct vm_dyn *r = vm_dyn(st, (u32)(v >> 32));
	int e;

	*rp = NULL;
	if (v == CGADDR_VM_SK_BASE && !vm_raw(st)) {
		e = vm_get_sk(st);
		if (e)
			return e;
		*obj = (u64)(uintptr_t)st->sk.obj;
		return 0;
	}
	if (!r || (u32)v || !(r->flags & CGADDR_VM_R_SOCK) || r->len < CGADDR_VM_SK_SIZE)
		return CGADDR_VM_FAULT_HELPER_ARG;
	*obj = (u64)(uintptr_t)r->obj;
	*rp = r;
	return 0;
}

#define VM_FUNC_SK_RELEASE	86

static noinline int vm_call(struct vm_state *st, const struct vm_op *op, u64 *reg)
{
	const struct cgaddr_vm_helper *h = (const void *)(uintptr_t)op->imm;
	const struct cgaddr_vm_map *map = NULL;
	struct vm_dyn *released = NULL;
	struct cgaddr_vm_hcall c;
	int a, e;

	if (vm_raw(st)) {
		reg[0] = reg[1];
		return reg[0] ? 0 : VM_UNWIND;
	}
	memset(&c, 0, sizeof(c));
	c.id = h->id;
	for (a = 0; a < 5 && h->arg[a] != CGADDR_VM_ARG_NONE; a++) {
		u64 v = reg[1 + a], size;
		u8 *p = NULL;

		switch (h->arg[a]) {
		case CGADDR_VM_ARG_CTX_OR_NULL:
			if (!v)
				break;
			fallthrough;
		case CGADDR_VM_ARG_CTX:
			if (v != CGADDR_VM_CTX_BASE)
				return CGADDR_VM_FAULT_HELPER_ARG;
			p = st->ctx;
			break;
		case CGADDR_VM_ARG_MEM_RO:
		case CGADDR_VM_ARG_MEM_RW:
			size = reg[2 + a];
			if (!size) {
				if (h->arg[a + 1] != CGADDR_VM_ARG_SIZE0)
					return CGADDR_VM_FAULT_HELPER_ARG;
				break;
			}
			if (vm_region(st, v, size, h->arg[a] == CGADDR_VM_ARG_MEM_RW, &p))
				return CGADDR_VM_FAULT_HELPER_ARG;
			break;
		case CGADDR_VM_ARG_MAP:
			if ((u32)v || (v >> 32) < VM_RGN_MAP0 ||
			    (v >> 32) - VM_RGN_MAP0 >= st->prog->nmaps)
				return CGADDR_VM_FAULT_HELPER_ARG;
			map = &st->prog->maps[(v >> 32) - VM_RGN_MAP0];
			c.map = map;
			c.arg[a] = (u64)(uintptr_t)map->obj;
			continue;
		case CGADDR_VM_ARG_MAP_VALUE_OR_NULL:
			if (!v)
				break;
			fallthrough;
		case CGADDR_VM_ARG_MAP_KEY:
		case CGADDR_VM_ARG_MAP_VALUE:
			if (!map)
				return CGADDR_VM_FAULT_HELPER_ARG;
			size = h->arg[a] == CGADDR_VM_ARG_MAP_KEY ? map->key_size : map->value_size;
			if (vm_region(st, v, size, false, &p))
				return CGADDR_VM_FAULT_HELPER_ARG;
			break;
		case CGADDR_VM_ARG_SOCK:
			e = vm_sock_arg(st, v, &c.arg[a], &released);
			if (e)
				return e;
			continue;
		default:	/* ANY, SIZE */
			c.arg[a] = v;
			continue;
		}
		c.arg[a] = (u64)(uintptr_t)p;
	}
	/* Only a reference the program got from a helper can be released. */
	if (h->id == VM_FUNC_SK_RELEASE &&
	    (!released || !(released->flags & CGADDR_VM_R_REF)))
		return CGADDR_VM_FAULT_HELPER_ARG;
	if (h->id == VM_FUNC_TRACE_PRINTK) {
		u32 would;

		/* A format the kernel refuses is the program's error, not a fault. */
		if (vm_printk(st, (const char *)(uintptr_t)c.arg[0], (u32)c.arg[1], &c.arg[2],
			      st->text, sizeof(st->text), &would)) {
			reg[0] = (u64)-EINVAL;
			return 0;
		}
		c.arg[0] = (u64)(uintptr_t)st->text;
		c.arg[1] = strlen(st->text);
		c.ret = would;
	}
	if (!st->ops || !st->ops->call || st->ops->call(st->env, &c))
		return CGADDR_VM_FAULT_HELPER;
	if (h->id == VM_FUNC_SK_RELEASE) {
		released->flags &= ~CGADDR_VM_R_REF;
		released->len = 0;
	}
	switch (h->ret) {
	case CGADDR_VM_RET_INT:
		reg[0] = c.ret;
		return 0;
	case CGADDR_VM_RET_VOID:
		reg[0] = 0;
		return 0;
	}
	if (!c.region.host) {
		reg[0] = 0;
		return 0;
	}
	return vm_dyn_add(st, &c.region, h->ret == CGADDR_VM_RET_SOCK_OR_NULL, &reg[0]);
}

/* Drop the references still held at the end of a run. */
static int vm_put_refs(struct vm_state *st)
{
	int leaked = 0;
	u32 i;

	for (i = 0; i < st->ndyn; i++) {
		struct vm_dyn *r = &st->dyn[i];
		struct cgaddr_vm_region rg;

		if (!(r->flags & CGADDR_VM_R_REF))
			continue;
		leaked = 1;
		rg.host = r->host;
		rg.len = r->len;
		rg.flags = r->flags;
		rg.obj = r->obj;
		if (st->ops && st->ops->put)
			st->ops->put(st->env, &rg);
		r->flags &= ~CGADDR_VM_R_REF;
	}
	return leaked;
}

/* ---- the loop ---------------------------------------------------------------- */

#define VM_LBL(n) [VM_OP_##n] = &&L_##n,

#define DST	reg[op->dst]
#define SRC	reg[op->src]
#define IMM	op->imm
#define DISPATCH() goto *jt[op->code]
#define NEXT() do { op++; DISPATCH(); } while (0)
#define TRY(e) do { f = (e); if (unlikely(f)) goto fault; } while (0)
/*
 * Charge a run of @c instructions: one subtraction and one branch.  On
 * exhaustion, give back what was not executed so insn_cnt stays exact.
 */
#define CHARGE(c) do {							\
	u64 c_ = (c);							\
	if (unlikely(__builtin_sub_overflow(left, c_, &left))) {	\
		left += c_;						\
		goto f_budget;						\
	}								\
} while (0)
/*
 * reg[0] read where gcc's GCSE cannot hoist it: otherwise it loads r0
 * into a register at every dispatch, for the handful of handlers that
 * use it (EXIT).
 */
#define R0 (*(volatile u64 *)&reg[0])
/* Jump targets are instruction indexes. */
#define TARGET(i) (ops + (i))

/* dst = a OP b, for the 64- and 32-bit, K and X forms. */
#define ALU(N, EXPR)							\
	L_##N##64_K: { u64 a = DST, b = IMM; DST = (EXPR); NEXT(); }	\
	L_##N##64_X: { u64 a = DST, b = SRC; DST = (EXPR); NEXT(); }	\
	L_##N##32_K: { u32 a = (u32)DST, b = (u32)IMM; DST = (u32)(EXPR); NEXT(); } \
	L_##N##32_X: { u32 a = (u32)DST, b = (u32)SRC; DST = (u32)(EXPR); NEXT(); }

#define BRANCH(cond) do {						\
	if (cond) {							\
		CHARGE(op->cost);					\
		op = TARGET(op->off);					\
	} else {							\
		CHARGE(op->cost2);					\
		op++;							\
	}								\
	DISPATCH();							\
} while (0)

#define JMP(N, C64, C32)						\
	L_##N##64_K: { u64 a = DST, b = IMM; BRANCH(C64); }		\
	L_##N##64_X: { u64 a = DST, b = SRC; BRANCH(C64); }		\
	L_##N##32_K: { u32 a = (u32)DST, b = (u32)IMM; BRANCH(C32); }	\
	L_##N##32_X: { u32 a = (u32)DST, b = (u32)SRC; BRANCH(C32); }

#define MEM(P, S, T)							\
	L_LDX_STK_##S: DST = vm_ld(fp + op->off, T); NEXT();		\
	L_ST_STK_##S: vm_st(fp + op->off, T, IMM); NEXT();		\
	L_STX_STK_##S: vm_st(fp + op->off, T, SRC); NEXT();		\
	L_LDX_CTX_##S: DST = vm_ld(ctx + op->off, T); NEXT();		\
	L_ST_CTX_##S: vm_st(ctx + op->off, T, IMM); NEXT();		\
	L_STX_CTX_##S: vm_st(ctx + op->off, T, SRC); NEXT();		\
	L_LDX_ABS_##S: DST = vm_ld((u8 *)(uintptr_t)IMM, T); NEXT();	\
	L_ST_ABS_##S: vm_st((u8 *)(uintptr_t)IMM, T, (u64)(s64)op->off); NEXT(); \
	L_STX_ABS_##S: vm_st((u8 *)(uintptr_t)IMM, T, SRC); NEXT();	\
	L_LDX_##S: { u64 v; TRY(vm_load(st, SRC + (s64)op->off, T, &v)); \
		DST = v; NEXT(); }					\
	L_ST_##S: TRY(vm_store(st, DST + (s64)op->off, T, IMM)); NEXT();	\
	L_STX_##S: TRY(vm_store(st, DST + (s64)op->off, T, SRC)); NEXT();

#define MEMSX(S, T, CAST)						\
	L_LDXSX_STK_##S: DST = (u64)(s64)(CAST)vm_ld(fp + op->off, T); NEXT(); \
	L_LDXSX_##S: { u64 v; TRY(vm_load(st, SRC + (s64)op->off, T, &v)); \
		DST = (u64)(s64)(CAST)v; NEXT(); }

int cgaddr_vm_exec(const struct cgaddr_vm_prog *prog, struct cgaddr_vm_run *run)
{
	static const void * const jt[VM_NOPS] __annotate_jump_table = { VM_OPS(VM_LBL) };
	const struct vm_op *ops = prog->ops, *op = ops;
	u64 reg[11], budget, left;
	struct vm_state *st;
	u8 *fp, *ctx = run->ctx;
	int f = 0;

	run->r0 = 0;
	run->insn_cnt = 0;
	run->fault = CGADDR_VM_OK;
	run->fault_insn = -1;
	if (!run->scratch || ((uintptr_t)run->scratch & 7) || (!ctx && prog->type_idx >= 0)) {
		run->fault = CGADDR_VM_FAULT_ARGS;
		return run->fault;
	}
	st = (struct vm_state *)((u8 *)run->scratch + VM_STACK_AREA);
	st->prog = prog;
	st->stack = run->scratch;
	st->ctx = ctx;
	st->ctx_len = prog->type_idx < 0 ? (ctx ? run->ctx_len : 0) : CGADDR_VM_CTX_SIZE;
	st->depth = 0;
	st->ops = run->ops;
	st->env = run->env;
	st->sk_state = 0;
	st->ndyn = 0;

	memset(reg, 0, sizeof(reg));
	reg[1] = st->ctx_len || prog->type_idx >= 0 ? CGADDR_VM_CTX_BASE : 0;
	reg[2] = prog->type_idx < 0 ? st->ctx_len : 0;
	reg[10] = CGADDR_VM_STACK_TOP;
	st->stack_lo = CGADDR_VM_STACK_TOP - prog->depth0;
	fp = st->stack + VM_STACK_AREA;
	if (prog->depth0)
		memset(fp - prog->depth0, 0, prog->depth0);

	budget = run->budget ? run->budget : CGADDR_VM_DEFAULT_BUDGET;
	left = budget;
	CHARGE(prog->entry_cost);
	DISPATCH();

	ALU(ADD, a + b)
	ALU(SUB, a - b)
	ALU(MUL, a * b)
	ALU(OR, a | b)
	ALU(AND, a & b)
	ALU(XOR, a ^ b)

	/* K forms: the loader turned divisors 0 and -1 into other ops. */
L_DIV64_K:
	DST = DST / IMM;
	NEXT();
L_DIV32_K:
	DST = (u32)DST / (u32)IMM;
	NEXT();
L_MOD64_K:
	DST = DST % IMM;
	NEXT();
L_MOD32_K:
	DST = (u32)DST % (u32)IMM;
	NEXT();
L_SDIV64_K:
	DST = (u64)((s64)DST / (s64)IMM);
	NEXT();
L_SDIV32_K:
	DST = (u32)((s32)DST / (s32)IMM);
	NEXT();
L_SMOD64_K:
	DST = (u64)((s64)DST % (s64)IMM);
	NEXT();
L_SMOD32_K:
	DST = (u32)((s32)DST % (s32)IMM);
	NEXT();
	/* X forms: by zero, div gives 0 and mod leaves dst; -1 is defined. */
L_DIV64_X:
	DST = SRC ? DST / SRC : 0;
	NEXT();
L_DIV32_X:
	DST = (u32)SRC ? (u32)DST / (u32)SRC : 0;
	NEXT();
L_MOD64_X:
	DST = SRC ? DST % SRC : DST;
	NEXT();
L_MOD32_X:
	DST = (u32)SRC ? (u32)DST % (u32)SRC : (u32)DST;
	NEXT();
L_SDIV64_X: {
	s64 b = (s64)SRC;

	DST = !b ? 0 : b == -1 ? -DST : (u64)((s64)DST / b);
	NEXT();
}
L_SDIV32_X: {
	s32 b = (s32)SRC;

	DST = !b ? 0 : b == -1 ? (u32)-(u32)DST : (u32)((s32)DST / b);
	NEXT();
}
L_SMOD64_X: {
	s64 b = (s64)SRC;

	DST = !b ? DST : b == -1 ? 0 : (u64)((s64)DST % b);
	NEXT();
}
L_SMOD32_X: {
	s32 b = (s32)SRC;

	DST = !b ? (u32)DST : b == -1 ? 0 : (u32)((s32)DST % b);
	NEXT();
}

	/* Shifts: K already masked by the loader. */
L_LSH64_K:
	DST <<= IMM;
	NEXT();
L_LSH64_X:
	DST <<= SRC & 63;
	NEXT();
L_LSH32_K:
	DST = (u32)((u32)DST << IMM);
	NEXT();
L_LSH32_X:
	DST = (u32)((u32)DST << (SRC & 31));
	NEXT();
L_RSH64_K:
	DST >>= IMM;
	NEXT();
L_RSH64_X:
	DST >>= SRC & 63;
	NEXT();
L_RSH32_K:
	DST = (u32)DST >> IMM;
	NEXT();
L_RSH32_X:
	DST = (u32)DST >> (SRC & 31);
	NEXT();
L_ARSH64_K:
	DST = (u64)((s64)DST >> IMM);
	NEXT();
L_ARSH64_X:
	DST = (u64)((s64)DST >> (SRC & 63));
	NEXT();
L_ARSH32_K:
	DST = (u32)((s32)DST >> IMM);
	NEXT();
L_ARSH32_X:
	DST = (u32)((s32)DST >> (SRC & 31));
	NEXT();

L_MOV64_K:
	DST = IMM;
	NEXT();
L_MOV64_X:
	DST = SRC;
	NEXT();
L_MOV32_K:
	DST = IMM;	/* zero-extended by the loader */
	NEXT();
L_MOV32_X:
	DST = (u32)SRC;
	NEXT();
L_NEG64:
	DST = -DST;
	NEXT();
L_NEG32:
	DST = (u32)-(u32)DST;
	NEXT();
L_MOVSX64_8:
	DST = (u64)(s64)(s8)SRC;
	NEXT();
L_MOVSX64_16:
	DST = (u64)(s64)(s16)SRC;
	NEXT();
L_MOVSX64_32:
	DST = (u64)(s64)(s32)SRC;
	NEXT();
L_MOVSX32_8:
	DST = (u32)(s32)(s8)SRC;
	NEXT();
L_MOVSX32_16:
	DST = (u32)(s32)(s16)SRC;
	NEXT();
L_NOP:
	NEXT();
L_ZEXT16:
	DST = (u16)DST;
	NEXT();
L_BSWAP16:
	DST = __builtin_bswap16((u16)DST);
	NEXT();
L_BSWAP32:
	DST = __builtin_bswap32((u32)DST);
	NEXT();
L_BSWAP64:
	DST = __builtin_bswap64(DST);
	NEXT();

	JMP(JEQ, a == b, a == b)
	JMP(JNE, a != b, a != b)
	JMP(JGT, a > b, a > b)
	JMP(JGE, a >= b, a >= b)
	JMP(JLT, a < b, a < b)
	JMP(JLE, a <= b, a <= b)
	JMP(JSGT, (s64)a > (s64)b, (s32)a > (s32)b)
	JMP(JSGE, (s64)a >= (s64)b, (s32)a >= (s32)b)
	JMP(JSLT, (s64)a < (s64)b, (s32)a < (s32)b)
	JMP(JSLE, (s64)a <= (s64)b, (s32)a <= (s32)b)
	JMP(JSET, a & b, a & b)
L_JA:
	CHARGE(op->cost);
	op = TARGET(op->off);
	DISPATCH();

L_LDDW:
	DST = IMM;
	op += 2;
	DISPATCH();

	MEM(P, B, 1)
	MEM(P, H, 2)
	MEM(P, W, 4)
	MEM(P, DW, 8)
	MEMSX(B, 1, s8)
	MEMSX(H, 2, s16)
	MEMSX(W, 4, s32)

L_ATOMIC:
	f = vm_atomic(st, op, reg);
	if (unlikely(f))
		goto fault;
	NEXT();

L_CALL:
	f = vm_call(st, op, reg);
	if (unlikely(f)) {
		if (f == VM_UNWIND) {
			reg[0] = 0;
			goto out_partial;
		}
		goto fault;
	}
	NEXT();

L_CALL_LOCAL: {
	struct vm_frame *fr;
	u32 depth = (u32)IMM;

	if (unlikely(st->depth + 1 >= CGADDR_VM_MAX_FRAMES)) {
		f = CGADDR_VM_FAULT_DEPTH;
		goto fault;
	}
	CHARGE(op->cost);
	fr = &st->frames[st->depth++];
	fr->r6_9[0] = reg[6];
	fr->r6_9[1] = reg[7];
	fr->r6_9[2] = reg[8];
	fr->r6_9[3] = reg[9];
	fr->r10 = reg[10];
	fr->call = op;
	/* The callee's frame sits right below the caller's. */
	reg[10] = st->stack_lo;
	st->stack_lo -= depth;
	fp = st->stack + (reg[10] - CGADDR_VM_STACK_BASE);
	if (depth)
		memset(fp - depth, 0, depth);
	op = TARGET(op->off);
	DISPATCH();
}

L_RET: {
	struct vm_frame *fr = &st->frames[st->depth - 1];

	CHARGE(fr->call->cost2);
	st->depth--;
	st->stack_lo = reg[10];
	reg[6] = fr->r6_9[0];
	reg[7] = fr->r6_9[1];
	reg[8] = fr->r6_9[2];
	reg[9] = fr->r6_9[3];
	reg[10] = fr->r10;
	fp = st->stack + (reg[10] - CGADDR_VM_STACK_BASE);
	op = fr->call + 1;
	DISPATCH();
}

L_EXIT_CHECK:
	if (unlikely(R0 - prog->retmin > (u64)(prog->retmax - prog->retmin))) {
		f = CGADDR_VM_FAULT_RETVAL;
		goto fault;
	}
L_EXIT:
	run->r0 = R0;
	run->insn_cnt = budget - left;
	goto out;

L_INVALID:
	f = CGADDR_VM_FAULT_MEM;	/* unreachable: never emitted live */
	goto fault;

f_budget:
	f = CGADDR_VM_FAULT_BUDGET;
	run->insn_cnt = budget - left;
	goto out_fault;

fault:
	/* The rest of the run was charged but not executed. */
	run->insn_cnt = budget - left - (prog->rem[op - ops] - 1);
out_fault:
	run->fault = f;
	run->fault_insn = (s32)(op - ops);
	goto out;

out_partial:
	run->r0 = R0;
	run->insn_cnt = budget - left - (prog->rem[op - ops] - 1);
out:
	if (st->ndyn && vm_put_refs(st) && !run->fault) {
		run->fault = CGADDR_VM_FAULT_REF_LEAK;
		run->fault_insn = (s32)(op - ops);
	}
	return run->fault;
}
