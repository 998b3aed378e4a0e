/* SPDX-License-Identifier: BSD-2-Clause */
/* table.c: the hop table (see table.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/colq.h"
#include "lib/outcome.h"
#include "lib/sanitize.h"
#include "lib/table.h"
#include "lib/trange.h"
#include "lib/util.h"

#define PREFIX 8		/* "%3d.|-- " */
#define INDENT 8		/* lines under a row */
#define HOST_MAX 1024		/* a host text, shown */
#define SGR_AMBER "\033[33m"
#define SGR_RED "\033[31m"
#define SGR_OFF "\033[0m"

enum col {
	C_LOSS, C_FWD, C_SNT, C_DROP, C_RCV, C_LAST, C_AVG, C_BEST, C_WRST,
	C_STDEV, C_JTTR, C_JMAX, C_JINT, C_P50, C_P95, C_LOSS_CI, C_FWD_CI,
	C_GMEAN, C_JLAST, C_JAVG, C_GAP, C_END
};

static const char *const titles[] = {
	"Loss%", "Fwd%", "Snt", "Drop", "Rcv", "Last", "Avg", "Best", "Wrst",
	"StDev", "Jttr", "Jmax", "Jint", "p50", "p95", "Loss 95%",
	"Fwd 95%", "Gmean", "Jttr", "Javg", "", ""
};

static const enum col normal_cols[] = {
	C_LOSS, C_FWD, C_SNT, C_LAST, C_AVG, C_BEST, C_WRST, C_STDEV, C_JTTR,
	C_END
};
static const enum col wide_cols[] = {
	C_LOSS, C_LOSS_CI, C_FWD, C_FWD_CI, C_SNT, C_LAST, C_AVG, C_BEST,
	C_WRST, C_STDEV, C_JTTR, C_P95, C_END
};
/* mtr's j view, its columns in its order (Jttr: the last |dRTT|, Javg
 * their mean, which the other layouts call Jttr). */
static const enum col jitter_cols[] = {
	C_DROP, C_RCV, C_AVG, C_GMEAN, C_JLAST, C_JAVG, C_JMAX, C_JINT, C_END
};
static const enum col report_cols[] = {
	C_LOSS, C_SNT, C_GAP, C_LAST, C_AVG, C_BEST, C_WRST, C_STDEV, C_END
};

/* mtr -r's host column: 33 characters, the row's prefix included. */
#define REPORT_HOST 33

void
pp_table_init(struct pp_table *t, const struct pp_table_opts *o)
{
	memset(t, 0, sizeof(*t));
	if (o != NULL)
		t->o = *o;
	t->last_start = NAN;
}

void
pp_table_release(struct pp_table *t)
{
	free(t->held);
	t->held = NULL;
	t->nheld = t->aheld = 0;
	free(t->last_target);
	t->last_target = NULL;
	free(t->last_host);
	t->last_host = NULL;
}

void
pp_table_reset(struct pp_table *t)
{
	free(t->last_target);
	t->last_target = NULL;
	free(t->last_host);
	t->last_host = NULL;
	t->last_start = NAN;
	t->header = false;
	t->hostw = 0;
}

static const enum col *
columns(const struct pp_table *t)
{
	switch (t->o.layout) {
	case PP_TABLE_JITTER:
		return jitter_cols;
	case PP_TABLE_REPORT:
		return report_cols;
	case PP_TABLE_NORMAL:
		break;
	}
	return t->o.wide ? wide_cols : normal_cols;
}

/* A column's width. */
static int
col_width(const struct pp_table *t, enum col c)
{
	bool wide = t->o.wide && t->o.layout != PP_TABLE_REPORT;

	switch (c) {
	case C_GAP:
		return 1;
	case C_LOSS:
	case C_FWD:
		return wide ? 7 : 6;
	case C_SNT:
	case C_DROP:
	case C_RCV:
		return 6;
	case C_LOSS_CI:
	case C_FWD_CI:
		return 12;
	case C_END:
		return 0;
	default:
		return wide ? 8 : 6;
	}
}

static int
numbers_width(const struct pp_table *t)
{
	int w = 0;

	for (const enum col *c = columns(t); *c != C_END; c++)
		w += col_width(t, *c);
	return w;
}

