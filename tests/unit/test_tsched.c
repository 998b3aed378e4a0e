/* SPDX-License-Identifier: BSD-2-Clause */
/* test_tsched: pp-trace's round scheduler on a fake clock and a fake
 * network (no root, no sockets): a path per target whose hops answer
 * after an RTT, silent hops, unreachables, cuts (every probe sent during
 * them lost), an engine that holds few probes; rounds on time through
 * cuts, TTL limits learnt, flows, --rate turns, refusals. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tsched.h"
#include "tests/unit/check.h"

void test_tsched(void);

#define MS 1000000LL
#define S 1000000000LL
#define MAXLOG 20000
#define MAXANS 20000
#define MAXW 4000
#define GV 64

/* What the outcome hook gave for one round. */
struct gv {
	long long n;		/* the round, -1 none */
	int count;		/* outcomes (not NULL) */
	int last[4];		/* the highest TTL given of flows 0-3 */
	bool written;		/* the round hook had it */
};

/* A target's path. */
struct path {
	int hops;		/* the destination's TTL (it answers at and
				 * beyond it) */
	long long rtt;		/* every answer after this, ns */
	int silent_from;	/* TTLs from this on never answer (the
				 * destination neither), 0 none */
	int unreach_at;		/* an unreachable at this TTL, 0 none */
	long long cut_from;	/* probes sent in [cut_from, cut_to) lost */
	long long cut_to;
	int hops_from;		/* from round hops_round on, the path has */
	long long hops_round;	/* hops_from hops (0: never changes) */
};

struct sent {
	long long at;
	int target;
	long long round;
	int flow;
	int ttl;
};

struct ans {
	long long at;
	void *id;
	struct pp_engine_result r;
};

struct written {
	int target;
	long long n;
	int nprobes;		/* records the round would write */
	int last_ttl;		/* of flow 0 */
	enum pp_status last_status;
};

struct sim {
	struct pp_tsched *s;
	struct pp_tsched_opts o;
	const struct path *path;	/* [ntargets], or one for all */
	bool one_path;
	long long now;
	int cap;		/* the fake engine's probes in flight */
	int inflight;
	int max_inflight;
	struct sent log[MAXLOG];
	int nlog;
	struct ans ans[MAXANS];
	int nans;
	struct written w[MAXW];
	int nw;
	long long *next_n;	/* [ntargets]: the round expected next */
	bool order_ok;
	int asleep;		/* outcomes that needed no wake */
	/* The outcome hook: per (target, round % GV), what it gave. */
	struct gv *gv;		/* [ntargets * GV] */
	long long given;	/* outcomes given */
	long long dropped;	/* NULLs given */
	bool given_ok;		/* in TTL order per flow, each round's
				 * before it, exactly its records */
	bool abandon;		/* at `until`, abandon rather than stop */
	int partial;		/* rounds handed over partial */
};

static const struct path *
path_of(const struct sim *m, int target)
{
	return m->one_path ? m->path : &m->path[target];
}

static int
fake_send(void *arg, const struct pp_tsched_probe *p)
{
	struct sim *m = arg;

	if (m->inflight >= m->cap)
		return -1;
	if (m->nlog < MAXLOG)
		m->log[m->nlog++] = (struct sent){ m->now, p->target, p->round,
		    p->flow, p->ttl };
	m->inflight++;
	if (m->inflight > m->max_inflight)
		m->max_inflight = m->inflight;
	const struct path *pa = path_of(m, p->target);
	int hops = pa->hops_round > 0 && p->round >= pa->hops_round ?
	    pa->hops_from : pa->hops;
	struct ans *a = &m->ans[m->nans++];
	memset(a, 0, sizeof(*a));
	a->id = p->id;
	a->r.ttl = p->ttl;
	a->r.flow = p->flow;
	a->r.round = p->round;
	bool lost = (m->now >= pa->cut_from && m->now < pa->cut_to) ||
	    (pa->silent_from > 0 && p->ttl >= pa->silent_from);
	if (lost) {
		a->at = m->now + m->o.timeout;
		a->r.status = PP_ST_TIMEOUT;
	} else {
		a->at = m->now + pa->rtt;
		a->r.status = pa->unreach_at > 0 && p->ttl >= pa->unreach_at ?
		    PP_ST_UNREACHABLE : p->ttl >= hops ? PP_ST_REPLY :
		    PP_ST_TTL_EXPIRED;
	}
	return 0;
}

static struct gv *
gv_of(struct sim *m, int target, long long n)
{
	struct gv *g = &m->gv[(size_t)target * GV + (size_t)(n % GV)];

	if (g->n != n) {
		if (g->n >= 0 && !g->written)
			return NULL;	/* more than GV rounds open: no check */
		memset(g, 0, sizeof(*g));
		g->n = n;
	}
	return g;
}

