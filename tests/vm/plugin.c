// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_conformance plugin: the program as hex bytes on stdin, the memory
 * as hex in argv[1] (optional).  Runs it in the VM's conformance mode
 * (r1 = a copy of the memory or 0 when empty, r2 = its length, r10 = top
 * of a 512-byte frame) and prints r0 in hex; on a load error or a fault,
 * prints the reason and exits non-zero.
 *
 *   cgaddr-vm-plugin [MEM_HEX] < PROGRAM_HEX
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits of @s (whitespace ignored) into @out; -1 on bad input. */
static long unhex(const char *s, unsigned char **out)
{
	size_t n = strlen(s), i, k = 0;
	unsigned char *b = calloc(1, n / 2 + 1);
	int hi = -1;

	if (!b)
		return -1;
	for (i = 0; i < n; i++) {
		int v;

		if (isspace((unsigned char)s[i]))
			continue;
		v = hexval(s[i]);
		if (v < 0) {
			free(b);
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			b[k++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(b);
		return -1;
	}
	*out = b;
	return (long)k;
}

int main(int argc, char **argv)
{
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_run run = { 0 };
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_error err;
	unsigned char *code = NULL, *mem = NULL;
	char *in = NULL;
	size_t cap = 0, len = 0;
	long clen, mlen = 0;
	int c;

	while ((c = getchar()) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			in = realloc(in, cap);
			if (!in)
				return 2;
		}
		in[len++] = (char)c;
	}
	if (!in) {
		fprintf(stderr, "cgaddr-vm-plugin: no program on stdin\n");
		return 1;
	}
	in[len] = '\0';
	clen = unhex(in, &code);
	if (clen <= 0 || clen % 8) {
		printf("invalid program: expected hex bytes, 8 per instruction\n");
		return 1;
	}
	if (argc > 1 && argv[1][0]) {
		mlen = unhex(argv[1], &mem);
		if (mlen < 0) {
			printf("invalid memory: expected hex bytes\n");
			return 1;
		}
	}

	attr.insns = (const struct bpf_insn *)code;
	attr.insn_cnt = (u32)(clen / 8);
	attr.flags = CGADDR_VM_F_RAW;
	if (cgaddr_vm_load(&attr, &prog, &err)) {
		printf("%s\n", err.msg);
		return 1;
	}
	run.ctx = mem;
	run.ctx_len = (u32)mlen;
	run.scratch = aligned_alloc(64, CGADDR_VM_SCRATCH_SIZE);
	cgaddr_vm_exec(prog, &run);
	if (run.fault) {
		printf("insn %d: %s\n", run.fault_insn, cgaddr_vm_fault_str(run.fault));
		return 1;
	}
	printf("%llx\n", (unsigned long long)run.r0);
	cgaddr_vm_free(prog);
	free(run.scratch);
	free(code);
	free(mem);
	free(in);
	return 0;
}
