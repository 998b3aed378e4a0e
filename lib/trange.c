/* SPDX-License-Identifier: BSD-2-Clause */
/* trange.c: --from and --to (see trange.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/input.h"
#include "lib/model.h"
#include "lib/trange.h"
#include "lib/util.h"

void
pp_trange_init(struct pp_trange *r)
{
	memset(r, 0, sizeof(*r));
	r->from.base = PP_TB_NONE;
	r->to.base = PP_TB_NONE;
	r->lo = -INFINITY;
	r->hi = INFINITY;
	r->seen_lo = NAN;
	r->seen_hi = NAN;
}

bool
pp_trange_active(const struct pp_trange *r)
{
	return r->from.base != PP_TB_NONE || r->to.base != PP_TB_NONE;
}

/* n decimal digits at *p into *v; advances *p.  Returns 0, or -1. */
static int
digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int
days_in(int year, int mon)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : dm[mon - 1];
}

/* ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[[:]MM]].
 * Returns 0 with *out (epoch s), or -1 with err set. */
static int
parse_iso(const char *s, double *out, struct pp_error *err)
{
	const char *p = s;
	struct tm tm;
	double frac = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	bool zoned = false;
	long off = 0;

	memset(&tm, 0, sizeof(tm));
	if (digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    digits(&p, 2, &d) == -1)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || y < 1970)
		goto range;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) == -1)
				goto bad;
			if (*p == '.' || *p == ',') {
				double scale = 0.1;
				p++;
				if (!isdigit((unsigned char)*p))
					goto bad;
				while (isdigit((unsigned char)*p)) {
					frac += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			goto range;
	}
	if (*p == 'Z' || *p == 'z') {
		zoned = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int oh, om = 0;
		if (digits(&p, 2, &oh) == -1)
			goto bad;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && digits(&p, 2, &om) == -1)
			goto bad;
		if (oh > 23 || om > 59)
			goto range;
		zoned = true;
		off = sign * (oh * 3600L + om * 60L);
	}
	if (*p != '\0')
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t;
	if (zoned) {
		t = timegm(&tm);
		t -= off;
	} else {
		/* Local time, summer time as it was: the wall clock time
		 * read with each of its two offsets, kept when it reads back
		 * as typed.  The hour summer time repeats has two, the hour
		 * it skips none: either is said, never a guess. */
		time_t at[2];
		int n = 0;
		for (int dst = 0; dst <= 1; dst++) {
			struct tm x = tm;
			struct tm back;
			x.tm_isdst = dst;
			time_t c = mktime(&x);
			if (c == (time_t)-1 || localtime_r(&c, &back) == NULL ||
			    back.tm_isdst != dst || back.tm_year != tm.tm_year ||
			    back.tm_mon != tm.tm_mon ||
			    back.tm_mday != tm.tm_mday ||
			    back.tm_hour != tm.tm_hour ||
			    back.tm_min != tm.tm_min || back.tm_sec != tm.tm_sec)
				continue;
			if (n == 0 || c != at[0])
				at[n++] = c;
		}
		if (n == 0) {
			pp_error_set(err, "no such local time (summer time "
			    "begins, TZ): %s", s);
			return -1;
		}
		if (n == 2) {
			char a[16];
			char b[16];
			struct tm la;
			struct tm lb;
			(void)localtime_r(&at[0], &la);
			(void)localtime_r(&at[1], &lb);
			(void)strftime(a, sizeof(a), "%z", &la);
			(void)strftime(b, sizeof(b), "%z", &lb);
			pp_error_set(err, "local time twice over (summer time "
			    "ends, TZ): %s; give its offset, %.3s:%s or "
			    "%.3s:%s", s, b, b + 3, a, a + 3);
			return -1;
		}
		t = at[0];
	}
	*out = (double)t + frac;
	return 0;
bad:
	pp_error_set(err, "not a time (ISO 8601 like 2026-12-03T10:00:00Z, "
	    "epoch seconds, -2h, +10m or now-1h): %s", s);
	return -1;
range:
	pp_error_set(err, "no such date or time: %s", s);
	return -1;
}

/* A signed duration "+10m" / "-2h" at s.  Returns 0, or -1. */
static int
parse_offset(const char *s, double *out)
{
	const char *errstr = NULL;
	double v;

	if (*s != '+' && *s != '-')
		return -1;
	if (pp_parse_duration(s + 1, &v, &errstr) == -1)
		return -1;
	*out = *s == '-' ? -v : v;
	return 0;
}

