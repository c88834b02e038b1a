// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's long programs: about 100 eBPF instructions executed per
 * run (straight-line hashing of the context's fields, then a compare that
 * never matches in the benchmark), one per hook sockbench exercises.  No
 * maps, no global data: nothing to relocate, so bpfload can attach them
 * natively too.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* One round of mixing (a few ALU instructions). */
#define MIX(h, v)	do { (h) ^= (v); (h) *= 0x9e3779b1u; (h) ^= (h) >> 15; } while (0)

static __always_inline int long_body(struct bpf_sock_addr *ctx, __u32 a)
{
	__u32 h = 0x12345678, p = ctx->user_port, f = ctx->family;
	__u32 t = ctx->type, pr = ctx->protocol;

	MIX(h, a);   MIX(h, p);   MIX(h, f);   MIX(h, t);
	MIX(h, pr);  MIX(h, a >> 8);  MIX(h, p >> 4);  MIX(h, a >> 16);
	MIX(h, a + 1);  MIX(h, p + 2);  MIX(h, f + 3);  MIX(h, t + 4);
	MIX(h, pr + 5);
	if (h == 0xdeadbeef)
		ctx->user_port = 0;
	return 1;
}

SEC("cgroup/bind4")
int long_bind4(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip4);
}

SEC("cgroup/bind6")
int long_bind6(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip6[3] ^ ctx->user_ip6[0]);
}

SEC("cgroup/connect4")
int long_connect4(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip4);
}

SEC("cgroup/sendmsg4")
int long_sendmsg4(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip4);
}

SEC("cgroup/recvmsg4")
int long_recvmsg4(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip4);
}

SEC("cgroup/getsockname4")
int long_getsockname4(struct bpf_sock_addr *ctx)
{
	return long_body(ctx, ctx->user_ip4);
}

char LICENSE[] SEC("license") = "GPL";
