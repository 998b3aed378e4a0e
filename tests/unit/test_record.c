/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonw.h"
#include "lib/record.h"
#include "tests/unit/check.h"

void test_record(void);

void
test_record(void)
{
	static const struct {
		const char *line;
		int rc;
		int type;
		const char *err;	/* part of the message */
	} cases[] = {
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\"}", 0, PP_REC_PROBE, NULL },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":3}", 0, PP_REC_PROBE, NULL },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\"}", -1, 0, "without \"rtt\"" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":-1}", -1, 0, "out of range" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":1e300}", -1, 0, "out of range" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":\"3\"}", -1, 0, "must be a number" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":7,\"status\":"
		  "\"reply\",\"rtt\":3}", -1, 0, "must be a string" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"bogus\"}", -1, 0, "unknown probe status" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"ttl\":0}", -1, 0, "out of range" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"ttl\":2.5}", -1, 0, "must be an integer" },
		{ "{\"type\":\"probe\",\"target\":\"h\",\"status\":\"timeout\"}",
		  -1, 0, "without \"ts\"" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"status\":\"timeout\"}",
		  -1, 0, "without \"target\"" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\"}",
		  -1, 0, "without \"status\"" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"ts\":null}", -1, 0, "invalid JSON" },
		{ "{\"type\":\"probe\",\"ts\":null,\"target\":\"h\",\"status\":"
		  "\"timeout\"}", -1, 0, "without \"ts\"" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"seq\":-1}", -1, 0, "\"seq\" out of range" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"port\":65536}", -1, 0,
		  "\"port\" out of range (0 to 65535): 65536" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"size\":true}", -1, 0,
		  "\"size\" must be an integer" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"local_drop\":null,\"code\":null}", 0,
		  PP_REC_PROBE, NULL },
		{ "{\"type\":\"weird\",\"x\":1}", 0, PP_REC_OTHER, NULL },
		{ "{\"type\":\"meta\",\"tool\":\"pp-trace\"}", 0, PP_REC_META,
		  NULL },
		{ "{\"x\":1}", -1, 0, "without \"type\"" },
		{ "{\"type\":1}", -1, 0, "must be a string" },
		{ "[1,2]", -1, 0, "not a JSON object" },
		{ "42", -1, 0, "not a JSON object" },
		{ "{\"type\":\"probe\"", -1, 0, "invalid JSON" },
		{ "{\"type\":\"a\",\"type\":\"b\"}", -1, 0, "invalid JSON" },
		{ "NaN", -1, 0, "invalid JSON" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":3,\"conn\":\"refused\"}", 0, PP_REC_PROBE,
		  NULL },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"reply\",\"rtt\":3,\"conn\":\"half\"}", -1, 0,
		  "\"conn\" must be" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"local_drop\":1}", -1, 0, "must be true or false" },
		{ "{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"status\":"
		  "\"timeout\",\"local_drop\":true,\"x\":[1]}", 0, PP_REC_PROBE,
		  NULL },
	};
	struct pp_record r;

	pp_record_init(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_error e;
		pp_error_clear(&e);
		int rc = pp_record_parse(&r, cases[i].line,
		    strlen(cases[i].line), &e);
		CHECK(rc == cases[i].rc, "parse %s: rc %d (%s)", cases[i].line,
		    rc, e.msg);
		if (rc == 0)
			CHECK((int)r.type == cases[i].type, "type of %s",
			    cases[i].line);
		else
			CHECK(strstr(e.msg, cases[i].err) != NULL,
			    "message for %s: %s", cases[i].line, e.msg);
	}

	/* The optional integers: each read into its place, -1 when absent
	 * (or null). */
	static const char ints[] = "{\"type\":\"probe\",\"ts\":1.5,"
	    "\"target\":\"h\",\"status\":\"timeout\",\"seq\":9000000000,"
	    "\"round\":2,\"flow\":3,\"ttl\":4,\"reply_ttl\":5,\"code\":6,"
	    "\"port\":7,\"size\":8}";
	static const char noints[] = "{\"type\":\"probe\",\"ts\":1.5,"
	    "\"target\":\"h\",\"status\":\"timeout\",\"ttl\":null}";
	struct pp_error ie;
	pp_error_clear(&ie);
	CHECK(pp_record_parse(&r, ints, strlen(ints), &ie) == 0 &&
	    r.probe.seq == 9000000000LL && r.probe.round == 2 &&
	    r.probe.flow == 3 && r.probe.ttl == 4 && r.probe.reply_ttl == 5 &&
	    r.probe.code == 6 && r.probe.port == 7 && r.probe.size == 8,
	    "optional integers: %s", ie.msg);
	CHECK(pp_record_parse(&r, noints, strlen(noints), &ie) == 0 &&
	    r.probe.seq == -1 && r.probe.round == -1 && r.probe.flow == -1 &&
	    r.probe.ttl == -1 && r.probe.reply_ttl == -1 &&
	    r.probe.code == -1 && r.probe.port == -1 && r.probe.size == -1,
	    "optional integers absent: %s", ie.msg);

	/* A NUL byte is never JSON, though jansson skips one after a scalar
	 * (found by tests/fuzz/fuzz_jscan): flat and nested lines alike. */
	static const char nul_flat[] = "{\"type\":\"x\",\"a\":1\0}";
	static const char nul_nested[] = "{\"type\":\"x\",\"a\":[1\0]}";
	static const char nul_probe[] = "{\"type\":\"probe\",\"ts\":1.5,"
	    "\"target\":\"h\",\"status\":\"reply\",\"rtt\":3\0,\"x\":[]}";
	const char *nuls[] = { nul_flat, nul_nested, nul_probe };
	size_t nul_len[] = { sizeof(nul_flat) - 1, sizeof(nul_nested) - 1,
	    sizeof(nul_probe) - 1 };
	for (size_t i = 0; i < 3; i++) {
		struct pp_error e;
		pp_error_clear(&e);
		CHECK(pp_record_parse(&r, nuls[i], nul_len[i], &e) == -1 &&
		    strstr(e.msg, "invalid JSON") != NULL, "NUL byte %zu: %s",
		    i, e.msg);
	}

	/* conn and local_drop: read from flat and nested lines alike, and
	 * written back in their place. */
	static const char *const rt[] = {
		"{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"dst\":"
		"\"192.0.2.1\",\"proto\":\"tcp\",\"seq\":0,\"status\":\"reply\","
		"\"from\":\"192.0.2.1\",\"rtt\":0.5,\"conn\":\"refused\","
		"\"port\":9}",
		"{\"type\":\"probe\",\"ts\":1.5,\"target\":\"h\",\"proto\":"
		"\"icmp\",\"seq\":1,\"status\":\"timeout\",\"local_drop\":true}",
	};
	for (size_t i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		struct pp_error e;
		struct pp_jw w;
		pp_error_clear(&e);
		CHECK(pp_record_parse(&r, rt[i], strlen(rt[i]), &e) == 0,
		    "parse %s: %s", rt[i], e.msg);
		pp_jw_init(&w);
		pp_probe_write(&w, &r.probe);
		CHECK(w.len == strlen(rt[i]) && memcmp(w.buf, rt[i], w.len) ==
		    0, "round trip: %.*s", (int)w.len, w.buf);
		pp_jw_release(&w);
	}
	static const char nested[] = "{\"type\":\"probe\",\"ts\":1.5,"
	    "\"target\":\"h\",\"status\":\"reply\",\"rtt\":3,\"conn\":"
	    "\"open\",\"local_drop\":false,\"mpls\":[]}";
	struct pp_error ne;
	pp_error_clear(&ne);
	CHECK(pp_record_parse(&r, nested, strlen(nested), &ne) == 0 &&
	    r.probe.conn == PP_CONN_OPEN && !r.probe.local_drop,
	    "nested conn: %s", ne.msg);
	pp_record_release(&r);

	/* A flat line (lib/record's one-pass decoding of scanned members)
	 * gives what the same line with a nested member (decoded through
	 * jansson and decode_probe) gives: the probe, or the message. */
	static const char *const same[] = {
		"\"ts\":1764000000.0005,\"target\":\"t0\",\"dst\":\"198.18.0."
		"1\",\"proto\":\"icmp\",\"ttl\":1,\"round\":0,\"seq\":0,\"st"
		"atus\":\"ttl-expired\",\"from\":\"198.18.1.2\",\"rtt\":0.428,"
		"\"reply_ttl\":255",
		"\"ts\":5,\"target\":\"h\",\"status\":\"reply\",\"rtt\":-0.0",
		"\"ts\":0,\"target\":\"h\",\"status\":\"reply\",\"rtt\":3600000",
		"\"ts\":1e11,\"target\":\"h\",\"status\":\"timeout\",\"rtt\":"
		"7,\"err\":\"x\\n\",\"code\":255,\"port\":65535,\"size\":0,"
		"\"flow\":9223372036854775807",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"error\",\"err\":\"e"
		"\",\"vantage\":\"v\u00e9\",\"conn\":\"open\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"unreachable\",\"code"
		"\":3,\"rtt\":2,\"conn\":\"refused\",\"local_drop\":false",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"local_dr"
		"op\":true,\"reply_ttX\":1,\"other\":\"x\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"reply\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"ttl\":null",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"ttl\":256",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"ttl\":0",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"reply_ttl"
		"\":-1",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"seq\":1.0",
		"\"ts\":-1,\"target\":\"h\",\"status\":\"timeout\"",
		"\"ts\":\"1\",\"target\":\"h\",\"status\":\"timeout\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"Reply\",\"rtt\":1",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"ttl-expire\",\"rtt\":1",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeouts\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"conn\":"
		"\"opened\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"local_dr"
		"op\":0",
		"\"ts\":1.5,\"target\":null,\"status\":\"timeout\"",
		"\"ts\":1.5,\"status\":\"timeout\",\"target\":\"h\",\"port\":"
		"65536,\"ttl\":\"x\"",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"reply\",\"rtt\":1,"
		"\"from\":3",
		/* Keys that change from one line to the next, their count
		 * not (one record for all lines, below). */
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"seq\":5",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"round\":5",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"flow\":5",
		"\"ts\":1.5,\"target\":\"h\",\"status\":\"timeout\",\"flow\":6",
		"\"ts\":1.5,\"status\":\"timeout\",\"target\":\"h\",\"flow\":6",
		"\"ts\":1.5,\"status\":\"timeout\",\"target\":\"h\",\"flow\":6,"
		"\"a_key_longer_than_15\":1",
		"\"ts\":1.5,\"status\":\"timeout\",\"target\":\"h\",\"seq\":6,"
		"\"a_key_longer_than_15\":1",
		"\"ts\":1.5,\"status\":\"timeout\",\"target\":\"h\",\"seq\":6,"
		"\"a_key_longer_than_16\":1",
		"\"t\\u0073\":2.5,\"status\":\"timeout\",\"target\":\"h\",\"seq\":6",
		"\"ts\":2.5,\"status\":\"timeout\",\"target\":\"h\",\"seq\":6",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char flat[512], nest[512];
		struct pp_record rf, rn;
		struct pp_error ef, en;
		struct pp_jw wf, wn;
		snprintf(flat, sizeof(flat), "{\"type\":\"probe\",%s}", same[i]);
		snprintf(nest, sizeof(nest), "{\"type\":\"probe\",%s,\"zz\":[]}",
		    same[i]);
		pp_record_init(&rf);
		pp_record_init(&rn);
		pp_error_clear(&ef);
		pp_error_clear(&en);
		int cf = pp_record_parse(&rf, flat, strlen(flat), &ef);
		int cn = pp_record_parse(&rn, nest, strlen(nest), &en);
		CHECK(cf == cn && strcmp(ef.msg, en.msg) == 0, "same %zu: %d %s, "
		    "%d %s", i, cf, ef.msg, cn, en.msg);
		if (cf == 0 && cn == 0) {
			const struct pp_probe *a = &rf.probe, *b = &rn.probe;
			pp_jw_init(&wf);
			pp_jw_init(&wn);
			pp_probe_write(&wf, a);
			pp_probe_write(&wn, b);
			CHECK(wf.len == wn.len && memcmp(wf.buf, wn.buf, wf.len) ==
			    0 && memcmp(&a->ts, &b->ts, sizeof(a->ts)) == 0 &&
			    (isnan(a->rtt) ? isnan(b->rtt) : memcmp(&a->rtt,
			    &b->rtt, sizeof(a->rtt)) == 0) && a->status ==
			    b->status && a->conn == b->conn && a->local_drop ==
			    b->local_drop && (a->vantage == NULL) == (b->vantage ==
			    NULL) && (a->vantage == NULL || strcmp(a->vantage,
			    b->vantage) == 0), "same %zu: %.*s", i, (int)wf.len,
			    wf.buf);
			pp_jw_release(&wf);
			pp_jw_release(&wn);
		}
		/* The same line after the ones before it, on one record: the
		 * scanner's key prediction and the field index follow. */
		pp_error_clear(&en);
		int cs = pp_record_parse(&r, flat, strlen(flat), &en);
		CHECK(cs == cf && strcmp(ef.msg, en.msg) == 0, "in turn %zu: "
		    "%d %s, %d %s", i, cf, ef.msg, cs, en.msg);
		if (cf == 0 && cs == 0) {
			pp_jw_init(&wf);
			pp_jw_init(&wn);
			pp_probe_write(&wf, &rf.probe);
			pp_probe_write(&wn, &r.probe);
			CHECK(wf.len == wn.len && memcmp(wf.buf, wn.buf, wf.len) ==
			    0, "in turn %zu: %.*s", i, (int)wn.len, wn.buf);
			pp_jw_release(&wf);
			pp_jw_release(&wn);
		}
		pp_record_release(&rf);
		pp_record_release(&rn);
	}
	pp_record_release(&r);

	enum pp_status st;
	CHECK(pp_status_parse("ttl-expired", &st) == 0 &&
	    st == PP_ST_TTL_EXPIRED, "status parse");
	CHECK_STR(pp_status_name(PP_ST_UNREACHABLE), "unreachable", "name");
}

