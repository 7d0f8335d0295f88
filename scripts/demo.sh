#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh - the main job on real software: bring the lab up (Postfix,
# Dovecot and rbldnsd in namespaces, mxguardd on the server's veth) and
# play a story, printing what happened step by step:
#
#   1. a user sends authenticated mail;
#   2. a password guesser fails until it is banned, and its next
#      connections die at the NIC;
#   3. a sender on the DNSBL is dropped after its first SYN;
#   4. a SYN flood from one IPv6 /64 is rate-limited while the user
#      still gets through;
#   5. the daemon restarts in the middle of an attack without a gap.
#
# Exits 0 only when every expectation held. KEEP=1 leaves the lab up;
# DEMO_TAP=1 also prints PASS/FAIL lines for the test suite.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
export OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
export LAB_DIR=${LAB_DIR:-/run/mxguard-lab}
TOOLS=$top/selftests/tools
failures=0

say() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }

# expect NAME OK_TEXT FAIL_TEXT CMD... - run CMD; report the outcome
expect() {
	local name=$1 ok=$2 bad=$3
	shift 3
	if "$@"; then
		printf '   [ ok ] %s\n' "$ok"
		[ -n "${DEMO_TAP:-}" ] && echo "PASS demo/$name"
	else
		printf '   [FAIL] %s\n' "$bad"
		[ -n "${DEMO_TAP:-}" ] && echo "FAIL demo/$name: $bad"
		failures=$((failures + 1))
	fi
	return 0
}

in_srv() { nsenter --net="/run/netns/$NS_S" "$@"; }
in_cli() { nsenter --net="/run/netns/$NS_C" "$@"; }
mxg() { in_srv "$OUTPUT/mxguard" -i "$IF_S" -c "$MXG_CONF" "$@"; }

# json FIELD.PATH - read one value from JSON on stdin
json() {
	python3 -c "import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split('.'):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print('null' if v is None else v)" "$1"
}

counter() { mxg -j stats show | json "$1"; }

tcp_insegs() {
	in_srv awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# submit FROM PASSWORD - one authenticated submission on 587 (STARTTLS)
submit() {
	in_cli timeout 6 swaks --server "$SRV4" --port 587 --tls \
		--local-interface "$1" --auth LOGIN --auth-user "$LAB_USER" \
		--auth-password "$2" --from "$LAB_USER@lab.test" \
		--to bob@lab.test --timeout 4 > "$LAB_DIR/swaks.out" 2>&1
}

# connects ADDR PORT - 0 when a TCP handshake from ADDR completes in 3 s
connects() {
	in_cli python3 "$TOOLS/tcpconnect.py" --timeout 3 "$1,$SRV4,$2" 2>/dev/null |
		grep -q ' ok$'
}

cleanup() {
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -z "${KEEP:-}" ]; then
		"$top/scripts/lab.sh" down "$LAB_DIR"
	else
		printf '\nThe lab stays up (KEEP=1): source %s/lab.env, then try\n' "$LAB_DIR"
		printf '  nsenter --net=/run/netns/$NS_S %s -i $IF_S -c $MXG_CONF why %s\n' \
			"$OUTPUT/mxguard" "$GUESSER4"
		printf 'and remove it with: scripts/lab.sh down %s\n' "$LAB_DIR"
	fi
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces and loads BPF)" >&2
	exit 1
fi

say "Setting up the lab: Postfix, Dovecot, rbldnsd and mxguardd in network namespaces"
if ! "$top/scripts/lab.sh" up "$LAB_DIR"; then
	echo "demo: the lab did not come up" >&2
	[ -n "${DEMO_TAP:-}" ] && echo "FAIL demo/lab_up: the lab did not come up"
	exit 1
fi
trap cleanup EXIT
# shellcheck disable=SC1091 # written by lab.sh up
. "$LAB_DIR/lab.env"
note "server $SRV4 and $SRV6 on $IF_S: SMTP 25, submission 587, submissions 465, IMAP, POP3"
note "mxguardd: ban after 3 failures in 10 minutes; DNSBL dnsbl.lab.test, DNSWL dnswl.lab.test"
note "limits: $(mxg -j limit show | python3 -c "import json,sys
l = json.load(sys.stdin)
print('mode %s, ports %s, %s SYN/s per source with bursts of %s' % (l['mode'],
      ', '.join(map(str, l['ports'])), l['syn_rate'], l['syn_burst']))")"

