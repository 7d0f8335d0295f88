#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# golden.sh - the JSON that 'mxguard -j' prints for a fixed guard, compared
# with selftests/golden/*.json, and -p output that parses as the same JSON.
#
# The guard gets fixed entries and limits, then counted SYNs from
# synsend.py, so every counter except pass.not_guarded (neighbour
# discovery, replies) is exact. Fields that differ from run to run (ids,
# ages, remaining seconds, bucket tokens, the interface name, the version)
# are replaced by placeholders after a range check; the comparison is of
# parsed JSON, so it ignores spacing and key order.
#
# GOLDEN_UPDATE=1 selftests/cli/golden.sh rewrites the golden files from
# this run; read the diff before committing it.

. "$(dirname "$0")/../lib.sh"
. "$top/selftests/tools/guard_env.sh"

GOLDEN=$top/selftests/golden

if ! guard_env > "$T_TMP/setup.out" 2>&1; then
	cat "$T_TMP/setup.out"
	fail setup "could not build the namespaces or attach the guard"
	t_done
fi
client_addrs 198.51.100.7 203.0.113.200 192.0.2.50 2001:db8:bad::7

# The fixed guard: bans of each kind and reason, allowlist entries inside a
# ban, and SYNs from a banned, an allowed, a clean and a banned IPv6 source.
{
	M block add 198.51.100.7 reason auth &&
	M block add 203.0.113.0/24 ttl 1h reason dnsbl &&
	M block add 2001:db8:bad::/64 ttl 30m reason protocol &&
	M block add 2001:db8:be00::/40 &&
	M allow add 203.0.113.128/25 ttl 1d &&
	M allow add 2001:db8:a11::/48 &&
	in_cli "$PYTHON" "$TOOLS/synsend.py" 198.51.100.7 192.0.2.1 25 3 &&
	in_cli "$PYTHON" "$TOOLS/synsend.py" 203.0.113.200 192.0.2.1 465 2 &&
	in_cli "$PYTHON" "$TOOLS/synsend.py" 192.0.2.50 192.0.2.1 587 4 &&
	in_cli "$PYTHON" "$TOOLS/synsend.py" 2001:db8:bad::7 2001:db8::1 25 5
} > "$T_TMP/fill.out" 2>&1 || { cat "$T_TMP/fill.out"; fail fill "could not set up the guard"; }
# the SYNs have crossed the veth once synsend returns; let softirqs finish
sleep 0.2

# normalize FILE - print FILE's JSON with the varying fields replaced
normalize() {
	"$PYTHON" - "$1" "$IF_S" "$(cat "$top/VERSION" 2>/dev/null || echo 0.0.0)" <<'EOF'
import json, re, sys

path, iface, version = sys.argv[1:4]
doc = json.load(open(path))
errors = []

# field -> (placeholder, check of the real value)
varying = {
    "age_sec": ("<age>", lambda v: 0 <= v < 600),
    "expires_sec": ("<seconds>", lambda v: 0 < v <= 86400),
    "prog_id": ("<id>", lambda v: v > 0),
    "link_id": ("<id>", lambda v: v > 0),
    "ifindex": ("<ifindex>", lambda v: v > 0),
    "reported_sec_ago": ("<age>", lambda v: 0 <= v < 600),
    "tokens": ("<tokens>", lambda v: 0 <= v <= 20),
    # handshakes counted for a second after their SYN: timing decides
    "pending": ("<pending>", lambda v: 0 <= v <= 20),
    "version": ("<version>", lambda v: v == version),
}


def walk(node, path):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in varying and v is not None:
                placeholder, ok = varying[k]
                if not ok(v):
                    errors.append("%s.%s = %r is out of range" % (path, k, v))
                out[k] = placeholder
            else:
                out[k] = walk(v, path + "." + k)
        return out
    if isinstance(node, list):
        return [walk(v, path + "[]") for v in node]
    if node == iface:
        return "<iface>"
    if isinstance(node, str):
        # an export line carries the remaining ttl, which counts down
        return re.sub(r" ttl [0-9]+[smhdw]", " ttl <ttl>", node)
    return node


out = walk(doc, "")
# Neighbour discovery and the replies to the SYNs add to pass.not_guarded
# in numbers that vary from run to run.
if isinstance(out, dict) and "pass" in out and "total" in out:
    out["pass"]["not_guarded"] = "<varies>"
    out["total"]["pass"] = "<varies>"
print(json.dumps(out, indent=2))
if errors:
    sys.exit("; ".join(errors))
EOF
}

