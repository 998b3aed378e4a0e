/* SPDX-License-Identifier: BSD-2-Clause */
/* agg.h: what pp-stats computes from a probe stream: one lib/stats.h
 * accumulator per (target, hop), fed in send order through a bounded
 * reorder buffer; tumbling windows by event time; forwarding loss per hop
 * from the rounds of a trace; outages at each target's destination.
 *
 * Forwarding loss: a probe lost at hop h in round r counts as forwarding
 * loss when no probe of round r to a later hop (ttl > h) was answered; if
 * one was, the packet went through and hop h only declined to answer (ICMP
 * rate limiting).  Rounds are settled once two newer rounds of the target
 * have been seen, at the end of a window, or at the end of input.
 *
 * The destination of a traced target is the lowest hop that answered with
 * status "reply"; hops beyond it that never answered "ttl-expired" repeat
 * the destination and are not reported.
 *
 * Outages (at the destination, in send order): the window of a probe is
 * the probes sent in the outage_min seconds up to it (itself included); it
 * is lossy when at least outage_loss % of them were lost.  An outage is a
 * maximal stretch of probes with lossy windows, cut to start at the send
 * time of its first lost probe and to end at the send time of the first
 * answered probe after its last lost one (or, at the end of input, at its
 * last probe, marked ongoing); it is reported when it lasts at least
 * outage_min.  Its sent, recv and loss count its probes from its start up
 * to its last lost one.  With outage_min 0 and outage_loss 100, outages
 * are the runs of consecutive lost probes.
 *
 * Memory: the number of (target, hop) keys (at most PP_AGG_MAX_KEYS) times
 * one accumulator (about 1 KiB, plus 8 bytes per RTT bucket in use, at most
 * 16 KiB), the reorder buffer (PP_AGG_REORDER items of 48 bytes), each
 * target's outage window (the probes of outage_min seconds, at most
 * PP_AGG_WINDOW of 9 bytes), and the interned names (at most
 * PP_AGG_MAX_NAMES); never the input length. */
#ifndef PP_AGG_H
#define PP_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/model.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/reorder.h"
#include "lib/stats.h"

#define PP_AGG_MAX_KEYS 65536	/* (target, hop) pairs */
#define PP_AGG_MAX_NAMES 1000000	/* interned targets and addresses */
#define PP_AGG_REORDER 65536	/* probes held for reordering */
#define PP_AGG_ROUNDS 4		/* open trace rounds per target */
#define PP_AGG_WINDOW 65536	/* probes in one target's outage window */

/* One (target, hop). */
struct pp_agg_key {
	uint32_t target;	/* target index in agg->targets */
	int ttl;		/* hop, 0 for plain probes */
	uint64_t expired;	/* ttl-expired answers ever (hop is a router) */
	bool active;		/* probes in the current window */
	struct pp_stats st;	/* the current window's figures */
};

/* An open round of a traced target (forwarding loss). */
struct pp_agg_round {
	long long round;	/* round number, -1 when the slot is free */
	int max_answered;	/* highest ttl answered in it, 0 none */
	uint8_t lost[32];	/* bitmap of lost ttls */
};

/* An outage, reported through the callback. */
struct pp_agg_outage {
	const char *target;	/* borrowed */
	int ttl;		/* destination hop, 0 for plain probes */
	double start;		/* send time of the first lost probe, s */
	double end;		/* see above, s */
	uint64_t sent;		/* probes in it */
	uint64_t recv;		/* of which answered */
	bool ongoing;		/* still open at the end of input */
};

/* One target. */
struct pp_agg_target {
	uint32_t name;		/* interned name */
	int dest_ttl;		/* destination hop, 0 unknown or plain */
	int max_ttl;		/* highest hop probed, 0 plain */
	bool plain;		/* records without ttl */
	struct pp_agg_round rounds[PP_AGG_ROUNDS];	/* open rounds */
	double *win_ts;		/* the outage window: send times (owned) */
	uint8_t *win_lost;	/* and outcomes (owned) */
	uint32_t win_head;	/* oldest entry */
	uint32_t win_n;		/* entries held */
	uint32_t win_cap;	/* entries allocated */
	uint32_t win_nlost;	/* lost entries held */
	bool out_active;	/* an outage is open */
	double out_start;	/* its start, s */
	double out_end;		/* first answer after its last loss, or NAN */
	double out_last_ts;	/* its last probe, s */
	uint64_t out_sent;	/* probes since its start */
	uint64_t out_recv;	/* answered since its start */
	uint64_t out_sent_l;	/* probes up to its last loss */
	uint64_t out_recv_l;	/* answered up to its last loss */
};

