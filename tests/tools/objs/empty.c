// SPDX-License-Identifier: GPL-2.0
/* Loader test: an object with no program at all. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";
