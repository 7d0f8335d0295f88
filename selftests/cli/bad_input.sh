#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bad_input.sh - every bad input to mxguard is rejected with the right exit
# code (2 usage, 1 runtime, 3 attach), a message on stderr that names the
# bad value and what was expected, one {"error": ...} object and nothing
# else on stdout with -j, and no change in any map.
#
# Each case runs twice (plain and -j) against a guard that holds entries of
# every kind; a snapshot of both lists, the limits and the raw maps taken
# before and after must be equal.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi

# A guard with entries in every map, and limits that are not the defaults.
{
	M block add 198.51.100.7 reason auth
	M block add 198.51.100.8 ttl 1w reason dnsbl
	M block add 203.0.113.0/24 reason reject
	M block add 2001:db8:1::/64 reason protocol
	M block add 2001:db8:2::/48
	M block add 2001:db8:3::1
	M allow add 198.51.100.64/26
	M allow add 2001:db8:4::/64 ttl 1d
	M limit set syn_rate 7 syn_burst 30 ports 25,465,587,2525
} > "$T_TMP/fill.out" 2>&1 || { cat "$T_TMP/fill.out"; fail fill "could not fill the maps"; }

# An import file whose third line is bad among good ones.
printf '198.51.100.20\n198.51.100.21 ttl 1h reason auth\n198.51.100.22/24\n2001:db8:5::/64\n' \
	> "$T_TMP/one_bad.txt"
# The allowlist takes no reason.
printf '198.51.100.30\n198.51.100.31 reason auth\n' > "$T_TMP/allow_reason.txt"
# A very wide prefix needs -f in a file too.
printf '198.51.100.40\n0.0.0.0/0\n' > "$T_TMP/wide.txt"
# A bad ttl on the last line, after many good ones.
for i in $(seq 1 200); do echo "203.0.113.$i ttl 1h"; done > "$T_TMP/bad_last.txt"
echo "198.51.100.50 ttl 0" >> "$T_TMP/bad_last.txt"

# An interface whose driver has no native XDP: 'prog attach IF native' fails.
BRIDGE=mxb$T_ID
ip -n "$NS_S" link add "$BRIDGE" type bridge && ip -n "$NS_S" link set "$BRIDGE" up
T_IFACES+=("$BRIDGE")

# snapshot - the lists (without the remaining ttl, which counts down), the
# limits and a checksum of every list and limit map as bpftool dumps it
snapshot() {
	M block export | sed 's/ ttl [0-9a-z]*//'
	M allow export | sed 's/ ttl [0-9a-z]*//'
	M -j limit show
	printf 'map dump pinned %s\n' "$PIN"/mxguard_{limits,meta,block4,block6,bnet4,bnet6,allow4,allow6} |
		bpftool batch file - | md5sum
}

snapshot > "$T_TMP/before"
if [ "$(grep -c . "$T_TMP/before")" -lt 10 ]; then
	fail snapshot "the snapshot is too short to compare: $(cat "$T_TMP/before")"
fi

ncases=0

