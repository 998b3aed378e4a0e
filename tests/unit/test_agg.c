/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "lib/agg.h"
#include "lib/model.h"
#include "tests/unit/check.h"

void test_agg_horizon(void);

static double
horizon_of(const char *json)
{
	json_error_t e;
	json_t *o = json != NULL ? json_loads(json, 0, &e) : NULL;
	double h = pp_meta_horizon(o);

	json_decref(o);
	return h;
}

/* The meta records' settings in turn (NULL: a meta without settings),
 * then probes at 100, 104 and 99 s: the late probes counted (99 s is
 * late once 100 s is out: with a horizon under 4 s). */
static unsigned long long
late_after(const char *const *metas, int n, double set, double *horizon)
{
	struct pp_agg_opts ao = { .horizon = 11, .outage_loss = 100,
	    .outage_min = INFINITY };
	struct pp_agg_sink sink = { 0 };
	struct pp_agg a;
	json_error_t e;

	if (pp_agg_init(&a, &ao, &sink) == -1) {
		CHECK(false, "init");
		return 0;
	}
	if (!isnan(set))
		pp_agg_set_horizon(&a, set);
	for (int i = 0; i < n; i++) {
		json_t *o = metas[i] != NULL ? json_loads(metas[i], 0, &e) :
		    NULL;
		pp_agg_meta(&a, o);
		json_decref(o);
	}
	double ts[] = { 100, 104, 99 };
	for (int i = 0; i < 3; i++) {
		struct pp_probe p;
		memset(&p, 0, sizeof(p));
		p.ts = ts[i];
		p.target = "t";
		p.ttl = -1;
		p.seq = i;
		p.round = -1;
		p.flow = -1;
		p.code = -1;
		p.status = PP_ST_REPLY;
		p.from = "192.0.2.1";
		p.rtt = 1;
		CHECK(pp_agg_probe(&a, &p) == 0, "probe");
	}
	*horizon = a.o.horizon;
	pp_agg_finish(&a);
	unsigned long long late = a.late;
	pp_agg_release(&a);
	return late;
}

void
test_agg_horizon(void)
{
	CHECK_NEAR(horizon_of("{\"timeout\":2}"), 3, 0, "timeout 2");
	CHECK_NEAR(horizon_of("{\"timeout\":0.25}"), 1.25, 0, "timeout 0.25");
	CHECK(isnan(horizon_of("{\"timeout\":0}")), "timeout 0");
	CHECK(isnan(horizon_of("{\"timeout\":3600}")), "timeout 3600");
	CHECK(isnan(horizon_of("{\"timeout\":\"2\"}")), "a string");
	CHECK(isnan(horizon_of("{}")), "none");
	CHECK(isnan(horizon_of(NULL)), "no settings");

	double h;
	/* No meta: the default (11 s): 99 s is in order. */
	CHECK(late_after(NULL, 0, NAN, &h) == 0 && h == 11, "default: %g", h);
	/* The first meta with a timeout gives it; a later one does not
	 * change it; one without a timeout before it does not stop it. */
	static const char *const metas[] = {
		NULL, "{\"proto\":\"icmp\"}", "{\"timeout\":2}",
		"{\"timeout\":9}",
	};
	CHECK(late_after(metas, 4, NAN, &h) == 1 && h == 3,
	    "first timeout: horizon %g", h);
	/* A horizon the caller set stays. */
	CHECK(late_after(metas, 4, 20, &h) == 0 && h == 20,
	    "set by the caller: %g", h);
	/* Out of range: the default. */
	static const char *const bad[] = { "{\"timeout\":7200}" };
	CHECK(late_after(bad, 1, NAN, &h) == 0 && h == 11, "7200 s: %g", h);
}
