/* SPDX-License-Identifier: BSD-2-Clause */
/* statsout.c: where a pp-stats row goes (see statsout.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/atomic.h"
#include "lib/csv.h"
#include "lib/export_influx.h"
#include "lib/statsout.h"
#include "lib/util.h"

static const char *const format_names[] = {
	[PP_STATSOUT_NDJSON] = "ndjson",
	[PP_STATSOUT_TABLE] = "table",
	[PP_STATSOUT_CSV] = "csv",
	[PP_STATSOUT_PROM] = "prom",
	[PP_STATSOUT_INFLUX] = "influx",
};

int
pp_statsout_format_parse(const char *s, enum pp_statsout_format *f)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	    i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*f = (enum pp_statsout_format)i;
			return 0;
		}
	}
	return -1;
}

/* The table's name and AS number of an address: from the records. */
static const char *
table_name(void *arg, const char *addr)
{
	const struct pp_statsout *so = arg;

	return pp_names_host(&so->names, addr);
}

static uint32_t
table_asn(void *arg, const char *addr)
{
	const struct pp_statsout *so = arg;

	return pp_names_asn(&so->names, addr);
}

/* Names and AS numbers in the table once the records gave any. */
static void
table_opts(struct pp_statsout *so)
{
	so->table.o.name = so->names.have_host ? table_name : NULL;
	so->table.o.asn = so->names.have_asn;
}

int
pp_statsout_init(struct pp_statsout *so, const struct pp_statsout_opts *o)
{
	memset(so, 0, sizeof(*so));
	so->o = *o;
	struct pp_table_opts to = {
		.wide = o->wide,
		.mpls = true,	/* label stacks, when rows carry them */
		.color = o->color,
		.arg = so,
		.asn_of = table_asn,
	};
	pp_table_init(&so->table, &to);
	if (pp_names_init(&so->names) == -1) {
		pp_table_release(&so->table);
		return -1;
	}
	pp_jw_init(&so->w);
	pp_export_init(&so->x);
	pp_export_prom_init(&so->prom);
	return 0;
}

void
pp_statsout_release(struct pp_statsout *so)
{
	pp_table_outages_release(&so->toutages);
	pp_table_release(&so->table);
	pp_names_release(&so->names);
	json_decref(so->source);
	so->source = NULL;
	free(so->source_host);
	so->source_host = NULL;
	pp_jw_release(&so->w);
	pp_export_release(&so->x);
	pp_export_prom_release(&so->prom);
}

/* The record in so->w, a line of its own. */
static int
write_line(struct pp_statsout *so)
{
	int rc = 0;

	if (pp_jw_write(&so->w, so->o.out) == -1) {
		so->io_error = true;
		rc = -1;
	}
	if (so->o.unbuffered)
		(void)fflush(so->o.out);
	return rc;
}

void
pp_statsout_meta(struct pp_statsout *so)
{
	const struct pp_trange *range = so->o.range;
	char dur[32];

	pp_jw_meta(&so->w, "pp-stats", so->o.argc, so->o.argv);
	pp_jw_key(&so->w, "settings");
	pp_jw_obj_begin(&so->w);
	if (so->o.every > 0)
		pp_jw_kstr(&so->w, "every", pp_format_duration(so->o.every,
		    dur, sizeof(dur)));
	if (so->o.merge)
		pp_jw_kbool(&so->w, "merge", true);
	if (so->o.as_vantage != NULL)
		pp_jw_kstr(&so->w, "as_vantage", so->o.as_vantage);
	if (so->o.parts || so->o.merge)
		pp_jw_kint(&so->w, "parts", PP_PARTS_VERSION);
	if (range != NULL && isfinite(range->lo))
		pp_jw_knum(&so->w, "from", range->lo, PP_DEC_TS);
	if (range != NULL && isfinite(range->hi))
		pp_jw_knum(&so->w, "to", range->hi, PP_DEC_TS);
	pp_jw_knum(&so->w, "outage_loss", so->o.outage_loss, PP_DEC_PCT);
	pp_jw_knum(&so->w, "outage_min", so->o.outage_min, PP_DEC_TS);
	if (so->source != NULL) {
		pp_jw_key(&so->w, "source");
		pp_json_emit(&so->w, so->source, false);
	}
	pp_jw_obj_end(&so->w);
	pp_jw_end(&so->w);
}

