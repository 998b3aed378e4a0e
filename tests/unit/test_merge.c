/* SPDX-License-Identifier: BSD-2-Clause */
/* Merging statistics (lib/stats.h pp_stats_merge, lib/model.h parts,
 * lib/merge.h): parts merged in time order give one pass's figures. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/jsonw.h"
#include "lib/merge.h"
#include "lib/model.h"
#include "lib/record.h"
#include "lib/stats.h"
#include "tests/unit/check.h"

void test_merge_chan(void);
void test_merge_stream(void);
void test_merge_parts(void);

/* A small deterministic generator (xorshift64*). */
static uint64_t rng = 88172645463325252ULL;

static double
uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/* Chan et al.'s vector: {1, 2, 3, 4} and {10, 20}: mean 40/6, sample
 * variance (sum of squares about the mean) / 5 = 297.333.../5. */
void
test_merge_chan(void)
{
	static const double a[] = { 1, 2, 3, 4 };
	static const double b[] = { 10, 20 };
	struct pp_stats sa;
	struct pp_stats sb;

	pp_stats_init(&sa);
	pp_stats_init(&sb);
	for (int i = 0; i < 4; i++)
		pp_stats_add(&sa, i, a[i], 0);
	for (int i = 0; i < 2; i++)
		pp_stats_add(&sb, 4 + i, b[i], 0);
	pp_stats_merge(&sa, &sb, true);
	CHECK(sa.sent == 6 && sa.recv == 6, "counts %llu %llu",
	    (unsigned long long)sa.sent, (unsigned long long)sa.recv);
	CHECK_NEAR(sa.mean, 40.0 / 6.0, 1e-12, "mean");
	/* sum (x - 20/3)^2 = 1786/6 = 297.666... ; /5 */
	double ss = 0;
	for (int i = 0; i < 4; i++)
		ss += (a[i] - 40.0 / 6.0) * (a[i] - 40.0 / 6.0);
	for (int i = 0; i < 2; i++)
		ss += (b[i] - 40.0 / 6.0) * (b[i] - 40.0 / 6.0);
	CHECK_NEAR(sa.m2, ss, 1e-9, "M2");
	CHECK_NEAR(pp_stats_stdev(&sa), sqrt(ss / 5.0), 1e-12, "stdev");
	CHECK(sa.min == 1 && sa.max == 20 && sa.last == 20 && sa.first == 1,
	    "min max last first");
	/* Jitter: |1| |1| |1| then the seam |10 - 4| = 6, then |10|. */
	CHECK(sa.jn == 5 && sa.jsum == 19 && sa.jmax == 10, "jitter %llu "
	    "%g %g", (unsigned long long)sa.jn, sa.jsum, sa.jmax);
	pp_stats_release(&sa);
	pp_stats_release(&sb);
}

/* One stream of probes (RTTs, 7 % lost, runs of loss), cut at random
 * points into parts, merged in order: every figure as one pass. */
