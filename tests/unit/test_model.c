/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonw.h"
#include "lib/model.h"
#include "tests/unit/check.h"

void test_model(void);
void test_json_emit(void);

/* Read line with the reader of its type and write it back: a record in
 * the writers' own key order comes back byte for byte. */
static void
round_trip(const char *line)
{
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr);
	struct pp_error err;
	struct pp_jw w;
	const char *type;
	int rc = -1;

	CHECK(o != NULL, "json: %s", line);
	if (o == NULL)
		return;
	pp_error_clear(&err);
	pp_jw_init(&w);
	type = json_string_value(json_object_get(o, "type"));
	if (strcmp(type, "stats") == 0) {
		struct pp_stats_rec r;
		rc = pp_stats_rec_read(&r, o, &err);
		pp_stats_rec_write(&w, &r);
	} else if (strcmp(type, "outage") == 0) {
		struct pp_outage_rec r;
		rc = pp_outage_rec_read(&r, o, &err);
		pp_outage_rec_write(&w, &r);
	} else if (strcmp(type, "mos") == 0) {
		struct pp_mos_rec r;
		rc = pp_mos_rec_read(&r, o, &err);
		pp_mos_rec_write(&w, &r);
	} else if (strcmp(type, "alert") == 0) {
		struct pp_alert_rec r;
		rc = pp_alert_rec_read(&r, o, &err);
		pp_alert_rec_write(&w, &r);
	} else if (strcmp(type, "route") == 0) {
		struct pp_route_rec r;
		rc = pp_route_rec_read(&r, o, &err);
		pp_route_rec_write(&w, &r);
	}
	CHECK(rc == 0, "read %s: %s", type, err.msg);
	CHECK(w.len == strlen(line) && memcmp(w.buf, line, w.len) == 0,
	    "round trip:\n  %s\n  %.*s", line, (int)w.len, w.buf);
	pp_jw_release(&w);
	json_decref(o);
}

