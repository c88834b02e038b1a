// SPDX-License-Identifier: GPL-2.0
/*
 * The module's maps: the id table, lifetime and memory accounting, the
 * kernel side of vm_map.c's environment (memory, RCU, locking), and the
 * map helpers programs call.
 *
 * Readers (programs, user-space lookups and dumps) run under
 * rcu_read_lock(); an element a writer retires is freed by call_rcu(), so
 * a value pointer a program got stays valid for the rest of its run.
 */
#include <linux/bpf.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <net/sock.h>

#include "cgaddr.h"
#include "helpers.h"
#include "map.h"
#include "netlink.h"
#include "vm.h"
#include "vm_map.h"

static unsigned long cgaddr_map_memory_max = 64UL << 20;
module_param_named(map_memory_max, cgaddr_map_memory_max, ulong, 0644);
MODULE_PARM_DESC(map_memory_max, "bytes all maps together may reach (default 64 MiB)");

static atomic64_t cgaddr_map_charged = ATOMIC64_INIT(0);
static DEFINE_IDR(cgaddr_map_idr);	/* under cgaddr_mutex */
static struct workqueue_struct *cgaddr_map_wq;
/* A zero value of the largest size: sk_storage_get() without an initial value. */
static void *cgaddr_map_zero;

/* ---- vm_map.c's environment ---------------------------------------------- */

/*
 * Elements carry an rcu_head in front of what vm_map.c sees.  They are
 * allocated under the map's lock or with preemption disabled: no sleeping.
 */
struct cgaddr_map_elem {
	struct rcu_head rcu;
	u64 data[];
};

static void *cgaddr_map_alloc(void *priv, size_t size)
{
	struct cgaddr_map_elem *e;

	e = kzalloc(sizeof(*e) + size, GFP_NOWAIT | __GFP_NOWARN);
	return e ? e->data : NULL;
}

static void cgaddr_map_free_elem(void *priv, void *p)
{
	kfree(container_of(p, struct cgaddr_map_elem, data));
}

static void cgaddr_map_elem_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct cgaddr_map_elem, rcu));
}

static void cgaddr_map_free_elem_rcu(void *priv, void *p)
{
	call_rcu(&container_of(p, struct cgaddr_map_elem, data)->rcu, cgaddr_map_elem_rcu);
}

static void cgaddr_map_lock(void *priv)
{
	struct cgaddr_map *map = priv;
	unsigned long flags;

	spin_lock_irqsave(&map->lock, flags);
	map->irqflags = flags;
}

static void cgaddr_map_unlock(void *priv)
{
	struct cgaddr_map *map = priv;

	spin_unlock_irqrestore(&map->lock, map->irqflags);
}

/* ---- lifetime ------------------------------------------------------------- */

static void cgaddr_map_free_work(struct work_struct *work)
{
	struct cgaddr_map *map = container_of(work, struct cgaddr_map, free_work);

	if (map->type == BPF_MAP_TYPE_SK_STORAGE)
		cgaddr_sk_storage_remove(map);
	vm_map_free(map->tab);
	atomic64_sub(map->charged, &cgaddr_map_charged);
	kfree(map);
	atomic_dec(&cgaddr_objects.maps);
}

void cgaddr_map_hold(struct cgaddr_map *map)
{
	refcount_inc(&map->ref);
}

/*
 * The last reference goes when no program can run any more (programs drop
 * theirs after a grace period) and no request uses the map.  Freeing a
 * large table takes time: not in the caller's (maybe softirq) context.
 */
void cgaddr_map_put(struct cgaddr_map *map)
{
	if (map && refcount_dec_and_test(&map->ref))
		queue_work(cgaddr_map_wq, &map->free_work);
}

struct cgaddr_map *cgaddr_map_find(u32 id)
{
	lockdep_assert_held(&cgaddr_mutex);
	return id ? idr_find(&cgaddr_map_idr, id) : NULL;
}

struct cgaddr_map *cgaddr_map_next(u32 *id)
{
	int next = *id;
	struct cgaddr_map *map;

	lockdep_assert_held(&cgaddr_mutex);
	map = idr_get_next(&cgaddr_map_idr, &next);
	*id = next;
	return map;
}

