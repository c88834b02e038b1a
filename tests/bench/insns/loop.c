// SPDX-License-Identifier: GPL-2.0
/*
 * insns-loop: code of a known instruction count between markers, for the
 * plugin's own test (tests/bench/insns/test.sh).  Static, runs as a
 * guest's /init (then it powers the guest off).
 *
 *   insns-loop BATCHES CALLS
 *
 * For each case, BATCHES batches of CALLS calls, each batch followed by a
 * FLUSH marker and a line on stdout:
 *
 *   CASE NAME CALLS EXPECTED
 *
 * EXPECTED is the exact count of one call: "empty" has no instruction
 * between its markers; "loopN" is `mov $N,%ecx; 1: dec %ecx; jnz 1b`, or
 * 1 + 2N instructions, across as many translation blocks as QEMU makes
 * of it (a block ends at every taken branch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "marker.h"

static void flush(void)
{
	asm volatile(INSNS_MARK_ASM(INSNS_FLUSH) ::: "memory");
}

static void empty(void)
{
	asm volatile(INSNS_MARK_ASM(INSNS_START) INSNS_MARK_ASM(INSNS_STOP) ::: "memory");
}

static void loop(unsigned int n)
{
	asm volatile(INSNS_MARK_ASM(INSNS_START)
		     "mov %0, %%ecx\n\t"
		     "1: dec %%ecx\n\t"
		     "jnz 1b\n\t"
		     INSNS_MARK_ASM(INSNS_STOP)
		     :: "r"(n) : "rcx", "cc", "memory");
}

int main(int argc, char **argv)
{
	static const unsigned int ns[] = { 1, 7, 1000, 100000 };
	long batches = argc > 1 ? atol(argv[1]) : 5;
	long calls = argc > 2 ? atol(argv[2]) : 100;
	long b, c;
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (b = 0; b < batches; b++) {
		for (c = 0; c < calls; c++)
			empty();
		flush();
		printf("CASE empty %ld 0\n", calls);
	}
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		for (b = 0; b < batches; b++) {
			for (c = 0; c < calls; c++)
				loop(ns[i]);
			flush();
			printf("CASE loop%u %ld %u\n", ns[i], calls, 1 + 2 * ns[i]);
		}
	/* As a guest's /init: power off rather than make the kernel panic. */
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
