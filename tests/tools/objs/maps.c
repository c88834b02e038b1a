// SPDX-License-Identifier: GPL-2.0
/* Loader test: a BTF-defined map (issue 6). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

SEC("cgroup/bind4")
int usemap(struct bpf_sock_addr *ctx)
{
	__u32 key = 0, *v = bpf_map_lookup_elem(&ports, &key);

	return v ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
