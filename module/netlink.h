/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CGADDR_NETLINK_H
#define CGADDR_NETLINK_H

#include <linux/netlink.h>

#include <net/genetlink.h>
#include <net/netlink.h>

/* The policy of each entry of CGADDR_A_PROG_DATA. */
extern const struct nla_policy cgaddr_data_policy[];

int cgaddr_netlink_init(void);
/* A program's bpf_trace_printk() text to the monitor group. */
void cgaddr_netlink_trace(u32 prog_id, const char *text);

/* genlmsg_put() for the family. */
void *cgaddr_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd);
void cgaddr_netlink_exit(void);
/*
 * Make an object under cgaddr_mutex with @make and reply with its id in
 * attribute @attr of command @cmd.
 */
int cgaddr_nl_reply_new_id(struct genl_info *info, u8 cmd, int attr,
			   int (*make)(struct nlattr **attrs, u32 *id,
				       struct netlink_ext_ack *extack));

struct cgroup;
/* The path of @cgrp in the reader's cgroup namespace; never takes cgroup_mutex. */
int cgaddr_cgroup_path_ns(struct cgroup *cgrp, char *buf, size_t len);

/* Set a formatted extended-ACK message (kept until the reply is sent). */
__printf(2, 3) void cgaddr_set_err(struct netlink_ext_ack *extack, const char *fmt, ...);

#endif /* CGADDR_NETLINK_H */
