/* SPDX-License-Identifier: BSD-2-Clause */
/* export_influx.c: InfluxDB line protocol for pp-stats (see
 * export_influx.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/export.h"
#include "lib/export_influx.h"

static const char *
esc_tag(unsigned char c)
{
	switch (c) {
	case ',':
		return "\\,";
	case '=':
		return "\\=";
	case ' ':
		return "\\ ";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

/* A string field: the line protocol has no newline inside a value
 * (InfluxDB's line protocol reference), so newline and carriage return
 * are written as \n and \r, which InfluxDB keeps as those two
 * characters, as in tags. */
static const char *
esc_str(unsigned char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '"':
		return "\\\"";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

void
pp_export_influx_tag(struct pp_export *x, const char *s)
{
	/* InfluxDB 1.x rejects a tag ending in a backslash and reads one
	 * before an escaped character as an escape: such a backslash is
	 * written as U+29F5 (reverse solidus operator). */
	const char *p = s;

	while (*p != '\0') {
		const char *q = strchr(p, '\\');
		if (q == NULL) {
			pp_export_escaped(x, p, strlen(p), esc_tag);
			return;
		}
		pp_export_escaped(x, p, (size_t)(q - p), esc_tag);
		if (q[1] == '\0' || q[1] == ',' || q[1] == '=' || q[1] == ' ')
			pp_export_puts(x, "\xe2\xa7\xb5");
		else
			pp_export_putc(x, '\\');
		p = q + 1;
	}
}

void
pp_export_influx_str(struct pp_export *x, const char *s)
{
	pp_export_putc(x, '"');
	pp_export_escaped(x, s, strlen(s), esc_str);
	pp_export_putc(x, '"');
}


/* An epoch time in seconds (microsecond precision) as nanoseconds. */
static void
put_ns(struct pp_export *x, double t)
{
	char tmp[32];
	long long us = llround(t * 1e6);
	int n = snprintf(tmp, sizeof(tmp), "%lld000", us);

	if (n > 0 && (size_t)n < sizeof(tmp))
		pp_export_put(x, tmp, (size_t)n);
}

/* A tag, left out when its value is empty or absent. */
static void
tag(struct pp_export *x, const char *key, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	pp_export_putc(x, ',');
	pp_export_puts(x, key);
	pp_export_putc(x, '=');
	pp_export_influx_tag(x, v);
}

static void
tag_ttl(struct pp_export *x, int ttl)
{
	char tmp[16];

	if (ttl <= 0)
		return;
	(void)snprintf(tmp, sizeof(tmp), "%d", ttl);
	tag(x, "ttl", tmp);
}

/* Field writer state: the separator before the next field. */
struct fields {
	struct pp_export *x;
	bool any;		/* a field was written */
};

static void
field_key(struct fields *f, const char *key)
{
	pp_export_putc(f->x, f->any ? ',' : ' ');
	pp_export_puts(f->x, key);
	pp_export_putc(f->x, '=');
	f->any = true;
}

/* A float field, left out when undefined. */
static void
ffloat(struct fields *f, const char *key, double v, int decimals)
{
	if (!isfinite(v))
		return;
	field_key(f, key);
	pp_export_num(f->x, v, decimals);
}

static void
fint(struct fields *f, const char *key, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lldi", v);

	field_key(f, key);
	if (n > 0 && (size_t)n < sizeof(tmp))
		pp_export_put(f->x, tmp, (size_t)n);
}

void
pp_export_influx_stats(struct pp_export *x, const struct pp_stats_rec *s)
{
	struct fields f = { x, false };

	pp_export_puts(x, "pp_stats");
	tag(x, "vantage", s->vantage);
	tag(x, "target", s->target);
	tag_ttl(x, s->ttl);
	tag(x, "addr", s->addr);
	fint(&f, "sent", (long long)s->sent);
	fint(&f, "recv", (long long)s->recv);
	ffloat(&f, "loss", s->loss, 3);
	ffloat(&f, "loss_lo", s->loss_lo, 3);
	ffloat(&f, "loss_hi", s->loss_hi, 3);
	ffloat(&f, "fwd_loss", s->ttl > 0 ? s->fwd_loss : NAN, 3);
	ffloat(&f, "fwd_lo", s->ttl > 0 ? s->fwd_lo : NAN, 3);
	ffloat(&f, "fwd_hi", s->ttl > 0 ? s->fwd_hi : NAN, 3);
	if (s->ttl > 0 && s->fwd_sent >= 0) {
		fint(&f, "fwd_sent", s->fwd_sent);
		fint(&f, "fwd_lost", s->fwd_lost);
	}
	if (s->fwd_ttl > 0)
		fint(&f, "fwd_ttl", s->fwd_ttl);
	ffloat(&f, "last", s->last, 3);
	ffloat(&f, "min", s->min, 3);
	ffloat(&f, "avg", s->avg, 3);
	ffloat(&f, "max", s->max, 3);
	ffloat(&f, "stdev", s->stdev, 3);
	ffloat(&f, "p50", s->p50, 3);
	ffloat(&f, "p90", s->p90, 3);
	ffloat(&f, "p95", s->p95, 3);
	ffloat(&f, "p99", s->p99, 3);
	ffloat(&f, "jitter", s->jitter, 3);
	ffloat(&f, "jmax", s->jmax, 3);
	ffloat(&f, "jint", s->jint, 3);
	if (s->unreachable > 0) {
		char text[1024];
		fint(&f, "unreachable", (long long)s->unreachable);
		(void)pp_stats_rec_unreach_text(s, text, sizeof(text));
		field_key(&f, "unreachable_from");
		pp_export_influx_str(x, text);
	}
	if (s->tcp) {
		fint(&f, "open", (long long)s->open);
		fint(&f, "refused", (long long)s->refused);
	}
	if (s->local_drop > 0)
		fint(&f, "local_drop", (long long)s->local_drop);
	if (s->rate_limit > 0) {
		fint(&f, "rate_limited", (long long)s->rate_limited);
		ffloat(&f, "rate_limit", s->rate_limit, 3);
	}
	ffloat(&f, "end_ts", s->end, 6);
	pp_export_putc(x, ' ');
	put_ns(x, s->start);
	pp_export_putc(x, '\n');
}

void
pp_export_influx_outage(struct pp_export *x, const struct pp_outage_rec *o)
{
	struct fields f = { x, false };

	pp_export_puts(x, "pp_outage");
	tag(x, "vantage", o->vantage);
	tag(x, "target", o->target);
	tag_ttl(x, o->ttl);
	ffloat(&f, "duration_ms", (o->end - o->start) * 1000.0, 3);
	fint(&f, "sent", (long long)o->sent);
	fint(&f, "recv", (long long)o->recv);
	ffloat(&f, "loss", o->sent > 0 ? 100.0 * (double)(o->sent - o->recv) /
	    (double)o->sent : NAN, 3);
	field_key(&f, "ongoing");
	pp_export_puts(x, o->ongoing ? "true" : "false");
	ffloat(&f, "end_ts", o->end, 6);
	pp_export_putc(x, ' ');
	put_ns(x, o->start);
	pp_export_putc(x, '\n');
}

void
pp_export_influx_mos(struct pp_export *x, const struct pp_mos_rec *m)
{
	struct fields f = { x, false };
	size_t mark = x->len;

	pp_export_puts(x, "pp_mos");
	tag(x, "vantage", m->vantage);
	tag(x, "target", m->target);
	tag(x, "codec", m->codec);
	tag(x, "model", m->model);
	ffloat(&f, "rtt", m->rtt, 3);
	ffloat(&f, "jitter", m->jitter, 3);
	ffloat(&f, "jitter_buffer", m->jitter_buffer, 3);
	ffloat(&f, "delay", m->delay, 3);
	ffloat(&f, "loss", m->loss, 3);
	ffloat(&f, "burst_r", m->burst_r, 3);
	if (m->sent >= 0)
		fint(&f, "sent", m->sent);
	if (m->recv >= 0)
		fint(&f, "recv", m->recv);
	ffloat(&f, "ie_eff", m->ie_eff, 3);
	ffloat(&f, "r", m->r, 3);
	ffloat(&f, "mos", m->mos, 3);
	if (m->note != NULL) {
		field_key(&f, "note");
		pp_export_influx_str(x, m->note);
	}
	ffloat(&f, "end_ts", m->end, 6);
	if (!f.any) {
		x->len = mark;		/* a point needs a field */
		return;
	}
	if (isfinite(m->start)) {
		pp_export_putc(x, ' ');
		put_ns(x, m->start);
	}
	pp_export_putc(x, '\n');
}
