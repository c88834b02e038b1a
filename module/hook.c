// SPDX-License-Identifier: GPL-2.0
/*
 * Generic install and removal of the hook table.
 *
 * A hook is an ftrace_ops with IPMODIFY on one function: its thunk sends
 * callers to the wrapper, unless the call comes from cgaddr itself (the
 * wrapper calling the original), which the thunk recognises by the return
 * address.  Only one IPMODIFY user may own a function, so a livepatch on
 * the same function makes installation fail with a clear message.
 */

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

#include <linux/net.h>
#include <net/sock.h>

#include "cg_scope.h"
#include "cgaddr.h"
#include "hook.h"
#include "rule.h"
#include "run.h"

struct srcu_struct cgaddr_hook_srcu;

struct cgaddr_hook cgaddr_hooks[CGADDR_HOOK_COUNT] = {
	[CGADDR_HOOK_SELFTEST] = {
		.symbol = "cgaddr_selftest_target",
		.wrapper = cgaddr_selftest_wrapper,
	},
	[CGADDR_HOOK_INET_BIND] = {
		.symbol = "inet_bind",
		.wrapper = cgaddr_wrap_inet_bind,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_BIND4),
	},
	[CGADDR_HOOK_INET6_BIND] = {
		.symbol = "inet6_bind",
		.wrapper = cgaddr_wrap_inet6_bind,
		.optional = true,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_BIND6),
	},
	[CGADDR_HOOK_STREAM_CONNECT] = {
		.symbol = "__inet_stream_connect",
		.wrapper = cgaddr_wrap_stream_connect,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_CONNECT4) | BIT(CGADDR_T_CONNECT6),
	},
	[CGADDR_HOOK_DGRAM_CONNECT] = {
		.symbol = "inet_dgram_connect",
		.wrapper = cgaddr_wrap_dgram_connect,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_CONNECT4) | BIT(CGADDR_T_CONNECT6),
	},
	[CGADDR_HOOK_UDP_SENDMSG] = {
		.symbol = "udp_sendmsg",
		.wrapper = cgaddr_wrap_udp_sendmsg,
		.arg = CGADDR_ARG_SOCK,
		.types = BIT(CGADDR_T_SENDMSG4),
	},
	[CGADDR_HOOK_UDPV6_SENDMSG] = {
		.symbol = "udpv6_sendmsg",
		.wrapper = cgaddr_wrap_udpv6_sendmsg,
		.optional = true,
		.arg = CGADDR_ARG_SOCK,
		.types = BIT(CGADDR_T_SENDMSG6),
	},
	[CGADDR_HOOK_UDP_RECVMSG] = {
		.symbol = "udp_recvmsg",
		.wrapper = cgaddr_wrap_udp_recvmsg,
		.arg = CGADDR_ARG_SOCK,
		.types = BIT(CGADDR_T_RECVMSG4),
	},
	[CGADDR_HOOK_UDPV6_RECVMSG] = {
		.symbol = "udpv6_recvmsg",
		.wrapper = cgaddr_wrap_udpv6_recvmsg,
		.optional = true,
		.arg = CGADDR_ARG_SOCK,
		.types = BIT(CGADDR_T_RECVMSG6),
	},
	[CGADDR_HOOK_INET_GETNAME] = {
		.symbol = "inet_getname",
		.wrapper = cgaddr_wrap_inet_getname,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_GETPEERNAME4) | BIT(CGADDR_T_GETSOCKNAME4),
	},
	[CGADDR_HOOK_INET6_GETNAME] = {
		.symbol = "inet6_getname",
		.wrapper = cgaddr_wrap_inet6_getname,
		.optional = true,
		.arg = CGADDR_ARG_SOCKET,
		.types = BIT(CGADDR_T_GETPEERNAME6) | BIT(CGADDR_T_GETSOCKNAME6),
	},
	/*
	 * Called by cgroup_mkdir() for the new cgroup, with cgroup_mutex
	 * held and the directory not yet visible (rule.c).  Unexported and
	 * static: found through kprobes, called through its address.
	 */
	[CGADDR_HOOK_CGROUP_MADE] = {
		.symbol = "cgroup_apply_control_enable",
		.wrapper = cgaddr_wrap_cgroup_control_enable,
		.optional = true,
	},
};

