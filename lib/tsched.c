/* SPDX-License-Identifier: BSD-2-Clause */
/* tsched.c: pp-trace's round scheduler (see tsched.h).
 *
 * Two queues drive it.  A binary heap of times holds each target's next
 * round start and each round's next send (one live entry a round: the one
 * whose sequence number the round holds; an entry left behind when the
 * round moved is stale, skipped when it comes up).  With a rate, a round
 * whose send is due leaves the heap for the queue of its next TTL (a FIFO
 * per TTL, a bitmap of the ones not empty), and the rate takes the head of
 * the lowest queue. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tsched.h"
#include "lib/util.h"

#define NTTL 256
#define RETRY_NS 1000000LL	/* a send that found no room: again then */
#define RATE_BURST 4		/* --rate: missed slots made up, at most */

/* One flow of one round. */
struct flowst {
	int next;		/* next TTL to send */
	int limit;		/* send TTLs up to this one */
	int stop;		/* a reply or unreachable came at this TTL; 0
				 * none yet */
	int top;		/* highest TTL sent */
	int known;		/* the destination's TTL when the round
				 * began, 0 unknown */
	int released;		/* outcomes handed to the outcome hook up
				 * to this TTL (first_ttl - 1: none) */
};

/* The result index of a cell: 0 not sent, else index + 1 with DONE set
 * once its outcome is in, and GIVEN once the outcome hook had it (or a
 * NULL for it).  An index is below flows * TTLs <= 64 * 255 < 0x4000. */
#define DONE 0x8000u
#define GIVEN 0x4000u
#define IDX(c) ((c) & ~(DONE | GIVEN))

enum where { NOWHERE, IN_HEAP, IN_TTLQ };

struct pp_tsched_round {
	long long n;		/* round number */
	int target;
	enum where where;	/* where its live queue entry is */
	unsigned long long qseq;	/* that entry's sequence number */
	long long qat;		/* in the heap: the entry's time */
	bool busy;		/* inside the send hook */
	bool complete;
	bool abandoned;		/* handed over as it stood */
	long long next_ns;	/* its next probe not before this */
	long long last_sent;	/* the time its latest probe left */
	int last_f, last_ttl;	/* that probe */
	int pending;		/* probes sent, outcome not known */
	struct flowst *fl;	/* [flows] */
	uint16_t *cell;		/* [flows * nttl]: result index, see DONE */
	struct pp_engine_result *res;	/* [cres], nres used */
	int nres, cres;
	struct pp_tsched_round *next_free;
};

struct target {
	long long started;	/* rounds started */
	long long emitted;	/* rounds handed over */
	long long next_start;	/* monotonic ns of round `started` */
	long long offset;	/* its rounds start this much after the
				 * interval's, ns */
	bool waiting;		/* a round is due, but the bound's rounds are
				 * in flight */
	struct pp_tsched_round **ring;	/* [cap]: round emitted + k at
					 * (head + k) % cap */
	int cap, head;
	int *dest_ttl;		/* [flows]: the destination's TTL in the
				 * last round it answered, 0 unknown */
	int *seen;		/* [flows]: highest TTL that answered */
};

/* A heap entry: a round's next send, or (rd NULL) a target's next round. */
struct ev {
	long long at;		/* monotonic ns */
	unsigned long long seq;	/* ties in the order pushed; a round's
				 * live entry is the one of its qseq */
	struct pp_tsched_round *rd;
	int target;
};

/* A TTL queue entry. */
struct qent {
	struct pp_tsched_round *rd;
	unsigned long long seq;
};

/* A FIFO ring of entries. */
struct fifo {
	struct qent *q;
	int cap, head, n;
};

struct pp_tsched {
	struct pp_tsched_opts o;
	struct pp_tsched_hooks h;
	int nttl;		/* TTLs a flow may probe */
	long long bound;	/* rounds of a target in flight, at most */
	long long start;	/* monotonic ns of round 0 */
	long long period;	/* ns between sends at the rate, 0 none */
	long long rate_next;	/* the next send the rate allows */
	bool stopped;
	int active;		/* targets with rounds still to start */
	long long open;		/* rounds started, not handed over */
	struct target *t;
	int *learn;		/* [ntargets * flows * 2]: dest_ttl, seen */
	struct ev *heap;
	int nheap, cheap;
	unsigned long long evseq;
	struct fifo q[NTTL];	/* rate: rounds due, by next TTL */
	uint64_t qmask[NTTL / 64];	/* queues not empty */
	struct pp_tsched_round *free_rounds;
	struct pp_tsched_stats st;
	long long last_due;	/* what pp_tsched_run returned last */
	bool wake;		/* since pp_tsched_done began: something is
				 * due before that, or a round went out */
	bool nomem;		/* an allocation failed: what needed it is
				 * put off (retried) */
};

