#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dummy0 with the system test's addresses: .1/::1 for servers outside every
# rule, the others for the pinned units (see test.sh).  nodad: a tentative
# IPv6 address cannot be bound, and nothing else is on this link.
set -eu
ip link add dummy0 type dummy
ip link set dummy0 up
for n in 1 10 20 21 30 40 50 51 60 70; do
	ip addr add "192.0.2.$n/24" dev dummy0
	ip addr add "2001:db8::$n/64" dev dummy0 nodad
done
