#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quick checks of the documentation and small packaging files:
#   - each man page formats with groff (-ww: every warning) and man(1) at
#     80 columns without a single warning;
#   - the bash completion parses and completes objects, commands, attach
#     types and program ids (from a stand-in cgaddr);
#   - the systemd unit passes systemd-analyze verify (when available).
#
#   tests/packaging/docs-test.sh [MANPAGE...]   (default: docs/man/*.[1-8])
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(docs/man/*.[1-8])
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko_() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -n 20; fail=$((fail + 1)); }
work=$(mktemp -d "${TMPDIR:-/tmp}/cgaddr-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80

for p in "${pages[@]}"; do
	if ! command -v groff >/dev/null || ! command -v man >/dev/null; then
		ko_ "$p: groff and man needed (apt-get install groff-base man-db)"
		continue
	fi
	out=$(groff -t -man -Tutf8 -ww -z "$p" 2>&1)
	[ -z "$out" ] && ok "$p: groff -man -ww, no warning" || ko_ "$p: groff -man -ww" "$out"
	out=$(man --warnings=w -l "$p" 2>&1 >"$work/page")
	if [ -z "$out" ] && [ -s "$work/page" ]; then
		ok "$p: man -l at $MANWIDTH columns, no warning"
	else
		ko_ "$p: man -l" "$out"
	fi
done

# Completion, without bash-completion's helpers (its fallback path), and
# with them when they are installed.
comp=packaging/cgaddr.bash-completion
cat > "$work/cgaddr" <<'EOS'
#!/bin/sh
[ "$1 $2 $3" = "-j prog list" ] && echo '[{"id": 3, "name": "a"}, {"id": 17, "name": "b"}]'
exit 0
EOS
chmod +x "$work/cgaddr"
complete_words() {	# WORDS... (the last is the word being completed)
	bash -c '
		[ "$1" = with ] && [ -r /usr/share/bash-completion/bash_completion ] &&
			. /usr/share/bash-completion/bash_completion
		shift
		. "$0" || exit 1
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_cgaddr cgaddr "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$comp" "$@"
}
for mode in without with; do
	cases=(
		"apply prog cgroup map help info monitor pin rule run unpin version |"
		"add del help list show |rule "
		"attach multi override |rule add 'web@*' "
		"--bind-only --help --ipv4 --ipv6 --parent --ports --strict -- |run "
		"--ipv4 --ipv6 |run --ip"
		"create del delete dump help list lookup show update |map "
		"any exist key noexist value |map update 3 key 00 "
		"list load |prog l"
		"dump del list load run show help |prog "
		"bind4 bind6 |cgroup attach web bi"
		"17 3 |prog show "
		"17 3 |cgroup attach web bind4 "
		"multi override replace |cgroup attach web bind4 3 "
		"--json |--j"
		"effective type |cgroup show web "
		"getsockname4 getsockname6 |cgroup detach web gets"
		"--ipv4 --ipv6 |pin web --ip"
	)
	for c in "${cases[@]}"; do
		want=${c%%|*} line=${c#*|}
		read -r -a w <<< "$line"
		[[ "$line" == *" " || -z "$line" ]] && w+=("")
		got=$(complete_words "$mode" "$work/cgaddr" "${w[@]}" 2>&1)
		want=$(printf '%s\n' $want | sort | tr '\n' ' ')
		[ "$got" = "$want" ] && ok "completion ($mode bash-completion): 'cgaddr $line'" ||
			ko_ "completion ($mode bash-completion): 'cgaddr $line'" "want: $want"$'\n'"got:  $got"
	done
	[ -r /usr/share/bash-completion/bash_completion ] || break
done

if command -v systemd-analyze >/dev/null; then
	# The tool is not installed here: the unit's syntax is checked, with a
	# stand-in for its path (systemd-analyze wants an executable there).
	sed 's|/usr/sbin/cgaddr|/bin/true|g' packaging/cgaddr.service > "$work/cgaddr.service"
	out=$(cd "$work" && systemd-analyze verify --man=no cgaddr.service 2>&1)
	[ -z "$out" ] && ok "cgaddr.service: systemd-analyze verify" || ko_ "cgaddr.service: systemd-analyze verify" "$out"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
