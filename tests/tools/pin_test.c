// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the programs `cgaddr pin` generates (tools/pin_progs.c):
 * each is loaded for its attach type by the module's own VM
 * (module/vm_*.c: the same validator the module runs at PROG_LOAD) and
 * run on contexts, checking the rewrites, the port-range denies (and the
 * instruction counts `pin --show` relies on), and the sockaddr bytes
 * helper 64 (bpf_bind) receives.
 *
 * Closing line: "pin_test: N passed, M failed".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vm.h"
#include "pin_progs.h"

#include "../check.h"

static void *scratch;

/* ---- helper 64 ---------------------------------------------------------- */

struct env {
	int binds;
	uint8_t sa[64];
	uint64_t sa_len;
};

static int t_call(void *envp, struct cgaddr_vm_hcall *c)
{
	struct env *env = envp;

	if (c->id != BPF_FUNC_bind)
		return -1;
	env->binds++;
	env->sa_len = c->arg[2];
	memset(env->sa, 0, sizeof(env->sa));
	if (c->arg[2] <= sizeof(env->sa))
		memcpy(env->sa, (const void *)(uintptr_t)c->arg[1], c->arg[2]);
	c->ret = (uint64_t)-EINVAL;	/* as TEST_RUN's: the program must not care */
	return 0;
}

static int t_sk_view(void *envp, struct cgaddr_vm_region *r)
{
	return -1;
}

static const struct cgaddr_vm_ops ops = { t_call, t_sk_view, NULL };

/* ---- configurations ------------------------------------------------------- */

#define A4	"192.0.2.10"
#define B6	"2001:db8::10"

static struct pin_cfg cfg(bool has4, bool has6, bool strict, int lo, int hi)
{
	struct pin_cfg c;

	memset(&c, 0, sizeof(c));
	c.has4 = has4;
	c.has6 = has6;
	c.strict = strict;
	inet_pton(AF_INET, A4, c.ip4);
	inet_pton(AF_INET6, B6, c.ip6);
	if (lo || hi) {
		c.ports = true;
		c.port_lo = lo;
		c.port_hi = hi;
	}
	return c;
}

static struct cgaddr_vm_prog *load(const struct pin_cfg *c, enum pin_kind kind)
{
	struct cgaddr_vm_load_attr attr = { 0 };
	struct cgaddr_vm_prog *prog = NULL;
	struct cgaddr_vm_error e = { 0 };
	struct pin_prog p;
	uint32_t i;
	int ret;

	ret = pin_gen(c, kind, &p);
	CHECK(!ret, "%s: pin_gen: %d", pin_kind_name(kind), ret);
	if (ret)
		return NULL;
	CHECK(p.attach_type == pin_kind_attach(kind) && !strcmp(p.name, pin_kind_name(kind)),
	      "%s: type or name", pin_kind_name(kind));
	CHECK(strlen(p.name) < 16, "%s: name too long", p.name);
	/* Stores to the context are 4-byte (the VM refuses narrow ones). */
	for (i = 0; i < p.cnt; i++) {
		uint8_t cls = BPF_CLASS(p.insns[i].code);

		if ((cls == BPF_ST || cls == BPF_STX) && p.insns[i].dst_reg != 10)
			CHECK(BPF_SIZE(p.insns[i].code) == BPF_W, "%s insn %u: store size",
			      p.name, i);
	}
	attr.insns = p.insns;
	attr.insn_cnt = p.cnt;
	attr.attach_type = p.attach_type;
	ret = cgaddr_vm_load(&attr, &prog, &e);
	CHECK(!ret, "%s (has4 %d has6 %d strict %d ports %d): load: %s", p.name, c->has4,
	      c->has6, c->strict, c->ports, e.msg);
	return ret ? NULL : prog;
}

/* ---- running ---------------------------------------------------------------- */

struct res {
	uint64_t r0, insns;
	uint32_t fault;
	struct bpf_sock_addr ctx;
	struct env env;
};

