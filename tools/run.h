/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr prog run: one run of a loaded program on a given context. */
#ifndef CGADDR_TOOL_RUN_H
#define CGADDR_TOOL_RUN_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

#define RUN_USAGE \
	"cgaddr prog run ID [family F] [ip ADDR] [port N] [type T] [protocol P]\n" \
	"                       [msg_src ADDR] [user_family F] [ctx HEX]\n" \
	"                       [sk FIELD=VALUE...]\n"

#define RUN_USAGE_LONG RUN_USAGE \
	"\n" \
	"Runs program ID once (CGADDR_CMD_TEST_RUN) on a struct bpf_sock_addr built\n" \
	"from the arguments, and shows r0, the instructions executed, any fault and\n" \
	"the context afterwards.  Defaults follow the program's attach type: its\n" \
	"family (user_family and family), SOCK_STREAM/IPPROTO_TCP (SOCK_DGRAM/\n" \
	"IPPROTO_UDP for sendmsg and recvmsg), addresses and port zero.\n" \
	"\n" \
	"  family F       the socket's family (ctx->family): inet, inet6 or a number\n" \
	"  user_family F  the address's family (ctx->user_family)\n" \
	"  ip ADDR        user_ip4 or user_ip6, by the address's syntax\n" \
	"  port N         user_port (given in host order, stored in network order)\n" \
	"  type T         stream, dgram, raw or a number\n" \
	"  protocol P     tcp, udp, icmp, icmpv6 or a number\n" \
	"  msg_src ADDR   msg_src_ip4 or msg_src_ip6\n" \
	"  ctx HEX        the raw 72-byte context (shorter is zero-padded), applied\n" \
	"                 before the other arguments\n" \
	"  sk FIELD=VALUE what ctx->sk shows: bound_dev_if, family, type, protocol,\n" \
	"                 mark, priority, src_ip4, src_ip6, src_port, dst_port,\n" \
	"                 dst_ip4, dst_ip6, state, rx_queue_mapping\n"

int do_prog_run(int argc, char **argv);

/* What one CGADDR_CMD_TEST_RUN answered. */
struct run_result {
	bool has_ctx;			/* ctx: the context after the run */
	struct bpf_sock_addr ctx;
	uint64_t retval, insn_cnt, duration_ns;
	uint32_t fault;			/* CGADDR_FAULT_* */
};

/*
 * Runs program @id once on @ctx (and @sk as ctx->sk, or zeros when NULL).
 * 0 or a negative errno; prints nothing for the module's errors (see
 * nl_fail()).
 */
int prog_test_run(struct nl *nl, uint32_t id, const struct bpf_sock_addr *ctx,
		  const struct bpf_sock *sk, struct run_result *r);

#endif /* CGADDR_TOOL_RUN_H */
