/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Markers for the instruction-counting plugin (tests/bench/insns/plugin.c).
 *
 * A marker is `nopl DISP32(%rax,%rax,1)`: an 8-byte NOP that no compiler
 * emits with these displacements ('C' 'G' 'A' + a kind byte), so the
 * plugin can recognise it from its bytes alone, at translation time, with
 * no cost on any other instruction.  It is written as bytes so that no
 * assembler can choose another encoding.
 *
 * On arm64 a marker is `hint #(0x70 + kind)`: one instruction of the
 * hint space that the architecture leaves unallocated (so it executes as
 * a NOP, and no compiler or assembler emits it by itself), recognised
 * from its 4-byte word.  The plugin picks the form from QEMU's target.
 *
 *   START  instructions are counted from the next one on
 *   STOP   ... up to the one before it: one call, added to the batch
 *   FLUSH  the batch (calls, sum, min, max) goes to QEMU's log; reset
 */
#ifndef CGADDR_INSNS_MARKER_H
#define CGADDR_INSNS_MARKER_H

#define INSNS_MARK_LEN		8
#define INSNS_MARK_PREFIX	0x0f, 0x1f, 0x84, 0x00	/* nopl disp32(%rax,%rax,1) */
#define INSNS_MARK_MAGIC	0x41, 0x47, 0x43	/* "AGC": disp32 0x434741XX */

/* Plain numbers, not an enum: they are pasted into asm strings. */
#define INSNS_START		1
#define INSNS_STOP		2
#define INSNS_FLUSH		3

#define INSNS_STR_(x)		#x
#define INSNS_STR(x)		INSNS_STR_(x)
/* arm64: HINT #imm7 is 0xd503201f | imm7 << 5 (the NOP is hint #0). */
#define INSNS_A64_HINT		0xd503201fu
#define INSNS_A64_BASE		0x70
#define INSNS_A64_MARK(k)	(INSNS_A64_HINT | (INSNS_A64_BASE + (k)) << 5)

/* For inline asm: the marker of kind K as one line. */
#if defined(__aarch64__)
#define INSNS_MARK_ASM(k)	"hint #(" INSNS_STR(INSNS_A64_BASE) " + " INSNS_STR(k) ")\n\t"
#else
#define INSNS_MARK_ASM(k)	".byte 0x0f,0x1f,0x84,0x00," INSNS_STR(k) ",0x41,0x47,0x43\n\t"
#endif

#endif
