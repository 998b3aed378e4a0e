/* SPDX-License-Identifier: BSD-2-Clause */
/* merge.c: pp-stats --merge (see merge.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/fwdloss.h"
#include "lib/merge.h"

int
pp_merge_init(struct pp_merge *m, const struct pp_merge_opts *o)
{
	memset(m, 0, sizeof(*m));
	m->o = *o;
	pp_keytab_init(&m->kmap);
	pp_keytab_init(&m->rmap);
	if (pp_intern_init(&m->names, UINT32_MAX - 1) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_merge_release(struct pp_merge *m)
{
	for (uint32_t i = 0; i < m->nrows; i++)
		pp_stats_release(&m->rows[i].st);
	free(m->rows);
	free(m->keys);
	pp_keytab_release(&m->kmap);
	pp_keytab_release(&m->rmap);
	pp_intern_release(&m->names);
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
	m->nkeys++;
	return i;
}

static struct pp_merge_row *
row_of(struct pp_merge *m, uint32_t key, long long win)
{
	bool added;
	uint32_t i = pp_keytab_add(&m->rmap, key, (uint32_t)win,
	    (int32_t)(win >> 32), &added);

	if (i == PP_KEYTAB_NONE) {
		m->oom = true;
		return NULL;
	}
	if (!added)
		return &m->rows[i];
	if (m->nrows == m->arows) {
		uint32_t na = m->arows != 0 ? m->arows * 2 : 64;
		struct pp_merge_row *nr = realloc(m->rows, (size_t)na *
		    sizeof(*nr));
		if (nr == NULL) {
			m->oom = true;
			return NULL;
		}
		m->rows = nr;
		m->arows = na;
	}
	struct pp_merge_row *r = &m->rows[i];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->win = win;
	r->start = INFINITY;
	r->end = -INFINITY;
	r->vantage = UINT32_MAX;
	r->fwd_sent = r->fwd_lost = -1;
	r->rate_limit = NAN;
	pp_stats_init(&r->st);
	m->nrows++;
	return r;
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
		if (r->fwd_sent < 0)
			r->fwd_sent = r->fwd_lost = 0;
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
	return 0;
}

/* A row's place: its window, then its index (first appearance). */
struct place {
	long long win;
	uint32_t i;
};

static int
cmp_place(const void *x, const void *y)
{
	const struct place *a = x;
	const struct place *b = y;

	if (a->win != b->win)
		return (a->win > b->win) - (a->win < b->win);
	return (a->i > b->i) - (a->i < b->i);
}

void
pp_merge_finish(struct pp_merge *m, void (*fn)(void *arg,
    const struct pp_stats_rec *r, uint32_t key), void *arg)
{
	struct place *pl = malloc(((size_t)m->nrows + 1) * sizeof(*pl));

	if (pl == NULL) {
		m->oom = true;
		return;
	}
	for (uint32_t i = 0; i < m->nrows; i++) {
		pl[i].win = m->rows[i].win;
		pl[i].i = i;
	}
	qsort(pl, m->nrows, sizeof(*pl), cmp_place);
	for (uint32_t n = 0; n < m->nrows; n++) {
		struct pp_merge_row *r = &m->rows[pl[n].i];
		const struct pp_merge_key *k = &m->keys[r->key];
		struct pp_stats_rec rec;
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
		if (k->ttl > 0 && r->fwd_sent > 0) {
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
		fn(arg, &rec, r->key);
	}
	free(pl);
}
