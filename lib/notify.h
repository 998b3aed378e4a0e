/* SPDX-License-Identifier: BSD-2-Clause */
/* notify.h: how pp-alert tells of an event (an alert or route record,
 * lib/model.h): a line for people (-f text) and the variables of the
 * program run for it (--exec, lib/spawn.h).
 *
 * A line: "TIME  WHAT   KIND        [VANTAGE] TEXT", the time in UTC to the
 * second; WHAT is RAISE or clear for alerts, path for routes (KIND "first"
 * or "change", TEXT the target and its hops, "*" silent); the vantage
 * point only when the input has shown more than one; text from the input
 * made safe for a terminal (lib/sanitize.h).
 *
 * The variables: PP_KIND, PP_STATE, PP_TARGET, PP_VANTAGE (when known),
 * PP_TS (epoch seconds to the microsecond), PP_TTL (a hop's), PP_VALUE
 * (the judged figure, when there is one, to 3 decimals). */
#ifndef PP_NOTIFY_H
#define PP_NOTIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/model.h"

/* Variables of one event, at most. */
#define PP_NOTIFY_ENV 7

/* An alert as a line on f; vantages: name its vantage point.  Returns 0,
 * or -1 when the line's end could not be written. */
int pp_notify_alert_text(FILE *f, const struct pp_alert_rec *a,
    bool vantages);

/* A route as a line on f, likewise. */
int pp_notify_route_text(FILE *f, const struct pp_route_rec *r,
    bool vantages);

/* An event's variables: "NAME=value" strings (owned), NULL-ended. */
struct pp_notify_env {
	char *v[PP_NOTIFY_ENV + 1];
};

/* Fill e for an event of kind and state ("raise", "clear"; "first",
 * "change" for routes) about target (vantage NULL unknown; ttl 0: the
 * path, not a hop; value NAN: none). */
void pp_notify_env_make(struct pp_notify_env *e, const char *kind,
    const char *state, const char *vantage, const char *target, int ttl,
    double ts, double value);

void pp_notify_env_free(struct pp_notify_env *e);

#endif /* PP_NOTIFY_H */
