#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# concurrency.sh - many mxguard processes at once lose no update.
#
# 24 workers add disjoint and shared prefixes (IPv4 and IPv6, single
# sources and ranges, both lists), and seven of them set one limit each,
# one of them v6_prefix, which moves IPv6 bans between hash and trie. The
# lists must then equal a model the test computes, and the trie counts in
# mxguard_meta must equal the tries. Then the workers delete in parallel,
# each shared prefix by all of them (exactly one delete may succeed), while
# two loops list both lists: every list must succeed, parse, show each
# prefix once and show only prefixes that were added. Last, a blocked
# source inside an allowed /24 floods port 25 while allowlist prefixes
# inside that /24 are added and deleted: not one SYN may be dropped.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 203.0.113.9

WORKERS=24
RUN=$T_TMP/run
mkdir -p "$RUN"

# run W ARGS... - run mxguard for worker W and log "rc ARGS" to its file
run() {
	local w=$1
	shift
	M "$@" > /dev/null 2>> "$RUN/$w.err"
	echo "$? $*" >> "$RUN/$w.log"
}

# Each worker's own prefixes, one of each kind.
own_v4() { echo "198.51.100.$(($1 + 1))"; }
own_v6() { printf '2001:db8:10:%x::/64\n' "$1"; }
own_net4() { echo "203.0.113.$(($1 * 8))/29"; }
own_net6() { printf '2001:db8:20:%x00::/56\n' "$1"; }
own_allow4() { echo "198.51.100.$(($1 + 100))"; }
own_allow6() { printf '2001:db8:30:%x::/64\n' "$1"; }
SHARED_BLOCK="192.0.2.200 2001:db8:40::/64 198.51.100.192/27"
SHARED_ALLOW="2001:db8:41::/48"
LIMITS=(syn_rate 11 syn_burst 33 conn_limit 44 seen_ttl 555 event_rate 66
	global_syn_rate 7777 v6_prefix 56)

