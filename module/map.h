/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps owned by the module: ids, lifetime, accounting, and the helpers
 * programs call on them.  The tables themselves are vm_map.c's.
 *
 * Lifetime.  A map is listed (in the id table) while it has its creator's
 * handle (MAP_CREATE, dropped by MAP_DEL) or programs use it (counted from
 * PROG_LOAD to PROG_DEL).  Its memory lives until the last reference goes:
 * the table's, and one per program, dropped when the program is freed
 * (after an RCU grace period, so no run can still hold a value pointer).
 */
#ifndef CGADDR_MAP_H
#define CGADDR_MAP_H

#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/cgaddr.h>

struct vm_map;
struct cgaddr_vm_hcall;
struct cgaddr_run_env;
struct sk_buff;

struct cgaddr_map {
	refcount_t ref;		/* the id table's, one per program */
	u32 id;
	u32 type;		/* enum bpf_map_type */
	u32 key_size;		/* as declared (SK_STORAGE: 4, natively an fd) */
	u32 value_size;
	u32 max_entries;
	u32 flags;
	u32 ncpus;		/* PERCPU_ARRAY: values per key; else 1 */
	u32 prog_cnt;		/* programs using it; under cgaddr_mutex */
	bool handle;		/* MAP_CREATE's handle held; under cgaddr_mutex */
	char name[CGADDR_NAME_LEN];
	u64 charged;		/* bytes charged against map_memory_max */
	spinlock_t lock;	/* writers of the table */
	unsigned long irqflags;	/* of the lock's holder */
	struct vm_map *tab;
	struct work_struct free_work;
	struct list_head storage_node;	/* SK_STORAGE: in sk_storage.c's list */
};

/* MAP_CREATE; cgaddr_mutex held. */
int cgaddr_map_create(struct nlattr **attrs, u32 *id, struct netlink_ext_ack *extack);
/* MAP_DEL; cgaddr_mutex held. */
int cgaddr_map_del(u32 id, struct netlink_ext_ack *extack);
/* With cgaddr_mutex held: the listed map with @id (no reference), or NULL. */
struct cgaddr_map *cgaddr_map_find(u32 id);
/* With cgaddr_mutex held: the next listed map with id >= *id, or NULL. */
struct cgaddr_map *cgaddr_map_next(u32 *id);

/*
 * A registered program uses @map (it took a reference with
 * cgaddr_map_hold() while loading); cgaddr_mutex held.
 */
void cgaddr_map_use(struct cgaddr_map *map);
/* A program left the program table; cgaddr_mutex held. */
void cgaddr_map_unuse(struct cgaddr_map *map);
void cgaddr_map_hold(struct cgaddr_map *map);
/* Any context: the last reference frees the map from a work item. */
void cgaddr_map_put(struct cgaddr_map *map);

u32 cgaddr_map_entries(const struct cgaddr_map *map);
/* Bytes of each per-CPU value user space sees (value_size rounded to 8). */
u32 cgaddr_map_pcpu_stride(const struct cgaddr_map *map);

/*
 * User-space access, cgaddr_mutex held.  Values for PERCPU_ARRAY:
 * ncpus slots of cgaddr_map_pcpu_stride() bytes (lookup), or one value
 * for every CPU (update with @all_cpus false).
 */
int cgaddr_map_lookup_user(struct cgaddr_map *map, const void *key, void *value);
int cgaddr_map_update_user(struct cgaddr_map *map, const void *key, const void *value,
			   bool all_cpus, u64 flags);
int cgaddr_map_delete_user(struct cgaddr_map *map, const void *key);
int cgaddr_map_next_key(struct cgaddr_map *map, const void *key, void *next);
/* The key size user space uses (SK_STORAGE: 8, a socket cookie). */
u32 cgaddr_map_user_key_size(const struct cgaddr_map *map);
/* The value bytes of one lookup (PERCPU_ARRAY: every CPU's). */
u32 cgaddr_map_user_value_size(const struct cgaddr_map *map);

/* Helpers 1, 2, 3, 107, 108; non-zero ends the run with a fault. */
int cgaddr_map_helper(struct cgaddr_run_env *env, struct cgaddr_vm_hcall *c);

/*
 * SK_STORAGE maps (sk_storage.c): entries of a socket go when it dies.
 * Add once the map is complete; remove before its table is freed (may
 * sleep).
 */
void cgaddr_sk_storage_add(struct cgaddr_map *map);
void cgaddr_sk_storage_remove(struct cgaddr_map *map);

int cgaddr_map_init(void);
/* Module exit: drop the table's references (before rcu_barrier()). */
void cgaddr_map_release_all(void);
/* Module exit, after rcu_barrier(): wait for the frees. */
void cgaddr_map_exit(void);

#endif /* CGADDR_MAP_H */
