/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/names.h"
#include "lib/table.h"
#include "tests/unit/check.h"

void test_table(void);
void test_names(void);
void test_agg_peek(void);

static void
ms(void)
{
	static const struct {
		double v;
		int width;
		const char *want;
	} t[] = {
		{ 0.045, 5, "0.045" },
		{ 9.999, 5, "9.999" },
		{ 9.9996, 5, "10.00" },
		{ 12.345, 5, "12.35" },	/* 12.345 is 12.3449... */
		{ 123.456, 5, "123.5" },
		{ 1234.5, 5, "1234" },
		{ 12345.6, 5, "12346" },
		{ 123456.0, 5, "123456" },	/* never cut */
		{ 0.045, 7, "0.045" },
		{ 123.456, 7, "123.456" },
		{ NAN, 5, "-" },
		{ INFINITY, 5, "-" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pp_table_ms(buf, sizeof(buf), t[i].v, t[i].width);
		CHECK_STR(buf, t[i].want, "pp_table_ms");
	}
}

static void
rec(struct pp_stats_rec *r, int ttl, const char *addr, double loss)
{
	memset(r, 0, sizeof(*r));
	r->target = "t";
	r->ttl = ttl;
	r->addr = addr;
	r->start = 1764000000;
	r->end = 1764000010;
	r->sent = 10;
	r->recv = (uint64_t)(10 - loss / 10);
	r->loss = loss;
	r->fwd_loss = 0;
	r->last = r->min = r->avg = r->max = 0.5;
	r->stdev = r->jitter = r->jmax = r->jint = 0.01;
	r->gmean = 0.49;
	r->jlast = 0.02;
	r->p50 = r->p95 = 0.5;
	if (addr != NULL) {
		r->naddrs = 1;
		r->addrs[0].addr = addr;
		r->addrs[0].recv = r->recv;
	}
}

/* What a table wrote for rows. */
static char *
drawn(struct pp_table *t, const struct pp_stats_rec *rows, int n,
    const char *host)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	pp_table_fit(t, rows, n);
	for (int i = 0; i < n; i++)
		pp_table_row(t, f, host, &rows[i], false);
	fclose(f);
	if (buf == NULL)
		abort();
	return buf;
}

/* The longest line of s, in bytes. */
static size_t
longest(const char *s)
{
	size_t most = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, "\n");
		if (n > most)
			most = n;
		s += n + (s[n] == '\n');
	}
	return most;
}

static const char *
fake_name(void *arg, const char *addr)
{
	(void)arg;
	if (strcmp(addr, "198.18.1.2") == 0)
		return "gw.lan";
	if (strcmp(addr, "198.18.2.2") == 0)
		return "a-very-long-name-of-a-router.isp.example";
	if (strcmp(addr, "198.18.3.2") == 0)
		return "evil\x1b[2J.example";
	return NULL;
}

static uint32_t
fake_asn(void *arg, const char *addr)
{
	(void)arg;
	return strcmp(addr, "198.18.1.2") == 0 ? 64500 : 0;
}

