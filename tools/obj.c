// SPDX-License-Identifier: GPL-2.0
/*
 * Reading BPF objects with libelf.  Nothing here trusts the file: every
 * section, symbol and relocation is checked before it is recorded.
 */
#include <endian.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/cgaddr.h>

#include "obj.h"
#include "util.h"

#define OBJ_MAX_FILE	(256U << 20)
#define INSN_SZ		8

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define HOST_ELFDATA	ELFDATA2LSB
#define HOST_ORDER	"little-endian"
#define OTHER_ORDER	"big-endian"
#define HOST_TARGET	"bpfel"
#else
#define HOST_ELFDATA	ELFDATA2MSB
#define HOST_ORDER	"big-endian"
#define OTHER_ORDER	"little-endian"
#define HOST_TARGET	"bpfeb"
#endif

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int obj_check_header(struct obj *obj, Elf *elf)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err("%s: not an ELF file", obj->path);
		return -EINVAL;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
		err("%s: not a 64-bit ELF object (compile with clang -target bpf)", obj->path);
		return -EINVAL;
	}
	if (eh.e_machine != EM_BPF) {
		err("%s: not a BPF object (machine %u; compile with clang -target bpf)",
		    obj->path, eh.e_machine);
		return -EINVAL;
	}
	if (eh.e_ident[EI_DATA] != HOST_ELFDATA) {
		err("%s: the object is " OTHER_ORDER " but this host is " HOST_ORDER
		    " (compile with clang -target " HOST_TARGET ")", obj->path);
		return -EINVAL;
	}
	if (eh.e_type != ET_REL) {
		err("%s: not a relocatable object (ELF type %u; compile with clang -c)",
		    obj->path, eh.e_type);
		return -EINVAL;
	}
	return 0;
}

static enum sec_kind sec_classify(const char *name, const GElf_Shdr *sh, bool *rdonly)
{
	*rdonly = false;
	if (sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR))
		return strcmp(name, ".text") ? SEC_PROG : SEC_TEXT;
	if (sh->sh_type != SHT_PROGBITS && sh->sh_type != SHT_NOBITS)
		return SEC_OTHER;
	if (!strcmp(name, "license"))
		return SEC_LICENSE;
	if (!strcmp(name, ".maps") || !strcmp(name, "maps") || has_prefix(name, "maps/"))
		return SEC_MAPS;
	if (!strcmp(name, ".BTF"))
		return SEC_BTF;
	if (!(sh->sh_flags & SHF_ALLOC))
		return SEC_OTHER;
	if (has_prefix(name, ".rodata")) {
		*rdonly = true;
		return SEC_DATA;
	}
	if (has_prefix(name, ".data") || has_prefix(name, ".bss"))
		return SEC_DATA;
	return SEC_OTHER;
}

/* Records one section; *@symidx is set at the symbol table. */
static int obj_read_section(struct obj *obj, Elf *elf, size_t shstrndx, size_t idx,
			    size_t *symidx)
{
	struct obj_sec *sec = &obj->secs[idx];
	Elf_Scn *scn = elf_getscn(elf, idx);
	Elf_Data *data;
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh)) {
		err("%s: section %zu: bad section header", obj->path, idx);
		return -EINVAL;
	}
	sec->name = elf_strptr(elf, shstrndx, sh.sh_name);
	if (!sec->name) {
		err("%s: section %zu: bad name", obj->path, idx);
		return -EINVAL;
	}
	if (sh.sh_type == SHT_SYMTAB) {
		if (*symidx) {
			err("%s: more than one symbol table", obj->path);
			return -EINVAL;
		}
		*symidx = idx;
	}
	sec->kind = sec_classify(sec->name, &sh, &sec->rdonly);
	if (sec->kind == SEC_OTHER)
		return 0;
	if (sh.sh_size > UINT32_MAX) {
		err("%s: section '%s' is too large", obj->path, sec->name);
		return -EFBIG;
	}
	sec->size = sh.sh_size;
	if (sh.sh_type == SHT_NOBITS)
		return 0;
	data = elf_getdata(scn, NULL);
	if (!data || data->d_size != sh.sh_size || (sh.sh_size && !data->d_buf)) {
		err("%s: section '%s' is truncated or unreadable", obj->path, sec->name);
		return -EINVAL;
	}
	sec->bytes = data->d_buf;
	if ((sec->kind == SEC_PROG || sec->kind == SEC_TEXT) && sec->size % INSN_SZ) {
		err("%s: section '%s': size %u is not a multiple of 8 (one instruction)",
		    obj->path, sec->name, sec->size);
		return -EINVAL;
	}
	return 0;
}

