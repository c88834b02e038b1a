/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cgroup path patterns of rules: freestanding, shared by the module and
 * the host tests (tests/rules).
 *
 * A pattern is a path relative to the cgroup2 root ("system.slice/nginx.service"),
 * matched component by component: in a component, '*' matches any run of
 * characters and '?' any one character (neither crosses a '/'); a
 * component that is exactly "**" matches any number of whole components,
 * none included.  Every other character stands for itself ('\' too:
 * systemd's unit names carry escapes such as "\x2d").
 */
#ifndef CGADDR_RULE_MATCH_H
#define CGADDR_RULE_MATCH_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

/* The longest pattern, its NUL included (CGADDR_RULE_PATTERN_LEN of the uapi). */
#define CGADDR_RULE_PATTERN_MAX	1024

/*
 * NULL if @pattern (NUL-terminated) is a valid pattern, else what is wrong
 * with it, as a message for the user.
 */
const char *cgaddr_rule_pattern_check(const char *pattern);

/* Whether @path (relative to the root, no leading '/') matches @pattern. */
bool cgaddr_rule_match(const char *pattern, const char *path);

#endif /* CGADDR_RULE_MATCH_H */
