# SPDX-License-Identifier: GPL-2.0-only
"""benchlib.py - what the benchmark sections share: the build paths, and
the namespaces, interfaces and processes they create, each removed on
every path (also on SIGTERM from run.sh's time limit). Also the median,
min and max of the rounds, and CheckFailed: raised when a count does not
match what was sent, it ends the section with status 1.
"""
import atexit
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUTPUT = os.environ.get("OUTPUT", "build")
if not os.path.isabs(OUTPUT):
    OUTPUT = os.path.join(TOP, OUTPUT)
BENCH = os.path.join(OUTPUT, "bench")
RAW = os.path.join(BENCH, "raw")
MXG = os.path.join(OUTPUT, "mxguard")
MXGD = os.path.join(OUTPUT, "mxguardd")
TOOLS = os.path.join(TOP, "selftests", "tools")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# A short unique id for names: interface names have at most 15 characters.
UID = "%04x%02x" % (os.getpid() & 0xffff, random.randrange(256))

# The generator (or client) runs on one CPU, the system under test on the other.
CPU_GEN = "1"
CPU_SUT = "0"


class CheckFailed(Exception):
    """A count that does not match what was sent: the rate is not reported."""


_netns = []
_procs = []
_guarded = []
_cleaned = False


def log(msg):
    print("bench: %s" % msg, file=sys.stderr, flush=True)


def run(cmd, check=True, **kw):
    """Run cmd (a list) and return its stdout as text."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode,
                                                 r.stderr.strip()[-2000:]))
    return r.stdout


def in_ns(ns, cmd):
    """cmd in network namespace ns; nsenter keeps the host's bpffs."""
    return ["nsenter", "--net=/run/netns/%s" % ns] + cmd


def netns_add(name):
    run(["ip", "netns", "add", name])
    _netns.append(name)
    run(["ip", "-n", name, "link", "set", "lo", "up"])
    # no router solicitations or DAD probes among the counted frames
    run(["ip", "netns", "exec", name, "sysctl", "-q", "-w",
         "net.ipv6.conf.all.disable_ipv6=1",
         "net.ipv6.conf.default.disable_ipv6=1"])
    return name


def guarded(ns, ifname):
    """Remember that mxguard was attached to ifname in ns, for cleanup."""
    _guarded.append((ns, ifname))


def unguarded(ns, ifname):
    if (ns, ifname) in _guarded:
        _guarded.remove((ns, ifname))


def spawn(cmd, **kw):
    """Start a background process that cleanup ends by its PID."""
    p = subprocess.Popen(cmd, **kw)
    _procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _procs:
        _procs.remove(p)


def cleanup():
    global _cleaned
    if _cleaned:
        return
    _cleaned = True
    for p in list(_procs):
        try:
            stop(p, timeout=5)
        except OSError:
            pass
    for ns, ifname in list(_guarded):
        subprocess.run(in_ns(ns, [MXG, "prog", "detach", ifname]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", "/sys/fs/bpf/mxguard/%s" % ifname])
    for ns in reversed(_netns):
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


def _on_signal(signum, frame):
    sys.exit(128 + signum)


atexit.register(cleanup)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def summary(values):
    """Median, min and max of the rounds."""
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values)}


def write_raw(section, data):
    os.makedirs(RAW, exist_ok=True)
    with open(os.path.join(RAW, section + ".json"), "w") as f:
        json.dump(data, f, indent=1)


def main(section, fn):
    """Run fn() and write what it returns; a failed check exits 1."""
    t0 = time.monotonic()
    try:
        data = fn()
    except CheckFailed as e:
        log("%s: FAILED CHECK: %s" % (section, e))
        write_raw(section, {"failed": str(e)})
        sys.exit(1)
    data["seconds"] = round(time.monotonic() - t0, 1)
    write_raw(section, data)
    log("%s: done in %.0f s" % (section, data["seconds"]))


def pin(pid, cpu):
    run(["taskset", "-p", "-c", cpu, str(pid)])


