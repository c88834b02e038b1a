// SPDX-License-Identifier: GPL-2.0
/*
 * Attachments with the kernel's rules (kernel/bpf/cgroup.c), kept outside
 * struct cgroup because a module cannot add fields to it.
 *
 * Every cgroup with attachments has an entry in a hash table keyed by its
 * struct cgroup pointer (the entry holds a reference, so the pointer
 * cannot be reused).  An entry stores, per attach type, the attached
 * programs in FIFO order, the attach flags, and the effective array: the
 * programs that run for its sockets, computed at attach/detach time as the
 * kernel's compute_effective_progs() does.
 *
 * A cgroup without an entry runs what its nearest ancestor with an entry
 * runs: with no programs of its own, the kernel's rule (own programs, then
 * each ancestor's if nothing was collected yet or the ancestor is MULTI)
 * gives exactly the nearest such ancestor's array.  So new cgroups need no
 * entry, and the hot path is one lookup for cgroups with attachments.
 *
 * Writers hold cgaddr_mutex; readers (the hooks) hold rcu_read_lock().
 * Replaced arrays are freed after a grace period, and only then drop their
 * references on programs.
 */
#include <linux/cgroup.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <uapi/cgaddr.h>

#include "attach.h"
#include "cg_cache.h"
#include "cg_scope.h"
#include "cgaddr.h"
#include "prog.h"

struct cgaddr_attached {
	struct list_head node;
	struct cgaddr_prog *prog;
};

struct cgaddr_cg {
	struct rhash_head hnode;
	struct cgroup *cgrp;			/* key; referenced */
	struct list_head all;			/* cgaddr_cgs */
	struct list_head progs[CGADDR_NTYPES];
	u32 nprogs[CGADDR_NTYPES];
	u32 flags[CGADDR_NTYPES];		/* OVERRIDE or MULTI, as attached */
	struct cgaddr_effective __rcu *effective[CGADDR_NTYPES];
	u32 types;				/* as cgaddr_cgroup_types() */
	struct rcu_head rcu;
};

static const struct rhashtable_params cgaddr_cg_params = {
	.key_len = sizeof(struct cgroup *),
	.key_offset = offsetof(struct cgaddr_cg, cgrp),
	.head_offset = offsetof(struct cgaddr_cg, hnode),
	.automatic_shrinking = true,
};

static struct rhashtable cgaddr_cg_table;
static LIST_HEAD(cgaddr_cgs);			/* under cgaddr_mutex */
static u32 cgaddr_type_users[CGADDR_NTYPES];	/* attachments per type */
static struct delayed_work cgaddr_reap_work;

#define CGADDR_REAP_INTERVAL (2 * HZ)

static void cgaddr_reap_arm(void);

/*
 * After any change of entries or of their types, before the old arrays
 * are retired: the per-CPU caches drop what they hold, and ftrace's
 * callback gets the new list of the entries that run something (or the
 * fallback to the caches when there are too many, or no memory for the
 * list).  cgaddr_mutex held.
 */
static void cgaddr_publish(void)
{
	struct cgaddr_scope *scope;
	struct cgaddr_cg *cg;
	u32 n = 0;

	cgaddr_cache_invalidate();
	list_for_each_entry(cg, &cgaddr_cgs, all)
		n += !!cg->types;
	scope = cgaddr_scope_alloc(n);
	if (scope) {
		n = 0;
		list_for_each_entry(cg, &cgaddr_cgs, all)
			if (cg->types)
				cgaddr_scope_set(scope, n++, cg->cgrp);
	}
	cgaddr_scope_publish(scope);
}

