#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lab.sh - a mail server lab in network namespaces: Debian's Postfix
# (25, 587 with STARTTLS, 465 with TLS) and Dovecot (IMAP, POP3, SASL for
# Postfix) in a server namespace, rbldnsd serving a test DNSBL and DNSWL on
# the server's loopback, and a client namespace with several documentation
# addresses, joined by a veth pair. mxguardd runs on the server's veth.
#
# Usage: scripts/lab.sh up|down|env|start-daemon [LAB_DIR]
#   up            build the lab and start the servers and mxguardd
#   down          stop everything the lab started and remove it
#   env           print the lab's variables (for sourcing)
#   start-daemon  start mxguardd again after it was stopped
#
# LAB_DIR (default /run/mxguard-lab) holds the configuration, the logs and
# lab.env. Only documentation addresses are used, and nothing leaves the
# two namespaces.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
LAB_DIR=${2:-${LAB_DIR:-/run/mxguard-lab}}
ENV_FILE=$LAB_DIR/lab.env

# Addresses: the server, a legitimate user, a password guesser, a sender
# on the DNSBL, a sender on the DNSWL, and a /64 that floods.
SRV4=192.0.2.1
SRV6=2001:db8:25::1
USER4=192.0.2.10
GUESSER4=198.51.100.23
LISTED4=203.0.113.66
WELCOME4=203.0.113.77
FLOOD6_NET=2001:db8:bad:1
LAB_USER=alice
LAB_PASS=correct-horse-battery

die() {
	echo "lab: $*" >&2
	exit 1
}

write_env() {
	cat > "$ENV_FILE" <<EOF
LAB_DIR=$LAB_DIR
LAB_ID=$LAB_ID
NS_S=$NS_S
NS_C=$NS_C
IF_S=$IF_S
IF_C=$IF_C
SRV4=$SRV4
SRV6=$SRV6
USER4=$USER4
GUESSER4=$GUESSER4
LISTED4=$LISTED4
WELCOME4=$WELCOME4
FLOOD6_NET=$FLOOD6_NET
LAB_USER=$LAB_USER
LAB_PASS=$LAB_PASS
MXG_CONF=$LAB_DIR/mxguard.conf
POSTFIX_LOG=$LAB_DIR/log/postfix.log
DOVECOT_LOG=$LAB_DIR/log/dovecot.log
EOF
}

in_srv() { nsenter --net="/run/netns/$NS_S" "$@"; }

# net_up - the namespaces, the veth pair and the addresses
net_up() {
	local a
	ip netns add "$NS_S" || return 1
	ip netns add "$NS_C" || return 1
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" || return 1
	ip -n "$NS_S" link set lo up
	ip -n "$NS_C" link set lo up
	ip -n "$NS_S" addr add "$SRV4/24" dev "$IF_S"
	ip -n "$NS_S" addr add "$SRV6/64" dev "$IF_S" nodad
	ip -n "$NS_C" addr add "$USER4/24" dev "$IF_C"
	for a in "$GUESSER4/24" "$LISTED4/24" "$WELCOME4/32"; do
		ip -n "$NS_C" addr add "$a" dev "$IF_C"
	done
	ip -n "$NS_C" addr add "2001:db8:25::10/64" dev "$IF_C" nodad
	for a in 1 2 3 4; do
		ip -n "$NS_C" addr add "$FLOOD6_NET::$a/64" dev "$IF_C" nodad
	done
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
	# the clients' other prefixes are on the same link
	ip -n "$NS_S" route add 198.51.100.0/24 dev "$IF_S"
	ip -n "$NS_S" route add 203.0.113.0/24 dev "$IF_S"
	ip -n "$NS_S" -6 route add "$FLOOD6_NET::/64" dev "$IF_S"
	ip -n "$NS_C" route add "$SRV4/32" dev "$IF_C" 2>/dev/null
	ip netns exec "$NS_S" sysctl -qw net.ipv4.tcp_syncookies=1
	return 0
}

certs_up() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.lab.test" \
		-keyout "$LAB_DIR/tls/key.pem" -out "$LAB_DIR/tls/cert.pem" \
		>/dev/null 2>&1 || return 1
	chmod 0644 "$LAB_DIR/tls/cert.pem"
	chmod 0640 "$LAB_DIR/tls/key.pem"
	chgrp dovecot "$LAB_DIR/tls/key.pem" 2>/dev/null
	return 0
}