void test_meta_schema(void);

void
test_meta_schema(void)
{
	static const struct {
		const char *meta;
		int rc;
		const char *err;	/* part of the message */
	} cases[] = {
		{ "{\"type\":\"meta\",\"schema\":1}", 0, NULL },
		{ "{\"type\":\"meta\",\"schema\":1.0}", 0, NULL },
		{ "{\"type\":\"meta\"}", 0, NULL },
		{ "{\"type\":\"meta\",\"schema\":2}", -1,
		  "schema 2 is newer than this pp reads (1)" },
		{ "{\"type\":\"meta\",\"schema\":17}", -1, "schema 17 is newer" },
		{ "{\"type\":\"meta\",\"schema\":0}", -1, "positive integer" },
		{ "{\"type\":\"meta\",\"schema\":1.5}", -1, "positive integer" },
		{ "{\"type\":\"meta\",\"schema\":\"1\"}", -1, "positive integer" },
		{ "{\"type\":\"meta\",\"schema\":null}", -1, "positive integer" },
		{ "{\"type\":\"meta\",\"schema\":1e300}", -1, "positive integer" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_error e;
		json_t *o = json_loads(cases[i].meta, 0, NULL);

		CHECK(o != NULL, "%s: not JSON", cases[i].meta);
		if (o == NULL)
			continue;
		pp_error_clear(&e);
		int rc = pp_meta_schema_check(o, &e);
		CHECK(rc == cases[i].rc, "%s: rc %d, want %d", cases[i].meta,
		    rc, cases[i].rc);
		if (cases[i].err != NULL)
			CHECK(strstr(e.msg, cases[i].err) != NULL,
			    "%s: message \"%s\"", cases[i].meta, e.msg);
		else
			CHECK(e.msg[0] == '\0', "%s: message \"%s\"",
			    cases[i].meta, e.msg);
		json_decref(o);
	}
}
