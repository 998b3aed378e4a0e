/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-plot: draws a record stream as SVG charts or one HTML report.
 *
 * Reads: probe records (and the stats, outage, alert, route and mos
 * records of pp-stats, pp-alert and pp-mos), from files or stdin, gzip or
 * plain.  Computes from the probes, by those commands' code (lib/report),
 * what the input does not carry: hop figures, outages, alerts, route
 * changes, MOS.  Writes: one SVG chart (latency, heatmap, timeline, map or
 * summary) to -o FILE or stdout, and/or a self-contained HTML report
 * (--html FILE); with --refresh, rewrites them in place (atomically) while
 * a live stream is read, the first time at once.
 * Exit status: 0 success; 1 an input could not be read, a chart could not
 * be drawn or written; 2 usage error. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/exit.h"
#include "lib/plot.h"
#include "lib/report.h"
#include "lib/stream.h"
#include "lib/util.h"

enum {
	OPT_CLEAR = 256,
	OPT_COLUMNS,
	OPT_FROM,
	OPT_HOP,
	OPT_HOPS,
	OPT_HTML,
	OPT_LATENCY,
	OPT_LOCAL,
	OPT_LOSS,
	OPT_NO_ROUTE,
	OPT_OUTAGE_LOSS,
	OPT_OUTAGE_MIN,
	OPT_PCT,
	OPT_REFRESH,
	OPT_REFUSED_DOWN,
	OPT_RISE,
	OPT_ROUTE_ROUNDS,
	OPT_STEP,
	OPT_STRICT,
	OPT_THEME,
	OPT_TO,
	OPT_WINDOW,
	OPT_YMAX
};

struct plot_opts {
	enum pp_plot_chart chart;	/* which chart */
	bool chart_set;		/* -c given */
	const char *out;	/* -o file, NULL = stdout */
	const char *html;	/* --html file */
	const char *target;	/* -t target, NULL = first */
	int hop;		/* --hop, 0 = destination */
	size_t columns;		/* --columns, 0 = from the width */
	double step;		/* --step seconds, 0 = adaptive */
	double refresh;		/* --refresh seconds, 0 = off */
	bool strict;		/* --strict */
	bool refused_down;	/* --refused-down */
	struct pp_trange range;	/* --from, --to */
	struct pp_plot_opts draw;	/* size, theme, time zone, ymax */
	struct pp_report_opts rep;	/* outages (pp-stats' options), alerts
					 * (pp-alert's) */
};

