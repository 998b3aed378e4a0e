/* SPDX-License-Identifier: BSD-2-Clause */
/* agg.h: what pp-stats computes from a probe stream: one lib/stats.h
 * accumulator per (vantage point, target, hop), fed in send order through a bounded
 * reorder buffer; tumbling windows by event time; forwarding loss per hop
 * and ICMP rate limits (lib/fwdloss.h); outages at each target's
 * destination (lib/outage.h).
 *
 * Forwarding loss: every (target, hop) runs a rate-limit recogniser over
 * its probes (the bucket carried across windows); when a window closes,
 * each traced target's hops up to its destination are estimated together
 * (pp_fwdloss_estimate): a hop's own loss, less what its rate limit
 * explains, unless it declines (its loss well above the next hop's),
 * when it takes the next hop's.
 *
 * The destination of a traced target is the lowest hop that answered with
 * status "reply"; hops beyond it that never answered "ttl-expired" repeat
 * the destination and are not reported.
 *
 * Windows (--every) and send order are kept per vantage point (its
 * clock): each vantage point's probes go through a reorder buffer of
 * their own and are cut into windows by their own times.  A window is
 * written once: a probe older than the window open, of a window not yet
 * written, closes (writes) the open one and opens its own (files given
 * out of time order); a probe of a window already written is counted
 * apart (late_window), never folded into it or written again.
 *
 * Outages (lib/outage.h, the same rule as pp-alert and pp-plot): at each
 * target's destination (pp_outage_feed), a probe counts as lost unless
 * answered or explained by the destination's recognised rate limit (a
 * UDP trace's port unreachables are ICMP errors too).
 *
 * Memory: the number of (vantage, target, hop) keys (no cap but memory)
 * times one key (about 1.6 KiB: its accumulator, its rate-limit recogniser of
 * 208 bytes, its window's verdict and estimate), plus 8 bytes per RTT
 * bucket in use (at most 16 KiB); the reorder buffer (PP_AGG_REORDER
 * items of 48 bytes); each target's outage detector (the probes of
 * outage_min seconds, at most PP_OUTAGE_MAX of 16 bytes); and the
 * interned names of targets, responders and MPLS label stacks; per
 * vantage point a reorder buffer and the windows written (8 bytes each);
 * never the input length.  Measured (tests/bench/pairs.sh): 10^6 keys,
 * 1.7 GB at most, about 1,700 bytes a key. */
#ifndef PP_AGG_H
#define PP_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fwdloss.h"
#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/model.h"
#include "lib/outage.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/reorder.h"
#include "lib/stats.h"
#include "lib/winset.h"

#define PP_AGG_MAX_NAMES (UINT32_MAX - 1)	/* interned names: no cap but
						 * memory */
#define PP_AGG_REORDER 65536	/* probes held for reordering */

/* One (target, hop). */
struct pp_agg_key {
	uint32_t target;	/* target index in agg->targets */
	int ttl;		/* hop, 0 for plain probes */
	uint64_t expired;	/* ttl-expired answers ever (hop is a router) */
	uint32_t from;		/* the responder of its last answer
				 * (interned), a cache: a hop's answers
				 * mostly come from one address;
				 * PP_INTERN_NONE none yet */
	bool active;		/* probes in the current window */
	long long last_win;	/* the latest --every window it was written
				 * in, LLONG_MIN none */
	struct pp_stats st;	/* the current window's figures */
	struct pp_ratelimit rl;	/* its ICMP rate limit, if any */
	/* Worked out when the window closes (pp_agg_row reads them): */
	struct pp_rl_verdict lim;	/* the rate limit over the window */
	struct pp_fwd_hop fwd;	/* the forwarding loss (ttl 0: none) */
};

/* An outage, reported through the callback. */
struct pp_agg_outage {
	const char *vantage;	/* borrowed, NULL unknown */
	const char *target;	/* borrowed */
	int ttl;		/* destination hop, 0 for plain probes */
	double start;		/* send time of its first lost probe, s */
	double end;		/* the answer that ended it (or, ongoing, its
				 * last probe), s */
	uint64_t sent;		/* probes in it */
	uint64_t recv;		/* of which answered */
	bool ongoing;		/* still open at the end of input */
};

/* One vantage point's clock: its probes put back in send order and cut
 * into windows by their own times, so that streams of several vantage
 * points, concatenated or interleaved, each keep their own time. */
