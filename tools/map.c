// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr map: list, show, create, del, lookup, update, delete, dump; and
 * the maps of an object at 'prog load' (maps_prepare()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "map.h"
#include "util.h"

#define LIST_USAGE	"cgaddr map { list | show [MAP] }\n"
#define CREATE_USAGE \
	"cgaddr map create type TYPE key SIZE value SIZE entries N [name NAME]\n" \
	"                  [flags FLAGS]\n"
#define DEL_USAGE	"cgaddr map del MAP\n"
#define LOOKUP_USAGE	"cgaddr map lookup MAP key BYTES\n"
#define UPDATE_USAGE \
	"cgaddr map update MAP key BYTES value BYTES [any | noexist | exist]\n"
#define DELETE_USAGE	"cgaddr map delete MAP key BYTES\n"
#define DUMP_USAGE	"cgaddr map dump MAP\n"

static const char map_usage[] =
"Usage: " LIST_USAGE
"       " CREATE_USAGE
"       " DEL_USAGE
"       " LOOKUP_USAGE
"       " UPDATE_USAGE
"       " DELETE_USAGE
"       " DUMP_USAGE
"       cgaddr map help\n"
"\n"
"Maps live in the module.  'prog load' creates the maps of an object (those\n"
"its programs use), shared by the programs of that object; they are freed\n"
"with the last program using them.  'prog load FILE.o map NAME=ID' uses the\n"
"existing map ID for the object's map NAME instead (type and sizes must\n"
"match).  A map made by 'map create' lives until 'map del' and until no\n"
"program uses it.\n"
"\n"
"list    every map: id, type, name, sizes, entries in use, memory charged,\n"
"        programs using it, and whether its creator's handle is held.\n"
"lookup, update, delete, dump: the entries (CAP_NET_ADMIN).  A per-CPU map\n"
"        shows one value per CPU; an update sets every CPU's value.\n"
"        update flags: any (default), noexist (fails if the key exists),\n"
"        exist (fails if it does not).  sk_storage entries are keyed by\n"
"        socket cookie (8 bytes) and made only by programs.\n"
"\n"
"MAP   := { ID | name NAME }\n"
"TYPE  := { array | percpu_array | hash | lru_hash | sk_storage }\n"
"BYTES := hex bytes (\"50 00 00 00\", 0x50000000), or u8:N, u16:N, u32:N,\n"
"         u64:N (host byte order), be16:N, be32:N (network byte order)\n";

static const struct {
	uint32_t type;
	const char *name;
} map_types[] = {
	{ BPF_MAP_TYPE_HASH, "hash" },
	{ BPF_MAP_TYPE_ARRAY, "array" },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array" },
	{ BPF_MAP_TYPE_LRU_HASH, "lru_hash" },
	{ BPF_MAP_TYPE_SK_STORAGE, "sk_storage" },
};

const char *map_type_str(uint32_t type, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map_types); i++)
		if (map_types[i].type == type)
			return map_types[i].name;
	snprintf(buf, len, "type %u", type);
	return buf;
}

int map_type_parse(const char *s, uint32_t *type)
{
	char up[64];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(map_types); i++) {
		if (!strcmp(s, map_types[i].name)) {
			*type = map_types[i].type;
			return 0;
		}
		snprintf(up, sizeof(up), "BPF_MAP_TYPE_%s", map_types[i].name);
		for (j = 0; up[j]; j++)
			if (up[j] >= 'a' && up[j] <= 'z')
				up[j] -= 'a' - 'A';
		if (!strcmp(s, up)) {
			*type = map_types[i].type;
			return 0;
		}
	}
	return parse_u32(s, type) ? -EINVAL : 0;
}

