// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzer's seed inputs: a few valid programs of each kind
 * (context rewrites, loops, local calls, atomics, helpers, the socket,
 * global data, maps, conformance mode), in fuzz.c's input format:
 *
 *   [type][mode][budget][pad][72 bytes ctx][80 bytes sk][insns...]
 *
 *   cgaddr-vm-seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"

/* fuzz.c's type byte: index into its table; 12 is conformance mode. */
enum { T_BIND4, T_BIND6, T_CONNECT4, T_CONNECT6, T_SENDMSG4, T_SENDMSG6, T_RECVMSG4,
       T_RAW = 12 };
/*
 * fuzz.c's mode byte: bit 0 repairs the instructions, bit 1 adds maps,
 * bits 2-7 are the memory length in conformance mode.
 */
#define M_MAPS 2

static const struct bpf_insn s_pin4[] = {
	LDX(BPF_W, 2, 1, CTX_OFF(user_ip4)),
	JMP_IMM(BPF_JNE, 2, 0, 2),
	ST(BPF_W, 1, CTX_OFF(user_ip4), 0x0a0200c0),
	ST(BPF_W, 1, CTX_OFF(user_port), 0x901f),
	MOV64_IMM(0, 1),
	EXIT(),
};

static const struct bpf_insn s_pin6[] = {
	LDX(BPF_DW, 2, 1, CTX_OFF(user_ip6[0])),
	LDX(BPF_DW, 3, 1, CTX_OFF(user_ip6[2])),
	ALU64_REG(BPF_OR, 2, 3),
	JMP_IMM(BPF_JNE, 2, 0, 3),
	ST(BPF_W, 1, CTX_OFF(user_ip6[0]), 0xb80d0120),
	ST(BPF_W, 1, CTX_OFF(user_ip6[3]), 0x10000000),
	LDX(BPF_H, 4, 1, CTX_OFF(user_port)),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* sendmsg4: source address rewrite, narrow ctx reads. */
static const struct bpf_insn s_sendmsg4[] = {
	LDX(BPF_B, 2, 1, CTX_OFF(user_ip4)),
	LDX(BPF_H, 3, 1, CTX_OFF(user_ip4) + 2),
	LDX(BPF_W, 4, 1, CTX_OFF(protocol)),
	JMP_IMM(BPF_JNE, 4, 17, 1),
	ST(BPF_W, 1, CTX_OFF(msg_src_ip4), 0x0a0200c0),
	LDX(BPF_W, 5, 1, CTX_OFF(msg_src_ip4)),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* A loop through the stack with a local call. */
static const struct bpf_insn s_calls[] = {
	MOV64_IMM(6, 0),
	ST(BPF_DW, 10, -8, 0),
	MOV64_REG(1, 10),
	ALU64_IMM(BPF_ADD, 1, -8),
	MOV64_REG(2, 6),
	CALL_LOCAL(5),
	ALU64_IMM(BPF_ADD, 6, 1),
	JMP_IMM(BPF_JLT, 6, 10, -6),
	LDX(BPF_DW, 0, 10, -8),
	ALU64_IMM(BPF_AND, 0, 1),
	EXIT(),
	/* *(u64 *)r1 += r2 * 3, atomically, fetching the old value */
	ALU64_IMM(BPF_MUL, 2, 3),
	ATOMIC(BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH),
	ST(BPF_W, 10, -4, 7),
	LDXSX(BPF_W, 0, 10, -4),
	EXIT(),
};

/* Helpers: uid/gid, comm into the stack, and the socket through ctx->sk. */
static const struct bpf_insn s_helpers[] = {
	MOV64_REG(6, 1),
	CALL(15),
	MOV64_REG(1, 10),
	ALU64_IMM(BPF_ADD, 1, -16),
	MOV64_IMM(2, 16),
	CALL(16),
	LDX(BPF_DW, 7, 6, CTX_OFF(sk)),
	LDX(BPF_W, 2, 7, SK_OFF(family)),
	LDX(BPF_H, 3, 7, SK_OFF(dst_port)),
	MOV64_REG(1, 6),
	CALL(46),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* Global data and a map lookup (mode M_MAPS: map 0 has 4-byte keys). */
static const struct bpf_insn s_data[] = {
	LDDW_SRC(2, BPF_PSEUDO_MAP_VALUE, 0, 4),
	LDX(BPF_W, 3, 2, 0),
	LDDW_SRC(4, BPF_PSEUDO_MAP_VALUE, 1, 0),
	STX(BPF_W, 4, 3, 8),
	ST(BPF_W, 10, -4, 1),
	LDDW_SRC(1, BPF_PSEUDO_MAP_FD, 0, 0),
	MOV64_REG(2, 10),
	ALU64_IMM(BPF_ADD, 2, -4),
	CALL(1),
	JMP_IMM(BPF_JEQ, 0, 0, 2),
	LDX(BPF_DW, 3, 0, 0),
	ST(BPF_DW, 0, 8, 42),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* Conformance mode: r1 memory, r2 its length, JMP32, byte swaps, sdiv. */
static const struct bpf_insn s_raw[] = {
	MOV64_REG(0, 2),
	JMP32_IMM(BPF_JLT, 2, 8, 5),
	LDX(BPF_DW, 3, 1, 0),
	BSWAP(3, 64),
	END(BPF_TO_BE, 3, 32),
	SDIV64_IMM(3, -3),
	STX(BPF_DW, 1, 3, 0),
	MOVSX64(0, 0, 16),
	EXIT(),
};

static void fill_ctx(struct bpf_sock_addr *c, int v6, int udp)
{
	memset(c, 0, sizeof(*c));
	c->user_family = v6 ? 10 : 2;
	c->family = c->user_family;
	c->type = udp ? 2 : 1;
	c->protocol = udp ? 17 : 6;
	c->user_port = 0xc80f;
}

static int write_seed(const char *dir, const char *name, u8 type, u8 mode,
		      const struct bpf_insn *insns, size_t n)
{
	u8 hdr[4] = { type, mode, 255, 0 }, mem[72];
	struct bpf_sock_addr ctx;
	struct bpf_sock sk;
	char path[4096];
	FILE *f;

	if (type == T_RAW) {
		memset(mem, 0, sizeof(mem));
		memcpy(mem, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	} else {
		fill_ctx(&ctx, type == T_BIND6 || type == T_CONNECT6 || type == T_SENDMSG6,
			 type >= T_SENDMSG4);
		memcpy(mem, &ctx, sizeof(mem));
	}
	memset(&sk, 0, sizeof(sk));
	sk.family = 2;
	sk.type = 1;
	sk.protocol = 6;
	sk.dst_port = 0x5000;
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(hdr, 1, 4, f) != 4 || fwrite(mem, 1, 72, f) != 72 ||
	    fwrite(&sk, 1, 80, f) != 80 || fwrite(insns, 8, n, f) != n || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int e = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	e |= write_seed(argv[1], "pin4", T_BIND4, 0, s_pin4, NINSN(s_pin4));
	e |= write_seed(argv[1], "pin6", T_BIND6, 0, s_pin6, NINSN(s_pin6));
	e |= write_seed(argv[1], "sendmsg4", T_SENDMSG4, 0, s_sendmsg4, NINSN(s_sendmsg4));
	e |= write_seed(argv[1], "calls", T_CONNECT4, 0, s_calls, NINSN(s_calls));
	e |= write_seed(argv[1], "helpers", T_CONNECT6, 0, s_helpers, NINSN(s_helpers));
	e |= write_seed(argv[1], "data", T_BIND4, M_MAPS, s_data, NINSN(s_data));
	e |= write_seed(argv[1], "raw", T_RAW, 16 << 2, s_raw, NINSN(s_raw));
	return e;
}
