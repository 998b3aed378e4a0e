#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of the fuzz harnesses into tests/fuzz/corpus/.

Run from the top of the tree: python3 tests/fuzz/gen-corpus.py
Seeds: real records from tests/fixtures (as lines and as whole small
files, plain and gzip), crafted ICMP and ICMPv6 messages (echo replies,
time exceeded and unreachable quoting ICMP, UDP and TCP probes, RFC 4884
extensions with RFC 4950 MPLS label stacks), and IP range files from
tests/data/ranges.  Deterministic: the same files on every run."""
import gzip
import json
import os
import struct

OUT = "tests/fuzz/corpus"


def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def lines(path, n):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[:n]


# ------------------------------------------------------------ reader
FIX = "tests/fixtures"
small = [
    ("hand", FIX + "/pp-stats/hand.ndjson"),
    ("inject", FIX + "/pp-stats/inject.ndjson"),
    ("outage", FIX + "/pp-stats/outage.ndjson"),
    ("blocked", FIX + "/pp-alert/blocked.ndjson"),
    ("plot-small", FIX + "/pp-plot/small.ndjson"),
]
for name, path in small:
    with open(path, "rb") as f:
        data = f.read()
    put("reader", name, b"\x80" + data)
    put("reader", name + ".gz", b"\x80" + gzip.compress(data, mtime=0))
trace = b"\n".join(lines(FIX + "/pp-plot/trace.ndjson", 12)) + b"\n"
put("reader", "trace-head", b"\x80" + trace)
put("reader", "trace-crlf", b"\x80" + trace.replace(b"\n", b"\r\n"))
put("reader", "trace-two-operands", b"\xc0" + trace)
put("reader", "trace-cap-64", bytes([15]) + trace)      # 61-byte line cap
put("reader", "trace-cap-253", bytes([63]) + trace)
put("reader", "bom", b"\x80" + b"\xef\xbb\xbf" + trace)
put("reader", "bom-two-operands", b"\xc0" + b"\xef\xbb\xbf" + trace)
# Two files joined with cat, the second saved with a byte order mark.
put("reader", "bom-joined", b"\x80" + trace + b"\xef\xbb\xbf" + trace)
put("reader", "no-final-newline", b"\x80" + trace.rstrip(b"\n"))
put("reader", "nul-bytes", b"\x80" + b'{"type":"x","a":[1\x00]}\n'
    b'{"type":"probe","ts":1,"target":"h","status":"timeout"\x00}\n')
put("reader", "blank-and-bad", b"\x80" + b"\n  \t\n{\"type\":\"probe\"}\n"
    b"not json\n{\"type\":\"x\",\"a\":[1,{\"b\":null}]}\n\n")
gz2 = gzip.compress(trace[:300], mtime=0) + gzip.compress(trace[300:], mtime=0)
put("reader", "two-members.gz", b"\x80" + gz2)
put("reader", "truncated.gz", b"\x80" + gzip.compress(trace, mtime=0)[:-20])
put("reader", "garbage-after.gz", b"\x80" + gzip.compress(trace, mtime=0) +
    b"junk")

# ------------------------------------------------------------- jscan
seen = set()
for path in [FIX + "/pp-stats/hand.ndjson", FIX + "/pp-stats/inject.ndjson",
             FIX + "/pp-plot/trace.ndjson", FIX + "/pp-alert/plain.ndjson",
             FIX + "/pp-mos/e30.ndjson", FIX + "/pp-stats/fwd.expected.ndjson"]:
    for ln in lines(path, 400):
        if not ln:
            continue
        try:
            obj = json.loads(ln)
            key = (obj.get("type"), obj.get("status"), tuple(sorted(obj)))
        except ValueError:
            key = ln
        if key in seen:
            continue
        seen.add(key)
        put("jscan", "line-%02d" % len(seen), ln)
        if len(seen) >= 30:
            break
tricky = [
    b'{"type":"probe","s":"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/"}',
    b'{"a":-0,"b":1e308,"c":-1.5E-300,"d":123456789012345678901234567890}',
    b'{"a":9223372036854775807,"b":-9223372036854775808,"c":0.1}',
    b'{"a":true,"b":false,"c":null,"d":""}',
    b' \t{ "k" : "v" , "k2" : 2 } \r',
    b'{"dup":1,"dup":2}',
    b'{"bad":"\\ud800"}',
    b'{"nul":"a\\u0000b"}',
    b'{"utf8":"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}',
    b'{"badutf8":"\xc3\x28"}',
    b'[1,2,3]',
    b'"just a string"',
    b'{"a":01}',
    b'{"a":1.}',
    b'{}',
    b'{"a":-4565\x00}',   # jansson skips a NUL after a scalar; jscan must not
]
for i, t in enumerate(tricky):
    put("jscan", "tricky-%02d" % i, t)


# --------------------------------------------------------------- pkt
def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(proto, ttl, src, dst, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, ttl,
                    proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
    return h + payload


def ip6(nh, hlim, src, dst, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim,
                       bytes(src), bytes(dst)) + payload


ME, HOP, DST = [198, 18, 1, 1], [198, 18, 2, 2], [198, 18, 4, 2]
ME6 = [0xfd, 0] + [0] * 13 + [1]
HOP6 = [0xfd, 0, 0, 2] + [0] * 11 + [2]
DST6 = [0xfd, 0, 0, 4] + [0] * 11 + [2]
PAYLOAD = struct.pack("!IIII", 0x70703031, 0xdeadbeef, 0x01234567, 0x89abcdef)


def echo(t, ident, seq, extra=b""):
    body = struct.pack("!BBHHH", t, 0, 0, ident, seq) + PAYLOAD + extra
    return body[:2] + struct.pack("!H", cksum(body)) + body[4:]


def mpls_ext(labels):
    """An RFC 4884 extension structure with one RFC 4950 MPLS object."""
    obj = b"".join(struct.pack("!I", (l << 12) | (tc << 9) | (s << 8) | ttl)
                   for l, tc, s, ttl in labels)
    obj = struct.pack("!HBB", 4 + len(obj), 1, 1) + obj
    hdr = struct.pack("!BBH", 2 << 4, 0, 0) + obj
    return hdr[:2] + struct.pack("!H", cksum(hdr)) + hdr[4:]


def icmp_err(t, code, quoted, ext=b"", v6=False):
    """RFC 4884: the original datagram padded to 128 bytes and its length
    at byte 5 in 32-bit words (ICMPv4) or at byte 4 in 64-bit words."""
    words4 = words6 = 0
    if ext:
        quoted = quoted.ljust(128, b"\0")
        if v6:
            words6 = len(quoted) // 8
        else:
            words4 = len(quoted) // 4
    return struct.pack("!BBHBBH", t, code, 0, words6, words4, 0) + \
        quoted + ext


probe4 = ip4(1, 1, ME, DST, echo(8, 0x1234, 7))
udp4 = ip4(17, 1, ME, DST, struct.pack("!HHHH", 40000, 33434, 24, 0) + PAYLOAD)
tcp4 = ip4(6, 1, ME, DST, struct.pack("!HHII", 40001, 443, 1, 0) + b"\0" * 8)
# Control byte: bit 0 IPv6, bit 1 with the IPv4 header.
V4, V4IP, V6 = b"\x00", b"\x02", b"\x01"
reply4 = echo(0, 0x1234, 7)
put("pkt", "v4-echo-reply", V4 + reply4)
put("pkt", "v4ip-echo-reply", V4IP + ip4(1, 61, DST, ME, reply4))
put("pkt", "v4ip-exceeded-icmp", V4IP + ip4(1, 253, HOP, ME,
    icmp_err(11, 0, probe4[:28])))
put("pkt", "v4-exceeded-icmp-full", V4 + icmp_err(11, 0, probe4))
put("pkt", "v4ip-unreach-udp", V4IP + ip4(1, 60, DST, ME,
    icmp_err(3, 3, udp4)))
put("pkt", "v4-unreach-tcp", V4 + icmp_err(3, 13, tcp4[:28]))
put("pkt", "v4ip-options", V4IP + (lambda p: bytes([0x46]) + p[1:20] +
    b"\x01\x01\x01\x00" + p[20:])(ip4(1, 61, DST, ME, reply4)))
labels2 = [(16005, 0, 0, 1), (24001, 0, 1, 1)]
put("pkt", "v4ip-exceeded-mpls2", V4IP + ip4(1, 250, HOP, ME,
    icmp_err(11, 0, probe4, ext=mpls_ext(labels2))))
put("pkt", "v4-exceeded-mpls-udp", V4 + icmp_err(11, 0, udp4,
    ext=mpls_ext([(100, 5, 1, 255)])))
put("pkt", "v4-exceeded-mpls9", V4 + icmp_err(11, 0, probe4,
    ext=mpls_ext([(i, 0, int(i == 8), 64) for i in range(9)])))
# A non-compliant (RFC 4884 length 0) extension at byte 128 after the ICMP
# header, as older routers send it.
put("pkt", "v4-exceeded-mpls-len0", V4 + struct.pack("!BBHI", 11, 0, 0, 0) +
    probe4.ljust(128, b"\0") + mpls_ext(labels2))
reply6 = echo(129, 0x1234, 7)
probe6 = ip6(58, 1, ME6, DST6, echo(128, 0x1234, 7))
udp6 = ip6(17, 1, ME6, DST6, struct.pack("!HHHH", 40000, 33434, 24, 0) +
           PAYLOAD)
put("pkt", "v6-echo-reply", V6 + reply6)
put("pkt", "v6-exceeded-icmp", V6 + icmp_err(3, 0, probe6))
put("pkt", "v6-unreach-udp", V6 + icmp_err(1, 4, udp6))
put("pkt", "v6-exceeded-mpls", V6 + icmp_err(3, 0, probe6,
    ext=mpls_ext(labels2), v6=True))
put("pkt", "v4-other-redirect", V4 + struct.pack("!BBHI", 5, 1, 0, 0) +
    probe4[:28])

# --------------------------------------------------------------- geo
R = "tests/data/ranges"
for i, (name, fmt) in enumerate([("tor-geoip-sample.csv", 0),
                                 ("tor-geoip6-sample.csv", 0)]):
    with open(os.path.join(R, name), "rb") as f:
        data = f.read()
    put("geo", name, bytes([fmt]) + data + b"\0" +
        b"1.0.0.1\n81.2.69.160\n2001:218::1\n::ffff:8.8.8.8\n10.1.2.3\nnope\n")
put("geo", "csv-skip", b"\x02" + b"x,1.0.0.0,1.0.0.255,AU\n"
    b"y,2001:db8::,2001:db8::ffff,ZZ\n# comment\n\n\0" b"1.0.0.7\n2001:db8::5")
put("geo", "cc-first", b"\x04" + b"SE\t16777216\t16777471\n\0" b"1.0.0.1")
put("geo", "one-range", b"\x01" + b"9.9.9.0,9.9.9.255,CH\n\0" b"9.9.9.9\n")
put("geo", "bad-line", b"\x01" + b"1.2.3.4,zz,CC\n\0" b"1.2.3.4")

# -------------------------------------------------------------- util
for i, t in enumerate([b"250us", b"20ms", b"1.5s", b"10m", b"1h", b"2d",
                       b"0", b"1e3", b"-5s", b"0x10", b"64k", b"10MiB",
                       b"1G", b"512", b"3600", b".5", b"1e308d", b"5e70ms",
                       "é€😀".encode() + b"\xed\xa0\x80\xf4\x90\x80\x80"
                       b"\xc0\xaf\xe0\x80\xaf"]):
    put("util", "text-%02d" % i, t)

# -------------------------------------------------------------- plot
tr = lines(FIX + "/pp-plot/trace.ndjson", 600)
kinds = {}
for ln in tr:
    if ln:
        kinds.setdefault(json.loads(ln)["type"], []).append(ln)
put("plot", "trace-head", b"\n".join(tr[:40]) + b"\n")
put("plot", "trace-events", b"\n".join(tr[:13] + [l for k, v in kinds.items()
    if k != "probe" for l in v]) + b"\n")
with open(FIX + "/pp-plot/small.ndjson", "rb") as f:
    put("plot", "small", f.read())
put("plot", "hostile-names", b"\n".join([
    b'{"type":"probe","ts":1764000000.0,"target":"<t&\\"x\\u0001>","ttl":1,'
    b'"seq":0,"status":"ttl-expired","from":"198.18.1.2","rtt":1.5,'
    b'"from_host":"]]><script>&amp;\\u2028\\ud83d\\ude00","cc":"\\u0007"}',
    b'{"type":"probe","ts":1764000001.0,"target":"<t&\\"x\\u0001>","ttl":2,'
    b'"seq":1,"status":"reply","from":"198.18.2.2","rtt":2.5,'
    b'"geo":{"lat":91,"lon":-181,"city":"\'\\"><"}}',
    b'{"type":"outage","target":"<t&\\"x\\u0001>","start":1764000000.5,'
    b'"end":1764000003,"sent":3,"lost":3}',
]) + b"\n")
# The sample around its first route change and its outage: the report
# computes routes, alerts, outages and MOS from these probes.
with gzip.open("share/samples/sample.ndjson.gz", "rb") as f:
    sam = f.read().split(b"\n")
put("plot", "sample-route", b"\n".join(sam[:1] + sam[700:820]) + b"\n")
put("plot", "sample-outage", b"\n".join(sam[:1] + sam[1180:1260]) + b"\n")
# Found by fuzz_plot: an outage without a start (NaN time) in the report.
put("plot", "regress-outage-no-start", b"\n".join(tr[:3]) +
    b'\n{"type":"outage","target":"dst.example","end":1764000003,'
    b'"sent":3,"lost":3}\n')

# ------------------------------------------------------------ mtrpkt
# Control byte: what the helper can do (bits 0-6), probes answered at
# once (bit 7); then the request stream.  The streams are what mtr,
# mtrpacket and twisted-mtr send, and the malformed lines
# tests/mtr-packet.bats compares with /usr/bin/mtr-packet.
ALL = b"\xff"
put("mtrpkt", "mtr-start", ALL + b"1 check-support feature send-probe\n"
    b"1 check-support feature ip-4\n1 check-support feature icmp\n"
    b"1 check-support feature udp\n1 check-support feature tcp\n"
    b"1 check-support feature mark\n1 check-support feature version\n")
put("mtrpkt", "mtr-probes", ALL + b"".join(
    b"%d send-probe ip-4 198.18.4.2 local-ip-4 198.18.1.1 protocol %s "
    b"size 64 bit-pattern 0 tos 0 ttl %d timeout 10%s\n"
    % (33000 + t, p, t, b" port 33434" if p != b"icmp" else b"")
    for t in range(1, 31) for p in (b"icmp", b"udp", b"tcp")))
put("mtrpkt", "mtr-probes-v6", ALL + b"".join(
    b"%d send-probe ip-6 fd00:0:0:4::2 local-ip-6 fd00:0:0:1::1 protocol "
    b"udp size 100 bit-pattern 255 tos 16 ttl %d timeout 2 local-port "
    b"40000 port 53 mark 7\n" % (t, t) for t in range(1, 9)))
put("mtrpkt", "mtrpacket", ALL + b"1 check-support feature send-probe\n"
    b"2 send-probe ip-4 127.0.0.1\n"
    b"3 send-probe ip-4 127.0.0.1 timeout 1\n"
    b"4 send-probe ip-4 127.0.0.1 size 200 bit-pattern 170 tos 32\n"
    b"5 send-probe ip-6 ::1 local-ip-6 ::1 protocol tcp port 443 "
    b"local-port 45000 ttl 4 mark 1\n"
    b"6 check-support feature sctp\n"
    b"2147483647 send-probe ip-4 127.0.0.1 protocol sctp\n")
put("mtrpkt", "twisted-mtr", ALL + b"".join(
    b"%d send-probe local-ip-4 198.18.1.1 ip-4 198.18.4.2 timeout 5 "
    b"protocol %s%s ttl %d\n" % (c, p, b" port 7" if p == b"tcp" else b"", t)
    for c, (p, t) in enumerate([(b"tcp", t) for t in range(1, 6)] +
                               [(b"icmp", t) for t in range(1, 6)])))
put("mtrpkt", "malformed", b"\x3f" + b"\n4\n5 send-probe ip-4\n"
    b"99999999999999999999999 send-probe ip-4 127.0.0.1\n"
    b"-9223372036854775808 bogus\n4294967297 bogus\nabc send-probe\n"
    b" 13 \t send-probe\vip-4\f127.0.0.1\r\n"
    b"1 check-support a b c d e f g h i j k l m n o p q r s t u v w x y z "
    b"a b c d e f g h\n9 check-support\n3 send-probe\n"
    b"12 send-probe ip-4 127.0.0.1 protocol ICMP\n"
    b"14 send-probe ip-4 127.0.0.1 local-port 80 protocol udp\n"
    b"1 send-probe ip-4 127.0.0.1 timeout 1.5\n"
    b"1 send-probe ip-6 ::1 ttl 256 tos -2 size 9041\n"
    b"1 send-probe ip-4 127.0.0.1 ttl 0 size 0 port 70000 mark -1\n"
    b"unfinished")
put("mtrpkt", "nul-and-overflow", b"\x01" + b"1 check-support feature "
    b"ip-4\0 x\n2 check-support feature ip-6\n" + b"a" * 5000 + b" b\n"
    b"3 check-support feature version\n")
put("mtrpkt", "exhausted", b"\x7f" + b"".join(
    b"%d send-probe ip-4 127.0.0.1 timeout 1\n" % i for i in range(1030)))

# ---------------------------------------------------------- sanitize
# A size byte, then text that leaves the record world: terminal escapes,
# forged rows, formulas, bidi overrides, invalid UTF-8.
hostile = [
    b"example.net", b"198.51.100.7", b"2001:db8::1",
    b"t\x1b]0;title\x07\x1b[2J\r\n=cmd|x",
    b"=HYPERLINK(\"http://x\",\"y\")", b"+1", b"-1+2", b"@SUM(A1)",
    b"  =1", b"a,=1;+2, \"-3\"", b"say \"hi\"", b"tab\there",
    "caf\u00e9 \u65e5\u672c \U0001f600".encode(),
    "rtl\u202etxt.exe \u2066x\u2069 \u200f\u061c a\u2028b \ufeff".encode(),
    b"\xc2\x9b2J \xc2\x85", b"\xff\xfe\xc3\xc0\xaf\xed\xa0\x80\xe2\x80",
    b"back\\slash \\x1b", b"nul\x00inside", b"\x7fdel",
    b'{"proto":"icmp","note":"a,=1+1;@x"}',
]
for i, t in enumerate(hostile):
    put("sanitize", "text-%02d" % i, bytes([(i * 7) % 128]) + t)

# ------------------------------------------------------------ export
# target, addr, codec, model, note: NUL-separated.
for i, t in enumerate([
        [b"example.net", b"198.18.0.1", b"g711", b"emodel", b""],
        [b"a b,c=d\\", b"", b"g729a", b"emodel-wb", b"note \"q\""],
        [b"line\nbreak\r\"quote\"\\", b"2001:db8::1", b"x\\", b"", b"\n"],
        [b"\xff\xfe\xc3 t\x1b[2J", b"@x", b"=1", b"+2", b"-3"],
        [b"trail\\", b"sp ace", b"c,o", b"m=o", b"n\\\""],
]):
    put("export", "fields-%02d" % i, b"\0".join(t))
