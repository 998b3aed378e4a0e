/* SPDX-License-Identifier: BSD-2-Clause */
/* outcome.h: what a probe record means.  The one definition of "answered"
 * that every reader (pp-stats, pp-mos, pp-alert, pp-plot) and both
 * probers' summaries use; pp-records(5), OUTCOMES, has the same table.
 *
 *   status       probe      who answered            outcome
 *   reply        icmp, udp  the destination         ANSWER_DEST
 *   reply        tcp        SYN-ACK ("conn":"open",
 *                           or no conn: old records) ANSWER_DEST
 *   reply        tcp        RST ("conn":"refused")  ANSWER_DEST, or LOST
 *                                                   (refused) when refused
 *                                                   counts as down
 *   unreachable  udp        the destination, port
 *                           unreachable (v4 3, v6 4) ANSWER_DEST
 *   unreachable  any other  anyone (a router, or the
 *                           destination refusing)   LOST (unreachable,
 *                                                   from and code kept)
 *   ttl-expired  traced     a router at that hop    ANSWER_HOP
 *   ttl-expired  plain      a router on the way     LOST (ttl-expired)
 *   timeout      any        nobody                  LOST (timeout), or
 *                                                   LOCAL with
 *                                                   "local_drop":true
 *   error        any        (not sent)              LOST (error)
 *
 * A probe is traced when its record has a "round" (pp-trace); a plain
 * probe (pp-probe, even with -t) has none, and its ttl is a send setting,
 * not a hop.  An answer is received with its RTT; a LOST probe counts as
 * sent and not received; a LOCAL one counts in neither (the reply may
 * have been dropped inside this host: not the network's loss). */
#ifndef PP_OUTCOME_H
#define PP_OUTCOME_H

#include <stdbool.h>

#include "lib/record.h"

/* What a probe's record says happened. */
enum pp_outcome {
	PP_ANSWER_DEST,		/* the destination answered */
	PP_ANSWER_HOP,		/* a router answered at a traced hop */
	PP_LOST,		/* lost: enum pp_loss says why */
	PP_LOCAL		/* maybe lost inside this host: not counted */
};

/* Why a probe was lost. */
enum pp_loss {
	PP_LOSS_NONE,		/* not lost */
	PP_LOSS_TIMEOUT,	/* nothing within the timeout */
	PP_LOSS_ERROR,		/* it could not be sent */
	PP_LOSS_UNREACHABLE,	/* an ICMP destination unreachable */
	PP_LOSS_REFUSED,	/* TCP RST while refused counts as down */
	PP_LOSS_TTL_EXPIRED,	/* a router answered a plain probe */
	PP_LOSS_N
};

/* Settings that change an outcome. */
struct pp_outcome_opts {
	bool refused_down;	/* a TCP RST is lost, not an answer
				 * (--refused-down) */
	bool meta_refused_down;	/* the same, said by the meta record of
				 * the prober whose probes are being read
				 * ("refused":"down"; pp_outcome_meta) */
};

/* The outcome of p under o (o NULL: the defaults). */
enum pp_outcome pp_probe_outcome(const struct pp_probe *p,
    const struct pp_outcome_opts *o);

/* Both at once: the outcome, and in *why the reason (PP_LOSS_NONE
 * unless PP_LOST). */
enum pp_outcome pp_probe_classify(const struct pp_probe *p,
    const struct pp_outcome_opts *o, enum pp_loss *why);

/* Why p was lost under o: PP_LOSS_NONE unless its outcome is PP_LOST. */
enum pp_loss pp_probe_loss(const struct pp_probe *p,
    const struct pp_outcome_opts *o);

/* Whether p was answered (ANSWER_DEST or ANSWER_HOP) under o; its RTT is
 * then p->rtt, finite, ms. */
bool pp_probe_answered(const struct pp_probe *p,
    const struct pp_outcome_opts *o);

/* Whether p is a traced probe (its record has a round). */
bool pp_probe_traced(const struct pp_probe *p);

/* The hop p counts at: its ttl when traced, 0 for a plain probe. */
int pp_probe_hop(const struct pp_probe *p);

/* Whether p's addresses are IPv6 (its dst, else its from, has a colon). */
bool pp_probe_v6(const struct pp_probe *p);

/* The word for a loss reason ("timeout", "error", "unreachable",
 * "refused", "ttl-expired"; "none"). */
const char *pp_loss_name(enum pp_loss l);

/* The name of an ICMP destination unreachable code (RFC 792, 1812 for
 * IPv4; RFC 4443 for IPv6): "host-unreachable", "admin-prohibited", ...;
 * "other" for a code without a name (write the number beside it),
 * "unreachable" for code < 0 (none recorded, as when a TCP connect
 * failed). */
const char *pp_unreach_name(int code, bool v6);

/* Whether code is the port unreachable of its family (v4 3, v6 4). */
bool pp_unreach_is_port(int code, bool v6);

/* Whether a meta record's settings object (jansson, may be NULL) says
 * refused connections count as down ("refused":"down"). */
bool pp_outcome_meta_refused_down(const json_t *settings);

/* An input meta record's settings (jansson, may be NULL) into o.  A
 * prober's meta (its settings name the "proto") starts the records of
 * one run: refused counts as down in them as that meta says (and
 * always with the option), whatever an earlier run of the same input
 * said, so the order of the inputs changes nothing.  Another tool's meta
 * can only say "refused":"down". */
void pp_outcome_meta(struct pp_outcome_opts *o, const json_t *settings);

#endif /* PP_OUTCOME_H */
