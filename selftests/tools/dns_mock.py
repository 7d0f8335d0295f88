#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""dns_mock.py - a small UDP DNS server for the DNSBL tests: it gives the
answers rbldnsd cannot give (SERVFAIL, REFUSED, silence, malformed or
mismatched messages, CNAME and AAAA records, error codes).

Usage: dns_mock.py --port PORT --spec FILE [--log FILE] [--ready FILE]

The spec is JSON: {"zones": {"ZONE": {...}}}, read again whenever the
file changes. Each zone has a "mode" (default "answer") and optionally:
  "answers": {"10.2.0.192": ["127.0.0.2"], ...}  by the query name's part
             in front of the zone; a missing name is NXDOMAIN
  "default": ["127.0.0.2"]     answers for names not in "answers"
  "ttl": 300, "soa_min": 120   TTL of A records and the SOA MINIMUM
  "probes": "healthy"          answer the RFC 5782 test points normally
                               (127.0.0.2 and ::2 listed, 127.0.0.1 and ::1
                               not) whatever the mode; the default in
                               "answer" mode unless "default" is set
Modes other than "answer": servfail, refused, formerr, timeout (no reply),
empty (a 0-byte datagram), junk (random bytes), short (the header only),
cut (the answer cut in the middle of a record), wrong_question, wrong_id,
cname, aaaa, many (40 A records), tc (truncated flag set, no TCP server),
loop (a compression pointer to itself), badlen (an A record of 5 bytes),
nxdomain_answer (NXDOMAIN with an A record).

