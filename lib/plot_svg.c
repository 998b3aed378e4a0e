/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_svg.c: pp-plot's charts (see plot.h).  Every chart is a standalone
 * SVG document: styles inline, no scripts, no external references; all
 * text escaped by lib/svg.  Here the frame every chart shares (styles,
 * loss colours, axes, title, legend; plot_svg.h) and the latency, heatmap
 * and timeline charts; the marks are drawn by plot_marks.c, the map by
 * plot_map.c, the summary by plot_summary.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/axis.h"
#include "lib/error.h"
#include "lib/plot.h"
#include "lib/plot_svg.h"
#include "lib/trange.h"

static const char css_light[] =
    "text{font-family:sans-serif;font-size:11px;fill:#222}"
    ".bg{fill:#fff}.title{font-size:14px;font-weight:bold}"
    ".sub{fill:#555}.grid{stroke:#e3e3e3;stroke-width:1}"
    ".axis{stroke:#888;stroke-width:1}.b0{fill:#e8e8e8}.b1{fill:#cfcfcf}"
    ".b2{fill:#b0b0b0}.b3{fill:#8a8a8a}.med{fill:none;stroke-width:2}"
    ".outage{fill:#ff000018;stroke:#ff000060}.lost{fill:#a0000022}"
    ".land{fill:#e6e2d8;stroke:#c9c2b2;stroke-width:0.5}"
    ".sea{fill:#f4f8fb}.path{fill:none;stroke:#d43;stroke-width:1.5}"
    ".hop{fill:#d43;stroke:#fff;stroke-width:1}.bar{fill:#4a7bb7}"
    ".dim{fill:#888}.p95{stroke:#1d3f6e;stroke-width:2}"
    ".ev-outage{fill:#a00000}.ev-loss,.ev-unreachable{fill:#d62728}"
    ".ev-latency,.ev-rise{fill:#d98200}.ev-mos{fill:#8e44ad}"
    ".ev-route{fill:#1f5fbf}.rline{stroke:#1f5fbf;stroke-width:1.5;"
    "stroke-dasharray:4 3}.mno{fill:#fff;font-size:9px;font-weight:bold}"
    ".mark:hover{opacity:.75}.band{fill:#f3f3f3}";
static const char css_dark[] =
    "text{font-family:sans-serif;font-size:11px;fill:#ddd}"
    ".bg{fill:#15181c}.title{font-size:14px;font-weight:bold}"
    ".sub{fill:#aaa}.grid{stroke:#2c3036;stroke-width:1}"
    ".axis{stroke:#777;stroke-width:1}.b0{fill:#2a3038}.b1{fill:#3a424c}"
    ".b2{fill:#505a66}.b3{fill:#6d7a88}.med{fill:none;stroke-width:2}"
    ".outage{fill:#ff000028;stroke:#ff000080}.lost{fill:#ff000030}"
    ".land{fill:#2b3138;stroke:#444c55;stroke-width:0.5}"
    ".sea{fill:#101317}.path{fill:none;stroke:#f75;stroke-width:1.5}"
    ".hop{fill:#f75;stroke:#15181c;stroke-width:1}.bar{fill:#6d9fd8}"
    ".dim{fill:#888}.p95{stroke:#cfe2f7;stroke-width:2}"
    ".ev-outage{fill:#e05050}.ev-loss,.ev-unreachable{fill:#ff6b6b}"
    ".ev-latency,.ev-rise{fill:#e0a93b}.ev-mos{fill:#c08ae0}"
    ".ev-route{fill:#5aa9ff}.rline{stroke:#5aa9ff;stroke-width:1.5;"
    "stroke-dasharray:4 3}.mno{fill:#15181c;font-size:9px;"
    "font-weight:bold}.mark:hover{opacity:.75}.band{fill:#1d2127}";

/* SmokePing's loss colours, by share of probes lost. */
static const struct {
	double upto;		/* loss % at most */
	const char *colour;
	const char *label;
} loss_scale[] = {
	{ 0, "#26ff00", "0" },
	{ 2, "#00b8ff", "<=2%" },
	{ 5, "#0059ff", "<=5%" },
	{ 10, "#7e00ff", "<=10%" },
	{ 25, "#ff00ff", "<=25%" },
	{ 50, "#ff5500", "<=50%" },
	{ 99.999999, "#ff0000", "<100%" },
	{ 100, "#a00000", "100%" },
};
#define NLOSS (sizeof(loss_scale) / sizeof(loss_scale[0]))

