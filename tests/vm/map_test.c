// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the map storage (module/vm_map.c) under ASan/UBSan, and of
 * programs using real maps through the VM: ARRAY, PERCPU_ARRAY, HASH,
 * LRU_HASH, update flags, limits, iteration, deferred frees, and
 * concurrent readers while a writer replaces and deletes elements.
 *
 * Closing line: "map_test: N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_asm.h"
#include "vm_map.h"

#include "../check.h"

/*
 * The environment: a mutex for writers, and a "grace period" that ends
 * when the test calls grace(): elements given to free_rcu are kept until
 * then, so ASan reports any access after that point.
 */
struct henv {
	pthread_mutex_t lock;
	pthread_mutex_t glock;
	void **garbage;
	size_t ngarbage, cap;
	long allocs, frees;
	int fail_alloc;
};

static void *h_alloc(void *priv, size_t size)
{
	struct henv *e = priv;

	if (e->fail_alloc)
		return NULL;
	__atomic_add_fetch(&e->allocs, 1, __ATOMIC_RELAXED);
	return calloc(1, size);
}

static void h_free(void *priv, void *p)
{
	struct henv *e = priv;

	__atomic_add_fetch(&e->frees, 1, __ATOMIC_RELAXED);
	free(p);
}

static void h_free_rcu(void *priv, void *p)
{
	struct henv *e = priv;

	pthread_mutex_lock(&e->glock);
	if (e->ngarbage == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->garbage = realloc(e->garbage, e->cap * sizeof(void *));
	}
	e->garbage[e->ngarbage++] = p;
	pthread_mutex_unlock(&e->glock);
}

static void h_lock(void *priv)
{
	pthread_mutex_lock(&((struct henv *)priv)->lock);
}

static void h_unlock(void *priv)
{
	pthread_mutex_unlock(&((struct henv *)priv)->lock);
}

static void grace(struct henv *e)
{
	size_t i;

	for (i = 0; i < e->ngarbage; i++)
		h_free(e, e->garbage[i]);
	e->ngarbage = 0;
}

static struct henv henv = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.glock = PTHREAD_MUTEX_INITIALIZER,
};
static const struct vm_map_env env = { &henv, h_alloc, h_free, h_free_rcu, h_lock, h_unlock };

static struct vm_map *mk(u32 type, u32 key, u32 value, u32 max, u32 ncpus)
{
	struct vm_map_attr a = { type, key, value, max, ncpus, 0x1234 };

	return vm_map_new(&a, &env);
}

static u32 u32v(const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static void test_check(void)
{
	struct vm_map_attr a = { BPF_MAP_TYPE_HASH, 4, 8, 16, 1, 0 };
	char msg[96];
	u64 mem = 0;

	CHECK(!vm_map_check(&a, &mem, msg, sizeof(msg)) && mem > 16 * 12, "hash ok, mem %llu",
	      (unsigned long long)mem);
	a.type = BPF_MAP_TYPE_RINGBUF;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL &&
	      !strcmp(msg, "map type 27 is not supported"), "%s", msg);
	a.type = BPF_MAP_TYPE_HASH;
	a.key_size = 513;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL &&
	      !strcmp(msg, "key size 513 outside 1..512"), "%s", msg);
	a.key_size = 0;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL, "key 0");
	a.key_size = 4;
	a.value_size = VM_MAP_MAX_VALUE + 1;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL, "value too big");
	a.value_size = 8;
	a.max_entries = 0;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL &&
	      !strcmp(msg, "max_entries 0 outside 1..1048576"), "%s", msg);
	a.max_entries = VM_MAP_MAX_ENTRIES + 1;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL, "too many entries");
	a.max_entries = 4;
	a.type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 8;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL &&
	      !strcmp(msg, "an array's key is a 4-byte index, not 8 bytes"), "%s", msg);
	a.key_size = 4;
	a.value_size = 5;
	CHECK(!vm_map_check(&a, &mem, msg, sizeof(msg)) && mem == 32, "array mem %llu",
	      (unsigned long long)mem);
	a.type = BPF_MAP_TYPE_PERCPU_ARRAY;
	a.ncpus = 3;
	CHECK(!vm_map_check(&a, &mem, msg, sizeof(msg)) && mem == 96, "pcpu mem %llu",
	      (unsigned long long)mem);
	a.ncpus = 0;
	CHECK(vm_map_check(&a, &mem, msg, sizeof(msg)) == -EINVAL, "pcpu without cpus");
}