/* Runs @prog on a context with ADDR (v4 or v6 by its syntax) and PORT. */
static struct res run(const struct cgaddr_vm_prog *prog, const char *addr, int port,
		      const char *msg_src)
{
	struct cgaddr_vm_run r = { 0 };
	struct res out;

	memset(&out, 0, sizeof(out));
	if (strchr(addr, ':')) {
		out.ctx.user_family = out.ctx.family = AF_INET6;
		inet_pton(AF_INET6, addr, out.ctx.user_ip6);
	} else {
		out.ctx.user_family = out.ctx.family = AF_INET;
		inet_pton(AF_INET, addr, &out.ctx.user_ip4);
	}
	out.ctx.user_port = htons(port);
	out.ctx.type = SOCK_STREAM;
	out.ctx.protocol = IPPROTO_TCP;
	if (msg_src && strchr(msg_src, ':'))
		inet_pton(AF_INET6, msg_src, out.ctx.msg_src_ip6);
	else if (msg_src)
		inet_pton(AF_INET, msg_src, &out.ctx.msg_src_ip4);
	r.ctx = &out.ctx;
	r.ops = &ops;
	r.env = &out.env;
	r.scratch = scratch;
	cgaddr_vm_exec(prog, &r);
	out.r0 = r.r0;
	out.insns = r.insn_cnt;
	out.fault = r.fault;
	return out;
}

static const char *ip4s(const void *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	inet_ntop(AF_INET, a, buf[n], sizeof(buf[n]));
	return buf[n];
}

static const char *ip6s(const void *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	inet_ntop(AF_INET6, a, buf[n], sizeof(buf[n]));
	return buf[n];
}

/* A run that allows (r0 1, no fault), the address then being @want. */
#define ALLOW4(prog, addr, port, want) do {					\
	struct res r_ = run(prog, addr, port, NULL);				\
	CHECK(!r_.fault && r_.r0 == 1 && !strcmp(ip4s(&r_.ctx.user_ip4), want) &&	\
	      ntohs(r_.ctx.user_port) == (port),				\
	      "%s:%d: fault %u r0 %llu -> %s:%u, expected %s", addr, port, r_.fault,	\
	      (unsigned long long)r_.r0, ip4s(&r_.ctx.user_ip4), ntohs(r_.ctx.user_port), want); \
} while (0)

#define ALLOW6(prog, addr, port, want) do {					\
	struct res r_ = run(prog, addr, port, NULL);				\
	CHECK(!r_.fault && r_.r0 == 1 && !strcmp(ip6s(r_.ctx.user_ip6), want) &&	\
	      ntohs(r_.ctx.user_port) == (port),				\
	      "%s:%d: fault %u r0 %llu -> %s:%u, expected %s", addr, port, r_.fault,	\
	      (unsigned long long)r_.r0, ip6s(r_.ctx.user_ip6), ntohs(r_.ctx.user_port), want); \
} while (0)

/* A deny after @insns instructions. */
#define DENY(prog, addr, port, insns_) do {					\
	struct res r_ = run(prog, addr, port, NULL);				\
	CHECK(!r_.fault && r_.r0 == 0 && r_.insns == (insns_),			\
	      "%s:%d: fault %u r0 %llu insns %llu, expected a deny in %d", addr, port,	\
	      r_.fault, (unsigned long long)r_.r0, (unsigned long long)r_.insns, insns_); \
} while (0)

/* ---- bind ------------------------------------------------------------------------ */

