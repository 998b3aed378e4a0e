/* SPDX-License-Identifier: BSD-2-Clause */
/* jscan.c: the flat-object scanner (see jscan.h).  Grammar and checks as
 * jansson 2.x's load.c and utf.c: whitespace is space, tab, CR, LF; every
 * byte of the input must be valid UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF); strings reject control characters and \u0000;
 * \u escapes pair surrogates; numbers are -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?, integers when without fraction and exponent (out of
 * long long range is an error), reals otherwise (overflow is an error);
 * literals are whole words; keys are unique.
 *
 * How it is fast: the line is copied once into the arena, followed by
 * zero bytes, and scanned there; strings are decoded in place (a decoded
 * string is never longer than its text), so a plain string costs a search
 * for its closing quote and one NUL written over it.  The search looks at
 * eight bytes at a time with exact word tests (no carry crosses a byte, so
 * the first byte marked is the first byte that matches, in either byte
 * order); the zeros after the line stop every search at its end. */
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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Zero bytes kept after the copy of the line in the arena: every word
 * read starts at or before the line's end. */
#define PAD PP_JSCAN_PAD

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

/* ------------------------------------------------------ word tests */

#define W_ONES 0x0101010101010101ULL
#define W_HIGH 0x8080808080808080ULL
#define W_LOW7 0x7f7f7f7f7f7f7f7fULL

static inline uint64_t
load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* 0x80 in each byte of v that is zero, 0 elsewhere. */
static inline uint64_t
zero_bytes(uint64_t v)
{
	return ~(((v & W_LOW7) + W_LOW7) | v) & W_HIGH;
}

/* 0x80 in each byte of v that ends a run of plain string bytes: a quote,
 * a backslash, a control character or a non-ASCII byte. */
static inline uint64_t
string_stops(uint64_t v)
{
	uint64_t ctl_or_high = (~((v & W_LOW7) + 0x6060606060606060ULL) | v) &
	    W_HIGH;

	return ctl_or_high | zero_bytes(v ^ (W_ONES * '"')) |
	    zero_bytes(v ^ (W_ONES * '\\'));
}

/* The index of the first byte in memory marked in m (m != 0). */
static inline unsigned
first_marked(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned)__builtin_clzll(m) >> 3;
#else
	return (unsigned)__builtin_ctzll(m) >> 3;
#endif
}

/* ---------------------------------------------------------- strings */

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

/* The rest of a string from p, its first byte that is not plain: escapes
 * and UTF-8 decoded in place (the writer o never passes the reader p). */
static enum pp_jscan_rc
string_rest(const char *a, char *start, char *p, char **pp, const char *end,
    char **out, size_t *outlen, struct pp_error *err)
{
	char *o = p;

	for (;;) {
		while (p < end && plain[(unsigned char)*p])
			*o++ = *p++;
		if (p >= end)
			return bad(err, a, p, "premature end of input");
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			p++;
			break;
		}
		if (c < 0x20)
			return bad(err, a, p, "control character in string");
		if (c >= 0x80) {
			size_t n = pp_utf8_len((const unsigned char *)p,
			    (size_t)(end - p));
			if (n == 0)
				return bad(err, a, p, "invalid UTF-8");
			for (size_t i = 0; i < n; i++)
				*o++ = *p++;
			continue;
		}
		/* An escape. */
		if (end - p < 2)
			return bad(err, a, p, "premature end of input");
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
				return bad(err, a, p, "invalid \\u escape");
			p += 4;
			uint32_t cp = (uint32_t)v;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo = end - p >= 6 && p[0] == '\\' &&
				    p[1] == 'u' ? hex4(p + 2, end) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return bad(err, a, p,
					    "invalid Unicode surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    ((uint32_t)lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return bad(err, a, p,
				    "invalid Unicode surrogate");
			} else if (cp == 0) {
				return bad(err, a, p,
				    "\\u0000 is not allowed");
			}
			o = put_utf8(o, cp);
			break;
		}
		default:
			return bad(err, a, p - 1, "invalid escape");
		}
	}
	*o = '\0';
	*out = start;
	*outlen = (size_t)(o - start);
	*pp = p;
	return PP_JSCAN_OK;
}

