/* SPDX-License-Identifier: BSD-2-Clause */
/* enrich.h: pp-geo's change to a record.  Each address field F of the
 * record's top level (from, dst, addr) is followed by "F_geo", its
 * lib/geo.h object, and with reverse DNS by "F_host", its name, put before
 * the record's closing brace; the rest of the line goes out as it came.  A
 * field that already has its F_geo is not looked up again (pp-geo run
 * twice adds nothing), a value that is not an address gets nothing, and a
 * record that gets nothing (or a line that does not end with '}') is
 * written as it came.
 *
 * Without reverse DNS every record is written at once
 * (pp_enricher_add).  With it, records wait in a queue, IN INPUT ORDER,
 * until the names of the one at its head are known (lib/rdns.h: answered,
 * or given up); pp_enricher_drain writes what can go.  Memory: at most
 * PP_ENRICH_QUEUE records waiting (copies of their lines and geo
 * objects): when it is full the caller waits for answers
 * (pp_enricher_full). */
#ifndef PP_ENRICH_H
#define PP_ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/jsonw.h"
#include "lib/record.h"

struct pp_geo;
struct pp_rdns;

#define PP_ENRICH_FIELDS 3	/* from, dst, addr */
#define PP_ENRICH_QUEUE 4096	/* records waiting for reverse DNS, at most */

/* Field i's name: "from", "dst" or "addr". */
const char *pp_enrich_field(int i);

/* The fields of rec to look up: addr[i] the text of field i (borrowed
 * from rec), NULL when absent or already followed by its F_geo; *keep the
 * bytes of the line before its closing brace (trailing blanks left out).
 * Returns how many addr[] are set: 0 also when the line does not end with
 * '}' (it goes out as it came). */
int pp_enrich_fields(struct pp_record *rec,
    const char *addr[PP_ENRICH_FIELDS], size_t *keep);

/* Write line[0..keep-1], then for each field i with geo[i]:
 * ,"F_geo":GEO and, when host and host[i] are not NULL, ,"F_host":"NAME"
 * (escaped with w, scratch), then "}\n".  Returns 0, or -1 on a write
 * error. */
int pp_enrich_write(FILE *f, const char *line, size_t keep,
    const char *const geo[PP_ENRICH_FIELDS],
    const char *const host[PP_ENRICH_FIELDS], struct pp_jw *w);

/* A record waiting for its names. */
struct pp_enrich_item {
	char *line;		/* the line, without its closing brace when
				 * enriched (owned) */
	size_t len;		/* its bytes */
	char *geo[PP_ENRICH_FIELDS];	/* geo objects, NULL none (owned) */
	char *addr[PP_ENRICH_FIELDS];	/* addresses to name, NULL none
					 * (owned) */
	bool passthrough;	/* written as it came */
};

/* The enrichment of a stream of records, written to out in input order.
 * Caller-provided storage (large: keep it static or on the heap). */
struct pp_enricher {
	struct pp_geo *g;	/* the databases (borrowed) */
	struct pp_rdns *rdns;	/* names, NULL none (borrowed) */
	FILE *out;		/* where records go */
	bool io_error;		/* a write to out failed */
	struct pp_jw w;		/* scratch */
	struct pp_enrich_item q[PP_ENRICH_QUEUE];	/* the queue (ring) */
	int head;		/* its first record */
	int len;		/* records in it */
};

void pp_enricher_init(struct pp_enricher *e, struct pp_geo *g,
    struct pp_rdns *rdns, FILE *out);

/* Enrich rec and write it, or with reverse DNS queue it (asking for the
 * names of the addresses lib/geo.h says are named: private and shared
 * ones too) and write what can go.  With reverse DNS the queue must not
 * be full (pp_enricher_full): wait for answers first. */
void pp_enricher_add(struct pp_enricher *e, struct pp_record *rec);

/* Whether the queue is full. */
bool pp_enricher_full(const struct pp_enricher *e);

/* Records waiting. */
int pp_enricher_waiting(const struct pp_enricher *e);

/* Write every record at the head whose names are known. */
void pp_enricher_drain(struct pp_enricher *e);

/* Free what is queued (written or not) and the scratch. */
void pp_enricher_release(struct pp_enricher *e);

#endif
