// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the object loader (tools/obj.c, tools/reloc.c): every input must
 * end in programs or in an error, never in a crash, a leak or undefined
 * behaviour.  Built with ASan and UBSan.
 *
 *   fuzz-obj [-n ITERATIONS] [-s SEED] [-v] FILE.o...
 *
 * runs each FILE, then ITERATIONS mutations of it (bytes flipped or set,
 * header and section-table words overwritten with edge values, the file
 * truncated), deterministically for a SEED.  Built with -DLIBFUZZER it is
 * a libFuzzer target instead (clang -fsanitize=fuzzer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/json.h"
#include "../../tools/obj.h"
#include "../../tools/reloc.h"
#include "../../tools/spec.h"
#include "../../tools/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long loaded;

static void try_opts(const struct obj *obj, const struct load_opts *o)
{
	struct prog_spec *specs;
	uint32_t cnt, i;

	if (obj_build_progs(obj, o, &specs, &cnt))
		return;
	loaded++;
	for (i = 0; i < cnt; i++) {
		opt_json = i & 1;
		spec_print(&specs[i]);
		if (opt_json)
			json_finish();
		spec_free(&specs[i]);
	}
	free(specs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_opts o = { 0 };
	struct obj *obj;
	uint8_t *copy;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (obj_open_image("fuzz", copy, size, &obj))
		return 0;
	try_opts(obj, &o);
	/* Programs in sections of any name, too. */
	o.type = type_by_name("bind4");
	try_opts(obj, &o);
	obj_close(obj);
	return 0;
}

#ifndef LIBFUZZER
static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const uint64_t edge[] = {
	0, 1, 2, 7, 8, 0x40, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000,
	0xffffffff, 0xffffffffffffffffULL, 0x100000000ULL,
};

/* A byte offset, biased to the ELF header and the section header table. */
static size_t where(const uint8_t *buf, size_t size)
{
	uint64_t shoff = 0;

	if (size >= 0x30)
		memcpy(&shoff, buf + 0x28, sizeof(shoff));
	switch (next() % 4) {
	case 0:
		return next() % (size < 64 ? size : 64);
	case 1:
		if (shoff < size)
			return shoff + next() % (size - shoff);
		/* fall through */
	default:
		return next() % size;
	}
}

static void mutate(uint8_t *buf, size_t *size)
{
	unsigned int n = 1 + next() % 8;
	size_t at, len;
	uint64_t v;

	while (n-- && *size) {
		at = where(buf, *size);
		switch (next() % 6) {
		case 0:
			buf[at] ^= 1 << (next() % 8);
			break;
		case 1:
			buf[at] = next();
			break;
		case 2:
			buf[at] = next() & 1 ? 0 : 0xff;
			break;
		case 3:
		case 4:
			v = edge[next() % (sizeof(edge) / sizeof(edge[0]))];
			len = next() & 1 ? 8 : 4;
			at &= ~(len - 1);
			if (at + len <= *size)
				memcpy(buf + at, &v, len);
			break;
		default:
			if (next() % 4 == 0)
				*size = next() % *size;
			break;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long iterations = 1000, runs = 0, i;
	uint64_t seed = 1;
	bool verbose = false;
	int opt, k, out;

	while ((opt = getopt(argc, argv, "n:s:v")) != -1) {
		if (opt == 'n')
			iterations = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else if (opt == 'v')
			verbose = true;
		else
			return 2;
	}
	/*
	 * The loader's messages go to /dev/null through the stdio streams;
	 * file descriptor 2 stays open, so a sanitizer's report (written to
	 * the descriptor, not the stream) still reaches whoever runs this.
	 */
	out = dup(STDOUT_FILENO);
	if (out < 0 || !freopen("/dev/null", "w", stdout))
		return 2;
	if (!verbose) {
		FILE *null = fopen("/dev/null", "w");

		if (!null)
			return 2;
		stderr = null;
	}
	for (k = optind; k < argc; k++) {
		uint8_t *orig, *buf;
		size_t size, len;

		if (read_file(argv[k], 1 << 24, &orig, &size))
			return 2;
		buf = malloc(size ? size : 1);
		if (!buf)
			return 2;
		rng = seed * 0x9e3779b97f4a7c15ULL + k;
		LLVMFuzzerTestOneInput(orig, size);
		runs++;
		for (i = 0; i < iterations; i++) {
			memcpy(buf, orig, size);
			len = size;
			mutate(buf, &len);
			LLVMFuzzerTestOneInput(buf, len);
			runs++;
		}
		free(buf);
		free(orig);
	}
	dprintf(out, "%lu inputs, %lu loaded\n", runs, loaded);
	return 0;
}
#endif
