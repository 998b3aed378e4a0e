/* SPDX-License-Identifier: BSD-2-Clause */
/* outage.c: the outage rule (see outage.h).
 *
 * One queue of probes.  Its first `done` are folded in; the rest wait to
 * be looked at (again, after a change of state).  Idle, the folded ones
 * are the trailing window.  In an outage with a candidate, q[0] is the
 * answer that may end it and the folded ones follow it; wn of them (from
 * q[0]) are its next S seconds so far, wl of those lost.  In an outage
 * without a candidate the queue holds no folded probe. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/outage.h"

void
pp_outage_init(struct pp_outage *o, double loss, double min)
{
	memset(o, 0, sizeof(*o));
	o->loss = loss;
	o->min = min;
	o->start = NAN;
	o->last_ts = NAN;
}

void
pp_outage_release(struct pp_outage *o)
{
	free(o->q);
	o->q = NULL;
	o->cap = o->n = o->head = o->done = 0;
	free(o->pend);
	o->pend = NULL;
	o->npend = o->apend = 0;
}

static struct pp_outage_probe *
at(const struct pp_outage *o, uint32_t i)
{
	return &o->q[(o->head + i) % o->cap];
}

/* How many of the held probes folded in (the first o->done) were
 * lost. */
static uint32_t
done_lost(const struct pp_outage *o)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < o->done; i++)
		if (at(o, i)->lost)
			k++;
	return k;
}

/* The probes left out after the folded ones (pp_outage_dest_probe). */
static uint64_t
done_extra(const struct pp_outage *o)
{
	uint64_t k = 0;

	for (uint32_t i = 0; i < o->done; i++)
		k += at(o, i)->extra;
	return k;
}

static void
pop(struct pp_outage *o)
{
	o->head = (o->head + 1) % o->cap;
	o->n--;
}

/* Whether k lost of n reach the threshold. */
static bool
lossy(const struct pp_outage *o, uint32_t k, uint32_t n)
{
	return k > 0 && 100.0 * (double)k >= o->loss * (double)n;
}

static void
report(struct pp_outage *o, enum pp_outage_kind kind, double end,
    double now, uint64_t sent, uint64_t recv, bool ongoing, pp_outage_fn fn,
    void *arg)
{
	struct pp_outage_event e = {
		.kind = kind,
		.start = o->start,
		.end = end,
		.now = now,
		.sent = sent,
		.recv = recv,
		.ongoing = ongoing,
		.brief = kind == PP_OUTAGE_END && end - o->start < o->min,
	};

	if (fn != NULL)
		fn(arg, &e);
}

/* The outage ended at end (an answer, or the last probe when ongoing),
 * its counts sent and recv: an outage when it lasted S (else brief). */
static void
close_out(struct pp_outage *o, double end, uint64_t sent, uint64_t recv,
    bool ongoing, pp_outage_fn fn, void *arg)
{
	if (end - o->start >= o->min && !o->begun)
		report(o, PP_OUTAGE_BEGIN, NAN, end, sent, recv, false, fn,
		    arg);
	report(o, PP_OUTAGE_END, end, o->last_ts, sent, recv, ongoing, fn,
	    arg);
	o->out = false;
	o->begun = false;
	o->cand = false;
	o->done = 0;
	o->nlost = 0;
}

/* The candidate's recovery failed: it and the losses after it join the
 * outage; the next folded answer, if any, is the new candidate. */
static void
next_candidate(struct pp_outage *o)
{
	do {
		struct pp_outage_probe *p = at(o, 0);
		o->sent += 1 + (uint64_t)p->extra;
		if (!p->lost)
			o->recv++;
		if (o->wn > 0) {
			o->wn--;
			if (p->lost)
				o->wl--;
		}
		pop(o);
		o->done--;
	} while (o->done > 0 && at(o, 0)->lost);
	if (o->done == 0) {
		o->cand = false;
		o->wn = o->wl = 0;
		return;
	}
	if (o->wn == 0) {
		o->wn = 1;
		o->wl = 0;
	}
	double until = at(o, 0)->ts + o->min;
	while (o->wn < o->done && at(o, o->wn)->ts < until) {
		if (at(o, o->wn)->lost)
			o->wl++;
		o->wn++;
	}
}

