// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr pin / unpin / pin --show: generated programs (pin_progs.c)
 * loaded through the normal PROG_LOAD path and attached with multi.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgroup.h"
#include "cmd.h"
#include "info.h"
#include "json.h"
#include "nl.h"
#include "pin.h"
#include "pin_progs.h"
#include "prog.h"
#include "rule.h"
#include "run.h"
#include "spec.h"
#include "types.h"
#include "util.h"

#define PIN_USAGE \
	"cgaddr pin CGROUP [--ipv4 ADDR] [--ipv6 ADDR] [--ports LO-HI] [--strict]\n" \
	"                         [--bind-only] [--dry-run]\n" \
	"       cgaddr pin --show CGROUP\n"
#define UNPIN_USAGE "cgaddr unpin CGROUP\n"

static const char pin_help[] =
"Usage: " PIN_USAGE
"       " UNPIN_USAGE
"\n"
"pin makes every process of CGROUP and of its descendants use one address\n"
"per family, with generated programs (no compiler needed) attached with\n"
"'multi', so that other programs of the cgroup keep running.  A pin is a rule\n"
"(cgaddr rule help): CGROUP may not exist yet, or be a pattern such as\n"
"'system.slice/system-web.slice/web@*.service' (the instances of web@.service),\n"
"and every cgroup of that path made later is pinned from its mkdir on (a\n"
"systemd unit's cgroup at every start).\n"
"\n"
"\n"
"  servers    bind() to the wildcard 0.0.0.0 binds the --ipv4 address;\n"
"             bind() to :: binds the --ipv6 address, and ::ffff:0.0.0.0\n"
"             binds ::ffff:IPV4.  Without --ipv6, bind() to :: binds\n"
"             ::ffff:IPV4, so a dual-stack server serves the IPv4 address\n"
"             only (with --ipv6 it serves the IPv6 address only).\n"
"  clients    connect() (TCP, UDP) first binds the socket to the address of\n"
"             the destination's family with bpf_bind() and port 0 (the port\n"
"             is still chosen at connect time); a socket bound already keeps\n"
"             its address.  Destinations of a family not pinned are left.\n"
"  datagrams  unconnected UDP sendmsg()/sendto() without a source of the\n"
"             caller's choice leave from the address.\n"
"\n"
"  --ipv4 ADDR    the IPv4 address (at least one of --ipv4 and --ipv6)\n"
"  --ipv6 ADDR    the IPv6 address\n"
"  --ports LO-HI  bind() to a port outside LO-HI (1-65535; or one port N)\n"
"                 fails with EPERM; port 0 (any port) is allowed\n"
"  --strict       bind() to any address, and datagrams with any source, use\n"
"                 the pinned address (of the same family)\n"
"  --bind-only    servers only: the bind4/bind6 programs (for a module that\n"
"                 does not hook connect and sendmsg)\n"
"  --dry-run      show the generated programs; change nothing\n"
"  --show         what is in force for CGROUP: each pin program that runs for\n"
"                 its sockets (its own or an ancestor's), tried on probe\n"
"                 contexts (needs CAP_NET_ADMIN), with its counters\n"
"\n"
"Without --bind-only the module must hook bind, connect and sendmsg for the\n"
"families given (cgaddr info); if not, nothing is changed.  Pinning a pinned\n"
"cgroup or pattern replaces its pin programs in place wherever the pin is in\n"
"force (never a moment without policy).\n"
"If a step fails, what pin did is undone.  The addresses must be local when\n"
"used: a bind() to a non-local address fails with EADDRNOTAVAIL.\n"
"The programs are named pin_bind4, pin_bind6, pin_connect4, pin_connect6,\n"
"pin_sendmsg4 and pin_sendmsg6.\n"
"\n"
"unpin removes the pin rule of CGROUP (its programs wherever it is in force)\n"
"and the other pin programs attached to CGROUP (those names), nothing else.\n";

static bool is_help_arg(const char *s)
{
	return !strcmp(s, "help");
}

/* ---- arguments --------------------------------------------------------------------- */

struct pin_args {
	const char *cgroup;
	struct pin_cfg cfg;
	bool show, bind_only;
	const char *ip4, *ip6, *ports;
};

int pin_parse_ip4(const char *what, const char *other, const char *s, uint8_t out[4])
{
	struct in6_addr a6;
	uint32_t v;

	if (inet_pton(AF_INET, s, out) != 1) {
		if (inet_pton(AF_INET6, s, &a6) == 1)
			return usage_err("%s: '%s' is an IPv6 address (use %s)", what, s, other);
		return usage_err("%s: '%s' is not an IPv4 address", what, s);
	}
	memcpy(&v, out, 4);
	v = ntohl(v);
	if (!v)
		return usage_err("%s: 0.0.0.0 is the wildcard, not an address to pin to", what);
	if ((v >> 28) == 0xe || v == 0xffffffff)
		return usage_err("%s: %s is a multicast or broadcast address", what, s);
	return 0;
}

int pin_parse_ip6(const char *what, const char *other, const char *s, uint8_t out[16])
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET6, s, &a6) != 1) {
		if (inet_pton(AF_INET, s, &a4) == 1)
			return usage_err("%s: '%s' is an IPv4 address (use %s)", what, s, other);
		return usage_err("%s: '%s' is not an IPv6 address", what, s);
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a6))
		return usage_err("%s: :: is the wildcard, not an address to pin to", what);
	if (IN6_IS_ADDR_V4MAPPED(&a6))
		return usage_err("%s: %s is a v4-mapped IPv4 address (use %s)", what, s, other);
	if (IN6_IS_ADDR_MULTICAST(&a6))
		return usage_err("%s: %s is a multicast address", what, s);
	memcpy(out, &a6, 16);
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (parse_uint(s, 65535, &v) || !v)
		return -EINVAL;
	*port = v;
	return 0;
}

int pin_parse_ports(const char *what, const char *s, struct pin_cfg *c)
{
	const char *dash = strchr(s, '-');
	char lo[16];

	if (!dash) {
		if (parse_port(s, &c->port_lo))
			goto bad;
		c->port_hi = c->port_lo;
	} else {
		if ((size_t)(dash - s) >= sizeof(lo))
			goto bad;
		memcpy(lo, s, dash - s);
		lo[dash - s] = '\0';
		if (parse_port(lo, &c->port_lo) || parse_port(dash + 1, &c->port_hi))
			goto bad;
		if (c->port_lo > c->port_hi)
			return usage_err("%s: in '%s' LO is greater than HI", what, s);
	}
	c->ports = true;
	return 0;
bad:
	return usage_err("%s: '%s' is not a port range LO-HI (ports 1 to 65535)", what, s);
}

