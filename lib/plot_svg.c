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
#include "lib/emodel.h"
#include "lib/plot.h"
#include "lib/trange.h"

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
	double d0, d1;		/* of the data (pp_plotdata_span) */
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
	pp_plotdata_span(d, &f->d0, &f->d1);
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

/* A legend laid out left to right, wrapping at the right margin.  Text
 * width is estimated at 6.5 px a character (11 px sans-serif). */
struct legend {
	double x0;		/* where lines start */
	double xmax;		/* right margin */
	double x, y;		/* next item's swatch (top left) */
};

static double
text_w(const char *t)
{
	return 6.5 * (double)strlen(t);
}

static void
legend_init(struct legend *lg, double x0, double y, double xmax)
{
	lg->x0 = lg->x = x0;
	lg->y = y;
	lg->xmax = xmax;
}

/* Room for w more pixels on this line, else a new line. */
static void
legend_room(struct legend *lg, double w)
{
	if (lg->x > lg->x0 && lg->x + w > lg->xmax) {
		lg->x = lg->x0;
		lg->y += 16;
	}
}

/* A heading ("loss:") that starts a group. */
/* A heading ("loss:") that starts a group of items w pixels wide: the
 * group starts a new line when it does not fit on this one. */
static void
legend_head(struct pp_svg *s, struct legend *lg, const char *text, double w)
{
	legend_room(lg, text_w(text) + 6 + w);
	if (s != NULL)
		pp_svg_text(s, lg->x, lg->y + 9, NULL, NULL, text);
	lg->x += text_w(text) + 6;
}

/* The width of an item. */
static double
item_w(const char *label)
{
	return 13 + text_w(label) + 14;
}

/* A swatch (a rect of class cls or colour fill) and its label. */
static void
legend_item(struct pp_svg *s, struct legend *lg, const char *cls,
    const char *fill, const char *label)
{
	double w = item_w(label);

	legend_room(lg, w);
	if (s != NULL) {
		pp_svg_rect(s, lg->x, lg->y, 10, 10, cls, fill);
		pp_svg_text(s, lg->x + 13, lg->y + 9, NULL, NULL, label);
	}
	lg->x += w;
}

/* The end of a group: some space. */
static void
legend_gap(struct legend *lg)
{
	lg->x += 12;
}

/* The loss colours (s NULL: only lay out). */
static void
loss_legend(struct pp_svg *s, struct legend *lg)
{
	double w = 0;

	for (size_t i = 0; i < NLOSS; i++)
		w += item_w(loss_scale[i].label);
	legend_head(s, lg, "loss:", w);
	for (size_t i = 0; i < NLOSS; i++)
		legend_item(s, lg, NULL, loss_scale[i].colour,
		    loss_scale[i].label);
	legend_gap(lg);
}

static const struct pp_colq *
col_at(const struct pp_plotdata *d, const struct pp_plot_series *ser,
    size_t i)
{
	return pp_tseries_at(&d->grid, &ser->cols, i);
}

/* ------------------------------------------------------------ marks */

#define LANE_ROW 15.0		/* a row of the lane of marks above a plot */
#define LANE_ROWS 4		/* rows at most (more marks overlap) */

/* The CSS class of an alert kind (a fixed set: class names are trusted
 * text). */
static const char *
alert_class(const char *kind)
{
	static const char *const kinds[] = { "loss", "latency", "rise", "mos",
	    "unreachable" };
	static const char *const cls[] = { "ev-loss", "ev-latency", "ev-rise",
	    "ev-mos", "ev-unreachable" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return cls[i];
	return "ev-loss";
}

const char *
pp_plot_mark_name(const struct pp_plot_mark *m)
{
	static const char *const kinds[] = { "loss", "latency", "rise", "mos",
	    "unreachable" };
	static const char *const names[] = { "loss alert", "latency alert",
	    "latency rise", "MOS alert", "unreachable" };

	if (m->kind == PP_EV_OUTAGE)
		return "outage";
	if (m->kind == PP_EV_ROUTE)
		return "route change";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(m->ev->kind, kinds[i]) == 0)
			return names[i];
	return "alert";
}

const char *
pp_plot_mark_class(const struct pp_plot_mark *m)
{
	if (m->kind == PP_EV_OUTAGE)
		return "ev-outage";
	if (m->kind == PP_EV_ROUTE)
		return "ev-route";
	return alert_class(m->ev->kind);
}

