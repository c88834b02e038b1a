// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr apply: make the running policy match configuration files
 * (the *.conf files of /etc/cgaddr.d by default).  The format (cgaddr(5)):
 *
 *   # a comment
 *   [web]                       a cgroup: relative to the cgroup2 mount, or absolute
 *   pin ipv4 192.0.2.20 ipv6 2001:db8::20 ports 1024-65535 strict bind-only
 *   program rewrite.o func rewrite4 type bind4 attach bind4 multi
 *
 * Every file is parsed, every cgroup opened and every object built (as
 * prog load --dry-run does) before the module is asked anything; one
 * error anywhere, reported as FILE:LINE, changes nothing.
 *
 * What apply attached is recorded in a state file (/run/cgaddr/apply.state):
 * cgroup id, attach type, program id and load time (which tell a program
 * apart from a later one with the same id), attach flags and a fingerprint
 * of what was loaded.  An attachment is apply's when the state lists it and
 * it is still in force; everything else is left alone, except pin programs
 * (pin_*) on a cgroup that the configuration pins: a pin in the
 * configuration is the cgroup's pin, as `cgaddr pin` would make it.
 *
 * A run: load the new programs; replace changed ones in place; detach
 * those no longer configured; attach the new ones; then delete what was
 * replaced or detached and write the state.  A failure before the end is
 * undone (attachments put back, new programs deleted).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "apply.h"
#include "cgroup.h"
#include "cmd.h"
#include "info.h"
#include "json.h"
#include "map.h"
#include "nl.h"
#include "obj.h"
#include "pin.h"
#include "prog.h"
#include "reloc.h"
#include "rule.h"
#include "types.h"
#include "util.h"

#define APPLY_DIR	"/etc/cgaddr.d"
#define APPLY_STATE	"/run/cgaddr/apply.state"
#define MAX_TOKENS	32

static const char apply_help[] =
"Usage: " APPLY_USAGE
"\n"
"Makes the running policy match configuration files: each FILE, and the\n"
"*.conf files of each DIR in name order (default: " APPLY_DIR "/*.conf).\n"
"\n"
"  # comment\n"
"  [CGROUP]        a cgroup: a path relative to the cgroup v2 mount, or absolute\n"
"  pin [ipv4 ADDR] [ipv6 ADDR] [ports LO-HI] [strict] [bind-only]\n"
"                  as cgaddr pin (at least one address)\n"
"  program OBJ.o [func NAME] [section SEC] [type TYPE] attach TYPE [multi | override]\n"
"                  load one program of a clang object (a relative path is\n"
"                  relative to the file) and attach it\n"
"\n"
"Every file is checked (cgroups exist, objects build) before anything is\n"
"changed: an error, reported as FILE:LINE, changes nothing.  Then apply\n"
"attaches what is new, replaces what changed in place, detaches what it\n"
"attached before that the files no longer have, and says so, or\n"
"'unchanged'.  It records what it attached in a state file; programs\n"
"attached by hand are left alone, except pin programs on a cgroup that the\n"
"files pin (the files give that cgroup's pin).  If the module refuses a\n"
"step, what this run did is undone and the exit status is 1.\n"
"\n"
"  --dry-run       show what would change; change nothing\n"
"  --state FILE    the state file (default " APPLY_STATE ")\n"
"\n"
"See cgaddr(5) for the file format.\n";

enum { K_PIN, K_PROG };
enum { H_NONE, H_KEEP, H_REPLACED, H_STALE };

struct block {
	char *arg;		/* the cgroup as written */
	char *where;		/* FILE:LINE of the header */
	struct cgroup_ref ref;
	bool bad;
	struct block *first;	/* the first block of the same cgroup */
	char *pin_where;	/* its pin statement (on the first block) */
	char pin_desc[128];	/* "192.0.2.20 and 2001:db8::20" */
	bool pin_bind_only;
	char *pattern;		/* the rule's pattern: the path relative to the mount */
	bool rule_only;		/* a pattern, or no such cgroup now: the rule does it all */
};

struct have;

struct want {
	struct block *blk;	/* the first block of its cgroup */
	char *where;		/* FILE:LINE of the statement */
	int kind;		/* K_PIN, K_PROG */
	char *object;		/* K_PROG: the object file */
	struct prog_spec spec;
	uint32_t type, flags;
	uint64_t fp;
	struct have *keep;	/* unchanged: this attachment is it */
	struct have *old;	/* replaced by the new program */
	uint32_t foreign, foreign_flags;	/* single program attached by hand, replaced */
	uint32_t new_id;
	uint32_t rule_keep_id;	/* a rule-only block's, unchanged: the rule's program */
	uint32_t rule_old_id;	/* a rule-only block's, changed: the program it replaces */
	bool attached;
};

struct have {
	uint64_t cgid;
	char *path;		/* what to call the cgroup */
	uint32_t type, id, flags, attach_cnt;
	uint64_t load_time, fp;	/* fp 0: not apply's (a pin by hand) */
	int kind;
	char name[CGADDR_NAME_LEN];
	int fate;
	bool detached;
};

struct apply {
	const char *state_path;
	struct block **blocks;
	uint32_t nblocks;
	struct want **wants;
	uint32_t nwants;
	struct have **haves;
	uint32_t nhaves;
	int errors;
	/* the module's view */
	struct nl *nl;
	struct query_item *items;
	uint32_t nitems;
	struct prog_info *progs;
	uint32_t nprogs;
	/* the undo journal: wants attached (w) or haves detached (h), in order */
	struct { struct want *w; struct have *h; } *journal;
	uint32_t njournal;
	uint32_t changes, unchanged;
	/* rules: one per cgroup or pattern of the files, named "apply:FINGERPRINT" */
	struct rule_info *rules;
	uint32_t nrules;
	bool *rule_used;	/* per rule: a block of the files is its */
	struct rule_op { uint32_t added; const struct rule_info *replaced, *old; } *rops;
	uint32_t nrops;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		err("out of memory");
	return p;
}

static int push(void *arrayp, uint32_t *cnt, void *elem)
{
	void ***array = arrayp;
	void **a = realloc(*array, (*cnt + 1) * sizeof(void *));

	if (!a) {
		err("out of memory");
		return -ENOMEM;
	}
	a[(*cnt)++] = elem;
	*array = a;
	return 0;
}

/* ---- parsing ------------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static uint64_t fingerprint(const struct want *w)
{
	const struct prog_spec *s = &w->spec;
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t i, v[5] = { w->kind, s->attach_type, s->flags, w->flags, s->insn_cnt };

	h = fnv(h, v, sizeof(v));
	h = fnv(h, s->name, strlen(s->name) + 1);
	h = fnv(h, s->license, strlen(s->license) + 1);
	h = fnv(h, s->insns, (size_t)s->insn_cnt * sizeof(*s->insns));
	for (i = 0; i < s->data_cnt; i++) {
		h = fnv(h, s->data[i].name, strlen(s->data[i].name) + 1);
		h = fnv(h, &s->data[i].size, sizeof(s->data[i].size));
		h = fnv(h, &s->data[i].flags, sizeof(s->data[i].flags));
		h = fnv(h, s->data[i].bytes, s->data[i].size);
	}
	return h ? h : 1;
}

static struct want *want_new(struct apply *A, struct block *b, const char *where, int kind)
{
	struct want *w = xcalloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->blk = b->first;
	w->kind = kind;
	w->where = strdup(where);
	if (!w->where || push(&A->wants, &A->nwants, w)) {
		free(w->where);
		free(w);
		err("out of memory");
		return NULL;
	}
	return w;
}

/* Unchanged: the attachment in force, or a rule-only block's rule program, is it. */
static bool kept(const struct want *w)
{
	return w->keep || w->rule_keep_id;
}

