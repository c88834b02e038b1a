#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the cgaddr CLI, run by `make check-tools` (part of
# `make check-host`), which builds what they use first.
#
#   tests/tools/run-tests.sh [PATTERN]
#
# Prints "PASS name" or "FAIL name" (with the case's output) per case and
# ends with "N passed, M failed"; exits non-zero on any failure.  No module
# is needed: the loader is checked through `cgaddr prog dump`, and commands
# that talk to the module run against tests/tools/fakenl.so, an in-process
# stand-in for it (LD_PRELOAD).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
filter=${1:-}

B=$top/build
CLI=$B/host/cgaddr			# the real build
ASAN=$B/tools-test/cgaddr-asan		# the same, with ASan and UBSan
FAKE=$B/tools-test/fakenl.so
JSONCK=$B/tools-test/jsoncheck
FUZZ=$B/tools-test/fuzz-obj
PROGS=$B/progs
OBJS=$B/tools-test/objs
BPF_INC=-I/usr/include/$(gcc -dumpmachine)

export ASAN_OPTIONS=detect_leaks=1:exitcode=99:verify_asan_link_order=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98
unset CGADDR_DEBUG

for f in "$CLI" "$ASAN" "$FAKE" "$JSONCK" "$FUZZ" "$PROGS/calls.o" "$OBJS/multi.o" \
	"$PROGS/kselftests/bind_perm.o"; do
	[ -e "$f" ] || { echo "run-tests: $f is missing: run make check-tools" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- helpers (run inside a case's subshell) -----------------------------------

fail() {
	echo "FAILED: $*"
	exit 1
}

# run CMD [ARG]...: sets rc, OUT (stdout) and ERR (stderr); a crash or a
# sanitizer report fails the case.
run() {
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	OUT=$(cat "$W/out")
	ERR=$(cat "$W/err")
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/err"; then
		fail "$*: sanitizer report:
$ERR"
	fi
	[ "$rc" -lt 98 ] || fail "$*: crashed or sanitizer exit ($rc): $ERR"
}

# ok CMD [ARG]...: must succeed without a word on stderr.
ok() {
	run "$@"
	[ "$rc" = 0 ] || fail "$*: exit $rc: $ERR"
	[ -z "$ERR" ] || fail "$*: unexpected stderr: $ERR"
}

# bad TEXT CMD [ARG]...: must exit 1, say TEXT on stderr, print nothing.
bad() {
	local text=$1
	shift
	run "$@"
	[ "$rc" = 1 ] || fail "$*: exit $rc, expected 1 (stderr: $ERR)"
	grep -qF -- "$text" <<<"$ERR" || fail "$*: stderr lacks '$text': $ERR"
	[ -z "$OUT" ] || fail "$*: unexpected stdout: $OUT"
}

# has TEXT: the last stdout contains TEXT (a line, fixed string).
has() {
	grep -qF -- "$1" <<<"$OUT" || fail "output lacks '$1':
$OUT"
}

# json PATH: the value at PATH of the last stdout, which must be valid JSON.
json() {
	"$JSONCK" "$1" <"$W/out" || fail "no valid JSON value at $1 in: $OUT"
}

# no_json PATH MSG: the last stdout has no value at PATH.
no_json() {
	! "$JSONCK" "$1" <"$W/out" >/dev/null 2>&1 || fail "$2: $OUT"
}

expect() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# Symbol value or size (bytes) of SYM in an object.
sym_value() {
	local v
	v=$(llvm-readelf -s "$1" 2>/dev/null | awk -v s="$2" '$8 == s { print $2; exit }')
	echo $((16#${v:-0}))
}
sym_size() {
	llvm-readelf -s "$1" 2>/dev/null | awk -v s="$2" '$8 == s { print $3; exit }'
}

# The instructions of the last text dump as "INDEX CODE SRC OFF IMM" lines.
insns() {
	awk '$1 ~ /^[0-9]+:$/ && $10 == "code" {
		sub(":", "", $1); print $1, $11, $15, $17, $19 }' <<<"$OUT"
}

# fake: the commands that follow talk to a fresh stand-in module.
fake() {
	mkdir -p "$W/cg/a/b" "$W/cg/c"
	export LD_PRELOAD=$FAKE CGADDR_FAKE_STATE=$W/state CGADDR_FAKE_LOG=$W/log
	export CGADDR_FAKE_CGROOT=$W/cg
	: >"$W/log"
}

logged() {
	grep -qF -- "$1" "$W/log" || fail "the module did not get '$1'; it got:
$(cat "$W/log")"
}

# ---- the loader, through prog dump -------------------------------------------

case_dump_all_progs() {
	local o
	for o in "$PROGS"/*.o "$OBJS"/multi.o "$OBJS"/funcptr.o; do
		ok "$ASAN" prog dump "$o"
		has "program "
		ok "$ASAN" -j prog dump "$o"
		json . >/dev/null
		ok "$ASAN" prog load "$o" --dry-run
		ok "$ASAN" -p prog load --dry-run "$o"
		json .0.insn_cnt >/dev/null
	done
}

# The kernel's selftest programs (tests/kselftests): every one builds, but
# for those with maps, which are refused with the reason.
case_dump_kselftests() {
	local o
	for o in "$PROGS"/kselftests/*.o; do
		ok "$ASAN" prog dump "$o"
		has "program "
	done
	ok "$ASAN" -j prog dump "$PROGS/kselftests/raw_sendmsg4_rw.o"
	expect "$(json .0.insn_cnt)" 13 "raw sendmsg4 program length"
	expect "$(json .0.type)" sendmsg4 "raw sendmsg4 program type"
	ok "$ASAN" -j prog dump "$PROGS/kselftests/bind_perm.o"
	expect "$(json .1.name)" bind_v6_prog "bind_perm's second program"
}

case_dump_demo() {
	ok "$ASAN" -j prog dump "$PROGS/bind4_demo.o"
	expect "$(json .0.name)" bind4_demo "name"
	expect "$(json .0.type)" bind4 "type"
	expect "$(json .0.attach_type)" 8 "attach type"
	expect "$(json .0.license)" GPL "license"
	expect "$(json .0.data)" "[]" "data"
	expect "$(json .0.insns.0.hex)" "$(llvm-objdump -d "$PROGS/bind4_demo.o" |
		awk '/^ +0:/ { print $2 $3 $4 $5 $6 $7 $8 $9 }')" "first instruction"
}

# calls4 calls str_len, then pick_port, which calls add_runs: they are
# appended in that order and every call lands on the start of one.
case_dump_subprograms() {
	local o=$PROGS/calls.o main s p a want targets
	main=$(( $(sym_size "$o" calls4) / 8 ))
	s=$(( $(sym_size "$o" str_len) / 8 ))
	p=$(( $(sym_size "$o" pick_port) / 8 ))
	a=$(( $(sym_size "$o" add_runs) / 8 ))
	ok "$ASAN" prog dump "$o"
	has "insns    $((main + s + p + a))"
	want="$main $((main + s)) $((main + s + p))"
	targets=$(insns | awk '$2 == "0x85" && $3 == 1 { print $1 + $5 + 1 }' | sort -n | uniq |
		xargs)
	expect "$targets" "$want" "call targets"
	# each target follows an exit
	for t in $targets; do
		insns | awk -v t=$((t - 1)) '$1 == t && $2 == "0x95" { f = 1 } END { exit !f }' ||
			fail "instruction before call target $t is not an exit"
	done
}

case_dump_global_data() {
	local o=$PROGS/calls.o off
	ok "$ASAN" -j prog dump "$o"
	expect "$(json .0.data.0.name):$(json .0.data.0.size):$(json .0.data.0.rdonly)" \
		.bss:4:false "data 0"
	expect "$(json .0.data.1.name):$(json .0.data.1.size):$(json .0.data.1.rdonly)" \
		.rodata.str1.1:7:true "data 1"
	expect "$(json .0.data.1.bytes)" 63676164647200 "the string literal"
	expect "$(json .0.data.2.name):$(json .0.data.2.size):$(json .0.data.2.rdonly)" \
		.rodata:8:true "data 2"
	expect "$(json .0.data.3.name):$(json .0.data.3.size):$(json .0.data.3.bytes)" \
		.data:4:64000000 "data 3"
	expect "$(json .0.data.0.bytes)" 00000000 ".bss is zeros"
	ok "$ASAN" prog dump "$o"
	# every 64-bit load of global data: src 2, a valid index, an offset inside
	insns | awk '$2 == "0x18" && $3 == 2 { idx = $5; getline; print idx, $5 }' >"$W/ld"
	[ "$(wc -l <"$W/ld")" -ge 5 ] || fail "too few global-data loads: $(cat "$W/ld")"
	while read -r idx off; do
		case "$idx" in 0|1|2|3) ;; *) fail "data index $idx" ;; esac
		[ "$off" -ge 0 ] && [ "$off" -lt 8 ] || fail "offset $off"
	done <"$W/ld"
	off=$(sym_value "$o" new_addr)
	grep -qx "2 $off" "$W/ld" || fail "no load of new_addr (.rodata+$off): $(cat "$W/ld")"
	grep -qx "1 0" "$W/ld" || fail "no load of the string literal"
}

case_dump_without_btf() {
	clang -O2 -target bpf $BPF_INC -c tests/progs/calls.c -o "$W/nobtf.o" ||
		fail "clang failed"
	llvm-readelf -S "$W/nobtf.o" | grep -q '\.BTF' && fail "the object has BTF"
	ok "$ASAN" -j prog dump "$W/nobtf.o"
	cp "$W/out" "$W/nobtf.json"
	ok "$ASAN" -j prog dump "$PROGS/calls.o"
	sed 's/"[^"]*\.o"//' "$W/out" | cmp -s - "$W/nobtf.json" ||
		fail "BTF-less and BTF-ful objects give different programs"
}

# Without function symbols a program section is one program, named after it.
case_dump_stripped() {
	llvm-objcopy --strip-all "$PROGS/deny.o" "$W/stripped.o" || fail "objcopy failed"
	llvm-readelf -s "$W/stripped.o" | grep -q deny4 && fail "deny4 is still there"
	ok "$ASAN" -j prog dump "$W/stripped.o"
	expect "$(json .0.name) $(json .0.type) $(json .1.name) $(json .1.type)" \
		"bind4 bind4 bind6 bind6" "programs of a stripped object"
	expect "$(json .0.insn_cnt)" 2 "instructions"
}

case_dump_many_programs() {
	local o=$OBJS/multi.o
	ok "$ASAN" -j prog dump "$o"
	expect "$(json .0.name) $(json .1.name) $(json .2.name)" \
		"first4 second4 connect_prog_wi" "names (truncated to 15)"
	expect "$(json .2.type)" connect6 "type from the section"
	expect "$(json .0.license)" "Dual BSD/GPL" "license"
	expect "$(json .0.data.0.name) $(json .0.data.1.name)" ".data.hits .rodata.limits" \
		"first4's data"
	expect "$(json .1.data.0.name):$(json .1.data.0.size) $(json .1.data.1.name)" \
		".bss:64 .rodata.limits" "second4's data"
	expect "$(json .2.data)" "[]" "connect6 uses no data"
	# the shared subprogram is in both
	expect "$(json .0.insn_cnt)" "$(json .1.insn_cnt)" "same size"
	ok "$ASAN" -j prog dump "$o" section cgroup/connect6
	expect "$(json .0.name)" connect_prog_wi "section"
	"$JSONCK" .1 <"$W/out" >/dev/null && fail "section selected more than one"
	ok "$ASAN" -j prog dump "$o" func second4 name renamed
	expect "$(json .0.name)" renamed "func + name"
	ok "$ASAN" -j prog dump "$o" func first4 type connect4
	expect "$(json .0.type)" connect4 "type override"
	bad "'name' needs exactly one program, but 3" "$ASAN" prog dump "$o" name x
	bad "no programs in section 'cgroup/bind6'; its program sections are: cgroup/bind4, cgroup/connect6" \
		"$ASAN" prog dump "$o" section cgroup/bind6
	bad "no program 'nope'; its programs are: first4, second4, connect_prog_with_a_long_name" \
		"$ASAN" prog dump "$o" func nope
}

case_dump_function_address() {
	local main
	main=$(( $(sym_size "$OBJS/funcptr.o" useloop) / 8 ))
	ok "$ASAN" prog dump "$OBJS/funcptr.o"
	insns | awk -v m="$main" '$2 == "0x18" && $3 == 4 && $1 + $5 + 1 == m { f = 1 }
		END { exit !f }' || fail "no BPF_PSEUDO_FUNC load of the callback at $main"
}

case_reject_objects() {
	bad "no license section: add  char LICENSE[] SEC(\"license\") = \"GPL\";" \
		"$ASAN" prog dump "$OBJS/nolicense.o"
	bad "section 'cgroup/bind5' (program 'badsec') is not a sock_addr section name" \
		"$ASAN" prog dump "$OBJS/badsec.o"
	bad "holds a BPF_PROG_TYPE_CGROUP_SOCK program, not a sock_addr program (a post-bind hook)" \
		"$ASAN" prog dump "$OBJS/postbind.o"
	bad "program 'useextern': insn 0: refers to extern 'CONFIG_HZ'" \
		"$ASAN" prog dump "$OBJS/extern.o"
	bad "calls kernel function 'bpf_rcu_read_lock' (a kfunc)" \
		"$ASAN" prog dump "$OBJS/kfunc.o"
	bad "section '.data' holds pointers (it has relocations)" \
		"$ASAN" prog dump "$OBJS/datptr.o"
	bad "no programs: the object has no program section" \
		"$ASAN" prog dump "$OBJS/empty.o"
	# a type override does not make a post-bind program loadable by accident
	ok "$ASAN" prog dump "$OBJS/badsec.o" type bind4
}

case_reject_files() {
	: >"$W/empty.o"
	echo "hello" >"$W/text.o"
	echo 'int f(void) { return 1; }' >"$W/x.c"
	gcc -c "$W/x.c" -o "$W/x86.o"
	clang -O2 -g -target bpfeb $BPF_INC -c tests/progs/deny.c -o "$W/be.o"
	bad "no-such.o: No such file or directory" "$ASAN" prog dump "$W/no-such.o"
	bad "not a regular file" "$ASAN" prog dump /dev/null
	bad "not an ELF file" "$ASAN" prog dump "$W/empty.o"
	bad "not an ELF file" "$ASAN" prog dump "$W/text.o"
	bad "not a BPF object (machine 62; compile with clang -target bpf)" \
		"$ASAN" prog dump "$W/x86.o"
	bad "the object is big-endian but this host is little-endian (compile with clang -target bpfel)" \
		"$ASAN" prog dump "$W/be.o"
}

# Truncated objects: an error (or, for cuts in trailing debug data, the
# programs), never a crash.
case_truncated() {
	local o=$PROGS/calls.o size n
	size=$(stat -c %s "$o")
	for n in $(seq 0 $((size / 40 + 1)) "$size") 1 15 16 63 64 65 $((size - 1)); do
		head -c "$n" "$o" >"$W/cut.o"
		run "$ASAN" prog dump "$W/cut.o"
		case "$rc" in
		0) ;;
		1) grep -q '^cgaddr: ' <<<"$ERR" || fail "cut at $n: exit 1 without a message" ;;
		*) fail "cut at $n: exit $rc: $ERR" ;;
		esac
	done
}

case_fuzz_loader() {
	run "$FUZZ" -s 7 -n 4000 "$PROGS"/*.o "$OBJS"/[!b]*.o
	[ "$rc" = 0 ] || fail "fuzzer exit $rc: $ERR"
	echo "$OUT"
}

case_valgrind_loader() {
	command -v valgrind >/dev/null || fail "valgrind is not installed"
	local o
	for o in "$PROGS"/*.o "$OBJS"/*.o; do
		valgrind -q --error-exitcode=97 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			--show-leak-kinds=definite,indirect "$CLI" -j prog dump "$o" \
			>/dev/null 2>"$W/vg"
		rc=$?
		[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "$o: valgrind exit $rc: $(cat "$W/vg")"
		grep -q '^==' "$W/vg" && fail "$o: valgrind: $(cat "$W/vg")"
	done
	valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$CLI" prog dump "$W/missing.o" 2>"$W/vg"
	[ "$?" = 1 ] || fail "missing file under valgrind: $(cat "$W/vg")"
}

# What the control protocol cannot carry is refused before anything is sent.
case_limits() {
	fake
	ok "$ASAN" -j prog dump "$OBJS/bigprog.o"
	expect "$(json .0.flags)" 1 "CGADDR_PROG_F_LARGE above 4096 instructions"
	bad "prog load: 12296 instructions do not fit in one netlink attribute (at most 8191)" \
		"$ASAN" prog load "$OBJS/bigprog.o"
	# A data section is one attribute: at most CGADDR_MAX_DATA_SIZE bytes.
	bad "section '.bss' is 70000 bytes, more than 65531" "$ASAN" prog dump "$OBJS/bigdata.o"
	bad "section '.bss' is 70000 bytes, more than 65531" "$ASAN" prog load "$OBJS/bigdata.o"
	[ -s "$W/log" ] && fail "something was sent: $(cat "$W/log")"
	true
}

# ---- usage -------------------------------------------------------------------------

case_usage() {
	ok "$CLI" --help
	has "Usage: cgaddr [OPTIONS] OBJECT COMMAND"
	ok "$CLI" help
	has "cgaddr prog help"
	ok "$CLI" prog help
	has "cgaddr prog load FILE.o [section SEC] [func FUNC] [name NAME] [type TYPE]"
	has "cgaddr prog run ID"
	ok "$CLI" cgroup help
	has "cgaddr cgroup attach CGROUP TYPE ID [multi | override] [replace ID]"
	has "cgaddr cgroup tree [ROOT]"
	ok "$CLI" cgroup attach --help
	expect "$OUT" "Usage: cgaddr cgroup attach CGROUP TYPE ID [multi | override] [replace ID]" \
		"cgroup attach --help"
	ok "$CLI" prog run -h
	has "the raw 72-byte context"
	ok "$CLI" -V
	expect "$OUT" "cgaddr $(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)" "-V"
	bad "an object is needed" "$CLI"
	bad "unknown object 'frob'; see: cgaddr help" "$CLI" frob
	bad "prog: unknown command 'frob'; see: cgaddr prog help" "$CLI" prog frob
	bad "prog: 'l' is ambiguous ('load' or 'list'?)" "$CLI" prog l
	bad "unknown option '--frob'" "$CLI" --frob prog list
	bad "cgroup: a command is needed" "$CLI" cgroup
	bad "prog load: which object file?" "$CLI" prog load
	bad "prog load: unexpected 'sektion'" "$CLI" prog load x.o sektion a
	bad "'section' needs a value" "$CLI" prog load x.o section
	bad "prog load: unknown attach type 'bind5'; one of: bind4, bind6" \
		"$CLI" prog load x.o type bind5
	bad "prog load: a name has 1 to 15 characters" "$CLI" prog load x.o name 0123456789abcdef
	bad "cgroup attach: CGROUP, TYPE and ID are needed" "$CLI" cgroup attach /x bind4
	bad "cgroup attach: unknown attach type 'bind5'" "$CLI" cgroup attach /x bind5 1
	bad "cgroup attach: '0' is not a valid id" "$CLI" cgroup attach /x bind4 0
	bad "cgroup attach: unexpected 'mult'" "$CLI" cgroup attach /x bind4 1 mult
	bad "prog del: 'x' is not a valid id" "$CLI" prog del x
	bad "prog show: --dry-run does not apply" "$CLI" prog show --dry-run
	bad "'id:0' is not a cgroup id" "$CLI" cgroup show id:0
}

case_attach_type_names() {
	local n
	fake
	ok "$CLI" prog load "$PROGS/deny.o" func deny6
	for n in bind6 cgroup/bind6 BPF_CGROUP_INET6_BIND cgroup_inet6_bind CGROUP_INET6_BIND; do
		ok "$CLI" cgroup attach "$W/cg/a" "$n" 1
		logged "ATTACH cgroup=/a type=9 prog=1 flags=0"
	done
	bad "unknown attach type 'post_bind6'" "$CLI" cgroup attach "$W/cg/a" post_bind6 1
}

# ---- against the stand-in module ---------------------------------------------------

case_module_missing() {
	fake
	export CGADDR_FAKE_ABSENT=1
	bad "cgaddr: the cgaddr module is not loaded (genetlink family 'cgaddr' not found); run: modprobe cgaddr (or insmod cgaddr.ko)" \
		"$ASAN" prog list
	ok "$ASAN" prog dump "$PROGS/deny.o"
	run "$ASAN" version
	expect "$rc" 0 "version without the module"
	has "module not loaded"
	unset CGADDR_FAKE_ABSENT
	export CGADDR_FAKE_GENL_VERSION=0
	bad "the loaded cgaddr module speaks version 0 of the control protocol, this tool needs 1" \
		"$ASAN" info
}

case_info_version() {
	fake
	ok "$ASAN" info
	has "module version   0.1.0-fake"
	has "attach types     bind4 bind6"
	ok "$ASAN" -j info
	expect "$(json .attach_types.1)" bind6 "JSON attach types"
	ok "$ASAN" version
	has "module 0.1.0-fake (control protocol 1)"
	ok "$ASAN" -j version
	expect "$(json .module_version)" 0.1.0-fake "JSON version"
}

case_load() {
	fake
	ok "$ASAN" prog load "$PROGS/calls.o"
	expect "$OUT" "id 1" "one program"
	logged "PROG_LOAD type=8 name=calls4 insns=89 license=GPL flags=0 data=.bss:4:0,.rodata.str1.1:7:1,.rodata:8:1,.data:4:0"
	ok "$ASAN" prog load "$PROGS/rewrite.o"
	expect "$OUT" "id 2 name rewrite4
id 3 name rewrite6" "two programs"
	logged "PROG_LOAD type=9 name=rewrite6"
	ok "$ASAN" -j prog load "$PROGS/bind4_demo.o" name demo
	expect "$(json .id) $(json .name) $(json .type)" "4 demo bind4" "JSON load"
	ok "$ASAN" -j prog load "$PROGS/deny.o"
	expect "$(json .1.id) $(json .1.name)" "6 deny6" "JSON load of two"
	ok "$ASAN" prog load "$PROGS/deny.o" func deny4 type sendmsg4
	logged "PROG_LOAD type=14 name=deny4"
}

case_load_errors() {
	fake
	CGADDR_FAKE_LOAD_ERR="insn 12: write to read-only ctx field 'family'" \
		bad "cgaddr: prog load: insn 12: write to read-only ctx field 'family'" \
		"$ASAN" prog load "$PROGS/bind4_demo.o"
	# the second of two fails: the first is unloaded again
	CGADDR_FAKE_LOAD_ERR="insn 1: nope" CGADDR_FAKE_LOAD_ERR_NAME=deny6 \
		bad "cgaddr: prog load: deny6: insn 1: nope" "$ASAN" prog load "$PROGS/deny.o"
	logged "PROG_DEL id=1"
	ok "$ASAN" prog list
	expect "$OUT" "" "nothing left loaded"
	CGADDR_FAKE_UNPRIV=1 bad "prog load: permission denied: changing policy needs CAP_NET_ADMIN" \
		"$ASAN" prog load "$PROGS/deny.o" func deny6
	CGADDR_FAKE_REJECT_ATTR=9 bad "prog load: the module rejected attribute CGADDR_A_PROG_NAME (Invalid argument)" \
		"$ASAN" prog load "$PROGS/bind4_demo.o"
	true
}

# Maps: definitions read from BTF and legacy sections, loads rewritten to
# BPF_PSEUDO_MAP_IDX, maps created once per object and their handles
# dropped after the load; the map commands' parsing.
case_maps() {
	ok "$ASAN" prog dump "$OBJS/maps.o"
	has "map 0    ports  type 2  key 4  value 4  max_entries 1  flags 0x0"
	ok "$ASAN" prog dump "$OBJS/legacy_maps.o"
	has "map 0    ports  type 2  key 4  value 4  max_entries 1  flags 0x0"
	ok "$ASAN" prog dump "$PROGS/maps.o"
	has "map 4    sk_binds  type 24  key 4  value 4  max_entries 0  flags 0x1"
	has "map 0    port_counts  type 1  key 4  value 8  max_entries 64  flags 0x0"
	insns | awk '$2 == "0x18" && $3 == 5 { n++ } END { exit n < 10 }' ||
		fail "no BPF_PSEUDO_MAP_IDX loads"
	ok "$ASAN" -j prog dump "$PROGS/maps.o"
	expect "$(json .1.maps.0.name)" port_counts "JSON map table"
	fake
	ok "$ASAN" prog load "$PROGS/maps.o"
	# six maps for two programs sharing port_counts: created once
	expect "$(grep -c MAP_CREATE "$W/log")" 6 "maps created once per object"
	logged "MAP_CREATE id=100 type=1 key=4 value=8 max=64 flags=0 name=port_counts"
	logged "MAP_CREATE id=104 type=24 key=4 value=4 max=0 flags=1 name=sk_binds"
	logged "PROG_LOAD name=count_bind4 maps=100,101,102,103,104,105"
	logged "PROG_LOAD name=count_bind6 maps=100"
	logged "MAP_DEL id=105"
	logged "MAP_DEL id=100"
	bad "prog load: 'map nope=3': the programs use no map 'nope'" \
		"$ASAN" prog load "$PROGS/maps.o" map nope=3
	bad "prog load: 'map ports': expected NAME=ID" "$ASAN" prog load "$OBJS/maps.o" map ports
	bad "not a valid id" "$ASAN" prog load "$OBJS/maps.o" map ports=x
	: >"$W/log"
	CGADDR_FAKE_LOAD_ERR="insn 1: nope" bad "cgaddr: prog load: insn 1: nope" \
		"$ASAN" prog load "$OBJS/maps.o"
	logged "MAP_DEL id=100"
	ok "$ASAN" map update 7 key u32:80 value "01 02 03 04" noexist
	logged "MAP_UPDATE id=7 key=50000000 value=01020304 flags=1"
	ok "$ASAN" map update 7 key be16:80 value 0x0a0b exist
	logged "MAP_UPDATE id=7 key=0050 value=0a0b flags=2"
	ok "$ASAN" map delete 7 key u64:1
	logged "MAP_DELETE id=7 key=0100000000000000"
	bad "map lookup: no such key in the map" "$ASAN" map lookup 7 key 00
	bad "map update: no value given" "$ASAN" map update 7 key 00
	bad "map update: no key given" "$ASAN" map update 7 value 00
	bad "key: 'zz' is not hex bytes" "$ASAN" map delete 7 key zz
	bad "key: 'u16:70000' is not a 2-byte number" "$ASAN" map delete 7 key u16:70000
	bad "map create: type, key, value and entries are needed" \
		"$ASAN" map create type hash key 4 value 4
	bad "map create: unknown map type 'ringbuf'" \
		"$ASAN" map create type ringbuf key 4 value 4 entries 1
	ok "$ASAN" map create type BPF_MAP_TYPE_LRU_HASH key 8 value 16 entries 32 name lru
	has "id "
	logged "type=9 key=8 value=16 max=32 flags=0 name=lru"
	bad "map del: which map?" "$ASAN" map del
}

case_list_show_del() {
	fake
	ok "$ASAN" prog load "$PROGS/deny.o"
	ok "$ASAN" prog list
	has "1: bind4  name deny4  insns 2  attached 0"
	has "	loaded 2023-11-14T22:13:20Z  license GPL"
	has "	runs 10  allows 7  denies 3  rewrites 5  faults 1  budget_aborts 0  run_time 4321ns"
	has "2: bind6  name deny6"
	ok "$ASAN" prog show
	has "2: bind6  name deny6"
	ok "$ASAN" prog
	has "2: bind6  name deny6"
	ok "$ASAN" -j prog list
	expect "$(json .1.name) $(json .1.stats.denies) $(json .0.load_time)" \
		"deny6 3 2023-11-14T22:13:20Z" "JSON list"
	ok "$ASAN" -p prog show 2
	expect "$(json .id) $(json .type) $(json .insn_cnt)" "2 bind6 2" "JSON show"
	bad "prog show: no program with this id" "$ASAN" prog show 9
	ok "$ASAN" prog del 1
	logged "PROG_DEL id=1"
	bad "prog del: no program with this id" "$ASAN" prog del 1
	ok "$ASAN" cgroup attach "$W/cg/a" bind6 2
	bad "prog del: the program is attached; detach it first" "$ASAN" prog del 2
	CGADDR_FAKE_UNPRIV=1 bad "prog del: permission denied: changing policy needs CAP_NET_ADMIN in the initial user namespace" \
		"$ASAN" prog del 2
	# listing is open to everybody
	CGADDR_FAKE_UNPRIV=1 ok "$ASAN" prog list
}

case_attach_detach() {
	fake
	ok "$ASAN" prog load "$PROGS/order.o" section cgroup/bind4
	ok "$ASAN" cgroup attach "$W/cg/a" bind4 1 multi
	logged "ATTACH cgroup=/a type=8 prog=1 flags=2 replace=0 by=fd"
	ok "$ASAN" cgroup attach "$W/cg/a" bind4 2 multi
	bad "cgroup attach: the program's expected attach type is another" "$ASAN" cgroup attach "$W/cg/a" connect4 2 multi
	ok "$ASAN" cgroup attach "$W/cg/a" bind4 3 multi replace 1
	logged "ATTACH cgroup=/a type=8 prog=3 flags=6 replace=1 by=fd"
	ok "$ASAN" cgroup attach "$W/cg/a/b" bind4 4 override
	logged "ATTACH cgroup=/a/b type=8 prog=4 flags=1 replace=0 by=fd"
	bad "cgroup attach: attach flags differ from those already used in this cgroup" \
		"$ASAN" cgroup attach "$W/cg/a" bind4 5
	# the module checks the flag rules: the CLI passes them on
	bad "cgroup attach: override and multi exclude each other" \
		"$ASAN" cgroup attach "$W/cg/c" bind4 5 multi override
	bad "cgroup attach: replace needs multi" "$ASAN" cgroup attach "$W/cg/c" bind4 5 replace 1
	ok "$ASAN" cgroup show "$W/cg/a"
	expect "$OUT" "ID      TYPE          FLAGS     NAME
3       bind4         multi     order_c
2       bind4         multi     order_b" "show"
	ok "$ASAN" cgroup detach "$W/cg/a" bind4 3
	logged "DETACH cgroup=/a type=8 prog=3"
	bad "cgroup detach: programs attached with multi are detached by id" \
		"$ASAN" cgroup detach "$W/cg/a" bind4
	ok "$ASAN" cgroup detach "$W/cg/a/b" bind4
	logged "DETACH cgroup=/a/b type=8 prog=0"
	bad "cgroup detach: nothing attached" "$ASAN" cgroup detach "$W/cg/a/b" bind4
	CGADDR_FAKE_UNPRIV=1 bad "cgroup attach: permission denied" \
		"$ASAN" cgroup attach "$W/cg/a" bind4 4 multi
}

case_cgroup_names() {
	local id
	fake
	ok "$ASAN" prog load "$PROGS/deny.o" func deny4
	# relative to the cgroup v2 mount point
	ok "$ASAN" cgroup attach a/b bind4 1
	logged "ATTACH cgroup=/a/b type=8 prog=1 flags=0 replace=0 by=fd"
	(cd "$W/cg/a" && "$ASAN" cgroup attach ./b bind4 1) || fail "attach ./b"
	id=$(stat -c %i "$W/cg/a/b")
	ok "$ASAN" cgroup show "id:$id"
	has "1       bind4         none      deny4"
	logged "QUERY cgroup=/a/b"
	ok "$ASAN" cgroup attach "id:$id" bind4 1
	logged "by=id"
	bad "$W/cg/nope: no such cgroup (create it with mkdir)" \
		"$ASAN" cgroup attach "$W/cg/nope" bind4 1
	bad "$W/state: Not a directory" "$ASAN" cgroup attach "$W/state" bind4 1
	bad "$W: not a cgroup v2 directory: programs attach to directories of a cgroup2 file system" \
		"$ASAN" cgroup attach "$W" bind4 1
	bad "/tmp: not a cgroup v2 directory" "$ASAN" cgroup show /tmp
}

case_effective_and_tree() {
	fake
	ok "$ASAN" prog load "$PROGS/order.o" section cgroup/bind4
	ok "$ASAN" cgroup attach "$W/cg" bind4 1 multi
	ok "$ASAN" cgroup attach "$W/cg" bind4 2 multi
	ok "$ASAN" cgroup attach "$W/cg/a" bind4 3 override
	ok "$ASAN" cgroup attach "$W/cg/a/b" bind4 6
	ok "$ASAN" cgroup attach "$W/cg/c" bind4 4
	ok "$ASAN" cgroup show "$W/cg/a/b" effective
	expect "$OUT" "ID      TYPE          NAME
6       bind4         order_f
1       bind4         order_a
2       bind4         order_b" "effective"
	logged "QUERY cgroup=/a/b type=0 flags=1"
	ok "$ASAN" -j cgroup show "$W/cg/a/b" effective type bind4
	expect "$(json .0.id) $(json .2.name)" "6 order_b" "JSON effective"
	logged "QUERY cgroup=/a/b type=8 flags=1"
	ok "$ASAN" cgroup tree
	expect "$OUT" "$W/cg
    bind4         multi     1 order_a, 2 order_b
  a/
      bind4         override  3 order_c
    b/
        bind4         none      6 order_f
  c/
      bind4         none      4 order_d" "tree"
	rmdir "$W/cg/a/b"
	ok "$ASAN" cgroup tree "$W/cg/a"
	expect "$OUT" "$W/cg/a
    bind4         override  3 order_c
  b/  (removed)
      bind4         none      6 order_f" "tree below a, with a removed cgroup"
	ok "$ASAN" -j cgroup tree
	expect "$(json .2.cgroup) $(json .2.removed) $(json .2.progs.0.name)" "/a/b true order_f" \
		"JSON tree"
	ok "$ASAN" cgroup tree c
	expect "$(sed -n 2p <<<"$OUT")" "    bind4         none      4 order_d" "tree of a relative ROOT"
	bad "cgroup tree: ROOT is a path, not a cgroup id" "$ASAN" cgroup tree id:5
}

case_run() {
	fake
	ok "$ASAN" prog load "$PROGS/bind4_demo.o"
	ok "$ASAN" prog run 1
	expect "$OUT" "retval       1 (allow)
insns        6
fault        none
duration     1234ns
user_family  AF_INET (2)
user_ip4     192.0.2.10  (was 0.0.0.0)
user_ip6     ::
user_port    0
family       AF_INET (2)
type         SOCK_STREAM (1)
protocol     IPPROTO_TCP (6)
msg_src_ip4  0.0.0.0
msg_src_ip6  ::" "run"
	logged "TEST_RUN id=1 family=2 user_family=2 user_ip4=00000000 user_port=00000000 type=1 protocol=6 sk=no"
	ok "$ASAN" prog run 1 ip 198.51.100.3 port 8080 type dgram protocol udp family inet6 msg_src 192.0.2.1
	logged "TEST_RUN id=1 family=10 user_family=2 user_ip4=036433c6 user_port=0000901f type=2 protocol=17 sk=no"
	has "user_ip4     198.51.100.3"
	has "user_port    8080"
	has "msg_src_ip4  192.0.2.1"
	ok "$ASAN" -j prog run 1 ip 2001:db8::1 sk family=inet6 src_ip6=::1 dst_port=80 mark=3
	logged "sk=yes"
	expect "$(json .retval) $(json .verdict) $(json .ctx.user_ip6) $(json .changed.0)" \
		"1 allow 2001:db8::1 user_ip4" "JSON run"
	ok "$ASAN" prog run 1 ctx 02000000c0000201
	has "user_ip4     192.0.2.1"
	ok "$ASAN" prog load "$PROGS/deny.o" func deny6
	ok "$ASAN" prog run 2
	logged "TEST_RUN id=2 family=10 user_family=10"
	ok "$ASAN" prog load "$PROGS/deny.o" func deny4 type sendmsg4
	ok "$ASAN" prog run 3
	logged "TEST_RUN id=3 family=2 user_family=2 user_ip4=00000000 user_port=00000000 type=2 protocol=17"
	bad "prog run: bad value 'x' for user_port" "$ASAN" prog run 1 port x
	bad "prog run: bad value '1.2.3' for user_ip4" "$ASAN" prog run 1 ip 1.2.3
	bad "prog run: unknown sk field in 'colour=red'" "$ASAN" prog run 1 sk colour=red
	bad "prog run: 'sk' needs FIELD=VALUE" "$ASAN" prog run 1 sk
	bad "prog run: 'ctx' takes at most 72 bytes in hex" "$ASAN" prog run 1 ctx "$(printf '%0146d' 0)"
	bad "prog run: no program with this id" "$ASAN" prog run 7
	CGADDR_FAKE_UNPRIV=1 bad "prog run: permission denied" "$ASAN" prog run 1
}

# ---- cgaddr pin / unpin (the programs themselves: build/tools-test/pin_test) ----------

case_pin_usage() {
	ok "$CLI" pin --help
	has "Usage: cgaddr pin CGROUP [--ipv4 ADDR] [--ipv6 ADDR] [--ports LO-HI] [--strict]"
	has "Without --ipv6, bind() to :: binds"
	has "cgaddr unpin CGROUP"
	ok "$CLI" unpin help
	has "unpin removes the pin rule of CGROUP"
	ok "$CLI" help
	has "cgaddr pin --help"
	bad "pin: which cgroup?" "$CLI" pin
	bad "pin: give the address to pin to: --ipv4 ADDR and/or --ipv6 ADDR" "$CLI" pin a
	bad "pin: --ipv4: '2001:db8::1' is an IPv6 address (use --ipv6)" \
		"$CLI" pin a --ipv4 2001:db8::1
	bad "pin: --ipv6: '192.0.2.1' is an IPv4 address (use --ipv4)" "$CLI" pin a --ipv6 192.0.2.1
	bad "pin: --ipv4: '192.0.2' is not an IPv4 address" "$CLI" pin a --ipv4 192.0.2
	bad "pin: --ipv6: 'fe80::x' is not an IPv6 address" "$CLI" pin a --ipv6 fe80::x
	bad "pin: --ipv4: 0.0.0.0 is the wildcard" "$CLI" pin a --ipv4 0.0.0.0
	bad "pin: --ipv6: :: is the wildcard" "$CLI" pin a --ipv6 ::
	bad "pin: --ipv6: ::ffff:192.0.2.1 is a v4-mapped IPv4 address (use --ipv4)" \
		"$CLI" pin a --ipv6 ::ffff:192.0.2.1
	bad "pin: --ipv4: 224.0.0.1 is a multicast or broadcast address" "$CLI" pin a --ipv4 224.0.0.1
	bad "pin: --ports: in '2000-1000' LO is greater than HI" \
		"$CLI" pin a --ipv4 192.0.2.1 --ports 2000-1000
	local r
	for r in 0-80 80- -80 80-65536 x 1-2-3 99999999999999999999-1; do
		bad "pin: --ports: '$r' is not a port range LO-HI (ports 1 to 65535)" \
			"$CLI" pin a --ipv4 192.0.2.1 --ports="$r"
	done
	bad "pin: --ipv4 needs a value" "$CLI" pin a --ipv4
	bad "pin: --ipv4 given twice" "$CLI" pin a --ipv4 192.0.2.1 --ipv4=192.0.2.2
	bad "pin: unknown option '--frob'" "$CLI" pin a --ipv4 192.0.2.1 --frob
	bad "pin: unexpected 'b' (one cgroup)" "$CLI" pin a b --ipv4 192.0.2.1
	bad "pin --show takes only the cgroup" "$CLI" pin --show a --strict
	bad "unpin: which cgroup?" "$CLI" unpin
	bad "unpin: unexpected 'b'" "$CLI" unpin a b
	bad "unpin: --dry-run does not apply" "$CLI" unpin a --dry-run
	# pin and unpin change policy: never abbreviated
	bad "unknown object 'pi'" "$CLI" pi a --ipv4 192.0.2.1
	bad "unknown object 'unp'" "$CLI" unp a
}

case_pin_dry_run() {
	ok "$ASAN" pin a --ipv4 192.0.2.10 --ipv6 2001:db8::10 --ports 1024-65535 --dry-run
	has "program pin_bind4"
	has "program pin_sendmsg6"
	ok "$ASAN" -j pin a --ipv4 192.0.2.10 --dry-run
	expect "$(json .0.name) $(json .1.name) $(json .2.name) $(json .3.name) $(json .4.name)" \
		"pin_bind4 pin_bind6 pin_connect4 pin_connect6 pin_sendmsg4" "IPv4 only: five programs"
	expect "$(json .0.license)" GPL "license"
	"$JSONCK" .5 <"$W/out" >/dev/null && fail "IPv4 only: a sixth program"
	ok "$ASAN" -j pin a --ipv6 2001:db8::10 --bind-only --dry-run
	expect "$(json .0.name) $(json .0.type)" "pin_bind6 bind6" "IPv6 bind-only"
	"$JSONCK" .1 <"$W/out" >/dev/null && fail "IPv6 bind-only: a second program"
	true
}

case_pin_unpin() {
	fake
	# The stand-in hooks bind4 and bind6 only: a full pin is refused, unchanged.
	bad "pin: the loaded cgaddr module does not hook connect4, connect6, sendmsg4, sendmsg6" \
		"$ASAN" pin a --ipv4 192.0.2.10 --ipv6 2001:db8::10
	grep -E "PROG_LOAD|ATTACH" "$W/log" && fail "something was loaded or attached"
	CGADDR_FAKE_TYPES=8,10,14 bad "does not hook bind6, connect6, sendmsg6" \
		"$ASAN" pin a --ipv4 192.0.2.10 --ipv6 2001:db8::10
	CGADDR_FAKE_TYPES=10 bad "does not hook bind4, bind6 (cgaddr info lists what it hooks), so nothing was changed" \
		"$ASAN" pin a --ipv4 192.0.2.10 --bind-only
	# A user program attached with multi stays through everything.
	ok "$ASAN" prog load "$PROGS/mark.o" func mark4
	ok "$ASAN" cgroup attach a bind4 1 multi
	ok "$ASAN" pin a --ipv4 192.0.2.10 --ipv6 2001:db8::10 --bind-only
	expect "$OUT" "pin_bind4     id 2
pin_bind6     id 3
rule          id 1 for a (in force now and in cgroups made later)" "bind-only pin"
	logged "PROG_LOAD type=8 name=pin_bind4 insns=6 license=GPL"
	logged "ATTACH cgroup=/a type=8 prog=2 flags=2 replace=0 by=fd"
	logged "ATTACH cgroup=/a type=9 prog=3 flags=2 replace=0 by=fd"
	# Then the rule, which takes these attachments over.
	logged "RULE_ADD id=1 name=pin pattern=a progs=8:2:2,9:3:2"
	# Re-pin of the same kinds: the rule's programs replaced in place, the old deleted.
	: >"$W/log"
	ok "$ASAN" -j pin a --ipv4 192.0.2.20 --bind-only --ports 80-443 --strict
	expect "$(json .programs.0.replaced) $(json .programs.1.replaced)" "2 3" "replaced ids"
	expect "$(json .rule) $(json .pattern)" "1 a" "the rule kept"
	logged "RULE_REPLACE id=1 name=pin pattern=a progs=8:4:2,9:5:2"
	logged "PROG_DEL id=2"
	logged "PROG_DEL id=3"
	grep -q ATTACH "$W/log" && fail "a replace through the rule attached by itself"
	ok "$ASAN" cgroup show a
	expect "$OUT" "ID      TYPE          FLAGS     NAME
1       bind4         multi     mark4
4       bind4         multi     pin_bind4
5       bind6         multi     pin_bind6" "after the re-pin"
	# The full pin where the module hooks everything; stale kinds go.
	CGADDR_FAKE_TYPES=all ok "$ASAN" pin a --ipv4 192.0.2.10 --ipv6 2001:db8::10
	has "pin_sendmsg6  id 11"
	CGADDR_FAKE_TYPES=all ok "$ASAN" pin a --ipv6 2001:db8::10
	expect "$OUT" "pin_bind6     id 12  (replaces id 7)
pin_connect6  id 13  (replaces id 9)
pin_sendmsg6  id 14  (replaces id 11)
removed       id 6 (bind4)
removed       id 8 (connect4)
removed       id 10 (sendmsg4)
rule          id 3 for a (in force now and in cgroups made later)" "IPv6 only after both"
	logged "RULE_DEL id=2 name=pin pattern=a"
	ok "$ASAN" rule list
	expect "$(echo "$OUT" | grep -c '^rule ')" 1 "one pin rule for a"
	# A load failing half-way: what was loaded is deleted, nothing attached.
	: >"$W/log"
	CGADDR_FAKE_TYPES=all CGADDR_FAKE_LOAD_ERR="insn 3: nope" CGADDR_FAKE_LOAD_ERR_NAME=pin_connect6 \
		bad "pin: loading pin_connect6: insn 3: nope" "$ASAN" pin a/b --ipv4 192.0.2.10
	logged "PROG_DEL id=15"
	logged "PROG_DEL id=16"
	logged "PROG_DEL id=17"
	grep -q ATTACH "$W/log" && fail "attached after a failed load"
	# An attach failing half-way: undone, the old programs back in place.
	ok "$ASAN" prog load "$PROGS/deny.o" func deny6
	ok "$ASAN" cgroup attach c bind6 18
	bad "pin: $W/cg/c has a bind6 program attached without 'multi' (id 18)" \
		"$ASAN" pin c --ipv4 192.0.2.10 --bind-only
	# --show (the stand-in does not run programs: no rewrite seen) and its JSON
	ok "$ASAN" pin --show a
	has "pin_bind6"
	ok "$ASAN" -j pin --show a/b
	expect "$(json .programs.0.name) $(json .programs.0.inherited) $(json .programs.0.attached_to)" \
		"pin_bind6 true /a" "show -j of a child"
	ok "$ASAN" -j pin --show c
	expect "$(json .pinned)" false "show -j: nothing pinned"
	ok "$ASAN" pin --show c
	has "no pin in force"
	# An attach failing half-way: undone, the old programs still in place.
	CGADDR_FAKE_TYPES=all ok "$ASAN" pin a/b --ipv6 2001:db8::10
	ok "$ASAN" cgroup show a/b
	local before=$OUT nprogs
	nprogs=$("$ASAN" prog list | grep -c '^[0-9]')
	: >"$W/log"
	# 34: CGADDR_A_REPLACE_PROG_ID; bind4 is attached (new), bind6 would replace
	CGADDR_FAKE_TYPES=all CGADDR_FAKE_REJECT_ATTR=34 bad \
		"pin: attaching pin_bind6: the module rejected attribute CGADDR_A_REPLACE_PROG_ID" \
		"$ASAN" pin a/b --ipv4 192.0.2.10 --ipv6 2001:db8::10
	grep -q "ATTACH cgroup=/a/b type=8" "$W/log" || fail "bind4 was not attached first"
	grep -q "DETACH cgroup=/a/b type=8" "$W/log" || fail "bind4 was not detached: $(cat "$W/log")"
	ok "$ASAN" cgroup show a/b
	expect "$OUT" "$before" "attachments after the undo"
	expect "$("$ASAN" prog list | grep -c '^[0-9]')" "$nprogs" "programs after the undo"
	ok "$ASAN" unpin a/b
	# unpin: exactly the pin programs
	: >"$W/log"
	ok "$ASAN" unpin a
	expect "$OUT" "removed pin_bind6     id 12
removed pin_connect6  id 13
removed pin_sendmsg6  id 14" "unpin"
	logged "RULE_DEL id=3 name=pin pattern=a progs=9:12:2,11:13:2,15:14:2"
	logged "PROG_DEL id=14"
	ok "$ASAN" cgroup show a
	expect "$OUT" "ID      TYPE          FLAGS     NAME
1       bind4         multi     mark4" "after unpin"
	bad "unpin: $W/cg/a has no pin programs attached" "$ASAN" unpin a
	bad "unpin: $W/cg/c has no pin programs attached" "$ASAN" -j unpin c
	CGADDR_FAKE_UNPRIV=1 bad "pin: loading pin_bind4: permission denied" \
		"$ASAN" pin a --ipv4 192.0.2.10 --bind-only
}

# ---- cgaddr apply ------------------------------------------------------------------------

# apply_conf NAME: writes stdin to $W/conf/NAME (objects beside it, as relative paths).
apply_conf() {
	mkdir -p "$W/conf"
	cp "$PROGS/rewrite.o" "$PROGS/mark.o" "$PROGS/deny.o" "$W/conf/"
	cat >"$W/conf/$1"
}

case_apply_usage() {
	ok "$CLI" apply --help
	has "Usage: cgaddr apply [--dry-run] [--state FILE] [DIR | FILE]..."
	has "program OBJ.o [func NAME] [section SEC] [type TYPE] attach TYPE [multi | override]"
	ok "$CLI" help
	has "cgaddr apply --help"
	bad "apply: unknown option '--frob'" "$CLI" apply --frob
	bad "apply: --state needs a file" "$CLI" apply --state
	bad "unknown object 'appl'" "$CLI" appl
	bad "$W/nothing: No such file or directory" "$CLI" apply "$W/nothing"
}

case_apply_parse_errors() {
	fake
	apply_conf 10-bad.conf <<'CONF'
pin ipv4 192.0.2.1
[a]
pin ipv4 192.0.2
pin ipv4 192.0.2.1 ipv4 192.0.2.2
frob x
[nope]
program rewrite.o attach bind4
[c]
program rewrite.o func rewrite4 attach connect4
program missing.o attach bind4
program rewrite.o func nosuch attach bind4
program rewrite.o func rewrite4 attach bind4 multi override
program rewrite.o func rewrite4
[a] x
[c]   # comments anywhere
pin ipv4 192.0.2.1 ports 9-1
pin ipv6 192.0.2.1
CONF
	apply_conf 20-more.conf <<'CONF'
[a]
pin ipv4 192.0.2.1 bind-only
program mark.o func mark4 attach bind4
[/a]
pin ipv4 192.0.2.2
program deny.o func deny4 type sendmsg4 attach sendmsg4
program deny.o func deny6 type sendmsg4 attach sendmsg4
[id:5]
CONF
	local f=$W/conf/10-bad.conf g=$W/conf/20-more.conf e
	sed -i "s|^\[/a\]|[$W/cg/a]|" "$g"
	bad "nothing was changed" "$ASAN" apply --state "$W/st" "$W/conf"
	for e in "$f:1: 'pin' before any [CGROUP] header: which cgroup?" \
		"$f:3: pin: ipv4: '192.0.2' is not an IPv4 address" \
		"$f:4: pin: ipv4 given twice" \
		"$f:5: unknown statement 'frob' (pin or program, or a [CGROUP] header)" \
		"$f:7: program: rewrite.o has 2 programs (rewrite4, rewrite6): choose one with func NAME" \
		"$f:9: program: rewrite4 of rewrite.o is a bind4 program: it cannot attach to connect4" \
		"$f:10: $W/conf/missing.o: No such file or directory" \
		"$f:11: $W/conf/rewrite.o: no program 'nosuch'" \
		"$f:12: program: give one of multi and override" \
		"$f:13: program: 'attach TYPE' is missing" \
		"$f:14: a cgroup header is [CGROUP], one path without blanks" \
		"$f:16: pin: ports: in '9-1' LO is greater than HI" \
		"$f:17: pin: ipv6: '192.0.2.1' is an IPv4 address (use ipv4)" \
		"$g:5: pin: cgroup 'a' is pinned already at $g:2" \
		"$g:3: a bind4 is attached with multi at $g:2, here with none: the programs of a cgroup and type share their flags" \
		"$g:7: a sendmsg4 has a program already ($g:6): without multi a cgroup has one program" \
		"$g:8: cgroup 'id:5': give a path relative to the cgroup v2 mount or an absolute one" \
		"apply: 17 errors in the configuration; nothing was changed"; do
		grep -qF -- "cgaddr: $e" <<<"$ERR" || fail "stderr lacks 'cgaddr: $e': $ERR"
	done
	[ -s "$W/log" ] && fail "the module was asked something: $(cat "$W/log")"
	[ -e "$W/st" ] && fail "a state file was written"
	# One wrong line among good ones: nothing is done either.
	rm "$f" "$g"
	apply_conf 30-one.conf <<'CONF'
[a]
pin ipv4 192.0.2.1 bind-only
program rewrite.o func rewrite4 attach bind4 multi
[c]
program deny.o func deny6 attach bind6 flags
CONF
	bad "$W/conf/30-one.conf:5: program: unexpected 'flags'" "$ASAN" apply --state "$W/st" "$W/conf"
	[ -s "$W/log" ] && fail "the module was asked something: $(cat "$W/log")"
	true
}

case_apply() {
	fake
	apply_conf web.conf <<'CONF'
# the web servers
[a]
pin ipv4 192.0.2.20 ipv6 2001:db8::20 bind-only   # servers only
program rewrite.o func rewrite4 attach bind4 multi

[c]
program mark.o func mark6 attach bind6
CONF
	echo "[c]" >"$W/conf/web.conf.sample"	# not *.conf: never read
	local S="--state $W/run/apply.state"
	# Unrelated: a program attached by hand, a pin by hand elsewhere.
	ok "$ASAN" prog load "$PROGS/mark.o" func mark4
	ok "$ASAN" cgroup attach a bind4 1 multi
	ok "$ASAN" pin a/b --ipv4 192.0.2.30 --bind-only
	: >"$W/log"
	ok "$ASAN" apply $S --dry-run "$W/conf"
	expect "$OUT" "would pin a to 192.0.2.20 and 2001:db8::20 (pin_bind4, pin_bind6)
would attach rewrite4 to a bind4 multi
would attach mark6 to c bind6
apply --dry-run: 3 to change, 0 unchanged; nothing was changed" "dry run"
	grep -E "PROG_LOAD|PROG_DEL|ATTACH|DETACH" "$W/log" && fail "the dry run changed something"
	[ -e "$W/run/apply.state" ] && fail "the dry run wrote the state"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "pinned a to 192.0.2.20 and 2001:db8::20 (pin_bind4 id 4, pin_bind6 id 5)
attached rewrite4 to a bind4 multi (id 6)
attached mark6 to c bind6 (id 7)
apply: 3 changed, 0 unchanged" "first apply"
	logged "ATTACH cgroup=/a type=8 prog=4 flags=2 replace=0 by=fd"
	logged "ATTACH cgroup=/c type=9 prog=7 flags=0 replace=0 by=fd"
	grep -q "^# CGROUP_ID TYPE PROG_ID" "$W/run/apply.state" || fail "no state file"
	# Again: nothing changes, and it says so.
	: >"$W/log"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "unchanged: a pinned to 192.0.2.20 and 2001:db8::20 (pin_bind4 id 4, pin_bind6 id 5)
unchanged: rewrite4 on a bind4 multi (id 6)
unchanged: mark6 on c bind6 (id 7)
apply: nothing to change (3 unchanged)" "second apply"
	grep -E "PROG_LOAD|PROG_DEL|ATTACH|DETACH" "$W/log" && fail "the second apply changed something"
	ok "$ASAN" -j apply $S --dry-run "$W/conf"
	expect "$(json .dry_run) $(json .changed) $(json .unchanged)" "true 0 3" "JSON counts"
	expect "$(json .actions.0.action) $(json .actions.0.what) $(json .actions.0.programs.1.id)" \
		"unchanged pin 5" "JSON pin"
	expect "$(json .actions.1.source)" "$W/conf/web.conf:4" "JSON source"
	# Edited: the pin changes (in place), rewrite4 becomes rewrite6, c is gone.
	apply_conf web.conf <<'CONF'
[a]
pin ipv4 192.0.2.21 bind-only
program rewrite.o func rewrite6 attach bind6 multi
CONF
	: >"$W/log"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "pinned a to 192.0.2.21 (pin_bind4 id 8 replacing id 4, pin_bind6 id 9 replacing id 5)
attached rewrite6 to a bind6 multi (id 10)
detached rewrite4 from a bind4 multi (id 6)
detached mark6 from c bind6 (id 7)
apply: 4 changed, 0 unchanged" "apply after the edit"
	logged "ATTACH cgroup=/a type=8 prog=8 flags=6 replace=4 by=fd"
	logged "PROG_DEL id=7"
	ok "$ASAN" cgroup show a
	expect "$OUT" "ID      TYPE          FLAGS     NAME
1       bind4         multi     mark4
8       bind4         multi     pin_bind4
9       bind6         multi     pin_bind6
10      bind6         multi     rewrite6" "a: the manual mark4 stays"
	ok "$ASAN" cgroup show a/b
	expect "$(awk 'NR > 1 { print $1, $4 }' <<<"$OUT")" "2 pin_bind4
3 pin_bind6" "a/b: the manual pin stays"
	ok "$ASAN" cgroup show c
	expect "$OUT" "" "c: detached"
	# apply's rule for a holds its programs: not deleted by hand.
	bad "cgaddr: prog del: a rule holds the program; delete the rule first" \
		"$ASAN" prog del 10
	# A program detached by hand is attached again (a new copy; the
	# rule's old one goes).
	ok "$ASAN" cgroup detach a bind6 10
	: >"$W/log"
	ok "$ASAN" apply $S "$W/conf"
	has "attached rewrite6 to a bind6 multi (id 11)"
	has "apply: 1 changed, 1 unchanged"
	logged "PROG_DEL id=10"
	# An empty configuration: everything apply attached goes, nothing else.
	rm "$W/conf/web.conf"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "detached rewrite6 from a bind6 multi (id 11)
unpinned a (pin_bind4 id 8, pin_bind6 id 9)
apply: 2 changed, 0 unchanged" "empty configuration"
	ok "$ASAN" cgroup show a
	expect "$OUT" "ID      TYPE          FLAGS     NAME
1       bind4         multi     mark4" "a after the empty configuration"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "apply: nothing to change (0 unchanged)" "nothing configured, nothing owned"
}

case_apply_takes_over_pin() {
	fake
	local S="--state $W/apply.state"
	ok "$ASAN" pin a --ipv4 192.0.2.30 --ipv6 2001:db8::30 --bind-only
	apply_conf a.conf <<'CONF'
[a]
pin ipv4 192.0.2.20 bind-only
CONF
	ok "$ASAN" apply $S "$W/conf/a.conf"
	expect "$OUT" "pinned a to 192.0.2.20 (pin_bind4 id 3 replacing id 1, pin_bind6 id 4 replacing id 2)
apply: 1 changed, 0 unchanged" "a hand pin of a configured cgroup is replaced"
	# The module does not hook connect4: refused before anything, with the line.
	apply_conf a.conf <<'CONF'
[a]
pin ipv4 192.0.2.20
CONF
	: >"$W/log"
	bad "$W/conf/a.conf:2: the loaded cgaddr module does not hook connect4, connect6, sendmsg4 (cgaddr info lists what it hooks); 'bind-only' pins servers only" \
		"$ASAN" apply $S "$W/conf/a.conf"
	grep -E "PROG_LOAD|ATTACH|DETACH" "$W/log" && fail "something was changed"
	CGADDR_FAKE_TYPES=all ok "$ASAN" apply $S "$W/conf/a.conf"
	# bind4 and bind6 are the same programs as with bind-only: kept.
	has "pinned a to 192.0.2.20 (pin_bind4 id 3, pin_bind6 id 4, pin_connect4 id 5, pin_connect6 id 6, pin_sendmsg4 id 7)"
	CGADDR_FAKE_TYPES=all ok "$ASAN" apply $S "$W/conf/a.conf"
	has "apply: nothing to change (1 unchanged)"
}

case_apply_rules() {
	fake
	local S="--state $W/apply.state"
	# A unit that has not started, and a template's instances: rules only,
	# not errors; a cgroup that exists gets its programs and a rule too.
	apply_conf web.conf <<'CONF'
[system.slice/nginx.service]
pin ipv4 192.0.2.20 bind-only
[system.slice/web@*.service]
program rewrite.o func rewrite4 attach bind4 multi
[a]
pin ipv4 192.0.2.21 bind-only
CONF
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "pinned system.slice/nginx.service to 192.0.2.20 (pin_bind4 id 1, pin_bind6 id 2)
  (no such cgroup now: in force in each such cgroup from the moment it is made)
attached rewrite4 to system.slice/web@*.service bind4 multi (id 3)
  (a pattern: in force in each such cgroup from the moment it is made)
pinned a to 192.0.2.21 (pin_bind4 id 4, pin_bind6 id 5)
apply: 3 changed, 0 unchanged" "apply with rules"
	logged "pattern=system.slice/nginx.service progs=8:1:2,9:2:2"
	ok "$ASAN" -j rule list
	expect "$(json .0.pattern) $(json .1.pattern) $(json .2.pattern)" \
		"system.slice/nginx.service system.slice/web@*.service a" "the rules"
	expect "$(json .2.cgroups.0.path)" "/a" "a's rule is in force in a"
	ok "$ASAN" cgroup tree
	has "4 pin_bind4 [rule 3]"
	has "rules: 1 system.slice/nginx.service by apply:"
	has " (in none now), 2 system.slice/web@*.service by apply:"
	has "3 a by apply:"
	has "(in force in 1 cgroup)"
	ok "$ASAN" -j cgroup tree
	expect "$(json .0.progs.0.rule)" "3" "tree -j: the rule"
	no_json .0.cgroups.0 "nginx's rule is in force somewhere"
	no_json .3 "a fourth rule"
	ok "$ASAN" apply $S "$W/conf"
	expect "$OUT" "unchanged: system.slice/nginx.service pinned to 192.0.2.20 (pin_bind4 id 1, pin_bind6 id 2)
unchanged: rewrite4 on system.slice/web@*.service bind4 multi (id 3)
unchanged: a pinned to 192.0.2.21 (pin_bind4 id 4, pin_bind6 id 5)
apply: nothing to change (3 unchanged)" "unchanged rules"
	# Edited: the unit's pin moves (the rule is replaced in place, same
	# id), the template's section goes (its rule and program too).
	apply_conf web.conf <<'CONF'
[system.slice/nginx.service]
pin ipv4 192.0.2.22 bind-only
[a]
pin ipv4 192.0.2.21 bind-only
CONF
	: >"$W/log"
	ok "$ASAN" apply $S "$W/conf"
	has "pinned system.slice/nginx.service to 192.0.2.22 (pin_bind4 id 6 replacing id 1, pin_bind6 id 7 replacing id 2)"
	has "removed the rule for system.slice/web@*.service (id 2)"
	has "apply: 2 changed, 1 unchanged"
	logged "RULE_REPLACE id=1"
	logged "RULE_DEL id=2"
	for e in 1 2 3; do logged "PROG_DEL id=$e"; done
	ok "$ASAN" -j rule list
	expect "$(json .0.id) $(json .1.id)" "1 3" "rules after the edit"
	no_json .2 "a third rule after the edit"
	# A hand pin of a pattern the files pin is taken over by the files.
	ok "$ASAN" pin 'system.slice/db*.service' --ipv4 192.0.2.30 --bind-only
	apply_conf db.conf <<'CONF'
[system.slice/db*.service]
pin ipv4 192.0.2.31 bind-only
CONF
	ok "$ASAN" apply $S "$W/conf"
	ok "$ASAN" -j rule list
	expect "$(json .2.pattern)" "system.slice/db*.service" "a third rule, the pattern's"
	grep -q '"name":"pin"' <<<"$OUT" && fail "the hand pin's rule stays: $OUT"
	no_json .3 "a fourth rule"
	# Nothing configured: every rule of apply goes, and its programs.
	rm "$W/conf/web.conf" "$W/conf/db.conf"
	ok "$ASAN" apply $S "$W/conf"
	has "removed the rule for system.slice/nginx.service (id 1)"
	ok "$ASAN" rule list
	expect "$OUT" "" "no rules left"
	ok "$ASAN" prog list
	expect "$OUT" "" "no programs left"
}

case_apply_undo() {
	fake
	local S="--state $W/apply.state"
	apply_conf web.conf <<'CONF'
[a]
pin ipv4 192.0.2.20 bind-only
program rewrite.o func rewrite6 attach bind6 multi
CONF
	ok "$ASAN" apply $S "$W/conf"
	# By hand: a bind6 program without multi on c.
	ok "$ASAN" prog load "$PROGS/deny.o" func deny6
	ok "$ASAN" cgroup attach c bind6 4
	ok "$ASAN" cgroup show a
	local before=$OUT nprogs state
	nprogs=$("$ASAN" prog list | grep -c '^[0-9]')
	state=$(cat "$W/apply.state")
	# The pin changes, rewrite6 goes, c gets a multi program: the module refuses
	# the last step (c's bind6 program is not multi), everything is undone.
	apply_conf web.conf <<'CONF'
[a]
pin ipv4 192.0.2.21 bind-only
[c]
program mark.o func mark6 attach bind6 multi
CONF
	: >"$W/log"
	bad "apply: $W/conf/web.conf:4: attaching mark6 to c bind6: attach flags differ from those already used in this cgroup" \
		"$ASAN" apply $S "$W/conf"
	grep -qF "apply: undone: the policy in force is what it was before this run" <<<"$ERR" ||
		fail "no word of the undo: $ERR"
	logged "ATTACH cgroup=/a type=8 prog=5 flags=6 replace=1 by=fd"
	logged "DETACH cgroup=/a type=9 prog=3"
	logged "ATTACH cgroup=/a type=9 prog=3 flags=2 replace=0 by=id"
	logged "ATTACH cgroup=/a type=8 prog=1 flags=6 replace=5 by=fd"
	logged "PROG_DEL id=5"
	logged "PROG_DEL id=7"
	ok "$ASAN" cgroup show a
	expect "$(sort <<<"$OUT")" "$(sort <<<"$before")" "a after the undo"
	ok "$ASAN" cgroup show c
	expect "$(awk 'NR > 1 { print $1, $3, $4 }' <<<"$OUT")" "4 none deny6" "c after the undo"
	expect "$("$ASAN" prog list | grep -c '^[0-9]')" "$nprogs" "programs after the undo"
	expect "$(cat "$W/apply.state")" "$state" "the state after the undo"
	# A load failing: nothing attached, what was loaded deleted.
	: >"$W/log"
	CGADDR_FAKE_LOAD_ERR="insn 3: nope" CGADDR_FAKE_LOAD_ERR_NAME=mark6 \
		bad "apply: $W/conf/web.conf:4: loading mark6: insn 3: nope" "$ASAN" apply $S "$W/conf"
	grep -q ATTACH "$W/log" && fail "attached after a failed load"
	expect "$("$ASAN" prog list | grep -c '^[0-9]')" "$nprogs" "programs after the failed load"
	# Without CAP_NET_ADMIN.
	CGADDR_FAKE_UNPRIV=1 bad "permission denied" "$ASAN" apply $S "$W/conf"
	ok "$ASAN" cgroup detach c bind6 4
	ok "$ASAN" apply $S "$W/conf"
	has "apply: 3 changed, 0 unchanged"
}

case_valgrind_cli() {
	fake
	local vg="valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	$vg "$CLI" prog load "$PROGS/calls.o" >/dev/null 2>"$W/vg" || fail "load: $(cat "$W/vg")"
	$vg "$CLI" prog load "$PROGS/rewrite.o" >/dev/null 2>"$W/vg" || fail "load: $(cat "$W/vg")"
	$vg "$CLI" cgroup attach "$W/cg/a" bind4 1 multi >/dev/null 2>"$W/vg" ||
		fail "attach: $(cat "$W/vg")"
	$vg "$CLI" -j cgroup tree >/dev/null 2>"$W/vg" || fail "tree: $(cat "$W/vg")"
	$vg "$CLI" cgroup show "$W/cg/a" effective >/dev/null 2>"$W/vg" || fail "show: $(cat "$W/vg")"
	$vg "$CLI" -j prog list >/dev/null 2>"$W/vg" || fail "list: $(cat "$W/vg")"
	$vg "$CLI" prog run 1 ip 1.2.3.4 sk mark=1 >/dev/null 2>"$W/vg" || fail "run: $(cat "$W/vg")"
	CGADDR_FAKE_TYPES=all $vg "$CLI" pin "$W/cg/a" --ipv4 192.0.2.1 --ipv6 2001:db8::1 \
		>/dev/null 2>"$W/vg" || fail "pin: $(cat "$W/vg")"
	CGADDR_FAKE_TYPES=all $vg "$CLI" pin "$W/cg/a" --ipv4 192.0.2.1 --ports 1-2 --strict \
		>/dev/null 2>"$W/vg" || fail "re-pin: $(cat "$W/vg")"
	$vg "$CLI" -j pin --show "$W/cg/a/b" >/dev/null 2>"$W/vg" || fail "pin --show: $(cat "$W/vg")"
	$vg "$CLI" unpin "$W/cg/a" >/dev/null 2>"$W/vg" || fail "unpin: $(cat "$W/vg")"
	printf '[a]\npin ipv4 192.0.2.1 bind-only\nprogram %s func rewrite6 attach bind6 multi\n' \
		"$PROGS/rewrite.o" >"$W/a.conf"
	$vg "$CLI" apply --state "$W/apply.state" "$W/a.conf" >/dev/null 2>"$W/vg" ||
		fail "apply: $(cat "$W/vg")"
	$vg "$CLI" -j apply --state "$W/apply.state" "$W/a.conf" >/dev/null 2>"$W/vg" ||
		fail "apply again: $(cat "$W/vg")"
	echo "[a]" >"$W/a.conf"
	$vg "$CLI" apply --state "$W/apply.state" "$W/a.conf" >/dev/null 2>"$W/vg" ||
		fail "apply, stale: $(cat "$W/vg")"
	echo "[a] x" >"$W/a.conf"
	$vg "$CLI" apply --state "$W/apply.state" "$W/a.conf" >/dev/null 2>"$W/vg"
	[ "$?" = 1 ] || fail "refused apply: $(cat "$W/vg")"
	grep -q '^==' "$W/vg" && fail "refused apply: $(cat "$W/vg")"
	$vg "$CLI" pin "$W/cg/a" --ipv4 192.0.2.1 >/dev/null 2>"$W/vg"
	[ "$?" = 1 ] || fail "refused pin: $(cat "$W/vg")"
	grep -q '^==' "$W/vg" && fail "refused pin: $(cat "$W/vg")"
	CGADDR_FAKE_LOAD_ERR=no CGADDR_FAKE_LOAD_ERR_NAME=rewrite6 \
		$vg "$CLI" prog load "$PROGS/rewrite.o" >/dev/null 2>"$W/vg"
	[ "$?" = 1 ] || fail "failed load: $(cat "$W/vg")"
	grep -q '^==' "$W/vg" && fail "failed load: $(cat "$W/vg")"
	CGADDR_FAKE_ABSENT=1 $vg "$CLI" prog list >/dev/null 2>"$W/vg"
	[ "$?" = 1 ] || fail "no module: $(cat "$W/vg")"
	grep -q '^==' "$W/vg" && fail "no module: $(cat "$W/vg")"
	true
}

# ---- set NAME=VALUE -----------------------------------------------------------

# data_hex NAME: the bytes of data section NAME in the last JSON dump.
data_hex() {
	python3 -c 'import json, sys
for d in json.load(sys.stdin)[0]["data"]:
    if d["name"] == sys.argv[1]: print(d["bytes"])' "$1" <"$W/out"
}

case_set_globals() {
	local o=$PROGS/globals.o r
	ok "$ASAN" -j prog dump "$o" func set4
	r=$(data_hex .rodata)
	expect "${r:0:2}" ff "small's default (-1)"
	ok "$ASAN" -j prog dump "$o" func set4 set match_port=4040 set new_port=0x115c \
		set new_ip4=192.0.2.10 set new_ip6=2001:db8::10 set small=-128 \
		set big=-9223372036854775808 set in_data=4294967295 set in_bss=0xffffffffffffffff
	r=$(data_hex .rodata)
	expect "${r:0:2}" 80 "small (1 byte, -128)"
	expect "${r:16:16}" 0000000000000080 "big (8 bytes, INT64_MIN)"
	expect "${r:32:4}" c80f "match_port (2 bytes, 4040, host order)"
	expect "${r:40:8}" c000020a "new_ip4 (192.0.2.10, network order)"
	expect "${r:48:4}" 5c11 "new_port (0x115c)"
	expect "${r:56:32}" 20010db8000000000000000000000010 "new_ip6 (2001:db8::10)"
	expect "$(data_hex .data)" ffffffff "in_data (.data)"
	expect "$(data_hex .bss)" ffffffffffffffff "in_bss (.bss, which has no bytes in the file)"
	# The last of two values for one name wins; other sections are untouched.
	ok "$ASAN" -j prog dump "$o" func set4 set small=1 set small=255
	r=$(data_hex .rodata)
	expect "${r:0:2}" ff "small set twice"
	expect "$(data_hex .bss)" 0000000000000000 ".bss untouched"
	# Both programs of the object get the value; load --dry-run takes set too.
	ok "$ASAN" -j prog load --dry-run "$o" set match_port=1
	[ "$(json .1.data.0.bytes | cut -c33-36)" = 0100 ] || fail "set6's .rodata: $OUT"
	ok "$ASAN" prog dump "$o" set small=0 set new_ip4=0.0.0.0 set new_ip6=::
	# Errors: nothing on stdout, one message naming the problem.
	bad "no global variable 'nope' in the object (its variables are: " \
		"$ASAN" prog dump "$o" set nope=1
	bad "it has none" "$ASAN" prog dump "$PROGS/deny.o" set x=1
	bad "'set4' is not a global variable in .rodata, .data or .bss" \
		"$ASAN" prog dump "$o" set set4=1
	bad "'LICENSE' is not a global variable" "$ASAN" prog dump "$o" set LICENSE=1
	bad "the variable is 3 bytes; set takes integers of 1, 2, 4 or 8 bytes" \
		"$ASAN" prog dump "$o" set odd=1
	bad "not an integer that fits in 1 byte (-128 .. 255)" "$ASAN" prog dump "$o" set small=256
	bad "not an integer that fits in 1 byte" "$ASAN" prog dump "$o" set small=-129
	bad "not an integer that fits in 2 bytes (-32768 .. 65535)" \
		"$ASAN" prog dump "$o" set match_port=0x10000
	bad "fits in 8 bytes (-9223372036854775808 .. 18446744073709551615)" \
		"$ASAN" prog dump "$o" set big=18446744073709551616
	bad "not an integer" "$ASAN" prog dump "$o" set big=-9223372036854775809
	bad "not an integer" "$ASAN" prog dump "$o" set match_port=12ab
	bad "not an integer" "$ASAN" prog dump "$o" set match_port=-
	bad "an IPv6 address needs a 16-byte variable" \
		"$ASAN" prog dump "$o" set new_ip4=2001:db8::1
	bad "an IPv4 address needs a 4-byte variable" "$ASAN" prog dump "$o" set big=192.0.2.1
	bad "not an IPv4 address (the variable is 4 bytes)" \
		"$ASAN" prog dump "$o" set new_ip4=192.0.2.256
	bad "not an IPv6 address (the variable is 16 bytes)" "$ASAN" prog dump "$o" set new_ip6=7
	bad "'match_port' is not NAME=VALUE" "$ASAN" prog dump "$o" set match_port
	bad "'=1' is not NAME=VALUE" "$ASAN" prog dump "$o" set =1
	bad "'small=' is not NAME=VALUE" "$ASAN" prog dump "$o" set small=
	bad "'set' needs a value" "$ASAN" prog dump "$o" set
	# Loading sends the changed section.
	fake
	ok "$ASAN" prog load "$o" func set4 set match_port=4040
	true
}

# ---- main -------------------------------------------------------------------------------

pass=0
failed=0
for c in $(declare -F | awk '$3 ~ /^case_/ { sub("case_", "", $3); print $3 }'); do
	[ -z "$filter" ] || [[ "$c" == *$filter* ]] || continue
	W=$work/$c
	mkdir -p "$W"
	if ("case_$c") >"$W/case.out" 2>&1; then
		echo "PASS tools/$c"
		pass=$((pass + 1))
	else
		echo "FAIL tools/$c"
		sed 's/^/    /' "$W/case.out"
		failed=$((failed + 1))
	fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
