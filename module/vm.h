/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sock_addr program VM: load-time validator and interpreter for
 * eBPF programs written against struct bpf_sock_addr, safe without the
 * kernel's verifier.  Shared by the module and the host tests; see
 * docs/vm.md for the program format, the limits, the virtual address
 * space and every load error message.
 *
 * Life of a program:
 *   cgaddr_vm_load()  validate, analyse and pre-decode; the prepared
 *                     program owns copies of its data sections
 *   cgaddr_vm_exec()  run it, any number of times, concurrently on
 *                     different scratch areas; never fails to return
 *   cgaddr_vm_free()
 *
 * Nothing here sleeps except load and free (they allocate); exec uses
 * only the caller's scratch area and may run in atomic context.
 */
#ifndef CGADDR_VM_H
#define CGADDR_VM_H

#include "vm_shim.h"

/* ---- limits -------------------------------------------------------- */

#define CGADDR_VM_MAX_INSNS		4096	/* as the kernel's BPF_MAXINSNS */
#define CGADDR_VM_MAX_INSNS_LARGE	1000000	/* with CGADDR_VM_F_LARGE */
#define CGADDR_VM_STACK_SIZE		512	/* per frame */
#define CGADDR_VM_MAX_FRAMES		8	/* main program + 7 nested calls */
#define CGADDR_VM_DEFAULT_BUDGET	1000000	/* instructions per run */
#define CGADDR_VM_MAX_DATA		16	/* global-data sections */
#define CGADDR_VM_MAX_MAPS		64	/* map table entries (issue 6) */
#define CGADDR_VM_MAX_DYN		96	/* helper-returned regions per run */
#define CGADDR_VM_CTX_SIZE		72	/* sizeof(struct bpf_sock_addr) */
#define CGADDR_VM_SK_SIZE		80	/* sizeof(struct bpf_sock) */
#define CGADDR_VM_ERRMSG_LEN		128
/* trace_printk: text per call, NUL included (natively 1024); longer is cut. */
#define CGADDR_VM_PRINTK_LEN		512

/*
 * Bytes of caller-provided scratch memory one run needs: the stack
 * frames and the per-run state.  8-byte aligned.  The module passes a
 * per-CPU buffer with preemption disabled.
 */
#define CGADDR_VM_SCRATCH_SIZE		8192

/* ---- the virtual address space -------------------------------------- */

/*
 * Every pointer a program sees is virtual: region number in the upper
 * 32 bits, offset in the lower 32.  Nothing else is mapped; no host
 * address is ever visible to a program.
 */
#define CGADDR_VM_REGION_SHIFT	32
#define CGADDR_VM_CTX_BASE	(1ULL << 32)	/* struct bpf_sock_addr, r1 */
#define CGADDR_VM_SK_BASE	(2ULL << 32)	/* struct bpf_sock of ctx->sk */
#define CGADDR_VM_STACK_BASE	(3ULL << 32)	/* all frames */
#define CGADDR_VM_STACK_TOP	(CGADDR_VM_STACK_BASE + \
				 CGADDR_VM_MAX_FRAMES * CGADDR_VM_STACK_SIZE)
#define CGADDR_VM_DATA_BASE(i)	((u64)(16 + (i)) << 32)	/* data section i */
#define CGADDR_VM_DYN_BASE(i)	((u64)(256 + (i)) << 32) /* helper results */
#define CGADDR_VM_MAP_HANDLE(i)	((u64)(4096 + (i)) << 32) /* not mapped */

/* ---- attach types ----------------------------------------------------- */

/* Whether @attach_type (enum bpf_attach_type) is one the VM runs. */
bool cgaddr_vm_type_supported(u32 attach_type);
/* Its libbpf-style short name ("bind4", ...), or "unknown". */
const char *cgaddr_vm_type_name(u32 attach_type);
/* The return values the kernel's verifier accepts for it. */
void cgaddr_vm_type_retval(u32 attach_type, u32 *min, u32 *max);

/* ---- loading ------------------------------------------------------------ */

/* Load flags. */
#define CGADDR_VM_F_LARGE	(1U << 0)	/* allow up to 1M instructions */
/*
 * Conformance mode (tests only): r1 is a plain read-write memory region,
 * r2 its length, no context rules, no return range, and the only
 * helper is 5, which returns r1 and ends the run with r0 = 0 when r1
 * is 0 (the bpf_conformance suite's "unwind" helper).
 */
#define CGADDR_VM_F_RAW		(1U << 1)

#define CGADDR_VM_DATA_RDONLY	(1U << 0)

/* A global-data section (.rodata, .data, .bss ...), copied at load. */
struct cgaddr_vm_data {
	const void *bytes;	/* NULL: all zero (.bss) */
	u32 len;		/* 1..INT_MAX */
	u32 flags;		/* CGADDR_VM_DATA_* */
};

