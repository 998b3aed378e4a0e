/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_html.c: the self-contained HTML report (see plot.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/emodel.h"
#include "lib/plot.h"
#include "lib/table.h"
#include "lib/util.h"

/* A hop row's colour, as PingerPlot colours its hop table, with the
 * thresholds of pp-stats -f table's colours (lib/table.h): amber when the
 * hop loses packets or its average RTT reaches the first threshold, red
 * from the second. */
#define LOSS_RED PP_TABLE_LOSS_RED
#define RTT_AMBER PP_TABLE_RTT_AMBER
#define RTT_RED PP_TABLE_RTT_RED

static const char html_css[] =
    ":root{--fg:#1d2329;--dim:#5f6b76;--bg:#fff;--card:#f6f8fa;"
    "--line:#d8dee4;--head:#eef1f4;--warn:#fff3cd;--bad:#f8d7da;"
    "--dest:#e7f1ff;--link:#1f5fbf;--mark:#fffbe6}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e4e6eb;--dim:#9aa0a8;"
    "--bg:#15181c;--card:#1f2329;--line:#3a3d44;--head:#262a31;"
    "--warn:#4a3f1e;--bad:#4a2329;--dest:#21384f;--link:#5aa9ff;"
    "--mark:#3a3520}}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;margin:0;color:var(--fg);background:var(--bg);"
    "line-height:1.4}"
    "main{max-width:1100px;margin:0 auto;padding:20px 24px 40px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:36px 0 8px;"
    "padding-top:12px;border-top:2px solid var(--line)}"
    "h3{font-size:15px;margin:22px 0 6px}"
    "p{margin:6px 0}.sub{color:var(--dim);font-size:14px}.note{color:var(--dim);"
    "font-size:12px}a{color:var(--link)}"
    ".live{background:var(--mark);border:1px solid var(--line);"
    "padding:6px 10px;border-radius:6px;display:inline-block}"
    ".cards{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}"
    ".card{background:var(--card);border:1px solid var(--line);"
    "border-radius:6px;padding:6px 12px;flex:1 1 120px;max-width:240px}"
    ".card b{display:block;font-size:20px}.card span{color:var(--dim);"
    "font-size:12px}.card.warn{background:var(--warn)}"
    ".card.bad{background:var(--bad)}"
    "table{border-collapse:collapse;margin:6px 0;font-size:13px;"
    "font-variant-numeric:tabular-nums}"
    "td,th{border-bottom:1px solid var(--line);padding:3px 8px;"
    "text-align:right;vertical-align:top}"
    "th{background:var(--head);font-weight:600;white-space:nowrap}"
    "td.l,th.l{text-align:left}td.n{text-align:left;white-space:nowrap}"
    "td.h{text-align:left;max-width:380px;"
    "overflow-wrap:anywhere}"
    "tr.dest td{background:var(--dest);font-weight:600}"
    "tr.warn td{background:var(--warn)}tr.bad td{background:var(--bad)}"
    ".alt{color:var(--dim);font-size:12px}"
    "tr:target td{outline:2px solid var(--link)}"
    ".key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;"
    "border:1px solid var(--line)}"
    ".k-warn{background:var(--warn)}.k-bad{background:var(--bad)}"
    ".k-dest{background:var(--dest)}"
    ".dot{display:inline-block;width:9px;height:9px;border-radius:50%;"
    "margin-right:5px}"
    ".ev-outage{background:#a00000}.ev-loss,.ev-unreachable{background:"
    "#d62728}.ev-latency,.ev-rise{background:#d98200}.ev-mos{background:"
    "#8e44ad}.ev-route{background:#1f5fbf}"
    "svg{display:block;margin:10px 0;max-width:100%;height:auto}"
    "svg a:hover{cursor:pointer}";

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
cellf(struct pp_svg *h, double v, int dec)
{
	char buf[64];

	if (!isfinite(v))
		(void)snprintf(buf, sizeof(buf), "-");
	else
		(void)snprintf(buf, sizeof(buf), "%.*f", dec, v);
	tag(h, "<td>", buf, "</td>");
}

/* A time in ms as pp-stats -f table shows it (lib/table.h: as many
 * decimals as fit in its 5 characters, 0.045, 12.34, 123.4). */
static void
cellms(struct pp_svg *h, double v)
{
	char buf[32];

	pp_table_ms(buf, sizeof(buf), v, 5);
	tag(h, "<td>", buf, "</td>");
}

/* A quantile, to the digits the sketch guarantees (lib/colq). */
static void
cellq(struct pp_svg *h, double v)
{
	cellf(h, v, isfinite(v) ? pp_colq_decimals(v) : 0);
}

/* "3 min 5 s", "2 h 10 min", "45.2 s". */
static void
fmt_span(double s, char *buf, size_t size)
{
	if (!isfinite(s) || s < 0)
		(void)snprintf(buf, size, "-");
	else if (s < 60)
		(void)snprintf(buf, size, "%.1f s", s);
	else if (s < 3600)
		(void)snprintf(buf, size, "%.0f min %.0f s", floor(s / 60),
		    fmod(floor(s), 60));
	else if (s < 86400 * 2)
		(void)snprintf(buf, size, "%.0f h %.0f min", floor(s / 3600),
		    fmod(floor(s / 60), 60));
	else
		(void)snprintf(buf, size, "%.1f days", s / 86400);
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

/* 0 none, 1 amber, 2 red: a loss % and an average RTT. */
static int
level(double loss, double avg)
{
	int l = 0;

	if (isfinite(loss) && loss > 0)
		l = loss >= LOSS_RED ? 2 : 1;
	if (isfinite(avg) && avg >= RTT_AMBER && l < 2)
		l = avg >= RTT_RED ? 2 : 1;
	return l;
}

/* The name, AS and place pp-geo gave an address, when it did. */
static const struct pp_plot_addr *
info(const struct pp_plotdata *d, const struct pp_stats_rec *r,
    const char *addr)
{
	return pp_plotdata_addr(d, r->target, r->ttl, addr);
}

static void
host_text(struct pp_svg *h, const struct pp_plot_addr *a, const char *addr)
{
	if (addr == NULL) {
		text(h, "???");
		return;
	}
	if (a != NULL && a->host != NULL) {
		text(h, a->host);
		pp_svg_raw(h, " <span class=\"alt\">");
		text(h, addr);
		pp_svg_raw(h, "</span>");
	} else {
		text(h, addr);
	}
}

/* The hop table: pp-stats' figures of each hop (its stats records), rows
 * coloured as PingerPlot colours them, every responder, names, AS and
 * place from pp-geo.  Returns the number of rows. */
static size_t
hop_table(struct pp_svg *h, const struct pp_plotdata *d, const char *target,
    int dest_ttl)
{
	const struct pp_stats_rec *rows[256];
	size_t n = pp_plotdata_rows(d, target, rows, 256);
	bool asn = false;
	bool place = false;
	char buf[320];

	if (n == 0)
		return 0;
	for (size_t k = 0; k < n; k++)
		for (int i = 0; i < rows[k]->naddrs; i++) {
			const struct pp_plot_addr *a = info(d, rows[k],
			    rows[k]->addrs[i].addr);
			asn = asn || (a != NULL && a->asn != NULL);
			place = place || (a != NULL && a->place != NULL);
		}
	pp_svg_raw(h, "<table class=\"hops\"><tr><th>Hop</th>"
	    "<th class=\"l\">Host</th>");
	if (asn)
		pp_svg_raw(h, "<th class=\"l\">AS</th>");
	if (place)
		pp_svg_raw(h, "<th class=\"l\">Place</th>");
	pp_svg_raw(h, "<th>Loss%</th><th>Fwd%</th><th>Snt</th><th>Last</th>"
	    "<th>Avg</th><th>Best</th><th>Wrst</th><th>StDev</th><th>Jttr</th>"
	    "<th>p95</th></tr>\n");
	for (size_t k = 0; k < n; k++) {
		const struct pp_stats_rec *r = rows[k];
		/* A traced hop's own loss may be a router declining to
		 * answer: its forwarding loss says what the path lost. */
		double pathloss = r->ttl > 0 && isfinite(r->fwd_loss) ?
		    r->fwd_loss : r->loss;
		int lv = level(pathloss, r->avg);
		bool dest = r->ttl == dest_ttl;
		if (lv > 0 || dest)
			(void)snprintf(buf, sizeof(buf), "<tr class=\"%s%s\">",
			    lv == 2 ? "bad" : lv == 1 ? "warn" : "",
			    dest ? (lv > 0 ? " dest" : "dest") : "");
		else
			(void)snprintf(buf, sizeof(buf), "<tr>");
		pp_svg_raw(h, buf);
		if (r->ttl > 0)
			cellf(h, r->ttl, 0);
		else
			pp_svg_raw(h, "<td>-</td>");
		const char *main = r->addr;
		const struct pp_plot_addr *a = info(d, r, main);
		pp_svg_raw(h, "<td class=\"h\">");
		host_text(h, a, main);
		/* The other responders of the hop, most answers first. */
		for (int i = 0; i < r->naddrs; i++) {
			const struct pp_stats_rec_addr *o = &r->addrs[i];
			if (main != NULL && strcmp(o->addr, main) == 0)
				continue;
			pp_svg_raw(h, "<br><span class=\"alt\">also ");
			host_text(h, info(d, r, o->addr), o->addr);
			(void)snprintf(buf, sizeof(buf), ": %llu %s, avg "
			    "%.2f ms", (unsigned long long)o->recv,
			    pp_plural(o->recv, "reply", "replies"), o->avg);
			text(h, buf);
			pp_svg_raw(h, "</span>");
		}
		if (r->addrs_other_recv > 0) {
			(void)snprintf(buf, sizeof(buf), "<br><span class=\"alt"
			    "\">and %llu %s from others</span>",
			    (unsigned long long)r->addrs_other_recv,
			    pp_plural(r->addrs_other_recv, "reply", "replies"));
			pp_svg_raw(h, buf);
		}
		if (r->unreachable > 0) {
			(void)snprintf(buf, sizeof(buf), "%llu probe%s "
			    "answered by an ICMP unreachable",
			    (unsigned long long)r->unreachable,
			    pp_plural(r->unreachable, "", "s"));
			tag(h, "<br><span class=\"alt\">", buf, "</span>");
		}
		pp_svg_raw(h, "</td>");
		if (asn)
			tag(h, "<td class=\"l\">", a != NULL && a->asn != NULL ?
			    a->asn : "", "</td>");
		if (place)
			tag(h, "<td class=\"l\">", a != NULL && a->place !=
			    NULL ? a->place : a != NULL && a->special != NULL ?
			    a->special : "", "</td>");
		cellf(h, r->loss, 1);
		cellf(h, r->ttl > 0 ? r->fwd_loss : NAN, 1);
		cellf(h, (double)r->sent, 0);
		cellms(h, r->last);
		cellms(h, r->avg);
		cellms(h, r->min);
		cellms(h, r->max);
		cellms(h, r->stdev);
		cellms(h, r->jitter);
		cellq(h, r->p95);
		pp_svg_raw(h, "</tr>\n");
	}
	pp_svg_raw(h, "</table>\n");
	(void)snprintf(buf, sizeof(buf), "<p class=\"note\">Rows "
	    "<span class=\"key k-warn\"></span>amber when the hop loses "
	    "packets or averages %.0f ms or more, "
	    "<span class=\"key k-bad\"></span>red from %.0f%% loss or %.0f ms "
	    "(PingerPlot's colours);", RTT_AMBER, LOSS_RED, RTT_RED);
	pp_svg_raw(h, buf);
	pp_svg_raw(h, " a traced hop is judged on its forwarding loss (Fwd%: "
	    "what later hops prove was lost on the way; a router that only "
	    "declines to answer loses nothing);<span class=\"key k-dest\">"
	    "</span>the destination. Times in ms.</p>\n");
	return n;
}

/* The numbered events of target, each row the anchor its mark links
 * to. */
static void
event_table(struct pp_svg *h, const struct pp_plotdata *d,
    const struct pp_plot_mark *m, long n, const char *anchor,
    const struct pp_plot_opts *o)
{
	char t[32];
	char buf[1200];

	(void)d;
	if (n == 0) {
		pp_svg_raw(h, "<p class=\"sub\">No outage, alert or route "
		    "change.</p>\n");
		return;
	}
	pp_svg_raw(h, "<table class=\"events\"><tr><th>#</th>"
	    "<th class=\"l\">Time</th><th class=\"l\">Event</th><th>Hop</th>"
	    "<th class=\"l\">What happened</th></tr>\n");
	for (long i = 0; i < n; i++) {
		const struct pp_plot_mark *k = &m[i];
		(void)snprintf(buf, sizeof(buf), "<tr id=\"%s%d\"><td>%d</td>",
		    anchor, k->no, k->no);
		pp_svg_raw(h, buf);
		(void)pp_plot_time(k->t0, o->local, t, sizeof(t));
		tag(h, "<td class=\"n\">", t, "</td>");
		(void)snprintf(buf, sizeof(buf), "<td class=\"n\"><span "
		    "class=\"dot %s\"></span>", pp_plot_mark_class(k));
		pp_svg_raw(h, buf);
		text(h, pp_plot_mark_name(k));
		pp_svg_raw(h, "</td>");
		if (k->ev->ttl > 0)
			cellf(h, k->ev->ttl, 0);
		else
			pp_svg_raw(h, "<td>dest</td>");
		pp_plot_mark_text(k, o->local, buf, sizeof(buf));
		tag(h, "<td class=\"l\">", buf, "</td></tr>\n");
	}
	pp_svg_raw(h, "</table>\n");
}

/* Append ", NAME V UNIT" to buf when v is a number. */
static void
fig(char *buf, size_t size, const char *name, double v, int dec,
    const char *unit)
{
	size_t used = strlen(buf);

	if (isfinite(v) && used < size)
		(void)snprintf(buf + used, size - used, ", %s %.*f%s", name, dec,
		    v, unit);
}

/* The voice quality of target: its MOS and what went into it. */
static void
mos_line(struct pp_svg *h, const struct pp_mos_rec *m)
{
	char buf[512];

	if (isfinite(m->mos) && isfinite(m->r))
		(void)snprintf(buf, sizeof(buf), "MOS %.2f, R %.1f (%s): %s%s%s",
		    m->mos, m->r, pp_emodel_rating(m->r), m->codec != NULL ?
		    m->codec : "", m->model != NULL ? ", " : "",
		    m->model != NULL ? m->model : "");
	else if (isfinite(m->mos))
		(void)snprintf(buf, sizeof(buf), "MOS %.2f: %s", m->mos,
		    m->codec != NULL ? m->codec : "");
	else
		(void)snprintf(buf, sizeof(buf), "Not scored: %s",
		    m->codec != NULL ? m->codec : "");
	fig(buf, sizeof(buf), "mean RTT", m->rtt, 1, " ms");
	fig(buf, sizeof(buf), "jitter", m->jitter, 1, " ms");
	fig(buf, sizeof(buf), "loss", m->loss, 1, "%");
	fig(buf, sizeof(buf), "BurstR", m->burst_r, 2, "");
	fig(buf, sizeof(buf), "one-way delay", m->delay, 1, " ms");
	if (m->note != NULL) {
		size_t used = strlen(buf);
		(void)snprintf(buf + used, sizeof(buf) - used, "; %s",
		    m->note);
	}
	tag(h, "<p class=\"sub\">", buf, "</p>\n");
}

/* Every mos record of the input (pp-mos --every gives several). */
static void
mos_table(struct pp_svg *h, const struct pp_plotdata *d,
    const struct pp_plot_opts *o)
{
	char t1[32];
	char buf[64];

	if (pp_plotdata_src(d, PP_EV_MOS) != PP_SRC_INPUT ||
	    pp_plotdata_nevents(d, PP_EV_MOS) < 2)
		return;
	pp_svg_raw(h, "<h2>Voice quality over time</h2>\n");
	if (pp_plotdata_evdropped(d, PP_EV_MOS) > 0) {
		(void)snprintf(buf, sizeof(buf), "only the latest %zu of %lu "
		    "are listed", pp_plotdata_nevents(d, PP_EV_MOS),
		    pp_plotdata_nevents(d, PP_EV_MOS) +
		    pp_plotdata_evdropped(d, PP_EV_MOS));
		tag(h, "<p class=\"note\">", buf, "</p>\n");
	}
	pp_svg_raw(h, "<table><tr><th class=\"l\">Time</th>"
	    "<th class=\"l\">Target</th><th>MOS</th><th>R</th>"
	    "<th class=\"l\">Codec, model</th></tr>\n");
	for (size_t i = 0; i < pp_plotdata_nevents(d, PP_EV_MOS); i++) {
		const struct pp_plot_event *e = pp_plotdata_event(d, PP_EV_MOS,
		    i);
		(void)pp_plot_time(e->ts, o->local, t1, sizeof(t1));
		tag(h, "<tr><td class=\"l\">", t1, "</td>");
		tag(h, "<td class=\"l\">", e->target, "</td>");
		cellf(h, e->value, 2);
		cellf(h, e->value2, 1);
		tag(h, "<td class=\"l\">", e->text, "</td></tr>\n");
	}
	pp_svg_raw(h, "</table>\n");
}

static void
card(struct pp_svg *h, const char *cls, const char *big, const char *small)
{
	char buf[64];

	(void)snprintf(buf, sizeof(buf), "<div class=\"card%s%s\"><b>",
	    cls != NULL ? " " : "", cls != NULL ? cls : "");
	pp_svg_raw(h, buf);
	text(h, big);
	pp_svg_raw(h, "</b><span>");
	text(h, small);
	pp_svg_raw(h, "</span></div>");
}

/* The target at a glance: loss and RTT at its destination, MOS, and
 * counts of its events. */
static void
cards(struct pp_svg *h, const struct pp_plotdata *d, const char *target,
    const struct pp_stats_rec *dest, const struct pp_plot_mark *m, long n)
{
	char big[64];
	char small[128];
	int outages = 0;
	int routes = 0;
	int alerts = 0;
	double out_s = 0;

	for (long i = 0; i < n; i++) {
		if (m[i].kind == PP_EV_OUTAGE) {
			outages++;
			out_s += m[i].t1 - m[i].t0;
		} else if (m[i].kind == PP_EV_ROUTE) {
			routes++;
		} else {
			alerts++;
		}
	}
	pp_svg_raw(h, "<div class=\"cards\">");
	if (dest != NULL) {
		(void)snprintf(big, sizeof(big), "%.1f%%", dest->loss);
		(void)snprintf(small, sizeof(small), "loss at the destination, "
		    "%llu of %llu probes", (unsigned long long)(dest->sent -
		    dest->recv), (unsigned long long)dest->sent);
		int lv = level(dest->loss, NAN);
		card(h, lv == 2 ? "bad" : lv == 1 ? "warn" : NULL, big, small);
		if (isfinite(dest->p50))
			(void)snprintf(big, sizeof(big), "%.*f ms",
			    pp_colq_decimals(dest->p50), dest->p50);
		else
			(void)snprintf(big, sizeof(big), "-");
		(void)snprintf(small, sizeof(small), "median RTT, p95 %.*f ms",
		    isfinite(dest->p95) ? pp_colq_decimals(dest->p95) : 0,
		    dest->p95);
		lv = level(NAN, dest->avg);
		card(h, lv == 2 ? "bad" : lv == 1 ? "warn" : NULL, big, small);
	}
	const struct pp_mos_rec *mos = pp_plotdata_mos(d, target);
	if (mos != NULL && isfinite(mos->mos)) {
		(void)snprintf(big, sizeof(big), "%.2f", mos->mos);
		(void)snprintf(small, sizeof(small), "MOS (%s): %s",
		    mos->codec != NULL ? mos->codec : "?",
		    pp_emodel_rating(mos->r));
		card(h, mos->mos < 3.1 ? "bad" : mos->mos < 3.6 ? "warn" :
		    NULL, big, small);
	}
	(void)snprintf(big, sizeof(big), "%d", outages);
	if (outages > 0) {
		char span[32];
		fmt_span(out_s, span, sizeof(span));
		(void)snprintf(small, sizeof(small), "outage%s, %s in all",
		    pp_plural(outages, "", "s"), span);
	} else {
		(void)snprintf(small, sizeof(small), "outages");
	}
	card(h, outages > 0 ? "bad" : NULL, big, small);
	(void)snprintf(big, sizeof(big), "%d", routes);
	card(h, routes > 0 ? "warn" : NULL, big,
	    pp_plural((unsigned long long)routes, "route change",
	    "route changes"));
	(void)snprintf(big, sizeof(big), "%d", alerts);
	card(h, alerts > 0 ? "warn" : NULL, big,
	    pp_plural((unsigned long long)alerts, "alert", "alerts"));
	pp_svg_raw(h, "</div>\n");
}

/* How the figures were made: by this report (with which settings), or
 * taken from the input. */
static void
provenance(struct pp_svg *h, const struct pp_plotdata *d)
{
	const struct pp_report_opts *r = &d->ropts;
	const struct pp_judge_opts *j = &r->judge;
	char buf[640];
	size_t used = 0;
	int n;

	pp_svg_raw(h, "<h2>How these figures were made</h2>\n<ul class="
	    "\"note\">\n");
	(void)snprintf(buf, sizeof(buf), "Hop tables: %spp-stats' figures "
	    "computed from the probes (loss over probes sent; Fwd%%, "
	    "forwarding loss: probes lost at a hop while no later hop of the "
	    "round answered; RTT quantiles within 1%%; Jttr, mean |dRTT|).",
	    d->given_stats ? "the stats records of the input (pp-stats, the "
	    "latest window of each hop), for targets without them " : "");
	tag(h, "<li>", buf, "</li>\n");
	if (pp_plotdata_src(d, PP_EV_OUTAGE) == PP_SRC_COMPUTED)
		(void)snprintf(buf, sizeof(buf), "Outages: pp-stats' rule at "
		    "each destination, loss of %.0f%% or more over %.1f s.",
		    r->outage_loss, r->outage_min);
	else
		(void)snprintf(buf, sizeof(buf), "Outages: the outage records "
		    "of the input (pp-stats).");
	tag(h, "<li>", buf, "</li>\n");
	if (pp_plotdata_src(d, PP_EV_ALERT) == PP_SRC_COMPUTED) {
		n = snprintf(buf, sizeof(buf), "Alerts and route changes: "
		    "pp-alert's judgement over the last %u probe%s at each "
		    "destination: ", j->window, pp_plural(j->window, "", "s"));
		used = n > 0 ? (size_t)n : 0;
		if (!isnan(j->loss)) {
			n = snprintf(buf + used, sizeof(buf) - used, "loss "
			    "%.0f%% or more; ", j->loss);
			used += n > 0 && (size_t)n < sizeof(buf) - used ?
			    (size_t)n : 0;
		}
		if (!isnan(j->latency)) {
			n = snprintf(buf + used, sizeof(buf) - used, "median "
			    "RTT (p%.0f) %.0f ms or more; ", j->pct * 100,
			    j->latency);
			used += n > 0 && (size_t)n < sizeof(buf) - used ?
			    (size_t)n : 0;
		}
		if (j->rise > 0) {
			n = snprintf(buf + used, sizeof(buf) - used, "a "
			    "latency rise: p%.0f %.0f%% above the path's lowest; ",
			    j->pct * 100, j->rise);
			used += n > 0 && (size_t)n < sizeof(buf) - used ?
			    (size_t)n : 0;
		}
		(void)snprintf(buf + used, sizeof(buf) - used, "cleared below "
		    "%.0f%% of the threshold; a route change holds %u rounds "
		    "(pp-alert with the same options gives the same).",
		    j->clear, j->route_rounds);
	} else {
		(void)snprintf(buf, sizeof(buf), "Alerts and route changes: "
		    "the alert and route records of the input (pp-alert).");
	}
	tag(h, "<li>", buf, "</li>\n");
	(void)snprintf(buf, sizeof(buf), "MOS: %spp-mos' score of each "
	    "destination over the whole input (ITU-T G.107 E-model, codec "
	    "%s).", d->given[PP_EV_MOS] ? "the mos records of the input "
	    "(pp-mos, the latest of each target), for targets without them " :
	    "", r->codec != NULL ? r->codec->name : "g711-plc");
	tag(h, "<li>", buf, "</li>\n");
	pp_svg_raw(h, "<li>Hover over a mark on a chart for what happened; "
	    "its number leads to the list of events.</li>\n</ul>\n");
}

int
pp_plot_html(struct pp_svg *h, const struct pp_plotdata *d,
    const struct pp_plot_opts *o, double refresh, struct pp_error *err)
{
	const char *targets[256];
	size_t nt = pp_plotdata_targets(d, targets, 256);
	char t0[32];
	char t1[32];
	char span[32];
	char buf[512];
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
	pp_svg_raw(h, "</style>\n</head>\n<body>\n<main>\n<h1>Network path "
	    "report</h1>\n");
	double lo, hi;
	pp_plotdata_span(d, &lo, &hi);
	(void)pp_plot_time(lo, o->local, t0, sizeof(t0));
	(void)pp_plot_time(hi, o->local, t1, sizeof(t1));
	fmt_span(hi - lo, span, sizeof(span));
	if (d->probes > 0)
		(void)snprintf(buf, sizeof(buf), "%lu probes from %s to %s %s, "
		    "%zu target%s.", d->probes, t0, t1, o->local ? "local time" :
		    "UTC", nt, pp_plural(nt, "", "s"));
	else
		(void)snprintf(buf, sizeof(buf), "No probe records yet.");
	tag(h, "<p>", buf, "</p>\n");
	if (d->probes > 0) {
		(void)snprintf(buf, sizeof(buf), "%s of probing.", span);
		tag(h, "<p class=\"sub\">", buf, "</p>\n");
	}
	if (refresh > 0) {
		(void)snprintf(buf, sizeof(buf), "Live: this page is rewritten "
		    "and reloads every %.0f s while the records come in.",
		    ceil(refresh));
		tag(h, "<p class=\"live\">", buf, "</p>\n");
	}
	if (d->settings != NULL)
		tag(h, "<p class=\"note\">probe settings: ", d->settings,
		    "</p>\n");
	if (d->oom)
		pp_svg_raw(h, "<p class=\"live\">Memory ran short: some "
		    "figures are incomplete.</p>\n");
	if (d->grid.fixed)
		pp_svg_raw(h, "<p class=\"note\">The charts show the latest "
		    "columns (--step); the tables and events count every record "
		    "read.</p>\n");
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
		struct pp_plot_series *dser = pp_plotdata_dest(d, targets[t]);
		struct pp_plot_mark *m = NULL;
		long nm = pp_plotdata_marks(d, targets[t], &m);
		char anchor[32];
		struct pp_svg c;
		if (nm < 0) {
			pp_error_set(err, "out of memory");
			return -1;
		}
		(void)snprintf(anchor, sizeof(anchor), "t%zu-ev", t + 1);
		co.anchor = anchor;
		(void)snprintf(buf, sizeof(buf), "<h2 id=\"t%zu\">", t + 1);
		pp_svg_raw(h, buf);
		text(h, targets[t]);
		pp_svg_raw(h, "</h2>\n");
		const struct pp_stats_rec *rows[256];
		size_t nr = pp_plotdata_rows(d, targets[t], rows, 256);
		const struct pp_stats_rec *drow = NULL;
		for (size_t k = 0; k < nr; k++)
			if (dser != NULL && rows[k]->ttl == dser->ttl)
				drow = rows[k];
		cards(h, d, targets[t], drow, m, nm);
		const struct pp_mos_rec *mos = pp_plotdata_mos(d, targets[t]);
		if (mos != NULL)
			mos_line(h, mos);
		if (hop_table(h, d, targets[t], dser != NULL ? dser->ttl :
		    -1) == 0)
			pp_svg_raw(h, "<p class=\"sub\">No hop figures.</p>\n");
		pp_svg_init(&c);
		if (pp_plot_latency(&c, d, targets[t], 0, &co, err) == 0)
			inline_svg(h, &c);
		pp_svg_release(&c);
		if (nh > 1) {
			pp_svg_init(&c);
			if (pp_plot_timeline(&c, d, targets[t], &co, err) == 0)
				inline_svg(h, &c);
			pp_svg_release(&c);
		}
		pp_svg_raw(h, "<h3>Events</h3>\n");
		if (pp_plotdata_evdropped(d, PP_EV_ALERT) > 0 ||
		    pp_plotdata_evdropped(d, PP_EV_OUTAGE) > 0 ||
		    pp_plotdata_evdropped(d, PP_EV_ROUTE) > 0)
			pp_svg_raw(h, "<p class=\"note\">Only the latest 1000 "
			    "events of each kind are held: older ones are not "
			    "listed.</p>\n");
		event_table(h, d, m, nm, anchor, o);
		free(m);
		bool located = false;
		for (size_t k = 0; k < nh; k++) {
			const struct pp_plot_addr *a =
			    pp_plot_series_addr(hops[k]);
			located = located || (a != NULL && a->located);
		}
		if (nh > 1 && located) {
			co.anchor = NULL;
			pp_svg_init(&c);
			if (pp_plot_map(&c, d, targets[t], &co, err) == 0)
				inline_svg(h, &c);
			pp_svg_release(&c);
		}
	}
	mos_table(h, d, o);
	if (d->computing)
		provenance(h, d);
	pp_svg_raw(h, "<p class=\"note\">Made by pp-plot from the record "
	    "stream.</p>\n</main>\n</body>\n</html>\n");
	if (h->oom) {
		pp_error_set(err, "out of memory");
		return -1;
	}
	return 0;
}
