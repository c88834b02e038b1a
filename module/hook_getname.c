// SPDX-License-Identifier: GPL-2.0
/*
 * getsockname()/getpeername(): natively GETSOCKNAME/GETPEERNAME programs
 * run at the end of inet_getname()/inet6_getname() on the address just
 * filled in, socket locked; they may rewrite it, their verdict is
 * ignored (they must return 1).  The wrappers run them on the address
 * the original filled in, before the caller copies it out, under the
 * socket lock where a program needs it (prog.h).
 */
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "hook.h"
#include "run.h"

/* Inlined into each wrapper: its original is then called directly. */
static __always_inline int cgaddr_getname(int (*fn)(struct socket *, struct sockaddr *, int),
					  enum cgaddr_type peer_type, enum cgaddr_type sock_type,
					  struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	enum cgaddr_type type = peer ? peer_type : sock_type;
	int idx, ret;
	u32 progs;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	ret = fn(sock, uaddr, peer);
	if (ret > 0 && (progs = cgaddr_sock_progs(sk, type)))
		cgaddr_run_sock_addr(sk, uaddr, type, NULL, NULL, progs);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_inet_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	return cgaddr_getname(inet_getname, CGADDR_T_GETPEERNAME4, CGADDR_T_GETSOCKNAME4,
			      sock, uaddr, peer);
}

int cgaddr_wrap_inet6_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	return cgaddr_getname(inet6_getname, CGADDR_T_GETPEERNAME6, CGADDR_T_GETSOCKNAME6,
			      sock, uaddr, peer);
}
