// SPDX-License-Identifier: GPL-2.0
/* cgaddr prog: load, dump, list, show, del (run is in run.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "globals.h"
#include "json.h"
#include "map.h"
#include "obj.h"
#include "prog.h"
#include "reloc.h"
#include "run.h"
#include "types.h"
#include "util.h"

#define LOAD_USAGE \
	"cgaddr prog load FILE.o [section SEC] [func FUNC] [name NAME] [type TYPE]\n" \
	"                        [set NAME=VALUE]... [map NAME=ID]... [--dry-run]\n"
#define DUMP_USAGE \
	"cgaddr prog dump FILE.o [section SEC] [func FUNC] [name NAME] [type TYPE]\n" \
	"                        [set NAME=VALUE]...\n"
#define SHOW_USAGE	"cgaddr prog { list | show [ID] }\n"
#define DEL_USAGE	"cgaddr prog del ID\n"

static const char prog_usage[] =
"Usage: " LOAD_USAGE
"       " DUMP_USAGE
"       " SHOW_USAGE
"       " DEL_USAGE
"       " RUN_USAGE
"       cgaddr prog help\n"
"\n"
"load   loads the programs of a clang-compiled BPF object (clang -O2 -g -target\n"
"       bpf -c); each program's ELF section names its attach type: cgroup/bind4,\n"
"       cgroup/bind6, cgroup/connect4, ... (or give 'type TYPE').  Every program\n"
"       of the object is loaded unless 'section' or 'func' selects some, and\n"
"       'id N' is printed; with several programs, one 'id N name NAME' line\n"
"       each (-j: {\"id\", \"name\", \"type\"}, an array for several).  If one\n"
"       fails, those already loaded are unloaded.  'name' sets the program name\n"
"       (default: the function's, truncated to 15 characters).  Calls between\n"
"       functions, global data (.rodata*, .data*, .bss*) and maps (BTF-defined\n"
"       in .maps, or legacy struct bpf_map_def in maps) are supported: the maps\n"
"       the programs use are created once and shared by them, and freed with the\n"
"       last program using them; 'map NAME=ID' uses the existing map ID for the\n"
"       object's map NAME (cgaddr map help).  The license comes from the\n"
"       \"license\" section.\n"
"       'set NAME=VALUE' (repeatable) gives a global variable of the object a\n"
"       value before loading, as libbpf skeletons do for 'const volatile'\n"
"       variables (.rodata; .data and .bss too): an integer variable of 1, 2, 4\n"
"       or 8 bytes takes a decimal, 0x hex or negative integer that fits; a\n"
"       4-byte one also an IPv4 address, a 16-byte one an IPv6 address, stored\n"
"       in network byte order (__be32, struct in6_addr).\n"
"dump   shows the programs as 'load' would send them (also: load --dry-run):\n"
"       instructions after relocation, data sections; loads nothing.\n"
"list   shows every loaded program with its counters; 'show ID' one of them.\n"
"del    unloads a program that is not attached anywhere.\n"
"run    runs a loaded program once on a context built from the arguments and\n"
"       shows its verdict and the context afterwards (cgaddr prog run --help).\n"
"\n"
"TYPE := { bind4 | bind6 | connect4 | connect6 | sendmsg4 | sendmsg6 | recvmsg4 |\n"
"          recvmsg6 | getpeername4 | getpeername6 | getsockname4 | getsockname6 }\n"
"        (also BPF_CGROUP_INET4_BIND, cgroup_inet4_bind, ...)\n";

/* ---- load and dump ------------------------------------------------------------ */

static int load_reply(const nl_attrs_t tb, void *arg)
{
	uint32_t *id = arg;

	if (!tb[CGADDR_A_PROG_ID]) {
		err("malformed answer from the module: no program id");
		return -EPROTO;
	}
	*id = nl_u32(tb[CGADDR_A_PROG_ID]);
	return 0;
}

/* The size of the CGADDR_A_PROG_DATA nest of @spec. */
static size_t data_nest_len(const struct prog_spec *spec)
{
	size_t len = 0;
	uint32_t i;

	if (!spec->data_cnt)
		return 0;
	for (i = 0; i < spec->data_cnt; i++)
		len += MNL_ATTR_HDRLEN +
		       MNL_ATTR_HDRLEN + MNL_ALIGN(strlen(spec->data[i].name) + 1) +
		       MNL_ATTR_HDRLEN + MNL_ALIGN(spec->data[i].size) +
		       MNL_ATTR_HDRLEN + sizeof(uint32_t);
	return MNL_ATTR_HDRLEN + len;
}

