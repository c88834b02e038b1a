# SPDX-License-Identifier: GPL-2.0
# BPF programs for the tests, compiled from C with Debian's clang into
# build/progs/NAME.o (in the QEMU guest: /progs/NAME.o).

PROGS_DIR := $(BUILD)/progs
PROGS_SRCS := $(wildcard tests/progs/*.c)
PROGS_OBJS := $(patsubst tests/progs/%.c,$(PROGS_DIR)/%.o,$(PROGS_SRCS))
BPF_CLANG ?= clang
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -I/usr/include/$(shell gcc -dumpmachine)

$(PROGS_DIR)/%.o: tests/progs/%.c
	@mkdir -p $(PROGS_DIR)
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

.PHONY: progs
progs: $(PROGS_OBJS)

tools: $(PROGS_OBJS)

# Programs that need maps (branch "maps"), apart from those that do not.
PROGS_MAPS_SRCS := $(wildcard tests/progs/maps/*.c)
PROGS_MAPS_OBJS := $(patsubst tests/progs/maps/%.c,$(PROGS_DIR)/maps/%.o,$(PROGS_MAPS_SRCS))

$(PROGS_DIR)/maps/%.o: tests/progs/maps/%.c
	@mkdir -p $(PROGS_DIR)/maps
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

progs: $(PROGS_MAPS_OBJS)
tools: $(PROGS_MAPS_OBJS)
