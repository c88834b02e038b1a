#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's packages of another architecture, unpacked into a directory of
# the cache: the libraries to cross-build cgaddr's CLI and guest programs
# against (statically), and the guest's userland for a kernel of that
# architecture (busybox, iproute2, util-linux and the libraries they load).
#
#   scripts/sysroot.sh [ARCH]          fetch and unpack (default arm64)
#   scripts/sysroot.sh --dir [ARCH]    print the directory
#
# Nothing is installed system-wide, and dpkg is not told about another
# architecture: like scripts/kernels.sh, a private apt configuration
# (whose functions this sources) and `apt-get download` + `dpkg -x`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernels.sh
. "$here/kernels.sh"

# Headers and static libraries for the build.
DEV_PKGS="libmnl-dev libelf-dev zlib1g-dev libbpf-dev"
# The guest's programs; their shared libraries come with them (below).
GUEST_PKGS="busybox-static iproute2 util-linux"

if [ "${1:-}" = --dir ]; then
	echo "$CACHE/sysroot/${2:-arm64}"
	exit 0
fi
arch=${1:-arm64}
dir=$CACHE/sysroot/$arch
[ -f "$dir/ready" ] && exit 0

apt_setup "$arch"
# Debian 12's versions (the private sources list sid and backports too),
# as the amd64 build's libraries are.
APT_OPTS+=(-o APT::Default-Release=bookworm)
# The packages' run-time closure: every library package they depend
# on, directly or not (Depends and Pre-Depends only), and no -dev; not the rest of an
# essential system (perl, debconf, ...), which the programs never load.
pkgs=$(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances $GUEST_PKGS $DEV_PKGS 2>/dev/null |
	grep -E '^(lib|zlib|busybox-static$|iproute2$|util-linux$)' |
	grep -v -e ':' -e 't64$' -e '-dev$' | sort -u)
# Headers and static libraries of these only: the cross compiler's own
# libc (libc6-dev-arm64-cross) must win over the sysroot's.
pkgs="$pkgs $DEV_PKGS"
[ -n "$pkgs" ] || die "sysroot $arch: cannot resolve $GUEST_PKGS"
say "sysroot $arch: $(echo $pkgs | wc -w) packages"
rm -rf "$dir"; mkdir -p "$dir/debs"
(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -qq download $pkgs >/dev/null) ||
	die "sysroot $arch: download failed"
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir"; done
rm -rf "$dir/debs"
date -u +%FT%TZ > "$dir/ready"
say "sysroot $arch: ready in $dir"
