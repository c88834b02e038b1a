// SPDX-License-Identifier: GPL-2.0
/*
 * Building loadable programs from an object.
 *
 * A program is its function followed by every function it reaches through
 * calls (BPF_PSEUDO_CALL) or function addresses (BPF_PSEUDO_FUNC loads),
 * in the order they are first reached; call immediates are then rewritten
 * as pc-relative offsets within that layout.  Clang encodes a call either
 * without a relocation (pc-relative, same section) or with one against a
 * symbol, the target being symbol + (imm + 1) instructions.
 *
 * A 64-bit load (LD_IMM64) relocated against global data becomes
 * src_reg = BPF_PSEUDO_MAP_VALUE, imm = the index of the data section in
 * the load, and the second imm = the offset in that section (symbol value
 * plus the addend clang leaves in imm).  Each program carries its own copy
 * of the sections it uses, numbered in the order of first use.
 */
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/cgaddr.h>

#include "reloc.h"
#include "util.h"

#define INSN_SZ		8
#define LINK_MAX_INSNS	(1U << 20)	/* CGADDR_PROG_F_LARGE */
#define SMALL_MAX_INSNS	4096

struct linker {
	const struct obj *obj;
	const struct obj_func *main;
	struct prog_spec *spec;
	const struct obj_func **funcs;	/* layout order; funcs[0] is the program */
	uint32_t *start;		/* where funcs[i] starts in insns */
	uint32_t nfuncs;
	bool laid_out;			/* no function may be added any more */
	int *data_idx;			/* section -> data index in spec, or -1 */
	struct bpf_insn *insns;
	uint32_t cnt;
};

static bool is_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

static bool is_ld_imm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static void read_insn(const struct obj *obj, uint32_t sec, uint32_t idx, struct bpf_insn *in)
{
	memcpy(in, obj->secs[sec].bytes + (size_t)idx * INSN_SZ, sizeof(*in));
}

static const char *sym_where(const struct obj *obj, const struct obj_sym *sym)
{
	if (sym->shndx == SHN_UNDEF)
		return "undefined";
	if (sym->shndx >= obj->nsecs)
		return "special";
	return obj->secs[sym->shndx].name;
}

/* Prints "FILE: program 'P': [function 'F' ]insn N: MSG". */
static void link_err(const struct linker *lk, const struct obj_func *f, uint32_t i,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void link_err(const struct linker *lk, const struct obj_func *f, uint32_t i,
		     const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f == lk->main)
		err("%s: program '%s': insn %u: %s", lk->obj->path, lk->main->name, i, msg);
	else
		err("%s: program '%s': function '%s' insn %u: %s",
		    lk->obj->path, lk->main->name, f->name, i, msg);
}

/*
 * The target of a call or function-address load at instruction @i of
 * @f, as (section, instruction), or a negative errno.
 */
static int link_target(struct linker *lk, const struct obj_func *f, uint32_t i,
		       const struct bpf_insn *in, const struct obj_reloc *rel,
		       uint32_t *tsec, uint32_t *tinsn)
{
	const struct obj *obj = lk->obj;
	int64_t target;

	if (!rel) {
		/* pc-relative, within the same section */
		*tsec = f->sec;
		target = (int64_t)f->off + i + in->imm + 1;
	} else {
		const struct obj_sym *sym = &obj->syms[rel->sym];
		enum sec_kind kind = sym->shndx && sym->shndx < obj->nsecs ?
				     obj->secs[sym->shndx].kind : SEC_OTHER;

		if (sym->shndx == SHN_UNDEF && is_call(in)) {
			link_err(lk, f, i, "calls kernel function '%s' (a kfunc), which cgaddr "
				 "does not support", sym->name);
			return -EOPNOTSUPP;
		}
		if (kind != SEC_PROG && kind != SEC_TEXT) {
			link_err(lk, f, i, "%s of '%s' in section '%s', which is not code",
				 is_call(in) ? "call" : "address", sym->name, sym_where(obj, sym));
			return -EINVAL;
		}
		if (sym->value % INSN_SZ) {
			link_err(lk, f, i, "reference to '%s' at a misaligned offset", sym->name);
			return -EINVAL;
		}
		*tsec = sym->shndx;
		if (is_call(in))
			target = (int64_t)(sym->value / INSN_SZ) + in->imm + 1;
		else if (in->imm % INSN_SZ)
			target = -1;
		else
			target = (int64_t)(sym->value / INSN_SZ) + in->imm / INSN_SZ;
	}
	if (target < 0 || target >= obj->secs[*tsec].size / INSN_SZ) {
		link_err(lk, f, i, "%s target is outside section '%s'",
			 is_call(in) ? "call" : "function address", obj->secs[*tsec].name);
		return -EINVAL;
	}
	*tinsn = target;
	return 0;
}

