#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_reload.sh - a bad configuration is refused at start (-n) and on
# reload, keeping the old one and every map as it was; a good one applies
# its limits and allow list at once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

# snapshot - everything a reload could change in the maps
snapshot() {
	mxgc -j limit show
	mxgc block export
	mxgc allow export
}

netns_pair || { fail setup "netns_pair failed"; t_done; }
daemon_conf <<'CONF'
syn_rate = 5
allow = 198.51.100.0/24
CONF
good=$(cat "$D_CONF")

check config_check_valid in_srv "$MXGD" -n -c "$D_CONF"
daemon_start || { fail start "mxguardd did not start"; t_done; }
mxgc block add 203.0.113.50 ttl 1h > /dev/null
snapshot > "$T_TMP/before"

# each bad file: -n says file:line, reload fails, nothing changes
n=0
while IFS='|' read -r name line want; do
	n=$((n + 1))
	line=$(printf '%b' "$line")
	# the bad line replaces the good file's line for the same key
	key=${line%% *}
	{ grep -v "^$key =" <<< "$good"; echo "$line"; } > "$D_CONF"
	out=$(in_srv "$MXGD" -n -c "$D_CONF" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q "mxguard.conf:[0-9]*: .*$want" <<< "$out"; then
		pass "check_rejects_$name"
	else
		fail "check_rejects_$name" "exit $rc, output '$out'"
	fi
	out=$(mxgc daemon reload 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$want" <<< "$out"; then
		pass "reload_rejects_$name"
	else
		fail "reload_rejects_$name" "exit $rc, output '$out'"
	fi
	snapshot > "$T_TMP/after"
	check "maps_unchanged_after_$name" cmp -s "$T_TMP/before" "$T_TMP/after"
done <<'CASES'
unknown_key|bogus = 1|unknown key 'bogus'
bad_number|max_retry = lots|invalid max_retry 'lots'
out_of_range|syn_rate = 5000000|invalid syn_rate '5000000'
bad_prefix|allow = 10.0.0.1/8|host bits are set
bad_port|ports = 25, 70000|invalid port '70000'
duplicate|max_retry = 3\nmax_retry = 4|'max_retry' is set twice
bad_duration|ban_time = 1y|invalid ban_time '1y'
no_equals|just words|expected 'key = value'
bad_mode|mode = drop|invalid mode 'drop'
CASES
check_eq bad_cases_run "$n" 9

# SIGHUP with a bad file: the daemon logs it and keeps going
printf '%s\nbogus = 2\n' "$good" > "$D_CONF"
kill -HUP "$D_PID"
sleep 0.5
check sighup_bad_logged grep -q "reload failed; keeping the previous configuration" "$T_TMP/mxguardd.log"
check sighup_bad_daemon_alive kill -0 "$D_PID"
snapshot > "$T_TMP/after"
check maps_unchanged_after_sighup cmp -s "$T_TMP/before" "$T_TMP/after"

# a good file applies at once
sed -e 's/^syn_rate = 5$/syn_rate = 9/' -e 's#^allow = .*#allow = 198.51.100.0/24, 203.0.113.0/25#' \
	<<< "$good" > "$D_CONF"
check reload_good mxgc daemon reload
check_eq new_syn_rate "$(mxgc -j limit show | python3 -c 'import json,sys; print(json.load(sys.stdin)["syn_rate"])')" 9
check new_allow_entry bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S allow list | grep -q '203.0.113.0/25 .*config'"
check operator_ban_kept bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S block list | grep -q '203.0.113.50'"

# an allow entry that disappears from the file leaves the allowlist
printf '%s\n' "$good" > "$D_CONF"
check reload_back mxgc daemon reload
check stale_allow_removed bash -c "! nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S allow list | grep -q '203.0.113.0/25'"
daemon_stop TERM
t_done
