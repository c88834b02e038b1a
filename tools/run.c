// SPDX-License-Identifier: GPL-2.0
/* cgaddr prog run: contexts in, verdicts and contexts out. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cmd.h"
#include "json.h"
#include "nl.h"
#include "prog.h"
#include "run.h"
#include "types.h"
#include "util.h"

enum field_kind { F_U32, F_S32, F_FAMILY, F_SOCKTYPE, F_PROTO, F_IP4, F_IP6, F_PORT_NET,
		  F_PORT_HOST, F_PORT_BE16 };

struct field {
	const char *name;
	size_t off;
	enum field_kind kind;
};

#define CTX(f, k) { #f, offsetof(struct bpf_sock_addr, f), k }
static const struct field ctx_fields[] = {
	CTX(user_family, F_FAMILY),
	CTX(user_ip4, F_IP4),
	CTX(user_ip6, F_IP6),
	CTX(user_port, F_PORT_NET),
	CTX(family, F_FAMILY),
	CTX(type, F_SOCKTYPE),
	CTX(protocol, F_PROTO),
	CTX(msg_src_ip4, F_IP4),
	CTX(msg_src_ip6, F_IP6),
};
#undef CTX

#define SK(f, k) { #f, offsetof(struct bpf_sock, f), k }
static const struct field sk_fields[] = {
	SK(bound_dev_if, F_U32),
	SK(family, F_FAMILY),
	SK(type, F_SOCKTYPE),
	SK(protocol, F_PROTO),
	SK(mark, F_U32),
	SK(priority, F_U32),
	SK(src_ip4, F_IP4),
	SK(src_ip6, F_IP6),
	SK(src_port, F_PORT_HOST),
	SK(dst_port, F_PORT_BE16),
	SK(dst_ip4, F_IP4),
	SK(dst_ip6, F_IP6),
	SK(state, F_U32),
	SK(rx_queue_mapping, F_S32),
};
#undef SK

struct name_val {
	const char *name;
	uint32_t val;
};

/* The names shown come first; the rest are accepted too. */
static const struct name_val families[] = {
	{ "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 }, { "AF_UNSPEC", AF_UNSPEC },
	{ "inet", AF_INET }, { "inet6", AF_INET6 }, { "ipv4", AF_INET }, { "ipv6", AF_INET6 },
	{ "unspec", AF_UNSPEC },
};

static const struct name_val socktypes[] = {
	{ "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM }, { "SOCK_RAW", SOCK_RAW },
	{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM }, { "raw", SOCK_RAW },
};

static const struct name_val protos[] = {
	{ "IPPROTO_TCP", IPPROTO_TCP }, { "IPPROTO_UDP", IPPROTO_UDP },
	{ "IPPROTO_ICMP", IPPROTO_ICMP }, { "IPPROTO_ICMPV6", IPPROTO_ICMPV6 },
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
};

static const char *name_of(const struct name_val *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return NULL;
}

static int value_of(const struct name_val *t, size_t n, const char *s, uint32_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, t[i].name)) {
			*v = t[i].val;
			return 0;
		}
	}
	return parse_u32(s, v);
}

/* ---- reading and writing fields ----------------------------------------------- */

static int field_set(void *base, const struct field *f, const char *s)
{
	uint8_t *p = (uint8_t *)base + f->off;
	uint32_t v;
	uint16_t port;
	int64_t sv;

	switch (f->kind) {
	case F_IP4:
		return inet_pton(AF_INET, s, p) == 1 ? 0 : -EINVAL;
	case F_IP6:
		return inet_pton(AF_INET6, s, p) == 1 ? 0 : -EINVAL;
	case F_FAMILY:
		if (value_of(families, ARRAY_SIZE(families), s, &v))
			return -EINVAL;
		break;
	case F_SOCKTYPE:
		if (value_of(socktypes, ARRAY_SIZE(socktypes), s, &v))
			return -EINVAL;
		break;
	case F_PROTO:
		if (value_of(protos, ARRAY_SIZE(protos), s, &v))
			return -EINVAL;
		break;
	case F_PORT_NET:
	case F_PORT_BE16:
		if (parse_u32(s, &v) || v > UINT16_MAX)
			return -EINVAL;
		/* The two bytes of sin_port, in memory order, as the kernel maps them. */
		port = htons(v);
		memset(p, 0, f->kind == F_PORT_NET ? 4 : 2);
		memcpy(p, &port, sizeof(port));
		return 0;
	case F_S32:
		if (sscanf(s, "%lld", (long long *)&sv) != 1 || sv < INT32_MIN || sv > INT32_MAX)
			return -EINVAL;
		v = (uint32_t)sv;
		break;
	default:	/* F_U32, F_PORT_HOST */
		if (parse_u32(s, &v))
			return -EINVAL;
	}
	memcpy(p, &v, sizeof(v));
	return 0;
}

