// SPDX-License-Identifier: GPL-2.0
/*
 * leakprobe: try to get a kernel address out of the module, through every
 * channel a program or a user has.  Each probe is a small program that
 * computes two 64-bit values (a helper's result, a region's virtual
 * address, registers after a helper call, ctx->sk and its fields, the
 * stack's initial contents folded together) and stores them in
 * ctx->user_ip6.  Each probe runs twice:
 *   - as bind6 with CGADDR_CMD_TEST_RUN (the whole returned context and
 *     r0 are checked);
 *   - as getsockname6 attached to CGROUP_DIR, on a real UDP socket of
 *     this process: getsockname() reports the two values as the address.
 * The netlink answers (TEST_RUN, PROG_GET, QUERY, GET_INFO) are scanned
 * too.  A value leaks when it lies in the kernel's half of the address
 * space, in the range of addresses /proc/kallsyms shows root (run with
 * kptr_restrict=0), or equals the socket's kernel address or its low 32
 * bits.  The socket's address is only known when /proc/net/udp6 shows it
 * unhashed (the no_hash_pointers boot option); kernels hash %pK otherwise.
 *
 *   leakprobe CGROUP_DIR
 *
 * Last line: "leaks=L values=N probes=P"; exit 1 if L > 0.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stddef.h>

#include "gnl.h"

#define I(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_IMM(d, i)	I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV(d, s)	I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define OR(d, s)	I(BPF_ALU64 | BPF_OR | BPF_X, d, s, 0, 0)
#define ADD_IMM(d, i)	I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LSH_IMM(d, i)	I(BPF_ALU64 | BPF_LSH | BPF_K, d, 0, 0, i)
#define LDX64(d, s, o)	I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define LDX32(d, s, o)	I(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX64(d, s, o)	I(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define CALL(id)	I(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT()		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int nl_fd;
static uint16_t family;
static uint32_t seq = 5000;
static struct gnl_msg msg;
static uint64_t sock_addr, ksym_lo = ~0ULL, ksym_hi;
static unsigned long leaks, values, probes;

/*
 * The kernel's half of the address space: from 0xffff800000000000 on
 * x86-64 (4-level paging), from 0xfff0000000000000 on arm64, whose
 * linear map starts at 0xffff000000000000 with 48-bit virtual addresses
 * and at 0xfff0000000000000 with 52-bit ones (Debian's 6.12).
 */
static int kptr_like(uint64_t v)
{
#ifdef __aarch64__
	return v >= 0xfff0000000000000ULL;
#else
	return v >= 0xffff800000000000ULL;
#endif
}

static void check(const char *probe, const char *what, uint64_t v)
{
	values++;
	if (kptr_like(v) || (v >= ksym_lo && v <= ksym_hi) ||
	    (sock_addr && (v == sock_addr || (uint32_t)v == (uint32_t)sock_addr))) {
		leaks++;
		printf("LEAK %s: %s = %#llx\n", probe, what, (unsigned long long)v);
	}
}

static void scan_cb_bytes(const char *probe, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 4) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		check(probe, "netlink answer", v);
	}
}

struct answer {
	const char *probe;
	uint32_t id;
	struct bpf_sock_addr ctx;
	int have_ctx;
};

