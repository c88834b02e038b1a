// SPDX-License-Identifier: GPL-2.0
/* Subcommand dispatch and argument helpers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

bool opt_help;

static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static const struct cmd *cmd_find(const char *object, const struct cmd *cmds, const char *name)
{
	const struct cmd *c, *found = NULL;

	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	for (c = cmds; c->name; c++) {
		if (!is_prefix(name, c->name))
			continue;
		if (found) {
			err("%s: '%s' is ambiguous ('%s' or '%s'?)", object, name, found->name,
			    c->name);
			return NULL;
		}
		found = c;
	}
	if (!found)
		err("%s: unknown command '%s'; see: cgaddr %s help", object, name, object);
	return found;
}

int cmd_dispatch(const char *object, const struct cmd *cmds, const struct cmd *def,
		 const char *usage, int argc, char **argv)
{
	const struct cmd *c;

	if ((argc && is_help(argv[0])) || (!argc && opt_help)) {
		fputs(usage, stdout);
		return 0;
	}
	if (!argc && !def) {
		fputs(usage, stderr);
		return usage_err("%s: a command is needed", object);
	}
	c = argc ? cmd_find(object, cmds, argv[0]) : def;
	if (!c)
		return -EINVAL;
	if (opt_help) {
		printf("Usage: %s", c->usage);
		return 0;
	}
	if (opt_dry_run && !c->dry_run)
		return usage_err("%s %s: --dry-run does not apply", object, c->name);
	return c->fn(argc ? argc - 1 : 0, argc ? argv + 1 : argv);
}

bool is_kw(const char *arg, const char *kw)
{
	return !strcmp(arg, kw);
}

const char *kw_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		usage_err("'%s' needs a value", argv[*i]);
		return NULL;
	}
	*i += 1;
	return argv[*i];
}

int parse_id(const char *what, const char *s, uint32_t *id)
{
	if (parse_u32(s, id) || !*id)
		return usage_err("%s: '%s' is not a valid id (a positive number)", what, s);
	return 0;
}
