/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "lib/geo.h"
#include "tests/unit/check.h"

void test_geo(void);

/* Check every vector of a TSV file: ip, network, prefix, then the columns
 * named in the header ("-" = absent). */
static void
vectors(struct pp_geo *g, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	char *cols[16];
	int ncols = 0;
	int checked = 0;

	CHECK(f != NULL, "open %s", path);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		char *v[16];
		int n = 0;
		for (char *p = line, *t; p != NULL && n < 16; p = t) {
			t = strchr(p, '\t');
			if (t != NULL)
				*t++ = '\0';
			v[n++] = p;
		}
		if (ncols == 0) {
			for (int i = 0; i < n; i++)
				cols[i] = strdup(v[i]);
			ncols = n;
			continue;
		}
		json_error_t je;
		const char *geo = pp_geo_lookup(g, v[0]);
		json_t *o = geo != NULL ? json_loads(geo, 0, &je) : NULL;
		CHECK(o != NULL, "lookup %s", v[0]);
		if (o == NULL)
			continue;
		for (int i = 3; i < n && i < ncols; i++) {
			const char *key = NULL;
			if (strcmp(cols[i], "country.iso_code") == 0)
				key = "cc";
			else if (strcmp(cols[i], "city.names.en") == 0)
				key = "city";
			else if (strcmp(cols[i], "location.latitude") == 0)
				key = "lat";
			else if (strcmp(cols[i], "location.longitude") == 0)
				key = "lon";
			else if (strcmp(cols[i], "autonomous_system_number") ==
			    0)
				key = "asn";
			else if (strcmp(cols[i],
			    "autonomous_system_organization") == 0)
				key = "as_org";
			if (key == NULL)
				continue;
			json_t *x = json_object_get(o, key);
			if (strcmp(v[i], "-") == 0) {
				/* Absent in the record: a range file or
				 * another database may still know it. */
				continue;
			}
			if (json_is_string(x))
				CHECK(strcmp(json_string_value(x), v[i]) == 0,
				    "%s %s: %s vs %s", v[0], key,
				    json_string_value(x), v[i]);
			else if (json_is_number(x))
				CHECK(fabs(json_number_value(x) - strtod(v[i], NULL)) <
				    1e-4, "%s %s: %g vs %s", v[0], key,
				    json_number_value(x), v[i]);
			else
				CHECK(0, "%s %s missing (want %s)", v[0], key,
				    v[i]);
			checked++;
		}
		json_decref(o);
	}
	fclose(f);
	for (int i = 0; i < ncols; i++)
		free(cols[i]);
	CHECK(checked > 100, "%s: %d values checked", path, checked);
}

