# SPDX-License-Identifier: GPL-2.0
# Helpers for guest test cases (busybox sh).  Each case runs in its own
# shell with `set -e`; any failing command or check fails the case.

set -e

# busybox's shell prefers its own applets to programs on PATH; these come
# from iproute2 and util-linux, which do what the applets cannot.
ip() { /usr/bin/ip "$@"; }
unshare() { /usr/bin/unshare "$@"; }
nsenter() { /usr/bin/nsenter "$@"; }
setpriv() { /usr/bin/setpriv "$@"; }

CG=/sys/fs/cgroup
CASE_CGROUPS=
CASE_IFACES=
CASE_NETNS=

fail() {
	echo "FAILED: $*" >&2
	exit 1
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# expect_match ACTUAL REGEX WHAT
expect_match() {
	echo "$1" | grep -Eq -- "$2" || fail "$3: '$1' does not match /$2/"
}

# expect_out EXPECTED CMD [ARG]...: CMD's stdout must be EXPECTED (its exit
# status does not matter: errors are part of the output being compared).
expect_out() {
	local want=$1 got
	shift
	got=$("$@" 2>/dev/null) || true
	[ "$got" = "$want" ] || fail "$*: got '$got', expected '$want'"
}

# expect_fail CMD [ARG]...: CMD must exit non-zero.
expect_fail() {
	if "$@" >/dev/null 2>&1; then
		fail "$* succeeded, expected failure"
	fi
}

# cg_new PATH: create a cgroup (removed at the end of the case).
cg_new() {
	mkdir -p "$CG/$1"
	CASE_CGROUPS="$1 $CASE_CGROUPS"
}

# cg_run PATH CMD [ARG]...: run CMD as a member of cgroup PATH.
cg_run() {
	local cg=$1
	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG/$cg" "$@"
}

# dummy_up NAME ADDR/PREFIX...: a dummy interface with addresses.
dummy_up() {
	local name=$1 a
	shift
	ip link add "$name" type dummy
	CASE_IFACES="$name $CASE_IFACES"
	for a in "$@"; do
		case "$a" in
		*:*) ip -6 addr add "$a" dev "$name" nodad ;;
		*) ip addr add "$a" dev "$name" ;;
		esac
	done
	ip link set "$name" up
}

case_cleanup() {
	local c i
	for i in $CASE_IFACES; do ip link del "$i" 2>/dev/null || true; done
	for c in $CASE_CGROUPS; do
		# Move stragglers out, deepest first, then remove.
		if [ -d "$CG/$c" ]; then
			for p in $(cat "$CG/$c/cgroup.procs" 2>/dev/null); do
				echo "$p" > "$CG/cgroup.procs" 2>/dev/null || true
			done
			rmdir "$CG/$c" 2>/dev/null || true
		fi
	done
}
trap case_cleanup EXIT

module_loaded() {
	[ -d /sys/module/cgaddr ]
}

module_load() {
	module_loaded || insmod /lib/cgaddr/cgaddr.ko
}

# prog_load OBJ [ARG]...: load a program with the CLI, print its id.
prog_load() {
	local out
	out=$(cgaddr prog load "$@") || fail "cgaddr prog load $*"
	echo "${out#id }"
}

# policy_reset: forget every program and attachment (reload the module,
# which also exercises rmmod with policy in place).
policy_reset() {
	rmmod cgaddr
	insmod /lib/cgaddr/cgaddr.ko
}

# in_cg PATH CMD [ARG]...: CMD's stdout, run in cgroup PATH, errors included.
in_cg() {
	cg_run "$@" 2>/dev/null || true
}

# objects_settle WANT: wait (up to 5 s) until the module's object counts
# read WANT; programs and arrays are freed after an RCU grace period, so a
# count read right after a delete may still include them.
objects_settle() {
	local i=0
	while [ "$(cat /sys/module/cgaddr/parameters/objects)" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
