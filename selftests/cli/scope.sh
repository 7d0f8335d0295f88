#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# scope.sh - a ban that covers the host's own address is refused without
# -f, names the address, changes nothing; with -f the own address still
# passes through the allowlist.
. "$(dirname "$0")/../lib.sh"

netns_pair || { fail setup "netns_pair failed"; t_done; }
mxg prog attach "$IF_S" > /dev/null || { fail attach "prog attach failed"; t_done; }
m() { mxg -i "$IF_S" "$@"; }

out=$(m block add 192.0.2.0/24 2>&1)
check_eq covers_self_exit "$?" 2
check covers_self_names_address grep -q "covers 192.0.2.1 (self)" <<< "$out"
check_eq covers_self_nothing_added "$(m -j block list)" "[]"

printf '198.51.100.0/24\n2001:db8::/48\n' > "$T_TMP/bans"
out=$(m block import "$T_TMP/bans" 2>&1)
check_eq import_covers_self_exit "$?" 2
check import_covers_self_names_address grep -q "covers 2001:db8::1 (self)" <<< "$out"
check_eq import_covers_self_nothing_added "$(m -j block list)" "[]"

check forced_ban_added m -f block add 192.0.2.0/24
check self_still_allowed bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S why 192.0.2.1 | grep -q 'pass (allowlist)'"
check neighbour_blocked bash -c "nsenter --net=/run/netns/$NS_S '$MXG' -i $IF_S why 192.0.2.77 | grep -q 'drop (blocklist)'"
t_done
