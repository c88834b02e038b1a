// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: owns inet_bind with an ftrace IPMODIFY ops that changes
 * nothing, as a livepatch of inet_bind would, so that tests can check
 * that cgaddr detects the conflict and says so.  Not part of cgaddr.
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>

static void notrace holder_thunk(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *ops, cgaddr_ftrace_regs_t *regs)
{
}

static struct ftrace_ops holder_ops = {
	.func = holder_thunk,
	.flags = CGADDR_FTRACE_OPS_FLAGS,
};

static int __init holder_init(void)
{
	int err = ftrace_set_filter(&holder_ops, (unsigned char *)"inet_bind",
				    strlen("inet_bind"), 0);

	if (!err)
		err = register_ftrace_function(&holder_ops);
	if (err)
		cgaddr_ftrace_free_filter(&holder_ops);
	return err;
}

/* The filter hash is the ops' own: free it, or kmemleak reports it. */
static void __exit holder_exit(void)
{
	unregister_ftrace_function(&holder_ops);
	cgaddr_ftrace_free_filter(&holder_ops);
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cgaddr test: an ftrace IPMODIFY user of inet_bind");
