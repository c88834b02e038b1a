// SPDX-License-Identifier: GPL-2.0
/*
 * advrun: the adversarial corpus (tests/vm/adversarial/, format in
 * tests/vm/adv_file.h) through the module.  Each program is loaded with
 * CGADDR_CMD_PROG_LOAD; a program expected to be rejected must fail with
 * EINVAL/E2BIG and the validator's message as extended ACK, the others
 * must load and, run once with CGADDR_CMD_TEST_RUN on the standard
 * context, end with the expected fault (as enum cgaddr_fault) or r0.
 * Every program loaded is deleted again.
 *
 *   advrun FILE...        check them; last line "adversarial: A/B as expected"
 *   advrun --keep FILE    load FILE (no check), print "id N", keep it
 */
#include <linux/bpf.h>

#include "gnl.h"
#include "../vm/adv_file.h"

static int nl_fd;
static uint16_t family;
static uint32_t seq = 100;
static struct gnl_msg msg;

static void start(uint8_t cmd)
{
	gnl_start(&msg, family, cmd, NLM_F_REQUEST | NLM_F_ACK);
	((struct nlmsghdr *)msg.buf)->nlmsg_seq = ++seq;
}

struct answer {
	uint32_t id, fault;
	uint64_t r0;
	int have_fault;
};

static int answer_cb(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *id = gnl_attr(nh, CGADDR_A_PROG_ID);
	struct nlattr *r0 = gnl_attr(nh, CGADDR_A_TEST_RETVAL);
	struct nlattr *fault = gnl_attr(nh, CGADDR_A_TEST_FAULT);
	struct answer *a = arg;

	if (id)
		a->id = *(uint32_t *)(id + 1);
	if (r0)
		memcpy(&a->r0, r0 + 1, sizeof(a->r0));
	if (fault) {
		a->fault = *(uint32_t *)(fault + 1);
		a->have_fault = 1;
	}
	return 0;
}

/* PROG_LOAD; 0 and *id, or the errno with the extended ACK in @ext. */
static int load(const struct adv_prog *p, uint32_t *id, char *ext, size_t extlen)
{
	static const uint8_t zeros[4096];
	struct answer a = {};
	uint32_t i;
	int err;

	start(CGADDR_CMD_PROG_LOAD);
	gnl_put(&msg, CGADDR_A_PROG_INSNS, p->insns, p->cnt * sizeof(p->insns[0]));
	gnl_put_u32(&msg, CGADDR_A_ATTACH_TYPE, p->attach_type);
	gnl_put(&msg, CGADDR_A_PROG_NAME, "adversarial", sizeof("adversarial"));
	if (p->flags)
		gnl_put_u32(&msg, CGADDR_A_PROG_FLAGS, p->flags);
	if (p->ndata) {
		size_t outer = gnl_nest_start(&msg, CGADDR_A_PROG_DATA);

		for (i = 0; i < p->ndata; i++) {
			size_t inner = gnl_nest_start(&msg, CGADDR_A_DATA);

			if (p->data_len[i] > sizeof(zeros))
				return -E2BIG;
			gnl_put(&msg, CGADDR_A_DATA_NAME, ".data", sizeof(".data"));
			gnl_put(&msg, CGADDR_A_DATA_BYTES, zeros, p->data_len[i]);
			gnl_put_u32(&msg, CGADDR_A_DATA_FLAGS, p->data_flags[i]);
			gnl_nest_end(&msg, inner);
		}
		gnl_nest_end(&msg, outer);
	}
	err = gnl_transact(nl_fd, &msg, 0, answer_cb, &a, ext, extlen);
	if (!err && !a.id)
		err = -EBADMSG;
	*id = a.id;
	return err;
}

static int del(uint32_t id)
{
	start(CGADDR_CMD_PROG_DEL);
	gnl_put_u32(&msg, CGADDR_A_PROG_ID, id);
	return gnl_transact(nl_fd, &msg, 0, NULL, NULL, NULL, 0);
}

static int test_run(const struct adv_prog *p, uint32_t id, struct answer *a)
{
	struct bpf_sock_addr ctx;

	adv_ctx(p, &ctx);
	start(CGADDR_CMD_TEST_RUN);
	gnl_put_u32(&msg, CGADDR_A_PROG_ID, id);
	gnl_put(&msg, CGADDR_A_TEST_CTX, &ctx, sizeof(ctx));
	memset(a, 0, sizeof(*a));
	return gnl_transact(nl_fd, &msg, 0, answer_cb, a, NULL, 0);
}

/* 0 if @p behaves through the module as its file says, else 1. */
static int check(const struct adv_prog *p)
{
	struct answer a;
	char ext[256];
	uint32_t id;
	int err, bad = 0;

	err = load(p, &id, ext, sizeof(ext));
	if (err) {
		if (p->expect == ADV_REJECT && (err == -EINVAL || err == -E2BIG) &&
		    !strcmp(ext, p->msg))
			return 0;
		printf("MISMATCH %s: load failed %d '%s'\n", adv_name(p), err, ext);
		return 1;
	}
	if (p->expect == ADV_REJECT) {
		printf("MISMATCH %s: loaded as id %u, expected reject '%s'\n", adv_name(p), id,
		       p->msg);
		bad = 1;
	} else if (test_run(p, id, &a) || !a.have_fault) {
		printf("MISMATCH %s: TEST_RUN failed\n", adv_name(p));
		bad = 1;
	} else if (p->expect == ADV_FAULT ? a.fault != adv_uapi_fault(p->fault) :
		   a.fault || a.r0 != p->r0) {
		printf("MISMATCH %s: fault %u r0 %#llx\n", adv_name(p), a.fault,
		       (unsigned long long)a.r0);
		bad = 1;
	}
	err = del(id);
	if (err) {
		printf("MISMATCH %s: delete failed %d\n", adv_name(p), err);
		bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	static struct adv_prog p;
	int i, good = 0, keep = argc == 3 && !strcmp(argv[1], "--keep");

	if (argc < 2) {
		fprintf(stderr, "usage: advrun FILE... | advrun --keep FILE\n");
		return 2;
	}
	nl_fd = gnl_open();
	family = nl_fd < 0 ? 0 : gnl_family(nl_fd);
	if (!family) {
		fprintf(stderr, "advrun: no %s family (module not loaded?)\n", CGADDR_GENL_NAME);
		return 2;
	}
	if (keep) {
		char ext[256];
		uint32_t id;
		int err;

		if (adv_parse(argv[2], &p))
			return 2;
		err = load(&p, &id, ext, sizeof(ext));
		if (err) {
			fprintf(stderr, "advrun: %s: %d %s\n", argv[2], err, ext);
			return 1;
		}
		printf("id %u\n", id);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (adv_parse(argv[i], &p))
			return 2;
		good += !check(&p);
	}
	printf("adversarial: %d/%d as expected\n", good, argc - 1);
	return good == argc - 1 ? 0 : 1;
}
