# SPDX-License-Identifier: GPL-2.0
# The kernel's own cgroup sock_addr selftest programs, compiled at build
# time from Debian's linux-source-6.1 (scripts/deps.sh installs it): only
# the files they need are extracted from the tarball into build/kselftests/
# (nothing of the kernel is in the repository), their non-documentation
# addresses are substituted (addresses.sed, the table is there), and clang
# builds them into build/progs/kselftests/NAME.o (in the guest:
# /progs/kselftests/).  Headers: <linux/bpf.h> from the tarball's
# tools/include/uapi, <bpf/bpf_helpers.h> and friends from its tools/lib/bpf,
# bpf_helper_defs.h generated from its uapi bpf.h by its scripts/bpf_doc.py,
# as the kernel's build does.  None of them needs vmlinux.h.
#
# The raw-instruction programs of test_sock_addr.c are rebuilt by
# tests/kselftests/rawprogs.c into build/progs/kselftests/raw_*.o.

KST := $(BUILD)/kselftests
KST_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
KST_TOP := linux-source-6.1
KST_SRC := $(KST)/src/$(KST_TOP)
KST_OUT := $(PROGS_DIR)/kselftests
KST_PROGS := bind4_prog bind6_prog bind_perm connect4_prog connect6_prog \
	connect_force_port4 connect_force_port6 sendmsg4_prog sendmsg6_prog \
	recvmsg4_prog recvmsg6_prog
KST_SELFTESTS := tools/testing/selftests/bpf
KST_FILES := $(addprefix $(KST_SELFTESTS)/progs/,$(addsuffix .c,$(KST_PROGS))) \
	$(KST_SELFTESTS)/bpf_sockopt_helpers.h $(KST_SELFTESTS)/bpf_tcp_helpers.h \
	tools/lib/bpf/bpf_helpers.h tools/lib/bpf/bpf_endian.h \
	tools/lib/bpf/bpf_core_read.h tools/lib/bpf/bpf_tracing.h \
	tools/include/uapi/linux/bpf.h tools/include/uapi/linux/bpf_common.h \
	include/uapi/linux/bpf.h scripts/bpf_doc.py
KST_OBJS := $(addprefix $(KST_OUT)/,$(addsuffix .o,$(KST_PROGS)))
KST_RAW := $(KST)/raw.stamp
# As the selftests' Makefile compiles them (-D__TARGET_ARCH for
# bpf_tracing.h), with the substituted copies and the extracted headers.
KST_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 -I$(KST)/include \
	-I$(KST_SRC)/tools/include/uapi -I$(KST_SRC)/$(KST_SELFTESTS) \
	-I/usr/include/$(shell gcc -dumpmachine) -Wno-compare-distinct-pointer-types

$(KST)/extracted.stamp: $(KST_TARBALL) tests/kselftests/kselftests.mk tests/kselftests/addresses.sed
	@[ -r $(KST_TARBALL) ] || { echo "$(KST_TARBALL) is missing: run scripts/deps.sh" \
		"(package linux-source-6.1)" >&2; exit 1; }
	@rm -rf $(KST)/src $(KST)/include && mkdir -p $(KST)/src $(KST)/include/bpf $(KST)/progs
	tar -xJf $(KST_TARBALL) -C $(KST)/src $(addprefix $(KST_TOP)/,$(KST_FILES))
	@# glibc's headers pick gnu/stubs-32.h for a target that is not x86_64
	@# (BPF), and only its multilib package has one: an empty list of stubs
	@# is all the programs' constants need.
	mkdir -p $(KST)/include/gnu && : > $(KST)/include/gnu/stubs-32.h
	cp $(addprefix $(KST_SRC)/tools/lib/bpf/,bpf_helpers.h bpf_endian.h bpf_core_read.h \
		bpf_tracing.h) $(KST)/include/bpf/
	python3 $(KST_SRC)/scripts/bpf_doc.py --header \
		--file $(KST_SRC)/include/uapi/linux/bpf.h > $(KST)/include/bpf/bpf_helper_defs.h
	for p in $(KST_PROGS); do \
		sed -f tests/kselftests/addresses.sed $(KST_SRC)/$(KST_SELFTESTS)/progs/$$p.c \
			> $(KST)/progs/$$p.c || exit 1; \
	done
	@# No private or non-documentation address may survive the substitution.
	@! grep -n -i -E '0xc0a8|0xac10|faceb00c|face:b00c|0x01020304|0xfc000000|192\.168\.|172\.16\.|10\.0\.' \
		$(KST)/progs/*.c || { echo "addresses.sed missed an address" >&2; exit 1; }
	@touch $@

$(KST_OUT)/%.o: $(KST)/extracted.stamp
	@mkdir -p $(KST_OUT)
	$(BPF_CLANG) $(KST_CFLAGS) -c $(KST)/progs/$*.c -o $@

$(KST)/rawprogs: tests/kselftests/rawprogs.c $(KST)/extracted.stamp
	$(CC) $(CFLAGS) $(WARN) -I$(KST_SRC)/tools/include/uapi -o $@ $<

$(KST_RAW): $(KST)/rawprogs
	@mkdir -p $(KST_OUT)
	$(KST)/rawprogs $(KST_OUT)
	@touch $@

.PHONY: kselftests
kselftests: $(KST_OBJS) $(KST_RAW)

tools: kselftests
