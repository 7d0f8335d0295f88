#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""synstream.py - send a steady stream of TCP SYNs from one source.

Usage: synstream.py SRC DST DPORT --rate PPS --duration SEC

Sends PPS SYNs per second for SEC seconds (paced in 10 ms slices) through
a raw socket, with the packet builders of synsend.py, then prints one JSON
object: {"sent": N, "elapsed_sec": T}. Stops early on SIGTERM and still
prints what it sent.
"""
import argparse
import ipaddress
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synsend import ip_header, tcp_syn, warm_neighbour  # noqa: E402

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser(description="send a steady stream of TCP SYNs")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("dport", type=int)
    ap.add_argument("--rate", type=int, required=True, help="SYNs per second")
    ap.add_argument("--duration", type=float, required=True, help="seconds")
    args = ap.parse_args()
    if args.rate <= 0 or args.rate > 100000 or not 0 < args.duration <= 120:
        sys.exit("synstream: rate must be 1-100000 and duration 0-120 s")

    src = ipaddress.ip_address(args.src)
    dst = ipaddress.ip_address(args.dst)
    family = socket.AF_INET if src.version == 4 else socket.AF_INET6
    signal.signal(signal.SIGTERM, on_term)

    warm_neighbour(src, dst)
    sent = 0
    total = int(args.rate * args.duration)
    with socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        start = time.monotonic()
        while sent < total and not stop:
            # send what the schedule owes, then sleep to the next slice
            due = min(total, int((time.monotonic() - start) * args.rate) + 1)
            while sent < due:
                sport = 1024 + sent % 64000
                tcp = tcp_syn(src, dst, sport, args.dport, 1000 + sent)
                s.sendto(ip_header(src, dst, len(tcp), sent & 0xFFFF) + tcp,
                         (str(dst), 0))
                sent += 1
            time.sleep(0.01)
        elapsed = time.monotonic() - start
    print(json.dumps({"sent": sent, "elapsed_sec": round(elapsed, 3)}),
          flush=True)


if __name__ == "__main__":
    main()
