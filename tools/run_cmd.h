/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr run: a command in a new cgroup pinned to addresses (run_cmd.c). */
#ifndef CGADDR_TOOL_RUN_CMD_H
#define CGADDR_TOOL_RUN_CMD_H

int do_run(int argc, char **argv);

#endif /* CGADDR_TOOL_RUN_CMD_H */
