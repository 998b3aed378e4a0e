/* SPDX-License-Identifier: BSD-2-Clause */
/* merge.h: pp-stats --merge: stats records that carry their "parts"
 * (lib/model.h, pp-records(5)) combined into one record per (vantage
 * point, target, hop) and window, as one pass over their probes gives it.
 *
 * A record goes to the window its start falls in (every > 0: windows of
 * that many seconds, aligned to the epoch; 0: one window, the input), and
 * must fit in it: a record that spans two windows cannot be split and is
 * counted apart (spans).  Within a row: sent, recv, loss, min, max, the
 * responders' and unreachables' counts add exactly; mean and stdev by
 * Chan et al.'s formula (to the last printed digit); percentiles from the
 * sketch's buckets added (as one pass gives them: the same buckets).
 * Records of one vantage point and target that come in time order join
 * across their seam as one pass (jitter, RFC 3550 J, loss runs and
 * BurstR's pairs, last: lib/stats.h pp_stats_merge); a record out of
 * order, or of another vantage point (vantage set: all as one), adds its
 * own samples only (seams, counted).  Forwarding loss adds the records'
 * fwd_sent and fwd_lost (each worked out over its own window), its
 * interval from the sums; rate_limited adds, rate_limit is the slowest.
 *
 * Memory: every row is held to the end of input (rows are written once,
 * in order of window, then first appearance): about 1 KiB a row plus 8
 * bytes a sketch bucket (at most 16 KiB), and the names; no other limit. */
#ifndef PP_MERGE_H
#define PP_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/error.h"
#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/model.h"
#include "lib/stats.h"

/* Settings. */
struct pp_merge_opts {
	double every;		/* window, s; 0: one window, the input */
	const char *vantage;	/* every vantage point merged as this one
				 * (borrowed), NULL: kept apart */
};

/* A row: one (vantage point, target, hop) and window. */
struct pp_merge_row {
	uint32_t key;		/* index of its (vantage, target, hop) */
	long long win;		/* window index (0 without windows) */
	double start;		/* earliest start of its records, s */
	double end;		/* latest end, s */
	uint32_t vantage;	/* last record's vantage id, UINT32_MAX none */
	long long fwd_sent;	/* forwarding loss: probes, -1 none given */
	long long fwd_lost;	/* of which lost */
	uint64_t rate_limited;	/* losses a rate limit explains */
	double rate_limit;	/* the slowest limit, s per answer, NAN */
	struct pp_stats st;	/* the figures */
};

/* A (vantage point, target, hop). */
struct pp_merge_key {
	uint32_t vantage;	/* interned, UINT32_MAX unknown */
	uint32_t target;	/* interned */
	int ttl;		/* hop, 0 plain */
};

/* The merge.  Caller-provided storage. */
struct pp_merge {
	struct pp_merge_opts o;	/* settings */
	struct pp_intern names;	/* vantage points, targets, addresses */
	struct pp_merge_key *keys;	/* owned */
	uint32_t nkeys;		/* in use */
	uint32_t akeys;		/* allocated */
	struct pp_keytab kmap;	/* (vantage, target, ttl) -> key */
	struct pp_merge_row *rows;	/* owned */
	uint32_t nrows;		/* in use */
	uint32_t arows;		/* allocated */
	struct pp_keytab rmap;	/* (key, window low, high) -> row */
	uint64_t merged;	/* records merged */
	uint64_t no_parts;	/* stats records without parts (skipped) */
	uint64_t other_version;	/* with parts of another version */
	int version_seen;	/* one such version */
	uint64_t spans;		/* records spanning two windows (skipped) */
	uint64_t seams;		/* records joined out of order or from
				 * another vantage point */
	bool oom;		/* memory ran short */
};

/* Set up m.  Returns 0, or -1 (ENOMEM). */
int pp_merge_init(struct pp_merge *m, const struct pp_merge_opts *o);

/* Free m's memory (not m). */
void pp_merge_release(struct pp_merge *m);

/* Take stats record o (its object: lib/record.h pp_record_json).
 * Returns 0 (merged, or counted apart as above), or -1: the record is
 * bad (err set; nothing merged) or memory ran short (m->oom). */
int pp_merge_add(struct pp_merge *m, json_t *o, struct pp_error *err);

/* Every row, in order of window, then of first appearance: fn gets its
 * record (strings borrowed from m, parts set), valid during the call, and
 * the row's key index (for a series identity). */
void pp_merge_finish(struct pp_merge *m, void (*fn)(void *arg,
    const struct pp_stats_rec *r, uint32_t key), void *arg);

#endif /* PP_MERGE_H */
