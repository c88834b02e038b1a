// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "cgaddr": the contract is written out in
 * include/uapi/cgaddr.h.  Every command runs under cgaddr_mutex; the
 * mutating ones require CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM).  Errors carry an extended-ACK message.
 */
#include <linux/cgroup.h>
#include <linux/file.h>
#include <linux/kernfs.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/cgaddr.h>

#include "attach.h"
#include "cgaddr.h"
#include "map.h"
#include "map_netlink.h"
#include "netlink.h"
#include "prog.h"
#include "rule.h"
#include "rule_netlink.h"
#include "run.h"

const struct nla_policy cgaddr_data_policy[CGADDR_A_MAX + 1] = {
	[CGADDR_A_DATA_NAME] = { .type = NLA_NUL_STRING, .len = CGADDR_NAME_LEN * 4 - 1 },
	[CGADDR_A_DATA_BYTES] = { .type = NLA_BINARY },
	[CGADDR_A_DATA_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy cgaddr_policy[CGADDR_A_MAX + 1] = {
	[CGADDR_A_PROG_ID] = { .type = NLA_U32 },
	[CGADDR_A_PROG_INSNS] = { .type = NLA_BINARY },
	[CGADDR_A_PROG_NAME] = { .type = NLA_NUL_STRING, .len = CGADDR_NAME_LEN - 1 },
	[CGADDR_A_PROG_LICENSE] = { .type = NLA_NUL_STRING, .len = CGADDR_LICENSE_LEN - 1 },
	[CGADDR_A_PROG_FLAGS] = { .type = NLA_U32 },
	[CGADDR_A_PROG_DATA] = NLA_POLICY_NESTED_ARRAY(cgaddr_data_policy),
	[CGADDR_A_CGROUP_FD] = { .type = NLA_U32 },
	[CGADDR_A_CGROUP_ID] = { .type = NLA_U64 },
	[CGADDR_A_ATTACH_TYPE] = { .type = NLA_U32 },
	[CGADDR_A_ATTACH_FLAGS] = { .type = NLA_U32 },
	[CGADDR_A_REPLACE_PROG_ID] = { .type = NLA_U32 },
	[CGADDR_A_QUERY_FLAGS] = { .type = NLA_U32 },
	[CGADDR_A_TEST_CTX] = NLA_POLICY_EXACT_LEN(sizeof(struct bpf_sock_addr)),
	[CGADDR_A_TEST_SK] = NLA_POLICY_EXACT_LEN(sizeof(struct bpf_sock)),
	/* maps */
	[CGADDR_A_MAP_ID] = { .type = NLA_U32 },
	[CGADDR_A_MAP_NAME] = { .type = NLA_NUL_STRING, .len = CGADDR_NAME_LEN - 1 },
	[CGADDR_A_MAP_TYPE] = { .type = NLA_U32 },
	[CGADDR_A_MAP_KEY_SIZE] = { .type = NLA_U32 },
	[CGADDR_A_MAP_VALUE_SIZE] = { .type = NLA_U32 },
	[CGADDR_A_MAP_MAX_ENTRIES] = { .type = NLA_U32 },
	[CGADDR_A_MAP_FLAGS] = { .type = NLA_U32 },
	[CGADDR_A_MAP_KEY] = { .type = NLA_BINARY },
	[CGADDR_A_MAP_VALUE] = { .type = NLA_BINARY },
	[CGADDR_A_MAP_VALUES] = { .type = NLA_NESTED },
	[CGADDR_A_MAP_UPDATE_FLAGS] = { .type = NLA_U32 },
	[CGADDR_A_PROG_MAPS] = { .type = NLA_NESTED },
	/* rules */
	[CGADDR_A_RULE_ID] = { .type = NLA_U32 },
	[CGADDR_A_RULE_NAME] = { .type = NLA_NUL_STRING, .len = CGADDR_NAME_LEN - 1 },
	[CGADDR_A_RULE_PATTERN] = { .type = NLA_NUL_STRING, .len = CGADDR_RULE_PATTERN_LEN - 1 },
	[CGADDR_A_RULE_PROGS] = { .type = NLA_NESTED },
};

/*
 * Extended-ACK messages must outlive the handler; the family is not
 * parallel, so one buffer written under the genl mutex is enough.
 */
static char cgaddr_errbuf[160];

void cgaddr_set_err(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	va_list ap;

	if (!extack)
		return;
	va_start(ap, fmt);
	vsnprintf(cgaddr_errbuf, sizeof(cgaddr_errbuf), fmt, ap);
	va_end(ap);
	extack->_msg = cgaddr_errbuf;
}

static struct genl_family cgaddr_family;

void *cgaddr_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &cgaddr_family, flags, cmd);
}

