// SPDX-License-Identifier: GPL-2.0
/* The table of loaded programs and their lifetime. */
#include <linux/idr.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "cgaddr.h"
#include "map.h"
#include "prog.h"
#include "vm.h"

static DEFINE_IDR(cgaddr_prog_idr);	/* under cgaddr_mutex */

/* No run of @prog can hold a map value any more. */
void cgaddr_prog_put_maps(struct cgaddr_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->nmaps; i++)
		cgaddr_map_put(prog->maps[i]);
	kfree(prog->maps);
	prog->maps = NULL;
	prog->nmaps = 0;
}

static void cgaddr_prog_free_rcu(struct rcu_head *head)
{
	struct cgaddr_prog *prog = container_of(head, struct cgaddr_prog, rcu);

	cgaddr_vm_free(prog->vm);
	cgaddr_prog_put_maps(prog);
	free_percpu(prog->stats);
	kfree(prog);
	atomic_dec(&cgaddr_objects.programs);
}

void cgaddr_prog_put(struct cgaddr_prog *prog)
{
	/*
	 * The last reference may go from an RCU callback (an effective array
	 * freed after a grace period): no reader can still run the program,
	 * but defer the free once more so this is safe from any context.
	 */
	if (prog && refcount_dec_and_test(&prog->ref))
		call_rcu(&prog->rcu, cgaddr_prog_free_rcu);
}

struct cgaddr_prog *cgaddr_prog_find(u32 id)
{
	lockdep_assert_held(&cgaddr_mutex);
	return id ? idr_find(&cgaddr_prog_idr, id) : NULL;
}

struct cgaddr_prog *cgaddr_prog_next(u32 *id)
{
	int next = *id;
	struct cgaddr_prog *prog;

	lockdep_assert_held(&cgaddr_mutex);
	prog = idr_get_next(&cgaddr_prog_idr, &next);
	*id = next;
	return prog;
}

int cgaddr_prog_register(struct cgaddr_prog *prog)
{
	int id;

	lockdep_assert_held(&cgaddr_mutex);
	/* Ids grow and are not reused soon, as the kernel's prog ids. */
	id = idr_alloc_cyclic(&cgaddr_prog_idr, prog, 1, INT_MAX, GFP_KERNEL);
	if (id < 0)
		return id;
	prog->id = id;
	refcount_set(&prog->ref, 1);
	atomic_inc(&cgaddr_objects.programs);
	return 0;
}

int cgaddr_prog_unregister(u32 id)
{
	struct cgaddr_prog *prog = cgaddr_prog_find(id);
	u32 i;

	if (!prog)
		return -ENOENT;
	if (prog->attach_cnt)
		return -EBUSY;
	idr_remove(&cgaddr_prog_idr, id);
	for (i = 0; i < prog->nmaps; i++)
		cgaddr_map_unuse(prog->maps[i]);
	cgaddr_prog_put(prog);
	return 0;
}

void cgaddr_prog_stats_sum(const struct cgaddr_prog *prog, struct cgaddr_prog_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct cgaddr_prog_stats *s = per_cpu_ptr(prog->stats, cpu);

		sum->runs += READ_ONCE(s->runs);
		sum->allows += READ_ONCE(s->allows);
		sum->denies += READ_ONCE(s->denies);
		sum->rewrites += READ_ONCE(s->rewrites);
		sum->faults += READ_ONCE(s->faults);
		sum->budget_aborts += READ_ONCE(s->budget_aborts);
		sum->run_time_ns += READ_ONCE(s->run_time_ns);
	}
}

/* After every attachment is gone: drop the table's references. */
void cgaddr_prog_exit(void)
{
	struct cgaddr_prog *prog;
	int id;

	mutex_lock(&cgaddr_mutex);
	idr_for_each_entry(&cgaddr_prog_idr, prog, id)
		cgaddr_prog_put(prog);
	idr_destroy(&cgaddr_prog_idr);
	mutex_unlock(&cgaddr_mutex);
}
