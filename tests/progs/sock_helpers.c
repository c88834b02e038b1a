// SPDX-License-Identifier: GPL-2.0
/*
 * The socket helpers: sk_lookup_tcp/udp, skc_lookup_tcp, sk_release,
 * setsockopt/getsockopt, trace_printk.
 *
 * lookup4/6: connect4/6 looking up the socket listening (TCP) or bound
 *            (UDP) at the destination, in the socket's namespace.  Found:
 *            its struct bpf_sock must say so (family, type, protocol,
 *            port, state, address), then it is released and the connect
 *            allowed.  Not found: the connect fails with ENOENT
 *            (bpf_set_retval).  Fields that do not match: EBADMSG.
 *            TCP v4 also checks skc_lookup_tcp and a lookup in an
 *            unknown namespace id (NULL).
 * leak4:     connect4 looking up the destination's socket and never
 *            releasing it: the run faults (EPERM) and the module drops
 *            the reference; nothing found: allowed.
 * setopt4/6: connect4/6 setting SO_MARK 42, SO_PRIORITY 7 (more than an
 *            unprivileged caller may), IP_TOS 0x10 / IPV6_TCLASS 0x20 and,
 *            for TCP, TCP_CONGESTION "reno" and TCP_SYNCNT 3, reading
 *            them back with getsockopt, and trying options the kernel
 *            refuses; prints every result with trace_printk and allows
 *            the connect only if all are as natively.
 * printk4:   bind4 printing "bind4 port P uid U comm C ip A" for every bind.
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
#define SO_BINDTODEVICE	25
#define SOL_TCP		6
#define TCP_SYNCNT	7
#define TCP_CONGESTION	13
#define SOL_IP		0
#define IP_TOS		1
#define IP_TTL		2
#define SOL_IPV6	41
#define IPV6_TCLASS	67

#define TCP_LISTEN	10
#define TCP_CLOSE	7

static __always_inline int check_sk(struct bpf_sock *sk, struct bpf_sock_addr *ctx, int v6)
{
	int ok = sk->family == (v6 ? AF_INET6 : AF_INET) && sk->type == ctx->type &&
		 sk->protocol == ctx->protocol &&
		 sk->src_port == bpf_ntohs(ctx->user_port) &&
		 sk->state == (ctx->protocol == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE);

	if (v6)
		ok = ok && sk->src_ip6[3] == ctx->user_ip6[3];
	else
		ok = ok && sk->src_ip4 == ctx->user_ip4;
	bpf_printk("lookup state %d port %d ok %d", sk->state, sk->src_port, ok);
	return ok;
}

static __always_inline int lookup(struct bpf_sock_addr *ctx, struct bpf_sock_tuple *t,
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
	ok = check_sk(sk, ctx, v6);
	bpf_sk_release(sk);
	if (ok && ctx->protocol == IPPROTO_TCP && !v6) {
		/* skc_lookup finds the same listener; an unknown netns nothing */
		sk = bpf_skc_lookup_tcp(ctx, t, size, BPF_F_CURRENT_NETNS, 0);
		if (!sk)
			ok = 0;
		else {
			ok = sk->state == TCP_LISTEN;
			bpf_sk_release(sk);
		}
		sk = bpf_sk_lookup_tcp(ctx, t, size, 0x7fff0000, 0);
		if (sk) {
			bpf_sk_release(sk);
			ok = 0;
		}
		/* flags must be 0 */
		sk = bpf_sk_lookup_tcp(ctx, t, size, BPF_F_CURRENT_NETNS, 1);
		if (sk) {
			bpf_sk_release(sk);
			ok = 0;
		}
	}
	if (!ok) {
		bpf_set_retval(-EBADMSG);
		return 0;
	}
	return 1;
}

SEC("cgroup/connect4")
int lookup4(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple t = {};

	t.ipv4.daddr = ctx->user_ip4;
	t.ipv4.dport = ctx->user_port;
	return lookup(ctx, &t, sizeof(t.ipv4), 0);
}

SEC("cgroup/connect6")
int lookup6(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple t = {};

	t.ipv6.daddr[0] = ctx->user_ip6[0];
	t.ipv6.daddr[1] = ctx->user_ip6[1];
	t.ipv6.daddr[2] = ctx->user_ip6[2];
	t.ipv6.daddr[3] = ctx->user_ip6[3];
	t.ipv6.dport = ctx->user_port;
	return lookup(ctx, &t, sizeof(t.ipv6), 1);
}

