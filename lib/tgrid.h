/* SPDX-License-Identifier: BSD-2-Clause */
/* tgrid.h: a time axis cut into columns for charts, of bounded size
 * whatever the input length.  Columns are aligned to the epoch and their
 * width comes from a ladder where each step is a multiple of the one before
 * (1 ms, 2 ms, 10 ms, ... 1 s, 2 s, 10 s, 20 s, 1 min, ... 1 day, 2 days,
 * 4 days, ...).  When data no longer fits in the column budget, the grid
 * coarsens to the next width and every series merges its columns pairwise
 * (or by the ratio), so a day at 1 kHz costs the same memory as a minute.
 * With a fixed width, the grid slides instead: the oldest columns drop. */
#ifndef PP_TGRID_H
#define PP_TGRID_H

#include <stdbool.h>
#include <stddef.h>

/* What a series stores per column, and how columns combine. */
struct pp_tgrid_ops {
	size_t size;		/* bytes per column */
	void (*init)(void *col);	/* make an empty column */
	void (*merge)(void *dst, const void *src);	/* dst += src */
	void (*release)(void *col);	/* free what a column holds; may be
					 * NULL */
};

/* One series (a target, a hop) on the grid. */
struct pp_tseries {
	const struct pp_tgrid_ops *ops;	/* column operations (borrowed) */
	unsigned char *cols;	/* grid->max columns, column i = time index
				 * grid->first + i */
	bool used;		/* any data yet */
};

/* The shared time grid. Caller-provided storage. */
struct pp_tgrid {
	double width;		/* seconds per column */
	bool fixed;		/* width fixed: slide instead of coarsening */
	long long first;	/* time index of column 0 (floor(ts/width)) */
	size_t n;		/* columns spanned so far (<= max) */
	size_t max;		/* column budget */
	bool any;		/* a timestamp has been placed */
	double lo;		/* earliest timestamp seen */
	double hi;		/* latest timestamp seen */
	unsigned long dropped;	/* samples older than the sliding window */
	struct pp_tseries **series;	/* every series (borrowed) */
	size_t nseries;		/* number of series */
	size_t aseries;		/* allocated slots */
};

/* Set up g with a budget of max columns (>= 2).  width 0: start at the
 * smallest width and coarsen as needed; width > 0: fixed column width in
 * seconds (slides).  Returns 0, or -1 (EINVAL). */
int pp_tgrid_init(struct pp_tgrid *g, size_t max, double width);

/* Free the grid's own memory (not the series). */
void pp_tgrid_release(struct pp_tgrid *g);

/* Add a series using ops; its columns are allocated now.  Returns 0, or
 * -1 (ENOMEM). */
int pp_tseries_add(struct pp_tgrid *g, struct pp_tseries *s,
    const struct pp_tgrid_ops *ops);

/* Free a series' columns (calling ops->release on each). */
void pp_tseries_release(struct pp_tgrid *g, struct pp_tseries *s);

/* The column of series s for time ts, coarsening or sliding the grid as
 * needed; NULL when ts falls before a sliding window (counted in
 * g->dropped) or ts is not finite. */
void *pp_tgrid_col(struct pp_tgrid *g, struct pp_tseries *s, double ts);

/* Column i (0 <= i < g->n) of series s, and its start time. */
void *pp_tseries_at(const struct pp_tgrid *g, const struct pp_tseries *s,
    size_t i);
double pp_tgrid_col_start(const struct pp_tgrid *g, size_t i);

/* Coarsen to the next width now (merging columns), unless the width is
 * fixed: for display, when columns are finer than the probe interval. */
void pp_tgrid_coarsen(struct pp_tgrid *g);

/* The next width on the ladder after w (seconds). */
double pp_tgrid_next_width(double w);

#endif /* PP_TGRID_H */
