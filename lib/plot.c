/* SPDX-License-Identifier: BSD-2-Clause */
/* plot.c: folding records into the picture's data (see plot.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/model.h"
#include "lib/plot.h"

static void
colq_init_cb(void *c)
{
	pp_colq_init(c);
}

static void
colq_merge_cb(void *dst, const void *src)
{
	pp_colq_merge(dst, src);
}

static void
colq_release_cb(void *c)
{
	pp_colq_release(c);
}

static const struct pp_tgrid_ops colq_ops = {
	.size = sizeof(struct pp_colq),
	.init = colq_init_cb,
	.merge = colq_merge_cb,
	.release = colq_release_cb,
};

int
pp_plotdata_init(struct pp_plotdata *d, size_t columns, double step)
{
	memset(d, 0, sizeof(*d));
	if (pp_tgrid_init(&d->grid, columns, step) == -1)
		return -1;
	pp_keytab_init(&d->smap);
	if (pp_intern_init(&d->tnames, PP_PLOT_MAX_SERIES) == -1) {
		pp_tgrid_release(&d->grid);
		return -1;
	}
	return 0;
}

static void
addr_release(struct pp_plot_addr *a)
{
	free(a->addr);
	free(a->place);
	free(a->asn);
	free(a->special);
	free(a->host);
	memset(a, 0, sizeof(*a));
}

static void
event_release(struct pp_plot_event *e)
{
	free(e->target);
	free(e->text);
	e->target = NULL;
	e->text = NULL;
}

void
pp_plotdata_release(struct pp_plotdata *d)
{
	for (size_t i = 0; i < d->nseries; i++) {
		struct pp_plot_series *s = d->series[i];
		pp_tseries_release(&d->grid, &s->cols);
		pp_colq_release(&s->total);
		for (int k = 0; k < s->naddrs; k++)
			addr_release(&s->addrs[k]);
		free(s->target);
		free(s);
	}
	free(d->series);
	pp_intern_release(&d->tnames);
	pp_keytab_release(&d->smap);
	for (int k = 0; k < PP_EV_NKINDS; k++)
		for (size_t i = 0; i < PP_PLOT_MAX_EVENTS; i++)
			event_release(&d->ev[k][i]);
	free(d->settings);
	pp_tgrid_release(&d->grid);
	memset(d, 0, sizeof(*d));
}

struct pp_plot_series *
pp_plotdata_find(const struct pp_plotdata *d, const char *target, int ttl)
{
	uint32_t id = pp_intern_find(&d->tnames, target);
	uint32_t i = id != PP_INTERN_NONE ? pp_keytab_find(&d->smap, id, ttl) :
	    PP_KEYTAB_NONE;

	return i != PP_KEYTAB_NONE ? d->series[i] : NULL;
}

/* The series for (target, ttl), made when new; NULL when over the cap or
 * out of memory (errno ENOMEM then). */
