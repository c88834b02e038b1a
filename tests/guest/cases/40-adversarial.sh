# The adversarial corpus (tests/vm/adversarial/, at /adversarial in the
# guest) through the module: every program is rejected at load with the
# validator's message or contained at run time with the expected fault
# (TEST_RUN), exactly as on the host VM; then a few faulting ones attached
# for real: the bind is denied and the fault counted.
objs() { cat /sys/module/cgaddr/parameters/objects; }
before=$(objs)
out=$(advrun /adversarial/*.prog) || fail "adversarial corpus: $(echo "$out" | tail -n 20)"
echo "report: $(echo "$out" | tail -n 1)"
objects_settle "$before"
expect_eq "$(objs)" "$before" "every adversarial program deleted again"

cg_new adv
for f in rt-ctx-write-family forge-kernel-address wrap-2-64 rt-rodata-write loop-forever \
	 recursion calls-depth-9 helper-comm-null helper-comm-size-from-ctx rt-stack-below-frame; do
	id=$(advrun --keep "/adversarial/$f.prog") || fail "$f: load: $id"
	id=${id#id }
	cgaddr cgroup attach adv bind4 "$id"
	expect_eq "$(in_cg adv sockprobe bind tcp 127.0.0.1 4060)" "error EPERM" "$f: bind denied"
	expect_eq "$(in_cg adv sockprobe bind udp 0.0.0.0 4060)" "error EPERM" "$f: udp bind denied"
	show=$(cgaddr -j prog show "$id")
	expect_match "$show" '"faults":2[,}]' "$f: both faults counted"
	expect_match "$show" '"allows":0[,}]' "$f: nothing allowed"
	cgaddr cgroup detach adv bind4 "$id"
	cgaddr prog del "$id"
	# Outside the cgroup nothing changed.
	expect_eq "$(sockprobe bind tcp 127.0.0.1 4060)" "127.0.0.1 4060" "$f: outside unaffected"
done
objects_settle "$before"
expect_eq "$(objs)" "$before" "objects back after the attached runs"
