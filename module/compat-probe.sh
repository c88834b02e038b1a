#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Probe the target kernel's headers for the API differences cgaddr cares
# about and print the matching -DCGADDR_HAVE_* flags.  Probing features
# rather than comparing versions keeps distribution backports working.
#
#   compat-probe.sh SRCTREE OBJTREE [SRCARCH]
#
# SRCARCH (kbuild's, default x86) names the architecture's headers to read.

src=$1
obj=${2:-$1}
arch=${3:-x86}

# has PATTERN FILE...: grep each candidate header under both trees.
has() {
	pat=$1
	shift
	for f in "$@"; do
		for t in "$src" "$obj"; do
			[ -r "$t/$f" ] && grep -Eq "$pat" "$t/$f" && return 0
		done
	done
	return 1
}

flag() { printf ' -DCGADDR_HAVE_%s' "$1"; }

# 5.11 passes struct ftrace_regs to ftrace callbacks instead of pt_regs.
for t in "$src" "$obj"; do
	grep -A1 'typedef void (\*ftrace_func_t)' "$t/include/linux/ftrace.h" 2>/dev/null
done | grep -q 'struct ftrace_regs' && flag FTRACE_REGS
has 'ftrace_regs_set_instruction_pointer' include/linux/ftrace.h \
	"arch/$arch/include/asm/ftrace.h" && flag FTRACE_REGS_SET_IP
has 'define ftrace_instruction_pointer_set' "arch/$arch/include/asm/ftrace.h" \
	include/linux/ftrace.h && flag FTRACE_INSTRUCTION_POINTER_SET
# 6.12 (or so) reads a callback's arguments through an accessor.
has 'define ftrace_regs_get_argument' include/linux/ftrace.h include/linux/ftrace_regs.h \
	arch/x86/include/asm/ftrace.h && flag FTRACE_REGS_GET_ARGUMENT
# 5.11 inverted the recursion flag: RECURSION asks ftrace for protection,
# RECURSION_SAFE (before) promised the callback needs none.
has 'FTRACE_OPS_FL_RECURSION_SAFE' include/linux/ftrace.h && flag FTRACE_RECURSION_SAFE
# 6.19 passes struct sockaddr_unsized to the bind/connect operations.
has 'sockaddr_unsized' include/net/inet_common.h && flag SOCKADDR_UNSIZED
# exported NAME: the target kernel exports NAME to modules.
exported() { grep -q "	$1	" "$obj/Module.symvers" 2>/dev/null; }

# 5.17 exported ftrace_free_filter; before, a module cannot free its
# ops' filter hash.
exported ftrace_free_filter && flag FTRACE_FREE_FILTER
# 5.15 exported cgroup_get_from_id.
exported cgroup_get_from_id && flag CGROUP_GET_FROM_ID
# 6.4 keeps a module's memory by type (its text alone is one range).
has 'within_module_mem_type' include/linux/module.h && flag WITHIN_MODULE_MEM_TYPE
# Before 6.2 (and Debian's 6.1) a cgroup kept its ancestors' ids, not
# the ancestors (whose array 6.x declares in more than one way).
has 'u64[[:space:]]+ancestor_ids\[' include/linux/cgroup-defs.h && flag CGROUP_ANCESTOR_IDS
# 6.2 moved a dump's parsed attributes into struct genl_info.
has 'genl_info_dump' include/net/genetlink.h && flag GENL_INFO_DUMP
# 5.14 made the netns cookie a plain u64 set at creation; before it was
# generated on first use by the unexported __net_gen_cookie().
has 'u64[[:space:]]+net_cookie;' include/net/net_namespace.h && flag NET_COOKIE_U64
# struct proto's recvmsg lost its noblock argument in 5.19 and its
# addr_len argument in 6.16 or so.
recvmsg=$(for t in "$src" "$obj"; do
	grep -A2 '(\*recvmsg)(struct sock \*sk' "$t/include/net/sock.h" 2>/dev/null
done | tr -d ' \t\n')
case "$recvmsg" in
*noblock*) flag RECVMSG_NOBLOCK ;;
*addr_len*) ;;
?*) flag RECVMSG_NO_ADDR_LEN ;;
esac
# Socket lookups (bpf_sk_lookup_*): 7.2 dropped the hash table argument of
# __inet_lookup()/__inet6_lookup() and the UDP table of __udp4/6_lib_lookup();
# 6.12 keeps the UDP table per namespace.
for t in "$src" "$obj"; do
	grep -A1 'static inline struct sock \*__inet_lookup(' "$t/include/net/inet_hashtables.h" 2>/dev/null
done | grep -q 'inet_hashinfo' && flag INET_LOOKUP_HASHINFO
for t in "$src" "$obj"; do
	grep -A3 'struct sock \*__udp4_lib_lookup(' "$t/include/net/udp.h" 2>/dev/null
done | grep -q 'udp_table' && flag UDP_LOOKUP_TABLE
has 'struct udp_table[[:space:]]+\*udp_table;' include/net/netns/ipv4.h && flag NETNS_UDP_TABLE
# 5.10 does not export get_net_ns_by_id (the netns_id argument of lookups).
exported get_net_ns_by_id && flag GET_NET_NS_BY_ID
# SO_TXREHASH (5.18) and the socket field behind it.
has 'sk_txrehash;' include/net/sock.h && flag SK_TXREHASH
# 5.19 reads and writes tp->snd_cwnd through accessors.
has 'void tcp_snd_cwnd_set\(' include/net/tcp.h && flag TCP_SND_CWND_SET
# 5.13 moved TCP_WINDOW_CLAMP's code into tcp_set_window_clamp().
has 'int tcp_set_window_clamp\(' include/net/tcp.h && flag TCP_SET_WINDOW_CLAMP
# 6.6 moved the IPv6 autoflowlabel bits into inet_sock's flags.
has 'INET_FLAGS_AUTOFLOWLABEL_SET' include/net/inet_sock.h && flag INET_AUTOFLOWLABEL
exit 0
