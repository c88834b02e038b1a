// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the cgaddr module, for host tests of the CLI: an
 * LD_PRELOAD library that answers the generic netlink family "cgaddr"
 * inside the process, as include/uapi/cgaddr.h says the module does.
 *
 * It intercepts socket(AF_NETLINK, .., NETLINK_GENERIC) and the calls
 * libmnl makes on that socket (bind, getsockname, setsockopt, sendto,
 * recvmsg, close); requests are answered at once into a queue that
 * recvmsg() drains.  State (programs, attachments) lives in a file so
 * that successive cgaddr commands see it.  fstatfs() reports directories
 * under $CGADDR_FAKE_CGROOT as cgroup v2, name_to_handle_at() gives their
 * inode number as the cgroup id (as cgroup2 does), and /proc/self/mountinfo
 * shows that directory as the cgroup2 mount.
 *
 * Environment:
 *   CGADDR_FAKE_STATE   state file (required)
 *   CGADDR_FAKE_LOG     append one line per request received
 *   CGADDR_FAKE_CGROOT  a directory that plays the cgroup v2 root
 *   CGADDR_FAKE_ABSENT  the family does not exist (module not loaded)
 *   CGADDR_FAKE_UNPRIV  mutating commands fail with EPERM (no CAP_NET_ADMIN)
 *   CGADDR_FAKE_LOAD_ERR  PROG_LOAD fails with EINVAL and this message
 *   CGADDR_FAKE_LOAD_ERR_NAME  ... only for the program of this name
 *   CGADDR_FAKE_GENL_VERSION  the family's version (default 1)
 *   CGADDR_FAKE_TYPES   the attach types GET_INFO lists: "all", or numbers
 *                       separated by commas (default: bind4 and bind6)
 *   CGADDR_FAKE_REJECT_ATTR  requests carrying this attribute type fail
 *                       with EINVAL, the attribute's offset and no message
 *
 * This is the CLI's idea of the module, not the module: what is checked
 * here is what the CLI sends and how it shows what comes back.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <uapi/cgaddr.h>

#define FAKE_FAMILY	0x20
#define MAX_PROGS	256
#define MAX_ATTS	256
#define MAX_RULES	16
#define MAX_REPLIES	64
#define REPLY_SIZE	16384
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- state -------------------------------------------------------------------- */

struct fprog {
	uint32_t id, type, insn_cnt, attach_cnt;
	uint64_t load_time;
	char name[CGADDR_NAME_LEN];
	char license[CGADDR_LICENSE_LEN];
};

struct fatt {
	uint64_t cgid;
	uint32_t type, flags;
	bool gone;
	char path[512];
	uint32_t ids[CGADDR_MAX_PROGS];
	uint32_t cnt;
};

/* A rule: the fake keeps its programs; where it is in force is where they are attached. */
struct frule {
	uint32_t id;
	char name[CGADDR_NAME_LEN];
	char pattern[256];
	uint32_t n;
	uint32_t types[CGADDR_MAX_RULE_PROGS], ids[CGADDR_MAX_RULE_PROGS];
	uint32_t flags[CGADDR_MAX_RULE_PROGS];
};

static struct {
	uint32_t next_id;
	struct fprog progs[MAX_PROGS];
	uint32_t nprogs;
	struct fatt atts[MAX_ATTS];
	uint32_t natts;
	struct frule rules[MAX_RULES];
	uint32_t nrules, last_rule;
} st;

static void state_load(void)
{
	const char *path = getenv("CGADDR_FAKE_STATE");
	char line[2048], ids[1024], *tok, *save;
	FILE *f;

	memset(&st, 0, sizeof(st));
	st.next_id = 1;
	if (!path || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "next\t", 5)) {
			st.next_id = strtoul(line + 5, NULL, 10);
		} else if (!strncmp(line, "lastrule\t", 9)) {
			st.last_rule = strtoul(line + 9, NULL, 10);
		} else if (!strncmp(line, "prog\t", 5) && st.nprogs < MAX_PROGS) {
			struct fprog *p = &st.progs[st.nprogs++];

			sscanf(line + 5, "%u\t%u\t%u\t%u\t%lu\t%15[^\t]\t%127[^\n]",
			       &p->id, &p->type, &p->insn_cnt, &p->attach_cnt, &p->load_time,
			       p->name, p->license);
			if (!strcmp(p->name, "-"))
				p->name[0] = '\0';
		} else if (!strncmp(line, "att\t", 4) && st.natts < MAX_ATTS) {
			struct fatt *a = &st.atts[st.natts++];
			int gone;

			ids[0] = '\0';
			sscanf(line + 4, "%lu\t%u\t%u\t%d\t%1023[^\t]\t%511[^\n]",
			       &a->cgid, &a->type, &a->flags, &gone, ids, a->path);
			a->gone = gone;
			for (tok = strtok_r(ids, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (a->cnt < CGADDR_MAX_PROGS)
					a->ids[a->cnt++] = strtoul(tok, NULL, 10);
		} else if (!strncmp(line, "rule\t", 5) && st.nrules < MAX_RULES) {
			struct frule *r = &st.rules[st.nrules++];

			ids[0] = '\0';
			sscanf(line + 5, "%u\t%15[^\t]\t%255[^\t]\t%1023[^\n]", &r->id, r->name,
			       r->pattern, ids);
			if (!strcmp(r->name, "-"))
				r->name[0] = '\0';
			for (tok = strtok_r(ids, ",", &save); tok && r->n < CGADDR_MAX_RULE_PROGS;
			     tok = strtok_r(NULL, ",", &save), r->n++)
				sscanf(tok, "%u:%u:%u", &r->types[r->n], &r->ids[r->n], &r->flags[r->n]);
		}
	}
	fclose(f);
}

static void state_save(void)
{
	const char *path = getenv("CGADDR_FAKE_STATE");
	uint32_t i, k;
	FILE *f;

	if (!path || !(f = fopen(path, "w")))
		return;
	fprintf(f, "next\t%u\nlastrule\t%u\n", st.next_id, st.last_rule);
	for (i = 0; i < st.nprogs; i++) {
		const struct fprog *p = &st.progs[i];

		fprintf(f, "prog\t%u\t%u\t%u\t%u\t%lu\t%s\t%s\n", p->id, p->type, p->insn_cnt,
			p->attach_cnt, p->load_time, p->name[0] ? p->name : "-", p->license);
	}
	for (i = 0; i < st.natts; i++) {
		const struct fatt *a = &st.atts[i];

		if (!a->cnt)
			continue;
		fprintf(f, "att\t%lu\t%u\t%u\t%d\t", a->cgid, a->type, a->flags, a->gone);
		for (k = 0; k < a->cnt; k++)
			fprintf(f, "%s%u", k ? "," : "", a->ids[k]);
		fprintf(f, "\t%s\n", a->path);
	}
	for (i = 0; i < st.nrules; i++) {
		const struct frule *r = &st.rules[i];

		fprintf(f, "rule\t%u\t%s\t%s\t", r->id, r->name[0] ? r->name : "-", r->pattern);
		for (k = 0; k < r->n; k++)
			fprintf(f, "%s%u:%u:%u", k ? "," : "", r->types[k], r->ids[k], r->flags[k]);
		fprintf(f, "\n");
	}
	fclose(f);
}

