/* SPDX-License-Identifier: BSD-2-Clause */
/* hophist.c: each hop's last answers (see hophist.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hophist.h"

int
pp_hophists_init(struct pp_hophists *t)
{
	memset(t, 0, sizeof(*t));
	pp_keytab_init(&t->map);
	return pp_intern_init(&t->targets, 1000000);
}

void
pp_hophists_release(struct pp_hophists *t)
{
	pp_intern_release(&t->targets);
	pp_keytab_release(&t->map);
	free(t->h);
	memset(t, 0, sizeof(*t));
}

void
pp_hophists_clear(struct pp_hophists *t)
{
	pp_keytab_release(&t->map);
}

struct pp_hophist *
pp_hophists_get(struct pp_hophists *t, const char *target, int ttl, bool add)
{
	uint32_t id = add ? pp_intern(&t->targets, target) :
	    pp_intern_find(&t->targets, target);

	if (id == PP_INTERN_NONE)
		return NULL;
	uint32_t i = pp_keytab_find(&t->map, 0, id, ttl);
	if (i != PP_KEYTAB_NONE || !add)
		return i != PP_KEYTAB_NONE ? &t->h[i] : NULL;
	if (t->map.n >= PP_HOPHIST_KEYS)
		return NULL;
	if (t->map.n == t->alloc) {
		uint32_t na = t->alloc != 0 ? t->alloc * 2 : 64;
		struct pp_hophist *h = realloc(t->h, na * sizeof(*h));
		if (h == NULL)
			return NULL;
		t->h = h;
		t->alloc = na;
	}
	i = pp_keytab_add(&t->map, 0, id, ttl, NULL);
	if (i == PP_KEYTAB_NONE)
		return NULL;
	memset(&t->h[i], 0, sizeof(t->h[i]));
	return &t->h[i];
}

void
pp_hophist_add(struct pp_hophist *h, double rtt)
{
	h->rtt[h->head] = (float)rtt;
	h->head = (uint16_t)((h->head + 1) % PP_HOPHIST_N);
	if (h->n < PP_HOPHIST_N)
		h->n++;
}

/* The i-th of the last n answers of h (0 the oldest of them). */
static float
nth(const struct pp_hophist *h, int n, int i)
{
	return h->rtt[(h->head - n + i + 2 * PP_HOPHIST_N) % PP_HOPHIST_N];
}

void
pp_hophist_strip(const struct pp_hophist *h, double best, char *buf,
    int width)
{
	int n = h != NULL && h->n < width ? h->n : h != NULL ? width : 0;

	for (int i = 0; i < n; i++) {
		double v = nth(h, n, i);
		char c;
		if (isnan(v))
			c = '?';
		else if (!isfinite(best) || v < 1.5 * best + 0.05)
			c = '.';
		else if (v < 3 * best)
			c = 'o';
		else if (v < 10 * best)
			c = 'O';
		else
			c = '#';
		buf[i] = c;
	}
	buf[n] = '\0';
}

static const char scale_mark[PP_HOPHIST_LEVELS] = { '.', '1', '2', '3',
	'a', 'b', 'c', '>' };

char
pp_hophist_mark(int i)
{
	return i >= 0 && i < PP_HOPHIST_LEVELS ? scale_mark[i] : '?';
}

void
pp_hophist_span_init(struct pp_hophist_span *sp)
{
	sp->lo = INFINITY;
	sp->hi = -INFINITY;
}

void
pp_hophist_span_add(struct pp_hophist_span *sp, const struct pp_hophist *h,
    int room)
{
	int n = h == NULL ? 0 : h->n < room ? h->n : room;

	for (int k = 0; k < n; k++) {
		float v = nth(h, n, k);
		if (isnan(v))
			continue;
		sp->lo = v < sp->lo ? v : sp->lo;
		sp->hi = v > sp->hi ? v : sp->hi;
	}
}

void
pp_hophist_scale(const struct pp_hophist_span *sp,
    double scale[PP_HOPHIST_LEVELS])
{
	double lo = sp->lo;
	double hi = sp->hi;

	if (!isfinite(lo))
		lo = hi = 0;
	for (int i = 0; i < PP_HOPHIST_LEVELS; i++) {
		double fct = (double)(i + 1) / PP_HOPHIST_LEVELS;
		scale[i] = lo + (hi - lo) * fct * fct;
	}
}

void
pp_hophist_scaled(FILE *f, const struct pp_hophist *h,
    const double scale[PP_HOPHIST_LEVELS], int width, bool color)
{
	static const char *const col[PP_HOPHIST_LEVELS] = { "32", "32", "32",
		"36", "33", "33", "35", "31" };
	int n = h != NULL && h->n < width ? h->n : h != NULL ? width : 0;

	for (int i = 0; i < n; i++) {
		double v = nth(h, n, i);
		int lv = PP_HOPHIST_LEVELS - 1;
		char c = '?';
		if (!isnan(v)) {
			for (lv = 0; lv < PP_HOPHIST_LEVELS - 1 &&
			    v > scale[lv]; lv++)
				;
			c = scale_mark[lv];
		}
		if (color)
			fprintf(f, "\033[%sm%c\033[0m", isnan(v) ? "31;1" :
			    col[lv], c);
		else
			fputc(c, f);
	}
}
