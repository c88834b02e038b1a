/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map storage: ARRAY, PERCPU_ARRAY, HASH and LRU_HASH tables, freestanding
 * like the rest of the VM so that the host tests (tests/vm) run the same
 * code under ASan as the module does.
 *
 * Concurrency is the kernel's RCU pattern, with the primitives supplied by
 * the caller (struct vm_map_env):
 *   - readers (programs, user-space lookups) walk hash chains without the
 *     lock, inside a read-side critical section the caller provides
 *     (rcu_read_lock() in the module); chain links are published with
 *     release stores and read with acquire loads;
 *   - writers (update, delete) serialise on env->lock;
 *   - an element that leaves a table is never freed at once: env->free_rcu
 *     frees it after every reader that could still hold it is done.  So a
 *     value pointer a program got from a lookup stays valid for the rest of
 *     its run, even if another CPU or user space deletes or replaces the
 *     element meanwhile (it then sees the old value).
 * Array values are never freed before the map.
 */
#ifndef CGADDR_VM_MAP_H
#define CGADDR_VM_MAP_H

#include "vm_shim.h"

#define VM_MAP_MAX_KEY		512
#define VM_MAP_MAX_VALUE	32768
#define VM_MAP_MAX_ENTRIES	(1U << 20)

/* What the caller provides: memory and locking. */
struct vm_map_env {
	void *priv;
	/* Zeroed memory; may be called under the lock, in atomic context. */
	void *(*alloc)(void *priv, size_t size);
	/* Memory no reader can reach any more. */
	void (*free)(void *priv, void *p);
	/* An element readers may still hold: free it after they are done. */
	void (*free_rcu)(void *priv, void *p);
	void (*lock)(void *priv);
	void (*unlock)(void *priv);
};

struct vm_map_attr {
	u32 type;		/* BPF_MAP_TYPE_ARRAY, _PERCPU_ARRAY, _HASH, _LRU_HASH */
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 ncpus;		/* PERCPU_ARRAY: values per key */
	u32 seed;		/* hash seed (random in the module) */
};

struct vm_map;

/*
 * Check @a: 0, or -EINVAL with a message in @msg (@len bytes).  Also the
 * bytes the map can hold at most in *@mem, for accounting.
 */
int vm_map_check(const struct vm_map_attr *a, u64 *mem, char *msg, u32 len);
/* A new, empty map (arrays are zero-filled), or NULL. */
struct vm_map *vm_map_new(const struct vm_map_attr *a, const struct vm_map_env *env);
/* Frees the map and every element at once: no reader may remain. */
void vm_map_free(struct vm_map *m);

/* Entries in use (arrays: max_entries). */
u32 vm_map_count(const struct vm_map *m);
/* Bytes of each per-CPU value slot (value_size rounded up to 8). */
u32 vm_map_pcpu_stride(const struct vm_map *m);

/*
 * The value of @key, inside a read-side section: for PERCPU_ARRAY the
 * value of @cpu.  NULL if absent.  Marks LRU entries as used.
 */
void *vm_map_lookup(struct vm_map *m, const void *key, u32 cpu);
/*
 * Set @key to @value with BPF_ANY, BPF_NOEXIST or BPF_EXIST.  For
 * PERCPU_ARRAY, @cpu < ncpus sets that CPU's value, @cpu == ncpus sets
 * every CPU's (value then holds ncpus slots of vm_map_pcpu_stride()
 * bytes), @cpu > ncpus sets every CPU's to the one @value.
 * 0 or -EINVAL, -EEXIST, -ENOENT, -E2BIG (full), -ENOMEM.
 */
int vm_map_update(struct vm_map *m, const void *key, const void *value, u64 flags, u32 cpu);
/* 0, -ENOENT, or -EINVAL for arrays (their entries cannot be deleted). */
int vm_map_delete(struct vm_map *m, const void *key);

/*
 * The key after @key (NULL: the first) into @next, as the kernel's
 * BPF_MAP_GET_NEXT_KEY: a @key that is not in the map restarts from the
 * first.  0, or -ENOENT after the last.  Under the caller's read section.
 */
int vm_map_next_key(struct vm_map *m, const void *key, void *next);

#endif /* CGADDR_VM_MAP_H */
