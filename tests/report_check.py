#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Read pp-plot's HTML report and SVG charts the way a test needs them.

  report_check.py svgs REPORT.html DIR   each inline <svg> to DIR/N.svg,
                                         one file name a line
  report_check.py marks CHART.svg        the event marks of a chart as JSON:
                                         [{no, cls, x, t, title}], x the
                                         mark's position, t the time the
                                         time axis gives at x (epoch s)
  report_check.py table REPORT.html      every table as JSON: [[[cell..]..]..]
  report_check.py cards REPORT.html      the figures at a glance (JSON)
  report_check.py edge IMAGE.png PX      exit 1 unless the rightmost PX
                                         columns of the picture are all the
                                         colour of its top right pixel
"""
import datetime
import html.parser
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"


def inline_svgs(path):
    text = open(path, encoding="utf-8").read()
    return re.findall(r"<svg .*?</svg>", text, re.S)


def axis_map(root, day):
    """x = a + b * t from the time axis' tick labels (HH:MM or HH:MM:SS,
    UTC on the day given)."""
    ticks = []
    for t in root.iter(SVG + "text"):
        s = (t.text or "").strip()
        if re.fullmatch(r"\d\d:\d\d(:\d\d)?", s) and t.get("text-anchor") == "middle":
            parts = [int(p) for p in s.split(":")] + [0]
            sec = parts[0] * 3600 + parts[1] * 60 + parts[2]
            ticks.append((day + sec, float(t.get("x"))))
    if len(ticks) < 2:
        raise SystemExit("fewer than two time ticks")
    (t0, x0), (t1, x1) = ticks[0], ticks[-1]
    b = (x1 - x0) / (t1 - t0)
    return x0 - b * t0, b


def marks(path):
    root = ET.parse(path).getroot()
    sub = [t.text for t in root.iter(SVG + "text") if t.get("class") == "sub"][0]
    d = datetime.datetime.strptime(sub[:10], "%Y-%m-%d").replace(
        tzinfo=datetime.timezone.utc)
    a, b = axis_map(root, d.timestamp())
    out = []
    for g in root.iter(SVG + "g"):
        cls = (g.get("class") or "").split()
        if "mark" not in cls:
            continue
        title = g.find(SVG + "title").text
        disc = g.find(SVG + "circle")
        x = float(disc.get("cx"))
        no = int(g.find(SVG + "text").text)
        shapes = []
        for e in g:
            if e.tag == SVG + "rect":
                shapes.append({"rect": e.get("class"), "x": float(e.get("x")),
                               "w": float(e.get("width"))})
            elif e.tag == SVG + "line":
                shapes.append({"line": e.get("class"), "x": float(e.get("x1"))})
        out.append({"no": no, "cls": [c for c in cls if c != "mark"][0],
                    "x": x, "t": (x - a) / b, "px_per_s": b, "title": title,
                    "shapes": shapes})
    return out


class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell = [], None, None
        self.cards, self.card, self.depth = [], None, 0
        self.tr_attrs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
            self.tables[-1].append(self.row)
            self.tr_attrs.append(a.get("class", ""))
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        elif tag == "div" and "card" in (a.get("class") or "").split():
            self.card = ""
        elif tag == "br" and self.cell is not None:
            self.cell += "\n"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "div" and self.card is not None:
            self.cards.append(self.card.strip())
            self.card = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.card is not None:
            self.card += data + " "


def png_rgba(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "8-bit RGB(A) only"
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            ul = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 255
            elif f == 2:
                line[i] = (line[i] + up) & 255
            elif f == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif f == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                pr = left if pa <= pb and pa <= pc else up if pb <= pc else ul
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    cmd = sys.argv[1]
    if cmd == "svgs":
        for i, s in enumerate(inline_svgs(sys.argv[2])):
            name = "%s/%d.svg" % (sys.argv[3], i)
            with open(name, "w", encoding="utf-8") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + s + "\n")
            print(name)
    elif cmd == "marks":
        print(json.dumps(marks(sys.argv[2])))
    elif cmd in ("table", "cards"):
        p = Tables()
        p.feed(open(sys.argv[2], encoding="utf-8").read())
        if cmd == "table":
            print(json.dumps(p.tables))
        else:
            print(json.dumps(p.cards))
    elif cmd == "edge":
        w, h, bpp, rows = png_rgba(sys.argv[2])
        px = int(sys.argv[3])
        bg = rows[0][(w - 1) * bpp:w * bpp]
        for y in range(h):
            for x in range(w - px, w):
                if rows[y][x * bpp:(x + 1) * bpp] != bg:
                    print("ink at x %d y %d" % (x, y))
                    sys.exit(1)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