/* The first byte at or after p that ends a run of plain string bytes
 * (string_stops); one is found by the line's end, and no byte PAD or more
 * past the one returned is read. */
static inline char *
string_stop(char *p)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time: a signed compare below 0x20 finds the
	 * control characters and the non-ASCII bytes at once. */
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	for (;;) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v,
		    quote), _mm_cmpeq_epi8(v, bslash)), _mm_cmplt_epi8(v,
		    space));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);
		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#else
	uint64_t m;

	while ((m = string_stops(load8(p))) == 0)
		p += 8;
	return p + first_marked(m);
#endif
}

/* Scan the string whose opening quote is at *pp (in the arena copy a),
 * decoding it in place.  On success *pp is past the closing quote, which
 * was overwritten with the string's NUL. */
static inline enum pp_jscan_rc
scan_string(const char *a, char **pp, const char *end, char **out,
    size_t *outlen, struct pp_error *err)
{
	char *start = *pp + 1;
	char *p = string_stop(start);
	if (*p == '"') {
		*p = '\0';
		*out = start;
		*outlen = (size_t)(p - start);
		*pp = p + 1;
		return PP_JSCAN_OK;
	}
	return string_rest(a, start, p, pp, end, out, outlen, err);
}

/* ---------------------------------------------------------- numbers */

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The digit at p, or a value above 9. */
static inline unsigned
digit(const char *p)
{
	return (unsigned)(unsigned char)*p - '0';
}

/* A number whose digits did not all fit the fast path: strtod on a copy,
 * as jansson does. */
static enum pp_jscan_rc
slow_real(const char *a, const char *start, const char *p,
    struct pp_jmember *m, struct pp_error *err)
{
	char tmp[512];
	size_t n = (size_t)(p - start);
	char *copy = n < sizeof(tmp) ? tmp : malloc(n + 1);

	if (copy == NULL)
		return bad(err, a, start, "out of memory");
	memcpy(copy, start, n);
	copy[n] = '\0';
	errno = 0;
	double v = strtod(copy, NULL);
	int saved = errno;
	if (copy != tmp)
		free(copy);
	if ((v == HUGE_VAL || v == -HUGE_VAL) && saved == ERANGE)
		return bad(err, a, start, "real number overflow");
	m->d = v;
	return PP_JSCAN_OK;
}

/* Scan a number at *pp into m. */
static enum pp_jscan_rc
scan_number(const char *a, char **pp, struct pp_jmember *m,
    struct pp_error *err)
{
	char *p = *pp;
	const char *start = p;
	bool neg = false;
	uint64_t mant = 0;
	int ndig = 0;		/* significant digits in mant */
	int dropped = 0;	/* integer digits beyond mant's precision */
	int frac = 0;		/* fraction digits in mant */
	bool frac_lost = false;	/* fraction digits beyond mant's precision */
	unsigned d;

