#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""latency.py - detection latency of the real mxguardd: from a failure
line appended to a followed log, and from a new source's first SYN with
a DNSBL listing, to the ban in the guard's map.

The daemon guards the receiving veth of a namespace pair, on CPU 0, with
max_retry = 1, a followed log file, and the DNSBL zone of an rbldnsd on
the namespace's loopback (one listed source in three; the zone's
listing-rate check would disable a zone that lists more than half).
latency_probe, on CPU 1, appends LOG_EVENTS failure lines at LOG_RATE
lines per second (1,000) in Postfix and Dovecot forms, each from a new
address. Then it sends one SYN from each of SYN_EVENTS new sources at
SYN_RATE per second. It polls the pinned mxguard_block4 map for each
address that must be banned. Every such address must be banned, and no
unlisted source may be.
"""
import os
import sys

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

LOG_RATE = int(os.environ.get("LOG_RATE", "1000"))
LOG_EVENTS = int(os.environ.get("LOG_EVENTS", "2000"))
SYN_RATE = int(os.environ.get("SYN_RATE", "100"))
SYN_EVENTS = int(os.environ.get("SYN_EVENTS", "300"))
PORT = 5353
PROBE = os.path.join(B.BENCH, "latency_probe")
LIVE = os.path.join(B.BENCH, "xdp_live")


def start_daemon(net, d):
    conf = os.path.join(d, "mxguard.conf")
    with open(conf, "w") as f:
        f.write("interface = %s\n" % net.V)
        f.write("state_file = %s/state.gz\n" % d)
        f.write("control_socket = %s/ctl.sock\n" % d)
        f.write("log_files = %s/mail.log\n" % d)
        f.write("max_retry = 1\n")
        f.write("dnsbl_sites = bench.test*3\n")
        f.write("dnsbl_threshold = 3\n")
        f.write("dns_servers = 127.0.0.1:%d\n" % PORT)
    open(os.path.join(d, "mail.log"), "w").close()
    log = open(os.path.join(d, "mxguardd.log"), "w")
    p = B.spawn(B.in_ns(net.R, ["taskset", "-c", B.CPU_SUT, B.MXGD, "-d", "-c", conf]),
                stdout=log, stderr=log)
    B.guarded(net.R, net.V)
    ctl = B.in_ns(net.R, [B.MXG, "-i", net.V, "-c", conf, "-j", "daemon", "status"])
    for _ in range(100):
        r = B.subprocess.run(ctl, stdout=B.subprocess.PIPE, stderr=B.subprocess.DEVNULL,
                             text=True)
        if r.returncode == 0:
            zones = B.json.loads(r.stdout).get("dnsbl", {}).get("zones", [])
            if zones and all(z["state"] == "enabled" for z in zones):
                return p
        if p.poll() is not None:
            raise RuntimeError("mxguardd exited at start; see %s/mxguardd.log" % d)
        B.time.sleep(0.1)
    raise RuntimeError("mxguardd did not enable the DNS list within 10 s")


def probe(args, ns=None):
    cmd = ["taskset", "-c", B.CPU_GEN, PROBE] + args
    out = B.run(B.in_ns(ns, cmd) if ns else cmd)
    p = B.json.loads(out)
    if p["missing"] or p["banned_unlisted"]:
        raise B.CheckFailed("%s latency: %d addresses never banned, %d unlisted sources banned"
                            % (p["mode"], p["missing"], p["banned_unlisted"]))
    return p


def bench():
    d = os.path.join(B.RAW, "latency-" + B.UID)
    os.makedirs(d, exist_ok=True)
    net = B.VethPair(LIVE)
    B.rbldnsd(net.R, PORT, ["198.18.0.0/17"])
    daemon = start_daemon(net, d)
    pin = "/sys/fs/bpf/mxguard/%s/mxguard_block4" % net.V
    res = {"log": [], "syn": []}
    for r in range(B.ROUNDS):
        # fresh addresses in every round: 198.19/16 for log lines, the
        # zone's halves of 198.18/16 for SYNs
        res["log"].append(probe(
            ["log", "-m", pin, "-f", os.path.join(d, "mail.log"),
             "-b", "198.19.%d.0" % (r * 16), "-r", str(LOG_RATE), "-n", str(LOG_EVENTS)]))
        res["syn"].append(probe(
            ["syn", "-m", pin, "-i", net.A, "-M", net.vmac, "-b", "198.18.%d.0" % (r * 8),
             "-r", str(SYN_RATE), "-n", str(SYN_EVENTS)], ns=net.G))
        B.log("latency: round %d of %d done" % (r + 1, B.ROUNDS))
    B.stop(daemon)
    out = {"rounds": B.ROUNDS}
    for mode, rate, n in (("log", LOG_RATE, LOG_EVENTS), ("syn", SYN_RATE, SYN_EVENTS)):
        ps = res[mode]
        out[mode] = {"rate_per_s": rate, "events_per_round": n,
                     "measured_per_round": ps[0]["measured"],
                     "p50_ms": B.summary([p["p50_ms"] for p in ps]),
                     "p99_ms": B.summary([p["p99_ms"] for p in ps]),
                     "max_ms": B.summary([p["max_ms"] for p in ps]),
                     "poll_us": ps[0]["poll_us"]}
    return out


if __name__ == "__main__":
    B.main("latency", bench)
