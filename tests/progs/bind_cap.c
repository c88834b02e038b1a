// SPDX-License-Identifier: GPL-2.0
/*
 * Allow, and skip the CAP_NET_BIND_SERVICE check: an unprivileged process
 * may bind a port below ip_unprivileged_port_start (return 3, Linux 5.12+).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/bind4")
int cap4(struct bpf_sock_addr *ctx)
{
	return 3;
}

SEC("cgroup/bind6")
int cap6(struct bpf_sock_addr *ctx)
{
	return 3;
}

char LICENSE[] SEC("license") = "GPL";