int prog_load_spec(struct nl *nl, const struct prog_spec *spec, const char *what, uint32_t *id)
{
	size_t insns_len = (size_t)spec->insn_cnt * sizeof(struct bpf_insn);
	size_t payload = insns_len + 512, data_len;
	struct nlattr *nest, *d;
	struct nl_msg *m;
	uint32_t i;
	int ret;

	if (insns_len > NL_ATTR_MAX_PAYLOAD) {
		err("%s: %u instructions do not fit in one netlink attribute (at most %zu): "
		    "the control protocol cannot carry programs this large", what,
		    spec->insn_cnt, NL_ATTR_MAX_PAYLOAD / sizeof(struct bpf_insn));
		return -E2BIG;
	}
	data_len = data_nest_len(spec);
	if (data_len > UINT16_MAX) {
		err("%s: the global data (%zu bytes with headers) does not fit in one netlink "
		    "attribute, which holds at most %u bytes for all data sections together",
		    what, data_len, UINT16_MAX);
		return -E2BIG;
	}
	payload += data_len + spec->map_cnt * 8 + 8;
	m = nl_msg_new(nl, CGADDR_CMD_PROG_LOAD, false, payload);
	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_ATTACH_TYPE, spec->attach_type);
	nl_put_bin(m, CGADDR_A_PROG_INSNS, spec->insns, insns_len);
	if (spec->name[0])
		nl_put_str(m, CGADDR_A_PROG_NAME, spec->name);
	nl_put_str(m, CGADDR_A_PROG_LICENSE, spec->license);
	if (spec->flags)
		nl_put_u32(m, CGADDR_A_PROG_FLAGS, spec->flags);
	if (spec->data_cnt) {
		nest = nl_nest_start(m, CGADDR_A_PROG_DATA);
		for (i = 0; i < spec->data_cnt; i++) {
			d = nl_nest_start(m, CGADDR_A_DATA);
			nl_put_str(m, CGADDR_A_DATA_NAME, spec->data[i].name);
			nl_put_bin(m, CGADDR_A_DATA_BYTES, spec->data[i].bytes, spec->data[i].size);
			nl_put_u32(m, CGADDR_A_DATA_FLAGS, spec->data[i].flags);
			nl_nest_end(m, d);
		}
		nl_nest_end(m, nest);
	}
	if (spec->map_cnt) {
		nest = nl_nest_start(m, CGADDR_A_PROG_MAPS);
		for (i = 0; i < spec->map_cnt; i++)
			nl_put_u32(m, CGADDR_A_MAP_ID, spec->maps[i].id);
		nl_nest_end(m, nest);
	}
	*id = 0;
	ret = nl_talk(nl, m, load_reply, id);
	nl_msg_free(m);
	if (!ret && !*id)
		ret = -EPROTO;
	return ret ? nl_fail(nl, ret, what) : 0;
}

int prog_delete(struct nl *nl, uint32_t id, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_PROG_DEL, false, 16);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_PROG_ID, id);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

static struct map_reuse load_reuse[SPEC_MAX_MAPS];
static uint32_t load_nreuse;

/* @o->sets must have room for @argc entries. */
static int parse_load_args(int argc, char **argv, const char **file, struct load_opts *o)
{
	const char *v;
	int i;

	load_nreuse = 0;
	if (argc < 1)
		return usage_err("prog load: which object file?  Usage: " LOAD_USAGE);
	*file = argv[0];
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "set")) {
			v = kw_value(argc, argv, &i);
			if (!v || obj_set_parse(argv[i], &o->sets[o->nsets]))
				return -EINVAL;
			o->nsets++;
			continue;
		}
		if (!is_kw(argv[i], "section") && !is_kw(argv[i], "func") &&
		    !is_kw(argv[i], "name") && !is_kw(argv[i], "type") && !is_kw(argv[i], "map"))
			return usage_err("prog load: unexpected '%s'.  Usage: " LOAD_USAGE,
					 argv[i]);
		v = kw_value(argc, argv, &i);
		if (!v)
			return -EINVAL;
		if (is_kw(argv[i - 1], "map")) {
			if (load_nreuse == SPEC_MAX_MAPS)
				return usage_err("prog load: too many 'map NAME=ID'");
			if (map_reuse_parse(v, &load_reuse[load_nreuse]))
				return -EINVAL;
			load_nreuse++;
		} else if (is_kw(argv[i - 1], "section")) {
			o->section = v;
		} else if (is_kw(argv[i - 1], "func")) {
			o->func = v;
		} else if (is_kw(argv[i - 1], "name")) {
			if (!*v || strlen(v) >= CGADDR_NAME_LEN)
				return usage_err("prog load: a name has 1 to %d characters",
						 CGADDR_NAME_LEN - 1);
			o->name = v;
		} else {
			o->type = type_by_name(v);
			if (!o->type)
				return usage_err("prog load: unknown attach type '%s'; one of: %s",
						 v, type_name_list());
		}
	}
	return 0;
}

