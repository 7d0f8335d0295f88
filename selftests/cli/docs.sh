#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# docs.sh - every configuration key is documented in mxguard.conf(5) with
# the default the daemon really uses, the man pages format cleanly, and
# every object of the CLI has a section in mxguard(8).
. "$(dirname "$0")/../lib.sh"

man5=$top/docs/mxguard.conf.5
man8=$top/docs/mxguard.8

# the daemon's effective configuration with no file: every key and default
"$MXGD" -n -v -c /dev/null 2>/dev/null > "$T_TMP/defaults"
check_range keys_listed "$(wc -l < "$T_TMP/defaults")" 30 200

while IFS= read -r line; do
	key=${line%% = *}
	value=${line#* = }
	# the page writes "key" " (default: " value ) or an explanation
	entry=$(grep -A1 "^\.BR $key \" (default" "$man5" | head -n 1)
	if [ -z "$entry" ]; then
		fail "documented_$key" "no '.BR $key \" (default: ...' entry in mxguard.conf.5"
		continue
	fi
	pass "documented_$key"
	case $key in
	# defaults spelt in words on the page
	dnsbl_sites | dns_servers | control_socket | dnsbl_timeout) continue ;;
	esac
	page=$(sed -n 's/^\.BR [a-z0-9_]* " (default: " \(.*\) )$/\1/p' <<< "$entry")
	page=${page//\\-/-}
	page=${page#\"}
	page=${page%\"}
	check_eq "default_$key" "$page" "$value"
done < "$T_TMP/defaults"

# no key on the page that the daemon does not know
for key in $(sed -n 's/^\.BR \([a-z0-9_]*\) " (default.*/\1/p' "$man5" |
	     sort -u); do
	if grep -q "^$key = " "$T_TMP/defaults"; then
		pass "known_$key"
	else
		fail "known_$key" "mxguard.conf.5 documents '$key', which mxguardd does not accept"
	fi
done

for page in "$top"/docs/*.[58]; do
	name=$(basename "$page")
	warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	check_eq "formats_$name" "$warnings" ""
done

for object in block allow limit stats why prog daemon log dnsbl; do
	check "section_$object" grep -qiE "^\.SH (.* )?$object\b" "$man8"
done
t_done
