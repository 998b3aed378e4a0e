/* SPDX-License-Identifier: BSD-2-Clause */
/* export.c: Prometheus text exposition and InfluxDB line protocol for
 * pp-stats (see export.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "lib/util.h"

/* An unreachable source of a series, over every window. */
struct row_unreach {
	char *addr;		/* owned, NULL unknown */
	int code;		/* ICMP code, -1 unknown */
	uint64_t n;		/* probes */
};

/* A Prometheus series of pp-stats: the latest window and the totals. */
struct pp_export_row {
	struct pp_stats_rec s;	/* latest window; target and addr owned,
				 * its lists not kept */
	uint64_t sent;		/* probes sent, every window */
	uint64_t recv;		/* answered, every window */
	double rtt_sum;		/* sum of the answers' RTTs, ms */
	struct row_unreach ur[PP_REC_UNREACH];	/* unreachable sources */
	int nur;		/* in use */
	uint64_t ur_other;	/* from sources past PP_REC_UNREACH */
	bool tcp;		/* TCP: open and refused apply */
	uint64_t open;		/* TCP connections open, every window */
	uint64_t refused;	/* and refused */
	uint64_t local_drop;	/* local drops, every window */
	uint64_t rate_limited;	/* losses a rate limit explains, every
				 * window */
	bool limited;		/* a rate limit was recognised, ever */
};

/* A Prometheus MOS series: the latest record's figures. */
struct pp_export_mrow {
	char *vantage;		/* owned, "" unknown */
	char *target;		/* owned */
	char *codec;		/* owned */
	char *model;		/* owned */
	uint32_t hash;		/* of the three */
	double r;		/* R factor, NAN undefined */
	double mos;		/* MOS, NAN undefined */
};

void
pp_export_init(struct pp_export *x)
{
	memset(x, 0, sizeof(*x));
}

static void
row_free(struct pp_export_row *r)
{
	if (r == NULL)
		return;
	free((char *)(size_t)r->s.vantage);
	free((char *)(size_t)r->s.target);
	free((char *)(size_t)r->s.addr);
	for (int i = 0; i < r->nur; i++)
		free(r->ur[i].addr);
	free(r);
}

void
pp_export_release(struct pp_export *x)
{
	for (size_t i = 0; i < x->nrows; i++)
		row_free(x->rows[i]);
	for (size_t i = 0; i < x->nmrows; i++) {
		free(x->mrows[i]->vantage);
		free(x->mrows[i]->target);
		free(x->mrows[i]->codec);
		free(x->mrows[i]->model);
		free(x->mrows[i]);
	}
	free(x->rows);
	free(x->order);
	free(x->mrows);
	free(x->mhash);
	free(x->buf);
	memset(x, 0, sizeof(*x));
}

void
pp_export_reset(struct pp_export *x)
{
	x->len = 0;
	x->oom = false;
}

int
pp_export_flush(struct pp_export *x, FILE *f)
{
	int ret = 0;

	if (x->oom) {
		errno = ENOMEM;
		ret = -1;
	} else if (x->len > 0 && fwrite(x->buf, 1, x->len, f) != x->len) {
		ret = -1;
	}
	pp_export_reset(x);
	return ret;
}

/* ------------------------------------------------------------ text */

void
pp_export_put(struct pp_export *x, const char *s, size_t n)
{
	if (x->oom)
		return;
	if (x->len + n > x->cap) {
		size_t cap = x->cap != 0 ? x->cap : 256;
		while (cap < x->len + n)
			cap *= 2;
		char *nb = realloc(x->buf, cap);
		if (nb == NULL) {
			x->oom = true;
			return;
		}
		x->buf = nb;
		x->cap = cap;
	}
	memcpy(x->buf + x->len, s, n);
	x->len += n;
}

static void
puts_(struct pp_export *x, const char *s)
{
	pp_export_put(x, s, strlen(s));
}

static void
putc_(struct pp_export *x, char c)
{
	pp_export_put(x, &c, 1);
}

static void
put_u64(struct pp_export *x, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);

	if (n > 0 && (size_t)n < sizeof(tmp))
		pp_export_put(x, tmp, (size_t)n);
}

