// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a seeded, reproducible fuzzer of the "cgaddr" genetlink family,
 * run in the QEMU guest.  It sends plausible requests for every command id
 * (the known ones and up to NLFUZZ_MAX_CMD, so commands added later are
 * fuzzed too), then mutates them: wrong attribute types and lengths,
 * wrong nesting, missing and duplicated attributes, huge counts and
 * sizes, bogus program ids, cgroup ids and fds, truncated headers and
 * lengths, random netlink flags (dumps included).
 *
 * Every answer must be an NLMSG_ERROR with a negative errno (or 0 for an
 * ACK), an NLMSG_DONE, or a well-formed message of the family (attributes
 * that parse); anything else is a violation.  Answers are also scanned
 * for values that look like kernel addresses.  Afterwards everything the
 * fuzzer created is removed: attachments that were not there before are
 * detached and programs that were not there before are deleted.
 *
 *   nlfuzz [-n COUNT] [-s SEED] [-c CGROUP_DIR] [-k CGROUP_DIR] [-p PROG_ID]
 *          [-u UID] [-U]
 *
 *   -c DIR  a scratch cgroup whose fd and id requests may name
 *   -k DIR  a cgroup whose attachments must survive (never targeted)
 *   -p ID   a program that must survive (never targeted; repeatable)
 *   -u UID  drop to UID/GID (no capabilities) before opening the socket;
 *   -U      become root of a new user namespace before opening it.
 *           With -u or -U every admin command must fail with EPERM and
 *           nothing may change.
 *
 * Prints the seed first and "netlink_msgs=N ..." last; exit 1 on any
 * violation.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <time.h>

#include "gnl.h"

#define NLFUZZ_MAX_CMD	48	/* commands fuzzed: 0..NLFUZZ_MAX_CMD and 255 */
#define NLFUZZ_MAX_ATTR	(CGADDR_A_MAX + 16)
#define MAX_IDS		4096

static uint64_t rng_state;
static int nl_fd;
static uint16_t family;
static uint32_t seq = 1000;
static int unpriv;
static int scratch_fd = -1;
static uint64_t scratch_id, keep_id;
static uint32_t protect[16];
static int nprotect;
static uint32_t created[MAX_IDS];
static int ncreated;

static struct {
	unsigned long sent, errors, answers, silent, skipped, violations, kptrs;
} st;

