/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "tests/unit/check.h"

void test_export(void);

static const char *
text_of(struct pp_export *x)
{
	static char out[8192];
	size_t n = x->len < sizeof(out) - 1 ? x->len : sizeof(out) - 1;

	if (n > 0)
		memcpy(out, x->buf, n);
	out[n] = '\0';
	return out;
}

/* The whole Prometheus exposition of x, as a string (caller frees). */
static char *
prom_text(struct pp_export *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	CHECK(pp_export_prom_write(x, f) == 0, "prom write");
	(void)fclose(f);
	return buf;
}

static void
escapes(struct pp_export *x)
{
	static const struct {
		const char *in;
		const char *prom;
		const char *tag;
		const char *str;
	} cases[] = {
		{ "example.net", "example.net", "example.net",
		    "\"example.net\"" },
		{ "", "", "", "\"\"" },
		{ "a\\b", "a\\\\b", "a\\b", "\"a\\\\b\"" },
		{ "end\\", "end\\\\", "end\xe2\xa7\xb5", "\"end\\\\\"" },
		{ "x\\,y\\ z\\=", "x\\\\,y\\\\ z\\\\=",
		    "x\xe2\xa7\xb5\\,y\xe2\xa7\xb5\\ z\xe2\xa7\xb5\\=",
		    "\"x\\\\,y\\\\ z\\\\=\"" },
		{ "\\\\n", "\\\\\\\\n", "\\\\n", "\"\\\\\\\\n\"" },
		{ "say \"hi\"", "say \\\"hi\\\"", "say\\ \"hi\"",
		    "\"say \\\"hi\\\"\"" },
		{ "two\nlines", "two\\nlines", "two\\nlines",
		    "\"two\\nlines\"" },
		{ "cr\rhere", "cr\rhere", "cr\\rhere", "\"cr\\rhere\"" },
		{ "a,b=c d", "a,b=c d", "a\\,b\\=c\\ d", "\"a,b=c d\"" },
		{ "{x=\"}\"}", "{x=\\\"}\\\"}", "{x\\=\"}\"}",
		    "\"{x=\\\"}\\\"}\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac",
		    "caf\xc3\xa9\\ \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"" },
		{ "bad\xff", "bad\xef\xbf\xbd", "bad\xef\xbf\xbd",
		    "\"bad\xef\xbf\xbd\"" },
		{ "\xc0\xafx", "\xef\xbf\xbd\xef\xbf\xbdx",
		    "\xef\xbf\xbd\xef\xbf\xbdx", "\"\xef\xbf\xbd\xef\xbf\xbdx\"" },
		{ "cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd",
		    "cut\xef\xbf\xbd\xef\xbf\xbd",
		    "\"cut\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(x);
		pp_export_prom_label(x, cases[i].in);
		CHECK_STR(text_of(x), cases[i].prom, "prom label");
		pp_export_reset(x);
		pp_export_influx_tag(x, cases[i].in);
		CHECK_STR(text_of(x), cases[i].tag, "influx tag");
		pp_export_reset(x);
		pp_export_influx_str(x, cases[i].in);
		CHECK_STR(text_of(x), cases[i].str, "influx string");
	}
}

static void
numbers(struct pp_export *x)
{
	static const struct {
		double v;
		int dec;
		const char *want;
	} cases[] = {
		{ 2.0, 3, "2.0" }, { 7.912, 3, "7.912" },
		{ 0.007912, 6, "0.007912" }, { 0.0000004, 6, "0.0" },
		{ -0.0000001, 6, "0.0" }, { 0.3048, 5, "0.3048" },
		{ 1764000000.0055, 6, "1764000000.0055" },
		{ 1764000000.0, 6, "1764000000.0" }, { 12.3456789, 3, "12.346" },
		{ NAN, 3, "NaN" }, { INFINITY, 3, "+Inf" },
		{ -INFINITY, 3, "-Inf" }, { -5.25, 3, "-5.25" },
		{ 1e60, 3, "9.9999999999999995e+59" }, { 0.5, 0, "0.5" }, { 1.0 / 3, 12,
		    "0.333333333" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(x);
		pp_export_num(x, cases[i].v, cases[i].dec);
		CHECK_STR(text_of(x), cases[i].want, "number");
	}
}

static struct pp_stats_rec
stats_of(const char *target, int ttl, const char *addr, double start,
    uint64_t sent, uint64_t recv, double avg)
{
	struct pp_stats_rec s;

	pp_stats_rec_init(&s);
	s.target = target;
	s.ttl = ttl;
	s.addr = addr;
	s.start = start;
	s.end = start + 60;
	s.sent = sent;
	s.recv = recv;
	s.loss = sent > 0 ? 100.0 * (double)(sent - recv) / (double)sent :
	    NAN;
	s.fwd_loss = ttl > 0 ? 0.0 : NAN;
	s.last = avg;
	s.min = avg - 1;
	s.avg = avg;
	s.max = avg + 1;
	s.stdev = recv > 1 ? 0.5 : NAN;
	s.p50 = avg;
	s.p90 = avg + 0.5;
	s.p95 = avg + 0.75;
	s.p99 = avg + 0.9;
	s.jitter = 0.25;
	s.jmax = 1.5;
	s.jint = 0.125;
	if (recv == 0) {
		s.last = s.min = s.avg = s.max = s.stdev = NAN;
		s.p50 = s.p90 = s.p95 = s.p99 = NAN;
		s.jitter = s.jmax = s.jint = NAN;
	}
	return s;
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

/* Prometheus: one series per (vantage, target, ttl), the vantage label
 * first and escaped; MOS series apart by vantage too. */
static void
prom_vantage(void)
{
	struct pp_export x;
	struct pp_stats_rec a = stats_of("t", 1, "198.18.1.2", 1764000000, 10,
	    10, 5.0);
	struct pp_stats_rec b = a;

	pp_export_init(&x);
	a.vantage = "site \"a\"\\";
	b.vantage = "b";
	b.sent = 7;
	CHECK(pp_export_prom_stats(&x, 0, &a) == 0, "note a");
	CHECK(pp_export_prom_stats(&x, 1, &b) == 0, "note b");
	struct pp_mos_rec m = {
		.vantage = "a", .target = "t", .codec = "g711",
		.model = "emodel", .r = 80, .mos = 4.0,
	};
	CHECK(pp_export_prom_mos(&x, &m) == 0, "mos a");
	m.vantage = "b";
	m.mos = 3.0;
	CHECK(pp_export_prom_mos(&x, &m) == 0, "mos b");
	char *t = prom_text(&x);
	CHECK(t != NULL && strstr(t, "pp_probes_sent_total{vantage=\"site "
	    "\\\"a\\\"\\\\\",target=\"t\",ttl=\"1\",addr=\"198.18.1.2\"} "
	    "10\npp_probes_sent_total{vantage=\"b\",target=\"t\",ttl=\"1\","
	    "addr=\"198.18.1.2\"} 7\n") != NULL, "vantage labels: %s",
	    t != NULL ? t : "-");
	CHECK(t != NULL && strstr(t, "pp_mos{vantage=\"a\",target=\"t\","
	    "codec=\"g711\",model=\"emodel\"} 4.0\npp_mos{vantage=\"b\","
	    "target=\"t\",codec=\"g711\",model=\"emodel\"} 3.0\n") != NULL,
	    "mos vantage labels");
	free(t);
	pp_export_release(&x);
}

static void
prom(void)
{
	struct pp_export x;

	pp_export_init(&x);
	char *t = prom_text(&x);
	CHECK(t != NULL && t[0] == '\0', "nothing noted: no output");
	free(t);

	/* Two windows of one series: gauges of the latest, counters and
	 * the summary's sum and count over both. */
	struct pp_stats_rec s1 = stats_of("q\"t\\\n", 2, "198.18.1.2",
	    1764000000, 10, 8, 10.0);
	struct pp_stats_rec s2 = stats_of("q\"t\\\n", 2, "198.18.1.3",
	    1764000060, 10, 10, 20.0);
	struct pp_stats_rec p = stats_of("plain", 0, NULL, 1764000000, 5,
	    0, 0);
	CHECK(pp_export_prom_stats(&x, 7, &s1) == 0, "note s1");
	CHECK(pp_export_prom_stats(&x, 3, &p) == 0, "note p");
	CHECK(pp_export_prom_stats(&x, 7, &s2) == 0, "note s2");
	errno = 0;
	CHECK(pp_export_prom_stats(&x, PP_EXPORT_MAX_IDS, &p) == -1 &&
	    errno == EINVAL, "id out of range");
	t = prom_text(&x);
	CHECK(t != NULL, "text");
	if (t == NULL)
		return;
	static const char *const want[] = {
		"# HELP pp_probes_sent_total Probes sent (every window of the "
		    "input).\n# TYPE pp_probes_sent_total counter\n"
		    "pp_probes_sent_total{target=\"q\\\"t\\\\\\n\",ttl=\"2\","
		    "addr=\"198.18.1.3\"} 20\n"
		    "pp_probes_sent_total{target=\"plain\"} 5\n",
		"pp_probes_received_total{target=\"q\\\"t\\\\\\n\",ttl=\"2\","
		    "addr=\"198.18.1.3\"} 18\n",
		"pp_loss_ratio{target=\"q\\\"t\\\\\\n\",ttl=\"2\",addr=\"198.18."
		    "1.3\"} 0.0\npp_loss_ratio{target=\"plain\"} 1.0\n",
		"# TYPE pp_forwarding_loss_ratio gauge\n"
		    "pp_forwarding_loss_ratio{target=\"q\\\"t\\\\\\n\",ttl=\"2\","
		    "addr=\"198.18.1.3\"} 0.0\n# HELP pp_forwarding_loss_ratio_lower ",
		"# TYPE pp_rtt_seconds summary\n"
		    "pp_rtt_seconds{target=\"q\\\"t\\\\\\n\",ttl=\"2\",addr=\""
		    "198.18.1.3\",quantile=\"0.5\"} 0.02\n",
		",quantile=\"0.99\"} 0.0209\n",
		"pp_rtt_seconds_sum{target=\"q\\\"t\\\\\\n\",ttl=\"2\",addr=\""
		    "198.18.1.3\"} 0.28\npp_rtt_seconds_count{target=\"q\\\"t"
		    "\\\\\\n\",ttl=\"2\",addr=\"198.18.1.3\"} 18\n",
		"pp_rtt_seconds{target=\"plain\",quantile=\"0.5\"} NaN\n",
		"pp_rtt_seconds_sum{target=\"plain\"} 0.0\n"
		    "pp_rtt_seconds_count{target=\"plain\"} 0\n",
		"pp_rtt_avg_seconds{target=\"q\\\"t\\\\\\n\",ttl=\"2\",addr=\""
		    "198.18.1.3\"} 0.02\n",
		"pp_rtt_stdev_seconds{target=\"plain\"} NaN\n",
		"pp_interarrival_jitter_seconds{target=\"q\\\"t\\\\\\n\","
		    "ttl=\"2\",addr=\"198.18.1.3\"} 0.000125\n",
		"pp_window_start_timestamp_seconds{target=\"q\\\"t\\\\\\n\","
		    "ttl=\"2\",addr=\"198.18.1.3\"} 1764000060.0\n",
		"pp_window_end_timestamp_seconds{target=\"plain\"} "
		    "1764000060.0\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(strstr(t, want[i]) != NULL, "prom: missing\n%s\nin\n%s",
		    want[i], t);
	CHECK(strstr(t, "198.18.1.2") == NULL, "old address gone");
	CHECK(strstr(t, "pp_mos") == NULL, "no mos family without records");
	free(t);

	/* MOS: the latest of each (target, codec, model). */
	struct pp_mos_rec m = {
		.target = "t", .codec = "g711", .model = "emodel",
		.r = 80, .mos = 4.0,
	};
	CHECK(pp_export_prom_mos(&x, &m) == 0, "mos 1");
	m.r = 70.5;
	m.mos = 3.6;
	CHECK(pp_export_prom_mos(&x, &m) == 0, "mos 2");
	m.model = "simplified";
	m.r = NAN;
	m.mos = NAN;
	CHECK(pp_export_prom_mos(&x, &m) == 0, "mos 3");
	for (int i = 0; i < 200; i++) {
		char name[32];
		(void)snprintf(name, sizeof(name), "h%d", i);
		m.target = name;
		m.r = i;
		CHECK(pp_export_prom_mos(&x, &m) == 0, "mos many");
	}
	CHECK(x.nmrows == 202, "mos series: %zu", x.nmrows);
	t = prom_text(&x);
	CHECK(t != NULL && strstr(t, "# TYPE pp_mos gauge\n"
	    "pp_mos{target=\"t\",codec=\"g711\",model=\"emodel\"} 3.6\n"
	    "pp_mos{target=\"t\",codec=\"g711\",model=\"simplified\"} NaN\n")
	    != NULL, "mos family: %s", t != NULL ? t : "-");
	CHECK(t != NULL && strstr(t, "pp_r_factor{target=\"t\",codec=\"g711\","
	    "model=\"emodel\"} 70.5\n") != NULL, "r family");
	CHECK(t != NULL && strstr(t, "pp_r_factor{target=\"h199\",codec=\""
	    "g711\",model=\"simplified\"} 199.0\n") != NULL, "r family many");
	free(t);
	pp_export_release(&x);
}

void
test_export(void)
{
	struct pp_export x;

	pp_export_init(&x);
	escapes(&x);
	numbers(&x);
	influx(&x);
	pp_export_release(&x);
	prom();
	prom_vantage();
}
