#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""connlab.py - hold real TCP connections between the test namespaces and
compare mxguard's per-source connection counts with ss.

Usage: connlab.py --srv NS --cli NS --iface IF --mxguard PATH
       connlab.py hold-server PORT

The first form reads one command per line on stdin and writes one reply
line per command on stdout. The shell tests run it as a coprocess
(conn_lib.sh).
Server and client sockets live in this one process: each socket is made
after setns() into its namespace, which applies to the calling thread
only, and keeps that namespace for its life. The second form accepts
connections on [::]:PORT and holds them without reading, until killed.

Commands (NAME names one connection; SRC, DST are addresses):
  listen PORT [dual|v4|v6] [BACKLOG] [noaccept]
                                  listen on the server; noaccept leaves
                                  connections in the accept queue
  unlisten PORT                   close the listener
  open NAME SRC DST PORT [SEC]    connect; "ok|refused|timeout|error:E SECS"
  send NAME BYTES                 the client sends BYTES bytes
  close NAME HOW                  HOW: client-fin, client-rst, server-fin,
                                  server-rst, client-then-server,
                                  server-then-client
  closeall                        close every connection (FIN both sides)
  churn SRC DST PORT SEC          open and close connections for SEC
                                  seconds; "ok opened=N failed=F"
  burst SRC DST PORT N SEC        N non-blocking connects at once; replies
                                  "ok established=E refused=R timeout=T"
                                  and keeps the established ones
  drop-burst                      close the connections of the last burst
  cookie-syn SRC DST PORT SPORT   send a bare SYN from a raw socket and
                                  keep the SYN-ACK's sequence number
  cookie-ack SRC DST PORT SPORT   complete it with a bare ACK
  count SRC                       "ours=N ss=M pending=P"
  synrecv SRC                     half-open connections from SRC (ss)
  expect SRC N [SEC]              wait until ours and ss are both N;
                                  "ok ours=N ss=N" or "fail ours=X ss=Y"
  quit
"""
import argparse
import ctypes
import ipaddress
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synsend import checksum, ip_header  # noqa: E402

CLONE_NEWNET = 0x40000000
TCP_FLAGS = {"SYN": 0x02, "RST": 0x04, "ACK": 0x10}
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    """Move the calling thread into the network namespace open at fd."""
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class Netns:
    """Context manager: the calling thread runs in namespace name."""

    home = None

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if Netns.home is None:
            Netns.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            setns(fd)
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        setns(Netns.home)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def rst_close(sock):
    """Close with SO_LINGER 0, which sends an RST instead of a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def tcp_segment(src, dst, sport, dport, seq, ack, flags):
    """Return a 20-byte TCP header without options, checksum filled in."""
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                         64240, 0, 0)
    pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(header))
    csum = checksum(pseudo + header)
    return header[:16] + struct.pack("!H", csum) + header[18:]


