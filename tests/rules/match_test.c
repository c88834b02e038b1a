// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of rule patterns (module/rule_match.c): validation and
 * matching, under ASan/UBSan.
 */
#include <stdlib.h>
#include <string.h>

#include "rule_match.h"
#include "../check.h"

static void match(const char *pattern, const char *path, bool want)
{
	CHECK(cgaddr_rule_pattern_check(pattern) == NULL, "'%s' refused: %s", pattern,
	      cgaddr_rule_pattern_check(pattern));
	CHECK(cgaddr_rule_match(pattern, path) == want, "'%s' vs '%s': %s, expected %s",
	      pattern, path, want ? "no match" : "match", want ? "a match" : "none");
}

static void refused(const char *pattern, const char *why)
{
	const char *msg = cgaddr_rule_pattern_check(pattern);

	CHECK(msg && strstr(msg, why), "'%s': '%s', expected a message with '%s'", pattern,
	      msg ? msg : "(accepted)", why);
}

int main(void)
{
	char *longp;

	/* Exact paths. */
	match("web", "web", true);
	match("web", "web2", false);
	match("web", "we", false);
	match("web", "web/sub", false);
	match("web/sub", "web", false);
	match("system.slice/nginx.service", "system.slice/nginx.service", true);
	match("system.slice/nginx.service", "system.slice/nginx.servicex", false);
	match("system-getty.slice/getty@tty1.service", "system-getty.slice/getty@tty1.service", true);
	match("a\\x2db.service", "a\\x2db.service", true);	/* '\' is literal */
	match("a\\x2db.service", "a-b.service", false);

	/* '*' and '?' within one component. */
	match("system.slice/web@*.service", "system.slice/web@1.service", true);
	match("system.slice/web@*.service", "system.slice/web@.service", true);
	match("system.slice/web@*.service", "system.slice/web@a/b.service", false);
	match("system.slice/web@*.service", "system.slice/web@1.service/sub", false);
	match("system.slice/web@*.service", "system.slice/db@1.service", false);
	match("*", "anything", true);
	match("*", "a/b", false);
	match("*/*", "a/b", true);
	match("*/*", "a", false);
	match("web?", "web1", true);
	match("web?", "web", false);
	match("web?", "web12", false);
	match("w*b*c", "wxbyc", true);
	match("w*b*c", "wxbybc", true);
	match("w*b*c", "wxbycd", false);
	match("*.service", ".service", true);
	match("a*", "a", true);
	match("**", "a/b/c", true);
	match("**", "a", true);

	/* "**": any number of whole components. */
	match("user.slice/**/app.scope", "user.slice/app.scope", true);
	match("user.slice/**/app.scope", "user.slice/u-1000.slice/app.scope", true);
	match("user.slice/**/app.scope", "user.slice/a/b/c/app.scope", true);
	match("user.slice/**/app.scope", "user.slice/a/b/c/app.scope/x", false);
	match("user.slice/**/app.scope", "system.slice/app.scope", false);
	match("user.slice/**", "user.slice", true);
	match("user.slice/**", "user.slice/x/y", true);
	match("user.slice/**", "user.slicex", false);
	match("**/*.scope", "a/b/run-1.scope", true);
	match("**/*.scope", "run-1.scope", true);
	match("**/*.scope", "a/b/run-1.service", false);
	match("a/**/**/b", "a/b", true);
	match("a/**/**/b", "a/x/y/b", true);

	/* Refused patterns, with the reason. */
	refused("", "empty");
	refused("/web", "relative");
	refused("web/", "empty component");
	refused("a//b", "empty component");
	refused("a/./b", "'.'");
	refused("a/../b", "'..'");
	refused("..", "'..'");
	refused("a**", "whole component");
	refused("a/b**c/d", "whole component");
	longp = malloc(CGADDR_RULE_PATTERN_MAX + 2);
	memset(longp, 'x', CGADDR_RULE_PATTERN_MAX + 1);
	longp[CGADDR_RULE_PATTERN_MAX + 1] = '\0';
	refused(longp, "too long");
	longp[CGADDR_RULE_PATTERN_MAX - 1] = '\0';
	CHECK(cgaddr_rule_pattern_check(longp) == NULL, "a pattern of the largest size refused");
	free(longp);

	printf("rule_match: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