SEC("cgroup/connect4")
int leak4(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;

	t.ipv4.daddr = ctx->user_ip4;
	t.ipv4.dport = ctx->user_port;
	if (ctx->protocol == IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	/*
	 * No bpf_sk_release(): the kernel's verifier would refuse this.  When
	 * nothing is found the call goes on (so a missing server shows as
	 * ECONNREFUSED, not as the EPERM of the leak).
	 */
	(void)sk;
	return 1;
}

static __always_inline int setopt(struct bpf_sock_addr *ctx, int v6)
{
	int mark = 42, prio = 7, tos = v6 ? 0x20 : 0x10, syncnt = 3, v = 0;
	int e_mark, e_prio, e_tos, e_cc = 0, e_syn = 0, e_linger, e_ttl, e_dev, e_len;
	int g_mark = 0, g_prio = 0, g_tos = 0, ok;
	char cc[8] = "reno", got_cc[8] = {};
	char dev[16] = {};

	/* IP_TOS first: it sets the priority too (rt_tos2priority), as natively */
	if (v6)
		e_tos = bpf_setsockopt(ctx, SOL_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	else
		e_tos = bpf_setsockopt(ctx, SOL_IP, IP_TOS, &tos, sizeof(tos));
	e_mark = bpf_setsockopt(ctx, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	e_prio = bpf_setsockopt(ctx, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio));
	if (ctx->protocol == IPPROTO_TCP) {
		e_cc = bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc));
		e_syn = bpf_setsockopt(ctx, SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt));
		bpf_getsockopt(ctx, SOL_TCP, TCP_CONGESTION, got_cc, sizeof(got_cc));
	} else {
		/* TCP options on a UDP socket: EINVAL */
		e_cc = bpf_setsockopt(ctx, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc)) == -EINVAL ?
		       0 : -1;
		got_cc[0] = 'r';
		got_cc[1] = 'e';
		got_cc[2] = 'n';
		got_cc[3] = 'o';
	}
	bpf_getsockopt(ctx, SOL_SOCKET, SO_MARK, &g_mark, sizeof(g_mark));
	bpf_getsockopt(ctx, SOL_SOCKET, SO_PRIORITY, &g_prio, sizeof(g_prio));
	if (v6)
		bpf_getsockopt(ctx, SOL_IPV6, IPV6_TCLASS, &g_tos, sizeof(g_tos));
	else
		bpf_getsockopt(ctx, SOL_IP, IP_TOS, &g_tos, sizeof(g_tos));
	/* what the kernel refuses from BPF: all EINVAL */
	e_linger = bpf_setsockopt(ctx, SOL_SOCKET, SO_LINGER, &v, sizeof(v));
	e_ttl = bpf_setsockopt(ctx, SOL_IP, IP_TTL, &v, sizeof(v));
	e_dev = bpf_getsockopt(ctx, SOL_SOCKET, SO_BINDTODEVICE, dev, sizeof(dev));
	e_len = bpf_setsockopt(ctx, SOL_SOCKET, SO_MARK, &mark, 2);

	bpf_printk("setopt set %d %d %d", e_mark, e_prio, e_tos);
	bpf_printk("setopt tcp %d %d cc %s", e_cc, e_syn, got_cc);
	bpf_printk("setopt get %d %d %d", g_mark, g_prio, g_tos);
	bpf_printk("setopt refused %d %d %d", e_linger, e_ttl, e_dev);
	ok = !e_mark && !e_prio && !e_tos && !e_cc && !e_syn && g_mark == mark &&
	     g_prio == prio && g_tos == tos && e_linger == -EINVAL && e_ttl == -EINVAL &&
	     e_dev == -EINVAL && e_len == -EINVAL && got_cc[0] == 'r' && got_cc[1] == 'e' &&
	     got_cc[2] == 'n' && got_cc[3] == 'o' && !got_cc[4] && !dev[0];
	return ok;
}

SEC("cgroup/connect4")
int setopt4(struct bpf_sock_addr *ctx)
{
	return setopt(ctx, 0);
}

SEC("cgroup/connect6")
int setopt6(struct bpf_sock_addr *ctx)
{
	return setopt(ctx, 1);
}

SEC("cgroup/bind4")
int printk4(struct bpf_sock_addr *ctx)
{
	char comm[16];
	__u32 ip = ctx->user_ip4;
	static const char fmt[] = "bind4 port %d comm %s ip %pI4\n";
	__u64 args[3];

	bpf_get_current_comm(comm, sizeof(comm));
	args[0] = bpf_ntohs(ctx->user_port);
	args[1] = (__u64)(long)comm;
	args[2] = (__u64)(long)&ip;
	bpf_trace_printk(fmt, sizeof(fmt), args[0], args[1], args[2]);
	return 1;
}

char _license[] SEC("license") = "GPL";