static void test_array(void)
{
	struct vm_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 6, 3, 1);
	u8 v[6] = { 1, 2, 3, 4, 5, 6 };
	u32 k = 1, nk, n;
	u8 *p;

	CHECK(m && vm_map_count(m) == 3, "count");
	p = vm_map_lookup(m, &k, 0);
	CHECK(p && !memcmp(p, "\0\0\0\0\0\0", 6), "zero-filled");
	CHECK(!vm_map_update(m, &k, v, BPF_ANY, 0) && !memcmp(vm_map_lookup(m, &k, 0), v, 6),
	      "any");
	CHECK(!vm_map_update(m, &k, v, BPF_EXIST, 0), "exist");
	CHECK(vm_map_update(m, &k, v, BPF_NOEXIST, 0) == -EEXIST, "noexist");
	CHECK(vm_map_update(m, &k, v, 4, 0) == -EINVAL, "bad flags");
	k = 3;
	CHECK(!vm_map_lookup(m, &k, 0), "out of range lookup");
	CHECK(vm_map_update(m, &k, v, BPF_ANY, 0) == -E2BIG, "out of range update");
	CHECK(vm_map_delete(m, &k) == -EINVAL, "delete");
	CHECK(!vm_map_next_key(m, NULL, &nk) && nk == 0, "first");
	k = 1;
	CHECK(!vm_map_next_key(m, &k, &nk) && nk == 2, "next");
	k = 2;
	CHECK(vm_map_next_key(m, &k, &nk) == -ENOENT, "last");
	k = 77;
	CHECK(!vm_map_next_key(m, &k, &nk) && nk == 0, "restart");
	for (n = 0, k = 0; !vm_map_next_key(m, n ? &k : NULL, &nk); n++)
		k = nk;
	CHECK(n == 3, "iterated %u", n);
	vm_map_free(m);
}

static void test_percpu(void)
{
	struct vm_map *m = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 3);
	u32 k = 1, v = 7, all[6] = { 10, 0, 11, 0, 12, 0 };

	CHECK(m && vm_map_pcpu_stride(m) == 8, "stride");
	CHECK(!vm_map_update(m, &k, &v, BPF_ANY, 1), "cpu 1");
	CHECK(u32v(vm_map_lookup(m, &k, 1)) == 7 && u32v(vm_map_lookup(m, &k, 0)) == 0 &&
	      u32v(vm_map_lookup(m, &k, 2)) == 0, "only cpu 1");
	CHECK(!vm_map_lookup(m, &k, 3), "cpu out of range");
	CHECK(!vm_map_update(m, &k, all, BPF_ANY, 3), "all cpus");
	CHECK(u32v(vm_map_lookup(m, &k, 0)) == 10 && u32v(vm_map_lookup(m, &k, 1)) == 11 &&
	      u32v(vm_map_lookup(m, &k, 2)) == 12, "each cpu");
	CHECK(!vm_map_update(m, &k, &v, BPF_ANY, 99), "one value everywhere");
	CHECK(u32v(vm_map_lookup(m, &k, 0)) == 7 && u32v(vm_map_lookup(m, &k, 2)) == 7, "set");
	vm_map_free(m);
}

static void test_hash(void)
{
	struct vm_map *m = mk(BPF_MAP_TYPE_HASH, 3, 4, 4, 1);
	u8 k[3] = { 1, 2, 3 }, nk[3], seen = 0;
	u32 v = 5, i, n;
	void *p;

	CHECK(m && vm_map_count(m) == 0, "empty");
	CHECK(!vm_map_lookup(m, k, 0), "absent");
	CHECK(vm_map_update(m, k, &v, BPF_EXIST, 0) == -ENOENT, "exist on absent");
	CHECK(vm_map_delete(m, k) == -ENOENT, "delete absent");
	CHECK(vm_map_next_key(m, NULL, nk) == -ENOENT, "empty iteration");
	CHECK(!vm_map_update(m, k, &v, BPF_NOEXIST, 0), "noexist on absent");
	CHECK(vm_map_update(m, k, &v, BPF_NOEXIST, 0) == -EEXIST, "noexist on present");
	p = vm_map_lookup(m, k, 0);
	CHECK(p && u32v(p) == 5, "lookup");
	v = 6;
	CHECK(!vm_map_update(m, k, &v, BPF_EXIST, 0), "exist on present");
	/* The old element is retired, not freed: a holder still reads 5. */
	CHECK(u32v(p) == 5 && u32v(vm_map_lookup(m, k, 0)) == 6 && vm_map_count(m) == 1,
	      "replace");
	for (i = 0; i < 3; i++) {
		k[0] = 10 + i;
		CHECK(!vm_map_update(m, k, &i, BPF_ANY, 0), "fill %u", i);
	}
	k[0] = 99;
	CHECK(vm_map_update(m, k, &v, BPF_ANY, 0) == -E2BIG && vm_map_count(m) == 4, "full");
	k[0] = 10;
	CHECK(!vm_map_update(m, k, &v, BPF_ANY, 0), "replace when full");
	for (n = 0; !vm_map_next_key(m, n ? k : NULL, nk); n++) {
		memcpy(k, nk, 3);
		seen |= 1 << (k[0] == 1 ? 0 : k[0] - 9);
	}
	CHECK(n == 4 && seen == 0xf, "iteration %u %x", n, seen);
	k[0] = 11;
	CHECK(!vm_map_delete(m, k) && !vm_map_lookup(m, k, 0) && vm_map_count(m) == 3, "delete");
	k[0] = 99;
	CHECK(!vm_map_update(m, k, &v, BPF_ANY, 0), "room again");
	k[0] = 12;
	CHECK(vm_map_update(m, k, &v, 8, 0) == -EINVAL, "bad flags");
	henv.fail_alloc = 1;
	CHECK(vm_map_update(m, k, &v, BPF_ANY, 0) == -ENOMEM, "no memory");
	henv.fail_alloc = 0;
	vm_map_free(m);
	grace(&henv);
	CHECK(henv.allocs == henv.frees, "allocs %ld frees %ld", henv.allocs, henv.frees);
}