void
pp_export_num(struct pp_export *x, double v, int decimals)
{
	char tmp[64];

	if (isnan(v)) {
		puts_(x, "NaN");
		return;
	}
	if (isinf(v)) {
		puts_(x, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	int n = pp_format_num(v, decimals, tmp, sizeof(tmp));
	if (n > 0)
		pp_export_put(x, tmp, (size_t)n);
}

/* Each character of s (n bytes) through esc (which returns the
 * replacement text, or NULL to copy the byte); invalid UTF-8 as U+FFFD. */
static void
put_escaped(struct pp_export *x, const char *s, size_t n,
    const char *(*esc)(unsigned char c))
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		if (p[i] >= 0x80) {
			size_t l = pp_utf8_len(p + i, n - i);
			if (l == 0) {
				puts_(x, "\xef\xbf\xbd");
				i++;
			} else {
				pp_export_put(x, (const char *)p + i, l);
				i += l;
			}
			continue;
		}
		const char *r = esc(p[i]);
		if (r != NULL)
			puts_(x, r);
		else
			putc_(x, (char)p[i]);
		i++;
	}
}

static const char *
esc_prom(unsigned char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '"':
		return "\\\"";
	case '\n':
		return "\\n";
	default:
		return NULL;
	}
}

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
pp_export_prom_label(struct pp_export *x, const char *s)
{
	put_escaped(x, s, strlen(s), esc_prom);
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
			put_escaped(x, p, strlen(p), esc_tag);
			return;
		}
		put_escaped(x, p, (size_t)(q - p), esc_tag);
		if (q[1] == '\0' || q[1] == ',' || q[1] == '=' || q[1] == ' ')
			puts_(x, "\xe2\xa7\xb5");
		else
			putc_(x, '\\');
		p = q + 1;
	}
}

void
pp_export_influx_str(struct pp_export *x, const char *s)
{
	putc_(x, '"');
	put_escaped(x, s, strlen(s), esc_str);
	putc_(x, '"');
}

/* ------------------------------------------------------------ influx */

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
	putc_(x, ',');
	puts_(x, key);
	putc_(x, '=');
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
	putc_(f->x, f->any ? ',' : ' ');
	puts_(f->x, key);
	putc_(f->x, '=');
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

	puts_(x, "pp_stats");
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
	putc_(x, ' ');
	put_ns(x, s->start);
	putc_(x, '\n');
}

void
pp_export_influx_outage(struct pp_export *x, const struct pp_outage_rec *o)
{
	struct fields f = { x, false };

	puts_(x, "pp_outage");
	tag(x, "vantage", o->vantage);
	tag(x, "target", o->target);
	tag_ttl(x, o->ttl);
	ffloat(&f, "duration_ms", (o->end - o->start) * 1000.0, 3);
	fint(&f, "sent", (long long)o->sent);
	fint(&f, "recv", (long long)o->recv);
	ffloat(&f, "loss", o->sent > 0 ? 100.0 * (double)(o->sent - o->recv) /
	    (double)o->sent : NAN, 3);
	field_key(&f, "ongoing");
	puts_(x, o->ongoing ? "true" : "false");
	ffloat(&f, "end_ts", o->end, 6);
	putc_(x, ' ');
	put_ns(x, o->start);
	putc_(x, '\n');
}

void
pp_export_influx_mos(struct pp_export *x, const struct pp_mos_rec *m)
{
	struct fields f = { x, false };
	size_t mark = x->len;

	puts_(x, "pp_mos");
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
		putc_(x, ' ');
		put_ns(x, m->start);
	}
	putc_(x, '\n');
}

/* ------------------------------------------------------------ prometheus */

static char *
dup_or_null(const char *s, bool *oom)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