/* Unlist @map once nothing names it any more. */
static void cgaddr_map_unlist_if_unused(struct cgaddr_map *map)
{
	if (map->handle || map->prog_cnt)
		return;
	idr_remove(&cgaddr_map_idr, map->id);
	cgaddr_map_put(map);
}

void cgaddr_map_use(struct cgaddr_map *map)
{
	lockdep_assert_held(&cgaddr_mutex);
	map->prog_cnt++;
}

void cgaddr_map_unuse(struct cgaddr_map *map)
{
	lockdep_assert_held(&cgaddr_mutex);
	map->prog_cnt--;
	cgaddr_map_unlist_if_unused(map);
}

int cgaddr_map_del(u32 id, struct netlink_ext_ack *extack)
{
	struct cgaddr_map *map = cgaddr_map_find(id);

	lockdep_assert_held(&cgaddr_mutex);
	if (!map) {
		cgaddr_set_err(extack, "no map with id %u", id);
		return -ENOENT;
	}
	if (!map->handle) {
		cgaddr_set_err(extack, "map %u was already deleted; it lives until its %u "
			       "program(s) are deleted", id, map->prog_cnt);
		return -ENOENT;
	}
	map->handle = false;
	cgaddr_map_unlist_if_unused(map);
	return 0;
}

/* ---- creation ---------------------------------------------------------------- */

static bool cgaddr_map_name_ok(const char *name)
{
	for (; *name; name++)
		if (!isalnum(*name) && *name != '_' && *name != '.')
			return false;
	return true;
}

static u32 cgaddr_attr_u32(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_u32(attrs[type]) : 0;
}

int cgaddr_map_create(struct nlattr **attrs, u32 *id, struct netlink_ext_ack *extack)
{
	struct vm_map_env env = {
		.alloc = cgaddr_map_alloc,
		.free = cgaddr_map_free_elem,
		.free_rcu = cgaddr_map_free_elem_rcu,
		.lock = cgaddr_map_lock,
		.unlock = cgaddr_map_unlock,
	};
	struct vm_map_attr va = {};
	struct cgaddr_map *map;
	char msg[96];
	u64 mem;
	int err;

	lockdep_assert_held(&cgaddr_mutex);
	if (!attrs[CGADDR_A_MAP_TYPE] || !attrs[CGADDR_A_MAP_KEY_SIZE] ||
	    !attrs[CGADDR_A_MAP_VALUE_SIZE] || !attrs[CGADDR_A_MAP_MAX_ENTRIES]) {
		NL_SET_ERR_MSG(extack, "a map needs a type, key and value sizes and max_entries");
		return -EINVAL;
	}
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->type = nla_get_u32(attrs[CGADDR_A_MAP_TYPE]);
	map->key_size = nla_get_u32(attrs[CGADDR_A_MAP_KEY_SIZE]);
	map->value_size = nla_get_u32(attrs[CGADDR_A_MAP_VALUE_SIZE]);
	map->max_entries = nla_get_u32(attrs[CGADDR_A_MAP_MAX_ENTRIES]);
	map->flags = cgaddr_attr_u32(attrs, CGADDR_A_MAP_FLAGS);
	map->ncpus = 1;
	err = -EINVAL;
	if (map->flags & ~BPF_F_NO_PREALLOC) {
		cgaddr_set_err(extack, "unsupported map flags %#x (only BPF_F_NO_PREALLOC)",
			       map->flags);
		goto fail;
	}
	if (attrs[CGADDR_A_MAP_NAME]) {
		if (!cgaddr_map_name_ok(nla_data(attrs[CGADDR_A_MAP_NAME]))) {
			NL_SET_ERR_MSG(extack, "a map name may only hold letters, digits, '_' and '.'");
			goto fail;
		}
		strscpy(map->name, nla_data(attrs[CGADDR_A_MAP_NAME]), sizeof(map->name));
	}
	va.type = map->type;
	va.key_size = map->key_size;
	va.value_size = map->value_size;
	va.max_entries = map->max_entries;
	if (map->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		map->ncpus = nr_cpu_ids;
		va.ncpus = nr_cpu_ids;
	}
	if (map->type == BPF_MAP_TYPE_SK_STORAGE) {
		/*
		 * Per-socket storage is a table keyed by socket cookie (see
		 * README), emptied as sockets die (sk_storage.c); an LRU
		 * bounds it all the same.  The declared key is an int, as
		 * natively.
		 */
		if (map->key_size != 4) {
			cgaddr_set_err(extack, "an sk_storage map's key is 4 bytes, not %u",
				       map->key_size);
			goto fail;
		}
		if (!map->max_entries)
			map->max_entries = CGADDR_SK_STORAGE_DEFAULT;
		va.type = BPF_MAP_TYPE_LRU_HASH;
		va.key_size = sizeof(u64);
		va.max_entries = map->max_entries;
	}
	if (vm_map_check(&va, &mem, msg, sizeof(msg))) {
		cgaddr_set_err(extack, "%s", msg);
		goto fail;
	}
	err = -ENOMEM;
	if (atomic64_add_return(mem, &cgaddr_map_charged) > cgaddr_map_memory_max) {
		atomic64_sub(mem, &cgaddr_map_charged);
		cgaddr_set_err(extack, "the map would take up to %llu bytes: over map_memory_max "
			       "(%lu bytes for all maps)", mem, cgaddr_map_memory_max);
		goto fail;
	}
	map->charged = mem;
	va.seed = get_random_u32();
	spin_lock_init(&map->lock);
	env.priv = map;
	map->tab = vm_map_new(&va, &env);
	if (!map->tab) {
		NL_SET_ERR_MSG(extack, "out of memory for the map");
		goto fail_charged;
	}
	err = idr_alloc_cyclic(&cgaddr_map_idr, map, 1, INT_MAX, GFP_KERNEL);
	if (err < 0)
		goto fail_tab;
	map->id = err;
	map->handle = true;
	refcount_set(&map->ref, 1);
	INIT_WORK(&map->free_work, cgaddr_map_free_work);
	if (map->type == BPF_MAP_TYPE_SK_STORAGE)
		cgaddr_sk_storage_add(map);
	atomic_inc(&cgaddr_objects.maps);
	*id = map->id;
	return 0;
fail_tab:
	vm_map_free(map->tab);
fail_charged:
	atomic64_sub(mem, &cgaddr_map_charged);
fail:
	kfree(map);
	return err;
}

