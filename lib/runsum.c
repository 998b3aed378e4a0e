/* SPDX-License-Identifier: BSD-2-Clause */
/* runsum.c: a prober's run summary (see runsum.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/runsum.h"
#include "lib/table.h"
#include "lib/trange.h"
#include "lib/util.h"

/* The entry of target name, made when new; NULL when memory ran short. */
static struct pp_runsum_target *
entry(struct pp_runsum *rs, const char *name)
{
	uint32_t i = pp_intern(&rs->names, name);

	if (i == PP_INTERN_NONE) {
		rs->oom = true;
		return NULL;
	}
	if (i >= rs->alloc) {
		uint32_t na = rs->alloc != 0 ? rs->alloc * 2 : 16;
		while (na <= i)
			na *= 2;
		struct pp_runsum_target *t = realloc(rs->t, na * sizeof(*t));
		if (t == NULL) {
			rs->oom = true;
			return NULL;
		}
		memset(t + rs->alloc, 0, (na - rs->alloc) * sizeof(*t));
		rs->t = t;
		rs->alloc = na;
	}
	return &rs->t[i];
}

static void
on_outage(void *arg, const struct pp_agg *a, const struct pp_agg_outage *o)
{
	struct pp_runsum *rs = arg;
	struct pp_runsum_target *t = entry(rs, o->target);

	(void)a;
	if (t == NULL)
		return;
	double d = o->end - o->start;
	t->outages++;
	if (d > t->longest) {
		t->longest = d;
		t->longest_start = o->start;
		t->longest_ongoing = o->ongoing;
	}
}

/* A row of the run's one window: the destination's (a plain probe's
 * key, or a trace's hop where the destination answers) keeps its rate
 * limit. */
static void
on_stats(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct pp_runsum *rs = arg;
	const struct pp_agg_target *tg = &a->targets[k->target];

	(void)start;
	(void)end;
	if (!k->lim.limited || (k->ttl != 0 && k->ttl != tg->dest_ttl))
		return;
	struct pp_runsum_target *t = entry(rs, pp_agg_name(a, tg->name));
	if (t == NULL)
		return;
	t->limited += k->lim.explained;
	t->unanswered += k->st.sent - k->st.recv;
	t->period = k->lim.period;
}

int
pp_runsum_init(struct pp_runsum *rs, double horizon,
    const struct pp_outcome_opts *o)
{
	struct pp_agg_opts ao = {
		.horizon = horizon,
		.outage_loss = PP_RUNSUM_LOSS,
		.outage_min = PP_RUNSUM_MIN,
	};
	struct pp_agg_sink sink = { .stats = on_stats, .outage = on_outage,
	    .arg = rs };

	memset(rs, 0, sizeof(*rs));
	if (o != NULL)
		ao.outcome = *o;
	if (pp_intern_init(&rs->names, 10000000) == -1) {
		errno = ENOMEM;
		return -1;
	}
	if (pp_agg_init(&rs->agg, &ao, &sink) == -1) {
		pp_intern_release(&rs->names);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_runsum_release(struct pp_runsum *rs)
{
	pp_agg_release(&rs->agg);
	pp_intern_release(&rs->names);
	free(rs->t);
	rs->t = NULL;
	rs->alloc = 0;
}

void
pp_runsum_probe(struct pp_runsum *rs, const struct pp_probe *p)
{
	if (pp_agg_probe(&rs->agg, p) == -1)
		rs->oom = true;
}

void
pp_runsum_finish(struct pp_runsum *rs)
{
	pp_agg_finish(&rs->agg);
}

/* A duration as people read it: "12.3 s", "5m 23s", "2h 05m 09s". */
static void
human(double s, char *buf, size_t size)
{
	if (!isfinite(s) || s < 0)
		s = 0;
	if (s < 60) {
		(void)snprintf(buf, size, "%.1f s", s);
		return;
	}
	long long t = (long long)floor(s + 0.5);
	if (t < 3600)
		(void)snprintf(buf, size, "%lldm %02llds", t / 60, t % 60);
	else
		(void)snprintf(buf, size, "%lldh %02lldm %02llds", t / 3600,
		    t / 60 % 60, t % 60);
}

int
pp_runsum_text(const struct pp_runsum *rs, const char *target,
    double seconds, char *buf, size_t size)
{
	char run[48];
	uint32_t i = pp_intern_find(&rs->names, target);
	const struct pp_runsum_target *t = i != PP_INTERN_NONE &&
	    i < rs->alloc ? &rs->t[i] : NULL;

	human(seconds, run, sizeof(run));
	if (t == NULL || t->outages == 0)
		return snprintf(buf, size, "run %s, no outage (loss >= %g%% "
		    "for >= %g s)", run, PP_RUNSUM_LOSS, PP_RUNSUM_MIN);
	char when[40];
	(void)pp_iso_format(t->longest_start, 0, PP_ISO_FLOOR | PP_ISO_DASH,
	    when, sizeof(when));
	return snprintf(buf, size, "run %s, %lu outage%s (loss >= %g%% for "
	    ">= %g s), the longest %.3f s from %s%s", run, t->outages,
	    pp_plural(t->outages, "", "s"), PP_RUNSUM_LOSS, PP_RUNSUM_MIN,
	    t->longest, when, t->longest_ongoing ? " (still on at the end)" :
	    "");
}

int
pp_runsum_limit_text(const struct pp_runsum *rs, const char *target,
    char *buf, size_t size)
{
	uint32_t i = pp_intern_find(&rs->names, target);
	const struct pp_runsum_target *t = i != PP_INTERN_NONE &&
	    i < rs->alloc ? &rs->t[i] : NULL;

	if (size > 0)
		buf[0] = '\0';
	if (t == NULL || t->limited == 0)
		return 0;
	return pp_table_limit_text(buf, size, t->limited, t->unanswered,
	    t->period);
}
