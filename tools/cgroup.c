// SPDX-License-Identifier: GPL-2.0
/* cgaddr cgroup: attach, detach, show; naming cgroups; queries. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "json.h"
#include "prog.h"
#include "util.h"

#define ATTACH_USAGE "cgaddr cgroup attach CGROUP TYPE ID [multi | override] [replace ID]\n"
#define DETACH_USAGE "cgaddr cgroup detach CGROUP TYPE [ID]\n"
#define SHOW_USAGE   "cgaddr cgroup show CGROUP [effective] [type TYPE]\n"

static const char cgroup_usage[] =
"Usage: " ATTACH_USAGE
"       " DETACH_USAGE
"       " SHOW_USAGE
"       " TREE_USAGE
"       cgaddr cgroup help\n"
"\n"
"attach  attaches program ID to CGROUP for hook TYPE (the program's own type).\n"
"        Without a flag the cgroup has one program of TYPE and attaching\n"
"        replaces it; 'override' lets descendants override it; 'multi' lets\n"
"        several programs run, in attach order, with those of descendants\n"
"        first.  'replace ID' (with multi) puts the program in ID's place.\n"
"detach  detaches program ID (needed with multi) or the cgroup's program.\n"
"show    the programs attached to CGROUP, or with 'effective' those that run\n"
"        for its sockets, in order.\n"
"tree    every cgroup with attachments (under ROOT), by hierarchy.\n"
"\n"
"CGROUP := { PATH | id:CGROUP_ID }   a PATH that does not start with / or .\n"
"          is relative to the cgroup v2 mount point (normally /sys/fs/cgroup)\n"
"TYPE := { bind4 | bind6 | connect4 | connect6 | sendmsg4 | sendmsg6 | recvmsg4 |\n"
"          recvmsg6 | getpeername4 | getpeername6 | getsockname4 | getsockname6 }\n"
"        (also BPF_CGROUP_INET4_BIND, cgroup_inet4_bind, ...)\n";

/* ---- naming cgroups ----------------------------------------------------------- */

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

const char *cgroup2_mount(void)
{
	static char mnt[4096];
	static bool done;
	char line[8192], *sep, *fs;
	FILE *f;

	if (done)
		return mnt[0] ? mnt : NULL;
	done = true;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE ... */
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		fs = sep + 3;
		if (strncmp(fs, "cgroup2 ", 8))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			unescape(mnt);
			break;
		}
		mnt[0] = '\0';
	}
	fclose(f);
	return mnt[0] ? mnt : NULL;
}