void
test_geo(void)
{
	struct pp_geo g;
	struct pp_error e;
	struct pp_addr a;

	static const struct {
		const char *ip;
		const char *special;
	} sp[] = {
		{ "10.1.2.3", "private" }, { "172.31.255.255", "private" },
		{ "172.32.0.1", NULL }, { "192.168.0.1", "private" },
		{ "100.64.0.1", "shared" }, { "100.128.0.1", NULL },
		{ "127.0.0.1", "loopback" }, { "169.254.1.1", "link-local" },
		{ "192.0.2.9", "documentation" },
		{ "198.51.100.7", "documentation" },
		{ "203.0.113.1", "documentation" },
		{ "198.18.0.1", "benchmarking" }, { "198.19.255.1",
		    "benchmarking" }, { "198.20.0.1", NULL },
		{ "224.0.0.1", "multicast" }, { "255.255.255.255", "broadcast" },
		{ "8.8.8.8", NULL }, { "::1", "loopback" }, { "::",
		    "unspecified" }, { "fe80::1", "link-local" },
		{ "fd00::1", "unique-local" }, { "fc12::1", "unique-local" },
		{ "2001:db8::1", "documentation" }, { "ff02::1", "multicast" },
		{ "::ffff:10.0.0.1", "private" }, { "2001:480::1", NULL },
	};
	for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		CHECK(pp_addr_parse(&a, sp[i].ip) == 0, "parse %s", sp[i].ip);
		const char *s = pp_addr_special(&a);
		CHECK((s == NULL && sp[i].special == NULL) || (s != NULL &&
		    sp[i].special != NULL && strcmp(s, sp[i].special) == 0),
		    "%s: %s", sp[i].ip, s ? s : "public");
	}
	CHECK(pp_addr_parse(&a, "example.net") == -1, "not an address");
	/* Which addresses reverse DNS is asked about: LAN and CGNAT too. */
	static const struct {
		const char *ip;
		bool named;
	} nm[] = {
		{ "10.1.2.3", true }, { "192.168.1.1", true },
		{ "100.64.0.1", true }, { "8.8.8.8", true },
		{ "127.0.0.1", true }, { "198.18.1.2", true },
		{ "fd00::1", true }, { "fe80::1", true },
		{ "224.0.0.1", false }, { "255.255.255.255", false },
		{ "0.1.2.3", false }, { "::", false }, { "ff02::1", false },
		{ "240.0.0.1", false },
	};
	for (size_t i = 0; i < sizeof(nm) / sizeof(nm[0]); i++) {
		CHECK(pp_addr_parse(&a, nm[i].ip) == 0, "parse %s", nm[i].ip);
		CHECK(pp_addr_named(&a) == nm[i].named, "named %s", nm[i].ip);
	}

	CHECK(pp_geo_init(&g) == 0, "init");
	const char *top = getenv("PP_TOP") ? getenv("PP_TOP") : ".";
	char p1[512], p2[512], p3[512], p4[512];
	snprintf(p1, sizeof(p1), "%s/tests/data/mmdb/GeoLite2-City-Test.mmdb",
	    top);
	snprintf(p2, sizeof(p2), "%s/tests/data/mmdb/GeoLite2-ASN-Test.mmdb",
	    top);
	CHECK(pp_geo_open_mmdb(&g, p1, &e) == 0, "open city: %s", e.msg);
	CHECK(pp_geo_open_mmdb(&g, p2, &e) == 0, "open asn: %s", e.msg);
	snprintf(p3, sizeof(p3), "%s/tests/data/mmdb/vectors/"
	    "GeoLite2-City-Test.vectors.tsv", top);
	snprintf(p4, sizeof(p4), "%s/tests/data/mmdb/vectors/"
	    "GeoLite2-ASN-Test.vectors.tsv", top);
	vectors(&g, p3);
	vectors(&g, p4);
	CHECK_STR(pp_geo_lookup(&g, "10.0.0.1"), "{\"special\":\"private\"}",
	    "special never looked up");
	CHECK(pp_geo_lookup(&g, "nope") == NULL, "not an address");
	/* The cache answers repeated lookups. */
	unsigned long hits = g.hits;
	(void)pp_geo_lookup(&g, "81.2.69.160");
	(void)pp_geo_lookup(&g, "81.2.69.160");
	CHECK(g.hits > hits, "cache hit");
	/* More distinct addresses than the cache holds: bounded. */
	char ip[32];
	for (int i = 0; i < PP_GEO_CACHE * 3; i++) {
		snprintf(ip, sizeof(ip), "11.%d.%d.%d", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
		(void)pp_geo_lookup(&g, ip);
	}
	CHECK(g.held <= PP_GEO_CACHE, "cache bounded: %zu", g.held);
	CHECK(pp_geo_open_mmdb(&g, "/nonexistent.mmdb", &e) == -1 &&
	    strstr(e.msg, "cannot open MaxMind DB") != NULL, "missing db");
	pp_geo_release(&g);

	/* Tor range files: the README's vectors. */
	CHECK(pp_geo_init(&g) == 0, "init");
	snprintf(p1, sizeof(p1), "%s/tests/data/ranges/tor-geoip-sample.csv",
	    top);
	snprintf(p2, sizeof(p2), "%s/tests/data/ranges/tor-geoip6-sample.csv",
	    top);
	CHECK(pp_geo_load_ranges(&g, p1, NULL, &e) == 0, "v4 ranges: %s",
	    e.msg);
	CHECK(pp_geo_load_ranges(&g, p2, NULL, &e) == 0, "v6 ranges: %s",
	    e.msg);
	static const struct {
		const char *ip;
		const char *json;
	} rv[] = {
		{ "1.0.0.1", "{\"cc\":\"AU\"}" },
		{ "2.125.160.216", "{\"cc\":\"GB\"}" },
		{ "89.160.20.112", "{\"cc\":\"SE\"}" },
		{ "216.160.83.56", "{\"cc\":\"US\"}" },
		{ "0.239.249.147", "{\"special\":\"this-network\"}" },
		{ "2001:480::1", "{\"cc\":\"US\"}" },
		{ "2a02:1200::1", "{\"cc\":\"CH\"}" },
		{ "2001::1", "{}" },
		{ "2001:db8::1", "{\"special\":\"documentation\"}" },
	};
	for (size_t i = 0; i < sizeof(rv) / sizeof(rv[0]); i++)
		CHECK_STR(pp_geo_lookup(&g, rv[i].ip), rv[i].json, rv[i].ip);
	CHECK(pp_geo_load_ranges(&g, p1, "start,bogus", &e) == -1,
	    "bad format");
	pp_geo_release(&g);
}
