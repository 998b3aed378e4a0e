/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>

#include "lib/fwdloss.h"
#include "tests/unit/check.h"

void test_fwdloss_wilson(void);
void test_fwdloss_fisher(void);
void test_fwdloss_ratelimit(void);
void test_fwdloss_estimate(void);

/* Vectors W-01..W-03, worked from the Wilson score interval with
 * z = 1.959963985, z^2 = 3.841458821:
 *   centre c = (p + z^2 / 2n) / (1 + z^2 / n),
 *   half   h = z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n). */
void
test_fwdloss_wilson(void)
{
	double lo;
	double hi;

	/* W-01: 2 % of 100 against 2 % of 10,000.  n = 100: 1 + z^2/n =
	 * 1.038414588, c = (0.02 + 0.019207294) / 1.038414588 = 0.037756874,
	 * h = 1.959963985 sqrt(0.000196 + 0.000096036) / 1.038414588 =
	 * 0.032254677: [0.5502 %, 7.0012 %].  n = 10,000: c = 0.020187222,
	 * h = 0.002749607: [1.7435 %, 2.2934 %]. */
	pp_wilson(2, 100, PP_Z95, &lo, &hi);
	CHECK_NEAR(lo, 0.5501967550, 1e-8, "W-01 2/100 lo");
	CHECK_NEAR(hi, 7.0011790729, 1e-8, "W-01 2/100 hi");
	pp_wilson(200, 10000, PP_Z95, &lo, &hi);
	CHECK_NEAR(lo, 1.7434711675, 1e-8, "W-01 200/10000 lo");
	CHECK_NEAR(hi, 2.2933926761, 1e-8, "W-01 200/10000 hi");
	/* W-02: the ends are exact: 0 of n is [0, z^2 / (n + z^2)], n of n
	 * is [n / (n + z^2), 100 %]: 0/26 -> [0, 3.841458821 /
	 * 29.841458821 = 12.8729 %]; 10/10 -> [10 / 13.841458821 =
	 * 72.2467 %, 100 %]. */
	pp_wilson(0, 26, PP_Z95, &lo, &hi);
	CHECK(lo == 0, "W-02 0/26 lo exactly 0");
	CHECK_NEAR(hi, 12.8728921859, 1e-8, "W-02 0/26 hi");
	pp_wilson(10, 10, PP_Z95, &lo, &hi);
	CHECK_NEAR(lo, 72.2467200137, 1e-8, "W-02 10/10 lo");
	CHECK(hi == 100, "W-02 10/10 hi exactly 100");
	/* W-03: 5 of 100 and 12 of 150 (the lab's issue 17 hop 3). */
	pp_wilson(5, 100, PP_Z95, &lo, &hi);
	CHECK_NEAR(lo, 2.1543679154, 1e-8, "W-03 5/100 lo");
	CHECK_NEAR(hi, 11.1750469232, 1e-8, "W-03 5/100 hi");
	pp_wilson(12, 150, PP_Z95, &lo, &hi);
	CHECK_NEAR(lo, 4.6353641519, 1e-8, "W-03 12/150 lo");
	CHECK_NEAR(hi, 13.4621363751, 1e-8, "W-03 12/150 hi");
	pp_wilson(0, 0, PP_Z95, &lo, &hi);
	CHECK(isnan(lo) && isnan(hi), "nothing sent: no interval");
}