static uint64_t cgroup_id_of(int fd)
{
	union {
		struct file_handle fh;
		uint8_t buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	struct stat st;
	uint64_t id;
	int mnt_id;

	h.fh.handle_bytes = sizeof(id);
	if (!name_to_handle_at(fd, "", &h.fh, &mnt_id, AT_EMPTY_PATH) &&
	    h.fh.handle_bytes == sizeof(id)) {
		memcpy(&id, h.buf + sizeof(struct file_handle), sizeof(id));
		return id;
	}
	return fstat(fd, &st) ? 0 : st.st_ino;
}

static int cgroup_open_id(const char *arg, struct cgroup_ref *ref)
{
	uint64_t id;

	if (parse_uint(arg + 3, UINT64_MAX, &id) || !id)
		return usage_err("'%s' is not a cgroup id (id:N, N > 0)", arg);
	ref->id = id;
	ref->path = strdup(arg);
	if (!ref->path) {
		err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

int cgroup_open(const char *arg, struct cgroup_ref *ref)
{
	const char *mnt = NULL;
	struct statfs sfs;
	int ret;

	ref->fd = -1;
	ref->id = 0;
	ref->path = NULL;
	if (!strncmp(arg, "id:", 3))
		return cgroup_open_id(arg, ref);
	if (!*arg)
		return usage_err("an empty cgroup path");
	if (arg[0] != '/' && arg[0] != '.') {
		mnt = cgroup2_mount();
		if (!mnt) {
			err("%s: no cgroup v2 hierarchy is mounted here, so a relative cgroup path "
			    "means nothing: give an absolute path", arg);
			return -ENOENT;
		}
	}
	if (asprintf(&ref->path, "%s%s%s", mnt ? mnt : "", mnt ? "/" : "", arg) < 0) {
		ref->path = NULL;
		err("out of memory");
		return -ENOMEM;
	}
	ref->fd = open(ref->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ref->fd < 0) {
		ret = -errno;
		if (errno == ENOENT)
			err("%s: no such cgroup (create it with mkdir)", ref->path);
		else
			err("%s: %s", ref->path, strerror(errno));
		cgroup_close(ref);
		return ret;
	}
	if (fstatfs(ref->fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		err("%s: not a cgroup v2 directory: programs attach to directories of a cgroup2 "
		    "file system (mount -t cgroup2 none /sys/fs/cgroup)", ref->path);
		cgroup_close(ref);
		return -EINVAL;
	}
	ref->id = cgroup_id_of(ref->fd);
	return 0;
}

void cgroup_close(struct cgroup_ref *ref)
{
	if (ref->fd >= 0)
		close(ref->fd);
	free(ref->path);
	ref->fd = -1;
	ref->path = NULL;
}

void cgroup_put(struct nl_msg *m, const struct cgroup_ref *ref)
{
	if (ref->fd >= 0)
		nl_put_u32(m, CGADDR_A_CGROUP_FD, ref->fd);
	else
		nl_put_u64(m, CGADDR_A_CGROUP_ID, ref->id);
}

const char *attach_flags_str(uint32_t flags)
{
	static char buf[16];

	switch (flags) {
	case 0:
		return "none";
	case BPF_F_ALLOW_OVERRIDE:
		return "override";
	case BPF_F_ALLOW_MULTI:
		return "multi";
	default:
		snprintf(buf, sizeof(buf), "0x%x", flags);
		return buf;
	}
}

/* ---- queries ---------------------------------------------------------------------- */

struct query_list {
	struct query_item *items;
	uint32_t cnt, cap;
};

static int query_ids(const struct nlattr *nest, struct query_item *it)
{
	const struct nlattr *a;
	uint32_t n = 0;

	mnl_attr_for_each_nested(a, nest)
		n++;
	it->ids = calloc(n ? n : 1, sizeof(*it->ids));
	if (!it->ids) {
		err("out of memory");
		return -ENOMEM;
	}
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != CGADDR_A_PROG_ID ||
		    mnl_attr_get_payload_len(a) != sizeof(uint32_t)) {
			err("malformed answer from the module: bad program id list");
			return -EPROTO;
		}
		it->ids[it->cnt++] = mnl_attr_get_u32(a);
	}
	return 0;
}

static int query_reply(const nl_attrs_t tb, void *arg)
{
	struct query_list *l = arg;
	struct query_item *it;

	if (!tb[CGADDR_A_ATTACH_TYPE]) {
		err("malformed answer from the module: an attachment without a type");
		return -EPROTO;
	}
	if (l->cnt == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 16;

		it = realloc(l->items, cap * sizeof(*it));
		if (!it) {
			err("out of memory");
			return -ENOMEM;
		}
		l->items = it;
		l->cap = cap;
	}
	it = &l->items[l->cnt++];
	memset(it, 0, sizeof(*it));
	it->cgroup_id = tb[CGADDR_A_CGROUP_ID] ? nl_u64(tb[CGADDR_A_CGROUP_ID]) : 0;
	it->path = strdup(tb[CGADDR_A_CGROUP_PATH] ? nl_str(tb[CGADDR_A_CGROUP_PATH]) : "?");
	if (!it->path) {
		err("out of memory");
		return -ENOMEM;
	}
	it->gone = tb[CGADDR_A_CGROUP_GONE] != NULL;
	it->attach_type = nl_u32(tb[CGADDR_A_ATTACH_TYPE]);
	it->flags = tb[CGADDR_A_ATTACH_FLAGS] ? nl_u32(tb[CGADDR_A_ATTACH_FLAGS]) : 0;
	return tb[CGADDR_A_PROG_IDS] ? query_ids(tb[CGADDR_A_PROG_IDS], it) : 0;
}

int cgroup_query(struct nl *nl, const struct cgroup_ref *ref, const struct attach_type *type,
		 bool effective, struct query_item **items, uint32_t *cnt)
{
	struct query_list l = { NULL, 0, 0 };
	struct nl_msg *m;
	int ret;

	m = nl_msg_new(nl, CGADDR_CMD_QUERY, true, 64);
	if (!m)
		return -ENOMEM;
	if (ref)
		cgroup_put(m, ref);
	if (type)
		nl_put_u32(m, CGADDR_A_ATTACH_TYPE, type->attach);
	if (effective)
		nl_put_u32(m, CGADDR_A_QUERY_FLAGS, CGADDR_QUERY_F_EFFECTIVE);
	ret = nl_talk(nl, m, query_reply, &l);
	nl_msg_free(m);
	if (ret) {
		query_free(l.items, l.cnt);
		return nl_fail(nl, ret, ref ? ref->path : "listing attachments");
	}
	*items = l.items;
	*cnt = l.cnt;
	return 0;
}

void query_free(struct query_item *items, uint32_t cnt)
{
	uint32_t i;

	for (i = 0; i < cnt; i++) {
		free(items[i].path);
		free(items[i].ids);
	}
	free(items);
}

/* ---- attach and detach --------------------------------------------------------------- */

static int parse_type(const char *cmd, const char *s, const struct attach_type **type)
{
	*type = type_by_name(s);
	if (!*type)
		return usage_err("cgroup %s: unknown attach type '%s'; one of: %s", cmd, s,
				 type_name_list());
	return 0;
}

int cgroup_attach_prog(struct nl *nl, const struct cgroup_ref *ref, uint32_t attach_type,
		       uint32_t id, uint32_t flags, uint32_t replace, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_ATTACH, false, 64);
	int ret;

	if (!m)
		return -ENOMEM;
	cgroup_put(m, ref);
	nl_put_u32(m, CGADDR_A_ATTACH_TYPE, attach_type);
	nl_put_u32(m, CGADDR_A_PROG_ID, id);
	if (flags)
		nl_put_u32(m, CGADDR_A_ATTACH_FLAGS, flags);
	if (replace)
		nl_put_u32(m, CGADDR_A_REPLACE_PROG_ID, replace);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

int cgroup_detach_prog(struct nl *nl, const struct cgroup_ref *ref, uint32_t attach_type,
		       uint32_t id, const char *what)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_DETACH, false, 64);
	int ret;

	if (!m)
		return -ENOMEM;
	cgroup_put(m, ref);
	nl_put_u32(m, CGADDR_A_ATTACH_TYPE, attach_type);
	if (id)
		nl_put_u32(m, CGADDR_A_PROG_ID, id);
	ret = nl_talk(nl, m, NULL, NULL);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, what) : 0;
}

