/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_geo.c: pp-geo's untrusted inputs without a database: IP range files
 * (lib/geo.c pp_geo_load_ranges, through lib/input.c) and address text.
 * Control byte: the column format (one of a few); then the range file up to
 * the first NUL byte, then addresses to look up, one a line.
 * Invariants: a failed load says why; loaded tables are sorted; a lookup is
 * NULL exactly when the text is not an address, and otherwise a JSON object
 * (jansson parses it) that a second lookup returns unchanged; an address
 * inside the only IPv4 range gets that range's country code. */
#include <arpa/inet.h>
#include <string.h>

#include <jansson.h>

#include "lib/geo.h"
#include "tests/fuzz/fuzz.h"

static const char *const formats[] = {
	NULL, "start,end,cc", "skip,start,end,cc", "start,end,skip,cc",
	"cc,start,end", "start,end", "start,bogus,cc",
};

static void
lookup(struct pp_geo *g, const char *text)
{
	struct pp_addr a;
	bool is_addr = pp_addr_parse(&a, text) == 0;
	const char *j = pp_geo_lookup(g, text);

	FUZZ_CHECK((j != NULL) == is_addr, "lookup of \"%s\": %s", text,
	    j == NULL ? "NULL" : j);
	if (j == NULL)
		return;
	FUZZ_CHECK(a.family == 4 || a.family == 6, "family %d", a.family);
	json_error_t je;
	json_t *o = json_loads(j, 0, &je);
	FUZZ_CHECK(o != NULL && json_is_object(o), "lookup gave bad JSON: "
	    "%s (%s)", j, je.text);
	json_decref(o);
	char *copy = strdup(j);
	FUZZ_CHECK(copy != NULL, "out of memory");
	const char *again = pp_geo_lookup(g, text);
	FUZZ_CHECK(again != NULL && strcmp(copy, again) == 0, "cached lookup "
	    "differs");
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pp_geo g;
	struct pp_error err;

	if (size < 1)
		return 0;
	const char *format = formats[data[0] % (sizeof(formats) /
	    sizeof(formats[0]))];
	data++;
	size--;
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul != NULL ? (size_t)(nul - data) : size;

	FUZZ_CHECK(pp_geo_init(&g) == 0, "init");
	pp_error_clear(&err);
	int rc = pp_geo_load_ranges(&g, fuzz_file(data, flen, 0), format, &err);
	FUZZ_CHECK(rc == 0 || (rc == -1 && err.msg[0] != '\0'), "load %d "
	    "without a message", rc);
	for (size_t i = 1; i < g.n4; i++)
		FUZZ_CHECK(g.r4[i - 1].start <= g.r4[i].start, "r4 unsorted");
	for (size_t i = 1; i < g.n6; i++)
		FUZZ_CHECK(memcmp(g.r6[i - 1].start, g.r6[i].start, 16) <= 0,
		    "r6 unsorted");
	for (size_t i = 0; i < g.n4; i++)
		FUZZ_CHECK(strlen(g.r4[i].cc) <= 2, "cc length");

	/* Each range's first address. */
	for (size_t i = 0; i < g.n4 && i < 64; i++) {
		unsigned char b[4];
		char text[INET_ADDRSTRLEN];
		uint32_t v = g.r4[i].start;
		b[0] = (unsigned char)(v >> 24);
		b[1] = (unsigned char)(v >> 16);
		b[2] = (unsigned char)(v >> 8);
		b[3] = (unsigned char)v;
		FUZZ_CHECK(inet_ntop(AF_INET, b, text, sizeof(text)) != NULL,
		    "ntop");
		lookup(&g, text);
		struct pp_addr a;
		(void)pp_addr_parse(&a, text);
		const struct pp_geo_range4 *r = &g.r4[i];
		if (g.n4 == 1 && r->start <= r->end && r->cc[0] != '\0' &&
		    strcmp(r->cc, "??") != 0 && pp_addr_special(&a) == NULL) {
			json_t *o = json_loads(pp_geo_lookup(&g, text), 0,
			    NULL);
			json_t *cc = json_object_get(o, "cc");
			FUZZ_CHECK(json_is_string(cc), "no cc for %s in the "
			    "only range", text);
			json_decref(o);
		}
	}
	for (size_t i = 0; i < g.n6 && i < 64; i++) {
		char text[INET6_ADDRSTRLEN];
		FUZZ_CHECK(inet_ntop(AF_INET6, g.r6[i].start, text,
		    sizeof(text)) != NULL, "ntop");
		lookup(&g, text);
	}

	/* The addresses after the NUL. */
	if (nul != NULL) {
		const char *p = (const char *)nul + 1;
		const char *end = (const char *)data + size;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl != NULL ? (size_t)(nl - p) :
			    (size_t)(end - p);
			char text[128];
			if (n < sizeof(text) && memchr(p, 0, n) == NULL) {
				memcpy(text, p, n);
				text[n] = '\0';
				lookup(&g, text);
			}
			p += n + 1;
		}
	}
	pp_geo_release(&g);
	return 0;
}
