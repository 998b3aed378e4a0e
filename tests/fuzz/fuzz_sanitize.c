/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_sanitize.c: the output paths of text from records that leave the
 * record world (lib/sanitize.c): terminal tables and diagnostics, --exec's
 * environment values, CSV cells and CSV comment lines.  After one control
 * byte (its low 7 bits + 1: the size of a bounded buffer) the input is the
 * text, NUL bytes included for the _n form and cut at the first NUL for
 * the others.
 * Invariants: shown text holds no C0 control, no DEL, no C1 control, no
 * bidi override or isolate, and is valid UTF-8; decoding its \xHH and
 * \uHHHH escapes gives the input back (when the input holds no backslash);
 * the need returned is the whole text's length; a cut text is a prefix of
 * the whole one, fits its buffer and is valid UTF-8 ending on an escape
 * or character boundary; a CSV cell is one RFC 4180 field on one line
 * whose value does not start a formula; no cell of a comment line, split
 * at commas or semicolons, starts one. */
#include <string.h>

#include "lib/sanitize.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

/* Text with no control, no hidden code point, valid UTF-8. */
static void
check_shown(const char *s, size_t n, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		FUZZ_CHECK(p[i] >= 0x20 && p[i] != 0x7f, "%s: raw control "
		    "0x%02x at %zu", what, p[i], i);
		size_t k = pp_utf8_len(p + i, n - i);
		FUZZ_CHECK(k > 0, "%s: invalid UTF-8 at %zu", what, i);
		if (k == 2)
			FUZZ_CHECK(!(p[i] == 0xc2 && p[i + 1] < 0xa0), "%s: C1",
			    what);
		if (k == 3 && p[i] == 0xe2 && p[i + 1] == 0x80)
			FUZZ_CHECK(!(p[i + 2] >= 0xaa && p[i + 2] <= 0xae) &&
			    p[i + 2] != 0x8e && p[i + 2] != 0x8f &&
			    p[i + 2] != 0xa8 && p[i + 2] != 0xa9,
			    "%s: bidi or separator", what);
		if (k == 3 && p[i] == 0xe2 && p[i + 1] == 0x81)
			FUZZ_CHECK(!(p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9),
			    "%s: isolate", what);
		i += k;
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode shown text back into bytes; returns the length or (size_t)-1. */
static size_t
unshow(const char *s, size_t n, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			out[o++] = (unsigned char)s[i++];
			continue;
		}
		if (i + 3 < n && s[i + 1] == 'x') {
			int a = hexval(s[i + 2]);
			int b = hexval(s[i + 3]);
			if (a < 0 || b < 0)
				return (size_t)-1;
			out[o++] = (unsigned char)(a << 4 | b);
			i += 4;
			continue;
		}
		if (i + 5 < n && s[i + 1] == 'u') {
			unsigned cp = 0;
			for (int k = 2; k < 6; k++) {
				int v = hexval(s[i + k]);
				if (v < 0)
					return (size_t)-1;
				cp = cp << 4 | (unsigned)v;
			}
			if (cp < 0x800) {
				out[o++] = (unsigned char)(0xc0 | cp >> 6);
				out[o++] = (unsigned char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (unsigned char)(0xe0 | cp >> 12);
				out[o++] = (unsigned char)(0x80 |
				    (cp >> 6 & 0x3f));
				out[o++] = (unsigned char)(0x80 | (cp & 0x3f));
			}
			i += 6;
			continue;
		}
		return (size_t)-1;
	}
	return o;
}

static bool
formula(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';
}

/* What fn wrote to a memory stream; NUL-terminated, caller frees. */
static char *
streamed(int (*fn)(const char *, FILE *), const char *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(fn(s, f) == 0, "write failed");
	FUZZ_CHECK(fclose(f) == 0, "fclose");
	return buf;
}

