/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "lib/screen.h"
#include "tests/unit/check.h"

void test_screen(void);

/* pp_screen_title: the targets named, with their addresses, the rest
 * counted; cut where the buffer ends. */
static void
screen_title(void)
{
	static const struct pp_screen_target t[] = {
		{ "a.example", "198.18.4.2" },
		{ "198.18.9.2", "198.18.9.2" },
		{ "::1", "::1" },
		{ "v6.example", "fd00:0:0:4::2" },
		{ "e", "198.18.5.2" },
	};
	static const struct {
		int n;		/* targets */
		size_t size;	/* of the buffer */
		const char *want;
	} cases[] = {
		{ 1, 64, "vp -> a.example (198.18.4.2)" },
		{ 2, 64, "vp -> a.example (198.18.4.2), 198.18.9.2" },
		{ 3, 64, "vp -> a.example (198.18.4.2), 198.18.9.2, ::1" },
		/* The fourth on: counted. */
		{ 4, 64, "vp -> a.example (198.18.4.2), 198.18.9.2, ::1 and 1 "
		    "more" },
		{ 5, 64, "vp -> a.example (198.18.4.2), 198.18.9.2, ::1 and 2 "
		    "more" },
		/* No room: the one that does not fit cut, the rest left
		 * out; the count cut too. */
		{ 3, 36, "vp -> a.example (198.18.4.2), 198.1" },
		{ 5, 50, "vp -> a.example (198.18.4.2), 198.18.9.2, ::1 and" },
		{ 2, 4, "vp " },
		{ 0, 64, "vp -> " },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		pp_screen_title(buf, cases[i].size, "vp", t, cases[i].n);
		CHECK(strcmp(buf, cases[i].want) == 0, "title case %zu: got "
		    "\"%s\", want \"%s\"", i, buf, cases[i].want);
	}
}

void
test_screen(void)
{
	screen_title();
}