void
test_merge_stream(void)
{
	enum { N = 5000 };
	static double rtt[N];
	struct pp_stats one;

	pp_stats_init(&one);
	for (int i = 0; i < N; i++) {
		bool lost = uniform() < 0.07 || (i > 100 && i < 110);
		rtt[i] = lost ? NAN : 20.0 + 30.0 * uniform() * uniform();
		pp_stats_add(&one, 1764000000.0 + i, rtt[i], (uint32_t)(i % 3));
		if (lost)
			pp_stats_lost_why(&one, PP_LOSS_TIMEOUT, 0, -1);
	}
	for (int trial = 0; trial < 20; trial++) {
		struct pp_stats m;
		struct pp_stats part;
		pp_stats_init(&m);
		int i = 0;
		int parts = 0;
		while (i < N) {
			int len = 1 + (int)(uniform() * (trial < 10 ? 400 : 8));
			pp_stats_init(&part);
			for (int k = i; k < i + len && k < N; k++) {
				pp_stats_add(&part, 1764000000.0 + k, rtt[k],
				    (uint32_t)(k % 3));
				if (isnan(rtt[k]))
					pp_stats_lost_why(&part,
					    PP_LOSS_TIMEOUT, 0, -1);
			}
			pp_stats_merge(&m, &part, true);
			pp_stats_release(&part);
			i += len;
			parts++;
		}
		CHECK(m.sent == one.sent && m.recv == one.recv &&
		    m.min == one.min && m.max == one.max && m.last == one.last &&
		    m.first == one.first, "trial %d (%d parts): counts, min, "
		    "max, last", trial, parts);
		CHECK(fabs(m.mean - one.mean) <= 1e-9 * one.mean &&
		    fabs(m.m2 - one.m2) <= 1e-9 * one.m2, "trial %d: mean "
		    "%.12g %.12g, m2 %.12g %.12g", trial, m.mean, one.mean,
		    m.m2, one.m2);
		CHECK(m.jn == one.jn && fabs(m.jsum - one.jsum) <= 1e-9 *
		    one.jsum && m.jmax == one.jmax && fabs(m.jint - one.jint) <=
		    1e-9 * one.jint, "trial %d: jitter %llu %llu %.12g %.12g "
		    "J %.12g %.12g", trial, (unsigned long long)m.jn,
		    (unsigned long long)one.jn, m.jsum, one.jsum, m.jint,
		    one.jint);
		CHECK(m.runs == one.runs && m.found_pairs == one.found_pairs &&
		    m.found_to_lost == one.found_to_lost && m.lost_pairs ==
		    one.lost_pairs && m.lost_to_found == one.lost_to_found,
		    "trial %d: loss runs %llu %llu", trial,
		    (unsigned long long)m.runs, (unsigned long long)one.runs);
		CHECK(m.lost_by[PP_LOSS_TIMEOUT] == one.lost_by[PP_LOSS_TIMEOUT],
		    "trial %d: lost by timeout", trial);
		bool q = true;
		for (double p = 0.01; p < 1.0; p += 0.01)
			q = q && pp_stats_pct(&m, p) == pp_stats_pct(&one, p);
		CHECK(q, "trial %d: every percentile as one pass", trial);
		bool ad = m.naddrs == one.naddrs;
		for (int k = 0; ad && k < m.naddrs; k++)
			ad = m.addrs[k].recv == one.addrs[k].recv &&
			    fabs(m.addrs[k].mean - one.addrs[k].mean) < 1e-9 &&
			    m.addrs[k].min == one.addrs[k].min;
		CHECK(ad, "trial %d: responders", trial);
		pp_stats_release(&m);
	}
	/* Out of order (or other streams): counts and moments still
	 * exact; no sample is made up at a seam. */
	struct pp_stats x;
	struct pp_stats y;
	pp_stats_init(&x);
	pp_stats_init(&y);
	for (int i = 0; i < N / 2; i++)
		pp_stats_add(&y, 1764000000.0 + i, rtt[i], 0);
	for (int i = N / 2; i < N; i++)
		pp_stats_add(&x, 1764000000.0 + i, rtt[i], 0);
	pp_stats_merge(&x, &y, false);
	CHECK(x.sent == one.sent && x.recv == one.recv && x.min == one.min &&
	    fabs(x.mean - one.mean) <= 1e-9 * one.mean && x.jn == one.jn - 1,
	    "out of order: %llu samples of jitter (one pass %llu)",
	    (unsigned long long)x.jn, (unsigned long long)one.jn);
	pp_stats_release(&x);
	pp_stats_release(&y);
	pp_stats_release(&one);
}

static uint32_t
intern_cb(void *arg, const char *s)
{
	return pp_intern(arg, s);
}

/* Parts written and read back: the same accumulator (every figure the
 * record and its parts hold), so a merge of merges is a merge. */
