# cgaddr apply: configuration files make the policy (a pin, a clang object);
# applying again changes nothing; an edited configuration replaces what
# changed and removes what went, leaving what was attached by hand; an
# invalid configuration, or a step the module refuses, changes nothing;
# sections for cgroups made later, and patterns, are rules.
dummy_up cga0 192.0.2.10/24 192.0.2.20/24 2001:db8::10/64 2001:db8::20/64
cg_new ap1
cg_new ap2
cg_new ap3

T=/tmp/apply.$$
rm -rf "$T"
mkdir -p "$T/conf"
ap() { cgaddr apply --state "$T/apply.state" "$@" "$T/conf"; }
shown() { cgaddr cgroup show "$1" | awk 'NR > 1 { print $2, $3, $4 }'; }

cat > "$T/conf/10-web.conf" <<EOF
# the web servers: their own addresses
[ap1]
pin ipv4 192.0.2.20 ipv6 2001:db8::20 bind-only   # servers only

[$CG/ap2]
program /progs/rewrite.o func rewrite4 attach bind4 multi
EOF

# By hand, beside: mark6 (adds one to the port) on ap2.
m6=$(prog_load /progs/mark.o func mark6)
cgaddr cgroup attach ap2 bind6 "$m6" multi

# --dry-run: the plan, nothing done.
out=$(ap --dry-run)
echo "$out"
expect_match "$out" '^would pin ap1 to 192\.0\.2\.20 and 2001:db8::20 \(pin_bind4, pin_bind6\)$' \
	"dry run: the pin"
expect_match "$out" "^would attach rewrite4 to $CG/ap2 bind4 multi$" "dry run: the program"
expect_eq "$(shown ap1)" "" "dry run: nothing attached"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "dry run: no pin"

out=$(ap)
echo "$out"
expect_match "$out" \
	'^pinned ap1 to 192\.0\.2\.20 and 2001:db8::20 \(pin_bind4 id [0-9]+, pin_bind6 id [0-9]+\)$' \
	"apply: the pin"
expect_match "$out" "^attached rewrite4 to $CG/ap2 bind4 multi \\(id [0-9]+\\)$" "apply: the program"
expect_match "$out" '^apply: 2 changed, 0 unchanged$' "apply: the summary"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.20 4040" "pinned: TCP on 0.0.0.0"
expect_eq "$(in_cg ap1 sockprobe bind udp :: 4040)" "2001:db8::20 4040" "pinned: UDP on ::"
expect_eq "$(in_cg ap2 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" "rewrite4 in force"
expect_eq "$(in_cg ap2 sockprobe bind udp :: 5000)" ":: 5001" "mark6 by hand still runs"
expect_eq "$(sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "outside: untouched"

# Again: nothing changes, and it says so.
before1=$(shown ap1)
before2=$(shown ap2)
nprogs=$(cgaddr prog list | grep -c '^[0-9]')
out=$(ap)
echo "$out"
expect_match "$out" '^unchanged: ap1 pinned to 192\.0\.2\.20 and 2001:db8::20' "again: the pin"
expect_match "$out" '^unchanged: rewrite4 on ' "again: the program"
expect_match "$out" '^apply: nothing to change \(2 unchanged\)$' "again: the summary"
expect_eq "$(shown ap1)" "$before1" "again: ap1 as it was"
expect_eq "$(shown ap2)" "$before2" "again: ap2 as it was"
expect_eq "$(cgaddr prog list | grep -c '^[0-9]')" "$nprogs" "again: nothing loaded"

# Edited: another address (replaced in place), rewrite4 gone, rewrite6 new.
cat > "$T/conf/10-web.conf" <<EOF
[ap1]
pin ipv4 192.0.2.10 bind-only
[ap2]
program /progs/rewrite.o func rewrite6 attach bind6 multi
EOF
out=$(ap)
echo "$out"
expect_match "$out" \
	'^pinned ap1 to 192\.0\.2\.10 \(pin_bind4 id [0-9]+ replacing id [0-9]+, pin_bind6 id [0-9]+ replacing id [0-9]+\)$' \
	"edited: the pin replaced"