static int do_attach(int argc, char **argv)
{
	const struct attach_type *type;
	uint32_t id, replace = 0, flags = 0;
	struct cgroup_ref ref;
	struct nl *nl;
	const char *v;
	int i, ret;

	if (argc < 3)
		return usage_err("cgroup attach: CGROUP, TYPE and ID are needed.  Usage: "
				 ATTACH_USAGE);
	if (parse_type("attach", argv[1], &type) || parse_id("cgroup attach", argv[2], &id))
		return -EINVAL;
	for (i = 3; i < argc; i++) {
		if (is_kw(argv[i], "multi")) {
			flags |= BPF_F_ALLOW_MULTI;
		} else if (is_kw(argv[i], "override")) {
			flags |= BPF_F_ALLOW_OVERRIDE;
		} else if (is_kw(argv[i], "replace")) {
			v = kw_value(argc, argv, &i);
			if (!v || parse_id("cgroup attach: replace", v, &replace))
				return -EINVAL;
			flags |= BPF_F_REPLACE;
		} else {
			return usage_err("cgroup attach: unexpected '%s'.  Usage: " ATTACH_USAGE,
					 argv[i]);
		}
	}
	ret = cgroup_open(argv[0], &ref);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (!ret) {
		ret = cgroup_attach_prog(nl, &ref, type->attach, id, flags, replace,
					 "cgroup attach");
		nl_close(nl);
	}
	cgroup_close(&ref);
	return ret;
}

