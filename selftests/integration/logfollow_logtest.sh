#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# logfollow_logtest.sh - 'mxguard log test' on a sample log: plain output,
# -j output (one JSON array on stdout, the summary on stderr), standard
# input, --format, and the exit codes for a missing file and bad usage.
. "$(dirname "$0")/../lib.sh"

corpus=$top/selftests/corpus/fail2ban-samples
log=$T_TMP/mail.log
cat > "$log" <<'LOG'
Dec  1 10:00:00 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: UGFzc3dvcmQ6
Dec  1 10:00:01 mx postfix/smtpd[1]: connect from unknown[192.0.2.11]
Dec  1 10:00:02 mx dovecot: imap-login: Disconnected (auth failed, 3 attempts in 9 secs): user=<a>, method=PLAIN, rip=2001:db8::12, lip=192.0.2.1
Dec  1 10:00:03 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, rip=198.51.100.7, y>, method=PLAIN, rip=192.0.2.13, lip=192.0.2.1
LOG

out=$("$MXG" log test "$log" 2>"$T_TMP/err")
check_eq plain_rc $? 0
check_eq plain_lines "$out" "1: auth_fail 192.0.2.10 postfix
3: auth_fail 2001:db8::12 dovecot x3
4: auth_fail 192.0.2.13 dovecot"
check summary_on_stderr grep -q '^4 lines read, 3 events' "$T_TMP/err"

json=$("$MXG" -j log test "$log" 2>/dev/null)
check_eq json_rc $? 0
check_eq json_events "$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print(";".join("%d %s %s %s %d" % (e["line"], e["kind"], e["addr"], e["format"], e["count"]) for e in d))
' "$json")" "1 auth_fail 192.0.2.10 postfix 1;3 auth_fail 2001:db8::12 dovecot 3;4 auth_fail 192.0.2.13 dovecot 1"

out=$("$MXG" log test --format dovecot - < "$log" 2>/dev/null)
check_eq stdin_format "$(echo "$out" | wc -l)" 2

n=$("$MXG" -j log test "$corpus/postfix" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_eq corpus_postfix_events "$n" 50

"$MXG" log test "$T_TMP/missing.log" >/dev/null 2>&1
check_eq missing_file_rc $? 1
err=$("$MXG" -j log test "$T_TMP/missing.log" 2>/dev/null)
check_eq missing_file_json "$(python3 -c 'import json,sys; print("error" in json.loads(sys.argv[1]))' "$err")" True
"$MXG" log test --format smtp "$log" >/dev/null 2>&1
check_eq bad_format_rc $? 2
"$MXG" log test >/dev/null 2>&1
check_eq no_file_rc $? 2

exit $T_FAILED
