/* SPDX-License-Identifier: GPL-2.0 */
/* The map commands of the genetlink family (map_netlink.c). */
#ifndef CGADDR_MAP_NETLINK_H
#define CGADDR_MAP_NETLINK_H

#include <net/genetlink.h>

/* Largest key user space names: a map key or an 8-byte socket cookie. */
#define VM_MAP_MAX_KEY_USER	512

int cgaddr_nl_map_create(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_del(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_get(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_get_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgaddr_nl_map_lookup(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_update(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_delete(struct sk_buff *skb, struct genl_info *info);
int cgaddr_nl_map_dump_start(struct netlink_callback *cb);
int cgaddr_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgaddr_nl_map_dump_done(struct netlink_callback *cb);

#endif /* CGADDR_MAP_NETLINK_H */
