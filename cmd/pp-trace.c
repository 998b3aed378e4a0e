/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-trace: continuous parallel traceroute.  Discovers every router
 * between here and each target by TTL and probes the whole path again
 * round after round, all the TTLs of a round in flight at once, with
 * flow-stable (Paris) probes so that a round follows one path through
 * load balancers; --flows N traces N flows a round to reveal the others.
 *
 * Reads: targets from the operands or -f FILE.
 * Writes: on stdout (and -o FILE[.gz]) a meta record, then for each
 * target and round, once the round is complete, its probe records in
 * (flow, ttl) order, with ttl, round, flow, from, rtt, reply_ttl.  On a
 * terminal, instead of the records (still written to -o), a live hop
 * table as mtr's (lib/screen), printed once more at the end; with -r,
 * mtr's report after -c rounds.
 * Exit: 0 done (or the reader of stdout went away); 1 a target's
 * destination never answered (named on stderr, as pp-probe and fping), or
 * a write error; 2 a usage error (a schedule that cannot be kept among
 * them), or a target that does not resolve (the others are still traced).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/engine.h"
#include "lib/exit.h"
#include "lib/jsonw.h"
#include "lib/net_linux.h"
#include "lib/outcome.h"
#include "lib/overload.h"
#include "lib/probecli.h"
#include "lib/runsum.h"
#include "lib/screen.h"
#include "lib/summary.h"
#include "lib/table.h"
#include "lib/tsched.h"
#include "lib/util.h"

#define MAX_TARGETS 100000
/* getopt's letters (the start reads them too: pp_probecli_start). */
#define SHORTOPTS \
	"46a:B:bCc:D:E:eF:f:G:ghI:i:jL:lM:m:no:P:pQ:rSs:TtU:uVvW:wxy:Z:z"
#define MAX_FLOWS PP_TSCHED_FLOWS_MAX

enum {
	OPT_FLOWS = 256, OPT_RATE, OPT_SEND_DELAY, OPT_DISPLAYMODE, OPT_ORDER,
	OPT_ASN_DB, OPT_COLOR, OPT_REFUSED_DOWN
};

/* mtr's letters and long options that pp-trace does not take: an error
 * with a hint, never another meaning. */
static const struct pp_probecli_alien aliens[] = {
	{ 'C', "-C, --csv", "mtr's CSV report is not supported: pp-trace -c "
	    "10 HOST | pp-stats -f csv" },
	{ 'D', "-D", "mtr's -D (a TTL the destination is shown from) is not "
	    "supported; the first TTL probed is -f" },
	{ 'E', "-E, --max-display-path", "mtr's display limit is not "
	    "supported: pp-stats lists every responder of a hop" },
	{ 'G', "-G, --gracetime", "mtr's grace time is not supported: every "
	    "probe is waited for up to -Z (the timeout), and a round is "
	    "written when each of its probes has an outcome" },
	{ 'g', "-g, --gtk", "mtr's GTK window is not supported: pp-plot "
	    "draws the records" },
	{ 'j', "-j, --json", "mtr's JSON report is not supported: pp-trace "
	    "always writes NDJSON records; the report as NDJSON: pp-trace -c "
	    "10 HOST | pp-stats -f ndjson" },
	{ 'L', "-L, --localport", "mtr's fixed UDP source port is not "
	    "supported: each flow keeps a source port of its own (--flows)" },
	{ 'l', "-l, --raw", "mtr's raw format is not supported: the NDJSON "
	    "records are pp-trace's raw output" },
	{ 'p', "-p, --split", "mtr's split output is not supported; the "
	    "destination port is -P PORT (it was -p before pp-trace took "
	    "mtr's letters)" },
	{ 'S', "-S, --sctp", "mtr's SCTP probes are not supported; the "
	    "source address is -a ADDRESS (it was -S before pp-trace took "
	    "mtr's letters)" },
	{ 'x', "-x, --xml", "mtr's XML report is not supported: pp-trace -c "
	    "10 HOST | pp-stats -f ndjson (or -f csv)" },
	{ 'y', "-y, --ipinfo", "mtr's IP information by DNS is not "
	    "supported: --asn-db FILE shows AS numbers from a MaxMind DB (and "
	    "pp-geo adds places to the records)" },
	{ 'z', "-z, --aslookup", "mtr's AS lookup by DNS is not supported: "
	    "--asn-db FILE shows AS numbers from a MaxMind DB" },
	{ OPT_DISPLAYMODE, "--displaymode", "mtr's display mode option is "
	    "not supported: on the live screen the d key switches between the "
	    "table and each hop's last answers" },
	{ OPT_ORDER, "-o FIELDS, --order", "mtr's field order is not "
	    "supported: pp-stats -f table shows mtr's columns; pp-trace's -o "
	    "FILE writes the records to FILE" },
	{ 0, NULL, NULL },
};

