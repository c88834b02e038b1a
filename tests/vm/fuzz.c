// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random programs and random contexts through the
 * loader and the interpreter, built with ASan and UBSan.
 *
 * Input: [type][mode][budget][pad][72 bytes ctx][80 bytes sk][insns...].
 * With mode bit 0 the instructions are "repaired" into mostly valid
 * encodings first (opcode from the valid set, registers in range, small
 * jump offsets, known helper ids), so that most inputs get past the
 * loader and exercise the analysis and the interpreter.
 *
 * With mode bit 1 the program has two real maps (module/vm_map.c): map 0
 * an ARRAY (4-byte keys, 24-byte values, 4 entries), map 1 an LRU_HASH
 * (8-byte keys, 16-byte values, 4 entries); lookups, updates and deletes
 * act on them, and elements they retire are freed only after the run, as
 * RCU would.
 *
 * Beyond the sanitizers, every run checks that helpers only ever see
 * host pointers inside the regions a program may reach, that r0 never
 * is a host address, and that the instruction count stays in budget.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"
#include "vm_map.h"

static const u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
	BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
};
static const u8 jmp_ops[] = {
	BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
	BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE, BPF_CALL, BPF_EXIT,
};
static const s32 atomic_ops[] = {
	BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
	BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	BPF_LOAD_ACQ, BPF_STORE_REL,
};
static const s32 helpers[] = { 1, 2, 3, 5, 6, 7, 14, 15, 16, 46, 64, 84, 86, 107, 122, 187 };
static const s16 ctx_offs[] = { 0, 4, 8, 16, 24, 26, 28, 32, 40, 44, 48, 64 };

static const u32 types[] = {
	BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET4_CONNECT,
	BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP6_SENDMSG,
	BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP6_RECVMSG, BPF_CGROUP_INET4_GETPEERNAME,
	BPF_CGROUP_INET6_GETPEERNAME, BPF_CGROUP_INET4_GETSOCKNAME,
	BPF_CGROUP_INET6_GETSOCKNAME,
};