/* A map of the program's map table (issue 6): opaque to the VM. */
struct cgaddr_vm_map {
	void *obj;		/* passed to helpers for MAP arguments */
	u32 key_size;
	u32 value_size;
};

struct cgaddr_vm_load_attr {
	const struct bpf_insn *insns;
	u32 insn_cnt;
	u32 attach_type;	/* enum bpf_attach_type; ignored with F_RAW */
	u32 flags;		/* CGADDR_VM_F_* */
	u32 ndata;
	const struct cgaddr_vm_data *data;
	u32 nmaps;
	const struct cgaddr_vm_map *maps;
	/*
	 * Helper ids (0..255) the caller implements, as a bitmap; NULL for
	 * every helper of the VM's table.  Others fail to load.
	 */
	const u64 *helper_mask;
};

struct cgaddr_vm_error {
	s32 insn;		/* instruction index, or -1 */
	char msg[CGADDR_VM_ERRMSG_LEN];	/* "insn 12: ..." */
};

struct cgaddr_vm_prog;

/*
 * Validate and prepare a program.  0 and *progp on success; otherwise
 * -EINVAL (invalid program: @err says where and why), -E2BIG (too many
 * instructions) or -ENOMEM, with *progp untouched.
 */
int cgaddr_vm_load(const struct cgaddr_vm_load_attr *attr,
		   struct cgaddr_vm_prog **progp, struct cgaddr_vm_error *err);
void cgaddr_vm_free(struct cgaddr_vm_prog *prog);

/* Static facts about a loaded program. */
u32 cgaddr_vm_prog_attach_type(const struct cgaddr_vm_prog *prog);
u32 cgaddr_vm_prog_insn_cnt(const struct cgaddr_vm_prog *prog);
/*
 * Whether it has loads (or atomics) the loader could not resolve to the
 * stack, a context field or a data section: the only way to read the
 * ctx->sk view or other sockets' views.
 */
bool cgaddr_vm_prog_checked_loads(const struct cgaddr_vm_prog *prog);
/* Host copy of data section @i (e.g. to read .data/.bss back); NULL if none. */
void *cgaddr_vm_prog_data(const struct cgaddr_vm_prog *prog, u32 i, u32 *len);

/* ---- helpers ----------------------------------------------------------- */

/* Argument kinds of a helper prototype. */
enum cgaddr_vm_arg {
	CGADDR_VM_ARG_NONE,
	CGADDR_VM_ARG_ANY,	/* any value, passed as is (never dereference) */
	CGADDR_VM_ARG_CTX,	/* r1 exactly: host pointer to the ctx buffer */
	CGADDR_VM_ARG_CTX_OR_NULL,
	CGADDR_VM_ARG_MEM_RO,	/* readable memory, size in the next argument */
	CGADDR_VM_ARG_MEM_RW,	/* writable memory, size in the next argument */
	CGADDR_VM_ARG_SIZE,	/* 1..: the size of the previous argument */
	CGADDR_VM_ARG_SIZE0,	/* 0..: same, zero allowed (then pointer may be 0) */
	CGADDR_VM_ARG_MAP,	/* map handle: struct cgaddr_vm_map.obj */
	CGADDR_VM_ARG_MAP_KEY,	/* readable, key_size of the map argument */
	CGADDR_VM_ARG_MAP_VALUE, /* readable, value_size of the map argument */
	CGADDR_VM_ARG_MAP_VALUE_OR_NULL,
	CGADDR_VM_ARG_SOCK,	/* a socket region: its obj (see sk_view) */
};

enum cgaddr_vm_ret {
	CGADDR_VM_RET_INT,
	CGADDR_VM_RET_VOID,
	CGADDR_VM_RET_MAP_VALUE_OR_NULL,	/* via hcall.region */
	CGADDR_VM_RET_SOCK_OR_NULL,		/* via hcall.region */
};

struct cgaddr_vm_helper {
	u32 id;
	const char *name;	/* without "bpf_" */
	u16 types;		/* allowed attach types: 1 << cgaddr_vm_type_index() */
	u8 ret;			/* enum cgaddr_vm_ret */
	u8 arg[5];		/* enum cgaddr_vm_arg */
};

/* The VM's helper table entry for @id, or NULL. */
const struct cgaddr_vm_helper *cgaddr_vm_helper(u32 id);

/* Region flags, for hcall.region and sk views. */
#define CGADDR_VM_R_WRITE	(1U << 0)	/* program may store */
#define CGADDR_VM_R_SOCK	(1U << 1)	/* a struct bpf_sock view */
#define CGADDR_VM_R_REF		(1U << 2)	/* holds a reference: put() at end */

/* A host memory region handed to the program (map value, socket view). */
struct cgaddr_vm_region {
	void *host;		/* NULL: the helper returns 0 */
	u32 len;
	u32 flags;		/* CGADDR_VM_R_* */
	void *obj;		/* the caller's object (socket...) */
};

