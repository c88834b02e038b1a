# SPDX-License-Identifier: GPL-2.0
# make check-long: stress, hostile input and fuzzing for about 25 minutes
# (tests/check-long.sh; CHECK_LONG_QUICK=1 for a few-minute run of the same
# steps).  Needs the debug kernel (scripts/kernels.sh debug: ~40 minutes
# to build the first time, then cached).

.PHONY: check-long

check-long:
	@scripts/deps.sh
	scripts/kernels.sh $${LONG_KERNEL:-debug}
	$(MAKE) module KVER=$${LONG_KERNEL:-debug}
	$(MAKE) module KVER=6.1
	$(MAKE) tools
	tests/check-long.sh
