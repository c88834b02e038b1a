// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr: cgroup sock_addr programs on stock kernels, without the kernel's
 * BPF subsystem.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "attach.h"
#include "cgaddr.h"
#include "helpers.h"
#include "hook.h"
#include "netlink.h"
#include "prog.h"
#include "run.h"

DEFINE_MUTEX(cgaddr_mutex);

int cgaddr_hooks_installed(void)
{
	int i, n = 0;

	for (i = 0; i < CGADDR_HOOK_COUNT; i++)
		n += cgaddr_hooks[i].installed;
	return n;
}

/*
 * Order: the state the wrappers read first (the self-check already sends
 * binds through them), then the hooks and their self-check, so a kernel
 * they cannot work on refuses the module early; the control plane last,
 * so no request can arrive before everything it touches is ready.
 */
static int __init cgaddr_init(void)
{
	int err;

	err = cgaddr_helpers_init();
	if (err)
		return err;
	err = cgaddr_run_init();
	if (err)
		return err;
	err = cgaddr_attach_init();
	if (err)
		goto out_run;
	err = cgaddr_hooks_install();
	if (err)
		goto out_attach;
	err = cgaddr_selftest();
	if (err) {
		pr_err("not loading: the self-check failed on this kernel\n");
		goto out_hooks;
	}
	err = cgaddr_netlink_init();
	if (err)
		goto out_hooks;
	pr_info("version %s loaded\n", CGADDR_VERSION);
	return 0;

out_hooks:
	cgaddr_hooks_remove();
out_attach:
	cgaddr_attach_exit();
out_run:
	cgaddr_run_exit();
	return err;
}

/*
 * Reverse order.  After the hooks are removed no task runs a program
 * (removal waits for every wrapper, including those sleeping in the
 * original function), so attachments and programs can go; the RCU
 * callbacks that free them must finish before the module's text does.
 */
static void __exit cgaddr_exit(void)
{
	cgaddr_netlink_exit();
	cgaddr_hooks_remove();
	cgaddr_attach_exit();
	cgaddr_prog_exit();
	rcu_barrier();
	cgaddr_run_exit();
	pr_info("unloaded\n");
}

module_init(cgaddr_init);
module_exit(cgaddr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cgroup sock_addr programs (bind/connect/sendmsg/recvmsg/getname) without the BPF subsystem");
MODULE_VERSION(CGADDR_VERSION);
MODULE_AUTHOR("cgaddr developers");
