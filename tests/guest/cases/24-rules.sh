# Rules: policy for cgroups by path, in force in the cgroups that exist and
# in every matching cgroup made later, from its mkdir on (before any
# process is in it); across rmdir and mkdir again (a systemd unit's
# restart); globs and '**'; errors that change nothing; a new cgroup that
# cannot take a rule's programs is not made (fail closed); pin on a cgroup
# that does not exist yet; cgaddr run; object counts back where they were.
dummy_up cgd0 192.0.2.10/24 192.0.2.20/24 2001:db8::10/64 2001:db8::20/64
base=$(cat /sys/module/cgaddr/parameters/objects)
nrules() { cgaddr rule list | grep -c '^rule ' || true; }
names() { cgaddr cgroup show "$1" | awk 'NR > 1 { print $4 }' | tr '\n' ' '; }
expect_eq "$(nrules)" 0 "no rules at first"

# ---- pin on a cgroup that does not exist yet, then made, removed, made again
CASE_CGROUPS="web/svc web $CASE_CGROUPS"
[ ! -d "$CG/web" ] || fail "web exists already"
out=$(cgaddr pin web/svc --ipv4 192.0.2.20 --ipv6 2001:db8::20 --bind-only)
echo "$out"
expect_match "$out" '^rule +id [0-9]+ for web/svc ' "pin says it made a rule"
expect_match "$(cgaddr rule list)" 'in force in no cgroup now' "the rule waits for its cgroup"
expect_match "$(cgaddr pin --show web/svc)" '^rule [0-9]+  web/svc  by pin' "pin --show: the rule"
mkdir "$CG/web"
expect_eq "$(names web)" "" "the parent does not match"
mkdir "$CG/web/svc"
# Nothing ran in the cgroup yet: the programs are there from mkdir on.
expect_eq "$(names web/svc)" "pin_bind4 pin_bind6 " "attached when the cgroup was made"
expect_eq "$(in_cg web/svc sockprobe bind udp 0.0.0.0 4040)" "192.0.2.20 4040" \
	"the first process's bind is pinned"
expect_eq "$(in_cg web/svc sockprobe bind tcp :: 4040)" "2001:db8::20 4040" "IPv6 too"
expect_match "$(cgaddr rule list)" 'in force in /web/svc \(id [0-9]+\)' "listed where in force"
id1=$(stat -c %i "$CG/web/svc")
rmdir "$CG/web/svc"
mkdir "$CG/web/svc"
[ "$(stat -c %i "$CG/web/svc")" != "$id1" ] || fail "the cgroup was not made anew"
expect_eq "$(names web/svc)" "pin_bind4 pin_bind6 " "made anew: pinned again"
expect_eq "$(in_cg web/svc sockprobe bind udp 0.0.0.0 4041)" "192.0.2.20 4041" \
	"made anew: pinned again (bind)"
# A re-pin of the same kinds replaces the programs in place; the rule stays.
rid=$(cgaddr -j rule list | grep -o '"id":[0-9]*' | head -1)
cgaddr pin web/svc --ipv4 192.0.2.10 --ipv6 2001:db8::10 --bind-only >/dev/null
expect_eq "$(cgaddr -j rule list | grep -o '"id":[0-9]*' | head -1)" "$rid" "re-pin: one rule, kept"
expect_eq "$(nrules)" 1 "re-pin: still one rule"
expect_eq "$(in_cg web/svc sockprobe bind udp 0.0.0.0 4042)" "192.0.2.10 4042" "re-pinned"
expect_eq "$(cgaddr prog list | grep -c 'name pin_' || true)" 2 "the old programs deleted"
cgaddr unpin web/svc >/dev/null
expect_eq "$(nrules)" 0 "unpin removes the rule"
expect_eq "$(names web/svc)" "" "unpin detaches"
expect_eq "$(cgaddr prog list | grep -c 'name pin_' || true)" 0 "unpin deletes the programs"
expect_fail cgaddr unpin web/svc