static int
line_width(const struct pp_table *t)
{
	return t->o.width >= 40 ? t->o.width : t->o.width <= 0 ?
	    PP_TABLE_WIDTH : 40;
}

/* The host column (prefix included). */
static int
host_width(const struct pp_table *t)
{
	if (t->o.layout == PP_TABLE_REPORT && !t->o.wide)
		return REPORT_HOST;
	int w = line_width(t) - numbers_width(t);
	if (t->o.wide) {
		/* As wide as the longest name, a full IPv6 address at
		 * least. */
		int fit = PREFIX + (t->hostw > 39 ? t->hostw : 39) + 1;
		return fit;
	}
	return w > PREFIX + 8 ? w : PREFIX + 8;
}

void
pp_table_ms(char *buf, size_t size, double v, int width)
{
	if (!isfinite(v)) {
		(void)snprintf(buf, size, "-");
		return;
	}
	for (int dec = 3; dec > 0; dec--) {
		int n = snprintf(buf, size, "%.*f", dec, v);
		if (n >= 0 && n <= width)
			return;
	}
	(void)snprintf(buf, size, "%.0f", v);
}

const char *
pp_table_host_text(const struct pp_table *t, const char *addr, char *buf,
    size_t size)
{
	char a[512];
	char n[512];
	char as[24];
	const char *name = NULL;

	if (size == 0)
		return buf;
	if (addr == NULL) {
		(void)snprintf(buf, size, "%s???", t->o.asn ? "AS??? " : "");
		return buf;
	}
	(void)pp_sanitize_term(a, sizeof(a), addr);
	if (t->o.name != NULL)
		name = t->o.name(t->o.arg, addr);
	as[0] = '\0';
	if (t->o.asn) {
		uint32_t v = t->o.asn_of != NULL ? t->o.asn_of(t->o.arg, addr) :
		    0;
		if (v != 0)
			(void)snprintf(as, sizeof(as), "AS%u ", (unsigned)v);
		else
			(void)snprintf(as, sizeof(as), "AS??? ");
	}
	if (name == NULL) {
		(void)snprintf(buf, size, "%s%s", as, a);
		return buf;
	}
	(void)pp_sanitize_term(n, sizeof(n), name);
	if (t->o.show_ips)
		(void)snprintf(buf, size, "%s%s (%s)", as, n, a);
	else
		(void)snprintf(buf, size, "%s%s", as, n);
	return buf;
}

void
pp_table_fit(struct pp_table *t, const struct pp_stats_rec *rows, int n)
{
	char buf[HOST_MAX];

	t->hostw = 0;
	for (int i = 0; i < n; i++) {
		int len = (int)strlen(pp_table_host_text(t, rows[i].addr, buf,
		    sizeof(buf)));
		if (len > t->hostw)
			t->hostw = len;
	}
}

/* Text that may run past the width: the first line from column col (what
 * is before it already written), the rest cut at the width and going on
 * at column indent + 2 (never inside a \xHH or \uHHHH escape of
 * lib/sanitize or a UTF-8 sequence). */
