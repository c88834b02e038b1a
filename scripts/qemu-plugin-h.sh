#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the directory holding qemu-plugin.h for the installed QEMU,
# fetching it first if it is not cached.
#
#   scripts/qemu-plugin-h.sh
#
# Debian ships no QEMU plugin headers, but the one header a TCG plugin
# needs (include/qemu/qemu-plugin.h, self-contained but for glib) is in
# the source package.  It is fetched with `apt-get source --download-only`
# through a private apt configuration whose deb-src entries take their URI
# from the system's own apt sources (scripts/kernels.sh: system_mirror), so
# this file names no archive host.  Only the header is kept, in
# $CACHE/qemu-plugin/UPSTREAM/, keyed by QEMU's upstream version: the
# plugin API does not change between Debian revisions of one release.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernels.sh
. "$here/kernels.sh"

die() { echo "qemu-plugin-h.sh: $*" >&2; exit 1; }

src_ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed (scripts/deps.sh)"
upstream=${src_ver#*:}
upstream=${upstream%%-*}
out=$CACHE/qemu-plugin/$upstream
if [ -f "$out/qemu-plugin.h" ]; then
	echo "$out"
	exit 0
fi

# Source indexes only for the suites Debian 12's QEMU comes from: the
# kernel fetch's binary indexes stay untouched, and small.
dir=$CACHE/apt-src
main=$(system_mirror main | head -n1)
sec=$(system_mirror security | head -n1)
[ -n "$main" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
[ -n "$sec" ] || sec=${main%/debian}/debian-security
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mkdir -p "$dir"/{lists/partial,archives/partial,etc,src}
{
	echo "deb-src [signed-by=$keyring] $main bookworm main"
	echo "deb-src [signed-by=$keyring] $main bookworm-updates main"
	echo "deb-src [signed-by=$keyring] $sec bookworm-security main"
} > "$dir/etc/sources.list"
private_apt_opts "$dir"
opts=("${PRIVATE_APT_OPTS[@]}")
echo "qemu-plugin-h.sh: fetching the qemu $src_ver source package for qemu-plugin.h" >&2
apt-get "${opts[@]}" -qq update > "$dir/update.log" 2>&1 ||
	die "apt-get update failed (see $dir/update.log)"
# The installed revision if the mirror still has it, else the newest one
# of the same upstream release (same plugin API).
ver=$src_ver
if ! (cd "$dir/src" && apt-get "${opts[@]}" -qq source --download-only "qemu=$ver") > "$dir/source.log" 2>&1; then
	ver=$(apt-cache "${opts[@]}" showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' |
		grep -F ":$upstream" | sort -V | tail -n1)
	[ -n "$ver" ] || die "no qemu $upstream source package on the mirror (see $dir/source.log)"
	(cd "$dir/src" && apt-get "${opts[@]}" -qq source --download-only "qemu=$ver") >> "$dir/source.log" 2>&1 ||
		die "apt-get source qemu=$ver failed (see $dir/source.log)"
fi
orig=$(find "$dir/src" -maxdepth 1 -name "qemu_${upstream}*.orig.tar.*" | head -n1)
[ -n "$orig" ] || die "no orig tarball in $dir/src"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemu-plugin-h.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xf "$orig" -C "$tmp" --wildcards '*/include/qemu/qemu-plugin.h' ||
	die "no include/qemu/qemu-plugin.h in $orig"
mkdir -p "$out"
find "$tmp" -name qemu-plugin.h -exec cp {} "$out/qemu-plugin.h.new" \;
echo "$ver" > "$out/source-version"
mv "$out/qemu-plugin.h.new" "$out/qemu-plugin.h"
# The tarballs (tens of MB) are not needed once the header is out.
rm -f "$dir"/src/qemu_*
echo "$out"
