# SPDX-License-Identifier: GPL-2.0
# The guest side of the stress test (tests/stress/run), a static program
# in build/guest/ (copied onto the guest's PATH by tests/qemu/run).
# Included from the top Makefile: -include tests/stress/stress.mk

STRESS_PROGS := $(BUILD)/guest/cgstress

$(BUILD)/guest/cgstress: tests/stress/cgstress.c include/uapi/cgaddr.h
	@mkdir -p $(BUILD)/guest
	$(CC) -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
		-D_GNU_SOURCE -Iinclude -static -pthread -o $@ $<

tools: $(STRESS_PROGS)
