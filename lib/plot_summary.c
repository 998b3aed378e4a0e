/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_summary.c: pp-plot's summary chart (see plot.h): every target's
 * loss, RTT and MOS side by side. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/axis.h"
#include "lib/emodel.h"
#include "lib/plot.h"
#include "lib/plot_svg.h"

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
		const struct pp_stats_rec *r = pp_plot_row_of(d, dest);
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
	struct pp_plot_frame f;
	pp_plot_frame_init(&f, d, o->width, h, left);
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
	pp_svg_begin(s, o->width, h, "pp-plot summary", pp_plot_css(o));
	pp_svg_rect(s, 0, 0, o->width, h, "bg", NULL);
	pp_plot_title(s, &f, "summary", "every target at its destination", NULL,
	    o, NULL);
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