static size_t
loss_class(double loss)
{
	for (size_t i = 0; i < NLOSS; i++)
		if (loss <= loss_scale[i].upto)
			return i;
	return NLOSS - 1;
}

char *
pp_plot_time(double t, bool local, char *buf, size_t size)
{
	if (!local)
		return pp_iso_format(t, 0, PP_ISO_FLOOR | PP_ISO_DASH |
		    PP_ISO_SPACE, buf, size);
	/* Local time with its offset from UTC: the hour that repeats when
	 * summer time ends reads as two ("02:30:00+0200" then
	 * "02:30:00+0100"), not as one. */
	(void)pp_iso_format(t, 0, PP_ISO_FLOOR | PP_ISO_DASH | PP_ISO_LOCAL,
	    buf, size);
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
	return buf;
}

const char *
pp_plot_loss_colour(double loss)
{
	return loss_scale[loss_class(loss)].colour;
}

const char *
pp_plot_css(const struct pp_plot_opts *o)
{
	return o->dark ? css_dark : css_light;
}

/* Pick the series: target (NULL = first) at hop (0 = destination). */
struct pp_plot_series *
pp_plot_pick(const struct pp_plotdata *d, const char *target, int hop,
    struct pp_error *err)
{
	const char *first = NULL;

	if (target == NULL) {
		if (pp_plotdata_targets(d, &first, 1) == 0) {
			pp_error_set(err, "no probe records to plot");
			return NULL;
		}
		target = first;
	}
	struct pp_plot_series *s = hop > 0 ? pp_plotdata_find(d, target, hop) :
	    pp_plotdata_dest(d, target);
	if (s == NULL) {
		if (hop > 0)
			pp_error_set(err, "no probe records for %.60s at hop %d",
			    target, hop);
		else
			pp_error_set(err, "no probe records for %.60s", target);
	}
	return s;
}

double
pp_plot_xof(const struct pp_plot_frame *f, double t)
{
	return f->x0 + (t - f->t0) / (f->t1 - f->t0) * f->pw;
}

static double
yof(const struct pp_plot_frame *f, double v)
{
	if (v > f->ymax)
		v = f->ymax;
	if (v < 0)
		v = 0;
	return f->y0 + f->ph - v / f->ymax * f->ph;
}

void
pp_plot_frame_init(struct pp_plot_frame *f, const struct pp_plotdata *d,
    double w, double h, double left)
{
	f->w = w;
	f->h = h;
	f->x0 = left;
	f->y0 = TOP;
	f->pw = w - left - RIGHT;
	f->ph = h - TOP - BOTTOM;
	f->n = d->grid.n;
	f->t0 = pp_tgrid_col_start(&d->grid, 0);
	f->t1 = pp_tgrid_col_start(&d->grid, d->grid.n);
	pp_plotdata_span(d, &f->d0, &f->d1);
	f->cw = f->pw / (double)(f->n > 0 ? f->n : 1);
	f->ymax = 1;
}

static void
time_axis(struct pp_svg *s, const struct pp_plot_frame *f, double y,
    const struct pp_plot_opts *o)
{
	struct pp_axis a;

	pp_axis_time(&a, f->t0, f->t1, (int)(f->pw / 90) + 1, o->local);
	pp_svg_line(s, f->x0, y, f->x0 + f->pw, y, "axis");
	for (int i = 0; i < a.nticks; i++) {
		double x = pp_plot_xof(f, a.tick[i]);
		pp_svg_line(s, x, y, x, y + 4, "axis");
		pp_svg_text(s, x, y + 15, "middle", NULL, a.label[i]);
	}
}

/* Value axis with grid lines; returns the top value. */
static double
value_axis(struct pp_svg *s, struct pp_plot_frame *f, double vmax)
{
	struct pp_axis a;

	pp_axis_value(&a, 0, vmax, (int)(f->ph / 50) + 1, true, "ms");
	f->ymax = a.hi;
	for (int i = 0; i < a.nticks; i++) {
		double y = yof(f, a.tick[i]);
		pp_svg_line(s, f->x0, y, f->x0 + f->pw, y, "grid");
		pp_svg_text(s, f->x0 - 6, y + 4, "end", NULL, a.label[i]);
	}
	pp_svg_line(s, f->x0, f->y0, f->x0, f->y0 + f->ph, "axis");
	return a.hi;
}

