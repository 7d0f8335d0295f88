#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# conn_syncookie.sh - with SYN cookies, a bare ACK that carries a valid
# cookie cannot open a connection past conn_limit.
#
# The server sends a cookie for every SYN (tcp_syncookies=2). A raw SYN
# from a source under the cap fetches a cookie. The source then fills its
# 3 slots and completes the cookie handshake with a bare ACK, which XDP's
# SYN check never gets, so the socket lookup must refuse it. With the cap
# off, the same ACK does open a fourth connection, which shows that the
# path exists. Counts stay exact for connections made from cookies.
. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"
. "$top/selftests/tools/conn_lib.sh"

A=192.0.2.2
SRV=192.0.2.1

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
# no metrics cache: a cookie connection's odd RTT would slow later ones
in_srv sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_no_metrics_save=1 ||
	fail sysctl "could not turn on SYN cookies in the server namespace"
M limit set conn_limit 3 syn_rate 0 > /dev/null || fail limit_set "could not set the limits"
lab_start
lab_check listen_25 listen 25 dual
cookies0=$(in_srv nstat -asz TcpExtSyncookiesRecv | awk '/SyncookiesRecv/ { print $2 }')

# two connections, then a cookie fetched for a third port
lab_open a1 $A $SRV 25 ok
lab_open a2 $A $SRV 25 ok
lab_expect cookie_two_open $A 2
lab_check cookie_fetched cookie-syn $A $SRV 25 41001
# the fetch is a handshake in flight for a second; let it lapse
sleep 1.2
lab_open a3 $A $SRV 25 ok
lab_expect cookie_three_open $A 3
cookies1=$(in_srv nstat -asz TcpExtSyncookiesRecv | awk '/SyncookiesRecv/ { print $2 }')
check_range connections_from_cookies "$((cookies1 - cookies0))" 3 3

# the cookie's ACK at the cap: refused, still 3 open
refused0=$(counter drop conn_limit_refused)
lab_check cookie_ack_sent cookie-ack $A $SRV 25 41001
lab_expect cookie_ack_refused $A 3
check_eq cookie_ack_counted_refusal "$(( $(counter drop conn_limit_refused) - refused0 ))" 1

# the same path with the cap off opens a fourth connection
M limit set conn_limit 0 > /dev/null
lab_check cookie_fetched_off cookie-syn $A $SRV 25 41002
lab_check cookie_ack_sent_off cookie-ack $A $SRV 25 41002
lab_expect cookie_ack_opens_when_off $A 4

# cookie connections close exactly like others
lab_check close_a1 close a1 client-rst
lab_check close_a2 close a2 server-fin
lab_expect cookie_closes $A 2
lab_check close_all closeall
lab_expect end_zero $A 0
lab quit
t_done
