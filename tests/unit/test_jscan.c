/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "lib/jscan.h"
#include "tests/unit/check.h"

void test_jscan(void);
void test_jscan_reals(void);
void test_jscan_numbers(void);

/* Compare the scanner with jansson on one input.  Returns 1 when they
 * agree (or the scanner defers to jansson), 0 otherwise. */
static int
agree(struct pp_jscan *s, const char *buf, size_t len, char *why,
    size_t whysize)
{
	struct pp_error e;
	json_error_t je;
	enum pp_jscan_rc rc = pp_jscan(s, buf, len, &e);
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	int ok = 1;

	why[0] = '\0';
	if (rc == PP_JSCAN_NESTED) {
		json_decref(j);
		return 1;
	}
	if (rc == PP_JSCAN_BAD) {
		if (j != NULL)
			snprintf(why, whysize, "scanner rejects (%s), jansson "
			    "accepts", e.msg);
		ok = j == NULL;
		json_decref(j);
		return ok;
	}
	if (j == NULL || !json_is_object(j)) {
		snprintf(why, whysize, "scanner accepts, jansson: %s",
		    j == NULL ? je.text : "not an object");
		json_decref(j);
		return 0;
	}
	if ((size_t)s->n != json_object_size(j)) {
		snprintf(why, whysize, "member count %d vs %zu", s->n,
		    json_object_size(j));
		ok = 0;
	}
	for (int i = 0; ok && i < s->n; i++) {
		const struct pp_jmember *m = &s->m[i];
		json_t *v = json_object_get(j, m->key);
		int same = v != NULL;
		if (same) {
			switch (m->kind) {
			case PP_J_STRING:
				same = json_is_string(v) &&
				    json_string_length(v) == m->slen &&
				    memcmp(json_string_value(v), m->str,
				    m->slen) == 0;
				break;
			case PP_J_INT:
				same = json_is_integer(v) &&
				    json_integer_value(v) == m->i;
				break;
			case PP_J_REAL:
				same = json_is_real(v) &&
				    (json_real_value(v) == m->d ||
				    (isnan(m->d) && isnan(json_real_value(v))));
				break;
			case PP_J_TRUE:
				same = json_is_true(v);
				break;
			case PP_J_FALSE:
				same = json_is_false(v);
				break;
			case PP_J_NULL:
				same = json_is_null(v);
				break;
			case PP_J_OTHER:
				same = 0;
				break;
			}
		}
		if (!same) {
			snprintf(why, whysize, "member \"%s\" differs", m->key);
			ok = 0;
		}
	}
	json_decref(j);
	return ok;
}