void
pp_plot_title(struct pp_svg *s, const struct pp_plot_frame *f, const char *what,
    const char *target, const struct pp_plot_series *ser,
    const struct pp_plot_opts *o, const char *sub)
{
	char a[32];
	char b[32];
	char buf[512];
	const struct pp_plot_addr *ad = ser != NULL ?
	    pp_plot_series_addr(ser) : NULL;

	(void)pp_plot_time(f->d0, o->local, a, sizeof(a));
	(void)pp_plot_time(f->d1, o->local, b, sizeof(b));
	/* About 8.5 px a character of the title (14 px bold), 6 of the rest:
	 * what does not fit is shortened, never run off the picture. */
	size_t room = (size_t)fmax(8, (f->w - LEFT - 8) / 8.5);
	if (ser != NULL && ser->ttl > 0)
		(void)snprintf(buf, sizeof(buf), "%s: %s, hop %d%s%s%s", what,
		    target, ser->ttl, ad != NULL ? " (" : "",
		    ad != NULL ? ad->addr : "", ad != NULL ? ")" : "");
	else
		(void)snprintf(buf, sizeof(buf), "%s: %s", what, target);
	if (strlen(buf) > room && ser != NULL && ser->ttl > 0)
		(void)snprintf(buf, sizeof(buf), "%s: %s, hop %d", what, target,
		    ser->ttl);
	if (strlen(buf) > room) {
		size_t n = room - 2;
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		buf[n] = '.';
		buf[n + 1] = '.';
		buf[n + 2] = '\0';
	}
	pp_svg_text(s, LEFT, 18, NULL, "title", buf);
	room = (size_t)fmax(8, (f->w - LEFT - 8) / 6.0);
	(void)snprintf(buf, sizeof(buf), "%s to %s %s%s%s", a, b,
	    o->local ? "local time" : "UTC", sub != NULL ? "; " : "",
	    sub != NULL ? sub : "");
	/* Figures that do not fit are left out (the HTML report and pp-stats
	 * have them), then the end's date when it is the start's. */
	if (sub != NULL && strlen(buf) > room)
		(void)snprintf(buf, sizeof(buf), "%s to %s %s", a, b,
		    o->local ? "local time" : "UTC");
	if (strlen(buf) > room && strncmp(a, b, 11) == 0 && strlen(b) > 11)
		(void)snprintf(buf, sizeof(buf), "%s to %s %s", a, b + 11,
		    o->local ? "local time" : "UTC");
	pp_svg_text(s, LEFT, 34, NULL, "sub", buf);
}

static double
text_w(const char *t)
{
	return 6.5 * (double)strlen(t);
}

static void
legend_init(struct pp_plot_legend *lg, double x0, double y, double xmax)
{
	lg->x0 = lg->x = x0;
	lg->y = y;
	lg->xmax = xmax;
}

/* Room for w more pixels on this line, else a new line. */
static void
legend_room(struct pp_plot_legend *lg, double w)
{
	if (lg->x > lg->x0 && lg->x + w > lg->xmax) {
		lg->x = lg->x0;
		lg->y += 16;
	}
}

/* A heading ("loss:") that starts a group. */
/* A heading ("loss:") that starts a group of items w pixels wide: the
 * group starts a new line when it does not fit on this one. */
void
pp_plot_legend_head(struct pp_svg *s, struct pp_plot_legend *lg,
    const char *text, double w)
{
	legend_room(lg, text_w(text) + 6 + w);
	if (s != NULL)
		pp_svg_text(s, lg->x, lg->y + 9, NULL, NULL, text);
	lg->x += text_w(text) + 6;
}

/* The width of an item. */
double
pp_plot_item_w(const char *label)
{
	return 13 + text_w(label) + 14;
}

/* A swatch (a rect of class cls or colour fill) and its label. */
void
pp_plot_legend_item(struct pp_svg *s, struct pp_plot_legend *lg,
    const char *cls, const char *fill, const char *label)
{
	double w = pp_plot_item_w(label);

	legend_room(lg, w);
	if (s != NULL) {
		pp_svg_rect(s, lg->x, lg->y, 10, 10, cls, fill);
		pp_svg_text(s, lg->x + 13, lg->y + 9, NULL, NULL, label);
	}
	lg->x += w;
}

/* The end of a group: some space. */
void
pp_plot_legend_gap(struct pp_plot_legend *lg)
{
	lg->x += 12;
}

/* The loss colours (s NULL: only lay out). */
static void
loss_legend(struct pp_svg *s, struct pp_plot_legend *lg)
{
	double w = 0;

	for (size_t i = 0; i < NLOSS; i++)
		w += pp_plot_item_w(loss_scale[i].label);
	pp_plot_legend_head(s, lg, "loss:", w);
	for (size_t i = 0; i < NLOSS; i++)
		pp_plot_legend_item(s, lg, NULL, loss_scale[i].colour,
		    loss_scale[i].label);
	pp_plot_legend_gap(lg);
}

