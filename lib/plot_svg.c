/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_svg.c: pp-plot's charts (see plot.h).  Every chart is a standalone
 * SVG document: styles inline, no scripts, no external references; all
 * text escaped by lib/svg. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/axis.h"
#include "lib/plot.h"

#define LEFT 64.0
#define RIGHT 24.0
#define TOP 48.0
#define BOTTOM 76.0

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
    ".dim{fill:#888}";
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
    ".dim{fill:#888}";

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

const char *
pp_plot_loss_colour(double loss)
{
	return loss_scale[loss_class(loss)].colour;
}

/* "2026-11-24 16:00:00" (UTC or local). */
static void
fmt_time(double t, bool local, char *buf, size_t size)
{
	struct tm tm;

	/* Convert only what time_t holds (event times are any number). */
	if (!isfinite(t) || fabs(t) > 1e15) {
		(void)snprintf(buf, size, "-");
		return;
	}
	time_t tt = (time_t)floor(t);
	if ((local ? localtime_r(&tt, &tm) : gmtime_r(&tt, &tm)) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)snprintf(buf, size, "%.0f", t);
}

static const char *
css_of(const struct pp_plot_opts *o)
{
	return o->dark ? css_dark : css_light;
}

/* Pick the series: target (NULL = first) at hop (0 = destination). */
static struct pp_plot_series *
pick(const struct pp_plotdata *d, const char *target, int hop,
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

struct frame {
	double w, h;		/* document size */
	double x0, y0;		/* plot area top left */
	double pw, ph;		/* plot area size */
	double t0, t1;		/* time span of the columns */
	size_t n;		/* columns */
	double cw;		/* column width, px */
	double ymax;		/* value at the top, ms */
};

static double
xof(const struct frame *f, double t)
{
	return f->x0 + (t - f->t0) / (f->t1 - f->t0) * f->pw;
}

static double
yof(const struct frame *f, double v)
{
	if (v > f->ymax)
		v = f->ymax;
	if (v < 0)
		v = 0;
	return f->y0 + f->ph - v / f->ymax * f->ph;
}

static void
frame_init(struct frame *f, const struct pp_plotdata *d, double w, double h,
    double left)
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
	f->cw = f->pw / (double)(f->n > 0 ? f->n : 1);
	f->ymax = 1;
}

static void
time_axis(struct pp_svg *s, const struct frame *f, double y,
    const struct pp_plot_opts *o)
{
	struct pp_axis a;

	pp_axis_time(&a, f->t0, f->t1, (int)(f->pw / 90) + 1, o->local);
	pp_svg_line(s, f->x0, y, f->x0 + f->pw, y, "axis");
	for (int i = 0; i < a.nticks; i++) {
		double x = xof(f, a.tick[i]);
		pp_svg_line(s, x, y, x, y + 4, "axis");
		pp_svg_text(s, x, y + 15, "middle", NULL, a.label[i]);
	}
}

/* Value axis with grid lines; returns the top value. */
static double
value_axis(struct pp_svg *s, struct frame *f, double vmax)
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

static void
title(struct pp_svg *s, const struct frame *f, const char *what,
    const char *target, const struct pp_plot_series *ser,
    const struct pp_plot_opts *o, const char *sub)
{
	char a[32];
	char b[32];
	char buf[512];
	const struct pp_plot_addr *ad = ser != NULL ?
	    pp_plot_series_addr(ser) : NULL;

	fmt_time(f->t0, o->local, a, sizeof(a));
	fmt_time(f->t1, o->local, b, sizeof(b));
	if (ser != NULL && ser->ttl > 0)
		(void)snprintf(buf, sizeof(buf), "%s: %s, hop %d%s%s%s", what,
		    target, ser->ttl, ad != NULL ? " (" : "",
		    ad != NULL ? ad->addr : "", ad != NULL ? ")" : "");
	else
		(void)snprintf(buf, sizeof(buf), "%s: %s", what, target);
	pp_svg_text(s, LEFT, 18, NULL, "title", buf);
	(void)snprintf(buf, sizeof(buf), "%s to %s %s%s%s", a, b,
	    o->local ? "local time" : "UTC", sub != NULL ? "; " : "",
	    sub != NULL ? sub : "");
	/* About 6 px a character: figures that do not fit are left out
	 * (the HTML report and pp-stats have them). */
	if (sub != NULL && LEFT + 6.0 * (double)strlen(buf) > f->w)
		(void)snprintf(buf, sizeof(buf), "%s to %s %s", a, b,
		    o->local ? "local time" : "UTC");
	pp_svg_text(s, LEFT, 34, NULL, "sub", buf);
}