static void test_lru(void)
{
	struct vm_map *m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 4, 3, 1);
	u32 k, v;

	for (k = 1; k <= 3; k++)
		vm_map_update(m, &k, &k, BPF_ANY, 0);
	k = 1;
	CHECK(vm_map_lookup(m, &k, 0), "1 used");
	k = 4;
	v = 4;
	CHECK(!vm_map_update(m, &k, &v, BPF_ANY, 0) && vm_map_count(m) == 3, "evicts");
	k = 2;
	CHECK(!vm_map_lookup(m, &k, 0), "2 (oldest unused) evicted");
	k = 1;
	CHECK(vm_map_lookup(m, &k, 0), "1 (used) kept");
	k = 3;
	CHECK(vm_map_lookup(m, &k, 0), "3 kept");
	/* Everything used: the sweep clears the bits and evicts the oldest. */
	k = 4;
	vm_map_lookup(m, &k, 0);
	k = 5;
	CHECK(!vm_map_update(m, &k, &v, BPF_ANY, 0) && vm_map_count(m) == 3, "all used");
	for (k = 1, v = 0; k <= 5; k++)
		v += vm_map_lookup(m, &k, 0) != NULL;
	CHECK(v == 3, "three left");
	k = 5;
	CHECK(vm_map_update(m, &k, &v, BPF_NOEXIST, 0) == -EEXIST, "noexist");
	vm_map_free(m);
	grace(&henv);
	CHECK(henv.allocs == henv.frees, "allocs %ld frees %ld", henv.allocs, henv.frees);
}

/* ---- readers and a writer at once ------------------------------------------------ */

struct race {
	struct vm_map *m;
	int stop;
	long lookups, bad;
};

static void *reader(void *arg)
{
	struct race *r = arg;
	u8 key[8];
	u32 i;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		for (i = 0; i < 64; i++) {
			u8 *v;
			int j;

			memset(key, i, sizeof(key));
			v = vm_map_lookup(r->m, key, 0);
			r->lookups++;
			if (!v)
				continue;
			/* Values are written whole before they are published. */
			for (j = 1; j < 32; j++)
				if (v[j] != v[0])
					r->bad++;
		}
	}
	return NULL;
}