expect_match "$out" '^attached rewrite6 to ap2 bind6 multi \(id [0-9]+\)$' "edited: rewrite6"
expect_match "$out" '^detached rewrite4 from .*ap2 bind4 multi \(id [0-9]+\)$' "edited: rewrite4 gone"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4040" "edited: the new address"
expect_eq "$(in_cg ap1 sockprobe bind tcp :: 4040)" "::ffff:192.0.2.10 4040" \
	"edited: IPv4 only, :: is v4-mapped"
expect_eq "$(in_cg ap2 sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "edited: rewrite4 detached"
# mark6 (by hand, first) makes 4039 into 4040, which rewrite6 rewrites.
expect_eq "$(in_cg ap2 sockprobe bind tcp :: 4039)" "2001:db8::10 4444" \
	"edited: rewrite6 after mark6"
expect_eq "$(shown ap2)" "bind6 multi mark6
bind6 multi rewrite6" "edited: mark6 by hand untouched"
expect_eq "$(cgaddr prog list | grep -c '^[0-9]')" "$nprogs" "edited: the old programs deleted"

# An invalid file among valid ones: an error with file and line, nothing changed.
cat > "$T/conf/10-web.conf" <<EOF
[ap1]
pin ipv4 192.0.2.20 bind-only
EOF
cat > "$T/conf/20-bad.conf" <<EOF
[ap2]

program /progs/rewrite.o func rewrite4 attach connect4
EOF
before1=$(shown ap1)
before2=$(shown ap2)
err=$(ap 2>&1 >/dev/null) && fail "an invalid configuration was applied"
echo "$err"
expect_match "$err" \
	"^cgaddr: $T/conf/20-bad.conf:3: program: rewrite4 of /progs/rewrite.o is a bind4 program" \
	"invalid: file and line"
expect_match "$err" 'nothing was changed$' "invalid: nothing changed, it says"
expect_eq "$(shown ap1)" "$before1" "invalid: ap1 as it was"
expect_eq "$(shown ap2)" "$before2" "invalid: ap2 as it was"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4040" "invalid: the old pin"

# The module refuses a step (ap3's bind4 program by hand is not multi):
# the pin change made before it is undone.
d4=$(prog_load /progs/deny.o func deny4)
cgaddr cgroup attach ap3 bind4 "$d4"
cat > "$T/conf/20-bad.conf" <<EOF
[ap3]
program /progs/rewrite.o func rewrite4 attach bind4 multi
EOF
nprogs=$(cgaddr prog list | grep -c '^[0-9]')
err=$(ap 2>&1 >/dev/null) && fail "an attach the module refuses succeeded"
echo "$err"
expect_match "$err" "20-bad.conf:2: attaching rewrite4 to ap3 bind4" "refused: the step"
expect_match "$err" 'undone' "refused: undone"
expect_eq "$(shown ap1)" "$before1" "refused: ap1 as it was"
expect_eq "$(shown ap2)" "$before2" "refused: ap2 as it was"
expect_eq "$(shown ap3)" "bind4 none deny4" "refused: ap3 as it was"
expect_eq "$(cgaddr prog list | grep -c '^[0-9]')" "$nprogs" "refused: nothing left loaded"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4040" "refused: the old pin"

