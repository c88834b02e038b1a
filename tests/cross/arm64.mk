# SPDX-License-Identifier: GPL-2.0
# The guest's programs for arm64 kernels (KVER=6.1-arm64, ...): the cgaddr
# CLI and the test programs of build/guest/ (static), cross-built with
# Debian 12's gcc-aarch64-linux-gnu against the arm64 libraries that
# scripts/sysroot.sh unpacks into the cache (no multiarch dpkg setup).
# BPF objects (build/progs) are the same for every architecture.
#
#   make tools-arm64         build/arm64/cgaddr and build/arm64/guest/*
#   make check-arm64         the QEMU suite on every arm64 kernel (TCG)

ARM64 := $(BUILD)/arm64
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_SYSROOT = $(shell scripts/sysroot.sh --dir arm64)
ARM64_LIBFLAGS = -I$(ARM64_SYSROOT)/usr/include -L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu
ARM64_STAMP := $(ARM64)/sysroot.stamp
ARM64_GUEST_PROGS := $(patsubst $(GUEST)/%,$(ARM64)/guest/%,$(GUEST_PROGS)) \
	$(ARM64)/guest/kbpfload

.PHONY: tools-arm64 check-arm64

$(ARM64_STAMP): scripts/sysroot.sh
	scripts/sysroot.sh arm64
	@mkdir -p $(ARM64) && touch $@

# Dynamic, as on amd64: Debian 12's libmnl-dev has no static library.
# tests/qemu/run copies the libraries it loads from the sysroot.
ARM64_RPATH_LINK = -Wl,-rpath-link=$(ARM64_SYSROOT)/lib/aarch64-linux-gnu \
	-Wl,-rpath-link=$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu
$(ARM64)/cgaddr: $(TOOL_SRCS) $(TOOL_HDRS) dkms.conf $(ARM64_STAMP)
	$(ARM64_CC) $(CFLAGS) $(WARN) $(TOOL_CPPFLAGS) $(ARM64_LIBFLAGS) $(ARM64_RPATH_LINK) \
		-o $@ $(TOOL_SRCS) -lmnl -lelf

$(ARM64)/guest/%: tests/guest/%.c include/uapi/cgaddr.h $(ARM64_STAMP)
	@mkdir -p $(ARM64)/guest
	$(ARM64_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -Iinclude -static -o $@ $<

$(ARM64)/guest/advrun $(ARM64)/guest/nlfuzz $(ARM64)/guest/leakprobe: tests/guest/gnl.h
$(ARM64)/guest/advrun: tests/vm/adv_file.h tests/guest/attach_types.h
$(ARM64)/guest/bpfload: tests/guest/attach_types.h

$(ARM64)/guest/kbpfload: tests/guest/kbpfload.c tests/guest/attach_types.h $(ARM64_STAMP)
	@mkdir -p $(ARM64)/guest
	$(ARM64_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE $(ARM64_LIBFLAGS) -static -o $@ $< \
		-lbpf -lelf -lz

# The stress test's program (tests/stress/stress.mk), with the same flags.
$(ARM64)/guest/cgstress: tests/stress/cgstress.c include/uapi/cgaddr.h $(ARM64_STAMP)
	@mkdir -p $(ARM64)/guest
	$(ARM64_CC) -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
		-D_GNU_SOURCE -Iinclude -static -pthread -o $@ $<

# The instruction-count benchmark's program (tests/bench/insns/insns.mk).
$(ARM64)/guest/insbench: tests/bench/insns/insbench.c tests/bench/insns/marker.h \
		tests/bench/benchsock.h $(ARM64_STAMP)
	@mkdir -p $(ARM64)/guest
	$(ARM64_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -static -o $@ $<

tools-arm64: $(ARM64)/cgaddr $(ARM64_GUEST_PROGS) $(ARM64)/guest/cgstress $(ARM64)/guest/insbench

# An arm64 kernel's `make tools` (tests/qemu/run asks for it) builds these too.
ifneq ($(filter %-arm64,$(KVER)),)
tools: tools-arm64
endif

# Not in check-matrix: under TCG on an x86 host the suite takes several
# times as long as on an amd64 kernel (README).
check-arm64:
	@scripts/deps.sh
	$(MAKE) check-host
	@set -e; for v in $$(scripts/kernels.sh --list-arm64); do \
		$(MAKE) module tools KVER=$$v; done
	tests/qemu/suite --no-build $(addprefix --kernel ,$(shell scripts/kernels.sh --list-arm64))
