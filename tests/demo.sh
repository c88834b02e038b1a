#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot a stock Debian kernel in QEMU and pin a cgroup to one
# address.  A bind4 program compiled from C (tests/progs/bind4_demo.c)
# rewrites binds to 0.0.0.0 into binds to 192.0.2.10; the same server is
# run inside the cgroup and outside it.
#   tests/demo.sh [--kernel VER] [--no-build]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

cat > "${TMPDIR:-/tmp}/cgaddr-demo.sh" <<'GUEST'
#!/bin/sh
set -e
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }
ip() { /usr/bin/ip "$@"; }
echo "== cgaddr demo: guest kernel $(uname -r)"
run sh -c 'dmesg | grep cgaddr:'
echo
echo "== a host with an extra address, and a cgroup for one service"
run ip link add demo0 type dummy
run ip addr add 192.0.2.10/24 dev demo0
run ip link set demo0 up
run mkdir /sys/fs/cgroup/pinned

echo
echo "== load the program (clang-compiled ELF object) and attach it to the cgroup"
run cgaddr prog load /progs/bind4_demo.o
run cgaddr cgroup attach pinned bind4 1
run cgaddr cgroup show pinned

echo
echo "== a UDP server binding 0.0.0.0:5353, inside the cgroup and outside it"
say "sh -c 'echo \$\$ > /sys/fs/cgroup/pinned/cgroup.procs; exec sockprobe bind udp 0.0.0.0 5353'"
inside=$(sh -c 'echo $$ > /sys/fs/cgroup/pinned/cgroup.procs; exec sockprobe bind udp 0.0.0.0 5353')
echo "$inside"
say "sockprobe bind udp 0.0.0.0 5353"
outside=$(sockprobe bind udp 0.0.0.0 5353)
echo "$outside"
run cgaddr prog show 1

echo
if [ "$inside" = "192.0.2.10 5353" ] && [ "$outside" = "0.0.0.0 5353" ]; then
	echo "== inside the cgroup the server is bound to 192.0.2.10; outside, to 0.0.0.0"
else
	echo "== UNEXPECTED: inside '$inside', outside '$outside'"
	exit 1
fi
GUEST
exec "$top/tests/qemu/run" "$@" --add "${TMPDIR:-/tmp}/cgaddr-demo.sh" -- sh /extra/cgaddr-demo.sh
