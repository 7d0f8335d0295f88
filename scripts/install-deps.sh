#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# install-deps.sh - install what mxguard needs to build, test, run the lab
# and benchmark, from Debian's packages. Installs only what is missing, so
# a second run does nothing; needs root when something is missing.
#
# Usage: scripts/install-deps.sh [--build-only]
set -eu

BUILD="clang llvm gcc make pkg-config libbpf-dev libelf-dev zlib1g-dev
	libc-ares-dev bpftool"
TEST="iproute2 python3 procps psmisc util-linux kmod ethtool nftables
	rbldnsd swaks openssl postfix dovecot-core dovecot-imapd dovecot-pop3d
	qemu-system-x86 busybox-static cpio xz-utils"
BENCH="gnuplot-nox fail2ban"

pkgs="$BUILD"
if [ "${1:-}" != "--build-only" ]; then
	pkgs="$pkgs $TEST $BENCH"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages are installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root to install them" >&2
	exit 1
fi

echo "install-deps: installing$missing"
# Postfix asks how to configure itself; the lab writes its own main.cf.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string mxguard.test" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing
