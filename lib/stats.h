/* stats.h: the statistics of one stream of probe outcomes (a target, or a
 * target at one hop), fed in SEND order (see lib/reorder.h).
 *
 * Definitions (pp-stats(1) repeats them):
 *   sent     probes sent, whatever their outcome (errors included);
 *   recv     probes answered (reply, ttl-expired, unreachable with an RTT);
 *   loss     100 * (sent - recv) / sent;
 *   last     the RTT of the last answered probe in send order;
 *   min, max, avg   over answered probes; avg is a Welford running mean in
 *            double precision (mtr's integer mean freezes);
 *   stdev    the sample standard deviation (n - 1), Welford;
 *   jitter   mean |RTT_i - RTT_{i-1}| over consecutive answered probes in
 *            send order (lost probes are skipped, not reset); the first
 *            answer gives no sample (trippy counts it);
 *   jmax     the largest of those differences;
 *   jint     RFC 3550's smoothed estimator J += (|D| - J) / 16, in ms (mtr
 *            shows 16 J);
 *   p50 .. p99  nearest-rank percentiles of the RTTs from a log-bucketed
 *            summary, within 1% of the exact nearest-rank value. */
#ifndef PP_STATS_H
#define PP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/colq.h"

/* Responders tracked per accumulator; the rest are counted together. */
#define PP_STATS_ADDRS 16

/* One responder's figures. */
struct pp_stats_addr {
	uint32_t id;		/* interned address id (caller's table) */
	uint64_t recv;		/* answers from it */
	double mean;		/* mean RTT, ms */
	double min;		/* ms */
	double max;		/* ms */
};

/* The accumulator.  Caller-provided storage: pp_stats_init(),
 * pp_stats_release(). */
struct pp_stats {
	uint64_t sent;		/* probes */
	uint64_t recv;		/* answered */
	uint64_t fwd_lost;	/* lost here and at every later hop of the
				 * same round (set by the caller) */
	double first_ts;	/* send time of the first probe, s */
	double last_ts;		/* send time of the last probe, s */
	double last;		/* last RTT, ms (NAN when none) */
	double min;		/* ms */
	double max;		/* ms */
	double mean;		/* Welford mean, ms */
	double m2;		/* Welford sum of squared deviations, ms^2 */
	double prev;		/* previous answered RTT, NAN when none */
	double jsum;		/* sum of |RTT_i - RTT_i-1|, ms */
	double jmax;		/* largest difference, ms */
	uint64_t jn;		/* differences summed */
	double jint;		/* RFC 3550 J, ms */
	struct pp_colq q;	/* RTT quantiles */
	struct pp_stats_addr addrs[PP_STATS_ADDRS];	/* responders */
	int naddrs;		/* in use */
	uint64_t other_recv;	/* answers from responders not tracked */
	/* Loss pattern in send order (RFC 3357; G.107's BurstR). */
	uint64_t runs;		/* loss runs (maximal runs of lost probes) */
	uint64_t found_pairs;	/* consecutive pairs starting answered */
	uint64_t found_to_lost;	/* of which the second was lost */
	uint64_t lost_pairs;	/* consecutive pairs starting lost */
	uint64_t lost_to_found;	/* of which the second was answered */
	bool last_lost;		/* the previous probe was lost */
};

/* Set up s (allocates nothing). */
void pp_stats_init(struct pp_stats *s);

/* Free s's memory and set it up empty again. */
void pp_stats_release(struct pp_stats *s);

/* Count a probe sent at ts: answered with rtt (ms, finite, >= 0) from the
 * responder addr_id, or lost when rtt is NAN (addr_id ignored then). */
void pp_stats_add(struct pp_stats *s, double ts, double rtt,
    uint32_t addr_id);

/* Loss percentage, NAN when nothing was sent. */
double pp_stats_loss(const struct pp_stats *s);

/* Forwarding loss percentage (fwd_lost / sent), NAN when nothing sent. */
double pp_stats_fwd_loss(const struct pp_stats *s);

/* Sample standard deviation, NAN below two answers. */
double pp_stats_stdev(const struct pp_stats *s);

/* Mean jitter, NAN below two answers. */
double pp_stats_jitter(const struct pp_stats *s);

/* Percentile p (0..1) of the RTTs, NAN when none. */
double pp_stats_pct(const struct pp_stats *s, double p);

/* The responders in order: most answers first, then lower id; writes up
 * to PP_STATS_ADDRS indices into order and returns how many. */
int pp_stats_addr_order(const struct pp_stats *s, int *order);

#endif /* PP_STATS_H */