void
test_merge_parts(void)
{
	struct pp_intern names;
	struct pp_stats s;
	struct pp_stats back;
	struct pp_stats_rec r;
	struct pp_jw w;
	struct pp_error err;
	int version;

	CHECK(pp_intern_init(&names, 1000) == 0, "intern");
	pp_stats_init(&s);
	for (int i = 0; i < 300; i++) {
		double v = uniform() < 0.1 ? NAN : 0.0004 + 90.0 * uniform();
		uint32_t id = pp_intern(&names, i % 2 ? "198.18.0.1" :
		    "2001:db8::1");
		pp_stats_add(&s, 1764000000.25 + i, v, id);
		if (isnan(v))
			pp_stats_lost_why(&s, i % 3 ? PP_LOSS_TIMEOUT :
			    PP_LOSS_UNREACHABLE, id, i % 3 ? -1 : 1);
	}
	pp_agg_stats_row(&names, &s, 3, &r);
	r.target = "t";
	r.start = 1764000000;
	r.end = 1764000300;
	r.parts = &s;
	pp_jw_init(&w);
	pp_stats_rec_write(&w, &r);
	json_error_t jerr;
	json_t *o = json_loadb(w.buf, w.len, 0, &jerr);
	CHECK(o != NULL, "parts parse: %s", jerr.text);
	struct pp_stats_rec rr;
	pp_stats_init(&back);
	pp_error_clear(&err);
	CHECK(o != NULL && pp_stats_rec_read(&rr, o, &err) == 0 &&
	    pp_stats_parts_read(&back, o, &rr, intern_cb, &names, &version,
	    &err) == 1, "parts read: %s", err.msg);
	CHECK(back.sent == s.sent && back.recv == s.recv && back.mean ==
	    s.mean && back.m2 == s.m2 && back.min == s.min && back.max ==
	    s.max && back.first == s.first && back.prev == s.prev &&
	    back.jsum == s.jsum && back.jn == s.jn && back.jint == s.jint &&
	    back.runs == s.runs && back.lost_pairs == s.lost_pairs &&
	    back.first_ts == s.first_ts && back.last_ts == s.last_ts &&
	    back.last_lost == s.last_lost && back.first_lost ==
	    s.first_lost && back.q.zeros == s.q.zeros, "figures back "
	    "exactly");
	CHECK(back.lost_by[PP_LOSS_TIMEOUT] == s.lost_by[PP_LOSS_TIMEOUT] &&
	    back.lost_by[PP_LOSS_UNREACHABLE] ==
	    s.lost_by[PP_LOSS_UNREACHABLE] && back.nunreach == s.nunreach,
	    "losses by reason and unreachable sources");
	bool q = back.q.nbins == s.q.nbins;
	for (size_t i = 0; q && i < s.q.nbins; i++)
		q = back.q.bins[i].idx == s.q.bins[i].idx &&
		    back.q.bins[i].n == s.q.bins[i].n;
	CHECK(q, "the sketch's bins");
	for (double p = 0.05; p < 1.0; p += 0.05)
		CHECK(pp_stats_pct(&back, p) == pp_stats_pct(&s, p),
		    "p%.0f", p * 100);
	bool ad = back.naddrs == s.naddrs;
	for (int k = 0; ad && k < s.naddrs; k++) {
		int j = 0;
		while (j < s.naddrs && s.addrs[j].id != back.addrs[k].id)
			j++;
		ad = j < s.naddrs && s.addrs[j].recv == back.addrs[k].recv &&
		    s.addrs[j].mean == back.addrs[k].mean;
	}
	CHECK(ad, "responders, exact means");
	/* A version this code does not read is not taken. */
	json_object_set_new(json_object_get(o, "parts"), "v",
	    json_integer(PP_PARTS_VERSION + 1));
	struct pp_stats other;
	pp_stats_init(&other);
	CHECK(pp_stats_parts_read(&other, o, &rr, intern_cb, &names, &version,
	    &err) == 0 && version == PP_PARTS_VERSION + 1, "other version");
	/* Bins that do not hold recv values are refused. */
	json_object_set_new(json_object_get(o, "parts"), "v",
	    json_integer(PP_PARTS_VERSION));
	json_array_clear(json_object_get(json_object_get(o, "parts"),
	    "bins"));
	pp_stats_release(&other);
	pp_stats_init(&other);
	CHECK(pp_stats_parts_read(&other, o, &rr, intern_cb, &names, &version,
	    &err) == -1 && strstr(err.msg, "bins") != NULL, "bad bins: %s",
	    err.msg);
	pp_stats_release(&other);
	json_decref(o);
	pp_jw_release(&w);
	pp_stats_release(&back);
	pp_stats_release(&s);
	pp_intern_release(&names);
}

/* pp_merge_outage's sink: the outages written, as text. */
struct outs {
	char text[4][200];
	int n;
};

static void
outage_cb(void *arg, const struct pp_outage_rec *r, const char *line,
    size_t len)
{
	struct outs *o = arg;

	if (o->n == 4)
		return;
	if (line != NULL)
		(void)snprintf(o->text[o->n++], sizeof(o->text[0]), "as it came "
		    "%.*s", (int)len, line);
	else
		(void)snprintf(o->text[o->n++], sizeof(o->text[0]), "joined "
		    "%s %.0f-%.0f %llu/%llu%s", r->target, r->start, r->end,
		    (unsigned long long)r->sent, (unsigned long long)r->recv,
		    r->ongoing ? " ongoing" : "");
}

