/* SPDX-License-Identifier: BSD-2-Clause */
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
 *   jlast    the last of those differences (mtr's Jttr);
 *   gmean    the geometric mean of the RTTs (mtr's Gmean), from the sum of
 *            their logarithms;
 *   p50 .. p99  nearest-rank percentiles of the RTTs from a log-bucketed
 *            summary, within 1% of the exact nearest-rank value;
 *   unreachable  lost probes an ICMP destination unreachable answered,
 *            with each source and code (never an RTT);
 *   open, refused  TCP connections that succeeded or met a RST;
 *   local_drop  timeouts maybe lost inside this host: in neither sent nor
 *            loss.
 * Answered and lost are lib/outcome.h's. */
#ifndef PP_STATS_H
#define PP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/colq.h"
#include "lib/outcome.h"
#include "lib/record.h"

/* Responders tracked per accumulator; the rest are counted together. */
#define PP_STATS_ADDRS 16

/* Unreachable sources tracked per accumulator; the rest are counted
 * together. */
#define PP_STATS_UNREACH 8

/* An ICMP unreachable source and code, and how often. */
struct pp_stats_unreach {
	uint32_t id;		/* interned address id, UINT32_MAX unknown */
	int code;		/* ICMP code, -1 unknown */
	uint64_t n;		/* probes */
};

/* One responder's figures. */
struct pp_stats_addr {
	uint32_t id;		/* interned address id (caller's table) */
	uint64_t recv;		/* answers from it */
	double mean;		/* mean RTT, ms */
	double min;		/* ms */
	double max;		/* ms */
	uint32_t mpls;		/* the caller's id of the MPLS label stack of
				 * its latest answer that had one,
				 * UINT32_MAX none */
};

/* The accumulator.  Caller-provided storage: pp_stats_init(),
 * pp_stats_release(). */
struct pp_stats {
	uint64_t sent;		/* probes */
	uint64_t recv;		/* answered */
	double first_ts;	/* send time of the first probe, s */
	double last_ts;		/* send time of the last probe, s */
	double last;		/* last RTT, ms (NAN when none) */
	double first;		/* first RTT, ms (NAN when none) */
	bool first_lost;	/* the first probe was lost */
	double min;		/* ms */
	double max;		/* ms */
	double mean;		/* Welford mean, ms */
	double m2;		/* Welford sum of squared deviations, ms^2 */
	double prev;		/* previous answered RTT, NAN when none */
	double jsum;		/* sum of |RTT_i - RTT_i-1|, ms */
	double jmax;		/* largest difference, ms */
	uint64_t jn;		/* differences summed */
	double jint;		/* RFC 3550 J, ms */
	double jlast;		/* the last difference, ms (NAN: none) */
	double lnsum;		/* sum of ln(RTT / 1 ms) over answers */
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
	/* Outcomes beside the RTTs (pp_stats_lost_why, pp_stats_conn). */
	uint64_t lost_by[PP_LOSS_N];	/* lost probes by reason */
	struct pp_stats_unreach unreach[PP_STATS_UNREACH];	/* sources */
	int nunreach;		/* in use */
	uint64_t unreach_other;	/* unreachables from sources not tracked */
	bool tcp;		/* TCP probes were counted */
	uint64_t open;		/* TCP connections that succeeded */
	uint64_t refused;	/* TCP connections refused (RST) */
	uint64_t local_drop;	/* timeouts maybe lost inside this host */
};

/* Set up s (allocates nothing). */
void pp_stats_init(struct pp_stats *s);

/* Free s's memory and set it up empty again. */
void pp_stats_release(struct pp_stats *s);

/* Count a probe sent at ts: answered with rtt (ms, finite, >= 0) from the
 * responder addr_id, or lost when rtt is NAN (addr_id ignored then). */
void pp_stats_add(struct pp_stats *s, double ts, double rtt,
    uint32_t addr_id);

/* Why the probe just counted lost (pp_stats_add with NAN) was lost:
 * an unreachable is noted with its source addr_id (UINT32_MAX unknown)
 * and code (-1 unknown). */
void pp_stats_lost_why(struct pp_stats *s, enum pp_loss why,
    uint32_t addr_id, int code);

/* The answer just counted (pp_stats_add) from addr_id carried the MPLS
 * label stack the caller knows as mpls_id: the responder's latest. */
void pp_stats_mpls(struct pp_stats *s, uint32_t addr_id, uint32_t mpls_id);

/* A TCP probe's connection: open, refused, or NONE when there was no
 * answer (or an old record said nothing: PP_CONN_NONE on a TCP reply is
 * the caller's to take as open). */
void pp_stats_conn(struct pp_stats *s, enum pp_conn c);

/* The unreachable sources in order: most probes first, then lower id;
 * writes up to PP_STATS_UNREACH indices into order, returns how many. */
int pp_stats_unreach_order(const struct pp_stats *s, int *order);

/* Fold src into dst as if src's probes had been added to dst's (src
 * unchanged; responder and unreachable ids must be of one table): counts
 * add; min, max exact; mean and M2 by Chan et al.'s parallel formula;
 * the RTT sketch bucket by bucket (its quantiles as one pass gives them).
 * With in_order (src's probes all sent after dst's, the same stream), the
 * figures that follow consecutive probes also join across the seam as one
 * pass gives them: jitter (the |dRTT| of dst's last and src's first
 * answers), RFC 3550 J continued through src's samples, loss runs and the
 * pairs of BurstR, last; without it (other streams: vantage points,
 * overlapping times) each side's samples are kept and nothing is made up
 * at the seam. */
void pp_stats_merge(struct pp_stats *dst, const struct pp_stats *src,
    bool in_order);

/* Loss percentage, NAN when nothing was sent. */
double pp_stats_loss(const struct pp_stats *s);

/* Sample standard deviation, NAN below two answers. */
double pp_stats_stdev(const struct pp_stats *s);

/* ping's mdev: the population standard deviation, sqrt(mean(x^2) -
 * mean(x)^2) (iputils' formula, computed as sqrt(M2 / n), the same value
 * without the cancellation), ms; 0 for one answer, NAN for none. */
double pp_stats_mdev(const struct pp_stats *s);

/* Mean jitter, NAN below two answers. */
double pp_stats_jitter(const struct pp_stats *s);

/* Geometric mean of the RTTs, ms; NAN without answers. */
double pp_stats_gmean(const struct pp_stats *s);

/* Percentile p (0..1) of the RTTs, NAN when none: the sketch's value
 * rounded to the digits its accuracy guarantees (pp_colq_round). */
double pp_stats_pct(const struct pp_stats *s, double p);

/* The responders in order: most answers first, then lower id; writes up
 * to PP_STATS_ADDRS indices into order and returns how many. */
int pp_stats_addr_order(const struct pp_stats *s, int *order);

#endif /* PP_STATS_H */
