// SPDX-License-Identifier: GPL-2.0
/* The generic netlink plumbing, over libmnl. */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"
#include "util.h"

#define NL_RBUF_SIZE	65536
#define NL_BIG_MSG	(128 * 1024)	/* above this, raise the send buffer */

struct nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t version;
	uint32_t portid;
	uint32_t seq;
	uint64_t ops;			/* bit n: command n is implemented */
	uint32_t monitor_grp;		/* id of the "monitor" multicast group, or 0 */
	bool debug;
	bool reported;			/* the last error was printed already */
	uint8_t *rbuf;
	/* What the last request got back besides an errno. */
	char ext_msg[256];
	char ext_attr[48];
};

struct nl_msg {
	struct nl *nl;
	uint8_t *buf;
	size_t cap;
	struct nlmsghdr *nlh;
	bool overflow;
	bool too_big_attr;
};

/* ---- attribute types of the contract -------------------------------------- */

enum { T_BIN, T_U32, T_U64, T_STR, T_NEST, T_FLAG };

static const struct {
	const char *name;
	uint8_t type;
} attrs[CGADDR_A_MAX + 1] = {
#define A(x, t) [CGADDR_A_##x] = { "CGADDR_A_" #x, t }
	A(UNSPEC, T_BIN), A(PAD, T_BIN), A(VERSION, T_STR), A(GENL_VERSION, T_U32),
	A(MAX_INSNS, T_U32), A(BUDGET, T_U32), A(ATTACH_TYPES, T_NEST),
	A(PROG_ID, T_U32), A(PROG_INSNS, T_BIN), A(PROG_NAME, T_STR),
	A(PROG_LICENSE, T_STR), A(PROG_FLAGS, T_U32), A(PROG_DATA, T_NEST),
	A(PROG_INSN_CNT, T_U32), A(PROG_LOAD_TIME, T_U64), A(PROG_ATTACH_CNT, T_U32),
	A(PROG_STATS, T_NEST), A(DATA, T_NEST), A(DATA_NAME, T_STR), A(DATA_BYTES, T_BIN),
	A(DATA_FLAGS, T_U32), A(STAT_RUNS, T_U64), A(STAT_ALLOWS, T_U64),
	A(STAT_DENIES, T_U64), A(STAT_REWRITES, T_U64), A(STAT_FAULTS, T_U64),
	A(STAT_BUDGET_ABORTS, T_U64), A(STAT_RUN_TIME_NS, T_U64), A(CGROUP_FD, T_U32),
	A(CGROUP_ID, T_U64), A(CGROUP_PATH, T_STR), A(CGROUP_GONE, T_FLAG),
	A(ATTACH_TYPE, T_U32), A(ATTACH_FLAGS, T_U32), A(REPLACE_PROG_ID, T_U32),
	A(QUERY_FLAGS, T_U32), A(PROG_IDS, T_NEST), A(TEST_CTX, T_BIN), A(TEST_SK, T_BIN),
	A(TEST_RETVAL, T_U64), A(TEST_INSN_CNT, T_U64), A(TEST_FAULT, T_U32),
	A(TEST_DURATION_NS, T_U64),
	/* monitor */
	A(TRACE_PID, T_U32), A(TRACE_COMM, T_STR), A(TRACE_TEXT, T_STR),
	/* maps */
	A(MAP_ID, T_U32), A(MAP_NAME, T_STR), A(MAP_TYPE, T_U32), A(MAP_KEY_SIZE, T_U32),
	A(MAP_VALUE_SIZE, T_U32), A(MAP_MAX_ENTRIES, T_U32), A(MAP_FLAGS, T_U32),
	A(MAP_KEY, T_BIN), A(MAP_VALUE, T_BIN), A(MAP_VALUES, T_NEST),
	A(MAP_UPDATE_FLAGS, T_U32), A(MAP_ENTRIES, T_U32), A(MAP_MEMORY, T_U64),
	A(MAP_PROG_CNT, T_U32), A(MAP_HANDLE, T_FLAG), A(MAP_NCPUS, T_U32),
	A(PROG_MAPS, T_NEST),
	/* rules */
	A(RULE_ID, T_U32), A(RULE_NAME, T_STR), A(RULE_PATTERN, T_STR), A(RULE_PROGS, T_NEST),
	A(RULE_PROG, T_NEST), A(RULE_CGROUPS, T_NEST), A(RULE_CGROUP, T_NEST),
#undef A
};

