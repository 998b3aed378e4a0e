/* SPDX-License-Identifier: BSD-2-Clause */
/* voice.c: pp-mos' paths from stats records, and its table (see
 * voice.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/intern.h"
#include "lib/sanitize.h"
#include "lib/stats.h"
#include "lib/trange.h"
#include "lib/voice.h"

void
pp_voice_pick_init(struct pp_voice_pick *p, bool jdef_stdev,
    pp_voice_fn fn, void *arg)
{
	p->pending = NULL;
	p->jdef_stdev = jdef_stdev;
	p->fn = fn;
	p->arg = arg;
}

/* Responder ids do not matter to a voice path. */
static uint32_t
no_intern(void *arg, const char *addr)
{
	(void)arg;
	(void)addr;
	return UINT32_MAX;
}

void
pp_voice_pick_flush(struct pp_voice_pick *p)
{
	struct pp_stats_rec r;
	struct pp_voice_path m;
	struct pp_stats parts;
	int version;

	if (p->pending == NULL)
		return;
	pp_stats_init(&parts);
	if (pp_stats_rec_read(&r, p->pending, NULL) == 0 &&
	    pp_stats_parts_read(&parts, p->pending, &r, no_intern, NULL,
	    &version, NULL) == 1) {
		/* The figures from the parts at full precision, as the
		 * probes give them (not the record's printed digits). */
		struct pp_intern none;
		struct pp_stats_rec full;
		if (pp_intern_init(&none, 1) == -1)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		pp_agg_stats_row(&none, &parts, r.ttl, &full);
		full.vantage = r.vantage;
		full.target = r.target;
		full.start = r.start;
		full.end = r.end;
		pp_voice_path_of(&full, &parts, p->jdef_stdev, &m);
		p->fn(p->arg, &m);
		pp_intern_release(&none);
	} else if (pp_stats_rec_read(&r, p->pending, NULL) == 0) {
		memset(&m, 0, sizeof(m));
		m.vantage = r.vantage;
		m.target = r.target;
		m.start = r.start;
		m.end = r.end;
		m.rtt = r.avg;
		m.jitter = p->jdef_stdev ? r.stdev : r.jitter;
		if (!isfinite(m.jitter))
			m.jitter = 0;
		m.loss = isfinite(r.loss) ? r.loss : 0;
		m.burst = NAN;
		m.sent = r.sent;
		m.recv = r.recv;
		p->fn(p->arg, &m);
	}
	pp_stats_release(&parts);
	json_decref(p->pending);
	p->pending = NULL;
}

void
pp_voice_pick_add(struct pp_voice_pick *p, json_t *o)
{
	struct pp_stats_rec r;
	struct pp_stats_rec q;

	if (o == NULL || pp_stats_rec_read(&r, o, NULL) == -1)
		return;
	if (p->pending != NULL &&
	    pp_stats_rec_read(&q, p->pending, NULL) == 0) {
		bool same = strcmp(q.target, r.target) == 0 &&
		    q.start == r.start && (q.vantage == NULL ? r.vantage ==
		    NULL : r.vantage != NULL && strcmp(q.vantage,
		    r.vantage) == 0);
		if (same && r.ttl < q.ttl)
			return;
		if (!same)
			pp_voice_pick_flush(p);
	}
	json_decref(p->pending);
	p->pending = json_incref(o);
}

void
pp_voice_pick_release(struct pp_voice_pick *p)
{
	json_decref(p->pending);
	p->pending = NULL;
}

void
pp_voice_table_head(FILE *f, bool windows)
{
	if (windows)
		fprintf(f, "%-20s ", "Start (UTC)");
	fprintf(f, "%-24s %-12s %9s %8s %7s %6s %8s %7s %5s  %s\n",
	    "Target", "Codec", "RTT ms", "Jttr ms", "Loss%", "BurstR",
	    "Delay ms", "R", "MOS", "rating");
}

void
pp_voice_table_row(FILE *f, const struct pp_voice_path *m,
    const struct pp_mos_rec *r, const char *model, bool windows)
{
	char rb[16];
	char mb[16];
	char rtt[16];
	char jit[16];
	char dl[16];

	(void)snprintf(rb, sizeof(rb), isfinite(r->r) ? "%.2f" : "-", r->r);
	(void)snprintf(mb, sizeof(mb), isfinite(r->mos) ? "%.2f" : "-",
	    r->mos);
	(void)snprintf(rtt, sizeof(rtt), isfinite(r->rtt) ? "%.3f" : "-",
	    r->rtt);
	/* One answer measures no jitter (scored as 0: the note). */
	(void)snprintf(jit, sizeof(jit), isfinite(r->jitter) &&
	    r->recv != 1 ? "%.3f" : "-", r->jitter);
	(void)snprintf(dl, sizeof(dl), isfinite(r->delay) ? "%.1f" : "-",
	    r->delay);
	/* Target and note come from the input: shown safely. */
	char name[128];
	char why[256];
	(void)pp_sanitize_term(name, sizeof(name), m->target);
	char rated[64];
	(void)snprintf(rated, sizeof(rated), "%s%s", pp_emodel_rating(r->r),
	    r->recv == 1 && isfinite(r->r) ? " (one answer)" : "");
	(void)pp_sanitize_term(why, sizeof(why), r->recv == 0 &&
	    r->sent > 0 ? "no answers: 100% loss" : r->note != NULL &&
	    !isfinite(r->r) ? r->note : rated);
	if (windows) {
		char t0[40];
		fprintf(f, "%-20s ", pp_iso_time(m->start, 0, t0, sizeof(t0)));
	}
	fprintf(f, "%-24.24s %-12.12s %9s %8s %7.2f %6.2f %8s %7s %5s  %s\n",
	    name, model, rtt, jit, r->loss, r->burst_r, dl, rb, mb, why);
}
