/* SPDX-License-Identifier: BSD-2-Clause */
/* export_test.h: what the unit tests of lib/export, lib/export_influx
 * and lib/export_prom share: a buffer's text as a string, and a stats
 * window made of a few figures. */
#ifndef PP_EXPORT_TEST_H
#define PP_EXPORT_TEST_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lib/export.h"
#include "lib/model.h"

/* x's text as a string (at most 8191 bytes; valid until the next
 * call). */
static inline const char *
text_of(struct pp_export *x)
{
	static char out[8192];
	size_t n = x->len < sizeof(out) - 1 ? x->len : sizeof(out) - 1;

	if (n > 0)
		memcpy(out, x->buf, n);
	out[n] = '\0';
	return out;
}

/* A window of target (hop ttl, responder addr) from start, 60 s long:
 * sent probes, recv answered around avg ms (no RTT figure when none
 * was). */
static inline struct pp_stats_rec
stats_of(const char *target, int ttl, const char *addr, double start,
    uint64_t sent, uint64_t recv, double avg)
{
	struct pp_stats_rec s;

	pp_stats_rec_init(&s);
	s.target = target;
	s.ttl = ttl;
	s.addr = addr;
	s.start = start;
	s.end = start + 60;
	s.sent = sent;
	s.recv = recv;
	s.loss = sent > 0 ? 100.0 * (double)(sent - recv) / (double)sent :
	    NAN;
	s.fwd_loss = ttl > 0 ? 0.0 : NAN;
	s.last = avg;
	s.min = avg - 1;
	s.avg = avg;
	s.max = avg + 1;
	s.stdev = recv > 1 ? 0.5 : NAN;
	s.p50 = avg;
	s.p90 = avg + 0.5;
	s.p95 = avg + 0.75;
	s.p99 = avg + 0.9;
	s.jitter = 0.25;
	s.jmax = 1.5;
	s.jint = 0.125;
	if (recv == 0) {
		s.last = s.min = s.avg = s.max = s.stdev = NAN;
		s.p50 = s.p90 = s.p95 = s.p99 = NAN;
		s.jitter = s.jmax = s.jint = NAN;
	}
	return s;
}

#endif /* PP_EXPORT_TEST_H */
