#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""postscreen_score.py - the DNSBL score Postfix's postscreen would give an
address, computed independently of mxguard for the tests.

Usage: postscreen_score.py --server ADDR:PORT --sites SPEC ADDR

It asks the server for the A records of each zone of SPEC with its own
DNS client and applies the rules of postconf(5), postscreen_dnsbl_sites:
entries "domain[=filter][*weight]" separated by commas or whitespace; an
entry adds its weight (default 1) once when the zone replied and, with a
filter d.d.d.d (each d a number or [n;n..m]), when a reply matches it.
Prints {"score": N, "answers": {"ZONE": ["A", ...]}} as JSON.
"""
import argparse
import ipaddress
import json
import random
import re
import socket
import struct
import sys


def parse_filter(text):
    """The filter as four sets of octet values."""
    if text.startswith("[") and text.endswith("]") and text.count("[") == text.count("]"):
        inner = text[1:-1]
        if inner.count("[") == inner.count("]") and not inner.startswith("]"):
            text = inner
    fields = re.findall(r"\[[^\]]*\]|[^.\[\]]+", text)
    if len(fields) != 4 or ".".join(fields) != text:
        raise ValueError("bad filter %r" % text)
    sets = []
    for f in fields:
        values = set()
        for member in (f[1:-1].split(";") if f.startswith("[") else [f]):
            lo, _, hi = member.partition("..")
            lo, hi = int(lo), int(hi or lo)
            if not 0 <= lo <= hi <= 255:
                raise ValueError("bad range %r" % member)
            values.update(range(lo, hi + 1))
        sets.append(values)
    return sets


def parse_sites(spec):
    sites = []
    for entry in re.split(r"[,\s]+", spec.strip()):
        if not entry:
            continue
        domain, star, weight = entry.partition("*")
        domain, eq, filt = domain.partition("=")
        sites.append((domain.lower(), parse_filter(filt) if eq else None,
                      int(weight) if star else 1))
    return sites


def query_name(addr, zone):
    a = ipaddress.ip_address(addr)
    if a.version == 4:
        return ".".join(reversed(str(a).split("."))) + "." + zone
    return ".".join(reversed(a.exploded.replace(":", ""))) + "." + zone


def lookup_a(server, name):
    """A records of name, or [] for NXDOMAIN and NODATA."""
    host, port = server.rsplit(":", 1)
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    q += struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(q, (host, int(port)))
    r = s.recv(4096)
    s.close()
    rid, flags, _, ancount = struct.unpack(">HHHH", r[:8])
    if rid != qid or flags & 0xF not in (0, 3):
        raise RuntimeError("bad response for %s" % name)
    pos = len(q)
    out = []
    for _ in range(ancount):
        while r[pos] and r[pos] & 0xC0 != 0xC0:
            pos += r[pos] + 1
        pos += 2 if r[pos] & 0xC0 == 0xC0 else 1
        rtype, _, _, rdlen = struct.unpack(">HHIH", r[pos:pos + 10])
        pos += 10
        if rtype == 1 and rdlen == 4:
            out.append(socket.inet_ntoa(r[pos:pos + 4]))
        pos += rdlen
    return out


def matches(filt, answer):
    octets = [int(x) for x in answer.split(".")]
    return all(o in s for o, s in zip(octets, filt))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--sites", required=True)
    ap.add_argument("addr")
    args = ap.parse_args()

    sites = parse_sites(args.sites)
    answers = {}
    for zone, _, _ in sites:
        if zone not in answers:
            answers[zone] = lookup_a(args.server, query_name(args.addr, zone))
    score = 0
    for zone, filt, weight in sites:
        replies = answers[zone]
        if replies and (filt is None or any(matches(filt, a) for a in replies)):
            score += weight
    json.dump({"score": score, "answers": answers}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
