// SPDX-License-Identifier: GPL-2.0
/*
 * cgstress: the guest side of tests/stress/run.  Socket storms in several
 * cgroups of a hierarchy while the policy churns and the module is
 * reloaded, with every socket call's result checked against the policy.
 *
 *   cgstress [--seconds N] [--workers N] [--reload-every S] [--ko PATH]
 *
 * The policy (12 programs, one per attach type, each a copy of the same
 * small program) acts on ports by their value modulo 1000, so that every
 * worker has its own ports (base = 1000 * (worker + 2)):
 *   bind4/6         deny (EPERM) a bind to base+1
 *   connect4/6      base+10 -> base+11
 *   sendmsg4/6      base+10 -> base+11
 *   getpeername4/6  base+11 -> base+10
 *   getsockname4/6  base+20 -> base+21
 *   recvmsg4/6      base+30 -> base+31 (the sender's port as seen)
 * Each rule is idempotent (a port it produces is not one it matches), so
 * any number of copies in an effective array gives the result of one.
 *
 * Cgroups (under /sys/fs/cgroup/stress):
 *   a      the policy, attached with MULTI; churn replaces its programs in
 *          place (BPF_F_REPLACE) with fresh copies: never without policy
 *   a/b    inherits a; churn attaches and detaches extra copies (MULTI)
 *   c, c/d churn attaches (ALLOW_OVERRIDE), replaces and detaches programs
 *   n      nothing attached anywhere above: no policy
 *   eN     created, policy attached, a child runs checked calls in it,
 *          removed with the programs still attached
 * Workers in a, a/b, eN must see the policy's result, in n the unchanged
 * result, in c, c/d either (per call).  The module reload (every
 * --reload-every seconds: rmmod with everything attached, insmod, policy
 * re-attached) excludes the a, a/b workers and the churners with a
 * process-shared rwlock; the c, c/d, n workers run straight through it.
 *
 * At the end everything is detached and deleted, the module's `objects`
 * parameter must read "programs 0 cgroups 0 maps 0"; the last line is
 *   guest-reliability: ops=N violations=V reloads=R objects=ok|BAD
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/cgaddr.h"

#define CGROOT "/sys/fs/cgroup/stress"
#define NTYPES 12
#define MAXW 16

enum pol { POL_ON, POL_OFF, POL_EITHER };

static const uint32_t types[NTYPES] = {
	BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET6_BIND,
	BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT,
	BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP6_SENDMSG,
	BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP6_RECVMSG,
	BPF_CGROUP_INET4_GETPEERNAME, BPF_CGROUP_INET6_GETPEERNAME,
	BPF_CGROUP_INET4_GETSOCKNAME, BPF_CGROUP_INET6_GETSOCKNAME,
};

struct shared {
	pthread_rwlock_t lock;		/* write: module reload */
	volatile int stop;
	volatile int gen;		/* module generation */
	volatile uint32_t stable_ids[NTYPES];	/* the policy on a */
	unsigned long ops[MAXW + 8];
	unsigned long viol[MAXW + 8];
	unsigned long nl_ops, nl_errs, replaces, attaches, detaches, loads, dels;
	unsigned long cg_created, cg_removed, reloads, rmmod_busy;
	unsigned long udp_late;
	pthread_mutex_t plock;
	int printed;
};
static struct shared *S;
static const char *ko = "/lib/cgaddr/cgaddr.ko";
static int sh(const char *cmd);
static int slot;			/* index into ops/viol */

