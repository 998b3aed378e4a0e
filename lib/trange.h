/* SPDX-License-Identifier: BSD-2-Clause */
/* trange.h: --from and --to, the time range every reader selects, on the
 * records' own times (DESIGN: event time, not wall time).
 *
 * A bound is one of:
 *   1764000000, 1764000000.5     epoch seconds
 *   2026-12-03, 2026-12-03T10:00, 2026-12-03 10:00:30.25, with a zone
 *     (Z, +01:00, +0100, -05) or without one: local time (TZ), as ISO 8601
 *     itself, date(1) and journalctl --since read it
 *   -2h, end-2h                  before the input's end: the latest record
 *                                time of the whole input (read once
 *                                before the run: file operands, or stdin
 *                                redirected from a file; never a pipe)
 *   +10m, start+10m              after the input's start: the first record
 *                                time in input order
 *   now, now-2h                  the wall clock (PP_NOW when set)
 * Durations as lib/util's pp_parse_duration (250ms, 10s, 5m, 2h, 1d).
 *
 * The range is half-open, [from, to): consecutive ranges split an input
 * without overlap or gap.  A record with one time (probe, alert, route:
 * ts) is kept when from <= ts < to; a record with a window (stats,
 * outage, mos: start, end) when its window overlaps the range (start < to
 * and end >= from), whole; a record of another type by its "ts", or its
 * "start"/"end", when it has them.  Meta records, and records with no
 * time, are always kept: they describe the run. */
#ifndef PP_TRANGE_H
#define PP_TRANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"
#include "lib/record.h"

/* What a bound is counted from. */
enum pp_tbase {
	PP_TB_NONE,		/* no bound given */
	PP_TB_ABS,		/* an absolute time */
	PP_TB_START,		/* the input's first record time */
	PP_TB_END,		/* the input's latest record time */
	PP_TB_NOW		/* the wall clock */
};

/* One bound as given. */
struct pp_tbound {
	enum pp_tbase base;	/* what it counts from */
	double t;		/* PP_TB_ABS: epoch s; else the offset, s */
};

/* A range.  Caller-provided storage: pp_trange_init(), then the bounds
 * (pp_tbound_parse), pp_trange_resolve() before the first record. */
struct pp_trange {
	struct pp_tbound from;	/* --from */
	struct pp_tbound to;	/* --to */
	double lo;		/* resolved from, epoch s (-INFINITY: none) */
	double hi;		/* resolved to, epoch s (INFINITY: none) */
	bool wait_start;	/* a bound waits for the first record time */
	unsigned long kept;	/* timed records kept */
	unsigned long outside;	/* records left out */
	double seen_lo;		/* earliest record time met, NAN before any */
	double seen_hi;		/* latest record time met, NAN before any */
};

/* Set up r with no bounds (every record kept). */
void pp_trange_init(struct pp_trange *r);

/* True when r has a bound. */
bool pp_trange_active(const struct pp_trange *r);

/* Parse a bound (the grammar above).  Returns 0, or -1 with err->msg
 * saying what is wrong with s. */
int pp_tbound_parse(const char *s, struct pp_tbound *b,
    struct pp_error *err);

/* The time span of a record: a time (*t0 == *t1) or a window, epoch s.
 * Returns 0, or -1 when the record has none (meta records too).  May
 * decode the record in full (pp_record_json). */
int pp_record_span(struct pp_record *rec, double *t0, double *t1);

/* The latest record time (end of a window) over the operands paths[0..n-1]
 * (n 0: stdin), read once through lib/input; a seekable stdin is put back
 * where it was.  Lines that are not records are passed over quietly (the
 * run proper reports them).  Returns 0 with *end (NAN when no record has
 * a time), or -1 with err set: stdin is not a regular file (a pipe cannot
 * be read twice). */
int pp_trange_input_end(char *const *paths, int n, double *end,
    struct pp_error *err);

/* Resolve what can be known before the first record: absolute bounds and
 * now; the input's end (pp_trange_input_end over paths) only when a bound
 * needs it.  Returns 0, or -1 with err set (the end could not be read;
 * from is not before to). */
int pp_trange_resolve(struct pp_trange *r, char *const *paths, int n,
    struct pp_error *err);

/* Whether rec falls in the range (counting it in kept or outside, and in
 * seen_lo/seen_hi).  Records without a time are kept and not counted. */
bool pp_trange_keep(struct pp_trange *r, struct pp_record *rec);

/* Cut a window [*start, *end] to the range (the first and last windows of
 * --every may reach past it). */
void pp_trange_clip(const struct pp_trange *r, double *start, double *end);

/* pp_iso_format flags. */
#define PP_ISO_FLOOR	0x1	/* the second (or digit) t falls in, as a
				 * clock reads, not the nearest */
#define PP_ISO_DASH	0x2	/* "-" rather than "" when t is not a time */
#define PP_ISO_LOCAL	0x4	/* local time (TZ), its offset as +hhmm */
#define PP_ISO_SPACE	0x8	/* for reading: "2026-12-03 10:00:00", a
				 * space for the T and no zone */

/* Format an epoch time as ISO 8601 UTC with decimals (0 to 6) digits of
 * the second ("2026-12-03T10:00:00Z", "2026-12-03T10:00:00.250Z") into
 * buf (40 bytes or more), rounded to the digits shown unless flags has
 * PP_ISO_FLOOR, in UTC unless PP_ISO_LOCAL; "" (or "-" with PP_ISO_DASH)
 * when t is not finite or beyond year 5000.  Returns buf.  The one time
 * formatter of pp's text outputs: tables, reports, charts, CSV and
 * messages. */
char *pp_iso_format(double t, int decimals, unsigned flags, char *buf,
    size_t size);

/* pp_iso_format(t, decimals, 0, buf, size): rounded, "" when not a time. */
char *pp_iso_time(double t, int decimals, char *buf, size_t size);

#endif /* PP_TRANGE_H */