/* "00:35:47" when t falls on the day of ref, else the date too. */
static void
fmt_when(double t, double ref, bool local, char *buf, size_t size)
{
	char a[32];
	char b[32];

	(void)pp_plot_time(t, local, a, sizeof(a));
	(void)pp_plot_time(ref, local, b, sizeof(b));
	if (strlen(a) >= 19 && strncmp(a, b, 11) == 0)
		(void)snprintf(buf, size, "%s", a + 11);
	else
		(void)snprintf(buf, size, "%s", a);
}

void
pp_plot_mark_text(const struct pp_plot_mark *m, bool local, char *buf,
    size_t size)
{
	const struct pp_plot_event *e = m->ev;
	char t0[32];
	char t1[32];

	fmt_when(m->t0, m->t0, local, t0, sizeof(t0));
	switch (m->kind) {
	case PP_EV_OUTAGE:
		fmt_when(m->t1, m->t0, local, t1, sizeof(t1));
		char lost[32];
		if (isfinite(e->value))
			(void)snprintf(lost, sizeof(lost), "%.1f%%", e->value);
		else
			(void)snprintf(lost, sizeof(lost), "?");
		(void)snprintf(buf, size, "outage%s%.0d, %s to %s %s (%.1f s): "
		    "%llu sent, %llu answered, %s lost%s",
		    e->ttl > 0 ? " at hop " : "", e->ttl, t0, t1,
		    local ? "local time" : "UTC", m->t1 - m->t0, e->sent,
		    e->recv, lost, e->ongoing ? ", still out at the end" : "");
		break;
	case PP_EV_ROUTE:
		(void)snprintf(buf, size, "route change at %s %s: %s", t0,
		    local ? "local time" : "UTC", e->text);
		break;
	default:
		if (m->clear != NULL) {
			fmt_when(m->t1, m->t0, local, t1, sizeof(t1));
			(void)snprintf(buf, size, "%s, raised at %s, cleared "
			    "at %s %s: %s; %s", pp_plot_mark_name(m), t0, t1,
			    local ? "local time" : "UTC", e->text,
			    m->clear->text);
		} else {
			(void)snprintf(buf, size, "%s, raised at %s %s, still "
			    "raised at the end: %s", pp_plot_mark_name(m), t0,
			    local ? "local time" : "UTC", e->text);
		}
		break;
	}
}

/* The marks of one chart: those of its target within its time span. */
struct marks {
	struct pp_plot_mark *m;	/* owned */
	int *row;		/* lane row of each (owned) */
	long n;			/* count */
	int nrows;		/* lane rows used */
	bool has[6];		/* classes present: outage, route, loss,
				 * latency (and rise), mos, unreachable */
};

static void
marks_load(struct marks *mk, const struct pp_plotdata *d, const char *target,
    const struct frame *f)
{
	struct pp_plot_mark *all = NULL;
	long n = pp_plotdata_marks(d, target, &all);

	memset(mk, 0, sizeof(*mk));
	if (n <= 0) {
		free(all);
		return;
	}
	mk->m = all;
	for (long i = 0; i < n; i++) {
		const struct pp_plot_mark *m = &all[i];
		double end = isnan(m->t1) ? d->grid.hi : m->t1;
		if (end < f->t0 || m->t0 > f->t1)
			continue;
		all[mk->n++] = *m;
		const char *c = pp_plot_mark_class(m);
		if (strcmp(c, "ev-outage") == 0)
			mk->has[0] = true;
		else if (strcmp(c, "ev-route") == 0)
			mk->has[1] = true;
		else if (strcmp(c, "ev-loss") == 0)
			mk->has[2] = true;
		else if (strcmp(c, "ev-mos") == 0)
			mk->has[4] = true;
		else if (strcmp(c, "ev-unreachable") == 0)
			mk->has[5] = true;
		else
			mk->has[3] = true;
	}
}

static void
marks_free(struct marks *mk)
{
	free(mk->m);
	free(mk->row);
	memset(mk, 0, sizeof(*mk));
}

static double clampt(const struct frame *f, double t);

