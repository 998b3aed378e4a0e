/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/judge.h"
#include "tests/unit/check.h"

void test_judge(void);
void test_judge_rise(void);
void test_judge_rounds(void);

/* What the sink saw. */
struct seen {
	char log[2048];		/* "kind/state@ts/window[/from/code/reason]"
				 * per alert, "partial N/W" per partial */
	size_t used;
};

static void
add(struct seen *s, const char *text)
{
	int n = snprintf(s->log + s->used, sizeof(s->log) - s->used, "%s%s",
	    s->used > 0 ? " " : "", text);
	if (n > 0 && (size_t)n < sizeof(s->log) - s->used)
		s->used += (size_t)n;
}

static void
on_alert(void *arg, const struct pp_alert_rec *a)
{
	char buf[256];

	if (a->from != NULL || a->reason != NULL)
		(void)snprintf(buf, sizeof(buf), "%s/%s@%.0f/%lld/%s/%d/%s",
		    a->kind, a->state, a->ts - 1764000000, a->window,
		    a->from != NULL ? a->from : "-", a->code,
		    a->reason != NULL ? a->reason : "-");
	else
		(void)snprintf(buf, sizeof(buf), "%s/%s@%.0f/%lld", a->kind,
		    a->state, a->ts - 1764000000, a->window);
	add(arg, buf);
}

static void
on_partial(void *arg, const char *target, int ttl, uint32_t n,
    uint32_t window)
{
	char buf[64];

	(void)target;
	(void)ttl;
	(void)snprintf(buf, sizeof(buf), "partial %u/%u", n, window);
	add(arg, buf);
}

/* A plain probe stream from a pattern: one character a probe, sent a
 * second apart: r reply (10 ms), t timeout, u unreachable from a router
 * (host, code 1), R TCP refused, L a local drop. */
static void
run(const char *pattern, uint32_t window, double loss, bool refused_down,
    double outage_min, const char *want)
{
	struct pp_judge j;
	struct seen s = { .used = 0 };
	struct pp_judge_opts o = {
		.loss = loss, .latency = NAN, .mos = NAN, .clear = 80,
		.pct = 0.5, .window = window, .route_rounds = 3,
		.routes = false, .hops = false, .horizon = 11,
		.outage_loss = 30, .outage_min = outage_min,
		.outcome = { .refused_down = refused_down },
	};
	struct pp_judge_sink sink = {
		.alert = on_alert, .partial = on_partial, .arg = &s,
	};

	s.log[0] = '\0';
	CHECK(pp_judge_init(&j, &o, &sink) == 0, "init");
	for (size_t i = 0; pattern[i] != '\0'; i++) {
		struct pp_probe p;
		memset(&p, 0, sizeof(p));
		p.ts = 1764000000.0 + (double)i;
		p.target = "t";
		p.dst = "198.18.4.2";
		p.proto = "icmp";
		p.seq = (long long)i;
		p.round = p.flow = -1;
		p.ttl = p.reply_ttl = p.code = p.port = p.size = -1;
		p.rtt = NAN;
		switch (pattern[i]) {
		case 'r':
			p.status = PP_ST_REPLY;
			p.from = p.dst;
			p.rtt = 10;
			break;
		case 'u':
			p.status = PP_ST_UNREACHABLE;
			p.from = "198.18.3.2";
			p.code = 1;
			p.rtt = 0.3;
			break;
		case 'R':
			p.status = PP_ST_REPLY;
			p.proto = "tcp";
			p.conn = PP_CONN_REFUSED;
			p.from = p.dst;
			p.rtt = 0.4;
			break;
		case 'L':
			p.status = PP_ST_TIMEOUT;
			p.local_drop = true;
			break;
		default:
			p.status = PP_ST_TIMEOUT;
			break;
		}
		CHECK(pp_judge_probe(&j, &p) == 0, "probe");
	}
	pp_judge_finish(&j);
	CHECK_STR(s.log, want, pattern);
	pp_judge_release(&j);
}