/* Idle: fold in q[done]; an outage may start. */
static void
fold_idle(struct pp_outage *o)
{
	const struct pp_outage_probe e = *at(o, o->done);

	while (o->done > 0 && at(o, 0)->ts <= e.ts - o->min) {
		if (at(o, 0)->lost)
			o->nlost--;
		pop(o);
		o->done--;
	}
	o->done++;
	if (e.lost)
		o->nlost++;
	if (!e.lost || !lossy(o, o->nlost, o->done))
		return;
	/* The start: the lost probe with the greatest excess loss from it
	 * to the newest (the earliest of equals). */
	double score = 0;
	double best = -INFINITY;
	uint32_t b = 0;
	for (uint32_t i = o->done; i-- > 0;) {
		bool lost = at(o, i)->lost;
		score += (lost ? 1.0 : 0.0) - o->loss / 100.0;
		if (lost && score >= best) {
			best = score;
			b = i;
		}
	}
	for (uint32_t i = 0; i < b; i++)
		pop(o);
	o->out = true;
	o->begun = false;
	o->cand = false;
	o->start = at(o, 0)->ts;
	o->sent = o->recv = 0;
	o->done = 0;		/* fold them again, inside the outage */
	o->nlost = 0;
}

/* In an outage: fold in q[done]. */
static void
fold_out(struct pp_outage *o, pp_outage_fn fn, void *arg)
{
	const struct pp_outage_probe e = *at(o, o->done);

	if (!o->cand) {
		if (e.lost) {
			o->sent += 1 + (uint64_t)e.extra;
			pop(o);
		} else {
			o->cand = true;
			o->done = 1;
			o->wn = 1;
			o->wl = 0;
		}
	} else {
		o->done++;
		double until = at(o, 0)->ts + o->min;
		while (o->wn < o->done && at(o, o->wn)->ts < until) {
			if (at(o, o->wn)->lost)
				o->wl++;
			o->wn++;
		}
	}
	/* Each candidate whose next S seconds are all here: holds or not. */
	while (o->cand && e.ts >= at(o, 0)->ts + o->min) {
		if (!lossy(o, o->wl, o->wn)) {
			close_out(o, at(o, 0)->ts, o->sent, o->recv, false, fn,
			    arg);
			return;
		}
		next_candidate(o);
	}
	/* BEGIN counts the probes sure to be in it: those before the
	 * candidate (none is held without one), as its END would if the
	 * candidate's recovery holds; the candidate and the probes after it
	 * belong to the outage only if that recovery fails. */
	if (!o->begun && (o->cand ? at(o, 0)->ts : e.ts) - o->start >=
	    o->min) {
		report(o, PP_OUTAGE_BEGIN, NAN, e.ts, o->sent, o->recv, false,
		    fn, arg);
		o->begun = true;
	}
}

static void
run(struct pp_outage *o, pp_outage_fn fn, void *arg)
{
	while (o->done < o->n) {
		if (o->out)
			fold_out(o, fn, arg);
		else
			fold_idle(o);
	}
}

void
pp_outage_probe(struct pp_outage *o, double ts, bool lost, pp_outage_fn fn,
    void *arg)
{
	if (o->n == o->cap && o->cap < PP_OUTAGE_MAX) {
		uint32_t ncap = o->cap != 0 ? o->cap * 2 : 16;
		struct pp_outage_probe *nq = malloc(ncap * sizeof(*nq));
		if (nq != NULL) {
			for (uint32_t i = 0; i < o->n; i++)
				nq[i] = *at(o, i);
			free(o->q);
			o->q = nq;
			o->head = 0;
			o->cap = ncap;
		} else {
			o->oom = true;
		}
	}
	if (o->cap == 0)
		return;
	if (o->n == o->cap) {
		/* Full: the oldest goes. */
		if (o->out && o->cand) {
			next_candidate(o);
		} else {
			if (o->done > 0) {
				if (at(o, 0)->lost && !o->out)
					o->nlost--;
				o->done--;
			}
			pop(o);
		}
	}
	struct pp_outage_probe *p = &o->q[(o->head + o->n) % o->cap];
	p->ts = ts;
	p->lost = lost;
	p->extra = 0;
	o->n++;
	o->last_ts = ts;
	run(o, fn, arg);
}

static void resolve(struct pp_outage *o, bool lost, pp_outage_fn fn,
    void *arg);

void
pp_outage_finish(struct pp_outage *o, pp_outage_fn fn, void *arg)
{
	resolve(o, true, fn, arg);	/* no answer came: lost */
	run(o, fn, arg);
	while (o->out) {
		/* A candidate whose recovery held as far as the input went
		 * ends it; failing ones join it. */
		while (o->cand) {
			uint32_t k = done_lost(o);
			if (!lossy(o, k, o->done))
				break;
			o->wn = o->done;
			o->wl = k;
			next_candidate(o);
			o->wn = o->wl = 0;
			if (o->cand) {
				o->wn = 1;
				o->wl = 0;
			}
		}
		if (o->cand) {
			close_out(o, at(o, 0)->ts, o->sent, o->recv, false, fn,
			    arg);
			run(o, fn, arg);
			continue;
		}
		/* Ongoing: every probe since its start is in it. */
		uint64_t sent = o->sent + o->done + done_extra(o);
		uint64_t recv = o->recv + (o->done - done_lost(o));
		close_out(o, o->last_ts, sent, recv, true, fn, arg);
	}
	o->head = o->n = o->done = o->nlost = 0;
}

