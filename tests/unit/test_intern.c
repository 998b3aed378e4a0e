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
		/* With its hash worked out before (a decoding thread's), or
		 * 0 (not worked out): the same id. */
		CHECK(pp_intern_hashed(&t, name, pp_hash_str(name)) == i,
		    "id of %s, hashed before", name);
		CHECK(pp_intern_hashed(&t, name, 0) == i, "id of %s, hash 0",
		    name);
		CHECK(pp_intern_find(&t, name) == i, "find %s", name);
		CHECK(strcmp(pp_intern_name(&t, i), name) == 0, "name %u", i);
	}
	CHECK(pp_intern(&t, "one more") == PP_INTERN_NONE, "full");
	CHECK(pp_intern_hashed(&t, "one more", pp_hash_str("one more")) ==
	    PP_INTERN_NONE, "full, hashed before");
	CHECK(pp_intern_find(&t, "one more") == PP_INTERN_NONE, "not kept");
	CHECK(strcmp(pp_intern_name(&t, 1000), "?") == 0, "unknown id");
	CHECK(!t.oom, "no oom");
	pp_intern_release(&t);
}
