# SPDX-License-Identifier: GPL-2.0
# The cgaddr command-line tool.

TOOL_SRCS := $(wildcard tools/*.c)
TOOL_HDRS := $(wildcard tools/*.h) $(wildcard include/uapi/*.h)
TOOL_LIBS := $(shell pkg-config --libs libmnl libelf 2>/dev/null || echo -lmnl -lelf)
TOOL_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
TOOL_CPPFLAGS := $(HOST_CPPFLAGS) -DCGADDR_TOOL_VERSION='"$(TOOL_VERSION)"'

ifneq ($(TOOL_SRCS),)
$(HOST)/cgaddr: $(TOOL_SRCS) $(TOOL_HDRS) dkms.conf
	@mkdir -p $(HOST)
	$(CC) $(CFLAGS) $(WARN) $(TOOL_CPPFLAGS) -o $@ $(TOOL_SRCS) $(TOOL_LIBS)

tools: $(HOST)/cgaddr
endif
