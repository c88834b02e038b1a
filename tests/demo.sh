#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot a stock Debian kernel in QEMU and pin a cgroup to one
# address, for servers and clients, TCP and UDP, IPv4 and IPv6.
#   tests/demo.sh [--kernel VER] [--no-build]
#
# The guest gets two addresses per family on a dummy interface; the cgroup
# "web" is pinned to the second ones (192.0.2.20, 2001:db8::20) with
# `cgaddr pin`.  The same unmodified, statically linked programs then run
# inside the cgroup and outside it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

cat > "${TMPDIR:-/tmp}/cgaddr-demo.sh" <<'GUEST'
#!/bin/sh
set -e
B=$(printf '\033[1m') N=$(printf '\033[0m')
say() { printf '\n%s$ %s%s\n' "$B" "$*" "$N"; }
run() { say "$*"; "$@"; }
note() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
ip() { /usr/bin/ip "$@"; }
inweb() { sh -c 'echo $$ > /sys/fs/cgroup/web/cgroup.procs; exec "$@"' sh "$@"; }
# bg FILE CMD...: a server in the background; wait for its first line.
bg() {
	f=$1; shift
	rm -f "$f"; "$@" > "$f" 2>&1 &
	i=0; while [ ! -s "$f" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

note "cgaddr demo: guest kernel $(uname -r)"
run sh -c 'dmesg | grep cgaddr:'

note "a host with two addresses per family, and a cgroup for one service"
run ip link add demo0 type dummy
run ip addr add 192.0.2.10/24 dev demo0
run ip addr add 192.0.2.20/24 dev demo0
run ip -6 addr add 2001:db8::10/64 dev demo0 nodad
run ip -6 addr add 2001:db8::20/64 dev demo0 nodad
run ip link set demo0 up
run mkdir /sys/fs/cgroup/web

note "pin the cgroup: generated programs, no compiler needed"
run cgaddr pin web --ipv4 192.0.2.20 --ipv6 2001:db8::20
run cgaddr pin --show web

note "servers binding the wildcard: inside the cgroup they get the pinned address"
say "inweb sockprobe bind tcp 0.0.0.0 8080"; inweb sockprobe bind tcp 0.0.0.0 8080
say "inweb sockprobe bind udp :: 5353"; inweb sockprobe bind udp :: 5353
say "sockprobe bind tcp 0.0.0.0 8080      # outside"; sockprobe bind tcp 0.0.0.0 8080

note "a TCP server in the cgroup is reachable on the pinned address only"
bg /tmp/srv inweb sockprobe serve tcp 0.0.0.0 8080 5
cat /tmp/srv
say "sockprobe connect tcp 192.0.2.10 8080"; sockprobe connect tcp 192.0.2.10 8080 || true
say "sockprobe connect tcp 192.0.2.20 8080"; sockprobe connect tcp 192.0.2.20 8080
wait; tail -1 /tmp/srv

note "clients in the cgroup leave from the pinned address (the server is outside)"
bg /tmp/srv sockprobe serve tcp 192.0.2.10 9000 5
say "inweb sockprobe connect tcp 192.0.2.10 9000"; inweb sockprobe connect tcp 192.0.2.10 9000
wait; say "# the server saw:"; tail -1 /tmp/srv
bg /tmp/srv sockprobe serve tcp 2001:db8::10 9000 5
say "inweb sockprobe connect tcp 2001:db8::10 9000"; inweb sockprobe connect tcp 2001:db8::10 9000
wait; say "# the server saw:"; tail -1 /tmp/srv
bg /tmp/srv sockprobe recv udp 192.0.2.10 9001 5
say "inweb sockprobe connect udp 192.0.2.10 9001      # connected UDP"
inweb sockprobe connect udp 192.0.2.10 9001
wait; say "# the server saw:"; tail -1 /tmp/srv
bg /tmp/srv sockprobe recv udp 192.0.2.10 9002 5
say "inweb sockprobe send udp 192.0.2.10 9002         # unconnected sendto"
inweb sockprobe send udp 192.0.2.10 9002
wait; say "# the server saw:"; tail -1 /tmp/srv
bg /tmp/srv sockprobe recv udp 2001:db8::10 9003 5
say "inweb sockprobe send udp 2001:db8::10 9003"
inweb sockprobe send udp 2001:db8::10 9003
wait; say "# the server saw:"; tail -1 /tmp/srv

note "the same client outside the cgroup is unaffected"
bg /tmp/srv sockprobe serve tcp 192.0.2.10 9004 5
say "sockprobe connect tcp 192.0.2.10 9004"; sockprobe connect tcp 192.0.2.10 9004
wait; say "# the server saw:"; tail -1 /tmp/srv

run cgaddr prog list
run cgaddr unpin web
inweb sockprobe bind tcp 0.0.0.0 8080 > /tmp/after
say "inweb sockprobe bind tcp 0.0.0.0 8080      # after unpin"; cat /tmp/after
[ "$(cat /tmp/after)" = "0.0.0.0 8080" ]
note "every process of the cgroup used 192.0.2.20 / 2001:db8::20, in and out; nothing else changed"
GUEST
exec "$top/tests/qemu/run" "$@" --add "${TMPDIR:-/tmp}/cgaddr-demo.sh" -- sh /extra/cgaddr-demo.sh
