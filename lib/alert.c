/* SPDX-License-Identifier: BSD-2-Clause */
/* alert.c: windows, hysteresis and routes (see alert.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alert.h"

int
pp_window_init(struct pp_window *w, uint32_t n)
{
	memset(w, 0, sizeof(*w));
	if (n < 1 || n > PP_WINDOW_MAX) {
		errno = EINVAL;
		return -1;
	}
	w->n = n;
	w->rtt = malloc(n * sizeof(*w->rtt));
	w->scratch = malloc(n * sizeof(*w->scratch));
	if (w->rtt == NULL || w->scratch == NULL) {
		pp_window_release(w);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_window_release(struct pp_window *w)
{
	free(w->rtt);
	free(w->scratch);
	w->rtt = w->scratch = NULL;
	w->len = w->nsorted = 0;
}

/* The position of v in the sorted answers (the first not below it). */
static uint32_t
sorted_pos(const struct pp_window *w, double v)
{
	uint32_t lo = 0;
	uint32_t hi = w->nsorted;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (w->scratch[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
pp_window_add(struct pp_window *w, double rtt)
{
	if (w->len == w->n) {
		double old = w->rtt[w->head];
		if (isnan(old)) {
			w->lost--;
		} else {
			/* Out of the sorted answers too (any equal one). */
			uint32_t i = sorted_pos(w, old);
			memmove(w->scratch + i, w->scratch + i + 1,
			    (w->nsorted - i - 1) * sizeof(double));
			w->nsorted--;
		}
		w->head = (w->head + 1) % w->n;
		w->len--;
	}
	w->rtt[(w->head + w->len) % w->n] = rtt;
	w->len++;
	if (isnan(rtt)) {
		w->lost++;
	} else {
		uint32_t i = sorted_pos(w, rtt);
		memmove(w->scratch + i + 1, w->scratch + i,
		    (w->nsorted - i) * sizeof(double));
		w->scratch[i] = rtt;
		w->nsorted++;
	}
}

bool
pp_window_full(const struct pp_window *w)
{
	return w->len == w->n;
}

double
pp_window_loss(const struct pp_window *w)
{
	if (w->len == 0)
		return NAN;
	return 100.0 * (double)w->lost / (double)w->len;
}

double
pp_window_pct(struct pp_window *w, double p)
{
	uint32_t k = w->nsorted;

	if (k == 0)
		return NAN;
	uint32_t rank = (uint32_t)ceil(p * k);
	if (rank < 1)
		rank = 1;
	if (rank > k)
		rank = k;
	return w->scratch[rank - 1];
}

enum pp_level_change
pp_level_update(struct pp_level *l, double v)
{
	if (isnan(v))
		return PP_LEVEL_SAME;
	bool bad = l->higher_is_worse ? v >= l->threshold : v <= l->threshold;
	bool good = l->higher_is_worse ? v < l->clear : v > l->clear;

	if (!l->raised && bad) {
		l->raised = true;
		return PP_LEVEL_RAISE;
	}
	if (l->raised && good) {
		l->raised = false;
		return PP_LEVEL_CLEAR;
	}
	return PP_LEVEL_SAME;
}

void
pp_route_init(struct pp_route *r, uint32_t k, uint32_t w)
{
	memset(r, 0, sizeof(*r));
	r->k = k > 0 ? k : 1;
	r->w = w > r->k ? w : r->k + 1;
}

/* Whether id was seen at hop h within the last w rounds, or nothing was
 * ever seen there (a hop silent so far has nothing to differ from). */
static bool
known(const struct pp_route *r, int h, uint32_t id)
{
	bool any = false;

	for (int i = 0; i < PP_ROUTE_ALTS; i++) {
		if (r->alt[h][i] == 0)
			continue;
		any = true;
		if (r->alt[h][i] == id &&
		    r->rounds - r->seen_at[h][i] <= (long long)r->w)
			return true;
	}
	return !any;
}

/* Remember id at hop h now (the oldest or an expired entry makes room). */
static void
remember(struct pp_route *r, int h, uint32_t id)
{
	int slot = 0;

	if (id == 0)
		return;
	for (int i = 0; i < PP_ROUTE_ALTS; i++) {
		if (r->alt[h][i] == id) {
			r->seen_at[h][i] = r->rounds;
			return;
		}
		if (r->alt[h][i] == 0 ||
		    r->seen_at[h][i] < r->seen_at[h][slot])
			slot = i;
		if (r->alt[h][slot] != 0 && r->alt[h][i] == 0)
			slot = i;
	}
	r->alt[h][slot] = id;
	r->seen_at[h][slot] = r->rounds;
}

/* Whether a round differs from the route. */
static bool
new_to_route(const struct pp_route *r, const uint32_t *hops, int len)
{
	if (len != r->len)
		return true;
	for (int i = 0; i < len; i++)
		if (hops[i] != 0 && !known(r, i, hops[i]))
			return true;
	return false;
}

/* Whether two rounds differ: another length, or two responders that
 * differ at one hop (silent hops match anything). */
static bool
differ(const uint32_t *a, int alen, const uint32_t *b, int blen)
{
	if (alen != blen)
		return true;
	for (int i = 0; i < alen; i++)
		if (a[i] != 0 && b[i] != 0 && a[i] != b[i])
			return true;
	return false;
}

static void
take_round(struct pp_route *r, const uint32_t *hops, int len)
{
	for (int i = 0; i < len; i++) {
		remember(r, i, hops[i]);
		if (hops[i] != 0)
			r->cur[i] = hops[i];
	}
}

enum pp_route_change
pp_route_round(struct pp_route *r, const uint32_t *hops, int len,
    uint32_t *prev, int *prev_len)
{
	if (len > PP_ROUTE_HOPS)
		len = PP_ROUTE_HOPS;
	r->rounds++;
	if (r->len == 0) {
		if (len == 0)
			return PP_ROUTE_SAME;
		r->len = len;
		r->born = r->rounds;
		take_round(r, hops, len);
		return PP_ROUTE_FIRST;
	}
	if (!new_to_route(r, hops, len)) {
		if (r->seen > 0) {
			/* Fits the candidate too (its hops silent here):
			 * counts for neither. */
			if (!differ(r->cand, r->clen, hops, len))
				return PP_ROUTE_SAME;
			/* The streak broke: its responders were
			 * alternatives (load balancing). */
			if (r->clen == r->len)
				take_round(r, r->cand, r->clen);
			r->seen = 0;
		}
		take_round(r, hops, len);
		return PP_ROUTE_SAME;
	}
	if (r->seen > 0 && !differ(r->cand, r->clen, hops, len)) {
		for (int i = 0; i < len; i++)
			if (r->cand[i] == 0)
				r->cand[i] = hops[i];
		r->seen++;
	} else {
		/* A streak that ends in another new round: where this round
		 * has a responder the route knows and the candidate had a
		 * new one, that one came and went: an alternative. */
		if (r->seen > 0 && r->clen == len && len == r->len)
			for (int i = 0; i < len; i++)
				if (r->cand[i] != 0 && hops[i] != 0 &&
				    r->cand[i] != hops[i] &&
				    known(r, i, hops[i]))
					remember(r, i, r->cand[i]);
		memcpy(r->cand, hops, (size_t)len * sizeof(*hops));
		r->clen = len;
		r->seen = 1;
		r->need = r->rounds - r->born < (long long)r->w ? r->w : r->k;
	}
	if (r->seen < r->need)
		return PP_ROUTE_SAME;
	/* The change held: report it.  The old responders stay known until
	 * they age out, so balancing back to them is not a change; a path of
	 * another length starts afresh. */
	memcpy(prev, r->cur, (size_t)r->len * sizeof(*prev));
	*prev_len = r->len;
	for (int i = 0; i < r->clen; i++) {
		if (r->clen != r->len) {
			memset(r->alt[i], 0, sizeof(r->alt[i]));
			memset(r->seen_at[i], 0, sizeof(r->seen_at[i]));
		}
		r->cur[i] = r->cand[i] != 0 ? r->cand[i] : (i < r->len ?
		    r->cur[i] : 0);
	}
	r->len = r->clen;
	take_round(r, r->cand, r->clen);
	r->seen = 0;
	r->born = r->rounds;
	return PP_ROUTE_CHANGED;
}
