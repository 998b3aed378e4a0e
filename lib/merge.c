/* SPDX-License-Identifier: BSD-2-Clause */
/* merge.c: pp-stats --merge (see merge.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/fwdloss.h"
#include "lib/merge.h"
#include "lib/util.h"

int
pp_merge_init(struct pp_merge *m, const struct pp_merge_opts *o)
{
	memset(m, 0, sizeof(*m));
	m->o = *o;
	m->free = UINT32_MAX;
	m->hfree = UINT32_MAX;
	pp_keytab_init(&m->kmap);
	pp_keytab_init(&m->cmap);
	if (pp_intern_init(&m->names, UINT32_MAX - 1) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_merge_release(struct pp_merge *m)
{
	for (uint32_t c = 0; c < m->nclocks; c++) {
		struct pp_merge_clock *k = &m->clocks[c];
		for (uint32_t n = 0; n < k->nopen; n++)
			pp_stats_release(&m->rows[k->open[n]].st);
		free(k->open);
		pp_winset_release(&k->done);
	}
	free(m->clocks);
	for (uint32_t i = 0; i < m->nheld; i++)
		free(m->held[i].line);
	free(m->held);
	free(m->rows);
	free(m->keys);
	pp_keytab_release(&m->kmap);
	pp_keytab_release(&m->cmap);
	pp_intern_release(&m->names);
	json_decref(m->source);
	memset(m, 0, sizeof(*m));
}

/* Intern s; UINT32_MAX (m->oom) when memory ran short. */
static uint32_t
intern(void *arg, const char *s)
{
	struct pp_merge *m = arg;
	uint32_t id = pp_intern(&m->names, s);

	if (id == PP_INTERN_NONE)
		m->oom = true;
	return id;
}

/* The clock of vantage point id vantage (index), UINT32_MAX (m->oom)
 * when memory ran short. */
static uint32_t
clock_of(struct pp_merge *m, uint32_t vantage)
{
	bool added;
	uint32_t i = pp_keytab_add(&m->cmap, vantage, 0, 0, &added);

	if (i == PP_KEYTAB_NONE) {
		m->oom = true;
		return UINT32_MAX;
	}
	if (!added)
		return i;
	if (m->nclocks == m->aclocks) {
		uint32_t na = m->aclocks != 0 ? m->aclocks * 2 : 8;
		struct pp_merge_clock *nc = realloc(m->clocks, (size_t)na *
		    sizeof(*nc));
		if (nc == NULL) {
			m->oom = true;
			return UINT32_MAX;
		}
		m->clocks = nc;
		m->aclocks = na;
	}
	struct pp_merge_clock *c = &m->clocks[i];
	memset(c, 0, sizeof(*c));
	c->newest = LLONG_MIN;
	c->written = LLONG_MIN;
	m->nclocks++;
	return i;
}

static uint32_t
key_of(struct pp_merge *m, uint32_t vantage, uint32_t target, int ttl)
{
	bool added;
	uint32_t i = pp_keytab_add(&m->kmap, vantage, target, ttl, &added);

	if (i == PP_KEYTAB_NONE) {
		m->oom = true;
		return UINT32_MAX;
	}
	if (!added)
		return i;
	if (m->nkeys == m->akeys) {
		uint32_t na = m->akeys != 0 ? m->akeys * 2 : 64;
		struct pp_merge_key *nk = realloc(m->keys, (size_t)na *
		    sizeof(*nk));
		if (nk == NULL) {
			m->oom = true;
			return UINT32_MAX;
		}
		m->keys = nk;
		m->akeys = na;
	}
	m->keys[i].vantage = vantage;
	m->keys[i].target = target;
	m->keys[i].ttl = ttl;
	m->keys[i].open = UINT32_MAX;
	m->keys[i].held = UINT32_MAX;
	m->keys[i].last_win = LLONG_MIN;
	m->keys[i].clock = clock_of(m, vantage);
	if (m->keys[i].clock == UINT32_MAX)
		return UINT32_MAX;
	m->nkeys++;
	return i;
}

/* The open row of key and window win, made when there is none; NULL
 * (m->oom) when memory ran short. */