/* ------------------------------------------------------------ bounds */

static long long
cells_of(const struct pp_tsched_opts *o)
{
	return (long long)o->flows * (o->max_ttl - o->first_ttl + 1);
}

/* A round's sends take this long at most, ns. */
static double
span_ns(const struct pp_tsched_opts *o)
{
	double cells = (double)cells_of(o);

	if (o->rate > 0)
		return cells * o->ntargets / o->rate * 1e9;
	return (cells - 1) * (double)o->send_delay;
}

long long
pp_tsched_rounds_bound(const struct pp_tsched_opts *o)
{
	double r = floor((span_ns(o) + (double)o->timeout) /
	    (double)o->interval) + 2;

	if (o->rounds > 0 && r > (double)o->rounds)
		r = (double)o->rounds;
	return r > (double)PP_TSCHED_ROUNDS_MAX ? PP_TSCHED_ROUNDS_MAX + 1LL :
	    (long long)r;
}

size_t
pp_tsched_round_bytes(const struct pp_tsched_opts *o)
{
	size_t cells = (size_t)cells_of(o);

	return sizeof(struct pp_tsched_round) + (size_t)o->flows *
	    sizeof(struct flowst) + cells * (sizeof(uint16_t) +
	    sizeof(struct pp_engine_result));
}

/* ------------------------------------------------------------ heap */

static bool
ev_before(const struct ev *a, const struct ev *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static int
heap_push(struct pp_tsched *s, long long at, struct pp_tsched_round *rd,
    int target)
{
	if (s->nheap == s->cheap) {
		int c = s->cheap > 0 ? s->cheap * 2 : 64;
		struct ev *h = realloc(s->heap, (size_t)c * sizeof(*h));
		if (h == NULL)
			return -1;
		s->heap = h;
		s->cheap = c;
	}
	struct ev e = { at, s->evseq++, rd, target };
	if (rd != NULL) {
		rd->where = IN_HEAP;
		rd->qseq = e.seq;
		rd->qat = at;
	}
	int i = s->nheap++;
	while (i > 0) {
		int up = (i - 1) / 2;
		if (!ev_before(&e, &s->heap[up]))
			break;
		s->heap[i] = s->heap[up];
		i = up;
	}
	s->heap[i] = e;
	return 0;
}

static struct ev
heap_pop(struct pp_tsched *s)
{
	struct ev top = s->heap[0];
	struct ev last = s->heap[--s->nheap];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && ev_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->nheap > 0)
		s->heap[i] = last;
	return top;
}

/* A send is due at `at`: the caller must look before the time it was
 * told (with a rate, not before the rate allows). */
static void
note_due(struct pp_tsched *s, long long at)
{
	if (s->period > 0 && at < s->rate_next)
		at = s->rate_next;
	if (s->last_due < 0 || at < s->last_due)
		s->wake = true;
}

/* ------------------------------------------------------------ TTL queues */

static int
fifo_push(struct fifo *f, struct qent e)
{
	if (f->n == f->cap) {
		int c = f->cap > 0 ? f->cap * 2 : 16;
		struct qent *q = malloc((size_t)c * sizeof(*q));
		if (q == NULL)
			return -1;
		for (int k = 0; k < f->n; k++)
			q[k] = f->q[(f->head + k) % f->cap];
		free(f->q);
		f->q = q;
		f->cap = c;
		f->head = 0;
	}
	f->q[(f->head + f->n) % f->cap] = e;
	f->n++;
	return 0;
}

static void
fifo_drop_head(struct fifo *f)
{
	f->head = (f->head + 1) % f->cap;
	f->n--;
}

static int
q_push(struct pp_tsched *s, int ttl, struct pp_tsched_round *rd)
{
	struct qent e = { rd, s->evseq++ };

	if (fifo_push(&s->q[ttl], e) == -1)
		return -1;
	rd->where = IN_TTLQ;
	rd->qseq = e.seq;
	s->qmask[ttl / 64] |= 1ULL << (ttl % 64);
	return 0;
}

