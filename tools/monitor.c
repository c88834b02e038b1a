// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr monitor: print the bpf_trace_printk() messages of programs as
 * they happen, from the module's "monitor" multicast group.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json.h"
#include "monitor.h"
#include "nl.h"
#include "util.h"

static const char monitor_usage[] =
"Usage: cgaddr monitor [--count N] [--timeout SECONDS]\n"
"\n"
"Print the bpf_trace_printk() messages of programs as they happen, one line\n"
"each: the program's id, the pid and command of the task whose socket call\n"
"ran it, and the text.  Runs until interrupted (Ctrl-C), until N messages\n"
"were printed (--count), or until SECONDS passed (--timeout; the exit status\n"
"is then 0 if --count was not given or was reached, else 1).  With -j, one\n"
"JSON object per line.  Needs CAP_NET_ADMIN (on 5.10 kernels, anyone may\n"
"listen).  The kernel log gets the same messages, rate-limited.\n";

struct monitor {
	uint64_t count;		/* 0: no limit */
	uint64_t seen;
};

static int monitor_event(const nl_attrs_t tb, void *arg)
{
	struct monitor *mon = arg;
	const char *text, *comm;
	uint32_t id, pid;
	size_t len;

	if (!tb[CGADDR_A_TRACE_TEXT])
		return 0;	/* another kind of event */
	text = nl_str(tb[CGADDR_A_TRACE_TEXT]);
	comm = tb[CGADDR_A_TRACE_COMM] ? nl_str(tb[CGADDR_A_TRACE_COMM]) : "";
	id = tb[CGADDR_A_PROG_ID] ? nl_u32(tb[CGADDR_A_PROG_ID]) : 0;
	pid = tb[CGADDR_A_TRACE_PID] ? nl_u32(tb[CGADDR_A_TRACE_PID]) : 0;
	if (opt_json) {
		json_begin_object();
		json_kv_uint("prog_id", id);
		json_kv_uint("pid", pid);
		json_kv_string("comm", comm);
		json_kv_string("text", text);
		json_end_object();
		json_finish();
	} else {
		len = strlen(text);
		if (len && text[len - 1] == '\n')
			len--;
		printf("prog %u pid %u comm %s: %.*s\n", id, pid, comm, (int)len, text);
	}
	fflush(stdout);
	mon->seen++;
	return mon->count && mon->seen >= mon->count ? 1 : 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int do_monitor(int argc, char **argv)
{
	struct monitor mon = { 0 };
	uint64_t timeout = 0;
	int64_t deadline = 0;
	struct nl *nl;
	int i, ret;

	if (opt_help || (argc && !strcmp(argv[0], "help"))) {
		fputs(monitor_usage, stdout);
		return 0;
	}
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_uint(argv[++i], UINT32_MAX, &mon.count) || !mon.count)
				return usage_err("monitor: invalid --count '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (parse_uint(argv[++i], 86400 * 365, &timeout) || !timeout)
				return usage_err("monitor: invalid --timeout '%s'", argv[i]);
		} else {
			return usage_err("monitor: unexpected '%s'; see: cgaddr monitor --help",
					 argv[i]);
		}
	}
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = nl_subscribe_monitor(nl);
	if (timeout)
		deadline = now_ms() + (int64_t)timeout * 1000;
	while (!ret) {
		int wait = -1;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				ret = -ETIMEDOUT;
				break;
			}
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		ret = nl_wait_event(nl, wait, monitor_event, &mon);
		if (ret == -ETIMEDOUT && !deadline)
			ret = 0;
	}
	nl_close(nl);
	if (ret == 1)
		return 0;		/* --count reached */
	if (ret == -ETIMEDOUT)
		return mon.count ? 1 : 0;	/* --count not reached in time */
	if (ret < 0 && ret != -EOPNOTSUPP && ret != -EPERM)
		err("monitor: %s", strerror(-ret));
	return 1;
}