# bad RC MESSAGE ARGS... - run mxguard -i $IF_S ARGS... plainly and with -j;
# a later -i in ARGS overrides the first
bad() {
	local want=$1 msg=$2 name rc jrc problems=""
	shift 2
	name=$(printf '%s_' "$@" | tr -c 'A-Za-z0-9._:/%,=-' '_')
	name=${name%_}
	ncases=$((ncases + 1))

	M "$@" > "$T_TMP/out" 2> "$T_TMP/err" < /dev/null
	rc=$?
	[ "$rc" = "$want" ] || problems+="exit $rc, expected $want; "
	grep -qF -- "$msg" "$T_TMP/err" ||
		problems+="stderr '$(head -c 300 "$T_TMP/err")' lacks '$msg'; "
	[ -s "$T_TMP/out" ] && problems+="stdout not empty: '$(head -c 200 "$T_TMP/out")'; "

	M -j "$@" > "$T_TMP/jout" 2> /dev/null < /dev/null
	jrc=$?
	[ "$jrc" = "$want" ] || problems+="-j exit $jrc, expected $want; "
	"$PYTHON" - "$T_TMP/jout" "$msg" > "$T_TMP/jcheck" 2>&1 <<'EOF' ||
import json, sys
text = open(sys.argv[1]).read()
try:
    doc = json.loads(text)
except ValueError as e:
    sys.exit("-j stdout is not one JSON document (%s): %r" % (e, text[:200]))
if not isinstance(doc, dict) or list(doc) != ["error"]:
    sys.exit("-j stdout is not an error object: %r" % text[:200])
if sys.argv[2] not in doc["error"]:
    sys.exit("-j error %r lacks %r" % (doc["error"], sys.argv[2]))
EOF
		problems+="$(cat "$T_TMP/jcheck"); "

	snapshot > "$T_TMP/after"
	if ! cmp -s "$T_TMP/before" "$T_TMP/after"; then
		problems+="the maps changed: $(diff "$T_TMP/before" "$T_TMP/after" | head -5 | tr '\n' ' ')"
		cp "$T_TMP/after" "$T_TMP/before"
	fi
	if [ -z "$problems" ]; then pass "$name"; else fail "$name" "$problems"; fi
}

# --- malformed addresses and prefixes (exit 2) -----------------------------
bad 2 "invalid prefix '1.2.3.4/33': length must be a number from 0 to 32" block add 1.2.3.4/33
bad 2 "invalid prefix '1.2.3.256'" block add 1.2.3.256
bad 2 "invalid prefix '1.2.3': expected A.B.C.D[/LEN] or X:X::X[/LEN]" block add 1.2.3
bad 2 "invalid prefix '010.0.0.1'" block add 010.0.0.1
bad 2 "invalid prefix '0x7f.1'" block add 0x7f.1
bad 2 "host bits are set; the network is 1.2.3.0/24" block add 1.2.3.4/24
bad 2 "host bits are set; the network is 2001:db8::/64" block add 2001:db8::1/64
bad 2 "'fe80::1%eth0': zone ids are not accepted" block add fe80::1%eth0
bad 2 "invalid prefix '198.51.100.9x'" block add 198.51.100.9x
bad 2 "invalid prefix '198.51.100.9 '" block add "198.51.100.9 "
bad 2 "invalid prefix ' 198.51.100.9'" block add " 198.51.100.9"
bad 2 "invalid prefix ''" block add ""
bad 2 "invalid prefix '198.51.100.9/032': length must be a number from 0 to 32" block add 198.51.100.9/032
bad 2 "invalid prefix '198.51.100.9/': length must be" block add 198.51.100.9/
bad 2 "invalid prefix '198.51.100.9/-1': length must be" block add 198.51.100.9/-1
bad 2 "invalid prefix '/24'" block add /24
bad 2 "invalid prefix '2001:db8::/129': length must be a number from 0 to 128" block add 2001:db8::/129
bad 2 "invalid prefix '2001:db8:::1'" block add 2001:db8:::1
bad 2 "an IPv4-mapped prefix needs a length of 96 or more" block add ::ffff:198.51.100.0/90
bad 2 "host bits are set; the network is 1.2.3.0/24" block del 1.2.3.4/24
bad 2 "host bits are set; the network is 198.51.100.64/26" allow add 198.51.100.65/26

# --- very wide prefixes without -f (exit 2) ---------------------------------
bad 2 "refusing to block 0.0.0.0/0, which is wider than /16; use -f" block add 0.0.0.0/0
bad 2 "refusing to block ::/0, which is wider than /32; use -f" block add ::/0
bad 2 "refusing to block 192.0.0.0/15" block add 192.0.0.0/15
bad 2 "refusing to block 2001:db8::/31" block add 2001:db8::/31

