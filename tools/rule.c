// SPDX-License-Identifier: GPL-2.0
/* cgaddr rule: list, show, add, del; and the rule requests of pin and run. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cmd.h"
#include "json.h"
#include "nl.h"
#include "rule.h"
#include "types.h"
#include "util.h"

#define RULE_USAGE \
	"cgaddr rule list\n" \
	"       cgaddr rule show ID\n" \
	"       cgaddr rule add PATTERN attach TYPE PROG_ID [multi | override] [attach ...]\n" \
	"       cgaddr rule del ID\n"

static const char rule_help[] =
"Usage: " RULE_USAGE
"\n"
"A rule attaches programs to every cgroup whose path matches PATTERN: to\n"
"those that exist when it is added, and to each one made later, from the\n"
"moment it is made (before any process can be in it).  So policy follows a\n"
"workload whose cgroup comes and goes, such as a systemd unit's, whose cgroup\n"
"is made anew at every start.\n"
"\n"
"PATTERN is a cgroup path relative to the cgroup2 mount (an absolute path\n"
"under the mount also does): in a component, '*' matches any characters and\n"
"'?' one, neither crossing '/'; a component '**' matches any number of\n"
"components, none included.  Examples: system.slice/nginx.service,\n"
"system.slice/system-web.slice/web@*.service (systemd puts a template's\n"
"instances in a slice of their own), user.slice/**/app.scope.\n"
"\n"
"  list   every rule, its programs and the cgroups where it is in force now\n"
"  show   one rule\n"
"  add    a rule of loaded programs (cgaddr prog load); each is attached\n"
"         as with cgaddr cgroup attach.  If an existing matching cgroup\n"
"         cannot take them, nothing changes.  If a cgroup made later cannot,\n"
"         its mkdir fails: the policy fails closed.\n"
"  del    detach the rule's programs wherever it attached them, and drop it\n"
"\n"
"cgaddr pin makes its rules itself (named 'pin'); cgaddr run makes one for its\n"
"cgroup.  Rules live in the module: they outlive any daemon, not a reload of\n"
"the module.\n";

bool rule_is_glob(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

char *rule_pattern_of(const char *arg)
{
	const char *mnt = cgroup2_mount(), *p = arg;
	size_t n, ml;
	char *pat;

	if (!strncmp(arg, "id:", 3)) {
		usage_err("%s: a rule names cgroups by path, not by id", arg);
		return NULL;
	}
	if (arg[0] == '/') {
		ml = mnt ? strlen(mnt) : 0;
		if (!mnt || strncmp(arg, mnt, ml) || (arg[ml] != '/' && arg[ml] != '\0')) {
			usage_err("%s: not under the cgroup2 mount%s%s", arg, mnt ? " " : "",
				  mnt ? mnt : " (none is mounted)");
			return NULL;
		}
		p = arg + ml;
		while (*p == '/')
			p++;
	} else if (!strncmp(arg, "./", 2) || !strcmp(arg, ".")) {
		usage_err("%s: give the cgroup relative to the cgroup2 mount, or absolute", arg);
		return NULL;
	}
	pat = strdup(p);
	if (!pat) {
		err("out of memory");
		return NULL;
	}
	n = strlen(pat);
	while (n && pat[n - 1] == '/')
		pat[--n] = '\0';
	if (!*pat) {
		usage_err("%s: the root cgroup cannot have a rule", arg);
		free(pat);
		return NULL;
	}
	if (n >= CGADDR_RULE_PATTERN_LEN || strstr(pat, "//") ||
	    !strcmp(pat, "..") || !strncmp(pat, "../", 3) || strstr(pat, "/../") ||
	    strstr(pat, "/./") || !strncmp(pat, "./", 2)) {
		usage_err("%s: not a cgroup path pattern (too long, or with '//', '.' or '..')",
			  arg);
		free(pat);
		return NULL;
	}
	return pat;
}

/* ---- requests ------------------------------------------------------------------- */

static void put_progs(struct nl_msg *m, const struct rule_prog *progs, uint32_t n)
{
	struct nlattr *nest = nl_nest_start(m, CGADDR_A_RULE_PROGS), *entry;
	uint32_t i;

	for (i = 0; i < n; i++) {
		entry = nl_nest_start(m, CGADDR_A_RULE_PROG);
		nl_put_u32(m, CGADDR_A_ATTACH_TYPE, progs[i].attach_type);
		nl_put_u32(m, CGADDR_A_PROG_ID, progs[i].id);
		if (progs[i].flags)
			nl_put_u32(m, CGADDR_A_ATTACH_FLAGS, progs[i].flags);
		nl_nest_end(m, entry);
	}
	nl_nest_end(m, nest);
}

static int module_has_rules(struct nl *nl)
{
	if (nl_has_cmd(nl, CGADDR_CMD_RULE_ADD))
		return 0;
	err("the loaded cgaddr module has no rules (an older module: load this version's)");
	return -EOPNOTSUPP;
}

static int id_reply(const nl_attrs_t tb, void *arg)
{
	if (!tb[CGADDR_A_RULE_ID]) {
		err("malformed answer from the module: no rule id");
		return -EPROTO;
	}
	*(uint32_t *)arg = nl_u32(tb[CGADDR_A_RULE_ID]);
	return 0;
}

int rule_add(struct nl *nl, const char *pattern, const char *name, const struct rule_prog *progs,
	     uint32_t n, uint32_t *id, const char *what)
{
	struct nl_msg *m;
	int ret = module_has_rules(nl);

	if (ret)
		return ret;
	m = nl_msg_new(nl, CGADDR_CMD_RULE_ADD, false, strlen(pattern) + 64 + n * 40);
	if (!m)
		return -ENOMEM;
	nl_put_str(m, CGADDR_A_RULE_PATTERN, pattern);
	if (name)
		nl_put_str(m, CGADDR_A_RULE_NAME, name);
	put_progs(m, progs, n);
	*id = 0;
	ret = nl_talk(nl, m, id_reply, id);
	nl_msg_free(m);
	if (!ret && !*id)
		ret = -EPROTO;
	return ret ? nl_fail(nl, ret, what) : 0;
}

int rule_replace(struct nl *nl, uint32_t id, const char *name, const struct rule_prog *progs,
		 uint32_t n, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_RULE_REPLACE, false, 48 + n * 40);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_RULE_ID, id);
	if (name)
		nl_put_str(m, CGADDR_A_RULE_NAME, name);
	put_progs(m, progs, n);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

