/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>

#include "lib/stats.h"
#include "tests/unit/check.h"

void test_stats(void);

void
test_stats(void)
{
	struct pp_stats s;

	/* NUMERIC.md J-01: RTTs 20, 22, 21, 30, 20 ms. */
	pp_stats_init(&s);
	static const double rtt[] = { 20, 22, 21, 30, 20 };
	for (int i = 0; i < 5; i++)
		pp_stats_add(&s, 100 + i, rtt[i], 1);
	CHECK(s.sent == 5 && s.recv == 5, "counts");
	CHECK_NEAR(pp_stats_jitter(&s), 5.5, 1e-12, "J-01 ipdv mean abs");
	CHECK_NEAR(s.jmax, 10, 1e-12, "J-01 ipdv max abs");
	CHECK_NEAR(s.jint, 1.310272, 5e-7, "J-01 RFC 3550 J");
	CHECK_NEAR(pp_stats_stdev(&s), 4.2190, 5e-5, "J-01 sample sd");
	/* ping's mdev: sqrt(mean(x^2) - mean(x)^2) = sqrt(525 - 510.76). */
	CHECK_NEAR(pp_stats_mdev(&s), 3.7736, 5e-5, "J-01 population sd");
	CHECK_NEAR(s.mean, 22.6, 1e-12, "mean");
	CHECK_NEAR(s.last, 20, 0, "last");
	CHECK_NEAR(s.min, 20, 0, "min");
	CHECK_NEAR(s.max, 30, 0, "max");
	CHECK_NEAR(pp_stats_loss(&s), 0, 0, "no loss");
	/* mtr's j view: Jttr the last difference (|20 - 30|), Gmean the
	 * fifth root of the product. */
	CHECK_NEAR(s.jlast, 10, 0, "last jitter");
	CHECK_NEAR(pp_stats_gmean(&s), pow(20.0 * 22 * 21 * 30 * 20, 0.2),
	    1e-9, "geometric mean");
	pp_stats_release(&s);

	/* Losses are skipped by the jitter, not reset: 10, lost, 14, lost,
	 * lost, 11 gives differences 4 and 3. */
	pp_stats_init(&s);
	pp_stats_add(&s, 1, 10, 1);
	pp_stats_add(&s, 2, NAN, 0);
	pp_stats_add(&s, 3, 14, 2);
	pp_stats_add(&s, 4, NAN, 0);
	pp_stats_add(&s, 5, NAN, 0);
	pp_stats_add(&s, 6, 11, 1);
	CHECK(s.sent == 6 && s.recv == 3, "counts with loss");
	CHECK_NEAR(pp_stats_loss(&s), 50, 1e-12, "loss 50%%");
	CHECK_NEAR(pp_stats_jitter(&s), 3.5, 1e-12, "jitter skips losses");
	CHECK_NEAR(s.jlast, 3, 0, "last jitter skips losses");
	CHECK_NEAR(s.jint, 4.0 / 16 + (3 - 4.0 / 16) / 16, 1e-12, "jint");
	CHECK_NEAR(s.first_ts, 1, 0, "first ts");
	CHECK_NEAR(s.last_ts, 6, 0, "last ts");
	int order[PP_STATS_ADDRS];
	CHECK(pp_stats_addr_order(&s, order) == 2, "two responders");
	CHECK(s.addrs[order[0]].id == 1 && s.addrs[order[0]].recv == 2,
	    "most frequent first");
	CHECK_NEAR(s.addrs[order[0]].mean, 10.5, 1e-12, "responder mean");
	CHECK_NEAR(s.addrs[order[1]].min, 14, 0, "other responder");
	pp_stats_release(&s);

	/* L-02's sequence 1101111100011111 (1 = answered): two loss runs,
	 * 11 pairs from an answer (2 to a loss), 4 from a loss (2 back). */
	pp_stats_init(&s);
	const char *seq = "1101111100011111";
	for (int i = 0; seq[i] != '\0'; i++)
		pp_stats_add(&s, i, seq[i] == '1' ? 5.0 : NAN, 1);
	CHECK(s.runs == 2 && s.found_pairs == 11 && s.found_to_lost == 2 &&
	    s.lost_pairs == 4 && s.lost_to_found == 2, "L-02 counters: runs "
	    "%llu fp %llu fl %llu lp %llu lf %llu",
	    (unsigned long long)s.runs, (unsigned long long)s.found_pairs,
	    (unsigned long long)s.found_to_lost,
	    (unsigned long long)s.lost_pairs,
	    (unsigned long long)s.lost_to_found);
	pp_stats_release(&s);

	/* One answer: no jitter, no stdev; nothing: NaN everywhere. */
	pp_stats_init(&s);
	CHECK(isnan(pp_stats_loss(&s)) && isnan(pp_stats_pct(&s, 0.5)) &&
	    isnan(pp_stats_mdev(&s)), "empty");
	pp_stats_add(&s, 1, 7.5, 3);
	CHECK(s.recv == 1 && pp_stats_mdev(&s) == 0, "one answer: mdev 0");
	CHECK(isnan(pp_stats_jitter(&s)) && isnan(pp_stats_stdev(&s)) &&
	    isnan(s.jlast), "single answer");
	CHECK_NEAR(pp_stats_gmean(&s), 7.5, 1e-12, "single gmean");
	CHECK_NEAR(pp_stats_pct(&s, 0.5), 7.5, 0, "single p50");
	pp_stats_release(&s);

	/* The mean does not freeze: mtr's integer running mean stays near
	 * 23.4 ms after 7,200 samples stepping from 20 to 30 ms; the exact
	 * mean is 25.0 (reference/peers.md, section 0). */
	pp_stats_init(&s);
	long double sum = 0;
	for (int i = 0; i < 7200; i++) {
		double v = i < 5400 ? 20.0 + (i % 7) * 0.001 :
		    40.0 + (i % 7) * 0.001;
		sum += v;
		pp_stats_add(&s, i, v, 1);
	}
	CHECK_NEAR(s.mean, (double)(sum / 7200), 1e-9, "Welford mean");
	CHECK(fabs(s.mean - 25.003) < 0.001, "about 25.003: %g", s.mean);
	/* Nearest-rank p50 of 5,400 x ~20 and 1,800 x ~40: ~20 (1%). */
	CHECK(fabs(pp_stats_pct(&s, 0.5) - 20.003) <= 20.003 * 0.01, "p50 %g",
	    pp_stats_pct(&s, 0.5));
	CHECK(fabs(pp_stats_pct(&s, 0.99) - 40.006) <= 40.006 * 0.01,
	    "p99 %g", pp_stats_pct(&s, 0.99));
	/* 16 responders are tracked, more are counted together. */
	for (uint32_t id = 2; id < 40; id++)
		pp_stats_add(&s, 8000, 1.0, id);
	CHECK(s.naddrs == PP_STATS_ADDRS && s.other_recv == 40 - 2 - 15,
	    "responders bounded: %d, other %llu", s.naddrs,
	    (unsigned long long)s.other_recv);
	pp_stats_release(&s);

	/* Why probes were lost: unreachables by source and code, apart from
	 * the RTTs; TCP connections; bounded sources. */
	static const struct {
		enum pp_loss why;
		uint32_t addr;
		int code;
	} lost[] = {
		{ PP_LOSS_UNREACHABLE, 7, 1 }, { PP_LOSS_TIMEOUT, 0, -1 },
		{ PP_LOSS_UNREACHABLE, 7, 1 }, { PP_LOSS_UNREACHABLE, 7, 13 },
		{ PP_LOSS_UNREACHABLE, 3, 1 }, { PP_LOSS_UNREACHABLE, 3, 1 },
		{ PP_LOSS_UNREACHABLE, 3, 1 }, { PP_LOSS_ERROR, 0, -1 },
		{ PP_LOSS_UNREACHABLE, UINT32_MAX, -1 },
		{ PP_LOSS_REFUSED, 0, -1 },
	};
	pp_stats_init(&s);
	for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
		pp_stats_add(&s, (double)i, NAN, lost[i].addr);
		pp_stats_lost_why(&s, lost[i].why, lost[i].addr, lost[i].code);
	}
	CHECK(s.sent == 10 && s.recv == 0 && isnan(s.last), "all lost");
	CHECK(s.lost_by[PP_LOSS_UNREACHABLE] == 7 &&
	    s.lost_by[PP_LOSS_TIMEOUT] == 1 && s.lost_by[PP_LOSS_ERROR] == 1 &&
	    s.lost_by[PP_LOSS_REFUSED] == 1, "reasons");
	int uo[PP_STATS_UNREACH];
	int un = pp_stats_unreach_order(&s, uo);
	CHECK(un == 4, "sources: %d", un);
	CHECK(un == 4 && s.unreach[uo[0]].id == 3 && s.unreach[uo[0]].n == 3 &&
	    s.unreach[uo[1]].id == 7 && s.unreach[uo[1]].code == 1 &&
	    s.unreach[uo[1]].n == 2 && s.unreach[uo[2]].code == 13 &&
	    s.unreach[uo[3]].id == UINT32_MAX && s.unreach[uo[3]].code == -1,
	    "sources in order");
	for (uint32_t id = 100; id < 110; id++)
		pp_stats_lost_why(&s, PP_LOSS_UNREACHABLE, id, 0);
	CHECK(s.nunreach == PP_STATS_UNREACH && s.unreach_other == 6,
	    "sources bounded: %d, other %llu", s.nunreach,
	    (unsigned long long)s.unreach_other);
	pp_stats_conn(&s, PP_CONN_OPEN);
	pp_stats_conn(&s, PP_CONN_REFUSED);
	pp_stats_conn(&s, PP_CONN_NONE);
	CHECK(s.tcp && s.open == 1 && s.refused == 1, "connections");
	pp_stats_release(&s);
	CHECK(s.nunreach == 0 && !s.tcp && s.lost_by[PP_LOSS_UNREACHABLE] == 0,
	    "release resets");
}