int map_parse_bytes(const char *what, const char *s, uint8_t *buf, size_t max, size_t *len)
{
	static const struct {
		const char *prefix;
		uint8_t size;
		bool be;
	} ints[] = {
		{ "u8:", 1, false }, { "u16:", 2, false }, { "u32:", 4, false },
		{ "u64:", 8, false }, { "be16:", 2, true }, { "be32:", 4, true },
	};
	uint64_t v;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		size_t pl = strlen(ints[i].prefix);

		if (strncmp(s, ints[i].prefix, pl))
			continue;
		if (ints[i].size > max)
			return usage_err("%s: '%s' is larger than %zu bytes", what, s, max);
		if (parse_uint(s + pl, ints[i].size == 8 ? UINT64_MAX :
			       (1ULL << (8 * ints[i].size)) - 1, &v))
			return usage_err("%s: '%s' is not a %u-byte number", what, s,
					 ints[i].size);
		if (ints[i].be && ints[i].size == 2) {
			uint16_t x = htons(v);

			memcpy(buf, &x, 2);
		} else if (ints[i].be) {
			uint32_t x = htonl(v);

			memcpy(buf, &x, 4);
		} else {
			uint8_t b1 = v;
			uint16_t b2 = v;
			uint32_t b4 = v;

			memcpy(buf, ints[i].size == 1 ? (void *)&b1 : ints[i].size == 2 ?
			       (void *)&b2 : ints[i].size == 4 ? (void *)&b4 : (void *)&v,
			       ints[i].size);
		}
		*len = ints[i].size;
		return 0;
	}
	ret = hex_decode(s, buf, max, len);
	if (ret == -E2BIG)
		return usage_err("%s: more than %zu bytes", what, max);
	if (ret || !*len)
		return usage_err("%s: '%s' is not hex bytes (or u32:N and the like)", what, s);
	return 0;
}

/* ---- requests --------------------------------------------------------------- */

static int id_reply(const nl_attrs_t tb, void *arg)
{
	if (!tb[CGADDR_A_MAP_ID]) {
		err("malformed answer from the module: no map id");
		return -EPROTO;
	}
	*(uint32_t *)arg = nl_u32(tb[CGADDR_A_MAP_ID]);
	return 0;
}

int map_create(struct nl *nl, const struct prog_map *def, uint32_t *id, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_MAP_CREATE, false, 128);
	char name[CGADDR_NAME_LEN];
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_MAP_TYPE, def->type);
	nl_put_u32(m, CGADDR_A_MAP_KEY_SIZE, def->key_size);
	nl_put_u32(m, CGADDR_A_MAP_VALUE_SIZE, def->value_size);
	nl_put_u32(m, CGADDR_A_MAP_MAX_ENTRIES, def->max_entries);
	if (def->flags)
		nl_put_u32(m, CGADDR_A_MAP_FLAGS, def->flags);
	if (def->name[0]) {
		/* As libbpf: the kernel keeps the first 15 characters. */
		memcpy(name, def->name, sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		nl_put_str(m, CGADDR_A_MAP_NAME, name);
	}
	*id = 0;
	ret = nl_talk(nl, m, id_reply, id);
	nl_msg_free(m);
	if (!ret && !*id)
		ret = -EPROTO;
	return ret ? nl_fail(nl, ret, what) : 0;
}

int map_drop(struct nl *nl, uint32_t id, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_MAP_DEL, false, 16);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_MAP_ID, id);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

static uint32_t u32_or_0(const nl_attrs_t tb, int type)
{
	return tb[type] ? nl_u32(tb[type]) : 0;
}

