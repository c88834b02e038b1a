// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_setsockopt (49) and bpf_getsockopt (57) on the socket of the call,
 * with the option set, argument checks and results of 6.1's
 * _bpf_setsockopt()/_bpf_getsockopt() (net/core/filter.c).
 *
 * Why not the kernel's own setsockopt functions: they take the socket
 * lock, which the hook already holds (every sock_addr hook runs locked,
 * as natively), and may sleep, while programs run with preemption
 * disabled.  Natively the kernel skips both when it sees a BPF run
 * context (has_current_bpf_ctx(), 6.0+), which cgaddr cannot present --
 * and the kernels cgaddr is for may have no BPF at all.  So each allowed
 * option is applied here the way the kernel's code applies it, on the
 * locked socket, with exported helpers that neither lock nor sleep where
 * there is one.  Capability checks the kernel skips for BPF callers
 * (SO_MARK, SO_PRIORITY above 6, TCP_CONGESTION outside the allowed list)
 * are skipped here too: the policy comes from the administrator, not
 * from the task making the call.
 */
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "helpers.h"
#include "hook.h"

/* Unexported functions, found at load; an option needing a missing one fails. */
static int (*cgaddr_tcp_set_cc)(struct sock *sk, const char *name, bool load,
				bool cap_net_admin);
static void (*cgaddr_keepalive_timer)(struct sock *sk, unsigned long len);
static void (*cgaddr_push_pending)(struct sock *sk, unsigned int cur_mss, int nonagle);
static unsigned int (*cgaddr_current_mss)(struct sock *sk);
#ifdef CGADDR_HAVE_TCP_SET_WINDOW_CLAMP
static int (*cgaddr_set_window_clamp)(struct sock *sk, int val);
#endif

/* ---- SOL_SOCKET ---------------------------------------------------------- */

static int cgaddr_bindtodevice(struct sock *sk, const char *optval, int optlen)
{
	char name[IFNAMSIZ] = {};
	struct net_device *dev;
	int index = 0;

	memcpy(name, optval, min(optlen, IFNAMSIZ - 1));
	if (name[0]) {
		rcu_read_lock();
		dev = dev_get_by_name_rcu(sock_net(sk), name);
		if (dev)
			index = dev->ifindex;
		rcu_read_unlock();
		if (!dev)
			return -ENODEV;
	}
	return sock_bindtoindex(sk, index, false);
}

static int cgaddr_sol_socket_set(struct sock *sk, int optname, char *optval, int optlen)
{
	int val;

	if (optname == SO_BINDTODEVICE)
		return cgaddr_bindtodevice(sk, optval, optlen);
	val = *(int *)optval;
	switch (optname) {
	case SO_REUSEADDR:
		sk->sk_reuse = val ? SK_CAN_REUSE : SK_NO_REUSE;
		return 0;
	case SO_REUSEPORT:
		sk->sk_reuseport = !!val;
		return 0;
	case SO_SNDBUF:
		val = min_t(u32, val, READ_ONCE(sysctl_wmem_max));
		val = min_t(int, val, INT_MAX / 2);
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
		WRITE_ONCE(sk->sk_sndbuf, max_t(int, val * 2, SOCK_MIN_SNDBUF));
		sk->sk_write_space(sk);
		return 0;
	case SO_RCVBUF:
		val = min_t(u32, val, READ_ONCE(sysctl_rmem_max));
		val = min_t(int, val, INT_MAX / 2);
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
		WRITE_ONCE(sk->sk_rcvbuf, max_t(int, val * 2, SOCK_MIN_RCVBUF));
		return 0;
	case SO_KEEPALIVE:
		if (sk->sk_prot->keepalive)
			sk->sk_prot->keepalive(sk, !!val);
		sock_valbool_flag(sk, SOCK_KEEPOPEN, !!val);
		return 0;
	case SO_PRIORITY:
		WRITE_ONCE(sk->sk_priority, val);
		return 0;
	case SO_RCVLOWAT:
		if (val < 0)
			val = INT_MAX;
		if (sk->sk_socket && sk->sk_socket->ops->set_rcvlowat)
			return sk->sk_socket->ops->set_rcvlowat(sk, val);
		WRITE_ONCE(sk->sk_rcvlowat, val ? : 1);
		return 0;
	case SO_MARK:
		if ((u32)val != READ_ONCE(sk->sk_mark)) {
			WRITE_ONCE(sk->sk_mark, val);
			sk_dst_reset(sk);
		}
		return 0;
	case SO_MAX_PACING_RATE: {
		unsigned long rate = (u32)val == ~0U ? ~0UL : (u32)val;

		if (rate != ~0UL)
			cmpxchg(&sk->sk_pacing_status, SK_PACING_NONE, SK_PACING_NEEDED);
		WRITE_ONCE(sk->sk_max_pacing_rate, rate);
		WRITE_ONCE(sk->sk_pacing_rate, min(READ_ONCE(sk->sk_pacing_rate), rate));
		return 0;
	}
	case SO_BINDTOIFINDEX:
		return sock_bindtoindex(sk, val, false);
#ifdef CGADDR_HAVE_SK_TXREHASH
	case SO_TXREHASH:
		if (val < -1 || val > 1)
			return -EINVAL;
		if ((u8)val == SOCK_TXREHASH_DEFAULT)
			val = READ_ONCE(sock_net(sk)->core.sysctl_txrehash);
		WRITE_ONCE(sk->sk_txrehash, (u8)val);
		return 0;
#endif
	}
	return -EINVAL;
}

