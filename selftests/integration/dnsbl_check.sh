#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dnsbl_check.sh - 'mxguard dnsbl check' against Debian's rbldnsd in a
# network namespace of its own: the score of each address must be the
# one postscreen would give for the same answers, as computed by
# selftests/tools/postscreen_score.py from its own DNS queries and the
# rules of postconf(5); plus the exit codes and the error cases.
. "$(dirname "$0")/../lib.sh"

NS=mxdns$T_ID
RBL=$T_TMP/rbl
CONF=$T_TMP/mxguard.conf
SERVER=127.0.0.1:5353

if ! command -v rbldnsd >/dev/null || ! command -v python3 >/dev/null; then
	skip setup "needs rbldnsd and python3"
	t_done
fi

ip netns add "$NS" || { fail setup "ip netns add $NS"; t_done; }
T_NETNS+=("$NS")
ip -n "$NS" link set lo up
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }

mkdir -p "$RBL"
chmod 1777 "$RBL"
cat > "$RBL/zen_a.zone" <<'EOF'
$SOA 0 ns.zen.test. hostmaster.zen.test. 1 600 300 86400 120
$TTL 300
:127.0.0.2:listed
127.0.0.2
192.0.2.10
192.0.2.11 :127.0.0.3:listed as 3
192.0.2.14
192.0.2.20
192.0.2.40 :127.255.255.254:open resolver
EOF
cat > "$RBL/zen_b.zone" <<'EOF'
$TTL 300
127.0.0.2 :127.0.0.10:pbl
192.0.2.20 :127.0.0.10:pbl
EOF
cat > "$RBL/bl.zone" <<'EOF'
$TTL 120
:127.0.0.4:listed
127.0.0.2
192.0.2.13
192.0.2.14 :127.0.0.7:listed as 7
EOF
cat > "$RBL/wl.zone" <<'EOF'
$TTL 600
:127.0.10.2:allowed
127.0.0.2
192.0.2.12
192.0.2.14 :127.0.5.3:allowed as 3
EOF
printf '127.0.0.2\n' > "$RBL/v6_4.zone"
printf ':127.0.0.2:v6\n::2\n2001:db8::/64\n' > "$RBL/v6_6.zone"

bg ip netns exec "$NS" rbldnsd -n -u rbldns -r "$RBL" -w / -b 127.0.0.1/5353 \
	zen.test:ip4set:zen_a.zone zen.test:ip4set:zen_b.zone \
	bl.test:ip4set:bl.zone wl.test:ip4set:wl.zone \
	v6.test:ip4set:v6_4.zone v6.test:ip6trie:v6_6.zone > "$T_TMP/rbldnsd.out" 2>&1
for _ in $(seq 50); do
	in_ns python3 "$TOOLS/postscreen_score.py" --server $SERVER --sites zen.test \
		127.0.0.2 >/dev/null 2>&1 && break
	sleep 0.1
done

# write_conf SITES [EXTRA LINE] - the configuration the CLI reads
write_conf() {
	{
		echo "dnsbl_sites = $1"
		echo "dnsbl_threshold = 3"
		echo "dnswl_threshold = -1"
		echo "dns_servers = ${DNS_SERVERS:-$SERVER}"
		echo "dnsbl_timeout = 500ms"
		[ -n "${2:-}" ] && echo "$2"
	} > "$CONF"
}

# json_get FILE EXPR - evaluate a Python expression on the JSON in FILE as j
json_get() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

# compare NAME SITES ADDR - mxguard's score and verdict against postscreen's
compare() {
	local name=$1 sites=$2 addr=$3 out=$T_TMP/out.json rc want got verdict expect
	write_conf "$sites"
	in_ns "$MXG" -c "$CONF" -j dnsbl check "$addr" > "$out" 2>"$T_TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name" "exit $rc: $(cat "$T_TMP/err" "$out")"
		return
	fi
	want=$(in_ns python3 "$TOOLS/postscreen_score.py" --server $SERVER \
		--sites "$sites" "$addr" | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])')
	got=$(json_get "$out" 'j["score"]')
	check_eq "$name/score" "$got" "$want"
	if [ "$want" -ge 3 ]; then
		expect=listed
	elif [ "$want" -le -1 ]; then
		expect=allowed
	else
		expect=clean
	fi
	verdict=$(json_get "$out" 'j["verdict"]')
	check_eq "$name/verdict" "$verdict" "$expect"
}

