/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From an object to programs ready to load: pick the programs, append
 * the subprograms each one calls, and resolve the relocations (calls,
 * function addresses and global data), as a static linker would.
 */
#ifndef CGADDR_TOOL_RELOC_H
#define CGADDR_TOOL_RELOC_H

#include <stdint.h>

#include "globals.h"
#include "obj.h"
#include "spec.h"
#include "types.h"

struct load_opts {
	const char *section;		/* only the programs of this section */
	const char *func;		/* only the program of this function */
	const char *name;		/* program name (one program only) */
	const struct attach_type *type;	/* instead of the section's type */
	struct obj_set *sets;		/* set NAME=VALUE, applied before building */
	uint32_t nsets;
};

/*
 * The selected programs of @obj, in the object's order, as a calloc()ed
 * array of @cnt specs (free each with spec_free(), then the array).
 */
int obj_build_progs(const struct obj *obj, const struct load_opts *opts,
		    struct prog_spec **specs, uint32_t *cnt);

#endif /* CGADDR_TOOL_RELOC_H */
