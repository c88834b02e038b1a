#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the guest (tests/bench/run boots it; busybox sh).
#
#   sh guest.sh ROUNDS SECONDS "VARIANTS" "SCALE" SCALE_SECONDS SCALE_REPS CLI_BUDGET
#
# Prints machine-readable lines that tests/bench/run turns into tables:
#   CAL WORKLOAD N                       iterations per run (from variant a)
#   RES ROUND VARIANT WORKLOAD N NS BEST ADDR   one timed run (sockbench)
#   SKIP VARIANT REASON                  a variant that cannot run here
#   SCALE ...  SBIND ...  REMOVE ...     the scale part
# and comments starting with '#'.
#
# Variants (one boot, interleaved; odd rounds in this order, even rounds in
# the reverse order):
#   a   no module (rmmod)
#   f   native cgroup BPF, JIT on: /progs/bench_pin.o on the caller's cgroup
#   fl  native, JIT on: /progs/bench_long.o
#   g   native, JIT off (net.core.bpf_jit_enable=0 at load): bench_pin.o
#   gl  native, JIT off: bench_long.o
#   b   module loaded, nothing attached anywhere
#   c   module, bench_pin.o attached to another cgroup only
#   d   module, `cgaddr pin` on the caller's cgroup (generated programs)
#   d2  module, bench_pin.o on the caller's cgroup (the object of f and g)
#   e   module, bench_long.o (about 100 instructions) on the caller's cgroup

ROUNDS=${1:-7}
SECS=${2:-2}
VARIANTS=${3:-"a f fl g gl b c d d2 e"}
SCALE=${4:-"1 100 10000"}
SCALE_SECS=${5:-1}
SCALE_REPS=${6:-7}
CLI_BUDGET=${7:-600}

CG=/sys/fs/cgroup
ME=$CG/bench/me
OTHER=$CG/bench/other
JIT=/proc/sys/net/core/bpf_jit_enable
KO=/lib/cgaddr/cgaddr.ko
WORKLOADS="bind4 bind6 connect4 sendto4 recvfrom4 getsockname4"
PIN_PROGS="bp_bind4 bp_bind6 bp_connect4 bp_connect6 bp_sendmsg4 bp_sendmsg6 bp_recvmsg4 bp_getsockname4"
LONG_PROGS="long_bind4 long_bind6 long_connect4 long_sendmsg4 long_recvmsg4 long_getsockname4"
IP=/usr/bin/ip

say() { echo "# $*"; }
now() { local up rest; read up rest < /proc/uptime; echo "$up"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
meminfo() { awk '/^MemAvailable:/ { a = $2 } /^Slab:/ { s = $2 } END { print a, s }' /proc/meminfo; }
objects() {
	if [ -r /sys/module/cgaddr/parameters/objects ]; then
		tr ' ' '_' < /sys/module/cgaddr/parameters/objects
	else
		echo none
	fi
}

# The type a program of the benchmark's objects serves, from its name.
type_of() {
	case "$1" in
	*_getsockname4 | *_getsocknam) echo getsockname4 ;;
	*) echo "${1#*_}" ;;
	esac
}

module() {	# module 0|1: make the module unloaded / loaded
	if [ "$1" = 1 ]; then
		[ -d /sys/module/cgaddr ] || insmod "$KO" || { echo "FATAL insmod"; exit 1; }
	else
		[ -d /sys/module/cgaddr ] && { rmmod cgaddr || { echo "FATAL rmmod"; exit 1; }; }
	fi
	return 0
}

# ---- attachments: set up and torn down around each variant ------------------
NATIVE=		# "cgroup,type ..." attached natively

# Every program of OBJ loaded with one cgaddr command (one line "id N name
# NAME" each), each attached to CGROUP.  Torn down by unloading the module.
cg_attach_obj() {	# OBJ CGROUP
	local obj=$1 cg=$2 out
	out=$(cgaddr prog load "$obj") || { echo "ERROR cgaddr prog load $obj"; return; }
	echo "$out" | while read -r _ id _ name; do
		cgaddr cgroup attach "$cg" "$(type_of "$name")" "$id" ||
			echo "ERROR cgaddr cgroup attach $cg $(type_of "$name") $id"
	done
}

native_attach_obj() {	# OBJ CGROUP PROGS...
	local obj=$1 cg=$2 p
	shift 2
	for p in "$@"; do
		if bpfload attach "$cg" "$obj" "$p" > /dev/null; then
			NATIVE="$NATIVE $cg,$(type_of "$p")"
		else
			echo "ERROR bpfload attach $cg $obj $p"
		fi
	done
}

