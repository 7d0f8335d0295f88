# SPDX-License-Identifier: GPL-2.0-only
# conn_lib.sh - the connection lab (connlab.py) as a coprocess of a shell
# test, for the tests of conn_limit. Source after selftests/lib.sh, once
# $NS_S, $NS_C and $IF_S exist.
#
# lab CMD... sends one command and leaves its one-line reply in LAB_OUT.
# Checkpoints print "# checkpoint NAME: SRC expected N: ok ours=N ss=N",
# the per-source count of 'mxguard why' next to what ss shows.

if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi

# lab_start [ARGS...] - start connlab.py; ARGS go to it (--ports, ...)
lab_start() {
	coproc LAB { exec "$PYTHON" "$TOOLS/connlab.py" --srv "$NS_S" \
		--cli "$NS_C" --iface "$IF_S" --mxguard "$MXG" "$@" \
		2> "$T_TMP/connlab.err"; }
	T_PIDS+=("$LAB_PID")
}

# lab_send CMD... / lab_recv - a command whose reply is read later, so
# that the test can act while the lab works on it
lab_send() {
	echo "$*" >&"${LAB[1]}"
}

lab_recv() {
	LAB_OUT=
	if ! read -r -t "${1:-60}" LAB_OUT <&"${LAB[0]}"; then
		LAB_OUT="error: connlab.py sent no reply (stderr: $(tail -n 3 "$T_TMP/connlab.err" | tr '\n' ' '))"
		return 1
	fi
}

lab() {
	lab_send "$@" && lab_recv
}

# lab_check NAME CMD... - pass when the lab replies to CMD with "ok..."
lab_check() {
	local name=$1

	shift
	lab "$@"
	case $LAB_OUT in
	ok*) pass "$name" ;;
	*) fail "$name" "'$*' got the reply '$LAB_OUT'" ;;
	esac
}

# lab_expect NAME SRC N - the count of SRC settles at N in the guard and in ss
lab_expect() {
	lab expect "$2" "$3"
	echo "# checkpoint $1: $2 expected $3: $LAB_OUT"
	case $LAB_OUT in
	ok*) pass "$1" ;;
	*) fail "$1" "$2: expected $3 open connections, $LAB_OUT" ;;
	esac
}

# lab_open NAME SRC DST PORT EXPECTED - connect and check the result word
lab_open() {
	lab open "$1" "$2" "$3" "$4"
	check_eq "open_$1" "${LAB_OUT%% *}" "$5"
}
