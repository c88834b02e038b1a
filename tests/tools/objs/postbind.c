// SPDX-License-Identifier: GPL-2.0
/* Loader test: a post-bind program is BPF_PROG_TYPE_CGROUP_SOCK, not sock_addr. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/post_bind4")
int postbind(struct bpf_sock *sk)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