static void
layout(void)
{
	static const char *const v6 =
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff";
	struct pp_stats_rec rows[4];
	struct pp_table t;
	char *s;

	rec(&rows[0], 1, "198.18.1.2", 0);
	rec(&rows[1], 2, v6, 30);
	rec(&rows[2], 3, NULL, 100);
	rec(&rows[3], 4, "198.18.3.2", 0);
	rows[3].naddrs = 2;
	rows[3].addrs[1].addr = "198.18.103.2";
	rows[3].addrs[1].recv = 1;

	/* 80 columns: a full IPv6 address on a line of its own, never cut;
	 * no line wider than 80. */
	pp_table_init(&t, NULL);
	s = drawn(&t, rows, 4, "vp");
	CHECK(longest(s) <= 80, "80 columns:\n%s", s);
	CHECK(strstr(s, "  2.|-- 2001:db8:aaaa:bbbb:cccc:dddd:"
	    "eeee:ffff\n") != NULL, "v6 whole:\n%s", s);
	CHECK(strstr(s, "\n  1.|-- 198.18.1.2          0.0%  0.0%"
	    "    10 0.500 0.500 0.500 0.500 0.010 0.010\n") != NULL,
	    "row 1:\n%s", s);
	CHECK(strstr(s, "  3.|-- ???               100.0%") !=
	    NULL, "row 3:\n%s", s);
	CHECK(strstr(s, "        198.18.103.2  1 reply, avg ")
	    != NULL, "second responder:\n%s", s);
	CHECK(strncmp(s, "HOST: vp                   Loss%  Fwd%"
	    "   Snt  Last   Avg  Best  Wrst StDev  Jttr\nt\n", 80) == 0,
	    "header:\n%s", s);
	CHECK(strchr(s, '\033') == NULL, "no colour: %s", s);
	free(s);
	pp_table_release(&t);

	/* Names, AS numbers, hostile names, colour. */
	struct pp_table_opts o = {
		.name = fake_name,
		.asn_of = fake_asn,
		.asn = true,
		.color = true,
	};
	pp_table_init(&t, &o);
	s = drawn(&t, rows, 4, "vp");
	CHECK(strstr(s, "  1.|-- AS64500 gw.lan ") != NULL,
	    "asn and name:\n%s", s);
	CHECK(strstr(s, "  4.|-- AS??? evil\\x1b[2J.example\n")
	    != NULL, "hostile name shown escaped:\n%s", s);
	CHECK(strstr(s, "\033[2J") == NULL, "raw escape: %s", s);
	CHECK(strstr(s, "\033[31m30.0%\033[0m") != NULL,
	    "30%% red:\n%s", s);
	CHECK(strstr(s, "\033[31m100.0%\033[0m") != NULL,
	    "100%% red:\n%s", s);
	free(s);
	pp_table_release(&t);

	/* Name and address. */
	o.show_ips = true;
	o.asn = false;
	o.color = false;
	pp_table_init(&t, &o);
	s = drawn(&t, rows, 1, "vp");
	CHECK(strstr(s, "  1.|-- gw.lan (198.18.1.2)\n") !=
	    NULL, "name (addr), wrapped:\n%s", s);
	free(s);
	pp_table_release(&t);

	/* Wide: one line per row, the host column fits the longest. */
	memset(&o, 0, sizeof(o));
	o.wide = true;
	o.name = fake_name;
	pp_table_init(&t, &o);
	s = drawn(&t, rows, 3, "vp");
	CHECK(strstr(s, "  2.|-- a-very-long-name-of-a-router."
	    "isp.example ") == NULL, "wide, v6 row has no name:\n%s", s);
	CHECK(strstr(s, "  2.|-- 2001:db8:aaaa:bbbb:cccc:dddd:"
	    "eeee:ffff    30.0%") != NULL, "wide row:\n%s", s);
	CHECK(strstr(s, "   p95\n") != NULL, "p95:\n%s", s);
	free(s);
	pp_table_release(&t);

	/* mtr -r's layout: 76 columns, its titles. */
	memset(&o, 0, sizeof(o));
	o.layout = PP_TABLE_REPORT;
	o.one_target = true;
	pp_table_init(&t, &o);
	s = drawn(&t, rows, 1, "vm");
	CHECK_STR(s, "HOST: vm                          Loss%   Snt   Last   "
	    "Avg  Best  Wrst StDev\n"
	    "  1.|-- 198.18.1.2                 0.0%    10  0.500 0.500 "
	    "0.500 0.500 0.010\n", "report");
	free(s);
	pp_table_release(&t);

	/* Jitter columns. */
	memset(&o, 0, sizeof(o));
	o.layout = PP_TABLE_JITTER;
	o.one_target = true;
	pp_table_init(&t, &o);
	s = drawn(&t, rows, 1, "vm");
	/* mtr's j view: its columns in its order; Jttr the last |dRTT|,
	 * Javg their mean. */
	CHECK_STR(s, "HOST: vm                          Drop   Rcv   Avg Gmean  "
	    "Jttr  Javg  Jmax  Jint\n"
	    "  1.|-- 198.18.1.2                   0    10 0.500 0.490 0.020 "
	    "0.010 0.010 0.010\n", "jitter");
	free(s);
	pp_table_release(&t);

	/* A long vantage point name: its own line. */
	pp_table_init(&t, NULL);
	s = drawn(&t, rows, 1, "a-host-with-a-name-longer-than-the-column");
	CHECK(strncmp(s, "HOST: a-host-with-a-name-longer-than-"
	    "the-column\n", 48) == 0, "long host:\n%s", s);
	free(s);
	pp_table_release(&t);
}

