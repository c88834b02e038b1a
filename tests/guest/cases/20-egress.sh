# connect, sendmsg, recvmsg and getname programs, v4 and v6, TCP and UDP
# (tests/progs/egress.c says what each program does).
dummy_up cgd0 192.0.2.10/24 192.0.2.20/24 2001:db8::10/64 2001:db8::20/64
cg_new eg
cg_new pin
for p in redirect4 redirect6 send4 send6 recv4 recv6 peer4 peer6 name4 name6 srcpin4 srcpin6; do
	eval "$p=\$(prog_load /progs/egress.o func $p)"
done
cgaddr cgroup attach eg connect4 "$redirect4"
cgaddr cgroup attach eg connect6 "$redirect6"
cgaddr cgroup attach eg sendmsg4 "$send4"
cgaddr cgroup attach eg sendmsg6 "$send6"

# bg OUT CMD...: start a server in the background, wait for its first line.
bg() {
	local out=$1 i=0
	shift
	rm -f "$out"
	"$@" > "$out" 2>/dev/null &
	while [ ! -s "$out" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

# ---- connect -----------------------------------------------------------
bg /tmp/s1 sockprobe serve tcp 127.0.0.1 4343
out=$(in_cg eg sockprobe connect tcp 127.0.0.1 4242)
expect_match "$out" "^peer 127\.0\.0\.1 4343$" "TCP v4 connect redirected"
wait
bg /tmp/s1 sockprobe serve tcp ::1 4343
out=$(in_cg eg sockprobe connect tcp ::1 4242)
expect_match "$out" "^peer ::1 4343$" "TCP v6 connect redirected"
wait
bg /tmp/s1 sockprobe recv udp 127.0.0.1 4343
out=$(in_cg eg sockprobe connect udp 127.0.0.1 4242)
expect_match "$out" "^peer 127\.0\.0\.1 4343$" "UDP v4 connect redirected"
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 127\.0\.0\.1 " "connected UDP datagram arrived"
bg /tmp/s1 sockprobe recv udp ::1 4343
out=$(in_cg eg sockprobe connect udp ::1 4242)
expect_match "$out" "^peer ::1 4343$" "UDP v6 connect redirected"
wait
expect_eq "$(in_cg eg sockprobe connect tcp 127.0.0.1 4999)" "error EPERM" "TCP v4 connect denied"
expect_eq "$(in_cg eg sockprobe connect udp ::1 4999)" "error EPERM" "UDP v6 connect denied"
expect_eq "$(in_cg eg sockprobe connect udp ::ffff:127.0.0.1 4999)" "error EPERM" \
	"v4-mapped connect on an IPv6 socket runs connect6"
expect_eq "$(sockprobe connect tcp 127.0.0.1 4999)" "error ECONNREFUSED" "outside: not denied"
# TCP Fast Open: sendto(MSG_FASTOPEN) connects through the same hook.
bg /tmp/s1 sockprobe serve tcp 127.0.0.1 4343
out=$(in_cg eg sockprobe -F connect tcp 127.0.0.1 4242)
expect_match "$out" "^peer 127\.0\.0\.1 4343$" "TCP Fast Open connect redirected"
wait
expect_eq "$(in_cg eg sockprobe -F connect tcp 127.0.0.1 4999)" "error EPERM" \
	"TCP Fast Open connect denied"

# ---- sendmsg: destination and source rewritten -------------------------
bg /tmp/s1 sockprobe recv udp 0.0.0.0 4343
expect_eq "$(in_cg eg sockprobe send udp 192.0.2.10 4242)" "sent 4" "v4 send"
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 192\.0\.2\.20 " "v4 datagram redirected, from msg_src_ip4"
bg /tmp/s1 sockprobe recv udp ::1 4343
expect_eq "$(in_cg eg sockprobe send udp 2001:db8::10 4242)" "sent 4" "v6 send"
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 2001:db8::20 " "v6 datagram redirected, from msg_src_ip6"
expect_eq "$(in_cg eg sockprobe send udp 127.0.0.1 4999)" "error EPERM" "v4 sendmsg denied"
expect_eq "$(in_cg eg sockprobe send udp ::1 4999)" "error EPERM" "v6 sendmsg denied"
expect_eq "$(in_cg eg sockprobe send udp ::ffff:127.0.0.1 4999)" "error EPERM" \
	"v4-mapped destination on an IPv6 socket runs sendmsg4"

# ---- recvmsg: the reported source is rewritten --------------------------
cgaddr cgroup attach eg recvmsg4 "$recv4"
cgaddr cgroup attach eg recvmsg6 "$recv6"
cg_run eg sockprobe recv udp 127.0.0.1 5000 > /tmp/s1 2>/dev/null &
sleep 0.5
sockprobe send udp 127.0.0.1 5000 >/dev/null
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 198\.51\.100\.1 53$" "recvfrom v4 rewritten"
cg_run eg sockprobe recv udp ::1 5000 > /tmp/s1 2>/dev/null &
sleep 0.5
sockprobe send udp ::1 5000 >/dev/null
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 2001:db8::53 53$" "recvfrom v6 rewritten"

# ---- getname ---------------------------------------------------------------
cgaddr cgroup attach eg getsockname4 "$name4"
cgaddr cgroup attach eg getsockname6 "$name6"
cgaddr cgroup attach eg getpeername4 "$peer4"
cgaddr cgroup attach eg getpeername6 "$peer6"
expect_eq "$(in_cg eg sockprobe bind udp 127.0.0.1 5001)" "203.0.113.1 5001" "getsockname v4"
expect_eq "$(in_cg eg sockprobe bind tcp ::1 5001)" "2001:db8::203 5001" "getsockname v6"
bg /tmp/s1 sockprobe serve tcp 127.0.0.1 4343
out=$(in_cg eg sockprobe connect tcp 127.0.0.1 4343)
wait
expect_match "$out" "^peer 127\.0\.0\.1 4242$" "getpeername v4 rewritten"

# ---- bpf_bind: the source of outgoing connections -------------------------
cgaddr cgroup attach pin connect4 "$srcpin4"
cgaddr cgroup attach pin connect6 "$srcpin6"
bg /tmp/s1 sockprobe serve tcp 192.0.2.10 4400
out=$(in_cg pin sockprobe connect tcp 192.0.2.10 4400)
wait
expect_match "$out" "^192\.0\.2\.20 [0-9]+" "TCP v4 source bound by bpf_bind"
expect_match "$(tail -1 /tmp/s1)" "^from 192\.0\.2\.20 " "the server sees the pinned source"
bg /tmp/s1 sockprobe serve tcp 2001:db8::10 4400
out=$(in_cg pin sockprobe connect tcp 2001:db8::10 4400)
wait
expect_match "$(tail -1 /tmp/s1)" "^from 2001:db8::20 " "TCP v6 source bound by bpf_bind"
bg /tmp/s1 sockprobe recv udp 192.0.2.10 4401
in_cg pin sockprobe connect udp 192.0.2.10 4401 >/dev/null
wait
expect_match "$(tail -1 /tmp/s1)" "^recv 4 from 192\.0\.2\.20 " "UDP v4 source bound by bpf_bind"
bg /tmp/s1 sockprobe serve tcp 192.0.2.10 4402
out=$(sockprobe connect tcp 192.0.2.10 4402)
wait
expect_match "$(tail -1 /tmp/s1)" "^from 192\.0\.2\.10 " "outside the cgroup: the default source"

expect_match "$(cgaddr -j prog show "$srcpin4")" '"runs":[1-9]' "counters"
policy_reset
