/* SPDX-License-Identifier: BSD-2-Clause */
/* rxdrops.h: what the kernel dropped for a receiving socket, and when
 * (issue 16: a timeout whose answer may have been lost inside this host
 * is local_drop, not the network's loss).  A socket's drop counter
 * (SO_RXQ_OVFL with each datagram, SO_MEMINFO on demand) only grows; each
 * reading of it is taken at a time, and a rise between two readings means
 * datagrams were dropped between them.  Those stretches are kept per
 * address family, and a probe of that family that waited across one and
 * timed out may have lost its answer here.  Memory: PP_DROPWINS stretches
 * a family; when full, the two oldest become one (wider: more probes
 * "may"), never dropped.  Times are monotonic ns. */
#ifndef PP_RXDROPS_H
#define PP_RXDROPS_H

#include <stdbool.h>

/* Stretches kept per family. */
#define PP_DROPWINS 32
/* Stretches closer than this are one, ns. */
#define PP_DROPWINS_JOIN 1000000LL
/* How much older than the datagram read before it a dropped one may be
 * stamped (a stamp is taken as a packet enters the host, and on two CPUs
 * one can wait longer than another before its socket takes it), ns. */
#define PP_DROP_SLACK 100000000LL

/* One socket's counter: the count last seen and the time up to which it
 * is known. */
struct pp_rxdrops {
	unsigned seen;
	long long known;
};

/* One family's stretches, oldest first. */
struct pp_dropwins {
	int n;
	long long from[PP_DROPWINS], to[PP_DROPWINS];
};

/* Start d at count (what the kernel dropped before is not ours) at t. */
void pp_rxdrops_init(struct pp_rxdrops *d, unsigned count, long long t);

/* A datagram (or a look) at `at` says the socket's counter is `count`,
 * read at `now`: when it rose, the stretch from the last known time less
 * PP_DROP_SLACK to the later of at and now goes into w.  Returns how many
 * were dropped since the last reading (the counter wraps as unsigned). */
unsigned pp_rxdrops_seen(struct pp_rxdrops *d, struct pp_dropwins *w,
    unsigned count, long long at, long long now);

/* Note a stretch [from, to] in w. */
void pp_dropwins_add(struct pp_dropwins *w, long long from, long long to);

/* Did a stretch of w meet [a, b]? */
bool pp_dropwins_hit(const struct pp_dropwins *w, long long a, long long b);

#endif
