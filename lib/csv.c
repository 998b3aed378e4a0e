/* SPDX-License-Identifier: BSD-2-Clause */
/* csv.c: stats and outage records as CSV rows (see csv.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/colq.h"
#include "lib/csv.h"
#include "lib/sanitize.h"
#include "lib/trange.h"

/* A cell of text from the input, then the separator. */
static void
cell(FILE *f, const char *s, bool last)
{
	(void)pp_sanitize_csv_cell(s, f);
	putc(last ? '\n' : ',', f);
}

/* A figure with dec decimals and its separator; empty when undefined. */
static void
num(FILE *f, double v, int dec)
{
	if (isfinite(v))
		fprintf(f, "%.*f,", dec, v);
	else
		putc(',', f);
}

/* A quantile to the digits its sketch guarantees (lib/colq). */
static void
quantile(FILE *f, double v)
{
	num(f, v, pp_colq_decimals(v));
}

/* epoch,utc, (see csv.h). */
static void
csv_time(FILE *f, double t)
{
	char iso[40];
	size_t n = strlen(pp_iso_time(t, 3, iso, sizeof(iso)));

	if (n > 0 && iso[n - 1] == 'Z')
		iso[n - 1] = '\0';
	fprintf(f, "%.6f,%s,", t, iso);
}

void
pp_csv_stats_row(FILE *f, const char *host, const struct pp_stats_rec *r)
{
	char list[2048];
	size_t used = 0;

	csv_time(f, r->start);
	csv_time(f, r->end);
	cell(f, host, false);
	cell(f, r->target, false);
	if (r->ttl > 0)
		fprintf(f, "%d,", r->ttl);
	else
		putc(',', f);
	cell(f, r->addr != NULL ? r->addr : "", false);
	fprintf(f, "%llu,%llu,", (unsigned long long)r->sent,
	    (unsigned long long)r->recv);
	num(f, r->loss, 3);
	num(f, r->fwd_loss, 3);
	num(f, r->last, 3);
	num(f, r->min, 3);
	num(f, r->avg, 3);
	num(f, r->max, 3);
	num(f, r->stdev, 3);
	quantile(f, r->p50);
	quantile(f, r->p90);
	quantile(f, r->p95);
	quantile(f, r->p99);
	num(f, r->jitter, 3);
	num(f, r->jmax, 3);
	num(f, r->jint, 3);
	list[0] = '\0';
	for (int i = 0; i < r->naddrs; i++) {
		int m = snprintf(list + used, sizeof(list) - used, "%s%s %llu",
		    used > 0 ? " " : "", r->addrs[i].addr,
		    (unsigned long long)r->addrs[i].recv);
		if (m < 0 || (size_t)m >= sizeof(list) - used)
			break;
		used += (size_t)m;
	}
	cell(f, list, false);
	fprintf(f, "%llu,", (unsigned long long)r->unreachable);
	(void)pp_stats_rec_unreach_text(r, list, sizeof(list));
	cell(f, list, false);
	if (r->tcp)
		fprintf(f, "%llu,%llu,", (unsigned long long)r->open,
		    (unsigned long long)r->refused);
	else
		fputs(",,", f);
	fprintf(f, "%llu,", (unsigned long long)r->local_drop);
	num(f, r->loss_lo, 3);
	num(f, r->loss_hi, 3);
	num(f, r->fwd_lo, 3);
	num(f, r->fwd_hi, 3);
	if (r->fwd_sent >= 0)
		fprintf(f, "%lld,%lld,", r->fwd_sent, r->fwd_lost);
	else
		fputs(",,", f);
	if (r->fwd_ttl > 0)
		fprintf(f, "%d,", r->fwd_ttl);
	else
		putc(',', f);
	if (r->rate_limit > 0)
		fprintf(f, "%llu,%.3f\n", (unsigned long long)r->rate_limited,
		    r->rate_limit);
	else
		fputs(",\n", f);
}

void
pp_csv_outage_row(FILE *f, const char *host, const struct pp_outage_rec *o)
{
	double loss = o->sent > 0 ? 100.0 * (double)(o->sent - o->recv) /
	    (double)o->sent : 0;

	csv_time(f, o->start);
	csv_time(f, o->end);
	cell(f, host, false);
	cell(f, o->target, false);
	if (o->ttl > 0)
		fprintf(f, "%d", o->ttl);
	fprintf(f, ",%.3f,%llu,%llu,%.3f,%s\n", (o->end - o->start) * 1000.0,
	    (unsigned long long)o->sent, (unsigned long long)o->recv, loss,
	    o->ongoing ? "true" : "false");
}
