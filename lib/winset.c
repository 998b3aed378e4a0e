/* SPDX-License-Identifier: BSD-2-Clause */
/* winset.c: a sorted set of window numbers; windows are mostly added in
 * ascending order, so an addition is a compare and a store. */
#include <stdlib.h>
#include <string.h>

#include "lib/winset.h"

bool
pp_winset_has(const struct pp_winset *s, long long w)
{
	size_t lo = 0;
	size_t hi = s->n;

	if (hi == 0 || w > s->w[hi - 1])
		return false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->w[mid] < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->w[lo] == w;
}

int
pp_winset_add(struct pp_winset *s, long long w)
{
	size_t i = s->n;

	while (i > 0 && s->w[i - 1] > w)
		i--;
	if (i > 0 && s->w[i - 1] == w)
		return 0;
	if (s->n == s->cap) {
		size_t na = s->cap != 0 ? s->cap * 2 : 16;
		long long *nw = realloc(s->w, na * sizeof(*nw));
		if (nw == NULL)
			return -1;
		s->w = nw;
		s->cap = na;
	}
	memmove(s->w + i + 1, s->w + i, (s->n - i) * sizeof(*s->w));
	s->w[i] = w;
	s->n++;
	return 0;
}

void
pp_winset_release(struct pp_winset *s)
{
	free(s->w);
	s->w = NULL;
	s->n = s->cap = 0;
}
