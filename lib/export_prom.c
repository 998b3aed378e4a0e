/* SPDX-License-Identifier: BSD-2-Clause */
/* export_prom.c: the Prometheus text exposition format for pp-stats (see
 * export_prom.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "lib/export_prom.h"
#include "lib/util.h"

/* An unreachable source of a series, over every window. */
struct row_unreach {
	char *addr;		/* owned, NULL unknown */
	int code;		/* ICMP code, -1 unknown */
	uint64_t n;		/* probes */
};

/* A Prometheus series of pp-stats: the latest window and the totals. */
struct pp_export_prom_row {
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
struct pp_export_prom_mrow {
	char *vantage;		/* owned, "" unknown */
	char *target;		/* owned */
	char *codec;		/* owned */
	char *model;		/* owned */
	uint32_t hash;		/* of the three */
	double r;		/* R factor, NAN undefined */
	double mos;		/* MOS, NAN undefined */
};

void
pp_export_prom_init(struct pp_export_prom *p)
{
	memset(p, 0, sizeof(*p));
	pp_export_init(&p->out);
}

static void
row_free(struct pp_export_prom_row *r)
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
pp_export_prom_release(struct pp_export_prom *p)
{
	for (size_t i = 0; i < p->nrows; i++)
		row_free(p->rows[i]);
	for (size_t i = 0; i < p->nmrows; i++) {
		free(p->mrows[i]->vantage);
		free(p->mrows[i]->target);
		free(p->mrows[i]->codec);
		free(p->mrows[i]->model);
		free(p->mrows[i]);
	}
	free(p->rows);
	free(p->order);
	free(p->mrows);
	free(p->mhash);
	pp_export_release(&p->out);
	memset(p, 0, sizeof(*p));
}

static void
put_u64(struct pp_export *x, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);

