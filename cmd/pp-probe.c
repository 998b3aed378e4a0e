/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-probe: scheduled probes to one or many targets (ICMP echo, TCP
 * connect, UDP), as a stream of probe records; or, with --mtr-packet, the
 * probe helper protocol of mtr (so mtr runs on this engine).
 *
 * Reads: targets from the command line or -f FILE (--mtr-packet: requests
 * on stdin).  Writes: a meta record, then a probe record per probe when its
 * outcome is known (to stdout, and -o FILE); a summary on stderr, with the
 * run's duration and each target's outages.  On a terminal, instead of
 * the records (still written to -o), ping's lines.
 * Exit status: 0 success (every target answered), or the reader of stdout
 * went away; 1 a target never answered (as fping: the targets that did
 * not are named on stderr), or with -c and -w had fewer than -c answers by
 * the deadline (as ping), or output failed; 2 usage error or a target that
 * does not resolve.  What counts as an answer is lib/outcome.h's. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/engine.h"
#include "lib/exit.h"
#include "lib/input.h"
#include "lib/intern.h"
#include "lib/jsonw.h"
#include "lib/mtrpkt_run.h"
#include "lib/net_linux.h"
#include "lib/outcome.h"
#include "lib/overload.h"
#include "lib/pingline.h"
#include "lib/probecli.h"
#include "lib/runsum.h"
#include "lib/sanitize.h"
#include "lib/stats.h"
#include "lib/summary.h"
#include "lib/util.h"

#define MAX_TARGETS 100000
/* getopt's letters (the start reads them too: pp_probecli_start). */
#define SHORTOPTS \
	"46AaBbCc:Ddef:F:gH:hI:i:Llm:MN:nO:o:P:p:Q:qRrS:s:T:t:UuVvW:w:Xx"

enum {
	OPT_MTR = 256, OPT_REFUSED_DOWN, OPT_RESOLVE
};

/* ping's and fping's letters that pp-probe does not take: an error with a
 * hint, never another meaning. */
static const struct pp_probecli_alien aliens[] = {
	{ 'A', "-A", "ping's adaptive interval and fping's address display "
	    "are not supported: pp-probe sends on a fixed schedule (-i) and "
	    "writes addresses" },
	{ 'a', "-a", "ping's audible ping and fping's list of live targets "
	    "are not supported: the summary on standard error gives each "
	    "target's answers, and the exit status is 1 when one never "
	    "answered" },
	{ 'B', "-B", "ping's sticky source is how pp-probe always sends (the "
	    "source of -I ADDRESS or -S stays); fping's backoff is not "
	    "supported: every probe is one probe, never retried" },
	{ 'b', "-b", "ping's broadcast is not supported; fping's -b (data "
	    "bytes) is -s here, counted as ping and fping count them" },
	{ 'C', "-C", "ping's connect() and fping's per-probe RTT list are not "
	    "supported: the probe records hold every RTT" },
	{ 'D', "-D", "ping's and fping's time stamps are not an option here: "
	    "every record carries ts, the send time" },
	{ 'd', "-d", "ping's SO_DEBUG and fping's reverse DNS are not "
	    "supported; names: pp-geo --rdns" },
	{ 'e', "-e", "ping's echo identifier and fping's elapsed time are not "
	    "supported (every record has its rtt)" },
	{ 'F', "-F", "ping's IPv6 flow label is not supported" },
	{ 'g', "-g", "fping's generated targets are not supported: give them "
	    "one a line with -f FILE" },
	{ 'H', "-H", "fping's TTL is -t here, as ping's" },
	{ 'L', "-L", "ping's multicast loopback is not supported" },
	{ 'l', "-l", "ping's preload is not supported (probes leave on "
	    "schedule); fping's loop is the default: pp-probe runs until "
	    "stopped unless -c or -w" },
	{ 'M', "-M", "ping's path MTU discovery modes and fping's don't "
	    "fragment are not supported" },
	{ 'N', "-N", "ping's node information queries and fping's netdata "
	    "output are not supported" },
	{ 'O', "-O", "ping's outstanding replies: every probe has a record; "
	    "fping's -O (TOS) is -Q here, as ping's" },
	{ 'p', "-p", "ping's pad pattern is --pattern BYTE (one byte) here, "
	    "fping's period is -i; the destination port is -P PORT (it was -p "
	    "before pp-probe took ping's letters)" },
	{ 'R', "-R", "ping's record route and fping's random data are not "
	    "supported" },
	{ 'r', "-r", "ping's bypass of the routing table is not supported "
	    "(use -I INTERFACE); fping's retries are not: every probe is one "
	    "probe" },
	{ 'T', "-T", "ping's IP time stamp options are not supported" },
	{ 'U', "-U", "ping's user-to-user latency is not supported: the RTT "
	    "is the kernel's receive stamp less the send time" },
	{ 'u', "-u", "fping's list of unreachable targets: the summary on "
	    "standard error gives each target's answers" },
	{ 'v', "-v", "ping's verbose output is not supported; the version "
	    "(fping's -v) is -V" },
	{ 'X', "-X", "fping's reachable count is not supported: pp-probe "
	    "exits 1 when a target never answered; pp-alert --fail judges "
	    "loss and latency" },
	{ 'x', "-x", "fping's reachable count is not supported: pp-probe "
	    "exits 1 when a target never answered; pp-alert --fail judges "
	    "loss and latency" },
	{ 0, NULL, NULL },
};