static uint64_t rnd(void)
{
	/* xorshift64*: small, and the same sequence for the same seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static int chance(int percent)
{
	return below(100) < (uint32_t)percent;
}

static void violation(const char *fmt, const char *what, long v)
{
	st.violations++;
	printf("VIOLATION (msg %lu): ", st.sent);
	printf(fmt, what, v);
	printf("\n");
}

/* ---- values ------------------------------------------------------------ */

static uint32_t some_u32(void)
{
	static const uint32_t pool[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 17, 63, 64, 65, 255, 256, 4095, 4096, 4097,
		8191, 8192, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	switch (below(4)) {
	case 0:
		return pool[below(sizeof(pool) / sizeof(pool[0]))];
	case 1:
		return ncreated ? created[below(ncreated)] : 1;
	case 2:
		return below(64);
	default:
		return (uint32_t)rnd();
	}
}

static uint64_t some_u64(void)
{
	switch (below(5)) {
	case 0:
		return scratch_id;
	case 1:
		return below(64);
	case 2:
		return ~0ULL - below(4);
	case 3:
		return 1ULL << below(64);
	default:
		return rnd();
	}
}

static uint32_t some_type(void)
{
	if (chance(60))
		return BPF_CGROUP_INET4_BIND + below(4);	/* bind4/6, connect4/6 */
	return chance(70) ? BPF_CGROUP_INET4_BIND + below(40) : some_u32();
}

static uint32_t some_prog_id(void)
{
	if (ncreated && chance(60))
		return created[below(ncreated)];
	return some_u32();
}

static void fill(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)rnd();
}

/* Instructions: mostly valid small programs, sometimes garbage or huge. */
static void put_insns(struct gnl_msg *m)
{
	static struct bpf_insn insns[8192];
	static const struct bpf_insn ok[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	size_t n, len;

	switch (below(6)) {
	case 0:
	case 1:
		gnl_put(m, CGADDR_A_PROG_INSNS, ok, sizeof(ok));
		return;
	case 2:	/* a budget-eating loop: TEST_RUN of it takes the whole budget */
		insns[0] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = -1 };
		insns[1] = ok[1];
		gnl_put(m, CGADDR_A_PROG_INSNS, insns, 2 * sizeof(insns[0]));
		return;
	case 3:	/* random bytes, any length */
		len = below(256);
		fill(insns, len);
		gnl_put(m, CGADDR_A_PROG_INSNS, insns, len);
		return;
	case 4:	/* the sizes around the limits */
		n = (size_t[]){ 0, 1, 4095, 4096, 4097, 8190, 8191 }[below(7)];
		for (len = 0; len < n; len++)
			insns[len] = ok[0];
		if (n)
			insns[n - 1] = ok[1];
		gnl_put(m, CGADDR_A_PROG_INSNS, insns, n * sizeof(insns[0]));
		return;
	default:	/* valid opcodes, random operands */
		n = 1 + below(64);
		fill(insns, n * sizeof(insns[0]));
		for (len = 0; len < n; len++)
			insns[len].code = (uint8_t[]){ 0xb7, 0x61, 0x63, 0x7b, 0x85, 0x05,
						       0x15, 0x18, 0x00, 0x95 }[below(10)];
		insns[n - 1] = ok[1];
		gnl_put(m, CGADDR_A_PROG_INSNS, insns, n * sizeof(insns[0]));
	}
}

static void put_string(struct gnl_msg *m, uint16_t type)
{
	char s[300];
	size_t len = chance(70) ? below(20) : below(sizeof(s));
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = chance(99) ? "abcdefgh_.0123XYZ"[below(17)] : (char)rnd();
	if (chance(85))
		s[len++] = '\0';
	gnl_put(m, type, s, len);
}

static void put_random_attr(struct gnl_msg *m, int depth);

/* A global-data nest with 0..40 entries, mostly well-formed. */
static void put_data(struct gnl_msg *m, int depth)
{
	static uint8_t bytes[65536];
	size_t outer = gnl_nest_start(m, CGADDR_A_PROG_DATA);
	uint32_t n = chance(80) ? below(4) : below(40), i;

	for (i = 0; i < n && m->len < sizeof(m->buf) - 70000; i++) {
		size_t inner = gnl_nest_start(m, CGADDR_A_DATA);
		size_t len = chance(80) ? below(64) : (size_t[]){ 0, 65531, 65532 }[below(3)];

		if (chance(90))
			put_string(m, CGADDR_A_DATA_NAME);
		if (chance(90) && len <= 65531)
			gnl_put(m, CGADDR_A_DATA_BYTES, bytes, len);
		if (chance(50))
			gnl_put_u32(m, CGADDR_A_DATA_FLAGS, chance(70) ? below(2) : some_u32());
		if (chance(5) && depth < 3)
			put_random_attr(m, depth + 1);
		gnl_nest_end(m, inner);
	}
	gnl_nest_end(m, outer);
}

/* One attribute of a random type with plausible or random contents. */
static void put_random_attr(struct gnl_msg *m, int depth)
{
	uint16_t type = (uint16_t)below(NLFUZZ_MAX_ATTR + 1);
	uint8_t junk[128];

	if (chance(3))
		type = (uint16_t)rnd();
	switch (below(5)) {
	case 0:
		gnl_put_u32(m, type, some_u32());
		break;
	case 1:
		gnl_put_u64(m, type, some_u64());
		break;
	case 2:
		if (depth < 3) {
			size_t at = gnl_nest_start(m, type);
			uint32_t n = below(4), i;

			for (i = 0; i < n; i++)
				put_random_attr(m, depth + 1);
			gnl_nest_end(m, at);
			break;
		}
		/* fall through */
	default: {
		size_t len = below(sizeof(junk));

		fill(junk, len);
		gnl_put(m, type, junk, len);
	}
	}
}

static void put_cgroup(struct gnl_msg *m)
{
	switch (below(5)) {
	case 0:
		gnl_put_u32(m, CGADDR_A_CGROUP_FD, scratch_fd >= 0 ? scratch_fd : 0);
		break;
	case 1:
		gnl_put_u32(m, CGADDR_A_CGROUP_FD, (uint32_t[]){ 0, 1, 2, 3, 99, 1023, 1u << 31,
								  0xffffffff }[below(8)]);
		break;
	case 2:
		gnl_put_u64(m, CGADDR_A_CGROUP_ID, scratch_id);
		break;
	case 3:
		gnl_put_u64(m, CGADDR_A_CGROUP_ID, some_u64());
		break;
	default:	/* both, or none */
		if (chance(50)) {
			gnl_put_u32(m, CGADDR_A_CGROUP_FD, scratch_fd);
			gnl_put_u64(m, CGADDR_A_CGROUP_ID, scratch_id);
		}
	}
}

static void put_ctx(struct gnl_msg *m, uint16_t type, size_t size)
{
	uint8_t b[128] = {};
	size_t len = chance(85) ? size : below(sizeof(b));

	if (chance(50))
		fill(b, len);
	gnl_put(m, type, b, len);
}

/* A request for @cmd: the attributes the command takes, each maybe left out. */
static void build(struct gnl_msg *m, uint8_t cmd)
{
	int keep = 90;

	switch (cmd) {
	case CGADDR_CMD_PROG_LOAD:
		if (chance(keep))
			put_insns(m);
		if (chance(keep))
			gnl_put_u32(m, CGADDR_A_ATTACH_TYPE, some_type());
		if (chance(40))
			put_string(m, CGADDR_A_PROG_NAME);
		if (chance(30))
			put_string(m, CGADDR_A_PROG_LICENSE);
		if (chance(30))
			gnl_put_u32(m, CGADDR_A_PROG_FLAGS, chance(50) ? below(2) : some_u32());
		if (chance(30))
			put_data(m, 0);
		break;
	case CGADDR_CMD_PROG_DEL:
	case CGADDR_CMD_PROG_GET:
		if (chance(keep))
			gnl_put_u32(m, CGADDR_A_PROG_ID, some_prog_id());
		break;
	case CGADDR_CMD_ATTACH:
	case CGADDR_CMD_DETACH:
		if (chance(keep))
			put_cgroup(m);
		if (chance(keep))
			gnl_put_u32(m, CGADDR_A_ATTACH_TYPE, some_type());
		if (chance(keep))
			gnl_put_u32(m, CGADDR_A_PROG_ID, some_prog_id());
		if (chance(50))
			gnl_put_u32(m, CGADDR_A_ATTACH_FLAGS,
				    chance(70) ? (uint32_t[]){ 0, 1, 2, 4, 6, 3 }[below(6)] :
						 some_u32());
		if (chance(20))
			gnl_put_u32(m, CGADDR_A_REPLACE_PROG_ID, some_prog_id());
		break;
	case CGADDR_CMD_QUERY:
		if (chance(50))
			put_cgroup(m);
		if (chance(50))
			gnl_put_u32(m, CGADDR_A_ATTACH_TYPE, some_type());
		if (chance(50))
			gnl_put_u32(m, CGADDR_A_QUERY_FLAGS, chance(70) ? below(2) : some_u32());
		break;
	case CGADDR_CMD_TEST_RUN:
		if (chance(keep))
			gnl_put_u32(m, CGADDR_A_PROG_ID, some_prog_id());
		if (chance(keep))
			put_ctx(m, CGADDR_A_TEST_CTX, sizeof(struct bpf_sock_addr));
		if (chance(30))
			put_ctx(m, CGADDR_A_TEST_SK, sizeof(struct bpf_sock));
		break;
	default:	/* GET_INFO, unknown and future commands: anything */
		break;
	}
	/* Extra attributes of any type: unknown, duplicated, misplaced. */
	while (chance(cmd > CGADDR_CMD_MAX ? 60 : 15) && m->len < sizeof(m->buf) - 1024)
		put_random_attr(m, 0);
}

/* Damage a built message in place; returns the length to send. */
static size_t mutate(struct gnl_msg *m)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	size_t len = m->len, i, n;

	nh->nlmsg_len = (uint32_t)len;
	switch (below(10)) {
	case 0:	/* byte flips in the attributes */
		n = 1 + below(8);
		for (i = 0; i < n && len > NLMSG_HDRLEN + GENL_HDRLEN; i++)
			m->buf[NLMSG_HDRLEN + GENL_HDRLEN +
			       below(len - NLMSG_HDRLEN - GENL_HDRLEN)] ^= (char)(1 << below(8));
		break;
	case 1:	/* an attribute length made wrong */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN + 4) {
			struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);

			a->nla_len = (uint16_t)(chance(50) ? below(8) : a->nla_len + 1 + below(64));
		}
		break;
	case 2:	/* cut short: the message claims what it has, or more */
		len = below(len + 1);
		if (chance(50))
			nh->nlmsg_len = (uint32_t)len;
		break;
	case 3:	/* nlmsg_len lies */
		nh->nlmsg_len = chance(50) ? below(len + 1) : (uint32_t)len + below(256);
		break;
	case 4:	/* genl header: version, reserved */
		((struct genlmsghdr *)NLMSG_DATA(nh))->version = (uint8_t)rnd();
		if (chance(50))
			((struct genlmsghdr *)NLMSG_DATA(nh))->reserved = (uint16_t)rnd();
		break;
	case 5:	/* the nested flag toggled on the first attribute */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN + 4)
			((struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_type ^=
				NLA_F_NESTED;
		break;
	case 6:	/* trailing junk after the last attribute */
		n = 1 + below(7);
		fill(m->buf + len, n);
		len += n;
		nh->nlmsg_len = (uint32_t)len;
		break;
	default:	/* sent as built */
		break;
	}
	return len;
}

