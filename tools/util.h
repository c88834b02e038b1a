/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the cgaddr tool: error reporting, number and
 * keyword parsing, hex, files.
 *
 * Convention: the function that detects an error prints it (err()) and
 * returns a negative errno; callers only propagate it.  main() turns any
 * error into exit status 1.
 */
#ifndef CGADDR_TOOL_UTIL_H
#define CGADDR_TOOL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef CGADDR_TOOL_VERSION
#define CGADDR_TOOL_VERSION "unknown"
#endif

/* Global options. */
extern bool opt_json;
extern bool opt_pretty;
extern bool opt_dry_run;

/*
 * "cgaddr: <message>\n" on stderr; "cgaddr: <err_context>: <message>\n"
 * while err_context is set (cgaddr apply: "FILE:LINE").
 */
extern const char *err_context;
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints like err() and returns -EINVAL: for usage errors. */
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Unsigned decimal, 0x hex or 0 octal, the whole string, within @max. */
int parse_uint(const char *s, uint64_t max, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);

/* Whether @arg is a non-empty prefix of @word. */
bool is_prefix(const char *arg, const char *word);

/* Hex digits (whitespace, ':' and '-' ignored) into at most @max bytes. */
int hex_decode(const char *s, uint8_t *buf, size_t max, size_t *len);
/* Lower-case hex of @len bytes into @out (2 * len + 1 bytes). */
void hex_encode(const void *buf, size_t len, char *out);

/* The whole file, at most @max bytes, in a malloc()ed buffer. */
int read_file(const char *path, size_t max, uint8_t **buf, size_t *size);

/* "2024-05-01T10:00:00Z" for nanoseconds since the epoch. */
void format_time_ns(uint64_t ns, char *buf, size_t len);

#endif /* CGADDR_TOOL_UTIL_H */
