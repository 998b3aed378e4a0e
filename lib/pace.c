/* SPDX-License-Identifier: BSD-2-Clause */
/* pace.c: waking at an exact time (see pace.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_PR_SET_TIMERSLACK
#include <sys/prctl.h>
#endif

#include "lib/pace.h"

void
pp_pace_init(struct pp_pace *p, double budget, long long max_margin_ns)
{
	memset(p, 0, sizeof(*p));
	p->budget = budget < 0 ? 0 : budget > 1 ? 1 : budget;
	p->max_margin = max_margin_ns > 0 ? max_margin_ns : 0;
}

int
pp_pace_tight_timers(void)
{
#ifdef HAVE_PR_SET_TIMERSLACK
	return prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) == -1 ? -1 : 0;
#else
	errno = ENOSYS;
	return -1;
#endif
}

int
pp_pace_realtime(void)
{
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = 1;
	return sched_setscheduler(0, SCHED_FIFO, &sp) == -1 ? -1 : 0;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a;
	long long y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The margin from the samples: the 99th percentile of the lateness (at
 * most max_margin), less when the spinning it would cause -- a sample of
 * lateness L spins m - L when L < m -- passes the budget of the mean time
 * between samples. */
static void
recompute(struct pp_pace *p)
{
	int n = p->n;

	p->fresh = 0;
	if (n < 2)
		return;
	memcpy(p->sorted, p->late, (size_t)n * sizeof(p->sorted[0]));
	qsort(p->sorted, (size_t)n, sizeof(p->sorted[0]), cmp_ll);
	int oldest = n < PP_PACE_WINDOW ? 0 : p->next;
	int newest = (p->next + PP_PACE_WINDOW - 1) % PP_PACE_WINDOW;
	double gap = (double)(p->when[newest] - p->when[oldest]) / (n - 1);
	double allow = p->budget * (gap > 0 ? gap : 0) * n;	/* total */
	long long cap = p->sorted[(n * 99 + 99) / 100 - 1];
	if (cap > p->max_margin)
		cap = p->max_margin;
	/* Spin at cap. */
	double sum = 0;
	int j = 0;
	while (j < n && p->sorted[j] < cap)
		sum += (double)p->sorted[j++];
	if ((double)j * (double)cap - sum <= allow) {
		p->margin = cap;
		return;
	}
	/* Less: on [sorted[j-1], sorted[j]] with j samples below, the spin
	 * is j * m - (their sum); solve for the budget. */
	sum = 0;
	for (j = 1; j <= n; j++) {
		sum += (double)p->sorted[j - 1];
		double m = (allow + sum) / j;
		if (j == n || m <= (double)p->sorted[j]) {
			p->margin = m < (double)cap ? (long long)m : cap;
			return;
		}
	}
}

long long
pp_pace_wake(struct pp_pace *p, long long at_ns)
{
	if (p->fresh >= (p->n < 64 ? 8 : p->n < PP_PACE_WINDOW ? 64 : 256))
		recompute(p);
	return at_ns - p->margin;
}

void
pp_pace_note(struct pp_pace *p, long long asked_ns, long long woke_ns)
{
	long long late = woke_ns - asked_ns;

	p->late[p->next] = late > 0 ? late : 0;
	p->when[p->next] = woke_ns;
	p->next = (p->next + 1) % PP_PACE_WINDOW;
	if (p->n < PP_PACE_WINDOW)
		p->n++;
	p->fresh++;
}

bool
pp_pace_may_spin(struct pp_pace *p, long long now, long long at_ns)
{
	long long want = at_ns - now;

	if (want <= 0)
		return true;
	if (p->tok_at == 0) {
		p->tok_at = now;
		p->tokens = p->budget > 0 ? p->max_margin : 0;
	} else if (now > p->tok_at) {
		p->tokens += (long long)(p->budget * (double)(now - p->tok_at));
		if (p->tokens > p->max_margin)
			p->tokens = p->budget > 0 ? p->max_margin : 0;
		p->tok_at = now;
	}
	if (p->tokens < want)
		return false;
	p->tokens -= want;
	return true;
}

static long long
mono_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long
pp_pace_spin(struct pp_pace *p, long long at_ns)
{
	long long t0 = mono_ns();
	long long now = t0;

	while (now >= 0 && now < at_ns)
		now = mono_ns();
	if (now > t0 && t0 < at_ns) {
		p->spun += now - t0;
		p->spins++;
	}
	return now;
}

long long
pp_pace_margin(const struct pp_pace *p)
{
	return p->margin;
}