static int info_parse(const nl_attrs_t tb, struct map_info *i)
{
	memset(i, 0, sizeof(*i));
	if (!tb[CGADDR_A_MAP_ID]) {
		err("malformed answer from the module: a map without an id");
		return -EPROTO;
	}
	i->id = nl_u32(tb[CGADDR_A_MAP_ID]);
	i->type = u32_or_0(tb, CGADDR_A_MAP_TYPE);
	i->key_size = u32_or_0(tb, CGADDR_A_MAP_KEY_SIZE);
	i->value_size = u32_or_0(tb, CGADDR_A_MAP_VALUE_SIZE);
	i->max_entries = u32_or_0(tb, CGADDR_A_MAP_MAX_ENTRIES);
	i->flags = u32_or_0(tb, CGADDR_A_MAP_FLAGS);
	i->entries = u32_or_0(tb, CGADDR_A_MAP_ENTRIES);
	i->prog_cnt = u32_or_0(tb, CGADDR_A_MAP_PROG_CNT);
	i->ncpus = u32_or_0(tb, CGADDR_A_MAP_NCPUS);
	i->memory = tb[CGADDR_A_MAP_MEMORY] ? nl_u64(tb[CGADDR_A_MAP_MEMORY]) : 0;
	i->handle = tb[CGADDR_A_MAP_HANDLE] != NULL;
	if (tb[CGADDR_A_MAP_NAME])
		snprintf(i->name, sizeof(i->name), "%s", nl_str(tb[CGADDR_A_MAP_NAME]));
	return 0;
}

static int info_reply(const nl_attrs_t tb, void *arg)
{
	return info_parse(tb, arg);
}

int map_get(struct nl *nl, uint32_t id, struct map_info *info, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_MAP_GET, false, 16);
	int ret;

	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_MAP_ID, id);
	info->id = 0;
	ret = nl_talk(nl, m, info_reply, info);
	nl_msg_free(m);
	if (!ret && info->id != id)
		ret = -EPROTO;
	return ret ? nl_fail(nl, ret, what) : 0;
}

struct map_list {
	struct map_info *maps;
	uint32_t cnt, cap;
};

static int list_reply(const nl_attrs_t tb, void *arg)
{
	struct map_list *l = arg;

	if (l->cnt == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 16;
		struct map_info *p = realloc(l->maps, cap * sizeof(*p));

		if (!p) {
			err("out of memory");
			return -ENOMEM;
		}
		l->maps = p;
		l->cap = cap;
	}
	return info_parse(tb, &l->maps[l->cnt++]);
}

static int map_get_all(struct nl *nl, struct map_list *l)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_MAP_GET, true, 0);
	int ret;

	memset(l, 0, sizeof(*l));
	if (!m)
		return -ENOMEM;
	ret = nl_talk(nl, m, list_reply, l);
	nl_msg_free(m);
	if (ret) {
		free(l->maps);
		return nl_fail(nl, ret, "listing maps");
	}
	return 0;
}

/* ---- prog load: an object's maps ------------------------------------------- */

int map_reuse_parse(const char *s, struct map_reuse *r)
{
	const char *eq = strchr(s, '=');
	static char names[SPEC_MAX_MAPS][64];
	static unsigned int n;

	if (!eq || eq == s || eq - s >= 64)
		return usage_err("prog load: 'map %s': expected NAME=ID", s);
	if (parse_id("prog load: map", eq + 1, &r->id))
		return -EINVAL;
	if (n == SPEC_MAX_MAPS)
		return usage_err("prog load: too many 'map NAME=ID'");
	memcpy(names[n], s, eq - s);
	names[n][eq - s] = '\0';
	r->name = names[n++];
	return 0;
}

static int reuse_check(struct nl *nl, const struct prog_map *def, uint32_t id)
{
	struct map_info mi;
	char what[96], t1[24], t2[24];
	uint32_t want_entries = def->max_entries;

	snprintf(what, sizeof(what), "prog load: map %s=%u", def->name, id);
	if (map_get(nl, id, &mi, what))
		return -ENOENT;
	if (def->type == BPF_MAP_TYPE_SK_STORAGE && !want_entries)
		want_entries = mi.max_entries;
	if (mi.type != def->type || mi.key_size != def->key_size ||
	    mi.value_size != def->value_size || mi.max_entries != want_entries) {
		err("%s: map %u is %s key %u value %u max_entries %u; the object's '%s' is %s "
		    "key %u value %u max_entries %u", what, id, map_type_str(mi.type, t1, sizeof(t1)),
		    mi.key_size, mi.value_size, mi.max_entries, def->name,
		    map_type_str(def->type, t2, sizeof(t2)), def->key_size, def->value_size,
		    def->max_entries);
		return -EINVAL;
	}
	return 0;
}

