# Module parameters: the kill switch, the instruction budget, and the
# object counts going back to zero.
P=/sys/module/cgaddr/parameters
dummy_up cgd0 192.0.2.10/24
cg_new par
expect_eq "$(cat $P/objects)" "programs 0 cgroups 0 maps 0" "nothing live at start"
# Functions are patched only while a type they serve has an attachment.
EF=/sys/kernel/debug/tracing/enabled_functions
[ -r $EF ] || EF=/sys/kernel/tracing/enabled_functions
patched() { grep -oE '^(inet6?_bind|__inet_stream_connect|inet_dgram_connect|udp(v6)?_(send|recv)msg|inet6?_getname) ' $EF | tr -d ' ' | sort | tr '\n' ' '; }
expect_eq "$(patched)" "" "no policy: nothing patched"
p=$(prog_load /progs/rewrite.o func rewrite4)
cgaddr cgroup attach par bind4 "$p"
expect_eq "$(cat $P/objects)" "programs 1 cgroups 1 maps 0" "one program, one cgroup"
expect_eq "$(patched)" "inet_bind " "bind4 attached: inet_bind patched"
c=$(prog_load /progs/egress.o func redirect6)
cgaddr cgroup attach par connect6 "$c"
expect_eq "$(patched)" "__inet_stream_connect inet_bind inet_dgram_connect " "connect6: both connect paths"
cgaddr cgroup detach par connect6 "$c"
cgaddr prog del "$c"
expect_eq "$(patched)" "inet_bind " "detach unpatches"

expect_eq "$(in_cg par sockprobe bind udp 0.0.0.0 4040)" "192.0.2.10 4444" "enabled"
echo 0 > $P/enabled
expect_eq "$(in_cg par sockprobe bind udp 0.0.0.0 4040)" "0.0.0.0 4040" "enabled=0 passes through"
echo 1 > $P/enabled
expect_eq "$(in_cg par sockprobe bind udp 0.0.0.0 4040)" "192.0.2.10 4444" "enabled again"

# A budget smaller than the program: the run faults, which denies.
echo 3 > $P/budget
expect_eq "$(in_cg par sockprobe bind udp 0.0.0.0 4040)" "error EPERM" "budget exhausted: deny"
echo 1000000 > $P/budget
show=$(cgaddr -j prog show "$p")
expect_match "$show" '"budget_aborts":1[,}]' "budget abort counted"
expect_match "$show" '"faults":1[,}]' "also a fault"

cgaddr cgroup detach par bind4 "$p"
cgaddr prog del "$p"
expect_eq "$(patched)" "" "last detach: nothing patched"
i=0
while [ "$(cat $P/objects)" != "programs 0 cgroups 0 maps 0" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(cat $P/objects)" "programs 0 cgroups 0 maps 0" "everything freed"
