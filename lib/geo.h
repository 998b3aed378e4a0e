/* SPDX-License-Identifier: BSD-2-Clause */
/* geo.h: where an address is.  Special addresses (private, shared,
 * loopback, link-local, unique-local, documentation, benchmarking,
 * multicast, ...) are tagged and never looked up; others are looked up in
 * MaxMind DB files (GeoLite2/GeoIP2 City, Country and ASN, and DB-IP or
 * IPinfo files in the same format) and in IP range files (CSV or TSV,
 * plain or gzip, such as Tor's geoip and geoip6).  The result is rendered
 * once as a JSON object and kept in a bounded cache. */
#ifndef PP_GEO_H
#define PP_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PP_GEO_MAX_DBS 4	/* MaxMind DB files */
#define PP_GEO_CACHE 16384	/* addresses kept (about 400 bytes each) */

/* An address, parsed. */
struct pp_addr {
	int family;		/* 4 or 6, 0 when not an address */
	uint8_t a[16];		/* network order (IPv4 in a[0..3]) */
};

/* Parse text into a; returns 0, or -1 when it is not an address. */
int pp_addr_parse(struct pp_addr *a, const char *text);

/* The special range a belongs to ("private", "loopback", ...), or NULL
 * for a public address.  IPv4-mapped IPv6 addresses are judged as IPv4. */
const char *pp_addr_special(const struct pp_addr *a);

/* Whether a can name a host, so that reverse DNS is worth asking: every
 * unicast address, private (LAN), shared (CGNAT: ISP-internal),
 * unique-local, link-local and loopback ones included; not multicast,
 * broadcast, unspecified, this-network, reserved or discard ones. */
bool pp_addr_named(const struct pp_addr *a);

/* One range of a range file. */
struct pp_geo_range4 {
	uint32_t start, end;	/* inclusive, host order */
	char cc[3];		/* country code */
};
struct pp_geo_range6 {
	uint8_t start[16], end[16];	/* inclusive */
	char cc[3];
};

/* The lookup tables.  Caller-provided storage. */
struct pp_geo {
	void *mmdb[PP_GEO_MAX_DBS];	/* MMDB_s (owned) */
	int nmmdb;
	struct pp_geo_range4 *r4;	/* sorted (owned) */
	size_t n4, a4;
	struct pp_geo_range6 *r6;	/* sorted (owned) */
	size_t n6, a6;
	/* Cache: open addressing on the address bytes, clock eviction. */
	struct pp_geo_entry {
		struct pp_addr addr;	/* key (family 0: empty) */
		char *json;	/* the rendered object (owned) */
		bool used;	/* clock bit */
	} *cache;
	size_t ncache;		/* slots (PP_GEO_CACHE * 2) */
	size_t hand;		/* clock hand */
	size_t held;		/* entries held */
	unsigned long hits, misses;	/* cache statistics */
};

/* Set up g (no databases yet).  Returns 0 or -1. */
int pp_geo_init(struct pp_geo *g);

/* Free everything. */
void pp_geo_release(struct pp_geo *g);

/* Open a MaxMind DB file and check it whole (every search-tree node,
 * every distinct data record).  Returns 0, or -1 with err set ("cannot
 * open ...", or "... is corrupt: ..."). */
int pp_geo_open_mmdb(struct pp_geo *g, const char *path, struct pp_error *err);

/* Load a range file (gzip or plain).  format: comma list of columns,
 * "start,end,cc" by default; "skip" ignores a column.  Columns are split
 * on commas or tabs; start and end are IP text or decimal IPv4 integers.
 * Lines starting with '#' and blank lines are skipped; a bad line is an
 * error (err says where).  Returns 0 or -1. */
int pp_geo_load_ranges(struct pp_geo *g, const char *path, const char *format,
    struct pp_error *err);

/* The JSON object for addr text: {"special":...} for special addresses,
 * {"cc":..,"country":..,"city":..,"lat":..,"lon":..,"asn":..,"as_org":..}
 * with what the tables know, {} when nothing.  NULL when text is not an
 * address.  Borrowed: valid until the next call. */
const char *pp_geo_lookup(struct pp_geo *g, const char *text);

#endif /* PP_GEO_H */