# --- ttl and reason (exit 2) ----------------------------------------------
bad 2 "invalid ttl '0': expected N[s|m|h|d|w] from 1s to 100 years, or 'never'" block add 198.51.100.9 ttl 0
bad 2 "invalid ttl '0s'" block add 198.51.100.9 ttl 0s
bad 2 "invalid ttl '-5'" block add 198.51.100.9 ttl -5
bad 2 "invalid ttl '5x'" block add 198.51.100.9 ttl 5x
bad 2 "invalid ttl '1.5h'" block add 198.51.100.9 ttl 1.5h
bad 2 "invalid ttl '6000w'" block add 198.51.100.9 ttl 6000w
bad 2 "invalid ttl '99999999999999999999'" allow add 198.51.100.9 ttl 99999999999999999999
bad 2 "missing DURATION after 'ttl'" block add 198.51.100.9 ttl
bad 2 "'ttl' is given twice" block add 198.51.100.9 ttl 1h ttl 2h
bad 2 "invalid reason 'foo': expected one of manual, auth" block add 198.51.100.9 reason foo
bad 2 "invalid reason 'AUTH'" block add 198.51.100.9 reason AUTH
bad 2 "missing NAME after 'reason'" block add 198.51.100.9 reason
bad 2 "unexpected 'foo': expected 'ttl DURATION' or 'reason NAME'" block add 198.51.100.9 foo bar
bad 2 "unexpected 'reason': expected 'ttl DURATION'" allow add 198.51.100.9 reason auth

# --- limits (exit 2) -------------------------------------------------------
bad 2 "unknown limit 'foo': expected one of mode, ports, syn_rate" limit set foo 1
bad 2 "invalid syn_rate '-1': expected a number from 0 to 1000000" limit set syn_rate -1
bad 2 "invalid syn_rate '1000001'" limit set syn_rate 1000001
bad 2 "invalid syn_rate '4294967296'" limit set syn_rate 4294967296
bad 2 "invalid conn_limit '99999999999999999999999'" limit set conn_limit 99999999999999999999999
bad 2 "invalid syn_burst '0': expected a number from 1 to" limit set syn_burst 0
bad 2 "invalid syn_burst '0'" limit set syn_rate 9 syn_burst 0
bad 2 "unknown limit 'bogus'" limit set syn_rate 9 bogus 1
bad 2 "invalid v6_prefix '47': expected a number from 48 to 128" limit set v6_prefix 47
bad 2 "invalid v6_prefix '129'" limit set v6_prefix 129
bad 2 "invalid seen_ttl '0'" limit set seen_ttl 0
bad 2 "invalid hold_first_syn '2'" limit set hold_first_syn 2
bad 2 "invalid syn_rate ' 5'" limit set syn_rate " 5"
bad 2 "invalid mode 'Monitor': expected 'enforce' or 'monitor'" limit set mode Monitor
bad 2 "invalid port '0' in '0': expected a number from 1 to 65535" limit set ports 0
bad 2 "invalid port '65536'" limit set ports 25,65536
bad 2 "invalid port 'smtp'" limit set ports smtp
bad 2 "at most 16 ports" limit set ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
bad 2 "invalid ports '25,,465': empty entry" limit set ports 25,,465
bad 2 "invalid ports '25,': empty entry" limit set ports 25,
bad 2 "invalid ports '': expected a comma-separated list of ports" limit set ports ""
bad 2 "expected 'limit set KEY VALUE [KEY VALUE ...]'" limit set syn_rate
bad 2 "expected 'limit set KEY VALUE [KEY VALUE ...]'" limit set syn_rate 5 syn_burst
bad 2 "expected 'limit set KEY VALUE [KEY VALUE ...]'" limit set

