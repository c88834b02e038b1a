# SPDX-License-Identifier: GPL-2.0
# Benchmarks in the QEMU guest (tests/bench/): cgaddr against no hook and
# against the kernel's own cgroup BPF, side by side in one boot.
#
#   make bench [KVER=6.1] [BENCH_ARGS=...]   tests/bench/run (see its header)
#   make bench-build                         what the guest needs: sockbench,
#                                            the benchmark's BPF objects
#   make bench-insns [KVER=6.1]              guest instructions per call
#                                            (tests/bench/insns/insns.mk);
#                                            make bench runs it too
#
# Included by the top Makefile (-include tests/bench/bench.mk); until then:
#   make -f Makefile -f tests/bench/bench.mk bench

ifndef BENCH_MK_INCLUDED
BENCH_MK_INCLUDED := 1

BENCH_GUEST := $(BUILD)/guest/sockbench $(BUILD)/guest/cgbulk
BENCH_PROG_SRCS := $(wildcard tests/bench/progs/*.c)
BENCH_PROG_OBJS := $(patsubst tests/bench/progs/%.c,$(BUILD)/progs/bench_%.o,$(BENCH_PROG_SRCS))
BENCH_ARGS ?=

$(BUILD)/guest/sockbench: tests/bench/sockbench.c tests/bench/benchsock.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -static -o $@ $<

# cgbulk is the cgaddr tool's code with its own main(): dynamic, like cgaddr
# (tests/qemu/run copies the libraries it needs into the guest).
$(BUILD)/guest/cgbulk: tests/bench/cgbulk.c $(filter-out tools/main.c,$(TOOL_SRCS)) $(TOOL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -Itools $(TOOL_CPPFLAGS) -o $@ tests/bench/cgbulk.c \
		$(filter-out tools/main.c,$(TOOL_SRCS)) $(TOOL_LIBS)

$(BUILD)/progs/bench_%.o: tests/bench/progs/%.c
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

.PHONY: bench bench-build
bench-build: $(BENCH_GUEST) $(BENCH_PROG_OBJS)

tools: bench-build

bench: bench-build insns-build
	tests/bench/run --kernel $(KVER) --vm $(BENCH_ARGS)
	tests/bench/insns/run --kernel $(KVER) --no-build $(INSNS_ARGS)

-include tests/bench/insns/insns.mk

endif
