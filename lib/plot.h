/* SPDX-License-Identifier: BSD-2-Clause */
/* plot.h: what pp-plot draws from.  A record stream is folded into series
 * (one per target and hop) of time columns on one shared, bounded grid
 * (lib/tgrid.h), each column a quantile summary (lib/colq.h), plus the
 * figures of the report: hop rows (stats records), outages, alerts, route
 * changes and MOS, either computed from the probes by the code of pp-stats,
 * pp-alert and pp-mos (lib/report.h) or, for each kind the input carries
 * (the records those commands write, or their meta record), taken from the
 * input instead; and the location and names of every responder when pp-geo
 * enriched the records.  Memory is bounded by the picture (series x
 * columns x bins), the latest PP_PLOT_MAX_EVENTS events of each kind and
 * lib/report.h's bounds, never by the input's length. */
#ifndef PP_PLOT_H
#define PP_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/colq.h"
#include "lib/intern.h"
#include "lib/keytab.h"
#include "lib/model.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/report.h"
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
	struct pp_colq total;	/* the columns' (pp_plotdata_settle) */
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

/* Where the figures of a kind come from: records of the input (written by
 * pp-stats, pp-alert, pp-mos), or computed here from the probes by their
 * code (lib/report.h). */
enum pp_plot_src {
	PP_SRC_INPUT,
	PP_SRC_COMPUTED,
	PP_SRC_N
};

/* An event to list or mark. */
struct pp_plot_event {
	double ts;		/* when (an outage's start), epoch seconds */
	double end;		/* an outage's end, else NAN */
	int ttl;		/* hop, 0 when none (a route change: the first
				 * hop that changed) */
	char *target;		/* owned */
	char *text;		/* one line for people (owned) */
	char kind[16];		/* an alert's kind (loss, latency, rise, mos,
				 * route, unreachable) */
	double value;		/* loss % (outage), value (alert), MOS */
	double value2;		/* R (mos), threshold (alert) */
	bool raise;		/* alert: raise (not clear); route: a change
				 * (not the first path) */
	bool ongoing;		/* outage: the input ended inside it */
	unsigned long long sent;	/* outage: probes in it */
	unsigned long long recv;	/* outage: of which answered */
};

/* The events of one kind from one source: the latest PP_PLOT_MAX_EVENTS
 * (a ring). */
struct pp_plot_ring {
	struct pp_plot_event ev[PP_PLOT_MAX_EVENTS];
	size_t n;		/* held */
	size_t head;		/* oldest held */
	unsigned long dropped;	/* older ones dropped */
};

/* A stats record (a hop table row) or a mos record, its strings owned. */
struct pp_plot_fig {
	uint32_t tid;		/* target name id (d->tnames) */
	int ttl;		/* hop (mos: 0) */
	bool stats;		/* which of the two */
	struct pp_stats_rec st;	/* when stats */
	struct pp_mos_rec mos;	/* when not */
	char *strs;		/* owned: every string of the record */
};

/* Figures keyed by (target, hop), the latest kept. */
struct pp_plot_figs {
	struct pp_plot_fig *v;	/* owned */
	size_t n;		/* in use */
	size_t a;		/* allocated */
	struct pp_keytab map;	/* (tid, ttl) -> index */
	unsigned long dropped;	/* not kept (more than PP_PLOT_MAX_SERIES
				 * target names) */
};