# ---- a glob rule of a program of one's own; '**'
mark=$(prog_load /progs/mark.o func mark4)
CASE_CGROUPS="app/inst@1 app/inst@2 app/other app $CASE_CGROUPS"
mkdir "$CG/app" "$CG/app/inst@1"
out=$(cgaddr rule add 'app/inst@*' attach bind4 "$mark" multi)
gid=${out#id }
expect_eq "$(names app/inst@1)" "mark4 " "an existing matching cgroup gets it at once"
mkdir "$CG/app/inst@2" "$CG/app/other"
expect_eq "$(names app/inst@2)" "mark4 " "a matching cgroup made later"
expect_eq "$(names app/other)" "" "a cgroup that does not match"
expect_eq "$(names app)" "" "'*' does not match the parent"
expect_eq "$(in_cg app/inst@2 sockprobe bind udp 0.0.0.0 4050)" "0.0.0.0 4051" "it runs"
json=$(cgaddr -j rule show "$gid")
echo "$json"
expect_match "$json" '"pattern":"app/inst@\*"' "show -j: the pattern"
expect_match "$json" '"path":"/app/inst@1".*"path":"/app/inst@2"' "show -j: where in force"
expect_match "$json" '"type":"bind4","id":'"$mark"',"flags":"multi"' "show -j: the program"
err=$(cgaddr prog del "$mark" 2>&1) && fail "deleted a program a rule holds"
expect_match "$err" 'a rule holds the program' "prog del: the rule is named"
CASE_CGROUPS="deep/leaf deep/a/b/leaf deep/a/b deep/a deep $CASE_CGROUPS"
out=$(cgaddr rule add 'deep/**/leaf' attach bind4 "$mark" multi)
did=${out#id }
mkdir -p "$CG/deep/a/b/leaf" "$CG/deep/leaf"
expect_eq "$(names deep/a/b/leaf)" "mark4 " "'**': two components"
expect_eq "$(names deep/leaf)" "mark4 " "'**': none"
expect_eq "$(names deep/a/b)" "" "'**': not a non-matching cgroup"
cgaddr rule del "$did"
expect_eq "$(names deep/a/b/leaf)" "" "rule del detaches"
expect_eq "$(names app/inst@1)" "mark4 " "another rule is untouched"

# ---- refused rules change nothing
n=$(nrules)
expect_fail cgaddr rule add /app attach bind4 "$mark" multi
err=$(cgaddr rule add 'app/x**' attach bind4 "$mark" multi 2>&1) && fail "app/x** accepted"
expect_match "$err" "whole component" "'**' inside a component explained"
expect_fail cgaddr rule add 'app/*' attach bind4 999999 multi
expect_fail cgaddr rule add 'app/*' attach connect4 "$mark" multi
expect_fail cgaddr rule add 'app/*'
# Without multi, a rule never replaces what is attached: refused, named.
other=$(prog_load /progs/mark.o func mark4)
err=$(cgaddr rule add 'app/inst@*' attach bind4 "$other" 2>&1) &&
	fail "a non-multi rule over an attachment was accepted"
expect_match "$err" 'cgroup /app/inst@1, bind4 program [0-9]+:' "the refused cgroup is named"
cgaddr prog del "$other"
expect_eq "$(nrules)" "$n" "no rule added by refused commands"
expect_eq "$(names app/inst@1)" "mark4 " "nothing attached by refused commands"
expect_eq "$(names app/other)" "" "nothing attached by refused commands (other)"

# ---- fail closed: a new cgroup that cannot take the rule's programs is not made
CASE_CGROUPS="fc/x fc $CASE_CGROUPS"
mkdir "$CG/fc"
single=$(prog_load /progs/mark.o func mark4)
cgaddr cgroup attach fc bind4 "$single"		# no override, no multi: nothing below
out=$(cgaddr rule add 'fc/*' attach bind4 "$mark" multi)
fid=${out#id }
mkdir "$CG/fc/x" 2>/dev/null && fail "a cgroup the rule cannot pin was made"
[ ! -d "$CG/fc/x" ] || fail "fc/x exists after the refused mkdir"
dmesg | grep -q "rule $fid cannot attach its programs to the new cgroup /fc/x" ||
	fail "the refused mkdir is in the kernel log"
cgaddr rule del "$fid"
mkdir "$CG/fc/x"
err=$(cgaddr rule add 'fc/*' attach bind4 "$mark" multi 2>&1) &&
	fail "a rule an existing cgroup cannot take was accepted"
expect_match "$err" 'cgroup /fc/x, bind4 program' "the existing cgroup is named"
expect_eq "$(names fc/x)" "" "nothing attached"
cgaddr cgroup detach fc bind4 "$single"
cgaddr prog del "$single"

# ---- cgaddr run
full=
cgaddr info | grep -q connect4 && full=1
runpin="--ipv4 192.0.2.20 --ipv6 2001:db8::20"
[ -n "$full" ] || runpin="$runpin --bind-only"
expect_eq "$(cgaddr run $runpin -- sockprobe bind udp 0.0.0.0 4060)" "192.0.2.20 4060" \
	"run: the command is pinned"
expect_eq "$(cgaddr run $runpin -- sh -c 'sockprobe bind tcp :: 4061')" "2001:db8::20 4061" \
	"run: what it starts is pinned"
set +e
cgaddr run $runpin -- sh -c 'exit 7'
rc=$?
cgaddr run $runpin -- sh -c 'kill -TERM $$'
rc2=$?
cgaddr run $runpin -- /nonexistent/program 2>/dev/null
rc3=$?
set -e
expect_eq "$rc" 7 "run: the exit status passes through"
expect_eq "$rc2" 143 "run: death by a signal passes through"
expect_eq "$rc3" 127 "run: a command that cannot be run"
cgaddr run $runpin -- sleep 30 &
rpid=$!
i=0
while ! ls -d "$CG"/cgaddr-run-* >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -TERM "$rpid"
set +e
wait "$rpid"
rc=$?
set -e
expect_eq "$rc" 143 "run: SIGTERM to cgaddr run reaches the command"
t0=$(date +%s)
cgaddr run $runpin -- sh -c 'sleep 2 & exit 0'
[ $(( $(date +%s) - t0 )) -ge 2 ] || fail "run returned before the command's daemon ended"
expect_eq "$(ls -d "$CG"/cgaddr-run-* 2>/dev/null)" "" "run: its cgroups are removed"
expect_eq "$(nrules)" 1 "run: its rules are removed (the app rule is left)"
expect_fail cgaddr run --ipv4 192.0.2.20
expect_fail cgaddr run -- true
expect_fail cgaddr run --ipv4 nonsense -- true
expect_eq "$(ls -d "$CG"/cgaddr-run-* 2>/dev/null)" "" "refused runs leave no cgroup"

# ---- everything goes: counts back where they were
cgaddr rule del "$gid"
expect_eq "$(names app/inst@1)" "" "the glob rule detached"
cgaddr prog del "$mark"
objects_settle "$base"
expect_eq "$(cat /sys/module/cgaddr/parameters/objects)" "$base" "object counts back"
expect_eq "$(nrules)" 0 "no rules left"