# Native programs are detached; cgaddr's policy goes with the module (rmmod
# with policy in place is supported; the next cgaddr variant loads it again).
teardown() {
	local x
	for x in $NATIVE; do
		bpfload detach "${x%%,*}" "${x#*,}" > /dev/null || echo "ERROR bpfload detach $x"
	done
	NATIVE=
	[ -w "$JIT" ] && echo 1 > "$JIT"
	case "$1" in c | d | d2 | e) module 0 ;; esac
	return 0
}

setup() {	# VARIANT: module state and attachments
	case "$1" in
	a) module 0 ;;
	f) module 0; echo 1 > "$JIT"; native_attach_obj /progs/bench_pin.o "$ME" $PIN_PROGS ;;
	fl) module 0; echo 1 > "$JIT"; native_attach_obj /progs/bench_long.o "$ME" $LONG_PROGS ;;
	g) module 0; echo 0 > "$JIT"; native_attach_obj /progs/bench_pin.o "$ME" $PIN_PROGS ;;
	gl) module 0; echo 0 > "$JIT"; native_attach_obj /progs/bench_long.o "$ME" $LONG_PROGS ;;
	b) module 1 ;;
	c) module 1; cg_attach_obj /progs/bench_pin.o "$OTHER" ;;
	d)
		module 1
		cgaddr pin "$ME" --ipv4 192.0.2.10 --ipv6 2001:db8::10 > /dev/null ||
			echo "ERROR cgaddr pin"
		;;
	d2) module 1; cg_attach_obj /progs/bench_pin.o "$ME" ;;
	e) module 1; cg_attach_obj /progs/bench_long.o "$ME" ;;
	*) echo "ERROR unknown variant $1" ;;
	esac
}

# sockbench in the caller's cgroup, bench/me.
bench() {
	sh -c 'echo $$ > "$0/cgroup.procs" && exec sockbench "$@"' "$ME" "$@"
}

# tests/bench/insns/insns-guest.sh sources this file for the variants above.
[ -n "${BENCH_FUNCTIONS_ONLY:-}" ] && return 0

# ---- setup --------------------------------------------------------------------
say "kernel $(uname -r); $(grep -c ^processor /proc/cpuinfo) CPUs; $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)"
$IP link add bench0 type dummy
$IP addr add 192.0.2.10/24 dev bench0
$IP -6 addr add 2001:db8::10/64 dev bench0 nodad
$IP link set bench0 up
mkdir -p "$ME" "$OTHER"

# Can the JIT be switched off (not with CONFIG_BPF_JIT_ALWAYS_ON)?
V=
for v in $VARIANTS; do
	case "$v" in
	f | fl)
		if [ ! -e "$JIT" ]; then
			echo "SKIP $v no BPF JIT on this kernel ($JIT missing)"
			continue
		fi
		;;
	g | gl)
		if [ ! -e "$JIT" ]; then
			: # no JIT at all: the interpreter is what runs
		elif ! (echo 0 > "$JIT") 2> /dev/null || [ "$(cat "$JIT")" != 0 ]; then
			echo "SKIP $v the JIT cannot be switched off (CONFIG_BPF_JIT_ALWAYS_ON)"
			continue
		fi
		[ -w "$JIT" ] && echo 1 > "$JIT"
		;;
	esac
	V="$V $v"
done
VARIANTS=$V
REV=
for v in $VARIANTS; do REV="$v $REV"; done
say "variants:$VARIANTS; rounds $ROUNDS; ${SECS} s per variant and workload"

# Calibration, in variant a: iterations for SECS seconds (+10%).
module 0
ARGS=
for w in $WORKLOADS; do
	out=$(bench -c "$(awk -v s="$SECS" 'BEGIN { print s * 1.1 }')" "$w")
	n=${out#* }
	echo "CAL $w $n"
	ARGS="$ARGS $w:$n"
done

# ---- interleaved rounds -------------------------------------------------------
T0=$(now)
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then order=$VARIANTS; else order=$REV; fi
	for v in $order; do
		setup "$v"
		bench -C 0 -v $ARGS | while read -r w n ns best addr; do
			echo "RES $r $v $w $n $ns $best $addr"
		done
		if [ "$r" = 1 ] && [ -d /sys/module/cgaddr ]; then
			case "$v" in
			c | d | d2 | e)
				say "variant $v, round 1: programs and their counters"
				cgaddr prog list | sed 's/^/#   /'
				;;
			esac
		fi
		teardown "$v"
	done
	say "round $r done at $(elapsed "$T0" "$(now)") s; objects $(objects)"
	r=$((r + 1))
done

