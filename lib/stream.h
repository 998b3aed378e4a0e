/* SPDX-License-Identifier: BSD-2-Clause */
/* stream.h: the input loop every filter runs: operands read in order,
 * each line decoded into a record, bad lines reported (the first few in
 * full, then a count) and skipped, unreadable operands reported and
 * skipped, output flushed whenever the input would block.  This is
 * command-support code: it prints diagnostics on stderr (like cli.h). */
#ifndef PP_STREAM_H
#define PP_STREAM_H

#include <stdbool.h>

#include "lib/input.h"
#include "lib/record.h"
#include "lib/trange.h"

/* Bad lines printed in full before only a count is kept. */
#define PP_BADLINES_SHOWN 10

/* A batch of lines decoded by one worker thread: at most this many
 * lines, and lines are added while it holds fewer bytes than
 * PP_BATCH_BYTES. */
#define PP_BATCH_LINES 1024
#define PP_BATCH_BYTES (256 * 1024)

/* Worker threads at most (more hardly helps: the consumer's own work,
 * one thread, bounds the speed). */
#define PP_STREAM_WORKERS 15

/* Batches of lines decoded ahead by worker threads (stream.c). */
struct pp_pipe;

/* An input stream of records.  Caller-provided storage.
 *
 * When every operand is a regular file and more than one CPU is there,
 * lines are decoded ahead by threads: each worker, and the caller's thread
 * when its next batch is not ready, takes the next batch, fills it with
 * lines from the reader (pp_reader_next, exactly as without threads; one
 * thread reads at a time, batches filled in input order) and decodes it
 * there, in that CPU's cache (pp_record_parse, pp_record_keep); and
 * pp_stream_next hands the records back one by one IN INPUT ORDER, the
 * diagnostics among them where they stand: what a caller sees, on stdout
 * and stderr, is what one thread gives.  Workers: one less than the CPUs
 * of the process's affinity mask, or than PP_THREADS=N (1: no threads),
 * at most PP_STREAM_WORKERS.  Memory: at most 2 x workers + 2 batches of
 * at most PP_BATCH_LINES lines and about PP_BATCH_BYTES bytes (plus a
 * longer line's bytes), each with its decoded copy and records: about
 * 0.85 MB a batch, so 1.7 MB per thread (3.4 MB on two CPUs, 27 MB at
 * most).  Inputs that can block (pipes, terminals, sockets) are read
 * without threads, so rd.opts.would_block is called as ever; with threads
 * (pp_stream_threaded) rd belongs to the threads from the first
 * pp_stream_next to pp_stream_close: a caller must not look at it (its
 * fd) then. */
struct pp_stream {
	struct pp_reader rd;	/* the line reader (the threads' while
				 * they run) */
	struct pp_record rec;	/* the current record (no threads) */
	struct pp_pipe *pipe;	/* the threads, NULL when none */
	int nworkers;		/* worker threads to use (0: none) */
	bool started;		/* pp_stream_next started them */
	bool strict;		/* the first bad line ends the stream */
	bool failed;		/* an operand failed, or strict tripped */
	unsigned long bad;	/* bad lines seen */
	unsigned long bad_shown;	/* of which printed in full */
	unsigned long records;	/* good records returned */
	const char *source;	/* where the record last returned came
				 * from: its operand's display name, */
	unsigned long lineno;	/* its line number there, */
	int operand;		/* and the operand's index (0 for stdin);
				 * with threads the reader is ahead: use
				 * these, never rd's */
	struct pp_trange *range;	/* --from/--to (borrowed), NULL none */
	char *vantage;		/* the operand's vantage point from its last
				 * meta record (owned), NULL unknown */
	int vantage_op;		/* the operand it belongs to, -1 none */
	int skip_op;		/* the operand whose records are skipped
				 * (a meta record of another schema), -1 */
	int warned_op;		/* the last operand said so, -1 none */
	char **order;		/* the operands in the order read, when
				 * pp_stream_time_order changed it (owned
				 * array, borrowed strings), else NULL */
};

/* Open a stream over paths[0..n-1] (n 0: stdin).  The array is borrowed.
 * Returns 0, or -1 (ENOMEM). */
int pp_stream_open(struct pp_stream *s, char *const *paths, int n,
    bool strict);

/* Select the records of range r (borrowed; lib/trange.h): resolved now
 * (a bound relative to the input's end reads the operands once first);
 * pp_stream_next then returns only records in it.  On a range that cannot
 * be resolved, prints "prog: --from/--to: why" and exits 2. */
void pp_stream_set_range(struct pp_stream *s, struct pp_trange *r);

/* Read the operands of each vantage point in the time order of their
 * records, when they are all regular files: each one's first record time
 * and vantage point are read from its first lines, and the operands of
 * one vantage point trade places among themselves (those of others, and
 * those without a record time, stay where they were), so that rotated
 * archives given as a shell orders them (trace.1.gz trace.2.gz trace.gz)
 * are read as one pass over the run; said on standard error when the
 * order changed.  Call after pp_stream_open, before pp_stream_next.
 * Returns the number of operands read in another place. */
int pp_stream_time_order(struct pp_stream *s);

/* True when s decodes its lines in threads (decided at pp_stream_open
 * from its operands and PP_THREADS; see struct pp_stream). */
bool pp_stream_threaded(const struct pp_stream *s);

/* The next good record (borrowed: valid until the next call), or NULL at
 * the end of the last operand, or after the first bad line with strict.
 * A meta record of a schema this code does not read (pp_meta_schema_check:
 * a newer one) and the records after it, to the operand's end or its next
 * meta record of our schema, are skipped: said once per operand ("SOURCE:
 * LINE: schema 2 is newer than this pp reads (1): ..."), and the stream
 * has failed (pp_stream_close returns 1; with strict it ends there).
 * A probe record without "vantage" gets the vantage point of its
 * operand's last meta record (pp_stream_vantage), and so does the object
 * (pp_record_json) of a stats, outage, mos, alert or route record. */
struct pp_record *pp_stream_next(struct pp_stream *s);

/* The vantage point of the records read now when they name none: the
 * "vantage" of the last meta record of the current operand, else its
 * "host" when that meta was written by a prober (pp-trace, pp-probe:
 * archives older than the field), else NULL (unknown; also at the start
 * of each operand).  Borrowed: valid until the next pp_stream_next. */
const char *pp_stream_vantage(const struct pp_stream *s);

/* Report the count of bad lines not shown (and, with a range that kept
 * no record, the span the input does cover), free the stream, and return
 * the exit status it implies: 1 when an operand could not be read (or
 * was of another schema) or a strict stream met a bad line, else 0. */
int pp_stream_close(struct pp_stream *s);

#endif /* PP_STREAM_H */
