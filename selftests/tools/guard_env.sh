# SPDX-License-Identifier: GPL-2.0-only
# guard_env.sh - setup and probes shared by the shell tests of the guard and
# the mxguard CLI. Source it after selftests/lib.sh.
#
# guard_env builds the namespaces with on-link default routes both ways, so
# any client address added with client_addr reaches the server and gets its
# replies, and attaches the guard to $IF_S. M runs mxguard in the server
# namespace on $IF_S; tests always name the interface, because other guards
# may be pinned on the same host while they run.

PIN=

# The distribution's interpreter, when there is one, starts in a tenth of the
# time of one behind a version manager's shim, and tests start it often.
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi

# guard_env [ATTACH ARGS...] - namespaces, routes and the guard on $IF_S
guard_env() {
	netns_pair || return 1
	ip -n "$NS_S" route add default dev "$IF_S" || return 1
	ip -n "$NS_S" -6 route add default dev "$IF_S" || return 1
	ip -n "$NS_C" route add default dev "$IF_C" || return 1
	ip -n "$NS_C" -6 route add default dev "$IF_C" || return 1
	PIN=/sys/fs/bpf/mxguard/$IF_S
	mxg prog attach "$IF_S" "$@" > "$T_TMP/attach.out" 2>&1 || {
		cat "$T_TMP/attach.out"
		return 1
	}
}

M() { mxg -i "$IF_S" "$@"; }

# client_addrs ADDR... - add each address to the client (IPv4 /32, IPv6 /128)
client_addrs() {
	local a
	for a in "$@"; do
		case $a in
		*:*) ip -n "$NS_C" addr add "$a/128" dev "$IF_C" nodad || return 1 ;;
		*) ip -n "$NS_C" addr add "$a/32" dev "$IF_C" || return 1 ;;
		esac
	done
}

# listeners PORT... - accept TCP connections on the server, IPv4 and IPv6.
# The listener's own PID goes to the cleanup list too: when python3 is a
# version manager's shim, the PID that bg records may not be the listener.
listeners() {
	local out=$T_TMP/listen.$$.$RANDOM i
	bg in_srv "$PYTHON" "$TOOLS/listen.py" "$@" > "$out" 2>&1
	for i in $(seq 50); do
		if grep -q '^ready' "$out"; then
			T_PIDS+=("$(awk '/^ready/ { print $2 }' "$out")")
			return 0
		fi
		sleep 0.1
	done
	cat "$out"
	return 1
}

# connect TIMEOUT SRC,DST,PORT... - connect from the client, all at once
connect() {
	local timeout=$1
	shift
	in_cli "$PYTHON" "$TOOLS/tcpconnect.py" --timeout "$timeout" "$@"
}

# counter GROUP NAME - one counter of 'stats show -j', e.g. drop block_manual
counter() {
	M -j stats show | "$PYTHON" -c '
import json, sys
print(json.load(sys.stdin)[sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

# counters - every counter as "group.name value" lines, for diffs
counters() {
	M -j stats show | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
for group, values in d.items():
    if isinstance(values, dict):
        for name, v in values.items():
            print("%s.%s %s" % (group, name, v))'
}

# syn_retrans - SYN retransmissions the client's TCP stack has made
syn_retrans() {
	in_cli nstat -asz TcpExtTCPSynRetrans | awk '$1 == "TcpExtTCPSynRetrans" { print $2; f = 1 } END { if (!f) print 0 }'
}

# map_len NAME - entries in one pinned map of $IF_S, e.g. map_len bnet6
map_len() {
	bpftool -j map dump pinned "$PIN/mxguard_$1" | "$PYTHON" -c '
import json, sys
print(len(json.load(sys.stdin)))'
}

# meta_field NAME - one field of mxguard_meta, e.g. meta_field bnet6_entries
meta_field() {
	bpftool -j map lookup pinned "$PIN/mxguard_meta" key 0 0 0 0 | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(d["formatted"]["value"][sys.argv[1]])' "$1"
}

# json_get EXPR - evaluate a Python expression on the JSON document on stdin,
# bound to d, and print the result
json_get() {
	"$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}