/* "--opt VALUE" or "--opt=VALUE"; NULL if @arg is not --opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, bool *missing)
{
	size_t len = strlen(opt);

	*missing = false;
	if (!strncmp(argv[*i], opt, len) && argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (strcmp(argv[*i], opt))
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_pin_args(int argc, char **argv, struct pin_args *a)
{
	static const char *const valued[] = { "--ipv4", "--ipv6", "--ports" };
	const char **slot[] = { &a->ip4, &a->ip6, &a->ports };
	bool missing;
	size_t k;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *v = NULL;

		for (k = 0; k < ARRAY_SIZE(valued); k++) {
			v = opt_value(argc, argv, &i, valued[k], &missing);
			if (missing)
				return usage_err("pin: %s needs a value", valued[k]);
			if (v)
				break;
		}
		if (v) {
			if (*slot[k])
				return usage_err("pin: %s given twice", valued[k]);
			*slot[k] = v;
		} else if (!strcmp(argv[i], "--show")) {
			a->show = true;
		} else if (!strcmp(argv[i], "--strict")) {
			a->cfg.strict = true;
		} else if (!strcmp(argv[i], "--bind-only")) {
			a->bind_only = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_err("pin: unknown option '%s'.  Usage: " PIN_USAGE, argv[i]);
		} else if (a->cgroup) {
			return usage_err("pin: unexpected '%s' (one cgroup).  Usage: " PIN_USAGE,
					 argv[i]);
		} else {
			a->cgroup = argv[i];
		}
	}
	if (!a->cgroup)
		return usage_err("pin: which cgroup?  Usage: " PIN_USAGE);
	if (a->show) {
		if (a->ip4 || a->ip6 || a->ports || a->cfg.strict || a->bind_only || opt_dry_run)
			return usage_err("pin --show takes only the cgroup");
		return 0;
	}
	if (!a->ip4 && !a->ip6)
		return usage_err("pin: give the address to pin to: --ipv4 ADDR and/or --ipv6 ADDR");
	if (a->ip4 && pin_parse_ip4("pin: --ipv4", "--ipv6", a->ip4, a->cfg.ip4))
		return -EINVAL;
	if (a->ip6 && pin_parse_ip6("pin: --ipv6", "--ipv4", a->ip6, a->cfg.ip6))
		return -EINVAL;
	if (a->ports && pin_parse_ports("pin: --ports", a->ports, &a->cfg))
		return -EINVAL;
	a->cfg.has4 = a->ip4 != NULL;
	a->cfg.has6 = a->ip6 != NULL;
	return 0;
}

bool pin_wanted(const struct pin_cfg *cfg, bool bind_only, enum pin_kind k)
{
	if (bind_only && k != PIN_BIND4 && k != PIN_BIND6)
		return false;
	return pin_kind_needed(cfg, k);
}

/* Whether a pin with these arguments has a program of @k. */
static bool wanted(const struct pin_args *a, enum pin_kind k)
{
	return pin_wanted(&a->cfg, a->bind_only, k);
}

/* ---- pin ----------------------------------------------------------------------------- */

struct slot {
	bool want;
	struct prog_spec spec;
	uint32_t new_id;	/* loaded */
	uint32_t old_id;	/* the pin program of this kind attached here before */
	bool attached;
};

struct stale {
	uint32_t id, type;
};

int pin_build_spec(const struct pin_cfg *cfg, enum pin_kind k, struct prog_spec *spec)
{
	struct pin_prog p;
	int ret;

	ret = pin_gen(cfg, k, &p);
	if (ret) {
		err("pin: internal error generating %s (%d)", pin_kind_name(k), ret);
		return ret;
	}
	ret = spec_init(spec, p.name, "GPL", p.attach_type, NULL);
	if (!ret)
		ret = spec_set_insns(spec, p.insns, p.cnt);
	return ret;
}

static int pin_dry_run(struct slot *slots)
{
	int k;

	if (opt_json)
		json_begin_array();
	for (k = 0; k < PIN_NKINDS; k++)
		if (slots[k].want)
			spec_print(&slots[k].spec);
	if (opt_json) {
		json_end_array();
		json_finish();
	}
	return 0;
}

/* Every wanted type must be hooked by the module, or nothing is done. */
static int check_types(struct nl *nl, const struct pin_args *a, const struct slot *slots)
{
	uint32_t types[64], n, i;
	char missing[160] = "";
	size_t off = 0;
	bool bind_ok = true;
	int k, ret;

	ret = module_attach_types(nl, types, ARRAY_SIZE(types), &n);
	if (ret)
		return ret;
	for (k = 0; k < PIN_NKINDS; k++) {
		if (!slots[k].want)
			continue;
		for (i = 0; i < n && types[i] != pin_kind_attach(k); i++)
			;
		if (i < n)
			continue;
		if (k == PIN_BIND4 || k == PIN_BIND6)
			bind_ok = false;
		off += snprintf(missing + off, sizeof(missing) - off, "%s%s", off ? ", " : "",
				type_str(pin_kind_attach(k)));
		if (off >= sizeof(missing))
			off = sizeof(missing) - 1;
	}
	if (!off)
		return 0;
	err("pin: the loaded cgaddr module does not hook %s (cgaddr info lists what it "
	    "hooks), so nothing was changed%s", missing,
	    bind_ok && !a->bind_only ? "; --bind-only pins servers only" : "");
	return -EOPNOTSUPP;
}

/*
 * The current attachments of the cgroup: old pin programs (one per kind
 * to replace in place, the others stale) and a check that every wanted
 * type can take a multi attachment.
 */
static int plan(const struct cgroup_ref *ref, const struct query_item *items, uint32_t cnt,
		const struct prog_info *progs, uint32_t nprogs, struct slot *slots,
		struct stale *stale, uint32_t *nstale)
{
	uint32_t i, j;
	int k;