static bool cgaddr_cgroup_gone(struct cgroup *cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/* The entry at or nearest above @cgrp, or NULL; rcu_read_lock() held. */
static struct cgaddr_cg *cgaddr_cg_nearest(struct cgroup *cgrp)
{
	struct cgaddr_cg *cg;

	for (; cgrp; cgrp = cgroup_parent(cgrp)) {
		cg = rhashtable_lookup(&cgaddr_cg_table, &cgrp, cgaddr_cg_params);
		if (cg)
			return cg;
	}
	return NULL;
}

/* A cache miss: walk, and fill this CPU's slot with the generation read before. */
static noinline struct cgaddr_cg *cgaddr_cg_walk(struct cgroup *cgrp, u32 *types)
{
	unsigned long gen = cgaddr_cache_gen_read();
	struct cgaddr_cache_ent *ent;
	struct cgaddr_cg *cg;

	rcu_read_lock();
	cg = cgaddr_cg_nearest(cgrp);
	*types = cg ? READ_ONCE(cg->types) : 0;
	rcu_read_unlock();
	if (likely(in_task())) {
		ent = cgaddr_cache_slot(cgrp);
		ent->id = cgroup_id(cgrp);
		ent->gen = gen;
		ent->cg = cg;
		ent->types = *types;
	}
	return cg;
}

/*
 * With preemption disabled: @cgrp's nearest entry (valid until preemption
 * is enabled again) and its types, from this CPU's cache when it has them
 * for the current generation (inline: the hot path asks on every call),
 * else by walking the ancestors.
 */
static __always_inline struct cgaddr_cg *cgaddr_cg_of(struct cgroup *cgrp, u32 *types)
{
	struct cgaddr_cache_ent *ent = cgaddr_cache_hit(cgrp);

	if (likely(ent)) {
		*types = ent->types;
		return ent->cg;
	}
	return cgaddr_cg_walk(cgrp, types);
}

u32 cgaddr_cgroup_types(struct cgroup *cgrp)
{
	u32 types;

	cgaddr_cg_of(cgrp, &types);
	return types;
}

struct cgaddr_effective *cgaddr_effective(struct cgroup *cgrp, enum cgaddr_type type)
{
	struct cgaddr_cg *cg;
	u32 types;

	cg = cgaddr_cg_of(cgrp, &types);
	return cg && (types & BIT(type)) ? rcu_dereference(cg->effective[type]) : NULL;
}

static struct cgaddr_cg *cgaddr_cg_find(struct cgroup *cgrp)
{
	return rhashtable_lookup_fast(&cgaddr_cg_table, &cgrp, cgaddr_cg_params);
}

static struct cgaddr_effective *cgaddr_compute(struct cgroup *cgrp, enum cgaddr_type type,
					       int *err);
static void cgaddr_effective_free_now(struct cgaddr_effective *eff);

/* The entry of @cgrp, created (taking a cgroup reference) if needed. */
static struct cgaddr_cg *cgaddr_cg_get(struct cgroup *cgrp)
{
	struct cgaddr_cg *cg = cgaddr_cg_find(cgrp);
	int i, err = 0;

	if (cg)
		return cg;
	cg = kzalloc(sizeof(*cg), GFP_KERNEL);
	if (!cg)
		return ERR_PTR(-ENOMEM);
	cg->cgrp = cgrp;
	/*
	 * Once in the table, the entry decides what its sockets run: start
	 * with what they ran until now, the nearest ancestor's arrays.
	 */
	for (i = 0; i < CGADDR_NTYPES && !err; i++) {
		struct cgaddr_effective *eff = cgaddr_compute(cgrp, i, &err);

		INIT_LIST_HEAD(&cg->progs[i]);
		RCU_INIT_POINTER(cg->effective[i], eff);
		if (eff)
			cg->types |= BIT(i) | (eff->needs_lock ? CGADDR_LOCK_BIT(i) : 0);
	}
	if (!err)
		err = rhashtable_insert_fast(&cgaddr_cg_table, &cg->hnode, cgaddr_cg_params);
	if (err) {
		for (i = 0; i < CGADDR_NTYPES; i++)
			cgaddr_effective_free_now(rcu_dereference_protected(cg->effective[i], 1));
		kfree(cg);
		return ERR_PTR(err);
	}
	cgroup_get(cgrp);
	list_add_tail(&cg->all, &cgaddr_cgs);
	atomic_inc(&cgaddr_objects.cgroups);
	/* Descendants' nearest entry may now be this one. */
	cgaddr_publish();
	return cg;
}

static bool cgaddr_cg_empty(const struct cgaddr_cg *cg)
{
	int i;

	for (i = 0; i < CGADDR_NTYPES; i++)
		if (cg->nprogs[i])
			return false;
	return true;
}

static void cgaddr_effective_free_rcu(struct rcu_head *head)
{
	struct cgaddr_effective *eff = container_of(head, struct cgaddr_effective, rcu);
	u32 i;

	for (i = 0; i < eff->cnt; i++)
		cgaddr_prog_put(eff->progs[i]);
	kfree(eff);
}

/* Free an array no reader can have seen. */
static void cgaddr_effective_free_now(struct cgaddr_effective *eff)
{
	if (eff)
		cgaddr_effective_free_rcu(&eff->rcu);
}

static void cgaddr_effective_free(struct cgaddr_effective *eff)
{
	if (eff)
		call_rcu(&eff->rcu, cgaddr_effective_free_rcu);
}

static void cgaddr_cg_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct cgaddr_cg, rcu));
	atomic_dec(&cgaddr_objects.cgroups);
}

