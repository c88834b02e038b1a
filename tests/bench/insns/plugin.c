// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin counting the guest instructions a vCPU executes
 * between two markers (marker.h), for the instruction-count benchmark.
 *
 *   qemu-system-x86_64 -smp 1 -plugin libinsns.so -d plugin -D LOG ...
 *   (or qemu-system-aarch64: arm64's markers, see marker.h)
 *
 * Every translation block adds its instruction count to one counter as it
 * starts (an inline add: no call out of the generated code).  Markers are
 * found at translation time from their bytes and get a callback that reads
 * the counter.  The counter already holds the whole block of the marker
 * when the callback runs, so each marker carries, in its callback's data,
 * how many of the block's instructions come from it to the block's end:
 * subtracting that gives the count up to the marker itself, exactly,
 * wherever the block boundaries fall.
 *
 * The count is of one vCPU, user and kernel mode alike, including any
 * interrupt taken between the markers (which only ever adds: the caller
 * takes a minimum over batches).  A block left early by an exception (a
 * page fault, say) was counted whole; this is rare on the measured paths
 * and again only adds.  The counter is not per vCPU, so more than one
 * vCPU is refused.
 *
 * Each FLUSH marker writes one line to QEMU's log:
 *
 *   insns: batch SEQ calls N sum S min M med D max X stray T
 *
 * SEQ counts from 1; N calls (START..STOP pairs) summed to S instructions,
 * the cheapest M, the median D, the dearest X; T counts STOPs without a
 * START (and STARTs with no STOP before the next START): a broken caller.
 * The median is there because a timer interrupt lands in one call of
 * ten on the longest calls (TCP connect, ~40,000 instructions): it moves
 * the sum of every batch but not the median.  It is taken over the first
 * MAX_KEPT calls of a batch.
 *
 * With the argument profile=on (-plugin libinsns.so,profile=on), every
 * block also gets a callback that, between a START and its STOP, adds
 * the block's instructions to the block's own count; before its batch
 * line, each FLUSH then writes where the batch's instructions went:
 *
 *   prof: VADDR COUNT
 *
 * for each block start address with a non-zero count (tests/bench/insns/run
 * --profile turns them into symbols).  Blocks are counted whole, so these
 * lines carry the few instructions the marker's blocks add outside the
 * call; the callbacks make the guest several times slower.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "marker.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t executed;	/* instructions of every block entered */
static uint64_t begin;		/* count at the START being measured */
static int in_call;
static uint64_t seq, calls, sum, min, max, stray;

#define MAX_KEPT	65536
static uint64_t kept[MAX_KEPT];	/* the batch's calls, for the median */

static const unsigned char mark_prefix[] = { INSNS_MARK_PREFIX };
static const unsigned char mark_magic[] = { INSNS_MARK_MAGIC };

static int arm64;	/* the guest is aarch64: markers are hints */

/* Profile mode: a count per translated block, and the ones touched. */
struct prof_block {
	uint64_t vaddr;
	uint64_t count;
	unsigned int n;
	int touched;
};
static int profile;
static struct prof_block **touched;
static size_t n_touched, cap_touched;

/* The marker kind of an arm64 instruction (little-endian word), or 0. */
static int mark_kind_a64(struct qemu_plugin_insn *insn)
{
	const unsigned char *b = qemu_plugin_insn_data(insn);
	uint32_t w;
	int k;

	if (qemu_plugin_insn_size(insn) != 4)
		return 0;
	w = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	for (k = INSNS_START; k <= INSNS_FLUSH; k++)
		if (w == INSNS_A64_MARK(k))
			return k;
	return 0;
}

/* The marker kind of an instruction, or 0. */
static int mark_kind(struct qemu_plugin_insn *insn)
{
	const unsigned char *b = qemu_plugin_insn_data(insn);

	if (arm64)
		return mark_kind_a64(insn);
	if (qemu_plugin_insn_size(insn) != INSNS_MARK_LEN ||
	    memcmp(b, mark_prefix, sizeof(mark_prefix)) ||
	    memcmp(b + 5, mark_magic, sizeof(mark_magic)))
		return 0;
	return b[4] >= INSNS_START && b[4] <= INSNS_FLUSH ? b[4] : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The lower median of the kept calls (a count that occurred), or 0. */
static uint64_t median(void)
{
	size_t n = calls < MAX_KEPT ? calls : MAX_KEPT;

	if (!n)
		return 0;
	qsort(kept, n, sizeof(kept[0]), cmp_u64);
	return kept[(n - 1) / 2];
}

static void on_block(unsigned int vcpu, void *udata)
{
	struct prof_block *b = udata;

	if (!in_call)
		return;
	if (!b->touched) {
		if (n_touched == cap_touched) {
			cap_touched = cap_touched ? 2 * cap_touched : 4096;
			touched = realloc(touched, cap_touched * sizeof(*touched));
			if (!touched) {
				fprintf(stderr, "insns plugin: out of memory\n");
				abort();
			}
		}
		touched[n_touched++] = b;
		b->touched = 1;
	}
	b->count += b->n;
}

/* One line per block the batch ran (retranslations have lines of their own). */
static void prof_flush(void)
{
	char line[64];
	size_t i;

	for (i = 0; i < n_touched; i++) {
		snprintf(line, sizeof(line), "prof: %016" PRIx64 " %" PRIu64 "\n",
			 touched[i]->vaddr, touched[i]->count);
		qemu_plugin_outs(line);
		touched[i]->count = 0;
		touched[i]->touched = 0;
	}
	n_touched = 0;
}

/* Callback data: kind in the low byte, instructions to the block's end above. */
static void on_mark(unsigned int vcpu, void *udata)
{
	uintptr_t d = (uintptr_t)udata;
	uint64_t at = executed - (d >> 8);	/* executed before this marker */
	char line[160];

	switch (d & 0xff) {
	case INSNS_START:
		if (in_call)
			stray++;
		begin = at + 1;
		in_call = 1;
		break;
	case INSNS_STOP:
		if (!in_call) {
			stray++;
			break;
		}
		in_call = 0;
		at -= begin;
		sum += at;
		if (!calls || at < min)
			min = at;
		if (at > max)
			max = at;
		if (calls < MAX_KEPT)
			kept[calls] = at;
		calls++;
		break;
	case INSNS_FLUSH:
		prof_flush();
		snprintf(line, sizeof(line),
			 "insns: batch %" PRIu64 " calls %" PRIu64 " sum %" PRIu64
			 " min %" PRIu64 " med %" PRIu64 " max %" PRIu64 " stray %" PRIu64 "\n",
			 ++seq, calls, sum, min, median(), max, stray);
		qemu_plugin_outs(line);
		calls = sum = min = max = stray = 0;
		in_call = 0;
		break;
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &executed, n);
	if (profile) {
		/* Never freed: a block's record lives as long as the run. */
		struct prof_block *b = calloc(1, sizeof(*b));

		if (!b) {
			fprintf(stderr, "insns plugin: out of memory\n");
			abort();
		}
		b->vaddr = qemu_plugin_tb_vaddr(tb);
		b->n = n;
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		int kind = mark_kind(insn);

		if (kind)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
				QEMU_PLUGIN_CB_NO_REGS,
				(void *)(((uintptr_t)(n - i) << 8) | kind));
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	if (info->system_emulation && info->system.max_vcpus > 1) {
		fprintf(stderr, "insns plugin: one counter for all vCPUs: run with -smp 1\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "profile=on")) {
			profile = 1;
		} else if (strcmp(argv[i], "profile=off")) {
			fprintf(stderr, "insns plugin: unknown argument %s (profile=on|off)\n", argv[i]);
			return -1;
		}
	}
	arm64 = !strcmp(info->target_name, "aarch64");
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
