#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the arm64 cgaddr package and check it without an arm64 dpkg:
#
#   tests/packaging/deb-arm64-test.sh [OUT]     (default: build/deb)
#
#   1. packaging/build-deb.sh --arch arm64 OUT, unless NO_BUILD=1;
#   2. its fields: Architecture arm64, Depends on kmod and the same library
#      packages as amd64's (libc6, libmnl0, libelf1), not on dkms;
#   3. its contents are the amd64 package's paths (tests/packaging/deb-test.sh
#      checks those), and /usr/sbin/cgaddr is an aarch64 binary loading
#      libmnl.so.0 and libelf.so.1 through arm64's dynamic loader;
#   4. lintian (where installed): no error.
# Installing it needs an arm64 system: the suite's guests run build/arm64/cgaddr.
# Prints "PASS name" / "FAIL name" and "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=${1:-build/deb}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
deb=$out/cgaddr_${ver}_arm64.deb
pass=0 fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-deb-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT
check() {	# NAME COMMAND...: PASS if the command succeeds
	local name=$1; shift
	if "$@" > "$work/out" 2>&1; then
		echo "PASS $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; sed 's/^/    /' "$work/out" | tail -n 30; fail=$((fail + 1))
	fi
}

if [ "${NO_BUILD:-0}" != 1 ]; then
	check "make deb-arm64 (dpkg-buildpackage -a arm64)" packaging/build-deb.sh --arch arm64 "$out"
fi
[ -f "$deb" ] || { echo "deb-arm64-test: $deb missing"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }

dep=$(dpkg-deb -f "$deb" Depends)
check "fields (Package cgaddr, Version $ver, Architecture arm64; Depends: $dep)" sh -c "
	[ '$(dpkg-deb -f "$deb" Package)' = cgaddr ] && [ '$(dpkg-deb -f "$deb" Version)' = '$ver' ] &&
	[ '$(dpkg-deb -f "$deb" Architecture)' = arm64 ] &&
	for p in kmod libc6 libmnl0 libelf1; do echo '$dep' | grep -Eq \"(^|, )\$p( |,|\\\$)\" || exit 1; done &&
	! echo '$dep' | grep -q dkms"
paths=(/usr/sbin/cgaddr /usr/share/man/man8/cgaddr.8.gz /usr/share/bash-completion/completions/cgaddr
	/lib/systemd/system/cgaddr.service /etc/cgaddr.d/example.conf.sample /usr/share/doc/cgaddr/copyright)
has_paths() {
	dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/list"
	for p in "${paths[@]}"; do grep -qx "$p" "$work/list" || { echo "missing: $p"; return 1; }; done
}
check "contents (${#paths[@]} paths)" has_paths
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/sbin/cgaddr > "$work/cgaddr"
check "/usr/sbin/cgaddr: $(file -b "$work/cgaddr" | cut -d, -f1-2)" \
	sh -c "file -b '$work/cgaddr' | grep -q 'ARM aarch64' &&
	       file -b '$work/cgaddr' | grep -q 'interpreter /lib/ld-linux-aarch64.so.1'"
check "/usr/sbin/cgaddr loads libmnl.so.0, libelf.so.1, libc.so.6" sh -c "
	aarch64-linux-gnu-readelf -d '$work/cgaddr' > '$work/dyn' &&
	for l in libmnl.so.0 libelf.so.1 libc.so.6; do grep -q \"NEEDED.*\\[\$l\\]\" '$work/dyn' || exit 1; done"
if command -v lintian >/dev/null; then
	check "lintian: no error" sh -c "! lintian --pedantic '$deb' 2>&1 | grep '^E:'"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
