/* SPDX-License-Identifier: GPL-2.0 */
/* Loaded programs: ids, names, counters, and their validated VM form. */
#ifndef CGADDR_PROG_H
#define CGADDR_PROG_H

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <uapi/cgaddr.h>

#include "types.h"

struct cgaddr_vm_prog;
struct cgaddr_map;

struct cgaddr_prog_stats {
	u64 runs;
	u64 allows;
	u64 denies;
	u64 rewrites;
	u64 faults;
	u64 budget_aborts;
	u64 run_time_ns;
};

struct cgaddr_prog {
	refcount_t ref;		/* the id table's, one per attachment and per effective array */
	u32 id;
	enum cgaddr_type type;	/* the expected attach type */
	u32 attach_cnt;		/* cgroups it is attached to; under cgaddr_mutex */
	u32 insn_cnt;
	/*
	 * It calls a helper that changes or reads the socket's state under
	 * its lock (bind, set/getsockopt) or may read a socket view: its
	 * runs need the socket locked.  Others run without it (natively the lock is
	 * always taken; nothing else a program can do depends on it).
	 */
	bool needs_lock;
	u64 load_time;		/* ns since the epoch */
	char name[CGADDR_NAME_LEN];
	char license[CGADDR_LICENSE_LEN];
	struct cgaddr_prog_stats __percpu *stats;
	struct cgaddr_vm_prog *vm;
	u32 nmaps;
	struct cgaddr_map **maps;	/* a reference on each */
	struct rcu_head rcu;
};

static inline void cgaddr_prog_hold(struct cgaddr_prog *prog)
{
	refcount_inc(&prog->ref);
}

void cgaddr_prog_put(struct cgaddr_prog *prog);
/* Drop @prog's map references (its free, or a failed load). */
void cgaddr_prog_put_maps(struct cgaddr_prog *prog);

/* With cgaddr_mutex held: the program with @id (no reference taken), or NULL. */
struct cgaddr_prog *cgaddr_prog_find(u32 id);

/* Take ownership of a validated program and give it an id. */
int cgaddr_prog_register(struct cgaddr_prog *prog);
/* Remove @id from the table; -EBUSY while attached. */
int cgaddr_prog_unregister(u32 id);
/* With cgaddr_mutex held: the next program with id >= *id, or NULL. */
struct cgaddr_prog *cgaddr_prog_next(u32 *id);

void cgaddr_prog_stats_sum(const struct cgaddr_prog *prog, struct cgaddr_prog_stats *sum);

void cgaddr_prog_exit(void);

#endif /* CGADDR_PROG_H */
