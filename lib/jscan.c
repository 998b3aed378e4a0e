/* SPDX-License-Identifier: BSD-2-Clause */
/* jscan.c: the flat-object scanner (see jscan.h).  Grammar and checks as
 * jansson 2.x's load.c and utf.c: whitespace is space, tab, CR, LF; every
 * byte of the input must be valid UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF); strings reject control characters and \u0000;
 * \u escapes pair surrogates; numbers are -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?, integers when without fraction and exponent (out of
 * long long range is an error), reals otherwise (overflow is an error);
 * literals are whole words; keys are unique. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jscan.h"
#include "lib/util.h"

void
pp_jscan_init(struct pp_jscan *s)
{
	memset(s, 0, sizeof(*s));
}

void
pp_jscan_release(struct pp_jscan *s)
{
	free(s->arena);
	memset(s, 0, sizeof(*s));
}

static enum pp_jscan_rc
bad(struct pp_error *err, const char *buf, const char *p, const char *why)
{
	pp_error_set(err, "invalid JSON: %s", why);
	if (err != NULL)
		err->column = (int)(p - buf) + 1;
	return PP_JSCAN_BAD;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hex4(const char *p, const char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Bytes that stand for themselves in a string: printable ASCII but the
 * quote and the backslash. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Scan the string whose opening quote is at *pp; decode it into the arena.
 * On success *pp is past the closing quote. */
static enum pp_jscan_rc
scan_string(struct pp_jscan *s, const char *buf, const char **pp,
    const char *end, const char **out, size_t *outlen, struct pp_error *err)
{
	const char *p = *pp + 1;
	char *o = s->arena + s->used;
	char *start = o;

	for (;;) {
		/* Plain runs first, eight bytes at a time while no byte is a
		 * quote, a backslash, a control or a non-ASCII byte (copied as
		 * they go: the arena has room for the whole line), then byte by
		 * byte through a table. */
		while (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			uint64_t q = x ^ 0x2222222222222222ULL;
			uint64_t b = x ^ 0x5c5c5c5c5c5c5c5cULL;
			uint64_t hit = ((q - 0x0101010101010101ULL) & ~q) |
			    ((b - 0x0101010101010101ULL) & ~b) |
			    ((x - 0x2020202020202020ULL) & ~x) | x;
			if ((hit & 0x8080808080808080ULL) != 0)
				break;
			memcpy(o, &x, 8);
			o += 8;
			p += 8;
		}
		while (p < end && plain[(unsigned char)*p])
			*o++ = *p++;
		if (p >= end)
			return bad(err, buf, p, "premature end of input");
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			p++;
			break;
		}
		if (c < 0x20)
			return bad(err, buf, p, "control character in string");
		if (c >= 0x80) {
			size_t n = pp_utf8_len((const unsigned char *)p,
			    (size_t)(end - p));
			if (n == 0)
				return bad(err, buf, p, "invalid UTF-8");
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		/* An escape. */
		if (end - p < 2)
			return bad(err, buf, p, "premature end of input");
		char e = p[1];
		p += 2;
		switch (e) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			int v = hex4(p, end);
			if (v < 0)
				return bad(err, buf, p, "invalid \\u escape");
			p += 4;
			uint32_t cp = (uint32_t)v;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo = end - p >= 6 && p[0] == '\\' &&
				    p[1] == 'u' ? hex4(p + 2, end) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return bad(err, buf, p,
					    "invalid Unicode surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    ((uint32_t)lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return bad(err, buf, p,
				    "invalid Unicode surrogate");
			} else if (cp == 0) {
				return bad(err, buf, p,
				    "\\u0000 is not allowed");
			}
			o = put_utf8(o, cp);
			break;
		}
		default:
			return bad(err, buf, p - 1, "invalid escape");
		}
	}
	*o = '\0';
	*out = start;
	*outlen = (size_t)(o - start);
	s->used += (size_t)(o - start) + 1;
	*pp = p;
	return PP_JSCAN_OK;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Scan a number at *pp into m. */