/* The whole picture's data.  Caller-provided storage. */
struct pp_plotdata {
	struct pp_tgrid grid;	/* shared time columns */
	struct pp_plot_series **series;	/* owned */
	size_t nseries;		/* in use */
	size_t aseries;		/* allocated */
	struct pp_intern tnames;	/* target names of the series and figures */
	struct pp_keytab smap;	/* (target name id, ttl) -> series index */
	size_t last;		/* index of the series used last, + 1 */
	struct pp_plot_ring ev[PP_EV_NKINDS][PP_SRC_N];	/* events */
	bool given[PP_EV_NKINDS];	/* the input carries this kind (its
					 * records, or the meta record of the
					 * tool writing them): shown instead
					 * of the computed ones */
	bool given_stats;	/* ... stats records (pp-stats) */
	struct pp_plot_figs rows[PP_SRC_N];	/* hop table rows */
	struct pp_plot_figs mos[PP_SRC_N];	/* each target's MOS */
	bool computing;		/* a report is computed from the probes */
	struct pp_report rep;	/* the computation (lib/report.h) */
	struct pp_report_opts ropts;	/* its settings */
	unsigned long probes;	/* probe records folded */
	unsigned long ignored;	/* over PP_PLOT_MAX_SERIES */
	char *settings;		/* first meta's settings as text (owned) */
	struct pp_outcome_opts outcome;	/* what counts as answered (the
					 * caller's, and any input meta's
					 * "refused":"down") */
	double interval;	/* probe interval from the meta, s, or 0 */
	char *vantage0;		/* the first vantage point met (owned), NULL
				 * unknown */
	bool vantage_seen;	/* a record was met (vantage0 is set) */
	unsigned long vantages;	/* records of other vantage points: their
				 * targets are named "TARGET (VANTAGE)" */
	char vname[512];	/* such a name */
	bool oom;		/* memory ran short: figures incomplete */
};

/* Set up d: a grid of `columns` columns (>= 2), fixed width `step`
 * seconds or 0 to coarsen as needed.  Returns 0, or -1 (errno). */
int pp_plotdata_init(struct pp_plotdata *d, size_t columns, double step);

/* Free everything d holds (not d). */
void pp_plotdata_release(struct pp_plotdata *d);

/* Compute the report's figures from the probes folded from now on, with
 * o (lib/report.h): hop rows, outages, alerts, routes and MOS as pp-stats,
 * pp-alert and pp-mos give them.  Returns 0, or -1 (errno). */
int pp_plotdata_compute(struct pp_plotdata *d, const struct pp_report_opts *o);

/* Fold one record in (probe, stats, outage, alert, route, mos, meta;
 * others are ignored).  Returns 0, or -1 (ENOMEM). */
int pp_plotdata_add(struct pp_plotdata *d, struct pp_record *r);

/* A live view: the computed hop rows and MOS of the input so far. */
void pp_plotdata_peek(struct pp_plotdata *d);

/* End of input: the computed figures' last events, rows and MOS. */
void pp_plotdata_finish(struct pp_plotdata *d);

/* Before drawing: widen the columns to at least the probe interval (the
 * meta record's settings.interval, else the densest series' mean spacing),
 * so that sparse probes do not draw as slivers between gaps. */
void pp_plotdata_settle(struct pp_plotdata *d);

/* The span of the data drawn, what the charts' subtitles and the HTML
 * report say: the first probe drawn (or the start of the sliding --step
 * window that dropped older ones) to the last, not the ends of the
 * columns, which round it out to whole columns.  The columns' ends when
 * no probe was placed. */
void pp_plotdata_span(const struct pp_plotdata *d, double *lo, double *hi);

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

/* Where the events of a kind shown come from: the input's records when it
 * carries that kind (records, or the meta record of pp-stats for
 * outages, of pp-alert for alerts and routes), else the computed ones. */
enum pp_plot_src pp_plotdata_src(const struct pp_plotdata *d,
    enum pp_plot_ev kind);

/* The events of a kind shown (from pp_plotdata_src): how many are held,
 * how many older ones were dropped, and the i-th, oldest first. */
size_t pp_plotdata_nevents(const struct pp_plotdata *d, enum pp_plot_ev kind);
unsigned long pp_plotdata_evdropped(const struct pp_plotdata *d,
    enum pp_plot_ev kind);
const struct pp_plot_event *pp_plotdata_event(const struct pp_plotdata *d,
    enum pp_plot_ev kind, size_t i);

/* An event of a target as the report numbers and marks it: an outage, an
 * alert from its raise to its clear, or a route change. */
