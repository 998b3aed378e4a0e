/* SPDX-License-Identifier: BSD-2-Clause */
/* export_prom.h: pp-stats' figures in the Prometheus text exposition
 * format (version 0.0.4, what node_exporter's textfile collector and
 * promtool read; pp-stats -f prom).
 *
 * The figures are collected (pp_export_prom_stats, pp_export_prom_mos)
 * and written at the end (pp_export_prom_write), one metric family after
 * another, each with its HELP and TYPE lines, in base units (seconds,
 * ratios 0 to 1) and without timestamps.  Per series the gauges and
 * quantiles are those of the latest window given; the counters and the
 * summary's _sum and _count add up every window given.  A record's
 * vantage point is the first label, `vantage` (left out when unknown), so
 * that several vantage points in one database stay apart.  Label values
 * are escaped (backslash, double quote, newline) and invalid UTF-8
 * becomes U+FFFD, so any target string gives a valid exposition. */
#ifndef PP_EXPORT_PROM_H
#define PP_EXPORT_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/export.h"
#include "lib/model.h"

struct pp_export_prom_row;	/* a series (export_prom.c) */
struct pp_export_prom_mrow;	/* a MOS series (export_prom.c) */

/* The series noted so far, and the text being written.  Caller-provided
 * storage. */
struct pp_export_prom {
	struct pp_export out;	/* pp_export_prom_write's text (owned) */
	struct pp_export_prom_row **rows;	/* by caller id, NULL unused
						 * (owned) */
	size_t nrows;		/* slots in rows */
	size_t *order;		/* ids in order of first use, room for nrows
				 * (owned) */
	size_t norder;		/* ids in order */
	struct pp_export_prom_mrow **mrows;	/* MOS series, first use
						 * (owned) */
	size_t nmrows;		/* in use */
	size_t amrows;		/* allocated */
	uint32_t *mhash;	/* (vantage, target, codec, model) -> mrows
				 * index + 1 */
	size_t mhsize;		/* slots in mhash, a power of two or 0 */
};

/* Largest caller id pp_export_prom_stats accepts, + 1. */
#define PP_EXPORT_PROM_MAX_IDS (1u << 20)

/* Set up p (allocates nothing). */
void pp_export_prom_init(struct pp_export_prom *p);

/* Free everything p holds (not p). */
void pp_export_prom_release(struct pp_export_prom *p);

/* Append a label value's text to x, escaped (\\, \", \n), invalid UTF-8
 * as U+FFFD (on allocation failure x->oom is set). */
void pp_export_prom_label(struct pp_export *x, const char *s);

/* Note the window s of the series the caller numbers id (0 to
 * PP_EXPORT_PROM_MAX_IDS - 1; one id per target and hop).  Strings are
 * copied.  Returns 0, or -1 (ENOMEM; EINVAL for an id out of range). */
int pp_export_prom_stats(struct pp_export_prom *p, size_t id,
    const struct pp_stats_rec *s);

/* Note a mos record; the latest of each (vantage, target, codec, model)
 * is exported.  Strings are copied.  Returns 0, or -1 (ENOMEM). */
int pp_export_prom_mos(struct pp_export_prom *p, const struct pp_mos_rec *m);

/* Write every family of what was noted to f (nothing when nothing was),
 * through p->out in pieces of about 64 KiB.  Returns 0, or -1 (errno;
 * ENOMEM when the text could not be made). */
int pp_export_prom_write(struct pp_export_prom *p, FILE *f);

#endif /* PP_EXPORT_PROM_H */