static void
check_cell(const char *c, size_t n)
{
	FUZZ_CHECK(memchr(c, '\n', n) == NULL && memchr(c, '\r', n) == NULL,
	    "cell spans lines");
	char *val = malloc(n + 1);
	size_t v = 0;
	FUZZ_CHECK(val != NULL, "malloc");
	if (n > 0 && c[0] == '"') {
		FUZZ_CHECK(n >= 2 && c[n - 1] == '"', "unterminated quote");
		for (size_t i = 1; i < n - 1; i++) {
			if (c[i] == '"') {
				FUZZ_CHECK(i + 1 < n - 1 && c[i + 1] == '"',
				    "lone quote at %zu", i);
				i++;
			}
			val[v++] = c[i];
		}
	} else {
		FUZZ_CHECK(strpbrk(c, ",;\"") == NULL, "unquoted separator");
		memcpy(val, c, n);
		v = n;
	}
	val[v] = '\0';
	const char *first = val + strspn(val, " ");
	FUZZ_CHECK(!formula(*first), "cell value starts a formula: %s", val);
	free(val);
}

static void
check_comment(const char *c, size_t n)
{
	FUZZ_CHECK(memchr(c, '\n', n) == NULL && memchr(c, '\r', n) == NULL,
	    "comment spans lines");
	for (size_t i = 0; i < n; i++) {
		if (c[i] != ',' && c[i] != ';')
			continue;
		size_t k = i + 1;
		while (k < n && (c[k] == ' ' || c[k] == '"'))
			k++;
		FUZZ_CHECK(k == n || !formula(c[k]), "a cell at %zu starts a "
		    "formula", k);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t cap = (size_t)(data[0] & 0x7f) + 1;
	const char *raw = (const char *)data + 1;
	size_t rlen = size - 1;

	/* The whole text, NUL bytes included. */
	size_t need = pp_sanitize_term_n(NULL, 0, raw, rlen);
	char *full = malloc(need + 1);
	FUZZ_CHECK(full != NULL, "malloc");
	FUZZ_CHECK(pp_sanitize_term_n(full, need + 1, raw, rlen) == need,
	    "need differs");
	FUZZ_CHECK(strlen(full) == need, "length %zu, need %zu",
	    strlen(full), need);
	check_shown(full, need, "term");
	if (memchr(raw, '\\', rlen) == NULL) {
		unsigned char *back = malloc(need + 1);
		FUZZ_CHECK(back != NULL, "malloc");
		size_t bl = unshow(full, need, back);
		FUZZ_CHECK(bl == rlen && memcmp(back, raw, rlen) == 0,
		    "escapes do not give the input back");
		free(back);
	}
	/* Cut to a small buffer: a prefix at a boundary. */
	char *cut = malloc(cap);
	FUZZ_CHECK(cut != NULL, "malloc");
	FUZZ_CHECK(pp_sanitize_term_n(cut, cap, raw, rlen) == need,
	    "cut need differs");
	size_t cl = strlen(cut);
	FUZZ_CHECK(cl < cap && memcmp(cut, full, cl) == 0, "not a prefix");
	check_shown(cut, cl, "cut");
	if (cl < need)
		FUZZ_CHECK(full[cl] != '\0' && (full[cl] == '\\' ||
		    (unsigned char)full[cl] < 0x80 ||
		    ((unsigned char)full[cl] & 0xc0) == 0xc0),
		    "cut inside an escape or character");
	if (memchr(raw, '\\', rlen) == NULL) {
		/* Every escape in the cut text is whole, and it stands for
		 * a prefix of the input. */
		unsigned char *back = malloc(cl + 1);
		FUZZ_CHECK(back != NULL, "malloc");
		size_t bl = unshow(cut, cl, back);
		FUZZ_CHECK(bl != (size_t)-1 && bl <= rlen &&
		    memcmp(back, raw, bl) == 0, "cut escape or wrong prefix");
		free(back);
	}
	free(cut);
	free(full);

	/* The C-string paths: up to the first NUL. */
	char *s = malloc(rlen + 1);
	FUZZ_CHECK(s != NULL, "malloc");
	memcpy(s, raw, rlen);
	s[rlen] = '\0';
	size_t n;
	char *t = streamed(pp_sanitize_term_fputs, s, &n);
	check_shown(t, n, "fputs");
	FUZZ_CHECK(n == pp_sanitize_term(NULL, 0, s), "fputs length");
	free(t);
	t = streamed(pp_sanitize_csv_cell, s, &n);
	check_shown(t, n, "cell");
	check_cell(t, n);
	free(t);
	t = streamed(pp_sanitize_csv_comment, s, &n);
	check_shown(t, n, "comment");
	check_comment(t, n);
	free(t);
	free(s);
	return 0;
}
