#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run a command on a pseudo-terminal, as a user at a terminal would.

usage: pty-run.py [--cols N] [--rows N] [--key T:KEYS]... [--timeout S]
                  [--out FILE] [--marks FILE] [--ended FILE] -- COMMAND [ARG...]

The command gets a new pseudo-terminal of COLS x ROWS as its standard
input, output and error (its controlling terminal, so ^C works as at a
shell).  --key T:KEYS types KEYS (Python escapes: \\x1b[A is the up arrow)
T seconds after the start.  Everything the command writes to the terminal
goes to --out (default: standard output), byte for byte.  --marks
writes a line "OFFSET KEYS" as each KEYS is typed: how many bytes the
command had written by then (what its screen showed just before).  --ended
writes the seconds from the last key typed to the command's end (its
terminal closed): how long it took to quit, without the time that
Python and the command took to start.  After --timeout
seconds (default 30) the command gets SIGTERM, then SIGKILL.  The exit
status is the command's (128 + N for a signal)."""
import argparse
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
import fcntl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--key", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--out")
    ap.add_argument("--marks")
    ap.add_argument("--ended")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    keys = []
    for k in a.key:
        t, _, s = k.partition(":")
        keys.append((float(t), s.encode().decode("unicode_escape").encode("latin-1")))
    keys.sort()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm")
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, ("pty-run: %s: %s\n" % (cmd[0], e)).encode())
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
    out = open(a.out, "wb") if a.out else sys.stdout.buffer
    marks = open(a.marks, "w") if a.marks else None
    written = 0
    start = time.monotonic()
    killed = 0
    status = None
    last_key = None
    while True:
        now = time.monotonic() - start
        while keys and keys[0][0] <= now:
            k = keys.pop(0)[1]
            if marks:
                marks.write("%d %s\n" % (written, k.decode("latin-1").encode("unicode_escape").decode()))
                marks.flush()
            os.write(fd, k)
            last_key = time.monotonic()
        if now > a.timeout and killed == 0:
            os.kill(pid, signal.SIGTERM)
            killed = 1
        elif now > a.timeout + 5 and killed == 1:
            os.kill(pid, signal.SIGKILL)
            killed = 2
        wait = 0.05
        if keys:
            wait = max(0.0, min(wait, keys[0][0] - now))
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if data:
                written += len(data)
                out.write(data)
                out.flush()
                continue
            # The terminal closed: the command (and all on it) ended.
            break
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                status = st
    if status is None:
        _, status = os.waitpid(pid, 0)
    if a.ended:
        with open(a.ended, "w") as f:
            f.write("%.3f\n" % (time.monotonic() - last_key if last_key is not None else -1))
    out.flush()
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