# ---- scale: one bind4 program attached to many cgroups ------------------------
# Leaves of a hierarchy 3 deep under /sys/fs/cgroup/scale (no controllers):
# leaf i is scale/L1/L2/L3 with L1 = i / 1000, L2 = (i / 100) % 10, L3 = i % 100.
# The bind cost is measured in leaf 0 (scale/0/0/0), which has the attachment.
[ -n "$SCALE" ] || { say "no scale part"; exit 0; }
module 1
SC=$CG/scale
mkdir -p "$SC"
leaves() {	# FROM TO: paths of leaves [FROM, TO)
	awk -v a="$1" -v b="$2" -v r="$SC" 'BEGIN {
		for (i = a; i < b; i++)
			printf "%s/%d/%d/%d\n", r, int(i / 1000), int(i / 100) % 10, i % 100
	}'
}
out=$(cgaddr prog load /progs/bench_pin.o func bp_bind4) || { echo "FATAL prog load"; exit 1; }
PID=${out#id }
SN=$(sh -c 'echo $$ > "$0/cgroup.procs" && exec sockbench -c "$1" bind4' "$CG/bench/me" "$SCALE_SECS")
SN=${SN#* }
echo "SCALECAL bind4 $SN"
sbind() {	# LABEL
	local i=1 out
	while [ "$i" -le "$SCALE_REPS" ]; do
		out=$(sh -c 'echo $$ > "$0/cgroup.procs" && exec sockbench -C 0 -v "$1"' \
			"$SC/0/0/0" "bind4:$SN")
		echo "SBIND $1 $i $out"
		i=$((i + 1))
	done
}
cli_rate=
prev=0
set -- $(meminfo)
echo "SCALE start attached 0 mem_avail_kb $1 slab_kb $2 objects $(objects)"
for level in $SCALE; do
	[ "$level" -gt "$prev" ] || continue
	set -- $(meminfo)
	m0a=$1 m0s=$2
	t=$(now)
	leaves "$prev" "$level" | xargs mkdir -p
	tm=$(elapsed "$t" "$(now)")
	set -- $(meminfo)
	m1a=$1 m1s=$2
	count=$((level - prev))
	# The CLI (one process per attachment) while it fits the budget, else
	# cgbulk (one process, one netlink socket, the same messages).
	method=cli
	if [ -n "$cli_rate" ] && awk -v r="$cli_rate" -v n="$count" -v b="$CLI_BUDGET" \
		'BEGIN { exit !(r * n > b) }'; then
		method=bulk
	fi
	t=$(now)
	if [ "$method" = cli ]; then
		for p in $(leaves "$prev" "$level"); do
			cgaddr cgroup attach "$p" bind4 "$PID" || { echo "ERROR attach $p"; break; }
		done
	else
		leaves "$prev" "$level" | cgbulk attach bind4 "$PID" > /dev/null || echo "ERROR cgbulk attach"
	fi
	ta=$(elapsed "$t" "$(now)")
	if [ "$method" = cli ] && [ "$count" -ge 10 ]; then
		cli_rate=$(awk -v t="$ta" -v n="$count" 'BEGIN { printf "%.4f", t / n }')
	fi
	set -- $(meminfo)
	echo "SCALE level $level attached $level new $count mkdir_s $tm attach_method $method attach_s $ta" \
		"mkdir_mem_avail_kb $((m0a - m1a)) mkdir_slab_kb $((m1s - m0s))" \
		"attach_mem_avail_kb $((m1a - $1)) attach_slab_kb $(($2 - m1s))" \
		"mem_avail_kb $1 slab_kb $2 objects $(objects)"
	sbind "$level"
	prev=$level
done
[ -n "$cli_rate" ] && echo "SCALE cli_s_per_attach $cli_rate"

# Removal: every leaf but 0/0/0 and the directories above the leaves go;
# the reaper releases their attachments.  Timed until `objects` shows one
# cgroup with attachments left.
set -- $(meminfo)
m0a=$1 m0s=$2
t=$(now)
leaves 1 "$prev" | xargs rmdir
for d in $(find "$SC" -mindepth 1 -maxdepth 2 -type d | sort -r); do
	case "$d" in "$SC/0" | "$SC/0/0") ;; *) rmdir "$d" 2> /dev/null ;; esac
done
trm=$(elapsed "$t" "$(now)")
# (The objects line may go on with more counts, e.g. maps.)
released() { case "$(objects)" in programs_1_cgroups_1 | programs_1_cgroups_1_*) true ;; *) false ;; esac; }
i=0
while ! released && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
trel=$(elapsed "$t" "$(now)")
released || trel="timeout:$trel"

sleep 1
set -- $(meminfo)
echo "REMOVE removed $((prev - 1)) rmdir_s $trm released_s $trel mem_avail_freed_kb $(($1 - m0a))" \
	"slab_freed_kb $((m0s - $2)) mem_avail_kb $1 slab_kb $2 objects $(objects)"
sbind "1-after"
rmdir "$SC/0/0/0" "$SC/0/0" "$SC/0" "$SC"
say "total $(elapsed "$T0" "$(now)") s after calibration"
