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
# of tests/vm/bench.c and every program of the clang-built objects, linked
# by the cgaddr tool's own loader (subprograms, global data, maps: see
# bench.c).  A program the VM refuses is listed as "load failed" with the
# reason.  Target: <= 10 host instructions per eBPF instruction.
#
# A run also has a fixed cost (entry: run state, registers; exit), which
# dominates programs of a few instructions.  It is estimated from the
# "minimal" (2 instructions) and "line100" (100) programs, and the last
# column is each program's cost without it: host instructions per eBPF
# instruction once running.  A call out of the VM costs far more than an
# instruction (a helper's arguments are checked, then the host helper
# runs; the first use of ctx->sk asks for the socket's view): hcalls/run
# counts them, and the "helper" programs' line says what one costs.  The
# closing lines sum the last column up, for programs without and with
# such host calls, and give the all-in cost of a run of the pin programs.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 BENCH RUNS WORKDIR [OBJ.o...]" >&2; exit 2; }
bench=$1 runs=$2 work=$3
shift 3
TARGET=10
W=46	# label column

command -v valgrind >/dev/null || { echo "bench-vm: valgrind is not installed" >&2; exit 1; }
mkdir -p "$work"

# Ir of one callgrind run of the bench with ARGS; its stdout in $work/stdout.
count() {
	local out=$work/callgrind.out
	valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" "$@" \
		>"$work/stdout" 2>"$work/valgrind.log" </dev/null ||
		{ cat "$work/valgrind.log" >&2; return 1; }
	sed -n 's/^summary: *//p' "$out"
}

printf "%-${W}s %9s %10s %9s %10s %10s %16s\n" program insns/run hcalls/run host/run host/insn \
	vs-target "w/o entry+exit"