static int do_detach(int argc, char **argv)
{
	const struct attach_type *type;
	struct cgroup_ref ref;
	struct nl *nl;
	uint32_t id = 0;
	int ret;

	if (argc < 2 || argc > 3)
		return usage_err("cgroup detach: CGROUP and TYPE are needed.  Usage: "
				 DETACH_USAGE);
	if (parse_type("detach", argv[1], &type) ||
	    (argc == 3 && parse_id("cgroup detach", argv[2], &id)))
		return -EINVAL;
	ret = cgroup_open(argv[0], &ref);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (!ret) {
		ret = cgroup_detach_prog(nl, &ref, type->attach, id, "cgroup detach");
		nl_close(nl);
	}
	cgroup_close(&ref);
	return ret;
}

/* ---- show --------------------------------------------------------------------------- */

static void show_items(const struct query_item *items, uint32_t cnt, bool effective,
		       const struct prog_info *progs, uint32_t nprogs)
{
	uint32_t i, k;

	if (opt_json)
		json_begin_array();
	else if (cnt && effective)
		printf("%-7s %-13s %s\n", "ID", "TYPE", "NAME");
	else if (cnt)
		printf("%-7s %-13s %-9s %s\n", "ID", "TYPE", "FLAGS", "NAME");
	for (i = 0; i < cnt; i++) {
		const struct query_item *it = &items[i];

		for (k = 0; k < it->cnt; k++) {
			const char *name = prog_name_in(progs, nprogs, it->ids[k]);

			if (!opt_json) {
				if (effective)
					printf("%-7u %-13s %s\n", it->ids[k],
					       type_str(it->attach_type), name);
				else
					printf("%-7u %-13s %-9s %s\n", it->ids[k],
					       type_str(it->attach_type),
					       attach_flags_str(it->flags), name);
				continue;
			}
			json_begin_object();
			json_kv_uint("id", it->ids[k]);
			json_kv_string("type", type_str(it->attach_type));
			json_kv_uint("attach_type", it->attach_type);
			if (!effective) {
				json_kv_string("attach_flags", attach_flags_str(it->flags));
				json_kv_uint("flags", it->flags);
			}
			json_kv_string("name", name);
			json_end_object();
		}
	}
	if (opt_json) {
		json_end_array();
		json_finish();
	}
}

static int do_show(int argc, char **argv)
{
	const struct attach_type *type = NULL;
	struct query_item *items = NULL;
	struct prog_info *progs = NULL;
	uint32_t cnt = 0, nprogs = 0;
	bool effective = false;
	struct cgroup_ref ref;
	struct nl *nl;
	const char *v;
	int i, ret;

	if (argc < 1)
		return usage_err("cgroup show: which cgroup?  Usage: " SHOW_USAGE);
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "effective")) {
			effective = true;
		} else if (is_kw(argv[i], "type")) {
			v = kw_value(argc, argv, &i);
			if (!v || parse_type("show", v, &type))
				return -EINVAL;
		} else {
			return usage_err("cgroup show: unexpected '%s'.  Usage: " SHOW_USAGE,
					 argv[i]);
		}
	}
	ret = cgroup_open(argv[0], &ref);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret)
		goto out_ref;
	ret = cgroup_query(nl, &ref, type, effective, &items, &cnt);
	if (!ret)
		ret = prog_get_all(nl, &progs, &nprogs);
	if (!ret)
		show_items(items, cnt, effective, progs, nprogs);
	query_free(items, cnt);
	free(progs);
	nl_close(nl);
out_ref:
	cgroup_close(&ref);
	return ret;
}

static const struct cmd cgroup_cmds[] = {
	{ "attach", do_attach, ATTACH_USAGE, false },
	{ "detach", do_detach, DETACH_USAGE, false },
	{ "show", do_show, SHOW_USAGE, false },
	{ "tree", do_cgroup_tree, TREE_USAGE, false },
	{ NULL, NULL, NULL, false },
};

int do_cgroup(int argc, char **argv)
{
	return cmd_dispatch("cgroup", cgroup_cmds, NULL, cgroup_usage, argc, argv);
}
