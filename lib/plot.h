/* SPDX-License-Identifier: BSD-2-Clause */
/* plot.h: what pp-plot draws from.  A record stream is folded into series
 * (one per target and hop) of time columns on one shared, bounded grid
 * (lib/tgrid.h), each column a quantile summary (lib/colq.h), plus the
 * events worth showing (outages, alerts, route changes, MOS) and the
 * location of every responder when pp-geo enriched the records.  Memory is
 * bounded by the picture: series x columns x bins, never the input. */
#ifndef PP_PLOT_H
#define PP_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/colq.h"
#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/svg.h"
#include "lib/tgrid.h"

#define PP_PLOT_MAX_SERIES 4096	/* (target, hop) pairs kept */
#define PP_PLOT_MAX_ADDRS 8	/* responders tracked per series */
#define PP_PLOT_MAX_EVENTS 1000	/* of each kind, the latest kept */

/* A responder at a hop, with where it is when known. */
struct pp_plot_addr {
	char *addr;		/* address text (owned) */
	unsigned long n;	/* replies from it */
	bool enriched;		/* its records carry pp-geo fields */
	bool located;		/* lat/lon known */
	double lat;		/* degrees north */
	double lon;		/* degrees east */
	char *place;		/* "City, CC" or "CC" (owned, may be NULL) */
	char *asn;		/* "AS64500 Org" (owned, may be NULL) */
	char *special;		/* "private", "loopback", ... (owned) */
	char *host;		/* reverse DNS name (owned, may be NULL) */
};

/* One target at one hop (ttl 0: plain probes, no hop). */
struct pp_plot_series {
	char *target;		/* owned */
	int ttl;		/* hop, 0 when the records have none */
	struct pp_tseries cols;	/* struct pp_colq per column */
	struct pp_colq total;	/* the whole run */
	unsigned long replies;	/* probes that reached the destination */
	struct pp_plot_addr addrs[PP_PLOT_MAX_ADDRS];	/* responders */
	int naddrs;		/* in use */
	unsigned long other;	/* replies from responders not tracked */
};

/* Kinds of events. */
enum pp_plot_ev {
	PP_EV_OUTAGE,
	PP_EV_ALERT,
	PP_EV_ROUTE,
	PP_EV_MOS,
	PP_EV_NKINDS
};

/* An event to list or mark. */
struct pp_plot_event {
	double ts;		/* start, epoch seconds */
	double end;		/* end (outages), else NAN */
	int ttl;		/* hop, 0 when none */
	char *target;		/* owned */
	char *text;		/* one-line description (owned) */
	double value;		/* loss % (outage), value (alert), MOS */
	double value2;		/* R (mos), threshold (alert) */
	bool raise;		/* alert state raise (vs clear) */
};

/* The whole picture's data.  Caller-provided storage. */
struct pp_plotdata {
	struct pp_tgrid grid;	/* shared time columns */
	struct pp_plot_series **series;	/* owned */
	size_t nseries;		/* in use */
	size_t aseries;		/* allocated */
	struct pp_intern tnames;	/* target names of the series */
	struct pp_keytab smap;	/* (target name id, ttl) -> series index */
	size_t last;		/* index of the series used last, + 1 */
	struct pp_plot_event ev[PP_EV_NKINDS][PP_PLOT_MAX_EVENTS];
	size_t nev[PP_EV_NKINDS];	/* events held (ring) */
	size_t evhead[PP_EV_NKINDS];	/* oldest held */
	unsigned long evdropped[PP_EV_NKINDS];	/* older ones dropped */
	unsigned long probes;	/* probe records folded */
	unsigned long ignored;	/* over PP_PLOT_MAX_SERIES */
	char *settings;		/* first meta's settings as text (owned) */
	struct pp_outcome_opts outcome;	/* what counts as answered (the
					 * caller's, and any input meta's
					 * "refused":"down") */
	double interval;	/* probe interval from the meta, s, or 0 */
};

/* Set up d: a grid of `columns` columns (>= 2), fixed width `step`
 * seconds or 0 to coarsen as needed.  Returns 0, or -1 (errno). */
int pp_plotdata_init(struct pp_plotdata *d, size_t columns, double step);

/* Free everything d holds (not d). */
void pp_plotdata_release(struct pp_plotdata *d);

/* Fold one record in (probe, outage, alert, route, mos, meta; others are
 * ignored).  Returns 0, or -1 (ENOMEM). */
int pp_plotdata_add(struct pp_plotdata *d, struct pp_record *r);

/* Before drawing: widen the columns to at least the probe interval (the
 * meta record's settings.interval, else the densest series' mean spacing),
 * so that sparse probes do not draw as slivers between gaps. */
void pp_plotdata_settle(struct pp_plotdata *d);

/* Targets in order of first appearance: returns the number and fills out
 * (up to max) with borrowed strings. */
size_t pp_plotdata_targets(const struct pp_plotdata *d, const char **out,
    size_t max);

/* The series of target at ttl, or NULL. */
struct pp_plot_series *pp_plotdata_find(const struct pp_plotdata *d,
    const char *target, int ttl);

/* The destination series of target: ttl 0 for plain probes, else the hop
 * that answered "reply" most (lowest on ties), else the highest hop. */
struct pp_plot_series *pp_plotdata_dest(const struct pp_plotdata *d,
    const char *target);

/* Hops of target in ascending ttl: returns the count, fills out. */
size_t pp_plotdata_hops(const struct pp_plotdata *d, const char *target,
    struct pp_plot_series **out, size_t max);

/* The i-th held event of a kind, oldest first (i < d->nev[kind]). */
const struct pp_plot_event *pp_plotdata_event(const struct pp_plotdata *d,
    enum pp_plot_ev kind, size_t i);

/* The most frequent responder of a series, or NULL. */
const struct pp_plot_addr *pp_plot_series_addr(
    const struct pp_plot_series *s);

/* Chart options. */
struct pp_plot_opts {
	int width;		/* pixels */
	int height;		/* pixels (timeline: per row height is derived) */
	bool dark;		/* dark theme */
	bool local;		/* local time labels instead of UTC */
	double ymax;		/* latency axis top, ms; 0 = automatic */
	const char *datadir;	/* where map/land-110m.rings.txt is */
};

/* Charts: each builds a standalone SVG document into s.  target NULL
 * means the first target; hop 0 means the destination.  Return 0, or -1
 * with a message in err (no data for the target, map file missing). */
int pp_plot_latency(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, int hop, const struct pp_plot_opts *o,
    struct pp_error *err);
int pp_plot_heatmap(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, int hop, const struct pp_plot_opts *o,
    struct pp_error *err);
int pp_plot_timeline(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err);
int pp_plot_map(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err);
int pp_plot_summary(struct pp_svg *s, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, struct pp_error *err);

/* The self-contained HTML report (no external requests: a Content-
 * Security-Policy of default-src 'none'), refreshing itself every
 * `refresh` seconds when > 0.  Returns 0, or -1 with err set. */
int pp_plot_html(struct pp_svg *out, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, double refresh, struct pp_error *err);

/* SmokePing-style loss colour for a loss percentage, and its legend. */
const char *pp_plot_loss_colour(double loss);

#endif /* PP_PLOT_H */