static void
put_wrapped(const struct pp_table *t, FILE *f, int col, int indent,
    const char *s)
{
	int width = line_width(t);
	int room = width - col;
	size_t len = strlen(s);

	while ((int)len > room && room > 10) {
		int cut = room;
		for (int k = 1; k <= 5 && k < cut; k++)
			if (s[cut - k] == '\\') {
				cut -= k;
				break;
			}
		while (cut > 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		fwrite(s, 1, (size_t)cut, f);
		fprintf(f, "\n%*s", indent + 2, "");
		s += cut;
		len -= (size_t)cut;
		room = width - indent - 2;
	}
	fprintf(f, "%s\n", s);
}

/* A line under a row. */
static void
put_under(const struct pp_table *t, FILE *f, const char *s)
{
	fprintf(f, "%*s", INDENT, "");
	put_wrapped(t, f, INDENT, INDENT, s);
}

void
pp_table_header(struct pp_table *t, FILE *f, const char *host)
{
	char h[HOST_MAX];
	int hw = host_width(t);

	(void)pp_sanitize_term(h, sizeof(h), host != NULL ? host : "-");
	int len = 6 + (int)strlen(h);
	if (len > hw - 1) {
		fprintf(f, "HOST: %s\n%*s", h, hw, "");
	} else {
		fprintf(f, "HOST: %-*s", hw - 6, h);
	}
	for (const enum col *c = columns(t); *c != C_END; c++)
		fprintf(f, "%*s", col_width(t, *c), titles[*c]);
	fputc('\n', f);
	t->header = true;
	free(t->last_host);
	t->last_host = host != NULL ? strdup(host) : NULL;
}

/* A cell: right-aligned text in width w, coloured with sgr (NULL none). */
static void
cell(const struct pp_table *t, FILE *f, int w, const char *text,
    const char *sgr)
{
	int len = (int)strlen(text);

	if (sgr != NULL && t->o.color)
		fprintf(f, "%*s%s%s%s", w > len ? w - len : 0, "", sgr, text,
		    SGR_OFF);
	else
		fprintf(f, "%*s", w, text);
}

static const char *
loss_sgr(double loss)
{
	if (!isfinite(loss) || loss <= 0)
		return NULL;
	return loss >= PP_TABLE_LOSS_RED ? SGR_RED : SGR_AMBER;
}

static const char *
rtt_sgr(double ms)
{
	if (!isfinite(ms) || ms < PP_TABLE_RTT_AMBER)
		return NULL;
	return ms >= PP_TABLE_RTT_RED ? SGR_RED : SGR_AMBER;
}

static void
numbers(const struct pp_table *t, FILE *f, const struct pp_stats_rec *r)
{
	bool wide = t->o.wide && t->o.layout != PP_TABLE_REPORT;

	for (const enum col *c = columns(t); *c != C_END; c++) {
		int w = col_width(t, *c);
		char b[32];
		double v = NAN;
		const char *sgr = NULL;
		switch (*c) {
		case C_GAP:
			fputc(' ', f);
			continue;
		case C_LOSS:
		case C_FWD:
			v = *c == C_LOSS ? r->loss : r->fwd_loss;
			if (isfinite(v) && (*c == C_LOSS || r->ttl > 0))
				(void)snprintf(b, sizeof(b), "%.1f%%", v);
			else
				(void)snprintf(b, sizeof(b), "-");
			cell(t, f, w, b, *c == C_LOSS ? loss_sgr(v) : NULL);
			continue;
		case C_LOSS_CI:
		case C_FWD_CI: {
			double lo = *c == C_LOSS_CI ? r->loss_lo : r->fwd_lo;
			double hi = *c == C_LOSS_CI ? r->loss_hi : r->fwd_hi;
			/* (an interval is never [0, 0]: a record made
			 * without pp_stats_rec_init has none) */
			if (isfinite(lo) && hi > 0 && (*c == C_LOSS_CI ||
			    r->ttl > 0))
				(void)snprintf(b, sizeof(b), "%.1f-%.1f", lo,
				    hi);
			else
				(void)snprintf(b, sizeof(b), "-");
			cell(t, f, w, b, NULL);
			continue;
		}
		case C_SNT:
		case C_DROP:
		case C_RCV:
			/* Snt with the probes in flight, as mtr's. */
			(void)snprintf(b, sizeof(b), "%llu", (unsigned long long)
			    (*c == C_SNT ? r->sent + r->inflight : *c == C_RCV ?
			    r->recv : r->sent - r->recv));
			cell(t, f, w, b, NULL);
			continue;
		case C_LAST:
			v = r->last;
			break;
		case C_AVG:
			v = r->avg;
			sgr = rtt_sgr(v);
			break;
		case C_BEST:
			v = r->min;
			break;
		case C_WRST:
			v = r->max;
			break;
		case C_STDEV:
			v = r->stdev;
			break;
		case C_JTTR:
		case C_JAVG:
			v = r->jitter;
			break;
		case C_JLAST:
			v = r->jlast;
			break;
		case C_GMEAN:
			v = r->gmean;
			break;
		case C_JMAX:
			v = r->jmax;
			break;
		case C_JINT:
			v = r->jint;
			break;
		case C_P50:
			v = r->p50;
			break;
		case C_P95:
			v = r->p95;
			break;
		case C_END:
			break;
		}
		bool q = *c == C_P50 || *c == C_P95;
		if (wide && isfinite(v))
			(void)snprintf(b, sizeof(b), "%.*f", q ?
			    pp_colq_decimals(v) : 3, v);
		else
			pp_table_ms(b, sizeof(b), v, w - 1);
		/* A quantile to no more digits than its sketch keeps. */
		if (q && isfinite(v) && !wide) {
			const char *dot = strchr(b, '.');
			int dec = dot != NULL ? (int)strlen(dot + 1) : 0;
			if (dec > pp_colq_decimals(v))
				(void)snprintf(b, sizeof(b), "%.*f",
				    pp_colq_decimals(v), v);
		}
		cell(t, f, w, b, sgr);
	}
	fputc('\n', f);
}

/* A responder's MPLS label stack, a line a label, as mtr -e shows it. */
static void
mpls_lines(const struct pp_table *t, FILE *f,
    const struct pp_stats_rec_addr *ad)
{
	char line[96];

	if (!t->o.mpls)
		return;
	for (int i = 0; i < ad->nmpls; i++) {
		(void)snprintf(line, sizeof(line), "[MPLS: Lbl %u TC %u S %u "
		    "TTL %u]", (unsigned)ad->mpls[i].label,
		    (unsigned)ad->mpls[i].tc, (unsigned)ad->mpls[i].s,
		    (unsigned)ad->mpls[i].ttl);
		put_under(t, f, line);
	}
}

int
pp_table_limit_text(char *buf, size_t size, uint64_t limited,
    uint64_t unanswered, double period)
{
	return snprintf(buf, size, "(rate limit)  %llu of %llu unanswered: "
	    "ICMP limit 1 per %g s, not loss", (unsigned long long)limited,
	    (unsigned long long)unanswered, period);
}

/* The lines under a row: its responder's MPLS labels; the intervals (when
 * they have no columns and there was loss); why loss is not the path's
 * (a rate limit, a hop that declines); other responders (and their
 * labels), unreachables, connections, local drops. */
static void
under(const struct pp_table *t, FILE *f, const struct pp_stats_rec *r)
{
	char host[HOST_MAX];
	char line[HOST_MAX + 256];
	char a[32], b[32], c[32];

	if (r->naddrs > 0)
		mpls_lines(t, f, &r->addrs[0]);
	/* (mtr -r's layout: rows as mtr's, the intervals in pp-stats.) */
	if (!t->o.wide && t->o.layout != PP_TABLE_REPORT &&
	    r->sent > r->recv && r->loss_hi > 0) {
		int n = snprintf(line, sizeof(line), "95%% interval: loss "
		    "%.1f-%.1f%%", r->loss_lo, r->loss_hi);
		if (n > 0 && r->ttl > 0 && r->fwd_sent > 0 && r->fwd_hi >= 0)
			(void)snprintf(line + n, sizeof(line) - (size_t)n,
			    ", forwarding %.1f-%.1f%%", r->fwd_lo, r->fwd_hi);
		put_under(t, f, line);
	}
	if (r->rate_limit > 0) {
		(void)pp_table_limit_text(line, sizeof(line),
		    (uint64_t)r->rate_limited, (uint64_t)(r->sent - r->recv),
		    r->rate_limit);
		put_under(t, f, line);
	}
	if (r->fwd_ttl > 0) {
		(void)snprintf(line, sizeof(line), "(declines to answer)  not "
		    "the path's loss: Fwd%% is hop %d's", r->fwd_ttl);
		put_under(t, f, line);
	}
	for (int i = 1; i < r->naddrs; i++) {
		const struct pp_stats_rec_addr *ad = &r->addrs[i];
		pp_table_ms(a, sizeof(a), ad->avg, 7);
		pp_table_ms(b, sizeof(b), ad->min, 7);
		pp_table_ms(c, sizeof(c), ad->max, 7);
		(void)snprintf(line, sizeof(line), "%s  %llu %s, avg %s, "
		    "best %s, wrst %s ms", pp_table_host_text(t, ad->addr,
		    host, sizeof(host)), (unsigned long long)ad->recv,
		    pp_plural(ad->recv, "reply", "replies"), a, b, c);
		put_under(t, f, line);
		mpls_lines(t, f, ad);
	}
	if (r->addrs_other_recv > 0) {
		(void)snprintf(line, sizeof(line), "(other responders)  %llu "
		    "replies", (unsigned long long)r->addrs_other_recv);
		put_under(t, f, line);
	}
	/* What answered instead of the target: lost, never an RTT. */
	for (int i = 0; i < r->nunreach; i++) {
		const struct pp_stats_rec_unreach *u = &r->unreach[i];
		char code[32];
		if (u->code >= 0)
			(void)snprintf(code, sizeof(code), ", code %d",
			    u->code);
		else
			code[0] = '\0';
		(void)snprintf(line, sizeof(line), "%s  %llu unreachable "
		    "(%s%s): lost", u->addr != NULL ? pp_table_host_text(t,
		    u->addr, host, sizeof(host)) : "?",
		    (unsigned long long)u->count,
		    pp_stats_rec_unreach_name(u), code);
		put_under(t, f, line);
	}
	if (r->unreach_other > 0) {
		(void)snprintf(line, sizeof(line), "(other sources)  %llu "
		    "unreachable: lost", (unsigned long long)r->unreach_other);
		put_under(t, f, line);
	}
	/* Connections are the destination's: said for a plain probe's row
	 * and for a traced hop that connected or refused, never for the
	 * routers on the way. */
	/* Whether its refused counted as down is the row's own: the
	 * inputs (runs) it was read from may differ. */
	if (r->tcp && (r->ttl == 0 || r->open + r->refused > 0)) {
		char down[64] = "";
		if (r->refused_down > 0 && r->refused_down >= r->refused)
			(void)snprintf(down, sizeof(down), " (refused counted "
			    "as down)");
		else if (r->refused_down > 0)
			(void)snprintf(down, sizeof(down), " (%llu of them "
			    "counted as down)",
			    (unsigned long long)r->refused_down);
		(void)snprintf(line, sizeof(line), "(connections)  %llu open, "
		    "%llu refused%s", (unsigned long long)r->open,
		    (unsigned long long)r->refused, down);
		put_under(t, f, line);
	}
	if (r->local_drop > 0) {
		(void)snprintf(line, sizeof(line), "(local drops)  %llu "
		    "timeout%s maybe lost inside this host: not counted",
		    (unsigned long long)r->local_drop,
		    pp_plural(r->local_drop, "", "s"));
		put_under(t, f, line);
	}
}

void
pp_table_row(struct pp_table *t, FILE *f, const char *host,
    const struct pp_stats_rec *r, bool with_window)
{
	char text[HOST_MAX];

	if (with_window && !(r->start == t->last_start)) {
		char t0[32];
		char t1[32];
		(void)pp_iso_format(r->start, 0, PP_ISO_FLOOR | PP_ISO_DASH,
		    t0, sizeof(t0));
		(void)pp_iso_format(r->end, 0, PP_ISO_FLOOR | PP_ISO_DASH,
		    t1, sizeof(t1));
		fprintf(f, "%sStart: %s  End: %s\n", isnan(t->last_start) ?
		    "" : "\n", t0, t1);
		t->last_start = r->start;
		t->header = false;
		free(t->last_target);
		t->last_target = NULL;
	}
	if (t->header && (host == NULL ? t->last_host != NULL :
	    t->last_host == NULL || strcmp(host, t->last_host) != 0)) {
		/* Another vantage point: its own block. */
		fputc('\n', f);
		t->header = false;
		free(t->last_target);
		t->last_target = NULL;
	}
	if (!t->header)
		pp_table_header(t, f, host);
	if (t->last_target == NULL || strcmp(r->target, t->last_target) !=
	    0) {
		char *c = strdup(r->target);
		if (!t->o.one_target) {
			(void)pp_sanitize_term_fputs(r->target, f);
			fputc('\n', f);
		}
		free(t->last_target);
		t->last_target = c;
	}
	char hop[16];
	if (r->ttl > 0)
		(void)snprintf(hop, sizeof(hop), "%3d.|-- ", r->ttl);
	else
		(void)snprintf(hop, sizeof(hop), "  -.|-- ");
	int hw = host_width(t);
	pp_table_host_text(t, r->addr, text, sizeof(text));
	int len = (int)strlen(hop) + (int)strlen(text);
	if (len <= hw - 1) {
		fprintf(f, "%s%-*s", hop, hw - (int)strlen(hop), text);
	} else {
		/* Never cut: the name on a line of its own. */
		fputs(hop, f);
		put_wrapped(t, f, (int)strlen(hop), (int)strlen(hop), text);
		fprintf(f, "%*s", hw, "");
	}
	numbers(t, f, r);
	under(t, f, r);
}

bool
pp_color_wanted(enum pp_color when, int fd)
{
	if (when != PP_COLOR_AUTO)
		return when == PP_COLOR_ALWAYS;
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (nc != NULL && nc[0] != '\0')
		return false;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd) == 1;
}

