/* SPDX-License-Identifier: BSD-2-Clause */
/* export_influx.h: pp-stats' figures as InfluxDB line protocol (pp-stats
 * -f influx, and the batches --influx-url sends through lib/tsdb).
 *
 * One line per call, appended to a lib/export buffer: measurement, tags
 * (vantage first, then target, ttl, addr, codec, model; commas, spaces
 * and equals signs escaped with a backslash; a backslash that would end
 * a tag or stand before one of them, which InfluxDB 1.x cannot read,
 * written as U+29F5; newlines and carriage returns written as \n and \r;
 * empty tags left out), fields in the units of pp-records(5) (ms,
 * percent; integers with an "i"; string fields quoted with backslash and
 * double quote escaped, newlines and carriage returns written as \n and
 * \r; undefined figures left out) and the timestamp in nanoseconds: the
 * start of the window (of the outage, of the mos record), so that --every
 * windows fall into InfluxDB's GROUP BY time() buckets and a replay
 * rewrites the same points.  On allocation failure x->oom is set and the
 * text is incomplete. */
#ifndef PP_EXPORT_INFLUX_H
#define PP_EXPORT_INFLUX_H

#include "lib/export.h"
#include "lib/model.h"

/* Append a tag (or field) key or value, escaped as above; invalid UTF-8
 * as U+FFFD. */
void pp_export_influx_tag(struct pp_export *x, const char *s);

/* Append a string field value with its double quotes, backslash and
 * double quote escaped, newline and carriage return as \n and \r, invalid
 * UTF-8 as U+FFFD. */
void pp_export_influx_str(struct pp_export *x, const char *s);

/* Append one line for a stats window (measurement pp_stats), an outage
 * (pp_outage) or a mos record (pp_mos; none when the record has no
 * figure, as a point needs a field).  The fields are named as in
 * pp-records(5). */
void pp_export_influx_stats(struct pp_export *x,
    const struct pp_stats_rec *s);
void pp_export_influx_outage(struct pp_export *x,
    const struct pp_outage_rec *o);
void pp_export_influx_mos(struct pp_export *x, const struct pp_mos_rec *m);

#endif /* PP_EXPORT_INFLUX_H */