struct target {
	const char *name;	/* as given (borrowed from pc.names) */
	struct sockaddr_storage addr;	/* resolved */
	socklen_t alen;
	long long sent;		/* probes sent */
	long long answered;	/* probes answered */
	long long inflight;	/* probes sent, outcome not known */
	long long last_send;	/* monotonic ns of its latest probe */
	struct pp_stats st;	/* for the summary */
	char err[128];		/* the first send error's text, "" none */
};

struct probe_run {
	struct pp_probecli pc;	/* the shared options, targets, output */
	struct target *t;
	int nt;
	long long count;	/* -c, 0 = until stopped */
	double interval;	/* -i, s */
	double deadline;	/* -w, s, 0 = none */
	double resolve_every;	/* s, 0 = never */
	int active;		/* targets with probes still to send */
	struct pp_engine *e;
	bool sending_over;	/* no probe left to send */
	long long linger;	/* then the run ends at this monotonic ns */
	struct pp_jw w;
	struct pp_outcome_opts outcome;	/* what counts as answered */
	struct pp_intern addrs;	/* responders of unreachables (summary) */
	struct pp_overload ov;	/* a host that does not keep up */
	struct pp_runsum runsum;	/* duration and outages (summary) */
	double run_s;		/* how long the run lasted, s */
	bool lines;		/* stdout is a terminal: ping's lines */
	bool ping_summary;	/* a terminal or -q: ping's summary lines */
	unsigned long long seq;
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
	    "usage: pp-probe [-46hnqV] [-c count] [-f file] [-I interface] "
	    "[-i interval]\n"
	    "                [-m mark] [-o file] [-P port] [-Q tos] "
	    "[-S source] [-s size]\n"
	    "                [-t ttl] [-W timeout] [-w deadline] [--icmp] "
	    "[--keep count]\n"
	    "                [--mtr-packet] [--pattern byte] [--refused-down]\n"
	    "                [--resolve-every duration] [--rotate size] "
	    "[--tcp] [--udp]\n"
	    "                [--vantage name] [target ...]\n");
	if (status == 0) {
		/* pp-probe's options beside ping's and fping's letters. */
		static const char *const rows[][4] = {
			{ "-4, -6", "IPv4 or IPv6 only", "-4, -6", "-4, -6" },
			{ "-c COUNT", "probes per target (default: no end)",
			    "-c", "-c" },
			{ "-f FILE", "targets, one a line (# comments)", "",
			    "-f" },
			{ "-I IFACE|ADDR", "interface, or source address",
			    "-I", "-I, -S" },
			{ "-i INTERVAL", "per target (default 1s, 1ms least)",
			    "-i", "-p ms" },
			{ "-m MARK", "firewall mark (SO_MARK)", "-m", "" },
			{ "-n", "no-op: addresses are always numeric", "-n",
			    "" },
			{ "-o FILE", "also write the records to FILE (.gz)",
			    "", "" },
			{ "-P PORT", "port of --tcp (80), --udp (33434)", "",
			    "" },
			{ "-Q TOS", "TOS / traffic class", "-Q", "-O" },
			{ "-q", "records only to -o; the summary stays",
			    "-q", "-q" },
			{ "-S ADDRESS", "source address", "", "-S" },
			{ "-s SIZE", "data bytes after the header (56)", "-s",
			    "-b" },
			{ "-t TTL", "TTL / hop limit", "-t", "-H" },
			{ "-W TIMEOUT", "wait for an answer (default 2s)",
			    "-W", "-t ms" },
			{ "-w DEADLINE", "stop then; with -c: count answers",
			    "-w", "" },
			{ "--icmp|tcp|udp", "the probe (default ICMP echo)", "",
			    "" },
			{ "--keep COUNT", "rotated -o files kept (default 5)",
			    "", "" },
			{ "--mtr-packet", "speak mtr-packet on stdin/stdout",
			    "", "" },
			{ "--pattern BYTE", "payload fill byte", "-p XX", "" },
			{ "--refused-down", "a refused TCP connection is lost",
			    "", "" },
			{ "--resolve-every D", "resolve the names this often",
			    "", "" },
			{ "--rotate SIZE",
			    "a new -o file at this size (FILE.1)", "", "" },
			{ "--vantage NAME", "this vantage point (host name)",
			    "", "" },
			{ "-h, --help", "this help", "-h", "-h" },
			{ "-V, --version", "the version", "-V", "-v" },
		};
		fprintf(f, "\n  %-17s %-37s %-7s %s\n", "option", "what",
		    "ping", "fping");
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			bool peers = rows[i][2][0] != '\0' ||
			    rows[i][3][0] != '\0';
			fprintf(f, "  %-17s %-*s%-*s%s\n", rows[i][0],
			    peers ? 38 : 0, rows[i][1],
			    rows[i][3][0] != '\0' ? 8 : 0, rows[i][2],
			    rows[i][3]);
		}
		fprintf(f, "\nNumbers: -m and -Q also in 0x hex; durations: "
		    "0.2 (seconds), 250ms, 2s, 1m.\n"
		    "fping's -i, -p and -t count milliseconds: say the unit "
		    "here (-i 20ms).\n"
		    "ping's and fping's -A -a -B -b -C -D -d -e -F -g -H -L -l "
		    "-M -N -O -p -R -r\n"
		    "-T -U -u -v -X -x are errors that say what to use.\n");
	}
	exit(status);
}

