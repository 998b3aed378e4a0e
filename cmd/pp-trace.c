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
 * (flow, ttl) order, with ttl, round, flow, from, rtt, reply_ttl.
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
#include "lib/sanitize.h"
#include "lib/tsched.h"
#include "lib/util.h"

#define MAX_TARGETS 100000
#define MAX_FLOWS PP_TSCHED_FLOWS_MAX
/* Targets whose destination never answered named on stderr, at most. */
#define NEVER_SHOWN 10

enum {
	OPT_FLOWS = 256, OPT_RATE, OPT_SEND_DELAY, OPT_DISPLAYMODE, OPT_ORDER
};

/* mtr's letters and long options that pp-trace does not take: an error
 * with a hint, never another meaning. */
static const struct pp_probecli_alien aliens[] = {
	{ 'b', "-b, --show-ips", "mtr's host names beside the addresses are "
	    "not supported: pp-trace writes addresses; for names: pp-geo "
	    "--rdns" },
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
	{ 'r', "-r, --report", "mtr's report mode is not supported: "
	    "pp-trace -c 10 HOST | pp-stats -f table" },
	{ 'S', "-S, --sctp", "mtr's SCTP probes are not supported; the "
	    "source address is -a ADDRESS (it was -S before pp-trace took "
	    "mtr's letters)" },
	{ 't', "-t, --curses", "mtr's curses display is not supported: "
	    "pp-trace -c 10 HOST | pp-stats -f table" },
	{ 'w', "-w, --report-wide", "mtr's wide report is not supported: "
	    "pp-trace -c 10 HOST | pp-stats -f table (every responder of a "
	    "hop)" },
	{ 'x', "-x, --xml", "mtr's XML report is not supported: pp-trace -c "
	    "10 HOST | pp-stats -f ndjson (or -f csv)" },
	{ 'y', "-y, --ipinfo", "mtr's IP information is not supported here: "
	    "pp-geo (--asn-db, --db) adds it to the records" },
	{ 'z', "-z, --aslookup", "mtr's AS lookup is not supported here: "
	    "pp-geo --asn-db adds the AS to the records" },
	{ OPT_DISPLAYMODE, "--displaymode", "mtr's display modes are not "
	    "supported: pp-stats -f table, pp-plot" },
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
	long long emitted;	/* rounds written */
	long long reached;	/* rounds in which the destination answered */
	long long local;	/* rounds not reached with a probe that may
				 * have lost its answer inside this host
				 * (local_drop): not counted as loss */
	double last_rtt;	/* ms, of the destination */
	int hops;		/* its TTL, last seen */
};