int maps_prepare(struct nl *nl, struct prog_spec *specs, uint32_t cnt,
		 const struct map_reuse *reuse, uint32_t nreuse,
		 uint32_t *created, uint32_t *ncreated)
{
	uint32_t ids[SPEC_MAX_MAPS] = { 0 }, s, k, r;
	char what[96];
	int ret;

	for (r = 0; r < nreuse; r++) {
		bool found = false;

		for (s = 0; s < cnt && !found; s++)
			for (k = 0; k < specs[s].map_cnt && !found; k++)
				found = !strcmp(specs[s].maps[k].name, reuse[r].name);
		if (!found)
			return usage_err("prog load: 'map %s=%u': the programs use no map '%s'",
					 reuse[r].name, reuse[r].id, reuse[r].name);
	}
	for (s = 0; s < cnt; s++) {
		for (k = 0; k < specs[s].map_cnt; k++) {
			struct prog_map *pm = &specs[s].maps[k];
			uint32_t o = pm->obj_idx;

			if (o >= SPEC_MAX_MAPS)
				return -EINVAL;
			if (!ids[o]) {
				for (r = 0; r < nreuse && strcmp(reuse[r].name, pm->name); r++)
					;
				if (r < nreuse) {
					ret = reuse_check(nl, pm, reuse[r].id);
					if (ret)
						return ret;
					ids[o] = reuse[r].id;
				} else {
					snprintf(what, sizeof(what), "prog load: creating map '%s'",
						 pm->name);
					ret = map_create(nl, pm, &ids[o], what);
					if (ret)
						return ret;
					created[(*ncreated)++] = ids[o];
				}
			}
			pm->id = ids[o];
		}
	}
	return 0;
}

/* ---- the commands ------------------------------------------------------------- */

/* MAP at argv[*i]: ID or 'name NAME'; advances *i past it. */
static int parse_map_ref(struct nl *nl, const char *cmd, int argc, char **argv, int *i,
			 uint32_t *id)
{
	struct map_list l;
	const char *name;
	uint32_t k, found = 0, n = 0;
	int ret;

	if (*i >= argc)
		return usage_err("map %s: which map?  MAP := { ID | name NAME }", cmd);
	if (!is_kw(argv[*i], "name")) {
		if (parse_id(cmd, argv[*i], id))
			return -EINVAL;
		(*i)++;
		return 0;
	}
	name = kw_value(argc, argv, i);
	if (!name)
		return -EINVAL;
	(*i)++;
	ret = map_get_all(nl, &l);
	if (ret)
		return ret;
	for (k = 0; k < l.cnt; k++)
		if (!strcmp(l.maps[k].name, name)) {
			found = l.maps[k].id;
			n++;
		}
	free(l.maps);
	if (!n) {
		err("map %s: no map named '%s'", cmd, name);
		return -ENOENT;
	}
	if (n > 1) {
		err("map %s: %u maps are named '%s': give the id", cmd, n, name);
		return -EINVAL;
	}
	*id = found;
	return 0;
}

static void print_info(const struct map_info *m)
{
	char tb[24];
	const char *type = map_type_str(m->type, tb, sizeof(tb));

	if (!opt_json) {
		printf("%u: %s  name %s  key %uB  value %uB  max_entries %u  flags 0x%x\n", m->id,
		       type, m->name[0] ? m->name : "-", m->key_size, m->value_size,
		       m->max_entries, m->flags);
		printf("\tentries %u  memory %lluB  programs %u  handle %s\n", m->entries,
		       (unsigned long long)m->memory, m->prog_cnt, m->handle ? "yes" : "no");
		return;
	}
	json_begin_object();
	json_kv_uint("id", m->id);
	json_kv_string("type", type);
	json_kv_uint("map_type", m->type);
	json_kv_string("name", m->name);
	json_kv_uint("key_size", m->key_size);
	json_kv_uint("value_size", m->value_size);
	json_kv_uint("max_entries", m->max_entries);
	json_kv_uint("flags", m->flags);
	json_kv_uint("entries", m->entries);
	json_kv_uint("memory", m->memory);
	json_kv_uint("prog_cnt", m->prog_cnt);
	json_kv_bool("handle", m->handle);
	json_end_object();
}

