/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "tests/unit/check.h"
#include "tests/unit/export_test.h"

void test_export(void);

static void
numbers(struct pp_export *x)
{
	static const struct {
		double v;
		int dec;
		const char *want;
	} cases[] = {
		{ 2.0, 3, "2.0" }, { 7.912, 3, "7.912" },
		{ 0.007912, 6, "0.007912" }, { 0.0000004, 6, "0.0" },
		{ -0.0000001, 6, "0.0" }, { 0.3048, 5, "0.3048" },
		{ 1764000000.0055, 6, "1764000000.0055" },
		{ 1764000000.0, 6, "1764000000.0" }, { 12.3456789, 3, "12.346" },
		{ NAN, 3, "NaN" }, { INFINITY, 3, "+Inf" },
		{ -INFINITY, 3, "-Inf" }, { -5.25, 3, "-5.25" },
		{ 1e60, 3, "9.9999999999999995e+59" }, { 0.5, 0, "0.5" }, { 1.0 / 3, 12,
		    "0.333333333" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(x);
		pp_export_num(x, cases[i].v, cases[i].dec);
		CHECK_STR(text_of(x), cases[i].want, "number");
	}
}

/* A test escape: 'a' as "<A>", '\\' as "\\\\", the rest copied. */
static const char *
esc_test(unsigned char c)
{
	switch (c) {
	case 'a':
		return "<A>";
	case '\\':
		return "\\\\";
	default:
		return NULL;
	}
}

/* The escaping loop: ASCII through the escape, valid UTF-8 copied
 * whole (whatever esc says of its bytes), invalid UTF-8 one U+FFFD a
 * byte; n bytes, not the string. */
static void
escaped(struct pp_export *x)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} cases[] = {
		{ "", 0, "" },
		{ "bcd", 3, "bcd" },
		{ "banana", 6, "b<A>n<A>n<A>" },
		{ "banana", 2, "b<A>" },
		{ "a\\b", 3, "<A>\\\\b" },
		{ "\n\r\t\"", 4, "\n\r\t\"" },
		{ "caf\xc3\xa9", 5, "c<A>f\xc3\xa9" },
		{ "\xe2\x82\xac" "a", 4, "\xe2\x82\xac<A>" },
		{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
		{ "bed\xff", 4, "bed\xef\xbf\xbd" },
		{ "\xc0\xaf" "a", 3, "\xef\xbf\xbd\xef\xbf\xbd<A>" },
		{ "cut\xe2\x82", 5, "cut\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc3\xa9", 1, "\xef\xbf\xbd" },
		{ "\xed\xa0\x80", 3,
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pp_export_reset(x);
		pp_export_escaped(x, cases[i].in, cases[i].n, esc_test);
		CHECK(strcmp(text_of(x), cases[i].want) == 0,
		    "escaped %zu: %s", i, text_of(x));
	}
}

/* Appending: the buffer grows past its first 256 bytes and keeps every
 * byte in order; puts and putc; reset forgets the text, not the
 * allocation; flush writes it and forgets it; an append that failed
 * makes the flush fail with ENOMEM, nothing written. */
static void
buffer(void)
{
	struct pp_export x;
	char *out = NULL;
	size_t olen = 0;

	pp_export_init(&x);
	CHECK(x.buf == NULL && x.len == 0 && x.cap == 0 && !x.oom, "init");
	for (int i = 0; i < 1000; i++) {
		char tmp[16];
		(void)snprintf(tmp, sizeof(tmp), "%d,", i);
		pp_export_puts(&x, tmp);
	}
	pp_export_putc(&x, '!');
	pp_export_put(&x, "xyz", 2);
	CHECK(x.len == 3893 && x.cap >= x.len && !x.oom, "grown: %zu of %zu",
	    x.len, x.cap);
	CHECK(memcmp(x.buf, "0,1,2,", 6) == 0 &&
	    memcmp(x.buf + x.len - 11, "998,999,!xy", 11) == 0,
	    "text kept in order");
	size_t cap = x.cap;
	pp_export_reset(&x);
	CHECK(x.len == 0 && x.cap == cap && x.buf != NULL, "reset");

	FILE *f = open_memstream(&out, &olen);
	CHECK(f != NULL, "open_memstream");
	if (f == NULL) {
		pp_export_release(&x);
		return;
	}
	pp_export_puts(&x, "one\n");
	CHECK(pp_export_flush(&x, f) == 0 && x.len == 0, "flush");
	CHECK(pp_export_flush(&x, f) == 0, "flush of nothing");
	pp_export_puts(&x, "two\n");
	x.oom = true;
	pp_export_puts(&x, "three\n");
	CHECK(x.len == 4, "no append after a failed one: %zu", x.len);
	errno = 0;
	CHECK(pp_export_flush(&x, f) == -1 && errno == ENOMEM,
	    "flush after a failed append");
	CHECK(x.len == 0 && !x.oom, "the failed text forgotten");
	(void)fclose(f);
	CHECK(out != NULL && olen == 4 && memcmp(out, "one\n", 4) == 0,
	    "flushed: %.*s", (int)olen, out != NULL ? out : "");
	free(out);
	pp_export_release(&x);
	CHECK(x.buf == NULL && x.cap == 0, "release");
}

void
test_export(void)
{
	struct pp_export x;

	pp_export_init(&x);
	numbers(&x);
	escaped(&x);
	pp_export_release(&x);
	buffer();
}