static void free_specs(struct prog_spec *specs, uint32_t cnt)
{
	uint32_t i;

	for (i = 0; i < cnt; i++)
		spec_free(&specs[i]);
	free(specs);
}

static void print_loaded(const struct prog_spec *specs, const uint32_t *ids, uint32_t cnt)
{
	uint32_t i;

	if (opt_json && cnt > 1)
		json_begin_array();
	for (i = 0; i < cnt; i++) {
		if (opt_json) {
			json_begin_object();
			json_kv_uint("id", ids[i]);
			json_kv_string("name", specs[i].name);
			json_kv_string("type", type_str(specs[i].attach_type));
			json_end_object();
		} else if (cnt == 1) {
			printf("id %u\n", ids[i]);
		} else {
			printf("id %u name %s\n", ids[i], specs[i].name);
		}
	}
	if (opt_json && cnt > 1)
		json_end_array();
	if (opt_json)
		json_finish();
}

/*
 * Loads every spec; on a failure, unloads those already loaded.  The maps
 * the programs use are created first; the handles of those created here
 * are dropped at the end, so they live exactly as long as programs use
 * them (on a failure, that is not at all).
 */
static int load_specs(struct prog_spec *specs, uint32_t cnt)
{
	uint32_t *ids, n, created[SPEC_MAX_MAPS], ncreated = 0;
	struct nl *nl;
	char what[64];
	int ret;

	ret = nl_open(&nl);
	if (ret)
		return ret;
	ids = calloc(cnt, sizeof(*ids));
	if (!ids) {
		err("out of memory");
		nl_close(nl);
		return -ENOMEM;
	}
	n = 0;
	ret = maps_prepare(nl, specs, cnt, load_reuse, load_nreuse, created, &ncreated);
	for (; !ret && n < cnt; n++) {
		if (cnt > 1)
			snprintf(what, sizeof(what), "prog load: %s", specs[n].name);
		else
			snprintf(what, sizeof(what), "prog load");
		ret = prog_load_spec(nl, &specs[n], what, &ids[n]);
		if (ret)
			break;
	}
	if (ret) {
		while (n--)
			prog_delete(nl, ids[n], "prog load: unloading after the failure");
	} else {
		print_loaded(specs, ids, cnt);
	}
	while (ncreated--)
		map_drop(nl, created[ncreated], "prog load: releasing a map's handle");
	free(ids);
	nl_close(nl);
	return ret;
}

static void print_dry_run(const struct prog_spec *specs, uint32_t cnt)
{
	uint32_t i;

	if (opt_json)
		json_begin_array();
	for (i = 0; i < cnt; i++)
		spec_print(&specs[i]);
	if (opt_json) {
		json_end_array();
		json_finish();
	}
}

static int load_or_dump(int argc, char **argv, bool dry_run)
{
	struct prog_spec *specs;
	struct load_opts o = { 0 };
	const char *file = NULL;
	struct obj *obj;
	uint32_t cnt;
	int ret;

	o.sets = calloc(argc + 1, sizeof(*o.sets));
	if (!o.sets) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = parse_load_args(argc, argv, &file, &o);
	if (!ret)
		ret = obj_open(file, &obj);
	if (ret) {
		free(o.sets);
		return ret;
	}
	ret = obj_set_globals(obj, o.sets, o.nsets);
	if (!ret)
		ret = obj_build_progs(obj, &o, &specs, &cnt);
	obj_close(obj);
	free(o.sets);
	if (ret)
		return ret;
	if (dry_run)
		print_dry_run(specs, cnt);
	else
		ret = load_specs(specs, cnt);
	free_specs(specs, cnt);
	return ret;
}

static int do_load(int argc, char **argv)
{
	return load_or_dump(argc, argv, opt_dry_run);
}

static int do_dump(int argc, char **argv)
{
	return load_or_dump(argc, argv, true);
}

/* ---- list, show, del ------------------------------------------------------------ */

static uint64_t u64_or_0(const nl_attrs_t tb, int type)
{
	return tb[type] ? nl_u64(tb[type]) : 0;
}

