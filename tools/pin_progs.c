// SPDX-License-Identifier: GPL-2.0
/* The generated programs of `cgaddr pin` (see pin_progs.h). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf_insn.h"
#include "pin_progs.h"

static const struct {
	const char *name;
	uint32_t attach;
} kinds[PIN_NKINDS] = {
	[PIN_BIND4] = { "pin_bind4", BPF_CGROUP_INET4_BIND },
	[PIN_BIND6] = { "pin_bind6", BPF_CGROUP_INET6_BIND },
	[PIN_CONNECT4] = { "pin_connect4", BPF_CGROUP_INET4_CONNECT },
	[PIN_CONNECT6] = { "pin_connect6", BPF_CGROUP_INET6_CONNECT },
	[PIN_SENDMSG4] = { "pin_sendmsg4", BPF_CGROUP_UDP4_SENDMSG },
	[PIN_SENDMSG6] = { "pin_sendmsg6", BPF_CGROUP_UDP6_SENDMSG },
};

const char *pin_kind_name(enum pin_kind kind)
{
	return kind < PIN_NKINDS ? kinds[kind].name : "?";
}

uint32_t pin_kind_attach(enum pin_kind kind)
{
	return kind < PIN_NKINDS ? kinds[kind].attach : 0;
}

int pin_kind_by_name(const char *name)
{
	int k;

	for (k = 0; k < PIN_NKINDS; k++)
		if (!strcmp(name, kinds[k].name))
			return k;
	return -1;
}

bool pin_kind_needed(const struct pin_cfg *cfg, enum pin_kind kind)
{
	switch (kind) {
	case PIN_BIND4:
	case PIN_CONNECT4:
	case PIN_SENDMSG4:
		return cfg->has4;
	case PIN_BIND6:
	case PIN_CONNECT6:
		/* IPv6 sockets also bind and connect to v4-mapped addresses. */
		return cfg->has4 || cfg->has6;
	case PIN_SENDMSG6:
		/* v4-mapped destinations run sendmsg4. */
		return cfg->has6;
	default:
		return false;
	}
}

/* ---- a small assembler with forward labels ------------------------------------ */

enum { L_ALLOW, L_DENY, L_NATIVE, L_MAPPED, L_PORT_OK, NLABELS };

struct gen {
	struct pin_prog *p;
	int label[NLABELS];
	struct {
		uint32_t pc;
		int label;
	} fix[16];
	unsigned int nfix;
	bool bad;
};

static void emit(struct gen *g, struct bpf_insn insn)
{
	if (g->p->cnt >= PIN_MAX_INSNS) {
		g->bad = true;
		return;
	}
	g->p->insns[g->p->cnt++] = insn;
}

/* A jump to @label, resolved by finish(). */
static void emit_jmp(struct gen *g, struct bpf_insn insn, int label)
{
	if (g->nfix == sizeof(g->fix) / sizeof(g->fix[0])) {
		g->bad = true;
		return;
	}
	g->fix[g->nfix].pc = g->p->cnt;
	g->fix[g->nfix].label = label;
	g->nfix++;
	emit(g, insn);
}

static void here(struct gen *g, int label)
{
	g->label[label] = g->p->cnt;
}

static int finish(struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->nfix && !g->bad; i++) {
		int to = g->label[g->fix[i].label];

		if (to < 0)
			g->bad = true;
		else
			g->p->insns[g->fix[i].pc].off = to - (int)g->fix[i].pc - 1;
	}
	return g->bad ? -E2BIG : 0;
}

/* The 32-bit word of the context (or of a sockaddr) with these 4 bytes. */
static int32_t word(const void *bytes)
{
	uint32_t v;

	memcpy(&v, bytes, sizeof(v));
	return (int32_t)v;
}

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* ::ffff:A */
static void v4_mapped(const struct pin_cfg *c, uint8_t out[16])
{
	memcpy(out, mapped_prefix, 12);
	memcpy(out + 12, c->ip4, 4);
}