/* The socket of a call, from the hooked function's first argument. */
static __always_inline struct sock *cgaddr_hook_sk(enum cgaddr_hook_arg arg,
						   cgaddr_ftrace_regs_t *regs)
{
	void *arg0 = (void *)cgaddr_ftrace_arg0(regs);

	return arg == CGADDR_ARG_SOCKET ? ((struct socket *)arg0)->sk : arg0;
}

/*
 * Out of line, so that the callbacks' common path is a leaf function that
 * keeps nothing for later: a call the quick check did not rule out.  The
 * wrapper's own call of the original, recognised by its return address,
 * goes through; for others the whole scope list, then the cache, decide
 * whether the socket's cgroup runs any of the hook's types.
 */
static noinline void notrace cgaddr_thunk_maybe(struct ftrace_ops *ops, unsigned long parent_ip,
						cgaddr_ftrace_regs_t *regs,
						enum cgaddr_scope_answer answer)
{
	struct cgaddr_hook *hook = container_of(ops, struct cgaddr_hook, ops);
	u32 types = READ_ONCE(hook->live_types);
	struct sock *sk = cgaddr_hook_sk(hook->arg, regs);

	/* The wrapper's own call first: it needs no lookup at all. */
	if (!types || cgaddr_within_own_text(parent_ip))
		return;
	if (answer == CGADDR_SCOPE_MORE)
		answer = cgaddr_scope_check(cgaddr_sock_cgroup(sk));
	if (answer == CGADDR_SCOPE_NO)
		return;
	/* At load, the self-check's calls go to the wrappers, which find nothing. */
	if (!cgaddr_sock_has_types(sk, types) && likely(!READ_ONCE(cgaddr_selftest_running)))
		return;
	cgaddr_ftrace_redirect(regs, (unsigned long)hook->wrapper);
}

/*
 * ftrace's callbacks, one per kind of first argument so that the check
 * has no branch on it.  A call for a socket whose cgroup is in no entry's
 * scope goes on into the function untouched: without the wrapper, its
 * SRCU section and its second pass through ftrace when it calls the
 * original (functions are patched for the whole machine, most callers
 * have no programs).  That check comes first; whether the hook is active,
 * the exact types and the wrapper's own call are the rarer cases.  The
 * wrapper looks again: an attach racing with this check is seen by the
 * next call, as natively.
 */
static __always_inline void cgaddr_thunk(enum cgaddr_hook_arg arg, unsigned long parent_ip,
					 struct ftrace_ops *ops, cgaddr_ftrace_regs_t *regs)
{
	enum cgaddr_scope_answer answer;

	answer = cgaddr_scope_quick(cgaddr_sock_cgroup(cgaddr_hook_sk(arg, regs)));
	if (unlikely(answer != CGADDR_SCOPE_NO))
		cgaddr_thunk_maybe(ops, parent_ip, regs, answer);
}

static void notrace cgaddr_thunk_socket(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *ops, cgaddr_ftrace_regs_t *regs)
{
	cgaddr_thunk(CGADDR_ARG_SOCKET, parent_ip, ops, regs);
}

static void notrace cgaddr_thunk_sock(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *ops, cgaddr_ftrace_regs_t *regs)
{
	cgaddr_thunk(CGADDR_ARG_SOCK, parent_ip, ops, regs);
}

/* Hooks that are not about a socket: every call from outside the module. */
static void notrace cgaddr_thunk_always(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *ops, cgaddr_ftrace_regs_t *regs)
{
	struct cgaddr_hook *hook = container_of(ops, struct cgaddr_hook, ops);

	if (!READ_ONCE(hook->active) || cgaddr_within_own_text(parent_ip))
		return;
	cgaddr_ftrace_redirect(regs, (unsigned long)hook->wrapper);
}

static ftrace_func_t cgaddr_hook_thunk(const struct cgaddr_hook *hook)
{
	switch (hook->arg) {
	case CGADDR_ARG_SOCKET:
		return cgaddr_thunk_socket;
	case CGADDR_ARG_SOCK:
		return cgaddr_thunk_sock;
	default:
		return cgaddr_thunk_always;
	}
}

/*
 * The function's entry address, found the way kprobes finds it (which
 * works for unexported functions without kallsyms_lookup_name), adjusted
 * to the callable entry where the architecture reports another address
 * (cgaddr_kprobe_entry(), compat.h).
 */
unsigned long cgaddr_symbol_address(const char *symbol)
{
	struct kprobe kp = { .symbol_name = symbol };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return cgaddr_kprobe_entry(addr);
}

