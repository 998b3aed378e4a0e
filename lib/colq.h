/* SPDX-License-Identifier: BSD-2-Clause */
/* colq.h: a small mergeable quantile summary for one chart column or one
 * hop: exact count, min, max, mean and variance, and a sparse log histogram
 * (the DDSketch mapping, relative accuracy PP_COLQ_ALPHA) of at most
 * PP_COLQ_BINS bins: when a summary would need more, its two lowest bins
 * merge (the low tail loses accuracy first, never the high tail that
 * latency charts are about). */
#ifndef PP_COLQ_H
#define PP_COLQ_H

#include <stddef.h>
#include <stdint.h>

/* Relative accuracy of quantiles while no collapse happened: 1 %. */
#define PP_COLQ_ALPHA 0.01
/* Bins per summary by default, at most (each 8 bytes). */
#define PP_COLQ_BINS 128
/* A cap no valid RTT range can reach: 1 us to 1 hour needs 1,100 bins, so
 * summaries with this cap never collapse and always keep the 1% bound. */
#define PP_COLQ_BINS_EXACT 2048

/* One summary.  Values are milliseconds, >= 0.  Caller-provided storage:
 * pp_colq_init() (allocates nothing), pp_colq_release(). */
struct pp_colq {
	uint32_t sent;		/* probes in the column */
	uint32_t recv;		/* of which answered (values added) */
	double mean;		/* mean of values (Welford), ms */
	double m2;		/* sum of squared deviations, ms^2 */
	float min;		/* smallest value, ms */
	float max;		/* largest value, ms */
	uint16_t nbins;		/* bins in use */
	uint16_t abins;		/* bins allocated */
	uint16_t cap;		/* most bins before the lowest merge */
	uint32_t zeros;		/* values below the smallest bin (< 1 us) */
	struct pp_colq_bin {
		int16_t idx;	/* log index: value ~ gamma^idx */
		uint16_t pad;	/* unused */
		uint32_t n;	/* values in the bin */
	} *bins;		/* sorted by idx, owned */
};

void pp_colq_init(struct pp_colq *q);

/* As pp_colq_init with at most cap bins (8 to PP_COLQ_BINS_EXACT). */
void pp_colq_init_cap(struct pp_colq *q, unsigned cap);
void pp_colq_release(struct pp_colq *q);

/* Count a probe; with a finite value >= 0 (ms) it was answered. */
void pp_colq_add(struct pp_colq *q, double v);

/* pp_colq_add with log(v) worked out already: lnv, or NAN to have it
 * worked out (a caller that needs the log too takes it once). */
void pp_colq_add_ln(struct pp_colq *q, double v, double lnv);

/* Count a probe that got no answer. */
void pp_colq_lost(struct pp_colq *q);

/* Add n values to the bin of log index idx (as a merge does: a summary
 * rebuilt from its bins, lib/model.h's stats parts); the caller sets the
 * counts, mean, variance, min and max. */
void pp_colq_add_bin(struct pp_colq *q, int idx, uint32_t n);

/* dst += src (src unchanged). */
void pp_colq_merge(struct pp_colq *dst, const struct pp_colq *src);

/* The q-quantile (0..1) of the values, nearest rank on the buckets,
 * clamped to [min, max]; NAN when there are none. */
double pp_colq_quantile(const struct pp_colq *q, double p);

/* A quantile v (ms) to the digits the sketch guarantees: rounded at the
 * decimal place of its accuracy, PP_COLQ_ALPHA x v (50.911 -> 50.9,
 * 1.2345 -> 1.23, 0.1234 -> 0.123, 251.3 -> 251, 5012 -> 5010), so that
 * values of one bucket print alike and no digit claims what the bucket
 * cannot tell.  0 stays 0; NAN stays NAN. */
double pp_colq_round(double v);

/* The decimals (0 to 3) to print a quantile v (ms) with: the digits
 * pp_colq_round keeps. */
int pp_colq_decimals(double v);

/* Loss percentage (0..100), NAN when nothing was sent. */
double pp_colq_loss(const struct pp_colq *q);

/* Mean and sample standard deviation of the values; NAN when undefined. */
double pp_colq_mean(const struct pp_colq *q);
double pp_colq_stdev(const struct pp_colq *q);

/* Bin i's representative value (ms) and count, for histograms. */
double pp_colq_bin_value(const struct pp_colq *q, size_t i);

#endif /* PP_COLQ_H */
