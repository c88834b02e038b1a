// SPDX-License-Identifier: GPL-2.0
/*
 * Adds one to the port of every bind (a requested port 0 stays 0): with
 * several programs attached, the final port counts how many ran.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __always_inline void bump(struct bpf_sock_addr *ctx)
{
	__u16 port = bpf_ntohs(ctx->user_port);

	if (port)
		ctx->user_port = bpf_htons(port + 1);
}

SEC("cgroup/bind4")
int mark4(struct bpf_sock_addr *ctx)
{
	bump(ctx);
	return 1;
}

SEC("cgroup/bind6")
int mark6(struct bpf_sock_addr *ctx)
{
	bump(ctx);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
