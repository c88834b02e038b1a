#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of the accelerator decision (tests/qemu/accel, used by
# tests/qemu/run): a stub qemu-system-x86_64 first on PATH plays the three
# hosts that matter, one whose KVM aborts (the "failed to set MSR" assertion
# of nested virtualization without the CPU features), one whose guest hangs
# and one where KVM works, and a fake device node and boot id stand in for
# /dev/kvm and /proc/sys/kernel/random/boot_id.  Ends with "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
accel=$top/tests/qemu/accel
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-accel-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/cache/kernels/6.1"
cat > "$tmp/bin/qemu-system-x86_64" <<'EOF'
#!/usr/bin/env bash
# Stub: behave as $STUB_MODE says; log each call's arguments.
echo "$*" >> "$STUB_LOG"
case "$(cat "$STUB_MODE")" in
abort)
	echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
	echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
	kill -ABRT $$ ;;
hang)
	echo "Probing EDD (edd=off to disable)... ok"
	exec sleep 600 ;;
works)
	echo "Run /init as init process"
	echo "CGADDR-ACCEL-PROBE-OK" ;;
silent)
	echo "Run /init as init process" ;;
esac
EOF
chmod +x "$tmp/bin/qemu-system-x86_64"
: > "$tmp/kvm"		# the fake /dev/kvm: present, readable and writable
: > "$tmp/vmlinuz"	# the stub boots nothing
echo kernels-ready > "$tmp/cache/kernels/6.1/ready"
ln -s ../../../vmlinuz "$tmp/cache/kernels/6.1/vmlinuz"
export PATH="$tmp/bin:$PATH" STUB_LOG=$tmp/calls STUB_MODE=$tmp/mode
export CGADDR_CACHE=$tmp/cache CGADDR_KVM_DEV=$tmp/kvm CGADDR_BOOT_ID_FILE=$tmp/boot_id
unset CGADDR_ACCEL CGADDR_ACCEL_PROBE_TIMEOUT

pass=0
failed=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
calls() { [ -f "$tmp/calls" ] && wc -l < "$tmp/calls" || echo 0; }

# decide NAME MODE BOOT_ID [VAR=VALUE...]: run the decision, keep its
# stdout, stderr, exit status, duration and the number of stub calls.
decide() {
	local name=$1 mode=$2 boot=$3 before t0
	shift 3
	echo "$mode" > "$tmp/mode"
	echo "$boot" > "$tmp/boot_id"
	before=$(calls)
	t0=$(date +%s)
	env "$@" "$accel" --vmlinuz "$tmp/vmlinuz" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	probes=$(( $(calls) - before ))
	case_name=$name
}
# expect ACCEL RC PROBES ERR_SUBSTRING
expect() {
	local why=
	[ "$out" = "$1" ] || why="stdout '$out', not '$1'"
	[ "$rc" = "$2" ] || why="$why; exit $rc, not $2"
	[ "$probes" = "$3" ] || why="$why; $probes probe boots, not $3"
	case "$err" in *"$4"*) ;; *) why="$why; stderr '$err' lacks '$4'" ;; esac
	[ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || why="$why; not one line on stderr: '$err'"
	if [ -z "$why" ]; then ok "$case_name"; else bad "$case_name" "${why#; }"; fi
}

decide abort-auto abort boot-1
expect tcg 0 1 "run: $tmp/kvm is present but cannot run a guest (qemu exit 134: failed to set MSR 0x10a to 0x69); using TCG"

decide abort-cached abort boot-1
expect tcg 0 0 "cannot run a guest (qemu exit 134: failed to set MSR 0x10a to 0x69, cached for this boot); using TCG"

decide abort-kvm-fails-fast abort boot-2 CGADDR_ACCEL=kvm
expect "" 2 1 "run: CGADDR_ACCEL=kvm, but $tmp/kvm cannot run a guest (qemu exit 134: failed to set MSR 0x10a to 0x69)"
[ "$secs" -le 3 ] || bad abort-kvm-fails-fast "took ${secs}s"

decide hang-auto hang boot-3 CGADDR_ACCEL_PROBE_TIMEOUT=2
expect tcg 0 1 "cannot run a guest (no token from a probe boot within 2 s); using TCG"
[ "$secs" -le 6 ] || bad hang-auto "took ${secs}s with a 2 s probe"

