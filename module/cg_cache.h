/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A per-CPU cache from a socket's cgroup to what attach.c found for it
 * (the nearest ancestor with attachments and the types it runs), so that
 * the hot path need not hash every ancestor on every call.
 *
 * Validity is a global generation: attach.c bumps it after publishing any
 * change of entries or effective arrays and before retiring the old ones
 * to RCU.  A reader that sees an entry of the current generation (with
 * preemption disabled, which is an RCU read section) therefore holds
 * pointers no grace period started before it could have freed.  Entries
 * are keyed by cgroup id, never reused, unlike struct cgroup pointers.
 */
#ifndef CGADDR_CG_CACHE_H
#define CGADDR_CG_CACHE_H

#include <linux/cgroup.h>
#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/types.h>

struct cgaddr_cg;

#define CGADDR_CACHE_BITS	8

struct cgaddr_cache_ent {
	u64 id;			/* cgroup_id() of the key cgroup; 0: empty */
	unsigned long gen;	/* cgaddr_cache_gen when filled */
	struct cgaddr_cg *cg;	/* nearest entry at or above it, or NULL */
	u32 types;		/* its types with a non-empty effective array */
};

extern struct cgaddr_cache_ent __percpu *cgaddr_cache;
extern unsigned long cgaddr_cache_gen;

static __always_inline unsigned long cgaddr_cache_gen_read(void)
{
	/* Before the walk a miss does: a fill is never newer than its walk. */
	return smp_load_acquire(&cgaddr_cache_gen);
}

/*
 * This CPU's slot for @cgrp.  Only task context with preemption disabled
 * may use it: nothing else on the CPU then touches the slot mid-update.
 */
static __always_inline struct cgaddr_cache_ent *cgaddr_cache_slot(struct cgroup *cgrp)
{
	return this_cpu_ptr(cgaddr_cache) + hash_ptr((void *)cgrp, CGADDR_CACHE_BITS);
}

/*
 * With preemption disabled: this CPU's entry for @cgrp if it is of the
 * current generation, else NULL (also outside task context).
 */
static __always_inline struct cgaddr_cache_ent *cgaddr_cache_hit(struct cgroup *cgrp)
{
	unsigned long gen = cgaddr_cache_gen_read();
	struct cgaddr_cache_ent *ent;

	if (unlikely(!in_task()))
		return NULL;
	ent = cgaddr_cache_slot(cgrp);
	return likely(ent->id == cgroup_id(cgrp) && ent->gen == gen) ? ent : NULL;
}

/* Writers (cgaddr_mutex held): after publishing, before call_rcu(). */
static inline void cgaddr_cache_invalidate(void)
{
	smp_store_release(&cgaddr_cache_gen, cgaddr_cache_gen + 1);
}

int cgaddr_cache_init(void);
void cgaddr_cache_exit(void);

#endif /* CGADDR_CG_CACHE_H */
