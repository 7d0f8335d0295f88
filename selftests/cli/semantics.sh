#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# semantics.sh - what the CLI's commands mean.
#
# Adding an existing prefix updates it and keeps its hits, and a re-added
# expired entry is new. Deleting a missing one fails. IPv4-mapped IPv6 is
# stored as IPv4. Export and import round-trip. 'limit set' applies several
# pairs or none. A new v6_prefix moves IPv6 bans between hash and trie, and
# every ban keeps matching. Unique prefixes of objects, commands and
# keywords work.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 198.51.100.7 203.0.113.9 2001:db8:1::7 2001:db8:6:0:1::7

# syns SRC DST COUNT - send COUNT SYNs to port 25 and wait for the guard
syns() {
	in_cli "$PYTHON" "$TOOLS/synsend.py" "$1" "$2" 25 "$3" > /dev/null &&
		sleep 0.1
}

# entry LIST PREFIX FIELD - one field of a list entry ("none" when absent)
entry() {
	M -j "$1" list | "$PYTHON" -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["prefix"] == sys.argv[1]]
print(rows[0][sys.argv[2]] if rows else "none")' "$2" "$3"
}

# add_result ARGS... - the "result" of 'mxguard -j ARGS'
add_result() {
	M -j "$@" | json_get 'd.get("result", d)'
}

# verdict ADDR - "verdict prefix" from 'why -j ADDR', where prefix is the
# entry that decides it (None when no entry does)
verdict() {
	M -j why "$1" | json_get '"%s %s" % (d["verdict"], ((d["allow"] if d["reason"] == "allowlist" else d["block"]) or {}).get("prefix"))'
}

# --- an existing prefix is updated: ttl and reason replaced, hits kept ------
check_eq add_new "$(add_result block add 198.51.100.7 ttl 1h reason auth)" added
check_eq add_range_new "$(add_result block add 203.0.113.0/24 ttl 1h)" added
check_eq add_v6_new "$(add_result block add 2001:db8:1::/64 reason protocol)" added
syns 198.51.100.7 192.0.2.1 3
syns 203.0.113.9 192.0.2.1 4
syns 2001:db8:1::7 2001:db8::1 5
check_eq hits_before_update "$(entry block 198.51.100.7 hits)" 3

check_eq add_existing "$(add_result block add 198.51.100.7 ttl 10m reason dnsbl)" updated
check_eq update_keeps_hits "$(entry block 198.51.100.7 hits)" 3
check_eq update_replaces_reason "$(entry block 198.51.100.7 reason)" dnsbl
check_range update_replaces_ttl "$(entry block 198.51.100.7 expires_sec)" 590 600
check_eq add_range_existing "$(add_result block add 203.0.113.0/24 reason reject)" updated
check_eq update_range_keeps_hits "$(entry block 203.0.113.0/24 hits)" 4
check_eq update_without_ttl_is_never "$(entry block 203.0.113.0/24 expires_sec)" None
check_eq add_v6_existing "$(add_result block add 2001:db8:1::/64 ttl 2h)" updated
check_eq update_v6_keeps_hits "$(entry block 2001:db8:1::/64 hits)" 5
check_eq update_without_reason_keeps_reason "$(entry block 2001:db8:1::/64 reason)" protocol

# a /32 inside a banned /24: both stay, and the /32 is the one that decides
M block add 203.0.113.77 reason auth > /dev/null
check_eq host_inside_range "$(verdict 203.0.113.77)" "drop 203.0.113.77"
check_eq range_around_host "$(verdict 203.0.113.78)" "drop 203.0.113.0/24"

# --- an expired entry is gone from the lists and a re-add is new -----------
M block add 198.51.100.40 ttl 1s > /dev/null
M allow add 198.51.100.41 ttl 1s > /dev/null
sleep 1.2
check_eq expired_not_listed "$(entry block 198.51.100.40 prefix)" none
check_eq expired_allow_not_listed "$(entry allow 198.51.100.41 prefix)" none
check_eq expired_no_verdict "$(verdict 198.51.100.40)" "pass None"
check_eq readd_expired "$(add_result block add 198.51.100.40)" added
check_eq readd_expired_allow "$(add_result allow add 198.51.100.41)" added
check_eq readd_expired_listed "$(entry block 198.51.100.40 expires_sec)" None

