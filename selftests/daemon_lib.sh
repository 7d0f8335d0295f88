# SPDX-License-Identifier: GPL-2.0-only
# daemon_lib.sh - start and stop mxguardd in a test's server namespace.
# Source after lib.sh and netns_pair.

# daemon_conf - write $T_TMP/mxguard.conf for $IF_S: the test's own
# "key = value" lines from stdin, plus defaults for the keys it leaves out.
daemon_conf() {
	local extra key line
	D_CONF=$T_TMP/mxguard.conf
	D_SOCK=$T_TMP/ctl.sock
	extra=$(cat)
	{
		printf '%s\n' "$extra"
		for line in "interface = $IF_S" "state_file = $T_TMP/state.gz" \
			    "control_socket = $D_SOCK" "log_files ="; do
			key=${line%% =*}
			grep -q "^$key *=" <<< "$extra" || echo "$line"
		done
	} > "$D_CONF"
}

# mxgc ARGS... - the CLI on $IF_S with the test's configuration (for the
# socket); other tests may guard interfaces of their own at the same time
mxgc() { in_srv "$MXG" -i "$IF_S" -c "$D_CONF" "$@"; }

# daemon_start [ARGS...] - start mxguardd -d in the server namespace and
# wait until it answers; sets D_PID. Logs go to $T_TMP/mxguardd.log.
daemon_start() {
	local i
	# nsenter itself, not a shell function, so that D_PID is the daemon
	nsenter --net="/run/netns/$NS_S" "$MXGD" -d -c "$D_CONF" "$@" \
		>> "$T_TMP/mxguardd.log" 2>&1 &
	D_PID=$!
	T_PIDS+=("$D_PID")
	for i in $(seq 100); do
		if mxgc daemon status >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$D_PID" 2>/dev/null; then
			echo "mxguardd exited at start; its log:" >&2
			cat "$T_TMP/mxguardd.log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "mxguardd did not answer within 5s" >&2
	return 1
}

# daemon_stop [SIGNAL] - stop the daemon started last and wait for it
daemon_stop() {
	kill "-${1:-TERM}" "$D_PID" 2>/dev/null
	wait "$D_PID" 2>/dev/null
	return 0
}

# tcp_insegs - TCP segments the server's stack received (after XDP)
tcp_insegs() {
	in_srv awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# stat_counter GROUP NAME - one counter of 'mxguard stats show -j'
stat_counter() {
	mxgc -j stats show | python3 -c "import json,sys; print(json.load(sys.stdin)['$1']['$2'])"
}
