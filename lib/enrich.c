/* SPDX-License-Identifier: BSD-2-Clause */
/* enrich.c: pp-geo's change to a record (see enrich.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/cli.h"
#include "lib/enrich.h"
#include "lib/geo.h"
#include "lib/rdns.h"
#include "lib/util.h"

static const char *const field_names[PP_ENRICH_FIELDS] = {
	"from", "dst", "addr"
};

const char *
pp_enrich_field(int i)
{
	return i >= 0 && i < PP_ENRICH_FIELDS ? field_names[i] : NULL;
}

/* An address field's text, or NULL. */
static const char *
field(struct pp_record *rec, int i)
{
	if (rec->type == PP_REC_PROBE) {
		if (i == 0)
			return rec->probe.from;
		if (i == 1)
			return rec->probe.dst;
	}
	char key[16];
	(void)snprintf(key, sizeof(key), "\"%s\"", field_names[i]);
	if (rec->type == PP_REC_PROBE || strstr(rec->line, key) == NULL)
		return NULL;
	json_t *o = pp_record_json(rec, NULL);
	json_t *v = o != NULL ? json_object_get(o, field_names[i]) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
pp_enrich_fields(struct pp_record *rec, const char *addr[PP_ENRICH_FIELDS],
    size_t *keep)
{
	size_t n = rec->len;
	int any = 0;

	for (int i = 0; i < PP_ENRICH_FIELDS; i++)
		addr[i] = NULL;
	while (n > 0 && (rec->line[n - 1] == ' ' || rec->line[n - 1] == '\t'))
		n--;
	*keep = n > 0 ? n - 1 : 0;
	if (n == 0 || rec->line[n - 1] != '}')
		return 0;
	/* Most lines carry no F_geo: one scan says so. */
	bool enriched = memchr(rec->line, '_', rec->len) != NULL &&
	    strstr(rec->line, "_geo\"") != NULL;
	for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
		const char *a = field(rec, i);
		if (a == NULL)
			continue;
		if (enriched) {
			char already[24];
			(void)snprintf(already, sizeof(already), "\"%s_geo\"",
			    field_names[i]);
			if (strstr(rec->line, already) != NULL)
				continue;
		}
		addr[i] = a;
		any++;
	}
	return any;
}

static void
put(FILE *f, const char *s, size_t n, bool *bad)
{
	if (n > 0 && fwrite(s, 1, n, f) != n)
		*bad = true;
}

/* ,"F_geo":GEO and, with a name, ,"F_host":"NAME". */
static void
put_field(FILE *f, int i, const char *geo, const char *host,
    struct pp_jw *w, bool *bad)
{
	char key[16];
	int n = snprintf(key, sizeof(key), ",\"%s_geo\":", field_names[i]);
	put(f, key, (size_t)n, bad);
	put(f, geo, strlen(geo), bad);
	if (host == NULL)
		return;
	pp_jw_reset(w);
	pp_jw_str(w, host);
	n = snprintf(key, sizeof(key), ",\"%s_host\":", field_names[i]);
	put(f, key, (size_t)n, bad);
	put(f, w->buf, w->len, bad);
}

int
pp_enrich_write(FILE *f, const char *line, size_t keep,
    const char *const geo[PP_ENRICH_FIELDS],
    const char *const host[PP_ENRICH_FIELDS], struct pp_jw *w)
{
	bool bad = false;

	put(f, line, keep, &bad);
	for (int i = 0; i < PP_ENRICH_FIELDS; i++)
		if (geo[i] != NULL)
			put_field(f, i, geo[i], host != NULL ? host[i] : NULL,
			    w, &bad);
	put(f, "}\n", 2, &bad);
	return bad ? -1 : 0;
}

void
pp_enricher_init(struct pp_enricher *e, struct pp_geo *g,
    struct pp_rdns *rdns, FILE *out)
{
	e->g = g;
	e->rdns = rdns;
	e->out = out;
	e->io_error = false;
	pp_jw_init(&e->w);
	memset(e->q, 0, sizeof(e->q));
	e->head = 0;
	e->len = 0;
}

/* Without reverse DNS nothing waits: enrich and write at once, no
 * copies but of the geo objects. */
