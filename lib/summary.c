/* SPDX-License-Identifier: BSD-2-Clause */
/* summary.c: the probers' end-of-run text (see summary.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/outcome.h"
#include "lib/sanitize.h"
#include "lib/summary.h"
#include "lib/util.h"

/* The closing line that names the failing targets, as fping's "is
 * unreachable": "prog: what a, b and 3 more". */
struct failed {
	FILE *f;
	const char *prog;
	const char *what;
	int n;			/* failing targets so far */
	int shown;		/* of which named */
};

static void
failed_add(struct failed *l, const char *target)
{
	if (l->n++ == 0)
		fprintf(l->f, "%s: %s", l->prog, l->what);
	if (l->shown == PP_SUMMARY_NAMED)
		return;
	char name[512];
	(void)pp_sanitize_term(name, sizeof(name), target);
	fprintf(l->f, "%s %s", l->shown > 0 ? "," : "", name);
	l->shown++;
}

static void
failed_end(struct failed *l)
{
	if (l->n > l->shown)
		fprintf(l->f, " and %d more", l->n - l->shown);
	if (l->n > 0)
		fputc('\n', l->f);
}

/* An ICMP unreachable as both summaries name it: "host-unreachable, code
 * 1", or "unreachable" when no code was recorded. */
static void
unreach_text(char *buf, size_t size, int code, bool v6)
{
	if (code >= 0)
		(void)snprintf(buf, size, "%s, code %d",
		    pp_unreach_name(code, v6), code);
	else
		(void)snprintf(buf, size, "%s", pp_unreach_name(code, v6));
}

/* The run's lines of a resolved target: the loss a rate limit explains
 * (UDP's port unreachables), as pp-stats says it under its row; how
 * long, the outages and the longest (pp-stats' rule). */
static void
run_lines(FILE *f, const struct pp_runsum *rs, const char *target,
    double run_s)
{
	char run[256];

	if (rs == NULL)
		return;
	if (pp_runsum_limit_text(rs, target, run, sizeof(run)) > 0)
		fprintf(f, "%s\n", run);
	(void)pp_runsum_text(rs, target, run_s, run, sizeof(run));
	fprintf(f, "%s\n", run);
}

/* A summary gathered in memory and written to its stream at once: stderr
 * is not buffered, and a block is many writes (3,000 for 1,000 targets
 * otherwise), which a reader of the stream sees cut among others'. */
struct once {
	FILE *to;		/* where the text goes */
	FILE *mem;		/* where it is gathered (NULL: to, directly,
				 * when no memory stream could be opened) */
	char *buf;		/* mem's text */
	size_t len;		/* its length, bytes */
};

/* Starts gathering for to; returns the stream to write the text to. */
static FILE *
once_begin(struct once *o, FILE *to)
{
	o->to = to;
	o->buf = NULL;
	o->len = 0;
	o->mem = open_memstream(&o->buf, &o->len);
	return o->mem != NULL ? o->mem : to;
}

/* Writes what was gathered to its stream in one write, and frees it. */
static void
once_end(struct once *o)
{
	if (o->mem == NULL)
		return;
	if (fclose(o->mem) == 0 && o->buf != NULL)
		(void)fwrite(o->buf, 1, o->len, o->to);
	free(o->buf);
}

/* ------------------------------------------------------------ pp-probe */

/* Append to buf (of size, len used) as snprintf; returns the length used
 * (size - 1 when cut). */
static size_t __attribute__((format(printf, 4, 5)))
append(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len >= size - 1)
		return len;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return len;
	return (size_t)n >= size - len ? size - 1 : len + (size_t)n;
}

/* Why t's probes were lost, and what else, into why (of size): the
 * sources and codes of ICMP unreachables, the other reasons of a loss as
 * pp-alert names them, TCP connections, timeouts not counted.  Returns
 * its length. */
