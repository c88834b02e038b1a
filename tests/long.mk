# SPDX-License-Identifier: GPL-2.0
# make check-long: stress, hostile input and fuzzing for about 25 minutes,
# then the arm64 kernels' suites and stress (about 20 more)
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
	@# The arm64 suites and stress (not in CI's matrix): cross-built.
	@set -e; for v in $${LONG_ARM64_KERNELS-$$(scripts/kernels.sh --list-arm64)}; do \
		scripts/kernels.sh $$v; $(MAKE) module tools KVER=$$v; done
	tests/check-long.sh
