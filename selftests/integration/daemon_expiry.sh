#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_expiry.sh - a ban stops dropping when it expires, in the kernel,
# with or without the daemon; the daemon then removes and counts it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

# syn_from SRC - one SYN from SRC to port 25 of the server
syn_from() {
	nsenter --net="/run/netns/$NS_C" python3 "$TOOLS/synsend.py" "$1" 192.0.2.1 25 1 > /dev/null
}

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr 198.51.100.21/24
client_addr 198.51.100.22/24
daemon_conf < /dev/null

# no daemon: the kernel alone ends the ban
in_srv "$MXG" prog attach "$IF_S" > /dev/null || { fail attach "prog attach failed"; t_done; }
mxgc block add 198.51.100.21 ttl 2s > /dev/null
d0=$(stat_counter drop block_manual)
syn_from 198.51.100.21
d1=$(stat_counter drop block_manual)
check_eq dropped_while_banned "$((d1 - d0))" 1
sleep 2.2
c0=$(stat_counter pass clean)
syn_from 198.51.100.21
c1=$(stat_counter pass clean)
d2=$(stat_counter drop block_manual)
check_eq passes_after_expiry "$((c1 - c0))" 1
check_eq no_drop_after_expiry "$((d2 - d1))" 0
check expired_hidden_from_list bash -c "! nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S block list | grep -q 198.51.100.21"

# with the daemon: expired entries are removed and counted
daemon_start || { fail start "mxguardd did not start"; t_done; }
mxgc block add 198.51.100.22 ttl 1s > /dev/null
sleep 1.2
# the sweep runs every 10 s
for i in $(seq 24); do
	n=$(mxgc -j daemon status | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["entries_expired"])')
	[ "$n" -ge 2 ] && break
	sleep 0.5
done
check_range expired_entries_removed "$n" 2 2
check_eq map_has_no_expired_entry "$(mxgc -j block list)" "[]"
daemon_stop TERM
t_done