static void flog(const char *fmt, ...)
{
	const char *path = getenv("CGADDR_FAKE_LOG");
	va_list ap;
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static struct fprog *prog_find(uint32_t id)
{
	uint32_t i;

	for (i = 0; i < st.nprogs; i++)
		if (st.progs[i].id == id)
			return &st.progs[i];
	return NULL;
}

/* ---- the reply queue --------------------------------------------------------- */

static struct {
	int fd, peer;
	uint32_t portid;
	uint8_t *bufs[MAX_REPLIES];
	size_t lens[MAX_REPLIES];
	unsigned int head, tail;
} sk = { .fd = -1, .peer = -1 };

static void queue(const struct nlmsghdr *nlh)
{
	uint8_t *b;

	if (sk.tail == MAX_REPLIES)
		abort();
	b = malloc(nlh->nlmsg_len);
	if (!b)
		abort();
	memcpy(b, nlh, nlh->nlmsg_len);
	sk.bufs[sk.tail] = b;
	sk.lens[sk.tail++] = nlh->nlmsg_len;
}

/* The request being answered, and where replies are built. */
static struct {
	const struct nlmsghdr *req;
	uint8_t buf[REPLY_SIZE];
	const char *msg;		/* extack message */
	const struct nlattr *bad;	/* extack offset */
} cur;

static struct nlmsghdr *reply_start(uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(cur.buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = cur.req->nlmsg_seq;
	nlh->nlmsg_pid = sk.portid;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = CGADDR_GENL_VERSION;
	return nlh;
}

/* The final message: an ack (error 0), an error, or the end of a dump. */
static void reply_end(int error)
{
	bool dump = cur.req->nlmsg_flags & NLM_F_DUMP;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(cur.buf);
	struct nlmsgerr *e;

	nlh->nlmsg_seq = cur.req->nlmsg_seq;
	nlh->nlmsg_pid = sk.portid;
	if (dump && !error) {
		nlh->nlmsg_type = NLMSG_DONE;
		nlh->nlmsg_flags = NLM_F_MULTI;
		*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
		queue(nlh);
		return;
	}
	if (!error && !(cur.req->nlmsg_flags & NLM_F_ACK))
		return;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = *cur.req;
	if (error && (cur.msg || cur.bad)) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (cur.msg)
			mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, cur.msg);
		if (cur.bad)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS,
					 (const uint8_t *)cur.bad - (const uint8_t *)cur.req);
	}
	queue(nlh);
}

static int fail(int error, const char *msg)
{
	cur.msg = msg;
	return error;
}

/* ---- requests ------------------------------------------------------------------ */

enum { T_BIN, T_U32, T_U64, T_STR, T_NEST, T_FLAG };

static const uint8_t attr_type[CGADDR_A_MAX + 1] = {
	[CGADDR_A_VERSION] = T_STR, [CGADDR_A_GENL_VERSION] = T_U32,
	[CGADDR_A_MAX_INSNS] = T_U32, [CGADDR_A_BUDGET] = T_U32,
	[CGADDR_A_ATTACH_TYPES] = T_NEST, [CGADDR_A_PROG_ID] = T_U32,
	[CGADDR_A_PROG_INSNS] = T_BIN, [CGADDR_A_PROG_NAME] = T_STR,
	[CGADDR_A_PROG_LICENSE] = T_STR, [CGADDR_A_PROG_FLAGS] = T_U32,
	[CGADDR_A_PROG_DATA] = T_NEST, [CGADDR_A_CGROUP_FD] = T_U32,
	[CGADDR_A_CGROUP_ID] = T_U64, [CGADDR_A_ATTACH_TYPE] = T_U32,
	[CGADDR_A_ATTACH_FLAGS] = T_U32, [CGADDR_A_REPLACE_PROG_ID] = T_U32,
	[CGADDR_A_QUERY_FLAGS] = T_U32, [CGADDR_A_TEST_CTX] = T_BIN,
	[CGADDR_A_TEST_SK] = T_BIN, [CGADDR_A_RULE_ID] = T_U32, [CGADDR_A_RULE_NAME] = T_STR,
	[CGADDR_A_RULE_PATTERN] = T_STR, [CGADDR_A_RULE_PROGS] = T_NEST,
};

/* The attributes a request may carry, as the module's policy. */
static const bool accepted[CGADDR_A_MAX + 1] = {
	[CGADDR_A_PROG_ID] = 1, [CGADDR_A_PROG_INSNS] = 1, [CGADDR_A_PROG_NAME] = 1,
	[CGADDR_A_PROG_LICENSE] = 1, [CGADDR_A_PROG_FLAGS] = 1, [CGADDR_A_PROG_DATA] = 1,
	[CGADDR_A_CGROUP_FD] = 1, [CGADDR_A_CGROUP_ID] = 1, [CGADDR_A_ATTACH_TYPE] = 1,
	[CGADDR_A_ATTACH_FLAGS] = 1, [CGADDR_A_REPLACE_PROG_ID] = 1, [CGADDR_A_QUERY_FLAGS] = 1,
	[CGADDR_A_TEST_CTX] = 1, [CGADDR_A_TEST_SK] = 1,
	[CGADDR_A_MAP_ID] = 1, [CGADDR_A_MAP_NAME] = 1, [CGADDR_A_MAP_TYPE] = 1,
	[CGADDR_A_MAP_KEY_SIZE] = 1, [CGADDR_A_MAP_VALUE_SIZE] = 1, [CGADDR_A_MAP_MAX_ENTRIES] = 1,
	[CGADDR_A_MAP_FLAGS] = 1, [CGADDR_A_MAP_KEY] = 1, [CGADDR_A_MAP_VALUE] = 1,
	[CGADDR_A_MAP_UPDATE_FLAGS] = 1, [CGADDR_A_PROG_MAPS] = 1,
	[CGADDR_A_RULE_ID] = 1, [CGADDR_A_RULE_NAME] = 1, [CGADDR_A_RULE_PATTERN] = 1,
	[CGADDR_A_RULE_PROGS] = 1,
};

static const struct nlattr *tb[CGADDR_A_MAX + 1];

