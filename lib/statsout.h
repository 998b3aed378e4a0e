/* SPDX-License-Identifier: BSD-2-Clause */
/* statsout.h: where a pp-stats row goes.  The rows and outages that
 * lib/agg (probe records) or lib/merge (stats records, --merge) make are
 * written in the output's format: NDJSON (stats and outage records after
 * pp-stats' meta record), the hop table (lib/table: a block per window,
 * the outages listed at the end), CSV (lib/csv: a header row, then a row
 * per target, hop and window; the outages to a stream of their own, or
 * counted), the Prometheus text format (lib/export_prom: collected, written
 * at the end) or the InfluxDB line protocol (a line per row, outage and mos
 * record, written at once or kept for a spool: lib/tsdb).  The meta
 * record says pp-stats' settings and, under "source", the first input
 * meta record's.
 *
 * Nothing here prints a diagnostic or exits: a failed write sets
 * io_error, a failed allocation oom, and the caller says them (once oom
 * is set, nothing more is written). */
#ifndef PP_STATSOUT_H
#define PP_STATSOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/agg.h"
#include "lib/error.h"
#include "lib/export.h"
#include "lib/export_prom.h"
#include "lib/jsonw.h"
#include "lib/model.h"
#include "lib/names.h"
#include "lib/record.h"
#include "lib/table.h"
#include "lib/trange.h"

/* The output formats (pp-stats -f). */
enum pp_statsout_format {
	PP_STATSOUT_NDJSON,	/* records */
	PP_STATSOUT_TABLE,	/* the hop table */
	PP_STATSOUT_CSV,	/* CSV rows */
	PP_STATSOUT_PROM,	/* Prometheus text format */
	PP_STATSOUT_INFLUX	/* InfluxDB line protocol */
};

/* What the output is.  Strings and streams are borrowed: they must
 * outlive the pp_statsout. */
struct pp_statsout_opts {
	enum pp_statsout_format format;	/* -f */
	FILE *out;		/* the rows' stream (stdout) */
	FILE *outages;		/* CSV: the outages' stream (--outages, its
				 * header row written by the caller); NULL:
				 * they are counted (outages_unwritten) */
	bool unbuffered;	/* flush out after every record (-u) */
	bool spool;		/* influx: lines are kept in x for the caller
				 * (a spool, lib/tsdb), not written */
	int argc;		/* the command line, for the meta record */
	char **argv;		/* (borrowed) */
	double every;		/* --every, s (0: none) */
	bool merge;		/* --merge */
	const char *as_vantage;	/* --as-vantage, NULL: none */
	bool parts;		/* --parts */
	const struct pp_trange *range;	/* --from, --to: lib/agg's rows
					 * clipped to it (borrowed: resolved
					 * while reading), NULL none */
	double outage_loss;	/* --outage-loss, % */
	double outage_min;	/* --outage-min, s */
	bool wide;		/* -w: the wide table */
	bool color;		/* the table in colour */
};

/* The output.  Caller-provided storage. */
struct pp_statsout {
	struct pp_statsout_opts o;	/* settings (copied) */
	struct pp_jw w;		/* record buffer; the meta record after
				 * pp_statsout_meta */
	struct pp_export x;	/* -f influx: the lines (kept for the caller
				 * when spooled) */
	struct pp_export_prom prom;	/* -f prom: the series */
	bool started;		/* meta record or header row written */
	json_t *source;		/* the first input meta's settings (owned),
				 * NULL none yet */
	char *source_host;	/* its host (owned), NULL none */
	bool io_error;		/* a write failed */
	bool oom;		/* an allocation failed: rows were lost */
	struct pp_table table;	/* -f table */
	struct pp_names names;	/* -f table: what the records say about
				 * addresses (pp-geo --rdns, --asn-db) */
	struct pp_table_outages toutages;	/* table: listed at the end */
	unsigned long outages_unwritten;	/* CSV without an outages
						 * stream: outages counted */
};

/* The format named s ("ndjson", "table", "csv", "prom", "influx") into
 * *f.  Returns 0, or -1 for another name (*f unchanged). */
int pp_statsout_format_parse(const char *s, enum pp_statsout_format *f);

/* Set up so with o (copied).  Returns 0, or -1 (ENOMEM; nothing to
 * release). */
int pp_statsout_init(struct pp_statsout *so, const struct pp_statsout_opts *o);

/* Free what so holds (not so, not the streams). */
void pp_statsout_release(struct pp_statsout *so);

/* Build pp-stats' meta record into so->w (not written): tool, argv and
 * the settings (--every, --merge, --as-vantage, parts, the range as
 * resolved, the outage thresholds), with the input's under "source" when
 * one was seen.  The text is so->w.buf[0..so->w.len-1], without a
 * newline, valid until the next call on so. */
void pp_statsout_meta(struct pp_statsout *so);

/* --meta: replace path (lib/atomic: pp_atomic_write) with the meta
 * record, a line.  Returns 0, or -1 with errno, path untouched. */
int pp_statsout_meta_write(struct pp_statsout *so, const char *path);

/* Meta record rec of the input (lib/record: its object is decoded
 * here): its settings go to a (every one: pp_agg_meta, which takes
 * whether refused counts as down, and the reorder horizon from the first
 * timeout); the first with settings becomes the source (its settings and
 * host).  a NULL: the source only.  Returns 0, or -1 (ENOMEM, oom
 * set). */
int pp_statsout_input_meta(struct pp_statsout *so, struct pp_agg *a,
    struct pp_record *rec);

/* Write stats row r (strings borrowed for the call) in the format; the
 * meta record or header row first.  series: the row's key index (its
 * Prometheus series).  Returns 0, or -1 (oom or io_error set). */
int pp_statsout_row(struct pp_statsout *so, const struct pp_stats_rec *r,
    size_t series);

/* Write outage r in the format (Prometheus: ignored; the table: listed
 * at the end; CSV: to the outages stream, or counted).  Returns 0, or -1
 * (oom or io_error set). */
int pp_statsout_outage(struct pp_statsout *so, const struct pp_outage_rec *r);

/* Mos record rec of the input (pp-mos), for -f prom and influx (other
 * formats ignore it, undecoded).  Returns 0 (taken, or a failure set in
 * io_error or oom), or -1: the record is bad (err's message set; nothing
 * written). */
int pp_statsout_mos(struct pp_statsout *so, struct pp_record *rec,
    struct pp_error *err);

/* The end: the wide table's last block, the table's outage list,
 * Prometheus' exposition.  Returns 0, or -1 (io_error set). */
int pp_statsout_finish(struct pp_statsout *so);

/* Sinks, arg being the pp_statsout.  lib/agg (struct pp_agg_sink): a
 * window's row of key k over start..end (clipped to o.range), and an
 * outage.  lib/merge (struct pp_merge_opts): a merged row, and an outage
 * record (line[0..len-1] as it came, written as is, or r when line is
 * NULL).  Failures set oom or io_error, which the caller checks. */
void pp_statsout_agg_stats(void *arg, const struct pp_agg *a,
    const struct pp_agg_key *k, double start, double end);
void pp_statsout_agg_outage(void *arg, const struct pp_agg *a,
    const struct pp_agg_outage *o);
void pp_statsout_merge_row(void *arg, const struct pp_stats_rec *r,
    uint32_t key);
void pp_statsout_merge_outage(void *arg, const struct pp_outage_rec *r,
    const char *line, size_t len);

#endif /* PP_STATSOUT_H */