void test_merge_outage(void);

void
test_merge_outage(void)
{
	/* Each case: outage records in, what is written. */
	static const struct {
		const char *in[3];
		const char *out[3];
	} cases[] = {
		/* Ongoing at a part's end, the next part starts in it. */
		{ { "{\"type\":\"outage\",\"target\":\"h\",\"start\":100,"
		    "\"end\":129,\"sent\":30,\"recv\":0,\"ongoing\":true}",
		    "{\"type\":\"outage\",\"target\":\"h\",\"start\":130,"
		    "\"end\":160,\"sent\":30,\"recv\":2}", NULL },
		  { "joined h 100-160 60/2", NULL, NULL } },
		/* Three parts: joined twice, the last still ongoing. */
		{ { "{\"type\":\"outage\",\"target\":\"h\",\"start\":100,"
		    "\"end\":129,\"sent\":30,\"recv\":0,\"ongoing\":true}",
		    "{\"type\":\"outage\",\"target\":\"h\",\"start\":130,"
		    "\"end\":149,\"sent\":20,\"recv\":0,\"ongoing\":true}",
		    "{\"type\":\"outage\",\"target\":\"h\",\"start\":150,"
		    "\"end\":155,\"sent\":6,\"recv\":0,\"ongoing\":true}" },
		  { "joined h 100-155 56/0 ongoing", NULL, NULL } },
		/* A pause longer than 1.5 intervals: two outages. */
		{ { "{\"type\":\"outage\",\"target\":\"h\",\"start\":100,"
		    "\"end\":129,\"sent\":30,\"recv\":0,\"ongoing\":true}",
		    "{\"type\":\"outage\",\"target\":\"h\",\"start\":132,"
		    "\"end\":160,\"sent\":28,\"recv\":0}", NULL },
		  { "as it came {\"type\":\"outage\",\"target\":\"h\","
		    "\"start\":100,\"end\":129,\"sent\":30,\"recv\":0,"
		    "\"ongoing\":true}",
		    "as it came {\"type\":\"outage\",\"target\":\"h\","
		    "\"start\":132,\"end\":160,\"sent\":28,\"recv\":0}", NULL } },
		/* Another target, or out of time order: not joined. */
		{ { "{\"type\":\"outage\",\"target\":\"h\",\"start\":100,"
		    "\"end\":129,\"sent\":30,\"recv\":0,\"ongoing\":true}",
		    "{\"type\":\"outage\",\"target\":\"g\",\"start\":130,"
		    "\"end\":160,\"sent\":30,\"recv\":0}",
		    "{\"type\":\"outage\",\"target\":\"h\",\"start\":50,"
		    "\"end\":60,\"sent\":10,\"recv\":0}" },
		  { "as it came {\"type\":\"outage\",\"target\":\"g\","
		    "\"start\":130,\"end\":160,\"sent\":30,\"recv\":0}",
		    "as it came {\"type\":\"outage\",\"target\":\"h\","
		    "\"start\":100,\"end\":129,\"sent\":30,\"recv\":0,"
		    "\"ongoing\":true}",
		    "as it came {\"type\":\"outage\",\"target\":\"h\","
		    "\"start\":50,\"end\":60,\"sent\":10,\"recv\":0}" } },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct outs got = { .n = 0 };
		struct pp_merge_opts mo = {
			.gap = 1.5,
			.outage = outage_cb,
			.arg = &got,
		};
		struct pp_merge m;
		CHECK(pp_merge_init(&m, &mo) == 0, "init");
		for (int i = 0; i < 3 && cases[c].in[i] != NULL; i++) {
			struct pp_error err;
			pp_error_clear(&err);
			json_t *o = json_loads(cases[c].in[i], 0, NULL);
			CHECK(pp_merge_outage(&m, o, cases[c].in[i],
			    strlen(cases[c].in[i]), &err) == 0, "case %zu: %s",
			    c, err.msg);
			json_decref(o);
		}
		pp_merge_finish(&m);
		int want = 0;
		while (want < 3 && cases[c].out[want] != NULL)
			want++;
		CHECK(got.n == want, "case %zu: %d written", c, got.n);
		for (int i = 0; i < want && i < got.n; i++)
			CHECK(strcmp(got.text[i], cases[c].out[i]) == 0,
			    "case %zu: %s", c, got.text[i]);
		pp_merge_release(&m);
	}
}

/* pp_merge_report's messages, each line ended. */
static char said_buf[2048];

