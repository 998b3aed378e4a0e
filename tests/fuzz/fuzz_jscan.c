/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_jscan.c: the flat-object scanner against jansson, the reference.
 * The input is one line (or two: see LLVMFuzzerTestOneInput).  When the scanner does not defer to jansson
 * (PP_JSCAN_NESTED), both must agree on accepting it, on it being an
 * object, and on every member: the same keys, kinds and decoded values
 * (lib/jscan.h promises exactly jansson's JSON_REJECT_DUPLICATES), bar
 * jansson's one quirk: it skips a NUL byte after a scalar. */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "lib/jscan.h"
#include "tests/fuzz/fuzz.h"

static struct pp_jscan scan;

static void
release_scan(void)
{
	pp_jscan_release(&scan);
}

static void
same_value(const struct pp_jmember *m, json_t *v)
{
	switch (m->kind) {
	case PP_J_STRING:
		FUZZ_CHECK(json_is_string(v) && json_string_length(v) ==
		    m->slen && memcmp(json_string_value(v), m->str, m->slen)
		    == 0 && m->str[m->slen] == '\0', "string \"%s\" differs",
		    m->key);
		break;
	case PP_J_INT:
		FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) == m->i,
		    "integer \"%s\" differs", m->key);
		FUZZ_CHECK(m->d == (double)m->i, "integer's double");
		break;
	case PP_J_REAL:
		FUZZ_CHECK(json_is_real(v) && (json_real_value(v) == m->d ||
		    (isnan(m->d) && isnan(json_real_value(v)))),
		    "real \"%s\": %.17g vs %.17g", m->key, m->d,
		    json_is_real(v) ? json_real_value(v) : 0.0);
		break;
	case PP_J_TRUE:
		FUZZ_CHECK(json_is_true(v), "true \"%s\"", m->key);
		break;
	case PP_J_FALSE:
		FUZZ_CHECK(json_is_false(v), "false \"%s\"", m->key);
		break;
	case PP_J_NULL:
		FUZZ_CHECK(json_is_null(v), "null \"%s\"", m->key);
		break;
	default:
		FUZZ_CHECK(0, "kind %d", (int)m->kind);
	}
}

/* One line, against jansson. */
static void
check(const uint8_t *data, size_t size)
{
	struct pp_error e;
	json_error_t je;

	pp_error_clear(&e);
	enum pp_jscan_rc rc = pp_jscan(&scan, (const char *)data, size, &e);
	if (memchr(data, '\0', size) != NULL) {
		/* No JSON text holds a NUL byte, but jansson skips one after
		 * a scalar ({"a":1<NUL>}): the scanner must reject, whatever
		 * jansson says (lib/record.c rejects it before jansson). */
		FUZZ_CHECK(rc == PP_JSCAN_BAD || rc == PP_JSCAN_NESTED,
		    "scanner takes a NUL byte (%d)", (int)rc);
		return;
	}
	json_t *j = json_loadb((const char *)data, size,
	    JSON_REJECT_DUPLICATES, &je);
	switch (rc) {
	case PP_JSCAN_NESTED:
		break;
	case PP_JSCAN_BAD:
		FUZZ_CHECK(j == NULL, "scanner rejects (%s), jansson accepts",
		    e.msg);
		FUZZ_CHECK(e.msg[0] != '\0', "rejected without a message");
		break;
	case PP_JSCAN_NOT_OBJECT: {
		/* Valid JSON that is not an object: jansson takes it when
		 * asked to decode any value. */
		json_t *any = json_loadb((const char *)data, size,
		    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
		FUZZ_CHECK(any != NULL && !json_is_object(any), "scanner "
		    "says not an object, jansson: %s", any == NULL ? je.text :
		    "an object");
		json_decref(any);
		break;
	}
	case PP_JSCAN_OK:
		FUZZ_CHECK(j != NULL && json_is_object(j), "scanner accepts, "
		    "jansson: %s", j == NULL ? je.text : "not an object");
		FUZZ_CHECK(scan.n >= 0 && scan.n <= PP_JSCAN_MAX, "n %d",
		    scan.n);
		FUZZ_CHECK((size_t)scan.n == json_object_size(j),
		    "%d members, jansson %zu", scan.n, json_object_size(j));
		for (int i = 0; i < scan.n; i++) {
			const struct pp_jmember *m = &scan.m[i];
			FUZZ_CHECK(strlen(m->key) == m->klen, "key length");
			json_t *v = json_object_get(j, m->key);
			FUZZ_CHECK(v != NULL, "key \"%s\" not in jansson's",
			    m->key);
			same_value(m, v);
			FUZZ_CHECK(pp_jscan_get(&scan, m->key) == m,
			    "pp_jscan_get(\"%s\")", m->key);
		}
		break;
	default:
		FUZZ_CHECK(0, "result %d", (int)rc);
	}
	json_decref(j);
}

/* The scanner expects the keys of the line before (lib/jscan.h): the
 * input is checked after whatever came before it, then again (its own
 * keys expected), and when it holds a newline, the bytes after the first
 * one are checked after those before it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool registered;

	if (!registered) {
		pp_jscan_init(&scan);
		(void)atexit(release_scan);
		registered = true;
	}
	check(data, size);
	check(data, size);
	const uint8_t *nl = memchr(data, '\n', size);
	if (nl != NULL) {
		size_t a = (size_t)(nl - data);
		check(data, a);
		check(nl + 1, size - a - 1);
	}
	return 0;
}