int
pp_statsout_meta_write(struct pp_statsout *so, const char *path)
{
	pp_statsout_meta(so);
	size_t len = so->w.len + 1;
	char *buf = malloc(len);
	if (buf == NULL)
		return -1;
	memcpy(buf, so->w.buf, so->w.len);
	buf[so->w.len] = '\n';
	int rc = pp_atomic_write(path, buf, len);
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}

int
pp_statsout_input_meta(struct pp_statsout *so, struct pp_agg *a,
    struct pp_record *rec)
{
	json_t *o = pp_record_json(rec, NULL);
	json_t *set = o != NULL ? json_object_get(o, "settings") : NULL;
	json_t *host = o != NULL ? json_object_get(o, "host") : NULL;

	if (a != NULL)
		pp_agg_meta(a, set);
	if (so->source != NULL || !json_is_object(set))
		return 0;
	if (json_is_string(host)) {
		so->source_host = strdup(json_string_value(host));
		if (so->source_host == NULL) {
			so->oom = true;
			return -1;
		}
	}
	so->source = json_incref(set);
	return 0;
}

/* The meta record (NDJSON) or header row (CSV), once, before the first
 * output. */
static void
start_output(struct pp_statsout *so)
{
	if (so->started)
		return;
	so->started = true;
	if (so->o.format == PP_STATSOUT_NDJSON) {
		pp_statsout_meta(so);
		(void)write_line(so);
	} else if (so->o.format == PP_STATSOUT_CSV) {
		fputs(PP_CSV_STATS_HEADER, so->o.out);
	}
}

/* The host (vantage point) of a row: its own, else the first input meta
 * record's host, else "". */
static const char *
row_host(const struct pp_statsout *so, const char *vantage)
{
	if (vantage != NULL)
		return vantage;
	return so->source_host != NULL ? so->source_host : "";
}

/* A row of the table; -w: held until its window is whole (the host
 * column fits its longest name; strings interned by the aggregator). */
static int
table_row(struct pp_statsout *so, const struct pp_stats_rec *r)
{
	table_opts(so);
	if (!so->o.wide) {
		pp_table_row(&so->table, so->o.out, row_host(so, r->vantage),
		    r, true);
	} else if (pp_table_hold(&so->table, so->o.out, so->source_host, r) ==
	    -1) {
		so->oom = true;
		return -1;
	}
	return 0;
}

/* The line protocol made so far, written (unless spooled). */
static int
export_flush(struct pp_statsout *so)
{
	int rc = 0;

	if (so->o.spool)
		return 0;	/* the caller's */
	if (pp_export_flush(&so->x, so->o.out) == -1) {
		so->io_error = true;
		rc = -1;
	}
	if (so->o.unbuffered)
		(void)fflush(so->o.out);
	return rc;
}

int
pp_statsout_row(struct pp_statsout *so, const struct pp_stats_rec *r,
    size_t series)
{
	if (so->oom)
		return -1;
	start_output(so);
	switch (so->o.format) {
	case PP_STATSOUT_PROM:
		if (pp_export_prom_stats(&so->prom, series, r) == -1) {
			so->oom = true;
			return -1;
		}
		return 0;
	case PP_STATSOUT_INFLUX:
		pp_export_influx_stats(&so->x, r);
		return export_flush(so);
	case PP_STATSOUT_NDJSON:
		pp_stats_rec_write(&so->w, r);
		return write_line(so);
	case PP_STATSOUT_CSV:
		pp_csv_stats_row(so->o.out, row_host(so, r->vantage), r);
		return 0;
	case PP_STATSOUT_TABLE:
		return table_row(so, r);
	}
	return 0;
}

