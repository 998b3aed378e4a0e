/* SPDX-License-Identifier: BSD-2-Clause */
/* pace.h: waking at an exact time.  A blocking wait (epoll, poll) ends
 * later than asked -- timer slack, the scheduler, a virtual machine's
 * wake-up -- by tens of microseconds usually and by hundreds now and then.
 * A pacer learns that lateness from the waits it is told about, says when
 * to stop blocking so as to wake a margin before the time wanted, and
 * spins on the monotonic clock for the rest.  The margin is the 99th
 * percentile of the recent lateness, cut down so that the spinning it
 * causes stays within a CPU budget (a fraction of wall time).
 *
 * Use, per scheduled event at monotonic time at_ns:
 *	long long stop = pp_pace_wake(&p, at_ns);
 *	block until stop (or an event);
 *	if it timed out: pp_pace_note(&p, stop, pp_mono_ns());
 *	pp_pace_spin(&p, at_ns);
 * Clocks are CLOCK_MONOTONIC nanoseconds (pp_mono_ns). */
#ifndef PP_PACE_H
#define PP_PACE_H

#include <stdbool.h>

#define PP_PACE_WINDOW 1024	/* lateness samples the margin is made of */

struct pp_pace {
	double budget;		/* spinning allowed, fraction of wall time */
	long long max_margin;	/* the margin never exceeds this, ns */
	long long margin;	/* wake this long before the time, ns */
	long long late[PP_PACE_WINDOW];	/* recent lateness, ring, ns */
	long long when[PP_PACE_WINDOW];	/* monotonic time of each, ns */
	long long sorted[PP_PACE_WINDOW];	/* scratch, ns */
	int n;			/* samples held, at most PP_PACE_WINDOW */
	int next;		/* ring index of the next sample */
	int fresh;		/* samples since the margin was computed */
	long long spun;		/* time spent spinning, total, ns */
	unsigned long spins;	/* pp_pace_spin calls that spun */
	long long tokens;	/* spinning the budget still allows, ns */
	long long tok_at;	/* monotonic ns they were counted at, 0
				 * never */
};

/* Set up p (allocates nothing): spin at most budget (0 to 1) of wall
 * time, and never wake more than max_margin_ns early.  The margin starts
 * at 0 and is learnt from the first few waits. */
void pp_pace_init(struct pp_pace *p, double budget, long long max_margin_ns);

/* Ask the system to end this thread's blocking waits when asked: timer
 * slack 1 ns (Linux PR_SET_TIMERSLACK; the default is 50 us).  Returns 0,
 * or -1 with errno set (ENOSYS where there is no such control). */
int pp_pace_tight_timers(void);

/* Try to run this process under SCHED_FIFO priority 1, which only works
 * when permitted (CAP_SYS_NICE, or an RLIMIT_RTPRIO of 1 or more, e.g.
 * 'ulimit -r 1').  Returns 0, or -1 with errno set (EPERM when not
 * permitted); nothing changes on failure. */
int pp_pace_realtime(void);

/* When to stop blocking for an event due at at_ns: at_ns less the
 * margin.  Recomputes the margin when enough new samples came in (so call
 * it where there is time to spare, not right before the event). */
long long pp_pace_wake(struct pp_pace *p, long long at_ns);

/* A blocking wait asked to end at asked_ns timed out at woke_ns: learn
 * its lateness. */
void pp_pace_note(struct pp_pace *p, long long asked_ns, long long woke_ns);

/* May the caller spin from now until at_ns (monotonic ns)?  The budget
 * is a hard bound too: spinning allowed accrues at budget times wall time
 * (at most max_margin of it saved up), and a spin spends it.  True: the
 * spin is counted, go on with pp_pace_spin; false: block instead (events
 * due closer together than the margin would otherwise spin all the time
 * between them). */
bool pp_pace_may_spin(struct pp_pace *p, long long now, long long at_ns);

/* Spin until at_ns.  Returns the monotonic time then (at_ns or a little
 * later), or -1 when the clock fails. */
long long pp_pace_spin(struct pp_pace *p, long long at_ns);

/* The current margin, ns. */
long long pp_pace_margin(const struct pp_pace *p);

#endif /* PP_PACE_H */