/* ---- user-space access ------------------------------------------------------ */

u32 cgaddr_map_entries(const struct cgaddr_map *map)
{
	return vm_map_count(map->tab);
}

u32 cgaddr_map_pcpu_stride(const struct cgaddr_map *map)
{
	return vm_map_pcpu_stride(map->tab);
}

u32 cgaddr_map_user_key_size(const struct cgaddr_map *map)
{
	return map->type == BPF_MAP_TYPE_SK_STORAGE ? sizeof(u64) : map->key_size;
}

u32 cgaddr_map_user_value_size(const struct cgaddr_map *map)
{
	if (map->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return map->ncpus * cgaddr_map_pcpu_stride(map);
	return map->value_size;
}

int cgaddr_map_lookup_user(struct cgaddr_map *map, const void *key, void *value)
{
	u32 stride = cgaddr_map_pcpu_stride(map), cpu;
	int err = 0;
	void *v;

	rcu_read_lock();
	if (map->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		memset(value, 0, cgaddr_map_user_value_size(map));
		for (cpu = 0; cpu < map->ncpus; cpu++) {
			v = vm_map_lookup(map->tab, key, cpu);
			if (!v) {
				err = -ENOENT;
				break;
			}
			memcpy((u8 *)value + cpu * stride, v, map->value_size);
		}
	} else {
		v = vm_map_lookup(map->tab, key, 0);
		if (v)
			memcpy(value, v, map->value_size);
		else
			err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}

int cgaddr_map_update_user(struct cgaddr_map *map, const void *key, const void *value,
			   bool all_cpus, u64 flags)
{
	/* vm_map_update(): cpu == ncpus takes every CPU's slot, > ncpus one value. */
	return vm_map_update(map->tab, key, value, flags,
			     all_cpus ? map->ncpus : map->ncpus + 1);
}

int cgaddr_map_delete_user(struct cgaddr_map *map, const void *key)
{
	return vm_map_delete(map->tab, key);
}

int cgaddr_map_next_key(struct cgaddr_map *map, const void *key, void *next)
{
	int err;

	rcu_read_lock();
	err = vm_map_next_key(map->tab, key, next);
	rcu_read_unlock();
	return err;
}

/* ---- helpers ---------------------------------------------------------------- */

/* bpf_sk_storage_get(map, sk, value, flags) */
static int cgaddr_sk_storage_get(struct cgaddr_map *map, struct cgaddr_vm_hcall *c)
{
	struct sock *sk = (struct sock *)(uintptr_t)c->arg[1];
	const void *init = (const void *)(uintptr_t)c->arg[2];
	u64 flags = c->arg[3], cookie;
	void *v;

	if (!sk || (flags & ~BPF_SK_STORAGE_GET_F_CREATE))
		return 0;	/* NULL, as natively for bad flags */
	cookie = cgaddr_sock_cookie(sk);
	if (!cookie)
		return 0;
	v = vm_map_lookup(map->tab, &cookie, 0);
	if (!v && (flags & BPF_SK_STORAGE_GET_F_CREATE)) {
		int err = vm_map_update(map->tab, &cookie, init ?: cgaddr_map_zero,
					BPF_NOEXIST, 0);

		if (err && err != -EEXIST)
			return 0;
		v = vm_map_lookup(map->tab, &cookie, 0);
	}
	c->region.host = v;
	c->region.len = map->value_size;
	c->region.flags = CGADDR_VM_R_WRITE;
	return 0;
}

int cgaddr_map_helper(struct cgaddr_run_env *env, struct cgaddr_vm_hcall *c)
{
	struct cgaddr_map *map = (struct cgaddr_map *)(uintptr_t)c->arg[0];
	const void *key = (const void *)(uintptr_t)c->arg[1];
	bool sk_storage = map->type == BPF_MAP_TYPE_SK_STORAGE;
	u64 cookie;

	/* The verifier ties these helpers to map types; here a mismatch faults. */
	if ((c->id <= 3) == sk_storage)
		return -EINVAL;
	switch (c->id) {
	case 1:
		c->region.host = vm_map_lookup(map->tab, key, raw_smp_processor_id());
		c->region.len = map->value_size;
		c->region.flags = CGADDR_VM_R_WRITE;
		return 0;
	case 2:
		c->ret = vm_map_update(map->tab, key, (const void *)(uintptr_t)c->arg[2],
				       c->arg[3], raw_smp_processor_id());
		return 0;
	case 3:
		c->ret = vm_map_delete(map->tab, key);
		return 0;
	case 107:
		return cgaddr_sk_storage_get(map, c);
	case 108:
		cookie = c->arg[1] ? cgaddr_sock_cookie((struct sock *)(uintptr_t)c->arg[1]) : 0;
		c->ret = cookie ? vm_map_delete(map->tab, &cookie) : -ENOENT;
		return 0;
	}
	return -ENOSYS;
}

/* ---- module ------------------------------------------------------------------ */

int __init cgaddr_map_init(void)
{
	cgaddr_map_zero = kzalloc(VM_MAP_MAX_VALUE, GFP_KERNEL);
	if (!cgaddr_map_zero)
		return -ENOMEM;
	/* Unbound: frees need no particular CPU (and 7.x wants the choice made). */
	cgaddr_map_wq = alloc_workqueue("cgaddr_map", WQ_UNBOUND, 0);
	if (!cgaddr_map_wq) {
		kfree(cgaddr_map_zero);
		return -ENOMEM;
	}
	return 0;
}

void cgaddr_map_release_all(void)
{
	struct cgaddr_map *map;
	int id;

	mutex_lock(&cgaddr_mutex);
	idr_for_each_entry(&cgaddr_map_idr, map, id)
		cgaddr_map_put(map);
	idr_destroy(&cgaddr_map_idr);
	mutex_unlock(&cgaddr_mutex);
}

void cgaddr_map_exit(void)
{
	/* Drains the frees queued so far (rcu_barrier() came first). */
	destroy_workqueue(cgaddr_map_wq);
	kfree(cgaddr_map_zero);
}
