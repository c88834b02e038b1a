/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgaddr cgroup: attachments, and naming cgroups.
 *
 * A CGROUP argument is "id:N" (a cgroup id, the inode number of the
 * directory), or a path: absolute, or starting with "." (relative to the
 * current directory), or else relative to the cgroup v2 mount point (the
 * first cgroup2 mount of /proc/self/mountinfo, normally /sys/fs/cgroup).
 * Paths must be directories of a cgroup v2 file system.
 */
#ifndef CGADDR_TOOL_CGROUP_H
#define CGADDR_TOOL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "types.h"

struct cgroup_ref {
	int fd;			/* the open directory, or -1 for "id:N" */
	uint64_t id;		/* the cgroup id (0 if unknown) */
	char *path;		/* what to call it in messages */
};

int do_cgroup(int argc, char **argv);

int cgroup_open(const char *arg, struct cgroup_ref *ref);
void cgroup_close(struct cgroup_ref *ref);
/* CGADDR_A_CGROUP_FD or CGADDR_A_CGROUP_ID. */
void cgroup_put(struct nl_msg *m, const struct cgroup_ref *ref);
/* The cgroup v2 mount point, or NULL (static storage). */
const char *cgroup2_mount(void);

/*
 * CGADDR_CMD_ATTACH and CGADDR_CMD_DETACH (@id 0: the cgroup's single
 * program); @what prefixes error messages.
 */
int cgroup_attach_prog(struct nl *nl, const struct cgroup_ref *ref, uint32_t attach_type,
		       uint32_t id, uint32_t flags, uint32_t replace, const char *what);
int cgroup_detach_prog(struct nl *nl, const struct cgroup_ref *ref, uint32_t attach_type,
		       uint32_t id, const char *what);

/* One answer of CGADDR_CMD_QUERY. */
struct query_item {
	uint64_t cgroup_id;
	char *path;
	bool gone;
	uint32_t attach_type;
	uint32_t flags;
	uint32_t *ids;
	uint32_t cnt;
};

/* Attachments of @ref (or of every cgroup when NULL), of @type (or all). */
int cgroup_query(struct nl *nl, const struct cgroup_ref *ref, const struct attach_type *type,
		 bool effective, struct query_item **items, uint32_t *cnt);
void query_free(struct query_item *items, uint32_t cnt);
/* "none", "override", "multi" (static storage for others). */
const char *attach_flags_str(uint32_t flags);

/* cgaddr cgroup tree (tree.c). */
int do_cgroup_tree(int argc, char **argv);
#define TREE_USAGE "cgaddr cgroup tree [ROOT]\n"

#endif /* CGADDR_TOOL_CGROUP_H */