/* Drop an entry that has no programs left. */
static void cgaddr_cg_release(struct cgaddr_cg *cg)
{
	struct cgaddr_effective *old[CGADDR_NTYPES];
	int i;

	rhashtable_remove_fast(&cgaddr_cg_table, &cg->hnode, cgaddr_cg_params);
	list_del(&cg->all);
	for (i = 0; i < CGADDR_NTYPES; i++)
		old[i] = rcu_replace_pointer(cg->effective[i], NULL,
					     lockdep_is_held(&cgaddr_mutex));
	WRITE_ONCE(cg->types, 0);
	/* No cache may hand out @cg or its arrays once they are retired. */
	cgaddr_publish();
	for (i = 0; i < CGADDR_NTYPES; i++)
		cgaddr_effective_free(old[i]);
	cgroup_put(cg->cgrp);
	call_rcu(&cg->rcu, cgaddr_cg_free_rcu);
}

/*
 * compute_effective_progs(): own programs first (FIFO), then each
 * ancestor's, an ancestor counting only if nothing was collected yet or
 * it attached with MULTI.  Returns NULL for an empty array.
 */
static struct cgaddr_effective *cgaddr_compute(struct cgroup *cgrp, enum cgaddr_type type,
					       int *err)
{
	struct cgaddr_effective *eff;
	struct cgaddr_attached *a;
	struct cgaddr_cg *cg;
	struct cgroup *p;
	u32 cnt = 0;

	*err = 0;
	for (p = cgrp; p; p = cgroup_parent(p)) {
		cg = cgaddr_cg_find(p);
		if (cg && (cnt == 0 || (cg->flags[type] & BPF_F_ALLOW_MULTI)))
			cnt += cg->nprogs[type];
	}
	if (!cnt)
		return NULL;
	eff = kzalloc(struct_size(eff, progs, cnt), GFP_KERNEL);
	if (!eff) {
		*err = -ENOMEM;
		return NULL;
	}
	for (p = cgrp; p; p = cgroup_parent(p)) {
		cg = cgaddr_cg_find(p);
		if (!cg || (eff->cnt > 0 && !(cg->flags[type] & BPF_F_ALLOW_MULTI)))
			continue;
		list_for_each_entry(a, &cg->progs[type], node) {
			cgaddr_prog_hold(a->prog);
			eff->needs_lock |= a->prog->needs_lock;
			eff->progs[eff->cnt++] = a->prog;
		}
	}
	return eff;
}

/*
 * Recompute @type's arrays of @root and of every entry below it.  All new
 * arrays are built before any is published, so a failure changes nothing.
 */
