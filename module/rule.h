/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules: programs to attach to every cgroup whose path matches a pattern,
 * those that exist when the rule is added and those made later, from the
 * moment they are made (before any task can enter them).
 */
#ifndef CGADDR_RULE_H
#define CGADDR_RULE_H

#include <linux/cgroup.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/types.h>
#include <uapi/cgaddr.h>

#include "types.h"

struct cgaddr_prog;

/* One attachment a rule makes in each of its cgroups. */
struct cgaddr_rule_prog {
	enum cgaddr_type type;
	u32 flags;			/* 0, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI */
	struct cgaddr_prog *prog;	/* referenced by the rule */
};

struct cgaddr_rule {
	struct list_head node;		/* cgaddr_rules, in id order */
	u32 id;
	char name[CGADDR_NAME_LEN];	/* who made it: "pin", "apply", ... */
	char *pattern;
	u32 nprogs;
	struct cgaddr_rule_prog *progs;
	struct list_head cgroups;	/* struct cgaddr_rule_cg: where it attached */
};

/* All of these run under cgaddr_mutex. */
int cgaddr_rule_add(const char *pattern, const char *name, const struct cgaddr_rule_prog *progs,
		    u32 nprogs, u32 *id, struct netlink_ext_ack *extack);
int cgaddr_rule_del(u32 id, struct netlink_ext_ack *extack);
/* @name: the rule's new name, or NULL to keep it. */
int cgaddr_rule_replace(u32 id, const char *name, const struct cgaddr_rule_prog *progs,
			u32 nprogs, struct netlink_ext_ack *extack);
struct cgaddr_rule *cgaddr_rule_find(u32 id);
/* The first rule with an id of *@id or more (*@id is set to it), or NULL. */
struct cgaddr_rule *cgaddr_rule_next(u32 *id);
/* Whether a rule holds @prog (it cannot be deleted then). */
bool cgaddr_rules_hold(const struct cgaddr_prog *prog);

/*
 * Calls @fn for each live cgroup where @rule is in force, with a
 * reference held for the call; stops at a non-zero return.
 */
int cgaddr_rule_for_each_cgroup(struct cgaddr_rule *rule,
				int (*fn)(struct cgroup *cgrp, void *arg), void *arg);

/*
 * The wrapper of cgroup_apply_control_enable(): a cgroup of the default
 * hierarchy has just been made and is not visible yet; apply the rules
 * that match it.  cgroup_mutex is held.  An error fails the mkdir.
 */
int cgaddr_wrap_cgroup_control_enable(struct cgroup *cgrp);

/* Module exit: drop every rule (its attachments go with it). */
void cgaddr_rules_release_all(void);

#endif /* CGADDR_RULE_H */
