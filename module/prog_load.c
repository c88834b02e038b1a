// SPDX-License-Identifier: GPL-2.0
/*
 * PROG_LOAD: turn the request's attributes into a validated program.
 * Nothing is registered unless every step succeeds.
 */
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <uapi/cgaddr.h>

#include "cgaddr.h"
#include "helpers.h"
#include "map.h"
#include "netlink.h"
#include "prog.h"
#include "run.h"
#include "vm.h"

u32 cgaddr_max_insns(void)
{
	return CGADDR_VM_MAX_INSNS;
}

/* As bpf_obj_name_cpy(): letters, digits, '_' and '.'. */
static bool cgaddr_name_ok(const char *name)
{
	for (; *name; name++)
		if (!isalnum(*name) && *name != '_' && *name != '.')
			return false;
	return true;
}

/* The data sections of the request, pointing into the message. */
static int cgaddr_parse_data(struct nlattr *nest, struct cgaddr_vm_data *data, u32 *ndata,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CGADDR_A_MAX + 1], *entry;
	int rem, err;

	*ndata = 0;
	if (!nest)
		return 0;
	nla_for_each_nested(entry, nest, rem) {
		if (*ndata == CGADDR_MAX_DATA) {
			cgaddr_set_err(extack, "more than %d data sections", CGADDR_MAX_DATA);
			return -E2BIG;
		}
		err = nla_parse_nested(tb, CGADDR_A_MAX, entry, cgaddr_data_policy, extack);
		if (err)
			return err;
		if (!tb[CGADDR_A_DATA_BYTES] || !nla_len(tb[CGADDR_A_DATA_BYTES])) {
			cgaddr_set_err(extack, "data section %u has no bytes", *ndata);
			return -EINVAL;
		}
		data[*ndata].bytes = nla_data(tb[CGADDR_A_DATA_BYTES]);
		data[*ndata].len = nla_len(tb[CGADDR_A_DATA_BYTES]);
		data[*ndata].flags = 0;
		if (tb[CGADDR_A_DATA_FLAGS]) {
			u32 flags = nla_get_u32(tb[CGADDR_A_DATA_FLAGS]);

			if (flags & ~CGADDR_DATA_F_RDONLY) {
				cgaddr_set_err(extack, "data section %u: unknown flags %#x",
					       *ndata, flags);
				return -EINVAL;
			}
			if (flags & CGADDR_DATA_F_RDONLY)
				data[*ndata].flags |= CGADDR_VM_DATA_RDONLY;
		}
		(*ndata)++;
	}
	return 0;
}

/*
 * The maps of the request (CGADDR_A_PROG_MAPS), a reference on each in
 * prog->maps and their VM descriptions in @vmaps.
 */
static int cgaddr_parse_maps(struct nlattr *nest, struct cgaddr_prog *prog,
			     struct cgaddr_vm_map *vmaps, struct netlink_ext_ack *extack)
{
	struct cgaddr_map *map;
	struct nlattr *entry;
	int rem;

	if (!nest)
		return 0;
	prog->maps = kcalloc(CGADDR_VM_MAX_MAPS, sizeof(*prog->maps), GFP_KERNEL);
	if (!prog->maps)
		return -ENOMEM;
	nla_for_each_nested(entry, nest, rem) {
		if (nla_type(entry) != CGADDR_A_MAP_ID || nla_len(entry) != sizeof(u32)) {
			NL_SET_ERR_MSG(extack, "the program's maps must be u32 map ids");
			return -EINVAL;
		}
		if (prog->nmaps == CGADDR_VM_MAX_MAPS) {
			cgaddr_set_err(extack, "more than %d maps", CGADDR_VM_MAX_MAPS);
			return -E2BIG;
		}
		map = cgaddr_map_find(nla_get_u32(entry));
		if (!map) {
			cgaddr_set_err(extack, "map %u of the program does not exist",
				       nla_get_u32(entry));
			return -ENOENT;
		}
		cgaddr_map_hold(map);
		prog->maps[prog->nmaps] = map;
		vmaps[prog->nmaps].obj = map;
		vmaps[prog->nmaps].key_size = map->key_size;
		vmaps[prog->nmaps].value_size = map->value_size;
		prog->nmaps++;
	}
	return 0;
}

/*
 * Whether a validated program needs its socket locked (prog.h): it calls
 * bpf_bind (64), bpf_setsockopt (49) or bpf_getsockopt (57), or has
 * loads the VM checks at run time, through which it could read a socket
 * view (an over-approximation: only a cost, never a missed lock).
 */
static bool cgaddr_prog_needs_lock(const struct bpf_insn *insns, u32 cnt,
				   const struct cgaddr_vm_prog *vm)
{
	u32 i;

	for (i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];

		if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
		    (in->imm == 64 || in->imm == 49 || in->imm == 57))
			return true;
	}
	return cgaddr_vm_prog_checked_loads(vm);
}

