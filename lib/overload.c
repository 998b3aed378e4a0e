/* SPDX-License-Identifier: BSD-2-Clause */
/* overload.c: a prober that cannot keep up, said while it happens (see
 * header). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/overload.h"
#include "lib/util.h"

void
pp_overload_init(struct pp_overload *o, long long now)
{
	memset(o, 0, sizeof(*o));
	o->next = now;
}

void
pp_overload_sent(struct pp_overload *o, long long due, long long now)
{
	long long late = now - due;

	if (late < PP_OVERLOAD_LAG)
		return;
	o->behind++;
	o->behind_total++;
	if (late > o->lag)
		o->lag = late;
	if (late > o->lag_max)
		o->lag_max = late;
}

bool
pp_overload_due(const struct pp_overload *o, long long now)
{
	return now >= o->next;
}

/* Append to buf at *len (cut to size). */
static void __attribute__((format(printf, 4, 5)))
add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

/* A duration in ns as ms or s. */
static void
dur(char *buf, size_t size, long long ns)
{
	if (ns >= 10000000000LL)
		(void)snprintf(buf, size, "%.0f s", (double)ns / 1e9);
	else if (ns >= 1000000000LL)
		(void)snprintf(buf, size, "%.1f s", (double)ns / 1e9);
	else
		(void)snprintf(buf, size, "%.0f ms", (double)ns / 1e6);
}

/* The parts of a line: behind, dropped, marked, reading. */
static size_t
line(char *buf, size_t size, long long lag, unsigned long long behind,
    unsigned long long kd, unsigned long long ld, long long rlag)
{
	size_t len = 0;
	char d[32];
	const char *sep = "";

	if (size > 0)
		buf[0] = '\0';
	if (behind > 0) {
		dur(d, sizeof(d), lag);
		add(buf, size, &len, "sending behind schedule by %s (%llu "
		    "probe%s %lld ms late or more)", d, behind,
		    pp_plural(behind, "", "s"), PP_OVERLOAD_LAG / 1000000);
		sep = "; ";
	}
	if (kd > 0) {
		add(buf, size, &len, "%s%llu repl%s dropped by the kernel "
		    "(receive queue full)", sep, kd, pp_plural(kd, "y", "ies"));
		sep = ", ";
	}
	if (ld > 0) {
		add(buf, size, &len, "%s%llu probe%s marked local_drop (not "
		    "counted as loss)", sep, ld, pp_plural(ld, "", "s"));
		sep = "; ";
	}
	if (kd > 0)
		sep = "; ";
	if (rlag >= PP_OVERLOAD_READ_LAG) {
		dur(d, sizeof(d), rlag);
		add(buf, size, &len, "%sreading answers %s behind", sep, d);
	}
	return len;
}

size_t
pp_overload_report(struct pp_overload *o, const struct pp_engine_stats *st,
    long long now, char *buf, size_t size)
{
	if (st->read_lag > o->read_lag)
		o->read_lag = st->read_lag;
	if (st->read_lag > o->read_lag_max)
		o->read_lag_max = st->read_lag;
	size_t len = line(buf, size, o->lag, o->behind, st->kernel_drops -
	    o->kdrops, st->local_drops - o->ldrops, o->read_lag);
	if (len == 0) {
		o->next = now + PP_OVERLOAD_CHECK;
		return 0;
	}
	o->next = now + PP_OVERLOAD_PERIOD;
	o->lag = 0;
	o->behind = 0;
	o->read_lag = 0;
	o->kdrops = st->kernel_drops;
	o->ldrops = st->local_drops;
	return len;
}

size_t
pp_overload_summary(const struct pp_overload *o,
    const struct pp_engine_stats *st, char *buf, size_t size)
{
	long long rlag = st->read_lag > o->read_lag_max ? st->read_lag :
	    o->read_lag_max;
	size_t len = line(buf, size, o->lag_max, o->behind_total,
	    st->kernel_drops, st->local_drops, rlag);

	if (len == 0)
		return 0;
	char tail[1024];
	(void)snprintf(tail, sizeof(tail), "%s", buf);
	len = 0;
	add(buf, size, &len, "the host did not keep up: %s", tail);
	return len;
}
