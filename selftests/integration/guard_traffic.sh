#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guard_traffic.sh - real TCP connections through the guard on a veth pair.
#
# A banned source cannot connect to 25, 465 or 587 but can connect to
# 2525, whether the ban is a single IPv4 address, an IPv4 range, an IPv6
# /64 in the hash or an IPv6 /128 in the trie. Other sources connect
# everywhere, and so does a source that is both banned and allowed. The
# drop counters must equal the SYNs the client sent to guarded ports,
# retransmissions included (nstat), and so must the entries' hits.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 198.51.100.7 198.51.100.8 198.51.100.9 203.0.113.9 203.0.113.200 \
	2001:db8::7 2001:db8::8 2001:db8:1::7
listeners 25 465 587 2525 || { fail listeners "listen.py did not start"; t_done; }

M block add 198.51.100.7 reason auth > /dev/null &&
	M block add 198.51.100.9 > /dev/null &&
	M allow add 198.51.100.9 > /dev/null &&
	M block add 203.0.113.0/25 reason dnsbl > /dev/null &&
	M block add 2001:db8:1::/64 reason protocol > /dev/null &&
	M block add 2001:db8::7 > /dev/null ||
	fail bans "could not add the bans"

S4=192.0.2.1
S6=2001:db8::1
retrans_before=$(syn_retrans)
counters > "$T_TMP/before"

# Every connect starts at once. The blocked ones wait out a 2.5 s timeout,
# so the client sends each of their SYNs once more, after 1 s.
connect 2.5 \
	198.51.100.7,$S4,25 198.51.100.7,$S4,465 198.51.100.7,$S4,587 198.51.100.7,$S4,2525 \
	203.0.113.9,$S4,587 203.0.113.9,$S4,2525 \
	2001:db8:1::7,$S6,25 2001:db8:1::7,$S6,2525 \
	2001:db8::7,$S6,465 \
	198.51.100.8,$S4,25 198.51.100.8,$S4,465 203.0.113.200,$S4,587 \
	2001:db8::8,$S6,25 198.51.100.9,$S4,25 > "$T_TMP/connects"
sleep 0.2
counters > "$T_TMP/after"

# result SRC PORT - what one connect of the batch returned
result() {
	awk -v s="$1" -v p="$2" '$1 == s && $3 == p { print $4 }' "$T_TMP/connects"
}

check_eq blocked_v4_25 "$(result 198.51.100.7 25)" timeout
check_eq blocked_v4_465 "$(result 198.51.100.7 465)" timeout
check_eq blocked_v4_587 "$(result 198.51.100.7 587)" timeout
check_eq blocked_v4_other_port "$(result 198.51.100.7 2525)" ok
check_eq range_ban_587 "$(result 203.0.113.9 587)" timeout
check_eq range_ban_other_port "$(result 203.0.113.9 2525)" ok
check_eq range_ban_outside "$(result 203.0.113.200 587)" ok
check_eq v6_hash_ban_25 "$(result 2001:db8:1::7 25)" timeout
check_eq v6_hash_ban_other_port "$(result 2001:db8:1::7 2525)" ok
check_eq v6_trie_ban_465 "$(result 2001:db8::7 465)" timeout
check_eq v6_neighbour_of_ban "$(result 2001:db8::8 25)" ok
check_eq clean_v4_25 "$(result 198.51.100.8 25)" ok
check_eq clean_v4_465 "$(result 198.51.100.8 465)" ok
check_eq allowlist_beats_blocklist "$(result 198.51.100.9 25)" ok

# delta GROUP.NAME - change of one counter across the batch
delta() {
	echo $(( $(awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/after") -
		 $(awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/before") ))
}

# six blocked connects to guarded ports; every other connect succeeded at
# once, so all retransmissions are theirs
retrans=$(( $(syn_retrans) - retrans_before ))
check_range syn_retransmissions "$retrans" 6 12
blocked_syns=$((6 + retrans))
check_eq drops_equal_syns_sent "$(( $(delta drop.block_auth) + $(delta drop.block_dnsbl) +
	$(delta drop.block_protocol) + $(delta drop.block_manual) ))" "$blocked_syns"
check_eq drop_auth "$(delta drop.block_auth)" "$(( 3 * blocked_syns / 6 ))"
check_eq drop_total "$(delta total.drop)" "$blocked_syns"
check_eq clean_passes "$(delta pass.clean)" 4
check_eq allowlist_passes "$(delta pass.allowlist)" 1
check_eq no_rate_drops "$(delta drop.syn_rate)" 0

hits=$(M -j block list | json_get 'sum(r["hits"] for r in d)')
check_eq entry_hits_equal_drops "$hits" "$blocked_syns"
check_eq allow_entry_hits "$(M -j allow list | json_get '[r["hits"] for r in d if r["prefix"] == "198.51.100.9"][0]')" 1

t_done