static const struct pp_colq *
col_at(const struct pp_plotdata *d, const struct pp_plot_series *ser,
    size_t i)
{
	return pp_tseries_at(&d->grid, &ser->cols, i);
}

/* The figures of a series over the whole input as pp-stats gives them
 * (its row), when the chart shows the whole input; else NULL. */
const struct pp_stats_rec *
pp_plot_row_of(const struct pp_plotdata *d, const struct pp_plot_series *ser)
{
	const struct pp_stats_rec *rows[256];

	if (d->grid.fixed)
		return NULL;
	size_t n = pp_plotdata_rows(d, ser->target, rows, 256);
	for (size_t i = 0; i < n; i++)
		if (rows[i]->ttl == ser->ttl)
			return rows[i];
	return NULL;
}

/* The latency chart's legend: RTT bands and median, loss colours, marks
 * (s NULL: only lay out).  Returns the lines it takes. */
static int
latency_legend(struct pp_svg *s, double x0, double y, double xmax,
    const struct pp_plot_marks *mk)
{
	static const char *const cls[] = { "b0", "b1", "b2", "b3" };
	static const char *const label[] = { "min-max", "p5-p95", "p10-p90",
	    "p25-p75" };
	struct pp_plot_legend lg;
	double w = pp_plot_item_w("median");

	legend_init(&lg, x0, y, xmax);
	for (int b = 0; b < 4; b++)
		w += pp_plot_item_w(label[b]);
	pp_plot_legend_head(s, &lg, "RTT:", w);
	for (int b = 0; b < 4; b++)
		pp_plot_legend_item(s, &lg, cls[b], NULL, label[b]);
	legend_room(&lg, pp_plot_item_w("median"));
	if (s != NULL) {
		pp_svg_path_begin(s, "med", NULL, loss_scale[0].colour);
		pp_svg_path_point(s, lg.x, lg.y + 5);
		pp_svg_path_point(s, lg.x + 10, lg.y + 5);
		pp_svg_path_end(s);
		pp_svg_text(s, lg.x + 13, lg.y + 9, NULL, NULL, "median");
	}
	lg.x += pp_plot_item_w("median");
	pp_plot_legend_gap(&lg);
	loss_legend(s, &lg);
	pp_plot_marks_legend(s, &lg, mk);
	return (int)((lg.y - y) / 16) + 1;
}

int
pp_plot_latency(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, int hop, const struct pp_plot_opts *o,
    struct pp_error *err)
{
	static const struct {
		double lo, hi;
		const char *cls;
	} bands[] = {
		{ 0.0, 1.0, "b0" },
		{ 0.05, 0.95, "b1" },
		{ 0.10, 0.90, "b2" },
		{ 0.25, 0.75, "b3" },
	};
	struct pp_plot_series *ser = pp_plot_pick(d, target, hop, err);
	struct pp_plot_frame f;
	struct pp_plot_marks mk;
	char sub[256];

