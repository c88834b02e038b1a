/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scope of all attachments, for ftrace's callback: the cgroups that
 * have an entry with programs (attach.c).  A socket may have programs to
 * run only if its cgroup is one of them or below one, and ancestry is one
 * load and compare per listed cgroup (cgroup->ancestors[level]), without
 * hashing, a per-CPU slot or a generation check.  This is what a patched
 * function costs, on every call of the machine, when the caller has
 * nothing to run, so the first CGADDR_SCOPE_QUICK entries are checked
 * inline, with no loop, no call and no preemption toggle; up to
 * CGADDR_SCOPE_MAX out of line; beyond, the per-CPU cache (cg_cache.h)
 * answers.
 *
 * The answer over-approximates (the entry may run none of the hook's
 * types), which only sends a call on to the exact check.  It never
 * misses an entry published before the check began: the list is rebuilt
 * and published after every change of entries (under cgaddr_mutex).
 *
 * Readers hold no lock and may be preempted inside ftrace's callback, as
 * ftrace's own trampolines may: an old list is freed after an RCU-tasks
 * grace period, which waits for every task to switch voluntarily (where
 * the kernel cannot preempt, an RCU grace period, see compat.h).
 */
#ifndef CGADDR_CG_SCOPE_H
#define CGADDR_CG_SCOPE_H

#include <linux/cgroup.h>
#include <linux/compiler.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#define CGADDR_SCOPE_QUICK	2	/* entries always allocated, checked inline */
#define CGADDR_SCOPE_MAX	16

struct cgaddr_scope_ent {
	cgaddr_cgroup_key_t key;	/* cgaddr_cgroup_key() of the cgroup */
	int level;			/* its depth; INT_MAX in unused slots */
};

struct cgaddr_scope {
	u32 n;				/* > CGADDR_SCOPE_MAX: ask the cache */
	struct rcu_head rcu;
	struct cgaddr_scope_ent ent[];	/* max(n, CGADDR_SCOPE_QUICK) */
};

extern struct cgaddr_scope *cgaddr_scope;

enum cgaddr_scope_answer {
	CGADDR_SCOPE_NO,
	CGADDR_SCOPE_MAYBE,
	CGADDR_SCOPE_MORE,		/* more entries than the quick check sees */
	CGADDR_SCOPE_ASK_CACHE,
};

static __always_inline bool cgaddr_scope_covers(const struct cgaddr_scope_ent *e,
						const struct cgroup *cgrp, int level)
{
	return e->level <= level && cgaddr_cgroup_ancestor_key(cgrp, e->level) == e->key;
}

static __always_inline const struct cgaddr_scope *cgaddr_scope_get(void)
{
	/* An address dependency orders the reads of the list (see above). */
	return READ_ONCE(cgaddr_scope);
}

/* The inline check: NO, MAYBE, or MORE (ask cgaddr_scope_check()). */
static __always_inline enum cgaddr_scope_answer cgaddr_scope_quick(const struct cgroup *cgrp)
{
	const struct cgaddr_scope *s = cgaddr_scope_get();
	int level = cgrp->level;

	BUILD_BUG_ON(CGADDR_SCOPE_QUICK != 2);
	if (unlikely(s->n > CGADDR_SCOPE_QUICK))
		return CGADDR_SCOPE_MORE;
	return cgaddr_scope_covers(&s->ent[0], cgrp, level) ||
	       cgaddr_scope_covers(&s->ent[1], cgrp, level) ? CGADDR_SCOPE_MAYBE : CGADDR_SCOPE_NO;
}

/* The whole list: NO, MAYBE or ASK_CACHE. */
enum cgaddr_scope_answer cgaddr_scope_check(const struct cgroup *cgrp);

/*
 * Writers, cgaddr_mutex held: publish a list of @n cgroups built with
 * cgaddr_scope_alloc() and cgaddr_scope_set() (NULL: fall back to the
 * cache), retiring the old one.
 */
struct cgaddr_scope *cgaddr_scope_alloc(u32 n);
void cgaddr_scope_set(struct cgaddr_scope *s, u32 i, struct cgroup *cgrp);
void cgaddr_scope_publish(struct cgaddr_scope *s);
/* For the load-time self-check: every socket may have programs. */
void cgaddr_scope_publish_all(void);

void cgaddr_scope_init(void);
/* After the hooks are gone: waits until no old list is left to free. */
void cgaddr_scope_exit(void);

#endif /* CGADDR_CG_SCOPE_H */