static int obj_read_symbols(struct obj *obj, Elf *elf, size_t symidx)
{
	Elf_Scn *scn = elf_getscn(elf, symidx);
	Elf_Data *data;
	GElf_Shdr sh;
	size_t i, n;

	if (!scn || !gelf_getshdr(scn, &sh) || !(data = elf_getdata(scn, NULL)) ||
	    sh.sh_entsize != sizeof(Elf64_Sym)) {
		err("%s: the symbol table is unreadable", obj->path);
		return -EINVAL;
	}
	n = data->d_size / sizeof(Elf64_Sym);
	if (n > UINT32_MAX / 2) {
		err("%s: too many symbols", obj->path);
		return -EFBIG;
	}
	obj->syms = calloc(n ? n : 1, sizeof(*obj->syms));
	if (!obj->syms) {
		err("out of memory");
		return -ENOMEM;
	}
	obj->nsyms = n;
	for (i = 0; i < n; i++) {
		struct obj_sym *s = &obj->syms[i];
		GElf_Sym gs;

		if (!gelf_getsym(data, i, &gs)) {
			err("%s: symbol %zu is unreadable", obj->path, i);
			return -EINVAL;
		}
		s->name = elf_strptr(elf, sh.sh_link, gs.st_name);
		if (!s->name)
			s->name = "";
		s->shndx = gs.st_shndx;
		s->value = gs.st_value;
		s->size = gs.st_size;
		s->type = GELF_ST_TYPE(gs.st_info);
		s->bind = GELF_ST_BIND(gs.st_info);
		if (gs.st_shndx == SHN_XINDEX) {
			err("%s: symbol '%s': extended section indexes are not supported",
			    obj->path, s->name);
			return -EINVAL;
		}
		if (s->shndx != SHN_UNDEF && s->shndx < SHN_LORESERVE && s->shndx >= obj->nsecs) {
			err("%s: symbol '%s' names section %u, which does not exist",
			    obj->path, s->name, s->shndx);
			return -EINVAL;
		}
		if (s->type == STT_SECTION && s->shndx && s->shndx < obj->nsecs)
			s->name = obj->secs[s->shndx].name;
	}
	return 0;
}

