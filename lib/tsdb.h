/* SPDX-License-Identifier: BSD-2-Clause */
/* tsdb.h: line protocol on its way to a time-series database (InfluxDB
 * 1.x /write, VictoriaMetrics /write, anything taking line protocol over
 * HTTP POST), through a spool directory, so that a database that is down
 * or restarting loses nothing.
 *
 * Every batch (pp-stats: the lines of the windows closed by one record)
 * is first written to the spool as a file of its own, atomically
 * (lib/atomic: a reader never sees a part), named by a sequence number
 * ("00000000000000000042.lp"), then sent oldest first, one POST a batch,
 * and removed once the server answered 2xx.  A batch the server refuses
 * for its content (400, 413, 422) would be refused again: it is renamed
 * "N.rejected" and kept for inspection, never resent.  Anything else (no
 * connection, a timeout, 5xx, 401, 403, 404, 408, 429) keeps it in the
 * spool and retries after a delay that doubles from backoff_min up to
 * backoff_max; a success resets it.  Batches are never reordered or
 * merged, so each window is sent once unless the server died after
 * storing it and before answering (then twice: InfluxDB overwrites the
 * point, VictoriaMetrics keeps both unless run with
 * -dedup.minScrapeInterval).
 *
 * The spool is bounded: a batch that would take it past spool_max bytes
 * is not written (pp_tsdb_add fails with ENOSPC and counts it in
 * `refused`); what is already spooled is kept.  A spool left by an
 * earlier run is taken up and sent first.  One process at a time uses a
 * spool (an flock on DIR/.lock).
 *
 * The sender (pp_tsdb_send, pp_tsdb_ship, pp_tsdb_drain) runs the spool
 * on the monotonic clock and says what a command tells its user through
 * o.report: the first failure of a run of them, the recovery, every
 * rejected batch, a full spool (once until a batch is kept again), and
 * at the end what was left or lost.  The messages name pp-stats' options
 * (--spool-max).
 *
 * Memory: 16 bytes per spooled batch plus one batch while it is sent. */
#ifndef PP_TSDB_H
#define PP_TSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/http.h"

/* Settings. */
struct pp_tsdb_opts {
	const char *url;	/* the write URL (http://...) */
	const char *spool;	/* the spool directory (created, mode 0700,
				 * when missing) */
	unsigned long long spool_max;	/* bytes the spool may hold */
	int timeout_ms;		/* per request, ms */
	double backoff_min;	/* first retry delay, s */
	double backoff_max;	/* longest retry delay, s */
	void (*report)(void *arg, const char *msg);
				/* the sender's messages, one line each
				 * without a newline (borrowed for the
				 * call); NULL: none */
	void *arg;		/* report's first argument */
};

/* What one pp_tsdb_pump did. */
enum pp_tsdb_event {
	PP_TSDB_IDLE,		/* nothing due */
	PP_TSDB_SENT,		/* the oldest batch was taken and removed */
	PP_TSDB_FAILED,		/* the server did not take it: kept, retry
				 * after t->backoff (t->err says why) */
	PP_TSDB_REJECTED,	/* the server refused its content: renamed
				 * N.rejected (t->err says why) */
	PP_TSDB_IOERR		/* the spool file could not be read or
				 * removed (t->err; errno) */
};

/* A spool and its sender.  Caller-provided storage. */
struct pp_tsdb {
	struct pp_tsdb_opts o;	/* settings (strings borrowed) */
	struct pp_url url;	/* parsed o.url */
	int dirfd;		/* the spool directory, -1 closed */
	int lockfd;		/* DIR/.lock, flocked; -1 closed */
	uint64_t *seq;		/* spooled batches, oldest first (a ring;
				 * owned) */
	uint64_t *size;		/* their sizes, bytes (owned) */
	size_t head;		/* index of the oldest in the ring */
	size_t n;		/* batches spooled */
	size_t cap;		/* ring slots */
	uint64_t next_seq;	/* number of the next batch */
	unsigned long long bytes;	/* bytes spooled */
	double next_try;	/* earliest next attempt, monotonic s */
	double backoff;		/* current retry delay, s (0: none) */
	bool failing;		/* the last attempt failed */
	double fail_since;	/* monotonic s of the first failure of this
				 * run of failures */
	unsigned long long sent;	/* batches taken by the server */
	unsigned long long sent_bytes;	/* their bytes */
	unsigned long long failures;	/* attempts that failed */
	unsigned long long rejected;	/* batches set aside */
	unsigned long long refused;	/* batches not spooled: full */
	unsigned long long refused_bytes;	/* their bytes */
	unsigned long long resumed;	/* batches found from an earlier run */
	int last_status;	/* HTTP status of the last answer, 0 none */
	bool said_failing;	/* failing, as of the last attempt said */
	bool said_full;		/* the spool being full was said (since the
				 * last batch kept) */
	char err[300];		/* why the last attempt failed */
};

/* Open the spool (creating the directory when missing), lock it and take
 * up the batches an earlier run left.  Returns 0, or -1 with err->msg
 * (bad URL, "in use by another process", the directory's errno). */
int pp_tsdb_open(struct pp_tsdb *t, const struct pp_tsdb_opts *o,
    struct pp_error *err);

/* Spool buf[0..len-1] as the newest batch (nothing for len 0).  Returns
 * 0, or -1 with errno: ENOSPC when it would take the spool past
 * spool_max (not written; counted in refused), else the write's error. */
int pp_tsdb_add(struct pp_tsdb *t, const void *buf, size_t len);

/* Whether a batch is spooled and may be tried at monotonic time now. */
bool pp_tsdb_due(const struct pp_tsdb *t, double now);

/* Try the oldest batch once, if due at now (monotonic s).  Returns what
 * happened. */
enum pp_tsdb_event pp_tsdb_pump(struct pp_tsdb *t, double now);

/* The sender's clock: monotonic, s. */
double pp_tsdb_clock(void);

/* Send what is due, oldest first, until an attempt fails (the clock read
 * before each); report as above. */
void pp_tsdb_send(struct pp_tsdb *t);

/* Spool buf[0..len-1] as the newest batch (nothing for len 0), then
 * pp_tsdb_send.  A batch the full spool refuses is reported (once until
 * one is kept again) and counted in refused.  Returns 0, or -1 with
 * errno when the spool could not be written (nothing sent then). */
int pp_tsdb_ship(struct pp_tsdb *t, const void *buf, size_t len);

/* The end of a run: send until the spool is empty or the clock reaches
 * deadline (pp_tsdb_clock's s), sleeping until each retry is due; report
 * the batches left in the spool and those a full spool refused.  Returns
 * 0, or -1 when batches are left, were refused or were rejected. */
int pp_tsdb_drain(struct pp_tsdb *t, double deadline);

/* Unlock and close the spool (the files stay); frees what t holds. */
void pp_tsdb_close(struct pp_tsdb *t);

#endif /* PP_TSDB_H */
