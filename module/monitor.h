/* SPDX-License-Identifier: GPL-2.0 */
/* bpf_trace_printk() output: the kernel log and the monitor group. */
#ifndef CGADDR_MONITOR_H
#define CGADDR_MONITOR_H

#include <linux/types.h>

/* @text is NUL-terminated, @len bytes long; any context. */
void cgaddr_monitor_trace(u32 prog_id, const char *text, u32 len);

#endif /* CGADDR_MONITOR_H */
