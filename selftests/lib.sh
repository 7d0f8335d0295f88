# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - helpers for the shell tests, sourced by each script.
#
# Results: pass NAME, fail NAME MESSAGE, skip NAME REASON print one line each.
# Namespaces: netns_pair creates a server and a client namespace joined by a
# veth pair with unique names, and the EXIT trap removes them, the guard's
# pins and every process started with bg, on every path.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTPUT=${OUTPUT:-$top/build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
MXG=$OUTPUT/mxguard
MXGD=$OUTPUT/mxguardd
TOOLS=$top/selftests/tools
T_NAME=${T_NAME:-$(basename "$0" .sh)}
T_FAILED=0
# A short unique id for names: interface names have at most 15 characters.
T_ID=$(printf '%04x%02x' $(( $$ & 0xffff )) $(( RANDOM & 0xff )))

T_PIDS=()
T_NETNS=()
T_IFACES=()
T_TMP=$(mktemp -d /tmp/mxguard-test.XXXXXX)

pass() { echo "PASS $T_NAME/$1"; }
fail() { echo "FAIL $T_NAME/$1${2:+: $2}"; T_FAILED=1; }
skip() { echo "SKIP $T_NAME/$1: $2"; }

# check NAME CMD... - pass when CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}

# check_eq NAME ACTUAL EXPECTED
check_eq() {
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}

# check_range NAME ACTUAL MIN MAX - integers
check_range() {
	if [ "$2" -ge "$3" ] 2>/dev/null && [ "$2" -le "$4" ]; then
		pass "$1"
	else
		fail "$1" "got '$2', expected $3..$4"
	fi
}

# bg CMD... - start a background process that cleanup will end
bg() {
	"$@" &
	T_PIDS+=($!)
}

t_cleanup() {
	local pid ns ifc
	# a shell function started with & runs in a subshell: end its children
	for pid in "${T_PIDS[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null
		kill "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ifc in "${T_IFACES[@]}"; do
		"$MXG" prog detach "$ifc" >/dev/null 2>&1
		rm -rf "/sys/fs/bpf/mxguard/$ifc"
	done
	for ns in "${T_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

# netns_pair - create namespaces $NS_S and $NS_C joined by veth $IF_S/$IF_C:
# server 192.0.2.1/24 and 2001:db8::1/64, client 192.0.2.2 and 2001:db8::2.
netns_pair() {
	NS_S=mxs$T_ID
	NS_C=mxc$T_ID
	IF_S=mxs$T_ID
	IF_C=mxc$T_ID
	ip netns add "$NS_S" || return 1
	T_NETNS+=("$NS_S")
	ip netns add "$NS_C" || return 1
	T_NETNS+=("$NS_C")
	T_IFACES+=("$IF_S")
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" || return 1
	ip -n "$NS_S" link set lo up
	ip -n "$NS_C" link set lo up
	ip -n "$NS_S" addr add 192.0.2.1/24 dev "$IF_S"
	ip -n "$NS_C" addr add 192.0.2.2/24 dev "$IF_C"
	ip -n "$NS_S" addr add 2001:db8::1/64 dev "$IF_S" nodad
	ip -n "$NS_C" addr add 2001:db8::2/64 dev "$IF_C" nodad
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
}

# client_addr ADDR/LEN - give the client one more source address
client_addr() {
	case $1 in
	*:*) ip -n "$NS_C" addr add "$1" dev "$IF_C" nodad ;;
	*) ip -n "$NS_C" addr add "$1" dev "$IF_C" ;;
	esac
}

in_srv() { nsenter --net="/run/netns/$NS_S" "$@"; }
in_cli() { nsenter --net="/run/netns/$NS_C" "$@"; }
mxg() { in_srv "$MXG" "$@"; }

# t_done - exit with the tests' status
t_done() {
	exit "$T_FAILED"
}
