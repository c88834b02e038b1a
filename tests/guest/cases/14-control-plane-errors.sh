# Permissions and bad input: every mutating command needs CAP_NET_ADMIN in
# the initial user namespace; bad requests fail with a reason and change
# nothing.
cg_new perm
p=$(prog_load /progs/rewrite.o func rewrite4)
cgaddr cgroup attach perm bind4 "$p"
before=$(cgaddr -j prog list; cgaddr -j cgroup show perm)

unpriv() { setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all "$@"; }
userns_root() { unshare --user --map-root-user --net "$@"; }
for who in unpriv userns_root; do
	expect_fail $who cgaddr prog load /progs/rewrite.o func rewrite4
	err=$($who cgaddr prog load /progs/rewrite.o func rewrite4 2>&1 || true)
	expect_match "$err" "CAP_NET_ADMIN|not permitted" "$who: load refused with a reason"
	expect_fail $who cgaddr prog del "$p"
	expect_fail $who cgaddr cgroup attach /sys/fs/cgroup/perm bind4 "$p" multi
	expect_fail $who cgaddr cgroup detach /sys/fs/cgroup/perm bind4 "$p"
	expect_fail $who cgaddr prog run "$p"
	# Reading is open to everybody.
	$who cgaddr prog list >/dev/null
	$who cgaddr info >/dev/null
done
after=$(cgaddr -j prog list; cgaddr -j cgroup show perm)
expect_eq "$after" "$before" "refused commands changed nothing"

# Invalid programs: the validator's message reaches the user.
err=$(cgaddr prog load /progs/rewrite.o func rewrite4 type bind6 2>&1 || true)
expect_match "$err" "insn [0-9]+: " "wrong type: the validator names the instruction"
expect_eq "$(cgaddr -j prog list)" "$(echo "$before" | head -1)" "failed load changed nothing"

# Malformed messages, sent raw: the module answers with an error.
for m in no-insns odd-insns bad-type bad-flags unknown-attr bad-cgroup-fd both-cgroups \
	 big-name bad-data truncated; do
	out=$(nlbad "$m" 2>&1) || fail "nlfuzz $m: $out"
	expect_match "$out" "^$m: error -[0-9]+ " "malformed '$m' refused"
done
expect_eq "$(cgaddr -j prog list; cgaddr -j cgroup show perm)" "$before" \
	"malformed messages changed nothing"
policy_reset
