/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-mos: voice quality (R-factor and MOS) of the paths in a record
 * stream, by the ITU-T G.107 E-model or the simplified ping-tool model.
 *
 * Reads: probe records (at each target's destination) or stats records
 * (from pp-stats), files or stdin, gzip or plain.  Writes: mos records
 * after a meta record, or a table.
 * Exit status: 0 success; 1 an input could not be read, a bad line met
 * --strict, or output failed; 2 usage error (an unknown codec too). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/agg.h"
#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/emodel.h"
#include "lib/exit.h"
#include "lib/jsonw.h"
#include "lib/stream.h"
#include "lib/trange.h"
#include "lib/util.h"
#include "lib/voice.h"

enum { OPT_EVERY = 256, OPT_FROM, OPT_JB, OPT_JDEF, OPT_LIST, OPT_PACKET,
	OPT_RANDOM, OPT_REFUSED_DOWN, OPT_STRICT, OPT_TO };

struct mos_opts {
	const struct pp_codec *codec;	/* -c */
	bool simplified;	/* -m simplified */
	bool table;		/* -f table */
	bool unbuffered;	/* -u */
	bool strict;		/* --strict */
	bool random_loss;	/* --random-loss: BurstR 1 */
	bool jdef_stdev;	/* --jitter-def stdev */
	bool refused_down;	/* --refused-down */
	double every;		/* --every, s */
	double jb;		/* --jitter-buffer, ms; NAN = 2 x jitter */
	double packet;		/* --packet, ms */
	struct pp_trange range;	/* --from, --to */
};


struct out {
	const struct mos_opts *o;
	int argc;
	char **argv;
	struct pp_jw w;
	bool started;
	bool io_error;
	bool warned_bpl;
	bool windows;		/* table: rows are windows (--every, or stats
				 * records): a Start column */
	struct pp_voice_pick pick;	/* stats input: the deepest hops */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-mos [-huV] [-c codec] [-f format] [-m model] "
	    "[--every duration]\n"
	    "              [--from time] [--jitter-buffer ms] "
	    "[--jitter-def ipdv|stdev]\n"
	    "              [--list-codecs] [--packet ms] [--random-loss] "
	    "[--refused-down]\n"
	    "              [--strict] [--to time] [file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  -c, --codec NAME        codec (default g711-plc; "
		    "--list-codecs)\n"
		    "  -f, --format FMT        ndjson or table (default: "
		    "table on a terminal)\n"
		    "  -m, --model MODEL       emodel (G.107, default) or "
		    "simplified\n"
		    "  -u, --unbuffered        flush after every record\n"
		    "      --every DURATION    one score per window\n"
		    "      --from TIME         only records from TIME (ISO 8601, "
		    "epoch, -2h before\n"
		    "                          the input's end, +10m after its "
		    "start, now-1h)\n"
		    "      --jitter-buffer MS  jitter buffer delay (default 2 x "
		    "jitter)\n"
		    "      --jitter-def DEF    ipdv (mean |dRTT|, default) or "
		    "stdev\n"
		    "      --list-codecs       print the codec table\n"
		    "      --packet MS         packetisation delay (default "
		    "20)\n"
		    "      --random-loss       BurstR 1 (loss taken as "
		    "random)\n"
		    "      --refused-down      a refused TCP connection is lost, "
		    "not an answer\n"
		    "      --strict            stop at the first bad line\n"
		    "      --to TIME           only records before TIME\n");
	exit(status);
}

static void
list_codecs(void)
{
	printf("%-20s %5s %6s %5s %s\n", "codec", "Ie", "Bpl", "ms",
	    "description (ITU-T G.113)");
	for (int i = 0; pp_codec_at(i) != NULL; i++) {
		const struct pp_codec *c = pp_codec_at(i);
		char bpl[16];
		if (isnan(c->bpl))
			(void)snprintf(bpl, sizeof(bpl), "-");
		else
			(void)snprintf(bpl, sizeof(bpl), "%.1f", c->bpl);
		printf("%-20s %5.0f %6s %5.1f %s%s\n", c->name, c->ie, bpl,
		    c->lookahead, c->desc, c->wideband ? ", wideband" : "");
	}
}

static void
write_line(struct out *ot)
{
	if (pp_jw_write(&ot->w, stdout) == -1)
		ot->io_error = true;
	if (ot->o->unbuffered)
		(void)fflush(stdout);
}

