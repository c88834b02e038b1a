# Socket helpers (tests/progs/sock_helpers.c): sk_lookup_tcp/udp,
# skc_lookup_tcp and sk_release on the sockets of the connect's destination,
# a program that leaks its reference, setsockopt/getsockopt seen from user
# space, trace_printk through `cgaddr monitor` and the kernel log.
P=/sys/module/cgaddr/parameters
cg_new sk
cg_new leak
cg_new opt
cg_new pr
for p in lookup4 lookup6 leak4 setopt4 setopt6 printk4; do
	eval "$p=\$(prog_load /progs/sock_helpers.o func $p)"
done

# bg OUT CMD...: start a server in the background, wait for its first line
# (up to 30 s: the debug kernel is slow).
bg() {
	local out=$1 i=0
	shift
	rm -f "$out"
	"$@" > "$out" 2>/dev/null &
	BG=$!
	while [ ! -s "$out" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$out" ] || fail "server did not start: $*"
}

# monitor_start OUT [ARGS]: `cgaddr monitor` in the background, joined.
monitor_start() {
	local out=$1
	shift
	rm -f "$out"
	cgaddr monitor "$@" > "$out" 2>&1 &
	MON=$!
	sleep 1
}

# ---- sk_lookup ----------------------------------------------------------
cgaddr cgroup attach sk connect4 "$lookup4"
cgaddr cgroup attach sk connect6 "$lookup6"
monitor_start /tmp/mon1 --timeout 60
bg /tmp/s1 sockprobe serve tcp 127.0.0.1 4441
out=$(in_cg sk sockprobe connect tcp 127.0.0.1 4441)
expect_match "$out" "^peer 127\.0\.0\.1 4441$" "TCP v4 listener found (sk and skc lookups), fields read, released"
wait $BG 2>/dev/null || true
bg /tmp/s1 sockprobe serve tcp ::1 4442
out=$(in_cg sk sockprobe connect tcp ::1 4442)
expect_match "$out" "^peer ::1 4442$" "TCP v6 listener found"
wait $BG 2>/dev/null || true
bg /tmp/s1 sockprobe recv udp 127.0.0.1 4443 5
out=$(in_cg sk sockprobe connect udp 127.0.0.1 4443)
expect_match "$out" "^peer 127\.0\.0\.1 4443$" "UDP v4 socket found"
bg /tmp/s2 sockprobe recv udp ::1 4444 5
out=$(in_cg sk sockprobe connect udp ::1 4444)
expect_match "$out" "^peer ::1 4444$" "UDP v6 socket found"
expect_eq "$(in_cg sk sockprobe connect udp 127.0.0.1 4445)" "error ENOENT" \
	"UDP v4: nothing bound there, NULL"
expect_eq "$(in_cg sk sockprobe connect tcp 127.0.0.1 4445)" "error ENOENT" \
	"TCP v4: nothing listening there, NULL"
expect_eq "$(in_cg sk sockprobe connect udp ::1 4445)" "error ENOENT" \
	"UDP v6: nothing bound there, NULL"
sleep 0.3
grep -q "lookup state 10 port 4441 ok 1" /tmp/mon1 || fail "monitor: $(cat /tmp/mon1)"
grep -q "lookup state 7 port 4443 ok 1" /tmp/mon1 || fail "monitor: $(cat /tmp/mon1)"
expect_eq "$(cat $P/sockrefs)" "0" "no socket reference held after the runs"
expect_eq "$(cat $P/ref_leaks)" "0" "no reference leaked"
kill $MON 2>/dev/null || true
wait $MON 2>/dev/null || true

# ---- a leaked reference -------------------------------------------------
cgaddr cgroup attach leak connect4 "$leak4"
bg /tmp/s1 sockprobe recv udp 127.0.0.1 4446 5
S1=$BG
expect_eq "$(in_cg leak sockprobe connect udp 127.0.0.1 4446)" "error EPERM" \
	"exit holding a reference: a fault, the call denied"
bg /tmp/s2 sockprobe serve tcp 127.0.0.1 4447 5
expect_eq "$(in_cg leak sockprobe connect tcp 127.0.0.1 4447)" "error EPERM" \
	"TCP listener reference leaked: denied too"
wait $S1 $BG 2>/dev/null || true
expect_eq "$(cat $P/sockrefs)" "0" "the module dropped the leaked references"
expect_eq "$(cat $P/ref_leaks)" "2" "both leaks counted"
expect_match "$(cgaddr prog show "$leak4")" "faults 2 " "the runs count as faults"
# The sockets close and their ports are free again: nothing holds them.
expect_eq "$(sockprobe bind udp 127.0.0.1 4446)" "127.0.0.1 4446" "leaked UDP socket closed"
expect_eq "$(sockprobe bind tcp 127.0.0.1 4447)" "127.0.0.1 4447" "leaked TCP listener closed"

# ---- setsockopt / getsockopt ------------------------------------------
cgaddr cgroup attach opt connect4 "$setopt4"
cgaddr cgroup attach opt connect6 "$setopt6"
monitor_start /tmp/mon2 --timeout 60
bg /tmp/s1 sockprobe serve tcp 127.0.0.1 4448
out=$(in_cg opt sockprobe -u 1000 -g 1000 -o connect tcp 127.0.0.1 4448)
sleep 0.3
echo "$out" | grep -q "^opts mark 42 prio 7 tos 0x10 cc reno syncnt 3$" ||
	fail "TCP v4: SO_MARK, SO_PRIORITY 7 (uid 1000), IP_TOS, TCP_CONGESTION, TCP_SYNCNT set in connect4: $out; $(cat /tmp/mon2)"
wait $BG 2>/dev/null || true
bg /tmp/s1 sockprobe serve tcp ::1 4449
out=$(in_cg opt sockprobe -o connect tcp ::1 4449)
expect_match "$out" "^opts mark 42 prio 7 tos 0x20 cc reno syncnt 3$" "TCP v6: IPV6_TCLASS too"
wait $BG 2>/dev/null || true
out=$(in_cg opt sockprobe -o connect udp 127.0.0.1 4450)
expect_match "$out" "^opts mark 42 prio 7 tos 0x10$" "UDP v4 (TCP options refused with EINVAL)"
sleep 0.3
grep -q "setopt refused -22 -22 -22" /tmp/mon2 || fail "refused options: $(cat /tmp/mon2)"
grep -q "setopt tcp 0 0 cc reno" /tmp/mon2 || fail "TCP options: $(cat /tmp/mon2)"
kill $MON 2>/dev/null || true
wait $MON 2>/dev/null || true

# ---- trace_printk: monitor and kernel log, rate-limited ----------------
cgaddr cgroup attach pr bind4 "$printk4"
# A fresh rate-limit window: earlier cases printed too.
sleep 6
dmesg -c > /dev/null
monitor_start /tmp/mon3 --count 40 --timeout 120
t0=$(date +%s)
i=0
while [ $i -lt 40 ]; do
	in_cg pr sockprobe bind udp 127.0.0.1 $((5000 + i)) > /dev/null
	i=$((i + 1))
done
wait $MON || fail "monitor did not get 40 events: $(cat /tmp/mon3)"
expect_eq "$(grep -c '^prog [0-9]* pid [0-9]* comm sockprobe: bind4 port 50[0-3][0-9] comm sockprobe ip 127.0.0.1$' /tmp/mon3)" \
	"40" "every message reached cgaddr monitor"
t1=$(date +%s)
n=$(dmesg | grep -c "cgaddr: prog $printk4 pid [0-9]* (sockprobe): bind4 port 50")
# At most a burst of 10 per 5 s window the storm touched (slow kernels
# spread it over several).
max=$((10 * ((t1 - t0) / 5 + 2)))
[ "$n" -ge 1 ] && [ "$n" -le "$max" ] && { [ "$n" -lt 40 ] || [ "$max" -ge 40 ]; } ||
	fail "kernel log: $n messages in $((t1 - t0)) s, expected at most $max"
# JSON events
monitor_start /tmp/mon4 -j --count 1 --timeout 30
in_cg pr sockprobe bind udp 127.0.0.1 5100 > /dev/null
wait $MON || fail "monitor -j: $(cat /tmp/mon4)"
expect_match "$(cat /tmp/mon4)" \
	'^\{"prog_id":'"$printk4"',"pid":[0-9]+,"comm":"sockprobe","text":"bind4 port 5100 comm sockprobe ip 127.0.0.1\\n"\}$' \
	"monitor -j"
# Only CAP_NET_ADMIN may listen (kernels with genetlink multicast
# permissions: not 5.10).
if [ "$(uname -r | cut -d. -f1-2)" != "5.10" ]; then
	expect_fail setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all \
		cgaddr monitor --timeout 1
	out=$(setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all \
		cgaddr monitor --timeout 1 2>&1 || true)
	expect_match "$out" "CAP_NET_ADMIN" "uid 1000 cannot join the monitor group"
fi

# ---- everything released ----------------------------------------------
policy_reset
expect_eq "$(cat $P/sockrefs)" "0" "no reference after reload"
objects_settle "programs 0 cgroups 0 maps 0"
expect_eq "$(cat $P/objects)" "programs 0 cgroups 0 maps 0" "objects freed"
