// SPDX-License-Identifier: GPL-2.0
/*
 * Where bpf_trace_printk() text goes.  Natively it is the trace buffer
 * (trace_pipe); cgaddr has no tracepoint of its own to offer, so each
 * message goes to the kernel log, rate-limited so that a program printing
 * on every socket call cannot flood it, and to the monitor multicast
 * group of the netlink family (`cgaddr monitor`), which is not.
 */
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>

#include "monitor.h"
#include "netlink.h"

/* The kernel's printk_ratelimited() defaults: 10 messages per 5 s. */
static DEFINE_RATELIMIT_STATE(cgaddr_trace_rs, 5 * HZ, 10);

void cgaddr_monitor_trace(u32 prog_id, const char *text, u32 len)
{
	/* One line in the log: the text's own final newline is dropped. */
	int n = len && text[len - 1] == '\n' ? len - 1 : len;

	if (__ratelimit(&cgaddr_trace_rs))
		pr_info("prog %u pid %d (%s): %.*s\n", prog_id, task_tgid_nr(current),
			current->comm, n, text);
	cgaddr_netlink_trace(prog_id, text);
}
