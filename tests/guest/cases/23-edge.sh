# Edge cases of the hooks and the helpers (tests/progs/edge.c): port 0 and
# v4-mapped rewrites on sendmsg, errnos set by programs, what helpers
# return, ctx->sk, connect(AF_UNSPEC).
cg_new edge
cg_new help
cg_new uns
for p in port0_4 mapped6 retval4 retval_ok4 helpers4 unspec4; do
	eval "$p=\$(prog_load /progs/edge.o func $p)"
done
cgaddr cgroup attach edge sendmsg4 "$port0_4"
cgaddr cgroup attach edge sendmsg6 "$mapped6"
expect_eq "$(in_cg edge sockprobe send udp 127.0.0.1 5100)" "error EINVAL" \
	"sendmsg4 rewriting the port to 0: EINVAL"
out=$(in_cg edge sockprobe send udp ::1 5100)
# ENOTSUPP (524) is kernel-internal: libc has no name for it.
expect_match "$out" "^error (ENOTSUPP|unknown)$" "sendmsg6 rewriting to v4-mapped: ENOTSUPP"

cgaddr cgroup attach edge bind4 "$retval4"
expect_eq "$(in_cg edge sockprobe bind udp 127.0.0.1 5101)" "error EADDRINUSE" \
	"bpf_set_retval's errno replaces EPERM"
cgaddr cgroup attach edge connect4 "$retval_ok4"
expect_eq "$(in_cg edge sockprobe connect udp 127.0.0.1 5102)" "error ECONNABORTED" \
	"an errno set by an allowing program fails the call"

cgaddr cgroup attach help bind4 "$helpers4"
expect_eq "$(in_cg help sockprobe -u 1000 -g 1000 bind udp 127.0.0.1 7000)" "127.0.0.1 7511" \
	"helpers 14 15 16 46 122 5 80 7 and ctx->sk answer as natively (7000 + one bit each)"

# connect(AF_UNSPEC) disconnects without running connect programs.
cgaddr cgroup attach uns connect4 "$unspec4"
expect_eq "$(in_cg uns sockprobe -d connect udp 127.0.0.1 5103 | tail -1)" "disconnected" \
	"AF_UNSPEC connect skips the programs"
policy_reset
