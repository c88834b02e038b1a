// SPDX-License-Identifier: GPL-2.0
/*
 * Run the eBPF conformance vectors (../shared/conformance/vectors, one
 * NAME.vec each: groups, mem, program, result) through the VM in its
 * conformance mode.
 *
 *   cgaddr-vm-conformance [-v] [VECTOR_DIR]
 *
 * Closing line: "conformance: N passed, M failed, K skipped"; every skip
 * names its reason; the exit status is non-zero on any failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

struct vec {
	char name[128];
	char groups[256];
	char *mem;
	char *prog;
	char *result;
	char *error;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex into a fresh buffer; -1 on bad input. */
static long unhex(const char *s, unsigned char **out)
{
	size_t n = strlen(s), i;
	unsigned char *b;

	if (n % 2)
		return -1;
	b = calloc(1, n / 2 + 1);
	if (!b)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return -1;
		}
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = b;
	return (long)(n / 2);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int parse(const char *path, struct vec *v)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return -1;
	memset(v, 0, sizeof(*v));
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':'), *val;

		if (!colon)
			continue;
		*colon = '\0';
		val = trim(colon + 1);
		if (!strcmp(line, "name"))
			snprintf(v->name, sizeof(v->name), "%s", val);
		else if (!strcmp(line, "groups"))
			snprintf(v->groups, sizeof(v->groups), " %s ", val);
		else if (!strcmp(line, "mem"))
			v->mem = strdup(val);
		else if (!strcmp(line, "program"))
			v->prog = strdup(val);
		else if (!strcmp(line, "result"))
			v->result = strdup(val);
		else if (!strcmp(line, "error"))
			v->error = strdup(val);
	}
	free(line);
	fclose(f);
	return v->prog && (v->result || v->error) ? 0 : -1;
}

/* Groups the VM does not run, and why. */
static const struct {
	const char *group;
	const char *why;
} skips[] = {
	{ "callx", "callx: indirect calls are not part of the kernel's program format" },
	{ "packet", "packet: legacy LD_ABS/LD_IND are rejected at load by design" },
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = "../shared/conformance/vectors";
	int passed = 0, failed = 0, skipped = 0, verbose = 0;
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	void *scratch;
	DIR *d;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = 1;
		else
			dir = argv[a];
	}
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "conformance: cannot open %s\n", dir);
		printf("conformance: 0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".vec")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	scratch = aligned_alloc(64, CGADDR_VM_SCRATCH_SIZE);

	for (i = 0; i < n; i++) {
		char path[4096], got[64];
		struct cgaddr_vm_load_attr attr = { 0 };
		struct cgaddr_vm_run run = { 0 };
		struct cgaddr_vm_prog *prog = NULL;
		struct cgaddr_vm_error err;
		unsigned char *code = NULL, *mem = NULL;
		long clen, mlen = 0;
		const char *why = NULL;
		struct vec v;
		size_t s;
		int ret;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (parse(path, &v)) {
			printf("FAIL %s: cannot parse\n", names[i]);
			failed++;
			continue;
		}
		for (s = 0; s < sizeof(skips) / sizeof(skips[0]); s++) {
			char g[64];

			snprintf(g, sizeof(g), " %s ", skips[s].group);
			if (strstr(v.groups, g))
				why = skips[s].why;
		}
		if (why) {
			printf("SKIP %s: %s\n", v.name, why);
			skipped++;
			goto next;
		}
		clen = unhex(v.prog, &code);
		if (v.mem && *v.mem)
			mlen = unhex(v.mem, &mem);
		if (clen <= 0 || clen % 8 || mlen < 0) {
			printf("FAIL %s: bad hex\n", v.name);
			failed++;
			goto next;
		}
		attr.insns = (const struct bpf_insn *)code;
		attr.insn_cnt = (u32)(clen / 8);
		attr.flags = CGADDR_VM_F_RAW;
		ret = cgaddr_vm_load(&attr, &prog, &err);
		if (ret) {
			snprintf(got, sizeof(got), "load error");
			if (v.error) {
				passed++;
				if (verbose)
					printf("PASS %s (error: %s)\n", v.name, err.msg);
			} else {
				printf("FAIL %s: %s\n", v.name, err.msg);
				failed++;
			}
			goto next;
		}
		run.ctx = mem;
		run.ctx_len = (u32)mlen;
		run.scratch = scratch;
		cgaddr_vm_exec(prog, &run);
		if (run.fault) {
			if (v.error) {
				passed++;
			} else {
				printf("FAIL %s: fault at insn %d: %s\n", v.name, run.fault_insn,
				       cgaddr_vm_fault_str(run.fault));
				failed++;
			}
		} else if (v.error) {
			printf("FAIL %s: expected error '%s', got r0 0x%llx\n", v.name, v.error,
			       (unsigned long long)run.r0);
			failed++;
		} else if (strtoull(v.result, NULL, 16) != run.r0) {
			printf("FAIL %s: expected %s, got 0x%llx\n", v.name, v.result,
			       (unsigned long long)run.r0);
			failed++;
		} else {
			passed++;
			if (verbose)
				printf("PASS %s (%llu insns)\n", v.name,
				       (unsigned long long)run.insn_cnt);
		}
next:
		cgaddr_vm_free(prog);
		free(code);
		free(mem);
		free(v.mem);
		free(v.prog);
		free(v.result);
		free(v.error);
		free(names[i]);
	}
	free(names);
	free(scratch);
	printf("conformance: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
