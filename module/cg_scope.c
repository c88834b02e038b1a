// SPDX-License-Identifier: GPL-2.0
/* The attachments' scope list: the full check and publication (cg_scope.h). */
#include <linux/limits.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "cg_scope.h"

/* Never freed: what readers see while no list could be built. */
static struct cgaddr_scope cgaddr_scope_fallback = { .n = U32_MAX };

struct cgaddr_scope *cgaddr_scope = &cgaddr_scope_fallback;

notrace enum cgaddr_scope_answer cgaddr_scope_check(const struct cgroup *cgrp)
{
	const struct cgaddr_scope *s = cgaddr_scope_get();
	int level = cgrp->level;
	u32 n = s->n, i;

	if (n > CGADDR_SCOPE_MAX)
		return CGADDR_SCOPE_ASK_CACHE;
	for (i = 0; i < n; i++)
		if (cgaddr_scope_covers(&s->ent[i], cgrp, level))
			return CGADDR_SCOPE_MAYBE;
	return CGADDR_SCOPE_NO;
}

struct cgaddr_scope *cgaddr_scope_alloc(u32 n)
{
	u32 len = max_t(u32, n, CGADDR_SCOPE_QUICK), i;
	struct cgaddr_scope *s;

	if (n > CGADDR_SCOPE_MAX)
		return NULL;
	s = kzalloc(struct_size(s, ent, len), GFP_KERNEL);
	if (!s)
		return NULL;
	s->n = n;
	for (i = 0; i < len; i++)
		s->ent[i].level = INT_MAX;	/* covers nothing */
	return s;
}

void cgaddr_scope_set(struct cgaddr_scope *s, u32 i, struct cgroup *cgrp)
{
	s->ent[i].key = cgaddr_cgroup_key(cgrp);
	s->ent[i].level = cgrp->level;
}

static void cgaddr_scope_free(struct rcu_head *head)
{
	kfree(container_of(head, struct cgaddr_scope, rcu));
}

void cgaddr_scope_publish(struct cgaddr_scope *s)
{
	/* Serialised by cgaddr_mutex, the writers' lock. */
	struct cgaddr_scope *old = cgaddr_scope;

	/* The entries before the pointer: readers follow it without a lock. */
	smp_store_release(&cgaddr_scope, s ? s : &cgaddr_scope_fallback);
	if (old != &cgaddr_scope_fallback)
		cgaddr_call_rcu_tasks(&old->rcu, cgaddr_scope_free);
}

/* The default hierarchy's root is every socket's ancestor. */
void cgaddr_scope_publish_all(void)
{
	struct cgaddr_scope *s = cgaddr_scope_alloc(1);

	if (s)
		cgaddr_scope_set(s, 0, &cgrp_dfl_root.cgrp);
	cgaddr_scope_publish(s);
}

void cgaddr_scope_init(void)
{
	/* Nothing attached yet: an empty list (the fallback if no memory). */
	cgaddr_scope_publish(cgaddr_scope_alloc(0));
}

void cgaddr_scope_exit(void)
{
	cgaddr_scope_publish(NULL);
	/* cgaddr_scope_free() is the module's: wait for the last one. */
	cgaddr_rcu_barrier_tasks();
}
