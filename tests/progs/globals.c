// SPDX-License-Identifier: GPL-2.0
/*
 * Globals set at load time (cgaddr prog load globals.o set NAME=VALUE), in
 * the style of a libbpf skeleton: a bind to port match_port is rewritten to
 * new_ip4 / new_ip6 (network byte order) and new_port.  The defaults
 * rewrite nothing (match_port 0 never matches a bind of a given port).
 * The other variables are there for the CLI's tests of sizes and sections:
 * their values decide nothing.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 match_port;		/* host order */
const volatile __u16 new_port;			/* host order */
const volatile __be32 new_ip4;			/* an IPv4 address */
const volatile __u8 new_ip6[16];		/* an IPv6 address */
const volatile __s8 small = -1;			/* 1 byte, signed */
const volatile __s64 big = -2;			/* 8 bytes */
const volatile __u8 odd[3];			/* 3 bytes: no integer */
__u32 in_data = 7;				/* .data */
__u64 in_bss;					/* .bss */

static __always_inline int extras(void)
{
	/* Keeps every variable referenced (and so in the object). */
	return small + big + odd[0] + in_data + in_bss == 0x7fffffff;
}

SEC("cgroup/bind4")
int set4(struct bpf_sock_addr *ctx)
{
	in_bss++;
	if (extras())
		return 0;
	if (match_port && ctx->user_port == bpf_htons(match_port)) {
		ctx->user_ip4 = new_ip4;
		ctx->user_port = bpf_htons(new_port);
	}
	return 1;
}

SEC("cgroup/bind6")
int set6(struct bpf_sock_addr *ctx)
{
	int i;

	if (extras())
		return 0;
	if (match_port && ctx->user_port == bpf_htons(match_port)) {
		for (i = 0; i < 4; i++)
			ctx->user_ip6[i] = ((const volatile __u32 *)new_ip6)[i];
		ctx->user_port = bpf_htons(new_port);
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
