// SPDX-License-Identifier: GPL-2.0
/*
 * Rules (rule.h): policy for cgroups by path, including cgroups that do
 * not exist yet.  systemd makes a unit's cgroup anew at every start, so a
 * pin must follow the path, not the cgroup.
 *
 * A rule's attachments are ordinary attachments (attach.c), made with the
 * kernel's flag rules: in every matching cgroup that exists when the rule
 * is added, and in every matching cgroup made later, from inside
 * cgroup_mkdir(): the wrapper of cgroup_apply_control_enable() runs with
 * cgroup_mutex held, after the cgroup exists and before kernfs_activate()
 * makes its directory visible.  No task can be moved into it before its
 * directory can be opened, and none can be forked into it (clone3's
 * CLONE_INTO_CGROUP takes a directory fd), so its programs are in force
 * before anything in it can make a socket call: no daemon watching for
 * new directories, and no race.
 *
 * Lock order: cgroup_mutex, then cgaddr_mutex.  Nothing under
 * cgaddr_mutex may take cgroup_mutex (see cgaddr_cgroup_path_ns()).
 *
 * A rule remembers where it attached (a cgroup reference each), so that
 * deleting or replacing it touches exactly its own attachments; entries
 * of removed cgroups are pruned whenever the rules are used (the reaper of
 * attach.c releases the attachments themselves).
 */
#include <linux/bitmap.h>
#include <linux/cgroup.h>
#include <linux/kernfs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/cgaddr.h>

#include "attach.h"
#include "cgaddr.h"
#include "hook.h"
#include "netlink.h"
#include "prog.h"
#include "rule.h"
#include "rule_match.h"

struct cgaddr_rule_cg {
	struct list_head node;
	struct cgroup *cgrp;		/* referenced */
};

static LIST_HEAD(cgaddr_rules);		/* under cgaddr_mutex, in id order */
static u32 cgaddr_rule_count;
static u32 cgaddr_rule_last_id;

