/* SPDX-License-Identifier: BSD-2-Clause */
/* names.c: names and AS numbers of addresses (see names.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/names.h"

int
pp_names_init(struct pp_names *n)
{
	memset(n, 0, sizeof(*n));
	if (pp_intern_init(&n->addrs, PP_NAMES_MAX) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_names_release(struct pp_names *n)
{
	for (uint32_t i = 0; i < n->addrs.n && i < n->alloc; i++)
		free(n->host[i]);
	free(n->host);
	free(n->asn);
	pp_intern_release(&n->addrs);
	memset(n, 0, sizeof(*n));
}

/* Room for id in the arrays; false when memory ran short. */
static bool
room(struct pp_names *n, uint32_t id)
{
	if (id < n->alloc)
		return true;
	uint32_t na = n->alloc != 0 ? n->alloc : 64;
	while (na <= id)
		na *= 2;
	char **h = realloc(n->host, na * sizeof(*h));
	if (h == NULL)
		return false;
	n->host = h;
	uint32_t *a = realloc(n->asn, na * sizeof(*a));
	if (a == NULL)
		return false;
	n->asn = a;
	memset(h + n->alloc, 0, (na - n->alloc) * sizeof(*h));
	memset(a + n->alloc, 0, (na - n->alloc) * sizeof(*a));
	n->alloc = na;
	return true;
}

void
pp_names_set(struct pp_names *n, const char *addr, const char *host,
    uint32_t asn)
{
	if (addr == NULL || (host == NULL && asn == 0))
		return;
	uint32_t id = pp_intern(&n->addrs, addr);
	if (id == PP_INTERN_NONE) {
		n->oom = n->oom || n->addrs.oom;
		n->dropped++;
		return;
	}
	if (!room(n, id)) {
		n->oom = true;
		return;
	}
	if (host != NULL && (n->host[id] == NULL ||
	    strcmp(n->host[id], host) != 0)) {
		char *c = strdup(host);
		if (c == NULL) {
			n->oom = true;
		} else {
			free(n->host[id]);
			n->host[id] = c;
		}
	}
	if (asn != 0)
		n->asn[id] = asn;
}

void
pp_names_note_json(struct pp_names *n, const json_t *o)
{
	static const char *const fields[][3] = {
		{ "from", "from_host", "from_geo" },
		{ "dst", "dst_host", "dst_geo" },
		{ "addr", "addr_host", "addr_geo" },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const json_t *a = json_object_get(o, fields[i][0]);
		if (!json_is_string(a))
			continue;
		const json_t *h = json_object_get(o, fields[i][1]);
		const json_t *g = json_object_get(o, fields[i][2]);
		const json_t *asn = json_is_object(g) ? json_object_get(g,
		    "asn") : NULL;
		json_int_t v = json_is_integer(asn) ? json_integer_value(asn) :
		    0;
		pp_names_set(n, json_string_value(a), json_is_string(h) ?
		    json_string_value(h) : NULL, v > 0 && v <= UINT32_MAX ?
		    (uint32_t)v : 0);
	}
}

const char *
pp_names_host(const struct pp_names *n, const char *addr)
{
	uint32_t id = addr != NULL ? pp_intern_find(&n->addrs, addr) :
	    PP_INTERN_NONE;

	return id != PP_INTERN_NONE && id < n->alloc ? n->host[id] : NULL;
}

uint32_t
pp_names_asn(const struct pp_names *n, const char *addr)
{
	uint32_t id = addr != NULL ? pp_intern_find(&n->addrs, addr) :
	    PP_INTERN_NONE;

	return id != PP_INTERN_NONE && id < n->alloc ? n->asn[id] : 0;
}

void
pp_names_note_probe(struct pp_names *n, struct pp_record *rec)
{
	if (rec->probe.from == NULL || (strstr(rec->line, "_host\"") ==
	    NULL && strstr(rec->line, "_geo\"") == NULL))
		return;
	json_t *o = pp_record_json(rec, NULL);
	if (o == NULL)
		return;
	pp_names_note_json(n, o);
	n->have_host = n->have_host || json_object_get(o, "from_host") !=
	    NULL;
	json_t *g = json_object_get(o, "from_geo");
	n->have_asn = n->have_asn || (json_is_object(g) &&
	    json_object_get(g, "asn") != NULL);
}
