/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "lib/util.h"
#include "tests/unit/check.h"

void test_util(void);

void
test_util(void)
{
	static const struct {
		const char *in;
		long long min, max, want;
		const char *err;
	} nums[] = {
		{ "10", 1, 100, 10, NULL },
		{ "0", 1, 100, 0, "too small" },
		{ "101", 1, 100, 0, "too large" },
		{ "1x", 1, 100, 0, "invalid" },
		{ "", 1, 100, 0, "invalid" },
		{ " 5", 1, 100, 0, "invalid" },
		{ "99999999999999999999", 1, 100, 0, "too large" },
		{ "-3", -5, 5, -3, NULL },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		const char *err = NULL;
		long long v = pp_strtonum(nums[i].in, nums[i].min, nums[i].max,
		    &err);
		CHECK(v == nums[i].want, "strtonum(%s) = %lld", nums[i].in, v);
		CHECK((err == NULL && nums[i].err == NULL) || (err != NULL &&
		    nums[i].err != NULL && strcmp(err, nums[i].err) == 0),
		    "strtonum(%s) error %s", nums[i].in, err ? err : "none");
	}

	static const struct {
		const char *in;
		double want;
		int rc;
	} durs[] = {
		{ "1", 1, 0 }, { "1s", 1, 0 }, { "10s", 10, 0 }, { "1m", 60, 0 },
		{ "1h", 3600, 0 }, { "20ms", 0.02, 0 }, { "250us", 0.00025, 0 },
		{ "1.5s", 1.5, 0 }, { "2d", 172800, 0 }, { "5x", 0, -1 },
		{ "", 0, -1 }, { "-1s", 0, -1 }, { "0x10", 0, -1 },
		{ "inf", 0, -1 }, { "nan", 0, -1 }, { "1e3ms", 1, 0 },
		/* Finite numbers whose seconds are not (tests/fuzz). */
		{ "1e308d", 0, -1 }, { "1e305h", 0, -1 }, { "1e308", 1e308, 0 },
	};
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		const char *err = NULL;
		double v = 0;
		int rc = pp_parse_duration(durs[i].in, &v, &err);
		CHECK(rc == durs[i].rc, "duration(%s) rc %d", durs[i].in, rc);
		if (rc == 0)
			CHECK_NEAR(v, durs[i].want, 1e-12, durs[i].in);
	}

	unsigned long long b = 0;
	const char *err = NULL;
	CHECK(pp_parse_size("64k", &b, &err) == 0 && b == 65536, "64k");
	CHECK(pp_parse_size("10M", &b, &err) == 0 && b == 10485760, "10M");
	CHECK(pp_parse_size("1GiB", &b, &err) == 0 && b == 1073741824ULL,
	    "1GiB");
	CHECK(pp_parse_size("12q", &b, &err) == -1, "12q");

	char buf[32];
	static const struct {
		double v;
		int dec;
		const char *want;
	} fmts[] = {
		{ 7.9, 3, "7.9" }, { 12.0, 3, "12.0" }, { -0.0001, 3, "0.0" },
		{ 1764000000.120415, 6, "1764000000.120415" },
		{ 0.5, 0, "0.5" }, { 1.23456789012, 12, "1.23456789" },
		{ 1e300, 3, "1.0000000000000001e+300" }, { -2.5, 1, "-2.5" },
	};
	char nb[64];
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		int n = pp_format_num(fmts[k].v, fmts[k].dec, nb, sizeof(nb));
		CHECK(n == (int)strlen(fmts[k].want) &&
		    strcmp(nb, fmts[k].want) == 0, "format_num %zu: %s", k, nb);
	}
	CHECK(pp_format_num(1e300, 3, nb, 8) == -1, "format_num short buf");
	/* The printf-free path gives printf's text: random values of every
	 * size the records have, halves and near-halves, carries. */
	static const double edge[] = { 0.125, 0.375, 2.5, 1.0005, 0.9999995,
	    999999.9999996, 9.95, 0.05, 1e-10, 123456789012345.6,
	    1796309226.5518665, 0.0000005, 4.35, 0.015 };
	unsigned long long x = 88172645463325252ULL;
	int bad = 0;
	for (int k = 0; k < 200000 + (int)(sizeof(edge) / sizeof(edge[0]));
	    k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v;
		if (k < (int)(sizeof(edge) / sizeof(edge[0])))
			v = edge[k];
		else
			v = (double)(x >> 11) / 9007199254740992.0 *
			    pow(10, (double)(x % 17) - 4) * ((x & 1) ? -1 : 1);
		int dec = 1 + (int)((x >> 5) % 9);
		char ref[96];
		int m = snprintf(ref, sizeof(ref), "%.*f", dec, v);
		while (m > 2 && ref[m - 1] == '0' && ref[m - 2] != '.')
			m--;
		ref[m] = '\0';
		if (strcmp(ref, "-0.0") == 0)
			(void)snprintf(ref, sizeof(ref), "0.0");
		int n = pp_format_num(v, dec, nb, sizeof(nb));
		if (n != (int)strlen(ref) || strcmp(nb, ref) != 0) {
			if (bad++ < 5)
				CHECK(false, "format_num %.17g %d: %s, printf %s",
				    v, dec, nb, ref);
		}
	}
	CHECK(bad == 0, "format_num like printf: %d differ", bad);
	CHECK_STR(pp_plural(1, "probe", "probes"), "probe", "plural 1");
	CHECK_STR(pp_plural(0, "probe", "probes"), "probes", "plural 0");
	CHECK_STR(pp_plural(2, "", "s"), "s", "plural 2");
	CHECK_STR(pp_format_duration(60, buf, sizeof(buf)), "1m", "fmt 60");
	CHECK_STR(pp_format_duration(1, buf, sizeof(buf)), "1s", "fmt 1");
	CHECK_STR(pp_format_duration(0.25, buf, sizeof(buf)), "250ms",
	    "fmt .25");
	CHECK_STR(pp_format_duration(3600, buf, sizeof(buf)), "1h", "fmt h");
	/* A huge count of days is not cut short of its unit (tests/fuzz). */
	CHECK_STR(pp_format_duration(8.64e74, buf, sizeof(buf)), "8.64e+74s",
	    "fmt 1e70d");
	double back = 0;
	const char *berr = NULL;
	CHECK(pp_parse_duration(pp_format_duration(5e67, buf, sizeof(buf)),
	    &back, &berr) == 0 && fabs(back - 5e67) <= 5e62, "5e67 s: %s",
	    buf);

	setenv("PP_NOW", "1764000000.5", 1);
	CHECK_NEAR(pp_now(), 1764000000.5, 1e-6, "PP_NOW");
	unsetenv("PP_NOW");
	CHECK(pp_now() > 1.7e9, "real clock");
	CHECK(pp_mono_ns() > 0, "monotonic clock");
}
