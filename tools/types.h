/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sock_addr attach types: kernel values (enum bpf_attach_type), the
 * names users type, and the ELF section names clang objects use.
 */
#ifndef CGADDR_TOOL_TYPES_H
#define CGADDR_TOOL_TYPES_H

#include <stdint.h>

struct attach_type {
	uint32_t attach;	/* enum bpf_attach_type */
	const char *name;	/* "bind4": what cgaddr prints */
	const char *section;	/* "cgroup/bind4": libbpf's SEC() name */
	const char *enum_name;	/* "BPF_CGROUP_INET4_BIND" */
	const char *bpftool;	/* "cgroup_inet4_bind": bpftool's name */
	int family;		/* AF_INET or AF_INET6: the hook's sockaddr */
	int sock_type;		/* SOCK_STREAM or SOCK_DGRAM: typical socket */
};

const struct attach_type *type_by_attach(uint32_t attach);
/* Any of the names above, case-insensitive for the enum-style ones. */
const struct attach_type *type_by_name(const char *s);
const struct attach_type *type_by_section(const char *section);
/* Iteration: NULL past the end. */
const struct attach_type *type_at(unsigned int i);

/* "bind4", or "type 12" for a value cgaddr does not know (static buffer). */
const char *type_str(uint32_t attach);

/*
 * For a section name that belongs to another kind of BPF program (or a
 * hook cgaddr does not run), a sentence saying so; NULL otherwise.
 */
const char *type_foreign_section(const char *section);

/* "cgroup/bind4, cgroup/bind6, ..." and "bind4, bind6, ...", for messages. */
const char *type_section_list(void);
const char *type_name_list(void);

#endif /* CGADDR_TOOL_TYPES_H */