static void *cgaddr_reply_put(struct sk_buff *skb, struct genl_info *info, u8 cmd)
{
	return genlmsg_put(skb, info->snd_portid, info->snd_seq, &cgaddr_family, 0, cmd);
}

/* ---- cgroups ----------------------------------------------------------- */

/*
 * cgroup_path_ns() for the reader's cgroup namespace, without taking
 * cgroup_mutex: cgaddr_mutex is taken with cgroup_mutex held when a new
 * cgroup gets its rules (rule.c), so nothing under cgaddr_mutex may wait
 * for cgroup_mutex.  A namespace's root on the default hierarchy is fixed
 * for the namespace's life, and kernfs keeps its own lock for paths.
 */
int cgaddr_cgroup_path_ns(struct cgroup *cgrp, char *buf, size_t len)
{
	struct cgroup *root = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;

	return kernfs_path_from_node(cgrp->kn, root->kn, buf, len);
}

/*
 * The cgroup the request names (a reference is taken), or an ERR_PTR.
 * Called under cgaddr_mutex: an id is first looked up among the cgroups
 * with attachments, a list the reaper and detach prune.
 */
static struct cgroup *cgaddr_cgroup_from_attrs(struct nlattr **attrs,
					       struct netlink_ext_ack *extack)
{
	struct cgroup *cgrp;

	lockdep_assert_held(&cgaddr_mutex);

	if (attrs[CGADDR_A_CGROUP_FD] && attrs[CGADDR_A_CGROUP_ID]) {
		NL_SET_ERR_MSG(extack, "give the cgroup by fd or by id, not both");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[CGADDR_A_CGROUP_FD]) {
		cgrp = cgroup_get_from_fd(nla_get_u32(attrs[CGADDR_A_CGROUP_FD]));
		if (IS_ERR(cgrp))
			NL_SET_ERR_MSG(extack, "the cgroup fd is not an open cgroup v2 directory");
		return cgrp;
	}
	if (attrs[CGADDR_A_CGROUP_ID]) {
		u64 id = nla_get_u64(attrs[CGADDR_A_CGROUP_ID]);

		cgrp = cgaddr_attached_cgroup_get(id);
		if (cgrp)
			return cgrp;
		cgrp = cgaddr_cgroup_get_from_id(id);
		if (PTR_ERR(cgrp) == -EOPNOTSUPP)
			NL_SET_ERR_MSG(extack, "this kernel cannot find a cgroup by id: give its path");
		else if (IS_ERR(cgrp))
			NL_SET_ERR_MSG(extack, "no cgroup with this id");
		return cgrp;
	}
	NL_SET_ERR_MSG(extack, "no cgroup given");
	return ERR_PTR(-EINVAL);
}

static int cgaddr_type_from_attrs(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	int type;

	if (!attrs[CGADDR_A_ATTACH_TYPE]) {
		NL_SET_ERR_MSG(extack, "no attach type given");
		return -EINVAL;
	}
	type = cgaddr_type_from_attach(nla_get_u32(attrs[CGADDR_A_ATTACH_TYPE]));
	if (type < 0)
		cgaddr_set_err(extack, "attach type %u is not a supported sock_addr type",
			       nla_get_u32(attrs[CGADDR_A_ATTACH_TYPE]));
	return type;
}

