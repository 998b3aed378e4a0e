#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What a terminal shows: a pty capture (tests/pty-run.py) played into a
terminal emulator (pyte, Debian's python3-pyte), so that a curses program
(mtr) and pp's screen are read back the same way.

  term-screen.py COLS ROWS CAPTURE [OFFSET [TO]]

prints the screen (ROWS lines, trailing blanks cut) after the first
OFFSET bytes of CAPTURE (default: all of it); OFFSET comes from
pty-run.py --marks (the screen just before a key was typed).  With TO,
every screen the bytes from OFFSET to TO draw, each after a chunk of
them (a curses program may be caught halfway through a redraw), a line
with a form feed between them.  Exit 3 when pyte is missing."""
import sys

try:
    import pyte
except ImportError:
    sys.stderr.write("term-screen.py: no pyte (python3-pyte)\n")
    sys.exit(3)


def main():
    cols, rows, cap = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    data = open(cap, "rb").read()
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    if len(sys.argv) > 5:
        lo, hi = int(sys.argv[4]), int(sys.argv[5])
        stream.feed(data[:lo])
        for at in range(lo, hi, 64):
            stream.feed(data[at:min(at + 64, hi)])
            for line in screen.display:
                print(line.rstrip())
            print("\f")
        return
    if len(sys.argv) > 4:
        data = data[:int(sys.argv[4])]
    stream.feed(data)
    for line in screen.display:
        print(line.rstrip())


if __name__ == "__main__":
    main()