static void
fake_outcome(void *arg, int target, long long n, int flow, int ttl,
    const struct pp_engine_result *res)
{
	struct sim *m = arg;
	struct gv *g = gv_of(m, target, n);

	if (res == NULL) {
		m->dropped++;
		return;
	}
	m->given++;
	if (res->ttl != ttl || res->flow != flow || res->round != n)
		m->given_ok = false;
	if (g == NULL)
		return;
	if (g->written)
		m->given_ok = false;
	g->count++;
	if (flow < 4) {
		if (ttl <= g->last[flow])
			m->given_ok = false;
		g->last[flow] = ttl;
	}
}

static void
fake_round(void *arg, int target, long long n,
    const struct pp_tsched_round *rd)
{
	struct sim *m = arg;
	struct written w = { target, n, 0, 0, PP_ST_TIMEOUT };
	struct gv *g = gv_of(m, target, n);

	if (m->next_n[target] != n)
		m->order_ok = false;
	m->next_n[target] = n + 1;
	for (int f = 0; f < m->o.flows; f++) {
		for (int ttl = m->o.first_ttl; ttl <= m->o.max_ttl; ttl++) {
			const struct pp_engine_result *r = pp_tsched_result(m->s,
			    rd, f, ttl);
			if (r == NULL)
				continue;
			if (r->ttl != ttl || r->flow != f || r->round != n)
				m->order_ok = false;
			w.nprobes++;
			if (f == 0) {
				w.last_ttl = ttl;
				w.last_status = r->status;
			}
		}
	}
	if (m->nw < MAXW)
		m->w[m->nw++] = w;
	m->partial += pp_tsched_partial(rd);
	if (g != NULL) {
		if (g->count != w.nprobes)
			m->given_ok = false;
		g->written = true;
	}
}

/* Run the schedule until it is finished (or until `until`, then stop it
 * and finish), answers delivered in time order. */
static void
simulate(struct sim *m, long long until)
{
	bool stopped = false;
	long long last_due = -1;

	for (int guard = 0; guard < 10000000; guard++) {
		/* Answers due now, earliest first.  An outcome that says
		 * nothing needs doing before the time run() last gave (no
		 * wake) must be right: run() then sends and writes nothing
		 * (pp-trace's loop sleeps on). */
		bool wake = false;
		int nlog = m->nlog;
		int nw = m->nw;
		for (;;) {
			int best = -1;
			for (int k = 0; k < m->nans; k++)
				if (m->ans[k].at <= m->now && (best < 0 ||
				    m->ans[k].at < m->ans[best].at))
					best = k;
			if (best < 0)
				break;
			struct ans a = m->ans[best];
			m->ans[best] = m->ans[--m->nans];
			m->inflight--;
			wake = pp_tsched_done(m->s, a.id, &a.r) || wake;
		}
		nw = m->nw > nw && !wake ? -1 : m->nw;
		if (!stopped && until > 0 && m->now >= until) {
			if (m->abandon)
				pp_tsched_abandon(m->s);
			else
				pp_tsched_stop(m->s);
			stopped = true;
		}
		bool asleep = !wake && !stopped && last_due >= 0 &&
		    m->now < last_due;
		long long due = pp_tsched_run(m->s, m->now);
		if (asleep)
			m->asleep++;
		if (asleep)
			CHECK(nw >= 0 && m->nlog == nlog && due == last_due,
			    "no wake at %lld: nothing to do before %lld (%d "
			    "sends, rounds written %d, due %lld)", m->now,
			    last_due, m->nlog - nlog, nw, due);
		last_due = due;
		if (pp_tsched_finished(m->s))
			return;
		long long next = due;
		for (int k = 0; k < m->nans; k++)
			if (next < 0 || m->ans[k].at < next)
				next = m->ans[k].at;
		if (!stopped && until > 0 && (next < 0 || until < next))
			next = until;
		CHECK(next >= m->now, "time goes forward (%lld after %lld)",
		    next, m->now);
		if (next < m->now)
			return;
		m->now = next;
	}
	CHECK(false, "the schedule never finished");
}

static void
sim_init(struct sim *m, const struct pp_tsched_opts *o,
    const struct path *path, bool one_path, int cap)
{
	memset(m, 0, sizeof(*m));
	m->o = *o;
	m->path = path;
	m->one_path = one_path;
	m->cap = cap;
	m->order_ok = true;
	m->given_ok = true;
	m->next_n = calloc((size_t)o->ntargets, sizeof(*m->next_n));
	m->gv = calloc((size_t)o->ntargets * GV, sizeof(*m->gv));
	for (size_t k = 0; m->gv != NULL && k < (size_t)o->ntargets * GV; k++)
		m->gv[k].n = -1;
	struct pp_tsched_hooks h = {
		.send = fake_send,
		.round = fake_round,
		.arg = m,
		.outcome = fake_outcome,
	};
	struct pp_error err;
	m->s = pp_tsched_new(o, &h, 0, &err);
	CHECK(m->s != NULL, "new: %s", m->s == NULL ? err.msg : "");
}

