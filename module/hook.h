/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function redirection through ftrace, declared as data: each hook names a
 * kernel function and the wrapper that replaces it.  One generic path
 * installs and removes them all.
 */
#ifndef CGADDR_HOOK_H
#define CGADDR_HOOK_H

#include <linux/ftrace.h>
#include <linux/srcu.h>
#include <linux/types.h>

enum cgaddr_hook_id {
	CGADDR_HOOK_SELFTEST,	/* a function of ours, for the load-time check */
	CGADDR_HOOK_INET_BIND,
	CGADDR_HOOK_INET6_BIND,
	CGADDR_HOOK_COUNT,
};

struct cgaddr_hook {
	const char *symbol;	/* function to redirect */
	void *wrapper;		/* where its callers are sent instead */
	bool optional;		/* a missing symbol is not fatal (e.g. IPv6 off) */

	unsigned long target;	/* entry address of @symbol, once found */
	bool installed;
	bool active;		/* redirect calls (else the thunk does nothing) */
	unsigned long hits;	/* wrapper entries seen by the self-check */
	struct ftrace_ops ops;
};

extern struct cgaddr_hook cgaddr_hooks[CGADDR_HOOK_COUNT];

/*
 * Every wrapper runs inside this SRCU read section, so removal can wait
 * for callers that sleep inside the original function.
 */
extern struct srcu_struct cgaddr_hook_srcu;

/* The entry address of a kernel function, exported or not; 0 if none. */
unsigned long cgaddr_symbol_address(const char *symbol);

int cgaddr_hooks_install(void);
void cgaddr_hooks_remove(void);
void cgaddr_hook_set_active(enum cgaddr_hook_id id, bool active);

/* The selftest's target and wrapper (selftest.c). */
void cgaddr_selftest_target(void *info);
void cgaddr_selftest_wrapper(void *info);
int cgaddr_selftest(void);

/* Wrappers (hook_*.c). */
int cgaddr_wrap_inet_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len);
int cgaddr_wrap_inet6_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len);

#endif /* CGADDR_HOOK_H */
