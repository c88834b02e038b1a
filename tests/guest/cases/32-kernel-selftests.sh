# The kernel's own cgroup sock_addr selftest programs (Debian's
# linux-source-6.1, compiled by tests/kselftests/kselftests.mk into
# /progs/kselftests/, addresses substituted as tests/kselftests/addresses.sed
# documents) and the raw-instruction programs of test_sock_addr.c
# (tests/kselftests/rawprogs.c), in the scenarios of test_sock_addr.c,
# prog_tests/bind_perm.c and prog_tests/connect_force_port.c.
#
# Each scenario runs on two sides: "a", a cgroup where the object is loaded
# with `cgaddr prog load` and attached with cgaddr, and "n", a cgroup where
# the same object is loaded with libbpf and attached natively (kbpfload).
# Each side has its own network namespace, set up as test_sock_addr.sh sets
# up its own (a veth test_sock_addr1/test_sock_addr2, 127.0.0.4/8, and
# 2001:db8::6/128 for the selftests' ::6), so the programs' fixed ports never
# collide.  A scenario passes when the native result is the one the
# selftests expect (required on 6.1, reported on other kernels) and the
# cgaddr result is identical to it (and to the selftests' expectation).
#
# Substituted addresses: the private and other non-documentation addresses
# of the selftests become documentation ones (tests/kselftests/addresses.sed).
# Loopback addresses are kept.
KS=/progs/kselftests
kver=$(uname -r)
echo "kernel $kver"
# Every scenario compares cgaddr with the kernel's own cgroup BPF: nothing
# to compare with on a kernel built without it (the debug kernel).
if ! grep -q ' __cgroup_bpf_run_filter_sock_addr$' /proc/kallsyms; then
	echo "skipped: kernel $kver has no cgroup BPF (CONFIG_CGROUP_BPF=n)"
	exit 0
fi

# ---- what cgaddr cannot run yet -------------------------------------------------
# Per object: what it needs that cgaddr does not have yet ("-": nothing).
# An object listed with a need is expected to be refused at load; with "-" its
# cgaddr side runs every scenario below and must match the native one.
# Every object runs today (socket helpers and maps landed).
NEEDS='
bind4_prog            -
bind6_prog            -
bind_perm             -
connect4_prog         -
connect6_prog         -
connect_force_port4   -
connect_force_port6   -
sendmsg4_prog         -
sendmsg6_prog         -
recvmsg4_prog         -
recvmsg6_prog         -
raw_sendmsg4_rw       -
raw_sendmsg6_rw       -
raw_sendmsg6_v4mapped -
raw_sendmsg6_wildcard -
raw_sendmsg4_deny     -
raw_sendmsg6_deny     -
raw_sendmsg6_allow    -
raw_recvmsg4_allow    -
raw_recvmsg4_deny     -
raw_recvmsg6_allow    -
raw_recvmsg6_deny     -
'
needs_of() {
	printf '%s\n' "$NEEDS" | awk -v o="$1" '$1 == o { print $2; f = 1 } END { if (!f) print "?" }'
}
needs_text() {
	printf '%s\n' "$NEEDS" | awk -v o="$1" '$1 == o { $1 = $2 = ""; sub(/^ +/, ""); print }'
}
# What cgaddr says today when it refuses an object for what it needs.
refusal_of() {
	case $1 in
	maps*) echo 'maps are not supported' ;;
	sock*) echo 'unknown func (49|57|84|85|86|99)' ;;
	esac
}

