/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdlib.h>

#include "lib/colq.h"
#include "tests/unit/check.h"

void test_colq(void);

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
test_colq(void)
{
	struct pp_colq q;

	/* J-01's RTTs: 20, 22, 21, 30, 20 ms. */
	pp_colq_init(&q);
	static const double rtt[] = { 20, 22, 21, 30, 20 };
	for (size_t i = 0; i < 5; i++)
		pp_colq_add(&q, rtt[i]);
	pp_colq_lost(&q);
	CHECK(q.sent == 6 && q.recv == 5, "counts");
	CHECK_NEAR(pp_colq_loss(&q), 100.0 / 6, 1e-12, "loss");
	CHECK_NEAR(pp_colq_mean(&q), 22.6, 1e-12, "mean");
	CHECK_NEAR(pp_colq_stdev(&q), 4.2190046219457975, 1e-9, "sample sd");
	CHECK_NEAR(pp_colq_quantile(&q, 0), 20, 0, "p0 = min");
	CHECK_NEAR(pp_colq_quantile(&q, 1), 30, 0, "p100 = max");
	/* Nearest rank: p50 of 5 values is the 3rd smallest, 21. */
	CHECK(fabs(pp_colq_quantile(&q, 0.5) - 21) <= 21 * 0.01,
	    "p50 within 1%%: %g", pp_colq_quantile(&q, 0.5));
	/* Even n: the lower median (rank n/2). */
	pp_colq_release(&q);
	pp_colq_init(&q);
	for (int i = 1; i <= 4; i++)
		pp_colq_add(&q, 10.0 * i);
	CHECK(fabs(pp_colq_quantile(&q, 0.5) - 20) <= 0.2, "even-n median %g",
	    pp_colq_quantile(&q, 0.5));
	pp_colq_release(&q);

	/* 1 % relative error on a wide log-uniform sample, and merging two
	 * halves gives the same summary as adding all. */
	enum { N = 20000 };
	double *v = malloc(N * sizeof(*v));
	struct pp_colq a, b, all;
	pp_colq_init(&a);
	pp_colq_init(&b);
	pp_colq_init(&all);
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = exp(log(0.05) + (double)(seed >> 8) / (1 << 24) *
		    (log(900.0) - log(0.05)));
		pp_colq_add(i % 2 ? &a : &b, v[i]);
		pp_colq_add(&all, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_double);
	pp_colq_merge(&a, &b);
	static const double ps[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		double got = pp_colq_quantile(&all, ps[i]);
		CHECK_NEAR(pp_colq_quantile(&a, ps[i]), got, 1e-12,
		    "merged equals direct");
	}
	CHECK(all.nbins <= PP_COLQ_BINS, "bins bounded: %u", all.nbins);
	/* A wide range collapses the low tail only: p95 and p99 keep 1 %. */
	for (size_t i = 5; i < 7; i++) {
		double exact = v[(size_t)ceil(ps[i] * N) - 1];
		double got = pp_colq_quantile(&all, ps[i]);
		CHECK(fabs(got - exact) <= exact * 0.01 + 1e-12,
		    "high tail p%g: %g vs %g", ps[i] * 100, got, exact);
	}
	CHECK_NEAR(pp_colq_mean(&a), pp_colq_mean(&all), 1e-9, "merged mean");
	CHECK_NEAR(pp_colq_stdev(&a), pp_colq_stdev(&all), 1e-9, "merged sd");
	/* A range that fits in the bins (5 to 50 ms): every quantile within
	 * 1 % of the exact nearest-rank value. */
	pp_colq_release(&all);
	pp_colq_init(&all);
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = 5.0 + 45.0 * (double)(seed >> 8) / (1 << 24);
		pp_colq_add(&all, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_double);
	CHECK(all.nbins < PP_COLQ_BINS, "no collapse: %u bins", all.nbins);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		double exact = v[(size_t)ceil(ps[i] * N) - 1];
		double got = pp_colq_quantile(&all, ps[i]);
		CHECK(fabs(got - exact) <= exact * 0.01 + 1e-12,
		    "p%g: %g vs exact %g", ps[i] * 100, got, exact);
	}
	free(v);
	pp_colq_release(&a);
	pp_colq_release(&b);
	pp_colq_release(&all);

	pp_colq_init(&q);
	CHECK(isnan(pp_colq_quantile(&q, 0.5)), "empty quantile");
	CHECK(isnan(pp_colq_loss(&q)), "empty loss");
	pp_colq_add(&q, NAN);
	CHECK(q.sent == 1 && q.recv == 0, "NaN counts as lost");
	pp_colq_add(&q, 0.0);
	CHECK_NEAR(pp_colq_quantile(&q, 0.5), 0, 0, "zero value");
	pp_colq_release(&q);

	/* Quantiles to the digits the 1% accuracy guarantees. */
	static const struct {
		double v, want;
		int decimals;
	} digits[] = {
		{ 50.911, 50.9, 1 }, { 50.96, 51.0, 1 }, { 9.9999, 10.0, 1 },
		{ 1.2345, 1.23, 2 }, { 0.1234, 0.123, 3 }, { 0.01234, 0.0123, 3 },
		{ 251.3, 251, 0 }, { 99.95, 100, 0 }, { 5012, 5010, 0 },
		{ 0, 0, 3 },
	};
	for (size_t i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
		double r = pp_colq_round(digits[i].v);
		CHECK_NEAR(r, digits[i].want, 1e-9, "colq_round");
		CHECK(pp_colq_decimals(r) == digits[i].decimals,
		    "decimals(%g) = %d", r, pp_colq_decimals(r));
		/* Never further from the value than its accuracy. */
		CHECK(fabs(r - digits[i].v) <= PP_COLQ_ALPHA * digits[i].v +
		    1e-12, "round(%g) = %g", digits[i].v, r);
	}
	CHECK(isnan(pp_colq_round(NAN)), "NAN stays");

	/* pp_colq_add_ln with the value's log (or NAN) fills the same bins
	 * as pp_colq_add, at bin edges too (gamma^i, just below, above). */
	struct pp_colq la, lb, lc;
	pp_colq_init(&la);
	pp_colq_init(&lb);
	pp_colq_init(&lc);
	double gamma = (1 + PP_COLQ_ALPHA) / (1 - PP_COLQ_ALPHA);
	for (int i = -400; i <= 400; i += 7) {
		double e = pow(gamma, i);
		double vs[] = { e, nextafter(e, 0), nextafter(e, INFINITY),
		    e * 1.5, 0.001, 0.000999, 0.0, -1.0, NAN, INFINITY };
		for (size_t j = 0; j < sizeof(vs) / sizeof(vs[0]); j++) {
			pp_colq_add(&la, vs[j]);
			pp_colq_add_ln(&lb, vs[j], log(vs[j]));
			pp_colq_add_ln(&lc, vs[j], NAN);
		}
	}
	CHECK(la.nbins == lb.nbins && la.nbins == lc.nbins &&
	    la.zeros == lb.zeros && la.zeros == lc.zeros &&
	    la.sent == lb.sent && la.recv == lc.recv,
	    "add_ln: same counts");
	for (unsigned i = 0; i < la.nbins && i < lb.nbins && i < lc.nbins; i++)
		CHECK(la.bins[i].idx == lb.bins[i].idx &&
		    la.bins[i].n == lb.bins[i].n && la.bins[i].idx ==
		    lc.bins[i].idx && la.bins[i].n == lc.bins[i].n,
		    "add_ln: bin %u", i);
	pp_colq_release(&la);
	pp_colq_release(&lb);
	pp_colq_release(&lc);
}