# --- deleting: once works, twice is an error --------------------------------
M block del 198.51.100.40 > /dev/null
check_eq del_first "$?" 0
M block del 198.51.100.40 > /dev/null 2>&1
check_eq del_missing "$?" 1
M allow del 198.51.100.41 > /dev/null
check_eq del_allow "$?" 0

# --- IPv4-mapped IPv6 is stored as IPv4 --------------------------------------
M -j block add ::ffff:198.51.100.20 reason auth > "$T_TMP/mapped.json"
check_eq mapped_add_prefix "$(json_get 'd["prefix"]' < "$T_TMP/mapped.json")" 198.51.100.20
check_eq mapped_listed_as_v4 "$(entry block 198.51.100.20 reason)" auth
check_eq mapped_why "$(M -j why ::ffff:198.51.100.20 | json_get 'd["address"] + " " + d["verdict"]')" \
	"198.51.100.20 drop"
M block del ::ffff:198.51.100.20 > /dev/null
check_eq mapped_del "$?" 0
check_eq mapped_range "$(M -j block add ::ffff:198.51.100.128/121 | json_get 'd["prefix"]')" \
	198.51.100.128/25
check_eq mapped_allow "$(M -j allow add ::ffff:192.0.2.77 | json_get 'd["prefix"]')" 192.0.2.77
check_eq mapped_in_v4_map "$(map_len allow4)" 2

# --- export, flush, import, export: identical ------------------------------
M block add 2001:db8:2::/48 ttl 1d reason dnsbl > /dev/null
M block add 2001:db8:3::1 reason reject > /dev/null
M allow add 2001:db8:4::/64 ttl 1w > /dev/null
for l in block allow; do
	M "$l" export > "$T_TMP/$l.1"
	n=$(grep -vc '^#' "$T_TMP/$l.1")
	M "$l" flush > /dev/null
	check_eq "${l}_flushed" "$(M -j "$l" list)" "[]"
	M "$l" import "$T_TMP/$l.1" > /dev/null
	M "$l" export > "$T_TMP/$l.2"
	if cmp -s "$T_TMP/$l.1" "$T_TMP/$l.2"; then
		pass "${l}_round_trip"
	else
		fail "${l}_round_trip" "$(diff "$T_TMP/$l.1" "$T_TMP/$l.2" | head -10 | tr '\n' ' ')"
	fi
	check_eq "${l}_round_trip_count" "$(M -j "$l" list | json_get 'len(d)')" "$n"
done
check_eq round_trip_entries "$(grep -vc '^#' "$T_TMP/block.1")" 7

# --- limit set: several pairs at once, or nothing ---------------------------
M limit set syn_rate 7 syn_burst 30 mode monitor ports 2525,25 conn_limit 5 > /dev/null
check_eq limit_set_pairs_exit "$?" 0
check_eq limit_set_pairs "$(M -j limit show | json_get '[d[k] for k in ("syn_rate", "syn_burst", "mode", "ports", "conn_limit")]')" \
	"[7, 30, 'monitor', [25, 2525], 5]"
M -j limit show > "$T_TMP/limits.before"
M limit set syn_rate 9 syn_burst 0 > /dev/null 2>&1
check_eq limit_bad_second_pair_exit "$?" 2
M limit set mode enforce nosuch 1 > /dev/null 2>&1
check_eq limit_unknown_key_exit "$?" 2
M -j limit show > "$T_TMP/limits.after"
check limit_bad_pair_changes_nothing cmp -s "$T_TMP/limits.before" "$T_TMP/limits.after"
M limit set syn_rate 8 syn_rate 9 > /dev/null
check_eq limit_repeated_key_last_wins "$(M -j limit show | json_get 'd["syn_rate"]')" 9
M limit set mode enforce syn_rate 5 syn_burst 20 ports 25,465,587 conn_limit 0 > /dev/null

# --- v6_prefix moves IPv6 bans between hash and trie; all keep matching -----
M block flush > /dev/null
for p in 2001:db8:1::/64 2001:db8:2:3::/64 2001:db8:5::1 2001:db8:6::/56 \
	2001:db8:7::/48 2001:db8:8:ff00::/56; do
	M block add "$p" > /dev/null
done
syns 2001:db8:6:0:1::7 2001:db8::1 2
M block list > "$T_TMP/v6.list"