	if (n > 0 && (size_t)n < sizeof(tmp))
		pp_export_put(x, tmp, (size_t)n);
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

void
pp_export_prom_label(struct pp_export *x, const char *s)
{
	pp_export_escaped(x, s, strlen(s), esc_prom);
}

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
pp_export_prom_stats(struct pp_export_prom *p, size_t id,
    const struct pp_stats_rec *s)
{
	if (id >= PP_EXPORT_PROM_MAX_IDS) {
		errno = EINVAL;
		return -1;
	}
	if (id >= p->nrows) {
		size_t n = p->nrows != 0 ? p->nrows : 64;
		while (n <= id)
			n *= 2;
		/* order first: it always has room for nrows ids. */
		size_t *no = realloc(p->order, n * sizeof(*no));
		if (no == NULL)
			return -1;
		p->order = no;
		struct pp_export_prom_row **nr = realloc(p->rows, n *
		    sizeof(*nr));
		if (nr == NULL)
			return -1;
		memset(nr + p->nrows, 0, (n - p->nrows) * sizeof(*nr));
		p->rows = nr;
		p->nrows = n;
	}
	struct pp_export_prom_row *r = p->rows[id];
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return -1;
		p->rows[id] = r;
		p->order[p->norder++] = id;
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
mhash_grow(struct pp_export_prom *p)
{
	size_t n = p->mhsize != 0 ? p->mhsize * 2 : 64;
	uint32_t *nh = calloc(n, sizeof(*nh));

	if (nh == NULL)
		return -1;
	for (size_t i = 0; i < p->nmrows; i++) {
		size_t j = p->mrows[i]->hash & (n - 1);
		while (nh[j] != 0)
			j = (j + 1) & (n - 1);
		nh[j] = (uint32_t)i + 1;
	}
	free(p->mhash);
	p->mhash = nh;
	p->mhsize = n;
	return 0;
}

int
pp_export_prom_mos(struct pp_export_prom *p, const struct pp_mos_rec *m)
{
	uint32_t h = mhash_of(m);

	if ((p->nmrows + 1) * 2 > p->mhsize && mhash_grow(p) == -1)
		return -1;
	size_t j = h & (p->mhsize - 1);
	while (p->mhash[j] != 0) {
		struct pp_export_prom_mrow *r = p->mrows[p->mhash[j] - 1];
		if (r->hash == h && same(r->vantage, m->vantage) &&
		    same(r->target, m->target) &&
		    same(r->codec, m->codec) && same(r->model, m->model)) {
			r->r = m->r;
			r->mos = m->mos;
			return 0;
		}
		j = (j + 1) & (p->mhsize - 1);
	}
	if (p->nmrows == p->amrows) {
		size_t n = p->amrows != 0 ? p->amrows * 2 : 16;
		struct pp_export_prom_mrow **nr = realloc(p->mrows, n *
		    sizeof(*nr));
		if (nr == NULL)
			return -1;
		p->mrows = nr;
		p->amrows = n;
	}
	struct pp_export_prom_mrow *r = calloc(1, sizeof(*r));
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
	p->mrows[p->nmrows] = r;
	p->mhash[j] = (uint32_t)p->nmrows + 1;
	p->nmrows++;
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
	pp_export_puts(x, "# HELP ");
	pp_export_puts(x, name);
	pp_export_putc(x, ' ');
	pp_export_puts(x, help);
	pp_export_puts(x, "\n# TYPE ");
	pp_export_puts(x, name);
	pp_export_putc(x, ' ');
	pp_export_puts(x, type);
	pp_export_putc(x, '\n');
}

/* name{[vantage="…",]target="… (the vantage point's label first, left
 * out when unknown). */
static void
series_open(struct pp_export *x, const char *name, const char *suffix,
    const char *vantage)
{
	pp_export_puts(x, name);
	pp_export_puts(x, suffix);
	pp_export_putc(x, '{');
	if (vantage != NULL && vantage[0] != '\0') {
		pp_export_puts(x, "vantage=\"");
		pp_export_prom_label(x, vantage);
		pp_export_puts(x, "\",");
	}
	pp_export_puts(x, "target=\"");
}

/* name{vantage="…",target="…",ttl="…",addr="…"[,lkey="lval"]} (lkey:
 * quantile, state; NULL none) */
static void
series(struct pp_export *x, const char *name, const char *suffix,
    const struct pp_export_prom_row *r, const char *lkey, const char *lval)
{
	series_open(x, name, suffix, r->s.vantage);
	pp_export_prom_label(x, r->s.target);
	pp_export_putc(x, '"');
	if (r->s.ttl > 0) {
		char tmp[16];
		(void)snprintf(tmp, sizeof(tmp), "%d", r->s.ttl);
		pp_export_puts(x, ",ttl=\"");
		pp_export_puts(x, tmp);
		pp_export_putc(x, '"');
	}
	if (r->s.addr != NULL && r->s.addr[0] != '\0') {
		pp_export_puts(x, ",addr=\"");
		pp_export_prom_label(x, r->s.addr);
		pp_export_putc(x, '"');
	}
	if (lkey != NULL) {
		pp_export_putc(x, ',');
		pp_export_puts(x, lkey);
		pp_export_puts(x, "=\"");
		pp_export_puts(x, lval);
		pp_export_putc(x, '"');
	}
	pp_export_puts(x, "} ");
}

/* name{vantage="…",target="…",ttl="…",from="…",code="…",reason="…"} n: an
 * unreachable source of a row. */
static void
unreach_series(struct pp_export *x, const char *name,
    const struct pp_export_prom_row *r, const char *from, int code, uint64_t n)
{
	struct pp_stats_rec_unreach u = { .addr = from, .code = code };
	char tmp[16];

	series_open(x, name, "", r->s.vantage);
	pp_export_prom_label(x, r->s.target);
	pp_export_putc(x, '"');
	if (r->s.ttl > 0) {
		(void)snprintf(tmp, sizeof(tmp), "%d", r->s.ttl);
		pp_export_puts(x, ",ttl=\"");
		pp_export_puts(x, tmp);
		pp_export_putc(x, '"');
	}
	if (from != NULL) {
		pp_export_puts(x, ",from=\"");
		pp_export_prom_label(x, from);
		pp_export_putc(x, '"');
	}
	if (code >= 0) {
		(void)snprintf(tmp, sizeof(tmp), "%d", code);
		pp_export_puts(x, ",code=\"");
		pp_export_puts(x, tmp);
		pp_export_putc(x, '"');
	}
	pp_export_puts(x, ",reason=\"");
	pp_export_puts(x, code >= -1 ? pp_stats_rec_unreach_name(&u) : "other");
	pp_export_puts(x, "\"} ");
	put_u64(x, n);
	pp_export_putc(x, '\n');
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
	pp_export_putc(x, '\n');
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
    const struct pp_export_prom_row *r)
{
	const struct pp_stats_rec *s = &r->s;

	switch (fam->fig) {
	case FIG_SENT:
	case FIG_RECV:
		series(x, fam->name, "", r, NULL, NULL);
		put_u64(x, fam->fig == FIG_SENT ? r->sent : r->recv);
		pp_export_putc(x, '\n');
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
		pp_export_putc(x, '\n');
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
		pp_export_putc(x, '\n');
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
		pp_export_putc(x, '\n');
		series(x, fam->name, "", r, "state", "refused");
		put_u64(x, r->refused);
		pp_export_putc(x, '\n');
		break;
	case FIG_LOCAL:
		if (r->local_drop == 0)
			break;
		series(x, fam->name, "", r, NULL, NULL);
		put_u64(x, r->local_drop);
		pp_export_putc(x, '\n');
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
		pp_export_putc(x, '\n');
		break;
	}
}

static void
mos_series(struct pp_export *x, const char *name,
    const struct pp_export_prom_mrow *r, double v)
{
	series_open(x, name, "", r->vantage);
	pp_export_prom_label(x, r->target);
	pp_export_puts(x, "\",codec=\"");
	pp_export_prom_label(x, r->codec);
	pp_export_puts(x, "\",model=\"");
	pp_export_prom_label(x, r->model);
	pp_export_puts(x, "\"} ");
	pp_export_num(x, v, 3);
	pp_export_putc(x, '\n');
}

int
pp_export_prom_write(struct pp_export_prom *p, FILE *f)
{
	struct pp_export *x = &p->out;
	bool any_hop = false;
	bool any_unreach = false;
	bool any_tcp = false;
	bool any_local = false;
	bool any_limited = false;

	for (size_t i = 0; i < p->norder; i++) {
		const struct pp_export_prom_row *r = p->rows[p->order[i]];
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
		if (p->norder == 0 || (fwd && !any_hop) ||
		    ((fam->fig == FIG_LIMITED || fam->fig == FIG_LIMIT) &&
		    !any_limited) ||
		    (fam->fig == FIG_UNREACH && !any_unreach) ||
		    (fam->fig == FIG_TCP && !any_tcp) ||
		    (fam->fig == FIG_LOCAL && !any_local))
			continue;
		family_head(x, fam->name, fam->type, fam->help);
		for (size_t i = 0; i < p->norder; i++) {
			row_figure(x, fam, p->rows[p->order[i]]);
			if (x->len >= 1 << 16 && pp_export_flush(x, f) == -1)
				return -1;
		}
	}
	if (p->nmrows > 0) {
		family_head(x, "pp_mos", "gauge", "Mean opinion score, 1 to "
		    "4.5, of the latest mos record (pp-mos).");
		for (size_t i = 0; i < p->nmrows; i++)
			mos_series(x, "pp_mos", p->mrows[i], p->mrows[i]->mos);
		family_head(x, "pp_r_factor", "gauge", "E-model R factor of "
		    "the latest mos record (pp-mos).");
		for (size_t i = 0; i < p->nmrows; i++)
			mos_series(x, "pp_r_factor", p->mrows[i],
			    p->mrows[i]->r);
	}
	return pp_export_flush(x, f);
}
