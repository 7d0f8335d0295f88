#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""synsend.py - send a burst of TCP SYNs from one source through a raw socket.

Usage: synsend.py SRC DST DPORT COUNT [--sport PORT]

Builds each IPv4 or IPv6 header and TCP SYN itself (IPPROTO_RAW), so the
source may be any address routed out of the namespace. Before the burst a
UDP datagram from SRC to DST resolves the neighbour, so no SYN waits in
the neighbour queue. Prints one JSON object: {"sent": N, "elapsed_sec": T},
where T runs from the first to the last send.
"""
import argparse
import ipaddress
import json
import socket
import struct
import sys
import time

TCP_SYN = 0x02


def checksum(data):
    """Return the Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_syn(src, dst, sport, dport, seq):
    """Return a 20-byte TCP SYN header with its checksum filled in."""
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, TCP_SYN,
                         64240, 0, 0)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(header))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(header), 6)
    csum = checksum(pseudo + header)
    return header[:16] + struct.pack("!H", csum) + header[18:]


def ip_header(src, dst, payload_len, ident):
    """Return the IPv4 or IPv6 header for a TCP payload of payload_len."""
    if src.version == 4:
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                             0, 64, 6, 0, src.packed, dst.packed)
        return header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return struct.pack("!IHBB16s16s", 6 << 28, payload_len, 6, 64, src.packed,
                       dst.packed)


def warm_neighbour(src, dst):
    """Send one UDP datagram so that the kernel resolves dst's link address."""
    family = socket.AF_INET if src.version == 4 else socket.AF_INET6
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        try:
            s.bind((str(src), 0))
        except OSError:
            pass  # a source not assigned here: any local address will do
        s.sendto(b"x", (str(dst), 9))
    time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser(description="send a burst of TCP SYNs")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("dport", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--sport", type=int, default=40000,
                    help="first source port; each SYN uses the next one")
    args = ap.parse_args()

    src = ipaddress.ip_address(args.src)
    dst = ipaddress.ip_address(args.dst)
    if src.version != dst.version:
        sys.exit("synsend: SRC and DST must be of the same family")
    family = socket.AF_INET if src.version == 4 else socket.AF_INET6

    packets = []
    for i in range(args.count):
        sport = (args.sport + i - 1024) % (65536 - 1024) + 1024
        tcp = tcp_syn(src, dst, sport, args.dport, 1000 + i)
        packets.append(ip_header(src, dst, len(tcp), i & 0xFFFF) + tcp)

    warm_neighbour(src, dst)
    with socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        start = time.monotonic()
        for pkt in packets:
            s.sendto(pkt, (str(dst), 0))
        elapsed = time.monotonic() - start
    print(json.dumps({"sent": len(packets), "elapsed_sec": round(elapsed, 6)}))


if __name__ == "__main__":
    main()
