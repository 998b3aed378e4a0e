/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "lib/export_prom.h"
#include "tests/unit/check.h"
#include "tests/unit/export_test.h"

void test_export_prom(void);

/* The whole Prometheus exposition of p, as a string (caller frees). */
static char *
prom_text(struct pp_export_prom *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	CHECK(pp_export_prom_write(p, f) == 0, "prom write");
	(void)fclose(f);
	return buf;
}

/* A label value. */
static void
escapes(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "example.net", "example.net" },
		{ "", "" },
		{ "a\\b", "a\\\\b" },
		{ "end\\", "end\\\\" },
		{ "x\\,y\\ z\\=", "x\\\\,y\\\\ z\\\\=" },
		{ "\\\\n", "\\\\\\\\n" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "two\nlines", "two\\nlines" },
		{ "cr\rhere", "cr\rhere" },
		{ "a,b=c d", "a,b=c d" },
		{ "{x=\"}\"}", "{x=\\\"}\\\"}" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" },
		{ "bad\xff", "bad\xef\xbf\xbd" },
		{ "\xc0\xafx", "\xef\xbf\xbd\xef\xbf\xbdx" },
		{ "cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd" },
	};
	struct pp_export x;

	pp_export_init(&x);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(&x);
		pp_export_prom_label(&x, cases[i].in);
		CHECK_STR(text_of(&x), cases[i].want, "prom label");
	}
	pp_export_release(&x);
}

/* Prometheus: one series per (vantage, target, ttl), the vantage label
 * first and escaped; MOS series apart by vantage too. */
static void
prom_vantage(void)
{
	struct pp_export_prom e;
	struct pp_stats_rec a = stats_of("t", 1, "198.18.1.2", 1764000000, 10,
	    10, 5.0);
	struct pp_stats_rec b = a;

	pp_export_prom_init(&e);
	a.vantage = "site \"a\"\\";
	b.vantage = "b";
	b.sent = 7;
	CHECK(pp_export_prom_stats(&e, 0, &a) == 0, "note a");
	CHECK(pp_export_prom_stats(&e, 1, &b) == 0, "note b");
	struct pp_mos_rec m = {
		.vantage = "a", .target = "t", .codec = "g711",
		.model = "emodel", .r = 80, .mos = 4.0,
	};
	CHECK(pp_export_prom_mos(&e, &m) == 0, "mos a");
	m.vantage = "b";
	m.mos = 3.0;
	CHECK(pp_export_prom_mos(&e, &m) == 0, "mos b");
	char *t = prom_text(&e);
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
	pp_export_prom_release(&e);
}

static void
prom(void)
{
	struct pp_export_prom e;

	pp_export_prom_init(&e);
	char *t = prom_text(&e);
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
	CHECK(pp_export_prom_stats(&e, 7, &s1) == 0, "note s1");
	CHECK(pp_export_prom_stats(&e, 3, &p) == 0, "note p");
	CHECK(pp_export_prom_stats(&e, 7, &s2) == 0, "note s2");
	errno = 0;
	CHECK(pp_export_prom_stats(&e, PP_EXPORT_PROM_MAX_IDS, &p) == -1 &&
	    errno == EINVAL, "id out of range");
	t = prom_text(&e);
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
	CHECK(pp_export_prom_mos(&e, &m) == 0, "mos 1");
	m.r = 70.5;
	m.mos = 3.6;
	CHECK(pp_export_prom_mos(&e, &m) == 0, "mos 2");
	m.model = "simplified";
	m.r = NAN;
	m.mos = NAN;
	CHECK(pp_export_prom_mos(&e, &m) == 0, "mos 3");
	for (int i = 0; i < 200; i++) {
		char name[32];
		(void)snprintf(name, sizeof(name), "h%d", i);
		m.target = name;
		m.r = i;
		CHECK(pp_export_prom_mos(&e, &m) == 0, "mos many");
	}
	CHECK(e.nmrows == 202, "mos series: %zu", e.nmrows);
	t = prom_text(&e);
	CHECK(t != NULL && strstr(t, "# TYPE pp_mos gauge\n"
	    "pp_mos{target=\"t\",codec=\"g711\",model=\"emodel\"} 3.6\n"
	    "pp_mos{target=\"t\",codec=\"g711\",model=\"simplified\"} NaN\n")
	    != NULL, "mos family: %s", t != NULL ? t : "-");
	CHECK(t != NULL && strstr(t, "pp_r_factor{target=\"t\",codec=\"g711\","
	    "model=\"emodel\"} 70.5\n") != NULL, "r family");
	CHECK(t != NULL && strstr(t, "pp_r_factor{target=\"h199\",codec=\""
	    "g711\",model=\"simplified\"} 199.0\n") != NULL, "r family many");
	free(t);
	pp_export_prom_release(&e);
}

void
test_export_prom(void)
{
	escapes();
	prom();
	prom_vantage();
}
