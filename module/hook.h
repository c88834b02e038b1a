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
	CGADDR_HOOK_STREAM_CONNECT,	/* __inet_stream_connect: TCP, also TFO */
	CGADDR_HOOK_DGRAM_CONNECT,	/* inet_dgram_connect: UDP */
	CGADDR_HOOK_UDP_SENDMSG,
	CGADDR_HOOK_UDPV6_SENDMSG,
	CGADDR_HOOK_UDP_RECVMSG,
	CGADDR_HOOK_UDPV6_RECVMSG,
	CGADDR_HOOK_INET_GETNAME,
	CGADDR_HOOK_INET6_GETNAME,
	CGADDR_HOOK_CGROUP_MADE,	/* cgroup_apply_control_enable: rules */
	CGADDR_HOOK_COUNT,
};

/* What a hooked function's first argument is, for the callback's check. */
enum cgaddr_hook_arg {
	CGADDR_ARG_NONE,	/* always redirect */
	CGADDR_ARG_SOCKET,	/* struct socket * */
	CGADDR_ARG_SOCK,	/* struct sock * */
};

struct cgaddr_hook {
	const char *symbol;	/* function to redirect */
	void *wrapper;		/* where its callers are sent instead */
	bool optional;		/* a missing symbol is not fatal (e.g. IPv6 off) */
	/*
	 * The types whose programs the wrapper may run, and where the socket
	 * is: a call for a socket whose cgroup runs none of them is not
	 * redirected at all (see the thunk).
	 */
	u32 types;
	enum cgaddr_hook_arg arg;

	unsigned long target;	/* entry address of @symbol, once found */
	bool installed;		/* found, traceable, and proven at load */
	bool registered;	/* its ftrace_ops is live: the function is patched */
	bool active;		/* redirect calls (else the thunk does nothing) */
	u32 live_types;		/* @types while active, else 0: one load in the callback */
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
/* After the self-check: unpatch every function until a hook is needed. */
void cgaddr_hooks_park(void);
/* Patch and redirect, or unpatch; under cgaddr_mutex.  0 or -errno. */
int cgaddr_hook_set_active(enum cgaddr_hook_id id, bool active);

/* The selftest's target and wrapper (selftest.c). */
void cgaddr_selftest_target(void *info);
void cgaddr_selftest_wrapper(void *info);
int cgaddr_selftest(void);

/* Wrappers (hook_*.c). */
int cgaddr_wrap_inet_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len);
int cgaddr_wrap_inet6_bind(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len);
int cgaddr_wrap_stream_connect(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len,
			       int flags, int is_sendmsg);
int cgaddr_wrap_dgram_connect(struct socket *sock, cgaddr_sockaddr_t *uaddr, int addr_len,
			      int flags);
int cgaddr_wrap_udp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int cgaddr_wrap_udpv6_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int cgaddr_wrap_udp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len CGADDR_RECVMSG_PARAMS);
int cgaddr_wrap_udpv6_recvmsg(struct sock *sk, struct msghdr *msg, size_t len CGADDR_RECVMSG_PARAMS);
int cgaddr_wrap_inet_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
int cgaddr_wrap_inet6_getname(struct socket *sock, struct sockaddr *uaddr, int peer);

/*
 * The original function of hook @id, for wrappers whose original the
 * kernel does not export: called through the address found at install
 * (its call comes from the module, so the thunk lets it through).
 */
#define CGADDR_ORIG(id, fn_type) ((fn_type)cgaddr_hooks[id].target)

#endif /* CGADDR_HOOK_H */
