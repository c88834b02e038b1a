// SPDX-License-Identifier: GPL-2.0
/* cgaddr info (CGADDR_CMD_GET_INFO) and cgaddr version. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "info.h"
#include "json.h"
#include "nl.h"
#include "types.h"
#include "util.h"

#define MAX_TYPES 64

struct module_info {
	char version[64];
	uint32_t genl_version;
	uint32_t max_insns;
	uint32_t budget;
	uint32_t types[MAX_TYPES];
	uint32_t ntypes;
};

static int info_reply(const nl_attrs_t tb, void *arg)
{
	struct module_info *mi = arg;
	const struct nlattr *a;

	if (tb[CGADDR_A_VERSION])
		snprintf(mi->version, sizeof(mi->version), "%s", nl_str(tb[CGADDR_A_VERSION]));
	if (tb[CGADDR_A_GENL_VERSION])
		mi->genl_version = nl_u32(tb[CGADDR_A_GENL_VERSION]);
	if (tb[CGADDR_A_MAX_INSNS])
		mi->max_insns = nl_u32(tb[CGADDR_A_MAX_INSNS]);
	if (tb[CGADDR_A_BUDGET])
		mi->budget = nl_u32(tb[CGADDR_A_BUDGET]);
	if (!tb[CGADDR_A_ATTACH_TYPES])
		return 0;
	mnl_attr_for_each_nested(a, tb[CGADDR_A_ATTACH_TYPES]) {
		if (mnl_attr_get_type(a) != CGADDR_A_ATTACH_TYPE ||
		    mnl_attr_get_payload_len(a) != sizeof(uint32_t)) {
			err("malformed answer from the module: bad attach type list");
			return -EPROTO;
		}
		if (mi->ntypes < MAX_TYPES)
			mi->types[mi->ntypes++] = mnl_attr_get_u32(a);
	}
	return 0;
}

static int get_info(struct nl *nl, struct module_info *mi)
{
	struct nl_msg *m = nl_msg_new(nl, CGADDR_CMD_GET_INFO, false, 0);
	int ret;

	if (!m)
		return -ENOMEM;
	memset(mi, 0, sizeof(*mi));
	ret = nl_talk(nl, m, info_reply, mi);
	nl_msg_free(m);
	return ret ? nl_fail(nl, ret, "info") : 0;
}

int module_attach_types(struct nl *nl, uint32_t *types, uint32_t max, uint32_t *cnt)
{
	struct module_info mi;
	uint32_t i;
	int ret;

	ret = get_info(nl, &mi);
	if (ret)
		return ret;
	for (i = 0; i < mi.ntypes && i < max; i++)
		types[i] = mi.types[i];
	*cnt = i;
	return 0;
}

static void print_info(const struct module_info *mi)
{
	uint32_t i;

	if (opt_json) {
		json_begin_object();
		json_kv_string("tool_version", CGADDR_TOOL_VERSION);
		json_kv_string("module_version", mi->version);
		json_kv_uint("genl_version", mi->genl_version);
		json_kv_uint("max_insns", mi->max_insns);
		json_kv_uint("budget", mi->budget);
		json_key("attach_types");
		json_begin_array();
		for (i = 0; i < mi->ntypes; i++)
			json_string(type_str(mi->types[i]));
		json_end_array();
		json_end_object();
		json_finish();
		return;
	}
	printf("module version   %s\n", mi->version[0] ? mi->version : "?");
	printf("tool version     %s\n", CGADDR_TOOL_VERSION);
	printf("genl version     %u\n", mi->genl_version);
	printf("max insns        %u\n", mi->max_insns);
	printf("budget           %u instructions per run\n", mi->budget);
	printf("attach types    ");
	for (i = 0; i < mi->ntypes; i++)
		printf(" %s", type_str(mi->types[i]));
	printf("%s\n", mi->ntypes ? "" : " none");
}

int do_info(int argc, char **argv)
{
	struct module_info mi;
	struct nl *nl;
	int ret;

	if (opt_help || (argc && !strcmp(argv[0], "help"))) {
		printf("Usage: cgaddr info\n\nWhat the loaded module supports: its version, the "
		       "largest program, the\ninstruction budget of one run, the attach types "
		       "whose hooks are in place.\n");
		return 0;
	}
	if (argc)
		return usage_err("info: unexpected '%s'", argv[0]);
	ret = nl_open(&nl);
	if (ret)
		return ret;
	ret = get_info(nl, &mi);
	if (!ret)
		print_info(&mi);
	nl_close(nl);
	return ret;
}

int do_version(int argc, char **argv)
{
	struct module_info mi;
	struct nl *nl = NULL;
	bool loaded;

	if (opt_help || (argc && !strcmp(argv[0], "help"))) {
		printf("Usage: cgaddr version\n\nThe versions of the tool and of the loaded "
		       "module.\n");
		return 0;
	}
	if (argc)
		return usage_err("version: unexpected '%s'", argv[0]);
	/* A missing module is not an error here: say so on stdout. */
	fflush(stdout);
	loaded = !nl_open(&nl) && !get_info(nl, &mi);
	nl_close(nl);
	if (opt_json) {
		json_begin_object();
		json_kv_string("tool_version", CGADDR_TOOL_VERSION);
		json_key("module_version");
		if (loaded)
			json_string(mi.version);
		else
			json_null();
		json_kv_uint("genl_version", CGADDR_GENL_VERSION);
		json_end_object();
		json_finish();
	} else {
		printf("cgaddr %s (control protocol %u)\n", CGADDR_TOOL_VERSION,
		       CGADDR_GENL_VERSION);
		if (loaded)
			printf("module %s (control protocol %u)\n", mi.version, mi.genl_version);
		else
			printf("module not loaded\n");
	}
	return 0;
}
