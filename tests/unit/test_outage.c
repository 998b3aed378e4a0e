/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "lib/outage.h"
#include "tests/unit/check.h"

void test_outage(void);

#define MAXEV 16

struct log {
	int n;
	struct pp_outage_event e[MAXEV];
};

static void
note(void *arg, const struct pp_outage_event *e)
{
	struct log *l = arg;

	if (l->n < MAXEV)
		l->e[l->n] = *e;
	l->n++;
}

/* Probes every step s from t0, '.' lost, 'A' answered; then the end of
 * input unless open. */
static void
feed(struct pp_outage *o, struct log *l, double t0, double step,
    const char *pat, bool finish)
{
	for (int i = 0; pat[i] != '\0'; i++)
		pp_outage_probe(o, t0 + step * i, pat[i] == '.', note, l);
	if (finish)
		pp_outage_finish(o, note, l);
}

/* The END events of l, in order. */
static const struct pp_outage_event *
end_ev(const struct log *l, int k)
{
	for (int i = 0; i < l->n && i < MAXEV; i++)
		if (l->e[i].kind == PP_OUTAGE_END && k-- == 0)
			return &l->e[i];
	return NULL;
}

static int
ends(const struct log *l)
{
	int k = 0;

	for (int i = 0; i < l->n && i < MAXEV; i++)
		k += l->e[i].kind == PP_OUTAGE_END;
	return k;
}

/* A pattern of n probes: answered but for [from, to). */
static void
cut(char *buf, int n, int from, int to)
{
	for (int i = 0; i < n; i++)
		buf[i] = i >= from && i < to ? '.' : 'A';
	buf[n] = '\0';
}