def effective_config(path=None):
    """mxguardd's effective configuration (the embedded defaults when path
    is None) as a dict of strings."""
    if path is None:
        path = os.path.join(RAW, "empty.conf")
        os.makedirs(RAW, exist_ok=True)
        open(path, "w").close()
    out = run([MXGD, "-n", "-v", "-c", path])
    conf = {}
    for line in out.splitlines():
        k, sep, v = line.partition(" = ")
        if sep:
            conf[k.strip()] = v.strip()
    return conf


class VethPair:
    """Namespaces G (generator) and R (receiver) joined by veth A (in G)
    and V (in R). R is 198.51.100.1/24 and G 198.51.100.2/24; R sends
    replies to 198.18.0.0/15 to G, where an XDP program drops them. A
    spare pair H0/H1 in G can hold a generator in the XDP dispatcher."""

    def __init__(self, live):
        u = UID
        self.G = netns_add("mxbg" + u)
        self.R = netns_add("mxbr" + u)
        self.A, self.V = "mxba" + u, "mxbv" + u
        self.H0, self.H1 = "mxbh" + u, "mxbk" + u
        run(["ip", "link", "add", self.A, "netns", self.G, "type", "veth",
             "peer", "name", self.V, "netns", self.R])
        run(["ip", "link", "add", self.H0, "netns", self.G, "type", "veth",
             "peer", "name", self.H1, "netns", self.G])
        run(["ip", "-n", self.R, "addr", "add", "198.51.100.1/24", "dev", self.V])
        run(["ip", "-n", self.G, "addr", "add", "198.51.100.2/24", "dev", self.A])
        for ns, dev in ((self.G, self.A), (self.R, self.V), (self.G, self.H0),
                        (self.G, self.H1)):
            run(["ip", "-n", ns, "link", "set", dev, "up"])
        self.amac = self.mac(self.G, self.A)
        self.vmac = self.mac(self.R, self.V)
        run(["ip", "-n", self.R, "neigh", "add", "198.51.100.2", "lladdr",
             self.amac, "dev", self.V, "nud", "permanent"])
        run(["ip", "-n", self.R, "route", "add", "198.18.0.0/15", "via",
             "198.51.100.2"])
        run(in_ns(self.G, [live, "drop", self.A]))

    @staticmethod
    def mac(ns, dev):
        out = run(["ip", "-n", ns, "-j", "link", "show", dev])
        return json.loads(out)[0]["address"]


def rbldnsd(ns, port, zone_lines):
    """Start Debian's rbldnsd on 127.0.0.1:port in ns, on the CPU of the
    system under test, serving zone bench.test (an ip4set of zone_lines)
    with 127.0.0.2 listed for the health checks. Returns once it responds."""
    d = os.path.join(RAW, "rbl-" + UID)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o1777)
    with open(os.path.join(d, "bench.zone"), "w") as f:
        f.write("$TTL 3600\n:127.0.0.2:listed\n127.0.0.2\n")
        f.write("\n".join(zone_lines) + "\n")
    os.chmod(os.path.join(d, "bench.zone"), 0o644)
    p = spawn(in_ns(ns, ["taskset", "-c", CPU_SUT, "rbldnsd", "-n", "-u", "rbldns",
                         "-r", d, "-w", "/", "-b", "127.0.0.1/%d" % port,
                         "bench.test:ip4set:bench.zone"]),
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out = subprocess.run(in_ns(ns, [os.path.join(BENCH, "dnsbl_bench"), "-s",
                                        "127.0.0.1:%d" % port, "-z", "bench.test",
                                        "-n", "2", "-c", "1"]),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
        first = out.splitlines()[0] if out else ""
        if first and json.loads(first)["errors"] == 0 and json.loads(first)["listed"] == 1:
            return p
        time.sleep(0.1)
    raise RuntimeError("rbldnsd did not respond on 127.0.0.1:%d within 10 s" % port)