S1="zen.test=127.0.0.[2..11]*3, zen.test=127.0.0.[10..11]*1, wl.test*-5, bl.test*2"
S2="zen.test zen.test*3 bl.test=127.0.0.[4;6..8]*2 wl.test=127.0.[0..255].[1..3]*-2 v6.test*3"
for a in 192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13 192.0.2.14 192.0.2.20 192.0.2.99; do
	compare "s1_${a##*.}" "$S1" "$a"
	compare "s2_${a##*.}" "$S2" "$a"
done
compare s2_v6_listed "$S2" 2001:db8::25
compare s2_v6_clean "$S2" 2001:db8:1::25

# The JSON carries every entry with its answers, weight and error.
write_conf "$S1"
in_ns "$MXG" -c "$CONF" -j dnsbl check 192.0.2.20 > "$T_TMP/out.json"
check_eq json_entries "$(json_get "$T_TMP/out.json" 'len(j["zones"])')" 4
check_eq json_zone "$(json_get "$T_TMP/out.json" 'j["zones"][1]["zone"]')" zen.test
check_eq json_weight "$(json_get "$T_TMP/out.json" 'j["zones"][3]["weight"]')" 2
check_eq json_answers "$(json_get "$T_TMP/out.json" '" ".join(sorted(j["zones"][0]["answers"]))')" \
	"127.0.0.10 127.0.0.2"
check_eq json_error_null "$(json_get "$T_TMP/out.json" 'j["zones"][0]["error"]')" None

# The plain output names the zones and the verdict.
in_ns "$MXG" -c "$CONF" dnsbl check 192.0.2.20 > "$T_TMP/out.txt" 2>&1
check plain_zone grep -q '^zen.test=127.0.0.\[2..11\] *3 *listed *127.0.0.2 127.0.0.10$' "$T_TMP/out.txt"
check plain_verdict grep -q 'score 4 (threshold 3, allowlist threshold -1), verdict listed' "$T_TMP/out.txt"

# An error code never lists, where postscreen would count the entry.
write_conf "zen.test*3"
in_ns "$MXG" -c "$CONF" -j dnsbl check 192.0.2.40 > "$T_TMP/out.json"
check_eq error_code_exit $? 0
check_eq error_code_score "$(json_get "$T_TMP/out.json" 'j["score"]')" 0
check_eq error_code_verdict "$(json_get "$T_TMP/out.json" 'j["verdict"]')" unknown
check error_code_named grep -q '127.255.255.254' "$T_TMP/out.json"
check_eq error_code_postscreen "$(in_ns python3 "$TOOLS/postscreen_score.py" --server $SERVER \
	--sites zen.test*3 192.0.2.40 | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])')" 3

# No server listening: DNS failed entirely, exit 1, still one JSON object.
DNS_SERVERS=127.0.0.1:5399 write_conf "$S1"
in_ns "$MXG" -c "$CONF" -j dnsbl check 192.0.2.10 > "$T_TMP/out.json" 2>/dev/null
check_eq down_exit $? 1
check_eq down_verdict "$(json_get "$T_TMP/out.json" 'j["verdict"]')" unknown
check_eq down_score "$(json_get "$T_TMP/out.json" 'j["score"]')" 0

# Usage errors exit 2; configuration problems exit 1 with a hint.
write_conf "$S1"
in_ns "$MXG" -c "$CONF" dnsbl check 192.0.2.300 > /dev/null 2>&1
check_eq bad_addr_exit $? 2
in_ns "$MXG" -c "$CONF" dnsbl check > /dev/null 2>&1
check_eq no_addr_exit $? 2
in_ns "$MXG" -c "$CONF" dnsbl check 192.0.2.10 192.0.2.11 > /dev/null 2>&1
check_eq two_addr_exit $? 2

write_conf ""
in_ns "$MXG" -c "$CONF" dnsbl check 192.0.2.10 > /dev/null 2> "$T_TMP/err"
check_eq empty_sites_exit $? 1
check empty_sites_hint grep -q 'no DNSBL is configured: set dnsbl_sites' "$T_TMP/err"

write_conf "zen.test=127.0.0.[2..x]*3"
in_ns "$MXG" -c "$CONF" -j dnsbl check 192.0.2.10 > "$T_TMP/out.json" 2>/dev/null
check_eq bad_sites_exit $? 1
check bad_sites_message grep -q "mxguard.conf:1: invalid filter '127.0.0.\[2..x\]'" "$T_TMP/out.json"

in_ns "$MXG" -c "$T_TMP/missing.conf" dnsbl check 192.0.2.10 > /dev/null 2>&1
check_eq missing_conf_exit $? 1

t_done