static bool cgaddr_rule_cgroup_gone(struct cgroup *cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/* @cgrp's path relative to the root, without the leading '/'; NULL if too long. */
static const char *cgaddr_rule_path(struct cgroup *cgrp, char *buf, size_t len)
{
	int n = cgroup_path(cgrp, buf, len);

	if (n < 0 || n >= len)
		return NULL;
	return buf[0] == '/' ? buf + 1 : buf;
}

static bool cgaddr_rule_matches(const struct cgaddr_rule *rule, struct cgroup *cgrp, char *buf)
{
	const char *path = cgaddr_rule_path(cgrp, buf, PATH_MAX);

	return path && *path && cgaddr_rule_match(rule->pattern, path);
}

struct cgaddr_rule *cgaddr_rule_find(u32 id)
{
	struct cgaddr_rule *rule;

	lockdep_assert_held(&cgaddr_mutex);
	list_for_each_entry(rule, &cgaddr_rules, node)
		if (rule->id == id)
			return rule;
	return NULL;
}

struct cgaddr_rule *cgaddr_rule_next(u32 *id)
{
	struct cgaddr_rule *rule;

	lockdep_assert_held(&cgaddr_mutex);
	list_for_each_entry(rule, &cgaddr_rules, node) {
		if (rule->id >= *id) {
			*id = rule->id;
			return rule;
		}
	}
	return NULL;
}

bool cgaddr_rules_hold(const struct cgaddr_prog *prog)
{
	struct cgaddr_rule *rule;
	u32 i;

	lockdep_assert_held(&cgaddr_mutex);
	list_for_each_entry(rule, &cgaddr_rules, node)
		for (i = 0; i < rule->nprogs; i++)
			if (rule->progs[i].prog == prog)
				return true;
	return false;
}

static struct cgaddr_rule_cg *cgaddr_rule_cg_find(struct cgaddr_rule *rule, struct cgroup *cgrp)
{
	struct cgaddr_rule_cg *rc;

	list_for_each_entry(rc, &rule->cgroups, node)
		if (rc->cgrp == cgrp)
			return rc;
	return NULL;
}

static void cgaddr_rule_cg_forget(struct cgaddr_rule_cg *rc)
{
	list_del(&rc->node);
	cgroup_put(rc->cgrp);
	kfree(rc);
}

static void cgaddr_rule_unapply(struct cgaddr_rule *rule, struct cgaddr_rule_cg *rc);

/*
 * Let go of the cgroups that were removed, detaching the rule's programs
 * now rather than when the reaper comes by: a program replaced or deleted
 * right after a unit's restart must not still count as attached.
 */
static void cgaddr_rule_prune(struct cgaddr_rule *rule)
{
	struct cgaddr_rule_cg *rc, *tmp;

	list_for_each_entry_safe(rc, tmp, &rule->cgroups, node)
		if (cgaddr_rule_cgroup_gone(rc->cgrp))
			cgaddr_rule_unapply(rule, rc);
}

int cgaddr_rule_for_each_cgroup(struct cgaddr_rule *rule,
				int (*fn)(struct cgroup *cgrp, void *arg), void *arg)
{
	struct cgaddr_rule_cg *rc;
	int err;

	lockdep_assert_held(&cgaddr_mutex);
	cgaddr_rule_prune(rule);
	list_for_each_entry(rc, &rule->cgroups, node) {
		err = fn(rc->cgrp, arg);
		if (err)
			return err;
	}
	return 0;
}

struct cgaddr_rule_seen {
	u32 id;		/* a program to look for */
	u32 cnt;	/* programs of the type */
	bool found;
};

static int cgaddr_rule_see(const struct cgaddr_query_item *item, void *arg)
{
	struct cgaddr_rule_seen *seen = arg;
	u32 i;

	seen->cnt += item->cnt;
	for (i = 0; i < item->cnt; i++)
		seen->found |= item->ids[i] == seen->id;
	return 0;
}

/* What @cgrp itself has of @type: how many programs, and whether @prog. */
static struct cgaddr_rule_seen cgaddr_rule_attached(struct cgroup *cgrp, enum cgaddr_type type,
						    const struct cgaddr_prog *prog)
{
	struct cgaddr_rule_seen seen = { .id = prog->id };
	unsigned long pos = 0;

	cgaddr_query(cgrp, type, false, &pos, cgaddr_rule_see, &seen);
	return seen;
}

/*
 * Say which cgroup a refused attachment was for, keeping the attach
 * code's reason (copied first: it may live in the buffer written here).
 */
static void cgaddr_rule_explain(struct netlink_ext_ack *extack, struct cgroup *cgrp,
				const struct cgaddr_rule_prog *p)
{
	char reason[128], *buf;
	const char *path;

	if (!extack)
		return;
	strscpy(reason, extack->_msg ?: "refused", sizeof(reason));
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	path = buf && cgroup_path(cgrp, buf, PATH_MAX) > 0 ? buf : NULL;
	cgaddr_set_err(extack, "cgroup %s, %s program %u: %s", path ?: "?",
		       cgaddr_type_name(p->type), p->prog->id, reason);
	kfree(buf);
}

/*
 * Attach every program of @rule to @cgrp: all of them, or none.  A
 * program already attached there with its type is taken as it is (so
 * that a tool can attach in place first, then make the rule).
 */
static int cgaddr_rule_apply(struct cgaddr_rule *rule, struct cgroup *cgrp,
			     struct netlink_ext_ack *extack)
{
	DECLARE_BITMAP(ours, CGADDR_MAX_RULE_PROGS);
	struct cgaddr_rule_cg *rc;
	struct cgaddr_rule_seen seen;
	int err = 0;
	u32 i;

	if (cgaddr_rule_cg_find(rule, cgrp))
		return 0;
	rc = kzalloc(sizeof(*rc), GFP_KERNEL);
	if (!rc)
		return -ENOMEM;
	bitmap_zero(ours, CGADDR_MAX_RULE_PROGS);
	for (i = 0; i < rule->nprogs; i++) {
		const struct cgaddr_rule_prog *p = &rule->progs[i];

		seen = cgaddr_rule_attached(cgrp, p->type, p->prog);
		if (seen.found)
			continue;
		/*
		 * Without multi an attachment replaces the cgroup's program,
		 * which could not be put back if a later step failed: a rule
		 * never replaces what someone else attached.
		 */
		if (!(p->flags & BPF_F_ALLOW_MULTI) && seen.cnt) {
			NL_SET_ERR_MSG(extack, "the cgroup already has a program of this type, and the rule's is not attached with multi");
			err = -EEXIST;
		} else {
			err = cgaddr_attach(cgrp, p->type, p->prog, p->flags, NULL, extack);
		}
		if (err) {
			cgaddr_rule_explain(extack, cgrp, p);
			break;
		}
		__set_bit(i, ours);
	}
	if (err) {
		while (i--)
			if (test_bit(i, ours))
				cgaddr_detach(cgrp, rule->progs[i].type, rule->progs[i].prog, NULL);
		kfree(rc);
		return err;
	}
	cgroup_get(cgrp);
	rc->cgrp = cgrp;
	list_add_tail(&rc->node, &rule->cgroups);
	return 0;
}

/*
 * Whether a rule other than @rule holds @prog in force in @cgrp: the
 * attachment is shared (a tool made a new rule that took it over before
 * removing the old one), and stays until its last rule goes.
 */
static bool cgaddr_rule_shared(const struct cgaddr_rule *rule, const struct cgaddr_prog *prog,
			       struct cgroup *cgrp)
{
	struct cgaddr_rule *other;
	u32 i;

	list_for_each_entry(other, &cgaddr_rules, node) {
		if (other == rule || !cgaddr_rule_cg_find(other, cgrp))
			continue;
		for (i = 0; i < other->nprogs; i++)
			if (other->progs[i].prog == prog)
				return true;
	}
	return false;
}

/* Detach @rule's programs where it attached them (if still there), and forget it. */
static void cgaddr_rule_unapply(struct cgaddr_rule *rule, struct cgaddr_rule_cg *rc)
{
	u32 i;

	for (i = rule->nprogs; i--;) {
		int err;

		if (cgaddr_rule_shared(rule, rule->progs[i].prog, rc->cgrp))
			continue;
		err = cgaddr_detach(rc->cgrp, rule->progs[i].type, rule->progs[i].prog, NULL);

		/* ENOENT: detached by hand, or the cgroup's attachments were reaped. */
		if (err && err != -ENOENT)
			pr_warn("rule %u: cannot detach program %u (%d)\n", rule->id,
				rule->progs[i].prog->id, err);
	}
	cgaddr_rule_cg_forget(rc);
}

/* The live matching cgroups of the default hierarchy, referenced; *@n of them. */
static struct cgroup **cgaddr_rule_collect(struct cgaddr_rule *rule, char *buf, u32 *n)
{
	struct cgroup_subsys_state *root = &cgrp_dfl_root.cgrp.self, *css;
	struct cgroup **cgs;
	u32 cap = 0;

	*n = 0;
	rcu_read_lock();
	css_for_each_descendant_pre(css, root)
		cap += css != root && cgaddr_rule_matches(rule, css->cgroup, buf);
	rcu_read_unlock();
	cgs = kvcalloc(max(cap, 1U), sizeof(*cgs), GFP_KERNEL);
	if (!cgs)
		return NULL;
	/*
	 * A cgroup made since the count has its rules applied by its own
	 * mkdir (which waits for cgaddr_mutex), so the cap loses nothing.
	 */
	rcu_read_lock();
	css_for_each_descendant_pre(css, root) {
		if (*n < cap && css != root && !cgaddr_rule_cgroup_gone(css->cgroup) &&
		    cgaddr_rule_matches(rule, css->cgroup, buf) && cgroup_tryget(css->cgroup))
			cgs[(*n)++] = css->cgroup;
	}
	rcu_read_unlock();
	return cgs;
}

static int cgaddr_rule_apply_existing(struct cgaddr_rule *rule, struct netlink_ext_ack *extack)
{
	struct cgroup **cgs;
	char *buf;
	int err = 0;
	u32 n, i;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cgs = cgaddr_rule_collect(rule, buf, &n);
	kfree(buf);
	if (!cgs)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++)
		err = cgaddr_rule_apply(rule, cgs[i], extack);
	for (i = 0; i < n; i++)
		cgroup_put(cgs[i]);
	kvfree(cgs);
	return err;
}

