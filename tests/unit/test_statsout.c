/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/csv.h"
#include "lib/export.h"
#include "lib/export_influx.h"
#include "lib/export_prom.h"
#include "lib/jsonw.h"
#include "lib/model.h"
#include "lib/record.h"
#include "lib/statsout.h"
#include "tests/unit/check.h"

void test_statsout(void);

/* An output under test: the rows' and the outages' streams in memory. */
struct harness {
	struct pp_statsout so;
	char *buf;		/* rows (open_memstream) */
	size_t len;
	FILE *f;
	char *obuf;		/* outages */
	size_t olen;
	FILE *of;
	struct pp_trange range;
};

static char arg0[] = "pp-stats";
static char arg1[] = "-x";
static char *argv0[] = { arg0, arg1, NULL };

static bool
h_init(struct harness *h, enum pp_statsout_format fmt, bool outages,
    bool spool)
{
	memset(h, 0, sizeof(*h));
	h->f = open_memstream(&h->buf, &h->len);
	h->of = outages ? open_memstream(&h->obuf, &h->olen) : NULL;
	pp_trange_init(&h->range);
	struct pp_statsout_opts o = {
		.format = fmt,
		.out = h->f,
		.outages = h->of,
		.spool = spool,
		.argc = 2,
		.argv = argv0,
		.every = 10,
		.range = &h->range,
		.outage_loss = 30,
		.outage_min = 3,
	};
	if (h->f == NULL || pp_statsout_init(&h->so, &o) == -1) {
		CHECK(false, "harness set-up");
		return false;
	}
	return true;
}

/* What was written to the rows' stream so far (borrowed). */
static const char *
h_text(struct harness *h)
{
	(void)fflush(h->f);
	return h->buf != NULL ? h->buf : "";
}

static const char *
h_otext(struct harness *h)
{
	if (h->of == NULL)
		return "";
	(void)fflush(h->of);
	return h->obuf != NULL ? h->obuf : "";
}

static void
h_release(struct harness *h)
{
	pp_statsout_release(&h->so);
	(void)fclose(h->f);
	if (h->of != NULL)
		(void)fclose(h->of);
	free(h->buf);
	free(h->obuf);
}

/* A record of the input, decoded (caller releases). */
static bool
record_of(struct pp_record *rec, const char *line)
{
	struct pp_error e;

	pp_record_init(rec);
	pp_error_clear(&e);
	if (pp_record_parse(rec, line, strlen(line), &e) == -1) {
		CHECK(false, "parse %s: %s", line, e.msg);
		return false;
	}
	return true;
}

static void
input_meta(struct harness *h, struct pp_agg *a, const char *line)
{
	struct pp_record rec;

	if (!record_of(&rec, line))
		return;
	CHECK(pp_statsout_input_meta(&h->so, a, &rec) == 0, "input meta");
	pp_record_release(&rec);
}

static void
a_row(struct pp_stats_rec *r, const char *vantage, const char *target,
    int ttl)
{
	pp_stats_rec_init(r);
	r->vantage = vantage;
	r->target = target;
	r->ttl = ttl;
	r->start = 1764000000;
	r->end = 1764000009.5;
	r->sent = 10;
	r->recv = 9;
	r->loss = 10;
	r->min = r->avg = r->max = r->last = 1.5;
}

static void
an_outage(struct pp_outage_rec *o, const char *vantage, const char *target)
{
	memset(o, 0, sizeof(*o));
	o->vantage = vantage;
	o->target = target;
	o->start = 1764000001;
	o->end = 1764000005;
	o->sent = 4;
	o->recv = 0;
	o->loss = 100;
	o->duration = 4000;
}

/* What the lower writers give for a row and an outage (caller frees). */
static char *
csv_row(const char *host, const struct pp_stats_rec *r,
    const struct pp_outage_rec *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (r != NULL)
		pp_csv_stats_row(f, host, r);
	else
		pp_csv_outage_row(f, host, o);
	(void)fclose(f);
	return buf;
}

static char *
ndjson_line(const struct pp_stats_rec *r, const struct pp_outage_rec *o)
{
	struct pp_jw w;

	pp_jw_init(&w);
	if (r != NULL)
		pp_stats_rec_write(&w, r);
	else
		pp_outage_rec_write(&w, o);
	char *s = malloc(w.len + 2);
	if (s != NULL) {
		memcpy(s, w.buf, w.len);
		s[w.len] = '\n';
		s[w.len + 1] = '\0';
	}
	pp_jw_release(&w);
	return s;
}

