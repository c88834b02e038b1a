#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of tests/stress/run (run by tests/qemu/run as /extra/stress/guest.sh SECONDS).
secs=${1:-120}
kml=/sys/kernel/debug/kmemleak
echo "stress: kernel $(uname -r), $(nproc) cpus"
sysctl -qw net.ipv4.ip_local_port_range="16000 60999" 2>/dev/null || true
sysctl -qw kernel.hung_task_timeout_secs=0 2>/dev/null || true
# Forget what boot left in kmemleak: the scan at the end is about the run.
[ -w $kml ] && { echo scan > $kml; echo clear > $kml; }
cgstress --seconds "$secs" --reload-every 10
rc=$?
lsmod | grep -q '^cgaddr ' && { rmmod cgaddr || echo "stress: final rmmod failed"; }
leaks=0
if [ -e $kml ]; then
	# kmemleak reports objects unreferenced for 5 s or more: let the
	# module's last frees settle, scan twice.
	sleep 6
	echo scan > $kml; sleep 1; echo scan > $kml
	cat $kml > /tmp/kmemleak.txt
	leaks=$(grep -c 'unreferenced object' /tmp/kmemleak.txt)
	mod=$(grep -c 'cgaddr' /tmp/kmemleak.txt)
	echo "stress: kmemleak: $leaks unreferenced objects ($mod backtrace lines name cgaddr)"
	[ "$leaks" = 0 ] || head -n 200 /tmp/kmemleak.txt | sed 's/^/kmemleak| /'
else
	leaks=na
	echo "stress: kmemleak: not available on this kernel"
fi
splat_re=$(cat /extra/splat.re)
splats=$(dmesg | grep -Ec "$splat_re")
echo "stress: guest dmesg splat lines: $splats"
[ "$splats" = 0 ] || dmesg | grep -E -A30 "$splat_re" | head -n 120 | sed 's/^/dmesg| /'
echo "stress-result: rc=$rc leaks=$leaks splats=$splats"
exit $rc
