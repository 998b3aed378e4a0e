/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/enrich.h"
#include "lib/error.h"
#include "lib/geo.h"
#include "lib/jsonw.h"
#include "lib/record.h"
#include "tests/unit/check.h"

void test_enrich_fields(void);
void test_enrich_write(void);
void test_enrich_direct(void);

static int
parse(struct pp_record *r, const char *line)
{
	struct pp_error e;

	pp_error_clear(&e);
	return pp_record_parse(r, line, strlen(line), &e);
}

/* The fields pp_enrich_fields picks, as "from,dst,addr" with "-" for
 * none, and what it keeps of the line. */
static void
fields(const char *line, const char *want, int wantn, const char *keep)
{
	struct pp_record r;
	const char *a[PP_ENRICH_FIELDS];
	size_t k;
	char got[256];

	pp_record_init(&r);
	CHECK(parse(&r, line) == 0, "parse %s", line);
	int n = pp_enrich_fields(&r, a, &k);
	(void)snprintf(got, sizeof(got), "%s,%s,%s", a[0] ? a[0] : "-",
	    a[1] ? a[1] : "-", a[2] ? a[2] : "-");
	CHECK_STR(got, want, line);
	CHECK(n == wantn, "%s: %d fields, want %d", line, n, wantn);
	if (keep != NULL)
		CHECK(k == strlen(keep) && memcmp(line, keep, k) == 0,
		    "%s: keeps %zu bytes, want \"%s\"", line, k, keep);
	pp_record_release(&r);
}

void
test_enrich_fields(void)
{
	CHECK_STR(pp_enrich_field(0), "from", "field 0");
	CHECK_STR(pp_enrich_field(1), "dst", "field 1");
	CHECK_STR(pp_enrich_field(2), "addr", "field 2");
	CHECK(pp_enrich_field(3) == NULL, "field 3");
	/* A probe: its from and dst. */
	fields("{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"192.0.2.1\","
	    "\"status\":\"reply\",\"from\":\"192.0.2.1\",\"rtt\":1}",
	    "192.0.2.1,192.0.2.1,-", 2,
	    "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"192.0.2.1\","
	    "\"status\":\"reply\",\"from\":\"192.0.2.1\",\"rtt\":1");
	/* Trailing blanks are left out of what is kept. */
	fields("{\"type\":\"x\",\"addr\":\"::1\"} \t", "-,-,::1", 1,
	    "{\"type\":\"x\",\"addr\":\"::1\"");
	/* A probe's addr is not an address field of it. */
	fields("{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"status\":"
	    "\"timeout\",\"addr\":\"192.0.2.9\"}", "-,-,-", 0, NULL);
	/* Already enriched: that field is not looked up again. */
	fields("{\"type\":\"x\",\"from\":\"192.0.2.1\",\"from_geo\":{},"
	    "\"dst\":\"192.0.2.2\"}", "-,192.0.2.2,-", 1, NULL);
	/* "_geo\"" in a value is not a field. */
	fields("{\"type\":\"x\",\"addr\":\"192.0.2.3\",\"n\":\"a_geo\\\"\"}",
	    "-,-,192.0.2.3", 1, NULL);
	/* Nested fields are not the record's. */
	fields("{\"type\":\"x\",\"o\":{\"from\":\"192.0.2.4\"}}", "-,-,-", 0,
	    NULL);
	/* A string that is not an address is still a field (the lookup
	 * refuses it); a number is not. */
	fields("{\"type\":\"x\",\"from\":\"nowhere\",\"dst\":5}",
	    "nowhere,-,-", 1, NULL);
}

static char *
written(int (*fn)(FILE *, void *), void *arg, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = fn(f, arg);
	fclose(f);
	return buf;
}

struct wcase {
	const char *line;
	size_t keep;
	const char *geo[PP_ENRICH_FIELDS];
	const char *host[PP_ENRICH_FIELDS];
	bool hosts;
	struct pp_jw *w;
};

static int
write_case(FILE *f, void *arg)
{
	struct wcase *c = arg;

	return pp_enrich_write(f, c->line, c->keep, c->geo,
	    c->hosts ? c->host : NULL, c->w);
}