static struct cgaddr_prog *cgaddr_prog_from_attr(struct nlattr *attr, struct netlink_ext_ack *extack)
{
	struct cgaddr_prog *prog = cgaddr_prog_find(nla_get_u32(attr));

	if (!prog)
		cgaddr_set_err(extack, "no program with id %u", nla_get_u32(attr));
	return prog;
}

/* ---- GET_INFO ------------------------------------------------------------ */

static int cgaddr_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int t;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = cgaddr_reply_put(msg, info, CGADDR_CMD_GET_INFO);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, CGADDR_A_VERSION, CGADDR_VERSION) ||
	    nla_put_u32(msg, CGADDR_A_GENL_VERSION, CGADDR_GENL_VERSION) ||
	    nla_put_u32(msg, CGADDR_A_MAX_INSNS, cgaddr_max_insns()) ||
	    nla_put_u32(msg, CGADDR_A_BUDGET, cgaddr_budget))
		goto nospace;
	nest = nla_nest_start(msg, CGADDR_A_ATTACH_TYPES);
	if (!nest)
		goto nospace;
	for (t = 0; t < CGADDR_NTYPES; t++)
		if (cgaddr_type_hooked(t) &&
		    nla_put_u32(msg, CGADDR_A_ATTACH_TYPE, cgaddr_type_to_attach(t)))
			goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- programs ------------------------------------------------------------ */

/*
 * A request that makes an object: @make runs under cgaddr_mutex and gives
 * the new id, answered in attribute @attr of a reply of command @cmd.  The
 * reply is allocated before the object is made, so that running out of
 * memory for it leaves nothing behind.
 */
int cgaddr_nl_reply_new_id(struct genl_info *info, u8 cmd, int attr,
			   int (*make)(struct nlattr **attrs, u32 *id,
				       struct netlink_ext_ack *extack))
{
	struct sk_buff *msg;
	u32 id;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	err = make(info->attrs, &id, info->extack);
	mutex_unlock(&cgaddr_mutex);
	if (err)
		goto fail;
	err = -EMSGSIZE;
	hdr = cgaddr_reply_put(msg, info, cmd);
	if (!hdr || nla_put_u32(msg, attr, id))
		goto fail;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
fail:
	nlmsg_free(msg);
	return err;
}

static int cgaddr_nl_prog_load(struct sk_buff *skb, struct genl_info *info)
{
	return cgaddr_nl_reply_new_id(info, CGADDR_CMD_PROG_LOAD, CGADDR_A_PROG_ID,
				      cgaddr_prog_load);
}

static int cgaddr_nl_prog_del(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_prog *prog;
	int err;

	if (!info->attrs[CGADDR_A_PROG_ID]) {
		GENL_SET_ERR_MSG(info, "no program id given");
		return -EINVAL;
	}
	mutex_lock(&cgaddr_mutex);
	prog = cgaddr_prog_find(nla_get_u32(info->attrs[CGADDR_A_PROG_ID]));
	if (prog && cgaddr_rules_hold(prog)) {
		mutex_unlock(&cgaddr_mutex);
		GENL_SET_ERR_MSG(info, "a rule holds the program; delete the rule first");
		return -EBUSY;
	}
	err = cgaddr_prog_unregister(nla_get_u32(info->attrs[CGADDR_A_PROG_ID]));
	mutex_unlock(&cgaddr_mutex);
	if (err == -ENOENT)
		GENL_SET_ERR_MSG(info, "no program with this id");
	else if (err == -EBUSY)
		GENL_SET_ERR_MSG(info, "the program is attached; detach it first");
	return err;
}