static void
loss_legend(struct pp_svg *s, double x, double y)
{
	pp_svg_text(s, x, y + 9, NULL, NULL, "loss:");
	x += 34;
	for (size_t i = 0; i < NLOSS; i++) {
		pp_svg_rect(s, x, y, 10, 10, NULL, loss_scale[i].colour);
		pp_svg_text(s, x + 13, y + 9, NULL, NULL, loss_scale[i].label);
		x += 24 + 7 * (double)strlen(loss_scale[i].label);
	}
}

static const struct pp_colq *
col_at(const struct pp_plotdata *d, const struct pp_plot_series *ser,
    size_t i)
{
	return pp_tseries_at(&d->grid, &ser->cols, i);
}

/* Outages of target (at its destination or any hop when ttl matches) and
 * columns where every probe was lost, shaded over the plot height. */
static void
shade_outages(struct pp_svg *s, const struct frame *f,
    const struct pp_plotdata *d, const struct pp_plot_series *ser)
{
	pp_svg_group(s, "outages");
	for (size_t i = 0; i < d->nev[PP_EV_OUTAGE]; i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d,
		    PP_EV_OUTAGE, i);
		if (strcmp(e->target, ser->target) != 0 ||
		    (e->ttl != 0 && ser->ttl != 0 && e->ttl != ser->ttl) ||
		    !isfinite(e->ts) || !isfinite(e->end) || e->end < f->t0 ||
		    e->ts > f->t1)
			continue;
		double x1 = xof(f, e->ts < f->t0 ? f->t0 : e->ts);
		double x2 = xof(f, e->end > f->t1 ? f->t1 : e->end);
		pp_svg_rect(s, x1, f->y0, x2 - x1 > 1 ? x2 - x1 : 1, f->ph,
		    "outage", NULL);
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		if (c->sent > 0 && c->recv == 0)
			pp_svg_rect(s, f->x0 + (double)i * f->cw, f->y0, f->cw,
			    f->ph, "lost", NULL);
	}
	pp_svg_group_end(s);
}

int
pp_plot_latency(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, int hop, const struct pp_plot_opts *o,
    struct pp_error *err)
{
	static const struct {
		double lo, hi;
		const char *cls;
		const char *label;
	} bands[] = {
		{ 0.0, 1.0, "b0", "min-max" },
		{ 0.05, 0.95, "b1", "p5-p95" },
		{ 0.10, 0.90, "b2", "p10-p90" },
		{ 0.25, 0.75, "b3", "p25-p75" },
	};
	struct pp_plot_series *ser = pick(d, target, hop, err);
	struct frame f;
	char sub[256];