void
test_outage(void)
{
	struct pp_outage o;
	struct log l;
	char pat[256];
	const struct pp_outage_event *e;

	/* O-01: issue 17's run: 60 probes every 0.1 s through a 2 s cut
	 * (probes 10..29 lost), the input ending 3 s after it.  The old
	 * rule (loss since the start >= L) kept it open to the end (3.8 s,
	 * ongoing).  Now, L 30 %, S 1.5 s: it starts at probe 10 (1.0 s),
	 * the answer at 3.0 s begins a recovery whose next 1.5 s lose 0 %:
	 * it ends there.  2.0 s, 20 sent, 0 answered, ended. */
	pp_outage_init(&o, 30, 1.5);
	memset(&l, 0, sizeof(l));
	cut(pat, 60, 10, 30);
	feed(&o, &l, 100, 0.1, pat, true);
	CHECK(ends(&l) == 1, "O-01 one outage: %d", ends(&l));
	CHECK(!end_ev(&l, 0)->brief, "O-01 not brief");
	e = end_ev(&l, 0);
	CHECK(e != NULL && fabs(e->start - 101.0) < 1e-9 &&
	    fabs(e->end - 103.0) < 1e-9 && e->sent == 20 && e->recv == 0 &&
	    !e->ongoing, "O-01 2.0 s, ended");
	CHECK(l.n == 2 && l.e[0].kind == PP_OUTAGE_BEGIN &&
	    fabs(l.e[0].now - 102.5) < 1e-9, "O-01 BEGIN once S had passed "
	    "(at 2.5 s)");
	/* With S = 3 s the same cut is no outage (2.0 s < 3 s): no BEGIN,
	 * only a brief END (for a caller that raised on its own). */
	pp_outage_release(&o);
	pp_outage_init(&o, 30, 3);
	memset(&l, 0, sizeof(l));
	feed(&o, &l, 100, 0.1, pat, true);
	CHECK(l.n == 1 && l.e[0].kind == PP_OUTAGE_END && l.e[0].brief,
	    "O-01 shorter than S: brief");
	CHECK(!end_ev(&l, 0)->brief || l.n == 1, "O-01 brief only");
	pp_outage_release(&o);

	/* O-02: the input ends 0.2 s into the recovery (probes 30, 31
	 * answered): it held as far as the input went: ended at 3.0 s, not
	 * ongoing.  Ending inside the cut: ongoing, to the last probe. */
	pp_outage_init(&o, 30, 1.5);
	memset(&l, 0, sizeof(l));
	cut(pat, 32, 10, 30);
	feed(&o, &l, 100, 0.1, pat, true);
	e = end_ev(&l, 0);
	CHECK(ends(&l) == 1 && e != NULL && !e->ongoing &&
	    fabs(e->end - 103.0) < 1e-9, "O-02 ended by a recovery the input "
	    "cut short");
	memset(&l, 0, sizeof(l));
	cut(pat, 30, 10, 30);
	feed(&o, &l, 200, 0.1, pat, true);
	e = end_ev(&l, 0);
	CHECK(ends(&l) == 1 && e != NULL && e->ongoing &&
	    fabs(e->start - 201.0) < 1e-9 && fabs(e->end - 202.9) < 1e-9 &&
	    e->sent == 20, "O-02 ongoing to its last probe");
	pp_outage_release(&o);

	/* O-03: a stray loss 1.5 s before a 4 s cut (L 30 %, S 3 s): at
	 * 2.8 s the last 3 s (probes 0..28: -0.2 .. 2.8) lose 10 of 29
	 * (34 % >= 30 %).  Excess from probe 20 (2.0 s): 9 x 0.7 = 6.3;
	 * from probe 5 (0.5 s): 0.7 - 14 x 0.3 + 6.3 = 2.8.  It starts at
	 * 2.0 s, not 0.5 s, and ends at 6.0 s: 4.0 s. */
	pp_outage_init(&o, 30, 3);
	memset(&l, 0, sizeof(l));
	cut(pat, 100, 20, 60);
	pat[5] = '.';
	feed(&o, &l, 100, 0.1, pat, true);
	e = end_ev(&l, 0);
	CHECK(ends(&l) == 1 && e != NULL && fabs(e->start - 102.0) < 1e-9 &&
	    fabs(e->end - 106.0) < 1e-9 && e->sent == 40,
	    "O-03 start at the cut, not the stray loss");
	pp_outage_release(&o);

	/* O-04: S = 0, L = 100: the runs of lost probes, each from its
	 * first loss to the next answer: A..A.A -> [1, 3) and [4, 5). */
	pp_outage_init(&o, 100, 0);
	memset(&l, 0, sizeof(l));
	feed(&o, &l, 0, 1, "A..A.A", true);
	CHECK(ends(&l) == 2, "O-04 two runs: %d", ends(&l));
	e = end_ev(&l, 0);
	CHECK(e != NULL && e->start == 1 && e->end == 3 && e->sent == 2,
	    "O-04 first run");
	e = end_ev(&l, 1);
	CHECK(e != NULL && e->start == 4 && e->end == 5 && e->sent == 1,
	    "O-04 second run");
	pp_outage_release(&o);

	/* O-05: a recovery that does not hold: every 1 s, L 50 %, S 4 s:
	 * ....A.A..AAAAAAA: from the first loss (0 s); the answer at 4 s
	 * has 4..7 next (A.A.: 50 %, not below): no; 6 s: 6..9 (A..A:
	 * 50 %): no; 9 s: 9..12 all answered: it ends at 9 s.  9 s long,
	 * 9 probes of which 2 answered. */
	pp_outage_init(&o, 50, 4);
	memset(&l, 0, sizeof(l));
	feed(&o, &l, 0, 1, "....A.A..AAAAAAA", true);
	e = end_ev(&l, 0);
	CHECK(ends(&l) == 1 && e != NULL && e->start == 0 && e->end == 9 &&
	    e->sent == 9 && e->recv == 2 && !e->ongoing,
	    "O-05 ends where the recovery holds");
	pp_outage_release(&o);

	/* O-06: finish readies the detector for more (a new destination):
	 * a second input gives its own outage. */
	pp_outage_init(&o, 100, 0);
	memset(&l, 0, sizeof(l));
	feed(&o, &l, 0, 1, "A.", true);
	feed(&o, &l, 10, 1, "..A", true);
	CHECK(ends(&l) == 2 && end_ev(&l, 0)->ongoing &&
	    !end_ev(&l, 1)->ongoing && end_ev(&l, 1)->start == 10,
	    "O-06 two inputs");
	pp_outage_release(&o);

	/* O-07: a cut read as a rate limit.  pp-probe every 0.2 s: 7
	 * answers (a 1 s bucket's burst of 6 and one more), probes 7..26
	 * lost (a 4 s cut), 20 answers.  From probe 9 the recogniser takes
	 * the cut for a 1 s limit, explaining 4 losses in 5: they used to
	 * be taken for answers and there was no outage at all (S 3 s, and
	 * none even at S 1 s).  Left out, not answered: 4.0 s from probe 7
	 * to the first answer, all 20 lost probes in its sent. */
	for (int k = 0; k < 2; k++) {
		struct pp_ratelimit rl;
		int n = k == 0 ? 47 : 27;	/* ended; cut at the end */
		pp_ratelimit_init(&rl);
		pp_outage_init(&o, 30, 3);
		memset(&l, 0, sizeof(l));
		cut(pat, n, 7, 27);
		for (int i = 0; pat[i] != '\0'; i++)
			pp_outage_dest_probe(&o, &rl, 100 + 0.2 * i,
			    pat[i] == 'A', note, &l);
		pp_outage_finish(&o, note, &l);
		e = end_ev(&l, 0);
		CHECK(ends(&l) == 1 && e != NULL && !e->brief &&
		    fabs(e->start - 101.4) < 1e-9 && e->sent == 20 &&
		    e->recv == 0, "O-07 the cut is an outage (%d, %s): %d "
		    "ends, sent %llu", k, k == 0 ? "ended" : "ongoing",
		    ends(&l), e != NULL ? (unsigned long long)e->sent : 0ULL);
		CHECK(e != NULL && (k == 0 ? !e->ongoing &&
		    fabs(e->end - 105.4) < 1e-9 : e->ongoing &&
		    fabs(e->end - 105.2) < 1e-9), "O-07 its end (%d): %.3f",
		    k, e != NULL ? e->end : NAN);
		pp_outage_release(&o);
	}

	/* O-08: a destination that does rate-limit (a UDP trace's port
	 * unreachables: burst of 6, one a second) probed every 0.2 s for
	 * 10 s, nothing lost on the way.  The losses after the burst wait
	 * for the limit to be seen refilling (the answer at 1.2 s), and
	 * are then left out: no outage even at S = 0.5 s (waiting for
	 * nothing, the first second's losses made one of 0.6 s). */
	{
		struct pp_ratelimit rl;
		double tokens = 6, last = 0;
		int n_out = 0;
		pp_ratelimit_init(&rl);
		pp_outage_init(&o, 30, 0.5);
		memset(&l, 0, sizeof(l));
		for (int i = 0; i < 50; i++) {
			double t = 0.2 * i;
			tokens = fmin(6, tokens + (t - last));
			last = t;
			bool ans = tokens >= 1 - 1e-9;
			if (ans)
				tokens -= 1;
			pp_outage_dest_probe(&o, &rl, 100 + t, ans, note, &l);
		}
		pp_outage_finish(&o, note, &l);
		for (int i = 0; i < l.n && i < MAXEV; i++)
			n_out += l.e[i].kind == PP_OUTAGE_END && !l.e[i].brief;
		CHECK(n_out == 0, "O-08 a limit's losses are no outage: %d",
		    n_out);
		pp_outage_release(&o);
	}

	/* O-09: BEGIN counts the outage's probes so far as its END counts
	 * them, up to the answer whose recovery is being checked (not
	 * included): it used to count that answer and the probes after it,
	 * so a raise said more probes than its clear (pp-plot's small
	 * fixture: '1 of 2 probes lost', then '1 of 1').  (a) every 10 s,
	 * L 30 %, S 3 s: A.A, the answer at 20 s is sure only to end it;
	 * (b) O-05's run: BEGIN at the answer at 4 s, with the 4 losses
	 * before it (it counted 5, 1 answered). */
	{
		static const struct {
			double step, loss, min;
			const char *pat;
			uint64_t sent, recv;	/* BEGIN's */
		} c[] = {
			{ 10, 30, 3, "A.A", 1, 0 },
			{ 1, 50, 4, "....A.A..AAAAAAA", 4, 0 },
		};
		for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
			const struct pp_outage_event *b = NULL;
			pp_outage_init(&o, c[k].loss, c[k].min);
			memset(&l, 0, sizeof(l));
			feed(&o, &l, 0, c[k].step, c[k].pat, true);
			for (int i = 0; i < l.n && i < MAXEV; i++)
				if (l.e[i].kind == PP_OUTAGE_BEGIN && b == NULL)
					b = &l.e[i];
			e = end_ev(&l, 0);
			CHECK(b != NULL && e != NULL && b->sent == c[k].sent &&
			    b->recv == c[k].recv && b->sent <= e->sent &&
			    b->recv <= e->recv && b->sent - b->recv <=
			    e->sent - e->recv, "O-09 BEGIN's counts (%zu): "
			    "%llu sent %llu answered, END's %llu %llu", k,
			    b != NULL ? (unsigned long long)b->sent : 0ULL,
			    b != NULL ? (unsigned long long)b->recv : 0ULL,
			    e != NULL ? (unsigned long long)e->sent : 0ULL,
			    e != NULL ? (unsigned long long)e->recv : 0ULL);
			pp_outage_release(&o);
		}
	}

	/* Which probes are the path's. */
	int d = 0;
	CHECK(pp_outage_feed(&d, 0, false) == 1, "plain");
	CHECK(pp_outage_feed(&d, 3, false) == 0 && d == 0, "before a reply");
	CHECK(pp_outage_feed(&d, 5, true) == 1 && d == 5, "destination");
	CHECK(pp_outage_feed(&d, 6, true) == 0 && d == 5, "beyond");
	CHECK(pp_outage_feed(&d, 5, false) == 1, "destination lost");
	CHECK(pp_outage_feed(&d, 4, true) == 2 && d == 4, "moved closer");
}