/* The program in force for @w after the run (0 in a dry run of a change). */
static uint32_t want_id(const struct want *w)
{
	return w->keep ? w->keep->id : w->rule_keep_id ? w->rule_keep_id : w->new_id;
}

/* A [CGROUP] header. */
static int parse_header(struct apply *A, const char *where, const char *name,
			struct block **cur)
{
	struct block *b = xcalloc(1, sizeof(*b));
	const char *mnt = NULL;
	struct statfs sfs;
	char *path = NULL;
	uint32_t i;
	int fd, ret = -EINVAL;

	if (!b)
		return -ENOMEM;
	b->ref.fd = -1;
	b->bad = true;
	b->first = b;
	b->arg = strdup(name);
	b->where = strdup(where);
	if (!b->arg || !b->where || push(&A->blocks, &A->nblocks, b)) {
		free(b->arg);
		free(b->where);
		free(b);
		err("out of memory");
		return -ENOMEM;
	}
	*cur = b;
	if (!*name)
		return usage_err("an empty cgroup name: [CGROUP], a path relative to the cgroup "
				 "v2 mount or an absolute one");
	if (!strncmp(name, "id:", 3) || name[0] == '.')
		return usage_err("cgroup '%s': give a path relative to the cgroup v2 mount or an "
				 "absolute one (ids and paths relative to the current directory "
				 "change from one boot or shell to the next)", name);
	if (name[0] != '/') {
		mnt = cgroup2_mount();
		if (!mnt)
			return usage_err("cgroup '%s': no cgroup v2 hierarchy is mounted, so a "
					 "relative path means nothing", name);
	}
	b->pattern = rule_pattern_of(name);
	if (!b->pattern)
		return -EINVAL;
	if (asprintf(&path, "%s%s%s", mnt ? mnt : "", mnt ? "/" : "", name) < 0) {
		err("out of memory");
		return -ENOMEM;
	}
	fd = rule_is_glob(name) ? -1 : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (rule_is_glob(name) || errno == ENOENT)) {
		/* A pattern, or a cgroup made later (a unit that has not started). */
		b->rule_only = true;
		b->bad = false;
		for (i = 0; i + 1 < A->nblocks; i++) {
			if (!A->blocks[i]->bad && A->blocks[i]->rule_only &&
			    !strcmp(A->blocks[i]->pattern, b->pattern)) {
				b->first = A->blocks[i]->first;
				break;
			}
		}
		ret = 0;
		goto out;
	}
	if (fd < 0) {
		err("cgroup '%s': %s: %s", name, path, strerror(errno));
		goto out;
	}
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		err("cgroup '%s': %s is not a directory of a cgroup v2 file system", name, path);
		close(fd);
		goto out;
	}
	close(fd);
	ret = cgroup_open(path, &b->ref);
	if (ret)
		goto out;
	b->bad = false;
	for (i = 0; i + 1 < A->nblocks; i++) {
		if (!A->blocks[i]->bad && A->blocks[i]->ref.id == b->ref.id) {
			b->first = A->blocks[i]->first;
			break;
		}
	}
out:
	free(path);
	return ret;
}

static void addr_text(int af, const void *a, char *buf, size_t len)
{
	inet_ntop(af, a, buf, len);
}

/* pin [ipv4 A] [ipv6 B] [ports LO-HI] [strict] [bind-only] */
static int parse_pin(struct apply *A, struct block *b, const char *where, int n, char **tok)
{
	const char *ip4 = NULL, *ip6 = NULL, *ports = NULL;
	bool strict = false, bind_only = false;
	struct pin_cfg cfg;
	char a4[INET6_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	struct want *w;
	int i, k, ret = 0;

	for (i = 1; i < n; i++) {
		const char **slot = !strcmp(tok[i], "ipv4") ? &ip4 : !strcmp(tok[i], "ipv6") ? &ip6 :
				    !strcmp(tok[i], "ports") ? &ports : NULL;

		if (slot) {
			if (i + 1 >= n)
				return usage_err("pin: %s needs a value", tok[i]);
			if (*slot)
				return usage_err("pin: %s given twice", tok[i]);
			*slot = tok[++i];
		} else if (!strcmp(tok[i], "strict")) {
			strict = true;
		} else if (!strcmp(tok[i], "bind-only")) {
			bind_only = true;
		} else {
			return usage_err("pin: unexpected '%s' (pin [ipv4 ADDR] [ipv6 ADDR] "
					 "[ports LO-HI] [strict] [bind-only])", tok[i]);
		}
	}
	if (!ip4 && !ip6)
		return usage_err("pin: give the address to pin to: ipv4 ADDR and/or ipv6 ADDR");
	memset(&cfg, 0, sizeof(cfg));
	if (ip4 && pin_parse_ip4("pin: ipv4", "ipv6", ip4, cfg.ip4))
		return -EINVAL;
	if (ip6 && pin_parse_ip6("pin: ipv6", "ipv4", ip6, cfg.ip6))
		return -EINVAL;
	if (ports && pin_parse_ports("pin: ports", ports, &cfg))
		return -EINVAL;
	cfg.has4 = ip4 != NULL;
	cfg.has6 = ip6 != NULL;
	cfg.strict = strict;
	if (b->bad)
		return 0;
	b = b->first;
	if (b->pin_where)
		return usage_err("pin: cgroup '%s' is pinned already at %s", b->arg, b->pin_where);
	b->pin_where = strdup(where);
	if (!b->pin_where) {
		err("out of memory");
		return -ENOMEM;
	}
	addr_text(AF_INET, cfg.ip4, a4, sizeof(a4));
	addr_text(AF_INET6, cfg.ip6, a6, sizeof(a6));
	snprintf(b->pin_desc, sizeof(b->pin_desc), "%s%s%s", ip4 ? a4 : "",
		 ip4 && ip6 ? " and " : "", ip6 ? a6 : "");
	b->pin_bind_only = bind_only;
	for (k = 0; k < PIN_NKINDS && !ret; k++) {
		if (!pin_wanted(&cfg, bind_only, k))
			continue;
		w = want_new(A, b, where, K_PIN);
		if (!w)
			return -ENOMEM;
		w->type = pin_kind_attach(k);
		w->flags = BPF_F_ALLOW_MULTI;
		ret = pin_build_spec(&cfg, k, &w->spec);
		w->fp = fingerprint(w);
	}
	return ret;
}

/* program OBJ [func NAME] [section SEC] [type TYPE] attach TYPE [multi | override] */
static int parse_program(struct apply *A, struct block *b, const char *file, const char *where,
			 int n, char **tok)
{
	const struct attach_type *attach = NULL;
	struct prog_spec *specs = NULL;
	struct load_opts o;
	char *path = NULL, *dir = NULL;
	uint32_t flags = 0, cnt = 0, i;
	struct obj *obj;
	struct want *w;
	int ret;

	memset(&o, 0, sizeof(o));
	if (n < 2 || !strcmp(tok[1], "attach"))
		return usage_err("program: which object?  program OBJ.o [func NAME] [section SEC] "
				 "[type TYPE] attach TYPE [multi | override]");
	for (i = 2; i < (uint32_t)n; i++) {
		const char **slot = !strcmp(tok[i], "func") ? &o.func :
				    !strcmp(tok[i], "section") ? &o.section : NULL;

		if (!strcmp(tok[i], "multi") || !strcmp(tok[i], "override")) {
			if (flags)
				return usage_err("program: give one of multi and override");
			flags = tok[i][0] == 'm' ? BPF_F_ALLOW_MULTI : BPF_F_ALLOW_OVERRIDE;
			continue;
		}
		if (!slot && strcmp(tok[i], "type") && strcmp(tok[i], "attach"))
			return usage_err("program: unexpected '%s' (program OBJ.o [func NAME] "
					 "[section SEC] [type TYPE] attach TYPE [multi | override])",
					 tok[i]);
		if (i + 1 >= (uint32_t)n)
			return usage_err("program: %s needs a value", tok[i]);
		if (slot) {
			if (*slot)
				return usage_err("program: %s given twice", tok[i]);
			*slot = tok[++i];
		} else if (!strcmp(tok[i], "type")) {
			if (o.type)
				return usage_err("program: type given twice");
			o.type = type_by_name(tok[++i]);
			if (!o.type)
				return usage_err("program: unknown type '%s'; one of: %s", tok[i],
						 type_name_list());
		} else {
			if (attach)
				return usage_err("program: attach given twice");
			attach = type_by_name(tok[++i]);
			if (!attach)
				return usage_err("program: unknown attach type '%s'; one of: %s",
						 tok[i], type_name_list());
		}
	}
	if (!attach)
		return usage_err("program: 'attach TYPE' is missing (the hook to attach to: %s)",
				 type_name_list());
	if (o.type && o.type != attach)
		return usage_err("program: type %s and attach %s differ: a program attaches to "
				 "its own type", o.type->name, attach->name);
	if (tok[1][0] != '/') {
		dir = strdup(file);
		if (!dir || asprintf(&path, "%s/%s", dirname(dir), tok[1]) < 0) {
			free(dir);
			err("out of memory");
			return -ENOMEM;
		}
		free(dir);
	} else {
		path = strdup(tok[1]);
		if (!path) {
			err("out of memory");
			return -ENOMEM;
		}
	}
	ret = obj_open(path, &obj);
	if (ret)
		goto out;
	ret = obj_build_progs(obj, &o, &specs, &cnt);
	obj_close(obj);
	if (ret)
		goto out;
	if (cnt != 1) {
		char list[256] = "";
		size_t off = 0;

		for (i = 0; i < cnt && off < sizeof(list); i++)
			off += snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					specs[i].name);
		ret = usage_err("program: %s has %u programs (%s): choose one with func NAME",
				tok[1], cnt, list);
		goto out;
	}
	if (specs[0].attach_type != attach->attach) {
		ret = usage_err("program: %s of %s is a %s program: it cannot attach to %s "
				"(add 'type %s' to load it as one)", specs[0].name, tok[1],
				type_str(specs[0].attach_type), attach->name, attach->name);
		goto out;
	}
	if (b->bad)
		goto out;
	w = want_new(A, b, where, K_PROG);
	if (!w) {
		ret = -ENOMEM;
		goto out;
	}
	w->spec = specs[0];
	memset(&specs[0], 0, sizeof(specs[0]));
	w->object = path;
	path = NULL;
	w->type = attach->attach;
	w->flags = flags;
	w->fp = fingerprint(w);
out:
	for (i = 0; i < cnt; i++)
		spec_free(&specs[i]);
	free(specs);
	free(path);
	return ret;
}

