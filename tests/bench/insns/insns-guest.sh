#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The instruction-count benchmark, inside the guest (tests/bench/insns/run
# boots it with one vCPU and the counting plugin; busybox sh).
#
#   sh insns-guest.sh ROUNDS CALLS "VARIANTS" "WORKLOADS" [profile]
#
# The variants are those of the wall-clock benchmark, set up and torn down
# by its own functions (tests/bench/guest.sh, sourced).  For each variant,
# insbench runs every workload; its lines go out prefixed with the variant,
# in the order of the plugin's batches:
#   INS VARIANT WORKLOAD ROUND CALLS
#   SKIP VARIANT REASON
#   SYM VARIANT ADDRESS TYPE NAME [MODULE]   (profile: the kernel's text
#       symbols once, as variant "-", then after each setup those of
#       modules, ftrace's trampolines and BPF programs, which come and go)
# and comments starting with '#'.

ROUNDS_I=${1:-5}
CALLS_I=${2:-400}
VARIANTS_I=${3:-"a b c d d2 e f fl g gl"}
WORKLOADS_I=${4:-"bind4 bind6 connect4 uconnect4 sendto4 recvfrom4 getsockname4"}
PROFILE_I=${5:-}

# shellcheck disable=SC2034 # read by guest.sh, sourced next
BENCH_FUNCTIONS_ONLY=1
. /extra/guest.sh
set --

say "kernel $(uname -r); $(grep -c ^processor /proc/cpuinfo) CPUs"
# As tests/bench/guest.sh sets up: pin's addresses on a dummy device, and
# the caller's cgroup beside another one.
$IP link add bench0 type dummy
$IP addr add 192.0.2.10/24 dev bench0
$IP -6 addr add 2001:db8::10/64 dev bench0 nodad
$IP link set bench0 up
mkdir -p "$ME" "$OTHER"
# Debian's System.map is a stub (the real one is in the -dbg package).
if [ "$PROFILE_I" = profile ]; then
	grep -E '^[0-9a-f]+ [tTwW] [^[]+$' /proc/kallsyms | sed 's/^/SYM - /'
fi

for v in $VARIANTS_I; do
	case "$v" in
	f | fl)
		[ -e "$JIT" ] || { echo "SKIP $v no BPF JIT on this kernel"; continue; }
		;;
	g | gl)
		if [ -e "$JIT" ] && { ! (echo 0 > "$JIT") 2> /dev/null || [ "$(cat "$JIT")" != 0 ]; }; then
			echo "SKIP $v the JIT cannot be switched off (CONFIG_BPF_JIT_ALWAYS_ON)"
			continue
		fi
		[ -w "$JIT" ] && echo 1 > "$JIT"
		;;
	esac
	setup "$v"
	if [ "$PROFILE_I" = profile ]; then
		grep -E ' [tTwW] .*\[[a-zA-Z0-9_]+\]$' /proc/kallsyms | sed "s/^/SYM $v /"
	fi
	sh -c 'echo $$ > "$0/cgroup.procs" && exec insbench "$@"' "$ME" \
		-r "$ROUNDS_I" -n "$CALLS_I" $WORKLOADS_I | while read -r tag w r n; do
		echo "$tag $v $w $r $n"
	done
	teardown "$v"
	say "variant $v done at $(now) s"
done