Each query is logged as "ZONE QNAME QTYPE" to --log, one line each.
"""
import argparse
import json
import os
import random
import socket
import struct
import sys

TEST_POINTS_LISTED = {"2.0.0.127", "2" + ".0" * 31}
TEST_POINTS_CLEAN = {"1.0.0.127", "1" + ".0" * 31}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_query(data):
    """Return (id, flags, qname, qtype, end of question) or None."""
    if len(data) < 12:
        return None
    qid, flags, qdcount = struct.unpack(">HHH", data[:6])
    if qdcount != 1:
        return None
    pos, labels = 12, []
    while pos < len(data):
        n = data[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0 or pos + n > len(data):
            return None
        labels.append(data[pos:pos + n].decode("ascii", "replace"))
        pos += n
    if pos + 4 > len(data):
        return None
    qtype, _ = struct.unpack(">HH", data[pos:pos + 4])
    return qid, flags, ".".join(labels), qtype, pos + 4


def header(qid, rcode, an, ns, flags_extra=0):
    flags = 0x8000 | 0x0400 | (0x0100) | flags_extra | rcode
    return struct.pack(">HHHHHH", qid, flags, 1, an, ns, 0)


def a_record(owner, ttl, addr, rdlen=4):
    rdata = socket.inet_aton(addr)
    if rdlen != 4:
        rdata = rdata + b"\0" * (rdlen - 4)
    return owner + struct.pack(">HHIH", 1, 1, ttl, len(rdata)) + rdata


def soa_record(zone, ttl, minimum):
    rdata = encode_name("ns." + zone) + encode_name("hostmaster." + zone)
    rdata += struct.pack(">IIIII", 1, 600, 300, 86400, minimum)
    return encode_name(zone) + struct.pack(">HHIH", 6, 1, ttl, len(rdata)) + rdata


class Mock:
    def __init__(self, spec_path, log_path):
        self.spec_path = spec_path
        self.spec_mtime = None
        self.zones = {}
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.rng = random.Random(5782)

    def reload(self):
        try:
            mtime = os.stat(self.spec_path).st_mtime_ns
        except OSError:
            return
        if mtime == self.spec_mtime:
            return
        with open(self.spec_path) as f:
            self.zones = json.load(f).get("zones", {})
        self.spec_mtime = mtime

    def find_zone(self, qname):
        qname = qname.lower()
        for zone in sorted(self.zones, key=len, reverse=True):
            if qname.endswith("." + zone):
                return zone, qname[:-len(zone) - 1]
        return None, None

    def answers_for(self, z, prefix):
        if prefix in z.get("answers", {}):
            return z["answers"][prefix]
        healthy = z.get("probes") == "healthy" or (
            z.get("mode", "answer") == "answer" and "default" not in z)
        if healthy and prefix in TEST_POINTS_LISTED:
            return ["127.0.0.2"]
        if healthy and prefix in TEST_POINTS_CLEAN:
            return []
        return z.get("default", [])

    def respond(self, data):
        q = parse_query(data)
        if not q:
            return None
        qid, _, qname, qtype, qend = q
        question = data[12:qend]
        zone, prefix = self.find_zone(qname)
        if self.log:
            self.log.write("%s %s %d\n" % (zone or "-", qname, qtype))
        if zone is None:
            return header(qid, 5, 0, 0) + question
        z = self.zones[zone]
        mode = z.get("mode", "answer")
        if z.get("probes") == "healthy" and (
                prefix in TEST_POINTS_LISTED or prefix in TEST_POINTS_CLEAN):
            mode = "answer"
        ttl = int(z.get("ttl", 300))
        owner = b"\xc0\x0c"  # pointer to the question name
        answers = self.answers_for(z, prefix)

        if mode == "answer":
            if not answers:
                return (header(qid, 3, 0, 1) + question +
                        soa_record(zone, ttl, int(z.get("soa_min", 120))))
            body = b"".join(a_record(owner, ttl, a) for a in answers)
            return header(qid, 0, len(answers), 0) + question + body
        if mode in ("servfail", "refused", "formerr"):
            rcode = {"servfail": 2, "refused": 5, "formerr": 1}[mode]
            return header(qid, rcode, 0, 0) + question
        if mode == "timeout":
            return None
        if mode == "empty":
            return b""
        if mode == "junk":
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 300)))
        if mode == "short":
            return header(qid, 0, 1, 0)
        if mode == "cut":
            full = header(qid, 0, 1, 0) + question + a_record(owner, ttl, "127.0.0.2")
            return full[:-3]
        if mode == "wrong_question":
            other = encode_name("2.0.0.127." + zone) + struct.pack(">HH", 1, 1)
            return (header(qid, 0, 1, 0) + other +
                    a_record(b"\xc0\x0c", ttl, "127.0.0.2"))
        if mode == "wrong_id":
            return (header(qid ^ 0x5a5a, 0, 1, 0) + question +
                    a_record(owner, ttl, "127.0.0.2"))
        if mode == "cname":
            target = encode_name("listed." + zone)
            cname = owner + struct.pack(">HHIH", 5, 1, ttl, len(target)) + target
            return (header(qid, 0, 2, 0) + question + cname +
                    a_record(target, ttl, "127.0.0.2"))
        if mode == "aaaa":
            rdata = socket.inet_pton(socket.AF_INET6, "::ffff:127.0.0.2")
            rr = owner + struct.pack(">HHIH", 28, 1, ttl, 16) + rdata
            return header(qid, 0, 1, 0) + question + rr
        if mode == "many":
            body = b"".join(a_record(owner, ttl, "127.0.0.%d" % (i + 2)) for i in range(40))
            return header(qid, 0, 40, 0) + question + body
        if mode == "tc":
            return header(qid, 0, 0, 0, flags_extra=0x0200) + question
        if mode == "loop":
            # the owner name is a pointer to itself, at offset qend
            ptr = struct.pack(">H", 0xC000 | qend)
            rr = ptr + struct.pack(">HHIH", 1, 1, ttl, 4) + socket.inet_aton("127.0.0.2")
            return header(qid, 0, 1, 0) + question + rr
        if mode == "badlen":
            return (header(qid, 0, 1, 0) + question +
                    a_record(owner, ttl, "127.0.0.2", rdlen=5))
        if mode == "nxdomain_answer":
            return (header(qid, 3, 1, 0) + question +
                    a_record(owner, ttl, "127.0.0.2"))
        return header(qid, 2, 0, 0) + question


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--log")
    ap.add_argument("--ready")
    args = ap.parse_args()

    mock = Mock(args.spec, args.log)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.addr, args.port))
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    while True:
        data, peer = sock.recvfrom(4096)
        mock.reload()
        try:
            out = mock.respond(data)
        except Exception as e:  # a bad spec must not stop the server
            print("dns_mock: %s" % e, file=sys.stderr)
            out = None
        if out is not None:
            sock.sendto(out, peer)


if __name__ == "__main__":
    main()
