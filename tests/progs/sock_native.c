// SPDX-License-Identifier: GPL-2.0
/*
 * Socket helpers without global data, so that tests/guest/bpfload can
 * load them natively too (25-native-compare): the same objects through
 * cgaddr and through the kernel's cgroup BPF must give the same results.
 *
 * nlookup4/6: connect4/6 looking up the socket at the destination (TCP
 *             listener or bound UDP socket); not found: ENOENT; found with
 *             unexpected fields: EBADMSG; else released and allowed.
 * nsetopt4/6: connect4/6 setting IP_TOS 0x10 / IPV6_TCLASS 0x20, SO_MARK
 *             42, SO_PRIORITY 7 and, for TCP, TCP_CONGESTION "reno" and
 *             TCP_SYNCNT 3; an option the kernel refuses from BPF must give
 *             EINVAL; anything unexpected: EBADMSG.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET		2
#define AF_INET6	10
#define ENOENT		2
#define EBADMSG		74
#define EINVAL		22
#define SOL_SOCKET	1
#define SO_PRIORITY	12
#define SO_LINGER	13
#define SO_MARK		36
#define SOL_TCP		6
#define TCP_SYNCNT	7
#define TCP_CONGESTION	13
#define SOL_IP		0
#define IP_TOS		1
#define SOL_IPV6	41
#define IPV6_TCLASS	67
#define IPV6_AUTOFLOWLABEL 70
#define TCP_WINDOW_CLAMP 10
#define TCP_SAVED_SYN	28
#define ENOTUNIQ	76
#define EREMCHG		78
#define EBADFD		77
#define ENOPROTOOPT	92

static __always_inline int nlookup(struct bpf_sock_addr *ctx, struct bpf_sock_tuple *t,
				   __u32 size, int v6)
{
	struct bpf_sock *sk;
	int ok;

	if (ctx->protocol == IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(ctx, t, size, BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(ctx, t, size, BPF_F_CURRENT_NETNS, 0);
	if (!sk) {
		bpf_set_retval(-ENOENT);
		return 0;
	}
	ok = sk->family == (v6 ? AF_INET6 : AF_INET) && sk->protocol == ctx->protocol &&
	     sk->src_port == bpf_ntohs(ctx->user_port) &&
	     sk->state == (ctx->protocol == IPPROTO_TCP ? 10 : 7);
	bpf_sk_release(sk);
	if (ok && ctx->protocol == IPPROTO_TCP) {
		struct bpf_sock *skc = bpf_skc_lookup_tcp(ctx, t, size, BPF_F_CURRENT_NETNS, 0);

		if (!skc)
			ok = 0;
		else
			bpf_sk_release(skc);
	}
	if (!ok) {
		bpf_set_retval(-EBADMSG);
		return 0;
	}
	return 1;
}

SEC("cgroup/connect4")
int nlookup4(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple t = {};

	t.ipv4.daddr = ctx->user_ip4;
	t.ipv4.dport = ctx->user_port;
	return nlookup(ctx, &t, sizeof(t.ipv4), 0);
}

SEC("cgroup/connect6")
int nlookup6(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple t = {};

	t.ipv6.daddr[0] = ctx->user_ip6[0];
	t.ipv6.daddr[1] = ctx->user_ip6[1];
	t.ipv6.daddr[2] = ctx->user_ip6[2];
	t.ipv6.daddr[3] = ctx->user_ip6[3];
	t.ipv6.dport = ctx->user_port;
	return nlookup(ctx, &t, sizeof(t.ipv6), 1);
}

/*
 * The options programs rarely set, each checked here (the errno tells
 * which group went wrong): read back where the kernel can, the errors
 * where it refuses.
 */
