# ftrace's callback rules a call out when its socket's cgroup is not at or
# below any cgroup with attachments (module/cg_scope.h): two such cgroups
# are checked inline, up to 16 out of line, beyond that the per-CPU cache
# answers.  Whatever the number, a socket of a cgroup at or below an
# attached one runs its programs and one elsewhere runs nothing: above an
# attached cgroup, beside it, or in a cgroup made after the attach.
# order_X adds X's digit to port 0 (A=1 ... F=6): the port says who ran.
for x in a b c d e; do
	eval "$x=\$(prog_load /progs/order.o func order_$x)"
done
port() { in_cg "$1" sockprobe bind udp 127.0.0.1 0 | cut -d' ' -f2; }
# A port the kernel chose (ephemeral: five digits), not one a program made.
expect_none() {
	expect_match "$(port "$1")" '^[0-9]{5}$' "$2"
}

cg_new s0
cg_new s0/d1
cg_new s0/d1/d2
cg_new t0
cg_new v0
cg_new v0/p
cg_new v0/p/q
cgaddr cgroup attach s0 bind4 "$a"
expect_eq "$(port s0)" 1 "one attached cgroup: its own socket"
expect_eq "$(port s0/d1/d2)" 1 "one attached cgroup: two levels below"
expect_none t0 "one attached cgroup: a sibling runs nothing"

cgaddr cgroup attach t0 bind4 "$b"
expect_eq "$(port s0/d1/d2)" 1 "two attached: the first's descendant"
expect_eq "$(port t0)" 2 "two attached: the second"
expect_none v0/p/q "two attached: elsewhere nothing"

# An attachment deeper than the socket's cgroup (level above the socket's).
cgaddr cgroup attach v0/p/q bind4 "$e"
cg_new v0/p/q/r
expect_eq "$(port v0/p/q/r)" 5 "three attached: below the deep one"
expect_none v0 "three attached: two levels above the deep one"
expect_none v0/p "three attached: its parent"
expect_eq "$(port s0/d1/d2)" 1 "three attached: the first's descendant"

# More than 16: the cache decides.
i=1
while [ $i -le 17 ]; do
	cg_new "m$i"
	cgaddr cgroup attach "m$i" bind4 "$d"
	i=$((i + 1))
done
cg_new m17/x
expect_eq "$(port m17/x)" 4 "twenty attached: below the last"
expect_eq "$(port m1)" 4 "twenty attached: the first of them"
expect_eq "$(port s0/d1/d2)" 1 "twenty attached: the first's descendant"
expect_eq "$(port v0/p/q/r)" 5 "twenty attached: below the deep one"
cg_new w0
expect_none w0 "twenty attached: a cgroup made after them runs nothing"
expect_none v0/p "twenty attached: above the deep one, nothing"

# And back to two: the inline check again, with the removed ones gone.
i=1
while [ $i -le 17 ]; do
	cgaddr cgroup detach "m$i" bind4 "$d"
	i=$((i + 1))
done
cgaddr cgroup detach v0/p/q bind4 "$e"
expect_none m17/x "detached: below a former one, nothing"
expect_none v0/p/q/r "detached: below the deep one, nothing"
expect_eq "$(port s0/d1/d2)" 1 "back to two: the first's descendant"
expect_eq "$(port t0)" 2 "back to two: the second"

# Leave nothing live for the cases after this one.
policy_reset
