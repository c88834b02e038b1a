/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny JSON writer for -j output, on stdout.  Objects and arrays nest;
 * commas, quoting and (with -p) indentation are taken care of.
 */
#ifndef CGADDR_TOOL_JSON_H
#define CGADDR_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void json_begin_object(void);
void json_end_object(void);
void json_begin_array(void);
void json_end_array(void);

/* The key of the next value, inside an object. */
void json_key(const char *key);

void json_string(const char *s);
void json_uint(uint64_t v);
void json_int(int64_t v);
void json_bool(bool v);
void json_null(void);
/* @len bytes as a string of lower-case hex digits. */
void json_hex(const void *buf, size_t len);

/* key + value shorthands. */
void json_kv_string(const char *key, const char *s);
void json_kv_uint(const char *key, uint64_t v);
void json_kv_int(const char *key, int64_t v);
void json_kv_bool(const char *key, bool v);

/* Ends the document with a newline (after the outermost value). */
void json_finish(void);

#endif /* CGADDR_TOOL_JSON_H */