static int parse_cb(const struct nlattr *a, void *data)
{
	uint16_t type = mnl_attr_get_type(a);
	uint16_t len = mnl_attr_get_payload_len(a);
	bool ok;

	if (getenv("CGADDR_FAKE_REJECT_ATTR") &&
	    type == strtoul(getenv("CGADDR_FAKE_REJECT_ATTR"), NULL, 10)) {
		cur.bad = a;
		return MNL_CB_ERROR;
	}
	if (type > CGADDR_A_MAX || !accepted[type]) {
		cur.bad = a;
		cur.msg = "Unknown attribute type";
		return MNL_CB_ERROR;
	}
	switch (attr_type[type]) {
	case T_U32:
		ok = len == 4;
		break;
	case T_U64:
		ok = len == 8;
		break;
	case T_STR:
		ok = len && ((const char *)mnl_attr_get_payload(a))[len - 1] == '\0';
		break;
	default:
		ok = true;
	}
	if (!ok) {
		cur.bad = a;
		cur.msg = "Attribute failed policy validation";
		return MNL_CB_ERROR;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static bool type_ok(uint32_t t)
{
	return (t >= BPF_CGROUP_INET4_BIND && t <= BPF_CGROUP_INET6_CONNECT) ||
	       t == BPF_CGROUP_UDP4_SENDMSG || t == BPF_CGROUP_UDP6_SENDMSG ||
	       t == BPF_CGROUP_UDP4_RECVMSG || t == BPF_CGROUP_UDP6_RECVMSG ||
	       (t >= BPF_CGROUP_INET4_GETPEERNAME && t <= BPF_CGROUP_INET6_GETSOCKNAME);
}

static int do_get_info(void)
{
	struct nlmsghdr *nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_GET_INFO, 0);
	const char *types = getenv("CGADDR_FAKE_TYPES"), *s;
	struct nlattr *n;
	char *end;
	uint32_t t;

	mnl_attr_put_strz(nlh, CGADDR_A_VERSION, "0.1.0-fake");
	mnl_attr_put_u32(nlh, CGADDR_A_GENL_VERSION, CGADDR_GENL_VERSION);
	mnl_attr_put_u32(nlh, CGADDR_A_MAX_INSNS, 4096);
	mnl_attr_put_u32(nlh, CGADDR_A_BUDGET, 1000000);
	n = mnl_attr_nest_start(nlh, CGADDR_A_ATTACH_TYPES);
	if (types && !strcmp(types, "all")) {
		for (t = 0; t < 64; t++)
			if (type_ok(t))
				mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, t);
	} else if (types) {
		for (s = types; *s; s = end + (*end == ','), s += strspn(s, " "))
			mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, strtoul(s, &end, 10));
	} else {
		mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET4_BIND);
		mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET6_BIND);
	}
	mnl_attr_nest_end(nlh, n);
	queue(nlh);
	flog("GET_INFO");
	return 0;
}

/* The data sections of a load: "name:size:flags,..." into @desc. */
static int load_data(const struct nlattr *nest, char *desc, size_t len, uint32_t *sizes,
		     uint32_t *cnt)
{
	const struct nlattr *d, *a;
	size_t off = 0;

	*cnt = 0;
	desc[0] = '\0';
	mnl_attr_for_each_nested(d, nest) {
		const char *name = NULL;
		uint32_t size = 0, flags = 0;
		bool bytes = false;

		if (mnl_attr_get_type(d) != CGADDR_A_DATA || *cnt == CGADDR_MAX_DATA) {
			cur.bad = d;
			return fail(-EINVAL, "bad data section list");
		}
		mnl_attr_for_each_nested(a, d) {
			switch (mnl_attr_get_type(a)) {
			case CGADDR_A_DATA_NAME:
				name = mnl_attr_get_str(a);
				break;
			case CGADDR_A_DATA_BYTES:
				size = mnl_attr_get_payload_len(a);
				bytes = true;
				break;
			case CGADDR_A_DATA_FLAGS:
				flags = mnl_attr_get_u32(a);
				break;
			default:
				cur.bad = a;
				return fail(-EINVAL, "Unknown attribute type");
			}
		}
		if (!name || !bytes)
			return fail(-EINVAL, "a data section needs a name and bytes");
		sizes[(*cnt)++] = size;
		off += snprintf(desc + off, len > off ? len - off : 0, "%s%s:%u:%u",
				off ? "," : "", name, size, flags);
	}
	return 0;
}

static int do_prog_load(void)
{
	uint32_t sizes[CGADDR_MAX_DATA], ndata = 0, type, i, cnt;
	char desc[1024] = "", msg[128];
	const struct bpf_insn *insns;
	static char errbuf[160];
	struct nlmsghdr *nlh;
	struct fprog *p;
	int ret;

	if (!tb[CGADDR_A_PROG_INSNS] || !tb[CGADDR_A_ATTACH_TYPE])
		return fail(-EINVAL, "instructions and an attach type are required");
	cnt = mnl_attr_get_payload_len(tb[CGADDR_A_PROG_INSNS]) / 8;
	if (!cnt || mnl_attr_get_payload_len(tb[CGADDR_A_PROG_INSNS]) % 8)
		return fail(-EINVAL, "the instructions are not a multiple of 8 bytes");
	type = mnl_attr_get_u32(tb[CGADDR_A_ATTACH_TYPE]);
	if (!type_ok(type))
		return fail(-EINVAL, "not a sock_addr attach type");
	if (tb[CGADDR_A_PROG_DATA]) {
		ret = load_data(tb[CGADDR_A_PROG_DATA], desc, sizeof(desc), sizes, &ndata);
		if (ret)
			return ret;
	}
	insns = mnl_attr_get_payload(tb[CGADDR_A_PROG_INSNS]);
	for (i = 0; i + 1 < cnt; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (insns[i].src_reg == BPF_PSEUDO_MAP_VALUE &&
		    ((uint32_t)insns[i].imm >= ndata ||
		     (uint32_t)insns[i + 1].imm > sizes[insns[i].imm])) {
			snprintf(errbuf, sizeof(errbuf), "insn %u: global data %d+%d is out of bounds",
				 i, insns[i].imm, insns[i + 1].imm);
			return fail(-EINVAL, errbuf);
		}
		i++;
	}
	if (getenv("CGADDR_FAKE_LOAD_ERR") && (!getenv("CGADDR_FAKE_LOAD_ERR_NAME") ||
	    (tb[CGADDR_A_PROG_NAME] && !strcmp(getenv("CGADDR_FAKE_LOAD_ERR_NAME"),
					      mnl_attr_get_str(tb[CGADDR_A_PROG_NAME])))))
		return fail(-EINVAL, getenv("CGADDR_FAKE_LOAD_ERR"));
	if (st.nprogs == MAX_PROGS)
		return fail(-ENOSPC, "too many programs");
	p = &st.progs[st.nprogs++];
	memset(p, 0, sizeof(*p));
	p->id = st.next_id++;
	p->type = type;
	p->insn_cnt = cnt;
	p->load_time = 1700000000ULL * 1000000000ULL;
	if (tb[CGADDR_A_PROG_NAME])
		snprintf(p->name, sizeof(p->name), "%s", mnl_attr_get_str(tb[CGADDR_A_PROG_NAME]));
	if (tb[CGADDR_A_PROG_LICENSE])
		snprintf(p->license, sizeof(p->license), "%s",
			 mnl_attr_get_str(tb[CGADDR_A_PROG_LICENSE]));
	snprintf(msg, sizeof(msg), "%u", tb[CGADDR_A_PROG_FLAGS] ?
		 mnl_attr_get_u32(tb[CGADDR_A_PROG_FLAGS]) : 0);
	if (tb[CGADDR_A_PROG_MAPS]) {
		const struct nlattr *a;
		size_t off = 0;

		desc[0] = '\0';
		mnl_attr_for_each_nested(a, tb[CGADDR_A_PROG_MAPS])
			off += snprintf(desc + off, sizeof(desc) - off, "%s%u", off ? "," : "",
					mnl_attr_get_u32(a));
		flog("PROG_LOAD name=%s maps=%s", p->name, desc);
		desc[0] = '\0';
	}
	flog("PROG_LOAD type=%u name=%s insns=%u license=%s flags=%s data=%s", type, p->name,
	     cnt, p->license, msg, desc);
	nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_PROG_LOAD, 0);
	mnl_attr_put_u32(nlh, CGADDR_A_PROG_ID, p->id);
	queue(nlh);
	return 0;
}

