// SPDX-License-Identifier: GPL-2.0
/* Attach types: kernel values, names, and the hooks that serve them. */
#include <linux/errno.h>
#include <linux/kernel.h>

#include "hook.h"
#include "types.h"

#define H(x) (1U << CGADDR_HOOK_##x)

static const struct {
	u32 attach;
	const char *name;
	u32 hooks;	/* the hooks that run its programs (enum cgaddr_hook_id bits) */
} cgaddr_types[CGADDR_NTYPES] = {
	[CGADDR_T_BIND4] = { BPF_CGROUP_INET4_BIND, "bind4", H(INET_BIND) },
	[CGADDR_T_BIND6] = { BPF_CGROUP_INET6_BIND, "bind6", H(INET6_BIND) },
	[CGADDR_T_CONNECT4] = { BPF_CGROUP_INET4_CONNECT, "connect4",
				H(STREAM_CONNECT) | H(DGRAM_CONNECT) },
	[CGADDR_T_CONNECT6] = { BPF_CGROUP_INET6_CONNECT, "connect6",
				H(STREAM_CONNECT) | H(DGRAM_CONNECT) },
	[CGADDR_T_SENDMSG4] = { BPF_CGROUP_UDP4_SENDMSG, "sendmsg4", H(UDP_SENDMSG) },
	[CGADDR_T_SENDMSG6] = { BPF_CGROUP_UDP6_SENDMSG, "sendmsg6", H(UDPV6_SENDMSG) },
	[CGADDR_T_RECVMSG4] = { BPF_CGROUP_UDP4_RECVMSG, "recvmsg4", H(UDP_RECVMSG) },
	[CGADDR_T_RECVMSG6] = { BPF_CGROUP_UDP6_RECVMSG, "recvmsg6", H(UDPV6_RECVMSG) },
	[CGADDR_T_GETPEERNAME4] = { BPF_CGROUP_INET4_GETPEERNAME, "getpeername4", H(INET_GETNAME) },
	[CGADDR_T_GETPEERNAME6] = { BPF_CGROUP_INET6_GETPEERNAME, "getpeername6", H(INET6_GETNAME) },
	[CGADDR_T_GETSOCKNAME4] = { BPF_CGROUP_INET4_GETSOCKNAME, "getsockname4", H(INET_GETNAME) },
	[CGADDR_T_GETSOCKNAME6] = { BPF_CGROUP_INET6_GETSOCKNAME, "getsockname6", H(INET6_GETNAME) },
};

/* Types with programs attached somewhere; under cgaddr_mutex. */
static bool cgaddr_type_active[CGADDR_NTYPES];

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

/* Every hook the type needs is installed. */
bool cgaddr_type_hooked(enum cgaddr_type type)
{
	u32 hooks = cgaddr_types[type].hooks;
	int h;

	for (h = 0; h < CGADDR_HOOK_COUNT; h++)
		if ((hooks & (1U << h)) && !cgaddr_hooks[h].installed)
			return false;
	return hooks != 0;
}

/*
 * A hook redirects while any type it serves has programs attached
 * somewhere (several types share the connect and getname hooks).
 */
static bool cgaddr_hook_wanted(int h)
{
	int t;

	for (t = 0; t < CGADDR_NTYPES; t++)
		if (cgaddr_type_active[t] && (cgaddr_types[t].hooks & (1U << h)))
			return true;
	return false;
}

int cgaddr_type_hooks_set(enum cgaddr_type type, bool active)
{
	bool was = cgaddr_type_active[type];
	int h, err;

	cgaddr_type_active[type] = active;
	for (h = 0; h < CGADDR_HOOK_COUNT; h++) {
		if (!(cgaddr_types[type].hooks & (1U << h)))
			continue;
		err = cgaddr_hook_set_active(h, cgaddr_hook_wanted(h));
		if (err) {
			/* Only activation fails: undo the hooks already switched on. */
			cgaddr_type_active[type] = was;
			while (--h >= 0)
				if (cgaddr_types[type].hooks & (1U << h))
					cgaddr_hook_set_active(h, cgaddr_hook_wanted(h));
			return err;
		}
	}
	return 0;
}