/* ---- safety net: never touch what must survive ---------------------------- */

static int protected_id(uint32_t id)
{
	int i;

	for (i = 0; i < nprotect; i++)
		if (protect[i] == id)
			return 1;
	return 0;
}

/* Does one attribute of a mutating @cmd name what must survive? */
static int attr_protected(const struct nlattr *a, uint8_t cmd)
{
	uint16_t t = a->nla_type & NLA_TYPE_MASK;
	uint32_t v32;
	uint64_t v64;

	if (a->nla_len >= NLA_HDRLEN + 4) {
		memcpy(&v32, a + 1, 4);
		if ((t == CGADDR_A_PROG_ID || t == CGADDR_A_REPLACE_PROG_ID ||
		     cmd > CGADDR_CMD_MAX) && protected_id(v32))
			return 1;
	}
	if (a->nla_len >= NLA_HDRLEN + 8 && keep_id) {
		memcpy(&v64, a + 1, 8);
		if (v64 == keep_id)
			return 1;
	}
	return 0;
}

/*
 * Would the kernel, parsing @len bytes as it does (netlink_rcv_skb, then
 * nla_parse), see a mutating command naming a protected program or the
 * protected cgroup?  Checked on what is sent, after mutation; commands
 * this fuzzer does not know are taken as mutating.
 */