static uint16_t field_port(const void *base, const struct field *f)
{
	uint16_t port;

	memcpy(&port, (const uint8_t *)base + f->off, sizeof(port));
	return ntohs(port);
}

/* The field's value as text, with its name for the enumerations. */
static void field_str(const void *base, const struct field *f, char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)base + f->off;
	const char *name = NULL;
	uint32_t v;

	switch (f->kind) {
	case F_IP4:
		inet_ntop(AF_INET, p, buf, len);
		return;
	case F_IP6:
		inet_ntop(AF_INET6, p, buf, len);
		return;
	case F_PORT_NET:
	case F_PORT_BE16:
		snprintf(buf, len, "%u", field_port(base, f));
		return;
	default:
		break;
	}
	memcpy(&v, p, sizeof(v));
	if (f->kind == F_S32) {
		snprintf(buf, len, "%d", (int32_t)v);
		return;
	}
	if (f->kind == F_FAMILY)
		name = name_of(families, ARRAY_SIZE(families), v);
	else if (f->kind == F_SOCKTYPE)
		name = name_of(socktypes, ARRAY_SIZE(socktypes), v);
	else if (f->kind == F_PROTO)
		name = name_of(protos, ARRAY_SIZE(protos), v);
	if (name)
		snprintf(buf, len, "%s (%u)", name, v);
	else
		snprintf(buf, len, "%u", v);
}

static uint32_t field_u32(const void *base, const struct field *f)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)base + f->off, sizeof(v));
	return v;
}

static bool field_changed(const void *a, const void *b, const struct field *f)
{
	size_t size = f->kind == F_IP6 ? 16 : 4;

	return memcmp((const uint8_t *)a + f->off, (const uint8_t *)b + f->off, size) != 0;
}

static const struct field *field_find(const struct field *t, size_t n, const char *name,
				      size_t name_len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == name_len && !strncmp(t[i].name, name, name_len))
			return &t[i];
	return NULL;
}

/* ---- arguments ------------------------------------------------------------------- */

struct run_args {
	uint32_t id;
	struct bpf_sock_addr ctx;
	struct bpf_sock sk;
	bool has_sk;
};

static int set_ctx_field(struct run_args *a, const char *field, const char *v)
{
	const struct field *f;

	f = field_find(ctx_fields, ARRAY_SIZE(ctx_fields), field, strlen(field));
	if (!f || field_set(&a->ctx, f, v))
		return usage_err("prog run: bad value '%s' for %s", v, field);
	return 0;
}

static int set_ip(struct run_args *a, const char *kw, const char *v)
{
	bool v6 = strchr(v, ':') != NULL;
	const char *field;

	if (is_kw(kw, "ip"))
		field = v6 ? "user_ip6" : "user_ip4";
	else
		field = v6 ? "msg_src_ip6" : "msg_src_ip4";
	return set_ctx_field(a, field, v);
}

static int set_sk(struct run_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct field *f;

	if (!eq)
		return usage_err("prog run: 'sk' takes FIELD=VALUE, not '%s'", arg);
	f = field_find(sk_fields, ARRAY_SIZE(sk_fields), arg, eq - arg);
	if (!f)
		return usage_err("prog run: unknown sk field in '%s'", arg);
	if (field_set(&a->sk, f, eq + 1))
		return usage_err("prog run: bad value in '%s'", arg);
	a->has_sk = true;
	return 0;
}

static int set_raw_ctx(struct run_args *a, const char *hex)
{
	size_t len;

	memset(&a->ctx, 0, sizeof(a->ctx));
	if (hex_decode(hex, (uint8_t *)&a->ctx, sizeof(a->ctx), &len))
		return usage_err("prog run: 'ctx' takes at most %zu bytes in hex", sizeof(a->ctx));
	return 0;
}