# golden NAME ARGS... - run 'mxguard -j ARGS', compare with NAME.json
golden() {
	local name=$1 diff
	shift
	M -j "$@" > "$T_TMP/$name.raw" 2> "$T_TMP/$name.err"
	echo $? > "$T_TMP/$name.rc"
	if ! normalize "$T_TMP/$name.raw" > "$T_TMP/$name.json" 2> "$T_TMP/$name.nerr"; then
		fail "$name" "$(cat "$T_TMP/$name.nerr") in $(head -c 400 "$T_TMP/$name.raw")"
		return
	fi
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		cp "$T_TMP/$name.json" "$GOLDEN/$name.json"
		pass "$name (rewritten)"
		return
	fi
	if [ ! -e "$GOLDEN/$name.json" ]; then
		fail "$name" "no golden file $GOLDEN/$name.json"
		return
	fi
	diff=$("$PYTHON" -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a != b:
    print(json.dumps(a, sort_keys=True))' "$T_TMP/$name.json" "$GOLDEN/$name.json")
	if [ -z "$diff" ]; then
		pass "$name"
	else
		fail "$name" "differs from $name.json: $(diff -u "$GOLDEN/$name.json" "$T_TMP/$name.json" | head -30)"
	fi
}

# pretty NAME ARGS... - 'mxguard -p ARGS' is indented and parses as the same
# JSON as NAME's -j output, once both are normalized
pretty() {
	local name=$1
	shift
	M -p "$@" > "$T_TMP/$name.pretty" 2>/dev/null
	if ! grep -q '^  "' "$T_TMP/$name.pretty" && ! grep -q '^  {' "$T_TMP/$name.pretty"; then
		fail "pretty_$name" "not indented: $(head -c 200 "$T_TMP/$name.pretty")"
		return
	fi
	normalize "$T_TMP/$name.pretty" > "$T_TMP/$name.pretty.json" 2>&1
	if cmp -s "$T_TMP/$name.pretty.json" "$T_TMP/$name.json"; then
		pass "pretty_$name"
	else
		fail "pretty_$name" "$(diff "$T_TMP/$name.json" "$T_TMP/$name.pretty.json" | head -10)"
	fi
}

# --- read-only commands, also checked with -p -------------------------------
# read_only NAME ARGS... - golden and pretty for one command
read_only() {
	golden "$@"
	pretty "$@"
}

read_only version version
read_only block_list block list
read_only allow_list allow list
read_only limit_show limit show
read_only stats_show stats show
read_only why_blocked why 198.51.100.7
read_only why_allowed why 203.0.113.200
read_only why_clean why 192.0.2.50
read_only why_blocked_v6 why 2001:db8:bad::7
read_only why_self why 192.0.2.1
read_only prog_show prog show
read_only error_host_bits block add 1.2.3.4/24

# --- commands that change the guard -----------------------------------------
golden block_add block add 198.51.100.77 ttl 10m reason reject
golden block_add_again block add 198.51.100.77 ttl 20m
golden allow_add allow add 2001:db8:a12::/48 ttl 1h
golden block_del block del 198.51.100.77
golden block_export block export
golden limit_set limit set syn_rate 6 mode monitor ports 25,587
golden allow_flush allow flush

for name in block_add block_add_again allow_add block_del limit_set allow_flush; do
	check_eq "${name}_exit" "$(cat "$T_TMP/$name.rc")" 0
done
check_eq error_host_bits_exit "$(cat "$T_TMP/error_host_bits.rc")" 2

t_done
