/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hophist.h"
#include "tests/unit/check.h"

void test_hophist(void);

static char *
scaled(const struct pp_hophist *h, const double *scale, int width,
    bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pp_hophist_scaled(f, h, scale, width, color);
	fclose(f);
	return buf;
}

void
test_hophist(void)
{
	struct pp_hophists t;
	char line[PP_HOPHIST_N + 1];

	CHECK(pp_hophists_init(&t) == 0, "init");
	CHECK(pp_hophists_get(&t, "a", 1, false) == NULL, "none yet");
	struct pp_hophist *h = pp_hophists_get(&t, "a", 1, true);
	CHECK(h != NULL && h->n == 0 && h->inflight == 0, "made empty");
	CHECK(pp_hophists_get(&t, "a", 1, false) == h, "found again");
	CHECK(pp_hophists_get(&t, "a", 2, false) == NULL &&
	    pp_hophists_get(&t, "b", 1, false) == NULL, "other hops apart");
	if (h == NULL)
		return;

	/* Marks relative to the best (1 ms): under 1.5x (+0.05 ms) '.',
	 * under 3x 'o', under 10x 'O', beyond '#', lost '?'. */
	double v[] = { 1, 1.54, 1.6, 2.9, 3.0, 9.9, 10, 50, NAN };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		pp_hophist_add(h, v[i]);
	pp_hophist_strip(h, 1, line, 80);
	CHECK_STR(line, "..ooOO##?", "marks");
	pp_hophist_strip(h, 1, line, 4);
	CHECK_STR(line, "O##?", "the newest 4, newest last");
	pp_hophist_strip(h, NAN, line, 80);
	CHECK_STR(line, "........?", "no best: dots");
	pp_hophist_strip(NULL, 1, line, 80);
	CHECK_STR(line, "", "no history");

	/* The ring keeps the last PP_HOPHIST_N. */
	for (int i = 0; i < PP_HOPHIST_N + 5; i++)
		pp_hophist_add(h, i == PP_HOPHIST_N + 4 ? NAN : 1);
	CHECK(h->n == PP_HOPHIST_N, "full: %d", h->n);
	pp_hophist_strip(h, 1, line, PP_HOPHIST_N);
	CHECK(strlen(line) == PP_HOPHIST_N && line[PP_HOPHIST_N - 1] == '?' &&
	    strspn(line, ".") == PP_HOPHIST_N - 1, "ring: %s", line);

	/* mtr's scale: 0 to 8 ms over two hops: bounds 8 * ((i+1)/8)^2. */
	struct pp_hophist *g = pp_hophists_get(&t, "a", 2, true);
	struct pp_hophist *k = pp_hophists_get(&t, "b", 1, true);
	pp_hophist_add(g, 0);
	pp_hophist_add(g, NAN);
	pp_hophist_add(g, 2);
	pp_hophist_add(k, 8);
	pp_hophist_add(k, 4.6);
	struct pp_hophist_span sp;
	double sc[PP_HOPHIST_LEVELS];
	pp_hophist_span_init(&sp);
	pp_hophist_span_add(&sp, g, 10);
	pp_hophist_span_add(&sp, k, 10);
	pp_hophist_span_add(&sp, NULL, 10);
	pp_hophist_scale(&sp, sc);
	CHECK_NEAR(sc[0], 0.125, 1e-12, "step 0");
	CHECK_NEAR(sc[3], 2, 1e-12, "step 3");
	CHECK_NEAR(sc[7], 8, 1e-12, "step 7");
	char *s = scaled(g, sc, 10, false);
	CHECK_STR(s, ".?3", "on the scale");
	free(s);
	s = scaled(k, sc, 10, false);
	CHECK_STR(s, ">c", "the slowest, and 4.6 in step 6 (4.5 to 6.125)");
	free(s);
	s = scaled(k, sc, 10, true);
	CHECK_STR(s, "\033[31m>\033[0m\033[35mc\033[0m", "colour, slow");
	free(s);
	s = scaled(g, sc, 2, true);
	CHECK_STR(s, "\033[31;1m?\033[0m\033[36m3\033[0m", "colour, last 2");
	free(s);
	/* Only the answers shown count: room 1 leaves out g's 0 ms. */
	pp_hophist_span_init(&sp);
	pp_hophist_span_add(&sp, g, 1);
	pp_hophist_span_add(&sp, k, 1);
	pp_hophist_scale(&sp, sc);
	CHECK_NEAR(sc[0], 2 + 2.6 / 64, 1e-6, "room 1: from 2 to 4.6");
	/* Nothing answered: a zero scale. */
	pp_hophist_span_init(&sp);
	pp_hophist_scale(&sp, sc);
	CHECK(sc[0] == 0 && sc[7] == 0, "empty scale");
	CHECK(pp_hophist_mark(0) == '.' && pp_hophist_mark(4) == 'a' &&
	    pp_hophist_mark(7) == '>', "marks of the scale");

	/* Cleared: every hop forgotten, made again empty. */
	pp_hophists_clear(&t);
	CHECK(pp_hophists_get(&t, "a", 1, false) == NULL, "cleared");
	h = pp_hophists_get(&t, "a", 1, true);
	CHECK(h != NULL && h->n == 0, "made again");
	/* At most PP_HOPHIST_KEYS hops. */
	int made = 0;
	for (int i = 0; i < PP_HOPHIST_KEYS + 10; i++) {
		char name[16];
		(void)snprintf(name, sizeof(name), "t%d", i);
		made += pp_hophists_get(&t, name, 1, true) != NULL;
	}
	CHECK(made == PP_HOPHIST_KEYS - 1, "bounded: %d", made);
	pp_hophists_release(&t);
}
