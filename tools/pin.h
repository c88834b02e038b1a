/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr pin / cgaddr unpin: one address per family for a cgroup. */
#ifndef CGADDR_TOOL_PIN_H
#define CGADDR_TOOL_PIN_H

int do_pin(int argc, char **argv);
int do_unpin(int argc, char **argv);

#endif /* CGADDR_TOOL_PIN_H */
