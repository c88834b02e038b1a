# cgaddr pin: servers of a cgroup (and of its descendants) that bind the
# wildcard end up on the pinned addresses, outside nothing changes; --ports
# and --strict; a re-pin replaces the pin programs in place; unpin removes
# exactly them (a user program attached with multi stays); pin --show says
# what is in force.  The full pin (connect, sendmsg) only where the module
# hooks those types; without them pin refuses and changes nothing.
dummy_up cgd0 192.0.2.10/24 192.0.2.20/24 2001:db8::10/64 2001:db8::20/64
cg_new pin
cg_new pin/sub
cg_new pin2

full=
if cgaddr info | grep -q connect4; then
	full=1
fi
nprogs() { cgaddr prog list | grep -c '^[0-9]' || true; }
pin_ids() { cgaddr cgroup show "$1" | awk '$4 ~ /^pin_/ { print $1 }'; }
before=$(nprogs)

# Usage errors change nothing.
expect_fail cgaddr pin pin
expect_fail cgaddr pin pin --ipv4 2001:db8::10
expect_fail cgaddr pin pin --ipv6 192.0.2.10
expect_fail cgaddr pin pin --ipv4 192.0.2.10 --ports 5000-4000
expect_fail cgaddr pin pin --ipv4 192.0.2.10 --ports 80-x
expect_fail cgaddr unpin pin
expect_eq "$(nprogs)" "$before" "nothing loaded by refused commands"

# Without the connect and sendmsg hooks the full pin is refused, cleanly.
if [ -z "$full" ]; then
	err=$(cgaddr pin pin --ipv4 192.0.2.10 --ipv6 2001:db8::10 2>&1 >/dev/null) &&
		fail "a full pin succeeded on a module without connect hooks"
	expect_match "$err" "does not hook connect4, connect6, sendmsg4, sendmsg6" \
		"the missing types are named"
	expect_eq "$(cgaddr cgroup show pin)" "" "nothing attached after the refusal"
	expect_eq "$(nprogs)" "$before" "nothing loaded after the refusal"
fi

# A cgroup whose bind6 program was attached without multi: refused up front.
m6=$(prog_load /progs/mark.o func mark6)
cgaddr cgroup attach pin2 bind6 "$m6"
n=$(nprogs)
err=$(cgaddr pin pin2 --ipv4 192.0.2.10 --bind-only 2>&1 >/dev/null) &&
	fail "pin over a non-multi attachment succeeded"
expect_match "$err" "attached without 'multi'" "non-multi attachment explained"
expect_eq "$(cgaddr cgroup show pin2 | awk 'NR > 1 { print $1, $4 }')" "$m6 mark6" \
	"nothing attached after the refusal"
expect_eq "$(nprogs)" "$n" "nothing left loaded after the refusal"

# A user program attached with multi first: it keeps running beside the pin
# (mark4 adds one to the port of IPv4 binds).
mark=$(prog_load /progs/mark.o func mark4)
cgaddr cgroup attach pin bind4 "$mark" multi

cgaddr pin pin --ipv4 192.0.2.10 --ipv6 2001:db8::10 --bind-only >/dev/null
expect_eq "$(pin_ids pin | wc -l)" 2 "bind-only: two pin programs"
expect_eq "$(in_cg pin sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4041" "TCP on 0.0.0.0"
expect_eq "$(in_cg pin sockprobe bind udp 0.0.0.0 5353)" "192.0.2.10 5354" "UDP on 0.0.0.0"
expect_eq "$(in_cg pin/sub sockprobe bind udp 0.0.0.0 5353)" "192.0.2.10 5354" \
	"a descendant cgroup is pinned too"
expect_match "$(in_cg pin sockprobe bind udp 0.0.0.0 0)" '^192\.0\.2\.10 [0-9]+$' "port 0"
expect_eq "$(in_cg pin sockprobe bind tcp 192.0.2.20 4040)" "192.0.2.20 4041" \
	"a chosen address is kept without --strict"
expect_eq "$(in_cg pin sockprobe bind tcp :: 4040)" "2001:db8::10 4040" "TCP on ::"
expect_eq "$(in_cg pin sockprobe bind udp ::ffff:0.0.0.0 4040)" "::ffff:192.0.2.10 4040" \
	"the v4-mapped wildcard"
expect_eq "$(in_cg pin sockprobe bind tcp ::1 4040)" "::1 4040" "::1 kept without --strict"
expect_eq "$(sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4040" "outside the cgroup untouched"
expect_eq "$(sockprobe bind tcp :: 4040)" ":: 4040" "outside the cgroup untouched (IPv6)"