static void test_bind4(void)
{
	struct pin_cfg c = cfg(true, true, false, 0, 0);
	struct cgaddr_vm_prog *p = load(&c, PIN_BIND4);

	ALLOW4(p, "0.0.0.0", 8080, A4);
	ALLOW4(p, "0.0.0.0", 0, A4);
	ALLOW4(p, "198.51.100.1", 80, "198.51.100.1");
	ALLOW4(p, "127.0.0.1", 80, "127.0.0.1");
	ALLOW4(p, "0.0.0.0", 65535, A4);
	cgaddr_vm_free(p);

	c = cfg(true, false, true, 0, 0);
	p = load(&c, PIN_BIND4);
	ALLOW4(p, "0.0.0.0", 8080, A4);
	ALLOW4(p, "198.51.100.1", 80, A4);
	ALLOW4(p, "127.0.0.1", 80, A4);
	cgaddr_vm_free(p);

	c = cfg(true, true, false, 1024, 65535);
	p = load(&c, PIN_BIND4);
	ALLOW4(p, "0.0.0.0", 0, A4);
	ALLOW4(p, "0.0.0.0", 1024, A4);
	ALLOW4(p, "0.0.0.0", 65535, A4);
	ALLOW4(p, "198.51.100.1", 8080, "198.51.100.1");
	DENY(p, "0.0.0.0", 80, PIN_PORT_DENY_LOW_INSNS);
	DENY(p, "0.0.0.0", 1023, PIN_PORT_DENY_LOW_INSNS);
	DENY(p, "198.51.100.1", 1, PIN_PORT_DENY_LOW_INSNS);
	cgaddr_vm_free(p);

	c = cfg(true, false, true, 2000, 3000);
	p = load(&c, PIN_BIND4);
	ALLOW4(p, "198.51.100.1", 2000, A4);
	ALLOW4(p, "198.51.100.1", 3000, A4);
	ALLOW4(p, "0.0.0.0", 0, A4);
	DENY(p, "0.0.0.0", 1999, PIN_PORT_DENY_LOW_INSNS);
	DENY(p, "0.0.0.0", 3001, PIN_PORT_DENY_HIGH_INSNS);
	DENY(p, "0.0.0.0", 65535, PIN_PORT_DENY_HIGH_INSNS);
	cgaddr_vm_free(p);

	/* One port. */
	c = cfg(true, false, false, 443, 443);
	p = load(&c, PIN_BIND4);
	ALLOW4(p, "0.0.0.0", 443, A4);
	DENY(p, "0.0.0.0", 442, PIN_PORT_DENY_LOW_INSNS);
	DENY(p, "0.0.0.0", 444, PIN_PORT_DENY_HIGH_INSNS);
	cgaddr_vm_free(p);
}

static void test_bind6(void)
{
	struct pin_cfg c = cfg(true, true, false, 0, 0);
	struct cgaddr_vm_prog *p = load(&c, PIN_BIND6);

	ALLOW6(p, "::", 8080, B6);
	ALLOW6(p, "::ffff:0.0.0.0", 8080, "::ffff:" A4);
	ALLOW6(p, "::ffff:198.51.100.1", 80, "::ffff:198.51.100.1");
	ALLOW6(p, "2001:db8::99", 80, "2001:db8::99");
	ALLOW6(p, "::1", 80, "::1");
	ALLOW6(p, "::ffff:0.0.0.1", 80, "::ffff:0.0.0.1");	/* w3 != 0: not the wildcard */
	ALLOW6(p, "0:0:0:1::", 80, "0:0:0:1::");
	cgaddr_vm_free(p);

	c = cfg(true, true, true, 0, 0);
	p = load(&c, PIN_BIND6);
	ALLOW6(p, "::", 8080, B6);
	ALLOW6(p, "::ffff:0.0.0.0", 8080, "::ffff:" A4);
	ALLOW6(p, "::ffff:198.51.100.1", 80, "::ffff:" A4);
	ALLOW6(p, "2001:db8::99", 80, B6);
	ALLOW6(p, "::1", 80, B6);
	cgaddr_vm_free(p);

	/* Only --ipv4: a dual-stack :: server only serves A. */
	c = cfg(true, false, false, 0, 0);
	p = load(&c, PIN_BIND6);
	ALLOW6(p, "::", 8080, "::ffff:" A4);
	ALLOW6(p, "::ffff:0.0.0.0", 8080, "::ffff:" A4);
	ALLOW6(p, "2001:db8::99", 80, "2001:db8::99");
	cgaddr_vm_free(p);
	c = cfg(true, false, true, 0, 0);
	p = load(&c, PIN_BIND6);
	ALLOW6(p, "::", 8080, "::ffff:" A4);
	ALLOW6(p, "::ffff:198.51.100.1", 8080, "::ffff:" A4);
	ALLOW6(p, "2001:db8::99", 80, "2001:db8::99");	/* the family is not pinned */
	cgaddr_vm_free(p);

	/* Only --ipv6: v4-mapped binds are left alone. */
	c = cfg(false, true, true, 0, 0);
	p = load(&c, PIN_BIND6);
	ALLOW6(p, "::", 8080, B6);
	ALLOW6(p, "::ffff:0.0.0.0", 8080, "::ffff:0.0.0.0");
	ALLOW6(p, "::ffff:198.51.100.1", 80, "::ffff:198.51.100.1");
	ALLOW6(p, "2001:db8::99", 80, B6);
	cgaddr_vm_free(p);

	c = cfg(true, true, false, 1024, 2048);
	p = load(&c, PIN_BIND6);
	ALLOW6(p, "::", 0, B6);
	ALLOW6(p, "::", 1024, B6);
	ALLOW6(p, "2001:db8::99", 2048, "2001:db8::99");
	DENY(p, "::", 80, PIN_PORT_DENY_LOW_INSNS);
	DENY(p, "::ffff:0.0.0.0", 2049, PIN_PORT_DENY_HIGH_INSNS);
	DENY(p, "2001:db8::99", 65535, PIN_PORT_DENY_HIGH_INSNS);
	cgaddr_vm_free(p);
}