	if (*p == '-') {
		neg = true;
		p++;
	}
	d = digit(p);
	if (d > 9)
		return bad(err, a, p, "invalid number");
	p++;
	if (d == 0) {
		if (digit(p) <= 9)
			return bad(err, a, p, "invalid number");
	} else {
		/* 19 digits always fit 64 bits.  The run is read whole
		 * first (one test a digit); a longer one again, counting. */
		char *q = p;
		mant = d;
		while ((d = digit(p)) <= 9) {
			mant = mant * 10 + d;
			p++;
		}
		ndig = 1 + (int)(p - q);
		if (ndig > 19) {
			p = q;
			mant = (uint64_t)(q[-1] - '0');
			ndig = 1;
			while ((d = digit(p)) <= 9 && ndig < 19) {
				mant = mant * 10 + d;
				ndig++;
				p++;
			}
			while (digit(p) <= 9) {
				dropped++;
				p++;
			}
		}
	}
	if (*p != '.' && *p != 'e' && *p != 'E') {
		/* An integer: long long, as jansson's strtoll. */
		*pp = p;
		if (dropped > 0 || mant > (uint64_t)LLONG_MAX + (neg ? 1 : 0))
			return bad(err, a, start, neg ? "too big negative "
			    "integer" : "too big integer");
		m->kind = PP_J_INT;
		m->i = neg ? (long long)(0 - mant) : (long long)mant;
		if (neg && mant == (uint64_t)LLONG_MAX + 1)
			m->i = LLONG_MIN;
		m->d = (double)m->i;
		return PP_JSCAN_OK;
	}
	if (*p == '.') {
		p++;
		if (digit(p) > 9)
			return bad(err, a, p, "invalid number");
		char *q = p;
		uint64_t whole = mant;
		while ((d = digit(p)) <= 9) {
			mant = mant * 10 + d;
			p++;
		}
		frac = (int)(p - q);
		if (ndig + frac <= 19) {
			ndig += frac;
		} else {
			p = q;
			mant = whole;
			frac = 0;
			while ((d = digit(p)) <= 9 && ndig < 19) {
				mant = mant * 10 + d;
				ndig++;
				frac++;
				p++;
			}
			while (digit(p) <= 9) {
				frac_lost = true;
				p++;
			}
		}
	}
	int exp = 0;
	bool exp_big = false;
	if (*p == 'e' || *p == 'E') {
		p++;
		bool eneg = false;
		if (*p == '+' || *p == '-') {
			eneg = *p == '-';
			p++;
		}
		if (digit(p) > 9)
			return bad(err, a, p, "invalid number");
		while ((d = digit(p)) <= 9) {
			if (exp < 100000)
				exp = exp * 10 + (int)d;
			else
				exp_big = true;
			p++;
		}
		if (eneg)
			exp = -exp;
	}
	*pp = p;
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
	return slow_real(a, start, p, m, err);
}

/* ------------------------------------------------------------- keys */

/* A key's tag (PP_JTAG): its first seven bytes, the first in the lowest,
 * shifted up a byte, and its length in the lowest and highest byte. */
static inline unsigned long long
tag_of(uint64_t first8, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	first8 = __builtin_bswap64(first8);
#endif
	uint64_t keep = n < 7 ? (1ULL << (8 * n)) - 1 : 0xffffffffffffffULL;

	return ((first8 & keep) << 8) ^ (unsigned long long)(n & 0xff) ^
	    ((unsigned long long)n << 56);
}

/* The tag of any key (a caller's string: no byte past it is read). */
static unsigned long long
key_tag(const char *k, size_t n)
{
	char b[8] = { 0 };

	memcpy(b, k, n < 7 ? n : 7);
	return tag_of(load8(b), n);
}

/* --------------------------------------------------------- the scan */

/* Whitespace (rare in records: one compare when there is none); the
 * zeros after the line stop it there. */
#define SKIP_WS(p) do { \
	if ((unsigned char)*(p) <= ' ') \
		while (*(p) == ' ' || *(p) == '\t' || *(p) == '\n' || \
		    *(p) == '\r') \
			(p)++; \
} while (0)

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

/* Expect the keys of the line just scanned whole (s->m[], scanned from
 * the arena a, a copy of buf) at the same places in the next: each key
 * not already expected, when it stood in the line as at most 14 bytes
 * without a backslash followed by a quote (its text is its value).  The
 * colon is expected right after it, as records write "key":. */
