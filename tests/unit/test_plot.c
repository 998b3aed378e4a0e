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
