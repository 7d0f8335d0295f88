#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lab_demo.sh - the story of 'make demo' as a test: real Postfix, Dovecot
# and rbldnsd in the lab, the real daemon, real traffic. Each expectation
# of the story is one result line.
. "$(dirname "$0")/../lib.sh"

for cmd in postfix dovecot rbldnsd swaks openssl; do
	if ! command -v "$cmd" > /dev/null; then
		skip story "'$cmd' is not installed (scripts/install-deps.sh installs it)"
		t_done
	fi
done

# the mail servers drop root and must reach the lab below $T_TMP
chmod 0755 "$T_TMP"
DEMO_TAP=1 LAB_DIR=$T_TMP/lab OUTPUT=$OUTPUT "$top/scripts/demo.sh" > "$T_TMP/demo.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL) demo/' "$T_TMP/demo.out" | sed "s#^\(PASS\|FAIL\) demo/#\1 $T_NAME/#"
if [ $rc -ne 0 ]; then
	fail story "demo.sh exited $rc; its output follows"
	sed 's/^/  | /' "$T_TMP/demo.out"
fi
X
check lab_removed test ! -e "$T_TMP/lab"
t_done