static enum pp_jscan_rc
scan_number(const char *buf, const char **pp, const char *end,
    struct pp_jmember *m, struct pp_error *err)
{
	const char *p = *pp;
	const char *start = p;
	bool neg = false;
	uint64_t mant = 0;
	int ndig = 0;		/* significant digits in mant */
	int dropped = 0;	/* integer digits beyond mant's precision */
	int frac = 0;		/* fraction digits in mant */
	bool overflow_int = false;
	bool is_real = false;
	bool frac_lost = false;	/* fraction digits beyond mant's precision */

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p >= end)
		return bad(err, buf, p, "invalid number");
	if (*p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			return bad(err, buf, p, "invalid number");
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') {
			if (ndig < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				ndig++;
			} else {
				dropped++;
				overflow_int = true;
			}
			p++;
		}
	} else {
		return bad(err, buf, p, "invalid number");
	}
	if (p < end && *p == '.') {
		is_real = true;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return bad(err, buf, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9') {
			if (ndig < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				ndig++;
				frac++;
			} else {
				frac_lost = true;
			}
			p++;
		}
	}
	int exp = 0;
	bool exp_big = false;
	if (p < end && (*p == 'e' || *p == 'E')) {
		is_real = true;
		p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		if (p >= end || *p < '0' || *p > '9')
			return bad(err, buf, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9') {
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
			else
				exp_big = true;
			p++;
		}
		if (eneg)
			exp = -exp;
	}
	*pp = p;
	if (!is_real) {
		/* An integer: long long, as jansson's strtoll. */
		if (overflow_int || mant > (uint64_t)LLONG_MAX + (neg ? 1 : 0))
			return bad(err, buf, start, neg ? "too big negative "
			    "integer" : "too big integer");
		m->kind = PP_J_INT;
		m->i = neg ? (long long)(0 - mant) : (long long)mant;
		if (neg && mant == (uint64_t)LLONG_MAX + 1)
			m->i = LLONG_MIN;
		m->d = (double)m->i;
		return PP_JSCAN_OK;
	}
	m->kind = PP_J_REAL;
	int e10 = exp - frac + dropped;
	/* Clinger's fast path: exact mantissa (every digit in it, below
	 * 2^53: epoch times with microseconds are 16 digits), exact power,
	 * one rounding. */
	if (!exp_big && !frac_lost && mant < (1ULL << 53) && e10 >= -22 &&
	    e10 <= 22 && dropped == 0) {
		double v = (double)mant;
		v = e10 < 0 ? v / pow10_exact[-e10] : v * pow10_exact[e10];
		m->d = neg ? -v : v;
		return PP_JSCAN_OK;
	}
	/* Otherwise strtod on a copy, as jansson does. */
	char tmp[512];
	size_t n = (size_t)(p - start);
	char *copy = n < sizeof(tmp) ? tmp : malloc(n + 1);
	if (copy == NULL)
		return bad(err, buf, start, "out of memory");
	memcpy(copy, start, n);
	copy[n] = '\0';
	errno = 0;
	double v = strtod(copy, NULL);
	int saved = errno;
	if (copy != tmp)
		free(copy);
	if ((v == HUGE_VAL || v == -HUGE_VAL) && saved == ERANGE)
		return bad(err, buf, start, "real number overflow");
	m->d = v;
	return PP_JSCAN_OK;
}

/* A quick key tag: the first bytes and the length.  Equal keys have equal
 * tags; unequal tags mean unequal keys. */
/* Masks keeping the first m bytes of 8 loaded from memory, whatever the
 * byte order: m bytes of 0xff, then zeros, at ones + 8 - m. */
static const unsigned char ones[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
};

static unsigned long long
tag_of(unsigned long long first8, size_t n)
{
	unsigned long long mask;

	memcpy(&mask, ones + 8 - (n < 7 ? n : 7), 8);
	return ((first8 & mask) << 8) ^ (unsigned long long)(n & 0xff) ^
	    ((unsigned long long)n << 56);
}

/* The tag of a key in the arena: 8 bytes can be read there (its NUL and
 * the arena's slack follow every key). */
static unsigned long long
key_tag_arena(const char *k, size_t n)
{
	unsigned long long t;

	memcpy(&t, k, 8);
	return tag_of(t, n);
}

/* The tag of any key (a caller's string: no byte past it is read). */
static unsigned long long
key_tag(const char *k, size_t n)
{
	unsigned char b[8] = { 0 };

	memcpy(b, k, n < 7 ? n : 7);
	unsigned long long t;
	memcpy(&t, b, 8);
	return tag_of(t, n);
}

#define SKIP_WS(p, end) \
	while ((p) < (end) && (unsigned char)*(p) <= ' ' && (*(p) == ' ' || \
	    *(p) == '\t' || *(p) == '\n' || *(p) == '\r')) (p)++

/* Every byte must be valid UTF-8, even outside strings (jansson checks
 * the whole input); then a non-ASCII byte outside a string is a bad token.
 * Returns true when the bytes from p to end are valid. */
static bool
utf8_ok(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	const unsigned char *e = (const unsigned char *)end;

	while (u < e) {
		if (*u < 0x80) {
			u++;
			continue;
		}
		size_t n = pp_utf8_len(u, (size_t)(e - u));
		if (n == 0)
			return false;
		u += n;
	}
	return true;
}

enum pp_jscan_rc
pp_jscan(struct pp_jscan *s, const char *buf, size_t len,
    struct pp_error *err)
{
	const char *p = buf;
	const char *end = buf + len;
	enum pp_jscan_rc rc;
	uint64_t seen = 0;	/* a filter of the keys' tags */