static int reloc_cmp(const void *a, const void *b)
{
	const struct obj_reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* One SHT_REL section: relocations for the code and data sections. */
static int obj_read_relocs(struct obj *obj, Elf *elf, size_t idx, size_t symidx)
{
	Elf_Scn *scn = elf_getscn(elf, idx);
	struct obj_sec *target;
	Elf_Data *data;
	GElf_Shdr sh;
	size_t i, n, kept = 0;

	if (!scn || !gelf_getshdr(scn, &sh)) {
		err("%s: section %zu: bad section header", obj->path, idx);
		return -EINVAL;
	}
	if (sh.sh_info >= obj->nsecs) {
		err("%s: relocation section '%s' applies to section %u, which does not exist",
		    obj->path, obj->secs[idx].name, (unsigned int)sh.sh_info);
		return -EINVAL;
	}
	target = &obj->secs[sh.sh_info];
	if (target->kind == SEC_OTHER || target->kind == SEC_LICENSE || target->kind == SEC_BTF ||
	    target->kind == SEC_MAPS)
		return 0;	/* BTF, debug info, map definitions: nothing to do with loading */
	if (sh.sh_type == SHT_RELA) {
		err("%s: section '%s': RELA relocations are not supported (clang emits REL)",
		    obj->path, obj->secs[idx].name);
		return -EINVAL;
	}
	if (target->relocs) {
		err("%s: section '%s' has two relocation sections", obj->path, target->name);
		return -EINVAL;
	}
	if (!symidx || sh.sh_link != symidx) {
		err("%s: relocation section '%s' does not use the symbol table",
		    obj->path, obj->secs[idx].name);
		return -EINVAL;
	}
	data = elf_getdata(scn, NULL);
	if (!data || sh.sh_entsize != sizeof(Elf64_Rel)) {
		err("%s: relocation section '%s' is unreadable", obj->path, obj->secs[idx].name);
		return -EINVAL;
	}
	n = data->d_size / sizeof(Elf64_Rel);
	target->relocs = calloc(n ? n : 1, sizeof(*target->relocs));
	if (!target->relocs) {
		err("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct obj_reloc *r = &target->relocs[kept];
		GElf_Rel rel;

		if (!gelf_getrel(data, i, &rel)) {
			err("%s: relocation %zu of '%s' is unreadable", obj->path, i, target->name);
			return -EINVAL;
		}
		if (GELF_R_TYPE(rel.r_info) == R_BPF_NONE)
			continue;
		r->offset = rel.r_offset;
		r->sym = GELF_R_SYM(rel.r_info);
		r->type = GELF_R_TYPE(rel.r_info);
		if (rel.r_offset >= target->size || (target->kind != SEC_DATA &&
		    (rel.r_offset % INSN_SZ || rel.r_offset + INSN_SZ > target->size))) {
			err("%s: section '%s': relocation at offset %llu is outside the code",
			    obj->path, target->name, (unsigned long long)rel.r_offset);
			return -EINVAL;
		}
		if (!r->sym || r->sym >= obj->nsyms) {
			err("%s: section '%s': relocation at offset %u names symbol %u, "
			    "which does not exist", obj->path, target->name, r->offset, r->sym);
			return -EINVAL;
		}
		kept++;
	}
	target->nrelocs = kept;
	qsort(target->relocs, kept, sizeof(*target->relocs), reloc_cmp);
	for (i = 1; i < kept; i++) {
		if (target->relocs[i].offset == target->relocs[i - 1].offset) {
			err("%s: section '%s': two relocations at offset %u",
			    obj->path, target->name, target->relocs[i].offset);
			return -EINVAL;
		}
	}
	return 0;
}

static int func_cmp(const void *a, const void *b)
{
	const struct obj_func *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int obj_add_func(struct obj *obj, const char *name, uint32_t sec, uint32_t off, uint32_t cnt)
{
	struct obj_func *f = &obj->funcs[obj->nfuncs++];

	f->name = name;
	f->sec = sec;
	f->off = off;
	f->cnt = cnt;
	return 0;
}

/* Functions: STT_FUNC symbols in code sections, disjoint. */
static int obj_find_funcs(struct obj *obj)
{
	uint32_t i;

	obj->funcs = calloc(obj->nsyms + obj->nsecs + 1, sizeof(*obj->funcs));
	if (!obj->funcs) {
		err("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < obj->nsyms; i++) {
		const struct obj_sym *s = &obj->syms[i];
		const struct obj_sec *sec;

		if (s->type != STT_FUNC || s->shndx == SHN_UNDEF || s->shndx >= obj->nsecs)
			continue;
		sec = &obj->secs[s->shndx];
		if (sec->kind != SEC_PROG && sec->kind != SEC_TEXT)
			continue;
		if (s->value % INSN_SZ || s->size % INSN_SZ || !s->size ||
		    s->value > sec->size || s->size > sec->size - s->value) {
			err("%s: function '%s' has a bad offset or size in section '%s'",
			    obj->path, s->name, sec->name);
			return -EINVAL;
		}
		obj_add_func(obj, s->name, s->shndx, s->value / INSN_SZ, s->size / INSN_SZ);
	}
	/* A program section without function symbols is one program. */
	for (i = 1; i < obj->nsecs; i++) {
		const struct obj_sec *sec = &obj->secs[i];
		uint32_t j;

		if (sec->kind != SEC_PROG || !sec->size)
			continue;
		for (j = 0; j < obj->nfuncs; j++)
			if (obj->funcs[j].sec == i)
				break;
		if (j == obj->nfuncs) {
			const char *slash = strrchr(sec->name, '/');

			obj_add_func(obj, slash ? slash + 1 : sec->name, i, 0, sec->size / INSN_SZ);
		}
	}
	qsort(obj->funcs, obj->nfuncs, sizeof(*obj->funcs), func_cmp);
	for (i = 1; i < obj->nfuncs; i++) {
		const struct obj_func *a = &obj->funcs[i - 1], *b = &obj->funcs[i];

		if (a->sec == b->sec && a->off + a->cnt > b->off) {
			err("%s: functions '%s' and '%s' overlap in section '%s'",
			    obj->path, a->name, b->name, obj->secs[a->sec].name);
			return -EINVAL;
		}
	}
	return 0;
}

static int obj_read_license(struct obj *obj)
{
	uint32_t i;

	for (i = 1; i < obj->nsecs; i++) {
		const struct obj_sec *sec = &obj->secs[i];

		if (sec->kind != SEC_LICENSE)
			continue;
		if (!sec->bytes || !memchr(sec->bytes, '\0', sec->size)) {
			err("%s: the license section is not a NUL-terminated string", obj->path);
			return -EINVAL;
		}
		if (strlen((const char *)sec->bytes) >= CGADDR_LICENSE_LEN) {
			err("%s: the license is longer than %d characters",
			    obj->path, CGADDR_LICENSE_LEN - 1);
			return -EINVAL;
		}
		obj->license = (const char *)sec->bytes;
	}
	return 0;
}

static int obj_parse(struct obj *obj, Elf *elf)
{
	size_t shnum, shstrndx, symidx = 0, i;
	int ret;

	ret = obj_check_header(obj, elf);
	if (ret)
		return ret;
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx) ||
	    shnum > UINT16_MAX || shstrndx >= shnum) {
		err("%s: bad section table", obj->path);
		return -EINVAL;
	}
	obj->secs = calloc(shnum ? shnum : 1, sizeof(*obj->secs));
	if (!obj->secs) {
		err("out of memory");
		return -ENOMEM;
	}
	obj->nsecs = shnum;
	if (shnum)
		obj->secs[0].name = "";
	for (i = 1; i < shnum; i++) {
		ret = obj_read_section(obj, elf, shstrndx, i, &symidx);
		if (ret)
			return ret;
	}
	if (symidx) {
		ret = obj_read_symbols(obj, elf, symidx);
		if (ret)
			return ret;
	}
	for (i = 1; i < shnum; i++) {
		GElf_Shdr sh;

		if (!gelf_getshdr(elf_getscn(elf, i), &sh)) {
			err("%s: section %zu: bad section header", obj->path, i);
			return -EINVAL;
		}
		if (sh.sh_type != SHT_REL && sh.sh_type != SHT_RELA)
			continue;
		ret = obj_read_relocs(obj, elf, i, symidx);
		if (ret)
			return ret;
	}
	for (i = 1; i < shnum; i++) {
		if (obj->secs[i].kind == SEC_MAPS && !obj->maps_sec)
			obj->maps_sec = i;
		if (obj->secs[i].kind == SEC_BTF && !obj->btf_sec)
			obj->btf_sec = i;
	}
	ret = obj_read_maps(obj);
	if (ret)
		return ret;
	ret = obj_find_funcs(obj);
	if (ret)
		return ret;
	return obj_read_license(obj);
}

int obj_open_image(const char *name, uint8_t *image, size_t size, struct obj **objp)
{
	struct obj *obj;
	Elf *elf;
	int ret;

	obj = calloc(1, sizeof(*obj));
	if (obj)
		obj->path = strdup(name);
	if (!obj || !obj->path) {
		free(obj);
		free(image);
		err("out of memory");
		return -ENOMEM;
	}
	obj->image = image;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		err("libelf is unusable: %s", elf_errmsg(-1));
		obj_close(obj);
		return -EINVAL;
	}
	elf = elf_memory((char *)image, size);
	if (!elf) {
		err("%s: not an ELF file (%s)", name, elf_errmsg(-1));
		obj_close(obj);
		return -EINVAL;
	}
	obj->elf = elf;
	ret = obj_parse(obj, elf);
	if (ret) {
		obj_close(obj);
		return ret;
	}
	*objp = obj;
	return 0;
}

int obj_open(const char *path, struct obj **objp)
{
	uint8_t *image;
	size_t size;
	int ret;

	ret = read_file(path, OBJ_MAX_FILE, &image, &size);
	if (ret)
		return ret;
	return obj_open_image(path, image, size, objp);
}

void obj_close(struct obj *obj)
{
	uint32_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->nsecs; i++) {
		free(obj->secs[i].relocs);
		free(obj->secs[i].owned);
	}
	free(obj->secs);
	free(obj->syms);
	free(obj->funcs);
	free(obj->maps);
	if (obj->elf)
		elf_end(obj->elf);
	free(obj->image);
	free(obj->path);
	free(obj);
}

const struct obj_func *obj_func_at(const struct obj *obj, uint32_t sec, uint32_t insn)
{
	size_t lo = 0, hi = obj->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct obj_func *f = &obj->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->off + f->cnt <= insn))
			lo = mid + 1;
		else if (f->sec > sec || f->off > insn)
			hi = mid;
		else
			return f;
	}
	return NULL;
}

const struct obj_reloc *obj_reloc_at(const struct obj *obj, uint32_t sec, uint32_t offset)
{
	const struct obj_sec *s = &obj->secs[sec];
	size_t lo = 0, hi = s->nrelocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->relocs[mid].offset < offset)
			lo = mid + 1;
		else if (s->relocs[mid].offset > offset)
			hi = mid;
		else
			return &s->relocs[mid];
	}
	return NULL;
}
