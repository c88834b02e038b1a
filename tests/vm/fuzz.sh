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
rm -f "$work"/artifacts/*
log=$work/fuzz.log

rc=0
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1 || rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
ninputs=$(find "$work/corpus" -type f | wc -l)
if [ "$rc" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" ||
	[ -n "$(ls -A "$work/artifacts")" ]; then
	echo "FAIL fuzz (exit $rc): the report in $log:"
	# The report, not the progress lines before it: from the first line a
	# sanitizer or libFuzzer prints on a finding to the end.
	awk '/^==[0-9]+==|runtime error:|^[A-Za-z]+: deadly signal|^[^ ]*fault .* insns of|is a host address/ { on = 1 }
	     on' "$log" | grep -v '^#[0-9]' | head -n 60
	ls -l "$work/artifacts"
	# Say whether the input fails alone: a finding that does not is state
	# left by earlier inputs (heap damage that no redzone caught).
	for f in "$work"/artifacts/*; do
		[ -f "$f" ] || continue
		if "$fuzzer" "$f" >"$work/rerun.log" 2>&1; then
			echo "fuzz: ${f##*/} alone does not fail (see $work/rerun.log)"
		else
			echo "fuzz: ${f##*/} fails alone:"
			grep -v '^INFO\|^#' "$work/rerun.log" | head -n 40
		fi
	done
	exit 1
fi
echo "fuzz: ${execs:-?} execs in ${time:-$secs} s, corpus $ninputs inputs, no crash, no sanitizer report, no leak"