/* An -o argument that is mtr's field order ("LSD NBAW"), not a file. */
static bool
mtr_fields(const char *arg)
{
	size_t n = strlen(arg);

	return n > 0 && n <= 32 && strspn(arg, "LDRSNBAWVGJMXI ") == n;
}

struct target {
	const char *name;	/* borrowed from the options */
	struct sockaddr_storage addr;
	socklen_t alen;		/* 0: did not resolve */
	char dst[64];		/* address text */
};

struct trace_run {
	struct pp_probecli pc;
	struct pp_overload ov;	/* a host that does not keep up */
	struct target *t;
	struct pp_summary_trace *sum;	/* [nt]: each target's figures */
	int nt;
	int *sched;		/* [resolved]: the target of each scheduled
				 * index */
	long long rounds;	/* -c, 0 until stopped */
	double interval;	/* -i, s */
	int first_ttl, max_ttl, max_unknown, flows;
	double send_delay;	/* s */
	double rate;		/* probes per second over all, 0 no cap */
	struct pp_tsched *ts;	/* the rounds (lib/tsched) */
	struct pp_engine *e;
	struct pp_jw w;
	struct pp_screen *screen;	/* the live screen or -r's report,
					 * NULL: records on stdout */
	bool live;		/* the live screen is up */
	struct pp_runsum runsum;	/* duration and outages (summary) */
	double run_s;		/* how long the run lasted, s */
	unsigned long long seq;
	bool paris;		/* every flow keeps to one path */
	bool need4, need6;	/* IPv4 (IPv6) targets resolved */
	struct pp_outcome_opts outcome;	/* --refused-down */
	struct pp_tsched_told told;	/* the schedule's troubles said */
};

static volatile sig_atomic_t stopping;
/* The live screen, for the signal handlers and exit to give the terminal
 * back. */
static struct pp_screen *screen_taken;

static void
on_signal(int sig)
{
	(void)sig;
	if (stopping) {
		pp_screen_restore(screen_taken);
		_exit(130);	/* a second signal: at once */
	}
	stopping = 1;
}

/* ^Z: the terminal back as it was, then stop; fg: the screen again. */
static void
on_tstp(int sig)
{
	pp_screen_restore(screen_taken);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static void
on_cont(int sig)
{
	(void)sig;
	(void)signal(SIGTSTP, on_tstp);
	pp_screen_resume(screen_taken);
}

/* An exit through pp_errx while the screen is up. */
static void
give_back_terminal(void)
{
	if (screen_taken != NULL)
		pp_screen_stop(screen_taken);
}

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-trace [-46behnrTtuVvw] [-a address] [-B byte] "
	    "[-c rounds] [-F file]\n"
	    "                [-f ttl] [-I interface] [-i interval] [-M mark] "
	    "[-m ttl]\n"
	    "                [-o file] [-P port] [-Q tos] [-s size] "
	    "[-U count]\n"
	    "                [-W timeout] [-Z timeout] [--asn-db file] "
	    "[--color when]\n"
	    "                [--flows count] [--icmp] [--keep count] "
	    "[--rate pps]\n"
	    "                [--refused-down] [--rotate size] "
	    "[--send-delay duration]\n"
	    "                [--vantage name] [target ...]\n");
	if (status == 0) {
		/* pp-trace's options beside mtr's letters. */
		static const char *const rows[][3] = {
			{ "-4, -6", "IPv4 or IPv6 only", "-4, -6" },
			{ "-a ADDRESS", "source address", "-a" },
			{ "-B BYTE", "payload fill byte (also --pattern)",
			    "-B" },
			{ "-b", "screen, -r: names with their addresses",
			    "-b" },
			{ "-c ROUNDS", "rounds per target (default: no end)",
			    "-c" },
			{ "-e", "screen, -r: MPLS labels (records: all)",
			    "-e" },
			{ "-F FILE", "targets, one a line (# comments)",
			    "-F" },
			{ "-f TTL", "first TTL probed (default 1)", "-f" },
			{ "-I INTERFACE", "send through this interface", "-I" },
			{ "-i INTERVAL", "between rounds (default 1s)", "-i" },
			{ "-M MARK", "firewall mark (SO_MARK)", "-M" },
			{ "-m TTL", "last TTL probed (default 30)", "-m" },
			{ "-n", "screen, -r: no reverse DNS, addresses", "-n" },
			{ "-o FILE", "also write the records to FILE (.gz)",
			    "" },
			{ "-P PORT", "destination port (-T 80, -u 33434)",
			    "-P" },
			{ "-Q TOS", "TOS / traffic class", "-Q" },
			{ "-r", "mtr's report after -c rounds (10)", "-r" },
			{ "-s SIZE", "the whole IP packet, bytes (def. 84)",
			    "-s" },
			{ "-T, -u, --icmp", "TCP SYN, UDP, ICMP echo (default)",
			    "-T, -u" },
			{ "-t", "the live screen (terminal default)",
			    "-t" },
			{ "-U COUNT", "silent hops before giving up (10)",
			    "-U" },
			{ "-W, -Z TIMEOUT", "wait for an answer (default 2s)",
			    "-Z" },
			{ "-w", "the wide report: names whole", "-w" },
			{ "--asn-db FILE", "AS numbers from this MaxMind DB",
			    "-z" },
			{ "--color WHEN", "never, always, auto (a terminal)",
			    "" },
			{ "--flows COUNT",
			    "flows traced a round (1, at most 64)", "" },
			{ "--keep COUNT", "rotated -o files kept (default 5)",
			    "" },
			{ "--rate PPS", "probes a second, all targets, at most",
			    "" },
			{ "--refused-down", "a refused TCP connection is lost",
			    "" },
			{ "--rotate SIZE",
			    "a new -o file at this size (FILE.1)", "" },
			{ "--send-delay DUR", "between a round's probes (1ms)",
			    "" },
			{ "--vantage NAME", "this vantage point (host name)",
			    "" },
			{ "-h, --help", "this help", "-h" },
			{ "-V, -v, --version", "the version", "-v" },
		};
		fprintf(f, "\n  %-17s %-38s %s\n", "option", "what", "mtr");
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			fprintf(f, "  %-17s %-*s%s\n", rows[i][0],
			    rows[i][2][0] != '\0' ? 39 : 0, rows[i][1],
			    rows[i][2]);
		fprintf(f, "\nNumbers: -M, -Q and -B also in 0x hex; "
		    "durations: 1.5, 250ms, 2s, 1m.\n"
		    "On a terminal: a live hop table, keys as mtr's (q quit, "
		    "p pause, r reset,\n"
		    "d display, n names, j jitter, e MPLS, ? help); piped: "
		    "NDJSON records.\n"
		    "mtr's -C -D -E -G -g -j -L -l -o FIELDS -p -S -x -y -z "
		    "are errors that say\n"
		    "what to use.\n");
	}
	exit(status);
}

