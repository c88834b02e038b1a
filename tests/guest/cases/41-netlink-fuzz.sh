# The netlink fuzzer (tests/guest/nlfuzz.c): NLFUZZ_MSGS (5,000) random and
# mutated cgaddr requests as root, each answered with an error or a valid
# answer; an attachment made before is still there and still rewrites
# afterwards; everything the fuzzer created is gone.  Then the same fuzzer
# without CAP_NET_ADMIN and as root of a user namespace: every admin
# command refused with EPERM, nothing changed.
n=${NLFUZZ_MSGS:-5000}
seed=${NLFUZZ_SEED:-$(date +%s)}
objs() { cat /sys/module/cgaddr/parameters/objects; }

dummy_up fzd0 192.0.2.10/24
cg_new keep
cg_new fuzz
p=$(prog_load /progs/rewrite.o func rewrite4)
cgaddr cgroup attach keep bind4 "$p"
expect_eq "$(in_cg keep sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "rewrite before fuzzing"
before=$(objs)

out=$(nlfuzz -n "$n" -s "$seed" -c "$CG/fuzz" -k "$CG/keep" -p "$p") ||
	fail "nlfuzz (root, seed $seed): $(echo "$out" | tail -n 30)"
echo "report: root: $(echo "$out" | tail -n 1)"
cgaddr info >/dev/null || fail "GET_INFO after fuzzing"
objects_settle "$before"
expect_eq "$(objs)" "$before" "objects back to their value before fuzzing"
expect_match "$(cgaddr -j cgroup show keep)" "\"id\":$p[,}]" "the attachment survived"
expect_eq "$(in_cg keep sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "rewrite after fuzzing"

un=$(( n / 5 ))
out=$(nlfuzz -n "$un" -s "$seed" -u 1000 -c "$CG/fuzz") ||
	fail "nlfuzz (uid 1000, seed $seed): $(echo "$out" | tail -n 30)"
echo "report: unprivileged: $(echo "$out" | tail -n 1)"
out=$(nlfuzz -n "$un" -s "$seed" -U -c "$CG/fuzz") ||
	fail "nlfuzz (user namespace root, seed $seed): $(echo "$out" | tail -n 30)"
echo "report: userns root: $(echo "$out" | tail -n 1)"
objects_settle "$before"
expect_eq "$(objs)" "$before" "unprivileged fuzzing changed nothing"
expect_eq "$(in_cg keep sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "rewrite at the end"
cgaddr cgroup detach keep bind4 "$p"
cgaddr prog del "$p"
