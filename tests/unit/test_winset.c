/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "lib/winset.h"
#include "tests/unit/check.h"

void test_winset(void);

void
test_winset(void)
{
	struct pp_winset s = { 0 };

	CHECK(!pp_winset_has(&s, 0), "empty set");
	/* Ascending, then out of order (a file given before an earlier
	 * one), negative, a repeat, past the first allocation of 16. */
	static const long long add[] = {
		5, 6, 7, 9, 2, 3, -4, 8, 7, 100, 1, 0, 10, 11, 12, 13, 14, 15,
		16, 17, -5,
	};
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++)
		CHECK(pp_winset_add(&s, add[i]) == 0, "add %lld", add[i]);
	CHECK(s.n == 20, "20 distinct windows: %zu", s.n);
	for (size_t i = 1; i < s.n; i++)
		CHECK(s.w[i - 1] < s.w[i], "ascending at %zu", i);
	for (long long w = -10; w <= 110; w++) {
		bool in = false;
		for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++)
			in = in || add[i] == w;
		CHECK(pp_winset_has(&s, w) == in, "has %lld", w);
	}
	pp_winset_release(&s);
	CHECK(s.n == 0 && !pp_winset_has(&s, 5), "released");
}
