/* SPDX-License-Identifier: BSD-2-Clause */
/* judge.h: pp-alert's judgement of a record stream, as lib/agg is
 * pp-stats': probe outcomes (lib/outcome.h) put back in send order, a
 * window of the last n per path (lib/alert.h) judged for loss and latency
 * with hysteresis, targets that never answer, trace rounds assembled into
 * routes, and mos records; what it decides goes to a sink as alert and
 * route records (lib/model.h).
 *
 * Rise (a latency step): a path's baseline is the lowest window percentile
 * of any full window so far; latency "rise" raises when the window's
 * percentile reaches rise % above it (and at least PP_JUDGE_RISE_MIN ms
 * above it), and clears below clear % of that threshold.
 *
 * Paths: each target's destination (a plain probe's target, a trace's
 * lowest hop that reached the destination), or with hops every (target,
 * hop).  A window is judged once full, and only for a target that has
 * answered at the destination.
 *
 * Unreachable: an outage at the destination (lib/outage.h, the rule of
 * pp-stats' outage records and pp-plot's shading: loss of at least
 * outage_loss % over outage_min seconds, ended by the first answer of a
 * recovery that holds) raises "unreachable" once it is sure to last
 * outage_min (the alert's ts is its start) and clears when it ends (ts:
 * the answer that ended it).  A target that has not answered at all
 * after `window` probes (trace rounds) raises it too, whatever its
 * length.  The raise names why (the sources and codes of ICMP
 * unreachables, or timeouts, refusals ...).
 *
 * At the end of input (pp_judge_finish): a target that never answered and
 * had not raised yet raises "unreachable" then; a window that never filled
 * is judged as it stands (its alerts carry the probes it held as their
 * window) and reported to sink.partial, so that a short check is never
 * passed for want of probes.
 *
 * Memory: per target about 7 KiB (the route tracker and
 * PP_JUDGE_ROUNDS_OPEN rounds of 280 bytes) and its outage
 * detector (the probes of outage_min seconds, at most PP_OUTAGE_MAX of 16
 * bytes), plus per path a
 * window of 16 bytes a probe (--window); targets and paths are limited
 * only by memory (lib/keytab.h); a reorder buffer per vantage point (its
 * outcomes put in send order on their own, so that one vantage point's
 * clock never holds back or releases another's), each at most
 * PP_JUDGE_REORDER outcomes of 32 bytes (88 with its handle), allocated
 * as needed: in practice the horizon's worth of its probes; names by
 * PP_JUDGE_MAX_NAMES. */
#ifndef PP_JUDGE_H
#define PP_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/alert.h"
#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/model.h"
#include "lib/outage.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/reorder.h"

#define PP_JUDGE_MAX_NAMES (UINT32_MAX - 1)	/* interned names: no cap
						 * but memory */
#define PP_JUDGE_REORDER 65536	/* outcomes held for send order, per
				 * vantage point */
#define PP_JUDGE_SOURCES 4	/* unreachable sources kept per target */
#define PP_JUDGE_RISE_MIN 1.0	/* ms: a rise threshold is at least this
				 * far above the baseline (sub-millisecond
				 * paths jitter by more than half) */

/* Settings. */
struct pp_judge_opts {
	double loss;		/* raise at this loss, %; NAN off */
	double latency;		/* raise at this RTT percentile, ms; NAN off */
	double rise;		/* raise when the RTT percentile is this %
				 * above the path's baseline; 0 (or NAN)
				 * off (see PP_JUDGE_RISE_MIN) */
	double mos;		/* raise at this MOS or below; NAN off */
	double clear;		/* clear below this % of the threshold */
	double pct;		/* the latency percentile, 0..1 */
	uint32_t window;	/* probes judged (1..PP_WINDOW_MAX) */
	uint32_t route_rounds;	/* rounds a route change must hold */
	double outage_loss;	/* outage loss threshold, % (lib/outage.h);
				 * 0: 30 % and 3 s */
	double outage_min;	/* shortest outage, s */
	bool routes;		/* track routes */
	bool hops;		/* judge every hop, not the destination only */
	double horizon;		/* reorder horizon, s */
	struct pp_outcome_opts outcome;	/* what counts as answered */
};

/* Where decisions go.  Records and their strings are borrowed for the
 * call. */
struct pp_judge_sink {
	void (*alert)(void *arg, const struct pp_alert_rec *a);
	void (*route)(void *arg, const struct pp_route_rec *r);
	/* At the end: a window judged before it filled (n of window
	 * probes); ttl 0 for a target's destination. */
	void (*partial)(void *arg, const char *target, int ttl, uint32_t n,
	    uint32_t window);
	void *arg;
};

/* An unreachable source of a target. */
struct pp_judge_source {
	uint32_t from;		/* interned address, PP_INTERN_NONE unknown */
	int code;		/* ICMP code, -1 unknown */
	uint64_t n;		/* probes */
};

/* One target. */
/* Trace rounds assembled at once, per target.  In send order a round's
 * probes may interleave with the next rounds' (a prober behind its
 * schedule sends the next round's first TTLs before this one's last), so
 * a round is judged once a probe of a round PP_JUDGE_ROUNDS_OPEN later is
 * seen, or at the end of input; a probe of a round already judged no
 * longer counts for the route. */
