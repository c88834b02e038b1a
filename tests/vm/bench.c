// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's benchmark driver, run under callgrind by tests/vm/bench.sh.
 *
 *   cgaddr-vm-bench list
 *   cgaddr-vm-bench NAME N EXEC            built-in program NAME
 *   cgaddr-vm-bench --file BIN TYPE N EXEC program bytes from a file
 *   cgaddr-vm-bench --obj FILE.o list      "FUNC TYPE" per program of FILE.o
 *   cgaddr-vm-bench [--ctx ADDR PORT] --obj FILE.o FUNC N EXEC
 *                                          program FUNC of a clang-built object
 *
 * Objects go through the cgaddr tool's own loader (tools/obj.c, reloc.c:
 * subprograms, global data, maps), as `cgaddr prog load` would load them;
 * their maps are host maps of the module's map storage (module/vm_map.c).
 * --ctx sets the context's user address and port (default 0.0.0.0 or ::,
 * port 4040): the kernel selftest programs only rewrite the address they
 * test for.
 *
 * Loads the program, then loops N times: reset the context, then (if
 * EXEC is 1) run the program once.  With EXEC 0 the loop does everything
 * but the run, so the difference of two callgrind counts is the cost of
 * N runs alone.  Prints "insns_per_run R" (eBPF instructions of a first,
 * unmeasured run) and "r0 V", then "insns_total T" and "calls_total C":
 * with EXEC 1, the eBPF instructions of the N runs (a program using maps
 * need not run the same path every time) and their calls out of the VM:
 * helpers, and the ctx->sk view.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"
#include "vm_map.h"
#include "../../tools/obj.h"
#include "../../tools/reloc.h"
#include "../../tools/spec.h"
#include "../../tools/types.h"

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

/*
 * A helper call per iteration, 100 iterations: get_prandom_u32 (no
 * arguments; the bench's helper returns 0), the cost of a call itself.
 */
static const struct bpf_insn p_helper[] = {
	MOV64_IMM(6, 0),
	CALL(7),
	ALU64_IMM(BPF_ADD, 6, 1),
	JMP_IMM(BPF_JLT, 6, 100, -3),
	MOV64_IMM(0, 1),
	EXIT(),
};

/*
 * The same with getsockopt(ctx, SOL_SOCKET, SO_PRIORITY, fp - 8, 4), as
 * the kernel selftest programs call it: a context and a stack buffer for
 * the VM to check.
 */
static const struct bpf_insn p_helper_mem[] = {
	MOV64_REG(7, 1),
	MOV64_IMM(6, 0),
	MOV64_REG(1, 7),
	MOV64_IMM(2, 1),
	MOV64_IMM(3, 12),
	MOV64_REG(4, 10),
	ALU64_IMM(BPF_ADD, 4, -8),
	MOV64_IMM(5, 4),
	CALL(57),
	ALU64_IMM(BPF_ADD, 6, 1),
	JMP_IMM(BPF_JLT, 6, 100, -9),
	MOV64_IMM(0, 1),
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
	{ "helper", p_helper, NINSN(p_helper), BIND4 },
	{ "helper-mem", p_helper_mem, NINSN(p_helper_mem), BIND4 },
};

/* ---- host maps: the module's map storage, single-threaded ------------- */

/*
 * Elements a replace or a delete takes out of a table: freed after the
 * run, as RCU frees them in the module, since the program may still read
 * a value it looked up before.
 */
static void **retired;
static size_t nretired, cap_retired;

static void *h_alloc(void *priv, size_t size)
{
	return calloc(1, size);
}

static void h_free(void *priv, void *p)
{
	free(p);
}

static void h_free_rcu(void *priv, void *p)
{
	if (nretired == cap_retired) {
		cap_retired = cap_retired ? 2 * cap_retired : 64;
		retired = realloc(retired, cap_retired * sizeof(*retired));
		if (!retired) {
			fprintf(stderr, "bench: out of memory\n");
			exit(1);
		}
	}
	retired[nretired++] = p;
}

/* One thread: no writer to exclude. */
static void h_nolock(void *priv)
{
}

static void grace(void)
{
	while (nretired)
		free(retired[--nretired]);
}

static const struct vm_map_env map_env = {
	NULL, h_alloc, h_free, h_free_rcu, h_nolock, h_nolock
};