int
pp_tbound_parse(const char *s, struct pp_tbound *b, struct pp_error *err)
{
	static const struct {
		const char *word;
		enum pp_tbase base;
	} words[] = {
		{ "now", PP_TB_NOW }, { "start", PP_TB_START },
		{ "end", PP_TB_END },
	};
	const char *errstr = NULL;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);
		if (strncmp(s, words[i].word, n) != 0)
			continue;
		b->base = words[i].base;
		b->t = 0;
		if (s[n] == '\0' || parse_offset(s + n, &b->t) == 0)
			return 0;
		pp_error_set(err, "%s must be followed by nothing, +DURATION "
		    "or -DURATION: %s", words[i].word, s);
		return -1;
	}
	if (s[0] == '-' || s[0] == '+') {
		b->base = s[0] == '-' ? PP_TB_END : PP_TB_START;
		if (parse_offset(s, &b->t) == 0)
			return 0;
		pp_error_set(err, "not a duration (250ms, 10s, 5m, 2h, 1d): %s",
		    s);
		return -1;
	}
	/* Epoch seconds: a plain decimal number. */
	if (isdigit((unsigned char)s[0]) && strchr(s, '-') == NULL) {
		double v;
		if (pp_strtod_range(s, 0, 1e11, &v, &errstr) == 0) {
			b->base = PP_TB_ABS;
			b->t = v;
			return 0;
		}
	}
	b->base = PP_TB_ABS;
	return parse_iso(s, &b->t, err);
}

int
pp_record_span(struct pp_record *rec, double *t0, double *t1)
{
	if (rec->type == PP_REC_PROBE) {
		*t0 = *t1 = rec->probe.ts;
		return 0;
	}
	if (rec->type == PP_REC_META)
		return -1;
	json_t *o = pp_record_json(rec, NULL);
	if (o == NULL)
		return -1;
	double s = pp_json_num(o, "start");
	double e = pp_json_num(o, "end");
	if (isfinite(s) && isfinite(e) && e >= s) {
		*t0 = s;
		*t1 = e;
		return 0;
	}
	double ts = pp_json_num(o, "ts");
	if (isfinite(ts)) {
		*t0 = *t1 = ts;
		return 0;
	}
	if (isfinite(s)) {
		*t0 = *t1 = s;
		return 0;
	}
	return -1;
}

int
pp_trange_input_end(char *const *paths, int n, double *end,
    struct pp_error *err)
{
	struct pp_reader rd;
	struct pp_record rec;
	struct pp_error e;
	off_t where = -1;
	bool uses_stdin = n == 0;
	int rc = 0;

	for (int i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0)
			uses_stdin = true;
	if (uses_stdin) {
		struct stat st;
		if (fstat(0, &st) == -1 || !S_ISREG(st.st_mode) ||
		    (where = lseek(0, 0, SEEK_CUR)) == -1) {
			pp_error_set(err, "a time before the input's end needs "
			    "files to read (standard input is a pipe, read "
			    "only once): give the file, an absolute time, or "
			    "now-DURATION");
			return -1;
		}
	}
	*end = NAN;
	if (pp_reader_init(&rd, paths, n, NULL) == -1) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	pp_record_init(&rec);
	for (;;) {
		enum pp_read st = pp_reader_next(&rd, &e);
		if (st == PP_READ_EOF)
			break;
		if (st != PP_READ_OK)
			continue;
		double t0, t1;
		if (pp_record_parse(&rec, rd.line, rd.len, &e) == 0 &&
		    pp_record_span(&rec, &t0, &t1) == 0 &&
		    (isnan(*end) || t1 > *end))
			*end = t1;
	}
	pp_record_release(&rec);
	pp_reader_release(&rd);
	if (where != -1 && lseek(0, where, SEEK_SET) == -1) {
		pp_error_set(err, "cannot read standard input again: %s",
		    strerror(errno));
		rc = -1;
	}
	return rc;
}

/* The bound b once its base is known (NAN base: left open). */
static double
bound_at(const struct pp_tbound *b, double base, double open)
{
	if (b->base == PP_TB_NONE || isnan(base))
		return open;
	return b->base == PP_TB_ABS ? b->t : base + b->t;
}

static int
check_order(const struct pp_trange *r, struct pp_error *err)
{
	char a[40];
	char b[40];

	if (r->from.base == PP_TB_NONE || r->to.base == PP_TB_NONE ||
	    r->wait_start || r->lo < r->hi)
		return 0;
	pp_error_set(err, "--from %s is not before --to %s",
	    pp_iso_time(r->lo, 3, a, sizeof(a)),
	    pp_iso_time(r->hi, 3, b, sizeof(b)));
	return -1;
}

