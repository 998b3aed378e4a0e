/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-alert: sustained loss, latency and MOS alerts with raise and clear,
 * unreachable targets, and route changes, from a record stream.
 *
 * Reads: probe records (and mos records), files or stdin, gzip or plain.
 * Writes: a meta record, then alert and route records (NDJSON; on a
 * terminal, or with -f text, one readable line per event instead); with
 * --pass, every input line unchanged with them interleaved.  Runs --exec
 * per event.
 * Exit status: 0 success; 1 an input could not be read, a bad line met
 * --strict, output failed, or (--fail) the check failed: an alert was
 * raised (a target that never answered raises unreachable; a window the
 * input ended before filling is judged as it stands), or there was no
 * probe record to judge; 2 usage.
 * The judgement itself is lib/judge.h's; this file keeps the options, the
 * output (records, --pass, --exec) and the exit status. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/exit.h"
#include "lib/judge.h"
#include "lib/jsonw.h"
#include "lib/notify.h"
#include "lib/spawn.h"
#include "lib/stream.h"
#include "lib/trange.h"
#include "lib/util.h"

#define MAX_EXEC_ARGS 32
/* Windows judged before they filled named on stderr, at most. */
#define PARTIAL_SHOWN 5

enum {
	OPT_CLEAR = 256, OPT_EXEC, OPT_EXEC_ARG, OPT_EXEC_MAX, OPT_EXEC_TIMEOUT,
	OPT_FAIL, OPT_FROM, OPT_HOPS, OPT_LATENCY, OPT_LOSS, OPT_MOS,
	OPT_NO_ROUTE, OPT_OUTAGE_LOSS, OPT_OUTAGE_MIN, OPT_PASS, OPT_PCT,
	OPT_REFUSED_DOWN, OPT_RISE, OPT_ROUTE_ROUNDS, OPT_STRICT, OPT_TO,
	OPT_WINDOW
};

struct alert_opts {
	double loss;		/* --loss %, NAN off */
	double latency;		/* --latency ms, NAN off */
	double mos;		/* --mos, NAN off */
	double rise;		/* --rise %, 0 off */
	double clear;		/* --clear-below, % of the threshold */
	double pct;		/* --percentile, 0..1 */
	uint32_t window;	/* --window probes */
	uint32_t route_rounds;	/* --route-rounds */
	double outage_loss;	/* --outage-loss, % */
	double outage_min;	/* --outage-min, s */
	bool routes;		/* route tracking (not --no-route) */
	bool hops;		/* --hops */
	bool refused_down;	/* --refused-down */
	bool pass;		/* --pass */
	bool text;		/* -f text: a line per event for people */
	bool fail;		/* --fail */
	bool strict;		/* --strict */
	char *exec_argv[MAX_EXEC_ARGS + 2];	/* --exec, --exec-arg */
	int exec_argc;
	double exec_timeout;	/* s */
	int exec_max;
	struct pp_trange range;	/* --from, --to */
};

struct run {
	struct alert_opts *o;
	int argc;
	char **argv;
	struct pp_judge j;	/* the judgement (lib/judge.h) */
	struct pp_jw w;
	struct pp_spawn spawn;
	bool spawning;
	const int *in_fd;	/* the input descriptor being read */
	bool started;
	bool io_error;
	bool out_closed;	/* --fail: the reader went away (EPIPE); the
				 * check goes on, its status is the point */
	unsigned long partial_shown;	/* partial windows named */
};

/* A write to standard output failed: with --fail, a reader that went
 * away (| head) ends the output, not the check; anything else is an
 * output error. */
