#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# dnsbl_daemon.sh - end to end with Debian's rbldnsd: a listed source's
# first SYN makes mxguardd ask the DNSBL and its next SYNs to port 25 are
# dropped while an unlisted source connects; with dnsbl_hold_first_syn a
# listed source never completes a handshake and an unlisted one waits
# for its SYN retransmission. A list that starts to list the world is
# disabled and its bans are withdrawn.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"

command -v rbldnsd > /dev/null || { skip all "rbldnsd is not installed"; t_done; }

LISTED=198.51.100.66
CLEAN=198.51.100.67
LATE=198.51.100.68

# connect_from SRC - "ok <seconds>" or "timeout" for a connect to :25
connect_from() {
	nsenter --net="/run/netns/$NS_C" python3 - "$1" <<'PY'
import socket, sys, time
s = socket.socket()
s.settimeout(4)
s.bind((sys.argv[1], 0))
t = time.monotonic()
try:
    s.connect(("192.0.2.1", 25))
    print("ok %.2f" % (time.monotonic() - t))
except OSError:
    print("timeout")
PY
}

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr "$LISTED/24"
client_addr "$CLEAN/24"
client_addr "$LATE/24"
ip -n "$NS_S" route add 198.51.100.0/24 dev "$IF_S"

# the DNSBL on the server's loopback
mkdir -p "$T_TMP/rbl"
printf ':127.0.0.2:listed\n127.0.0.2\n%s\n' "$LISTED" > "$T_TMP/rbl/bl.zone"
chmod 0755 "$T_TMP" "$T_TMP/rbl"
chmod 0644 "$T_TMP/rbl/bl.zone"
in_srv rbldnsd -b 127.0.0.1/5353 -r "$T_TMP/rbl" -p "$T_TMP/rbldnsd.pid" -u nobody -c 1 \
	bl.test:ip4set:bl.zone > /dev/null 2>&1 || { fail rbldnsd "rbldnsd did not start"; t_done; }
T_PIDS+=("$(cat "$T_TMP/rbldnsd.pid")")
bg in_srv python3 "$TOOLS/listen.py" 25

daemon_conf <<CONF
dnsbl_sites = bl.test=127.0.0.[2..11]*3
dnsbl_threshold = 3
dns_servers = 127.0.0.1:5353
dnsbl_health_interval = 4s
syn_rate = 0
CONF
daemon_start || { fail start "mxguardd did not start"; t_done; }
sleep 0.5

# without the hold: the first connection may pass, the next ones drop
connect_from "$LISTED" > /dev/null
sleep 0.3
check_eq listed_second_attempt "$(connect_from "$LISTED")" timeout
check listed_banned_for_dnsbl bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S why $LISTED | grep -q 'reason dnsbl'"
out=$(connect_from "$CLEAN")
check_eq clean_connects "${out%% *}" ok
check_eq clean_not_banned "$(mxgc -j block list | grep -c "$CLEAN")" 0

# with the hold: a listed source never completes; a clean one waits ~1 s
daemon_stop TERM
mxgc prog detach "$IF_S" > /dev/null
rm -f "$T_TMP"/state.gz*
echo "dnsbl_hold_first_syn = yes" >> "$D_CONF"
daemon_start || { fail start_hold "mxguardd did not start"; t_done; }
sleep 0.5
check_eq hold_listed_first_attempt "$(connect_from "$LISTED")" timeout
check_eq hold_listed_second_attempt "$(connect_from "$LISTED")" timeout
out=$(connect_from "$CLEAN")
check_eq hold_clean_connects "${out%% *}" ok
check_range hold_clean_waited_ms "$(awk '{ printf "%d", $2 * 1000 }' <<< "$out")" 800 3500
held=$(stat_counter drop dnsbl_hold)
check_range hold_counted "$held" 2 2

# the list starts to list the world right after the daemon's first probe:
# the next probe (20 s later) sees 127.0.0.1 listed and disables it, and
# the ban it made meanwhile is withdrawn (a ban made before, on a real
# listing, stays)
daemon_stop TERM
sed -i 's/^dnsbl_health_interval = .*/dnsbl_health_interval = 20s/' "$D_CONF"
daemon_start || { fail start_world "mxguardd did not start"; t_done; }
sleep 0.5
printf '0.0.0.0/1\n128.0.0.0/1\n' >> "$T_TMP/rbl/bl.zone"
sleep 1.5
connect_from "$LATE" > /dev/null
check late_banned_by_world_listing bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S why $LATE | grep -q 'reason dnsbl'"
for _ in $(seq 250); do
	grep -q "withdrew" "$T_TMP/mxguardd.log" && break
	sleep 0.1
done
check zone_disabled grep -q "DNS list 'bl.test' is disabled" "$T_TMP/mxguardd.log"
check_eq late_ban_withdrawn "$(mxgc -j block list | grep -c "\"$LATE\"")" 0
check_eq earlier_ban_kept "$(mxgc -j block list | grep -c "\"$LISTED\"")" 1
daemon_stop TERM
t_done
