/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgaddr rule: policy for cgroups by path pattern, in force in the
 * cgroups that exist and in those made later (include/uapi/cgaddr.h,
 * "Rules").  Also the rule requests pin and run make.
 */
#ifndef CGADDR_TOOL_RULE_H
#define CGADDR_TOOL_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct rule_prog {
	uint32_t attach_type;
	uint32_t id;
	uint32_t flags;
};

struct rule_cgroup {
	uint64_t id;
	char *path;
};

struct rule_info {
	uint32_t id;
	char name[CGADDR_NAME_LEN];
	char *pattern;
	uint32_t nprogs;
	struct rule_prog progs[CGADDR_MAX_RULE_PROGS];
	uint32_t ncgroups;
	struct rule_cgroup *cgroups;
};

int do_rule(int argc, char **argv);

/*
 * The rule pattern a CGROUP argument names: a path relative to the cgroup2
 * mount as it is, an absolute path with the mount point taken off; the
 * pattern is checked as the module checks it.  A malloc()ed string, or
 * NULL with a message.
 */
char *rule_pattern_of(const char *arg);
/* Whether @s has a glob character ('*' or '?'). */
bool rule_is_glob(const char *s);

/* Every rule (a malloc()ed array); errors are printed. */
int rule_get_all(struct nl *nl, struct rule_info **rules, uint32_t *cnt);
void rule_free_all(struct rule_info *rules, uint32_t cnt);
/* The rule of @name with exactly @pattern, or NULL. */
const struct rule_info *rule_find(const struct rule_info *rules, uint32_t cnt,
				  const char *name, const char *pattern);

int rule_add(struct nl *nl, const char *pattern, const char *name, const struct rule_prog *progs,
	     uint32_t n, uint32_t *id, const char *what);
/* @name: the rule's new name, or NULL to keep it. */
int rule_replace(struct nl *nl, uint32_t id, const char *name, const struct rule_prog *progs,
		 uint32_t n, const char *what);
int rule_del(struct nl *nl, uint32_t id, const char *what);

/* Prints one rule: text, or a JSON object. */
void rule_print(const struct rule_info *r);

#endif /* CGADDR_TOOL_RULE_H */