/* Splits @line at blanks, up to a '#' that starts a word; the count, or -1 if too many. */
static int tokenize(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static void parse_file(struct apply *A, const char *file)
{
	char *line = NULL, *tok[MAX_TOKENS], where[4200];
	struct block *cur = NULL;
	size_t cap = 0;
	int lineno = 0, n;
	FILE *f;

	f = fopen(file, "re");
	if (!f) {
		err("%s: %s", file, strerror(errno));
		A->errors++;
		return;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", file, lineno);
		err_context = where;
		n = tokenize(line, tok);
		if (n < 0) {
			usage_err("more than %d words on one line", MAX_TOKENS);
			A->errors++;
		} else if (n && tok[0][0] == '[') {
			size_t len = strlen(tok[0]);

			if (n > 1 || len < 2 || tok[0][len - 1] != ']') {
				usage_err("a cgroup header is [CGROUP], one path without blanks");
				A->errors++;
				cur = NULL;
				continue;
			}
			tok[0][len - 1] = '\0';
			if (parse_header(A, where, tok[0] + 1, &cur))
				A->errors++;
		} else if (n && strcmp(tok[0], "pin") && strcmp(tok[0], "program")) {
			usage_err("unknown statement '%s' (pin or program, or a [CGROUP] header)",
				  tok[0]);
			A->errors++;
		} else if (n && !cur) {
			usage_err("'%s' before any [CGROUP] header: which cgroup?", tok[0]);
			A->errors++;
		} else if (n && !strcmp(tok[0], "pin")) {
			if (parse_pin(A, cur, where, n, tok))
				A->errors++;
		} else if (n) {
			if (parse_program(A, cur, file, where, n, tok))
				A->errors++;
		}
	}
	err_context = NULL;
	if (ferror(f)) {
		err("%s: %s", file, strerror(errno));
		A->errors++;
	}
	free(line);
	fclose(f);
}

static int conf_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 && !strcmp(d->d_name + len - 5, ".conf");
}

/* A FILE, or the *.conf files of a DIR in name order. */
static void parse_arg(struct apply *A, const char *arg, bool dflt)
{
	struct dirent **list;
	struct stat st;
	char *path;
	int n, i;

	if (stat(arg, &st)) {
		if (dflt && errno == ENOENT)
			return;		/* no configuration: nothing configured */
		err("%s: %s", arg, strerror(errno));
		A->errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		parse_file(A, arg);
		return;
	}
	n = scandir(arg, &list, conf_filter, alphasort);
	if (n < 0) {
		err("%s: %s", arg, strerror(errno));
		A->errors++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/",
			     list[i]->d_name) < 0) {
			err("out of memory");
			A->errors++;
		} else {
			if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
				err("%s: a directory, not a configuration file", path);
				A->errors++;
			} else {
				parse_file(A, path);
			}
			free(path);
		}
		free(list[i]);
	}
	free(list);
}

/* Conflicts between statements: what the module would refuse anyway. */
static void check_conflicts(struct apply *A)
{
	uint32_t i, j;

	for (j = 0; j < A->nwants; j++) {
		struct want *b = A->wants[j];

		for (i = 0; i < j; i++) {
			struct want *a = A->wants[i];

			if (a->blk != b->blk || a->type != b->type)
				continue;
			err_context = b->where;
			if (a->flags != b->flags)
				err("%s %s is attached with %s at %s, here with %s: the programs of a "
				    "cgroup and type share their flags", b->blk->arg, type_str(b->type),
				    attach_flags_str(a->flags), a->where, attach_flags_str(b->flags));
			else if (!(b->flags & BPF_F_ALLOW_MULTI))
				err("%s %s has a program already (%s): without multi a cgroup has one "
				    "program of a type", b->blk->arg, type_str(b->type), a->where);
			else if (a->fp == b->fp)
				err("%s %s: the same program is attached at %s already", b->blk->arg,
				    type_str(b->type), a->where);
			else
				continue;
			A->errors++;
			break;
		}
	}
	err_context = NULL;
}

/* ---- what is in force ------------------------------------------------------------------ */

static const struct query_item *item_at(const struct apply *A, uint64_t cgid, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < A->nitems; i++)
		if (A->items[i].cgroup_id == cgid && A->items[i].attach_type == type &&
		    !A->items[i].gone)
			return &A->items[i];
	return NULL;
}

static bool item_has(const struct query_item *it, uint32_t id)
{
	uint32_t i;

	for (i = 0; it && i < it->cnt; i++)
		if (it->ids[i] == id)
			return true;
	return false;
}

static const struct prog_info *prog_by_id(const struct apply *A, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < A->nprogs; i++)
		if (A->progs[i].id == id)
			return &A->progs[i];
	return NULL;
}

