# No kernel address reaches a program or a user: leakprobe tries every
# helper that returns something, ctx->sk and its fields, the virtual
# addresses of the regions, registers after helper calls, the stack a run
# starts with, TEST_RUN's answer, the listings; the module's parameters are
# checked too.  Values are compared with the kernel's half of the address
# space and with the range of real addresses /proc/kallsyms shows root with
# kptr_restrict=0 (the socket's own address in /proc/net/udp6 is hashed
# unless the guest boots with no_hash_pointers; leakprobe uses it then).
kr=$(cat /proc/sys/kernel/kptr_restrict)
echo 0 > /proc/sys/kernel/kptr_restrict
# arm64's kallsyms has no _text (it lies before _stext); both have _stext.
# The kernel image is at 0xffffffff8... on x86-64, 0xffff8000... on arm64.
text=$(grep ' _stext$' /proc/kallsyms | cut -d' ' -f1)
echo "$kr" > /proc/sys/kernel/kptr_restrict
expect_match "$text" '^ffff' "kallsyms shows root the kernel's real addresses"

cg_new leak
echo 0 > /proc/sys/kernel/kptr_restrict
out=$(leakprobe "$CG/leak") || { echo "$kr" > /proc/sys/kernel/kptr_restrict; fail "$out"; }
echo "$kr" > /proc/sys/kernel/kptr_restrict
expect_match "$out" 'kallsyms range 0xfff' "kallsyms' real addresses were known to compare with"
echo "report: $(echo "$out" | tail -n 1)"

for f in /sys/module/cgaddr/parameters/*; do
	v=$(cat "$f")
	if echo "$v" | grep -Eiq 'ffff[0-9a-f]{8}|[0-9]{17,}'; then
		fail "$f shows what could be a kernel address: $v"
	fi
done
