#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# conn_restart.sh - the connection counts stay exact while mxguardd is
# restarted, killed and started again under churn.
#
# Each start of the daemon replaces the running programs in one step and
# rebuilds the counts. For a moment two copies of the counting program
# run. One source opens and closes connections all along and must end at
# zero; another holds connections across the restarts and must keep its
# count. While no daemon runs, the pinned programs go on counting.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon_lib.sh"
. "$top/selftests/tools/conn_lib.sh"

A=192.0.2.2
C=192.0.2.3
SRV=192.0.2.1

netns_pair || { fail setup "netns_pair failed"; t_done; }
client_addr $C/24
daemon_conf <<EOF
conn_limit = 3
syn_rate = 0
EOF
daemon_start || { fail start "mxguardd did not start"; t_done; }
lab_start
lab_check listen_25 listen 25 dual

lab_open a1 $A $SRV 25 ok
lab_open a2 $A $SRV 25 ok
lab_expect held_two $A 2

# churn from C while the daemon is restarted, killed and started again
lab_send churn $C $SRV 25 6
sleep 1
daemon_stop TERM
daemon_start || fail restart_term "mxguardd did not start again"
sleep 1
daemon_stop KILL
sleep 0.5
daemon_start || fail restart_kill "mxguardd did not start again"
lab_recv 30
echo "# churn: $LAB_OUT"
case $LAB_OUT in
ok*) pass churn_done ;;
*) fail churn_done "$LAB_OUT" ;;
esac
check_range churn_opened "$(sed -n 's/.*opened=\([0-9]*\).*/\1/p' <<< "$LAB_OUT")" 20 1000000
check_eq churn_none_failed "$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<< "$LAB_OUT")" 0
lab_expect churn_ends_zero $C 0
lab_expect held_kept_two $A 2
check program_replaced grep -q "replaced the program" "$T_TMP/mxguardd.log"

# the cap is exact after the restarts
lab_open a3 $A $SRV 25 ok
lab_open a4 $A $SRV 25 refused
lab_expect after_restart_three $A 3

# no daemon: the pinned programs go on counting and capping
daemon_stop TERM
lab_check close_a1 close a1 client-rst
lab_open a5 $A $SRV 25 ok
lab_open a6 $A $SRV 25 refused
lab_expect no_daemon_three $A 3
daemon_start || fail restart_again "mxguardd did not start again"
lab_expect started_again_three $A 3
lab_open a7 $A $SRV 25 refused

lab_check close_all closeall
lab_expect end_zero_a $A 0
lab_expect end_zero_c $C 0
lab quit
daemon_stop TERM
t_done