int
pp_export_prom_stats(struct pp_export *x, size_t id,
    const struct pp_stats_rec *s)
{
	if (id >= PP_EXPORT_MAX_IDS) {
		errno = EINVAL;
		return -1;
	}
	if (id >= x->nrows) {
		size_t n = x->nrows != 0 ? x->nrows : 64;
		while (n <= id)
			n *= 2;
		/* order first: it always has room for nrows ids. */
		size_t *no = realloc(x->order, n * sizeof(*no));
		if (no == NULL)
			return -1;
		x->order = no;
		struct pp_export_row **nr = realloc(x->rows, n * sizeof(*nr));
		if (nr == NULL)
			return -1;
		memset(nr + x->nrows, 0, (n - x->nrows) * sizeof(*nr));
		x->rows = nr;
		x->nrows = n;
	}
	struct pp_export_row *r = x->rows[id];
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return -1;
		x->rows[id] = r;
		x->order[x->norder++] = id;
	}
	bool oom = false;
	char *vantage = dup_or_null(s->vantage, &oom);
	char *target = dup_or_null(s->target != NULL ? s->target : "", &oom);
	char *addr = dup_or_null(s->addr, &oom);
	if (oom) {
		free(vantage);
		free(target);
		free(addr);
		errno = ENOMEM;
		return -1;
	}
	for (int i = 0; i < s->nunreach; i++) {
		const struct pp_stats_rec_unreach *u = &s->unreach[i];
		int k;
		for (k = 0; k < r->nur; k++)
			if (r->ur[k].code == u->code &&
			    ((r->ur[k].addr == NULL && u->addr == NULL) ||
			    (r->ur[k].addr != NULL && u->addr != NULL &&
			    strcmp(r->ur[k].addr, u->addr) == 0)))
				break;
		if (k == r->nur) {
			if (k == PP_REC_UNREACH) {
				r->ur_other += u->count;
				continue;
			}
			r->ur[k].addr = dup_or_null(u->addr, &oom);
			if (oom) {
				free(vantage);
				free(target);
				free(addr);
				errno = ENOMEM;
				return -1;
			}
			r->ur[k].code = u->code;
			r->ur[k].n = 0;
			r->nur++;
		}
		r->ur[k].n += u->count;
	}
	r->ur_other += s->unreach_other;
	free((char *)(size_t)r->s.vantage);
	free((char *)(size_t)r->s.target);
	free((char *)(size_t)r->s.addr);
	r->s = *s;
	r->s.vantage = vantage;
	r->s.target = target;
	r->s.addr = addr;
	r->s.naddrs = 0;
	r->s.nunreach = 0;
	r->sent += s->sent;
	r->recv += s->recv;
	if (s->recv > 0 && isfinite(s->avg))
		r->rtt_sum += s->avg * (double)s->recv;
	r->tcp = r->tcp || s->tcp;
	r->open += s->open;
	r->refused += s->refused;
	r->local_drop += s->local_drop;
	r->rate_limited += s->rate_limited;
	r->limited = r->limited || s->rate_limit > 0;
	return 0;
}

static uint32_t
mhash_of(const struct pp_mos_rec *m)
{
	const char *parts[4] = { m->vantage, m->target, m->codec, m->model };
	uint32_t h = 2166136261u;

	for (int i = 0; i < 4; i++) {
		for (const char *p = parts[i] != NULL ? parts[i] : ""; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 16777619u;
		}
		h ^= 0xff;
		h *= 16777619u;
	}
	return h;
}

static bool
same(const char *a, const char *b)
{
	return strcmp(a, b != NULL ? b : "") == 0;
}

static int
mhash_grow(struct pp_export *x)
{
	size_t n = x->mhsize != 0 ? x->mhsize * 2 : 64;
	uint32_t *nh = calloc(n, sizeof(*nh));

	if (nh == NULL)
		return -1;
	for (size_t i = 0; i < x->nmrows; i++) {
		size_t j = x->mrows[i]->hash & (n - 1);
		while (nh[j] != 0)
			j = (j + 1) & (n - 1);
		nh[j] = (uint32_t)i + 1;
	}
	free(x->mhash);
	x->mhash = nh;
	x->mhsize = n;
	return 0;
}