# --- 1 ---------------------------------------------------------------------
say "1. A user sends authenticated mail"
expect user_mail "alice ($USER4) sent a message through 587 with STARTTLS and AUTH" \
	"alice's submission failed: $(tail -n 3 "$LAB_DIR/swaks.out" 2>/dev/null | tr '\n' ' ')" \
	submit "$USER4" "$LAB_PASS"

# --- 2 ---------------------------------------------------------------------
say "2. A password guesser ($GUESSER4) tries passwords on 587"
tries=0
banned_after=0
for i in $(seq 1 8); do
	if ! connects "$GUESSER4" 587; then
		banned_after=$tries
		break
	fi
	if [ $((i % 2)) -eq 0 ]; then
		in_cli python3 "$TOOLS/imaplogin.py" "$GUESSER4" "$SRV4" "$LAB_USER" \
			"guess-$i" > /dev/null
		note "attempt $i: IMAP login refused by Dovecot"
	else
		submit "$GUESSER4" "guess-$i"
		note "attempt $i: SMTP AUTH refused by Postfix"
	fi
	tries=$((tries + 1))
	sleep 0.3
done
expect guesser_banned "banned after $banned_after failed logins; its next connection timed out at the NIC" \
	"the guesser was never cut off ($tries attempts)" \
	test "$banned_after" -ge 3 -a "$banned_after" -le 4
verdict=$(mxg -j why "$GUESSER4" | json verdict)
reason=$(mxg -j why "$GUESSER4" | json block.reason)
expect guesser_why "mxguard why $GUESSER4: $verdict (reason $reason)" \
	"mxguard why says '$verdict' with reason '$reason'" \
	test "$verdict" = drop -a "$reason" = auth
