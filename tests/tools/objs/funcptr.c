// SPDX-License-Identifier: GPL-2.0
/* Loader test: a function address (bpf_loop callback): BPF_PSEUDO_FUNC. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static int step(__u32 i, void *data)
{
	*(__u32 *)data += i;
	return 0;
}

SEC("cgroup/bind4")
int useloop(struct bpf_sock_addr *ctx)
{
	__u32 sum = 0;

	bpf_loop(4, step, &sum, 0);
	return sum == 6;
}

char LICENSE[] SEC("license") = "GPL";
