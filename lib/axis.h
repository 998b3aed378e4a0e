/* SPDX-License-Identifier: BSD-2-Clause */
/* axis.h: tick positions and labels for chart axes: "nice" steps (1, 2, 5
 * times a power of ten) for values, calendar-friendly steps for time. */
#ifndef PP_AXIS_H
#define PP_AXIS_H

#include <stdbool.h>
#include <stddef.h>

/* Most ticks an axis carries. */
#define PP_AXIS_MAX_TICKS 32

/* Ticks of one axis. */
struct pp_axis {
	double lo;		/* axis start (value or epoch seconds) */
	double hi;		/* axis end */
	double step;		/* distance between ticks */
	int nticks;		/* ticks in tick[] */
	double tick[PP_AXIS_MAX_TICKS];	/* tick positions, ascending */
	char label[PP_AXIS_MAX_TICKS][32];	/* their labels */
};

/* Value axis over [lo, hi] with about `want` ticks (>= 2).  When
 * from_zero, the axis starts at 0 (latency charts).  The range is widened
 * to whole steps.  unit is appended to the labels ("ms"; may be NULL). */
void pp_axis_value(struct pp_axis *a, double lo, double hi, int want,
    bool from_zero, const char *unit);

/* Time axis over [lo, hi] epoch seconds with about `want` ticks, steps
 * from 1 s to weeks, labels in UTC or local time (format by step:
 * "15:04:05", "15:04", "Mon 02", "2026-11-24"). The range is not widened. */
void pp_axis_time(struct pp_axis *a, double lo, double hi, int want,
    bool local);

/* The nice step (1, 2 or 5 x 10^k) nearest above range / want. */
double pp_axis_nice_step(double range, int want);

#endif /* PP_AXIS_H */
