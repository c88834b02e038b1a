/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr apply: the policy of configuration files (/etc/cgaddr.d). */
#ifndef CGADDR_TOOL_APPLY_H
#define CGADDR_TOOL_APPLY_H

#define APPLY_USAGE "cgaddr apply [--dry-run] [--state FILE] [DIR | FILE]...\n"

int do_apply(int argc, char **argv);

#endif /* CGADDR_TOOL_APPLY_H */
