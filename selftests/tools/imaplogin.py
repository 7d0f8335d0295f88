#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""imaplogin.py - try one IMAP login from a chosen source address.

Usage: imaplogin.py SRC DST USER PASSWORD [--timeout SEC]

Prints "ok" when the login succeeds, "refused" when the server answers
NO, and "timeout" or "error:<text>" when no IMAP session could be held;
exits 0, 1 and 2 respectively.
"""
import argparse
import socket
import sys


def main():
    ap = argparse.ArgumentParser(description="try one IMAP login")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("--timeout", type=float, default=3.0)
    args = ap.parse_args()

    family = socket.AF_INET6 if ":" in args.dst else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(args.timeout)
            s.bind((args.src, 0))
            s.connect((args.dst, 143))
            f = s.makefile("rwb")
            f.readline()  # greeting
            f.write(b'a1 LOGIN "%s" "%s"\r\n' % (args.user.encode(),
                                                  args.password.encode()))
            f.flush()
            while True:
                line = f.readline()
                if not line:
                    raise OSError("connection closed")
                if line.startswith(b"a1 "):
                    break
            f.write(b"a2 LOGOUT\r\n")
            f.flush()
    except socket.timeout:
        print("timeout")
        sys.exit(2)
    except OSError as e:
        print("error:%s" % e)
        sys.exit(2)
    if line.startswith(b"a1 OK"):
        print("ok")
        sys.exit(0)
    print("refused")
    sys.exit(1)


if __name__ == "__main__":
    main()