static bool attr_valid(const struct nlattr *a)
{
	uint16_t type = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);
	const char *s;

	if (type > CGADDR_A_MAX)
		return true;	/* newer module: ignored */
	switch (attrs[type].type) {
	case T_U32:
		return len == sizeof(uint32_t);
	case T_U64:
		return len == sizeof(uint64_t);
	case T_STR:
		s = mnl_attr_get_payload(a);
		return len && s[len - 1] == '\0';
	case T_FLAG:
		return len == 0;
	case T_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) == 0;
	default:
		return true;
	}
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (!attr_valid(a)) {
		err("malformed answer from the module: attribute %s",
		    type <= CGADDR_A_MAX ? attrs[type].name : "?");
		return MNL_CB_ERROR;
	}
	if (type <= CGADDR_A_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

int nl_parse_nested(const struct nlattr *nest, nl_attrs_t tb)
{
	memset(tb, 0, sizeof(nl_attrs_t));
	return mnl_attr_parse_nested(nest, attr_cb, tb) == MNL_CB_OK ? 0 : -EPROTO;
}

/* ---- requests ---------------------------------------------------------------- */

static struct nl_msg *msg_new(struct nl *nl, uint16_t type, uint8_t cmd, uint8_t version,
			      bool dump, size_t payload)
{
	struct nl_msg *m = calloc(1, sizeof(*m));
	struct genlmsghdr *g;

	if (m) {
		m->cap = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(*g)) + payload + 256;
		m->buf = calloc(1, m->cap);
	}
	if (!m || !m->buf) {
		free(m);
		err("out of memory");
		return NULL;
	}
	m->nl = nl;
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	m->nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return m;
}

struct nl_msg *nl_msg_new(struct nl *nl, uint8_t cmd, bool dump, size_t payload)
{
	return msg_new(nl, nl->family, cmd, CGADDR_GENL_VERSION, dump, payload);
}

void nl_msg_free(struct nl_msg *m)
{
	if (m) {
		free(m->buf);
		free(m);
	}
}

void nl_put_bin(struct nl_msg *m, uint16_t type, const void *buf, size_t len)
{
	if (len > NL_ATTR_MAX_PAYLOAD) {
		m->too_big_attr = true;
		return;
	}
	if (!mnl_attr_put_check(m->nlh, m->cap, type, len, buf))
		m->overflow = true;
}

void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	nl_put_bin(m, type, &v, sizeof(v));
}

void nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v)
{
	nl_put_bin(m, type, &v, sizeof(v));
}

void nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	nl_put_bin(m, type, s, strlen(s) + 1);
}

struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start_check(m->nlh, m->cap, type);

	if (!nest)
		m->overflow = true;
	return nest;
}

void nl_nest_end(struct nl_msg *m, struct nlattr *nest)
{
	if (!nest)
		return;
	if ((uint8_t *)mnl_nlmsg_get_payload_tail(m->nlh) - (uint8_t *)nest > UINT16_MAX) {
		m->too_big_attr = true;
		return;
	}
	mnl_attr_nest_end(m->nlh, nest);
}

/* ---- replies --------------------------------------------------------------------- */

struct talk {
	struct nl *nl;
	const struct nl_msg *req;
	mnl_cb_t data_cb;	/* parses one reply message */
	nl_reply_fn fn;
	void *arg;
	int err;		/* first error: the module's or a callback's */
};

/* The name of the request attribute at byte @off of the request. */
static void name_attr_at(struct talk *t, uint32_t off)
{
	const struct nlmsghdr *nlh = t->req->nlh;
	const struct nlattr *a, *inner;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint32_t at = (const uint8_t *)a - (const uint8_t *)nlh;
		uint16_t type = mnl_attr_get_type(a);

		if (at == off) {
			snprintf(t->nl->ext_attr, sizeof(t->nl->ext_attr), "%s",
				 type <= CGADDR_A_MAX ? attrs[type].name : "?");
			return;
		}
		if (off < at || off >= at + mnl_attr_get_len(a) || type > CGADDR_A_MAX ||
		    attrs[type].type != T_NEST)
			continue;
		mnl_attr_for_each_nested(inner, a) {
			if ((uint32_t)((const uint8_t *)inner - (const uint8_t *)nlh) == off) {
				type = mnl_attr_get_type(inner);
				snprintf(t->nl->ext_attr, sizeof(t->nl->ext_attr), "%s",
					 type <= CGADDR_A_MAX ? attrs[type].name : "?");
				return;
			}
		}
	}
}

static void parse_extack(struct talk *t, const struct nlmsghdr *nlh, size_t tlv_off)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    tlv_off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(a, nlh, tlv_off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(t->nl->ext_msg, sizeof(t->nl->ext_msg), "%s",
					 mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				name_attr_at(t, mnl_attr_get_u32(a));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0 && !t->nl->ext_msg[0]) {
				uint32_t type = mnl_attr_get_u32(a);

				snprintf(t->nl->ext_msg, sizeof(t->nl->ext_msg),
					 "attribute %s is missing",
					 type <= CGADDR_A_MAX ? attrs[type].name : "?");
			}
			break;
		}
	}
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	size_t tlv_off;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		t->err = t->err ?: -EPROTO;
		return MNL_CB_STOP;
	}
	if (e->error) {
		tlv_off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			tlv_off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		parse_extack(t, nlh, tlv_off);
		if (!t->err)
			t->err = e->error < 0 ? e->error : -e->error;
	}
	return MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int e = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (e < 0) {
		parse_extack(t, nlh, sizeof(int));
		if (!t->err)
			t->err = e;
	}
	return MNL_CB_STOP;
}

