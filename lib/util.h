/* SPDX-License-Identifier: BSD-2-Clause */
/* util.h: ranged number parsing, durations and small string helpers. */
#ifndef PP_UTIL_H
#define PP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse a decimal integer in [min, max] (OpenBSD strtonum semantics).
 * Returns the value; on error returns 0 and sets *errstr to "invalid",
 * "too small" or "too large" (static strings), else *errstr = NULL. */
long long pp_strtonum(const char *s, long long min, long long max,
    const char **errstr);

/* Parse a decimal floating-point number in [min, max] (no hex, no inf or
 * nan).  Returns 0 and sets *out, or -1 with *errstr set as for
 * pp_strtonum. */
int pp_strtod_range(const char *s, double min, double max, double *out,
    const char **errstr);

/* Parse a duration with an explicit unit: "250us", "20ms", "1.5s", "10m",
 * "1h", "2d"; a bare number means seconds.  Stores seconds in *secs.
 * Returns 0, or -1 with *errstr = "invalid" (bad number, unknown unit, or
 * more seconds than a double holds) or "negative". */
int pp_parse_duration(const char *s, double *secs, const char **errstr);

/* Parse a size with an optional unit: "512", "64k", "10M", "1G" (powers of
 * 1024).  Returns 0 and stores bytes, or -1 with *errstr = "invalid". */
int pp_parse_size(const char *s, unsigned long long *bytes,
    const char **errstr);

/* Format a number of seconds as the shortest exact duration text ("1s",
 * "10m", "250ms", "1.5s") into buf; returns buf. */
char *pp_format_duration(double secs, char *buf, size_t size);

/* The word for a count: one when n is 1, else many ("1 probe", "0 probes",
 * "2 batches"); pp_plural(n, "", "s") gives a suffix.  Every count a
 * message gives in words goes through it. */
const char *pp_plural(unsigned long long n, const char *one,
    const char *many);

/* Format a finite number with decimals (clamped to 1..9) decimals and
 * its trailing zeros dropped ("7.9", "12.0", never "-0.0"), or in the
 * %.17g exponent form when too large for that; the text of the records and
 * of every export.  buf of 64 bytes or more.  Returns the length, or -1
 * when it did not fit. */
int pp_format_num(double v, int decimals, char *buf, size_t size);

/* Wall-clock time now in epoch seconds (microsecond precision), or the
 * value of the PP_NOW environment variable when it is set (so fixtures
 * are deterministic).  Returns -1 when the clock fails. */
double pp_now(void);

/* Wall-clock time now in epoch seconds (microsecond precision), PP_NOW
 * ignored: what a terminal shows of a run in progress.  -1 when the
 * clock fails. */
double pp_wall(void);

/* Monotonic clock in nanoseconds. */
long long pp_mono_ns(void);

/* Length of the well-formed UTF-8 sequence at p (n bytes available): 1 for
 * ASCII, 2 to 4, or 0 when it is invalid (overlong, surrogate, above
 * U+10FFFF, truncated) -- exactly what JSON (RFC 8259, jansson) accepts. */
size_t pp_utf8_len(const unsigned char *p, size_t n);

/* The hash of string s for hash tables (FNV-1a, 64 bits, the high bits
 * folded into the low ones, so hash & (size - 1) uses them all); not for
 * anything an attacker must not collide. */
uint64_t pp_hash_str(const char *s);

#endif /* PP_UTIL_H */
