#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch stock Debian kernels (image, modules and the headers needed to
# build an out-of-tree module) into a cache outside the repository.
#
#   scripts/kernels.sh [VER...]        fetch and unpack (default: 6.1)
#   scripts/kernels.sh --all           fetch the whole matrix
#
# VER is an upstream version prefix of the generic amd64 flavor ("6.1"),
# or VERSION-FLAVOR for another of Debian's amd64 flavors: "6.1-rt"
# (PREEMPT_RT), "6.1-cloud" (the kernel of Debian's cloud images), or
# VERSION-arm64 for Debian's arm64 kernel ("6.1-arm64", "6.12-arm64"),
# built for with a cross compiler and booted under qemu-system-aarch64.
#   scripts/kernels.sh --dir VER       print the unpacked directory of VER
#   scripts/kernels.sh --list          print the matrix (amd64; CI runs it)
#   scripts/kernels.sh --list-arm64    print the arm64 kernels (TCG only on
#                                      an x86 host: make check-arm64)
#   scripts/kernels.sh --arch VER      print VER's Debian architecture
#   scripts/kernels.sh --mirror main|security
#                                      print the system's Debian mirror of that
#                                      kind (for other tools: tests/system/image)
#   scripts/kernels.sh debug           build the debug kernel (scripts/debug-kernel.sh:
#                                      KASAN, lockdep, kmemleak, no BPF; ~40 min)
#
# Nothing is installed system-wide: packages come from `apt-get download`
# with a private apt configuration and are unpacked with `dpkg -x`.  The
# mirror is read from the system's own apt sources, so this file names no
# archive host.
#
# Layout of $CACHE/kernels/VER/ after a successful fetch:
#   root/      the unpacked packages
#   vmlinuz    symlink to the kernel image
#   modules    symlink to lib/modules/KREL
#   build      symlink to the headers tree to pass as make -C
#   krel       the kernel release string (uname -r)
#   make-args  extra make arguments this kernel's headers need
#   arch       its Debian architecture (amd64, arm64)
#   ready      stamp written last
set -euo pipefail

MATRIX="6.1 5.10 6.12 7.2 6.1-rt 6.1-cloud"
# Not in the matrix: emulated instruction by instruction on an x86 host,
# their suite takes several times as long as an amd64 kernel's.
MATRIX_ARM64="6.1-arm64 6.12-arm64"
CACHE=${CGADDR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cgaddr}
APTDIR=$CACHE/apt

die() { echo "kernels.sh: $*" >&2; exit 1; }
say() { [ -n "${QUIET:-}" ] || echo "kernels.sh: $*" >&2; }

# Print the first URI of the system's sources that serves SUITE_KIND
# ("main" archive or "security").
system_mirror() {
	local kind=$1 f line uri suites
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# deb822: blank-line separated stanzas.
		awk -v kind="$kind" '
			BEGIN { RS=""; FS="\n" }
			{
				uri=""; suites=""; types=""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/)   { uri = $i;    sub(/^URIs:[ \t]*/, "", uri); sub(/[ \t].*/, "", uri) }
					if ($i ~ /^Suites:/) { suites = $i }
					if ($i ~ /^Types:/)  { types = $i }
				}
				if (types !~ /deb( |$)/ && types !~ /deb$/) next
				if (uri == "") next
				if (kind == "security" && suites ~ /-security/) { print uri; exit }
				if (kind == "main" && suites !~ /-security/ && uri ~ /debian\/?$/) { print uri; exit }
			}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		while read -r line; do
			case "$line" in deb\ *) ;; *) continue ;; esac
			line=${line#deb }
			line=$(echo "$line" | sed 's/\[[^]]*\] *//')
			uri=${line%% *}; suites=${line#* }; suites=${suites%% *}
			if [ "$kind" = security ]; then
				case "$suites" in *-security*) echo "$uri"; return ;; esac
			else
				case "$suites" in *-security*) ;; *) echo "$uri"; return ;; esac
			fi
		done < "$f"
	done
}

# PRIVATE_APT_OPTS: apt options for a private configuration in DIR (its
# sources in DIR/etc/sources.list, its indexes and downloads below DIR),
# which reads and writes none of the system's apt state.
private_apt_opts() {
	local dir=$1
	PRIVATE_APT_OPTS=(-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		  -o Dir::Etc::SourceParts=/dev/null
		  -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::State::status=/dev/null"
		  -o "Dir::Cache::Archives=$dir/archives"
		  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		  -o Debug::NoLocking=1 -o APT::Get::AllowUnauthenticated=false
		  -o APT::Sandbox::User=root -o Acquire::Retries=3)
}

