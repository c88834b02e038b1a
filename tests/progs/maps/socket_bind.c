// SPDX-License-Identifier: GPL-2.0
/*
 * A bind policy in the style of systemd's SocketBindAllow=/SocketBindDeny=
 * (socket-bind.bpf.c), written for cgaddr's tests: two ARRAY maps of rules
 * {address family, protocol, number of ports, first port}, where 0 means
 * "any" for each field; a bind matching an allow rule is allowed, else one
 * matching a deny rule is denied, else it is allowed.  A rule is scanned
 * only below the .rodata limits nr_allow / nr_deny (set at load: cgaddr prog
 * load socket_bind.o set nr_deny=1 ...), never past MAX_RULES: the loop is
 * bounded, as the verifier wants.  Rules are updated from user space while
 * binds go on (32-kernel-selftests).
 *
 * Needs maps (helper 1, ARRAY): built into build/progs/maps/, which the
 * tests of programs without maps do not include.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_RULES	16

struct bind_rule {
	__u32 family;		/* AF_INET, AF_INET6, or 0: any */
	__u32 protocol;		/* IPPROTO_TCP, IPPROTO_UDP, or 0: any */
	__u16 nr_ports;		/* 0: any port */
	__u16 port_min;		/* host order */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct bind_rule);
	__uint(max_entries, MAX_RULES);
} bind_allow SEC(".maps"), bind_deny SEC(".maps");

const volatile __u32 nr_allow;
const volatile __u32 nr_deny;

static __always_inline int rule_matches(const struct bind_rule *r, __u32 family,
					 __u32 protocol, __u16 port)
{
	if (r->family && r->family != family)
		return 0;
	if (r->protocol && r->protocol != protocol)
		return 0;
	return !r->nr_ports ||
	       (port >= r->port_min && port < (__u32)r->port_min + r->nr_ports);
}

static __always_inline int any_matches(void *rules, __u32 nr, __u32 family, __u32 protocol,
					__u16 port)
{
	__u32 i;

	for (i = 0; i < MAX_RULES && i < nr; i++) {
		__u32 key = i;
		const struct bind_rule *r = bpf_map_lookup_elem(rules, &key);

		if (!r)
			return 0;
		if (rule_matches(r, family, protocol, port))
			return 1;
	}
	return 0;
}

static __always_inline int bind_policy(struct bpf_sock_addr *ctx)
{
	__u16 port = bpf_ntohs(ctx->user_port);

	if (any_matches(&bind_allow, nr_allow, ctx->user_family, ctx->protocol, port))
		return 1;
	if (any_matches(&bind_deny, nr_deny, ctx->user_family, ctx->protocol, port))
		return 0;
	return 1;
}

SEC("cgroup/bind4")
int socket_bind4(struct bpf_sock_addr *ctx)
{
	return bind_policy(ctx);
}

SEC("cgroup/bind6")
int socket_bind6(struct bpf_sock_addr *ctx)
{
	return bind_policy(ctx);
}

char LICENSE[] SEC("license") = "GPL";