static int cgaddr_sol_socket_get(struct sock *sk, int optname, int *val)
{
	switch (optname) {
	case SO_REUSEADDR:
		*val = sk->sk_reuse;
		return 0;
	case SO_REUSEPORT:
		*val = sk->sk_reuseport;
		return 0;
	case SO_SNDBUF:
		*val = READ_ONCE(sk->sk_sndbuf);
		return 0;
	case SO_RCVBUF:
		*val = READ_ONCE(sk->sk_rcvbuf);
		return 0;
	case SO_KEEPALIVE:
		*val = sock_flag(sk, SOCK_KEEPOPEN);
		return 0;
	case SO_PRIORITY:
		*val = READ_ONCE(sk->sk_priority);
		return 0;
	case SO_RCVLOWAT:
		*val = READ_ONCE(sk->sk_rcvlowat);
		return 0;
	case SO_MARK:
		*val = READ_ONCE(sk->sk_mark);
		return 0;
	case SO_MAX_PACING_RATE:
		*val = min_t(unsigned long, ~0U, READ_ONCE(sk->sk_max_pacing_rate));
		return 0;
	case SO_BINDTOIFINDEX:
		*val = READ_ONCE(sk->sk_bound_dev_if);
		return 0;
#ifdef CGADDR_HAVE_SK_TXREHASH
	case SO_TXREHASH:
		*val = READ_ONCE(sk->sk_txrehash);
		return 0;
#endif
	}
	return -EINVAL;	/* SO_BINDTODEVICE included, as natively */
}

/* sol_socket_sockopt(): the options, and their optlen rule. */
static int cgaddr_sol_socket_check(int optname, int optlen)
{
	switch (optname) {
	case SO_REUSEADDR:
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_KEEPALIVE:
	case SO_PRIORITY:
	case SO_REUSEPORT:
	case SO_RCVLOWAT:
	case SO_MARK:
	case SO_MAX_PACING_RATE:
	case SO_BINDTOIFINDEX:
#ifdef SO_TXREHASH
	case SO_TXREHASH:
#endif
		return optlen == sizeof(int) ? 0 : -EINVAL;
	case SO_BINDTODEVICE:
		return 0;
	}
	return -EINVAL;
}

/* ---- SOL_TCP -------------------------------------------------------------- */

static bool cgaddr_sk_is_tcp(const struct sock *sk)
{
	/* 6.1 checks sk_prot->setsockopt == tcp_setsockopt: TCP, not MPTCP. */
	return sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

static int cgaddr_tcp_congestion_set(struct sock *sk, const char *optval, int optlen)
{
	char name[TCP_CA_NAME_MAX];

	/* cdg keeps a pointer in the socket a later switch could overwrite. */
	if (optlen >= sizeof("cdg") - 1 && !strncmp("cdg", optval, optlen))
		return -ENOTSUPP;
	if (!cgaddr_tcp_set_cc)
		return -EOPNOTSUPP;
	optlen = min_t(int, optlen, TCP_CA_NAME_MAX - 1);
	memcpy(name, optval, optlen);
	name[optlen] = 0;
	name[strnlen(name, optlen)] = 0;
	/* No module loading from here (atomic); any registered one, as for BPF. */
	return cgaddr_tcp_set_cc(sk, name, false, true);
}

static int cgaddr_tcp_keepidle(struct sock *sk, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (val < 1 || val > MAX_TCP_KEEPIDLE)
		return -EINVAL;
	WRITE_ONCE(tp->keepalive_time, val * HZ);
	if (sock_flag(sk, SOCK_KEEPOPEN) &&
	    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))) {
		u32 elapsed = keepalive_time_elapsed(tp);

		elapsed = tp->keepalive_time > elapsed ? tp->keepalive_time - elapsed : 0;
		if (!cgaddr_keepalive_timer)
			return -EOPNOTSUPP;
		cgaddr_keepalive_timer(sk, elapsed);
	}
	return 0;
}

