// SPDX-License-Identifier: GPL-2.0
/* A tiny JSON writer for -j output. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "util.h"

#define JSON_MAX_DEPTH 32

static struct {
	int depth;
	bool after_key;			/* the next value follows "key": */
	bool has_items[JSON_MAX_DEPTH];	/* a comma is due before the next item */
} jw;

static void json_newline(void)
{
	int i;

	if (!opt_pretty)
		return;
	putchar('\n');
	for (i = 0; i < jw.depth; i++)
		fputs("  ", stdout);
}

/* Separator and indentation before a value or a key. */
static void json_item(void)
{
	if (jw.after_key) {
		jw.after_key = false;
		return;
	}
	if (jw.depth > 0) {
		if (jw.has_items[jw.depth - 1])
			putchar(',');
		jw.has_items[jw.depth - 1] = true;
		json_newline();
	}
}

static void json_open(char c)
{
	json_item();
	putchar(c);
	if (jw.depth == JSON_MAX_DEPTH)
		abort();	/* a bug in the caller, not input */
	jw.has_items[jw.depth++] = false;
}

static void json_close(char c)
{
	bool had = jw.has_items[--jw.depth];

	if (had)
		json_newline();
	putchar(c);
}

void json_begin_object(void)
{
	json_open('{');
}

void json_end_object(void)
{
	json_close('}');
}

void json_begin_array(void)
{
	json_open('[');
}

void json_end_array(void)
{
	json_close(']');
}

static void json_quoted(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

void json_key(const char *key)
{
	json_item();
	json_quoted(key);
	putchar(':');
	if (opt_pretty)
		putchar(' ');
	jw.after_key = true;
}

void json_string(const char *s)
{
	json_item();
	json_quoted(s ? s : "");
}

void json_uint(uint64_t v)
{
	json_item();
	printf("%" PRIu64, v);
}

void json_int(int64_t v)
{
	json_item();
	printf("%" PRId64, v);
}

void json_bool(bool v)
{
	json_item();
	fputs(v ? "true" : "false", stdout);
}

void json_null(void)
{
	json_item();
	fputs("null", stdout);
}

void json_hex(const void *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = buf;
	size_t i;

	json_item();
	putchar('"');
	for (i = 0; i < len; i++) {
		putchar(digits[p[i] >> 4]);
		putchar(digits[p[i] & 15]);
	}
	putchar('"');
}

void json_kv_string(const char *key, const char *s)
{
	json_key(key);
	json_string(s);
}

void json_kv_uint(const char *key, uint64_t v)
{
	json_key(key);
	json_uint(v);
}

void json_kv_int(const char *key, int64_t v)
{
	json_key(key);
	json_int(v);
}

void json_kv_bool(const char *key, bool v)
{
	json_key(key);
	json_bool(v);
}

void json_finish(void)
{
	putchar('\n');
}
