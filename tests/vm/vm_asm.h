/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny eBPF assembler for the VM's host tests, the fuzzer and the bench. */
#ifndef CGADDR_VM_ASM_H
#define CGADDR_VM_ASM_H

#include "vm.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define ALU64_IMM(op, d, i)	INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s)	INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i)	INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define ALU32_REG(op, d, s)	INSN(BPF_ALU | (op) | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		ALU64_IMM(BPF_MOV, d, i)
#define MOV64_REG(d, s)		ALU64_REG(BPF_MOV, d, s)
#define MOV32_IMM(d, i)		ALU32_IMM(BPF_MOV, d, i)
#define MOV32_REG(d, s)		ALU32_REG(BPF_MOV, d, s)
#define SDIV64_REG(d, s)	INSN(BPF_ALU64 | BPF_DIV | BPF_X, d, s, 1, 0)
#define SMOD64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOD | BPF_X, d, s, 1, 0)
#define SDIV32_REG(d, s)	INSN(BPF_ALU | BPF_DIV | BPF_X, d, s, 1, 0)
#define SMOD32_REG(d, s)	INSN(BPF_ALU | BPF_MOD | BPF_X, d, s, 1, 0)
#define SDIV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_DIV | BPF_K, d, 0, 1, i)
#define SMOD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOD | BPF_K, d, 0, 1, i)
#define MOVSX64(d, s, bits)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, bits, 0)
#define MOVSX32(d, s, bits)	INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, bits, 0)
#define END(src, d, bits)	INSN(BPF_ALU | BPF_END | (src), d, 0, 0, bits)
#define BSWAP(d, bits)		INSN(BPF_ALU64 | BPF_END, d, 0, 0, bits)
#define NEG64(d)		INSN(BPF_ALU64 | BPF_NEG, d, 0, 0, 0)
#define NEG32(d)		INSN(BPF_ALU | BPF_NEG, d, 0, 0, 0)

#define LDX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define LDXSX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEMSX | (sz), d, s, o, 0)
#define STX(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)		INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define ATOMIC(sz, d, s, o, op)	INSN(BPF_STX | BPF_ATOMIC | (sz), d, s, o, op)

#define LDDW(d, v)							\
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, 0, 0, (s32)(u32)(u64)(v)),	\
	INSN(0, 0, 0, 0, (s32)(u32)((u64)(v) >> 32))
#define LDDW_SRC(d, src, i1, i2)					\
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, src, 0, i1), INSN(0, 0, 0, 0, i2)

#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define JA32(i)			INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, i)
#define JMP_IMM(op, d, i, o)	INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o)	INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define JMP32_IMM(op, d, i, o)	INSN(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define JMP32_REG(op, d, s, o)	INSN(BPF_JMP32 | (op) | BPF_X, d, s, o, 0)
#define CALL(id)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define CALL_LOCAL(rel)		INSN(BPF_JMP | BPF_CALL, 0, 1, 0, rel)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define CTX_OFF(f)		((s16)offsetof(struct bpf_sock_addr, f))
#define SK_OFF(f)		((s16)offsetof(struct bpf_sock, f))

#define NINSN(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* CGADDR_VM_ASM_H */
