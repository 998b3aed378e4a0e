/* SPDX-License-Identifier: BSD-2-Clause */
/* alert.h: sustained-degradation detection and route tracking for
 * pp-alert.
 *
 * A window holds the last n probe outcomes of one path in send order.
 * Loss raises when the window is full and its loss is at or above the
 * threshold, and clears when it falls below clear x threshold; latency
 * likewise with the window's percentile (the median by default) of the
 * answered probes, so one spike never trips it.  Between raise and clear
 * nothing is reported: a value flapping around the threshold alerts once.
 *
 * A route is the responders of each hop up to the destination.  The route
 * remembers every responder seen at each hop in the last w rounds: with
 * per-packet load balancing a hop has several, all part of the route.  A
 * round differs from the route when its length differs or, at some hop, it
 * has a responder the route has not seen there in w rounds (a silent hop
 * matches anything).  A change is reported once rounds that differ the same
 * way have been seen k times in a row, or, while the path is young (in its
 * first w rounds since it was first seen or last changed), w times: a
 * load balancer's next hops show up one by one at first, and a new one
 * seen k times in a row (1 in 2^(k-1) at 50/50 per packet) is no change
 * until the old one has been gone as long as a responder is remembered.
 * When the streak breaks (an old responder comes back, or the new rounds
 * alternate among themselves where the route knows a responder), its
 * responders join the route as alternatives, and after a change the old
 * responders stay known until they have not been seen for w rounds: load
 * balancing, which keeps coming back to them, settles instead of reporting
 * (and a route that flaps back within w rounds is taken for balancing). */
#ifndef PP_ALERT_H
#define PP_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PP_WINDOW_MAX 100000	/* probes in a window, at most */
#define PP_ROUTE_HOPS 64	/* hops of a route, at most */

/* The last n outcomes of a path. Caller-provided storage. */
struct pp_window {
	uint32_t n;		/* capacity (the --window) */
	uint32_t len;		/* outcomes held */
	uint32_t head;		/* oldest */
	uint32_t lost;		/* lost outcomes held */
	uint32_t nsorted;	/* answered outcomes held */
	double *rtt;		/* ring of RTTs (NAN = lost), owned */
	double *scratch;	/* the answered RTTs held, sorted (owned):
				 * a percentile is a look-up */
};

/* Set up w for n (1..PP_WINDOW_MAX) outcomes.  Returns 0 or -1. */
int pp_window_init(struct pp_window *w, uint32_t n);
void pp_window_release(struct pp_window *w);

/* Add an outcome (rtt in ms, NAN when lost). */
void pp_window_add(struct pp_window *w, double rtt);

/* Whether the window holds n outcomes. */
bool pp_window_full(const struct pp_window *w);

/* Loss %, NAN when empty. */
double pp_window_loss(const struct pp_window *w);

/* Nearest-rank percentile p (0..1) of the answered RTTs, NAN when none. */
double pp_window_pct(struct pp_window *w, double p);

/* A threshold with hysteresis.  higher_is_worse: loss, latency; else MOS. */
struct pp_level {
	double threshold;	/* raise at or beyond it */
	double clear;		/* clear strictly on the good side of it */
	bool higher_is_worse;	/* direction */
	bool raised;		/* state */
};

/* What pp_level_update decided. */
enum pp_level_change { PP_LEVEL_SAME, PP_LEVEL_RAISE, PP_LEVEL_CLEAR };

/* Feed a value (NAN: no judgement).  Returns the transition, if any. */
enum pp_level_change pp_level_update(struct pp_level *l, double v);

/* Responders remembered per hop. */
#define PP_ROUTE_ALTS 8

/* A route tracker. Caller-provided storage. */
struct pp_route {
	uint32_t k;		/* rounds a change must hold */
	uint32_t w;		/* rounds a responder is remembered */
	long long rounds;	/* rounds seen */
	int len;		/* hops of the current route, 0 none yet */
	uint32_t cur[PP_ROUTE_HOPS];	/* its latest responders (id + 1) */
	uint32_t alt[PP_ROUTE_HOPS][PP_ROUTE_ALTS];	/* every responder of
							 * the last w rounds */
	long long seen_at[PP_ROUTE_HOPS][PP_ROUTE_ALTS];	/* when */
	int clen;		/* hops of the candidate */
	uint32_t cand[PP_ROUTE_HOPS];	/* the candidate change */
	uint32_t seen;		/* rounds the candidate held */
	uint32_t need;		/* rounds it must hold: k, or w while the
				 * path is young */
	long long born;		/* round the path was first seen or last
				 * changed */
};

/* What a round did to the route. */
enum pp_route_change {
	PP_ROUTE_SAME,		/* nothing to report */
	PP_ROUTE_FIRST,		/* the first route (cur set) */
	PP_ROUTE_CHANGED	/* a change held k rounds: prev has the old
				 * route, cur the new one */
};

/* Set up r: a change must hold k rounds; responders seen at a hop in the
 * last w rounds belong to the route (load-balanced alternatives). */
void pp_route_init(struct pp_route *r, uint32_t k, uint32_t w);

/* Feed one round: hops[0..len-1] (responder id + 1, 0 silent).  On
 * PP_ROUTE_CHANGED, prev/prev_len receive the route replaced. */
enum pp_route_change pp_route_round(struct pp_route *r, const uint32_t *hops,
    int len, uint32_t *prev, int *prev_len);

#endif /* PP_ALERT_H */
