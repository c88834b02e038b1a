#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages cgaddr and cgaddr-dkms with dpkg-buildpackage,
# out of tree: the sources are copied into OUT/src/cgaddr-VERSION with
# packaging/debian as debian/, and the packages land in OUT.
#
#   packaging/build-deb.sh [OUT]        (default: build/deb)
#
# The version is dkms.conf's PACKAGE_VERSION (a native package); the
# changelog is generated, dated by the last commit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
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

when=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat > "$src/debian/changelog" <<EOC
cgaddr ($ver) unstable; urgency=medium

  * Version $ver, built from the cgaddr repository.

 -- cgaddr developers <cgaddr@example.org>  $when
EOC

echo "build-deb: dpkg-buildpackage in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) > "$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
rm -f "$out"/cgaddr*.deb "$out"/cgaddr_*.changes "$out"/cgaddr_*.buildinfo
mv "$out"/src/cgaddr*.deb "$out"/src/cgaddr_*.changes "$out"/src/cgaddr_*.buildinfo "$out/"
rm -rf "$out/src"
ls "$out"/*.deb
