/* SPDX-License-Identifier: BSD-2-Clause */
/* plot.c: folding records into the picture's data (see plot.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/plot.h"
#include "lib/jsonw.h"
#include "lib/model.h"

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
	for (int k = 0; k < PP_SRC_N; k++) {
		pp_keytab_init(&d->rows[k].map);
		pp_keytab_init(&d->mos[k].map);
	}
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

static void
figs_clear(struct pp_plot_figs *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].strs);
	f->n = 0;
	pp_keytab_release(&f->map);
	pp_keytab_init(&f->map);
}

static void
figs_release(struct pp_plot_figs *f)
{
	figs_clear(f);
	pp_keytab_release(&f->map);
	free(f->v);
	memset(f, 0, sizeof(*f));
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
		for (int src = 0; src < PP_SRC_N; src++)
			for (size_t i = 0; i < PP_PLOT_MAX_EVENTS; i++)
				event_release(&d->ev[k][src].ev[i]);
	for (int src = 0; src < PP_SRC_N; src++) {
		figs_release(&d->rows[src]);
		figs_release(&d->mos[src]);
	}
	if (d->computing)
		pp_report_release(&d->rep);
	free(d->settings);
	free(d->vantage0);
	pp_tgrid_release(&d->grid);
	memset(d, 0, sizeof(*d));
}

struct pp_plot_series *
pp_plotdata_find(const struct pp_plotdata *d, const char *target, int ttl)
{
	uint32_t id = pp_intern_find(&d->tnames, target);
	uint32_t i = id != PP_INTERN_NONE ? pp_keytab_find(&d->smap, 0, id, ttl) :
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
	uint32_t i = id != PP_INTERN_NONE ? pp_keytab_find(&d->smap, 0, id, ttl) :
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
	if (pp_keytab_add(&d->smap, 0, id, ttl, NULL) != d->nseries) {
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

static const char *vname(struct pp_plotdata *d, const char *vantage,
    const char *target);

static void
add_probe(struct pp_plotdata *d, struct pp_record *r)
{
	const struct pp_probe *p = &r->probe;
	enum pp_outcome oc = pp_probe_outcome(p, &d->outcome);

	if (oc == PP_LOCAL)
		return;		/* not the network's: neither sent nor lost */
	struct pp_plot_series *s = series_get(d, vname(d, p->vantage,
	    p->target), pp_probe_hop(p));
	if (s == NULL)
		return;
	d->probes++;
	struct pp_colq *c = pp_tgrid_col(&d->grid, &s->cols, p->ts);
	if (p->status == PP_ST_REPLY || oc == PP_ANSWER_DEST)
		s->replies++;
	if (oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP) {
		if (c != NULL)
			pp_colq_add(c, p->rtt);
		if (p->from != NULL)
			note_addr(s, r, p->from);
	} else if (c != NULL) {
		pp_colq_lost(c);
	}
}

/* A new event slot of kind k from src (the oldest is dropped when full). */
static struct pp_plot_event *
event_new(struct pp_plotdata *d, enum pp_plot_ev k, enum pp_plot_src src)
{
	struct pp_plot_ring *g = &d->ev[k][src];
	size_t i;

	if (g->n == PP_PLOT_MAX_EVENTS) {
		i = g->head;
		g->head = (g->head + 1) % PP_PLOT_MAX_EVENTS;
		g->dropped++;
	} else {
		i = (g->head + g->n) % PP_PLOT_MAX_EVENTS;
		g->n++;
	}
	struct pp_plot_event *e = &g->ev[i];
	event_release(e);
	memset(e, 0, sizeof(*e));
	e->ts = e->end = e->value = e->value2 = NAN;
	return e;
}

/* The name a record's target goes by: the target itself when the record
 * is of the first vantage point met, else "TARGET (VANTAGE)" (in
 * d->vname, valid until the next call): vantage points never mix. */
