// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the connect, sendmsg, recvmsg and getname hooks.
 *
 * connect: a connect to port 4242 goes to 127.0.0.1:4343 (::1 for v6)
 *          instead; a connect to port 4999 is denied; with srcpin4/6, the
 *          socket is bound to 192.0.2.20 / 2001:db8::20 (port 0) first.
 * sendmsg: a datagram to port 4242 goes to 127.0.0.1:4343 (::1) instead,
 *          from 192.0.2.20 / 2001:db8::20; to port 4999: denied.
 * recvmsg: every datagram is reported as coming from 198.51.100.1:53
 *          (2001:db8::53 port 53).
 * getname: getpeername reports port 4343 as 4242; getsockname reports
 *          the address as 203.0.113.1 (2001:db8::203).
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET		2
#define AF_INET6	10

#define FROM	4242
#define TO	4343
#define DENIED	4999

SEC("cgroup/connect4")
int redirect4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(DENIED))
		return 0;
	if (ctx->user_port == bpf_htons(FROM)) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(TO);
	}
	return 1;
}

SEC("cgroup/connect6")
int redirect6(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(DENIED))
		return 0;
	if (ctx->user_port == bpf_htons(FROM)) {
		ctx->user_ip6[0] = 0;
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = 0;
		ctx->user_ip6[3] = bpf_htonl(1);
		ctx->user_port = bpf_htons(TO);
	}
	return 1;
}

SEC("cgroup/connect4")
int srcpin4(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = bpf_htonl(0xc0000214),	/* 192.0.2.20 */
	};

	bpf_bind(ctx, (struct sockaddr *)&sa, sizeof(sa));
	return 1;
}

SEC("cgroup/connect6")
int srcpin6(struct bpf_sock_addr *ctx)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	sa.sin6_addr.s6_addr32[0] = bpf_htonl(0x20010db8);
	sa.sin6_addr.s6_addr32[3] = bpf_htonl(0x20);		/* 2001:db8::20 */
	bpf_bind(ctx, (struct sockaddr *)&sa, sizeof(sa));
	return 1;
}

SEC("cgroup/sendmsg4")
int send4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(DENIED))
		return 0;
	if (ctx->user_port == bpf_htons(FROM)) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(TO);
		ctx->msg_src_ip4 = bpf_htonl(0xc0000214);
	}
	return 1;
}

SEC("cgroup/sendmsg6")
int send6(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(DENIED))
		return 0;
	if (ctx->user_port == bpf_htons(FROM)) {
		ctx->user_ip6[0] = 0;
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = 0;
		ctx->user_ip6[3] = bpf_htonl(1);
		ctx->user_port = bpf_htons(TO);
		ctx->msg_src_ip6[0] = bpf_htonl(0x20010db8);
		ctx->msg_src_ip6[1] = 0;
		ctx->msg_src_ip6[2] = 0;
		ctx->msg_src_ip6[3] = bpf_htonl(0x20);
	}
	return 1;
}

SEC("cgroup/recvmsg4")
int recv4(struct bpf_sock_addr *ctx)
{
	ctx->user_ip4 = bpf_htonl(0xc6336401);			/* 198.51.100.1 */
	ctx->user_port = bpf_htons(53);
	return 1;
}

SEC("cgroup/recvmsg6")
int recv6(struct bpf_sock_addr *ctx)
{
	ctx->user_ip6[0] = bpf_htonl(0x20010db8);
	ctx->user_ip6[1] = 0;
	ctx->user_ip6[2] = 0;
	ctx->user_ip6[3] = bpf_htonl(0x53);
	ctx->user_port = bpf_htons(53);
	return 1;
}

SEC("cgroup/getpeername4")
int peer4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(TO))
		ctx->user_port = bpf_htons(FROM);
	return 1;
}

SEC("cgroup/getpeername6")
int peer6(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(TO))
		ctx->user_port = bpf_htons(FROM);
	return 1;
}

SEC("cgroup/getsockname4")
int name4(struct bpf_sock_addr *ctx)
{
	ctx->user_ip4 = bpf_htonl(0xcb007101);			/* 203.0.113.1 */
	return 1;
}

SEC("cgroup/getsockname6")
int name6(struct bpf_sock_addr *ctx)
{
	ctx->user_ip6[0] = bpf_htonl(0x20010db8);
	ctx->user_ip6[1] = 0;
	ctx->user_ip6[2] = 0;
	ctx->user_ip6[3] = bpf_htonl(0x203);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