/* State for live refreshes. */
struct plot_run {
	const struct plot_opts *o;
	struct pp_plotdata *d;
	long long last_ns;	/* monotonic time of the last render */
	unsigned long shown;	/* probes in the last page */
	bool dirty;		/* records folded since the last render */
	bool failed;		/* a render or write failed */
	bool warned;		/* the failure was reported */
	const int *fd;		/* the input descriptor being read */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-plot [-hV] [-c chart] [-H height] [-o file] [-t target]"
	    " [-W width]\n"
	    "               [--clear-below pct] [--columns n] [--from time] "
	    "[--hop ttl]\n"
	    "               [--hops] [--html file] [--latency ms] [--local] "
	    "[--loss pct]\n"
	    "               [--no-route] [--outage-loss pct] "
	    "[--outage-min duration]\n"
	    "               [--percentile p] [--refresh seconds] "
	    "[--refused-down]\n"
	    "               [--rise pct] [--route-rounds k] [--step duration] "
	    "[--strict]\n"
	    "               [--theme light|dark] [--to time] [--window n] "
	    "[--ymax ms]\n"
	    "               [file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "charts: latency (default), heatmap, timeline, map, "
		    "summary\n"
		    "  -c, --chart NAME     chart to draw\n"
		    "  -H, --height PX      picture height (default 420)\n"
		    "  -o, --output FILE    write the chart to FILE (default "
		    "stdout)\n"
		    "  -t, --target NAME    target to draw (default the first)\n"
		    "  -W, --width PX       picture width (default 1000)\n"
		    "      --columns N      time columns (default width / 2)\n"
		    "      --from TIME      only records from TIME (ISO 8601, "
		    "epoch, -2h before\n"
		    "                       the input's end, +10m after its "
		    "start, now-1h)\n"
		    "      --hop TTL        hop to draw (default the "
		    "destination)\n"
		    "      --html FILE      write the HTML report to FILE\n"
		    "      --local          label times in local time, not UTC\n"
		    "      --refresh SECS   rewrite the outputs while reading\n"
		    "      --refused-down   a refused TCP connection is lost, not "
		    "an answer\n"
		    "      --step DURATION  fixed column width; show the "
		    "latest\n"
		    "      --strict         stop at the first bad line (exit 1)\n"
		    "      --theme NAME     light (default) or dark\n"
		    "      --to TIME        only records before TIME\n"
		    "      --ymax MS        top of the latency axis\n"
		    "events marked (computed when the input has none; 0 turns a "
		    "threshold off):\n"
		    "      --loss PCT         loss alert (default 20)\n"
		    "      --latency MS       latency alert (default 250)\n"
		    "      --rise PCT         latency rise over the path's lowest "
		    "(default 100)\n"
		    "      --window N         probes judged (default 20)\n"
		    "      --percentile P     latency percentile (default 50)\n"
		    "      --clear-below PCT  clear below PCT %% of the threshold "
		    "(default 80)\n"
		    "      --hops             judge every hop, not only the "
		    "destination\n"
		    "      --route-rounds K   rounds a route change must hold "
		    "(default 3)\n"
		    "      --no-route         no route changes\n"
		    "      --outage-loss PCT  outages: loss (default 30)\n"
		    "      --outage-min DUR   outages: shortest (default 3s)\n"
		    "  -h, --help           this help;  -V, --version  version\n");
	exit(status);
}

/* Draw every output.  Returns 0, or -1 after reporting (once, when
 * quiet_repeat). */
static int
render(struct plot_run *run, bool final)
{
	const struct plot_opts *o = run->o;
	struct pp_error err;
	int rc = 0;

	pp_error_clear(&err);
	run->dirty = false;
	run->last_ns = pp_mono_ns();
	run->shown = run->d->probes;
	if (!final) {
		/* A live page: the figures of the input so far. */
		pp_plotdata_peek(run->d);
		pp_plotdata_settle(run->d);
	}
	if (o->out != NULL || o->html == NULL) {
		struct pp_svg s;
		pp_svg_init(&s);
		if (pp_plot_chart(&s, o->chart, run->d, o->target, o->hop,
		    &o->draw, &err) == -1) {
			rc = -1;
		} else if (o->out != NULL) {
			if (pp_svg_write_atomic(&s, o->out) == -1) {
				pp_error_set(&err, "cannot write '%s': %s",
				    o->out, strerror(errno));
				rc = -1;
			}
		} else if (final && pp_svg_write(&s, stdout) == -1) {
			pp_error_set(&err, "write error: %s", strerror(errno));
			rc = -1;
		}
		pp_svg_release(&s);
	}
	if (rc == 0 && o->html != NULL) {
		struct pp_svg h;
		pp_svg_init(&h);
		if (pp_plot_html(&h, run->d, &o->draw, final ? 0 : o->refresh,
		    &err) == -1) {
			rc = -1;
		} else if (pp_svg_write_atomic(&h, o->html) == -1) {
			pp_error_set(&err, "cannot write '%s': %s", o->html,
			    strerror(errno));
			rc = -1;
		}
		pp_svg_release(&h);
	}
	if (rc == -1 && (final || !run->warned)) {
		pp_warnx("%s", err.msg);
		run->warned = true;
	}
	if (rc == -1)
		run->failed = true;
	else if (!final)
		run->failed = false;
	return rc;
}

/* Called before the input would block, and every few thousand records:
 * when new records wait to be drawn, wait for more input only until the
 * refresh is due, then redraw, so an idle live stream is still shown.
 * The first probes are drawn at once (the page written at the start had
 * none). */
