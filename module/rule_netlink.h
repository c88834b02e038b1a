/* SPDX-License-Identifier: GPL-2.0 */
/* The rule commands of the genetlink family (rule_netlink.c). */
#ifndef CGADDR_RULE_NETLINK_H
#define CGADDR_RULE_NETLINK_H

#include <net/genetlink.h>

int cgaddr_nl_rule_add(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_rule_del(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_rule_replace(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_rule_get(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* CGADDR_RULE_NETLINK_H */
