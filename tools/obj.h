/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A clang-compiled BPF object (ELF, ET_REL, EM_BPF), read with libelf
 * into a checked, neutral form: sections by kind, symbols, relocations
 * sorted by offset, and functions.  Every offset and index in it has been
 * bounds-checked, so the program builder (reloc.c) can trust it.
 */
#ifndef CGADDR_TOOL_OBJ_H
#define CGADDR_TOOL_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sec_kind {
	SEC_OTHER,	/* ignored: BTF, debug info, string tables, ... */
	SEC_PROG,	/* executable, not .text: programs, named for their hook */
	SEC_TEXT,	/* .text: subprograms */
	SEC_DATA,	/* .rodata*, .data*, .bss*: global data */
	SEC_MAPS,	/* .maps (BTF-defined), maps, maps/NAME: map definitions */
	SEC_LICENSE,	/* license */
	SEC_BTF,	/* .BTF: types, for BTF-defined maps */
};

/* A map the object defines (obj_maps.c). */
struct obj_map {
	char name[64];
	uint32_t sec;		/* its definition section */
	uint64_t off;		/* and offset there: where relocations point */
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
};

struct obj_reloc {
	uint32_t offset;	/* byte offset in the section */
	uint32_t sym;		/* index in obj->syms, < nsyms */
	uint32_t type;		/* R_BPF_* */
};

struct obj_sec {
	const char *name;
	enum sec_kind kind;
	const uint8_t *bytes;	/* NULL for SHT_NOBITS (.bss) */
	uint8_t *owned;		/* bytes, once copied to be changed (set NAME=VALUE) */
	uint32_t size;		/* bytes; a multiple of 8 for code */
	bool rdonly;		/* .rodata* */
	struct obj_reloc *relocs;	/* sorted by offset, no duplicates */
	uint32_t nrelocs;
};

struct obj_sym {
	const char *name;	/* "" for none; the section's name for STT_SECTION */
	uint32_t shndx;		/* a section index, or SHN_UNDEF/ABS/COMMON */
	uint64_t value;
	uint64_t size;
	uint8_t type;		/* STT_* */
	uint8_t bind;		/* STB_* */
};

struct obj_func {
	const char *name;
	uint32_t sec;		/* section index */
	uint32_t off;		/* first instruction, in instructions */
	uint32_t cnt;		/* instructions */
};

struct obj {
	char *path;
	uint8_t *image;			/* the file, owned */
	void *elf;			/* Elf * */
	struct obj_sec *secs;		/* indexed like the ELF sections */
	uint32_t nsecs;
	struct obj_sym *syms;
	uint32_t nsyms;
	struct obj_func *funcs;		/* sorted by (sec, off), disjoint */
	uint32_t nfuncs;
	const char *license;		/* NULL without a license section */
	uint32_t maps_sec;		/* a map definition section, or 0 */
	uint32_t btf_sec;		/* .BTF, or 0 */
	struct obj_map *maps;		/* every map definition, in section order */
	uint32_t nmaps;
};

int obj_open(const char *path, struct obj **objp);
/* Takes ownership of @image (malloc()ed) in all cases. */
int obj_open_image(const char *name, uint8_t *image, size_t size, struct obj **objp);
void obj_close(struct obj *obj);

/* The function containing instruction @insn of section @sec, or NULL. */
const struct obj_func *obj_func_at(const struct obj *obj, uint32_t sec, uint32_t insn);
/* The map defined at @off of section @sec, or NULL. */
const struct obj_map *obj_map_at(const struct obj *obj, uint32_t sec, uint64_t off);
/* The map named @name, or NULL. */
const struct obj_map *obj_map_by_name(const struct obj *obj, const char *name);
/* Reads the map definitions (obj_maps.c); called by obj_open(). */
int obj_read_maps(struct obj *obj);

/* The relocation at byte @offset of section @sec, or NULL. */
const struct obj_reloc *obj_reloc_at(const struct obj *obj, uint32_t sec, uint32_t offset);

#endif /* CGADDR_TOOL_OBJ_H */