static struct pp_merge_row *
row_of(struct pp_merge *m, uint32_t key, long long win)
{
	struct pp_merge_key *k = &m->keys[key];

	for (uint32_t i = k->open; i != UINT32_MAX; i = m->rows[i].knext)
		if (m->rows[i].win == win)
			return &m->rows[i];
	struct pp_merge_clock *c = &m->clocks[k->clock];
	if (c->nopen == c->aopen) {
		uint32_t na = c->aopen != 0 ? c->aopen * 2 : 64;
		uint32_t *no = realloc(c->open, (size_t)na * sizeof(*no));
		if (no == NULL) {
			m->oom = true;
			return NULL;
		}
		c->open = no;
		c->aopen = na;
	}
	uint32_t i = m->free;
	if (i != UINT32_MAX)
		m->free = m->rows[i].knext;
	else {
		if (m->nrows == m->arows) {
			uint32_t na = m->arows != 0 ? m->arows * 2 : 64;
			struct pp_merge_row *nr = na > m->arows ?
			    realloc(m->rows, (size_t)na * sizeof(*nr)) : NULL;
			if (nr == NULL) {
				m->oom = true;
				return NULL;
			}
			m->rows = nr;
			m->arows = na;
		}
		i = m->nrows++;
	}
	struct pp_merge_row *r = &m->rows[i];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->win = win;
	r->start = INFINITY;
	r->end = -INFINITY;
	r->vantage = UINT32_MAX;
	r->seq = m->seq++;
	r->fwd_sent = r->fwd_lost = -1;
	r->fwd_ttl = 0;
	r->rate_limit = NAN;
	pp_stats_init(&r->st);
	r->knext = k->open;
	k->open = i;
	c->open[c->nopen++] = i;
	return r;
}

/* A row to write: its window, order of first appearance, slot. */
struct place {
	long long win;
	uint64_t seq;
	uint32_t i;
};