static void put_prog(const struct fprog *p, uint16_t flags)
{
	struct nlmsghdr *nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_PROG_GET, flags);
	struct nlattr *n;

	mnl_attr_put_u32(nlh, CGADDR_A_PROG_ID, p->id);
	mnl_attr_put_strz(nlh, CGADDR_A_PROG_NAME, p->name);
	mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, p->type);
	mnl_attr_put_u32(nlh, CGADDR_A_PROG_INSN_CNT, p->insn_cnt);
	mnl_attr_put_strz(nlh, CGADDR_A_PROG_LICENSE, p->license);
	mnl_attr_put_u64(nlh, CGADDR_A_PROG_LOAD_TIME, p->load_time);
	mnl_attr_put_u32(nlh, CGADDR_A_PROG_ATTACH_CNT, p->attach_cnt);
	n = mnl_attr_nest_start(nlh, CGADDR_A_PROG_STATS);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_RUNS, 10);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_ALLOWS, 7);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_DENIES, 3);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_REWRITES, 5);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_FAULTS, 1);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_BUDGET_ABORTS, 0);
	mnl_attr_put_u64(nlh, CGADDR_A_STAT_RUN_TIME_NS, 4321);
	mnl_attr_nest_end(nlh, n);
	queue(nlh);
}

static int do_prog_get(bool dump)
{
	struct fprog *p;
	uint32_t i;

	if (dump) {
		flog("PROG_GET dump");
		for (i = 0; i < st.nprogs; i++)
			put_prog(&st.progs[i], NLM_F_MULTI);
		return 0;
	}
	if (!tb[CGADDR_A_PROG_ID])
		return fail(-EINVAL, "no program id given (dump to list all)");
	flog("PROG_GET id=%u", mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]));
	p = prog_find(mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]));
	if (!p)
		return fail(-ENOENT, "no program with this id");
	put_prog(p, 0);
	return 0;
}

static struct frule *rule_holding(uint32_t id)
{
	uint32_t i, k;

	for (i = 0; i < st.nrules; i++)
		for (k = 0; k < st.rules[i].n; k++)
			if (st.rules[i].ids[k] == id)
				return &st.rules[i];
	return NULL;
}

static int do_prog_del(void)
{
	struct fprog *p;

	if (!tb[CGADDR_A_PROG_ID])
		return fail(-EINVAL, "no program id given");
	flog("PROG_DEL id=%u", mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]));
	p = prog_find(mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]));
	if (!p)
		return fail(-ENOENT, "no program with this id");
	/* In the module's order: a rule's program is attached too, mostly. */
	if (rule_holding(p->id))
		return fail(-EBUSY, "a rule holds the program; delete the rule first");
	if (p->attach_cnt)
		return fail(-EBUSY, "the program is attached; detach it first");
	*p = st.progs[--st.nprogs];
	return 0;
}

/* The cgroup of a request: its id and path (relative to the fake root). */
static int req_cgroup(uint64_t *cgid, char *path, size_t len)
{
	const char *root = getenv("CGADDR_FAKE_CGROOT");
	char link[64], target[512];
	struct stat s;
	ssize_t n;
	uint32_t i;
	int fd;

	if (tb[CGADDR_A_CGROUP_FD] && tb[CGADDR_A_CGROUP_ID])
		return fail(-EINVAL, "give the cgroup by fd or by id, not both");
	if (tb[CGADDR_A_CGROUP_ID]) {
		*cgid = mnl_attr_get_u64(tb[CGADDR_A_CGROUP_ID]);
		for (i = 0; i < st.natts; i++) {
			if (st.atts[i].cgid == *cgid) {
				snprintf(path, len, "%s", st.atts[i].path);
				return 0;
			}
		}
		return fail(-ENOENT, "no cgroup with this id");
	}
	if (!tb[CGADDR_A_CGROUP_FD])
		return fail(-EINVAL, "no cgroup given");
	fd = mnl_attr_get_u32(tb[CGADDR_A_CGROUP_FD]);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0 || fstat(fd, &s))
		return fail(-EBADF, "the cgroup fd is not an open cgroup v2 directory");
	target[n] = '\0';
	if (!root || strncmp(target, root, strlen(root)))
		return fail(-EBADF, "the cgroup fd is not an open cgroup v2 directory");
	*cgid = s.st_ino;
	snprintf(path, len, "%s", target[strlen(root)] ? target + strlen(root) : "/");
	return 0;
}

static struct fatt *att_find(uint64_t cgid, uint32_t type, bool add, const char *path)
{
	uint32_t i;

	for (i = 0; i < st.natts; i++)
		if (st.atts[i].cgid == cgid && st.atts[i].type == type)
			return &st.atts[i];
	if (!add || st.natts == MAX_ATTS)
		return NULL;
	memset(&st.atts[st.natts], 0, sizeof(st.atts[0]));
	st.atts[st.natts].cgid = cgid;
	st.atts[st.natts].type = type;
	snprintf(st.atts[st.natts].path, sizeof(st.atts[0].path), "%s", path);
	return &st.atts[st.natts++];
}

static int do_attach(void)
{
	uint32_t type, id, flags, replace, i;
	struct fprog *p, *old;
	char path[512];
	struct fatt *a;
	uint64_t cgid;
	int ret;

	ret = req_cgroup(&cgid, path, sizeof(path));
	if (ret)
		return ret;
	if (!tb[CGADDR_A_ATTACH_TYPE] || !tb[CGADDR_A_PROG_ID])
		return fail(-EINVAL, "an attach type and a program id are required");
	type = mnl_attr_get_u32(tb[CGADDR_A_ATTACH_TYPE]);
	id = mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]);
	flags = tb[CGADDR_A_ATTACH_FLAGS] ? mnl_attr_get_u32(tb[CGADDR_A_ATTACH_FLAGS]) : 0;
	replace = tb[CGADDR_A_REPLACE_PROG_ID] ? mnl_attr_get_u32(tb[CGADDR_A_REPLACE_PROG_ID]) : 0;
	flog("ATTACH cgroup=%s type=%u prog=%u flags=%u replace=%u by=%s", path, type, id, flags,
	     replace, tb[CGADDR_A_CGROUP_FD] ? "fd" : "id");
	p = prog_find(id);
	if (!p)
		return fail(-ENOENT, "no program with this id");
	if (p->type != type)
		return fail(-EINVAL, "the program's expected attach type is another");
	if ((flags & BPF_F_ALLOW_OVERRIDE) && (flags & BPF_F_ALLOW_MULTI))
		return fail(-EINVAL, "override and multi exclude each other");
	if ((flags & BPF_F_REPLACE) && (!(flags & BPF_F_ALLOW_MULTI) || !replace))
		return fail(-EINVAL, "replace needs multi and a program to replace");
	a = att_find(cgid, type, true, path);
	if (!a)
		return fail(-ENOSPC, "too many attachments");
	if (a->cnt && a->flags != (flags & (BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI)))
		return fail(-EPERM, "attach flags differ from those already used in this cgroup");
	a->flags = flags & (BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI);
	if (!(flags & BPF_F_ALLOW_MULTI)) {
		if (a->cnt && (old = prog_find(a->ids[0])))
			old->attach_cnt--;
		a->ids[0] = id;
		a->cnt = 1;
		p->attach_cnt++;
		return 0;
	}
	for (i = 0; i < a->cnt; i++) {
		if (a->ids[i] == id)
			return fail(-EINVAL, "the program is attached here already");
		if (replace && a->ids[i] == replace) {
			if ((old = prog_find(replace)))
				old->attach_cnt--;
			a->ids[i] = id;
			p->attach_cnt++;
			return 0;
		}
	}
	if (replace)
		return fail(-ENOENT, "the program to replace is not attached here");
	if (a->cnt == CGADDR_MAX_PROGS)
		return fail(-E2BIG, "too many programs");
	a->ids[a->cnt++] = id;
	p->attach_cnt++;
	return 0;
}