note "what the operator sees:"
mxg why "$GUESSER4" | sed 's/^/     /'
found=$(cat "$POSTFIX_LOG" "$DOVECOT_LOG" | "$OUTPUT/mxguard" -j log test - 2>/dev/null |
	python3 -c "import json,sys
ev = json.load(sys.stdin)
fails = [e for e in ev if e['kind'] == 'auth_fail']
print('%d %d %s' % (len(fails), sum(1 for e in fails if e['addr'] == '$GUESSER4'),
      ','.join(sorted({e['format'] for e in fails}))))")
expect log_test_finds "mxguard log test on the lab's Postfix and Dovecot logs lists exactly the $tries failed logins (${found##* })" \
	"mxguard log test found '$found' (failed logins, of them the guesser's, formats)" \
	test "$found" = "$tries $tries dovecot,postfix"
before=$(counter drop.block_auth)
connects "$GUESSER4" 25
after=$(counter drop.block_auth)
expect guesser_dropped "its SYNs to port 25 were dropped too ($((after - before)) more in the drop counter)" \
	"its SYNs to port 25 were not dropped" \
	test "$((after - before))" -ge 1

# --- 3 ---------------------------------------------------------------------
say "3. A sender on the DNSBL ($LISTED4) connects to port 25"
first=refused
connects "$LISTED4" 25 && first=accepted
note "first connection: $first (the guard reported the new source; mxguardd asked rbldnsd)"
sleep 0.5
second=refused
connects "$LISTED4" 25 && second=accepted
expect dnsbl_dropped "its next connection was dropped at the NIC" \
	"its next connection was $second" test "$second" = refused
reason=$(mxg -j why "$LISTED4" | json block.reason)
expect dnsbl_reason "mxguard why $LISTED4: banned with reason $reason" \
	"the ban's reason is '$reason'" test "$reason" = dnsbl
welcome=refused
connects "$WELCOME4" 25 && welcome=accepted
sleep 0.3
origin=$(mxg -j allow list | python3 -c "import json,sys
print(next((e['origin'] for e in json.load(sys.stdin) if e['prefix'] == '$WELCOME4'), 'none'))")
expect dnswl_allowed "a sender on the DNSWL ($WELCOME4) was $welcome and allowlisted (origin $origin)" \
	"the DNSWL sender was $welcome, allowlist origin '$origin'" \
	test "$welcome" = accepted -a "$origin" = dnswl

# --- 4 ---------------------------------------------------------------------
say "4. A SYN flood from one IPv6 /64 ($FLOOD6_NET::/64) while the user works"
rate0=$(counter drop.syn_rate)
clean0=$(counter pass.clean)
for a in 1 2 3 4; do
	in_cli python3 "$TOOLS/synstream.py" "$FLOOD6_NET::$a" "$SRV6" 25 \
		--rate 1000 --duration 3 > "$LAB_DIR/flood$a.json" &
done
sleep 1
expect flood_user_mail "alice still sent mail during the flood" \
	"alice's submission failed during the flood" submit "$USER4" "$LAB_PASS"
wait
sent=0
for a in 1 2 3 4; do
	sent=$((sent + $(json sent < "$LAB_DIR/flood$a.json")))
done
limited=$(( $(counter drop.syn_rate) - rate0 ))
passed=$(( $(counter pass.clean) - clean0 ))
note "flood: $sent SYNs from 4 addresses of one /64; $limited dropped by the rate limit"
expect flood_limited "the /64 shared one bucket: $limited of $sent SYNs were dropped" \
	"only $limited of $sent flood SYNs were dropped" \
	test "$limited" -ge "$((sent * 9 / 10))"
bans=$(mxg -j block list | python3 -c "import json,sys
print(sum(1 for e in json.load(sys.stdin) if e['prefix'].startswith('$FLOOD6_NET')))")
expect flood_not_banned "the flood created no ban: SYN rate alone only rate-limits" \
	"the flood created $bans bans" test "$bans" -eq 0

# --- 5 ---------------------------------------------------------------------
say "5. mxguardd restarts in the middle of an attack"
segs0=$(tcp_insegs)
drops0=$(counter drop.block_auth)
in_cli python3 "$TOOLS/synstream.py" "$GUESSER4" "$SRV4" 587 --rate 500 \
	--duration 4 > "$LAB_DIR/restart.json" &
stream=$!
sleep 1
pid=$(cat "$LAB_DIR/mxguardd.pid")
kill "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
note "mxguardd (pid $pid) stopped; the guard kept running from its pinned link and maps"
"$top/scripts/lab.sh" start-daemon "$LAB_DIR"
newpid=$(cat "$LAB_DIR/mxguardd.pid")
note "mxguardd (pid $newpid) started and replaced the program in one step"
wait "$stream"
sent=$(json sent < "$LAB_DIR/restart.json")
through=$(( $(tcp_insegs) - segs0 ))
dropped=$(( $(counter drop.block_auth) - drops0 ))
expect restart_no_gap "$sent SYNs from the banned guesser during the restart: $dropped dropped, $through reached the stack" \
	"during the restart $through SYNs reached the stack ($dropped of $sent dropped)" \
	test "$through" -eq 0 -a "$dropped" -eq "$sent"
expect restart_ban_kept "the guesser's ban survived the restart" \
	"the guesser's ban is gone after the restart" \
	test "$(mxg -j why "$GUESSER4" | json verdict)" = drop
status_pid=$(mxg -j daemon status | json pid)
expect restart_daemon_up "the new mxguardd (pid $status_pid) answers and adopted every ban" \
	"the daemon answering is pid $status_pid, not the new $newpid" \
	test "$status_pid" = "$newpid" -a "$newpid" != "$pid"

# --- summary ---------------------------------------------------------------
say "What the guard counted (mxguard stats show, counters above zero)"
mxg -j stats show | python3 -c "import json,sys
s = json.load(sys.stdin)
for group in ('pass', 'drop', 'would_drop', 'events', 'map_full'):
    items = ['%s %d' % (k, v) for k, v in s[group].items() if v]
    if items:
        print('   %-10s %s' % (group + ':', ', '.join(items)))"
say "Bans"
mxg block list | sed 's/^/   /'

if [ "$failures" -eq 0 ]; then
	say "Every expectation held."
	exit 0
fi
say "$failures expectations failed; the logs are in $LAB_DIR/log/ (KEEP=1 keeps them)"
exit 1