/* The index in the layout of the function starting at (sec, insn), added if new. */
static int link_func(struct linker *lk, const struct obj_func *from, uint32_t i,
		     uint32_t sec, uint32_t insn)
{
	const struct obj_func *f = obj_func_at(lk->obj, sec, insn);
	uint32_t k;

	if (!f || f->off != insn) {
		if (f)
			link_err(lk, from, i, "call into the middle of function '%s'", f->name);
		else
			link_err(lk, from, i, "call to %s+%u, where no function starts",
				 lk->obj->secs[sec].name, insn);
		return -EINVAL;
	}
	for (k = 0; k < lk->nfuncs; k++)
		if (lk->funcs[k] == f)
			return k;
	if (lk->laid_out) {
		link_err(lk, from, i, "internal error: '%s' was not collected", f->name);
		return -EINVAL;
	}
	lk->funcs[lk->nfuncs] = f;
	return lk->nfuncs++;
}

static int reloc_check_type(struct linker *lk, const struct obj_func *f, uint32_t i,
			    const struct obj_reloc *rel)
{
	if (rel->type == R_BPF_64_64 || rel->type == R_BPF_64_32)
		return 0;
	link_err(lk, f, i, "relocation type %u against '%s' is not understood",
		 rel->type, lk->obj->syms[rel->sym].name);
	return -EINVAL;
}

/* Whether instruction @i of @f refers to another function; its target if so. */
static int link_refers(struct linker *lk, const struct obj_func *f, uint32_t i,
		       bool *refers, uint32_t *tsec, uint32_t *tinsn)
{
	const struct obj *obj = lk->obj;
	const struct obj_reloc *rel;
	struct bpf_insn in;

	*refers = false;
	read_insn(obj, f->sec, f->off + i, &in);
	rel = obj_reloc_at(obj, f->sec, (f->off + i) * INSN_SZ);
	if (is_call(&in) && in.src_reg == BPF_PSEUDO_CALL)
		*refers = true;
	else if (is_ld_imm64(&in) && rel) {
		const struct obj_sym *sym = &obj->syms[rel->sym];

		*refers = sym->shndx && sym->shndx < obj->nsecs &&
			  (obj->secs[sym->shndx].kind == SEC_PROG ||
			   obj->secs[sym->shndx].kind == SEC_TEXT);
	} else if (is_ld_imm64(&in) && in.src_reg == BPF_PSEUDO_FUNC) {
		link_err(lk, f, i, "function address without a relocation");
		return -EINVAL;
	}
	if (!*refers)
		return 0;
	if (rel && reloc_check_type(lk, f, i, rel))
		return -EINVAL;
	return link_target(lk, f, i, &in, rel, tsec, tinsn);
}

