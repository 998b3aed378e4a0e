/* SPDX-License-Identifier: BSD-2-Clause */
/* export.h: pp-stats' figures for monitoring engines: the Prometheus text
 * exposition format (version 0.0.4, what node_exporter's textfile
 * collector and promtool read) and the InfluxDB line protocol.
 *
 * Prometheus: the figures are collected (pp_export_prom_stats,
 * pp_export_prom_mos) and written at the end (pp_export_prom_write), one
 * metric family after another, each with its HELP and TYPE lines, in base
 * units (seconds, ratios 0 to 1) and without timestamps.  Per series the
 * gauges and quantiles are those of the latest window given; the counters
 * and the summary's _sum and _count add up every window given.  A
 * record's vantage point is the first label, `vantage` (left out when
 * unknown), so that several vantage points in one database stay apart.  Label
 * values are escaped (backslash, double quote, newline) and invalid UTF-8
 * becomes U+FFFD, so any target string gives a valid exposition.
 *
 * InfluxDB: one line per call, appended to the buffer: measurement, tags
 * (vantage first, then target, ttl, addr, codec, model; commas, spaces and equals signs escaped with a backslash; a backslash
 * that would end a tag or stand before one of them, which InfluxDB 1.x
 * cannot read, written as U+29F5; newlines and carriage returns written as
 * \n and \r; empty tags left out), fields in
 * the units of pp-records(5) (ms, percent; integers with an "i"; string
 * fields quoted with backslash and double quote escaped, newlines and
 * carriage returns written as \n and \r; undefined figures left out) and
 * the timestamp in nanoseconds: the start of the window (of the outage,
 * of the mos record), so that --every windows fall into
 * InfluxDB's GROUP BY time() buckets and a replay rewrites the same
 * points. */
#ifndef PP_EXPORT_H
#define PP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/model.h"

struct pp_export_row;		/* a Prometheus series (export.c) */
struct pp_export_mrow;		/* a Prometheus MOS series (export.c) */

/* The exporter: an output line buffer and the Prometheus series.
 * Caller-provided storage. */
struct pp_export {
	char *buf;		/* output text, not NUL-terminated (owned) */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	bool oom;		/* an allocation failed */
	struct pp_export_row **rows;	/* by caller id, NULL unused (owned) */
	size_t nrows;		/* slots in rows */
	size_t *order;		/* ids in order of first use, room for nrows
				 * (owned) */
	size_t norder;		/* ids in order */
	struct pp_export_mrow **mrows;	/* MOS series, first use (owned) */
	size_t nmrows;		/* in use */
	size_t amrows;		/* allocated */
	uint32_t *mhash;	/* (target, codec, model) -> mrows index + 1 */
	size_t mhsize;		/* slots in mhash, a power of two or 0 */
};

/* Largest caller id pp_export_prom_stats accepts, + 1. */
#define PP_EXPORT_MAX_IDS (1u << 20)

/* Set up x (allocates nothing). */
void pp_export_init(struct pp_export *x);

/* Free everything x holds (not x). */
void pp_export_release(struct pp_export *x);

/* Forget the buffered text (the series stay). */
void pp_export_reset(struct pp_export *x);

/* Write the buffered text to f and forget it.  Returns 0, or -1 (errno;
 * ENOMEM when an append had failed, the text then being incomplete). */
int pp_export_flush(struct pp_export *x, FILE *f);

/* Appenders (to the buffer; on allocation failure x->oom is set and the
 * text is incomplete).  pp_export_num: v with `decimals` places (1 to 9),
 * trailing zeros trimmed to one ("2.0", "0.007912"), -0 as 0; a
 * non-finite v as the Prometheus words NaN, +Inf, -Inf.
 * pp_export_prom_label: a label value's text, escaped (\\, \", \n),
 * invalid UTF-8 as U+FFFD.  pp_export_influx_tag: a tag (or field) key or
 * value, escaped as above.  pp_export_influx_str: a string field value
 * with its double quotes, backslash and double quote escaped, invalid
 * UTF-8 as U+FFFD. */
void pp_export_put(struct pp_export *x, const char *s, size_t n);
void pp_export_num(struct pp_export *x, double v, int decimals);
void pp_export_prom_label(struct pp_export *x, const char *s);
void pp_export_influx_tag(struct pp_export *x, const char *s);
void pp_export_influx_str(struct pp_export *x, const char *s);

/* Line protocol: one line for a stats window (measurement pp_stats), an
 * outage (pp_outage) or a mos record (pp_mos), appended to the buffer.
 * The fields are named as in pp-records(5). */
void pp_export_influx_stats(struct pp_export *x,
    const struct pp_stats_rec *s);
void pp_export_influx_outage(struct pp_export *x,
    const struct pp_outage_rec *o);
void pp_export_influx_mos(struct pp_export *x, const struct pp_mos_rec *m);

/* Prometheus: note the window s of the series the caller numbers id (0 to
 * PP_EXPORT_MAX_IDS - 1; one id per target and hop).  Strings are copied.
 * Returns 0, or -1 (ENOMEM; EINVAL for an id out of range). */
int pp_export_prom_stats(struct pp_export *x, size_t id,
    const struct pp_stats_rec *s);

/* Prometheus: note a mos record; the latest of each (target, codec,
 * model) is exported.  Strings are copied.  Returns 0, or -1 (ENOMEM). */
int pp_export_prom_mos(struct pp_export *x, const struct pp_mos_rec *m);

/* Prometheus: write every family of what was noted to f (nothing when
 * nothing was).  Returns 0, or -1 (errno). */
int pp_export_prom_write(struct pp_export *x, FILE *f);

#endif /* PP_EXPORT_H */