show=$(cgaddr pin --show pin)
echo "$show"
expect_match "$show" '^bind4 +0\.0\.0\.0 → 192\.0\.2\.10 \(wildcard only\)$' "show: bind4"
expect_match "$show" \
	'^bind6 +:: → 2001:db8::10, ::ffff:0\.0\.0\.0 → ::ffff:192\.0\.2\.10 \(wildcard only\)$' \
	"show: bind6"
expect_match "$show" 'id [0-9]+ pin_bind4  runs [1-9]' "show: counters"
json=$(cgaddr -j pin --show pin/sub)
expect_match "$json" '"ipv4":"192\.0\.2\.10","ipv6":"2001:db8::10"' "show -j: addresses"
expect_match "$json" '"inherited":true' "show -j: the parent's pin, for the child"

# Re-pin with --strict and --ports: replaced in place, old programs deleted.
old=$(pin_ids pin)
cgaddr pin pin --ipv4 192.0.2.20 --ipv6 2001:db8::10 --ports 4000-4999 --strict \
	--bind-only >/dev/null
new=$(pin_ids pin)
expect_eq "$(echo "$new" | wc -l)" 2 "re-pin: still two pin programs"
for id in $old; do
	echo "$new" | grep -qx "$id" && fail "re-pin kept old program $id attached"
	expect_fail cgaddr prog show "$id"
done
expect_eq "$(cgaddr cgroup show pin | awk '$2 == "bind4" { print $4 }' | tr '\n' ' ')" \
	"mark4 pin_bind4 " "the pin program replaced in place, after mark4"
expect_eq "$(in_cg pin sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.20 4041" "re-pinned to .20"
expect_eq "$(in_cg pin sockprobe bind tcp 192.0.2.10 4040)" "192.0.2.20 4041" "--strict"
expect_eq "$(in_cg pin sockprobe bind udp 127.0.0.1 4040)" "192.0.2.20 4041" "--strict: loopback"
expect_eq "$(in_cg pin sockprobe bind tcp ::1 4040)" "2001:db8::10 4040" "--strict: IPv6"
expect_eq "$(in_cg pin sockprobe bind tcp 0.0.0.0 8080)" "error EPERM" "--ports: above"
expect_eq "$(in_cg pin sockprobe bind tcp :: 80)" "error EPERM" "--ports: below (IPv6)"
expect_eq "$(in_cg pin sockprobe bind udp :: 4999)" "2001:db8::10 4999" "--ports: HI"
expect_match "$(in_cg pin sockprobe bind udp 0.0.0.0 0)" '^192\.0\.2\.20 [0-9]+$' \
	"--ports: port 0 allowed"
expect_eq "$(sockprobe bind tcp 0.0.0.0 8080)" "0.0.0.0 8080" "outside: no port range"
show=$(cgaddr pin --show pin)
echo "$show"
expect_match "$show" '^bind4 +0\.0\.0\.0 → 192\.0\.2\.20 \(any address\); ports 4000-4999$' \
	"show: strict and ports (bind4)"
expect_match "$show" '^bind6 .*\(any address\); ports 4000-4999$' \
	"show: strict and ports (bind6)"

# unpin: exactly the pin programs go.
cgaddr unpin pin >/dev/null
expect_eq "$(cgaddr cgroup show pin | awk 'NR > 1 { print $1, $4 }')" "$mark mark4" \
	"unpin leaves the user program"
expect_eq "$(cgaddr prog list | grep -c 'name pin_' || true)" 0 "pin programs deleted"
expect_eq "$(in_cg pin sockprobe bind tcp 0.0.0.0 4040)" "0.0.0.0 4041" "unpinned"
expect_fail cgaddr unpin pin
expect_match "$(cgaddr pin --show pin)" 'no pin in force' "show after unpin"

