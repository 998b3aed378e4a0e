#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What a prober's live screen showed, read back from a pty capture
(tests/pty-run.py), and a hop table checked against the records.

  screen-check.py frames CAPTURE        the number of frames drawn
  screen-check.py frame CAPTURE [N]     frame N (default: the last), as
                                        the terminal shows it (colours
                                        and controls taken out)
  screen-check.py after CAPTURE         what stays after the screen is
                                        left (the table printed again)
  screen-check.py table LAYOUT TABLE RECORDS
                                        check a table (a file of its
                                        lines) against the probe records
                                        (NDJSON): per hop Snt, Loss% and
                                        Best/Wrst within print precision.
                                        LAYOUT: normal or report.
A frame starts with the cursor going home (ESC [ H); its lines end with
"clear to the end of the line" (ESC [ K)."""
import json
import re
import sys

SGR = re.compile(rb"\x1b\[[0-9;]*m")
CTL = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def clean(b):
    b = SGR.sub(b"", b)
    b = CTL.sub(b"", b)
    return b.replace(b"\r", b"").decode("utf-8", "replace")


def frames(cap):
    body = cap.split(b"\x1b[?1049l")[0]
    parts = body.split(b"\x1b[H")[1:]
    # A frame is whole when it ends with "clear to the end" (ESC [ J).
    return [clean(p).split("\n") for p in parts if p.rstrip().endswith(b"\x1b[J")]


def after(cap):
    i = cap.rfind(b"\x1b[?1049l")
    return clean(cap[i + 8:]) if i >= 0 else ""


NUM = re.compile(r"^-?[0-9.]+%?$|^-$")


def rows(lines, ncols):
    """Hop -> its figures (strings) from a table's lines."""
    out = {}
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*(\d+)\.\|-- (.*)$", lines[i])
        if not m:
            i += 1
            continue
        toks = m.group(2).split()
        figs = toks[-ncols:] if len(toks) > ncols else []
        if len(figs) < ncols or not all(NUM.match(t) for t in figs):
            # The host had a line of its own: the figures follow.
            i += 1
            figs = lines[i].split() if i < len(lines) else []
        out[int(m.group(1))] = figs
        i += 1
    return out


def tol(text):
    """Half a unit of the last printed digit."""
    d = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** -d + 1e-9


def check_table(layout, table, records):
    cols = {"normal": ["loss", "fwd", "snt", "last", "avg", "best", "wrst",
                       "stdev", "jttr"],
            "report": ["loss", "snt", "last", "avg", "best", "wrst",
                       "stdev"]}[layout]
    got = rows(open(table).read().split("\n"), len(cols))
    hops = {}
    for line in open(records):
        r = json.loads(line)
        if r.get("type") != "probe" or r.get("local_drop"):
            continue
        h = hops.setdefault(r["ttl"], {"sent": 0, "recv": 0, "rtt": [],
                                       "expired": 0, "reply": 0})
        h["sent"] += 1
        h["expired"] += r["status"] == "ttl-expired"
        h["reply"] += r["status"] == "reply"
        if r["status"] in ("reply", "ttl-expired"):
            h["recv"] += 1
            h["rtt"].append(r["rtt"])
    # Hops beyond the destination (the lowest that replied) that never
    # answered ttl-expired only repeat it: not shown (pp-stats(1)).
    dest = min([t for t in hops if hops[t]["reply"]] or [0])
    if dest:
        hops = {t: h for t, h in hops.items() if t <= dest or h["expired"]}
    bad = []
    if sorted(got) != sorted(hops):
        bad.append("hops: table %s, records %s" % (sorted(got), sorted(hops)))
    for ttl in sorted(set(got) & set(hops)):
        f = dict(zip(cols, got[ttl]))
        h = hops[ttl]
        if len(got[ttl]) != len(cols):
            bad.append("hop %d: figures %s" % (ttl, got[ttl]))
            continue
        if int(f["snt"]) != h["sent"]:
            bad.append("hop %d: Snt %s, records %d" % (ttl, f["snt"], h["sent"]))
        loss = 100.0 * (h["sent"] - h["recv"]) / h["sent"]
        if abs(float(f["loss"].rstrip("%")) - loss) > tol(f["loss"].rstrip("%")):
            bad.append("hop %d: Loss%% %s, records %.3f" % (ttl, f["loss"], loss))
        if h["rtt"]:
            for k, v in (("best", min(h["rtt"])), ("wrst", max(h["rtt"]))):
                if abs(float(f[k]) - v) > tol(f[k]):
                    bad.append("hop %d: %s %s, records %.3f" % (ttl, k, f[k], v))
        elif f["best"] != "-":
            bad.append("hop %d: Best %s without answers" % (ttl, f["best"]))
    for b in bad:
        print(b)
    print("%d hops checked, %d differences" % (len(got), len(bad)))
    return 1 if bad else 0


def main():
    cmd = sys.argv[1]
    if cmd == "table":
        return check_table(sys.argv[2], sys.argv[3], sys.argv[4])
    cap = open(sys.argv[2], "rb").read()
    if cmd == "frames":
        print(len(frames(cap)))
    elif cmd == "frame":
        fr = frames(cap)
        n = int(sys.argv[3]) if len(sys.argv) > 3 else -1
        print("\n".join(fr[n]) if fr else "")
    elif cmd == "after":
        sys.stdout.write(after(cap))
    return 0


if __name__ == "__main__":
    sys.exit(main())
