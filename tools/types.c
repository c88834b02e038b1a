// SPDX-License-Identifier: GPL-2.0
/* The sock_addr attach types and their names. */
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "types.h"
#include "util.h"

#define T(attach_, name_, enum_, tool_, fam_, st_) {			\
	.attach = attach_, .name = name_, .section = "cgroup/" name_,	\
	.enum_name = enum_, .bpftool = tool_, .family = fam_, .sock_type = st_ }

static const struct attach_type types[] = {
	T(BPF_CGROUP_INET4_BIND, "bind4", "BPF_CGROUP_INET4_BIND",
	  "cgroup_inet4_bind", AF_INET, SOCK_STREAM),
	T(BPF_CGROUP_INET6_BIND, "bind6", "BPF_CGROUP_INET6_BIND",
	  "cgroup_inet6_bind", AF_INET6, SOCK_STREAM),
	T(BPF_CGROUP_INET4_CONNECT, "connect4", "BPF_CGROUP_INET4_CONNECT",
	  "cgroup_inet4_connect", AF_INET, SOCK_STREAM),
	T(BPF_CGROUP_INET6_CONNECT, "connect6", "BPF_CGROUP_INET6_CONNECT",
	  "cgroup_inet6_connect", AF_INET6, SOCK_STREAM),
	T(BPF_CGROUP_UDP4_SENDMSG, "sendmsg4", "BPF_CGROUP_UDP4_SENDMSG",
	  "cgroup_udp4_sendmsg", AF_INET, SOCK_DGRAM),
	T(BPF_CGROUP_UDP6_SENDMSG, "sendmsg6", "BPF_CGROUP_UDP6_SENDMSG",
	  "cgroup_udp6_sendmsg", AF_INET6, SOCK_DGRAM),
	T(BPF_CGROUP_UDP4_RECVMSG, "recvmsg4", "BPF_CGROUP_UDP4_RECVMSG",
	  "cgroup_udp4_recvmsg", AF_INET, SOCK_DGRAM),
	T(BPF_CGROUP_UDP6_RECVMSG, "recvmsg6", "BPF_CGROUP_UDP6_RECVMSG",
	  "cgroup_udp6_recvmsg", AF_INET6, SOCK_DGRAM),
	T(BPF_CGROUP_INET4_GETPEERNAME, "getpeername4", "BPF_CGROUP_INET4_GETPEERNAME",
	  "cgroup_inet4_getpeername", AF_INET, SOCK_STREAM),
	T(BPF_CGROUP_INET6_GETPEERNAME, "getpeername6", "BPF_CGROUP_INET6_GETPEERNAME",
	  "cgroup_inet6_getpeername", AF_INET6, SOCK_STREAM),
	T(BPF_CGROUP_INET4_GETSOCKNAME, "getsockname4", "BPF_CGROUP_INET4_GETSOCKNAME",
	  "cgroup_inet4_getsockname", AF_INET, SOCK_STREAM),
	T(BPF_CGROUP_INET6_GETSOCKNAME, "getsockname6", "BPF_CGROUP_INET6_GETSOCKNAME",
	  "cgroup_inet6_getsockname", AF_INET6, SOCK_STREAM),
};

const struct attach_type *type_at(unsigned int i)
{
	return i < ARRAY_SIZE(types) ? &types[i] : NULL;
}

const struct attach_type *type_by_attach(uint32_t attach)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].attach == attach)
			return &types[i];
	return NULL;
}

const struct attach_type *type_by_name(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		const struct attach_type *t = &types[i];

		if (!strcmp(s, t->name) || !strcmp(s, t->section) ||
		    !strcasecmp(s, t->enum_name) || !strcasecmp(s, t->bpftool) ||
		    !strcasecmp(s, t->enum_name + strlen("BPF_")))
			return t;
	}
	return NULL;
}

const struct attach_type *type_by_section(const char *section)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(section, types[i].section))
			return &types[i];
	return NULL;
}

const char *type_str(uint32_t attach)
{
	static char buf[32];
	const struct attach_type *t = type_by_attach(attach);

	if (t)
		return t->name;
	snprintf(buf, sizeof(buf), "type %u", attach);
	return buf;
}

#define NOT_SOCK_ADDR(t)	"a BPF_PROG_TYPE_" t " program, not a sock_addr program"
#define UNIX_HOOK		"an AF_UNIX sock_addr program; cgaddr runs the INET hooks only"

static const struct {
	const char *prefix;
	const char *what;
} foreign[] = {
	{ "cgroup/post_bind", NOT_SOCK_ADDR("CGROUP_SOCK") " (a post-bind hook)" },
	{ "cgroup/sock", NOT_SOCK_ADDR("CGROUP_SOCK") },
	{ "cgroup/connect_unix", UNIX_HOOK },
	{ "cgroup/sendmsg_unix", UNIX_HOOK },
	{ "cgroup/recvmsg_unix", UNIX_HOOK },
	{ "cgroup/getpeername_unix", UNIX_HOOK },
	{ "cgroup/getsockname_unix", UNIX_HOOK },
	{ "cgroup/skb", NOT_SOCK_ADDR("CGROUP_SKB") },
	{ "cgroup_skb/", NOT_SOCK_ADDR("CGROUP_SKB") },
	{ "cgroup/dev", NOT_SOCK_ADDR("CGROUP_DEVICE") },
	{ "cgroup/sysctl", NOT_SOCK_ADDR("CGROUP_SYSCTL") },
	{ "cgroup/getsockopt", NOT_SOCK_ADDR("CGROUP_SOCKOPT") },
	{ "cgroup/setsockopt", NOT_SOCK_ADDR("CGROUP_SOCKOPT") },
	{ "sockops", NOT_SOCK_ADDR("SOCK_OPS") },
};

const char *type_foreign_section(const char *section)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(foreign); i++)
		if (!strncmp(section, foreign[i].prefix, strlen(foreign[i].prefix)))
			return foreign[i].what;
	return NULL;
}

static const char *type_list(char *buf, size_t len, bool sections)
{
	size_t off = 0;
	unsigned int i;

	if (buf[0])
		return buf;
	for (i = 0; i < ARRAY_SIZE(types) && off < len; i++) {
		const char *s = sections ? types[i].section : types[i].name;

		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", s);
	}
	return buf;
}

const char *type_section_list(void)
{
	static char buf[256];

	return type_list(buf, sizeof(buf), true);
}

const char *type_name_list(void)
{
	static char buf[160];

	return type_list(buf, sizeof(buf), false);
}
