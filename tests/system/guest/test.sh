#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The system test inside the Debian guest (tests/system/run), run by
# cgaddr-test.service at every boot of the same disk; stdout is the second
# serial port.  Prints "PASS name" / "FAIL name" (with what went wrong,
# indented), closes with "system: boot N done" and powers the guest off.
#
#   boot 1: dpkg -i the project's packages (DKMS builds cgaddr.ko here,
#           against Debian's headers), cgaddr.service, policy in
#           /etc/cgaddr.d for units that start after it, and real
#           programs in pinned and unpinned units, scopes and cgaddr run;
#           systemctl reload cgaddr with changed files;
#   boot 2: what boot 1 left in the files in force from boot on, then
#           dpkg -i of the same packages with the policy in force, and
#           apt purge leaving nothing behind.
#
# Addresses (tests/system/guest/net.sh, all on dummy0): 192.0.2.1 and
# 2001:db8::1 for servers outside every rule; nginx.service pinned to .10;
# curl-*.service units to .20 (.21 after the reload); pinscope-*.scope to
# .30; cgaddr run to .40; a cgroup made by hand to .50, then .51;
# udpclient-*.service to .60; tweb@*.service instances to .70.  nginx's
# access log tells the source address of an HTTP client, a socat UDP
# server answers with it.
set -eu

T=/root/cgaddr-test
S=/var/lib/cgaddr-test
CONF=/etc/cgaddr.d/system-test.conf
mkdir -p "$S"
boot=$(( $(cat "$S/boot" 2>/dev/null || echo 0) + 1 ))
echo "$boot" > "$S/boot"
W=$(mktemp -d)

# t NAME FUNCTION [ARG]...: one check.  It runs in a subshell with set -e
# (a check in an `if` would run with errexit off), its output is shown only
# when it fails.
t() {
	local name=$1 rc
	shift
	set +e
	( set -e; "$@" ) > "$W/out" 2>&1
	rc=$?
	set -e
	if [ "$rc" = 0 ]; then
		echo "PASS $name"
	else
		echo "FAIL $name"
		sed 's/^/    /' "$W/out" | tail -n 40
	fi
}
expect_eq() {	# ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || { echo "$3: got '$1', expected '$2'"; return 1; }
}
info() { echo "INFO $*"; }

# ---- probes ------------------------------------------------------------------
# HTTP status of URL for a client run by the given command prefix (000: no
# connection).
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1" || true; }
# The address nginx saw as the source of the last request.
seen() { tail -n 1 /var/log/nginx/access.log | cut -d' ' -f1; }
# in_unit UNIT CMD...: CMD as a transient service of system.slice.
in_unit() { local u=$1; shift; systemd-run -q -G -P -u "$u" "$@"; }
# http_src RUNNER... : GET nginx over IPv4 and IPv6 through RUNNER and print
# the two sources nginx saw.
http_src() {
	local a b
	"$@" curl -s -o /dev/null --max-time 10 http://192.0.2.10/ || true
	a=$(seen)
	"$@" curl -s -o /dev/null --max-time 10 'http://[2001:db8::10]/' || true
	b=$(seen)
	echo "$a $b"
}
# unit PREFIX SUFFIX: a unit name not used before in this boot (a failed
# unit lingers); counted in a file, as it runs in $(...).
unit() {
	local c
	c=$(( $(cat "$W/units" 2>/dev/null || echo 0) + 1 ))
	echo "$c" > "$W/units"
	echo "$1-$c$2"
}