void
test_enrich_write(void)
{
	struct pp_jw w;
	int rc;

	pp_jw_init(&w);
	struct wcase a = {
		.line = "{\"type\":\"x\",\"from\":\"a\",\"addr\":\"b\"}",
		.keep = 33,
		.geo = { "{\"cc\":\"SE\"}", NULL, "{}" },
		.host = { "r1.example", NULL, "x\"<b>" },
		.hosts = true,
		.w = &w,
	};
	char *s = written(write_case, &a, &rc);
	CHECK_STR(s, "{\"type\":\"x\",\"from\":\"a\",\"addr\":\"b\","
	    "\"from_geo\":{\"cc\":\"SE\"},\"from_host\":\"r1.example\","
	    "\"addr_geo\":{},\"addr_host\":\"x\\\"<b>\"}\n", "from and addr");
	CHECK(rc == 0, "written");
	free(s);
	/* No names: geo only; a name without its geo is not written. */
	a.hosts = false;
	s = written(write_case, &a, &rc);
	CHECK_STR(s, "{\"type\":\"x\",\"from\":\"a\",\"addr\":\"b\","
	    "\"from_geo\":{\"cc\":\"SE\"},\"addr_geo\":{}}\n", "no names");
	free(s);
	struct wcase b = {
		.line = "{\"dst\":\"c\"}",
		.keep = 10,
		.geo = { NULL, "{\"special\":\"loopback\"}", NULL },
		.host = { "unused", NULL, NULL },
		.hosts = true,
		.w = &w,
	};
	s = written(write_case, &b, &rc);
	CHECK_STR(s, "{\"dst\":\"c\",\"dst_geo\":{\"special\":\"loopback\"}}\n",
	    "dst only");
	free(s);
	/* A write error is said. */
	FILE *full = fopen("/dev/full", "w");
	if (full != NULL) {
		setvbuf(full, NULL, _IONBF, 0);
		CHECK(pp_enrich_write(full, a.line, a.keep, a.geo, NULL, &w) ==
		    -1, "/dev/full");
		fclose(full);
	}
	pp_jw_release(&w);
}

struct dcase {
	struct pp_enricher *e;
	const char *const *lines;
};

static int
direct_case(FILE *f, void *arg)
{
	struct dcase *c = arg;
	struct pp_record r;

	c->e->out = f;
	pp_record_init(&r);
	for (int i = 0; c->lines[i] != NULL; i++) {
		if (parse(&r, c->lines[i]) == 0)
			pp_enricher_add(c->e, &r);
	}
	pp_record_release(&r);
	return c->e->io_error ? -1 : 0;
}

void
test_enrich_direct(void)
{
	static struct pp_enricher e;
	struct pp_geo g;
	int rc;

	if (pp_geo_init(&g) == -1) {
		CHECK(false, "geo init");
		return;
	}
	pp_enricher_init(&e, &g, NULL, stdout);
	/* Without databases: the special classes, {} for the others; a
	 * record that gets nothing goes out as it came, blanks and all. */
	static const char *const lines[] = {
		"{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"10.1.2.3\","
		"\"status\":\"reply\",\"from\":\"10.1.2.3\",\"rtt\":1}  ",
		"{\"type\":\"x\",\"addr\":\"not an address\"} ",
		"{\"type\":\"x\",\"from\":\"::1\",\"addr\":\"198.51.100.7\"}",
		"{\"type\":\"x\",\"from\":\"::1\",\"from_geo\":{\"cc\":\"ZZ\"}}",
		NULL,
	};
	struct dcase c = { .e = &e, .lines = lines };
	char *s = written(direct_case, &c, &rc);
	CHECK_STR(s,
	    "{\"type\":\"probe\",\"ts\":1,\"target\":\"t\",\"dst\":\"10.1.2.3\","
	    "\"status\":\"reply\",\"from\":\"10.1.2.3\",\"rtt\":1,"
	    "\"from_geo\":{\"special\":\"private\"},"
	    "\"dst_geo\":{\"special\":\"private\"}}\n"
	    "{\"type\":\"x\",\"addr\":\"not an address\"} \n"
	    "{\"type\":\"x\",\"from\":\"::1\",\"addr\":\"198.51.100.7\","
	    "\"from_geo\":{\"special\":\"loopback\"},"
	    "\"addr_geo\":{\"special\":\"documentation\"}}\n"
	    "{\"type\":\"x\",\"from\":\"::1\",\"from_geo\":{\"cc\":\"ZZ\"}}\n",
	    "enriched stream");
	CHECK(rc == 0 && pp_enricher_waiting(&e) == 0, "nothing waits");
	free(s);
	pp_enricher_release(&e);
	pp_geo_release(&g);
}