	*nstale = 0;
	for (i = 0; i < cnt; i++) {
		const struct query_item *it = &items[i];

		for (k = 0; k < PIN_NKINDS; k++) {
			if (slots[k].want && pin_kind_attach(k) == it->attach_type && it->cnt &&
			    !(it->flags & BPF_F_ALLOW_MULTI)) {
				err("pin: %s has a %s program attached without 'multi' (id %u); "
				    "pin attaches with multi: detach it, or attach it with multi",
				    ref->path, type_str(it->attach_type), it->ids[0]);
				return -EPERM;
			}
		}
		for (j = 0; j < it->cnt; j++) {
			k = pin_kind_by_name(prog_name_in(progs, nprogs, it->ids[j]));
			if (k < 0 || pin_kind_attach(k) != it->attach_type)
				continue;
			if (slots[k].want && !slots[k].old_id) {
				slots[k].old_id = it->ids[j];
			} else if (*nstale < CGADDR_MAX_PROGS * 12) {
				stale[*nstale].id = it->ids[j];
				stale[*nstale].type = it->attach_type;
				(*nstale)++;
			}
		}
	}
	return 0;
}

/* Deletes program @id unless it is attached elsewhere too (@attach_cnt before). */
static void delete_old(struct nl *nl, uint32_t id, const struct prog_info *progs,
		       uint32_t nprogs)
{
	uint32_t i;

	for (i = 0; i < nprogs; i++) {
		if (progs[i].id == id && progs[i].attach_cnt > 1) {
			fprintf(stderr, "cgaddr: pin: program %u (%s) is attached to other cgroups "
				"too: detached here, not deleted\n", id, progs[i].name);
			return;
		}
	}
	prog_delete(nl, id, "pin: deleting the old program");
}

static void undo(struct nl *nl, const struct cgroup_ref *ref, struct slot *slots)
{
	int k;

	for (k = PIN_NKINDS - 1; k >= 0; k--) {
		struct slot *s = &slots[k];

		if (s->attached && s->old_id)
			cgroup_attach_prog(nl, ref, pin_kind_attach(k), s->old_id,
					   BPF_F_ALLOW_MULTI | BPF_F_REPLACE, s->new_id,
					   "pin: undoing: putting the old program back");
		else if (s->attached)
			cgroup_detach_prog(nl, ref, pin_kind_attach(k), s->new_id,
					   "pin: undoing: detaching");
		s->attached = false;
		if (s->new_id)
			prog_delete(nl, s->new_id, "pin: undoing: deleting");
		s->new_id = 0;
	}
}

/* cgaddr run pins quietly: the command's output is the command's. */
static bool pin_quiet;

static void print_pinned(const char *where, const struct slot *slots,
			 const struct stale *stale, uint32_t nstale, uint32_t rule_id,
			 const char *pattern)
{
	uint32_t i;
	int k;

	if (pin_quiet)
		return;
	if (opt_json) {
		json_begin_object();
		json_kv_string("cgroup", where);
		json_kv_uint("rule", rule_id);
		json_kv_string("pattern", pattern);
		json_key("programs");
		json_begin_array();
		for (k = 0; k < PIN_NKINDS; k++) {
			if (!slots[k].want)
				continue;
			json_begin_object();
			json_kv_uint("id", slots[k].new_id);
			json_kv_string("name", pin_kind_name(k));
			json_kv_string("type", type_str(pin_kind_attach(k)));
			json_key("replaced");
			if (slots[k].old_id)
				json_uint(slots[k].old_id);
			else
				json_null();
			json_end_object();
		}
		json_end_array();
		json_key("removed");
		json_begin_array();
		for (i = 0; i < nstale; i++)
			json_uint(stale[i].id);
		json_end_array();
		json_end_object();
		json_finish();
		return;
	}
	for (k = 0; k < PIN_NKINDS; k++) {
		if (!slots[k].want)
			continue;
		printf("%-13s id %u", pin_kind_name(k), slots[k].new_id);
		if (slots[k].old_id)
			printf("  (replaces id %u)", slots[k].old_id);
		printf("\n");
	}
	for (i = 0; i < nstale; i++)
		printf("removed       id %u (%s)\n", stale[i].id, type_str(stale[i].type));
	printf("rule          id %u for %s (in force now and in cgroups made later)\n", rule_id,
	       pattern);
}

/* Whether cgroup @pattern (no glob) exists now, without a message if not. */
static bool cgroup_exists(const char *pattern)
{
	const char *mnt = cgroup2_mount();
	struct stat st;
	char *path;
	bool ok;

	if (!mnt || rule_is_glob(pattern) || asprintf(&path, "%s/%s", mnt, pattern) < 0)
		return false;
	ok = !stat(path, &st) && S_ISDIR(st.st_mode);
	free(path);
	return ok;
}

/* Whether program @id is one of @r's (NULL: none). */
static bool rule_has_prog(const struct rule_info *r, uint32_t id)
{
	uint32_t i;

	for (i = 0; r && i < r->nprogs; i++)
		if (r->progs[i].id == id)
			return true;
	return false;
}

/* The rule's entries for the wanted kinds, in the kinds' order. */
static uint32_t pin_entries(const struct slot *slots, struct rule_prog *e)
{
	uint32_t n = 0;
	int k;

	for (k = 0; k < PIN_NKINDS; k++) {
		if (!slots[k].want)
			continue;
		e[n].attach_type = pin_kind_attach(k);
		e[n].id = slots[k].new_id;
		e[n].flags = BPF_F_ALLOW_MULTI;
		n++;
	}
	return n;
}

/* Whether rule @r has entries of the same types and flags as @e. */
static bool same_shape(const struct rule_info *r, const struct rule_prog *e, uint32_t n)
{
	uint32_t i;

	if (r->nprogs != n)
		return false;
	for (i = 0; i < n; i++)
		if (r->progs[i].attach_type != e[i].attach_type || r->progs[i].flags != e[i].flags)
			return false;
	return true;
}

/*
 * A pin is a rule named "pin" for the cgroup's path (or a pattern), so it
 * holds for a cgroup that does not exist yet, and again each time the
 * cgroup is made anew (a systemd unit's at every start).  A pin of the
 * same kinds replaces the rule's programs in place everywhere; otherwise
 * the new rule is made (taking over the programs attached in place here)
 * before the old one goes, so there is never a moment without policy.
 */
