#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A few programs through the bpf_conformance plugin: r0 printed in hex,
# memory and its length in r1/r2, and a non-zero exit with the reason on
# a load error or a fault.
#
#   tests/vm/plugin-smoke.sh build/host/cgaddr-vm-plugin
set -uo pipefail

plugin=${1:?usage: $0 PLUGIN}
pass=0 fail=0

# expect NAME WANT_RC WANT_OUTPUT PROGRAM_HEX [MEM_HEX]
expect() {
	local name=$1 want_rc=$2 want=$3 prog=$4 out rc
	shift 4
	out=$(printf '%s\n' "$prog" | "$plugin" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && [[ $out == *"$want"* ]]; then
		pass=$((pass + 1))
	else
		echo "FAIL plugin $name: exit $rc, output '$out' (expected exit $want_rc, '$want')"
		fail=$((fail + 1))
	fi
}

exit0=9500000000000000
# mov r0, 42; exit
expect mov 0 2a "b70000002a000000 $exit0"
# r0 = *(u64 *)(r1 + 0), little endian
expect mem 0 807060504030201 "7910000000000000$exit0" 0102030405060708
# r0 = r2: the memory's length
expect mem-len 0 3 "bf20000000000000$exit0" aabbcc
# lddw r0, 0x1122334455667788; r0 = bswap64(r0)
expect bswap 0 8877665544332211 "18000000887766550000000044332211d700000040000000$exit0"
# mov r0, 1; r1 = 7; r0 <<= r1 via a loop of jumps: r0 = 1 << 7
expect loop 0 80 "b700000001000000b701000007000000670000000100000007010000ffffffff5501fdff00000000$exit0"
# errors: unknown opcode, reading past the memory, falling off the end
expect bad-opcode 1 "insn 0: unknown opcode 0xff" "ff00000000000000$exit0"
expect out-of-bounds 1 "insn 0: out-of-bounds access" "7910080000000000$exit0" 0102030405060708
expect fall-off 1 "program falls off the end" "b700000000000000"
expect bad-hex 1 "invalid program" "b7zz"

echo "plugin: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
