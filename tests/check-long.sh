#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-long: the long reliability run of issue 8.
#   1. the stress test (tests/stress/run) on the debug kernel, then on 6.1;
#   2. on the debug kernel, in one boot: the adversarial corpus through the
#      module (40), the netlink fuzzer (41), the kernel address leak test (42);
#   3. the adversarial corpus on the host VM (ASan/UBSan);
#   4. the VM's libFuzzer target;
#   5. the arm64 kernels, which CI's matrix leaves out (TCG time): the QEMU
#      suite on each (scripts/kernels.sh --list-arm64), and the stress test
#      on 6.1-arm64.
# Durations and counts come from the environment, so that the plumbing can
# be tried quickly:
#   LONG_STRESS_DEBUG_MIN (10)  LONG_STRESS_61_MIN (2)
#   LONG_NETLINK_MSGS (100000)  LONG_FUZZ_SECONDS (600)
#   LONG_KERNEL (debug): the kernel of steps 1 and 2
#   LONG_STRESS_ARM64_MIN (2)  LONG_ARM64_FILTER (all cases)
#   LONG_ARM64_KERNELS (every arm64 kernel; empty: skip step 5)
#   CHECK_LONG_QUICK=1: 1 + 1 minutes of stress, 5,000 messages, 60 s of fuzzing,
#     the arm64 suites' cases whose name has a 0 (00-02, 10, 20, 30, 40:
#     one of each group) and 1 minute of arm64 stress
# The last line is machine-readable:
#   reliability: ops=N violations=V splats=K leaks=L netlink_msgs=M adversarial=A/B fuzz_execs=F arm64_cases=P/T
# ops are the stress runs' socket calls, violations theirs and the netlink
# fuzzer's (root, unprivileged, user-namespace root), arm64_cases the arm64
# suites' passed and run cases (a failed boot counts as one more case),
# splats from every boot, leaks are kmemleak's unreferenced objects plus
# kernel addresses found by the leak test, adversarial sums the host and
# guest runs.  Exit status 0 only if everything passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
if [ "${CHECK_LONG_QUICK:-0}" = 1 ]; then
	: "${LONG_STRESS_DEBUG_MIN:=1}" "${LONG_STRESS_61_MIN:=1}"
	: "${LONG_NETLINK_MSGS:=5000}" "${LONG_FUZZ_SECONDS:=60}"
	: "${LONG_STRESS_ARM64_MIN:=1}" "${LONG_ARM64_FILTER:=0}"
fi
dbg_min=${LONG_STRESS_DEBUG_MIN:-10}
k61_min=${LONG_STRESS_61_MIN:-2}
msgs=${LONG_NETLINK_MSGS:-100000}
fuzz_secs=${LONG_FUZZ_SECONDS:-600}
kernel=${LONG_KERNEL:-debug}
arm_min=${LONG_STRESS_ARM64_MIN:-2}
arm_filter=${LONG_ARM64_FILTER:-}
arm_kernels=${LONG_ARM64_KERNELS-$(scripts/kernels.sh --list-arm64)}
logdir=$top/build/logs/long
mkdir -p "$logdir"

ok=1 ops=0 viol=0 splats=0 leaks=0 nl=0 adv_a=0 adv_b=0 execs=0 arm_p=0 arm_t=0
step() { echo "== check-long: $*"; }
bad() { echo "check-long: FAILED: $*"; ok=0; }
# field NAME LINE: the number after NAME= in LINE, 0 if none (leaks=na).
field() {
	local v
	v=$(sed -n "s/.*[ :]$1=\([0-9]*\).*/\1/p" <<< "$2" | tail -n 1)
	echo "${v:-0}"
}

# Stress: its own last line has ops, violations, splats and leaks.
stress() {
	local k=$1 min=$2 out line
	step "stress, $min min on $k"
	out=$logdir/stress-$k.out
	tests/stress/run --no-build --kernel "$k" --minutes "$min" > "$out" 2>&1 ||
		bad "stress on $k (see $out)"
	line=$(grep '^reliability:' "$out" | tail -n 1)
	echo "$k: $line"
	[ -n "$line" ] || { bad "stress on $k printed no result"; viol=$((viol + 1)); return; }
	ops=$((ops + $(field ops "$line")))
	viol=$((viol + $(field violations "$line")))
	splats=$((splats + $(field splats "$line")))
	leaks=$((leaks + $(field leaks "$line")))	# na counts as 0
}
stress "$kernel" "$dbg_min"
stress 6.1 "$k61_min"

