/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A program ready to load: instructions, attach type, name, license and
 * global-data sections, exactly what CGADDR_CMD_PROG_LOAD takes.  The ELF
 * loader produces these from objects; generated programs (cgaddr pin)
 * build them directly.  Loading one is prog_load_spec() in prog.h.
 */
#ifndef CGADDR_TOOL_SPEC_H
#define CGADDR_TOOL_SPEC_H

#include <linux/bpf.h>
#include <stdint.h>
#include <uapi/cgaddr.h>

/* Longest global-data section name the module takes (without the NUL). */
#define SPEC_DATA_NAME_MAX	63

struct prog_data {
	char name[SPEC_DATA_NAME_MAX + 1];	/* ".rodata", ".bss", ... */
	uint8_t *bytes;				/* size bytes (zeros for .bss) */
	uint32_t size;
	uint32_t flags;				/* CGADDR_DATA_F_* */
};

/* Maps a program may use (CGADDR_VM_MAX_MAPS). */
#define SPEC_MAX_MAPS	64

/* A map of the program's map table: its definition, or an existing map. */
struct prog_map {
	char name[64];
	uint32_t obj_idx;	/* index among the object's maps: shared by its programs */
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t id;		/* the module's map id, set before loading */
};

struct prog_spec {
	char name[CGADDR_NAME_LEN];
	char license[CGADDR_LICENSE_LEN];
	char *section;		/* where it came from, for messages; may be NULL */
	uint32_t attach_type;	/* enum bpf_attach_type */
	uint32_t flags;		/* CGADDR_PROG_F_* */
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	struct prog_data data[CGADDR_MAX_DATA];
	uint32_t data_cnt;	/* data[n] is section n for BPF_PSEUDO_MAP_VALUE */
	struct prog_map *maps;	/* maps[n] is map n for BPF_PSEUDO_MAP_IDX (calloc()ed) */
	uint32_t map_cnt;
};

/* Name and license are truncated to fit; the rest is zeroed. */
int spec_init(struct prog_spec *spec, const char *name, const char *license,
	      uint32_t attach_type, const char *section);
/* Copies @cnt instructions. */
int spec_set_insns(struct prog_spec *spec, const struct bpf_insn *insns, uint32_t cnt);
/*
 * Appends a data section (a copy of @bytes, or zeros when NULL) and
 * returns its index, or a negative errno.
 */
int spec_add_data(struct prog_spec *spec, const char *name, const void *bytes,
		  uint32_t size, uint32_t flags);
void spec_free(struct prog_spec *spec);

/* The --dry-run view: text, or JSON with -j (one object). */
void spec_print(const struct prog_spec *spec);

#endif /* CGADDR_TOOL_SPEC_H */