static void repair(struct bpf_insn *in, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct bpf_insn *x = &in[i];
		u8 r = (u8)x->code;
		u8 sel = r >> 4;

		x->dst_reg %= 11;
		x->src_reg %= 11;
		switch (r & 7) {
		case 0:	/* ld_imm64 */
			if (i + 1 >= n)
				break;
			x->code = BPF_LD | BPF_IMM | BPF_DW;
			x->off = 0;
			x->src_reg = (u8[]){ 0, 0, 1, 2, 5, 6 }[sel % 6];
			if (x->src_reg)
				x->imm &= 1;
			memset(&in[i + 1], 0, 4);
			in[i + 1].imm = x->src_reg ? in[i + 1].imm & 15 : in[i + 1].imm;
			i++;
			break;
		case 1:
		case 2:
		case 3: {
			static const u8 cls[] = { BPF_LDX, BPF_ST, BPF_STX };
			u8 c = cls[(r & 7) - 1];

			x->code = c | BPF_MEM | (sel & 3) << 3;
			if (c == BPF_LDX && (sel & 4) && (sel & 3) != 3)
				x->code = c | BPF_MEMSX | (sel & 3) << 3;
			if (c == BPF_STX && (sel & 8)) {
				x->code = BPF_STX | BPF_ATOMIC | ((sel & 1) ? BPF_DW : BPF_W);
				x->imm = atomic_ops[(u32)x->imm % (sizeof(atomic_ops) / 4)];
				x->off = -8 * (1 + (x->off & 7));
				x->dst_reg = 10;
				break;
			}
			if (x->off & 0x100)
				x->off = ctx_offs[(x->off & 0xff) % 12];
			else
				x->off = -(s16)(1 + (x->off & 511));
			if (c != BPF_STX && c != BPF_LDX)
				x->src_reg = 0;
			if (c != BPF_ST)
				x->imm = 0;
			break;
		}
		case 4:
		case 7: {
			u8 op = alu_ops[sel % sizeof(alu_ops)];

			x->code = (r & 7) | op | (r & 8);
			x->off = 0;
			if (op == BPF_NEG || op == BPF_END) {
				x->code = (r & 7) | op | ((r & 7) == 7 ? 0 : (r & 8));
				x->src_reg = 0;
				x->imm = op == BPF_NEG ? 0 : (s32[]){ 16, 32, 64 }[(u32)x->imm % 3];
			} else if (r & 8) {
				x->imm = 0;
				if (op == BPF_MOV && (x->off & 1))
					x->off = (s16[]){ 8, 16, 32 }[(u16)x->off % 3];
			} else {
				x->src_reg = 0;
			}
			if ((op == BPF_DIV || op == BPF_MOD) && (x->imm & 0x10000))
				x->off = 1;
			if (x->dst_reg == 10)
				x->dst_reg = 0;
			break;
		}
		default: {
			u8 op = jmp_ops[sel % sizeof(jmp_ops)];

			x->code = ((r & 7) == 6 && op != BPF_CALL && op != BPF_EXIT ?
				   BPF_JMP32 : BPF_JMP) | op | (r & 8);
			if (op == BPF_EXIT || op == BPF_JA || op == BPF_CALL)
				x->code &= ~BPF_X;
			if (op == BPF_EXIT) {
				memset(x, 0, sizeof(*x));
				x->code = BPF_JMP | BPF_EXIT;
			} else if (op == BPF_CALL) {
				x->dst_reg = 0;
				x->off = 0;
				if (x->src_reg & 1) {
					x->src_reg = 1;
					x->imm = (s32)((u32)x->imm % n) - (s32)i - 1;
				} else {
					x->src_reg = 0;
					x->imm = helpers[(u32)x->imm % (sizeof(helpers) / 4)];
				}
			} else {
				x->off = (s16)((s32)((u16)x->off % n) - (s32)i - 1);
				if (op == BPF_JA) {
					x->dst_reg = x->src_reg = 0;
					x->imm = 0;
					x->code = BPF_JMP | BPF_JA;
				} else if (x->code & BPF_X) {
					x->imm = 0;
				} else {
					x->src_reg = 0;
				}
			}
		}
		}
	}
}

/* ---- the environment the programs run in -------------------------------- */

struct fenv {
	u8 *scratch;
	u8 *ctx;
	u32 ctx_len;
	struct bpf_sock sk;
	struct bpf_sock found;
	u8 mapval[24];
	const struct cgaddr_vm_prog *prog;
	int refs;
	/* Values of the real maps handed out in this run. */
	struct { u8 *p; u32 len; } vals[CGADDR_VM_MAX_DYN];
	u32 nvals;
};

/* Map memory: elements retired during a run are freed after it. */
static void *garbage[1 << 15];	/* more than a run can retire */
static u32 ngarbage;

static void *m_alloc(void *priv, size_t size)
{
	return calloc(1, size);
}

static void m_free(void *priv, void *p)
{
	free(p);
}

static void m_free_rcu(void *priv, void *p)
{
	if (ngarbage == sizeof(garbage) / sizeof(garbage[0]))
		abort();	/* a run makes at most ~budget calls */
	garbage[ngarbage++] = p;
}

static void m_nop(void *priv)
{
}

static const struct vm_map_env menv = { NULL, m_alloc, m_free, m_free_rcu, m_nop, m_nop };

/* [p, p + len) inside [base, base + blen), without wrapping. */
static int within(uintptr_t p, u64 len, const void *base, u64 blen)
{
	uintptr_t b = (uintptr_t)base;

	return base && p >= b && len <= blen && p - b <= blen - len;
}

