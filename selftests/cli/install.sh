#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# install.sh - 'make install' puts the programs, man pages, completion,
# unit and example configuration in place, the installed daemon accepts
# the installed configuration, and a second install keeps an edited one.
. "$(dirname "$0")/../lib.sh"

root=$T_TMP/root
make -s -C "$top" install OUTPUT="$OUTPUT" DESTDIR="$root" > "$T_TMP/install.log" 2>&1
check_eq install_exit "$?" 0

for f in usr/local/sbin/mxguard usr/local/sbin/mxguardd \
	 usr/local/share/man/man8/mxguard.8 usr/local/share/man/man8/mxguardd.8 \
	 usr/local/share/man/man5/mxguard.conf.5 \
	 usr/local/share/bash-completion/completions/mxguard \
	 etc/systemd/system/mxguardd.service etc/mxguard/mxguard.conf; do
	name=${f#usr/local/}
	check "installed_${name//\//_}" test -s "$root/$f"
done
check sbin_executable test -x "$root/usr/local/sbin/mxguardd"
check installed_config_valid "$root/usr/local/sbin/mxguardd" -n -c \
	"$root/etc/mxguard/mxguard.conf" 2> /dev/null
check unit_runs_installed_daemon grep -q '^ExecStart=/usr/local/sbin/mxguardd -d$' \
	"$root/etc/systemd/system/mxguardd.service"

# an operator's edited configuration survives a second install
echo "trust_time = 2d" >> "$root/etc/mxguard/mxguard.conf"
make -s -C "$top" install OUTPUT="$OUTPUT" DESTDIR="$root" >> "$T_TMP/install.log" 2>&1
check edited_config_kept grep -q '^trust_time = 2d$' "$root/etc/mxguard/mxguard.conf"
t_done
