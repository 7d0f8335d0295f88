#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""memory.py - kernel memory of each map at its configured size, as
bpftool map show reports it (bytes_memlock), and the resident memory of
mxguardd guarding 1,000,000 bans.

First mxguardd attaches the guard with its default sizes to a veth of a
namespace of its own, and the maps of the attached program are listed.
Then the guard is attached with block_max 1048576, 'mxguard block import'
writes 1,000,000 bans (100.64.0.0/12; map content only, no traffic),
mxguardd adopts the pinned maps with state_interval = 2s, and once it has
saved its state twice, its VmRSS is sampled ROUNDS times; VmHWM is its
peak. The same daemon over empty maps gives the baseline.
"""
import os
import sys

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

BANS = int(os.environ.get("MEM_BANS", "1000000"))


def prog_maps(ns, ifname):
    """name -> bpftool map show of every map of the guard on ifname."""
    shown = B.json.loads(B.run(B.in_ns(ns, [B.MXG, "-j", "prog", "show"])))
    prog = [p for p in shown if p["interface"] == ifname][0]["prog_id"]
    maps = {}
    for mid in B.json.loads(B.run(["bpftool", "-j", "prog", "show", "id", str(prog)]))["map_ids"]:
        m = B.json.loads(B.run(["bpftool", "-j", "map", "show", "id", str(mid)]))
        if m["name"].startswith("mxguard_"):
            maps[m["name"]] = {"type": m["type"], "max_entries": m["max_entries"],
                               "bytes_memlock": m["bytes_memlock"]}
    return maps


def status(pid):
    vals = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                vals[k] = int(v.split()[0]) * 1024
    return vals


def run_daemon(ns, ifname, d, name, block_max=None):
    """Start mxguardd, wait for two state saves, sample its memory."""
    conf = os.path.join(d, name + ".conf")
    state = os.path.join(d, name + ".state.gz")
    with open(conf, "w") as f:
        f.write("interface = %s\nstate_file = %s\ncontrol_socket = %s/%s.sock\n"
                "log_files =\nstate_interval = 2s\n" % (ifname, state, d, name))
        if block_max:
            f.write("block_max = %d\n" % block_max)
    log = open(os.path.join(d, name + ".log"), "w")
    p = B.spawn(B.in_ns(ns, ["taskset", "-c", B.CPU_SUT, B.MXGD, "-d", "-c", conf]),
                stdout=log, stderr=log)
    B.guarded(ns, ifname)

    saves, last, deadline = 0, None, B.time.monotonic() + 60
    while saves < 2:
        if p.poll() is not None:
            raise RuntimeError("mxguardd exited; see %s" % log.name)
        if B.time.monotonic() > deadline:
            raise RuntimeError("mxguardd saved no state within 60 s")
        try:
            m = os.stat(state).st_mtime_ns
        except FileNotFoundError:
            m = None
        if m and m != last:
            saves, last = saves + 1, m
        B.time.sleep(0.1)

    rss = []
    for _ in range(B.ROUNDS):
        rss.append(status(p.pid)["VmRSS"])
        B.time.sleep(0.5)
    hwm = status(p.pid)["VmHWM"]
    B.stop(p)
    return {"rss_bytes": B.summary(rss), "hwm_bytes": hwm,
            "state_file_bytes": os.path.getsize(state)}


def bench():
    d = os.path.join(B.RAW, "memory-" + B.UID)
    os.makedirs(d, exist_ok=True)
    ns = B.netns_add("mxbm" + B.UID)
    dev, peer = "mxbm" + B.UID, "mxbn" + B.UID
    B.run(["ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", peer])
    for x in (dev, peer):
        B.run(["ip", "-n", ns, "link", "set", x, "up"])

    # the daemon's own attach, default sizes, empty maps
    empty = run_daemon(ns, dev, d, "empty")
    defaults = prog_maps(ns, dev)
    B.run(B.in_ns(ns, [B.MXG, "prog", "detach", dev]))

    # 1,000,000 bans in a map sized for them
    B.run(B.in_ns(ns, [B.MXG, "prog", "attach", dev, "block_max", "1048576"]))
    B.guarded(ns, dev)
    bans = os.path.join(d, "bans.txt")
    with open(bans, "w") as f:
        for i in range(BANS):
            f.write("100.%d.%d.%d\n" % (64 + (i >> 16), (i >> 8) & 255, i & 255))
    t0 = B.time.monotonic()
    added = B.json.loads(B.run(B.in_ns(ns, [B.MXG, "-i", dev, "-j", "block", "import",
                                            bans])))["added"]
    import_s = B.time.monotonic() - t0
    if added != BANS:
        raise B.CheckFailed("'block import' added %d of %d bans" % (added, BANS))
    full = run_daemon(ns, dev, d, "full", block_max=1048576)
    block4 = prog_maps(ns, dev)["mxguard_block4"]
    B.run(B.in_ns(ns, [B.MXG, "prog", "detach", dev]))
    B.unguarded(ns, dev)
    return {"default_maps": defaults, "defaults_total_bytes":
            sum(m["bytes_memlock"] for m in defaults.values()),
            "block4_1m": block4, "bans": BANS, "import_seconds": round(import_s, 2),
            "daemon_empty": empty, "daemon_1m_bans": full}


if __name__ == "__main__":
    B.main("memory", bench)