/* The entry (rd, seq) is rd's live one. */
static bool
live(const struct pp_tsched_round *rd, unsigned long long seq)
{
	return rd->where != NOWHERE && rd->qseq == seq;
}

/* The lowest TTL with a queue not empty, or -1. */
static int
q_lowest(const struct pp_tsched *s)
{
	for (int w = 0; w < NTTL / 64; w++)
		if (s->qmask[w] != 0)
			return w * 64 + __builtin_ctzll(s->qmask[w]);
	return -1;
}

static void
q_drop_head(struct pp_tsched *s, int ttl)
{
	fifo_drop_head(&s->q[ttl]);
	if (s->q[ttl].n == 0)
		s->qmask[ttl / 64] &= ~(1ULL << (ttl % 64));
}

/* ------------------------------------------------------------ rounds */

/* How far past the last hop that answered a round goes: mtr's -U count
 * (max_unknown) as mtr counts it.  mtr ends a round once more than count
 * of the hops below the probe it has just sent are unknown, so behind
 * the last answer it sends count + 1 silent TTLs and then the one past
 * them: count + 2.  (mtr counts the unknown hops of the whole path, pp
 * those in a row: past a gap, pp goes on where mtr stops.) */
static int
reach(const struct pp_tsched *s)
{
	return s->o.max_unknown + 2;
}

static int *
dest_ttl(struct pp_tsched *s, int target)
{
	return &s->learn[(size_t)target * (size_t)s->o.flows * 2];
}

static int *
seen(struct pp_tsched *s, int target)
{
	return dest_ttl(s, target) + s->o.flows;
}

static uint16_t *
cell_at(const struct pp_tsched *s, const struct pp_tsched_round *rd, int f,
    int ttl)
{
	return &rd->cell[(size_t)f * (size_t)s->nttl +
	    (size_t)(ttl - s->o.first_ttl)];
}

/* The TTL a flow may send next, or 0 when it has nothing more to send. */
static int
sendable(const struct pp_tsched *s, const struct flowst *fs)
{
	int cap = fs->limit < s->o.max_ttl ? fs->limit : s->o.max_ttl;

	if (fs->stop > 0 || fs->next > cap)
		return 0;
	return fs->next;
}

/* rd's next probe: the lowest TTL of any flow (the lowest flow among
 * equals).  Returns the TTL, 0 none; *f its flow. */
static int
next_probe(const struct pp_tsched *s, const struct pp_tsched_round *rd,
    int *f)
{
	int best = 0;

	for (int k = 0; k < s->o.flows; k++) {
		int ttl = sendable(s, &rd->fl[k]);
		if (ttl > 0 && (best == 0 || ttl < best)) {
			best = ttl;
			*f = k;
		}
	}
	return best;
}

static struct pp_tsched_round *
round_alloc(struct pp_tsched *s)
{
	struct pp_tsched_round *rd = s->free_rounds;

	if (rd != NULL) {
		s->free_rounds = rd->next_free;
		return rd;
	}
	rd = calloc(1, sizeof(*rd));
	if (rd == NULL)
		return NULL;
	rd->fl = calloc((size_t)s->o.flows, sizeof(*rd->fl));
	rd->cell = calloc((size_t)s->o.flows * (size_t)s->nttl,
	    sizeof(*rd->cell));
	if (rd->fl == NULL || rd->cell == NULL) {
		free(rd->fl);
		free(rd->cell);
		free(rd);
		return NULL;
	}
	return rd;
}

static void
round_release(struct pp_tsched *s, struct pp_tsched_round *rd)
{
	rd->where = NOWHERE;
	rd->next_free = s->free_rounds;
	s->free_rounds = rd;
}

static long long
open_rounds(const struct target *t)
{
	return t->started - t->emitted;
}

/* Put rd where its next send waits: the heap at its time (earlier than
 * an entry it has there: that one goes stale).  A round in a TTL queue
 * waits for the rate there. */
static void
requeue(struct pp_tsched *s, struct pp_tsched_round *rd)
{
	int f;

	if (rd->busy || rd->complete || rd->where == IN_TTLQ ||
	    (rd->where == IN_HEAP && rd->qat <= rd->next_ns) ||
	    next_probe(s, rd, &f) == 0)
		return;
	if (heap_push(s, rd->next_ns, rd, -1) == -1) {
		s->nomem = true;
		s->wake = true;
		return;
	}
	note_due(s, rd->next_ns);
}

