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

/* An input stream of records.  Caller-provided storage. */
struct pp_stream {
	struct pp_reader rd;	/* the line reader */
	struct pp_record rec;	/* the current record */
	bool strict;		/* the first bad line ends the stream */
	bool failed;		/* an operand failed, or strict tripped */
	unsigned long bad;	/* bad lines seen */
	unsigned long bad_shown;	/* of which printed in full */
	unsigned long records;	/* good records returned */
	struct pp_trange *range;	/* --from/--to (borrowed), NULL none */
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

/* The next good record (borrowed: valid until the next call), or NULL at
 * the end of the last operand, or after the first bad line with strict. */
struct pp_record *pp_stream_next(struct pp_stream *s);

/* Report the count of bad lines not shown (and, with a range that kept
 * no record, the span the input does cover), free the stream, and return
 * the exit status it implies: 1 when an operand could not be read or a
 * strict stream met a bad line, else 0. */
int pp_stream_close(struct pp_stream *s);

#endif /* PP_STREAM_H */
