// SPDX-License-Identifier: GPL-2.0
/*
 * Map definitions of an object, as libbpf reads them:
 *
 * - BTF-defined maps (SEC(".maps")): each variable of the ".maps" data
 *   section is a struct whose members say what the map is: __uint(type,
 *   BPF_MAP_TYPE_HASH) is a member "type" of type "int (*)[BPF_MAP_TYPE_HASH]"
 *   (the number is the array's length), __type(key, struct k) a member
 *   "key" of type "struct k *" (the size is the pointed-to type's);
 *   key_size/value_size may also be given as numbers.
 * - legacy maps (SEC("maps")): each symbol is a struct bpf_map_def
 *   { type, key_size, value_size, max_entries, map_flags } (5 u32s).
 *
 * Every size and index of the BTF is checked before use: the object is
 * untrusted input (tests/tools fuzzes this loader).
 */
#include <errno.h>
#include <gelf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"
#include "util.h"

#define MAPS_MAX	64	/* CGADDR_VM_MAX_MAPS */

struct btf {
	const struct obj *obj;
	uint8_t *types;		/* a copy: the section may sit at any offset */
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint32_t *off;		/* type id -> offset in types; id 0 is void */
	uint32_t n;		/* ids 1..n-1 */
};

static const struct btf_type *btf_type(const struct btf *b, uint32_t id)
{
	return id && id < b->n ? (const struct btf_type *)(b->types + b->off[id]) : NULL;
}

static const char *btf_str(const struct btf *b, uint32_t off)
{
	if (off >= b->strs_len || !memchr(b->strs + off, 0, b->strs_len - off))
		return NULL;
	return b->strs + off;
}

/* Bytes of kind-specific data after a type. */
static int64_t btf_extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * 8;
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * 8;
	case BTF_KIND_VAR:
		return 4;
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case 17:	/* DECL_TAG */
		return 4;
	case 19:	/* ENUM64 */
		return (int64_t)vlen * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case 16:	/* FLOAT */
	case 18:	/* TYPE_TAG */
		return 0;
	}
	return -1;
}

static void btf_close(struct btf *b)
{
	free(b->types);
	free(b->off);
	b->types = NULL;
	b->off = NULL;
}

static int btf_open(struct btf *b, const struct obj *obj)
{
	const struct obj_sec *sec = &obj->secs[obj->btf_sec];
	struct btf_header h;
	uint32_t pos, cap = 64;

	memset(b, 0, sizeof(*b));
	b->obj = obj;
	if (!obj->btf_sec || !sec->bytes || sec->size < sizeof(h)) {
		err("%s: BTF-defined maps (section .maps) need the object's BTF: compile "
		    "with clang -g", obj->path);
		return -EINVAL;
	}
	memcpy(&h, sec->bytes, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > sec->size ||
	    h.type_off > sec->size - h.hdr_len || h.type_len > sec->size - h.hdr_len - h.type_off ||
	    h.str_off > sec->size - h.hdr_len || h.str_len > sec->size - h.hdr_len - h.str_off ||
	    h.type_off % 4) {
		err("%s: the .BTF section is malformed", obj->path);
		return -EINVAL;
	}
	/*
	 * Types are read as 32-bit words: copy them to an aligned buffer, since
	 * nothing in an ELF file makes the section's offset a multiple of four.
	 */
	b->types = malloc(h.type_len ? h.type_len : 1);
	b->off = malloc(cap * sizeof(*b->off));
	if (!b->types || !b->off)
		goto nomem;
	memcpy(b->types, sec->bytes + h.hdr_len + h.type_off, h.type_len);
	b->types_len = h.type_len;
	b->strs = (const char *)sec->bytes + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	b->n = 1;
	for (pos = 0; pos < b->types_len;) {
		const struct btf_type *t;
		int64_t extra;

		if (b->types_len - pos < sizeof(*t))
			goto bad;
		t = (const struct btf_type *)(b->types + pos);
		extra = btf_extra(t);
		if (extra < 0 || extra > b->types_len - pos - sizeof(*t))
			goto bad;
		if (b->n == cap) {
			uint32_t *o = realloc(b->off, 2 * cap * sizeof(*b->off));

			if (!o)
				goto nomem;
			b->off = o;
			cap *= 2;
		}
		b->off[b->n++] = pos;
		pos += sizeof(*t) + extra;
	}
	return 0;
bad:
	err("%s: the .BTF section's types are malformed", obj->path);
	btf_close(b);
	return -EINVAL;
nomem:
	err("out of memory");
	btf_close(b);
	return -ENOMEM;
}

