/* SPDX-License-Identifier: BSD-2-Clause */
/* tgrid.c: bounded time columns (see tgrid.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tgrid.h"

/* Each width is a multiple of the one before. */
static const double ladder[] = {
	0.001, 0.002, 0.01, 0.02, 0.1, 0.2, 1, 2, 10, 20, 60, 120, 600, 1200,
	3600, 7200, 21600, 43200, 86400, 172800, 345600, 691200, 1382400,
	2764800, 5529600, 11059200, 22118400, 44236800,
};
#define NLADDER (sizeof(ladder) / sizeof(ladder[0]))

double
pp_tgrid_next_width(double w)
{
	for (size_t i = 0; i < NLADDER; i++)
		if (ladder[i] > w * (1 + 1e-9))
			return ladder[i];
	return w * 2;
}

int
pp_tgrid_init(struct pp_tgrid *g, size_t max, double width)
{
	memset(g, 0, sizeof(*g));
	if (max < 2 || width < 0 || !isfinite(width)) {
		errno = EINVAL;
		return -1;
	}
	g->max = max;
	g->fixed = width > 0;
	g->width = width > 0 ? width : ladder[0];
	return 0;
}

void
pp_tgrid_release(struct pp_tgrid *g)
{
	free(g->series);
	g->series = NULL;
	g->nseries = g->aseries = 0;
}

static void *
col_ptr(const struct pp_tgrid *g, const struct pp_tseries *s, size_t i)
{
	(void)g;
	return s->cols + i * s->ops->size;
}

int
pp_tseries_add(struct pp_tgrid *g, struct pp_tseries *s,
    const struct pp_tgrid_ops *ops)
{
	s->ops = ops;
	s->used = false;
	s->cols = malloc(g->max * ops->size);
	if (s->cols == NULL)
		return -1;
	for (size_t i = 0; i < g->max; i++)
		ops->init(s->cols + i * ops->size);
	if (g->nseries == g->aseries) {
		size_t na = g->aseries != 0 ? g->aseries * 2 : 8;
		struct pp_tseries **ns = realloc(g->series, na * sizeof(*ns));
		if (ns == NULL) {
			free(s->cols);
			s->cols = NULL;
			return -1;
		}
		g->series = ns;
		g->aseries = na;
	}
	g->series[g->nseries++] = s;
	return 0;
}

void
pp_tseries_release(struct pp_tgrid *g, struct pp_tseries *s)
{
	if (s->cols == NULL)
		return;
	if (s->ops->release != NULL)
		for (size_t i = 0; i < g->max; i++)
			s->ops->release(col_ptr(g, s, i));
	free(s->cols);
	s->cols = NULL;
	for (size_t i = 0; i < g->nseries; i++) {
		if (g->series[i] == s) {
			g->series[i] = g->series[--g->nseries];
			break;
		}
	}
}

/* Reset column i of every series to empty. */
static void
clear_col(struct pp_tgrid *g, struct pp_tseries *s, size_t i)
{
	void *c = col_ptr(g, s, i);

	if (s->ops->release != NULL)
		s->ops->release(c);
	s->ops->init(c);
}

/* Move column src to dst (dst empty) in every series. */
static void
move_col(struct pp_tgrid *g, struct pp_tseries *s, size_t dst, size_t src)
{
	if (dst == src)
		return;
	s->ops->merge(col_ptr(g, s, dst), col_ptr(g, s, src));
	clear_col(g, s, src);
}

/* Coarsen to the next width: columns merge by the ratio. */
static void
coarsen(struct pp_tgrid *g)
{
	double nw = pp_tgrid_next_width(g->width);
	long long k = llround(nw / g->width);
	long long nfirst = (long long)floor((double)g->first / (double)k);

	for (size_t si = 0; si < g->nseries; si++) {
		struct pp_tseries *s = g->series[si];
		for (size_t i = 0; i < g->n; i++) {
			long long idx = g->first + (long long)i;
			long long ni = (long long)floor((double)idx /
			    (double)k) - nfirst;
			move_col(g, s, (size_t)ni, i);
		}
	}
	long long last = g->first + (long long)g->n - 1;
	long long nlast = (long long)floor((double)last / (double)k);
	g->first = nfirst;
	g->n = (size_t)(nlast - nfirst + 1);
	g->width = nw;
}

void
pp_tgrid_coarsen(struct pp_tgrid *g)
{
	if (!g->fixed && g->any)
		coarsen(g);
}

/* Shift every series right by d columns (room on the left). */
static void
shift_right(struct pp_tgrid *g, size_t d)
{
	for (size_t si = 0; si < g->nseries; si++) {
		struct pp_tseries *s = g->series[si];
		for (size_t i = g->n; i-- > 0;)
			move_col(g, s, i + d, i);
	}
	g->first -= (long long)d;
	g->n += d;
}

/* Drop d columns on the left (sliding). */
static void
shift_left(struct pp_tgrid *g, size_t d)
{
	for (size_t si = 0; si < g->nseries; si++) {
		struct pp_tseries *s = g->series[si];
		for (size_t i = 0; i < g->n; i++) {
			if (i < d)
				clear_col(g, s, i);
			else
				move_col(g, s, i - d, i);
		}
	}
	g->first += (long long)d;
	g->n = g->n > d ? g->n - d : 0;
}

void *
pp_tgrid_col(struct pp_tgrid *g, struct pp_tseries *s, double ts)
{
	if (!isfinite(ts))
		return NULL;
	if (!g->any) {
		g->any = true;
		g->lo = g->hi = ts;
		g->first = (long long)floor(ts / g->width);
		g->n = 1;
	}
	for (;;) {
		long long idx = (long long)floor(ts / g->width);
		if (idx >= g->first && idx < g->first + (long long)g->n)
			break;
		if (idx >= g->first + (long long)g->n) {
			size_t need = (size_t)(idx - g->first + 1);
			if (need <= g->max) {
				g->n = need;
				break;
			}
			if (g->fixed) {
				shift_left(g, need - g->max);
				g->n = g->max;
				continue;
			}
			coarsen(g);
			continue;
		}
		/* Before the first column. */
		size_t need = (size_t)(g->first + (long long)g->n - idx);
		if (need <= g->max) {
			shift_right(g, (size_t)(g->first - idx));
			break;
		}
		if (g->fixed) {
			g->dropped++;
			return NULL;
		}
		coarsen(g);
	}
	if (ts < g->lo)
		g->lo = ts;
	if (ts > g->hi)
		g->hi = ts;
	s->used = true;
	long long idx = (long long)floor(ts / g->width);
	return col_ptr(g, s, (size_t)(idx - g->first));
}

void *
pp_tseries_at(const struct pp_tgrid *g, const struct pp_tseries *s, size_t i)
{
	return col_ptr(g, s, i);
}

double
pp_tgrid_col_start(const struct pp_tgrid *g, size_t i)
{
	return (double)(g->first + (long long)i) * g->width;
}