/* ---- connect --------------------------------------------------------------- */

#define BOUND4(prog, dst, want) do {						\
	struct res r_ = run(prog, dst, 443, NULL);				\
	struct sockaddr_in w_ = { .sin_family = AF_INET };			\
	inet_pton(AF_INET, want, &w_.sin_addr);					\
	CHECK(!r_.fault && r_.r0 == 1 && r_.env.binds == 1 && r_.env.sa_len == 16 &&	\
	      !memcmp(r_.env.sa, &w_, sizeof(w_)) && !strcmp(ip4s(&r_.ctx.user_ip4), dst), \
	      "connect %s: fault %u r0 %llu binds %d len %llu", dst, r_.fault,	\
	      (unsigned long long)r_.r0, r_.env.binds, (unsigned long long)r_.env.sa_len); \
} while (0)

#define BOUND6(prog, dst, want) do {						\
	struct res r_ = run(prog, dst, 443, NULL);				\
	struct sockaddr_in6 w_ = { .sin6_family = AF_INET6 };			\
	inet_pton(AF_INET6, want, &w_.sin6_addr);				\
	CHECK(!r_.fault && r_.r0 == 1 && r_.env.binds == 1 && r_.env.sa_len == 28 &&	\
	      !memcmp(r_.env.sa, &w_, sizeof(w_)) && !strcmp(ip6s(r_.ctx.user_ip6), dst), \
	      "connect %s: fault %u r0 %llu binds %d len %llu (%s)", dst, r_.fault,	\
	      (unsigned long long)r_.r0, r_.env.binds, (unsigned long long)r_.env.sa_len, \
	      ip6s(((struct sockaddr_in6 *)r_.env.sa)->sin6_addr.s6_addr));	\
} while (0)

#define UNBOUND(prog, dst) do {							\
	struct res r_ = run(prog, dst, 443, NULL);				\
	CHECK(!r_.fault && r_.r0 == 1 && r_.env.binds == 0,			\
	      "connect %s: fault %u r0 %llu binds %d", dst, r_.fault,		\
	      (unsigned long long)r_.r0, r_.env.binds);				\
} while (0)

static void test_connect(void)
{
	struct pin_cfg c = cfg(true, true, false, 1024, 2048);	/* ports: bind only */
	struct cgaddr_vm_prog *p;

	p = load(&c, PIN_CONNECT4);
	BOUND4(p, "198.51.100.1", A4);
	BOUND4(p, "127.0.0.1", A4);
	cgaddr_vm_free(p);

	p = load(&c, PIN_CONNECT6);
	BOUND6(p, "2001:db8::99", B6);
	BOUND6(p, "::ffff:198.51.100.1", "::ffff:" A4);
	BOUND6(p, "::1", B6);
	cgaddr_vm_free(p);

	c = cfg(true, false, false, 0, 0);
	p = load(&c, PIN_CONNECT6);
	BOUND6(p, "::ffff:198.51.100.1", "::ffff:" A4);
	UNBOUND(p, "2001:db8::99");
	cgaddr_vm_free(p);

	c = cfg(false, true, true, 0, 0);
	p = load(&c, PIN_CONNECT6);
	UNBOUND(p, "::ffff:198.51.100.1");
	BOUND6(p, "2001:db8::99", B6);
	cgaddr_vm_free(p);
}

