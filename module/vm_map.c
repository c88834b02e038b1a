// SPDX-License-Identifier: GPL-2.0
/*
 * Map storage (see vm_map.h for the concurrency rules).
 *
 * Arrays are one flat allocation: entry i of CPU c is at
 * (i * ncpus + c) * stride.  Hash tables are a power-of-two bucket array of
 * singly linked chains.  An update never writes into an element readers
 * can see: it links a new element in place of the old one, which is freed
 * after the readers (as the kernel's htab without BPF_F_LOCK), so a lookup
 * never sees a half-written key and a program's value pointer stays valid.
 *
 * LRU_HASH evicts with the clock (second chance) algorithm: a lookup only
 * sets the element's ref bit, lock-free; when the table is full, the
 * oldest element whose bit is clear is evicted, clearing bits on the way.
 * The kernel's LRU approximates recency the same way, per CPU.
 */
#include "vm_map.h"

struct vm_elem {
	struct vm_elem *next;			/* chain: acquire/release */
	struct vm_elem *lru_prev, *lru_next;	/* age order, under the lock */
	u32 hash;
	u8 ref;					/* LRU: used since last sweep */
	u8 pad[3];
	u8 data[];				/* key (8-aligned size), value */
};

struct vm_map {
	struct vm_map_attr a;
	struct vm_map_env env;
	u32 key8;		/* key_size rounded up to 8 */
	u32 stride;		/* value_size rounded up to 8 */
	u32 ncpus;		/* 1 unless PERCPU_ARRAY */
	u32 count;		/* hash: elements linked; under the lock */
	u32 mask;		/* hash: buckets - 1 */
	struct vm_elem **buckets;
	struct vm_elem *lru_head, *lru_tail;	/* oldest, newest */
	u8 *values;		/* arrays */
};

#define VM_ROUND8(x) (((x) + 7U) & ~7U)

