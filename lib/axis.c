/* SPDX-License-Identifier: BSD-2-Clause */
/* axis.c: nice ticks for value and time axes. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/axis.h"

double
pp_axis_nice_step(double range, int want)
{
	if (want < 1)
		want = 1;
	if (!(range > 0) || !isfinite(range))
		return 1;
	double raw = range / want;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nice * mag;
}

/* Decimals needed to print multiples of step exactly (up to 6). */
static int
decimals_for(double step)
{
	int d = 0;

	while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) >
	    1e-9 * pow(10, d))
		d++;
	return d;
}

void
pp_axis_value(struct pp_axis *a, double lo, double hi, int want,
    bool from_zero, const char *unit)
{
	memset(a, 0, sizeof(*a));
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (from_zero && lo > 0)
		lo = 0;
	if (hi <= lo)
		hi = lo + (lo != 0 ? fabs(lo) * 0.1 : 1);
	if (want < 2)
		want = 2;
	if (want > PP_AXIS_MAX_TICKS - 2)
		want = PP_AXIS_MAX_TICKS - 2;
	double step = pp_axis_nice_step(hi - lo, want);
	double start = floor(lo / step + 1e-9) * step;
	double end = ceil(hi / step - 1e-9) * step;
	while ((end - start) / step > PP_AXIS_MAX_TICKS - 1)
		step *= 2, start = floor(lo / step) * step,
		    end = ceil(hi / step) * step;
	a->lo = start;
	a->hi = end;
	a->step = step;
	int dec = decimals_for(step);
	for (int i = 0; i < PP_AXIS_MAX_TICKS; i++) {
		double v = start + i * step;
		if (v > end + step * 1e-9)
			break;
		if (fabs(v) < step * 1e-9)
			v = 0;
		a->tick[i] = v;
		(void)snprintf(a->label[i], sizeof(a->label[i]), "%.*f%s%s",
		    dec, v, unit != NULL && *unit ? " " : "",
		    unit != NULL ? unit : "");
		a->nticks = i + 1;
	}
}

void
pp_axis_time(struct pp_axis *a, double lo, double hi, int want, bool local)
{
	static const double steps[] = {
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
		10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000,
	};
	int kind;

	memset(a, 0, sizeof(*a));
	if (!isfinite(lo) || !isfinite(hi) || hi <= lo)
		hi = lo + 1;
	if (want < 2)
		want = 2;
	if (want > PP_AXIS_MAX_TICKS)
		want = PP_AXIS_MAX_TICKS;
	double step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if ((hi - lo) / steps[i] <= want) {
			step = steps[i];
			break;
		}
	}
	while ((hi - lo) / step >= PP_AXIS_MAX_TICKS)
		step *= 2;
	kind = step < 60 ? 0 : step < 86400 ? 1 : step < 2592000 ? 2 : 3;
	a->lo = lo;
	a->hi = hi;
	a->step = step;
	/* Ticks fall on multiples of the step in the chosen time zone. */
	double offset = 0;
	if (local && step >= 3600) {
		time_t t = (time_t)lo;
		struct tm tm;
		if (localtime_r(&t, &tm) != NULL)
			offset = (double)tm.tm_gmtoff;
	}
	double first = ceil((lo + offset) / step - 1e-9) * step - offset;
	for (int i = 0; i < PP_AXIS_MAX_TICKS; i++) {
		double v = first + i * step;
		if (v > hi + 1e-9)
			break;
		time_t t = (time_t)floor(v);
		struct tm tm;
		if ((local ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) == NULL)
			break;
		a->tick[i] = v;
		size_t sz = sizeof(a->label[i]);
		size_t n = kind == 0 ? strftime(a->label[i], sz, "%H:%M:%S", &tm) :
		    kind == 1 ? strftime(a->label[i], sz, "%H:%M", &tm) :
		    kind == 2 ? strftime(a->label[i], sz, "%b %d", &tm) :
		    strftime(a->label[i], sz, "%Y-%m-%d", &tm);
		if (n == 0)
			a->label[i][0] = '\0';
		a->nticks = i + 1;
	}
}
