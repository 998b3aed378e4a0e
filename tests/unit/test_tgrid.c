/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include "lib/tgrid.h"
#include "tests/unit/check.h"

void test_tgrid(void);

struct cnt {
	long n;
	double sum;
};

static void
cnt_init(void *c)
{
	struct cnt *x = c;

	x->n = 0;
	x->sum = 0;
}

static void
cnt_merge(void *dst, const void *src)
{
	struct cnt *d = dst;
	const struct cnt *s = src;

	d->n += s->n;
	d->sum += s->sum;
}

static const struct pp_tgrid_ops cnt_ops = {
	.size = sizeof(struct cnt),
	.init = cnt_init,
	.merge = cnt_merge,
	.release = NULL,
};

static void
add(struct pp_tgrid *g, struct pp_tseries *s, double ts)
{
	struct cnt *c = pp_tgrid_col(g, s, ts);

	if (c != NULL) {
		c->n++;
		c->sum += ts;
	}
}

static long
total(const struct pp_tgrid *g, const struct pp_tseries *s)
{
	long n = 0;

	for (size_t i = 0; i < g->n; i++)
		n += ((const struct cnt *)pp_tseries_at(g, s, i))->n;
	return n;
}

void
test_tgrid(void)
{
	struct pp_tgrid g;
	struct pp_tseries a;
	struct pp_tseries b;

	/* One minute of 1 kHz samples in a 100-column budget: coarsens to
	 * 1 s columns (60 of them), loses nothing. */
	CHECK(pp_tgrid_init(&g, 100, 0) == 0, "init");
	CHECK(pp_tseries_add(&g, &a, &cnt_ops) == 0, "series a");
	CHECK(pp_tseries_add(&g, &b, &cnt_ops) == 0, "series b");
	for (int i = 0; i < 60000; i++)
		add(&g, &a, 1764000000.0 + i * 0.001);
	add(&g, &b, 1764000030.5);
	CHECK_NEAR(g.width, 1, 0, "width 1 s");
	CHECK(g.n == 60, "60 columns, got %zu", g.n);
	CHECK(total(&g, &a) == 60000, "every sample kept: %ld", total(&g, &a));
	CHECK(total(&g, &b) == 1, "other series merged along");
	CHECK_NEAR(pp_tgrid_col_start(&g, 0), 1764000000.0, 1e-6, "aligned");
	struct cnt *c30 = pp_tseries_at(&g, &b, 30);
	CHECK(c30->n == 1, "b's sample in column 30");
	struct cnt *c0 = pp_tseries_at(&g, &a, 0);
	CHECK(c0->n == 1000, "1000 per column, got %ld", c0->n);

	/* An older sample extends the grid to the left. */
	add(&g, &a, 1763999990.2);
	CHECK(g.n == 70, "extended left: %zu", g.n);
	CHECK(total(&g, &a) == 60001, "kept");
	/* A day later: coarsens further, still everything. */
	add(&g, &a, 1764086400.0);
	CHECK(g.n <= 100, "within budget");
	CHECK(total(&g, &a) == 60002, "kept after a day: %ld", total(&g, &a));
	CHECK(total(&g, &b) == 1, "b kept");
	CHECK_NEAR(g.width, 1200, 0, "20 min columns for a day");
	pp_tseries_release(&g, &a);
	pp_tseries_release(&g, &b);
	pp_tgrid_release(&g);

	/* Fixed width slides. */
	CHECK(pp_tgrid_init(&g, 10, 1) == 0, "fixed");
	CHECK(pp_tseries_add(&g, &a, &cnt_ops) == 0, "series");
	for (int i = 0; i < 25; i++)
		add(&g, &a, 100.0 + i);
	CHECK(g.n == 10 && g.first == 115, "last 10 s kept: n %zu first %lld",
	    g.n, g.first);
	CHECK(total(&g, &a) == 10, "10 samples in the window");
	add(&g, &a, 50);
	CHECK(g.dropped == 1, "old sample dropped and counted");
	pp_tseries_release(&g, &a);
	pp_tgrid_release(&g);
	CHECK(pp_tgrid_init(&g, 1, 0) == -1, "budget too small");

	CHECK_NEAR(pp_tgrid_next_width(1), 2, 0, "ladder 1 -> 2");
	CHECK_NEAR(pp_tgrid_next_width(20), 60, 0, "ladder 20 -> 60");
}
