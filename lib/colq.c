/* SPDX-License-Identifier: BSD-2-Clause */
/* colq.c: sparse collapsing log histogram (see colq.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/colq.h"

/* gamma = (1 + alpha) / (1 - alpha); values below 1 us are "zeros". */
#define GAMMA ((1.0 + PP_COLQ_ALPHA) / (1.0 - PP_COLQ_ALPHA))
#define MIN_VALUE 0.001

/* ln(GAMMA), precomputed: no mutable state in lib/. */
#define LOG_GAMMA 0.020000666706669435

void
pp_colq_init_cap(struct pp_colq *q, unsigned cap)
{
	memset(q, 0, sizeof(*q));
	q->min = INFINITY;
	q->max = -INFINITY;
	if (cap < 8)
		cap = 8;
	if (cap > PP_COLQ_BINS_EXACT)
		cap = PP_COLQ_BINS_EXACT;
	q->cap = (uint16_t)cap;
}

void
pp_colq_init(struct pp_colq *q)
{
	pp_colq_init_cap(q, PP_COLQ_BINS);
}

void
pp_colq_release(struct pp_colq *q)
{
	unsigned cap = q->cap;

	free(q->bins);
	pp_colq_init_cap(q, cap);
}

/* The bin of a value v whose natural log is lnv. */
static int
index_of(double lnv)
{
	double i = ceil(lnv / LOG_GAMMA);
	if (i < INT16_MIN)
		i = INT16_MIN;
	if (i > INT16_MAX)
		i = INT16_MAX;
	return (int)i;
}

static double
value_of(int idx)
{
	return 2.0 * pow(GAMMA, idx) / (GAMMA + 1.0);
}

/* Add n to bin idx, keeping the bins sorted and at most PP_COLQ_BINS. */
static void
bump(struct pp_colq *q, int idx, uint32_t n)
{
	size_t lo = 0;
	size_t hi = q->nbins;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (q->bins[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < q->nbins && q->bins[lo].idx == idx) {
		q->bins[lo].n += n;
		return;
	}
	if (q->nbins >= q->cap) {
		/* Collapse: the lowest bin folds into the next. */
		if (lo == 0) {
			q->bins[0].n += n;
			return;
		}
		q->bins[1].n += q->bins[0].n;
		memmove(q->bins, q->bins + 1, (q->nbins - 1) *
		    sizeof(q->bins[0]));
		q->nbins--;
		lo--;
	}
	if (q->nbins == q->abins) {
		size_t na = q->abins != 0 ? (size_t)q->abins * 2 : 8;
		if (na > q->cap)
			na = q->cap;
		struct pp_colq_bin *nb = realloc(q->bins, na * sizeof(*nb));
		if (nb == NULL) {
			/* Out of memory: keep the count in the nearest bin. */
			if (q->nbins > 0)
				q->bins[lo < q->nbins ? lo :
				    (size_t)q->nbins - 1].n += n;
			else
				q->zeros += n;
			return;
		}
		q->bins = nb;
		q->abins = (uint16_t)na;
	}
	memmove(q->bins + lo + 1, q->bins + lo, (q->nbins - lo) *
	    sizeof(q->bins[0]));
	q->bins[lo].idx = (int16_t)idx;
	q->bins[lo].pad = 0;
	q->bins[lo].n = n;
	q->nbins++;
}

void
pp_colq_add(struct pp_colq *q, double v)
{
	pp_colq_add_ln(q, v, NAN);
}

void
pp_colq_add_ln(struct pp_colq *q, double v, double lnv)
{
	if (!isfinite(v) || v < 0) {
		pp_colq_lost(q);
		return;
	}
	q->sent++;
	q->recv++;
	double delta = v - q->mean;
	q->mean += delta / q->recv;
	q->m2 += delta * (v - q->mean);
	if (v < q->min)
		q->min = (float)v;
	if (v > q->max)
		q->max = (float)v;
	if (v < MIN_VALUE)
		q->zeros++;
	else
		bump(q, index_of(isnan(lnv) ? log(v) : lnv), 1);
}

void
pp_colq_lost(struct pp_colq *q)
{
	q->sent++;
}

void
pp_colq_add_bin(struct pp_colq *q, int idx, uint32_t n)
{
	if (idx < INT16_MIN || idx > INT16_MAX || n == 0)
		return;
	bump(q, idx, n);
}

void
pp_colq_merge(struct pp_colq *dst, const struct pp_colq *src)
{
	if (src->recv > 0) {
		/* Chan et al.: combine the means and squared deviations. */
		double na = dst->recv;
		double nb = src->recv;
		double delta = src->mean - dst->mean;
		dst->mean += delta * nb / (na + nb);
		dst->m2 += src->m2 + delta * delta * na * nb / (na + nb);
	}
	dst->sent += src->sent;
	dst->recv += src->recv;
	dst->zeros += src->zeros;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (size_t i = 0; i < src->nbins; i++)
		bump(dst, src->bins[i].idx, src->bins[i].n);
}

double
pp_colq_quantile(const struct pp_colq *q, double p)
{
	if (q->recv == 0)
		return NAN;
	if (p <= 0)
		return q->min;
	if (p >= 1)
		return q->max;
	/* Nearest rank: the value at rank ceil(p * n), 1-based. */
	uint64_t rank = (uint64_t)ceil(p * q->recv);
	if (rank < 1)
		rank = 1;
	uint64_t seen = q->zeros;
	double v = q->min;
	if (seen < rank) {
		for (size_t i = 0; i < q->nbins; i++) {
			seen += q->bins[i].n;
			if (seen >= rank) {
				v = value_of(q->bins[i].idx);
				break;
			}
		}
	}
	if (v < q->min)
		v = q->min;
	if (v > q->max)
		v = q->max;
	return v;
}

double
pp_colq_loss(const struct pp_colq *q)
{
	if (q->sent == 0)
		return NAN;
	return 100.0 * (double)(q->sent - q->recv) / (double)q->sent;
}

double
pp_colq_mean(const struct pp_colq *q)
{
	return q->recv > 0 ? q->mean : NAN;
}

double
pp_colq_stdev(const struct pp_colq *q)
{
	if (q->recv < 2)
		return NAN;
	double var = q->m2 / (q->recv - 1);
	return var > 0 ? sqrt(var) : 0;
}

double
pp_colq_bin_value(const struct pp_colq *q, size_t i)
{
	return i < q->nbins ? value_of(q->bins[i].idx) : NAN;
}

/* The power of ten of the last digit the accuracy allows at v. */
static int
accuracy_place(double v)
{
	return (int)ceil(-log10(PP_COLQ_ALPHA * v));
}

double
pp_colq_round(double v)
{
	if (!isfinite(v) || v <= 0)
		return v;
	double scale = pow(10, accuracy_place(v));
	return round(v * scale) / scale;
}

int
pp_colq_decimals(double v)
{
	if (!isfinite(v) || v <= 0)
		return 3;
	int d = accuracy_place(v);
	return d < 0 ? 0 : d > 3 ? 3 : d;
}