static const char *
vname(struct pp_plotdata *d, const char *vantage, const char *target)
{
	if (!d->vantage_seen) {
		d->vantage_seen = true;
		d->vantage0 = vantage != NULL ? strdup(vantage) : NULL;
		if (vantage != NULL && d->vantage0 == NULL)
			d->oom = true;
		return target;
	}
	if (vantage == NULL ? d->vantage0 == NULL : d->vantage0 != NULL &&
	    strcmp(vantage, d->vantage0) == 0)
		return target;
	d->vantages++;
	(void)snprintf(d->vname, sizeof(d->vname), "%s (%s)", target,
	    vantage != NULL ? vantage : "unknown vantage");
	return d->vname;
}

/* Give e its target and text; -1 (ENOMEM, d->oom) when they cannot be. */
static int
event_text(struct pp_plotdata *d, struct pp_plot_event *e, const char *target,
    const char *text)
{
	e->target = strdup(target);
	e->text = strdup(text);
	if (e->target == NULL || e->text == NULL) {
		d->oom = true;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

enum pp_plot_src
pp_plotdata_src(const struct pp_plotdata *d, enum pp_plot_ev kind)
{
	/* Route changes come with pp-alert's alerts, one judgement. */
	if (kind == PP_EV_ROUTE)
		kind = PP_EV_ALERT;
	return d->given[kind] || !d->computing ? PP_SRC_INPUT :
	    PP_SRC_COMPUTED;
}

size_t
pp_plotdata_nevents(const struct pp_plotdata *d, enum pp_plot_ev kind)
{
	return d->ev[kind][pp_plotdata_src(d, kind)].n;
}

unsigned long
pp_plotdata_evdropped(const struct pp_plotdata *d, enum pp_plot_ev kind)
{
	return d->ev[kind][pp_plotdata_src(d, kind)].dropped;
}

const struct pp_plot_event *
pp_plotdata_event(const struct pp_plotdata *d, enum pp_plot_ev kind,
    size_t i)
{
	const struct pp_plot_ring *g = &d->ev[kind][pp_plotdata_src(d, kind)];

	return &g->ev[(g->head + i) % PP_PLOT_MAX_EVENTS];
}

/* The events of each record type, from either source. */

static int
add_outage(struct pp_plotdata *d, enum pp_plot_src src,
    const struct pp_outage_rec *o)
{
	struct pp_plot_event *e = event_new(d, PP_EV_OUTAGE, src);
	char text[160];
	double dur = isfinite(o->duration) ? o->duration / 1000.0 :
	    o->end - o->start;	/* duration is in ms (DESIGN.md) */

	e->ttl = o->ttl;
	e->ts = o->start;
	e->end = o->end;
	e->value = o->loss;
	e->ongoing = o->ongoing;
	e->sent = o->sent;
	e->recv = o->recv;
	(void)snprintf(text, sizeof(text), "%.1f s, loss %.1f%%%s", dur,
	    o->loss, o->ongoing ? ", ongoing at the end" : "");
	return event_text(d, e, vname(d, o->vantage, o->target), text);
}

static int
add_alert(struct pp_plotdata *d, enum pp_plot_src src,
    const struct pp_alert_rec *al)
{
	struct pp_plot_event *e = event_new(d, PP_EV_ALERT, src);
	char text[512];

	e->ttl = al->ttl;
	e->ts = al->ts;
	e->value = al->value;
	e->value2 = al->threshold;
	e->raise = al->state != NULL && strcmp(al->state, "raise") == 0;
	(void)snprintf(e->kind, sizeof(e->kind), "%s", al->kind != NULL ?
	    al->kind : "?");
	(void)snprintf(text, sizeof(text), "%s", al->message != NULL ?
	    al->message : "");
	return event_text(d, e, vname(d, al->vantage, al->target), text);
}

/* A route record: a change (with its previous path) says which hop
 * changed; the first path of a target is listed, not marked. */
static int
add_route(struct pp_plotdata *d, enum pp_plot_src src,
    const struct pp_route_rec *rr)
{
	struct pp_plot_event *e = event_new(d, PP_EV_ROUTE, src);
	char text[512];
	size_t len = 0;

	e->ts = rr->ts;
	e->raise = rr->nprev >= 0;
	e->value = rr->nhops;
	text[0] = '\0';
	if (rr->nprev >= 0 && rr->nprev != rr->nhops) {
		(void)snprintf(text, sizeof(text), "path length %d -> %d hops: ",
		    rr->nprev, rr->nhops);
		len = strlen(text);
	} else if (rr->nprev >= 0) {
		for (int i = 0; i < rr->nhops; i++) {
			const char *a = rr->hops[i];
			const char *b = rr->prev[i];
			if ((a == NULL) != (b == NULL) || (a != NULL &&
			    strcmp(a, b) != 0)) {
				e->ttl = i + 1;
				(void)snprintf(text, sizeof(text), "hop %d: %s "
				    "-> %s; path: ", i + 1, b != NULL ? b : "*",
				    a != NULL ? a : "*");
				len = strlen(text);
				break;
			}
		}
	}
	for (int i = 0; i < rr->nhops; i++) {
		const char *a = rr->hops[i] != NULL ? rr->hops[i] : "*";
		int n = snprintf(text + len, sizeof(text) - len, "%s%s",
		    i ? " " : "", a);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			break;
		len += (size_t)n;
	}
	return event_text(d, e, vname(d, rr->vantage, rr->target), text);
}

/* ---------------------------------------------------- figures (rows) */

/* Copy the strings a record points to into one owned block, pointing the
 * record at it.  Returns the block, or NULL (ENOMEM). */
static char *
own_strings(const char **ptrs[], size_t n)
{
	size_t total = 1;

	for (size_t i = 0; i < n; i++)
		if (*ptrs[i] != NULL)
			total += strlen(*ptrs[i]) + 1;
	char *block = malloc(total);
	if (block == NULL)
		return NULL;
	char *p = block;
	for (size_t i = 0; i < n; i++) {
		if (*ptrs[i] == NULL)
			continue;
		size_t l = strlen(*ptrs[i]) + 1;
		memcpy(p, *ptrs[i], l);
		*ptrs[i] = p;
		p += l;
	}
	*p = '\0';
	return block;
}

/* The slot for (target, ttl) in f, made when new; NULL when the target
 * cannot be named (counted) or memory ran short (d->oom). */
static struct pp_plot_fig *
fig_slot(struct pp_plotdata *d, struct pp_plot_figs *f, const char *target,
    int ttl)
{
	uint32_t tid = pp_intern(&d->tnames, target);

	if (tid == PP_INTERN_NONE) {
		if (d->tnames.oom)
			d->oom = true;
		else
			f->dropped++;
		return NULL;
	}
	uint32_t i = pp_keytab_find(&f->map, 0, tid, ttl);
	if (i != PP_KEYTAB_NONE) {
		free(f->v[i].strs);
		f->v[i].strs = NULL;
		return &f->v[i];
	}
	if (f->n == f->a) {
		size_t na = f->a != 0 ? f->a * 2 : 16;
		struct pp_plot_fig *nv = realloc(f->v, na * sizeof(*nv));
		if (nv == NULL) {
			d->oom = true;
			return NULL;
		}
		f->v = nv;
		f->a = na;
	}
	if (pp_keytab_add(&f->map, 0, tid, ttl, NULL) != f->n) {
		d->oom = true;
		return NULL;
	}
	struct pp_plot_fig *g = &f->v[f->n++];
	memset(g, 0, sizeof(*g));
	g->tid = tid;
	g->ttl = ttl;
	return g;
}

static void
put_stats(struct pp_plotdata *d, enum pp_plot_src src,
    const struct pp_stats_rec *r)
{
	const char *name = vname(d, r->vantage, r->target);
	struct pp_plot_fig *g = fig_slot(d, &d->rows[src], name, r->ttl);
	const char **ptrs[2 + PP_REC_ADDRS + PP_REC_UNREACH];
	size_t n = 0;

	if (g == NULL)
		return;
	g->stats = true;
	g->st = *r;
	g->st.target = name;
	ptrs[n++] = &g->st.target;
	ptrs[n++] = &g->st.addr;
	for (int i = 0; i < g->st.naddrs && i < PP_REC_ADDRS; i++)
		ptrs[n++] = &g->st.addrs[i].addr;
	for (int i = 0; i < g->st.nunreach && i < PP_REC_UNREACH; i++)
		ptrs[n++] = &g->st.unreach[i].addr;
	g->strs = own_strings(ptrs, n);
	if (g->strs == NULL) {
		d->oom = true;
		g->st.target = "";	/* stays a valid (empty) row */
		g->st.addr = NULL;
		g->st.naddrs = g->st.nunreach = 0;
	}
}

static void
put_mos(struct pp_plotdata *d, enum pp_plot_src src,
    const struct pp_mos_rec *m)
{
	const char *name = vname(d, m->vantage, m->target);
	struct pp_plot_fig *g = fig_slot(d, &d->mos[src], name, 0);
	const char **ptrs[6];
	size_t n = 0;

	if (g == NULL)
		return;
	g->stats = false;
	g->mos = *m;
	g->mos.target = name;
	ptrs[n++] = &g->mos.target;
	ptrs[n++] = &g->mos.codec;
	ptrs[n++] = &g->mos.model;
	ptrs[n++] = &g->mos.jitter_def;
	ptrs[n++] = &g->mos.burst_est;
	ptrs[n++] = &g->mos.note;
	g->strs = own_strings(ptrs, n);
	if (g->strs == NULL) {
		d->oom = true;
		pp_mos_rec_init(&g->mos);
		g->mos.target = "";
	}
}

static int
cmp_row(const void *a, const void *b)
{
	const struct pp_stats_rec *x = *(const struct pp_stats_rec *const *)a;
	const struct pp_stats_rec *y = *(const struct pp_stats_rec *const *)b;

	return (x->ttl > y->ttl) - (x->ttl < y->ttl);
}

/* The figures of target in f: how many (out filled up to max). */
static size_t
figs_of(const struct pp_plot_figs *f, uint32_t tid,
    const struct pp_stats_rec **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n && n < max; i++)
		if (f->v[i].tid == tid)
			out[n++] = &f->v[i].st;
	return n;
}

size_t
pp_plotdata_rows(const struct pp_plotdata *d, const char *target,
    const struct pp_stats_rec **out, size_t max)
{
	uint32_t tid = pp_intern_find(&d->tnames, target);
	size_t n;

	if (tid == PP_INTERN_NONE)
		return 0;
	/* The input's rows of this target, else the computed ones. */
	n = figs_of(&d->rows[PP_SRC_INPUT], tid, out, max);
	if (n == 0 && d->computing)
		n = figs_of(&d->rows[PP_SRC_COMPUTED], tid, out, max);
	qsort(out, n, sizeof(*out), cmp_row);
	return n;
}

const struct pp_mos_rec *
pp_plotdata_mos(const struct pp_plotdata *d, const char *target)
{
	uint32_t tid = pp_intern_find(&d->tnames, target);

	if (tid == PP_INTERN_NONE)
		return NULL;
	/* The input's MOS of this target, else the computed one. */
	for (int src = 0; src < PP_SRC_N; src++) {
		const struct pp_plot_figs *f = &d->mos[src];
		uint32_t i = pp_keytab_find(&f->map, 0, tid, 0);
		if (i != PP_KEYTAB_NONE)
			return &f->v[i].mos;
	}
	return NULL;
}

static int
cmp_mark(const void *a, const void *b)
{
	const struct pp_plot_mark *x = a;
	const struct pp_plot_mark *y = b;

	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

long
pp_plotdata_marks(const struct pp_plotdata *d, const char *target,
    struct pp_plot_mark **out)
{
	size_t cap = pp_plotdata_nevents(d, PP_EV_OUTAGE) +
	    pp_plotdata_nevents(d, PP_EV_ALERT) +
	    pp_plotdata_nevents(d, PP_EV_ROUTE) + 1;
	struct pp_plot_mark *m = calloc(cap, sizeof(*m));
	size_t n = 0;

	*out = NULL;
	if (m == NULL)
		return -1;
	for (size_t i = 0; i < pp_plotdata_nevents(d, PP_EV_OUTAGE); i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d,
		    PP_EV_OUTAGE, i);
		if (target != NULL && strcmp(e->target, target) != 0)
			continue;
		if (!isfinite(e->ts))
			continue;
		m[n++] = (struct pp_plot_mark){ .kind = PP_EV_OUTAGE, .ev = e,
		    .t0 = e->ts, .t1 = isfinite(e->end) ? e->end : e->ts };
	}
	for (size_t i = 0; i < pp_plotdata_nevents(d, PP_EV_ROUTE); i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d,
		    PP_EV_ROUTE, i);
		if (!e->raise || !isfinite(e->ts) || (target != NULL &&
		    strcmp(e->target, target) != 0))
			continue;
		m[n++] = (struct pp_plot_mark){ .kind = PP_EV_ROUTE, .ev = e,
		    .t0 = e->ts, .t1 = e->ts };
	}
	/* Alerts: a raise opens a span of its (target, kind, hop), the next
	 * clear of the same ends it. */
	size_t first_alert = n;
	for (size_t i = 0; i < pp_plotdata_nevents(d, PP_EV_ALERT); i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d,
		    PP_EV_ALERT, i);
		if (strcmp(e->kind, "route") == 0 || !isfinite(e->ts) ||
		    (target != NULL && strcmp(e->target, target) != 0))
			continue;
		size_t k;
		for (k = n; k > first_alert; k--) {
			const struct pp_plot_event *r = m[k - 1].ev;
			if (m[k - 1].clear == NULL && isnan(m[k - 1].t1) &&
			    r->ttl == e->ttl && strcmp(r->kind, e->kind) == 0 &&
			    strcmp(r->target, e->target) == 0)
				break;
		}
		if (e->raise) {
			if (k > first_alert)
				continue;	/* raised already */
			m[n++] = (struct pp_plot_mark){ .kind = PP_EV_ALERT,
			    .ev = e, .t0 = e->ts, .t1 = NAN };
		} else if (k > first_alert) {
			m[k - 1].clear = e;
			m[k - 1].t1 = e->ts;
		}
	}
	qsort(m, n, sizeof(*m), cmp_mark);
	for (size_t i = 0; i < n; i++)
		m[i].no = (int)i + 1;
	*out = m;
	return (long)n;
}

