/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommand tables and argument helpers.  An object ("prog", "cgroup")
 * has a table of commands; each command takes its own arguments as
 * bpftool's do: keywords followed by values.  Names match exactly or by
 * an unambiguous prefix.
 */
#ifndef CGADDR_TOOL_CMD_H
#define CGADDR_TOOL_CMD_H

#include <stdbool.h>
#include <stdint.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;	/* its lines of the object's usage text */
	bool dry_run;		/* takes --dry-run */
};

extern bool opt_help;

/*
 * Runs the command argv[0] of @cmds (NULL-name terminated); @def when
 * there is none (or NULL: usage error).  "help", --help and -h print
 * @usage (or the command's own usage) on stdout.
 */
int cmd_dispatch(const char *object, const struct cmd *cmds, const struct cmd *def,
		 const char *usage, int argc, char **argv);

/* Whether @arg is keyword @kw (exactly). */
bool is_kw(const char *arg, const char *kw);

/*
 * The value after the keyword at argv[*i], advancing *i past it; NULL
 * (with a message) when it is missing.
 */
const char *kw_value(int argc, char **argv, int *i);

/* An id argument (a positive u32); prints what is wrong. */
int parse_id(const char *what, const char *s, uint32_t *id);

#endif /* CGADDR_TOOL_CMD_H */