void
test_judge(void)
{
	static const struct {
		const char *pattern;
		uint32_t window;
		double loss;
		bool refused_down;
		double outage_min;
		const char *want;
	} cases[] = {
		/* With outages longer than the input (outage_min 100 s):
		 * never answered, raised once the window's worth was sent. */
		{ "tttttttttttt", 10, 20, false, 100,
		  "unreachable/raise@9/10/-/-1/timeout" },
		/* ... or at the end of a shorter input, with its probes. */
		{ "ttttt", 10, 20, false, 100,
		  "unreachable/raise@4/5/-/-1/timeout" },
		/* An ICMP unreachable is no answer: named with its source. */
		{ "uuuuuu", 4, 20, false, 100,
		  "unreachable/raise@3/4/198.18.3.2/1/host-unreachable" },
		{ "uutttt", 6, 20, false, 100,
		  "unreachable/raise@5/6/-/-1/timeout" },
		/* And it clears when the outage ends: the first answer of a
		 * recovery that holds (here the input's end). */
		{ "ttttr", 3, NAN, false, 100,
		  "unreachable/raise@2/3/-/-1/timeout unreachable/clear@4/4" },
		/* Loss over a full window, then cleared. */
		{ "rrrrrrrrrrtttrrrrrrrrrrrr", 10, 30, false, 100,
		  "loss/raise@12/10 loss/clear@20/10" },
		/* A window that never filled is judged at the end. */
		{ "rtrtrt", 10, 20, false, 100, "partial 6/10 loss/raise@5/6" },
		{ "rrrrrr", 10, 20, false, 100, "partial 6/10" },
		/* Refused: an answer, or with refused_down a loss. */
		{ "RRRR", 4, 20, false, 100, "" },
		{ "RRRR", 4, 20, true, 100,
		  "unreachable/raise@3/4/-/-1/refused" },
		/* Local drops count for nothing: no probe, nothing raised. */
		{ "LLLL", 2, 20, false, 100, "" },
		{ "rLLLrLLr", 3, 20, false, 100, "" },
		/* Outages (30 %, 3 s; pp-stats' rule): probes 5..9 lost.  It
		 * is sure to last 3 s at probe 8: raised, dated 5, 4 probes
		 * so far; the answer at 10 begins a recovery that holds (10,
		 * 11, 12 answered): cleared at probe 13, dated 10, 5 probes
		 * lost of 5.  No loss alert without a loss threshold. */
		{ "rrrrrtttttrrrrrrr", 20, NAN, false, 3,
		  "unreachable/raise@5/4/-/-1/timeout "
		  "unreachable/clear@10/5 partial 17/20" },
		/* A target that never answered: an outage from its first
		 * probe, raised at 3 s, dated 0. */
		{ "tttttttttttt", 10, NAN, false, 3,
		  "unreachable/raise@0/4/-/-1/timeout" },
		/* Shorter than 3 s: no outage, nothing. */
		{ "rrttrrrrr", 10, NAN, false, 3, "partial 9/10" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(cases[i].pattern, cases[i].window, cases[i].loss,
		    cases[i].refused_down, cases[i].outage_min, cases[i].want);

	/* MOS records: raise at or below, clear above the way back. */
	struct pp_judge j;
	struct seen s = { .used = 0 };
	struct pp_judge_opts o = {
		.loss = NAN, .latency = NAN, .mos = 3.5, .clear = 80,
		.pct = 0.5, .window = 20, .route_rounds = 3, .horizon = 11,
		.outage_loss = 30, .outage_min = 3,
	};
	struct pp_judge_sink sink = { .alert = on_alert, .arg = &s };
	static const double mos[] = { 4.3, 3.1, 3.6, 4.2, NAN, 1.0 };
	s.log[0] = '\0';
	CHECK(pp_judge_init(&j, &o, &sink) == 0, "init mos");
	for (size_t i = 0; i < sizeof(mos) / sizeof(mos[0]); i++) {
		struct pp_mos_rec m;
		pp_mos_rec_init(&m);
		m.target = "v";
		m.end = 1764000000.0 + (double)i;
		m.mos = mos[i];
		CHECK(pp_judge_mos(&j, &m) == 0, "mos");
	}
	pp_judge_finish(&j);
	CHECK_STR(s.log, "mos/raise@1/1 mos/clear@3/1 mos/raise@5/1", "mos");
	CHECK(j.mos_records == 5 && j.raised == 2 && j.probes == 0,
	    "mos counts");
	pp_judge_release(&j);

	/* A window out of range is refused. */
	o.window = 0;
	CHECK(pp_judge_init(&j, &o, &sink) == -1 && errno == EINVAL,
	    "window 0");
	pp_judge_release(&j);
}

/* Plain probes a second apart with these RTTs (NAN: lost), judged for a
 * rise of `rise` % over windows of 3. */
static void
run_rise(const double *rtt, size_t n, double rise, const char *want)
{
	struct pp_judge j;
	struct seen s = { .used = 0 };
	struct pp_judge_opts o = {
		.loss = NAN, .latency = NAN, .rise = rise, .mos = NAN,
		.clear = 80, .pct = 0.5, .window = 3, .route_rounds = 3,
		.horizon = 11,
	};
	struct pp_judge_sink sink = { .alert = on_alert, .arg = &s };

	s.log[0] = '\0';
	CHECK(pp_judge_init(&j, &o, &sink) == 0, "init rise");
	for (size_t i = 0; i < n; i++) {
		struct pp_probe p;
		memset(&p, 0, sizeof(p));
		p.ts = 1764000000.0 + (double)i;
		p.target = "t";
		p.dst = "198.18.4.2";
		p.proto = "icmp";
		p.seq = (long long)i;
		p.round = p.flow = -1;
		p.ttl = p.reply_ttl = p.code = p.port = p.size = -1;
		p.status = isnan(rtt[i]) ? PP_ST_TIMEOUT : PP_ST_REPLY;
		p.from = isnan(rtt[i]) ? NULL : p.dst;
		p.rtt = rtt[i];
		CHECK(pp_judge_probe(&j, &p) == 0, "probe");
	}
	pp_judge_finish(&j);
	CHECK_STR(s.log, want, "rise");
	pp_judge_release(&j);
}

void
test_judge_rise(void)
{
	/* Baseline 10 (threshold 20, clear below 16): the median of 3
	 * reaches 25 at 4, falls to 12 at 7; a lower baseline (4: threshold
	 * 8) is learnt at 9 and 9 ms raises at 11. */
	static const double a[] = { 10, 10, 10, 25, 25, 25, 12, 12, 4, 4, 9,
	    9 };
	run_rise(a, sizeof(a) / sizeof(a[0]), 100,
	    "rise/raise@4/3 rise/clear@7/3 rise/raise@11/3");
	/* Sub-millisecond: at least 1 ms above the baseline (0.2: 1.2). */
	static const double b[] = { 0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 1.5, 1.5 };
	run_rise(b, sizeof(b) / sizeof(b[0]), 100, "rise/raise@7/3");
	/* Lost probes: the percentile of the answered ones (at 6, the one
	 * 30 ms answer); a window with none answered sets nothing.  The 3 s
	 * of loss are an outage (30 %, 3 s by default): unreachable from 3
	 * to the answer at 6. */
	static const double c[] = { 10, 10, 10, NAN, NAN, NAN, 30, 30, 30 };
	run_rise(c, sizeof(c) / sizeof(c[0]), 50,
	    "unreachable/raise@3/3 rise/raise@6/3 unreachable/clear@6/3");
	/* Off (0), and a short input (no full window) never raises. */
	run_rise(a, sizeof(a) / sizeof(a[0]), 0, "");
	run_rise(a, 2, 100, "");
}

static void
on_route(void *arg, const struct pp_route_rec *r)
{
	char buf[64];

	(void)snprintf(buf, sizeof(buf), "route@%lld/%d%s", r->round,
	    r->nhops, r->nprev > 0 ? "/changed" : "");
	add(arg, buf);
}

/* A trace of 60 rounds 20 ms apart over 4 hops (the second router
 * 198.18.2.2, or 198.18.22.2 from round `moved` on), rounds 40 to 50 sent
 * behind schedule: their TTLs 3 and 4 after the next `late` rounds' TTLs
 * 1 and 2.  (A route younger than 30 rounds needs 30 to change.) */
static void
run_rounds(int late, int moved, const char *want)
{
	struct pp_judge j;
	struct seen s = { .used = 0 };
	struct pp_judge_opts o = {
		.loss = NAN, .latency = NAN, .mos = NAN, .clear = 80,
		.pct = 0.5, .window = 20, .route_rounds = 3, .routes = true,
		.horizon = 11, .outage_loss = 30, .outage_min = 3,
	};
	struct pp_judge_sink sink = {
		.alert = on_alert, .route = on_route, .arg = &s,
	};
	static const char *const hop[] = { "198.18.1.2", "198.18.2.2",
	    "198.18.3.2", "198.18.4.2" };

	s.log[0] = '\0';
	CHECK(pp_judge_init(&j, &o, &sink) == 0, "init rounds");
	for (int r = 0; r < 60; r++) {
		for (int ttl = 1; ttl <= 4; ttl++) {
			struct pp_probe p;
			memset(&p, 0, sizeof(p));
			double at = r * 0.02 + ttl * 0.001;
			if (ttl > 2 && r >= 40 && r <= 50)
				at += late * 0.02 + 0.0025;
			p.ts = 1764000000.0 + at;
			p.target = "t";
			p.dst = hop[3];
			p.proto = "icmp";
			p.seq = r * 4 + ttl;
			p.round = r;
			p.flow = -1;
			p.ttl = ttl;
			p.reply_ttl = p.code = p.port = p.size = -1;
			p.status = ttl == 4 ? PP_ST_REPLY : PP_ST_TTL_EXPIRED;
			p.from = ttl == 2 && r >= moved ? "198.18.22.2" :
			    hop[ttl - 1];
			p.rtt = 0.1 * ttl;
			CHECK(pp_judge_probe(&j, &p) == 0, "probe");
		}
	}
	pp_judge_finish(&j);
	char what[64];
	(void)snprintf(what, sizeof(what), "rounds late %d, moved %d", late,
	    moved);
	CHECK_STR(s.log, want, what);
	pp_judge_release(&j);
}

void
test_judge_rounds(void)
{
	/* In order: one route. */
	run_rounds(0, 99, "route@0/4");
	/* Rounds interleaved with the next one or two: still one route
	 * (each round was judged at the next round's first probe: every
	 * late round was a path of 2 hops, then of 4 again, each a change
	 * with an alert). */
	run_rounds(1, 99, "route@0/4");
	run_rounds(2, 99, "route@0/4");
	/* A change is still one change, interleaved or not. */
	run_rounds(0, 45, "route@0/4 route@47/4/changed route/raise@1/3");
	run_rounds(2, 45, "route@0/4 route@47/4/changed route/raise@1/3");
}
