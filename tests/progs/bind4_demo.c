// SPDX-License-Identifier: GPL-2.0
/*
 * The demo (make demo): a server in the cgroup that binds the wildcard
 * address 0.0.0.0 is bound to 192.0.2.10 instead.  Other binds are left
 * alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("cgroup/bind4")
int bind4_demo(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(0x00000000))
		ctx->user_ip4 = bpf_htonl(0xc000020a);	/* 192.0.2.10 */
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
