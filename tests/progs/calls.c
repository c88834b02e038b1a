// SPDX-License-Identifier: GPL-2.0
/*
 * BPF-to-BPF calls and global data.  A bind to port 4041 is rewritten to
 * 192.0.2.10 and port base (.rodata, 5000) + offset (.data, 100) + runs
 * (.bss, this program's run counter, incremented before the rewrite): the
 * first run gives 5101, the second 5102, ...  Other binds are allowed
 * unchanged.  The port is computed by a chain of non-inlined functions
 * (.text subprograms, one of them global); a string literal
 * (.rodata.str1.1) is checked by another: a bind is denied if it does not
 * read "cgaddr" back.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 base_port = 5000;	/* .rodata */
const volatile __u32 new_addr = 0xc000020a;	/* .rodata: 192.0.2.10 */
__u32 offset = 100;			/* .data */
__u32 runs;				/* .bss */

static __noinline __u32 add_runs(__u32 port)
{
	return port + runs;
}

static __noinline __u32 pick_port(void)
{
	return add_runs(base_port + offset);
}

__noinline int str_len(const char *s)
{
	int i;

	for (i = 0; i < 15; i++)
		if (!s[i])
			break;
	return i;
}

SEC("cgroup/bind4")
int calls4(struct bpf_sock_addr *ctx)
{
	const char *volatile marker = "cgaddr";

	runs++;
	if (str_len(marker) != 6)
		return 0;
	if (ctx->user_port == bpf_htons(4041)) {
		ctx->user_ip4 = bpf_htonl(new_addr);
		ctx->user_port = bpf_htons(pick_port());
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
