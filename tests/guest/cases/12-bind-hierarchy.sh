# Attach flags and effective arrays, as the kernel: the five-level example
# of the uapi comment and the reference, NONE/OVERRIDE/MULTI/REPLACE rules.
#   c1 (MULTI A,B) > c2 (OVERRIDE C) > c3 (MULTI D) > c4 (OVERRIDE E) > c5 (NONE F)
# order_X appends X's digit to the port: binding port 0 shows who ran.
cg_new c1
cg_new c1/c2
cg_new c1/c2/c3
cg_new c1/c2/c3/c4
cg_new c1/c2/c3/c4/c5
for x in a b c d e f; do
	eval "$x=\$(prog_load /progs/order.o func order_$x)"
done
cgaddr cgroup attach c1 bind4 "$a" multi
cgaddr cgroup attach c1 bind4 "$b" multi
cgaddr cgroup attach c1/c2 bind4 "$c" override
cgaddr cgroup attach c1/c2/c3 bind4 "$d" multi
cgaddr cgroup attach c1/c2/c3/c4 bind4 "$e" override
cgaddr cgroup attach c1/c2/c3/c4/c5 bind4 "$f"

port() { in_cg "$1" sockprobe bind udp 127.0.0.1 0 | cut -d' ' -f2; }
expect_eq "$(port c1/c2/c3/c4/c5)" 6412 "c5 runs F,D,A,B"
expect_eq "$(port c1/c2/c3/c4)" 5412 "c4 runs E,D,A,B"
expect_eq "$(port c1/c2/c3)" 412 "c3 runs D,A,B"
expect_eq "$(port c1/c2)" 312 "c2 runs C,A,B"
expect_eq "$(port c1)" 12 "c1 runs A,B"
eff=$(cgaddr -j cgroup show c1/c2/c3/c4/c5 effective)
expect_match "$eff" "\"id\":$f.*\"id\":$d.*\"id\":$a.*\"id\":$b" "effective listing in run order"
# A cgroup without attachments of its own runs, and lists, its parent's array.
cg_new c1/c2/c3/c4/c5/c6
expect_eq "$(port c1/c2/c3/c4/c5/c6)" 6412 "c6 (nothing attached) runs F,D,A,B"
eff6=$(cgaddr -j cgroup show c1/c2/c3/c4/c5/c6 effective)
expect_match "$eff6" "\"id\":$f.*\"id\":$d.*\"id\":$a.*\"id\":$b" "inherited effective listing"

cgaddr cgroup detach c1/c2/c3/c4/c5 bind4 "$f"
expect_eq "$(port c1/c2/c3/c4/c5)" 5412 "detach F: E,D,A,B"
cgaddr cgroup detach c1/c2/c3 bind4 "$d"
expect_eq "$(port c1/c2/c3/c4/c5)" 512 "detach F,D: E,A,B"
cgaddr cgroup detach c1/c2/c3/c4 bind4 "$e"
expect_eq "$(port c1/c2/c3/c4/c5)" 312 "detach F,E,D: C,A,B"

# Rules.  Below an ancestor with a NONE attachment: EPERM.
cg_new n1
cg_new n1/n2
cgaddr cgroup attach n1 bind4 "$a"
expect_fail cgaddr cgroup attach n1/n2 bind4 "$b"
err=$(cgaddr cgroup attach n1/n2 bind4 "$b" 2>&1 || true)
expect_match "$err" "does not allow|EPERM|not permitted" "attach below NONE: EPERM with a reason"
# Below OVERRIDE: allowed, and it overrides.
cgaddr cgroup attach c1/c2/c3/c4/c5 bind4 "$f" override
expect_eq "$(port c1/c2/c3/c4/c5)" 612 "own OVERRIDE program, then MULTI ancestors"
# Mixing modes in one cgroup: EPERM.
expect_fail cgaddr cgroup attach c1 bind4 "$c"
expect_fail cgaddr cgroup attach c1 bind4 "$c" override
# OVERRIDE with MULTI, REPLACE without MULTI: EINVAL; same program twice with MULTI: EINVAL.
expect_fail cgaddr cgroup attach c1 bind4 "$a" multi
# REPLACE: B is replaced by C in place (A,C).
cgaddr cgroup attach c1 bind4 "$c" multi replace "$b"
expect_eq "$(port c1)" 13 "REPLACE keeps the position"
expect_fail cgaddr cgroup attach c1 bind4 "$d" multi replace "$f"
expect_eq "$(port c1)" 13 "a failed REPLACE changes nothing"
# Without MULTI, attaching again replaces the single program.
cgaddr cgroup attach n1 bind4 "$e"
expect_eq "$(port n1)" 5 "NONE: re-attach replaces"
# A program loaded for bind6 cannot be attached as bind4.
p6=$(prog_load /progs/order.o func order6_a)
expect_fail cgaddr cgroup attach n1 bind4 "$p6"
# Detaching what is not attached: ENOENT.
expect_fail cgaddr cgroup detach c1/c2 bind4 "$a"
# An attached program cannot be deleted; a detached one can.
expect_fail cgaddr prog del "$a"
# 64 programs max per cgroup and type.
cg_new many
i=0
while [ $i -lt 64 ]; do
	cgaddr prog load /progs/order.o func order_a name m$i >/dev/null
	i=$((i + 1))
done
ids=$(cgaddr -j prog list | grep -o '"id":[0-9]*,"type":"bind4","attach_type":8,"name":"m[0-9]*"' | grep -o '^"id":[0-9]*' | cut -d: -f2)
n=0
for id in $ids; do
	if [ $n -lt 64 ]; then cgaddr cgroup attach many bind4 "$id" multi; fi
	n=$((n + 1))
done
expect_eq "$n" 64 "64 programs loaded"
expect_fail cgaddr cgroup attach many bind4 "$a" multi
err=$(cgaddr cgroup attach many bind4 "$a" multi 2>&1 || true)
expect_match "$err" "E2BIG|64|too many|list too long" "65th attach: E2BIG"
policy_reset