static int cgaddr_put_prog(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			   const struct cgaddr_prog *prog)
{
	struct cgaddr_prog_stats st;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &cgaddr_family, flags, CGADDR_CMD_PROG_GET);
	if (!hdr)
		return -EMSGSIZE;
	cgaddr_prog_stats_sum(prog, &st);
	if (nla_put_u32(skb, CGADDR_A_PROG_ID, prog->id) ||
	    nla_put_string(skb, CGADDR_A_PROG_NAME, prog->name) ||
	    nla_put_u32(skb, CGADDR_A_ATTACH_TYPE, cgaddr_type_to_attach(prog->type)) ||
	    nla_put_u32(skb, CGADDR_A_PROG_INSN_CNT, prog->insn_cnt) ||
	    nla_put_string(skb, CGADDR_A_PROG_LICENSE, prog->license) ||
	    nla_put_u64_64bit(skb, CGADDR_A_PROG_LOAD_TIME, prog->load_time, CGADDR_A_PAD) ||
	    nla_put_u32(skb, CGADDR_A_PROG_ATTACH_CNT, prog->attach_cnt))
		goto nospace;
	nest = nla_nest_start(skb, CGADDR_A_PROG_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_RUNS, st.runs, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_ALLOWS, st.allows, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_DENIES, st.denies, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_REWRITES, st.rewrites, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_FAULTS, st.faults, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_BUDGET_ABORTS, st.budget_aborts, CGADDR_A_PAD) ||
	    nla_put_u64_64bit(skb, CGADDR_A_STAT_RUN_TIME_NS, st.run_time_ns, CGADDR_A_PAD))
		goto nospace;
	nla_nest_end(skb, nest);
	if (prog->nmaps) {
		u32 i;

		nest = nla_nest_start(skb, CGADDR_A_PROG_MAPS);
		if (!nest)
			goto nospace;
		for (i = 0; i < prog->nmaps; i++)
			if (nla_put_u32(skb, CGADDR_A_MAP_ID, prog->maps[i]->id))
				goto nospace;
		nla_nest_end(skb, nest);
	}
	genlmsg_end(skb, hdr);
	return 0;
nospace:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int cgaddr_nl_prog_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_prog *prog;
	struct sk_buff *msg;
	int err;

	if (!info->attrs[CGADDR_A_PROG_ID]) {
		GENL_SET_ERR_MSG(info, "no program id given (dump to list all)");
		return -EINVAL;
	}
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	prog = cgaddr_prog_from_attr(info->attrs[CGADDR_A_PROG_ID], info->extack);
	err = prog ? cgaddr_put_prog(msg, info->snd_portid, info->snd_seq, 0, prog) : -ENOENT;
	mutex_unlock(&cgaddr_mutex);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the next program id to dump. */
static int cgaddr_nl_prog_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgaddr_prog *prog;
	u32 id = cb->args[0];
	int err = 0;

	if (!id)
		id = 1;
	mutex_lock(&cgaddr_mutex);
	while ((prog = cgaddr_prog_next(&id))) {
		err = cgaddr_put_prog(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				      NLM_F_MULTI, prog);
		if (err)
			break;
		id++;
	}
	mutex_unlock(&cgaddr_mutex);
	cb->args[0] = id;
	/* A full skb ends this round; the next one continues at id. */
	return err == -EMSGSIZE ? skb->len : (err ?: skb->len);
}

/* ---- attach / detach ------------------------------------------------------ */

static int cgaddr_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct cgaddr_prog *prog, *replace = NULL;
	struct cgroup *cgrp;
	u32 flags = 0;
	int type, err;

	type = cgaddr_type_from_attrs(attrs, info->extack);
	if (type < 0)
		return type;
	if (!attrs[CGADDR_A_PROG_ID]) {
		GENL_SET_ERR_MSG(info, "no program id given");
		return -EINVAL;
	}
	if (attrs[CGADDR_A_ATTACH_FLAGS])
		flags = nla_get_u32(attrs[CGADDR_A_ATTACH_FLAGS]);

	mutex_lock(&cgaddr_mutex);
	cgrp = cgaddr_cgroup_from_attrs(attrs, info->extack);
	if (IS_ERR(cgrp)) {
		err = PTR_ERR(cgrp);
		goto out_unlock;
	}
	err = -ENOENT;
	prog = cgaddr_prog_from_attr(attrs[CGADDR_A_PROG_ID], info->extack);
	if (!prog)
		goto out;
	if (attrs[CGADDR_A_REPLACE_PROG_ID]) {
		replace = cgaddr_prog_from_attr(attrs[CGADDR_A_REPLACE_PROG_ID], info->extack);
		if (!replace)
			goto out;
	}
	err = cgaddr_attach(cgrp, type, prog, flags, replace, info->extack);