/* Settings. */
struct pp_agg_opts {
	double every;		/* window length, s; 0: one window, the input */
	double horizon;		/* reorder horizon, s (timeout + margin) */
	double outage_loss;	/* % */
	double outage_min;	/* s */
	struct pp_outcome_opts outcome;	/* what counts as answered */
};

struct pp_agg;

/* Called for each (target, hop) with probes in a closing window, in order
 * of first appearance of the target, then hop.  start/end: the window (or
 * the first and last send times without windows). */
struct pp_agg_sink {
	void (*stats)(void *arg, const struct pp_agg *a,
	    const struct pp_agg_key *k, double start, double end);
	void (*outage)(void *arg, const struct pp_agg *a,
	    const struct pp_agg_outage *o);
	void *arg;
};

/* The aggregator.  Caller-provided storage. */
struct pp_agg {
	struct pp_agg_opts o;	/* settings */
	struct pp_agg_sink sink;	/* where results go */
	struct pp_intern names;	/* targets and responders */
	struct pp_agg_target *targets;	/* owned */
	uint32_t ntargets;	/* in use */
	uint32_t atargets;	/* allocated */
	struct pp_keytab tmap;	/* (name id, 0) -> target index */
	struct pp_agg_key *keys;	/* owned, by index in kmap */
	uint32_t nkeys;		/* in use */
	uint32_t akeys;		/* allocated */
	struct pp_keytab kmap;	/* (target index, ttl) -> key index */
	uint32_t last_key;	/* key used last, + 1 */
	uint32_t last_target_name;	/* target name used last, + 1 */
	uint32_t last_target;	/* and its target index */
	struct pp_reorder ro;	/* send-order buffer */
	bool win_open;		/* a window has probes */
	long long win;		/* its index (floor(ts / every)) */
	double first_ts;	/* first send time in the window (no --every) */
	double last_ts;		/* last send time in the window */
	uint64_t dropped_keys;	/* probes beyond PP_AGG_MAX_KEYS */
	uint64_t dropped_names;	/* addresses beyond PP_AGG_MAX_NAMES */
	uint64_t late;		/* probes older than the horizon allowed */
	bool oom;		/* an allocation failed */
};

/* Set up a.  Returns 0, or -1 (ENOMEM). */
int pp_agg_init(struct pp_agg *a, const struct pp_agg_opts *o,
    const struct pp_agg_sink *sink);

/* Free a's memory (not a). */
void pp_agg_release(struct pp_agg *a);

/* Set the reorder horizon (from the meta record's timeout), before the
 * first probe. */
void pp_agg_set_horizon(struct pp_agg *a, double horizon);

/* Take what an input meta record says about outcomes (its settings, a
 * jansson object or NULL): "refused":"down" makes refused connections
 * lost from then on. */
void pp_agg_meta(struct pp_agg *a, const json_t *settings);

/* Fold one probe in (its outcome by lib/outcome.h, under a->o.outcome;
 * a plain probe counts at hop 0 whatever its ttl).  Returns 0, or -1
 * (ENOMEM). */
int pp_agg_probe(struct pp_agg *a, const struct pp_probe *p);

/* End of input: release every held probe, close the window and any
 * outage. */
void pp_agg_finish(struct pp_agg *a);

/* The outage record of o (pp-stats writes it; strings borrowed from o). */
void pp_agg_outage_rec(const struct pp_agg_outage *o, struct pp_outage_rec *r);

/* Whether key k holds its target's figures as a whole, the path a call
 * would take (pp-mos scores it): a plain target's key, a trace's
 * destination hop, or, for a trace that never reached its destination,
 * the highest hop probed. */
bool pp_agg_is_dest(const struct pp_agg *a, const struct pp_agg_key *k);

/* The current window so far, without closing it (a live view): the
 * probes held for reordering are counted first (one sent earlier than
 * them, arriving later, counts as late), then sink->stats is called for
 * each (target, hop) of the window in the order a closing window gives
 * them, start..end being the first and last send times seen.  Rounds not
 * yet settled count no forwarding loss yet. */
void pp_agg_peek(struct pp_agg *a, const struct pp_agg_sink *sink);

/* The stats record of key k over the window start..end (what the sink is
 * given), every figure derived from k's accumulator in one place.
 * Strings are borrowed from a (valid until the next probe or finish). */
void pp_agg_row(const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end, struct pp_stats_rec *r);

/* Name of an interned id (borrowed). */
const char *pp_agg_name(const struct pp_agg *a, uint32_t id);

#endif /* PP_AGG_H */