const struct pp_plot_addr *
pp_plotdata_addr(const struct pp_plotdata *d, const char *target, int ttl,
    const char *addr)
{
	const struct pp_plot_series *s = pp_plotdata_find(d, target, ttl);

	if (s == NULL || addr == NULL)
		return NULL;
	for (int k = 0; k < s->naddrs; k++)
		if (strcmp(s->addrs[k].addr, addr) == 0)
			return &s->addrs[k];
	return NULL;
}

/* ------------------------------------------------ the computed report */

static void
rep_stats(void *arg, const struct pp_stats_rec *r)
{
	put_stats(arg, PP_SRC_COMPUTED, r);
}

static void
rep_mos(void *arg, const struct pp_mos_rec *m)
{
	put_mos(arg, PP_SRC_COMPUTED, m);
}

static void
rep_outage(void *arg, const struct pp_outage_rec *o)
{
	(void)add_outage(arg, PP_SRC_COMPUTED, o);
}

static void
rep_alert(void *arg, const struct pp_alert_rec *a)
{
	(void)add_alert(arg, PP_SRC_COMPUTED, a);
}

static void
rep_route(void *arg, const struct pp_route_rec *r)
{
	(void)add_route(arg, PP_SRC_COMPUTED, r);
}

int
pp_plotdata_compute(struct pp_plotdata *d, const struct pp_report_opts *o)
{
	struct pp_report_sink sink = {
		.stats = rep_stats, .mos = rep_mos, .outage = rep_outage,
		.alert = rep_alert, .route = rep_route, .arg = d,
	};

	if (d->computing)
		return 0;
	d->ropts = *o;
	d->ropts.outcome = d->outcome;
	if (pp_report_init(&d->rep, &d->ropts, &sink) == -1)
		return -1;
	d->computing = true;
	return 0;
}