static void violation(const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&S->viol[slot], 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&S->printed, 1, __ATOMIC_RELAXED) > 40)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "VIOLATION [%d]: ", slot);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the programs ------------------------------------------------------ */

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* Port rule: if (port % 1000 == from) { deny ? return 0 : port += delta } */
static int make_prog(struct bpf_insn *p, int from, int delta, int deny)
{
	int n = 0, skip;

	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
	p[n++] = I(BPF_LDX | BPF_MEM | BPF_W, 2, 1, offsetof(struct bpf_sock_addr, user_port), 0);
	p[n++] = I(BPF_ALU | BPF_END | BPF_TO_BE, 2, 0, 0, 16);
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	p[n++] = I(BPF_ALU64 | BPF_MOD | BPF_K, 3, 0, 0, 1000);
	skip = deny ? 2 : 3;
	p[n++] = I(BPF_JMP | BPF_JNE | BPF_K, 3, 0, skip, from);
	if (deny) {
		p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
		p[n++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	} else {
		p[n++] = I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, delta);
		p[n++] = I(BPF_ALU | BPF_END | BPF_TO_BE, 2, 0, 0, 16);
		p[n++] = I(BPF_STX | BPF_MEM | BPF_W, 6, 2, offsetof(struct bpf_sock_addr, user_port), 0);
	}
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
	p[n++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static int prog_for(uint32_t type, struct bpf_insn *p)
{
	switch (type) {
	case BPF_CGROUP_INET4_BIND: case BPF_CGROUP_INET6_BIND:
		return make_prog(p, 1, 0, 1);
	case BPF_CGROUP_INET4_CONNECT: case BPF_CGROUP_INET6_CONNECT:
	case BPF_CGROUP_UDP4_SENDMSG: case BPF_CGROUP_UDP6_SENDMSG:
		return make_prog(p, 10, 1, 0);
	case BPF_CGROUP_INET4_GETPEERNAME: case BPF_CGROUP_INET6_GETPEERNAME:
		return make_prog(p, 11, -1, 0);
	case BPF_CGROUP_INET4_GETSOCKNAME: case BPF_CGROUP_INET6_GETSOCKNAME:
		return make_prog(p, 20, 1, 0);
	default: /* recvmsg */
		return make_prog(p, 30, 1, 0);
	}
}

/* ---- generic netlink --------------------------------------------------- */

#define ALIGN4(x) (((x) + 3) & ~3U)
struct msg { char buf[4096]; size_t len; };

static int nlfd = -1, nlgen = -1;
static pid_t nlpid;	/* a socket is never shared with a forked child */
static uint16_t family;
static uint32_t seq;

static void put(struct msg *m, uint16_t type, const void *d, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(a + 1, d, len);
	m->len += ALIGN4(a->nla_len);
}
static void put_u32(struct msg *m, uint16_t t, uint32_t v) { put(m, t, &v, 4); }
static void put_u64(struct msg *m, uint16_t t, uint64_t v) { put(m, t, &v, 8); }

static void start(struct msg *m, uint16_t fam, uint8_t cmd, int dump)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = fam;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nh->nlmsg_seq = ++seq;
	gh->cmd = cmd;
	gh->version = 1;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

typedef void (*msg_cb)(struct nlattr **tb, void *arg);

static void parse(void *data, int len, struct nlattr **tb, int max)
{
	struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (a = data; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= ALIGN4(a->nla_len), a = (void *)((char *)a + ALIGN4(a->nla_len))) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t <= max)
			tb[t] = a;
	}
}
#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define NLA_LEN(a) ((a)->nla_len - NLA_HDRLEN)
static uint32_t nla_u32(struct nlattr *a) { return *(uint32_t *)NLA_DATA(a); }
static uint64_t nla_u64(struct nlattr *a) { uint64_t v; memcpy(&v, NLA_DATA(a), 8); return v; }

/* Send @m and read answers until the ACK or DONE; 0 or -errno. */
static int transact(struct msg *m, msg_cb cb, void *arg, int max)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->buf;
	static char rbuf[65536];
	/* Room for the larger of the two attribute spaces parsed here. */
	struct nlattr *tb[(CGADDR_A_MAX > CTRL_ATTR_MAX ? CGADDR_A_MAX : CTRL_ATTR_MAX) + 1];
	int err = 0;

	nh->nlmsg_len = m->len;
	if (send(nlfd, m->buf, m->len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nlfd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (r = (void *)rbuf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != nh->nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);

				return e->error;
			}
			if (r->nlmsg_type == NLMSG_DONE)
				return err;
			if (cb) {
				parse((char *)NLMSG_DATA(r) + GENL_HDRLEN,
				      r->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb, max);
				cb(tb, arg);
			}
		}
	}
}

static void family_cb(struct nlattr **tb, void *arg)
{
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)arg = *(uint16_t *)NLA_DATA(tb[CTRL_ATTR_FAMILY_ID]);
}

/* (Re)open the socket and resolve the family if the module changed. */
static int nl_ready(void)
{
	struct msg m;
	uint16_t id = 0;
	int g = S->gen;

	if (nlfd >= 0 && nlgen == g && nlpid == getpid())
		return 0;
	if (nlfd >= 0)
		close(nlfd);
	nlpid = getpid();
	nlfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nlfd < 0)
		return -errno;
	start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put(&m, CTRL_ATTR_FAMILY_NAME, CGADDR_GENL_NAME, sizeof(CGADDR_GENL_NAME));
	if (transact(&m, family_cb, &id, CTRL_ATTR_MAX) < 0 || !id) {
		close(nlfd);
		nlfd = -1;
		return -ENOENT;
	}
	family = id;
	nlgen = g;
	return 0;
}

static void id_cb(struct nlattr **tb, void *arg)
{
	if (tb[CGADDR_A_PROG_ID])
		*(uint32_t *)arg = nla_u32(tb[CGADDR_A_PROG_ID]);
}

static int copy_no;

