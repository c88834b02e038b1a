#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot a stock Debian kernel in QEMU and show cgaddr at work.
#   tests/demo.sh [--kernel VER]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

cat > "${TMPDIR:-/tmp}/cgaddr-demo.sh" <<'GUEST'
#!/bin/sh
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }
echo "== cgaddr demo: guest kernel $(uname -r)"
run sh -c 'dmesg | grep cgaddr:'
run sh -c 'lsmod | grep cgaddr'
run sockprobe bind tcp 0.0.0.0 8080
echo
echo "== the module is loaded, its self-check passed, and bind() is unchanged without policy"
GUEST
exec "$top/tests/qemu/run" "$@" --add "${TMPDIR:-/tmp}/cgaddr-demo.sh" -- sh /extra/cgaddr-demo.sh