struct trace_run {
	struct pp_probecli pc;
	struct pp_overload ov;	/* a host that does not keep up */
	struct target *t;
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
	bool live;		/* stderr is a terminal */
	int live_lines;
	unsigned long long seq;
	bool paris;		/* every flow keeps to one path */
	bool need4, need6;	/* IPv4 (IPv6) targets resolved */
	struct pp_tsched_stats told;	/* the schedule's troubles said */
	long long next_tell;	/* monotonic ns: say them again then */
};

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	if (stopping)
		_exit(130);	/* a second signal: at once */
	stopping = 1;
}

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-trace [-46ehnTuVv] [-a address] [-B byte] [-c rounds] "
	    "[-F file]\n"
	    "                [-f ttl] [-I interface] [-i interval] [-M mark] "
	    "[-m ttl]\n"
	    "                [-o file] [-P port] [-Q tos] [-s size] "
	    "[-U count]\n"
	    "                [-W timeout] [-Z timeout] [--flows count] "
	    "[--icmp]\n"
	    "                [--keep count] [--rate pps] [--rotate size]\n"
	    "                [--send-delay duration] [target ...]\n");
	if (status == 0) {
		/* pp-trace's options beside mtr's letters. */
		static const char *const rows[][3] = {
			{ "-4, -6", "IPv4 or IPv6 only", "-4, -6" },
			{ "-a ADDRESS", "source address", "-a" },
			{ "-B BYTE", "payload fill byte (also --pattern)",
			    "-B" },
			{ "-c ROUNDS", "rounds per target (default: no end)",
			    "-c" },
			{ "-e", "no-op: MPLS labels are always written",
			    "-e" },
			{ "-F FILE", "targets, one a line (# comments)",
			    "-F" },
			{ "-f TTL", "first TTL probed (default 1)", "-f" },
			{ "-I INTERFACE", "send through this interface", "-I" },
			{ "-i INTERVAL", "between rounds (default 1s)", "-i" },
			{ "-M MARK", "firewall mark (SO_MARK)", "-M" },
			{ "-m TTL", "last TTL probed (default 30)", "-m" },
			{ "-n", "no-op: addresses are always numeric", "-n" },
			{ "-o FILE", "also write the records to FILE (.gz)",
			    "" },
			{ "-P PORT", "destination port (-T 80, -u 33434)",
			    "-P" },
			{ "-Q TOS", "TOS / traffic class", "-Q" },
			{ "-s SIZE", "the whole IP packet, bytes (def. 84)",
			    "-s" },
			{ "-T, -u, --icmp", "TCP SYN, UDP, ICMP echo (default)",
			    "-T, -u" },
			{ "-U COUNT", "silent hops before giving up (10)",
			    "-U" },
			{ "-W, -Z TIMEOUT", "wait for an answer (default 2s)",
			    "-Z" },
			{ "--flows COUNT",
			    "flows traced a round (1, at most 64)", "" },
			{ "--keep COUNT", "rotated -o files kept (default 5)",
			    "" },
			{ "--rate PPS", "probes a second, all targets, at most",
			    "" },
			{ "--rotate SIZE",
			    "a new -o file at this size (FILE.1)", "" },
			{ "--send-delay DUR", "between a round's probes (1ms)",
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
		    "mtr's -b -C -D -E -G -g -j -L -l -o FIELDS -p -r -S -t "
		    "-w -x -y -z are\n"
		    "errors that say what to use (-r: pp-trace -c 10 HOST | "
		    "pp-stats -f table).\n");
	}
	exit(status);
}

/* ------------------------------------------------------------ output */

static void
write_meta(struct trace_run *r, int argc, char **argv)
{
	pp_jw_meta(&r->w, "pp-trace", argc, argv);
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
	/* (A send error is delivered at once, through done.) */
	if (pp_engine_send(r->e, &p) == -1)
		return -1;	/* the engine is full */
	r->seq++;
	return 0;
}

/* The scheduler's round hook: a complete round, written in (flow, ttl)
 * order. */
