#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - run every test of mxguard and end with one line
# "N passed, N failed[, N skipped]".
#
# Runs the C tests (build/selftests/test_progs), then each shell test in
# selftests/integration/ and selftests/cli/, then the kernel matrix.
# A test prints "PASS name", "FAIL name" or "SKIP name: reason" lines; a
# script that exits non-zero without a FAIL line counts as one failure.
#
# Usage: selftests/run.sh [PATTERN]   (PATTERN selects tests by name)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
export OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
pattern=${1:-}
results=$(mktemp /tmp/mxguard-results.XXXXXX)
trap 'rm -f "$results" "$results.one"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: the tests load BPF programs and create network namespaces; run them as root" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# run_one NAME CMD... - run a test command, echo and record its result lines
run_one() {
	local name=$1 rc
	shift
	"$@" > "$results.one" 2>&1
	rc=$?
	cat "$results.one"
	grep -E '^(PASS|FAIL|SKIP) ' "$results.one" >> "$results"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$results.one"; then
		echo "FAIL $name: exited with status $rc"
		echo "FAIL $name: exited with status $rc" >> "$results"
	fi
	if [ $rc -eq 0 ] && [ -z "$pattern" ] &&
	   ! grep -qE '^(PASS|FAIL|SKIP) ' "$results.one"; then
		echo "FAIL $name: reported no result"
		echo "FAIL $name: reported no result" >> "$results"
	fi
}

echo "== C tests (test_progs)"
if [ -n "$pattern" ]; then
	run_one test_progs "$OUTPUT/selftests/test_progs" -t "$pattern"
else
	run_one test_progs "$OUTPUT/selftests/test_progs"
fi

for dir in cli integration; do
	for t in "$top"/selftests/$dir/*.sh; do
		[ -e "$t" ] || continue
		name=$dir/$(basename "$t" .sh)
		if [ -n "$pattern" ] && [[ $name != *"$pattern"* ]]; then
			continue
		fi
		echo "== $name"
		run_one "$name" timeout 900 "$t"
	done
done

if [ -x "$top/selftests/kernels/run.sh" ] &&
   { [ -z "$pattern" ] || [[ kernels == *"$pattern"* ]]; }; then
	echo "== kernels"
	run_one kernels "$top/selftests/kernels/run.sh"
fi

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^SKIP ' "$results")
if [ "$failed" -ne 0 ]; then
	echo
	echo "failed:"
	grep '^FAIL ' "$results" | sed 's/^FAIL /  /'
fi
if [ "$skipped" -ne 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
