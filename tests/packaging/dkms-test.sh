#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build cgaddr with DKMS against each kernel of the matrix and boot the
# DKMS-built module in QEMU.
#
#   tests/packaging/dkms-test.sh [VER...]     (default: scripts/kernels.sh --list)
#
# Everything happens in a private DKMS tree under a temporary directory
# (dkms --dkmstree/--sourcetree/--installtree): /var/lib/dkms, /usr/src and
# /lib/modules of the host are not touched, and the test checks that.
# Per kernel:
#   - dkms build -k KREL --kernelsourcedir <cache>/build, with the make
#     arguments the cached headers need passed through CGADDR_DKMS_MAKE_ARGS
#     (see dkms.conf), and module signing configured the way
#     /etc/dkms/framework.conf would (sign_file, mok_signing_key,
#     mok_certificate) with a throw-away key: the .ko must carry its signature;
#   - dkms install --no-depmod into the private install tree, dkms status;
#   - tests/qemu/run --no-module --add cgaddr.ko: insmod of the DKMS-built
#     module in the guest passes its self-check.
# Then dkms remove, and a kernel outside BUILD_EXCLUSIVE_KERNEL is refused.
# Prints "PASS name" / "FAIL name" and "N passed, M failed"; exits non-zero
# on any failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || read -r -a kernels <<< "$(scripts/kernels.sh --list)"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
[ -n "$ver" ] || { echo "dkms-test: no PACKAGE_VERSION in dkms.conf" >&2; exit 2; }
command -v dkms >/dev/null || { echo "dkms-test: dkms is not installed (apt-get install dkms)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-dkms.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko_() { echo "FAIL $1"; [ -f "$work/out" ] && sed 's/^/    /' "$work/out" | tail -n 40; fail=$((fail + 1)); }

# What the host has in the places a stray dkms call would write.
host_state() {
	{
		find /var/lib/dkms -maxdepth 3 2>/dev/null
		find /usr/src -maxdepth 1 -name 'cgaddr*' 2>/dev/null
		find /lib/modules -maxdepth 3 \( -name updates -o -name 'modules.dep' \) -newer "$work/stamp" 2>/dev/null
		find /lib/modules -path '*/updates/dkms/cgaddr.ko*' 2>/dev/null
	} | sort
}
touch "$work/stamp"
host_state > "$work/host.before"

# The private trees.
mkdir -p "$work/src" "$work/dkms" "$work/lib-modules" "$work/key"
D=(dkms --dkmstree "$work/dkms" --sourcetree "$work/src" --installtree "$work/lib-modules")
packaging/stage-src.sh "$work/src/cgaddr-$ver"

# A throw-away signing key, as an administrator would configure in
# /etc/dkms/framework.conf (dkms reads these variables from the
# environment too, unless framework.conf sets them).
openssl req -new -x509 -nodes -days 1 -subj "/CN=cgaddr DKMS test key/" \
	-newkey rsa:2048 -keyout "$work/key/mok.key" -outform DER \
	-out "$work/key/mok.der" >/dev/null 2>&1 ||
	{ echo "dkms-test: openssl cannot make a key" >&2; exit 2; }
export mok_signing_key=$work/key/mok.key mok_certificate=$work/key/mok.der

if "${D[@]}" add -m cgaddr -v "$ver" > "$work/out" 2>&1; then ok "dkms add"; else ko_ "dkms add"; fi

runs() { local o; o=$("$1" 2>&1); ! grep -q 'error while loading shared libraries' <<< "$o"; }
sign_file_for() {
	local k
	runs "$1/build/scripts/sign-file" && { echo "$1/build/scripts/sign-file"; return; }
	for k in $(scripts/kernels.sh --list); do
		k=$(scripts/kernels.sh --dir "$k")/build/scripts/sign-file
		[ -x "$k" ] && runs "$k" && { echo "$k"; return; }
	done
	echo "$1/build/scripts/sign-file"
}

for v in "${kernels[@]}"; do
	kdir=$(scripts/kernels.sh --dir "$v")
	[ -f "$kdir/ready" ] || QUIET=1 scripts/kernels.sh "$v" ||
		{ rm -f "$work/out"; ko_ "$v: fetch kernel"; continue; }
	krel=$(cat "$kdir/krel")
	args=$(cat "$kdir/make-args" 2>/dev/null || true)
	t0=$(date +%s)
	# Debian's dkms signs with /usr/lib/linux-kbuild-X.Y/scripts/sign-file:
	# point it at this kernel's own, or, where that cannot run here (5.10's
	# needs bullseye's libcrypto.so.1.1), at another cached kernel's: the
	# signature format is the same.
	sf=$(sign_file_for "$kdir")
	if sign_file=$sf CGADDR_DKMS_MAKE_ARGS="$args" \
	   "${D[@]}" build -m cgaddr -v "$ver" -k "$krel" --kernelsourcedir "$kdir/build" \
	   > "$work/out" 2>&1; then
		ok "$v: dkms build -k $krel ($(( $(date +%s) - t0 )) s)"
	else
		cat "$work/dkms/cgaddr/$ver/build/make.log" >> "$work/out" 2>/dev/null
		ko_ "$v: dkms build -k $krel"
		continue
	fi
	ko=$(find "$work/dkms/cgaddr/$ver/$krel" -path '*/module/cgaddr.ko*' | head -n1)
	case "$ko" in
	*.ko) ;;
	*.xz) xz -dc "$ko" > "$work/cgaddr.ko"; ko=$work/cgaddr.ko ;;
	*.zst) zstd -qdc "$ko" > "$work/cgaddr.ko"; ko=$work/cgaddr.ko ;;
	*.gz) gzip -dc "$ko" > "$work/cgaddr.ko"; ko=$work/cgaddr.ko ;;
	*) rm -f "$work/out"; ko_ "$v: built module in the DKMS tree"; continue ;;
	esac
	{ /sbin/modinfo -F vermagic "$ko"; /sbin/modinfo -F signer "$ko"; /sbin/modinfo -F version "$ko"; } > "$work/out" 2>&1
	if grep -q "^$krel " "$work/out" && grep -qx 'cgaddr DKMS test key' "$work/out" &&
	   grep -qx "$ver" "$work/out"; then
		ok "$v: module vermagic $krel, version $ver, signed by the configured key"
	else
		ko_ "$v: module vermagic, version and signature"
	fi

	mkdir -p "$work/lib-modules/$krel"	# dkms installs only onto a kernel it sees
	if "${D[@]}" install -m cgaddr -v "$ver" -k "$krel" --no-depmod --force > "$work/out" 2>&1 &&
	   [ -n "$(find "$work/lib-modules/$krel/updates/dkms" -name 'cgaddr.ko*' 2>/dev/null)" ] &&
	   "${D[@]}" status -m cgaddr -v "$ver" -k "$krel" 2>&1 | tee -a "$work/out" | grep -q ': installed'; then
		ok "$v: dkms install into the private tree, status installed"
	else
		ko_ "$v: dkms install into the private tree"
	fi

	# The runner copies its own module into the guest even with
	# --no-module: make sure it exists.
	if [ ! -f "build/k/$v/cgaddr.ko" ]; then
		make -s module KVER="$v" > "$work/out" 2>&1 || { ko_ "$v: runner's module (make module KVER=$v)"; continue; }
	fi
	t0=$(date +%s)
	if tests/qemu/run --kernel "$v" --no-build --no-module --timeout 600 --add "$ko" -- \
	   sh -c 'insmod /extra/cgaddr.ko && dmesg | grep "self-check passed" && cat /sys/module/cgaddr/version && rmmod cgaddr' \
	   > "$work/out" 2>&1 && tr -d '\r' < "$work/out" | grep -qx "$ver"; then
		ok "$v: DKMS-built module loads in QEMU, self-check passed ($(( $(date +%s) - t0 )) s)"
	else
		ko_ "$v: DKMS-built module in QEMU"
	fi
