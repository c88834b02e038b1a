// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sendmsg() and recvmsg().
 *
 * sendmsg: natively UDP4_SENDMSG/UDP6_SENDMSG programs run inside
 * udp_sendmsg()/udpv6_sendmsg() for unconnected sends with an address,
 * on that address and on the source address the send would use
 * (msg_src_ip4/6: IP_PKTINFO/IPV6_PKTINFO from the control messages, or
 * the socket's own), socket locked.  The wrappers run them before the
 * original, rewrite the destination in place (msg_name is the kernel's
 * copy), and express a new source the way a caller would: an
 * IP_PKTINFO/IPV6_PKTINFO control message appended to a kernel copy of
 * the caller's control messages, which the original reads after the
 * caller's (the last one wins).  A v4-mapped destination on an IPv6
 * socket goes through udp_sendmsg() and runs the UDP4 programs, as
 * natively.
 *
 * recvmsg: natively UDP4_RECVMSG/UDP6_RECVMSG programs rewrite the source
 * address reported to the caller.  The wrappers run them on msg_name
 * after the original filled it in.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include "hook.h"
#include "run.h"

typedef int (*cgaddr_sendmsg_fn)(struct sock *sk, struct msghdr *msg, size_t len);
typedef int (*cgaddr_recvmsg_fn)(struct sock *sk, struct msghdr *msg,
				 size_t len CGADDR_RECVMSG_PARAMS);

/* The caller's PKTINFO control message of @level/@type, or NULL. */
static void *cgaddr_find_pktinfo(struct msghdr *msg, int level, int type, size_t size)
{
	struct cmsghdr *cmsg;

	if (!msg->msg_controllen)
		return NULL;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return NULL;
		if (cmsg->cmsg_level == level && cmsg->cmsg_type == type &&
		    cmsg->cmsg_len == CMSG_LEN(size))
			return CMSG_DATA(cmsg);
	}
	return NULL;
}

/*
 * Call @fn with the caller's control messages plus one PKTINFO message;
 * msg is restored afterwards.
 */