static void
formats(void)
{
	static const struct {
		const char *s;
		int rc;
		enum pp_statsout_format f;
	} cases[] = {
		{ "ndjson", 0, PP_STATSOUT_NDJSON },
		{ "table", 0, PP_STATSOUT_TABLE },
		{ "csv", 0, PP_STATSOUT_CSV },
		{ "prom", 0, PP_STATSOUT_PROM },
		{ "influx", 0, PP_STATSOUT_INFLUX },
		{ "", -1, PP_STATSOUT_TABLE },
		{ "NDJSON", -1, PP_STATSOUT_TABLE },
		{ "csv ", -1, PP_STATSOUT_TABLE },
		{ "prometheus", -1, PP_STATSOUT_TABLE },
		{ "influxdb", -1, PP_STATSOUT_TABLE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum pp_statsout_format f = PP_STATSOUT_TABLE;
		int rc = pp_statsout_format_parse(cases[i].s, &f);
		CHECK(rc == cases[i].rc && f == cases[i].f,
		    "format '%s': rc %d format %d", cases[i].s, rc, (int)f);
	}
}

/* CSV: the header once, each row under its host (its own vantage point,
 * else the input meta's host, else ""), outages to their stream under
 * the same host, or counted without one. */
static void
csv(void)
{
	static const struct {
		const char *meta;	/* an input meta record, NULL none */
		const char *vantage;	/* the row's and outage's */
		const char *host;	/* the host cell wanted */
		bool outages;		/* an outages stream */
	} cases[] = {
		{ NULL, NULL, "", true },
		{ NULL, "vpR", "vpR", true },
		{ "{\"type\":\"meta\",\"host\":\"vpM\",\"settings\":{}}", NULL,
		    "vpM", true },
		{ "{\"type\":\"meta\",\"host\":\"vpM\",\"settings\":{}}", "vpR",
		    "vpR", true },
		{ "{\"type\":\"meta\",\"host\":\"vpM\"}", NULL, "", true },
		{ "{\"type\":\"meta\",\"host\":\"vpM\",\"settings\":{}}", NULL,
		    "vpM", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;
		struct pp_stats_rec r;
		struct pp_outage_rec o;

		if (!h_init(&h, PP_STATSOUT_CSV, cases[i].outages, false))
			return;
		if (cases[i].meta != NULL)
			input_meta(&h, NULL, cases[i].meta);
		a_row(&r, cases[i].vantage, "t.example", 3);
		an_outage(&o, cases[i].vantage, "t.example");
		CHECK(pp_statsout_row(&h.so, &r, 0) == 0, "csv %zu row", i);
		CHECK(pp_statsout_outage(&h.so, &o) == 0, "csv %zu outage",
		    i);
		CHECK(pp_statsout_row(&h.so, &r, 0) == 0, "csv %zu row", i);
		char *row = csv_row(cases[i].host, &r, NULL);
		char *orow = csv_row(cases[i].host, NULL, &o);
		size_t hl = strlen(PP_CSV_STATS_HEADER);
		size_t rl = row != NULL ? strlen(row) : 0;
		const char *got = h_text(&h);
		CHECK(row != NULL && strlen(got) == hl + 2 * rl &&
		    strncmp(got, PP_CSV_STATS_HEADER, hl) == 0 &&
		    strncmp(got + hl, row, rl) == 0 &&
		    strcmp(got + hl + rl, row) == 0,
		    "csv %zu: got '%s', want the header and twice '%s'", i,
		    got, row != NULL ? row : "");
		if (cases[i].outages)
			CHECK_STR(h_otext(&h), orow, "csv outage row");
		CHECK(h.so.outages_unwritten == (cases[i].outages ? 0 : 1),
		    "csv %zu: %lu outages unwritten", i,
		    h.so.outages_unwritten);
		CHECK(pp_statsout_finish(&h.so) == 0 &&
		    strlen(h_text(&h)) == hl + 2 * rl, "csv %zu: finish "
		    "writes nothing", i);
		free(row);
		free(orow);
		h_release(&h);
	}
}

/* NDJSON: the meta record first (once), then the records as lib/model
 * writes them; an outage of lib/merge as it came, or as joined. */
static void
ndjson(void)
{
	struct harness h;
	struct pp_stats_rec r;
	struct pp_outage_rec o;

	if (!h_init(&h, PP_STATSOUT_NDJSON, false, false))
		return;
	input_meta(&h, NULL, "{\"type\":\"meta\",\"host\":\"vpM\","
	    "\"settings\":{\"timeout\":2}}");
	a_row(&r, "vpR", "t.example", 0);
	an_outage(&o, NULL, "t.example");
	pp_statsout_merge_row(&h.so, &r, 7);
	pp_statsout_outage(&h.so, &o);
	pp_statsout_merge_outage(&h.so, NULL, "{\"type\":\"outage\"}", 17);
	pp_statsout_merge_outage(&h.so, &o, NULL, 0);
	char *row = ndjson_line(&r, NULL);
	char *orow = ndjson_line(NULL, &o);
	const char *got = h_text(&h);
	const char *nl = strchr(got, '\n');
	const char *meta_start = "{\"type\":\"meta\",\"tool\":\"pp-stats\"";
	const char *settings = "\"argv\":[\"pp-stats\",\"-x\"],\"settings\":"
	    "{\"every\":\"10s\",\"outage_loss\":30.0,\"outage_min\":3.0,"
	    "\"source\":{\"timeout\":2}}}\n";
	CHECK(strncmp(got, meta_start, strlen(meta_start)) == 0,
	    "ndjson: the meta record first: %s", got);
	CHECK(nl != NULL && (size_t)(nl + 1 - got) >= strlen(settings) &&
	    strncmp(nl + 1 - strlen(settings), settings, strlen(settings)) ==
	    0, "ndjson: meta settings: %.*s", nl != NULL ? (int)(nl - got) :
	    0, got);
	if (nl != NULL && row != NULL && orow != NULL) {
		size_t want = strlen(row) + 2 * strlen(orow) +
		    strlen("{\"type\":\"outage\"}\n");
		const char *p = nl + 1;
		CHECK(strlen(p) == want &&
		    strncmp(p, row, strlen(row)) == 0 &&
		    strncmp(p + strlen(row), orow, strlen(orow)) == 0 &&
		    strncmp(p + strlen(row) + strlen(orow),
		    "{\"type\":\"outage\"}\n", 18) == 0 &&
		    strcmp(p + strlen(row) + strlen(orow) + 18, orow) == 0,
		    "ndjson records: %s", p);
	}
	CHECK(!h.so.io_error && !h.so.oom, "ndjson: no failure");
	free(row);
	free(orow);
	h_release(&h);
}

/* The meta record's settings, from the options and the range. */
static void
meta(void)
{
	static const struct {
		double every;
		bool merge;
		const char *as_vantage;
		bool parts;
		double lo;
		double hi;
		const char *want;	/* the settings object */
	} cases[] = {
		{ 0, false, NULL, false, -INFINITY, INFINITY,
		    "{\"outage_loss\":30.0,\"outage_min\":3.0}" },
		{ 60, false, NULL, true, -INFINITY, INFINITY,
		    "{\"every\":\"1m\",\"parts\":1,\"outage_loss\":30.0,"
		    "\"outage_min\":3.0}" },
		{ 0, true, "all", false, 1764000000.5, INFINITY,
		    "{\"merge\":true,\"as_vantage\":\"all\",\"parts\":1,"
		    "\"from\":1764000000.5,\"outage_loss\":30.0,"
		    "\"outage_min\":3.0}" },
		{ 0, false, NULL, false, -INFINITY, 1764000001,
		    "{\"to\":1764000001.0,\"outage_loss\":30.0,"
		    "\"outage_min\":3.0}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;

		if (!h_init(&h, PP_STATSOUT_CSV, false, false))
			return;
		h.so.o.every = cases[i].every;
		h.so.o.merge = cases[i].merge;
		h.so.o.as_vantage = cases[i].as_vantage;
		h.so.o.parts = cases[i].parts;
		h.range.lo = cases[i].lo;
		h.range.hi = cases[i].hi;
		pp_statsout_meta(&h.so);
		char *text = strndup(h.so.w.buf, h.so.w.len);
		const char *set = text != NULL ? strstr(text, "\"settings\":") :
		    NULL;
		CHECK(set != NULL && strlen(set) == strlen("\"settings\":") +
		    strlen(cases[i].want) + 1 &&
		    strncmp(set + strlen("\"settings\":"), cases[i].want,
		    strlen(cases[i].want)) == 0,
		    "meta %zu: got %s, want %s", i, set != NULL ? set : "",
		    cases[i].want);
		CHECK(strlen(h_text(&h)) == 0, "meta %zu: nothing written",
		    i);
		free(text);
		h_release(&h);
	}
}

/* The input's meta records: the first with settings is the source; its
 * timeout sets the aggregator's horizon; refused counts for each. */
static void
source(void)
{
	static const struct {
		const char *lines[2];
		const char *host;	/* source_host wanted, NULL none */
		bool source;		/* a source */
		double horizon;		/* the aggregator's, s */
	} cases[] = {
		{ { "{\"type\":\"meta\",\"host\":\"a\",\"settings\":"
		    "{\"timeout\":2}}", NULL }, "a", true, 3 },
		{ { "{\"type\":\"meta\",\"host\":\"a\"}",
		    "{\"type\":\"meta\",\"host\":\"b\",\"settings\":"
		    "{\"timeout\":0.5}}" }, "b", true, 1.5 },
		{ { "{\"type\":\"meta\",\"host\":\"a\",\"settings\":"
		    "{\"timeout\":2}}", "{\"type\":\"meta\",\"host\":\"b\","
		    "\"settings\":{\"timeout\":5}}" }, "a", true, 3 },
		{ { "{\"type\":\"meta\",\"settings\":{\"timeout\":3600}}",
		    NULL }, NULL, true, 11 },
		{ { "{\"type\":\"meta\",\"host\":7,\"settings\":"
		    "{\"timeout\":0}}", NULL }, NULL, true, 11 },
		{ { "{\"type\":\"meta\",\"host\":\"a\",\"settings\":[1]}",
		    NULL }, NULL, false, 11 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;
		struct pp_agg a;
		struct pp_agg_opts ao = { .horizon = 11, .outage_loss = 30,
		    .outage_min = 3 };
		struct pp_agg_sink sink = {
			.stats = pp_statsout_agg_stats,
			.outage = pp_statsout_agg_outage,
		};

		if (!h_init(&h, PP_STATSOUT_NDJSON, false, false))
			return;
		sink.arg = &h.so;
		if (pp_agg_init(&a, &ao, &sink) == -1) {
			CHECK(false, "agg init");
			h_release(&h);
			return;
		}
		for (int j = 0; j < 2 && cases[i].lines[j] != NULL; j++)
			input_meta(&h, &a, cases[i].lines[j]);
		CHECK((h.so.source != NULL) == cases[i].source,
		    "source %zu: source %p", i, (void *)h.so.source);
		CHECK((cases[i].host == NULL && h.so.source_host == NULL) ||
		    (cases[i].host != NULL && h.so.source_host != NULL &&
		    strcmp(cases[i].host, h.so.source_host) == 0),
		    "source %zu: host %s", i, h.so.source_host != NULL ?
		    h.so.source_host : "(none)");
		CHECK_NEAR(a.o.horizon, cases[i].horizon, 1e-9, "horizon");
		pp_agg_release(&a);
		h_release(&h);
	}
}

/* Prometheus and InfluxDB: outages only in the line protocol; lines
 * written at once unless spooled; a series id out of range is a failure
 * that stops the output. */
static void
exports(void)
{
	struct harness h;
	struct pp_stats_rec r;
	struct pp_outage_rec o;

	a_row(&r, "vpR", "t.example", 0);
	an_outage(&o, "vpR", "t.example");

	if (h_init(&h, PP_STATSOUT_PROM, false, false)) {
		CHECK(pp_statsout_row(&h.so, &r, 1) == 0, "prom row");
		CHECK(pp_statsout_outage(&h.so, &o) == 0, "prom outage");
		CHECK(strlen(h_text(&h)) == 0, "prom: nothing before the end");
		CHECK(pp_statsout_finish(&h.so) == 0, "prom finish");
		CHECK(strstr(h_text(&h), "target=\"t.example\"") != NULL &&
		    strstr(h_text(&h), "outage") == NULL,
		    "prom exposition: %s", h_text(&h));
		h_release(&h);
	}
	if (h_init(&h, PP_STATSOUT_PROM, false, false)) {
		CHECK(pp_statsout_row(&h.so, &r, PP_EXPORT_PROM_MAX_IDS) == -1 &&
		    h.so.oom, "prom: an id out of range fails");
		CHECK(pp_statsout_row(&h.so, &r, 1) == -1, "prom: then none");
		h_release(&h);
	}
	for (int spool = 0; spool <= 1; spool++) {
		struct pp_export x;
		pp_export_init(&x);
		pp_export_influx_stats(&x, &r);
		pp_export_influx_outage(&x, &o);
		if (!h_init(&h, PP_STATSOUT_INFLUX, false, spool == 1)) {
			pp_export_release(&x);
			return;
		}
		CHECK(pp_statsout_row(&h.so, &r, 0) == 0, "influx row");
		CHECK(pp_statsout_outage(&h.so, &o) == 0, "influx outage");
		if (spool == 1) {
			CHECK(strlen(h_text(&h)) == 0 && h.so.x.len == x.len &&
			    memcmp(h.so.x.buf, x.buf, x.len) == 0,
			    "influx spooled: %zu bytes kept", h.so.x.len);
		} else {
			CHECK(h.so.x.len == 0 && strlen(h_text(&h)) == x.len &&
			    memcmp(h_text(&h), x.buf, x.len) == 0,
			    "influx written: %s", h_text(&h));
		}
		pp_export_release(&x);
		h_release(&h);
	}
}

/* Mos records: exported by prom and influx, a bad one refused; other
 * formats do not look. */
static void
mos(void)
{
	static const struct {
		enum pp_statsout_format f;
		const char *line;
		int rc;
		const char *want;	/* in the output, NULL: nothing */
	} cases[] = {
		{ PP_STATSOUT_INFLUX, "{\"type\":\"mos\",\"target\":\"m.example\","
		    "\"start\":1764000000,\"end\":1764000010,\"codec\":\"g711\","
		    "\"model\":\"emodel\",\"mos\":4.1,\"r\":80}", 0,
		    "pp_mos,target=m.example" },
		{ PP_STATSOUT_INFLUX, "{\"type\":\"mos\",\"target\":7}", -1,
		    NULL },
		{ PP_STATSOUT_PROM, "{\"type\":\"mos\",\"target\":7}", -1, NULL },
		{ PP_STATSOUT_CSV, "{\"type\":\"mos\",\"target\":7}", 0, NULL },
		{ PP_STATSOUT_NDJSON, "{\"type\":\"mos\",\"target\":7}", 0,
		    NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;
		struct pp_record rec;
		struct pp_error e;

		if (!h_init(&h, cases[i].f, false, false))
			return;
		if (!record_of(&rec, cases[i].line)) {
			h_release(&h);
			return;
		}
		pp_error_clear(&e);
		int rc = pp_statsout_mos(&h.so, &rec, &e);
		CHECK(rc == cases[i].rc && (rc == 0 || e.msg[0] != '\0'),
		    "mos %zu: rc %d (%s)", i, rc, e.msg);
		const char *got = h_text(&h);
		if (cases[i].want != NULL)
			CHECK(strstr(got, cases[i].want) != NULL,
			    "mos %zu: got %s", i, got);
		else
			CHECK(got[0] == '\0', "mos %zu: got %s", i, got);
		pp_record_release(&rec);
		h_release(&h);
	}
}

/* The table: outages listed after the rows, at the end. */
static void
table(void)
{
	struct harness h;
	struct pp_stats_rec r;
	struct pp_outage_rec o;

	if (!h_init(&h, PP_STATSOUT_TABLE, false, false))
		return;
	a_row(&r, "vpR", "t.example", 1);
	an_outage(&o, "vpR", "t.example");
	CHECK(pp_statsout_row(&h.so, &r, 0) == 0, "table row");
	CHECK(pp_statsout_outage(&h.so, &o) == 0, "table outage");
	size_t before = strlen(h_text(&h));
	CHECK(before > 0 && strstr(h_text(&h), "t.example") != NULL &&
	    strstr(h_text(&h), "utage") == NULL, "table rows: %s",
	    h_text(&h));
	CHECK(pp_statsout_finish(&h.so) == 0, "table finish");
	CHECK(strlen(h_text(&h)) > before &&
	    strstr(h_text(&h) + before, "utage") != NULL,
	    "table outages at the end: %s", h_text(&h) + before);
	h_release(&h);
}

void
test_statsout(void)
{
	formats();
	csv();
	ndjson();
	meta();
	source();
	exports();
	mos();
	table();
}