# --- objects, commands and arguments (exit 2) ------------------------------
bad 2 "unknown command 'frob'" frob
bad 2 "unknown command 'frob'" block frob
bad 2 "unknown command 'import'" import "$T_TMP/one_bad.txt"
bad 2 "'s' is ambiguous: it could be 'show' or 'set'" limit s
bad 2 "missing COMMAND after 'block'" block
bad 2 "missing COMMAND after 'li'" li
bad 2 "missing PREFIX" block add
bad 2 "expected 'block del PREFIX'" block del
bad 2 "expected 'allow del PREFIX'" allow del 198.51.100.64/26 198.51.100.7
bad 2 "unexpected 'extra': 'block list' takes no argument" block list extra
bad 2 "unexpected 'x': 'allow export' takes no argument" allow export x
bad 2 "unexpected 'now': 'block flush' takes no argument" block flush now
bad 2 "expected 'block import FILE'" block import
bad 2 "expected 'why ADDR'" why
bad 2 "expected 'why ADDR'" why 198.51.100.7 198.51.100.8
bad 2 "invalid address '198.51.100.0/24': expected A.B.C.D or X:X::X" why 198.51.100.0/24
bad 2 "invalid address '1.2.3'" why 1.2.3
bad 2 "'limit show' takes no argument" limit show all
bad 2 "'stats show' takes no argument" stats show all
bad 2 "unknown option" -x block list
bad 2 "invalid interface name '..': expected 1 to 15 characters" -i .. block list
bad 2 "invalid interface name '0123456789abcdef'" -i 0123456789abcdef block list
bad 2 "invalid interface name '..'" prog detach ..
bad 2 "invalid interface name '$IF_S/../$IF_S'" prog detach "$IF_S/../$IF_S"
bad 2 "expected 'prog attach IFACE" prog attach
bad 2 "expected 'prog detach IFACE'" prog detach
bad 2 "unexpected 'bogus': expected 'native', 'generic'" prog attach "$BRIDGE" bogus
bad 2 "invalid block_max '0': expected a number from 1 to 16777216" prog attach "$BRIDGE" block_max 0
bad 2 "missing number after 'seen_max'" prog attach "$BRIDGE" seen_max

# --- import files: one bad line changes nothing and is named (exit 2) ------
bad 2 "$T_TMP/one_bad.txt:3: invalid prefix '198.51.100.22/24': host bits are set; the network is 198.51.100.0/24" \
	block import "$T_TMP/one_bad.txt"
bad 2 "$T_TMP/allow_reason.txt:2: unexpected 'reason'" allow import "$T_TMP/allow_reason.txt"
bad 2 "$T_TMP/wide.txt:2: refusing to block 0.0.0.0/0" block import "$T_TMP/wide.txt"
bad 2 "$T_TMP/bad_last.txt:201: invalid ttl '0'" block import "$T_TMP/bad_last.txt"

# --- runtime errors (exit 1) -----------------------------------------------
bad 1 "198.51.100.99 is not in the blocklist" block del 198.51.100.99
bad 1 "203.0.113.0/25 is not in the blocklist" block del 203.0.113.0/25
bad 1 "2001:db8:9::/64 is not in the blocklist" block del 2001:db8:9::/64
bad 1 "198.51.100.7 is not in the allowlist" allow del 198.51.100.7
bad 1 "the guard is already attached to '$IF_S'" prog attach "$IF_S"
bad 1 "the guard is not attached to 'lo'" -i lo block list
bad 1 "the guard is not attached to 'lo'" -i lo why 198.51.100.7
bad 1 "the guard is not attached to 'lo'" -i lo limit set syn_rate 9
bad 1 "the guard is not attached to 'nosuch$T_ID'" -i "nosuch$T_ID" block add 198.51.100.9
bad 1 "the guard is not attached to 'nosuch$T_ID'" -i "nosuch$T_ID" stats show
bad 1 "the guard is not attached to '$BRIDGE'" -i "$BRIDGE" allow flush
bad 1 "the guard is not attached to 'lo'" prog detach lo
bad 1 "the guard is not attached to 'nosuch$T_ID'" prog detach "nosuch$T_ID"
bad 1 "no interface named 'nosuch$T_ID'" prog attach "nosuch$T_ID"
bad 1 "failed to open '$T_TMP/none.txt': No such file or directory" block import "$T_TMP/none.txt"
bad 1 "failed to read '$T_TMP': Is a directory" allow import "$T_TMP"

# --- attach failures (exit 3) ----------------------------------------------
bad 3 "failed to attach the guard to '$BRIDGE': Operation not supported" prog attach "$BRIDGE" native
if [ -e "/sys/fs/bpf/mxguard/$BRIDGE" ]; then
	fail failed_attach_leaves_no_pins "/sys/fs/bpf/mxguard/$BRIDGE exists"
else
	pass failed_attach_leaves_no_pins
fi

check_range case_count "$ncases" 100 1000
t_done