# ---- the two sides ----------------------------------------------------------------
NFAIL=0
DIFFS=0
: > /tmp/ks.fail
SIDES="a n"
nsx() {
	local s=$1
	shift
	nsenter --net=/var/run/netns/ks_$s "$@"
}
# in_side S CMD...: CMD's stdout, in side S's cgroup and netns.
in_side() {
	local s=$1
	shift
	cg_run "ks_$s" nsenter --net=/var/run/netns/ks_$s "$@" 2>/dev/null || true
}
ks_cleanup() {
	local s
	for s in $SIDES; do
		for t in bind4 bind6 connect4 connect6 sendmsg4 sendmsg6 recvmsg4 recvmsg6 \
			getpeername4 getpeername6 getsockname4 getsockname6; do
			bpfload detach "$CG/ks_$s" $t >/dev/null 2>&1 || true
		done
		ip netns del "ks_$s" 2>/dev/null || true
	done
}
trap 'ks_cleanup; case_cleanup' EXIT
for s in $SIDES; do
	ip netns add "ks_$s"
	nsx $s ip link set lo up
	nsx $s ip link add test_sock_addr1 type veth peer name test_sock_addr2
	nsx $s ip link set test_sock_addr1 up
	nsx $s ip link set test_sock_addr2 up
	nsx $s ip addr add 127.0.0.4/8 dev test_sock_addr1
	nsx $s ip -6 addr add 2001:db8::6/128 dev test_sock_addr1 nodad
	cg_new "ks_$s"
done

# ---- loading and attaching ----------------------------------------------------------
# Per object: native and cgaddr counts, for the table at the end.
count() {
	eval "$1_$2=\$((\${$1_$2:-0} + 1))"
}
OBJS=
note_obj() {
	case " $OBJS " in *" $1 "*) ;; *) OBJS="$OBJS $1" ;; esac
}

# group OBJ FUNC:TYPE... [-- FLAGS]: OBJ's programs attached to both sides
# (FLAGS: override, as test_sock_addr.c attaches, or none).  Sets A_ON when
# cgaddr's side runs, N_ON when the native side loaded.
group() {
	local obj=$1 flags=override x out id needs refusal
	shift
	G_OBJ=$obj
	G_ATT=
	note_obj "$obj"
	G_PROGS=
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then flags=$2; break; fi
		G_PROGS="$G_PROGS $1"
		shift
	done
	N_ON=1
	if ! out=$(kbpfload -f "$flags" "$CG/ks_n" "$KS/$obj.o" $G_PROGS 2>/tmp/kbpf.err); then
		N_ON=0
		echo "native: $obj refused: $(echo "$out" | tail -n1) ($(grep -m1 -iE 'invalid|R[0-9]|unknown|error' /tmp/kbpf.err))" |
			tee -a /tmp/ks.fail
		case "$kver" in
		6.1.*) NFAIL=$((NFAIL + 1)) ;;
		esac
	fi
	needs=$(needs_of "$obj")
	A_ON=0
	if [ "$needs" != - ]; then
		refusal=$(refusal_of "$needs")
		out=$(cgaddr prog load "$KS/$obj.o" 2>&1) && fail "cgaddr loaded $obj, listed as needing $needs: flip its NEEDS line to '-'"
		expect_match "$out" "$refusal" "cgaddr's refusal of $obj (needs $needs)"
		G_REFUSAL=$(echo "$out" | sed 's/^cgaddr: //; s/^[^:]*\.o: //' | head -n1)
		echo "cgaddr: $obj refused at load, needs $needs: $G_REFUSAL"
		return 0
	fi
	out=$(cgaddr prog load "$KS/$obj.o") || fail "cgaddr prog load $obj"
	for x in $G_PROGS; do
		f=${x%%:*}
		id=$(echo "$out" | awk -v f="$f" 'NF == 2 { print $2 } $4 == f { print $2 }')
		[ -n "$id" ] || fail "no id for $f in: $out"
		if [ "$flags" = none ]; then
			cgaddr cgroup attach ks_a "${x#*:}" "$id" || fail "cgaddr attach $x"
		else
			cgaddr cgroup attach ks_a "${x#*:}" "$id" "$flags" || fail "cgaddr attach $x"
		fi
		G_ATT="$G_ATT ${x#*:},$id"
	done
	A_ON=1
}
ungroup() {
	local x
	for x in $G_ATT; do
		cgaddr cgroup detach ks_a "${x%,*}" "${x#*,}" || fail "cgaddr detach $x"
		cgaddr prog del "${x#*,}" >/dev/null 2>&1 || true
	done
	for x in $G_PROGS; do
		bpfload detach "$CG/ks_n" "${x#*:}" >/dev/null
	done
}

