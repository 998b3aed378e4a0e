/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_svg.h: what pp-plot's chart files share, internal to them (not for
 * commands: they use plot.h).  The frame every chart is drawn in (size,
 * margins, time and value scales, title) and its legend are in
 * plot_svg.c, which also draws the latency, heatmap and timeline charts;
 * the marks of outages, alerts and route changes in plot_marks.c; the
 * map in plot_map.c; the summary in plot_summary.c.  What they share is
 * named with the plot module's prefix, pp_plot_, as every global of
 * libpp.a is named with pp_. */
#ifndef PP_PLOT_SVG_H
#define PP_PLOT_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/plot.h"

/* The frame's margins, px: left of the plot area, right, above (title and
 * subtitle), below (time axis and legend). */
#define LEFT 64.0
#define RIGHT 24.0
#define TOP 48.0
#define BOTTOM 76.0

/* The frame of a chart: the picture, its plot area, its scales. */
struct pp_plot_frame {
	double w, h;		/* document size */
	double x0, y0;		/* plot area top left */
	double pw, ph;		/* plot area size */
	double t0, t1;		/* time span of the columns */
	double d0, d1;		/* of the data (pp_plotdata_span) */
	size_t n;		/* columns */
	double cw;		/* column width, px */
	double ymax;		/* value at the top, ms */
};

/* A legend laid out left to right, wrapping at the right margin.  Text
 * width is estimated at 6.5 px a character (11 px sans-serif). */
struct pp_plot_legend {
	double x0;		/* where lines start */
	double xmax;		/* right margin */
	double x, y;		/* next item's swatch (top left) */
};

/* The marks of one chart: those of its target within its time span. */
struct pp_plot_marks {
	struct pp_plot_mark *m;	/* owned */
	int *row;		/* lane row of each (owned) */
	long n;			/* count */
	int nrows;		/* lane rows used */
	bool has[6];		/* classes present: outage, route, loss,
				 * latency (and rise), mos, unreachable */
};

/* The style sheet of o's theme (a static string). */
const char *pp_plot_css(const struct pp_plot_opts *o);

/* Pick the series: target (NULL = first) at hop (0 = destination).
 * Borrowed from d, or NULL with a message in err. */
struct pp_plot_series *pp_plot_pick(const struct pp_plotdata *d,
    const char *target, int hop, struct pp_error *err);

/* Set up f for a picture w x h px with the plot area left px from the left
 * edge, over d's columns. */
void pp_plot_frame_init(struct pp_plot_frame *f, const struct pp_plotdata *d,
    double w, double h, double left);

/* The x of time t (epoch s) in f, px. */
double pp_plot_xof(const struct pp_plot_frame *f, double t);

/* The title ("what: target, hop N (addr)") and the subtitle (the data's
 * span, then sub when not NULL and it fits), shortened to the picture. */
void pp_plot_title(struct pp_svg *s, const struct pp_plot_frame *f,
    const char *what, const char *target, const struct pp_plot_series *ser,
    const struct pp_plot_opts *o, const char *sub);

/* Legend layout (s NULL: only lay out): a heading of a group of items w
 * px wide, an item's width, an item (a swatch of class cls or colour
 * fill, and its label), the end of a group. */
void pp_plot_legend_head(struct pp_svg *s, struct pp_plot_legend *lg,
    const char *text, double w);
double pp_plot_item_w(const char *label);
void pp_plot_legend_item(struct pp_svg *s, struct pp_plot_legend *lg,
    const char *cls, const char *fill, const char *label);
void pp_plot_legend_gap(struct pp_plot_legend *lg);

/* The pp-stats row (borrowed from d) of ser when the chart shows the
 * whole input, else NULL. */
const struct pp_stats_rec *pp_plot_row_of(const struct pp_plotdata *d,
    const struct pp_plot_series *ser);

/* The marks of target within f's time span into mk (none when memory
 * runs short); free them with pp_plot_marks_free(). */
void pp_plot_marks_load(struct pp_plot_marks *mk, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_frame *f);
void pp_plot_marks_free(struct pp_plot_marks *mk);

/* Give each mark a row of the lane above the plot (f's x scale final;
 * data_end: where marks still going at the end end, epoch s), and the
 * lane's height then, px. */
void pp_plot_marks_pack(struct pp_plot_marks *mk, const struct pp_plot_frame *f,
    double data_end);
double pp_plot_lane_h(const struct pp_plot_marks *mk);

/* The marks' legend group (s NULL: only lay out). */
void pp_plot_marks_legend(struct pp_svg *s, struct pp_plot_legend *lg,
    const struct pp_plot_marks *mk);

/* Draw the marks over f: in the lane at lane_y, outages shaded over
 * oy0..oy1, route changes' lines down to ry1, a dot at the changed hop's
 * row_y (may be NULL), linked to o->anchor when set (plot_marks.c). */
void pp_plot_draw_marks(struct pp_svg *s, const struct pp_plot_frame *f,
    const struct pp_plot_marks *mk, double lane_y, double oy0, double oy1,
    double ry1, double (*row_y)(const void *arg, int ttl),
    const void *row_arg, double data_end, const struct pp_plot_opts *o);

#endif /* PP_PLOT_SVG_H */
