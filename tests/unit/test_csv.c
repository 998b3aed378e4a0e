/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csv.h"
#include "lib/model.h"
#include "tests/unit/check.h"

void test_csv(void);

/* The row pp_csv_stats_row (r) or pp_csv_outage_row (o) writes; caller
 * frees. */
static char *
row_of(const char *host, const struct pp_stats_rec *r,
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

/* Cells in a row: one more than its commas outside quotes. */
static int
cells(const char *s)
{
	int n = 1;
	bool quoted = false;

	for (; *s != '\0' && *s != '\n'; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == ',' && !quoted)
			n++;
	}
	return n;
}

static void
stats_rows(void)
{
	struct pp_stats_rec r;
	char *got;

	/* Nothing known: every figure an empty cell, no ttl, no tcp. */
	pp_stats_rec_init(&r);
	r.target = "example.net";
	r.start = 1700000000;
	r.end = 1700000060.5;
	got = row_of("", &r, NULL);
	CHECK_STR(got, "1700000000.000000,2023-11-14T22:13:20.000,"
	    "1700000060.500000,2023-11-14T22:14:20.500,,example.net,,,0,0,"
	    ",,,,,,,,,,,,,,,0,,,,0,,,,,,,,,\n", "empty row");
	CHECK(got != NULL && cells(got) == cells(PP_CSV_STATS_HEADER),
	    "empty row: %d cells", got != NULL ? cells(got) : -1);
	free(got);

	/* A traced hop with every figure, responders, unreachables, TCP,
	 * forwarding loss resting on a later hop, a rate limit. */
	pp_stats_rec_init(&r);
	r.target = "example.net";
	r.ttl = 3;
	r.addr = "192.0.2.1";
	r.start = 1700000000;
	r.end = 1700000060;
	r.sent = 10;
	r.recv = 8;
	r.loss = 20;
	r.fwd_loss = 12.5;
	r.last = 1.5;
	r.min = 1;
	r.avg = 1.25;
	r.max = 2.0004;
	r.stdev = 0.5;
	r.p50 = 1.25;
	r.p90 = 150;
	r.p95 = 1234.5;
	r.p99 = NAN;
	r.jitter = 0.25;
	r.jmax = 1;
	r.jint = 0.125;
	r.naddrs = 2;
	r.addrs[0].addr = "192.0.2.1";
	r.addrs[0].recv = 6;
	r.addrs[1].addr = "192.0.2.9";
	r.addrs[1].recv = 2;
	r.unreachable = 1;
	r.nunreach = 1;
	r.unreach[0].addr = "192.0.2.254";
	r.unreach[0].code = 1;
	r.unreach[0].count = 1;
	r.tcp = true;
	r.open = 7;
	r.refused = 1;
	r.local_drop = 2;
	r.loss_lo = 5.667;
	r.loss_hi = 50.98;
	r.fwd_lo = 1;
	r.fwd_hi = 40;
	r.fwd_sent = 8;
	r.fwd_lost = 1;
	r.fwd_ttl = 4;
	r.rate_limited = 1;
	r.rate_limit = 0.1;
	got = row_of("vp 1", &r, NULL);
	CHECK(got != NULL && strncmp(got, "1700000000.000000,"
	    "2023-11-14T22:13:20.000,1700000060.000000,"
	    "2023-11-14T22:14:20.000,vp 1,example.net,3,192.0.2.1,10,8,"
	    "20.000,12.500,1.500,1.000,1.250,2.000,0.500,", 140) == 0,
	    "full row: %s", got != NULL ? got : "(null)");
	CHECK(got != NULL && strstr(got, ",0.250,1.000,0.125,192.0.2.1 6 "
	    "192.0.2.9 2,1,") != NULL, "full row's jitter, addrs: %s",
	    got != NULL ? got : "(null)");
	CHECK(got != NULL && strstr(got, ",7,1,2,5.667,50.980,1.000,"
	    "40.000,8,1,4,1,0.100\n") != NULL, "full row's tail: %s",
	    got != NULL ? got : "(null)");
	CHECK(got != NULL && cells(got) == cells(PP_CSV_STATS_HEADER),
	    "full row: %d cells", got != NULL ? cells(got) : -1);
	free(got);

	/* Text from the input is made safe and quoted. */
	pp_stats_rec_init(&r);
	r.target = "=cmd|' /C calc'!A0";
	r.start = 0;
	r.end = 1;
	got = row_of("a,b", &r, NULL);
	CHECK(got != NULL && strstr(got, ",\"a,b\",") != NULL &&
	    strstr(got, ",=cmd") == NULL, "unsafe text: %s",
	    got != NULL ? got : "(null)");
	free(got);
}

static void
outage_rows(void)
{
	static const struct {
		struct pp_outage_rec o;
		const char *host;
		const char *want;
	} t[] = {
		{ { .target = "example.net", .ttl = 5, .start = 1700000000,
		    .end = 1700000004.25, .sent = 8, .recv = 2 }, "vp1",
		    "1700000000.000000,2023-11-14T22:13:20.000,"
		    "1700000004.250000,2023-11-14T22:13:24.250,vp1,"
		    "example.net,5,4250.000,8,2,75.000,false\n" },
		{ { .target = "192.0.2.7", .ttl = 0, .start = 1700000000.5,
		    .end = 1700000001.5, .sent = 0, .recv = 0,
		    .ongoing = true }, "",
		    "1700000000.500000,2023-11-14T22:13:20.500,"
		    "1700000001.500000,2023-11-14T22:13:21.500,,192.0.2.7,,"
		    "1000.000,0,0,0.000,true\n" },
		{ { .target = "a\"b", .ttl = 1, .start = 0, .end = 0,
		    .sent = 3, .recv = 3 }, "x\ny",
		    "0.000000,1970-01-01T00:00:00.000,0.000000,"
		    "1970-01-01T00:00:00.000,x\\x0ay,\"a\"\"b\",1,0.000,3,3,"
		    "0.000,false\n" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = row_of(t[i].host, NULL, &t[i].o);
		CHECK_STR(got, t[i].want, "outage row");
		CHECK(got != NULL &&
		    cells(got) == cells(PP_CSV_OUTAGE_HEADER),
		    "outage row %zu: %d cells", i, got != NULL ? cells(got) :
		    -1);
		free(got);
	}
}

void
test_csv(void)
{
	stats_rows();
	outage_rows();
}
