// SPDX-License-Identifier: GPL-2.0
/*
 * The helper prototypes sock_addr programs may call: the kernel's ids,
 * which attach types allow each (sock_addr_func_proto(), 6.x) and the
 * kinds of their arguments, which the VM checks and translates before
 * the caller's implementation runs.
 */
#include "vm_internal.h"

/* Dense attach type bits (vm_ctx.c's order). */
#define T_ALL		0x0fff
#define T_CONNECT	((1 << 2) | (1 << 3))
/* get/set_retval: not for recvmsg, getpeername, getsockname. */
#define T_RETVAL	0x003f

#define A_ANY		CGADDR_VM_ARG_ANY
#define A_CTX		CGADDR_VM_ARG_CTX
#define A_CTX0		CGADDR_VM_ARG_CTX_OR_NULL
#define A_RO		CGADDR_VM_ARG_MEM_RO
#define A_RW		CGADDR_VM_ARG_MEM_RW
#define A_SIZE		CGADDR_VM_ARG_SIZE
#define A_MAP		CGADDR_VM_ARG_MAP
#define A_KEY		CGADDR_VM_ARG_MAP_KEY
#define A_VAL		CGADDR_VM_ARG_MAP_VALUE
#define A_VAL0		CGADDR_VM_ARG_MAP_VALUE_OR_NULL
#define A_SOCK		CGADDR_VM_ARG_SOCK

#define R_INT		CGADDR_VM_RET_INT
#define R_MAPVAL	CGADDR_VM_RET_MAP_VALUE_OR_NULL
#define R_SOCK		CGADDR_VM_RET_SOCK_OR_NULL

static const struct cgaddr_vm_helper vm_helpers[] = {
	{ 1, "map_lookup_elem", T_ALL, R_MAPVAL, { A_MAP, A_KEY } },
	{ 2, "map_update_elem", T_ALL, R_INT, { A_MAP, A_KEY, A_VAL, A_ANY } },
	{ 3, "map_delete_elem", T_ALL, R_INT, { A_MAP, A_KEY } },
	{ 5, "ktime_get_ns", T_ALL, R_INT, { 0 } },
	{ 6, "trace_printk", T_ALL, R_INT, { A_RO, A_SIZE, A_ANY, A_ANY, A_ANY } },
	{ 7, "get_prandom_u32", T_ALL, R_INT, { 0 } },
	{ 8, "get_smp_processor_id", T_ALL, R_INT, { 0 } },
	{ 14, "get_current_pid_tgid", T_ALL, R_INT, { 0 } },
	{ 15, "get_current_uid_gid", T_ALL, R_INT, { 0 } },
	{ 16, "get_current_comm", T_ALL, R_INT, { A_RW, A_SIZE } },
	{ 46, "get_socket_cookie", T_ALL, R_INT, { A_CTX } },
	{ 49, "setsockopt", T_ALL, R_INT, { A_CTX, A_ANY, A_ANY, A_RO, A_SIZE } },
	{ 57, "getsockopt", T_ALL, R_INT, { A_CTX, A_ANY, A_ANY, A_RW, A_SIZE } },
	{ 64, "bind", T_CONNECT, R_INT, { A_CTX, A_RO, A_SIZE } },
	{ 80, "get_current_cgroup_id", T_ALL, R_INT, { 0 } },
	{ 84, "sk_lookup_tcp", T_ALL, R_SOCK, { A_CTX, A_RO, A_SIZE, A_ANY, A_ANY } },
	{ 85, "sk_lookup_udp", T_ALL, R_SOCK, { A_CTX, A_RO, A_SIZE, A_ANY, A_ANY } },
	{ 86, "sk_release", T_ALL, R_INT, { A_SOCK } },
	{ 99, "skc_lookup_tcp", T_ALL, R_SOCK, { A_CTX, A_RO, A_SIZE, A_ANY, A_ANY } },
	{ 107, "sk_storage_get", T_ALL, R_MAPVAL, { A_MAP, A_SOCK, A_VAL0, A_ANY } },
	{ 108, "sk_storage_delete", T_ALL, R_INT, { A_MAP, A_SOCK } },
	{ 122, "get_netns_cookie", T_ALL, R_INT, { A_CTX0 } },
	{ 123, "get_current_ancestor_cgroup_id", T_ALL, R_INT, { A_ANY } },
	{ 125, "ktime_get_boot_ns", T_ALL, R_INT, { 0 } },
	{ 160, "ktime_get_coarse_ns", T_ALL, R_INT, { 0 } },
	{ 186, "get_retval", T_RETVAL, R_INT, { 0 } },
	{ 187, "set_retval", T_RETVAL, R_INT, { A_ANY } },
};

const struct cgaddr_vm_helper vm_raw_unwind_helper = {
	VM_RAW_HELPER_UNWIND, "unwind", 0, R_INT, { A_ANY }
};

const struct cgaddr_vm_helper *cgaddr_vm_helper(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm_helpers); i++)
		if (vm_helpers[i].id == id)
			return &vm_helpers[i];
	return NULL;
}
