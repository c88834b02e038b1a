// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy map definitions (struct bpf_map_def in SEC("maps")), as older
 * objects have them: connect4 denies ports listed in `blocked` and counts
 * the connects it saw in `seen[0]`.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* libbpf 1.x dropped it from its headers; older objects define it so. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") blocked = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 16,
};

struct bpf_map_def SEC("maps") seen = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("cgroup/connect4")
int legacy_connect4(struct bpf_sock_addr *ctx)
{
	__u32 port = bpf_ntohs(ctx->user_port), zero = 0;
	__u64 *n = bpf_map_lookup_elem(&seen, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return bpf_map_lookup_elem(&blocked, &port) ? 0 : 1;
}

char LICENSE[] SEC("license") = "GPL";
