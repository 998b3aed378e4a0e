/* SPDX-License-Identifier: BSD-2-Clause */
/* runsum.h: what a prober says of its run when it ends, beside each
 * target's counts, as Network Connection Monitor's session summary does:
 * how long the run lasted, the target's outages and the longest of them.
 * Outages are lib/agg's (its outage rule, at its destination), from the
 * records the prober wrote, with pp-stats' default thresholds: the same
 * outages pp-stats finds in the run's records.
 *
 * Memory: an aggregator of the run's probes (see agg.h: one accumulator
 * per target and hop) and 40 bytes per target. */
#ifndef PP_RUNSUM_H
#define PP_RUNSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/agg.h"
#include "lib/intern.h"
#include "lib/outcome.h"
#include "lib/record.h"

#define PP_RUNSUM_LOSS 30.0	/* %: pp-stats' --outage-loss default */
#define PP_RUNSUM_MIN 3.0	/* s: pp-stats' --outage-min default */

/* One target's outages. */
struct pp_runsum_target {
	unsigned long outages;	/* how many */
	double longest;		/* the longest, s (0: none) */
	double longest_start;	/* when it began, epoch s */
	bool longest_ongoing;	/* it was still on when the run ended */
	/* The destination's ICMP rate limit, as pp-stats finds it in the
	 * run's records (lib/agg): */
	uint64_t limited;	/* unanswered probes it explains (0: none) */
	uint64_t unanswered;	/* the destination's unanswered probes */
	double period;		/* s per answer */
};

/* The summary being gathered.  Caller-provided storage. */
struct pp_runsum {
	struct pp_agg agg;	/* the run's probes */
	struct pp_intern names;	/* targets with outages -> index */
	struct pp_runsum_target *t;	/* by index (owned) */
	uint32_t alloc;		/* allocated in t */
	bool oom;		/* memory ran short: outages may be missing */
};

/* Set up rs: probes wait up to horizon s for older ones (the probe
 * timeout and a second, as pp-stats waits), outcomes as o says (NULL:
 * defaults).  Returns 0, or -1 (ENOMEM). */
int pp_runsum_init(struct pp_runsum *rs, double horizon,
    const struct pp_outcome_opts *o);

/* Free what rs holds (not rs). */
void pp_runsum_release(struct pp_runsum *rs);

/* One probe record the prober wrote. */
void pp_runsum_probe(struct pp_runsum *rs, const struct pp_probe *p);

/* The run ended: outages still open end (ongoing). */
void pp_runsum_finish(struct pp_runsum *rs);

/* A line for target (after pp_runsum_finish): "run 12.3 s, no outage
 * (loss >= 30% for >= 3 s)", or "run 1m 05s, 2 outages (...), the
 * longest 4.500 s from 2026-12-03T14:03:12Z"; seconds: how long the run
 * lasted.  Into buf (NUL-terminated); returns what snprintf returns.  The
 * target's name is not written. */
int pp_runsum_text(const struct pp_runsum *rs, const char *target,
    double seconds, char *buf, size_t size);

/* When the target's destination rate-limits its ICMP answers (UDP's port
 * unreachable, a trace's), the line pp-stats' table has under its row,
 * "(rate limit)  13 of 13 unanswered: ICMP limit 1 per 2 s, not loss",
 * into buf (after pp_runsum_finish); returns its length, or 0 (buf
 * empty) when no limit explains its loss. */
int pp_runsum_limit_text(const struct pp_runsum *rs, const char *target,
    char *buf, size_t size);

#endif /* PP_RUNSUM_H */
