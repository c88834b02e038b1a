// SPDX-License-Identifier: GPL-2.0
/*
 * Host runner of the adversarial corpus (tests/vm/adversarial/NAME.prog,
 * format in adv_file.h): each program is loaded into the VM as the module
 * loads it (the module's helper set) and, when it loads, run on the
 * standard context; the outcome must be the one the file states.  Built
 * with ASan and UBSan, so a program that gets the VM to touch memory it
 * should not is caught even when the outcome looks right.
 *
 *   cgaddr-vm-adversarial FILE...
 *   cgaddr-vm-adversarial --seeds DIR FILE...
 *
 * Prints a line per mismatch and ends with "adversarial: A/B as expected".
 * With --seeds, each program is also written to DIR as an input of the
 * libFuzzer target (tests/vm/fuzz.c's format), so that fuzzing starts
 * from the corpus's corner cases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"
#include "adv_file.h"

_Static_assert(ADV_NFAULTS == CGADDR_VM_NFAULTS, "adv_fault_names out of date");

/* module/helpers.c's helper ids: a helper the module lacks is "unknown". */
static const u8 module_helpers[] = {
	5, 7, 8, 14, 15, 16, 46, 64, 80, 122, 123, 125, 160, 186, 187,
};

struct env {
	struct bpf_sock sk;
};

/*
 * The helpers only get checked arguments: fill what they may write, and
 * answer with a fixed value.  Nothing here may be reached with a pointer
 * outside the program's regions; ASan would say so.
 */
static int h_call(void *envp, struct cgaddr_vm_hcall *c)
{
	const struct cgaddr_vm_helper *h = cgaddr_vm_helper(c->id);
	int a;

	for (a = 0; a < 4; a++)
		if (h->arg[a] == CGADDR_VM_ARG_MEM_RW)
			memset((void *)(uintptr_t)c->arg[a], 'x', c->arg[a + 1]);
	c->ret = 0;
	return 0;
}

static int h_sk_view(void *envp, struct cgaddr_vm_region *r)
{
	struct env *e = envp;

	r->host = &e->sk;
	r->len = sizeof(e->sk);
	r->flags = CGADDR_VM_R_SOCK;
	r->obj = e;
	return 0;
}

static const struct cgaddr_vm_ops h_ops = { .call = h_call, .sk_view = h_sk_view };

/* 0 if @p behaves as its file says, else 1 with a line saying how not. */
static int check(const struct adv_prog *p, const u64 *mask)
{
	static u64 scratch[CGADDR_VM_SCRATCH_SIZE / 8];
	struct cgaddr_vm_data data[ADV_MAX_DATA] = {};
	struct cgaddr_vm_load_attr la = {
		.insns = p->insns,
		.insn_cnt = p->cnt,
		.attach_type = p->attach_type,
		.flags = p->flags & CGADDR_PROG_F_LARGE ? CGADDR_VM_F_LARGE : 0,
		.ndata = p->ndata,
		.data = data,
		.helper_mask = mask,
	};
	struct cgaddr_vm_error verr = {};
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_run run = {};
	struct bpf_sock_addr ctx;
	struct env env = {};
	u32 i;
	int err;

	for (i = 0; i < p->ndata; i++) {
		data[i].len = p->data_len[i];
		if (p->data_flags[i] & CGADDR_DATA_F_RDONLY)
			data[i].flags = CGADDR_VM_DATA_RDONLY;
	}
	err = cgaddr_vm_load(&la, &prog, &verr);
	if (err) {
		if (p->expect == ADV_REJECT && !strcmp(verr.msg, p->msg))
			return 0;
		printf("MISMATCH %s: rejected (%d) '%s'\n", adv_name(p), err, verr.msg);
		return 1;
	}
	if (p->expect == ADV_REJECT) {
		printf("MISMATCH %s: loaded, expected reject '%s'\n", adv_name(p), p->msg);
		cgaddr_vm_free(prog);
		return 1;
	}
	adv_ctx(p, &ctx);
	run.ctx = &ctx;
	run.ops = &h_ops;
	run.env = &env;
	run.scratch = scratch;
	cgaddr_vm_exec(prog, &run);
	cgaddr_vm_free(prog);
	if (p->expect == ADV_FAULT && run.fault == (u32)p->fault)
		return 0;
	if (p->expect == ADV_OK && !run.fault && run.r0 == p->r0)
		return 0;
	printf("MISMATCH %s: ran, fault %s at insn %d, r0 %#llx, %llu insns\n", adv_name(p),
	       adv_fault_names[run.fault < ADV_NFAULTS ? run.fault : 0], run.fault_insn,
	       (unsigned long long)run.r0, (unsigned long long)run.insn_cnt);
	return 1;
}

/* fuzz.c's input: [type][mode][budget][pad][72 bytes ctx][80 bytes sk][insns]. */
static int write_seed(const char *dir, const struct adv_prog *p)
{
	u8 hdr[4 + 72 + 80] = {};
	struct bpf_sock_addr ctx;
	char path[4096];
	FILE *f;
	int ok;

	hdr[0] = (u8)cgaddr_vm_type_index(p->attach_type);
	hdr[2] = 255;	/* the largest budget the format gives */
	adv_ctx(p, &ctx);
	memcpy(hdr + 4, &ctx, sizeof(ctx));
	snprintf(path, sizeof(path), "%s/adv-%s", dir, adv_name(p));
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(hdr, sizeof(hdr), 1, f) == 1 &&
	     fwrite(p->insns, sizeof(p->insns[0]), p->cnt, f) == p->cnt;
	return fclose(f) || !ok ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct adv_prog p;
	const char *seeds = NULL;
	u64 mask[4] = {};
	int i, good = 0;

	if (argc > 2 && !strcmp(argv[1], "--seeds")) {
		seeds = argv[2];
		argc -= 2;
		argv += 2;
	}

	for (i = 0; i < (int)sizeof(module_helpers); i++)
		mask[module_helpers[i] / 64] |= 1ULL << (module_helpers[i] % 64);
	for (i = 1; i < argc; i++) {
		if (adv_parse(argv[i], &p))
			return 2;
		good += !check(&p, mask);
		if (seeds && write_seed(seeds, &p)) {
			fprintf(stderr, "%s: cannot write its seed to %s\n", argv[i], seeds);
			return 2;
		}
	}
	printf("adversarial: %d/%d as expected\n", good, argc - 1);
	return good == argc - 1 && argc > 1 ? 0 : 1;
}
