/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "lib/rxdrops.h"
#include "tests/unit/check.h"

void test_rxdrops(void);

#define MS 1000000LL
#define S 1000000000LL

void
test_rxdrops(void)
{
	struct pp_rxdrops d;
	struct pp_dropwins w;

	memset(&w, 0, sizeof(w));
	/* What the kernel dropped before the start is not counted. */
	pp_rxdrops_init(&d, 5, 10 * S);
	CHECK(pp_rxdrops_seen(&d, &w, 5, 10 * S + 2 * MS, 10 * S + 3 * MS) ==
	    0 && w.n == 0, "no rise: nothing");
	CHECK(d.known == 10 * S + 2 * MS, "known up to the datagram's stamp");
	/* A rise: dropped after the datagram before (less the slack) and by
	 * the time this one was read. */
	CHECK(pp_rxdrops_seen(&d, &w, 8, 10 * S + 5 * MS, 10 * S + 9 * MS) ==
	    3, "three dropped");
	CHECK(w.n == 1 && w.from[0] == 10 * S + 2 * MS - PP_DROP_SLACK &&
	    w.to[0] == 10 * S + 9 * MS, "the stretch: %lld %lld",
	    w.from[0], w.to[0]);
	CHECK(pp_dropwins_hit(&w, 10 * S, 10 * S + 1 * MS), "a probe inside");
	CHECK(pp_dropwins_hit(&w, 9 * S, 10 * S - 50 * MS), "one that ended "
	    "in the slack");
	CHECK(!pp_dropwins_hit(&w, 11 * S, 12 * S), "one after");
	CHECK(!pp_dropwins_hit(&w, 8 * S, 9 * S), "one before");
	/* A stamp older than the known time does not move it back. */
	(void)pp_rxdrops_seen(&d, &w, 8, 10 * S, 10 * S + 10 * MS);
	CHECK(d.known == 10 * S + 5 * MS, "known does not go back");
	/* The counter wraps as unsigned. */
	pp_rxdrops_init(&d, 0xfffffffeu, 20 * S);
	CHECK(pp_rxdrops_seen(&d, &w, 1, 20 * S + MS, 20 * S + MS) == 3,
	    "wrapped: three");
	CHECK(w.n == 2, "a second stretch, far from the first");
	/* Close stretches are one. */
	pp_dropwins_add(&w, 20 * S + MS + PP_DROPWINS_JOIN, 20 * S + 5 * MS);
	CHECK(w.n == 2 && w.to[1] == 20 * S + 5 * MS, "joined");
	/* Full: the two oldest become one, nothing is forgotten. */
	memset(&w, 0, sizeof(w));
	for (int k = 0; k < PP_DROPWINS + 3; k++)
		pp_dropwins_add(&w, k * S, k * S + MS);
	CHECK(w.n == PP_DROPWINS, "bounded: %d", w.n);
	CHECK(w.from[0] == 0 && w.to[0] == 3 * S + MS, "oldest joined: %lld",
	    w.to[0]);
	for (int k = 0; k < PP_DROPWINS + 3; k++)
		CHECK(pp_dropwins_hit(&w, k * S, k * S), "stretch %d kept", k);
	CHECK(w.from[PP_DROPWINS - 1] == (PP_DROPWINS + 2) * S, "newest last");
}
