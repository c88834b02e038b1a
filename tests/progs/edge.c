// SPDX-License-Identifier: GPL-2.0
/*
 * Edge cases of the hooks and the helpers.
 *
 * port0_4:    sendmsg4 rewriting the port to 0 (the kernel then says EINVAL)
 * mapped6:    sendmsg6 rewriting the destination to v4-mapped (ENOTSUPP)
 * retval4:    bind4 denying with bpf_set_retval(-EADDRINUSE): the caller
 *             sees EADDRINUSE instead of EPERM
 * retval_ok4: connect4 allowing but setting -ECONNABORTED: the call fails
 *             with it (the errno a program set wins, as natively)
 * unspec4:   connect4 denying AF_UNSPEC addresses, which natively never
 *             reach connect programs (connect(AF_UNSPEC) disconnects)
 * helpers4:   bind4 checking what the helpers return for a bind to port
 *             7000 made by `sockprobe` as uid 1000 gid 1000: the bound
 *             port is 7000 + a bit per helper that answered as expected
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define EADDRINUSE	98
#define ECONNABORTED	103

SEC("cgroup/sendmsg4")
int port0_4(struct bpf_sock_addr *ctx)
{
	ctx->user_port = 0;
	return 1;
}

SEC("cgroup/sendmsg6")
int mapped6(struct bpf_sock_addr *ctx)
{
	ctx->user_ip6[0] = 0;
	ctx->user_ip6[1] = 0;
	ctx->user_ip6[2] = bpf_htonl(0xffff);
	ctx->user_ip6[3] = bpf_htonl(0x7f000001);
	return 1;
}

SEC("cgroup/bind4")
int retval4(struct bpf_sock_addr *ctx)
{
	bpf_set_retval(-EADDRINUSE);
	return 0;
}

SEC("cgroup/connect4")
int retval_ok4(struct bpf_sock_addr *ctx)
{
	if (bpf_get_retval() != 0)
		return 0;
	bpf_set_retval(-ECONNABORTED);
	return 1;
}

SEC("cgroup/connect4")
int unspec4(struct bpf_sock_addr *ctx)
{
	return ctx->user_family != 0;
}

SEC("cgroup/bind4")
int helpers4(struct bpf_sock_addr *ctx)
{
	char comm[16];
	__u32 bits = 0;
	__u64 t0, t1;

	if (ctx->user_port != bpf_htons(7000))
		return 1;
	if (bpf_get_current_uid_gid() == ((__u64)1000 << 32 | 1000))
		bits |= 1;
	if (bpf_get_current_pid_tgid() >> 32)
		bits |= 2;
	if (!bpf_get_current_comm(comm, sizeof(comm)) && comm[0] == 's' && comm[1] == 'o' &&
	    comm[2] == 'c' && comm[3] == 'k')
		bits |= 4;
	if (bpf_get_socket_cookie(ctx))
		bits |= 8;
	if (bpf_get_netns_cookie(ctx) && bpf_get_netns_cookie(ctx) == bpf_get_netns_cookie(ctx))
		bits |= 16;
	t0 = bpf_ktime_get_ns();
	t1 = bpf_ktime_get_ns();
	if (t0 && t1 >= t0)
		bits |= 32;
	if (bpf_get_current_cgroup_id() > 1)
		bits |= 64;
	if (bpf_get_prandom_u32() != bpf_get_prandom_u32())
		bits |= 128;
	if (ctx->sk) {
		struct bpf_sock *sk = ctx->sk;

		if (sk->family == 2 && sk->type == 2 && sk->protocol == 17)
			bits |= 256;
	}
	ctx->user_port = bpf_htons(7000 + bits);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
