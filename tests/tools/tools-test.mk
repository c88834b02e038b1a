# SPDX-License-Identifier: GPL-2.0
# Host tests of the cgaddr CLI (no module needed): the object loader on the
# programs of tests/progs and on loader edge cases (tests/tools/objs), under
# ASan/UBSan, valgrind and a fuzzer; the netlink side against an in-process
# stand-in for the module (tests/tools/fakenl.c, LD_PRELOADed); the
# generated programs of `cgaddr pin` in the module's VM (pin_test.c).

TT := $(BUILD)/tools-test
TT_OBJ_SRCS := $(wildcard tests/tools/objs/*.c)
TT_OBJS := $(patsubst tests/tools/objs/%.c,$(TT)/objs/%.o,$(TT_OBJ_SRCS))
TT_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
TT_LOADER := tools/obj.c tools/obj_maps.c tools/reloc.c tools/spec.c tools/util.c tools/types.c tools/json.c

$(TT)/objs/%.o: tests/tools/objs/%.c
	@mkdir -p $(TT)/objs
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(TT)/cgaddr-asan: $(TOOL_SRCS) $(TOOL_HDRS) dkms.conf
	@mkdir -p $(TT)
	$(CC) $(TT_SAN) $(WARN) $(TOOL_CPPFLAGS) -o $@ $(TOOL_SRCS) $(TOOL_LIBS)

$(TT)/fuzz-obj: tests/tools/fuzz_obj.c $(TT_LOADER) $(TOOL_HDRS)
	@mkdir -p $(TT)
	$(CC) $(TT_SAN) $(WARN) $(TOOL_CPPFLAGS) -o $@ tests/tools/fuzz_obj.c $(TT_LOADER) \
		$(shell pkg-config --libs libelf 2>/dev/null || echo -lelf)

$(TT)/fakenl.so: tests/tools/fakenl.c include/uapi/cgaddr.h
	@mkdir -p $(TT)
	$(CC) -O1 -g $(WARN) -shared -fPIC $(HOST_CPPFLAGS) -o $@ $< \
		$(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl) -ldl

# The programs of `cgaddr pin`, run in the module's VM (module/vm_*.c).
TT_VM_SRCS := $(wildcard module/vm_*.c)
$(TT)/pin_test: tests/tools/pin_test.c tests/check.h tools/pin_progs.c tools/pin_progs.h tools/bpf_insn.h \
		$(TT_VM_SRCS) $(wildcard module/vm*.h)
	@mkdir -p $(TT)
	$(CC) $(TT_SAN) $(WARN) $(HOST_CPPFLAGS) -Itools -o $@ tests/tools/pin_test.c \
		tools/pin_progs.c $(TT_VM_SRCS)

$(TT)/jsoncheck: tests/tools/jsoncheck.c
	@mkdir -p $(TT)
	$(CC) -O1 -g $(WARN) -o $@ $<

# A libFuzzer build of the loader fuzzer, not run by `make check`:
#   make fuzz-obj-libfuzzer && build/tools-test/fuzz-obj-lf -max_total_time=60 CORPUS
$(TT)/fuzz-obj-lf: tests/tools/fuzz_obj.c $(TT_LOADER) $(TOOL_HDRS)
	@mkdir -p $(TT)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -DLIBFUZZER $(TOOL_CPPFLAGS) -o $@ \
		tests/tools/fuzz_obj.c $(TT_LOADER) -lelf

.PHONY: check-tools fuzz-obj-libfuzzer
fuzz-obj-libfuzzer: $(TT)/fuzz-obj-lf

check-tools: $(HOST)/cgaddr $(PROGS_OBJS) $(KST_OBJS) $(KST_RAW) $(TT_OBJS) $(TT)/cgaddr-asan $(TT)/fuzz-obj \
		$(TT)/fakenl.so $(TT)/jsoncheck $(TT)/pin_test
	$(TT)/pin_test
	tests/tools/run-tests.sh

HOST_CHECKS += check-tools