int rule_del(struct nl *nl, uint32_t id, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_RULE_DEL, false, 16);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_RULE_ID, id);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

/* ---- listing -------------------------------------------------------------------- */

struct rule_list {
	struct rule_info *rules;
	uint32_t cnt, cap;
};

static void rule_info_free(struct rule_info *r)
{
	uint32_t i;

	for (i = 0; i < r->ncgroups; i++)
		free(r->cgroups[i].path);
	free(r->cgroups);
	free(r->pattern);
}

void rule_free_all(struct rule_info *rules, uint32_t cnt)
{
	uint32_t i;

	for (i = 0; i < cnt; i++)
		rule_info_free(&rules[i]);
	free(rules);
}

static int parse_progs(const struct nlattr *nest, struct rule_info *r)
{
	const struct nlattr *a;
	nl_attrs_t tb;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != CGADDR_A_RULE_PROG || r->nprogs == CGADDR_MAX_RULE_PROGS ||
		    nl_parse_nested(a, tb) || !tb[CGADDR_A_ATTACH_TYPE] || !tb[CGADDR_A_PROG_ID])
			return -EPROTO;
		r->progs[r->nprogs].attach_type = nl_u32(tb[CGADDR_A_ATTACH_TYPE]);
		r->progs[r->nprogs].id = nl_u32(tb[CGADDR_A_PROG_ID]);
		r->progs[r->nprogs].flags = tb[CGADDR_A_ATTACH_FLAGS] ?
					    nl_u32(tb[CGADDR_A_ATTACH_FLAGS]) : 0;
		r->nprogs++;
	}
	return 0;
}

static int parse_cgroups(const struct nlattr *nest, struct rule_info *r)
{
	const struct nlattr *a;
	struct rule_cgroup *c;
	nl_attrs_t tb;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != CGADDR_A_RULE_CGROUP || nl_parse_nested(a, tb) ||
		    !tb[CGADDR_A_CGROUP_ID] || !tb[CGADDR_A_CGROUP_PATH])
			return -EPROTO;
		c = realloc(r->cgroups, (r->ncgroups + 1) * sizeof(*c));
		if (!c)
			return -ENOMEM;
		r->cgroups = c;
		c[r->ncgroups].id = nl_u64(tb[CGADDR_A_CGROUP_ID]);
		c[r->ncgroups].path = strdup(nl_str(tb[CGADDR_A_CGROUP_PATH]));
		if (!c[r->ncgroups].path)
			return -ENOMEM;
		r->ncgroups++;
	}
	return 0;
}