/* *(u32 *)(r6 + off + 4i) = addr[i], i = 0..3 */
static void store_ip6(struct gen *g, short off, const uint8_t addr[16])
{
	int i;

	for (i = 0; i < 4; i++)
		emit(g, BI_ST(BPF_W, 6, off + 4 * i, word(addr + 4 * i)));
}

/* r2..r5 = the four words at r6 + off */
static void load_ip6(struct gen *g, short off, int nwords)
{
	int i;

	for (i = 0; i < nwords; i++)
		emit(g, BI_LDX(BPF_W, 2 + i, 6, off + 4 * i));
}

/*
 * The port range: r2 = host-order port; 0 passes; below LO or above HI
 * goes to L_DENY.  Exactly PIN_PORT_DENY_LOW/HIGH_INSNS are executed on
 * a deny, counting "r6 = r1" before and "r0 = 0; exit" after.
 */
static void gen_ports(struct gen *g, const struct pin_cfg *c)
{
	if (!c->ports)
		return;
	emit(g, BI_LDX(BPF_H, 2, 6, BI_CTX_OFF(user_port)));
	emit(g, BI_BE16(2));
	emit_jmp(g, BI_JMP_IMM(BPF_JEQ, 2, 0, 0), L_PORT_OK);
	emit_jmp(g, BI_JMP_IMM(BPF_JLT, 2, c->port_lo, 0), L_DENY);
	emit_jmp(g, BI_JMP_IMM(BPF_JGT, 2, c->port_hi, 0), L_DENY);
	here(g, L_PORT_OK);
}

/* L_ALLOW: return 1; L_DENY (with a port range): return 0. */
static void gen_exits(struct gen *g, const struct pin_cfg *c)
{
	here(g, L_ALLOW);
	emit(g, BI_MOV64_IMM(0, 1));
	emit(g, BI_EXIT());
	if (c->ports) {
		here(g, L_DENY);
		emit(g, BI_MOV64_IMM(0, 0));
		emit(g, BI_EXIT());
	}
}

static void gen_bind4(struct gen *g, const struct pin_cfg *c)
{
	emit(g, BI_MOV64_REG(6, 1));
	gen_ports(g, c);
	if (!c->strict) {
		emit(g, BI_LDX(BPF_W, 2, 6, BI_CTX_OFF(user_ip4)));
		emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 2, 0, 0), L_ALLOW);
	}
	emit(g, BI_ST(BPF_W, 6, BI_CTX_OFF(user_ip4), word(c->ip4)));
	gen_exits(g, c);
}

static void gen_bind6(struct gen *g, const struct pin_cfg *c)
{
	short ip6 = BI_CTX_OFF(user_ip6);
	int32_t ffff = word(mapped_prefix + 8);
	uint8_t mapped[16];

	v4_mapped(c, mapped);
	emit(g, BI_MOV64_REG(6, 1));
	gen_ports(g, c);
	load_ip6(g, ip6, 4);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 2, 0, 0), L_NATIVE);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 3, 0, 0), L_NATIVE);
	emit_jmp(g, BI_JMP32_IMM(BPF_JEQ, 4, ffff, 0), L_MAPPED);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 4, 0, 0), L_NATIVE);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 5, 0, 0), L_NATIVE);
	/* "::", the dual-stack wildcard */
	store_ip6(g, ip6, c->has6 ? c->ip6 : mapped);
	emit_jmp(g, BI_JA(0), L_ALLOW);

	here(g, L_MAPPED);	/* ::ffff:a.b.c.d */
	if (c->has4) {
		if (!c->strict)
			emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 5, 0, 0), L_ALLOW);
		emit(g, BI_ST(BPF_W, 6, ip6 + 12, word(c->ip4)));
	}
	emit_jmp(g, BI_JA(0), L_ALLOW);

	here(g, L_NATIVE);	/* any other IPv6 address */
	if (c->has6 && c->strict)
		store_ip6(g, ip6, c->ip6);
	gen_exits(g, c);
}