static int targets_protected(const char *buf, size_t len)
{
	size_t off = 0, a_off, mlen;

	for (; off <= len && len - off >= NLMSG_HDRLEN; off += NLMSG_ALIGN(mlen)) {
		const struct nlmsghdr *nh = (const void *)(buf + off);
		uint8_t cmd;

		mlen = nh->nlmsg_len;
		if (mlen < NLMSG_HDRLEN + 1 || mlen > len - off)
			break;
		cmd = ((const struct genlmsghdr *)NLMSG_DATA(nh))->cmd;
		if (cmd != CGADDR_CMD_PROG_DEL && cmd != CGADDR_CMD_ATTACH &&
		    cmd != CGADDR_CMD_DETACH && cmd <= CGADDR_CMD_MAX)
			continue;
		for (a_off = NLMSG_HDRLEN + GENL_HDRLEN; a_off + NLA_HDRLEN <= mlen;) {
			const struct nlattr *a = (const void *)(buf + off + a_off);

			if (a->nla_len < NLA_HDRLEN || a->nla_len > mlen - a_off)
				break;
			if (attr_protected(a, cmd))
				return 1;
			a_off += GNL_ALIGN(a->nla_len);
		}
	}
	return 0;
}

/* ---- answers ---------------------------------------------------------------- */