static int list_reply(const nl_attrs_t tb, void *arg)
{
	struct rule_list *l = arg;
	struct rule_info *r;
	int ret;

	if (!tb[CGADDR_A_RULE_ID] || !tb[CGADDR_A_RULE_PATTERN] || !tb[CGADDR_A_RULE_PROGS]) {
		err("malformed answer from the module: a rule without id, pattern or programs");
		return -EPROTO;
	}
	if (l->cnt == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 8;

		r = realloc(l->rules, cap * sizeof(*r));
		if (!r) {
			err("out of memory");
			return -ENOMEM;
		}
		l->rules = r;
		l->cap = cap;
	}
	r = &l->rules[l->cnt++];
	memset(r, 0, sizeof(*r));
	r->id = nl_u32(tb[CGADDR_A_RULE_ID]);
	if (tb[CGADDR_A_RULE_NAME])
		snprintf(r->name, sizeof(r->name), "%s", nl_str(tb[CGADDR_A_RULE_NAME]));
	r->pattern = strdup(nl_str(tb[CGADDR_A_RULE_PATTERN]));
	ret = r->pattern ? parse_progs(tb[CGADDR_A_RULE_PROGS], r) : -ENOMEM;
	if (!ret && tb[CGADDR_A_RULE_CGROUPS])
		ret = parse_cgroups(tb[CGADDR_A_RULE_CGROUPS], r);
	if (ret == -EPROTO)
		err("malformed answer from the module: rule %u", r->id);
	else if (ret)
		err("out of memory");
	return ret;
}

int rule_get_all(struct nl *nl, struct rule_info **rules, uint32_t *cnt)
{
	struct rule_list l = { 0 };
	struct nl_msg *m;
	int ret;

	*rules = NULL;
	*cnt = 0;
	if (!nl_has_cmd(nl, CGADDR_CMD_RULE_GET))
		return 0;	/* an older module: no rules */
	m = nl_msg_new(nl, CGADDR_CMD_RULE_GET, true, 0);
	if (!m)
		return -ENOMEM;
	ret = nl_talk(nl, m, list_reply, &l);
	nl_msg_free(m);
	if (ret) {
		rule_free_all(l.rules, l.cnt);
		return nl_fail(nl, ret, "listing rules");
	}
	*rules = l.rules;
	*cnt = l.cnt;
	return 0;
}

const struct rule_info *rule_find(const struct rule_info *rules, uint32_t cnt,
				  const char *name, const char *pattern)
{
	uint32_t i;

	for (i = 0; i < cnt; i++)
		if (!strcmp(rules[i].name, name) && !strcmp(rules[i].pattern, pattern))
			return &rules[i];
	return NULL;
}

void rule_print(const struct rule_info *r)
{
	uint32_t i;

	if (opt_json) {
		json_begin_object();
		json_kv_uint("id", r->id);
		json_kv_string("name", r->name);
		json_kv_string("pattern", r->pattern);
		json_key("programs");
		json_begin_array();
		for (i = 0; i < r->nprogs; i++) {
			json_begin_object();
			json_kv_string("type", type_str(r->progs[i].attach_type));
			json_kv_uint("id", r->progs[i].id);
			json_kv_string("flags", attach_flags_str(r->progs[i].flags));
			json_end_object();
		}
		json_end_array();
		json_key("cgroups");
		json_begin_array();
		for (i = 0; i < r->ncgroups; i++) {
			json_begin_object();
			json_kv_uint("id", r->cgroups[i].id);
			json_kv_string("path", r->cgroups[i].path);
			json_end_object();
		}
		json_end_array();
		json_end_object();
		return;
	}
	printf("rule %u  %s%s%s\n", r->id, r->pattern, r->name[0] ? "  by " : "", r->name);
	for (i = 0; i < r->nprogs; i++)
		printf("  %-13s prog %u  %s\n", type_str(r->progs[i].attach_type), r->progs[i].id,
		       attach_flags_str(r->progs[i].flags));
	if (!r->ncgroups)
		printf("  in force in no cgroup now\n");
	for (i = 0; i < r->ncgroups; i++)
		printf("  in force in %s (id %llu)\n", r->cgroups[i].path,
		       (unsigned long long)r->cgroups[i].id);
}

/* ---- commands ---------------------------------------------------------------------- */

