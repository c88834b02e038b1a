# SPDX-License-Identifier: GPL-2.0
# The documented substitutions applied to the kernel's selftest programs
# (copied into build/kselftests/, never into the repository) before they are
# compiled: the guest tests use only loopback and the documentation ranges,
# so every other address the programs hardcode becomes one of those.  The
# programs #define these values without #ifndef, so -D cannot override them.
# Loopback addresses (127.0.0.1, 127.0.0.4, ::1, ::6) are kept.
#
#   kernel's value                       becomes                        in
#   SERV4_IP       0xc0a801fe            192.0.2.254    0xc00002fe      bind4, sendmsg4, recvmsg4 (SERV4_IP, DST_IP4)
#   SRC1_IP4       0xac100001            198.51.100.1   0xc6336401      sendmsg4 (SRC1_IP4)
#   face:b00c:1234:5678::abcd            2001:db8:1234:5678::abcd       bind6, sendmsg6, recvmsg6 (SERV6_IP)
#                  0xfaceb00c                           0x20010db8
#   1.2.3.4        0x01020304            203.0.113.4    0xcb007104      connect_force_port4
#   SERV6 of cfp6  0xfc000000 (word 0)   2001:db8::1    0x20010db8      connect_force_port6
#   ::6            SRC_REWRITE_IP6_0 0   2001:db8::6    0x20010db8      connect6, sendmsg6 (word 3 stays 6)
#
# test_sock_addr.sh puts 127.0.0.4/8 and ::6/128 on its veth; the guest
# case puts 127.0.0.4/8 and 2001:db8::6/128 there.
s/0xc0a801fe/0xc00002fe/gI
s/0xac100001/0xc6336401/gI
s/0xfaceb00c/0x20010db8/gI
s/0x01020304/0xcb007104/g
s/0xfc000000/0x20010db8/g
s/192\.168\.1\.254/192.0.2.254/g
s/172\.16\.0\.1/198.51.100.1/g
s/face:b00c:/2001:db8:/g
s/1\.2\.3\.4/203.0.113.4/g
s/f[c]00::1/2001:db8::1/g
s/^\(#define[ \t]\+SRC_REWRITE_IP6_0[ \t]\+\)0$/\10x20010db8/
s/\[::6\]/[2001:db8::6]/g
