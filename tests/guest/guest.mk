# SPDX-License-Identifier: GPL-2.0
# Static programs for the QEMU guest (build/guest/, on the guest's PATH).

GUEST := $(BUILD)/guest
GUEST_PROGS := $(GUEST)/sockprobe

$(GUEST)/%: tests/guest/%.c
	@mkdir -p $(GUEST)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -static -o $@ $<

tools: $(GUEST_PROGS)
