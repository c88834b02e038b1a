// SPDX-License-Identifier: GPL-2.0
/* Loader test: more global data than one netlink attribute carries. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u8 big[70000];

SEC("cgroup/bind4")
int usebig(struct bpf_sock_addr *ctx)
{
	big[ctx->user_port & 0xffff]++;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
