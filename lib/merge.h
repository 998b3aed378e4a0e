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
 * interval from the sums, when they rest on the same hop (fwd_ttl: this
 * one or the same later one); records resting on different hops give no
 * forwarding loss (a sum of two hops' is neither's; counted, fwd_mixed).
 * rate_limited adds, rate_limit is the slowest.
 *
 * Rows are written once, as soon as they can no longer change: with
 * windows (every > 0) and vantage points kept apart, a vantage point's
 * rows of window w when a record of that vantage point starts in window
 * w + 2 or later (one window of skew allowed between its files or
 * records); the rest at pp_merge_finish().  Each batch is written in
 * order of window, then first appearance: a vantage point's records in
 * time order give the rows in the order one pass over them holds to the
 * end.  A record of a window its vantage point has already written is
 * counted apart (late), never merged into a row written before.
 *
 * pp_merge_record takes every record of a --merge input: meta records
 * give the input's source settings (and the outage join's pause), stats
 * and outage records are merged, probe records counted apart;
 * pp_merge_report says through o.report what was not merged.
 *
 * Memory: the open rows, about 1.3 KiB each plus 8 bytes a sketch bucket
 * (at most 16 KiB): with windows and vantage points kept apart, those of
 * two windows per vantage point (the keys a window has, twice); else
 * every row, to the end of input.  Plus 24 bytes a (vantage point,
 * target, hop) and the names; no other limit. */
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
#include "lib/record.h"
#include "lib/stats.h"
#include "lib/winset.h"

struct pp_outage_rec;
struct pp_stats_rec;

/* Settings. */
struct pp_merge_opts {
	double every;		/* window, s; 0: one window, the input */
	const char *vantage;	/* every vantage point merged as this one
				 * (borrowed), NULL: kept apart */
	void (*row)(void *arg, const struct pp_stats_rec *r, uint32_t key);
				/* a row written: its record (strings
				 * borrowed from the merge, parts set), valid
				 * during the call, and its key index (a
				 * series identity) */
	void *arg;		/* row's first argument */
	double gap;		/* outages: the longest pause between two
				 * parts' probes of one path, s (1.5 probe
				 * intervals); 0: outages are not joined */
	void (*outage)(void *arg, const struct pp_outage_rec *r,
	    const char *line, size_t len);
				/* an outage record to write: line (len
				 * bytes) as it came when not NULL, else r
				 * (joined; strings borrowed, valid during the
				 * call) */
	void (*report)(void *arg, const char *msg);
				/* pp_merge_report's messages, one line each
				 * without a newline (borrowed for the
				 * call); NULL: none */
};

/* An outage held: its part ended inside it (see pp_merge_outage). */
struct pp_merge_held {
	struct pp_outage_rec rec;	/* its figures (strings interned) */
	char *line;		/* its text as it came (owned), NULL: joined */
	size_t len;		/* its length */
};

/* A row: one (vantage point, target, hop) and window. */
struct pp_merge_row {
	uint32_t key;		/* index of its (vantage, target, hop) */
	long long win;		/* window index (0 without windows) */
	double start;		/* earliest start of its records, s */
	double end;		/* latest end, s */
	uint32_t vantage;	/* last record's vantage id, UINT32_MAX none */
	uint64_t seq;		/* order of first appearance */
	uint32_t knext;		/* the key's next open row, UINT32_MAX end */
	long long fwd_sent;	/* forwarding loss: probes, -1 none given */
	long long fwd_lost;	/* of which lost */
	int fwd_ttl;		/* the hop they rest on (0: this one), -1
				 * records' hops differ */
	uint64_t rate_limited;	/* losses a rate limit explains */
	double rate_limit;	/* the slowest limit, s per answer, NAN */
	struct pp_stats st;	/* the figures */
};

/* A (vantage point, target, hop). */
struct pp_merge_key {
	uint32_t vantage;	/* interned, UINT32_MAX unknown */
	uint32_t target;	/* interned */
	int ttl;		/* hop, 0 plain */
	uint32_t open;		/* its first open row, UINT32_MAX none */
	uint32_t held;		/* its outage held, UINT32_MAX none */
	uint32_t clock;		/* its vantage point's clock (index) */
	long long last_win;	/* the latest window written of it,
				 * LLONG_MIN none */
};

/* A vantage point's time (rows written as it passes). */
struct pp_merge_clock {
	long long newest;	/* window of its newest record */
	long long written;	/* its windows up to this one are written,
				 * those that had rows */
	struct pp_winset done;	/* the windows it wrote rows of */
	uint32_t *open;		/* its open rows, first appearance first
				 * (owned) */
	uint32_t nopen;		/* in use */
	uint32_t aopen;		/* allocated */
};

