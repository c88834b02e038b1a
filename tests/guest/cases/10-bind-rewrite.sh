# bind4/bind6 programs rewrite address and port; v4-mapped binds on IPv6
# sockets run bind6 programs; binds outside the cgroup are untouched.
dummy_up cgd0 192.0.2.10/24 2001:db8::10/64
cg_new rw
p4=$(prog_load /progs/rewrite.o func rewrite4)
p6=$(prog_load /progs/rewrite.o func rewrite6)
cgaddr cgroup attach rw bind4 "$p4"
cgaddr cgroup attach rw bind6 "$p6"

expect_eq "$(in_cg rw sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "v4 TCP rewrite"
expect_eq "$(in_cg rw sockprobe bind udp 127.0.0.1 4040)" "192.0.2.10 4444" "v4 UDP rewrite"
expect_eq "$(in_cg rw sockprobe bind tcp :: 4040)" "2001:db8::10 4444" "v6 TCP rewrite"
expect_eq "$(in_cg rw sockprobe bind udp ::1 4040)" "2001:db8::10 4444" "v6 UDP rewrite"
expect_eq "$(in_cg rw sockprobe bind tcp ::ffff:127.0.0.1 4040)" "::ffff:192.0.2.10 4444" \
	"v4-mapped bind on an IPv6 socket runs bind6"
expect_eq "$(in_cg rw sockprobe bind tcp 0.0.0.0 4041)" "0.0.0.0 4041" "other ports untouched"
expect_eq "$(sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "outside the cgroup untouched"

# BPF-to-BPF calls and global data (.rodata, .data, .bss, a string): the
# .bss run counter persists across runs (tests/progs/calls.c).
cg_new calls
c=$(prog_load /progs/calls.o func calls4)
cgaddr cgroup attach calls bind4 "$c"
expect_eq "$(in_cg calls sockprobe bind udp 0.0.0.0 4041)" "192.0.2.10 5101" "calls and globals: run 1"
expect_eq "$(in_cg calls sockprobe bind udp 0.0.0.0 4041)" "192.0.2.10 5102" "calls and globals: run 2"

# A rewrite is checked like the caller's own address: a non-local target fails.
ip addr del 192.0.2.10/24 dev cgd0
expect_eq "$(in_cg rw sockprobe bind tcp 0.0.0.0 4040)" "error EADDRNOTAVAIL" \
	"rewritten address is checked by the kernel"

# Counters: runs and rewrites were counted.
show=$(cgaddr -j prog show "$p4")
expect_match "$show" '"rewrites":[1-9]' "rewrites counted"

# Detach restores the default at once.
cgaddr cgroup detach rw bind4 "$p4"
expect_eq "$(in_cg rw sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "detach takes effect at once"
policy_reset