static void
learn(struct pp_jscan *s, const char *buf, const char *a)
{
	int i;

	for (i = s->same; i < s->n; i++) {
		const struct pp_jmember *m = &s->m[i];
		struct pp_jpred *e = &s->pred[i];
		const char *text = buf + (m->key - a);
		e->klen = 0;
		if (m->klen == 0 || m->klen > 14 || text[m->klen] != '"' ||
		    memchr(text, '\\', m->klen) != NULL)
			continue;
		unsigned char b[16] = { 0 }, k[16] = { 0 };
		memcpy(b, m->key, m->klen);
		b[m->klen] = '"';
		b[m->klen + 1] = ':';
		memset(k, 0xff, m->klen + 2);
		memcpy(&e->w[0], b, 8);
		memcpy(&e->w[1], b + 8, 8);
		memcpy(&e->mask[0], k, 8);
		memcpy(&e->mask[1], k + 8, 8);
		e->tag = m->tag;
		e->bit = 1ULL << ((m->tag * 0x9e3779b97f4a7c15ULL) >> 58);
		e->klen = m->klen;
	}
	/* A key not expected cuts the run: the ones after it are learnt
	 * again from this line, and none is expected past its last key. */
	s->npred = s->n;
	for (i = s->same; i < s->n; i++)
		if (s->pred[i].klen == 0)
			break;
	if (i < s->npred)
		s->npred = i;
}

/* A literal word (true, false, null) at p into m; p moves past it. */
static enum pp_jscan_rc
scan_word(const char *a, char **pp, struct pp_jmember *m,
    struct pp_error *err)
{
	const char *w = *pp;
	char *p = *pp;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	size_t wl = (size_t)(p - w);
	if (wl == 4 && memcmp(w, "true", 4) == 0)
		m->kind = PP_J_TRUE;
	else if (wl == 5 && memcmp(w, "false", 5) == 0)
		m->kind = PP_J_FALSE;
	else if (wl == 4 && memcmp(w, "null", 4) == 0)
		m->kind = PP_J_NULL;
	else
		return bad(err, a, w, "invalid token");
	*pp = p;
	return PP_JSCAN_OK;
}

static enum pp_jscan_rc scan(struct pp_jscan *s, const char *buf,
    size_t len, char *a, struct pp_error *err);

enum pp_jscan_rc
pp_jscan(struct pp_jscan *s, const char *buf, size_t len,
    struct pp_error *err)
{
	s->n = 0;
	s->same = 0;
	s->used = 0;
	if (s->cap < len + PAD) {
		size_t ncap = len + 256;
		char *na = realloc(s->arena, ncap);
		if (na == NULL)
			return PP_JSCAN_NESTED;	/* let jansson try */
		s->arena = na;
		s->cap = ncap;
	}
	s->used = len + PAD;
	return scan(s, buf, len, s->arena, err);
}

/* The scan of buf[0..len-1], copied to a (room for len + PAD bytes). */
static enum pp_jscan_rc
scan(struct pp_jscan *s, const char *buf, size_t len, char *a,
    struct pp_error *err)
{
	enum pp_jscan_rc rc;
	uint64_t seen = 0;	/* a filter of the keys' tags */
	int same = 0;		/* leading keys as expected */
	/* s->n and s->npred in registers: the byte stores into the line
	 * (a char may alias anything) would have them read again. */
	int n = 0;
	const int npred = s->npred;

