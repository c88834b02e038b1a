// SPDX-License-Identifier: GPL-2.0
/* Loader test: a section name that is no attach type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/bind5")
int badsec(struct bpf_sock_addr *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
