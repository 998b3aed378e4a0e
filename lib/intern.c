/* SPDX-License-Identifier: BSD-2-Clause */
/* intern.c: the string table (see intern.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h ^ (h >> 15);
}

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

uint32_t
pp_intern_find(const struct pp_intern *t, const char *s)
{
	uint32_t slot = hash_str(s) & (t->hsize - 1);

	while (t->hash[slot] != 0) {
		uint32_t id = t->hash[slot] - 1;
		if (strcmp(t->names[id], s) == 0)
			return id;
		slot = (slot + 1) & (t->hsize - 1);
	}
	return PP_INTERN_NONE;
}

uint32_t
pp_intern(struct pp_intern *t, const char *s)
{
	uint32_t slot = hash_str(s) & (t->hsize - 1);

	while (t->hash[slot] != 0) {
		uint32_t id = t->hash[slot] - 1;
		if (strcmp(t->names[id], s) == 0)
			return id;
		slot = (slot + 1) & (t->hsize - 1);
	}
	if (t->n >= t->max)
		return PP_INTERN_NONE;
	if ((t->n + 1) * 2 > t->hsize) {
		uint32_t nsize = t->hsize * 2;
		uint32_t *nh = calloc(nsize, sizeof(*nh));
		if (nh == NULL) {
			t->oom = true;
			return PP_INTERN_NONE;
		}
		for (uint32_t i = 0; i < t->n; i++) {
			uint32_t k = hash_str(t->names[i]) & (nsize - 1);
			while (nh[k] != 0)
				k = (k + 1) & (nsize - 1);
			nh[k] = i + 1;
		}
		free(t->hash);
		t->hash = nh;
		t->hsize = nsize;
		slot = hash_str(s) & (nsize - 1);
		while (t->hash[slot] != 0)
			slot = (slot + 1) & (nsize - 1);
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
