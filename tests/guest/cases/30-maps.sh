# Maps (tests/progs/maps.c, maps_legacy.c): one object's maps created at
# load and shared by its programs, a HASH counting binds per port, an ARRAY
# rule updated from user space while binds run, PERCPU_ARRAY, LRU eviction,
# NOEXIST/EXIST from programs and from user space, sk_storage, reuse of a
# map by id across objects, map del deferred while a program uses it,
# permissions, and every object freed at the end.
P=/sys/module/cgaddr/parameters
unpriv() { setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all "$@"; }

# map_id NAME: the id of the map named NAME.
map_id() {
	cgaddr map show name "$1" | sed -n '1s/^\([0-9]*\):.*/\1/p'
}
# value NAME KEY: the value bytes of one entry ("01 00 ...").
value() {
	cgaddr map lookup name "$1" key "$2" | sed -n 's/.*value: //p'
}
# le B0 B1 ... B7: little-endian bytes as a number.
le() {
	local n=0 i=$#
	while [ $i -gt 0 ]; do
		eval "n=\$(( n * 256 + 0x\${$i} ))"
		i=$((i - 1))
	done
	echo $n
}

expect_eq "$(cat $P/objects)" "programs 0 cgroups 0 maps 0" "nothing live at start"
cg_new maps
out=$(cgaddr prog load /progs/maps.o) || fail "loading maps.o: $out"
b4=$(echo "$out" | sed -n 's/^id \([0-9]*\) name count_bind4$/\1/p')
b6=$(echo "$out" | sed -n 's/^id \([0-9]*\) name count_bind6$/\1/p')
[ -n "$b4" ] && [ -n "$b6" ] || fail "two programs: $out"
cgaddr cgroup attach maps bind4 "$b4"
cgaddr cgroup attach maps bind6 "$b6"
expect_eq "$(cgaddr map list | grep -c '^[0-9]*:')" 6 "the object's six maps, created once"
expect_match "$(cgaddr map show name port_counts)" "hash  name port_counts  key 4B  value 8B  max_entries 64" \
	"port_counts as defined"
expect_match "$(cgaddr map show name port_counts)" "programs 2  handle no" \
	"port_counts is shared by both programs; the loader dropped its handle"
expect_match "$(cgaddr prog show "$b6")" "maps $(map_id port_counts)\$" "prog show lists the maps"
expect_match "$(cgaddr map show name pcpu)" "memory [1-9][0-9]*B" "memory is accounted"

# HASH: binds per port, from both programs.
for i in 1 2 3; do
	expect_eq "$(in_cg maps sockprobe bind udp 127.0.0.1 5300)" "127.0.0.1 5300" "bind $i"
done
expect_eq "$(in_cg maps sockprobe bind udp ::1 5300)" "::1 5300" "bind6"
expect_eq "$(value port_counts u32:5300)" "04 00 00 00 00 00 00 00" "4 binds of port 5300 counted"
# NOEXIST on a present key, EXIST on an absent one, as the program saw them.
expect_eq "$(value noexist_err u32:0)" "ef ff ff ff ff ff ff ff" "program: NOEXIST on a present key: -EEXIST"
expect_eq "$(value noexist_err u32:1)" "fe ff ff ff ff ff ff ff" "program: EXIST on an absent key: -ENOENT"

