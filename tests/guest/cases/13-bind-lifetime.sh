# Which cgroup a socket belongs to, cgroup removal, rmmod with policy in
# place and sockets bound.
dummy_up cgd0 192.0.2.10/24
cg_new ca
cg_new cb
p=$(prog_load /progs/bind4_demo.o)
cgaddr cgroup attach ca bind4 "$p"

# The socket's cgroup is where it was created, not where bind() runs.
expect_eq "$(in_cg ca sockprobe -m "$CG/cb" bind udp 0.0.0.0 4060)" "192.0.2.10 4060" \
	"socket created in A, bound from B: A's programs run"
expect_eq "$(in_cg cb sockprobe -m "$CG/ca" bind udp 0.0.0.0 4061)" "0.0.0.0 4061" \
	"socket created in B, bound from A: B's (none) run"

# A server bound through a program keeps working after rmmod.
in_cg ca sockprobe recv udp 0.0.0.0 4062 20 > /tmp/recv.out &
srv=$!
i=0
while ! grep -q 4062 /tmp/recv.out 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "$(head -1 /tmp/recv.out)" "192.0.2.10 4062" "server bound to the pinned address"
rmmod cgaddr
expect_eq "$(sockprobe send udp 192.0.2.10 4062)" "sent 4" "send after rmmod"
wait $srv
expect_match "$(tail -1 /tmp/recv.out)" '^recv 4 from 192\.0\.2\.10 ' "bound socket works after rmmod"
insmod /lib/cgaddr/cgaddr.ko

# Removing a cgroup with attachments: shown as gone, then released.
p=$(prog_load /progs/bind4_demo.o)
mkdir "$CG/gone"
cgaddr cgroup attach gone bind4 "$p"
expect_eq "$(cgaddr -j prog show "$p" | grep -o '"attach_cnt":[0-9]*')" '"attach_cnt":1' "attached once"
rmdir "$CG/gone"
i=0
while cgaddr -j prog show "$p" | grep -q '"attach_cnt":1' && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(cgaddr -j prog show "$p" | grep -o '"attach_cnt":[0-9]*')" '"attach_cnt":0' \
	"a removed cgroup's attachments are released"
cgaddr prog del "$p"
expect_fail cgaddr prog show "$p"
policy_reset
