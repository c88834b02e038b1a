// SPDX-License-Identifier: GPL-2.0
/*
 * The rule commands of the genetlink family (include/uapi/cgaddr.h,
 * "Rules").  Each runs under cgaddr_mutex.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/cgaddr.h>

#include "cgaddr.h"
#include "netlink.h"
#include "prog.h"
#include "rule.h"
#include "rule_netlink.h"

static const struct nla_policy cgaddr_rule_prog_policy[CGADDR_A_MAX + 1] = {
	[CGADDR_A_ATTACH_TYPE] = { .type = NLA_U32 },
	[CGADDR_A_PROG_ID] = { .type = NLA_U32 },
	[CGADDR_A_ATTACH_FLAGS] = { .type = NLA_U32 },
};

/* The programs a request names, each referenced (@progs holds CGADDR_MAX_RULE_PROGS). */
static int cgaddr_rule_progs_parse(struct nlattr *nest, struct cgaddr_rule_prog *progs, u32 *n,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CGADDR_A_MAX + 1], *entry;
	int rem, err, type;
	u32 id;

	*n = 0;
	if (!nest) {
		NL_SET_ERR_MSG(extack, "no rule programs given");
		return -EINVAL;
	}
	nla_for_each_nested(entry, nest, rem) {
		if (nla_type(entry) != CGADDR_A_RULE_PROG) {
			NL_SET_ERR_MSG(extack, "rule programs are CGADDR_A_RULE_PROG nests");
			err = -EINVAL;
			goto fail;
		}
		if (*n == CGADDR_MAX_RULE_PROGS) {
			cgaddr_set_err(extack, "a rule has at most %d programs", CGADDR_MAX_RULE_PROGS);
			err = -E2BIG;
			goto fail;
		}
		err = nla_parse_nested(tb, CGADDR_A_MAX, entry, cgaddr_rule_prog_policy, extack);
		if (err)
			goto fail;
		if (!tb[CGADDR_A_ATTACH_TYPE] || !tb[CGADDR_A_PROG_ID]) {
			cgaddr_set_err(extack, "rule program %u: an attach type and a program id are required",
				       *n);
			err = -EINVAL;
			goto fail;
		}
		type = cgaddr_type_from_attach(nla_get_u32(tb[CGADDR_A_ATTACH_TYPE]));
		if (type < 0) {
			cgaddr_set_err(extack, "rule program %u: attach type %u is not a supported sock_addr type",
				       *n, nla_get_u32(tb[CGADDR_A_ATTACH_TYPE]));
			err = -EINVAL;
			goto fail;
		}
		id = nla_get_u32(tb[CGADDR_A_PROG_ID]);
		progs[*n].prog = cgaddr_prog_find(id);
		if (!progs[*n].prog) {
			cgaddr_set_err(extack, "rule program %u: no program with id %u", *n, id);
			err = -ENOENT;
			goto fail;
		}
		cgaddr_prog_hold(progs[*n].prog);
		progs[*n].type = type;
		progs[*n].flags = tb[CGADDR_A_ATTACH_FLAGS] ? nla_get_u32(tb[CGADDR_A_ATTACH_FLAGS]) : 0;
		(*n)++;
	}
	if (rem) {
		NL_SET_ERR_MSG(extack, "trailing bytes in the rule programs");
		err = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	while (*n)
		cgaddr_prog_put(progs[--(*n)].prog);
	return err;
}

static void cgaddr_rule_progs_put(struct cgaddr_rule_prog *progs, u32 n)
{
	while (n)
		cgaddr_prog_put(progs[--n].prog);
}

static int cgaddr_rule_make(struct nlattr **attrs, u32 *id, struct netlink_ext_ack *extack)
{
	struct cgaddr_rule_prog *progs;
	u32 n;
	int err;

	if (!attrs[CGADDR_A_RULE_PATTERN]) {
		NL_SET_ERR_MSG(extack, "no rule pattern given");
		return -EINVAL;
	}
	progs = kcalloc(CGADDR_MAX_RULE_PROGS, sizeof(*progs), GFP_KERNEL);
	if (!progs)
		return -ENOMEM;
	err = cgaddr_rule_progs_parse(attrs[CGADDR_A_RULE_PROGS], progs, &n, extack);
	if (!err) {
		err = cgaddr_rule_add(nla_data(attrs[CGADDR_A_RULE_PATTERN]),
				      attrs[CGADDR_A_RULE_NAME] ? nla_data(attrs[CGADDR_A_RULE_NAME]) : NULL,
				      progs, n, id, extack);
		cgaddr_rule_progs_put(progs, n);
	}
	kfree(progs);
	return err;
}

int cgaddr_nl_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	return cgaddr_nl_reply_new_id(info, CGADDR_CMD_RULE_ADD, CGADDR_A_RULE_ID, cgaddr_rule_make);
}

int cgaddr_nl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (!info->attrs[CGADDR_A_RULE_ID]) {
		GENL_SET_ERR_MSG(info, "no rule id given");
		return -EINVAL;
	}
	mutex_lock(&cgaddr_mutex);
	err = cgaddr_rule_del(nla_get_u32(info->attrs[CGADDR_A_RULE_ID]), info->extack);
	mutex_unlock(&cgaddr_mutex);
	return err;
}