/* A map of the program's map table: cgaddr_vm_map.obj. */
struct bmap {
	struct vm_map *tab;
	bool sk_storage;
};

static struct bmap bmaps[SPEC_MAX_MAPS];
static struct cgaddr_vm_map vmaps[SPEC_MAX_MAPS];
static struct cgaddr_vm_data vdata[CGADDR_MAX_DATA];
static u32 nbmaps;

/* The map the module would create for @pm (module/map.c), on the host. */
static int map_create(const struct prog_map *pm, struct bmap *b, struct cgaddr_vm_map *vm)
{
	struct vm_map_attr a = { pm->type, pm->key_size, pm->value_size, pm->max_entries, 1,
				 0x1234 };
	char msg[96];
	u64 mem;

	if (pm->flags & ~BPF_F_NO_PREALLOC) {
		fprintf(stderr, "bench: map %s: unsupported map flags %#x\n", pm->name, pm->flags);
		return -1;
	}
	b->sk_storage = pm->type == BPF_MAP_TYPE_SK_STORAGE;
	if (b->sk_storage) {
		/* As the module: a table keyed by the socket's cookie. */
		if (pm->key_size != 4) {
			fprintf(stderr, "bench: map %s: an sk_storage map's key is 4 bytes, "
				"not %u\n", pm->name, pm->key_size);
			return -1;
		}
		a.type = BPF_MAP_TYPE_LRU_HASH;
		a.key_size = sizeof(u64);
		a.max_entries = pm->max_entries ? pm->max_entries : CGADDR_SK_STORAGE_DEFAULT;
	}
	if (vm_map_check(&a, &mem, msg, sizeof(msg))) {
		fprintf(stderr, "bench: map %s: %s\n", pm->name, msg);
		return -1;
	}
	b->tab = vm_map_new(&a, &map_env);
	if (!b->tab) {
		fprintf(stderr, "bench: map %s: out of memory\n", pm->name);
		return -1;
	}
	vm->obj = b;
	vm->key_size = pm->key_size;
	vm->value_size = pm->value_size;
	return 0;
}

/* ---- helpers and the socket ------------------------------------------- */

/* ctx->sk: the socket of the context (family, type, protocol). */
static struct bpf_sock sk_view;
/* Its cookie: the key of its sk_storage entries. */
static const u64 sk_cookie = 1;
static u8 zero_value[VM_MAP_MAX_VALUE];
/* Calls out of the VM (helpers, the ctx->sk view), for "calls_total". */
static unsigned long ncalls;

static int sk_storage_get(struct bmap *m, struct cgaddr_vm_hcall *c)
{
	u64 flags = c->arg[3];
	void *v;

	if (!c->arg[1] || (flags & ~(u64)BPF_SK_STORAGE_GET_F_CREATE))
		return 0;
	v = vm_map_lookup(m->tab, &sk_cookie, 0);
	if (!v && (flags & BPF_SK_STORAGE_GET_F_CREATE)) {
		const void *init = c->arg[2] ? (const void *)(uintptr_t)c->arg[2] : zero_value;

		vm_map_update(m->tab, &sk_cookie, init, BPF_NOEXIST, 0);
		v = vm_map_lookup(m->tab, &sk_cookie, 0);
	}
	c->region.host = v;
	c->region.len = c->map->value_size;
	c->region.flags = CGADDR_VM_R_WRITE;
	return 0;
}

/*
 * Map helpers work on the host maps as the module's do (module/map.c).
 * Every other helper does nothing and returns 0: a socket lookup finds
 * nothing, getsockopt leaves the buffer as it was, setsockopt and bind
 * succeed.  A program then takes the path that leads to, not always the
 * one it takes in a kernel (the kernel selftests' programs give up early
 * when a socket option does not read back as they expect): fine for what
 * is measured here, the VM's cost per eBPF instruction, not the helpers'.
 */