out:
	cgroup_put(cgrp);
out_unlock:
	mutex_unlock(&cgaddr_mutex);
	return err;
}

static int cgaddr_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct cgaddr_prog *prog = NULL;
	struct cgroup *cgrp;
	int type, err;

	type = cgaddr_type_from_attrs(attrs, info->extack);
	if (type < 0)
		return type;

	mutex_lock(&cgaddr_mutex);
	cgrp = cgaddr_cgroup_from_attrs(attrs, info->extack);
	if (IS_ERR(cgrp)) {
		err = PTR_ERR(cgrp);
		goto out_unlock;
	}
	err = -ENOENT;
	if (attrs[CGADDR_A_PROG_ID]) {
		prog = cgaddr_prog_from_attr(attrs[CGADDR_A_PROG_ID], info->extack);
		if (!prog)
			goto out;
	}
	err = cgaddr_detach(cgrp, type, prog, info->extack);
out:
	cgroup_put(cgrp);
out_unlock:
	mutex_unlock(&cgaddr_mutex);
	return err;
}

/* ---- query ---------------------------------------------------------------- */

struct cgaddr_query_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	char *path;
};

static int cgaddr_query_put(const struct cgaddr_query_item *item, void *arg)
{
	struct cgaddr_query_dump *qd = arg;
	struct sk_buff *skb = qd->skb;
	struct nlattr *nest;
	void *hdr;
	u32 i;

	hdr = genlmsg_put(skb, NETLINK_CB(qd->cb->skb).portid, qd->cb->nlh->nlmsg_seq,
			  &cgaddr_family, NLM_F_MULTI, CGADDR_CMD_QUERY);
	if (!hdr)
		return -EMSGSIZE;
	if (cgaddr_cgroup_path_ns(item->cgrp, qd->path, PATH_MAX) < 0)
		strscpy(qd->path, "?", PATH_MAX);
	if (nla_put_u64_64bit(skb, CGADDR_A_CGROUP_ID, cgroup_id(item->cgrp), CGADDR_A_PAD) ||
	    nla_put_string(skb, CGADDR_A_CGROUP_PATH, qd->path) ||
	    (item->gone && nla_put_flag(skb, CGADDR_A_CGROUP_GONE)) ||
	    nla_put_u32(skb, CGADDR_A_ATTACH_TYPE, cgaddr_type_to_attach(item->type)) ||
	    nla_put_u32(skb, CGADDR_A_ATTACH_FLAGS, item->flags))
		goto nospace;
	nest = nla_nest_start(skb, CGADDR_A_PROG_IDS);
	if (!nest)
		goto nospace;
	for (i = 0; i < item->cnt; i++)
		if (nla_put_u32(skb, CGADDR_A_PROG_ID, item->ids[i]))
			goto nospace;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
nospace:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * cb->args[0]: position in the walk; [1]: the cgroup asked for (a
 * reference, resolved in .start where the sender's fd table is at hand);
 * [2]: attach type index + 1, or 0 for all; [3]: query flags.
 */
static int cgaddr_nl_query_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = cgaddr_dump_attrs(cb);
	struct cgroup *cgrp = NULL;
	int type = -1;

	if (attrs[CGADDR_A_ATTACH_TYPE]) {
		type = cgaddr_type_from_attrs(attrs, cb->extack);
		if (type < 0)
			return type;
	}
	if (attrs[CGADDR_A_CGROUP_FD] || attrs[CGADDR_A_CGROUP_ID]) {
		mutex_lock(&cgaddr_mutex);
		cgrp = cgaddr_cgroup_from_attrs(attrs, cb->extack);
		mutex_unlock(&cgaddr_mutex);
		if (IS_ERR(cgrp))
			return PTR_ERR(cgrp);
	}
	cb->args[0] = 0;
	cb->args[1] = (unsigned long)cgrp;
	cb->args[2] = type + 1;
	cb->args[3] = attrs[CGADDR_A_QUERY_FLAGS] ? nla_get_u32(attrs[CGADDR_A_QUERY_FLAGS]) : 0;
	if (cb->args[3] & ~CGADDR_QUERY_F_EFFECTIVE) {
		NL_SET_ERR_MSG(cb->extack, "unknown query flags");
		if (cgrp)
			cgroup_put(cgrp);
		cb->args[1] = 0;
		return -EINVAL;
	}
	return 0;
}

static int cgaddr_nl_query_done(struct netlink_callback *cb)
{
	struct cgroup *cgrp = (struct cgroup *)cb->args[1];

	if (cgrp)
		cgroup_put(cgrp);
	return 0;
}

static int cgaddr_nl_query_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgaddr_query_dump qd = { .skb = skb, .cb = cb };
	unsigned long pos = cb->args[0];
	int err;

	qd.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!qd.path)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	err = cgaddr_query((struct cgroup *)cb->args[1], (int)cb->args[2] - 1,
			   cb->args[3] & CGADDR_QUERY_F_EFFECTIVE, &pos, cgaddr_query_put, &qd);
	mutex_unlock(&cgaddr_mutex);
	kfree(qd.path);
	cb->args[0] = pos;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* ---- test run ---------------------------------------------------------------- */