static uint32_t u32_or_0(const nl_attrs_t tb, int type)
{
	return tb[type] ? nl_u32(tb[type]) : 0;
}

static int prog_info_parse(const nl_attrs_t tb, struct prog_info *p)
{
	nl_attrs_t st;

	memset(p, 0, sizeof(*p));
	if (!tb[CGADDR_A_PROG_ID]) {
		err("malformed answer from the module: a program without an id");
		return -EPROTO;
	}
	p->id = nl_u32(tb[CGADDR_A_PROG_ID]);
	p->attach_type = u32_or_0(tb, CGADDR_A_ATTACH_TYPE);
	p->insn_cnt = u32_or_0(tb, CGADDR_A_PROG_INSN_CNT);
	p->attach_cnt = u32_or_0(tb, CGADDR_A_PROG_ATTACH_CNT);
	p->load_time = u64_or_0(tb, CGADDR_A_PROG_LOAD_TIME);
	if (tb[CGADDR_A_PROG_NAME])
		snprintf(p->name, sizeof(p->name), "%s", nl_str(tb[CGADDR_A_PROG_NAME]));
	if (tb[CGADDR_A_PROG_LICENSE])
		snprintf(p->license, sizeof(p->license), "%s", nl_str(tb[CGADDR_A_PROG_LICENSE]));
	if (tb[CGADDR_A_PROG_MAPS]) {
		const struct nlattr *a;

		mnl_attr_for_each_nested(a, tb[CGADDR_A_PROG_MAPS]) {
			if (mnl_attr_get_type(a) != CGADDR_A_MAP_ID ||
			    mnl_attr_validate(a, MNL_TYPE_U32) < 0 || p->map_cnt == 64) {
				err("malformed answer from the module: bad map list");
				return -EPROTO;
			}
			p->map_ids[p->map_cnt++] = mnl_attr_get_u32(a);
		}
	}
	if (!tb[CGADDR_A_PROG_STATS])
		return 0;
	if (nl_parse_nested(tb[CGADDR_A_PROG_STATS], st))
		return -EPROTO;	/* printed */
	p->stats.runs = u64_or_0(st, CGADDR_A_STAT_RUNS);
	p->stats.allows = u64_or_0(st, CGADDR_A_STAT_ALLOWS);
	p->stats.denies = u64_or_0(st, CGADDR_A_STAT_DENIES);
	p->stats.rewrites = u64_or_0(st, CGADDR_A_STAT_REWRITES);
	p->stats.faults = u64_or_0(st, CGADDR_A_STAT_FAULTS);
	p->stats.budget_aborts = u64_or_0(st, CGADDR_A_STAT_BUDGET_ABORTS);
	p->stats.run_time_ns = u64_or_0(st, CGADDR_A_STAT_RUN_TIME_NS);
	return 0;
}

static int get_one_reply(const nl_attrs_t tb, void *arg)
{
	return prog_info_parse(tb, arg);
}

int prog_get(struct nl *nl, uint32_t id, struct prog_info *info, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_PROG_GET, false, 16);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_PROG_ID, id);
	info->id = 0;
	ret = nl_talk(nl, m, get_one_reply, info);
	nl_msg_free(m);
	if (!ret && info->id != id)
		ret = -EPROTO;
	return ret ? nl_fail(nl, ret, what) : 0;
}

struct prog_list {
	struct prog_info *progs;
	uint32_t cnt, cap;
};

static int get_all_reply(const nl_attrs_t tb, void *arg)
{
	struct prog_list *l = arg;

	if (l->cnt == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 16;
		struct prog_info *p = realloc(l->progs, cap * sizeof(*p));

		if (!p) {
			err("out of memory");
			return -ENOMEM;
		}
		l->progs = p;
		l->cap = cap;
	}
	return prog_info_parse(tb, &l->progs[l->cnt++]);
}

int prog_get_all(struct nl *nl, struct prog_info **progs, uint32_t *cnt)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_PROG_GET, true, 0);
	struct prog_list l = { NULL, 0, 0 };
	int ret;

	if (!m)
		return -ENOMEM;
	ret = nl_talk(nl, m, get_all_reply, &l);
	nl_msg_free(m);
	if (ret) {
		free(l.progs);
		return nl_fail(nl, ret, "listing programs");
	}
	*progs = l.progs;
	*cnt = l.cnt;
	return 0;
}

const char *prog_name_in(const struct prog_info *progs, uint32_t cnt, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < cnt; i++)
		if (progs[i].id == id)
			return progs[i].name;
	return "?";
}