/* bpf_bind(ctx, the @len bytes of @sa, @len) from the stack; r1 must be ctx. */
static void call_bind(struct gen *g, const void *sa, int len)
{
	uint8_t buf[32] = { 0 };
	int i, words = (len + 3) / 4;

	memcpy(buf, sa, len);
	for (i = 0; i < words; i++)
		emit(g, BI_ST(BPF_W, 10, -32 + 4 * i, word(buf + 4 * i)));
	emit(g, BI_MOV64_REG(1, 6));
	emit(g, BI_MOV64_REG(2, 10));
	emit(g, BI_ADD64_IMM(2, -32));
	emit(g, BI_MOV64_IMM(3, len));
	emit(g, BI_CALL(BPF_FUNC_bind));
}

static void sin6_of(struct sockaddr_in6 *sin6, const uint8_t addr[16])
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, addr, 16);
}

static void gen_connect4(struct gen *g, const struct pin_cfg *c)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, c->ip4, 4);
	emit(g, BI_MOV64_REG(6, 1));
	call_bind(g, &sin, sizeof(sin));
	gen_exits(g, &(struct pin_cfg){ .ports = false });
}

static void gen_connect6(struct gen *g, const struct pin_cfg *c)
{
	short ip6 = BI_CTX_OFF(user_ip6);
	struct sockaddr_in6 sin6;
	uint8_t mapped[16];

	v4_mapped(c, mapped);
	emit(g, BI_MOV64_REG(6, 1));
	load_ip6(g, ip6, 3);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 2, 0, 0), L_NATIVE);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 3, 0, 0), L_NATIVE);
	emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 4, word(mapped_prefix + 8), 0), L_NATIVE);
	if (c->has4) {		/* v4-mapped destination: ::ffff:A */
		sin6_of(&sin6, mapped);
		call_bind(g, &sin6, sizeof(sin6));
	}
	emit_jmp(g, BI_JA(0), L_ALLOW);
	here(g, L_NATIVE);
	if (c->has6) {
		sin6_of(&sin6, c->ip6);
		call_bind(g, &sin6, sizeof(sin6));
	}
	gen_exits(g, &(struct pin_cfg){ .ports = false });
}

static void gen_sendmsg4(struct gen *g, const struct pin_cfg *c)
{
	emit(g, BI_MOV64_REG(6, 1));
	if (!c->strict) {
		emit(g, BI_LDX(BPF_W, 2, 6, BI_CTX_OFF(msg_src_ip4)));
		emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 2, 0, 0), L_ALLOW);
	}
	emit(g, BI_ST(BPF_W, 6, BI_CTX_OFF(msg_src_ip4), word(c->ip4)));
	gen_exits(g, &(struct pin_cfg){ .ports = false });
}

static void gen_sendmsg6(struct gen *g, const struct pin_cfg *c)
{
	short src = BI_CTX_OFF(msg_src_ip6);
	int i;

	emit(g, BI_MOV64_REG(6, 1));
	if (!c->strict) {
		load_ip6(g, src, 4);
		for (i = 0; i < 4; i++)
			emit_jmp(g, BI_JMP32_IMM(BPF_JNE, 2 + i, 0, 0), L_ALLOW);
	}
	store_ip6(g, src, c->ip6);
	gen_exits(g, &(struct pin_cfg){ .ports = false });
}

int pin_gen(const struct pin_cfg *cfg, enum pin_kind kind, struct pin_prog *out)
{
	struct gen g;
	int i;

	if (kind >= PIN_NKINDS || !pin_kind_needed(cfg, kind))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	for (i = 0; i < NLABELS; i++)
		g.label[i] = -1;
	g.p = out;
	out->kind = kind;
	out->attach_type = kinds[kind].attach;
	out->name = kinds[kind].name;
	switch (kind) {
	case PIN_BIND4:
		gen_bind4(&g, cfg);
		break;
	case PIN_BIND6:
		gen_bind6(&g, cfg);
		break;
	case PIN_CONNECT4:
		gen_connect4(&g, cfg);
		break;
	case PIN_CONNECT6:
		gen_connect6(&g, cfg);
		break;
	case PIN_SENDMSG4:
		gen_sendmsg4(&g, cfg);
		break;
	case PIN_SENDMSG6:
		gen_sendmsg6(&g, cfg);
		break;
	default:
		return -EINVAL;
	}
	return finish(&g);
}
