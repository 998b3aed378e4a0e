/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/intern.h"
#include "lib/runsum.h"
#include "lib/stats.h"
#include "lib/summary.h"
#include "tests/unit/check.h"

void test_summary(void);

/* Probes into s: answered with each RTT of rtts (ms; NAN: lost for
 * why, from the source id and ICMP code). */
static void
feed(struct pp_stats *s, const double *rtts, int n, enum pp_loss why,
    uint32_t from, int code)
{
	for (int i = 0; i < n; i++) {
		pp_stats_add(s, 1000.0 + i, rtts[i], 0);
		if (isnan(rtts[i]))
			pp_stats_lost_why(s, why, from, code);
	}
}

#define PROBE_HEAD(name) "--- " name " pp-probe statistics ---\n"
#define TRACE_HEAD(name) "--- " name " pp-trace statistics ---\n"
#define RUN3 "run 3.0 s, no outage (loss >= 30% for >= 3 s)\n"

/* A case's settings. */
#define PING 0x1	/* ping's lines */
#define DOWN 0x2	/* refused counts as down */
#define DEADLINE 0x4	/* -c 3 -w */
#define COUNT 0x8	/* -c 3 without -w */
#define NORUN 0x10	/* no run lines (no runsum) */
#define TAIL 0x20	/* want is the end of the text, from a line start */

/* Whether out is want, or with TAIL ends with it at a line start. */
static bool
text_is(const char *out, const char *want, unsigned flags)
{
	if (out == NULL)
		return false;
	if ((flags & TAIL) == 0)
		return strcmp(out, want) == 0;
	size_t ol = strlen(out);
	size_t wl = strlen(want);
	return ol >= wl && strcmp(out + ol - wl, want) == 0 && (ol == wl ||
	    out[ol - wl - 1] == '\n');
}

/* The text pp_summary_probe (pt and po) or pp_summary_trace (tt and to)
 * writes of n targets to an unbuffered stream reaches its reader in one
 * write: a message of a SOCK_SEQPACKET pair is one write, so the first
 * is all of text (of len bytes), and no other follows. */
static void
one_write(const char *what, size_t i, const struct pp_summary_probe *pt,
    const struct pp_summary_probe_opts *po, const struct pp_summary_trace *tt,
    const struct pp_summary_trace_opts *to, int n, const char *text,
    size_t len)
{
	int sv[2];
	static char got[1 << 16];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1) {
		CHECK_ERRNO(false, "socketpair");
		return;
	}
	FILE *f = fdopen(sv[0], "w");
	CHECK_ERRNO(f != NULL, "fdopen");
	if (f == NULL) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return;
	}
	(void)setvbuf(f, NULL, _IONBF, 0);
	(void)(pt != NULL ? pp_summary_probe(f, pt, n, po) :
	    pp_summary_trace(f, tt, n, to));
	(void)fclose(f);
	ssize_t first = recv(sv[1], got, sizeof(got), MSG_DONTWAIT);
	ssize_t next = recv(sv[1], got + (first > 0 ? first : 0),
	    sizeof(got) - (first > 0 ? (size_t)first : 0), MSG_DONTWAIT);
	(void)close(sv[1]);
	if (len == 0) {
		CHECK(first == 0, "%s case %zu: a write of nothing: %zd",
		    what, i, first);
		return;
	}
	CHECK(first == (ssize_t)len && memcmp(got, text, len) == 0 &&
	    next == 0, "%s case %zu: %zu bytes in writes of %zd, then %zd, "
	    "want one write", what, i, len, first, next);
}

/* One case: the text pp_summary_probe (pt and po) or pp_summary_trace
 * (tt and to) writes of n targets is want, and it returns want_ret;
 * and it reaches an unbuffered stream in one write. */