int cgaddr_nl_rule_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_rule_prog *progs;
	u32 n;
	int err;

	if (!info->attrs[CGADDR_A_RULE_ID]) {
		GENL_SET_ERR_MSG(info, "no rule id given");
		return -EINVAL;
	}
	progs = kcalloc(CGADDR_MAX_RULE_PROGS, sizeof(*progs), GFP_KERNEL);
	if (!progs)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	err = cgaddr_rule_progs_parse(info->attrs[CGADDR_A_RULE_PROGS], progs, &n, info->extack);
	if (!err) {
		err = cgaddr_rule_replace(nla_get_u32(info->attrs[CGADDR_A_RULE_ID]),
					  info->attrs[CGADDR_A_RULE_NAME] ?
					  nla_data(info->attrs[CGADDR_A_RULE_NAME]) : NULL,
					  progs, n, info->extack);
		cgaddr_rule_progs_put(progs, n);
	}
	mutex_unlock(&cgaddr_mutex);
	kfree(progs);
	return err;
}

/* ---- listing ---------------------------------------------------------------- */

struct cgaddr_rule_put_ctx {
	struct sk_buff *skb;
	char *path;
};

static int cgaddr_rule_put_cgroup(struct cgroup *cgrp, void *arg)
{
	struct cgaddr_rule_put_ctx *c = arg;
	struct nlattr *nest;

	if (cgaddr_cgroup_path_ns(cgrp, c->path, PATH_MAX) < 0)
		strscpy(c->path, "?", PATH_MAX);
	nest = nla_nest_start(c->skb, CGADDR_A_RULE_CGROUP);
	if (!nest ||
	    nla_put_u64_64bit(c->skb, CGADDR_A_CGROUP_ID, cgroup_id(cgrp), CGADDR_A_PAD) ||
	    nla_put_string(c->skb, CGADDR_A_CGROUP_PATH, c->path))
		return -EMSGSIZE;
	nla_nest_end(c->skb, nest);
	return 0;
}

static int cgaddr_put_rule(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			   struct cgaddr_rule *rule, char *path)
{
	struct cgaddr_rule_put_ctx c = { .skb = skb, .path = path };
	struct nlattr *nest, *entry;
	void *hdr;
	u32 i;

	hdr = cgaddr_genl_put(skb, portid, seq, flags, CGADDR_CMD_RULE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CGADDR_A_RULE_ID, rule->id) ||
	    nla_put_string(skb, CGADDR_A_RULE_NAME, rule->name) ||
	    nla_put_string(skb, CGADDR_A_RULE_PATTERN, rule->pattern))
		goto nospace;
	nest = nla_nest_start(skb, CGADDR_A_RULE_PROGS);
	if (!nest)
		goto nospace;
	for (i = 0; i < rule->nprogs; i++) {
		entry = nla_nest_start(skb, CGADDR_A_RULE_PROG);
		if (!entry ||
		    nla_put_u32(skb, CGADDR_A_ATTACH_TYPE, cgaddr_type_to_attach(rule->progs[i].type)) ||
		    nla_put_u32(skb, CGADDR_A_PROG_ID, rule->progs[i].prog->id) ||
		    nla_put_u32(skb, CGADDR_A_ATTACH_FLAGS, rule->progs[i].flags))
			goto nospace;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, CGADDR_A_RULE_CGROUPS);
	if (!nest || cgaddr_rule_for_each_cgroup(rule, cgaddr_rule_put_cgroup, &c))
		goto nospace;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
nospace:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int cgaddr_nl_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_rule *rule;
	struct sk_buff *msg;
	char *path;
	int err;

	if (!info->attrs[CGADDR_A_RULE_ID]) {
		GENL_SET_ERR_MSG(info, "no rule id given");
		return -EINVAL;
	}
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!path || !msg)
		goto fail;
	mutex_lock(&cgaddr_mutex);
	rule = cgaddr_rule_find(nla_get_u32(info->attrs[CGADDR_A_RULE_ID]));
	if (rule)
		err = cgaddr_put_rule(msg, info->snd_portid, info->snd_seq, 0, rule, path);
	else
		err = -ENOENT;
	mutex_unlock(&cgaddr_mutex);
	if (err == -ENOENT)
		GENL_SET_ERR_MSG(info, "no rule with this id");
	else if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info, "the rule is in force in too many cgroups for one message: use the dump");
	if (err)
		goto fail;
	kfree(path);
	return genlmsg_reply(msg, info);
fail:
	nlmsg_free(msg);
	kfree(path);
	return err;
}

/* cb->args[0]: the next rule id to put. */
int cgaddr_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgaddr_rule *rule;
	u32 id = cb->args[0];
	char *path;
	int err = 0;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	while ((rule = cgaddr_rule_next(&id))) {
		err = cgaddr_put_rule(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				      NLM_F_MULTI, rule, path);
		if (err)
			break;
		id++;
	}
	mutex_unlock(&cgaddr_mutex);
	kfree(path);
	cb->args[0] = id;
	/* A rule too large for an empty message is an error, not an endless dump. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}
