# Deny → EPERM for v4 and v6; return 3 lets an unprivileged process bind a
# privileged port; return 1 does not.
cg_new deny
cg_new cap
d4=$(prog_load /progs/deny.o func deny4)
d6=$(prog_load /progs/deny.o func deny6)
cgaddr cgroup attach deny bind4 "$d4"
cgaddr cgroup attach deny bind6 "$d6"
expect_eq "$(in_cg deny sockprobe bind tcp 0.0.0.0 4050)" "error EPERM" "v4 deny"
expect_eq "$(in_cg deny sockprobe bind udp :: 4050)" "error EPERM" "v6 deny"
expect_eq "$(in_cg deny sockprobe bind tcp ::ffff:127.0.0.1 4050)" "error EPERM" "v4-mapped deny"
expect_eq "$(sockprobe bind tcp 0.0.0.0 4050)" "0.0.0.0 4050" "outside: allowed"
expect_match "$(cgaddr -j prog show "$d4")" '"denies":1[,}]' "denies counted"

expect_eq "$(in_cg cap sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 80)" "error EACCES" \
	"unprivileged port 80 without a program"
c4=$(prog_load /progs/bind_cap.o func cap4)
c6=$(prog_load /progs/bind_cap.o func cap6)
cgaddr cgroup attach cap bind4 "$c4"
cgaddr cgroup attach cap bind6 "$c6"
expect_eq "$(in_cg cap sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 80)" "0.0.0.0 80" \
	"return 3 bypasses CAP_NET_BIND_SERVICE (v4)"
expect_eq "$(in_cg cap sockprobe -u 1000 -g 1000 bind udp :: 443)" ":: 443" \
	"return 3 bypasses CAP_NET_BIND_SERVICE (v6)"
expect_eq "$(sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 80)" "error EACCES" \
	"no bypass outside the cgroup"
# A return of 1 (allow, no bypass) keeps the check.
p=$(prog_load /progs/rewrite.o func rewrite4)
cgaddr cgroup attach cap bind4 "$p"
expect_eq "$(in_cg cap sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 81)" "error EACCES" \
	"return 1 keeps the capability check"
policy_reset