/* Hand flow f's outcomes to the outcome hook: the TTLs above the last
 * one given whose outcome, and every lower TTL's, is in, up to the TTL
 * that ended the flow; the probes sent above that one as NULL. */
static void
release(struct pp_tsched *s, struct pp_tsched_round *rd, int f)
{
	struct flowst *fs = &rd->fl[f];

	while (fs->released + 1 < fs->next && (fs->stop == 0 ||
	    fs->released < fs->stop)) {
		uint16_t *c = cell_at(s, rd, f, fs->released + 1);
		if ((*c & DONE) == 0)
			break;
		fs->released++;
		*c |= GIVEN;
		if (s->h.outcome != NULL)
			s->h.outcome(s->h.arg, rd->target, rd->n, f,
			    fs->released, &rd->res[IDX(*c) - 1]);
	}
	if (fs->stop == 0)
		return;
	for (int ttl = fs->stop + 1; ttl < fs->next; ttl++) {
		uint16_t *c = cell_at(s, rd, f, ttl);
		if (*c == 0 || (*c & GIVEN) != 0)
			continue;
		*c |= GIVEN;
		if (s->h.outcome != NULL)
			s->h.outcome(s->h.arg, rd->target, rd->n, f, ttl, NULL);
	}
}

/* Hand the complete rounds of target i over, in order. */
static void
drain(struct pp_tsched *s, int i)
{
	struct target *t = &s->t[i];

	while (open_rounds(t) > 0) {
		struct pp_tsched_round *rd = t->ring[t->head];
		if (!rd->complete)
			break;
		s->h.round(s->h.arg, i, rd->n, rd);
		/* What the next round starts from. */
		int *dt = dest_ttl(s, i);
		for (int f = 0; f < s->o.flows; f++)
			if (rd->fl[f].stop > 0)
				dt[f] = rd->fl[f].stop;
		t->ring[t->head] = NULL;
		t->head = (t->head + 1) % t->cap;
		t->emitted++;
		s->open--;
		s->st.written++;
		s->wake = true;
		round_release(s, rd);
		if (t->waiting) {
			/* Its round is overdue: at once. */
			t->waiting = false;
			if (heap_push(s, t->next_start, NULL, i) == -1)
				s->nomem = true;
		}
	}
}

static void
check_complete(struct pp_tsched *s, struct pp_tsched_round *rd)
{
	int f;

	if (rd->busy || rd->complete || rd->pending > 0 ||
	    next_probe(s, rd, &f) > 0)
		return;
	rd->complete = true;
	drain(s, rd->target);
}

/* Make room for one more round of t.  Returns 0, or -1 (no memory). */
static int
ring_room(struct target *t)
{
	long long open = open_rounds(t);

	if (open < t->cap)
		return 0;
	int c = t->cap > 0 ? t->cap * 2 : 4;
	struct pp_tsched_round **r = calloc((size_t)c, sizeof(*r));
	if (r == NULL)
		return -1;
	for (long long k = 0; k < open; k++)
		r[k] = t->ring[(t->head + k) % t->cap];
	free(t->ring);
	t->ring = r;
	t->cap = c;
	t->head = 0;
	return 0;
}

/* Target i's next round is due at now: start it, or note that it waits
 * for room. */
