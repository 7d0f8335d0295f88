#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_restart.sh - the guard keeps enforcing while mxguardd is killed,
# restarted and upgraded under a steady SYN stream from a blocked source,
# and no ban written meanwhile is lost.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr 198.51.100.66/24
daemon_conf < /dev/null
daemon_start || { fail start "mxguardd did not start"; t_done; }
mxgc block add 198.51.100.66 reason manual > /dev/null

# baseline, then a stream of 8 s at 1500 SYNs/s from the blocked source
segs0=$(tcp_insegs)
drops0=$(stat_counter drop block_manual)
nsenter --net="/run/netns/$NS_C" python3 "$TOOLS/synstream.py" 198.51.100.66 192.0.2.1 25 \
	--rate 1500 --duration 8 > "$T_TMP/stream.json" &
stream_pid=$!
T_PIDS+=("$stream_pid")

# a writer adds bans all along, and records what it added
(
	for i in $(seq 1 150); do
		p=203.0.113.$i
		q=2001:db8:77:$i::/64
		mxgc block add "$p" ttl 1h > /dev/null && echo "$p"
		mxgc block add "$q" ttl 1h > /dev/null && echo "$q"
		sleep 0.03
	done
) > "$T_TMP/model" &
writer_pid=$!

sleep 1.5
daemon_stop KILL
attached() { mxgc -j prog show | grep -q '"attached":true'; }
check daemon_killed_guard_attached attached
sleep 1
daemon_start || fail restart_after_kill "mxguardd did not start again"
sleep 1.5
daemon_stop TERM
daemon_start || fail restart_after_term "mxguardd did not start again"
sleep 1

wait "$writer_pid"
wait "$stream_pid"
segs1=$(tcp_insegs)
drops1=$(stat_counter drop block_manual)
sent=$(python3 -c "import json; print(json.load(open('$T_TMP/stream.json'))['sent'])")

check_eq blocked_syns_reaching_stack "$((segs1 - segs0))" 0
check_eq blocked_syns_dropped "$((drops1 - drops0))" "$sent"
check_range stream_sent "$sent" 1000 20000

# every ban the writer added is still there, with the first one
mxgc block export | awk '!/^#/ { print $1 }' | sort > "$T_TMP/have"
sort "$T_TMP/model" > "$T_TMP/want"
echo 198.51.100.66 >> "$T_TMP/want"
sort -o "$T_TMP/want" "$T_TMP/want"
missing=$(comm -23 "$T_TMP/want" "$T_TMP/have" | wc -l)
check_eq bans_lost "$missing" 0
check_eq bans_written "$(wc -l < "$T_TMP/model")" 300
grep -q "replaced the program" "$T_TMP/mxguardd.log"
check_eq program_replaced_in_place "$?" 0

daemon_stop TERM
check guard_stays_after_stop attached
t_done
