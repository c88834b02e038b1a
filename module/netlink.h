/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CGADDR_NETLINK_H
#define CGADDR_NETLINK_H

#include <linux/netlink.h>

#include <net/netlink.h>

/* The policy of each entry of CGADDR_A_PROG_DATA. */
extern const struct nla_policy cgaddr_data_policy[];

int cgaddr_netlink_init(void);
/* A program's bpf_trace_printk() text to the monitor group. */
void cgaddr_netlink_trace(u32 prog_id, const char *text);

/* genlmsg_put() for the family. */
void *cgaddr_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd);
void cgaddr_netlink_exit(void);

/* Set a formatted extended-ACK message (kept until the reply is sent). */
__printf(2, 3) void cgaddr_set_err(struct netlink_ext_ack *extack, const char *fmt, ...);

#endif /* CGADDR_NETLINK_H */