static void
start_round(struct pp_tsched *s, int i, long long now)
{
	struct target *t = &s->t[i];

	if (s->stopped || (s->o.rounds > 0 && t->started >= s->o.rounds))
		return;
	if (open_rounds(t) >= s->bound) {
		t->waiting = true;	/* drain() pushes it again */
		return;
	}
	struct pp_tsched_round *rd = NULL;
	if (ring_room(t) == -1 || (rd = round_alloc(s)) == NULL) {
		/* Again in a millisecond, late. */
		s->nomem = true;
		if (heap_push(s, now + RETRY_NS, NULL, i) == -1)
			t->waiting = true;
		return;
	}
	/* Late: by half an interval, or by 100 ms (a loop held up, or the
	 * bound's rounds in flight). */
	long long late = now - t->next_start;
	if (late >= s->o.interval / 2 || late >= 100 * RETRY_NS) {
		s->st.late++;
		if (late > s->st.late_max)
			s->st.late_max = late;
	}
	rd->n = t->started;
	rd->target = i;
	rd->where = NOWHERE;
	rd->busy = false;
	rd->complete = false;
	rd->abandoned = false;
	rd->next_ns = now;
	rd->pending = 0;
	rd->nres = 0;
	memset(rd->cell, 0, (size_t)s->o.flows * (size_t)s->nttl *
	    sizeof(*rd->cell));
	const int *dt = dest_ttl(s, i);
	const int *sn = seen(s, i);
	for (int f = 0; f < s->o.flows; f++) {
		struct flowst *fs = &rd->fl[f];
		fs->next = s->o.first_ttl;
		fs->stop = 0;
		fs->top = 0;
		fs->released = s->o.first_ttl - 1;
		fs->known = dt[f];
		/* Where the destination answered last time; else as far as
		 * the hops seen so far and max-unknown silent ones reach.  A
		 * longer path extends the limit as its hops answer. */
		if (dt[f] > 0) {
			fs->limit = dt[f];
		} else {
			int base = sn[f] > s->o.first_ttl - 1 ? sn[f] :
			    s->o.first_ttl - 1;
			fs->limit = base + reach(s);
		}
		if (fs->limit < s->o.first_ttl)
			fs->limit = s->o.first_ttl;
	}
	t->ring[(t->head + open_rounds(t)) % t->cap] = rd;
	t->started++;
	s->open++;
	s->st.started++;
	if (open_rounds(t) > s->st.open_max)
		s->st.open_max = open_rounds(t);
	requeue(s, rd);
	if (s->o.rounds > 0 && t->started >= s->o.rounds) {
		s->active--;
		return;
	}
	t->next_start = s->start + t->started * s->o.interval + t->offset;
	if (heap_push(s, t->next_start, NULL, i) == -1) {
		s->nomem = true;
		t->waiting = true;
	}
}

enum sendres { SENT, NOTHING, FULL, GONE };

/* Send rd's next probe at now. */
static enum sendres
send_next(struct pp_tsched *s, struct pp_tsched_round *rd, long long now)
{
	int f = 0;
	int ttl = next_probe(s, rd, &f);

	if (ttl == 0)
		return NOTHING;
	if (rd->nres == rd->cres) {
		int c = rd->cres > 0 ? rd->cres * 2 : 8;
		if (c > s->o.flows * s->nttl)
			c = s->o.flows * s->nttl;
		struct pp_engine_result *r = realloc(rd->res, (size_t)c *
		    sizeof(*r));
		if (r == NULL) {
			s->nomem = true;
			return FULL;
		}
		rd->res = r;
		rd->cres = c;
	}
	struct flowst *fs = &rd->fl[f];
	uint16_t *c = cell_at(s, rd, f, ttl);
	int idx = rd->nres++;
	memset(&rd->res[idx], 0, sizeof(rd->res[idx]));
	*c = (uint16_t)(idx + 1);
	fs->next++;
	rd->pending++;
	struct pp_tsched_probe p = { rd->target, rd->n, f, ttl, rd };
	rd->busy = true;
	int rc = s->h.send(s->h.arg, &p);
	rd->busy = false;
	if (rc == -1) {
		fs->next--;
		rd->pending--;
		rd->nres--;
		*c = 0;
		s->st.deferred++;
		return FULL;
	}
	if (ttl > fs->top)
		fs->top = ttl;
	s->st.sent++;
	rd->last_sent = now;
	rd->last_f = f;
	rd->last_ttl = ttl;
	rd->next_ns = now + s->o.send_delay;
	if (s->period > 0) {
		/* A token bucket RATE_BURST deep: slots a held-up loop
		 * missed are made up at once, up to that many (the rate
		 * kept over any RATE_BURST + 1 periods), never more. */
		long long floor = now - RATE_BURST * s->period;
		s->rate_next = (s->rate_next > floor ? s->rate_next : floor) +
		    s->period;
	}
	/* An outcome given at once (a probe that could not be sent) may
	 * have completed it. */
	check_complete(s, rd);
	return rd->complete ? GONE : SENT;
}

/* ------------------------------------------------------------ API */