static int do_detach(void)
{
	struct fprog *p;
	char path[512];
	struct fatt *a;
	uint64_t cgid;
	uint32_t type, id, i;
	int ret;

	ret = req_cgroup(&cgid, path, sizeof(path));
	if (ret)
		return ret;
	if (!tb[CGADDR_A_ATTACH_TYPE])
		return fail(-EINVAL, "no attach type given");
	type = mnl_attr_get_u32(tb[CGADDR_A_ATTACH_TYPE]);
	id = tb[CGADDR_A_PROG_ID] ? mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]) : 0;
	flog("DETACH cgroup=%s type=%u prog=%u", path, type, id);
	a = att_find(cgid, type, false, path);
	if (!a || !a->cnt)
		return fail(-ENOENT, "nothing attached");
	if ((a->flags & BPF_F_ALLOW_MULTI) && !id)
		return fail(-EINVAL, "programs attached with multi are detached by id");
	for (i = 0; i < a->cnt; i++) {
		if (id && a->ids[i] != id)
			continue;
		if ((p = prog_find(a->ids[i])))
			p->attach_cnt--;
		a->ids[i] = a->ids[--a->cnt];
		return 0;
	}
	return fail(-ENOENT, "the program is not attached here");
}

static void put_att(const struct fatt *a, const uint32_t *ids, uint32_t cnt, uint32_t flags)
{
	struct nlmsghdr *nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_QUERY, NLM_F_MULTI);
	struct nlattr *n;
	uint32_t k;

	mnl_attr_put_u64(nlh, CGADDR_A_CGROUP_ID, a->cgid);
	mnl_attr_put_strz(nlh, CGADDR_A_CGROUP_PATH, a->path);
	if (a->gone)
		mnl_attr_put(nlh, CGADDR_A_CGROUP_GONE, 0, NULL);
	mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, a->type);
	mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_FLAGS, flags);
	n = mnl_attr_nest_start(nlh, CGADDR_A_PROG_IDS);
	for (k = 0; k < cnt; k++)
		mnl_attr_put_u32(nlh, CGADDR_A_PROG_ID, ids[k]);
	mnl_attr_nest_end(nlh, n);
	queue(nlh);
}

/* Whether @anc is @path or one of its ancestors. */
static bool is_ancestor(const char *anc, const char *path)
{
	size_t len = strlen(anc);

	if (!strcmp(anc, "/"))
		return true;
	return !strncmp(anc, path, len) && (!path[len] || path[len] == '/');
}

/* Effective programs: own first, then ancestors' while allowed, deepest first. */
static void put_effective(const struct fatt *self, const char *path, uint32_t type)
{
	uint32_t ids[CGADDR_MAX_PROGS * 4], cnt = 0, i, k, best;
	const struct fatt *chain[64];
	uint32_t nchain = 0;
	size_t best_len;
	bool used[MAX_ATTS] = { false };

	for (;;) {
		best = MAX_ATTS;
		best_len = 0;
		for (i = 0; i < st.natts; i++) {
			const struct fatt *a = &st.atts[i];
			size_t len = strlen(a->path);

			if (used[i] || a->type != type || !a->cnt || !is_ancestor(a->path, path))
				continue;
			if (best == MAX_ATTS || len > best_len) {
				best = i;
				best_len = len;
			}
		}
		if (best == MAX_ATTS || nchain == 64)
			break;
		used[best] = true;
		chain[nchain++] = &st.atts[best];
	}
	for (i = 0; i < nchain; i++) {
		if (cnt && !(chain[i]->flags & BPF_F_ALLOW_MULTI))
			continue;
		for (k = 0; k < chain[i]->cnt && cnt < ARRAY_LEN(ids); k++)
			ids[cnt++] = chain[i]->ids[k];
	}
	if (cnt)
		put_att(self, ids, cnt, 0);
}

/* Whether the cgroup directory is still there (else: shown as removed). */
static bool cgroup_exists(const char *path)
{
	const char *root = getenv("CGADDR_FAKE_CGROOT");
	char full[1024];
	struct stat s;

	if (!root)
		return true;
	snprintf(full, sizeof(full), "%s%s", root, path);
	return !stat(full, &s);
}

static int do_query(void)
{
	uint32_t type = 0, qflags = 0, i;
	bool one = false;
	char path[512] = "";
	uint64_t cgid = 0;
	int ret;

	if (tb[CGADDR_A_CGROUP_FD] || tb[CGADDR_A_CGROUP_ID]) {
		ret = req_cgroup(&cgid, path, sizeof(path));
		if (ret)
			return ret;
		one = true;
	}
	if (tb[CGADDR_A_ATTACH_TYPE])
		type = mnl_attr_get_u32(tb[CGADDR_A_ATTACH_TYPE]);
	if (tb[CGADDR_A_QUERY_FLAGS])
		qflags = mnl_attr_get_u32(tb[CGADDR_A_QUERY_FLAGS]);
	flog("QUERY cgroup=%s type=%u flags=%u", one ? path : "*", type, qflags);
	if (qflags & ~CGADDR_QUERY_F_EFFECTIVE)
		return fail(-EINVAL, "unknown query flags");
	if (qflags && one) {
		struct fatt self = { .cgid = cgid };
		uint32_t t;

		snprintf(self.path, sizeof(self.path), "%s", path);
		for (t = 0; t < 64; t++) {
			if (!type_ok(t) || (type && t != type))
				continue;
			self.type = t;
			put_effective(&self, path, t);
		}
		return 0;
	}
	for (i = 0; i < st.natts; i++) {
		struct fatt *a = &st.atts[i];

		if (!a->cnt || (one && a->cgid != cgid) || (type && a->type != type))
			continue;
		a->gone = !cgroup_exists(a->path);
		put_att(a, a->ids, a->cnt, a->flags);
	}
	return 0;
}

