/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * cgaddr control plane: the generic netlink family "cgaddr".
 *
 * This header is the contract between the kernel module and any user
 * space tool.  It is written to be read: each command says which
 * attributes it takes, which are required, and what it answers.
 *
 * ---- Family ------------------------------------------------------------
 *
 * Name CGADDR_GENL_NAME, version CGADDR_GENL_VERSION.  Attributes are
 * validated strictly: unknown attributes, wrong lengths and trailing data
 * are rejected.  Every command that changes state requires CAP_NET_ADMIN
 * in the initial user namespace (root inside a user namespace gets EPERM);
 * the listing commands are open to everybody and show what root would see
 * (programs and attachments are host-wide policy, not secrets; program
 * instructions are never returned).  Errors are negative errnos with an
 * extended-ACK message that says what was wrong.  A failed command changes
 * nothing.
 *
 * Programs are eBPF instructions (struct bpf_insn) in the "sock_addr
 * program format": the context is struct bpf_sock_addr, helper ids and
 * return codes are the kernel's (see docs/vm.md).  Attach types and attach
 * flags are the kernel's own values from <linux/bpf.h>: enum
 * bpf_attach_type (BPF_CGROUP_INET4_BIND, ...) and BPF_F_ALLOW_OVERRIDE,
 * BPF_F_ALLOW_MULTI, BPF_F_REPLACE.
 *
 * A cgroup is named either by an open file descriptor of its cgroup v2
 * directory (CGADDR_A_CGROUP_FD, resolved in the sender's file table) or
 * by its cgroup id (CGADDR_A_CGROUP_ID, the inode number of the directory,
 * as name_to_handle_at() and bpftool report it).  Give exactly one.
 *
 * ---- Commands ----------------------------------------------------------
 *
 * CGADDR_CMD_GET_INFO (do)
 *	Takes nothing.  Answers CGADDR_A_VERSION (module version string),
 *	CGADDR_A_GENL_VERSION, CGADDR_A_MAX_INSNS, CGADDR_A_BUDGET (the
 *	instruction budget per run), CGADDR_A_ATTACH_TYPES (a nest of u32
 *	CGADDR_A_ATTACH_TYPE, one per supported attach type).
 *
 * CGADDR_CMD_PROG_LOAD (do, admin)
 *	Required: CGADDR_A_PROG_INSNS (the instructions, a multiple of 8
 *	bytes), CGADDR_A_ATTACH_TYPE (the expected attach type: a program
 *	can only be attached with that type, as natively).  Optional:
 *	CGADDR_A_PROG_NAME (up to CGADDR_NAME_LEN - 1 characters),
 *	CGADDR_A_PROG_LICENSE, CGADDR_A_PROG_FLAGS (CGADDR_PROG_F_*:
 *	LARGE raises the limit of 4096 instructions to CGADDR_MAX_INSNS_LARGE),
 *	CGADDR_A_PROG_DATA (a nest of CGADDR_A_DATA entries, each a nest of
 *	CGADDR_A_DATA_NAME, CGADDR_A_DATA_BYTES, CGADDR_A_DATA_FLAGS; the
 *	n-th entry is global-data section n for BPF_PSEUDO_MAP_VALUE and
 *	BPF_PSEUDO_MAP_IDX_VALUE loads), CGADDR_A_PROG_MAPS (a nest of u32
 *	CGADDR_A_MAP_ID; the n-th is map n for BPF_PSEUDO_MAP_FD and
 *	BPF_PSEUDO_MAP_IDX loads; the program holds a reference on each;
 *	ENOENT for an unknown id).  The program is validated; on
 *	success the answer is CGADDR_A_PROG_ID, else EINVAL (or E2BIG)
 *	with the validator's message, e.g.
 *	"insn 12: write to read-only ctx field 'family'".
 *
 * CGADDR_CMD_PROG_DEL (do, admin)
 *	Required: CGADDR_A_PROG_ID.  ENOENT if there is no such program,
 *	EBUSY if it is still attached somewhere (detach it first).
 *
 * CGADDR_CMD_PROG_GET (do with CGADDR_A_PROG_ID, or dump of all)
 *	Answers per program: CGADDR_A_PROG_ID, CGADDR_A_PROG_NAME,
 *	CGADDR_A_ATTACH_TYPE, CGADDR_A_PROG_INSN_CNT, CGADDR_A_PROG_LICENSE,
 *	CGADDR_A_PROG_LOAD_TIME (ns since the epoch), CGADDR_A_PROG_ATTACH_CNT
 *	(cgroups it is attached to) and CGADDR_A_PROG_STATS, a nest of u64
 *	counters: CGADDR_A_STAT_RUNS, _ALLOWS, _DENIES, _REWRITES (runs
 *	that changed the address or port), _FAULTS (runtime faults: out of
 *	bounds, bad helper argument, ...), _BUDGET_ABORTS (runs that
 *	exhausted the instruction budget; also counted as faults),
 *	_RUN_TIME_NS (cumulative); CGADDR_A_PROG_MAPS if it uses maps.
 *
 * CGADDR_CMD_ATTACH (do, admin)
 *	Required: the cgroup, CGADDR_A_ATTACH_TYPE, CGADDR_A_PROG_ID.
 *	Optional: CGADDR_A_ATTACH_FLAGS (BPF_F_ALLOW_OVERRIDE or
 *	BPF_F_ALLOW_MULTI, plus BPF_F_REPLACE with CGADDR_A_REPLACE_PROG_ID).
 *	The kernel's rules apply: EINVAL for a program whose expected attach
 *	type differs, for OVERRIDE together with MULTI, for REPLACE without
 *	MULTI or without a replace id, and for attaching the same program
 *	twice with MULTI; EPERM when an ancestor's attachment forbids it or
 *	when the flags differ from those already used in this cgroup; E2BIG
 *	beyond CGADDR_MAX_PROGS programs; ENOENT for an unknown replace id.
 *	Without MULTI, attaching replaces the cgroup's program.
 *
 * CGADDR_CMD_DETACH (do, admin)
 *	Required: the cgroup, CGADDR_A_ATTACH_TYPE.  CGADDR_A_PROG_ID is
 *	required when the cgroup's programs were attached with MULTI;
 *	otherwise the single program is detached.  ENOENT when nothing
 *	matches.
 *
 * CGADDR_CMD_QUERY (dump)
 *	Optional: the cgroup (default: every cgroup with attachments),
 *	CGADDR_A_ATTACH_TYPE (default: all types), CGADDR_A_QUERY_FLAGS
 *	(CGADDR_QUERY_F_EFFECTIVE: the programs that run for the cgroup, in
 *	order, instead of those attached to it).  One answer per cgroup and
 *	attach type with programs: CGADDR_A_CGROUP_ID, CGADDR_A_CGROUP_PATH
 *	(relative to the reader's cgroup namespace root), CGADDR_A_CGROUP_GONE
 *	(flag: the cgroup was removed; its attachments are being released),
 *	CGADDR_A_ATTACH_TYPE, CGADDR_A_ATTACH_FLAGS, CGADDR_A_PROG_IDS (a nest
 *	of u32 CGADDR_A_PROG_ID in run order).
 *
 * CGADDR_CMD_TEST_RUN (do, admin)
 *	Runs a loaded program once on a given context, outside any socket
 *	call, for debugging programs and for conformance tests.
 *	Required: CGADDR_A_PROG_ID, CGADDR_A_TEST_CTX (struct bpf_sock_addr,
 *	72 bytes; the sk field is ignored).  Optional: CGADDR_A_TEST_SK
 *	(struct bpf_sock, what ctx->sk shows; zeros otherwise).  Answers
 *	CGADDR_A_TEST_RETVAL (u64, r0), CGADDR_A_TEST_CTX (the context after
 *	the run), CGADDR_A_TEST_INSN_CNT (instructions executed),
 *	CGADDR_A_TEST_FAULT (0, or the CGADDR_FAULT_* that ended the run)
 *	and CGADDR_A_TEST_DURATION_NS.  Helpers that need a socket or the
 *	calling task see the caller's; bind (64) fails with EINVAL.
 *
 * ---- Rules -------------------------------------------------------------
 *
 * A rule attaches programs to every cgroup whose path matches a pattern:
 * to those that exist when it is added, and to each one made later from
 * the moment it is made, before its directory is visible (so before any
 * task can be in it).  Patterns are paths relative to the cgroup2 root,
 * as in "system.slice/nginx.service"; within a component '*' matches any
 * run of characters and '?' one, neither crossing '/'; a component "**"
 * matches any number of components, none included; nothing else is
 * special.  The attachments are ordinary ones, with the kernel's flag
 * rules; a rule never replaces a program attached by someone else (its
 * entries without MULTI are refused where the cgroup has a program of
 * that type: EEXIST).  If a new cgroup cannot get a matching rule's
 * programs, its mkdir fails with that error: policy fails closed.
 *
 * CGADDR_CMD_RULE_ADD (do, admin)
 *	Required: CGADDR_A_RULE_PATTERN, CGADDR_A_RULE_PROGS (a nest of
 *	CGADDR_A_RULE_PROG, each a nest of CGADDR_A_ATTACH_TYPE,
 *	CGADDR_A_PROG_ID and optional CGADDR_A_ATTACH_FLAGS: none,
 *	BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI; at most
 *	CGADDR_MAX_RULE_PROGS).  Optional: CGADDR_A_RULE_NAME (who made it,
 *	e.g. "pin", "apply"; up to CGADDR_NAME_LEN - 1 characters).  The
 *	rule holds a reference on each program (PROG_DEL says EBUSY).  Every
 *	existing matching cgroup gets the programs, or the command fails and
 *	changes nothing (the message names the cgroup).  Answers
 *	CGADDR_A_RULE_ID.  EOPNOTSUPP where cgroup creation cannot be hooked.
 *
 * CGADDR_CMD_RULE_DEL (do, admin)
 *	Required: CGADDR_A_RULE_ID.  Detaches the rule's programs from every
 *	cgroup where the rule attached them, and drops the rule.
 *
 * CGADDR_CMD_RULE_REPLACE (do, admin)
 *	Required: CGADDR_A_RULE_ID, CGADDR_A_RULE_PROGS with as many entries
 *	as the rule has, each with the attach type and flags of the entry at
 *	its position; optional CGADDR_A_RULE_NAME renames it.  Each program
 *	is replaced in place (MULTI with REPLACE) in every cgroup where the
 *	rule is in force, so there is no moment without policy (where the new
 *	program is attached already, the old one is only detached); cgroups
 *	made later get the new programs.  On failure everything is put back.
 *
 * CGADDR_CMD_RULE_GET (do with CGADDR_A_RULE_ID, or dump of all)
 *	Answers per rule: CGADDR_A_RULE_ID, CGADDR_A_RULE_NAME,
 *	CGADDR_A_RULE_PATTERN, CGADDR_A_RULE_PROGS (as above) and
 *	CGADDR_A_RULE_CGROUPS, a nest of CGADDR_A_RULE_CGROUP nests
 *	(CGADDR_A_CGROUP_ID, CGADDR_A_CGROUP_PATH): the live cgroups where it
 *	is in force now.
 *
 * ---- Monitor -----------------------------------------------------------
 *
 * Multicast group CGADDR_MCGRP_MONITOR ("monitor"), in the initial network
 * namespace; joining needs CAP_NET_ADMIN there (on kernels with genetlink
 * multicast permissions, 6.1 and later; on 5.10 anyone may join).
 *
 * CGADDR_CMD_TRACE_EVENT (event, never a request)
 *	One per bpf_trace_printk() call of a program: CGADDR_A_PROG_ID, the
 *	calling task's CGADDR_A_TRACE_PID (u32, tgid as seen from the
 *	initial pid namespace) and CGADDR_A_TRACE_COMM (string), and
 *	CGADDR_A_TRACE_TEXT (string: the formatted text, at most 511 bytes).
 *	Events are not rate-limited (the kernel log copy is); a listener that
 *	reads too slowly loses events (ENOBUFS on its socket).
 *
 * ---- Maps ----------------------------------------------------------------
 *
 * Maps live in the module, are named by an id (CGADDR_A_MAP_ID) and have
 * the kernel's types from <linux/bpf.h>: BPF_MAP_TYPE_ARRAY,
 * BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LRU_HASH and
 * BPF_MAP_TYPE_SK_STORAGE.  A program uses maps given at load
 * (CGADDR_A_PROG_MAPS: entry n is map n of BPF_PSEUDO_MAP_FD /
 * BPF_PSEUDO_MAP_IDX loads) and holds a reference on each until it is
 * deleted.  MAP_CREATE gives the caller a handle, dropped by MAP_DEL: a map
 * is freed when it has no handle and no program uses it.  Keys and values
 * are raw bytes of exactly the map's key and value sizes.  Reading map
 * contents needs CAP_NET_ADMIN like changing them; listing maps does not.
 *
 * CGADDR_CMD_MAP_CREATE (do, admin)
 *	Required: CGADDR_A_MAP_TYPE, CGADDR_A_MAP_KEY_SIZE (1..512; 4 for
 *	arrays and SK_STORAGE), CGADDR_A_MAP_VALUE_SIZE (1..32768),
 *	CGADDR_A_MAP_MAX_ENTRIES (1..1048576; for SK_STORAGE, 0 as natively
 *	means CGADDR_SK_STORAGE_DEFAULT sockets).  Optional: CGADDR_A_MAP_NAME,
 *	CGADDR_A_MAP_FLAGS (the kernel's BPF_F_NO_PREALLOC is accepted and
 *	ignored; others are refused).  The largest size the map can reach is
 *	charged, at creation, against the module's map_memory_max parameter
 *	(ENOMEM beyond).  Answers CGADDR_A_MAP_ID.
 *
 * CGADDR_CMD_MAP_DEL (do, admin)
 *	Required: CGADDR_A_MAP_ID.  Drops the handle of MAP_CREATE: the map
 *	is freed now if no program uses it, else when the last one is
 *	deleted (it stays listed, without CGADDR_A_MAP_HANDLE, until then).
 *	ENOENT for an unknown id or a map whose handle is already dropped.
 *
 * CGADDR_CMD_MAP_GET (do with CGADDR_A_MAP_ID, or dump of all)
 *	Answers per map: CGADDR_A_MAP_ID, _NAME, _TYPE, _KEY_SIZE,
 *	_VALUE_SIZE, _MAX_ENTRIES, _FLAGS, _ENTRIES (in use), _MEMORY (bytes
 *	charged), _PROG_CNT (programs using it), CGADDR_A_MAP_HANDLE (flag:
 *	the MAP_CREATE handle is still held), CGADDR_A_MAP_NCPUS (values per
 *	key of a PERCPU_ARRAY as user space sees them).
 *
 * CGADDR_CMD_MAP_LOOKUP (do, admin)
 *	Required: CGADDR_A_MAP_ID, CGADDR_A_MAP_KEY.  Answers CGADDR_A_MAP_KEY
 *	and CGADDR_A_MAP_VALUE, or for PERCPU_ARRAY CGADDR_A_MAP_VALUES (a nest
 *	of one CGADDR_A_MAP_VALUE per possible CPU, in CPU order).  ENOENT if
 *	the key is absent.  SK_STORAGE keys are socket cookies (8 bytes) here.
 *
 * CGADDR_CMD_MAP_UPDATE (do, admin)
 *	Required: CGADDR_A_MAP_ID, CGADDR_A_MAP_KEY, CGADDR_A_MAP_VALUE (for
 *	PERCPU_ARRAY: every CPU gets it) or CGADDR_A_MAP_VALUES (PERCPU_ARRAY:
 *	one per CPU).  Optional: CGADDR_A_MAP_UPDATE_FLAGS (BPF_ANY, default;
 *	BPF_NOEXIST: EEXIST if present; BPF_EXIST: ENOENT if absent).  E2BIG
 *	when a HASH map is full or an array index is out of range.
 *
 * CGADDR_CMD_MAP_DELETE (do, admin)
 *	Required: CGADDR_A_MAP_ID, CGADDR_A_MAP_KEY.  ENOENT if absent, EINVAL
 *	for arrays.
 *
 * CGADDR_CMD_MAP_DUMP (dump, admin)
 *	Required: CGADDR_A_MAP_ID.  One answer per entry, as MAP_LOOKUP's.
 *	Entries added or removed during the dump may or may not be seen.
 */
#ifndef _UAPI_CGADDR_H
#define _UAPI_CGADDR_H

#include <linux/types.h>

#define CGADDR_GENL_NAME	"cgaddr"
#define CGADDR_GENL_VERSION	1
#define CGADDR_MCGRP_MONITOR	"monitor"

#define CGADDR_NAME_LEN		16	/* as BPF_OBJ_NAME_LEN */
#define CGADDR_LICENSE_LEN	128
#define CGADDR_MAX_PROGS	64	/* per cgroup and attach type */
#define CGADDR_MAX_DATA		16	/* global-data sections per program */
/*
 * A netlink attribute carries at most 65535 - 4 bytes: the largest data
 * section, and with CGADDR_PROG_F_LARGE the largest program (8191
 * instructions; without the flag the limit is 4096, as natively).
 */
#define CGADDR_MAX_ATTR_SIZE	65531
#define CGADDR_MAX_DATA_SIZE	CGADDR_MAX_ATTR_SIZE
#define CGADDR_MAX_INSNS_LARGE	(CGADDR_MAX_ATTR_SIZE / 8)

#define CGADDR_MAX_RULES	256
#define CGADDR_MAX_RULE_PROGS	32	/* programs per rule */
#define CGADDR_RULE_PATTERN_LEN	1024	/* bytes of a pattern, the NUL included */

/* CGADDR_A_PROG_FLAGS */
#define CGADDR_PROG_F_LARGE	(1U << 0)	/* allow 1M instructions, not 4096 */

/* CGADDR_A_DATA_FLAGS */
#define CGADDR_DATA_F_RDONLY	(1U << 0)	/* stores fault */

/* Maps: SK_STORAGE's capacity when created with max_entries 0. */
#define CGADDR_SK_STORAGE_DEFAULT 65536

/* CGADDR_A_QUERY_FLAGS */
#define CGADDR_QUERY_F_EFFECTIVE (1U << 0)

/* CGADDR_A_TEST_FAULT */
enum cgaddr_fault {
	CGADDR_FAULT_NONE,
	CGADDR_FAULT_MEMORY,		/* access outside the program's regions */
	CGADDR_FAULT_HELPER,		/* bad helper argument */
	CGADDR_FAULT_BUDGET,		/* instruction budget exhausted */
	CGADDR_FAULT_CALL_DEPTH,	/* BPF-to-BPF calls nested too deep */
	CGADDR_FAULT_RETVAL,		/* return value out of the type's range */
	__CGADDR_FAULT_MAX,
};

enum cgaddr_cmd {
	CGADDR_CMD_UNSPEC,
	CGADDR_CMD_GET_INFO,
	CGADDR_CMD_PROG_LOAD,
	CGADDR_CMD_PROG_DEL,
	CGADDR_CMD_PROG_GET,
	CGADDR_CMD_ATTACH,
	CGADDR_CMD_DETACH,
	CGADDR_CMD_QUERY,
	CGADDR_CMD_TEST_RUN,

	/* monitor */
	CGADDR_CMD_TRACE_EVENT,
	/* maps */
	CGADDR_CMD_MAP_CREATE,
	CGADDR_CMD_MAP_DEL,
	CGADDR_CMD_MAP_GET,
	CGADDR_CMD_MAP_LOOKUP,
	CGADDR_CMD_MAP_UPDATE,
	CGADDR_CMD_MAP_DELETE,
	CGADDR_CMD_MAP_DUMP,
	/* rules */
	CGADDR_CMD_RULE_ADD,
	CGADDR_CMD_RULE_DEL,
	CGADDR_CMD_RULE_REPLACE,
	CGADDR_CMD_RULE_GET,

	__CGADDR_CMD_MAX,
};
#define CGADDR_CMD_MAX (__CGADDR_CMD_MAX - 1)

enum cgaddr_attr {
	CGADDR_A_UNSPEC,
	CGADDR_A_PAD,			/* alignment padding for u64 */
	CGADDR_A_VERSION,		/* string */
	CGADDR_A_GENL_VERSION,		/* u32 */
	CGADDR_A_MAX_INSNS,		/* u32 */
	CGADDR_A_BUDGET,		/* u32 */
	CGADDR_A_ATTACH_TYPES,		/* nest of CGADDR_A_ATTACH_TYPE */

	CGADDR_A_PROG_ID,		/* u32 */
	CGADDR_A_PROG_INSNS,		/* binary: struct bpf_insn[] */
	CGADDR_A_PROG_NAME,		/* string */
	CGADDR_A_PROG_LICENSE,		/* string */
	CGADDR_A_PROG_FLAGS,		/* u32: CGADDR_PROG_F_* */
	CGADDR_A_PROG_DATA,		/* nest of CGADDR_A_DATA */
	CGADDR_A_PROG_INSN_CNT,		/* u32 */
	CGADDR_A_PROG_LOAD_TIME,	/* u64: ns since the epoch */
	CGADDR_A_PROG_ATTACH_CNT,	/* u32 */
	CGADDR_A_PROG_STATS,		/* nest of CGADDR_A_STAT_* */

	CGADDR_A_DATA,			/* nest: one global-data section */
	CGADDR_A_DATA_NAME,		/* string: ".rodata", ".data", ... */
	CGADDR_A_DATA_BYTES,		/* binary */
	CGADDR_A_DATA_FLAGS,		/* u32: CGADDR_DATA_F_* */

	CGADDR_A_STAT_RUNS,		/* u64 */
	CGADDR_A_STAT_ALLOWS,		/* u64 */
	CGADDR_A_STAT_DENIES,		/* u64 */
	CGADDR_A_STAT_REWRITES,		/* u64 */
	CGADDR_A_STAT_FAULTS,		/* u64 */
	CGADDR_A_STAT_BUDGET_ABORTS,	/* u64 */
	CGADDR_A_STAT_RUN_TIME_NS,	/* u64 */

	CGADDR_A_CGROUP_FD,		/* u32 */
	CGADDR_A_CGROUP_ID,		/* u64 */
	CGADDR_A_CGROUP_PATH,		/* string */
	CGADDR_A_CGROUP_GONE,		/* flag */
	CGADDR_A_ATTACH_TYPE,		/* u32: enum bpf_attach_type */
	CGADDR_A_ATTACH_FLAGS,		/* u32: BPF_F_ALLOW_OVERRIDE, ... */
	CGADDR_A_REPLACE_PROG_ID,	/* u32 */
	CGADDR_A_QUERY_FLAGS,		/* u32: CGADDR_QUERY_F_* */
	CGADDR_A_PROG_IDS,		/* nest of CGADDR_A_PROG_ID */

	CGADDR_A_TEST_CTX,		/* binary: struct bpf_sock_addr */
	CGADDR_A_TEST_SK,		/* binary: struct bpf_sock */
	CGADDR_A_TEST_RETVAL,		/* u64 */
	CGADDR_A_TEST_INSN_CNT,		/* u64 */
	CGADDR_A_TEST_FAULT,		/* u32: enum cgaddr_fault */
	CGADDR_A_TEST_DURATION_NS,	/* u64 */

	/* monitor */
	CGADDR_A_TRACE_PID,		/* u32 */
	CGADDR_A_TRACE_COMM,		/* string */
	CGADDR_A_TRACE_TEXT,		/* string */
	/* maps */
	CGADDR_A_MAP_ID,		/* u32 */
	CGADDR_A_MAP_NAME,		/* string */
	CGADDR_A_MAP_TYPE,		/* u32: enum bpf_map_type */
	CGADDR_A_MAP_KEY_SIZE,		/* u32 */
	CGADDR_A_MAP_VALUE_SIZE,	/* u32 */
	CGADDR_A_MAP_MAX_ENTRIES,	/* u32 */
	CGADDR_A_MAP_FLAGS,		/* u32: BPF_F_NO_PREALLOC */
	CGADDR_A_MAP_KEY,		/* binary */
	CGADDR_A_MAP_VALUE,		/* binary */
	CGADDR_A_MAP_VALUES,		/* nest of CGADDR_A_MAP_VALUE, one per CPU */
	CGADDR_A_MAP_UPDATE_FLAGS,	/* u32: BPF_ANY, BPF_NOEXIST, BPF_EXIST */
	CGADDR_A_MAP_ENTRIES,		/* u32 */
	CGADDR_A_MAP_MEMORY,		/* u64: bytes charged */
	CGADDR_A_MAP_PROG_CNT,		/* u32 */
	CGADDR_A_MAP_HANDLE,		/* flag */
	CGADDR_A_MAP_NCPUS,		/* u32 */
	CGADDR_A_PROG_MAPS,		/* nest of CGADDR_A_MAP_ID */
	/* rules */
	CGADDR_A_RULE_ID,		/* u32 */
	CGADDR_A_RULE_NAME,		/* string */
	CGADDR_A_RULE_PATTERN,		/* string */
	CGADDR_A_RULE_PROGS,		/* nest of CGADDR_A_RULE_PROG */
	CGADDR_A_RULE_PROG,		/* nest: ATTACH_TYPE, PROG_ID, ATTACH_FLAGS */
	CGADDR_A_RULE_CGROUPS,		/* nest of CGADDR_A_RULE_CGROUP */
	CGADDR_A_RULE_CGROUP,		/* nest: CGROUP_ID, CGROUP_PATH */

	__CGADDR_A_MAX,
};
#define CGADDR_A_MAX (__CGADDR_A_MAX - 1)

#endif /* _UAPI_CGADDR_H */
