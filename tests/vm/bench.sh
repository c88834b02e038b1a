#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host instructions per executed eBPF instruction, counted by callgrind.
#
#   tests/vm/bench.sh BENCH RUNS WORKDIR [OBJ.o...]
#
# For each program: one callgrind count of RUNS runs (the loop resets the
# context, then runs the program) and one of the same loop without the
# runs; the difference is the cost of RUNS runs alone, so the harness, the
# loader and the process start cancel out.  Programs: the built-in ones
# of tests/vm/bench.c and every program of the clang-built objects whose
# section needs no relocation (extracted by symbol).  Target: <= 10 host
# instructions per eBPF instruction.
#
# A run also has a fixed cost (entry: run state, registers; exit), which
# dominates programs of a few instructions.  It is estimated from the
# "minimal" (2 instructions) and "line100" (100) programs, and the last
# column is each program's cost without it: host instructions per eBPF
# instruction once running.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 BENCH RUNS WORKDIR [OBJ.o...]" >&2; exit 2; }
bench=$1 runs=$2 work=$3
shift 3
TARGET=10

command -v valgrind >/dev/null || { echo "bench-vm: valgrind is not installed" >&2; exit 1; }
readelf=$(command -v llvm-readelf || command -v readelf)
objcopy=$(command -v llvm-objcopy || command -v objcopy)
mkdir -p "$work"

# Ir of one callgrind run of the bench with ARGS.
count() {
	local out=$work/callgrind.out
	valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" "$@" >/dev/null 2>"$work/valgrind.log" ||
		{ cat "$work/valgrind.log" >&2; return 1; }
	sed -n 's/^summary: *//p' "$out"
}

printf '%-26s %9s %9s %10s %10s %16s\n' program insns/run host/run host/insn vs-target "w/o entry+exit"
entry=
measure() {	# LABEL ARGS... (without N EXEC)
	local label=$1 ipr with without per_run per_insn marg
	shift
	ipr=$("$bench" "$@" 0 0 | sed -n 's/^insns_per_run //p') ||
		{ printf '%-26s load failed\n' "$label"; return; }
	with=$(count "$@" "$runs" 1)
	without=$(count "$@" "$runs" 0)
	per_run=$(( (with - without) / runs ))
	per_insn=$(awk -v d=$((with - without)) -v n="$runs" -v i="$ipr" 'BEGIN { printf "%.2f", d / (n * i) }')
	marg=-
	[ -n "$entry" ] && marg=$(awk -v r="$per_run" -v e="$entry" -v i="$ipr" 'BEGIN { printf "%.2f", (r - e) / i }')
	printf '%-26s %9d %9d %10s %9s%% %16s\n' "$label" "$ipr" "$per_run" "$per_insn" \
		"$(awk -v p="$per_insn" -v t=$TARGET 'BEGIN { printf "%.0f", 100 * p / t }')" "$marg"
	last_run=$per_run
}

# The fixed cost of a run: two programs of 2 and 100 straight instructions.
last_run=0
measure minimal minimal
min_run=$last_run
measure line100 line100
entry=$(awk -v a="$min_run" -v b="$last_run" 'BEGIN { c = (b - a) / 98; printf "%.0f", a - 2 * c }')
echo "(entry+exit of a run: about $entry host instructions)"
for p in $("$bench" list); do
	case $p in minimal | line100) continue ;; esac
	measure "$p" "$p"
done

skipped=()
for obj in "$@"; do
	[ -f "$obj" ] || continue
	base=$(basename "$obj" .o)
	declare -A secname=() hasrel=()
	while read -r idx name; do
		secname[$idx]=$name
		case $name in .rel*) hasrel[${name#.rel}]=1 ;; esac
	done < <("$readelf" -S --wide "$obj" | sed -n 's/^ *\[ *\([0-9]*\)\] \([^ ]*\) .*/\1 \2/p')
	while read -r value size type ndx name; do
		[ "$type" = FUNC ] || continue
		sec=${secname[$ndx]:-}
		case $sec in cgroup/*) ;; *) continue ;; esac
		atype=${sec#cgroup/}
		if [ -n "${hasrel[$sec]:-}" ]; then
			skipped+=("$base:$name (relocations: needs the cgaddr loader)")
			continue
		fi
		bin=$work/$base.$name.bin
		"$objcopy" -O binary --only-section="$sec" "$obj" "$work/sec.bin"
		dd if="$work/sec.bin" of="$bin" bs=1 skip=$((16#$value)) count="$size" status=none
		measure "$base:$name" --file "$bin" "$atype"
	done < <("$readelf" -s --wide "$obj" | awk '$1 ~ /^[0-9]+:$/ { print $2, $3, $4, $7, $8 }')
	unset secname hasrel
done
for s in "${skipped[@]}"; do
	echo "skipped $s"
done
echo "host/insn: host instructions per executed eBPF instruction (target <= $TARGET);" \
	"host/run: per program run, entry and exit included"
