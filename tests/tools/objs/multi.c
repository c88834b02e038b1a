// SPDX-License-Identifier: GPL-2.0
/*
 * Loader test: several programs in several sections share a subprogram
 * and custom data sections; each program gets its own copy of what it
 * uses, numbered in its own order of first use.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

__u32 hits SEC(".data.hits") = 1;
const volatile __u32 limit SEC(".rodata.limits") = 1024;
__u32 zeros[16];

static __noinline int below_limit(struct bpf_sock_addr *ctx)
{
	return bpf_ntohs(ctx->user_port) < limit;
}

SEC("cgroup/bind4")
int first4(struct bpf_sock_addr *ctx)
{
	hits++;
	return below_limit(ctx);
}

SEC("cgroup/bind4")
int second4(struct bpf_sock_addr *ctx)
{
	zeros[3]++;
	return below_limit(ctx);
}

SEC("cgroup/connect6")
int connect_prog_with_a_long_name(struct bpf_sock_addr *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
