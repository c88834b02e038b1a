// SPDX-License-Identifier: GPL-2.0
/*
 * Attach types and the access rules of the context (struct bpf_sock_addr)
 * and of the ctx->sk view (struct bpf_sock): the native rules of
 * sock_addr_is_valid_access(), sock_addr_convert_ctx_access() and
 * bpf_sock_is_valid_access() (net/core/filter.c, 6.x), used both by the
 * loader for accesses it can prove and by the interpreter for every other.
 */
#include "vm_internal.h"

struct vm_type {
	u32 attach;
	const char *name;
	u8 v6;		/* user_ip6 rather than user_ip4 */
	u8 retmin, retmax;
};

/* Order: the dense index (cgaddr_vm_type_index), as the module's. */
static const struct vm_type vm_types[VM_NTYPES] = {
	{ BPF_CGROUP_INET4_BIND, "bind4", 0, 0, 3 },
	{ BPF_CGROUP_INET6_BIND, "bind6", 1, 0, 3 },
	{ BPF_CGROUP_INET4_CONNECT, "connect4", 0, 0, 1 },
	{ BPF_CGROUP_INET6_CONNECT, "connect6", 1, 0, 1 },
	{ BPF_CGROUP_UDP4_SENDMSG, "sendmsg4", 0, 0, 1 },
	{ BPF_CGROUP_UDP6_SENDMSG, "sendmsg6", 1, 0, 1 },
	{ BPF_CGROUP_UDP4_RECVMSG, "recvmsg4", 0, 1, 1 },
	{ BPF_CGROUP_UDP6_RECVMSG, "recvmsg6", 1, 1, 1 },
	{ BPF_CGROUP_INET4_GETPEERNAME, "getpeername4", 0, 1, 1 },
	{ BPF_CGROUP_INET6_GETPEERNAME, "getpeername6", 1, 1, 1 },
	{ BPF_CGROUP_INET4_GETSOCKNAME, "getsockname4", 0, 1, 1 },
	{ BPF_CGROUP_INET6_GETSOCKNAME, "getsockname6", 1, 1, 1 },
};

#define VM_T_SENDMSG4 4
#define VM_T_SENDMSG6 5

int cgaddr_vm_type_index(u32 attach_type)
{
	int i;

	for (i = 0; i < VM_NTYPES; i++)
		if (vm_types[i].attach == attach_type)
			return i;
	return -1;
}

bool cgaddr_vm_type_supported(u32 attach_type)
{
	return cgaddr_vm_type_index(attach_type) >= 0;
}

const char *cgaddr_vm_type_name(u32 attach_type)
{
	int i = cgaddr_vm_type_index(attach_type);

	return i < 0 ? "unknown" : vm_types[i].name;
}

void cgaddr_vm_type_retval(u32 attach_type, u32 *min, u32 *max)
{
	int i = cgaddr_vm_type_index(attach_type);

	*min = i < 0 ? 0 : vm_types[i].retmin;
	*max = i < 0 ? 0 : vm_types[i].retmax;
}

/* ---- struct bpf_sock_addr ------------------------------------------- */

#define CTX_USER_FAMILY	0
#define CTX_USER_IP4	4
#define CTX_USER_IP6	8
#define CTX_USER_PORT	24
#define CTX_FAMILY	28
#define CTX_TYPE	32
#define CTX_PROTOCOL	36
#define CTX_MSG_SRC_IP4	40
#define CTX_MSG_SRC_IP6	44
#define CTX_SK		64

/* The layout the rules below assume is the uapi one, in every version. */
_Static_assert(sizeof(struct bpf_sock_addr) == CGADDR_VM_CTX_SIZE, "ctx size");
_Static_assert(offsetof(struct bpf_sock_addr, user_port) == CTX_USER_PORT, "ctx");
_Static_assert(offsetof(struct bpf_sock_addr, msg_src_ip6) == CTX_MSG_SRC_IP6, "ctx");
_Static_assert(offsetof(struct bpf_sock_addr, sk) == CTX_SK, "ctx");

const char *vm_ctx_field(s64 off)
{
	if (off < 0 || off >= CGADDR_VM_CTX_SIZE)
		return NULL;
	if (off < CTX_USER_IP4)
		return "user_family";
	if (off < CTX_USER_IP6)
		return "user_ip4";
	if (off < CTX_USER_PORT)
		return "user_ip6";
	if (off < CTX_FAMILY)
		return "user_port";
	if (off < CTX_TYPE)
		return "family";
	if (off < CTX_PROTOCOL)
		return "type";
	if (off < CTX_MSG_SRC_IP4)
		return "protocol";
	if (off < CTX_MSG_SRC_IP6)
		return "msg_src_ip4";
	if (off < CTX_MSG_SRC_IP6 + 16)
		return "msg_src_ip6";
	if (off >= CTX_SK)
		return "sk";
	return NULL;
}

/* bpf_ctx_wide_access_ok(): 8 bytes, 8-aligned in the ctx, inside @field. */
static bool vm_wide_ok(s64 off, u32 size, s64 field, u32 len)
{
	return size == 8 && off >= field && off + 8 <= field + len && off % 8 == 0;
}

static int vm_mem(struct vm_acc *acc, s64 off, u32 size)
{
	acc->kind = VM_ACC_MEM;
	acc->host_off = (u16)off;
	acc->host_size = (u8)size;
	return VM_ACC_OK;
}

