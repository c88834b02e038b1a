/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr info and cgaddr version. */
#ifndef CGADDR_TOOL_INFO_H
#define CGADDR_TOOL_INFO_H

#include <stdint.h>

#include "nl.h"

int do_info(int argc, char **argv);
int do_version(int argc, char **argv);

/*
 * The attach types the loaded module hooks (GET_INFO's
 * CGADDR_A_ATTACH_TYPES), at most @max; errors are printed.
 */
int module_attach_types(struct nl *nl, uint32_t *types, uint32_t max, uint32_t *cnt);

#endif /* CGADDR_TOOL_INFO_H */
