/* SPDX-License-Identifier: BSD-2-Clause */
/* notify.c: how pp-alert tells of an event (see notify.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/notify.h"
#include "lib/sanitize.h"
#include "lib/trange.h"

/* The start of a line, "TIME  WHAT   KIND        [VANTAGE] ". */
static void
head(FILE *f, double ts, const char *what, const char *kind,
    const char *vantage, bool vantages)
{
	char t[40];

	fprintf(f, "%s  %-6s ", pp_iso_time(ts, 0, t, sizeof(t)), what);
	fprintf(f, "%-11s ", kind);
	if (!vantages)
		return;
	putc('[', f);
	(void)pp_sanitize_term_fputs(vantage != NULL ? vantage : "?", f);
	fputs("] ", f);
}

/* The rest of the line, from the input's text, shown safely. */
static int
tail(FILE *f, const char *s)
{
	(void)pp_sanitize_term_fputs(s, f);
	return putc('\n', f) == EOF ? -1 : 0;
}

int
pp_notify_alert_text(FILE *f, const struct pp_alert_rec *a, bool vantages)
{
	head(f, a->ts, a->state != NULL && strcmp(a->state, "raise") == 0 ?
	    "RAISE" : "clear", a->kind != NULL ? a->kind : "?", a->vantage,
	    vantages);
	return tail(f, a->message != NULL ? a->message : a->target);
}

int
pp_notify_route_text(FILE *f, const struct pp_route_rec *r, bool vantages)
{
	char line[2048];
	size_t len = 0;
	int n = snprintf(line, sizeof(line), "%s:", r->target);

	if (n > 0)
		len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	for (int i = 0; i < r->nhops && len < sizeof(line) - 1; i++) {
		n = snprintf(line + len, sizeof(line) - len, " %s",
		    r->hops[i] != NULL ? r->hops[i] : "*");
		if (n < 0)
			break;
		len += (size_t)n < sizeof(line) - len ? (size_t)n :
		    sizeof(line) - len - 1;
	}
	head(f, r->ts, "path", r->nprev >= 0 ? "change" : "first",
	    r->vantage, vantages);
	return tail(f, line);
}

/* "NAME=value", the value of any length (owned). */
static char *
var(const char *name, const char *value)
{
	size_t nl = strlen(name);
	size_t vl = strlen(value);
	char *s = pp_xmalloc(nl + vl + 2);

	memcpy(s, name, nl);
	s[nl] = '=';
	memcpy(s + nl + 1, value, vl + 1);
	return s;
}

/* A short variable: at most 63 bytes, as a number or a word of ours
 * needs (owned). */
static char *
shortvar(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
shortvar(const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return pp_xstrdup(buf);
}

void
pp_notify_env_make(struct pp_notify_env *e, const char *kind,
    const char *state, const char *vantage, const char *target, int ttl,
    double ts, double value)
{
	int n = 0;

	e->v[n++] = shortvar("PP_KIND=%s", kind);
	e->v[n++] = shortvar("PP_STATE=%s", state);
	e->v[n++] = var("PP_TARGET", target);
	if (vantage != NULL)
		e->v[n++] = var("PP_VANTAGE", vantage);
	e->v[n++] = shortvar("PP_TS=%.6f", ts);
	if (ttl > 0)
		e->v[n++] = shortvar("PP_TTL=%d", ttl);
	if (isfinite(value))
		e->v[n++] = shortvar("PP_VALUE=%.3f", value);
	e->v[n] = NULL;
}

void
pp_notify_env_free(struct pp_notify_env *e)
{
	for (int i = 0; e->v[i] != NULL; i++)
		free(e->v[i]);
	e->v[0] = NULL;
}
