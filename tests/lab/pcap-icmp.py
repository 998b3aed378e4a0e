#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""pcap-icmp.py FILE: the ICMP and ICMPv6 errors of a pcap capture (tcpdump
-w; Ethernet, raw IP or Linux cooked), one line each, for the lab's tests:

  SRC KIND LENGTH QUOTE PAST CKSUM LABELS HDR8

KIND te (time exceeded) or un (destination unreachable) or other;
LENGTH the RFC 4884 length of the original datagram in bytes (0: not
set); QUOTE the bytes of the original datagram (up to the extension if
there is one); PAST the bytes quoted past the quoted IP header; CKSUM ok
or bad (the ICMP checksum, and the extension's when there is one);
LABELS the RFC 4950 MPLS labels, top first, "label:tc:s:ttl" joined by
"/", or "-"; HDR8 the first 8 bytes of the quoted transport header in hex
(ports, length and checksum of UDP; "-" when not quoted).  UDP datagrams
get a line too, "SRC udp - - - - - HDR8" (their own header), so that a
quote can be compared with what was sent.  The extension is looked for where the length says, or,
without one, at 128 bytes when the message is longer (RFC 4884 section 5).
Written apart from the project's own parser (lib/pkt.c) on purpose.
"""
import ipaddress
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def packets(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 24:
        return
    magic = raw[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(end + "I", raw[20:24])[0]
    off = 24
    while off + 16 <= len(raw):
        caplen = struct.unpack(end + "I", raw[off + 8:off + 12])[0]
        pkt = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:
            pkt = pkt[14:]
        elif linktype == 113:
            pkt = pkt[16:]
        elif linktype == 276:
            pkt = pkt[20:]
        yield pkt


def main():
    for pkt in packets(sys.argv[1]):
        if len(pkt) < 20:
            continue
        v = pkt[0] >> 4
        if v == 4:
            ihl = (pkt[0] & 15) * 4
            if pkt[9] == 17:
                print(ipaddress.ip_address(pkt[12:16]), "udp - - - - -",
                      pkt[ihl:ihl + 8].hex())
                continue
            if pkt[9] != 1:
                continue
            src = ipaddress.ip_address(pkt[12:16])
            icmp = pkt[ihl:struct.unpack("!H", pkt[2:4])[0]]
            if len(icmp) < 8 or icmp[0] not in (3, 11):
                continue
            kind = "te" if icmp[0] == 11 else "un"
            length = icmp[5] * 4
            ok = csum(icmp) == 0xFFFF
            qhl = (icmp[8] & 15) * 4 if len(icmp) > 8 else 0
        elif v == 6:
            if len(pkt) >= 48 and pkt[6] == 17:
                print(ipaddress.ip_address(pkt[8:24]), "udp - - - - -",
                      pkt[40:48].hex())
                continue
            if len(pkt) < 48 or pkt[6] != 58:
                continue
            src = ipaddress.ip_address(pkt[8:24])
            plen = struct.unpack("!H", pkt[4:6])[0]
            icmp = pkt[40:40 + plen]
            if len(icmp) < 8 or icmp[0] not in (1, 3):
                continue
            kind = "te" if icmp[0] == 3 else "un"
            length = icmp[4] * 8
            pseudo = pkt[8:40] + struct.pack("!IxxxB", len(icmp), 58)
            ok = csum(pseudo + icmp) == 0xFFFF
            qhl = 40
        else:
            continue
        body = icmp[8:]
        ext = length if length else (128 if len(body) > 128 + 4 else None)
        labels = []
        quote = len(body)
        if ext is not None and len(body) >= ext + 4 and body[ext] >> 4 == 2:
            e = body[ext:]
            if csum(e) != 0xFFFF and e[2:4] != b"\0\0":
                ok = False
            quote = ext
            o = 4
            while o + 4 <= len(e):
                olen, cls, ctype = struct.unpack("!HBB", e[o:o + 4])
                if olen < 4:
                    break
                if cls == 1 and ctype == 1:
                    for k in range(o + 4, o + olen, 4):
                        x = struct.unpack("!I", e[k:k + 4])[0]
                        labels.append("%d:%d:%d:%d" % (x >> 12, (x >> 9) & 7,
                                                       (x >> 8) & 1, x & 255))
                o += olen
        hdr8 = body[qhl:qhl + 8].hex() if quote >= qhl + 8 else "-"
        print(src, kind, length, quote, quote - qhl, "ok" if ok else "bad",
              "/".join(labels) or "-", hdr8)


main()