static void
sim_release(struct sim *m)
{
	/* Every probe sent had its outcome given once, or a NULL. */
	if (m->nlog < MAXLOG && pp_tsched_finished(m->s))
		CHECK(m->given + m->dropped == m->nlog && m->given_ok,
		    "outcome hook: %lld given and %lld NULL for %d sent, in "
		    "order and each round's exactly: %d", m->given, m->dropped,
		    m->nlog, m->given_ok);
	pp_tsched_free(m->s);
	free(m->next_n);
	free(m->gv);
}

static struct pp_tsched_opts
opts(int nt, long long rounds, long long iv, long long timeout,
    long long send_delay)
{
	struct pp_tsched_opts o = {
		.ntargets = nt, .rounds = rounds, .interval = iv,
		.timeout = timeout, .send_delay = send_delay, .rate = 0,
		.first_ttl = 1, .max_ttl = 30, .max_unknown = 10, .flows = 1,
		.max_inflight = 60000,
	};
	return o;
}

/* The start of each round of target 0 (its first send), [rounds]. */
static void
round_starts(const struct sim *m, long long *at, long long n)
{
	for (long long k = 0; k < n; k++)
		at[k] = -1;
	for (int k = 0; k < m->nlog; k++) {
		const struct sent *s = &m->log[k];
		if (s->target == 0 && s->round < n && at[s->round] < 0)
			at[s->round] = s->at;
	}
}

