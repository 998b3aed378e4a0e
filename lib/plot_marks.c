/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_marks.c: the marks of outages, alerts and route changes on
 * pp-plot's charts (see plot_svg.h): what each is called and says, the
 * lane above the plot they are packed in, their legend, and drawing them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/plot.h"
#include "lib/plot_svg.h"

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

void
pp_plot_marks_load(struct pp_plot_marks *mk, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_frame *f)
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

void
pp_plot_marks_free(struct pp_plot_marks *mk)
{
	free(mk->m);
	free(mk->row);
	memset(mk, 0, sizeof(*mk));
}

static double clampt(const struct pp_plot_frame *f, double t);

/* Give each mark a row of the lane, the first where it overlaps nothing
 * (its disc and bar), so that every number shows; once LANE_ROWS are
 * taken, the row whose last mark ends first.  The frame's x scale must be
 * final. */
void
pp_plot_marks_pack(struct pp_plot_marks *mk, const struct pp_plot_frame *f,
    double data_end)
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
		double a = pp_plot_xof(f, clampt(f, m->t0)) - 8;
		double b = fmax(pp_plot_xof(f, clampt(f, t1)), a + 16) + 3;
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
double
pp_plot_lane_h(const struct pp_plot_marks *mk)
{
	return mk->nrows > 0 ? 4 + LANE_ROW * mk->nrows : 0;
}

/* The marks' legend group. */
void
pp_plot_marks_legend(struct pp_svg *s, struct pp_plot_legend *lg,
    const struct pp_plot_marks *mk)
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
			w += pp_plot_item_w(label[i]);
	pp_plot_legend_head(s, lg, "events:", w);
	for (int i = 0; i < 6; i++)
		if (mk->has[i])
			pp_plot_legend_item(s, lg, cls[i], NULL, label[i]);
	pp_plot_legend_gap(lg);
}

static double
clampt(const struct pp_plot_frame *f, double t)
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
void
pp_plot_draw_marks(struct pp_svg *s, const struct pp_plot_frame *f,
    const struct pp_plot_marks *mk, double lane_y, double oy0, double oy1,
    double ry1, double (*row_y)(const void *arg, int ttl),
    const void *row_arg, double data_end, const struct pp_plot_opts *o)
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
		double x1 = pp_plot_xof(f, clampt(f, m->t0));
		double x2 = pp_plot_xof(f, clampt(f, t1));
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