	memcpy(a, buf, len);
	memset(a + len, 0, PAD);
	char *p = a;
	const char *end = a + len;
	/* Messages name the input's own bytes. */
#define FAIL_UTF8(why) do { \
	if (!utf8_ok(buf, buf + len)) \
		return bad(err, a, p, "invalid UTF-8"); \
	return bad(err, a, p, (why)); \
} while (0)

	SKIP_WS(p);
	if (*p != '{' || p >= end)
		return PP_JSCAN_NESTED;	/* not an object: jansson decides */
	p++;
	SKIP_WS(p);
	if (*p == '}') {
		p++;
		goto tail;
	}
	for (;;) {
		/* A quote is never at the end: the zeros follow the line. */
		if (*p != '"') {
			if (p >= end)
				FAIL_UTF8("premature end of input");
			FAIL_UTF8("string or '}' expected");
		}
		if (n == PP_JSCAN_MAX)
			return PP_JSCAN_NESTED;
		struct pp_jmember *m = &s->m[n];
		/* The key expected here, when every key before it was too:
		 * the same bytes make the same key, decoded as it was, and
		 * distinct from the ones before it. */
		if (n == same && same < npred) {
			const struct pp_jpred *e = &s->pred[same];
			if ((load8(p + 1) & e->mask[0]) == e->w[0] &&
			    (load8(p + 9) & e->mask[1]) == e->w[1]) {
				char *k = p + 1;
				k[e->klen] = '\0';
				m->key = k;
				m->klen = e->klen;
				m->tag = e->tag;
				seen |= e->bit;
				p = k + e->klen + 2;	/* past the colon */
				same++;
				goto colon;
			}
		}
		char *k;
		/* The key's first bytes, read before its closing quote is
		 * overwritten (a load across that fresh one-byte store would
		 * wait for it); 8 bytes can be read there, as the line's copy
		 * is followed by PAD zeros.  A key with escapes is read again
		 * once decoded. */
		uint64_t first8 = load8(p + 1);
		rc = scan_string(a, &p, end, &k, &m->klen, err);
		if (rc != PP_JSCAN_OK)
			return rc;
		m->key = k;
		if ((size_t)(p - 1 - k) != m->klen)
			first8 = load8(k);
		m->tag = tag_of(first8, m->klen);
		/* Keys are unique: compared only when a 64-bit filter of
		 * their tags says they may not be. */
		uint64_t bit = 1ULL << ((m->tag * 0x9e3779b97f4a7c15ULL) >> 58);
		if ((seen & bit) != 0) {
			for (int i = 0; i < n; i++)
				if (s->m[i].tag == m->tag &&
				    s->m[i].klen == m->klen &&
				    memcmp(s->m[i].key, m->key, m->klen) == 0)
					return bad(err, a, p,
					    "duplicate object key");
		}
		seen |= bit;
		SKIP_WS(p);
		if (*p != ':')
			FAIL_UTF8("':' expected");
		p++;
colon:
		SKIP_WS(p);
		/* At the end *p is a zero: the default case. */
		switch (*p) {
		case '"': {
			char *v;
			m->kind = PP_J_STRING;
			rc = scan_string(a, &p, end, &v, &m->slen, err);
			if (rc != PP_JSCAN_OK)
				return rc;
			m->str = v;
			break;
		}
		case '{':
		case '[':
			return PP_JSCAN_NESTED;
		case 't':
		case 'f':
		case 'n':
			rc = scan_word(a, &p, m, err);
			if (rc != PP_JSCAN_OK)
				return rc;
			break;
		default:
			if (p >= end)
				return bad(err, a, p, "premature end of input");
			if (*p == '-' || digit(p) <= 9) {
				rc = scan_number(a, &p, m, err);
				if (rc != PP_JSCAN_OK)
					return rc;
				break;
			}
			FAIL_UTF8("invalid token");
		}
		s->n = ++n;
		/* A comma, most often right there. */
		if (*p != ',') {
			SKIP_WS(p);
			if (*p != ',') {
				if (*p == '}' && p < end) {
					p++;
					break;
				}
				if (p >= end)
					return bad(err, a, p,
					    "premature end of input");
				FAIL_UTF8("',' or '}' expected");
			}
		}
		p++;
		SKIP_WS(p);
	}
tail:
	SKIP_WS(p);
	if (p != end)
		FAIL_UTF8("end of file expected");
	s->same = same;
	learn(s, buf, a);
	return PP_JSCAN_OK;
#undef FAIL_UTF8
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