/* Vectors F-01..F-03: hypergeometric tails, counted by hand. */
void
test_fwdloss_fisher(void)
{
	/* F-01: every loss in the first group: 1 / C(n1 + n2, k).
	 * 3/3 vs 0/3: 1/C(6,3) = 1/20; 10/10 vs 0/10: 1/184756. */
	CHECK_NEAR(pp_fisher_greater(3, 3, 0, 3), 0.05, 1e-12, "F-01 3/3 0/3");
	CHECK_NEAR(pp_fisher_greater(10, 10, 0, 10), 1.0 / 184756, 1e-17,
	    "F-01 10/10 0/10");
	/* F-02: 3/100 vs 0/300: C(100,3) / C(400,3) = 161700 / 10586800 =
	 * 231/15124; 2/5 vs 0/20: C(5,2) / C(25,2) = 10/300. */
	CHECK_NEAR(pp_fisher_greater(3, 100, 0, 300), 231.0 / 15124, 1e-14,
	    "F-02 3/100 0/300");
	CHECK_NEAR(pp_fisher_greater(2, 5, 0, 20), 1.0 / 30, 1e-14,
	    "F-02 2/5 0/20");
	/* F-03: a sum over the tail (exact fractions evaluated in Python
	 * from the counts): 12/150 vs 6/149 = 0.11449197623905552;
	 * 30/100 vs 5/100 = 1.7738477276577934e-06; a first group losing
	 * no more than the second: the whole upper tail, 1 at x1 = 0. */
	CHECK_NEAR(pp_fisher_greater(12, 150, 6, 149), 0.11449197623905552,
	    1e-12, "F-03 12/150 6/149");
	CHECK_NEAR(pp_fisher_greater(30, 100, 5, 100), 1.7738477276577934e-06,
	    1e-17, "F-03 30/100 5/100");
	CHECK_NEAR(pp_fisher_greater(0, 100, 5, 100), 1.0, 1e-12,
	    "F-03 0/100 5/100");
	CHECK(isnan(pp_fisher_greater(5, 4, 0, 1)), "more lost than sent");
}

/* Feed a pattern of '.' (lost) and 'A' (answered), one probe every
 * step s from t0. */
static void
feed(struct pp_ratelimit *r, double t0, double step, const char *pat)
{
	for (int i = 0; pat[i] != '\0'; i++)
		pp_ratelimit_probe(r, t0 + step * i, pat[i] == 'A');
}

/* Vectors B-01..B-04: the bucket's bounds traced by hand (period T,
 * slack s; lo and hi grow by dt / T, hi capped at 6; an answer spends a
 * token: lo = max(lo, 1) - 1, hi - 1, a violation first when hi < 1 - s
 * (then hi = 6 after the spend: the bucket's top is unknown again);
 * a loss is loss when lo >= 1 + s, explained when hi < 1 - s, else in
 * doubt, and then hi = max(lo, 1)). */
