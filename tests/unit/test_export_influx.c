/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/export.h"
#include "lib/export_influx.h"
#include "tests/unit/check.h"
#include "tests/unit/export_test.h"

void test_export_influx(void);

/* A tag (or field key) and a string field value. */
static void
escapes(struct pp_export *x)
{
	static const struct {
		const char *in;
		const char *tag;
		const char *str;
	} cases[] = {
		{ "example.net", "example.net", "\"example.net\"" },
		{ "", "", "\"\"" },
		{ "a\\b", "a\\b", "\"a\\\\b\"" },
		{ "end\\", "end\xe2\xa7\xb5", "\"end\\\\\"" },
		{ "x\\,y\\ z\\=",
		    "x\xe2\xa7\xb5\\,y\xe2\xa7\xb5\\ z\xe2\xa7\xb5\\=",
		    "\"x\\\\,y\\\\ z\\\\=\"" },
		{ "\\\\n", "\\\\n", "\"\\\\\\\\n\"" },
		{ "say \"hi\"", "say\\ \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "two\nlines", "two\\nlines", "\"two\\nlines\"" },
		{ "cr\rhere", "cr\\rhere", "\"cr\\rhere\"" },
		{ "a,b=c d", "a\\,b\\=c\\ d", "\"a,b=c d\"" },
		{ "{x=\"}\"}", "{x\\=\"}\"}", "\"{x=\\\"}\\\"}\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9\\ \xe2\x82\xac",
		    "\"caf\xc3\xa9 \xe2\x82\xac\"" },
		{ "bad\xff", "bad\xef\xbf\xbd", "\"bad\xef\xbf\xbd\"" },
		{ "\xc0\xafx", "\xef\xbf\xbd\xef\xbf\xbdx",
		    "\"\xef\xbf\xbd\xef\xbf\xbdx\"" },
		{ "cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd",
		    "\"cut\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(x);
		pp_export_influx_tag(x, cases[i].in);
		CHECK_STR(text_of(x), cases[i].tag, "influx tag");
		pp_export_reset(x);
		pp_export_influx_str(x, cases[i].in);
		CHECK_STR(text_of(x), cases[i].str, "influx string");
	}
}

static void
influx(struct pp_export *x)
{
	struct pp_stats_rec s = stats_of("a b,c=d", 3, "198.18.1.2",
	    1764000000.25, 10, 9, 7.912);

	pp_export_reset(x);
	pp_export_influx_stats(x, &s);
	CHECK_STR(text_of(x), "pp_stats,target=a\\ b\\,c\\=d,ttl=3,"
	    "addr=198.18.1.2 sent=10i,recv=9i,loss=10.0,fwd_loss=0.0,"
	    "last=7.912,min=6.912,avg=7.912,max=8.912,stdev=0.5,p50=7.912,"
	    "p90=8.412,p95=8.662,p99=8.812,jitter=0.25,jmax=1.5,jint=0.125,"
	    "end_ts=1764000060.25 1764000000250000000\n", "stats line");

	/* No answer: undefined figures and the address left out. */
	s = stats_of("t", 0, NULL, 1764000000.000001, 4, 0, 0);
	pp_export_reset(x);
	pp_export_influx_stats(x, &s);
	CHECK_STR(text_of(x), "pp_stats,target=t sent=4i,recv=0i,loss=100.0,"
	    "end_ts=1764000060.000001 1764000000000001000\n", "no answers");

	struct pp_outage_rec o = {
		.target = "t", .ttl = 0, .start = 1764000010.0,
		.end = 1764000018.5, .sent = 8, .recv = 0, .ongoing = true,
	};
	pp_export_reset(x);
	pp_export_influx_outage(x, &o);
	CHECK_STR(text_of(x), "pp_outage,target=t duration_ms=8500.0,sent=8i,"
	    "recv=0i,loss=100.0,ongoing=true,end_ts=1764000018.5 "
	    "1764000010000000000\n", "outage line");

	struct pp_mos_rec m = {
		.target = "t", .codec = "g711", .model = "emodel",
		.start = 1764000000, .end = 1764000100, .rtt = 40.183,
		.jitter = NAN, .jitter_buffer = NAN, .delay = NAN, .loss = 0.8,
		.burst_r = NAN, .ie_eff = NAN, .r = 88.973, .mos = 4.313,
		.sent = -1, .recv = 7, .note = "say \"no\"\\",
	};
	pp_export_reset(x);
	pp_export_influx_mos(x, &m);
	CHECK_STR(text_of(x), "pp_mos,target=t,codec=g711,model=emodel "
	    "rtt=40.183,loss=0.8,recv=7i,r=88.973,mos=4.313,"
	    "note=\"say \\\"no\\\"\\\\\",end_ts=1764000100.0 "
	    "1764000000000000000\n", "mos line");

	/* A mos record with no figure at all gives no line (a point needs
	 * a field). */
	struct pp_mos_rec empty = {
		.target = "t", .codec = "g711", .model = "emodel",
		.start = NAN, .end = NAN, .rtt = NAN, .jitter = NAN,
		.jitter_buffer = NAN, .delay = NAN, .loss = NAN,
		.burst_r = NAN, .ie_eff = NAN, .r = NAN, .mos = NAN,
		.sent = -1, .recv = -1,
	};
	pp_export_reset(x);
	pp_export_influx_mos(x, &empty);
	CHECK(x->len == 0, "empty mos: %s", text_of(x));

	/* The vantage point: the first tag, escaped as any; empty: none. */
	static const struct {
		const char *vantage;
		const char *want;
	} vt[] = {
		{ "site-a", "pp_stats,vantage=site-a,target=t sent=4i," },
		{ "a b,c=d\\", "pp_stats,vantage=a\\ b\\,c\\=d\xe2\xa7\xb5,"
		    "target=t sent=4i," },
		{ "", "pp_stats,target=t sent=4i," },
	};
	for (size_t i = 0; i < sizeof(vt) / sizeof(vt[0]); i++) {
		s = stats_of("t", 0, NULL, 1764000000, 4, 0, 0);
		s.vantage = vt[i].vantage;
		pp_export_reset(x);
		pp_export_influx_stats(x, &s);
		CHECK(strncmp(text_of(x), vt[i].want, strlen(vt[i].want)) == 0,
		    "vantage tag %zu: %s", i, text_of(x));
	}
	o.vantage = "v";
	pp_export_reset(x);
	pp_export_influx_outage(x, &o);
	CHECK(strncmp(text_of(x), "pp_outage,vantage=v,target=t ", 29) == 0,
	    "outage vantage: %s", text_of(x));
	m.vantage = "v";
	pp_export_reset(x);
	pp_export_influx_mos(x, &m);
	CHECK(strncmp(text_of(x), "pp_mos,vantage=v,target=t,", 26) == 0,
	    "mos vantage: %s", text_of(x));
}

void
test_export_influx(void)
{
	struct pp_export x;

	pp_export_init(&x);
	escapes(&x);
	influx(&x);
	pp_export_release(&x);
}