static void
start_output(struct out *ot)
{
	char dur[32];

	if (ot->started)
		return;
	ot->started = true;
	if (ot->o->table) {
		pp_voice_table_head(stdout, ot->windows);
		return;
	}
	pp_jw_meta(&ot->w, "pp-mos", ot->argc, ot->argv);
	pp_jw_key(&ot->w, "settings");
	pp_jw_obj_begin(&ot->w);
	pp_jw_kstr(&ot->w, "model", ot->o->simplified ? "simplified" :
	    "emodel");
	pp_jw_kstr(&ot->w, "codec", ot->o->codec->name);
	if (ot->o->every > 0)
		pp_jw_kstr(&ot->w, "every", pp_format_duration(ot->o->every,
		    dur, sizeof(dur)));
	if (isfinite(ot->o->range.lo))
		pp_jw_knum(&ot->w, "from", ot->o->range.lo, PP_DEC_TS);
	if (isfinite(ot->o->range.hi))
		pp_jw_knum(&ot->w, "to", ot->o->range.hi, PP_DEC_TS);
	pp_jw_knum(&ot->w, "packet", ot->o->packet, PP_DEC_MS);
	if (!isnan(ot->o->jb))
		pp_jw_knum(&ot->w, "jitter_buffer", ot->o->jb, PP_DEC_MS);
	pp_jw_kstr(&ot->w, "jitter_def", ot->o->jdef_stdev ? "stdev" :
	    "ipdv");
	pp_jw_kbool(&ot->w, "random_loss", ot->o->random_loss);
	if (ot->o->refused_down)
		pp_jw_kstr(&ot->w, "refused", "down");
	pp_jw_end(&ot->w);
	write_line(ot);
}


/* Score one path (lib/emodel) and write the result. */
static void
score(struct out *ot, const struct pp_voice_path *m)
{
	const struct mos_opts *o = ot->o;
	struct pp_voice_opts vo = {
		.codec = o->codec, .simplified = o->simplified,
		.random_loss = o->random_loss, .jdef_stdev = o->jdef_stdev,
		.jb = o->jb, .packet = o->packet,
	};
	struct pp_mos_rec rec;
	bool no_bpl = false;

	pp_emodel_score(m, &vo, &rec, &no_bpl);
	if (no_bpl && !ot->warned_bpl) {
		pp_warnx("codec %s has no published Bpl: paths with loss are "
		    "not scored", o->codec->name);
		ot->warned_bpl = true;
	}
	start_output(ot);
	if (o->table) {
		pp_voice_table_row(stdout, m, &rec, o->simplified ?
		    "simplified" : o->codec->name, ot->windows);
		return;
	}
	pp_mos_rec_write(&ot->w, &rec);
	write_line(ot);
}

/* A destination's window from lib/agg. */
static void
on_stats(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct out *ot = arg;
	struct pp_stats_rec r;
	struct pp_voice_path m;

	/* Only the destination carries the call. */
	if (!pp_agg_is_dest(a, k))
		return;
	pp_trange_clip(&ot->o->range, &start, &end);
	pp_agg_row(a, k, start, end, &r);
	pp_voice_path_of(&r, &k->st, ot->o->jdef_stdev, &m);
	score(ot, &m);
}

/* A stats record's path (lib/voice): each record its own window. */
static void
on_stats_path(void *arg, const struct pp_voice_path *m)
{
	struct out *ot = arg;

	ot->windows = true;
	score(ot, m);
}

static double
ms_arg(const char *opt, const char *s)
{
	double v = 0;
	const char *errstr = NULL;

	if (pp_strtod_range(s, 0, 10000, &v, &errstr) == -1)
		pp_errx(PP_EXIT_USAGE, "%s: milliseconds must be 0 to 10000: %s",
		    opt, s);
	return v;
}

