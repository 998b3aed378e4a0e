/* SPDX-License-Identifier: BSD-2-Clause */
/* evloop.h: the wait loop of the probing engine (mtr's wait_unix.c): one
 * epoll set over every socket the engine reads, and waits that end on
 * time.  A wait for the caller's own time (the next send of a schedule)
 * blocks until a margin before it learnt from the wake-ups' lateness and
 * spins for the rest (lib/pace.h), so that it returns within microseconds
 * of that time; a wait for anything else (a probe's timeout) just blocks.
 * Each registered descriptor carries a 64-bit tag, handed back with its
 * events. */
#ifndef PP_EVLOOP_H
#define PP_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "lib/pace.h"

#define PP_EVLOOP_MAX 256	/* events handed back by one call, at most */
/* Exact times closer together than this (ns) are a dense schedule (many
 * targets' slots): waited for by blocking alone, never spinning, which
 * would take the whole time between them. */
#define PP_EVLOOP_DENSE 250000LL

/* One wait loop.  Caller-provided storage. */
struct pp_evloop {
	int ep;			/* the epoll set, -1 none */
	struct pp_pace pace;	/* exact waits */
	bool coalesce;		/* short waits for the caller's time sleep
				 * (set by the owner after init) */
	long long last_exact;	/* the previous exact time waited for */
	bool dense;		/* it was PP_EVLOOP_DENSE or less after the
				 * one before */
};

/* With coalesce, a wait for the caller's own time of at most this long
 * sleeps: events that come meanwhile are taken at its end (their kernel
 * stamps kept), one wake-up instead of one per event, ns. */
#define PP_EVLOOP_COALESCE 1000000LL

/* Set up l: an epoll set; lax: the caller's times need millisecond
 * precision only, so waits never spin; else spinning takes at most 5 % of
 * the time, 1 ms a time.  No coalescing.  Asks for 1 ns of timer slack for
 * this thread.  Returns 0, or -1 with errno (l then holds nothing). */
int pp_evloop_init(struct pp_evloop *l, bool lax);

/* Close the epoll set (not the descriptors in it). */
void pp_evloop_release(struct pp_evloop *l);

/* The epoll descriptor: readable when a wait would return events. */
int pp_evloop_fd(const struct pp_evloop *l);

/* Watch fd for events (EPOLLIN ...), handing tag back with them; modify
 * what is watched; stop watching.  Return 0, or -1 with errno. */
int pp_evloop_add(struct pp_evloop *l, int fd, uint32_t events,
    uint64_t tag);
int pp_evloop_mod(struct pp_evloop *l, int fd, uint32_t events,
    uint64_t tag);
int pp_evloop_del(struct pp_evloop *l, int fd);

/* The events ready now, without waiting: their number (0 to max), or -1
 * with errno. */
int pp_evloop_poll(struct pp_evloop *l, struct epoll_event *ev, int max);

/* Wait from now (monotonic ns) until wake_ns for events.  exact: wake_ns
 * is the caller's own time, kept within microseconds: the wait blocks
 * until a learnt margin before it, then spins up to it (within the
 * spinning budget, and not in a dense schedule: then it blocks until
 * wake_ns) and sets *due (a lax loop: a wait of at most
 * PP_EVLOOP_COALESCE sleeps to it, sets *due and returns the events ready
 * then).  Otherwise (*due stays false) a plain blocking wait.  Returns the
 * number of events (0 when the time came first), or -1 with errno (EINTR:
 * a signal came). */
int pp_evloop_wait(struct pp_evloop *l, struct epoll_event *ev, int max,
    long long now, long long wake_ns, bool exact, bool *due);

#endif /* PP_EVLOOP_H */
