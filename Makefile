# SPDX-License-Identifier: GPL-2.0
#
# Developer targets.  Kbuild holds only objects and flags.
#
#   make module [KVER=6.1]   build cgaddr.ko against a cached stock kernel
#   make module KDIR=/lib/modules/$(uname -r)/build   ... or any headers tree
#   make tools               build the cgaddr CLI and the guest test programs
#   make check               host tests, module, tools, QEMU suite on KVER
#   make check-matrix        the QEMU suite on every kernel of the matrix
#   make check-arm64         the QEMU suite on the arm64 kernels (cross-built,
#                            TCG; not in the matrix: tests/cross/arm64.mk)
#   make check-system        cgaddr's .debs on a Debian 12 system under systemd
#                            (tests/system/run; ~12 minutes under TCG)
#   make check-debug         the QEMU suite and the stress test on the debug
#                            kernel (scripts/debug-kernel.sh builds it once)
#   make stress              tests/stress/run on KVER (2 minutes)
#   make check-long          stress, hostile input, fuzzing (~25 minutes;
#                            CHECK_LONG_QUICK=1 for a short run)
#   make demo                boot the default kernel and show cgaddr at work
#   make install / dkms-install / clean

KVER ?= 6.1
MATRIX := $(shell scripts/kernels.sh --list)
CACHE_KDIR = $(shell scripts/kernels.sh --dir $(KVER))
BUILD := build
HOST := $(BUILD)/host
KBUILD_OUT = $(BUILD)/k/$(KVER)

CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-sign-compare
HOST_CPPFLAGS := -Iinclude -Imodule -D_GNU_SOURCE

# Host test targets run by `make check`; fragments append to these.
HOST_CHECKS :=
QEMU_ADD :=

.PHONY: all module tools check check-host check-qemu check-matrix check-debug stress demo \
	install dkms-install clean deps kernels

all: module tools

deps:
	scripts/deps.sh

kernels:
	scripts/kernels.sh $(KVER)

# ---- kernel module -------------------------------------------------------

MODULE_SRCS := Kbuild $(wildcard module/*.c module/*.h module/*.sh) \
	$(wildcard include/uapi/*.h include/*.h)

ifeq ($(origin KDIR),undefined)
module: kernels
module: KDIR_EFF = $(CACHE_KDIR)/build
module: MAKE_ARGS = $(shell cat $(CACHE_KDIR)/make-args 2>/dev/null)
else
module: KDIR_EFF = $(KDIR)
module: KBUILD_OUT = $(BUILD)/k/custom
endif
# Test modules built beside cgaddr.ko for the QEMU tests (not installed).
TEST_KMOD_SRCS := $(wildcard tests/kmod/*.c)

module:
	@mkdir -p $(KBUILD_OUT)
	@cp -a --parents $(MODULE_SRCS) $(TEST_KMOD_SRCS) $(KBUILD_OUT)/
	$(MAKE) -C $(KDIR_EFF) M=$(abspath $(KBUILD_OUT)) $(MAKE_ARGS) modules
	@echo "module: $(KBUILD_OUT)/cgaddr.ko"

# ---- userspace -----------------------------------------------------------

-include tools/tools.mk
-include tests/progs/progs.mk
-include tests/kselftests/kselftests.mk
-include tests/tools/tools-test.mk
-include tests/vm/vm.mk
-include tests/guest/guest.mk
-include packaging/packaging.mk
-include tests/bench/bench.mk
-include tests/stress/stress.mk
-include tests/long.mk
-include tests/qemu/qemu.mk
-include tests/rules/rules.mk
-include tests/system/system.mk
-include tests/cross/arm64.mk

# ---- tests ---------------------------------------------------------------

check-host: $(HOST_CHECKS)

check-qemu: module tools
	tests/qemu/suite --kernel $(KVER)

check:
	@scripts/deps.sh
	$(MAKE) check-host
	$(MAKE) check-qemu KVER=$(KVER)

check-matrix:
	@scripts/deps.sh
	$(MAKE) check-host
	@set -e; for v in $(MATRIX); do $(MAKE) module KVER=$$v; done
	tests/qemu/suite --matrix

# The debug kernel is not in the matrix: building it takes ~40 minutes on
# 2 cores the first time (then it is cached, keyed by its configuration).
check-debug:
	@scripts/deps.sh
	scripts/kernels.sh debug
	$(MAKE) module KVER=debug
	$(MAKE) tools
	tests/qemu/suite --no-build --kernel debug
	tests/stress/run --no-build --kernel debug

stress: module tools
	tests/stress/run --no-build --kernel $(KVER)

demo:
	@scripts/deps.sh
	$(MAKE) -s module tools KVER=$(KVER) >/dev/null
	tests/demo.sh --no-build --kernel $(KVER)

# ---- installation --------------------------------------------------------

PREFIX ?= /usr/local
KREL ?= $(shell uname -r)

install: tools
	$(MAKE) -C /lib/modules/$(KREL)/build M=$(CURDIR) modules_install
	install -D -m 0755 $(HOST)/cgaddr $(DESTDIR)$(PREFIX)/sbin/cgaddr
	depmod -a $(KREL)

DKMS_VER := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms-install:
	mkdir -p /usr/src/cgaddr-$(DKMS_VER)
	cp -a --parents $(MODULE_SRCS) dkms.conf /usr/src/cgaddr-$(DKMS_VER)/
	dkms add -m cgaddr -v $(DKMS_VER) || true
	dkms build -m cgaddr -v $(DKMS_VER)
	dkms install -m cgaddr -v $(DKMS_VER)

clean:
	rm -rf $(BUILD)