static int do_show(int argc, char **argv)
{
	struct map_info info;
	struct map_list l;
	struct nl *nl;
	uint32_t id = 0, k;
	int ret, i = 0;

	ret = nl_open(&nl);
	if (ret)
		return ret;
	if (argc) {
		ret = parse_map_ref(nl, "show", argc, argv, &i, &id);
		if (!ret && i < argc)
			ret = usage_err("map show: unexpected '%s'.  Usage: " LIST_USAGE, argv[i]);
		if (!ret)
			ret = map_get(nl, id, &info, "map show");
		if (!ret) {
			print_info(&info);
			if (opt_json)
				json_finish();
		}
	} else {
		ret = map_get_all(nl, &l);
		if (!ret) {
			if (opt_json)
				json_begin_array();
			for (k = 0; k < l.cnt; k++)
				print_info(&l.maps[k]);
			if (opt_json) {
				json_end_array();
				json_finish();
			}
			free(l.maps);
		}
	}
	nl_close(nl);
	return ret;
}

static int do_list(int argc, char **argv)
{
	if (argc)
		return usage_err("map list: unexpected '%s' (to show one map: map show MAP)",
				 argv[0]);
	return do_show(0, argv);
}

static int do_create(int argc, char **argv)
{
	struct prog_map def = { .max_entries = UINT32_MAX };
	bool have_type = false;
	const char *v;
	uint32_t id;
	struct nl *nl;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!is_kw(argv[i], "type") && !is_kw(argv[i], "key") && !is_kw(argv[i], "value") &&
		    !is_kw(argv[i], "entries") && !is_kw(argv[i], "name") && !is_kw(argv[i], "flags"))
			return usage_err("map create: unexpected '%s'.  Usage: " CREATE_USAGE,
					 argv[i]);
		v = kw_value(argc, argv, &i);
		if (!v)
			return -EINVAL;
		if (is_kw(argv[i - 1], "type")) {
			if (map_type_parse(v, &def.type))
				return usage_err("map create: unknown map type '%s'", v);
			have_type = true;
		} else if (is_kw(argv[i - 1], "name")) {
			if (!*v || strlen(v) >= CGADDR_NAME_LEN)
				return usage_err("map create: a name has 1 to %d characters",
						 CGADDR_NAME_LEN - 1);
			snprintf(def.name, sizeof(def.name), "%s", v);
		} else if (parse_u32(v, is_kw(argv[i - 1], "key") ? &def.key_size :
				     is_kw(argv[i - 1], "value") ? &def.value_size :
				     is_kw(argv[i - 1], "entries") ? &def.max_entries : &def.flags)) {
			return usage_err("map create: %s '%s' is not a number", argv[i - 1], v);
		}
	}
	if (!have_type || !def.key_size || !def.value_size || def.max_entries == UINT32_MAX)
		return usage_err("map create: type, key, value and entries are needed.  Usage: "
				 CREATE_USAGE);
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = map_create(nl, &def, &id, "map create");
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
	nl_close(nl);
	return ret;
}

static int do_del(int argc, char **argv)
{
	struct nl *nl;
	uint32_t id;
	int ret, i = 0;

	if (!argc)
		return usage_err("map del: which map?  Usage: " DEL_USAGE);
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = parse_map_ref(nl, "del", argc, argv, &i, &id);
	if (!ret && i < argc)
		ret = usage_err("map del: unexpected '%s'.  Usage: " DEL_USAGE, argv[i]);
	if (!ret)
		ret = map_drop(nl, id, "map del");
	nl_close(nl);
	return ret;
}

