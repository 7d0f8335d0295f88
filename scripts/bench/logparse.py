#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""logparse.py - lines per second of mxguard's log parser against Python's
re and fail2ban-regex, the events each finds, and the cost per byte of
hostile lines against ordinary ones.

The log is selftests/tools/genlog.py's, seed 1, LOG_LINES lines (1,000,000
by default): Postfix and Dovecot traffic in RFC 3164 and journald
short-iso forms. mxguard's parser (logparse_bench, the library the daemon
runs) and reparse.py (Python re) read all of it; fail2ban-regex reads
the first F2B_LINES lines (100,000) with its postfix (mode=aggressive) and
dovecot filters, one run each, as two jails would. fail2ban-regex's start
is timed on a one-line log in the same round and taken out.

Every round runs each parser once, all on CPU 1. Before any rate counts,
the events are compared. Kind by kind, mxguard and Python re must find
the same lines and the same addresses. fail2ban's matches must be the
addresses of mxguard's events of the kinds its filters cover, in the
same order. A difference fails the section.
"""
import ipaddress
import os
import sys

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

LOG_LINES = int(os.environ.get("LOG_LINES", "1000000"))
F2B_LINES = int(os.environ.get("F2B_LINES", "100000"))
HERE = os.path.dirname(os.path.abspath(__file__))
PARSE = os.path.join(B.BENCH, "logparse_bench")
REPARSE = os.path.join(HERE, "reparse.py")
F2B_FILTERS = (("postfix", "postfix[mode=aggressive]"), ("dovecot", "dovecot"))


def pinned(cmd):
    return ["taskset", "-c", B.CPU_GEN] + cmd


def norm(addr):
    return str(ipaddress.ip_address(addr))


def read_events(path, kinds=None, max_line=None):
    """{(line, kind): address} from a "LINE KIND ADDRESS COUNT" file."""
    ev = {}
    with open(path) as f:
        for row in f:
            line, kind, addr, _ = row.split()
            if kinds and kind not in kinds:
                continue
            if max_line and int(line) > max_line:
                continue
            ev[(int(line), kind)] = norm(addr)
    return ev


def compare(name, ours, theirs):
    """Raise CheckFailed unless both found the same events and addresses."""
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(set(ours) - set(theirs))
    wrong = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
    if missing or extra or wrong:
        raise B.CheckFailed(
            "%s: mxguard missed %d events (first %s), found %d more (first %s), "
            "%d with another address (first %s)" % (
                name, len(missing), missing[:3], len(extra), extra[:3],
                len(wrong), wrong[:3]))
    return {"events": len(ours), "addresses": len(set(ours.values()))}


def compare_seq(name, ours, theirs):
    """Raise CheckFailed unless both lists of addresses, in line order, match."""
    if ours != theirs:
        i = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b),
                 min(len(ours), len(theirs)))
        raise B.CheckFailed(
            "%s: mxguard found %d events, fail2ban %d; the first difference is "
            "match %d (mxguard %s, fail2ban %s)" % (
                name, len(ours), len(theirs), i + 1, ours[i:i + 1], theirs[i:i + 1]))
    return {"events": len(ours), "addresses": len(set(ours))}


def f2b_run(path, filt):
    """fail2ban-regex on path; returns (seconds, its output)."""
    cmd = pinned(["fail2ban-regex", "-r", "-o", "row", path, filt])
    t0 = B.time.monotonic()
    text = B.run(cmd)
    return B.time.monotonic() - t0, text


def f2b_addresses(text):
    """Return the matched addresses of fail2ban-regex -o row, in line order."""
    addrs = []
    for row in text.splitlines():
        # ['ADDRESS',\tTIME,\t{...}],
        if row.startswith("['"):
            addrs.append(norm(row[2:row.index("'", 2)]))
    return addrs


# --- hostile lines ------------------------------------------------------------

STAMP = "Dec  1 10:00:00 mx "


def hostile_lines(n):
    """Crafted lines, by kind; n = 1 makes lines of 3 to 4 KB, n = 2 twice
    that, still within LP_LINE_MAX."""
    return {
        "separators": STAMP + "postfix/smtpd[1]: " + ": ; , = " * 450 * n,
        "brackets": STAMP + "postfix/smtpd[1]: warning: " + "unknown[" * 450 * n + "]" * 50 * n,
        "fake_addresses": STAMP + "postfix/smtpd[1]: warning: unknown[192.0.2.1]: SASL LOGIN "
        "authentication failed: " + "[203.0.113.7] rip=198.51.100.9, " * 100 * n,
        "dovecot_rips": STAMP + "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 "
        "secs): user=<" + "rip=198.51.100.7, lip=192.0.2.1, " * 100 * n
        + ">, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1",
        "prefixes": STAMP + "postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[" * 60 * n,
        "long_helo": STAMP + "postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.5]: "
        "554 5.7.1 <a@b>: Relay access denied; from=<a@b> to=<c@d> proto=ESMTP helo=<"
        + "x[192.0.2.1]" * 300 * n + ">",
        # not hostile: a long line of an ordinary kind, for scale
        "benign_long": STAMP + "postfix/qmgr[1]: 4F2A31C0D2: from=<" + "a" * 3500 * n
        + "@example.org>, size=1, nrcpt=1 (queue active)",
    }


def bench():
    os.makedirs(B.RAW, exist_ok=True)
    log = os.path.join(B.BENCH, "mixed.log")
    head = os.path.join(B.BENCH, "mixed-head.log")
    one = os.path.join(B.BENCH, "one-line.log")
    with open(log, "w") as f:
        B.subprocess.run(["python3", os.path.join(B.TOOLS, "genlog.py"), "--seed", "1",
                          "--lines", str(LOG_LINES)], stdout=f, check=True)
    with open(log) as src, open(head, "w") as dst:
        for i, line in enumerate(src):
            if i == F2B_LINES:
                break
            dst.write(line)
    with open(log) as src, open(one, "w") as dst:
        dst.write(src.readline())

    # the events first: a rate counts only for a parser that finds them all
    mx_ev = os.path.join(B.RAW, "events-mxguard.txt")
    py_ev = os.path.join(B.RAW, "events-re.txt")
    B.run([PARSE, "-o", mx_ev, log])
    B.run(["python3", REPARSE, "-o", py_ev, log])
    checks = {"python_re": compare("python re", read_events(mx_ev), read_events(py_ev))}
    mx_head = read_events(mx_ev, max_line=F2B_LINES)
    lines = head_lines(head)
    f2b_kinds = {"postfix": {"auth_fail", "reject", "protocol"}, "dovecot": {"auth_fail"}}
    for name, filt in F2B_FILTERS:
        _, text = f2b_run(head, filt)
        ours = [addr for (line, kind), addr in sorted(mx_head.items())
                if kind in f2b_kinds[name] and is_format(lines, line, name)]
        checks["fail2ban_" + name] = compare_seq("fail2ban " + name, ours,
                                                 f2b_addresses(text))

    # the rates, interleaved
    rounds = {k: [] for k in ("mxguard", "mxguard_cli", "python_re", "f2b_postfix",
                              "f2b_dovecot")}
    for r in range(B.ROUNDS):
        out = B.json.loads(B.run(pinned([PARSE, log])))
        rounds["mxguard"].append(out["lines"] / out["ns"] * 1e9)
        t0 = B.time.monotonic()
        B.run(pinned([B.MXG, "log", "test", log]))
        rounds["mxguard_cli"].append(LOG_LINES / (B.time.monotonic() - t0))
        out = B.json.loads(B.run(pinned(["python3", REPARSE, log])))
        rounds["python_re"].append(out["lines"] / out["ns"] * 1e9)
        for name, filt in F2B_FILTERS:
            t, _ = f2b_run(head, filt)
            t_start, _ = f2b_run(one, filt)
            rounds["f2b_" + name].append(F2B_LINES / (t - t_start))
        B.log("logparse: round %d of %d done" % (r + 1, B.ROUNDS))

    both = [1 / (1 / p + 1 / d) for p, d in zip(rounds["f2b_postfix"], rounds["f2b_dovecot"])]
    res = {
        "log_lines": LOG_LINES, "f2b_lines": F2B_LINES, "rounds": B.ROUNDS,
        "events": B.json.loads(B.run([PARSE, log]))["events"],
        "checks": checks,
        "lines_per_s": {k: B.summary(v) for k, v in rounds.items()},
        "ratios": {
            "mxguard_vs_fail2ban_both": B.summary([m / f for m, f in zip(rounds["mxguard"], both)]),
            "mxguard_vs_fail2ban_postfix": B.summary(
                [m / f for m, f in zip(rounds["mxguard"], rounds["f2b_postfix"])]),
            "mxguard_vs_python_re": B.summary(
                [m / p for m, p in zip(rounds["mxguard"], rounds["python_re"])]),
        },
    }
    res["lines_per_s"]["f2b_both"] = B.summary(both)
    res["hostile"] = hostile(log)
    return res


_head_cache = {}


def head_lines(path):
    if path not in _head_cache:
        with open(path, errors="replace") as f:
            _head_cache[path] = f.read().split("\n")
    return _head_cache[path]


def is_format(lines, line, name):
    """Whether log line number line (1-based) comes from name's daemon."""
    text = lines[line - 1]
    return (" dovecot:" in text) == (name == "dovecot")