/* Values a kernel pointer would have (direct map, vmalloc, text, modules). */
static int kptr_like(uint64_t v)
{
	return v >= 0xffff800000000000ULL && v < 0xfffffffffffff000ULL;
}

/* Attributes in [p, end) must parse exactly; nested ones too. */
static int attrs_ok(const char *p, const char *end, int depth)
{
	while (p < end) {
		const struct nlattr *a = (const void *)p;
		size_t i;

		if (end - p < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return 0;
		if ((a->nla_type & NLA_F_NESTED) &&
		    (depth > 4 || !attrs_ok(p + NLA_HDRLEN, p + a->nla_len, depth + 1)))
			return 0;
		/* r0 and the context after a run are the program's own values. */
		if ((a->nla_type & NLA_TYPE_MASK) != CGADDR_A_TEST_RETVAL &&
		    (a->nla_type & NLA_TYPE_MASK) != CGADDR_A_TEST_CTX)
			for (i = 0; i + 8 <= (size_t)a->nla_len - NLA_HDRLEN; i += 4) {
				uint64_t v;

				memcpy(&v, p + NLA_HDRLEN + i, 8);
				if (kptr_like(v)) {
					st.kptrs++;
					printf("KPTR? attr %u value %#llx\n",
					       a->nla_type, (unsigned long long)v);
				}
			}
		p += GNL_ALIGN(a->nla_len);
		if (p > end && p - end < 4)
			p = end;	/* the last attribute's padding may be cut */
	}
	return 1;
}

struct reply {
	int terminal;		/* an NLMSG_ERROR or NLMSG_DONE arrived */
	int err;		/* its errno */
	int data;		/* family messages seen */
	uint32_t prog_id;	/* PROG_LOAD's answer */
};

static void check_msg(struct nlmsghdr *nh, uint32_t want_seq, uint8_t cmd, struct reply *r)
{
	/*
	 * A damaged request may be read as several messages, with sequence
	 * numbers of their own: only a clean one must be answered in kind.
	 */
	if (want_seq && nh->nlmsg_seq != want_seq) {
		violation("%s %ld", "answer to another sequence number", nh->nlmsg_seq);
		return;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) || e->error > 0 ||
		    e->error < -4095)
			violation("%s %ld", "malformed NLMSG_ERROR", nh->nlmsg_len);
		r->terminal = 1;
		r->err = e->error;
		return;
	}
	if (nh->nlmsg_type == NLMSG_DONE) {
		r->terminal = 1;
		return;
	}
	if (nh->nlmsg_type != family) {
		violation("%s %ld", "answer of an unexpected type", nh->nlmsg_type);
		return;
	}
	r->data++;
	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    !attrs_ok((char *)nh + NLMSG_HDRLEN + GENL_HDRLEN, (char *)nh + nh->nlmsg_len, 0)) {
		violation("%s %ld", "answer whose attributes do not parse", nh->nlmsg_len);
		return;
	}
	if (cmd == CGADDR_CMD_PROG_LOAD) {
		struct nlattr *a = gnl_attr(nh, CGADDR_A_PROG_ID);

		if (a && a->nla_len >= NLA_HDRLEN + 4)
			r->prog_id = *(uint32_t *)(a + 1);
	}
}

/* Read every answer to the message just sent. */
static void drain(uint32_t want_seq, uint8_t cmd, int dump, struct reply *r)
{
	static char rbuf[GNL_BUF];
	struct pollfd pfd = { .fd = nl_fd, .events = POLLIN };
	int waits = 0;

	memset(r, 0, sizeof(*r));
	for (;;) {
		ssize_t n = recv(nl_fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		struct nlmsghdr *nh;

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				violation("%s %ld", "recv failed, errno", errno);
				return;
			}
			/*
			 * The kernel handles a request inside send(): what it
			 * answers is queued when send() returns, and each recv()
			 * of a dump's part queues the next one.  So an empty
			 * queue is the end, but for a dump that has not said
			 * NLMSG_DONE yet: give that one a moment.
			 */
			if (r->terminal || !dump || !r->data || waits > 3)
				return;
			poll(&pfd, 1, 100);
			waits++;
			continue;
		}
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n))
			check_msg(nh, want_seq, cmd, r);
		if (n)
			violation("%s %ld", "trailing bytes in an answer", n);
	}
}