/* The merge.  Caller-provided storage. */
struct pp_merge {
	struct pp_merge_opts o;	/* settings */
	struct pp_intern names;	/* vantage points, targets, addresses */
	struct pp_merge_key *keys;	/* owned */
	uint32_t nkeys;		/* in use */
	uint32_t akeys;		/* allocated */
	struct pp_keytab kmap;	/* (vantage, target, ttl) -> key */
	struct pp_merge_row *rows;	/* owned; open rows and free ones */
	uint32_t nrows;		/* slots made */
	uint32_t arows;		/* allocated */
	uint32_t free;		/* first free slot (knext chains them),
				 * UINT32_MAX none */
	uint64_t seq;		/* rows made */
	struct pp_merge_clock *clocks;	/* owned */
	uint32_t nclocks;	/* in use */
	uint32_t aclocks;	/* allocated */
	struct pp_keytab cmap;	/* (vantage, 0, 0) -> clock */
	struct pp_merge_held *held;	/* outages held (owned) */
	uint32_t nheld;		/* slots in use or freed */
	uint32_t hfree;		/* first freed slot (their len chains
				 * them), UINT32_MAX none */
	uint32_t aheld;		/* allocated */
	uint64_t joined;	/* outage records joined to an earlier one */
	uint64_t merged;	/* records merged */
	uint64_t no_parts;	/* stats records without parts (skipped) */
	uint64_t other_version;	/* with parts of another version */
	int version_seen;	/* one such version */
	uint64_t spans;		/* records spanning two windows (skipped) */
	uint64_t late;		/* records of a window already written
				 * (skipped) */
	uint64_t seams;		/* records joined out of order or from
				 * another vantage point */
	uint64_t fwd_mixed;	/* rows written without forwarding loss:
				 * their records rested on different hops */
	uint64_t probes;	/* probe records given (not merged) */
	uint64_t bad;		/* bad stats and outage records given */
	json_t *source;		/* the source settings of the first input
				 * meta record that had settings (owned),
				 * NULL none */
	bool oom;		/* memory ran short */
};

/* Set up m.  Returns 0, or -1 (ENOMEM). */
int pp_merge_init(struct pp_merge *m, const struct pp_merge_opts *o);

/* Free m's memory (not m). */
void pp_merge_release(struct pp_merge *m);

/* Take stats record o (its object: lib/record.h pp_record_json), and
 * write (o->row) the rows it closes.
 * Returns 0 (merged, or counted apart as above), or -1: the record is
 * bad (err set; nothing merged) or memory ran short (m->oom). */
int pp_merge_add(struct pp_merge *m, json_t *o, struct pp_error *err);

/* Take outage record o (its object), line[0..len-1] its text.  An
 * outage that is "ongoing" (the input of the pp-stats that wrote it
 * ended inside it) is held, per (vantage point, target, hop), until that
 * path's next outage record: when it starts after the held one's end,
 * within o->gap seconds (the next part began inside the outage), the
 * two are one outage, as one pass over the parts' probes reports it
 * (the first's start, the second's end and ongoing, sent and recv
 * added; held again while ongoing); else the held one is written as it
 * came.  Others are written (o->outage) at once.  Memory: one outage a
 * path at most.  Returns 0, or -1 (bad record: err set, nothing held;
 * or m->oom). */
int pp_merge_outage(struct pp_merge *m, json_t *o, const char *line,
    size_t len, struct pp_error *err);

/* Take rec, a record of the input: a meta record's settings (the first
 * that has them: their "source" object when there is one, else
 * themselves) become m->source, and its source's interval sets o.gap to
 * 1.5 times it; a stats record goes to pp_merge_add, an outage record
 * (only with outages, else ignored) to pp_merge_outage; a probe record is
 * counted (probes); others are ignored.  Returns 0, or -1: a bad stats or
 * outage record (err set, its line left to the caller; counted in bad),
 * or memory ran short (m->oom). */
int pp_merge_record(struct pp_merge *m, struct pp_record *rec,
    bool outages, struct pp_error *err);

/* Say (o.report) what was not merged: probe records, stats records
 * without parts, of another parts version, spanning two windows, late,
 * bad; rows written without forwarding loss; records joined out of time
 * order (when vantage points are kept apart).  One message each, with
 * its count, naming pp-stats' options; nothing when all was merged. */
void pp_merge_report(const struct pp_merge *m);

/* Write (o->row) every row still open, in order of window, then of first
 * appearance; then (o->outage) every outage still held. */
void pp_merge_finish(struct pp_merge *m);

#endif /* PP_MERGE_H */
