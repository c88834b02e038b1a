/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr map: the module's maps; and creating an object's maps at load. */
#ifndef CGADDR_TOOL_MAP_H
#define CGADDR_TOOL_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <uapi/cgaddr.h>

#include "nl.h"
#include "spec.h"

/* What CGADDR_CMD_MAP_GET tells about a map. */
struct map_info {
	uint32_t id, type, key_size, value_size, max_entries, flags;
	uint32_t entries, prog_cnt, ncpus;
	uint64_t memory;
	bool handle;
	char name[CGADDR_NAME_LEN];
};

int do_map(int argc, char **argv);

/* "hash", "array", ... or "type N" in @buf. */
const char *map_type_str(uint32_t type, char *buf, size_t len);
/* A type by name ("hash", "lru_hash", "BPF_MAP_TYPE_HASH") or number; -EINVAL. */
int map_type_parse(const char *s, uint32_t *type);

int map_create(struct nl *nl, const struct prog_map *def, uint32_t *id, const char *what);
/* Drops the creator's handle (MAP_DEL). */
int map_drop(struct nl *nl, uint32_t id, const char *what);
int map_get(struct nl *nl, uint32_t id, struct map_info *info, const char *what);

/* A 'map NAME=ID' of prog load: use map ID for the object's map NAME. */
struct map_reuse {
	const char *name;
	uint32_t id;
};

/*
 * Gives every map of @specs an id: the reused one, or a new map created
 * once per object map (the programs of one object share it).  The ids of
 * the maps created are appended to @created (SPEC_MAX_MAPS room).
 */
int maps_prepare(struct nl *nl, struct prog_spec *specs, uint32_t cnt,
		 const struct map_reuse *reuse, uint32_t nreuse,
		 uint32_t *created, uint32_t *ncreated);

/* Parses "NAME=ID" of 'map NAME=ID'. */
int map_reuse_parse(const char *s, struct map_reuse *r);

/*
 * A key or value argument: hex bytes ("50 00 00 00", "0x50000000"), or
 * u8:N, u16:N, u32:N, u64:N (host byte order), be16:N, be32:N (network).
 */
int map_parse_bytes(const char *what, const char *s, uint8_t *buf, size_t max, size_t *len);

#endif /* CGADDR_TOOL_MAP_H */