static void
out_error(struct run *r)
{
	if (errno == EPIPE && r->o->fail)
		r->out_closed = true;
	else
		r->io_error = true;
}

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-alert [-hV] [-f format] [--clear-below pct] "
	    "[--exec program]\n"
	    "                [--exec-arg arg] [--exec-max n] "
	    "[--exec-timeout duration] [--fail]\n"
	    "                [--from time] [--hops] [--latency ms] [--loss pct] "
	    "[--mos x]\n"
	    "                [--no-route] [--outage-loss pct] "
	    "[--outage-min duration] [--pass]\n"
	    "                [--percentile p] [--refused-down] [--rise pct] "
	    "[--route-rounds k]\n"
	    "                [--strict] [--to time] [--window n] [file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  -f, --format FMT      ndjson, or text (a line per event); "
		    "default: text\n"
		    "                        on a terminal, else ndjson\n"
		    "  --loss PCT            raise at this loss over the window "
		    "(off by default)\n"
		    "  --latency MS          raise at this RTT percentile (off by "
		    "default)\n"
		    "  --rise PCT            raise at this %% above the path's "
		    "lowest percentile\n"
		    "                        (off by default)\n"
		    "  --mos X               raise at MOS X or below, mos "
		    "records (off by default)\n"
		    "  --window N            probes judged (default 20)\n"
		    "  --outage-loss PCT     unreachable: outage loss (default "
		    "30)\n"
		    "  --outage-min DUR      unreachable: shortest outage "
		    "(default 3s)\n"
		    "  --percentile P        latency percentile (default 50)\n"
		    "  --refused-down        a refused TCP connection is lost, "
		    "not an answer\n"
		    "  --clear-below PCT     clear below PCT %% of the "
		    "threshold (default 80)\n"
		    "  --hops                judge every hop, not only the "
		    "destination\n"
		    "  --route-rounds K      rounds a route change must hold "
		    "(default 3)\n"
		    "  --no-route            no route tracking\n"
		    "  --exec PROGRAM        run per event (JSON on stdin, PP_* "
		    "variables)\n"
		    "  --exec-arg ARG        an argument for it (repeat)\n"
		    "  --exec-max N          programs at once (default 4)\n"
		    "  --exec-timeout DUR    kill a program after (default "
		    "10s)\n"
		    "  --fail                exit 1 when an alert was raised, a "
		    "target never\n"
		    "                        answered, or nothing was judged\n"
		    "  --pass                pass the input through, alerts "
		    "interleaved\n"
		    "  --from TIME           only records from TIME (ISO 8601, "
		    "epoch, -2h before\n"
		    "                        the input's end, +10m after its "
		    "start, now-1h)\n"
		    "  --to TIME             only records before TIME\n"
		    "  --strict              stop at the first bad line\n"
		    "  -h, --help            this help; -V, --version\n");
	exit(status);
}

/* --exec's programs, for the handler of a fatal signal. */
static struct pp_spawn *spawner;

/* SIGINT, SIGTERM, SIGHUP: the programs run in process groups of their
 * own, out of the terminal's reach; end them too, then end as the signal
 * would have. */
