#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything cgaddr needs from Debian's packages, quietly and only
# what is missing, then fetch the default stock kernel into the cache.
# Safe to run any number of times.
set -euo pipefail

PKGS=(
	build-essential gcc-12 make bc bison flex libssl-dev file	# kbuild
	qemu-system-x86 busybox-static cpio kmod zstd xz-utils		# QEMU guest
	qemu-system-arm gcc-aarch64-linux-gnu				# arm64 guests
	libmnl-dev libelf-dev pkg-config				# cgaddr CLI
	clang llvm lld libclang-rt-dev					# BPF objects, fuzzing
	linux-libc-dev libbpf-dev bpftool				# native comparison
	linux-source-6.1 python3					# the kernel's selftests
	dkms dwarves valgrind gnuplot-nox iproute2			# install, bench
	debhelper dh-dkms lintian groff-base man-db openssl		# packages, docs
	mmdebstrap e2fsprogs						# the system test
	debian-archive-keyring ca-certificates
)

missing=()
for p in "${PKGS[@]}"; do
	case "$p" in \#*) continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "deps.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/tmp/cgaddr-deps.log 2>&1; then
		$SUDO apt-get update -qq >>/tmp/cgaddr-deps.log 2>&1
		$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
			>>/tmp/cgaddr-deps.log 2>&1 ||
			{ tail -n 20 /tmp/cgaddr-deps.log >&2; exit 1; }
	fi
fi

# The default kernel for `make check` and `make demo`.
QUIET=1 "$(dirname "$0")/kernels.sh" 6.1