static int helper_call(void *env, struct cgaddr_vm_hcall *c)
{
	struct bmap *m = c->map ? c->map->obj : NULL;
	const void *key = (const void *)(uintptr_t)c->arg[1];

	ncalls++;
	switch (c->id) {
	case 1:
	case 2:
	case 3:
		/* The verifier ties these helpers to map types; the module faults. */
		if (!m || m->sk_storage)
			return -1;
		if (c->id == 1) {
			c->region.host = vm_map_lookup(m->tab, key, 0);
			c->region.len = c->map->value_size;
			c->region.flags = CGADDR_VM_R_WRITE;
		} else if (c->id == 2) {
			c->ret = vm_map_update(m->tab, key, (const void *)(uintptr_t)c->arg[2],
					       c->arg[3], 0);
		} else {
			c->ret = vm_map_delete(m->tab, key);
		}
		return 0;
	case 107:
	case 108:
		if (!m || !m->sk_storage)
			return -1;
		if (c->id == 107)
			return sk_storage_get(m, c);
		c->ret = (s64)(c->arg[1] ? vm_map_delete(m->tab, &sk_cookie) : -ENOENT);
		return 0;
	case 6:
		/* trace_printk: the VM formatted the text, c->ret is its length. */
		return 0;
	}
	c->ret = 0;
	return 0;
}

/* Asked once per run, at the first use of ctx->sk: counted as a call. */
static int sk_view_op(void *env, struct cgaddr_vm_region *r)
{
	ncalls++;
	r->host = &sk_view;
	r->len = CGADDR_VM_SK_SIZE;
	r->flags = CGADDR_VM_R_SOCK;
	r->obj = &sk_view;
	return 0;
}

static const struct cgaddr_vm_ops ops = { helper_call, sk_view_op, NULL };

/*
 * A bind, connect, ... of 0.0.0.0:4040 or [::]:4040 (what the built-in
 * programs rewrite) on the socket type typical of the hook: TCP, UDP for
 * sendmsg and recvmsg.
 */
static void init_ctx(struct bpf_sock_addr *c, u32 type)
{
	const struct attach_type *t = type_by_attach(type);
	bool dgram = t && t->sock_type == SOCK_DGRAM;

	memset(c, 0, sizeof(*c));
	c->user_family = t && t->family == AF_INET6 ? AF_INET6 : AF_INET;
	c->family = c->user_family;
	c->type = dgram ? SOCK_DGRAM : SOCK_STREAM;
	c->protocol = dgram ? IPPROTO_UDP : IPPROTO_TCP;
	c->user_port = htons(4040);

	memset(&sk_view, 0, sizeof(sk_view));
	sk_view.family = c->family;
	sk_view.type = c->type;
	sk_view.protocol = c->protocol;
}

/* --ctx ADDR PORT: the user address and port of the context. */
static int set_ctx_addr(struct bpf_sock_addr *c, const char *addr, const char *port)
{
	char *end;
	unsigned long p = strtoul(port, &end, 0);

	if (!*port || *end || p > 65535) {
		fprintf(stderr, "bench: bad port %s\n", port);
		return -1;
	}
	c->user_port = htons(p);
	if (c->user_family == AF_INET && inet_pton(AF_INET, addr, &c->user_ip4) == 1)
		return 0;
	if (c->user_family == AF_INET6 && inet_pton(AF_INET6, addr, c->user_ip6) == 1)
		return 0;
	fprintf(stderr, "bench: %s is not an IPv%d address\n", addr,
		c->user_family == AF_INET ? 4 : 6);
	return -1;
}

/* ---- objects ------------------------------------------------------------ */

/* --obj FILE.o list: every program, "FUNC TYPE" ("-" for a foreign section). */
static int obj_list(const char *path)
{
	struct obj *obj;
	u32 i;

	if (obj_open(path, &obj))
		return 1;
	for (i = 0; i < obj->nfuncs; i++) {
		const struct obj_func *f = &obj->funcs[i];
		const struct attach_type *t;

		if (obj->secs[f->sec].kind != SEC_PROG)
			continue;
		t = type_by_section(obj->secs[f->sec].name);
		printf("%s %s\n", f->name, t ? t->name : "-");
	}
	obj_close(obj);
	return 0;
}

/*
 * Program @func of @path, linked by the tool's loader, into @attr: its
 * data sections, and a new host map for each map of its table.
 */
