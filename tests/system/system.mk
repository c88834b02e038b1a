# SPDX-License-Identifier: GPL-2.0
# The system test: cgaddr's Debian packages on a real Debian 12 system with
# systemd as PID 1, booted twice under QEMU (tests/system/run).
#
#   make check-system   build the packages, the cached image if missing,
#                       and run it ("N passed, M failed")

.PHONY: check-system

check-system:
	@scripts/deps.sh
	tests/system/run