/* Through typedefs and qualifiers. */
static const struct btf_type *btf_skip_mods(const struct btf *b, uint32_t id, uint32_t *idp)
{
	const struct btf_type *t = btf_type(b, id);
	int n;

	for (n = 0; t && n < 32; n++) {
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case 18:
			id = t->type;
			t = btf_type(b, id);
			continue;
		}
		if (idp)
			*idp = id;
		return t;
	}
	return NULL;
}

static int64_t btf_size(const struct btf *b, uint32_t id, int depth)
{
	const struct btf_type *t = btf_skip_mods(b, id, NULL);
	const struct btf_array *a;
	int64_t elem;

	if (!t || depth > 16)
		return -1;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case 16:
	case 19:
		return t->size;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		a = (const struct btf_array *)(t + 1);
		elem = btf_size(b, a->type, depth + 1);
		if (elem < 0 || (a->nelems && elem > UINT32_MAX / a->nelems))
			return -1;
		return elem * a->nelems;
	}
	return -1;
}

/* __uint(name, N): a pointer to an array of N. */
static int btf_uint_member(const struct btf *b, const struct btf_member *m, uint32_t *out)
{
	const struct btf_type *p = btf_skip_mods(b, m->type, NULL), *a;

	if (!p || BTF_INFO_KIND(p->info) != BTF_KIND_PTR)
		return -1;
	a = btf_skip_mods(b, p->type, NULL);
	if (!a || BTF_INFO_KIND(a->info) != BTF_KIND_ARRAY)
		return -1;
	*out = ((const struct btf_array *)(a + 1))->nelems;
	return 0;
}

/* __type(name, T): a pointer to T. */
static int btf_type_member(const struct btf *b, const struct btf_member *m, uint32_t *size)
{
	const struct btf_type *p = btf_skip_mods(b, m->type, NULL);
	int64_t sz;

	if (!p || BTF_INFO_KIND(p->info) != BTF_KIND_PTR)
		return -1;
	sz = btf_size(b, p->type, 0);
	if (sz <= 0 || sz > UINT32_MAX)
		return -1;
	*size = sz;
	return 0;
}

static int btf_map_def(const struct btf *b, const char *name, uint32_t type_id, struct obj_map *map)
{
	const struct btf_type *t = btf_skip_mods(b, type_id, NULL);
	const struct btf_member *m;
	uint32_t i, v, ks = 0, vs = 0;

	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT) {
		err("%s: map '%s' is not a struct", b->obj->path, name);
		return -EINVAL;
	}
	m = (const struct btf_member *)(t + 1);
	for (i = 0; i < BTF_INFO_VLEN(t->info); i++, m++) {
		const char *mn = btf_str(b, m->name_off);
		int bad;

		if (!mn)
			goto bad;
		if (!strcmp(mn, "type"))
			bad = btf_uint_member(b, m, &map->type);
		else if (!strcmp(mn, "max_entries"))
			bad = btf_uint_member(b, m, &map->max_entries);
		else if (!strcmp(mn, "map_flags"))
			bad = btf_uint_member(b, m, &map->flags);
		else if (!strcmp(mn, "key_size"))
			bad = btf_uint_member(b, m, &map->key_size);
		else if (!strcmp(mn, "value_size"))
			bad = btf_uint_member(b, m, &map->value_size);
		else if (!strcmp(mn, "key"))
			bad = btf_type_member(b, m, &ks);
		else if (!strcmp(mn, "value"))
			bad = btf_type_member(b, m, &vs);
		else if (!strcmp(mn, "pinning"))
			bad = btf_uint_member(b, m, &v) || v;
		else {
			err("%s: map '%s': '%s' is not supported (cgaddr maps take type, key, "
			    "value, key_size, value_size, max_entries, map_flags)", b->obj->path,
			    name, mn);
			return -EOPNOTSUPP;
		}
		if (bad) {
			err("%s: map '%s': member '%s' is malformed (or pinning, which cgaddr "
			    "does not do: reuse maps with 'map NAME=ID')", b->obj->path, name, mn);
			return -EINVAL;
		}
	}
	if ((ks && map->key_size && ks != map->key_size) ||
	    (vs && map->value_size && vs != map->value_size)) {
		err("%s: map '%s': key or value given twice with different sizes", b->obj->path,
		    name);
		return -EINVAL;
	}
	if (ks)
		map->key_size = ks;
	if (vs)
		map->value_size = vs;
	return 0;
bad:
	err("%s: map '%s': malformed member", b->obj->path, name);
	return -EINVAL;
}