decide hang-kvm-fails hang boot-4 CGADDR_ACCEL=kvm CGADDR_ACCEL_PROBE_TIMEOUT=2
expect "" 2 1 "CGADDR_ACCEL=kvm, but $tmp/kvm cannot run a guest (no token from a probe boot within 2 s)"

decide no-token silent boot-5
expect tcg 0 1 "cannot run a guest (a probe boot stopped without its token); using TCG"

decide works-auto works boot-6
expect kvm 0 1 "run: using KVM (a probe boot under $tmp/kvm succeeded)"
case "$(tail -n1 "$tmp/calls")" in
*"-accel kvm -cpu host"*) ok works-probe-uses-cpu-host ;;
*) bad works-probe-uses-cpu-host "probe arguments: $(tail -n1 "$tmp/calls")" ;;
esac

decide works-cached works boot-6
expect kvm 0 0 "using KVM (a probe boot under $tmp/kvm succeeded, cached for this boot)"

decide works-kvm works boot-6 CGADDR_ACCEL=kvm
expect kvm 0 0 "using KVM"

# The cached answer is for one host boot only.
decide abort-after-reboot abort boot-7
expect tcg 0 1 "cannot run a guest (qemu exit 134"

decide tcg-never-probes works boot-8 CGADDR_ACCEL=tcg
expect tcg 0 0 "run: CGADDR_ACCEL=tcg; using TCG"

decide no-device works boot-9 CGADDR_KVM_DEV=$tmp/none
expect tcg 0 0 "run: no $tmp/none; using TCG"

decide no-device-kvm works boot-9 CGADDR_KVM_DEV=$tmp/none CGADDR_ACCEL=kvm
expect "" 2 0 "run: CGADDR_ACCEL=kvm, but there is no $tmp/none"

decide bad-value works boot-9 CGADDR_ACCEL=yes
expect "" 2 0 "run: CGADDR_ACCEL must be auto, kvm or tcg, not 'yes'"

# Another architecture's guest is TCG, without a probe boot, even where
# KVM works; and CGADDR_ACCEL=kvm cannot have it.
echo works > "$tmp/mode"
echo boot-11 > "$tmp/boot_id"
for want in auto kvm; do
	before=$(calls)
	CGADDR_ACCEL=$want "$accel" --arch arm64 --vmlinuz "$tmp/vmlinuz" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$want" = auto ] && [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = tcg ] &&
	   grep -q 'arm64 guest on a .* host: KVM cannot run it; using TCG' "$tmp/err" &&
	   [ $(( $(calls) - before )) = 0 ]; then
		ok arm64-is-tcg
	elif [ "$want" = kvm ] && [ "$rc" = 2 ] && grep -q 'KVM cannot run a arm64 guest' "$tmp/err"; then
		ok arm64-kvm-refused
	else
		bad "arm64-$want" "exit $rc, stdout $(cat "$tmp/out"), stderr: $(cat "$tmp/err")"
	fi
done

# The runner goes through the decision, before it builds or boots anything.
echo abort > "$tmp/mode"
echo boot-10 > "$tmp/boot_id"
before=$(calls)
CGADDR_ACCEL=kvm "$top/tests/qemu/run" --no-build -- true > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'CGADDR_ACCEL=kvm, but .* cannot run a guest (qemu exit 134' "$tmp/err" &&
   [ $(( $(calls) - before )) = 1 ]; then
	ok run-uses-the-decision
else
	bad run-uses-the-decision "exit $rc, stderr: $(cat "$tmp/err")"
fi

# No other place decides on KVM by itself.
others=$(cd "$top" && git grep -nE -e '-accel +kvm|accel=kvm|-enable-kvm|-[rw] +/dev/kvm' -- \
	':!tests/qemu/accel' ':!tests/qemu/accel-test.sh' ':!tests/qemu/run' ':!*.md' ':!docs' 2>/dev/null)
if [ -z "$others" ]; then ok one-decision; else bad one-decision "$others"; fi

echo "accel: $pass passed, $failed failed"
[ "$failed" = 0 ]
