/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CGADDR_TOOL_MONITOR_H
#define CGADDR_TOOL_MONITOR_H

/* cgaddr monitor: programs' bpf_trace_printk() messages, live. */
int do_monitor(int argc, char **argv);

#endif /* CGADDR_TOOL_MONITOR_H */
