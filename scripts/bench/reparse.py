#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""reparse.py - the Python re baseline of the log parser benchmark.

Usage: reparse.py [-o EVENTS] FILE

One compiled alternation of the failregex-style expressions an operator
would write for the events in selftests/tools/genlog.py's log: Postfix
SASL failures, Dovecot login failures, Postfix NOQUEUE rejects, postscreen
PREGREET, and Dovecot logins. Times one pass over the lines (reading the
file is not timed) and prints JSON like logparse_bench: lines, bytes, ns
and the events by kind. -o writes "LINE KIND ADDRESS COUNT" per event.
"""
import argparse
import json
import re
import time

ADDR = r"[0-9A-Fa-f:.]+"
RX = re.compile(
    r"postfix/[^\[: ]+\[\d+\]: warning: [^\[\]\s]*\[(?P<auth>%(a)s)\]: SASL \S+ authentication failed"
    r"|dovecot: [a-z0-9]+-login: (?:Disconnected|Aborted login) \(auth failed, (?P<n>\d+) attempts[^)]*\):.*?\brip=(?P<drip>%(a)s)"
    r"|postfix/[^\[: ]+\[\d+\]: NOQUEUE: reject: \S+ from [^\[\]\s]*\[(?P<rej>%(a)s)\]"
    r"|postfix/postscreen\[\d+\]: PREGREET \d+ after \S+ from \[(?P<pg>%(a)s)\]:\d+"
    r"|dovecot: [a-z0-9]+-login: Login: .*?\brip=(?P<ok>%(a)s)" % {"a": ADDR})

GROUPS = (("auth", "auth_fail"), ("drip", "auth_fail"), ("rej", "reject"),
          ("pg", "protocol"), ("ok", "login_ok"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", dest="out")
    ap.add_argument("file")
    args = ap.parse_args()
    with open(args.file, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    kinds = dict.fromkeys(("auth_fail", "reject", "protocol", "login_ok"), 0)
    found = []
    search = RX.search
    t0 = time.perf_counter_ns()
    for i, line in enumerate(lines):
        m = search(line)
        if m:
            found.append((i, m))
    t1 = time.perf_counter_ns()

    out = open(args.out, "w") if args.out else None
    for i, m in found:
        for group, kind in GROUPS:
            addr = m.group(group)
            if addr:
                break
        kinds[kind] += 1
        if out:
            out.write("%d %s %s %s\n" % (i + 1, kind, addr, m.group("n") or 1))
    if out:
        out.close()
    print(json.dumps({"lines": len(lines), "bytes": sum(map(len, lines)) + len(lines),
                      "ns": t1 - t0, "events": kinds}))


if __name__ == "__main__":
    main()
