/* SPDX-License-Identifier: BSD-2-Clause */
/* util.c: ranged number parsing, durations, sizes, clocks. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"

long long
pp_strtonum(const char *s, long long min, long long max, const char **errstr)
{
	char *end = NULL;
	long long v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) ||
	    min > max) {
		*errstr = "invalid";
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*errstr = "invalid";
		return 0;
	}
	if ((v == LLONG_MIN && errno == ERANGE) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((v == LLONG_MAX && errno == ERANGE) || v > max) {
		*errstr = "too large";
		return 0;
	}
	return v;
}

/* Parse a plain decimal number (digits, one dot, optional exponent) at
 * s; store the end in *endp.  Rejects hex, inf and nan. */
static int
parse_decimal(const char *s, double *out, const char **endp)
{
	const char *p = s;
	char *end = NULL;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p) &&
	    !(*p == '.' && isdigit((unsigned char)p[1])))
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(*out))
		return -1;
	*endp = end;
	return 0;
}

int
pp_strtod_range(const char *s, double min, double max, double *out,
    const char **errstr)
{
	const char *end = NULL;
	double v;

	*errstr = NULL;
	if (s == NULL || parse_decimal(s, &v, &end) == -1 || *end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int
pp_parse_duration(const char *s, double *secs, const char **errstr)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = {
		{ "", 1.0 }, { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 },
		{ "s", 1.0 }, { "m", 60.0 }, { "min", 60.0 }, { "h", 3600.0 },
		{ "d", 86400.0 },
	};
	const char *end = NULL;
	double v;

	*errstr = NULL;
	if (s == NULL || parse_decimal(s, &v, &end) == -1) {
		*errstr = "invalid";
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (v < 0) {
			*errstr = "negative";
			return -1;
		}
		if (!isfinite(v * units[i].scale))
			break;	/* "1e308d": beyond any double */
		*secs = v * units[i].scale;
		return 0;
	}
	*errstr = "invalid";
	return -1;
}

int
pp_parse_size(const char *s, unsigned long long *bytes, const char **errstr)
{
	const char *end = NULL;
	double v;
	double scale = 1;

	*errstr = "invalid";
	if (s == NULL || parse_decimal(s, &v, &end) == -1 || v < 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		scale = 1024.0;
		break;
	case 'm': case 'M':
		scale = 1024.0 * 1024;
		break;
	case 'g': case 'G':
		scale = 1024.0 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0' &&
	    !((end[1] == 'B' || end[1] == 'b' || end[1] == 'i') &&
	    (end[2] == '\0' || (end[1] == 'i' && end[2] == 'B' &&
	    end[3] == '\0'))))
		return -1;
	v *= scale;
	if (v >= 18446744073709551615.0)
		return -1;
	*bytes = (unsigned long long)v;
	*errstr = NULL;
	return 0;
}

/* pp_format_num without printf (a record has several numbers; printf's
 * exact decimal conversion is most of the cost of writing one): the
 * integer part and the decimals scaled apart, each exact, rounded as
 * printf rounds unless the scaled rest is too close to a half to tell
 * (then -1: printf decides).  |v| < 1e15. */
static int
format_fast(double v, int decimals, char *buf, size_t size)
{
	static const double p10[10] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9 };
	bool neg = v < 0;
	double a = neg ? -v : v;
	double ip = floor(a);
	double fr = (a - ip) * p10[decimals];	/* a - ip is exact */
	double fi = floor(fr);
	double rem = fr - fi;

	/* The product's error is below 1e-7 (fr < 1e9). */
	if (rem > 0.5 - 1e-6 && rem < 0.5 + 1e-6)
		return -1;
	unsigned long long ipart = (unsigned long long)ip;
	unsigned long long f = (unsigned long long)fi + (rem > 0.5);
	if (f >= (unsigned long long)p10[decimals]) {
		f -= (unsigned long long)p10[decimals];
		ipart++;
	}
	char tmp[48];
	int n = 0;
	/* Decimals from the last, then the integer part. */
	for (int k = 0; k < decimals; k++) {
		tmp[n++] = (char)('0' + f % 10);
		f /= 10;
	}
	tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + ipart % 10);
		ipart /= 10;
	} while (ipart > 0);
	/* Trailing zeros go, one decimal stays; "-0.0" is "0.0". */
	int lo = 0;
	while (lo < decimals - 1 && tmp[lo] == '0')
		lo++;
	bool zero = true;
	for (int k = 0; k < n; k++)
		zero = zero && (tmp[k] == '0' || tmp[k] == '.');
	if ((size_t)(n - lo + 2) > size)
		return -1;
	int len = 0;
	if (neg && !zero)
		buf[len++] = '-';
	for (int k = n - 1; k >= lo; k--)
		buf[len++] = tmp[k];
	buf[len] = '\0';
	return len;
}

int
pp_format_num(double v, int decimals, char *buf, size_t size)
{
	if (decimals < 1)
		decimals = 1;
	if (decimals > 9)
		decimals = 9;
	if (v > -1e15 && v < 1e15) {
		int f = format_fast(v, decimals, buf, size);
		if (f >= 0)
			return f;
	}
	int n = snprintf(buf, size, "%.*f", decimals, v);
	if (n < 0 || (size_t)n >= size) {
		/* Beyond 1e50: the exponent form (still valid JSON). */
		n = snprintf(buf, size, "%.17g", v);
		return n < 0 || (size_t)n >= size ? -1 : n;
	}
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		n--;
	buf[n] = '\0';
	if (strcmp(buf, "-0.0") == 0) {
		memmove(buf, buf + 1, 4);
		n = 3;
	}
	return n;
}

const char *
pp_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *
pp_format_duration(double secs, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = {
		{ "d", 86400.0 }, { "h", 3600.0 }, { "m", 60.0 }, { "s", 1.0 },
		{ "ms", 1e-3 }, { "us", 1e-6 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double n = secs / units[i].scale;
		/* Whole units only while they print exactly and in full
		 * (a 1e70-day count would be cut short of its unit). */
		if (n >= 1 && n < 1e15 && fabs(n - round(n)) < 1e-9) {
			(void)snprintf(buf, size, "%.0f%s", round(n),
			    units[i].unit);
			return buf;
		}
	}
	(void)snprintf(buf, size, "%gs", secs);
	return buf;
}

double
pp_wall(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return -1;
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

double
pp_now(void)
{
	const char *env = getenv("PP_NOW");

	if (env != NULL && *env != '\0') {
		char *end = NULL;
		double v = strtod(env, &end);
		if (end != env && *end == '\0' && isfinite(v))
			return v;
	}
	return pp_wall();
}

long long
pp_mono_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

size_t
pp_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		len = 2;
		cp = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		cp = c & 0x0f;
	} else if (c < 0xf5) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

uint64_t
pp_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	    p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h ^ (h >> 29);
}