static void
write_round(void *arg, int ti, long long n, const struct pp_tsched_round *rd)
{
	struct trace_run *r = arg;
	struct target *t = &r->t[r->sched[ti]];
	bool reached = false;
	bool local = false;

	(void)n;
	for (int f = 0; f < r->flows; f++) {
		for (int ttl = r->first_ttl; ttl <= r->max_ttl; ttl++) {
			const struct pp_engine_result *res = pp_tsched_result(
			    r->ts, rd, f, ttl);
			if (res == NULL)
				continue;
			struct pp_probe p;
			pp_engine_result_probe(res, &p);
			p.target = t->name;
			p.dst = t->dst;
			pp_probe_write(&r->w, &p);
			pp_probecli_emit(&r->pc, &r->w, false);
			enum pp_outcome o = pp_probe_outcome(&p, NULL);
			if (o == PP_ANSWER_DEST) {
				reached = true;
				t->last_rtt = res->rtt;
				t->hops = ttl;
			}
			local = local || o == PP_LOCAL;
		}
	}
	if (reached)
		t->reached++;
	else if (local)
		t->local++;
	t->emitted++;
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

/* The schedule's troubles, said while they happen (at most once a
 * second) and at the end: rounds that started late, probes that waited
 * for room in the engine. */
static void
tell_schedule(struct trace_run *r, long long now, bool end)
{
	struct pp_tsched_stats st;

	pp_tsched_stats(r->ts, &st);
	if ((!end && now < r->next_tell) || (st.late == r->told.late &&
	    st.deferred == r->told.deferred))
		return;
	if (st.late > r->told.late)
		pp_warnx("%llu round%s started late so far (the latest %.3f s "
		    "after its time): the rounds a target may have in flight "
		    "(-W / -i) were all in flight", st.late, st.late == 1 ? "" :
		    "s", (double)st.late_max / 1e9);
	if (st.deferred > r->told.deferred)
		pp_warnx("%llu probe%s waited for room in flight so far (at "
		    "most %d probes in flight): sent late", st.deferred,
		    st.deferred == 1 ? "" : "s", r->pc.eo.max_inflight);
	r->told = st;
	r->next_tell = now + 1000000000LL;
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
	if (pp_overload_report(&r->ov, &st, now, line, sizeof(line)) > 0) {
		if (r->live)
			r->live_lines = 0;	/* the screen is drawn anew */
		pp_warnx("%s", line);
	}
}

static void
live_summary(struct trace_run *r)
{
	if (!r->live)
		return;
	if (r->live_lines > 0)
		fprintf(stderr, "\033[%dA", r->live_lines);
	int shown = r->nt < 10 ? r->nt : 10;
	for (int i = 0; i < shown; i++) {
		const struct target *t = &r->t[i];
		char name[128];
		(void)pp_sanitize_term(name, sizeof(name), t->name);
		fprintf(stderr, "\033[2K%-30.30s rounds %lld  reached %lld  "
		    "hops %d  last %.3f ms\n", name, t->emitted, t->reached,
		    t->hops, t->reached > 0 ? t->last_rtt : 0.0);
	}
	r->live_lines = shown;
}

/* Each target's figures, gathered and written at once (stderr is not
 * buffered: three writes a target, 3,000 for 1,000 targets, otherwise).
 * Returns how many resolved targets' destinations never answered, and
 * names them (as pp-probe and fping do). */
static int
final_summary(const struct trace_run *r)
{
	int never = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		f = stderr;
	for (int i = 0; i < r->nt; i++) {
		const struct target *t = &r->t[i];
		if (t->alen == 0)
			continue;
		char name[512];
		(void)pp_sanitize_term(name, sizeof(name), t->name);
		long long counted = t->emitted - t->local;
		fprintf(f, "--- %s pp-trace statistics ---\n"
		    "%lld rounds, destination answered in %lld (%.1f%% loss)",
		    name, t->emitted, t->reached, counted > 0 ? 100.0 *
		    (double)(counted - t->reached) / (double)counted : 0.0);
		if (t->local > 0)
			fprintf(f, ", %lld rounds maybe lost inside this host "
			    "(not counted)", t->local);
		if (t->reached > 0)
			fprintf(f, ", %d hops, last rtt %.3f ms", t->hops,
			    t->last_rtt);
		fputc('\n', f);
		never += t->reached == 0;
	}
	int shown = 0;
	for (int i = 0; i < r->nt && never > 0; i++) {
		const struct target *t = &r->t[i];
		if (t->alen == 0 || t->reached > 0)
			continue;
		if (shown == 0)
			fprintf(f, "%s: no answer from the destination of",
			    pp_progname());
		if (shown == NEVER_SHOWN)
			break;
		char name[512];
		(void)pp_sanitize_term(name, sizeof(name), t->name);
		fprintf(f, "%s %s", shown > 0 ? "," : "", name);
		shown++;
	}
	if (never > shown)
		fprintf(f, " and %d more", never - shown);
	if (never > 0)
		fputc('\n', f);
	if (f != stderr) {
		if (fclose(f) == 0 && buf != NULL)
			(void)fwrite(buf, 1, len, stderr);
		free(buf);
	}
	return never;
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
		{ "aslookup", PP_NO_ARG, NULL, 'z' },
		{ "bitpattern", PP_REQ_ARG, NULL, 'B' },
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
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "xml", PP_NO_ARG, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	static struct trace_run r;
	struct pp_net net;
	const char *errstr = NULL;
	const char *file = NULL;
	int ch;

	pp_cli_init(argv[0]);
	/* A signal from the start on is a clean stop (a shell starts
	 * background jobs with SIGINT ignored until this). */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* Sockets first, then no privilege at all, then the options. */
	bool want_mark = false;
	for (int i = 1; i < argc; i++)
		want_mark = want_mark || strncmp(argv[i], "-M", 2) == 0 ||
		    strncmp(argv[i], "--mark", 6) == 0;
	pp_net_open_privileged(&net, 0);
	pp_net_open_raw_tcp(&net);
	pp_net_open_raw_udp(&net);
	if (pp_net_drop_privileges(want_mark) == -1)
		pp_errx(PP_EXIT_FAIL, "cannot drop privileges: %s",
		    strerror(errno));

	pp_probecli_init(&r.pc);
	r.pc.eo.lax = true;	/* rounds, not microsecond schedules */
	r.interval = 1;
	r.first_ttl = 1;
	r.max_ttl = 30;
	r.max_unknown = 10;
	r.flows = 1;
	r.send_delay = 0.001;
	while ((ch = pp_getopt_long(argc, argv,
	    "46a:B:bCc:D:E:eF:f:G:ghI:i:jL:lM:m:no:P:pQ:rSs:TtU:uVvW:wxy:Z:z",
	    longopts, NULL)) != -1) {
		if (ch == 'o' && mtr_fields(pp_optarg))
			ch = OPT_ORDER;
		pp_probecli_alien(aliens, ch);
		if (pp_probecli_option(&r.pc, ch, pp_optarg))
			continue;
		switch (ch) {
		case 'a':
			pp_probecli_source(&r.pc, "-a", pp_optarg);
			break;
		case 'B':
			pp_probecli_pattern(&r.pc, "-B", pp_optarg);
			break;
		case 'c':
			r.rounds = pp_strtonum(pp_optarg, 1, 1000000000000LL,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "-c: rounds must be 1 to "
				    "1000000000000: %s", pp_optarg);
			break;
		case 'e':	/* MPLS labels: always in the records */
		case 'n':	/* no names: always numeric */
			break;
		case 'F':
			file = pp_optarg;
			break;
		case 'f':
			r.first_ttl = ttl_arg("-f", "first TTL", pp_optarg,
			    "the targets file is -F now, as in mtr");
			break;
		case 'h':
			usage(0);
		case 'I':
			pp_probecli_iface(&r.pc, "-I", pp_optarg, false);
			break;
		case 'i':
			if (pp_parse_duration(pp_optarg, &r.interval, &errstr) ==
			    -1 || r.interval < 0.01 || r.interval > 86400)
				pp_errx(PP_EXIT_USAGE, "-i: interval must be "
				    "10ms to 1d: %s", pp_optarg);
			break;
		case 'M':
			pp_probecli_mark(&r.pc, "-M", pp_optarg);
			break;
		case 'm':
			r.max_ttl = ttl_arg("-m", "max TTL", pp_optarg,
			    "the firewall mark is -M now, as in mtr");
			break;
		case 'T':
			r.pc.po.proto = PP_TCP;
			break;
		case 's':
			pp_probecli_size(&r.pc, "-s", pp_optarg, true);
			break;
		case 'U':
			r.max_unknown = pp_probecli_int("-U", "count",
			    pp_optarg, 1, 255);
			break;
		case 'u':
			r.pc.po.proto = PP_UDP;
			break;
		case 'V':
		case 'v':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'Z':
			if (!pp_probecli_option(&r.pc, 'W', pp_optarg))
				usage(PP_EXIT_USAGE);
			break;
		case OPT_FLOWS:
			r.flows = pp_probecli_int("--flows", "count", pp_optarg, 1,
			    MAX_FLOWS);
			break;
		case OPT_RATE:
			r.rate = pp_probecli_int("--rate", "pps", pp_optarg, 1,
			    1000000);
			break;
		case OPT_SEND_DELAY:
			if (pp_parse_duration(pp_optarg, &r.send_delay,
			    &errstr) == -1 || r.send_delay > 10)
				pp_errx(PP_EXIT_USAGE, "--send-delay: must be 0 "
				    "to 10s: %s", pp_optarg);
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
	pp_probecli_targets(&r.pc, "-F", file, argc, argv, MAX_TARGETS);
	if (r.pc.nnames == 0)
		usage(PP_EXIT_USAGE);
	pp_probecli_finish(&r.pc);
	/* Raw TCP sockets see every TCP segment of the host: only --tcp
	 * keeps them; raw UDP ones only --udp. */
	int *unused[2][2] = { { &net.tcp4, &net.tcp6 }, { &net.udp4,
	    &net.udp6 } };
	for (int k = 0; k < 2; k++) {
		if (r.pc.po.proto == (k == 0 ? PP_TCP : PP_UDP))
			continue;
		for (int i = 0; i < 2; i++) {
			if (*unused[k][i] >= 0)
				close(*unused[k][i]);
			*unused[k][i] = -1;
		}
	}

	/* Names are resolved once, here. */
	int status = PP_EXIT_OK;
	int ok = 0;
	bool need4 = false, need6 = false;
	r.nt = r.pc.nnames;
	r.t = pp_xcalloc((size_t)r.nt, sizeof(*r.t));
	for (int i = 0; i < r.nt; i++) {
		struct target *t = &r.t[i];
		const char *why = NULL;
		t->name = r.pc.names[i];
		if (pp_probecli_resolve(t->name, r.pc.family, &t->addr,
		    &t->alen, &why) == -1) {
			pp_warnx("cannot resolve '%s': %s", t->name, why);
			status = PP_EXIT_USAGE;
			t->alen = 0;
			continue;
		}
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
	struct pp_tsched_hooks sh = { send_probe, write_round, &r };
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
	r.live = pp_isatty(2);
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
	long long next_live = pp_mono_ns();
	long long last_flush = next_live;
	pp_overload_init(&r.ov, next_live);
	for (;;) {
		long long now = pp_mono_ns();
		if (stopping)
			pp_tsched_stop(r.ts);
		long long due = pp_tsched_run(r.ts, now);
		if (pp_tsched_finished(r.ts))
			break;
		tell_schedule(&r, now, false);
		if (now >= next_live) {
			live_summary(&r);
			next_live = now + 1000000000LL;
		}
		if (pp_overload_due(&r.ov, now))
			overload(&r, now);
		pp_probecli_tick(&r.pc, false);
		long long until = due >= 0 ? due : now + 100000000LL;
		if (until > next_live)
			until = next_live;
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
	live_summary(&r);
	overload(&r, pp_mono_ns());
	int never = final_summary(&r);
	struct pp_engine_stats est;
	char line[1024];
	pp_engine_stats(r.e, &est);
	if (pp_overload_summary(&r.ov, &est, line, sizeof(line)) > 0)
		pp_warnx("%s", line);
	bool written = pp_probecli_close_output(&r.pc);
	pp_engine_free(r.e);
	pp_tsched_free(r.ts);
	free(r.sched);
	free(r.t);
	pp_probecli_release(&r.pc);
	pp_jw_release(&r.w);
	/* As pp-probe (and fping): 1 when a destination never answered. */
	if (status == PP_EXIT_OK && (!written || (never > 0 &&
	    !r.pc.reader_gone)))
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