int
pp_export_prom_mos(struct pp_export *x, const struct pp_mos_rec *m)
{
	uint32_t h = mhash_of(m);

	if ((x->nmrows + 1) * 2 > x->mhsize && mhash_grow(x) == -1)
		return -1;
	size_t j = h & (x->mhsize - 1);
	while (x->mhash[j] != 0) {
		struct pp_export_mrow *r = x->mrows[x->mhash[j] - 1];
		if (r->hash == h && same(r->vantage, m->vantage) &&
		    same(r->target, m->target) &&
		    same(r->codec, m->codec) && same(r->model, m->model)) {
			r->r = m->r;
			r->mos = m->mos;
			return 0;
		}
		j = (j + 1) & (x->mhsize - 1);
	}
	if (x->nmrows == x->amrows) {
		size_t n = x->amrows != 0 ? x->amrows * 2 : 16;
		struct pp_export_mrow **nr = realloc(x->mrows, n *
		    sizeof(*nr));
		if (nr == NULL)
			return -1;
		x->mrows = nr;
		x->amrows = n;
	}
	struct pp_export_mrow *r = calloc(1, sizeof(*r));
	bool oom = r == NULL;
	if (r != NULL) {
		r->vantage = dup_or_null(m->vantage != NULL ? m->vantage : "",
		    &oom);
		r->target = dup_or_null(m->target != NULL ? m->target : "",
		    &oom);
		r->codec = dup_or_null(m->codec != NULL ? m->codec : "", &oom);
		r->model = dup_or_null(m->model != NULL ? m->model : "", &oom);
	}
	if (oom) {
		if (r != NULL) {
			free(r->vantage);
			free(r->target);
			free(r->codec);
			free(r->model);
			free(r);
		}
		errno = ENOMEM;
		return -1;
	}
	r->hash = h;
	r->r = m->r;
	r->mos = m->mos;
	x->mrows[x->nmrows] = r;
	x->mhash[j] = (uint32_t)x->nmrows + 1;
	x->nmrows++;
	return 0;
}

/* What one metric family shows of a row. */
enum fig {
	FIG_SENT, FIG_RECV, FIG_LOSS, FIG_LOSS_LO, FIG_LOSS_HI, FIG_FWD,
	FIG_FWD_LO, FIG_FWD_HI, FIG_RTT, FIG_LAST, FIG_MIN, FIG_AVG, FIG_MAX,
	FIG_STDEV, FIG_JITTER, FIG_JMAX, FIG_JINT, FIG_START, FIG_END,
	FIG_UNREACH, FIG_TCP, FIG_LOCAL, FIG_LIMITED, FIG_LIMIT
};

static const struct family {
	const char *name;
	const char *type;
	const char *help;
	enum fig fig;
} families[] = {
	{ "pp_probes_sent_total", "counter",
	    "Probes sent (every window of the input).", FIG_SENT },
	{ "pp_probes_received_total", "counter",
	    "Probes answered (every window of the input).", FIG_RECV },
	{ "pp_loss_ratio", "gauge",
	    "Share of the probes lost, 0 to 1 (latest window).", FIG_LOSS },
	{ "pp_loss_ratio_lower", "gauge",
	    "Lower end of the 95 % Wilson interval of pp_loss_ratio (latest "
	    "window).", FIG_LOSS_LO },
	{ "pp_loss_ratio_upper", "gauge",
	    "Upper end of the 95 % Wilson interval of pp_loss_ratio (latest "
	    "window).", FIG_LOSS_HI },
	{ "pp_forwarding_loss_ratio", "gauge",
	    "Share of the probes lost on the way to this hop and back, 0 to "
	    "1, not counting what the hop declined to answer (latest "
	    "window).", FIG_FWD },
	{ "pp_forwarding_loss_ratio_lower", "gauge",
	    "Lower end of the 95 % Wilson interval of "
	    "pp_forwarding_loss_ratio (latest window).", FIG_FWD_LO },
	{ "pp_forwarding_loss_ratio_upper", "gauge",
	    "Upper end of the 95 % Wilson interval of "
	    "pp_forwarding_loss_ratio (latest window).", FIG_FWD_HI },
	{ "pp_rtt_seconds", "summary",
	    "Round-trip time of answered probes: quantiles of the latest "
	    "window, sum and count of every window.", FIG_RTT },
	{ "pp_rtt_last_seconds", "gauge",
	    "Round-trip time of the last answered probe (latest window).",
	    FIG_LAST },
	{ "pp_rtt_min_seconds", "gauge",
	    "Shortest round-trip time (latest window).", FIG_MIN },
	{ "pp_rtt_avg_seconds", "gauge",
	    "Mean round-trip time (latest window).", FIG_AVG },
	{ "pp_rtt_max_seconds", "gauge",
	    "Longest round-trip time (latest window).", FIG_MAX },
	{ "pp_rtt_stdev_seconds", "gauge",
	    "Sample standard deviation of the round-trip time (latest "
	    "window).", FIG_STDEV },
	{ "pp_jitter_seconds", "gauge",
	    "Mean absolute difference of consecutive round-trip times, RFC "
	    "3393 IPDV (latest window).", FIG_JITTER },
	{ "pp_jitter_max_seconds", "gauge",
	    "Largest difference of consecutive round-trip times (latest "
	    "window).", FIG_JMAX },
	{ "pp_interarrival_jitter_seconds", "gauge",
	    "RFC 3550 smoothed interarrival jitter (latest window).",
	    FIG_JINT },
	{ "pp_window_start_timestamp_seconds", "gauge",
	    "Start of the latest window (first probe sent without "
	    "windows), Unix time.", FIG_START },
	{ "pp_window_end_timestamp_seconds", "gauge",
	    "End of the latest window (last probe sent without windows), "
	    "Unix time.", FIG_END },
	{ "pp_unreachable_total", "counter",
	    "Probes lost to an ICMP destination unreachable, by its source "
	    "and code (every window of the input; never an answer).",
	    FIG_UNREACH },
	{ "pp_tcp_connections_total", "counter",
	    "TCP connections by the destination's answer: open (SYN-ACK) or "
	    "refused (RST) (every window of the input).", FIG_TCP },
	{ "pp_probes_local_drop_total", "counter",
	    "Timeouts whose reply may have been lost inside this host, not "
	    "counted as sent (every window of the input).", FIG_LOCAL },
	{ "pp_probes_rate_limited_total", "counter",
	    "Unanswered probes the responder's ICMP rate limit explains, not "
	    "loss of the path (every window of the input).", FIG_LIMITED },
	{ "pp_rate_limit_seconds", "gauge",
	    "The responder's recognised ICMP rate limit: seconds per answer "
	    "(latest window; NaN when none).", FIG_LIMIT },
};