int
pp_color_parse(const char *arg, enum pp_color *when)
{
	if (arg == NULL || strcmp(arg, "always") == 0)
		*when = PP_COLOR_ALWAYS;
	else if (strcmp(arg, "never") == 0)
		*when = PP_COLOR_NEVER;
	else if (strcmp(arg, "auto") == 0)
		*when = PP_COLOR_AUTO;
	else
		return -1;
	return 0;
}

int
pp_table_hold(struct pp_table *t, FILE *f, const char *host,
    const struct pp_stats_rec *r)
{
	if (t->nheld > 0 && t->held[0].start != r->start)
		pp_table_flush(t, f, host);
	if (t->nheld == t->aheld) {
		size_t n = t->aheld != 0 ? t->aheld * 2 : 64;
		struct pp_stats_rec *p = realloc(t->held, n * sizeof(*p));
		if (p == NULL)
			return -1;
		t->held = p;
		t->aheld = n;
	}
	t->held[t->nheld++] = *r;
	return 0;
}

void
pp_table_flush(struct pp_table *t, FILE *f, const char *host)
{
	if (t->nheld == 0)
		return;
	pp_table_fit(t, t->held, (int)t->nheld);
	for (size_t i = 0; i < t->nheld; i++)
		pp_table_row(t, f, t->held[i].vantage != NULL ?
		    t->held[i].vantage : host != NULL ? host : "",
		    &t->held[i], true);
	t->nheld = 0;
}