struct pp_agg_clock {
	uint32_t vantage;	/* interned, PP_INTERN_NONE unknown */
	struct pp_reorder ro;	/* send-order buffer */
	bool win_open;		/* a window has probes */
	long long win;		/* its index (floor(ts / every)) */
	double first_ts;	/* first send time in it */
	double last_ts;		/* last send time in it */
	uint32_t *active;	/* keys with probes in it (owned) */
	uint32_t nactive;	/* in use */
	uint32_t aactive;	/* allocated */
	struct pp_winset done;	/* windows written */
};

/* One target. */
struct pp_agg_target {
	uint32_t vantage;	/* interned vantage point, PP_INTERN_NONE
				 * unknown */
	uint32_t clock;		/* its vantage point's clock index */
	uint32_t name;		/* interned name */
	int dest_ttl;		/* destination hop, 0 unknown or plain */
	int max_ttl;		/* highest hop probed, 0 plain */
	bool plain;		/* records without ttl */
	struct pp_outage od;	/* outages at the destination */
};

/* Settings. */
struct pp_agg_opts {
	double every;		/* window length, s; 0: one window, the input */
	double horizon;		/* reorder horizon, s (timeout + margin) */
	double outage_loss;	/* % */
	double outage_min;	/* s */
	struct pp_outcome_opts outcome;	/* what counts as answered */
	bool parts;		/* rows carry what they were made of
				 * (pp_stats_rec.parts: --parts) */
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
	struct pp_keytab tmap;	/* (vantage id, name id, 0) -> target
				 * index */
	struct pp_agg_key *keys;	/* owned, by index in kmap */
	uint32_t nkeys;		/* in use */
	uint32_t akeys;		/* allocated */
	struct pp_keytab kmap;	/* (0, target index, ttl) -> key index */
	uint32_t last_key;	/* key used last, + 1 */
	uint32_t last_target_name;	/* target name used last, + 1 */
	uint32_t last_vantage;	/* and its vantage id */
	uint32_t last_target;	/* and its target index */
	struct pp_agg_clock *clocks;	/* one per vantage point (owned) */
	uint32_t nclocks;	/* in use */
	uint32_t aclocks;	/* allocated */
	struct pp_keytab cmap;	/* (vantage id, 0, 0) -> clock */
	uint64_t dropped_names;	/* addresses beyond PP_AGG_MAX_NAMES */
	uint64_t late;		/* probes older than the horizon allowed */
	uint64_t segments;	/* jumps back in time beyond the horizon */
	uint64_t late_window;	/* probes whose window had been written
				 * already: counted apart, not folded in */
	bool vantages;		/* targets of more than one vantage point */
	bool horizon_set;	/* a meta record (or the caller) gave the
				 * horizon */
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

/* Take what an input meta record says (its settings, a jansson object or
 * NULL): "refused":"down" makes refused connections lost in the records
 * of that prober's run (pp_outcome_meta); the first meta record with a
 * probe timeout sets the reorder horizon (pp_meta_horizon), unless
 * pp_agg_set_horizon did. */
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
 * them, start..end being the first and last send times seen, with the
 * rate limits and forwarding loss of the window so far. */
void pp_agg_peek(struct pp_agg *a, const struct pp_agg_sink *sink);

/* The stats record of key k over the window start..end (what the sink is
 * given), every figure derived from k's accumulator in one place.
 * Strings are borrowed from a (valid until the next probe or finish). */
void pp_agg_row(const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end, struct pp_stats_rec *r);

/* The vantage point of key k (borrowed), NULL unknown. */
const char *pp_agg_vantage(const struct pp_agg *a,
    const struct pp_agg_key *k);

/* The figures of accumulator s at hop ttl (0 plain) into r, names from
 * names (borrowed): every field but vantage, target, start, end, parts,
 * the forwarding loss and the rate limit (worked out over a window's
 * hops together).  pp_agg_row and pp-stats --merge (lib/merge.h) share it. */
void pp_agg_stats_row(const struct pp_intern *names, const struct pp_stats *s,
    int ttl, struct pp_stats_rec *r);

/* Name of an interned id (borrowed). */
const char *pp_agg_name(const struct pp_agg *a, uint32_t id);

#endif /* PP_AGG_H */
