/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny eBPF instruction builder for programs the tool generates
 * (cgaddr pin): struct bpf_insn initialisers in the encodings of
 * <linux/bpf.h>.  Register numbers are plain integers (0..10).
 */
#ifndef CGADDR_TOOL_BPF_INSN_H
#define CGADDR_TOOL_BPF_INSN_H

#include <linux/bpf.h>
#include <stddef.h>

#define BI_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* dst = imm, dst = src (64-bit) */
#define BI_MOV64_IMM(d, i)	BI_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define BI_MOV64_REG(d, s)	BI_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
/* dst += imm (64-bit) */
#define BI_ADD64_IMM(d, i)	BI_INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
/* dst = htobe16(dst): big-endian 16 bits, zero-extended */
#define BI_BE16(d)		BI_INSN(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, 16)
/* dst = *(size *)(src + off) */
#define BI_LDX(sz, d, s, o)	BI_INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
/* *(size *)(dst + off) = imm */
#define BI_ST(sz, d, o, i)	BI_INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
/* if (dst OP imm) goto pc + 1 + off */
#define BI_JMP_IMM(op, d, i, o)	BI_INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
/* the same on the low 32 bits of dst (imm not sign-extended to 64) */
#define BI_JMP32_IMM(op, d, i, o) BI_INSN(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define BI_JA(o)		BI_INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define BI_CALL(id)		BI_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define BI_EXIT()		BI_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define BI_CTX_OFF(f)		((short)offsetof(struct bpf_sock_addr, f))

#endif /* CGADDR_TOOL_BPF_INSN_H */
