// SPDX-License-Identifier: GPL-2.0
/*
 * Address and port rewriting on bind: a bind to port 4040 becomes a bind
 * to port 4444 on 192.0.2.10 (IPv4), 2001:db8::10 (IPv6), or
 * ::ffff:192.0.2.10 when the IPv6 socket asked for a v4-mapped address.
 * Binds to other ports are left alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define FROM_PORT	4040
#define TO_PORT		4444

SEC("cgroup/bind4")
int rewrite4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port != bpf_htons(FROM_PORT))
		return 1;
	ctx->user_ip4 = bpf_htonl(0xc000020a);	/* 192.0.2.10 */
	ctx->user_port = bpf_htons(TO_PORT);
	return 1;
}

SEC("cgroup/bind6")
int rewrite6(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port != bpf_htons(FROM_PORT))
		return 1;
	if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 &&
	    ctx->user_ip6[2] == bpf_htonl(0x0000ffff)) {
		/* v4-mapped: stay v4-mapped */
		ctx->user_ip6[3] = bpf_htonl(0xc000020a);
	} else {
		ctx->user_ip6[0] = bpf_htonl(0x20010db8);	/* 2001:db8::10 */
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = 0;
		ctx->user_ip6[3] = bpf_htonl(0x10);
	}
	ctx->user_port = bpf_htons(TO_PORT);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