static int do_test_run(void)
{
	struct bpf_sock_addr ctx;
	struct nlmsghdr *nlh;
	struct fprog *p;

	if (!tb[CGADDR_A_PROG_ID] || !tb[CGADDR_A_TEST_CTX])
		return fail(-EINVAL, "a program id and a context are required");
	if (mnl_attr_get_payload_len(tb[CGADDR_A_TEST_CTX]) != sizeof(ctx)) {
		cur.bad = tb[CGADDR_A_TEST_CTX];
		return fail(-EINVAL, "Attribute failed policy validation");
	}
	if (tb[CGADDR_A_TEST_SK] && mnl_attr_get_payload_len(tb[CGADDR_A_TEST_SK]) !=
	    sizeof(struct bpf_sock)) {
		cur.bad = tb[CGADDR_A_TEST_SK];
		return fail(-EINVAL, "Attribute failed policy validation");
	}
	p = prog_find(mnl_attr_get_u32(tb[CGADDR_A_PROG_ID]));
	if (!p)
		return fail(-ENOENT, "no program with this id");
	memcpy(&ctx, mnl_attr_get_payload(tb[CGADDR_A_TEST_CTX]), sizeof(ctx));
	flog("TEST_RUN id=%u family=%u user_family=%u user_ip4=%08x user_port=%08x type=%u "
	     "protocol=%u sk=%s", p->id, ctx.family, ctx.user_family, ctx.user_ip4, ctx.user_port,
	     ctx.type, ctx.protocol, tb[CGADDR_A_TEST_SK] ? "yes" : "no");
	/* Plays bind4_demo: 0.0.0.0 becomes 192.0.2.10. */
	if (!strcmp(p->name, "bind4_demo") && !ctx.user_ip4)
		ctx.user_ip4 = htonl(0xc000020a);
	nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_TEST_RUN, 0);
	mnl_attr_put_u64(nlh, CGADDR_A_TEST_RETVAL, 1);
	mnl_attr_put(nlh, CGADDR_A_TEST_CTX, sizeof(ctx), &ctx);
	mnl_attr_put_u64(nlh, CGADDR_A_TEST_INSN_CNT, p->insn_cnt);
	mnl_attr_put_u32(nlh, CGADDR_A_TEST_FAULT, 0);
	mnl_attr_put_u64(nlh, CGADDR_A_TEST_DURATION_NS, 1234);
	queue(nlh);
	return 0;
}

/* Maps: created and dropped, logged; ids from 100 within one run. */
static int do_map_create(void)
{
	static uint32_t next = 100;
	struct nlmsghdr *nlh;

	if (!tb[CGADDR_A_MAP_TYPE] || !tb[CGADDR_A_MAP_KEY_SIZE] || !tb[CGADDR_A_MAP_VALUE_SIZE] ||
	    !tb[CGADDR_A_MAP_MAX_ENTRIES])
		return fail(-EINVAL, "a map needs a type, key and value sizes and max_entries");
	flog("MAP_CREATE id=%u type=%u key=%u value=%u max=%u flags=%u name=%s", next,
	     mnl_attr_get_u32(tb[CGADDR_A_MAP_TYPE]), mnl_attr_get_u32(tb[CGADDR_A_MAP_KEY_SIZE]),
	     mnl_attr_get_u32(tb[CGADDR_A_MAP_VALUE_SIZE]),
	     mnl_attr_get_u32(tb[CGADDR_A_MAP_MAX_ENTRIES]),
	     tb[CGADDR_A_MAP_FLAGS] ? mnl_attr_get_u32(tb[CGADDR_A_MAP_FLAGS]) : 0,
	     tb[CGADDR_A_MAP_NAME] ? mnl_attr_get_str(tb[CGADDR_A_MAP_NAME]) : "-");
	nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_MAP_CREATE, 0);
	mnl_attr_put_u32(nlh, CGADDR_A_MAP_ID, next++);
	queue(nlh);
	return 0;
}

static void log_bytes(const char *what, const struct nlattr *a, char *buf, size_t len)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t off = snprintf(buf, len, " %s=", what);
	uint16_t i;

	for (i = 0; i < mnl_attr_get_payload_len(a) && off + 3 < len; i++)
		off += snprintf(buf + off, len - off, "%02x", p[i]);
}

static int do_map_entry(uint8_t cmd)
{
	char k[256] = "", v[256] = "";

	if (!tb[CGADDR_A_MAP_ID] || !tb[CGADDR_A_MAP_KEY])
		return fail(-EINVAL, "no map id or key");
	log_bytes("key", tb[CGADDR_A_MAP_KEY], k, sizeof(k));
	if (tb[CGADDR_A_MAP_VALUE])
		log_bytes("value", tb[CGADDR_A_MAP_VALUE], v, sizeof(v));
	flog("MAP_%s id=%u%s%s flags=%u", cmd == CGADDR_CMD_MAP_UPDATE ? "UPDATE" :
	     cmd == CGADDR_CMD_MAP_DELETE ? "DELETE" : "LOOKUP",
	     mnl_attr_get_u32(tb[CGADDR_A_MAP_ID]), k, v,
	     tb[CGADDR_A_MAP_UPDATE_FLAGS] ? mnl_attr_get_u32(tb[CGADDR_A_MAP_UPDATE_FLAGS]) : 0);
	if (cmd == CGADDR_CMD_MAP_LOOKUP)
		return fail(-ENOENT, "no such key in the map");
	return 0;
}

/* ---- rules: the fake attaches nothing itself; the CLI attaches in place first ---- */

static int rule_progs(struct frule *r)
{
	const struct nlattr *e, *a;
	struct fprog *p;

	r->n = 0;
	if (!tb[CGADDR_A_RULE_PROGS])
		return fail(-EINVAL, "no rule programs given");
	mnl_attr_for_each_nested(e, tb[CGADDR_A_RULE_PROGS]) {
		if (r->n == CGADDR_MAX_RULE_PROGS)
			return fail(-E2BIG, "too many rule programs");
		r->types[r->n] = r->ids[r->n] = r->flags[r->n] = 0;
		mnl_attr_for_each_nested(a, e) {
			if (mnl_attr_get_type(a) == CGADDR_A_ATTACH_TYPE)
				r->types[r->n] = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == CGADDR_A_PROG_ID)
				r->ids[r->n] = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == CGADDR_A_ATTACH_FLAGS)
				r->flags[r->n] = mnl_attr_get_u32(a);
		}
		p = prog_find(r->ids[r->n]);
		if (!p)
			return fail(-ENOENT, "no program with this id");
		if (p->type != r->types[r->n])
			return fail(-EINVAL, "the program's expected attach type is another");
		r->n++;
	}
	return r->n ? 0 : fail(-EINVAL, "a rule needs at least one program");
}

static void rule_log(const char *what, const struct frule *r)
{
	char buf[512];
	size_t off = 0;
	uint32_t k;

	buf[0] = '\0';
	for (k = 0; k < r->n && off < sizeof(buf); k++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%u:%u:%u", k ? "," : "",
				r->types[k], r->ids[k], r->flags[k]);
	flog("%s id=%u name=%s pattern=%s progs=%s", what, r->id, r->name, r->pattern, buf);
}

static struct frule *rule_find_id(void)
{
	uint32_t i, id = tb[CGADDR_A_RULE_ID] ? mnl_attr_get_u32(tb[CGADDR_A_RULE_ID]) : 0;

	for (i = 0; i < st.nrules; i++)
		if (st.rules[i].id == id)
			return &st.rules[i];
	return NULL;
}