/* The program's function, then every function it reaches, in first-use order. */
static int link_collect(struct linker *lk)
{
	uint32_t k, i, tsec, tinsn;
	bool refers;
	int ret;

	lk->funcs[0] = lk->main;
	lk->nfuncs = 1;
	for (k = 0; k < lk->nfuncs; k++) {
		const struct obj_func *f = lk->funcs[k];

		for (i = 0; i < f->cnt; i++) {
			ret = link_refers(lk, f, i, &refers, &tsec, &tinsn);
			if (ret)
				return ret;
			if (refers) {
				ret = link_func(lk, f, i, tsec, tinsn);
				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

static int link_layout(struct linker *lk)
{
	uint64_t total = 0;
	uint32_t k;

	for (k = 0; k < lk->nfuncs; k++) {
		lk->start[k] = total;
		total += lk->funcs[k]->cnt;
	}
	if (total > LINK_MAX_INSNS) {
		err("%s: program '%s' has %llu instructions, more than %u",
		    lk->obj->path, lk->main->name, (unsigned long long)total, LINK_MAX_INSNS);
		return -E2BIG;
	}
	lk->insns = calloc(total ? total : 1, sizeof(*lk->insns));
	if (!lk->insns) {
		err("out of memory");
		return -ENOMEM;
	}
	for (k = 0; k < lk->nfuncs; k++) {
		const struct obj_func *f = lk->funcs[k];

		const uint8_t *code = lk->obj->secs[f->sec].bytes + (size_t)f->off * INSN_SZ;

		memcpy(&lk->insns[lk->start[k]], code, (size_t)f->cnt * INSN_SZ);
	}
	lk->cnt = total;
	lk->laid_out = true;
	return 0;
}

/* The data index of section @sec in this program, added on first use. */
static int link_data(struct linker *lk, const struct obj_func *f, uint32_t i, uint32_t sec)
{
	const struct obj_sec *s = &lk->obj->secs[sec];
	int idx;

	if (lk->data_idx[sec] >= 0)
		return lk->data_idx[sec];
	if (s->nrelocs) {
		link_err(lk, f, i, "section '%s' holds pointers (it has relocations), "
			 "which cgaddr does not support in global data", s->name);
		return -EINVAL;
	}
	if (s->size > CGADDR_MAX_DATA_SIZE) {
		link_err(lk, f, i, "section '%s' is %u bytes, more than %u",
			 s->name, s->size, CGADDR_MAX_DATA_SIZE);
		return -E2BIG;
	}
	idx = spec_add_data(lk->spec, s->name, s->bytes, s->size,
			    s->rdonly ? CGADDR_DATA_F_RDONLY : 0);
	if (idx >= 0)
		lk->data_idx[sec] = idx;
	return idx;
}

/*
 * A load of a map's address: src_reg = BPF_PSEUDO_MAP_IDX, imm = the map's
 * index in the program's map table (numbered in the order of first use),
 * which the loader fills with the map ids the module gave (prog.c).
 */
static int link_map(struct linker *lk, const struct obj_func *f, uint32_t i,
		    struct bpf_insn *out, const struct obj_sym *sym)
{
	const struct obj *obj = lk->obj;
	const struct obj_map *m = obj_map_at(obj, sym->shndx, sym->value + (int64_t)out[0].imm);
	struct prog_spec *spec = lk->spec;
	uint32_t k, idx = m ? (uint32_t)(m - obj->maps) : 0;

	if (!m) {
		link_err(lk, f, i, "refers to '%s'%+d in section '%s', which is not a map",
			 sym->name, out[0].imm, obj->secs[sym->shndx].name);
		return -EINVAL;
	}
	for (k = 0; k < spec->map_cnt && spec->maps[k].obj_idx != idx; k++)
		;
	if (k == spec->map_cnt) {
		if (k == SPEC_MAX_MAPS) {
			link_err(lk, f, i, "uses more than %d maps", SPEC_MAX_MAPS);
			return -E2BIG;
		}
		if (!spec->maps) {
			spec->maps = calloc(SPEC_MAX_MAPS, sizeof(*spec->maps));
			if (!spec->maps) {
				err("out of memory");
				return -ENOMEM;
			}
		}
		memcpy(spec->maps[k].name, m->name, sizeof(m->name));
		spec->maps[k].obj_idx = idx;
		spec->maps[k].type = m->type;
		spec->maps[k].key_size = m->key_size;
		spec->maps[k].value_size = m->value_size;
		spec->maps[k].max_entries = m->max_entries;
		spec->maps[k].flags = m->flags;
		spec->map_cnt++;
	}
	out[0].src_reg = BPF_PSEUDO_MAP_IDX;
	out[0].imm = k;
	out[1].imm = 0;
	return 0;
}

/* A 64-bit load relocated against a symbol; @out is its first slot. */
static int link_ld_imm64(struct linker *lk, const struct obj_func *f, uint32_t i,
			 struct bpf_insn *out, const struct obj_reloc *rel, uint32_t out_idx)
{
	const struct obj *obj = lk->obj;
	const struct obj_sym *sym = &obj->syms[rel->sym];
	uint32_t tsec, tinsn;
	int64_t off;
	int idx, k;

	if (i + 1 >= f->cnt || out[1].code || out[1].dst_reg || out[1].src_reg || out[1].off) {
		link_err(lk, f, i, "malformed 64-bit load");
		return -EINVAL;
	}
	if (sym->shndx == SHN_UNDEF) {
		link_err(lk, f, i, "refers to extern '%s' (kconfig or kernel symbol), "
			 "which cgaddr does not support", sym->name);
		return -EOPNOTSUPP;
	}
	if (sym->shndx >= obj->nsecs) {
		link_err(lk, f, i, "refers to '%s', an %s symbol", sym->name,
			 sym->shndx == SHN_COMMON ?
			 "uninitialised common (compile with -fno-common)" : "absolute");
		return -EINVAL;
	}
	switch (obj->secs[sym->shndx].kind) {
	case SEC_DATA:
		off = (int64_t)sym->value + out[0].imm;
		if (off < 0 || off > obj->secs[sym->shndx].size) {
			link_err(lk, f, i, "offset %lld of '%s' is outside section '%s'",
				 (long long)off, sym->name, obj->secs[sym->shndx].name);
			return -EINVAL;
		}
		idx = link_data(lk, f, i, sym->shndx);
		if (idx < 0)
			return idx;
		out[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		out[0].imm = idx;
		out[1].imm = off;
		return 0;
	case SEC_PROG:
	case SEC_TEXT:
		if (link_target(lk, f, i, &out[0], rel, &tsec, &tinsn))
			return -EINVAL;
		k = link_func(lk, f, i, tsec, tinsn);
		if (k < 0)
			return k;
		out[0].src_reg = BPF_PSEUDO_FUNC;
		out[0].imm = (int64_t)lk->start[k] - out_idx - 1;
		out[1].imm = 0;
		return 0;
	case SEC_MAPS:
		return link_map(lk, f, i, out, sym);
	default:
		link_err(lk, f, i, "refers to '%s' in section '%s', which is neither code nor data",
			 sym->name, obj->secs[sym->shndx].name);
		return -EINVAL;
	}
}

static int link_call(struct linker *lk, const struct obj_func *f, uint32_t i,
		     struct bpf_insn *out, const struct obj_reloc *rel, uint32_t out_idx)
{
	uint32_t tsec, tinsn;
	int k;

	if (out->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		link_err(lk, f, i, "calls kernel function '%s', which cgaddr does not support",
			 rel ? lk->obj->syms[rel->sym].name : "?");
		return -EOPNOTSUPP;
	}
	if (out->src_reg != BPF_PSEUDO_CALL) {
		if (rel) {
			link_err(lk, f, i, "helper call with a relocation against '%s'",
				 lk->obj->syms[rel->sym].name);
			return -EINVAL;
		}
		return 0;	/* a helper call */
	}
	if (link_target(lk, f, i, out, rel, &tsec, &tinsn))
		return -EINVAL;
	k = link_func(lk, f, i, tsec, tinsn);
	if (k < 0)
		return k;
	out->imm = (int64_t)lk->start[k] + (tinsn - lk->funcs[k]->off) - out_idx - 1;
	return 0;
}

/* Rewrites the instructions of funcs[k] in place, in the layout. */
static int link_relocate(struct linker *lk, uint32_t k)
{
	const struct obj_func *f = lk->funcs[k];
	uint32_t i;
	int ret;

	for (i = 0; i < f->cnt; i++) {
		const struct obj_reloc *rel = obj_reloc_at(lk->obj, f->sec, (f->off + i) * INSN_SZ);
		uint32_t out_idx = lk->start[k] + i;
		struct bpf_insn *out = &lk->insns[out_idx];

		if (rel && reloc_check_type(lk, f, i, rel))
			return -EINVAL;
		if (is_call(out)) {
			ret = link_call(lk, f, i, out, rel, out_idx);
		} else if (is_ld_imm64(out)) {
			ret = rel ? link_ld_imm64(lk, f, i, out, rel, out_idx) : 0;
			i++;	/* the second slot */
			if (!ret && i < f->cnt &&
			    obj_reloc_at(lk->obj, f->sec, (f->off + i) * INSN_SZ)) {
				link_err(lk, f, i, "relocation in a 64-bit load's second slot");
				ret = -EINVAL;
			}
		} else if (rel) {
			const struct obj_sym *sym = &lk->obj->syms[rel->sym];

			link_err(lk, f, i, "relocation against '%s' (section '%s') on an instruction "
				 "that is neither a call nor a 64-bit load (code 0x%02x)",
				 sym->name, sym_where(lk->obj, sym), out->code);
			ret = -EINVAL;
		} else {
			ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int link_prog(const struct obj *obj, const struct obj_func *main,
		     const struct attach_type *type, const char *name, struct prog_spec *spec)
{
	struct linker lk = { .obj = obj, .main = main, .spec = spec };
	uint32_t k;
	int ret;

	ret = spec_init(spec, name ? name : main->name, obj->license, type->attach,
			obj->secs[main->sec].name);
	if (ret)
		return ret;
	lk.funcs = calloc(obj->nfuncs + 1, sizeof(*lk.funcs));
	lk.start = calloc(obj->nfuncs + 1, sizeof(*lk.start));
	lk.data_idx = malloc(obj->nsecs * sizeof(*lk.data_idx));
	ret = -ENOMEM;
	if (!lk.funcs || !lk.start || !lk.data_idx) {
		err("out of memory");
		goto out;
	}
	memset(lk.data_idx, 0xff, obj->nsecs * sizeof(*lk.data_idx));
	ret = link_collect(&lk);
	if (!ret)
		ret = link_layout(&lk);
	for (k = 0; !ret && k < lk.nfuncs; k++)
		ret = link_relocate(&lk, k);
	if (!ret) {
		spec->insns = lk.insns;
		spec->insn_cnt = lk.cnt;
		lk.insns = NULL;
		if (spec->insn_cnt > SMALL_MAX_INSNS)
			spec->flags |= CGADDR_PROG_F_LARGE;
	}
out:
	free(lk.insns);
	free(lk.funcs);
	free(lk.start);
	free(lk.data_idx);
	if (ret)
		spec_free(spec);
	return ret;
}

/* ---- choosing the programs ---------------------------------------------- */

static void list_prog_sections(const struct obj *obj, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 1; i < obj->nsecs && off < len; i++)
		if (obj->secs[i].kind == SEC_PROG)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
					obj->secs[i].name);
}

static void list_prog_funcs(const struct obj *obj, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < obj->nfuncs && off < len; i++)
		if (obj->secs[obj->funcs[i].sec].kind == SEC_PROG)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
					obj->funcs[i].name);
}

static bool selected(const struct obj *obj, const struct obj_func *f, const struct load_opts *o)
{
	if (obj->secs[f->sec].kind != SEC_PROG)
		return false;
	if (o->section && strcmp(o->section, obj->secs[f->sec].name))
		return false;
	return !o->func || !strcmp(o->func, f->name);
}

static int prog_type(const struct obj *obj, const struct obj_func *f,
		     const struct load_opts *o, const struct attach_type **type)
{
	const char *sec = obj->secs[f->sec].name;
	const char *foreign;

	*type = o->type ? o->type : type_by_section(sec);
	if (*type)
		return 0;
	foreign = type_foreign_section(sec);
	if (foreign)
		err("%s: section '%s' (program '%s') holds %s; cgaddr loads cgroup sock_addr "
		    "programs: %s", obj->path, sec, f->name, foreign, type_section_list());
	else
		err("%s: section '%s' (program '%s') is not a sock_addr section name: use "
		    "SEC(\"cgroup/bind4\") and the like (%s), or give 'type TYPE'",
		    obj->path, sec, f->name, type_section_list());
	return -EINVAL;
}

static int check_selection(const struct obj *obj, const struct load_opts *o, uint32_t n)
{
	char list[512];

	if (n && (!o->name || n == 1))
		return 0;
	if (n) {
		err("%s: 'name' needs exactly one program, but %u are selected: choose one "
		    "with 'section SEC' or 'func FUNC'", obj->path, n);
		return -EINVAL;
	}
	list_prog_sections(obj, list, sizeof(list));
	if (!list[0]) {
		err("%s: no programs: the object has no program section (functions marked "
		    "SEC(\"cgroup/bind4\") and the like)", obj->path);
	} else if (o->func) {
		list_prog_funcs(obj, list, sizeof(list));
		err("%s: no program '%s'%s%s; its programs are: %s", obj->path, o->func,
		    o->section ? " in section " : "", o->section ? o->section : "", list);
	} else if (o->section) {
		err("%s: no programs in section '%s'; its program sections are: %s",
		    obj->path, o->section, list);
	} else {
		err("%s: no programs: the program sections (%s) are empty", obj->path, list);
	}
	return -ENOENT;
}

static int check_object(const struct obj *obj)
{
	if (!obj->license) {
		err("%s: no license section: add  char LICENSE[] SEC(\"license\") = \"GPL\";  "
		    "to the program's source", obj->path);
		return -EINVAL;
	}
	return 0;
}

int obj_build_progs(const struct obj *obj, const struct load_opts *opts,
		    struct prog_spec **specsp, uint32_t *cntp)
{
	const struct attach_type **types;
	struct prog_spec *specs;
	uint32_t i, n = 0;
	int ret;

	ret = check_object(obj);
	if (ret)
		return ret;
	for (i = 0; i < obj->nfuncs; i++)
		n += selected(obj, &obj->funcs[i], opts);
	ret = check_selection(obj, opts, n);
	if (ret)
		return ret;
	specs = calloc(n, sizeof(*specs));
	types = calloc(n, sizeof(*types));
	if (!specs || !types) {
		free(specs);
		free(types);
		err("out of memory");
		return -ENOMEM;
	}
	/* Check every type first: a bad section fails before any linking. */
	for (i = n = 0; !ret && i < obj->nfuncs; i++)
		if (selected(obj, &obj->funcs[i], opts))
			ret = prog_type(obj, &obj->funcs[i], opts, &types[n++]);
	for (i = n = 0; !ret && i < obj->nfuncs; i++) {
		if (!selected(obj, &obj->funcs[i], opts))
			continue;
		ret = link_prog(obj, &obj->funcs[i], types[n], opts->name, &specs[n]);
		if (!ret)
			n++;
	}
	free(types);
	if (ret) {
		for (i = 0; i < n; i++)
			spec_free(&specs[i]);
		free(specs);
		return ret;
	}
	*specsp = specs;
	*cntp = n;
	return 0;
}
