/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "lib/intern.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_intern(void);

void
test_intern(void)
{
	/* The one string hash (FNV-1a 64, folded): known values. */
	static const struct {
		const char *s;
		uint64_t h;
	} hashes[] = {
		{ "", 0x14650fb0d0b57e00ULL },
		{ "a", 0x44bd8ad65621cfa5ULL },
		{ "pp-lab", 0x4be8ae2b476d8961ULL },
	};
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		CHECK(pp_hash_str(hashes[i].s) == hashes[i].h,
		    "hash of '%s': %#llx", hashes[i].s,
		    (unsigned long long)pp_hash_str(hashes[i].s));

	/* Ids in order of arrival, each string once, through several
	 * doublings of the table; then full at max. */
	struct pp_intern t;
	CHECK(pp_intern_init(&t, 1000) == 0, "init");
	char name[32];
	for (uint32_t i = 0; i < 1000; i++) {
		(void)snprintf(name, sizeof(name), "198.18.%u.%u", i / 256,
		    i % 256);
		CHECK(pp_intern_find(&t, name) == PP_INTERN_NONE,
		    "%s absent before", name);
		CHECK(pp_intern(&t, name) == i, "id of %s", name);
	}
	for (uint32_t i = 0; i < 1000; i++) {
		(void)snprintf(name, sizeof(name), "198.18.%u.%u", i / 256,
		    i % 256);
		CHECK(pp_intern(&t, name) == i, "id of %s again", name);
		CHECK(pp_intern_find(&t, name) == i, "find %s", name);
		CHECK(strcmp(pp_intern_name(&t, i), name) == 0, "name %u", i);
	}
	CHECK(pp_intern(&t, "one more") == PP_INTERN_NONE, "full");
	CHECK(pp_intern_find(&t, "one more") == PP_INTERN_NONE, "not kept");
	CHECK(strcmp(pp_intern_name(&t, 1000), "?") == 0, "unknown id");
	CHECK(!t.oom, "no oom");
	pp_intern_release(&t);
}
