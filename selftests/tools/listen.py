#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""listen.py - accept TCP connections on some ports, IPv4 and IPv6.

Usage: listen.py PORT...

Listens on [::]:PORT with IPV6_V6ONLY off, so IPv4 clients arrive as
mapped addresses, accepts every connection and closes it at once. Prints
"ready PID" when every port listens, then runs until it is killed.
"""
import os
import selectors
import socket
import sys


def main():
    sel = selectors.DefaultSelector()
    for port in sys.argv[1:]:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(port)))
        s.listen(128)
        sel.register(s, selectors.EVENT_READ)
    print("ready", os.getpid(), flush=True)
    while True:
        for key, _ in sel.select():
            try:
                conn, _ = key.fileobj.accept()
                conn.close()
            except OSError:
                pass


if __name__ == "__main__":
    main()
