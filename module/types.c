// SPDX-License-Identifier: GPL-2.0
/* Attach types: kernel values, names, and the hooks that serve them. */
#include <linux/errno.h>
#include <linux/kernel.h>

#include "hook.h"
#include "types.h"

static const struct {
	u32 attach;
	const char *name;
	int hook;	/* enum cgaddr_hook_id, or -1 while not hooked */
} cgaddr_types[CGADDR_NTYPES] = {
	[CGADDR_T_BIND4] = { BPF_CGROUP_INET4_BIND, "bind4", CGADDR_HOOK_INET_BIND },
	[CGADDR_T_BIND6] = { BPF_CGROUP_INET6_BIND, "bind6", CGADDR_HOOK_INET6_BIND },
	[CGADDR_T_CONNECT4] = { BPF_CGROUP_INET4_CONNECT, "connect4", -1 },
	[CGADDR_T_CONNECT6] = { BPF_CGROUP_INET6_CONNECT, "connect6", -1 },
	[CGADDR_T_SENDMSG4] = { BPF_CGROUP_UDP4_SENDMSG, "sendmsg4", -1 },
	[CGADDR_T_SENDMSG6] = { BPF_CGROUP_UDP6_SENDMSG, "sendmsg6", -1 },
	[CGADDR_T_RECVMSG4] = { BPF_CGROUP_UDP4_RECVMSG, "recvmsg4", -1 },
	[CGADDR_T_RECVMSG6] = { BPF_CGROUP_UDP6_RECVMSG, "recvmsg6", -1 },
	[CGADDR_T_GETPEERNAME4] = { BPF_CGROUP_INET4_GETPEERNAME, "getpeername4", -1 },
	[CGADDR_T_GETPEERNAME6] = { BPF_CGROUP_INET6_GETPEERNAME, "getpeername6", -1 },
	[CGADDR_T_GETSOCKNAME4] = { BPF_CGROUP_INET4_GETSOCKNAME, "getsockname4", -1 },
	[CGADDR_T_GETSOCKNAME6] = { BPF_CGROUP_INET6_GETSOCKNAME, "getsockname6", -1 },
};

int cgaddr_type_from_attach(u32 attach_type)
{
	int i;

	for (i = 0; i < CGADDR_NTYPES; i++)
		if (cgaddr_types[i].attach == attach_type)
			return i;
	return -EINVAL;
}

u32 cgaddr_type_to_attach(enum cgaddr_type type)
{
	return cgaddr_types[type].attach;
}

const char *cgaddr_type_name(enum cgaddr_type type)
{
	return cgaddr_types[type].name;
}

bool cgaddr_type_hooked(enum cgaddr_type type)
{
	int hook = cgaddr_types[type].hook;

	return hook >= 0 && cgaddr_hooks[hook].installed;
}

void cgaddr_type_hooks_set(enum cgaddr_type type, bool active)
{
	if (cgaddr_types[type].hook >= 0)
		cgaddr_hook_set_active(cgaddr_types[type].hook, active);
}