/* Every answer's attributes are scanned; the ones we need are kept. */
static int answer_cb(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *id = gnl_attr(nh, CGADDR_A_PROG_ID);
	struct nlattr *ctx = gnl_attr(nh, CGADDR_A_TEST_CTX);
	struct answer *a = arg;

	scan_cb_bytes(a->probe, (char *)nh + NLMSG_HDRLEN + GENL_HDRLEN,
		      nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	if (id)
		a->id = *(uint32_t *)(id + 1);
	if (ctx && ctx->nla_len >= NLA_HDRLEN + sizeof(a->ctx)) {
		memcpy(&a->ctx, ctx + 1, sizeof(a->ctx));
		a->have_ctx = 1;
	}
	return 0;
}

static int request(uint8_t cmd, uint16_t flags, struct answer *a)
{
	char ext[256];
	int err;

	((struct nlmsghdr *)msg.buf)->nlmsg_seq = ++seq;
	err = gnl_transact(nl_fd, &msg, 0, answer_cb, a, ext, sizeof(ext));
	if (err)
		printf("%s: command %u failed: %d %s\n", a->probe, cmd, err, ext);
	return err;
}

static uint32_t load(const char *probe, const struct bpf_insn *insns, size_t n, uint32_t type)
{
	static const uint8_t data[8] = { 1 };
	struct answer a = { .probe = probe };
	size_t outer, inner;

	gnl_start(&msg, family, CGADDR_CMD_PROG_LOAD, NLM_F_REQUEST | NLM_F_ACK);
	gnl_put(&msg, CGADDR_A_PROG_INSNS, insns, n * sizeof(*insns));
	gnl_put_u32(&msg, CGADDR_A_ATTACH_TYPE, type);
	outer = gnl_nest_start(&msg, CGADDR_A_PROG_DATA);
	inner = gnl_nest_start(&msg, CGADDR_A_DATA);
	gnl_put(&msg, CGADDR_A_DATA_NAME, ".data", sizeof(".data"));
	gnl_put(&msg, CGADDR_A_DATA_BYTES, data, sizeof(data));
	gnl_nest_end(&msg, inner);
	gnl_nest_end(&msg, outer);
	return request(CGADDR_CMD_PROG_LOAD, NLM_F_REQUEST | NLM_F_ACK, &a) ? 0 : a.id;
}

static void del(const char *probe, uint32_t id)
{
	struct answer a = { .probe = probe };

	gnl_start(&msg, family, CGADDR_CMD_PROG_DEL, NLM_F_REQUEST | NLM_F_ACK);
	gnl_put_u32(&msg, CGADDR_A_PROG_ID, id);
	request(CGADDR_CMD_PROG_DEL, 0, &a);
}

static int attach(const char *probe, int cg_fd, uint32_t id, int detach)
{
	struct answer a = { .probe = probe };

	gnl_start(&msg, family, detach ? CGADDR_CMD_DETACH : CGADDR_CMD_ATTACH,
		  NLM_F_REQUEST | NLM_F_ACK);
	gnl_put_u32(&msg, CGADDR_A_CGROUP_FD, cg_fd);
	gnl_put_u32(&msg, CGADDR_A_ATTACH_TYPE, BPF_CGROUP_INET6_GETSOCKNAME);
	gnl_put_u32(&msg, CGADDR_A_PROG_ID, id);
	return request(CGADDR_CMD_ATTACH, 0, &a);
}

/* The listings anybody may ask for. */
static void listings(void)
{
	static const uint8_t cmds[] = { CGADDR_CMD_GET_INFO, CGADDR_CMD_PROG_GET,
					CGADDR_CMD_QUERY };
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		struct answer a = { .probe = "listing" };

		gnl_start(&msg, family, cmds[i], NLM_F_REQUEST |
			  (cmds[i] == CGADDR_CMD_GET_INFO ? NLM_F_ACK : NLM_F_DUMP));
		request(cmds[i], 0, &a);
	}
}

/* ---- probes ------------------------------------------------------------ */

struct probe {
	const char *name;
	struct bpf_insn insns[200];
	size_t n;
	int test_only;		/* needs a helper getsockname programs lack */
};

static void emit(struct probe *p, struct bpf_insn in)
{
	p->insns[p->n++] = in;
}

/*
 * Every probe: r6 = ctx, r7 and r8 the two values, stored in user_ip6;
 * r0 = 1.  The registers a program starts with are folded into r7 first
 * unless the body sets it.
 */
static void prologue(struct probe *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	emit(p, MOV(6, 1));
}

static void epilogue(struct probe *p)
{
	emit(p, STX64(6, 7, offsetof(struct bpf_sock_addr, user_ip6)));
	emit(p, STX64(6, 8, offsetof(struct bpf_sock_addr, user_ip6) + 8));
	emit(p, MOV_IMM(0, 1));
	emit(p, EXIT());
}