	s->n = 0;
	s->used = 0;
	if (s->cap < len + 16) {
		size_t ncap = len + 256;
		char *na = realloc(s->arena, ncap);
		if (na == NULL)
			return PP_JSCAN_NESTED;	/* let jansson try */
		s->arena = na;
		s->cap = ncap;
	}
	SKIP_WS(p, end);
	if (p >= end || *p != '{')
		return PP_JSCAN_NESTED;	/* not an object: jansson decides */
	p++;
	SKIP_WS(p, end);
	if (p < end && *p == '}') {
		p++;
		goto tail;
	}
	for (;;) {
		if (p >= end) {
			if (!utf8_ok(buf, end))
				return bad(err, buf, p, "invalid UTF-8");
			return bad(err, buf, p, "premature end of input");
		}
		if (*p != '"') {
			if (!utf8_ok(buf, end))
				return bad(err, buf, p, "invalid UTF-8");
			return bad(err, buf, p, "string or '}' expected");
		}
		if (s->n == PP_JSCAN_MAX)
			return PP_JSCAN_NESTED;
		struct pp_jmember *m = &s->m[s->n];
		rc = scan_string(s, buf, &p, end, &m->key, &m->klen, err);
		if (rc != PP_JSCAN_OK)
			return rc;
		m->tag = key_tag_arena(m->key, m->klen);
		/* Keys are unique: compared only when a 64-bit filter of
		 * their tags says they may not be. */
		uint64_t bit = 1ULL << ((m->tag * 0x9e3779b97f4a7c15ULL) >> 58);
		if ((seen & bit) != 0) {
			for (int i = 0; i < s->n; i++)
				if (s->m[i].tag == m->tag &&
				    s->m[i].klen == m->klen &&
				    memcmp(s->m[i].key, m->key, m->klen) == 0)
					return bad(err, buf, p,
					    "duplicate object key");
		}
		seen |= bit;
		SKIP_WS(p, end);
		if (p >= end || *p != ':') {
			if (!utf8_ok(buf, end))
				return bad(err, buf, p, "invalid UTF-8");
			return bad(err, buf, p, "':' expected");
		}
		p++;
		SKIP_WS(p, end);
		if (p >= end)
			return bad(err, buf, p, "premature end of input");
		switch (*p) {
		case '"':
			m->kind = PP_J_STRING;
			rc = scan_string(s, buf, &p, end, &m->str, &m->slen,
			    err);
			if (rc != PP_JSCAN_OK)
				return rc;
			break;
		case '{':
		case '[':
			return PP_JSCAN_NESTED;
		case 't':
		case 'f':
		case 'n': {
			const char *w = p;
			while (p < end && ((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z')))
				p++;
			size_t wl = (size_t)(p - w);
			if (wl == 4 && memcmp(w, "true", 4) == 0)
				m->kind = PP_J_TRUE;
			else if (wl == 5 && memcmp(w, "false", 5) == 0)
				m->kind = PP_J_FALSE;
			else if (wl == 4 && memcmp(w, "null", 4) == 0)
				m->kind = PP_J_NULL;
			else
				return bad(err, buf, w, "invalid token");
			break;
		}
		default:
			if (*p == '-' || (*p >= '0' && *p <= '9')) {
				rc = scan_number(buf, &p, end, m, err);
				if (rc != PP_JSCAN_OK)
					return rc;
				break;
			}
			if (!utf8_ok(buf, end))
				return bad(err, buf, p, "invalid UTF-8");
			return bad(err, buf, p, "invalid token");
		}
		s->n++;
		SKIP_WS(p, end);
		if (p < end && *p == ',') {
			p++;
			SKIP_WS(p, end);
			continue;
		}
		if (p < end && *p == '}') {
			p++;
			break;
		}
		if (p >= end)
			return bad(err, buf, p, "premature end of input");
		if (!utf8_ok(buf, end))
			return bad(err, buf, p, "invalid UTF-8");
		return bad(err, buf, p, "',' or '}' expected");
	}
tail:
	SKIP_WS(p, end);
	if (p != end) {
		if (!utf8_ok(buf, end))
			return bad(err, buf, p, "invalid UTF-8");
		return bad(err, buf, p, "end of file expected");
	}
	return PP_JSCAN_OK;
}

const struct pp_jmember *
pp_jscan_get(const struct pp_jscan *s, const char *key)
{
	size_t kl = strlen(key);
	unsigned long long tag = key_tag(key, kl);

	for (int i = 0; i < s->n; i++)
		if (s->m[i].tag == tag && (kl <= 7 ||
		    memcmp(s->m[i].key, key, kl) == 0))
			return &s->m[i];
	return NULL;
}
