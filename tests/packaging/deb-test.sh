#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages and check them.
#
#   tests/packaging/deb-test.sh [OUT]           (default: build/deb)
#
#   1. packaging/build-deb.sh OUT (dpkg-buildpackage), unless NO_BUILD=1;
#   2. the packages' fields and contents (dpkg-deb), and lintian: any error
#      fails, warnings and notes are shown;
#   3. both packages installed with dpkg into an alternate root (dpkg --root,
#      --force-depends: the root has none of their dependencies), whose
#      maintainer scripts run chrooted with a static busybox and stand-ins of
#      dkms and DKMS's common.postinst that record their calls: the files are
#      where they should be, the DKMS postinst is called for cgaddr 0.1.0,
#      and purging calls dkms remove and removes every file, /etc/cgaddr.d
#      included;
#   4. the installed /usr/src/cgaddr-VERSION built by the real dkms (private
#      DKMS tree) against a cached kernel (DEB_TEST_KERNEL, default 6.1;
#      DEB_TEST_KERNEL= skips it);
#   5. as root, the cgaddr (CLI) package installed on the host with dpkg -i
#      (its dependencies must be installed) and purged: the files, the
#      unit's enablement link, and their removal (DEB_TEST_HOST=0 skips it;
#      skipped when a cgaddr package or /usr/sbin/cgaddr is already there).
#      The DKMS package is installed on the host only if
#      /lib/modules/$(uname -r)/build exists and DEB_TEST_HOST_DKMS=1: it
#      would build and install the module for the host's kernels.
# Prints "PASS name" / "FAIL name" and "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=${1:-build/deb}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
arch=$(dpkg --print-architecture)
pass=0 fail=0 skip=0
work=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko_() { echo "FAIL $1"; [ -s "$work/out" ] && sed 's/^/    /' "$work/out" | tail -n 30; fail=$((fail + 1)); }
skip_() { echo "SKIP $1"; skip=$((skip + 1)); }
check() {	# NAME COMMAND...: PASS if the command succeeds (its output in $work/out)
	local name=$1; shift
	if "$@" > "$work/out" 2>&1; then ok "$name"; else ko_ "$name"; fi
}

# ---- 1. build ---------------------------------------------------------------
if [ "${NO_BUILD:-0}" != 1 ]; then
	check "make deb (dpkg-buildpackage)" packaging/build-deb.sh "$out"
fi
cli=$out/cgaddr_${ver}_$arch.deb
dkmsdeb=$out/cgaddr-dkms_${ver}_all.deb
[ -f "$cli" ] && [ -f "$dkmsdeb" ] ||
	{ echo "deb-test: $cli or $dkmsdeb missing"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }

# ---- 2. contents ------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
has_files() {	# DEB PATH...: every PATH in the package
	local deb=$1 p; shift
	dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/list"
	for p in "$@"; do grep -qx "$p" "$work/list" || { echo "missing: $p"; return 1; }; done
}
check "cgaddr: fields (Package, Version $ver, Architecture $arch, Depends kmod libmnl0 libelf1)" \
	sh -c "[ '$(field "$cli" Package)' = cgaddr ] && [ '$(field "$cli" Version)' = '$ver' ] &&
	       [ '$(field "$cli" Architecture)' = '$arch' ] &&
	       echo '$(field "$cli" Depends)' | grep -q kmod &&
	       echo '$(field "$cli" Depends)' | grep -q libmnl0 &&
	       echo '$(field "$cli" Depends)' | grep -q libelf1 &&
	       ! echo '$(field "$cli" Depends)' | grep -q dkms"
check "cgaddr-dkms: fields (Architecture all, Depends dkms, Provides cgaddr-modules)" \
	sh -c "[ '$(field "$dkmsdeb" Architecture)' = all ] &&
	       echo '$(field "$dkmsdeb" Depends)' | grep -q dkms &&
	       [ '$(field "$dkmsdeb" Provides)' = cgaddr-modules ]"
cli_files=(/usr/sbin/cgaddr /usr/share/man/man8/cgaddr.8.gz /usr/share/man/man7/cgaddr.7.gz
	/usr/share/bash-completion/completions/cgaddr /lib/systemd/system/cgaddr.service
	/etc/cgaddr.d/example.conf.sample /usr/share/doc/cgaddr/copyright
	/usr/share/doc/cgaddr/signing.md.gz)
src=/usr/src/cgaddr-$ver
dkms_files=("$src/dkms.conf" "$src/Kbuild" "$src/module/main.c" "$src/module/compat-probe.sh"
	"$src/include/uapi/cgaddr.h" /usr/share/doc/cgaddr-dkms/copyright)
