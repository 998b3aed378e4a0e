/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-stats: per target and hop statistics of a probe record stream.
 *
 * Reads: probe records (meta records for settings), from files or stdin,
 * gzip or plain.  Writes: stats and outage records (NDJSON, after a meta
 * record), or an mtr-style table, or CSV (a header row, then a row per
 * target, hop and window; outages to --outages FILE, the settings to
 * --meta FILE), or the Prometheus text format, or InfluxDB line protocol
 * (these two also carry the mos records of the input); to stdout or, with
 * -o, to a file replaced atomically; or, with --influx-url, the line
 * protocol to a database over HTTP through a spool directory (lib/tsdb).
 * Exit status: 0 success; 1 an input could not be read, a bad line met
 * --strict, output failed, or batches were left unsent, refused or not
 * spooled; 2 usage error. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/atomic.h"
#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/csv.h"
#include "lib/exit.h"
#include "lib/export.h"
#include "lib/merge.h"
#include "lib/names.h"
#include "lib/pp.h"
#include "lib/statsout.h"
#include "lib/stream.h"
#include "lib/table.h"
#include "lib/tsdb.h"
#include "lib/util.h"

enum {
	OPT_AS_VANTAGE = 256,
	OPT_COLOR,
	OPT_EVERY,
	OPT_FROM,
	OPT_INFLUX_URL,
	OPT_MERGE,
	OPT_META,
	OPT_OUTAGE_LOSS,
	OPT_OUTAGE_MIN,
	OPT_OUTAGES,
	OPT_PARTS,
	OPT_REFUSED_DOWN,
	OPT_SEND_WAIT,
	OPT_SPOOL,
	OPT_SPOOL_MAX,
	OPT_STRICT,
	OPT_TO
};

struct stats_opts {
	enum pp_statsout_format format;	/* -f */
	const char *output;	/* -o, NULL: stdout */
	const char *outages;	/* --outages (CSV), NULL: none */
	const char *meta;	/* --meta, NULL: none */
	bool unbuffered;	/* -u */
	bool strict;		/* --strict */
	double every;		/* --every, s (0: none) */
	double outage_loss;	/* --outage-loss, % */
	double outage_min;	/* --outage-min, s */
	bool refused_down;	/* --refused-down */
	struct pp_trange range;	/* --from, --to */
	bool wide;		/* -w: the wide table */
	enum pp_color color;	/* --color */
	const char *influx_url;	/* --influx-url, NULL: none */
	const char *spool;	/* --spool */
	unsigned long long spool_max;	/* --spool-max, bytes */
	double send_wait;	/* --send-wait, s */
	bool merge;		/* --merge: stats records in, merged */
	bool parts;		/* --parts: stats records carry their parts */
	const char *as_vantage;	/* --as-vantage NAME, NULL: none */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-stats [-huVw] [-f format] [-o file] [--as-vantage name] "
	    "[--color when]\n"
	    "                [--every duration] [--from time] [--influx-url url] "
	    "[--merge]\n"
	    "                [--meta file] [--outage-loss pct] "
	    "[--outage-min duration]\n"
	    "                [--outages file] [--parts] [--refused-down] "
	    "[--send-wait duration]\n"
	    "                [--spool dir] [--spool-max size] [--strict] [--to time] "
	    "[file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  -f, --format FMT        ndjson, table, csv, prom "
		    "(Prometheus) or influx\n"
		    "                          (InfluxDB line protocol); "
		    "default: table on a\n"
		    "                          terminal, else ndjson\n"
		    "  -h, --help              this help\n"
		    "  -o, --output FILE       write to FILE, replaced "
		    "atomically at the end\n"
		    "  -u, --unbuffered        flush after every record\n"
		    "  -V, --version           print the version\n"
		    "  -w, --wide              the wide table: names whole, "
		    "every column\n"
		    "      --as-vantage NAME   --merge: every vantage point as "
		    "one, NAME\n"
		    "      --color WHEN        colour the table: never, always, "
		    "auto (default:\n"
		    "                          on a terminal, unless NO_COLOR "
		    "is set)\n"
		    "      --every DURATION    tumbling windows (1s, 10s, 1m, "
		    "1h, ...)\n"
		    "      --from TIME         only records from TIME (ISO 8601, "
		    "epoch, -2h before\n"
		    "                          the input's end, +10m after its "
		    "start, now-1h)\n"
		    "      --influx-url URL    send the line protocol to URL "
		    "(http://, POST)\n"
		    "                          through --spool, retried until "
		    "taken\n"
		    "      --merge             combine stats records that "
		    "carry their parts\n"
		    "                          (--parts) into one a vantage "
		    "point, target, hop\n"
		    "                          and window (--every)\n"
		    "      --meta FILE         also write the meta record (the "
		    "settings) to FILE\n"
		    "      --outage-loss PCT   outage loss threshold (default "
		    "30)\n"
		    "      --outage-min DUR    shortest outage (default 3s)\n"
		    "      --outages FILE      -f csv: the outages as CSV to "
		    "FILE\n"
		    "      --parts             stats records carry what they "
		    "were made of (for\n"
		    "                          --merge)\n"
		    "      --refused-down      a refused TCP connection is lost, "
		    "not an answer\n"
		    "      --send-wait DUR     at the end, retry unsent batches "
		    "this long (10s)\n"
		    "      --spool DIR         --influx-url: batches wait in DIR "
		    "until sent\n"
		    "      --spool-max SIZE    the most DIR may hold (default "
		    "64M)\n"
		    "      --strict            stop at the first bad line\n"
		    "      --to TIME           only records before TIME\n");
	exit(status);
}