#define PP_JUDGE_ROUNDS_OPEN 3

/* One round being assembled. */
struct pp_judge_round {
	long long round;	/* -1: free */
	double ts;		/* its first send time */
	int len;		/* highest ttl seen in it */
	int dest;		/* ttl that reached the destination, 0 */
	uint32_t hops[PP_ROUTE_HOPS];	/* its responders (id + 1) */
};

struct pp_judge_target {
	uint32_t vantage;	/* interned vantage point, PP_INTERN_NONE
				 * unknown */
	uint32_t name;		/* interned */
	int dest_ttl;		/* lowest hop that reached the destination */
	bool answered;		/* answered at the destination, ever */
	bool unreachable;	/* unreachable raised (and not cleared) */
	uint64_t probes;	/* probes (plain) or rounds (trace) seen */
	double last_ts;		/* send time of its last probe, s */
	uint64_t lost_by[PP_LOSS_N];	/* losses by reason, since the last
					 * answer */
	struct pp_judge_source src[PP_JUDGE_SOURCES];	/* unreachables */
	int nsrc;		/* in use */
	struct pp_route route;	/* route tracker */
	long long round;	/* newest round seen, -1 none */
	long long judged;	/* newest round judged, -1 none */
	struct pp_judge_round open[PP_JUDGE_ROUNDS_OPEN];	/* rounds
				 * being assembled */
	bool has_mos;		/* mos level in use */
	struct pp_level mos;	/* MOS hysteresis */
	struct pp_outage od;	/* outages at the destination */
	struct pp_ratelimit rl;	/* the destination's ICMP rate limit */
	bool out_raised;	/* unreachable raised by an outage */
	uint32_t ro;		/* its vantage point's reorder buffer (index
				 * in pp_judge.ros) */
};

/* One judged path: a target's destination (ttl 0 or -1), or a hop. */
struct pp_judge_key {
	uint32_t target;	/* target index */
	int ttl;		/* hop; 0 plain, -1 a trace's destination */
	struct pp_window w;	/* the last probes */
	struct pp_level loss;	/* loss hysteresis */
	struct pp_level lat;	/* latency hysteresis */
	struct pp_level rise;	/* rise hysteresis (thresholds follow base) */
	double base;		/* lowest percentile of a full window, ms;
				 * NAN before one */
};

/* The judge.  Caller-provided storage. */
struct pp_judge {
	struct pp_judge_opts o;	/* settings */
	struct pp_judge_sink sink;	/* where decisions go */
	struct pp_intern names;	/* targets and responders */
	struct pp_judge_target *targets;	/* owned, by index in tmap */
	uint32_t ntargets;	/* in use */
	uint32_t atargets;	/* allocated */
	uint32_t last_target;	/* target used last, + 1 */
	struct pp_keytab tmap;	/* (vantage id, name id, 0) -> target
				 * index */
	struct pp_judge_key *keys;	/* owned, by index in kmap */
	uint32_t nkeys;		/* in use */
	uint32_t akeys;		/* allocated */
	struct pp_keytab kmap;	/* (target index, ttl) -> key index */
	struct pp_reorder *ros;	/* send order, a buffer per vantage point
				 * (owned) */
	uint32_t nros;		/* in use */
	uint32_t aros;		/* allocated */
	struct pp_keytab vmap;	/* (vantage id, 0, 0) -> buffer index */
	bool horizon_set;	/* a meta record gave the horizon */
	uint64_t probes;	/* probe records judged */
	uint64_t mos_records;	/* mos records judged */
	uint64_t raised;	/* alerts raised (route changes included) */
	uint64_t route_changes;	/* route changes */
	uint64_t never;		/* targets that never answered (at the end) */
	uint64_t partial;	/* windows judged before they filled */
	uint64_t dropped_names;	/* names beyond PP_JUDGE_MAX_NAMES */
	bool oom;		/* an allocation failed */
};

/* Set up j.  Returns 0, or -1 (ENOMEM, EINVAL for a bad window). */
int pp_judge_init(struct pp_judge *j, const struct pp_judge_opts *o,
    const struct pp_judge_sink *sink);

/* Free j's memory (not j). */
void pp_judge_release(struct pp_judge *j);

/* An input meta record's settings (jansson, may be NULL): the first
 * "timeout" sets the reorder horizon (timeout + 1 s), and "refused":
 * "down" makes refused connections lost in the records of that prober's
 * run (pp_outcome_meta). */
void pp_judge_meta(struct pp_judge *j, const json_t *settings);

/* Judge one probe.  Returns 0, or -1 (ENOMEM). */
int pp_judge_probe(struct pp_judge *j, const struct pp_probe *p);

/* Judge one mos record (with o.mos set).  Returns 0, or -1 (ENOMEM). */
int pp_judge_mos(struct pp_judge *j, const struct pp_mos_rec *m);

/* End of input: every held outcome, the last rounds, the targets that
 * never answered and the windows that never filled (see the top). */
void pp_judge_finish(struct pp_judge *j);

/* Name of an interned id (borrowed). */
const char *pp_judge_name(const struct pp_judge *j, uint32_t id);

#endif /* PP_JUDGE_H */
