# SPDX-License-Identifier: GPL-2.0
# Static programs for the QEMU guest (build/guest/, on the guest's PATH).

GUEST := $(BUILD)/guest
GUEST_PROGS := $(GUEST)/sockprobe $(GUEST)/nlbad $(GUEST)/bpfload $(GUEST)/advrun \
	$(GUEST)/nlfuzz $(GUEST)/leakprobe

$(GUEST)/%: tests/guest/%.c include/uapi/cgaddr.h
	@mkdir -p $(GUEST)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -Iinclude -static -o $@ $<

# The raw genetlink helpers; advrun also reads the adversarial file format.
$(GUEST)/advrun $(GUEST)/nlfuzz $(GUEST)/leakprobe: tests/guest/gnl.h
$(GUEST)/advrun: tests/vm/adv_file.h tests/guest/attach_types.h
$(GUEST)/bpfload: tests/guest/attach_types.h

tools: $(GUEST_PROGS)

# The libbpf loader for the kernel's selftest objects (libbpf-dev, static).
$(GUEST)/kbpfload: tests/guest/kbpfload.c tests/guest/attach_types.h
	@mkdir -p $(GUEST)
	$(CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -static -o $@ $< -lbpf -lelf -lz

tools: $(GUEST)/kbpfload