static int pin_apply(const struct pin_args *a, struct slot *slots)
{
	struct rule_prog entries[PIN_NKINDS];
	struct query_item *items = NULL;
	struct prog_info *progs = NULL;
	struct rule_info *rules = NULL;
	const struct rule_info *old;
	uint32_t cnt = 0, nprogs = 0, nstale = 0, nrules = 0, n, i, rule_id = 0;
	struct stale *stale = NULL;
	struct cgroup_ref ref = { .fd = -1 };
	struct nl *nl = NULL;
	bool exists, replaced = false;
	char what[64], *pattern;
	int k, ret;

	pattern = rule_pattern_of(a->cgroup);
	if (!pattern)
		return -EINVAL;
	exists = cgroup_exists(pattern);
	if (exists) {
		ret = cgroup_open(a->cgroup, &ref);
		if (ret)
			goto out;
	}
	ret = nl_open(&nl);
	if (ret)
		goto out;
	ret = check_types(nl, a, slots);
	if (!ret)
		ret = rule_get_all(nl, &rules, &nrules);
	if (!ret)
		ret = prog_get_all(nl, &progs, &nprogs);
	if (ret)
		goto out;
	old = rule_find(rules, nrules, "pin", pattern);
	stale = calloc(CGADDR_MAX_PROGS * 12, sizeof(*stale));
	if (!stale) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	if (exists) {
		ret = cgroup_query(nl, &ref, NULL, false, &items, &cnt);
		if (!ret)
			ret = plan(&ref, items, cnt, progs, nprogs, slots, stale, &nstale);
		if (ret)
			goto out;
	}
	for (k = 0; k < PIN_NKINDS && !ret; k++) {
		if (!slots[k].want)
			continue;
		snprintf(what, sizeof(what), "pin: loading %s", pin_kind_name(k));
		ret = prog_load_spec(nl, &slots[k].spec, what, &slots[k].new_id);
	}
	if (ret) {
		undo(nl, &ref, slots);
		goto out;
	}
	n = pin_entries(slots, entries);
	if (old && same_shape(old, entries, n)) {
		/* The module replaces them in place wherever the rule is in force. */
		ret = rule_replace(nl, old->id, NULL, entries, n, "pin: replacing the programs");
		if (ret) {
			undo(nl, &ref, slots);
			goto out;
		}
		for (i = 0, k = 0; k < PIN_NKINDS; k++)
			if (slots[k].want)
				slots[k].old_id = old->progs[i++].id;
		rule_id = old->id;
		replaced = true;
	} else {
		/* In place here first, then the rule takes these attachments over. */
		for (k = 0; exists && k < PIN_NKINDS && !ret; k++) {
			struct slot *s = &slots[k];

			if (!s->want)
				continue;
			snprintf(what, sizeof(what), "pin: attaching %s", pin_kind_name(k));
			ret = cgroup_attach_prog(nl, &ref, pin_kind_attach(k), s->new_id,
						 BPF_F_ALLOW_MULTI | (s->old_id ? BPF_F_REPLACE : 0),
						 s->old_id, what);
			s->attached = !ret;
		}
		if (!ret)
			ret = rule_add(nl, pattern, "pin", entries, n, &rule_id, "pin: making the rule");
		if (ret) {
			undo(nl, &ref, slots);
			goto out;
		}
		if (old && rule_del(nl, old->id, "pin: removing the old rule"))
			ret = -EIO;
	}
	/* The new policy is in force: remove the old programs. */
	for (i = 0; i < nstale; i++) {
		if (!rule_has_prog(old, stale[i].id) &&
		    cgroup_detach_prog(nl, &ref, stale[i].type, stale[i].id,
				       "pin: detaching an old pin program"))
			ret = -EIO;
		else if (rule_has_prog(old, stale[i].id))
			prog_delete(nl, stale[i].id, "pin: deleting an old program");
		else
			delete_old(nl, stale[i].id, progs, nprogs);
	}
	for (k = 0; k < PIN_NKINDS; k++) {
		if (!slots[k].want || !slots[k].old_id || (!replaced && !exists))
			continue;
		if (rule_has_prog(old, slots[k].old_id))
			prog_delete(nl, slots[k].old_id, "pin: deleting an old program");
		else
			delete_old(nl, slots[k].old_id, progs, nprogs);
	}
	/* Old rule programs of kinds not pinned any more (not attached here). */
	for (i = 0; old && !replaced && i < old->nprogs; i++) {
		bool done = false;

		for (k = 0; k < PIN_NKINDS; k++)
			done |= slots[k].want && exists && slots[k].old_id == old->progs[i].id;
		for (n = 0; n < nstale; n++)
			done |= stale[n].id == old->progs[i].id;
		if (!done)
			prog_delete(nl, old->progs[i].id, "pin: deleting an old program");
	}
	print_pinned(exists ? ref.path : pattern, slots, stale, nstale, rule_id, pattern);
out:
	free(pattern);
	free(stale);
	free(progs);
	rule_free_all(rules, nrules);
	query_free(items, cnt);
	nl_close(nl);
	cgroup_close(&ref);
	return ret;
}

/* ---- pin --show ------------------------------------------------------------------ */

#define ADDR_LEN INET6_ADDRSTRLEN

struct shown {
	enum pin_kind kind;
	uint32_t id;
	const struct prog_info *info;	/* NULL if unknown */
	const char *owner;		/* the cgroup it is attached to */
	bool inherited;
	int err;			/* TEST_RUN's error, 0 */
	char from[2][ADDR_LEN], to[2][ADDR_LEN];
	int nrw;
	int strict;			/* 1, 0, -1 unknown */
	int ports;			/* 0 all, 1 lo-hi, 2 some denied (unknown) */
	uint16_t lo, hi;
	char addr4[ADDR_LEN], addr6[ADDR_LEN];	/* what it pins to, when seen */
};

static bool kind_is_v6(enum pin_kind k)
{
	return k == PIN_BIND6 || k == PIN_CONNECT6 || k == PIN_SENDMSG6;
}

