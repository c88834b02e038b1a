#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages cgaddr and cgaddr-dkms with dpkg-buildpackage,
# out of tree: the sources are copied into OUT/src/cgaddr-VERSION with
# packaging/debian as debian/, and the packages land in OUT.
#
#   packaging/build-deb.sh [--arch ARCH] [OUT]     (default: build/deb)
#
# --arch arm64 cross-builds cgaddr_VERSION_arm64.deb only (the DKMS package
# is Architecture: all, `make deb` builds it): dpkg-buildpackage -a arm64,
# the CLI compiled by tests/cross/arm64.mk against scripts/sysroot.sh's
# libraries.  dpkg knows no arm64 packages here (no foreign architecture
# is added), so dpkg-shlibdeps takes the libraries' dependencies from a
# debian/shlibs.local written from the host's shlibs of the same packages
# (same Debian release, same package names on every architecture).
#
# The version is dkms.conf's PACKAGE_VERSION (a native package); the
# changelog is generated, dated by the last commit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
arch=
if [ "${1:-}" = --arch ]; then
	arch=$2; shift 2
	[ "$arch" = arm64 ] || { echo "build-deb: --arch: only arm64 is cross-built" >&2; exit 2; }
	[ "$arch" = "$(dpkg --print-architecture)" ] && arch=
fi
out=${1:-build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
[ -n "$ver" ] || { echo "build-deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 2; }
for c in dpkg-buildpackage dh dh_dkms; do
	command -v "$c" >/dev/null ||
		{ echo "build-deb: $c missing (apt-get install dpkg-dev debhelper dh-dkms)" >&2; exit 2; }
done

src=$out/src/cgaddr-$ver
rm -rf "$out/src"
mkdir -p "$src"
# The tool, the module source, the documentation, the packaging files.
packaging/stage-src.sh "$src"
cp -p --parents Makefile README.md tools/*.c tools/*.h tools/tools.mk \
	scripts/kernels.sh docs/vm.md docs/signing.md docs/man/cgaddr.8 docs/man/cgaddr.5 docs/man/cgaddr.7 \
	packaging/cgaddr.service packaging/cgaddr.bash-completion \
	packaging/example.conf.sample "$src/"
cp -a packaging/debian "$src/debian"
cp -p packaging/cgaddr.service "$src/debian/cgaddr.service"
bp_args=(-b)
if [ -n "$arch" ]; then
	cp -p --parents tests/cross/arm64.mk scripts/sysroot.sh "$src/"
	scripts/sysroot.sh "$arch"
	# The libraries build/arm64/cgaddr loads (readelf NEEDED): libc, libmnl,
	# libelf, and arm64's dynamic loader, which comes with libc6 as amd64's.
	info=/var/lib/dpkg/info
	for pkg in libc6 libmnl0 libelf1; do
		f=$info/$pkg:$(dpkg --print-architecture).shlibs
		[ -f "$f" ] || { echo "build-deb: $f missing (apt-get install $pkg)" >&2; exit 2; }
	done
	{
		cat "$info"/{libc6,libmnl0,libelf1}:"$(dpkg --print-architecture)".shlibs |
			grep -E '^(libc 6|libmnl 0|libelf 1) '
		sed -n 's/^libc 6 /ld-linux-aarch64 1 /p' "$info/libc6:$(dpkg --print-architecture).shlibs"
	} > "$src/debian/shlibs.local"
	bp_args=(-B -a "$arch" -d)	# -d: the Build-Depends are the sysroot's, not dpkg's
	# dh warns that a cross build cannot run tests; the rules run none.
	export DEB_BUILD_OPTIONS="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}"
fi

when=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat > "$src/debian/changelog" <<EOC
cgaddr ($ver) unstable; urgency=medium

  * Version $ver, built from the cgaddr repository.

 -- cgaddr developers <cgaddr@example.org>  $when
EOC

echo "build-deb: dpkg-buildpackage in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage "${bp_args[@]}" -us -uc) > "$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
if [ -n "$arch" ]; then
	rm -f "$out"/cgaddr*_"$arch".*
else
	rm -f "$out"/cgaddr*_all.deb "$out"/cgaddr*_"$(dpkg --print-architecture)".*
fi
mv "$out"/src/cgaddr*.deb "$out"/src/cgaddr_*.changes "$out"/src/cgaddr_*.buildinfo "$out/"
rm -rf "$out/src"
ls "$out"/*.deb