# Hostile input through the module, one boot.
step "adversarial corpus, $msgs netlink messages, leak test on $kernel"
out=$logdir/hostile-$kernel.out
console=$logdir/hostile-console-$kernel.log
tests/qemu/run --no-build --kernel "$kernel" --timeout $((1800 + msgs / 20)) --log "$console" \
	--add tests/guest -- env NLFUZZ_MSGS="$msgs" /extra/guest/run-cases '4[012]-' \
	> "$out" 2>&1
rc=$?
grep -E '^(PASS|FAIL|report:)' "$out"
[ "$rc" = 0 ] || bad "hostile-input cases on $kernel (exit $rc, see $out)"
[ "$rc" = 124 ] || [ "$rc" = 125 ] && splats=$((splats + 1))
line=$(grep '^report: adversarial:' "$out")
a=$(sed -n 's|.*adversarial: \([0-9]*\)/\([0-9]*\) .*|\1|p' <<< "$line")
b=$(sed -n 's|.*adversarial: \([0-9]*\)/\([0-9]*\) .*|\2|p' <<< "$line")
adv_a=$((adv_a + ${a:-0})) adv_b=$((adv_b + ${b:-1}))
line=$(grep '^report: root: netlink_msgs=' "$out")
nl=$((nl + $(field netlink_msgs "$line")))
for who in root unprivileged 'userns root'; do
	line=$(grep "^report: $who: netlink_msgs=" "$out")
	[ -n "$line" ] || { viol=$((viol + 1)); continue; }
	viol=$((viol + $(field violations "$line")))
done
line=$(grep '^report: leaks=' "$out")
[ -n "$line" ] && leaks=$((leaks + $(field leaks "$line"))) || leaks=$((leaks + 1))

# The corpus on the host VM.
step "adversarial corpus on the host VM"
out=$logdir/adversarial-host.out
make -s vm-adversarial > "$out" 2>&1 || bad "host adversarial run (see $out)"
line=$(grep '^adversarial:' "$out")
echo "host: $line"
a=$(sed -n 's|adversarial: \([0-9]*\)/\([0-9]*\) .*|\1|p' <<< "$line")
b=$(sed -n 's|adversarial: \([0-9]*\)/\([0-9]*\) .*|\2|p' <<< "$line")
adv_a=$((adv_a + ${a:-0})) adv_b=$((adv_b + ${b:-1}))
[ "$adv_a" = "$adv_b" ] || bad "adversarial: $adv_a/$adv_b as expected"

# The VM fuzzer.
step "VM fuzzer, $fuzz_secs s"
out=$logdir/fuzz.out
make -s fuzz FUZZ_SECONDS="$fuzz_secs" > "$out" 2>&1 || bad "VM fuzzer (see $out)"
line=$(grep '^fuzz:' "$out" | tail -n 1)
echo "$line"
execs=$(sed -n 's/^fuzz: \([0-9]*\) execs.*/\1/p' <<< "$line")

# arm64: the suite per kernel, then the stress test.
arm_suite() {
	local k=$1 out=$logdir/suite-$1.out line p f
	step "QEMU suite on $k${arm_filter:+ (cases *$arm_filter*)}"
	tests/qemu/suite --no-build --kernel "$k" --filter "$arm_filter" > "$out" 2>&1 ||
		bad "suite on $k (see $out)"
	line=$(tail -n 1 "$out")
	echo "$k: $line"
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<< "$line")
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<< "$line")
	[ -n "$p" ] || { bad "suite on $k printed no result"; p=0 f=1; }
	arm_p=$((arm_p + p)) arm_t=$((arm_t + p + f))
}
for k in $arm_kernels; do arm_suite "$k"; done
case " $arm_kernels " in *" 6.1-arm64 "*) stress 6.1-arm64 "$arm_min" ;; esac

[ "$viol" = 0 ] && [ "$splats" = 0 ] && [ "$leaks" = 0 ] && [ "$arm_p" = "$arm_t" ] || ok=0
echo "reliability: ops=$ops violations=$viol splats=$splats leaks=$leaks netlink_msgs=$nl" \
	"adversarial=$adv_a/$adv_b fuzz_execs=${execs:-0} arm64_cases=$arm_p/$arm_t"
[ "$ok" = 1 ]
