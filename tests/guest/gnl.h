/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the static guest test tools (advrun, nlfuzz):
 * build any message, well-formed or not, send it, and read what comes
 * back.  No library, so nothing refuses to build a bad message.
 */
#ifndef CGADDR_GUEST_GNL_H
#define CGADDR_GUEST_GNL_H

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uapi/cgaddr.h"

#define GNL_ALIGN(x) (((x) + 3) & ~3U)
#define GNL_BUF 131072

struct gnl_msg {
	size_t len;
	char buf[GNL_BUF];
};

static inline struct nlattr *gnl_put(struct gnl_msg *m, uint16_t type, const void *data,
				     size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + GNL_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf))
		return NULL;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(a + 1, data, len);
	memset((char *)(a + 1) + len, 0, GNL_ALIGN(NLA_HDRLEN + len) - NLA_HDRLEN - len);
	m->len += GNL_ALIGN(NLA_HDRLEN + len);
	return a;
}

static inline void gnl_put_u32(struct gnl_msg *m, uint16_t type, uint32_t v)
{
	gnl_put(m, type, &v, sizeof(v));
}

static inline void gnl_put_u64(struct gnl_msg *m, uint16_t type, uint64_t v)
{
	gnl_put(m, type, &v, sizeof(v));
}

static inline size_t gnl_nest_start(struct gnl_msg *m, uint16_t type)
{
	size_t at = m->len;

	gnl_put(m, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static inline void gnl_nest_end(struct gnl_msg *m, size_t at)
{
	((struct nlattr *)(m->buf + at))->nla_len = (uint16_t)(m->len - at);
}

static inline void gnl_start(struct gnl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = family;
	nh->nlmsg_flags = flags;
	gh->cmd = cmd;
	gh->version = CGADDR_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static inline int gnl_open(void)
{
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	int rcv = 1 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return fd;
}

/* The first attribute of type @type in [@a, @end), or NULL. */
static inline struct nlattr *gnl_find(void *start, void *end, uint16_t type)
{
	struct nlattr *a = start;

	while ((char *)a + NLA_HDRLEN <= (char *)end && a->nla_len >= NLA_HDRLEN &&
	       (char *)a + a->nla_len <= (char *)end) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		a = (struct nlattr *)((char *)a + GNL_ALIGN(a->nla_len));
	}
	return NULL;
}

/* An attribute of a genetlink answer. */
static inline struct nlattr *gnl_attr(struct nlmsghdr *nh, uint16_t type)
{
	return gnl_find((char *)nh + NLMSG_HDRLEN + GENL_HDRLEN, (char *)nh + nh->nlmsg_len, type);
}

/* The extended-ACK message of an NLMSG_ERROR, or "". */
static inline const char *gnl_ext_msg(struct nlmsghdr *nh)
{
	struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += GNL_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off > nh->nlmsg_len)
		return "";
	a = gnl_find((char *)nh + off, (char *)nh + nh->nlmsg_len, NLMSGERR_ATTR_MSG);
	return a ? (const char *)(a + 1) : "";
}

/*
 * Send @m as is (nlmsg_len is set to m->len unless @raw_len) and receive
 * until the ACK or the end of a dump.  @cb sees every other message.
 * Returns the ACK's errno (0 or negative), or -EBADMSG when the answer is
 * malformed, or the errno of send/recv.
 */
typedef int (*gnl_cb)(struct nlmsghdr *nh, void *arg);

static inline int gnl_transact(int fd, struct gnl_msg *m, size_t raw_len, gnl_cb cb, void *arg,
			       char *ext, size_t extlen)
{
	static char rbuf[GNL_BUF];
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	uint32_t seq = nh->nlmsg_seq;
	ssize_t n;

	if (!raw_len)
		nh->nlmsg_len = (uint32_t)m->len;
	if (ext)
		ext[0] = '\0';
	if (send(fd, m->buf, raw_len ? raw_len : m->len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				return -EBADMSG;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) || e->error > 0)
					return -EBADMSG;
				if (ext)
					snprintf(ext, extlen, "%s", gnl_ext_msg(nh));
				return e->error;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&err, NLMSG_DATA(nh), sizeof(err));
				if (err > 0)
					return -EBADMSG;
				if (ext && err)
					snprintf(ext, extlen, "%s", "(dump error)");
				return err;	/* no ACK follows a dump */
			}
			if (cb && cb(nh, arg))
				return -EBADMSG;
		}
		if (n)
			return -EBADMSG;	/* trailing bytes that are no message */
	}
}

/* The family id of "cgaddr", or 0. */
static inline int gnl_family_cb(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *a = gnl_attr(nh, CTRL_ATTR_FAMILY_ID);

	if (a)
		*(uint16_t *)arg = *(uint16_t *)(a + 1);
	return 0;
}

static inline uint16_t gnl_family(int fd)
{
	static struct gnl_msg m;
	uint16_t id = 0;

	gnl_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK);
	((struct nlmsghdr *)m.buf)->nlmsg_seq = 1;
	gnl_put(&m, CTRL_ATTR_FAMILY_NAME, CGADDR_GENL_NAME, sizeof(CGADDR_GENL_NAME));
	if (gnl_transact(fd, &m, 0, gnl_family_cb, &id, NULL, 0))
		return 0;
	return id;
}

#endif /* CGADDR_GUEST_GNL_H */
