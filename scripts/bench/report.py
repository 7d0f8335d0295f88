#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""report.py - gather the sections' results (build/bench/raw/*.json) into
build/bench/results.json, the tables of build/bench/results.md and the
plot build/bench/cost.png (cost per packet against blocklist size).

Each target is judged on a ratio measured in this run. A missed target
is stated with its shortfall and with the measurements that explain it.
Exits 1 when a section failed or left no results.
"""
import json
import os
import platform
import shutil
import subprocess
import sys
import time

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

SECTIONS = ("micro", "veth", "logparse", "latency", "dnsbl", "memory")


def load():
    res, failed = {}, []
    for s in SECTIONS:
        path = os.path.join(B.RAW, s + ".json")
        if not os.path.exists(path):
            failed.append("%s: no results" % s)
            continue
        with open(path) as f:
            res[s] = json.load(f)
        if "failed" in res[s]:
            failed.append("%s: %s" % (s, res[s]["failed"]))
    return res, failed


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    commit = subprocess.run(["git", "-C", B.TOP, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", B.TOP, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    hyper = "KVM guest" if "hypervisor" in open("/proc/cpuinfo").read() else "bare metal"
    return {"kernel": platform.release(), "cpus": os.cpu_count(), "cpu_model": model,
            "memory_mib": mem, "virtualization": hyper, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "commit": commit + ("+local changes" if dirty else "")}


def fmt(s, digits=2, scale=1.0):
    """"median (min-max)" of a summary."""
    f = "%%.%df" % digits
    return (f + " (" + f + "-" + f + ")") % (s["median"] * scale, s["min"] * scale,
                                            s["max"] * scale)


def med(s):
    return s["median"]


# --- the micro-benchmark ---------------------------------------------------------

def micro_index(m):
    return {v["name"]: v for v in m["variants"]}


def micro_table(m):
    v = micro_index(m)
    sizes = sorted({x["bans"] for x in m["variants"] if x["object"].startswith("hot-")})
    names = {s: ("%dk" % (s // 1000)) for s in sizes}
    out = ["| case | cache | " + " | ".join("%s bans" % names[s] for s in sizes) + " |",
           "|---|---|" + "---|" * len(sizes)]
    cases = [("clean_syn", "clean SYN (syn_rate 0)"), ("blocked_syn", "blocked SYN"),
             ("rate_limited_syn", "rate-limited SYN (syn_rate 1)"),
             ("non_mail_tcp", "non-mail TCP (port 80)"),
             ("ipv6_ext", "IPv6, 4 extension headers"), ("vlan_qinq", "VLAN, 2 tags")]
    for case, label in cases:
        for cache in ("hot", "cold"):
            cells = []
            for s in sizes:
                x = v.get("%s/%s/%s" % (case, cache, names[s]))
                if not x:
                    cells.append("-")
                    continue
                cell = "%.1f ns, x%.2f" % (med(x["ns"]), med(x["x_empty"]))
                share = x["share_expected_counter"]
                if case == "blocked_syn" and cache == "cold" and share < 0.999:
                    cell += " (%.0f%% banned)" % (share * 100)
                if case == "rate_limited_syn" and cache == "cold":
                    cell += " (%.0f%% limited)" % (share * 100)
                cells.append(cell)
            if any(c != "-" for c in cells):
                out.append("| %s | %s | %s |" % (label, cache, " | ".join(cells)))
    out.append("")
    out.append("| other variant | ns per packet | x empty |")
    out.append("|---|---|---|")
    groups = (lambda n: n == "empty", lambda n: n.startswith("part/"),
              lambda n: "2cpus" in n, lambda n: "ranges" in n, lambda n: "allowlist" in n)
    for group in groups:
        for name, x in v.items():
            if group(name):
                out.append("| %s | %s | %s |" % (name, fmt(x["ns"], 1), fmt(x["x_empty"])))
    return out


def plot(m, path):
    v = micro_index(m)
    sizes = sorted({x["bans"] for x in m["variants"] if x["object"].startswith("hot-")})
    series = [("clean_syn/hot", "clean SYN, hot"), ("blocked_syn/hot", "blocked SYN, hot"),
              ("clean_syn/cold", "clean SYN, cold"), ("blocked_syn/cold", "blocked SYN, cold"),
              ("rate_limited_syn/cold", "rate-limited SYN, cold")]
    shares = "/".join("%.0f%%" % (100 * v["blocked_syn/cold/%dk" % (s // 1000)]
                                  ["share_expected_counter"]) for s in sizes)
    series[3] = (series[3][0], "blocked SYN, cold (%s of sources banned)" % shares)
    data = os.path.join(B.RAW, "cost.dat")
    with open(data, "w") as f:
        for s in sizes:
            row = [str(s), "%.2f" % med(v["empty"]["ns"])]
            row += ["%.2f" % med(v["%s/%dk" % (k, s // 1000)]["ns"]) for k, _ in series]
            f.write(" ".join(row) + "\n")
    cmds = [
        "set terminal pngcairo size 900,560 font ',10'",
        "set output '%s'" % path,
        "set title 'mxguard XDP cost per packet (BPF\\_PROG\\_TEST\\_RUN, median of %d rounds)'"
        % m["rounds"],
        "set xlabel 'single IPv4 bans in the hash (block\\_max set to match)'",
        "set ylabel 'ns per packet'", "set logscale x", "set xtics (%s)" % ", ".join(
            "'%dk' %d" % (s // 1000, s) for s in sizes),
        "set key top left", "set grid", "set yrange [0:*]",
        "set xrange [%d:%d]" % (sizes[0] * 0.7, sizes[-1] * 1.4),
        "plot '%s' using 1:2 with linespoints title 'empty XDP program', " % data + ", ".join(
            "'%s' using 1:%d with linespoints title '%s'" % (data, i + 3, t)
            for i, (_, t) in enumerate(series)),
    ]
    r = subprocess.run(["gnuplot"], input="\n".join(cmds), text=True,
                       stderr=subprocess.PIPE)
    if r.returncode:
        B.log("report: gnuplot failed: %s" % r.stderr.strip())
        return False
    return True


# --- targets ---------------------------------------------------------------------

def target(name, value, goal, higher_better, unit, why_missed, why_met=""):
    met = value >= goal if higher_better else value < goal
    if met:
        by = ""
    elif higher_better:
        by = "%.1f%% short (x%.2f of the goal)" % ((1 - value / goal) * 100, value / goal)
    else:
        by = "over by %.1f%% (x%.2f of the goal)" % ((value / goal - 1) * 100, value / goal)
    return {"target": name, "measured": value, "goal": goal, "unit": unit,
            "met": met, "missed_by": by, "why": why_met if met else why_missed}


def targets(r):
    out = []
    m, vt, lp, lat, dn = (r.get(k) for k in ("micro", "veth", "logparse", "latency", "dnsbl"))
    if m and vt:
        v = micro_index(m)
        s = vt["single"]
        x = vt["ratios"]["mxguard_vs_nft_set"]
        rx = {k: med(s[k]["receiver_ns_per_frame"]) for k in (
            "mxguard_100k_bans", "nft_set_100k_bans", "xdp_drop_all",
            "mxguard_100k_bans_256_sources", "nft_set_100k_bans_256_sources",
            "mxguard_token_bucket", "nft_meter")}
        why = ("per frame the receiver spends %.0f ns with mxguard, %.0f ns with nftables and "
               "%.0f ns with XDP drop-all: mxguard's program costs %.0f ns. For the 4x goal it "
               "would have to cost at most %.0f ns. Random sources make the lookups miss the "
               "cache: going from 256 sources to 65,536 adds %.0f ns per frame to mxguard and "
               "%.0f ns to nftables (ratio %.2f with 256 sources), and through "
               "BPF_PROG_TEST_RUN a blocked SYN with 100k bans costs %.0f ns from one source "
               "and %.0f ns from random ones. Even from one source the program costs %.0f ns "
               "(see the hot clean SYN row for where it goes)." % (
                   rx["mxguard_100k_bans"], rx["nft_set_100k_bans"], rx["xdp_drop_all"],
                   rx["mxguard_100k_bans"] - rx["xdp_drop_all"],
                   rx["nft_set_100k_bans"] / 4 - rx["xdp_drop_all"],
                   rx["mxguard_100k_bans"] - rx["mxguard_100k_bans_256_sources"],
                   rx["nft_set_100k_bans"] - rx["nft_set_100k_bans_256_sources"],
                   med(vt["ratios"]["mxguard_vs_nft_set_256_sources"]),
                   med(v["blocked_syn/hot/100k"]["ns"]), med(v["blocked_syn/cold/100k"]["ns"]),
                   rx["mxguard_100k_bans_256_sources"] - rx["xdp_drop_all"]))
        out.append(target("mxguard drop rate / nftables set, 100k bans (veth)", med(x), 4.0,
                          True, "x", why))
        x = vt["ratios"]["bucket_vs_nft_meter"]
        why = ("per frame the receiver spends %.0f ns with the bucket and %.0f ns with the "
               "meter; the bucket's program costs %.0f ns over XDP drop-all. Through "
               "BPF_PROG_TEST_RUN a rate-limited SYN costs %.0f ns from one source and %.0f ns "
               "from random ones (a bucket lookup in a 131,072-entry LRU map, and an insert "
               "for a source it has forgotten). Without the frames each limiter passes to "
               "the stack the ratio is %.2f." % (
                   rx["mxguard_token_bucket"], rx["nft_meter"],
                   rx["mxguard_token_bucket"] - rx["xdp_drop_all"],
                   med(v["rate_limited_syn/hot/100k"]["ns"]),
                   med(v["rate_limited_syn/cold/100k"]["ns"]),
                   med(vt["ratios"]["bucket_vs_nft_meter_drop_path"])))
        out.append(target("token bucket / nftables meter (veth)", med(x), 4.0, True, "x", why))
    if m:
        v = micro_index(m)
        e = med(v["empty"]["ns"])
        x = v["clean_syn/hot/100k"]["x_empty"]
        parts = {k: med(v["part/" + k]["ns"]) - e for k in
                 ("ktime_get_boot_ns", "ktime_get_ns", "ktime_get_coarse_ns", "hash_miss_100000")}
        parse = med(v["non_mail_tcp/hot/100k"]["ns"]) - e
        total = med(v["clean_syn/hot/100k"]["ns"]) - e
        why = ("a hot clean SYN costs %.1f ns more than the empty program (%.1f ns). Measured "
               "apart, as programs of their own: parsing Ethernet, IPv4 and TCP up to the "
               "port check %.1f ns (the non-mail TCP case) and one hash lookup (the "
               "blocklist) %.1f ns, %.1f ns together. The boot-time clock (%.1f ns) is not "
               "read for a clean SYN with syn_rate 0. For the 3x goal the whole program "
               "would have to cost %.1f ns more than the empty one: less than parsing and "
               "the one blocklist lookup that every candidate needs." % (
                   total, e, parse, parts["hash_miss_100000"],
                   parse + parts["hash_miss_100000"], parts["ktime_get_boot_ns"], 2 * e))
        out.append(target("hot clean SYN / empty XDP program (100k bans)", med(x), 3.0,
                          False, "x", why))
    if lp:
        x = lp["ratios"]["mxguard_vs_fail2ban_both"]
        ok = all(c["events"] for c in lp["checks"].values())
        out.append(target("log parser / fail2ban-regex (postfix + dovecot jails)", med(x), 100.0,
                          True, "x", "", "events and addresses equal to Python re's and "
                          "fail2ban's on the same lines" if ok else ""))
        h = lp["hostile"]
        why = ("the worst kind (%s) costs %.2f ns per byte against %.2f for the ordinary "
               "log" % (h["worst"], med(h["kinds"][h["worst"]]["ns_per_byte"]),
                        med(h["ordinary_ns_per_byte"])))
        out.append(target("hostile lines, cost per byte / ordinary lines",
                          med(h["worst_x_ordinary"]), 2.0, False, "x", why,
                          "worst kind: %s; per byte it is %.1fx a benign line of the same "
                          "length, and doubling the line length changes the cost per byte "
                          "by x%.2f at most (linear)" % (
                              h["worst"], med(h["worst_x_benign_long"]),
                              h["max_x_when_doubled"])))
    if dn:
        x = dn["ratio_cap_vs_one"]
        c = dn["cold"]
        out.append(target("DNSBL lookups/s at dnsbl_max_inflight=%d / one in flight"
                          % dn["daemon_cap"], med(x), 10.0, True, "x", "",
                          "one lookup in flight: %.0f/s, p50 %.0f us; at the cap: %.0f/s, "
                          "p50 %.0f us, p99 %.0f us" % (
                              med(c["1"]["per_s"]), med(c["1"]["p50_us"]),
                              med(c[str(dn["daemon_cap"])]["per_s"]),
                              med(c[str(dn["daemon_cap"])]["p50_us"]),
                              med(c[str(dn["daemon_cap"])]["p99_us"]))))
    if lat:
        for mode, label in (("log", "log line"), ("syn", "DNSBL verdict from first SYN")):
            p99 = lat[mode]["p99_ms"]
            out.append(target("detection p99, %s to ban in map" % label, p99["max"], 50.0,
                              False, "ms", "", "the worst round's p99 is judged; median of "
                              "the rounds: p50 %.2f ms, p99 %.2f ms" % (
                                  med(lat[mode]["p50_ms"]), med(p99))))
    return out


def flags(r):
    """Inversions of a design claim, and changes from the previous run
    beyond the noise of this machine (25% hot, 50% cold)."""
    out = []
    vt = r.get("veth")
    if vt:
        for key, label in (("mxguard_vs_nft_set", "single-CPU"),
                           ("split_mxguard_vs_nft_set", "split")):
            x = vt["ratios"][key]
            if x["median"] < 1.5:
                out.append("design claim 'mxguard drops at least 1.5x what the nftables set "
                           "drops' does not hold in the %s configuration: %s" % (label, fmt(x)))
    m = r.get("micro")
    if m:
        v = micro_index(m)
        one, two = v.get("blocked_syn/hot/100k/2cpus_1source"), v.get(
            "blocked_syn/hot/100k/2cpus_2sources")
        if one and two and med(one["ns"]) > 1.25 * med(two["ns"]):
            out.append("a banned source flooding both CPUs costs %.0f ns per packet on each, "
                       "two banned sources %.0f ns. The only shared write on this path is "
                       "the atomic increment of the ban entry's hit count, so the CPUs "
                       "contend for its cache line" % (
                           med(one["ns"]), med(two["ns"])))
    prev_path = os.path.join(B.BENCH, "results.json")
    if m and os.path.exists(prev_path):
        with open(prev_path) as f:
            prev = json.load(f).get("sections", {}).get("micro")
        if prev:
            pv = micro_index(prev)
            for name, x in micro_index(m).items():
                if name not in pv or name.startswith("part/") or name == "empty":
                    continue
                limit = 1.5 if "/cold/" in name else 1.25
                if med(x["x_empty"]) > limit * med(pv[name]["x_empty"]):
                    out.append("regression: %s costs x%.2f the empty program, x%.2f in the "
                               "previous run" % (name, med(x["x_empty"]),
                                                 med(pv[name]["x_empty"])))
    return out


# --- markdown --------------------------------------------------------------------

def markdown(r, tg, fl, mach, failed, plotted, elapsed):
    L = ["# mxguard benchmark results", "",
         "Machine: %s, %d vCPU (%s), %d MiB, kernel %s. Commit %s, %s." % (
             mach["virtualization"], mach["cpus"], mach["cpu_model"], mach["memory_mib"],
             mach["kernel"], mach["commit"], mach["date"]),
         "Command: `make bench` (scripts/bench/run.sh); %s s in all." % elapsed, "",
         "Figures are the median of the interleaved rounds, with (min-max). Ratios are "
         "taken per round, then the median is reported.", ""]
    if failed:
        L += ["**FAILED:** " + "; ".join(failed), ""]
    L += ["## Targets", "", "| target | measured | goal | result | why |", "|---|---|---|---|---|"]
    for t in tg:
        unit = t["unit"]
        L.append("| %s | %.2f%s | %s %g%s | %s | %s |" % (
            t["target"], t["measured"], unit, ">=" if unit == "x" and "hot clean" not in
            t["target"] and "hostile" not in t["target"] else "<", t["goal"], unit,
            "met" if t["met"] else "**missed**, " + t["missed_by"], t["why"]))
    if fl:
        L += ["", "## Flags", ""] + ["- " + f for f in fl]
    if "micro" in r:
        m = r["micro"]
        L += ["", "## XDP cost per packet (BPF_PROG_TEST_RUN)", "",
              "%d runs per variant and round, %d rounds, CPU 1, timed by the %s clock. "
              "x = ns / ns of the empty XDP program in the same round. Hot: the same "
              "source every packet; cold: a random source per packet (cfg_bench_random_src, "
              "198.18.0.0/15). Program: %d instructions verified, %d bytes JITed." % (
                  m["repeat"], m["rounds"], m["timing"], m["program"]["verified_insns"],
                  m["program"]["jited_bytes"]), ""]
        L += micro_table(m)
        L += ["", "Blocklist writes from user space (bpf_map_update_elem, one per entry): " +
              ", ".join("%s %.0f ns" % (f["object"], f["ns_per_insert"])
                        for f in m["fill"] if f["object"].startswith("hot-") or
                        "ranges" in f["object"]) + "."]
        if plotted:
            L += ["", "![cost per packet against blocklist size](cost.png)"]
    if "veth" in r:
        vt = r["veth"]
        L += ["", "## Veth: SYNs handled per second", "",
              "%d SYNs per run (%d with no filter) from %d sources, live-frames "
              "generator, %d rounds. Single: generator and receiver on CPU 1; receiver = "
              "run minus the generator alone. Split: receiver NAPI thread on CPU 0, "
              "generator on CPU 1; handled = receiver's counters / run time." % (
                  vt["frames"], vt["frames_stack"], vt["sources"], vt["rounds"]), "",
              "| receiver | pipeline Mpps | receiver ns/frame | receiver Mpps | split handled Mpps | counters (last round) |",
              "|---|---|---|---|---|---|"]
        for name, e in vt["single"].items():
            split = vt["split"].get(name)
            L.append("| %s | %s | %s | %s | %s | %s |" % (
                name, fmt(e["pipeline_mpps"]),
                fmt(e["receiver_ns_per_frame"], 0) if "receiver_ns_per_frame" in e else "-",
                fmt(e["receiver_mpps"]) if "receiver_mpps" in e else "-",
                fmt(split["handled_mpps"]) if split else "-",
                ", ".join("%s %d" % kv for kv in e["counts_last_round"].items())))
        L += ["", "| ratio | median (min-max) |", "|---|---|"]
        for k, s in vt["ratios"].items():
            L.append("| %s | %s |" % (k, fmt(s)))
    if "logparse" in r:
        lp = r["logparse"]
        L += ["", "## Log parsing", "",
              "genlog.py seed 1: %d lines for mxguard and Python re, the first %d for "
              "fail2ban-regex 1.0 (its start-up time taken out). CPU 1." % (
                  lp["log_lines"], lp["f2b_lines"]), "",
              "| parser | lines/s |", "|---|---|"]
        labels = {"mxguard": "mxguard parser (logparse_line)",
                  "mxguard_cli": "mxguard log test FILE (CLI, prints every event)",
                  "python_re": "Python re, one alternation", "f2b_postfix":
                  "fail2ban-regex postfix[mode=aggressive]", "f2b_dovecot": "fail2ban-regex dovecot",
                  "f2b_both": "fail2ban-regex, both jails on each line"}
        for k, s in lp["lines_per_s"].items():
            L.append("| %s | %s |" % (labels.get(k, k), fmt(s, 0)))
        L += ["", "| ratio | median (min-max) |", "|---|---|"]
        for k, s in lp["ratios"].items():
            L.append("| %s | %s |" % (k, fmt(s)))
        L += ["", "Same events found: " + "; ".join(
            "%s: %d events, %d addresses" % (k, c["events"], c["addresses"])
            for k, c in lp["checks"].items()) + ". mxguard's events by kind: " + ", ".join(
            "%s %d" % kv for kv in lp["events"].items()) + "."]
        h = lp["hostile"]
        L += ["", "### Hostile lines", "",
              "%d copies of each line. Ordinary log: %s ns per byte." % (
                  h["copies"], fmt(h["ordinary_ns_per_byte"], 3)), "",
              "| kind | line bytes | ns/byte | x ordinary | x when doubled | events |",
              "|---|---|---|---|---|---|"]
        for k, e in h["kinds"].items():
            ev = ", ".join("%s %d" % kv for kv in e["events"].items() if kv[1])
            L.append("| %s | %d | %s | %s | %s | %s |" % (
                k, e["line_bytes"], fmt(e["ns_per_byte"], 3), fmt(e["x_ordinary"]),
                fmt(e["x_when_doubled"]), ev or "none"))
    if "latency" in r:
        lat = r["latency"]
        L += ["", "## Detection latency (mxguardd, follow mode)", "",
              "| evidence | rate | measured per round | p50 ms | p99 ms | max ms |",
              "|---|---|---|---|---|---|"]
        for mode, label in (("log", "failure line appended"), ("syn", "first SYN, DNSBL listed")):
            e = lat[mode]
            L.append("| %s | %d/s | %d | %s | %s | %s |" % (
                label, e["rate_per_s"], e["measured_per_round"], fmt(e["p50_ms"], 3),
                fmt(e["p99_ms"], 3), fmt(e["max_ms"], 3)))
        L += ["", "The map is polled every %d us, which bounds the resolution." %
              lat["log"]["poll_us"]]
    if "dnsbl" in r:
        dn = r["dnsbl"]
        L += ["", "## DNSBL against rbldnsd", "",
              "%d lookups per pass, half listed; rbldnsd on CPU 0, client on CPU 1." %
              dn["lookups"], "", "| cache | in flight | lookups/s | p50 us | p99 us |",
              "|---|---|---|---|---|"]
        for kind in ("cold", "warm"):
            for c, e in dn[kind].items():
                L.append("| %s | %s | %s | %s | %s |" % (
                    kind, c + (" (daemon default)" if int(c) == dn["daemon_cap"] else ""),
                    fmt(e["per_s"], 0), fmt(e["p50_us"], 1), fmt(e["p99_us"], 1)))
    if "memory" in r:
        mm = r["memory"]
        L += ["", "## Memory", "", "Maps at the daemon's default sizes (bpftool map show, "
              "bytes_memlock). The LPM tries are not preallocated: bpftool reports the memory "
              "of their entries, and these held none (the namespace has no address of its "
              "own to allowlist).", "",
              "| map | type | max_entries | bytes |", "|---|---|---|---|"]
        for k, e in sorted(mm["default_maps"].items()):
            L.append("| %s | %s | %d | %d |" % (k, e["type"], e["max_entries"], e["bytes_memlock"]))
        L.append("| total | | | %d |" % mm["defaults_total_bytes"])
        b = mm["block4_1m"]
        L += ["", "mxguard_block4 with block_max %d: %d bytes (%.0f per entry). 'mxguard block "
              "import' of %d bans: %.1f s." % (b["max_entries"], b["bytes_memlock"],
                                              b["bytes_memlock"] / b["max_entries"], mm["bans"],
                                              mm["import_seconds"]), "",
              "| mxguardd | VmRSS | VmHWM | state file |", "|---|---|---|---|"]
        for k, label in (("daemon_empty", "empty maps"), ("daemon_1m_bans", "%d bans" % mm["bans"])):
            e = mm[k]
            L.append("| %s | %.1f MiB | %.1f MiB | %d bytes |" % (
                label, med(e["rss_bytes"]) / 2**20, e["hwm_bytes"] / 2**20, e["state_file_bytes"]))
    return "\n".join(L) + "\n"


def main():
    elapsed = sys.argv[1] if len(sys.argv) > 1 else "?"
    r, failed = load()
    r = {k: v for k, v in r.items() if "failed" not in v}
    mach = machine()
    tg = targets(r)
    fl = flags(r)
    png = os.path.join(B.BENCH, "cost.png")
    plotted = "micro" in r and plot(r["micro"], png)
    prev = os.path.join(B.BENCH, "results.json")
    if os.path.exists(prev):
        shutil.copy(prev, os.path.join(B.BENCH, "results.prev.json"))
    with open(prev, "w") as f:
        json.dump({"machine": mach, "command": "make bench", "seconds": elapsed,
                   "failed": failed, "targets": tg, "flags": fl, "sections": r}, f, indent=1)
    with open(os.path.join(B.BENCH, "results.md"), "w") as f:
        f.write(markdown(r, tg, fl, mach, failed, plotted, elapsed))
    for t in tg:
        print("%-60s %8.2f%-2s %s" % (t["target"], t["measured"], t["unit"],
                                      "met" if t["met"] else "MISSED " + t["missed_by"]))
    if failed:
        for f in failed:
            print("bench: FAILED %s" % f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
