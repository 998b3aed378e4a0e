/* SPDX-License-Identifier: BSD-2-Clause */
/* geo.c: address classes, MaxMind DB and range lookups (see geo.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "lib/geo.h"
#include "lib/input.h"
#include "lib/jsonw.h"

int
pp_addr_parse(struct pp_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->a) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->a) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

static bool
in4(const uint8_t *a, uint32_t net, int bits)
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (v & mask) == (net & mask);
}

static bool
in6(const uint8_t *a, const uint8_t *net, int bits)
{
	int whole = bits / 8;

	if (memcmp(a, net, (size_t)whole) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (a[whole] & mask) == (net[whole] & mask);
}

static const char *
special4(const uint8_t *a)
{
	static const struct {
		uint32_t net;
		int bits;
		const char *what;
	} t[] = {
		{ 0x00000000, 8, "this-network" },
		{ 0x0a000000, 8, "private" },
		{ 0x64400000, 10, "shared" },
		{ 0x7f000000, 8, "loopback" },
		{ 0xa9fe0000, 16, "link-local" },
		{ 0xac100000, 12, "private" },
		{ 0xc0000000, 24, "ietf-protocol" },
		{ 0xc0000200, 24, "documentation" },
		{ 0xc0a80000, 16, "private" },
		{ 0xc6120000, 15, "benchmarking" },
		{ 0xc6336400, 24, "documentation" },
		{ 0xcb007100, 24, "documentation" },
		{ 0xe0000000, 4, "multicast" },
		{ 0xffffffff, 32, "broadcast" },
		{ 0xf0000000, 4, "reserved" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (in4(a, t[i].net, t[i].bits))
			return t[i].what;
	return NULL;
}

const char *
pp_addr_special(const struct pp_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	static const struct {
		uint8_t net[16];
		int bits;
		const char *what;
	} t[] = {
		{ { 0 }, 128, "unspecified" },
		{ { [15] = 1 }, 128, "loopback" },
		{ { 0xfe, 0x80 }, 10, "link-local" },
		{ { 0xfc }, 7, "unique-local" },
		{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },
		{ { 0x20, 0x01, 0x00, 0x02 }, 48, "benchmarking" },
		{ { 0xff }, 8, "multicast" },
		{ { 0x01 }, 64, "discard" },
	};

	if (a->family == 4)
		return special4(a->a);
	if (a->family != 6)
		return NULL;
	if (memcmp(a->a, mapped, 12) == 0)
		return special4(a->a + 12);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (in6(a->a, t[i].net, t[i].bits))
			return t[i].what;
	return NULL;
}

bool
pp_addr_named(const struct pp_addr *a)
{
	static const char *const none[] = {
		"multicast", "broadcast", "unspecified", "this-network",
		"reserved", "discard",
	};
	const char *sp = pp_addr_special(a);

	if (a->family == 0)
		return false;
	for (size_t i = 0; sp != NULL && i < sizeof(none) / sizeof(none[0]);
	    i++)
		if (strcmp(sp, none[i]) == 0)
			return false;
	return true;
}

int
pp_geo_init(struct pp_geo *g)
{
	memset(g, 0, sizeof(*g));
	g->ncache = PP_GEO_CACHE * 2;
	g->cache = calloc(g->ncache, sizeof(*g->cache));
	return g->cache == NULL ? -1 : 0;
}

void
pp_geo_release(struct pp_geo *g)
{
	for (int i = 0; i < g->nmmdb; i++) {
		MMDB_close(g->mmdb[i]);
		free(g->mmdb[i]);
	}
	for (size_t i = 0; i < g->ncache; i++)
		free(g->cache[i].json);
	free(g->cache);
	free(g->r4);
	free(g->r6);
	memset(g, 0, sizeof(*g));
}

/* Check a MaxMind DB whole before trusting it: every search-tree record
 * must be a node, empty, or point into the data section, and every data
 * record a tree leads to (each distinct one once) must decode.  libmaxminddb
 * checks only the metadata at open; a broken tree or data section would
 * otherwise give empty answers, silently.  Returns 0, or -1 with err. */
