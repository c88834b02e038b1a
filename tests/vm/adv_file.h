/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The adversarial program format (tests/vm/adversarial/NAME.prog), read by
 * the host runner (tests/vm/adversarial.c, against the VM directly) and
 * by the guest runner (tests/guest/advrun.c, through the module's
 * netlink family), so that both check the same programs against the same
 * expectations.  Text, one directive or instruction per line:
 *
 *   # comment                  (also "; comment" after an instruction)
 *   type bind4                 attach type (default bind4)
 *   flags large                CGADDR_PROG_F_LARGE
 *   data SIZE ro|rw            one zero-filled global-data section
 *   expect reject MESSAGE      load fails, the validator says MESSAGE
 *   expect fault NAME          loads, a run ends with fault NAME (below)
 *   expect ok R0               loads, a run returns R0
 *   CODE DST SRC OFF IMM       one struct bpf_insn (numbers in C syntax)
 *   repeat N CODE DST SRC OFF IMM   N copies of one instruction
 *
 * Fault names are the VM's (enum cgaddr_vm_fault, in its order); the
 * module reports them folded into enum cgaddr_fault (adv_uapi_fault()).
 *
 * Plain C with libc only: no VM header, so that the static guest tool
 * can include it too.
 */
#ifndef CGADDR_ADV_FILE_H
#define CGADDR_ADV_FILE_H

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "../guest/attach_types.h"

#include "uapi/cgaddr.h"

#define ADV_MAX_INSNS	8192
#define ADV_MAX_DATA	4

enum adv_expect { ADV_REJECT, ADV_FAULT, ADV_OK };

struct adv_prog {
	const char *path;
	uint32_t attach_type;
	uint32_t flags;			/* CGADDR_PROG_F_* */
	uint32_t ndata;
	uint32_t data_len[ADV_MAX_DATA];
	uint32_t data_flags[ADV_MAX_DATA];	/* CGADDR_DATA_F_* */
	enum adv_expect expect;
	char msg[160];			/* ADV_REJECT */
	int fault;			/* ADV_FAULT: enum cgaddr_vm_fault */
	uint64_t r0;			/* ADV_OK */
	uint32_t cnt;
	struct bpf_insn insns[ADV_MAX_INSNS];
};

/* enum cgaddr_vm_fault, in order (the host runner checks the count). */
static const char *const adv_fault_names[] = {
	"none", "mem", "bounds", "rdonly", "ctx", "atomic", "align", "budget",
	"depth", "helper_arg", "helper", "retval", "no_sk", "regions",
	"ref_leak", "args",
};
#define ADV_NFAULTS (sizeof(adv_fault_names) / sizeof(adv_fault_names[0]))

/* What TEST_RUN reports for a VM fault: module/run.c's mapping. */
static inline uint32_t adv_uapi_fault(int fault)
{
	const char *n = adv_fault_names[fault];

	if (!fault)
		return CGADDR_FAULT_NONE;
	if (!strcmp(n, "budget"))
		return CGADDR_FAULT_BUDGET;
	if (!strcmp(n, "depth"))
		return CGADDR_FAULT_CALL_DEPTH;
	if (!strcmp(n, "retval"))
		return CGADDR_FAULT_RETVAL;
	if (!strcmp(n, "helper_arg") || !strcmp(n, "helper") || !strcmp(n, "ref_leak"))
		return CGADDR_FAULT_HELPER;
	return CGADDR_FAULT_MEMORY;
}

static inline int adv_type_v6(uint32_t type)
{
	int i = test_attach_type_index_of(type);

	return i < 0 ? 0 : i & 1;
}

/*
 * The context every run gets: a TCP socket of the type's family, the
 * address and port 0 (so a size or offset read from the context is 0
 * but unknown to the load-time analysis).
 */
static inline void adv_ctx(const struct adv_prog *p, struct bpf_sock_addr *ctx)
{
	int fam = adv_type_v6(p->attach_type) ? 10 : 2;	/* AF_INET6 : AF_INET */

	memset(ctx, 0, sizeof(*ctx));
	ctx->user_family = fam;
	ctx->family = fam;
	ctx->type = 1;		/* SOCK_STREAM */
	ctx->protocol = 6;	/* IPPROTO_TCP */
}

