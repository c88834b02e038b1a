# SPDX-License-Identifier: GPL-2.0
# Packaging: DKMS test, Debian packages, documentation checks.
#
#   make check-dkms     dkms build against every kernel of the matrix (private
#                       DKMS tree) and boot the DKMS-built module in QEMU
#   make deb            build/deb/cgaddr-dkms_VER_all.deb and cgaddr_VER_ARCH.deb
#   make check-deb      build the packages, check their contents and lintian,
#                       install and remove them (tests/packaging/deb-test.sh)
#   make deb-arm64      build/deb/cgaddr_VER_arm64.deb, cross-built (the DKMS
#                       package is the same for every architecture)
#   make check-deb-arm64  build it and check its fields, contents, binary
#   make check-docs     man pages through groff/man with warnings as errors,
#                       the bash completion and the systemd unit's syntax

DEB_OUT := $(BUILD)/deb
MAN_PAGES := docs/man/cgaddr.8 docs/man/cgaddr.7

.PHONY: check-dkms deb check-deb check-docs deb-arm64 check-deb-arm64

check-dkms:
	@scripts/deps.sh
	@MODULE_SRCS="$(MODULE_SRCS)" tests/packaging/dkms-test.sh $(DKMS_KERNELS)

deb:
	@MODULE_SRCS="$(MODULE_SRCS)" packaging/build-deb.sh $(DEB_OUT)

check-deb:
	@MODULE_SRCS="$(MODULE_SRCS)" tests/packaging/deb-test.sh $(DEB_OUT)

deb-arm64:
	@packaging/build-deb.sh --arch arm64 $(DEB_OUT)

check-deb-arm64:
	@tests/packaging/deb-arm64-test.sh $(DEB_OUT)

check-docs:
	@tests/packaging/docs-test.sh $(MAN_PAGES)

HOST_CHECKS += check-docs
