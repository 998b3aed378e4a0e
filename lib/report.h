/* SPDX-License-Identifier: BSD-2-Clause */
/* report.h: the figures of pp-plot's report, computed from probes by the
 * code of the commands that compute them, so that a report and those
 * commands give the same numbers for the same input:
 *
 *   pp-stats' (lib/agg, one window over the whole input): a stats record
 *     per target and hop, and the outages at each destination;
 *   pp-alert's (lib/judge): alert and route records, as they are decided;
 *   pp-mos' (lib/emodel on each target's destination row, pp_agg_is_dest
 *     and pp_voice_path_of): a mos record per target.
 *
 * What it finds goes to a sink as the records those commands write
 * (lib/model.h; strings borrowed for the call).  Outages, alerts and
 * routes arrive as they are decided; stats and mos records when asked for:
 * pp_report_peek() gives those of the input so far (a live view: the
 * window is not closed), pp_report_finish() the final ones.
 *
 * Memory: lib/agg's and lib/judge's (bounded by targets and hops, never by
 * the input's length; see there). */
#ifndef PP_REPORT_H
#define PP_REPORT_H

#include <stdbool.h>

#include <jansson.h>

#include "lib/agg.h"
#include "lib/emodel.h"
#include "lib/judge.h"
#include "lib/model.h"

/* Settings: those of pp-stats, pp-alert and pp-mos that the report takes. */
struct pp_report_opts {
	double outage_loss;	/* pp-stats --outage-loss, % */
	double outage_min;	/* pp-stats --outage-min, s */
	struct pp_judge_opts judge;	/* pp-alert's (horizon, outcome: set
					 * here from the fields below) */
	const struct pp_codec *codec;	/* pp-mos -c; NULL: g711-plc */
	struct pp_outcome_opts outcome;	/* --refused-down */
};

/* Where the figures go.  Any member may be NULL. */
struct pp_report_sink {
	void (*stats)(void *arg, const struct pp_stats_rec *r);
	void (*mos)(void *arg, const struct pp_mos_rec *m);
	void (*outage)(void *arg, const struct pp_outage_rec *o);
	void (*alert)(void *arg, const struct pp_alert_rec *a);
	void (*route)(void *arg, const struct pp_route_rec *r);
	void *arg;
};

/* The computation.  Caller-provided storage. */
struct pp_report {
	struct pp_report_opts o;	/* settings */
	struct pp_report_sink sink;	/* where figures go */
	struct pp_agg agg;	/* pp-stats' */
	struct pp_judge judge;	/* pp-alert's */
	bool warned_bpl;	/* the codec had no Bpl for a lossy path */
	bool finished;		/* pp_report_finish was called */
};

/* Set up r.  Returns 0, or -1 (ENOMEM; EINVAL for a bad judge window). */
int pp_report_init(struct pp_report *r, const struct pp_report_opts *o,
    const struct pp_report_sink *sink);

/* Free what r holds (not r). */
void pp_report_release(struct pp_report *r);

/* An input meta record's settings (jansson, may be NULL): the first probe
 * timeout sets the reorder horizons (timeout + 1 s), "refused":"down"
 * counts refused connections as lost in the records of that prober's run
 * (pp_outcome_meta, as the commands do). */
void pp_report_meta(struct pp_report *r, const json_t *settings);

/* Fold one probe in.  Returns 0, or -1 (ENOMEM). */
int pp_report_probe(struct pp_report *r, const struct pp_probe *p);

/* The stats records (and, for each target's destination, its mos
 * record) of the input so far, window start..end being its first and
 * last send times; nothing is closed. */
void pp_report_peek(struct pp_report *r);

/* End of input: every probe held, the last rounds and outages, then the
 * final stats and mos records.  Once. */
void pp_report_finish(struct pp_report *r);

/* Whether memory ran short somewhere (figures are then incomplete). */
bool pp_report_oom(const struct pp_report *r);

#endif /* PP_REPORT_H */