static size_t
probe_why(const struct pp_summary_probe *t,
    const struct pp_summary_probe_opts *o, char *why, size_t size)
{
	const struct pp_stats *s = t->st;
	size_t wl = 0;
	int order[PP_STATS_UNREACH];
	int n = pp_stats_unreach_order(s, order);

	why[0] = '\0';
	for (int k = 0; k < n; k++) {
		const struct pp_stats_unreach *u = &s->unreach[order[k]];
		const char *from = u->id != UINT32_MAX && o->addrs != NULL ?
		    pp_intern_name(o->addrs, u->id) : NULL;
		char what[64];
		char fb[128];
		unreach_text(what, sizeof(what), u->code, from != NULL &&
		    strchr(from, ':') != NULL);
		if (from != NULL)
			(void)pp_sanitize_term(fb, sizeof(fb), from);
		wl = append(why, size, wl, "%s%llu unreachable (%s)%s%s",
		    wl > 0 ? ", " : "", (unsigned long long)u->n, what,
		    from != NULL ? " from " : "", from != NULL ? fb : "");
	}
	if (s->unreach_other > 0)
		wl = append(why, size, wl, "%s%llu unreachable from others",
		    wl > 0 ? ", " : "", (unsigned long long)s->unreach_other);
	if (s->lost_by[PP_LOSS_TTL_EXPIRED] > 0)
		wl = append(why, size, wl, "%s%llu ttl-expired on the way",
		    wl > 0 ? ", " : "",
		    (unsigned long long)s->lost_by[PP_LOSS_TTL_EXPIRED]);
	if (s->lost_by[PP_LOSS_ERROR] > 0)
		wl = append(why, size, wl, "%s%llu send error%s (%s)", wl > 0 ?
		    ", " : "", (unsigned long long)s->lost_by[PP_LOSS_ERROR],
		    pp_plural(s->lost_by[PP_LOSS_ERROR], "", "s"), t->err);
	if (s->tcp)
		wl = append(why, size, wl, "%sconnections %llu open, %llu "
		    "refused%s", wl > 0 ? ", " : "",
		    (unsigned long long)s->open,
		    (unsigned long long)s->refused,
		    o->refused_down && s->refused > 0 ?
		    " (counted as down)" : "");
	if (s->local_drop > 0)
		wl = append(why, size, wl, "%s%llu timeout%s maybe lost inside "
		    "this host (not counted)", wl > 0 ? ", " : "",
		    (unsigned long long)s->local_drop,
		    pp_plural(s->local_drop, "", "s"));
	return wl;
}

/* iputils ping's two lines (loss as its %g of a float, mdev its
 * population deviation), then pp's reasons on a line of their own. */
static void
probe_ping(FILE *f, const char *name, const struct pp_stats *s,
    double run_s, const char *why, size_t wl)
{
	/* ping's errors: the ICMP errors that answered. */
	unsigned long long errs = s->unreach_other +
	    s->lost_by[PP_LOSS_TTL_EXPIRED];

	for (int k = 0; k < s->nunreach; k++)
		errs += s->unreach[k].n;
	fprintf(f, "--- %s pp-probe statistics ---\n%llu packets "
	    "transmitted, %llu received", name, (unsigned long long)s->sent,
	    (unsigned long long)s->recv);
	if (errs > 0)
		fprintf(f, ", +%llu errors", errs);
	if (s->sent > 0)
		fprintf(f, ", %g%% packet loss, time %lldms",
		    (double)(float)pp_stats_loss(s),
		    (long long)(run_s * 1000 + 0.5));
	fputc('\n', f);
	if (s->recv > 0)
		fprintf(f, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		    s->min, s->mean, s->max, pp_stats_mdev(s));
	if (wl > 0)
		fprintf(f, "%s\n", why);
}

/* A target's block: ping's, or pp-probe's line. */
static void
probe_block(FILE *f, const struct pp_summary_probe *t,
    const struct pp_summary_probe_opts *o)
{
	const struct pp_stats *s = t->st;
	char name[512];
	char why[2048];
	size_t wl = probe_why(t, o, why, sizeof(why));

	(void)pp_sanitize_term(name, sizeof(name), t->name);
	if (o->ping) {
		probe_ping(f, name, s, o->run_s, why, wl);
	} else if (s->sent == 0) {
		/* Nothing sent (a name that did not resolve): no loss to
		 * state, 0.0 % would say all is well. */
		fprintf(f, "--- %s pp-probe statistics ---\n0 probes sent"
		    "%s%s%s\n", name, t->resolved ? "" :
		    " (the name did not resolve)", wl > 0 ? ", " : "", why);
	} else {
		fprintf(f, "--- %s pp-probe statistics ---\n%llu probe%s "
		    "sent, %llu answered, %.1f%% loss%s%s", name,
		    (unsigned long long)s->sent, pp_plural(s->sent, "", "s"),
		    (unsigned long long)s->recv, pp_stats_loss(s), wl > 0 ?
		    ", " : "", why);
		if (s->recv > 0)
			fprintf(f, ", rtt min/avg/max/stdev = "
			    "%.3f/%.3f/%.3f/%.3f ms", s->min, s->mean, s->max,
			    s->recv > 1 ? pp_stats_stdev(s) : 0.0);
		fputc('\n', f);
	}
	if (t->resolved)
		run_lines(f, o->rs, t->name, o->run_s);
}

/* pp_summary_probe's text, written to f as it comes. */
static int
probe_text(FILE *f, const struct pp_summary_probe *t, int nt,
    const struct pp_summary_probe_opts *o)
{
	int never = 0;
	int short_count = 0;

	for (int i = 0; i < nt; i++) {
		probe_block(f, &t[i], o);
		if (t[i].resolved && t[i].st->recv == 0)
			never++;
		else if (t[i].resolved && o->deadline && o->count > 0 &&
		    t[i].answered < o->count)
			short_count++;
	}
	struct failed l = { f, o->prog, "no answer from", 0, 0 };
	for (int i = 0; i < nt; i++)
		if (t[i].resolved && t[i].st->recv == 0)
			failed_add(&l, t[i].name);
	failed_end(&l);
	if (short_count > 0) {
		char what[96];
		(void)snprintf(what, sizeof(what), "fewer than %lld answer%s "
		    "by the deadline from", o->count,
		    pp_plural((unsigned long long)o->count, "", "s"));
		struct failed s = { f, o->prog, what, 0, 0 };
		for (int i = 0; i < nt; i++)
			if (t[i].resolved && t[i].st->recv > 0 &&
			    t[i].answered < o->count)
				failed_add(&s, t[i].name);
		failed_end(&s);
	}
	return never + short_count;
}