static int
mm_verify(MMDB_s *db, const char *path, struct pp_error *err)
{
	uint32_t nodes = db->metadata.node_count;
	/* Distinct data offsets seen: open addressing, grown by doubling,
	 * at most two per node. */
	size_t cap = 1024;
	size_t used = 0;
	uint32_t *seen = calloc(cap, sizeof(*seen));
	int rc = 0;

	if (seen == NULL) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < nodes && rc == 0; i++) {
		MMDB_search_node_s node;
		int r = MMDB_read_node(db, i, &node);
		if (r != MMDB_SUCCESS) {
			pp_error_set(err, "MaxMind DB '%s' is corrupt: search "
			    "tree node %u: %s", path, i, MMDB_strerror(r));
			rc = -1;
			break;
		}
		uint8_t type[2] = { node.left_record_type,
		    node.right_record_type };
		MMDB_entry_s entry[2] = { node.left_record_entry,
		    node.right_record_entry };
		for (int k = 0; k < 2 && rc == 0; k++) {
			if (type[k] == MMDB_RECORD_TYPE_INVALID) {
				pp_error_set(err, "MaxMind DB '%s' is corrupt: "
				    "search tree node %u points outside the "
				    "file", path, i);
				rc = -1;
				break;
			}
			if (type[k] != MMDB_RECORD_TYPE_DATA)
				continue;
			uint32_t off = entry[k].offset;
			size_t h = (off * 2654435761u) & (cap - 1);
			while (seen[h] != 0 && seen[h] != off + 1)
				h = (h + 1) & (cap - 1);
			if (seen[h] == off + 1)
				continue;
			MMDB_entry_data_list_s *list = NULL;
			r = MMDB_get_entry_data_list(&entry[k], &list);
			MMDB_free_entry_data_list(list);
			if (r != MMDB_SUCCESS) {
				pp_error_set(err, "MaxMind DB '%s' is corrupt: "
				    "data record at %u: %s", path, off,
				    MMDB_strerror(r));
				rc = -1;
				break;
			}
			seen[h] = off + 1;
			if (++used * 2 < cap)
				continue;
			uint32_t *n = calloc(cap * 2, sizeof(*n));
			if (n == NULL) {
				pp_error_set(err, "out of memory");
				rc = -1;
				break;
			}
			for (size_t j = 0; j < cap; j++) {
				if (seen[j] == 0)
					continue;
				size_t g = ((seen[j] - 1) * 2654435761u) &
				    (cap * 2 - 1);
				while (n[g] != 0)
					g = (g + 1) & (cap * 2 - 1);
				n[g] = seen[j];
			}
			free(seen);
			seen = n;
			cap *= 2;
		}
	}
	free(seen);
	return rc;
}

int
pp_geo_open_mmdb(struct pp_geo *g, const char *path, struct pp_error *err)
{
	if (g->nmmdb == PP_GEO_MAX_DBS) {
		pp_error_set(err, "at most %d databases", PP_GEO_MAX_DBS);
		return -1;
	}
	MMDB_s *db = calloc(1, sizeof(*db));
	if (db == NULL) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	errno = 0;
	int rc = MMDB_open(path, MMDB_MODE_MMAP, db);
	if (rc != MMDB_SUCCESS) {
		bool sys = (rc == MMDB_IO_ERROR || rc == MMDB_FILE_OPEN_ERROR) &&
		    errno != 0;
		pp_error_set(err, "cannot open MaxMind DB '%s': %s%s%s", path,
		    MMDB_strerror(rc), sys ? ": " : "", sys ? strerror(errno) :
		    "");
		free(db);
		return -1;
	}
	if (mm_verify(db, path, err) == -1) {
		MMDB_close(db);
		free(db);
		return -1;
	}
	g->mmdb[g->nmmdb++] = db;
	return 0;
}

/* ---------------------------------------------------------- ranges */

static int
cmp_r4(const void *a, const void *b)
{
	const struct pp_geo_range4 *x = a;
	const struct pp_geo_range4 *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static int
cmp_r6(const void *a, const void *b)
{
	return memcmp(((const struct pp_geo_range6 *)a)->start,
	    ((const struct pp_geo_range6 *)b)->start, 16);
}

/* An endpoint: IP text or a decimal IPv4 integer. */
static int
endpoint(const char *s, struct pp_addr *a)
{
	char *end = NULL;

	if (pp_addr_parse(a, s) == 0)
		return 0;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v > 0xffffffffULL)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->a[0] = (uint8_t)(v >> 24);
	a->a[1] = (uint8_t)(v >> 16);
	a->a[2] = (uint8_t)(v >> 8);
	a->a[3] = (uint8_t)v;
	return 0;
}

