/* SPDX-License-Identifier: BSD-2-Clause */
/* report.c: the report's figures by the commands' code (see report.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "lib/report.h"

/* lib/agg's sinks. */

static void
agg_outage(void *arg, const struct pp_agg *a, const struct pp_agg_outage *o)
{
	struct pp_report *r = arg;
	struct pp_outage_rec rec;

	(void)a;
	if (r->sink.outage == NULL)
		return;
	pp_agg_outage_rec(o, &rec);
	r->sink.outage(r->sink.arg, &rec);
}

/* A row of the window (closing or peeked): its stats record, and for the
 * destination its score as pp-mos gives it. */
static void
agg_stats(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct pp_report *r = arg;
	struct pp_stats_rec row;

	pp_agg_row(a, k, start, end, &row);
	if (r->sink.stats != NULL)
		r->sink.stats(r->sink.arg, &row);
	if (r->sink.mos == NULL || !pp_agg_is_dest(a, k))
		return;
	struct pp_voice_opts vo;
	struct pp_voice_path path;
	struct pp_mos_rec m;
	bool no_bpl = false;
	pp_voice_opts_init(&vo);
	if (r->o.codec != NULL)
		vo.codec = r->o.codec;
	pp_voice_path_of(&row, &k->st, vo.jdef_stdev, &path);
	pp_emodel_score(&path, &vo, &m, &no_bpl);
	if (no_bpl)
		r->warned_bpl = true;
	r->sink.mos(r->sink.arg, &m);
}

/* lib/judge's sinks. */

static void
judge_alert(void *arg, const struct pp_alert_rec *a)
{
	struct pp_report *r = arg;

	if (r->sink.alert != NULL)
		r->sink.alert(r->sink.arg, a);
}

static void
judge_route(void *arg, const struct pp_route_rec *rr)
{
	struct pp_report *r = arg;

	if (r->sink.route != NULL)
		r->sink.route(r->sink.arg, rr);
}

int
pp_report_init(struct pp_report *r, const struct pp_report_opts *o,
    const struct pp_report_sink *sink)
{
	memset(r, 0, sizeof(*r));
	r->o = *o;
	r->sink = *sink;
	struct pp_agg_opts ao = {
		.every = 0,
		.horizon = PP_HORIZON_DEFAULT,
		.outage_loss = o->outage_loss,
		.outage_min = o->outage_min,
		.outcome = o->outcome,
	};
	struct pp_agg_sink as = {
		.stats = agg_stats, .outage = agg_outage, .arg = r,
	};
	struct pp_judge_opts jo = o->judge;
	jo.horizon = PP_HORIZON_DEFAULT;
	jo.outcome = o->outcome;
	jo.outage_loss = o->outage_loss;	/* unreachable: the same rule */
	jo.outage_min = o->outage_min;
	struct pp_judge_sink js = {
		.alert = judge_alert, .route = judge_route, .arg = r,
	};
	if (pp_agg_init(&r->agg, &ao, &as) == -1)
		return -1;
	if (pp_judge_init(&r->judge, &jo, &js) == -1) {
		int e = errno;
		pp_agg_release(&r->agg);
		errno = e;
		return -1;
	}
	return 0;
}

void
pp_report_release(struct pp_report *r)
{
	pp_agg_release(&r->agg);
	pp_judge_release(&r->judge);
	memset(r, 0, sizeof(*r));
}

void
pp_report_meta(struct pp_report *r, const json_t *settings)
{
	/* Each the first meta's timeout as its horizon. */
	pp_agg_meta(&r->agg, settings);
	pp_judge_meta(&r->judge, settings);
}

int
pp_report_probe(struct pp_report *r, const struct pp_probe *p)
{
	if (pp_agg_probe(&r->agg, p) == -1)
		return -1;
	return pp_judge_probe(&r->judge, p);
}

void
pp_report_peek(struct pp_report *r)
{
	struct pp_agg_sink as = { .stats = agg_stats, .arg = r };

	if (!r->finished)
		pp_agg_peek(&r->agg, &as);
}

void
pp_report_finish(struct pp_report *r)
{
	if (r->finished)
		return;
	r->finished = true;
	pp_judge_finish(&r->judge);
	pp_agg_finish(&r->agg);
}

bool
pp_report_oom(const struct pp_report *r)
{
	return r->agg.oom || r->judge.oom;
}