static int inside(const struct fenv *e, uintptr_t p, u64 len)
{
	u32 i, dlen;

	if (within(p, len, e->scratch, 4096) || within(p, len, e->ctx, e->ctx_len) ||
	    within(p, len, e->mapval, sizeof(e->mapval)))
		return 1;
	for (i = 0; i < e->nvals; i++)
		if (within(p, len, e->vals[i].p, e->vals[i].len))
			return 1;
	for (i = 0; i < 4; i++) {
		u8 *d = cgaddr_vm_prog_data(e->prog, i, &dlen);

		if (within(p, len, d, dlen))
			return 1;
	}
	return 0;
}

static int f_call(void *envp, struct cgaddr_vm_hcall *c)
{
	struct fenv *e = envp;
	const struct cgaddr_vm_helper *h = cgaddr_vm_helper(c->id);
	int a;

	for (a = 0; a < 5 && h->arg[a]; a++) {
		u64 size = 0;
		u8 *p = (u8 *)(uintptr_t)c->arg[a];

		switch (h->arg[a]) {
		case CGADDR_VM_ARG_MEM_RO:
		case CGADDR_VM_ARG_MEM_RW:
			size = c->arg[a + 1];
			break;
		case CGADDR_VM_ARG_MAP_KEY:
			size = c->map->key_size;
			break;
		case CGADDR_VM_ARG_MAP_VALUE:
		case CGADDR_VM_ARG_MAP_VALUE_OR_NULL:
			size = c->map->value_size;
			break;
		case CGADDR_VM_ARG_CTX:
			size = CGADDR_VM_CTX_SIZE;
			break;
		default:
			continue;
		}
		if (!p || !size)
			continue;
		if (!inside(e, (uintptr_t)p, size))
			abort();
		if (h->arg[a] == CGADDR_VM_ARG_MEM_RW)
			memset(p, 0x5a, size);
		else
			c->ret += p[0] + p[size - 1];
	}
	if (c->map && c->map->obj && (c->id == 1 || c->id == 2 || c->id == 3)) {
		struct vm_map *m = c->map->obj;
		void *key = (void *)(uintptr_t)c->arg[1];

		if (c->id == 1) {
			c->region.host = vm_map_lookup(m, key, 0);
			c->region.len = c->map->value_size;
			c->region.flags = CGADDR_VM_R_WRITE;
			if (c->region.host && e->nvals < CGADDR_VM_MAX_DYN) {
				e->vals[e->nvals].p = c->region.host;
				e->vals[e->nvals++].len = c->map->value_size;
			}
		} else if (c->id == 2) {
			c->ret = vm_map_update(m, key, (void *)(uintptr_t)c->arg[2], c->arg[3], 0);
		} else {
			c->ret = vm_map_delete(m, key);
		}
		return 0;
	}
	switch (c->id) {
	case 1:
	case 107:
		if (c->arg[0] & 1)
			break;
		c->region.host = e->mapval;
		c->region.len = sizeof(e->mapval);
		c->region.flags = CGADDR_VM_R_WRITE;
		break;
	case 84:
		c->region.host = &e->found;
		c->region.len = sizeof(e->found);
		c->region.flags = CGADDR_VM_R_REF;
		c->region.obj = &e->refs;
		e->refs++;
		break;
	case 86:
		if (c->arg[0] != (uintptr_t)&e->refs)
			abort();
		e->refs--;
		break;
	case 5:
		c->ret = 0x1000;
		break;
	}
	return c->id == 2 && c->arg[3] == 7;	/* sometimes fail */
}

static int f_sk_view(void *envp, struct cgaddr_vm_region *r)
{
	struct fenv *e = envp;

	r->host = &e->sk;
	r->len = sizeof(e->sk);
	return e->sk.mark == 0xdead;
}

static void f_put(void *envp, struct cgaddr_vm_region *r)
{
	((struct fenv *)envp)->refs--;
}