void
test_jscan(void)
{
	static const char *const cases[] = {
		"{}", " { } ", "{\"a\":1}", "{\"a\":-0}", "{\"a\":-0.0}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
		"{\"a\":1e5}", "{\"a\":1E+5}", "{\"a\":1e-5}", "{\"a\":1e}",
		"{\"a\":-}", "{\"a\":1e400}", "{\"a\":1e-400}",
		"{\"a\":9223372036854775807}", "{\"a\":9223372036854775808}",
		"{\"a\":-9223372036854775808}", "{\"a\":-9223372036854775809}",
		"{\"a\":123456789012345678901234567890}",
		"{\"a\":1764000000.120415}", "{\"a\":0.1}", "{\"a\":7.912}",
		"{\"a\":123456789.123456789}", "{\"a\":2.2250738585072011e-308}",
		"{\"a\":1.7976931348623157e308}", "{\"a\":4.9e-324}",
		"{\"a\":true}", "{\"a\":truex}", "{\"a\":tru}", "{\"a\":nul}",
		"{\"a\":null,\"b\":false}", "{\"a\":True}", "{\"a\":1,}",
		"{,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\":1}x",
		"{\"a\":1} ", "{\"a\":1}\n", "{\"a\":\"x\",\"a\":\"y\"}",
		"{\"a\":\"\\u0041\\u00e9\\u20ac\"}", "{\"a\":\"\\ud83d\\ude00\"}",
		"{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00\"}",
		"{\"a\":\"\\ud83dx\"}", "{\"a\":\"\\u0000\"}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}",
		"{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xff\"}",
		"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"\xc3\xa9\":1}",
		"{\"a\":1}\xc3\xa9", "{\"a\":1,\"\\u0061\":2}",
		"{\"a\":\"\\/\\\\\\\"\\b\\f\\n\\r\\t\"}", "{\"a\":1",
		"{\"a\":\"unterminated}", "{\"a\"", "{", "", "  ",
		"{\"a\":{\"b\":1}}", "[1]", "1", "\"s\"", "{\"a\":[1,2]}",
		"{\"type\":\"probe\",\"ts\":1764000000.120415,\"target\":"
		"\"example.net\",\"dst\":\"198.51.100.7\",\"proto\":\"icmp\","
		"\"ttl\":3,\"round\":0,\"seq\":2,\"status\":\"ttl-expired\","
		"\"from\":\"192.0.2.1\",\"rtt\":7.912,\"reply_ttl\":253}",
		"{\"a\":1}\x00", "{\"a\":\"\x01\"}", "{\x00}",
	};
	struct pp_jscan s;
	char why[256];

	pp_jscan_init(&s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i]);
		if (i + 1 == sizeof(cases) / sizeof(cases[0]) - 2)
			len += 1;	/* "{"a":1}\0": the NUL is data */
		CHECK(agree(&s, cases[i], len, why, sizeof(why)),
		    "case %zu %s: %s", i, cases[i], why);
	}
	/* Duplicate keys are found after decoding (\u0061 is "a"). */
	static const char dup[] = "{\"a\":1,\"\\u0061\":2}";
	CHECK(pp_jscan(&s, dup, strlen(dup), NULL) == PP_JSCAN_BAD,
	    "decoded duplicate");
	/* Values come back decoded. */
	static const char dec[] = "{\"ts\":1764000000.120415,\"n\":-42,"
	    "\"s\":\"a\\nb\"}";
	CHECK(pp_jscan(&s, dec, strlen(dec), NULL) == PP_JSCAN_OK, "decode");
	CHECK(pp_jscan_get(&s, "n") != NULL && pp_jscan_get(&s, "n")->i == -42,
	    "int");
	CHECK(pp_jscan_get(&s, "ts") != NULL &&
	    pp_jscan_get(&s, "ts")->d == 1764000000.120415, "real exact");
	CHECK(pp_jscan_get(&s, "s") != NULL &&
	    strcmp(pp_jscan_get(&s, "s")->str, "a\nb") == 0, "string");
	CHECK(pp_jscan_get(&s, "zz") == NULL, "absent");

	/* The keys of one line are expected in the next (pairs: a line,
	 * then the one checked): duplicates, near misses and keys that
	 * cannot be expected. */
	static const char *const pairs[][2] = {
		{ "{\"a\":1,\"bb\":2}", "{\"a\":1,\"bb\":2,\"bb\":3}" },
		{ "{\"a\":1,\"bb\":2}", "{\"a\":1,\"bb\":2,\"a\":3}" },
		{ "{\"a\":1,\"bb\":2}", "{\"bb\":1,\"a\":2,\"a\":3}" },
		{ "{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2,\"\\u0061\":3}" },
		{ "{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":\"x\",\"c\":3}" },
		{ "{\"ab\":1}", "{\"a\":1}" }, { "{\"ab\":1}", "{\"abc\":1}" },
		{ "{\"ab\":1}", "{\"ab\\\"\":1}" }, { "{\"ab\":1}", "{\"ab" },
		{ "{\"ab\":1}", "{\"ab\"" }, { "{\"ab\":1}", "{\"ab\":" },
		{ "{\"ab\":1}", "{\"ab\":1,\"ab\":1}" },
		{ "{\"a\\u0062\":1}", "{\"ab\":1,\"ab\":2}" },
		{ "{\"a\\u0062\":1}", "{\"a\\u0062\":1,\"ab\":2}" },
		{ "{\"a\\\\b\":1}", "{\"a\\\\b\":1,\"a\\u005cb\":2}" },
		{ "{\"abcdefghijklmno\":1,\"x\":2}",
		    "{\"abcdefghijklmno\":1,\"x\":2,\"abcdefghijklmno\":3}" },
		{ "{\"abcdefghijklmnop\":1,\"x\":2}",
		    "{\"abcdefghijklmnop\":1,\"x\":2,\"abcdefghijklmnop\":3}" },
		{ "{\"abcdefghijklmno\":1}", "{\"abcdefghijklmnO\":1}" },
		{ "{\"reply_ttl\":1}", "{\"reply_ttl\":1,\"reply_ttx\":2}" },
		{ "{\"\xc3\xa9\":1}", "{\"\xc3\xa9\":1,\"\\u00e9\":2}" },
		{ "{\"\xc3\xa9\":1}", "{\"\xc3\xa9\" :1 , \"x\":2}" },
		{ "{\"ab\":1,\"c\":2}", "{\"ab\" :1,\"c\":2,\"ab\":3}" },
		{ "{\"ab\":1,\"c\":2}", "{\"ab\": 1,\"c\" : 2,\"c\":3}" },
		{ "{\"ab\" :1,\"c\":2}", "{\"ab\":1,\"c\":2,\"ab\":3}" },
		{ "{\"ab\":1,\"c\":2}", "{\"ab\";1,\"c\":2}" },
		{ "{\"abcdefghijklmn\":1,\"x\":2}",
		    "{\"abcdefghijklmn\":1,\"x\":2,\"abcdefghijklmn\":3}" },
		{ "{\"abcdefghijklmn\":1}", "{\"abcdefghijklmN\":1}" },
		{ "{\"abcdefghijklmn\":1}", "{\"abcdefghijklmn\" :1}" },
		{ "{\"a\":1,\"b\":{}}", "{\"a\":1,\"b\":2,\"b\":3}" },
		{ "{\"a\":1,\"b\":2", "{\"a\":1,\"b\":2,\"b\":3}" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		for (int k = 0; k < 2; k++)
			CHECK(agree(&s, pairs[i][k], strlen(pairs[i][k]), why,
			    sizeof(why)), "pair %zu line %d %s: %s", i, k,
			    pairs[i][k], why);
		/* The second line again: every key as expected. */
		CHECK(agree(&s, pairs[i][1], strlen(pairs[i][1]), why,
		    sizeof(why)), "pair %zu again %s: %s", i, pairs[i][1], why);
	}
	static const char twice[] = "{\"type\":\"probe\",\"ts\":1.5,"
	    "\"ttl\":3}";
	CHECK(pp_jscan(&s, twice, strlen(twice), NULL) == PP_JSCAN_OK &&
	    pp_jscan(&s, twice, strlen(twice), NULL) == PP_JSCAN_OK &&
	    s.same == 3 && s.n == 3 && strcmp(s.m[2].key, "ttl") == 0 &&
	    s.m[2].i == 3, "expected keys (same %d)", s.same);

	/* Random mutations of real records, against jansson (every other
	 * one scanned after its unmutated seed: the seed's keys expected). */
	static const char *const seeds[] = {
		"{\"type\":\"probe\",\"ts\":1764000000.120415,\"target\":"
		"\"example.net\",\"ttl\":3,\"seq\":2,\"status\":\"reply\","
		"\"rtt\":7.912,\"ok\":true,\"x\":null}",
		"{\"type\":\"stats\",\"target\":\"h\\u00e9\",\"loss\":2.5e0,"
		"\"sent\":100,\"neg\":-0.001}",
	};
	static const char alphabet[] = "{}[]\",:\\/-+.eE0123456789tfnulrsa "
	    "\t\r\n\x01\x7f\x80\xbf\xc3\xa9\xed\xf4\xff";
	unsigned seed = 12345;
	int disagreements = 0;
	char buf[512];
	for (int iter = 0; iter < 20000; iter++) {
		const char *src = seeds[iter % 2];
		size_t len = strlen(src);
		memcpy(buf, src, len);
		int edits = 1 + iter % 4;
		for (int k = 0; k < edits; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			char c = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
			seed = seed * 1103515245u + 12345u;
			switch ((seed >> 8) % 3) {
			case 0:
				buf[pos] = c;
				break;
			case 1:
				if (len + 1 < sizeof(buf)) {
					memmove(buf + pos + 1, buf + pos,
					    len - pos);
					buf[pos] = c;
					len++;
				}
				break;
			default:
				if (len > 1) {
					memmove(buf + pos, buf + pos + 1,
					    len - pos - 1);
					len--;
				}
				break;
			}
		}
		if ((iter & 2) != 0)
			(void)pp_jscan(&s, src, strlen(src), NULL);
		if (!agree(&s, buf, len, why, sizeof(why))) {
			if (disagreements++ < 5)
				CHECK(0, "mutation %d (%.*s): %s", iter,
				    (int)len, buf, why);
		}
	}
	CHECK(disagreements == 0, "%d mutations disagree with jansson",
	    disagreements);
	pp_jscan_release(&s);
}