/* One TEST_RUN of @s's program: destination/bind address @addr:@port, @src msg_src. */
static int probe(struct nl *nl, const struct shown *s, const char *addr, int port,
		 const char *src, struct run_result *r)
{
	bool v6 = kind_is_v6(s->kind);
	bool dgram = s->kind == PIN_SENDMSG4 || s->kind == PIN_SENDMSG6;
	struct bpf_sock_addr ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.user_family = ctx.family = v6 ? AF_INET6 : AF_INET;
	ctx.type = dgram ? SOCK_DGRAM : SOCK_STREAM;
	ctx.protocol = dgram ? IPPROTO_UDP : IPPROTO_TCP;
	ctx.user_port = htons(port);
	if (v6)
		inet_pton(AF_INET6, addr, ctx.user_ip6);
	else
		inet_pton(AF_INET, addr, &ctx.user_ip4);
	if (src && v6)
		inet_pton(AF_INET6, src, ctx.msg_src_ip6);
	else if (src)
		inet_pton(AF_INET, src, &ctx.msg_src_ip4);
	return prog_test_run(nl, s->id, &ctx, NULL, r);
}

static bool allowed(const struct run_result *r)
{
	return !r->fault && (r->retval & 1);
}

/* The address field the kind rewrites, after the run, as text. */
static void result_addr(const struct shown *s, const struct run_result *r, char *buf)
{
	const struct bpf_sock_addr *c = &r->ctx;
	bool v6 = kind_is_v6(s->kind);

	if (s->kind == PIN_SENDMSG4 || s->kind == PIN_SENDMSG6)
		inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)c->msg_src_ip6 :
			  (const void *)&c->msg_src_ip4, buf, ADDR_LEN);
	else
		inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)c->user_ip6 :
			  (const void *)&c->user_ip4, buf, ADDR_LEN);
}

/* Runs a probe; records "from -> to" if it rewrote.  1 rewritten, 0 not, <0 error. */
static int probe_rw(struct nl *nl, struct shown *s, const char *addr, const char *src,
		    bool record)
{
	const char *from = src ? src : addr;
	struct run_result r;
	char to[ADDR_LEN], norm[ADDR_LEN];
	uint8_t raw[16];
	int ret;

	ret = probe(nl, s, addr, 0, src, &r);
	if (ret)
		return ret;
	if (!allowed(&r) || !r.has_ctx)
		return 0;
	result_addr(s, &r, to);
	inet_pton(strchr(from, ':') ? AF_INET6 : AF_INET, from, raw);
	inet_ntop(strchr(from, ':') ? AF_INET6 : AF_INET, raw, norm, sizeof(norm));
	if (!strcmp(norm, to))
		return 0;
	if (record && s->nrw < 2) {
		snprintf(s->from[s->nrw], ADDR_LEN, "%s", norm);
		snprintf(s->to[s->nrw], ADDR_LEN, "%s", to);
		s->nrw++;
	}
	return 1;
}

/* 0 allowed, 1 denied below LO, 2 denied above HI, 3 denied otherwise; <0 error. */
static int port_class(struct nl *nl, const struct shown *s, int port)
{
	struct run_result r;
	int ret;

	ret = probe(nl, s, s->kind == PIN_BIND6 ? "::" : "0.0.0.0", port, NULL, &r);
	if (ret)
		return ret;
	if (allowed(&r))
		return 0;
	if (!r.fault && r.insn_cnt == PIN_PORT_DENY_LOW_INSNS)
		return 1;
	if (!r.fault && r.insn_cnt == PIN_PORT_DENY_HIGH_INSNS)
		return 2;
	return 3;
}

/* Smallest port in (bad, good] that is not of class @cls, by bisection. */
static int bisect(struct nl *nl, const struct shown *s, int cls, int bad, int good, bool up)
{
	int mid, c;

	while ((up ? good - bad : bad - good) > 1) {
		mid = (bad + good) / 2;
		c = port_class(nl, s, mid);
		if (c < 0)
			return c;
		if (c == cls)
			bad = mid;
		else
			good = mid;
	}
	return good;
}

static int probe_ports(struct nl *nl, struct shown *s)
{
	int c1, cmax, lo, hi, ret;

	c1 = port_class(nl, s, 1);
	cmax = c1 < 0 ? c1 : port_class(nl, s, 65535);
	if (cmax < 0)
		return cmax;
	s->ports = 2;
	if (!c1 && !cmax) {
		s->ports = 0;
		return 0;
	}
	if ((c1 != 0 && c1 != 1) || (cmax != 0 && cmax != 2))
		return 0;
	lo = c1 == 0 ? 1 : bisect(nl, s, 1, 1, 65535, true);
	if (lo < 0)
		return lo;
	hi = cmax == 0 ? 65535 : bisect(nl, s, 2, 65535, lo, false);
	if (hi < 0)
		return hi;
	ret = port_class(nl, s, lo);
	if (ret < 0)
		return ret;
	if (ret == 0 && lo <= hi) {
		ret = port_class(nl, s, hi);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			s->ports = 1;
			s->lo = lo;
			s->hi = hi;
		}
	}
	return 0;
}

static int probe_prog(struct nl *nl, struct shown *s)
{
	int r1 = 0, r2 = 0, ret = 0;

	s->strict = -1;
	switch (s->kind) {
	case PIN_BIND4:
		ret = probe_rw(nl, s, "0.0.0.0", NULL, true);
		if (ret >= 0)
			r1 = probe_rw(nl, s, "198.51.100.1", NULL, false);
		if (ret >= 0 && r1 >= 0)
			ret = probe_ports(nl, s);
		ret = ret < 0 ? ret : r1 < 0 ? r1 : 0;
		if (!ret)
			s->strict = r1;
		break;
	case PIN_BIND6:
		ret = probe_rw(nl, s, "::", NULL, true);
		if (ret >= 0)
			ret = probe_rw(nl, s, "::ffff:0.0.0.0", NULL, true);
		if (ret >= 0)
			r1 = probe_rw(nl, s, "::ffff:198.51.100.1", NULL, false);
		if (ret >= 0 && r1 >= 0)
			r2 = probe_rw(nl, s, "2001:db8:ffff::1", NULL, false);
		if (ret >= 0 && r1 >= 0 && r2 >= 0)
			ret = probe_ports(nl, s);
		ret = ret < 0 ? ret : r1 < 0 ? r1 : r2 < 0 ? r2 : 0;
		if (!ret)
			s->strict = r1 || r2;
		break;
	case PIN_SENDMSG4:
		ret = probe_rw(nl, s, "198.51.100.1", "0.0.0.0", true);
		if (ret >= 0)
			ret = probe_rw(nl, s, "198.51.100.1", "198.51.100.2", false);
		if (ret >= 0)
			s->strict = ret;
		break;
	case PIN_SENDMSG6:
		ret = probe_rw(nl, s, "2001:db8:ffff::1", "::", true);
		if (ret >= 0)
			ret = probe_rw(nl, s, "2001:db8:ffff::1", "2001:db8:ffff::2", false);
		if (ret >= 0)
			s->strict = ret;
		break;
	default:
		/* connect: bpf_bind needs a socket; what it binds comes from the others. */
		return 0;
	}
	return ret < 0 ? ret : 0;
}

