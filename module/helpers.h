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
	u32 prog_id;			/* the running program (trace_printk) */
	int retval;			/* bpf_get_retval()/bpf_set_retval() */
	struct bpf_sock sk_view;	/* filled at the first ctx->sk access */
};

extern const struct cgaddr_vm_ops cgaddr_vm_ops;

/* The helper ids implemented on this kernel, for cgaddr_vm_load(). */
extern u64 cgaddr_helper_mask[4];

int cgaddr_helpers_init(void);
void cgaddr_helpers_exit(void);

/* struct bpf_sock as programs read it (bpf_sock_convert_ctx_access()). */
void cgaddr_fill_sk_view(const struct sock *sk, struct bpf_sock *v);

struct cgaddr_vm_hcall;
struct cgaddr_vm_region;

/* helpers_sock.c: 84, 85, 99 and 86; ->put for leaked references. */
int cgaddr_helper_sk_lookup(struct cgaddr_run_env *env, struct cgaddr_vm_hcall *c);
int cgaddr_helper_sk_release(struct cgaddr_vm_hcall *c);
void cgaddr_op_put(void *env, struct cgaddr_vm_region *r);
int cgaddr_helpers_sock_init(void);
void cgaddr_helpers_sock_exit(void);

/* helpers_sockopt.c: 49 and 57 on the call's socket (NULL: -EINVAL). */
int cgaddr_helper_setsockopt(struct sock *sk, int level, int optname, char *optval, int optlen);
int cgaddr_helper_getsockopt(struct sock *sk, int level, int optname, char *optval, int optlen);
void cgaddr_helpers_sockopt_init(void);

/* The socket's cookie (bpf_get_socket_cookie()), or 0 where unavailable. */
u64 cgaddr_sock_cookie(struct sock *sk);

#endif /* CGADDR_HELPERS_H */