/*
 * One helper call, arguments already checked: pointer arguments are host
 * pointers with their size checked against the region they fall in
 * (MEM_*, MAP_KEY/VALUE), MAP arguments are the map's obj, SOCK
 * arguments the region's obj, CTX the ctx buffer.
 */
struct cgaddr_vm_hcall {
	u32 id;
	u64 arg[5];
	u64 ret;		/* scalar result (RET_INT) */
	struct cgaddr_vm_region region;	/* pointer result (RET_*_OR_NULL) */
	const struct cgaddr_vm_map *map; /* the MAP argument, if any */
};

struct cgaddr_vm_ops {
	/*
	 * Implement helper c->id.  Return 0, or non-zero to end the run with
	 * CGADDR_VM_FAULT_HELPER (not implemented, or an error the program
	 * must not see).
	 */
	int (*call)(void *env, struct cgaddr_vm_hcall *c);
	/*
	 * The ctx->sk view, asked once per run, at the first access (load
	 * through the pointer, or a SOCK helper argument): fill @r with a
	 * struct bpf_sock (CGADDR_VM_SK_SIZE bytes, dst_port's padding zero)
	 * that stays valid until exec returns; obj is what SOCK arguments
	 * pass.  Return non-zero if there is none (the run faults).
	 */
	int (*sk_view)(void *env, struct cgaddr_vm_region *r);
	/* Drop a CGADDR_VM_R_REF region's reference (optional). */
	void (*put)(void *env, struct cgaddr_vm_region *r);
};

/* ---- running ----------------------------------------------------------- */

enum cgaddr_vm_fault {
	CGADDR_VM_OK,
	CGADDR_VM_FAULT_MEM,		/* address outside every region */
	CGADDR_VM_FAULT_BOUNDS,		/* past the end of a region */
	CGADDR_VM_FAULT_RDONLY,		/* store to a read-only region */
	CGADDR_VM_FAULT_CTX,		/* ctx or socket access the type forbids */
	CGADDR_VM_FAULT_ATOMIC,		/* atomic op where none is allowed */
	CGADDR_VM_FAULT_ALIGN,		/* misaligned atomic op */
	CGADDR_VM_FAULT_BUDGET,		/* instruction budget exhausted */
	CGADDR_VM_FAULT_DEPTH,		/* more than CGADDR_VM_MAX_FRAMES */
	CGADDR_VM_FAULT_HELPER_ARG,	/* helper argument not a valid region */
	CGADDR_VM_FAULT_HELPER,		/* helper failed (ops->call) */
	CGADDR_VM_FAULT_RETVAL,		/* return value outside the type's range */
	CGADDR_VM_FAULT_NO_SK,		/* no ctx->sk view (ops->sk_view) */
	CGADDR_VM_FAULT_REGIONS,	/* too many helper-returned regions */
	CGADDR_VM_FAULT_REF_LEAK,	/* exited holding a socket reference */
	CGADDR_VM_FAULT_ARGS,		/* bad run arguments (scratch, ctx) */
	CGADDR_VM_NFAULTS
};

/* "out-of-bounds access", ... (never NULL). */
const char *cgaddr_vm_fault_str(int fault);

struct cgaddr_vm_run {
	/* in */
	void *ctx;		/* struct bpf_sock_addr (72 bytes); F_RAW: memory */
	u32 ctx_len;		/* F_RAW only: length of @ctx (0: r1 = 0) */
	u64 budget;		/* instructions; 0: CGADDR_VM_DEFAULT_BUDGET */
	const struct cgaddr_vm_ops *ops;	/* NULL: no helpers, no sk */
	void *env;		/* passed to every op */
	void *scratch;		/* CGADDR_VM_SCRATCH_SIZE bytes, 8-aligned */
	/* out */
	u64 r0;			/* the return value (valid when !fault) */
	u64 insn_cnt;		/* instructions executed, faulting one included */
	u32 fault;		/* enum cgaddr_vm_fault */
	s32 fault_insn;		/* instruction index of the fault, or -1 */
};

/*
 * Run @prog once.  Returns run->fault.  On a fault the run stopped at
 * fault_insn: the ctx buffer may be partly rewritten and must not be
 * used (deny, or leave the address untouched for recvmsg/getname).
 */
int cgaddr_vm_exec(const struct cgaddr_vm_prog *prog, struct cgaddr_vm_run *run);

/*
 * Dense index of the 12 INET attach types (the order of the table in
 * docs/vm.md: bind4, bind6, connect4, connect6, sendmsg4, sendmsg6,
 * recvmsg4, recvmsg6, getpeername4, getpeername6, getsockname4,
 * getsockname6), as used by struct cgaddr_vm_helper.types; -1 if
 * unsupported.
 */
int cgaddr_vm_type_index(u32 attach_type);

#endif /* CGADDR_VM_H */
