/* SPDX-License-Identifier: BSD-2-Clause */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_evloop(void);

void
test_evloop(void)
{
	struct pp_evloop l;
	struct epoll_event ev[PP_EVLOOP_MAX];
	int sv[2];
	bool due;

	CHECK(pp_evloop_init(&l, false) == 0, "init");
	CHECK(pp_evloop_fd(&l) >= 0, "fd");
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
	CHECK(pp_evloop_add(&l, sv[0], EPOLLIN, 0x1234567890ULL) == 0, "add");
	CHECK(pp_evloop_poll(&l, ev, PP_EVLOOP_MAX) == 0, "nothing yet");
	/* An exact wait with nothing to read ends at its time, never
	 * before; the best of ten within 1 ms after it (the bound is loose:
	 * a loaded machine delays any one wake-up, not all ten). */
	long long best = -1;
	for (int k = 0; k < 10; k++) {
		long long now = pp_mono_ns();
		long long at = now + 2000000;
		int n = pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, now, at, true,
		    &due);
		long long end = pp_mono_ns();
		CHECK(n == 0 && due && end >= at, "exact wait %d timed out at "
		    "its time", k);
		if (best < 0 || end - at < best)
			best = end - at;
	}
	CHECK(best >= 0 && best < 1000000, "exact waits: best %lld ns late",
	    best);
	/* Exact times closer than PP_EVLOOP_DENSE: blocked for, never
	 * spun (the spin count stays), still due at their time.  The first
	 * is judged by its distance from the last wait above (more than
	 * PP_EVLOOP_DENSE on a loaded machine): the count starts after it. */
	unsigned long spins = l.pace.spins;
	long long at = pp_mono_ns() + 100000;
	bool ok = true;
	for (int k = 0; k < 21; k++, at += 100000) {
		long long t = pp_mono_ns();
		ok = ok && pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, t, at, true,
		    &due) == 0 && due && pp_mono_ns() >= at;
		if (k == 0)
			spins = l.pace.spins;
	}
	CHECK(ok && l.dense && l.pace.spins == spins, "dense: %lu spins",
	    l.pace.spins - spins);
	/* A plain wait returns at its time, not due. */
	long long now = pp_mono_ns();
	CHECK(pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, now, now + 1000000, false,
	    &due) == 0 && !due && pp_mono_ns() >= now + 1000000, "plain wait");
	/* Events come with their tag, before the time. */
	CHECK(write(sv[1], "x", 1) == 1, "write");
	now = pp_mono_ns();
	int n = pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, now, now + 1000000000LL,
	    true, &due);
	CHECK(n == 1 && !due && ev[0].data.u64 == 0x1234567890ULL &&
	    pp_mono_ns() - now < 500000000LL, "event and tag");
	CHECK(pp_evloop_poll(&l, ev, PP_EVLOOP_MAX) == 1, "still ready");
	CHECK(pp_evloop_mod(&l, sv[0], EPOLLIN, 7) == 0 &&
	    pp_evloop_poll(&l, ev, PP_EVLOOP_MAX) == 1 && ev[0].data.u64 == 7,
	    "mod changes the tag");
	CHECK(pp_evloop_del(&l, sv[0]) == 0 &&
	    pp_evloop_poll(&l, ev, PP_EVLOOP_MAX) == 0, "del");
	CHECK(pp_evloop_add(&l, -1, EPOLLIN, 0) == -1 && errno == EBADF,
	    "a bad descriptor is an error");
	close(sv[0]);
	close(sv[1]);
	pp_evloop_release(&l);
	CHECK(l.ep == -1, "released");

	/* Coalescing: a short wait for the caller's time sleeps through an
	 * event and returns it at the time, due; a longer one is woken by
	 * it. */
	CHECK(pp_evloop_init(&l, true) == 0, "init lax");
	l.coalesce = true;
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
	CHECK(pp_evloop_add(&l, sv[0], EPOLLIN, 9) == 0, "add");
	CHECK(write(sv[1], "x", 1) == 1, "write");
	now = pp_mono_ns();
	n = pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, now, now +
	    PP_EVLOOP_COALESCE / 2, true, &due);
	CHECK(n == 1 && due && ev[0].data.u64 == 9 && pp_mono_ns() >= now +
	    PP_EVLOOP_COALESCE / 2, "lax: a short wait ends at its time, "
	    "with the event");
	now = pp_mono_ns();
	n = pp_evloop_wait(&l, ev, PP_EVLOOP_MAX, now, now + 2000000000LL,
	    true, &due);
	CHECK(n == 1 && !due && pp_mono_ns() - now < 1000000000LL,
	    "lax: a long wait ends at the event");
	close(sv[0]);
	close(sv[1]);
	pp_evloop_release(&l);
}
