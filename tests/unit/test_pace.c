/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "lib/pace.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_pace(void);

/* Feed n waits gap_us apart, the k-th late by lo_us + (k % spread_us). */
static void
feed(struct pp_pace *p, int n, long long gap_us, long long lo_us,
    long long spread_us)
{
	long long t = 1000000000LL;

	for (int k = 0; k < n; k++) {
		long long late = lo_us + (spread_us > 0 ? k % spread_us : 0);
		pp_pace_note(p, t, t + late * 1000);
		t += gap_us * 1000;
	}
}

void
test_pace(void)
{
	static const struct {
		const char *what;
		int n;			/* samples */
		long long gap, lo, spread;	/* us */
		double budget;
		long long max;		/* us */
		double want, tol;	/* margin, us */
	} cases[] = {
		/* Always 50 us late: wake 50 us early, spinning nothing. */
		{ "constant", 1024, 1000, 50, 0, 0.03, 1000, 50, 0 },
		{ "constant, no budget", 1024, 1000, 50, 0, 0, 1000, 50, 0 },
		{ "constant, 10 kHz", 1024, 100, 50, 0, 0.03, 1000, 50, 0 },
		/* 0..99 us: the 99th percentile (98) if the budget allows... */
		{ "spread, ample", 1000, 1000, 0, 100, 0.5, 1000, 98, 0 },
		/* ...else m with (m^2 + m) / 200 = budget * gap (in us). */
		{ "spread, 3% of 1 ms", 1000, 1000, 0, 100, 0.03, 1000, 77, 1 },
		{ "spread, 3% of 100us", 1000, 100, 0, 100, 0.03, 1000, 24, 1 },
		{ "spread, no budget", 1000, 1000, 0, 100, 0, 1000, 0, 0.01 },
		/* Never more than the cap. */
		{ "capped", 1024, 1000, 500, 0, 0.03, 200, 200, 0 },
		{ "capped spread", 1000, 1000, 300, 100, 0.5, 200, 200, 0 },
		/* Too few samples to learn from. */
		{ "few", 7, 1000, 50, 0, 0.03, 1000, 0, 0 },
		{ "first eight", 8, 1000, 50, 0, 0.03, 1000, 50, 0 },
		/* The window holds the recent samples only. */
		{ "window", 5000, 1000, 20, 0, 0.03, 1000, 20, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_pace *p = malloc(sizeof(*p));
		CHECK(p != NULL, "malloc");
		if (p == NULL)
			return;
		pp_pace_init(p, cases[i].budget, cases[i].max * 1000);
		feed(p, cases[i].n, cases[i].gap, cases[i].lo,
		    cases[i].spread);
		long long at = 5000000000LL;
		long long stop = pp_pace_wake(p, at);
		double m = (double)pp_pace_margin(p) / 1000.0;
		CHECK_NEAR(m, cases[i].want, cases[i].tol, cases[i].what);
		CHECK(stop == at - pp_pace_margin(p), "%s: wake %lld",
		    cases[i].what, stop);
		free(p);
	}

	/* Lateness after a change: 5000 waits at 20 us, then 1024 at 60. */
	struct pp_pace *p = malloc(sizeof(*p));
	CHECK(p != NULL, "malloc");
	if (p == NULL)
		return;
	pp_pace_init(p, 0.03, 1000000);
	feed(p, 5000, 1000, 20, 0);
	(void)pp_pace_wake(p, 0);
	CHECK(pp_pace_margin(p) == 20000, "before: %lld", pp_pace_margin(p));
	feed(p, 1024, 1000, 60, 0);
	(void)pp_pace_wake(p, 0);
	CHECK(pp_pace_margin(p) == 60000, "after: %lld", pp_pace_margin(p));
	/* Negative lateness (a clock step) counts as none. */
	pp_pace_init(p, 0.03, 1000000);
	for (int k = 0; k < 64; k++)
		pp_pace_note(p, 2000000 + k * 1000000LL, 1000000 + k *
		    1000000LL);
	(void)pp_pace_wake(p, 0);
	CHECK(pp_pace_margin(p) == 0, "negative: %lld", pp_pace_margin(p));

	/* The spin ends at the time asked, not before, soon after. */
	long long now = pp_mono_ns();
	long long end = pp_pace_spin(p, now + 200000);
	CHECK(end >= now + 200000, "spin ended %lld ns early",
	    now + 200000 - end);
	CHECK(end < now + 200000 + 50000000, "spin ended %lld ns late",
	    end - now - 200000);
	CHECK(p->spins == 1 && p->spun >= 150000, "spun %lld ns in %lu",
	    p->spun, p->spins);
	/* A time already past: no spin. */
	end = pp_pace_spin(p, now);
	CHECK(end >= now + 200000 && p->spins == 1, "past: %lu spins",
	    p->spins);
	CHECK(pp_pace_tight_timers() == 0, "tight timers: %s",
	    strerror(errno));
	/* The budget bounds spinning itself: 5 % of wall time, at most the
	 * largest margin saved up (1 ms); so times closer together than the
	 * margin never spin all the time between them. */
	pp_pace_init(p, 0.05, 1000000);
	long long t = 1000000000LL;
	CHECK(pp_pace_may_spin(p, t, t + 800000), "a full bucket at first");
	CHECK(!pp_pace_may_spin(p, t, t + 300000), "then spent");
	CHECK(pp_pace_may_spin(p, t, t), "a time past needs none");
	long long spun = 0;
	for (int k = 1; k <= 10000; k++) {
		long long at = t + k * 100000LL;	/* every 100 us */
		if (pp_pace_may_spin(p, at, at + 50000))
			spun += 50000;
	}
	CHECK(spun >= 40000000 && spun <= 51000000 + 200000,
	    "1 s of 100 us gaps: %lld ns spun (5 %% of 1 s, plus the saved)",
	    spun);
	pp_pace_init(p, 0, 1000000);
	CHECK(!pp_pace_may_spin(p, t, t + 1000) && !pp_pace_may_spin(p, t +
	    1000000000LL, t + 1000000000LL + 1000), "no budget: never");
	free(p);
}