static void set_defaults(struct run_args *a, uint32_t attach_type)
{
	const struct attach_type *t = type_by_attach(attach_type);
	int family = t ? t->family : AF_INET;
	int type = t ? t->sock_type : SOCK_STREAM;

	a->ctx.user_family = family;
	a->ctx.family = family;
	a->ctx.type = type;
	a->ctx.protocol = type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	static const char *const simple[] = { "family", "user_family", "port", "type", "protocol" };
	const char *v;
	size_t k;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "ctx")) {
			v = kw_value(argc, argv, &i);
			if (!v || set_raw_ctx(a, v))
				return -EINVAL;
		}
	}
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "ctx")) {
			i++;
			continue;
		}
		if (is_kw(argv[i], "sk")) {
			if (i + 1 >= argc || !strchr(argv[i + 1], '='))
				return usage_err("prog run: 'sk' needs FIELD=VALUE");
			while (i + 1 < argc && strchr(argv[i + 1], '=')) {
				ret = set_sk(a, argv[++i]);
				if (ret)
					return ret;
			}
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(simple) && !is_kw(argv[i], simple[k]); k++)
			;
		if (k == ARRAY_SIZE(simple) && !is_kw(argv[i], "ip") && !is_kw(argv[i], "msg_src"))
			return usage_err("prog run: unexpected '%s'.  Usage: " RUN_USAGE, argv[i]);
		v = kw_value(argc, argv, &i);
		if (!v)
			return -EINVAL;
		if (k < ARRAY_SIZE(simple) && is_kw(simple[k], "port"))
			ret = set_ctx_field(a, "user_port", v);
		else if (k < ARRAY_SIZE(simple))
			ret = set_ctx_field(a, simple[k], v);
		else
			ret = set_ip(a, argv[i - 1], v);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------------------ */

static int run_reply(const nl_attrs_t tb, void *arg)
{
	struct run_result *r = arg;

	if (!tb[CGADDR_A_TEST_RETVAL]) {
		err("malformed answer from the module: no return value");
		return -EPROTO;
	}
	r->retval = nl_u64(tb[CGADDR_A_TEST_RETVAL]);
	if (tb[CGADDR_A_TEST_INSN_CNT])
		r->insn_cnt = nl_u64(tb[CGADDR_A_TEST_INSN_CNT]);
	if (tb[CGADDR_A_TEST_DURATION_NS])
		r->duration_ns = nl_u64(tb[CGADDR_A_TEST_DURATION_NS]);
	if (tb[CGADDR_A_TEST_FAULT])
		r->fault = nl_u32(tb[CGADDR_A_TEST_FAULT]);
	if (tb[CGADDR_A_TEST_CTX]) {
		if (mnl_attr_get_payload_len(tb[CGADDR_A_TEST_CTX]) != sizeof(r->ctx)) {
			err("malformed answer from the module: the context is %u bytes, not %zu",
			    mnl_attr_get_payload_len(tb[CGADDR_A_TEST_CTX]), sizeof(r->ctx));
			return -EPROTO;
		}
		memcpy(&r->ctx, mnl_attr_get_payload(tb[CGADDR_A_TEST_CTX]), sizeof(r->ctx));
		r->has_ctx = true;
	}
	return 0;
}

int prog_test_run(struct nl *nl, uint32_t id, const struct bpf_sock_addr *ctx,
		  const struct bpf_sock *sk, struct run_result *r)
{
	struct nl_msg *m;
	int ret;

	memset(r, 0, sizeof(*r));
	m = nl_msg_new(nl, CGADDR_CMD_TEST_RUN, false, sizeof(*ctx) + sizeof(*sk) + 64);
	if (!m)
		return -ENOMEM;
	nl_put_u32(m, CGADDR_A_PROG_ID, id);
	nl_put_bin(m, CGADDR_A_TEST_CTX, ctx, sizeof(*ctx));
	if (sk)
		nl_put_bin(m, CGADDR_A_TEST_SK, sk, sizeof(*sk));
	ret = nl_talk(nl, m, run_reply, r);
	nl_msg_free(m);
	return ret;
}

