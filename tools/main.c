// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr: the command-line tool of the cgaddr module.
 *
 *   cgaddr [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * Global options may appear anywhere before a "--"; everything else is
 * left to the object's commands, in order.  Exit status: 0, or 1 for any
 * error (with a message on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cgroup.h"
#include "cmd.h"
#include "info.h"
#include "monitor.h"
#include "pin.h"
#include "map.h"
#include "prog.h"
#include "rule.h"
#include "run_cmd.h"
#include "util.h"

static const char main_usage[] =
"Usage: cgaddr [OPTIONS] OBJECT COMMAND [ARGS]...\n"
"\n"
"Cgroup sock_addr programs (bind, connect, sendmsg, recvmsg, getpeername,\n"
"getsockname address rewriting) on kernels without BPF, through the cgaddr\n"
"module.\n"
"\n"
"  cgaddr prog help       programs: load, dump, list, show, del, run\n"
"  cgaddr cgroup help     attachments: attach, detach, show, tree\n"
"  cgaddr map help        maps: list, show, create, del, lookup, update, delete, dump\n"
"  cgaddr rule help       rules: programs for cgroups by path, made now or later\n"
"  cgaddr pin --help      pin cgroups to addresses: pin, pin --show, unpin\n"
"  cgaddr run --help      run a command in a new cgroup pinned to addresses\n"
"  cgaddr apply --help    make the policy match /etc/cgaddr.d/*.conf\n"
"  cgaddr monitor         programs' bpf_trace_printk() messages, live\n"
"  cgaddr info            what the loaded module supports\n"
"  cgaddr version         versions of the tool and of the module\n"
"\n"
"OPTIONS:\n"
"  -j, --json             JSON output\n"
"  -p, --pretty           indented JSON output (implies --json)\n"
"  -h, --help             usage (also: cgaddr OBJECT COMMAND --help)\n"
"  -V, --version          the tool's version\n"
"\n"
"Objects and commands may be abbreviated (cgaddr c t = cgaddr cgroup tree),\n"
"except pin, unpin, apply and run.\n"
"Changing policy (load, del, attach, detach, run) needs CAP_NET_ADMIN.\n"
"CGADDR_DEBUG=1 in the environment prints the netlink messages.\n";

static int do_help(int argc, char **argv)
{
	fputs(main_usage, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	bool exact;		/* not abbreviated: it changes policy at once */
} objects[] = {
	{ "prog", do_prog, false },
	{ "cgroup", do_cgroup, false },
	{ "map", do_map, false },
	{ "rule", do_rule, false },
	{ "info", do_info, false },
	{ "monitor", do_monitor, false },
	{ "version", do_version, false },
	{ "help", do_help, false },
	{ "pin", do_pin, true },
	{ "unpin", do_unpin, true },
	{ "apply", do_apply, true },
	{ "run", do_run, true },
};

static int run_object(int argc, char **argv)
{
	int found = -1;
	size_t i;

	if (!argc) {
		if (opt_help)
			return do_help(0, NULL);
		fputs(main_usage, stderr);
		return usage_err("an object is needed");
	}
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		if (objects[i].exact || !is_prefix(argv[0], objects[i].name))
			continue;
		if (found >= 0)
			return usage_err("'%s' is ambiguous ('%s' or '%s'?)", argv[0],
					 objects[found].name, objects[i].name);
		found = i;
	}
	if (found < 0)
		return usage_err("unknown object '%s'; see: cgaddr help", argv[0]);
	return objects[found].fn(argc - 1, argv + 1);
}

/* Removes a global option from argv; returns false if @arg is none. */
static bool global_option(const char *arg, bool *version)
{
	const char *p;

	if (!strcmp(arg, "--json")) {
		opt_json = true;
	} else if (!strcmp(arg, "--pretty")) {
		opt_json = opt_pretty = true;
	} else if (!strcmp(arg, "--help")) {
		opt_help = true;
	} else if (!strcmp(arg, "--version")) {
		*version = true;
	} else if (!strcmp(arg, "--dry-run")) {
		opt_dry_run = true;
	} else if (arg[0] == '-' && arg[1] && arg[1] != '-' &&
		   strspn(arg + 1, "jphV") == strlen(arg + 1)) {
		for (p = arg + 1; *p; p++) {
			if (*p == 'j')
				opt_json = true;
			else if (*p == 'p')
				opt_json = opt_pretty = true;
			else if (*p == 'h')
				opt_help = true;
			else
				*version = true;
		}
	} else {
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	bool version = false, dashdash = false;
	int i, n = 0, ret;

	/* Take the global options out, wherever they are before "--". */
	for (i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
			continue;
		}
		if (dashdash || !global_option(argv[i], &version))
			argv[n++] = argv[i];
	}
	argv[n] = NULL;		/* cgaddr run executes the rest */
	if (version) {
		printf("cgaddr %s\n", CGADDR_TOOL_VERSION);
		return 0;
	}
	if (n && argv[0][0] == '-' && argv[0][1])
		ret = usage_err("unknown option '%s'; see: cgaddr --help", argv[0]);
	else
		ret = run_object(n, argv);
	if (fflush(stdout) && !ret) {
		err("cannot write the output: %s", strerror(errno));
		ret = -EIO;
	}
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