static int build(struct probe *p, int k)
{
	static const int plain[] = { 5, 7, 8, 14, 15, 80, 125, 160, 186 };
	static char names[32][40];
	const int nplain = sizeof(plain) / sizeof(plain[0]);
	int i;

	if (k < nplain) {	/* a helper without arguments, twice */
		snprintf(names[k], sizeof(names[k]), "helper %d", plain[k]);
		prologue(p, names[k]);
		emit(p, CALL(plain[k]));
		emit(p, MOV(7, 0));
		emit(p, CALL(plain[k]));
		emit(p, MOV(8, 0));
		p->test_only = plain[k] == 186;
		epilogue(p);
		return 1;
	}
	switch (k - nplain) {
	case 0:
		prologue(p, "socket cookie (46), registers after it");
		emit(p, MOV(1, 6));
		emit(p, CALL(46));
		emit(p, MOV(7, 0));
		emit(p, MOV(8, 1));
		for (i = 2; i <= 5; i++)
			emit(p, OR(8, i));
		break;
	case 1:
		prologue(p, "netns cookie (122) of ctx and of NULL");
		emit(p, MOV(1, 6));
		emit(p, CALL(122));
		emit(p, MOV(7, 0));
		emit(p, MOV_IMM(1, 0));
		emit(p, CALL(122));
		emit(p, MOV(8, 0));
		break;
	case 2:
		prologue(p, "ancestor cgroup ids (123) 0 and 1");
		emit(p, MOV_IMM(1, 0));
		emit(p, CALL(123));
		emit(p, MOV(7, 0));
		emit(p, MOV_IMM(1, 1));
		emit(p, CALL(123));
		emit(p, MOV(8, 0));
		break;
	case 3:
		prologue(p, "comm (16), registers after it");
		emit(p, MOV(1, 10));
		emit(p, ADD_IMM(1, -16));
		emit(p, MOV_IMM(2, 16));
		emit(p, CALL(16));
		emit(p, MOV(8, 1));
		for (i = 2; i <= 5; i++)
			emit(p, OR(8, i));
		emit(p, LDX64(7, 10, -16));
		emit(p, LDX64(3, 10, -8));
		emit(p, OR(7, 3));
		break;
	case 4:
		prologue(p, "ctx and stack addresses");
		emit(p, MOV(7, 6));
		emit(p, MOV(8, 10));
		break;
	case 5:
		prologue(p, "ctx->sk, .data address");
		emit(p, LDX64(7, 6, offsetof(struct bpf_sock_addr, sk)));
		emit(p, I(BPF_LD | BPF_IMM | BPF_DW, 8, BPF_PSEUDO_MAP_VALUE, 0, 0));
		emit(p, I(0, 0, 0, 0, 0));
		break;
	case 6:	/* every 4-byte field of the socket view, folded */
		prologue(p, "ctx->sk fields");
		emit(p, LDX64(2, 6, offsetof(struct bpf_sock_addr, sk)));
		emit(p, MOV_IMM(7, 0));
		emit(p, MOV_IMM(8, 0));
		for (i = 0; i < 80; i += 4) {
			emit(p, LDX32(3, 2, i));
			emit(p, OR(i & 4 ? 8 : 7, 3));
		}
		break;
	case 7:	/* the stack as a run finds it, and the registers */
		prologue(p, "initial stack and registers");
		emit(p, MOV(7, 2));
		for (i = 3; i <= 9; i++)
			if (i != 6 && i != 7)
				emit(p, OR(7, i));
		emit(p, MOV_IMM(8, 0));
		for (i = -512; i < 0; i += 8) {
			emit(p, LDX64(3, 10, i));
			emit(p, OR(8, 3));
		}
		break;
	default:
		return 0;
	}
	epilogue(p);
	return 1;
}

/* ---- the two ways a probe runs --------------------------------------------- */

static void via_test_run(const struct probe *p)
{
	struct answer a = { .probe = p->name };
	struct bpf_sock_addr ctx = { .user_family = AF_INET6, .family = AF_INET6,
				     .type = SOCK_DGRAM, .protocol = IPPROTO_UDP };
	uint64_t v[9];
	uint32_t id = load(p->name, p->insns, p->n, BPF_CGROUP_INET6_BIND);
	unsigned int i;

	if (!id) {
		leaks++;	/* a probe that does not load proves nothing */
		return;
	}
	gnl_start(&msg, family, CGADDR_CMD_TEST_RUN, NLM_F_REQUEST | NLM_F_ACK);
	gnl_put_u32(&msg, CGADDR_A_PROG_ID, id);
	gnl_put(&msg, CGADDR_A_TEST_CTX, &ctx, sizeof(ctx));
	if (request(CGADDR_CMD_TEST_RUN, 0, &a) || !a.have_ctx) {
		leaks++;
	} else {
		memcpy(v, &a.ctx, sizeof(v));
		for (i = 0; i < 9; i++)
			check(p->name, "TEST_RUN context", v[i]);
	}
	del(p->name, id);
}