static int
cmp_place(const void *x, const void *y)
{
	const struct place *a = x;
	const struct place *b = y;

	if (a->win != b->win)
		return (a->win > b->win) - (a->win < b->win);
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Write row slot i, then free it. */
static void
write_row(struct pp_merge *m, uint32_t i)
{
	struct pp_merge_row *r = &m->rows[i];
	struct pp_merge_key *k = &m->keys[r->key];
	struct pp_stats_rec rec;

	if (r->win > k->last_win)
		k->last_win = r->win;

	pp_agg_stats_row(&m->names, &r->st, k->ttl, &rec);
	rec.vantage = k->vantage != UINT32_MAX ?
	    pp_intern_name(&m->names, k->vantage) : NULL;
	rec.target = pp_intern_name(&m->names, k->target);
	rec.start = r->start;
	rec.end = r->end;
	if (m->o.every > 0) {
		rec.start = (double)r->win * m->o.every;
		rec.end = rec.start + m->o.every;
	}
	if (k->ttl > 0 && r->fwd_sent > 0 && r->fwd_ttl < 0)
		m->fwd_mixed++;
	if (k->ttl > 0 && r->fwd_sent > 0 && r->fwd_ttl >= 0) {
		rec.fwd_ttl = r->fwd_ttl;
		rec.fwd_sent = r->fwd_sent;
		rec.fwd_lost = r->fwd_lost;
		rec.fwd_loss = 100.0 * (double)r->fwd_lost /
		    (double)r->fwd_sent;
		pp_wilson((uint64_t)r->fwd_lost, (uint64_t)r->fwd_sent,
		    PP_Z95, &rec.fwd_lo, &rec.fwd_hi);
	}
	if (r->rate_limited > 0) {
		rec.rate_limited = r->rate_limited;
		rec.rate_limit = r->rate_limit;
	}
	rec.parts = &r->st;
	if (m->o.row != NULL)
		m->o.row(m->o.arg, &rec, r->key);
	/* Off the key's open rows, onto the free ones. */
	uint32_t *p = &k->open;
	while (*p != i)
		p = &m->rows[*p].knext;
	*p = r->knext;
	pp_stats_release(&r->st);
	r->knext = m->free;
	m->free = i;
}

/* Write clock c's open rows of windows up to win (all: LLONG_MAX), in
 * order of window, then of first appearance. */
static void
write_upto(struct pp_merge *m, struct pp_merge_clock *c, long long win)
{
	struct place *pl = malloc(((size_t)c->nopen + 1) * sizeof(*pl));
	uint32_t n = 0;
	uint32_t kept = 0;

	if (pl == NULL) {
		m->oom = true;
		return;
	}
	for (uint32_t j = 0; j < c->nopen; j++) {
		uint32_t i = c->open[j];
		if (m->rows[i].win <= win) {
			pl[n].win = m->rows[i].win;
			pl[n].seq = m->rows[i].seq;
			pl[n++].i = i;
		} else
			c->open[kept++] = i;
	}
	c->nopen = kept;
	qsort(pl, n, sizeof(*pl), cmp_place);
	for (uint32_t j = 0; j < n; j++) {
		write_row(m, pl[j].i);
		if (pp_winset_add(&c->done, pl[j].win) == -1)
			m->oom = true;
	}
	free(pl);
}

int
pp_merge_add(struct pp_merge *m, json_t *o, struct pp_error *err)
{
	struct pp_stats_rec rec;
	struct pp_stats part;
	int version;

	if (pp_stats_rec_read(&rec, o, err) == -1)
		return -1;
	if (!isfinite(rec.start) || !isfinite(rec.end) || rec.end <
	    rec.start) {
		pp_error_set(err, "stats record without a finite start and "
		    "end");
		return -1;
	}
	pp_stats_init(&part);
	int rc = pp_stats_parts_read(&part, o, &rec, intern, m, &version,
	    err);
	if (rc <= 0) {
		pp_stats_release(&part);
		if (rc == 0 && version == 0)
			m->no_parts++;
		else if (rc == 0) {
			m->other_version++;
			m->version_seen = version;
		}
		return rc == -1 || m->oom ? -1 : 0;
	}
	long long win = 0;
	if (m->o.every > 0) {
		win = (long long)floor(rec.start / m->o.every);
		/* The record must end inside the window (its end is the
		 * window's end at most). */
		if (rec.end > (double)(win + 1) * m->o.every + 1e-6) {
			m->spans++;
			pp_stats_release(&part);
			return 0;
		}
	}
	uint32_t own = rec.vantage != NULL ? intern(m, rec.vantage) :
	    UINT32_MAX;
	uint32_t vantage = m->o.vantage != NULL ? intern(m, m->o.vantage) :
	    own;
	uint32_t target = intern(m, rec.target);
	uint32_t key = m->oom ? UINT32_MAX : key_of(m, vantage, target,
	    rec.ttl);
	/* Windows are written as their vantage point's time passes them
	 * when each vantage point is kept apart (see merge.h). */
	bool stream = m->o.every > 0 && m->o.vantage == NULL;
	struct pp_merge_clock *c = key != UINT32_MAX ?
	    &m->clocks[m->keys[key].clock] : NULL;
	/* A window passed but never written (a file given before an
	 * earlier one) is still filled; one written is never again. */
	if (c != NULL && stream && win <= c->written &&
	    win <= m->keys[key].last_win && pp_winset_has(&c->done, win)) {
		m->late++;
		pp_stats_release(&part);
		return 0;
	}
	struct pp_merge_row *r = key != UINT32_MAX ? row_of(m, key, win) :
	    NULL;
	if (r == NULL) {
		pp_stats_release(&part);
		return -1;
	}
	/* One stream, in time order: joined as one pass joins it. */
	bool in_order = r->st.sent == 0 || (own == r->vantage &&
	    part.first_ts >= r->st.last_ts);
	if (!in_order)
		m->seams++;
	pp_stats_merge(&r->st, &part, in_order);
	pp_stats_release(&part);
	r->vantage = own;
	if (rec.fwd_sent >= 0 && rec.fwd_lost >= 0) {
		if (r->fwd_sent < 0) {
			r->fwd_sent = r->fwd_lost = 0;
			r->fwd_ttl = rec.fwd_ttl;
		} else if (r->fwd_ttl != rec.fwd_ttl) {
			r->fwd_ttl = -1;
		}
		r->fwd_sent += rec.fwd_sent;
		r->fwd_lost += rec.fwd_lost;
	}
	r->rate_limited += rec.rate_limited;
	if (rec.rate_limit > 0 && !(rec.rate_limit <= r->rate_limit))
		r->rate_limit = rec.rate_limit;
	if (rec.start < r->start)
		r->start = rec.start;
	if (rec.end > r->end)
		r->end = rec.end;
	m->merged++;
	if (stream && win > c->newest) {
		c->newest = win;
		if (win - 2 > c->written) {
			write_upto(m, c, win - 2);
			c->written = win - 2;
		}
	}
	return m->oom ? -1 : 0;
}

/* Write k's held outage and free its slot. */
static void
write_held(struct pp_merge *m, struct pp_merge_key *k)
{
	struct pp_merge_held *h = &m->held[k->held];

	if (m->o.outage != NULL)
		m->o.outage(m->o.arg, &h->rec, h->line, h->len);
	free(h->line);
	h->line = NULL;
	h->len = m->hfree;
	m->hfree = k->held;
	k->held = UINT32_MAX;
}

/* A free held slot (index), UINT32_MAX (m->oom) when memory ran short. */
static uint32_t
held_slot(struct pp_merge *m)
{
	if (m->hfree != UINT32_MAX) {
		uint32_t i = m->hfree;
		m->hfree = (uint32_t)m->held[i].len;
		return i;
	}
	if (m->nheld == m->aheld) {
		uint32_t na = m->aheld != 0 ? m->aheld * 2 : 8;
		struct pp_merge_held *nh = realloc(m->held, (size_t)na *
		    sizeof(*nh));
		if (nh == NULL) {
			m->oom = true;
			return UINT32_MAX;
		}
		m->held = nh;
		m->aheld = na;
	}
	return m->nheld++;
}

int
pp_merge_outage(struct pp_merge *m, json_t *o, const char *line,
    size_t len, struct pp_error *err)
{
	struct pp_outage_rec r;

	if (pp_outage_rec_read(&r, o, err) == -1)
		return -1;
	if (!(m->o.gap > 0)) {
		if (m->o.outage != NULL)
			m->o.outage(m->o.arg, &r, line, len);
		return 0;
	}
	uint32_t vantage = r.vantage != NULL ? intern(m, r.vantage) :
	    UINT32_MAX;
	uint32_t target = intern(m, r.target);
	uint32_t key = m->oom ? UINT32_MAX : key_of(m, vantage, target,
	    r.ttl);
	if (key == UINT32_MAX)
		return -1;
	struct pp_merge_key *k = &m->keys[key];
	if (k->held != UINT32_MAX) {
		struct pp_merge_held *h = &m->held[k->held];
		if (r.start > h->rec.end && r.start <= h->rec.end +
		    m->o.gap) {
			/* One outage across the seam. */
			h->rec.end = r.end;
			h->rec.sent += r.sent;
			h->rec.recv += r.recv;
			h->rec.ongoing = r.ongoing;
			free(h->line);
			h->line = NULL;
			m->joined++;
			if (!r.ongoing)
				write_held(m, k);
			return 0;
		}
		write_held(m, k);
	}
	if (!r.ongoing) {
		if (m->o.outage != NULL)
			m->o.outage(m->o.arg, &r, line, len);
		return 0;
	}
	char *copy = malloc(len + 1);
	uint32_t i = copy != NULL ? held_slot(m) : UINT32_MAX;
	if (i == UINT32_MAX) {
		free(copy);
		m->oom = true;
		return -1;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	struct pp_merge_held *h = &m->held[i];
	h->rec = r;
	h->rec.vantage = vantage != UINT32_MAX ? pp_intern_name(&m->names,
	    vantage) : NULL;
	h->rec.target = pp_intern_name(&m->names, target);
	h->line = copy;
	h->len = len;
	k->held = i;
	return 0;
}

void
pp_merge_finish(struct pp_merge *m)
{
	/* Every clock's open rows in one order (one clock's when there is
	 * one). */
	uint64_t n = 0;
	for (uint32_t c = 0; c < m->nclocks; c++)
		n += m->clocks[c].nopen;
	struct place *pl = malloc(((size_t)n + 1) * sizeof(*pl));
	if (pl == NULL) {
		m->oom = true;
		return;
	}
	n = 0;
	for (uint32_t c = 0; c < m->nclocks; c++) {
		struct pp_merge_clock *k = &m->clocks[c];
		for (uint32_t j = 0; j < k->nopen; j++) {
			uint32_t i = k->open[j];
			pl[n].win = m->rows[i].win;
			pl[n].seq = m->rows[i].seq;
			pl[n++].i = i;
		}
		k->nopen = 0;
	}
	qsort(pl, n, sizeof(*pl), cmp_place);
	for (uint64_t j = 0; j < n; j++)
		write_row(m, pl[j].i);
	free(pl);
	for (uint32_t i = 0; i < m->nkeys; i++)
		if (m->keys[i].held != UINT32_MAX)
			write_held(m, &m->keys[i]);
}

int
pp_merge_record(struct pp_merge *m, struct pp_record *rec, bool outages,
    struct pp_error *err)
{
	json_t *o;

	switch (rec->type) {
	case PP_REC_META:
		o = pp_record_json(rec, NULL);
		if (m->source == NULL && o != NULL) {
			json_t *set = json_object_get(o, "settings");
			/* Outages across parts join over a pause of at most
			 * 1.5 probe intervals of the input's probes. */
			json_t *src = json_object_get(set, "source");
			double iv = pp_json_num(src, "interval");
			if (isfinite(iv) && iv > 0)
				m->o.gap = 1.5 * iv;
			if (json_is_object(src))
				m->source = json_incref(src);
			else if (json_is_object(set))
				m->source = json_incref(set);
		}
		return 0;
	case PP_REC_OUTAGE:
		if (!outages)
			return 0;
		/* FALLTHROUGH */
	case PP_REC_STATS:
		pp_error_clear(err);
		o = pp_record_json(rec, err);
		if (o != NULL && (rec->type == PP_REC_STATS ?
		    pp_merge_add(m, o, err) : pp_merge_outage(m, o, rec->line,
		    rec->len, err)) == 0)
			return 0;
		if (!m->oom)
			m->bad++;
		return -1;
	case PP_REC_PROBE:
		m->probes++;
		return 0;
	default:
		return 0;
	}
}

/* A message to o.report. */
static void __attribute__((format(printf, 2, 3)))
say(const struct pp_merge *m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (m->o.report == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m->o.report(m->o.arg, msg);
}

void
pp_merge_report(const struct pp_merge *m)
{
	if (m->probes > 0)
		say(m, "--merge: %llu probe record%s ignored (merge the stats "
		    "records pp-stats --parts makes of them)",
		    (unsigned long long)m->probes, pp_plural(m->probes, "",
		    "s"));
	if (m->no_parts > 0)
		say(m, "--merge: %llu stats record%s without parts not merged "
		    "(pp-stats --parts writes them)",
		    (unsigned long long)m->no_parts, pp_plural(m->no_parts, "",
		    "s"));
	if (m->other_version > 0)
		say(m, "--merge: %llu stats record%s with parts of version %d "
		    "not merged (this pp-stats reads version %d)",
		    (unsigned long long)m->other_version,
		    pp_plural(m->other_version, "", "s"), m->version_seen,
		    PP_PARTS_VERSION);
	if (m->spans > 0)
		say(m, "--merge: %llu stats record%s two --every windows "
		    "and %s not merged (a window a whole number of theirs)",
		    (unsigned long long)m->spans, pp_plural(m->spans,
		    " spans", "s span"), pp_plural(m->spans, "was", "were"));
	if (m->late > 0)
		say(m, "--merge: %llu stats record%s came after %s window "
		    "was written and %s not merged (a window is written "
		    "once: give a vantage point's files in time order)",
		    (unsigned long long)m->late, pp_plural(m->late, "", "s"),
		    pp_plural(m->late, "its", "their"), pp_plural(m->late,
		    "was", "were"));
	if (m->bad > 0)
		say(m, "--merge: %llu bad stats record%s not merged",
		    (unsigned long long)m->bad, pp_plural(m->bad, "", "s"));
	if (m->fwd_mixed > 0)
		say(m, "--merge: %llu stats record%s written without "
		    "forwarding loss: %s parts' forwarding loss rested on "
		    "different hops (fwd_ttl)",
		    (unsigned long long)m->fwd_mixed,
		    pp_plural(m->fwd_mixed, "", "s"), pp_plural(m->fwd_mixed,
		    "its", "their"));
	if (m->seams > 0 && m->o.vantage == NULL)
		say(m, "--merge: %llu stats record%s came out of time order "
		    "for %s vantage point and target: %s jitter and loss "
		    "runs were joined without the seam",
		    (unsigned long long)m->seams, pp_plural(m->seams, "", "s"),
		    pp_plural(m->seams, "its", "their"), pp_plural(m->seams,
		    "its", "their"));
}