/* Target t has probes to send: resolved, and -c not reached (with -w,
 * as ping counts: answers, not probes sent). */
static bool
wants(const struct probe_run *r, const struct target *t)
{
	return pp_ping_wants(t->alen > 0, r->count, r->deadline > 0, t->sent,
	    t->answered);
}

static void
done(void *arg, const struct pp_engine_result *res)
{
	struct probe_run *r = arg;
	struct target *t = res->user;

	/* The last outcome after the last send: the run is over now, not at
	 * the loop's next look. */
	t->inflight--;
	if (r->sending_over && pp_engine_inflight(r->e) == 0)
		pp_engine_yield(r->e);
	struct pp_probe p;

	pp_engine_result_probe(res, &p);
	p.vantage = r->pc.vantage;
	pp_probe_write(&r->w, &p);
	pp_probecli_emit(&r->pc, &r->w, false);
	pp_runsum_probe(&r->runsum, &p);
	if (r->lines) {
		char line[1024];
		(void)pp_ping_line(line, sizeof(line), &p, &r->outcome,
		    r->nt > 1);
		printf("%s\n", line);
	}
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(&p, &r->outcome, &why);
	if (oc == PP_LOCAL) {
		t->st.local_drop++;	/* maybe lost inside this host: not
					 * counted */
		return;
	}
	bool answered = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
	pp_stats_add(&t->st, res->ts, answered ? res->rtt : NAN, 0);
	if (!answered)
		pp_stats_lost_why(&t->st, why, p.from != NULL ?
		    pp_intern(&r->addrs, p.from) : UINT32_MAX, p.code);
	if (why == PP_LOSS_ERROR && t->err[0] == '\0')
		(void)pp_sanitize_term(t->err, sizeof(t->err),
		    p.err != NULL ? p.err : "error");
	if (p.proto != NULL && strcmp(p.proto, "tcp") == 0)
		pp_stats_conn(&t->st, p.status != PP_ST_REPLY ? PP_CONN_NONE :
		    p.conn == PP_CONN_REFUSED ? PP_CONN_REFUSED :
		    PP_CONN_OPEN);
	/* ping's -w with -c: the count is of answers. */
	if (answered && ++t->answered == r->count && r->deadline > 0)
		r->active--;
}

