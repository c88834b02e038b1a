// SPDX-License-Identifier: GPL-2.0
/* Setting global variables of an object before its programs are built. */
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "globals.h"
#include "util.h"

int obj_set_parse(char *arg, struct obj_set *set)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return usage_err("set: '%s' is not NAME=VALUE", arg);
	*eq = '\0';
	set->name = arg;
	set->value = eq + 1;
	return 0;
}

static bool is_global(const struct obj *obj, const struct obj_sym *s)
{
	return s->type == STT_OBJECT && s->shndx && s->shndx < obj->nsecs &&
	       obj->secs[s->shndx].kind == SEC_DATA;
}

/* The names that could have been meant, for the error message. */
static void list_globals(const struct obj *obj, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < obj->nsyms && off < len; i++)
		if (is_global(obj, &obj->syms[i]) && obj->syms[i].name[0])
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
					obj->syms[i].name);
}

static int find_global(const struct obj *obj, const char *name, const struct obj_sym **symp)
{
	const struct obj_sym *found = NULL;
	char list[512];
	uint32_t i;

	for (i = 0; i < obj->nsyms; i++) {
		const struct obj_sym *s = &obj->syms[i];

		if (strcmp(s->name, name) || s->type == STT_SECTION)
			continue;
		if (!is_global(obj, s)) {
			err("%s: set %s: '%s' is not a global variable in .rodata, .data or .bss",
			    obj->path, name, name);
			return -EINVAL;
		}
		if (found) {
			err("%s: set %s: two variables are named '%s'", obj->path, name, name);
			return -EINVAL;
		}
		found = s;
	}
	if (!found) {
		list_globals(obj, list, sizeof(list));
		err("%s: set %s: no global variable '%s' in the object (%s%s)", obj->path,
		    name, name, list[0] ? "its variables are: " : "it has none", list);
		return -ENOENT;
	}
	if (found->value > obj->secs[found->shndx].size ||
	    found->size > obj->secs[found->shndx].size - found->value) {
		err("%s: set %s: the variable lies outside section '%s'", obj->path, name,
		    obj->secs[found->shndx].name);
		return -EINVAL;
	}
	*symp = found;
	return 0;
}

/* An integer of @size bytes, signed or unsigned, little or big as the host. */
static int parse_int(const char *s, unsigned int size, uint8_t *out)
{
	unsigned int bits = size * 8;
	uint64_t u;
	char *end;

	errno = 0;
	if (s[0] == '-') {
		int64_t v = strtoll(s, &end, 0);
		int64_t min = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));

		if (errno || *end || end == s + 1 || v < min)
			return -ERANGE;
		u = (uint64_t)v;
	} else {
		u = strtoull(s, &end, 0);
		if (errno || *end || end == s || s[0] == '+' || s[0] == ' ' ||
		    (bits < 64 && u >> bits))
			return -ERANGE;
	}
	switch (size) {
	case 1: { uint8_t v = u; memcpy(out, &v, 1); break; }
	case 2: { uint16_t v = u; memcpy(out, &v, 2); break; }
	case 4: { uint32_t v = u; memcpy(out, &v, 4); break; }
	default: memcpy(out, &u, 8); break;
	}
	return 0;
}

static int parse_value(const struct obj *obj, const struct obj_set *set, unsigned int size,
		       uint8_t *out)
{
	if (size == 16 || strchr(set->value, ':')) {
		if (size == 16 && inet_pton(AF_INET6, set->value, out) == 1)
			return 0;
		err("%s: set %s=%s: %s", obj->path, set->name, set->value, size == 16 ?
		    "not an IPv6 address (the variable is 16 bytes)" :
		    "an IPv6 address needs a 16-byte variable");
		return -EINVAL;
	}
	if (strchr(set->value, '.')) {
		if (size == 4 && inet_pton(AF_INET, set->value, out) == 1)
			return 0;
		err("%s: set %s=%s: %s", obj->path, set->name, set->value, size == 4 ?
		    "not an IPv4 address (the variable is 4 bytes)" :
		    "an IPv4 address needs a 4-byte variable");
		return -EINVAL;
	}
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		err("%s: set %s: the variable is %u bytes; set takes integers of 1, 2, 4 or 8 "
		    "bytes, an IPv4 address for 4 bytes or an IPv6 address for 16", obj->path,
		    set->name, size);
		return -EINVAL;
	}
	if (parse_int(set->value, size, out)) {
		err("%s: set %s=%s: not an integer that fits in %u byte%s (-%" PRIu64 " .. %"
		    PRIu64 ")", obj->path, set->name, set->value, size, size > 1 ? "s" : "",
		    (uint64_t)1 << (size * 8 - 1),
		    size == 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1);
		return -ERANGE;
	}
	return 0;
}

/* The section's bytes, made writable (a copy; zeroes for .bss) on first use. */
static uint8_t *sec_writable(struct obj *obj, struct obj_sec *sec)
{
	if (sec->owned)
		return sec->owned;
	sec->owned = calloc(1, sec->size ? sec->size : 1);
	if (!sec->owned) {
		err("out of memory");
		return NULL;
	}
	if (sec->bytes)
		memcpy(sec->owned, sec->bytes, sec->size);
	sec->bytes = sec->owned;
	return sec->owned;
}

int obj_set_globals(struct obj *obj, const struct obj_set *sets, uint32_t cnt)
{
	uint8_t value[16], *bytes;
	const struct obj_sym *sym;
	uint32_t i;
	int ret;

	for (i = 0; i < cnt; i++) {
		ret = find_global(obj, sets[i].name, &sym);
		if (ret)
			return ret;
		if (sym->size > sizeof(value) || !sym->size) {
			err("%s: set %s: the variable is %" PRIu64 " bytes; set takes integers "
			    "of 1, 2, 4 or 8 bytes, an IPv4 address for 4 bytes or an IPv6 "
			    "address for 16", obj->path, sets[i].name, sym->size);
			return -EINVAL;
		}
		ret = parse_value(obj, &sets[i], sym->size, value);
		if (ret)
			return ret;
		bytes = sec_writable(obj, &obj->secs[sym->shndx]);
		if (!bytes)
			return -ENOMEM;
		memcpy(bytes + sym->value, value, sym->size);
	}
	return 0;
}