static void
on_fatal_signal(int sig)
{
	if (spawner != NULL)
		pp_spawn_signal(spawner, SIGTERM);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

/* Before a read of the input that would block: flush the records, and
 * with --exec keep the programs going (their input written, timeouts
 * enforced, waiting events started) until the input has more. */
static void
input_idle(void *arg)
{
	struct run *r = arg;

	if (fflush(stdout) == EOF && errno == EPIPE && r->o->fail)
		r->out_closed = true;
	if (r->spawning && r->in_fd != NULL && *r->in_fd >= 0)
		pp_spawn_wait(&r->spawn, *r->in_fd);
}

static void
spawn_report(void *arg, const char *msg)
{
	(void)arg;
	pp_warnx("%s", msg);
}

static void
start_output(struct run *r)
{
	struct alert_opts *o = r->o;

	if (r->started)
		return;
	r->started = true;
	if (o->pass || o->text)
		return;		/* the input's own meta goes through; people
				 * get no meta line */
	pp_jw_meta(&r->w, "pp-alert", r->argc, r->argv);
	pp_jw_key(&r->w, "settings");
	pp_jw_obj_begin(&r->w);
	if (!isnan(o->loss))
		pp_jw_knum(&r->w, "loss", o->loss, PP_DEC_PCT);
	if (!isnan(o->latency))
		pp_jw_knum(&r->w, "latency", o->latency, PP_DEC_MS);
	if (o->rise > 0)
		pp_jw_knum(&r->w, "rise", o->rise, PP_DEC_PCT);
	if (!isnan(o->mos))
		pp_jw_knum(&r->w, "mos", o->mos, PP_DEC_MS);
	pp_jw_kint(&r->w, "window", o->window);
	pp_jw_knum(&r->w, "percentile", o->pct * 100, PP_DEC_PCT);
	pp_jw_knum(&r->w, "clear_below", o->clear, PP_DEC_PCT);
	pp_jw_kint(&r->w, "route_rounds", o->route_rounds);
	pp_jw_knum(&r->w, "outage_loss", o->outage_loss, PP_DEC_PCT);
	pp_jw_knum(&r->w, "outage_min", o->outage_min, PP_DEC_TS);
	pp_jw_kbool(&r->w, "hops", o->hops);
	if (isfinite(o->range.lo))
		pp_jw_knum(&r->w, "from", o->range.lo, PP_DEC_TS);
	if (isfinite(o->range.hi))
		pp_jw_knum(&r->w, "to", o->range.hi, PP_DEC_TS);
	if (o->refused_down)
		pp_jw_kstr(&r->w, "refused", "down");
	pp_jw_end(&r->w);
	if (pp_jw_write(&r->w, stdout) == -1)
		out_error(r);
}

/* Write the record in r->w and hand it to --exec with its variables
 * (lib/spawn makes their values safe and cuts them at PP_SPAWN_VALUE_MAX
 * bytes, saying so; the record on the program's input is whole).  Events
 * of one target run in order. */
static void
emit(struct run *r, const char *kind, const char *state, const char *vantage,
    const char *target, int ttl, double ts, double value)
{
	struct pp_notify_env env;

	if (!r->o->text && pp_jw_write(&r->w, stdout) == -1)
		out_error(r);
	if (!r->spawning)
		return;
	pp_notify_env_make(&env, kind, state, vantage, target, ttl, ts, value);
	pp_spawn_event(&r->spawn, target, r->w.buf, r->w.len, env.v);
	pp_notify_env_free(&env);
}

/* lib/judge's sink: an alert record. */
static void
on_alert(void *arg, const struct pp_alert_rec *a)
{
	struct run *r = arg;

	start_output(r);
	pp_alert_rec_write(&r->w, a);
	if (r->o->text && pp_notify_alert_text(stdout, a, r->j.nros > 1) ==
	    -1)
		out_error(r);
	emit(r, a->kind, a->state, a->vantage, a->target, a->ttl, a->ts,
	    a->value);
}

/* lib/judge's sink: a route record. */
static void
on_route(void *arg, const struct pp_route_rec *rr)
{
	struct run *r = arg;

	start_output(r);
	pp_route_rec_write(&r->w, rr);
	if (r->o->text && pp_notify_route_text(stdout, rr, r->j.nros > 1) ==
	    -1)
		out_error(r);
	emit(r, "route", rr->nprev >= 0 ? "change" : "first", rr->vantage,
	    rr->target, 0, rr->ts, NAN);
}

/* lib/judge's sink: a window judged before it filled, said on stderr. */
static void
on_partial(void *arg, const char *target, int ttl, uint32_t n,
    uint32_t window)
{
	struct run *r = arg;

	if (r->partial_shown++ >= PARTIAL_SHOWN)
		return;
	pp_warnx("%s%s%.0d: the input ended after %u probe%s, before a "
	    "window of %u: judged on %s", target, ttl > 0 ? " hop " : "", ttl,
	    n, pp_plural(n, "", "s"), window, pp_plural(n, "that", "those"));
}

static double
num_arg(const char *opt, const char *s, double lo, double hi)
{
	double v = 0;
	const char *errstr = NULL;

	if (pp_strtod_range(s, lo, hi, &v, &errstr) == -1)
		pp_errx(PP_EXIT_USAGE, "%s: must be %g to %g: %s", opt, lo, hi,
		    s);
	return v;
}

static void
parse_args(int argc, char **argv, struct alert_opts *o)
{
	static const struct pp_option longopts[] = {
		{ "clear-below", PP_REQ_ARG, NULL, OPT_CLEAR },
		{ "exec", PP_REQ_ARG, NULL, OPT_EXEC },
		{ "exec-arg", PP_REQ_ARG, NULL, OPT_EXEC_ARG },
		{ "exec-max", PP_REQ_ARG, NULL, OPT_EXEC_MAX },
		{ "exec-timeout", PP_REQ_ARG, NULL, OPT_EXEC_TIMEOUT },
		{ "fail", PP_NO_ARG, NULL, OPT_FAIL },
		{ "format", PP_REQ_ARG, NULL, 'f' },
		{ "from", PP_REQ_ARG, NULL, OPT_FROM },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "hops", PP_NO_ARG, NULL, OPT_HOPS },
		{ "latency", PP_REQ_ARG, NULL, OPT_LATENCY },
		{ "loss", PP_REQ_ARG, NULL, OPT_LOSS },
		{ "mos", PP_REQ_ARG, NULL, OPT_MOS },
		{ "no-route", PP_NO_ARG, NULL, OPT_NO_ROUTE },
		{ "outage-loss", PP_REQ_ARG, NULL, OPT_OUTAGE_LOSS },
		{ "outage-min", PP_REQ_ARG, NULL, OPT_OUTAGE_MIN },
		{ "pass", PP_NO_ARG, NULL, OPT_PASS },
		{ "percentile", PP_REQ_ARG, NULL, OPT_PCT },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "rise", PP_REQ_ARG, NULL, OPT_RISE },
		{ "route-rounds", PP_REQ_ARG, NULL, OPT_ROUTE_ROUNDS },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "to", PP_REQ_ARG, NULL, OPT_TO },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "window", PP_REQ_ARG, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 },
	};
	const char *errstr = NULL;
	int ch;
	char *prog = NULL;
	char *args[MAX_EXEC_ARGS];
	int nargs = 0;

	bool format_set = false;

	while ((ch = pp_getopt_long(argc, argv, "f:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (strcmp(pp_optarg, "text") == 0)
				o->text = true;
			else if (strcmp(pp_optarg, "ndjson") == 0)
				o->text = false;
			else
				pp_errx(PP_EXIT_USAGE, "-f: format must be "
				    "ndjson or text: %s", pp_optarg);
			format_set = true;
			break;
		case 'h':
			usage(0);
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case OPT_CLEAR:
			o->clear = num_arg("--clear-below", pp_optarg, 0, 100);
			break;
		case OPT_EXEC:
			prog = pp_optarg;
			break;
		case OPT_EXEC_ARG:
			if (nargs == MAX_EXEC_ARGS)
				pp_errx(PP_EXIT_USAGE, "--exec-arg: at most %d",
				    MAX_EXEC_ARGS);
			args[nargs++] = pp_optarg;
			break;
		case OPT_EXEC_MAX:
			o->exec_max = (int)pp_strtonum(pp_optarg, 1, 256,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--exec-max: programs "
				    "must be 1 to 256: %s", pp_optarg);
			break;
		case OPT_EXEC_TIMEOUT:
			if (pp_parse_duration(pp_optarg, &o->exec_timeout,
			    &errstr) == -1 || o->exec_timeout <= 0)
				pp_errx(PP_EXIT_USAGE, "--exec-timeout: invalid "
				    "duration: %s", pp_optarg);
			break;
		case OPT_FAIL:
			o->fail = true;
			break;
		case OPT_FROM:
			pp_tbound_optarg("--from", pp_optarg, &o->range.from);
			break;
		case OPT_HOPS:
			o->hops = true;
			break;
		case OPT_LATENCY:
			o->latency = num_arg("--latency", pp_optarg, 0.001,
			    3600000);
			break;
		case OPT_LOSS:
			o->loss = num_arg("--loss", pp_optarg, 0.001, 100);
			break;
		case OPT_MOS:
			o->mos = num_arg("--mos", pp_optarg, 1, 4.5);
			break;
		case OPT_NO_ROUTE:
			o->routes = false;
			break;
		case OPT_OUTAGE_LOSS:
			if (pp_strtod_range(pp_optarg, 0.001, 100,
			    &o->outage_loss, &errstr) == -1)
				pp_errx(PP_EXIT_USAGE, "--outage-loss: percent "
				    "must be 0.001 to 100: %s", pp_optarg);
			break;
		case OPT_OUTAGE_MIN:
			o->outage_min = pp_duration_optarg("--outage-min",
			    pp_optarg, 0);
			break;
		case OPT_PASS:
			o->pass = true;
			break;
		case OPT_PCT:
			o->pct = num_arg("--percentile", pp_optarg, 1, 100) /
			    100.0;
			break;
		case OPT_REFUSED_DOWN:
			o->refused_down = true;
			break;
		case OPT_RISE:
			o->rise = num_arg("--rise", pp_optarg, 1, 100000);
			break;
		case OPT_ROUTE_ROUNDS:
			o->route_rounds = (uint32_t)pp_strtonum(pp_optarg, 1,
			    1000, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--route-rounds: rounds "
				    "must be 1 to 1000: %s", pp_optarg);
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_TO:
			pp_tbound_optarg("--to", pp_optarg, &o->range.to);
			break;
		case OPT_WINDOW:
			o->window = (uint32_t)pp_strtonum(pp_optarg, 1,
			    PP_WINDOW_MAX, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--window: probes must be "
				    "1 to %d: %s", PP_WINDOW_MAX, pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	/* As ls and git: text for people on a terminal, records for a
	 * pipe or a file; --pass is a pipeline's, records. */
	if (!format_set)
		o->text = pp_isatty(1) && !o->pass;
	if (o->text && o->pass)
		pp_errx(PP_EXIT_USAGE, "-f text: --pass writes records, not "
		    "text");
	if (nargs > 0 && prog == NULL)
		pp_errx(PP_EXIT_USAGE, "--exec-arg needs --exec");
	if (prog != NULL) {
		o->exec_argv[0] = prog;
		for (int i = 0; i < nargs; i++)
			o->exec_argv[i + 1] = args[i];
		o->exec_argv[nargs + 1] = NULL;
		o->exec_argc = nargs + 1;
	}
}

int
main(int argc, char **argv)
{
	struct alert_opts o = {
		.loss = NAN, .latency = NAN, .mos = NAN, .clear = 80,
		.pct = 0.5, .window = 20, .route_rounds = 3, .routes = true,
		.outage_loss = 30, .outage_min = 3,
		.exec_timeout = 10, .exec_max = 4,
	};
	struct run r;
	struct pp_stream st;
	struct pp_record *rec;
	int status = PP_EXIT_OK;

	pp_cli_init(argv[0]);
	pp_trange_init(&o.range);
	parse_args(argc, argv, &o);
	if (o.fail) {
		/* Not the quiet exit 0 of a closed pipe (lib/cli): the
		 * check's status, whoever reads the alerts. */
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		(void)sigaction(SIGPIPE, &sa, NULL);
	}
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.argc = argc;
	r.argv = argv;
	pp_jw_init(&r.w);
	struct pp_judge_opts jo = {
		.loss = o.loss, .latency = o.latency, .rise = o.rise,
		.mos = o.mos, .clear = o.clear, .pct = o.pct, .window = o.window,
		.route_rounds = o.route_rounds, .routes = o.routes,
		.outage_loss = o.outage_loss, .outage_min = o.outage_min,
		.hops = o.hops, .horizon = PP_HORIZON_DEFAULT,
		.outcome = { .refused_down = o.refused_down },
	};
	struct pp_judge_sink sink = {
		.alert = on_alert, .route = on_route, .partial = on_partial,
		.arg = &r,
	};
	if (pp_judge_init(&r.j, &jo, &sink) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (o.exec_argc > 0) {
		if (pp_spawn_init(&r.spawn, o.exec_argv, o.exec_timeout,
		    o.exec_max) == -1)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		r.spawn.report = spawn_report;
		r.spawning = true;
		spawner = &r.spawn;
		pp_catch_fatal_signals(on_fatal_signal);
	}
	if (pp_stream_open(&st, argv + pp_optind, argc - pp_optind,
	    o.strict) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	(void)pp_stream_time_order(&st);
	pp_stream_set_range(&st, &o.range);
	st.rd.opts.would_block = input_idle;
	st.rd.opts.arg = &r;
	r.in_fd = pp_stream_threaded(&st) ? NULL : &st.rd.fd;
	while ((rec = pp_stream_next(&st)) != NULL && !r.io_error) {
		struct pp_mos_rec m;
		struct pp_error me;
		json_t *obj;

		pp_error_clear(&me);
		if (o.pass) {
			start_output(&r);
			if (fwrite(rec->line, 1, rec->len, stdout) != rec->len ||
			    putchar('\n') == EOF)
				out_error(&r);
		}
		switch (rec->type) {
		case PP_REC_PROBE:
			if (pp_judge_probe(&r.j, &rec->probe) == -1)
				pp_errx(PP_EXIT_FAIL, "out of memory");
			break;
		case PP_REC_MOS:
			obj = pp_record_json(rec, NULL);
			if (obj != NULL && pp_mos_rec_read(&m, obj, &me) == -1) {
				/* Said, as a bad line (never judged). */
				me.source = st.source;
				me.line = st.lineno;
				pp_warn_input(&me);
				pp_error_clear(&me);
				break;
			}
			if (obj != NULL && pp_judge_mos(&r.j, &m) == -1)
				pp_errx(PP_EXIT_FAIL, "out of memory");
			break;
		case PP_REC_META:
			obj = pp_record_json(rec, NULL);
			pp_judge_meta(&r.j, json_object_get(obj, "settings"));
			break;
		default:
			break;
		}
		if (r.spawning)
			pp_spawn_poll(&r.spawn);
	}
	unsigned long bad = st.bad;
	unsigned long good = st.records;
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	pp_judge_finish(&r.j);
	if (r.j.oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (r.partial_shown > PARTIAL_SHOWN)
		pp_warnx("%lu more window%s judged before %s filled",
		    r.partial_shown - PARTIAL_SHOWN,
		    pp_plural(r.partial_shown - PARTIAL_SHOWN, "", "s"),
		    pp_plural(r.partial_shown - PARTIAL_SHOWN, "it", "they"));
	if (r.j.dropped_names > 0)
		pp_warnx("more than %llu targets and responders: %llu probe%s "
		    "not judged", (unsigned long long)PP_JUDGE_MAX_NAMES,
		    (unsigned long long)r.j.dropped_names,
		    pp_plural(r.j.dropped_names, "", "s"));
	(void)fflush(stdout);
	if (r.spawning) {
		pp_spawn_finish(&r.spawn);
		spawner = NULL;
		if (r.spawn.dropped > 0)
			pp_warnx("%lu event%s not run: more than %d waiting",
			    r.spawn.dropped, pp_plural(r.spawn.dropped, "",
			    "s"), PP_SPAWN_QUEUE);
		pp_spawn_release(&r.spawn);
	}
	if (r.io_error)
		status = PP_EXIT_FAIL;
	/* --fail: a check that judged nothing has not passed. */
	if (o.fail && status == PP_EXIT_OK) {
		if (good == 0 && bad > 0) {
			pp_warnx("check failed: no valid record in the input "
			    "(%lu bad lines)", bad);
			status = PP_EXIT_FAIL;
		} else if (r.j.probes == 0 && r.j.mos_records == 0) {
			pp_warnx("check failed: no probe records in the input%s: "
			    "nothing was checked", pp_trange_active(&o.range) ?
			    " between --from and --to" : "");
			status = PP_EXIT_FAIL;
		} else if (r.j.raised > 0) {
			pp_warnx("check failed: %llu alert%s raised%s",
			    (unsigned long long)r.j.raised,
			    pp_plural(r.j.raised, "", "s"), r.j.never > 0 ?
			    " (a target never answered)" : "");
			status = PP_EXIT_FAIL;
		} else if (r.j.partial > 0) {
			pp_warnx("check failed: the input ended before %llu "
			    "window%s filled: judged on the probes there were, "
			    "no alert, but the check is incomplete (a shorter "
			    "--window judges shorter runs)",
			    (unsigned long long)r.j.partial,
			    pp_plural(r.j.partial, "", "s"));
			status = PP_EXIT_FAIL;
		}
	}
	pp_judge_release(&r.j);
	pp_jw_release(&r.w);
	if (o.fail && fflush(stdout) == EOF && errno == EPIPE)
		r.out_closed = true;
	if (r.out_closed)
		return status;
	return pp_close_stdout(status);
}