/* What the probes showed the pinned addresses to be. */
static void pinned_addrs(const struct shown *sh, uint32_t n, char *a4, char *a6)
{
	uint32_t i;
	int j;

	a4[0] = a6[0] = '\0';
	for (i = 0; i < n; i++) {
		for (j = 0; j < sh[i].nrw; j++) {
			const char *to = sh[i].to[j];

			if (!strchr(to, ':'))
				snprintf(a4, ADDR_LEN, "%s", to);
			else if (!strncmp(to, "::ffff:", 7) && strchr(to + 7, '.'))
				snprintf(a4, ADDR_LEN, "%s", to + 7);
			else
				snprintf(a6, ADDR_LEN, "%s", to);
		}
	}
}

static const char *kind_type(enum pin_kind k)
{
	return type_str(pin_kind_attach(k));
}

static void show_text(const struct cgroup_ref *ref, const struct shown *sh, uint32_t n,
		      const char *a4, const char *a6, bool has4)
{
	const char *A = a4[0] ? a4 : "the pinned IPv4 address";
	const char *B = a6[0] ? a6 : "the pinned IPv6 address";
	uint32_t i;
	int j;

	printf("%s: pinned", ref->path);
	if (a4[0] || a6[0])
		printf(" to %s%s%s", a4, a4[0] && a6[0] ? " and " : "", a6);
	printf("\n");
	for (i = 0; i < n; i++) {
		const struct shown *s = &sh[i];
		const struct prog_stats *st = s->info ? &s->info->stats : NULL;

		printf("%-9s ", kind_type(s->kind));
		if (s->err) {
			printf("%s (cannot try it: %s)", pin_kind_name(s->kind),
			       s->err == -EPERM ? "trying programs needs CAP_NET_ADMIN" :
			       strerror(-s->err));
		} else if (s->kind == PIN_CONNECT4) {
			printf("source bound to %s (helper bind)", A);
		} else if (s->kind == PIN_CONNECT6) {
			if (a6[0] || !has4)
				printf("source bound to %s", B);
			if (has4)
				printf("%sv4-mapped destinations: source bound to ::ffff:%s",
				       a6[0] || !has4 ? "; " : "", A);
			printf(" (helper bind)");
		} else if (s->kind == PIN_SENDMSG4 || s->kind == PIN_SENDMSG6) {
			printf("source → %s (%s)", s->nrw ? s->to[0] : "?",
			       s->strict == 1 ? "any source" : "unset source only");
		} else {
			for (j = 0; j < s->nrw; j++)
				printf("%s%s → %s", j ? ", " : "", s->from[j], s->to[j]);
			if (!s->nrw)
				printf("no rewrite");
			printf(" (%s)", s->strict == 1 ? "any address" : "wildcard only");
			if (s->ports == 1)
				printf("; ports %u-%u", s->lo, s->hi);
			else if (s->ports == 2)
				printf("; some ports denied");
		}
		printf("\n");
		printf("          id %u %s", s->id, pin_kind_name(s->kind));
		if (s->inherited)
			printf(" of %s", s->owner);
		if (st)
			printf("  runs %llu  allows %llu  denies %llu  rewrites %llu  faults %llu",
			       (unsigned long long)st->runs, (unsigned long long)st->allows,
			       (unsigned long long)st->denies, (unsigned long long)st->rewrites,
			       (unsigned long long)st->faults);
		printf("\n");
	}
}

static void json_addr_or_null(const char *key, const char *a)
{
	json_key(key);
	if (a[0])
		json_string(a);
	else
		json_null();
}

static void show_json(const struct cgroup_ref *ref, const struct shown *sh, uint32_t n,
		      const char *a4, const char *a6, bool has4)
{
	uint32_t i;
	int j;

	json_begin_object();
	json_kv_string("cgroup", ref->path);
	json_kv_bool("pinned", n > 0);
	json_addr_or_null("ipv4", a4);
	json_addr_or_null("ipv6", a6);
	json_key("programs");
	json_begin_array();
	for (i = 0; i < n; i++) {
		const struct shown *s = &sh[i];
		const struct prog_stats *st = s->info ? &s->info->stats : NULL;

		json_begin_object();
		json_kv_uint("id", s->id);
		json_kv_string("name", pin_kind_name(s->kind));
		json_kv_string("type", kind_type(s->kind));
		json_kv_string("attached_to", s->owner);
		json_kv_bool("inherited", s->inherited);
		if (s->err) {
			json_kv_string("probe_error", strerror(-s->err));
		} else if (s->kind == PIN_CONNECT4 || s->kind == PIN_CONNECT6) {
			json_key("bind_source");
			json_begin_array();
			if (s->kind == PIN_CONNECT4 && a4[0])
				json_string(a4);
			if (s->kind == PIN_CONNECT6 && a6[0])
				json_string(a6);
			if (s->kind == PIN_CONNECT6 && has4 && a4[0]) {
				char m[ADDR_LEN + 8];

				snprintf(m, sizeof(m), "::ffff:%s", a4);
				json_string(m);
			}
			json_end_array();
		} else {
			json_key("rewrites");
			json_begin_array();
			for (j = 0; j < s->nrw; j++) {
				json_begin_object();
				json_kv_string("from", s->from[j]);
				json_kv_string("to", s->to[j]);
				json_end_object();
			}
			json_end_array();
			json_kv_bool("strict", s->strict == 1);
			if (s->kind == PIN_BIND4 || s->kind == PIN_BIND6) {
				json_key("ports");
				if (s->ports == 1) {
					json_begin_object();
					json_kv_uint("lo", s->lo);
					json_kv_uint("hi", s->hi);
					json_end_object();
				} else if (s->ports == 2) {
					json_string("some denied");
				} else {
					json_null();
				}
			}
		}
		if (st) {
			json_key("stats");
			json_begin_object();
			json_kv_uint("runs", st->runs);
			json_kv_uint("allows", st->allows);
			json_kv_uint("denies", st->denies);
			json_kv_uint("rewrites", st->rewrites);
			json_kv_uint("faults", st->faults);
			json_end_object();
		}
		json_end_object();
	}
	json_end_array();
	json_end_object();
	json_finish();
}