/* ------------------------------------------------------------ output */

static void
write_meta(struct trace_run *r, int argc, char **argv)
{
	pp_jw_meta(&r->w, "pp-trace", argc, argv);
	pp_jw_kstr(&r->w, "vantage", r->pc.vantage);
	pp_jw_key(&r->w, "settings");
	pp_jw_obj_begin(&r->w);
	pp_probecli_settings(&r->pc, &r->w, r->need4, r->need6);
	pp_jw_knum(&r->w, "interval", r->interval, PP_DEC_TS);
	pp_jw_kint(&r->w, "first_ttl", r->first_ttl);
	pp_jw_kint(&r->w, "max_ttl", r->max_ttl);
	pp_jw_kint(&r->w, "max_unknown", r->max_unknown);
	pp_jw_kint(&r->w, "flows", r->flows);
	pp_jw_knum(&r->w, "send_delay", r->send_delay, PP_DEC_TS);
	if (r->rate > 0)
		pp_jw_knum(&r->w, "rate", r->rate, 3);
	pp_jw_kbool(&r->w, "paris", r->paris);
	if (r->rounds > 0)
		pp_jw_kint(&r->w, "rounds", r->rounds);
	if (r->outcome.refused_down)
		pp_jw_kstr(&r->w, "refused", "down");
	pp_jw_end(&r->w);
	pp_probecli_emit(&r->pc, &r->w, true);
}

/* ------------------------------------------------------------ rounds */

/* The scheduler's send hook: probe p through the engine. */
static int
send_probe(void *arg, const struct pp_tsched_probe *tp)
{
	struct trace_run *r = arg;
	struct target *t = &r->t[r->sched[tp->target]];
	struct pp_engine_probe p = r->pc.po;

	p.dst = (struct sockaddr *)&t->addr;
	p.dlen = t->alen;
	p.ttl = tp->ttl;
	p.round = tp->round;
	p.flow = tp->flow;	/* every flow keeps to one path (Paris) */
	p.seq = (long long)r->seq;
	p.target = t->name;
	p.user = tp->id;
	/* The live screen counts it sent (Snt) before its outcome can come:
	 * a send error is delivered at once, through done. */
	if (r->live)
		pp_screen_sent(r->screen, t->name, tp->ttl);
	if (pp_engine_send(r->e, &p) == -1) {
		if (r->live)
			pp_screen_unsent(r->screen, t->name, tp->ttl);
		return -1;	/* the engine is full */
	}
	r->seq++;
	return 0;
}

/* The record of a probe of target t. */
static void
probe_of(const struct trace_run *r, const struct target *t,
    const struct pp_engine_result *res, struct pp_probe *p)
{
	pp_engine_result_probe(res, p);
	p->target = t->name;
	p->dst = t->dst;
	p->vantage = r->pc.vantage;
}

/* The scheduler's outcome hook: the live screen has each probe's outcome
 * as soon as it is sure to be in its round's records (mtr's screen counts
 * every answer as it comes); NULL: a probe that will not be. */
