# The module loaded at boot and its self-check proved the hooks redirect.
module_loaded || fail "cgaddr is not loaded"
dmesg | grep -q 'cgaddr: self-check passed' || fail "no self-check message in dmesg"
dmesg | grep -q 'cgaddr: version .* loaded' || fail "no load message"
