// SPDX-License-Identifier: GPL-2.0
/* Programs ready to load, and their --dry-run view. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "spec.h"
#include "types.h"
#include "util.h"

int spec_init(struct prog_spec *spec, const char *name, const char *license,
	      uint32_t attach_type, const char *section)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), "%s", name ? name : "");
	snprintf(spec->license, sizeof(spec->license), "%s", license ? license : "");
	spec->attach_type = attach_type;
	if (section) {
		spec->section = strdup(section);
		if (!spec->section) {
			err("out of memory");
			return -ENOMEM;
		}
	}
	return 0;
}

int spec_set_insns(struct prog_spec *spec, const struct bpf_insn *insns, uint32_t cnt)
{
	struct bpf_insn *copy;

	copy = calloc(cnt ? cnt : 1, sizeof(*copy));
	if (!copy) {
		err("out of memory");
		return -ENOMEM;
	}
	memcpy(copy, insns, (size_t)cnt * sizeof(*copy));
	free(spec->insns);
	spec->insns = copy;
	spec->insn_cnt = cnt;
	return 0;
}

int spec_add_data(struct prog_spec *spec, const char *name, const void *bytes,
		  uint32_t size, uint32_t flags)
{
	struct prog_data *d;

	if (spec->data_cnt == CGADDR_MAX_DATA) {
		err("%s: uses more than %d global-data sections", spec->name, CGADDR_MAX_DATA);
		return -E2BIG;
	}
	if (strlen(name) > SPEC_DATA_NAME_MAX) {
		err("%s: data section name '%s' is longer than %d characters",
		    spec->name, name, SPEC_DATA_NAME_MAX);
		return -ENAMETOOLONG;
	}
	d = &spec->data[spec->data_cnt];
	d->bytes = calloc(size ? size : 1, 1);
	if (!d->bytes) {
		err("out of memory");
		return -ENOMEM;
	}
	if (bytes)
		memcpy(d->bytes, bytes, size);
	strcpy(d->name, name);
	d->size = size;
	d->flags = flags;
	return spec->data_cnt++;
}

void spec_free(struct prog_spec *spec)
{
	uint32_t i;

	for (i = 0; i < spec->data_cnt; i++)
		free(spec->data[i].bytes);
	free(spec->insns);
	free(spec->section);
	free(spec->maps);
	memset(spec, 0, sizeof(*spec));
}

static void spec_print_json(const struct prog_spec *spec)
{
	const struct attach_type *t = type_by_attach(spec->attach_type);
	uint32_t i;

	json_begin_object();
	json_kv_string("name", spec->name);
	if (spec->section)
		json_kv_string("section", spec->section);
	json_kv_string("type", type_str(spec->attach_type));
	json_kv_uint("attach_type", spec->attach_type);
	if (t)
		json_kv_string("attach_type_name", t->enum_name);
	json_kv_string("license", spec->license);
	json_kv_uint("flags", spec->flags);
	json_kv_uint("insn_cnt", spec->insn_cnt);
	json_key("insns");
	json_begin_array();
	for (i = 0; i < spec->insn_cnt; i++) {
		const struct bpf_insn *in = &spec->insns[i];

		json_begin_object();
		json_kv_uint("code", in->code);
		json_kv_uint("dst", in->dst_reg);
		json_kv_uint("src", in->src_reg);
		json_kv_int("off", in->off);
		json_kv_int("imm", in->imm);
		json_key("hex");
		json_hex(in, sizeof(*in));
		json_end_object();
	}
	json_end_array();
	json_key("data");
	json_begin_array();
	for (i = 0; i < spec->data_cnt; i++) {
		const struct prog_data *d = &spec->data[i];

		json_begin_object();
		json_kv_uint("index", i);
		json_kv_string("name", d->name);
		json_kv_uint("size", d->size);
		json_kv_uint("flags", d->flags);
		json_kv_bool("rdonly", d->flags & CGADDR_DATA_F_RDONLY);
		json_key("bytes");
		json_hex(d->bytes, d->size);
		json_end_object();
	}
	json_end_array();
	json_key("maps");
	json_begin_array();
	for (i = 0; i < spec->map_cnt; i++) {
		const struct prog_map *m = &spec->maps[i];

		json_begin_object();
		json_kv_uint("index", i);
		json_kv_string("name", m->name);
		json_kv_uint("type", m->type);
		json_kv_uint("key_size", m->key_size);
		json_kv_uint("value_size", m->value_size);
		json_kv_uint("max_entries", m->max_entries);
		json_kv_uint("flags", m->flags);
		json_end_object();
	}
	json_end_array();
	json_end_object();
}

static void spec_print_text(const struct prog_spec *spec)
{
	const struct attach_type *t = type_by_attach(spec->attach_type);
	uint32_t i;

	printf("program %s\n", spec->name);
	if (spec->section)
		printf("\tsection  %s\n", spec->section);
	printf("\ttype     %s (%s, %u)\n", type_str(spec->attach_type),
	       t ? t->enum_name : "unknown", spec->attach_type);
	printf("\tlicense  %s\n", spec->license);
	if (spec->flags)
		printf("\tflags    0x%x\n", spec->flags);
	printf("\tinsns    %u\n", spec->insn_cnt);
	for (i = 0; i < spec->insn_cnt; i++) {
		const struct bpf_insn *in = &spec->insns[i];
		const uint8_t *b = (const uint8_t *)in;

		printf("\t%6u: %02x %02x %02x %02x %02x %02x %02x %02x"
		       "  code 0x%02x dst %u src %u off %d imm %d\n",
		       i, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		       in->code, in->dst_reg, in->src_reg, in->off, in->imm);
	}
	for (i = 0; i < spec->data_cnt; i++) {
		const struct prog_data *d = &spec->data[i];

		printf("\tdata %u   %s  size %u%s\n", i, d->name, d->size,
		       d->flags & CGADDR_DATA_F_RDONLY ? "  rdonly" : "");
	}
	for (i = 0; i < spec->map_cnt; i++) {
		const struct prog_map *m = &spec->maps[i];

		printf("\tmap %u    %s  type %u  key %u  value %u  max_entries %u  flags 0x%x\n",
		       i, m->name, m->type, m->key_size, m->value_size, m->max_entries, m->flags);
	}
}

void spec_print(const struct prog_spec *spec)
{
	if (opt_json)
		spec_print_json(spec);
	else
		spec_print_text(spec);
}