/* Rows: a schedule and a path, what must come of it. */
static void
table(void)
{
	static const struct {
		const char *name;
		long long rounds, iv, timeout, send_delay;
		int max_ttl, max_unknown, cap;
		struct path path;
		/* expected */
		int round0;	/* probes written in round 0 */
		int later;	/* probes written in each later round */
		int sent0;	/* probes sent in round 0 */
		enum pp_status last;	/* status of the last probe */
		long long in_cut;	/* rounds started in the cut, -1 no
					 * check */
	} rows[] = {
		/* A 5-hop path, 1 ms sends, answers in 0.5 ms: round 0
		 * stops at the reply before sending TTL 6. */
		{ "5 hops", 5, 1 * S, 2 * S, 1 * MS, 30, 10, 60000,
		    { 5, MS / 2, 0, 0, -1, -1, 0, 0 }, 5, 5, 5, PP_ST_REPLY,
		    -1 },
		/* Answers slower than the sends: round 0 sends up to
		 * max-unknown + 2 (12) TTLs, and one more past each router
		 * that answers before the reply comes (4); the ones past the
		 * reply are not written; later rounds send 5. */
		{ "5 hops, 20 ms away", 4, 1 * S, 2 * S, 1 * MS, 30, 10, 60000,
		    { 5, 20 * MS, 0, 0, -1, -1, 0, 0 }, 5, 5, 16, PP_ST_REPLY,
		    -1 },
		/* --send-delay 0: round 0 at once, all 12. */
		{ "send-delay 0", 2, 1 * S, 2 * S, 0, 30, 10, 60000,
		    { 5, MS / 2, 0, 0, -1, -1, 0, 0 }, 5, 5, 12, PP_ST_REPLY,
		    -1 },
		/* A silent destination: the routers (3) and max-unknown + 2
		 * (4) silent hops, every round, as mtr -U 2 sends them. */
		{ "silent destination", 3, 1 * S, 1 * S, 1 * MS, 30, 2, 60000,
		    { 6, MS / 2, 4, 0, -1, -1, 0, 0 }, 7, 7, 7, PP_ST_TIMEOUT,
		    -1 },
		/* A path longer than -m 4: TTLs 1-4, no reply. */
		{ "max ttl", 2, 1 * S, 1 * S, 1 * MS, 4, 10, 60000,
		    { 8, MS / 2, 0, 0, -1, -1, 0, 0 }, 4, 4, 4,
		    PP_ST_TTL_EXPIRED, -1 },
		/* An unreachable at hop 3 ends every round there. */
		{ "unreachable", 3, 1 * S, 1 * S, 1 * MS, 30, 10, 60000,
		    { 5, MS / 2, 0, 3, -1, -1, 0, 0 }, 3, 3, 3,
		    PP_ST_UNREACHABLE, -1 },
		/* Issue 16's cut: 2 s at -i 100ms -W 1s: the 20 rounds of
		 * the cut start on time, each a timeout. */
		{ "2 s cut, -i 100ms -W 1s", 50, 100 * MS, 1 * S, 1 * MS, 30,
		    10, 60000, { 3, MS / 2, 0, 0, 1500 * MS, 3500 * MS, 0, 0 },
		    3, 3, 3, PP_ST_REPLY, 20 },
		/* A 1 s cut at -i 50ms -W 2s: 41 rounds in flight (round
		 * 0's TTL 5 leaves before TTL 4's reply is in). */
		{ "1 s cut, -i 50ms -W 2s", 60, 50 * MS, 2 * S, 1 * MS, 30, 10,
		    60000, { 4, 2 * MS, 0, 0, 1000 * MS, 2000 * MS, 0, 0 }, 4, 4,
		    5, PP_ST_REPLY, 20 },
		/* A 3 s cut at -i 200ms -W 500ms. */
		{ "3 s cut, -i 200ms -W 500ms", 30, 200 * MS, 500 * MS, 1 * MS,
		    30, 10, 60000, { 3, MS, 0, 0, 1000 * MS, 4000 * MS, 0, 0 },
		    3, 3, 3, PP_ST_REPLY, 15 },
		/* A path that grows from round 2: later rounds go on past
		 * the old destination. */
		{ "path grows", 4, 1 * S, 1 * S, 1 * MS, 30, 10, 60000,
		    { 3, MS / 2, 0, 0, -1, -1, 5, 2 }, 3, -1, 3, PP_ST_REPLY,
		    -1 },
		/* An engine holding 2 probes: sends wait, every round is
		 * still complete. */
		{ "engine full", 3, 1 * S, 1 * S, 0, 30, 10, 2,
		    { 5, 10 * MS, 0, 0, -1, -1, 0, 0 }, 5, 5, -1, PP_ST_REPLY,
		    -1 },
	};

	int asleep = 0;
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct pp_tsched_opts o = opts(1, rows[k].rounds, rows[k].iv,
		    rows[k].timeout, rows[k].send_delay);
		o.max_ttl = rows[k].max_ttl;
		o.max_unknown = rows[k].max_unknown;
		o.max_inflight = 60000;
		struct sim *m = calloc(1, sizeof(*m));
		sim_init(m, &o, &rows[k].path, true, rows[k].cap);
		if (m->s == NULL) {
			free(m);
			continue;
		}
		simulate(m, 0);
		const char *nm = rows[k].name;
		CHECK(m->nw == rows[k].rounds && m->order_ok, "%s: %d of %lld "
		    "rounds written, in order: %d", nm, m->nw, rows[k].rounds,
		    m->order_ok);
		CHECK(m->inflight == 0 && m->nans == 0, "%s: nothing left in "
		    "flight", nm);
		asleep += m->asleep;
		CHECK(m->max_inflight <= m->cap, "%s: at most %d in flight "
		    "(%d)", nm, m->cap, m->max_inflight);
		if (m->nw > 0)
			CHECK(m->w[0].nprobes == rows[k].round0, "%s: round 0 "
			    "wrote %d, want %d", nm, m->w[0].nprobes,
			    rows[k].round0);
		int sent0 = 0;
		for (int j = 0; j < m->nlog; j++)
			sent0 += m->log[j].round == 0;
		if (rows[k].sent0 >= 0)
			CHECK(sent0 == rows[k].sent0, "%s: round 0 sent %d, want "
			    "%d", nm, sent0, rows[k].sent0);
		for (int j = 1; j < m->nw && rows[k].later >= 0; j++) {
			bool cut = rows[k].in_cut >= 0;
			if (!cut || m->w[j].last_status == PP_ST_REPLY)
				CHECK(m->w[j].nprobes == rows[k].later,
				    "%s: round %lld wrote %d, want %d", nm,
				    m->w[j].n, m->w[j].nprobes,
				    rows[k].later);
		}
		if (m->nw > 0 && rows[k].in_cut < 0)
			CHECK(m->w[m->nw - 1].last_status == rows[k].last,
			    "%s: last status %d, want %d", nm,
			    m->w[m->nw - 1].last_status, rows[k].last);
		/* Every round starts on its time: n * interval, to the
		 * nanosecond on a fake clock. */
		long long *at = calloc((size_t)rows[k].rounds, sizeof(*at));
		round_starts(m, at, rows[k].rounds);
		long long worst = 0;
		long long in_cut = 0;
		for (long long n = 0; n < rows[k].rounds; n++) {
			long long d = at[n] - n * rows[k].iv;
			if (at[n] < 0 || d < 0)
				d = LLONG_MAX;
			if (d > worst)
				worst = d;
			if (at[n] >= rows[k].path.cut_from &&
			    at[n] < rows[k].path.cut_to)
				in_cut++;
		}
		long long slack = rows[k].cap < 60000 ? rows[k].iv : 0;
		CHECK(worst <= slack, "%s: a round started %lld ns after its "
		    "time", nm, worst);
		if (rows[k].in_cut >= 0)
			CHECK(in_cut == rows[k].in_cut, "%s: %lld rounds started "
			    "in the cut, want %lld", nm, in_cut,
			    rows[k].in_cut);
		struct pp_tsched_stats st;
		pp_tsched_stats(m->s, &st);
		CHECK(st.late == 0 && st.open_max <=
		    pp_tsched_rounds_bound(&o), "%s: %llu late, %lld rounds "
		    "in flight at most (bound %lld)", nm, st.late, st.open_max,
		    pp_tsched_rounds_bound(&o));
		CHECK((st.deferred > 0) == (rows[k].cap < 60000), "%s: %llu "
		    "sends deferred", nm, st.deferred);
		CHECK(st.sent == (unsigned long long)m->nlog && st.written ==
		    (long long)m->nw, "%s: stats count sends and rounds", nm);
		free(at);
		sim_release(m);
		free(m);
	}
	CHECK(asleep > 100, "outcomes that needed no wake: %d (the check "
	    "above was made)", asleep);
}

