#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guard_limits.sh - limits and lifetimes acting on real traffic.
#
# 'limit set ports' changes which ports are guarded on the next packet.
# Monitor mode passes a banned source and counts would_drop. A ban with a
# short ttl stops dropping when it expires. A burst of SYNs from one source
# (synsend.py, IPv4 and IPv6) is cut to the bucket's depth: about syn_burst
# pass, plus what the bucket refills during the burst, and the rest are
# dropped as syn_rate.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 198.51.100.7 198.51.100.8 198.51.100.10 198.51.100.11 2001:db8:2::9
listeners 25 465 587 2525 || { fail listeners "listen.py did not start"; t_done; }
M block add 198.51.100.7 reason auth > /dev/null || fail ban "could not add the ban"
S4=192.0.2.1

# result SRC PORT - what one connect of the last batch returned
result() {
	awk -v s="$1" -v p="$2" '$1 == s && $3 == p { print $4 }' "$T_TMP/connects"
}

# --- limit set ports: 2525 guarded, 465 not, from the next packet on ------
M limit set ports 25,2525 > /dev/null
clean=$(counter pass clean)
drops=$(counter drop block_auth)
retrans=$(syn_retrans)
connect 1.5 198.51.100.7,$S4,2525 198.51.100.7,$S4,465 \
	198.51.100.8,$S4,2525 198.51.100.8,$S4,465 > "$T_TMP/connects"
sleep 0.2
check_eq ports_new_port_guarded "$(result 198.51.100.7 2525)" timeout
check_eq ports_old_port_open "$(result 198.51.100.7 465)" ok
check_eq ports_clean_new_port "$(result 198.51.100.8 2525)" ok
check_eq ports_clean_old_port "$(result 198.51.100.8 465)" ok
check_eq ports_clean_counts_new_port "$(( $(counter pass clean) - clean ))" 1
check_eq ports_drops_equal_syns "$(( $(counter drop block_auth) - drops ))" \
	"$(( 1 + $(syn_retrans) - retrans ))"
M limit set ports 25,465,587 > /dev/null

# --- monitor mode: the banned source passes, would_drop counts it ---------
M limit set mode monitor > /dev/null
drops=$(counter drop block_auth)
would=$(counter would_drop block_auth)
connect 1.5 198.51.100.7,$S4,25 198.51.100.7,$S4,587 > "$T_TMP/connects"
sleep 0.2
check_eq monitor_passes_25 "$(result 198.51.100.7 25)" ok
check_eq monitor_passes_587 "$(result 198.51.100.7 587)" ok
check_eq monitor_would_drop "$(( $(counter would_drop block_auth) - would ))" 2
check_eq monitor_no_drop "$(( $(counter drop block_auth) - drops ))" 0
check_eq monitor_why "$(M -j why 198.51.100.7 | json_get 'd["verdict"]')" would_drop
M limit set mode enforce > /dev/null
connect 1 198.51.100.7,$S4,25 > "$T_TMP/connects"
check_eq enforce_again "$(result 198.51.100.7 25)" timeout

# --- a ban with a short ttl stops dropping when it expires ----------------
M block add 198.51.100.10 ttl 2s > /dev/null
added=$SECONDS
connect 1 198.51.100.10,$S4,25 > "$T_TMP/connects"
check_eq ttl_ban_drops "$(result 198.51.100.10 25)" timeout
while [ $((SECONDS - added)) -lt 3 ]; do sleep 0.2; done
connect 1.5 198.51.100.10,$S4,25 > "$T_TMP/connects"
check_eq ttl_expired_passes "$(result 198.51.100.10 25)" ok
check_eq ttl_expired_not_listed "$(M -j block list | json_get '[r["prefix"] for r in d]')" "['198.51.100.7']"

# --- a SYN burst is cut to the bucket's depth ------------------------------
# burst SRC DST - send 60 SYNs to port 587 and check the bucket's verdicts
burst() {
	local src=$1 dst=$2 name=$3 clean0 rate0 elapsed passed dropped max
	clean0=$(counter pass clean)
	rate0=$(counter drop syn_rate)
	in_cli "$PYTHON" "$TOOLS/synsend.py" "$src" "$dst" 587 60 > "$T_TMP/burst.out"
	sleep 0.2
	elapsed=$(json_get 'd["elapsed_sec"]' < "$T_TMP/burst.out")
	passed=$(( $(counter pass clean) - clean0 ))
	dropped=$(( $(counter drop syn_rate) - rate0 ))
	# syn_burst at once, plus one per 1/syn_rate s of the burst, plus one
	# for a refill that lands during the send
	max=$("$PYTHON" -c 'import math, sys; print(20 + math.ceil(float(sys.argv[1]) * 5) + 1)' "$elapsed")
	echo "# $name: 60 SYNs in ${elapsed}s, $passed passed, $dropped dropped"
	check_range "${name}_passed" "$passed" 20 "$max"
	check_eq "${name}_all_counted" "$((passed + dropped))" 60
	check_eq "${name}_why_limited" "$(M -j why "$src" | json_get 'd["bucket"]["limited"]')" "$dropped"
}
check_eq burst_limits "$(M -j limit show | json_get '(d["syn_rate"], d["syn_burst"])')" "(5, 20)"
burst 198.51.100.11 192.0.2.1 burst_v4
burst 2001:db8:2::9 2001:db8::1 burst_v6

t_done