static int cgaddr_send_with_pktinfo(cgaddr_sendmsg_fn fn, struct sock *sk, struct msghdr *msg,
				    size_t len, int level, int type, const void *info,
				    size_t size)
{
	size_t old_len = msg->msg_controllen, add = CMSG_SPACE(size);
	void *old = msg->msg_control;
	struct cmsghdr *cmsg;
	u8 *buf;
	int ret;

	buf = kzalloc(CMSG_ALIGN(old_len) + add, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* sendmsg()'s control messages are a kernel copy (____sys_sendmsg). */
	if (old_len)
		memcpy(buf, old, old_len);
	cmsg = (struct cmsghdr *)(buf + CMSG_ALIGN(old_len));
	cmsg->cmsg_level = level;
	cmsg->cmsg_type = type;
	cmsg->cmsg_len = CMSG_LEN(size);
	memcpy(CMSG_DATA(cmsg), info, size);
	msg->msg_control = buf;
	msg->msg_controllen = CMSG_ALIGN(old_len) + add;
	ret = fn(sk, msg, len);
	msg->msg_control = old;
	msg->msg_controllen = old_len;
	kfree(buf);
	return ret;
}

int cgaddr_wrap_udp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct sockaddr_in *usin = msg->msg_name;
	struct in_pktinfo *user_info, info = {};
	__be32 src;
	int idx, ret;
	u32 progs;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	if (!usin || msg->msg_namelen < sizeof(*usin) ||
	    (usin->sin_family != AF_INET && usin->sin_family != AF_UNSPEC) ||
	    !(progs = cgaddr_sock_progs(sk, CGADDR_T_SENDMSG4))) {
		ret = udp_sendmsg(sk, msg, len);
		goto out;
	}
	user_info = cgaddr_find_pktinfo(msg, SOL_IP, IP_PKTINFO, sizeof(info));
	src = user_info ? user_info->ipi_spec_dst.s_addr : inet_sk(sk)->inet_saddr;

	ret = cgaddr_run_sock_addr(sk, (struct sockaddr *)usin, CGADDR_T_SENDMSG4, &src, NULL,
				   progs);
	if (ret)
		goto out;
	if (!usin->sin_port) {
		ret = -EINVAL;	/* a program set port 0, as natively */
		goto out;
	}
	if (src == (user_info ? user_info->ipi_spec_dst.s_addr : inet_sk(sk)->inet_saddr)) {
		ret = udp_sendmsg(sk, msg, len);
		goto out;
	}
	/* Keep the caller's (or the socket's) interface; change the source. */
	info.ipi_ifindex = user_info ? user_info->ipi_ifindex : READ_ONCE(sk->sk_bound_dev_if);
	info.ipi_spec_dst.s_addr = src;
	ret = cgaddr_send_with_pktinfo(udp_sendmsg, sk, msg, len, SOL_IP, IP_PKTINFO,
				       &info, sizeof(info));
out:
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_udpv6_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	cgaddr_sendmsg_fn orig = CGADDR_ORIG(CGADDR_HOOK_UDPV6_SENDMSG, cgaddr_sendmsg_fn);
	struct sockaddr_in6 *sin6 = msg->msg_name;
	struct in6_pktinfo *user_info, info = {};
	struct in6_addr src, src0;
	int idx, ret;
	u32 progs;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	/* Only an IPv6 destination runs UDP6 programs (v4-mapped ones: UDP4). */
	if (!sin6 || msg->msg_namelen < SIN6_LEN_RFC2133 || sin6->sin6_family != AF_INET6 ||
	    ipv6_addr_v4mapped(&sin6->sin6_addr) ||
	    !(progs = cgaddr_sock_progs(sk, CGADDR_T_SENDMSG6))) {
		ret = orig(sk, msg, len);
		goto out;
	}
	user_info = cgaddr_find_pktinfo(msg, SOL_IPV6, IPV6_PKTINFO, sizeof(info));
	src0 = user_info ? user_info->ipi6_addr : inet6_sk(sk)->saddr;
	src = src0;

	ret = cgaddr_run_sock_addr(sk, (struct sockaddr *)sin6, CGADDR_T_SENDMSG6, &src, NULL,
				   progs);
	if (ret)
		goto out;
	if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
		ret = -ENOTSUPP;	/* natively "currently unsupported" */
		goto out;
	}
	if (!sin6->sin6_port) {
		ret = -EINVAL;
		goto out;
	}
	if (ipv6_addr_equal(&src, &src0)) {
		ret = orig(sk, msg, len);
		goto out;
	}
	info.ipi6_ifindex = user_info ? user_info->ipi6_ifindex : READ_ONCE(sk->sk_bound_dev_if);
	info.ipi6_addr = src;
	ret = cgaddr_send_with_pktinfo(orig, sk, msg, len, SOL_IPV6, IPV6_PKTINFO,
				       &info, sizeof(info));
out:
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

/* The flags argument of recvmsg, whatever the kernel's signature. */
#define CGADDR_RECVMSG_FLAGS	flags

/* Inlined into each wrapper: an exported original is then called directly. */
static __always_inline int cgaddr_recvmsg(cgaddr_recvmsg_fn fn, enum cgaddr_type type,
					  struct sock *sk, struct msghdr *msg,
					  size_t len CGADDR_RECVMSG_PARAMS)
{
	void *name = msg->msg_name;
	int idx, ret;
	u32 progs;

	idx = srcu_read_lock(&cgaddr_hook_srcu);
	ret = fn(sk, msg, len CGADDR_RECVMSG_ARGS);
	/* The error queue reports no peer address to rewrite, natively either. */
	if (ret >= 0 && name && !(CGADDR_RECVMSG_FLAGS & MSG_ERRQUEUE) &&
	    (progs = cgaddr_sock_progs(sk, type)))
		cgaddr_run_sock_addr(sk, name, type, NULL, NULL, progs);
	srcu_read_unlock(&cgaddr_hook_srcu, idx);
	return ret;
}

int cgaddr_wrap_udp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len CGADDR_RECVMSG_PARAMS)
{
	return cgaddr_recvmsg(CGADDR_ORIG(CGADDR_HOOK_UDP_RECVMSG, cgaddr_recvmsg_fn),
			      CGADDR_T_RECVMSG4, sk, msg, len CGADDR_RECVMSG_ARGS);
}

int cgaddr_wrap_udpv6_recvmsg(struct sock *sk, struct msghdr *msg, size_t len CGADDR_RECVMSG_PARAMS)
{
	return cgaddr_recvmsg(CGADDR_ORIG(CGADDR_HOOK_UDPV6_RECVMSG, cgaddr_recvmsg_fn),
			      CGADDR_T_RECVMSG6, sk, msg, len CGADDR_RECVMSG_ARGS);
}
