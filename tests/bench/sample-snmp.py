#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# sample-snmp.py FILE [INTERVAL]: until killed, every INTERVAL seconds
# (default 0.02) append to FILE one line: monotonic time, IcmpOutEchos,
# IcmpInEchoReps, Icmp6OutEchos, Icmp6InEchoReplies and the largest drop
# counter of a raw socket (/proc/net/raw, raw6) of this network namespace
# (the kernel's counters of the namespace the sampler runs in).
import sys, time

def icmp():
    with open('/proc/net/snmp') as f:
        rows = [l.split() for l in f if l.startswith('Icmp:')]
    c = dict(zip(rows[0][1:], map(int, rows[1][1:])))
    six = {}
    with open('/proc/net/snmp6') as f:
        for l in f:
            k, v = l.split()[:2]
            six[k] = int(v)
    return (c.get('OutEchos', 0), c.get('InEchoReps', 0),
            six.get('Icmp6OutEchos', 0), six.get('Icmp6InEchoReplies', 0))

def rawdrops():
    d = 0
    for name in ('/proc/net/raw', '/proc/net/raw6'):
        try:
            with open(name) as f:
                next(f)
                for l in f:
                    d = max(d, int(l.split()[-1]))
        except OSError:
            pass
    return d

out = open(sys.argv[1], 'w', buffering=1)
step = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
while True:
    o4, r4, o6, r6 = icmp()
    out.write('%.4f %d %d %d %d %d\n' % (time.monotonic(), o4, r4, o6, r6, rawdrops()))
    time.sleep(step)