/* A cut keeps the rounds of the cut in flight together: the bound is
 * reached, never passed, and nothing starts late. */
static void
cut_bound(void)
{
	struct pp_tsched_opts o = opts(1, 40, 100 * MS, 1 * S, 1 * MS);
	struct path p = { 3, MS, 0, 0, 500 * MS, 2500 * MS, 0, 0 };
	struct sim *m = calloc(1, sizeof(*m));

	sim_init(m, &o, &p, true, 60000);
	simulate(m, 0);
	struct pp_tsched_stats st;
	pp_tsched_stats(m->s, &st);
	long long bound = pp_tsched_rounds_bound(&o);
	CHECK(bound == 12, "bound -i 100ms -W 1s: %lld rounds", bound);
	CHECK(st.open_max >= 10 && st.open_max <= bound && st.late == 0,
	    "a cut: %lld rounds in flight at most, %llu late", st.open_max,
	    st.late);
	/* The rounds of the cut are timeouts, written whole. */
	int timeouts = 0;
	for (int k = 0; k < m->nw; k++)
		timeouts += m->w[k].last_status == PP_ST_TIMEOUT &&
		    m->w[k].nprobes == 3;
	CHECK(timeouts == 20, "%d rounds of 3 timeouts, want 20", timeouts);
	sim_release(m);
	free(m);
}

/* --rate: the lowest TTL over every target first, in turn among equals,
 * one send per period. */
static void
rate_turns(void)
{
	struct pp_tsched_opts o = opts(3, 1, 1 * S, 1 * S, 0);
	struct path p = { 3, 50 * MS, 0, 0, -1, -1, 0, 0 };
	struct sim *m = calloc(1, sizeof(*m));

	o.rate = 1000;
	o.max_unknown = 2;
	sim_init(m, &o, &p, true, 60000);
	simulate(m, 0);
	/* Answers take 50 ms, so TTLs 1 and 2 (max-unknown 2) go out
	 * first over the three targets, then 3 and 4 as TTL 1 and 2
	 * answer. */
	static const int want[][2] = {	/* target, ttl */
		{ 0, 1 }, { 1, 1 }, { 2, 1 }, { 0, 2 }, { 1, 2 }, { 2, 2 },
	};
	bool ok = m->nlog >= 6;
	for (int k = 0; ok && k < 6; k++)
		ok = m->log[k].target == want[k][0] && m->log[k].ttl ==
		    want[k][1] && m->log[k].at == k * MS;
	CHECK(ok, "rate: the first six sends TTL 1 of each target, then "
	    "TTL 2, 1 ms apart");
	/* A token bucket 4 deep: sends i..j (j - i + 1 of them) never more
	 * than 5 + their span in periods. */
	bool bucket = true;
	for (int i = 0; i < m->nlog; i++)
		for (int j = i; j < m->nlog; j++)
			bucket = bucket && j - i + 1 <= 5 + (m->log[j].at -
			    m->log[i].at) / MS;
	CHECK(bucket, "rate: never more than a bucket of 5 ahead");
	CHECK(m->nw == 3, "rate: three rounds written (%d)", m->nw);
	for (int k = 0; k < m->nw; k++)
		CHECK(m->w[k].nprobes == 3 && m->w[k].last_status ==
		    PP_ST_REPLY, "rate: target %d's path", m->w[k].target);
	sim_release(m);
	free(m);

	/* Targets whose TTL 1 is ready later still come before anyone's
	 * TTL 2: 50 targets, rate 100 (10 ms apart), answers in 1 ms. */
	o = opts(50, 1, 1 * S, 1 * S, 0);
	o.rate = 100;
	o.max_unknown = 1;
	p.rtt = MS;
	m = calloc(1, sizeof(*m));
	sim_init(m, &o, &p, true, 60000);
	simulate(m, 0);
	int first2 = -1;
	int last1 = -1;
	for (int k = 0; k < m->nlog; k++) {
		if (m->log[k].ttl == 1)
			last1 = k;
		if (m->log[k].ttl == 2 && first2 < 0)
			first2 = k;
	}
	CHECK(last1 == 49 && first2 == 50, "rate: every TTL 1 (last at %d) "
	    "before any TTL 2 (first at %d)", last1, first2);
	CHECK(m->nw == 50 && m->nlog == 150, "rate: 50 paths of 3 (%d "
	    "rounds, %d sends)", m->nw, m->nlog);
	sim_release(m);
	free(m);
}