static int do_rule_list(int argc, char **argv)
{
	struct rule_info *rules;
	struct nl *nl;
	uint32_t cnt, i;
	int ret;

	if (argc)
		return usage_err("rule list: unexpected argument '%s'", argv[0]);
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = rule_get_all(nl, &rules, &cnt);
	nl_close(nl);
	if (ret)
		return ret;
	if (opt_json)
		json_begin_array();
	for (i = 0; i < cnt; i++)
		rule_print(&rules[i]);
	if (opt_json) {
		json_end_array();
		json_finish();
	}
	rule_free_all(rules, cnt);
	return 0;
}

static int do_rule_show(int argc, char **argv)
{
	struct rule_info *rules;
	uint32_t cnt, i, id;
	struct nl *nl;
	int ret;

	if (argc != 1)
		return usage_err("usage: cgaddr rule show ID");
	ret = parse_id("rule show", argv[0], &id);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = rule_get_all(nl, &rules, &cnt);
	nl_close(nl);
	if (ret)
		return ret;
	for (i = 0; i < cnt && rules[i].id != id; i++)
		;
	if (i == cnt) {
		err("rule show: no rule with id %u", id);
		ret = -ENOENT;
	} else {
		rule_print(&rules[i]);
		if (opt_json)
			json_finish();
	}
	rule_free_all(rules, cnt);
	return ret;
}

static int do_rule_add(int argc, char **argv)
{
	struct rule_prog progs[CGADDR_MAX_RULE_PROGS];
	const struct attach_type *t;
	uint32_t n = 0, id;
	char *pattern;
	struct nl *nl;
	int i, ret;

	if (argc < 1)
		return usage_err("usage: cgaddr rule add PATTERN attach TYPE PROG_ID [multi | override]...");
	for (i = 1; i < argc; i++) {
		if (!is_kw(argv[i], "attach"))
			return usage_err("rule add: expected 'attach TYPE PROG_ID', not '%s'", argv[i]);
		if (n == CGADDR_MAX_RULE_PROGS)
			return usage_err("rule add: at most %d programs", CGADDR_MAX_RULE_PROGS);
		if (i + 2 >= argc)
			return usage_err("rule add: 'attach' needs a TYPE and a PROG_ID");
		t = type_by_name(argv[i + 1]);
		if (!t)
			return usage_err("rule add: unknown attach type '%s' (one of: %s)", argv[i + 1],
					 type_name_list());
		progs[n].attach_type = t->attach;
		if (parse_id("rule add", argv[i + 2], &progs[n].id))
			return -EINVAL;
		progs[n].flags = 0;
		i += 2;
		if (i + 1 < argc && is_kw(argv[i + 1], "multi")) {
			progs[n].flags = BPF_F_ALLOW_MULTI;
			i++;
		} else if (i + 1 < argc && is_kw(argv[i + 1], "override")) {
			progs[n].flags = BPF_F_ALLOW_OVERRIDE;
			i++;
		}
		n++;
	}
	if (!n)
		return usage_err("rule add: no program given (attach TYPE PROG_ID)");
	pattern = rule_pattern_of(argv[0]);
	if (!pattern)
		return -EINVAL;
	ret = nl_open(&nl);
	if (!ret) {
		ret = rule_add(nl, pattern, NULL, progs, n, &id, "rule add");
		nl_close(nl);
	}
	if (!ret) {
		if (opt_json) {
			json_begin_object();
			json_kv_uint("id", id);
			json_end_object();
			json_finish();
		} else {
			printf("id %u\n", id);
		}
	}
	free(pattern);
	return ret;
}

static int do_rule_del(int argc, char **argv)
{
	struct nl *nl;
	uint32_t id;
	int ret;

	if (argc != 1)
		return usage_err("usage: cgaddr rule del ID");
	ret = parse_id("rule del", argv[0], &id);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = rule_del(nl, id, "rule del");
	nl_close(nl);
	return ret;
}

int do_rule(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "list", do_rule_list, "cgaddr rule list\n", false },
		{ "show", do_rule_show, "cgaddr rule show ID\n", false },
		{ "add", do_rule_add,
		  "cgaddr rule add PATTERN attach TYPE PROG_ID [multi | override] [attach ...]\n",
		  false },
		{ "del", do_rule_del, "cgaddr rule del ID\n", false },
		{ NULL, NULL, NULL, false },
	};

	return cmd_dispatch("rule", cmds, &cmds[0], rule_help, argc, argv);
}