# ARRAY rule: deny a port, set while binds run; the verdicts change.
cgaddr map update name rules key u32:0 value u32:5301
expect_eq "$(in_cg maps sockprobe bind udp 127.0.0.1 5301)" "error EPERM" "rule denies 5301"
expect_eq "$(in_cg maps sockprobe bind udp 127.0.0.1 5302)" "127.0.0.1 5302" "rule allows 5302"
# Binds run in a loop (until 5 succeed) while the rule is cleared: wait for
# a few denies first, so the update lands in the middle of the traffic.
: > /tmp/maps-verdicts
(
	i=0
	ok=0
	while [ $i -lt 2000 ] && [ $ok -lt 5 ]; do
		r=$(in_cg maps sockprobe bind udp 127.0.0.1 5301)
		echo "$r"
		[ "$r" = "127.0.0.1 5301" ] && ok=$((ok + 1))
		i=$((i + 1))
	done
) >> /tmp/maps-verdicts &
loop=$!
i=0
while n=$(grep -c EPERM /tmp/maps-verdicts); [ "${n:-0}" -lt 3 ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
cgaddr map update name rules key u32:0 value u32:0
wait $loop
verdicts=$(uniq /tmp/maps-verdicts | tr '\n' '|')
expect_match "$verdicts" "^(error EPERM\|)+(127.0.0.1 5301\|)+$" \
	"denied until the rule changed, allowed after"
expect_eq "$(le $(value port_counts u32:5301))" "$(($(wc -l < /tmp/maps-verdicts) + 1))" \
	"every bind of 5301 counted, denied or not"

# PERCPU_ARRAY: one value per CPU; they add up to the v4 binds.
pc=$(cgaddr map lookup name pcpu key u32:0)
cpus=$(echo "$pc" | grep -c 'cpu [0-9]*:')
[ "$cpus" -ge "$(grep -c ^processor /proc/cpuinfo)" ] || fail "a value per CPU: $cpus"
sum=0
for line in $(echo "$pc" | sed -n 's/.*cpu [0-9]*: //p' | tr ' ' ','); do
	sum=$((sum + $(le $(echo "$line" | tr ',' ' '))))
done
v4=$(($(cat /tmp/maps-verdicts | wc -l) + 5))
expect_eq "$sum" "$v4" "per-CPU counts add up to the $v4 bind4 runs"
cgaddr map update name pcpu key u32:0 value u64:7
expect_eq "$(cgaddr map lookup name pcpu key u32:0 | grep -c ': 07 00 00 00 00 00 00 00')" "$cpus" \
	"a user-space update sets every CPU's value"

# LRU_HASH of 4: after binds of 6 new ports, the 4 newest remain.
for p in 5310 5311 5312 5313 5314 5315; do
	in_cg maps sockprobe bind udp 127.0.0.1 $p >/dev/null
done
expect_match "$(cgaddr map show name recent)" "entries 4 " "LRU stays at max_entries"
expect_eq "$(value recent u32:5315)" "c3 14 00 00" "newest kept"
expect_fail cgaddr map lookup name recent key u32:5310
expect_eq "$(cgaddr map lookup name recent key u32:5310 2>&1)" \
	"cgaddr: map lookup: no such key in the map" "oldest evicted"

# sk_storage: one entry per live socket, made by the program, gone with
# the socket (module/sk_storage.c watches sockets die).
# sk_entries WANT: the map's entry count, once it reads WANT (up to 5 s).
sk_entries() {
	local n i=0
	while n=$(cgaddr map show name sk_binds | sed -n 's/^\tentries \([0-9]*\) .*/\1/p') &&
	      [ "$n" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "$n"
}
expect_eq "$(sk_entries 0)" 0 "the sockets of the binds above are closed: their storage went with them"
rm -f /tmp/sk4 /tmp/sk6
# count_bind4 makes the storage: both are v4.  They wait 30 s at most, and
# are ended below.
in_cg maps sockprobe recv udp 127.0.0.1 5320 30 > /tmp/sk4 &
in_cg maps sockprobe serve tcp 127.0.0.1 5321 30 > /tmp/sk6 &
i=0
while { [ ! -s /tmp/sk4 ] || [ ! -s /tmp/sk6 ]; } && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "$(cat /tmp/sk4 /tmp/sk6)" "127.0.0.1 5320
127.0.0.1 5321" "a UDP and a TCP socket bound and open"
expect_eq "$(sk_entries 2)" 2 "one entry per live socket"
expect_eq "$(cgaddr map dump name sk_binds | grep -v Found | sed 's/.*value: //' | sort -u)" "01 00 00 00" \
	"one bind per socket"
sockprobe send udp 127.0.0.1 5320 >/dev/null
sockprobe connect tcp 127.0.0.1 5321 >/dev/null
wait
expect_eq "$(sk_entries 0)" 0 "closed: both entries freed with their sockets"

# User-space flags and errors: nothing changes.
expect_eq "$(cgaddr map update name port_counts key u32:5300 value u64:1 noexist 2>&1)" \
	"cgaddr: map update: the key exists (BPF_NOEXIST)" "user NOEXIST on a present key"
expect_eq "$(cgaddr map update name port_counts key u32:9999 value u64:1 exist 2>&1)" \
	"cgaddr: map update: the key does not exist (BPF_EXIST)" "user EXIST on an absent key"
expect_eq "$(value port_counts u32:5300)" "04 00 00 00 00 00 00 00" "unchanged"
expect_fail cgaddr map lookup name port_counts key u32:9999
expect_match "$(cgaddr map update name port_counts key u16:1 value u64:1 2>&1)" \
	"the key is 2 bytes; map [0-9]+ takes 4-byte keys" "wrong key size"
expect_match "$(cgaddr map delete name rules key u32:0 2>&1)" "array entries cannot be deleted" \
	"array delete"
cgaddr map update name port_counts key u32:9999 value u64:5 noexist
cgaddr map delete name port_counts key u32:9999
expect_fail cgaddr map delete name port_counts key u32:9999
small=$(cgaddr map create type hash key 4 value 4 entries 2 name small)
small=${small#id }
cgaddr map update "$small" key u32:1 value u32:1
cgaddr map update "$small" key u32:2 value u32:2
expect_match "$(cgaddr map update "$small" key u32:3 value u32:3 2>&1)" "the map is full" "HASH full: E2BIG"
expect_match "$(cgaddr map create type 27 key 4 value 4 entries 2 2>&1)" "map type 27 is not supported" \
	"unsupported type"
expect_match "$(cgaddr map create type hash key 513 value 4 entries 2 2>&1)" "key size 513" "key > 512"
expect_match "$(cgaddr map create type array key 4 value 4 entries 2000000 2>&1)" "max_entries" \
	"max_entries cap"
expect_match "$(cgaddr map create type array key 4 value 32768 entries 1048576 2>&1)" \
	"over map_memory_max" "memory cap"
expect_eq "$(cgaddr map list | grep -c '^[0-9]*:')" 7 "failed creates left nothing"
cgaddr map del "$small"

# Permissions: contents need CAP_NET_ADMIN, the listing does not.
unpriv cgaddr map list >/dev/null || fail "map list as uid 1000"
expect_fail unpriv cgaddr map lookup name rules key u32:0
expect_fail unpriv cgaddr map update name rules key u32:0 value u32:1
expect_fail unpriv cgaddr map create type array key 4 value 4 entries 1

# A legacy object reusing a map by id; map del deferred while it is used.
blocked=$(cgaddr map create type hash key 4 value 4 entries 16 name blocked)
blocked=${blocked#id }
expect_match "$(cgaddr prog load /progs/maps_legacy.o map blocked=$(map_id rules) 2>&1)" \
	"max_entries" "reuse of an incompatible map refused"
leg=$(prog_load /progs/maps_legacy.o map blocked="$blocked")
expect_match "$(cgaddr map show "$blocked")" "programs 1  handle yes" "reused: one program, the handle"
cgaddr cgroup attach maps connect4 "$leg"
cgaddr map update "$blocked" key u32:5320 value u32:1
expect_eq "$(in_cg maps sockprobe connect udp 127.0.0.1 5320)" "error EPERM" "legacy map blocks 5320"
expect_match "$(in_cg maps sockprobe connect udp 127.0.0.1 5321)" "^127.0.0.1 " "5321 allowed"
expect_eq "$(value seen u32:0)" "02 00 00 00 00 00 00 00" "legacy ARRAY counted"
cgaddr map del "$blocked"
expect_match "$(cgaddr map show "$blocked")" "programs 1  handle no" "map del deferred while used"
expect_eq "$(cgaddr map del "$blocked" 2>&1)" \
	"cgaddr: map del: map $blocked was already deleted; it lives until its 1 program(s) are deleted" \
	"second del"
expect_eq "$(in_cg maps sockprobe connect udp 127.0.0.1 5320)" "error EPERM" "still in force"

# Unload: maps go with their last program.
cgaddr cgroup detach maps connect4 "$leg"
cgaddr prog del "$leg"
expect_fail cgaddr map show "$blocked"
cgaddr cgroup detach maps bind4 "$b4"
cgaddr prog del "$b4"
expect_match "$(cgaddr map show name port_counts)" "programs 1" "port_counts still used by bind6"
cgaddr cgroup detach maps bind6 "$b6"
cgaddr prog del "$b6"
expect_eq "$(cgaddr map list)" "" "no maps left"
i=0
while [ "$(cat $P/objects)" != "programs 0 cgroups 0 maps 0" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$(cat $P/objects)" "programs 0 cgroups 0 maps 0" "every object freed"
rm -f /tmp/maps-verdicts
