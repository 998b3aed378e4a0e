/* SPDX-License-Identifier: BSD-2-Clause */
/* voice.h: pp-mos' paths from stats records, and its table.
 *
 * Stats records (pp-stats' output) are read as paths to score: of each
 * run of records of one vantage point, target and window start, the
 * deepest hop (the highest ttl; the destination of a traced target, the
 * only row of a plain one) is the path.  A record with its parts
 * (pp-stats --parts, --merge) is scored as its probes would be: figures at
 * full precision from the parts, BurstR from its loss runs; one without
 * from its printed figures (mean RTT, the jitter by the chosen definition,
 * loss; BurstR unknown).  Memory: the one record waiting.
 *
 * The table: a head line and one line a scored path (pp_voice_table_*),
 * columns as pp-mos(1) shows them; names from the input made safe for a
 * terminal (lib/sanitize.h). */
#ifndef PP_VOICE_H
#define PP_VOICE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/emodel.h"
#include "lib/model.h"

/* A path found: m's strings are valid during the call. */
typedef void (*pp_voice_fn)(void *arg, const struct pp_voice_path *m);

/* The stats records waiting for their deepest hop. */
struct pp_voice_pick {
	json_t *pending;	/* the deepest hop so far (owned), NULL */
	bool jdef_stdev;	/* jitter is the RTTs' standard deviation */
	pp_voice_fn fn;		/* where paths go */
	void *arg;		/* its argument */
};

void pp_voice_pick_init(struct pp_voice_pick *p, bool jdef_stdev,
    pp_voice_fn fn, void *arg);

/* Offer stats record o (not a stats record: ignored): when it starts
 * another vantage point, target or window, the path of the one before is
 * given to fn first. */
void pp_voice_pick_add(struct pp_voice_pick *p, json_t *o);

/* The last path, if any, to fn. */
void pp_voice_pick_flush(struct pp_voice_pick *p);

void pp_voice_pick_release(struct pp_voice_pick *p);

/* The table's head line; windows: rows are windows (a Start column). */
void pp_voice_table_head(FILE *f, bool windows);

/* Path m scored as r, with the model's name (a codec's, or
 * "simplified"), as a line of the table. */
void pp_voice_table_row(FILE *f, const struct pp_voice_path *m,
    const struct pp_mos_rec *r, const char *model, bool windows);

#endif /* PP_VOICE_H */
