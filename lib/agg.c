/* SPDX-License-Identifier: BSD-2-Clause */
/* agg.c: pp-stats' aggregation (see agg.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"

/* A probe outcome waiting in the reorder buffer (32 bytes). */
struct item {
	double rtt;		/* ms, NAN when lost */
	uint32_t key;		/* key index */
	uint32_t addr;		/* interned responder (of an answer or an
				 * unreachable), UINT32_MAX none */
	uint32_t mpls;		/* interned MPLS label stack of an answer
				 * (mpls_text), UINT32_MAX none */
	int16_t code;		/* ICMP code of an unreachable, -1 none */
	uint8_t ttl;		/* hop, 0 for plain probes */
	uint8_t outcome;	/* enum pp_outcome */
	uint8_t why;		/* enum pp_loss */
	uint8_t conn;		/* TCP: enum pp_conn, or CONN_TCP (no
				 * answer); 0 not TCP */
	bool expired;		/* a ttl-expired answer (the hop is a
				 * router) */
	bool dest;		/* the probe reached the destination */
};

/* item.conn of a TCP probe without an answer. */
#define CONN_TCP 3

static void process(void *arg, double ts, const void *itemp);

int
pp_agg_init(struct pp_agg *a, const struct pp_agg_opts *o,
    const struct pp_agg_sink *sink)
{
	memset(a, 0, sizeof(*a));
	a->o = *o;
	a->sink = *sink;
	pp_keytab_init(&a->tmap);
	pp_keytab_init(&a->kmap);
	pp_keytab_init(&a->cmap);
	if (pp_intern_init(&a->names, PP_AGG_MAX_NAMES) == -1) {
		pp_agg_release(a);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_agg_release(struct pp_agg *a)
{
	pp_intern_release(&a->names);
	pp_keytab_release(&a->tmap);
	for (uint32_t i = 0; i < a->nkeys; i++)
		pp_stats_release(&a->keys[i].st);
	free(a->keys);
	pp_keytab_release(&a->kmap);
	for (uint32_t i = 0; i < a->ntargets; i++)
		pp_outage_release(&a->targets[i].od);
	free(a->targets);
	for (uint32_t i = 0; i < a->nclocks; i++) {
		pp_reorder_release(&a->clocks[i].ro);
		free(a->clocks[i].active);
		pp_winset_release(&a->clocks[i].done);
	}
	free(a->clocks);
	pp_keytab_release(&a->cmap);
	memset(a, 0, sizeof(*a));
}

void
pp_agg_set_horizon(struct pp_agg *a, double horizon)
{
	a->o.horizon = horizon;
	for (uint32_t i = 0; i < a->nclocks; i++)
		a->clocks[i].ro.horizon = horizon;
	a->horizon_set = true;
}

void
pp_agg_meta(struct pp_agg *a, const json_t *settings)
{
	double h = pp_meta_horizon(settings);

	pp_outcome_meta(&a->o.outcome, settings);
	if (!a->horizon_set && isfinite(h))
		pp_agg_set_horizon(a, h);
}

void
pp_agg_outage_rec(const struct pp_agg_outage *o, struct pp_outage_rec *r)
{
	pp_outage_rec_init(r);
	r->vantage = o->vantage;
	r->target = o->target;
	r->ttl = o->ttl;
	r->start = o->start;
	r->end = o->end;
	r->duration = (o->end - o->start) * 1000.0;
	r->sent = o->sent;
	r->recv = o->recv;
	r->loss = o->sent > 0 ? 100.0 * (double)(o->sent - o->recv) /
	    (double)o->sent : NAN;
	r->ongoing = o->ongoing;
}

bool
pp_agg_is_dest(const struct pp_agg *a, const struct pp_agg_key *k)
{
	const struct pp_agg_target *t = &a->targets[k->target];

	return k->ttl == 0 || k->ttl == (t->dest_ttl > 0 ? t->dest_ttl :
	    t->max_ttl);
}

const char *
pp_agg_vantage(const struct pp_agg *a, const struct pp_agg_key *k)
{
	uint32_t v = a->targets[k->target].vantage;

	return v != PP_INTERN_NONE ? pp_intern_name(&a->names, v) : NULL;
}

const char *
pp_agg_name(const struct pp_agg *a, uint32_t id)
{
	return pp_intern_name(&a->names, id);
}

/* Intern s, its pp_hash_str h (0: not worked out); UINT32_MAX when the
 * table is full or memory short. */
static uint32_t
intern_hashed(struct pp_agg *a, const char *s, uint64_t h)
{
	uint32_t id = pp_intern_hashed(&a->names, s, h);

	if (a->names.oom)
		a->oom = true;
	return id;
}

/* Intern s; UINT32_MAX when the table is full or memory short. */
static uint32_t
intern(struct pp_agg *a, const char *s)
{
	uint32_t id = pp_intern(&a->names, s);

	if (a->names.oom)
		a->oom = true;
	return id;
}

/* The clock of an interned vantage point, made when new. */
static uint32_t
clock_of(struct pp_agg *a, uint32_t vantage)
{
	bool added;
	uint32_t i = pp_keytab_add(&a->cmap, vantage, 0, 0, &added);

	if (i == PP_KEYTAB_NONE) {
		a->oom = true;
		return UINT32_MAX;
	}
	if (!added)
		return i;
	if (a->nclocks == a->aclocks) {
		uint32_t na = a->aclocks != 0 ? a->aclocks * 2 : 4;
		struct pp_agg_clock *nc = realloc(a->clocks, (size_t)na *
		    sizeof(*nc));
		if (nc == NULL) {
			a->oom = true;
			return UINT32_MAX;
		}
		a->clocks = nc;
		a->aclocks = na;
	}
	struct pp_agg_clock *c = &a->clocks[a->nclocks];
	memset(c, 0, sizeof(*c));
	c->vantage = vantage;
	(void)pp_reorder_init(&c->ro, sizeof(struct item), PP_AGG_REORDER,
	    a->o.horizon);
	return a->nclocks++;
}

/* The target for an interned vantage point and name, made when new. */
static uint32_t
target_of(struct pp_agg *a, uint32_t vantage, uint32_t name)
{
	uint32_t i = pp_keytab_find(&a->tmap, vantage, name, 0);

	if (i != PP_KEYTAB_NONE)
		return i;
	if (a->ntargets == a->atargets) {
		uint32_t na = a->atargets != 0 ? a->atargets * 2 : 8;
		struct pp_agg_target *nt = realloc(a->targets,
		    na * sizeof(*nt));
		if (nt == NULL) {
			a->oom = true;
			return UINT32_MAX;
		}
		a->targets = nt;
		a->atargets = na;
	}
	if (pp_keytab_add(&a->tmap, vantage, name, 0, NULL) != a->ntargets) {
		a->oom = true;
		return UINT32_MAX;
	}
	uint32_t clock = clock_of(a, vantage);
	if (clock == UINT32_MAX)
		return UINT32_MAX;
	struct pp_agg_target *t = &a->targets[a->ntargets];
	memset(t, 0, sizeof(*t));
	if (a->ntargets > 0 && a->targets[0].vantage != vantage)
		a->vantages = true;
	t->vantage = vantage;
	t->clock = clock;
	t->name = name;
	pp_outage_init(&t->od, a->o.outage_loss, a->o.outage_min);
	return a->ntargets++;
}

/* The key for (target index, ttl), made when new; UINT32_MAX when
 * memory ran short (a->oom): no cap but memory. */
static uint32_t
key_of(struct pp_agg *a, uint32_t target, int ttl)
{
	uint32_t i = pp_keytab_find(&a->kmap, 0, target, ttl);

	if (i != PP_KEYTAB_NONE)
		return i;
	if (a->nkeys == a->akeys) {
		uint32_t na = a->akeys != 0 ? a->akeys * 2 : 64;
		struct pp_agg_key *nk = realloc(a->keys, na * sizeof(*nk));
		if (nk == NULL) {
			a->oom = true;
			return UINT32_MAX;
		}
		a->keys = nk;
		a->akeys = na;
	}
	if (pp_keytab_add(&a->kmap, 0, target, ttl, NULL) != a->nkeys) {
		a->oom = true;
		return UINT32_MAX;
	}
	struct pp_agg_key *k = &a->keys[a->nkeys];
	memset(k, 0, sizeof(*k));
	k->target = target;
	k->ttl = ttl;
	k->from = PP_INTERN_NONE;
	k->last_win = LLONG_MIN;
	pp_stats_init(&k->st);
	pp_ratelimit_init(&k->rl);
	return a->nkeys++;
}

/* ------------------------------------------------------- outages */

struct out_ctx {
	struct pp_agg *a;
	struct pp_agg_target *t;
};

static void
on_outage(void *arg, const struct pp_outage_event *e)
{
	struct out_ctx *c = arg;
	struct pp_agg *a = c->a;

	if (e->kind != PP_OUTAGE_END || e->brief || a->sink.outage == NULL)
		return;
	struct pp_agg_outage o = {
		.vantage = c->t->vantage != PP_INTERN_NONE ?
		    pp_intern_name(&a->names, c->t->vantage) : NULL,
		.target = pp_intern_name(&a->names, c->t->name),
		.ttl = c->t->plain ? 0 : c->t->dest_ttl,
		.start = e->start,
		.end = e->end,
		.sent = e->sent,
		.recv = e->recv,
		.ongoing = e->ongoing,
	};
	a->sink.outage(a->sink.arg, a, &o);
}

/* ------------------------------------------------------- windows */

/* Whether a hop only repeats its target's destination. */
static bool
beyond_destination(const struct pp_agg *a, const struct pp_agg_key *k)
{
	const struct pp_agg_target *t = &a->targets[k->target];

	return k->ttl > 0 && t->dest_ttl > 0 && k->ttl > t->dest_ttl &&
	    k->expired == 0;
}

/* A key of a window, for ordering. */
struct korder {
	uint32_t target;	/* target index (first seen first) */
	int ttl;		/* then hop */
	uint32_t key;		/* key index */
};

static int
cmp_korder(const void *x, const void *y)
{
	const struct korder *a = x;
	const struct korder *b = y;

	if (a->target != b->target)
		return (a->target > b->target) - (a->target < b->target);
	return (a->ttl > b->ttl) - (a->ttl < b->ttl);
}

/* The keys of clock c's window, by target (first seen first), then hop:
 * a new array of *n indexes (NULL, a->oom, when memory ran short). */
static uint32_t *
window_order(struct pp_agg *a, const struct pp_agg_clock *c, uint32_t *n)
{
	struct korder *order = malloc(((size_t)c->nactive + 1) *
	    sizeof(*order));
	uint32_t *idx = malloc(((size_t)c->nactive + 1) * sizeof(*idx));

	*n = 0;
	if (order == NULL || idx == NULL) {
		free(order);
		free(idx);
		a->oom = true;
		return NULL;
	}
	for (uint32_t i = 0; i < c->nactive; i++) {
		const struct pp_agg_key *k = &a->keys[c->active[i]];
		order[i].target = k->target;
		order[i].ttl = k->ttl;
		order[i].key = c->active[i];
	}
	*n = c->nactive;
	qsort(order, *n, sizeof(*order), cmp_korder);
	for (uint32_t i = 0; i < *n; i++)
		idx[i] = order[i].key;
	free(order);
	return idx;
}

/* The forwarding loss of target keys k[0..n-1] (its hops in ascending
 * ttl, up to the destination), worked out together. */
static void
estimate(struct pp_agg *a, struct pp_agg_key **k, uint32_t n)
{
	struct pp_fwd_hop *h = malloc((size_t)n * sizeof(*h));

	if (h == NULL) {
		a->oom = true;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		h[i] = (struct pp_fwd_hop){
			.ttl = k[i]->ttl,
			.sent = k[i]->st.sent,
			.lost = k[i]->st.sent - k[i]->st.recv,
			.explained = k[i]->lim.explained,
		};
	}
	pp_fwdloss_estimate(h, (int)n);
	for (uint32_t i = 0; i < n; i++)
		k[i]->fwd = h[i];
	free(h);
}

/* The figures of the window's keys idx[0..n-1] (window_order) that
 * depend on each other: each key's rate-limit verdict, then each target's
 * hops' forwarding loss, worked out together. */
static void
work_out(struct pp_agg *a, const uint32_t *idx, uint32_t n)
{
	struct pp_agg_key **hops = malloc(((size_t)n + 1) * sizeof(*hops));

	if (hops == NULL) {
		a->oom = true;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct pp_agg_key *k = &a->keys[idx[i]];
		pp_ratelimit_verdict(&k->rl, &k->lim);
		memset(&k->fwd, 0, sizeof(k->fwd));
		k->fwd.fwd = NAN;
	}
	for (uint32_t i = 0; i < n;) {
		uint32_t nh = 0;
		uint32_t j = i;
		for (; j < n && a->keys[idx[j]].target == a->keys[idx[i]].target;
		    j++) {
			struct pp_agg_key *k = &a->keys[idx[j]];
			if (k->ttl > 0 && !beyond_destination(a, k))
				hops[nh++] = k;
		}
		if (nh > 0)
			estimate(a, hops, nh);
		i = j;
	}
	free(hops);
}

static void
close_window(struct pp_agg *a, uint32_t ci)
{
	struct pp_agg_clock *c = &a->clocks[ci];

	if (!c->win_open)
		return;
	double start = a->o.every > 0 ? (double)c->win * a->o.every :
	    c->first_ts;
	double end = a->o.every > 0 ? start + a->o.every : c->last_ts;
	uint32_t n;
	uint32_t *idx = window_order(a, c, &n);
	if (idx == NULL)
		return;
	work_out(a, idx, n);
	for (uint32_t i = 0; i < n; i++) {
		struct pp_agg_key *k = &a->keys[idx[i]];
		if (!beyond_destination(a, k) && a->sink.stats != NULL)
			a->sink.stats(a->sink.arg, a, k, start, end);
		pp_stats_release(&k->st);
		pp_ratelimit_window(&k->rl);
		k->active = false;
		if (a->o.every > 0 && c->win > k->last_win)
			k->last_win = c->win;
	}
	free(idx);
	c->nactive = 0;
	c->win_open = false;
	if (a->o.every > 0 && pp_winset_add(&c->done, c->win) == -1)
		a->oom = true;
}

void
pp_agg_peek(struct pp_agg *a, const struct pp_agg_sink *sink)
{
	for (uint32_t ci = 0; ci < a->nclocks; ci++) {
		struct pp_agg_clock *c = &a->clocks[ci];
		pp_reorder_flush(&c->ro, process, a);
		if (!c->win_open || sink->stats == NULL)
			continue;
		uint32_t n;
		uint32_t *idx = window_order(a, c, &n);
		if (idx == NULL)
			return;
		work_out(a, idx, n);
		for (uint32_t i = 0; i < n; i++) {
			const struct pp_agg_key *k = &a->keys[idx[i]];
			if (!beyond_destination(a, k))
				sink->stats(sink->arg, a, k, c->first_ts,
				    c->last_ts);
		}
		free(idx);
	}
}

/* ------------------------------------------------- probe handling */

static void
process(void *arg, double ts, const void *itemp)
{
	struct pp_agg *a = arg;
	const struct item *it = itemp;
	struct pp_agg_key *k = &a->keys[it->key];
	struct pp_agg_target *t = &a->targets[k->target];
	uint32_t ci = t->clock;
	struct pp_agg_clock *c = &a->clocks[ci];

	if (a->o.every > 0) {
		long long w = (long long)floor(ts / a->o.every);
		if (w != c->win || !c->win_open) {
			/* Written already for this target and hop: never
			 * twice.  (Another run of the vantage point, with
			 * other targets over the same time, is not late.) */
			if (w <= k->last_win && pp_winset_has(&c->done, w)) {
				a->late_window++;
				return;
			}
			close_window(a, ci);
		}
		c = &a->clocks[ci];
		c->win = w;
	}
	/* From the first probe to the last in time: inputs given out of
	 * time order (beyond the reorder wait) come here out of it. */
	if (!c->win_open) {
		c->win_open = true;
		c->first_ts = c->last_ts = ts;
	} else if (ts < c->first_ts) {
		c->first_ts = ts;
	} else if (ts > c->last_ts) {
		c->last_ts = ts;
	}
	bool answered = it->outcome == PP_ANSWER_DEST ||
	    it->outcome == PP_ANSWER_HOP;
	if (!k->active) {
		if (c->nactive == c->aactive) {
			uint32_t na = c->aactive != 0 ? c->aactive * 2 : 64;
			uint32_t *nk = realloc(c->active, (size_t)na *
			    sizeof(*nk));
			if (nk == NULL) {
				a->oom = true;
				return;
			}
			c->active = nk;
			c->aactive = na;
		}
		c->active[c->nactive++] = it->key;
	}
	k->active = true;
	if (it->outcome == PP_LOCAL) {
		k->st.local_drop++;	/* not the network's: not sent */
		return;
	}
	pp_stats_add(&k->st, ts, it->rtt, it->addr);
	if (it->mpls != UINT32_MAX)
		pp_stats_mpls(&k->st, it->addr, it->mpls);
	if (!answered)
		pp_stats_lost_why(&k->st, (enum pp_loss)it->why, it->addr,
		    it->code);
	if (it->conn != 0)
		pp_stats_conn(&k->st, it->conn == CONN_TCP ? PP_CONN_NONE :
		    (enum pp_conn)it->conn);
	if (it->expired)
		k->expired++;
	if (it->ttl > t->max_ttl)
		t->max_ttl = it->ttl;
	if (it->ttl == 0)
		t->plain = true;
	/* Outages at the destination (the rate limit fed there too). */
	int feed = pp_outage_feed(&t->dest_ttl, it->ttl, it->dest);
	if (feed == 0) {
		(void)pp_ratelimit_probe(&k->rl, ts, answered);
		return;
	}
	struct out_ctx oc = { a, t };
	if (feed == 2)
		pp_outage_finish(&t->od, on_outage, &oc);
	pp_outage_dest_probe(&t->od, &k->rl, ts, answered, on_outage, &oc);
}

/* An MPLS label stack as text, "label/tc/s/ttl" an entry, ","
 * between: how agg interns it. */
static void
mpls_text(const struct pp_mpls *m, int n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && i < PP_MPLS_MAX; i++) {
		int w = snprintf(buf + used, size - used, "%s%u/%u/%u/%u",
		    i > 0 ? "," : "", (unsigned)m[i].label, (unsigned)m[i].tc,
		    (unsigned)m[i].s, (unsigned)m[i].ttl);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

/* The stack back from its text, into m; returns the entries. */
static int
mpls_parse(const char *t, struct pp_mpls *m)
{
	int n = 0;

	while (t != NULL && *t != '\0' && n < PP_MPLS_MAX) {
		unsigned label;
		unsigned tc;
		unsigned bos;
		unsigned ttl;
		if (sscanf(t, "%u/%u/%u/%u", &label, &tc, &bos, &ttl) != 4)
			break;
		m[n].label = label;
		m[n].tc = (uint8_t)tc;
		m[n].s = (uint8_t)bos;
		m[n].ttl = (uint8_t)ttl;
		n++;
		t = strchr(t, ',');
		if (t != NULL)
			t++;
	}
	return n;
}

int
pp_agg_probe(struct pp_agg *a, const struct pp_probe *p)
{
	struct item it;
	uint32_t name;

	/* Consecutive records are usually of the same target (and
	 * vantage point). */
	uint32_t ti;
	if (a->last_target_name != 0 &&
	    strcmp(a->names.names[a->last_target_name - 1], p->target) == 0 &&
	    (p->vantage == NULL ? a->last_vantage == PP_INTERN_NONE :
	    a->last_vantage != PP_INTERN_NONE &&
	    strcmp(a->names.names[a->last_vantage], p->vantage) == 0)) {
		ti = a->last_target;
	} else {
		uint32_t vantage = PP_INTERN_NONE;
		if (p->vantage != NULL) {
			vantage = intern(a, p->vantage);
			if (vantage == UINT32_MAX) {
				a->dropped_names++;
				return a->oom ? -1 : 0;
			}
		}
		name = intern_hashed(a, p->target, p->target_hash);
		if (name == UINT32_MAX) {
			a->dropped_names++;
			return a->oom ? -1 : 0;
		}
		ti = target_of(a, vantage, name);
		if (ti == UINT32_MAX)
			return -1;
		a->last_target_name = name + 1;
		a->last_vantage = vantage;
		a->last_target = ti;
	}
	int ttl = pp_probe_hop(p);
	uint32_t key;
	if (a->last_key != 0 && a->keys[a->last_key - 1].target == ti &&
	    a->keys[a->last_key - 1].ttl == ttl) {
		key = a->last_key - 1;
	} else {
		key = key_of(a, ti, ttl);
		if (key == UINT32_MAX) {
			a->oom = true;
			return -1;
		}
		a->last_key = key + 1;
	}
	memset(&it, 0, sizeof(it));
	it.key = key;
	it.ttl = (uint8_t)ttl;
	it.expired = p->status == PP_ST_TTL_EXPIRED;
	it.addr = UINT32_MAX;
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(p, &a->o.outcome, &why);
	bool answered = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
	it.outcome = (uint8_t)oc;
	it.why = (uint8_t)why;
	it.code = (int16_t)p->code;
	it.dest = p->status == PP_ST_REPLY || oc == PP_ANSWER_DEST;
	it.rtt = answered ? p->rtt : NAN;
	/* A TCP answer without "conn" (an old archive) was open. */
	if (p->proto != NULL && p->proto[0] == 't' &&
	    strcmp(p->proto, "tcp") == 0)
		it.conn = p->status != PP_ST_REPLY ? CONN_TCP :
		    p->conn == PP_CONN_REFUSED ? PP_CONN_REFUSED :
		    PP_CONN_OPEN;
	if ((answered || why == PP_LOSS_UNREACHABLE) && p->from != NULL) {
		/* The key's last responder first: one compare, no hash. */
		struct pp_agg_key *k = &a->keys[key];
		if (k->from != PP_INTERN_NONE &&
		    strcmp(a->names.names[k->from], p->from) == 0) {
			it.addr = k->from;
		} else {
			it.addr = intern(a, p->from);
			if (it.addr == UINT32_MAX)
				a->dropped_names++;
			else
				k->from = it.addr;
		}
	}
	it.mpls = UINT32_MAX;
	if (answered && p->nmpls > 0 && it.addr != UINT32_MAX) {
		char text[PP_MPLS_MAX * 24];
		mpls_text(p->mpls, p->nmpls, text, sizeof(text));
		it.mpls = intern(a, text);
	}
	struct pp_reorder *ro = &a->clocks[a->targets[ti].clock].ro;
	/* Back in time beyond the horizon: another segment (a file given
	 * out of order): what is held goes first, then this one is put in
	 * order on its own. */
	if (ro->any_out && p->ts < ro->last_out - ro->horizon) {
		a->segments++;
		pp_reorder_restart(ro, process, a);
	}
	unsigned long long late = ro->late;
	int rc = pp_reorder_push(ro, p->ts, &it, process, a);
	a->late += ro->late - late;
	return rc == -1 || a->oom ? -1 : 0;
}

void
pp_agg_finish(struct pp_agg *a)
{
	for (uint32_t ci = 0; ci < a->nclocks; ci++) {
		pp_reorder_flush(&a->clocks[ci].ro, process, a);
		close_window(a, ci);
	}
	for (uint32_t t = 0; t < a->ntargets; t++) {
		struct out_ctx c = { a, &a->targets[t] };
		pp_outage_finish(&a->targets[t].od, on_outage, &c);
	}
}

void
pp_agg_row(const struct pp_agg *a, const struct pp_agg_key *k, double start,
    double end, struct pp_stats_rec *r)
{
	pp_agg_stats_row(&a->names, &k->st, k->ttl, r);
	r->vantage = pp_agg_vantage(a, k);
	r->target = pp_agg_name(a, a->targets[k->target].name);
	r->start = start;
	r->end = end;
	if (k->ttl > 0 && k->fwd.ttl > 0) {
		r->fwd_loss = k->fwd.fwd;
		r->fwd_lo = k->fwd.lo;
		r->fwd_hi = k->fwd.hi;
		r->fwd_sent = (long long)k->fwd.n;
		r->fwd_lost = (long long)k->fwd.x;
		r->fwd_ttl = k->fwd.basis != k->ttl ? k->fwd.basis : 0;
	}
	if (k->lim.limited) {
		r->rate_limited = k->lim.explained;
		r->rate_limit = k->lim.period;
	}
	if (a->o.parts)
		r->parts = &k->st;
}

void
pp_agg_stats_row(const struct pp_intern *names, const struct pp_stats *s,
    int ttl, struct pp_stats_rec *r)
{
	int order[PP_STATS_ADDRS > PP_STATS_UNREACH ? PP_STATS_ADDRS :
	    PP_STATS_UNREACH];
	bool has = s->recv > 0;

	pp_stats_rec_init(r);
	r->ttl = ttl;
	r->sent = s->sent;
	r->recv = s->recv;
	r->loss = pp_stats_loss(s);
	pp_wilson(s->sent - s->recv, s->sent, PP_Z95, &r->loss_lo,
	    &r->loss_hi);
	r->last = s->last;
	r->min = has ? s->min : NAN;
	r->avg = has ? s->mean : NAN;
	r->max = has ? s->max : NAN;
	r->stdev = pp_stats_stdev(s);
	r->p50 = pp_stats_pct(s, 0.50);
	r->p90 = pp_stats_pct(s, 0.90);
	r->p95 = pp_stats_pct(s, 0.95);
	r->p99 = pp_stats_pct(s, 0.99);
	r->jitter = pp_stats_jitter(s);
	r->jmax = s->jn > 0 ? s->jmax : NAN;
	r->jint = s->jn > 0 ? s->jint : NAN;
	r->jlast = s->jlast;
	r->gmean = pp_stats_gmean(s);
	int n = pp_stats_addr_order(s, order);
	for (int i = 0; i < n && r->naddrs < PP_REC_ADDRS; i++) {
		const struct pp_stats_addr *ad = &s->addrs[order[i]];
		if (ad->id == UINT32_MAX)
			continue;
		struct pp_stats_rec_addr *ra = &r->addrs[r->naddrs++];
		ra->addr = pp_intern_name(names, ad->id);
		ra->recv = ad->recv;
		ra->avg = ad->mean;
		ra->min = ad->min;
		ra->max = ad->max;
		ra->nmpls = ad->mpls != UINT32_MAX ? mpls_parse(pp_intern_name(
		    names, ad->mpls), ra->mpls) : 0;
	}
	if (r->naddrs > 0 && s->addrs[order[0]].id != UINT32_MAX)
		r->addr = r->addrs[0].addr;
	r->addrs_other_recv = s->other_recv;
	r->unreachable = s->lost_by[PP_LOSS_UNREACHABLE];
	n = pp_stats_unreach_order(s, order);
	for (int i = 0; i < n && r->nunreach < PP_REC_UNREACH; i++) {
		const struct pp_stats_unreach *u = &s->unreach[order[i]];
		struct pp_stats_rec_unreach *ru = &r->unreach[r->nunreach++];
		ru->addr = u->id != UINT32_MAX ? pp_intern_name(names, u->id) :
		    NULL;
		ru->code = u->code;
		ru->count = u->n;
	}
	r->unreach_other = s->unreach_other;
	r->tcp = s->tcp;
	r->open = s->open;
	r->refused = s->refused;
	r->refused_down = s->lost_by[PP_LOSS_REFUSED];
	r->local_drop = s->local_drop;
}
