// SPDX-License-Identifier: GPL-2.0
/*
 * BTF-defined maps of every type cgaddr has, used by one bind4 program
 * (tests/guest/cases/30-maps.sh):
 *
 * port_counts  HASH, port -> binds: created with BPF_NOEXIST on the first
 *              bind of a port, then incremented in place
 * rules        ARRAY[1]: a port to deny (0: none), set from user space
 * pcpu         PERCPU_ARRAY[1]: binds seen by each CPU
 * recent       LRU_HASH of 4 ports: the most recently bound
 * sk_binds     SK_STORAGE: binds per socket
 * noexist_err  ARRAY[2]: [0] what a second BPF_NOEXIST insert of the port
 *              returned (-EEXIST), [1] what a BPF_EXIST update of port + 1
 *              returned when absent (-ENOENT)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} port_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} sk_binds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __s64);
} noexist_err SEC(".maps");

SEC("cgroup/bind4")
int count_bind4(struct bpf_sock_addr *ctx)
{
	__u32 port = bpf_ntohs(ctx->user_port), next = port + 1, zero = 0, one_idx = 1;
	__u64 one = 1, *cnt, *pc;
	__u32 *rule, *sv;
	__s64 e;

	cnt = bpf_map_lookup_elem(&port_counts, &port);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		e = bpf_map_update_elem(&port_counts, &port, &one, BPF_NOEXIST);
		bpf_map_update_elem(&noexist_err, &zero, &e, BPF_ANY);
	} else {
		bpf_map_update_elem(&port_counts, &port, &one, BPF_NOEXIST);
	}
	e = bpf_map_update_elem(&recent, &next, &next, BPF_EXIST);
	bpf_map_update_elem(&noexist_err, &one_idx, &e, BPF_ANY);

	pc = bpf_map_lookup_elem(&pcpu, &zero);
	if (pc)
		*pc += 1;
	bpf_map_update_elem(&recent, &port, &port, BPF_ANY);
	if (ctx->sk) {
		sv = bpf_sk_storage_get(&sk_binds, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (sv)
			*sv += 1;
	}
	rule = bpf_map_lookup_elem(&rules, &zero);
	if (rule && *rule && *rule == port)
		return 0;
	return 1;
}

/* A second program of the object: shares port_counts with count_bind4. */
SEC("cgroup/bind6")
int count_bind6(struct bpf_sock_addr *ctx)
{
	__u32 port = bpf_ntohs(ctx->user_port);
	__u64 one = 1, *cnt;

	cnt = bpf_map_lookup_elem(&port_counts, &port);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&port_counts, &port, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
