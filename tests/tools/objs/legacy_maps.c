// SPDX-License-Identifier: GPL-2.0
/* Loader test: a legacy map definition in section "maps" (issue 6). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct legacy_map_def ports SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1,
};

SEC("cgroup/bind4")
int uselegacy(struct bpf_sock_addr *ctx)
{
	__u32 key = 0, *v = bpf_map_lookup_elem(&ports, &key);

	return v ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