/* A reply of the cgaddr family: attributes checked, then the caller's fn. */
static int cgaddr_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	nl_attrs_t tb = { NULL };
	int ret;

	if (t->err || !t->fn)
		return MNL_CB_OK;	/* drain the rest of the answer */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb) != MNL_CB_OK) {
		t->err = -EPROTO;
		t->nl->reported = true;	/* attr_cb said which attribute */
		return MNL_CB_OK;
	}
	ret = t->fn(tb, t->arg);
	if (ret < 0) {
		t->err = ret;
		t->nl->reported = true;	/* callbacks print their errors */
	}
	return MNL_CB_OK;
}

static void nl_debug(const char *dir, const void *buf, size_t len)
{
	fprintf(stderr, "---- %s\n", dir);
	mnl_nlmsg_fprintf(stderr, buf, len, sizeof(struct genlmsghdr));
}

static int talk_send(struct nl *nl, const struct nl_msg *m)
{
	uint32_t len = m->nlh->nlmsg_len;
	int fd = mnl_socket_get_fd(nl->sock);

	if (m->overflow || m->too_big_attr) {
		if (m->too_big_attr)
			err("request too large: a netlink attribute holds at most %u bytes",
			    NL_ATTR_MAX_PAYLOAD);
		else
			err("internal error: request buffer too small");
		return -EMSGSIZE;
	}
	if (len > NL_BIG_MSG) {
		int size = len + 4096;

		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	}
	if (nl->debug)
		nl_debug("request", m->nlh, len);
	if (mnl_socket_sendto(nl->sock, m->nlh, len) < 0) {
		int ret = -errno;

		err("cannot send to the module: %s", strerror(errno));
		return ret;
	}
	return 0;
}

static int talk_run(struct nl *nl, const struct nl_msg *m, struct talk *t)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	ssize_t n;
	int ret;

	nl->ext_msg[0] = '\0';
	nl->ext_attr[0] = '\0';
	nl->reported = false;
	ret = talk_send(nl, m);
	if (ret) {
		nl->reported = true;
		return ret;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, NL_RBUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			err("cannot receive from the module: %s", strerror(errno));
			nl->reported = true;
			return ret;
		}
		if (nl->debug)
			nl_debug("reply", nl->rbuf, n);
		ret = mnl_cb_run2(nl->rbuf, n, m->nlh->nlmsg_seq, nl->portid, t->data_cb, t,
				  ctl, NLMSG_MIN_TYPE);
		if (ret < 0) {
			ret = -errno;
			err("bad answer from the module: %s", strerror(errno));
			nl->reported = true;
			return ret;
		}
		if (ret == MNL_CB_STOP)
			return t->err;
	}
}

int nl_talk(struct nl *nl, struct nl_msg *m, nl_reply_fn fn, void *arg)
{
	struct talk t = {
		.nl = nl, .req = m, .data_cb = cgaddr_data_cb, .fn = fn, .arg = arg,
	};

	return talk_run(nl, m, &t);
}

int nl_fail(struct nl *nl, int err_no, const char *what)
{
	if (nl && nl->reported)
		return err_no;
	if (nl && nl->ext_msg[0] && nl->ext_attr[0])
		err("%s: %s (%s)", what, nl->ext_msg, nl->ext_attr);
	else if (nl && nl->ext_msg[0])
		err("%s: %s", what, nl->ext_msg);
	else if (err_no == -EPERM)
		err("%s: permission denied: changing policy needs CAP_NET_ADMIN in the "
		    "initial user namespace (run as root)", what);
	else if (nl && nl->ext_attr[0])
		err("%s: the module rejected attribute %s (%s)", what, nl->ext_attr,
		    strerror(-err_no));
	else if (err_no == -EOPNOTSUPP)
		err("%s: the loaded cgaddr module does not support this command: "
		    "load a module that matches this tool (%s)", what, CGADDR_TOOL_VERSION);
	else if (err_no == -EPROTO)
		err("%s: malformed answer from the module", what);
	else
		err("%s: %s", what, strerror(-err_no));
	return err_no;
}

/* ---- the family ------------------------------------------------------------------- */

struct family_info {
	uint16_t id;
	uint32_t version;
	uint64_t ops;
	uint32_t monitor_grp;
};

