/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs attached to cgroups, with the kernel's attach-flag rules, and
 * the effective arrays the hooks run.
 */
#ifndef CGADDR_ATTACH_H
#define CGADDR_ATTACH_H

#include <linux/cgroup.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "types.h"

struct cgaddr_prog;

/* What the hooks run: a snapshot taken at attach/detach time. */
struct cgaddr_effective {
	struct rcu_head rcu;
	bool needs_lock;	/* a program of it needs the socket locked */
	u32 cnt;
	struct cgaddr_prog *progs[];
};

/*
 * The effective programs of @type for sockets of @cgrp, or NULL.  Caller
 * holds rcu_read_lock() and has preemption disabled (the per-CPU cache,
 * cg_cache.h).  Cost: a cache probe; on a miss, one hash lookup per
 * ancestor up to the nearest with attachments.
 */
struct cgaddr_effective *cgaddr_effective(struct cgroup *cgrp, enum cgaddr_type type);

/*
 * The types (BIT(enum cgaddr_type)) with programs for sockets of @cgrp,
 * and CGADDR_LOCK_BIT(type) for those whose array needs the socket
 * locked; preemption disabled, any context.  Same cost as
 * cgaddr_effective().
 */
u32 cgaddr_cgroup_types(struct cgroup *cgrp);
#define CGADDR_LOCK_BIT(type)	BIT((type) + 16)

int cgaddr_attach(struct cgroup *cgrp, enum cgaddr_type type, struct cgaddr_prog *prog,
		  u32 flags, struct cgaddr_prog *replace, struct netlink_ext_ack *extack);
int cgaddr_detach(struct cgroup *cgrp, enum cgaddr_type type, struct cgaddr_prog *prog,
		  struct netlink_ext_ack *extack);

/* Find a cgroup with attachments by id (a reference is taken), or NULL. */
struct cgroup *cgaddr_attached_cgroup_get(u64 id);

/*
 * Walk the attachments for QUERY: calls @fn for each cgroup with programs
 * of a type, starting after position *pos (updated), until @fn returns
 * non-zero.  With @effective, the programs are the effective ones.
 */
struct cgaddr_query_item {
	struct cgroup *cgrp;
	bool gone;
	enum cgaddr_type type;
	u32 flags;
	u32 cnt;
	const u32 *ids;		/* program ids in run order */
};
int cgaddr_query(struct cgroup *only, int only_type, bool effective, unsigned long *pos,
		 int (*fn)(const struct cgaddr_query_item *item, void *arg), void *arg);

/* Release the attachments of removed cgroups. */
void cgaddr_reap(void);

int cgaddr_attach_init(void);
/* Drop every attachment (unpatching the hooks as their last one goes). */
void cgaddr_attach_release_all(void);
/* After the hooks are removed: free what is left. */
void cgaddr_attach_exit(void);

#endif /* CGADDR_ATTACH_H */