if [ -n "$full" ]; then
	cgaddr pin pin --ipv4 192.0.2.10 --ipv6 2001:db8::10 >/dev/null
	expect_eq "$(pin_ids pin | wc -l)" 6 "full pin: six programs"
	show=$(cgaddr pin --show pin)
	echo "$show"
	expect_match "$show" '^connect4 +source bound to 192\.0\.2\.10 \(helper bind\)$' \
		"show: connect4"
	expect_match "$show" '^connect6 +source bound to 2001:db8::10; v4-mapped' "show: connect6"
	expect_match "$show" '^sendmsg4 +source → 192\.0\.2\.10 \(unset source only\)$' \
		"show: sendmsg4"
	expect_match "$show" '^sendmsg6 +source → 2001:db8::10 \(unset source only\)$' \
		"show: sendmsg6"
	expect_eq "$(in_cg pin sockprobe bind tcp 0.0.0.0 4040)" "192.0.2.10 4041" "full pin: bind"
	cgaddr unpin pin >/dev/null

	# Egress, pinned to the secondary addresses (for a local destination the
	# kernel would pick the primary .10 anyway).  Servers outside the cgroup
	# report the source they see.
	cgaddr pin pin --ipv4 192.0.2.20 --ipv6 2001:db8::20 >/dev/null
	seen() {	# seen PROTO SERVER_ADDR PORT CLIENT_CMD...: the source a server saw
		local proto=$1 addr=$2 port=$3 i=0
		shift 3
		rm -f /tmp/pin.srv
		if [ "$proto" = tcp ]; then
			sockprobe serve tcp "$addr" "$port" 5 > /tmp/pin.srv 2>/dev/null &
		else
			sockprobe recv udp "$addr" "$port" 5 > /tmp/pin.srv 2>/dev/null &
		fi
		while [ ! -s /tmp/pin.srv ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		"$@" >/dev/null 2>&1 || true
		wait
		tail -1 /tmp/pin.srv | sed -E 's/^(from|recv 4 from) //; s/ [0-9]+$//'
	}
	expect_eq "$(seen tcp 192.0.2.10 4500 in_cg pin sockprobe connect tcp 192.0.2.10 4500)" \
		192.0.2.20 "TCP client v4 leaves from the pinned address"
	expect_eq "$(seen tcp 2001:db8::10 4501 in_cg pin sockprobe connect tcp 2001:db8::10 4501)" \
		2001:db8::20 "TCP client v6 leaves from the pinned address"
	expect_eq "$(seen udp 192.0.2.10 4502 in_cg pin sockprobe connect udp 192.0.2.10 4502)" \
		192.0.2.20 "connected UDP client v4"
	expect_eq "$(seen udp 2001:db8::10 4503 in_cg pin sockprobe connect udp 2001:db8::10 4503)" \
		2001:db8::20 "connected UDP client v6"
	expect_eq "$(seen udp 192.0.2.10 4504 in_cg pin sockprobe send udp 192.0.2.10 4504)" \
		192.0.2.20 "unconnected UDP sendto v4"
	expect_eq "$(seen udp 2001:db8::10 4505 in_cg pin sockprobe send udp 2001:db8::10 4505)" \
		2001:db8::20 "unconnected UDP sendto v6"
	expect_eq "$(seen tcp 0.0.0.0 4506 in_cg pin sockprobe connect tcp ::ffff:192.0.2.10 4506)" \
		192.0.2.20 "v4-mapped connect on an IPv6 socket"
	expect_eq "$(seen tcp 192.0.2.10 4507 in_cg pin/sub sockprobe connect tcp 192.0.2.10 4507)" \
		192.0.2.20 "a descendant cgroup's client"
	expect_eq "$(seen tcp 192.0.2.10 4508 sockprobe connect tcp 192.0.2.10 4508)" \
		192.0.2.10 "outside the cgroup: the kernel's choice"
	expect_eq "$(seen udp 192.0.2.10 4509 sockprobe send udp 192.0.2.10 4509)" \
		192.0.2.10 "outside the cgroup: UDP unchanged"
	# The TCP server in the cgroup on 0.0.0.0 is reachable on the pinned address only.
	rm -f /tmp/pin.srv
	in_cg pin sockprobe serve tcp 0.0.0.0 4510 5 > /tmp/pin.srv 2>/dev/null &
	i=0
	while [ ! -s /tmp/pin.srv ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# (mark4, still attached beside the pin, adds one to the port.)
	expect_eq "$(head -1 /tmp/pin.srv)" "192.0.2.20 4511" "the server in the cgroup is pinned"
	expect_eq "$(sockprobe connect tcp 192.0.2.10 4511 2>/dev/null | head -1)" "error ECONNREFUSED" \
		"the pinned server is not on the other address"
	expect_match "$(sockprobe connect tcp 192.0.2.20 4511 2>/dev/null | tail -1)" \
		'^peer 192\.0\.2\.20 4511$' "the pinned server answers on its address"
	wait
	cgaddr unpin pin >/dev/null
	expect_eq "$(pin_ids pin)" "" "full unpin"
fi
policy_reset