/* ---- one message --------------------------------------------------------- */

static int admin_cmd(uint8_t cmd)
{
	return cmd == CGADDR_CMD_PROG_LOAD || cmd == CGADDR_CMD_PROG_DEL ||
	       cmd == CGADDR_CMD_ATTACH || cmd == CGADDR_CMD_DETACH ||
	       cmd == CGADDR_CMD_TEST_RUN;
}

static void one(void)
{
	static struct gnl_msg m;
	static const uint16_t flag_pool[] = {
		NLM_F_REQUEST | NLM_F_ACK, NLM_F_REQUEST | NLM_F_ACK, NLM_F_REQUEST | NLM_F_ACK,
		NLM_F_REQUEST, NLM_F_REQUEST | NLM_F_DUMP, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK,
		NLM_F_ACK, 0,
	};
	uint8_t cmd = chance(90) ? below(NLFUZZ_MAX_CMD + 1) : (uint8_t)(chance(50) ? 255 : rnd());
	int odd_flags = chance(10);
	uint16_t flags = odd_flags ? (uint16_t)rnd() : flag_pool[below(8)];
	int clean = chance(50);
	struct reply r;
	size_t len;

	if (chance(50))		/* the known commands more often */
		cmd = 1 + below(CGADDR_CMD_MAX);
	gnl_start(&m, family, cmd, flags);
	((struct nlmsghdr *)m.buf)->nlmsg_seq = ++seq;
	build(&m, cmd);
	if (clean) {
		len = m.len;
		((struct nlmsghdr *)m.buf)->nlmsg_len = (uint32_t)len;
	} else {
		len = mutate(&m);
	}
	if (targets_protected(m.buf, len)) {
		st.skipped++;
		return;
	}
	st.sent++;
	if (send(nl_fd, m.buf, len, 0) < 0) {
		/* Empty, too short for a header, or too long for the socket. */
		if (errno != ENODATA && errno != EINVAL && errno != EMSGSIZE && errno != ENOBUFS)
			violation("%s %ld", "send failed, errno", errno);
		return;
	}
	drain(clean ? seq : 0, cmd, (flags & NLM_F_DUMP) == NLM_F_DUMP, &r);
	if (!r.terminal && !r.data) {
		st.silent++;
		/*
		 * Silence is legal only when no ACK was asked for, or the
		 * message was not one the kernel could read.
		 */
		if (clean && (flags & NLM_F_REQUEST) && (flags & NLM_F_ACK))
			violation("%s %ld", "no answer to a well-formed request, cmd", cmd);
	} else if (r.terminal && r.err) {
		st.errors++;
	} else {
		st.answers++;
	}
	if (r.prog_id) {
		if (unpriv)
			violation("%s %ld", "a program was loaded without privilege, id", r.prog_id);
		if (ncreated < MAX_IDS)
			created[ncreated++] = r.prog_id;
	}
	/*
	 * Without privilege an admin command never succeeds, and a clean
	 * request for one is refused with EPERM (genetlink refuses reserved
	 * flags before it looks at permissions, and a dump of a do-only
	 * command as unsupported).
	 */
	if (unpriv && admin_cmd(cmd) &&
	    (r.data || (clean && (flags & NLM_F_REQUEST) && r.terminal && !r.err)))
		violation("%s %ld", "admin command succeeded without privilege, cmd", cmd);
	if (unpriv && admin_cmd(cmd) && clean && !odd_flags && (flags & NLM_F_REQUEST) &&
	    (flags & NLM_F_DUMP) != NLM_F_DUMP && r.err != -EPERM)
		violation("%s %ld", "admin command not refused with EPERM, cmd",
			  cmd | (long)flags << 8 | (long)-r.err << 24);
}