dovecot_up() {
	local d=$LAB_DIR/dovecot
	mkdir -p "$d/run" "$LAB_DIR/mail"
	chown dovecot:dovecot "$LAB_DIR/mail"
	echo "$LAB_USER:{PLAIN}$LAB_PASS:$(id -u dovecot):$(id -g dovecot)::$LAB_DIR/mail/$LAB_USER" > "$d/users"
	chmod 0640 "$d/users"
	chgrp dovecot "$d/users"
	cat > "$d/dovecot.conf" <<EOF
# Lab Dovecot: IMAP and POP3 on the server's addresses, SASL for Postfix.
base_dir = $d/run
instance_name = mxlab-$LAB_ID
protocols = imap pop3
listen = $SRV4, $SRV6
log_path = $LAB_DIR/log/dovecot.log
auth_mechanisms = plain login
disable_plaintext_auth = no
ssl = yes
ssl_cert = <$LAB_DIR/tls/cert.pem
ssl_key = <$LAB_DIR/tls/key.pem
mail_location = maildir:$LAB_DIR/mail/%u
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
service auth {
  unix_listener $LAB_DIR/postfix/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
# No delay after a failed login (default 2s) and no growing penalty for
# repeated failures from one address, so the story runs fast.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
	in_srv dovecot -c "$d/dovecot.conf" || return 1
	return 0
}

postfix_up() {
	local p=$LAB_DIR/postfix
	mkdir -p "$p/etc" "$p/spool/private" "$p/data"
	cp /etc/postfix/dynamicmaps.cf "$p/etc/"
	[ -d /etc/postfix/dynamicmaps.cf.d ] && cp -r /etc/postfix/dynamicmaps.cf.d "$p/etc/"
	cat > "$p/etc/main.cf" <<EOF
# Lab Postfix: accepts mail for lab.test from authenticated users only.
compatibility_level = 3.6
myhostname = mx.lab.test
mydomain = lab.test
myorigin = lab.test
mydestination = lab.test, localhost
inet_interfaces = $SRV4, $SRV6
inet_protocols = all
mynetworks = 127.0.0.0/8
queue_directory = $p/spool
data_directory = $p/data
maillog_file = $LAB_DIR/log/postfix.log
maillog_file_prefixes = $LAB_DIR
smtpd_banner = \$myhostname ESMTP
smtpd_tls_cert_file = $LAB_DIR/tls/cert.pem
smtpd_tls_key_file = $LAB_DIR/tls/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
local_recipient_maps =
alias_maps =
alias_database =
default_transport = discard:lab
local_transport = discard:lab
relay_transport = discard:lab
smtpd_client_connection_count_limit = 0
anvil_rate_time_unit = 60s
EOF
	cat > "$p/etc/master.cf" <<EOF
smtp       inet  n  -  n  -  -  smtpd
submission inet  n  -  n  -  -  smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
smtps      inet  n  -  n  -  -  smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
pickup     unix  n  -  n  60 1  pickup
cleanup    unix  n  -  n  -  0  cleanup
qmgr       unix  n  -  n  300 1 qmgr
rewrite    unix  -  -  n  -  -  trivial-rewrite
bounce     unix  -  -  n  -  0  bounce
defer      unix  -  -  n  -  0  bounce
trace      unix  -  -  n  -  0  bounce
verify     unix  -  -  n  -  1  verify
flush      unix  n  -  n  1000? 0 flush
proxymap   unix  -  -  n  -  -  proxymap
smtp       unix  -  -  n  -  -  smtp
relay      unix  -  -  n  -  -  smtp
showq      unix  n  -  n  -  -  showq
error      unix  -  -  n  -  -  error
retry      unix  -  -  n  -  -  error
discard    unix  -  -  n  -  -  discard
local      unix  -  n  n  -  -  local
anvil      unix  -  -  n  -  1  anvil
scache     unix  -  -  n  -  1  scache
tlsmgr     unix  -  -  n  1000? 1 tlsmgr
postlog    unix-dgram n - n - 1 postlogd
EOF
	chown postfix "$p/data" "$p/spool/private"
	# postfix writes its errors to the log file, or to a terminal only;
	# 'check' creates the queue directories with their owners
	in_srv postfix -c "$p/etc" check >/dev/null 2>&1
	in_srv postfix -c "$p/etc" start >/dev/null 2>&1 && return 0
	tail -n 5 "$LAB_DIR/log/postfix.log" >&2
	return 1
}

rbldnsd_up() {
	local r=$LAB_DIR/rbl
	mkdir -p "$r"
	# RFC 5782 test points: 127.0.0.2 is listed and 127.0.0.1 is not
	cat > "$r/dnsbl.zone" <<EOF
:127.0.0.2:Listed by the mxguard lab DNSBL
127.0.0.2
$LISTED4
EOF
	cat > "$r/dnswl.zone" <<EOF
:127.0.10.1:Welcomed by the mxguard lab DNSWL
127.0.0.2
$WELCOME4
EOF
	chmod 0644 "$r"/*.zone
	in_srv rbldnsd -b 127.0.0.1/5353 -r "$r" -p "$LAB_DIR/rbldnsd.pid" \
		-t 300 -u nobody \
		dnsbl.lab.test:ip4set:dnsbl.zone dnswl.lab.test:ip4set:dnswl.zone \
		>/dev/null 2>&1 || return 1
	return 0
}

mxguard_conf() {
	cat > "$LAB_DIR/mxguard.conf" <<EOF
# mxguardd in the lab: the real logs, the real rbldnsd.
interface = $IF_S
log_files = $LAB_DIR/log/postfix.log, $LAB_DIR/log/dovecot.log
max_retry = 3
find_time = 10m
ban_time = 10m
syn_rate = 5
syn_burst = 20
dnsbl_sites = dnsbl.lab.test=127.0.0.[2..11]*3, dnswl.lab.test=127.0.10.[1..3]*-5
dnsbl_threshold = 3
dns_servers = 127.0.0.1:5353
state_file = $LAB_DIR/state.gz
control_socket = $LAB_DIR/mxguardd.sock
EOF
}

# mxguardd_up - start the daemon; its own PID (not a subshell's) is saved
mxguardd_up() {
	nsenter --net="/run/netns/$NS_S" "$OUTPUT/mxguardd" -c "$LAB_DIR/mxguard.conf" -d \
		>> "$LAB_DIR/log/mxguardd.log" 2>&1 &
	echo $! > "$LAB_DIR/mxguardd.pid"
	for _ in $(seq 100); do
		in_srv "$OUTPUT/mxguard" -i "$IF_S" -c "$LAB_DIR/mxguard.conf" \
			daemon status >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$LAB_DIR/mxguardd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	cat "$LAB_DIR/log/mxguardd.log" >&2
	return 1
}

# wait_port PORT - until the server listens on PORT
wait_port() {
	for _ in $(seq 50); do
		in_srv ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

lab_up() {
	[ -e "$ENV_FILE" ] && die "a lab is already up in $LAB_DIR; run '$0 down' first"
	[ "$(id -u)" = 0 ] || die "the lab needs root"
	for cmd in postfix dovecot rbldnsd swaks openssl; do
		command -v "$cmd" >/dev/null || die "'$cmd' is missing; run 'make deps'"
	done
	[ -x "$OUTPUT/mxguardd" ] || die "$OUTPUT/mxguardd is missing; run 'make'"

	# whatever a crashed run left in LAB_DIR (a state file) must not leak in
	rm -rf "$LAB_DIR"
	LAB_ID=${LAB_ID:-$(printf '%04x' $(( ($$ ^ RANDOM) & 0xffff )))}
	NS_S=mxlab${LAB_ID}s
	NS_C=mxlab${LAB_ID}c
	IF_S=mxl${LAB_ID}s
	IF_C=mxl${LAB_ID}c
	mkdir -p "$LAB_DIR/log" "$LAB_DIR/tls"
	chmod 0755 "$LAB_DIR"
	# Postfix and Dovecot drop root: every parent must let them through
	if ! runuser -u postfix -- test -x "$LAB_DIR"; then
		rm -rf "$LAB_DIR"
		die "the postfix user cannot enter $LAB_DIR; choose a LAB_DIR whose parents are world-searchable"
	fi
	write_env

	net_up || { echo "lab: failed to create the namespaces" >&2; return 1; }
	certs_up || { echo "lab: failed to make a certificate" >&2; return 1; }
	touch "$LAB_DIR/log/postfix.log" "$LAB_DIR/log/dovecot.log"
	chmod 0644 "$LAB_DIR/log/"*.log
	postfix_up || { echo "lab: Postfix did not start" >&2; return 1; }
	dovecot_up || { echo "lab: Dovecot did not start" >&2; return 1; }
	rbldnsd_up || { echo "lab: rbldnsd did not start" >&2; return 1; }
	for port in 25 465 587 143 110; do
		wait_port "$port" || { echo "lab: nothing listens on port $port" >&2; return 1; }
	done
	mxguard_conf
	mxguardd_up || { echo "lab: mxguardd did not start" >&2; return 1; }
	return 0
}

lab_down() {
	local pid
	[ -e "$ENV_FILE" ] || return 0
	# shellcheck disable=SC1090 # the env file is written by lab_up
	. "$ENV_FILE"
	if [ -e "$LAB_DIR/mxguardd.pid" ]; then
		pid=$(cat "$LAB_DIR/mxguardd.pid")
		kill "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	in_srv postfix -c "$LAB_DIR/postfix/etc" stop >/dev/null 2>&1
	[ -e "$LAB_DIR/dovecot/dovecot.conf" ] &&
		in_srv doveadm -c "$LAB_DIR/dovecot/dovecot.conf" stop >/dev/null 2>&1
	[ -e "$LAB_DIR/rbldnsd.pid" ] && kill "$(cat "$LAB_DIR/rbldnsd.pid")" 2>/dev/null
	sleep 0.3
	"$OUTPUT/mxguard" prog detach "$IF_S" >/dev/null 2>&1
	rm -rf "/sys/fs/bpf/mxguard/$IF_S"
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	rm -rf "$LAB_DIR"
	return 0
}

case ${1:-} in
start-daemon)
	# restart after a stop, with the lab's names (used by demo.sh)
	# shellcheck disable=SC1090 # written by lab_up
	. "$ENV_FILE" && mxguardd_up
	;;
up)
	lab_up || { [ -n "${KEEP:-}" ] || lab_down; exit 1; }
	echo "lab: up in $LAB_DIR (source $ENV_FILE for its names)"
	;;
down)
	lab_down
	;;
env)
	[ -e "$ENV_FILE" ] && cat "$ENV_FILE"
	;;
*)
	echo "usage: $0 up|down|env|start-daemon [LAB_DIR]" >&2
	exit 2
	;;
esac
