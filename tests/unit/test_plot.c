/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "lib/plot.h"
#include "lib/record.h"
#include "lib/svg.h"
#include "tests/unit/check.h"

void test_plot(void);

/* Fold lines into d. */
static void
fold(struct pp_plotdata *d, const char *const *lines, size_t n)
{
	struct pp_record r;
	struct pp_error e;

	pp_record_init(&r);
	for (size_t i = 0; i < n; i++) {
		int rc = pp_record_parse(&r, lines[i], strlen(lines[i]), &e);
		CHECK(rc == 0, "parse %s: %s", lines[i], e.msg);
		if (rc == 0)
			CHECK(pp_plotdata_add(d, &r) == 0, "add %s", lines[i]);
	}
	pp_record_release(&r);
}

void
test_plot(void)
{
	/* Events whose times are missing or beyond time_t: the report and
	 * the charts show "-" instead of converting NaN or 1e300 to time_t
	 * (undefined; found by tests/fuzz/fuzz_plot). */
	static const char *const lines[] = {
		"{\"type\":\"probe\",\"ts\":1764000000.0,\"target\":\"h\","
		    "\"seq\":0,\"status\":\"reply\",\"from\":\"198.18.0.1\","
		    "\"rtt\":1.5}",
		"{\"type\":\"probe\",\"ts\":1764000001.0,\"target\":\"h\","
		    "\"seq\":1,\"status\":\"reply\",\"from\":\"198.18.0.1\","
		    "\"rtt\":2.5}",
		"{\"type\":\"outage\",\"target\":\"h\",\"end\":1764000003,"
		    "\"sent\":3,\"lost\":3}",
		"{\"type\":\"outage\",\"target\":\"h\",\"start\":1e300,"
		    "\"end\":-1e300,\"sent\":3,\"lost\":3}",
	};
	struct pp_plotdata d;
	struct pp_plot_opts o = { .width = 480, .height = 240 };
	struct pp_error e;

	CHECK(pp_plotdata_init(&d, 64, 0) == 0, "plotdata init");
	fold(&d, lines, sizeof(lines) / sizeof(lines[0]));
	pp_plotdata_settle(&d);
	CHECK(pp_plotdata_nevents(&d, PP_EV_OUTAGE) == 2, "outages held: %zu",
	    pp_plotdata_nevents(&d, PP_EV_OUTAGE));

	struct pp_svg h;
	pp_svg_init(&h);
	pp_error_clear(&e);
	CHECK(pp_plot_html(&h, &d, &o, 0, &e) == 0 && !h.oom, "html: %s",
	    e.msg);
	char *doc = malloc(h.len + 1);
	CHECK(doc != NULL, "malloc");
	if (doc != NULL) {
		memcpy(doc, h.buf, h.len);
		doc[h.len] = '\0';
		CHECK(strstr(doc, "<td>1</td><td class=\"n\">-</td>") != NULL,
		    "an outage at a time beyond time_t shows '-'");
		const char *bad = strstr(doc, "nan") != NULL ?
		    strstr(doc, "nan") : strstr(doc, "inf");
		CHECK(bad == NULL, "no NaN or infinity printed: %.60s",
		    bad != NULL ? bad - 30 : "");
		free(doc);
	}
	pp_svg_release(&h);

	struct pp_svg s;
	pp_svg_init(&s);
	CHECK(pp_plot_latency(&s, &d, NULL, 0, &o, &e) == 0 && !s.oom,
	    "latency: %s", e.msg);
	pp_svg_release(&s);
	pp_plotdata_release(&d);
}

void test_plot_charts(void);

/* An SVG document as text (owned). */
static char *
svg_text(const struct pp_svg *s)
{
	char *t = malloc(s->len + 1);

	if (t != NULL) {
		memcpy(t, s->buf, s->len);
		t[s->len] = '\0';
	}
	return t;
}

void
test_plot_charts(void)
{
	static const char *const names[] = {
		"latency", "heatmap", "timeline", "map", "summary",
	};
	for (int i = 0; i < 5; i++)
		CHECK(pp_plot_chart_find(names[i]) == i, "chart %s", names[i]);
	CHECK(pp_plot_chart_find("Latency") == -1 &&
	    pp_plot_chart_find("") == -1 && pp_plot_chart_find("lat") == -1,
	    "unknown charts");

	/* No data, no target asked for: a chart saying so, in the theme's
	 * colours; a target asked for: the chart's own message. */
	struct pp_plotdata d;
	struct pp_plot_opts o = { .width = 300, .height = 200, .dark = true };
	struct pp_error e;
	struct pp_svg s;
	CHECK(pp_plotdata_init(&d, 64, 0) == 0, "plotdata init");
	pp_plotdata_settle(&d);
	for (int k = PP_PLOT_LATENCY; k <= PP_PLOT_SUMMARY; k++) {
		pp_svg_init(&s);
		pp_error_clear(&e);
		CHECK(pp_plot_chart(&s, (enum pp_plot_chart)k, &d, NULL, 0, &o,
		    &e) == 0, "empty chart %d", k);
		char *t = svg_text(&s);
		CHECK(t != NULL && strstr(t, ">no probe records to plot<") !=
		    NULL && strstr(t, "#15181c") != NULL &&
		    strstr(t, "width=\"300\"") != NULL, "empty chart %d: %.80s",
		    k, t != NULL ? t : "");
		free(t);
		pp_svg_release(&s);
	}
	pp_svg_init(&s);
	pp_error_clear(&e);
	CHECK(pp_plot_chart(&s, PP_PLOT_LATENCY, &d, "nosuch", 0, &o, &e) ==
	    -1 && strstr(e.msg, "nosuch") != NULL, "a target not there: %s",
	    e.msg);
	pp_svg_release(&s);
	pp_plotdata_release(&d);

	/* The data directory: $PP_DATADIR first. */
	char buf[4200];
	const char *old = getenv("PP_DATADIR");
	char *keep = old != NULL ? strdup(old) : NULL;
	setenv("PP_DATADIR", "/some/where", 1);
	CHECK_STR(pp_plot_datadir(buf, sizeof(buf)), "/some/where", "env");
	unsetenv("PP_DATADIR");
	const char *dd = pp_plot_datadir(buf, sizeof(buf));
	CHECK(dd != NULL && (strcmp(dd, PP_DATADIR) == 0 || dd == buf),
	    "beside the program or the install's: %s", dd);
	if (keep != NULL) {
		setenv("PP_DATADIR", keep, 1);
		free(keep);
	}
}