static int cgaddr_window_clamp(struct sock *sk, int val)
{
#ifdef CGADDR_HAVE_TCP_SET_WINDOW_CLAMP
	return cgaddr_set_window_clamp ? cgaddr_set_window_clamp(sk, val) : -EOPNOTSUPP;
#else
	/* Before tcp_set_window_clamp(), tcp_setsockopt() did just this. */
	struct tcp_sock *tp = tcp_sk(sk);

	if (!val) {
		if (sk->sk_state != TCP_CLOSE)
			return -EINVAL;
		tp->window_clamp = 0;
	} else {
		tp->window_clamp = val < SOCK_MIN_RCVBUF / 2 ? SOCK_MIN_RCVBUF / 2 : val;
	}
	return 0;
#endif
}

/* The set-only options of BPF callers (bpf_sol_tcp_setsockopt() natively). */
static int cgaddr_tcp_bpf_set(struct sock *sk, int optname, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned long timeout;

	switch (optname) {
	case TCP_BPF_IW:
		if (val <= 0 || tp->data_segs_out > tp->syn_data)
			return -EINVAL;
		cgaddr_tcp_snd_cwnd_set(tp, val);
		return 0;
	case TCP_BPF_SNDCWND_CLAMP:
		if (val <= 0)
			return -EINVAL;
		tp->snd_cwnd_clamp = val;
		tp->snd_ssthresh = val;
		return 0;
	case TCP_BPF_DELACK_MAX:
		timeout = usecs_to_jiffies(val);
		if (timeout > TCP_DELACK_MAX || timeout < TCP_TIMEOUT_MIN)
			return -EINVAL;
		inet_csk(sk)->icsk_delack_max = timeout;
		return 0;
	case TCP_BPF_RTO_MIN:
		timeout = usecs_to_jiffies(val);
		if (timeout > TCP_RTO_MIN || timeout < TCP_TIMEOUT_MIN)
			return -EINVAL;
		inet_csk(sk)->icsk_rto_min = timeout;
		return 0;
	}
	return -EINVAL;
}

/*
 * TCP_SAVED_SYN: the first *optlen bytes of the saved SYN's headers, as
 * BPF callers get them (the saved copy stays for user space).
 */
static int cgaddr_saved_syn(struct sock *sk, char *optval, int optlen)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->saved_syn || optlen > tcp_saved_syn_len(tp->saved_syn))
		return -EINVAL;
	memcpy(optval, tp->saved_syn->data, optlen);
	return 0;
}

static int cgaddr_sol_tcp_set(struct sock *sk, int optname, char *optval, int optlen)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int val = *(int *)optval;

	switch (optname) {
	case TCP_NODELAY:
		if (!val) {
			tp->nonagle &= ~TCP_NAGLE_OFF;
			return 0;
		}
		tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
		/* tcp_push_pending_frames(): only with data queued. */
		if (tcp_send_head(sk)) {
			if (!cgaddr_push_pending || !cgaddr_current_mss)
				return -EOPNOTSUPP;
			cgaddr_push_pending(sk, cgaddr_current_mss(sk), tp->nonagle);
		}
		return 0;
	case TCP_MAXSEG:
		if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW))
			return -EINVAL;
		tp->rx_opt.user_mss = val;
		return 0;
	case TCP_KEEPIDLE:
		return cgaddr_tcp_keepidle(sk, val);
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		WRITE_ONCE(tp->keepalive_intvl, val * HZ);
		return 0;
	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			return -EINVAL;
		WRITE_ONCE(tp->keepalive_probes, val);
		return 0;
	case TCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT)
			return -EINVAL;
		WRITE_ONCE(icsk->icsk_syn_retries, val);
		return 0;
	case TCP_THIN_LINEAR_TIMEOUTS:
		if (val < 0 || val > 1)
			return -EINVAL;
		tp->thin_lto = val;
		return 0;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			return -EINVAL;
		WRITE_ONCE(icsk->icsk_user_timeout, val);
		return 0;
	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(tp->notsent_lowat, val);
		sk->sk_write_space(sk);
		return 0;
	case TCP_SAVE_SYN:
		if (val < 0 || val > 2)
			return -EINVAL;
		tp->save_syn = val;
		return 0;
	case TCP_WINDOW_CLAMP:
		return cgaddr_window_clamp(sk, val);
	}
	return -EINVAL;
}