# Without the bad file: applied.  Then no configuration at all: what apply
# attached goes, what was attached by hand stays.
rm "$T/conf/20-bad.conf"
out=$(ap -j)
expect_match "$out" '"action":"pin","what":"pin","cgroup":"ap1"' "JSON: the pin"
expect_match "$out" '"changed":2,"unchanged":0' "JSON: the counts"
expect_eq "$(in_cg ap1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.20 4040" "re-pinned"
rm "$T/conf/10-web.conf"
out=$(ap)
echo "$out"
expect_match "$out" '^unpinned ap1 \(pin_bind4 id [0-9]+, pin_bind6 id [0-9]+\)$' "empty: unpinned"
expect_eq "$(shown ap1)" "" "empty: ap1 clean"
expect_eq "$(shown ap2)" "bind6 multi mark6" "empty: mark6 by hand stays"
expect_eq "$(shown ap3)" "bind4 none deny4" "empty: deny4 by hand stays"

# Sections for a cgroup that does not exist yet (a unit that has not
# started) and for a pattern (a template's instances) are rules: not
# errors, in force in each matching cgroup from its mkdir on, again after
# rmdir and mkdir (a restart); gone, with their programs, when the files
# no longer have them.
objs=$(cat /sys/module/cgaddr/parameters/objects)
CASE_CGROUPS="later/unit later/w@1 later/w@2 later $CASE_CGROUPS"
[ ! -d "$CG/later" ] || fail "later exists already"
cat > "$T/conf/30-later.conf" <<EOF
[later/unit]
pin ipv4 192.0.2.20 ipv6 2001:db8::20 bind-only
[later/w@*]
program /progs/rewrite.o func rewrite4 attach bind4 multi
EOF
out=$(ap)
echo "$out"
expect_match "$out" '^pinned later/unit to 192\.0\.2\.20 and 2001:db8::20 \(pin_bind4 id [0-9]+, pin_bind6 id [0-9]+\)$' \
	"later: the pin"
expect_match "$out" 'no such cgroup now: in force in each such cgroup from the moment it is made' \
	"later: it says when"
expect_match "$out" '^attached rewrite4 to later/w@\* bind4 multi \(id [0-9]+\)$' "later: the pattern"
expect_match "$(cgaddr rule list)" 'later/unit  by apply:' "later: apply's rule"
mkdir "$CG/later" "$CG/later/unit" "$CG/later/w@1"
expect_eq "$(in_cg later/unit sockprobe bind tcp 0.0.0.0 4060)" "192.0.2.20 4060" \
	"later: pinned from mkdir on"
expect_eq "$(in_cg later/unit sockprobe bind udp :: 4060)" "2001:db8::20 4060" "later: IPv6 too"
expect_eq "$(in_cg later/w@1 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" \
	"later: the pattern's program"
expect_eq "$(in_cg later sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "later: the parent untouched"
rmdir "$CG/later/unit"
mkdir "$CG/later/unit" "$CG/later/w@2"
expect_eq "$(in_cg later/unit sockprobe bind tcp 0.0.0.0 4061)" "192.0.2.20 4061" \
	"later: made anew, pinned again"
expect_eq "$(in_cg later/w@2 sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4444" \
	"later: a second instance"
# Applied again with the cgroups there: what the rules attached is it.
out=$(ap)
echo "$out"
expect_match "$out" '^unchanged: later/unit pinned to ' "later, again: the pin unchanged"
expect_match "$out" '^unchanged: rewrite4 on later/w@\* ' "later, again: the pattern unchanged"
expect_eq "$(shown later/unit)" "bind4 multi pin_bind4
bind6 multi pin_bind6" "later, again: one pin, not two"
rm "$T/conf/30-later.conf"
out=$(ap)
echo "$out"
expect_match "$out" '^removed the rule for later/w@\* \(id [0-9]+\)$' "later: the pattern's rule goes"
expect_eq "$(shown later/unit)" "" "later: unpinned"
expect_eq "$(shown later/w@1)" "" "later: the pattern's program detached"
expect_eq "$(cgaddr rule list)" "" "later: no rule left"
objects_settle "$objs"
expect_eq "$(cat /sys/module/cgaddr/parameters/objects)" "$objs" "later: object counts back"

rm -rf "$T"
policy_reset