static int do_rule_add(void)
{
	struct frule r = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	if (!tb[CGADDR_A_RULE_PATTERN])
		return fail(-EINVAL, "no rule pattern given");
	snprintf(r.pattern, sizeof(r.pattern), "%s", mnl_attr_get_str(tb[CGADDR_A_RULE_PATTERN]));
	if (tb[CGADDR_A_RULE_NAME])
		snprintf(r.name, sizeof(r.name), "%s", mnl_attr_get_str(tb[CGADDR_A_RULE_NAME]));
	ret = rule_progs(&r);
	if (ret)
		return ret;
	if (st.nrules == MAX_RULES)
		return fail(-ENOSPC, "too many rules");
	r.id = ++st.last_rule;
	st.rules[st.nrules++] = r;
	rule_log("RULE_ADD", &r);
	nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_RULE_ADD, 0);
	mnl_attr_put_u32(nlh, CGADDR_A_RULE_ID, r.id);
	queue(nlh);
	return 0;
}

/* Every attachment of program @from becomes one of @to (0: detached). */
static void rule_swap(uint32_t from, uint32_t to)
{
	struct fprog *p = prog_find(from), *q = to ? prog_find(to) : NULL;
	uint32_t i, k;

	if (from == to)
		return;		/* the same program: nothing moves (as the module) */

	for (i = 0; i < st.natts; i++) {
		struct fatt *a = &st.atts[i];

		bool has_to = false;

		for (k = 0; q && k < a->cnt; k++)
			has_to |= a->ids[k] == to;
		for (k = 0; k < a->cnt; k++) {
			if (a->ids[k] != from)
				continue;
			if (p)
				p->attach_cnt--;
			if (q && !has_to) {
				a->ids[k] = to;
				q->attach_cnt++;
			} else {
				memmove(&a->ids[k], &a->ids[k + 1], (a->cnt - k - 1) * sizeof(a->ids[0]));
				a->cnt--;
			}
			break;
		}
	}
}

/* Whether a rule other than @r holds program @id (its attachments stay). */
static bool rule_shared(const struct frule *r, uint32_t id)
{
	uint32_t i, k;

	for (i = 0; i < st.nrules; i++)
		for (k = 0; &st.rules[i] != r && k < st.rules[i].n; k++)
			if (st.rules[i].ids[k] == id)
				return true;
	return false;
}

static int do_rule_del(void)
{
	struct frule *r = rule_find_id();
	uint32_t k;

	if (!r)
		return fail(-ENOENT, "no rule with this id");
	rule_log("RULE_DEL", r);
	for (k = 0; k < r->n; k++)
		if (!rule_shared(r, r->ids[k]))
			rule_swap(r->ids[k], 0);
	*r = st.rules[--st.nrules];
	return 0;
}

static int do_rule_replace(void)
{
	struct frule *r = rule_find_id(), fresh;
	uint32_t k;
	int ret;

	if (!r)
		return fail(-ENOENT, "no rule with this id");
	fresh = *r;
	ret = rule_progs(&fresh);
	if (ret)
		return ret;
	if (fresh.n != r->n)
		return fail(-EINVAL, "a replacement gives as many programs");
	for (k = 0; k < r->n; k++)
		if (fresh.types[k] != r->types[k] || fresh.flags[k] != r->flags[k])
			return fail(-EINVAL, "a replacement keeps the attach type and flags");
	if (tb[CGADDR_A_RULE_NAME])
		snprintf(fresh.name, sizeof(fresh.name), "%s", mnl_attr_get_str(tb[CGADDR_A_RULE_NAME]));
	rule_log("RULE_REPLACE", &fresh);
	for (k = 0; k < r->n; k++)
		rule_swap(r->ids[k], fresh.ids[k]);
	*r = fresh;
	return 0;
}

static int do_rule_get(void)
{
	struct nlattr *progs, *e, *cgs, *c;
	struct nlmsghdr *nlh;
	uint32_t i, j, k, m;

	for (i = 0; i < st.nrules; i++) {
		const struct frule *r = &st.rules[i];

		nlh = reply_start(FAKE_FAMILY, CGADDR_CMD_RULE_GET, NLM_F_MULTI);
		mnl_attr_put_u32(nlh, CGADDR_A_RULE_ID, r->id);
		mnl_attr_put_strz(nlh, CGADDR_A_RULE_NAME, r->name);
		mnl_attr_put_strz(nlh, CGADDR_A_RULE_PATTERN, r->pattern);
		progs = mnl_attr_nest_start(nlh, CGADDR_A_RULE_PROGS);
		for (k = 0; k < r->n; k++) {
			e = mnl_attr_nest_start(nlh, CGADDR_A_RULE_PROG);
			mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_TYPE, r->types[k]);
			mnl_attr_put_u32(nlh, CGADDR_A_PROG_ID, r->ids[k]);
			mnl_attr_put_u32(nlh, CGADDR_A_ATTACH_FLAGS, r->flags[k]);
			mnl_attr_nest_end(nlh, e);
		}
		mnl_attr_nest_end(nlh, progs);
		cgs = mnl_attr_nest_start(nlh, CGADDR_A_RULE_CGROUPS);
		for (j = 0; j < st.natts; j++) {
			bool in = false;

			for (k = 0; k < st.atts[j].cnt; k++)
				for (m = 0; m < r->n; m++)
					in |= st.atts[j].ids[k] == r->ids[m];
			if (!in || st.atts[j].type != r->types[0])
				continue;
			c = mnl_attr_nest_start(nlh, CGADDR_A_RULE_CGROUP);
			mnl_attr_put_u64(nlh, CGADDR_A_CGROUP_ID, st.atts[j].cgid);
			mnl_attr_put_strz(nlh, CGADDR_A_CGROUP_PATH, st.atts[j].path);
			mnl_attr_nest_end(nlh, c);
		}
		mnl_attr_nest_end(nlh, cgs);
		queue(nlh);
	}
	return 0;
}

static bool mutating(uint8_t cmd)
{
	return cmd == CGADDR_CMD_PROG_LOAD || cmd == CGADDR_CMD_PROG_DEL ||
	       cmd == CGADDR_CMD_ATTACH || cmd == CGADDR_CMD_DETACH || cmd == CGADDR_CMD_TEST_RUN ||
	       cmd == CGADDR_CMD_RULE_ADD || cmd == CGADDR_CMD_RULE_DEL ||
	       cmd == CGADDR_CMD_RULE_REPLACE;
}

