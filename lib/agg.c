/* SPDX-License-Identifier: BSD-2-Clause */
/* agg.c: pp-stats' aggregation (see agg.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"

/* A probe outcome waiting in the reorder buffer (32 bytes). */
struct item {
	long long round;	/* -1 when none */
	double rtt;		/* ms, NAN when lost */
	uint32_t key;		/* key index */
	uint32_t addr;		/* interned responder (of an answer or an
				 * unreachable), UINT32_MAX none */
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
	if (pp_intern_init(&a->names, PP_AGG_MAX_NAMES) == -1 ||
	    pp_reorder_init(&a->ro, sizeof(struct item), PP_AGG_REORDER,
	    o->horizon) == -1) {
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
	for (uint32_t i = 0; i < a->ntargets; i++) {
		free(a->targets[i].win_ts);
		free(a->targets[i].win_lost);
	}
	free(a->targets);
	pp_reorder_release(&a->ro);
	memset(a, 0, sizeof(*a));
}

void
pp_agg_set_horizon(struct pp_agg *a, double horizon)
{
	a->o.horizon = horizon;
	a->ro.horizon = horizon;
}

void
pp_agg_meta(struct pp_agg *a, const json_t *settings)
{
	if (pp_outcome_meta_refused_down(settings))
		a->o.outcome.refused_down = true;
}

void
pp_agg_outage_rec(const struct pp_agg_outage *o, struct pp_outage_rec *r)
{
	pp_outage_rec_init(r);
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
pp_agg_name(const struct pp_agg *a, uint32_t id)
{
	return pp_intern_name(&a->names, id);
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

/* The target for an interned name, made when new. */
static uint32_t
target_of(struct pp_agg *a, uint32_t name)
{
	uint32_t i = pp_keytab_find(&a->tmap, name, 0);

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
	if (pp_keytab_add(&a->tmap, name, 0, NULL) != a->ntargets) {
		a->oom = true;
		return UINT32_MAX;
	}
	struct pp_agg_target *t = &a->targets[a->ntargets];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->out_end = NAN;
	for (int r = 0; r < PP_AGG_ROUNDS; r++)
		t->rounds[r].round = -1;
	return a->ntargets++;
}

/* The key for (target index, ttl), made when new; UINT32_MAX past
 * PP_AGG_MAX_KEYS (or a->oom). */
static uint32_t
key_of(struct pp_agg *a, uint32_t target, int ttl)
{
	uint32_t i = pp_keytab_find(&a->kmap, target, ttl);

	if (i != PP_KEYTAB_NONE)
		return i;
	if (a->nkeys >= PP_AGG_MAX_KEYS)
		return UINT32_MAX;
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
	if (pp_keytab_add(&a->kmap, target, ttl, NULL) != a->nkeys) {
		a->oom = true;
		return UINT32_MAX;
	}
	struct pp_agg_key *k = &a->keys[a->nkeys];
	memset(k, 0, sizeof(*k));
	k->target = target;
	k->ttl = ttl;
	pp_stats_init(&k->st);
	return a->nkeys++;
}

/* ------------------------------------------------ forwarding loss */

static void
settle_round(struct pp_agg *a, uint32_t ti, struct pp_agg_round *r)
{
	if (r->round < 0)
		return;
	for (int h = 1; h < 256; h++) {
		if (r->lost[h / 8] == 0) {
			h |= 7;		/* no loss in this byte: skip it */
			continue;
		}
		if ((r->lost[h / 8] & (1u << (h % 8))) == 0)
			continue;
		if (r->max_answered > h)
			continue;	/* went through: the hop declined */
		uint32_t k = key_of(a, ti, h);
		if (k != UINT32_MAX)
			a->keys[k].st.fwd_lost++;
	}
	r->round = -1;
}

static void
settle_all_rounds(struct pp_agg *a)
{
	for (uint32_t t = 0; t < a->ntargets; t++)
		for (int i = 0; i < PP_AGG_ROUNDS; i++)
			settle_round(a, t, &a->targets[t].rounds[i]);
}

static void
note_round(struct pp_agg *a, uint32_t ti, long long round, int ttl,
    bool answered)
{
	struct pp_agg_target *t = &a->targets[ti];
	struct pp_agg_round *slot = NULL;
	struct pp_agg_round *oldest = NULL;

	for (int i = 0; i < PP_AGG_ROUNDS; i++) {
		struct pp_agg_round *r = &t->rounds[i];
		if (r->round >= 0 && r->round <= round - 2)
			settle_round(a, ti, r);
		if (r->round == round)
			slot = r;
	}
	if (slot == NULL) {
		for (int i = 0; i < PP_AGG_ROUNDS; i++) {
			struct pp_agg_round *r = &t->rounds[i];
			if (r->round < 0) {
				slot = r;
				break;
			}
			if (oldest == NULL || r->round < oldest->round)
				oldest = r;
		}
		if (slot == NULL) {
			settle_round(a, ti, oldest);
			slot = oldest;
		}
		slot->round = round;
		slot->max_answered = 0;
		memset(slot->lost, 0, sizeof(slot->lost));
	}
	if (answered) {
		if (ttl > slot->max_answered)
			slot->max_answered = ttl;
	} else {
		slot->lost[ttl / 8] |= (uint8_t)(1u << (ttl % 8));
	}
}

/* ------------------------------------------------------- outages */

static void
outage_close(struct pp_agg *a, struct pp_agg_target *t, bool ongoing)
{
	struct pp_agg_outage o = {
		.target = pp_intern_name(&a->names, t->name),
		.ttl = t->plain ? 0 : t->dest_ttl,
		.start = t->out_start,
		.end = ongoing ? t->out_last_ts : t->out_end,
		.sent = t->out_sent_l,
		.recv = t->out_recv_l,
		.ongoing = ongoing,
	};

	t->out_active = false;
	if (o.end - o.start >= a->o.outage_min && a->sink.outage != NULL)
		a->sink.outage(a->sink.arg, a, &o);
}

/* Drop window entries sent outage_min or more before now. */
static void
window_trim(struct pp_agg *a, struct pp_agg_target *t, double now)
{
	while (t->win_n > 0 && t->win_ts[t->win_head] <= now -
	    a->o.outage_min) {
		if (t->win_lost[t->win_head])
			t->win_nlost--;
		t->win_head = (t->win_head + 1) % t->win_cap;
		t->win_n--;
	}
}

/* Append an entry; when full, the oldest goes. */
static int
window_push(struct pp_agg *a, struct pp_agg_target *t, double ts, bool lost)
{
	if (t->win_n == t->win_cap && t->win_cap < PP_AGG_WINDOW) {
		uint32_t ncap = t->win_cap != 0 ? t->win_cap * 2 : 16;
		double *nts = malloc(ncap * sizeof(*nts));
		uint8_t *nl = malloc(ncap);
		if (nts == NULL || nl == NULL) {
			free(nts);
			free(nl);
			a->oom = true;
			return -1;
		}
		for (uint32_t i = 0; i < t->win_n; i++) {
			uint32_t k = (t->win_head + i) % t->win_cap;
			nts[i] = t->win_ts[k];
			nl[i] = t->win_lost[k];
		}
		free(t->win_ts);
		free(t->win_lost);
		t->win_ts = nts;
		t->win_lost = nl;
		t->win_head = 0;
		t->win_cap = ncap;
	}
	if (t->win_n == t->win_cap) {
		if (t->win_lost[t->win_head])
			t->win_nlost--;
		t->win_head = (t->win_head + 1) % t->win_cap;
		t->win_n--;
	}
	uint32_t k = (t->win_head + t->win_n) % t->win_cap;
	t->win_ts[k] = ts;
	t->win_lost[k] = lost;
	t->win_n++;
	if (lost)
		t->win_nlost++;
	return 0;
}

static void
outage_probe(struct pp_agg *a, struct pp_agg_target *t, double ts, bool lost)
{
	window_trim(a, t, ts);
	if (window_push(a, t, ts, lost) == -1)
		return;
	bool lossy = 100.0 * (double)t->win_nlost / (double)t->win_n >=
	    a->o.outage_loss;
	if (t->out_active) {
		if (!lossy) {
			/* Only an answer makes a window stop being lossy. */
			if (isnan(t->out_end))
				t->out_end = ts;
			outage_close(a, t, false);
			return;
		}
		t->out_sent++;
		t->out_last_ts = ts;
		if (lost) {
			t->out_sent_l = t->out_sent;
			t->out_recv_l = t->out_recv;
			t->out_end = NAN;
		} else {
			t->out_recv++;
			if (isnan(t->out_end))
				t->out_end = ts;
		}
		return;
	}
	if (!lossy)
		return;
	/* Open it at the first lost probe of the window, counting the
	 * window's probes from there. */
	t->out_active = true;
	t->out_sent = t->out_recv = 0;
	t->out_end = NAN;
	bool started = false;
	for (uint32_t i = 0; i < t->win_n; i++) {
		uint32_t k = (t->win_head + i) % t->win_cap;
		if (!started && !t->win_lost[k])
			continue;
		if (!started) {
			started = true;
			t->out_start = t->win_ts[k];
		}
		t->out_sent++;
		if (t->win_lost[k]) {
			t->out_sent_l = t->out_sent;
			t->out_recv_l = t->out_recv;
			t->out_end = NAN;
		} else {
			t->out_recv++;
			if (isnan(t->out_end))
				t->out_end = t->win_ts[k];
		}
	}
	t->out_last_ts = ts;
}

/* ------------------------------------------------------- windows */

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x;
	uint64_t b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* Whether a hop only repeats its target's destination. */
static bool
beyond_destination(const struct pp_agg *a, const struct pp_agg_key *k)
{
	const struct pp_agg_target *t = &a->targets[k->target];

	return k->ttl > 0 && t->dest_ttl > 0 && k->ttl > t->dest_ttl &&
	    k->expired == 0;
}

/* The keys of the window, by target (first seen first), then hop: a new
 * array of *n indexes (NULL, a->oom, when memory ran short). */
static uint32_t *
window_order(struct pp_agg *a, uint32_t *n)
{
	uint64_t *order = malloc(((size_t)a->nkeys + 1) * sizeof(*order));
	uint32_t *idx = malloc(((size_t)a->nkeys + 1) * sizeof(*idx));

	*n = 0;
	if (order == NULL || idx == NULL) {
		free(order);
		free(idx);
		a->oom = true;
		return NULL;
	}
	for (uint32_t i = 0; i < a->nkeys; i++)
		if (a->keys[i].active)
			order[(*n)++] = ((uint64_t)a->keys[i].target << 40) |
			    ((uint64_t)(unsigned)a->keys[i].ttl << 24) | i;
	qsort(order, *n, sizeof(*order), cmp_u64);
	for (uint32_t i = 0; i < *n; i++)
		idx[i] = (uint32_t)(order[i] & 0xffffff);
	free(order);
	return idx;
}

static void
close_window(struct pp_agg *a)
{
	if (!a->win_open)
		return;
	settle_all_rounds(a);
	double start = a->o.every > 0 ? (double)a->win * a->o.every :
	    a->first_ts;
	double end = a->o.every > 0 ? start + a->o.every : a->last_ts;
	uint32_t n;
	uint32_t *idx = window_order(a, &n);
	if (idx == NULL)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct pp_agg_key *k = &a->keys[idx[i]];
		if (!beyond_destination(a, k) && a->sink.stats != NULL)
			a->sink.stats(a->sink.arg, a, k, start, end);
		pp_stats_release(&k->st);
		k->active = false;
	}
	free(idx);
	a->win_open = false;
}

void
pp_agg_peek(struct pp_agg *a, const struct pp_agg_sink *sink)
{
	pp_reorder_flush(&a->ro, process, a);
	if (!a->win_open || sink->stats == NULL)
		return;
	uint32_t n;
	uint32_t *idx = window_order(a, &n);
	if (idx == NULL)
		return;
	for (uint32_t i = 0; i < n; i++) {
		const struct pp_agg_key *k = &a->keys[idx[i]];
		if (!beyond_destination(a, k))
			sink->stats(sink->arg, a, k, a->first_ts, a->last_ts);
	}
	free(idx);
}

/* ------------------------------------------------- probe handling */

static void
process(void *arg, double ts, const void *itemp)
{
	struct pp_agg *a = arg;
	const struct item *it = itemp;

	if (a->o.every > 0) {
		long long w = (long long)floor(ts / a->o.every);
		if (a->win_open && w != a->win)
			close_window(a);
		a->win = w;
	}
	if (!a->win_open) {
		a->win_open = true;
		a->first_ts = ts;
	}
	a->last_ts = ts;
	struct pp_agg_key *k = &a->keys[it->key];
	struct pp_agg_target *t = &a->targets[k->target];
	bool answered = it->outcome == PP_ANSWER_DEST ||
	    it->outcome == PP_ANSWER_HOP;
	k->active = true;
	if (it->outcome == PP_LOCAL) {
		k->st.local_drop++;	/* not the network's: not sent */
		return;
	}
	pp_stats_add(&k->st, ts, it->rtt, it->addr);
	if (!answered)
		pp_stats_lost_why(&k->st, (enum pp_loss)it->why, it->addr,
		    it->code);
	if (it->conn != 0)
		pp_stats_conn(&k->st, it->conn == CONN_TCP ? PP_CONN_NONE :
		    (enum pp_conn)it->conn);
	if (it->expired)
		k->expired++;
	if (it->ttl > 0 && it->round >= 0)
		note_round(a, k->target, it->round, it->ttl, answered);
	if (it->ttl > t->max_ttl)
		t->max_ttl = it->ttl;
	/* The destination: plain probes, or the lowest hop that replied. */
	if (it->ttl > 0 && it->dest &&
	    (t->dest_ttl == 0 || it->ttl < t->dest_ttl)) {
		if (t->dest_ttl != 0 && t->out_active)
			outage_close(a, t, false);
		t->dest_ttl = it->ttl;
	}
	if (it->ttl == 0) {
		t->plain = true;
		outage_probe(a, t, ts, !answered);
	} else if (it->ttl == t->dest_ttl) {
		outage_probe(a, t, ts, !answered);
	}
}

int
pp_agg_probe(struct pp_agg *a, const struct pp_probe *p)
{
	struct item it;
	uint32_t name;

	/* Consecutive records are usually of the same target. */
	uint32_t ti;
	if (a->last_target_name != 0 &&
	    strcmp(a->names.names[a->last_target_name - 1], p->target) == 0) {
		ti = a->last_target;
	} else {
		name = intern(a, p->target);
		if (name == UINT32_MAX) {
			a->dropped_names++;
			return a->oom ? -1 : 0;
		}
		ti = target_of(a, name);
		if (ti == UINT32_MAX)
			return -1;
		a->last_target_name = name + 1;
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
			a->dropped_keys++;
			return a->oom ? -1 : 0;
		}
		a->last_key = key + 1;
	}
	memset(&it, 0, sizeof(it));
	it.key = key;
	it.ttl = (uint8_t)ttl;
	it.round = p->round;
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
		it.addr = intern(a, p->from);
		if (it.addr == UINT32_MAX)
			a->dropped_names++;
	}
	unsigned long long late = a->ro.late;
	int rc = pp_reorder_push(&a->ro, p->ts, &it, process, a);
	a->late += a->ro.late - late;
	return rc == -1 || a->oom ? -1 : 0;
}

