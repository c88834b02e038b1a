// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's benchmark driver, run under callgrind by tests/vm/bench.sh.
 *
 *   cgaddr-vm-bench list
 *   cgaddr-vm-bench NAME N EXEC            built-in program NAME
 *   cgaddr-vm-bench --file BIN TYPE N EXEC program bytes from a file
 *
 * Loads the program, then loops N times: reset the context, then (if
 * EXEC is 1) run the program once.  With EXEC 0 the loop does everything
 * but the run, so the difference of two callgrind counts is the cost of
 * N runs alone.  Prints "insns_per_run R" (eBPF instructions of one run)
 * and "r0 V" on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"

#define BIND4	BPF_CGROUP_INET4_BIND
#define BIND6	BPF_CGROUP_INET6_BIND

/* The smallest program: the fixed cost of a run, entry and exit. */
static const struct bpf_insn p_minimal[] = {
	MOV64_IMM(0, 1),
	EXIT(),
};

/* bind4: 0.0.0.0 becomes 192.0.2.10, and port 0 becomes 8080. */
static const struct bpf_insn p_pin4[] = {
	LDX(BPF_W, 2, 1, CTX_OFF(user_ip4)),
	JMP_IMM(BPF_JNE, 2, 0, 4),
	ST(BPF_W, 1, CTX_OFF(user_ip4), 0x0a0200c0),	/* htonl(0xc000020a) */
	LDX(BPF_W, 3, 1, CTX_OFF(user_port)),
	JMP_IMM(BPF_JNE, 3, 0, 1),
	ST(BPF_W, 1, CTX_OFF(user_port), 0x901f),	/* htons(8080) */
	MOV64_IMM(0, 1),
	EXIT(),
};

