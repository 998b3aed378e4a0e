/* SPDX-License-Identifier: BSD-2-Clause */
/* keytab.c: the (vantage, target, hop) table (see keytab.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/keytab.h"

void
pp_keytab_init(struct pp_keytab *t)
{
	memset(t, 0, sizeof(*t));
}

void
pp_keytab_release(struct pp_keytab *t)
{
	free(t->keys);
	free(t->slots);
	pp_keytab_init(t);
}

/* Every member of the key, mixed (a 64-bit multiply-xorshift). */
static uint32_t
key_hash(uint32_t vantage, uint32_t target, int32_t ttl)
{
	uint64_t h = ((uint64_t)target << 32) | (uint32_t)ttl;

	h ^= (uint64_t)vantage * 0xd6e8feb86659fd93ULL;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static bool
key_eq(const struct pp_key *k, uint32_t vantage, uint32_t target,
    int32_t ttl)
{
	return k->target == target && k->ttl == ttl && k->vantage == vantage;
}

uint32_t
pp_keytab_find(const struct pp_keytab *t, uint32_t vantage, uint32_t target,
    int32_t ttl)
{
	if (t->nslots == 0)
		return PP_KEYTAB_NONE;
	uint32_t mask = t->nslots - 1;
	uint32_t s = key_hash(vantage, target, ttl) & mask;
	while (t->slots[s] != 0) {
		uint32_t i = t->slots[s] - 1;
		if (key_eq(&t->keys[i], vantage, target, ttl))
			return i;
		s = (s + 1) & mask;
	}
	return PP_KEYTAB_NONE;
}

/* Double the slots (or make the first 64), placing every key again. */
static int
grow_slots(struct pp_keytab *t)
{
	uint32_t n = t->nslots != 0 ? t->nslots * 2 : 64;

	if (n == 0 || n > UINT32_MAX / 2) {
		errno = ENOMEM;
		return -1;
	}
	uint32_t *ns = calloc(n, sizeof(*ns));
	if (ns == NULL)
		return -1;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t s = key_hash(t->keys[i].vantage, t->keys[i].target,
		    t->keys[i].ttl) & (n - 1);
		while (ns[s] != 0)
			s = (s + 1) & (n - 1);
		ns[s] = i + 1;
	}
	free(t->slots);
	t->slots = ns;
	t->nslots = n;
	return 0;
}

uint32_t
pp_keytab_add(struct pp_keytab *t, uint32_t vantage, uint32_t target,
    int32_t ttl, bool *added)
{
	uint32_t i = pp_keytab_find(t, vantage, target, ttl);

	if (added != NULL)
		*added = false;
	if (i != PP_KEYTAB_NONE)
		return i;
	if (t->n == PP_KEYTAB_NONE - 1) {
		errno = ENOMEM;
		return PP_KEYTAB_NONE;
	}
	if (((uint64_t)t->n + 1) * 2 > t->nslots && grow_slots(t) == -1)
		return PP_KEYTAB_NONE;
	if (t->n == t->alloc) {
		uint32_t na = t->alloc != 0 ? t->alloc * 2 : 64;
		if (na < t->alloc)
			na = PP_KEYTAB_NONE;
		struct pp_key *nk = realloc(t->keys, (size_t)na *
		    sizeof(*nk));
		if (nk == NULL)
			return PP_KEYTAB_NONE;
		t->keys = nk;
		t->alloc = na;
	}
	uint32_t mask = t->nslots - 1;
	uint32_t s = key_hash(vantage, target, ttl) & mask;
	while (t->slots[s] != 0)
		s = (s + 1) & mask;
	i = t->n++;
	t->keys[i].vantage = vantage;
	t->keys[i].target = target;
	t->keys[i].ttl = ttl;
	t->slots[s] = i + 1;
	if (added != NULL)
		*added = true;
	return i;
}

const struct pp_key *
pp_keytab_key(const struct pp_keytab *t, uint32_t i)
{
	return &t->keys[i];
}
