# SPDX-License-Identifier: GPL-2.0
# Rule patterns (module/rule_match.c) on the host, under ASan/UBSan.

RULESB := $(BUILD)/rules

$(RULESB)/match_test: tests/rules/match_test.c module/rule_match.c module/rule_match.h tests/check.h
	@mkdir -p $(RULESB)
	$(CC) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(WARN) -Imodule -o $@ tests/rules/match_test.c module/rule_match.c

.PHONY: check-rules
check-rules: $(RULESB)/match_test
	$(RULESB)/match_test

HOST_CHECKS += check-rules
