// SPDX-License-Identifier: GPL-2.0
/*
 * A strict JSON checker for the tests of cgaddr -j output.
 *
 *   jsoncheck [PATH] < FILE
 *
 * Exits 0 if stdin holds exactly one JSON value (and whitespace), 1
 * otherwise.  With PATH (".0.insns.5.src": object keys and array indexes
 * separated by dots, "." for the whole document), prints the value found
 * there as it is written (strings without their quotes, unescaped only
 * for \" and \\), or exits 1 if there is none.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p, *query;
static char path[4096];
static bool found;

static bool value(size_t plen);

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static void emit(const char *start, const char *end, bool string)
{
	if (found || !query || strcmp(path, query))
		return;
	found = true;
	if (string) {
		for (start++, end--; start < end; start++) {
			if (*start == '\\' && (start[1] == '"' || start[1] == '\\'))
				start++;
			putchar(*start);
		}
	} else {
		fwrite(start, 1, end - start, stdout);
	}
	putchar('\n');
}

static bool string(void)
{
	if (*p++ != '"')
		return false;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return false;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return false;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return false;
			}
		}
		p++;
	}
	p++;
	return true;
}

static bool number(void)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return true;
}

/* Appends ".key" to the path, returning its old length. */
static size_t push(const char *s, size_t len, size_t plen)
{
	if (plen + len + 2 < sizeof(path)) {
		path[plen] = '.';
		memcpy(path + plen + 1, s, len);
		path[plen + 1 + len] = '\0';
	}
	return plen;
}

static bool object(size_t plen)
{
	const char *key;

	p++;
	ws();
	if (*p == '}') {
		p++;
		return true;
	}
	for (;;) {
		ws();
		key = p;
		if (!string())
			return false;
		push(key + 1, p - key - 2, plen);
		ws();
		if (*p++ != ':' || !value(strlen(path)))
			return false;
		path[plen] = '\0';
		ws();
		if (*p == '}') {
			p++;
			return true;
		}
		if (*p++ != ',')
			return false;
	}
}

static bool array(size_t plen)
{
	char idx[24];
	unsigned long i = 0;

	p++;
	ws();
	if (*p == ']') {
		p++;
		return true;
	}
	for (;; i++) {
		snprintf(idx, sizeof(idx), "%lu", i);
		push(idx, strlen(idx), plen);
		if (!value(strlen(path)))
			return false;
		path[plen] = '\0';
		ws();
		if (*p == ']') {
			p++;
			return true;
		}
		if (*p++ != ',')
			return false;
	}
}

static bool value(size_t plen)
{
	const char *start;
	bool ok;

	ws();
	start = p;
	if (*p == '{')
		ok = object(plen);
	else if (*p == '[')
		ok = array(plen);
	else if (*p == '"')
		ok = string();
	else if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		ok = (p += 4, true);
	else if (!strncmp(p, "false", 5))
		ok = (p += 5, true);
	else
		ok = number();
	if (ok)
		emit(start, p, *start == '"');
	return ok;
}

int main(int argc, char **argv)
{
	static char buf[1 << 24];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);

	buf[n] = '\0';
	if (strlen(buf) != n)
		return 1;
	query = argc > 1 ? argv[1] : NULL;
	if (query && !strcmp(query, "."))
		query = "";
	p = buf;
	if (!value(0))
		return 1;
	ws();
	if (*p)
		return 1;
	return query && !found ? 1 : 0;
}