void
test_fwdloss_ratelimit(void)
{
	struct pp_ratelimit r;
	struct pp_rl_verdict v;

	/* B-01: a Linux router (burst 6, one a second) probed every 0.2 s,
	 * as `pp-trace --udp -c 10 -i 0.2` on a lossless lab path:
	 * AAAAAAA... .  T = 1 (s = 0.01): hi from 6 loses 1 per answer and
	 * gains 0.2 per step: 5, 4.2, 3.4, 2.6, 1.8, 1.0, 0.2 after the
	 * seventh answer (t = 1.2); lo stays 0.  At 1.4 hi = 0.4 < 0.99:
	 * explained; 1.6 (0.6), 1.8 (0.8) likewise: 3 explained, no loss,
	 * no violation.  T = 2 meets a violation at 1.2 (hi 0.6 < 0.995), its
	 * top is unknown again (hi 6), the losses after are in doubt (hi
	 * held at 1): none explained; T = 0.5 has lo = 1.2 >= 1.02 at 1.8:
	 * loss.
	 * Verdict: a limit of 1 s, the 3 losses not loss. */
	pp_ratelimit_init(&r);
	feed(&r, 100, 0.2, "AAAAAAA...");
	CHECK(r.explained[1] == 3 && r.loss[1] == 0 && r.violations[1] == 0,
	    "B-01 T=1: %u explained %u loss %u violations", r.explained[1],
	    r.loss[1], r.violations[1]);
	CHECK(r.explained[0] == 0 && r.violations[0] == 1, "B-01 T=2");
	CHECK(r.explained[2] == 0 && r.loss[2] == 1, "B-01 T=0.5");
	pp_ratelimit_verdict(&r, &v);
	CHECK(v.limited && v.period == 1.0 && v.explained == 3 && v.loss == 0,
	    "B-01 verdict");

	/* B-02: random loss, no limit: every 0.1 s AA.AAA.AAA. .  T = 2
	 * (0.05 a step): hi 5, 4.05; the loss at 0.2 is in doubt (lo 0.05,
	 * hi 4.1) and sets hi = 1; the answer at 0.3 (hi 1.05) leaves 0.05;
	 * 0.4 is a violation (hi 0.1): hi 6 again, 0.5 answers (5), the loss
	 * at 0.6 is in doubt (hi 1), 0.7 answers, 0.8 is a violation, 0.9
	 * answers, 1.0 in doubt: none explained, 2 violations (a limit may
	 * have 1 per 16 it explains).  The same for
	 * 1, 0.5 and 0.25 s; 0.1 and 0.025 s explain none either.  Not
	 * limited: every loss is loss. */
	pp_ratelimit_init(&r);
	feed(&r, 100, 0.1, "AA.AAA.AAA.");
	CHECK(r.explained[0] == 0 && r.violations[0] == 2,
	    "B-02 T=2: %u explained %u violations", r.explained[0],
	    r.violations[0]);
	pp_ratelimit_verdict(&r, &v);
	CHECK(!v.limited && v.explained == 0 && v.loss == 3 && isnan(v.period),
	    "B-02 verdict");

	/* B-03: the bucket found empty (a run before drained it), a probe
	 * every 0.3 s: the router answers at 1.2, 2.1, 3.0, 4.2, ...
	 * T = 1: the four losses before the first answer are in doubt
	 * (lo < 1 <= hi; hi held at 1); the answer at 1.2 (lo 1.2, hi 1.3)
	 * leaves [0.2, 0.3]; 1.5 (hi 0.6) and 1.8 (0.9) explained; 2.1
	 * answers ([0.1, 0.2] after); 2.4, 2.7 explained; 3.0 answers
	 * ([0, 0.1]); 3.3, 3.6 explained, 3.9 in doubt (hi 1.0): each 3 s
	 * 6 explained, 1 in doubt.  Over 34 probes: 9 answers, 18
	 * explained, 7 in doubt, no loss, no violation.  T = 2 explains 12
	 * with 4 violations (> 12/16): not it.  Verdict: 1 s, none of
	 * the 25 losses loss. */
	pp_ratelimit_init(&r);
	feed(&r, 100, 0.3, "....A..A..A...A..A..A...A..A..A...");
	CHECK(r.explained[1] == 18 && r.loss[1] == 0 &&
	    r.violations[1] == 0, "B-03 T=1: %u explained %u loss",
	    r.explained[1], r.loss[1]);
	CHECK(r.explained[0] == 12 && r.violations[0] == 4, "B-03 T=2");
	pp_ratelimit_verdict(&r, &v);
	CHECK(v.limited && v.period == 1.0 && v.explained == 25 &&
	    v.loss == 0, "B-03 verdict: %g s, %llu explained", v.period,
	    (unsigned long long)v.explained);

	/* B-04: B-03's first 10 probes, a pause to t = 6.0 (the bucket
	 * refills), then every 0.3 s; the probe at 6.0 is lost on the way
	 * (the router keeps its tokens and answers the next five).  At 6.0
	 * lo = 0.1 + 3.3 = 3.4 >= 1.01: loss (lo 2.4 after, hi unchanged),
	 * and the five answers find hi >= 1: no violation.  T = 1: 8
	 * explained, 1 loss, 0 violations; verdict 1 s, 1 of 13 losses is
	 * loss. */
	static const double t4[] = { 0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1,
	    2.4, 2.7, 6.0, 6.3, 6.6, 6.9, 7.2, 7.5, 7.8, 8.1, 8.4, 8.7, 9.0,
	    9.3 };
	static const char p4[] = "....A..A...AAAAA.A..A.";
	pp_ratelimit_init(&r);
	for (int i = 0; p4[i] != '\0'; i++)
		pp_ratelimit_probe(&r, 100 + t4[i], p4[i] == 'A');
	CHECK(r.explained[1] == 8 && r.loss[1] == 1 && r.violations[1] == 0,
	    "B-04 T=1: %u explained %u loss %u violations", r.explained[1],
	    r.loss[1], r.violations[1]);
	pp_ratelimit_verdict(&r, &v);
	CHECK(v.limited && v.period == 1.0 && v.loss == 1 &&
	    v.explained == 12, "B-04 verdict");

	/* A new window keeps the bounds, zeroes the counts. */
	pp_ratelimit_window(&r);
	CHECK(r.answered == 0 && r.lost == 0 && r.explained[1] == 0 &&
	    r.hi[1] < 6, "window reset");
	pp_ratelimit_verdict(&r, &v);
	CHECK(!v.limited && v.loss == 0, "empty window");

	/* B-05: pp_ratelimit_now waits for the limit to refill.  The
	 * probes of B-01, then 15 more lost: a link cut after 7 answers.
	 * T = 1 explains 4 losses in 5 and T = 2 more (the verdict, over
	 * what it has, may take it for a limit), but no answer came after
	 * them: not a limit yet (it was: T = 2, the cut's losses left out
	 * of the outage rule and a 3.6 s cut no outage).  The answer at
	 * 4.6 s finds T = 1's bucket refilled (hi >= 1): from then on, its
	 * 1 s. */
	pp_ratelimit_init(&r);
	int now = -2;
	for (int i = 0; i < 22; i++) {
		pp_ratelimit_probe(&r, 100 + 0.2 * i, i < 7);
		if (i >= 7 && pp_ratelimit_now(&r) != -1)
			now = pp_ratelimit_now(&r);
	}
	CHECK(now == -2 && r.all_explained[1] >= 2, "B-05 a cut: no limit "
	    "now (%d), %u explained", now, r.all_explained[1]);
	pp_ratelimit_probe(&r, 100 + 0.2 * 23, true);
	CHECK(pp_ratelimit_now(&r) == 1, "B-05 answered again: 1 s (%d)",
	    pp_ratelimit_now(&r));
}

