// SPDX-License-Identifier: GPL-2.0
/* Loader test: a call to a kernel function. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym;

SEC("cgroup/bind4")
int usekfunc(struct bpf_sock_addr *ctx)
{
	bpf_rcu_read_lock();
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