/* -o and --outages: the replacements in progress; their temporary files
 * are removed at exit unless renamed (a fatal error through pp_errx leaves
 * no stray file), and by a signal that ends the run. */
static struct pp_atomic out_file = { .dirfd = -1, .fd = -1 };
static struct pp_atomic outages_file = { .dirfd = -1, .fd = -1 };

static void
remove_tmps(void)
{
	pp_atomic_discard(&out_file);
	pp_atomic_discard(&outages_file);
}

/* SIGINT, SIGTERM, SIGHUP while a file is being written: it is not
 * replaced; remove the temporaries (async-signal-safe) and end as the
 * signal would have. */
static void
on_fatal_signal(int sig)
{
	remove_tmps();
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

/* ------------------------------------------------------------ sending */

/* A message of a lib module (lib/tsdb, lib/merge), on stderr. */
static void
warn_line(void *arg, const char *msg)
{
	(void)arg;
	pp_warnx("%s", msg);
}

/* --influx-url: the lines made since the last call become a batch of the
 * spool; then what is due is sent. */
static void
ship(struct pp_statsout *so, struct pp_tsdb *tsdb, const char *spool)
{
	if (so->x.oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (pp_tsdb_ship(tsdb, so->x.buf, so->x.len) == -1)
		pp_errx(PP_EXIT_FAIL, "cannot write to the spool %s: %s",
		    spool, strerror(errno));
	pp_export_reset(&so->x);
}

/* ------------------------------------------------------------ main */

static void
parse_args(int argc, char **argv, struct stats_opts *o)
{
	static const struct pp_option longopts[] = {
		{ "as-vantage", PP_REQ_ARG, NULL, OPT_AS_VANTAGE },
		{ "color", PP_REQ_ARG, NULL, OPT_COLOR },
		{ "every", PP_REQ_ARG, NULL, OPT_EVERY },
		{ "format", PP_REQ_ARG, NULL, 'f' },
		{ "from", PP_REQ_ARG, NULL, OPT_FROM },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "influx-url", PP_REQ_ARG, NULL, OPT_INFLUX_URL },
		{ "merge", PP_NO_ARG, NULL, OPT_MERGE },
		{ "meta", PP_REQ_ARG, NULL, OPT_META },
		{ "output", PP_REQ_ARG, NULL, 'o' },
		{ "outage-loss", PP_REQ_ARG, NULL, OPT_OUTAGE_LOSS },
		{ "outage-min", PP_REQ_ARG, NULL, OPT_OUTAGE_MIN },
		{ "outages", PP_REQ_ARG, NULL, OPT_OUTAGES },
		{ "parts", PP_NO_ARG, NULL, OPT_PARTS },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "send-wait", PP_REQ_ARG, NULL, OPT_SEND_WAIT },
		{ "spool", PP_REQ_ARG, NULL, OPT_SPOOL },
		{ "spool-max", PP_REQ_ARG, NULL, OPT_SPOOL_MAX },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "to", PP_REQ_ARG, NULL, OPT_TO },
		{ "unbuffered", PP_NO_ARG, NULL, 'u' },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "wide", PP_NO_ARG, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *errstr = NULL;
	bool format_set = false;
	int ch;

	while ((ch = pp_getopt_long(argc, argv, "f:ho:uVw", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (pp_statsout_format_parse(pp_optarg, &o->format) ==
			    -1)
				pp_errx(PP_EXIT_USAGE, "-f: format must be "
				    "ndjson, table, csv, prom or influx: %s",
				    pp_optarg);
			format_set = true;
			break;
		case 'h':
			usage(0);
		case 'o':
			if (pp_optarg[0] == '\0')
				pp_errx(PP_EXIT_USAGE, "-o: empty file name");
			o->output = pp_optarg;
			break;
		case 'u':
			o->unbuffered = true;
			break;
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case 'w':
			o->wide = true;
			break;
		case OPT_AS_VANTAGE:
			if (pp_optarg[0] == '\0')
				pp_errx(PP_EXIT_USAGE, "--as-vantage: empty "
				    "name");
			o->as_vantage = pp_optarg;
			break;
		case OPT_COLOR:
			if (pp_color_parse(pp_optarg, &o->color) == -1)
				pp_errx(PP_EXIT_USAGE, "--color: must be never, "
				    "always or auto: %s", pp_optarg);
			break;
		case OPT_EVERY:
			o->every = pp_duration_optarg("--every", pp_optarg, 0.001);
			break;
		case OPT_FROM:
			pp_tbound_optarg("--from", pp_optarg, &o->range.from);
			break;
		case OPT_INFLUX_URL: {
			struct pp_url u;
			struct pp_error e;
			pp_error_clear(&e);
			if (pp_url_parse(pp_optarg, &u, &e) == -1)
				pp_errx(PP_EXIT_USAGE, "--influx-url: %s: %s",
				    e.msg, pp_optarg);
			o->influx_url = pp_optarg;
			break;
		}
		case OPT_MERGE:
			o->merge = true;
			break;
		case OPT_META:
			if (pp_optarg[0] == '\0')
				pp_errx(PP_EXIT_USAGE, "--meta: empty file name");
			o->meta = pp_optarg;
			break;
		case OPT_OUTAGES:
			if (pp_optarg[0] == '\0')
				pp_errx(PP_EXIT_USAGE, "--outages: empty file "
				    "name");
			o->outages = pp_optarg;
			break;
		case OPT_OUTAGE_LOSS:
			if (pp_strtod_range(pp_optarg, 0.001, 100,
			    &o->outage_loss, &errstr) == -1)
				pp_errx(PP_EXIT_USAGE, "--outage-loss: percent "
				    "must be 0.001 to 100: %s", pp_optarg);
			break;
		case OPT_OUTAGE_MIN:
			o->outage_min = pp_duration_optarg("--outage-min", pp_optarg,
			    0);
			break;
		case OPT_PARTS:
			o->parts = true;
			break;
		case OPT_REFUSED_DOWN:
			o->refused_down = true;
			break;
		case OPT_SEND_WAIT:
			o->send_wait = pp_duration_optarg("--send-wait",
			    pp_optarg, 0);
			break;
		case OPT_SPOOL:
			if (pp_optarg[0] == '\0')
				pp_errx(PP_EXIT_USAGE, "--spool: empty directory "
				    "name");
			o->spool = pp_optarg;
			break;
		case OPT_SPOOL_MAX:
			if (pp_parse_size(pp_optarg, &o->spool_max, &errstr) ==
			    -1 || o->spool_max < 4096)
				pp_errx(PP_EXIT_USAGE, "--spool-max: size must be "
				    "4k or more: %s", pp_optarg);
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_TO:
			pp_tbound_optarg("--to", pp_optarg, &o->range.to);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	if (o->influx_url != NULL) {
		if (format_set && o->format != PP_STATSOUT_INFLUX)
			pp_errx(PP_EXIT_USAGE, "--influx-url: sends line "
			    "protocol (-f influx), not another format");
		if (o->output != NULL)
			pp_errx(PP_EXIT_USAGE, "--influx-url: sends; -o writes a "
			    "file: one or the other");
		if (o->spool == NULL)
			pp_errx(PP_EXIT_USAGE, "--influx-url: needs --spool DIR, "
			    "where batches wait until the server took them");
		o->format = PP_STATSOUT_INFLUX;
		format_set = true;
	} else if (o->spool != NULL) {
		pp_errx(PP_EXIT_USAGE, "--spool: only with --influx-url");
	}
	if (!format_set)
		o->format = pp_isatty(1) && o->output == NULL ? PP_STATSOUT_TABLE :
		    PP_STATSOUT_NDJSON;
	if (o->outages != NULL && o->format != PP_STATSOUT_CSV)
		pp_errx(PP_EXIT_USAGE, "--outages: only with -f csv (outages "
		    "are records in ndjson and listed in the table)");
	if (o->as_vantage != NULL && !o->merge)
		pp_errx(PP_EXIT_USAGE, "--as-vantage: only with --merge");
	if (o->merge && o->refused_down)
		pp_errx(PP_EXIT_USAGE, "--refused-down: not with --merge (the "
		    "stats records were counted when they were made)");
}

/* A record of the input (not --merge): the aggregator's, or said about
 * by the output; a bad mos record said. */
static void
read_record(struct pp_statsout *so, struct pp_agg *a, struct pp_stream *st,
    struct pp_record *rec)
{
	struct pp_error e;

	pp_error_clear(&e);
	if (rec->type == PP_REC_META) {
		(void)pp_statsout_input_meta(so, a, rec);
	} else if (rec->type == PP_REC_MOS &&
	    pp_statsout_mos(so, rec, &e) == -1) {
		e.source = st->source;
		e.line = st->lineno;
		pp_warn_input(&e);
	} else if (rec->type == PP_REC_PROBE &&
	    pp_agg_probe(a, &rec->probe) == -1) {
		pp_errx(PP_EXIT_FAIL, "out of memory");
	} else if (rec->type == PP_REC_PROBE &&
	    so->o.format == PP_STATSOUT_TABLE) {
		pp_names_note_probe(&so->names, rec);
	}
	if (so->oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
}

/* --merge: a record of the input (lib/merge); a bad one said. */
static void
merge_record(struct pp_statsout *so, struct pp_merge *m, struct pp_stream *st,
    struct pp_record *rec)
{
	struct pp_error e;

	int rc = pp_merge_record(m, rec, so->o.format == PP_STATSOUT_NDJSON,
	    &e);
	if (m->oom || so->oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (rc == 0) {
		if (so->source == NULL && m->source != NULL)
			so->source = json_incref(m->source);
		return;
	}
	e.source = st->source;
	e.line = st->lineno;
	pp_warn_input(&e);
}

int
main(int argc, char **argv)
{
	struct stats_opts o = {
		.outage_loss = 30,
		.outage_min = 3,
		.spool_max = 64ull << 20,
		.send_wait = 10,
	};
	struct pp_tsdb tsdb;
	struct pp_tsdb *ts = NULL;	/* --influx-url: &tsdb */
	struct pp_statsout so;
	struct pp_agg a;
	struct pp_stream st;
	struct pp_record *rec;
	FILE *outf = NULL;		/* --outages */
	int status = PP_EXIT_OK;

	pp_cli_init(argv[0]);
	pp_trange_init(&o.range);
	parse_args(argc, argv, &o);
	if (o.output != NULL || o.outages != NULL) {
		if (atexit(remove_tmps) != 0)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		pp_catch_fatal_signals(on_fatal_signal);
	}
	if (o.output != NULL)
		pp_replace_stdout(&out_file, o.output);
	if (o.outages != NULL) {
		outf = pp_replace_fopen(&outages_file, o.outages);
		fputs(PP_CSV_OUTAGE_HEADER, outf);
	}
	struct pp_statsout_opts soo = {
		.format = o.format,
		.out = stdout,
		.outages = outf,
		.unbuffered = o.unbuffered,
		.spool = o.influx_url != NULL,
		.argc = argc,
		.argv = argv,
		.every = o.every,
		.merge = o.merge,
		.as_vantage = o.as_vantage,
		.parts = o.parts,
		.range = &o.range,
		.outage_loss = o.outage_loss,
		.outage_min = o.outage_min,
		.wide = o.wide,
		.color = pp_color_wanted(o.color, 1),
	};
	if (pp_statsout_init(&so, &soo) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (o.influx_url != NULL) {
		struct pp_tsdb_opts to = {
			.url = o.influx_url,
			.spool = o.spool,
			.spool_max = o.spool_max,
			.timeout_ms = 5000,
			.backoff_min = 0.5,
			.backoff_max = 30,
			.report = warn_line,
		};
		struct pp_error e;
		pp_error_clear(&e);
		if (pp_tsdb_open(&tsdb, &to, &e) == -1)
			pp_errx(PP_EXIT_FAIL, "--spool: %s", e.msg);
		ts = &tsdb;
		/* What an earlier run left goes first. */
		pp_tsdb_send(ts);
	}
	if (o.format != PP_STATSOUT_NDJSON && !o.unbuffered)
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	struct pp_agg_opts ao = {
		.every = o.every,
		.horizon = PP_HORIZON_DEFAULT,
		.outage_loss = o.outage_loss,
		.outage_min = o.outage_min,
		.outcome = { .refused_down = o.refused_down },
		.parts = o.parts,
	};
	struct pp_merge_opts mo = {
		.every = o.every,
		.vantage = o.as_vantage,
		.row = pp_statsout_merge_row,
		.outage = pp_statsout_merge_outage,
		.arg = &so,
		.report = warn_line,
	};
	struct pp_merge m;
	if (o.merge && pp_merge_init(&m, &mo) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	struct pp_agg_sink sink = {
		.stats = pp_statsout_agg_stats,
		.outage = pp_statsout_agg_outage,
		.arg = &so,
	};
	if (pp_agg_init(&a, &ao, &sink) == -1 ||
	    pp_stream_open(&st, argv + pp_optind, argc - pp_optind,
	    o.strict) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	/* --merge reads nested lines, which workers decode with jansson and
	 * the consumer frees: measured 2.7 times the CPU and 3 times the
	 * time of one thread (200,000 rows: 24 s against 8.8 s), so one. */
	if (o.merge)
		st.nworkers = 0;
	(void)pp_stream_time_order(&st);
	pp_stream_set_range(&st, &o.range);
	while ((rec = pp_stream_next(&st)) != NULL && !so.io_error) {
		if (o.merge) {
			merge_record(&so, &m, &st, rec);
			continue;
		}
		read_record(&so, &a, &st, rec);
		if (ts != NULL && (so.x.len > 0 ||
		    pp_tsdb_due(ts, pp_tsdb_clock())))
			ship(&so, ts, o.spool);
	}
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	pp_agg_finish(&a);
	if (a.oom || so.oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (o.merge) {
		pp_merge_finish(&m);
		if (m.oom || so.oom)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		pp_merge_report(&m);
	}
	/* The wide table's last rows borrow the merge's strings: they are
	 * written before it is released. */
	(void)pp_statsout_finish(&so);
	if (o.merge)
		pp_merge_release(&m);
	if (so.outages_unwritten > 0)
		pp_warnx("%lu outage%s not written: --outages FILE writes "
		    "them as CSV", so.outages_unwritten,
		    pp_plural(so.outages_unwritten, "", "s"));
	if (ts != NULL) {
		/* The end: retry for --send-wait at most. */
		double deadline = pp_tsdb_clock() + o.send_wait;
		ship(&so, ts, o.spool);
		if (pp_tsdb_drain(ts, deadline) == -1)
			status = PP_EXIT_FAIL;
		pp_tsdb_close(ts);
	}
	if (a.late > 0)
		pp_warnx("%llu probe%s arrived more than %.1f s after newer "
		    "ones and %s counted out of order",
		    (unsigned long long)a.late, pp_plural(a.late, "", "s"),
		    a.o.horizon, pp_plural(a.late, "was", "were"));
	if (a.late_window > 0)
		pp_warnx("%llu probe%s came after %s --every window had "
		    "been written and %s not counted (a window is written "
		    "once)", (unsigned long long)a.late_window,
		    pp_plural(a.late_window, "", "s"),
		    pp_plural(a.late_window, "its", "their"),
		    pp_plural(a.late_window, "was", "were"));
	pp_agg_release(&a);
	if (outf != NULL && pp_replace_fclose(outf, o.outages) == -1)
		so.io_error = true;
	if (so.io_error)
		status = PP_EXIT_FAIL;
	status = pp_close_stdout(status);
	/* Replace the files only with complete outputs. */
	status = pp_replace_commit(&out_file, o.output, status);
	status = pp_replace_commit(&outages_file, o.outages, status);
	/* --meta: the settings beside a CSV, table or export. */
	if (o.meta != NULL && status == PP_EXIT_OK &&
	    pp_statsout_meta_write(&so, o.meta) == -1) {
		pp_warnx("cannot replace '%s': %s", o.meta, strerror(errno));
		status = PP_EXIT_FAIL;
	}
	pp_statsout_release(&so);
	return status;
}