/* Vectors E-01..E-05: the estimate over a target's hops. */
void
test_fwdloss_estimate(void)
{
	/* E-01 (issue 17, scenario 1, a lab run): 5 % lost forward on the
	 * link before hop 3; hops 3..5 lost 12/150, 6/149, 7/149.  Hop 3
	 * against hop 4: Fisher 0.1145 (F-03) > 0.001: its own; hop 4
	 * loses less than hop 5: its own.  Each hop's figure is its own
	 * loss with its own interval: 8.0 % [4.64, 13.46]. */
	struct pp_fwd_hop e1[] = {
		{ .ttl = 1, .sent = 150 },
		{ .ttl = 2, .sent = 150 },
		{ .ttl = 3, .sent = 150, .lost = 12 },
		{ .ttl = 4, .sent = 149, .lost = 6 },
		{ .ttl = 5, .sent = 149, .lost = 7 },
	};
	pp_fwdloss_estimate(e1, 5);
	CHECK(e1[0].fwd == 0 && e1[1].fwd == 0, "E-01 hops 1, 2");
	CHECK_NEAR(e1[2].fwd, 8.0, 1e-12, "E-01 hop 3");
	CHECK_NEAR(e1[2].lo, 4.6353641519, 1e-8, "E-01 hop 3 lo");
	CHECK_NEAR(e1[2].hi, 13.4621363751, 1e-8, "E-01 hop 3 hi");
	CHECK(!e1[2].declines && e1[2].basis == 3 && e1[2].n == 150 &&
	    e1[2].x == 12, "E-01 hop 3 basis");
	CHECK_NEAR(e1[3].fwd, 600.0 / 149, 1e-12, "E-01 hop 4");

	/* E-02: a hop that deprioritises its answers: 30/100 against the
	 * next hop's 5/100 (Fisher 1.77e-6 < 0.001): it declines, and takes
	 * hop 3's 5 % [2.15, 11.18] (W-03).  Hop 1 (0/100) is compared with
	 * hop 3, the next hop whose loss is its own: 0 %. */
	struct pp_fwd_hop e2[] = {
		{ .ttl = 1, .sent = 100 },
		{ .ttl = 2, .sent = 100, .lost = 30 },
		{ .ttl = 3, .sent = 100, .lost = 5 },
		{ .ttl = 4, .sent = 100, .lost = 5 },
	};
	pp_fwdloss_estimate(e2, 4);
	CHECK(e2[1].declines && e2[1].basis == 3, "E-02 hop 2 declines");
	CHECK_NEAR(e2[1].fwd, 5.0, 1e-12, "E-02 hop 2 takes hop 3's");
	CHECK_NEAR(e2[1].lo, 2.1543679154, 1e-8, "E-02 lo");
	CHECK_NEAR(e2[1].hi, 11.1750469232, 1e-8, "E-02 hi");
	CHECK(!e2[0].declines && e2[0].fwd == 0, "E-02 hop 1");

	/* E-03: a silent router in a short trace (10 rounds): 10/10 lost
	 * where hop 4 lost 0/10.  Fisher 1/184756 declines it anyway; so
	 * would 2/2 against 0/2 (never answered while a later hop did):
	 * 0 % [0, 27.75] (W-02 for n = 10). */
	struct pp_fwd_hop e3[] = {
		{ .ttl = 2, .sent = 2 },
		{ .ttl = 3, .sent = 2, .lost = 2 },
		{ .ttl = 4, .sent = 2 },
	};
	pp_fwdloss_estimate(e3, 3);
	CHECK(e3[1].declines && e3[1].fwd == 0 && e3[1].basis == 4,
	    "E-03 a silent hop of 2 rounds");
	e3[0].sent = e3[1].sent = e3[1].lost = e3[2].sent = 10;
	pp_fwdloss_estimate(e3, 3);
	CHECK(e3[1].declines && e3[1].fwd == 0, "E-03 silent, 10 rounds");
	CHECK_NEAR(e3[1].hi, 27.7532799863, 1e-8, "E-03 hi");

	/* E-04: rate-limited routers on a lossless path, a UDP trace of 100
	 * rounds (the lab): every router and the destination answered 26,
	 * the bucket explains the other 74: 0/26 each, 0 % [0, 12.87]. */
	struct pp_fwd_hop e4[5];
	for (int i = 0; i < 5; i++)
		e4[i] = (struct pp_fwd_hop){ .ttl = i + 1, .sent = 100,
		    .lost = 74, .explained = 74 };
	pp_fwdloss_estimate(e4, 5);
	for (int i = 0; i < 5; i++) {
		CHECK(e4[i].fwd == 0 && !e4[i].declines && e4[i].n == 26,
		    "E-04 hop %d", i + 1);
		CHECK_NEAR(e4[i].hi, 12.8728921859, 1e-8, "E-04 hi");
	}

	/* E-05: the same limit unrecognised at hop 1 (74/100 against hop
	 * 2's 0/26: declines) and a limited hop 2 whose probes the bucket
	 * allowed lost 1 of 27 (W: [0.66, 18.28]) against a destination of
	 * 5/100: its own (it loses less). */
	struct pp_fwd_hop e5[] = {
		{ .ttl = 1, .sent = 100, .lost = 74 },
		{ .ttl = 2, .sent = 100, .lost = 74, .explained = 73 },
		{ .ttl = 3, .sent = 100, .lost = 5 },
	};
	pp_fwdloss_estimate(e5, 3);
	CHECK(e5[0].declines && e5[0].basis == 2, "E-05 hop 1");
	CHECK(!e5[1].declines && e5[1].n == 27 && e5[1].x == 1, "E-05 hop 2");
	CHECK_NEAR(e5[1].lo, 0.6568145981, 1e-8, "E-05 lo");
	CHECK_NEAR(e5[1].hi, 18.2834659336, 1e-8, "E-05 hi");
	CHECK_NEAR(e5[2].fwd, 5.0, 1e-12, "E-05 destination");
}
