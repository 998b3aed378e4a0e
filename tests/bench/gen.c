/* SPDX-License-Identifier: BSD-2-Clause */
/* gen: deterministic synthetic pp-trace output for benchmarks, tests and
 * the bundled sample.  Writes a meta record (marked synthetic) and probe
 * records of T targets traced over 12 hops, in the order a prober writes
 * them: replies as they come, timeouts once the timeout has passed (so
 * after the replies of later probes).
 *
 * usage: gen [-n records] [-s seed] [-t targets] [-i interval]
 *            [-S start] [--events]
 *   --events  a latency step of +25 ms from hop 9 on at 40% of the run, a
 *             route change at hop 6 at 60%, and an outage of 8 rounds at
 *             80% (for the sample archive). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/jsonw.h"
#include "lib/record.h"
#include "lib/util.h"

#define HOPS 12

static uint64_t rng_state;

static double
rnd(void)
{
	/* xorshift64*: deterministic across platforms. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) /
	    9007199254740992.0;
}

/* A delayed timeout record. */
struct pending {
	double due;
	struct pp_probe p;
};

int
main(int argc, char **argv)
{
	static const struct pp_option longopts[] = {
		{ "events", PP_NO_ARG, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	long long n = 1000000;
	long long seed = 1;
	long long targets = 1;
	double interval = 1.0;
	double start = 1764000000.0;
	bool events = false;
	const char *errstr = NULL;
	int ch;

	pp_cli_init(argv[0]);
	while ((ch = pp_getopt_long(argc, argv, "ei:n:S:s:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'e':
			events = true;
			break;
		case 'i':
			if (pp_strtod_range(pp_optarg, 0.001, 3600, &interval,
			    &errstr) == -1)
				pp_errx(2, "-i: interval must be 0.001 to 3600");
			break;
		case 'n':
			n = pp_strtonum(pp_optarg, 1, 10000000000LL, &errstr);
			if (errstr != NULL)
				pp_errx(2, "-n: %s", errstr);
			break;
		case 'S':
			if (pp_strtod_range(pp_optarg, 0, 1e11, &start,
			    &errstr) == -1)
				pp_errx(2, "-S: bad start");
			break;
		case 's':
			seed = pp_strtonum(pp_optarg, 0, INT64_MAX, &errstr);
			if (errstr != NULL)
				pp_errx(2, "-s: %s", errstr);
			break;
		case 't':
			targets = pp_strtonum(pp_optarg, 1, 1000000, &errstr);
			if (errstr != NULL)
				pp_errx(2, "-t: %s", errstr);
			break;
		default:
			fprintf(stderr, "usage: gen [-n records] [-s seed] "
			    "[-t targets] [-i interval] [-S start] "
			    "[--events]\n");
			return 2;
		}
	}
	rng_state = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	struct pp_jw w;
	pp_jw_init(&w);
	pp_jw_meta(&w, "pp-trace", argc, argv);
	pp_jw_key(&w, "settings");
	pp_jw_obj_begin(&w);
	pp_jw_kstr(&w, "proto", "icmp");
	pp_jw_knum(&w, "interval", interval, PP_DEC_MS);
	pp_jw_knum(&w, "timeout", 2.0, PP_DEC_MS);
	pp_jw_kint(&w, "size", 64);
	pp_jw_kint(&w, "max_ttl", 30);
	pp_jw_kbool(&w, "synthetic", true);
	pp_jw_kstr(&w, "note", "synthetic records from tests/bench/gen, not "
	    "a measurement");
	pp_jw_end(&w);
	pp_jw_write(&w, stdout);

	static const double base[HOPS] = { 0.4, 1.2, 3.5, 4.1, 8.2, 9.0, 14.6,
	    15.1, 22.3, 23.0, 24.2, 24.9 };
	static const double ratelimit[HOPS] = { 0, 0, 0.02, 0, 0.30, 0, 0,
	    0.10, 0, 0, 0, 0 };
	long long rounds = (n + targets * HOPS - 1) / (targets * HOPS);
	/* Timeouts in flight: 4 rounds of every probe, at most 2^20 (a
	 * timeout past that is not written: many targets). */
	size_t cap = (size_t)(targets * HOPS * 4 + 16);
	if (cap > (1u << 20))
		cap = 1u << 20;
	struct pending *pend = calloc(cap, sizeof(*pend));
	size_t npend = 0;
	char dst[64], from[64], tname[64];
	long long written = 0;
	long long seq = 0;

	for (long long r = 0; r < rounds && written < n; r++) {
		double t0 = start + (double)r * interval;
		bool step = events && r >= rounds * 4 / 10;
		bool moved = events && r >= rounds * 6 / 10;
		bool outage = events && r >= rounds * 8 / 10 &&
		    r < rounds * 8 / 10 + 8;
		/* Timeouts due by now come first. */
		for (size_t i = 0; i < npend;) {
			if (pend[i].due <= t0 && written < n) {
				pp_probe_write(&w, &pend[i].p);
				pp_jw_write(&w, stdout);
				written++;
				free((char *)(size_t)pend[i].p.target);
				free((char *)(size_t)pend[i].p.dst);
				pend[i] = pend[--npend];
			} else {
				i++;
			}
		}
		for (long long t = 0; t < targets && written < n; t++) {
			(void)snprintf(tname, sizeof(tname), "target%lld.example",
			    t);
			(void)snprintf(dst, sizeof(dst), "198.18.%lld.%lld",
			    100 + t / 250, 1 + t % 250);
			bool dest_lost_run = events ? outage : rnd() < 0.004;
			for (int h = 0; h < HOPS && written < n; h++) {
				struct pp_probe p;
				memset(&p, 0, sizeof(p));
				p.ts = t0 + (double)h * 0.0005 + (double)t *
				    0.00001;
				p.target = tname;
				p.dst = dst;
				p.proto = "icmp";
				p.ttl = h + 1;
				p.round = r;
				p.seq = seq++;
				p.reply_ttl = p.code = p.port = p.size = -1;
				p.flow = -1;
				bool last = h == HOPS - 1;
				bool lost = (last || h >= 9) && dest_lost_run;
				if (!last && rnd() < ratelimit[h])
					lost = true;
				if (!lost && rnd() < 0.001)
					lost = true;
				if (lost) {
					p.status = PP_ST_TIMEOUT;
					p.rtt = NAN;
					if (npend == cap)
						continue;
					pend[npend].due = p.ts + 2.0;
					pend[npend].p = p;
					/* Keep the strings: copy them. */
					pend[npend].p.target = strdup(tname);
					pend[npend].p.dst = strdup(dst);
					npend++;
					continue;
				}
				double rtt = base[h] + (step && h >= 8 ? 25 : 0) +
				    (double)t * 0.01;
				rtt += -log(1 - rnd()) * (0.05 + 0.02 * h);
				if (rnd() < 0.01)
					rtt += rnd() * 30;
				p.rtt = floor(rtt * 1000 + 0.5) / 1000;
				if (last) {
					p.status = PP_ST_REPLY;
					(void)snprintf(from, sizeof(from), "%s",
					    dst);
					p.reply_ttl = 52;
				} else {
					p.status = PP_ST_TTL_EXPIRED;
					int third = h == 4 && rnd() < 0.35 ? 9 :
					    h == 5 && moved ? 7 : 2;
					(void)snprintf(from, sizeof(from),
					    "198.18.%d.%d", h + 1, third);
					p.reply_ttl = 255 - h;
				}
				p.from = from;
				pp_probe_write(&w, &p);
				pp_jw_write(&w, stdout);
				written++;
			}
		}
	}
	for (size_t i = 0; i < npend; i++) {
		if (written < n) {
			pp_probe_write(&w, &pend[i].p);
			pp_jw_write(&w, stdout);
			written++;
		}
		free((char *)(size_t)pend[i].p.target);
		free((char *)(size_t)pend[i].p.dst);
	}
	free(pend);
	pp_jw_release(&w);
	return pp_close_stdout(0);
}