static int cgaddr_sol_tcp_get(struct sock *sk, int optname, int *val)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);

	switch (optname) {
	case TCP_NODELAY:
		*val = !!(tp->nonagle & TCP_NAGLE_OFF);
		return 0;
	case TCP_MAXSEG:
		*val = tp->mss_cache;
		if (tp->rx_opt.user_mss && ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			*val = tp->rx_opt.user_mss;
		if (tp->repair)
			*val = tp->rx_opt.mss_clamp;
		return 0;
	case TCP_KEEPIDLE:
		*val = keepalive_time_when(tp) / HZ;
		return 0;
	case TCP_KEEPINTVL:
		*val = keepalive_intvl_when(tp) / HZ;
		return 0;
	case TCP_KEEPCNT:
		*val = keepalive_probes(tp);
		return 0;
	case TCP_SYNCNT:
		*val = READ_ONCE(icsk->icsk_syn_retries) ? :
		       READ_ONCE(net->ipv4.sysctl_tcp_syn_retries);
		return 0;
	case TCP_THIN_LINEAR_TIMEOUTS:
		*val = tp->thin_lto;
		return 0;
	case TCP_USER_TIMEOUT:
		*val = READ_ONCE(icsk->icsk_user_timeout);
		return 0;
	case TCP_NOTSENT_LOWAT:
		*val = READ_ONCE(tp->notsent_lowat);
		return 0;
	case TCP_SAVE_SYN:
		*val = tp->save_syn;
		return 0;
	case TCP_WINDOW_CLAMP:
		*val = tp->window_clamp;
		return 0;
	}
	return -EINVAL;
}

/* ---- SOL_IP, SOL_IPV6 ------------------------------------------------------ */

static bool cgaddr_sk_allows_sol_ip(const struct sock *sk)
{
	if (sk->sk_family == AF_INET)
		return true;
	/* A v4-mapped IPv6 socket has IPv4 options too. */
	return sk->sk_family == AF_INET6 && sk->sk_type != SOCK_RAW && !ipv6_only_sock(sk);
}

static void cgaddr_ip_tos_set(struct sock *sk, int val)
{
	struct inet_sock *inet = inet_sk(sk);

	/* TCP keeps its ECN bits. */
	if (sk->sk_type == SOCK_STREAM) {
		val &= ~INET_ECN_MASK;
		val |= READ_ONCE(inet->tos) & INET_ECN_MASK;
	}
	if (READ_ONCE(inet->tos) != val) {
		WRITE_ONCE(inet->tos, val);
		WRITE_ONCE(sk->sk_priority, rt_tos2priority(val));
		sk_dst_reset(sk);
	}
}

#if IS_ENABLED(CONFIG_IPV6)
static int cgaddr_ipv6_tclass_set(struct sock *sk, int val)
{
	struct ipv6_pinfo *np = inet6_sk(sk);

	if (val < -1 || val > 0xff)
		return -EINVAL;
	if (val == -1)
		val = 0;	/* RFC 3542: the default traffic class */
	if (sk->sk_type == SOCK_STREAM) {
		val &= ~INET_ECN_MASK;
		val |= READ_ONCE(np->tclass) & INET_ECN_MASK;
	}
	if (READ_ONCE(np->tclass) != val) {
		WRITE_ONCE(np->tclass, val);
		sk_dst_reset(sk);
	}
	return 0;
}
#endif

/* ---- the helpers --------------------------------------------------------- */

/*
 * One option: 0 or a negative errno.  @get: read it into *(int *)optval
 * (*optlen becomes the length written), else set it from optval.
 */