static void
screen_outcome(void *arg, int ti, long long n, int flow, int ttl,
    const struct pp_engine_result *res)
{
	struct trace_run *r = arg;
	const struct target *t = &r->t[r->sched[ti]];

	(void)n;
	(void)flow;
	if (!r->live)
		return;
	if (res == NULL) {
		pp_screen_unsent(r->screen, t->name, ttl);
		return;
	}
	struct pp_probe p;
	probe_of(r, t, res, &p);
	pp_screen_probe(r->screen, &p);
}

/* The scheduler's round hook: a complete round, written in (flow, ttl)
 * order; after q on the live screen, a round still in flight is written
 * as it stands (its probes in flight left out, never written as lost),
 * and counted in the summary only if its destination answered. */
static void
write_round(void *arg, int ti, long long n, const struct pp_tsched_round *rd)
{
	struct trace_run *r = arg;
	int i = r->sched[ti];
	struct pp_summary_round tally = { 0 };

	(void)n;
	for (int f = 0; f < r->flows; f++) {
		for (int ttl = r->first_ttl; ttl <= r->max_ttl; ttl++) {
			const struct pp_engine_result *res = pp_tsched_result(
			    r->ts, rd, f, ttl);
			if (res == NULL)
				continue;
			struct pp_probe p;
			probe_of(r, &r->t[i], res, &p);
			pp_probe_write(&r->w, &p);
			pp_probecli_emit(&r->pc, &r->w, false);
			/* (The live screen had it through screen_outcome.) */
			if (r->screen != NULL && !r->live)
				pp_screen_probe(r->screen, &p);
			pp_runsum_probe(&r->runsum, &p);
			pp_summary_trace_probe(&r->sum[i], &tally, &p,
			    &r->outcome);
		}
	}
	pp_summary_trace_round(&r->sum[i], &tally, pp_tsched_partial(rd));
}

static void
done(void *arg, const struct pp_engine_result *res)
{
	struct trace_run *r = arg;

	/* Back to the loop at once when the outcome lets a probe go out
	 * sooner or completed a round (to write), not for every answer. */
	if (pp_tsched_done(r->ts, res->user, res))
		pp_engine_yield(r->e);
}

/* The schedule's troubles (lib/tsched), said while they happen (at most
 * once a second) and at the end. */
static void
tell_schedule(struct trace_run *r, long long now, bool end)
{
	struct pp_tsched_stats st;
	char late[256];
	char deferred[256];

	pp_tsched_stats(r->ts, &st);
	if (pp_tsched_tell(&r->told, &st, r->pc.eo.max_inflight, now, end,
	    late, deferred, sizeof(late)) == 0)
		return;
	if (late[0] != '\0')
		pp_warnx("%s", late);
	if (deferred[0] != '\0')
		pp_warnx("%s", deferred);
}

/* ------------------------------------------------------------ summary */

/* Say what the host did not keep up with since the last time (answers
 * the kernel dropped, reading behind). */
static void
overload(struct trace_run *r, long long now)
{
	struct pp_engine_stats st;
	char line[1024];

	pp_engine_stats(r->e, &st);
	if (pp_overload_report(&r->ov, &st, now, line, sizeof(line)) > 0)
		pp_warnx("%s", line);
}

/* Each target's figures, written by lib/summary (in one write).  Returns
 * how many resolved targets' destinations never answered (as pp-probe
 * and fping name them). */
static int
final_summary(const struct trace_run *r)
{
	struct pp_summary_trace_opts o = {
		.prog = pp_progname(),
		.rs = &r->runsum,
		.run_s = r->run_s,
	};

	return pp_summary_trace(stderr, r->sum, r->nt, &o);
}

/* ------------------------------------------------------------ screen */

/* The live screen (live) or the report's table: what it shows, then the
 * terminal taken.  o: the display options; the rest is filled here. */
static void
open_screen(struct trace_run *r, bool live, bool report,
    struct pp_screen_opts *o)
{
	static char host[256];
	static char title[1024];
	struct pp_screen_target *shown = pp_xcalloc((size_t)o->ntargets,
	    sizeof(*shown));
	struct pp_error err;

	if (gethostname(host, sizeof(host) - 1) != 0)
		(void)snprintf(host, sizeof(host), "-");
	for (int i = 0, k = 0; i < r->nt; i++)
		if (r->t[i].alen > 0)
			shown[k++] = (struct pp_screen_target){ r->t[i].name,
			    r->t[i].dst };
	pp_screen_title(title, sizeof(title), host, shown, o->ntargets);
	free(shown);
	o->tool = "pp-trace";
	o->host = host;
	o->title = title;
	o->out = live ? 1 : -1;
	o->keys = live && pp_isatty(0) ? 0 : -1;
	o->dns_timeout = 2;
	/* Live, the figures follow the rounds as they are written (each
	 * hop's in order); the report waits as pp-stats does. */
	o->horizon = report ? r->pc.po.timeout + 1 : 0;
	r->screen = pp_screen_new(o, &err);
	if (r->screen == NULL)
		pp_errx(PP_EXIT_USAGE, "%s", err.msg);
	if (!live)
		return;
	if (atexit(give_back_terminal) != 0 ||
	    pp_screen_start(r->screen) == -1)
		pp_errx(PP_EXIT_FAIL, "cannot take the terminal: %s",
		    strerror(errno));
	screen_taken = r->screen;
	r->live = true;
	(void)signal(SIGTSTP, on_tstp);
	(void)signal(SIGCONT, on_cont);
}

