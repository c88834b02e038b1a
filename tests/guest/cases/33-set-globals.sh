# cgaddr prog load X.o set NAME=VALUE: const volatile globals given at load
# (tests/progs/globals.c).  One object, loaded twice with different values
# for two cgroups, rewrites each cgroup's binds to its own address and port;
# without set, the defaults rewrite nothing.
dummy_up cgd0 192.0.2.10/24 192.0.2.20/24 2001:db8::10/64 2001:db8::20/64
cg_new ga
cg_new gb
cg_new gdef
for t in 4 6; do
	a=$(prog_load /progs/globals.o func set$t set match_port=4040 set new_port=4444 \
		set new_ip4=192.0.2.10 set new_ip6=2001:db8::10)
	b=$(prog_load /progs/globals.o func set$t set match_port=0x0fc8 set new_port=5555 \
		set new_ip4=192.0.2.20 set new_ip6=2001:db8::20)
	d=$(prog_load /progs/globals.o func set$t)
	cgaddr cgroup attach ga bind$t "$a"
	cgaddr cgroup attach gb bind$t "$b"
	cgaddr cgroup attach gdef bind$t "$d"
done
expect_eq "$(in_cg ga sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "ga: v4 rewrite"
expect_eq "$(in_cg ga sockprobe bind udp :: 4040)" "2001:db8::10 4444" "ga: v6 rewrite"
expect_eq "$(in_cg gb sockprobe bind udp 127.0.0.1 4040)" "192.0.2.20 5555" "gb: v4 rewrite"
expect_eq "$(in_cg gb sockprobe bind tcp ::1 4040)" "2001:db8::20 5555" "gb: v6 rewrite"
expect_eq "$(in_cg ga sockprobe bind tcp 0.0.0.0 4041)" "0.0.0.0 4041" "ga: other port untouched"
expect_eq "$(in_cg gdef sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "defaults: untouched"
expect_eq "$(in_cg gdef sockprobe bind tcp :: 4040)" ":: 4040" "defaults: v6 untouched"
# A value that does not fit is refused before anything reaches the module.
n=$(cgaddr prog list | grep -c '^[0-9]*:')
out=$(cgaddr prog load /progs/globals.o set new_port=65536 2>&1 || true)
expect_match "$out" "new_port=65536: not an integer that fits in 2 bytes" "value too large"
out=$(cgaddr prog load /progs/globals.o set no_such=1 2>&1 || true)
expect_match "$out" "no global variable 'no_such'" "unknown name"
expect_eq "$(cgaddr prog list | grep -c '^[0-9]*:')" "$n" "nothing loaded by the refused loads"
policy_reset
