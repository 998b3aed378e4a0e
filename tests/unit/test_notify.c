/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/notify.h"
#include "tests/unit/check.h"

void test_notify_text(void);
void test_notify_env(void);

static char *
alert_line(const struct pp_alert_rec *a, bool vantages)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(pp_notify_alert_text(f, a, vantages) == 0, "written");
	fclose(f);
	return buf;
}

static char *
route_line(const struct pp_route_rec *r, bool vantages)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(pp_notify_route_text(f, r, vantages) == 0, "written");
	fclose(f);
	return buf;
}

void
test_notify_text(void)
{
	struct pp_alert_rec a = {
		/* 40.7 s: the second rounded, as lib/trange writes times */
		.ts = 1764000040.7, .vantage = "siteA", .target = "t",
		.ttl = 3, .kind = "loss", .state = "raise",
		.message = "t hop 3 loss 5.000% >= 5.000%",
	};
	char *s = alert_line(&a, false);
	CHECK_STR(s, "2025-11-24T16:00:41Z  RAISE  loss        t hop 3 loss "
	    "5.000% >= 5.000%\n", "raise");
	free(s);
	a.state = "clear";
	a.kind = "unreachable";
	a.vantage = "a\033[31mb";
	a.message = NULL;
	s = alert_line(&a, true);
	CHECK_STR(s, "2025-11-24T16:00:41Z  clear  unreachable [a\\x1b[31mb] "
	    "t\n", "clear, vantage made safe, target without a message");
	free(s);
	a.vantage = NULL;
	a.kind = NULL;
	a.message = "x\ny";
	s = alert_line(&a, true);
	CHECK_STR(s, "2025-11-24T16:00:41Z  clear  ?           [?] x\\x0ay\n",
	    "unknown kind and vantage; a newline in the message");
	free(s);

	struct pp_route_rec r = {
		.ts = 1000.01, .vantage = "siteB", .target = "t<b>1",
		.nhops = 3, .hops = { "198.18.1.2", NULL, "198.18.3.2" },
		.nprev = -1,
	};
	s = route_line(&r, false);
	CHECK_STR(s, "1970-01-01T00:16:40Z  path   first       t<b>1: "
	    "198.18.1.2 * 198.18.3.2\n", "first path, a silent hop");
	free(s);
	r.nprev = 0;	/* the path before had no hop: still a change */
	s = route_line(&r, true);
	CHECK_STR(s, "1970-01-01T00:16:40Z  path   change      [siteB] t<b>1: "
	    "198.18.1.2 * 198.18.3.2\n", "a change, vantage");
	free(s);
	/* A full disk: the line's end not written is said. */
	FILE *full = fopen("/dev/full", "w");
	if (full != NULL) {
		setvbuf(full, NULL, _IONBF, 0);
		CHECK(pp_notify_route_text(full, &r, true) == -1, "/dev/full");
		fclose(full);
	}
}

static void
env_is(const struct pp_notify_env *e, const char *want)
{
	char got[4096] = "";

	for (int i = 0; e->v[i] != NULL; i++) {
		strncat(got, e->v[i], sizeof(got) - strlen(got) - 2);
		strcat(got, ";");
	}
	CHECK_STR(got, want, "env");
}

void
test_notify_env(void)
{
	struct pp_notify_env e;

	pp_notify_env_make(&e, "latency", "raise", "siteA", "t1", 3,
	    1764000040.5, 53.0514);
	env_is(&e, "PP_KIND=latency;PP_STATE=raise;PP_TARGET=t1;"
	    "PP_VANTAGE=siteA;PP_TS=1764000040.500000;PP_TTL=3;"
	    "PP_VALUE=53.051;");
	pp_notify_env_free(&e);
	/* A route: no hop, no value, no vantage point known. */
	pp_notify_env_make(&e, "route", "change", NULL, "t", 0, 1000.01,
	    NAN);
	env_is(&e, "PP_KIND=route;PP_STATE=change;PP_TARGET=t;"
	    "PP_TS=1000.010000;");
	pp_notify_env_free(&e);
	CHECK(e.v[0] == NULL, "freed");
	/* A long target is whole (lib/spawn cuts values, saying so). */
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pp_notify_env_make(&e, "loss", "clear", big, big, 1, 1, 0);
	CHECK(strlen(e.v[2]) == strlen("PP_TARGET=") + 299 &&
	    strlen(e.v[3]) == strlen("PP_VANTAGE=") + 299, "long values");
	CHECK_STR(e.v[6], "PP_VALUE=0.000", "value 0");
	CHECK(e.v[7] == NULL, "7 variables");
	pp_notify_env_free(&e);
}
