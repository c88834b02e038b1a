// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr cgroup tree: every cgroup with attachments, by hierarchy.
 *
 *   /sys/fs/cgroup/
 *     test/
 *         bind4         multi     12 demo, 13 mark4
 *       a/  (removed)
 *           bind6         none      14 deny6
 *     web/
 *         bind4         multi     15 pin_bind4 [rule 2]
 *   rules: 2 web by pin (in force in 1 cgroup), 3 db@* by apply:1e2f0a3b (in none now)
 *
 * Paths come from the module (relative to the reader's cgroup namespace);
 * cgroups without attachments appear only as the way to deeper ones.  A
 * program a rule attached there is marked with the rule.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cmd.h"
#include "json.h"
#include "prog.h"
#include "rule.h"
#include "util.h"

/* Path order, component by component: "/a" < "/a/b" < "/a-b". */
static int path_cmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (!*a || *a == '/')
		return -1;
	if (!*b || *b == '/')
		return 1;
	return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

static int item_cmp(const void *x, const void *y)
{
	const struct query_item *a = x, *b = y;
	int c = path_cmp(a->path, b->path);

	if (c)
		return c;
	if (a->cgroup_id != b->cgroup_id)
		return a->cgroup_id < b->cgroup_id ? -1 : 1;
	return a->attach_type < b->attach_type ? -1 : a->attach_type > b->attach_type;
}

/* The path below @root ("" for the root itself), or NULL if not below it. */
static const char *below(const char *path, const char *root)
{
	size_t len = strlen(root);

	if (!strcmp(root, "/"))
		return path + strspn(path, "/");
	if (strncmp(path, root, len) || (path[len] && path[len] != '/'))
		return NULL;
	return path + len + strspn(path + len, "/");
}

static unsigned int ncomps(const char *rel)
{
	unsigned int n = 0;

	while (*rel) {
		n++;
		rel += strcspn(rel, "/");
		rel += strspn(rel, "/");
	}
	return n;
}

/* How many leading components @a and @b share. */
static unsigned int common_comps(const char *a, const char *b)
{
	unsigned int n = 0;
	size_t la, lb;

	while (*a && *b) {
		la = strcspn(a, "/");
		lb = strcspn(b, "/");
		if (la != lb || strncmp(a, b, la))
			break;
		n++;
		a += la + strspn(a + la, "/");
		b += lb + strspn(b + lb, "/");
	}
	return n;
}

static void print_comps(const struct query_item *it, const char *rel, unsigned int from,
			unsigned int n)
{
	unsigned int j;
	size_t len;

	for (j = 0; j < n; j++) {
		len = strcspn(rel, "/");
		if (j >= from)
			printf("%*s%.*s/%s\n", 2 * (j + 1), "", (int)len, rel,
			       j == n - 1 && it->gone ? "  (removed)" : "");
		rel += len + strspn(rel + len, "/");
	}
}

struct tree_info {
	const struct prog_info *progs;
	uint32_t nprogs;
	const struct rule_info *rules;
	uint32_t nrules;
};

/* The rule that holds program @id of @it in force in its cgroup, or NULL. */
static const struct rule_info *rule_of(const struct tree_info *t, const struct query_item *it,
				       uint32_t id)
{
	uint32_t i, j, k;

	for (i = 0; i < t->nrules; i++) {
		const struct rule_info *r = &t->rules[i];

		for (j = 0; j < r->ncgroups && r->cgroups[j].id != it->cgroup_id; j++)
			;
		if (j == r->ncgroups)
			continue;
		for (k = 0; k < r->nprogs; k++)
			if (r->progs[k].id == id && r->progs[k].attach_type == it->attach_type)
				return r;
	}
	return NULL;
}

static void print_progs(const struct query_item *it, const struct tree_info *t)
{
	const struct rule_info *r;
	uint32_t k;

	for (k = 0; k < it->cnt; k++) {
		printf("%s%u %s", k ? ", " : "", it->ids[k],
		       prog_name_in(t->progs, t->nprogs, it->ids[k]));
		r = rule_of(t, it, it->ids[k]);
		if (r)
			printf(" [rule %u]", r->id);
	}
	putchar('\n');
}

/* Every rule, on one line: where it is in force is above. */
static void print_rules(const struct tree_info *t)
{
	uint32_t i;

	if (!t->nrules)
		return;
	printf("rules:");
	for (i = 0; i < t->nrules; i++) {
		const struct rule_info *r = &t->rules[i];

		printf("%s %u %s by %s (", i ? "," : "", r->id, r->pattern, r->name);
		if (r->ncgroups)
			printf("in force in %u cgroup%s)", r->ncgroups, r->ncgroups == 1 ? "" : "s");
		else
			printf("in none now)");
	}
	putchar('\n');
}

static void print_json(const struct query_item *it, const struct tree_info *t)
{
	const struct rule_info *r;
	uint32_t k;

	json_begin_object();
	json_kv_string("cgroup", it->path);
	json_kv_uint("cgroup_id", it->cgroup_id);
	json_kv_bool("removed", it->gone);
	json_kv_string("type", type_str(it->attach_type));
	json_kv_uint("attach_type", it->attach_type);
	json_kv_string("attach_flags", attach_flags_str(it->flags));
	json_kv_uint("flags", it->flags);
	json_key("progs");
	json_begin_array();
	for (k = 0; k < it->cnt; k++) {
		json_begin_object();
		json_kv_uint("id", it->ids[k]);
		json_kv_string("name", prog_name_in(t->progs, t->nprogs, it->ids[k]));
		r = rule_of(t, it, it->ids[k]);
		json_key("rule");
		if (r)
			json_uint(r->id);
		else
			json_null();
		json_end_object();
	}
	json_end_array();
	json_end_object();
}

static void print_tree(const struct query_item *items, uint32_t cnt, const char *root,
		       const char *root_display, const struct tree_info *t)
{
	const char *prev = NULL, *rel;
	uint64_t prev_id = 0;
	unsigned int n, common;
	uint32_t i;

	if (opt_json)
		json_begin_array();
	else
		printf("%s\n", root_display);
	for (i = 0; i < cnt; i++) {
		const struct query_item *it = &items[i];

		rel = below(it->path, root);
		if (!rel)
			continue;
		if (opt_json) {
			print_json(it, t);
			continue;
		}
		n = ncomps(rel);
		common = prev ? common_comps(prev, rel) : 0;
		if (prev && common == n && ncomps(prev) == n && n && prev_id != it->cgroup_id)
			common = n - 1;	/* another cgroup by the same name */
		print_comps(it, rel, common, n);
		printf("%*s%-13s %-9s ", 2 * (n + 1) + 2, "", type_str(it->attach_type),
		       attach_flags_str(it->flags));
		print_progs(it, t);
		prev = rel;
		prev_id = it->cgroup_id;
	}
	if (opt_json) {
		json_end_array();
		json_finish();
	} else {
		print_rules(t);
	}
}

/* The part of @real below the mount point @mnt, or NULL. */
static const char *below_mount(const char *real, const char *mnt)
{
	size_t len = strlen(mnt);

	if (!strcmp(mnt, "/"))
		return real;
	if (strncmp(real, mnt, len) || (real[len] && real[len] != '/'))
		return NULL;
	return real + len;
}

/* ROOT as a path inside the cgroup v2 mount ("/", "/test", ...). */
static int tree_root(const char *arg, char **root, char **display)
{
	char real[PATH_MAX], mreal[PATH_MAX];
	const char *mnt = cgroup2_mount(), *rel = NULL;
	struct cgroup_ref ref;
	int ret;

	if (!arg) {
		*root = strdup("/");
		*display = strdup(mnt ? mnt : "/");
	} else {
		if (!strncmp(arg, "id:", 3))
			return usage_err("cgroup tree: ROOT is a path, not a cgroup id");
		ret = cgroup_open(arg, &ref);
		if (ret)
			return ret;
		if (mnt && realpath(ref.path, real) && realpath(mnt, mreal))
			rel = below_mount(real, mreal);
		if (!rel) {
			err("cgroup tree: %s is not below the cgroup v2 mount point %s", ref.path,
			    mnt ? mnt : "(none)");
			cgroup_close(&ref);
			return -EINVAL;
		}
		cgroup_close(&ref);
		*root = strdup(*rel ? rel : "/");
		*display = strdup(real);
	}
	if (!*root || !*display) {
		free(*root);
		free(*display);
		err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

int do_cgroup_tree(int argc, char **argv)
{
	struct query_item *items = NULL;
	struct prog_info *progs = NULL;
	struct rule_info *rules = NULL;
	uint32_t cnt = 0, nprogs = 0, nrules = 0;
	struct tree_info t;
	char *root = NULL, *display = NULL;
	struct nl *nl;
	int ret;

	if (argc > 1)
		return usage_err("cgroup tree: unexpected '%s'.  Usage: " TREE_USAGE, argv[1]);
	ret = tree_root(argc ? argv[0] : NULL, &root, &display);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret)
		goto out;
	ret = cgroup_query(nl, NULL, NULL, false, &items, &cnt);
	if (!ret)
		ret = prog_get_all(nl, &progs, &nprogs);
	if (!ret)
		ret = rule_get_all(nl, &rules, &nrules);
	if (!ret) {
		t = (struct tree_info){ progs, nprogs, rules, nrules };
		qsort(items, cnt, sizeof(*items), item_cmp);
		print_tree(items, cnt, root, display, &t);
	}
	query_free(items, cnt);
	rule_free_all(rules, nrules);
	free(progs);
	nl_close(nl);
out:
	free(root);
	free(display);
	return ret;
}
