/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sanitize.h"
#include "tests/unit/check.h"

void test_sanitize(void);

/* What fn wrote to a memory stream for s. */
static char *
streamed(int (*fn)(const char *, FILE *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	CHECK(fn(s, f) == 0, "write %s", s);
	fclose(f);
	return buf;
}

static void
term(void)
{
	static const struct {
		const char *in;
		const char *want;
	} t[] = {
		{ "example.net", "example.net" },
		{ "198.51.100.7", "198.51.100.7" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "", "" },
		{ "a\x1b]0;pwned\x07z", "a\\x1b]0;pwned\\x07z" },
		{ "\x1b[2J", "\\x1b[2J" },
		{ "row\r\nforged", "row\\x0d\\x0aforged" },
		{ "tab\there", "tab\\x09here" },
		{ "del\x7f", "del\\x7f" },
		{ "back\\slash", "back\\slash" },
		{ "caf\xc3\xa9.example", "caf\xc3\xa9.example" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		/* C1: CSI as one code point, NEL. */
		{ "\xc2\x9b" "2J", "\\u009b2J" },
		{ "\xc2\x85", "\\u0085" },
		/* Bidi overrides and isolates, marks, separators, BOM. */
		{ "abc\xe2\x80\xae" "cba", "abc\\u202ecba" },
		{ "\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069" },
		{ "\xe2\x80\x8f\xd8\x9c", "\\u200f\\u061c" },
		{ "a\xe2\x80\xa8" "b", "a\\u2028b" },
		{ "\xef\xbb\xbfx", "\\ufeffx" },
		/* Not UTF-8: each byte shown. */
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "\xc3", "\\xc3" },
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "\xe2\x80", "\\xe2\\x80" },
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t need = pp_sanitize_term(buf, sizeof(buf), t[i].in);
		CHECK_STR(buf, t[i].want, t[i].in);
		CHECK(need == strlen(t[i].want), "need %zu for %s", need,
		    t[i].want);
		char *s = streamed(pp_sanitize_term_fputs, t[i].in);
		CHECK_STR(s, t[i].want, "fputs");
		free(s);
	}
	/* NUL bytes with an explicit length. */
	CHECK(pp_sanitize_term_n(buf, sizeof(buf), "a\0b", 3) == 6 &&
	    strcmp(buf, "a\\x00b") == 0, "NUL shown: %s", buf);
	/* Cut at a boundary, never inside an escape or a character. */
	static const struct {
		const char *in;
		size_t size;
		const char *want;
		size_t need;
	} c[] = {
		{ "abcdef", 4, "abc", 6 },
		{ "ab\x1b" "cd", 5, "ab", 8 },
		{ "ab\x1b" "cd", 7, "ab\\x1b", 8 },
		{ "a\xc3\xa9", 3, "a", 3 },
		{ "\xe2\x80\xae", 6, "", 6 },
		{ "x", 1, "", 1 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t need = pp_sanitize_term(buf, c[i].size, c[i].in);
		CHECK_STR(buf, c[i].want, "cut");
		CHECK(need == c[i].need, "cut need %zu, want %zu", need,
		    c[i].need);
	}
	CHECK(pp_sanitize_term(NULL, 0, "\x1b") == 4, "size 0: only the need");
	/* A long name through the stream (beyond the stack buffer). */
	char *big = malloc(5001);
	if (big != NULL) {
		memset(big, '\x1b', 5000);
		big[5000] = '\0';
		char *s = streamed(pp_sanitize_term_fputs, big);
		CHECK(s != NULL && strlen(s) == 20000 &&
		    strncmp(s, "\\x1b\\x1b", 8) == 0, "long text shown");
		free(s);
		free(big);
	}
}

static void
csv(void)
{
	static const struct {
		const char *in;
		const char *cell;
		const char *comment;
	} t[] = {
		{ "example.net", "example.net", "example.net" },
		{ "", "", "" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
		    "=HYPERLINK(\"http://x\",\"y\")" },
		{ "+1", "\"'+1\"", "+1" },
		{ "-1+2", "\"'-1+2\"", "-1+2" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"", "@SUM(A1)" },
		{ "  =1", "\"'  =1\"", "  =1" },
		{ "a,b", "\"a,b\"", "a,b" },
		{ "a;b", "\"a;b\"", "a;b" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"", "say \"hi\"" },
		{ "host\n=cmd", "host\\x0a=cmd", "host\\x0a=cmd" },
		{ "\t=1", "\\x09=1", "\\x09=1" },
		{ "\r=1", "\\x0d=1", "\\x0d=1" },
		{ "a,=1", "\"a,=1\"", "a,'=1" },
		{ "a, \"=1\"", "\"a, \"\"=1\"\"\"", "a, \"'=1\"" },
		{ "x;+1,-2,@3", "\"x;+1,-2,@3\"", "x;'+1,'-2,'@3" },
		{ "{\"a\":1,\"b\":-2}", "\"{\"\"a\"\":1,\"\"b\"\":-2}\"",
		    "{\"a\":1,\"b\":-2}" },
		{ "\x1b[31mred", "\\x1b[31mred", "\\x1b[31mred" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *s = streamed(pp_sanitize_csv_cell, t[i].in);
		CHECK_STR(s, t[i].cell, "cell");
		free(s);
		s = streamed(pp_sanitize_csv_comment, t[i].in);
		CHECK_STR(s, t[i].comment, "comment");
		free(s);
	}
}

void
test_sanitize(void)
{
	term();
	csv();
}