/* Load a copy of the policy program of @type; its id, or -errno. */
static long prog_load(uint32_t type)
{
	struct bpf_insn p[16];
	struct msg m;
	uint32_t id = 0;
	char name[16];
	int n = prog_for(type, p), err;

	if ((err = nl_ready()))
		return err;
	start(&m, family, CGADDR_CMD_PROG_LOAD, 0);
	put(&m, CGADDR_A_PROG_INSNS, p, n * sizeof(*p));
	put_u32(&m, CGADDR_A_ATTACH_TYPE, type);
	snprintf(name, sizeof(name), "st%d_%d", slot, copy_no++ % 100000);
	put(&m, CGADDR_A_PROG_NAME, name, strlen(name) + 1);
	put(&m, CGADDR_A_PROG_LICENSE, "GPL", 4);
	err = transact(&m, id_cb, &id, CGADDR_A_MAX);
	__atomic_add_fetch(&S->nl_ops, 1, __ATOMIC_RELAXED);
	if (err)
		return err;
	__atomic_add_fetch(&S->loads, 1, __ATOMIC_RELAXED);
	return id;
}

static int simple(uint8_t cmd, int cgfd, uint64_t cgid, uint32_t type, uint32_t id,
		  uint32_t flags, uint32_t replace)
{
	struct msg m;
	int err;

	if ((err = nl_ready()))
		return err;
	start(&m, family, cmd, 0);
	if (cgfd >= 0)
		put_u32(&m, CGADDR_A_CGROUP_FD, cgfd);
	if (cgid)
		put_u64(&m, CGADDR_A_CGROUP_ID, cgid);
	if (type != ~0U)
		put_u32(&m, CGADDR_A_ATTACH_TYPE, type);
	if (id)
		put_u32(&m, CGADDR_A_PROG_ID, id);
	if (flags)
		put_u32(&m, CGADDR_A_ATTACH_FLAGS, flags);
	if (replace)
		put_u32(&m, CGADDR_A_REPLACE_PROG_ID, replace);
	err = transact(&m, NULL, NULL, 0);
	__atomic_add_fetch(&S->nl_ops, 1, __ATOMIC_RELAXED);
	return err;
}

static int prog_del(uint32_t id)
{
	int err = simple(CGADDR_CMD_PROG_DEL, -1, 0, ~0U, id, 0, 0);

	if (!err)
		__atomic_add_fetch(&S->dels, 1, __ATOMIC_RELAXED);
	return err;
}
static int attach(int cgfd, uint32_t type, uint32_t id, uint32_t flags, uint32_t repl)
{
	int err = simple(CGADDR_CMD_ATTACH, cgfd, 0, type, id, flags, repl);

	if (!err)
		__atomic_add_fetch(repl ? &S->replaces : &S->attaches, 1, __ATOMIC_RELAXED);
	return err;
}
static int detach(int cgfd, uint32_t type, uint32_t id)
{
	int err = simple(CGADDR_CMD_DETACH, cgfd, 0, type, id, 0, 0);

	if (!err)
		__atomic_add_fetch(&S->detaches, 1, __ATOMIC_RELAXED);
	return err;
}

static void nlerr(const char *what, int err)
{
	__atomic_add_fetch(&S->nl_errs, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&S->printed, 1, __ATOMIC_RELAXED) <= 40)
		fprintf(stderr, "netlink [%d]: %s: %s\n", slot, what, strerror(-err));
}

/* ---- cgroups ----------------------------------------------------------- */

static void enter_cgroup(const char *cg)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", cg);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static int cg_open(const char *cg)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), CGROOT "/%s", cg);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

/* Attach the policy (fresh copies, MULTI) to @cgfd; ids into @ids. */
static int attach_policy(int cgfd, uint32_t *ids)
{
	int i, err;

	for (i = 0; i < NTYPES; i++) {
		long id = prog_load(types[i]);

		if (id < 0)
			return (int)id;
		err = attach(cgfd, types[i], id, BPF_F_ALLOW_MULTI, 0);
		if (err) {
			prog_del(id);
			return err;
		}
		ids[i] = id;
	}
	return 0;
}

/* ---- the socket calls -------------------------------------------------- */

struct sa { union { struct sockaddr s; struct sockaddr_in v4; struct sockaddr_in6 v6; }; socklen_t len; };

static void mkaddr(struct sa *a, int v6, int port)
{
	memset(a, 0, sizeof(*a));
	if (v6) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_addr = in6addr_loopback;
		a->v6.sin6_port = htons(port);
		a->len = sizeof(a->v6);
	} else {
		a->v4.sin_family = AF_INET;
		a->v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->v4.sin_port = htons(port);
		a->len = sizeof(a->v4);
	}
}
static int port_of(struct sa *a)
{
	return ntohs(a->s.sa_family == AF_INET6 ? a->v6.sin6_port : a->v4.sin_port);
}

static void op(void) { S->ops[slot]++; }