/* ------------------------------------------------------------ pp-trace */

/* A resolved target's block. */
static void
trace_block(FILE *f, const struct pp_summary_trace *t,
    const struct pp_summary_trace_opts *o)
{
	char name[512];
	long long counted = t->rounds - t->local;

	(void)pp_sanitize_term(name, sizeof(name), t->name);
	fprintf(f, "--- %s pp-trace statistics ---\n%lld round%s, "
	    "destination answered in %lld (%.1f%% loss)", name, t->rounds,
	    pp_plural((unsigned long long)t->rounds, "", "s"), t->reached,
	    counted > 0 ? 100.0 * (double)(counted - t->reached) /
	    (double)counted : 0.0);
	if (t->unreach > 0) {
		/* Why, as pp-probe says it: an unreachable is a loss,
		 * never the destination's answer. */
		char what[64];
		unreach_text(what, sizeof(what), t->unreach_code,
		    strchr(t->dst, ':') != NULL);
		fprintf(f, ", %lld unreachable (%s)%s%s", t->unreach, what,
		    t->unreach_from[0] != '\0' ? " from " : "",
		    t->unreach_from);
	}
	if (t->refused > 0)
		fprintf(f, ", %lld refused (counted as down)", t->refused);
	if (t->errors > 0)
		fprintf(f, ", %lld with send errors (%s)", t->errors, t->err);
	if (t->local > 0)
		fprintf(f, ", %lld round%s maybe lost inside this host (not "
		    "counted)", t->local,
		    pp_plural((unsigned long long)t->local, "", "s"));
	if (t->reached > 0)
		fprintf(f, ", %d hop%s, last rtt %.3f ms", t->hops,
		    pp_plural((unsigned long long)t->hops, "", "s"),
		    t->last_rtt);
	fputc('\n', f);
	run_lines(f, o->rs, t->name, o->run_s);
}

void
pp_summary_trace_probe(struct pp_summary_trace *t,
    struct pp_summary_round *rd, const struct pp_probe *p,
    const struct pp_outcome_opts *o)
{
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(p, o, &why);

	rd->refused = rd->refused || why == PP_LOSS_REFUSED;
	if (why == PP_LOSS_ERROR) {
		rd->error = true;
		if (t->err[0] == '\0')
			(void)pp_sanitize_term(t->err, sizeof(t->err),
			    p->err != NULL ? p->err : "error");
	}
	if (why == PP_LOSS_UNREACHABLE) {
		rd->unreach = true;
		(void)pp_sanitize_term(t->unreach_from,
		    sizeof(t->unreach_from), p->from != NULL ? p->from : "");
		t->unreach_code = p->code;
	}
	if (oc == PP_ANSWER_DEST) {
		rd->reached = true;
		t->last_rtt = p->rtt;
		if (t->hops == 0 || p->ttl < t->hops)
			t->hops = p->ttl;
	}
	rd->local = rd->local || oc == PP_LOCAL;
}

void
pp_summary_trace_round(struct pp_summary_trace *t,
    const struct pp_summary_round *rd, bool partial)
{
	if (partial && !rd->reached)
		return;
	if (rd->reached)
		t->reached++;
	else if (rd->local)
		t->local++;
	else if (rd->unreach)
		t->unreach++;
	else if (rd->refused)
		t->refused++;
	else if (rd->error)
		t->errors++;
	t->rounds++;
}

/* pp_summary_trace's text, written to f as it comes. */
static int
trace_text(FILE *f, const struct pp_summary_trace *t, int nt,
    const struct pp_summary_trace_opts *o)
{
	struct failed l = { f, o->prog, "no answer from the destination of",
	    0, 0 };

	for (int i = 0; i < nt; i++)
		if (t[i].resolved)
			trace_block(f, &t[i], o);
	for (int i = 0; i < nt; i++)
		if (t[i].resolved && t[i].reached == 0)
			failed_add(&l, t[i].name);
	failed_end(&l);
	return l.n;
}

int
pp_summary_probe(FILE *f, const struct pp_summary_probe *t, int nt,
    const struct pp_summary_probe_opts *o)
{
	struct once w;
	int fail = probe_text(once_begin(&w, f), t, nt, o);

	once_end(&w);
	return fail;
}

int
pp_summary_trace(FILE *f, const struct pp_summary_trace *t, int nt,
    const struct pp_summary_trace_opts *o)
{
	struct once w;
	int never = trace_text(once_begin(&w, f), t, nt, o);

	once_end(&w);
	return never;
}
