# SPDX-License-Identifier: GPL-2.0
# Guest instructions per socket call, counted by a QEMU TCG plugin
# (tests/bench/insns/).
#
#   make bench-insns [KVER=6.1] [INSNS_ARGS=...]  tests/bench/insns/run
#   make insns-build     the plugin and the guest's insbench
#   make check-insns     the plugin counts a known loop exactly (one boot)
#
# Included by tests/bench/bench.mk.

INSNS_PLUGIN := $(BUILD)/insns/libinsns.so
INSNS_LOOP := $(BUILD)/insns/insns-loop
INSNS_ARGS ?=

# qemu-plugin.h comes from the installed QEMU's source package, cached
# outside the repository (scripts/qemu-plugin-h.sh).
$(INSNS_PLUGIN): tests/bench/insns/plugin.c tests/bench/insns/marker.h scripts/qemu-plugin-h.sh
	@mkdir -p $(dir $@)
	hdr=$$(scripts/qemu-plugin-h.sh) && \
	$(CC) $(CFLAGS) $(WARN) -shared -fPIC -I"$$hdr" -o $@ $<

$(INSNS_LOOP): tests/bench/insns/loop.c tests/bench/insns/marker.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -static -o $@ $<

$(BUILD)/guest/insbench: tests/bench/insns/insbench.c tests/bench/insns/marker.h tests/bench/benchsock.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -static -o $@ $<

.PHONY: insns-build bench-insns check-insns
insns-build: $(INSNS_PLUGIN) $(BUILD)/guest/insbench

bench-build: $(BUILD)/guest/insbench

bench-insns: bench-build insns-build
	tests/bench/insns/run --kernel $(KVER) $(INSNS_ARGS)

check-insns: $(INSNS_PLUGIN) $(INSNS_LOOP)
	tests/bench/insns/test.sh $(INSNS_PLUGIN) $(INSNS_LOOP)

HOST_CHECKS += check-insns