static int cgaddr_update_effective(struct cgroup *root, enum cgaddr_type type)
{
	struct cgaddr_cg *cg;
	struct cgaddr_effective **fresh;
	int n = 0, i = 0, err = 0;

	list_for_each_entry(cg, &cgaddr_cgs, all)
		n += cgroup_is_descendant(cg->cgrp, root);
	fresh = kcalloc(max(n, 1), sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;
	list_for_each_entry(cg, &cgaddr_cgs, all) {
		if (!cgroup_is_descendant(cg->cgrp, root))
			continue;
		fresh[i++] = cgaddr_compute(cg->cgrp, type, &err);
		if (err)
			break;
	}
	if (err) {
		while (i--)
			cgaddr_effective_free_now(fresh[i]);
		kfree(fresh);
		return err;
	}
	/* Publish every array (fresh[] then holds the old ones)... */
	i = 0;
	list_for_each_entry(cg, &cgaddr_cgs, all) {
		u32 t;

		if (!cgroup_is_descendant(cg->cgrp, root))
			continue;
		t = cg->types & ~(BIT(type) | CGADDR_LOCK_BIT(type));
		if (fresh[i])
			t |= BIT(type) | (fresh[i]->needs_lock ? CGADDR_LOCK_BIT(type) : 0);
		WRITE_ONCE(cg->types, t);
		fresh[i] = rcu_replace_pointer(cg->effective[type], fresh[i],
					       lockdep_is_held(&cgaddr_mutex));
		i++;
	}
	/* ...invalidate the caches that may point at the old ones, retire them. */
	cgaddr_publish();
	while (i--)
		cgaddr_effective_free(fresh[i]);
	kfree(fresh);
	return 0;
}

/* hierarchy_allows_attach(): may @cgrp get programs of @type with @flags? */
static bool cgaddr_hierarchy_allows(struct cgroup *cgrp, enum cgaddr_type type, u32 flags)
{
	struct cgaddr_cg *cg;
	struct cgroup *p;

	for (p = cgroup_parent(cgrp); p; p = cgroup_parent(p)) {
		cg = cgaddr_cg_find(p);
		if (!cg)
			continue;
		if (cg->flags[type] & BPF_F_ALLOW_MULTI)
			return true;
		if (cg->nprogs[type] == 1)
			return !!(cg->flags[type] & BPF_F_ALLOW_OVERRIDE);
	}
	return true;
}

/* Count attachments of @type; the last one gone unpatches its hooks. */
static void cgaddr_type_users_add(enum cgaddr_type type, int delta)
{
	bool was = cgaddr_type_users[type] > 0;

	cgaddr_type_users[type] += delta;
	if (was != (cgaddr_type_users[type] > 0))
		cgaddr_type_hooks_set(type, cgaddr_type_users[type] > 0);
}

int cgaddr_attach(struct cgroup *cgrp, enum cgaddr_type type, struct cgaddr_prog *prog,
		  u32 flags, struct cgaddr_prog *replace, struct netlink_ext_ack *extack)
{
	u32 mode = flags & (BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI);
	struct cgaddr_attached *a, *slot = NULL, *fresh = NULL;
	struct cgaddr_prog *old = NULL;
	struct cgaddr_cg *cg;
	bool created;
	int err;

	lockdep_assert_held(&cgaddr_mutex);
	if (flags & ~(BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI | BPF_F_REPLACE)) {
		NL_SET_ERR_MSG(extack, "unknown attach flags");
		return -EINVAL;
	}
	if (((flags & BPF_F_ALLOW_OVERRIDE) && (flags & BPF_F_ALLOW_MULTI)) ||
	    ((flags & BPF_F_REPLACE) && !(flags & BPF_F_ALLOW_MULTI))) {
		NL_SET_ERR_MSG(extack, "invalid attach flags: OVERRIDE with MULTI, or REPLACE without MULTI");
		return -EINVAL;
	}
	if (!!replace != !!(flags & BPF_F_REPLACE)) {
		NL_SET_ERR_MSG(extack, "REPLACE and a replace program id go together");
		return -EINVAL;
	}
	if (prog->type != type) {
		NL_SET_ERR_MSG(extack, "the program's expected attach type differs from the attach type");
		return -EINVAL;
	}
	if (!cgaddr_type_hooked(type)) {
		NL_SET_ERR_MSG(extack, "this attach type has no hook on this kernel");
		return -EOPNOTSUPP;
	}
	if (cgaddr_cgroup_gone(cgrp)) {
		NL_SET_ERR_MSG(extack, "the cgroup has been removed");
		return -ENOENT;
	}
	if (!cgaddr_hierarchy_allows(cgrp, type, flags)) {
		NL_SET_ERR_MSG(extack, "an ancestor cgroup's attachment does not allow programs below it (attach it with override or multi)");
		return -EPERM;
	}

	cg = cgaddr_cg_find(cgrp);
	created = !cg;
	if (cg && cg->nprogs[type] && cg->flags[type] != mode) {
		NL_SET_ERR_MSG(extack, "the cgroup's programs of this type were attached with other flags");
		return -EPERM;
	}
	if (cg && cg->nprogs[type] >= CGADDR_MAX_PROGS) {
		NL_SET_ERR_MSG(extack, "too many programs of this type in the cgroup (64)");
		return -E2BIG;
	}
	if (cg && !(flags & BPF_F_ALLOW_MULTI)) {
		slot = list_first_entry_or_null(&cg->progs[type], struct cgaddr_attached, node);
	} else if (cg) {
		list_for_each_entry(a, &cg->progs[type], node) {
			if (a->prog == prog && prog != replace) {
				NL_SET_ERR_MSG(extack, "the program is already attached to this cgroup");
				return -EINVAL;
			}
		}
		if (replace) {
			list_for_each_entry(a, &cg->progs[type], node)
				if (a->prog == replace)
					slot = a;
			if (!slot) {
				NL_SET_ERR_MSG(extack, "the program to replace is not attached to this cgroup");
				return -ENOENT;
			}
		}
	} else if (replace) {
		NL_SET_ERR_MSG(extack, "the program to replace is not attached to this cgroup");
		return -ENOENT;
	}

	if (!slot) {
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			return -ENOMEM;
	}
	/* The first program of a type anywhere: patch its functions first. */
	if (!cgaddr_type_users[type]) {
		err = cgaddr_type_hooks_set(type, true);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot patch the kernel functions of this attach type (see the kernel log)");
			kfree(fresh);
			return err;
		}
	}
	cg = cgaddr_cg_get(cgrp);
	if (IS_ERR(cg)) {
		kfree(fresh);
		if (!cgaddr_type_users[type])
			cgaddr_type_hooks_set(type, false);
		return PTR_ERR(cg);
	}

	/* Tentatively change the list, then rebuild the arrays. */
	if (slot) {
		old = slot->prog;
		slot->prog = prog;
	} else {
		fresh->prog = prog;
		list_add_tail(&fresh->node, &cg->progs[type]);
		cg->nprogs[type]++;
	}
	cg->flags[type] = mode;
	err = cgaddr_update_effective(cgrp, type);
	if (err) {
		if (slot) {
			slot->prog = old;
		} else {
			list_del(&fresh->node);
			kfree(fresh);
			cg->nprogs[type]--;
		}
		if (!cg->nprogs[type])
			cg->flags[type] = 0;
		if (created)
			cgaddr_cg_release(cg);
		if (!cgaddr_type_users[type])
			cgaddr_type_hooks_set(type, false);
		return err;
	}

	cgaddr_prog_hold(prog);
	prog->attach_cnt++;
	if (old) {
		old->attach_cnt--;
		cgaddr_prog_put(old);
	} else {
		cgaddr_type_users_add(type, 1);
	}
	cgaddr_reap_arm();
	return 0;
}

