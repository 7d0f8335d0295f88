#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""veth.py - SYNs per second a receiver handles behind a real veth pair:
no filter, XDP drop-all, mxguard with 100k bans, an nftables ingress set
with the same bans, mxguard's token bucket and an nftables meter.

Two namespaces are joined by veth. In the generator namespace, xdp_live
makes TCP SYNs from 65,536 sources in 198.18.0.0/16 (RFC 2544's benchmark
range) in the kernel, in live-frames mode, and sends them with XDP_TX.
The filter under test runs in the receiver namespace.

Single-CPU configuration (the headline): generator and receiver share
CPU 1, as a NIC queue and its softirq share a CPU. Every frame is handled
before the run returns, so the receiver's counters must equal the frames
sent, and the receiver's cost per frame is the run's cost minus that of
the generator alone (its frames dropped instead of sent), measured in the
same round.

Split configuration (a cross-check): the receiver's NAPI runs threaded,
pinned to CPU 0, the generator on CPU 1. Frames the receiver cannot keep
up with are dropped at the veth ring; its counters plus those drops must
equal the frames sent, and handled/s is its counters over the run's time.
On this VM it is slower and noisier than the single configuration.
"""
import os
import sys
import time

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

FRAMES = int(os.environ.get("VETH_FRAMES", "2000000"))
# The stack takes about 1 us per SYN: fewer frames keep the run short.
FRAMES_STACK = FRAMES // 5
WARMUP = 200000
BANS = 100000
LIVE = os.path.join(B.BENCH, "xdp_live")


class Net(B.VethPair):
    def __init__(self):
        super().__init__(LIVE)
        # veth takes XDP frames from its peer only while its NAPI runs,
        # which GRO turns on when no XDP program does
        B.run(B.in_ns(self.R, ["ethtool", "-K", self.V, "gro", "on"]))
        # a mail server's listener: without a filter the stack replies
        self.listener = B.spawn(B.in_ns(self.R, ["python3", os.path.join(
            B.TOOLS, "listen.py"), "25"]), stdout=B.subprocess.PIPE, text=True)
        if not self.listener.stdout.readline().startswith("ready"):
            raise RuntimeError("the listener did not start")

    def send(self, frames, alone=False, sources=65536):
        """Send frames from CPU 1; returns the wall time in ns."""
        cmd = ["taskset", "-c", B.CPU_GEN, LIVE, "send", "-H", self.H0,
               "-n", str(sources)]
        if alone:
            cmd.append("-d")
        out = B.run(B.in_ns(self.G, cmd + [self.A, self.vmac, str(frames)]))
        f = out.split()
        if f[0] != "sent" or int(f[1]) != frames:
            raise RuntimeError("xdp_live: unexpected output %r" % out)
        return int(f[3])

    def ethtool(self, ns, dev):
        out = B.run(B.in_ns(ns, ["ethtool", "-S", dev]))
        stats = {}
        for line in out.splitlines()[1:]:
            k, _, v = line.strip().partition(":")
            stats[k.strip()] = int(v)
        return stats

    def ring_drops(self):
        return self.ethtool(self.G, self.A).get("tx_queue_0_xdp_xmit_errors", 0)

    def tcp_insegs(self):
        out = B.run(B.in_ns(self.R, ["cat", "/proc/net/snmp"]))
        lines = [line.split() for line in out.splitlines() if line.startswith("Tcp:")]
        return int(lines[1][lines[0].index("InSegs")])

    def threaded(self, on):
        B.run(["ip", "netns", "exec", self.R, "sh", "-c",
               "echo %d > /sys/class/net/%s/threaded" % (on, self.V)])
        if not on:
            return
        for _ in range(50):
            out = B.run(["ps", "-eo", "pid,comm"])
            pids = [line.split()[0] for line in out.splitlines()
                    if line.split()[-1].startswith("napi/%s-" % self.V)]
            if pids:
                for pid in pids:
                    B.pin(pid, B.CPU_SUT)
                return
            time.sleep(0.05)
        raise RuntimeError("no threaded NAPI thread for %s" % self.V)


def ban_list():
    """The 65,536 generator sources, then 34,464 more addresses."""
    return ["198.%d.%d.%d" % (18 + (i >> 16), (i >> 8) & 255, i & 255)
            for i in range(BANS)]


class Receiver:
    """One filter on the receiving veth: set up, count, take down."""
    name = ""
    frames = FRAMES
    warmup = 0

    def __init__(self, net, sources=65536):
        self.net = net
        self.sources = sources
        if sources != 65536:
            self.name = "%s_%d_sources" % (self.name, sources)

    def setup(self):
        pass

    def teardown(self):
        pass

    def count(self):
        """Counters whose change is checked against the frames sent."""
        return {}

    def handled(self, delta, frames):
        """Frames this receiver handled; raises CheckFailed on a mismatch."""
        return frames


class GenOnly(Receiver):
    name = "generator_alone"

    def count(self):
        return {"rx": self.net.ethtool(self.net.R, self.net.V).get(
            "rx_queue_0_xdp_packets", 0)}

    def handled(self, d, frames):
        if d["rx"]:
            raise B.CheckFailed("generator alone: %d frames reached the receiver" % d["rx"])
        return 0


class NoFilter(Receiver):
    name = "no_filter"
    frames = FRAMES_STACK

    def count(self):
        return {"insegs": self.net.tcp_insegs()}

    def handled(self, d, frames):
        if d["insegs"] != frames:
            raise B.CheckFailed("no filter: TCP received %d segments of %d sent"
                                % (d["insegs"], frames))
        return frames


class DropAll(Receiver):
    name = "xdp_drop_all"

    def setup(self):
        B.run(B.in_ns(self.net.R, [LIVE, "drop", self.net.V]))

    def teardown(self):
        B.run(["ip", "-n", self.net.R, "link", "set", self.net.V, "xdp", "off"])

    def count(self):
        return {"drops": self.net.ethtool(self.net.R, self.net.V)[
            "rx_queue_0_xdp_drops"]}

    def handled(self, d, frames):
        return check_dropped(self.name, d["drops"], frames, d)


class Mxguard(Receiver):
    def mxg(self, *args):
        return B.run(B.in_ns(self.net.R, [B.MXG, "-i", self.net.V] + list(args)))

    def attach(self):
        B.run(B.in_ns(self.net.R, [B.MXG, "prog", "attach", self.net.V,
                                   "block_max", "131072"]))
        B.guarded(self.net.R, self.net.V)

    def teardown(self):
        B.run(B.in_ns(self.net.R, [B.MXG, "prog", "detach", self.net.V]))
        B.unguarded(self.net.R, self.net.V)

    def stats(self):
        return B.json.loads(self.mxg("-j", "stats", "show"))


class MxguardBans(Mxguard):
    name = "mxguard_100k_bans"

    def setup(self):
        self.attach()
        self.mxg("block", "import", os.path.join(B.RAW, "veth_bans.txt"))

    def count(self):
        s = self.stats()
        return {"drops": s["drop"]["block_manual"], "all": s["total"]["pass"] +
                s["total"]["drop"]}

    def handled(self, d, frames):
        if d["all"] != d["drops"]:
            raise B.CheckFailed("%s: %d frames counted, %d of them as blocked"
                                % (self.name, d["all"], d["drops"]))
        return check_dropped(self.name, d["drops"], frames, d)


class MxguardBucket(Mxguard):
    name = "mxguard_token_bucket"
    warmup = WARMUP

    def setup(self):
        self.attach()
        self.mxg("limit", "set", "syn_rate", "1", "syn_burst", "1")

    def count(self):
        s = self.stats()
        return {"drops": s["drop"]["syn_rate"], "passes": s["pass"]["clean"],
                "all": s["total"]["pass"] + s["total"]["drop"]}

    def handled(self, d, frames):
        if d["all"] != d["drops"] + d["passes"]:
            raise B.CheckFailed("%s: %d frames counted, %d limited and %d clean"
                                % (self.name, d["all"], d["drops"], d["passes"]))
        return check_dropped(self.name, d["drops"] + d["passes"], frames, d)


NFT_SET = """table netdev %(t)s {
	counter dropped { }
	set ban { type ipv4_addr; size 131072; elements = { %(elems)s } }
	chain in {
		type filter hook ingress device "%(dev)s" priority -500; policy accept;
		ip saddr @ban counter name "dropped" drop
	}
}
"""

# the same SYN test as mxguard's: SYN set, ACK and RST clear, port 25
NFT_METER = """table netdev %(t)s {
	counter dropped { }
	counter passed { }
	set rl { type ipv4_addr; size 131072; flags dynamic; }
	chain in {
		type filter hook ingress device "%(dev)s" priority -500; policy accept;
		tcp dport 25 tcp flags & (syn | ack | rst) == syn update @rl { ip saddr limit rate over 1/second burst 1 packets } counter name "dropped" drop
		counter name "passed"
	}
}
"""


class Nft(Receiver):
    template = ""

    def setup(self):
        self.table = "mxb" + B.UID
        path = os.path.join(B.RAW, "veth_%s.nft" % self.name)
        with open(path, "w") as f:
            f.write(self.template % {"t": self.table, "dev": self.net.V,
                                     "elems": ", ".join(ban_list())})
        B.run(B.in_ns(self.net.R, ["nft", "-f", path]))

    def teardown(self):
        B.run(B.in_ns(self.net.R, ["nft", "delete", "table", "netdev", self.table]))

    def counters(self):
        out = B.run(B.in_ns(self.net.R, ["nft", "-j", "list", "counters",
                                         "table", "netdev", self.table]))
        return {c["counter"]["name"]: c["counter"]["packets"]
                for c in B.json.loads(out)["nftables"] if "counter" in c}


class NftSet(Nft):
    name = "nft_set_100k_bans"
    template = NFT_SET

    def count(self):
        return {"drops": self.counters()["dropped"]}

    def handled(self, d, frames):
        return check_dropped(self.name, d["drops"], frames, d)


class NftMeter(Nft):
    name = "nft_meter"
    template = NFT_METER
    warmup = WARMUP

    def count(self):
        c = self.counters()
        return {"drops": c["dropped"], "passes": c["passed"]}

    def handled(self, d, frames):
        return check_dropped(self.name, d["drops"] + d["passes"], frames, d)


# set by the round loop: the split configuration counts ring drops too
split_mode = False


def check_dropped(name, handled, frames, d):
    if split_mode:
        if handled + d["ring"] != frames:
            raise B.CheckFailed("%s (split): %d handled + %d dropped at the ring, %d sent"
                                % (name, handled, d["ring"], frames))
        return handled
    if handled != frames:
        raise B.CheckFailed("%s: the counters show %d of %d frames sent"
                            % (name, handled, frames))
    return handled


def measure(net, rx):
    """Set rx up, send its frames, check its counters; returns a sample."""
    rx.setup()
    try:
        if rx.warmup:
            net.send(rx.warmup, sources=rx.sources)
        before = rx.count()
        before["ring"] = net.ring_drops()
        ns = net.send(rx.frames, alone=isinstance(rx, GenOnly),
                      sources=rx.sources)
        after = rx.count()
        after["ring"] = net.ring_drops()
        delta = {k: after[k] - before[k] for k in after}
        handled = rx.handled(delta, rx.frames)
    finally:
        rx.teardown()
    return {"frames": rx.frames, "ns": ns, "handled": handled, "counts": delta}


def bench():
    global split_mode

    os.makedirs(B.RAW, exist_ok=True)
    with open(os.path.join(B.RAW, "veth_bans.txt"), "w") as f:
        f.write("\n".join(ban_list()) + "\n")
    net = Net()
    # 256 sources keep both lookups in the cache: the ratio without misses
    single = [GenOnly(net), NoFilter(net), DropAll(net), MxguardBans(net),
              NftSet(net), MxguardBucket(net), NftMeter(net),
              MxguardBans(net, 256), NftSet(net, 256)]
    split = [DropAll(net), MxguardBans(net), NftSet(net)]
    samples = {("single", rx.name): [] for rx in single}
    samples.update({("split", rx.name): [] for rx in split})

    for r in range(B.ROUNDS):
        split_mode = False
        for rx in single:
            samples[("single", rx.name)].append(measure(net, rx))
        split_mode = True
        net.threaded(1)
        for rx in split:
            samples[("split", rx.name)].append(measure(net, rx))
        net.threaded(0)
        B.log("veth: round %d of %d done" % (r + 1, B.ROUNDS))

    return summarize(samples)


def summarize(samples):
    out = {"frames": FRAMES, "frames_stack": FRAMES_STACK, "bans": BANS,
           "sources": 65536, "rounds": B.ROUNDS, "single": {}, "split": {}}
    gen = [s["ns"] / s["frames"] for s in samples[("single", "generator_alone")]]
    per_round = {}
    for (cfg, name), ss in samples.items():
        entry = {"counts_last_round": ss[-1]["counts"]}
        if cfg == "single":
            ns = [s["ns"] / s["frames"] for s in ss]
            rx_ns = [n - g for n, g in zip(ns, gen)]
            entry["pipeline_ns_per_frame"] = B.summary(ns)
            entry["pipeline_mpps"] = B.summary([1e3 / n for n in ns])
            if name != "generator_alone":
                entry["receiver_ns_per_frame"] = B.summary(rx_ns)
                entry["receiver_mpps"] = B.summary([1e3 / n for n in rx_ns])
                per_round[(cfg, name)] = [1e3 / n for n in rx_ns]
        else:
            mpps = [s["handled"] / s["ns"] * 1e3 for s in ss]
            entry["handled_mpps"] = B.summary(mpps)
            per_round[(cfg, name)] = mpps
        out[cfg][name] = entry

    def ratio(cfg, a, b):
        return B.summary([x / y for x, y in zip(per_round[(cfg, a)],
                                                per_round[(cfg, b)])])

    # The limiters pass a few frames to the stack, nft more (its run is
    # longer, so more tokens come back): take their stack cost out.
    stack = [s["ns"] / s["frames"] - g for s, g in
             zip(samples[("single", "no_filter")], gen)]

    def drop_path_mpps(name):
        res = []
        for s, g, st in zip(samples[("single", name)], gen, stack):
            c = s["counts"]
            rx_total = (s["ns"] / s["frames"] - g) * s["frames"]
            res.append(1e3 * c["drops"] / (rx_total - c["passes"] * st))
        return res

    for name in ("mxguard_token_bucket", "nft_meter"):
        per_round[("drop_path", name)] = drop_path_mpps(name)
        out["single"][name]["drop_path_mpps"] = B.summary(per_round[("drop_path", name)])

    out["ratios"] = {
        "mxguard_vs_nft_set": ratio("single", "mxguard_100k_bans", "nft_set_100k_bans"),
        "mxguard_vs_xdp_drop_all": ratio("single", "mxguard_100k_bans", "xdp_drop_all"),
        "bucket_vs_nft_meter": ratio("single", "mxguard_token_bucket", "nft_meter"),
        "bucket_vs_nft_meter_drop_path": ratio("drop_path", "mxguard_token_bucket",
                                               "nft_meter"),
        "mxguard_vs_no_filter": ratio("single", "mxguard_100k_bans", "no_filter"),
        "mxguard_vs_nft_set_256_sources": ratio(
            "single", "mxguard_100k_bans_256_sources", "nft_set_100k_bans_256_sources"),
        "split_mxguard_vs_nft_set": ratio("split", "mxguard_100k_bans", "nft_set_100k_bans"),
        "split_mxguard_vs_xdp_drop_all": ratio("split", "mxguard_100k_bans", "xdp_drop_all"),
    }
    return out


if __name__ == "__main__":
    B.main("veth", bench)
