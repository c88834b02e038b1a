#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Copy the module's DKMS source (Kbuild, module/, include/, dkms.conf) into
# DIR, as installed in /usr/src/cgaddr-VERSION.
#
#   packaging/stage-src.sh DIR
#
# The file list is MODULE_SRCS from the environment (the Makefile's), or the
# same wildcards as the Makefile's.
set -eu
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
cd "$top"
if [ -z "${MODULE_SRCS:-}" ]; then
	MODULE_SRCS="Kbuild $(ls module/*.c module/*.h module/*.sh include/uapi/*.h include/*.h 2>/dev/null | tr '\n' ' ')"
fi
mkdir -p "$dir"
# shellcheck disable=SC2086 # a list of paths without blanks
cp -p --parents $MODULE_SRCS dkms.conf "$dir/"
# Build products never belong in the source.
find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \) -delete