void
pp_plotdata_peek(struct pp_plotdata *d)
{
	if (!d->computing || d->rep.finished)
		return;
	figs_clear(&d->rows[PP_SRC_COMPUTED]);
	figs_clear(&d->mos[PP_SRC_COMPUTED]);
	pp_report_peek(&d->rep);
}

void
pp_plotdata_finish(struct pp_plotdata *d)
{
	if (!d->computing || d->rep.finished)
		return;
	figs_clear(&d->rows[PP_SRC_COMPUTED]);
	figs_clear(&d->mos[PP_SRC_COMPUTED]);
	pp_report_finish(&d->rep);
	if (pp_report_oom(&d->rep))
		d->oom = true;
}

/* A record of a kind pp-stats, pp-alert or pp-mos writes: shown instead of
 * computed ones of its kind. */
static int
add_given(struct pp_plotdata *d, struct pp_record *r)
{
	json_t *o = pp_record_json(r, NULL);
	union {
		struct pp_stats_rec stats;
		struct pp_outage_rec outage;
		struct pp_alert_rec alert;
		struct pp_route_rec route;
		struct pp_mos_rec mos;
	} rec;
	char text[160];

	if (o == NULL)
		return 0;
	switch (r->type) {
	case PP_REC_STATS:
		d->given_stats = true;
		if (pp_stats_rec_read(&rec.stats, o, NULL) == 0)
			put_stats(d, PP_SRC_INPUT, &rec.stats);
		return d->oom ? -1 : 0;
	case PP_REC_OUTAGE:
		d->given[PP_EV_OUTAGE] = true;
		if (pp_outage_rec_read(&rec.outage, o, NULL) == -1)
			return 0;
		return add_outage(d, PP_SRC_INPUT, &rec.outage);
	case PP_REC_ALERT:
		d->given[PP_EV_ALERT] = true;
		if (pp_alert_rec_read(&rec.alert, o, NULL) == -1)
			return 0;
		return add_alert(d, PP_SRC_INPUT, &rec.alert);
	case PP_REC_ROUTE:
		d->given[PP_EV_ALERT] = true;
		if (pp_route_rec_read(&rec.route, o, NULL) == -1)
			return 0;
		return add_route(d, PP_SRC_INPUT, &rec.route);
	case PP_REC_MOS: {
		d->given[PP_EV_MOS] = true;
		if (pp_mos_rec_read(&rec.mos, o, NULL) == -1)
			return 0;
		const struct pp_mos_rec *m = &rec.mos;
		put_mos(d, PP_SRC_INPUT, m);
		/* Every one listed too (windows of pp-mos --every). */
		struct pp_plot_event *e = event_new(d, PP_EV_MOS,
		    PP_SRC_INPUT);
		e->ts = isfinite(m->end) ? m->end : pp_json_num(o, "ts");
		e->value = m->mos;
		e->value2 = m->r;
		(void)snprintf(text, sizeof(text), "%s%s%s",
		    m->codec != NULL ? m->codec : "",
		    m->codec && m->model ? ", " : "",
		    m->model != NULL ? m->model : "");
		return event_text(d, e, vname(d, m->vantage, m->target),
		    text);
	}
	default:
		return 0;
	}
}

