// SPDX-License-Identifier: GPL-2.0
/*
 * Load-time self-check: prove that redirection really works on this
 * kernel before trusting it with policy.
 *
 * 1. The mechanism: a function of ours, called by the kernel (through
 *    smp_call_function_single, so the caller is kernel text), must reach
 *    its wrapper, and the wrapper's own call must reach the original.
 * 2. The real hooks: a bind() on an in-kernel socket must pass through the
 *    inet_bind/inet6_bind wrappers.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/smp.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "cg_scope.h"
#include "cgaddr.h"
#include "hook.h"

struct cgaddr_selftest_info {
	int original_calls;
	int wrapper_calls;
};

bool cgaddr_selftest_running;

/* Kept out of line and global so that ftrace can find it by name. */
noinline void cgaddr_selftest_target(void *info)
{
	struct cgaddr_selftest_info *st = info;

	WRITE_ONCE(st->original_calls, st->original_calls + 1);
}

void cgaddr_selftest_wrapper(void *info)
{
	struct cgaddr_selftest_info *st = info;

	WRITE_ONCE(st->wrapper_calls, st->wrapper_calls + 1);
	cgaddr_selftest_target(info);
}

static int cgaddr_selftest_mechanism(void)
{
	struct cgaddr_selftest_info st = {};
	int cpu;

	cgaddr_hook_set_active(CGADDR_HOOK_SELFTEST, true);
	cpu = get_cpu();
	smp_call_function_single(cpu, cgaddr_selftest_target, &st, 1);
	put_cpu();
	/* A call from inside the module must not be redirected. */
	cgaddr_selftest_target(&st);
	cgaddr_hook_set_active(CGADDR_HOOK_SELFTEST, false);

	if (st.wrapper_calls != 1 || st.original_calls != 2) {
		pr_err("self-check: ftrace redirection does not work on this kernel (wrapper %d, original %d; expected 1, 2)\n",
		       st.wrapper_calls, st.original_calls);
		return -ENOSYS;
	}
	return 0;
}

static int cgaddr_selftest_bind(int family, enum cgaddr_hook_id id)
{
	struct cgaddr_hook *hook = &cgaddr_hooks[id];
	struct sockaddr_storage ss = {};
	struct socket *sock;
	unsigned long before;
	int len, err;

	if (!hook->installed)
		return 0;
	err = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (err) {
		/* IPv6 disabled at boot: nothing to check, nothing to hook. */
		pr_info("self-check: no %s socket (%d); skipping %s\n",
			family == AF_INET ? "IPv4" : "IPv6", err, hook->symbol);
		return 0;
	}
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	before = READ_ONCE(hook->hits);
	cgaddr_hook_set_active(id, true);
	err = kernel_bind(sock, (void *)&ss, len);
	cgaddr_hook_set_active(id, false);
	sock_release(sock);
	if (READ_ONCE(hook->hits) == before) {
		pr_err("self-check: bind() does not pass through the %s hook\n",
		       hook->symbol);
		return -ENOSYS;
	}
	if (err && err != -EADDRNOTAVAIL)
		pr_info("self-check: %s bind returned %d\n", hook->symbol, err);
	return 0;
}

int cgaddr_selftest(void)
{
	int err;

	WRITE_ONCE(cgaddr_selftest_running, true);
	err = cgaddr_selftest_mechanism();
	/*
	 * Nothing is attached at load: for ftrace's callback, make every
	 * socket look as if it may have programs (the wrappers find none).
	 */
	mutex_lock(&cgaddr_mutex);
	cgaddr_scope_publish_all();
	mutex_unlock(&cgaddr_mutex);
	if (!err)
		err = cgaddr_selftest_bind(AF_INET, CGADDR_HOOK_INET_BIND);
	if (!err)
		err = cgaddr_selftest_bind(AF_INET6, CGADDR_HOOK_INET6_BIND);
	mutex_lock(&cgaddr_mutex);
	cgaddr_scope_publish(cgaddr_scope_alloc(0));
	mutex_unlock(&cgaddr_mutex);
	WRITE_ONCE(cgaddr_selftest_running, false);
	if (!err)
		pr_info("self-check passed: %d hooks redirect as expected\n",
			cgaddr_hooks_installed());
	return err;
}
