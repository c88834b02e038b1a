// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr: cgroup sock_addr programs on stock kernels, without the kernel's
 * BPF subsystem.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/rcupdate.h>

#include "attach.h"
#include "cgaddr.h"
#include "helpers.h"
#include "hook.h"
#include "map.h"
#include "netlink.h"
#include "prog.h"
#include "rule.h"
#include "run.h"

DEFINE_MUTEX(cgaddr_mutex);
struct cgaddr_objects cgaddr_objects;

bool cgaddr_enabled = true;
module_param_named(enabled, cgaddr_enabled, bool, 0644);
MODULE_PARM_DESC(enabled, "run programs (0: every hook passes calls through unchanged; policy stays loaded)");

static int cgaddr_objects_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "programs %d cgroups %d maps %d\n",
			  atomic_read(&cgaddr_objects.programs),
			  atomic_read(&cgaddr_objects.cgroups),
			  atomic_read(&cgaddr_objects.maps));
}

static const struct kernel_param_ops cgaddr_objects_ops = {
	.get = cgaddr_objects_get,
};
module_param_cb(objects, &cgaddr_objects_ops, NULL, 0444);
MODULE_PARM_DESC(objects, "live programs, cgroups with attachments and maps (read-only)");

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
		goto out_helpers;
	err = cgaddr_map_init();
	if (err)
		goto out_run;
	err = cgaddr_attach_init();
	if (err)
		goto out_map;
	err = cgaddr_hooks_install();
	if (err)
		goto out_attach;
	err = cgaddr_selftest();
	if (err) {
		pr_err("not loading: the self-check failed on this kernel\n");
		goto out_hooks;
	}
	cgaddr_hooks_park();
	err = cgaddr_netlink_init();
	if (err)
		goto out_hooks;
	pr_info("version %s loaded\n", CGADDR_VERSION);
	return 0;

out_hooks:
	cgaddr_hooks_remove();
out_attach:
	cgaddr_attach_exit();
out_map:
	cgaddr_map_exit();
out_run:
	cgaddr_run_exit();
out_helpers:
	cgaddr_helpers_exit();
	return err;
}

/*
 * Reverse order.  With the control plane gone, releasing the attachments
 * unpatches the functions as their last attachment goes; then the hooks
 * are removed, which waits for every wrapper still running (including
 * those sleeping in the original function), so no task can run a program
 * any more; the RCU callbacks that free arrays and programs must finish
 * before the module's text goes.
 */
static void __exit cgaddr_exit(void)
{
	cgaddr_netlink_exit();
	cgaddr_rules_release_all();
	cgaddr_attach_release_all();
	cgaddr_hooks_remove();
	cgaddr_attach_exit();
	cgaddr_prog_exit();
	cgaddr_map_release_all();
	/*
	 * Programs freed now drop their maps, whose frees are queued; a
	 * second barrier for programs whose last reference went from an RCU
	 * callback (an effective array's).
	 */
	rcu_barrier();
	rcu_barrier();
	cgaddr_map_exit();
	cgaddr_run_exit();
	cgaddr_helpers_exit();
	pr_info("unloaded\n");
}

module_init(cgaddr_init);
module_exit(cgaddr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cgroup sock_addr programs (bind/connect/sendmsg/recvmsg/getname) without the BPF subsystem");
MODULE_VERSION(CGADDR_VERSION);
MODULE_AUTHOR("cgaddr developers");