/* Give each mark a row of the lane, the first where it overlaps nothing
 * (its disc and bar), so that every number shows; once LANE_ROWS are
 * taken, the row whose last mark ends first.  The frame's x scale must be
 * final. */
static void
marks_pack(struct marks *mk, const struct frame *f, double data_end)
{
	double end[LANE_ROWS];

	mk->nrows = 0;
	if (mk->n == 0)
		return;
	mk->row = calloc((size_t)mk->n, sizeof(*mk->row));
	if (mk->row == NULL) {
		mk->nrows = 1;	/* all in one row, overlapping */
		return;
	}
	for (long i = 0; i < mk->n; i++) {
		const struct pp_plot_mark *m = &mk->m[i];
		double t1 = isnan(m->t1) ? data_end : m->t1;
		double a = xof(f, clampt(f, m->t0)) - 8;
		double b = fmax(xof(f, clampt(f, t1)), a + 16) + 3;
		int r;
		for (r = 0; r < mk->nrows; r++)
			if (end[r] <= a)
				break;
		if (r == mk->nrows && mk->nrows < LANE_ROWS) {
			mk->nrows++;
		} else if (r == mk->nrows) {
			r = 0;
			for (int k = 1; k < mk->nrows; k++)
				if (end[k] < end[r])
					r = k;
		}
		end[r] = b;
		mk->row[i] = r;
	}
}

/* The lane's height. */
static double
lane_h(const struct marks *mk)
{
	return mk->nrows > 0 ? 4 + LANE_ROW * mk->nrows : 0;
}

/* The marks' legend group. */
static void
marks_legend(struct pp_svg *s, struct legend *lg, const struct marks *mk)
{
	static const char *const cls[] = { "ev-outage", "ev-route", "ev-loss",
	    "ev-latency", "ev-mos", "ev-unreachable" };
	static const char *const label[] = { "outage", "route change",
	    "loss alert", "latency alert or rise", "MOS alert",
	    "unreachable" };
	double w = 0;

	if (mk->n == 0)
		return;
	for (int i = 0; i < 6; i++)
		if (mk->has[i])
			w += item_w(label[i]);
	legend_head(s, lg, "events:", w);
	for (int i = 0; i < 6; i++)
		if (mk->has[i])
			legend_item(s, lg, cls[i], NULL, label[i]);
	legend_gap(lg);
}

static double
clampt(const struct frame *f, double t)
{
	return t < f->t0 ? f->t0 : t > f->t1 ? f->t1 : t;
}

/* Draw the marks over frame f, each a group with its description as its
 * tooltip (what hovering shows), linked to the report's list of events
 * when o->anchor is set: in its row of the lane at lane_y, its number in a
 * disc and a bar over its span (an alert, an outage); an outage also
 * shaded over oy0..oy1, a route change a dashed line from its disc down to
 * ry1.  row_y (may be NULL): the middle of hop ttl's row (timeline), where
 * a route change puts a dot at the hop that changed. */
static void
draw_marks(struct pp_svg *s, const struct frame *f, const struct marks *mk,
    double lane_y, double oy0, double oy1, double ry1,
    double (*row_y)(const void *arg, int ttl), const void *row_arg,
    double data_end, const struct pp_plot_opts *o)
{
	char text[1200];
	char buf[64];

	if (mk->n == 0)
		return;
	pp_svg_group(s, "marks");
	for (long i = 0; i < mk->n; i++) {
		const struct pp_plot_mark *m = &mk->m[i];
		const char *cls = pp_plot_mark_class(m);
		double t1 = isnan(m->t1) ? data_end : m->t1;
		double x1 = xof(f, clampt(f, m->t0));
		double x2 = xof(f, clampt(f, t1));
		double cy = lane_y + 2 + LANE_ROW * (mk->row != NULL ?
		    mk->row[i] : 0) + LANE_ROW / 2;
		if (o->anchor != NULL) {
			(void)snprintf(buf, sizeof(buf), "<a href=\"#%s%d\">",
			    o->anchor, m->no);
			pp_svg_raw(s, buf);
		}
		(void)snprintf(buf, sizeof(buf), "mark %s", cls);
		pp_svg_group(s, buf);
		int len = snprintf(text, sizeof(text), "#%d ", m->no);
		pp_plot_mark_text(m, o->local, text + (len > 0 ? len : 0),
		    sizeof(text) - (size_t)(len > 0 ? len : 0));
		pp_svg_tooltip(s, text);
		if (m->kind == PP_EV_OUTAGE)
			pp_svg_rect(s, x1, oy0, x2 - x1 > 1 ? x2 - x1 : 1,
			    oy1 - oy0, "outage", NULL);
		if (m->kind == PP_EV_ROUTE) {
			pp_svg_line(s, x1, cy + 6, x1, ry1, "rline");
			if (row_y != NULL && m->ev->ttl > 0) {
				double y = row_y(row_arg, m->ev->ttl);
				if (isfinite(y))
					pp_svg_circle(s, x1, y, 3.5, cls, NULL);
			}
		} else {
			double h = m->kind == PP_EV_OUTAGE ? 7 : 4;
			pp_svg_rect(s, x1, cy - h / 2, x2 - x1 > 2 ? x2 - x1 : 2,
			    h, cls, NULL);
		}
		pp_svg_circle(s, x1, cy, 6.5, cls, NULL);
		(void)snprintf(buf, sizeof(buf), "%d", m->no);
		pp_svg_text(s, x1, cy + 3, "middle", "mno", buf);
		pp_svg_group_end(s);
		if (o->anchor != NULL)
			pp_svg_raw(s, "</a>\n");
	}
	pp_svg_group_end(s);
}