/* --rate after a held-up loop: the missed slots are made up at once, four
 * at most, the average kept. */
static void
rate_catch_up(void)
{
	struct pp_tsched_opts o = opts(1, 1, 1 * S, 1 * S, 0);
	struct path p = { 30, 1 * S, 0, 0, -1, -1, 0, 0 };
	struct sim *m = calloc(1, sizeof(*m));
	static const struct {
		long long at;	/* run() called then, ns */
		int sent;	/* sends so far */
	} steps[] = {
		{ 0, 1 }, { MS, 2 }, { 5 * MS + MS / 2, 6 }, { 6 * MS, 7 },
		{ 20 * MS, 12 }, { 21 * MS, 13 }, { 21 * MS + MS / 2, 13 },
	};

	o.rate = 1000;
	o.max_unknown = 30;
	sim_init(m, &o, &p, true, 60000);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		m->now = steps[k].at;
		(void)pp_tsched_run(m->s, m->now);
		CHECK(m->nlog == steps[k].sent, "catch-up: %d sent by %lld ns, "
		    "want %d", m->nlog, steps[k].at, steps[k].sent);
	}
	sim_release(m);
	free(m);
}

/* Flows: a round sends TTL-major over its flows; each flow's records. */
static void
flows(void)
{
	struct pp_tsched_opts o = opts(1, 2, 1 * S, 1 * S, 1 * MS);
	struct path p = { 3, 5 * MS, 0, 0, -1, -1, 0, 0 };
	struct sim *m = calloc(1, sizeof(*m));

	o.flows = 4;
	o.max_unknown = 2;
	sim_init(m, &o, &p, true, 60000);
	simulate(m, 0);
	/* Round 0: TTL 1 of flows 0-3, then TTL 2 of each, 1 ms apart. */
	bool ok = m->nlog >= 8;
	for (int k = 0; ok && k < 8; k++)
		ok = m->log[k].flow == k % 4 && m->log[k].ttl == 1 + k / 4 &&
		    m->log[k].at == k * MS;
	CHECK(ok, "flows: TTL-major order over the flows");
	CHECK(m->nw == 2 && m->w[0].nprobes == 12 && m->w[1].nprobes == 12,
	    "flows: 4 flows x 3 hops a round (%d rounds, %d, %d)", m->nw,
	    m->nw > 0 ? m->w[0].nprobes : -1, m->nw > 1 ? m->w[1].nprobes :
	    -1);
	sim_release(m);
	free(m);
}

/* Sends clocked by the answers: a probe leaves when the one before it
 * is answered, if that is sooner than --send-delay, never sooner. */
static void
clocked(void)
{
	static const struct {
		long long rtt;
		long long at[5];	/* the sends of round 0, ns */
	} rows[] = {
		{ 100000, { 0, 100000, 200000, 300000, 400000 } },
		{ 2 * MS, { 0, MS, 2 * MS, 3 * MS, 4 * MS } },
		{ MS, { 0, MS, 2 * MS, 3 * MS, 4 * MS } },
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct pp_tsched_opts o = opts(1, 2, 1 * S, 1 * S, 1 * MS);
		struct path p = { 5, rows[k].rtt, 0, 0, -1, -1, 0, 0 };
		struct sim *m = calloc(1, sizeof(*m));
		sim_init(m, &o, &p, true, 60000);
		simulate(m, 0);
		bool ok = m->nlog >= 5;
		for (int j = 0; ok && j < 5; j++)
			ok = m->log[j].ttl == j + 1 && m->log[j].at ==
			    rows[k].at[j];
		CHECK(ok, "clocked, rtt %lld ns: sends at %lld %lld %lld "
		    "%lld %lld", rows[k].rtt, m->log[0].at, m->log[1].at,
		    m->log[2].at, m->log[3].at, m->log[4].at);
		CHECK(m->nw == 2 && m->w[0].nprobes == 5 && m->w[1].nprobes ==
		    5, "clocked: two rounds of 5");
		/* Round 1 too. */
		for (int j = 0; j < m->nlog; j++)
			if (m->log[j].round == 1)
				CHECK(m->log[j].at == S + rows[k].at[
				    m->log[j].ttl - 1], "clocked: round 1 TTL "
				    "%d at %lld", m->log[j].ttl, m->log[j].at);
		sim_release(m);
		free(m);
	}
}

