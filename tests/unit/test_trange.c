/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/record.h"
#include "lib/trange.h"
#include "tests/unit/check.h"

void test_trange(void);

/* Keep or not, for a line, under r. */
static int
keeps(struct pp_trange *r, const char *line)
{
	struct pp_record rec;
	struct pp_error e;
	int k = -1;

	pp_record_init(&rec);
	if (pp_record_parse(&rec, line, strlen(line), &e) == 0)
		k = pp_trange_keep(r, &rec) ? 1 : 0;
	pp_record_release(&rec);
	return k;
}

void
test_trange(void)
{
	/* 2025-11-24T16:00:00Z is 1764000000. */
	static const struct {
		const char *in;
		enum pp_tbase base;
		double t;	/* ABS: epoch; else offset */
		int rc;
	} cases[] = {
		{ "1764000000", PP_TB_ABS, 1764000000, 0 },
		{ "1764000000.25", PP_TB_ABS, 1764000000.25, 0 },
		{ "2025-11-24T16:00:00Z", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24t16:00:00z", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24 16:00:00Z", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24T16:00Z", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24T16:00:00.5Z", PP_TB_ABS, 1764000000.5, 0 },
		{ "2025-11-24T16:00:00,5Z", PP_TB_ABS, 1764000000.5, 0 },
		{ "2025-11-24T17:00:00+01:00", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24T17:30:00+0130", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24T11:00:00-05", PP_TB_ABS, 1764000000, 0 },
		{ "2025-11-24Z", PP_TB_ABS, 1763942400, 0 },
		{ "2024-02-29T00:00:00Z", PP_TB_ABS, 1709164800, 0 },
		{ "-2h", PP_TB_END, -7200, 0 },
		{ "end-90s", PP_TB_END, -90, 0 },
		{ "end", PP_TB_END, 0, 0 },
		{ "+10m", PP_TB_START, 600, 0 },
		{ "start+1.5s", PP_TB_START, 1.5, 0 },
		{ "start", PP_TB_START, 0, 0 },
		{ "now", PP_TB_NOW, 0, 0 },
		{ "now-1d", PP_TB_NOW, -86400, 0 },
		{ "now+5m", PP_TB_NOW, 300, 0 },
		/* Refused. */
		{ "2025-02-29T00:00:00Z", PP_TB_NONE, 0, -1 },
		{ "2025-13-01", PP_TB_NONE, 0, -1 },
		{ "2025-11-24T24:00:00Z", PP_TB_NONE, 0, -1 },
		{ "2025-11-24T16:00:61Z", PP_TB_NONE, 0, -1 },
		{ "2025-11-24T16Z", PP_TB_NONE, 0, -1 },
		{ "2025-11-24T16:00:00+25:00", PP_TB_NONE, 0, -1 },
		{ "2025-11-24T16:00:00 UTC", PP_TB_NONE, 0, -1 },
		{ "1969-12-31", PP_TB_NONE, 0, -1 },
		{ "-2x", PP_TB_NONE, 0, -1 },
		{ "-", PP_TB_NONE, 0, -1 },
		{ "nowish", PP_TB_NONE, 0, -1 },
		{ "yesterday", PP_TB_NONE, 0, -1 },
		{ "", PP_TB_NONE, 0, -1 },
		{ "1e20", PP_TB_NONE, 0, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_tbound b = { PP_TB_NONE, 0 };
		struct pp_error e;
		pp_error_clear(&e);
		int rc = pp_tbound_parse(cases[i].in, &b, &e);
		CHECK(rc == cases[i].rc, "tbound(%s) rc %d (%s)", cases[i].in,
		    rc, e.msg);
		if (rc != 0 || cases[i].rc != 0)
			continue;
		CHECK(b.base == cases[i].base, "tbound(%s) base %d",
		    cases[i].in, (int)b.base);
		CHECK_NEAR(b.t, cases[i].t, 1e-6, cases[i].in);
	}

	/* Without a zone: local time, summer time as it was then. */
	const char *old = getenv("TZ");
	char *saved = old != NULL ? strdup(old) : NULL;
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	struct pp_tbound b;
	CHECK(pp_tbound_parse("2025-11-24T17:00:00", &b, NULL) == 0 &&
	    b.t == 1764000000, "local winter time: %.0f", b.t);
	CHECK(pp_tbound_parse("2025-07-01T02:00", &b, NULL) == 0 &&
	    b.t == 1751328000, "local summer time: %.0f", b.t);
	/* The hour summer time repeats (two instants) and the one it skips
	 * (none): errors, never a guess; the hours beside them as ever. */
	struct pp_error te;
	pp_error_clear(&te);
	CHECK(pp_tbound_parse("2025-10-26T02:30:00", &b, &te) == -1 &&
	    strstr(te.msg, "twice over") != NULL &&
	    strstr(te.msg, "+02:00 or +01:00") != NULL, "fold: %s", te.msg);
	pp_error_clear(&te);
	CHECK(pp_tbound_parse("2025-03-30T02:00", &b, &te) == -1 &&
	    strstr(te.msg, "no such local time") != NULL, "gap: %s", te.msg);
	CHECK(pp_tbound_parse("2025-10-26T01:59:59", &b, NULL) == 0 &&
	    b.t == 1761436799, "before the fold: %.0f", b.t);
	CHECK(pp_tbound_parse("2025-10-26T03:00:00", &b, NULL) == 0 &&
	    b.t == 1761444000, "after the fold: %.0f", b.t);
	CHECK(pp_tbound_parse("2025-03-30T03:00", &b, NULL) == 0 &&
	    b.t == 1743296400, "after the gap: %.0f", b.t);
	char lbuf[40];
	CHECK_STR(pp_iso_format(1764000000, 0, PP_ISO_LOCAL, lbuf,
	    sizeof(lbuf)), "2025-11-24T17:00:00+0100", "iso local winter");
	CHECK_STR(pp_iso_format(1751328000.7, 0, PP_ISO_LOCAL | PP_ISO_SPACE |
	    PP_ISO_FLOOR, lbuf, sizeof(lbuf)), "2025-07-01 02:00:00",
	    "iso local summer, for reading");
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	free(saved);
	tzset();

	/* Half-open, windows by overlap, meta and timeless records kept. */
	struct pp_trange r;
	pp_trange_init(&r);
	CHECK(!pp_trange_active(&r), "inactive");
	r.from.base = PP_TB_ABS;
	r.from.t = 100;
	r.to.base = PP_TB_ABS;
	r.to.t = 200;
	CHECK(pp_trange_resolve(&r, NULL, 0, NULL) == 0, "resolve");
	static const struct {
		const char *line;
		int keep;
	} recs[] = {
		{ "{\"type\":\"probe\",\"ts\":99.999999,\"target\":\"t\","
		  "\"status\":\"timeout\"}", 0 },
		{ "{\"type\":\"probe\",\"ts\":100,\"target\":\"t\","
		  "\"status\":\"timeout\"}", 1 },
		{ "{\"type\":\"probe\",\"ts\":199.9,\"target\":\"t\","
		  "\"status\":\"timeout\"}", 1 },
		{ "{\"type\":\"probe\",\"ts\":200,\"target\":\"t\","
		  "\"status\":\"timeout\"}", 0 },
		{ "{\"type\":\"stats\",\"target\":\"t\",\"start\":40,"
		  "\"end\":100}", 1 },
		{ "{\"type\":\"stats\",\"target\":\"t\",\"start\":40,"
		  "\"end\":99}", 0 },
		{ "{\"type\":\"outage\",\"target\":\"t\",\"start\":199,"
		  "\"end\":300}", 1 },
		{ "{\"type\":\"mos\",\"target\":\"t\",\"start\":200,"
		  "\"end\":260}", 0 },
		{ "{\"type\":\"stats\",\"target\":\"t\",\"start\":50,"
		  "\"end\":250}", 1 },
		{ "{\"type\":\"alert\",\"ts\":150,\"target\":\"t\"}", 1 },
		{ "{\"type\":\"route\",\"ts\":250,\"target\":\"t\"}", 0 },
		{ "{\"type\":\"meta\",\"ts\":5}", 1 },
		{ "{\"type\":\"weird\",\"ts\":5}", 0 },
		{ "{\"type\":\"weird\",\"x\":5}", 1 },
	};
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		CHECK(keeps(&r, recs[i].line) == recs[i].keep, "keep %s",
		    recs[i].line);
	CHECK(r.kept == 6 && r.outside == 6, "counts %lu %lu", r.kept,
	    r.outside);
	CHECK(r.seen_lo == 5 && r.seen_hi == 300, "seen %g %g", r.seen_lo,
	    r.seen_hi);
	double s0 = 90;
	double s1 = 260;
	pp_trange_clip(&r, &s0, &s1);
	CHECK(s0 == 100 && s1 == 200, "clip %g %g", s0, s1);

	/* Relative to the first record: resolved by it. */
	pp_trange_init(&r);
	CHECK(pp_tbound_parse("+10s", &r.to, NULL) == 0, "+10s");
	CHECK(pp_trange_resolve(&r, NULL, 0, NULL) == 0, "resolve start");
	CHECK(keeps(&r, "{\"type\":\"probe\",\"ts\":1000,\"target\":\"t\","
	    "\"status\":\"timeout\"}") == 1, "first");
	CHECK(r.hi == 1010, "hi %g", r.hi);
	CHECK(keeps(&r, "{\"type\":\"probe\",\"ts\":1010,\"target\":\"t\","
	    "\"status\":\"timeout\"}") == 0, "at to");

	/* from not before to. */
	pp_trange_init(&r);
	r.from.base = r.to.base = PP_TB_ABS;
	r.from.t = r.to.t = 5;
	CHECK(pp_trange_resolve(&r, NULL, 0, NULL) == -1, "from == to");

	char buf[40];
	CHECK_STR(pp_iso_time(1764000000, 0, buf, sizeof(buf)),
	    "2025-11-24T16:00:00Z", "iso 0");
	CHECK_STR(pp_iso_time(1764000000.25, 3, buf, sizeof(buf)),
	    "2025-11-24T16:00:00.250Z", "iso 3");
	CHECK_STR(pp_iso_time(1764000059.9999999, 3, buf, sizeof(buf)),
	    "2025-11-24T16:01:00.000Z", "iso carry");
	CHECK_STR(pp_iso_time(1764000000.000001, 6, buf, sizeof(buf)),
	    "2025-11-24T16:00:00.000001Z", "iso 6");
	CHECK_STR(pp_iso_time(NAN, 3, buf, sizeof(buf)), "", "iso nan");

	/* pp_iso_format: rounded, or floored (tables' Start/End and
	 * outages: the second a time falls in), "" or "-" for no time. */
	static const struct {
		double t;
		int decimals;
		unsigned flags;
		const char *want;
	} iso[] = {
		{ 1764000000.6, 0, 0, "2025-11-24T16:00:01Z" },
		{ 1764000000.6, 0, PP_ISO_FLOOR, "2025-11-24T16:00:00Z" },
		{ 1764000059.999, 0, PP_ISO_FLOOR, "2025-11-24T16:00:59Z" },
		{ 1764000059.999, 0, 0, "2025-11-24T16:01:00Z" },
		{ 1764000000.2567, 3, PP_ISO_FLOOR, "2025-11-24T16:00:00.256Z" },
		{ 1764000000.2567, 3, 0, "2025-11-24T16:00:00.257Z" },
		{ -0.5, 0, PP_ISO_FLOOR, "1969-12-31T23:59:59Z" },
		{ 0, 0, PP_ISO_FLOOR | PP_ISO_DASH, "1970-01-01T00:00:00Z" },
		{ NAN, 0, PP_ISO_FLOOR | PP_ISO_DASH, "-" },
		{ INFINITY, 0, PP_ISO_DASH, "-" },
		{ -INFINITY, 0, PP_ISO_FLOOR, "" },
		{ 1e12, 0, PP_ISO_DASH, "-" },
		{ 1e300, 3, 0, "" },
		{ 1764000000.6, 0, PP_ISO_FLOOR | PP_ISO_SPACE,
		  "2025-11-24 16:00:00" },
		{ 1764000000.25, 3, PP_ISO_SPACE, "2025-11-24 16:00:00.250" },
		{ NAN, 0, PP_ISO_SPACE | PP_ISO_DASH, "-" },
	};
	for (size_t i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
		char what[32];
		(void)snprintf(what, sizeof(what), "iso format %zu", i);
		CHECK_STR(pp_iso_format(iso[i].t, iso[i].decimals,
		    iso[i].flags, buf, sizeof(buf)), iso[i].want, what);
	}
	/* A short buffer is cut, never overrun. */
	char small[8];
	CHECK_STR(pp_iso_format(1764000000, 0, PP_ISO_FLOOR, small,
	    sizeof(small)), "2025-11", "iso short");
}