# norm TEXT: one line, " | " between lines, ephemeral ports masked (the
# programs' fixed ports 60000, 60123 and 60124 are in the ephemeral range).
norm() {
	printf '%s\n' "$1" | awk '{
		p = $NF + 0
		if ($NF ~ /^[0-9]+$/ && p >= 32768 && p <= 60999 && p != 60000 && p != 60123 &&
		    p != 60124) $NF = "EPH"
		printf "%s%s", (NR > 1 ? " | " : ""), $0
	}'
}

# judge WHAT REGEX CGADDR NATIVE: the native result must be the selftests'
# (REGEX), the cgaddr one the same as native.
judge() {
	local what=$1 re=$2 a n
	a=$(norm "$3")
	n=$(norm "$4")
	if [ "$N_ON" = 1 ]; then
		if printf '%s\n' "$n" | grep -Eq -- "$re"; then
			count "$G_OBJ" nok
		else
			count "$G_OBJ" nbad
			case "$kver" in
			6.1.*)
				{
					echo "NATIVE UNEXPECTED on $kver: $what"
					echo "    native:   $n"
					echo "    expected: /$re/"
				} | tee -a /tmp/ks.fail
				NFAIL=$((NFAIL + 1))
				;;
			*) echo "note: on $kver the kernel differs from 6.1's selftests: $what: $n" ;;
			esac
		fi
	fi
	if [ "$A_ON" != 1 ]; then
		echo "native: $what: $n"
		return 0
	fi
	if ! printf '%s\n' "$a" | grep -Eq -- "$re"; then
		{
			echo "CGADDR UNEXPECTED on $kver: $what"
			echo "    cgaddr:   $a"
			echo "    native:   $n"
			echo "    expected: /$re/"
		} | tee -a /tmp/ks.fail
		DIFFS=$((DIFFS + 1))
		count "$G_OBJ" abad
	elif [ "$a" != "$n" ] && printf '%s\n' "$n" | grep -Eq -- "$re"; then
		{
			echo "DIFFERENT on $kver: $what"
			echo "    cgaddr: $a"
			echo "    native: $n"
		} | tee -a /tmp/ks.fail
		DIFFS=$((DIFFS + 1))
		count "$G_OBJ" abad
	else
		echo "same: $what: $a"
		count "$G_OBJ" aok
	fi
}

# kprobe WHAT REGEX CMD...: CMD in each side's cgroup and netns.
kprobe() {
	local what=$1 re=$2 a= n=
	shift 2
	[ "$A_ON" = 1 ] && a=$(in_side a "$@")
	[ "$N_ON" = 1 ] && n=$(in_side n "$@")
	judge "$what" "$re" "$a" "$n"
}

