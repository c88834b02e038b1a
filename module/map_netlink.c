// SPDX-License-Identifier: GPL-2.0
/*
 * The map commands of the genetlink family (include/uapi/cgaddr.h, "Maps").
 * Every command runs under cgaddr_mutex, which keeps the map listed; the
 * entry dump holds a reference between its rounds instead.
 */
#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/cgaddr.h>

#include "cgaddr.h"
#include "map.h"
#include "map_netlink.h"
#include "netlink.h"

/* The map the request names, or ERR_PTR(-EINVAL) (no id) or ERR_PTR(-ENOENT). */
static struct cgaddr_map *cgaddr_map_from_attrs(struct nlattr **attrs,
						struct netlink_ext_ack *extack)
{
	struct cgaddr_map *map;

	if (!attrs[CGADDR_A_MAP_ID]) {
		NL_SET_ERR_MSG(extack, "no map id given");
		return ERR_PTR(-EINVAL);
	}
	map = cgaddr_map_find(nla_get_u32(attrs[CGADDR_A_MAP_ID]));
	if (!map) {
		cgaddr_set_err(extack, "no map with id %u", nla_get_u32(attrs[CGADDR_A_MAP_ID]));
		return ERR_PTR(-ENOENT);
	}
	return map;
}

/* The request's key: exactly the size user space uses for @map. */
static const void *cgaddr_map_key_attr(struct cgaddr_map *map, struct nlattr **attrs,
				       struct netlink_ext_ack *extack)
{
	u32 size = cgaddr_map_user_key_size(map);

	if (!attrs[CGADDR_A_MAP_KEY]) {
		NL_SET_ERR_MSG(extack, "no key given");
		return NULL;
	}
	if (nla_len(attrs[CGADDR_A_MAP_KEY]) != size) {
		cgaddr_set_err(extack, "the key is %d bytes; map %u takes %u-byte keys",
			       nla_len(attrs[CGADDR_A_MAP_KEY]), map->id, size);
		return NULL;
	}
	return nla_data(attrs[CGADDR_A_MAP_KEY]);
}

/* ---- create, del, get ------------------------------------------------------------ */

int cgaddr_nl_map_create(struct sk_buff *skb, struct genl_info *info)
{
	return cgaddr_nl_reply_new_id(info, CGADDR_CMD_MAP_CREATE, CGADDR_A_MAP_ID,
				      cgaddr_map_create);
}

int cgaddr_nl_map_del(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (!info->attrs[CGADDR_A_MAP_ID]) {
		GENL_SET_ERR_MSG(info, "no map id given");
		return -EINVAL;
	}
	mutex_lock(&cgaddr_mutex);
	err = cgaddr_map_del(nla_get_u32(info->attrs[CGADDR_A_MAP_ID]), info->extack);
	mutex_unlock(&cgaddr_mutex);
	return err;
}

static int cgaddr_put_map(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			  const struct cgaddr_map *map)
{
	void *hdr;

	hdr = cgaddr_genl_put(skb, portid, seq, flags, CGADDR_CMD_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CGADDR_A_MAP_ID, map->id) ||
	    nla_put_string(skb, CGADDR_A_MAP_NAME, map->name) ||
	    nla_put_u32(skb, CGADDR_A_MAP_TYPE, map->type) ||
	    nla_put_u32(skb, CGADDR_A_MAP_KEY_SIZE, map->key_size) ||
	    nla_put_u32(skb, CGADDR_A_MAP_VALUE_SIZE, map->value_size) ||
	    nla_put_u32(skb, CGADDR_A_MAP_MAX_ENTRIES, map->max_entries) ||
	    nla_put_u32(skb, CGADDR_A_MAP_FLAGS, map->flags) ||
	    nla_put_u32(skb, CGADDR_A_MAP_ENTRIES, cgaddr_map_entries(map)) ||
	    nla_put_u64_64bit(skb, CGADDR_A_MAP_MEMORY, map->charged, CGADDR_A_PAD) ||
	    nla_put_u32(skb, CGADDR_A_MAP_PROG_CNT, map->prog_cnt) ||
	    nla_put_u32(skb, CGADDR_A_MAP_NCPUS, map->ncpus) ||
	    (map->handle && nla_put_flag(skb, CGADDR_A_MAP_HANDLE))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int cgaddr_nl_map_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_map *map;
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cgaddr_mutex);
	map = cgaddr_map_from_attrs(info->attrs, info->extack);
	err = IS_ERR(map) ? PTR_ERR(map) :
	      cgaddr_put_map(msg, info->snd_portid, info->snd_seq, 0, map);
	mutex_unlock(&cgaddr_mutex);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the next map id. */
int cgaddr_nl_map_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgaddr_map *map;
	u32 id = cb->args[0] ?: 1;
	int err = 0;

	mutex_lock(&cgaddr_mutex);
	while ((map = cgaddr_map_next(&id))) {
		err = cgaddr_put_map(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				     NLM_F_MULTI, map);
		if (err)
			break;
		id++;
	}
	mutex_unlock(&cgaddr_mutex);
	cb->args[0] = id;
	return err == -EMSGSIZE ? skb->len : (err ?: skb->len);
}

