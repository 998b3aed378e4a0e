/* SPDX-License-Identifier: BSD-2-Clause */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/jsonw.h"
#include "lib/record.h"
#include "tests/unit/check.h"

void test_jsonw(void);

static char *
line_of(struct pp_jw *w)
{
	static char out[4096];
	size_t n = w->len < sizeof(out) - 1 ? w->len : sizeof(out) - 1;

	memcpy(out, w->buf, n);
	out[n] = '\0';
	return out;
}

void
test_jsonw(void)
{
	struct pp_jw w;

	pp_jw_init(&w);
	static const struct {
		double v;
		int dec;
		const char *want;
	} nums[] = {
		{ 2.0, 3, "2.0" }, { 7.912, 3, "7.912" }, { 0.0004, 3, "0.0" },
		{ 0.0005, 3, "0.001" }, { -0.0001, 3, "0.0" },
		{ 1764000000.120415, 6, "1764000000.120415" },
		{ 1764000000.0, 6, "1764000000.0" }, { 12.3456789, 3, "12.346" },
		{ NAN, 3, "null" }, { INFINITY, 3, "null" }, { -5.25, 3, "-5.25" },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		pp_jw_reset(&w);
		pp_jw_num(&w, nums[i].v, nums[i].dec);
		CHECK_STR(line_of(&w), nums[i].want, nums[i].want);
	}
	/* Integers, written without printf: the extremes too. */
	static const struct {
		long long v;
		const char *want;
	} ints[] = {
		{ 0, "0" }, { 7, "7" }, { -1, "-1" }, { 1234567890123LL,
		    "1234567890123" }, { LLONG_MAX, "9223372036854775807" },
		{ LLONG_MIN, "-9223372036854775808" },
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		pp_jw_reset(&w);
		pp_jw_int(&w, ints[i].v);
		CHECK_STR(line_of(&w), ints[i].want, ints[i].want);
	}
	pp_jw_reset(&w);
	pp_jw_uint(&w, ULLONG_MAX);
	CHECK_STR(line_of(&w), "18446744073709551615", "ULLONG_MAX");

	static const struct {
		const char *in;
		const char *want;
	} strs[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "a\nb\tc\r", "\"a\\nb\\tc\\r\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff", "\"bad\xef\xbf\xbd\"" },
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "<svg onload='x'>", "\"<svg onload='x'>\"" },
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		pp_jw_reset(&w);
		pp_jw_str(&w, strs[i].in);
		CHECK_STR(line_of(&w), strs[i].want, strs[i].want);
	}

	pp_jw_record(&w, "stats");
	pp_jw_kstr(&w, "target", "h");
	pp_jw_key(&w, "addrs");
	pp_jw_arr_begin(&w);
	pp_jw_obj_begin(&w);
	pp_jw_kstr(&w, "addr", "192.0.2.1");
	pp_jw_kint(&w, "recv", 90);
	pp_jw_obj_end(&w);
	pp_jw_obj_begin(&w);
	pp_jw_kint(&w, "recv", 8);
	pp_jw_obj_end(&w);
	pp_jw_arr_end(&w);
	pp_jw_kbool(&w, "ok", true);
	pp_jw_key(&w, "n");
	pp_jw_null(&w);
	pp_jw_end(&w);
	CHECK_STR(line_of(&w), "{\"type\":\"stats\",\"target\":\"h\",\"addrs\":"
	    "[{\"addr\":\"192.0.2.1\",\"recv\":90},{\"recv\":8}],\"ok\":true,"
	    "\"n\":null}", "nested record");

	/* A probe written and read back is the same probe. */
	struct pp_probe p = {
		.ts = 1764000000.120415, .target = "example.net",
		.dst = "198.51.100.7", .proto = "icmp", .ttl = 3, .round = 0,
		.seq = 2, .status = PP_ST_TTL_EXPIRED, .from = "192.0.2.1",
		.rtt = 7.912, .reply_ttl = 253, .port = -1, .size = -1,
		.flow = -1, .code = -1,
	};
	pp_probe_write(&w, &p);
	CHECK_STR(line_of(&w), "{\"type\":\"probe\",\"ts\":1764000000.120415,"
	    "\"target\":\"example.net\",\"dst\":\"198.51.100.7\",\"proto\":"
	    "\"icmp\",\"ttl\":3,\"round\":0,\"seq\":2,\"status\":"
	    "\"ttl-expired\",\"from\":\"192.0.2.1\",\"rtt\":7.912,"
	    "\"reply_ttl\":253}", "probe order of DESIGN.md");
	struct pp_record r;
	struct pp_error e;
	pp_record_init(&r);
	char *copy = strdup(line_of(&w));
	CHECK(pp_record_parse(&r, copy, strlen(copy), &e) == 0, "reparse");
	CHECK(r.type == PP_REC_PROBE, "type");
	CHECK(r.probe.ttl == 3 && r.probe.seq == 2 && r.probe.round == 0,
	    "ints");
	CHECK_NEAR(r.probe.ts, p.ts, 1e-6, "ts");
	CHECK_NEAR(r.probe.rtt, 7.912, 1e-9, "rtt");
	CHECK_STR(r.probe.from, "192.0.2.1", "from");
	pp_record_release(&r);
	free(copy);

	/* The optional fields the engine fills, in their order: conn,
	 * port, size, flow, code, err, late, mpls. */
	struct pp_probe q = {
		.ts = 1.5, .target = "h", .proto = "tcp", .status =
		PP_ST_REPLY, .rtt = 0.25, .ttl = -1, .round = -1, .seq = -1,
		.reply_ttl = -1, .port = 443, .conn = PP_CONN_REFUSED,
		.size = -1, .flow = 2, .code = -1,
	};
	pp_probe_write(&w, &q);
	CHECK_STR(line_of(&w), "{\"type\":\"probe\",\"ts\":1.5,\"target\":"
	    "\"h\",\"proto\":\"tcp\",\"status\":\"reply\",\"rtt\":0.25,"
	    "\"conn\":\"refused\",\"port\":443,\"flow\":2}", "conn");
	q.conn = PP_CONN_OPEN;
	q.status = PP_ST_TIMEOUT;
	q.rtt = NAN;
	q.late = 1200.5;
	pp_probe_write(&w, &q);
	CHECK_STR(line_of(&w), "{\"type\":\"probe\",\"ts\":1.5,\"target\":"
	    "\"h\",\"proto\":\"tcp\",\"status\":\"timeout\",\"conn\":"
	    "\"open\",\"port\":443,\"flow\":2,\"late\":1200.5}", "late");
	struct pp_probe m = {
		.ts = 1.5, .target = "h", .status = PP_ST_TTL_EXPIRED,
		.rtt = 1, .ttl = 4, .round = -1, .seq = -1, .reply_ttl = -1,
		.port = -1, .size = -1, .flow = -1, .code = -1, .nmpls = 2,
		.mpls = { { 24001, 0, 0, 1 }, { 16, 5, 1, 255 } },
	};
	pp_probe_write(&w, &m);
	CHECK_STR(line_of(&w), "{\"type\":\"probe\",\"ts\":1.5,\"target\":"
	    "\"h\",\"ttl\":4,\"status\":\"ttl-expired\",\"rtt\":1.0,\"mpls\":"
	    "[{\"label\":24001,\"tc\":0,\"s\":0,\"ttl\":1},{\"label\":16,"
	    "\"tc\":5,\"s\":1,\"ttl\":255}]}", "mpls");
	pp_jw_release(&w);
}
