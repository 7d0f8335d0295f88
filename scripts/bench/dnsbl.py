#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""dnsbl.py - DNSBL lookups per second and latency against a local
rbldnsd, at in-flight caps 1, 16, the daemon's dnsbl_max_inflight and
128, with an empty cache (cold) and again from the cache (warm).

rbldnsd runs in a namespace of its own on CPU 0 and lists 198.18.0.0/17;
dnsbl_bench, on CPU 1, looks up LOOKUPS addresses per pass, half of them
listed. Every pass must give exactly that many listed and clean verdicts,
with no timeout, error or unknown verdict, before its rate counts. The
ratio is the cold rate at the daemon's cap over the cold rate with one
lookup in flight, measured in the same round.
"""
import os
import sys

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

LOOKUPS = int(os.environ.get("DNSBL_LOOKUPS", "10000"))
PORT = 5353
TOOL = os.path.join(B.BENCH, "dnsbl_bench")


def check(p):
    want = LOOKUPS // 2
    if (p["listed"], p["clean"]) != (want, LOOKUPS - want) or p["unknown"] or \
            p["allowed"] or p["timeouts"] or p["errors"]:
        raise B.CheckFailed(
            "%s pass at %d in flight: %d listed, %d clean, %d unknown, %d timeouts, "
            "%d errors; expected %d listed and %d clean" % (
                p["pass"], p["inflight"], p["listed"], p["clean"], p["unknown"],
                p["timeouts"], p["errors"], want, LOOKUPS - want))
    if p["pass"] == "cold" and p["queries"] != LOOKUPS:
        raise B.CheckFailed("cold pass at %d in flight sent %d queries for %d lookups"
                            % (p["inflight"], p["queries"], LOOKUPS))
    if p["pass"] == "warm" and p["cache_hits"] != LOOKUPS:
        raise B.CheckFailed("warm pass at %d in flight: %d of %d from the cache"
                            % (p["inflight"], p["cache_hits"], LOOKUPS))


def bench():
    cap = int(B.effective_config()["dnsbl_max_inflight"])
    caps = sorted({1, 16, cap, 128})
    ns = B.netns_add("mxbd" + B.UID)
    B.rbldnsd(ns, PORT, ["198.18.0.0/17"])
    res = {k: {c: [] for c in caps} for k in ("cold", "warm")}
    for r in range(B.ROUNDS):
        for c in caps:
            out = B.run(B.in_ns(ns, ["taskset", "-c", B.CPU_GEN, TOOL, "-s",
                                     "127.0.0.1:%d" % PORT, "-z", "bench.test",
                                     "-n", str(LOOKUPS), "-c", str(c)]))
            for line in out.splitlines():
                p = B.json.loads(line)
                check(p)
                res[p["pass"]][c].append(p)
        B.log("dnsbl: round %d of %d done" % (r + 1, B.ROUNDS))

    out = {"lookups": LOOKUPS, "listed_share": 0.5, "daemon_cap": cap,
           "rounds": B.ROUNDS, "cold": {}, "warm": {}}
    for kind in ("cold", "warm"):
        for c in caps:
            ps = res[kind][c]
            out[kind][str(c)] = {k: B.summary([p[k] for p in ps])
                                 for k in ("per_s", "p50_us", "p99_us")}
    out["ratio_cap_vs_one"] = B.summary(
        [a["per_s"] / b["per_s"] for a, b in zip(res["cold"][cap], res["cold"][1])])
    return out


if __name__ == "__main__":
    B.main("dnsbl", bench)