static struct have *have_find(const struct apply *A, uint64_t cgid, uint32_t type, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < A->nhaves; i++)
		if (A->haves[i]->cgid == cgid && A->haves[i]->type == type &&
		    A->haves[i]->id == id)
			return A->haves[i];
	return NULL;
}

static int have_add(struct apply *A, uint64_t cgid, const char *path, const struct query_item *it,
		    const struct prog_info *p, uint64_t fp, int kind)
{
	struct have *h = xcalloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->cgid = cgid;
	h->path = strdup(path);
	h->type = it->attach_type;
	h->flags = it->flags;
	h->id = p->id;
	h->attach_cnt = p->attach_cnt;
	h->load_time = p->load_time;
	h->fp = fp;
	h->kind = kind;
	snprintf(h->name, sizeof(h->name), "%s", p->name);
	if (!h->path || push(&A->haves, &A->nhaves, h)) {
		free(h->path);
		free(h);
		err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

/*
 * The state file: "CGROUP_ID TYPE PROG_ID LOAD_TIME FLAGS FINGERPRINT KIND
 * NAME CGROUP" lines.  A line counts only while its attachment is in force
 * with the program loaded at that time.
 */
static int state_load(struct apply *A)
{
	char *line = NULL, type[32], fp[32], kind[16], name[CGADDR_NAME_LEN];
	unsigned long long cgid, lt, fpv;
	unsigned int id, flags;
	const struct attach_type *t;
	const struct query_item *it;
	const struct prog_info *p;
	size_t cap = 0;
	int lineno = 0, pos, ret = 0;
	FILE *f;

	f = fopen(A->state_path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		err("%s: %s", A->state_path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		pos = 0;
		if (sscanf(line, "%llu %31s %u %llu %u %31s %15s %15s %n", &cgid, type, &id, &lt,
			   &flags, fp, kind, name, &pos) < 8 || !pos || !line[pos] ||
		    !(t = type_by_name(type)) || sscanf(fp, "%llx", &fpv) != 1 ||
		    (strcmp(kind, "pin") && strcmp(kind, "program"))) {
			err("%s:%d: not a line of apply's state; ignored", A->state_path, lineno);
			continue;
		}
		it = item_at(A, cgid, t->attach);
		p = prog_by_id(A, id);
		if (!item_has(it, id) || !p || p->load_time != lt || have_find(A, cgid, t->attach, id))
			continue;	/* not in force any more: not apply's to change */
		ret = have_add(A, cgid, line + pos, it, p, fpv, kind[1] == 'i' ? K_PIN : K_PROG);
		if (ret)
			break;
	}
	free(line);
	fclose(f);
	return ret;
}

/* The pin programs of the cgroups the files pin: the files give their pin. */
static int take_over_pins(struct apply *A)
{
	uint32_t b, i, j;
	int k, ret;

	for (b = 0; b < A->nblocks; b++) {
		struct block *blk = A->blocks[b];

		if (blk->bad || blk->first != blk || !blk->pin_where)
			continue;
		for (i = 0; i < A->nitems; i++) {
			const struct query_item *it = &A->items[i];

			if (it->cgroup_id != blk->ref.id || it->gone)
				continue;
			for (j = 0; j < it->cnt; j++) {
				const struct prog_info *p = prog_by_id(A, it->ids[j]);

				k = pin_kind_by_name(p ? p->name : "?");
				if (k < 0 || pin_kind_attach(k) != it->attach_type ||
				    have_find(A, it->cgroup_id, it->attach_type, it->ids[j]))
					continue;
				ret = have_add(A, it->cgroup_id, blk->arg, it, p, 0, K_PIN);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/* Every type to attach must be hooked by the module. */
static int check_types(struct apply *A)
{
	uint32_t types[64], n, i, j;
	char missing[200];
	size_t off = 0;
	int ret;

	ret = module_attach_types(A->nl, types, ARRAY_SIZE(types), &n);
	if (ret)
		return ret;
	for (i = 0; i < A->nwants; i++) {
		struct want *w = A->wants[i];
		bool last = i + 1 == A->nwants || strcmp(A->wants[i + 1]->where, w->where);

		for (j = 0; j < n && types[j] != w->type; j++)
			;
		if (j == n && !kept(w) && off < sizeof(missing))
			off += snprintf(missing + off, sizeof(missing) - off, "%s%s", off ? ", " : "",
					type_str(w->type));
		if (!last || !off)
			continue;
		err_context = w->where;
		err("the loaded cgaddr module does not hook %s (cgaddr info lists what it hooks)%s",
		    missing, w->kind == K_PIN && !w->blk->pin_bind_only &&
		    w->type != BPF_CGROUP_INET4_BIND && w->type != BPF_CGROUP_INET6_BIND ?
		    "; 'bind-only' pins servers only" : "");
		err_context = NULL;
		A->errors++;
		off = 0;
	}
	return 0;
}

static void plan(struct apply *A)
{
	uint32_t i, j;

	for (i = 0; i < A->nwants; i++) {
		struct want *w = A->wants[i];

		if (w->blk->rule_only)
			continue;	/* no cgroup now: the rule's (plan_rules) */
		for (j = 0; j < A->nhaves && !w->keep; j++) {
			struct have *h = A->haves[j];

			if (h->fate != H_NONE || h->cgid != w->blk->ref.id || h->type != w->type)
				continue;
			/* The same statement, or the program its rule attached. */
			if ((h->kind == w->kind && h->fp == w->fp && h->flags == w->flags) ||
			    (w->rule_keep_id && h->id == w->rule_keep_id)) {
				w->keep = h;
				h->fate = H_KEEP;
			}
		}
	}
	for (i = 0; i < A->nwants; i++) {
		struct want *w = A->wants[i];
		const struct query_item *it;

		if (w->blk->rule_only || kept(w))
			continue;
		for (j = 0; j < A->nhaves && !w->old; j++) {
			struct have *h = A->haves[j];

			if (h->fate != H_NONE || h->cgid != w->blk->ref.id || h->type != w->type ||
			    h->kind != w->kind)
				continue;
			if ((w->flags & BPF_F_ALLOW_MULTI) ? (h->flags & BPF_F_ALLOW_MULTI) &&
			    (w->kind == K_PIN || !strcmp(h->name, w->spec.name)) :
			    h->flags == w->flags) {
				w->old = h;
				h->fate = H_REPLACED;
			}
		}
		if (w->keep || w->old || (w->flags & BPF_F_ALLOW_MULTI))
			continue;
		it = item_at(A, w->blk->ref.id, w->type);
		if (it && it->cnt && !(it->flags & BPF_F_ALLOW_MULTI) &&
		    !have_find(A, it->cgroup_id, it->attach_type, it->ids[0])) {
			w->foreign = it->ids[0];
			w->foreign_flags = it->flags;
		}
	}
	for (j = 0; j < A->nhaves; j++)
		if (A->haves[j]->fate == H_NONE)
			A->haves[j]->fate = H_STALE;
}

/* ---- rules ---------------------------------------------------------------------------------- */

/*
 * Every cgroup or pattern of the files is also a rule named
 * "apply:FINGERPRINT" (include/uapi/cgaddr.h, "Rules"), so the policy
 * follows cgroups made later: a unit that has not started yet, or one
 * restarted (its cgroup made anew).  For a cgroup that exists, apply
 * attaches in place first (above) and the rule takes those attachments
 * over; for a pattern or a cgroup that does not exist now, the rule does
 * it all.  The fingerprint (of the block's statements) tells an unchanged
 * rule from a changed one.
 */
#define APPLY_RULE	"apply:"

static void rule_name(const struct apply *A, const struct block *b, char *name)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;

	for (i = 0; i < A->nwants; i++)
		if (A->wants[i]->blk == b)
			h = fnv(h, &A->wants[i]->fp, sizeof(A->wants[i]->fp));
	snprintf(name, CGADDR_NAME_LEN, APPLY_RULE "%08x", (unsigned int)(h ^ (h >> 32)));
}

/* The rule's entries for block @b: its statements' programs, in order. */
static uint32_t block_entries(const struct apply *A, const struct block *b, struct rule_prog *e)
{
	uint32_t i, n = 0;

	for (i = 0; i < A->nwants && n < CGADDR_MAX_RULE_PROGS; i++) {
		const struct want *w = A->wants[i];

		if (w->blk != b)
			continue;
		e[n].attach_type = w->type;
		e[n].id = want_id(w);
		e[n].flags = w->flags;
		n++;
	}
	return n;
}

static uint32_t block_nwants(const struct apply *A, const struct block *b)
{
	uint32_t i, n = 0;

	for (i = 0; i < A->nwants; i++)
		n += A->wants[i]->blk == b;
	return n;
}

/* apply's rule for @pattern (its index), or -1. */
static int apply_rule_for(const struct apply *A, const char *pattern)
{
	uint32_t i;

	for (i = 0; i < A->nrules; i++)
		if (!strncmp(A->rules[i].name, APPLY_RULE, strlen(APPLY_RULE)) &&
		    !strcmp(A->rules[i].pattern, pattern))
			return i;
	return -1;
}

/* Whether program @id is attached to cgroup @cgid as a @type. */
static bool attached_in(const struct apply *A, uint64_t cgid, uint32_t type, uint32_t id)
{
	const struct query_item *it = item_at(A, cgid, type);
	uint32_t k;

	for (k = 0; it && k < it->cnt; k++)
		if (it->ids[k] == id)
			return true;
	return false;
}

/*
 * Blocks whose rule is in force as written are unchanged, with nothing to
 * load: a pattern's or a cgroup's that does not exist now, and a cgroup's
 * that has the rule's programs (the rule attached them when the cgroup
 * was made, after the last run).  Before plan(), which leaves them be.
 */
static void plan_rules(struct apply *A)
{
	char name[CGADDR_NAME_LEN];
	uint32_t i, j, k;
	int r;

	for (i = 0; i < A->nblocks; i++) {
		struct block *b = A->blocks[i];

		if (b->bad || b->first != b)
			continue;
		r = apply_rule_for(A, b->pattern);
		if (r < 0 || !block_nwants(A, b))
			continue;	/* a block without statements has no rule */
		A->rule_used[r] = true;
		rule_name(A, b, name);
		if (A->rules[r].nprogs != block_nwants(A, b))
			continue;
		if (!b->rule_only) {
			if (strcmp(A->rules[r].name, name))
				continue;	/* changed: plan() finds what it replaces */
			for (j = 0, k = 0; j < A->nwants; j++)
				if (A->wants[j]->blk == b &&
				    !attached_in(A, b->ref.id, A->wants[j]->type, A->rules[r].progs[k++].id))
					break;
			if (j < A->nwants)
				continue;
		}
		/* Same statements: kept; changed: each replaces its position's. */
		for (j = 0, k = 0; j < A->nwants; j++) {
			struct want *w = A->wants[j];

			if (w->blk != b)
				continue;
			if (!strcmp(A->rules[r].name, name))
				w->rule_keep_id = A->rules[r].progs[k].id;
			else if (A->rules[r].progs[k].attach_type == w->type &&
				 A->rules[r].progs[k].flags == w->flags)
				w->rule_old_id = A->rules[r].progs[k].id;
			k++;
		}
	}
}

static bool same_entries(const struct rule_info *r, const struct rule_prog *e, uint32_t n,
			 bool ids)
{
	uint32_t i;

	if (r->nprogs != n)
		return false;
	for (i = 0; i < n; i++)
		if (r->progs[i].attach_type != e[i].attach_type || r->progs[i].flags != e[i].flags ||
		    (ids && r->progs[i].id != e[i].id))
			return false;
	return true;
}

static int rop_push(struct apply *A, uint32_t added, const struct rule_info *replaced,
		    const struct rule_info *old)
{
	struct rule_op *o = realloc(A->rops, (A->nrops + 1) * sizeof(*o));

	if (!o) {
		err("out of memory");
		return -ENOMEM;
	}
	A->rops = o;
	o[A->nrops].added = added;
	o[A->nrops].replaced = replaced;
	o[A->nrops].old = old;
	A->nrops++;
	return 0;
}

/* Make each block's rule; what goes is removed later (rules_finish). */
static int rules_sync(struct apply *A)
{
	struct rule_prog e[CGADDR_MAX_RULE_PROGS];
	char name[CGADDR_NAME_LEN], what[200];
	const struct rule_info *old;
	uint32_t i, n, id;
	int r, ret = 0;

	for (i = 0; i < A->nblocks && !ret; i++) {
		struct block *b = A->blocks[i];

		if (b->bad || b->first != b)
			continue;
		n = block_entries(A, b, e);
		if (!n)
			continue;
		rule_name(A, b, name);
		r = apply_rule_for(A, b->pattern);
		old = r >= 0 ? &A->rules[r] : NULL;
		if (old && !strcmp(old->name, name) && same_entries(old, e, n, true))
			continue;
		if (old && same_entries(old, e, n, false)) {
			snprintf(what, sizeof(what), "apply: %s: replacing the rule's programs", b->where);
			ret = rule_replace(A->nl, old->id, name, e, n, what);
			if (!ret)
				ret = rop_push(A, 0, old, NULL);
		} else {
			snprintf(what, sizeof(what), "apply: %s: making the rule for %s", b->where,
				 b->pattern);
			ret = rule_add(A->nl, b->pattern, name, e, n, &id, what);
			if (!ret)
				ret = rop_push(A, id, NULL, old);
		}
	}
	return ret;
}

static void rules_undo(struct apply *A)
{
	while (A->nrops) {
		const struct rule_op *o = &A->rops[--A->nrops];

		if (o->added)
			rule_del(A->nl, o->added, "apply: undoing: removing a rule");
		else
			rule_replace(A->nl, o->replaced->id, o->replaced->name, o->replaced->progs,
				     o->replaced->nprogs, "apply: undoing: putting a rule back");
	}
}

/* Whether program @id goes: replaced or detached by this run. */
static bool goes(const struct apply *A, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < A->nhaves; i++)
		if (A->haves[i]->id == id &&
		    (A->haves[i]->fate == H_REPLACED || A->haves[i]->fate == H_STALE))
			return true;
	return false;
}

/* Delete those programs of (old) rule @r nothing else deletes or uses. */
static void rule_progs_drop(struct apply *A, const struct rule_info *r)
{
	uint32_t k, j;

	for (k = 0; k < r->nprogs; k++) {
		bool used = goes(A, r->progs[k].id);

		for (j = 0; j < A->nwants && !used; j++)
			used = want_id(A->wants[j]) == r->progs[k].id;
		if (!used)
			prog_delete(A->nl, r->progs[k].id, "apply: deleting a rule's program");
	}
}

/* Delete rule @r and those of its programs nothing else deletes or uses. */
static void rule_drop(struct apply *A, const struct rule_info *r, const char *what)
{
	if (!rule_del(A->nl, r->id, what))
		rule_progs_drop(A, r);
}

/*
 * The new policy is in force: the rules replaced by new ones, those of
 * cgroups the files no longer name, and 'cgaddr pin' rules of patterns the
 * files pin (the files give their pin) go.
 */
static void rules_finish(struct apply *A)
{
	uint32_t i, j;

	for (i = 0; i < A->nrops; i++) {
		if (A->rops[i].old)
			rule_drop(A, A->rops[i].old, "apply: removing the old rule");
		else if (A->rops[i].replaced)
			rule_progs_drop(A, A->rops[i].replaced);
	}
	for (i = 0; i < A->nrules; i++) {
		const struct rule_info *r = &A->rules[i];
		bool pinned = false;

		for (j = 0; j < A->nblocks && !pinned; j++)
			pinned = !A->blocks[j]->bad && A->blocks[j]->first == A->blocks[j] &&
				 A->blocks[j]->rule_only && A->blocks[j]->pin_where &&
				 !strcmp(A->blocks[j]->pattern, r->pattern);
		if (!strncmp(r->name, APPLY_RULE, strlen(APPLY_RULE)) && !A->rule_used[i])
			rule_drop(A, r, "apply: removing a rule the files no longer have");
		else if (!strcmp(r->name, "pin") && pinned)
			rule_drop(A, r, "apply: removing a pin rule the files take over");
	}
}

/* ---- changing it ---------------------------------------------------------------------------- */

static void have_ref(const struct have *h, struct cgroup_ref *ref)
{
	ref->fd = -1;
	ref->id = h->cgid;
	ref->path = h->path;
}

static int journal(struct apply *A, struct want *w, struct have *h)
{
	void *j = realloc(A->journal, (A->njournal + 1) * sizeof(*A->journal));

	if (!j) {
		err("out of memory");
		return -ENOMEM;
	}
	A->journal = j;
	A->journal[A->njournal].w = w;
	A->journal[A->njournal].h = h;
	A->njournal++;
	return 0;
}

static int attach_want(struct apply *A, struct want *w)
{
	uint32_t flags = w->flags, replace = 0;
	char what[200];
	int ret;

	if (w->old && (w->flags & BPF_F_ALLOW_MULTI)) {
		flags |= BPF_F_REPLACE;
		replace = w->old->id;
	}
	snprintf(what, sizeof(what), "apply: %s: attaching %s to %s %s", w->where, w->spec.name,
		 w->blk->arg, type_str(w->type));
	ret = cgroup_attach_prog(A->nl, &w->blk->ref, w->type, w->new_id, flags, replace, what);
	if (ret)
		return ret;
	w->attached = true;
	return journal(A, w, NULL);
}

static int detach_have(struct apply *A, struct have *h)
{
	struct cgroup_ref ref;
	char what[200];
	int ret;

	have_ref(h, &ref);
	snprintf(what, sizeof(what), "apply: detaching %s (id %u) from %s %s", h->name, h->id,
		 h->path, type_str(h->type));
	ret = cgroup_detach_prog(A->nl, &ref, h->type, h->id, what);
	if (ret)
		return ret;
	h->detached = true;
	return journal(A, NULL, h);
}

static void undo(struct apply *A)
{
	struct cgroup_ref ref;
	uint32_t i;

	while (A->njournal) {
		struct want *w = A->journal[--A->njournal].w;
		struct have *h = A->journal[A->njournal].h;

		if (h) {
			have_ref(h, &ref);
			cgroup_attach_prog(A->nl, &ref, h->type, h->id, h->flags, 0,
					   "apply: undoing: attaching back");
			h->detached = false;
		} else if (w->old && (w->flags & BPF_F_ALLOW_MULTI)) {
			cgroup_attach_prog(A->nl, &w->blk->ref, w->type, w->old->id,
					   w->flags | BPF_F_REPLACE, w->new_id,
					   "apply: undoing: putting the old program back");
		} else if (w->old || w->foreign) {
			cgroup_attach_prog(A->nl, &w->blk->ref, w->type,
					   w->old ? w->old->id : w->foreign,
					   w->old ? w->old->flags : w->foreign_flags, 0,
					   "apply: undoing: putting the old program back");
		} else {
			cgroup_detach_prog(A->nl, &w->blk->ref, w->type, w->new_id,
					   "apply: undoing: detaching");
		}
		if (w)
			w->attached = false;
	}
	for (i = 0; i < A->nwants; i++) {
		if (A->wants[i]->new_id)
			prog_delete(A->nl, A->wants[i]->new_id, "apply: undoing: deleting");
		A->wants[i]->new_id = 0;
	}
}


/*
 * Loads one program with the maps it uses: each program line gets maps of
 * its own, freed with the program (their handles are dropped at once).
 */
static int apply_load_one(struct nl *nl, struct prog_spec *spec, const char *what, uint32_t *id)
{
	uint32_t created[SPEC_MAX_MAPS], ncreated = 0;
	int ret;

	ret = maps_prepare(nl, spec, 1, NULL, 0, created, &ncreated);
	if (!ret)
		ret = prog_load_spec(nl, spec, what, id);
	while (ncreated--)
		map_drop(nl, created[ncreated], "apply: releasing a map's handle");
	return ret;
}

/*
 * A pin rule (cgaddr pin) whose programs this run replaced or detached,
 * every one of them, was taken over by the files: it goes, so that its
 * programs can be deleted.
 */
static void drop_taken_rules(struct apply *A)
{
	struct rule_info *rules;
	uint32_t n, i, k;

	if (rule_get_all(A->nl, &rules, &n))
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(rules[i].name, "pin"))
			continue;
		for (k = 0; k < rules[i].nprogs && goes(A, rules[i].progs[k].id); k++)
			;
		if (k == rules[i].nprogs)
			rule_del(A->nl, rules[i].id, "apply: removing a pin rule it took over");
	}
	rule_free_all(rules, n);
}

static int execute(struct apply *A)
{
	char what[200];
	uint32_t i;
	int ret = 0;

	for (i = 0; i < A->nwants && !ret; i++) {
		struct want *w = A->wants[i];

		if (kept(w))
			continue;
		snprintf(what, sizeof(what), "apply: %s: loading %s", w->where, w->spec.name);
		ret = apply_load_one(A->nl, &w->spec, what, &w->new_id);
	}
	/* Changed programs in their place, then away with the old, then the new. */
	for (i = 0; i < A->nwants && !ret; i++)
		if (A->wants[i]->old)
			ret = attach_want(A, A->wants[i]);
	for (i = 0; i < A->nhaves && !ret; i++)
		if (A->haves[i]->fate == H_STALE)
			ret = detach_have(A, A->haves[i]);
	for (i = 0; i < A->nwants && !ret; i++)
		if (!kept(A->wants[i]) && !A->wants[i]->old && !A->wants[i]->blk->rule_only)
			ret = attach_want(A, A->wants[i]);
	if (!ret)
		ret = rules_sync(A);
	if (ret) {
		rules_undo(A);
		undo(A);
		err("apply: undone: the policy in force is what it was before this run");
		return ret;
	}
	/* In force: delete what was replaced or detached, unless attached elsewhere too. */
	rules_finish(A);
	drop_taken_rules(A);
	for (i = 0; i < A->nhaves; i++) {
		struct have *h = A->haves[i];

		if ((h->fate == H_REPLACED || h->fate == H_STALE) && h->attach_cnt <= 1)
			prog_delete(A->nl, h->id, "apply: deleting a replaced program");
	}
	return 0;
}

static int state_save(struct apply *A)
{
	char *tmp = NULL;
	uint32_t i;
	FILE *f;
	int ret;

	free(A->progs);
	A->progs = NULL;
	A->nprogs = 0;
	ret = prog_get_all(A->nl, &A->progs, &A->nprogs);
	if (ret)
		return ret;
	if (asprintf(&tmp, "%s.tmp", A->state_path) < 0) {
		err("out of memory");
		return -ENOMEM;
	}
	f = fopen(tmp, "we");
	if (!f)
		goto fail;
	fprintf(f, "# What cgaddr apply attached (see cgaddr apply --help); do not edit.\n"
		"# CGROUP_ID TYPE PROG_ID LOAD_TIME FLAGS FINGERPRINT KIND NAME CGROUP\n");
	for (i = 0; i < A->nwants; i++) {
		const struct want *w = A->wants[i];
		uint32_t id = want_id(w);
		const struct prog_info *p = prog_by_id(A, id);

		if (w->blk->rule_only)
			continue;	/* the rule itself records it */
		fprintf(f, "%llu %s %u %llu %u %016llx %s %s %s\n",
			(unsigned long long)w->blk->ref.id, type_str(w->type), id,
			(unsigned long long)(p ? p->load_time : 0), w->flags,
			(unsigned long long)w->fp, w->kind == K_PIN ? "pin" : "program",
			w->spec.name[0] ? w->spec.name : "-", w->blk->arg);
	}
	if (fclose(f))
		goto fail;
	if (rename(tmp, A->state_path))
		goto fail;
	free(tmp);
	return 0;
fail:
	ret = -errno;
	err("apply: writing %s: %s (the policy is in force, but the next apply will not know "
	    "what this one attached)", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	return ret;
}

/* ---- saying what changed -------------------------------------------------------------------- */

static const char *flags_suffix(uint32_t flags)
{
	static char buf[24];

	if (!flags)
		return "";
	snprintf(buf, sizeof(buf), " %s", attach_flags_str(flags));
	return buf;
}

static void json_id_or_null(const char *key, uint32_t id)
{
	json_key(key);
	if (id)
		json_uint(id);
	else
		json_null();
}

/* The replaced program's id, if any. */
static uint32_t replaced_id(const struct want *w)
{
	return w->old ? w->old->id : w->foreign ? w->foreign : w->rule_old_id;
}

static void json_want_prog(const struct want *w)
{
	json_begin_object();
	json_kv_string("name", w->spec.name);
	json_kv_string("type", type_str(w->type));
	json_kv_string("flags", attach_flags_str(w->flags));
	json_id_or_null("id", want_id(w));
	json_id_or_null("replaced", kept(w) ? 0 : replaced_id(w));
	if (w->object)
		json_kv_string("object", w->object);
	json_end_object();
}

static void json_have_prog(const struct have *h)
{
	json_begin_object();
	json_kv_string("name", h->name);
	json_kv_string("type", type_str(h->type));
	json_kv_string("flags", attach_flags_str(h->flags));
	json_kv_uint("id", h->id);
	json_end_object();
}

static void json_action(const char *action, const char *what, const char *cgroup,
			const char *source)
{
	json_begin_object();
	json_kv_string("action", action);
	json_kv_string("what", what);
	json_kv_string("cgroup", cgroup);
	json_key("source");
	if (source)
		json_string(source);
	else
		json_null();
}

/* One program of a pin, in the text form: "pin_bind4 id 3 replacing id 1". */
static void text_pin_prog(const struct want *w, bool first)
{
	uint32_t id = want_id(w);

	printf("%s%s", first ? "" : ", ", w->spec.name);
	if (id)
		printf(" id %u", id);
	if (!kept(w) && replaced_id(w))
		printf(" replacing id %u", replaced_id(w));
}

static void report_pin(struct apply *A, struct block *b)
{
	bool changed = false, first = true;
	uint32_t i;

	for (i = 0; i < A->nwants; i++)
		if (A->wants[i]->blk == b && A->wants[i]->kind == K_PIN && !kept(A->wants[i]))
			changed = true;
	if (changed)
		A->changes++;
	else
		A->unchanged++;
	if (opt_json) {
		json_action(changed ? "pin" : "unchanged", "pin", b->arg, b->pin_where);
		json_kv_string("pinned_to", b->pin_desc);
		json_key("programs");
		json_begin_array();
		for (i = 0; i < A->nwants; i++)
			if (A->wants[i]->blk == b && A->wants[i]->kind == K_PIN)
				json_want_prog(A->wants[i]);
		json_end_array();
		json_end_object();
		return;
	}
	if (!changed)
		printf("unchanged: %s pinned to %s (", b->arg, b->pin_desc);
	else
		printf("%s %s to %s (", opt_dry_run ? "would pin" : "pinned", b->arg, b->pin_desc);
	for (i = 0; i < A->nwants; i++) {
		if (A->wants[i]->blk == b && A->wants[i]->kind == K_PIN) {
			text_pin_prog(A->wants[i], first);
			first = false;
		}
	}
	printf(")\n");
}

static void report_prog(struct apply *A, const struct want *w)
{
	const char *verb = kept(w) ? "unchanged" : "attach";
	uint32_t id = want_id(w);

	if (kept(w))
		A->unchanged++;
	else
		A->changes++;
	if (opt_json) {
		json_action(verb, "program", w->blk->arg, w->where);
		json_key("programs");
		json_begin_array();
		json_want_prog(w);
		json_end_array();
		json_end_object();
		return;
	}
	if (kept(w))
		printf("unchanged: %s on %s %s%s (id %u)\n", w->spec.name, w->blk->arg,
		       type_str(w->type), flags_suffix(w->flags), id);
	else
		printf("%s %s to %s %s%s", opt_dry_run ? "would attach" : "attached", w->spec.name,
		       w->blk->arg, type_str(w->type), flags_suffix(w->flags));
	if (kept(w))
		return;
	if (id && replaced_id(w))
		printf(" (id %u, replacing id %u%s)", id, replaced_id(w),
		       w->foreign ? ", not attached by apply" : "");
	else if (id)
		printf(" (id %u)", id);
	else if (replaced_id(w))
		printf(" (replacing id %u%s)", replaced_id(w),
		       w->foreign ? ", not attached by apply" : "");
	printf("\n");
}

/* The stale attachments of cgroup @cgid: "unpinned" for a whole pin, else "detached". */
static void report_stale(struct apply *A, uint64_t cgid, bool pinned)
{
	bool first = true, any_pin = false;
	const char *path = NULL;
	uint32_t i;

	for (i = 0; i < A->nhaves; i++) {
		const struct have *h = A->haves[i];

		if (h->fate != H_STALE || h->cgid != cgid)
			continue;
		if (h->kind == K_PIN && !pinned) {
			any_pin = true;
			path = h->path;
			continue;
		}
		A->changes++;
		if (opt_json) {
			json_action("detach", h->kind == K_PIN ? "pin" : "program", h->path, NULL);
			json_key("programs");
			json_begin_array();
			json_have_prog(h);
			json_end_array();
			json_end_object();
		} else {
			printf("%s %s from %s %s%s (id %u)\n", opt_dry_run ? "would detach" : "detached",
			       h->name, h->path, type_str(h->type), flags_suffix(h->flags), h->id);
		}
	}
	if (!any_pin)
		return;
	A->changes++;
	if (opt_json) {
		json_action("unpin", "pin", path, NULL);
		json_key("programs");
		json_begin_array();
	} else {
		printf("%s %s (", opt_dry_run ? "would unpin" : "unpinned", path);
	}
	for (i = 0; i < A->nhaves; i++) {
		const struct have *h = A->haves[i];

		if (h->fate != H_STALE || h->cgid != cgid || h->kind != K_PIN)
			continue;
		if (opt_json)
			json_have_prog(h);
		else
			printf("%s%s id %u", first ? "" : ", ", h->name, h->id);
		first = false;
	}
	if (opt_json) {
		json_end_array();
		json_end_object();
	} else {
		printf(")\n");
	}
}

/* Whether one of @r's programs is a have this run detaches (reported as such). */
static bool rule_has_stale_have(const struct apply *A, const struct rule_info *r)
{
	uint32_t i, k;

	for (i = 0; i < A->nhaves; i++)
		for (k = 0; k < r->nprogs; k++)
			if (A->haves[i]->fate == H_STALE && A->haves[i]->id == r->progs[k].id)
				return true;
	return false;
}

/* Rules of cgroups and patterns the files no longer name. */
static void report_rules(struct apply *A)
{
	uint32_t i;

	for (i = 0; i < A->nrules; i++) {
		const struct rule_info *r = &A->rules[i];

		if (strncmp(r->name, APPLY_RULE, strlen(APPLY_RULE)) || A->rule_used[i] ||
		    rule_has_stale_have(A, r))
			continue;	/* a cgroup's detached programs say it already */
		A->changes++;
		if (opt_json) {
			json_action("remove", "rule", r->pattern, NULL);
			json_kv_uint("rule", r->id);
			json_end_object();
		} else {
			printf("%s the rule for %s (id %u)\n", opt_dry_run ? "would remove" : "removed",
			       r->pattern, r->id);
		}
	}
}

/* Whether the run changes (or, dry, would change) a statement of block @b. */
static bool block_changed(const struct apply *A, const struct block *b)
{
	uint32_t i;

	for (i = 0; i < A->nwants; i++)
		if (A->wants[i]->blk == b && !kept(A->wants[i]))
			return true;
	return false;
}

static void report(struct apply *A)
{
	uint32_t i, j;

	if (opt_json) {
		json_begin_object();
		json_kv_bool("dry_run", opt_dry_run);
		json_key("actions");
		json_begin_array();
	}
	for (i = 0; i < A->nblocks; i++) {
		struct block *b = A->blocks[i];

		if (b->bad || b->first != b)
			continue;
		if (b->pin_where)
			report_pin(A, b);
		for (j = 0; j < A->nwants; j++)
			if (A->wants[j]->blk == b && A->wants[j]->kind == K_PROG)
				report_prog(A, A->wants[j]);
		report_stale(A, b->ref.id, b->pin_where != NULL);
		if (b->rule_only && !opt_json && block_changed(A, b))
			printf("  (%s: in force in each such cgroup from the moment it is made)\n",
			       rule_is_glob(b->arg) ? "a pattern" : "no such cgroup now");
	}
	report_rules(A);
	/* Cgroups the files no longer name, in the order of the state file. */
	for (i = 0; i < A->nhaves; i++) {
		const struct have *h = A->haves[i];
		bool named = false, seen = false;

		for (j = 0; j < A->nblocks && !named; j++)
			named = !A->blocks[j]->bad && A->blocks[j]->ref.id == h->cgid;
		for (j = 0; j < i && !seen; j++)
			seen = A->haves[j]->cgid == h->cgid;
		if (!named && !seen)
			report_stale(A, h->cgid, false);
	}
	if (opt_json) {
		json_end_array();
		json_kv_uint("changed", A->changes);
		json_kv_uint("unchanged", A->unchanged);
		json_end_object();
		json_finish();
	} else if (opt_dry_run) {
		printf("apply --dry-run: %u to change, %u unchanged; nothing was changed\n",
		       A->changes, A->unchanged);
	} else if (A->changes) {
		printf("apply: %u changed, %u unchanged\n", A->changes, A->unchanged);
	} else {
		printf("apply: nothing to change (%u unchanged)\n", A->unchanged);
	}
}

/* ---- the command --------------------------------------------------------------------------- */

static void apply_free(struct apply *A)
{
	uint32_t i;

	for (i = 0; i < A->nwants; i++) {
		spec_free(&A->wants[i]->spec);
		free(A->wants[i]->where);
		free(A->wants[i]->object);
		free(A->wants[i]);
	}
	free(A->wants);
	for (i = 0; i < A->nblocks; i++) {
		cgroup_close(&A->blocks[i]->ref);
		free(A->blocks[i]->arg);
		free(A->blocks[i]->where);
		free(A->blocks[i]->pin_where);
		free(A->blocks[i]->pattern);
		free(A->blocks[i]);
	}
	free(A->blocks);
	for (i = 0; i < A->nhaves; i++) {
		free(A->haves[i]->path);
		free(A->haves[i]);
	}
	free(A->haves);
	free(A->journal);
	free(A->rops);
	free(A->rule_used);
	rule_free_all(A->rules, A->nrules);
	query_free(A->items, A->nitems);
	free(A->progs);
	nl_close(A->nl);
}

/* Serializes runs: an exclusive lock on STATE.lock (the directory is made). */
static int lock_state(const char *state, int *fd)
{
	char *dir, *lock = NULL;

	dir = strdup(state);
	if (!dir || asprintf(&lock, "%s.lock", state) < 0) {
		free(dir);
		err("out of memory");
		return -ENOMEM;
	}
	if (mkdir(dirname(dir), 0755) && errno != EEXIST)
		err("apply: creating %s: %s", dir, strerror(errno));
	free(dir);
	*fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0 || flock(*fd, LOCK_EX)) {
		err("apply: %s: %s", lock, strerror(errno));
		free(lock);
		return -errno;
	}
	free(lock);
	return 0;
}

int do_apply(int argc, char **argv)
{
	struct apply A;
	int i, nargs = 0, lock = -1, ret;

	if (opt_help || (argc == 1 && !strcmp(argv[0], "help"))) {
		fputs(apply_help, stdout);
		return 0;
	}
	memset(&A, 0, sizeof(A));
	A.state_path = APPLY_STATE;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--state") || !strncmp(argv[i], "--state=", 8)) {
			if (argv[i][7] == '=')
				A.state_path = argv[i] + 8;
			else if (i + 1 < argc)
				A.state_path = argv[++i];
			else
				return usage_err("apply: --state needs a file");
			if (!*A.state_path)
				return usage_err("apply: --state needs a file");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_err("apply: unknown option '%s'.  Usage: " APPLY_USAGE, argv[i]);
		} else {
			argv[nargs++] = argv[i];
		}
	}
	/* 1. The files, entirely, before anything else. */
	if (!nargs)
		parse_arg(&A, APPLY_DIR, true);
	for (i = 0; i < nargs; i++)
		parse_arg(&A, argv[i], false);
	check_conflicts(&A);
	if (A.errors) {
		err("apply: %d error%s in the configuration; nothing was changed", A.errors,
		    A.errors == 1 ? "" : "s");
		ret = -EINVAL;
		goto out;
	}
	/* 2. What is in force, and what of it is apply's. */
	if (!opt_dry_run) {
		ret = lock_state(A.state_path, &lock);
		if (ret)
			goto out;
	}
	ret = nl_open(&A.nl);
	if (!ret)
		ret = cgroup_query(A.nl, NULL, NULL, false, &A.items, &A.nitems);
	if (!ret)
		ret = prog_get_all(A.nl, &A.progs, &A.nprogs);
	if (!ret)
		ret = rule_get_all(A.nl, &A.rules, &A.nrules);
	if (!ret && !(A.rule_used = xcalloc(A.nrules, sizeof(*A.rule_used))))
		ret = -ENOMEM;
	if (!ret)
		ret = state_load(&A);
	if (!ret)
		ret = take_over_pins(&A);
	if (ret)
		goto out;
	plan_rules(&A);
	plan(&A);
	ret = check_types(&A);
	if (!ret && A.errors) {
		err("apply: nothing was changed");
		ret = -EOPNOTSUPP;
	}
	if (ret)
		goto out;
	/* 3. The changes. */
	if (!opt_dry_run)
		ret = execute(&A);
	if (!ret)
		report(&A);
	if (!ret && !opt_dry_run)
		ret = state_save(&A);
out:
	apply_free(&A);
	if (lock >= 0)
		close(lock);
	return ret;
}