/* The figures of a series over the whole input as pp-stats gives them
 * (its row), when the chart shows the whole input; else NULL. */
static const struct pp_stats_rec *
row_of(const struct pp_plotdata *d, const struct pp_plot_series *ser)
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
    const struct marks *mk)
{
	static const char *const cls[] = { "b0", "b1", "b2", "b3" };
	static const char *const label[] = { "min-max", "p5-p95", "p10-p90",
	    "p25-p75" };
	struct legend lg;
	double w = item_w("median");

	legend_init(&lg, x0, y, xmax);
	for (int b = 0; b < 4; b++)
		w += item_w(label[b]);
	legend_head(s, &lg, "RTT:", w);
	for (int b = 0; b < 4; b++)
		legend_item(s, &lg, cls[b], NULL, label[b]);
	legend_room(&lg, item_w("median"));
	if (s != NULL) {
		pp_svg_path_begin(s, "med", NULL, loss_scale[0].colour);
		pp_svg_path_point(s, lg.x, lg.y + 5);
		pp_svg_path_point(s, lg.x + 10, lg.y + 5);
		pp_svg_path_end(s);
		pp_svg_text(s, lg.x + 13, lg.y + 9, NULL, NULL, "median");
	}
	lg.x += item_w("median");
	legend_gap(&lg);
	loss_legend(s, &lg);
	marks_legend(s, &lg, mk);
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
	struct pp_plot_series *ser = pick(d, target, hop, err);
	struct frame f;
	struct marks mk;
	char sub[256];

	if (ser == NULL)
		return -1;
	frame_init(&f, d, o->width, o->height, LEFT);
	marks_load(&mk, d, ser->target, &f);
	/* Below the plot: the loss strip, the time axis, the legend. */
	int lines = latency_legend(NULL, LEFT, 0, f.w - RIGHT, &mk);
	marks_pack(&mk, &f, d->grid.hi);
	double lane = lane_h(&mk);
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
	const struct pp_stats_rec *row = row_of(d, ser);
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
	pp_svg_begin(s, f.w, f.h, "pp-plot latency", css_of(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	title(s, &f, "latency", ser->target, ser, o, sub);
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
	draw_marks(s, &f, &mk, TOP, f.y0, f.y0 + f.ph, f.y0 + f.ph, NULL, NULL,
	    d->grid.hi, o);
	(void)latency_legend(s, LEFT, f.y0 + f.ph + 36, f.w - RIGHT, &mk);
	marks_free(&mk);
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
	struct marks mk;
	struct legend lg;

	if (ser == NULL)
		return -1;
	frame_init(&f, d, o->width, o->height, LEFT);
	marks_load(&mk, d, ser->target, &f);
	/* Lines of legend: the share scale has one of its own at the right
	 * of the first. */
	legend_init(&lg, LEFT, 0, f.w - RIGHT - 9 * 12 - 120);
	loss_legend(NULL, &lg);
	marks_legend(NULL, &lg, &mk);
	int lines = (int)(lg.y / 16) + 1;
	marks_pack(&mk, &f, d->grid.hi);
	double lane = lane_h(&mk);
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
		marks_free(&mk);
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
	draw_marks(s, &f, &mk, TOP, f.y0, f.y0 + f.ph, f.y0 + f.ph, NULL, NULL,
	    d->grid.hi, o);
	double ly = f.y0 + f.ph + 36;
	legend_init(&lg, LEFT, ly, f.w - RIGHT - 9 * 12 - 120);
	loss_legend(s, &lg);
	marks_legend(s, &lg, &mk);
	double lx = f.x0 + f.pw - 8 * 12;
	pp_svg_text(s, lx - 6, ly + 9, "end", NULL, "share of replies:");
	for (int k = 1; k <= 8; k++)
		pp_svg_rect(s, lx + (k - 1) * 12, ly, 12, 10, NULL, pal[k]);
	pp_svg_text(s, lx, ly + 22, NULL, "dim", "0");
	pp_svg_text(s, lx + 8 * 12, ly + 22, "end", "dim", "100%");
	marks_free(&mk);
	pp_svg_end(s);
	return 0;
}

/* The timeline's rows, for draw_marks to find a hop's. */
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
	struct pp_plot_series *dest = pick(d, target, 0, err);
	struct frame f;
	struct marks mk;
	struct legend lg;

	if (dest == NULL)
		return -1;
	size_t nh = pp_plotdata_hops(d, dest->target, hops, 256);
	/* Columns: the hop labels (narrower on narrow pictures), the strips,
	 * each hop's figures. */
	double left = fmin(200, fmax(110, o->width * 0.24));
	double figw = 112;
	frame_init(&f, d, o->width, o->height, left);
	marks_load(&mk, d, dest->target, &f);
	legend_init(&lg, 16, 0, o->width - RIGHT);
	loss_legend(NULL, &lg);
	marks_legend(NULL, &lg, &mk);
	int lines = (int)(lg.y / 16) + 1;
	f.pw = o->width - left - RIGHT - figw;
	f.cw = f.pw / (double)(f.n > 0 ? f.n : 1);
	marks_pack(&mk, &f, d->grid.hi);
	double lane = lane_h(&mk);
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
	pp_svg_begin(s, f.w, f.h, "pp-plot timeline", css_of(o));
	pp_svg_rect(s, 0, 0, f.w, f.h, "bg", NULL);
	title(s, &f, "path timeline", dest->target, NULL, o, sub);
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
		const struct pp_stats_rec *row = row_of(d, ser);
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
	draw_marks(s, &f, &mk, TOP, oy0, oy1, f.y0 + f.ph, timeline_row_y, &rr,
	    d->grid.hi, o);
	legend_init(&lg, 16, f.y0 + f.ph + 36, o->width - RIGHT);
	loss_legend(s, &lg);
	marks_legend(s, &lg, &mk);
	marks_free(&mk);
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

/* One panel of the summary: a value axis over [lo, hi] across x0..x1,
 * labelled at the top (y) with grid lines down to y1. */
static void
summary_axis(struct pp_svg *s, const struct pp_axis *a, double x0, double x1,
    double y, double y1)
{
	for (int i = 0; i < a->nticks; i++) {
		if (a->tick[i] < a->lo - 1e-9 || a->tick[i] > a->hi + 1e-9)
			continue;
		double x = x0 + (a->tick[i] - a->lo) / (a->hi - a->lo) *
		    (x1 - x0);
		pp_svg_line(s, x, y + 4, x, y1, a->tick[i] == a->lo ? "axis" :
		    "grid");
		pp_svg_text(s, x, y, "middle", "dim", a->label[i]);
	}
	pp_svg_line(s, x0, y1, x1, y1, "axis");
}

static double
panel_x(const struct pp_axis *a, double x0, double x1, double v)
{
	if (v > a->hi)
		v = a->hi;
	if (v < a->lo)
		v = a->lo;
	return x0 + (v - a->lo) / (a->hi - a->lo) * (x1 - x0);
}

int
pp_plot_summary(struct pp_svg *s, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, struct pp_error *err)
{
	const char *targets[256];
	size_t nt = pp_plotdata_targets(d, targets, 256);
	static const char *const heads[] = { "loss (%)",
	    "RTT (ms): median, p95", "MOS (1 to 4.5)" };
	struct row {
		double loss, p50, p95, mos, r;
		unsigned long long sent, lost;
	} rows[256];
	double maxloss = 0;
	double maxrtt = 0;

	if (nt == 0) {
		pp_error_set(err, "no probe records to plot");
		return -1;
	}
	if (nt > 256)
		nt = 256;
	for (size_t t = 0; t < nt; t++) {
		struct pp_plot_series *dest = pp_plotdata_dest(d, targets[t]);
		const struct pp_stats_rec *r = row_of(d, dest);
		const struct pp_mos_rec *m = pp_plotdata_mos(d, targets[t]);
		struct row *w = &rows[t];
		/* pp-stats' figures of the destination (its row), or with
		 * --step the columns shown. */
		if (r != NULL) {
			w->loss = r->loss;
			w->p50 = r->p50;
			w->p95 = r->p95;
			w->sent = r->sent;
			w->lost = r->sent - r->recv;
		} else {
			w->loss = pp_colq_loss(&dest->total);
			w->p50 = pp_colq_round(pp_colq_quantile(&dest->total,
			    0.5));
			w->p95 = pp_colq_round(pp_colq_quantile(&dest->total,
			    0.95));
			w->sent = dest->total.sent;
			w->lost = dest->total.sent - dest->total.recv;
		}
		w->mos = m != NULL ? m->mos : NAN;
		w->r = m != NULL ? m->r : NAN;
		if (isfinite(w->loss) && w->loss > maxloss)
			maxloss = w->loss;
		if (isfinite(w->p95) && w->p95 > maxrtt)
			maxrtt = w->p95;
		if (isfinite(w->p50) && w->p50 > maxrtt)
			maxrtt = w->p50;
	}
	double rowh = 24;
	double left = fmin(200, fmax(110, o->width * 0.22));
	double textw = 84;	/* the value after a bar */
	/* Three panels side by side, or, when that leaves a panel too
	 * narrow for a scale, one under another. */
	bool stacked = (o->width - left - RIGHT) / 3 - textw < 110;
	double colw = stacked ? o->width - left - RIGHT :
	    (o->width - left - RIGHT) / 3;
	double block = 40 + rowh * (double)nt + 12;	/* a stacked panel */
	double top = TOP + 40;	/* the first row (side by side) */
	double h = stacked ? TOP + 3 * block + 4 : top + rowh * (double)nt + 16;
	struct frame f;
	frame_init(&f, d, o->width, h, left);
	/* True scales from zero (MOS from its floor, 1): loss at least to
	 * 5 %, so that a little loss looks little. */
	struct pp_axis ax[3];
	int want = (int)((colw - textw) / 40) + 1;
	pp_axis_value(&ax[0], 0, fmax(maxloss, 5), want, true, NULL);
	pp_axis_value(&ax[1], 0, maxrtt > 0 ? maxrtt : 1, want, true, NULL);
	/* MOS: its whole scale, a tick at each grade. */
	memset(&ax[2], 0, sizeof(ax[2]));
	ax[2].lo = 1;
	ax[2].hi = 4.5;
	ax[2].step = 1;
	for (int i = 0; i < 4; i++) {
		ax[2].tick[i] = 1 + i;
		(void)snprintf(ax[2].label[i], sizeof(ax[2].label[i]), "%d",
		    1 + i);
	}
	ax[2].nticks = 4;
	pp_svg_begin(s, o->width, h, "pp-plot summary", css_of(o));
	pp_svg_rect(s, 0, 0, o->width, h, "bg", NULL);
	title(s, &f, "summary", "every target at its destination", NULL, o,
	    NULL);
	double px0[3];
	double py0[3];
	for (int k = 0; k < 3; k++) {
		px0[k] = stacked ? left : left + colw * k;
		py0[k] = stacked ? TOP + block * k + 40 : top;
		double x1 = px0[k] + colw - textw;
		pp_svg_text(s, stacked ? 16 : px0[k], py0[k] - 28, NULL,
		    "title", heads[k]);
		summary_axis(s, &ax[k], px0[k], x1, py0[k] - 8, py0[k] + rowh *
		    (double)nt);
	}
	for (size_t t = 0; t < nt; t++) {
		const struct row *w = &rows[t];
		char lbl[160];
		char tip[512];
		size_t maxc = (size_t)((left - 16) / 6.5);
		(void)snprintf(lbl, sizeof(lbl), "%s", targets[t]);
		if (strlen(lbl) > maxc && maxc > 3) {
			lbl[maxc - 2] = '.';
			lbl[maxc - 1] = '.';
			lbl[maxc] = '\0';
		}
		char mos[64];
		if (isfinite(w->mos))
			(void)snprintf(mos, sizeof(mos), ", MOS %.2f (%s)",
			    w->mos, pp_emodel_rating(w->r));
		else
			mos[0] = '\0';
		char rtt[64];
		if (isfinite(w->p50) && isfinite(w->p95))
			(void)snprintf(rtt, sizeof(rtt), "median %.*f ms, p95 "
			    "%.*f ms", pp_colq_decimals(w->p50), w->p50,
			    pp_colq_decimals(w->p95), w->p95);
		else
			(void)snprintf(rtt, sizeof(rtt), "no answer");
		(void)snprintf(tip, sizeof(tip), "%s: loss %.1f%% (%llu of %llu "
		    "probes), %s%s", targets[t], w->loss, w->lost, w->sent, rtt,
		    mos);
		pp_svg_group(s, "target");
		pp_svg_tooltip(s, tip);
		for (int k = 0; k < (stacked ? 3 : 1); k++)
			pp_svg_text(s, left - 10, py0[k] + rowh * (double)t + 15,
			    "end", NULL, lbl);
		/* Loss. */
		double y = py0[0] + rowh * (double)t;
		double x0 = px0[0];
		double x1 = x0 + colw - textw;
		double xe = panel_x(&ax[0], x0, x1, isfinite(w->loss) ?
		    w->loss : 0);
		pp_svg_rect(s, x0, y + 5, xe - x0 > 1 ? xe - x0 : 1, rowh - 10,
		    NULL, pp_plot_loss_colour(w->loss));
		(void)snprintf(lbl, sizeof(lbl), "%.1f%%", w->loss);
		pp_svg_text(s, fmax(xe, x0 + 1) + 4, y + 15, NULL, NULL, lbl);
		/* RTT: the median's bar, the p95 as a tick joined to it. */
		y = py0[1] + rowh * (double)t;
		x0 = px0[1];
		x1 = x0 + colw - textw;
		if (isfinite(w->p50)) {
			double xm = panel_x(&ax[1], x0, x1, w->p50);
			double xp = panel_x(&ax[1], x0, x1, isfinite(w->p95) ?
			    w->p95 : w->p50);
			pp_svg_rect(s, x0, y + 5, xm - x0 > 1 ? xm - x0 : 1,
			    rowh - 10, "bar", NULL);
			pp_svg_line(s, xm, y + rowh / 2, xp, y + rowh / 2,
			    "p95");
			pp_svg_line(s, xp, y + 4, xp, y + rowh - 4, "p95");
			(void)snprintf(lbl, sizeof(lbl), "%.*f, %.*f",
			    pp_colq_decimals(w->p50), w->p50,
			    pp_colq_decimals(w->p95), w->p95);
			pp_svg_text(s, xp + 5, y + 15, NULL, NULL, lbl);
		} else {
			pp_svg_text(s, x0 + 4, y + 15, NULL, "dim",
			    "no answer");
		}
		/* MOS, from the floor of its scale. */
		y = py0[2] + rowh * (double)t;
		x0 = px0[2];
		x1 = x0 + colw - textw;
		if (isfinite(w->mos)) {
			double xe2 = panel_x(&ax[2], x0, x1, w->mos);
			pp_svg_rect(s, x0, y + 5, xe2 - x0 > 1 ? xe2 - x0 : 1,
			    rowh - 10, "bar", NULL);
			(void)snprintf(lbl, sizeof(lbl), "%.2f", w->mos);
			pp_svg_text(s, fmax(xe2, x0 + 1) + 4, y + 15, NULL, NULL,
			    lbl);
		} else {
			pp_svg_text(s, x0 + 4, y + 15, NULL, "dim", "-");
		}
		pp_svg_group_end(s);
	}
	pp_svg_end(s);
	return 0;
}