int vm_ctx_access(int t, s64 off, u32 size, bool write, struct vm_acc *acc)
{
	const struct vm_type *type = &vm_types[t];

	if (off < 0 || off >= CGADDR_VM_CTX_SIZE)
		return VM_ACC_E_RANGE;
	if (off % size)
		return VM_ACC_E_ALIGN;

	switch (off) {
	case CTX_USER_IP4 ... CTX_USER_IP6 - 1:
		if (type->v6)
			return VM_ACC_E_TYPE;
		break;
	case CTX_USER_IP6 ... CTX_USER_PORT - 1:
		if (!type->v6)
			return VM_ACC_E_TYPE;
		break;
	case CTX_MSG_SRC_IP4 ... CTX_MSG_SRC_IP6 - 1:
		if (t != VM_T_SENDMSG4)
			return VM_ACC_E_TYPE;
		break;
	case CTX_MSG_SRC_IP6 ... CTX_MSG_SRC_IP6 + 15:
		if (t != VM_T_SENDMSG6)
			return VM_ACC_E_TYPE;
		break;
	}

	switch (off) {
	case CTX_USER_IP4 ... CTX_FAMILY - 1:
	case CTX_MSG_SRC_IP4 ... CTX_MSG_SRC_IP6 + 15:
		if (vm_wide_ok(off, size, CTX_USER_IP6, 16) ||
		    vm_wide_ok(off, size, CTX_MSG_SRC_IP6, 16))
			return vm_mem(acc, off, size);
		if (write ? size != 4 : size > 4)
			return VM_ACC_E_SIZE;
		if (off < CTX_USER_PORT || off >= CTX_FAMILY)
			return vm_mem(acc, off, size);
		/*
		 * user_port is the 2-byte sin_port behind a u32: wide
		 * accesses use its 2 bytes, the upper half reads as zero.
		 */
		if (off >= CTX_USER_PORT + 2) {
			acc->kind = VM_ACC_ZERO;
			return VM_ACC_OK;
		}
		return vm_mem(acc, off, size == 4 ? 2 : size);
	case CTX_SK ... CGADDR_VM_CTX_SIZE - 1:
		if (write)
			return VM_ACC_E_RDONLY;
		if (size != 8)
			return VM_ACC_E_SIZE;
		acc->kind = VM_ACC_SKPTR;
		return VM_ACC_OK;
	case CTX_USER_FAMILY ... CTX_USER_IP4 - 1:
	case CTX_FAMILY ... CTX_MSG_SRC_IP4 - 1:
		if (write)
			return VM_ACC_E_RDONLY;
		if (size != 4)
			return VM_ACC_E_SIZE;
		return vm_mem(acc, off, size);
	}
	return VM_ACC_E_RANGE;	/* the padding before sk */
}

/* ---- struct bpf_sock ------------------------------------------------- */

static const struct {
	u8 off, len;
	u8 narrow;	/* 1: narrow reads anywhere; 2: at the start only */
	const char *name;
} vm_sk_fields[] = {
	{ offsetof(struct bpf_sock, bound_dev_if), 4, 0, "bound_dev_if" },
	{ offsetof(struct bpf_sock, family), 4, 2, "family" },
	{ offsetof(struct bpf_sock, type), 4, 2, "type" },
	{ offsetof(struct bpf_sock, protocol), 4, 2, "protocol" },
	{ offsetof(struct bpf_sock, mark), 4, 0, "mark" },
	{ offsetof(struct bpf_sock, priority), 4, 0, "priority" },
	{ offsetof(struct bpf_sock, src_ip4), 4, 1, "src_ip4" },
	{ offsetof(struct bpf_sock, src_ip6), 16, 1, "src_ip6" },
	{ offsetof(struct bpf_sock, src_port), 4, 2, "src_port" },
	{ offsetof(struct bpf_sock, dst_port), 4, 3, "dst_port" },
	{ offsetof(struct bpf_sock, dst_ip4), 4, 1, "dst_ip4" },
	{ offsetof(struct bpf_sock, dst_ip6), 16, 1, "dst_ip6" },
	{ offsetof(struct bpf_sock, state), 4, 2, "state" },
	{ offsetof(struct bpf_sock, rx_queue_mapping), 4, 2, "rx_queue_mapping" },
};

_Static_assert(sizeof(struct bpf_sock) == CGADDR_VM_SK_SIZE, "bpf_sock size");
_Static_assert(offsetof(struct bpf_sock, dst_port) == 48, "bpf_sock dst_port");

static int vm_sk_find(s64 off)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(vm_sk_fields); i++)
		if (off >= vm_sk_fields[i].off &&
		    off < vm_sk_fields[i].off + vm_sk_fields[i].len)
			return i;
	return -1;
}

const char *vm_sk_field(s64 off)
{
	int i = vm_sk_find(off);

	return i < 0 ? NULL : vm_sk_fields[i].name;
}

int vm_sk_access(s64 off, u32 size, bool write, struct vm_acc *acc)
{
	int i;

	if (off < 0 || off >= CGADDR_VM_SK_SIZE)
		return VM_ACC_E_RANGE;
	if (write)
		return VM_ACC_E_RDONLY;
	if (off % size)
		return VM_ACC_E_ALIGN;
	i = vm_sk_find(off);
	switch (vm_sk_fields[i].narrow) {
	case 1:
		if (size > 4)
			return VM_ACC_E_SIZE;
		return vm_mem(acc, off, size);
	case 2:
		if (off == vm_sk_fields[i].off && size <= 4)
			return vm_mem(acc, off, size);
		break;
	case 3:
		/* dst_port: a __be16 and two bytes of padding. */
		if (off >= vm_sk_fields[i].off + 2)
			return VM_ACC_E_SIZE;
		if (size == 4)
			return vm_mem(acc, off, 2);
		if (size <= 2)
			return vm_mem(acc, off, size);
		return VM_ACC_E_SIZE;
	}
	if (size != 4)
		return VM_ACC_E_SIZE;
	return vm_mem(acc, off, size);
}
