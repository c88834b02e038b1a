// SPDX-License-Identifier: GPL-2.0
/*
 * connect(): natively, CONNECT4/CONNECT6 programs run from the protocol's
 * pre_connect (tcp_v4_pre_connect, udp_pre_connect, tcp_v6_pre_connect,
 * udpv6_pre_connect), which __inet_stream_connect() and
 * inet_dgram_connect() call only while cgroup BPF is in use.  The wrappers
 * make the same call at the same point, with the same address-length
 * checks, and then let the original connect.
 *
 * __inet_stream_connect() rather than inet_stream_connect(): TCP Fast
 * Open's sendmsg(MSG_FASTOPEN) connects through it too.  The socket is
 * locked by its callers; inet_dgram_connect() is not, so its wrapper
 * locks around the programs (as the _LOCK variants natively) where a
 * program needs it (prog.h).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "hook.h"
#include "run.h"

/* pre_connect: 0, or the errno that fails the connect. */
static int cgaddr_pre_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len,
			      bool lock)
{
	enum cgaddr_type type = CGADDR_T_CONNECT4;
	int min_len = sizeof(struct sockaddr_in);
	u32 progs;

	if (sk->sk_family == AF_INET6) {
		/* udpv6_pre_connect(): an AF_INET address runs the v4 programs. */
		if (sk->sk_protocol == IPPROTO_UDP && uaddr->sa_family == AF_INET) {
			if (ipv6_only_sock(sk))
				return -EAFNOSUPPORT;
		} else {
			type = CGADDR_T_CONNECT6;
			min_len = SIN6_LEN_RFC2133;
		}
	}
	if (addr_len < min_len)
		return -EINVAL;
	progs = cgaddr_sock_progs(sk, type);
	if (!progs)
		return 0;
	return cgaddr_run_sock_addr(sk, uaddr, type, NULL, NULL,
				    lock ? progs : progs | CGADDR_PROGS_LOCKED);
}

/* Where the original would call pre_connect: a real address, a protocol with one. */
static bool cgaddr_connects(struct sock *sk, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	return uaddr && addr_len >= (int)sizeof(((struct sockaddr *)uaddr)->sa_family) &&
	       ((struct sockaddr *)uaddr)->sa_family != AF_UNSPEC && sk->sk_prot->pre_connect;
}

int cgaddr_wrap_stream_connect(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len,
			       int flags, int is_sendmsg)
{
	struct sock *sk = sock->sk;
	int idx, ret = 0;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (cgaddr_connects(sk, uaddr, addr_len) && sock->state == SS_UNCONNECTED &&
	    sk->sk_state == TCP_CLOSE)
		ret = cgaddr_pre_connect(sk, (struct sockaddr *)uaddr, addr_len, false);
	if (!ret)
		ret = __inet_stream_connect(sock, uaddr, addr_len, flags, is_sendmsg);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_dgram_connect(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len,
			      int flags)
{
	struct sock *sk = sock->sk;
	int idx, ret = 0;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (cgaddr_connects(sk, uaddr, addr_len))
		ret = cgaddr_pre_connect(sk, (struct sockaddr *)uaddr, addr_len, true);
	if (!ret)
		ret = inet_dgram_connect(sock, uaddr, addr_len, flags);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}
