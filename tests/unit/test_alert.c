/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdlib.h>

#include "lib/alert.h"
#include "tests/unit/check.h"

void test_alert(void);
void test_window_pct(void);

void
test_alert(void)
{
	struct pp_window w;

	/* Window of 5: median and loss over the last 5 only. */
	CHECK(pp_window_init(&w, 5) == 0, "init");
	static const double in[] = { 10, 11, NAN, 12, 100, 13, 14 };
	for (int i = 0; i < 7; i++)
		pp_window_add(&w, in[i]);
	CHECK(pp_window_full(&w), "full");
	/* Holds NAN, 12, 100, 13, 14: loss 20 %, median of 4 = 13. */
	CHECK_NEAR(pp_window_loss(&w), 20, 1e-12, "window loss");
	CHECK_NEAR(pp_window_pct(&w, 0.5), 13, 0, "one spike: median 13");
	CHECK_NEAR(pp_window_pct(&w, 0.95), 100, 0, "p95 sees the spike");
	pp_window_release(&w);
	CHECK(pp_window_init(&w, 0) == -1, "empty window refused");

	/* Hysteresis: raise at 10, clear below 5; flapping alerts once. */
	struct pp_level l = { .threshold = 10, .clear = 5,
	    .higher_is_worse = true };
	static const double v[] = { 3, 10, 9, 11, 6, 12, 4.9, 4, 10 };
	static const int want[] = { 0, 1, 0, 0, 0, 0, 2, 0, 1 };
	for (int i = 0; i < 9; i++)
		CHECK((int)pp_level_update(&l, v[i]) == want[i], "level %d", i);
	/* MOS: lower is worse. */
	struct pp_level m = { .threshold = 3.5, .clear = 3.7,
	    .higher_is_worse = false };
	CHECK(pp_level_update(&m, 4.0) == PP_LEVEL_SAME, "mos fine");
	CHECK(pp_level_update(&m, 3.5) == PP_LEVEL_RAISE, "mos raise");
	CHECK(pp_level_update(&m, 3.6) == PP_LEVEL_SAME, "mos hysteresis");
	CHECK(pp_level_update(&m, 3.8) == PP_LEVEL_CLEAR, "mos clear");

	/* Routes: ids + 1, 0 silent. */
	struct pp_route r;
	uint32_t prev[PP_ROUTE_HOPS];
	int plen = 0;
	pp_route_init(&r, 3, 20);
	uint32_t a[] = { 1, 2, 3, 4 };
	uint32_t a_silent[] = { 1, 0, 3, 4 };
	uint32_t b[] = { 1, 5, 3, 4 };
	uint32_t longer[] = { 1, 2, 3, 6, 4 };
	CHECK(pp_route_round(&r, a, 4, prev, &plen) == PP_ROUTE_FIRST,
	    "first");
	CHECK(pp_route_round(&r, a_silent, 4, prev, &plen) == PP_ROUTE_SAME,
	    "a silent hop is no change");
	/* A hop silent from the start takes its first responder quietly. */
	struct pp_route q;
	uint32_t qs[] = { 1, 0, 3 };
	uint32_t qf[] = { 1, 8, 3 };
	pp_route_init(&q, 3, 20);
	CHECK(pp_route_round(&q, qs, 3, prev, &plen) == PP_ROUTE_FIRST, "q");
	for (int i = 0; i < 5; i++)
		CHECK(pp_route_round(&q, qf, 3, prev, &plen) == PP_ROUTE_SAME,
		    "filling a silent hop is no change");
	/* Per-packet load balancing alternates: never reported. */
	for (int i = 0; i < 10; i++)
		CHECK(pp_route_round(&r, i % 2 ? a : b, 4, prev, &plen) ==
		    PP_ROUTE_SAME, "alternating %d", i);
	/* Both are now alternatives of the route: b alone is no change. */
	for (int i = 0; i < 5; i++)
		CHECK(pp_route_round(&r, b, 4, prev, &plen) == PP_ROUTE_SAME,
		    "b is an alternative %d", i);
	/* The path is 17 rounds old: young (w 20). */
	for (int i = 0; i < 3; i++)
		CHECK(pp_route_round(&r, a, 4, prev, &plen) == PP_ROUTE_SAME,
		    "a %d", i);
	/* A new responder that holds 3 rounds is reported on the third. */
	uint32_t c[] = { 1, 7, 3, 4 };
	CHECK(pp_route_round(&r, c, 4, prev, &plen) == PP_ROUTE_SAME, "c 1");
	CHECK(pp_route_round(&r, c, 4, prev, &plen) == PP_ROUTE_SAME, "c 2");
	CHECK(pp_route_round(&r, a_silent, 4, prev, &plen) == PP_ROUTE_SAME,
	    "a silent hop matches either");
	CHECK(pp_route_round(&r, c, 4, prev, &plen) == PP_ROUTE_CHANGED,
	    "c held 3 rounds");
	CHECK(plen == 4 && r.cur[1] == 7, "the new responder");
	/* The old responders stay known: going back soon is balancing. */
	for (int i = 0; i < 5; i++)
		CHECK(pp_route_round(&r, a, 4, prev, &plen) == PP_ROUTE_SAME,
		    "back %d", i);
	/* Unseen for w rounds, a responder is forgotten: its return after
	 * that is a change. */
	for (int i = 0; i < 25; i++)
		(void)pp_route_round(&r, c, 4, prev, &plen);
	int back = 0;
	for (int i = 0; i < 3; i++)
		back += pp_route_round(&r, b, 4, prev, &plen) ==
		    PP_ROUTE_CHANGED;
	CHECK(back == 1, "return after w rounds is a change");
	/* Random per-packet balancing (35 %% of rounds) settles, reporting
	 * at most once. */
	unsigned seed = 99;
	int changes = 0;
	for (int i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t x[] = { 1, (seed >> 8) % 100 < 35 ? 9u : 2u, 3, 4 };
		changes += pp_route_round(&r, x, 4, prev, &plen) ==
		    PP_ROUTE_CHANGED;
	}
	CHECK(changes <= 1, "load balancing: %d changes", changes);
	/* A longer path is a change too. */
	for (int i = 0; i < 2; i++)
		CHECK(pp_route_round(&r, longer, 5, prev, &plen) ==
		    PP_ROUTE_SAME, "longer %d", i);
	CHECK(pp_route_round(&r, longer, 5, prev, &plen) == PP_ROUTE_CHANGED,
	    "path length change");
	CHECK(r.len == 5 && plen == 4, "lengths");

	/* The lab's per-packet balancer (lab.sh --perpacket 2): hop 2 and
	 * hop 3 each answer from either of two routers, independently per
	 * packet, 50/50, from the path's first round: never a change, in
	 * 200 traces of 60 rounds (k = 3, w = 30, pp-alert's defaults). */
	int pp_changes = 0;
	for (unsigned t = 0; t < 200; t++) {
		struct pp_route pr;
		unsigned st = t * 2654435761u + 1;
		pp_route_init(&pr, 3, 30);
		for (int i = 0; i < 60; i++) {
			st = st * 1103515245u + 12345u;
			uint32_t h2 = (st >> 16) & 1 ? 12 : 2;
			st = st * 1103515245u + 12345u;
			uint32_t h3 = (st >> 16) & 1 ? 13 : 3;
			uint32_t x[] = { 1, h2, h3, 4 };
			pp_changes += pp_route_round(&pr, x, 4, prev, &plen) ==
			    PP_ROUTE_CHANGED;
		}
	}
	CHECK(pp_changes == 0, "per-packet balancing: %d changes",
	    pp_changes);
	/* A real change on such a path, once it is old: hop 4 moves for
	 * good at round 100: reported on the third round, once. */
	struct pp_route rc;
	unsigned st = 7;
	int when = -1;
	int n = 0;
	pp_route_init(&rc, 3, 30);
	for (int i = 0; i < 200; i++) {
		st = st * 1103515245u + 12345u;
		uint32_t x[] = { 1, (st >> 16) & 1 ? 12u : 2u, 3, i < 100 ? 4u :
		    6u };
		if (pp_route_round(&rc, x, 4, prev, &plen) == PP_ROUTE_CHANGED) {
			n++;
			when = i;
		}
	}
	CHECK(n == 1 && when == 102, "a real change: %d, at %d", n, when);
	/* In a young path (round 5) it needs w rounds: reported at 34. */
	pp_route_init(&rc, 3, 30);
	n = 0;
	for (int i = 0; i < 60; i++) {
		uint32_t x[] = { 1, 2, 3, i < 5 ? 4u : 6u };
		if (pp_route_round(&rc, x, 4, prev, &plen) == PP_ROUTE_CHANGED) {
			n++;
			when = i;
		}
	}
	CHECK(n == 1 && when == 34, "a change of a young path: %d, at %d", n,
	    when);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The window's percentiles against sorting what it holds, over random
 * streams with losses and repeated values, windows of 1 to 37. */
void
test_window_pct(void)
{
	static const double ps[] = { 0.01, 0.5, 0.9, 0.95, 1.0 };
	unsigned seed = 12345;

	for (uint32_t n = 1; n <= 37; n += 4) {
		struct pp_window w;
		double ring[64];
		double sorted[64];
		uint32_t len = 0;
		CHECK(pp_window_init(&w, n) == 0, "init %u", n);
		for (int i = 0; i < 500; i++) {
			seed = seed * 1103515245u + 12345u;
			double v = (seed >> 16) % 7 == 0 ? NAN :
			    (double)((seed >> 16) % 50) / 4.0;
			pp_window_add(&w, v);
			if (len == n) {
				memmove(ring, ring + 1, (n - 1) * sizeof(double));
				len--;
			}
			ring[len++] = v;
			uint32_t k = 0;
			for (uint32_t j = 0; j < len; j++)
				if (!isnan(ring[j]))
					sorted[k++] = ring[j];
			qsort(sorted, k, sizeof(double), cmp_d);
			for (size_t q = 0; q < sizeof(ps) / sizeof(ps[0]); q++) {
				double got = pp_window_pct(&w, ps[q]);
				double want = NAN;
				if (k > 0) {
					uint32_t r = (uint32_t)ceil(ps[q] * k);
					want = sorted[(r < 1 ? 1 : r > k ? k : r) -
					    1];
				}
				CHECK((isnan(got) && isnan(want)) || got == want,
				    "n %u step %d p %g: %g, want %g", n, i,
				    ps[q], got, want);
			}
		}
		pp_window_release(&w);
	}
}