int
pp_geo_load_ranges(struct pp_geo *g, const char *path, const char *format,
    struct pp_error *err)
{
	enum { C_SKIP, C_START, C_END, C_CC };
	int cols[16];
	int ncols = 0;
	char fmt[128];
	struct pp_reader rd;
	char *paths[1] = { (char *)(size_t)path };
	int status = 0;

	(void)snprintf(fmt, sizeof(fmt), "%s", format != NULL ? format :
	    "start,end,cc");
	for (char *tok = fmt, *next; tok != NULL && ncols < 16; tok = next) {
		next = strchr(tok, ',');
		if (next != NULL)
			*next++ = '\0';
		if (strcmp(tok, "start") == 0)
			cols[ncols++] = C_START;
		else if (strcmp(tok, "end") == 0)
			cols[ncols++] = C_END;
		else if (strcmp(tok, "cc") == 0)
			cols[ncols++] = C_CC;
		else if (strcmp(tok, "skip") == 0)
			cols[ncols++] = C_SKIP;
		else {
			pp_error_set(err, "range format: unknown column '%s' "
			    "(start, end, cc, skip)", tok);
			return -1;
		}
	}
	if (pp_reader_init(&rd, paths, 1, NULL) == -1) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	for (;;) {
		enum pp_read rr = pp_reader_next(&rd, err);
		if (rr == PP_READ_EOF)
			break;
		if (rr == PP_READ_NOTE)
			continue;	/* a byte order mark, skipped */
		if (rr != PP_READ_OK) {
			if (err->source == NULL)
				err->source = path;
			status = -1;
			break;
		}
		const char *line = rd.line;
		if (line[0] == '#')
			continue;
		char buf[256];
		(void)snprintf(buf, sizeof(buf), "%s", line);
		const char *start = NULL, *end = NULL, *cc = NULL;
		char *p = buf;
		for (int c = 0; c < ncols && p != NULL; c++) {
			char *f = p;
			p = strpbrk(p, ",\t");
			if (p != NULL)
				*p++ = '\0';
			if (cols[c] == C_START)
				start = f;
			else if (cols[c] == C_END)
				end = f;
			else if (cols[c] == C_CC)
				cc = f;
		}
		struct pp_addr s, e;
		if (start == NULL || end == NULL || cc == NULL ||
		    endpoint(start, &s) == -1 || endpoint(end, &e) == -1 ||
		    s.family != e.family) {
			err->source = path;
			err->line = rd.lineno;
			pp_error_set(err, "not a range line: %.60s", line);
			status = -1;
			break;
		}
		if (s.family == 4) {
			if (g->n4 == g->a4) {
				g->a4 = g->a4 ? g->a4 * 2 : 4096;
				struct pp_geo_range4 *n = realloc(g->r4,
				    g->a4 * sizeof(*n));
				if (n == NULL) {
					status = -1;
					pp_error_set(err, "out of memory");
					break;
				}
				g->r4 = n;
			}
			struct pp_geo_range4 *r = &g->r4[g->n4++];
			r->start = (uint32_t)s.a[0] << 24 | (uint32_t)s.a[1] <<
			    16 | (uint32_t)s.a[2] << 8 | s.a[3];
			r->end = (uint32_t)e.a[0] << 24 | (uint32_t)e.a[1] <<
			    16 | (uint32_t)e.a[2] << 8 | e.a[3];
			(void)snprintf(r->cc, sizeof(r->cc), "%.2s", cc);
		} else {
			if (g->n6 == g->a6) {
				g->a6 = g->a6 ? g->a6 * 2 : 4096;
				struct pp_geo_range6 *n = realloc(g->r6,
				    g->a6 * sizeof(*n));
				if (n == NULL) {
					status = -1;
					pp_error_set(err, "out of memory");
					break;
				}
				g->r6 = n;
			}
			struct pp_geo_range6 *r = &g->r6[g->n6++];
			memcpy(r->start, s.a, 16);
			memcpy(r->end, e.a, 16);
			(void)snprintf(r->cc, sizeof(r->cc), "%.2s", cc);
		}
	}
	pp_reader_release(&rd);
	if (g->n4 > 1)
		qsort(g->r4, g->n4, sizeof(*g->r4), cmp_r4);
	if (g->n6 > 1)
		qsort(g->r6, g->n6, sizeof(*g->r6), cmp_r6);
	return status;
}

