/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs of `cgaddr pin`, generated as struct bpf_insn arrays (no
 * compiler): freestanding (libc string functions only) so that the host
 * tests can run them in the module's VM (tests/tools/pin_test.c).
 *
 * Addresses are given in network byte order; the programs compare and
 * store them as the 32-bit words the context holds, built with memcpy(),
 * so they are right for the byte order of the host that generates them,
 * which is the host whose kernel runs them.
 *
 *   pin_bind4     port range (--ports), then 0.0.0.0 (any with --strict) -> A
 *   pin_bind6     port range, then :: -> B (or ::ffff:A without --ipv6),
 *                 ::ffff:0.0.0.0 -> ::ffff:A (any v4-mapped with --strict),
 *                 with --strict and --ipv6 any other address -> B
 *   pin_connect4  bpf_bind(ctx, {AF_INET, port 0, A}, 16); returns 1
 *   pin_connect6  v4-mapped destination: bpf_bind(::ffff:A) (if --ipv4),
 *                 other: bpf_bind(B) (if --ipv6); 28 bytes; returns 1
 *   pin_sendmsg4  msg_src_ip4 0.0.0.0 (any with --strict) -> A; returns 1
 *   pin_sendmsg6  msg_src_ip6 :: (any with --strict) -> B; returns 1
 *
 * Ports: a bind to a non-zero port outside LO-HI returns 0 (EPERM); port
 * 0 (the kernel picks one) is always allowed.  bpf_bind's result is
 * ignored: a socket already bound keeps its address.
 */
#ifndef CGADDR_TOOL_PIN_PROGS_H
#define CGADDR_TOOL_PIN_PROGS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

enum pin_kind {
	PIN_BIND4,
	PIN_BIND6,
	PIN_CONNECT4,
	PIN_CONNECT6,
	PIN_SENDMSG4,
	PIN_SENDMSG6,
	PIN_NKINDS
};

struct pin_cfg {
	bool has4, has6;	/* --ipv4, --ipv6 given */
	uint8_t ip4[4];		/* A, network order */
	uint8_t ip6[16];	/* B */
	bool ports;		/* --ports given */
	uint16_t port_lo, port_hi;
	bool strict;
};

#define PIN_MAX_INSNS	64

struct pin_prog {
	enum pin_kind kind;
	uint32_t attach_type;	/* enum bpf_attach_type */
	const char *name;	/* "pin_bind4" */
	struct bpf_insn insns[PIN_MAX_INSNS];
	uint32_t cnt;
};

/*
 * Instructions a bind program executes when it denies a port below LO
 * and above HI: how `cgaddr pin --show` tells the two apart (and so finds
 * the range by bisection) from TEST_RUN's instruction count.
 */
#define PIN_PORT_DENY_LOW_INSNS		7
#define PIN_PORT_DENY_HIGH_INSNS	8

/* "pin_bind4", ... */
const char *pin_kind_name(enum pin_kind kind);
/* BPF_CGROUP_INET4_BIND, ... */
uint32_t pin_kind_attach(enum pin_kind kind);
/* The kind whose program is named @name, or -1. */
int pin_kind_by_name(const char *name);
/* Whether a pin of @cfg has a program of @kind. */
bool pin_kind_needed(const struct pin_cfg *cfg, enum pin_kind kind);
/* The program of @kind for @cfg; 0, or -EINVAL if @kind is not needed. */
int pin_gen(const struct pin_cfg *cfg, enum pin_kind kind, struct pin_prog *out);

#endif /* CGADDR_TOOL_PIN_PROGS_H */