/* When sending is over at now, the run ends (its probes still in flight
 * taken for lost) as ping's does: for each target with probes in flight,
 * twice the largest RTT it answered with (at least one interval) after
 * its last probe, or when it never answered, the timeout; never later
 * than the timeout.  With -w and -c, as soon as the answers are in. */
static long long
linger_end(const struct probe_run *r, long long now)
{
	long long end = now;

	if (r->deadline > 0 && !stopping)
		return now;
	for (int i = 0; i < r->nt; i++) {
		const struct target *t = &r->t[i];
		if (t->inflight <= 0)
			continue;
		long long e = pp_ping_linger(t->last_send, t->st.recv > 0 ?
		    t->st.max : NAN, r->interval, r->pc.po.timeout);
		if (e > end)
			end = e;
	}
	return end;
}

/* Say what the host did not keep up with since the last time (sends
 * behind schedule, answers the kernel dropped, reading behind). */
static void
overload(struct probe_run *r, struct pp_engine *e, long long now)
{
	struct pp_engine_stats st;
	char line[1024];

	pp_engine_stats(e, &st);
	if (pp_overload_report(&r->ov, &st, now, line, sizeof(line)) > 0)
		pp_warnx("%s", line);
}

/* Each target's figures on stderr, as ping and fping end (lib/summary,
 * in one write).  Returns how many resolved targets fail (never
 * answered; with -c and -w, fewer than -c answers by the deadline, as
 * ping's exit status has it). */
static int
final_summary(const struct probe_run *r)
{
	struct pp_summary_probe *t = pp_xcalloc((size_t)r->nt + 1,
	    sizeof(*t));
	struct pp_summary_probe_opts o = {
		.prog = pp_progname(),
		.addrs = &r->addrs,
		.rs = &r->runsum,
		.run_s = r->run_s,
		.count = r->count,
		.deadline = r->deadline > 0,
		.ping = r->ping_summary,
		.refused_down = r->outcome.refused_down,
	};

	for (int i = 0; i < r->nt; i++) {
		t[i].name = r->t[i].name;
		t[i].resolved = r->t[i].alen > 0;
		t[i].st = &r->t[i].st;
		t[i].answered = r->t[i].answered;
		t[i].err = r->t[i].err;
	}
	int fail = pp_summary_probe(stderr, t, r->nt, &o);
	free(t);
	return fail;
}

/* -------------------------------------------------------- main */

