/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/voice.h"
#include "tests/unit/check.h"

void test_voice_pick(void);
void test_voice_table(void);

/* The paths found, one line each. */
struct seen {
	char text[2048];
	int n;
};

static void
on_path(void *arg, const struct pp_voice_path *m)
{
	struct seen *s = arg;
	size_t l = strlen(s->text);

	(void)snprintf(s->text + l, sizeof(s->text) - l,
	    "%s/%s@%g rtt=%g jit=%g loss=%g %llu/%llu burst=%s;",
	    m->vantage != NULL ? m->vantage : "-", m->target, m->start,
	    m->rtt, m->jitter, m->loss, (unsigned long long)m->recv,
	    (unsigned long long)m->sent, isnan(m->burst) ? "nan" : "set");
	s->n++;
}

static void
add(struct pp_voice_pick *p, const char *json)
{
	json_error_t e;
	json_t *o = json_loads(json, 0, &e);

	CHECK(o != NULL, "json %s", json);
	pp_voice_pick_add(p, o);
	json_decref(o);
}

#define ST(rest) "{\"type\":\"stats\"," rest "}"

void
test_voice_pick(void)
{
	struct pp_voice_pick p;
	struct seen s = { "", 0 };

	pp_voice_pick_init(&p, false, on_path, &s);
	/* One window of a traced target: the deepest hop is the path,
	 * whatever order the hops come in. */
	add(&p, ST("\"target\":\"x\",\"ttl\":1,\"start\":10,\"end\":20,"
	    "\"sent\":4,\"recv\":4,\"loss\":0,\"avg\":1,\"jitter\":0.5"));
	add(&p, ST("\"target\":\"x\",\"ttl\":3,\"start\":10,\"end\":20,"
	    "\"sent\":4,\"recv\":3,\"loss\":25,\"avg\":9,\"jitter\":2,"
	    "\"stdev\":3"));
	add(&p, ST("\"target\":\"x\",\"ttl\":2,\"start\":10,\"end\":20,"
	    "\"sent\":4,\"recv\":4,\"loss\":0,\"avg\":5"));
	CHECK(s.n == 0, "nothing before the window ends: %d", s.n);
	/* Not a stats record: ignored. */
	add(&p, "{\"type\":\"stats\"}");
	add(&p, "[1,2]");
	CHECK(s.n == 0, "bad records ignored: %d", s.n);
	/* The next window of x, then another vantage point's, then y. */
	add(&p, ST("\"target\":\"x\",\"ttl\":1,\"start\":20,\"end\":30,"
	    "\"sent\":2,\"recv\":0,\"loss\":100"));
	add(&p, ST("\"vantage\":\"b\",\"target\":\"x\",\"ttl\":1,\"start\":20,"
	    "\"end\":30,\"sent\":2,\"recv\":2,\"loss\":0,\"avg\":7"));
	add(&p, ST("\"vantage\":\"b\",\"target\":\"y\",\"start\":20,"
	    "\"end\":30,\"sent\":2,\"recv\":2,\"loss\":null,\"avg\":7,"
	    "\"jitter\":null"));
	pp_voice_pick_flush(&p);
	pp_voice_pick_flush(&p);	/* nothing left: nothing more */
	CHECK_STR(s.text,
	    "-/x@10 rtt=9 jit=2 loss=25 3/4 burst=nan;"
	    "-/x@20 rtt=nan jit=0 loss=100 0/2 burst=nan;"
	    "b/x@20 rtt=7 jit=0 loss=0 2/2 burst=nan;"
	    "b/y@20 rtt=7 jit=0 loss=0 2/2 burst=nan;", "paths");
	pp_voice_pick_release(&p);
	/* --jitter-def stdev: the record's stdev. */
	struct seen t = { "", 0 };
	pp_voice_pick_init(&p, true, on_path, &t);
	add(&p, ST("\"target\":\"x\",\"ttl\":3,\"start\":10,\"end\":20,"
	    "\"sent\":4,\"recv\":3,\"loss\":25,\"avg\":9,\"jitter\":2,"
	    "\"stdev\":3"));
	pp_voice_pick_flush(&p);
	CHECK_STR(t.text, "-/x@10 rtt=9 jit=3 loss=25 3/4 burst=nan;",
	    "stdev");
	pp_voice_pick_release(&p);
}

static char *
row(const struct pp_voice_path *m, const struct pp_mos_rec *r,
    const char *model, bool windows, bool head)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (head)
		pp_voice_table_head(f, windows);
	else
		pp_voice_table_row(f, m, r, model, windows);
	fclose(f);
	return buf;
}

void
test_voice_table(void)
{
	struct pp_voice_path m = { .target = "t1", .start = 0 };
	struct pp_mos_rec r = {
		.rtt = 20.1234, .jitter = 1.5, .delay = 33.06, .loss = 1.25,
		.burst_r = 1, .sent = 100, .recv = 99, .r = 92.123,
		.mos = 4.391,
	};
	char *s = row(NULL, NULL, NULL, false, true);
	CHECK_STR(s, "Target                   Codec           RTT ms  Jttr ms"
	    "   Loss% BurstR Delay ms       R   MOS  rating\n", "head");
	free(s);
	s = row(NULL, NULL, NULL, true, true);
	CHECK(strncmp(s, "Start (UTC)          Target ", 28) == 0,
	    "head with windows: %s", s);
	free(s);
	s = row(&m, &r, "g711-plc", false, false);
	CHECK_STR(s, "t1                       g711-plc        20.123    1.500"
	    "    1.25   1.00     33.1   92.12  4.39  very satisfied\n",
	    "row");
	free(s);
	/* One answer: no jitter shown, said in the rating. */
	r.recv = 1;
	s = row(&m, &r, "g711-plc", true, false);
	CHECK_STR(s, "1970-01-01T00:00:00Z t1                       g711-plc  "
	    "      20.123        -    1.25   1.00     33.1   92.12  4.39  very "
	    "satisfied (one answer)\n", "one answer, windows");
	free(s);
	/* Nothing answered; not scored (the note); a target from the
	 * input made safe. */
	r.recv = 0;
	r.r = 0;
	r.mos = 1;
	r.rtt = NAN;
	s = row(&m, &r, "simplified", false, false);
	CHECK(strstr(s, "      -") != NULL &&
	    strstr(s, "  no answers: 100% loss\n") != NULL, "no answers: %s",
	    s);
	free(s);
	r.recv = 5;
	r.r = NAN;
	r.mos = NAN;
	r.note = "no Bpl";
	m.target = "a\033[31mb";
	s = row(&m, &r, "g726-32-long-name", false, false);
	CHECK(strchr(s, '\033') == NULL && strstr(s, "g726-32-long") != NULL &&
	    strstr(s, "g726-32-long-") == NULL, "sanitized, cut: %s", s);
	CHECK(strstr(s, "      -     -  no Bpl\n") != NULL, "note: %s", s);
	free(s);
}
