/* SPDX-License-Identifier: GPL-2.0 */
/* cgaddr prog: loading, listing, deleting and running programs. */
#ifndef CGADDR_TOOL_PROG_H
#define CGADDR_TOOL_PROG_H

#include <stdint.h>
#include <uapi/cgaddr.h>

#include "nl.h"
#include "spec.h"

struct prog_stats {
	uint64_t runs, allows, denies, rewrites, faults, budget_aborts, run_time_ns;
};

/* What CGADDR_CMD_PROG_GET tells about a program. */
struct prog_info {
	uint32_t id;
	uint32_t attach_type;
	uint32_t insn_cnt;
	uint32_t attach_cnt;
	uint64_t load_time;		/* ns since the epoch */
	char name[CGADDR_NAME_LEN];
	char license[CGADDR_LICENSE_LEN];
	struct prog_stats stats;
	uint32_t map_cnt;
	uint32_t map_ids[64];		/* the maps it uses, in its map table's order */
};

int do_prog(int argc, char **argv);

/*
 * Loads one program; its id in *@id.  The one path for every program,
 * from an object or generated.  @what prefixes error messages.
 */
int prog_load_spec(struct nl *nl, const struct prog_spec *spec, const char *what, uint32_t *id);
int prog_delete(struct nl *nl, uint32_t id, const char *what);

/* One program, or all of them (a malloc()ed array); errors are printed. */
int prog_get(struct nl *nl, uint32_t id, struct prog_info *info, const char *what);
int prog_get_all(struct nl *nl, struct prog_info **progs, uint32_t *cnt);
/* The name of program @id in @progs, or "?" */
const char *prog_name_in(const struct prog_info *progs, uint32_t cnt, uint32_t id);

#endif /* CGADDR_TOOL_PROG_H */