static int add_map(struct obj *obj, const char *name, uint32_t sec, uint64_t off,
		   struct obj_map **mapp)
{
	struct obj_map *m;

	if (obj->nmaps == MAPS_MAX) {
		err("%s: more than %d maps", obj->path, MAPS_MAX);
		return -E2BIG;
	}
	if (!obj->maps) {
		obj->maps = calloc(MAPS_MAX, sizeof(*obj->maps));
		if (!obj->maps) {
			err("out of memory");
			return -ENOMEM;
		}
	}
	if (strlen(name) >= sizeof(m->name)) {
		err("%s: map name '%.20s...' is too long", obj->path, name);
		return -EINVAL;
	}
	m = &obj->maps[obj->nmaps++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->sec = sec;
	m->off = off;
	*mapp = m;
	return 0;
}

static int read_btf_maps(struct obj *obj, uint32_t sec)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *ds = NULL;
	struct btf b;
	uint32_t id, i;
	int ret;

	ret = btf_open(&b, obj);
	if (ret)
		return ret;
	for (id = 1; id < b.n && !ds; id++) {
		const struct btf_type *t = btf_type(&b, id);
		const char *n = btf_str(&b, t->name_off);

		if (BTF_INFO_KIND(t->info) == BTF_KIND_DATASEC && n && !strcmp(n, ".maps"))
			ds = t;
	}
	ret = 0;
	vs = ds ? (const struct btf_var_secinfo *)(ds + 1) : NULL;
	for (i = 0; ds && !ret && i < BTF_INFO_VLEN(ds->info); i++, vs++) {
		const struct btf_type *var = btf_type(&b, vs->type);
		const char *name = var ? btf_str(&b, var->name_off) : NULL;
		struct obj_map *m;

		const struct obj_sym *sym = NULL;
		uint32_t k;

		if (!var || BTF_INFO_KIND(var->info) != BTF_KIND_VAR || !name) {
			err("%s: the BTF of section .maps is malformed", obj->path);
			ret = -EINVAL;
			break;
		}
		/*
		 * clang leaves the data section's offsets to the loader (libbpf
		 * fixes them up the same way): the variable's symbol has it.
		 */
		for (k = 0; k < obj->nsyms && !sym; k++)
			if (obj->syms[k].shndx == sec && obj->syms[k].type != STT_SECTION &&
			    !strcmp(obj->syms[k].name, name))
				sym = &obj->syms[k];
		if (!sym) {
			err("%s: map '%s' has no symbol in section .maps", obj->path, name);
			ret = -EINVAL;
			break;
		}
		ret = add_map(obj, name, sec, sym->value, &m);
		if (!ret)
			ret = btf_map_def(&b, name, var->type, m);
	}
	btf_close(&b);
	return ret;
}

/* struct bpf_map_def, as libbpf's legacy loader reads it. */
static int read_legacy_maps(struct obj *obj, uint32_t sec)
{
	const struct obj_sec *s = &obj->secs[sec];
	uint32_t i, def[5];
	int ret;

	for (i = 0; i < obj->nsyms; i++) {
		const struct obj_sym *sym = &obj->syms[i];
		struct obj_map *m;

		if (sym->shndx != sec || sym->type == STT_SECTION || !sym->name[0])
			continue;
		if (!s->bytes || sym->value > s->size || s->size - sym->value < sizeof(def)) {
			err("%s: map '%s' in section '%s' is smaller than struct bpf_map_def",
			    obj->path, sym->name, s->name);
			return -EINVAL;
		}
		ret = add_map(obj, sym->name, sec, sym->value, &m);
		if (ret)
			return ret;
		memcpy(def, s->bytes + sym->value, sizeof(def));
		m->type = def[0];
		m->key_size = def[1];
		m->value_size = def[2];
		m->max_entries = def[3];
		m->flags = def[4];
	}
	return 0;
}

int obj_read_maps(struct obj *obj)
{
	uint32_t i;
	int ret;

	for (i = 1; i < obj->nsecs; i++) {
		if (obj->secs[i].kind != SEC_MAPS)
			continue;
		if (!strcmp(obj->secs[i].name, ".maps"))
			ret = read_btf_maps(obj, i);
		else
			ret = read_legacy_maps(obj, i);
		if (ret)
			return ret;
	}
	return 0;
}

const struct obj_map *obj_map_at(const struct obj *obj, uint32_t sec, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].sec == sec && obj->maps[i].off == off)
			return &obj->maps[i];
	return NULL;
}

const struct obj_map *obj_map_by_name(const struct obj *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	return NULL;
}
