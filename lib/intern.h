/* SPDX-License-Identifier: BSD-2-Clause */
/* intern.h: a table of strings, each stored once and named by a small
 * integer id (targets, responder addresses). */
#ifndef PP_INTERN_H
#define PP_INTERN_H

#include <stdbool.h>
#include <stdint.h>

/* No id: the table is full or memory ran short. */
#define PP_INTERN_NONE UINT32_MAX

/* The table.  Caller-provided storage. */
struct pp_intern {
	char **names;		/* by id (owned) */
	uint32_t n;		/* in use */
	uint32_t alloc;		/* allocated */
	uint32_t *hash;		/* open addressing: id + 1, 0 empty */
	uint32_t hsize;		/* slots, a power of two */
	uint32_t max;		/* most strings kept */
	bool oom;		/* an allocation failed */
};

/* Set up t for at most max strings.  Returns 0 or -1 (ENOMEM). */
int pp_intern_init(struct pp_intern *t, uint32_t max);

/* Free everything (not t). */
void pp_intern_release(struct pp_intern *t);

/* The id of s, added when new; PP_INTERN_NONE when full (or t->oom). */
uint32_t pp_intern(struct pp_intern *t, const char *s);

/* As pp_intern, with h = pp_hash_str(s) (lib/util.h) already worked out
 * (0: not; worked out here). */
uint32_t pp_intern_hashed(struct pp_intern *t, const char *s, uint64_t h);

/* The id of s, or PP_INTERN_NONE when it is not in the table. */
uint32_t pp_intern_find(const struct pp_intern *t, const char *s);

/* The string of an id (borrowed), "?" for an unknown id. */
const char *pp_intern_name(const struct pp_intern *t, uint32_t id);

#endif /* PP_INTERN_H */
