// SPDX-License-Identifier: GPL-2.0
/*
 * bind(): inet_bind and inet6_bind are redirected here.  Natively the
 * BIND4/BIND6 programs run at the start of inet_bind()/inet6_bind(), after
 * the RAW/ping sockets (which have their own sk_prot->bind) are sent away
 * and before any other check.
 */
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "cgaddr.h"
#include "hook.h"

int cgaddr_wrap_inet_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	int idx, ret;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (unlikely(READ_ONCE(cgaddr_selftest_running)))
		cgaddr_hooks[CGADDR_HOOK_INET_BIND].hits++;
	ret = inet_bind(sock, uaddr, addr_len);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_inet6_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	int idx, ret;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (unlikely(READ_ONCE(cgaddr_selftest_running)))
		cgaddr_hooks[CGADDR_HOOK_INET6_BIND].hits++;
	ret = inet6_bind(sock, uaddr, addr_len);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}