static inline int adv_insn(struct adv_prog *p, const char *s, unsigned long n)
{
	long long v[5];
	char *end;
	int i;

	for (i = 0; i < 5; i++) {
		errno = 0;
		v[i] = strtoll(s, &end, 0);
		if (end == s || errno)
			return -1;
		s = end;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s && *s != ';')
		return -1;
	if (n > ADV_MAX_INSNS - p->cnt)
		return -1;
	while (n--) {
		struct bpf_insn *in = &p->insns[p->cnt++];

		in->code = (uint8_t)v[0];
		in->dst_reg = v[1] & 0xf;
		in->src_reg = v[2] & 0xf;
		in->off = (int16_t)v[3];
		in->imm = (int32_t)v[4];
	}
	return 0;
}

static inline int adv_directive(struct adv_prog *p, char *s)
{
	int i;
	char *arg;

	arg = s + strcspn(s, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if (!strcmp(s, "type")) {
		i = test_attach_type_index(arg);
		if (i < 0)
			return -1;
		p->attach_type = test_attach_types[i].type;
		return 0;
	}
	if (!strcmp(s, "flags"))
		return strcmp(arg, "large") ? -1 : (p->flags |= CGADDR_PROG_F_LARGE, 0);
	if (!strcmp(s, "data")) {
		char *mode;
		unsigned long len = strtoul(arg, &mode, 0);

		if (p->ndata >= ADV_MAX_DATA || !len)
			return -1;
		mode += strspn(mode, " \t");
		p->data_len[p->ndata] = len;
		p->data_flags[p->ndata] = !strcmp(mode, "ro") ? CGADDR_DATA_F_RDONLY : 0;
		p->ndata++;
		return 0;
	}
	if (!strcmp(s, "repeat")) {
		unsigned long n = strtoul(arg, &arg, 0);

		return adv_insn(p, arg, n);
	}
	if (strcmp(s, "expect"))
		return -1;
	if (!strncmp(arg, "reject ", 7)) {
		p->expect = ADV_REJECT;
		snprintf(p->msg, sizeof(p->msg), "%s", arg + 7);
		return 0;
	}
	if (!strncmp(arg, "ok ", 3)) {
		p->expect = ADV_OK;
		p->r0 = strtoull(arg + 3, NULL, 0);
		return 0;
	}
	if (!strncmp(arg, "fault ", 6)) {
		p->expect = ADV_FAULT;
		for (i = 1; i < ADV_NFAULTS; i++)
			if (!strcmp(arg + 6, adv_fault_names[i])) {
				p->fault = i;
				return 0;
			}
	}
	return -1;
}

/* Read @path into @p; 0, or -1 with "PATH:LINE: ..." printed on stderr. */
static inline int adv_parse(const char *path, struct adv_prog *p)
{
	int line = 0, have_expect = 0;
	char buf[512];
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->attach_type = BPF_CGROUP_INET4_BIND;
	p->expect = -1;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *s = buf + strspn(buf, " \t");
		int err;

		line++;
		s[strcspn(s, "\r\n")] = '\0';
		if (!*s || *s == '#')
			continue;
		if (isdigit((unsigned char)*s) || *s == '-') {
			err = adv_insn(p, s, 1);
		} else {
			err = adv_directive(p, s);
			have_expect |= !strncmp(s, "expect", 6);
		}
		if (err) {
			fprintf(stderr, "%s:%d: cannot parse this line\n", path, line);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!have_expect) {
		fprintf(stderr, "%s: no 'expect' line\n", path);
		return -1;
	}
	return 0;
}

/* The file name without directory and extension, for reports. */
static inline const char *adv_name(const struct adv_prog *p)
{
	const char *s = strrchr(p->path, '/');

	return s ? s + 1 : p->path;
}

#endif /* CGADDR_ADV_FILE_H */