/* ---- entries -------------------------------------------------------------------- */

struct entry_out {
	uint32_t n;
};

static void print_bytes(const struct nlattr *a)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	uint16_t i, len = mnl_attr_get_payload_len(a);

	for (i = 0; i < len; i++)
		printf("%s%02x", i ? " " : "", p[i]);
}

static int entry_reply(const nl_attrs_t tb, void *arg)
{
	struct entry_out *o = arg;
	const struct nlattr *v;
	uint32_t cpu = 0;

	if (!tb[CGADDR_A_MAP_KEY] || (!tb[CGADDR_A_MAP_VALUE] && !tb[CGADDR_A_MAP_VALUES])) {
		err("malformed answer from the module: an entry without key or value");
		return -EPROTO;
	}
	o->n++;
	if (opt_json) {
		json_begin_object();
		json_key("key");
		json_hex(mnl_attr_get_payload(tb[CGADDR_A_MAP_KEY]),
			 mnl_attr_get_payload_len(tb[CGADDR_A_MAP_KEY]));
		if (tb[CGADDR_A_MAP_VALUE]) {
			json_key("value");
			json_hex(mnl_attr_get_payload(tb[CGADDR_A_MAP_VALUE]),
				 mnl_attr_get_payload_len(tb[CGADDR_A_MAP_VALUE]));
		} else {
			json_key("values");
			json_begin_array();
			mnl_attr_for_each_nested(v, tb[CGADDR_A_MAP_VALUES]) {
				json_begin_object();
				json_kv_uint("cpu", cpu++);
				json_key("value");
				json_hex(mnl_attr_get_payload(v), mnl_attr_get_payload_len(v));
				json_end_object();
			}
			json_end_array();
		}
		json_end_object();
		return 0;
	}
	printf("key: ");
	print_bytes(tb[CGADDR_A_MAP_KEY]);
	if (tb[CGADDR_A_MAP_VALUE]) {
		printf("  value: ");
		print_bytes(tb[CGADDR_A_MAP_VALUE]);
		printf("\n");
		return 0;
	}
	printf("\n");
	mnl_attr_for_each_nested(v, tb[CGADDR_A_MAP_VALUES]) {
		printf("\tcpu %u: ", cpu++);
		print_bytes(v);
		printf("\n");
	}
	return 0;
}

/* MAP key BYTES [value BYTES] [flag]; @flags NULL: no value, no flag. */
static int parse_entry_args(struct nl *nl, const char *cmd, int argc, char **argv, uint32_t *id,
			    uint8_t *key, size_t *klen, uint8_t *val, size_t *vlen,
			    uint32_t *flags)
{
	const char *v;
	int i = 0, ret;

	ret = parse_map_ref(nl, cmd, argc, argv, &i, id);
	if (ret)
		return ret;
	*klen = *vlen = 0;
	for (; i < argc; i++) {
		if (is_kw(argv[i], "key") || (flags && is_kw(argv[i], "value"))) {
			bool is_key = is_kw(argv[i], "key");

			v = kw_value(argc, argv, &i);
			if (!v)
				return -EINVAL;
			ret = is_key ? map_parse_bytes("key", v, key, 512, klen) :
				       map_parse_bytes("value", v, val, 32768, vlen);
			if (ret)
				return ret;
		} else if (flags && (is_kw(argv[i], "any") || is_kw(argv[i], "noexist") ||
				     is_kw(argv[i], "exist"))) {
			*flags = is_kw(argv[i], "any") ? BPF_ANY :
				 is_kw(argv[i], "noexist") ? BPF_NOEXIST : BPF_EXIST;
		} else {
			return usage_err("map %s: unexpected '%s'", cmd, argv[i]);
		}
	}
	if (!*klen)
		return usage_err("map %s: no key given", cmd);
	if (flags && !*vlen)
		return usage_err("map %s: no value given", cmd);
	return 0;
}