/* The attachment of program @id for @type among @all, or NULL. */
static const struct query_item *owner_of(const struct query_item *all, uint32_t nall,
					 uint32_t type, uint32_t id)
{
	uint32_t i, j;

	for (i = 0; i < nall; i++)
		if (all[i].attach_type == type)
			for (j = 0; j < all[i].cnt; j++)
				if (all[i].ids[j] == id)
					return &all[i];
	return NULL;
}

/*
 * The programs that run for @ref's sockets.  The module keeps effective
 * arrays for cgroups with attachments only and answers nothing for the
 * others, whose sockets run the nearest such ancestor's: ask the parent
 * directories in turn (for a cgroup named by path).
 */
static int effective_here_or_above(struct nl *nl, const struct cgroup_ref *ref,
				   struct query_item **items, uint32_t *cnt)
{
	struct cgroup_ref up;
	struct statfs sfs;
	char *path, *slash;
	int ret;

	ret = cgroup_query(nl, ref, NULL, true, items, cnt);
	if (ret || *cnt || ref->fd < 0)
		return ret;
	path = strdup(ref->path);
	if (!path) {
		err("out of memory");
		return -ENOMEM;
	}
	while (!*cnt) {
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
		if (statfs(path, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			break;
		query_free(*items, *cnt);
		*items = NULL;
		*cnt = 0;
		ret = cgroup_open(path, &up);
		if (ret)
			break;
		ret = cgroup_query(nl, &up, NULL, true, items, cnt);
		cgroup_close(&up);
		if (ret)
			break;
	}
	free(path);
	return ret;
}

/* pin --show for a pattern, or a cgroup that does not exist now: its rule. */
static int pin_show_rule(const char *pattern)
{
	struct rule_info *rules;
	const struct rule_info *r;
	struct nl *nl;
	uint32_t n;
	int ret;

	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = rule_get_all(nl, &rules, &n);
	nl_close(nl);
	if (ret)
		return ret;
	r = rule_find(rules, n, "pin", pattern);
	if (r) {
		rule_print(r);
		if (opt_json)
			json_finish();
	} else if (opt_json) {
		json_null();
		json_finish();
	} else {
		printf("%s: no pin in force (and no cgroup of that name now)\n", pattern);
	}
	rule_free_all(rules, n);
	return 0;
}

static int pin_show(const struct pin_args *a)
{
	struct query_item *items = NULL, *all = NULL, *own = NULL;
	struct prog_info *progs = NULL;
	uint32_t cnt = 0, nall = 0, nown = 0, nprogs = 0, n = 0, i, j, p;
	struct shown sh[PIN_NKINDS * 4];
	char a4[ADDR_LEN], a6[ADDR_LEN];
	bool has4 = false;
	struct cgroup_ref ref = { .fd = -1 };
	struct rule_info *rules = NULL;
	const struct rule_info *r;
	uint32_t nrules = 0;
	struct nl *nl = NULL;
	char *pattern;
	int ret;

	pattern = rule_pattern_of(a->cgroup);
	if (!pattern)
		return -EINVAL;
	if (!cgroup_exists(pattern)) {
		ret = pin_show_rule(pattern);
		free(pattern);
		return ret;
	}
	ret = cgroup_open(a->cgroup, &ref);
	if (ret)
		goto out;
	ret = nl_open(&nl);
	if (!ret)
		ret = effective_here_or_above(nl, &ref, &items, &cnt);
	if (!ret)
		ret = rule_get_all(nl, &rules, &nrules);
	if (!ret)
		ret = cgroup_query(nl, &ref, NULL, false, &own, &nown);
	if (!ret)
		ret = cgroup_query(nl, NULL, NULL, false, &all, &nall);
	if (!ret)
		ret = prog_get_all(nl, &progs, &nprogs);
	if (ret)
		goto out;
	memset(sh, 0, sizeof(sh));
	for (i = 0; i < cnt; i++) {
		for (j = 0; j < items[i].cnt && n < ARRAY_SIZE(sh); j++) {
			uint32_t id = items[i].ids[j];
			const struct query_item *o;
			int k = pin_kind_by_name(prog_name_in(progs, nprogs, id));

			if (k < 0 || pin_kind_attach(k) != items[i].attach_type)
				continue;
			o = owner_of(all, nall, items[i].attach_type, id);
			sh[n].kind = k;
			sh[n].id = id;
			sh[n].owner = o ? o->path : "?";
			sh[n].inherited = !owner_of(own, nown, items[i].attach_type, id);
			for (p = 0; p < nprogs; p++)
				if (progs[p].id == id)
					sh[n].info = &progs[p];
			if (k == PIN_CONNECT4 || k == PIN_BIND4 || k == PIN_SENDMSG4)
				has4 = true;
			n++;
		}
	}
	/* In the kinds' order. */
	for (i = 1; i < n; i++) {
		struct shown t = sh[i];

		for (j = i; j > 0 && sh[j - 1].kind > t.kind; j--)
			sh[j] = sh[j - 1];
		sh[j] = t;
	}
	for (i = 0; i < n; i++)
		sh[i].err = probe_prog(nl, &sh[i]);
	pinned_addrs(sh, n, a4, a6);
	if (opt_json)
		show_json(&ref, sh, n, a4, a6, has4);
	else if (!n)
		printf("%s: no pin in force\n", ref.path);
	else
		show_text(&ref, sh, n, a4, a6, has4);
	r = rule_find(rules, nrules, "pin", pattern);
	if (r && !opt_json)
		printf("rule %u for %s: in force now and in cgroups made later\n", r->id, r->pattern);
out:
	free(pattern);
	rule_free_all(rules, nrules);
	free(progs);
	query_free(items, cnt);
	query_free(all, nall);
	query_free(own, nown);
	nl_close(nl);
	cgroup_close(&ref);
	return ret;
}

/* ---- the commands ---------------------------------------------------------------------- */

int do_pin(int argc, char **argv)
{
	struct slot slots[PIN_NKINDS];
	struct pin_args a;
	int k, ret = 0;

	if (opt_help || (argc == 1 && is_help_arg(argv[0]))) {
		fputs(pin_help, stdout);
		return 0;
	}
	if (parse_pin_args(argc, argv, &a))
		return -EINVAL;
	if (a.show)
		return pin_show(&a);
	memset(slots, 0, sizeof(slots));
	for (k = 0; k < PIN_NKINDS && !ret; k++) {
		slots[k].want = wanted(&a, k);
		if (slots[k].want)
			ret = pin_build_spec(&a.cfg, k, &slots[k].spec);
	}
	if (!ret)
		ret = opt_dry_run ? pin_dry_run(slots) : pin_apply(&a, slots);
	for (k = 0; k < PIN_NKINDS; k++)
		spec_free(&slots[k].spec);
	return ret;
}

/* Prints one removed program of unpin. */
static void print_removed(uint32_t id, const char *name, uint32_t type)
{
	if (pin_quiet)
		return;
	if (opt_json) {
		json_begin_object();
		json_kv_uint("id", id);
		json_kv_string("name", name);
		json_kv_string("type", type_str(type));
		json_end_object();
	} else {
		printf("removed %-13s id %u\n", name, id);
	}
}

int do_unpin(int argc, char **argv)
{
	struct query_item *items = NULL;
	struct prog_info *progs = NULL;
	struct rule_info *rules = NULL;
	const struct rule_info *r = NULL;
	uint32_t cnt = 0, nprogs = 0, nrules = 0, i, j, n = 0;
	struct stale *found = NULL;
	struct cgroup_ref ref = { .fd = -1 };
	struct nl *nl = NULL;
	char *pattern = NULL;
	bool exists;
	int k, ret;

	if (opt_help || (argc == 1 && is_help_arg(argv[0]))) {
		fputs(pin_help, stdout);
		return 0;
	}
	if (opt_dry_run)
		return usage_err("unpin: --dry-run does not apply");
	if (!argc)
		return usage_err("unpin: which cgroup?  Usage: " UNPIN_USAGE);
	if (argv[0][0] == '-' && argv[0][1])
		return usage_err("unpin: unknown option '%s'.  Usage: " UNPIN_USAGE, argv[0]);
	if (argc > 1)
		return usage_err("unpin: unexpected '%s'.  Usage: " UNPIN_USAGE, argv[1]);
	pattern = rule_pattern_of(argv[0]);
	if (!pattern)
		return -EINVAL;
	exists = cgroup_exists(pattern);
	if (exists) {
		ret = cgroup_open(argv[0], &ref);
		if (ret)
			goto out;
	}
	ret = nl_open(&nl);
	if (!ret)
		ret = rule_get_all(nl, &rules, &nrules);
	if (!ret)
		ret = prog_get_all(nl, &progs, &nprogs);
	if (ret)
		goto out;
	r = rule_find(rules, nrules, "pin", pattern);
	found = calloc(CGADDR_MAX_PROGS * 12, sizeof(*found));
	if (!found) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	/* Pin programs attached here by other means (an older pin, apply). */
	if (exists) {
		ret = cgroup_query(nl, &ref, NULL, false, &items, &cnt);
		if (ret)
			goto out;
	}
	for (i = 0; i < cnt; i++) {
		for (j = 0; j < items[i].cnt && n < CGADDR_MAX_PROGS * 12; j++) {
			k = pin_kind_by_name(prog_name_in(progs, nprogs, items[i].ids[j]));
			if (k < 0 || pin_kind_attach(k) != items[i].attach_type ||
			    rule_has_prog(r, items[i].ids[j]))
				continue;
			found[n].id = items[i].ids[j];
			found[n].type = items[i].attach_type;
			n++;
		}
	}
	if (!n && !r) {
		if (exists)
			err("unpin: %s has no pin programs attached (see: cgaddr pin --show %s)",
			    ref.path, argv[0]);
		else
			err("unpin: no pin for %s (see: cgaddr rule list)", pattern);
		ret = -ENOENT;
		goto out;
	}
	if (opt_json && !pin_quiet)
		json_begin_array();
	if (r) {
		ret = rule_del(nl, r->id, "unpin: removing the rule");
		for (i = 0; !ret && i < r->nprogs; i++) {
			print_removed(r->progs[i].id, prog_name_in(progs, nprogs, r->progs[i].id),
				      r->progs[i].attach_type);
			prog_delete(nl, r->progs[i].id, "unpin: deleting");
		}
	}
	for (i = 0; !ret && i < n; i++) {
		ret = cgroup_detach_prog(nl, &ref, found[i].type, found[i].id, "unpin");
		if (ret)
			break;
		delete_old(nl, found[i].id, progs, nprogs);
		print_removed(found[i].id, prog_name_in(progs, nprogs, found[i].id), found[i].type);
	}
	if (opt_json && !pin_quiet) {
		json_end_array();
		json_finish();
	}
out:
	free(pattern);
	free(found);
	free(progs);
	rule_free_all(rules, nrules);
	query_free(items, cnt);
	nl_close(nl);
	cgroup_close(&ref);
	return ret;
}

int pin_quietly(const char *cgroup, const char *ip4, const char *ip6, const char *ports,
		bool strict, bool bind_only)
{
	char *argv[10];
	int argc = 0;

	argv[argc++] = (char *)cgroup;
	if (ip4) {
		argv[argc++] = "--ipv4";
		argv[argc++] = (char *)ip4;
	}
	if (ip6) {
		argv[argc++] = "--ipv6";
		argv[argc++] = (char *)ip6;
	}
	if (ports) {
		argv[argc++] = "--ports";
		argv[argc++] = (char *)ports;
	}
	if (strict)
		argv[argc++] = "--strict";
	if (bind_only)
		argv[argc++] = "--bind-only";
	pin_quiet = true;
	return do_pin(argc, argv);
}

int unpin_quietly(const char *cgroup)
{
	char *argv[1] = { (char *)cgroup };

	pin_quiet = true;
	return do_unpin(1, argv);
}