/* ---- state before and after ------------------------------------------------ */

struct triple {
	uint64_t cg;
	uint32_t type, prog;
};

struct state {
	uint32_t progs[MAX_IDS];
	int nprogs;
	struct triple att[MAX_IDS];
	int natt;
};

static int state_cb(struct nlmsghdr *nh, void *arg)
{
	struct state *s = arg;
	struct nlattr *cg = gnl_attr(nh, CGADDR_A_CGROUP_ID);
	struct nlattr *type = gnl_attr(nh, CGADDR_A_ATTACH_TYPE);
	struct nlattr *ids = gnl_attr(nh, CGADDR_A_PROG_IDS);
	struct nlattr *id = gnl_attr(nh, CGADDR_A_PROG_ID);

	if (ids && cg && type) {
		char *p = (char *)(ids + 1), *end = (char *)ids + ids->nla_len;
		struct nlattr *a;

		while ((a = gnl_find(p, end, CGADDR_A_PROG_ID)) && s->natt < MAX_IDS) {
			memcpy(&s->att[s->natt].cg, cg + 1, 8);
			s->att[s->natt].type = *(uint32_t *)(type + 1);
			s->att[s->natt].prog = *(uint32_t *)(a + 1);
			s->natt++;
			p = (char *)a + GNL_ALIGN(a->nla_len);
		}
	} else if (id && s->nprogs < MAX_IDS) {
		s->progs[s->nprogs++] = *(uint32_t *)(id + 1);
	}
	return 0;
}

static int snapshot(struct state *s)
{
	static struct gnl_msg m;
	int err;

	memset(s, 0, sizeof(*s));
	gnl_start(&m, family, CGADDR_CMD_PROG_GET, NLM_F_REQUEST | NLM_F_DUMP);
	((struct nlmsghdr *)m.buf)->nlmsg_seq = ++seq;
	err = gnl_transact(nl_fd, &m, 0, state_cb, s, NULL, 0);
	if (err)
		return err;
	gnl_start(&m, family, CGADDR_CMD_QUERY, NLM_F_REQUEST | NLM_F_DUMP);
	((struct nlmsghdr *)m.buf)->nlmsg_seq = ++seq;
	return gnl_transact(nl_fd, &m, 0, state_cb, s, NULL, 0);
}

static int had_prog(const struct state *s, uint32_t id)
{
	int i;

	for (i = 0; i < s->nprogs; i++)
		if (s->progs[i] == id)
			return 1;
	return 0;
}

static int had_att(const struct state *s, const struct triple *t)
{
	int i;

	for (i = 0; i < s->natt; i++)
		if (!memcmp(&s->att[i], t, sizeof(*t)))
			return 1;
	return 0;
}

/* Undo what the fuzzer did; every pre-existing attachment must remain. */
static int cleanup(const struct state *before)
{
	static struct state after;
	static struct gnl_msg m;
	int i, bad = 0, err;

	if (snapshot(&after)) {
		printf("cleanup: listing failed\n");
		return 1;
	}
	for (i = 0; i < after.natt; i++) {
		const struct triple *t = &after.att[i];

		if (had_att(before, t))
			continue;
		gnl_start(&m, family, CGADDR_CMD_DETACH, NLM_F_REQUEST | NLM_F_ACK);
		((struct nlmsghdr *)m.buf)->nlmsg_seq = ++seq;
		gnl_put_u64(&m, CGADDR_A_CGROUP_ID, t->cg);
		gnl_put_u32(&m, CGADDR_A_ATTACH_TYPE, t->type);
		gnl_put_u32(&m, CGADDR_A_PROG_ID, t->prog);
		err = gnl_transact(nl_fd, &m, 0, NULL, NULL, NULL, 0);
		if (err && err != -ENOENT) {	/* ENOENT: a cgroup being released */
			printf("cleanup: detach %u from cgroup %llu failed: %d\n", t->prog,
			       (unsigned long long)t->cg, err);
			bad = 1;
		}
	}
	for (i = 0; i < before->natt; i++)
		if (!had_att(&after, &before->att[i])) {
			printf("VIOLATION: attachment of program %u to cgroup %llu lost\n",
			       before->att[i].prog, (unsigned long long)before->att[i].cg);
			bad = 1;
		}
	for (i = 0; i < after.nprogs; i++) {
		if (had_prog(before, after.progs[i]))
			continue;
		gnl_start(&m, family, CGADDR_CMD_PROG_DEL, NLM_F_REQUEST | NLM_F_ACK);
		((struct nlmsghdr *)m.buf)->nlmsg_seq = ++seq;
		gnl_put_u32(&m, CGADDR_A_PROG_ID, after.progs[i]);
		err = gnl_transact(nl_fd, &m, 0, NULL, NULL, NULL, 0);
		if (err) {
			printf("cleanup: delete of program %u failed: %d\n", after.progs[i], err);
			bad = 1;
		}
	}
	for (i = 0; i < before->nprogs; i++)
		if (!had_prog(&after, before->progs[i])) {
			printf("VIOLATION: program %u lost\n", before->progs[i]);
			bad = 1;
		}
	return bad;
}