static int entry_cmd(int argc, char **argv, uint8_t cmd, const char *name)
{
	static uint8_t key[512], val[32768];
	uint32_t id, flags = BPF_ANY;
	struct entry_out out = { 0 };
	size_t klen, vlen;
	struct nl_msg *m;
	struct nl *nl;
	char what[32];
	int ret;

	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = parse_entry_args(nl, name, argc, argv, &id, key, &klen, val, &vlen,
			       cmd == CGADDR_CMD_MAP_UPDATE ? &flags : NULL);
	if (ret)
		goto out;
	ret = -ENOMEM;
	m = nl_msg_new(nl, cmd, false, klen + vlen + 256);
	if (!m)
		goto out;
	nl_put_u32(m, CGADDR_A_MAP_ID, id);
	nl_put_bin(m, CGADDR_A_MAP_KEY, key, klen);
	if (cmd == CGADDR_CMD_MAP_UPDATE) {
		nl_put_bin(m, CGADDR_A_MAP_VALUE, val, vlen);
		nl_put_u32(m, CGADDR_A_MAP_UPDATE_FLAGS, flags);
	}
	ret = nl_talk(nl, m, cmd == CGADDR_CMD_MAP_LOOKUP ? entry_reply : NULL, &out);
	nl_msg_free(m);
	snprintf(what, sizeof(what), "map %s", name);
	if (ret)
		ret = nl_fail(nl, ret, what);
	else if (opt_json && cmd == CGADDR_CMD_MAP_LOOKUP)
		json_finish();
out:
	nl_close(nl);
	return ret;
}

static int do_lookup(int argc, char **argv)
{
	return entry_cmd(argc, argv, CGADDR_CMD_MAP_LOOKUP, "lookup");
}

static int do_update(int argc, char **argv)
{
	return entry_cmd(argc, argv, CGADDR_CMD_MAP_UPDATE, "update");
}

static int do_delete(int argc, char **argv)
{
	return entry_cmd(argc, argv, CGADDR_CMD_MAP_DELETE, "delete");
}

static int do_dump(int argc, char **argv)
{
	struct entry_out out = { 0 };
	struct nl_msg *m;
	struct nl *nl;
	uint32_t id;
	int ret, i = 0;

	if (!argc)
		return usage_err("map dump: which map?  Usage: " DUMP_USAGE);
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = parse_map_ref(nl, "dump", argc, argv, &i, &id);
	if (!ret && i < argc)
		ret = usage_err("map dump: unexpected '%s'.  Usage: " DUMP_USAGE, argv[i]);
	if (ret)
		goto out;
	ret = -ENOMEM;
	m = nl_msg_new(nl, CGADDR_CMD_MAP_DUMP, true, 16);
	if (!m)
		goto out;
	nl_put_u32(m, CGADDR_A_MAP_ID, id);
	if (opt_json)
		json_begin_array();
	ret = nl_talk(nl, m, entry_reply, &out);
	nl_msg_free(m);
	if (opt_json) {
		json_end_array();
		json_finish();
	} else if (!ret) {
		printf("Found %u element%s\n", out.n, out.n == 1 ? "" : "s");
	}
	if (ret)
		ret = nl_fail(nl, ret, "map dump");
out:
	nl_close(nl);
	return ret;
}

static const struct cmd map_cmds[] = {
	{ "list", do_list, LIST_USAGE, false },
	{ "show", do_show, LIST_USAGE, false },
	{ "create", do_create, CREATE_USAGE, false },
	{ "del", do_del, DEL_USAGE, false },
	{ "lookup", do_lookup, LOOKUP_USAGE, false },
	{ "update", do_update, UPDATE_USAGE, false },
	{ "delete", do_delete, DELETE_USAGE, false },
	{ "dump", do_dump, DUMP_USAGE, false },
	{ NULL, NULL, NULL, false },
};

int do_map(int argc, char **argv)
{
	return cmd_dispatch("map", map_cmds, &map_cmds[0], map_usage, argc, argv);
}
