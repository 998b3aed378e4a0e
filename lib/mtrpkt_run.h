/* SPDX-License-Identifier: BSD-2-Clause */
/* mtrpkt_run.h: the mtr-packet(8) compatible helper (pp-probe
 * --mtr-packet): requests read from stdin through lib/mtrpkt.h (the
 * protocol, which has no sockets), probes sent through the one engine
 * (lib/engine.h, every probe with its own settings), answers written to
 * stdout through lib/mtrpkt.h's one word table.  Kept apart from mtrpkt.c
 * because this part owns sockets, the event loop and stdin/stdout; the
 * pieces that are pure logic (the capabilities, a request as an engine
 * probe, an outcome as a reply) are separate functions for the unit
 * tests.  Command-support code: it exits 1 on a failure of the engine or
 * of poll, like cli.h. */
#ifndef PP_MTRPKT_RUN_H
#define PP_MTRPKT_RUN_H

#include <signal.h>

#include "lib/engine.h"
#include "lib/mtrpkt.h"
#include "lib/net_linux.h"

/* What this helper can do with the sockets of net (opened before the
 * privilege drop) into k: ICMP per family where its socket is, a family
 * where its ICMP socket or a UDP socket can be opened (UDP and TCP need
 * no privilege), UDP and TCP, no SCTP, marks, this pp's version. */
void pp_mtrpkt_run_caps(struct pp_mtrpkt_caps *k, const struct pp_net *net);

/* The engine probe of request p into pr (pp_engine_probe_init'ed here):
 * its protocol, destination, ports, size (the whole IP packet, as
 * mtr-packet counts it), TTL, TOS, mark, fill byte, source when given,
 * sequence number, timeout (PP_MTRPKT_TURN for 0 or less), answers to
 * resent TCP SYNs counted.  pr's addresses point into p: p must outlive
 * pr.  pr->user is left NULL. */
void pp_mtrpkt_run_probe(const struct pp_mtrpkt_probe *p,
    struct pp_engine_probe *pr);

/* The answer to the engine's outcome res of a probe of family (AF_INET or
 * AF_INET6) with token into r: reply; ttl-expired; an unreachable with a
 * responder by its ICMP code, without one by its errno; no-reply at the
 * timeout; a send error by its errno (unexpected-error with the number).
 * reply, ttl-expired and a no-route with a responder carry its address
 * (the destination's when none), the round-trip time in whole
 * microseconds and the MPLS labels. */
void pp_mtrpkt_run_reply(const struct pp_engine_result *res, int family,
    int token, struct pp_mtrpkt_reply *r);

/* Run the helper until stdin ends and every probe in flight is answered,
 * or *stop is set (by a signal handler): net's sockets, the engine options
 * eo (the mark, the interface; at most PP_MTRPKT_PROBES_MAX in flight),
 * stdout line-buffered.  The caller closes stdout (pp_close_stdout).
 * Exits 1 when the engine cannot start or the loop fails. */
void pp_mtrpkt_run(struct pp_net *net, const struct pp_engine_opts *eo,
    const volatile sig_atomic_t *stop);

#endif /* PP_MTRPKT_RUN_H */
