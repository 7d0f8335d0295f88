#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - run every benchmark of mxguard against what an operator would
# use instead, and write $OUTPUT/bench/results.json, results.md and
# cost.png. Each section runs in its own process under a time limit and
# removes every namespace, program, pin and process it created. A count
# that does not match what was sent fails its section, and then this
# script exits 1 with the reason. A missed target does not fail the run.
#
# Usage: scripts/bench/run.sh [SECTION...]   (as root, after 'make all
# selftests' and the benchmark programs; 'make bench' does all of that)
# Sections: micro veth logparse latency dnsbl memory. BENCH_ROUNDS sets
# the rounds (default 5).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
export OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
bench=$OUTPUT/bench

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: the benchmarks load BPF programs and create network namespaces; run them as root" >&2
	exit 1
fi
for prog in xdp_micro xdp_live logparse_bench dnsbl_bench latency_probe; do
	if [ ! -x "$bench/$prog" ]; then
		echo "run.sh: $bench/$prog is missing; run 'make bench'" >&2
		exit 1
	fi
done

# seconds each section may take before it is stopped (SIGTERM, then KILL)
declare -A limit=([micro]=240 [veth]=240 [logparse]=240 [latency]=120
		  [dnsbl]=90 [memory]=120)
sections=("$@")
if [ ${#sections[@]} -eq 0 ]; then
	sections=(micro veth logparse latency dnsbl memory)
	rm -rf "$bench/raw"
fi
mkdir -p "$bench/raw"

start=$(date +%s)
status=0
for s in "${sections[@]}"; do
	if [ -z "${limit[$s]:-}" ]; then
		echo "run.sh: unknown section '$s'" >&2
		exit 2
	fi
	rm -f "$bench/raw/$s.json"
	echo "== $s"
	timeout --kill-after=20 "${limit[$s]}" python3 "$top/scripts/bench/$s.py"
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "run.sh: $s took more than ${limit[$s]} s" >&2
		status=1
	fi
done

echo "== report"
python3 "$top/scripts/bench/report.py" "$(( $(date +%s) - start ))" || status=1
echo "results: $bench/results.md"
exit $status