static int cgaddr_nl_test_run(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct cgaddr_test_result res = {};
	struct bpf_sock sk_view = {};
	struct cgaddr_prog *prog;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!attrs[CGADDR_A_PROG_ID] || !attrs[CGADDR_A_TEST_CTX]) {
		GENL_SET_ERR_MSG(info, "a program id and a context are required");
		return -EINVAL;
	}
	nla_memcpy(&res.ctx, attrs[CGADDR_A_TEST_CTX], sizeof(res.ctx));
	if (attrs[CGADDR_A_TEST_SK])
		nla_memcpy(&sk_view, attrs[CGADDR_A_TEST_SK], sizeof(sk_view));
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&cgaddr_mutex);
	prog = cgaddr_prog_from_attr(attrs[CGADDR_A_PROG_ID], info->extack);
	if (prog)
		cgaddr_prog_hold(prog);
	mutex_unlock(&cgaddr_mutex);
	if (!prog) {
		nlmsg_free(msg);
		return -ENOENT;
	}
	err = cgaddr_test_run(prog, &sk_view, &res);
	cgaddr_prog_put(prog);
	if (err)
		goto fail;

	err = -EMSGSIZE;
	hdr = cgaddr_reply_put(msg, info, CGADDR_CMD_TEST_RUN);
	if (!hdr ||
	    nla_put_u64_64bit(msg, CGADDR_A_TEST_RETVAL, res.retval, CGADDR_A_PAD) ||
	    nla_put(msg, CGADDR_A_TEST_CTX, sizeof(res.ctx), &res.ctx) ||
	    nla_put_u64_64bit(msg, CGADDR_A_TEST_INSN_CNT, res.insn_cnt, CGADDR_A_PAD) ||
	    nla_put_u32(msg, CGADDR_A_TEST_FAULT, res.fault) ||
	    nla_put_u64_64bit(msg, CGADDR_A_TEST_DURATION_NS, res.duration_ns, CGADDR_A_PAD))
		goto fail;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
fail:
	nlmsg_free(msg);
	return err;
}

/* ---- the family ---------------------------------------------------------------- */