int
pp_trange_resolve(struct pp_trange *r, char *const *paths, int n,
    struct pp_error *err)
{
	double end = NAN;
	double now = NAN;

	if (r->from.base == PP_TB_END || r->to.base == PP_TB_END) {
		if (pp_trange_input_end(paths, n, &end, err) == -1)
			return -1;
	}
	if (r->from.base == PP_TB_NOW || r->to.base == PP_TB_NOW) {
		now = pp_now();
		if (now < 0) {
			pp_error_set(err, "cannot read the clock: %s",
			    strerror(errno));
			return -1;
		}
	}
	r->wait_start = r->from.base == PP_TB_START ||
	    r->to.base == PP_TB_START;
	if (r->from.base == PP_TB_START && r->to.base == PP_TB_START &&
	    r->from.t >= r->to.t) {
		pp_error_set(err, "--from is not before --to");
		return -1;
	}
	const struct pp_tbound *bs[2] = { &r->from, &r->to };
	double *out[2] = { &r->lo, &r->hi };
	double open[2] = { -INFINITY, INFINITY };
	for (int i = 0; i < 2; i++) {
		double base = bs[i]->base == PP_TB_END ? end :
		    bs[i]->base == PP_TB_NOW ? now : 0;
		if (bs[i]->base != PP_TB_START)
			*out[i] = bound_at(bs[i], base, open[i]);
	}
	/* The input's end is a record time, inside the input: "end" as a
	 * --to keeps that last record. */
	if (r->to.base == PP_TB_END && r->to.t == 0 && isfinite(r->hi))
		r->hi = nextafter(r->hi, INFINITY);
	return check_order(r, err);
}

bool
pp_trange_keep(struct pp_trange *r, struct pp_record *rec)
{
	double t0, t1;

	if (!pp_trange_active(r) || pp_record_span(rec, &t0, &t1) == -1)
		return true;
	if (r->wait_start) {
		r->wait_start = false;
		if (r->from.base == PP_TB_START)
			r->lo = r->from.t + t0;
		if (r->to.base == PP_TB_START)
			r->hi = r->to.t + t0;
	}
	if (isnan(r->seen_lo) || t0 < r->seen_lo)
		r->seen_lo = t0;
	if (isnan(r->seen_hi) || t1 > r->seen_hi)
		r->seen_hi = t1;
	if (t0 < r->hi && t1 >= r->lo) {
		r->kept++;
		return true;
	}
	r->outside++;
	return false;
}

void
pp_trange_clip(const struct pp_trange *r, double *start, double *end)
{
	if (*start < r->lo)
		*start = r->lo;
	if (*end > r->hi)
		*end = r->hi;
	if (*end < *start)
		*end = *start;
}

char *
pp_iso_format(double t, int decimals, unsigned flags, char *buf, size_t size)
{
	const char *none = (flags & PP_ISO_DASH) != 0 ? "-" : "";

	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(t) || fabs(t) > 1e11) {
		(void)snprintf(buf, size, "%s", none);
		return buf;
	}
	double scale = pow(10, decimals);
	time_t whole;
	long frac;
	if ((flags & PP_ISO_FLOOR) != 0) {
		whole = (time_t)floor(t);
		frac = (long)floor((t - (double)whole) * scale);
		if (frac >= (long)scale)
			frac = (long)scale - 1;
	} else {
		/* Round once, at the digits shown, so 59.9999 never prints
		 * as 60. */
		double r = round(t * scale) / scale;
		whole = (time_t)floor(r);
		frac = (long)llround((r - (double)whole) * scale);
		if (frac >= (long)scale) {
			whole++;
			frac = 0;
		}
	}
	bool local = (flags & PP_ISO_LOCAL) != 0;
	bool space = (flags & PP_ISO_SPACE) != 0;
	struct tm tm;
	char day[32];
	char zone[16] = "Z";
	if ((local ? localtime_r(&whole, &tm) : gmtime_r(&whole, &tm)) ==
	    NULL || strftime(day, sizeof(day), space ? "%Y-%m-%d %H:%M:%S" :
	    "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    (local && !space && strftime(zone, sizeof(zone), "%z", &tm) == 0)) {
		(void)snprintf(buf, size, "%s", none);
		return buf;
	}
	if (space)
		zone[0] = '\0';
	if (decimals > 0)
		(void)snprintf(buf, size, "%s.%0*ld%s", day, decimals, frac,
		    zone);
	else
		(void)snprintf(buf, size, "%s%s", day, zone);
	return buf;
}

char *
pp_iso_time(double t, int decimals, char *buf, size_t size)
{
	return pp_iso_format(t, decimals, 0, buf, size);
}