int cgaddr_detach(struct cgroup *cgrp, enum cgaddr_type type, struct cgaddr_prog *prog,
		  struct netlink_ext_ack *extack)
{
	struct cgaddr_attached *a, *found = NULL;
	struct list_head *prev;
	struct cgaddr_cg *cg;
	int err;

	lockdep_assert_held(&cgaddr_mutex);
	cg = cgaddr_cg_find(cgrp);
	if (!cg || !cg->nprogs[type]) {
		NL_SET_ERR_MSG(extack, "no program of this type is attached to this cgroup");
		return -ENOENT;
	}
	if (!(cg->flags[type] & BPF_F_ALLOW_MULTI) && !prog) {
		found = list_first_entry(&cg->progs[type], struct cgaddr_attached, node);
	} else if (!prog) {
		NL_SET_ERR_MSG(extack, "programs attached with multi are detached by id: give the program id");
		return -EINVAL;
	} else {
		list_for_each_entry(a, &cg->progs[type], node)
			if (a->prog == prog)
				found = a;
	}
	if (!found) {
		NL_SET_ERR_MSG(extack, "the program is not attached to this cgroup with this type");
		return -ENOENT;
	}

	prev = found->node.prev;
	list_del(&found->node);
	cg->nprogs[type]--;
	err = cgaddr_update_effective(cgrp, type);
	if (err) {
		list_add(&found->node, prev);
		cg->nprogs[type]++;
		return err;
	}
	if (!cg->nprogs[type])
		cg->flags[type] = 0;
	found->prog->attach_cnt--;
	cgaddr_prog_put(found->prog);
	kfree(found);
	cgaddr_type_users_add(type, -1);
	if (cgaddr_cg_empty(cg))
		cgaddr_cg_release(cg);
	return 0;
}

