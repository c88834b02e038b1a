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
/* For inline asm: the marker of kind K as one .byte line. */
#define INSNS_MARK_ASM(k)	".byte 0x0f,0x1f,0x84,0x00," INSNS_STR(k) ",0x41,0x47,0x43\n\t"

#endif