static void
parse_args(int argc, char **argv, struct mos_opts *o)
{
	static const struct pp_option longopts[] = {
		{ "codec", PP_REQ_ARG, NULL, 'c' },
		{ "every", PP_REQ_ARG, NULL, OPT_EVERY },
		{ "format", PP_REQ_ARG, NULL, 'f' },
		{ "from", PP_REQ_ARG, NULL, OPT_FROM },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "jitter-buffer", PP_REQ_ARG, NULL, OPT_JB },
		{ "jitter-def", PP_REQ_ARG, NULL, OPT_JDEF },
		{ "list-codecs", PP_NO_ARG, NULL, OPT_LIST },
		{ "model", PP_REQ_ARG, NULL, 'm' },
		{ "packet", PP_REQ_ARG, NULL, OPT_PACKET },
		{ "random-loss", PP_NO_ARG, NULL, OPT_RANDOM },
		{ "refused-down", PP_NO_ARG, NULL, OPT_REFUSED_DOWN },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "to", PP_REQ_ARG, NULL, OPT_TO },
		{ "unbuffered", PP_NO_ARG, NULL, 'u' },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool format_set = false;
	int ch;

	while ((ch = pp_getopt_long(argc, argv, "c:f:hm:uV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->codec = pp_codec_find(pp_optarg);
			if (o->codec == NULL)
				pp_errx(PP_EXIT_USAGE, "-c: unknown codec '%s' "
				    "(pp-mos --list-codecs)", pp_optarg);
			break;
		case 'f':
			if (strcmp(pp_optarg, "table") == 0)
				o->table = true;
			else if (strcmp(pp_optarg, "ndjson") == 0)
				o->table = false;
			else
				pp_errx(PP_EXIT_USAGE, "-f: format must be "
				    "ndjson or table: %s", pp_optarg);
			format_set = true;
			break;
		case 'h':
			usage(0);
		case 'm':
			if (strcmp(pp_optarg, "simplified") == 0)
				o->simplified = true;
			else if (strcmp(pp_optarg, "emodel") == 0)
				o->simplified = false;
			else
				pp_errx(PP_EXIT_USAGE, "-m: model must be emodel "
				    "or simplified: %s", pp_optarg);
			break;
		case 'u':
			o->unbuffered = true;
			break;
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case OPT_EVERY:
			o->every = pp_duration_optarg("--every", pp_optarg,
			    0.001);
			break;
		case OPT_FROM:
			pp_tbound_optarg("--from", pp_optarg, &o->range.from);
			break;
		case OPT_JB:
			o->jb = ms_arg("--jitter-buffer", pp_optarg);
			break;
		case OPT_JDEF:
			if (strcmp(pp_optarg, "stdev") == 0)
				o->jdef_stdev = true;
			else if (strcmp(pp_optarg, "ipdv") == 0)
				o->jdef_stdev = false;
			else
				pp_errx(PP_EXIT_USAGE, "--jitter-def: ipdv or "
				    "stdev: %s", pp_optarg);
			break;
		case OPT_LIST:
			list_codecs();
			exit(pp_close_stdout(0));
		case OPT_PACKET:
			o->packet = ms_arg("--packet", pp_optarg);
			break;
		case OPT_RANDOM:
			o->random_loss = true;
			break;
		case OPT_REFUSED_DOWN:
			o->refused_down = true;
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
	if (!format_set)
		o->table = pp_isatty(1);
}

int
main(int argc, char **argv)
{
	struct pp_voice_opts dv;
	struct mos_opts o;
	struct out ot;
	struct pp_agg a;
	struct pp_stream st;
	struct pp_record *rec;
	int status = PP_EXIT_OK;

	pp_cli_init(argv[0]);
	pp_voice_opts_init(&dv);
	memset(&o, 0, sizeof(o));
	o.codec = dv.codec;
	o.jb = dv.jb;
	o.packet = dv.packet;
	pp_trange_init(&o.range);
	parse_args(argc, argv, &o);
	memset(&ot, 0, sizeof(ot));
	ot.o = &o;
	ot.argc = argc;
	ot.argv = argv;
	ot.windows = o.every > 0;
	pp_jw_init(&ot.w);
	pp_voice_pick_init(&ot.pick, o.jdef_stdev, on_stats_path, &ot);

	struct pp_agg_opts ao = {
		.every = o.every,
		.horizon = PP_HORIZON_DEFAULT,
		.outage_loss = 100,
		.outage_min = INFINITY,
		.outcome = { .refused_down = o.refused_down },
	};
	struct pp_agg_sink sink = { .stats = on_stats, .arg = &ot };
	if (pp_agg_init(&a, &ao, &sink) == -1 ||
	    pp_stream_open(&st, argv + pp_optind, argc - pp_optind,
	    o.strict) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	(void)pp_stream_time_order(&st);
	pp_stream_set_range(&st, &o.range);
	while ((rec = pp_stream_next(&st)) != NULL && !ot.io_error) {
		if (rec->type == PP_REC_PROBE) {
			if (pp_agg_probe(&a, &rec->probe) == -1)
				pp_errx(PP_EXIT_FAIL, "out of memory");
		} else if (rec->type == PP_REC_STATS) {
			pp_voice_pick_add(&ot.pick, pp_record_json(rec, NULL));
		} else if (rec->type == PP_REC_META) {
			json_t *m = pp_record_json(rec, NULL);
			pp_agg_meta(&a, m != NULL ? json_object_get(m,
			    "settings") : NULL);
		}
	}
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	pp_voice_pick_flush(&ot.pick);
	pp_agg_finish(&a);
	if (a.oom)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	pp_agg_release(&a);
	pp_voice_pick_release(&ot.pick);
	pp_jw_release(&ot.w);
	if (ot.io_error)
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
