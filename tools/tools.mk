# SPDX-License-Identifier: GPL-2.0
# The cgaddr command-line tool.

TOOL_SRCS := $(wildcard tools/*.c)
TOOL_HDRS := $(wildcard tools/*.h) $(wildcard include/uapi/*.h)
TOOL_LIBS := $(shell pkg-config --libs libmnl libelf 2>/dev/null || echo -lmnl -lelf)

ifneq ($(TOOL_SRCS),)
$(HOST)/cgaddr: $(TOOL_SRCS) $(TOOL_HDRS)
	@mkdir -p $(HOST)
	$(CC) $(CFLAGS) $(WARN) $(HOST_CPPFLAGS) -o $@ $(TOOL_SRCS) $(TOOL_LIBS)

tools: $(HOST)/cgaddr
endif
