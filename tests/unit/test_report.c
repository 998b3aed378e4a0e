/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/report.h"
#include "tests/unit/check.h"

void test_report(void);

/* What a sink saw, as one line of text per record. */
struct seen {
	char log[4096];
	size_t used;
	struct pp_stats_rec row;	/* the last row (strings not kept) */
	struct pp_mos_rec mos;		/* the last mos */
	int rows;
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
	char b[96];

	(void)snprintf(b, sizeof(b), "%s/%s@%.0f", a->kind, a->state,
	    a->ts - 1764000000);
	add(arg, b);
}

static void
on_route(void *arg, const struct pp_route_rec *r)
{
	char b[64];

	(void)snprintf(b, sizeof(b), "route%s@%.0f", r->nprev >= 0 ? "-change" :
	    "", r->ts - 1764000000);
	add(arg, b);
}

static void
on_outage(void *arg, const struct pp_outage_rec *o)
{
	char b[96];

	(void)snprintf(b, sizeof(b), "outage@%.0f-%.0f/%llu/%llu",
	    o->start - 1764000000, o->end - 1764000000,
	    (unsigned long long)o->sent, (unsigned long long)o->recv);
	add(arg, b);
}

static void
on_stats(void *arg, const struct pp_stats_rec *r)
{
	struct seen *s = arg;

	s->row = *r;
	s->rows++;
}

static void
on_mos(void *arg, const struct pp_mos_rec *m)
{
	struct seen *s = arg;

	s->mos = *m;
}

/* lib/agg's and lib/judge's own sinks, for the reference run. */
static void
agg_outage(void *arg, const struct pp_agg *a, const struct pp_agg_outage *o)
{
	struct pp_outage_rec r;

	(void)a;
	pp_agg_outage_rec(o, &r);
	on_outage(arg, &r);
}

static struct pp_stats_rec ref_row;
static struct pp_mos_rec ref_mos;

static void
agg_stats(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct pp_voice_opts vo;
	struct pp_voice_path path;
	bool no_bpl;

	(void)arg;
	pp_agg_row(a, k, start, end, &ref_row);
	pp_voice_opts_init(&vo);
	pp_voice_path_of(&ref_row, &k->st, false, &path);
	pp_emodel_score(&path, &vo, &ref_mos, &no_bpl);
}

/* The probes: plain, a second apart; 10 to 19 lost, then from 40 on the
 * RTT steps from 10 to 40 ms.  Sent out of order in pairs (a prober's
 * timeouts come late). */
static void
probe_at(int i, struct pp_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->ts = 1764000000.0 + (double)i;
	p->target = "t";
	p->dst = "198.18.4.2";
	p->proto = "icmp";
	p->seq = i;
	p->round = p->flow = -1;
	p->ttl = p->reply_ttl = p->code = p->port = p->size = -1;
	if (i >= 10 && i < 20) {
		p->status = PP_ST_TIMEOUT;
		p->rtt = NAN;
	} else {
		p->status = PP_ST_REPLY;
		p->from = p->dst;
		p->rtt = (i >= 40 ? 40.0 : 10.0) + (double)(i % 3) * 0.1;
	}
}

void
test_report(void)
{
	struct pp_report_opts ro = {
		.outage_loss = 30, .outage_min = 3,
		.judge = {
			.loss = 20, .latency = NAN, .rise = 100, .mos = NAN,
			.clear = 80, .pct = 0.5, .window = 10,
			.route_rounds = 3, .routes = true,
		},
	};
	struct seen got = { .used = 0 };
	struct seen want = { .used = 0 };
	struct pp_report_sink sink = {
		.stats = on_stats, .mos = on_mos, .outage = on_outage,
		.alert = on_alert, .route = on_route, .arg = &got,
	};
	struct pp_report r;
	json_t *meta = json_pack("{s:f}", "timeout", 2.0);

	CHECK(pp_report_init(&r, &ro, &sink) == 0, "init");
	pp_report_meta(&r, meta);
	for (int i = 0; i < 60; i += 2) {
		struct pp_probe a;
		struct pp_probe b;
		probe_at(i + 1, &b);
		probe_at(i, &a);
		CHECK(pp_report_probe(&r, &b) == 0, "probe");
		CHECK(pp_report_probe(&r, &a) == 0, "probe");
		if (i == 30) {
			/* A live look: the rows so far, nothing closed. */
			pp_report_peek(&r);
			CHECK(got.rows == 1 && got.row.sent >= 28 &&
			    got.row.sent <= 32, "peek: %d rows, %llu sent",
			    got.rows, (unsigned long long)got.row.sent);
			CHECK(isfinite(got.mos.mos), "peek: a MOS");
		}
	}
	pp_report_finish(&r);
	pp_report_finish(&r);	/* once */
	CHECK(!pp_report_oom(&r), "oom");

	/* The same probes through lib/agg and lib/judge as pp-stats, pp-alert
	 * and pp-mos use them. */
	struct pp_agg_opts ao = {
		.horizon = 3, .outage_loss = 30, .outage_min = 3,
	};
	struct pp_agg_sink as = {
		.stats = agg_stats, .outage = agg_outage, .arg = &want,
	};
	struct pp_judge_opts jo = ro.judge;
	jo.horizon = 3;
	struct pp_judge_sink js = {
		.alert = on_alert, .route = on_route, .arg = &want,
	};
	struct pp_agg a;
	struct pp_judge j;
	CHECK(pp_agg_init(&a, &ao, &as) == 0, "agg");
	CHECK(pp_judge_init(&j, &jo, &js) == 0, "judge");
	for (int i = 0; i < 60; i += 2) {
		struct pp_probe pa;
		struct pp_probe pb;
		probe_at(i + 1, &pb);
		probe_at(i, &pa);
		(void)pp_agg_probe(&a, &pb);
		(void)pp_agg_probe(&a, &pa);
		(void)pp_judge_probe(&j, &pb);
		(void)pp_judge_probe(&j, &pa);
	}
	pp_judge_finish(&j);
	pp_agg_finish(&a);

	CHECK_STR(got.log, want.log, "events");
	CHECK(strstr(got.log, "outage@10-20/10/0") != NULL, "the outage: %s",
	    got.log);
	CHECK(strstr(got.log, "loss/raise@") != NULL &&
	    strstr(got.log, "rise/raise@") != NULL, "loss and rise: %s",
	    got.log);
	CHECK(got.row.sent == 60 && got.row.recv == 50 &&
	    got.row.sent == ref_row.sent && got.row.avg == ref_row.avg &&
	    got.row.p95 == ref_row.p95 && got.row.jitter == ref_row.jitter,
	    "the row: %llu sent, avg %g (pp-stats: %g)",
	    (unsigned long long)got.row.sent, got.row.avg, ref_row.avg);
	CHECK(got.mos.mos == ref_mos.mos && got.mos.r == ref_mos.r,
	    "MOS %g (pp-mos: %g)", got.mos.mos, ref_mos.mos);
	pp_agg_release(&a);
	pp_judge_release(&j);
	pp_report_release(&r);
	json_decref(meta);
}