static int cgaddr_sockopt(struct sock *sk, int level, int optname, char *optval,
			  int *optlen, bool get)
{
	int err;

	if (!sk || !sk_fullsock(sk))
		return -EINVAL;
	switch (level) {
	case SOL_SOCKET:
		err = cgaddr_sol_socket_check(optname, *optlen);
		if (err)
			return err;
		if (!get)
			return cgaddr_sol_socket_set(sk, optname, optval, *optlen);
		return cgaddr_sol_socket_get(sk, optname, (int *)optval);
	case SOL_TCP:
		if (!cgaddr_sk_is_tcp(sk))
			return -EINVAL;
		if (optname == TCP_CONGESTION) {
			const char *name;

			if (*optlen < 2)
				return -EINVAL;
			if (!get)
				return cgaddr_tcp_congestion_set(sk, optval, *optlen);
			if (!inet_csk(sk)->icsk_ca_ops)
				return -EINVAL;
			/* NUL-terminated within optlen, as BPF expects. */
			name = inet_csk(sk)->icsk_ca_ops->name;
			*optlen = min_t(int, *optlen - 1, TCP_CA_NAME_MAX);
			memcpy(optval, name, *optlen);
			return 0;
		}
		if (optname == TCP_SAVED_SYN) {
			if (*optlen < 1)
				return -EINVAL;
			if (get)
				return cgaddr_saved_syn(sk, optval, *optlen);
			/* Read-only: tcp_setsockopt() knows no such option. */
			return *optlen < sizeof(int) ? -EINVAL : -ENOPROTOOPT;
		}
		switch (optname) {
		case TCP_NODELAY:
		case TCP_MAXSEG:
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
		case TCP_KEEPCNT:
		case TCP_SYNCNT:
		case TCP_WINDOW_CLAMP:
		case TCP_THIN_LINEAR_TIMEOUTS:
		case TCP_USER_TIMEOUT:
		case TCP_NOTSENT_LOWAT:
		case TCP_SAVE_SYN:
			if (*optlen != sizeof(int))
				return -EINVAL;
			break;
		default:
			/* Natively only the TCP_BPF_* options are left, set-only. */
			if (get || *optlen != sizeof(int))
				return -EINVAL;
			return cgaddr_tcp_bpf_set(sk, optname, *(int *)optval);
		}
		if (get)
			return cgaddr_sol_tcp_get(sk, optname, (int *)optval);
		return cgaddr_sol_tcp_set(sk, optname, optval, *optlen);
	case SOL_IP:
		if (!cgaddr_sk_allows_sol_ip(sk) || optname != IP_TOS || *optlen != sizeof(int))
			return -EINVAL;
		if (get)
			*(int *)optval = READ_ONCE(inet_sk(sk)->tos);
		else
			cgaddr_ip_tos_set(sk, *(int *)optval);
		return 0;
#if IS_ENABLED(CONFIG_IPV6)
	case SOL_IPV6:
		if (sk->sk_family != AF_INET6)
			return -EINVAL;
		if (*optlen != sizeof(int))
			return -EINVAL;
		if (optname == IPV6_AUTOFLOWLABEL) {
			if (get)
				*(int *)optval = cgaddr_ipv6_autoflowlabel(sk);
			else
				cgaddr_ipv6_autoflowlabel_set(sk, *(int *)optval);
			return 0;
		}
		if (optname != IPV6_TCLASS)
			return -EINVAL;
		if (!get)
			return cgaddr_ipv6_tclass_set(sk, *(int *)optval);
		*(int *)optval = READ_ONCE(inet6_sk(sk)->tclass);
		return 0;
#endif
	}
	return -EINVAL;
}

int cgaddr_helper_setsockopt(struct sock *sk, int level, int optname, char *optval, int optlen)
{
	if (sk)
		sock_owned_by_me(sk);	/* the hook locked it, as natively */
	return cgaddr_sockopt(sk, level, optname, optval, &optlen, false);
}

int cgaddr_helper_getsockopt(struct sock *sk, int level, int optname, char *optval, int optlen)
{
	int len = optlen, err;

	if (sk)
		sock_owned_by_me(sk);
	err = cgaddr_sockopt(sk, level, optname, optval, &len, true);
	/* Natively the buffer is zeroed past what was written, all of it on error. */
	if (err)
		len = 0;
	if (len < optlen)
		memset(optval + len, 0, optlen - len);
	return err;
}

void __init cgaddr_helpers_sockopt_init(void)
{
	cgaddr_tcp_set_cc = (void *)cgaddr_symbol_address("tcp_set_congestion_control");
	cgaddr_keepalive_timer = (void *)cgaddr_symbol_address("inet_csk_reset_keepalive_timer");
	cgaddr_push_pending = (void *)cgaddr_symbol_address("__tcp_push_pending_frames");
	cgaddr_current_mss = (void *)cgaddr_symbol_address("tcp_current_mss");
#ifdef CGADDR_HAVE_TCP_SET_WINDOW_CLAMP
	cgaddr_set_window_clamp = (void *)cgaddr_symbol_address("tcp_set_window_clamp");
#endif
	if (!cgaddr_tcp_set_cc)
		pr_info("tcp_set_congestion_control not found: TCP_CONGESTION cannot be set\n");
}