static void
color(void)
{
	enum pp_color c;

	CHECK(pp_color_parse("never", &c) == 0 && c == PP_COLOR_NEVER, "never");
	CHECK(pp_color_parse("always", &c) == 0 && c == PP_COLOR_ALWAYS,
	    "always");
	CHECK(pp_color_parse(NULL, &c) == 0 && c == PP_COLOR_ALWAYS, "bare");
	CHECK(pp_color_parse("auto", &c) == 0 && c == PP_COLOR_AUTO, "auto");
	CHECK(pp_color_parse("yes", &c) == -1, "yes");
	CHECK(pp_color_wanted(PP_COLOR_ALWAYS, -1), "always wanted");
	CHECK(!pp_color_wanted(PP_COLOR_NEVER, -1), "never wanted");
	CHECK(!pp_color_wanted(PP_COLOR_AUTO, -1), "auto off a terminal");
}

void
test_table(void)
{
	ms();
	layout();
	color();
}

void
test_names(void)
{
	struct pp_names n;
	json_error_t je;

	CHECK(pp_names_init(&n) == 0, "init");
	CHECK(pp_names_host(&n, "1.2.3.4") == NULL, "empty");
	json_t *o = json_loads("{\"type\":\"probe\",\"from\":\"1.2.3.4\","
	    "\"from_geo\":{\"asn\":64500},\"from_host\":\"a.example\","
	    "\"dst\":\"5.6.7.8\",\"dst_geo\":{\"special\":\"private\"}}", 0,
	    &je);
	CHECK(o != NULL, "json");
	pp_names_note_json(&n, o);
	json_decref(o);
	CHECK_STR(pp_names_host(&n, "1.2.3.4"), "a.example", "host");
	CHECK(pp_names_asn(&n, "1.2.3.4") == 64500, "asn");
	CHECK(pp_names_host(&n, "5.6.7.8") == NULL, "dst without name");
	CHECK(pp_names_asn(&n, "5.6.7.8") == 0, "dst without asn");
	pp_names_set(&n, "1.2.3.4", "b.example", 0);
	CHECK_STR(pp_names_host(&n, "1.2.3.4"), "b.example", "the last word");
	CHECK(pp_names_asn(&n, "1.2.3.4") == 64500, "asn kept");
	for (int i = 0; i < PP_NAMES_MAX + 10; i++) {
		char a[32];
		(void)snprintf(a, sizeof(a), "10.%d.%d.%d", i >> 16,
		    (i >> 8) & 255, i & 255);
		pp_names_set(&n, a, "x", 0);
	}
	CHECK(n.dropped == 11, "bounded: %lu dropped", n.dropped);
	pp_names_release(&n);
}

/* pp_agg_peek: the rows so far, the same as a closing window gives. */

struct peeked {
	int n;
	uint64_t sent[8];
	double loss[8];
	double max[8];
};

static void
on_row(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct peeked *p = arg;
	struct pp_stats_rec r;

	pp_agg_row(a, k, start, end, &r);
	if (p->n < 8) {
		p->sent[p->n] = r.sent;
		p->loss[p->n] = r.loss;
		p->max[p->n] = r.max;
	}
	p->n++;
}