/* Targets spread over the interval; several targets' rounds in order;
 * stop: no new round, the ones in flight finish. */
static void
targets_and_stop(void)
{
	struct pp_tsched_opts o = opts(4, 0, 1 * S, 1 * S, 1 * MS);
	struct path p[4] = {
		{ 2, MS, 0, 0, -1, -1, 0, 0 }, { 3, 300 * MS, 0, 0, -1, -1, 0,
		    0 }, { 4, MS, 0, 0, -1, -1, 0, 0 }, { 5, 2 * MS, 0, 0, -1,
		    -1, 0, 0 },
	};
	struct sim *m = calloc(1, sizeof(*m));

	sim_init(m, &o, p, false, 60000);
	/* Stopped at 2.6 s: rounds 0-2 of targets 0-2 have started
	 * (target 3's third at 2.75 s: not); target 1's third, 300 ms
	 * away, is finished after the stop. */
	simulate(m, 2600 * MS);
	int per[4] = { 0 };
	for (int k = 0; k < m->nw; k++)
		per[m->w[k].target]++;
	CHECK(per[0] == 3 && per[1] == 3 && per[2] == 3 && per[3] == 2,
	    "stop: rounds per target %d %d %d %d", per[0], per[1], per[2],
	    per[3]);
	CHECK(m->order_ok, "stop: rounds in order");
	for (int k = 0; k < m->nlog; k++) {
		long long want = m->log[k].round * S + m->log[k].target * S / 4;
		if (m->log[k].ttl == 1)
			CHECK(m->log[k].at == want, "target %d round %lld "
			    "starts at %lld, want %lld", m->log[k].target,
			    m->log[k].round, m->log[k].at, want);
	}
	sim_release(m);
	free(m);
}

/* A limit that must exist is refused at the start, with the figures. */
static void
refusals(void)
{
	static const struct {
		int nt, flows;
		long long rounds, iv, timeout;
		double rate;
		bool ok;
		const char *says;
	} rows[] = {
		{ 1, 1, 0, 100 * MS, 1 * S, 0, true, NULL },
		{ 1000, 1, 0, 1 * S, 2 * S, 0, true, NULL },
		{ 1, 1, 0, 10 * MS, 3600 * S, 0, false, "360000 rounds in "
		    "flight (timeout 3600s / interval 0.01s) x 1 target x 1 "
		    "flow: 360000 probes in flight when nothing answers, 60000 "
		    "at most" },
		{ 100000, 1, 1, 1 * S, 2 * S, 0, false, ": 100000 probes" },
		{ 100000, 1, 1, 1 * S, 2 * S, 2000, true, NULL },
		{ 1000, 64, 0, 1 * S, 2 * S, 0, false, "x 64 flows: 128000" },
		{ 1000, 1, 0, 1 * S, 2 * S, 100, false, "a rate of 100 probes "
		    "a second cannot send one probe per flow of 1000 targets" },
		{ 1000, 1, 1, 1 * S, 2 * S, 100, true, NULL },
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct pp_tsched_opts o = opts(rows[k].nt, rows[k].rounds,
		    rows[k].iv, rows[k].timeout, 1 * MS);
		o.flows = rows[k].flows;
		o.rate = rows[k].rate;
		struct pp_tsched_hooks h = {
			.send = fake_send,
			.round = fake_round,
		};
		struct pp_error err;
		err.msg[0] = '\0';
		struct pp_tsched *s = pp_tsched_new(&o, &h, 0, &err);
		CHECK((s != NULL) == rows[k].ok, "refusal row %zu: %s", k,
		    err.msg);
		CHECK(strlen(err.msg) < sizeof(err.msg) - 1, "row %zu: the "
		    "message fits: %s", k, err.msg);
		if (rows[k].says != NULL)
			CHECK(strstr(err.msg, rows[k].says) != NULL, "row %zu "
			    "says \"%s\": %s", k, rows[k].says, err.msg);
		pp_tsched_free(s);
	}
	/* The figures the man page states. */
	struct pp_tsched_opts o = opts(1, 0, 1 * S, 2 * S, 1 * MS);
	CHECK(pp_tsched_rounds_bound(&o) == 4, "default bound: %lld",
	    pp_tsched_rounds_bound(&o));
	o.rounds = 1;
	CHECK(pp_tsched_rounds_bound(&o) == 1, "-c 1: one round");
	o.rounds = 0;
	CHECK(pp_tsched_round_bytes(&o) < 12000, "a 30-TTL round: %zu bytes",
	    pp_tsched_round_bytes(&o));
}

/* q on the live screen: the rounds in flight handed over at once as they
 * stand, the probes without an outcome given as NULL, nothing after. */