static void test_race(void)
{
	struct race r = { .m = mk(BPF_MAP_TYPE_LRU_HASH, 8, 32, 48, 1) };
	pthread_t t[2];
	u8 key[8], val[32];
	u32 i;

	pthread_create(&t[0], NULL, reader, &r);
	pthread_create(&t[1], NULL, reader, &r);
	for (i = 0; i < 200000; i++) {
		memset(key, i % 64, sizeof(key));
		memset(val, i & 0xff, sizeof(val));
		if (i % 7 == 0)
			vm_map_delete(r.m, key);
		else
			vm_map_update(r.m, key, val, BPF_ANY, 0);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK(r.bad == 0 && r.lookups > 0, "%ld torn values in %ld lookups", r.bad, r.lookups);
	CHECK(vm_map_count(r.m) <= 48, "count %u", vm_map_count(r.m));
	vm_map_free(r.m);
	grace(&henv);
	CHECK(henv.allocs == henv.frees, "allocs %ld frees %ld", henv.allocs, henv.frees);
}

/* ---- programs using real maps through the VM ------------------------------------ */

static int p_call(void *envp, struct cgaddr_vm_hcall *c)
{
	struct vm_map *m = (void *)(uintptr_t)c->arg[0];

	switch (c->id) {
	case 1:
		c->region.host = vm_map_lookup(m, (void *)(uintptr_t)c->arg[1], 0);
		c->region.len = c->map->value_size;
		c->region.flags = CGADDR_VM_R_WRITE;
		return 0;
	case 2:
		c->ret = vm_map_update(m, (void *)(uintptr_t)c->arg[1],
				       (void *)(uintptr_t)c->arg[2], c->arg[3], 0);
		return 0;
	case 3:
		c->ret = vm_map_delete(m, (void *)(uintptr_t)c->arg[1]);
		return 0;
	}
	return -1;
}

static const struct cgaddr_vm_ops p_ops = { p_call, NULL, NULL };

/*
 * counter[port]++ in a HASH map (created with NOEXIST on first use), then
 * the verdict from rules[0] of an ARRAY map; r0 = the verdict.
 */
static const struct bpf_insn count_prog[] = {
	LDX(BPF_W, 6, 1, CTX_OFF(user_port)),		/* 0 */
	STX(BPF_W, 10, 6, -4),				/* key */
	LDDW_SRC(1, BPF_PSEUDO_MAP_FD, 0, 0),		/* 2 */
	MOV64_REG(2, 10),				/* 4 */
	ALU64_IMM(BPF_ADD, 2, -4),
	CALL(1),
	JMP_IMM(BPF_JEQ, 0, 0, 3),			/* 7: -> 11 */
	MOV64_IMM(1, 1),
	ATOMIC(BPF_DW, 0, 1, 0, BPF_ADD),
	JA(10),						/* 10: -> 21 */
	ST(BPF_DW, 10, -16, 1),				/* 11: value 1 */
	LDDW_SRC(1, BPF_PSEUDO_MAP_FD, 0, 0),
	MOV64_REG(2, 10),				/* 14 */
	ALU64_IMM(BPF_ADD, 2, -4),
	MOV64_REG(3, 10),
	ALU64_IMM(BPF_ADD, 3, -16),
	MOV64_IMM(4, BPF_NOEXIST),
	CALL(2),
	JMP_IMM(BPF_JNE, 0, 0, 10),			/* 20: -> 31 */
	ST(BPF_W, 10, -8, 0),				/* 21: rules[0] */
	LDDW_SRC(1, BPF_PSEUDO_MAP_FD, 1, 0),
	MOV64_REG(2, 10),				/* 24 */
	ALU64_IMM(BPF_ADD, 2, -8),
	CALL(1),
	JMP_IMM(BPF_JEQ, 0, 0, 3),			/* 27: -> 31 */
	LDX(BPF_W, 0, 0, 0),
	ALU64_IMM(BPF_AND, 0, 1),
	EXIT(),
	MOV64_IMM(0, 0),				/* 31 */
	EXIT(),
};

static void test_prog(void)
{
	struct vm_map *h = mk(BPF_MAP_TYPE_HASH, 4, 8, 8, 1), *a = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 1);
	const struct cgaddr_vm_map maps[2] = { { h, 4, 8 }, { a, 4, 4 } };
	struct cgaddr_vm_load_attr la = { count_prog, ARRAY_SIZE(count_prog),
					  BPF_CGROUP_INET4_BIND, 0, 0, NULL, 2, maps, NULL };
	struct cgaddr_vm_prog *prog = NULL;
	struct cgaddr_vm_error verr;
	struct bpf_sock_addr ctx;
	struct cgaddr_vm_run run;
	static u64 scratch[CGADDR_VM_SCRATCH_SIZE / 8];
	u32 port = 0x5000, zero = 0, one = 1, i;
	u64 *cnt;

	CHECK(!cgaddr_vm_load(&la, &prog, &verr), "load: %s", verr.msg);
	if (!prog)
		return;
	for (i = 0; i < 3; i++) {
		if (i == 2)
			vm_map_update(a, &zero, &one, BPF_ANY, 0);	/* allow from now on */
		memset(&ctx, 0, sizeof(ctx));
		ctx.user_family = 2;
		ctx.user_port = port;
		memset(&run, 0, sizeof(run));
		run.ctx = &ctx;
		run.ops = &p_ops;
		run.scratch = scratch;
		cgaddr_vm_exec(prog, &run);
		CHECK(!run.fault && run.r0 == (i == 2), "run %u: fault %u r0 %llu", i, run.fault,
		      (unsigned long long)run.r0);
	}
	cnt = vm_map_lookup(h, &port, 0);
	CHECK(cnt && *cnt == 3, "counted %llu", cnt ? (unsigned long long)*cnt : 0ULL);
	cgaddr_vm_free(prog);
	vm_map_free(h);
	vm_map_free(a);
	grace(&henv);
}

int main(void)
{
	test_check();
	test_array();
	test_percpu();
	test_hash();
	test_lru();
	test_race();
	test_prog();
	free(henv.garbage);
	printf("map_test: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
