// SPDX-License-Identifier: GPL-2.0
/*
 * cgbulk: many attachments over one netlink socket, for the scale
 * benchmark (under QEMU without KVM, one cgaddr process per attachment
 * costs about 0.1 s, which would make 10,000 attachments a matter of
 * minutes of process start-up).  Built from the cgaddr tool's own sources
 * (tools/, without main.c): the messages are the ones `cgaddr cgroup
 * attach` and `cgaddr cgroup detach` send.
 *
 *   cgbulk attach TYPE ID [multi]  < paths     one attachment per line
 *   cgbulk detach TYPE ID          < paths
 *
 * Each line of standard input is a CGROUP as cgaddr takes it.  Stops at the
 * first failure (exit 1, with cgaddr's message); prints "attached N" or
 * "detached N".
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "nl.h"
#include "types.h"

int main(int argc, char **argv)
{
	const struct attach_type *type;
	struct cgroup_ref ref;
	char line[4096];
	struct nl *nl;
	uint32_t id, flags = 0;
	long done = 0;
	int attach, ret = 0;

	if (argc < 4 || argc > 5 || (strcmp(argv[1], "attach") && strcmp(argv[1], "detach")) ||
	    !(type = type_by_name(argv[2]))) {
		fprintf(stderr, "usage: cgbulk attach|detach TYPE ID [multi] < cgroups\n");
		return 2;
	}
	attach = !strcmp(argv[1], "attach");
	id = strtoul(argv[3], NULL, 0);
	if (argc == 5 && !strcmp(argv[4], "multi"))
		flags = BPF_F_ALLOW_MULTI;
	if (nl_open(&nl))
		return 1;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		ret = cgroup_open(line, &ref);
		if (ret)
			break;
		if (attach)
			ret = cgroup_attach_prog(nl, &ref, type->attach, id, flags, 0, "cgbulk attach");
		else
			ret = cgroup_detach_prog(nl, &ref, type->attach, id, "cgbulk detach");
		cgroup_close(&ref);
		if (ret)
			break;
		done++;
	}
	nl_close(nl);
	printf("%s %ld\n", attach ? "attached" : "detached", done);
	return ret ? 1 : 0;
}
