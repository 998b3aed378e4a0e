/* SPDX-License-Identifier: BSD-2-Clause */
/* pp-geo: adds where each address of a record is (country, city,
 * coordinates, ASN, organisation) and, with --rdns, its reverse DNS name.
 *
 * Reads: records of any type, files or stdin, gzip or plain.  Writes: the
 * same records in the same order, each address field F (from, dst, addr)
 * followed by "F_geo" (and "F_host"), the rest of the line untouched.
 * Exit status: 0 success; 1 an input could not be read, a bad line met
 * --strict, or output failed; 2 usage error, or a database (--db,
 * --asn-db, --ranges) that cannot be read or is corrupt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/enrich.h"
#include "lib/compat/getopt.h"
#include "lib/exit.h"
#include "lib/geo.h"
#include "lib/rdns.h"
#include "lib/stream.h"
#include "lib/util.h"

enum { OPT_ASN_DB = 256, OPT_DB, OPT_DNS_MAX, OPT_DNS_SERVER,
	OPT_DNS_TIMEOUT, OPT_FROM, OPT_RANGE_FORMAT, OPT_RANGES, OPT_RDNS,
	OPT_STRICT, OPT_TO };

struct geo_run {
	struct pp_geo g;
	struct pp_rdns *rdns;	/* NULL without --rdns */
	const char *server;	/* --dns-server, NULL the system's */
	double timeout;		/* --dns-timeout, s */
	bool warned;		/* "no answer" said */
	struct pp_enricher en;	/* the records on their way out */
	const int *fd;		/* the input descriptor being read */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-geo [-hV] [--asn-db file] [--db file] [--dns-max n]\n"
	    "              [--dns-server address] [--dns-timeout duration] "
	    "[--from time]\n"
	    "              [--range-format columns] [--ranges file] [--rdns] "
	    "[--strict]\n"
	    "              [--to time] [file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  --db FILE             a MaxMind DB (City, Country; DB-IP, "
		    "IPinfo)\n"
		    "  --asn-db FILE         a MaxMind DB of ASNs\n"
		    "  --ranges FILE         an IP range file (Tor geoip, "
		    "CSV/TSV; gzip)\n"
		    "  --range-format COLS   its columns (default "
		    "start,end,cc)\n"
		    "  --rdns                add reverse DNS names\n"
		    "  --dns-server ADDR     resolver ip or ip:port\n"
		    "  --dns-timeout DUR     per lookup (default 2s)\n"
		    "  --dns-max N           lookups in flight (default 64)\n"
		    "  --from TIME           only records from TIME (ISO 8601, "
		    "epoch, -2h before\n"
		    "                        the input's end, +10m after its "
		    "start, now-1h)\n"
		    "  --to TIME             only records before TIME\n"
		    "  --strict              stop at the first bad line\n"
		    "  -h, --help            this help; -V, --version\n");
	exit(status);
}

/* The resolver answered nothing yet, and lookups timed out: say so, once
 * (the records go on without names). */
static void
check_silent(struct geo_run *r)
{
	if (r->warned || !pp_rdns_silent(r->rdns))
		return;
	r->warned = true;
	pp_warnx("reverse DNS: no answer from %s%s within %g s; records go "
	    "on without names", r->server != NULL ? "the server " :
	    "the system's resolver", r->server != NULL ? r->server : "",
	    r->timeout);
}

/* Wait for answers until the head can go (or, when fd is given, until
 * input is readable). */
static void
wait_dns(struct geo_run *r, int fd)
{
	while (pp_enricher_waiting(&r->en) > 0) {
		pp_enricher_drain(&r->en);
		(void)fflush(stdout);
		if (pp_enricher_waiting(&r->en) == 0)
			break;
		bool input = false;
		pp_rdns_wait(r->rdns, 1000, fd, &input);
		check_silent(r);
		pp_enricher_drain(&r->en);
		if (input)
			break;
	}
}