void
test_agg_peek(void)
{
	struct peeked closed;
	struct peeked live;
	struct pp_agg_opts ao = { .horizon = 0, .outage_loss = 30,
	    .outage_min = 3 };
	struct pp_agg_sink sink = { .stats = on_row, .arg = &closed };
	struct pp_agg a;

	memset(&closed, 0, sizeof(closed));
	memset(&live, 0, sizeof(live));
	CHECK(pp_agg_init(&a, &ao, &sink) == 0, "init");
	struct pp_agg_sink peek = { .stats = on_row, .arg = &live };
	for (int round = 0; round < 5; round++) {
		for (int ttl = 1; ttl <= 3; ttl++) {
			struct pp_probe p;
			memset(&p, 0, sizeof(p));
			p.ts = 1000 + round + ttl * 0.01;
			p.target = "t";
			p.ttl = ttl;
			p.round = round;
			p.seq = round * 3 + ttl;
			p.code = -1;
			bool lost = ttl == 2 && round == 3;
			p.status = lost ? PP_ST_TIMEOUT : ttl == 3 ?
			    PP_ST_REPLY : PP_ST_TTL_EXPIRED;
			p.from = lost ? NULL : ttl == 1 ? "10.0.0.1" :
			    ttl == 2 ? "10.0.0.2" : "10.0.0.3";
			p.rtt = lost ? NAN : ttl + round * 0.5;
			CHECK(pp_agg_probe(&a, &p) == 0, "probe");
		}
		memset(&live, 0, sizeof(live));
		pp_agg_peek(&a, &peek);
		CHECK(live.n == 3 && live.sent[0] == (uint64_t)round + 1,
		    "peek after round %d: %d rows, %llu sent", round, live.n,
		    (unsigned long long)live.sent[0]);
	}
	CHECK(closed.n == 0, "peek closes nothing");
	pp_agg_finish(&a);
	CHECK(closed.n == 3, "finish: %d rows", closed.n);
	for (int i = 0; i < 3; i++) {
		CHECK(closed.sent[i] == live.sent[i], "sent %d", i);
		CHECK_NEAR(closed.loss[i], live.loss[i], 0, "loss");
		CHECK_NEAR(closed.max[i], live.max[i], 0, "max");
	}
	CHECK_NEAR(live.loss[1], 20, 0, "hop 2 loss");
	pp_agg_release(&a);
}

void test_table_hold(void);

/* Wide rows held until their window is whole: a block per window whose
 * host column fits its longest name, drawn as the rows would be. */
void
test_table_hold(void)
{
	struct pp_table_opts o = { .wide = true };
	struct pp_table t;
	struct pp_table t2;
	struct pp_stats_rec rows[3];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	rec(&rows[0], 1, "198.18.1.2", 0);
	rec(&rows[1], 2, "a-rather-long-responder-name.example.net", 0);
	rec(&rows[2], 1, "198.18.1.2", 10);
	rows[2].start += 10;
	rows[2].end += 10;
	rows[1].vantage = "vp";
	pp_table_init(&t, &o);
	for (int i = 0; i < 3; i++)
		CHECK(pp_table_hold(&t, f, "here", &rows[i]) == 0, "hold %d",
		    i);
	CHECK(t.nheld == 1, "a new window wrote the last: %zu held", t.nheld);
	pp_table_flush(&t, f, "here");
	CHECK(t.nheld == 0, "flushed");
	pp_table_flush(&t, f, "here");
	fclose(f);
	/* The same, drawn block by block. */
	pp_table_init(&t2, &o);
	char *a = NULL;
	size_t alen = 0;
	f = open_memstream(&a, &alen);
	if (f == NULL)
		abort();
	pp_table_fit(&t2, rows, 2);
	pp_table_row(&t2, f, "here", &rows[0], true);
	pp_table_row(&t2, f, "vp", &rows[1], true);
	pp_table_fit(&t2, rows + 2, 1);
	pp_table_row(&t2, f, "here", &rows[2], true);
	fclose(f);
	CHECK(buf != NULL && a != NULL && strcmp(buf, a) == 0,
	    "held rows drawn as blocks:\n%s\nwant:\n%s", buf, a);
	CHECK(buf != NULL && strstr(buf, "HOST: vp") != NULL &&
	    strstr(buf, "HOST: here") != NULL, "hosts: %s", buf);
	free(buf);
	free(a);
	pp_table_release(&t);
	pp_table_release(&t2);
}

void test_table_outages(void);