static int mksock(int v6, int type)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0), one = 1;
	struct linger l = { 1, 0 };

	op();
	if (fd < 0) {
		violation("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	return fd;
}

/* Legal: @got (0 or an errno) is what policy @p gives (on/off results). */
static void check_rc(enum pol p, int got, int on, int off, const char *what, int v6, int tcp)
{
	int ok = p == POL_ON ? got == on : p == POL_OFF ? got == off : (got == on || got == off);

	if (!ok)
		violation("%s v%d %s: got %s, policy %s wants %s/%s", what, v6 ? 6 : 4,
			  tcp ? "tcp" : "udp", got ? strerror(got) : "success",
			  p == POL_ON ? "on" : p == POL_OFF ? "off" : "either",
			  on ? strerror(on) : "success", off ? strerror(off) : "success");
}

struct worker {
	int base;
	int lis[2];	/* TCP listeners at base+11, v4 and v6 */
	int udps[2];	/* UDP servers at base+11 */
};

static int server(int v6, int type, int port)
{
	struct sa a;
	int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	mkaddr(&a, v6, port);
	if (fd < 0 || bind(fd, &a.s, a.len) || (type == SOCK_STREAM && listen(fd, 128))) {
		fprintf(stderr, "server %d: %s\n", port, strerror(errno));
		exit(2);
	}
	return fd;
}

/* One round of every call for family @v6, checked against @p. */
static void round_one(struct worker *w, enum pol p, int v6)
{
	struct sa a, b;
	int fd, rc, tcp, port;
	char buf[64];
	struct timeval tv;

	for (tcp = 0; tcp <= 1; tcp++) {
		int type = tcp ? SOCK_STREAM : SOCK_DGRAM;

		/* bind: deny base+1 */
		if ((fd = mksock(v6, type)) >= 0) {
			mkaddr(&a, v6, w->base + 1);
			rc = bind(fd, &a.s, a.len) ? errno : 0;
			op();
			check_rc(p, rc, EPERM, 0, "bind base+1", v6, tcp);
			close(fd);
		}
		/* bind base+20, getsockname: base+21 under policy */
		if ((fd = mksock(v6, type)) >= 0) {
			mkaddr(&a, v6, w->base + 20);
			rc = bind(fd, &a.s, a.len) ? errno : 0;
			op();
			check_rc(p, rc, 0, 0, "bind base+20", v6, tcp);
			b.len = sizeof(b.v6);
			rc = getsockname(fd, &b.s, &b.len) ? errno : 0;
			op();
			check_rc(p, rc, 0, 0, "getsockname", v6, tcp);
			if (!rc) {
				port = port_of(&b) - w->base;
				check_rc(p, port == 21 ? 1 : port == 20 ? 2 : 3, 1, 2,
					 "getsockname port 21/20 (1/2)", v6, tcp);
			}
			close(fd);
		}
		/* connect base+10 -> base+11; getpeername shows base+10 */
		if ((fd = mksock(v6, type)) >= 0) {
			mkaddr(&a, v6, w->base + 10);
			rc = connect(fd, &a.s, a.len) ? errno : 0;
			op();
			if (tcp) {
				check_rc(p, rc, 0, ECONNREFUSED, "connect base+10", v6, tcp);
				if (!rc) {
					struct pollfd pf = { .fd = w->lis[v6], .events = POLLIN };
					int c = poll(&pf, 1, 5000) == 1 ?
						accept(w->lis[v6], NULL, NULL) : (errno = ETIMEDOUT, -1);

					op();
					if (c < 0)
						violation("accept: %s", strerror(errno));
					else
						close(c);
				}
			} else {
				check_rc(p, rc, 0, 0, "connect base+10", v6, tcp);
			}
			if (!rc) {
				b.len = sizeof(b.v6);
				rc = getpeername(fd, &b.s, &b.len) ? errno : 0;
				op();
				check_rc(p, rc, 0, 0, "getpeername", v6, tcp);
				port = port_of(&b) - w->base;
				/* Without policy a TCP connect to base+10 fails, so
				 * a connected socket shows 10 under policy; a UDP
				 * one shows 10 either way (connected there), and
				 * 11 only if connect and getpeername disagree. */
				check_rc(p, port == 10 ? 1 : port == 11 ? 2 : 3, 1, p == POL_EITHER ? 2 : 1,
					 "getpeername port 10/11 (1/2)", v6, tcp);
			}
			close(fd);
		}
	}

	/* UDP: unconnected sendto base+10 from base+30; the server at base+11
	 * gets it (policy) from base+31 (recvmsg policy). */
	if ((fd = mksock(v6, SOCK_DGRAM)) >= 0) {
		static unsigned int n;
		int srv = w->udps[v6], got = 0, late = 0;

		mkaddr(&a, v6, w->base + 30);
		rc = bind(fd, &a.s, a.len) ? errno : 0;
		op();
		check_rc(p, rc, 0, 0, "bind base+30", v6, 0);
		snprintf(buf, sizeof(buf), "%u", ++n);
		mkaddr(&a, v6, w->base + 10);
		rc = sendto(fd, buf, strlen(buf) + 1, 0, &a.s, a.len) < 0 ? errno : 0;
		op();
		check_rc(p, rc, 0, 0, "sendto base+10", v6, 0);
		/* Under policy the datagram must come (wait for it); otherwise
		 * it may or may not (take what is there). */
		tv.tv_sec = p == POL_ON ? 5 : 0;
		tv.tv_usec = p == POL_ON ? 0 : 1000;
		setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (;;) {
			char rb[64];
			ssize_t r;

			b.len = sizeof(b.v6);
			r = recvfrom(srv, rb, sizeof(rb) - 1, p == POL_ON ? 0 : MSG_DONTWAIT, &b.s, &b.len);
			op();
			if (r < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					violation("recvfrom: %s", strerror(errno));
				break;
			}
			rb[r] = 0;
			port = port_of(&b) - w->base;
			if (strcmp(rb, buf)) {
				late++;	/* an earlier datagram, delivered late */
			} else {
				got = 1;
				check_rc(p, port == 31 ? 1 : port == 30 ? 2 : 3, 1, 2,
					 "recvfrom source 31/30 (1/2)", v6, 0);
			}
			if (got)
				break;
			if (p == POL_ON)
				continue;
		}
		if (p == POL_ON && !got)
			violation("sendto base+10 v%d: not received at base+11", v6 ? 6 : 4);
		if (p == POL_OFF && got)
			violation("sendto base+10 v%d: received without policy", v6 ? 6 : 4);
		if (late)
			__atomic_add_fetch(&S->udp_late, late, __ATOMIC_RELAXED);
		close(fd);
	}
}

static void worker_setup(struct worker *w, int idx)
{
	int v6;

	w->base = 1000 * (idx + 2);
	for (v6 = 0; v6 <= 1; v6++) {
		w->lis[v6] = server(v6, SOCK_STREAM, w->base + 11);
		w->udps[v6] = server(v6, SOCK_DGRAM, w->base + 11);
	}
}

static void worker(int idx, const char *cg, enum pol p)
{
	struct worker w;
	int locked = p == POL_ON;

	slot = idx;
	enter_cgroup(cg);
	worker_setup(&w, idx);
	while (!S->stop) {
		if (locked)
			pthread_rwlock_rdlock(&S->lock);
		round_one(&w, p, 0);
		round_one(&w, p, 1);
		if (locked)
			pthread_rwlock_unlock(&S->lock);
	}
	exit(0);
}

/* ---- churn ------------------------------------------------------------- */

static unsigned int rnd(void)
{
	static unsigned int x = 12345;

	x ^= x << 13; x ^= x >> 17; x ^= x << 5;
	return x;
}

/* Replace the policy of a in place, one type at a time. */
static void churn_replace(void)
{
	int a = cg_open("a");

	slot = MAXW + 1;
	while (!S->stop) {
		int i = rnd() % NTYPES, err;
		long id;

		pthread_rwlock_rdlock(&S->lock);
		id = prog_load(types[i]);
		if (id < 0) {
			nlerr("replace: load", id);
		} else if ((err = attach(a, types[i], id, BPF_F_ALLOW_MULTI | BPF_F_REPLACE,
					  S->stable_ids[i]))) {
			nlerr("replace: attach", err);
			prog_del(id);
		} else {
			uint32_t old = S->stable_ids[i];

			S->stable_ids[i] = id;
			if ((err = prog_del(old)))
				nlerr("replace: del old", err);
		}
		pthread_rwlock_unlock(&S->lock);
	}
	exit(0);
}

/* Attach/detach extra copies on a/b (MULTI), and OVERRIDE churn on c and c/d. */
static void churn_attach(void)
{
	const char *names[3] = { "a/b", "c", "c/d" };
	int fds[3], i, gen = -1;
	uint32_t ids[3][NTYPES][4];
	int cnt[3][NTYPES];

	slot = MAXW + 2;
	for (i = 0; i < 3; i++)
		fds[i] = cg_open(names[i]);
	while (!S->stop) {
		int c = rnd() % 3, t = rnd() % NTYPES, err;
		uint32_t type = types[t];

		pthread_rwlock_rdlock(&S->lock);
		if (gen != S->gen) {	/* the module was reloaded: all gone */
			memset(cnt, 0, sizeof(cnt));
			gen = S->gen;
		}
		if (c == 0) {
			if (cnt[c][t] < 4 && rnd() % 2) {
				long id = prog_load(type);

				if (id < 0)
					nlerr("a/b: load", id);
				else if ((err = attach(fds[c], type, id, BPF_F_ALLOW_MULTI, 0))) {
					nlerr("a/b: attach", err);
					prog_del(id);
				} else
					ids[c][t][cnt[c][t]++] = id;
			} else if (cnt[c][t]) {
				uint32_t id = ids[c][t][--cnt[c][t]];

				if ((err = detach(fds[c], type, id)))
					nlerr("a/b: detach", err);
				if ((err = prog_del(id)))
					nlerr("a/b: del", err);
			}
		} else {
			/* ALLOW_OVERRIDE (not MULTI): attach replaces the single program */
			if (rnd() % 3) {
				long id = prog_load(type);

				if (id < 0)
					nlerr("c: load", id);
				else if ((err = attach(fds[c], type, id, BPF_F_ALLOW_OVERRIDE, 0))) {
					nlerr("c: attach", err);
					prog_del(id);
				} else {
					if (cnt[c][t] && (err = prog_del(ids[c][t][0])))
						nlerr("c: del replaced", err);
					ids[c][t][0] = id;
					cnt[c][t] = 1;
				}
			} else if (cnt[c][t]) {
				if ((err = detach(fds[c], type, 0)))
					nlerr("c: detach", err);
				if ((err = prog_del(ids[c][t][0])))
					nlerr("c: del", err);
				cnt[c][t] = 0;
			}
		}
		pthread_rwlock_unlock(&S->lock);
	}
	exit(0);
}

/* Load/delete churn, and cgroups created with the policy, used, removed. */
static void churn_cgroups(void)
{
	uint32_t pending[4096];
	int npend = 0, gen = -1, k = 0, i, err;

	slot = MAXW + 3;
	while (!S->stop) {
		char name[32], path[256];
		uint32_t ids[NTYPES];
		pid_t pid;
		int fd, st;

		pthread_rwlock_rdlock(&S->lock);
		if (gen != S->gen) {
			npend = 0;
			gen = S->gen;
		}
		/* plain load/delete */
		for (i = 0; i < 4; i++) {
			long id = prog_load(types[rnd() % NTYPES]);

			if (id < 0)
				nlerr("load", id);
			else if ((err = prog_del(id)))
				nlerr("del", err);
		}
		/* programs of removed cgroups: deletable once released */
		for (i = 0; i < npend; ) {
			err = prog_del(pending[i]);
			if (err == -EBUSY) {
				i++;
				continue;
			}
			if (err)
				nlerr("del pending", err);
			pending[i] = pending[--npend];
		}
		snprintf(name, sizeof(name), "e%d", k++ % 8);
		snprintf(path, sizeof(path), CGROOT "/%s", name);
		if (mkdir(path, 0755)) {
			pthread_rwlock_unlock(&S->lock);
			if (errno != EEXIST)
				fprintf(stderr, "mkdir %s: %s\n", path, strerror(errno));
			else
				rmdir(path);
			continue;
		}
		__atomic_add_fetch(&S->cg_created, 1, __ATOMIC_RELAXED);
		fd = cg_open(name);
		memset(ids, 0, sizeof(ids));
		err = attach_policy(fd, ids);
		if (err)
			nlerr("eN: attach policy", err);
		pid = err ? -1 : fork();
		if (pid == 0) {
			struct worker w;

			slot = MAXW + 4;
			enter_cgroup(name);
			worker_setup(&w, 12 + k % 2);
			round_one(&w, POL_ON, 0);
			round_one(&w, POL_ON, 1);
			exit(0);
		}
		if (pid > 0) {
			double until = now() + 30;

			while (waitpid(pid, &st, WNOHANG) == 0) {
				if (now() > until) {
					char cmd[160];

					fprintf(stderr, "cgstress: ephemeral child %d stuck:\n", pid);
					snprintf(cmd, sizeof(cmd), "cat /proc/%d/stack /proc/%d/syscall", pid, pid);
					sh(cmd);
					S->viol[MAXW + 3]++;
					kill(pid, SIGKILL);
					waitpid(pid, &st, 0);
					break;
				}
				usleep(10000);
			}
		}
		close(fd);
		/* removed with the programs attached */
		if (rmdir(path))
			fprintf(stderr, "rmdir %s: %s\n", path, strerror(errno));
		else
			__atomic_add_fetch(&S->cg_removed, 1, __ATOMIC_RELAXED);
		for (i = 0; i < NTYPES; i++)
			if (ids[i] && npend < 4096)
				pending[npend++] = ids[i];
		pthread_rwlock_unlock(&S->lock);
	}
	exit(0);
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static int mod_load(void)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return err;
}

static int mod_unload(void)
{
	return syscall(SYS_delete_module, "cgaddr", O_NONBLOCK) ? -errno : 0;
}

/* Every @every seconds: rmmod with everything attached, insmod, policy back. */
static void reloader(double every)
{
	int a = cg_open("a"), err, tries;
	uint32_t ids[NTYPES];

	slot = MAXW + 5;
	for (;;) {
		double until = now() + every;

		while (!S->stop && now() < until)
			usleep(100000);
		if (S->stop)
			break;
		pthread_rwlock_wrlock(&S->lock);
		for (tries = 0; (err = mod_unload()) == -EBUSY || err == -EAGAIN; tries++) {
			__atomic_add_fetch(&S->rmmod_busy, 1, __ATOMIC_RELAXED);
			if (tries > 100)
				break;
			usleep(100000);
		}
		if (err)
			fprintf(stderr, "reload: rmmod: %s\n", strerror(-err));
		err = mod_load();
		if (err)
			fprintf(stderr, "reload: insmod: %s\n", strerror(-err));
		S->gen++;
		err = attach_policy(a, ids);
		if (err) {
			fprintf(stderr, "reload: policy: %s\n", strerror(-err));
			S->stop = 1;
		}
		memcpy((void *)S->stable_ids, ids, sizeof(ids));
		S->reloads++;
		pthread_rwlock_unlock(&S->lock);
	}
	exit(0);
}

/* ---- teardown ---------------------------------------------------------- */

struct qent { uint64_t cg; uint32_t type; uint32_t flags; uint32_t ids[CGADDR_MAX_PROGS]; int n; };
struct qlist { struct qent e[512]; int n; };

static void query_cb(struct nlattr **tb, void *arg)
{
	struct qlist *q = arg;
	struct qent *e;
	struct nlattr *a;
	int len;

	if (q->n >= 512 || !tb[CGADDR_A_CGROUP_ID] || !tb[CGADDR_A_ATTACH_TYPE])
		return;
	e = &q->e[q->n++];
	e->cg = nla_u64(tb[CGADDR_A_CGROUP_ID]);
	e->type = nla_u32(tb[CGADDR_A_ATTACH_TYPE]);
	e->flags = tb[CGADDR_A_ATTACH_FLAGS] ? nla_u32(tb[CGADDR_A_ATTACH_FLAGS]) : 0;
	e->n = 0;
	if (!tb[CGADDR_A_PROG_IDS])
		return;
	len = NLA_LEN(tb[CGADDR_A_PROG_IDS]);
	for (a = NLA_DATA(tb[CGADDR_A_PROG_IDS]); len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
	     len -= ALIGN4(a->nla_len), a = (void *)((char *)a + ALIGN4(a->nla_len)))
		if (e->n < CGADDR_MAX_PROGS)
			e->ids[e->n++] = nla_u32(a);
}

struct plist { uint32_t id[8192]; int n; };
static void progs_cb(struct nlattr **tb, void *arg)
{
	struct plist *p = arg;

	if (tb[CGADDR_A_PROG_ID] && p->n < 8192)
		p->id[p->n++] = nla_u32(tb[CGADDR_A_PROG_ID]);
}

static int teardown(void)
{
	static struct qlist q;
	static struct plist pl;
	struct msg m;
	char objs[128] = "";
	double until = now() + 15;
	int i, j, err;

	slot = MAXW + 6;
	S->gen++;
	if (nl_ready()) {
		fprintf(stderr, "teardown: no cgaddr family\n");
		return 1;
	}
	do {
		q.n = 0;
		start(&m, family, CGADDR_CMD_QUERY, 1);
		if ((err = transact(&m, query_cb, &q, CGADDR_A_MAX)))
			nlerr("query", err);
		for (i = 0; i < q.n; i++) {
			struct qent *e = &q.e[i];

			if (!(e->flags & BPF_F_ALLOW_MULTI))
				simple(CGADDR_CMD_DETACH, -1, e->cg, e->type, 0, 0, 0);
			else
				for (j = 0; j < e->n; j++)
					simple(CGADDR_CMD_DETACH, -1, e->cg, e->type, e->ids[j], 0, 0);
		}
		pl.n = 0;
		start(&m, family, CGADDR_CMD_PROG_GET, 1);
		if ((err = transact(&m, progs_cb, &pl, CGADDR_A_MAX)))
			nlerr("prog dump", err);
		for (i = 0; i < pl.n; i++)
			prog_del(pl.id[i]);
		if (!q.n && !pl.n) {
			FILE *f = fopen("/sys/module/cgaddr/parameters/objects", "r");

			objs[0] = 0;
			if (f) {
				if (!fgets(objs, sizeof(objs), f))
					objs[0] = 0;
				fclose(f);
			}
			objs[strcspn(objs, "\n")] = 0;
			if (!strcmp(objs, "programs 0 cgroups 0 maps 0"))
				break;
		}
		usleep(200000);
	} while (now() < until);
	printf("objects after the final detach/delete: '%s' (%d attachments, %d programs left)\n",
	       objs, q.n, pl.n);
	return strcmp(objs, "programs 0 cgroups 0 maps 0") != 0;
}

/* ---- main -------------------------------------------------------------- */

static const struct { const char *cg; enum pol p; } wk[] = {
	{ "a", POL_ON }, { "a/b", POL_ON }, { "c", POL_EITHER },
	{ "c/d", POL_EITHER }, { "n", POL_OFF }, { "a/b", POL_ON },
};

int main(int argc, char **argv)
{
	double secs = 120, every = 10, t0, el;
	int nw = 6, i, err, bad;
	pid_t pids[64];
	int np = 0;
	pthread_rwlockattr_t ra;
	pthread_mutexattr_t ma;
	unsigned long ops = 0, viol = 0;
	int afd;
	uint32_t ids[NTYPES];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
			nw = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reload-every") && i + 1 < argc)
			every = atof(argv[++i]);
		else if (!strcmp(argv[i], "--ko") && i + 1 < argc)
			ko = argv[++i];
		else {
			fprintf(stderr, "usage: cgstress [--seconds N] [--workers N] [--reload-every S] [--ko PATH]\n");
			return 2;
		}
	}
	if (nw < 4)
		nw = 4;
	if (nw > 10)
		nw = 10;
	setvbuf(stdout, NULL, _IOLBF, 0);
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&S->lock, &ra);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&S->plock, &ma);
	slot = MAXW;

	sh("rmdir " CGROOT "/a/b " CGROOT "/c/d " CGROOT "/* " CGROOT " 2>/dev/null");
	if (mkdir(CGROOT, 0755) || mkdir(CGROOT "/a", 0755) || mkdir(CGROOT "/a/b", 0755) ||
	    mkdir(CGROOT "/c", 0755) || mkdir(CGROOT "/c/d", 0755) || mkdir(CGROOT "/n", 0755)) {
		perror("mkdir " CGROOT);
		return 2;
	}
	if (access("/sys/module/cgaddr", F_OK) && (err = mod_load())) {
		fprintf(stderr, "insmod %s: %s\n", ko, strerror(-err));
		return 2;
	}
	afd = cg_open("a");
	if ((err = attach_policy(afd, ids))) {
		fprintf(stderr, "policy on a: %s\n", strerror(-err));
		return 2;
	}
	memcpy((void *)S->stable_ids, ids, sizeof(ids));
	printf("cgstress: %d workers, %.0f s, module reload every %.0f s\n", nw, secs, every);

	t0 = now();
	for (i = 0; i < nw; i++) {
		if (!(pids[np++] = fork()))
			worker(i, wk[i % 6].cg, wk[i % 6].p);
	}
	if (!(pids[np++] = fork()))
		churn_replace();
	if (!(pids[np++] = fork()))
		churn_attach();
	if (!(pids[np++] = fork()))
		churn_cgroups();
	if (every > 0 && !(pids[np++] = fork()))
		reloader(every);

	while (now() - t0 < secs) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p > 0) {
			fprintf(stderr, "cgstress: child %d ended early (status %#x)\n", p, st);
			S->viol[MAXW]++;
			break;
		}
		sleep(1);
		if (((int)(now() - t0)) % 10 == 0) {
			unsigned long o = 0;

			for (i = 0; i < MAXW + 8; i++)
				o += S->ops[i];
			printf("cgstress: %.0f s: %lu socket calls, %lu netlink, %lu reloads\n",
			       now() - t0, o, S->nl_ops, S->reloads);
		}
	}
	S->stop = 1;
	/* Every child ends within a round once stop is set; one that does
	 * not is stuck (in the kernel, or on the lock behind a stuck one):
	 * show where, count it, kill it. */
	{
		double until = now() + 60;
		int left = np, st;

		while (left && now() < until) {
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p > 0) {
				for (i = 0; i < np; i++)
					if (pids[i] == p)
						pids[i] = 0, left--;
			} else
				usleep(100000);
		}
		for (i = 0; i < np; i++) {
			char cmd[200];

			if (!pids[i])
				continue;
			fprintf(stderr, "cgstress: child %d (#%d) stuck after stop:\n", pids[i], i);
			snprintf(cmd, sizeof(cmd), "cat /proc/%d/wchan; echo; cat /proc/%d/stack; "
				 "for t in /proc/%d/task/*; do cat $t/syscall; done", pids[i], pids[i], pids[i]);
			sh(cmd);
			S->viol[MAXW + 7]++;
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
	el = now() - t0;

	for (i = 0; i < MAXW + 8; i++) {
		ops += S->ops[i];
		viol += S->viol[i];
	}
	printf("socket calls: %lu in %.1f s (%.0f/s)", ops, el, ops / el);
	for (i = 0; i < nw; i++)
		printf("%s %s=%lu", i ? "," : ";", wk[i % 6].cg, S->ops[i]);
	printf("; ephemeral %lu\n", S->ops[MAXW + 4]);
	printf("control: %lu netlink requests (%.0f/s), %lu refused; loads %lu, deletes %lu, "
	       "attaches %lu, replaces %lu, detaches %lu\n",
	       S->nl_ops, S->nl_ops / el, S->nl_errs, S->loads, S->dels, S->attaches,
	       S->replaces, S->detaches);
	printf("cgroups created %lu, removed with programs attached %lu; module reloads %lu "
	       "(rmmod busy %lu); late UDP datagrams %lu\n",
	       S->cg_created, S->cg_removed, S->reloads, S->rmmod_busy, S->udp_late);
	bad = teardown();
	viol = 0;
	for (i = 0; i < MAXW + 8; i++)
		viol += S->viol[i];
	printf("guest-reliability: ops=%lu violations=%lu reloads=%lu objects=%s nl_errors=%lu\n",
	       ops, viol, S->reloads, bad ? "BAD" : "ok", S->nl_errs);
	return viol || bad ? 1 : 0;
}