	if (ser == NULL)
		return -1;
	pp_plot_frame_init(&f, d, o->width, o->height, LEFT);
	pp_plot_marks_load(&mk, d, ser->target, &f);
	/* Below the plot: the loss strip, the time axis, the legend. */
	int lines = latency_legend(NULL, LEFT, 0, f.w - RIGHT, &mk);
	pp_plot_marks_pack(&mk, &f, d->grid.hi);
	double lane = pp_plot_lane_h(&mk);
	f.y0 = TOP + lane;
	f.ph = f.h - f.y0 - (36 + 16.0 * lines + 4);
	if (f.ph < 40)
		f.ph = 40;
	f.h = f.y0 + f.ph + 36 + 16.0 * lines + 4;
	double vmax = 0;
	for (size_t i = 0; i < f.n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		double p95 = pp_colq_quantile(c, 0.95);
		if (isfinite(p95) && p95 > vmax)
			vmax = p95;
	}
	vmax = o->ymax > 0 ? o->ymax : vmax > 0 ? vmax * 1.1 : 1;
	/* The figures of the whole input: pp-stats' (its row), or with a
	 * sliding window (--step) the columns shown.  Quantiles to the
	 * digits the sketch guarantees (lib/colq). */
	const struct pp_stats_rec *row = pp_plot_row_of(d, ser);
	unsigned long long sent = row != NULL ? row->sent : ser->total.sent;
	double loss = row != NULL ? row->loss : ser->total.sent ?
	    pp_colq_loss(&ser->total) : 0.0;
	double p50 = row != NULL ? row->p50 :
	    pp_colq_round(pp_colq_quantile(&ser->total, 0.5));
	double p95 = row != NULL ? row->p95 :
	    pp_colq_round(pp_colq_quantile(&ser->total, 0.95));
	(void)snprintf(sub, sizeof(sub), "%llu sent, %.1f%% lost, median "
	    "%.*f ms, p95 %.*f ms", sent, isfinite(loss) ? loss : 0.0,
	    pp_colq_decimals(p50), p50, pp_colq_decimals(p95), p95);
	pp_svg_begin(s, f.w, f.h, "pp-plot latency", pp_plot_css(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	pp_plot_title(s, &f, "latency", ser->target, ser, o, sub);
	value_axis(s, &f, vmax);
	/* The smoke: nested quantile bands, one path each. */
	for (size_t b = 0; b < sizeof(bands) / sizeof(bands[0]); b++) {
		pp_svg_path_begin(s, bands[b].cls, NULL, NULL);
		for (size_t i = 0; i < f.n; i++) {
			const struct pp_colq *c = col_at(d, ser, i);
			if (c->recv == 0)
				continue;
			double x = f.x0 + (double)i * f.cw;
			double yl = yof(&f, pp_colq_quantile(c, bands[b].lo));
			double yh = yof(&f, pp_colq_quantile(c, bands[b].hi));
			if (yl - yh < 0.5)
				yl = yh + 0.5;
			pp_svg_path_point(s, x, yh);
			pp_svg_path_point(s, x + f.cw, yh);
			pp_svg_path_point(s, x + f.cw, yl);
			pp_svg_path_point(s, x, yl);
			pp_svg_path_close(s);
		}
		pp_svg_path_end(s);
	}
	/* The median, coloured by the column's loss: one path per colour;
	 * consecutive columns join, a gap (no probes) breaks the line. */
	for (size_t k = 0; k < NLOSS; k++) {
		bool any = false;
		for (size_t i = 0; i < f.n; i++) {
			const struct pp_colq *c = col_at(d, ser, i);
			if (c->recv == 0 || loss_class(pp_colq_loss(c)) != k)
				continue;
			if (!any) {
				pp_svg_path_begin(s, "med", NULL,
				    loss_scale[k].colour);
				any = true;
			}
			double x = f.x0 + (double)i * f.cw;
			double y = yof(&f, pp_colq_quantile(c, 0.5));
			pp_svg_path_gap(s);
			pp_svg_path_point(s, x, y);
			pp_svg_path_point(s, x + f.cw, y);
		}
		if (any)
			pp_svg_path_end(s);
	}
	/* Loss marks under the plot. */
	double ly = f.y0 + f.ph + 2;
	pp_svg_group(s, "loss");
	for (size_t i = 0; i < f.n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		if (c->sent == 0)
			continue;
		pp_svg_rect(s, f.x0 + (double)i * f.cw, ly, f.cw, 6, NULL,
		    pp_plot_loss_colour(pp_colq_loss(c)));
	}
	pp_svg_group_end(s);
	time_axis(s, &f, ly + 8, o);
	pp_plot_draw_marks(s, &f, &mk, TOP, f.y0, f.y0 + f.ph, f.y0 + f.ph,
	    NULL, NULL, d->grid.hi, o);
	(void)latency_legend(s, LEFT, f.y0 + f.ph + 36, f.w - RIGHT, &mk);
	pp_plot_marks_free(&mk);
	pp_svg_end(s);
	return 0;
}

/* A sequential palette (light to dark) for the heatmap. */
static const char *const heat_light[] = {
	"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6",
	"#2171b5", "#08519c", "#08306b",
};
static const char *const heat_dark[] = {
	"#1b2230", "#1f3350", "#23466f", "#27598d", "#2f6ea8", "#4186c0",
	"#5e9fd3", "#86bbe3", "#b5d7f0",
};

int
pp_plot_heatmap(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, int hop, const struct pp_plot_opts *o,
    struct pp_error *err)
{
	struct pp_plot_series *ser = pp_plot_pick(d, target, hop, err);
	const char *const *pal = o->dark ? heat_dark : heat_light;
	struct pp_plot_frame f;
	struct pp_plot_marks mk;
	struct pp_plot_legend lg;

	if (ser == NULL)
		return -1;
	pp_plot_frame_init(&f, d, o->width, o->height, LEFT);
	pp_plot_marks_load(&mk, d, ser->target, &f);
	/* Lines of legend: the share scale has one of its own at the right
	 * of the first. */
	legend_init(&lg, LEFT, 0, f.w - RIGHT - 9 * 12 - 120);
	loss_legend(NULL, &lg);
	pp_plot_marks_legend(NULL, &lg, &mk);
	int lines = (int)(lg.y / 16) + 1;
	pp_plot_marks_pack(&mk, &f, d->grid.hi);
	double lane = pp_plot_lane_h(&mk);
	double ltop = TOP + lane;	/* the loss strip */
	f.y0 = ltop + 10;
	f.ph = f.h - f.y0 - (36 + 16.0 * lines + 4);
	if (f.ph < 40)
		f.ph = 40;
	f.h = f.y0 + f.ph + 36 + 16.0 * lines + 4;
	double vmax = 0;
	for (size_t i = 0; i < f.n; i++) {
		double p99 = pp_colq_quantile(col_at(d, ser, i), 0.99);
		if (isfinite(p99) && p99 > vmax)
			vmax = p99;
	}
	vmax = o->ymax > 0 ? o->ymax : vmax > 0 ? vmax * 1.1 : 1;
	pp_svg_begin(s, f.w, f.h, "pp-plot heatmap", pp_plot_css(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	pp_plot_title(s, &f, "RTT distribution", ser->target, ser, o,
	    "share of replies per column");
	value_axis(s, &f, vmax);
	int nrows = (int)(f.ph / 4);
	if (nrows < 1)
		nrows = 1;
	double rh = f.ph / nrows;
	double *rows = calloc((size_t)nrows, sizeof(*rows));
	if (rows == NULL) {
		pp_plot_marks_free(&mk);
		pp_error_set(err, "out of memory");
		return -1;
	}
	pp_svg_group(s, "cells");
	for (size_t i = 0; i < f.n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		if (c->recv == 0)
			continue;
		memset(rows, 0, (size_t)nrows * sizeof(*rows));
		rows[0] += c->zeros;
		for (size_t b = 0; b < c->nbins; b++) {
			double v = pp_colq_bin_value(c, b);
			int r = (int)(v / f.ymax * nrows);
			if (r >= nrows)
				r = nrows - 1;
			if (r < 0)
				r = 0;
			rows[r] += c->bins[b].n;
		}
		/* Runs of rows with the same shade become one rectangle. */
		int run_start = -1;
		int run_shade = -1;
		for (int r = 0; r <= nrows; r++) {
			int shade = -1;
			if (r < nrows && rows[r] > 0) {
				double share = rows[r] / c->recv;
				shade = (int)ceil(share * 8);
				if (shade > 8)
					shade = 8;
				if (shade < 1)
					shade = 1;
			}
			if (shade == run_shade)
				continue;
			if (run_shade > 0) {
				double ytop = f.y0 + f.ph - r * rh;
				pp_svg_rect(s, f.x0 + (double)i * f.cw, ytop,
				    f.cw, (r - run_start) * rh, NULL,
				    pal[run_shade]);
			}
			run_start = r;
			run_shade = shade;
		}
	}
	pp_svg_group_end(s);
	free(rows);
	/* Loss on top. */
	pp_svg_group(s, "loss");
	for (size_t i = 0; i < f.n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		if (c->sent > 0)
			pp_svg_rect(s, f.x0 + (double)i * f.cw, ltop, f.cw, 7,
			    NULL, pp_plot_loss_colour(pp_colq_loss(c)));
	}
	pp_svg_group_end(s);
	time_axis(s, &f, f.y0 + f.ph, o);
	pp_plot_draw_marks(s, &f, &mk, TOP, f.y0, f.y0 + f.ph, f.y0 + f.ph,
	    NULL, NULL, d->grid.hi, o);
	double ly = f.y0 + f.ph + 36;
	legend_init(&lg, LEFT, ly, f.w - RIGHT - 9 * 12 - 120);
	loss_legend(s, &lg);
	pp_plot_marks_legend(s, &lg, &mk);
	double lx = f.x0 + f.pw - 8 * 12;
	pp_svg_text(s, lx - 6, ly + 9, "end", NULL, "share of replies:");
	for (int k = 1; k <= 8; k++)
		pp_svg_rect(s, lx + (k - 1) * 12, ly, 12, 10, NULL, pal[k]);
	pp_svg_text(s, lx, ly + 22, NULL, "dim", "0");
	pp_svg_text(s, lx + 8 * 12, ly + 22, "end", "dim", "100%");
	pp_plot_marks_free(&mk);
	pp_svg_end(s);
	return 0;
}

/* The timeline's rows, for plot_draw_marks to find a hop's. */
struct rows {
	struct pp_plot_series **hops;
	size_t nh;
	double y0;		/* top of the first row */
	double rowh;
};

static double
timeline_row_y(const void *arg, int ttl)
{
	const struct rows *r = arg;

	for (size_t k = 0; k < r->nh; k++)
		if (r->hops[k]->ttl == ttl)
			return r->y0 + r->rowh * ((double)k + 0.5);
	return NAN;
}

int
pp_plot_timeline(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err)
{
	struct pp_plot_series *hops[256];
	struct pp_plot_series *dest = pp_plot_pick(d, target, 0, err);
	struct pp_plot_frame f;
	struct pp_plot_marks mk;
	struct pp_plot_legend lg;

	if (dest == NULL)
		return -1;
	size_t nh = pp_plotdata_hops(d, dest->target, hops, 256);
	/* Columns: the hop labels (narrower on narrow pictures), the strips,
	 * each hop's figures. */
	double left = fmin(200, fmax(110, o->width * 0.24));
	double figw = 112;
	pp_plot_frame_init(&f, d, o->width, o->height, left);
	pp_plot_marks_load(&mk, d, dest->target, &f);
	legend_init(&lg, 16, 0, o->width - RIGHT);
	loss_legend(NULL, &lg);
	pp_plot_marks_legend(NULL, &lg, &mk);
	int lines = (int)(lg.y / 16) + 1;
	f.pw = o->width - left - RIGHT - figw;
	f.cw = f.pw / (double)(f.n > 0 ? f.n : 1);
	pp_plot_marks_pack(&mk, &f, d->grid.hi);
	double lane = pp_plot_lane_h(&mk);
	double below = 36 + 16.0 * lines + 4;
	double rowh = 26;
	f.y0 = TOP + lane;
	if (nh > 0 && o->height - f.y0 - below > rowh * (double)nh)
		rowh = (o->height - f.y0 - below) / (double)nh;
	f.h = f.y0 + rowh * (double)nh + below;
	f.ph = rowh * (double)nh;
	/* One latency scale for every hop: the highest median. */
	double vmax = 0;
	for (size_t k = 0; k < nh; k++)
		for (size_t i = 0; i < f.n; i++) {
			double m = pp_colq_quantile(col_at(d, hops[k], i), 0.5);
			if (isfinite(m) && m > vmax)
				vmax = m;
		}
	struct pp_axis ax;
	pp_axis_value(&ax, 0, o->ymax > 0 ? o->ymax : vmax > 0 ? vmax : 1, 5,
	    true, "ms");
	double ymax = ax.hi;
	char sub[128];
	(void)snprintf(sub, sizeof(sub), "bar height = median RTT, full row = "
	    "%s; colour = loss", ax.label[ax.nticks - 1]);
	pp_svg_begin(s, f.w, f.h, "pp-plot timeline", pp_plot_css(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	pp_plot_title(s, &f, "path timeline", dest->target, NULL, o, sub);
	size_t maxc = (size_t)((left - 24) / 6.5);
	if (maxc > 60)
		maxc = 60;
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_series *ser = hops[k];
		const struct pp_plot_addr *ad = pp_plot_series_addr(ser);
		double top = f.y0 + rowh * (double)k;
		double base = top + rowh - 2;
		char label[160];
		(void)snprintf(label, sizeof(label), "%d  %s", ser->ttl,
		    ad != NULL ? (ad->host != NULL ? ad->host : ad->addr) :
		    "* (no reply)");
		if (strlen(label) > maxc && maxc > 3) {
			label[maxc - 2] = '.';
			label[maxc - 1] = '.';
			label[maxc] = '\0';
		}
		if (k % 2 == 1)
			pp_svg_rect(s, f.x0, top, f.pw, rowh, "band", NULL);
		pp_svg_line(s, f.x0, base, f.x0 + f.pw, base, "grid");
		pp_svg_text(s, f.x0 - 8, top + rowh / 2 + 4, "end", NULL,
		    label);
		pp_svg_group(s, "row");
		for (size_t i = 0; i < f.n; i++) {
			const struct pp_colq *c = col_at(d, ser, i);
			if (c->sent == 0)
				continue;
			double x = f.x0 + (double)i * f.cw;
			if (c->recv == 0) {
				pp_svg_rect(s, x, top + 2, f.cw, rowh - 4,
				    "lost", NULL);
				continue;
			}
			double m = pp_colq_quantile(c, 0.5);
			double bh = (m < ymax ? m : ymax) / ymax * (rowh - 4);
			if (bh < 1)
				bh = 1;
			pp_svg_rect(s, x, base - bh, f.cw, bh, NULL,
			    pp_plot_loss_colour(pp_colq_loss(c)));
		}
		pp_svg_group_end(s);
		/* The hop's figures over the whole input: pp-stats' row
		 * (the columns shown with --step). */
		char fig[64];
		const struct pp_stats_rec *row = pp_plot_row_of(d, ser);
		double loss = row != NULL ? row->loss :
		    pp_colq_loss(&ser->total);
		double med = row != NULL ? row->p50 :
		    pp_colq_round(pp_colq_quantile(&ser->total, 0.5));
		if (isfinite(med))
			(void)snprintf(fig, sizeof(fig), "%.1f%%  %.*f ms",
			    isfinite(loss) ? loss : 0.0,
			    pp_colq_decimals(med), med);
		else
			(void)snprintf(fig, sizeof(fig), "%.1f%%  -",
			    isfinite(loss) ? loss : 0.0);
		pp_svg_text(s, f.x0 + f.pw + 8, top + rowh / 2 + 4, NULL,
		    NULL, fig);
	}
	pp_svg_text(s, f.x0 + f.pw + 8, f.y0 - 4 - lane, NULL, "dim",
	    "loss  median");
	time_axis(s, &f, f.y0 + f.ph + 2, o);
	/* Outages of the destination shade its row; route changes cross
	 * every row, with a dot at the hop that changed. */
	struct rows rr = { hops, nh, f.y0, rowh };
	double dy = timeline_row_y(&rr, dest->ttl);
	double oy0 = isfinite(dy) ? dy - rowh / 2 : f.y0;
	double oy1 = isfinite(dy) ? dy + rowh / 2 : f.y0 + f.ph;
	pp_plot_draw_marks(s, &f, &mk, TOP, oy0, oy1, f.y0 + f.ph,
	    timeline_row_y, &rr, d->grid.hi, o);
	legend_init(&lg, 16, f.y0 + f.ph + 36, o->width - RIGHT);
	loss_legend(s, &lg);
	pp_plot_marks_legend(s, &lg, &mk);
	pp_plot_marks_free(&mk);
	pp_svg_end(s);
	return 0;
}

static const char *const chart_names[] = {
	"latency", "heatmap", "timeline", "map", "summary",
};

int
pp_plot_chart_find(const char *name)
{
	for (size_t i = 0; i < sizeof(chart_names) / sizeof(chart_names[0]);
	    i++)
		if (strcmp(name, chart_names[i]) == 0)
			return (int)i;
	return -1;
}

/* A chart saying there is nothing to draw (empty input). */
static void
empty_chart(struct pp_svg *s, const struct pp_plot_opts *d)
{
	pp_svg_begin(s, d->width, d->height, "pp-plot", NULL);
	pp_svg_rect(s, 0, 0, d->width, d->height, NULL,
	    d->dark ? "#15181c" : "#ffffff");
	pp_svg_raw(s, d->dark ? "<g fill=\"#dddddd\" font-family=\"sans-serif\""
	    ">\n" : "<g fill=\"#222222\" font-family=\"sans-serif\">\n");
	pp_svg_text(s, d->width / 2.0, d->height / 2.0, "middle", NULL,
	    "no probe records to plot");
	pp_svg_raw(s, "</g>\n");
	pp_svg_end(s);
}

int
pp_plot_chart(struct pp_svg *s, enum pp_plot_chart kind,
    const struct pp_plotdata *d, const char *target, int hop,
    const struct pp_plot_opts *o, struct pp_error *err)
{
	if (d->nseries == 0 && target == NULL) {
		empty_chart(s, o);
		return 0;
	}
	switch (kind) {
	case PP_PLOT_LATENCY:
		return pp_plot_latency(s, d, target, hop, o, err);
	case PP_PLOT_HEATMAP:
		return pp_plot_heatmap(s, d, target, hop, o, err);
	case PP_PLOT_TIMELINE:
		return pp_plot_timeline(s, d, target, o, err);
	case PP_PLOT_MAP:
		return pp_plot_map(s, d, target, o, err);
	case PP_PLOT_SUMMARY:
		return pp_plot_summary(s, d, o, err);
	}
	return -1;
}
