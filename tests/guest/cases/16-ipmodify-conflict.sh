# Only one ftrace IPMODIFY user may own a function (a livepatch of
# inet_bind, say): cgaddr detects the conflict, says so, and changes
# nothing.  tests/kmod/ipmodify_holder.ko plays the other owner.
H=/lib/cgaddr/ipmodify_holder.ko
[ -e $H ] || fail "the test module $H is missing"
cg_new ipm

# Loaded first, cgaddr has parked its hooks: the holder can take inet_bind,
# and an attach that needs it is refused with a reason.
insmod $H
p4=$(prog_load /progs/rewrite.o func rewrite4)
p6=$(prog_load /progs/rewrite.o func rewrite6)
err=$(cgaddr cgroup attach ipm bind4 "$p4" 2>&1 || true)
expect_match "$err" "cannot patch the kernel functions" "attach refused with a reason"
expect_match "$(dmesg | grep 'cgaddr:' | tail -3)" \
	"inet_bind again.*another ftrace IPMODIFY user" "the kernel log names the conflict"
expect_eq "$(cgaddr cgroup show ipm | tail -n +2)" "" "nothing attached"
# Types that do not need inet_bind still attach.
cgaddr cgroup attach ipm bind6 "$p6"
cgaddr cgroup detach ipm bind6 "$p6"

# Loading cgaddr while another module owns inet_bind fails, with a reason.
rmmod cgaddr
expect_fail insmod /lib/cgaddr/cgaddr.ko
expect_match "$(dmesg | grep 'cgaddr:' | tail -3)" \
	"inet_bind is already redirected by another ftrace IPMODIFY user" "load refused with a reason"
rmmod ipmodify_holder
insmod /lib/cgaddr/cgaddr.ko
p4=$(prog_load /progs/rewrite.o func rewrite4)
cgaddr cgroup attach ipm bind4 "$p4"
expect_eq "$(in_cg ipm sockprobe bind tcp 0.0.0.0 4041)" "0.0.0.0 4041" "works once the owner is gone"
policy_reset