/* Numbers of every shape against jansson (strtoll, strtod): integer
 * parts of 1 to 24 digits, fractions of 0 to 24, exponents, signs, the
 * 19-digit edge of the fast path on either side of the point, and a
 * member after the number (each line scanned twice: expected keys). */
void
test_jscan_numbers(void)
{
	struct pp_jscan sc;
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	char why[256];
	int bad = 0;

	pp_jscan_init(&sc);
	for (int i = 0; i < 60000; i++) {
		char num[96];
		char buf[160];
		size_t k = 0;
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		unsigned long long r = seed;
		int ni = 1 + (int)(r % 24);
		r /= 24;
		int nf = (int)(r % 25);
		r /= 25;
		int ex = (int)(r % 6);	/* 0-2: none; 3: e; 4: e+; 5: E- */
		r /= 6;
		if (r % 4 == 0)
			num[k++] = '-';
		r /= 4;
		unsigned long long dg = seed * 2654435761ULL;
		for (int d = 0; d < ni; d++) {
			int v = (int)(dg % 10);
			dg = dg / 10 ^ (dg << 31) ^ (unsigned long long)d;
			num[k++] = (char)('0' + (d == 0 && ni > 1 && v == 0 ?
			    9 : v));
		}
		if (nf > 0) {
			num[k++] = '.';
			for (int d = 0; d < nf; d++) {
				num[k++] = (char)('0' + (int)(dg % 10));
				dg = dg / 10 ^ (dg << 29) ^ (unsigned long long)d;
			}
		}
		if (ex >= 3) {
			num[k++] = ex == 5 ? 'E' : 'e';
			if (ex == 4)
				num[k++] = '+';
			if (ex == 5)
				num[k++] = '-';
			k += (size_t)snprintf(num + k, sizeof(num) - k, "%d",
			    (int)(r % 400));
		}
		num[k] = '\0';
		int n = snprintf(buf, sizeof(buf), "{\"v\":%s,\"w\":%s}", num,
		    i % 2 ? "1" : "\"x\"");
		for (int t = 0; t < 2; t++) {
			if (!agree(&sc, buf, (size_t)n, why, sizeof(why)) &&
			    bad++ < 5)
				CHECK(0, "%s: %s", buf, why);
		}
	}
	CHECK(bad == 0, "%d numbers disagree with jansson", bad);
	pp_jscan_release(&sc);
}

