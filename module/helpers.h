/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helpers cgaddr implements for programs, and the ctx->sk view:
 * the VM's ops (module/vm.h) on the kernel side.
 */
#ifndef CGADDR_HELPERS_H
#define CGADDR_HELPERS_H

#include <linux/bpf.h>
#include <net/sock.h>

#include "types.h"

struct cgaddr_vm_ops;

/* Per run: what helpers and the sk view see. */
struct cgaddr_run_env {
	struct sock *sk;		/* the socket of the call; NULL for TEST_RUN */
	const struct bpf_sock *test_sk;	/* TEST_RUN: what ctx->sk shows */
	enum cgaddr_type type;
	int retval;			/* bpf_get_retval()/bpf_set_retval() */
	struct bpf_sock sk_view;	/* filled at the first ctx->sk access */
};

extern const struct cgaddr_vm_ops cgaddr_vm_ops;

/* The helper ids implemented on this kernel, for cgaddr_vm_load(). */
extern u64 cgaddr_helper_mask[4];

int cgaddr_helpers_init(void);

/* The socket's cookie (bpf_get_socket_cookie()), or 0 where unavailable. */
u64 cgaddr_sock_cookie(struct sock *sk);

#endif /* CGADDR_HELPERS_H */
