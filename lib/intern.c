/* SPDX-License-Identifier: BSD-2-Clause */
/* intern.c: the string table (see intern.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "lib/util.h"

int
pp_intern_init(struct pp_intern *t, uint32_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	t->hsize = 1024;
	t->hash = calloc(t->hsize, sizeof(*t->hash));
	if (t->hash == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
pp_intern_release(struct pp_intern *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

const char *
pp_intern_name(const struct pp_intern *t, uint32_t id)
{
	return id < t->n ? t->names[id] : "?";
}

/* The slot of s in the table h of size slots (a power of two) over
 * t's names: where s is, or the empty slot where it would go. */
static uint32_t
slot_of(const struct pp_intern *t, const uint32_t *h, uint32_t size,
    const char *s, uint64_t hash)
{
	uint32_t slot = (uint32_t)hash & (size - 1);

	while (h[slot] != 0 && strcmp(t->names[h[slot] - 1], s) != 0)
		slot = (slot + 1) & (size - 1);
	return slot;
}

uint32_t
pp_intern_find(const struct pp_intern *t, const char *s)
{
	uint32_t slot = slot_of(t, t->hash, t->hsize, s, pp_hash_str(s));

	return t->hash[slot] != 0 ? t->hash[slot] - 1 : PP_INTERN_NONE;
}

uint32_t
pp_intern(struct pp_intern *t, const char *s)
{
	return pp_intern_hashed(t, s, pp_hash_str(s));
}

uint32_t
pp_intern_hashed(struct pp_intern *t, const char *s, uint64_t h)
{
	if (h == 0)
		h = pp_hash_str(s);
	uint32_t slot = slot_of(t, t->hash, t->hsize, s, h);

	if (t->hash[slot] != 0)
		return t->hash[slot] - 1;
	if (t->n >= t->max)
		return PP_INTERN_NONE;
	if ((t->n + 1) * 2 > t->hsize) {
		uint32_t nsize = t->hsize * 2;
		uint32_t *nh = calloc(nsize, sizeof(*nh));
		if (nh == NULL) {
			t->oom = true;
			return PP_INTERN_NONE;
		}
		/* The names are distinct: each finds an empty slot. */
		for (uint32_t i = 0; i < t->n; i++)
			nh[slot_of(t, nh, nsize, t->names[i],
			    pp_hash_str(t->names[i]))] = i + 1;
		free(t->hash);
		t->hash = nh;
		t->hsize = nsize;
		slot = slot_of(t, nh, nsize, s, h);
	}
	if (t->n == t->alloc) {
		uint32_t na = t->alloc != 0 ? t->alloc * 2 : 64;
		char **nn = realloc(t->names, na * sizeof(*nn));
		if (nn == NULL) {
			t->oom = true;
			return PP_INTERN_NONE;
		}
		t->names = nn;
		t->alloc = na;
	}
	char *copy = strdup(s);
	if (copy == NULL) {
		t->oom = true;
		return PP_INTERN_NONE;
	}
	t->names[t->n] = copy;
	t->hash[slot] = t->n + 1;
	return t->n++;
}