phase1_worker() {
	local w=$1 p i
	run "$w" block add "$(own_v4 "$w")" reason auth
	run "$w" block add "$(own_v6 "$w")"
	for p in $SHARED_BLOCK; do run "$w" block add "$p" reason dnsbl; done
	run "$w" block add "$(own_net4 "$w")" ttl 1h
	run "$w" block add "$(own_net6 "$w")"
	run "$w" allow add "$(own_allow4 "$w")"
	run "$w" allow add "$(own_allow6 "$w")"
	run "$w" allow add $SHARED_ALLOW
	run "$w" block add "198.51.100.$((150 + w))"
	run "$w" block del "198.51.100.$((150 + w))"
	i=$((2 * w))
	if [ $i -lt ${#LIMITS[@]} ]; then
		run "$w" limit set "${LIMITS[$i]}" "${LIMITS[$((i + 1))]}"
	fi
}

phase2_worker() {
	local w=$1 p
	if [ $((w % 2)) = 1 ]; then
		run "$w" block del "$(own_v4 "$w")"
		run "$w" block del "$(own_v6 "$w")"
	else
		run "$w" block del "$(own_net4 "$w")"
		run "$w" block del "$(own_net6 "$w")"
	fi
	[ $((w % 3)) = 0 ] && run "$w" allow del "$(own_allow4 "$w")"
	for p in 192.0.2.200 2001:db8:40::/64; do
		M block del "$p" > /dev/null 2>&1
		echo "$? $p" >> "$RUN/shared_del"
	done
	# the prefix moves back while others delete IPv6 bans
	[ "$w" = 6 ] && run "$w" limit set v6_prefix 64
}

# model PHASE - the expected 'export' lines of both lists, sorted
model() {
	local w p
	{
		for w in $(seq 0 $((WORKERS - 1))); do
			if [ "$1" = 1 ] || [ $((w % 2)) = 0 ]; then
				echo "block $(own_v4 "$w") reason auth"
				echo "block $(own_v6 "$w") reason manual"
			fi
			if [ "$1" = 1 ] || [ $((w % 2)) = 1 ]; then
				echo "block $(own_net4 "$w") reason manual"
				echo "block $(own_net6 "$w") reason manual"
			fi
			if [ "$1" = 1 ] || [ $((w % 3)) != 0 ]; then
				echo "allow $(own_allow4 "$w")"
			fi
			echo "allow $(own_allow6 "$w")"
		done
		for p in $SHARED_BLOCK; do
			[ "$1" = 1 ] || [ "$p" = 198.51.100.192/27 ] && echo "block $p reason dnsbl"
		done
		echo "allow $SHARED_ALLOW"
		echo "allow 192.0.2.1"
		echo "allow 2001:db8::1"
	} | canonical | sort
}

# canonical - print each "LIST PREFIX ..." line with PREFIX as mxguard
# prints it: compressed IPv6, no length on a single address
canonical() {
	"$PYTHON" -c '
import ipaddress, sys
for line in sys.stdin:
    words = line.split()
    net = ipaddress.ip_network(words[1])
    words[1] = str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)
    print(" ".join(words))'
}

# state - the same lines from the guard, ttls left out
state() {
	{
		M block export | grep -v '^#' | sed 's/ ttl [0-9a-z]*//; s/^/block /'
		M allow export | grep -v '^#' | sed 's/ ttl [0-9a-z]*//; s/^/allow /'
	} | sort
}

# check_state NAME PHASE - lists equal the model, trie counts equal the tries
check_state() {
	model "$2" > "$T_TMP/model.$2"
	state > "$T_TMP/state.$2"
	if cmp -s "$T_TMP/model.$2" "$T_TMP/state.$2"; then
		pass "$1_lists_equal_model"
	else
		fail "$1_lists_equal_model" "$(diff "$T_TMP/model.$2" "$T_TMP/state.$2" | head -10 | tr '\n' ' ')"
	fi
	check_eq "$1_model_size" "$(wc -l < "$T_TMP/model.$2")" "$3"
	for m in bnet4 bnet6 allow4 allow6; do
		check_eq "$1_meta_${m}" "$(meta_field "${m}_entries")" "$(map_len "$m")"
	done
}

# failed_runs - logged commands that did not exit 0
failed_runs() {
	cat "$RUN"/*.log | grep -v '^0 ' | head -5 | tr '\n' ' '
}

# --- phase 1: parallel adds and limit changes -------------------------------
for w in $(seq 0 $((WORKERS - 1))); do
	phase1_worker "$w" &
done
wait
check_eq phase1_all_succeeded "$(failed_runs)" ""
check_eq phase1_command_count "$(cat "$RUN"/*.log | wc -l)" $((WORKERS * 12 + 7))
check_state phase1 1 $((WORKERS * 6 + 3 + 3))
check_eq phase1_limits "$(M -j limit show | json_get '[d[k] for k in ("syn_rate", "syn_burst", "conn_limit", "seen_ttl", "event_rate", "global_syn_rate", "v6_prefix")]')" \
	"[11, 33, 44, 555, 66, 7777, 56]"
# at /56 the IPv6 /64 bans live in the trie and the /56 ones in the hash
check_eq phase1_v6_hash "$(map_len block6)" "$WORKERS"

# --- phase 2: parallel deletes, with lists running meanwhile ----------------
rm -f "$RUN"/*.log
touch "$RUN/deleting"
lister() {
	local n=0
	while [ -e "$RUN/deleting" ] || [ $n -lt 3 ]; do
		n=$((n + 1))
		M -j "$1" list > "$RUN/list.$1.$n" 2> "$RUN/list.$1.$n.err"
		echo "$? $RUN/list.$1.$n" >> "$RUN/lists"
	done
}
lister block &
lister_block=$!
lister allow &
lister_allow=$!
for w in $(seq 0 $((WORKERS - 1))); do
	phase2_worker "$w" &
	pids+=($!)
done
wait "${pids[@]}"
rm -f "$RUN/deleting"
wait "$lister_block" "$lister_allow"

check_eq phase2_all_succeeded "$(failed_runs)" ""
for p in 192.0.2.200 2001:db8:40::/64; do
	check_eq "shared_del_once_$p" "$(grep -c "^0 $p\$" "$RUN/shared_del")" 1
	check_eq "shared_del_not_found_$p" "$(grep -c "^1 $p\$" "$RUN/shared_del")" $((WORKERS - 1))
done
check_state phase2 2 $((WORKERS * 2 + WORKERS - 8 + WORKERS + 4))
check_eq phase2_v6_prefix "$(M -j limit show | json_get 'd["v6_prefix"]')" 64

# every list during the deletes: exit 0, JSON, each prefix once, nothing
# that was never added
model 1 | awk '{ print $2 }' > "$T_TMP/ever_added"
"$PYTHON" - "$RUN/lists" "$T_TMP/ever_added" > "$T_TMP/lists.check" <<'EOF'
import json, sys
known = set(open(sys.argv[2]).read().split())
runs = [line.split(" ", 1) for line in open(sys.argv[1]).read().splitlines()]
problems = []
for rc, path in runs:
    if rc != "0":
        problems.append("%s exited %s: %s" % (path, rc, open(path + ".err").read()[:200]))
        continue
    try:
        rows = json.load(open(path))
    except ValueError as e:
        problems.append("%s is not JSON: %s" % (path, e))
        continue
    prefixes = [r["prefix"] for r in rows]
    if len(prefixes) != len(set(prefixes)):
        problems.append("%s lists a prefix twice" % path)
    unknown = set(prefixes) - known
    if unknown:
        problems.append("%s lists prefixes never added: %s" % (path, sorted(unknown)))
print(len(runs))
print("; ".join(problems[:5]))
EOF
check_range lists_during_deletes "$(sed -n 1p "$T_TMP/lists.check")" 6 100000
check_eq lists_during_deletes_valid "$(sed -n 2p "$T_TMP/lists.check")" ""

# --- allowlist changes under a live covering entry drop nothing -------------
# Each add first probes the trie for its exact prefix, which must not hide
# the /24 from the program meanwhile.
M block flush > /dev/null
M allow flush > /dev/null
M allow add 203.0.113.0/24 > /dev/null
M block add 203.0.113.9 > /dev/null
M limit set syn_rate 0 > /dev/null
before_drop=$(counter drop block_manual)
before_allow=$(counter pass allowlist)
in_cli "$PYTHON" "$TOOLS/synsend.py" 203.0.113.9 192.0.2.1 25 200000 > "$T_TMP/flood.out" &
flood=$!
for w in 0 1 2 3; do
	(
		plen=$((25 + w))
		while kill -0 "$flood" 2> /dev/null; do
			M allow add "203.0.113.0/$plen" > /dev/null
			M allow del "203.0.113.0/$plen" > /dev/null
			echo >> "$RUN/flips.$w"
		done
	) &
	flippers+=($!)
done
wait "$flood"
wait "${flippers[@]}"
sleep 0.2
flips=$(cat "$RUN"/flips.* | wc -l)
check_range allow_flips_during_flood "$flips" 40 100000
check_eq allow_flood_sent "$(json_get 'd["sent"]' < "$T_TMP/flood.out")" 200000
check_eq allow_flood_none_dropped "$(( $(counter drop block_manual) - before_drop ))" 0
check_eq allow_flood_all_allowed "$(( $(counter pass allowlist) - before_allow ))" 200000

echo "# $(sed -n 1p "$T_TMP/lists.check") lists during the deletes, $flips allowlist add/del pairs during the flood"
t_done