/* A loss left out: counted with the probe before it (in an outage's
 * sent if that one is, and its end when the input ends inside it). */
static void
left_out(struct pp_outage *o, double ts)
{
	struct pp_outage_probe *b = o->n > 0 ? at(o, o->n - 1) : NULL;

	if (b != NULL && b->extra < UINT32_MAX)
		b->extra++;
	else if (b == NULL && o->out)
		o->sent++;
	o->last_ts = ts;
}

/* The waiting losses: the limit's (left out) or lost. */
static void
resolve(struct pp_outage *o, bool lost, pp_outage_fn fn, void *arg)
{
	uint32_t n = o->npend;

	o->npend = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (lost)
			pp_outage_probe(o, o->pend[i], true, fn, arg);
		else
			left_out(o, o->pend[i]);
	}
}

static void
hold(struct pp_outage *o, double ts, pp_outage_fn fn, void *arg)
{
	if (o->npend == o->apend) {
		uint32_t na = o->apend != 0 ? o->apend * 2 : 16;
		double *np = na <= PP_OUTAGE_MAX ?
		    realloc(o->pend, na * sizeof(*np)) : NULL;
		if (np == NULL) {
			/* Full: what waits is lost. */
			resolve(o, true, fn, arg);
			pp_outage_probe(o, ts, true, fn, arg);
			return;
		}
		o->pend = np;
		o->apend = na;
	}
	o->pend[o->npend++] = ts;
}

/* The candidates that could still be the limit: violations at most 1 in
 * 16 of what they explain (the verdict's bound). */
static unsigned
eligible(const struct pp_ratelimit *rl)
{
	unsigned m = 0;

	for (int i = 0; i < PP_RL_PERIODS; i++)
		if (16.0 * rl->all_violations[i] <= (double)rl->all_explained[i])
			m |= 1u << i;
	return m;
}

void
pp_outage_dest_probe(struct pp_outage *o, struct pp_ratelimit *rl,
    double ts, bool answered, pp_outage_fn fn, void *arg)
{
	uint32_t viol[PP_RL_PERIODS];

	memcpy(viol, rl->all_violations, sizeof(viol));
	unsigned loss = pp_ratelimit_probe(rl, ts, answered);

	if (answered) {
		/* The waiting losses were a limit's if this answer is its
		 * bucket refilled (no violation), else lost. */
		if (o->npend > 0) {
			unsigned live = o->pend_by & ~o->refuted, ok = 0;
			for (int i = 0; i < PP_RL_PERIODS; i++)
				if ((live >> i & 1u) != 0 &&
				    rl->all_violations[i] == viol[i])
					ok |= 1u << i;
			resolve(o, ok == 0, fn, arg);
		}
		pp_outage_probe(o, ts, false, fn, arg);
		return;
	}
	/* A loss the limit explains (or leaves in doubt) is left out, not
	 * taken for an answer: counted answered, such probes would dilute
	 * the loss share of a cut. */
	int lim = pp_ratelimit_now(rl);
	if (lim >= 0) {
		/* A limit seen refilling decides alone. */
		resolve(o, false, fn, arg);
		if ((loss & (1u << lim)) == 0)
			left_out(o, ts);
		else
			pp_outage_probe(o, ts, true, fn, arg);
		return;
	}
	/* Limits not yet seen refilling: the answers before a cut look like
	 * a burst spent.  The losses they explain wait for an answer, or
	 * until each has lost a probe it surely had a token for. */
	unsigned by = rl->pend & ~loss & eligible(rl);
	if (o->npend > 0) {
		o->refuted |= loss;
		o->pend_by |= by;
		if ((o->pend_by & ~o->refuted & eligible(rl)) != 0) {
			hold(o, ts, fn, arg);
			return;
		}
		resolve(o, true, fn, arg);
	} else if (by != 0) {
		o->pend_by = by;
		o->refuted = 0;
		hold(o, ts, fn, arg);
		return;
	}
	pp_outage_probe(o, ts, true, fn, arg);
}

int
pp_outage_feed(int *dest_ttl, int ttl, bool reached)
{
	if (ttl == 0)
		return 1;
	if (reached && (*dest_ttl == 0 || ttl < *dest_ttl)) {
		bool moved = *dest_ttl != 0;
		*dest_ttl = ttl;
		return moved ? 2 : 1;
	}
	return ttl == *dest_ttl ? 1 : 0;
}
