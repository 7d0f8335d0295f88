#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""tcpconnect.py - open TCP connections from chosen source addresses.

Usage: tcpconnect.py [--timeout SEC] SRC,DST,PORT...

Runs every connect at once, each from its own source address, and prints
one line per connect in the order given: "SRC DST PORT RESULT", where
RESULT is ok, timeout, refused or error:<errno name>.
"""
import argparse
import errno
import socket
import threading


def attempt(src, dst, port, timeout, results, i):
    """Connect from src to dst:port and store the result in results[i]."""
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect((dst, port))
        results[i] = "ok"
    except socket.timeout:
        results[i] = "timeout"
    except ConnectionRefusedError:
        results[i] = "refused"
    except OSError as e:
        results[i] = "error:" + errno.errorcode.get(e.errno, str(e.errno))
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser(description="open TCP connections")
    ap.add_argument("--timeout", type=float, default=2.5)
    ap.add_argument("targets", nargs="+", metavar="SRC,DST,PORT")
    args = ap.parse_args()

    results = [None] * len(args.targets)
    threads = []
    for i, target in enumerate(args.targets):
        src, dst, port = target.split(",")
        t = threading.Thread(target=attempt,
                             args=(src, dst, int(port), args.timeout, results, i))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    for target, result in zip(args.targets, results):
        print(target.replace(",", " "), result)


if __name__ == "__main__":
    main()
