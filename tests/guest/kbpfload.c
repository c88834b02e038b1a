// SPDX-License-Identifier: GPL-2.0
/*
 * kbpfload: load a whole BPF object natively with libbpf (as the kernel's
 * selftests load theirs: maps, BTF, subprograms, global data), and attach
 * some of its programs to a cgroup with BPF_PROG_ATTACH.  The guest's
 * reference for the kernel's own selftest programs (32-kernel-selftests);
 * bpfload, without libbpf, stays the reference for the project's objects.
 *
 *   kbpfload [-e TYPE] [-f none|multi|override] [-s NAME=VALUE]... CGROUP_DIR|- OBJ.o
 *            [PROG[:TYPE]]...
 *   kbpfload update MAP_ID KEY_HEX VALUE_HEX
 *
 * -e gives every program of the object TYPE as its expected attach type
 * instead of its section's (test_sock_addr.c's "wrong expected attach type"
 * cases).  Prints "loaded" once the object is loaded, then "attached PROG
 * TYPE" per program (to TYPE, default its expected attach type), or "error
 * ENAME" for a failed load or attach (exit 1; libbpf's and the verifier's
 * messages on stderr), then "map NAME id N" per map of the object.  -s sets
 * an integer global of .rodata/.data/.bss before the load, as a skeleton
 * would (the counterpart of cgaddr's set NAME=VALUE).  update writes one
 * element of a map by id (key and value in hex, host byte order as bytes).  With "-" nothing is attached and the object is
 * unloaded at exit.  Attachments outlive the process; `bpfload detach`
 * removes them.  TYPE is a cgaddr type name (bind4, connect6, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "attach_types.h"

static void usage(void)
{
	fprintf(stderr, "usage: kbpfload [-e TYPE] [-f none|multi|override] [-s NAME=VALUE]... "
		"CGROUP_DIR|- OBJ.o [PROG[:TYPE]]...\n"
		"       kbpfload update MAP_ID KEY_HEX VALUE_HEX\n");
	exit(2);
}

static int type_of(const char *s)
{
	int i = test_attach_type_index(s);

	if (i >= 0)
		return test_attach_types[i].type;
	fprintf(stderr, "kbpfload: unknown type %s\n", s);
	exit(2);
}

static const char *type_name(enum bpf_attach_type t)
{
	int i = test_attach_type_index_of(t);

	return i < 0 ? "?" : test_attach_types[i].name;
}

static int error(const char *what, int e)
{
	const char *name = strerrorname_np(e);

	fprintf(stderr, "kbpfload: %s: %s\n", what, strerror(e));
	printf("error %s\n", name ? name : "unknown");
	return 1;
}

/* -s NAME=VALUE: an integer variable of one of the object's data sections. */
static int set_global(struct bpf_object *obj, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	if (!eq || !btf)
		return -EINVAL;
	bpf_object__for_each_map(map, obj) {
		const char *mname = bpf_map__name(map);
		const struct btf_var_secinfo *vs;
		const struct btf_type *sec;
		char *data;
		size_t size;
		int id, i;

		if (!bpf_map__is_internal(map) || !strchr(mname, '.'))
			continue;
		id = btf__find_by_name_kind(btf, strchr(mname, '.'), BTF_KIND_DATASEC);
		/* Writable until the load (const in libbpf 1.1's prototype). */
		data = (char *)bpf_map__initial_value(map, &size);
		if (id < 0 || !data)
			continue;
		sec = btf__type_by_id(btf, id);
		vs = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);
			long long v = strtoll(eq + 1, NULL, 0);

			if (strncmp(btf__name_by_offset(btf, var->name_off), arg, eq - arg) ||
			    btf__name_by_offset(btf, var->name_off)[eq - arg] ||
			    vs->offset + vs->size > size || vs->size > sizeof(v))
				continue;
			memcpy(data + vs->offset, &v, vs->size);	/* little-endian */
			return 0;
		}
	}
	return -ENOENT;
}

static int hex_bytes(const char *hex, unsigned char *buf, size_t max)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < max) {
		unsigned int b;

		if (sscanf(hex, "%2x", &b) != 1)
			return -1;
		buf[n++] = b;
		hex += 2;
	}
	return *hex ? -1 : (int)n;
}

static int do_update(char **argv)
{
	unsigned char key[256], value[4096];
	int fd = bpf_map_get_fd_by_id(atoi(argv[0]));

	if (fd < 0)
		return error("map by id", errno);
	if (hex_bytes(argv[1], key, sizeof(key)) < 0 ||
	    hex_bytes(argv[2], value, sizeof(value)) < 0)
		usage();
	if (bpf_map_update_elem(fd, key, value, BPF_ANY))
		return error("update", errno);
	printf("updated\n");
	return 0;
}

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int expected = -1, flags = 0, c, i, cfd = -1, ret;
	struct bpf_program *prog;
	struct bpf_object *obj;

	const char *sets[16];
	int nsets = 0;

	if (argc == 5 && !strcmp(argv[1], "update"))
		return do_update(argv + 2);
	while ((c = getopt(argc, argv, "e:f:s:")) != -1) {
		if (c == 's' && nsets < 16)
			sets[nsets++] = optarg;
		else if (c == 'e')
			expected = type_of(optarg);
		else if (c == 'f' && !strcmp(optarg, "multi"))
			flags = BPF_F_ALLOW_MULTI;
		else if (c == 'f' && !strcmp(optarg, "override"))
			flags = BPF_F_ALLOW_OVERRIDE;
		else if (c == 'f' && !strcmp(optarg, "none"))
			flags = 0;
		else
			usage();
	}
	if (argc - optind < 2)
		usage();
	/* The kernel accounts BPF memory to RLIMIT_MEMLOCK before 5.11. */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	libbpf_set_print(print_all);

	obj = bpf_object__open_file(argv[optind + 1], NULL);
	if (!obj)
		return error("open", errno);
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_type(prog, BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
		if (expected >= 0)
			bpf_program__set_expected_attach_type(prog, expected);
	}
	for (i = 0; i < nsets; i++)
		if (set_global(obj, sets[i])) {
			fprintf(stderr, "kbpfload: cannot set %s\n", sets[i]);
			return 2;
		}
	ret = bpf_object__load(obj);
	if (ret)
		return error("load", -ret);
	printf("loaded\n");
	{
		struct bpf_map *map;

		bpf_object__for_each_map(map, obj) {
			struct bpf_map_info info = { 0 };
			__u32 len = sizeof(info);

			if (!bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len))
				printf("map %s id %u\n", bpf_map__name(map), info.id);
		}
	}
	if (strcmp(argv[optind], "-")) {
		cfd = open(argv[optind], O_RDONLY | O_DIRECTORY);
		if (cfd < 0)
			return error(argv[optind], errno);
	}
	for (i = optind + 2; i < argc; i++) {
		char *name = argv[i], *colon = strchr(name, ':');
		int type;

		if (colon)
			*colon = '\0';
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog) {
			fprintf(stderr, "kbpfload: no program %s\n", name);
			return 2;
		}
		type = colon ? type_of(colon + 1) : (int)bpf_program__expected_attach_type(prog);
		if (cfd < 0)
			usage();
		if (bpf_prog_attach(bpf_program__fd(prog), cfd, type, flags))
			return error("attach", errno);
		printf("attached %s %s\n", name, type_name(type));
	}
	bpf_object__close(obj);
	return 0;
}