static void
collect(void *arg, const char *msg)
{
	size_t used = strlen(said_buf);

	(void)arg;
	(void)snprintf(said_buf + used, sizeof(said_buf) - used, "%s\n", msg);
}

void test_merge_record(void);

void
test_merge_record(void)
{
	/* Each line of a --merge input: what pp_merge_record returns. */
	static const struct {
		const char *line;
		bool outages;
		int ret;
	} in[] = {
		{ "{\"type\":\"meta\",\"settings\":{\"every\":\"10s\","
		    "\"source\":{\"proto\":\"icmp\",\"interval\":2}}}", true, 0 },
		{ "{\"type\":\"meta\",\"settings\":{\"x\":1}}", true, 0 },
		{ "{\"type\":\"probe\",\"ts\":1,\"target\":\"h\",\"dst\":\"h\","
		    "\"proto\":\"icmp\",\"seq\":0,\"status\":\"reply\","
		    "\"from\":\"h\",\"rtt\":1.5}", true, 0 },
		{ "{\"type\":\"stats\",\"target\":\"h\",\"start\":0,\"end\":10,"
		    "\"sent\":1,\"recv\":1}", true, 0 },
		{ "{\"type\":\"stats\",\"target\":\"h\"}", true, -1 },
		{ "{\"type\":\"outage\",\"target\":5}", false, 0 },
		{ "{\"type\":\"outage\",\"target\":5}", true, -1 },
		{ "{\"type\":\"alert\",\"target\":\"h\"}", true, 0 },
	};
	struct outs got = { .n = 0 };
	struct pp_merge_opts mo = {
		.outage = outage_cb,
		.arg = &got,
		.report = collect,
	};
	struct pp_merge m;
	struct pp_record rec;

	CHECK(pp_merge_init(&m, &mo) == 0, "init");
	pp_record_init(&rec);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct pp_error err;
		pp_error_clear(&err);
		CHECK(pp_record_parse(&rec, in[i].line, strlen(in[i].line),
		    &err) == 0, "parse %zu: %s", i, err.msg);
		pp_error_clear(&err);
		int r = pp_merge_record(&m, &rec, in[i].outages, &err);
		CHECK(r == in[i].ret && (r == 0 || err.msg[0] != '\0'),
		    "record %zu: %d (%s)", i, r, err.msg);
	}
	/* The first meta's source settings; 1.5 of its interval. */
	char *src = m.source != NULL ? json_dumps(m.source, JSON_COMPACT) :
	    NULL;
	CHECK_STR(src, "{\"proto\":\"icmp\",\"interval\":2}", "source");
	free(src);
	CHECK_NEAR(m.o.gap, 3, 1e-12, "gap");
	CHECK(m.probes == 1 && m.no_parts == 1 && m.bad == 2 && got.n == 0,
	    "counts: %llu probes, %llu without parts, %llu bad, %d outages",
	    (unsigned long long)m.probes, (unsigned long long)m.no_parts,
	    (unsigned long long)m.bad, got.n);
	said_buf[0] = '\0';
	pp_merge_report(&m);
	CHECK_STR(said_buf, "--merge: 1 probe record ignored (merge the stats "
	    "records pp-stats --parts makes of them)\n"
	    "--merge: 1 stats record without parts not merged (pp-stats "
	    "--parts writes them)\n"
	    "--merge: 2 bad stats records not merged\n", "report");
	pp_merge_finish(&m);
	pp_merge_release(&m);

	/* Settings without a source: the settings themselves; nothing to
	 * say. */
	CHECK(pp_merge_init(&m, &mo) == 0, "init");
	const char *meta = "{\"type\":\"meta\",\"settings\":{\"interval\":1}}";
	struct pp_error err;
	pp_error_clear(&err);
	CHECK(pp_record_parse(&rec, meta, strlen(meta), &err) == 0 &&
	    pp_merge_record(&m, &rec, true, &err) == 0, "meta: %s", err.msg);
	src = m.source != NULL ? json_dumps(m.source, JSON_COMPACT) : NULL;
	CHECK_STR(src, "{\"interval\":1}", "settings as source");
	free(src);
	CHECK(m.o.gap == 0, "no source interval: no gap");
	said_buf[0] = '\0';
	pp_merge_report(&m);
	CHECK_STR(said_buf, "", "nothing said");
	pp_merge_release(&m);
	pp_record_release(&rec);
}