/* The input would block: write what can go, keep answering DNS. */
static void
would_block(void *arg)
{
	struct geo_run *r = arg;

	if (r->rdns != NULL && pp_enricher_waiting(&r->en) > 0)
		wait_dns(r, r->fd != NULL ? *r->fd : -1);
	(void)fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const struct pp_option longopts[] = {
		{ "asn-db", PP_REQ_ARG, NULL, OPT_ASN_DB },
		{ "db", PP_REQ_ARG, NULL, OPT_DB },
		{ "dns-max", PP_REQ_ARG, NULL, OPT_DNS_MAX },
		{ "dns-server", PP_REQ_ARG, NULL, OPT_DNS_SERVER },
		{ "dns-timeout", PP_REQ_ARG, NULL, OPT_DNS_TIMEOUT },
		{ "from", PP_REQ_ARG, NULL, OPT_FROM },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "range-format", PP_REQ_ARG, NULL, OPT_RANGE_FORMAT },
		{ "ranges", PP_REQ_ARG, NULL, OPT_RANGES },
		{ "rdns", PP_NO_ARG, NULL, OPT_RDNS },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "to", PP_REQ_ARG, NULL, OPT_TO },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct geo_run r;
	struct pp_stream st;
	struct pp_record *rec;
	struct pp_error err;
	struct pp_trange range;
	const char *dbs[8];
	int ndbs = 0;
	const char *ranges[8];
	int nranges = 0;
	const char *range_format = NULL;
	const char *server = NULL;
	double timeout = 2;
	long long dns_max = 64;
	bool rdns = false;
	bool strict = false;
	const char *errstr = NULL;
	int status = PP_EXIT_OK;
	int ch;

	pp_cli_init(argv[0]);
	pp_trange_init(&range);
	while ((ch = pp_getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case OPT_ASN_DB:
		case OPT_DB:
			if (ndbs == PP_GEO_MAX_DBS)
				pp_errx(PP_EXIT_USAGE, "at most %d databases",
				    PP_GEO_MAX_DBS);
			dbs[ndbs++] = pp_optarg;
			break;
		case OPT_DNS_MAX:
			dns_max = pp_strtonum(pp_optarg, 1, 4096, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--dns-max: lookups must "
				    "be 1 to 4096: %s", pp_optarg);
			break;
		case OPT_DNS_SERVER:
			server = pp_optarg;
			break;
		case OPT_DNS_TIMEOUT:
			if (pp_parse_duration(pp_optarg, &timeout, &errstr) ==
			    -1 || timeout < 0.001 || timeout > 60)
				pp_errx(PP_EXIT_USAGE, "--dns-timeout: a duration "
				    "of 1ms to 60s: %s", pp_optarg);
			break;
		case OPT_FROM:
			pp_tbound_optarg("--from", pp_optarg, &range.from);
			break;
		case OPT_RANGE_FORMAT:
			range_format = pp_optarg;
			break;
		case OPT_RANGES:
			if (nranges == 8)
				pp_errx(PP_EXIT_USAGE, "at most 8 range files");
			ranges[nranges++] = pp_optarg;
			break;
		case OPT_RDNS:
			rdns = true;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case OPT_TO:
			pp_tbound_optarg("--to", pp_optarg, &range.to);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	if (server != NULL && !rdns)
		pp_errx(PP_EXIT_USAGE, "--dns-server needs --rdns");
	if (pp_geo_init(&r.g) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	pp_error_clear(&err);
	/* A database that cannot be read, or is corrupt, is refused before
	 * any record is read: like a bad option value, status 2 (empty
	 * answers for a whole run would be worse). */
	for (int i = 0; i < ndbs; i++)
		if (pp_geo_open_mmdb(&r.g, dbs[i], &err) == -1)
			pp_errx(PP_EXIT_USAGE, "%s", err.msg);
	for (int i = 0; i < nranges; i++) {
		if (pp_geo_load_ranges(&r.g, ranges[i], range_format, &err) ==
		    -1) {
			pp_warn_input(&err);
			exit(PP_EXIT_USAGE);
		}
	}
	if (rdns) {
		r.server = server;
		r.timeout = timeout;
		r.rdns = pp_rdns_new(server, timeout, (int)dns_max, &err);
		if (r.rdns == NULL)
			pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	}
	pp_enricher_init(&r.en, &r.g, r.rdns, stdout);
	if (pp_stream_open(&st, argv + pp_optind, argc - pp_optind, strict) ==
	    -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	pp_stream_set_range(&st, &range);
	st.rd.opts.would_block = would_block;
	st.rd.opts.arg = &r;
	r.fd = pp_stream_threaded(&st) ? NULL : &st.rd.fd;
	while ((rec = pp_stream_next(&st)) != NULL && !r.en.io_error) {
		if (r.rdns != NULL && pp_enricher_full(&r.en))
			wait_dns(&r, -1);
		pp_enricher_add(&r.en, rec);
	}
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	r.fd = NULL;
	if (r.rdns != NULL) {
		wait_dns(&r, -1);
		unsigned long yes, no;
		pp_rdns_counts(r.rdns, &yes, &no);
		if (no > 0)
			pp_warnx("reverse DNS: %lu of %lu lookups got no answer "
			    "from %s%s", no, yes + no, r.server != NULL ?
			    "the server " : "the system's resolver",
			    r.server != NULL ? r.server : "");
	}
	pp_enricher_drain(&r.en);
	pp_enricher_release(&r.en);
	pp_rdns_free(r.rdns);
	pp_geo_release(&r.g);
	if (r.en.io_error)
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