def hostile(log):
    """Nanoseconds per byte of each hostile kind against the ordinary log,
    and how the cost per byte changes when the lines double in length
    (about 1 when the parser is linear, about 2 when it is quadratic)."""
    copies = 2000
    res = {"copies": copies, "kinds": {}}
    files = {}
    for n in (1, 2):
        for kind, line in hostile_lines(n).items():
            path = os.path.join(B.RAW, "hostile-%s-%d.log" % (kind, n))
            with open(path, "w") as f:
                f.write((line + "\n") * copies)
            files[(kind, n)] = (path, len(line) + 1)
    ordinary, per_file = [], {k: [] for k in files}
    for r in range(B.ROUNDS):
        out = B.json.loads(B.run(pinned([PARSE, log])))
        ordinary.append(out["ns"] / out["bytes"])
        for key, (path, _) in files.items():
            out = B.json.loads(B.run(pinned([PARSE, path])))
            per_file[key].append(out["ns"] / out["bytes"])
    res["ordinary_ns_per_byte"] = B.summary(ordinary)
    worst = None
    for kind in hostile_lines(1):
        path, size = files[(kind, 2)]
        x = [h / o for h, o in zip(per_file[(kind, 2)], ordinary)]
        growth = [b / a for a, b in zip(per_file[(kind, 1)], per_file[(kind, 2)])]
        out = B.json.loads(B.run([PARSE, path]))
        res["kinds"][kind] = {"line_bytes": size, "ns_per_byte": B.summary(per_file[(kind, 2)]),
                              "x_ordinary": B.summary(x), "x_when_doubled": B.summary(growth),
                              "events": out["events"]}
        if kind == "benign_long":
            continue
        if worst is None or B.summary(x)["median"] > res["kinds"][worst]["x_ordinary"]["median"]:
            worst = kind
    res["worst"] = worst
    res["worst_x_ordinary"] = res["kinds"][worst]["x_ordinary"]
    res["worst_x_benign_long"] = B.summary(
        [h / b for h, b in zip(per_file[(worst, 2)], per_file[("benign_long", 2)])])
    res["max_x_when_doubled"] = max(k["x_when_doubled"]["median"] for k in res["kinds"].values())
    return res


if __name__ == "__main__":
    B.main("logparse", bench)