int cgaddr_prog_load(struct nlattr **attrs, u32 *id, struct netlink_ext_ack *extack)
{
	struct cgaddr_vm_map *vmaps = NULL;
	struct cgaddr_vm_data *data;
	struct cgaddr_vm_load_attr la = {};
	struct cgaddr_vm_error verr;
	struct cgaddr_prog *prog;
	u32 flags = 0, len, i;
	int type, err;

	lockdep_assert_held(&cgaddr_mutex);
	if (!attrs[CGADDR_A_PROG_INSNS] || !attrs[CGADDR_A_ATTACH_TYPE]) {
		NL_SET_ERR_MSG(extack, "instructions and an expected attach type are required");
		return -EINVAL;
	}
	type = cgaddr_type_from_attach(nla_get_u32(attrs[CGADDR_A_ATTACH_TYPE]));
	if (type < 0) {
		cgaddr_set_err(extack, "attach type %u is not a supported sock_addr type",
			       nla_get_u32(attrs[CGADDR_A_ATTACH_TYPE]));
		return -EINVAL;
	}
	len = nla_len(attrs[CGADDR_A_PROG_INSNS]);
	if (!len || len % sizeof(struct bpf_insn)) {
		cgaddr_set_err(extack, "the instructions are %u bytes, not a multiple of %zu",
			       len, sizeof(struct bpf_insn));
		return -EINVAL;
	}
	if (attrs[CGADDR_A_PROG_FLAGS])
		flags = nla_get_u32(attrs[CGADDR_A_PROG_FLAGS]);
	if (flags & ~CGADDR_PROG_F_LARGE) {
		cgaddr_set_err(extack, "unknown program flags %#x", flags);
		return -EINVAL;
	}
	if (attrs[CGADDR_A_PROG_NAME] && !cgaddr_name_ok(nla_data(attrs[CGADDR_A_PROG_NAME]))) {
		NL_SET_ERR_MSG(extack, "a program name may only hold letters, digits, '_' and '.'");
		return -EINVAL;
	}

	data = kcalloc(CGADDR_MAX_DATA, sizeof(*data), GFP_KERNEL);
	vmaps = kcalloc(CGADDR_VM_MAX_MAPS, sizeof(*vmaps), GFP_KERNEL);
	prog = kzalloc(sizeof(*prog), GFP_KERNEL);
	err = -ENOMEM;
	if (!data || !vmaps || !prog)
		goto fail;
	prog->stats = alloc_percpu(struct cgaddr_prog_stats);
	if (!prog->stats)
		goto fail;
	err = cgaddr_parse_data(attrs[CGADDR_A_PROG_DATA], data, &la.ndata, extack);
	if (err)
		goto fail;
	err = cgaddr_parse_maps(attrs[CGADDR_A_PROG_MAPS], prog, vmaps, extack);
	if (err)
		goto fail;
	la.nmaps = prog->nmaps;
	la.maps = vmaps;

	la.insns = nla_data(attrs[CGADDR_A_PROG_INSNS]);
	la.insn_cnt = len / sizeof(struct bpf_insn);
	la.attach_type = cgaddr_type_to_attach(type);
	la.flags = flags & CGADDR_PROG_F_LARGE ? CGADDR_VM_F_LARGE : 0;
	la.data = data;
	la.helper_mask = cgaddr_helper_mask;
	err = cgaddr_vm_load(&la, &prog->vm, &verr);
	if (err) {
		if (verr.msg[0])
			cgaddr_set_err(extack, "%s", verr.msg);
		else if (err == -E2BIG)
			cgaddr_set_err(extack, "more than %u instructions", cgaddr_max_insns());
		goto fail;
	}

	prog->type = type;
	prog->insn_cnt = la.insn_cnt;
	prog->needs_lock = cgaddr_prog_needs_lock(la.insns, la.insn_cnt, prog->vm);
	prog->load_time = ktime_get_real_ns();
	if (attrs[CGADDR_A_PROG_NAME])
		/* NLA_NUL_STRING: terminated inside the attribute. */
		strscpy(prog->name, nla_data(attrs[CGADDR_A_PROG_NAME]), sizeof(prog->name));
	if (attrs[CGADDR_A_PROG_LICENSE])
		strscpy(prog->license, nla_data(attrs[CGADDR_A_PROG_LICENSE]),
			sizeof(prog->license));
	err = cgaddr_prog_register(prog);
	if (err)
		goto fail;
	/* The references taken above become uses: listed while it lives. */
	for (i = 0; i < prog->nmaps; i++)
		cgaddr_map_use(prog->maps[i]);
	*id = prog->id;
	kfree(vmaps);
	kfree(data);
	return 0;
fail:
	if (prog) {
		if (prog->vm)
			cgaddr_vm_free(prog->vm);
		cgaddr_prog_put_maps(prog);
		free_percpu(prog->stats);
		kfree(prog);
	}
	kfree(vmaps);
	kfree(data);
	return err;
}