entry=
plain=() calling=() kst=() kst_all=() nfailed=0
declare -A all_in=()
measure() {	# LABEL ARGS... (without N EXEC)
	local label=$1 ipr cpr with without total calls per_run per_insn pct marg
	shift
	if ! "$bench" "$@" 0 0 >"$work/first" 2>"$work/err" </dev/null; then
		printf "%-${W}s load failed: %s\n" "$label" "$(tail -n 1 "$work/err")"
		nfailed=$((nfailed + 1))
		return
	fi
	with=$(count "$@" "$runs" 1)
	# Runs of a program using maps need not all take the same path: the
	# instructions of all of them, not RUNS times the first one's.
	total=$(sed -n 's/^insns_total //p' "$work/stdout")
	calls=$(sed -n 's/^calls_total //p' "$work/stdout")
	without=$(count "$@" "$runs" 0)
	per_run=$(( (with - without) / runs ))
	ipr=$(awk -v t="$total" -v n="$runs" 'BEGIN { printf "%.4g", t / n }')
	cpr=$(awk -v t="$calls" -v n="$runs" 'BEGIN { printf "%.4g", t / n }')
	per_insn=$(awk -v d=$((with - without)) -v t="$total" 'BEGIN { printf "%.2f", d / t }')
	marg=-
	if [ -n "$entry" ]; then
		marg=$(awk -v r="$per_run" -v e="$entry" -v i="$ipr" \
			'BEGIN { printf "%.2f", (r - e) / i }')
		if [ "$calls" -eq 0 ]; then
			plain+=("$marg")
		else
			calling+=("$marg")
		fi
		case $label in kselftests/*) kst+=("$marg") kst_all+=("$per_insn") ;; esac
	fi
	pct=$(awk -v p="$per_insn" -v t=$TARGET 'BEGIN { printf "%.0f", 100 * p / t }')
	printf "%-${W}s %9s %10s %9d %10s %9s%% %16s\n" "$label" "$ipr" "$cpr" "$per_run" \
		"$per_insn" "$pct" "$marg"
	last_run=$per_run
	all_in[$label]=$per_run
}

# "min M, median D, max X" of the numbers given.
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "min %.2f, median %.2f, max %.2f", v[1], m, v[NR] }'
}

# The kernel selftest programs only rewrite the address and port they test
# for (tests/kselftests/addresses.sed has the substituted values); other
# programs get 0.0.0.0:4040 or [::]:4040.
ctx_of() {	# OBJ-BASENAME FUNC
	case $1:$2 in
	bind4_prog:* | sendmsg4_prog:*) echo 192.0.2.254 4040 ;;
	bind6_prog:* | sendmsg6_prog:*) echo 2001:db8:1234:5678::abcd 6060 ;;
	connect_force_port4:connect4) echo 203.0.113.4 60000 ;;
	connect_force_port4:*) echo 127.0.0.1 60123 ;;
	connect_force_port6:connect6) echo 2001:db8::1 60000 ;;
	connect_force_port6:*) echo ::1 60124 ;;
	esac
}

# The fixed cost of a run: two programs of 2 and 100 straight instructions.
last_run=0
measure minimal minimal
min_run=$last_run
measure line100 line100
step=$(awk -v a="$min_run" -v b="$last_run" 'BEGIN { printf "%.2f", (b - a) / 98 }')
entry=$(awk -v a="$min_run" -v s="$step" 'BEGIN { printf "%.0f", a - 2 * s }')
echo "(entry+exit of a run: about $entry host instructions)"
for p in $("$bench" list); do
	case $p in minimal | line100) continue ;; esac
	measure "$p" "$p"
done
# A helper call: the "helper" and "helper-mem" programs' runs less their
# entry and exit and their other instructions (at line100's cost), over
# their 100 calls.
call_cost() {	# PROGRAM OTHER-INSNS
	awk -v r="${all_in[$1]}" -v e="$entry" -v s="$step" -v o="$2" \
		'BEGIN { printf "%.0f", (r - e - o * s) / 100 }'
}
echo "(a helper call: about $(call_cost helper 203) host instructions without arguments to" \
	"check, $(call_cost helper-mem 804) with a context and a 4-byte stack buffer, the" \
	"bench's do-nothing helper included)"

for obj in "$@"; do
	[ -f "$obj" ] || continue
	base=$(basename "$obj" .o)
	dir=$(basename "$(dirname "$obj")")
	case $dir in kselftests) base=$dir/$base ;; esac
	if ! funcs=$("$bench" --obj "$obj" list 2>"$work/err" </dev/null); then
		printf "%-${W}s load failed: %s\n" "$base" "$(tail -n 1 "$work/err")"
		nfailed=$((nfailed + 1))
		continue
	fi
	funcs=$(echo "$funcs" | awk '{ print $1 }')
	for func in $funcs; do
		read -r -a ctx <<<"$(ctx_of "${base#kselftests/}" "$func")"
		label=$base.o
		# The object's name is enough for its only program.
		[ "$(echo "$funcs" | wc -l)" -eq 1 ] || label=$base.o:$func
		measure "$label" ${ctx[@]+--ctx "${ctx[@]}"} --obj "$obj" "$func"
	done
done
echo "host/insn: host instructions per executed eBPF instruction (target <= $TARGET);" \
	"host/run: per program run, entry and exit included"
echo "summary: w/o entry+exit host/insn, $((${#plain[@]} + ${#calling[@]})) programs:" \
	"$(stats "${plain[@]}" "${calling[@]}")"
echo "summary:   without host calls (${#plain[@]}): $(stats "${plain[@]}")"
[ ${#calling[@]} -eq 0 ] ||
	echo "summary:   with host calls (${#calling[@]}): $(stats "${calling[@]}")"
[ ${#kst[@]} -eq 0 ] ||
	echo "summary:   kernel selftest programs (${#kst[@]}): $(stats "${kst[@]}");" \
		"all-in: $(stats "${kst_all[@]}")"
echo "summary: all-in host/run: pin4 ${all_in[pin4]:-?}, pin6 ${all_in[pin6]:-?};" \
	"$nfailed failed to load"