static void cgaddr_rule_free(struct cgaddr_rule *rule)
{
	u32 i;

	for (i = 0; i < rule->nprogs; i++)
		cgaddr_prog_put(rule->progs[i].prog);
	kfree(rule->progs);
	kfree(rule->pattern);
	kfree(rule);
}

/* Unlink @rule, detach everything it attached, and free it. */
static void cgaddr_rule_remove(struct cgaddr_rule *rule)
{
	struct cgaddr_rule_cg *rc, *tmp;

	list_del(&rule->node);
	list_for_each_entry_safe(rc, tmp, &rule->cgroups, node)
		cgaddr_rule_unapply(rule, rc);
	if (!--cgaddr_rule_count)
		cgaddr_hook_set_active(CGADDR_HOOK_CGROUP_MADE, false);
	cgaddr_rule_free(rule);
}

/* The entries of a new rule, or of a replacement: each checked on its own. */
static int cgaddr_rule_check_progs(const struct cgaddr_rule_prog *progs, u32 nprogs,
				   struct netlink_ext_ack *extack)
{
	u32 i, j;

	if (!nprogs) {
		NL_SET_ERR_MSG(extack, "a rule needs at least one program");
		return -EINVAL;
	}
	if (nprogs > CGADDR_MAX_RULE_PROGS) {
		cgaddr_set_err(extack, "a rule has at most %d programs", CGADDR_MAX_RULE_PROGS);
		return -E2BIG;
	}
	for (i = 0; i < nprogs; i++) {
		const struct cgaddr_rule_prog *p = &progs[i];

		if (p->flags & ~(BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI) ||
		    p->flags == (BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI)) {
			cgaddr_set_err(extack, "rule program %u: the flags are none, override or multi", i);
			return -EINVAL;
		}
		if (p->prog->type != p->type) {
			cgaddr_set_err(extack, "rule program %u: program %u's expected attach type is not %s",
				       i, p->prog->id, cgaddr_type_name(p->type));
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (progs[j].type != p->type)
				continue;
			if (progs[j].prog == p->prog ||
			    !(progs[j].flags & p->flags & BPF_F_ALLOW_MULTI)) {
				cgaddr_set_err(extack, "rule programs %u and %u: two programs of one type need multi, and differ",
					       j, i);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static struct cgaddr_rule_prog *cgaddr_rule_progs_dup(const struct cgaddr_rule_prog *progs,
						      u32 nprogs)
{
	struct cgaddr_rule_prog *copy = kmemdup(progs, nprogs * sizeof(*progs), GFP_KERNEL);
	u32 i;

	if (copy)
		for (i = 0; i < nprogs; i++)
			cgaddr_prog_hold(copy[i].prog);
	return copy;
}

int cgaddr_rule_add(const char *pattern, const char *name, const struct cgaddr_rule_prog *progs,
		    u32 nprogs, u32 *id, struct netlink_ext_ack *extack)
{
	struct cgaddr_rule *rule;
	const char *why;
	int err;

	lockdep_assert_held(&cgaddr_mutex);
	why = cgaddr_rule_pattern_check(pattern);
	if (why) {
		cgaddr_set_err(extack, "%s", why);
		return -EINVAL;
	}
	err = cgaddr_rule_check_progs(progs, nprogs, extack);
	if (err)
		return err;
	if (cgaddr_rule_count >= CGADDR_MAX_RULES) {
		cgaddr_set_err(extack, "at most %d rules", CGADDR_MAX_RULES);
		return -ENOSPC;
	}
	if (!cgaddr_hooks[CGADDR_HOOK_CGROUP_MADE].installed) {
		NL_SET_ERR_MSG(extack, "this kernel's cgroup creation cannot be hooked: no rules");
		return -EOPNOTSUPP;
	}

	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return -ENOMEM;
	INIT_LIST_HEAD(&rule->cgroups);
	strscpy(rule->name, name ?: "", sizeof(rule->name));
	rule->pattern = kstrdup(pattern, GFP_KERNEL);
	rule->progs = cgaddr_rule_progs_dup(progs, nprogs);
	if (!rule->pattern || !rule->progs) {
		kfree(rule->progs);
		kfree(rule->pattern);
		kfree(rule);
		return -ENOMEM;
	}
	rule->nprogs = nprogs;
	if (!cgaddr_rule_count) {
		err = cgaddr_hook_set_active(CGADDR_HOOK_CGROUP_MADE, true);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot patch cgroup creation (see the kernel log)");
			cgaddr_rule_free(rule);
			return err;
		}
	}
	rule->id = ++cgaddr_rule_last_id;
	list_add_tail(&rule->node, &cgaddr_rules);
	cgaddr_rule_count++;
	err = cgaddr_rule_apply_existing(rule, extack);
	if (err) {
		cgaddr_rule_remove(rule);
		return err;
	}
	*id = rule->id;
	return 0;
}

int cgaddr_rule_del(u32 id, struct netlink_ext_ack *extack)
{
	struct cgaddr_rule *rule;

	lockdep_assert_held(&cgaddr_mutex);
	rule = cgaddr_rule_find(id);
	if (!rule) {
		cgaddr_set_err(extack, "no rule with id %u", id);
		return -ENOENT;
	}
	cgaddr_rule_remove(rule);
	return 0;
}

/*
 * Put program @to where @from is attached in @cgrp, in place (MULTI with
 * REPLACE keeps the position; without MULTI attaching replaces).  Where a
 * tool has already put @to in place, or attached it beside @from, the
 * cgroup is brought to the same end: @to attached, @from not.
 */
static int cgaddr_rule_swap(struct cgroup *cgrp, const struct cgaddr_rule_prog *from,
			    const struct cgaddr_rule_prog *to, struct netlink_ext_ack *extack)
{
	bool has_from, has_to;

	if (from->prog == to->prog)
		return 0;
	has_from = cgaddr_rule_attached(cgrp, from->type, from->prog).found;
	has_to = cgaddr_rule_attached(cgrp, to->type, to->prog).found;
	if (has_to)
		return has_from ? cgaddr_detach(cgrp, from->type, from->prog, extack) : 0;
	if ((to->flags & BPF_F_ALLOW_MULTI) && has_from)
		return cgaddr_attach(cgrp, to->type, to->prog, to->flags | BPF_F_REPLACE, from->prog,
				     extack);
	return cgaddr_attach(cgrp, to->type, to->prog, to->flags, NULL, extack);
}

int cgaddr_rule_replace(u32 id, const char *name, const struct cgaddr_rule_prog *progs,
			u32 nprogs, struct netlink_ext_ack *extack)
{
	struct cgaddr_rule_prog *fresh, *old;
	struct cgaddr_rule_cg *rc, *done;
	struct cgaddr_rule *rule;
	int err = 0;
	u32 i, k;

	lockdep_assert_held(&cgaddr_mutex);
	rule = cgaddr_rule_find(id);
	if (!rule) {
		cgaddr_set_err(extack, "no rule with id %u", id);
		return -ENOENT;
	}
	err = cgaddr_rule_check_progs(progs, nprogs, extack);
	if (err)
		return err;
	if (nprogs != rule->nprogs) {
		cgaddr_set_err(extack, "rule %u has %u programs: a replacement gives as many", id,
			       rule->nprogs);
		return -EINVAL;
	}
	for (i = 0; i < nprogs; i++) {
		if (progs[i].type != rule->progs[i].type || progs[i].flags != rule->progs[i].flags) {
			cgaddr_set_err(extack, "rule program %u: a replacement keeps the attach type and flags",
				       i);
			return -EINVAL;
		}
	}
	fresh = cgaddr_rule_progs_dup(progs, nprogs);
	if (!fresh)
		return -ENOMEM;

	/* In place, cgroup by cgroup; on failure, back to the old programs. */
	cgaddr_rule_prune(rule);
	list_for_each_entry(rc, &rule->cgroups, node) {
		for (i = 0; i < nprogs && !err; i++)
			err = cgaddr_rule_swap(rc->cgrp, &rule->progs[i], &fresh[i], extack);
		if (err) {
			cgaddr_rule_explain(extack, rc->cgrp, &fresh[i - 1]);
			for (k = i - 1; k--;)
				cgaddr_rule_swap(rc->cgrp, &fresh[k], &rule->progs[k], NULL);
			done = rc;
			list_for_each_entry(rc, &rule->cgroups, node) {
				if (rc == done)
					break;
				for (k = 0; k < nprogs; k++)
					cgaddr_rule_swap(rc->cgrp, &fresh[k], &rule->progs[k], NULL);
			}
			for (k = 0; k < nprogs; k++)
				cgaddr_prog_put(fresh[k].prog);
			kfree(fresh);
			return err;
		}
	}
	old = rule->progs;
	rule->progs = fresh;
	if (name)
		strscpy(rule->name, name, sizeof(rule->name));
	for (i = 0; i < nprogs; i++)
		cgaddr_prog_put(old[i].prog);
	kfree(old);
	return 0;
}

typedef int (*cgaddr_control_enable_fn)(struct cgroup *cgrp);

/* Apply every matching rule to the new cgroup @cgrp; all or nothing. */
static int cgaddr_rules_cgroup_made(struct cgroup *cgrp)
{
	struct cgaddr_rule *rule, *failed = NULL;
	struct cgaddr_rule_cg *rc;
	int err = 0;
	char *buf;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	list_for_each_entry(rule, &cgaddr_rules, node) {
		cgaddr_rule_prune(rule);
		if (!cgaddr_rule_matches(rule, cgrp, buf))
			continue;
		err = cgaddr_rule_apply(rule, cgrp, NULL);
		if (err) {
			failed = rule;
			break;
		}
	}
	if (failed) {
		list_for_each_entry(rule, &cgaddr_rules, node) {
			if (rule == failed)
				break;
			rc = cgaddr_rule_cg_find(rule, cgrp);
			if (rc)
				cgaddr_rule_unapply(rule, rc);
		}
		/* Fail closed: a cgroup the policy names never runs without it. */
		pr_warn_ratelimited("rule %u cannot attach its programs to the new cgroup %s (%d): not making it\n",
				    failed->id, cgroup_path(cgrp, buf, PATH_MAX) > 0 ? buf : "?", err);
	}
	mutex_unlock(&cgaddr_mutex);
	kfree(buf);
	return err;
}

int cgaddr_wrap_cgroup_control_enable(struct cgroup *cgrp)
{
	int idx, ret;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	ret = CGADDR_ORIG(CGADDR_HOOK_CGROUP_MADE, cgaddr_control_enable_fn)(cgrp);
	/*
	 * cgroup_mkdir() calls this for the new cgroup before activating its
	 * directory; subtree_control writes call it for visible cgroups,
	 * which are not new.
	 */
	if (!ret && cgrp->root == &cgrp_dfl_root && cgroup_parent(cgrp) &&
	    !(READ_ONCE(cgrp->kn->flags) & KERNFS_ACTIVATED))
		ret = cgaddr_rules_cgroup_made(cgrp);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

void cgaddr_rules_release_all(void)
{
	struct cgaddr_rule *rule, *tmp;

	mutex_lock(&cgaddr_mutex);
	list_for_each_entry_safe(rule, tmp, &cgaddr_rules, node)
		cgaddr_rule_remove(rule);
	mutex_unlock(&cgaddr_mutex);
}