/* ---- entries ------------------------------------------------------------------------ */

/* One entry: key and value (PERCPU_ARRAY: a nest with every CPU's value). */
static int cgaddr_put_entry(struct sk_buff *skb, struct cgaddr_map *map, const void *key,
			    const void *value)
{
	u32 stride = cgaddr_map_pcpu_stride(map), cpu;
	struct nlattr *nest;

	if (nla_put(skb, CGADDR_A_MAP_KEY, cgaddr_map_user_key_size(map), key))
		return -EMSGSIZE;
	if (map->type != BPF_MAP_TYPE_PERCPU_ARRAY)
		return nla_put(skb, CGADDR_A_MAP_VALUE, map->value_size, value);
	nest = nla_nest_start(skb, CGADDR_A_MAP_VALUES);
	if (!nest)
		return -EMSGSIZE;
	for (cpu = 0; cpu < map->ncpus; cpu++)
		if (nla_put(skb, CGADDR_A_MAP_VALUE, map->value_size,
			    (const u8 *)value + cpu * stride))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static size_t cgaddr_entry_msg_size(struct cgaddr_map *map)
{
	return NLMSG_GOODSIZE + cgaddr_map_user_key_size(map) +
	       cgaddr_map_user_value_size(map) + map->ncpus * NLA_HDRLEN;
}

int cgaddr_nl_map_lookup(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = NULL;
	struct cgaddr_map *map;
	void *value = NULL, *hdr;
	const void *key;
	int err = -EINVAL;

	mutex_lock(&cgaddr_mutex);
	map = cgaddr_map_from_attrs(info->attrs, info->extack);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out;
	}
	key = cgaddr_map_key_attr(map, info->attrs, info->extack);
	if (!key)
		goto out;
	err = -ENOMEM;
	value = kmalloc(cgaddr_map_user_value_size(map), GFP_KERNEL);
	msg = nlmsg_new(cgaddr_entry_msg_size(map), GFP_KERNEL);
	if (!value || !msg)
		goto out;
	err = cgaddr_map_lookup_user(map, key, value);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "no such key in the map");
		goto out;
	}
	err = -EMSGSIZE;
	hdr = cgaddr_genl_put(msg, info->snd_portid, info->snd_seq, 0, CGADDR_CMD_MAP_LOOKUP);
	if (!hdr || cgaddr_put_entry(msg, map, key, value))
		goto out;
	genlmsg_end(msg, hdr);
	err = 0;
out:
	mutex_unlock(&cgaddr_mutex);
	kfree(value);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The value of an update, into @buf (PERCPU_ARRAY: every CPU's slot). */
static int cgaddr_map_value_attr(struct cgaddr_map *map, struct nlattr **attrs, void *buf,
				 bool *all_cpus, struct netlink_ext_ack *extack)
{
	u32 stride = cgaddr_map_pcpu_stride(map), n = 0;
	struct nlattr *v;
	int rem;

	*all_cpus = false;
	if (!!attrs[CGADDR_A_MAP_VALUE] == !!attrs[CGADDR_A_MAP_VALUES]) {
		NL_SET_ERR_MSG(extack, "give a value, or per-CPU values, not both");
		return -EINVAL;
	}
	if (attrs[CGADDR_A_MAP_VALUE]) {
		if (nla_len(attrs[CGADDR_A_MAP_VALUE]) != map->value_size) {
			cgaddr_set_err(extack, "the value is %d bytes; map %u takes %u-byte values",
				       nla_len(attrs[CGADDR_A_MAP_VALUE]), map->id,
				       map->value_size);
			return -EINVAL;
		}
		memcpy(buf, nla_data(attrs[CGADDR_A_MAP_VALUE]), map->value_size);
		return 0;
	}
	if (map->type != BPF_MAP_TYPE_PERCPU_ARRAY) {
		NL_SET_ERR_MSG(extack, "per-CPU values for a map that is not per-CPU");
		return -EINVAL;
	}
	nla_for_each_nested(v, attrs[CGADDR_A_MAP_VALUES], rem) {
		if (nla_type(v) != CGADDR_A_MAP_VALUE || nla_len(v) != map->value_size ||
		    n == map->ncpus) {
			cgaddr_set_err(extack, "per-CPU values: %u values of %u bytes expected",
				       map->ncpus, map->value_size);
			return -EINVAL;
		}
		memcpy((u8 *)buf + n++ * stride, nla_data(v), map->value_size);
	}
	if (n != map->ncpus) {
		cgaddr_set_err(extack, "per-CPU values: %u given, the map has %u CPUs", n,
			       map->ncpus);
		return -EINVAL;
	}
	*all_cpus = true;
	return 0;
}

static const char *cgaddr_update_err(int err)
{
	switch (err) {
	case -EEXIST:
		return "the key exists (BPF_NOEXIST)";
	case -ENOENT:
		return "the key does not exist (BPF_EXIST)";
	case -E2BIG:
		return "the map is full, or the index is past max_entries";
	case -ENOMEM:
		return "out of memory for the element";
	case -EINVAL:
		return "invalid update flags";
	}
	return NULL;
}

int cgaddr_nl_map_update(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct cgaddr_map *map;
	const void *key;
	void *value = NULL;
	bool all_cpus;
	u64 flags = 0;
	int err = -EINVAL;

	mutex_lock(&cgaddr_mutex);
	map = cgaddr_map_from_attrs(attrs, info->extack);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out;
	}
	if (map->type == BPF_MAP_TYPE_SK_STORAGE) {
		NL_SET_ERR_MSG(info->extack, "sk_storage entries are made by programs; "
			       "user space can look them up and delete them");
		err = -EOPNOTSUPP;
		goto out;
	}
	key = cgaddr_map_key_attr(map, attrs, info->extack);
	if (!key)
		goto out;
	if (attrs[CGADDR_A_MAP_UPDATE_FLAGS])
		flags = nla_get_u32(attrs[CGADDR_A_MAP_UPDATE_FLAGS]);
	if (flags > BPF_EXIST) {
		cgaddr_set_err(info->extack, "unknown update flags %#llx", flags);
		goto out;
	}
	err = -ENOMEM;
	value = kmalloc(cgaddr_map_user_value_size(map), GFP_KERNEL);
	if (!value)
		goto out;
	err = cgaddr_map_value_attr(map, attrs, value, &all_cpus, info->extack);
	if (err)
		goto out;
	err = cgaddr_map_update_user(map, key, value, all_cpus, flags);
	if (err && cgaddr_update_err(err))
		cgaddr_set_err(info->extack, "%s", cgaddr_update_err(err));
out:
	mutex_unlock(&cgaddr_mutex);
	kfree(value);
	return err;
}

