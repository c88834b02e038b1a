// SPDX-License-Identifier: GPL-2.0
/* Loader test: a pointer in global data (a relocation in .data). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 target = 5;
__u32 *volatile where = &target;

SEC("cgroup/bind4")
int usedataptr(struct bpf_sock_addr *ctx)
{
	return *where == 5;
}

char LICENSE[] SEC("license") = "GPL";