# kduo WHAT REGEX SWHERE "SERVER" CWHERE "CLIENT": per side, SERVER in the
# side's netns (in its cgroup or out of it) until it printed its address,
# then CLIENT; the result is the client's output, then the server's.
kduo() {
	local what=$1 re=$2 sw=$3 sc=$4 cw=$5 cc=$6 s out i r_a= r_n=
	for s in $SIDES; do
		[ $s = a ] && [ "$A_ON" != 1 ] && continue
		[ $s = n ] && [ "$N_ON" != 1 ] && continue
		rm -f /tmp/srv
		if [ "$sw" = in ]; then
			in_side $s $sc > /tmp/srv &
		else
			nsx $s $sc > /tmp/srv 2>/dev/null &
		fi
		i=0
		while [ ! -s /tmp/srv ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		if [ "$cw" = in ]; then
			out=$(in_side $s $cc)
		else
			out=$(nsx $s $cc 2>/dev/null || true)
		fi
		wait
		out=$(printf '%s\nserver: %s\n' "$out" "$(cat /tmp/srv)")
		if [ $s = a ]; then r_a=$out; else r_n=$out; fi
	done
	judge "$what" "$re" "$r_a" "$r_n"
}

# kload WHAT OBJ TYPE: test_sock_addr.c's LOAD_REJECT: OBJ loaded with
# expected attach type TYPE must be refused.
kload() {
	local what=$1 obj=$2 type=$3 a= n id
	G_OBJ=$obj
	note_obj "$obj"
	N_ON=1
	A_ON=0
	[ "$(needs_of "$obj")" = - ] && A_ON=1
	n=$(kbpfload -e "$type" - "$KS/$obj.o" 2>/dev/null | head -n1)
	[ "$n" = loaded ] || n=refused
	if [ "$A_ON" = 1 ]; then
		if id=$(cgaddr prog load "$KS/$obj.o" type "$type" 2>/dev/null); then
			a=loaded
			cgaddr prog del "${id#id }"
		else
			a=refused
		fi
	fi
	judge "$what" '^refused$' "$a" "$n"
}

# kattach WHAT OBJ FUNC TYPE RESULT: test_sock_addr.c's ATTACH_REJECT
# (RESULT refused) and ATTACH_OKAY (attached): FUNC attached to TYPE.
kattach() {
	local what=$1 obj=$2 f=$3 type=$4 want=$5 a= n id
	G_OBJ=$obj
	note_obj "$obj"
	N_ON=1
	A_ON=0
	[ "$(needs_of "$obj")" = - ] && A_ON=1
	n=refused
	if kbpfload -f override "$CG/ks_n" "$KS/$obj.o" "$f:$type" >/dev/null 2>&1; then
		n=attached
		bpfload detach "$CG/ks_n" "$type" >/dev/null
	fi
	if [ "$A_ON" = 1 ]; then
		id=$(prog_load "$KS/$obj.o" func "$f")
		a=refused
		if cgaddr cgroup attach ks_a "$type" "$id" override 2>/dev/null; then
			a=attached
			cgaddr cgroup detach ks_a "$type" "$id"
		fi
		cgaddr prog del "$id"
	fi
	judge "$what" "^$want\$" "$a" "$n"
}

# ==== test_sock_addr.c: bind ==========================================================
kload "bind4: load prog with wrong expected attach type" bind4_prog bind6
kattach "bind4: attach prog with wrong attach type" bind4_prog bind_v4_prog bind6 refused
group bind4_prog bind_v4_prog:bind4
kprobe "bind4: rewrite IP & TCP port in" '^127\.0\.0\.1 4444$' sockprobe bind tcp 192.0.2.254 4040
kprobe "bind4: rewrite IP & UDP port in" '^127\.0\.0\.1 4444$' sockprobe bind udp 192.0.2.254 4040
# (bind_v4_prog returns 0 for any other address or port.)
kprobe "bind4: any other address denied" '^error EPERM$' sockprobe bind tcp 127.0.0.1 4040
ungroup
kload "bind6: load prog with wrong expected attach type" bind6_prog bind4
kattach "bind6: attach prog with wrong attach type" bind6_prog bind_v6_prog bind4 refused
group bind6_prog bind_v6_prog:bind6
kprobe "bind6: rewrite IP & TCP port in" '^::1 6666$' \
	sockprobe bind tcp 2001:db8:1234:5678::abcd 6060
kprobe "bind6: rewrite IP & UDP port in" '^::1 6666$' \
	sockprobe bind udp 2001:db8:1234:5678::abcd 6060
ungroup

# ==== test_sock_addr.c: connect =========================================================
kload "connect4: load prog with wrong expected attach type" connect4_prog connect6
kattach "connect4: attach prog with wrong attach type" connect4_prog connect_v4_prog connect6 refused
group connect4_prog connect_v4_prog:connect4
kduo "connect4: rewrite IP & TCP port" \
	'^127\.0\.0\.4 EPH \| peer 127\.0\.0\.1 4444 \| server: 127\.0\.0\.1 4444 \| from 127\.0\.0\.4 EPH$' \
	out "sockprobe serve tcp 127.0.0.1 4444 5" in "sockprobe connect tcp 192.0.2.254 4040"
kduo "connect4: rewrite IP & TCP port, TCP Fast Open" \
	'^127\.0\.0\.4 EPH \| peer 127\.0\.0\.1 4444 \| server: 127\.0\.0\.1 4444 \| from 127\.0\.0\.4 EPH$' \
	out "sockprobe serve tcp 127.0.0.1 4444 5" in "sockprobe -F connect tcp 192.0.2.254 4040"
kduo "connect4: rewrite IP & UDP port" \
	'^127\.0\.0\.4 EPH \| peer 127\.0\.0\.1 4444 \| server: 127\.0\.0\.1 4444 \| recv 4 from 127\.0\.0\.4 EPH$' \
	out "sockprobe recv udp 127.0.0.1 4444 5" in "sockprobe connect udp 192.0.2.254 4040"
ungroup
kload "connect6: load prog with wrong expected attach type" connect6_prog connect4
kattach "connect6: attach prog with wrong attach type" connect6_prog connect_v6_prog connect4 refused
group connect6_prog connect_v6_prog:connect6
kduo "connect6: rewrite IP & TCP port" \
	'^2001:db8::6 EPH \| peer ::1 6666 \| server: ::1 6666 \| from 2001:db8::6 EPH$' \
	out "sockprobe serve tcp ::1 6666 5" in "sockprobe connect tcp 2001:db8:1234:5678::abcd 6060"
kduo "connect6: rewrite IP & TCP port, TCP Fast Open" \
	'^2001:db8::6 EPH \| peer ::1 6666 \| server: ::1 6666 \| from 2001:db8::6 EPH$' \
	out "sockprobe serve tcp ::1 6666 5" in "sockprobe -F connect tcp 2001:db8:1234:5678::abcd 6060"
kduo "connect6: rewrite IP & UDP port" \
	'^2001:db8::6 EPH \| peer ::1 6666 \| server: ::1 6666 \| recv 4 from 2001:db8::6 EPH$' \
	out "sockprobe recv udp ::1 6666 5" in "sockprobe connect udp 2001:db8:1234:5678::abcd 6060"
ungroup

# ==== test_sock_addr.c: sendmsg ===========================================================
# run_xmsg_test_case(): once without, once with a PKTINFO source (198.51.100.1
# for the test's SRC1_IP4, ::1); the server sees the rewritten source.
send4_re='^sent 4 \| server: 127\.0\.0\.1 4444 \| recv 4 from 127\.0\.0\.4 EPH$'
send6_re='^sent 4 \| server: ::1 6666 \| recv 4 from 2001:db8::6 EPH$'
kload "sendmsg4: load prog with wrong expected attach type" raw_sendmsg4_rw sendmsg6
kattach "sendmsg4: attach prog with wrong attach type" raw_sendmsg4_rw sendmsg4_rw sendmsg6 refused
for o in raw_sendmsg4_rw:sendmsg4_rw:asm sendmsg4_prog:sendmsg_v4_prog:C; do
	f=${o#*:}
	group "${o%%:*}" "${f%:*}:sendmsg4"
	kduo "sendmsg4: rewrite IP & port (${o##*:})" "$send4_re" \
		out "sockprobe recv udp 127.0.0.1 4444 5" in "sockprobe send udp 192.0.2.254 4040"
	kduo "sendmsg4: rewrite IP & port (${o##*:}), PKTINFO source" "$send4_re" \
		out "sockprobe recv udp 127.0.0.1 4444 5" \
		in "sockprobe -s 198.51.100.1 send udp 192.0.2.254 4040"
	ungroup
done
group raw_sendmsg4_deny sendmsg4_deny:sendmsg4
kprobe "sendmsg4: deny call" '^error EPERM$' sockprobe send udp 192.0.2.254 4040
ungroup
kload "sendmsg6: load prog with wrong expected attach type" raw_sendmsg6_rw sendmsg4
kattach "sendmsg6: attach prog with wrong attach type" raw_sendmsg6_rw sendmsg6_rw sendmsg4 refused
for o in raw_sendmsg6_rw:sendmsg6_rw:asm sendmsg6_prog:sendmsg_v6_prog:C; do
	f=${o#*:}
	group "${o%%:*}" "${f%:*}:sendmsg6"
	kduo "sendmsg6: rewrite IP & port (${o##*:})" "$send6_re" \
		out "sockprobe recv udp ::1 6666 5" in "sockprobe send udp 2001:db8:1234:5678::abcd 6060"
	kduo "sendmsg6: rewrite IP & port (${o##*:}), PKTINFO source" "$send6_re" \
		out "sockprobe recv udp ::1 6666 5" \
		in "sockprobe -s ::1 send udp 2001:db8:1234:5678::abcd 6060"
	ungroup
done
group raw_sendmsg6_v4mapped sendmsg6_v4mapped:sendmsg6
# ENOTSUPP (524) is kernel-internal: libc has no name for it.
kprobe "sendmsg6: IPv4-mapped IPv6" '^error (ENOTSUPP|unknown)$' \
	sockprobe send udp 2001:db8:1234:5678::abcd 6060
ungroup
group raw_sendmsg6_wildcard sendmsg6_wildcard:sendmsg6
kduo "sendmsg6: set dst IP = [::] (BSD'ism)" "$send6_re" \
	out "sockprobe recv udp ::1 6666 5" in "sockprobe send udp 2001:db8:1234:5678::abcd 6060"
ungroup
group raw_sendmsg6_allow sendmsg6_allow:sendmsg6
kduo "sendmsg6: preserve dst IP = [::] (BSD'ism)" \
	'^sent 4 \| server: ::1 6060 \| recv 4 from ::1 EPH$' \
	out "sockprobe recv udp ::1 6060 5" in "sockprobe send udp :: 6060"
kduo "sendmsg6: preserve dst IP = [::] (BSD'ism), PKTINFO source" \
	'^sent 4 \| server: ::1 6060 \| recv 4 from ::1 EPH$' \
	out "sockprobe recv udp ::1 6060 5" in "sockprobe -s ::1 send udp :: 6060"
ungroup
group raw_sendmsg6_deny sendmsg6_deny:sendmsg6
kprobe "sendmsg6: deny call" '^error EPERM$' sockprobe send udp 2001:db8:1234:5678::abcd 6060
ungroup

# ==== test_sock_addr.c: recvmsg ===========================================================
kattach "recvmsg4: return code ok" raw_recvmsg4_allow recvmsg4_allow recvmsg4 attached
kload "recvmsg4: return code !ok" raw_recvmsg4_deny recvmsg4
kattach "recvmsg6: return code ok" raw_recvmsg6_allow recvmsg6_allow recvmsg6 attached
kload "recvmsg6: return code !ok" raw_recvmsg6_deny recvmsg6
group recvmsg4_prog recvmsg4_prog:recvmsg4
kduo "recvmsg4: rewrite IP & port (C)" \
	'^sent 4 \| server: 127\.0\.0\.1 4444 \| recv 4 from 192\.0\.2\.254 4040$' \
	in "sockprobe recv udp 127.0.0.1 4444 5" out "sockprobe send udp 127.0.0.1 4444"
ungroup
group recvmsg6_prog recvmsg6_prog:recvmsg6
kduo "recvmsg6: rewrite IP & port (C)" \
	'^sent 4 \| server: ::1 6666 \| recv 4 from 2001:db8:1234:5678::abcd 6060$' \
	in "sockprobe recv udp ::1 6666 5" out "sockprobe send udp ::1 6666"
ungroup

# ==== prog_tests/bind_perm.c: return 3 lets uid 1000 bind port 111 =========================
group bind_perm bind_v4_prog:bind4 bind_v6_prog:bind6 -- none
case "$kver" in
5.10.*)
	# README.md, "return 3 on bind": 5.10 allows only 0..1 natively.
	[ "$N_ON" = 0 ] || fail "5.10 loaded bind_perm natively"
	N_ON=0
	;;
esac
kprobe "bind_perm: uid 1000, IPv4 port 110" '^error EACCES$' \
	sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 110
kprobe "bind_perm: uid 1000, IPv6 port 110" '^error EACCES$' sockprobe -u 1000 -g 1000 bind tcp :: 110
kprobe "bind_perm: uid 1000, IPv4 port 111" '^0\.0\.0\.0 111$' \
	sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 111
kprobe "bind_perm: uid 1000, IPv6 port 111" '^:: 111$' sockprobe -u 1000 -g 1000 bind tcp :: 111
ungroup

# ==== prog_tests/connect_force_port.c ======================================================
group connect_force_port4 connect4:connect4 getsockname4:getsockname4 \
	getpeername4:getpeername4 -- none
kprobe "connect_force_port4: the server seen as 203.0.113.4:60000" '^203\.0\.113\.4 60000$' \
	sockprobe bind tcp 127.0.0.1 60123
kduo "connect_force_port4: TCP, local port 22222, peer 203.0.113.4:60000" \
	'^127\.0\.0\.1 22222 \| peer 203\.0\.113\.4 60000 \| server: 127\.0\.0\.1 60123 \| from 127\.0\.0\.1 22222$' \
	out "sockprobe serve tcp 127.0.0.1 60123 5" in "sockprobe connect tcp 203.0.113.4 60000"
kduo "connect_force_port4: UDP, local port 22222, peer 203.0.113.4:60000" \
	'^127\.0\.0\.1 22222 \| peer 203\.0\.113\.4 60000 \| server: 127\.0\.0\.1 60123 \| recv 4 from 127\.0\.0\.1 22222$' \
	out "sockprobe recv udp 127.0.0.1 60123 5" in "sockprobe connect udp 203.0.113.4 60000"
ungroup
group connect_force_port6 connect6:connect6 getsockname6:getsockname6 \
	getpeername6:getpeername6 -- none
kprobe "connect_force_port6: the server seen as [2001:db8::1]:60000" '^2001:db8::1 60000$' \
	sockprobe bind tcp ::1 60124
kduo "connect_force_port6: TCP, local port 22223, peer [2001:db8::1]:60000" \
	'^::1 22223 \| peer 2001:db8::1 60000 \| server: ::1 60124 \| from ::1 22223$' \
	out "sockprobe serve tcp ::1 60124 5" in "sockprobe connect tcp 2001:db8::1 60000"
kduo "connect_force_port6: UDP, local port 22223, peer [2001:db8::1]:60000" \
	'^::1 22223 \| peer 2001:db8::1 60000 \| server: ::1 60124 \| recv 4 from ::1 22223$' \
	out "sockprobe recv udp ::1 60124 5" in "sockprobe connect udp 2001:db8::1 60000"
ungroup

# ==== a systemd-style socket-bind policy (tests/progs/maps/socket_bind.c) ===================
# SocketBindAllow=ipv6:tcp:8000-8009, SocketBindAllow=ipv4:udp:5353,
# SocketBindDeny=any, as ARRAY rules {family, protocol, nr_ports, port_min}
# (u32, u32, u16, u16, host order) and .rodata limits; then, while a client
# keeps binding, the first rule becomes any-family: every bind is allowed or
# denied by one rule set or the other, never anything else.
# The cgaddr side needs maps: flip SB_NEEDS to "-" when they land (and check
# the `cgaddr map update` line in sb_update against the maps CLI).
SB_NEEDS=-
G_OBJ=socket_bind
note_obj socket_bind
NEEDS="$NEEDS
socket_bind           $SB_NEEDS       ARRAY maps + map_lookup_elem 1"
rule_v6_tcp_8000=0a000000060000000a00401f
rule_v4_udp_5353=02000000110000000100e914
rule_any_tcp_8000=00000000060000000a00401f
rule_any=000000000000000000000000
sb_update() {	# SIDE MAP KEY_INDEX VALUE_HEX
	local key
	key=$(printf '%02x000000' "$3")
	if [ "$1" = n ]; then
		kbpfload update "$(echo "$SB_MAPS" | awk -v m="$2" '$2 == m { print $4 }')" \
			"$key" "$4" >/dev/null || fail "native update of $2"
	else
		cgaddr map update name "$2" key "$key" value "$4" >/dev/null ||
			fail "cgaddr map update $2"
	fi
}
N_ON=1
SB_MAPS=$(kbpfload -f none -s nr_allow=2 -s nr_deny=1 "$CG/ks_n" /progs/maps/socket_bind.o \
	socket_bind4:bind4 socket_bind6:bind6) || fail "native socket_bind: $SB_MAPS"
A_ON=0
if [ "$SB_NEEDS" = - ]; then
	out=$(cgaddr prog load /progs/maps/socket_bind.o set nr_allow=2 set nr_deny=1) ||
		fail "cgaddr prog load socket_bind.o"
	for t in 4 6; do
		id=$(echo "$out" | awk -v f=socket_bind$t '$4 == f { print $2 }')
		cgaddr cgroup attach ks_a bind$t "$id"
	done
	A_ON=1
else
	out=$(cgaddr prog load /progs/maps/socket_bind.o set nr_allow=2 set nr_deny=1 2>&1) &&
		fail "cgaddr loaded socket_bind.o, listed as needing maps: set SB_NEEDS=-"
	expect_match "$out" "$(refusal_of maps)" "cgaddr's refusal of socket_bind.o"
	echo "cgaddr: socket_bind refused at load, needs maps: ${out#cgaddr: }"
fi
for s in $SIDES; do
	[ $s = a ] && [ "$A_ON" != 1 ] && continue
	sb_update $s bind_allow 0 $rule_v6_tcp_8000
	sb_update $s bind_allow 1 $rule_v4_udp_5353
	sb_update $s bind_deny 0 $rule_any
done
kprobe "socket_bind: IPv6 TCP 8005 allowed" '^:: 8005$' sockprobe bind tcp :: 8005
kprobe "socket_bind: IPv4 TCP 8005 denied" '^error EPERM$' sockprobe bind tcp 0.0.0.0 8005
kprobe "socket_bind: IPv6 TCP 8010 denied" '^error EPERM$' sockprobe bind tcp :: 8010
kprobe "socket_bind: IPv4 UDP 5353 allowed" '^0\.0\.0\.0 5353$' sockprobe bind udp 0.0.0.0 5353
kprobe "socket_bind: IPv6 UDP 5353 denied" '^error EPERM$' sockprobe bind udp :: 5353
for s in $SIDES; do
	[ $s = a ] && [ "$A_ON" != 1 ] && continue
	in_side $s sh -c 'i=0; while [ $i -lt 40 ]; do sockprobe bind tcp 0.0.0.0 8001; \
		i=$((i + 1)); done' > /tmp/sb_$s.out &
	sleep 0.3
	sb_update $s bind_allow 0 $rule_any_tcp_8000
	wait
	bad=$(grep -cvE '^(error EPERM|0\.0\.0\.0 8001)$' /tmp/sb_$s.out || true)
	[ "$bad" = 0 ] || fail "side $s: binds during the update: $(sort /tmp/sb_$s.out | uniq -c)"
	echo "side $s: binds during the update: $(sort /tmp/sb_$s.out | uniq -c | tr -s ' \n' ' ')"
done
kprobe "socket_bind: after the update, IPv4 TCP 8005 allowed" '^0\.0\.0\.0 8005$' \
	sockprobe bind tcp 0.0.0.0 8005
kprobe "socket_bind: after the update, IPv4 UDP 8005 denied" '^error EPERM$' \
	sockprobe bind udp 0.0.0.0 8005
for s in $SIDES; do
	bpfload detach "$CG/ks_$s" bind4 >/dev/null
	bpfload detach "$CG/ks_$s" bind6 >/dev/null
done
[ "$A_ON" = 1 ] && for t in bind4 bind6; do cgaddr cgroup detach ks_a $t; done

# ==== the table =============================================================================
# One line per object: what the kernel did against the selftests'
# expectations, and what cgaddr did against the kernel.
echo "RESULTS on $kver"
for o in $OBJS; do
	eval "nok=\${${o}_nok:-0} nbad=\${${o}_nbad:-0} aok=\${${o}_aok:-0} abad=\${${o}_abad:-0}"
	nres="$nok/$((nok + nbad)) as the selftests expect"
	needs=$(needs_of "$o")
	if [ "$needs" = - ]; then
		ares="$aok/$((aok + abad)) identical"
	else
		ares="refused at load: needs $(needs_text "$o")"
	fi
	echo "RESULT $o | native: $nres | cgaddr: $ares"
done

ks_cleanup
policy_reset
# The failures again, last, where the suite's excerpt of the output shows them.
cat /tmp/ks.fail
[ "$NFAIL" = 0 ] || fail "$NFAIL native result(s) differ from the selftests' expectations on $kver"
[ "$DIFFS" = 0 ] || fail "$DIFFS cgaddr result(s) differ from native or from the selftests on $kver"
