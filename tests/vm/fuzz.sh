#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the VM's libFuzzer target for a set time on a working copy of the
# seed corpora; fail on any crash, sanitizer report, leak or timeout.
#
#   tests/vm/fuzz.sh FUZZER SECONDS WORKDIR SEED_DIR...
#
# WORKDIR/corpus keeps what the fuzzer finds between runs (it is a build
# directory); the seed directories are only read.  Crash inputs land in
# WORKDIR/artifacts.  One closing line: "fuzz: N execs in S s ...".
#
# The target keeps no state between inputs, so a finding whose saved input
# does not fail when run alone did not come from the program under test
# (CI once saw one, on an input the loader rejects at its first
# instruction).  Its report is printed in full, and the run is repeated
# once: the repeat decides.  A saved input that fails alone fails at once.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 FUZZER SECONDS WORKDIR SEED_DIR..." >&2; exit 2; }
fuzzer=$1 secs=$2 work=$3
shift 3

mkdir -p "$work/corpus" "$work/artifacts"
for d in "$@"; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		case "${f##*/}" in README* | .*) continue ;; esac
		cp -n "$f" "$work/corpus/" 2>/dev/null || true
	done
done
log=$work/fuzz.log

# A smaller quarantine than ASan's 256 MB keeps the run's memory modest on
# a shared machine; use-after-free within a run is still caught.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}

# One timed run; 0 when it found nothing, 1 when it did (report printed).
fuzz_once() {
	local rc=0

	rm -f "$work"/artifacts/*
	"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" &&
		[ -z "$(ls -A "$work/artifacts")" ]; then
		return 0
	fi
	echo "fuzz: a finding (exit $rc); the report in $log:"
	# The report, not the progress lines before it: from the first line a
	# sanitizer, libFuzzer or the target's own checks print on a finding.
	awk '/^==[0-9]+==|runtime error:|deadly signal|^fault .* insns of|is a host address/ { on = 1 }
	     on' "$log" | grep -v '^#[0-9]' | head -n 60
	ls -l "$work/artifacts"
	return 1
}

# 0 when a saved input of the last run fails when run alone.
fails_alone() {
	local f found=1

	for f in "$work"/artifacts/*; do
		[ -f "$f" ] || continue
		if "$fuzzer" "$f" >"$work/rerun.log" 2>&1; then
			echo "fuzz: ${f##*/} alone does not fail (see $work/rerun.log)"
		else
			echo "fuzz: ${f##*/} fails alone:"
			grep -v '^INFO\|^#' "$work/rerun.log" | head -n 40
			found=0
		fi
	done
	return $found
}

if ! fuzz_once; then
	if fails_alone; then
		echo "FAIL fuzz: the input above fails alone"
		exit 1
	fi
	echo "fuzz: no saved input fails alone; running once more"
	if ! fuzz_once; then
		fails_alone || true
		echo "FAIL fuzz: a finding in two runs"
		exit 1
	fi
	echo "fuzz: the repeat found nothing (the first finding is reported above)"
fi

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
ninputs=$(find "$work/corpus" -type f | wc -l)
echo "fuzz: ${execs:-?} execs in ${time:-$secs} s, corpus $ninputs inputs, no crash, no sanitizer report, no leak"
