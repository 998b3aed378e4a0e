/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_html.c: the self-contained HTML report (see plot.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/plot.h"

static const char html_css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
    "h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    "td.l,th.l{text-align:left}th{background:#f0f0f0}"
    ".raise{color:#b00}.clear{color:#070}.note{color:#666;font-size:12px}"
    "svg{display:block;margin:8px 0;max-width:100%;height:auto}"
    "@media (prefers-color-scheme:dark){body{background:#15181c;"
    "color:#ddd}th{background:#2a3038}td,th{border-color:#444}}";

static void
text(struct pp_svg *h, const char *t)
{
	pp_svg_escape(h, t);
}

static void
tag(struct pp_svg *h, const char *open, const char *t, const char *close)
{
	pp_svg_raw(h, open);
	text(h, t);
	pp_svg_raw(h, close);
}

static void
cellf(struct pp_svg *h, const char *cls, double v, int dec)
{
	char buf[64];

	if (!isfinite(v))
		(void)snprintf(buf, sizeof(buf), "-");
	else
		(void)snprintf(buf, sizeof(buf), "%.*f", dec, v);
	pp_svg_raw(h, cls != NULL ? "<td class=\"l\">" : "<td>");
	text(h, buf);
	pp_svg_raw(h, "</td>");
}

static void
fmt_time(double t, bool local, char *buf, size_t size)
{
	struct tm tm;

	/* An event may lack a time (NaN) or carry any number: convert only
	 * what time_t holds. */
	if (!isfinite(t) || fabs(t) > 1e15) {
		(void)snprintf(buf, size, "-");
		return;
	}
	time_t tt = (time_t)floor(t);
	if ((local ? localtime_r(&tt, &tm) : gmtime_r(&tt, &tm)) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)snprintf(buf, size, "-");
}

/* Append an SVG document inline (without its XML declaration). */
static void
inline_svg(struct pp_svg *h, const struct pp_svg *chart)
{
	const char *p = chart->buf;
	size_t n = chart->len;

	if (chart->oom || p == NULL)
		return;
	if (n > 5 && memcmp(p, "<?xml", 5) == 0) {
		const char *nl = memchr(p, '\n', n);
		if (nl != NULL) {
			n -= (size_t)(nl + 1 - p);
			p = nl + 1;
		}
	}
	char tmp[4097];
	while (n > 0) {
		size_t k = n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1;
		memcpy(tmp, p, k);
		tmp[k] = '\0';
		pp_svg_raw(h, tmp);
		p += k;
		n -= k;
	}
}

static void
hop_table(struct pp_svg *h, const struct pp_plotdata *d, const char *target)
{
	struct pp_plot_series *hops[256];
	size_t nh = pp_plotdata_hops(d, target, hops, 256);

	pp_svg_raw(h, "<table><tr><th>Hop</th><th class=\"l\">Host</th>"
	    "<th>Loss%</th><th>Snt</th><th>Recv</th><th>Avg</th>"
	    "<th>Best</th><th>p50</th><th>p95</th><th>Wrst</th>"
	    "<th>StDev</th></tr>\n");
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_series *s = hops[k];
		const struct pp_colq *q = &s->total;
		const struct pp_plot_addr *a = pp_plot_series_addr(s);
		char host[320];
		if (a == NULL)
			(void)snprintf(host, sizeof(host), "???");
		else if (a->host != NULL)
			(void)snprintf(host, sizeof(host), "%s (%s)", a->host,
			    a->addr);
		else
			(void)snprintf(host, sizeof(host), "%s", a->addr);
		pp_svg_raw(h, "<tr>");
		if (s->ttl > 0)
			cellf(h, NULL, s->ttl, 0);
		else
			pp_svg_raw(h, "<td>-</td>");
		pp_svg_raw(h, "<td class=\"l\">");
		text(h, host);
		for (int i = 0; i < s->naddrs; i++) {
			if (&s->addrs[i] == a)
				continue;
			pp_svg_raw(h, "<br>");
			text(h, s->addrs[i].addr);
		}
		pp_svg_raw(h, "</td>");
		cellf(h, NULL, q->sent ? pp_colq_loss(q) : NAN, 1);
		cellf(h, NULL, q->sent, 0);
		cellf(h, NULL, q->recv, 0);
		cellf(h, NULL, pp_colq_mean(q), 3);
		cellf(h, NULL, q->recv ? q->min : NAN, 3);
		double p50 = pp_colq_round(pp_colq_quantile(q, 0.5));
		double p95 = pp_colq_round(pp_colq_quantile(q, 0.95));
		cellf(h, NULL, p50, pp_colq_decimals(p50));
		cellf(h, NULL, p95, pp_colq_decimals(p95));
		cellf(h, NULL, q->recv ? q->max : NAN, 3);
		cellf(h, NULL, pp_colq_stdev(q), 3);
		pp_svg_raw(h, "</tr>\n");
	}
	pp_svg_raw(h, "</table>\n");
}

static void
event_table(struct pp_svg *h, const struct pp_plotdata *d,
    enum pp_plot_ev kind, const struct pp_plot_opts *o)
{
	static const char *const titles[] = {
		[PP_EV_OUTAGE] = "Outages",
		[PP_EV_ALERT] = "Alerts",
		[PP_EV_ROUTE] = "Route changes",
		[PP_EV_MOS] = "Voice quality (MOS)",
	};
	char t1[32];
	char t2[32];
	char buf[64];

	if (d->nev[kind] == 0)
		return;
	tag(h, "<h2>", titles[kind], "</h2>\n");
	if (d->evdropped[kind] > 0) {
		(void)snprintf(buf, sizeof(buf), "only the latest %zu of %lu "
		    "are listed", d->nev[kind], d->nev[kind] +
		    d->evdropped[kind]);
		tag(h, "<p class=\"note\">", buf, "</p>\n");
	}
	pp_svg_raw(h, "<table><tr><th class=\"l\">Time</th>"
	    "<th class=\"l\">Target</th><th>Hop</th>");
	switch (kind) {
	case PP_EV_OUTAGE:
		pp_svg_raw(h, "<th class=\"l\">End</th><th class=\"l\">"
		    "Duration, loss</th>");
		break;
	case PP_EV_MOS:
		pp_svg_raw(h, "<th>MOS</th><th>R</th><th class=\"l\">Codec, "
		    "model</th>");
		break;
	default:
		pp_svg_raw(h, "<th class=\"l\">Event</th>");
		break;
	}
	pp_svg_raw(h, "</tr>\n");
	for (size_t i = 0; i < d->nev[kind]; i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d, kind, i);
		fmt_time(e->ts, o->local, t1, sizeof(t1));
		pp_svg_raw(h, kind == PP_EV_ALERT ? (e->raise ?
		    "<tr class=\"raise\">" : "<tr class=\"clear\">") : "<tr>");
		tag(h, "<td class=\"l\">", t1, "</td>");
		tag(h, "<td class=\"l\">", e->target, "</td>");
		if (e->ttl > 0)
			cellf(h, NULL, e->ttl, 0);
		else
			pp_svg_raw(h, "<td>-</td>");
		if (kind == PP_EV_OUTAGE) {
			fmt_time(e->end, o->local, t2, sizeof(t2));
			tag(h, "<td class=\"l\">", t2, "</td>");
		} else if (kind == PP_EV_MOS) {
			cellf(h, NULL, e->value, 2);
			cellf(h, NULL, e->value2, 1);
		}
		tag(h, "<td class=\"l\">", e->text, "</td>");
		pp_svg_raw(h, "</tr>\n");
	}
	pp_svg_raw(h, "</table>\n");
}

