/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr info and cgaddr version. */
#ifndef CGADDR_TOOL_INFO_H
#define CGADDR_TOOL_INFO_H

int do_info(int argc, char **argv);
int do_version(int argc, char **argv);

#endif /* CGADDR_TOOL_INFO_H */
