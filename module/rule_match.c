// SPDX-License-Identifier: GPL-2.0
/*
 * Matching cgroup paths against rule patterns (rule_match.h).  No
 * recursion deeper than the number of "**" components, no allocation:
 * the module runs this under cgroup_mutex when a cgroup is made.
 */
#include "rule_match.h"

/* Length of the component starting at @s (up to '/' or the end). */
static size_t comp_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != '/')
		n++;
	return n;
}

/* One component against one pattern component, '*' and '?' inside it. */
static bool comp_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	/* Greedy with backtracking to the last '*': linear in practice. */
	while (si < slen) {
		if (pi < plen && (p[pi] == '?' || (p[pi] != '*' && p[pi] == s[si]))) {
			pi++;
			si++;
		} else if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

static bool is_globstar(const char *p, size_t plen)
{
	return plen == 2 && p[0] == '*' && p[1] == '*';
}

bool cgaddr_rule_match(const char *pattern, const char *path)
{
	size_t plen, slen;

	for (;;) {
		if (!*pattern)
			return !*path;
		plen = comp_len(pattern);
		if (is_globstar(pattern, plen)) {
			const char *rest = pattern + plen + (pattern[plen] == '/');

			/* "**" takes none, one, two, ... components of the path. */
			for (;;) {
				if (cgaddr_rule_match(rest, path))
					return true;
				if (!*path)
					return false;
				slen = comp_len(path);
				path += slen + (path[slen] == '/');
			}
		}
		if (!*path)
			return false;
		slen = comp_len(path);
		if (!comp_match(pattern, plen, path, slen))
			return false;
		pattern += plen + (pattern[plen] == '/');
		path += slen + (path[slen] == '/');
	}
}

const char *cgaddr_rule_pattern_check(const char *pattern)
{
	const char *c = pattern;
	size_t n, total = 0;

	if (!*pattern)
		return "the pattern is empty (the root cgroup cannot have a rule)";
	if (*pattern == '/')
		return "the pattern must be relative to the cgroup2 root (no leading '/')";
	while (*c) {
		n = comp_len(c);
		if (n == 0)
			return "the pattern has an empty component ('//' or a trailing '/')";
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return "the pattern has a '.' or '..' component";
		if (!is_globstar(c, n)) {
			size_t i;

			for (i = 0; i + 1 < n; i++)
				if (c[i] == '*' && c[i + 1] == '*')
					return "'**' must be a whole component (a/**/b), not part of one";
		}
		total += n + 1;
		c += n;
		if (*c == '/') {
			c++;
			if (!*c)
				return "the pattern has an empty component ('//' or a trailing '/')";
		}
	}
	if (total > CGADDR_RULE_PATTERN_MAX)
		return "the pattern is too long";
	return NULL;
}
