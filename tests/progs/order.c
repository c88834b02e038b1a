// SPDX-License-Identifier: GPL-2.0
/*
 * Which programs ran, in which order: program X appends its digit to the
 * port in decimal, port = port * 10 + digit, with A=1 B=2 C=3 D=4 E=5
 * F=6 (order_a ... order_f for bind4, order6_a ... order6_f for bind6).
 * Bind port 0 and read the bound port: F,D,A,B gives 6412, E,D,A,B 5412,
 * E,A,B 512, C,A,B 312.  A port that would pass 65535 is left alone
 * (at most four programs can be told apart).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __always_inline int append(struct bpf_sock_addr *ctx, __u32 digit)
{
	__u32 port = bpf_ntohs(ctx->user_port);

	if (port <= (65535 - digit) / 10)
		ctx->user_port = bpf_htons(port * 10 + digit);
	return 1;
}

#define ORDER(x, digit)						\
SEC("cgroup/bind4")						\
int order_##x(struct bpf_sock_addr *ctx)			\
{								\
	return append(ctx, digit);				\
}								\
SEC("cgroup/bind6")						\
int order6_##x(struct bpf_sock_addr *ctx)			\
{								\
	return append(ctx, digit);				\
}

ORDER(a, 1)
ORDER(b, 2)
ORDER(c, 3)
ORDER(d, 4)
ORDER(e, 5)
ORDER(f, 6)

char LICENSE[] SEC("license") = "GPL";