static int obj_load(const char *path, const char *func, struct prog_spec **specsp,
		    u32 *nspecs, struct cgaddr_vm_load_attr *attr)
{
	struct load_opts o = { .func = func };
	struct prog_spec *s;
	struct obj *obj;
	u32 i;
	int ret;

	if (obj_open(path, &obj))
		return -1;
	ret = obj_build_progs(obj, &o, specsp, nspecs);
	obj_close(obj);
	if (ret)
		return -1;
	s = &(*specsp)[0];
	for (i = 0; i < s->data_cnt; i++) {
		vdata[i].bytes = s->data[i].bytes;
		vdata[i].len = s->data[i].size;
		if (s->data[i].flags & CGADDR_DATA_F_RDONLY)
			vdata[i].flags = CGADDR_VM_DATA_RDONLY;
	}
	for (nbmaps = 0; nbmaps < s->map_cnt; nbmaps++)
		if (map_create(&s->maps[nbmaps], &bmaps[nbmaps], &vmaps[nbmaps]))
			return -1;
	attr->insns = s->insns;
	attr->insn_cnt = s->insn_cnt;
	attr->attach_type = s->attach_type;
	attr->flags = s->flags & CGADDR_PROG_F_LARGE ? CGADDR_VM_F_LARGE : 0;
	attr->ndata = s->data_cnt;
	attr->data = vdata;
	attr->nmaps = s->map_cnt;
	attr->maps = vmaps;
	return 0;
}

/* Keeps the EXEC 0 loop from being optimised away. */
static noinline void barrier_run(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s list | NAME N EXEC | --file BIN TYPE N EXEC |\n"
		"       --obj FILE.o list | [--ctx ADDR PORT] --obj FILE.o FUNC N EXEC\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_run run = { 0 };
	const char *ctx_addr = NULL, *ctx_port = NULL;
	struct prog_spec *specs = NULL;
	struct cgaddr_vm_prog *prog;
	struct cgaddr_vm_error verr;
	struct bpf_sock_addr ctx, ctx0;
	struct bpf_insn *buf = NULL;
	unsigned long n, i;
	u32 nspecs = 0;
	u64 total = 0;
	void *scratch;
	int exec, a = 1;
	size_t k;

	make_line();
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (k = 0; k < NINSN(progs); k++)
			printf("%s\n", progs[k].name);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--obj") && !strcmp(argv[3], "list"))
		return obj_list(argv[2]);
	if (argc > 3 && !strcmp(argv[1], "--ctx")) {
		ctx_addr = argv[2];
		ctx_port = argv[3];
		argc -= 3;
		argv += 3;
	}
	if (argc == 6 && !strcmp(argv[1], "--obj")) {
		if (obj_load(argv[2], argv[3], &specs, &nspecs, &attr))
			return 1;
		a = 4;
	} else if (ctx_addr) {
		return usage(argv[0]);
	} else if (argc == 6 && !strcmp(argv[1], "--file")) {
		const struct attach_type *t = type_by_name(argv[3]);
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
		if (!t) {
			fprintf(stderr, "bench: unknown attach type %s\n", argv[3]);
			return 2;
		}
		attr.attach_type = t->attach;
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
		return usage(argv[0]);
	}
	n = strtoul(argv[a], NULL, 0);
	exec = atoi(argv[a + 1]);

	if (cgaddr_vm_load(&attr, &prog, &verr)) {
		fprintf(stderr, "bench: load: %s\n", verr.msg[0] ? verr.msg : "failed");
		return 1;
	}
	scratch = aligned_alloc(64, CGADDR_VM_SCRATCH_SIZE);
	init_ctx(&ctx0, attr.attach_type);
	if (ctx_addr && set_ctx_addr(&ctx0, ctx_addr, ctx_port))
		return 2;
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
	grace();
	ncalls = 0;
	printf("insns_per_run %llu\nr0 %llu\n", (unsigned long long)run.insn_cnt,
	       (unsigned long long)run.r0);

	/* Both loops sum insn_cnt and check for retired elements: that cancels out. */
	for (i = 0; i < n; i++) {
		ctx = ctx0;
		if (exec)
			cgaddr_vm_exec(prog, &run);
		else
			barrier_run(&run);
		total += run.insn_cnt;
		if (nretired)
			grace();
	}
	/* Printed with EXEC 0 too (meaningless then): the same cost in both counts. */
	printf("insns_total %llu\ncalls_total %lu\n", (unsigned long long)total, ncalls);
	cgaddr_vm_free(prog);
	for (i = 0; i < nbmaps; i++)
		vm_map_free(bmaps[i].tab);
	for (i = 0; i < nspecs; i++)
		spec_free(&specs[i]);
	free(specs);
	free(retired);
	free(scratch);
	free(buf);
	return 0;
}