/* ---- sendmsg -------------------------------------------------------------------- */

static void test_sendmsg(void)
{
	struct pin_cfg c = cfg(true, true, false, 0, 0);
	struct cgaddr_vm_prog *p;
	struct res r;

	p = load(&c, PIN_SENDMSG4);
	r = run(p, "198.51.100.1", 53, "0.0.0.0");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip4s(&r.ctx.msg_src_ip4), A4) &&
	      !strcmp(ip4s(&r.ctx.user_ip4), "198.51.100.1") && ntohs(r.ctx.user_port) == 53,
	      "sendmsg4 unset source: %s", ip4s(&r.ctx.msg_src_ip4));
	r = run(p, "198.51.100.1", 53, "127.0.0.1");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip4s(&r.ctx.msg_src_ip4), "127.0.0.1"),
	      "sendmsg4 set source kept: %s", ip4s(&r.ctx.msg_src_ip4));
	cgaddr_vm_free(p);

	p = load(&c, PIN_SENDMSG6);
	r = run(p, "2001:db8::99", 53, "::");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip6s(r.ctx.msg_src_ip6), B6) &&
	      !strcmp(ip6s(r.ctx.user_ip6), "2001:db8::99"),
	      "sendmsg6 unset source: %s", ip6s(r.ctx.msg_src_ip6));
	r = run(p, "2001:db8::99", 53, "::1");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip6s(r.ctx.msg_src_ip6), "::1"),
	      "sendmsg6 set source kept: %s", ip6s(r.ctx.msg_src_ip6));
	cgaddr_vm_free(p);

	c = cfg(true, true, true, 0, 0);
	p = load(&c, PIN_SENDMSG4);
	r = run(p, "198.51.100.1", 53, "127.0.0.1");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip4s(&r.ctx.msg_src_ip4), A4),
	      "strict sendmsg4: %s", ip4s(&r.ctx.msg_src_ip4));
	cgaddr_vm_free(p);
	p = load(&c, PIN_SENDMSG6);
	r = run(p, "2001:db8::99", 53, "::1");
	CHECK(!r.fault && r.r0 == 1 && !strcmp(ip6s(r.ctx.msg_src_ip6), B6),
	      "strict sendmsg6: %s", ip6s(r.ctx.msg_src_ip6));
	cgaddr_vm_free(p);
}

/* ---- every configuration loads; kinds and names ---------------------------------- */

static void test_matrix(void)
{
	static const int ranges[][2] = { { 0, 0 }, { 1, 65535 }, { 1024, 65535 }, { 80, 80 } };
	int fam, strict, r, k, n;

	for (fam = 1; fam <= 3; fam++)
		for (strict = 0; strict <= 1; strict++)
			for (r = 0; r < 4; r++) {
				struct pin_cfg c = cfg(fam & 1, fam & 2, strict, ranges[r][0],
						       ranges[r][1]);

				for (k = 0, n = 0; k < PIN_NKINDS; k++) {
					struct pin_prog pp;

					if (!pin_kind_needed(&c, k)) {
						CHECK(pin_gen(&c, k, &pp) == -EINVAL,
						      "%s not needed but generated",
						      pin_kind_name(k));
						continue;
					}
					cgaddr_vm_free(load(&c, k));
					n++;
				}
				CHECK(n == (fam == 3 ? 6 : fam == 1 ? 5 : 3),
				      "families %d: %d programs", fam, n);
			}
	for (k = 0; k < PIN_NKINDS; k++)
		CHECK(pin_kind_by_name(pin_kind_name(k)) == k, "kind by name %d", k);
	CHECK(pin_kind_by_name("pin_recvmsg4") == -1 && pin_kind_by_name("bind4") == -1,
	      "unknown names");
}

int main(void)
{
	scratch = aligned_alloc(8, CGADDR_VM_SCRATCH_SIZE);
	if (!scratch)
		return 2;
	test_bind4();
	test_bind6();
	test_connect();
	test_sendmsg();
	test_matrix();
	free(scratch);
	printf("pin_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
