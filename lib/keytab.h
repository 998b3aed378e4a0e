/* SPDX-License-Identifier: BSD-2-Clause */
/* keytab.h: the (vantage, target, hop) table every reader keys its
 * figures by
 * (lib/agg, lib/judge, lib/plot): a hash table from a key to a dense
 * index, open addressing with linear probing, kept at most half full and
 * doubled as keys come, with no cap but memory (and 2^32 - 1 keys).  The
 * caller keeps its figures in an array of its own, by index.
 *
 * A key is a vantage point (the caller's number for it, an interned name;
 * any one value when the caller keys its targets by vantage already), a
 * target (the caller's number for it: an interned name, a target index)
 * and a hop (ttl, 0 for plain probes; callers may use other values such
 * as -1 for a key of their own).
 *
 * Memory: 12 bytes per key (the array at most twice the keys) plus 4
 * bytes per slot (2 to 4 slots per key): at most 40 bytes per key. */
#ifndef PP_KEYTAB_H
#define PP_KEYTAB_H

#include <stdbool.h>
#include <stdint.h>

/* No index: not found, or memory ran short. */
#define PP_KEYTAB_NONE UINT32_MAX

/* A key. */
struct pp_key {
	uint32_t vantage;	/* the caller's vantage point number */
	uint32_t target;	/* the caller's target number */
	int32_t ttl;		/* hop, 0 for plain probes */
};

/* The table.  Caller-provided storage. */
struct pp_keytab {
	struct pp_key *keys;	/* by index (owned) */
	uint32_t n;		/* keys held */
	uint32_t alloc;		/* keys allocated */
	uint32_t *slots;	/* index + 1, 0 empty (owned) */
	uint32_t nslots;	/* slots, a power of two (0 before the first
				 * key) */
};

/* Set up t (allocates nothing). */
void pp_keytab_init(struct pp_keytab *t);

/* Free what t holds (not t) and set it up empty again. */
void pp_keytab_release(struct pp_keytab *t);

/* The index of (vantage, target, ttl), or PP_KEYTAB_NONE. */
uint32_t pp_keytab_find(const struct pp_keytab *t, uint32_t vantage,
    uint32_t target, int32_t ttl);

/* The index of (vantage, target, ttl), added when new (indices are given in order:
 * 0, 1, 2 ...; *added, when not NULL, says whether it was).  Returns
 * PP_KEYTAB_NONE with errno ENOMEM when memory ran short (t unchanged). */
uint32_t pp_keytab_add(struct pp_keytab *t, uint32_t vantage,
    uint32_t target, int32_t ttl, bool *added);

/* The key at index i (i < t->n). */
const struct pp_key *pp_keytab_key(const struct pp_keytab *t, uint32_t i);

#endif /* PP_KEYTAB_H */
