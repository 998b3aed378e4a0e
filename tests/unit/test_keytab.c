/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "lib/keytab.h"
#include "tests/unit/check.h"

void test_keytab(void);

void
test_keytab(void)
{
	struct pp_keytab t;
	bool added;

	pp_keytab_init(&t);
	CHECK(pp_keytab_find(&t, 0, 1, 1) == PP_KEYTAB_NONE, "empty table");

	/* Indices in order of first add; the same key, the same index;
	 * target and hop both count (ttl 0 plain, -1 a caller's own). */
	static const struct {
		uint32_t target;
		int32_t ttl;
		uint32_t want;
		bool added;
	} cases[] = {
		{ 0, 0, 0, true }, { 0, 1, 1, true }, { 1, 0, 2, true },
		{ 0, 0, 0, false }, { 0, -1, 3, true }, { 1, 1, 4, true },
		{ 0, 1, 1, false }, { 1, -1, 5, true }, { UINT32_MAX - 1, 255, 6,
		  true }, { 1, 0, 2, false }, { 0, 255, 7, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t k = pp_keytab_add(&t, 0, cases[i].target, cases[i].ttl,
		    &added);
		CHECK(k == cases[i].want && added == cases[i].added,
		    "add (%u, %d): %u %d", cases[i].target, cases[i].ttl, k,
		    added);
		CHECK(pp_keytab_find(&t, 0, cases[i].target, cases[i].ttl) == k,
		    "find (%u, %d)", cases[i].target, cases[i].ttl);
		CHECK(pp_keytab_key(&t, k)->target == cases[i].target &&
		    pp_keytab_key(&t, k)->ttl == cases[i].ttl, "key of %u", k);
	}
	CHECK(t.n == 8, "keys: %u", t.n);
	pp_keytab_release(&t);
	CHECK(t.n == 0 && pp_keytab_find(&t, 0, 0, 0) == PP_KEYTAB_NONE,
	    "released");

	/* No cap: 100,000 targets x 4 hops, every one found again, the
	 * table never more than half full. */
	for (uint32_t tg = 0; tg < 100000; tg++)
		for (int32_t h = 0; h < 4; h++)
			if (pp_keytab_add(&t, 0, tg, h, NULL) != tg * 4 +
			    (uint32_t)h) {
				CHECK(false, "add %u %d", tg, h);
				goto out;
			}
	CHECK(t.n == 400000 && (uint64_t)t.n * 2 <= t.nslots, "grown: %u "
	    "keys, %u slots", t.n, t.nslots);
	bool all = true;
	for (uint32_t tg = 0; tg < 100000 && all; tg++)
		for (int32_t h = 0; h < 4; h++)
			all = all && pp_keytab_find(&t, 0, tg, h) == tg * 4 +
			    (uint32_t)h;
	CHECK(all, "every key found");
	CHECK(pp_keytab_find(&t, 0, 100000, 0) == PP_KEYTAB_NONE &&
	    pp_keytab_find(&t, 0, 5, 4) == PP_KEYTAB_NONE, "absent keys");
	pp_keytab_release(&t);

	/* The vantage point is part of the key: the same (target, hop)
	 * from three vantage points is three keys, each found again. */
	for (uint32_t v = 0; v < 3; v++)
		CHECK(pp_keytab_add(&t, v, 7, 3, &added) == v && added,
		    "vantage %u added", v);
	for (uint32_t v = 0; v < 3; v++)
		CHECK(pp_keytab_find(&t, v, 7, 3) == v &&
		    pp_keytab_key(&t, v)->vantage == v, "vantage %u found", v);
	CHECK(pp_keytab_find(&t, 3, 7, 3) == PP_KEYTAB_NONE &&
	    pp_keytab_add(&t, 1, 7, 3, &added) == 1 && !added,
	    "no fourth vantage key");
out:
	pp_keytab_release(&t);
}
