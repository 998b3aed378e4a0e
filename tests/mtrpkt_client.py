#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Drive an mtr-packet helper the way its Python clients do, for
tests/mtr-packet.bats: the same requests go to /usr/bin/mtr-packet and to
pp's helper in the same run, and the two transcripts are compared.

  mtrpkt_client.py trace HELPER LOCAL4 LOCAL6 SPEC...
      twisted-mtr's TraceRoute.trace() for every SPEC at once
      (PROTO,ADDRESS[,PORT]; PROTO icmp or tcp): tokens from 0 up,
      `send-probe local-ip-N L ip-N A timeout 5 protocol P [port N] ttl T`,
      the next TTL after each ttl-expired or no-reply, done at a reply or
      after 5 no-replies (counted over the whole trace, as twisted-mtr
      does), an error at no-route, network-down, permission-denied or an
      unknown word; probes-exhausted retried after 3 s.  Prints a line per
      trace: its hops (number and responder, or None), or its error.
  mtrpkt_client.py probe HELPER SPEC...
      mtrpacket's MtrPacket: check_support('send-probe') (token 1), then
      every SPEC's probe() at once (tokens 2...), each a list of
      KEY=VALUE (host first; the keyword arguments of probe() in the
      order given: ip_version, ttl, protocol, port, local_ip, local_port,
      timeout, size, bit_pattern, tos, mark).  Prints a line per probe:
      success, result, responder, MPLS labels (not the time).

HELPER is run by the shell, as both clients run MTR_PACKET.  Round-trip
times are left out: they are the one thing that differs between two
helpers.  Exits 1 when the helper dies or a request gets no answer within
the clients' own timeouts."""
import asyncio
import ipaddress
import sys

WAIT_TIMEOUT = 7      # twisted-mtr: no answer at all in this time: retry
RETRY_WAIT = 3
REQUEST_TIMEOUT = 5
NO_REPLY_MAX = 5


class Helper:
    """One helper process, answers dispatched by token."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.waiting = {}
        self.proc = None
        self.reader = None
        self.lines = []

    async def start(self):
        self.proc = await asyncio.create_subprocess_shell(
            self.cmd, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                break
            text = line.decode("ascii")
            self.lines.append(text)
            atoms = text.split()
            if len(atoms) < 2:
                continue
            fut = self.waiting.pop(atoms[0], None)
            if fut is not None and not fut.done():
                fut.set_result(atoms[1:])
        for fut in self.waiting.values():
            if not fut.done():
                fut.set_exception(RuntimeError("helper exited"))

    async def command(self, token, text, timeout=None):
        fut = asyncio.get_event_loop().create_future()
        self.waiting[str(token)] = fut
        self.proc.stdin.write(("%d %s\n" % (token, text)).encode("ascii"))
        await self.proc.stdin.drain()
        if timeout is None:
            return await fut
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            self.waiting.pop(str(token), None)
            return None

    async def close(self):
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        await self.reader


async def trace(helper, counter, local4, local6, spec):
    parts = spec.split(",")
    proto, target = parts[0], parts[1]
    port = int(parts[2]) if len(parts) > 2 else -1
    v4 = ipaddress.ip_address(target).version == 4
    local_family, local_ip = ("local-ip-4", local4) if v4 else \
        ("local-ip-6", local6)
    target_family = "ip-4" if v4 else "ip-6"
    hops = []
    ttl, hop, no_reply = 1, 1, 0
    while True:
        req = ["send-probe", local_family, local_ip, target_family, target,
               "timeout", str(REQUEST_TIMEOUT), "protocol", proto]
        if proto == "tcp":
            req += ["port", str(port)]
        req += ["ttl", str(ttl)]
        token = counter[0]
        counter[0] += 1
        line = await helper.command(token, " ".join(req), WAIT_TIMEOUT)
        if line is None:
            await asyncio.sleep(RETRY_WAIT)
            continue
        word = line[0]
        if word in ("ttl-expired", "reply"):
            hops.append("%d %s" % (hop, line[2]))
            if word == "reply":
                break
        elif word == "no-reply":
            hops.append("%d None" % hop)
            no_reply += 1
            if no_reply >= NO_REPLY_MAX:
                break
        elif word == "probes-exhausted":
            await asyncio.sleep(RETRY_WAIT)
            continue
        else:
            return "trace %s: error at hop %d: %s" % (spec, hop,
                                                     " ".join(line))
        ttl += 1
        hop += 1
    return "trace %s: %s" % (spec, " | ".join(hops))


async def probe(helper, token, spec):
    args = dict(kv.split("=", 1) for kv in spec.split(","))
    host = args.pop("host")
    version = ipaddress.ip_address(host).version
    pack = [("ip-%d" % version, host)]
    if "local_ip" in args:
        pack.append(("local-ip-%d" % version, args.pop("local_ip")))
    args.pop("ip_version", None)
    pack += [(k.replace("_", "-"), v) for k, v in args.items()]
    line = await helper.command(
        token, "send-probe " + " ".join("%s %s" % kv for kv in pack))
    result, rest = line[0], line[1:]
    kv = dict(zip(rest[0::2], rest[1::2]))
    responder = kv.get("ip-4") or kv.get("ip-6")
    mpls = kv.get("mpls", "")
    return "probe %s: %s %s %s %s" % (spec, result == "reply", result,
                                      responder, mpls)


async def main(argv):
    if len(argv) < 3 or argv[1] not in ("trace", "probe"):
        sys.stderr.write(__doc__)
        return 2
    helper = Helper(argv[2])
    await helper.start()
    try:
        if argv[1] == "trace":
            counter = [0]
            results = await asyncio.gather(*[
                trace(helper, counter, argv[3], argv[4], s)
                for s in argv[5:]])
        else:
            ok = await helper.command(1, "check-support feature send-probe")
            if ok[-1] != "ok":
                print("send-probe not supported: %s" % " ".join(ok))
                return 1
            results = await asyncio.gather(*[
                probe(helper, 2 + i, s) for i, s in enumerate(argv[3:])])
    except RuntimeError as e:
        print("helper failed: %s" % e)
        return 1
    finally:
        await helper.close()
    for r in results:
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv)))