static void
family_head(struct pp_export *x, const char *name, const char *type,
    const char *help)
{
	puts_(x, "# HELP ");
	puts_(x, name);
	putc_(x, ' ');
	puts_(x, help);
	puts_(x, "\n# TYPE ");
	puts_(x, name);
	putc_(x, ' ');
	puts_(x, type);
	putc_(x, '\n');
}

/* name{[vantage="…",]target="… (the vantage point's label first, left
 * out when unknown). */
static void
series_open(struct pp_export *x, const char *name, const char *suffix,
    const char *vantage)
{
	puts_(x, name);
	puts_(x, suffix);
	putc_(x, '{');
	if (vantage != NULL && vantage[0] != '\0') {
		puts_(x, "vantage=\"");
		pp_export_prom_label(x, vantage);
		puts_(x, "\",");
	}
	puts_(x, "target=\"");
}

/* name{vantage="…",target="…",ttl="…",addr="…"[,lkey="lval"]} (lkey:
 * quantile, state; NULL none) */
static void
series(struct pp_export *x, const char *name, const char *suffix,
    const struct pp_export_row *r, const char *lkey, const char *lval)
{
	series_open(x, name, suffix, r->s.vantage);
	pp_export_prom_label(x, r->s.target);
	putc_(x, '"');
	if (r->s.ttl > 0) {
		char tmp[16];
		(void)snprintf(tmp, sizeof(tmp), "%d", r->s.ttl);
		puts_(x, ",ttl=\"");
		puts_(x, tmp);
		putc_(x, '"');
	}
	if (r->s.addr != NULL && r->s.addr[0] != '\0') {
		puts_(x, ",addr=\"");
		pp_export_prom_label(x, r->s.addr);
		putc_(x, '"');
	}
	if (lkey != NULL) {
		putc_(x, ',');
		puts_(x, lkey);
		puts_(x, "=\"");
		puts_(x, lval);
		putc_(x, '"');
	}
	puts_(x, "} ");
}

/* name{vantage="…",target="…",ttl="…",from="…",code="…",reason="…"} n: an
 * unreachable source of a row. */
