/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the module's files. */
#ifndef CGADDR_H
#define CGADDR_H

#include <linux/mutex.h>
#include <linux/types.h>

#define CGADDR_VERSION "0.1.0"

/* True while the load-time self-check runs; wrappers count their hits. */
extern bool cgaddr_selftest_running;

int cgaddr_hooks_installed(void);

/* Serialises every change of programs and attachments. */
extern struct mutex cgaddr_mutex;

#endif /* CGADDR_H */