static int ctrl_mcast(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(a);
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, CGADDR_MCGRP_MONITOR))
			fi->monitor_grp = id;
	}
	return 0;
}

static int ctrl_ops(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *op, *a;

	mnl_attr_for_each_nested(op, nest) {
		mnl_attr_for_each_nested(a, op) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) < 64)
				fi->ops |= 1ULL << mnl_attr_get_u32(a);
		}
	}
	return 0;
}

static int ctrl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	struct family_info *fi = t->arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				fi->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				fi->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_OPS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
				ctrl_ops(a, fi);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
				ctrl_mcast(a, fi);
			break;
		}
	}
	return MNL_CB_OK;
}

static int nl_resolve(struct nl *nl)
{
	struct family_info fi = { 0 };
	struct talk t = { .nl = nl, .data_cb = ctrl_data_cb, .arg = &fi };
	struct nl_msg *m;
	int ret;

	m = msg_new(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, false, 64);
	if (!m)
		return -ENOMEM;
	mnl_attr_put_strz(m->nlh, CTRL_ATTR_FAMILY_NAME, CGADDR_GENL_NAME);
	t.req = m;
	ret = talk_run(nl, m, &t);
	nl_msg_free(m);
	if (ret == -ENOENT || (!ret && !fi.id)) {
		err("the cgaddr module is not loaded (genetlink family '%s' not found); "
		    "run: modprobe cgaddr (or insmod cgaddr.ko)", CGADDR_GENL_NAME);
		return -ENOENT;
	}
	if (ret)
		return nl_fail(nl, ret, "looking up the cgaddr module");
	if (fi.version < CGADDR_GENL_VERSION) {
		err("the loaded cgaddr module speaks version %u of the control protocol, this "
		    "tool needs %u: load a module that matches this tool (%s)",
		    fi.version, CGADDR_GENL_VERSION, CGADDR_TOOL_VERSION);
		return -EPROTO;
	}
	nl->family = fi.id;
	nl->version = fi.version;
	nl->ops = fi.ops;
	nl->monitor_grp = fi.monitor_grp;
	return 0;
}

int nl_open(struct nl **nlp)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	const char *dbg = getenv("CGADDR_DEBUG");
	int one = 1, ret;

	if (nl)
		nl->rbuf = malloc(NL_RBUF_SIZE);
	if (!nl || !nl->rbuf) {
		free(nl);
		err("out of memory");
		return -ENOMEM;
	}
	nl->debug = dbg && *dbg && strcmp(dbg, "0");
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		err("cannot open a generic netlink socket: %s", strerror(errno));
		nl_close(nl);
		return ret;
	}
	/* Error messages from the module; acks without a copy of the request. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = getpid() ^ 0x5a5a0000;
	ret = nl_resolve(nl);
	if (ret) {
		nl_close(nl);
		return ret;
	}
	*nlp = nl;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl);
}

bool nl_has_cmd(const struct nl *nl, uint8_t cmd)
{
	/* Families that do not list their operations implement everything. */
	return !nl->ops || cmd >= 64 || (nl->ops & (1ULL << cmd));
}

/* ---- events ------------------------------------------------------------------------ */

int nl_subscribe_monitor(struct nl *nl)
{
	int grp = (int)nl->monitor_grp;

	if (!grp) {
		err("the loaded cgaddr module has no monitor group: load a newer module");
		return -EOPNOTSUPP;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		int e = errno;

		err("cannot join the monitor group: %s%s", strerror(e),
		    e == EPERM ? " (CAP_NET_ADMIN is needed)" : "");
		return -e;
	}
	return 0;
}

struct event_ctx {
	nl_reply_fn fn;
	void *arg;
	int ret;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *ev = data;
	nl_attrs_t tb = { NULL };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb) != MNL_CB_OK)
		return MNL_CB_OK;	/* a malformed event is skipped (attr_cb said why) */
	ev->ret = ev->fn(tb, ev->arg);
	return ev->ret ? MNL_CB_STOP : MNL_CB_OK;
}

int nl_wait_event(struct nl *nl, int timeout_ms, nl_reply_fn fn, void *arg)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };
	struct event_ctx ev = { fn, arg, 0 };
	ssize_t n;
	int r;

	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (!r)
		return -ETIMEDOUT;
	n = mnl_socket_recvfrom(nl->sock, nl->rbuf, NL_RBUF_SIZE);
	if (n < 0) {
		if (errno == ENOBUFS) {
			err("events were lost: the monitor reads too slowly");
			return 0;
		}
		return -errno;
	}
	if (nl->debug)
		nl_debug("recv", nl->rbuf, n);
	r = mnl_cb_run(nl->rbuf, n, 0, 0, event_cb, &ev);
	if (r < 0 && !ev.ret)
		return 0;
	return ev.ret;
}
