/* SPDX-License-Identifier: BSD-2-Clause */
/* jsonw.c: the record writer (see jsonw.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonw.h"
#include "lib/pp.h"
#include "lib/record.h"
#include "lib/util.h"

void
pp_jw_init(struct pp_jw *w)
{
	memset(w, 0, sizeof(*w));
}

void
pp_jw_release(struct pp_jw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void
pp_jw_reset(struct pp_jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->comma[0] = false;
	w->after_key = false;
	w->oom = false;
}

static bool
reserve(struct pp_jw *w, size_t n)
{
	if (w->oom)
		return false;
	if (w->cap - w->len >= n)
		return true;
	size_t ncap = w->cap != 0 ? w->cap : 512;
	while (ncap - w->len < n)
		ncap *= 2;
	char *nbuf = realloc(w->buf, ncap);
	if (nbuf == NULL) {
		w->oom = true;
		return false;
	}
	w->buf = nbuf;
	w->cap = ncap;
	return true;
}

static void
put(struct pp_jw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
putc1(struct pp_jw *w, char c)
{
	if (!reserve(w, 1))
		return;
	w->buf[w->len++] = c;
}

/* Separator before a value: a comma unless first at this depth or right
 * after a key. */
static void
before_value(struct pp_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->comma[w->depth])
		putc1(w, ',');
	w->comma[w->depth] = true;
}

void
pp_jw_obj_begin(struct pp_jw *w)
{
	before_value(w);
	putc1(w, '{');
	if (w->depth + 1 < PP_JW_DEPTH)
		w->depth++;
	w->comma[w->depth] = false;
	w->arr[w->depth] = false;
}

void
pp_jw_obj_end(struct pp_jw *w)
{
	putc1(w, '}');
	if (w->depth > 0)
		w->depth--;
}

void
pp_jw_arr_begin(struct pp_jw *w)
{
	before_value(w);
	putc1(w, '[');
	if (w->depth + 1 < PP_JW_DEPTH)
		w->depth++;
	w->comma[w->depth] = false;
	w->arr[w->depth] = true;
}

void
pp_jw_arr_end(struct pp_jw *w)
{
	putc1(w, ']');
	if (w->depth > 0)
		w->depth--;
}

void
pp_jw_escape(struct pp_jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x80 &&
		    p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			put(w, s + i, run - i);
			i = run;
			continue;
		}
		unsigned c = p[i];
		if (c >= 0x80) {
			size_t len = pp_utf8_len(p + i, n - i);
			if (len == 0) {
				put(w, "\xef\xbf\xbd", 3);
				i++;
			} else {
				put(w, s + i, len);
				i += len;
			}
			continue;
		}
		char esc[7] = { '\\', 0, 0, 0, 0, 0, 0 };
		size_t elen = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		put(w, esc, elen);
		i++;
	}
}

void
pp_jw_key(struct pp_jw *w, const char *key)
{
	before_value(w);
	putc1(w, '"');
	pp_jw_escape(w, key, strlen(key));
	put(w, "\":", 2);
	w->after_key = true;
}

void
pp_jw_strn(struct pp_jw *w, const char *s, size_t n)
{
	before_value(w);
	putc1(w, '"');
	pp_jw_escape(w, s, n);
	putc1(w, '"');
}

void
pp_jw_str(struct pp_jw *w, const char *s)
{
	if (s == NULL) {
		pp_jw_null(w);
		return;
	}
	pp_jw_strn(w, s, strlen(s));
}

/* The decimal digits of v (and a minus sign) at the end of tmp (24
 * bytes); returns where they start.  (printf's cost, a record has
 * several.) */
static char *
digits(char *tmp, unsigned long long v, bool neg)
{
	char *p = tmp + 24;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	if (neg)
		*--p = '-';
	return p;
}