static void
abandon(void)
{
	struct pp_tsched_opts o = opts(1, 0, 100 * MS, 2 * S, 1 * MS);
	/* 5 hops, 20 ms away; every probe sent in [300, 900) ms lost (each
	 * waits 2 s for its timeout). */
	struct path pa = { 5, 20 * MS, 0, 0, 300 * MS, 900 * MS, 0, 0 };
	static struct sim m;

	sim_init(&m, &o, &pa, true, 60000);
	m.abandon = true;
	simulate(&m, 1500 * MS);
	CHECK(pp_tsched_finished(m.s), "abandon: finished at once");
	CHECK(m.now == 1500 * MS, "abandon: at %lld, not after the timeouts",
	    m.now);
	/* Rounds 0-2 whole, 3-8 waiting for their lost probes, 9-14 whole
	 * but behind them: all handed over, in order, 3-8 partial. */
	CHECK(m.nw == 15 && m.order_ok, "abandon: %d rounds handed over, in "
	    "order %d", m.nw, m.order_ok);
	CHECK(m.partial == 6, "abandon: %d partial rounds, 6 expected",
	    m.partial);
	CHECK(m.dropped > 0 && m.given + m.dropped == m.nlog && m.given_ok,
	    "abandon: %lld given, %lld NULL, %d sent (%d)", m.given,
	    m.dropped, m.nlog, m.given_ok);
	long long before = m.given + m.dropped;
	/* An outcome coming later is ignored. */
	for (int k = 0; k < m.nans; k++)
		CHECK(!pp_tsched_done(m.s, m.ans[k].id, &m.ans[k].r) &&
		    m.given + m.dropped == before, "abandon: a late outcome "
		    "ignored");
	sim_release(&m);
}

/* pp_tsched_tell: a line for what is new, at most once a second (at the
 * end, at once), each kind only when it grew. */
static void
tell(void)
{
	static const struct {
		unsigned long long late;	/* the stats so far */
		long long late_max;
		unsigned long long deferred;
		long long now;
		bool end;
		int n;			/* lines */
		const char *late_want;	/* "" none */
		const char *deferred_want;
	} steps[] = {
		/* Nothing yet: nothing said. */
		{ 0, 0, 0, 0, false, 0, "", "" },
		{ 1, 250 * MS, 0, 100 * MS, false, 1, "1 round started late "
		    "so far (the latest 0.250 s after its time): the rounds a "
		    "target may have in flight (-W / -i) were all in flight",
		    "" },
		/* Within the second: kept for later. */
		{ 3, 1500 * MS, 2, 600 * MS, false, 0, "", "" },
		{ 3, 1500 * MS, 2, 1100 * MS, false, 2, "3 rounds started "
		    "late so far (the latest 1.500 s after its time): the "
		    "rounds a target may have in flight (-W / -i) were all in "
		    "flight", "2 probes waited for room in flight so far (at "
		    "most 7 probes in flight): sent late" },
		/* Only what grew. */
		{ 3, 1500 * MS, 3, 2200 * MS, false, 1, "", "3 probes waited "
		    "for room in flight so far (at most 7 probes in flight): "
		    "sent late" },
		/* Nothing new, the second over: nothing. */
		{ 3, 1500 * MS, 3, 4000 * MS, false, 0, "", "" },
		{ 4, 1500 * MS, 3, 4050 * MS, false, 1, "4 rounds started late "
		    "so far (the latest 1.500 s after its time): the rounds a "
		    "target may have in flight (-W / -i) were all in flight",
		    "" },
		/* The end: at once, within the second. */
		{ 5, 1500 * MS, 3, 4100 * MS, false, 0, "", "" },
		{ 5, 1500 * MS, 3, 4200 * MS, true, 1, "5 rounds started late "
		    "so far (the latest 1.500 s after its time): the rounds a "
		    "target may have in flight (-W / -i) were all in flight",
		    "" },
		{ 5, 1500 * MS, 3, 4300 * MS, true, 0, "", "" },
	};
	struct pp_tsched_told t;
	char late[256];
	char deferred[256];

	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct pp_tsched_stats st = {
			.late = steps[i].late,
			.late_max = steps[i].late_max,
			.deferred = steps[i].deferred,
		};
		int n = pp_tsched_tell(&t, &st, 7, steps[i].now, steps[i].end,
		    late, deferred, sizeof(late));
		CHECK(n == steps[i].n && strcmp(late, steps[i].late_want) == 0 &&
		    strcmp(deferred, steps[i].deferred_want) == 0,
		    "tell step %zu: %d lines \"%s\" \"%s\", want %d \"%s\" "
		    "\"%s\"", i, n, late, deferred, steps[i].n,
		    steps[i].late_want, steps[i].deferred_want);
	}
}

void
test_tsched(void)
{
	table();
	cut_bound();
	rate_turns();
	rate_catch_up();
	flows();
	clocked();
	targets_and_stop();
	refusals();
	abandon();
	tell();
}