static bool vm_map_is_array(u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool vm_map_is_hash(u32 type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_LRU_HASH;
}

static u32 vm_map_buckets(u32 max_entries)
{
	u32 n = 1;

	while (n < max_entries)
		n <<= 1;
	return n;
}

int vm_map_check(const struct vm_map_attr *a, u64 *mem, char *msg, u32 len)
{
	u64 stride = VM_ROUND8((u64)a->value_size);

	msg[0] = '\0';
	if (!vm_map_is_array(a->type) && !vm_map_is_hash(a->type)) {
		vm_snprintf(msg, len, "map type %u is not supported", a->type);
		return -EINVAL;
	}
	if (!a->key_size || a->key_size > VM_MAP_MAX_KEY) {
		vm_snprintf(msg, len, "key size %u outside 1..%u", a->key_size, VM_MAP_MAX_KEY);
		return -EINVAL;
	}
	if (vm_map_is_array(a->type) && a->key_size != 4) {
		vm_snprintf(msg, len, "an array's key is a 4-byte index, not %u bytes",
			    a->key_size);
		return -EINVAL;
	}
	if (!a->value_size || a->value_size > VM_MAP_MAX_VALUE) {
		vm_snprintf(msg, len, "value size %u outside 1..%u", a->value_size,
			    VM_MAP_MAX_VALUE);
		return -EINVAL;
	}
	if (!a->max_entries || a->max_entries > VM_MAP_MAX_ENTRIES) {
		vm_snprintf(msg, len, "max_entries %u outside 1..%u", a->max_entries,
			    VM_MAP_MAX_ENTRIES);
		return -EINVAL;
	}
	if (a->type == BPF_MAP_TYPE_PERCPU_ARRAY && (!a->ncpus || a->ncpus > 65536)) {
		vm_snprintf(msg, len, "invalid CPU count %u", a->ncpus);
		return -EINVAL;
	}
	if (a->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		*mem = a->max_entries * stride * a->ncpus;
	else if (a->type == BPF_MAP_TYPE_ARRAY)
		*mem = a->max_entries * stride;
	else
		*mem = (u64)vm_map_buckets(a->max_entries) * sizeof(void *) +
		       a->max_entries * (sizeof(struct vm_elem) +
					 VM_ROUND8((u64)a->key_size) + stride);
	return 0;
}

struct vm_map *vm_map_new(const struct vm_map_attr *a, const struct vm_map_env *env)
{
	struct vm_map *m;
	char msg[8];
	u64 mem;

	if (vm_map_check(a, &mem, msg, sizeof(msg)))
		return NULL;
	m = vm_zalloc(sizeof(*m));
	if (!m)
		return NULL;
	m->a = *a;
	m->env = *env;
	m->key8 = VM_ROUND8(a->key_size);
	m->stride = VM_ROUND8(a->value_size);
	m->ncpus = a->type == BPF_MAP_TYPE_PERCPU_ARRAY ? a->ncpus : 1;
	if (vm_map_is_array(a->type)) {
		m->values = vm_zalloc((size_t)a->max_entries * m->stride * m->ncpus);
		if (!m->values)
			goto fail;
	} else {
		m->mask = vm_map_buckets(a->max_entries) - 1;
		m->buckets = vm_zalloc((size_t)(m->mask + 1) * sizeof(*m->buckets));
		if (!m->buckets)
			goto fail;
	}
	return m;
fail:
	vm_free(m);
	return NULL;
}

void vm_map_free(struct vm_map *m)
{
	struct vm_elem *e, *next;
	u32 b;

	if (!m)
		return;
	if (m->buckets) {
		for (b = 0; b <= m->mask; b++)
			for (e = m->buckets[b]; e; e = next) {
				next = e->next;
				m->env.free(m->env.priv, e);
			}
		vm_free(m->buckets);
	}
	vm_free(m->values);
	vm_free(m);
}

u32 vm_map_count(const struct vm_map *m)
{
	return vm_map_is_array(m->a.type) ? m->a.max_entries : vm_read_once(m->count);
}

u32 vm_map_pcpu_stride(const struct vm_map *m)
{
	return m->stride;
}

/* ---- arrays ---------------------------------------------------------------- */

static u8 *vm_array_slot(struct vm_map *m, u32 idx, u32 cpu)
{
	return m->values + ((size_t)idx * m->ncpus + cpu) * m->stride;
}

static int vm_array_update(struct vm_map *m, const void *key, const void *value, u64 flags,
			   u32 cpu)
{
	u32 idx, c;

	memcpy(&idx, key, sizeof(idx));
	if (idx >= m->a.max_entries)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;		/* every index exists */
	if (m->ncpus == 1 || cpu < m->ncpus) {
		memcpy(vm_array_slot(m, idx, m->ncpus == 1 ? 0 : cpu), value, m->a.value_size);
		return 0;
	}
	for (c = 0; c < m->ncpus; c++)
		memcpy(vm_array_slot(m, idx, c),
		       (const u8 *)value + (cpu == m->ncpus ? (size_t)c * m->stride : 0),
		       m->a.value_size);
	return 0;
}

/* ---- hash tables ---------------------------------------------------------- */

/* FNV-1a, seeded: the seed keeps chains unpredictable to user input. */
static u32 vm_hash(const struct vm_map *m, const void *key)
{
	const u8 *p = key;
	u32 h = 2166136261U ^ m->a.seed, i;

	for (i = 0; i < m->a.key_size; i++) {
		h ^= p[i];
		h *= 16777619U;
	}
	return h ^ (h >> 16);
}

static void *vm_elem_value(const struct vm_map *m, struct vm_elem *e)
{
	return e->data + m->key8;
}

/* Lock-free: under the caller's read section. */
static struct vm_elem *vm_hash_find(struct vm_map *m, const void *key, u32 h)
{
	struct vm_elem *e;

	for (e = vm_load_acquire(&m->buckets[h & m->mask]); e; e = vm_load_acquire(&e->next))
		if (e->hash == h && !memcmp(e->data, key, m->a.key_size))
			return e;
	return NULL;
}

/* Under the lock: the link that points to @e. */
static struct vm_elem **vm_hash_link(struct vm_map *m, struct vm_elem *e)
{
	struct vm_elem **pp = &m->buckets[e->hash & m->mask];

	while (*pp != e)
		pp = &(*pp)->next;
	return pp;
}

static void vm_lru_append(struct vm_map *m, struct vm_elem *e)
{
	e->lru_next = NULL;
	e->lru_prev = m->lru_tail;
	if (m->lru_tail)
		m->lru_tail->lru_next = e;
	else
		m->lru_head = e;
	m->lru_tail = e;
}

static void vm_lru_remove(struct vm_map *m, struct vm_elem *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		m->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		m->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

/* Under the lock: unlink @e; readers already on it may finish. */
static void vm_hash_unlink(struct vm_map *m, struct vm_elem *e)
{
	vm_store_release(vm_hash_link(m, e), e->next);
	vm_lru_remove(m, e);
	m->count--;
	m->env.free_rcu(m->env.priv, e);
}

/* Under the lock, LRU_HASH full: evict the oldest element not used since the last sweep. */
static void vm_lru_evict(struct vm_map *m)
{
	struct vm_elem *e;
	u32 n;

	/* After one full pass every bit is clear: at most count + 1 steps. */
	for (n = 0; n <= m->count && (e = m->lru_head); n++) {
		if (!vm_read_once(e->ref)) {
			vm_hash_unlink(m, e);
			return;
		}
		vm_write_once(e->ref, 0);
		vm_lru_remove(m, e);
		vm_lru_append(m, e);
	}
	if (m->lru_head)
		vm_hash_unlink(m, m->lru_head);
}

static int vm_hash_update(struct vm_map *m, const void *key, const void *value, u64 flags)
{
	u32 h = vm_hash(m, key);
	struct vm_elem *old, *n, **head;

	n = m->env.alloc(m->env.priv, sizeof(*n) + m->key8 + m->stride);
	if (!n)
		return -ENOMEM;
	n->hash = h;
	memcpy(n->data, key, m->a.key_size);
	memcpy(vm_elem_value(m, n), value, m->a.value_size);

	m->env.lock(m->env.priv);
	old = vm_hash_find(m, key, h);
	if (old && flags == BPF_NOEXIST) {
		m->env.unlock(m->env.priv);
		m->env.free(m->env.priv, n);
		return -EEXIST;
	}
	if (!old && flags == BPF_EXIST) {
		m->env.unlock(m->env.priv);
		m->env.free(m->env.priv, n);
		return -ENOENT;
	}
	if (old) {
		/* Readers on @old see either it, whole, or @n, whole. */
		n->next = old->next;
		vm_store_release(vm_hash_link(m, old), n);
		vm_lru_remove(m, old);
		m->env.free_rcu(m->env.priv, old);
	} else {
		if (m->count >= m->a.max_entries) {
			if (m->a.type != BPF_MAP_TYPE_LRU_HASH) {
				m->env.unlock(m->env.priv);
				m->env.free(m->env.priv, n);
				return -E2BIG;
			}
			vm_lru_evict(m);
		}
		head = &m->buckets[h & m->mask];
		n->next = *head;
		vm_store_release(head, n);
		m->count++;
	}
	vm_lru_append(m, n);
	m->env.unlock(m->env.priv);
	return 0;
}

/* ---- the interface ------------------------------------------------------------ */

void *vm_map_lookup(struct vm_map *m, const void *key, u32 cpu)
{
	struct vm_elem *e;
	u32 idx;

	if (vm_map_is_array(m->a.type)) {
		memcpy(&idx, key, sizeof(idx));
		if (idx >= m->a.max_entries || (m->ncpus > 1 && cpu >= m->ncpus))
			return NULL;
		return vm_array_slot(m, idx, m->ncpus > 1 ? cpu : 0);
	}
	e = vm_hash_find(m, key, vm_hash(m, key));
	if (!e)
		return NULL;
	if (m->a.type == BPF_MAP_TYPE_LRU_HASH && !vm_read_once(e->ref))
		vm_write_once(e->ref, 1);
	return vm_elem_value(m, e);
}

int vm_map_update(struct vm_map *m, const void *key, const void *value, u64 flags, u32 cpu)
{
	if (flags > BPF_EXIST)
		return -EINVAL;		/* BPF_F_LOCK: no spin locks in values */
	if (vm_map_is_array(m->a.type))
		return vm_array_update(m, key, value, flags, cpu);
	return vm_hash_update(m, key, value, flags);
}

int vm_map_delete(struct vm_map *m, const void *key)
{
	struct vm_elem *e;

	if (vm_map_is_array(m->a.type))
		return -EINVAL;
	m->env.lock(m->env.priv);
	e = vm_hash_find(m, key, vm_hash(m, key));
	if (e)
		vm_hash_unlink(m, e);
	m->env.unlock(m->env.priv);
	return e ? 0 : -ENOENT;
}

int vm_map_next_key(struct vm_map *m, const void *key, void *next)
{
	struct vm_elem *e = NULL;
	u32 idx, b = 0;

	if (vm_map_is_array(m->a.type)) {
		idx = 0;
		if (key) {
			memcpy(&idx, key, sizeof(idx));
			if (idx >= m->a.max_entries)
				idx = 0;
			else if (++idx == m->a.max_entries)
				return -ENOENT;
		}
		memcpy(next, &idx, sizeof(idx));
		return 0;
	}
	if (key) {
		u32 h = vm_hash(m, key);

		e = vm_hash_find(m, key, h);
		if (e) {
			b = (h & m->mask) + 1;
			e = vm_load_acquire(&e->next);
		}
	}
	for (; !e && b <= m->mask; b++)
		e = vm_load_acquire(&m->buckets[b]);
	if (!e)
		return -ENOENT;
	memcpy(next, e->data, m->a.key_size);
	return 0;
}