# nginx, stock `listen 80` and `listen [::]:80`, pinned: its sockets are on
# the pinned addresses and it answers there only.
nginx_pinned() {
	local l u
	systemctl is-active -q nginx
	l=$(ss -Hltn 'sport = :80' | awk '{print $4}' | sort | tr '\n' ' ')
	expect_eq "$l" "192.0.2.10:80 [2001:db8::10]:80 " "nginx's listening sockets"
	expect_eq "$(code http://192.0.2.10/)" 200 "http://192.0.2.10/"
	expect_eq "$(code 'http://[2001:db8::10]/')" 200 "http://[2001:db8::10]/"
	for u in http://192.0.2.1/ http://127.0.0.1/ 'http://[2001:db8::1]/' 'http://[::1]/'; do
		expect_eq "$(code "$u")" 000 "$u (another address of the host)"
	done
}
nginx_unpinned() {
	local l
	l=$(ss -Hltn 'sport = :80' | awk '{print $4}' | sort | tr '\n' ' ')
	expect_eq "$l" "0.0.0.0:80 [::]:80 " "nginx's listening sockets"
	expect_eq "$(code http://127.0.0.1/)" 200 "http://127.0.0.1/"
}
curl_pinned() {	# V4 V6: a curl-*.service unit's sources
	expect_eq "$(http_src in_unit "$(unit curl .service)")" "$1 $2" "curl in a curl-*.service unit"
}
# The socat UDP servers outside every rule answer with the peer address
# they saw (IPv6 written out in full by socat).
udp_servers() {
	systemctl is-active -q udpecho4 ||
		systemd-run -q -u udpecho4 socat UDP4-RECVFROM:5300,bind=192.0.2.1,fork SYSTEM:'echo $SOCAT_PEERADDR'
	systemctl is-active -q udpecho6 ||
		systemd-run -q -u udpecho6 socat 'UDP6-RECVFROM:5300,bind=[2001:db8::1],fork' SYSTEM:'echo $SOCAT_PEERADDR'
	sleep 1
}
udp_ask() {	# PEER...: socat client through in_unit, connected and unconnected
	local u=$1; shift
	echo x | in_unit "$u" socat -t 3 - "$@" 2>&1 | head -n 1
}
udp_pinned() {
	udp_servers
	expect_eq "$(udp_ask "$(unit udpclient .service)" UDP4:192.0.2.1:5300)" 192.0.2.60 "connected UDP, IPv4"
	expect_eq "$(udp_ask "$(unit udpclient .service)" UDP4-SENDTO:192.0.2.1:5300)" 192.0.2.60 \
		"unconnected UDP (sendto), IPv4"
	expect_eq "$(udp_ask "$(unit udpclient .service)" 'UDP6:[2001:db8::1]:5300')" \
		'[2001:0db8:0000:0000:0000:0000:0000:0060]' "connected UDP, IPv6"
	expect_eq "$(udp_ask "$(unit udpclient .service)" 'UDP6-SENDTO:[2001:db8::1]:5300')" \
		'[2001:0db8:0000:0000:0000:0000:0000:0060]' "unconnected UDP (sendto), IPv6"
}
rules_listed() {	# the rules of the files, each in force where its cgroups are
	cgaddr rule list > "$W/rules"
	cat "$W/rules"
	for p in system.slice/nginx.service 'system.slice/curl-\*.service' \
		'system.slice/udpclient-\*.service' 'system.slice/pinscope-\*.scope' \
		'system.slice/system-tweb.slice/tweb@\*.service'; do
		grep -q "$p" "$W/rules" || { echo "no rule for $p"; return 1; }
	done
}
journal_has_service() {
	journalctl -b -u cgaddr.service --no-pager -o cat > "$W/j"
	cat "$W/j"
	grep -Eq '^(apply: |pinned |unchanged: |rule +id )' "$W/j"
}

# ---- policy in /etc/cgaddr.d ---------------------------------------------------
# Every section is a rule: the units named have not started when
# cgaddr.service applies the files at boot.
write_policy() {	# CURL_V4 CURL_V6
	cat > "$CONF" <<EOF
[system.slice/nginx.service]
pin ipv4 192.0.2.10 ipv6 2001:db8::10
[system.slice/curl-*.service]
pin ipv4 $1 ipv6 $2
[system.slice/udpclient-*.service]
pin ipv4 192.0.2.60 ipv6 2001:db8::60
[system.slice/pinscope-*.scope]
pin ipv4 192.0.2.30 ipv6 2001:db8::30
# systemd puts a template's instances in a slice of their own.
[system.slice/system-tweb.slice/tweb@*.service]
pin ipv4 192.0.2.70
EOF
}

