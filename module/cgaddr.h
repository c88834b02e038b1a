/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the module's files. */
#ifndef CGADDR_H
#define CGADDR_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>

#define CGADDR_VERSION "0.1.0"

/* True while the load-time self-check runs; wrappers count their hits. */
extern bool cgaddr_selftest_running;

int cgaddr_hooks_installed(void);

/* Serialises every change of programs and attachments. */
extern struct mutex cgaddr_mutex;

/*
 * Live objects, until their memory is freed (RCU-deferred frees
 * included): /sys/module/cgaddr/parameters/objects.  All zero after the
 * last program and attachment are gone.
 */
struct cgaddr_objects {
	atomic_t programs;
	atomic_t cgroups;	/* cgroups with an attachment entry */
	atomic_t maps;
};
extern struct cgaddr_objects cgaddr_objects;

/* Module parameter "enabled": 0 makes every hook pass calls through. */
extern bool cgaddr_enabled;

#endif /* CGADDR_H */
