// SPDX-License-Identifier: GPL-2.0
/*
 * Loader test: a program of more than 8191 instructions (more than one
 * netlink attribute carries, and above 4096: CGADDR_PROG_F_LARGE).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define R4(x)	x x x x
#define R16(x)	R4(R4(x))
#define R4096(x) R16(R16(R16(x)))

SEC("cgroup/bind4")
int bigprog(struct bpf_sock_addr *ctx)
{
	volatile __u32 v = 0;

	R4096(v += ctx->user_port;)
	return v != 1;
}

char LICENSE[] SEC("license") = "GPL";