static void via_getsockname(const struct probe *p, int cg_fd, int sock)
{
	struct sockaddr_in6 sin6;
	socklen_t len = sizeof(sin6);
	uint32_t id = load(p->name, p->insns, p->n, BPF_CGROUP_INET6_GETSOCKNAME);
	uint64_t v[2];

	if (!id || attach(p->name, cg_fd, id, 0)) {
		leaks++;
		return;
	}
	if (getsockname(sock, (struct sockaddr *)&sin6, &len)) {
		perror("leakprobe: getsockname");
		leaks++;
	} else {
		memcpy(v, &sin6.sin6_addr, sizeof(v));
		check(p->name, "getsockname value 1", v[0]);
		check(p->name, "getsockname value 2", v[1]);
	}
	attach(p->name, cg_fd, id, 1);
	del(p->name, id);
}

/* The socket's kernel address, from /proc/net/udp6 (kptr_restrict=0). */
static uint64_t find_sock_addr(unsigned int port)
{
	char line[512], local[64];
	unsigned long long ptr;
	unsigned int lport;
	FILE *f = fopen("/proc/net/udp6", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*s %63s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llx", local,
			   &ptr) == 2 && sscanf(strchr(local, ':') + 1, "%x", &lport) == 1 &&
		    lport == port) {
			fclose(f);
			return ptr;
		}
	}
	fclose(f);
	return 0;
}

/*
 * The lowest and highest kernel address /proc/kallsyms shows (per-CPU
 * symbols are offsets, not addresses: left out).
 */
static void kallsyms_range(void)
{
	unsigned long long a;
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx", &a) == 1 && kptr_like(a)) {
			ksym_lo = a < ksym_lo ? a : ksym_lo;
			ksym_hi = a > ksym_hi ? a : ksym_hi;
		}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sin6);
	static struct probe p;
	char path[512], pid[32];
	int cg_fd, sock, k, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: leakprobe CGROUP_DIR\n");
		return 2;
	}
	/* Join the cgroup first: a socket belongs to its creator's cgroup. */
	snprintf(path, sizeof(path), "%s/cgroup.procs", argv[1]);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	fd = open(path, O_WRONLY);
	cg_fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0 || cg_fd < 0) {
		perror("leakprobe: cgroup");
		return 2;
	}
	close(fd);
	sock = socket(AF_INET6, SOCK_DGRAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sin6, sizeof(sin6)) ||
	    getsockname(sock, (struct sockaddr *)&sin6, &len)) {
		perror("leakprobe: socket");
		return 2;
	}
	kallsyms_range();
	printf("leakprobe: kallsyms range %#llx-%#llx\n", (unsigned long long)ksym_lo,
	       (unsigned long long)ksym_hi);
	sock_addr = find_sock_addr(ntohs(sin6.sin6_port));
	printf("leakprobe: socket at %#llx in /proc/net/udp6\n", (unsigned long long)sock_addr);
	if (!kptr_like(sock_addr)) {
		printf("leakprobe: that is a hashed value, not compared\n");
		sock_addr = 0;
	}

	nl_fd = gnl_open();
	family = nl_fd < 0 ? 0 : gnl_family(nl_fd);
	if (!family) {
		fprintf(stderr, "leakprobe: no %s family\n", CGADDR_GENL_NAME);
		return 2;
	}
	for (k = 0; build(&p, k); k++) {
		probes++;
		via_test_run(&p);
		if (!p.test_only)
			via_getsockname(&p, cg_fd, sock);
	}
	listings();
	printf("leaks=%lu values=%lu probes=%lu\n", leaks, values, probes);
	return leaks ? 1 : 0;
}