# v6_state - entries in the IPv6 hash and trie, and the trie's count in meta
v6_state() {
	echo "hash=$(map_len block6) trie=$(map_len bnet6) meta=$(meta_field bnet6_entries)"
}

# v6_verdicts - the verdict and deciding ban for an address under each ban
v6_verdicts() {
	local a
	for a in 2001:db8:1::9 2001:db8:2:3::9 2001:db8:5::1 2001:db8:6:0:1::7 \
		2001:db8:7:aa::1 2001:db8:8:ff00::1; do
		verdict "$a"
	done | tr '\n' ','
}
want_verdicts="drop 2001:db8:1::/64,drop 2001:db8:2:3::/64,drop 2001:db8:5::1,drop 2001:db8:6::/56,"
want_verdicts+="drop 2001:db8:7::/48,drop 2001:db8:8:ff00::/56,"

check_eq v6_prefix_64_maps "$(v6_state)" "hash=2 trie=4 meta=4"
check_eq v6_prefix_64_verdicts "$(v6_verdicts)" "$want_verdicts"
for plen in 56 128 48 64; do
	M limit set v6_prefix "$plen" > /dev/null
	check_eq "v6_prefix_${plen}_exit" "$?" 0
	check_eq "v6_prefix_${plen}_verdicts" "$(v6_verdicts)" "$want_verdicts"
	M block list > "$T_TMP/v6.now"
	check "v6_prefix_${plen}_same_list" cmp -s "$T_TMP/v6.list" "$T_TMP/v6.now"
	case $plen in
	56) check_eq v6_prefix_56_maps "$(v6_state)" "hash=2 trie=4 meta=4" ;;
	128) check_eq v6_prefix_128_maps "$(v6_state)" "hash=1 trie=5 meta=5" ;;
	48) check_eq v6_prefix_48_maps "$(v6_state)" "hash=1 trie=5 meta=5" ;;
	64) check_eq v6_prefix_64_again_maps "$(v6_state)" "hash=2 trie=4 meta=4" ;;
	esac
done
check_eq v6_move_keeps_hits "$(entry block 2001:db8:6::/56 hits)" 2

# the program agrees: at /56 the /64 ban sits in the trie and still drops
M limit set v6_prefix 56 > /dev/null
before=$(counter drop block_manual)
syns 2001:db8:1::7 2001:db8::1 3
check_eq v6_prefix_56_drops "$(( $(counter drop block_manual) - before ))" 3
M limit set v6_prefix 64 > /dev/null

# --- unique prefixes of objects, commands and keywords ----------------------
M block list > "$T_TMP/full"
M bl li > "$T_TMP/short"
check prefix_bl_li cmp -s "$T_TMP/full" "$T_TMP/short"
M -j limit show > "$T_TMP/full"
M -j li sh > "$T_TMP/short"
check prefix_li_sh cmp -s "$T_TMP/full" "$T_TMP/short"
check prefix_st_sh M st sh > /dev/null
check_eq prefix_p_sh "$(M -j p sh | json_get 'd[0]["attached"]')" True
check_eq prefix_ve "$(M -j ve | json_get 'd["abi_version"]')" "$(awk '/define MXG_ABI_VERSION/ { print $3 }' "$top/include/mxguard_abi.h")"
check_eq prefix_keywords "$(add_result bl a 198.51.100.90 t 5m r auth)" added
check_eq prefix_keywords_reason "$(entry block 198.51.100.90 reason)" auth
check_eq prefix_limit_se "$(M -j lim se syn_rate 6 | json_get 'd["syn_rate"]')" 6
M limit s > /dev/null 2> "$T_TMP/amb"
check_eq prefix_ambiguous_exit "$?" 2
check prefix_ambiguous_message grep -q "'s' is ambiguous: it could be 'show' or 'set'" "$T_TMP/amb"

# --- -f: a very wide ban with force, and the allowlist still wins ------------
M -f block add 0.0.0.0/0 > /dev/null
check_eq force_wide_exit "$?" 0
check_eq force_wide_verdict "$(verdict 198.51.100.99)" "drop 0.0.0.0/0"
check_eq force_wide_self_allowed "$(verdict 192.0.2.1)" "pass 192.0.2.1"
M block del 0.0.0.0/0 > /dev/null
check_eq force_wide_del "$?" 0

t_done
