# SPDX-License-Identifier: GPL-2.0
# The sock_addr program VM (module/vm_*.c) on the host: unit tests and the
# eBPF conformance vectors under ASan/UBSan, the bpf_conformance plugin, a
# libFuzzer target and a callgrind benchmark.  See docs/vm.md.
#
#   make check-vm     unit tests, conformance vectors, plugin smoke test,
#                     FUZZ_CHECK_SECONDS (20) of fuzzing; part of check-host
#   make fuzz         FUZZ_SECONDS (60) of fuzzing; fails on any crash,
#                     sanitizer report or leak
#   make bench-vm     host instructions per eBPF instruction (callgrind)

VMB := $(BUILD)/vm
VM_SRCS := $(wildcard module/vm_*.c)
VM_HDRS := module/vm.h $(wildcard module/vm_*.h) tests/vm/vm_asm.h
VM_CPPFLAGS := $(HOST_CPPFLAGS) -Itests/vm
VM_SAN := -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VM_SAN_OBJS := $(patsubst module/%.c,$(VMB)/san/%.o,$(VM_SRCS))

# The third-party vectors live beside the clone (../shared); without them
# the conformance step says so and is skipped.
CONFORMANCE_DIR ?= $(abspath ../shared/conformance/vectors)
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 20
FUZZ_CC ?= clang
BENCH_RUNS ?= 200