static __always_inline int nsetopt_rare(struct bpf_sock_addr *ctx, int v6)
{
	int clamp = 20000, iw = 20, cwnd_clamp = 50, rto_min = 100000, delack = 20000;
	int too_long = 1000000, one = 1, zero = 0, v = 0;
	char syn[4];

	if (ctx->protocol == IPPROTO_TCP) {
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_WINDOW_CLAMP, &clamp, sizeof(clamp)) ||
		    bpf_getsockopt(ctx, SOL_TCP, TCP_WINDOW_CLAMP, &v, sizeof(v)) || v != clamp)
			return -ENOTUNIQ;
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_BPF_IW, &iw, sizeof(iw)) ||
		    bpf_setsockopt(ctx, SOL_TCP, TCP_BPF_SNDCWND_CLAMP, &cwnd_clamp,
				   sizeof(cwnd_clamp)) ||
		    bpf_setsockopt(ctx, SOL_TCP, TCP_BPF_RTO_MIN, &rto_min, sizeof(rto_min)) ||
		    bpf_setsockopt(ctx, SOL_TCP, TCP_BPF_DELACK_MAX, &delack, sizeof(delack)))
			return -EREMCHG;
		/* Over TCP_RTO_MIN; TCP_BPF_* are set-only; no SYN saved here. */
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_BPF_RTO_MIN, &too_long, sizeof(too_long)) != -EINVAL ||
		    bpf_getsockopt(ctx, SOL_TCP, TCP_BPF_IW, &v, sizeof(v)) != -EINVAL ||
		    bpf_getsockopt(ctx, SOL_TCP, TCP_SAVED_SYN, syn, sizeof(syn)) != -EINVAL ||
		    bpf_setsockopt(ctx, SOL_TCP, TCP_SAVED_SYN, syn, sizeof(syn)) != -ENOPROTOOPT)
			return -EBADFD;
	}
	if (v6) {
		if (bpf_setsockopt(ctx, SOL_IPV6, IPV6_AUTOFLOWLABEL, &one, sizeof(one)) ||
		    bpf_getsockopt(ctx, SOL_IPV6, IPV6_AUTOFLOWLABEL, &v, sizeof(v)) || v != 1 ||
		    bpf_setsockopt(ctx, SOL_IPV6, IPV6_AUTOFLOWLABEL, &zero, sizeof(zero)) ||
		    bpf_getsockopt(ctx, SOL_IPV6, IPV6_AUTOFLOWLABEL, &v, sizeof(v)) || v != 0)
			return -ENOTUNIQ;
	} else if (bpf_setsockopt(ctx, SOL_IPV6, IPV6_AUTOFLOWLABEL, &one, sizeof(one)) != -EINVAL) {
		return -ENOTUNIQ;
	}
	return 0;
}

static __always_inline int nsetopt(struct bpf_sock_addr *ctx, int v6)
{
	int tos = v6 ? 0x20 : 0x10, mark = 42, prio = 7, syncnt = 3, v = 0, got = 0;
	volatile char cc[8];

	cc[0] = 'r';
	cc[1] = 'e';
	cc[2] = 'n';
	cc[3] = 'o';
	cc[4] = 0;
	cc[5] = 0;
	cc[6] = 0;
	cc[7] = 0;
	if (v6 ? bpf_setsockopt(ctx, SOL_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) :
		 bpf_setsockopt(ctx, SOL_IP, IP_TOS, &tos, sizeof(tos)))
		goto bad;
	if (bpf_setsockopt(ctx, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) ||
	    bpf_setsockopt(ctx, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)))
		goto bad;
	if (bpf_getsockopt(ctx, SOL_SOCKET, SO_MARK, &got, sizeof(got)) || got != mark)
		goto bad;
	if (bpf_setsockopt(ctx, SOL_SOCKET, SO_LINGER, &v, sizeof(v)) != -EINVAL)
		goto bad;
	if (ctx->protocol == IPPROTO_TCP) {
		if (bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, (void *)cc, sizeof(cc)) ||
		    bpf_setsockopt(ctx, SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)))
			goto bad;
	} else if (bpf_setsockopt(ctx, SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)) != -EINVAL) {
		goto bad;
	}
	v = nsetopt_rare(ctx, v6);
	if (v) {
		bpf_set_retval(v);
		return 0;
	}
	return 1;
bad:
	bpf_set_retval(-EBADMSG);
	return 0;
}

SEC("cgroup/connect4")
int nsetopt4(struct bpf_sock_addr *ctx)
{
	return nsetopt(ctx, 0);
}

SEC("cgroup/connect6")
int nsetopt6(struct bpf_sock_addr *ctx)
{
	return nsetopt(ctx, 1);
}

char _license[] SEC("license") = "GPL";
