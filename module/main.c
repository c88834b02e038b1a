// SPDX-License-Identifier: GPL-2.0
/*
 * cgaddr: cgroup sock_addr programs on stock kernels, without the kernel's
 * BPF subsystem.
 */

#include <linux/init.h>
#include <linux/module.h>

#include "cgaddr.h"
#include "hook.h"

int cgaddr_hooks_installed(void)
{
	int i, n = 0;

	for (i = 0; i < CGADDR_HOOK_COUNT; i++)
		n += cgaddr_hooks[i].installed;
	return n;
}

static int __init cgaddr_init(void)
{
	int err;

	err = cgaddr_hooks_install();
	if (err)
		return err;
	err = cgaddr_selftest();
	if (err) {
		cgaddr_hooks_remove();
		pr_err("not loading: the self-check failed on this kernel\n");
		return err;
	}
	pr_info("version %s loaded\n", CGADDR_VERSION);
	return 0;
}

static void __exit cgaddr_exit(void)
{
	cgaddr_hooks_remove();
	pr_info("unloaded\n");
}

module_init(cgaddr_init);
module_exit(cgaddr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cgroup sock_addr programs (bind/connect/sendmsg/recvmsg/getname) without the BPF subsystem");
MODULE_VERSION(CGADDR_VERSION);
MODULE_AUTHOR("cgaddr developers");