static int handle_cgaddr(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;

	if (mutating(g->cmd) && getenv("CGADDR_FAKE_UNPRIV"))
		return -EPERM;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(nlh, sizeof(*g), parse_cb, tb) != MNL_CB_OK)
		return -EINVAL;
	state_load();
	switch (g->cmd) {
	case CGADDR_CMD_GET_INFO:
		return do_get_info();
	case CGADDR_CMD_PROG_LOAD:
		return do_prog_load();
	case CGADDR_CMD_PROG_DEL:
		return do_prog_del();
	case CGADDR_CMD_PROG_GET:
		return do_prog_get(dump);
	case CGADDR_CMD_ATTACH:
		return do_attach();
	case CGADDR_CMD_DETACH:
		return do_detach();
	case CGADDR_CMD_QUERY:
		return dump ? do_query() : -EOPNOTSUPP;
	case CGADDR_CMD_TEST_RUN:
		return do_test_run();
	case CGADDR_CMD_MAP_CREATE:
		return do_map_create();
	case CGADDR_CMD_MAP_DEL:
		flog("MAP_DEL id=%u", tb[CGADDR_A_MAP_ID] ? mnl_attr_get_u32(tb[CGADDR_A_MAP_ID]) : 0);
		return 0;
	case CGADDR_CMD_MAP_LOOKUP:
	case CGADDR_CMD_MAP_UPDATE:
	case CGADDR_CMD_MAP_DELETE:
		return do_map_entry(g->cmd);
	case CGADDR_CMD_RULE_ADD:
		return do_rule_add();
	case CGADDR_CMD_RULE_DEL:
		return do_rule_del();
	case CGADDR_CMD_RULE_REPLACE:
		return do_rule_replace();
	case CGADDR_CMD_RULE_GET:
		return dump ? do_rule_get() : -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
	}
}

static int handle_ctrl(const struct nlmsghdr *nlh)
{
	const char *ver = getenv("CGADDR_FAKE_GENL_VERSION");
	const struct nlattr *a;
	struct nlmsghdr *rep;
	struct nlattr *ops, *op;
	bool ours = false;
	uint32_t c;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    !strcmp(mnl_attr_get_str(a), CGADDR_GENL_NAME))
			ours = true;
	if (!ours || getenv("CGADDR_FAKE_ABSENT"))
		return -ENOENT;
	rep = reply_start(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 0);
	mnl_attr_put_u16(rep, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
	mnl_attr_put_strz(rep, CTRL_ATTR_FAMILY_NAME, CGADDR_GENL_NAME);
	mnl_attr_put_u32(rep, CTRL_ATTR_VERSION,
			 ver ? strtoul(ver, NULL, 10) : CGADDR_GENL_VERSION);
	mnl_attr_put_u32(rep, CTRL_ATTR_MAXATTR, CGADDR_A_MAX);
	ops = mnl_attr_nest_start(rep, CTRL_ATTR_OPS);
	for (c = 1; c <= CGADDR_CMD_MAX; c++) {
		op = mnl_attr_nest_start(rep, c);
		mnl_attr_put_u32(rep, CTRL_ATTR_OP_ID, c);
		mnl_attr_put_u32(rep, CTRL_ATTR_OP_FLAGS, 0);
		mnl_attr_nest_end(rep, op);
	}
	mnl_attr_nest_end(rep, ops);
	queue(rep);
	return 0;
}

static void handle(const struct nlmsghdr *nlh)
{
	int ret;

	memset(&cur, 0, sizeof(cur));
	cur.req = nlh;
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		ret = handle_ctrl(nlh);
	else if (nlh->nlmsg_type == FAKE_FAMILY)
		ret = handle_cgaddr(nlh);
	else
		ret = -ENOENT;
	if (!ret && nlh->nlmsg_type == FAKE_FAMILY)
		state_save();
	reply_end(ret);
}

/* ---- the intercepted calls ------------------------------------------------------ */

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int socket(int domain, int type, int protocol)
{
	int fds[2];

	if (domain != AF_NETLINK || protocol != NETLINK_GENERIC)
		return REAL(socket)(domain, type, protocol);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds))
		return -1;
	sk.fd = fds[0];
	sk.peer = fds[1];
	sk.portid = 0;
	sk.head = sk.tail = 0;
	return sk.fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (fd != sk.fd || sk.fd < 0)
		return REAL(bind)(fd, addr, len);
	sk.portid = getpid();
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	if (fd != sk.fd || sk.fd < 0)
		return REAL(getsockname)(fd, addr, len);
	nl.nl_pid = sk.portid;
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (fd != sk.fd || sk.fd < 0)
		return REAL(setsockopt)(fd, level, name, val, len);
	return 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	const struct nlmsghdr *nlh = buf;

	if (fd != sk.fd || sk.fd < 0)
		return REAL(sendto)(fd, buf, len, flags, to, tolen);
	if (len < sizeof(*nlh) || nlh->nlmsg_len > len) {
		errno = EINVAL;
		return -1;
	}
	handle(nlh);
	return len;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t len;

	if (fd != sk.fd || sk.fd < 0)
		return REAL(recvmsg)(fd, msg, flags);
	if (sk.head == sk.tail) {
		errno = EAGAIN;
		return -1;
	}
	len = sk.lens[sk.head];
	if (len > msg->msg_iov[0].iov_len)
		abort();
	memcpy(msg->msg_iov[0].iov_base, sk.bufs[sk.head], len);
	free(sk.bufs[sk.head]);
	if (++sk.head == sk.tail)
		sk.head = sk.tail = 0;
	if (msg->msg_name)
		memcpy(msg->msg_name, &nl, sizeof(nl));
	msg->msg_namelen = sizeof(nl);
	msg->msg_flags = 0;
	return len;
}

int close(int fd)
{
	if (fd == sk.fd && sk.fd >= 0) {
		while (sk.head < sk.tail)
			free(sk.bufs[sk.head++]);
		sk.head = sk.tail = 0;
		REAL(close)(sk.peer);
		sk.fd = sk.peer = -1;
	}
	return REAL(close)(fd);
}

FILE *fopen(const char *path, const char *mode)
{
	const char *root = getenv("CGADDR_FAKE_CGROOT");
	static char info[1024];

	if (!root || strcmp(path, "/proc/self/mountinfo"))
		return REAL(fopen)(path, mode);
	snprintf(info, sizeof(info), "20 1 0:20 / / rw - ext4 /dev/root rw\n"
		 "30 20 0:30 / %s rw,relatime - cgroup2 cgroup2 rw\n", root);
	return fmemopen(info, strlen(info), "r");
}

int fstatfs(int fd, struct statfs *buf)
{
	const char *root = getenv("CGADDR_FAKE_CGROOT");
	char link[64], target[512];
	int ret = REAL(fstatfs)(fd, buf);
	ssize_t n;

	if (ret || !root)
		return ret;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (!strncmp(target, root, strlen(root)))
			buf->f_type = CGROUP2_SUPER_MAGIC;
	}
	return 0;
}

/* A cgroup's id is its inode number: the same id for the tool and for us. */
int name_to_handle_at(int dirfd, const char *path, struct file_handle *fh, int *mnt_id,
		      int flags)
{
	const char *root = getenv("CGADDR_FAKE_CGROOT");
	char link[64], target[512];
	uint64_t id;
	struct stat s;
	ssize_t n;

	if (root && !*path && (flags & AT_EMPTY_PATH) && fh->handle_bytes >= sizeof(id)) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0 && !fstat(dirfd, &s)) {
			target[n] = '\0';
			if (!strncmp(target, root, strlen(root))) {
				id = s.st_ino;
				fh->handle_bytes = sizeof(id);
				fh->handle_type = 0xfe;
				memcpy(fh->f_handle, &id, sizeof(id));
				*mnt_id = 0;
				return 0;
			}
		}
	}
	return REAL(name_to_handle_at)(dirfd, path, fh, mnt_id, flags);
}
