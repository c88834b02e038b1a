/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the module: the generic netlink family "cgaddr" over libmnl.
 * nl_open() resolves the family (and explains a missing module); requests
 * are built with nl_msg_*() and sent with nl_talk(), which calls back once
 * per reply message with its attributes checked against the contract's
 * types; nl_fail() prints the module's extended-ACK message (or a hint).
 *
 * CGADDR_DEBUG=1 in the environment prints every message sent and received.
 */
#ifndef CGADDR_TOOL_NL_H
#define CGADDR_TOOL_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/cgaddr.h>

/* Largest payload one netlink attribute can carry (nla_len is 16 bits). */
#define NL_ATTR_MAX_PAYLOAD	(UINT16_MAX - 4)

struct nl;
struct nl_msg;

/* Attributes of one reply, indexed by CGADDR_A_*; NULL when absent. */
typedef const struct nlattr *nl_attrs_t[CGADDR_A_MAX + 1];
typedef int (*nl_reply_fn)(const nl_attrs_t tb, void *arg);

int nl_open(struct nl **nlp);
void nl_close(struct nl *nl);
/* Whether the loaded module implements command @cmd. */
bool nl_has_cmd(const struct nl *nl, uint8_t cmd);

/* A request for @cmd, a dump if @dump; @payload bytes of attributes fit. */
struct nl_msg *nl_msg_new(struct nl *nl, uint8_t cmd, bool dump, size_t payload);
void nl_msg_free(struct nl_msg *m);
void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v);
void nl_put_str(struct nl_msg *m, uint16_t type, const char *s);
void nl_put_bin(struct nl_msg *m, uint16_t type, const void *buf, size_t len);
struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct nlattr *nest);

/*
 * Sends @m, calls @fn for each reply (may be NULL) and waits for the
 * acknowledgement or the end of the dump.  Returns 0 or a negative errno
 * (the module's, or the first one @fn returned); prints nothing for the
 * module's errors: see nl_fail().  Frees nothing.
 */
int nl_talk(struct nl *nl, struct nl_msg *m, nl_reply_fn fn, void *arg);

/* Prints "cgaddr: @what: <reason>" for an error of nl_talk(); returns @err. */
int nl_fail(struct nl *nl, int err, const char *what);

/* Joins the module's monitor multicast group (prints why not). */
int nl_subscribe_monitor(struct nl *nl);
/*
 * Waits up to @timeout_ms (-1: forever) for events and calls @fn for each;
 * returns what @fn returned when not 0 (a positive value stops early), 0
 * when the messages received were handled, -ETIMEDOUT, or a negative errno.
 */
int nl_wait_event(struct nl *nl, int timeout_ms, nl_reply_fn fn, void *arg);

/* Parses and checks the attributes of a nest; -EPROTO if malformed. */
int nl_parse_nested(const struct nlattr *nest, nl_attrs_t tb);

/* Attribute accessors, for attributes nl_talk() has type-checked. */
static inline uint32_t nl_u32(const struct nlattr *a)
{
	return mnl_attr_get_u32(a);
}

static inline uint64_t nl_u64(const struct nlattr *a)
{
	return mnl_attr_get_u64(a);
}

static inline const char *nl_str(const struct nlattr *a)
{
	return mnl_attr_get_str(a);
}

#endif /* CGADDR_TOOL_NL_H */