class Lab:
    def __init__(self, args):
        self.srv = args.srv
        self.cli = args.cli
        self.iface = args.iface
        self.mxguard = args.mxguard
        self.ports = {int(p) for p in args.ports.split(",")}
        self.v6_prefix = args.v6_prefix
        self.listeners = {}   # port -> (socket, accept)
        self.queued = {}      # (port, peer port) -> accepted server socket
        self.conns = {}       # name -> [client socket, server socket]
        self.burst = []
        self.cookies = {}

    # --- counts -----------------------------------------------------------

    def key(self, addr):
        """Return the source key the guard counts addr under."""
        a = ipaddress.ip_address(addr)
        if a.version == 6 and a.ipv4_mapped:
            a = a.ipv4_mapped
        if a.version == 4:
            return str(a)
        return str(ipaddress.ip_network("%s/%d" % (a, self.v6_prefix), strict=False))

    def run_srv(self, *cmd):
        return subprocess.run(["nsenter", "--net=/run/netns/" + self.srv, *cmd],
                              capture_output=True, text=True, check=True).stdout

    def ours(self, addr):
        """Open connections of addr's key per 'mxguard why'; None if absent."""
        out = self.run_srv(self.mxguard, "-i", self.iface, "-j", "why", addr)
        conn = json.loads(out).get("conn")
        if conn is None:
            return None, None
        return conn["open"], conn["pending"]

    def ss(self, addr, state="established"):
        """Connections to a guarded port from addr's key, per ss."""
        out = self.run_srv("ss", "-Htn", "state", state)
        want, n = self.key(addr), 0
        for line in out.splitlines():
            f = line.split()
            if len(f) < 4:
                continue
            local, peer = f[-2], f[-1]
            if int(local.rsplit(":", 1)[1]) not in self.ports:
                continue
            host = peer.rsplit(":", 1)[0].strip("[]")
            if self.key(host) == want:
                n += 1
        return n

    # --- commands ---------------------------------------------------------

    def cmd_listen(self, port, kind="dual", backlog="128", accept="accept"):
        port = int(port)
        with Netns(self.srv):
            if kind == "v4":
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                addr = ("0.0.0.0", port)
            else:
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY,
                             1 if kind == "v6" else 0)
                addr = ("::", port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(addr)
        s.listen(int(backlog))
        s.setblocking(False)
        self.listeners[port] = (s, accept != "noaccept")
        return "ok"

    def cmd_unlisten(self, port):
        s, _ = self.listeners.pop(int(port))
        s.close()
        return "ok"

    def accept_for(self, port, peer_port, timeout=2.0):
        """Return the server side of the connection from peer_port, or None."""
        s, accepting = self.listeners.get(port, (None, False))
        if not accepting:
            return None
        deadline = time.monotonic() + timeout
        while (port, peer_port) not in self.queued:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([s], [], [], left)
            try:
                conn, peer = s.accept()
            except BlockingIOError:
                continue
            self.queued[(port, peer[1])] = conn
        return self.queued.pop((port, peer_port))

    def client_socket(self, src):
        with Netns(self.cli):
            c = socket.socket(family_of(src), socket.SOCK_STREAM)
        c.bind((src, 0))
        return c

    def cmd_open(self, name, src, dst, port, timeout="3"):
        port = int(port)
        c = self.client_socket(src)
        c.settimeout(float(timeout))
        t0 = time.monotonic()
        try:
            c.connect((dst, port))
            result = "ok"
        except ConnectionRefusedError:
            result = "refused"
        except socket.timeout:
            result = "timeout"
        except OSError as e:
            result = "error:" + (os.strerror(e.errno) if e.errno else str(e))
        elapsed = time.monotonic() - t0
        if result != "ok":
            c.close()
            return "%s %.3f" % (result, elapsed)
        server = self.accept_for(port, c.getsockname()[1])
        self.conns[name] = [c, server]
        return "ok %.3f" % elapsed

    def cmd_send(self, name, nbytes):
        self.conns[name][0].sendall(b"x" * int(nbytes))
        return "ok"

    def cmd_close(self, name, how):
        c, s = self.conns[name]
        if how == "client-fin":
            c.close()
            self.conns[name][0] = None
        elif how == "client-rst":
            rst_close(c)
            self.conns[name][0] = None
        elif how == "server-fin":
            s.close()
            self.conns[name][1] = None
        elif how == "server-rst":
            rst_close(s)
            self.conns[name][1] = None
        elif how == "client-then-server":
            c.close()
            time.sleep(0.05)
            s.close()
            del self.conns[name]
        elif how == "server-then-client":
            s.close()
            time.sleep(0.05)
            c.close()
            del self.conns[name]
        else:
            return "error: unknown HOW '%s'" % how
        if name in self.conns and self.conns[name] == [None, None]:
            del self.conns[name]
        return "ok"

    def cmd_closeall(self):
        for c, s in self.conns.values():
            for sock in (c, s):
                if sock is not None:
                    sock.close()
        self.conns.clear()
        for s in self.queued.values():
            s.close()
        self.queued.clear()
        return self.cmd_drop_burst()

    def cmd_burst(self, src, dst, port, n, timeout):
        port, n = int(port), int(n)
        socks = []
        for _ in range(n):
            c = self.client_socket(src)
            c.setblocking(False)
            socks.append(c)
        for c in socks:
            try:
                c.connect((dst, port))
            except BlockingIOError:
                pass
        # each socket ends connected, refused, or still trying at timeout
        deadline = time.monotonic() + float(timeout)
        waiting, done = list(socks), {}
        while waiting and time.monotonic() < deadline:
            _, ready, _ = select.select([], waiting, [], deadline - time.monotonic())
            for c in ready:
                err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                done[c] = err
                waiting.remove(c)
        established = [c for c, err in done.items() if err == 0]
        refused = sum(1 for err in done.values() if err != 0)
        for c in waiting + [c for c, err in done.items() if err != 0]:
            c.close()
        for c in established:
            self.burst.append([c, self.accept_for(port, c.getsockname()[1])])
        return "ok established=%d refused=%d timeout=%d" % (
            len(established), refused, len(waiting))

    def cmd_drop_burst(self):
        for pair in self.burst:
            for sock in pair:
                if sock is not None:
                    sock.close()
        self.burst = []
        return "ok"

    def cmd_churn(self, src, dst, port, seconds):
        """Open and close connections from src for a while, at most 2 open.

        Closes take turns: client FIN, client RST, server FIN first.
        Replies "ok opened=N failed=F". Every connection is closed at the end.
        """
        port = int(port)
        deadline = time.monotonic() + float(seconds)
        opened = failed = 0
        open_now = []
        hows = ["client-then-server", "client-rst", "server-then-client"]
        while time.monotonic() < deadline:
            name = "churn%d" % (opened + failed)
            result = self.cmd_open(name, src, dst, port, "2")
            if result.startswith("ok"):
                opened += 1
                open_now.append(name)
            else:
                failed += 1
            if len(open_now) >= 2:
                victim = open_now.pop(0)
                how = hows[opened % len(hows)]
                if self.conns[victim][1] is None:
                    how = "client-rst"
                self.cmd_close(victim, how)
                self.conns.pop(victim, None)
        for name in open_now:
            self.cmd_close(name, "client-rst")
            self.conns.pop(name, None)
        return "ok opened=%d failed=%d" % (opened, failed)

    def cmd_cookie_syn(self, src, dst, port, sport):
        """Send a SYN from a raw socket; keep the server's sequence number."""
        s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
        port, sport = int(port), int(sport)
        isn = random.randrange(1 << 31)
        with Netns(self.cli):
            rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
            tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        with rx, tx:
            tcp = tcp_segment(s, d, sport, port, isn, 0, TCP_FLAGS["SYN"])
            tx.sendto(ip_header(s, d, len(tcp), 1) + tcp, (dst, 0))
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                if not select.select([rx], [], [], deadline - time.monotonic())[0]:
                    break
                pkt = rx.recv(2048)
                ihl = (pkt[0] & 0x0F) * 4
                sp, dp, seq, ack, _, flags = struct.unpack("!HHIIBB", pkt[ihl:ihl + 14])
                if (sp, dp) == (port, sport) and flags & 0x12 == 0x12 and ack == isn + 1:
                    self.cookies[(src, dst, port, sport)] = (isn, seq)
                    return "ok"
        return "fail: no SYN-ACK"

    def cmd_cookie_ack(self, src, dst, port, sport):
        s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
        port, sport = int(port), int(sport)
        isn, server_isn = self.cookies[(src, dst, port, sport)]
        with Netns(self.cli):
            tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        with tx:
            tcp = tcp_segment(s, d, sport, port, (isn + 1) & 0xFFFFFFFF,
                              (server_isn + 1) & 0xFFFFFFFF, TCP_FLAGS["ACK"])
            tx.sendto(ip_header(s, d, len(tcp), 2) + tcp, (dst, 0))
        # the server side, if the ACK made a connection, for closeall
        server = self.accept_for(port, sport, timeout=0.5)
        if server is not None:
            self.conns["cookie%d" % sport] = [None, server]
        return "ok"

    def cmd_count(self, src):
        ours, pending = self.ours(src)
        return "ours=%s ss=%d pending=%s" % (ours, self.ss(src), pending)

    def cmd_synrecv(self, src):
        return str(self.ss(src, "syn-recv"))

    def cmd_expect(self, src, n, timeout="3"):
        n = int(n)
        deadline = time.monotonic() + float(timeout)
        while True:
            ours, _ = self.ours(src)
            truth = self.ss(src)
            if ours == n and truth == n:
                return "ok ours=%d ss=%d" % (ours, truth)
            if time.monotonic() >= deadline:
                return "fail ours=%s ss=%d" % (ours, truth)
            time.sleep(0.02)

    def run(self):
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            fn = getattr(self, "cmd_" + words[0].replace("-", "_"), None)
            try:
                reply = fn(*words[1:]) if fn else "error: unknown command"
            except Exception as e:  # the shell test reports it as a failure
                reply = "error: %s: %s" % (type(e).__name__, e)
            print(reply, flush=True)


def hold_server(port):
    """Accept on [::]:port and hold every connection unread."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(128)
    print("ready", flush=True)
    held = []
    while True:
        held.append(s.accept()[0])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "hold-server":
        hold_server(int(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description="hold TCP connections for tests")
    ap.add_argument("--srv", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--mxguard", required=True)
    ap.add_argument("--ports", default="25,465,587")
    ap.add_argument("--v6-prefix", type=int, default=64)
    Lab(ap.parse_args()).run()


if __name__ == "__main__":
    main()