int cgaddr_nl_map_delete(struct sk_buff *skb, struct genl_info *info)
{
	struct cgaddr_map *map;
	const void *key;
	int err = -EINVAL;

	mutex_lock(&cgaddr_mutex);
	map = cgaddr_map_from_attrs(info->attrs, info->extack);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out;
	}
	key = cgaddr_map_key_attr(map, info->attrs, info->extack);
	if (!key)
		goto out;
	err = cgaddr_map_delete_user(map, key);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(info->extack, "array entries cannot be deleted");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such key in the map");
out:
	mutex_unlock(&cgaddr_mutex);
	return err;
}

/* ---- the entry dump ----------------------------------------------------------------- */

struct cgaddr_map_dump {
	struct cgaddr_map *map;	/* a reference */
	bool started;
	/*
	 * Steps left: a key deleted between two steps restarts the walk
	 * (as BPF_MAP_GET_NEXT_KEY), so programs deleting all the time
	 * could otherwise keep a dump going forever.
	 */
	u64 budget;
	void *value;
	u8 key[];		/* the last key sent */
};

int cgaddr_nl_map_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = cgaddr_dump_attrs(cb);
	struct cgaddr_map_dump *d;
	struct cgaddr_map *map;
	int err = 0;

	mutex_lock(&cgaddr_mutex);
	map = cgaddr_map_from_attrs(attrs, cb->extack);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out;
	}
	d = kzalloc(sizeof(*d) + cgaddr_map_user_key_size(map), GFP_KERNEL);
	if (d)
		d->value = kmalloc(cgaddr_map_user_value_size(map), GFP_KERNEL);
	if (!d || !d->value) {
		if (d)
			kfree(d);
		err = -ENOMEM;
		goto out;
	}
	cgaddr_map_hold(map);
	d->map = map;
	d->budget = 4ULL * map->max_entries + 16;
	cb->args[0] = (unsigned long)d;
out:
	mutex_unlock(&cgaddr_mutex);
	return err;
}

int cgaddr_nl_map_dump_done(struct netlink_callback *cb)
{
	struct cgaddr_map_dump *d = (void *)cb->args[0];

	if (d) {
		cgaddr_map_put(d->map);
		kfree(d->value);
		kfree(d);
	}
	return 0;
}

int cgaddr_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgaddr_map_dump *d = (void *)cb->args[0];
	struct cgaddr_map *map = d->map;
	u32 ksize = cgaddr_map_user_key_size(map);
	u8 next[VM_MAP_MAX_KEY_USER];
	void *hdr;
	int err = 0;

	mutex_lock(&cgaddr_mutex);
	while (d->budget && !cgaddr_map_next_key(map, d->started ? d->key : NULL, next)) {
		d->budget--;
		/* Gone since next_key() found it: go on from it all the same. */
		if (cgaddr_map_lookup_user(map, next, d->value)) {
			memcpy(d->key, next, ksize);
			d->started = true;
			continue;
		}
		hdr = cgaddr_genl_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				      NLM_F_MULTI, CGADDR_CMD_MAP_DUMP);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (cgaddr_put_entry(skb, map, next, d->value)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		memcpy(d->key, next, ksize);
		d->started = true;
	}
	mutex_unlock(&cgaddr_mutex);
	if (err == -EMSGSIZE && !skb->len)
		return -EMSGSIZE;	/* one entry larger than a message */
	return skb->len;
}
