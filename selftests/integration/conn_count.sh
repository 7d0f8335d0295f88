#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# conn_count.sh - the per-source counts behind conn_limit follow real
# connections exactly and return to zero.
#
# The cases are FIN and RST from either side, handshakes that never
# complete, connections left in the accept queue of a listener that
# closes, and a server process killed with unread data. Connections count
# on IPv4 and dual-stack listeners and over IPv6. Connections to an
# unguarded port or inside another namespace do not count. At each
# checkpoint the count that 'mxguard why' shows must equal what ss shows.
. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"
. "$top/selftests/tools/conn_lib.sh"

A=192.0.2.2
B6=2001:db8::2
HALF=203.0.113.77	# not assigned anywhere: its SYN-ACKs go nowhere

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
for pin in conn_state conn_lookup conn_iter mxguard_conn mxguard_connsk; do
	check "pinned_$pin" test -e "$PIN/$pin"
done
M limit set conn_limit 50 syn_rate 0 > /dev/null || fail limit_set "could not set the limits"
lab_start
lab_check listen_25 listen 25 dual
lab_check listen_465 listen 465 v4
lab_check listen_2525 listen 2525 dual

# opens: a dual-stack and an IPv4 listener, and IPv6
for n in a1 a2 a3; do lab_open "$n" $A 192.0.2.1 25 ok; done
lab_expect three_open $A 3
lab_open b1 $B6 2001:db8::1 25 ok
lab_open b2 $B6 2001:db8::1 25 ok
lab_expect ipv6_two_open $B6 2
lab_open v1 $A 192.0.2.1 465 ok
lab_expect ipv4_listener_counts $A 4

# neither an unguarded port nor a connection in another namespace counts
lab_open p1 $A 192.0.2.1 2525 ok
lab_expect unguarded_port_not_counted $A 4
nsenter --net="/run/netns/$NS_C" "$PYTHON" -c '
import socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("192.0.2.2", 25))
l.listen()
c = socket.create_connection(("192.0.2.2", 25))
a, _ = l.accept()
print("ready", flush=True)
time.sleep(30)' > "$T_TMP/local.out" 2>&1 &
local_pid=$!
T_PIDS+=("$local_pid")
for i in $(seq 50); do grep -q ready "$T_TMP/local.out" && break; sleep 0.1; done
check local_connection_open grep -q ready "$T_TMP/local.out"
lab_expect other_netns_not_counted $A 4
kill "$local_pid"
wait "$local_pid" 2> /dev/null

# FIN from the client; the server keeps its socket (CLOSE_WAIT), then closes
lab_check close_a1_client close a1 client-fin
lab_expect client_fin $A 3
lab_check close_a1_server close a1 server-fin
lab_expect client_fin_then_server $A 3
# FIN from the server first (client in FIN_WAIT2), then from the client
lab_check close_a2_server close a2 server-fin
lab_expect server_fin $A 2
lab_check close_a2_client close a2 client-fin
lab_expect server_fin_then_client $A 2
# RST from the client, RST from the server
lab_check close_a3_rst close a3 client-rst
lab_expect client_rst $A 1
lab_check close_v1_rst close v1 server-rst
lab_expect server_rst $A 0
lab_check close_b1 close b1 client-then-server
lab_check close_b2 close b2 server-rst
lab_expect ipv6_closed $B6 0

# handshakes that never complete are never counted
in_cli "$PYTHON" "$TOOLS/synsend.py" $HALF 192.0.2.1 25 3 > /dev/null ||
	fail half_open_sent "synsend.py failed"
lab synrecv $HALF
check_range half_open_in_syn_recv "$LAB_OUT" 1 3
lab_expect half_open_not_counted $HALF 0

# connections never accepted, then the listener closes
lab_check relisten_465 unlisten 465
lab_check listen_465_noaccept listen 465 v4 128 noaccept
lab_open u1 $A 192.0.2.1 465 ok
lab_open u2 $A 192.0.2.1 465 ok
lab_expect unaccepted_counted $A 2
lab_check unlisten_465 unlisten 465
lab_expect listener_closed $A 0

# a server process killed, one connection with data it never read
nsenter --net="/run/netns/$NS_S" "$PYTHON" "$TOOLS/connlab.py" hold-server 587 \
	> "$T_TMP/hold.out" 2>&1 &
hold_pid=$!
T_PIDS+=("$hold_pid")
for i in $(seq 50); do grep -q ready "$T_TMP/hold.out" && break; sleep 0.1; done
for n in k1 k2 k3; do lab_open "$n" $A 192.0.2.1 587 ok; done
lab_check unread_data send k1 2000
lab_expect held_by_server $A 3
kill -KILL "$hold_pid"
wait "$hold_pid" 2> /dev/null
lab_expect server_killed $A 0

# everything closed: every count is back at zero
lab_check close_all closeall
lab_expect end_zero_a $A 0
lab_expect end_zero_b $B6 0
lab quit
t_done
