// SPDX-License-Identifier: GPL-2.0
/* The per-CPU cgroup cache's storage (the logic is inline in cg_cache.h). */
#include <linux/percpu.h>

#include "cg_cache.h"

struct cgaddr_cache_ent __percpu *cgaddr_cache;
/* Starts above the 0 of empty slots, so that they never match. */
unsigned long cgaddr_cache_gen = 1;

int cgaddr_cache_init(void)
{
	cgaddr_cache = __alloc_percpu(sizeof(struct cgaddr_cache_ent) << CGADDR_CACHE_BITS,
				      __alignof__(struct cgaddr_cache_ent));
	return cgaddr_cache ? 0 : -ENOMEM;
}

void cgaddr_cache_exit(void)
{
	free_percpu(cgaddr_cache);
	cgaddr_cache = NULL;
}