# The Debian architecture of kernel VER.
arch_of() {
	case "$1" in *-arm64) echo arm64 ;; *) echo amd64 ;; esac
}

# apt_setup [ARCH]: APT_OPTS for the private configuration of ARCH's
# packages (default amd64, in $CACHE/apt; others in $CACHE/apt-ARCH, with
# indexes of that architecture only).
APT_OPTS=()
apt_setup() {
	local main sec keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	local arch=${1:-amd64} APTDIR=$APTDIR
	[ "$arch" = amd64 ] || APTDIR=$CACHE/apt-$arch
	main=$(system_mirror main | head -n1)
	sec=$(system_mirror security | head -n1)
	[ -n "$main" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
	[ -n "$sec" ] || sec=${main%/debian}/debian-security
	mkdir -p "$APTDIR"/{lists/partial,archives/partial,etc}
	{
		for s in bookworm bookworm-updates bookworm-backports bullseye sid; do
			echo "deb [signed-by=$keyring] $main $s main"
		done
		for s in bookworm-security bullseye-security; do
			echo "deb [signed-by=$keyring] $sec $s main"
		done
	} > "$APTDIR/etc/sources.list.new"
	private_apt_opts "$APTDIR"
	APT_OPTS=("${PRIVATE_APT_OPTS[@]}")
	[ "$arch" = amd64 ] || APT_OPTS+=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch")
	# Refresh the indexes at most once a day, or when the sources changed.
	if ! cmp -s "$APTDIR/etc/sources.list.new" "$APTDIR/etc/sources.list" ||
	   [ -z "$(find "$APTDIR/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
		mv "$APTDIR/etc/sources.list.new" "$APTDIR/etc/sources.list"
		say "updating package indexes"
		apt-get "${APT_OPTS[@]}" -qq update >/dev/null 2>"$APTDIR/update.log" ||
			die "apt-get update failed (see $APTDIR/update.log)"
	fi
	rm -f "$APTDIR/etc/sources.list.new"
}

# Highest version of PKG whose upstream part starts with PREFIX.
best_version() {
	local pkg=$1 prefix=$2
	apt-cache "${APT_OPTS[@]}" show "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' |
		{ if [ -n "$prefix" ]; then grep -E "^${prefix//./\\.}([.~+-]|$)"; else cat; fi; } |
		sort -V | tail -n1
}

# Print "pkg=version" for PKG=VERSION and, recursively, the kernel
# packages it depends on (image, binary, modules, headers, kbuild).
resolve() {
	local pv=$1 pkg=${1%%=*} ver=${1#*=} deps d name dver
	echo "$pv"
	deps=$(apt-cache "${APT_OPTS[@]}" show "$pkg=$ver" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n')
	while read -r d; do
		d=${d%%|*}
		name=$(echo "$d" | awk '{print $1}')
		case "$name" in
		linux-image-*|linux-binary-*|linux-modules-*|linux-headers-*|linux-kbuild-*) ;;
		*) continue ;;
		esac
		case "$name" in *-unsigned) continue ;; esac
		dver=$(echo "$d" | sed -n 's/.*(= *\([^)]*\)).*/\1/p')
		[ -n "$dver" ] || dver=$(apt-cache "${APT_OPTS[@]}" policy "$name" |
			sed -n 's/^ *Candidate: //p')
		[ -n "$dver" ] && [ "$dver" != "(none)" ] || die "cannot resolve $name"
		resolve "$name=$dver"
	done <<< "$deps"
}

fix_headers() {
	local root=$1 krel=$2 f
	# The headers' makefiles name /usr/src/... and /usr/lib/linux-kbuild-...
	# absolutely; point them at the unpacked tree.
	grep -rlE '(/usr/src/|/usr/lib/linux-kbuild)' --include=Makefile \
		"$root/usr/src" 2>/dev/null | while read -r f; do
		sed -i -e "s|\([^/a-z]\)/usr/src/|\1$root/usr/src/|g" \
		       -e "s|^/usr/src/|$root/usr/src/|" \
		       -e "s|\([^/a-z]\)/usr/lib/linux-kbuild|\1$root/usr/lib/linux-kbuild|g" "$f"
	done
	# Absolute symlinks (scripts, tools) as well.
	find "$root/usr/src" -maxdepth 2 -type l | while read -r f; do
		local t
		t=$(readlink "$f")
		case "$t" in /*) ln -sfn "$root$t" "$f" ;; esac
	done
}

# Extra make arguments each kernel's headers need with Debian 12's tools.
make_args_for() {
	local build=$1 arch=${2:-amd64} args=() gccver cross=
	# Another architecture's headers: Debian 12's cross compiler
	# (gcc-aarch64-linux-gnu); the headers set ARCH themselves.
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu- && args+=(ARCH=arm64 CROSS_COMPILE=$cross)
	gccver=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9][0-9][0-9][0-9]$/\1/p' "$build/.config" 2>/dev/null || true)
	[ -n "$gccver" ] && [ "$gccver" != 12 ] && args+=(CC=${cross}gcc-12)
	# Module BTF would need pahole of a matching version; cgaddr does not use it.
	[ -e "$build/vmlinux" ] && args+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
	grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$build/.config" 2>/dev/null &&
		! echo 'int x;' | gcc-12 -fmin-function-alignment=16 -x c -c -o /dev/null - 2>/dev/null &&
		args+=(CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=)
	# Attributes the headers' compiler knew and gcc-12 does not
	# (counted_by, ...) are only warnings; keep the build log readable.
	[[ " ${args[*]} " == *" CC="* ]] &&
		grep -q '^CONFIG_CC_HAS_COUNTED_BY=y' "$build/.config" 2>/dev/null &&
		args+=(KCFLAGS=-Wno-attributes)
	echo "${args[*]}"
}

# Kbuild's host binaries (modpost, objtool, genksyms, ...) must run here.
# Sid's are linked against a newer glibc than Debian 12's: run those with
# sid's own libc6, unpacked beside them, through its dynamic loader.
fix_kbuild_binaries() {
	local dir=$1 build=$2 ver=$3 f bad=()
	while read -r f; do
		head -c 4 "$f" | grep -q ELF || continue
		ldd "$f" 2>&1 | grep -q 'not found' && bad+=("$f")
	done < <(find -L "$build/scripts" "$build/tools" -type f -perm -u+x 2>/dev/null)
	[ ${#bad[@]} -gt 0 ] || return 0
	say "$ver: ${#bad[@]} kbuild binaries need a newer glibc; using sid's libc6 for them"
	local glibc=$dir/glibc libdir loader deb
	rm -rf "$glibc"; mkdir -p "$glibc/debs"
	(cd "$glibc/debs" && apt-get "${APT_OPTS[@]}" -qq download "libc6=$(best_version libc6 '')" >/dev/null) ||
		die "$ver: cannot download libc6"
	for deb in "$glibc"/debs/*.deb; do dpkg -x "$deb" "$glibc"; done
	rm -rf "$glibc/debs"
	loader=$(find "$glibc" -name 'ld-linux-x86-64.so.2' | head -n1)
	[ -n "$loader" ] || die "$ver: no dynamic loader in libc6"
	libdir=$(dirname "$(find "$glibc" -name 'libc.so.6' | head -n1)")
	for f in "${bad[@]}"; do
		f=$(readlink -f "$f")
		mv "$f" "$f.bin"
		printf '#!/bin/sh\nexec %s --library-path %s:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu %s "$@"\n' \
			"$loader" "$libdir" "$f.bin" > "$f"
		chmod +x "$f"
	done
	for f in "${bad[@]}"; do
		! "$f" --version 2>&1 | grep -q 'GLIBC_' || die "$ver: $f still cannot run"
	done
}

# The arm64 headers' kbuild helpers (fixdep, modpost, genksyms, ...) are
# arm64 programs, and the build runs them here: replace each by the same
# program of the amd64 linux-kbuild package of the same version.
host_kbuild() {
	local dir=$1 build=$2 ver=$3 kpkg kver f rel n=0
	kpkg=$(find "$dir/root/usr/lib" -maxdepth 1 -name 'linux-kbuild-*' -printf '%f\n' | head -n1)
	[ -n "$kpkg" ] || die "$ver: no linux-kbuild package in the headers"
	kver=$(dpkg-deb -f "$dir/debs/$kpkg"_*.deb Version)
	apt_setup amd64
	rm -rf "$dir/host-kbuild"; mkdir -p "$dir/host-kbuild/debs"
	(cd "$dir/host-kbuild/debs" && apt-get "${APT_OPTS[@]}" -qq download "$kpkg=$kver" >/dev/null) ||
		die "$ver: cannot download the amd64 $kpkg $kver"
	dpkg -x "$dir/host-kbuild/debs/"*.deb "$dir/host-kbuild"
	rm -rf "$dir/host-kbuild/debs"
	while read -r f; do
		file -b "$f" | grep -q 'ELF.*aarch64' || continue
		rel=${f#"$dir/root/"}
		[ -f "$dir/host-kbuild/$rel" ] || die "$ver: no amd64 counterpart of $rel"
		cp "$dir/host-kbuild/$rel" "$f"
		n=$((n + 1))
	done < <(find "$dir/root/usr/lib/$kpkg" -type f)
	rm -rf "$dir/host-kbuild"
	say "$ver: $n kbuild helpers taken from the amd64 $kpkg $kver"
}

fetch() {
	local ver=$1 dir=$CACHE/kernels/$1 iver hver pkgs deb root krel build
	local up=${1%%-*} flavor=amd64 arch
	arch=$(arch_of "$ver")
	case "$ver" in
	*-arm64) flavor=arm64 ;;
	*-*) flavor=${ver#*-}-amd64 ;;
	esac
	if [ -f "$dir/ready" ]; then
		[ -n "${VERBOSE:-}" ] && say "$ver: cached in $dir"
		return 0
	fi
	apt_setup "$arch"
	iver=$(best_version "linux-image-$flavor" "$up")
	[ -n "$iver" ] || die "$ver: no linux-image-$flavor of version $up in bookworm, bookworm-backports, bullseye or sid"
	hver=$(best_version "linux-headers-$flavor" "$up")
	[ "$hver" = "$iver" ] || die "$ver: linux-headers-$flavor $hver does not match linux-image-$flavor $iver"
	say "$ver: linux-image-$flavor $iver"
	pkgs=$( { resolve "linux-image-$flavor=$iver"; resolve "linux-headers-$flavor=$hver"; } |
		grep -v "^linux-\(image\|headers\)-$flavor=" | sort -u)
	rm -rf "$dir"; mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -qq download $pkgs >/dev/null) ||
		die "$ver: download failed: $pkgs"
	root=$dir/root
	mkdir -p "$root"
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$root"
	done
	[ "$arch" = amd64 ] || host_kbuild "$dir" "$root" "$ver"
	rm -rf "$dir/debs"
	krel=$(find "$root/lib/modules" "$root/usr/lib/modules" -mindepth 1 -maxdepth 1 \
		-type d -printf '%f\n' 2>/dev/null | head -n1 || true)
	[ -n "$krel" ] || die "$ver: no modules directory in the packages"
	echo "$krel" > "$dir/krel"
	if [ -e "$root/boot/vmlinuz-$krel" ]; then
		ln -sfn "root/boot/vmlinuz-$krel" "$dir/vmlinuz"
	elif [ -e "$root/usr/lib/modules/$krel/vmlinuz" ]; then
		ln -sfn "root/usr/lib/modules/$krel/vmlinuz" "$dir/vmlinuz"
	else
		die "$ver: no kernel image found"
	fi
	if [ -d "$root/lib/modules/$krel" ]; then
		ln -sfn "root/lib/modules/$krel" "$dir/modules"
	else
		ln -sfn "root/usr/lib/modules/$krel" "$dir/modules"
	fi
	build=$root/usr/src/linux-headers-$krel
	[ -f "$build/Makefile" ] || die "$ver: no headers tree at $build"
	ln -sfn "root/usr/src/linux-headers-$krel" "$dir/build"
	fix_headers "$root" "$krel"
	fix_kbuild_binaries "$dir" "$build" "$ver"
	make_args_for "$build" "$arch" > "$dir/make-args"
	echo "$arch" > "$dir/arch"
	date -u +%FT%TZ > "$dir/ready"
	say "$ver: $krel ready in $dir"
}

# Sourced (scripts/qemu-plugin-h.sh) for system_mirror(): functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case "${1:-}" in
--list) echo "$MATRIX"; exit 0 ;;
--list-arm64) echo "$MATRIX_ARM64"; exit 0 ;;
--arch) [ -n "${2:-}" ] || die "usage: $0 --arch VER"; arch_of "$2"; exit 0 ;;
--mirror)
	case "${2:-}" in main|security) ;; *) die "usage: $0 --mirror main|security" ;; esac
	m=$(system_mirror "$2" | head -n1)
	# Debian's usual layout when the sources name no security archive.
	[ -n "$m" ] || [ "$2" != security ] || m=$(system_mirror main | head -n1 | sed 's|/debian/*$|/debian-security|')
	[ -n "$m" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
	echo "$m"; exit 0 ;;
--dir) [ -n "${2:-}" ] || die "usage: $0 --dir VER"; echo "$CACHE/kernels/$2"; exit 0 ;;
--all) set -- $MATRIX ;;
-h|--help) sed -n '4,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
"") set -- 6.1 ;;
esac

for v in "$@"; do
	if [ "$v" = debug ]; then
		# Built from Debian's kernel source, not fetched.
		[ -f "$CACHE/kernels/debug/ready" ] || "$(dirname "$0")/debug-kernel.sh" >/dev/null
		continue
	fi
	case " $MATRIX $MATRIX_ARM64 " in *" $v "*) ;; *) die "unknown kernel '$v' (matrix: $MATRIX; arm64: $MATRIX_ARM64)" ;; esac
	fetch "$v"
done