	if (ser == NULL)
		return -1;
	frame_init(&f, d, o->width, o->height, LEFT);
	double vmax = 0;
	for (size_t i = 0; i < f.n; i++) {
		const struct pp_colq *c = col_at(d, ser, i);
		double p95 = pp_colq_quantile(c, 0.95);
		if (isfinite(p95) && p95 > vmax)
			vmax = p95;
	}
	vmax = o->ymax > 0 ? o->ymax : vmax > 0 ? vmax * 1.1 : 1;
	/* Quantiles to the digits the sketch guarantees (lib/colq). */
	double p50 = pp_colq_round(pp_colq_quantile(&ser->total, 0.5));
	double p95 = pp_colq_round(pp_colq_quantile(&ser->total, 0.95));
	(void)snprintf(sub, sizeof(sub), "%u sent, %.1f%% lost, median "
	    "%.*f ms, p95 %.*f ms", ser->total.sent,
	    ser->total.sent ? pp_colq_loss(&ser->total) : 0.0,
	    pp_colq_decimals(p50), p50, pp_colq_decimals(p95), p95);
	pp_svg_begin(s, f.w, f.h, "pp-plot latency", css_of(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	title(s, &f, "latency", ser->target, ser, o, sub);
	value_axis(s, &f, vmax);
	shade_outages(s, &f, d, ser);
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
	loss_legend(s, f.x0, f.h - 22);
	double lx = f.x0 + 34;
	pp_svg_text(s, f.x0, f.h - 31, NULL, NULL, "RTT:");
	for (size_t b = 0; b < sizeof(bands) / sizeof(bands[0]); b++) {
		pp_svg_rect(s, lx, f.h - 40, 10, 10, bands[b].cls, NULL);
		pp_svg_text(s, lx + 13, f.h - 31, NULL, NULL, bands[b].label);
		lx += 74;
	}
	pp_svg_path_begin(s, "med", NULL, loss_scale[0].colour);
	pp_svg_path_point(s, lx, f.h - 35);
	pp_svg_path_point(s, lx + 10, f.h - 35);
	pp_svg_path_end(s);
	pp_svg_text(s, lx + 13, f.h - 31, NULL, NULL, "median");
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
	struct pp_plot_series *ser = pick(d, target, hop, err);
	const char *const *pal = o->dark ? heat_dark : heat_light;
	struct frame f;

	if (ser == NULL)
		return -1;
	frame_init(&f, d, o->width, o->height, LEFT);
	f.y0 = TOP + 10;
	f.ph -= 10;
	double vmax = 0;
	for (size_t i = 0; i < f.n; i++) {
		double p99 = pp_colq_quantile(col_at(d, ser, i), 0.99);
		if (isfinite(p99) && p99 > vmax)
			vmax = p99;
	}
	vmax = o->ymax > 0 ? o->ymax : vmax > 0 ? vmax * 1.1 : 1;
	pp_svg_begin(s, f.w, f.h, "pp-plot heatmap", css_of(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	title(s, &f, "RTT distribution", ser->target, ser, o,
	    "share of replies per column");
	value_axis(s, &f, vmax);
	int nrows = (int)(f.ph / 4);
	if (nrows < 1)
		nrows = 1;
	double rh = f.ph / nrows;
	double *rows = calloc((size_t)nrows, sizeof(*rows));
	if (rows == NULL) {
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
			pp_svg_rect(s, f.x0 + (double)i * f.cw, TOP, f.cw, 7,
			    NULL, pp_plot_loss_colour(pp_colq_loss(c)));
	}
	pp_svg_group_end(s);
	time_axis(s, &f, f.y0 + f.ph, o);
	loss_legend(s, f.x0, f.h - 22);
	double lx = f.x0 + f.pw - 9 * 12;
	pp_svg_text(s, lx - 6, f.h - 31, "end", NULL, "share of replies:");
	for (int k = 1; k <= 8; k++)
		pp_svg_rect(s, lx + (k - 1) * 12, f.h - 40, 12, 10, NULL,
		    pal[k]);
	pp_svg_text(s, lx, f.h - 44, NULL, "dim", "0");
	pp_svg_text(s, lx + 8 * 12, f.h - 44, "end", "dim", "100%");
	pp_svg_end(s);
	return 0;
}

int
pp_plot_timeline(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err)
{
	struct pp_plot_series *hops[256];
	struct pp_plot_series *dest = pick(d, target, 0, err);
	struct frame f;

	if (dest == NULL)
		return -1;
	size_t nh = pp_plotdata_hops(d, dest->target, hops, 256);
	double rowh = 26;
	double left = 200;
	double h = TOP + 20 + rowh * (double)nh + BOTTOM - 20;
	if (o->height > h && nh > 0)
		rowh = (o->height - TOP - BOTTOM) / (double)nh;
	h = TOP + rowh * (double)nh + BOTTOM;
	frame_init(&f, d, o->width, h, left);
	f.pw -= 120;		/* room for per-hop figures on the right */
	f.cw = f.pw / (double)(f.n > 0 ? f.n : 1);
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
	pp_axis_value(&ax, 0, o->ymax > 0 ? o->ymax : vmax > 0 ? vmax : 1, 2,
	    true, "ms");
	double ymax = ax.hi;
	char sub[128];
	(void)snprintf(sub, sizeof(sub), "bar height = median RTT, full row = "
	    "%s; colour = loss", ax.label[ax.nticks - 1]);
	pp_svg_begin(s, f.w, f.h, "pp-plot timeline", css_of(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	title(s, &f, "path timeline", dest->target, NULL, o, sub);
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_series *ser = hops[k];
		const struct pp_plot_addr *ad = pp_plot_series_addr(ser);
		double top = f.y0 + rowh * (double)k;
		double base = top + rowh - 2;
		char label[160];
		(void)snprintf(label, sizeof(label), "%d  %s", ser->ttl,
		    ad != NULL ? (ad->host != NULL ? ad->host : ad->addr) :
		    "* (no reply)");
		if (strlen(label) > 30) {
			label[28] = '.';
			label[29] = '.';
			label[30] = '\0';
		}
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
		char fig[64];
		double med = pp_colq_round(pp_colq_quantile(&ser->total,
		    0.5));
		(void)snprintf(fig, sizeof(fig), "%.1f%%  %.*f ms",
		    pp_colq_loss(&ser->total), pp_colq_decimals(med), med);
		pp_svg_text(s, f.x0 + f.pw + 8, top + rowh / 2 + 4, NULL,
		    NULL, fig);
	}
	pp_svg_text(s, f.x0 + f.pw + 8, f.y0 - 4, NULL, "dim",
	    "loss  median");
	time_axis(s, &f, f.y0 + f.ph + 2, o);
	loss_legend(s, f.x0, f.h - 22);
	pp_svg_end(s);
	return 0;
}

/* ------------------------------------------------------------- map */

struct view {
	double lon0, lon1, lat0, lat1;	/* shown extent */
	double x0, y0, w, h;		/* where, px */
};

static double
mx(const struct view *v, double lon)
{
	return v->x0 + (lon - v->lon0) / (v->lon1 - v->lon0) * v->w;
}

static double
my(const struct view *v, double lat)
{
	return v->y0 + (v->lat1 - lat) / (v->lat1 - v->lat0) * v->h;
}

/* Draw the land rings of datadir/map/land-110m.rings.txt.  Returns 0, or
 * -1 (err set) when the file cannot be read. */
static int
draw_land(struct pp_svg *s, const struct view *v, const char *datadir,
    struct pp_error *err)
{
	char path[4096];
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	(void)snprintf(path, sizeof(path), "%s/map/land-110m.rings.txt",
	    datadir != NULL ? datadir : ".");
	fp = fopen(path, "r");
	if (fp == NULL) {
		pp_error_set(err, "cannot open map outlines '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	pp_svg_path_begin(s, "land", NULL, NULL);
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *p = line;
		if (*p == '#' || *p == '\n')
			continue;
		if (p[0] == 'H' && p[1] == ' ')
			p += 2;
		pp_svg_path_gap(s);
		while (*p != '\0' && *p != '\n') {
			char *end = NULL;
			double lon = strtod(p, &end);
			if (end == p || *end != ',')
				break;
			p = end + 1;
			double lat = strtod(p, &end);
			if (end == p)
				break;
			p = end;
			while (*p == ' ')
				p++;
			pp_svg_path_point(s, mx(v, lon), my(v, lat));
		}
		pp_svg_path_close(s);
	}
	free(line);
	fclose(fp);
	pp_svg_path_end(s);
	return 0;
}

int
pp_plot_map(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err)
{
	struct pp_plot_series *hops[256];
	struct pp_plot_series *dest = pick(d, target, 0, err);
	struct view v;

	if (dest == NULL)
		return -1;
	size_t nh = pp_plotdata_hops(d, dest->target, hops, 256);
	/* The extent: the world, or the located hops' box with a margin,
	 * kept at 2:1 so the projection stays equirectangular. */
	double lo0 = 180, lo1 = -180, la0 = 90, la1 = -90;
	size_t located = 0;
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		if (a == NULL || !a->located)
			continue;
		located++;
		lo0 = fmin(lo0, a->lon);
		lo1 = fmax(lo1, a->lon);
		la0 = fmin(la0, a->lat);
		la1 = fmax(la1, a->lat);
	}
	v.lon0 = -180;
	v.lon1 = 180;
	v.lat0 = -90;
	v.lat1 = 90;
	if (located > 0 && lo1 - lo0 < 120 && la1 - la0 < 60) {
		double wlon = fmax(fmax(lo1 - lo0, 2 * (la1 - la0)) * 1.4, 30);
		double clon = (lo0 + lo1) / 2;
		double clat = (la0 + la1) / 2;
		v.lon0 = fmax(-180, clon - wlon / 2);
		v.lon1 = fmin(180, v.lon0 + wlon);
		v.lon0 = v.lon1 - wlon;
		v.lat0 = fmax(-90, clat - wlon / 4);
		v.lat1 = fmin(90, v.lat0 + wlon / 2);
		v.lat0 = v.lat1 - wlon / 2;
	}
	double side = 240;
	v.x0 = 16;
	v.y0 = TOP;
	v.w = o->width - side - 32;
	v.h = v.w / 2;
	double h = v.y0 + v.h + 30;
	double listh = TOP + 20 + 16.0 * (double)nh + 20;
	if (listh > h)
		h = listh;
	struct frame f;
	frame_init(&f, d, o->width, h, LEFT);
	pp_svg_begin(s, o->width, h, "pp-plot map", css_of(o));
	pp_svg_rect(s, 0, 0, o->width, h, "bg", NULL);
	title(s, &f, "path map", dest->target, NULL, o, NULL);
	pp_svg_raw(s, "<clipPath id=\"mapclip\">");
	pp_svg_rect(s, v.x0, v.y0, v.w, v.h, NULL, NULL);
	pp_svg_raw(s, "</clipPath>\n<g clip-path=\"url(#mapclip)\">\n");
	pp_svg_rect(s, v.x0, v.y0, v.w, v.h, "sea", NULL);
	if (draw_land(s, &v, o->datadir, err) == -1)
		return -1;
	for (int lon = -150; lon <= 150; lon += 30)
		pp_svg_line(s, mx(&v, lon), v.y0, mx(&v, lon), v.y0 + v.h,
		    "grid");
	for (int lat = -60; lat <= 60; lat += 30)
		pp_svg_line(s, v.x0, my(&v, lat), v.x0 + v.w, my(&v, lat),
		    "grid");
	/* The path between consecutive located hops, then the hops. */
	pp_svg_path_begin(s, "path", NULL, NULL);
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		if (a != NULL && a->located)
			pp_svg_path_point(s, mx(&v, a->lon), my(&v, a->lat));
	}
	pp_svg_path_end(s);
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		char lbl[160];
		if (a == NULL || !a->located)
			continue;
		pp_svg_group(s, "hopmark");
		(void)snprintf(lbl, sizeof(lbl), "hop %d: %s%s%s%s%s",
		    hops[k]->ttl, a->addr, a->place ? ", " : "",
		    a->place ? a->place : "", a->asn ? ", " : "",
		    a->asn ? a->asn : "");
		pp_svg_tooltip(s, lbl);
		pp_svg_circle(s, mx(&v, a->lon), my(&v, a->lat), 4, "hop",
		    NULL);
		(void)snprintf(lbl, sizeof(lbl), "%d", hops[k]->ttl);
		pp_svg_text(s, mx(&v, a->lon) + 6, my(&v, a->lat) - 5, NULL,
		    NULL, lbl);
		pp_svg_group_end(s);
	}
	pp_svg_raw(s, "</g>\n");
	/* Every hop, located or not, listed aside. */
	double lx = v.x0 + v.w + 16;
	double ly = TOP + 10;
	pp_svg_text(s, lx, ly, NULL, "title", "hops");
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		char lbl[200];
		ly += 16;
		if (a == NULL)
			(void)snprintf(lbl, sizeof(lbl), "%2d  * no reply",
			    hops[k]->ttl);
		else if (a->located)
			(void)snprintf(lbl, sizeof(lbl), "%2d  %s  %s",
			    hops[k]->ttl, a->addr, a->place ? a->place : "");
		else
			(void)snprintf(lbl, sizeof(lbl), "%2d  %s  (%s)",
			    hops[k]->ttl, a->addr, a->special ? a->special :
			    "not located");
		if (strlen(lbl) > 40) {
			lbl[37] = '.';
			lbl[38] = '.';
			lbl[39] = '\0';
		}
		pp_svg_text(s, lx, ly, NULL, a != NULL && a->located ? NULL :
		    "dim", lbl);
	}
	if (located == 0)
		pp_svg_text(s, v.x0 + v.w / 2, v.y0 + v.h / 2, "middle", "sub",
		    "no located hops: enrich the records with pp-geo");
	pp_svg_text(s, v.x0, v.y0 + v.h + 16, NULL, "dim",
	    "Land outlines: Natural Earth (public domain)");
	pp_svg_end(s);
	return 0;
}

/* --------------------------------------------------------- summary */

int
pp_plot_summary(struct pp_svg *s, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, struct pp_error *err)
{
	const char *targets[256];
	size_t nt = pp_plotdata_targets(d, targets, 256);
	static const char *const heads[] = { "loss %", "median ms", "p95 ms",
	    "MOS" };
	double vals[256][4];
	double maxv[4] = { 0, 0, 0, 5 };

	if (nt == 0) {
		pp_error_set(err, "no probe records to plot");
		return -1;
	}
	if (nt > 256)
		nt = 256;
	for (size_t t = 0; t < nt; t++) {
		struct pp_plot_series *dest = pp_plotdata_dest(d, targets[t]);
		vals[t][0] = pp_colq_loss(&dest->total);
		vals[t][1] = pp_colq_quantile(&dest->total, 0.5);
		vals[t][2] = pp_colq_quantile(&dest->total, 0.95);
		vals[t][3] = NAN;
		for (size_t i = 0; i < d->nev[PP_EV_MOS]; i++) {
			const struct pp_plot_event *e = pp_plotdata_event(d,
			    PP_EV_MOS, i);
			if (strcmp(e->target, targets[t]) == 0)
				vals[t][3] = e->value;	/* the latest */
		}
		for (int k = 0; k < 3; k++)
			if (isfinite(vals[t][k]) && vals[t][k] > maxv[k])
				maxv[k] = vals[t][k];
	}
	maxv[0] = maxv[0] > 0 ? maxv[0] : 1;
	for (int k = 1; k < 3; k++)
		maxv[k] = maxv[k] > 0 ? maxv[k] : 1;
	double rowh = 22;
	double left = 200;
	double h = TOP + 24 + rowh * (double)nt + 30;
	double colw = (o->width - left - RIGHT) / 4;
	struct frame f;
	frame_init(&f, d, o->width, h, left);
	pp_svg_begin(s, o->width, h, "pp-plot summary", css_of(o));
	pp_svg_rect(s, 0, 0, o->width, h, "bg", NULL);
	title(s, &f, "summary", "every target at its destination", NULL, o,
	    NULL);
	for (int k = 0; k < 4; k++)
		pp_svg_text(s, left + colw * k, TOP + 12, NULL, "title",
		    heads[k]);
	for (size_t t = 0; t < nt; t++) {
		double y = TOP + 24 + rowh * (double)t;
		char lbl[64];
		(void)snprintf(lbl, sizeof(lbl), "%.30s", targets[t]);
		pp_svg_text(s, left - 8, y + 14, "end", NULL, lbl);
		for (int k = 0; k < 4; k++) {
			double x = left + colw * k;
			double v = vals[t][k];
			if (!isfinite(v)) {
				pp_svg_text(s, x, y + 14, NULL, "dim", "-");
				continue;
			}
			double bw = v / maxv[k] * (colw - 70);
			pp_svg_rect(s, x, y + 4, bw > 1 ? bw : 1, rowh - 8,
			    k == 0 ? NULL : "bar",
			    k == 0 ? pp_plot_loss_colour(v) : NULL);
			if (k == 3)
				(void)snprintf(lbl, sizeof(lbl), "%.2f", v);
			else
				(void)snprintf(lbl, sizeof(lbl), "%.1f", v);
			pp_svg_text(s, x + (bw > 1 ? bw : 1) + 4, y + 14, NULL,
			    NULL, lbl);
		}
	}
	pp_svg_end(s);
	return 0;
}