/* ---- privilege --------------------------------------------------------------- */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int become_userns_root(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	if (write_file("/proc/self/uid_map", map))
		return -1;
	write_file("/proc/self/setgroups", "deny\n");
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	return write_file("/proc/self/gid_map", map);
}

static uint64_t cgroup_id(const char *dir)
{
	struct stat sb;

	return stat(dir, &sb) ? 0 : sb.st_ino;
}

int main(int argc, char **argv)
{
	static struct state before;
	unsigned long count = 5000, i;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	int opt, userns = 0, drop_uid = -1, bad;

	while ((opt = getopt(argc, argv, "n:s:c:k:p:u:U")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			scratch_fd = open(optarg, O_RDONLY | O_DIRECTORY);
			scratch_id = cgroup_id(optarg);
			break;
		case 'k':
			keep_id = cgroup_id(optarg);
			break;
		case 'p':
			if (nprotect < 16)
				protect[nprotect++] = strtoul(optarg, NULL, 0);
			break;
		case 'u':
			drop_uid = atoi(optarg);
			break;
		case 'U':
			userns = 1;
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-n COUNT] [-s SEED] [-c DIR] [-k DIR] "
				"[-p ID]... [-u UID] [-U]\n");
			return 2;
		}
	}
	printf("nlfuzz: seed %llu, %lu messages\n", (unsigned long long)seed, count);
	fflush(stdout);
	rng_state = seed ? seed : 1;

	if (drop_uid >= 0 && (setgroups(0, NULL) || setgid(drop_uid) || setuid(drop_uid))) {
		perror("nlfuzz: dropping privileges");
		return 2;
	}
	if (userns && become_userns_root()) {
		perror("nlfuzz: user namespace");
		return 2;
	}
	unpriv = drop_uid >= 0 || userns;
	nl_fd = gnl_open();
	family = nl_fd < 0 ? 0 : gnl_family(nl_fd);
	if (!family) {
		fprintf(stderr, "nlfuzz: no %s family (module not loaded?)\n", CGADDR_GENL_NAME);
		return 2;
	}
	if (snapshot(&before)) {
		fprintf(stderr, "nlfuzz: listing programs and attachments failed\n");
		return 2;
	}
	for (i = 0; i < count; i++)
		one();
	/* Without privilege there is nothing to undo, and undoing would fail. */
	bad = unpriv ? 0 : cleanup(&before);
	if (unpriv) {
		static struct state after;

		if (snapshot(&after) || after.nprogs != before.nprogs || after.natt != before.natt) {
			printf("VIOLATION: state changed without privilege\n");
			bad = 1;
		}
	}
	printf("netlink_msgs=%lu errors=%lu answers=%lu silent=%lu skipped=%lu created=%d "
	       "violations=%lu kptrs=%lu\n", st.sent, st.errors, st.answers, st.silent,
	       st.skipped, ncreated, st.violations, st.kptrs);
	return st.violations || st.kptrs || bad ? 1 : 0;
}