int
pp_table_outages_add(struct pp_table_outages *l,
    const struct pp_outage_rec *r)
{
	if (l->n == PP_TABLE_OUTAGES) {
		l->dropped++;
		return 0;
	}
	if (l->n == l->alloc) {
		size_t n = l->alloc != 0 ? l->alloc * 2 : 16;
		struct pp_outage_rec *p = realloc(l->recs, n * sizeof(*p));
		if (p == NULL)
			return -1;
		l->recs = p;
		l->alloc = n;
	}
	char *target = strdup(r->target);
	if (target == NULL)
		return -1;
	l->recs[l->n] = *r;
	l->recs[l->n].vantage = NULL;
	l->recs[l->n].target = target;
	l->n++;
	return 0;
}

void
pp_table_outages_write(const struct pp_table_outages *l, FILE *f,
    double loss, double min)
{
	char t0[32];
	char t1[32];
	char name[HOST_MAX];

	if (l->n == 0)
		return;
	fprintf(f, "\nOutages (loss >= %.1f%% for >= %.3f s at the "
	    "destination):\n", loss, min);
	for (size_t i = 0; i < l->n; i++) {
		const struct pp_outage_rec *o = &l->recs[i];
		double pct = o->sent > 0 ? 100.0 * (double)(o->sent - o->recv) /
		    (double)o->sent : 0;
		(void)pp_iso_format(o->start, 0, PP_ISO_FLOOR | PP_ISO_DASH,
		    t0, sizeof(t0));
		(void)pp_iso_format(o->end, 0, PP_ISO_FLOOR | PP_ISO_DASH,
		    t1, sizeof(t1));
		/* Two lines, to fit 80 columns. */
		(void)pp_sanitize_term(name, sizeof(name), o->target);
		fprintf(f, "  %s hop %d: %s to %s%s\n    %.3f s, %llu sent, "
		    "%llu received, %.1f%% loss\n", name, o->ttl, t0, t1,
		    o->ongoing ? " and on" : "", o->end - o->start,
		    (unsigned long long)o->sent, (unsigned long long)o->recv,
		    pct);
	}
	if (l->dropped > 0)
		fprintf(f, "  %lu more outage%s not listed\n", l->dropped,
		    pp_plural(l->dropped, "", "s"));
}

void
pp_table_outages_release(struct pp_table_outages *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)(size_t)l->recs[i].target);
	free(l->recs);
	memset(l, 0, sizeof(*l));
}