static void
unreach_series(struct pp_export *x, const char *name,
    const struct pp_export_row *r, const char *from, int code, uint64_t n)
{
	struct pp_stats_rec_unreach u = { .addr = from, .code = code };
	char tmp[16];

	series_open(x, name, "", r->s.vantage);
	pp_export_prom_label(x, r->s.target);
	putc_(x, '"');
	if (r->s.ttl > 0) {
		(void)snprintf(tmp, sizeof(tmp), "%d", r->s.ttl);
		puts_(x, ",ttl=\"");
		puts_(x, tmp);
		putc_(x, '"');
	}
	if (from != NULL) {
		puts_(x, ",from=\"");
		pp_export_prom_label(x, from);
		putc_(x, '"');
	}
	if (code >= 0) {
		(void)snprintf(tmp, sizeof(tmp), "%d", code);
		puts_(x, ",code=\"");
		puts_(x, tmp);
		putc_(x, '"');
	}
	puts_(x, ",reason=\"");
	puts_(x, code >= -1 ? pp_stats_rec_unreach_name(&u) : "other");
	puts_(x, "\"} ");
	put_u64(x, n);
	putc_(x, '\n');
}

/* v (ms or %) divided by div, from v as the records, CSV and InfluxDB
 * write it (three decimals), so that a figure on a half of its last digit
 * (an average of 1.137 and 1.138 ms, 1 lost of 320 probes) is rounded
 * once, the same way in every format, and not again after the division. */
static void
put_scaled(struct pp_export *x, double v, double div, int decimals)
{
	char tmp[64];

	if (isfinite(v) && pp_format_num(v, 3, tmp, sizeof(tmp)) > 0)
		v = strtod(tmp, NULL);
	pp_export_num(x, v / div, decimals);
	putc_(x, '\n');
}

/* ms -> s, at the microsecond precision of the records. */
static void
put_sec(struct pp_export *x, double ms)
{
	put_scaled(x, ms, 1000.0, 6);
}

/* A figure of s in milliseconds, FIG_LAST to FIG_JINT. */
static double
ms_figure(const struct pp_stats_rec *s, enum fig fig)
{
	switch (fig) {
	case FIG_LAST:
		return s->last;
	case FIG_MIN:
		return s->min;
	case FIG_AVG:
		return s->avg;
	case FIG_MAX:
		return s->max;
	case FIG_STDEV:
		return s->stdev;
	case FIG_JITTER:
		return s->jitter;
	case FIG_JMAX:
		return s->jmax;
	default:
		return s->jint;
	}
}

static void
row_figure(struct pp_export *x, const struct family *fam,
    const struct pp_export_row *r)
{
	const struct pp_stats_rec *s = &r->s;

	switch (fam->fig) {
	case FIG_SENT:
	case FIG_RECV:
		series(x, fam->name, "", r, NULL, NULL);
		put_u64(x, fam->fig == FIG_SENT ? r->sent : r->recv);
		putc_(x, '\n');
		break;
	case FIG_LOSS:
		series(x, fam->name, "", r, NULL, NULL);
		put_scaled(x, s->loss, 100.0, 5);
		break;
	case FIG_LOSS_LO:
	case FIG_LOSS_HI:
		series(x, fam->name, "", r, NULL, NULL);
		put_scaled(x, fam->fig == FIG_LOSS_LO ? s->loss_lo :
		    s->loss_hi, 100.0, 5);
		break;
	case FIG_FWD:
	case FIG_FWD_LO:
	case FIG_FWD_HI:
		if (s->ttl <= 0)
			break;
		series(x, fam->name, "", r, NULL, NULL);
		put_scaled(x, fam->fig == FIG_FWD ? s->fwd_loss :
		    fam->fig == FIG_FWD_LO ? s->fwd_lo : s->fwd_hi, 100.0, 5);
		break;
	case FIG_RTT:
		series(x, fam->name, "", r, "quantile", "0.5");
		put_sec(x, s->p50);
		series(x, fam->name, "", r, "quantile", "0.9");
		put_sec(x, s->p90);
		series(x, fam->name, "", r, "quantile", "0.95");
		put_sec(x, s->p95);
		series(x, fam->name, "", r, "quantile", "0.99");
		put_sec(x, s->p99);
		series(x, fam->name, "_sum", r, NULL, NULL);
		put_sec(x, r->rtt_sum);
		series(x, fam->name, "_count", r, NULL, NULL);
		put_u64(x, r->recv);
		putc_(x, '\n');
		break;
	case FIG_LAST:
	case FIG_MIN:
	case FIG_AVG:
	case FIG_MAX:
	case FIG_STDEV:
	case FIG_JITTER:
	case FIG_JMAX:
	case FIG_JINT:
		series(x, fam->name, "", r, NULL, NULL);
		put_sec(x, ms_figure(s, fam->fig));
		break;
	case FIG_START:
	case FIG_END:
		series(x, fam->name, "", r, NULL, NULL);
		pp_export_num(x, fam->fig == FIG_START ? s->start : s->end, 6);
		putc_(x, '\n');
		break;
	case FIG_UNREACH:
		for (int i = 0; i < r->nur; i++)
			unreach_series(x, fam->name, r, r->ur[i].addr,
			    r->ur[i].code, r->ur[i].n);
		if (r->ur_other > 0)
			unreach_series(x, fam->name, r, NULL, -2, r->ur_other);
		break;
	case FIG_TCP:
		if (!r->tcp)
			break;
		series(x, fam->name, "", r, "state", "open");
		put_u64(x, r->open);
		putc_(x, '\n');
		series(x, fam->name, "", r, "state", "refused");
		put_u64(x, r->refused);
		putc_(x, '\n');
		break;
	case FIG_LOCAL:
		if (r->local_drop == 0)
			break;
		series(x, fam->name, "", r, NULL, NULL);
		put_u64(x, r->local_drop);
		putc_(x, '\n');
		break;
	case FIG_LIMITED:
	case FIG_LIMIT:
		if (!r->limited)
			break;
		series(x, fam->name, "", r, NULL, NULL);
		if (fam->fig == FIG_LIMITED)
			put_u64(x, r->rate_limited);
		else
			pp_export_num(x, s->rate_limit, 3);
		putc_(x, '\n');
		break;
	}
}