/* ------------------------------------------------------------ main */

/* A TTL option, 1 to 255; what the letter meant before pp-trace took
 * mtr's letters, when the value shows that use (a file name, a mark
 * beyond 255 or in hex), said with the range. */
static int
ttl_arg(const char *opt, const char *what, const char *arg, const char *was)
{
	const char *errstr = NULL;
	long long v = pp_strtonum(arg, 1, 255, &errstr);

	if (errstr != NULL)
		pp_errx(PP_EXIT_USAGE, "%s: %s must be 1 to 255: %s (%s)", opt,
		    what, arg, was);
	return (int)v;
}

int
main(int argc, char **argv)
{
	static const struct pp_option longopts[] = {
		{ "address", PP_REQ_ARG, NULL, 'a' },
		{ "asn-db", PP_REQ_ARG, NULL, OPT_ASN_DB },
		{ "aslookup", PP_NO_ARG, NULL, 'z' },
		{ "bitpattern", PP_REQ_ARG, NULL, 'B' },
		{ "color", PP_REQ_ARG, NULL, OPT_COLOR },
		{ "csv", PP_NO_ARG, NULL, 'C' },
		{ "curses", PP_NO_ARG, NULL, 't' },
		{ "displaymode", PP_REQ_ARG, NULL, OPT_DISPLAYMODE },
		{ "filename", PP_REQ_ARG, NULL, 'F' },
		{ "first-ttl", PP_REQ_ARG, NULL, 'f' },
		{ "flows", PP_REQ_ARG, NULL, OPT_FLOWS },
		{ "gracetime", PP_REQ_ARG, NULL, 'G' },
		{ "gtk", PP_NO_ARG, NULL, 'g' },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "icmp", PP_NO_ARG, NULL, PP_OPT_ICMP },
		{ "interface", PP_REQ_ARG, NULL, 'I' },
		{ "interval", PP_REQ_ARG, NULL, 'i' },
		{ "ipinfo", PP_REQ_ARG, NULL, 'y' },
		{ "json", PP_NO_ARG, NULL, 'j' },
		{ "keep", PP_REQ_ARG, NULL, PP_OPT_KEEP },
		{ "localport", PP_REQ_ARG, NULL, 'L' },
		{ "mark", PP_REQ_ARG, NULL, 'M' },
		{ "max-display-path", PP_REQ_ARG, NULL, 'E' },
		{ "max-ttl", PP_REQ_ARG, NULL, 'm' },
		{ "max-unknown", PP_REQ_ARG, NULL, 'U' },
		{ "mpls", PP_NO_ARG, NULL, 'e' },
		{ "no-dns", PP_NO_ARG, NULL, 'n' },
		{ "order", PP_REQ_ARG, NULL, OPT_ORDER },
		{ "pattern", PP_REQ_ARG, NULL, PP_OPT_PATTERN },
		{ "port", PP_REQ_ARG, NULL, 'P' },
		{ "psize", PP_REQ_ARG, NULL, 's' },
		{ "rate", PP_REQ_ARG, NULL, OPT_RATE },
		{ "raw", PP_NO_ARG, NULL, 'l' },
		{ "report", PP_NO_ARG, NULL, 'r' },
		{ "report-cycles", PP_REQ_ARG, NULL, 'c' },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "report-wide", PP_NO_ARG, NULL, 'w' },
		{ "rotate", PP_REQ_ARG, NULL, PP_OPT_ROTATE },
		{ "sctp", PP_NO_ARG, NULL, 'S' },
		{ "send-delay", PP_REQ_ARG, NULL, OPT_SEND_DELAY },
		{ "show-ips", PP_NO_ARG, NULL, 'b' },
		{ "split", PP_NO_ARG, NULL, 'p' },
		{ "tcp", PP_NO_ARG, NULL, PP_OPT_TCP },
		{ "timeout", PP_REQ_ARG, NULL, 'Z' },
		{ "tos", PP_REQ_ARG, NULL, 'Q' },
		{ "udp", PP_NO_ARG, NULL, PP_OPT_UDP },
		{ "vantage", PP_REQ_ARG, NULL, PP_OPT_VANTAGE },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "xml", PP_NO_ARG, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	static struct trace_run r;
	struct pp_net net;
	const char *errstr = NULL;
	const char *file = NULL;
	const char *asn_db = NULL;
	enum pp_color color = PP_COLOR_AUTO;
	bool report = false, wide = false, curses = false;
	bool show_ips = false, mpls = false, dns = true;
	int ch;

	pp_cli_init(argv[0]);
	/* Raw TCP for flow-stable TCP probes, raw UDP for UDP ones; -M's
	 * mark needs CAP_NET_ADMIN on sockets opened later. */
	static const struct pp_probecli_start boot = {
		.on_signal = on_signal, .shortopts = SHORTOPTS, .mark = 'M',
		.mark_long = "--mark",
		.flags = PP_PROBECLI_RAW_TCP | PP_PROBECLI_RAW_UDP,
	};
	pp_probecli_start(&boot, &net, argc, argv);

	pp_probecli_init(&r.pc);
	r.pc.eo.lax = true;	/* rounds, not microsecond schedules */
	r.interval = 1;
	r.first_ttl = 1;
	r.max_ttl = 30;
	r.max_unknown = 10;
	r.flows = 1;
	r.send_delay = 0.001;
	const char *file_opt = "-F";
	int li = -1;
	while ((ch = pp_getopt_long(argc, argv, SHORTOPTS, longopts,
	    &li)) != -1) {
		/* The option as typed, for messages ("-Z", "--timeout"). */
		const char *opt = pp_cli_optname(ch, li >= 0 ?
		    longopts[li].name : NULL);
		li = -1;
		if (ch == 'o' && mtr_fields(pp_optarg))
			ch = OPT_ORDER;
		pp_probecli_alien(aliens, ch);
		if (pp_probecli_option(&r.pc, ch, opt, pp_optarg))
			continue;
		switch (ch) {
		case 'a':
			pp_probecli_source(&r.pc, opt, pp_optarg);
			break;
		case 'B':
			pp_probecli_pattern(&r.pc, opt, pp_optarg);
			break;
		case 'c':
			r.rounds = pp_strtonum(pp_optarg, 1, 1000000000000LL,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "%s: rounds must be 1 to "
				    "1000000000000: %s", opt, pp_optarg);
			break;
		case 'b':
			show_ips = true;
			break;
		case 'e':	/* MPLS labels (always in the records) */
			mpls = true;
			break;
		case 'n':
			dns = false;
			break;
		case 'F':
			file = pp_optarg;
			file_opt = opt;
			break;
		case 'f':
			r.first_ttl = ttl_arg(opt, "first TTL", pp_optarg,
			    "the targets file is -F now, as in mtr");
			break;
		case 'h':
			usage(0);
		case 'I':
			pp_probecli_iface(&r.pc, opt, pp_optarg, false);
			break;
		case 'i':
			if (pp_parse_duration(pp_optarg, &r.interval, &errstr) ==
			    -1 || r.interval < 0.01 || r.interval > 86400)
				pp_errx(PP_EXIT_USAGE, "%s: interval must be "
				    "10ms to 1d: %s", opt, pp_optarg);
			break;
		case 'M':
			pp_probecli_mark(&r.pc, opt, pp_optarg);
			break;
		case 'm':
			r.max_ttl = ttl_arg(opt, "max TTL", pp_optarg,
			    "the firewall mark is -M now, as in mtr");
			break;
		case 'r':
			report = true;
			break;
		case 'T':
			r.pc.po.proto = PP_TCP;
			break;
		case 's':
			pp_probecli_size(&r.pc, opt, pp_optarg, true);
			break;
		case 't':
			curses = true;
			break;
		case 'U':
			r.max_unknown = pp_probecli_int(opt, "count",
			    pp_optarg, 1, 255);
			break;
		case 'u':
			r.pc.po.proto = PP_UDP;
			break;
		case 'V':
		case 'v':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'w':
			report = wide = true;
			break;
		case 'Z':
			if (!pp_probecli_option(&r.pc, 'W', opt, pp_optarg))
				usage(PP_EXIT_USAGE);
			break;
		case OPT_ASN_DB:
			asn_db = pp_optarg;
			break;
		case OPT_COLOR:
			if (pp_color_parse(pp_optarg, &color) == -1)
				pp_errx(PP_EXIT_USAGE, "%s: must be never, "
				    "always or auto: %s", opt, pp_optarg);
			break;
		case OPT_FLOWS:
			r.flows = pp_probecli_int(opt, "count", pp_optarg, 1,
			    MAX_FLOWS);
			break;
		case OPT_REFUSED_DOWN:
			r.outcome.refused_down = true;
			break;
		case OPT_RATE:
			r.rate = pp_probecli_int(opt, "pps", pp_optarg, 1,
			    1000000);
			break;
		case OPT_SEND_DELAY:
			if (pp_parse_duration(pp_optarg, &r.send_delay,
			    &errstr) == -1 || r.send_delay > 10)
				pp_errx(PP_EXIT_USAGE, "%s: must be 0 "
				    "to 10s: %s", opt, pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	argc -= pp_optind;
	argv += pp_optind;
	if (r.first_ttl > r.max_ttl)
		pp_errx(PP_EXIT_USAGE, "-f %d (the first TTL) is beyond -m %d "
		    "(the max TTL)", r.first_ttl, r.max_ttl);
	/* Records on stdout, as ever, unless it is a terminal (the live
	 * screen) or -r asks for mtr's report; -o gets them in every mode. */
	const char *term = getenv("TERM");
	bool tty = pp_isatty(1) && term != NULL && term[0] != '\0' &&
	    strcmp(term, "dumb") != 0;
	if (curses && report)
		pp_errx(PP_EXIT_USAGE, "-t (the live screen) and -%c (the "
		    "report) do not go together", wide ? 'w' : 'r');
	if (curses && !tty)
		pp_errx(PP_EXIT_USAGE, "-t: the live screen needs a terminal on "
		    "standard output");
	bool live = !report && tty;
	if (report && r.rounds == 0)
		r.rounds = 10;	/* mtr's report cycles */
	if (live || report)
		r.pc.quiet = true;
	pp_probecli_targets(&r.pc, file_opt, file, false, argc, argv,
	    MAX_TARGETS);
	if (r.pc.nnames == 0)
		usage(PP_EXIT_USAGE);
	pp_probecli_finish(&r.pc);
	/* Raw TCP sockets only for --tcp, raw UDP ones only for --udp. */
	pp_net_close_raw(&net, r.pc.po.proto == PP_TCP,
	    r.pc.po.proto == PP_UDP);

	/* Names are resolved once, here. */
	int status = PP_EXIT_OK;
	int ok = 0;
	bool need4 = false, need6 = false;
	r.nt = r.pc.nnames;
	r.t = pp_xcalloc((size_t)r.nt, sizeof(*r.t));
	r.sum = pp_xcalloc((size_t)r.nt, sizeof(*r.sum));
	for (int i = 0; i < r.nt; i++) {
		struct target *t = &r.t[i];
		const char *why = NULL;
		t->name = r.pc.names[i];
		r.sum[i].name = t->name;
		r.sum[i].dst = t->dst;
		if (pp_probecli_resolve(t->name, r.pc.family, &t->addr,
		    &t->alen, &why) == -1) {
			pp_warnx("cannot resolve '%s': %s", t->name, why);
			status = PP_EXIT_USAGE;
			t->alen = 0;
			continue;
		}
		r.sum[i].resolved = true;
		pp_probecli_addr_text((struct sockaddr *)&t->addr, t->dst,
		    sizeof(t->dst));
		need4 = need4 || t->addr.ss_family == AF_INET;
		need6 = need6 || t->addr.ss_family == AF_INET6;
		ok++;
	}
	if (ok == 0)
		exit(PP_EXIT_USAGE);
	r.sched = pp_xcalloc((size_t)ok, sizeof(*r.sched));
	for (int i = 0, k = 0; i < r.nt; i++)
		if (r.t[i].alen > 0)
			r.sched[k++] = i;
	/* The schedule, checked before anything is sent: a limit it would
	 * run into is refused now, not met in the middle of a cut. */
	struct pp_tsched_opts so = {
		.ntargets = ok,
		.rounds = r.rounds,
		.interval = (long long)(r.interval * 1e9),
		.timeout = (long long)(r.pc.po.timeout * 1e9),
		.send_delay = (long long)(r.send_delay * 1e9),
		.rate = r.rate,
		.first_ttl = r.first_ttl,
		.max_ttl = r.max_ttl,
		.max_unknown = r.max_unknown,
		.flows = r.flows,
		.max_inflight = r.pc.eo.max_inflight > 0 ?
		    r.pc.eo.max_inflight : 60000,
	};
	struct pp_tsched_hooks sh = {
		.send = send_probe,
		.round = write_round,
		.arg = &r,
		.outcome = screen_outcome,
	};
	struct pp_error err;
	r.ts = pp_tsched_new(&so, &sh, pp_mono_ns(), &err);
	if (r.ts == NULL && errno == ENOMEM)
		pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	if (r.ts == NULL)
		pp_errx(PP_EXIT_USAGE, "cannot keep the schedule: %s; a longer "
		    "-i, a shorter -W, --rate, fewer targets or flows keep it",
		    err.msg);
	r.need4 = need4;
	r.need6 = need6;
	pp_probecli_check(&r.pc, need4, need6);
	if (r.pc.po.proto == PP_ICMP)
		pp_probecli_need_icmp(&net, need4, need6, "pp-trace");
	r.paris = r.pc.po.proto != PP_TCP || ((!need4 || net.tcp4 >= 0) &&
	    (!need6 || net.tcp6 >= 0));
	/* Many targets or a rate: answers are read at the sends' wake-ups
	 * (half the wake-ups at 1,000 probes a second); one target: at once,
	 * so that its rounds go at the pace its hops answer. */
	r.pc.eo.coalesce = r.rate > 0 || ok > 1;
	r.e = pp_engine_new(&r.pc.eo, &net, done, &r, &err);
	if (r.e == NULL)
		pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	/* Receive buffers for the answers of every probe in flight: every
	 * hop of every flow of every target a round (or --rate). */
	pp_probecli_plan(r.e, r.rate > 0 ? r.rate : (double)ok * r.flows *
	    (r.max_ttl - r.first_ttl + 1) / r.interval, r.pc.po.timeout);
	pp_probecli_open_output(&r.pc);
	if (live || report)
		open_screen(&r, live, report, &(struct pp_screen_opts){
		    .color = pp_color_wanted(color, 1),
		    .dns = dns,
		    .show_ips = show_ips,
		    .mpls = mpls,
		    .wide = wide,
		    .asn_db = asn_db,
		    .ntargets = ok,
		    .refused_down = r.outcome.refused_down,
		});
	if (pp_runsum_init(&r.runsum, r.pc.po.timeout + 1, &r.outcome) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	/* Large writes (glibc ignores the size of a buffer it allocates
	 * itself: 4 KB). */
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	/* A closed reader is an EPIPE (pp_probecli's reader_gone), not a
	 * death: the run stops cleanly, -o is closed whole, the summary
	 * written, the status 0. */
	signal(SIGPIPE, SIG_IGN);

	pp_jw_init(&r.w);
	write_meta(&r, argc + pp_optind, argv - pp_optind);

	/* The rounds: lib/tsched (round n of target i at start + n *
	 * interval + i * interval / targets, whatever happened before, or
	 * with --rate all at once, the rate spreading them). */
	long long start = pp_mono_ns();
	long long last_flush = start;
	pp_overload_init(&r.ov, start);
	for (;;) {
		long long now = pp_mono_ns();
		/* q or ^C on the live screen quits at once, as mtr's: the
		 * probes in flight are not waited for (see write_round). */
		if (stopping && r.live)
			pp_tsched_abandon(r.ts);
		else if (stopping)
			pp_tsched_stop(r.ts);
		long long due = pp_tsched_run(r.ts, now);
		if (pp_tsched_finished(r.ts))
			break;
		tell_schedule(&r, now, false);
		/* Not over the live screen: said at the end, all of it. */
		if (!r.live && pp_overload_due(&r.ov, now))
			overload(&r, now);
		pp_probecli_tick(&r.pc, false);
		long long until = due >= 0 ? due : now + 100000000LL;
		/* Awake at least once a second: -o flushed (the tick). */
		if (until > now + 1000000000LL)
			until = now + 1000000000LL;
		if (r.live) {
			/* Keys, names and frames. */
			if (pp_screen_poll(r.screen, now) == PP_SCREEN_QUIT)
				stopping = 1;
			long long sd = pp_screen_due(r.screen, now);
			if (until > sd)
				until = sd;
		}
		/* stdout before a wait of 10 ms or more, and at least every
		 * 10 ms: a reader has a round within about 20 ms of its last
		 * outcome, at a write per many rounds when they are many. */
		if (until - now >= 10000000LL || now - last_flush >= 10000000LL) {
			pp_probecli_flush(&r.pc);
			last_flush = now;
		}
		if (pp_engine_run(r.e, until) == -1)
			pp_errx(PP_EXIT_FAIL, "event loop failed: %s",
			    strerror(errno));
		if (r.pc.io_error)
			break;
		/* The reader went away (| head): stop as on SIGINT, the
		 * archive still gets the probes in flight. */
		if (r.pc.reader_gone)
			stopping = 1;
	}
	/* The records out first: a reader has the last round at once. */
	pp_probecli_flush(&r.pc);
	tell_schedule(&r, pp_mono_ns(), true);
	r.run_s = (double)(pp_mono_ns() - start) / 1e9;
	pp_runsum_finish(&r.runsum);
	if (r.screen != NULL) {
		/* The table once more, where it stays: the screen's, or
		 * mtr's report. */
		pp_screen_stop(r.screen);
		screen_taken = NULL;
		pp_screen_print(r.screen, stdout, report,
		    pp_color_wanted(color, 1));
		(void)fflush(stdout);
	}
	overload(&r, pp_mono_ns());
	int never = final_summary(&r);
	struct pp_engine_stats est;
	char line[1024];
	pp_engine_stats(r.e, &est);
	if (pp_overload_summary(&r.ov, &est, line, sizeof(line)) > 0)
		pp_warnx("%s", line);
	bool written = pp_probecli_close_output(&r.pc);
	pp_engine_free(r.e);
	pp_screen_free(r.screen);
	pp_runsum_release(&r.runsum);
	pp_tsched_free(r.ts);
	free(r.sched);
	free(r.sum);
	free(r.t);
	pp_probecli_release(&r.pc);
	pp_jw_release(&r.w);
	/* As pp-probe (and fping): 1 when a destination never answered. */
	if (status == PP_EXIT_OK && (!written || (never > 0 &&
	    !r.pc.reader_gone)))
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
