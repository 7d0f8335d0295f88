#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guard_attach.sh - attach and detach with real traffic.
#
# The guard attaches to a veth in native mode, as 'prog show' and the
# kernel report. A detach restores every connection a ban stopped and
# removes the pins. The guard then attaches in generic mode, reported as
# such by both, and a ban drops there too.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 198.51.100.7
listeners 25 465 587 || { fail listeners "listen.py did not start"; t_done; }
S4=192.0.2.1
ALL="198.51.100.7,$S4,25 198.51.100.7,$S4,465 198.51.100.7,$S4,587"

# results - the results of the last batch, in order, on one line
results() {
	awk '{ print $4 }' "$T_TMP/connects" | tr '\n' ' '
}

# kernel_xdp - the XDP mode the kernel reports for $IF_S (XDP_ATTACHED_DRV
# is 1, XDP_ATTACHED_SKB is 2), or none
kernel_xdp() {
	ip -n "$NS_S" -j link show "$IF_S" |
		json_get '{1: "native", 2: "generic"}.get(d[0].get("xdp", {}).get("mode"), "none")'
}

# --- native mode --------------------------------------------------------------
check_eq native_attach_output "$(cat "$T_TMP/attach.out")" "attached the guard to $IF_S in native mode"
check_eq native_prog_show "$(M -j prog show | json_get '(d[0]["attached"], d[0]["xdp_mode"])')" \
	"(True, 'native')"
check_eq native_kernel "$(kernel_xdp)" native
check_eq native_prog_id "$(M -j prog show | json_get 'd[0]["prog_id"]')" \
	"$(ip -n "$NS_S" -j link show "$IF_S" | json_get 'd[0]["xdp"]["prog"]["id"]')"
M block add 198.51.100.7 > /dev/null
connect 1 $ALL > "$T_TMP/connects"
check_eq native_ban_drops "$(results)" "timeout timeout timeout "

# --- detach: every connection back, every pin gone ------------------------
M prog detach "$IF_S" > "$T_TMP/detach.out"
check_eq detach_exit "$?" 0
check_eq detach_output "$(cat "$T_TMP/detach.out")" "detached the guard from $IF_S and removed its maps"
check detach_removes_pins test ! -e "/sys/fs/bpf/mxguard/$IF_S"
check_eq detach_kernel "$(kernel_xdp)" none
connect 2 $ALL > "$T_TMP/connects"
check_eq detach_restores_connections "$(results)" "ok ok ok "
check_eq detach_prog_show "$(M -j prog show | json_get 'd[0]["attached"]')" False
M block list > /dev/null 2>&1
check_eq detach_block_list_exit "$?" 1

# --- generic mode -------------------------------------------------------------
M prog attach "$IF_S" generic > "$T_TMP/attach.out" 2>&1
check_eq generic_attach_exit "$?" 0
check_eq generic_attach_output "$(cat "$T_TMP/attach.out")" "attached the guard to $IF_S in generic mode"
check_eq generic_prog_show "$(M -j prog show | json_get '(d[0]["attached"], d[0]["xdp_mode"])')" \
	"(True, 'generic')"
check_eq generic_kernel "$(kernel_xdp)" generic
check_eq generic_fresh_maps "$(M -j block list)" "[]"
M block add 198.51.100.7 > /dev/null
drops=$(counter drop block_manual)
connect 1 198.51.100.7,$S4,25 > "$T_TMP/connects"
check_eq generic_ban_drops "$(results)" "timeout "
check_range generic_drops_counted "$(( $(counter drop block_manual) - drops ))" 1 2
M prog detach "$IF_S" > /dev/null
check generic_detach_removes_pins test ! -e "/sys/fs/bpf/mxguard/$IF_S"
check_eq generic_detach_kernel "$(kernel_xdp)" none

t_done