/* Which kinds a meta record's tool writes (its records may be absent:
 * nothing found is a finding too). */
static void
meta_tool(struct pp_plotdata *d, const char *tool)
{
	if (tool == NULL)
		return;
	if (strcmp(tool, "pp-stats") == 0) {
		d->given_stats = true;
		d->given[PP_EV_OUTAGE] = true;
	} else if (strcmp(tool, "pp-alert") == 0) {
		d->given[PP_EV_ALERT] = true;
	} else if (strcmp(tool, "pp-mos") == 0) {
		d->given[PP_EV_MOS] = true;
	}
}

int
pp_plotdata_add(struct pp_plotdata *d, struct pp_record *r)
{
	switch (r->type) {
	case PP_REC_PROBE:
		errno = 0;
		add_probe(d, r);
		if (errno == ENOMEM)
			return -1;
		if (d->computing && pp_report_probe(&d->rep, &r->probe) == -1) {
			d->oom = true;
			return -1;
		}
		return 0;
	case PP_REC_META: {
		json_t *o = pp_record_json(r, NULL);
		json_t *set = o != NULL ? json_object_get(o, "settings") :
		    NULL;
		meta_tool(d, pp_json_str(o, "tool"));
		pp_outcome_meta(&d->outcome, set);
		if (d->computing)
			pp_report_meta(&d->rep, set);
		/* The settings of the probes: the first prober's meta. */
		const char *tool = pp_json_str(o, "tool");
		bool prober = tool == NULL || strcmp(tool, "pp-trace") == 0 ||
		    strcmp(tool, "pp-probe") == 0;
		if (d->settings == NULL && prober && json_is_object(set)) {
			struct pp_jw jw;

			pp_jw_init(&jw);
			pp_json_emit(&jw, set, true);
			d->settings = jw.oom ? NULL : strndup(jw.buf, jw.len);
			pp_jw_release(&jw);
			double iv = pp_json_num(set, "interval");
			if (isfinite(iv) && iv > 0)
				d->interval = iv;
		}
		return 0;
	}
	case PP_REC_STATS:
	case PP_REC_OUTAGE:
	case PP_REC_ALERT:
	case PP_REC_ROUTE:
	case PP_REC_MOS:
		return add_given(d, r);
	default:
		return 0;
	}
}