# The adversarial corpus (tests/vm/adversarial/, format in adv_file.h):
# every program's expected outcome, checked under ASan/UBSan; its programs
# also seed the fuzzer.
ADV_PROGS := $(sort $(wildcard tests/vm/adversarial/*.prog))

# The VM, sanitized, for the unit tests and the conformance runner.
$(VMB)/san/%.o: module/%.c $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O1 $(VM_SAN) $(WARN) $(VM_CPPFLAGS) -c -o $@ $<

# The tests themselves at -O0: the file is large, and -O1 with the
# sanitizers takes a minute to compile it.
$(VMB)/vm_test.o: tests/vm/vm_test.c tests/check.h $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O0 $(VM_SAN) $(WARN) $(VM_CPPFLAGS) -c -o $@ $<

$(VMB)/vm_test: $(VMB)/vm_test.o $(VM_SAN_OBJS)
	$(CC) $(VM_SAN) -o $@ $^

$(VMB)/cgaddr-vm-conformance: tests/vm/conformance.c $(VM_SAN_OBJS) $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O1 $(VM_SAN) $(WARN) $(VM_CPPFLAGS) -o $@ $< $(VM_SAN_OBJS)

# The bpf_conformance plugin, at the path the issue names.
$(HOST)/cgaddr-vm-plugin: tests/vm/plugin.c $(VM_SRCS) $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(VM_CPPFLAGS) -o $@ tests/vm/plugin.c $(VM_SRCS)

$(VMB)/cgaddr-vm-fuzz: tests/vm/fuzz.c $(VM_SRCS) $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(VM_CPPFLAGS) -o $@ tests/vm/fuzz.c $(VM_SRCS)

# Seed inputs, generated from a few valid programs (tests/vm/seeds.c).
$(VMB)/cgaddr-vm-seeds: tests/vm/seeds.c $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(WARN) $(VM_CPPFLAGS) -o $@ $<

$(VMB)/seeds/.stamp: $(VMB)/cgaddr-vm-seeds $(VMB)/cgaddr-vm-adversarial $(ADV_PROGS)
	@rm -rf $(VMB)/seeds && mkdir -p $(VMB)/seeds
	$< $(VMB)/seeds
	$(VMB)/cgaddr-vm-adversarial --seeds $(VMB)/seeds $(ADV_PROGS) >/dev/null
	@touch $@

# With the tool's object loader (TT_LOADER, tests/tools/tools-test.mk), to
# take clang's objects as `cgaddr prog load` does.  No sanitizers: they
# would be most of what callgrind counts.
$(VMB)/cgaddr-vm-bench: tests/vm/bench.c $(VM_SRCS) $(VM_HDRS) $(TT_LOADER) $(TOOL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) $(TOOL_CPPFLAGS) -Itests/vm -o $@ tests/vm/bench.c $(VM_SRCS) \
		$(TT_LOADER) $(shell pkg-config --libs libelf 2>/dev/null || echo -lelf)

# The fuzzer works on a copy of tests/vm/corpus and the generated seeds
# in $(VMB)/fuzz: the repository is never written to.
VM_FUZZ_RUN = tests/vm/fuzz.sh $(VMB)/cgaddr-vm-fuzz $(1) $(VMB)/fuzz tests/vm/corpus $(VMB)/seeds

define VM_CONFORMANCE_RUN
	@if [ -d "$(CONFORMANCE_DIR)" ]; then \
		echo "$(VMB)/cgaddr-vm-conformance $(CONFORMANCE_DIR)"; \
		$(VMB)/cgaddr-vm-conformance $(CONFORMANCE_DIR); \
	else \
		echo "SKIP conformance: no vectors at $(CONFORMANCE_DIR)" \
			"(../shared beside the clone; set CONFORMANCE_DIR=...)"; \
	fi
endef

.PHONY: check-vm vm-test vm-conformance vm-plugin-smoke fuzz fuzz-vm fuzz-merge bench-vm

vm-test: $(VMB)/vm_test
	$(VMB)/vm_test

vm-conformance: $(VMB)/cgaddr-vm-conformance
	$(VM_CONFORMANCE_RUN)

vm-plugin-smoke: $(HOST)/cgaddr-vm-plugin
	tests/vm/plugin-smoke.sh $(HOST)/cgaddr-vm-plugin

# Everything is built first (in parallel under -j), then run in order.
check-vm: $(VMB)/vm_test $(VMB)/cgaddr-vm-conformance $(HOST)/cgaddr-vm-plugin \
		$(VMB)/cgaddr-vm-fuzz $(VMB)/seeds/.stamp $(VMB)/map_test
	$(VMB)/vm_test
	$(VMB)/map_test
	$(VM_CONFORMANCE_RUN)
	tests/vm/plugin-smoke.sh $(HOST)/cgaddr-vm-plugin
	$(call VM_FUZZ_RUN,$(FUZZ_CHECK_SECONDS))

fuzz: fuzz-vm

fuzz-vm: $(VMB)/cgaddr-vm-fuzz $(VMB)/seeds/.stamp
	$(call VM_FUZZ_RUN,$(FUZZ_SECONDS))

# Keep what fuzzing found: add to tests/vm/corpus the inputs of the last
# run's working corpus that reach code the kept ones do not (libFuzzer's
# merge), to be committed.
fuzz-merge: $(VMB)/cgaddr-vm-fuzz
	$(VMB)/cgaddr-vm-fuzz -merge=1 tests/vm/corpus $(VMB)/fuzz/corpus 2>&1 | tail -n 2

# The test programs (PROGS_OBJS, PROGS_MAPS_OBJS), the benchmark's clang-built
# pin programs (tests/bench/progs/pin.c) and the kernel's selftest programs:
# KST_OBJS, and the raw_*.o files of test_sock_addr.c that the KST_RAW stamp
# writes, whose names are known only once it has run (the shell expands them).
BENCH_VM_OBJS := $(PROGS_OBJS) $(PROGS_MAPS_OBJS) $(BUILD)/progs/bench_pin.o $(KST_OBJS)

bench-vm: $(VMB)/cgaddr-vm-bench $(BENCH_VM_OBJS) $(KST_RAW)
	tests/vm/bench.sh $(VMB)/cgaddr-vm-bench $(BENCH_RUNS) $(VMB)/bench $(BENCH_VM_OBJS) \
		$(KST_OUT)/raw_*.o

HOST_CHECKS += check-vm

$(VMB)/cgaddr-vm-adversarial: tests/vm/adversarial.c tests/vm/adv_file.h tests/guest/attach_types.h $(VM_SAN_OBJS) $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O1 $(VM_SAN) $(WARN) $(VM_CPPFLAGS) -o $@ $< $(VM_SAN_OBJS)

.PHONY: vm-adversarial
vm-adversarial: $(VMB)/cgaddr-vm-adversarial
	@echo "$(VMB)/cgaddr-vm-adversarial tests/vm/adversarial/*.prog"
	@$(VMB)/cgaddr-vm-adversarial $(ADV_PROGS)

HOST_CHECKS += vm-adversarial

# The map storage (module/vm_map.c) and programs using real maps, with
# threads: readers while a writer replaces and deletes.
$(VMB)/map_test: tests/vm/map_test.c tests/check.h $(VM_SAN_OBJS) $(VM_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -O1 $(VM_SAN) $(WARN) $(VM_CPPFLAGS) -o $@ $< $(VM_SAN_OBJS) -lpthread
