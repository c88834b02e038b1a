/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sock_addr attach types by their short names ("bind4", ...; the ELF
 * section is "cgroup/" NAME), for the static test programs that cannot
 * link the CLI's tools/types.c: bpfload, kbpfload and the adversarial
 * file reader (tests/vm/adv_file.h).  The order alternates v4 and v6.
 */
#ifndef CGADDR_TEST_ATTACH_TYPES_H
#define CGADDR_TEST_ATTACH_TYPES_H

#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>

static const struct {
	const char *name;
	uint32_t type;		/* enum bpf_attach_type */
} test_attach_types[] = {
	{ "bind4", BPF_CGROUP_INET4_BIND },
	{ "bind6", BPF_CGROUP_INET6_BIND },
	{ "connect4", BPF_CGROUP_INET4_CONNECT },
	{ "connect6", BPF_CGROUP_INET6_CONNECT },
	{ "sendmsg4", BPF_CGROUP_UDP4_SENDMSG },
	{ "sendmsg6", BPF_CGROUP_UDP6_SENDMSG },
	{ "recvmsg4", BPF_CGROUP_UDP4_RECVMSG },
	{ "recvmsg6", BPF_CGROUP_UDP6_RECVMSG },
	{ "getpeername4", BPF_CGROUP_INET4_GETPEERNAME },
	{ "getpeername6", BPF_CGROUP_INET6_GETPEERNAME },
	{ "getsockname4", BPF_CGROUP_INET4_GETSOCKNAME },
	{ "getsockname6", BPF_CGROUP_INET6_GETSOCKNAME },
};

#define TEST_ATTACH_TYPES_CNT \
	(sizeof(test_attach_types) / sizeof(test_attach_types[0]))

/* The index of the type named @name in test_attach_types, or -1. */
static inline int test_attach_type_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < TEST_ATTACH_TYPES_CNT; i++)
		if (!strcmp(name, test_attach_types[i].name))
			return i;
	return -1;
}

/* The index of attach type @type in test_attach_types, or -1. */
static inline int test_attach_type_index_of(uint32_t type)
{
	unsigned int i;

	for (i = 0; i < TEST_ATTACH_TYPES_CNT; i++)
		if (test_attach_types[i].type == type)
			return i;
	return -1;
}

#endif