struct pp_plot_mark {
	int no;			/* 1, 2, ... in time order */
	enum pp_plot_ev kind;	/* PP_EV_OUTAGE, PP_EV_ALERT or PP_EV_ROUTE */
	const struct pp_plot_event *ev;	/* the event (an alert's raise) */
	const struct pp_plot_event *clear;	/* an alert's clear, NULL when
						 * still raised at the end */
	double t0;		/* start, epoch s */
	double t1;		/* end (NAN: still going at the end; a route
				 * change: t0) */
};

/* The marks of target (NULL: every target), in time order: outages,
 * alerts (but those of kind route: the route records say it) paired raise
 * to clear by kind and hop, route changes (not a target's first path).  A
 * new array in *out (free it) of the returned count, -1 (ENOMEM). */
long pp_plotdata_marks(const struct pp_plotdata *d, const char *target,
    struct pp_plot_mark **out);

/* The hop rows of target shown (the input's stats records of it when
 * there are, else the computed ones), in ascending ttl: returns the count
 * and fills out (up to max, borrowed until the next change of d). */
size_t pp_plotdata_rows(const struct pp_plotdata *d, const char *target,
    const struct pp_stats_rec **out, size_t max);

/* The MOS shown for target (the input's latest mos record of it, else
 * the computed one), or NULL. */
const struct pp_mos_rec *pp_plotdata_mos(const struct pp_plotdata *d,
    const char *target);

/* What is known of responder addr at target's hop ttl (names and place
 * from pp-geo's enrichment), or NULL. */
const struct pp_plot_addr *pp_plotdata_addr(const struct pp_plotdata *d,
    const char *target, int ttl, const char *addr);

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
	const char *anchor;	/* marks link to "#<anchor><number>" (the
				 * report's list of events); NULL: no links */
};

/* A mark's description, one line ("outage, 00:35:47 to 00:35:57 UTC
 * (9.5 s): ...", "loss alert, raised at ...", "route change at ...";
 * times in local time when local), and its CSS class (ev-outage,
 * ev-route, ev-loss, ...). */
void pp_plot_mark_text(const struct pp_plot_mark *m, bool local, char *buf,
    size_t size);
const char *pp_plot_mark_class(const struct pp_plot_mark *m);

/* What a mark is, in words: "outage", "route change", "loss alert",
 * "latency alert", "latency rise", "MOS alert", "unreachable". */
const char *pp_plot_mark_name(const struct pp_plot_mark *m);

/* The charts pp-plot draws (-c). */
enum pp_plot_chart {
	PP_PLOT_LATENCY,	/* "latency" */
	PP_PLOT_HEATMAP,	/* "heatmap" */
	PP_PLOT_TIMELINE,	/* "timeline" */
	PP_PLOT_MAP,		/* "map" */
	PP_PLOT_SUMMARY		/* "summary" */
};

/* The chart named name, or -1. */
int pp_plot_chart_find(const char *name);

/* Chart kind of d into s, as the functions below draw it; with no series
 * and no target asked for, a chart saying there is nothing to plot.
 * Returns 0, or -1 with a message in err. */
int pp_plot_chart(struct pp_svg *s, enum pp_plot_chart kind,
    const struct pp_plotdata *d, const char *target, int hop,
    const struct pp_plot_opts *o, struct pp_error *err);

/* The directory holding map/land-110m.rings.txt: $PP_DATADIR when set;
 * else share/pp or share beside the directory of this program, when the
 * map file is there (a build tree, a relocated install), into buf (PATH_MAX
 * + 16 bytes or more); else the install's PP_DATADIR. */
const char *pp_plot_datadir(char *buf, size_t size);

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

/* A chart's time, the second it falls in: UTC, "2026-11-24 16:00:00"
 * (pp_iso_format's PP_ISO_SPACE), or when local the local time and its
 * offset, "2026-11-24 17:00:00+0100"; "-" when not a time.  buf: 32 bytes
 * or more.  Returns buf. */
char *pp_plot_time(double t, bool local, char *buf, size_t size);

/* SmokePing-style loss colour for a loss percentage, and its legend. */
const char *pp_plot_loss_colour(double loss);

#endif /* PP_PLOT_H */
