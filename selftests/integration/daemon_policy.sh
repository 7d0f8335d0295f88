#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# daemon_policy.sh - mxguardd bans from a followed log: a failure line
# appended to the file bans its source and the next SYN to 587 is dropped;
# bans grow for repeat offenders up to the cap, also across a restart;
# allowed sources, injected addresses and trusted users are not banned;
# IPv6 sources are banned by /64; a full blocklist keeps every ban.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

LOG=$T_TMP/mail.log

# postfix_fail ADDR [USER] - append a Postfix SASL failure from ADDR
postfix_fail() {
	printf '%s mx postfix/smtpd[4711]: warning: unknown[%s]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=%s\n' \
		"$(date '+%b %e %H:%M:%S')" "$1" "${2:-alice}" >> "$LOG"
}

# dovecot_login ADDR - append a successful Dovecot IMAP login from ADDR
dovecot_login() {
	printf '%s imap-login: Info: Login: user=<alice>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=4242, session=<t3st>\n' \
		"$(date '+%b %d %H:%M:%S')" "$1" >> "$LOG"
}

# ban_expires PREFIX - expires_sec of a blocklist entry, or "none"
ban_expires() {
	mxgc -j block list | python3 -c "
import json, sys
print(next((e['expires_sec'] for e in json.load(sys.stdin) if e['prefix'] == '$1'), 'none'))"
}

# wait_ban PREFIX - until PREFIX is on the blocklist (at most 3 s)
wait_ban() {
	for _ in $(seq 60); do
		[ "$(ban_expires "$1")" != none ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_unban PREFIX - until PREFIX has left the blocklist (at most 12 s)
wait_unban() {
	for _ in $(seq 240); do
		[ "$(ban_expires "$1")" = none ] && return 0
		sleep 0.05
	done
	return 1
}

syn_from() {
	nsenter --net="/run/netns/$NS_C" python3 "$TOOLS/synsend.py" "$1" 192.0.2.1 587 1 > /dev/null
}

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr 198.51.100.31/24
: > "$LOG"
daemon_conf <<CONF
log_files = $LOG
max_retry = 2
find_time = 1m
ban_time = 2s
ban_time_factor = 2
ban_time_max = 6s
allow = 203.0.113.0/24
CONF
daemon_start || { fail start "mxguardd did not start"; t_done; }

# a failure line appended to the log bans its source; its SYN to 587 drops
postfix_fail 198.51.100.31
sleep 0.3
check_eq one_failure_no_ban "$(ban_expires 198.51.100.31)" none
postfix_fail 198.51.100.31
check second_failure_bans wait_ban 198.51.100.31
check_range first_ban_is_ban_time "$(ban_expires 198.51.100.31)" 1 2
d0=$(stat_counter drop block_auth)
syn_from 198.51.100.31
check_eq next_syn_to_587_dropped "$(( $(stat_counter drop block_auth) - d0 ))" 1

# repeat offender: 2 s, then 4 s, then the 6 s cap
check first_ban_expires wait_unban 198.51.100.31
postfix_fail 198.51.100.31
postfix_fail 198.51.100.31
check second_ban wait_ban 198.51.100.31
check_range second_ban_doubles "$(ban_expires 198.51.100.31)" 3 4
check second_ban_expires wait_unban 198.51.100.31

# the strike count survives a restart
daemon_stop TERM
daemon_start || { fail restart "mxguardd did not start again"; t_done; }
postfix_fail 198.51.100.31
postfix_fail 198.51.100.31
check third_ban wait_ban 198.51.100.31
check_range third_ban_capped_after_restart "$(ban_expires 198.51.100.31)" 5 6

# an address in the user name is not the client's
postfix_fail 198.51.100.40 '[198.51.100.41]'
postfix_fail 198.51.100.40 'rip=198.51.100.41'
check injecting_client_banned wait_ban 198.51.100.40
check_eq injected_address_not_banned "$(ban_expires 198.51.100.41)" none

# allowed sources are never banned; the skip is counted
postfix_fail 203.0.113.9
postfix_fail 203.0.113.9
postfix_fail 203.0.113.9
sleep 0.5
check_eq allowed_not_banned "$(ban_expires 203.0.113.9)" none
skipped=$(mxgc -j daemon status | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["bans_skipped_allowed"])')
check_range allowed_skips_counted "$skipped" 3 3

# a successful login clears the count: fail, login, fail is no ban
postfix_fail 198.51.100.50
dovecot_login 198.51.100.50
postfix_fail 198.51.100.50
sleep 0.5
check_eq login_clears_failures "$(ban_expires 198.51.100.50)" none
postfix_fail 198.51.100.50
check failures_after_login_count wait_ban 198.51.100.50

# IPv6 sources count per /64
postfix_fail 2001:db8:7:1::5
postfix_fail 2001:db8:7:1::6
check ipv6_banned_by_64 wait_ban 2001:db8:7:1::/64

# a full blocklist refuses the new ban and keeps every old one
daemon_stop TERM
mxgc prog detach "$IF_S" > /dev/null
rm -f "$T_TMP/state.gz"
in_srv "$MXG" prog attach "$IF_S" block_max 4 > /dev/null
for i in 1 2 3 4; do
	mxgc block add 198.51.100.$((100 + i)) > /dev/null
done
out=$(mxgc block add 198.51.100.105 2>&1)
check_eq cli_full_exit "$?" 1
check cli_full_message grep -q "is full" <<< "$out"
check_eq cli_full_counted "$(stat_counter map_full block4)" 1
daemon_start || { fail start_full "mxguardd did not start"; t_done; }
postfix_fail 198.51.100.106
postfix_fail 198.51.100.106
sleep 1
refused=$(mxgc -j daemon status | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["bans_refused_full"])')
check_eq daemon_full_refused "$refused" 1
check_eq daemon_full_keeps_bans "$(mxgc block export | grep -c '^198.51.100.10[1-4] ')" 4
check_eq daemon_full_counted "$(stat_counter map_full block4)" 2
daemon_stop TERM
t_done
