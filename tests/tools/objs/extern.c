// SPDX-License-Identifier: GPL-2.0
/* Loader test: a kconfig extern. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int CONFIG_HZ __kconfig;

SEC("cgroup/bind4")
int useextern(struct bpf_sock_addr *ctx)
{
	return CONFIG_HZ > 100 ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