static void
add_direct(struct pp_enricher *e, struct pp_record *rec)
{
	const char *addr[PP_ENRICH_FIELDS];
	const char *geo[PP_ENRICH_FIELDS] = { NULL, NULL, NULL };
	char copy[PP_ENRICH_FIELDS][1024];
	size_t keep;
	bool any = false;

	if (pp_enrich_fields(rec, addr, &keep) > 0) {
		for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
			if (addr[i] == NULL)
				continue;
			/* Borrowed until the next lookup, which may sweep
			 * the cache: keep a copy. */
			const char *g = pp_geo_lookup(e->g, addr[i]);
			if (g == NULL)
				continue;	/* not an address */
			size_t gl = strlen(g);
			if (gl >= sizeof(copy[i]))
				continue;	/* cannot happen: bounded */
			memcpy(copy[i], g, gl + 1);
			geo[i] = copy[i];
			any = true;
		}
	}
	if (!any) {
		put(e->out, rec->line, rec->len, &e->io_error);
		put(e->out, "\n", 1, &e->io_error);
		return;
	}
	if (pp_enrich_write(e->out, rec->line, keep, geo, NULL, &e->w) == -1)
		e->io_error = true;
}

/* Whether every name of item p is known. */
static bool
ready(struct pp_enricher *e, const struct pp_enrich_item *p)
{
	if (p->passthrough)
		return true;
	for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
		const char *name;
		if (p->addr[i] != NULL && pp_rdns_lookup(e->rdns, p->addr[i],
		    &name) != PP_RDNS_DONE)
			return false;
	}
	return true;
}

static void
item_free(struct pp_enrich_item *p)
{
	free(p->line);
	for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
		free(p->geo[i]);
		free(p->addr[i]);
	}
	memset(p, 0, sizeof(*p));
}

static void
write_item(struct pp_enricher *e, const struct pp_enrich_item *p)
{
	put(e->out, p->line, p->len, &e->io_error);
	if (p->passthrough) {
		put(e->out, "\n", 1, &e->io_error);
		return;
	}
	for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
		if (p->geo[i] == NULL)
			continue;
		/* Each name looked up as its field is written: a lookup
		 * may evict the name before it from a full cache. */
		const char *name = NULL;
		if (p->addr[i] != NULL && (pp_rdns_lookup(e->rdns, p->addr[i],
		    &name) != PP_RDNS_DONE))
			name = NULL;
		put_field(e->out, i, p->geo[i], name, &e->w, &e->io_error);
	}
	put(e->out, "}\n", 2, &e->io_error);
}

void
pp_enricher_drain(struct pp_enricher *e)
{
	while (e->len > 0 && ready(e, &e->q[e->head])) {
		write_item(e, &e->q[e->head]);
		item_free(&e->q[e->head]);
		e->head = (e->head + 1) % PP_ENRICH_QUEUE;
		e->len--;
	}
}

void
pp_enricher_add(struct pp_enricher *e, struct pp_record *rec)
{
	if (e->rdns == NULL) {
		add_direct(e, rec);
		return;
	}
	struct pp_enrich_item *p =
	    &e->q[(e->head + e->len) % PP_ENRICH_QUEUE];
	const char *addr[PP_ENRICH_FIELDS];
	size_t keep;
	bool any = false;

	memset(p, 0, sizeof(*p));
	if (pp_enrich_fields(rec, addr, &keep) > 0) {
		for (int i = 0; i < PP_ENRICH_FIELDS; i++) {
			if (addr[i] == NULL)
				continue;
			const char *geo = pp_geo_lookup(e->g, addr[i]);
			if (geo == NULL)
				continue;	/* not an address */
			p->geo[i] = pp_xstrdup(geo);
			/* Private and shared (CGNAT) addresses too: LAN and
			 * ISP-internal names. */
			struct pp_addr pa;
			if (pp_addr_parse(&pa, addr[i]) == 0 &&
			    pp_addr_named(&pa)) {
				const char *name;
				p->addr[i] = pp_xstrdup(addr[i]);
				(void)pp_rdns_lookup(e->rdns, addr[i], &name);
			}
			any = true;
		}
	}
	p->passthrough = !any;
	p->len = any ? keep : rec->len;
	p->line = pp_xmalloc(p->len + 1);
	memcpy(p->line, rec->line, p->len);
	e->len++;
	pp_enricher_drain(e);
}

bool
pp_enricher_full(const struct pp_enricher *e)
{
	return e->len == PP_ENRICH_QUEUE;
}

int
pp_enricher_waiting(const struct pp_enricher *e)
{
	return e->len;
}

void
pp_enricher_release(struct pp_enricher *e)
{
	while (e->len > 0) {
		item_free(&e->q[e->head]);
		e->head = (e->head + 1) % PP_ENRICH_QUEUE;
		e->len--;
	}
	pp_jw_release(&e->w);
}
