#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of the instruction-counting plugin: boot the cached 6.1 kernel
# under TCG with the plugin, run insns-loop (code of known instruction
# counts between markers) as /init, and compare the plugin's log with
# what each case must count.  Ends with "N passed, M failed".
#
#   tests/bench/insns/test.sh PLUGIN LOOP_BINARY
#
# Per case: the cheapest and the median call are exact; for the cases
# short enough that an interrupt rarely lands in a batch of them, the
# cheapest batch is exact as well (a batch can only gain instructions,
# from interrupts).
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
plugin=$(readlink -f "$1")
loop=$(readlink -f "$2")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-insns-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

kdir=$("$top/scripts/kernels.sh" --dir 6.1)
[ -f "$kdir/ready" ] || QUIET=1 "$top/scripts/kernels.sh" 6.1
mkdir -p "$tmp/root/dev"
cp "$loop" "$tmp/root/init"
(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/initramfs.gz"
# boot_loop BATCHES PLUGIN_ARG SERIAL_OUT PLUGIN_LOG: insns-loop as /init.
boot_loop() {
	timeout -k 5 300 qemu-system-x86_64 -machine pc -accel tcg -cpu max -smp 1 -m 256M \
		-display none -monitor none -no-reboot -nodefaults \
		-kernel "$kdir/vmlinuz" -initrd "$tmp/initramfs.gz" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/init -- $1 100" \
		-serial "file:$3" -plugin "$2" -d plugin -D "$4" < /dev/null > /dev/null 2>&1
}
boot_loop 5 "$plugin" "$tmp/out" "$tmp/log"

grep '^CASE ' "$tmp/out" | tr -d '\r' > "$tmp/cases"
grep '^insns: batch ' "$tmp/log" > "$tmp/batches"
paste -d' ' "$tmp/cases" "$tmp/batches" | awk '
	# CASE NAME CALLS EXPECTED insns: batch SEQ calls N sum S min M med D max X stray T
	{ name = $2
	  if (!(name in want)) { want[name] = $4; cname[++nc] = name }
	  if ($9 != $3) bad[name] = bad[name] sprintf(" batch %d: %d calls, not %d;", $7, $9, $3)
	  if ($19 != 0) bad[name] = bad[name] sprintf(" batch %d: %d stray markers;", $7, $19)
	  if ($15 != $4) bad[name] = bad[name] sprintf(" batch %d: median %d;", $7, $15)
	  if (!(name in mincall) || $13 < mincall[name]) mincall[name] = $13
	  if (!(name in minsum) || $11 < minsum[name]) minsum[name] = $11
	  calls[name] = $3 }
	END {
		for (i = 1; i <= nc; i++) { n = cname[i]
			msg = sprintf("%s: expected %d per call; cheapest call %d, cheapest batch %d / %d calls", \
				n, want[n], mincall[n], minsum[n], calls[n])
			ok = bad[n] == "" && mincall[n] == want[n]
			# Long cases (2,001 instructions and up) may take a timer
			# interrupt in every batch: only their cheapest call is exact.
			if (want[n] < 2000) ok = ok && minsum[n] == want[n] * calls[n]
			else ok = ok && minsum[n] >= want[n] * calls[n]
			printf "%s %s%s\n", ok ? "ok  " : "FAIL", msg, bad[n]
			if (ok) pass++; else fail++ }
		if (nc == 0) { print "FAIL no batches (see the guest output)"; fail++ }
		printf "%d %d\n", pass, fail > counts
		exit fail != 0 }' counts="$tmp/counts"
rc=$?
if [ "$rc" != 0 ]; then
	echo "--- guest output"; tail -n 20 "$tmp/out"
	echo "--- plugin log"; tail -n 20 "$tmp/log"
fi

# Profile mode (bench-insns --profile): per batch, the blocks' counts add
# up to the exact count within what counting whole blocks can move it by
# (the marker blocks' instructions outside the call, at most MAXB per call).
boot_loop 2 "$plugin,profile=on" "$tmp/pout" "$tmp/plog"
awk -v maxb=64 '
	/^prof: / { ps += $3; next }
	/^insns: batch / { n++; exact = $7; calls = $5; d = ps - exact; if (d < 0) d = -d
		if (calls > 0 && d > maxb * calls) { bad++; printf "FAIL profile batch %d: blocks %d, exact %d (%d calls)\n", $3, ps, exact, calls }
		if (calls > 0) checked++
		ps = 0 }
	END { ok = checked > 0 && !bad
		printf "%s profile: %d batches, block counts within %d per call of the exact count\n", ok ? "ok  " : "FAIL", checked, maxb
		exit !ok }' "$tmp/plog"
prc=$?
read -r pass fail < "$tmp/counts" 2> /dev/null || { pass=0; fail=1; }
if [ "$prc" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
echo "insns plugin: $pass passed, $fail failed"
[ "$rc" = 0 ] && [ "$prc" = 0 ]
