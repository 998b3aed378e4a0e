/* SPDX-License-Identifier: BSD-2-Clause */
/* rxdrops.c: see rxdrops.h. */
#include <string.h>

#include "lib/rxdrops.h"

void
pp_rxdrops_init(struct pp_rxdrops *d, unsigned count, long long t)
{
	d->seen = count;
	d->known = t;
}

unsigned
pp_rxdrops_seen(struct pp_rxdrops *d, struct pp_dropwins *w, unsigned count,
    long long at, long long now)
{
	unsigned n = 0;

	if ((int)(count - d->seen) > 0) {
		/* Dropped when queued, after the datagram read before (its
		 * stamp `known`) and before this one's; and this one was
		 * read by now. */
		n = count - d->seen;
		pp_dropwins_add(w, d->known - PP_DROP_SLACK, at > now ? at :
		    now);
		d->seen = count;
	}
	if (at > d->known)
		d->known = at;
	return n;
}

void
pp_dropwins_add(struct pp_dropwins *w, long long from, long long to)
{
	if (w->n > 0 && from <= w->to[w->n - 1] + PP_DROPWINS_JOIN) {
		if (to > w->to[w->n - 1])
			w->to[w->n - 1] = to;
		if (from < w->from[w->n - 1])
			w->from[w->n - 1] = from;
		return;
	}
	if (w->n == PP_DROPWINS) {
		/* The two oldest become one. */
		w->to[0] = w->to[1];
		memmove(&w->from[1], &w->from[2], (PP_DROPWINS - 2) *
		    sizeof(w->from[0]));
		memmove(&w->to[1], &w->to[2], (PP_DROPWINS - 2) *
		    sizeof(w->to[0]));
		w->n--;
	}
	w->from[w->n] = from;
	w->to[w->n] = to;
	w->n++;
}

bool
pp_dropwins_hit(const struct pp_dropwins *w, long long a, long long b)
{
	for (int k = w->n - 1; k >= 0; k--)
		if (w->from[k] <= b && w->to[k] >= a)
			return true;
	return false;
}
