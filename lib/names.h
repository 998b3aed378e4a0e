/* SPDX-License-Identifier: BSD-2-Clause */
/* names.h: what the records say about an address, for tables: its
 * reverse DNS name (pp-geo --rdns: "from_host") and its AS number
 * (pp-geo --asn-db: "from_geo":{"asn":...}).  The last word for an
 * address wins.  Bounded: at most PP_NAMES_MAX addresses (later ones are
 * not kept, and counted). */
#ifndef PP_NAMES_H
#define PP_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/intern.h"
#include "lib/record.h"

#define PP_NAMES_MAX 65536	/* addresses kept */

/* The table.  Caller-provided storage. */
struct pp_names {
	struct pp_intern addrs;	/* address text -> id */
	char **host;		/* by id: its name (owned), NULL none */
	uint32_t *asn;		/* by id: its AS number, 0 none */
	uint32_t alloc;		/* entries allocated in host and asn */
	unsigned long dropped;	/* addresses not kept (full) */
	bool have_host;		/* a probe record named its responder
				 * (pp_names_note_probe) */
	bool have_asn;		/* one gave its responder's AS number */
	bool oom;		/* memory ran short */
};

/* Set up n (allocates nothing).  Returns 0, or -1 (ENOMEM). */
int pp_names_init(struct pp_names *n);

/* Free what n holds (not n). */
void pp_names_release(struct pp_names *n);

/* Note addr's name (NULL: leave as is) and AS number (0: leave as is). */
void pp_names_set(struct pp_names *n, const char *addr, const char *host,
    uint32_t asn);

/* Note what a decoded record says about its address fields: for each of
 * "from", "dst" and "addr" that is a string, "F_host" (a string) and
 * "F_geo"'s "asn" (a number).  o: the record's object (borrowed). */
void pp_names_note_json(struct pp_names *n, const json_t *o);

/* Note what probe record rec says about its addresses (as
 * pp_names_note_json), decoding its object only when it has a responder
 * and its line (NUL-terminated: lib/input.h) holds a key ending in
 * "_host" or "_geo".  Sets have_host when it names its responder
 * ("from_host"), have_asn when it gives the responder's AS number
 * ("from_geo"'s "asn"). */
void pp_names_note_probe(struct pp_names *n, struct pp_record *rec);

/* addr's name, or NULL (borrowed: valid until the next call on n). */
const char *pp_names_host(const struct pp_names *n, const char *addr);

/* addr's AS number, or 0. */
uint32_t pp_names_asn(const struct pp_names *n, const char *addr);

#endif /* PP_NAMES_H */