int
pp_statsout_outage(struct pp_statsout *so, const struct pp_outage_rec *r)
{
	if (so->oom)
		return -1;
	switch (so->o.format) {
	case PP_STATSOUT_PROM:
		return 0;
	case PP_STATSOUT_INFLUX:
		pp_export_influx_outage(&so->x, r);
		return export_flush(so);
	case PP_STATSOUT_NDJSON:
		start_output(so);
		pp_outage_rec_write(&so->w, r);
		return write_line(so);
	case PP_STATSOUT_CSV:
		if (so->o.outages != NULL)
			pp_csv_outage_row(so->o.outages,
			    row_host(so, r->vantage), r);
		else
			so->outages_unwritten++;
		return 0;
	case PP_STATSOUT_TABLE:
		if (pp_table_outages_add(&so->toutages, r) == -1) {
			so->oom = true;
			return -1;
		}
		return 0;
	}
	return 0;
}

int
pp_statsout_mos(struct pp_statsout *so, struct pp_record *rec,
    struct pp_error *err)
{
	struct pp_mos_rec m;

	if (so->oom || (so->o.format != PP_STATSOUT_PROM &&
	    so->o.format != PP_STATSOUT_INFLUX))
		return 0;
	json_t *o = pp_record_json(rec, NULL);
	if (o == NULL)
		return 0;
	if (pp_mos_rec_read(&m, o, err) == -1)
		return -1;
	if (so->o.format == PP_STATSOUT_INFLUX) {
		pp_export_influx_mos(&so->x, &m);
		(void)export_flush(so);
	} else if (pp_export_prom_mos(&so->prom, &m) == -1) {
		so->oom = true;
	}
	return 0;
}

int
pp_statsout_finish(struct pp_statsout *so)
{
	table_opts(so);
	pp_table_flush(&so->table, so->o.out, so->source_host);
	if (so->o.format == PP_STATSOUT_TABLE)
		pp_table_outages_write(&so->toutages, so->o.out,
		    so->o.outage_loss, so->o.outage_min);
	if (so->o.format == PP_STATSOUT_PROM &&
	    pp_export_prom_write(&so->prom, so->o.out) == -1) {
		so->io_error = true;
		return -1;
	}
	return 0;
}

void
pp_statsout_agg_stats(void *arg, const struct pp_agg *a,
    const struct pp_agg_key *k, double start, double end)
{
	struct pp_statsout *so = arg;
	struct pp_stats_rec r;

	if (so->o.range != NULL)
		pp_trange_clip(so->o.range, &start, &end);
	pp_agg_row(a, k, start, end, &r);
	(void)pp_statsout_row(so, &r, (size_t)(k - a->keys));
}

void
pp_statsout_agg_outage(void *arg, const struct pp_agg *a,
    const struct pp_agg_outage *o)
{
	struct pp_outage_rec r;

	(void)a;
	pp_agg_outage_rec(o, &r);
	(void)pp_statsout_outage(arg, &r);
}

void
pp_statsout_merge_row(void *arg, const struct pp_stats_rec *r, uint32_t key)
{
	(void)pp_statsout_row(arg, r, key);
}

void
pp_statsout_merge_outage(void *arg, const struct pp_outage_rec *r,
    const char *line, size_t len)
{
	struct pp_statsout *so = arg;
	FILE *f = so->o.out;

	if (so->oom)
		return;
	start_output(so);
	if (line == NULL) {
		pp_outage_rec_write(&so->w, r);
		if (pp_jw_write(&so->w, f) == -1)
			so->io_error = true;
		return;
	}
	if (fwrite(line, 1, len, f) != len || putc('\n', f) == EOF)
		so->io_error = true;
}