check "cgaddr: contents (${#cli_files[@]} paths)" has_files "$cli" "${cli_files[@]}"
check "cgaddr-dkms: contents (${#dkms_files[@]} paths)" has_files "$dkmsdeb" "${dkms_files[@]}"
same_sources() {
	dpkg-deb -c "$dkmsdeb" | awk '{print $6}' | grep -E '\.(o|ko|cmd|mod)$' && return 1
	dpkg-deb -c "$dkmsdeb" | awk '{print $6}' | grep '^\./usr/src/.*[^/]$' |
		sed "s|^\./usr/src/cgaddr-$ver/||" | sort > "$work/pkg-src"
	rm -rf "$work/st" && packaging/stage-src.sh "$work/st" &&
		(cd "$work/st" && find . -type f | sed 's|^\./||' | sort) > "$work/repo-src"
	diff "$work/repo-src" "$work/pkg-src"
}
check "cgaddr-dkms: /usr/src holds the module's sources (the staged list) and nothing built" same_sources
check "cgaddr-dkms: packaged dkms.conf is the repository's" \
	sh -c "dpkg-deb --fsys-tarfile '$dkmsdeb' | tar -xO ./usr/src/cgaddr-$ver/dkms.conf | cmp - dkms.conf"
check "cgaddr-dkms: postinst runs DKMS's common.postinst, prerm dkms remove" sh -c "
	dpkg-deb -e '$dkmsdeb' '$work/ctl' &&
	grep -q 'common.postinst' '$work/ctl/postinst' && grep -q 'DKMS_NAME=cgaddr' '$work/ctl/postinst' &&
	grep -q 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all' '$work/ctl/prerm'"
check "cgaddr: /etc/cgaddr.d/example.conf.sample is a conffile" sh -c "
	dpkg-deb -e '$cli' '$work/ctl2' && grep -qx /etc/cgaddr.d/example.conf.sample '$work/ctl2/conffiles'"

if command -v lintian >/dev/null; then
	lintian --pedantic -I "$cli" "$dkmsdeb" > "$work/lintian" 2>&1
	grep -v '^running with root privileges' "$work/lintian" > "$work/out"
	if grep -q '^E:' "$work/out"; then
		ko_ "lintian: errors"
	else
		ok "lintian: no error ($(grep -c '^[WIP]:' "$work/out") warnings/notes)"
		sed 's/^/    /' "$work/out"
	fi
else
	skip_ "lintian (apt-get install lintian)"
fi

# ---- 3. alternate root ------------------------------------------------------
root=$work/root
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers,alternatives} "$root"/{bin,sbin,etc,tmp,var/log} \
	"$root"/usr/{bin,sbin,lib/dkms}
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
bb=$(command -v busybox || echo /bin/busybox)
file -L "$bb" | grep -q 'statically linked' ||
	{ echo "deb-test: a static busybox is needed (apt-get install busybox-static)"; exit 2; }