static const struct genl_ops cgaddr_ops[] = {
	{
		.cmd = CGADDR_CMD_GET_INFO,
		.doit = cgaddr_nl_get_info,
	}, {
		.cmd = CGADDR_CMD_PROG_LOAD,
		.doit = cgaddr_nl_prog_load,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_PROG_DEL,
		.doit = cgaddr_nl_prog_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_PROG_GET,
		.doit = cgaddr_nl_prog_get,
		.dumpit = cgaddr_nl_prog_dump,
	}, {
		.cmd = CGADDR_CMD_ATTACH,
		.doit = cgaddr_nl_attach,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_DETACH,
		.doit = cgaddr_nl_detach,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_QUERY,
		.start = cgaddr_nl_query_start,
		.dumpit = cgaddr_nl_query_dump,
		.done = cgaddr_nl_query_done,
	}, {
		.cmd = CGADDR_CMD_TEST_RUN,
		.doit = cgaddr_nl_test_run,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_CREATE,
		.doit = cgaddr_nl_map_create,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_DEL,
		.doit = cgaddr_nl_map_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_GET,
		.doit = cgaddr_nl_map_get,
		.dumpit = cgaddr_nl_map_get_dump,
	}, {
		.cmd = CGADDR_CMD_MAP_LOOKUP,
		.doit = cgaddr_nl_map_lookup,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_UPDATE,
		.doit = cgaddr_nl_map_update,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_DELETE,
		.doit = cgaddr_nl_map_delete,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_MAP_DUMP,
		.start = cgaddr_nl_map_dump_start,
		.dumpit = cgaddr_nl_map_dump,
		.done = cgaddr_nl_map_dump_done,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_RULE_ADD,
		.doit = cgaddr_nl_rule_add,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_RULE_DEL,
		.doit = cgaddr_nl_rule_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_RULE_REPLACE,
		.doit = cgaddr_nl_rule_replace,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = CGADDR_CMD_RULE_GET,
		.doit = cgaddr_nl_rule_get,
		.dumpit = cgaddr_nl_rule_dump,
	},
};

enum { CGADDR_MCGRP_MONITOR_IDX };

/* Whether programs may send events: the family and its group ids exist. */
static bool cgaddr_family_live;

static const struct genl_multicast_group cgaddr_mcgrps[] = {
	[CGADDR_MCGRP_MONITOR_IDX] = {
		.name = CGADDR_MCGRP_MONITOR,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

static struct genl_family cgaddr_family __ro_after_init = {
	.name = CGADDR_GENL_NAME,
	.version = CGADDR_GENL_VERSION,
	.maxattr = CGADDR_A_MAX,
	.policy = cgaddr_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = cgaddr_ops,
	.n_ops = ARRAY_SIZE(cgaddr_ops),
	.mcgrps = cgaddr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(cgaddr_mcgrps),
};

/*
 * One CGADDR_CMD_TRACE_EVENT to the monitor group; any context (the
 * caller runs a program with preemption disabled).  Nothing is built
 * when nobody listens.
 */
void cgaddr_netlink_trace(u32 prog_id, const char *text)
{
	struct sk_buff *skb;
	void *hdr;

	/* Callers hold rcu_read_lock(): see cgaddr_netlink_exit(). */
	if (!READ_ONCE(cgaddr_family_live) ||
	    !genl_has_listeners(&cgaddr_family, &init_net, CGADDR_MCGRP_MONITOR_IDX))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &cgaddr_family, 0, CGADDR_CMD_TRACE_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, CGADDR_A_PROG_ID, prog_id) ||
	    nla_put_u32(skb, CGADDR_A_TRACE_PID, task_tgid_nr(current)) ||
	    nla_put_string(skb, CGADDR_A_TRACE_COMM, current->comm) ||
	    nla_put_string(skb, CGADDR_A_TRACE_TEXT, text)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&cgaddr_family, &init_net, skb, 0, CGADDR_MCGRP_MONITOR_IDX,
				GFP_ATOMIC);
}

int __init cgaddr_netlink_init(void)
{
	int err = genl_register_family(&cgaddr_family);

	WRITE_ONCE(cgaddr_family_live, !err);
	return err;
}

void cgaddr_netlink_exit(void)
{
	/*
	 * Programs still run until the hooks go, after this: no event may
	 * use the group's id once it is released and perhaps reused.  They
	 * run under rcu_read_lock(), so after a grace period none still
	 * sees the family live.
	 */
	WRITE_ONCE(cgaddr_family_live, false);
	synchronize_rcu();
	genl_unregister_family(&cgaddr_family);
}