/* The outages listed under a table: bounded, counted past the bound. */
void
test_table_outages(void)
{
	struct pp_table_outages l;
	struct pp_outage_rec r;
	char target[32];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&l, 0, sizeof(l));
	f = open_memstream(&buf, &len);
	if (f == NULL)
		abort();
	pp_table_outages_write(&l, f, 30, 3);
	fclose(f);
	CHECK_STR(buf, "", "empty: nothing");
	free(buf);
	for (int i = 0; i < PP_TABLE_OUTAGES + 2; i++) {
		memset(&r, 0, sizeof(r));
		(void)snprintf(target, sizeof(target), i == 0 ? "a\x1b[2Jb" :
		    "t%d", i);
		r.vantage = "vp";
		r.target = target;
		r.ttl = i == 0 ? 0 : 7;
		r.start = 1764000000.9 + i;
		r.end = r.start + 4.5;
		r.sent = 10;
		r.recv = 3;
		r.ongoing = i == 1;
		CHECK(pp_table_outages_add(&l, &r) == 0, "add %d", i);
	}
	CHECK(l.n == PP_TABLE_OUTAGES && l.dropped == 2 &&
	    strcmp(l.recs[1].target, "t1") == 0 && l.recs[1].target != target &&
	    l.recs[1].vantage == NULL, "kept %zu, dropped %lu", l.n, l.dropped);
	buf = NULL;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		abort();
	pp_table_outages_write(&l, f, 12.5, 1.25);
	fclose(f);
	CHECK(buf != NULL && strncmp(buf, "\nOutages (loss >= 12.5% for >= "
	    "1.250 s at the destination):\n"
	    "  a\\x1b[2Jb hop 0: 2025-11-24T16:00:00Z to 2025-11-24T16:00:05Z\n"
	    "    4.500 s, 10 sent, 3 received, 70.0% loss\n"
	    "  t1 hop 7: 2025-11-24T16:00:01Z to 2025-11-24T16:00:06Z and on\n",
	    strlen("\nOutages (loss >= 12.5% for >= 1.250 s at the "
	    "destination):\n  a\\x1b[2Jb hop 0: 2025-11-24T16:00:00Z to "
	    "2025-11-24T16:00:05Z\n    4.500 s, 10 sent, 3 received, 70.0% "
	    "loss\n  t1 hop 7: 2025-11-24T16:00:01Z to 2025-11-24T16:00:06Z "
	    "and on\n")) == 0, "list: %.300s", buf != NULL ? buf : "");
	const char *more = "  2 more outages not listed\n";
	CHECK(buf != NULL && len > strlen(more) &&
	    strcmp(buf + len - strlen(more), more) == 0, "dropped said");
	free(buf);
	pp_table_outages_release(&l);
	CHECK(l.n == 0 && l.recs == NULL, "released");
}

void test_names_probe(void);

/* Probe records' names and AS numbers, and whether any were given. */
void
test_names_probe(void)
{
	static const struct {
		const char *line;
		bool host;	/* have_host after it */
		bool asn;	/* have_asn after it */
	} t[] = {
		{ "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"t\","
		    "\"proto\":\"icmp\",\"seq\":0,\"status\":\"timeout\"}",
		    false, false },
		{ "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"t\","
		    "\"proto\":\"icmp\",\"seq\":0,\"status\":\"reply\","
		    "\"from\":\"198.18.1.2\",\"rtt\":1,\"dst_host\":\"t.lan\"}",
		    false, false },
		{ "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"t\","
		    "\"proto\":\"icmp\",\"seq\":1,\"status\":\"reply\","
		    "\"from\":\"198.18.1.2\",\"rtt\":1,"
		    "\"from_geo\":{\"asn\":64500}}", false, true },
		{ "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"t\","
		    "\"proto\":\"icmp\",\"seq\":2,\"status\":\"reply\","
		    "\"from\":\"198.18.1.3\",\"rtt\":1,"
		    "\"from_host\":\"gw.lan\"}", true, true },
	};
	struct pp_names n;
	struct pp_record rec;

	CHECK(pp_names_init(&n) == 0, "init");
	pp_record_init(&rec);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pp_error err;
		pp_error_clear(&err);
		CHECK(pp_record_parse(&rec, t[i].line, strlen(t[i].line),
		    &err) == 0, "parse %zu: %s", i, err.msg);
		pp_names_note_probe(&n, &rec);
		CHECK(n.have_host == t[i].host && n.have_asn == t[i].asn,
		    "line %zu: host %d asn %d", i, n.have_host, n.have_asn);
	}
	CHECK(pp_names_asn(&n, "198.18.1.2") == 64500 &&
	    pp_names_host(&n, "198.18.1.2") == NULL, "198.18.1.2's AS");
	CHECK_STR(pp_names_host(&n, "198.18.1.3"), "gw.lan", "gw's name");
	CHECK_STR(pp_names_host(&n, "t"), "t.lan", "dst's name");
	pp_record_release(&rec);
	pp_names_release(&n);
}
