#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# conn_cap.sh - conn_limit 3 caps each source's open connections.
#
# A fourth connection from one source is refused at once while another
# source connects. After a close the next attempt succeeds at once, also
# in 30 rounds of close-and-reconnect with the server's receive path
# batched (threaded NAPI). 20 connects at once end with at most 3
# established. An IPv6 /64 is one source, the allowlist is exempt, and
# 'limit set' turns the cap off and on and into monitor mode live.
. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"
. "$top/selftests/tools/conn_lib.sh"

A=192.0.2.2
B=192.0.2.3
SRV=192.0.2.1
ROUNDS=30
TRIALS=5

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs $B 2001:db8::3 || fail setup_addrs "could not add client addresses"
# batched receive, as on a NIC: FIN and SYN can meet XDP in one batch
ip netns exec "$NS_S" sh -c "echo 1 > /sys/class/net/$IF_S/threaded" ||
	skip threaded_napi "this kernel cannot thread the veth's NAPI"
# no SYN rate limit: this test sends more SYNs than its default allows
M limit set conn_limit 3 syn_rate 0 > /dev/null || fail limit_set "could not set the limits"
lab_start
lab_check listen_25 listen 25 dual

# the cap: a fourth from A is refused with an RST, B still connects
for n in a1 a2 a3; do lab_open "$n" $A $SRV 25 ok; done
lab_expect three_open $A 3
refused0=$(counter drop conn_limit_refused)
lab open a4 $A $SRV 25
check_eq fourth_refused "${LAB_OUT%% *}" refused
check_range fourth_refused_ms "$(awk '{ printf "%d", $2 * 1000 }' <<< "$LAB_OUT")" 0 500
check_eq refusal_counted "$(( $(counter drop conn_limit_refused) - refused0 ))" 1
lab_open b1 $B $SRV 25 ok
lab_expect other_source_open $B 1
lab_expect still_three $A 3

# what 'why' shows for a source at the cap
M -j why $A > "$T_TMP/why.json"
check_eq why_conn_open "$(json_get 'd["conn"]["open"]' < "$T_TMP/why.json")" 3
check_eq why_conn_limit "$(json_get 'd["conn"]["limit"]' < "$T_TMP/why.json")" 3
check_eq why_verdict "$(json_get 'd["verdict"]' < "$T_TMP/why.json")" drop
M why $A > "$T_TMP/why.txt"
check why_plain_count grep -q "conn_limit: 3 of 3 connections open" "$T_TMP/why.txt"

# after a close the next attempt succeeds at once, without a SYN retry
retrans0=$(syn_retrans)
lab_check close_a1 close a1 client-fin
lab open a5 $A $SRV 25
check_eq reopen_after_close "${LAB_OUT%% *}" ok
check_range reopen_ms "$(awk '{ printf "%d", $2 * 1000 }' <<< "$LAB_OUT")" 0 500
check_eq reopen_no_syn_retry "$(( $(syn_retrans) - retrans0 ))" 0

# close and reconnect at once, again and again, FIN and RST by turns
live=(a2 a3 a5)
slow=0
bad=0
for i in $(seq "$ROUNDS"); do
	how=client-fin
	[ $((i % 2)) -eq 0 ] && how=client-rst
	lab close "${live[0]}" $how
	lab open r$i $A $SRV 25
	case $LAB_OUT in
	ok*) awk '{ exit !($2 > 0.5) }' <<< "$LAB_OUT" && slow=$((slow + 1)) ;;
	*) bad=$((bad + 1)); echo "# round $i: $LAB_OUT" ;;
	esac
	live=("${live[@]:1}" r$i)
done
echo "# reconnect rounds: $ROUNDS, refused or failed $bad, slower than 0.5 s $slow"
check_eq reconnect_none_refused $bad 0
check_eq reconnect_none_delayed $slow 0
lab_expect reconnect_end_three $A 3

# a burst of 20 connects from a source with none open
lab_check close_all closeall
lab_expect burst_start_zero $A 0
xdp0=$(counter drop conn_limit)
max=0
for t in $(seq "$TRIALS"); do
	lab burst $A $SRV 25 20 4
	echo "# burst trial $t: $LAB_OUT"
	est=$(sed -n 's/.*established=\([0-9]*\).*/\1/p' <<< "$LAB_OUT")
	[ "${est:-99}" -gt "$max" ] && max=${est:-99}
	lab count $A
	echo "# burst trial $t count: $LAB_OUT"
	lab drop-burst
	lab expect $A 0 5
done
check_range burst_at_most_three "$max" 1 3
check_range burst_xdp_drops "$(( $(counter drop conn_limit) - xdp0 ))" 1 100000

# an IPv6 /64 is one source
lab_open s1 2001:db8::2 2001:db8::1 25 ok
lab_open s2 2001:db8::2 2001:db8::1 25 ok
lab_open s3 2001:db8::3 2001:db8::1 25 ok
lab_expect ipv6_prefix_three 2001:db8::3 3
lab_open s4 2001:db8::3 2001:db8::1 25 refused
lab_check close_all_v6 closeall

# an allowlisted source is never capped
M allow add $A > /dev/null || fail allow_add "could not allowlist $A"
for n in w1 w2 w3 w4; do lab_open "$n" $A $SRV 25 ok; done
lab_expect allowed_four $A 4
M allow del $A > /dev/null
# over the cap by more than one: XDP drops the SYNs, the connect times out
lab open w5 $A $SRV 25 1.5
check_eq allow_removed_capped "${LAB_OUT%% *}" timeout

# conn_limit 0 turns the cap off, and a new limit applies at once
M limit set conn_limit 0 > /dev/null
lab_open w6 $A $SRV 25 ok
lab_expect cap_off_five $A 5
M limit set conn_limit 5 > /dev/null
lab_open w7 $A $SRV 25 refused
lab_check close_w1 close w1 client-fin
lab_open w8 $A $SRV 25 ok

# monitor mode counts what it would refuse and lets it through
M limit set mode monitor > /dev/null
would0=$(counter would_drop conn_limit_refused)
lab_open w9 $A $SRV 25 ok
check_range monitor_would_refuse "$(( $(counter would_drop conn_limit_refused) - would0 ))" 1 1
M limit set mode enforce > /dev/null

lab_check close_end closeall
lab_expect end_zero_a $A 0
lab_expect end_zero_b $B 0
lab quit
t_done