/* Each series' figures over the columns (made here, not per probe: the
 * columns hold every probe).  A sliding grid (--step) shows only its last
 * columns: the chart's figures (subtitles, the probe count) then count
 * only what is drawn. */
static void
totals_from_columns(struct pp_plotdata *d)
{
	unsigned long shown = 0;

	for (size_t i = 0; i < d->nseries; i++) {
		struct pp_plot_series *s = d->series[i];
		pp_colq_release(&s->total);	/* empty, same cap */
		for (size_t c = 0; c < d->grid.n; c++)
			pp_colq_merge(&s->total, pp_tseries_at(&d->grid,
			    &s->cols, c));
		shown += s->total.sent;
	}
	if (!d->grid.fixed)
		return;
	d->probes = shown;
	if (d->grid.any && d->grid.n > 0 &&
	    d->grid.lo < pp_tgrid_col_start(&d->grid, 0))
		d->grid.lo = pp_tgrid_col_start(&d->grid, 0);
}

void
pp_plotdata_span(const struct pp_plotdata *d, double *lo, double *hi)
{
	if (d->grid.any) {
		*lo = d->grid.lo;
		*hi = d->grid.hi;
	} else {
		*lo = pp_tgrid_col_start(&d->grid, 0);
		*hi = pp_tgrid_col_start(&d->grid, d->grid.n);
	}
}

void
pp_plotdata_settle(struct pp_plotdata *d)
{
	double interval = d->interval;

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
