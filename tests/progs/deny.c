// SPDX-License-Identifier: GPL-2.0
/* Every bind fails with EPERM. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/bind4")
int deny4(struct bpf_sock_addr *ctx)
{
	return 0;
}

SEC("cgroup/bind6")
int deny6(struct bpf_sock_addr *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