static const struct cgaddr_vm_ops f_ops = { f_call, f_sk_view, f_put };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t hdr = 4 + 72 + 80;
	static const u8 rodata[16] = "0123456789abcde";
	const struct cgaddr_vm_data d[2] = {
		{ rodata, sizeof(rodata), CGADDR_VM_DATA_RDONLY }, { NULL, 32, 0 },
	};
	const struct vm_map_attr ma[2] = {
		{ BPF_MAP_TYPE_ARRAY, 4, 24, 4, 1, 1 }, { BPF_MAP_TYPE_LRU_HASH, 8, 16, 4, 1, 2 },
	};
	struct cgaddr_vm_map maps[2] = { { NULL, 4, 24 }, { NULL, 8, 16 } };
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_run run = { 0 };
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_error err;
	struct bpf_insn *insns;
	struct fenv env;
	u32 n, t;
	u64 budget;

	if (size < hdr + 8)
		return 0;
	n = (u32)((size - hdr) / 8);
	if (n > 512)
		n = 512;
	insns = malloc(n * sizeof(*insns));
	memcpy(insns, data + hdr, n * sizeof(*insns));
	if (data[1] & 1)
		repair(insns, n);

	t = data[0] % 13;
	attr.insns = insns;
	attr.insn_cnt = n;
	attr.attach_type = t < 12 ? types[t] : 0;
	attr.flags = t < 12 ? 0 : CGADDR_VM_F_RAW;
	attr.ndata = 2;
	attr.data = d;
	attr.nmaps = (data[1] & 2) ? 2 : 0;
	attr.maps = maps;
	if (attr.nmaps) {
		maps[0].obj = vm_map_new(&ma[0], &menv);
		maps[1].obj = vm_map_new(&ma[1], &menv);
		if (!maps[0].obj || !maps[1].obj)
			abort();
	}
	if (cgaddr_vm_load(&attr, &prog, &err)) {
		if (err.msg[0] == '\0' || strlen(err.msg) >= sizeof(err.msg))
			abort();
		vm_map_free(maps[0].obj);
		vm_map_free(maps[1].obj);
		free(insns);
		return 0;
	}

	memset(&env, 0, sizeof(env));
	env.prog = prog;
	env.scratch = malloc(CGADDR_VM_SCRATCH_SIZE);
	env.ctx_len = t < 12 ? 72 : (data[1] >> 2) % 64;
	env.ctx = env.ctx_len ? malloc(env.ctx_len) : NULL;
	if (env.ctx)
		memcpy(env.ctx, data + 4, env.ctx_len);
	memcpy(&env.sk, data + 4 + 72, sizeof(env.sk));
	budget = 1 + data[2] * 64;

	run.ctx = env.ctx;
	run.ctx_len = env.ctx_len;
	run.budget = budget;
	run.ops = &f_ops;
	run.env = &env;
	run.scratch = env.scratch;
	cgaddr_vm_exec(prog, &run);

	if (run.fault >= CGADDR_VM_NFAULTS || run.insn_cnt > budget || env.refs) {
		fprintf(stderr, "fault %u at %d, %llu insns of %llu, refs %d\n", run.fault,
			run.fault_insn, (unsigned long long)run.insn_cnt,
			(unsigned long long)budget, env.refs);
		abort();
	}
	if (!run.fault && inside(&env, (uintptr_t)run.r0, 1)) {
		fprintf(stderr, "r0 0x%llx is a host address\n", (unsigned long long)run.r0);
		abort();
	}
	if (!run.fault && t < 12) {
		u32 lo, hi;

		cgaddr_vm_type_retval(attr.attach_type, &lo, &hi);
		if (run.r0 < lo || run.r0 > hi)
			abort();
	}
	cgaddr_vm_free(prog);
	vm_map_free(maps[0].obj);
	vm_map_free(maps[1].obj);
	while (ngarbage)
		free(garbage[--ngarbage]);
	free(env.scratch);
	free(env.ctx);
	free(insns);
	return 0;
}