int
main(int argc, char **argv)
{
	static const struct pp_option longopts[] = {
		/* pp's, and fping's long names that mean the same here. */
		{ "count", PP_REQ_ARG, NULL, 'c' },
		{ "file", PP_REQ_ARG, NULL, 'f' },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "icmp", PP_NO_ARG, NULL, PP_OPT_ICMP },
		{ "iface", PP_REQ_ARG, NULL, 'I' },
		{ "ipv4", PP_NO_ARG, NULL, '4' },
		{ "ipv6", PP_NO_ARG, NULL, '6' },
		{ "keep", PP_REQ_ARG, NULL, PP_OPT_KEEP },
		{ "mtr-packet", PP_NO_ARG, NULL, OPT_MTR },
		{ "pattern", PP_REQ_ARG, NULL, PP_OPT_PATTERN },
		{ "quiet", PP_NO_ARG, NULL, 'q' },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "resolve-every", PP_REQ_ARG, NULL, OPT_RESOLVE },
		{ "rotate", PP_REQ_ARG, NULL, PP_OPT_ROTATE },
		{ "size", PP_REQ_ARG, NULL, 's' },
		{ "src", PP_REQ_ARG, NULL, 'S' },
		{ "tcp", PP_NO_ARG, NULL, PP_OPT_TCP },
		{ "tos", PP_REQ_ARG, NULL, 'Q' },
		{ "ttl", PP_REQ_ARG, NULL, 't' },
		{ "udp", PP_NO_ARG, NULL, PP_OPT_UDP },
		{ "vantage", PP_REQ_ARG, NULL, PP_OPT_VANTAGE },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct probe_run r;
	struct pp_net net;
	const char *errstr = NULL;
	const char *file = NULL;
	bool mtr = false;
	int ch;

	pp_cli_init(argv[0]);
	/* A mark needs CAP_NET_ADMIN on sockets opened later: kept for -m,
	 * and for --mtr-packet (its requests may carry marks), where the
	 * run has it.  Raw UDP (send only) for --mtr-packet's UDP probes with
	 * a local port: their identity in the checksum.  Real-time
	 * scheduling, so that busy neighbours never delay a send. */
	static const struct pp_probecli_start boot = {
		.on_signal = on_signal, .shortopts = SHORTOPTS, .mark = 'm',
		.mark_long = "--mtr-packet",
		.flags = PP_PROBECLI_RAW_UDP | PP_PROBECLI_REALTIME,
	};
	pp_probecli_start(&boot, &net, argc, argv);

	pp_probecli_init(&r.pc);
	if (pp_intern_init(&r.addrs, 100000) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	r.interval = 1;
	int ttl = -1;
	const char *file_opt = "-f";
	int li = -1;
	while ((ch = pp_getopt_long(argc, argv, SHORTOPTS, longopts,
	    &li)) != -1) {
		/* The option as typed, for messages ("-c", "--count"). */
		const char *opt = pp_cli_optname(ch, li >= 0 ?
		    longopts[li].name : NULL);
		li = -1;
		pp_probecli_alien(aliens, ch);
		if (pp_probecli_option(&r.pc, ch, opt, pp_optarg))
			continue;
		switch (ch) {
		case 'c':
			r.count = pp_strtonum(pp_optarg, 1, 1000000000000LL,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "%s: count must be 1 to "
				    "1000000000000: %s", opt, pp_optarg);
			break;
		case 'f':
			file = pp_optarg;
			file_opt = opt;
			break;
		case 'h':
			usage(0);
		case 'I':
			pp_probecli_iface(&r.pc, opt, pp_optarg, true);
			break;
		case 'i':
			if (pp_parse_duration(pp_optarg, &r.interval, &errstr) ==
			    -1 || r.interval < 0.0000099 || r.interval > 86400)
				pp_errx(PP_EXIT_USAGE, "%s: interval must be 10us "
				    "to 1d (under 1ms root only): %s", opt,
				    pp_optarg);
			/* Less than a millisecond to one host: root's, as
			 * ping keeps its floods to root. */
			if (r.interval < 0.00099 && getuid() != 0)
				pp_errx(PP_EXIT_USAGE, "%s: an interval under 1ms "
				    "needs root (as ping's flood): %s", opt,
				    pp_optarg);
			break;
		case 'm':
			pp_probecli_mark(&r.pc, opt, pp_optarg);
			break;
		case 'n':	/* no names: always numeric */
			break;
		case 'q':
			r.pc.quiet = true;
			break;
		case 'S':
			/* ping's -S is the send buffer, a number of bytes. */
			if (pp_optarg[strspn(pp_optarg, "0123456789")] == '\0')
				pp_errx(PP_EXIT_USAGE, "%s: ping's socket send "
				    "buffer is not supported; -S is the source "
				    "address, as in fping: %s", opt, pp_optarg);
			pp_probecli_source(&r.pc, opt, pp_optarg);
			break;
		case 's':
			pp_probecli_size(&r.pc, opt, pp_optarg, false);
			break;
		case 't':
			ttl = (int)pp_strtonum(pp_optarg, 1, 255, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "%s: ttl must be 1 to "
				    "255: %s (fping's -t, a timeout in "
				    "milliseconds, is -W %sms here)", opt,
				    pp_optarg, pp_optarg);
			break;
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'w':
			if (pp_parse_duration(pp_optarg, &r.deadline, &errstr)
			    == -1 || r.deadline <= 0)
				pp_errx(PP_EXIT_USAGE, "%s: invalid deadline: "
				    "%s", opt, pp_optarg);
			break;
		case OPT_MTR:
			mtr = true;
			break;
		case OPT_REFUSED_DOWN:
			r.outcome.refused_down = true;
			break;
		case OPT_RESOLVE:
			if (pp_parse_duration(pp_optarg, &r.resolve_every,
			    &errstr) == -1 || r.resolve_every < 1)
				pp_errx(PP_EXIT_USAGE, "%s: at least "
				    "1s: %s", opt, pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	argc -= pp_optind;
	argv += pp_optind;
	pp_probecli_finish(&r.pc);
	if (mtr) {
		/* The mtr-packet mode: lib/mtrpkt_run.h. */
		pp_mtrpkt_run(&net, &r.pc.eo, &stopping);
		return pp_close_stdout(PP_EXIT_OK);
	}
	pp_net_close_raw(&net, false, false);
	pp_probecli_targets(&r.pc, file_opt, file, true, argc, argv,
	    MAX_TARGETS);
	if (r.pc.nnames == 0)
		usage(PP_EXIT_USAGE);
	r.nt = r.pc.nnames;
	r.t = pp_xcalloc((size_t)r.nt, sizeof(*r.t));
	for (int i = 0; i < r.nt; i++)
		r.t[i].name = r.pc.names[i];
	/* Names are resolved once, here (and again with --resolve-every). */
	int status = PP_EXIT_OK;
	int ok = 0;
	for (int i = 0; i < r.nt; i++) {
		const char *why = NULL;
		pp_stats_init(&r.t[i].st);
		if (pp_probecli_resolve(r.t[i].name, r.pc.family, &r.t[i].addr,
		    &r.t[i].alen, &why) == -1) {
			pp_warnx("cannot resolve '%s': %s", r.t[i].name, why);
			status = PP_EXIT_USAGE;
			r.t[i].alen = 0;
			continue;
		}
		ok++;
	}
	if (ok == 0)
		exit(PP_EXIT_USAGE);
	bool need4 = false, need6 = false;
	for (int i = 0; i < r.nt; i++) {
		need4 = need4 || (r.t[i].alen > 0 &&
		    r.t[i].addr.ss_family == AF_INET);
		need6 = need6 || (r.t[i].alen > 0 &&
		    r.t[i].addr.ss_family == AF_INET6);
	}
	pp_probecli_check(&r.pc, need4, need6);
	/* Every probe in flight has an identity (16 bits) and a place: a
	 * schedule that keeps more waiting than that is refused now, not
	 * slowed down later. */
	double waiting = r.pc.po.timeout / r.interval;
	if (r.count > 0 && waiting > (double)r.count)
		waiting = (double)r.count;
	if (ok * waiting > PP_ENGINE_INFLIGHT_MAX)
		pp_errx(PP_EXIT_USAGE, "-i, -W: %d target%s every %g ms with "
		    "a %g ms timeout keep %.0f probes in flight; %d at most: "
		    "a longer -i or a shorter -W", ok, pp_plural(ok, "", "s"),
		    r.interval * 1000, r.pc.po.timeout * 1000, ok * waiting,
		    PP_ENGINE_INFLIGHT_MAX);
	if (r.pc.po.proto == PP_ICMP)
		pp_probecli_need_icmp(&net, need4, need6, "pp-probe");
	struct pp_error err;
	struct pp_engine *e = pp_engine_new(&r.pc.eo, &net, done, &r, &err);
	if (e == NULL)
		pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	r.e = e;
	/* Receive buffers for the answers of every probe in flight. */
	pp_probecli_plan(e, ok / r.interval, r.pc.po.timeout);
	pp_probecli_open_output(&r.pc);
	/* On a terminal, ping's lines instead of the records (-o still gets
	 * them); -q: neither, the summary only (as ping -q). */
	r.lines = pp_isatty(1) && !r.pc.quiet;
	r.ping_summary = pp_isatty(1) || r.pc.quiet;
	if (pp_isatty(1))
		r.pc.quiet = true;
	if (pp_runsum_init(&r.runsum, r.pc.po.timeout + 1, &r.outcome) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	/* Records leave in large writes (glibc ignores the size when it
	 * allocates the buffer itself: 4 KB); ping's lines a line at a time. */
	static char obuf[1 << 16];
	if (r.lines)
		setvbuf(stdout, NULL, _IOLBF, 0);
	else
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	/* A closed reader is an EPIPE (pp_probecli's reader_gone), not a
	 * death: the run stops cleanly, -o is closed whole, the summary
	 * written, the status 0. */
	signal(SIGPIPE, SIG_IGN);

	pp_jw_init(&r.w);
	pp_jw_meta(&r.w, "pp-probe", argc + pp_optind, argv - pp_optind);
	pp_jw_kstr(&r.w, "vantage", r.pc.vantage);
	pp_jw_key(&r.w, "settings");
	pp_jw_obj_begin(&r.w);
	pp_probecli_settings(&r.pc, &r.w, need4, need6);
	pp_jw_knum(&r.w, "interval", r.interval, PP_DEC_TS);
	if (ttl > 0)
		pp_jw_kint(&r.w, "ttl", ttl);
	if (r.count > 0)
		pp_jw_kint(&r.w, "count", r.count);
	if (r.deadline > 0)
		pp_jw_knum(&r.w, "deadline", r.deadline, PP_DEC_TS);
	if (r.outcome.refused_down)
		pp_jw_kstr(&r.w, "refused", "down");
	if (r.pc.po.proto == PP_ICMP)
		pp_jw_kstr(&r.w, "socket", (net.icmp4 >= 0 ? net.raw4 :
		    net.raw6) ? "raw" : "datagram");
	pp_jw_end(&r.w);
	pp_probecli_emit(&r.pc, &r.w, true);
	for (int i = 0; i < r.nt && r.lines; i++) {
		char addr[64];
		char line[1024];
		if (r.t[i].alen == 0)
			continue;
		bool v6 = r.t[i].addr.ss_family == AF_INET6;
		int data = r.pc.po.size > 0 ? r.pc.po.size : r.pc.po.proto ==
		    PP_ICMP ? 56 : PP_ENGINE_DATA_MIN;
		if (data < PP_ENGINE_DATA_MIN)
			data = PP_ENGINE_DATA_MIN;
		pp_probecli_addr_text((struct sockaddr *)&r.t[i].addr, addr,
		    sizeof(addr));
		(void)pp_ping_header(line, sizeof(line), r.t[i].name, addr,
		    r.pc.po.proto == PP_TCP ? "tcp" : r.pc.po.proto == PP_UDP ?
		    "udp" : "icmp", r.pc.po.port, data, data + (v6 ?
		    PP_ENGINE_HDR6 : PP_ENGINE_HDR4));
		printf("%s\n", line);
	}

	/* The schedule: probe k of target i leaves at start + k * interval +
	 * i * interval / targets, whatever happened before.  A cursor walks
	 * the slots (round k, target i) in time order, so a turn costs the
	 * same for 1 target or 100,000; a target not resolved (or done) lets
	 * its slots pass.  Each turn: send what is due, then the work that
	 * may take a while (names, flushes) -- right after a
	 * send, or when nothing is due for a millisecond, never just before
	 * a send -- then wait until the next slot: pp_engine_run reads
	 * answers, expires timeouts and returns on time for it. */
	long long start = pp_mono_ns();
	long long end = r.deadline > 0 ? start + (long long)(r.deadline * 1e9) :
	    0;
	long long iv = (long long)(r.interval * 1e9);
	long long next_resolve = r.resolve_every > 0 ? start +
	    (long long)(r.resolve_every * 1e9) : 0;
	long long last_flush = start;
	pp_overload_init(&r.ov, start);
	long long k = 0;	/* the cursor: round k ... */
	int cur = 0;		/* ... target i */
	r.active = 0;
	for (int i = 0; i < r.nt; i++)
		r.active += wants(&r, &r.t[i]);
	for (;;) {
		long long now = pp_mono_ns();
		/* ping's -w: the run ends at the deadline; a probe still in
		 * flight then is a timeout (ping counts it lost). */
		if (end > 0 && now >= end) {
			pp_engine_expire(e);
			break;
		}
		bool more = !stopping && r.active > 0;
		bool sent = false;
		int burst = 0;
		long long due = -1;
		while (more) {
			/* Behind schedule: a burst at a time, the answers
			 * read between (a sender that never stops to read
			 * would have them dropped or delayed inside this
			 * host, and taken for loss). */
			if (burst == PP_NET_BATCH) {
				due = now;
				break;
			}
			struct target *t = &r.t[cur];
			long long at = start + k * iv + (long long)cur * iv /
			    r.nt;
			if (wants(&r, t)) {
				if (at > now) {
					due = at;
					break;
				}
				struct pp_engine_probe p = r.pc.po;
				p.dst = (struct sockaddr *)&t->addr;
				p.dlen = t->alen;
				p.ttl = ttl;
				p.seq = (long long)r.seq;
				p.target = t->name;
				p.user = t;
				if (pp_engine_send(e, &p) == -1) {
					due = now + 1000000;	/* full */
					break;
				}
				sent = true;
				burst++;
				pp_overload_sent(&r.ov, at, now);
				r.seq++;
				t->inflight++;
				t->last_send = now;
				if (++t->sent == r.count && r.deadline == 0)
					r.active--;
				more = r.active > 0;
			}
			if (++cur == r.nt) {
				cur = 0;
				k++;
			}
		}
		/* Sending is over: the answers still due are waited for as
		 * ping waits (linger_end), then the rest are timeouts. */
		long long linger = -1;
		if (!more) {
			if (pp_engine_inflight(e) == 0)
				break;
			if (!r.sending_over) {
				r.sending_over = true;
				r.linger = linger_end(&r, now);
			}
			if (now >= r.linger) {
				pp_engine_expire(e);
				break;
			}
			linger = r.linger;
		}
		bool room = sent || due < 0 || due - now >= 1000000;
		if (room && next_resolve > 0 && now >= next_resolve) {
			r.active = 0;
			for (int i = 0; i < r.nt; i++) {
				const char *why;
				struct sockaddr_storage ss;
				socklen_t sl;
				if (pp_probecli_resolve(r.t[i].name,
				    r.pc.family, &ss, &sl, &why) == 0) {
					r.t[i].addr = ss;
					r.t[i].alen = sl;
				}
				r.active += wants(&r, &r.t[i]);
			}
			now = pp_mono_ns();
			next_resolve = now + (long long)(r.resolve_every * 1e9);
		}
		if (room && pp_overload_due(&r.ov, now))
			overload(&r, e, now);
		long long until = due >= 0 ? due : now + 100000000LL;
		if (end > 0 && until > end)
			until = end;
		if (linger >= 0 && until > linger)
			until = linger;
		/* Awake at least once a second: -o flushed (the tick). */
		if (until > now + 1000000000LL)
			until = now + 1000000000LL;
		/* stdout before a wait of a millisecond or more, and at least
		 * every 10 ms (at 1 kHz: a write per ten records, not one). */
		if (room) {
			pp_probecli_tick(&r.pc, false);
			if (until - now >= 1000000 || now - last_flush >=
			    10000000) {
				pp_probecli_flush(&r.pc);
				last_flush = now;
			}
		}
		if (pp_engine_run(e, until) == -1)
			pp_errx(PP_EXIT_FAIL, "event loop failed: %s",
			    strerror(errno));
		if (r.pc.io_error)
			break;
		/* The reader went away (| head): stop as on SIGINT, the
		 * archive still gets the probes in flight. */
		if (r.pc.reader_gone)
			stopping = 1;
	}
	overload(&r, e, pp_mono_ns());
	r.run_s = (double)(pp_mono_ns() - start) / 1e9;
	pp_runsum_finish(&r.runsum);
	if (r.lines)
		(void)fflush(stdout);
	int never = final_summary(&r);
	struct pp_engine_stats est;
	char line[1024];
	pp_engine_stats(e, &est);
	if (pp_overload_summary(&r.ov, &est, line, sizeof(line)) > 0)
		pp_warnx("%s", line);
	bool written = pp_probecli_close_output(&r.pc);
	pp_engine_free(e);
	for (int i = 0; i < r.nt; i++)
		pp_stats_release(&r.t[i].st);
	free(r.t);
	pp_intern_release(&r.addrs);
	pp_runsum_release(&r.runsum);
	pp_probecli_release(&r.pc);
	pp_jw_release(&r.w);
	if (status == PP_EXIT_OK && (!written || (never > 0 &&
	    !r.pc.reader_gone)))
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
