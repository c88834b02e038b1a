/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attach types cgaddr supports, as a dense index, and what each needs
 * from the hooks.
 */
#ifndef CGADDR_TYPES_H
#define CGADDR_TYPES_H

#include <linux/bpf.h>
#include <linux/types.h>

enum cgaddr_type {
	CGADDR_T_BIND4,
	CGADDR_T_BIND6,
	CGADDR_T_CONNECT4,
	CGADDR_T_CONNECT6,
	CGADDR_T_SENDMSG4,
	CGADDR_T_SENDMSG6,
	CGADDR_T_RECVMSG4,
	CGADDR_T_RECVMSG6,
	CGADDR_T_GETPEERNAME4,
	CGADDR_T_GETPEERNAME6,
	CGADDR_T_GETSOCKNAME4,
	CGADDR_T_GETSOCKNAME6,
	CGADDR_NTYPES,
};

/* The dense index of a kernel attach type, or -EINVAL if unsupported. */
int cgaddr_type_from_attach(u32 attach_type);
u32 cgaddr_type_to_attach(enum cgaddr_type type);
const char *cgaddr_type_name(enum cgaddr_type type);

/* Whether the hooks @type needs are installed on this kernel. */
bool cgaddr_type_hooked(enum cgaddr_type type);

/*
 * Activate or deactivate the hooks that serve @type (a hook shared with
 * another active type stays on); under cgaddr_mutex.  Activation may
 * fail (a function cannot be patched): -errno, nothing changed.
 */
int cgaddr_type_hooks_set(enum cgaddr_type type, bool active);

#endif /* CGADDR_TYPES_H */