# ---- boot 1 ----------------------------------------------------------------
# Before anything of cgaddr is installed: nginx on the wildcard, and the
# sources the kernel gives an HTTP client here, the reference for clients
# outside every rule later.
baseline() {
	nginx_unpinned
	http_src env > "$S/baseline"
	cat "$S/baseline"
}
install() {
	local t0
	t0=$(date +%s)
	dpkg -i "$T"/cgaddr-dkms_*_all.deb "$T"/cgaddr_*.deb
	echo $(( $(date +%s) - t0 )) > "$S/dpkg-seconds"
	dpkg -s cgaddr cgaddr-dkms | grep -c '^Status: install ok installed$' | grep -qx 2
	dkms status cgaddr
	dkms status cgaddr | grep -q "$(uname -r).*: installed"
	modinfo -n cgaddr
	modinfo -n cgaddr | grep -q '/updates/dkms/cgaddr\.ko'
}
service_up() {
	systemctl is-enabled cgaddr
	systemctl start cgaddr
	systemctl is-active cgaddr
	grep '^cgaddr ' /proc/modules
	cgaddr version
}
policy_first() {
	write_policy 192.0.2.20 2001:db8::20
	systemctl reload cgaddr
	rules_listed
}
restart_nginx() {
	local before
	before=$(systemctl show -P MainPID nginx)
	systemctl restart nginx
	[ "$(systemctl show -P MainPID nginx)" != "$before" ]
	nginx_pinned
}
scope_pinned() {
	expect_eq "$(http_src systemd-run -q --scope -u "$(unit pinscope .scope)")" \
		"192.0.2.30 2001:db8::30" "systemd-run --scope"
}
run_pinned() {
	local mine
	mine=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
	expect_eq "$(http_src cgaddr run --ipv4 192.0.2.40 --ipv6 2001:db8::40 --)" \
		"192.0.2.40 2001:db8::40" "cgaddr run"
	expect_eq "$(http_src systemd-run -q --scope -p Delegate=yes cgaddr run --ipv4 192.0.2.40 --ipv6 2001:db8::40 --)" \
		"192.0.2.40 2001:db8::40" "systemd-run --scope -p Delegate=yes cgaddr run"
	expect_eq "$(find "$mine" -mindepth 1 -type d -name 'cgaddr-run-*')" "" "cgaddr run's cgroups left"
	! cgaddr rule list | grep -q cgaddr-run- || { echo "a cgaddr run rule is left"; return 1; }
}
unaffected() {
	local l
	# The test's own unit, a transient unit and a scope outside every rule:
	# the sources are those from before cgaddr was installed.
	local base
	base=$(cat "$S/baseline")
	expect_eq "$(http_src env)" "$base" "the test's own unit"
	expect_eq "$(http_src in_unit "$(unit plain .service)")" "$base" "a plain unit"
	expect_eq "$(http_src systemd-run -q --scope -u "$(unit plain .scope)")" "$base" "a plain scope"
	udp_servers
	expect_eq "$(udp_ask "$(unit plainudp .service)" UDP4:192.0.2.1:5300)" 192.0.2.1 "UDP in a plain unit"
	# A wildcard server outside every rule stays on the wildcard.
	systemd-run -q -u plainsrv socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:true
	sleep 1
	l=$(ss -Hltn 'sport = :8080' | awk '{print $4}')
	expect_eq "$l" "0.0.0.0:8080" "a wildcard server outside the rules"
	systemctl stop plainsrv
}
# Instances of a template unit, each a socat server on the wildcard.
template_pinned() {
	local l p
	printf '[Service]\nExecStart=/usr/bin/socat TCP-LISTEN:%%i,fork,reuseaddr SYSTEM:true\n' \
		> /etc/systemd/system/tweb@.service
	systemctl daemon-reload
	systemctl start tweb@8081 tweb@8082
	sleep 1
	p=$(systemctl show -P MainPID tweb@8081)
	expect_eq "$(cut -d: -f3 "/proc/$p/cgroup")" /system.slice/system-tweb.slice/tweb@8081.service \
		"an instance's cgroup"
	l=$(ss -Hltn '( sport = :8081 or sport = :8082 )' | awk '{print $4}' | sort | tr '\n' ' ')
	systemctl stop tweb@8081 tweb@8082
	expect_eq "$l" "192.0.2.70:8081 192.0.2.70:8082 " "the instances' listening sockets"
}
in_hand() { sh -c 'echo $$ > /sys/fs/cgroup/cgaddr-hand/cgroup.procs && exec "$@"' sh "$@"; }
reload_changes() {
	mkdir -p /sys/fs/cgroup/cgaddr-hand
	printf '[cgaddr-hand]\npin ipv4 192.0.2.50\n' > /etc/cgaddr.d/hand.conf
	systemctl reload cgaddr
	expect_eq "$(http_src in_hand)" "192.0.2.50 2001:db8::10" "a cgroup made by hand, after a reload"
	sed -i 's/192\.0\.2\.50/192.0.2.51/' /etc/cgaddr.d/hand.conf
	systemctl reload cgaddr
	expect_eq "$(http_src in_hand)" "192.0.2.51 2001:db8::10" "the same, its file changed and reloaded"
	rm /etc/cgaddr.d/hand.conf
	systemctl reload cgaddr
	expect_eq "$(http_src in_hand)" "$(cat "$S/baseline")" "its file removed and reloaded"
	rmdir /sys/fs/cgroup/cgaddr-hand
	# The units' rule changed in the files: in force for the next unit.
	write_policy 192.0.2.21 2001:db8::21
	systemctl reload cgaddr
	curl_pinned 192.0.2.21 2001:db8::21
}

