// SPDX-License-Identifier: GPL-2.0
/*
 * nlbad: send one malformed request to the "cgaddr" genetlink family, as
 * raw netlink (no library that would refuse to build it), and print the
 * answer: "MODE: error -ERRNO MESSAGE" or "MODE: ok".
 *
 *   nlbad MODE
 *
 * Modes: no-insns, odd-insns, bad-type, bad-flags, unknown-attr,
 * bad-cgroup-fd, both-cgroups, big-name, bad-data, truncated.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uapi/cgaddr.h"

#define ALIGN4(x) (((x) + 3) & ~3U)

struct msg {
	char buf[8192];
	size_t len;
};

static void put(struct msg *m, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(a + 1, data, len);
	m->len += ALIGN4(a->nla_len);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

/* Open a nest; close it with nest_end(). */
static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t at = m->len;

	put(m, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static void nest_end(struct msg *m, size_t at)
{
	((struct nlattr *)(m->buf + at))->nla_len = m->len - at;
}

static void start(struct msg *m, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);

	memset(m->buf, 0, sizeof(m->buf));
	nh->nlmsg_type = family;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = 1;
	gh->cmd = cmd;
	gh->version = 1;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Send @m; the errno of the ACK (0 or negative), its message in @text. */
static int transact(int fd, struct msg *m, char *text, size_t tlen, void *reply, size_t rlen)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	static char rbuf[16384];
	ssize_t n;

	nh->nlmsg_len = m->len;
	if (send(fd, m->buf, m->len, 0) < 0)
		return -errno;
	text[0] = '\0';
	for (;;) {
		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);
				size_t off = NLMSG_HDRLEN + sizeof(*e);
				struct nlattr *a;

				if (!(nh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				for (a = (struct nlattr *)((char *)nh + off);
				     (char *)a + NLA_HDRLEN <= (char *)nh + nh->nlmsg_len &&
				     a->nla_len >= NLA_HDRLEN;
				     a = (struct nlattr *)((char *)a + ALIGN4(a->nla_len)))
					if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
						snprintf(text, tlen, "%s", (char *)(a + 1));
				return e->error;
			}
			if (reply && (size_t)n <= rlen)
				memcpy(reply, nh, nh->nlmsg_len);
		}
	}
}

static uint16_t family_id(int fd)
{
	static char reply[16384];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	char text[256];
	struct nlattr *a;
	struct msg m;
	int off;

	start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put(&m, CTRL_ATTR_FAMILY_NAME, CGADDR_GENL_NAME, sizeof(CGADDR_GENL_NAME));
	if (transact(fd, &m, text, sizeof(text), reply, sizeof(reply))) {
		fprintf(stderr, "nlbad: family %s not found (module not loaded?)\n",
			CGADDR_GENL_NAME);
		exit(2);
	}
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= (int)nh->nlmsg_len;
	     off += ALIGN4(a->nla_len)) {
		a = (struct nlattr *)(reply + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)(a + 1);
	}
	exit(2);
}

int main(int argc, char **argv)
{
	struct bpf_insn ok[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int opt_ext = 1, fd, err;
	char text[512], name[64];
	const char *mode;
	uint16_t fam;
	struct msg m;
	size_t n1, n2;

	if (argc != 2) {
		fprintf(stderr, "usage: nlbad MODE\n");
		return 2;
	}
	mode = argv[1];
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &opt_ext, sizeof(opt_ext))) {
		perror("nlbad: socket");
		return 2;
	}
	fam = family_id(fd);

	start(&m, fam, CGADDR_CMD_PROG_LOAD);
	if (!strcmp(mode, "no-insns")) {
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
	} else if (!strcmp(mode, "odd-insns")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, 12);
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
	} else if (!strcmp(mode, "bad-type")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET_INGRESS);
	} else if (!strcmp(mode, "bad-flags")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		put_u32(&m, CGADDR_A_PROG_FLAGS, 0x80);
	} else if (!strcmp(mode, "unknown-attr")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		put_u32(&m, CGADDR_A_MAX + 5, 1);
	} else if (!strcmp(mode, "big-name")) {
		memset(name, 'x', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		put(&m, CGADDR_A_PROG_NAME, name, sizeof(name));
	} else if (!strcmp(mode, "bad-data")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		n1 = nest_start(&m, CGADDR_A_PROG_DATA);
		n2 = nest_start(&m, CGADDR_A_DATA);
		put_u32(&m, CGADDR_A_DATA_FLAGS, 0x40);	/* and no bytes */
		nest_end(&m, n2);
		nest_end(&m, n1);
	} else if (!strcmp(mode, "truncated")) {
		put(&m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		/* The last attribute claims more bytes than the message has. */
		((struct nlattr *)(m.buf + m.len - 8))->nla_len = 64;
	} else if (!strcmp(mode, "bad-cgroup-fd")) {
		start(&m, fam, CGADDR_CMD_ATTACH);
		put_u32(&m, CGADDR_A_CGROUP_FD, 0);	/* stdin: not a cgroup */
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		put_u32(&m, CGADDR_A_PROG_ID, 1);
	} else if (!strcmp(mode, "both-cgroups")) {
		uint64_t id = 1;

		start(&m, fam, CGADDR_CMD_ATTACH);
		put_u32(&m, CGADDR_A_CGROUP_FD, 0);
		put(&m, CGADDR_A_CGROUP_ID, &id, sizeof(id));
		put_u32(&m, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		put_u32(&m, CGADDR_A_PROG_ID, 1);
	} else {
		fprintf(stderr, "nlbad: unknown mode '%s'\n", mode);
		return 2;
	}
	err = transact(fd, &m, text, sizeof(text), NULL, 0);
	if (err)
		printf("%s: error %d %s\n", mode, err, text[0] ? text : "(no message)");
	else
		printf("%s: ok\n", mode);
	return 0;
}