done

if "${D[@]}" remove -m cgaddr -v "$ver" --all --no-depmod > "$work/out" 2>&1 &&
   [ ! -e "$work/dkms/cgaddr/$ver" ] &&
   [ -z "$(find "$work/lib-modules" -name 'cgaddr.ko*')" ]; then
	ok "dkms remove --all: module gone from the DKMS and install trees"
else
	ko_ "dkms remove --all"
fi

# BUILD_EXCLUSIVE_KERNEL: a 4.19 kernel is refused without building.
"${D[@]}" add -m cgaddr -v "$ver" > /dev/null 2>&1
kdir=$(scripts/kernels.sh --dir "${kernels[0]}")
CGADDR_DKMS_MAKE_ARGS="$(cat "$kdir/make-args" 2>/dev/null)" \
	"${D[@]}" build -m cgaddr -v "$ver" -k 4.19.0-27-amd64 --kernelsourcedir "$kdir/build" \
	> "$work/out" 2>&1
rc=$?
if [ "$rc" = 77 ] && grep -qi 'BUILD_EXCLUSIVE' "$work/out"; then
	ok "kernel 4.19 outside BUILD_EXCLUSIVE_KERNEL: skipped (exit 77)"
else
	echo "dkms exit $rc" >> "$work/out"
	ko_ "kernel 4.19 outside BUILD_EXCLUSIVE_KERNEL"
fi

host_state > "$work/host.after"
if diff "$work/host.before" "$work/host.after" > "$work/out"; then
	ok "host's /var/lib/dkms, /usr/src and /lib/modules untouched"
else
	ko_ "host's /var/lib/dkms, /usr/src and /lib/modules untouched"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
