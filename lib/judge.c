/* SPDX-License-Identifier: BSD-2-Clause */
/* judge.c: pp-alert's judgement (see judge.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/judge.h"
#include "lib/trange.h"
#include "lib/util.h"

/* Rounds a responder stays part of a route: long enough for load
 * balancing to come back to it. */
#define ROUTE_MEMORY(o) ((o)->route_rounds * 10 > 30 ? \
	(o)->route_rounds * 10 : 30)

/* An outcome waiting for send order (32 bytes). */
struct item {
	double rtt;		/* ms, NAN lost */
	long long round;	/* -1 none */
	uint32_t target;	/* target index */
	uint32_t from;		/* interned responder (of an answer or an
				 * unreachable), PP_INTERN_NONE none */
	int16_t code;		/* ICMP code of an unreachable, -1 none */
	uint8_t ttl;		/* hop, 0 plain */
	uint8_t outcome;	/* enum pp_outcome */
	uint8_t why;		/* enum pp_loss */
	bool dest;		/* the probe reached the destination */
};

int
pp_judge_init(struct pp_judge *j, const struct pp_judge_opts *o,
    const struct pp_judge_sink *sink)
{
	memset(j, 0, sizeof(*j));
	j->o = *o;
	if (!(j->o.outage_loss > 0)) {
		j->o.outage_loss = 30;
		j->o.outage_min = 3;
	}
	j->sink = *sink;
	pp_keytab_init(&j->tmap);
	pp_keytab_init(&j->kmap);
	pp_keytab_init(&j->vmap);
	if (o->window < 1 || o->window > PP_WINDOW_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (pp_intern_init(&j->names, PP_JUDGE_MAX_NAMES) == -1) {
		pp_judge_release(j);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_judge_release(struct pp_judge *j)
{
	for (uint32_t i = 0; i < j->nkeys; i++)
		pp_window_release(&j->keys[i].w);
	free(j->keys);
	for (uint32_t i = 0; i < j->ntargets; i++)
		pp_outage_release(&j->targets[i].od);
	free(j->targets);
	pp_keytab_release(&j->tmap);
	pp_keytab_release(&j->kmap);
	for (uint32_t i = 0; i < j->nros; i++)
		pp_reorder_release(&j->ros[i]);
	free(j->ros);
	pp_keytab_release(&j->vmap);
	pp_intern_release(&j->names);
	memset(j, 0, sizeof(*j));
}

const char *
pp_judge_name(const struct pp_judge *j, uint32_t id)
{
	return pp_intern_name(&j->names, id);
}

void
pp_judge_meta(struct pp_judge *j, const json_t *settings)
{
	double h = pp_meta_horizon(settings);

	pp_outcome_meta(&j->o.outcome, settings);
	if (!j->horizon_set && isfinite(h)) {
		j->o.horizon = h;
		for (uint32_t i = 0; i < j->nros; i++)
			j->ros[i].horizon = h;
		j->horizon_set = true;
	}
}

/* Intern s; PP_INTERN_NONE when the table is full (counted) or memory
 * short (j->oom). */
static uint32_t
intern(struct pp_judge *j, const char *s)
{
	uint32_t id = pp_intern(&j->names, s);

	if (j->names.oom)
		j->oom = true;
	else if (id == PP_INTERN_NONE)
		j->dropped_names++;
	return id;
}

static void
level_init(struct pp_level *l, double threshold, double clear_pct,
    bool higher_is_worse)
{
	memset(l, 0, sizeof(*l));
	l->higher_is_worse = higher_is_worse;
	l->threshold = threshold;
	if (higher_is_worse)
		l->clear = threshold * clear_pct / 100.0;
	else	/* MOS: back up by the rest of the way to 4.5 */
		l->clear = threshold + (4.5 - threshold) *
		    (100.0 - clear_pct) / 100.0;
}

static uint32_t target_find(struct pp_judge *j, const char *v,
    const char *s);

/* Whether target t is of vantage point v (NULL unknown). */
static bool
vantage_is(const struct pp_judge *j, const struct pp_judge_target *t,
    const char *v)
{
	if (v == NULL || t->vantage == PP_INTERN_NONE)
		return v == NULL && t->vantage == PP_INTERN_NONE;
	return strcmp(pp_intern_name(&j->names, t->vantage), v) == 0;
}

/* The vantage point of t (borrowed), NULL unknown. */
static const char *
vantage_of(const struct pp_judge *j, const struct pp_judge_target *t)
{
	return t->vantage != PP_INTERN_NONE ? pp_intern_name(&j->names,
	    t->vantage) : NULL;
}

/* The target named s seen from vantage point v (NULL unknown), made when
 * new; UINT32_MAX when it cannot be. */
static uint32_t
target_get(struct pp_judge *j, const char *v, const char *s)
{
	/* Records of one target come in runs: the last one first. */
	if (j->last_target != 0 && strcmp(pp_intern_name(&j->names,
	    j->targets[j->last_target - 1].name), s) == 0 &&
	    vantage_is(j, &j->targets[j->last_target - 1], v))
		return j->last_target - 1;
	uint32_t i = target_find(j, v, s);
	if (i != UINT32_MAX)
		j->last_target = i + 1;
	return i;
}

/* The reorder buffer of vantage point id v (index), made when new;
 * UINT32_MAX (j->oom) when it cannot be. */
static uint32_t
ro_of(struct pp_judge *j, uint32_t v)
{
	bool added;
	uint32_t i = pp_keytab_add(&j->vmap, v, 0, 0, &added);

	if (i == PP_KEYTAB_NONE) {
		j->oom = true;
		return UINT32_MAX;
	}
	if (!added)
		return i;
	if (j->nros == j->aros) {
		uint32_t na = j->aros != 0 ? j->aros * 2 : 4;
		struct pp_reorder *nr = realloc(j->ros, (size_t)na *
		    sizeof(*nr));
		if (nr == NULL) {
			j->oom = true;
			return UINT32_MAX;
		}
		j->ros = nr;
		j->aros = na;
	}
	if (pp_reorder_init(&j->ros[i], sizeof(struct item),
	    PP_JUDGE_REORDER, j->o.horizon) == -1) {
		j->oom = true;
		return UINT32_MAX;
	}
	j->nros++;
	return i;
}

/* The target named s from v, made when new; UINT32_MAX when it cannot
 * be. */
static uint32_t
target_find(struct pp_judge *j, const char *v, const char *s)
{
	uint32_t vantage = PP_INTERN_NONE;

	if (v != NULL) {
		vantage = intern(j, v);
		if (vantage == PP_INTERN_NONE)
			return UINT32_MAX;
	}
	uint32_t name = intern(j, s);
	if (name == PP_INTERN_NONE)
		return UINT32_MAX;
	uint32_t i = pp_keytab_find(&j->tmap, vantage, name, 0);
	if (i != PP_KEYTAB_NONE)
		return i;
	uint32_t ro = ro_of(j, vantage);
	if (ro == UINT32_MAX)
		return UINT32_MAX;
	if (j->ntargets == j->atargets) {
		uint32_t na = j->atargets != 0 ? j->atargets * 2 : 8;
		struct pp_judge_target *nt = realloc(j->targets, (size_t)na *
		    sizeof(*nt));
		if (nt == NULL) {
			j->oom = true;
			return UINT32_MAX;
		}
		j->targets = nt;
		j->atargets = na;
	}
	if (pp_keytab_add(&j->tmap, vantage, name, 0, NULL) != j->ntargets) {
		j->oom = true;
		return UINT32_MAX;
	}
	struct pp_judge_target *t = &j->targets[j->ntargets];
	memset(t, 0, sizeof(*t));
	t->vantage = vantage;
	t->ro = ro;
	t->name = name;
	t->round = -1;
	t->judged = -1;
	for (int k = 0; k < PP_JUDGE_ROUNDS_OPEN; k++)
		t->open[k].round = -1;
	t->last_ts = NAN;
	pp_route_init(&t->route, j->o.route_rounds, ROUTE_MEMORY(&j->o));
	pp_outage_init(&t->od, j->o.outage_loss, j->o.outage_min);
	pp_ratelimit_init(&t->rl);
	return j->ntargets++;
}

/* The path (target index, ttl), made when new; NULL when it cannot be. */
static struct pp_judge_key *
key_get(struct pp_judge *j, uint32_t target, int ttl)
{
	uint32_t i = pp_keytab_find(&j->kmap, 0, target, ttl);

	if (i != PP_KEYTAB_NONE)
		return &j->keys[i];
	if (j->nkeys == j->akeys) {
		uint32_t na = j->akeys != 0 ? j->akeys * 2 : 16;
		struct pp_judge_key *nk = realloc(j->keys, (size_t)na *
		    sizeof(*nk));
		if (nk == NULL) {
			j->oom = true;
			return NULL;
		}
		j->keys = nk;
		j->akeys = na;
	}
	struct pp_judge_key *k = &j->keys[j->nkeys];
	memset(k, 0, sizeof(*k));
	if (pp_window_init(&k->w, j->o.window) == -1) {
		j->oom = true;
		return NULL;
	}
	if (pp_keytab_add(&j->kmap, 0, target, ttl, NULL) != j->nkeys) {
		pp_window_release(&k->w);
		j->oom = true;
		return NULL;
	}
	k->target = target;
	k->ttl = ttl;
	level_init(&k->loss, j->o.loss, j->o.clear, true);
	level_init(&k->lat, j->o.latency, j->o.clear, true);
	level_init(&k->rise, NAN, j->o.clear, true);
	k->base = NAN;
	j->nkeys++;
	return k;
}

/* ----------------------------------------------------------- alerts */

static void
send_alert(struct pp_judge *j, struct pp_alert_rec *a)
{
	if (strcmp(a->state, "raise") == 0)
		j->raised++;
	if (j->sink.alert != NULL)
		j->sink.alert(j->sink.arg, a);
}

/* A loss or latency alert of path k (window: the probes judged). */
static void
level_alert(struct pp_judge *j, const struct pp_judge_target *t, int ttl,
    double ts, const char *kind, bool raise, double value, double threshold,
    const char *unit, uint32_t window)
{
	const char *name = pp_intern_name(&j->names, t->name);
	char msg[512];
	struct pp_alert_rec a;

	(void)snprintf(msg, sizeof(msg), "%s%s%.0d %s %.3f%s %s %.3f%s over "
	    "the last %u probe%s", name, ttl > 0 ? " hop " : "", ttl, kind,
	    value, unit, raise ? ">=" : "back below", threshold, unit, window,
	    pp_plural(window, "", "s"));
	pp_alert_rec_init(&a);
	a.ts = ts;
	a.vantage = vantage_of(j, t);
	a.target = name;
	a.ttl = ttl;
	a.kind = kind;
	a.state = raise ? "raise" : "clear";
	a.value = value;
	a.threshold = threshold;
	a.window = window;
	a.message = msg;
	send_alert(j, &a);
}

/* Why t has not answered, in words ("10 host-unreachable (code 1) from
 * 198.18.3.2", "7 timeouts, 3 refused") into buf; the main cause into
 * a's from, code and reason. */
static void
why_not(struct pp_judge *j, const struct pp_judge_target *t,
    struct pp_alert_rec *a, char *buf, size_t size)
{
	static const char *const words[PP_LOSS_N][2] = {
		[PP_LOSS_TIMEOUT] = { "timeout", "timeouts" },
		[PP_LOSS_ERROR] = { "send error", "send errors" },
		[PP_LOSS_REFUSED] = { "refused (RST)", "refused (RST)" },
		[PP_LOSS_TTL_EXPIRED] = { "ttl-expired on the way",
		    "ttl-expired on the way" },
	};
	size_t used = 0;
	uint64_t most = 0;
	int n;

	buf[0] = '\0';
	/* The unreachable sources, most first (at most PP_JUDGE_SOURCES). */
	int order[PP_JUDGE_SOURCES];
	for (int i = 0; i < t->nsrc; i++) {
		int k = i;
		while (k > 0 && t->src[order[k - 1]].n < t->src[i].n) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	for (int i = 0; i < t->nsrc; i++) {
		const struct pp_judge_source *s = &t->src[order[i]];
		char code[32];
		const char *from = s->from != PP_INTERN_NONE ?
		    pp_intern_name(&j->names, s->from) : NULL;
		bool v6 = from != NULL && strchr(from, ':') != NULL;
		if (s->code >= 0)
			(void)snprintf(code, sizeof(code), " (code %d)",
			    s->code);
		else
			code[0] = '\0';
		n = snprintf(buf + used, size - used, "%s%llu %s%s%s%s",
		    used > 0 ? ", " : "", (unsigned long long)s->n,
		    pp_unreach_name(s->code, v6), code, from != NULL ?
		    " from " : "", from != NULL ? from : "");
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
		if (s->n > most) {
			most = s->n;
			a->from = from;
			a->code = s->code;
			a->reason = pp_unreach_name(s->code, v6);
		}
	}
	for (int w = 0; w < PP_LOSS_N; w++) {
		if (words[w][0] == NULL || t->lost_by[w] == 0)
			continue;
		n = snprintf(buf + used, size - used, "%s%llu %s",
		    used > 0 ? ", " : "", (unsigned long long)t->lost_by[w],
		    pp_plural(t->lost_by[w], words[w][0], words[w][1]));
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
		if (t->lost_by[w] > most) {
			most = t->lost_by[w];
			a->from = NULL;
			a->code = -1;
			a->reason = pp_loss_name((enum pp_loss)w);
		}
	}
}

/* Raise or clear "unreachable" for t: a target that never answered in
 * n probes or complete rounds (o NULL), or an outage (o).  The kind stays
 * "unreachable" (pp-records(5)); the message says "unreachable" and
 * "down" only while none of the outage's probes answered, and "outage"
 * when some did (40% answered is an outage by the rule, not silence). */
static void
unreachable_alert(struct pp_judge *j, struct pp_judge_target *t, double ts,
    bool raise, bool at_end, const struct pp_outage_event *o, uint64_t n)
{
	const char *name = pp_intern_name(&j->names, t->name);
	char why[384];
	char msg[512];
	char when[48];
	struct pp_alert_rec a;

	pp_alert_rec_init(&a);
	t->unreachable = raise;
	if (raise) {
		why_not(j, t, &a, why, sizeof(why));
		if (o != NULL && t->answered) {
			(void)pp_iso_time(o->start, 3, when, sizeof(when));
			(void)snprintf(msg, sizeof(msg), "%s %s since "
			    "%s: %llu of %llu probes lost%s%s", name,
			    o->recv > 0 ? "in an outage" : "unreachable", when,
			    (unsigned long long)(o->sent - o->recv),
			    (unsigned long long)o->sent, why[0] != '\0' ?
			    ": " : "", why);
		} else {
			(void)snprintf(msg, sizeof(msg), "%s never answered in "
			    "%llu %s%s%s%s", name, (unsigned long long)n,
			    t->round >= 0 ? pp_plural(n, "round", "rounds") :
			    pp_plural(n, "probe", "probes"), at_end ?
			    " (the input ended)" : "", why[0] != '\0' ? ": " :
			    "", why);
		}
	} else if (o != NULL && !o->brief) {
		(void)snprintf(msg, sizeof(msg), "%s %s %.3f s, %llu of %llu "
		    "probes lost", name, o->recv > 0 ? "outage ended:" :
		    "answered again: down", o->end - o->start,
		    (unsigned long long)(o->sent - o->recv),
		    (unsigned long long)o->sent);
	} else {
		(void)snprintf(msg, sizeof(msg), "%s answered", name);
	}
	a.ts = ts;
	a.vantage = vantage_of(j, t);
	a.target = name;
	a.kind = "unreachable";
	a.state = raise ? "raise" : "clear";
	a.window = o != NULL && (!raise || t->answered) ? (long long)o->sent :
	    raise && (at_end || o != NULL) ? (long long)n :
	    (long long)j->o.window;
	if (o != NULL && !raise)
		a.value = (o->end - o->start) * 1000.0;
	a.message = msg;
	send_alert(j, &a);
}

/* A rise alert of path k: its percentile v against the threshold the
 * baseline gives. */
static void
rise_alert(struct pp_judge *j, const struct pp_judge_target *t, int ttl,
    double ts, const struct pp_judge_key *k, bool raise, double v)
{
	const char *name = pp_intern_name(&j->names, t->name);
	double threshold = raise ? k->rise.threshold : k->rise.clear;
	char msg[512];
	struct pp_alert_rec a;

	if (raise)
		(void)snprintf(msg, sizeof(msg), "%s%s%.0d latency p%.0f "
		    "%.3f ms >= %.3f ms, %.0f%% above its lowest %.3f ms, over "
		    "the last %u probe%s", name, ttl > 0 ? " hop " : "", ttl,
		    j->o.pct * 100, v, threshold, j->o.rise, k->base,
		    k->w.len, pp_plural(k->w.len, "", "s"));
	else
		(void)snprintf(msg, sizeof(msg), "%s%s%.0d latency p%.0f "
		    "%.3f ms back below %.3f ms (its lowest %.3f ms) over the "
		    "last %u probe%s", name, ttl > 0 ? " hop " : "", ttl,
		    j->o.pct * 100, v, threshold, k->base, k->w.len,
		    pp_plural(k->w.len, "", "s"));
	pp_alert_rec_init(&a);
	a.ts = ts;
	a.vantage = vantage_of(j, t);
	a.target = name;
	a.ttl = ttl;
	a.kind = "rise";
	a.state = raise ? "raise" : "clear";
	a.value = v;
	a.threshold = threshold;
	a.window = k->w.len;
	a.message = msg;
	send_alert(j, &a);
}

struct out_ctx {
	struct pp_judge *j;
	struct pp_judge_target *t;
};

/* The destination's outage detector: raise at BEGIN, clear at END. */
static void
on_outage(void *arg, const struct pp_outage_event *e)
{
	struct out_ctx *c = arg;

	if (e->kind == PP_OUTAGE_BEGIN) {
		if (!c->t->unreachable)
			unreachable_alert(c->j, c->t, e->start, true, false, e,
			    c->t->probes);
	} else if (c->t->unreachable && !e->ongoing) {
		unreachable_alert(c->j, c->t, e->end, false, false, e,
		    c->t->probes);
	}
}

/* Judge path k's window (full, or partial at the end). */
static void
judge_window(struct pp_judge *j, struct pp_judge_key *k, int ttl, double ts)
{
	const struct pp_judge_target *t = &j->targets[k->target];

	if (!isnan(j->o.loss)) {
		double v = pp_window_loss(&k->w);
		enum pp_level_change c = pp_level_update(&k->loss, v);
		if (c != PP_LEVEL_SAME)
			level_alert(j, t, ttl, ts, "loss", c == PP_LEVEL_RAISE,
			    v, c == PP_LEVEL_RAISE ? k->loss.threshold :
			    k->loss.clear, "%", k->w.len);
	}
	bool rise = j->o.rise > 0;
	if (isnan(j->o.latency) && !rise)
		return;
	double v = pp_window_pct(&k->w, j->o.pct);
	if (!isnan(j->o.latency)) {
		enum pp_level_change c = pp_level_update(&k->lat, v);
		if (c != PP_LEVEL_SAME)
			level_alert(j, t, ttl, ts, "latency",
			    c == PP_LEVEL_RAISE, v, c == PP_LEVEL_RAISE ?
			    k->lat.threshold : k->lat.clear, " ms", k->w.len);
	}
	/* Rise: only full windows set the baseline (a partial one at the
	 * end has none to be judged against). */
	if (!rise || !pp_window_full(&k->w) || !isfinite(v))
		return;
	if (!(v >= k->base)) {
		k->base = v;
		double thr = v * (1 + j->o.rise / 100.0);
		if (thr < v + PP_JUDGE_RISE_MIN)
			thr = v + PP_JUDGE_RISE_MIN;
		k->rise.threshold = thr;
		k->rise.clear = thr * j->o.clear / 100.0;
	}
	enum pp_level_change c = pp_level_update(&k->rise, v);
	if (c != PP_LEVEL_SAME)
		rise_alert(j, t, ttl, ts, k, c == PP_LEVEL_RAISE, v);
}

/* ----------------------------------------------------------- routes */

/* Trace round r of t is complete: judge the route, free r. */
static void
close_round(struct pp_judge *j, struct pp_judge_target *t,
    struct pp_judge_round *r)
{
	uint32_t prev[PP_ROUTE_HOPS];
	int plen = 0;
	struct pp_route_rec rr;

	if (r->round < 0)
		return;
	long long round = r->round;
	r->round = -1;
	t->judged = round;
	if (!j->o.routes)
		return;
	int len = r->dest > 0 ? r->dest : r->len;
	enum pp_route_change c = pp_route_round(&t->route, r->hops, len, prev,
	    &plen);
	if (c == PP_ROUTE_SAME)
		return;
	const char *name = pp_intern_name(&j->names, t->name);
	pp_route_rec_init(&rr);
	rr.ts = r->ts;
	rr.vantage = vantage_of(j, t);
	rr.target = name;
	rr.round = round;
	rr.nhops = t->route.len;
	for (int i = 0; i < rr.nhops; i++)
		rr.hops[i] = t->route.cur[i] != 0 ? pp_intern_name(&j->names,
		    t->route.cur[i] - 1) : NULL;
	if (c == PP_ROUTE_CHANGED) {
		rr.nprev = plen;
		for (int i = 0; i < plen; i++)
			rr.prev[i] = prev[i] != 0 ? pp_intern_name(&j->names,
			    prev[i] - 1) : NULL;
	}
	if (j->sink.route != NULL)
		j->sink.route(j->sink.arg, &rr);
	if (c != PP_ROUTE_CHANGED)
		return;
	/* And an alert saying what changed. */
	int first = -1;
	for (int i = 0; i < plen || i < t->route.len; i++) {
		uint32_t a = i < plen ? prev[i] : 0;
		uint32_t b = i < t->route.len ? t->route.cur[i] : 0;
		if (a != b) {
			first = i;
			break;
		}
	}
	char msg[512];
	if (plen != t->route.len)
		(void)snprintf(msg, sizeof(msg), "%s path length %d -> %d "
		    "hops", name, plen, t->route.len);
	else
		(void)snprintf(msg, sizeof(msg), "%s route changed at hop %d: "
		    "%s -> %s", name, first + 1, first >= 0 && prev[first] ?
		    pp_intern_name(&j->names, prev[first] - 1) : "*",
		    first >= 0 && t->route.cur[first] ? pp_intern_name(
		    &j->names, t->route.cur[first] - 1) : "*");
	j->route_changes++;
	struct pp_alert_rec a;
	pp_alert_rec_init(&a);
	a.ts = r->ts;
	a.vantage = vantage_of(j, t);
	a.target = name;
	a.ttl = first >= 0 && plen == t->route.len ? first + 1 : 0;
	a.kind = "route";
	a.state = "raise";
	a.value = t->route.len;
	a.threshold = j->o.route_rounds;
	a.window = j->o.route_rounds;
	a.message = msg;
	send_alert(j, &a);
}

/* Judge t's open rounds up to round `upto`, oldest first. */
static void
close_rounds(struct pp_judge *j, struct pp_judge_target *t, long long upto)
{
	for (;;) {
		struct pp_judge_round *o = NULL;
		for (int k = 0; k < PP_JUDGE_ROUNDS_OPEN; k++) {
			struct pp_judge_round *r = &t->open[k];
			if (r->round >= 0 && r->round <= upto &&
			    (o == NULL || r->round < o->round))
				o = r;
		}
		if (o == NULL)
			return;
		close_round(j, t, o);
	}
}

/* The open round x of t, begun at ts when new (rounds PP_JUDGE_ROUNDS_OPEN
 * before it judged first); NULL when x was judged already. */
static struct pp_judge_round *
round_of(struct pp_judge *j, struct pp_judge_target *t, long long x,
    double ts)
{
	if (x > t->round) {
		t->probes++;	/* rounds, for unreachable */
		t->round = x;
		close_rounds(j, t, x - PP_JUDGE_ROUNDS_OPEN);
	} else {
		for (int k = 0; k < PP_JUDGE_ROUNDS_OPEN; k++)
			if (t->open[k].round == x)
				return &t->open[k];
		if (x <= t->judged || x <= t->round - PP_JUDGE_ROUNDS_OPEN)
			return NULL;
	}
	/* Rounds in (t->round - OPEN, t->round] are open at most, x among
	 * them and not open yet: a slot is free. */
	for (int k = 0; k < PP_JUDGE_ROUNDS_OPEN; k++) {
		struct pp_judge_round *r = &t->open[k];
		if (r->round < 0) {
			r->round = x;
			r->ts = ts;
			r->len = 0;
			r->dest = 0;
			memset(r->hops, 0, sizeof(r->hops));
			return r;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------- outcomes */

/* Note why a probe of t was lost. */
static void
note_loss(struct pp_judge_target *t, const struct item *it)
{
	if (it->why != PP_LOSS_UNREACHABLE) {
		t->lost_by[it->why]++;
		return;
	}
	int k;
	for (k = 0; k < t->nsrc; k++)
		if (t->src[k].from == it->from && t->src[k].code == it->code)
			break;
	if (k == t->nsrc) {
		if (k == PP_JUDGE_SOURCES) {
			/* Sources past the table count as unknown. */
			k = PP_JUDGE_SOURCES - 1;
			t->src[k].from = PP_INTERN_NONE;
			t->src[k].code = -1;
		} else {
			t->nsrc++;
			t->src[k].from = it->from;
			t->src[k].code = it->code;
			t->src[k].n = 0;
		}
	}
	t->src[k].n++;
}

/* One outcome, in send order. */
static void
process(void *arg, double ts, const void *itemp)
{
	struct pp_judge *j = arg;
	const struct item *it = itemp;
	struct pp_judge_target *t = &j->targets[it->target];
	bool answered = it->outcome == PP_ANSWER_DEST ||
	    it->outcome == PP_ANSWER_HOP;

	t->last_ts = ts;
	/* Routes: assemble rounds of traces. */
	if (it->ttl > 0 && it->round >= 0) {
		struct pp_judge_round *r = round_of(j, t, it->round, ts);
		if (r != NULL && it->ttl <= PP_ROUTE_HOPS) {
			if (it->ttl > r->len)
				r->len = it->ttl;
			if (it->from != PP_INTERN_NONE && answered &&
			    (r->dest == 0 || it->ttl <= r->dest))
				r->hops[it->ttl - 1] = it->from + 1;
			if (it->dest && (r->dest == 0 || it->ttl < r->dest))
				r->dest = it->ttl;
		}
	} else {
		t->probes++;
	}
	int feed = pp_outage_feed(&t->dest_ttl, it->ttl, it->dest);
	if (it->outcome == PP_ANSWER_DEST) {
		t->answered = true;
		memset(t->lost_by, 0, sizeof(t->lost_by));
		t->nsrc = 0;
	} else if (it->outcome == PP_LOST && (it->ttl == 0 ||
	    it->ttl >= t->dest_ttl)) {
		note_loss(t, it);
	}
	/* Never answered: in the window's probes, or its complete rounds
	 * of a trace (those before the newest, which may still reach the
	 * destination: probes come in send order). */
	uint64_t done = t->round >= 0 && t->probes > 0 ? t->probes - 1 :
	    t->probes;
	if (!t->answered && !t->unreachable && done >= j->o.window)
		unreachable_alert(j, t, ts, true, false, NULL, done);
	if (feed != 0) {
		struct out_ctx c = { j, t };
		if (feed == 2)
			pp_outage_finish(&t->od, on_outage, &c);
		pp_outage_dest_probe(&t->od, &t->rl, ts, it->outcome ==
		    PP_ANSWER_DEST || it->outcome == PP_ANSWER_HOP, on_outage,
		    &c);
	}
	/* "Never answered" raised on losses the outage detector never saw
	 * (a trace's rounds lost before any reply told the destination's
	 * hop): no END of it will come, so the answer clears it. */
	if (it->outcome == PP_ANSWER_DEST && t->unreachable && !t->od.out)
		unreachable_alert(j, t, ts, false, false, NULL, t->probes);
	/* Loss and latency: at the destination, or every hop. */
	bool judged = it->ttl == 0 || (j->o.hops ? true :
	    it->ttl == t->dest_ttl);
	if (!judged)
		return;
	struct pp_judge_key *k = key_get(j, it->target, j->o.hops ? it->ttl :
	    (it->ttl == 0 ? 0 : -1));
	if (k == NULL)
		return;
	pp_window_add(&k->w, it->rtt);
	if (!pp_window_full(&k->w) || !t->answered)
		return;
	judge_window(j, k, j->o.hops ? it->ttl : 0, ts);
}

int
pp_judge_probe(struct pp_judge *j, const struct pp_probe *p)
{
	struct item it;
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(p, &j->o.outcome, &why);

	if (oc == PP_LOCAL)
		return 0;	/* not the network's: neither sent nor lost */
	j->probes++;
	memset(&it, 0, sizeof(it));
	it.target = target_get(j, p->vantage, p->target);
	if (it.target == UINT32_MAX)
		return j->oom ? -1 : 0;
	it.ttl = (uint8_t)pp_probe_hop(p);
	it.round = p->round;
	it.outcome = (uint8_t)oc;
	it.why = (uint8_t)why;
	it.code = (int16_t)p->code;
	it.dest = p->status == PP_ST_REPLY || oc == PP_ANSWER_DEST;
	bool answered = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
	it.rtt = answered ? p->rtt : NAN;
	it.from = (answered || why == PP_LOSS_UNREACHABLE) &&
	    p->from != NULL ? intern(j, p->from) : PP_INTERN_NONE;
	(void)pp_reorder_push(&j->ros[j->targets[it.target].ro], p->ts, &it,
	    process, j);
	return j->oom ? -1 : 0;
}

int
pp_judge_mos(struct pp_judge *j, const struct pp_mos_rec *m)
{
	if (isnan(j->o.mos) || !isfinite(m->mos))
		return 0;
	j->mos_records++;
	uint32_t ti = target_get(j, m->vantage, m->target);
	if (ti == UINT32_MAX)
		return j->oom ? -1 : 0;
	struct pp_judge_target *t = &j->targets[ti];
	if (!t->has_mos) {
		t->has_mos = true;
		level_init(&t->mos, j->o.mos, j->o.clear, false);
	}
	enum pp_level_change c = pp_level_update(&t->mos, m->mos);
	if (c == PP_LEVEL_SAME)
		return 0;
	const char *name = pp_intern_name(&j->names, t->name);
	double threshold = c == PP_LEVEL_RAISE ? t->mos.threshold :
	    t->mos.clear;
	char msg[512];
	(void)snprintf(msg, sizeof(msg), "%s MOS %.2f %s %.2f", name, m->mos,
	    c == PP_LEVEL_RAISE ? "<=" : "back above", threshold);
	struct pp_alert_rec a;
	pp_alert_rec_init(&a);
	a.ts = isfinite(m->end) ? m->end : 0;
	a.vantage = vantage_of(j, t);
	a.target = name;
	a.kind = "mos";
	a.state = c == PP_LEVEL_RAISE ? "raise" : "clear";
	a.value = m->mos;
	a.threshold = threshold;
	a.window = 1;
	a.message = msg;
	send_alert(j, &a);
	return 0;
}

void
pp_judge_finish(struct pp_judge *j)
{
	for (uint32_t i = 0; i < j->nros; i++)
		pp_reorder_flush(&j->ros[i], process, j);
	for (uint32_t i = 0; i < j->ntargets; i++) {
		struct out_ctx c = { j, &j->targets[i] };
		close_rounds(j, &j->targets[i], LLONG_MAX);
		pp_outage_finish(&j->targets[i].od, on_outage, &c);
	}
	for (uint32_t i = 0; i < j->ntargets; i++) {
		struct pp_judge_target *t = &j->targets[i];
		if (t->probes == 0 || t->answered)
			continue;
		j->never++;
		if (!t->unreachable)
			unreachable_alert(j, t, t->last_ts, true, true, NULL,
			    t->probes);
	}
	/* Windows that never filled, as they stand. */
	for (uint32_t i = 0; i < j->nkeys; i++) {
		struct pp_judge_key *k = &j->keys[i];
		const struct pp_judge_target *t = &j->targets[k->target];
		if (k->w.len == 0 || pp_window_full(&k->w) || !t->answered)
			continue;
		int ttl = k->ttl > 0 ? k->ttl : 0;
		j->partial++;
		if (j->sink.partial != NULL)
			j->sink.partial(j->sink.arg, pp_intern_name(&j->names,
			    t->name), ttl, k->w.len, k->w.n);
		judge_window(j, k, ttl, t->last_ts);
	}
}
