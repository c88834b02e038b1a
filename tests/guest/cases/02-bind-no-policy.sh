# With the module loaded and no policy anywhere, bind() behaves exactly as
# without the module: same addresses, same ports, same errors.
dummy_up cgd0 192.0.2.1/24 2001:db8::1/64

probe_all() {
	sockprobe bind tcp 0.0.0.0 4100
	sockprobe bind udp 0.0.0.0 4100
	sockprobe bind tcp 127.0.0.1 4101
	sockprobe bind udp 192.0.2.1 4102
	sockprobe bind tcp :: 4103
	sockprobe bind udp ::1 4104
	sockprobe bind tcp 2001:db8::1 4105
	sockprobe bind udp ::ffff:127.0.0.1 4106
	sockprobe bind tcp 198.51.100.1 4107	# not local: EADDRNOTAVAIL
	sockprobe -u 1000 -g 1000 bind tcp 0.0.0.0 80	# EACCES
	sockprobe -u 1000 -g 1000 bind udp :: 8080
	sockprobe bind udp 0.0.0.0 0 | sed 's/ [0-9]*$/ EPHEMERAL/'
}

module_load
with=$(probe_all 2>/dev/null || true)
rmmod cgaddr
without=$(probe_all 2>/dev/null || true)
module_load

echo "$with"
expect_eq "$with" "$without" "bind results with and without cgaddr"
expect_match "$with" '^0\.0\.0\.0 4100$' "wildcard TCP bind"
expect_match "$with" '^error EADDRNOTAVAIL$' "non-local bind"
expect_match "$with" '^error EACCES$' "unprivileged low port"
expect_match "$with" '^::ffff:127\.0\.0\.1 4106$' "v4-mapped bind"
