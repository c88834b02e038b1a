// SPDX-License-Identifier: GPL-2.0
/*
 * bind(): inet_bind and inet6_bind are redirected here while BIND4/BIND6
 * programs are attached somewhere.
 *
 * Natively the programs run at the start of inet_bind()/inet6_bind(), on
 * the kernel's copy of the address, with the socket locked: after RAW and
 * ping sockets (which have their own sk_prot->bind) are sent away and the
 * address length is checked, before any other check, so that a rewrite is
 * checked like the caller's own address.  The wrapper does the same and
 * then calls the original, which performs the bind.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "cgaddr.h"
#include "hook.h"
#include "run.h"

typedef int (*cgaddr_bind_fn)(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len);

/*
 * A program returned 3 ("allow, and bypass CAP_NET_BIND_SERVICE"):
 * natively inet_bind passes BIND_NO_CAP_NET_BIND_SERVICE to __inet_bind.
 * The original function takes no such flag (and 5.10 has none), so grant
 * the capability for the duration of this one bind instead: the effect on
 * the port check is the same, and nothing else in bind() looks at it.
 */
static int cgaddr_bind_with_service_cap(cgaddr_bind_fn fn, struct socket *sock,
					cgaddr_sockaddr_t *uaddr, int addr_len)
{
	const struct cred *old;
	struct cred *cred;
	int ret;

	if (ns_capable_noaudit(sock_net(sock->sk)->user_ns, CAP_NET_BIND_SERVICE))
		return fn(sock, uaddr, addr_len);
	cred = prepare_creds();
	if (!cred)
		return -ENOMEM;
	cap_raise(cred->cap_effective, CAP_NET_BIND_SERVICE);
	old = override_creds(cred);
	ret = fn(sock, uaddr, addr_len);
	revert_creds(old);
	put_cred(cred);
	return ret;
}

/* Inlined into each wrapper: its original is then called directly. */
static __always_inline int cgaddr_bind(cgaddr_bind_fn fn, enum cgaddr_hook_id hook,
				       enum cgaddr_type type, size_t min_len,
				       struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	struct sock *sk = sock->sk;
	u32 flags = 0, progs;
	int idx, ret;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (unlikely(READ_ONCE(cgaddr_selftest_running)))
		cgaddr_hooks[hook].hits++;
	if (!sk->sk_prot->bind && addr_len >= min_len && (progs = cgaddr_sock_progs(sk, type))) {
		ret = cgaddr_run_sock_addr(sk, (struct sockaddr *)uaddr, type, NULL, &flags, progs);
		if (ret)
			goto out;
	}
	if (flags & CGADDR_RET_BIND_NO_CAP_NET_BIND_SERVICE)
		ret = cgaddr_bind_with_service_cap(fn, sock, uaddr, addr_len);
	else
		ret = fn(sock, uaddr, addr_len);
out:
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_inet_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	return cgaddr_bind(inet_bind, CGADDR_HOOK_INET_BIND, CGADDR_T_BIND4,
			   sizeof(struct sockaddr_in), sock, uaddr, addr_len);
}

int cgaddr_wrap_inet6_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len)
{
	return cgaddr_bind(inet6_bind, CGADDR_HOOK_INET6_BIND, CGADDR_T_BIND6,
			   SIN6_LEN_RFC2133, sock, uaddr, addr_len);
}