void
test_model(void)
{
	static const char *const lines[] = {
		"{\"type\":\"stats\",\"target\":\"t\",\"ttl\":3,\"addr\":"
		"\"192.0.2.1\",\"start\":1764000000.0,\"end\":1764000060.0,"
		"\"sent\":10,\"recv\":9,\"loss\":10.0,\"fwd_loss\":0.0,\"last\":"
		"7.9,\"min\":7.1,\"avg\":8.0,\"max\":12.4,\"stdev\":0.8,\"p50\":"
		"7.9,\"p90\":9.0,\"p95\":9.6,\"p99\":12.0,\"jitter\":0.4,"
		"\"jmax\":3.1,\"jint\":0.3,\"addrs\":[{\"addr\":\"192.0.2.1\","
		"\"recv\":8,\"avg\":7.9,\"min\":7.1,\"max\":9.0},{\"addr\":"
		"\"192.0.2.5\",\"recv\":1,\"avg\":12.4,\"min\":12.4,\"max\":"
		"12.4}]}",
		/* A dead host: unreachables apart, no RTT. */
		"{\"type\":\"stats\",\"target\":\"dead\",\"addr\":null,\"start\":"
		"1.0,\"end\":2.0,\"sent\":4,\"recv\":0,\"loss\":100.0,\"last\":"
		"null,\"min\":null,\"avg\":null,\"max\":null,\"stdev\":null,"
		"\"p50\":null,\"p90\":null,\"p95\":null,\"p99\":null,\"jitter\":"
		"null,\"jmax\":null,\"jint\":null,\"addrs\":[],\"unreachable\":3,"
		"\"unreachable_from\":[{\"addr\":\"198.18.3.2\",\"code\":1,"
		"\"reason\":\"host-unreachable\",\"count\":2},{\"addr\":null,"
		"\"code\":null,\"reason\":\"unreachable\",\"count\":1}],"
		"\"local_drop\":2}",
		/* TCP: open and refused. */
		"{\"type\":\"stats\",\"target\":\"svc\",\"addr\":\"fd00::2\","
		"\"start\":1.0,\"end\":2.0,\"sent\":2,\"recv\":2,\"loss\":0.0,"
		"\"last\":1.0,\"min\":1.0,\"avg\":1.0,\"max\":1.0,\"stdev\":0.0,"
		"\"p50\":1.0,\"p90\":1.0,\"p95\":1.0,\"p99\":1.0,\"jitter\":0.0,"
		"\"jmax\":0.0,\"jint\":0.0,\"addrs\":[{\"addr\":\"fd00::2\","
		"\"recv\":2,\"avg\":1.0,\"min\":1.0,\"max\":1.0}],\"open\":1,"
		"\"refused\":1}",
		"{\"type\":\"outage\",\"target\":\"o\",\"start\":1764000005.0,"
		"\"end\":1764000010.0,\"duration\":5000.0,\"sent\":5,\"recv\":0,"
		"\"loss\":100.0,\"ongoing\":true}",
		"{\"type\":\"outage\",\"target\":\"o\",\"ttl\":4,\"start\":1.0,"
		"\"end\":2.5,\"duration\":1500.0,\"sent\":4,\"recv\":1,\"loss\":"
		"75.0}",
		"{\"type\":\"mos\",\"target\":\"t\",\"start\":1.0,\"end\":2.0,"
		"\"codec\":\"g711-plc\",\"model\":\"emodel\",\"rtt\":40.183,"
		"\"jitter\":1.5,\"jitter_def\":\"ipdv\",\"jitter_buffer\":3.0,"
		"\"delay\":43.09,\"loss\":0.8,\"burst_r\":1.0,\"burst_est\":"
		"\"runs\",\"sent\":100,\"recv\":99,\"ie_eff\":2.9,\"r\":88.973,"
		"\"mos\":4.313}",
		"{\"type\":\"mos\",\"target\":\"t\",\"start\":1.0,\"end\":2.0,"
		"\"codec\":\"g711\",\"model\":\"simplified\",\"rtt\":null,"
		"\"jitter\":null,\"jitter_def\":\"stdev\",\"delay\":null,\"loss\":"
		"100.0,\"burst_r\":1.0,\"burst_est\":\"random\",\"r\":0.0,\"mos\":"
		"1.0,\"note\":\"no answers\"}",
		"{\"type\":\"alert\",\"ts\":1764000009.0,\"target\":\"t\",\"ttl\":"
		"2,\"kind\":\"loss\",\"state\":\"raise\",\"value\":25.0,"
		"\"threshold\":5.0,\"window\":20,\"message\":\"t loss\"}",
		"{\"type\":\"alert\",\"ts\":1.0,\"target\":\"dead\",\"kind\":"
		"\"unreachable\",\"state\":\"raise\",\"value\":null,\"threshold\":"
		"null,\"window\":10,\"message\":\"m\",\"from\":\"198.18.3.2\","
		"\"code\":1,\"reason\":\"host-unreachable\"}",
		"{\"type\":\"route\",\"ts\":1.0,\"target\":\"t\",\"round\":7,"
		"\"hops\":[\"198.18.1.2\",null,\"198.18.3.2\"]}",
		"{\"type\":\"route\",\"ts\":1.0,\"target\":\"t\",\"round\":9,"
		"\"hops\":[\"a\"],\"previous\":[\"a\",\"b\"]}",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		round_trip(lines[i]);

	/* What each type needs, and what a reader says without it. */
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "{\"type\":\"stats\",\"sent\":1}", "without \"target\"" },
		{ "{\"type\":\"outage\",\"target\":5}", "without \"target\"" },
		{ "{\"type\":\"route\",\"target\":\"t\"}", "without \"hops\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = json_loads(bad[i].line, 0, NULL);
		struct pp_error err;
		struct pp_stats_rec s;
		struct pp_outage_rec ou;
		struct pp_route_rec ro;
		int rc;
		pp_error_clear(&err);
		if (strstr(bad[i].line, "stats") != NULL)
			rc = pp_stats_rec_read(&s, o, &err);
		else if (strstr(bad[i].line, "outage") != NULL)
			rc = pp_outage_rec_read(&ou, o, &err);
		else
			rc = pp_route_rec_read(&ro, o, &err);
		CHECK(rc == -1 && strstr(err.msg, bad[i].msg) != NULL,
		    "%s: %s", bad[i].line, err.msg);
		json_decref(o);
	}

	/* Absent figures read as absent; the outage's duration from its
	 * times. */
	json_t *o = json_loads("{\"type\":\"outage\",\"target\":\"o\","
	    "\"start\":10.0,\"end\":12.5}", 0, NULL);
	struct pp_outage_rec ou;
	CHECK(pp_outage_rec_read(&ou, o, NULL) == 0 &&
	    fabs(ou.duration - 2500) < 1e-9 && isnan(ou.loss) &&
	    ou.ttl == 0 && !ou.ongoing, "outage without duration");
	json_decref(o);

	/* The unreachable text of CSV and InfluxDB. */
	struct pp_stats_rec r;
	pp_stats_rec_init(&r);
	r.nunreach = 2;
	r.unreach[0] = (struct pp_stats_rec_unreach){ "198.18.3.2", 1, 7 };
	r.unreach[1] = (struct pp_stats_rec_unreach){ "fd00:0:0:3::2", 1, 2 };
	r.unreach_other = 4;
	char buf[256];
	size_t n = pp_stats_rec_unreach_text(&r, buf, sizeof(buf));
	CHECK_STR(buf, "198.18.3.2 host-unreachable 1 7, fd00:0:0:3::2 "
	    "admin-prohibited 1 2, other - - 4", "unreachable text");
	CHECK(n == strlen(buf), "unreachable text length");
	n = pp_stats_rec_unreach_text(&r, buf, 40);
	CHECK_STR(buf, "198.18.3.2 host-unreachable 1 7", "cut at an entry");
	r.unreach[0] = (struct pp_stats_rec_unreach){ NULL, -1, 3 };
	r.nunreach = 1;
	r.unreach_other = 0;
	(void)pp_stats_rec_unreach_text(&r, buf, sizeof(buf));
	CHECK_STR(buf, "- unreachable - 3", "unknown source");

	CHECK(isnan(pp_json_num(NULL, "x")) && pp_json_str(NULL, "x") == NULL,
	    "members of NULL");
}

