// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's "pin" programs in C: what `cgaddr pin CG --ipv4
 * 192.0.2.10 --ipv6 2001:db8::10` generates, written for clang, so that the
 * same object can be attached both with cgaddr and natively (bpfload).
 * Plus small recvmsg4 and getsockname4 programs (pin has none) so that
 * every workload of sockbench has a program to run.  No maps, no global
 * data: nothing to relocate.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET		2
#define AF_INET6	10
#define PIN4		0xc000020a	/* 192.0.2.10 */

SEC("cgroup/bind4")
int bp_bind4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == 0)
		ctx->user_ip4 = bpf_htonl(PIN4);
	return 1;
}

SEC("cgroup/bind6")
int bp_bind6(struct bpf_sock_addr *ctx)
{
	__u32 a = ctx->user_ip6[0], b = ctx->user_ip6[1];
	__u32 c = ctx->user_ip6[2], d = ctx->user_ip6[3];

	if (a || b || d)
		return 1;
	if (c == 0) {
		ctx->user_ip6[0] = bpf_htonl(0x20010db8);
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = 0;
		ctx->user_ip6[3] = bpf_htonl(0x10);
	} else if (c == bpf_htonl(0xffff)) {
		ctx->user_ip6[3] = bpf_htonl(PIN4);
	}
	return 1;
}

SEC("cgroup/connect4")
int bp_connect4(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = bpf_htonl(PIN4),
	};

	bpf_bind(ctx, (struct sockaddr *)&sa, sizeof(sa));
	return 1;
}

SEC("cgroup/connect6")
int bp_connect6(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 &&
	    ctx->user_ip6[2] == bpf_htonl(0xffff)) {
		sa.sin6_addr.s6_addr32[2] = bpf_htonl(0xffff);
		sa.sin6_addr.s6_addr32[3] = bpf_htonl(PIN4);
	} else {
		sa.sin6_addr.s6_addr32[0] = bpf_htonl(0x20010db8);
		sa.sin6_addr.s6_addr32[3] = bpf_htonl(0x10);
	}
	bpf_bind(ctx, (struct sockaddr *)&sa, sizeof(sa));
	return 1;
}

SEC("cgroup/sendmsg4")
int bp_sendmsg4(struct bpf_sock_addr *ctx)
{
	if (ctx->msg_src_ip4 == 0)
		ctx->msg_src_ip4 = bpf_htonl(PIN4);
	return 1;
}

SEC("cgroup/sendmsg6")
int bp_sendmsg6(struct bpf_sock_addr *ctx)
{
	if (ctx->msg_src_ip6[0] == 0 && ctx->msg_src_ip6[1] == 0 &&
	    ctx->msg_src_ip6[2] == 0 && ctx->msg_src_ip6[3] == 0) {
		ctx->msg_src_ip6[0] = bpf_htonl(0x20010db8);
		ctx->msg_src_ip6[1] = 0;
		ctx->msg_src_ip6[2] = 0;
		ctx->msg_src_ip6[3] = bpf_htonl(0x10);
	}
	return 1;
}

/* Reports 127.0.0.1 sources as 127.0.0.2 (a rewrite that runs every time). */
SEC("cgroup/recvmsg4")
int bp_recvmsg4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(0x7f000001))
		ctx->user_ip4 = bpf_htonl(0x7f000002);
	return 1;
}

SEC("cgroup/getsockname4")
int bp_getsockname4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(0x7f000001))
		ctx->user_ip4 = bpf_htonl(0x7f000002);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
