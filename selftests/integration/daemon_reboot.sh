#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_reboot.sh - after the pins are gone (as after a reboot), mxguardd
# restores bans and allowlist entries from its state file with their
# remaining lifetimes; a corrupt or truncated state file is set aside.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

# expires_of PREFIX - expires_sec of one blocklist entry ("null" for never)
expires_of() {
	mxgc -j block list | python3 -c "
import json, sys
for e in json.load(sys.stdin):
    if e['prefix'] == '$1':
        print('null' if e['expires_sec'] is None else e['expires_sec'])"
}

# list_has LIST PATTERN, why_has ADDR PATTERN - grep the CLI's output
list_has() { mxgc "$1" list | grep -q "$2"; }
why_has() { mxgc why "$1" | grep -q "$2"; }

netns_pair || { fail setup "netns_pair failed"; t_done; }
daemon_conf < /dev/null
daemon_start || { fail start "mxguardd did not start"; t_done; }

mxgc block add 203.0.113.10 ttl 1h > /dev/null
mxgc block add 203.0.113.11 ttl 2s > /dev/null
mxgc block add 203.0.113.12 reason protocol > /dev/null
mxgc block add 2001:db8:5:6::/64 ttl 2h > /dev/null
mxgc block add 198.18.0.0/16 ttl 1h > /dev/null
mxgc allow add 198.51.100.0/24 ttl 1h > /dev/null
daemon_stop TERM

# the reboot: program and every pin gone
mxgc prog detach "$IF_S" > /dev/null
check pins_removed test ! -e "/sys/fs/bpf/mxguard/$IF_S"
sleep 3

daemon_start || { fail restart "mxguardd did not start"; t_done; }
check restore_reported grep -q "restored 4 bans and 1 allowlist entries.* 1 had expired" "$T_TMP/mxguardd.log"
check_range ttl_1h_remaining "$(expires_of 203.0.113.10)" 3580 3600
check_eq ttl_2s_expired "$(expires_of 203.0.113.11)" ""
check_eq never_stays_never "$(expires_of 203.0.113.12)" null
check_range ipv6_ttl_remaining "$(expires_of 2001:db8:5:6::/64)" 7180 7200
check_range range_ttl_remaining "$(expires_of 198.18.0.0/16)" 3580 3600
check reason_restored list_has block '203.0.113.12 .*protocol'
check allow_restored list_has allow '198.51.100.0/24 .*operator'
check restored_ban_drops why_has 203.0.113.10 ': drop (blocklist)'

# a corrupt state file is moved aside, and the daemon starts without it
daemon_stop TERM
mxgc prog detach "$IF_S" > /dev/null
printf 'not a state file\n' | gzip > "$T_TMP/state.gz"
daemon_start || fail start_with_corrupt_state "mxguardd did not start"
check corrupt_reported grep -q "is corrupt" "$T_TMP/mxguardd.log"
check corrupt_set_aside bash -c "ls '$T_TMP'/state.gz.corrupt.* > /dev/null"
check_eq corrupt_not_loaded "$(mxgc block export | grep -vc '^#')" 0

# a truncated file: valid records, cut before its end record
daemon_stop TERM
mxgc prog detach "$IF_S" > /dev/null
rm -f "$T_TMP"/state.gz.corrupt.*
printf 'mxguard-state 1 %s\nban 203.0.113.20/32 manual operator 0 0 0\nban 203.0.113.21/32 manual operator 0 0 0\n' \
	"$(date +%s)" | gzip > "$T_TMP/state.gz"
daemon_start || fail start_with_truncated_state "mxguardd did not start"
check truncated_set_aside bash -c "ls '$T_TMP'/state.gz.corrupt.* > /dev/null"
check_eq truncated_not_half_loaded "$(mxgc block export | grep -vc '^#')" 0
daemon_stop TERM
t_done