cp "$bb" "$root/bin/busybox"
for a in sh cat echo grep sed rm mkdir ls test [ true false env readlink; do
	ln -s busybox "$root/bin/$a"
done
printf '#!/bin/sh\nexit 0\n' > "$root/sbin/ldconfig"
ln -s ../bin/busybox "$root/sbin/start-stop-daemon"
# Stand-ins: they record their calls.
cat > "$root/usr/sbin/dkms" <<'EOF'
#!/bin/sh
echo "dkms $*" >> /var/log/stub.log
[ "$1" = status ] && echo "cgaddr/0.1.0: added"
exit 0
EOF
cat > "$root/usr/lib/dkms/common.postinst" <<'EOF'
#!/bin/sh
echo "common.postinst $*" >> /var/log/stub.log
exit 0
EOF
chmod +x "$root/sbin/ldconfig" "$root/usr/sbin/dkms" "$root/usr/lib/dkms/common.postinst"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
D=(dpkg --root="$root" --force-depends --force-not-root)

check "alternate root: dpkg -i cgaddr-dkms cgaddr" "${D[@]}" -i "$dkmsdeb" "$cli"
check "alternate root: both installed" sh -c "
	dpkg --root='$root' -s cgaddr | grep -qx 'Status: install ok installed' &&
	dpkg --root='$root' -s cgaddr-dkms | grep -qx 'Status: install ok installed'"
missing=()
for f in "${cli_files[@]}" "${dkms_files[@]}"; do [ -e "$root$f" ] || missing+=("$f"); done
echo "missing: ${missing[*]}" > "$work/out"
[ ${#missing[@]} = 0 ] && ok "alternate root: files in place" || ko_ "alternate root: files in place"
check "alternate root: postinst called DKMS (common.postinst cgaddr $ver /usr/share/cgaddr-dkms)" \
	grep -q "^common.postinst cgaddr $ver /usr/share/cgaddr-dkms" "$root/var/log/stub.log"
check "alternate root: the packaged cgaddr runs (cgaddr --version)" \
	sh -c "'$root/usr/sbin/cgaddr' --version | grep -qx 'cgaddr $ver'"
check "alternate root: the packaged man pages format" sh -c "
	for p in '$root'/usr/share/man/man*/cgaddr.*.gz; do
		zcat \"\$p\" | LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l - 2>&1 >/dev/null | grep . && exit 1
	done; exit 0"

# ---- 4. the packaged source builds with the real dkms -----------------------
kver=${DEB_TEST_KERNEL-6.1}
if [ -n "$kver" ] && command -v dkms >/dev/null; then
	kdir=$(scripts/kernels.sh --dir "$kver")
	[ -f "$kdir/ready" ] || QUIET=1 scripts/kernels.sh "$kver" >/dev/null 2>&1
	krel=$(cat "$kdir/krel" 2>/dev/null)
	mkdir -p "$work/dkms" "$work/lib-modules"
	RD=(dkms --dkmstree "$work/dkms" --sourcetree "$root/usr/src" --installtree "$work/lib-modules")
	# sign_file: no signing here (dkms-test.sh covers it), and above all no
	# key generated in the host's /var/lib/dkms.
	if "${RD[@]}" add -m cgaddr -v "$ver" > "$work/out" 2>&1 &&
	   sign_file=/nonexistent CGADDR_DKMS_MAKE_ARGS="$(cat "$kdir/make-args")" \
	   "${RD[@]}" build -m cgaddr -v "$ver" -k "$krel" --kernelsourcedir "$kdir/build" >> "$work/out" 2>&1 &&
	   [ -n "$(find "$work/dkms/cgaddr/$ver/$krel" -name 'cgaddr.ko*')" ]; then
		ok "packaged /usr/src/cgaddr-$ver: dkms build -k $krel"
	else
		cat "$work/dkms/cgaddr/$ver/build/make.log" >> "$work/out" 2>/dev/null
		ko_ "packaged /usr/src/cgaddr-$ver: dkms build -k $krel"
	fi
else
	skip_ "packaged source with dkms (DEB_TEST_KERNEL empty or no dkms)"
fi

check "alternate root: dpkg --purge cgaddr cgaddr-dkms" "${D[@]}" --purge cgaddr cgaddr-dkms
check "alternate root: prerm called dkms remove -m cgaddr -v $ver --all" \
	grep -q "^dkms remove -m cgaddr -v $ver --all" "$root/var/log/stub.log"
left=()
for f in "${cli_files[@]}" "${dkms_files[@]}" /etc/cgaddr.d "$src"; do [ -e "$root$f" ] && left+=("$f"); done
echo "left: ${left[*]}" > "$work/out"
[ ${#left[@]} = 0 ] && ok "alternate root: purge removed every file" || ko_ "alternate root: purge removed every file"

# ---- 5. the CLI package on the host -----------------------------------------
unit_link=/etc/systemd/system/multi-user.target.wants/cgaddr.service
if [ "${DEB_TEST_HOST:-1}" = 0 ] || [ "$(id -u)" != 0 ]; then
	skip_ "host: dpkg -i/--purge cgaddr (DEB_TEST_HOST=0 or not root)"
elif dpkg-query -W -f='${Status}' cgaddr 2>/dev/null | grep -q 'installed' || [ -e /usr/sbin/cgaddr ]; then
	skip_ "host: dpkg -i/--purge cgaddr (a cgaddr package or /usr/sbin/cgaddr is already installed)"
else
	check "host: dpkg -i cgaddr" dpkg -i "$cli"
	missing=()
	for f in "${cli_files[@]}"; do [ -e "$f" ] || missing+=("$f"); done
	echo "missing: ${missing[*]}" > "$work/out"
	[ ${#missing[@]} = 0 ] && ok "host: files in place" || ko_ "host: files in place"
	check "host: cgaddr --version, man -w cgaddr" sh -c "
		cgaddr --version | grep -qx 'cgaddr $ver' && man -w 8 cgaddr && man -w 7 cgaddr"
	if command -v deb-systemd-helper >/dev/null; then
		check "host: cgaddr.service enabled (deb-systemd-helper)" test -L "$unit_link"
	fi
	check "host: dpkg --purge cgaddr" dpkg --purge cgaddr
	left=()
	for f in "${cli_files[@]}" /etc/cgaddr.d "$unit_link"; do [ -e "$f" ] || [ -L "$f" ] && left+=("$f"); done
	echo "left: ${left[*]}" > "$work/out"
	[ ${#left[@]} = 0 ] && ok "host: purge removed every file and the unit's link" ||
		ko_ "host: purge removed every file and the unit's link"
fi
if [ "${DEB_TEST_HOST_DKMS:-0}" = 1 ] && [ -e "/lib/modules/$(uname -r)/build" ]; then
	check "host: dpkg -i cgaddr-dkms (builds for $(uname -r))" dpkg -i "$dkmsdeb"
	check "host: dkms status: cgaddr installed for $(uname -r)" sh -c \
		"dkms status -m cgaddr -v '$ver' -k '$(uname -r)' | grep -q installed"
	check "host: dpkg --purge cgaddr-dkms" dpkg --purge cgaddr-dkms
	check "host: no cgaddr left in DKMS" sh -c "[ -z \"\$(dkms status -m cgaddr)\" ] && [ ! -e '$src' ]"
else
	skip_ "host: cgaddr-dkms (needs DEB_TEST_HOST_DKMS=1 and /lib/modules/$(uname -r)/build)"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
