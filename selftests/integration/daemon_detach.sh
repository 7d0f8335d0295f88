#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_detach.sh - when the guard is detached (or detached and attached
# again) by hand while mxguardd runs, the daemon attaches it again, moves
# to the new maps with every ban and allow entry, and its next bans are
# enforced there.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

LOG=$T_TMP/mail.log

postfix_fail() {
	printf '%s mx postfix/smtpd[4711]: warning: unknown[%s]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=alice\n' \
		"$(date '+%b %e %H:%M:%S')" "$1" >> "$LOG"
}

# has LIST PREFIX - the list holds PREFIX
has() { mxgc -j "$1" list | grep -q "\"prefix\":\"$2\""; }

# wait_adopted - until the daemon says it moved to new maps (15 s at most)
wait_adopted() {
	for _ in $(seq 150); do
		[ "$(grep -c 'were replaced while mxguardd runs' "$T_TMP/mxguardd.log")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr 198.51.100.24/24
: > "$LOG"
daemon_conf <<CONF
log_files = $LOG
max_retry = 2
allow = 203.0.113.25
CONF
daemon_start || { fail start "mxguardd did not start"; t_done; }
postfix_fail 198.51.100.23
postfix_fail 198.51.100.23
sleep 0.5
mxgc block add 203.0.113.80 ttl 1h > /dev/null
check banned_before has block 198.51.100.23

# detached by hand: the daemon attaches again and carries everything over
mxgc prog detach "$IF_S" > /dev/null
check daemon_adopts_after_detach wait_adopted 1
check attached_again bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S -j prog show | grep -q '\"attached\":true'"
check log_ban_carried has block 198.51.100.23
check operator_ban_carried has block 203.0.113.80
check config_allow_back has allow 203.0.113.25
check self_allow_back has allow 192.0.2.1

# its next ban lands in the maps the program uses, and drops SYNs
postfix_fail 198.51.100.24
postfix_fail 198.51.100.24
sleep 0.5
check new_ban_in_new_maps has block 198.51.100.24
d0=$(stat_counter drop block_auth)
nsenter --net="/run/netns/$NS_C" python3 "$TOOLS/synsend.py" 198.51.100.24 192.0.2.1 587 1 > /dev/null
check_eq new_ban_enforced "$(( $(stat_counter drop block_auth) - d0 ))" 1

# detached and attached again by hand: the daemon moves to those maps
mxgc prog detach "$IF_S" > /dev/null
in_srv "$MXG" prog attach "$IF_S" > /dev/null
check daemon_adopts_after_reattach wait_adopted 2
check bans_carried_to_hand_attach has block 198.51.100.24
daemon_stop TERM
t_done