static void
maybe_refresh(void *arg)
{
	struct plot_run *run = arg;

	(void)fflush(stdout);
	if (run->o->refresh <= 0 || !run->dirty)
		return;
	long long due = run->last_ns + (long long)(run->o->refresh * 1e9);
	if (run->shown == 0 && run->d->probes > 0)
		due = 0;
	long long now = pp_mono_ns();
	if (now < due && run->fd != NULL && *run->fd >= 0) {
		struct pollfd pfd = { .fd = *run->fd, .events = POLLIN };
		int ms = (int)((due - now + 999999) / 1000000);
		int rc = poll(&pfd, 1, ms);
		if (rc != 0)
			return;	/* input (or an error) first: read it */
	} else if (now < due) {
		return;
	}
	(void)render(run, false);
}

/* A percentage option's value (pp_optarg), lo to hi. */
static double
pct_arg(const char *opt, double lo, double hi)
{
	const char *errstr = NULL;
	double v = 0;

	if (pp_strtod_range(pp_optarg, lo, hi, &v, &errstr) == -1)
		pp_errx(PP_EXIT_USAGE, "%s: must be %g to %g: %s", opt, lo, hi,
		    pp_optarg);
	return v;
}

static void
parse_args(int argc, char **argv, struct plot_opts *o)
{
	static const struct pp_option longopts[] = {
		{ "chart", PP_REQ_ARG, NULL, 'c' },
		{ "clear-below", PP_REQ_ARG, NULL, OPT_CLEAR },
		{ "columns", PP_REQ_ARG, NULL, OPT_COLUMNS },
		{ "from", PP_REQ_ARG, NULL, OPT_FROM },
		{ "height", PP_REQ_ARG, NULL, 'H' },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "hop", PP_REQ_ARG, NULL, OPT_HOP },
		{ "hops", PP_NO_ARG, NULL, OPT_HOPS },
		{ "html", PP_REQ_ARG, NULL, OPT_HTML },
		{ "latency", PP_REQ_ARG, NULL, OPT_LATENCY },
		{ "local", PP_NO_ARG, NULL, OPT_LOCAL },
		{ "loss", PP_REQ_ARG, NULL, OPT_LOSS },
		{ "no-route", PP_NO_ARG, NULL, OPT_NO_ROUTE },
		{ "outage-loss", PP_REQ_ARG, NULL, OPT_OUTAGE_LOSS },
		{ "outage-min", PP_REQ_ARG, NULL, OPT_OUTAGE_MIN },
		{ "percentile", PP_REQ_ARG, NULL, OPT_PCT },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "output", PP_REQ_ARG, NULL, 'o' },
		{ "refresh", PP_REQ_ARG, NULL, OPT_REFRESH },
		{ "rise", PP_REQ_ARG, NULL, OPT_RISE },
		{ "route-rounds", PP_REQ_ARG, NULL, OPT_ROUTE_ROUNDS },
		{ "step", PP_REQ_ARG, NULL, OPT_STEP },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "target", PP_REQ_ARG, NULL, 't' },
		{ "theme", PP_REQ_ARG, NULL, OPT_THEME },
		{ "to", PP_REQ_ARG, NULL, OPT_TO },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "width", PP_REQ_ARG, NULL, 'W' },
		{ "window", PP_REQ_ARG, NULL, OPT_WINDOW },
		{ "ymax", PP_REQ_ARG, NULL, OPT_YMAX },
		{ NULL, 0, NULL, 0 },
	};
	const char *errstr = NULL;
	int ch;

	while ((ch = pp_getopt_long(argc, argv, "c:H:ho:t:VW:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': {
			int i = pp_plot_chart_find(pp_optarg);
			if (i == -1)
				pp_errx(PP_EXIT_USAGE, "-c: unknown chart '%s' "
				    "(latency, heatmap, timeline, map, "
				    "summary)", pp_optarg);
			o->chart = (enum pp_plot_chart)i;
			o->chart_set = true;
			break;
		}
		case 'H':
			o->draw.height = (int)pp_strtonum(pp_optarg, 120, 20000,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "-H: height must be 120 "
				    "to 20000: %s", pp_optarg);
			break;
		case 'h':
			usage(0);
		case 'o':
			o->out = pp_optarg;
			break;
		case 't':
			o->target = pp_optarg;
			break;
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'W':
			o->draw.width = (int)pp_strtonum(pp_optarg, 320, 20000,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "-W: width must be 320 "
				    "to 20000: %s", pp_optarg);
			break;
		case OPT_CLEAR:
			o->rep.judge.clear = pct_arg("--clear-below", 0, 100);
			break;
		case OPT_COLUMNS:
			o->columns = (size_t)pp_strtonum(pp_optarg, 2, 20000,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--columns: columns must "
				    "be 2 to 20000: %s", pp_optarg);
			break;
		case OPT_FROM:
			pp_tbound_optarg("--from", pp_optarg, &o->range.from);
			break;
		case OPT_HOP:
			o->hop = (int)pp_strtonum(pp_optarg, 1, 255, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--hop: ttl must be 1 to "
				    "255: %s", pp_optarg);
			break;
		case OPT_HOPS:
			o->rep.judge.hops = true;
			break;
		case OPT_HTML:
			o->html = pp_optarg;
			break;
		case OPT_LATENCY:
			if (pp_strtod_range(pp_optarg, 0, 3600000,
			    &o->rep.judge.latency, &errstr) == -1)
				pp_errx(PP_EXIT_USAGE, "--latency: milliseconds "
				    "must be 0 (off) to 3600000: %s", pp_optarg);
			if (o->rep.judge.latency == 0)
				o->rep.judge.latency = NAN;
			break;
		case OPT_LOSS:
			o->rep.judge.loss = pct_arg("--loss", 0, 100);
			if (o->rep.judge.loss == 0)
				o->rep.judge.loss = NAN;
			break;
		case OPT_NO_ROUTE:
			o->rep.judge.routes = false;
			break;
		case OPT_OUTAGE_LOSS:
			o->rep.outage_loss = pct_arg("--outage-loss", 0.001, 100);
			break;
		case OPT_OUTAGE_MIN:
			o->rep.outage_min = pp_duration_optarg("--outage-min",
			    pp_optarg, 0);
			break;
		case OPT_PCT:
			o->rep.judge.pct = pct_arg("--percentile", 1, 100) / 100;
			break;
		case OPT_LOCAL:
			o->draw.local = true;
			break;
		case OPT_REFRESH:
			o->refresh = pp_duration_optarg("--refresh", pp_optarg, 0.1);
			break;
		case OPT_REFUSED_DOWN:
			o->refused_down = true;
			break;
		case OPT_RISE:
			o->rep.judge.rise = pct_arg("--rise", 0, 100000);
			break;
		case OPT_ROUTE_ROUNDS:
			o->rep.judge.route_rounds = (uint32_t)pp_strtonum(
			    pp_optarg, 1, 1000, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--route-rounds: rounds "
				    "must be 1 to 1000: %s", pp_optarg);
			break;
		case OPT_STEP:
			o->step = pp_duration_optarg("--step", pp_optarg, 0.001);
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_THEME:
			if (strcmp(pp_optarg, "dark") == 0)
				o->draw.dark = true;
			else if (strcmp(pp_optarg, "light") == 0)
				o->draw.dark = false;
			else
				pp_errx(PP_EXIT_USAGE, "--theme: light or dark: "
				    "%s", pp_optarg);
			break;
		case OPT_TO:
			pp_tbound_optarg("--to", pp_optarg, &o->range.to);
			break;
		case OPT_WINDOW:
			o->rep.judge.window = (uint32_t)pp_strtonum(pp_optarg, 1,
			    PP_WINDOW_MAX, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--window: probes must be "
				    "1 to %d: %s", PP_WINDOW_MAX, pp_optarg);
			break;
		case OPT_YMAX:
			if (pp_strtod_range(pp_optarg, 0.001, 3600000,
			    &o->draw.ymax, &errstr) == -1)
				pp_errx(PP_EXIT_USAGE, "--ymax: milliseconds "
				    "must be 0.001 to 3600000: %s", pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	if (o->refresh > 0 && o->out == NULL && o->html == NULL)
		pp_errx(PP_EXIT_USAGE, "--refresh needs -o or --html (a file to "
		    "rewrite)");
	if (o->chart_set && o->html != NULL && o->out == NULL)
		pp_errx(PP_EXIT_USAGE, "-c with --html: give -o for the chart");
}

int
main(int argc, char **argv)
{
	static char datadir[PATH_MAX + 16];
	/* The report's events: pp-stats' outage rule, pp-alert's judgement
	 * with PingerPlot's thresholds (loss 20 %, latency 250 ms over 20
	 * probes) and a latency rise of 100 %, so a step is marked. */
	struct plot_opts o = {
		.chart = PP_PLOT_LATENCY,
		.draw = { .width = 1000, .height = 420 },
		.rep = {
			.outage_loss = 30, .outage_min = 3,
			.judge = {
				.loss = 20, .latency = 250, .rise = 100,
				.mos = NAN, .clear = 80, .pct = 0.5,
				.window = 20, .route_rounds = 3,
				.routes = true,
			},
		},
	};
	struct pp_stream st;
	struct pp_record *rec;
	int status = PP_EXIT_OK;

	pp_cli_init(argv[0]);
	pp_trange_init(&o.range);
	parse_args(argc, argv, &o);
	argc -= pp_optind;
	argv += pp_optind;
	o.draw.datadir = pp_plot_datadir(datadir, sizeof(datadir));
	if (o.columns == 0) {
		int plotw = o.draw.width - 88;
		o.columns = (size_t)(plotw / 2 > 2 ? plotw / 2 : 2);
	}

	struct pp_plotdata *d = pp_xcalloc(1, sizeof(*d));
	if (pp_plotdata_init(d, o.columns, o.step) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	d->outcome.refused_down = o.refused_down;
	if (pp_plotdata_compute(d, &o.rep) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	struct plot_run run = { .o = &o, .d = d, .last_ns = pp_mono_ns() };
	if (pp_stream_open(&st, argv, argc, o.strict) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	(void)pp_stream_time_order(&st);
	pp_stream_set_range(&st, &o.range);
	st.rd.opts.would_block = maybe_refresh;
	st.rd.opts.arg = &run;
	run.fd = pp_stream_threaded(&st) ? NULL : &st.rd.fd;
	/* A live page exists from the start: "waiting", then the first
	 * probes as soon as they are read. */
	if (o.refresh > 0)
		(void)render(&run, false);
	unsigned long n = 0;
	while ((rec = pp_stream_next(&st)) != NULL) {
		if (pp_plotdata_add(d, rec) == -1)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		run.dirty = true;
		if (o.refresh > 0 && (++n & 4095) == 0)
			maybe_refresh(&run);
	}
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	if (d->ignored > 0)
		pp_warnx("more than %d target and hop pairs: %lu probe "
		    "record%s not drawn", PP_PLOT_MAX_SERIES, d->ignored,
		    pp_plural(d->ignored, "", "s"));
	unsigned long figs = 0;
	for (int src = 0; src < PP_SRC_N; src++)
		figs += d->rows[src].dropped + d->mos[src].dropped;
	if (figs > 0)
		pp_warnx("more than %d target names: %lu hop table rows and "
		    "MOS figures not shown", PP_PLOT_MAX_SERIES, figs);
	if (d->grid.dropped > 0)
		pp_warnx("%lu probe record%s older than the --step window not "
		    "drawn", d->grid.dropped, pp_plural(d->grid.dropped, "",
		    "s"));
	pp_plotdata_finish(d);
	if (d->oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	pp_plotdata_settle(d);
	if (render(&run, true) == -1)
		status = PP_EXIT_FAIL;
	pp_plotdata_release(d);
	free(d);
	return pp_close_stdout(status);
}