void
pp_jw_int(struct pp_jw *w, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	char *p = digits(tmp, u, v < 0);

	before_value(w);
	put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
pp_jw_uint(struct pp_jw *w, unsigned long long v)
{
	char tmp[24];
	char *p = digits(tmp, v, false);

	before_value(w);
	put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
pp_jw_num(struct pp_jw *w, double v, int decimals)
{
	char tmp[64];
	int n = isfinite(v) ? pp_format_num(v, decimals, tmp, sizeof(tmp)) :
	    -1;

	if (n < 0) {
		pp_jw_null(w);
		return;
	}
	before_value(w);
	put(w, tmp, (size_t)n);
}

void
pp_jw_real(struct pp_jw *w, double v)
{
	char tmp[40];
	int n = isfinite(v) ? snprintf(tmp, sizeof(tmp), "%.17g", v) : -1;

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		pp_jw_null(w);
		return;
	}
	/* An integral value stays a JSON number that reads as a real. */
	if (strpbrk(tmp, ".eEn") == NULL && (size_t)n + 2 < sizeof(tmp)) {
		tmp[n++] = '.';
		tmp[n++] = '0';
	}
	before_value(w);
	put(w, tmp, (size_t)n);
}

void
pp_jw_kreal(struct pp_jw *w, const char *key, double v)
{
	pp_jw_key(w, key);
	pp_jw_real(w, v);
}

void
pp_jw_bool(struct pp_jw *w, bool v)
{
	before_value(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
pp_jw_null(struct pp_jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void
pp_jw_raw(struct pp_jw *w, const char *json, size_t n)
{
	before_value(w);
	put(w, json, n);
}

void
pp_jw_kstr(struct pp_jw *w, const char *key, const char *s)
{
	pp_jw_key(w, key);
	pp_jw_str(w, s);
}

void
pp_jw_kint(struct pp_jw *w, const char *key, long long v)
{
	pp_jw_key(w, key);
	pp_jw_int(w, v);
}

void
pp_jw_knum(struct pp_jw *w, const char *key, double v, int decimals)
{
	pp_jw_key(w, key);
	pp_jw_num(w, v, decimals);
}

void
pp_jw_kbool(struct pp_jw *w, const char *key, bool v)
{
	pp_jw_key(w, key);
	pp_jw_bool(w, v);
}

void
pp_jw_record(struct pp_jw *w, const char *type)
{
	pp_jw_reset(w);
	pp_jw_obj_begin(w);
	pp_jw_kstr(w, "type", type);
}

void
pp_jw_host(char *host, size_t size)
{
	const char *env = getenv("PP_HOST");

	if (size == 0)
		return;
	if (env != NULL && *env != '\0') {
		(void)snprintf(host, size, "%s", env);
	} else if (gethostname(host, size) == -1) {
		(void)snprintf(host, size, "unknown");
	}
	host[size - 1] = '\0';
}

void
pp_jw_meta(struct pp_jw *w, const char *tool, int argc, char *const *argv)
{
	char host[256];

	pp_jw_host(host, sizeof(host));
	pp_jw_record(w, "meta");
	pp_jw_kstr(w, "tool", tool);
	pp_jw_kstr(w, "version", PP_VERSION);
	pp_jw_kint(w, "schema", PP_SCHEMA);
	pp_jw_knum(w, "ts", pp_now(), PP_DEC_TS);
	pp_jw_kstr(w, "host", host);
	pp_jw_key(w, "argv");
	pp_jw_arr_begin(w);
	for (int i = 0; i < argc; i++)
		pp_jw_str(w, argv[i]);
	pp_jw_arr_end(w);
}

void
pp_jw_end(struct pp_jw *w)
{
	while (w->depth > 0) {
		if (w->arr[w->depth])
			pp_jw_arr_end(w);
		else
			pp_jw_obj_end(w);
	}
}

int
pp_jw_write(struct pp_jw *w, FILE *f)
{
	if (!reserve(w, 1) || w->oom) {
		errno = ENOMEM;
		return -1;
	}
	w->buf[w->len] = '\n';
	if (fwrite(w->buf, 1, w->len + 1, f) != w->len + 1)
		return -1;
	return 0;
}