static void
run_case(const char *what, size_t i, const struct pp_summary_probe *pt,
    const struct pp_summary_probe_opts *po, const struct pp_summary_trace *tt,
    const struct pp_summary_trace_opts *to, int n, const char *want,
    unsigned flags, int want_ret)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int ret = -1;

	if (f != NULL) {
		ret = pt != NULL ? pp_summary_probe(f, pt, n, po) :
		    pp_summary_trace(f, tt, n, to);
		(void)fclose(f);
	}
	CHECK(text_is(out, want, flags), "%s case %zu: got \"%s\", want "
	    "\"%s\"", what, i, out != NULL ? out : "(null)", want);
	CHECK(ret == want_ret, "%s case %zu: %d failing, want %d", what, i,
	    ret, want_ret);
	if (out != NULL)
		one_write(what, i, pt, po, tt, to, n, out, len);
	free(out);
}

static void
summary_probe(void)
{
	struct pp_intern addrs;
	struct pp_runsum rs;
	struct pp_stats all, some, lost, one, two, none, tcp, single;
	const double ok3[] = { 1.0, 2.0, 3.0 };
	const double some3[] = { 1.0, NAN, 3.0 };
	const double lost2[] = { NAN, NAN };

	CHECK(pp_intern_init(&addrs, 16) == 0, "intern");
	CHECK(pp_runsum_init(&rs, 3.0, NULL) == 0, "runsum");
	pp_runsum_finish(&rs);
	uint32_t hop = pp_intern(&addrs, "198.18.2.2");
	pp_stats_init(&all);
	pp_stats_init(&some);
	pp_stats_init(&lost);
	pp_stats_init(&one);
	pp_stats_init(&none);
	pp_stats_init(&tcp);
	feed(&all, ok3, 3, PP_LOSS_NONE, 0, 0);
	feed(&some, some3, 3, PP_LOSS_UNREACHABLE, hop, 1);
	feed(&lost, lost2, 2, PP_LOSS_TIMEOUT, UINT32_MAX, -1);
	/* One of each: an answer, a send error, a timeout not counted;
	 * then two of the last two. */
	pp_stats_add(&one, 1000.0, 0.5, 0);
	pp_stats_add(&one, 1001.0, NAN, 0);
	pp_stats_lost_why(&one, PP_LOSS_ERROR, UINT32_MAX, -1);
	one.local_drop = 1;
	pp_stats_init(&two);
	pp_stats_add(&two, 1000.0, 0.5, 0);
	pp_stats_add(&two, 1001.0, NAN, 0);
	pp_stats_lost_why(&two, PP_LOSS_ERROR, UINT32_MAX, -1);
	two.lost_by[PP_LOSS_ERROR] = 2;
	two.local_drop = 2;
	pp_stats_init(&single);
	pp_stats_add(&single, 1000.0, 0.5, 0);
	/* TCP: two connections refused. */
	feed(&tcp, lost2, 2, PP_LOSS_REFUSED, UINT32_MAX, -1);
	pp_stats_conn(&tcp, PP_CONN_REFUSED);
	pp_stats_conn(&tcp, PP_CONN_REFUSED);

	struct pp_summary_probe t[] = {
		{ "a.example", true, &all, 3, "" },
		{ "b.example", true, &some, 2, "" },
		{ "lost.example", true, &lost, 0, "" },
		{ "one.example", true, &one, 1, "No route to host" },
		{ "nonexistent.invalid", false, &none, 0, "" },
		{ "tcp.example", true, &tcp, 0, "" },
		/* 6 */
		{ "two.example", true, &two, 1, "No route to host" },
		{ "bad\033[2Jname", true, &lost, 0, "" },
		{ "single.example", true, &single, 1, "" },
		/* 9: eleven failing, the last two counted */
		{ "t0", true, &lost, 0, "" }, { "t1", true, &lost, 0, "" },
		{ "t2", true, &lost, 0, "" }, { "t3", true, &lost, 0, "" },
		{ "t4", true, &lost, 0, "" }, { "t5", true, &lost, 0, "" },
		{ "t6", true, &lost, 0, "" }, { "t7", true, &lost, 0, "" },
		{ "t8", true, &lost, 0, "" }, { "t9", true, &lost, 0, "" },
		{ "t10", true, &lost, 0, "" },
	};
	static const struct {
		int first;	/* the targets: t[first .. first + n) */
		int n;
		unsigned flags;
		const char *want;
		int ret;	/* targets failing */
	} cases[] = {
		/* All answered: the figures, the run, no closing line. */
		{ 0, 1, 0, PROBE_HEAD("a.example") "3 probes sent, 3 "
		    "answered, 0.0% loss, rtt min/avg/max/stdev = "
		    "1.000/2.000/3.000/1.000 ms\n" RUN3, 0 },
		/* Some lost: why (the unreachable's name, code, source),
		 * the answers' RTTs. */
		{ 1, 1, 0, PROBE_HEAD("b.example") "3 probes sent, 2 "
		    "answered, 33.3% loss, 1 unreachable (host-unreachable, "
		    "code 1) from 198.18.2.2, rtt min/avg/max/stdev = "
		    "1.000/2.000/3.000/1.414 ms\n" RUN3, 0 },
		/* All lost: no RTT, the target named. */
		{ 2, 1, 0, PROBE_HEAD("lost.example") "2 probes sent, 0 "
		    "answered, 100.0% loss\n" RUN3 "pp-probe: no answer from "
		    "lost.example\n", 1 },
		/* Counts of one and two (pp_plural); one RTT's stdev 0. */
		{ 3, 1, 0, PROBE_HEAD("one.example") "2 probes sent, 1 "
		    "answered, 50.0% loss, 1 send error (No route to host), 1 "
		    "timeout maybe lost inside this host (not counted), rtt "
		    "min/avg/max/stdev = 0.500/0.500/0.500/0.000 ms\n" RUN3,
		    0 },
		{ 8, 1, 0, PROBE_HEAD("single.example") "1 probe sent, 1 "
		    "answered, 0.0% loss, rtt min/avg/max/stdev = "
		    "0.500/0.500/0.500/0.000 ms\n" RUN3, 0 },
		{ 6, 1, 0, PROBE_HEAD("two.example") "2 probes sent, 1 "
		    "answered, 50.0% loss, 2 send errors (No route to host), 2 "
		    "timeouts maybe lost inside this host (not counted), rtt "
		    "min/avg/max/stdev = 0.500/0.500/0.500/0.000 ms\n" RUN3,
		    0 },
		/* A name that never resolved: nothing sent, no loss, no run
		 * line, not a failure. */
		{ 4, 1, 0, PROBE_HEAD("nonexistent.invalid") "0 probes sent "
		    "(the name did not resolve)\n", 0 },
		{ 4, 1, PING, PROBE_HEAD("nonexistent.invalid") "0 packets "
		    "transmitted, 0 received\n", 0 },
		/* Refused connections, counted as down or not. */
		{ 5, 1, DOWN, PROBE_HEAD("tcp.example") "2 probes sent, 0 "
		    "answered, 100.0% loss, connections 0 open, 2 refused "
		    "(counted as down)\n" RUN3 "pp-probe: no answer from "
		    "tcp.example\n", 1 },
		{ 5, 1, NORUN, PROBE_HEAD("tcp.example") "2 probes sent, 0 "
		    "answered, 100.0% loss, connections 0 open, 2 refused\n"
		    "pp-probe: no answer from tcp.example\n", 1 },
		/* ping's lines: its loss (%g of a float), errors, time,
		 * mdev; pp's reasons on a line of their own. */
		{ 0, 2, PING, PROBE_HEAD("a.example") "3 packets "
		    "transmitted, 3 received, 0% packet loss, time 3000ms\n"
		    "rtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms\n" RUN3
		    PROBE_HEAD("b.example") "3 packets transmitted, 2 "
		    "received, +1 errors, 33.3333% packet loss, time 3000ms\n"
		    "rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms\n"
		    "1 unreachable (host-unreachable, code 1) from "
		    "198.18.2.2\n" RUN3, 0 },
		/* -c 3 -w: fewer than 3 answers by the deadline fails, and
		 * so does none; each kind named on its line.  Without -w
		 * only none. */
		{ 0, 6, DEADLINE | TAIL, "pp-probe: no answer from "
		    "lost.example, tcp.example\npp-probe: fewer than 3 answers "
		    "by the deadline from b.example, one.example\n", 4 },
		{ 0, 6, COUNT | TAIL, "run 3.0 s, no outage (loss >= 30% for "
		    ">= 3 s)\npp-probe: no answer from lost.example, "
		    "tcp.example\n", 2 },
		/* Names through lib/sanitize. */
		{ 7, 1, NORUN, PROBE_HEAD("bad\\x1b[2Jname") "2 probes sent, "
		    "0 answered, 100.0% loss\npp-probe: no answer from "
		    "bad\\x1b[2Jname\n", 1 },
		/* The eleventh failing target on is counted, not named. */
		{ 9, 11, NORUN | TAIL, "pp-probe: no answer from t0, t1, t2, "
		    "t3, t4, t5, t6, t7, t8, t9 and 1 more\n", 11 },
		{ 7, 13, NORUN | TAIL, "pp-probe: no answer from "
		    "bad\\x1b[2Jname, t0, t1, t2, t3, t4, t5, t6, t7, t8 and 2 "
		    "more\n", 12 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned fl = cases[i].flags;
		struct pp_summary_probe_opts o = {
			.prog = "pp-probe",
			.addrs = &addrs,
			.rs = fl & NORUN ? NULL : &rs,
			.run_s = 3.0,
			.count = fl & (DEADLINE | COUNT) ? 3 : 0,
			.deadline = (fl & DEADLINE) != 0,
			.ping = (fl & PING) != 0,
			.refused_down = (fl & DOWN) != 0,
		};
		run_case("probe", i, &t[cases[i].first], &o, NULL, NULL,
		    cases[i].n, cases[i].want, fl, cases[i].ret);
	}
	pp_stats_release(&all);
	pp_stats_release(&some);
	pp_stats_release(&lost);
	pp_stats_release(&one);
	pp_stats_release(&two);
	pp_stats_release(&none);
	pp_stats_release(&tcp);
	pp_stats_release(&single);
	pp_runsum_release(&rs);
	pp_intern_release(&addrs);
}

static void
summary_trace(void)
{
	struct pp_runsum rs;

	CHECK(pp_runsum_init(&rs, 3.0, NULL) == 0, "runsum");
	pp_runsum_finish(&rs);
	static const struct pp_summary_trace t[] = {
		/* name, resolved, dst, rounds, reached, local, last_rtt,
		 * hops, unreach, code, from, refused, errors, err */
		{ "one.example", true, "127.0.0.1", 1, 1, 0, 0.047, 1, 0, -1,
		    "", 0, 0, "" },
		{ "some.example", true, "fd00::2", 4, 3, 0, 1.5, 3, 1, 3,
		    "fd00::1", 0, 0, "" },
		{ "lost.example", true, "198.18.4.2", 2, 0, 0, 0.0, 0, 0, -1,
		    "", 2, 1, "No route to host" },
		{ "local.example", true, "198.18.4.2", 3, 1, 1, 2.0, 2, 0, -1,
		    "", 0, 0, "" },
		{ "nonexistent.invalid", false, "", 0, 0, 0, 0.0, 0, 0, -1, "",
		    0, 0, "" },
		{ "inside.example", true, "198.18.4.2", 2, 0, 2, 0.0, 0, 1, -1,
		    "", 0, 0, "" },
	};
	static const struct {
		int first;	/* the targets: t[first .. first + n) */
		int n;
		unsigned flags;
		const char *want;
		int ret;	/* destinations never answered */
	} cases[] = {
		/* All answered, counts of one: a round, a hop. */
		{ 0, 1, 0, TRACE_HEAD("one.example") "1 round, destination "
		    "answered in 1 (0.0% loss), 1 hop, last rtt 0.047 ms\n"
		    RUN3, 0 },
		/* Some lost to an IPv6 unreachable: its v6 name, code,
		 * source; the hops. */
		{ 1, 1, 0, TRACE_HEAD("some.example") "4 rounds, destination "
		    "answered in 3 (25.0% loss), 1 unreachable "
		    "(address-unreachable, code 3) from fd00::1, 3 hops, last "
		    "rtt 1.500 ms\n" RUN3, 0 },
		/* All lost: refused and send errors, no hops; named. */
		{ 2, 1, 0, TRACE_HEAD("lost.example") "2 rounds, destination "
		    "answered in 0 (100.0% loss), 2 refused (counted as down), "
		    "1 with send errors (No route to host)\n" RUN3 "pp-trace: "
		    "no answer from the destination of lost.example\n", 1 },
		/* A round maybe lost inside this host is out of the loss;
		 * all of them so: no loss; an unreachable without code or
		 * source. */
		{ 3, 1, 0, TRACE_HEAD("local.example") "3 rounds, destination "
		    "answered in 1 (50.0% loss), 1 round maybe lost inside "
		    "this host (not counted), 2 hops, last rtt 2.000 ms\n"
		    RUN3, 0 },
		{ 5, 1, NORUN, TRACE_HEAD("inside.example") "2 rounds, "
		    "destination answered in 0 (0.0% loss), 1 unreachable "
		    "(unreachable), 2 rounds maybe lost inside this host (not "
		    "counted)\npp-trace: no answer from the destination of "
		    "inside.example\n", 1 },
		/* A name that never resolved: no block, not a failure. */
		{ 4, 1, 0, "", 0 },
		{ 0, 6, NORUN | TAIL, "pp-trace: no answer from the "
		    "destination of lost.example, inside.example\n", 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned fl = cases[i].flags;
		struct pp_summary_trace_opts o = {
			.prog = "pp-trace",
			.rs = fl & NORUN ? NULL : &rs,
			.run_s = 3.0,
		};
		run_case("trace", i, NULL, NULL, &t[cases[i].first], &o,
		    cases[i].n, cases[i].want, fl, cases[i].ret);
	}
	pp_runsum_release(&rs);
}

/* A probe of a trace round by its letter, at ttl, rtt ms: H a hop's
 * answer, D the destination's, R its refusal (TCP RST), U an unreachable
 * from 198.18.2.1 code 1 (u: IPv6's from fd00::1 code 3), T a timeout,
 * L one maybe lost inside this host, E a send error (e: without text). */
static void
probe_kind(struct pp_probe *p, char k, int ttl, double rtt)
{
	*p = (struct pp_probe){
		.target = "t", .dst = "198.18.4.2", .proto = "tcp",
		.round = 0, .ttl = ttl, .code = -1, .rtt = NAN,
		.status = PP_ST_TIMEOUT,
	};
	switch (k) {
	case 'H':
		p->status = PP_ST_TTL_EXPIRED;
		p->from = "198.18.1.2";
		p->rtt = rtt;
		break;
	case 'D':
	case 'R':
		p->status = PP_ST_REPLY;
		p->from = p->dst;
		p->rtt = rtt;
		p->conn = k == 'R' ? PP_CONN_REFUSED : PP_CONN_OPEN;
		break;
	case 'U':
	case 'u':
		p->status = PP_ST_UNREACHABLE;
		p->from = k == 'U' ? "198.18.2.1" : "fd00::1";
		p->code = k == 'U' ? 1 : 3;
		p->rtt = rtt;
		break;
	case 'L':
		p->local_drop = true;
		break;
	case 'E':
	case 'e':
		p->status = PP_ST_ERROR;
		p->err = k == 'E' ? "No route to host" : NULL;
		break;
	default:
		break;
	}
}

/* pp_summary_trace_probe and _round: rounds of probes (a round a word,
 * its probes at TTL 1 on; '*': abandoned with probes in flight), tallied
 * into a target's figures. */
static void
summary_tally(void)
{
	static const struct {
		const char *rounds;	/* words, space-separated */
		bool down;		/* --refused-down */
		/* rounds, reached, local, unreach, refused, errors, hops,
		 * last rtt (of the last probe's rtt: 1 + its TTL), the
		 * unreachable's source and code, the send error */
		long long n, reached, local, unreach, refused, errors;
		int hops;
		double last;
		const char *from;
		int code;
		const char *err;
	} cases[] = {
		/* Reached: hops from the lowest TTL it answered at. */
		{ "HHD", false, 1, 1, 0, 0, 0, 0, 3, 4.0, "", 0, "" },
		{ "HHD HD HHHD", false, 3, 3, 0, 0, 0, 0, 2, 5.0, "", 0, "" },
		/* Lost: the first reason of reached, local, unreachable,
		 * refused, errors; a timeout only a round. */
		{ "HHT", false, 1, 0, 0, 0, 0, 0, 0, 0.0, "", 0, "" },
		{ "HLU", false, 1, 0, 1, 0, 0, 0, 0, 0.0, "198.18.2.1", 1,
		    "" },
		{ "HUE", false, 1, 0, 0, 1, 0, 0, 0, 0.0, "198.18.2.1", 1,
		    "No route to host" },
		{ "HER", true, 1, 0, 0, 0, 1, 0, 0, 0.0, "", 0,
		    "No route to host" },
		{ "HTE", false, 1, 0, 0, 0, 0, 1, 0, 0.0, "", 0,
		    "No route to host" },
		{ "LD", false, 1, 1, 0, 0, 0, 0, 2, 3.0, "", 0, "" },
		/* A refusal is the destination's answer unless down. */
		{ "HR", false, 1, 1, 0, 0, 0, 0, 2, 3.0, "", 0, "" },
		{ "HR HR", true, 2, 0, 0, 0, 2, 0, 0, 0.0, "", 0, "" },
		/* The first send error's text kept, "error" without one;
		 * the latest unreachable's source and code. */
		{ "e E", false, 2, 0, 0, 0, 0, 2, 0, 0.0, "", 0, "error" },
		{ "U u", false, 2, 0, 0, 2, 0, 0, 0, 0.0, "fd00::1", 3, "" },
		/* Abandoned: counted only when the destination answered. */
		{ "HD HT*", false, 1, 1, 0, 0, 0, 0, 2, 3.0, "", 0, "" },
		{ "HD* HT", false, 2, 1, 0, 0, 0, 0, 2, 3.0, "", 0, "" },
		{ "HU*", false, 0, 0, 0, 0, 0, 0, 0, 0.0, "198.18.2.1", 1,
		    "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_summary_trace t = { .name = "t" };
		struct pp_outcome_opts o = { .refused_down = cases[i].down };
		const char *c = cases[i].rounds;
		while (*c != '\0') {
			struct pp_summary_round rd = { 0 };
			int ttl = 1;
			for (; *c != '\0' && *c != ' ' && *c != '*'; c++) {
				struct pp_probe p;
				probe_kind(&p, *c, ttl, 1.0 + ttl);
				pp_summary_trace_probe(&t, &rd, &p, &o);
				ttl++;
			}
			pp_summary_trace_round(&t, &rd, *c == '*');
			if (*c == '*')
				c++;
			if (*c == ' ')
				c++;
		}
		CHECK(t.rounds == cases[i].n && t.reached == cases[i].reached &&
		    t.local == cases[i].local &&
		    t.unreach == cases[i].unreach &&
		    t.refused == cases[i].refused &&
		    t.errors == cases[i].errors,
		    "tally case %zu (%s): rounds %lld reached %lld local %lld "
		    "unreach %lld refused %lld errors %lld", i,
		    cases[i].rounds, t.rounds, t.reached, t.local, t.unreach,
		    t.refused, t.errors);
		CHECK(t.hops == cases[i].hops && t.last_rtt == cases[i].last,
		    "tally case %zu (%s): hops %d, last rtt %g", i,
		    cases[i].rounds, t.hops, t.last_rtt);
		CHECK(strcmp(t.unreach_from, cases[i].from) == 0 &&
		    t.unreach_code == cases[i].code &&
		    strcmp(t.err, cases[i].err) == 0,
		    "tally case %zu (%s): from \"%s\" code %d err \"%s\"", i,
		    cases[i].rounds, t.unreach_from, t.unreach_code, t.err);
	}
}

void
test_summary(void)
{
	summary_probe();
	summary_trace();
	summary_tally();
}