struct cgroup *cgaddr_attached_cgroup_get(u64 id)
{
	struct cgaddr_cg *cg;

	lockdep_assert_held(&cgaddr_mutex);
	list_for_each_entry(cg, &cgaddr_cgs, all) {
		if (cgroup_id(cg->cgrp) == id) {
			cgroup_get(cg->cgrp);
			return cg->cgrp;
		}
	}
	return NULL;
}

/*
 * QUERY_F_EFFECTIVE for a cgroup without attachments of its own: it runs
 * what its nearest ancestor with an entry runs (as natively, where every
 * cgroup has its inherited array).
 */
static int cgaddr_query_inherited(struct cgroup *cgrp, int only_type, unsigned long *pos,
				  int (*fn)(const struct cgaddr_query_item *item, void *arg),
				  void *arg)
{
	struct cgaddr_query_item item = { .cgrp = cgrp };
	struct cgaddr_effective *eff = NULL;
	struct cgaddr_cg *cg = NULL;
	struct cgroup *p;
	int t, err;
	u32 i, *ids;

	for (p = cgroup_parent(cgrp); p && !cg; p = cgroup_parent(p))
		cg = cgaddr_cg_find(p);
	for (t = *pos; cg && t < CGADDR_NTYPES; t++, (*pos)++) {
		if (only_type >= 0 && t != only_type)
			continue;
		eff = rcu_dereference_protected(cg->effective[t], lockdep_is_held(&cgaddr_mutex));
		if (!eff || !eff->cnt)
			continue;
		ids = kmalloc_array(eff->cnt, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
		for (i = 0; i < eff->cnt; i++)
			ids[i] = eff->progs[i]->id;
		item.gone = cgaddr_cgroup_gone(cgrp);
		item.type = t;
		item.flags = 0;
		item.cnt = eff->cnt;
		item.ids = ids;
		err = fn(&item, arg);
		kfree(ids);
		if (err)
			return err;
	}
	return 0;
}

int cgaddr_query(struct cgroup *only, int only_type, bool effective, unsigned long *pos,
		 int (*fn)(const struct cgaddr_query_item *item, void *arg), void *arg)
{
	struct cgaddr_effective *eff;
	struct cgaddr_query_item item;
	struct cgaddr_attached *a;
	struct cgaddr_cg *cg;
	unsigned long n = 0;
	int t, err;
	u32 *ids;

	lockdep_assert_held(&cgaddr_mutex);
	if (only && effective && !cgaddr_cg_find(only))
		return cgaddr_query_inherited(only, only_type, pos, fn, arg);
	list_for_each_entry(cg, &cgaddr_cgs, all) {
		if (only && cg->cgrp != only)
			continue;
		for (t = 0; t < CGADDR_NTYPES; t++) {
			if ((only_type >= 0 && t != only_type) || n++ < *pos)
				continue;
			eff = rcu_dereference_protected(cg->effective[t],
							lockdep_is_held(&cgaddr_mutex));
			item.cnt = effective ? (eff ? eff->cnt : 0) : cg->nprogs[t];
			if (!item.cnt) {
				(*pos)++;
				continue;
			}
			ids = kmalloc_array(item.cnt, sizeof(*ids), GFP_KERNEL);
			if (!ids)
				return -ENOMEM;
			item.cnt = 0;
			if (effective) {
				u32 i;

				for (i = 0; i < eff->cnt; i++)
					ids[item.cnt++] = eff->progs[i]->id;
			} else {
				list_for_each_entry(a, &cg->progs[t], node)
					ids[item.cnt++] = a->prog->id;
			}
			item.cgrp = cg->cgrp;
			item.gone = cgaddr_cgroup_gone(cg->cgrp);
			item.type = t;
			item.flags = cg->flags[t];
			item.ids = ids;
			err = fn(&item, arg);
			kfree(ids);
			if (err)
				return err;
			(*pos)++;
		}
	}
	return 0;
}

/* Detach everything from one removed cgroup and drop its entry. */
static void cgaddr_reap_one(struct cgaddr_cg *cg)
{
	struct cgaddr_attached *a, *tmp;
	int t;

	for (t = 0; t < CGADDR_NTYPES; t++) {
		if (!cg->nprogs[t])
			continue;
		list_for_each_entry_safe(a, tmp, &cg->progs[t], node) {
			list_del(&a->node);
			a->prog->attach_cnt--;
			cgaddr_prog_put(a->prog);
			kfree(a);
			cgaddr_type_users_add(t, -1);
		}
		cg->nprogs[t] = 0;
		cg->flags[t] = 0;
	}
	/*
	 * A removed cgroup has no live descendants and no new sockets; its
	 * remaining sockets fall back to the nearest live ancestor's arrays.
	 */
	cgaddr_cg_release(cg);
}

void cgaddr_reap(void)
{
	struct cgaddr_cg *cg, *tmp;

	lockdep_assert_held(&cgaddr_mutex);
	list_for_each_entry_safe(cg, tmp, &cgaddr_cgs, all)
		if (cgaddr_cgroup_gone(cg->cgrp))
			cgaddr_reap_one(cg);
}

static void cgaddr_reap_fn(struct work_struct *work)
{
	mutex_lock(&cgaddr_mutex);
	cgaddr_reap();
	if (!list_empty(&cgaddr_cgs))
		schedule_delayed_work(&cgaddr_reap_work, CGADDR_REAP_INTERVAL);
	mutex_unlock(&cgaddr_mutex);
}

/* Called after an attach: keep looking for removed cgroups while any exist. */
static void cgaddr_reap_arm(void)
{
	schedule_delayed_work(&cgaddr_reap_work, CGADDR_REAP_INTERVAL);
}

int cgaddr_attach_init(void)
{
	int err;

	INIT_DELAYED_WORK(&cgaddr_reap_work, cgaddr_reap_fn);
	err = cgaddr_cache_init();
	if (err)
		return err;
	cgaddr_scope_init();
	err = rhashtable_init(&cgaddr_cg_table, &cgaddr_cg_params);
	if (err) {
		cgaddr_scope_exit();
		cgaddr_cache_exit();
	}
	return err;
}

/* After the hooks are gone: drop every attachment. */
void cgaddr_attach_release_all(void)
{
	struct cgaddr_cg *cg, *tmp;

	cancel_delayed_work_sync(&cgaddr_reap_work);
	mutex_lock(&cgaddr_mutex);
	list_for_each_entry_safe(cg, tmp, &cgaddr_cgs, all)
		cgaddr_reap_one(cg);
	mutex_unlock(&cgaddr_mutex);
}

/* Once no wrapper can run: the table's buckets are not RCU-freed. */
void cgaddr_attach_exit(void)
{
	cgaddr_attach_release_all();
	rhashtable_destroy(&cgaddr_cg_table);
	cgaddr_scope_exit();
	cgaddr_cache_exit();
}
