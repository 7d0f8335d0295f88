#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""genlog.py - write a mixed mail log for measuring the log parsers.

The same seed gives the same log. About one line in ten is an event
(failed SASL or IMAP logins, rejects, postscreen pregreets); the rest is
the everyday traffic of a Postfix and Dovecot server, plus other
programs' lines, in RFC 3164 and journald short-iso forms. Addresses are
from the documentation ranges.

Usage: genlog.py [--seed N] [--lines N] > mixed.log
Then:  time build/mxguard log test mixed.log > /dev/null
"""
import argparse
import random
import sys


def addr(r):
    if r.random() < 0.1:
        return "2001:db8:%x::%x" % (r.randrange(65536), r.randrange(1, 65536))
    net = r.choice(("192.0.2", "198.51.100", "203.0.113"))
    return "%s.%d" % (net, r.randrange(1, 255))


def queue_id(r):
    return "%010X" % r.randrange(16 ** 10)


def stamp(r, i):
    sec = i // 50
    if r.random() < 0.2:
        return "2024-12-01T%02d:%02d:%02d.%06d+0100 mx" % (
            sec // 3600 % 24, sec // 60 % 60, sec % 60, r.randrange(10 ** 6))
    return "Dec  1 %02d:%02d:%02d mx" % (sec // 3600 % 24, sec // 60 % 60,
                                         sec % 60)


def message(r):
    a = addr(r)
    pid = r.randrange(100, 99999)
    qid = queue_id(r)
    x = r.random()
    if x < 0.04:
        return ("postfix/submission/smtpd[%d]: warning: unknown[%s]: SASL LOGIN "
                "authentication failed: UGFzc3dvcmQ6" % (pid, a))
    if x < 0.07:
        return ("dovecot: imap-login: Disconnected (auth failed, %d attempts in "
                "%d secs): user=<user%d>, method=PLAIN, rip=%s, lip=192.0.2.1, "
                "TLS, session=<%s>" % (r.randrange(1, 4), r.randrange(1, 30),
                                       r.randrange(1000), a, qid))
    if x < 0.09:
        return ("postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: 554 "
                "5.7.1 <user%d@example.org>: Relay access denied; "
                "from=<a@example.net> to=<user%d@example.org> proto=ESMTP "
                "helo=<host%d>" % (pid, a, r.randrange(99), r.randrange(99),
                                   r.randrange(99)))
    if x < 0.10:
        return ("postfix/postscreen[%d]: PREGREET 11 after 0.%d from [%s]:%d: "
                "EHLO x\\r\\n" % (pid, r.randrange(99), a, r.randrange(1024, 65535)))
    if x < 0.25:
        return "postfix/smtpd[%d]: connect from unknown[%s]" % (pid, a)
    if x < 0.40:
        return ("postfix/smtpd[%d]: disconnect from unknown[%s] ehlo=1 mail=1 "
                "rcpt=1 data=1 quit=1 commands=5" % (pid, a))
    if x < 0.55:
        return ("postfix/qmgr[%d]: %s: from=<a%d@example.net>, size=%d, nrcpt=1 "
                "(queue active)" % (pid, qid, r.randrange(999), r.randrange(99999)))
    if x < 0.65:
        return ("postfix/smtp[%d]: %s: to=<b@example.org>, relay=mx.example.org"
                "[203.0.113.5]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, "
                "status=sent (250 2.0.0 Ok: queued)" % (pid, qid))
    if x < 0.75:
        return ("dovecot: imap-login: Login: user=<user%d>, method=PLAIN, rip=%s, "
                "lip=192.0.2.1, mpid=%d, TLS, session=<%s>" % (
                    r.randrange(1000), a, pid, qid))
    if x < 0.85:
        return ("dovecot: imap(user%d)<%d><%s>: Logged out in=%d out=%d" % (
            r.randrange(1000), pid, qid, r.randrange(9999), r.randrange(99999)))
    if x < 0.93:
        return "CRON[%d]: (root) CMD (command -v debian-sa1 > /dev/null)" % pid
    return "kernel: [%d.%06d] eth0: renamed from veth%x" % (
        r.randrange(99999), r.randrange(10 ** 6), r.randrange(65536))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lines", type=int, default=1000000)
    args = ap.parse_args()
    r = random.Random(args.seed)
    out = sys.stdout
    for i in range(args.lines):
        out.write("%s %s\n" % (stamp(r, i), message(r)))


if __name__ == "__main__":
    main()
