/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_util.c: the small parsers of lib/util.c that read option values and
 * record text: durations, sizes, ranged numbers, and the UTF-8 validator
 * that decides which strings are JSON.  The input is the text (cut at its
 * first NUL byte); every byte sequence is also checked for UTF-8.
 * Invariants: an accepted duration is finite and not negative, and its
 * pp_format_duration() text parses back to it; an accepted number is in
 * its range; pp_utf8_len() agrees with the table of well-formed byte
 * sequences of RFC 3629 (Unicode 15, table 3-7), written out here. */
#include <math.h>
#include <string.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

/* RFC 3629 / Unicode table 3-7: the length of the well-formed sequence at
 * p, 0 when there is none. */
static size_t
utf8_ref(const unsigned char *p, size_t n)
{
	static const struct {
		unsigned char lo[4], hi[4];
		size_t len;
	} t[] = {
		{ { 0x00 }, { 0x7f }, 1 },
		{ { 0xc2, 0x80 }, { 0xdf, 0xbf }, 2 },
		{ { 0xe0, 0xa0, 0x80 }, { 0xe0, 0xbf, 0xbf }, 3 },
		{ { 0xe1, 0x80, 0x80 }, { 0xec, 0xbf, 0xbf }, 3 },
		{ { 0xed, 0x80, 0x80 }, { 0xed, 0x9f, 0xbf }, 3 },
		{ { 0xee, 0x80, 0x80 }, { 0xef, 0xbf, 0xbf }, 3 },
		{ { 0xf0, 0x90, 0x80, 0x80 }, { 0xf0, 0xbf, 0xbf, 0xbf }, 4 },
		{ { 0xf1, 0x80, 0x80, 0x80 }, { 0xf3, 0xbf, 0xbf, 0xbf }, 4 },
		{ { 0xf4, 0x80, 0x80, 0x80 }, { 0xf4, 0x8f, 0xbf, 0xbf }, 4 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (p[0] < t[i].lo[0] || p[0] > t[i].hi[0])
			continue;
		if (n < t[i].len)
			return 0;
		for (size_t k = 1; k < t[i].len; k++)
			if (p[k] < t[i].lo[k] || p[k] > t[i].hi[k])
				return 0;
		return t[i].len;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		size_t want = utf8_ref(data + i, size - i);
		size_t got = pp_utf8_len(data + i, size - i);
		FUZZ_CHECK(got == want, "pp_utf8_len at %zu: %zu, want %zu", i,
		    got, want);
	}

	char *s = malloc(size + 1);
	FUZZ_CHECK(s != NULL, "out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	const char *errstr = NULL;

	double secs = -1;
	if (pp_parse_duration(s, &secs, &errstr) == 0) {
		FUZZ_CHECK(errstr == NULL, "accepted with an error");
		FUZZ_CHECK(isfinite(secs) && secs >= 0, "duration \"%s\" is "
		    "%g s", s, secs);
		if (secs == 0 || (secs >= 1e-9 && secs < 1e300)) {
			char buf[64];
			double back = -1;
			const char *e2 = NULL;
			pp_format_duration(secs, buf, sizeof(buf));
			FUZZ_CHECK(pp_parse_duration(buf, &back, &e2) == 0,
			    "\"%s\" (from \"%s\") does not parse", buf, s);
			FUZZ_CHECK(fabs(back - secs) <= 1e-5 * secs,
			    "\"%s\" is %.17g s, \"%s\" %.17g s", s, secs, buf,
			    back);
		}
	} else {
		FUZZ_CHECK(errstr != NULL, "rejected without a reason");
	}

	unsigned long long bytes;
	if (pp_parse_size(s, &bytes, &errstr) == 0)
		FUZZ_CHECK(errstr == NULL, "size accepted with an error");
	else
		FUZZ_CHECK(errstr != NULL, "size rejected without a reason");

	long long v = pp_strtonum(s, -1000, 1000000, &errstr);
	if (errstr == NULL)
		FUZZ_CHECK(v >= -1000 && v <= 1000000, "strtonum %lld", v);
	else
		FUZZ_CHECK(v == 0, "strtonum error with value %lld", v);

	double d = -1;
	if (pp_strtod_range(s, 0, 3600, &d, &errstr) == 0)
		FUZZ_CHECK(isfinite(d) && d >= 0 && d <= 3600, "strtod %g", d);
	else
		FUZZ_CHECK(errstr != NULL, "strtod rejected without a reason");
	free(s);
	return 0;
}