static void print_prog(const struct prog_info *p)
{
	const struct prog_stats *s = &p->stats;
	char when[32];
	uint32_t i;

	format_time_ns(p->load_time, when, sizeof(when));
	if (!opt_json) {
		printf("%u: %s  name %s  insns %u  attached %u\n", p->id, type_str(p->attach_type),
		       p->name[0] ? p->name : "-", p->insn_cnt, p->attach_cnt);
		printf("\tloaded %s  license %s", when, p->license[0] ? p->license : "-");
		for (i = 0; i < p->map_cnt; i++)
			printf("%s%u", i ? "," : "  maps ", p->map_ids[i]);
		printf("\n");
		printf("\truns %llu  allows %llu  denies %llu  rewrites %llu  faults %llu  "
		       "budget_aborts %llu  run_time %lluns\n",
		       (unsigned long long)s->runs, (unsigned long long)s->allows,
		       (unsigned long long)s->denies, (unsigned long long)s->rewrites,
		       (unsigned long long)s->faults, (unsigned long long)s->budget_aborts,
		       (unsigned long long)s->run_time_ns);
		return;
	}
	json_begin_object();
	json_kv_uint("id", p->id);
	json_kv_string("type", type_str(p->attach_type));
	json_kv_uint("attach_type", p->attach_type);
	json_kv_string("name", p->name);
	json_kv_string("license", p->license);
	json_kv_uint("insn_cnt", p->insn_cnt);
	json_kv_uint("load_time_ns", p->load_time);
	json_kv_string("load_time", when);
	json_kv_uint("attach_cnt", p->attach_cnt);
	json_key("map_ids");
	json_begin_array();
	for (i = 0; i < p->map_cnt; i++)
		json_uint(p->map_ids[i]);
	json_end_array();
	json_key("stats");
	json_begin_object();
	json_kv_uint("runs", s->runs);
	json_kv_uint("allows", s->allows);
	json_kv_uint("denies", s->denies);
	json_kv_uint("rewrites", s->rewrites);
	json_kv_uint("faults", s->faults);
	json_kv_uint("budget_aborts", s->budget_aborts);
	json_kv_uint("run_time_ns", s->run_time_ns);
	json_end_object();
	json_end_object();
}

static int show_all(struct nl *nl)
{
	struct prog_info *progs = NULL;
	uint32_t cnt = 0, i;
	int ret;

	ret = prog_get_all(nl, &progs, &cnt);
	if (ret)
		return ret;
	if (opt_json)
		json_begin_array();
	for (i = 0; i < cnt; i++)
		print_prog(&progs[i]);
	if (opt_json) {
		json_end_array();
		json_finish();
	}
	free(progs);
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct prog_info info;
	struct nl *nl;
	uint32_t id = 0;
	int ret;

	if (argc > 1)
		return usage_err("prog show: unexpected '%s'.  Usage: " SHOW_USAGE, argv[1]);
	if (argc && parse_id("prog show", argv[0], &id))
		return -EINVAL;
	ret = nl_open(&nl);
	if (ret)
		return ret;
	if (!id) {
		ret = show_all(nl);
	} else {
		ret = prog_get(nl, id, &info, "prog show");
		if (!ret) {
			print_prog(&info);
			if (opt_json)
				json_finish();
		}
	}
	nl_close(nl);
	return ret;
}

static int do_list(int argc, char **argv)
{
	if (argc)
		return usage_err("prog list: unexpected '%s' (to show one program: prog show ID)",
				 argv[0]);
	return do_show(0, argv);
}

static int do_del(int argc, char **argv)
{
	struct nl *nl;
	uint32_t id;
	int ret;

	if (argc != 1)
		return usage_err("prog del: which program?  Usage: " DEL_USAGE);
	if (parse_id("prog del", argv[0], &id))
		return -EINVAL;
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = prog_delete(nl, id, "prog del");
	nl_close(nl);
	return ret;
}

static const struct cmd prog_cmds[] = {
	{ "load", do_load, LOAD_USAGE, true },
	{ "dump", do_dump, DUMP_USAGE, true },
	{ "list", do_list, SHOW_USAGE, false },
	{ "show", do_show, SHOW_USAGE, false },
	{ "del", do_del, DEL_USAGE, false },
	{ "run", do_prog_run, RUN_USAGE_LONG, false },
	{ NULL, NULL, NULL, false },
};

int do_prog(int argc, char **argv)
{
	return cmd_dispatch("prog", prog_cmds, &prog_cmds[2], prog_usage, argc, argv);
}