/* json emitted for the decoded text in: out (sorted keys when sort). */
static void
emit_is(const char *in, bool sort, const char *out)
{
	json_error_t jerr;
	json_t *o = json_loads(in, JSON_DECODE_ANY, &jerr);
	struct pp_jw w;

	CHECK(o != NULL, "json: %s", in);
	if (o == NULL)
		return;
	pp_jw_init(&w);
	pp_json_emit(&w, o, sort);
	CHECK(w.len == strlen(out) && memcmp(w.buf, out, w.len) == 0,
	    "emit %s: %.*s, expected %s", in, (int)w.len, w.buf, out);
	pp_jw_release(&w);
	json_decref(o);
}

void
test_json_emit(void)
{
	/* The fewest digits that read back, never jansson's 17. */
	emit_is("{\"timeout\":0.3,\"interval\":0.1,\"i\":2.0,\"n\":5}", false,
	    "{\"timeout\":0.3,\"interval\":0.1,\"i\":2.0,\"n\":5}");
	emit_is("{\"b\":[1,2.5,\"x\\\"y\",null,true,false,{}],\"a\":[]}", true,
	    "{\"a\":[],\"b\":[1,2.5,\"x\\\"y\",null,true,false,{}]}");
	emit_is("[1796314963.830371,1e300,-0.0,5e-324,0.1000000000000000055]",
	    false, "[1796314963.830371,1e+300,-0.0,4.94065645841247e-324,0.1]");
	/* Every real emitted reads back to the same double. */
	static const double v[] = { 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, M_PI,
	    1796314963.830371, 1e-7, 123456789.123456789, 0.29999999999999999,
	    4.35, 1e22, 9007199254740993.0 };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		json_t *r = json_real(v[i]);
		struct pp_jw w;
		pp_jw_init(&w);
		pp_json_emit(&w, r, false);
		char buf[64];
		(void)snprintf(buf, sizeof(buf), "%.*s", (int)w.len, w.buf);
		CHECK(strtod(buf, NULL) == v[i], "%.17g emitted as %s", v[i],
		    buf);
		CHECK(strlen(buf) <= 23, "%s too long", buf);
		pp_jw_release(&w);
		json_decref(r);
	}
}