static const char *fault_name(uint32_t fault)
{
	static const char *const names[] = {
		[CGADDR_FAULT_NONE] = "none",
		[CGADDR_FAULT_MEMORY] = "memory",
		[CGADDR_FAULT_HELPER] = "helper",
		[CGADDR_FAULT_BUDGET] = "budget",
		[CGADDR_FAULT_CALL_DEPTH] = "call_depth",
		[CGADDR_FAULT_RETVAL] = "retval",
	};

	return fault < ARRAY_SIZE(names) && names[fault] ? names[fault] : "unknown";
}

/* What the hook makes of r0, as the kernel does. */
static const char *verdict(uint32_t attach_type, uint64_t r0, uint32_t fault)
{
	bool bind = attach_type == BPF_CGROUP_INET4_BIND || attach_type == BPF_CGROUP_INET6_BIND;

	if (fault)
		return "fault";
	if (!(r0 & 1))
		return "deny";
	if (bind && r0 == 3)
		return "allow, no CAP_NET_BIND_SERVICE check";
	return "allow";
}

static void print_result(const struct prog_info *p, const struct run_args *a,
			 const struct run_result *r)
{
	const struct bpf_sock_addr *after = r->has_ctx ? &r->ctx : &a->ctx;
	char now[64], was[64];
	size_t i;

	if (opt_json) {
		json_begin_object();
		json_kv_uint("id", p->id);
		json_kv_string("type", type_str(p->attach_type));
		json_kv_uint("retval", r->retval);
		json_kv_string("verdict", verdict(p->attach_type, r->retval, r->fault));
		json_kv_uint("insn_cnt", r->insn_cnt);
		json_kv_string("fault", fault_name(r->fault));
		json_kv_uint("fault_code", r->fault);
		json_kv_uint("duration_ns", r->duration_ns);
		json_key("ctx");
		json_begin_object();
		for (i = 0; i < ARRAY_SIZE(ctx_fields); i++) {
			const struct field *f = &ctx_fields[i];

			field_str(after, f, now, sizeof(now));
			if (f->kind == F_IP4 || f->kind == F_IP6)
				json_kv_string(f->name, now);
			else if (f->kind == F_PORT_NET)
				json_kv_uint(f->name, field_port(after, f));
			else
				json_kv_uint(f->name, field_u32(after, f));
		}
		json_end_object();
		json_key("changed");
		json_begin_array();
		for (i = 0; i < ARRAY_SIZE(ctx_fields); i++)
			if (field_changed(&a->ctx, after, &ctx_fields[i]))
				json_string(ctx_fields[i].name);
		json_end_array();
		json_end_object();
		json_finish();
		return;
	}
	printf("retval       %llu (%s)\n", (unsigned long long)r->retval,
	       verdict(p->attach_type, r->retval, r->fault));
	printf("insns        %llu\n", (unsigned long long)r->insn_cnt);
	printf("fault        %s\n", fault_name(r->fault));
	printf("duration     %lluns\n", (unsigned long long)r->duration_ns);
	for (i = 0; i < ARRAY_SIZE(ctx_fields); i++) {
		const struct field *f = &ctx_fields[i];

		field_str(after, f, now, sizeof(now));
		if (field_changed(&a->ctx, after, f)) {
			field_str(&a->ctx, f, was, sizeof(was));
			printf("%-12s %s  (was %s)\n", f->name, now, was);
		} else {
			printf("%-12s %s\n", f->name, now);
		}
	}
}

int do_prog_run(int argc, char **argv)
{
	struct run_result r = { 0 };
	struct run_args a = { 0 };
	struct prog_info info;
	struct nl *nl;
	int ret;

	if (argc < 1)
		return usage_err("prog run: which program?  Usage: " RUN_USAGE);
	if (parse_id("prog run", argv[0], &a.id))
		return -EINVAL;
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = prog_get(nl, a.id, &info, "prog run");
	if (ret)
		goto out;
	set_defaults(&a, info.attach_type);
	ret = parse_run_args(argc, argv, &a);
	if (ret)
		goto out;
	ret = prog_test_run(nl, a.id, &a.ctx, a.has_sk ? &a.sk : NULL, &r);
	if (ret)
		nl_fail(nl, ret, "prog run");
	else
		print_result(&info, &a, &r);
out:
	nl_close(nl);
	return ret;
}