void
pp_agg_finish(struct pp_agg *a)
{
	pp_reorder_flush(&a->ro, process, a);
	close_window(a);
	for (uint32_t t = 0; t < a->ntargets; t++)
		if (a->targets[t].out_active)
			outage_close(a, &a->targets[t], true);
}

void
pp_agg_row(const struct pp_agg *a, const struct pp_agg_key *k, double start,
    double end, struct pp_stats_rec *r)
{
	const struct pp_stats *s = &k->st;
	int order[PP_STATS_ADDRS > PP_STATS_UNREACH ? PP_STATS_ADDRS :
	    PP_STATS_UNREACH];
	bool has = s->recv > 0;

	pp_stats_rec_init(r);
	r->target = pp_agg_name(a, a->targets[k->target].name);
	r->ttl = k->ttl;
	r->start = start;
	r->end = end;
	r->sent = s->sent;
	r->recv = s->recv;
	r->loss = pp_stats_loss(s);
	r->fwd_loss = k->ttl > 0 ? pp_stats_fwd_loss(s) : NAN;
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
	int n = pp_stats_addr_order(s, order);
	for (int i = 0; i < n && r->naddrs < PP_REC_ADDRS; i++) {
		const struct pp_stats_addr *ad = &s->addrs[order[i]];
		if (ad->id == UINT32_MAX)
			continue;
		struct pp_stats_rec_addr *ra = &r->addrs[r->naddrs++];
		ra->addr = pp_agg_name(a, ad->id);
		ra->recv = ad->recv;
		ra->avg = ad->mean;
		ra->min = ad->min;
		ra->max = ad->max;
	}
	if (r->naddrs > 0 && s->addrs[order[0]].id != UINT32_MAX)
		r->addr = r->addrs[0].addr;
	r->addrs_other_recv = s->other_recv;
	r->unreachable = s->lost_by[PP_LOSS_UNREACHABLE];
	n = pp_stats_unreach_order(s, order);
	for (int i = 0; i < n && r->nunreach < PP_REC_UNREACH; i++) {
		const struct pp_stats_unreach *u = &s->unreach[order[i]];
		struct pp_stats_rec_unreach *ru = &r->unreach[r->nunreach++];
		ru->addr = u->id != UINT32_MAX ? pp_agg_name(a, u->id) : NULL;
		ru->code = u->code;
		ru->count = u->n;
	}
	r->unreach_other = s->unreach_other;
	r->tcp = s->tcp;
	r->open = s->open;
	r->refused = s->refused;
	r->local_drop = s->local_drop;
}