int
pp_plot_html(struct pp_svg *h, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, double refresh, struct pp_error *err)
{
	const char *targets[256];
	size_t nt = pp_plotdata_targets(d, targets, 256);
	char t0[32];
	char t1[32];
	char buf[256];
	struct pp_plot_opts co = *o;

	if (nt > 256)
		nt = 256;
	pp_svg_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n");
	if (refresh > 0) {
		(void)snprintf(buf, sizeof(buf), "<meta http-equiv=\"refresh\" "
		    "content=\"%.0f\">\n", ceil(refresh));
		pp_svg_raw(h, buf);
	}
	pp_svg_raw(h, "<title>pp report");
	for (size_t t = 0; t < nt && t < 3; t++) {
		pp_svg_raw(h, t == 0 ? ": " : ", ");
		text(h, targets[t]);
	}
	pp_svg_raw(h, "</title>\n<style>");
	pp_svg_raw(h, html_css);
	pp_svg_raw(h, "</style>\n</head>\n<body>\n<h1>Network path report"
	    "</h1>\n");
	fmt_time(d->grid.lo, o->local, t0, sizeof(t0));
	fmt_time(d->grid.hi, o->local, t1, sizeof(t1));
	(void)snprintf(buf, sizeof(buf), "%lu probes from %s to %s %s, %zu "
	    "target%s.", d->probes, t0, t1, o->local ? "local time" : "UTC",
	    nt, nt == 1 ? "" : "s");
	tag(h, "<p>", buf, "</p>\n");
	if (d->settings != NULL)
		tag(h, "<p class=\"note\">probe settings: ", d->settings,
		    "</p>\n");
	if (nt == 0) {
		pp_svg_raw(h, "<p>No probe records.</p>\n");
	}
	if (nt > 1) {
		struct pp_svg c;
		pp_svg_init(&c);
		if (pp_plot_summary(&c, d, &co, err) == 0)
			inline_svg(h, &c);
		pp_svg_release(&c);
	}
	for (size_t t = 0; t < nt; t++) {
		struct pp_plot_series *hops[256];
		size_t nh = pp_plotdata_hops(d, targets[t], hops, 256);
		struct pp_svg c;
		tag(h, "<h2>", targets[t], "</h2>\n");
		hop_table(h, d, targets[t]);
		pp_svg_init(&c);
		if (pp_plot_latency(&c, d, targets[t], 0, &co, err) == 0)
			inline_svg(h, &c);
		pp_svg_release(&c);
		if (nh > 1) {
			pp_svg_init(&c);
			if (pp_plot_timeline(&c, d, targets[t], &co, err) == 0)
				inline_svg(h, &c);
			pp_svg_release(&c);
			bool located = false;
			for (size_t k = 0; k < nh; k++) {
				const struct pp_plot_addr *a =
				    pp_plot_series_addr(hops[k]);
				located = located || (a != NULL && a->located);
			}
			if (located) {
				pp_svg_init(&c);
				if (pp_plot_map(&c, d, targets[t], &co, err) ==
				    0)
					inline_svg(h, &c);
				pp_svg_release(&c);
			}
		}
	}
	event_table(h, d, PP_EV_MOS, o);
	event_table(h, d, PP_EV_OUTAGE, o);
	event_table(h, d, PP_EV_ALERT, o);
	event_table(h, d, PP_EV_ROUTE, o);
	pp_svg_raw(h, "<p class=\"note\">Made by pp-plot from the record "
	    "stream; statistics: loss over probes sent, RTT quantiles within "
	    "1%.</p>\n</body>\n</html>\n");
	if (h->oom) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	return 0;
}
