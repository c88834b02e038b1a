// SPDX-License-Identifier: GPL-2.0
/* Loader test: no license section. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/bind4")
int nolicense(struct bpf_sock_addr *ctx)
{
	return 1;
}
