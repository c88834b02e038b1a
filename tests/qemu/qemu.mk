# SPDX-License-Identifier: GPL-2.0
# Host test of the QEMU runner's accelerator decision (tests/qemu/accel):
# stub QEMUs that abort, hang or work, no guest booted.

.PHONY: check-accel

check-accel:
	tests/qemu/accel-test.sh

HOST_CHECKS += check-accel
