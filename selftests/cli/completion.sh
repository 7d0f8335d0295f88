#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# completion.sh - scripts/bash-completion/mxguard completes the grammar.
#
# The completion file is sourced by a bash inside the server namespace, so
# 'ip -o link' lists the test's interfaces and a guard is attached. Each
# case sets COMP_LINE and COMP_POINT (or COMP_WORDS and COMP_CWORD), calls
# _mxguard and compares the sorted COMPREPLY with what mxguard accepts.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

COMPLETION=$top/scripts/bash-completion/mxguard

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
M block add 198.51.100.7 > /dev/null
M block add 2001:db8:5::/64 > /dev/null
mkdir "$T_TMP/files" && touch "$T_TMP/files/bans.txt" "$T_TMP/files/more.txt"

# The cases: NAME, then the line up to the cursor. The script below prints
# "NAME: sorted replies" for each.
cat > "$T_TMP/cases" <<EOF
objects|mxguard 
object_prefix|mxguard bl
options|mxguard -
block_commands|mxguard block 
prefixed_object_commands|mxguard li s
add_keywords|mxguard block add 198.51.100.7 
add_keyword_left|mxguard block add 198.51.100.7 ttl 1h 
add_reasons|mxguard block add 198.51.100.7 reason 
add_reason_prefix|mxguard block add 198.51.100.7 reason d
add_ttl_prefix_values|mxguard bl a 198.51.100.7 t 
allow_keywords|mxguard allow add 198.51.100.7 
allow_no_reason|mxguard allow add 198.51.100.7 ttl 1h 
limit_commands|mxguard limit 
limit_keys|mxguard limit set 
limit_keys_left|mxguard limit set syn_rate 5 mode enforce 
limit_mode_values|mxguard limit set mode 
limit_hold_values|mxguard limit set syn_rate 5 hold_first_syn 
stats_commands|mxguard stats 
prog_commands|mxguard prog 
attach_ifaces|mxguard prog attach 
attach_keywords|mxguard prog attach $IF_S 
attach_size_value|mxguard prog attach $IF_S block_max 
iface_option|mxguard -j -i 
del_prefixes|$MXG -i $IF_S block del 
del_v6_after_colon|$MXG -i $IF_S block del 2001:db8:5
import_files|mxguard block import $T_TMP/files/
why_address|mxguard why 
EOF

cat > "$T_TMP/run.sh" <<'EOF'
. "$1"
# replies - COMPREPLY sorted on one line
replies() {
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
while IFS='|' read -r name line; do
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -r -a COMP_WORDS <<< "$line"
	COMP_CWORD=${#COMP_WORDS[@]}
	[[ $line == *" " ]] || COMP_CWORD=$((COMP_CWORD - 1))
	COMPREPLY=()
	_mxguard
	echo "$name: $(replies)"
done < "$2"

# COMP_WORDS and COMP_CWORD alone, as bash sets them without COMP_LINE
unset COMP_LINE COMP_POINT
COMP_WORDS=(mxguard bl "")
COMP_CWORD=2
_mxguard
echo "words_block_commands: $(replies)"
COMP_WORDS=(mxguard limit set mode mon)
COMP_CWORD=4
_mxguard
echo "words_mode_value: $(replies)"
echo "registered: $(complete -p mxguard)"
EOF

in_srv bash "$T_TMP/run.sh" "$COMPLETION" "$T_TMP/cases" > "$T_TMP/replies" 2> "$T_TMP/errors"
check_eq no_errors "$(cat "$T_TMP/errors")" ""

# reply NAME - the replies printed for one case
reply() {
	sed -n "s/^$1: //p" "$T_TMP/replies"
}

check_eq objects "$(reply objects)" "allow block help limit prog stats version why "
check_eq object_prefix "$(reply object_prefix)" "block "
check_eq options "$(reply options | wc -w)" 16
check_eq block_commands "$(reply block_commands)" "add del export flush help import list "
check_eq prefixed_object_commands "$(reply prefixed_object_commands)" "set show "
check_eq add_keywords "$(reply add_keywords)" "reason ttl "
check_eq add_keyword_left "$(reply add_keyword_left)" "reason "
check_eq add_reasons "$(reply add_reasons)" "auth dnsbl manual promoted protocol reject "
check_eq add_reason_prefix "$(reply add_reason_prefix)" "dnsbl "
check_eq add_ttl_prefix_values "$(reply add_ttl_prefix_values)" "1d 1h 1w 30m never "
check_eq allow_keywords "$(reply allow_keywords)" "ttl "
check_eq allow_no_reason "$(reply allow_no_reason)" ""
check_eq limit_commands "$(reply limit_commands)" "help set show "
check_eq limit_keys "$(reply limit_keys | wc -w)" 11
check_eq limit_keys_left "$(reply limit_keys_left | wc -w)" 9
check_eq limit_keys_left_no_mode "$(reply limit_keys_left | grep -cw mode)" 0
check_eq limit_mode_values "$(reply limit_mode_values)" "enforce monitor "
check_eq limit_hold_values "$(reply limit_hold_values)" "0 1 "
check_eq stats_commands "$(reply stats_commands)" "help prometheus show "
check_eq prog_commands "$(reply prog_commands)" "attach detach help show "
check_eq attach_ifaces "$(reply attach_ifaces)" "$(printf '%s\n' "$IF_S" lo | sort | tr '\n' ' ')"
check_eq attach_keywords "$(reply attach_keywords)" \
	"allow_max block6_max block_max bucket_max generic native range_max seen_max "
check_eq attach_size_value "$(reply attach_size_value)" ""
check iface_option_guarded grep -q "^iface_option: .*\b$IF_S\b" "$T_TMP/replies"
check iface_option_all grep -q "^iface_option: .*\blo\b" "$T_TMP/replies"
check_eq del_prefixes "$(reply del_prefixes)" "198.51.100.7 2001:db8:5::/64 "
check_eq del_v6_after_colon "$(reply del_v6_after_colon)" "5::/64 "
check_eq import_files "$(reply import_files)" "$T_TMP/files/bans.txt $T_TMP/files/more.txt "
check_eq why_address "$(reply why_address)" ""
check_eq words_block_commands "$(reply words_block_commands)" "add del export flush help import list "
check_eq words_mode_value "$(reply words_mode_value)" "monitor "
check_eq registered "$(reply registered)" "complete -F _mxguard mxguard"

t_done