struct pp_tsched *
pp_tsched_new(const struct pp_tsched_opts *o, const struct pp_tsched_hooks *h,
    long long start_ns, struct pp_error *err)
{
	if (o->ntargets < 1 || o->interval <= 0 || o->timeout < 0 ||
	    o->send_delay < 0 || o->rate < 0 || o->first_ttl < 1 ||
	    o->max_ttl > 255 || o->first_ttl > o->max_ttl ||
	    o->max_unknown < 1 || o->flows < 1 ||
	    o->flows > PP_TSCHED_FLOWS_MAX || o->max_inflight < 1 ||
	    o->rounds < 0) {
		pp_error_set(err, "invalid schedule settings");
		errno = EINVAL;
		return NULL;
	}
	/* Rounds whose first probe can still be waiting for its outcome
	 * when nothing answers (a cut): every one of them holds one probe
	 * per flow in flight at least. */
	double within = ceil((double)o->timeout / (double)o->interval);
	if (within < 1)
		within = 1;
	if (o->rounds > 0 && within > (double)o->rounds)
		within = (double)o->rounds;
	double need = within * o->ntargets * o->flows;
	if (o->rate > 0 && need > o->rate * (double)o->timeout / 1e9 + 1)
		need = ceil(o->rate * (double)o->timeout / 1e9) + 1;
	if (need > o->max_inflight) {
		pp_error_set(err, "%.0f round%s in flight (timeout %gs / "
		    "interval %gs) x %d target%s x %d flow%s: %.0f probes in "
		    "flight when nothing answers, %d at most", within,
		    pp_plural(within, "", "s"), (double)o->timeout / 1e9,
		    (double)o->interval / 1e9, o->ntargets,
		    pp_plural(o->ntargets, "", "s"), o->flows,
		    pp_plural(o->flows, "", "s"), need, o->max_inflight);
		errno = ENOSPC;
		return NULL;
	}
	if (o->rate > 0 && o->rounds != 1) {
		double least = (double)o->ntargets * o->flows * 1e9 /
		    (double)o->interval;
		if (least > o->rate) {
			pp_error_set(err, "a rate of %.0f probes a second "
			    "cannot send one probe per flow of %d target%s "
			    "every %gs (%.0f a second)", o->rate,
			    o->ntargets, pp_plural(o->ntargets, "", "s"),
			    (double)o->interval / 1e9, ceil(least));
			errno = EINVAL;
			return NULL;
		}
	}
	long long bound = pp_tsched_rounds_bound(o);
	if (bound > PP_TSCHED_ROUNDS_MAX) {
		pp_error_set(err, "rounds of one target in flight could be "
		    "more than %d (sends %gs, timeout %gs, interval %gs)",
		    PP_TSCHED_ROUNDS_MAX, span_ns(o) / 1e9,
		    (double)o->timeout / 1e9, (double)o->interval / 1e9);
		errno = EINVAL;
		return NULL;
	}
	struct pp_tsched *s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto nomem;
	s->o = *o;
	s->h = *h;
	s->nttl = o->max_ttl - o->first_ttl + 1;
	s->bound = bound;
	s->start = start_ns;
	s->period = o->rate > 0 ? (long long)(1e9 / o->rate) : 0;
	s->rate_next = start_ns;
	s->last_due = start_ns;
	s->active = o->ntargets;
	s->t = calloc((size_t)o->ntargets, sizeof(*s->t));
	s->learn = calloc((size_t)o->ntargets * (size_t)o->flows * 2,
	    sizeof(int));
	if (s->t == NULL || s->learn == NULL)
		goto nomem;
	for (int i = 0; i < o->ntargets; i++) {
		struct target *t = &s->t[i];
		t->offset = o->rate > 0 ? 0 : (long long)((double)o->interval *
		    i / o->ntargets);
		t->next_start = start_ns + t->offset;
		if (heap_push(s, t->next_start, NULL, i) == -1)
			goto nomem;
	}
	return s;
nomem:
	pp_tsched_free(s);
	pp_error_set(err, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static void
round_free(struct pp_tsched_round *rd)
{
	free(rd->fl);
	free(rd->cell);
	free(rd->res);
	free(rd);
}

void
pp_tsched_free(struct pp_tsched *s)
{
	if (s == NULL)
		return;
	for (int i = 0; s->t != NULL && i < s->o.ntargets; i++) {
		struct target *t = &s->t[i];
		for (long long k = 0; k < open_rounds(t); k++)
			round_free(t->ring[(t->head + k) % t->cap]);
		free(t->ring);
	}
	while (s->free_rounds != NULL) {
		struct pp_tsched_round *rd = s->free_rounds;
		s->free_rounds = rd->next_free;
		round_free(rd);
	}
	for (int k = 0; k < NTTL; k++)
		free(s->q[k].q);
	free(s->heap);
	free(s->t);
	free(s->learn);
	free(s);
}

/* With a rate: send from the TTL queues while the rate allows.  Returns
 * false when a send found no room. */
static bool
rate_sends(struct pp_tsched *s, long long now)
{
	int ttl;

	while (s->rate_next <= now && (ttl = q_lowest(s)) >= 0) {
		struct fifo *q = &s->q[ttl];
		struct qent e = q->q[q->head];
		struct pp_tsched_round *rd = e.rd;
		if (!live(rd, e.seq)) {
			q_drop_head(s, ttl);	/* stale */
			continue;
		}
		int f;
		int want = next_probe(s, rd, &f);
		if (want == 0) {
			q_drop_head(s, ttl);
			rd->where = NOWHERE;
			continue;
		}
		if (want > ttl) {
			/* Its next probe went up (a flow ended): wait in
			 * that queue. */
			q_drop_head(s, ttl);
			rd->where = NOWHERE;
			if (q_push(s, want, rd) == -1)
				s->nomem = true;
			continue;
		}
		enum sendres r = send_next(s, rd, now);
		if (r == FULL)
			return false;
		q_drop_head(s, ttl);
		if (r == GONE)
			continue;
		rd->where = NOWHERE;
		if (s->o.send_delay > 0)
			requeue(s, rd);
		else if ((want = next_probe(s, rd, &f)) > 0 &&
		    q_push(s, want, rd) == -1)
			s->nomem = true;
	}
	return true;
}

long long
pp_tsched_run(struct pp_tsched *s, long long now)
{
	bool full = false;

	s->nomem = false;
	while (s->nheap > 0 && s->heap[0].at <= now) {
		struct ev e = heap_pop(s);
		if (e.rd == NULL) {
			start_round(s, e.target, now);
			continue;
		}
		struct pp_tsched_round *rd = e.rd;
		if (!live(rd, e.seq))
			continue;	/* stale */
		rd->where = NOWHERE;
		if (s->period > 0) {
			/* Its turn comes from the rate, lowest TTL first. */
			int f;
			int ttl = next_probe(s, rd, &f);
			if (ttl > 0 && q_push(s, ttl, rd) == -1)
				s->nomem = true;
			continue;
		}
		if (full) {
			/* No room in flight: the rest waits too. */
			if (heap_push(s, now + RETRY_NS, rd, -1) == -1)
				s->nomem = true;
			continue;
		}
		enum sendres r = send_next(s, rd, now);
		if (r == FULL) {
			full = true;
			if (heap_push(s, now + RETRY_NS, rd, -1) == -1)
				s->nomem = true;
		} else if (r == SENT) {
			requeue(s, rd);
		}
	}
	if (s->period > 0 && !rate_sends(s, now))
		full = true;
	long long due = s->nheap > 0 ? s->heap[0].at : -1;
	if (s->period > 0 && q_lowest(s) >= 0) {
		long long at = full ? now + RETRY_NS : s->rate_next;
		due = due < 0 || at < due ? at : due;
	}
	if (s->nomem) {
		long long at = now + RETRY_NS;
		due = due < 0 || at < due ? at : due;
	}
	s->last_due = due;
	return due;
}

bool
pp_tsched_done(struct pp_tsched *s, void *id,
    const struct pp_engine_result *res)
{
	struct pp_tsched_round *rd = id;
	int f = (int)res->flow;
	int ttl = res->ttl;

	s->wake = false;
	if (rd == NULL || rd->complete || f < 0 || f >= s->o.flows ||
	    ttl < s->o.first_ttl || ttl > s->o.max_ttl)
		return false;
	uint16_t *c = cell_at(s, rd, f, ttl);
	if (*c == 0 || (*c & DONE) != 0)
		return false;
	rd->res[IDX(*c) - 1] = *res;
	*c |= DONE;
	rd->pending--;
	struct flowst *fs = &rd->fl[f];

	int *sn = seen(s, rd->target);
	switch (res->status) {
	case PP_ST_TTL_EXPIRED:
		if (fs->stop == 0 || ttl < fs->stop) {
			if (ttl > sn[f])
				sn[f] = ttl;
			/* Unknown length, or a path grown beyond it: go on
			 * max-unknown hops past every hop that answers. */
			if (fs->stop == 0 && (fs->known == 0 ||
			    ttl >= fs->known) && ttl + reach(s) > fs->limit)
				fs->limit = ttl + reach(s);
		}
		break;
	case PP_ST_REPLY:
	case PP_ST_UNREACHABLE:
		if (fs->stop == 0 || ttl < fs->stop)
			fs->stop = ttl;
		break;
	default:
		break;
	}
	/* Clocked by the answers: the round's latest probe answered, the
	 * next one leaves at once rather than send_delay after it (a near
	 * path is traced at the pace its hops answer, never faster). */
	if (f == rd->last_f && ttl == rd->last_ttl && (res->status ==
	    PP_ST_TTL_EXPIRED || res->status == PP_ST_REPLY || res->status ==
	    PP_ST_UNREACHABLE) && rd->next_ns > rd->last_sent)
		rd->next_ns = rd->last_sent;
	release(s, rd, f);
	requeue(s, rd);
	check_complete(s, rd);
	return s->wake;
}

void
pp_tsched_abandon(struct pp_tsched *s)
{
	pp_tsched_stop(s);
	for (int i = 0; i < s->o.ntargets; i++) {
		struct target *t = &s->t[i];
		for (long long k = 0; k < open_rounds(t); k++) {
			struct pp_tsched_round *rd = t->ring[(t->head + k) %
			    t->cap];
			if (rd->complete)
				continue;
			for (int f = 0; f < s->o.flows; f++) {
				struct flowst *fs = &rd->fl[f];
				for (int ttl = fs->released + 1; ttl < fs->next;
				    ttl++) {
					uint16_t *c = cell_at(s, rd, f, ttl);
					if (*c == 0 || (*c & GIVEN) != 0)
						continue;
					*c |= GIVEN;
					if (s->h.outcome != NULL)
						s->h.outcome(s->h.arg, i, rd->n,
						    f, ttl, NULL);
				}
			}
			rd->abandoned = rd->pending > 0 || rd->busy;
			rd->complete = true;
			rd->where = NOWHERE;
		}
		drain(s, i);
	}
	s->nheap = 0;
	for (int k = 0; k < NTTL; k++)
		s->q[k].n = 0;
	memset(s->qmask, 0, sizeof(s->qmask));
}

void
pp_tsched_stop(struct pp_tsched *s)
{
	s->stopped = true;
	s->active = 0;
	for (int i = 0; i < s->o.ntargets; i++)
		s->t[i].waiting = false;
}

bool
pp_tsched_finished(const struct pp_tsched *s)
{
	return s->active == 0 && s->open == 0;
}

const struct pp_engine_result *
pp_tsched_result(const struct pp_tsched *s, const struct pp_tsched_round *rd,
    int flow, int ttl)
{
	if (flow < 0 || flow >= s->o.flows || ttl < s->o.first_ttl ||
	    ttl > s->o.max_ttl)
		return NULL;
	const struct flowst *fs = &rd->fl[flow];
	if (ttl > (fs->stop > 0 ? fs->stop : fs->top))
		return NULL;
	uint16_t c = *cell_at(s, rd, flow, ttl);
	if ((c & DONE) == 0 || (rd->abandoned && ttl > fs->released))
		return NULL;
	return &rd->res[IDX(c) - 1];
}

bool
pp_tsched_partial(const struct pp_tsched_round *rd)
{
	return rd->abandoned;
}

void
pp_tsched_stats(const struct pp_tsched *s, struct pp_tsched_stats *st)
{
	*st = s->st;
}

int
pp_tsched_tell(struct pp_tsched_told *t, const struct pp_tsched_stats *st,
    int max_inflight, long long now, bool end, char *late, char *deferred,
    size_t size)
{
	int n = 0;

	late[0] = '\0';
	deferred[0] = '\0';
	if ((!end && now < t->next) || (st->late == t->st.late &&
	    st->deferred == t->st.deferred))
		return 0;
	if (st->late > t->st.late) {
		(void)snprintf(late, size, "%llu round%s started late so far "
		    "(the latest %.3f s after its time): the rounds a target "
		    "may have in flight (-W / -i) were all in flight",
		    st->late, pp_plural(st->late, "", "s"),
		    (double)st->late_max / 1e9);
		n++;
	}
	if (st->deferred > t->st.deferred) {
		(void)snprintf(deferred, size, "%llu probe%s waited for room "
		    "in flight so far (at most %d probes in flight): sent late",
		    st->deferred, pp_plural(st->deferred, "", "s"),
		    max_inflight);
		n++;
	}
	t->st = *st;
	t->next = now + 1000000000LL;
	return n;
}