/* The country code of a in the range tables, or NULL ("??" is unknown). */
static const char *
range_cc(const struct pp_geo *g, const struct pp_addr *a)
{
	const char *cc = NULL;

	if (a->family == 4 && g->n4 > 0) {
		uint32_t v = (uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 |
		    (uint32_t)a->a[2] << 8 | a->a[3];
		size_t lo = 0, hi = g->n4;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (g->r4[mid].start <= v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && g->r4[lo - 1].end >= v)
			cc = g->r4[lo - 1].cc;
	} else if (a->family == 6 && g->n6 > 0) {
		size_t lo = 0, hi = g->n6;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (memcmp(g->r6[mid].start, a->a, 16) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && memcmp(g->r6[lo - 1].end, a->a, 16) >= 0)
			cc = g->r6[lo - 1].cc;
	}
	if (cc != NULL && (strcmp(cc, "??") == 0 || cc[0] == '\0'))
		cc = NULL;
	return cc;
}

/* ---------------------------------------------------------- mmdb */

/* A string or number at a path of the entry; out empty when absent. */
static bool
mm_string(MMDB_entry_s *e, char *out, size_t size, const char *const *path)
{
	MMDB_entry_data_s d;

	out[0] = '\0';
	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	if (d.type == MMDB_DATA_TYPE_UTF8_STRING) {
		size_t n = d.data_size < size - 1 ? d.data_size : size - 1;
		memcpy(out, d.utf8_string, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static bool
mm_number(MMDB_entry_s *e, double *out, const char *const *path)
{
	MMDB_entry_data_s d;

	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	switch (d.type) {
	case MMDB_DATA_TYPE_DOUBLE:
		*out = d.double_value;
		return true;
	case MMDB_DATA_TYPE_FLOAT:
		*out = d.float_value;
		return true;
	case MMDB_DATA_TYPE_UINT16:
		*out = d.uint16;
		return true;
	case MMDB_DATA_TYPE_UINT32:
		*out = d.uint32;
		return true;
	case MMDB_DATA_TYPE_INT32:
		*out = d.int32;
		return true;
	case MMDB_DATA_TYPE_UINT64:
		*out = (double)d.uint64;
		return true;
	default:
		return false;
	}
}

struct found {
	char cc[8];
	char country[128];
	char city[128];
	double lat, lon;
	bool has_loc;
	long long asn;
	char as_org[192];
};

static void
mm_lookup(MMDB_s *db, const struct pp_addr *a, struct found *f)
{
	struct sockaddr_storage ss;
	int rc;

	memset(&ss, 0, sizeof(ss));
	if (a->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->a, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->a, 16);
	}
	MMDB_lookup_result_s res = MMDB_lookup_sockaddr(db,
	    (struct sockaddr *)&ss, &rc);
	if (rc != MMDB_SUCCESS || !res.found_entry)
		return;
	MMDB_entry_s *e = &res.entry;
	static const char *const p_cc[] = { "country", "iso_code", NULL };
	static const char *const p_cc2[] = { "country_code", NULL };
	static const char *const p_country[] = { "country", "names", "en",
	    NULL };
	static const char *const p_country2[] = { "country", NULL };
	static const char *const p_city[] = { "city", "names", "en", NULL };
	static const char *const p_lat[] = { "location", "latitude", NULL };
	static const char *const p_lon[] = { "location", "longitude", NULL };
	static const char *const p_asn[] = { "autonomous_system_number",
	    NULL };
	static const char *const p_asn2[] = { "asn", NULL };
	static const char *const p_org[] = { "autonomous_system_organization",
	    NULL };
	static const char *const p_org2[] = { "as_name", NULL };
	char tmp[192];
	double v;

	if (f->cc[0] == '\0' && !mm_string(e, f->cc, sizeof(f->cc), p_cc))
		(void)mm_string(e, f->cc, sizeof(f->cc), p_cc2);
	if (f->country[0] == '\0' && !mm_string(e, f->country,
	    sizeof(f->country), p_country))
		(void)mm_string(e, f->country, sizeof(f->country), p_country2);
	if (f->city[0] == '\0')
		(void)mm_string(e, f->city, sizeof(f->city), p_city);
	if (!f->has_loc && mm_number(e, &f->lat, p_lat) &&
	    mm_number(e, &f->lon, p_lon))
		f->has_loc = true;
	if (f->asn < 0) {
		if (mm_number(e, &v, p_asn))
			f->asn = (long long)v;
		else if (mm_string(e, tmp, sizeof(tmp), p_asn2))
			f->asn = strtoll(tmp + (tmp[0] == 'A' && tmp[1] == 'S' ?
			    2 : 0), NULL, 10);
	}
	if (f->as_org[0] == '\0' && !mm_string(e, f->as_org,
	    sizeof(f->as_org), p_org))
		(void)mm_string(e, f->as_org, sizeof(f->as_org), p_org2);
}

static char *
render(struct pp_geo *g, const struct pp_addr *a)
{
	struct pp_jw w;
	struct found f;
	const char *special = pp_addr_special(a);

	pp_jw_init(&w);
	pp_jw_obj_begin(&w);
	if (special != NULL) {
		pp_jw_kstr(&w, "special", special);
	} else {
		memset(&f, 0, sizeof(f));
		f.asn = -1;
		for (int i = 0; i < g->nmmdb; i++)
			mm_lookup(g->mmdb[i], a, &f);
		if (f.cc[0] == '\0') {
			const char *cc = range_cc(g, a);
			if (cc != NULL)
				(void)snprintf(f.cc, sizeof(f.cc), "%s", cc);
		}
		if (f.cc[0] != '\0')
			pp_jw_kstr(&w, "cc", f.cc);
		if (f.country[0] != '\0')
			pp_jw_kstr(&w, "country", f.country);
		if (f.city[0] != '\0')
			pp_jw_kstr(&w, "city", f.city);
		if (f.has_loc) {
			pp_jw_knum(&w, "lat", f.lat, 4);
			pp_jw_knum(&w, "lon", f.lon, 4);
		}
		if (f.asn >= 0)
			pp_jw_kint(&w, "asn", f.asn);
		if (f.as_org[0] != '\0')
			pp_jw_kstr(&w, "as_org", f.as_org);
	}
	pp_jw_obj_end(&w);
	char *out = w.oom ? NULL : malloc(w.len + 1);
	if (out != NULL) {
		memcpy(out, w.buf, w.len);
		out[w.len] = '\0';
	}
	pp_jw_release(&w);
	return out;
}

static size_t
addr_hash(const struct pp_addr *a)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)a->family;

	for (int i = 0; i < (a->family == 4 ? 4 : 16); i++)
		h = (h ^ a->a[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 31));
}

const char *
pp_geo_lookup(struct pp_geo *g, const char *text)
{
	struct pp_addr a;

	if (pp_addr_parse(&a, text) == -1)
		return NULL;
	size_t slot = addr_hash(&a) & (g->ncache - 1);
	while (g->cache[slot].addr.family != 0) {
		struct pp_geo_entry *e = &g->cache[slot];
		if (memcmp(&e->addr, &a, sizeof(a)) == 0) {
			e->used = true;
			g->hits++;
			return e->json;
		}
		slot = (slot + 1) & (g->ncache - 1);
	}
	g->misses++;
	char *json = render(g, &a);
	if (json == NULL)
		return "{}";
	if (g->held >= PP_GEO_CACHE) {
		/* Full: empty the table with a clock sweep, dropping entries
		 * not used since the last sweep (rebuilt without them). */
		struct pp_geo_entry *old = g->cache;
		struct pp_geo_entry *nc = calloc(g->ncache, sizeof(*nc));
		if (nc == NULL) {
			free(json);
			return "{}";
		}
		g->held = 0;
		for (size_t i = 0; i < g->ncache; i++) {
			if (old[i].addr.family == 0)
				continue;
			if (!old[i].used || g->held >= PP_GEO_CACHE / 2) {
				free(old[i].json);
				continue;
			}
			size_t s = addr_hash(&old[i].addr) & (g->ncache - 1);
			while (nc[s].addr.family != 0)
				s = (s + 1) & (g->ncache - 1);
			nc[s] = old[i];
			nc[s].used = false;
			g->held++;
		}
		free(old);
		g->cache = nc;
		slot = addr_hash(&a) & (g->ncache - 1);
		while (g->cache[slot].addr.family != 0)
			slot = (slot + 1) & (g->ncache - 1);
	}
	g->cache[slot].addr = a;
	g->cache[slot].json = json;
	g->cache[slot].used = true;
	g->held++;
	return json;
}