# ---- boot 2 ----------------------------------------------------------------
at_boot() {
	systemctl is-active cgaddr
	grep '^cgaddr ' /proc/modules
	rules_listed
	# The listing and pin --show name the running nginx's cgroup.
	grep -q 'in force in /system.slice/nginx.service' "$W/rules"
	cgaddr pin --show system.slice/nginx.service
	cgaddr pin --show system.slice/nginx.service | grep -q 'pinned to 192.0.2.10 and 2001:db8::10'
	nginx_pinned
}
reinstall() {
	local t0
	t0=$(date +%s)
	dpkg -i "$T"/cgaddr-dkms_*_all.deb "$T"/cgaddr_*.deb
	echo $(( $(date +%s) - t0 )) > "$S/dpkg2-seconds"
	modinfo -n cgaddr | grep -q '/updates/dkms/cgaddr\.ko'
	systemctl is-enabled cgaddr
	systemctl is-active cgaddr
	grep '^cgaddr ' /proc/modules
	rules_listed
	nginx_pinned
	curl_pinned 192.0.2.21 2001:db8::21
	restart_nginx
}
purge() {
	local left
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cgaddr cgaddr-dkms
	left=$(find /lib/modules /usr/src /var/lib/dkms /etc /lib/systemd /usr/lib/systemd /run /usr/sbin \
		/usr/share /var/lib \( -name 'cgaddr*' -o -name '*cgaddr.ko*' \) \
		-not -path '/var/lib/cgaddr-test*' -not -path '/etc/systemd/system/cgaddr-test*' \
		-not -path '/etc/systemd/system/multi-user.target.wants/cgaddr-test*' 2>/dev/null || true)
	# The policy file is the administrator's, not the package's: dpkg keeps
	# it (and so its directory), as for any package.
	expect_eq "$left" /etc/cgaddr.d "files left"
	expect_eq "$(ls -A /etc/cgaddr.d)" system-test.conf "left in /etc/cgaddr.d"
	expect_eq "$(dpkg -l 'cgaddr*' 2>/dev/null | grep -c '^[a-z][a-z] ' || true)" 0 "packages known to dpkg"
	expect_eq "$(systemctl list-unit-files -q cgaddr.service | wc -l)" 0 "cgaddr.service"
	expect_eq "$(grep -c '^cgaddr ' /proc/modules || true)" 0 "cgaddr module loaded"
	systemctl restart nginx
	nginx_unpinned
}

case $boot in
1)
	t "before the packages: nginx on the wildcard, the kernel's sources noted" baseline
	t "dpkg -i cgaddr-dkms cgaddr: DKMS builds and installs cgaddr.ko for $(uname -r)" install
	[ -f "$S/dpkg-seconds" ] && info "dpkg -i with the DKMS build: $(cat "$S/dpkg-seconds")s"
	t "cgaddr.service enabled by the package, started: the module is loaded" service_up
	t "/etc/cgaddr.d sections for units not running yet, systemctl reload cgaddr: rules made" policy_first
	t "nginx restarted after the rule: reachable only on its pinned addresses" restart_nginx
	t "systemctl restart nginx: a new cgroup, still pinned" restart_nginx
	t "curl in a curl-*.service unit: nginx sees the pinned sources" curl_pinned 192.0.2.20 2001:db8::20
	t "socat UDP clients in udpclient-*.service units: the server sees the pinned sources" udp_pinned
	t "systemd-run --scope under a rule: pinned" scope_pinned
	t "instances of a template unit under a pattern: pinned" template_pinned
	t "cgaddr run --ipv4 --ipv6 -- curl: pinned, its cgroup and rule removed" run_pinned
	t "units, scopes and servers outside every rule: unaffected" unaffected
	t "systemctl reload cgaddr: changed files take effect" reload_changes
	t "the service's messages are in the journal" journal_has_service
	;;
2)
	t "after a reboot: cgaddr.service loaded the module and the policy, nginx pinned from its start" at_boot
	t "after a reboot: curl-*.service units pinned as the changed files say" curl_pinned 192.0.2.21 2001:db8::21
	t "after a reboot: UDP clients pinned" udp_pinned
	t "after a reboot: the service's messages are in the journal" journal_has_service
	t "dpkg -i of the packages again with the policy in force: still in force" reinstall
	[ -f "$S/dpkg2-seconds" ] && info "dpkg -i again: $(cat "$S/dpkg2-seconds")s"
	t "apt purge cgaddr cgaddr-dkms: no module, unit or state left, nginx back on the wildcard" purge
	;;
*)
	echo "FAIL boot $boot: the disk was booted more than twice"
	;;
esac
echo "system: boot $boot done"
systemctl --no-block poweroff
