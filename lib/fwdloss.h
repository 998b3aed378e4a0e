/* SPDX-License-Identifier: BSD-2-Clause */
/* fwdloss.h: how much of what a traced path loses is the path's own loss,
 * and which hops only decline to answer.
 *
 * Each TTL of a round is its own packet, so a hop's loss is its own
 * sample: the probes lost on the way to it or back (forwarding loss, the
 * path's), plus the probes it chose not to answer.  Two ways to tell them
 * apart, from the probes alone:
 *
 * 1. A token bucket (pp_ratelimit).  A router that rate-limits its ICMP
 *    errors (Linux: a burst of 6, then one per icmp_ratelimit, 1 s by
 *    default, per source) answers exactly when its bucket holds a token.
 *    For each of PP_RL_PERIODS candidate periods the recogniser keeps a
 *    lower and an upper bound on the bucket's tokens (from the send times
 *    and what was answered; the bucket starts anywhere from empty to
 *    full): a lost probe sent while the bucket was surely empty is
 *    explained by the limit, one sent while it surely held a token is
 *    loss, one in between is neither; an answer while it was surely empty
 *    is a violation (the limit cannot explain such answers).  A candidate
 *    is a rate limit when it explains at least 2 losses, the key
 *    answered at least twice, and its violations are at most 1/16 of what
 *    it explains; of several, the one whose explained losses less 4
 *    per violation are most (then the shorter period).
 *
 * 2. The bound from later hops (pp_fwdloss_estimate).  Forwarding loss up
 *    to hop h is shared by every later hop (their probes cross the same
 *    links), so a hop whose own loss is significantly above what the next
 *    hop shows (one-sided Fisher exact test, p < PP_FWD_ALPHA), or that
 *    never answered while a later hop did, declines to answer (ICMP
 *    deprioritisation, a silent router): its forwarding loss is the next
 *    such hop's figure.  Any other hop's forwarding loss is its own: the
 *    losses among the probes its rate limit (if any) allowed.
 *
 * Intervals are Wilson score intervals at 95 % on the probes an estimate
 * rests on.  pp-stats(1), FORWARDING LOSS, states the assumptions and the
 * failure modes.
 *
 * Memory: a struct pp_ratelimit is 208 bytes per (target, hop); the
 * estimate works in the caller's array of hops. */
#ifndef PP_FWDLOSS_H
#define PP_FWDLOSS_H

#include <stdbool.h>
#include <stdint.h>

/* Candidate token periods, s per answer (pp_rl_period[]). */
#define PP_RL_PERIODS 6
/* Bounds kept per recogniser: the periods, padded for vector code. */
#define PP_RL_LANES 8
/* Tokens a full bucket holds (Linux's XRLIM_BURST_FACTOR). */
#define PP_RL_BURST 6.0
/* Timing slack of the bucket's clock against our send times, s (jiffies,
 * the way to the hop). */
#define PP_RL_SLACK 0.010
/* Level of the decline test. */
#define PP_FWD_ALPHA 0.001
/* z of the two-sided 95 % interval. */
#define PP_Z95 1.959963984540054

/* The candidate periods, longest first, s. */
extern const double pp_rl_period[PP_RL_PERIODS];

/* The recogniser of one (target, hop): the bucket's bounds for every
 * candidate period, carried across windows, and what each explains in
 * the current window.  Caller-provided storage. */
struct pp_ratelimit {
	double last_ts;		/* send time of the previous probe, s; NAN
				 * before the first */
	float lo[PP_RL_LANES];	/* the bucket holds at least, tokens (the
				 * lanes past PP_RL_PERIODS unused) */
	float hi[PP_RL_LANES];	/* and at most, tokens */
	uint32_t explained[PP_RL_PERIODS];	/* lost while surely empty */
	uint32_t loss[PP_RL_PERIODS];	/* lost while surely holding one */
	uint32_t violations[PP_RL_PERIODS];	/* answered while surely
						 * empty */
	uint32_t answered;	/* answered probes in the window */
	uint32_t lost;		/* lost probes in the window */
	/* The same over every window (for a verdict while probes come): */
	uint32_t all_explained[PP_RL_PERIODS];	/* lost while surely empty */
	uint32_t all_violations[PP_RL_PERIODS];	/* answered while empty */
	uint32_t all_answered;	/* answered probes */
	uint8_t pend;		/* bit i: pp_rl_period[i] explained a loss
				 * since the last answer */
	uint8_t paced;		/* bit i: an answer came after such a loss,
				 * not a violation (the bucket refilled) */
};

/* What the recogniser says of a window. */
struct pp_rl_verdict {
	bool limited;		/* a rate limit explains some of the loss */
	double period;		/* its period, s per answer (NAN: none) */
	uint64_t explained;	/* lost probes not counted as loss: explained
				 * or in doubt (0 unless limited) */
	uint64_t loss;		/* lost probes that are loss (all lost ones
				 * unless limited) */
};

/* Set up r: the bucket anywhere from empty to full, counts zero. */
void pp_ratelimit_init(struct pp_ratelimit *r);

/* A probe sent at ts (s, in send order), answered or lost.  Returns the
 * candidates (bit i for pp_rl_period[i]) under which a lost probe is
 * loss (0 for an answered one). */
unsigned pp_ratelimit_probe(struct pp_ratelimit *r, double ts,
    bool answered);

/* The verdict over the window so far. */
void pp_ratelimit_verdict(const struct pp_ratelimit *r,
    struct pp_rl_verdict *v);

/* The candidate a rate limit is recognised by over every probe so far
 * (the same rule as the verdict, among the candidates that have been
 * seen answering again after a loss they explained), or -1: for a probe
 * as it comes, lost and pp_ratelimit_probe's bit of it clear, the limit
 * explains it.  A limit never seen to refill is not one yet: the answers
 * before a link cut look like a bucket's burst spent, and its losses like
 * the limit's, until an answer comes. */
int pp_ratelimit_now(const struct pp_ratelimit *r);

/* A new window: counts back to zero, the bucket's bounds kept. */
void pp_ratelimit_window(struct pp_ratelimit *r);

/* One hop of a target over a window, in and out of the estimate. */
struct pp_fwd_hop {
	int ttl;		/* hop */
	uint64_t sent;		/* probes (local drops not included) */
	uint64_t lost;		/* of which lost */
	uint64_t explained;	/* of the lost, explained by the hop's rate
				 * limit (pp_rl_verdict.explained) */
	/* Out: */
	double fwd;		/* forwarding loss, %; NAN when nothing to
				 * rest on */
	double lo;		/* its 95 % interval, % */
	double hi;		/* % */
	uint64_t n;		/* probes it rests on */
	uint64_t x;		/* of which lost */
	int basis;		/* the hop they are from (ttl) */
	bool declines;		/* this hop's own loss is not the path's */
};

/* The forwarding loss of every hop of one target, h[0..n-1] in ascending
 * ttl, the destination (or the last hop probed) last. */
void pp_fwdloss_estimate(struct pp_fwd_hop *h, int n);

/* Wilson score interval of x lost of n at z (PP_Z95), in %; NAN both
 * when n is 0. */
void pp_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi);

/* One-sided Fisher exact test: the probability of x1 or more of the
 * x1 + x2 losses falling among the first n1 of n1 + n2 probes when both
 * groups lose alike (small: the first group loses more). */
double pp_fisher_greater(uint64_t x1, uint64_t n1, uint64_t x2,
    uint64_t n2);

#endif /* PP_FWDLOSS_H */