/* Reals of every length up to 20 digits, the decimal point anywhere (the
 * fast path takes those whose digits fit below 2^53): the value strtod
 * gives, to the bit. */
void
test_jscan_reals(void)
{
	struct pp_jscan sc;
	unsigned long long seed = 88172645463325252ULL;
	int bad = 0;

	pp_jscan_init(&sc);
	for (int i = 0; i < 200000; i++) {
		char num[40];
		char buf[64];
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		int nd = 1 + (int)(seed % 20);
		int dot = 1 + (int)((seed >> 8) % (unsigned)nd);
		size_t k = 0;
		unsigned long long r = seed >> 16;
		for (int d = 0; d < nd; d++) {
			if (d == dot && d > 0)
				num[k++] = '.';
			int digit = (int)(r % 10);
			r = r / 10 ^ (r << 29) ^ (unsigned long long)d * 2654435761u;
			num[k++] = (char)('0' + (d == 0 && digit == 0 && dot > 1 ?
			    1 : digit));
		}
		if (dot == nd && nd > 1) {
			num[k++] = '.';
			num[k++] = '5';
		}
		num[k] = '\0';
		if (strchr(num, '.') == NULL)
			continue;	/* integers are another path */
		(void)snprintf(buf, sizeof(buf), "{\"v\":%s}", num);
		if (pp_jscan(&sc, buf, strlen(buf), NULL) != PP_JSCAN_OK ||
		    sc.n != 1) {
			bad++;
			continue;
		}
		double want = strtod(num, NULL);
		if (memcmp(&sc.m[0].d, &want, sizeof(want)) != 0 && bad++ < 5)
			CHECK(0, "%s: %.17g, strtod %.17g", num, sc.m[0].d,
			    want);
	}
	CHECK(bad == 0, "%d reals differ from strtod", bad);
	pp_jscan_release(&sc);
}