/* bind6: :: becomes 2001:db8::10. */
static const struct bpf_insn p_pin6[] = {
	LDX(BPF_W, 2, 1, CTX_OFF(user_ip6[0])),
	LDX(BPF_W, 3, 1, CTX_OFF(user_ip6[1])),
	ALU64_REG(BPF_OR, 2, 3),
	LDX(BPF_W, 3, 1, CTX_OFF(user_ip6[2])),
	ALU64_REG(BPF_OR, 2, 3),
	LDX(BPF_W, 3, 1, CTX_OFF(user_ip6[3])),
	ALU64_REG(BPF_OR, 2, 3),
	JMP_IMM(BPF_JNE, 2, 0, 4),
	ST(BPF_W, 1, CTX_OFF(user_ip6[0]), 0xb80d0120),
	ST(BPF_W, 1, CTX_OFF(user_ip6[1]), 0),
	ST(BPF_W, 1, CTX_OFF(user_ip6[2]), 0),
	ST(BPF_W, 1, CTX_OFF(user_ip6[3]), 0x10000000),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* 1000 iterations of a 3-instruction loop: r3 = sum 0..999. */
static const struct bpf_insn p_loop[] = {
	MOV64_IMM(3, 0),
	MOV64_IMM(2, 0),
	ALU64_REG(BPF_ADD, 3, 2),
	ALU64_IMM(BPF_ADD, 2, 1),
	JMP_IMM(BPF_JLT, 2, 1000, -3),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* A loop through the stack and the context: 500 iterations of 7. */
static const struct bpf_insn p_loopmem[] = {
	MOV64_IMM(2, 0),
	ST(BPF_DW, 10, -8, 0),
	LDX(BPF_DW, 3, 10, -8),
	LDX(BPF_W, 4, 1, CTX_OFF(user_port)),
	ALU64_REG(BPF_ADD, 3, 4),
	ALU64_REG(BPF_XOR, 3, 2),
	STX(BPF_DW, 10, 3, -8),
	ALU64_IMM(BPF_ADD, 2, 1),
	JMP_IMM(BPF_JLT, 2, 500, -7),
	MOV64_IMM(0, 1),
	EXIT(),
};

/* A BPF-to-BPF call per iteration: 200 iterations. */
static const struct bpf_insn p_calls[] = {
	MOV64_IMM(6, 0),
	MOV64_REG(1, 6),
	CALL_LOCAL(4),
	ALU64_IMM(BPF_ADD, 6, 1),
	JMP_IMM(BPF_JLT, 6, 200, -4),
	MOV64_IMM(0, 1),
	EXIT(),
	/* r0 = r1 * 3 + 1 */
	MOV64_REG(0, 1),
	ALU64_IMM(BPF_MUL, 0, 3),
	ALU64_IMM(BPF_ADD, 0, 1),
	EXIT(),
};

/* 100 straight-line instructions (the last two: r0 = 1; exit). */
static struct bpf_insn p_line[100];

static void make_line(void)
{
	static const u8 ops[] = { BPF_ADD, BPF_XOR, BPF_LSH, BPF_OR, BPF_SUB, BPF_RSH };
	int i;

	p_line[0] = MOV64_IMM(2, 1);
	p_line[1] = MOV64_IMM(3, 7);
	for (i = 2; i < 98; i++) {
		u8 op = ops[i % sizeof(ops)];

		if (i % 3)
			p_line[i] = ALU64_IMM(op, 2 + i % 4, op == BPF_LSH || op == BPF_RSH ? 3 : i);
		else
			p_line[i] = ALU64_REG(op == BPF_LSH || op == BPF_RSH ? BPF_ADD : op,
					      2 + i % 4, 2 + (i + 1) % 4);
	}
	p_line[98] = MOV64_IMM(0, 1);
	p_line[99] = EXIT();
}

static const struct {
	const char *name;
	const struct bpf_insn *insns;
	u32 n;
	u32 type;
} progs[] = {
	{ "minimal", p_minimal, NINSN(p_minimal), BIND4 },
	{ "pin4", p_pin4, NINSN(p_pin4), BIND4 },
	{ "pin6", p_pin6, NINSN(p_pin6), BIND6 },
	{ "line100", p_line, NINSN(p_line), BIND4 },
	{ "loop", p_loop, NINSN(p_loop), BIND4 },
	{ "loop-mem", p_loopmem, NINSN(p_loopmem), BIND4 },
	{ "calls", p_calls, NINSN(p_calls), BIND4 },
};

static const struct {
	const char *name;
	u32 type;
} types[] = {
	{ "bind4", BIND4 }, { "bind6", BIND6 },
	{ "connect4", BPF_CGROUP_INET4_CONNECT }, { "connect6", BPF_CGROUP_INET6_CONNECT },
	{ "sendmsg4", BPF_CGROUP_UDP4_SENDMSG }, { "sendmsg6", BPF_CGROUP_UDP6_SENDMSG },
};

static int helper_call(void *env, struct cgaddr_vm_hcall *c)
{
	c->ret = 0;
	return 0;
}

static const struct cgaddr_vm_ops ops = { helper_call, NULL, NULL };

/* A bind of 0.0.0.0:4040 or [::]:4040 (what the programs rewrite). */
static void init_ctx(struct bpf_sock_addr *c, u32 type)
{
	bool v6 = type == BIND6 || type == BPF_CGROUP_INET6_CONNECT ||
		  type == BPF_CGROUP_UDP6_SENDMSG;

	memset(c, 0, sizeof(*c));
	c->user_family = v6 ? 10 : 2;
	c->family = c->user_family;
	c->type = 1;		/* SOCK_STREAM */
	c->protocol = 6;	/* TCP */
	c->user_port = 0xc80f;	/* htons(4040) */
}

/* Keeps the EXEC 0 loop from being optimised away. */
static noinline void barrier_run(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

int main(int argc, char **argv)
{
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_run run = { 0 };
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_error err;
	struct bpf_sock_addr ctx, ctx0;
	struct bpf_insn *buf = NULL;
	unsigned long n, i;
	void *scratch;
	int exec, a = 1;
	size_t k;

	make_line();
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (k = 0; k < NINSN(progs); k++)
			printf("%s\n", progs[k].name);
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "--file")) {
		FILE *f = fopen(argv[2], "rb");
		long len;

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || len % 8) {
			fprintf(stderr, "bench: cannot read %s\n", argv[2]);
			return 2;
		}
		rewind(f);
		buf = malloc(len);
		if (!buf || fread(buf, 1, len, f) != (size_t)len)
			return 2;
		fclose(f);
		attr.insns = buf;
		attr.insn_cnt = (u32)(len / 8);
		for (k = 0; k < NINSN(types); k++)
			if (!strcmp(types[k].name, argv[3]))
				attr.attach_type = types[k].type;
		if (!attr.attach_type) {
			fprintf(stderr, "bench: unknown attach type %s\n", argv[3]);
			return 2;
		}
		a = 4;
	} else if (argc == 4) {
		for (k = 0; k < NINSN(progs); k++)
			if (!strcmp(progs[k].name, argv[1]))
				break;
		if (k == NINSN(progs)) {
			fprintf(stderr, "bench: unknown program %s\n", argv[1]);
			return 2;
		}
		attr.insns = progs[k].insns;
		attr.insn_cnt = progs[k].n;
		attr.attach_type = progs[k].type;
		a = 2;
	} else {
		fprintf(stderr, "usage: %s list | NAME N EXEC | --file BIN TYPE N EXEC\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[a], NULL, 0);
	exec = atoi(argv[a + 1]);

	if (cgaddr_vm_load(&attr, &prog, &err)) {
		fprintf(stderr, "bench: load: %s\n", err.msg);
		return 1;
	}
	scratch = aligned_alloc(64, CGADDR_VM_SCRATCH_SIZE);
	init_ctx(&ctx0, attr.attach_type);
	run.ctx = &ctx;
	run.ops = &ops;
	run.scratch = scratch;

	/* One run outside the measured difference: the run's length. */
	ctx = ctx0;
	if (cgaddr_vm_exec(prog, &run)) {
		fprintf(stderr, "bench: fault %s at insn %d\n", cgaddr_vm_fault_str(run.fault),
			run.fault_insn);
		return 1;
	}
	printf("insns_per_run %llu\nr0 %llu\n", (unsigned long long)run.insn_cnt,
	       (unsigned long long)run.r0);

	for (i = 0; i < n; i++) {
		ctx = ctx0;
		if (exec)
			cgaddr_vm_exec(prog, &run);
		else
			barrier_run(&run);
	}
	cgaddr_vm_free(prog);
	free(scratch);
	free(buf);
	return 0;
}