static struct pp_plot_series *
series_get(struct pp_plotdata *d, const char *target, int ttl)
{
	if (d->last != 0) {
		struct pp_plot_series *s = d->series[d->last - 1];
		if (s->ttl == ttl && strcmp(s->target, target) == 0)
			return s;
	}
	uint32_t id = pp_intern_find(&d->tnames, target);
	uint32_t i = id != PP_INTERN_NONE ? pp_keytab_find(&d->smap, id, ttl) :
	    PP_KEYTAB_NONE;
	if (i != PP_KEYTAB_NONE) {
		d->last = (size_t)i + 1;
		return d->series[i];
	}
	if (d->nseries >= PP_PLOT_MAX_SERIES) {
		d->ignored++;
		errno = 0;
		return NULL;
	}
	if (id == PP_INTERN_NONE) {
		id = pp_intern(&d->tnames, target);
		if (id == PP_INTERN_NONE) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if (d->nseries == d->aseries) {
		size_t na = d->aseries != 0 ? d->aseries * 2 : 16;
		struct pp_plot_series **ns = realloc(d->series,
		    na * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		d->series = ns;
		d->aseries = na;
	}
	struct pp_plot_series *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->target = strdup(target);
	if (s->target == NULL || pp_tseries_add(&d->grid, &s->cols,
	    &colq_ops) == -1) {
		free(s->target);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (pp_keytab_add(&d->smap, id, ttl, NULL) != d->nseries) {
		pp_tseries_release(&d->grid, &s->cols);
		free(s->target);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->ttl = ttl;
	pp_colq_init(&s->total);
	d->series[d->nseries++] = s;
	d->last = d->nseries;
	return s;
}

/* Whether needle occurs in line[0..len-1] (memmem is not POSIX). */
static bool
contains(const char *line, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++) {
		const char *p = memchr(line + i, needle[0], len - i - n + 1);
		if (p == NULL)
			return false;
		i = (size_t)(p - line);
		if (memcmp(p, needle, n) == 0)
			return true;
	}
	return false;
}

/* Location and names of a responder from the enrichment pp-geo added:
 * "<field>_geo" (or "geo") and "<field>_host" (or "host"). */
static void
addr_enrich(struct pp_plot_addr *a, json_t *rec)
{
	json_t *g = json_object_get(rec, "from_geo");
	const char *host = pp_json_str(rec, "from_host");

	if (g == NULL)
		g = json_object_get(rec, "geo");
	if (host == NULL)
		host = pp_json_str(rec, "host");
	if (host != NULL && a->host == NULL)
		a->host = strdup(host);
	if (!json_is_object(g))
		return;
	const char *special = pp_json_str(g, "special");
	if (special == NULL)
		special = pp_json_str(g, "scope");
	if (special != NULL && a->special == NULL)
		a->special = strdup(special);
	double lat = pp_json_num(g, "lat");
	double lon = pp_json_num(g, "lon");
	if (!a->located && isfinite(lat) && isfinite(lon) && lat >= -90 &&
	    lat <= 90 && lon >= -180 && lon <= 180) {
		a->located = true;
		a->lat = lat;
		a->lon = lon;
	}
	if (a->place == NULL) {
		const char *city = pp_json_str(g, "city");
		const char *cc = pp_json_str(g, "cc");
		char buf[160];
		if (city != NULL && cc != NULL)
			(void)snprintf(buf, sizeof(buf), "%s, %s", city, cc);
		else if (city != NULL || cc != NULL)
			(void)snprintf(buf, sizeof(buf), "%s",
			    city != NULL ? city : cc);
		else
			buf[0] = '\0';
		if (buf[0] != '\0')
			a->place = strdup(buf);
	}
	if (a->asn == NULL) {
		json_t *asn = json_object_get(g, "asn");
		const char *org = pp_json_str(g, "as_org");
		char buf[160];
		if (json_is_integer(asn)) {
			(void)snprintf(buf, sizeof(buf), "AS%lld%s%s",
			    (long long)json_integer_value(asn),
			    org != NULL ? " " : "", org != NULL ? org : "");
			a->asn = strdup(buf);
		}
	}
}

static void
note_addr(struct pp_plot_series *s, struct pp_record *r, const char *from)
{
	int k;

	for (k = 0; k < s->naddrs; k++)
		if (strcmp(s->addrs[k].addr, from) == 0)
			break;
	if (k == s->naddrs) {
		if (s->naddrs == PP_PLOT_MAX_ADDRS) {
			s->other++;
			return;
		}
		s->addrs[k].addr = strdup(from);
		if (s->addrs[k].addr == NULL) {
			s->other++;
			return;
		}
		s->naddrs++;
	}
	struct pp_plot_addr *a = &s->addrs[k];
	a->n++;
	/* Only lines that carry enrichment we still lack are parsed in
	 * full (jansson).  A responder whose records never carry any is
	 * looked at again only now and then (its first 16 replies, then
	 * one in 256), so plain streams stay on the fast path. */
	if (a->located && a->host != NULL)
		return;
	if (a->n > 16 && a->n % 256 != 0 && !a->enriched)
		return;
	bool want_geo = !a->located && (contains(r->line, r->len, "_geo\"") ||
	    contains(r->line, r->len, "\"geo\""));
	bool want_host = a->host == NULL && contains(r->line, r->len,
	    "host\"");
	if (want_geo || want_host) {
		json_t *o = pp_record_json(r, NULL);
		if (o != NULL)
			addr_enrich(a, o);
		a->enriched = true;
	}
}

static void
add_probe(struct pp_plotdata *d, struct pp_record *r)
{
	const struct pp_probe *p = &r->probe;
	enum pp_outcome oc = pp_probe_outcome(p, &d->outcome);

	if (oc == PP_LOCAL)
		return;		/* not the network's: neither sent nor lost */
	struct pp_plot_series *s = series_get(d, p->target, pp_probe_hop(p));
	if (s == NULL)
		return;
	d->probes++;
	struct pp_colq *c = pp_tgrid_col(&d->grid, &s->cols, p->ts);
	if (p->status == PP_ST_REPLY || oc == PP_ANSWER_DEST)
		s->replies++;
	if (oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP) {
		if (c != NULL)
			pp_colq_add(c, p->rtt);
		pp_colq_add(&s->total, p->rtt);
		if (p->from != NULL)
			note_addr(s, r, p->from);
	} else {
		if (c != NULL)
			pp_colq_lost(c);
		pp_colq_lost(&s->total);
	}
}

/* A new event slot of kind k (the oldest is dropped when full). */
static struct pp_plot_event *
event_new(struct pp_plotdata *d, enum pp_plot_ev k)
{
	size_t i;

	if (d->nev[k] == PP_PLOT_MAX_EVENTS) {
		i = d->evhead[k];
		d->evhead[k] = (d->evhead[k] + 1) % PP_PLOT_MAX_EVENTS;
		d->evdropped[k]++;
	} else {
		i = (d->evhead[k] + d->nev[k]) % PP_PLOT_MAX_EVENTS;
		d->nev[k]++;
	}
	struct pp_plot_event *e = &d->ev[k][i];
	event_release(e);
	e->ts = e->end = e->value = e->value2 = NAN;
	e->ttl = 0;
	e->raise = false;
	return e;
}

const struct pp_plot_event *
pp_plotdata_event(const struct pp_plotdata *d, enum pp_plot_ev kind,
    size_t i)
{
	return &d->ev[kind][(d->evhead[kind] + i) % PP_PLOT_MAX_EVENTS];
}

static int
add_event(struct pp_plotdata *d, struct pp_record *r)
{
	json_t *o = pp_record_json(r, NULL);
	enum pp_plot_ev k;
	const char *target = NULL;
	char text[512];
	union {
		struct pp_outage_rec outage;
		struct pp_alert_rec alert;
		struct pp_route_rec route;
		struct pp_mos_rec mos;
	} rec;
	int rc;

	if (o == NULL)
		return 0;
	switch (r->type) {
	case PP_REC_OUTAGE:
		k = PP_EV_OUTAGE;
		rc = pp_outage_rec_read(&rec.outage, o, NULL);
		target = rec.outage.target;
		break;
	case PP_REC_ALERT:
		k = PP_EV_ALERT;
		rc = pp_alert_rec_read(&rec.alert, o, NULL);
		target = rec.alert.target;
		break;
	case PP_REC_ROUTE:
		k = PP_EV_ROUTE;
		rc = pp_route_rec_read(&rec.route, o, NULL);
		target = rec.route.target;
		break;
	case PP_REC_MOS:
		k = PP_EV_MOS;
		rc = pp_mos_rec_read(&rec.mos, o, NULL);
		target = rec.mos.target;
		break;
	default:
		return 0;
	}
	if (rc == -1)
		return 0;
	struct pp_plot_event *e = event_new(d, k);
	text[0] = '\0';
	switch (k) {
	case PP_EV_OUTAGE:
		e->ttl = rec.outage.ttl;
		e->ts = rec.outage.start;
		e->end = rec.outage.end;
		e->value = rec.outage.loss;
		/* duration is in ms (DESIGN.md); start and end in s. */
		(void)snprintf(text, sizeof(text), "%.1f s, loss %.1f%%",
		    rec.outage.duration / 1000.0, e->value);
		break;
	case PP_EV_ALERT: {
		const struct pp_alert_rec *al = &rec.alert;
		e->ttl = al->ttl;
		e->ts = al->ts;
		e->value = al->value;
		e->value2 = al->threshold;
		e->raise = al->state != NULL && strcmp(al->state, "raise") == 0;
		(void)snprintf(text, sizeof(text), "%s %s%s%s",
		    al->kind != NULL ? al->kind : "?",
		    al->state != NULL ? al->state : "?",
		    al->message != NULL ? ": " : "",
		    al->message != NULL ? al->message : "");
		break;
	}
	case PP_EV_ROUTE: {
		size_t len = 0;
		e->ts = rec.route.ts;
		for (int i = 0; i < rec.route.nhops; i++) {
			const char *a = rec.route.hops[i] != NULL ?
			    rec.route.hops[i] : "*";
			int n = snprintf(text + len, sizeof(text) - len, "%s%s",
			    i ? " " : "", a);
			if (n < 0 || (size_t)n >= sizeof(text) - len)
				break;
			len += (size_t)n;
		}
		break;
	}
	case PP_EV_MOS: {
		const struct pp_mos_rec *m = &rec.mos;
		e->ts = isfinite(m->end) ? m->end : pp_json_num(o, "ts");
		e->value = m->mos;
		e->value2 = m->r;
		(void)snprintf(text, sizeof(text), "%s%s%s",
		    m->codec != NULL ? m->codec : "",
		    m->codec && m->model ? ", " : "",
		    m->model != NULL ? m->model : "");
		break;
	}
	default:
		break;
	}
	e->target = strdup(target);
	e->text = strdup(text);
	if (e->target == NULL || e->text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
pp_plotdata_add(struct pp_plotdata *d, struct pp_record *r)
{
	switch (r->type) {
	case PP_REC_PROBE:
		errno = 0;
		add_probe(d, r);
		return errno == ENOMEM ? -1 : 0;
	case PP_REC_META: {
		json_t *o = pp_record_json(r, NULL);
		json_t *set = o != NULL ? json_object_get(o, "settings") :
		    NULL;
		if (pp_outcome_meta_refused_down(set))
			d->outcome.refused_down = true;
		if (d->settings == NULL && json_is_object(set)) {
			d->settings = json_dumps(set, JSON_COMPACT |
			    JSON_SORT_KEYS);
			double iv = pp_json_num(set, "interval");
			if (isfinite(iv) && iv > 0)
				d->interval = iv;
		}
		return 0;
	}
	case PP_REC_OUTAGE:
	case PP_REC_ALERT:
	case PP_REC_ROUTE:
	case PP_REC_MOS:
		return add_event(d, r);
	default:
		return 0;
	}
}

/* A sliding grid (--step) shows only its last columns: the figures of the
 * whole run (subtitles, the report's table and its probe count) are made
 * again from the columns shown, so they count only what is drawn. */
static void
totals_from_columns(struct pp_plotdata *d)
{
	d->probes = 0;
	for (size_t i = 0; i < d->nseries; i++) {
		struct pp_plot_series *s = d->series[i];
		pp_colq_release(&s->total);	/* empty, same cap */
		for (size_t c = 0; c < d->grid.n; c++)
			pp_colq_merge(&s->total, pp_tseries_at(&d->grid,
			    &s->cols, c));
		d->probes += s->total.sent;
	}
	if (d->grid.any && d->grid.n > 0 &&
	    d->grid.lo < pp_tgrid_col_start(&d->grid, 0))
		d->grid.lo = pp_tgrid_col_start(&d->grid, 0);
}

void
pp_plotdata_settle(struct pp_plotdata *d)
{
	double interval = d->interval;

	if (d->grid.fixed)
		totals_from_columns(d);

	if (!(interval > 0)) {
		uint32_t most = 0;
		for (size_t i = 0; i < d->nseries; i++)
			if (d->series[i]->total.sent > most)
				most = d->series[i]->total.sent;
		if (most >= 2)
			interval = (d->grid.hi - d->grid.lo) / (most - 1);
	}
	/* The spacing estimate is rough: 20% short of it is wide enough. */
	while (interval > 0 && d->grid.width < interval * 0.8 &&
	    !d->grid.fixed && d->grid.n > 1)
		pp_tgrid_coarsen(&d->grid);
}

size_t
pp_plotdata_targets(const struct pp_plotdata *d, const char **out,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nseries; i++) {
		const char *t = d->series[i]->target;
		size_t k;
		for (k = 0; k < n && k < max; k++)
			if (strcmp(out[k], t) == 0)
				break;
		if (k < n)
			continue;
		if (n < max)
			out[n] = t;
		n++;
		if (n >= max)
			break;
	}
	return n;
}

struct pp_plot_series *
pp_plotdata_dest(const struct pp_plotdata *d, const char *target)
{
	struct pp_plot_series *best = NULL;
	struct pp_plot_series *highest = NULL;

	for (size_t i = 0; i < d->nseries; i++) {
		struct pp_plot_series *s = d->series[i];
		if (strcmp(s->target, target) != 0)
			continue;
		if (s->ttl == 0)
			return s;
		if (highest == NULL || s->ttl > highest->ttl)
			highest = s;
		if (s->replies > 0 && (best == NULL ||
		    s->replies > best->replies ||
		    (s->replies == best->replies && s->ttl < best->ttl)))
			best = s;
	}
	return best != NULL ? best : highest;
}

static int
cmp_ttl(const void *a, const void *b)
{
	const struct pp_plot_series *x = *(struct pp_plot_series *const *)a;
	const struct pp_plot_series *y = *(struct pp_plot_series *const *)b;

	return (x->ttl > y->ttl) - (x->ttl < y->ttl);
}

size_t
pp_plotdata_hops(const struct pp_plotdata *d, const char *target,
    struct pp_plot_series **out, size_t max)
{
	size_t n = 0;
	struct pp_plot_series *dest = pp_plotdata_dest(d, target);

	for (size_t i = 0; i < d->nseries && n < max; i++) {
		struct pp_plot_series *s = d->series[i];
		if (strcmp(s->target, target) != 0)
			continue;
		/* Probes sent beyond the destination answer from it too:
		 * the path ends at the destination's hop. */
		if (dest != NULL && dest->replies > 0 && s->ttl > dest->ttl)
			continue;
		out[n++] = s;
	}
	qsort(out, n, sizeof(*out), cmp_ttl);
	return n;
}

const struct pp_plot_addr *
pp_plot_series_addr(const struct pp_plot_series *s)
{
	const struct pp_plot_addr *best = NULL;

	for (int k = 0; k < s->naddrs; k++)
		if (best == NULL || s->addrs[k].n > best->n)
			best = &s->addrs[k];
	return best;
}
