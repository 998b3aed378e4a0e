/* SPDX-License-Identifier: BSD-2-Clause */
/* evloop.c: epoll and exact waits (see evloop.h). */
#define _GNU_SOURCE 1
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/util.h"

int
pp_evloop_init(struct pp_evloop *l, bool lax)
{
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep == -1)
		return -1;
	l->last_exact = 0;
	l->dense = false;
	/* Waits end on time: no timer slack, and a spin of at most 5 % of
	 * the time (1 ms a time) before the end the caller gives. */
	(void)pp_pace_tight_timers();
	pp_pace_init(&l->pace, lax ? 0 : 0.05, 1000000);
	l->coalesce = false;
	return 0;
}

void
pp_evloop_release(struct pp_evloop *l)
{
	if (l->ep >= 0)
		close(l->ep);
	l->ep = -1;
}

int
pp_evloop_fd(const struct pp_evloop *l)
{
	return l->ep;
}

int
pp_evloop_add(struct pp_evloop *l, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev);
}

int
pp_evloop_mod(struct pp_evloop *l, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev);
}

int
pp_evloop_del(struct pp_evloop *l, int fd)
{
	return epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
}

/* epoll with a nanosecond timeout where the kernel has it. */
static int
wait_ns(int ep, struct epoll_event *ev, int max, long long ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000LL),
	    (long)(ns % 1000000000LL) };
	int n = epoll_pwait2(ep, ev, max, &ts, NULL);

	if (n < 0 && errno == ENOSYS)
		n = epoll_wait(ep, ev, max, (int)((ns + 999999) / 1000000));
	return n;
}

int
pp_evloop_poll(struct pp_evloop *l, struct epoll_event *ev, int max)
{
	int n = wait_ns(l->ep, ev, max, 0);

	return n < 0 && errno == EINTR ? 0 : n;
}

int
pp_evloop_wait(struct pp_evloop *l, struct epoll_event *ev, int max,
    long long now, long long wake_ns, bool exact, bool *due)
{
	/* The caller's time is kept exactly: block until a learnt margin
	 * before it, then spin (lib/pace.h). */
	if (exact && wake_ns != l->last_exact) {
		l->dense = wake_ns - l->last_exact < PP_EVLOOP_DENSE;
		l->last_exact = wake_ns;
	}
	long long stop = exact && !l->dense ? pp_pace_wake(&l->pace,
	    wake_ns) : wake_ns;
	long long ns = stop - now;

	*due = false;
	if (ns < 0)
		ns = 0;
	if (exact && l->coalesce && ns > 0 && ns <= PP_EVLOOP_COALESCE) {
		/* A short wait for the caller's time: asleep through it,
		 * the events of the while taken at once at its end (at 1,000
		 * sends a second with answers between them: half the
		 * wake-ups). */
		struct timespec ts = { (time_t)(wake_ns / 1000000000LL),
		    (long)(wake_ns % 1000000000LL) };
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
		    NULL);
		if (rc != 0) {
			errno = rc;
			return -1;
		}
		*due = true;
		return pp_evloop_poll(l, ev, max);
	}
	int n = wait_ns(l->ep, ev, max, ns);
	if (n != 0 || !exact)
		return n;
	long long woke = pp_mono_ns();
	if (ns > 0 && !l->dense)
		pp_pace_note(&l->pace, stop, woke);
	if (woke >= stop) {
		if (l->dense || !pp_pace_may_spin(&l->pace, woke, wake_ns)) {
			/* Over the spinning budget (times closer together
			 * than the margin): block for the rest. */
			n = woke < wake_ns ? wait_ns(l->ep, ev, max, wake_ns -
			    woke) : 0;
			if (n != 0)
				return n;
		} else {
			/* Answers that come meanwhile keep their kernel
			 * stamps; they are read on the next call. */
			(void)pp_pace_spin(&l->pace, wake_ns);
		}
		*due = true;
	}
	return 0;
}
