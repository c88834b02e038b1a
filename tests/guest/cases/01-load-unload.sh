# The module loads and unloads cleanly 20 times; each load passes its
# self-check.  (Splats fail the whole run through the kernel log scan.)
module_loaded || fail "cgaddr is not loaded at start"
before=$(dmesg | grep -c 'cgaddr: self-check passed')
i=0
while [ $i -lt 20 ]; do
	rmmod cgaddr || fail "rmmod failed on round $i"
	module_loaded && fail "cgaddr still loaded after rmmod on round $i"
	insmod /lib/cgaddr/cgaddr.ko || fail "insmod failed on round $i"
	i=$((i + 1))
done
after=$(dmesg | grep -c 'cgaddr: self-check passed')
expect_eq "$((after - before))" 20 "self-checks passed during 20 reloads"
expect_eq "$(dmesg | grep -c 'cgaddr: unloaded')" 20 "unload messages"