static void
mos_series(struct pp_export *x, const char *name,
    const struct pp_export_mrow *r, double v)
{
	series_open(x, name, "", r->vantage);
	pp_export_prom_label(x, r->target);
	puts_(x, "\",codec=\"");
	pp_export_prom_label(x, r->codec);
	puts_(x, "\",model=\"");
	pp_export_prom_label(x, r->model);
	puts_(x, "\"} ");
	pp_export_num(x, v, 3);
	putc_(x, '\n');
}

int
pp_export_prom_write(struct pp_export *x, FILE *f)
{
	bool any_hop = false;

	bool any_unreach = false;
	bool any_tcp = false;
	bool any_local = false;
	bool any_limited = false;

	for (size_t i = 0; i < x->norder; i++) {
		const struct pp_export_row *r = x->rows[x->order[i]];
		any_hop = any_hop || r->s.ttl > 0;
		any_unreach = any_unreach || r->nur > 0 || r->ur_other > 0;
		any_tcp = any_tcp || r->tcp;
		any_local = any_local || r->local_drop > 0;
		any_limited = any_limited || r->limited;
	}
	for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++) {
		const struct family *fam = &families[k];
		bool fwd = fam->fig == FIG_FWD || fam->fig == FIG_FWD_LO ||
		    fam->fig == FIG_FWD_HI;
		if (x->norder == 0 || (fwd && !any_hop) ||
		    ((fam->fig == FIG_LIMITED || fam->fig == FIG_LIMIT) &&
		    !any_limited) ||
		    (fam->fig == FIG_UNREACH && !any_unreach) ||
		    (fam->fig == FIG_TCP && !any_tcp) ||
		    (fam->fig == FIG_LOCAL && !any_local))
			continue;
		family_head(x, fam->name, fam->type, fam->help);
		for (size_t i = 0; i < x->norder; i++) {
			row_figure(x, fam, x->rows[x->order[i]]);
			if (x->len >= 1 << 16 && pp_export_flush(x, f) == -1)
				return -1;
		}
	}
	if (x->nmrows > 0) {
		family_head(x, "pp_mos", "gauge", "Mean opinion score, 1 to "
		    "4.5, of the latest mos record (pp-mos).");
		for (size_t i = 0; i < x->nmrows; i++)
			mos_series(x, "pp_mos", x->mrows[i], x->mrows[i]->mos);
		family_head(x, "pp_r_factor", "gauge", "E-model R factor of "
		    "the latest mos record (pp-mos).");
		for (size_t i = 0; i < x->nmrows; i++)
			mos_series(x, "pp_r_factor", x->mrows[i],
			    x->mrows[i]->r);
	}
	return pp_export_flush(x, f);
}
