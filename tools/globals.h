/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgaddr prog load FILE.o set NAME=VALUE: global variables of an object
 * (const volatile ones in .rodata above all) given a value before the
 * programs are built, as libbpf skeletons do before bpf_object__load().
 */
#ifndef CGADDR_TOOL_GLOBALS_H
#define CGADDR_TOOL_GLOBALS_H

#include <stdint.h>

#include "obj.h"

struct obj_set {
	const char *name;
	const char *value;
};

/* Splits "NAME=VALUE" (kept in @arg) into @set; a usage error otherwise. */
int obj_set_parse(char *arg, struct obj_set *set);

/*
 * Writes each value into the data section holding the variable, in the
 * order given.  The variable is a data object (STT_OBJECT) of .rodata*,
 * .data* or .bss* named NAME; an integer variable of 1, 2, 4 or 8 bytes
 * takes a decimal, 0x hex or negative integer that fits its size (signed or
 * unsigned); a 4-byte variable also takes an IPv4 address and a 16-byte one
 * an IPv6 address, stored in network byte order (struct in_addr/in6_addr).
 */
int obj_set_globals(struct obj *obj, const struct obj_set *sets, uint32_t cnt);

#endif /* CGADDR_TOOL_GLOBALS_H */