static int cgaddr_hook_install(struct cgaddr_hook *hook)
{
	int err;

	hook->target = cgaddr_symbol_address(hook->symbol);
	/* Wrappers of unexported functions call the original at this address. */
	if (!hook->target) {
		pr_err("cannot find %s (not in kallsyms?)\n", hook->symbol);
		return -ENOENT;
	}
	hook->ops.func = cgaddr_hook_thunk(hook);
	hook->ops.flags = CGADDR_FTRACE_OPS_FLAGS;

	err = ftrace_set_filter(&hook->ops, (unsigned char *)hook->symbol,
				strlen(hook->symbol), 0);
	if (err) {
		pr_err("cannot trace %s (%d): is it inlined or notrace on this kernel?\n",
		       hook->symbol, err);
		return err;
	}
	err = register_ftrace_function(&hook->ops);
	if (err) {
		if (err == -EBUSY)
			pr_err("%s is already redirected by another ftrace IPMODIFY user (a livepatch?); unload it first\n",
			       hook->symbol);
		else
			pr_err("cannot hook %s (%d)\n", hook->symbol, err);
		cgaddr_ftrace_free_filter(&hook->ops);
		return err;
	}
	hook->installed = true;
	hook->registered = true;
	return 0;
}

static void cgaddr_hook_uninstall(struct cgaddr_hook *hook)
{
	if (!hook->installed)
		return;
	WRITE_ONCE(hook->active, false);
	WRITE_ONCE(hook->live_types, 0);
	if (hook->registered)
		unregister_ftrace_function(&hook->ops);
	hook->registered = false;
	cgaddr_ftrace_free_filter(&hook->ops);
	hook->installed = false;
}

/*
 * A function is patched only while programs of a type it serves are
 * attached somewhere: without policy, the kernel runs exactly as without
 * cgaddr (its fentry call site is a NOP again).  Tasks already redirected
 * when a hook is unpatched finish in the wrapper, which stays loaded.
 */
int cgaddr_hook_set_active(enum cgaddr_hook_id id, bool active)
{
	struct cgaddr_hook *hook = &cgaddr_hooks[id];
	int err;

	if (!hook->installed)
		return active ? -ENODEV : 0;
	if (active && !hook->registered) {
		err = register_ftrace_function(&hook->ops);
		if (err) {
			pr_err("cannot hook %s again (%d)%s\n", hook->symbol, err,
			       err == -EBUSY ? ": another ftrace IPMODIFY user (a livepatch?) owns it" : "");
			return err;
		}
		hook->registered = true;
	}
	WRITE_ONCE(hook->active, active);
	WRITE_ONCE(hook->live_types, active ? hook->types : 0);
	if (!active && hook->registered) {
		unregister_ftrace_function(&hook->ops);
		hook->registered = false;
	}
	return 0;
}

void cgaddr_hooks_park(void)
{
	int i;

	for (i = 0; i < CGADDR_HOOK_COUNT; i++)
		if (cgaddr_hooks[i].installed)
			cgaddr_hook_set_active(i, false);
}

/*
 * Wait until no task can be inside (or about to enter, or returning from)
 * a wrapper.  Order matters: first tasks that were redirected but have not
 * yet entered the SRCU section, then the SRCU readers (which may sleep in
 * the original function for a long time), then the wrappers' epilogues.
 */
static void cgaddr_hooks_quiesce(void)
{
	cgaddr_sync_tasks();
	synchronize_srcu(&cgaddr_hook_srcu);
	cgaddr_sync_tasks();
}

void cgaddr_hooks_remove(void)
{
	int i;

	for (i = CGADDR_HOOK_COUNT - 1; i >= 0; i--)
		cgaddr_hook_uninstall(&cgaddr_hooks[i]);
	cgaddr_hooks_quiesce();
	cleanup_srcu_struct(&cgaddr_hook_srcu);
}

int cgaddr_hooks_install(void)
{
	int i, err;

	err = init_srcu_struct(&cgaddr_hook_srcu);
	if (err)
		return err;
	for (i = 0; i < CGADDR_HOOK_COUNT; i++) {
		struct cgaddr_hook *hook = &cgaddr_hooks[i];

		err = cgaddr_hook_install(hook);
		if (err && hook->optional && err != -EBUSY) {
			pr_info("%s not hooked; its programs will not run\n",
				hook->symbol);
			continue;
		}
		if (err)
			goto fail;
	}
	return 0;
fail:
	cgaddr_hooks_remove();
	return err;
}
