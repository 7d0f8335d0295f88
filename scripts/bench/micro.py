#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""micro.py - run xdp_micro (cost per packet through BPF_PROG_TEST_RUN;
it pins itself to CPU 1) inside a namespace of its own, whose veth keeps
each program in the kernel's XDP dispatcher while it runs (see
xdp_micro.c for why).
"""
import os
import sys

# no __pycache__ in the source tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

REPEAT = os.environ.get("MICRO_REPEAT", "1000000")
SIZES = os.environ.get("MICRO_SIZES", "10000,100000,1000000")


def bench():
    ns = B.netns_add("mxbu" + B.UID)
    dev, peer = "mxbu" + B.UID, "mxbw" + B.UID
    B.run(["ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", peer])
    r = B.subprocess.run(B.in_ns(ns, [os.path.join(B.BENCH, "xdp_micro"), "-i", dev,
                                      "-r", REPEAT, "-n", str(B.ROUNDS), "-s", SIZES]),
                         stdout=B.subprocess.PIPE, text=True)
    if r.returncode:
        raise B.CheckFailed("xdp_micro exited with status %d; its reason is above"
                            % r.returncode)
    return B.json.loads(r.stdout)


if __name__ == "__main__":
    B.main("micro", bench)
