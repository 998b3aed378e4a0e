/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/pingline.h"
#include "lib/runsum.h"
#include "tests/unit/check.h"

void test_pingline(void);
void test_runsum(void);

static struct pp_probe
probe(const char *proto, const char *dst, enum pp_status st,
    const char *from, double rtt)
{
	struct pp_probe p;

	memset(&p, 0, sizeof(p));
	p.ts = 1000;
	p.target = "t";
	p.dst = dst;
	p.proto = proto;
	p.from = from;
	p.status = st;
	p.rtt = rtt;
	p.seq = 7;
	p.ttl = -1;
	p.round = -1;
	p.flow = -1;
	p.reply_ttl = -1;
	p.code = -1;
	p.port = -1;
	p.size = -1;
	return p;
}

void
test_pingline(void)
{
	char b[512];
	struct pp_outcome_opts down = { .refused_down = true };

	static const struct {
		double ms;
		const char *want;
	} tm[] = {
		{ 0.0454, "0.045" }, { 1.234, "1.23" }, { 12.34, "12.3" },
		{ 123.4, "123" }, { 9.999, "10.00" },
	};
	for (size_t i = 0; i < sizeof(tm) / sizeof(tm[0]); i++) {
		pp_ping_time(b, sizeof(b), tm[i].ms);
		CHECK_STR(b, tm[i].want, "time");
	}
	pp_ping_header(b, sizeof(b), "h", "198.18.4.2", "icmp", -1, 56, 84);
	CHECK_STR(b, "PING h (198.18.4.2) 56(84) bytes of data.", "header");
	pp_ping_header(b, sizeof(b), "h", "fd00::2", "icmp", -1, 56, 104);
	CHECK_STR(b, "PING h(fd00::2) 56 data bytes", "header v6");
	pp_ping_header(b, sizeof(b), "h\x1b[2J", "1.2.3.4", "tcp", 443, 0, 0);
	CHECK_STR(b, "PING h\\x1b[2J (1.2.3.4) TCP port 443: SYN, connection "
	    "attempts.", "header tcp, escaped");

	struct pp_probe p = probe("icmp", "198.18.4.2", PP_ST_REPLY,
	    "198.18.4.2", 0.0454);
	p.reply_ttl = 62;
	p.size = 84;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "64 bytes from 198.18.4.2: icmp_seq=7 ttl=62 time=0.045 "
	    "ms", "reply");
	p = probe("icmp", "fd00::2", PP_ST_REPLY, "fd00::2", 12.34);
	p.size = 104;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "64 bytes from fd00::2: icmp_seq=7 time=12.3 ms",
	    "reply v6");
	p = probe("icmp", "198.18.4.2", PP_ST_UNREACHABLE, "198.18.2.2", 1);
	p.code = 1;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "From 198.18.2.2 icmp_seq=7 Destination Host Unreachable",
	    "unreachable");
	p = probe("icmp", "fd00::2", PP_ST_UNREACHABLE, "fd00::1", 1);
	p.code = 3;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "From fd00::1 icmp_seq=7 Destination unreachable: Address "
	    "unreachable", "unreachable v6");
	p = probe("icmp", "198.18.4.2", PP_ST_TTL_EXPIRED, "198.18.1.2", 1);
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "From 198.18.1.2 icmp_seq=7 Time to live exceeded",
	    "ttl");
	p = probe("icmp", "198.18.4.2", PP_ST_TIMEOUT, NULL, NAN);
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "no answer yet for icmp_seq=7", "timeout");
	pp_ping_line(b, sizeof(b), &p, NULL, true);
	CHECK_STR(b, "no answer yet for icmp_seq=7 (t)", "timeout, targets");
	p.local_drop = true;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "no answer yet for icmp_seq=7 (maybe lost inside this "
	    "host: not counted)", "local drop");
	p = probe("icmp", "198.18.4.2", PP_ST_ERROR, NULL, NAN);
	p.err = "Network is unreachable";
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "cannot send icmp_seq=7: Network is unreachable", "error");
	p = probe("tcp", "198.18.4.2", PP_ST_REPLY, "198.18.4.2", 0.12);
	p.port = 443;
	p.conn = PP_CONN_OPEN;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "connected to 198.18.4.2 port 443: tcp_seq=7 time=0.120 "
	    "ms", "tcp open");
	p.conn = PP_CONN_REFUSED;
	p.port = 9;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "refused by 198.18.4.2 port 9: tcp_seq=7 time=0.120 ms",
	    "tcp refused");
	pp_ping_line(b, sizeof(b), &p, &down, false);
	CHECK_STR(b, "refused by 198.18.4.2 port 9: tcp_seq=7 time=0.120 ms "
	    "(refused counts as down)", "tcp refused down");
	p = probe("udp", "198.18.4.2", PP_ST_UNREACHABLE, "198.18.4.2", 0.2);
	p.code = 3;
	p.port = 33434;
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK_STR(b, "port unreachable from 198.18.4.2 port 33434: udp_seq=7 "
	    "time=0.200 ms", "udp");
	p = probe("icmp", "198.18.4.2", PP_ST_REPLY, "198.18.4.2\x1b]0;x\x07",
	    1);
	pp_ping_line(b, sizeof(b), &p, NULL, false);
	CHECK(strchr(b, '\x1b') == NULL, "escaped: %s", b);
}

void
test_runsum(void)
{
	struct pp_runsum rs;
	char b[256];

	CHECK(pp_runsum_init(&rs, 1, NULL) == 0, "init");
	/* 10 s of probes every 100 ms, 4 s of them lost from t = 3 s. */
	for (int i = 0; i < 100; i++) {
		struct pp_probe p = probe("icmp", "1.2.3.4", PP_ST_REPLY,
		    "1.2.3.4", 1);
		p.ts = 1764000000 + i * 0.1;
		p.seq = i;
		if (i >= 30 && i < 70) {
			p.status = PP_ST_TIMEOUT;
			p.from = NULL;
			p.rtt = NAN;
		}
		pp_runsum_probe(&rs, &p);
	}
	pp_runsum_finish(&rs);
	pp_runsum_text(&rs, "t", 10.04, b, sizeof(b));
	CHECK_STR(b, "run 10.0 s, 1 outage (loss >= 30% for >= 3 s), the "
	    "longest 4.000 s from 2025-11-24T16:00:03Z", "outage");
	pp_runsum_text(&rs, "u", 3725, b, sizeof(b));
	CHECK_STR(b, "run 1h 02m 05s, no outage (loss >= 30% for >= 3 s)",
	    "none");
	pp_runsum_text(&rs, "u", 323.4, b, sizeof(b));
	CHECK_STR(b, "run 5m 23s, no outage (loss >= 30% for >= 3 s)", "min");
	pp_runsum_release(&rs);
}

void test_ping_rules(void);

void
test_ping_rules(void)
{
	/* Unresolved: nothing; no count: no end. */
	CHECK(!pp_ping_wants(false, 0, false, 0, 0), "unresolved");
	CHECK(!pp_ping_wants(false, 3, true, 0, 0), "unresolved, -c -w");
	CHECK(pp_ping_wants(true, 0, false, 1000000, 0), "no count");
	/* -c: probes sent. */
	CHECK(pp_ping_wants(true, 3, false, 2, 0), "-c 3, 2 sent");
	CHECK(!pp_ping_wants(true, 3, false, 3, 0), "-c 3, 3 sent");
	/* -c with -w: answers (ping sends until 3 came or the deadline). */
	CHECK(pp_ping_wants(true, 3, true, 10, 2), "-c 3 -w, 2 answers");
	CHECK(!pp_ping_wants(true, 3, true, 3, 3), "-c 3 -w, 3 answers");

	long long s = 5000000000LL;	/* the last send, ns */
	/* Never answered: the timeout. */
	CHECK(pp_ping_linger(s, NAN, 1, 2) == s + 2000000000LL, "timeout");
	/* Twice the largest RTT... */
	CHECK(pp_ping_linger(s, 400, 0.2, 2) == s + 800000000LL, "2 x max");
	/* ...at least an interval... */
	CHECK(pp_ping_linger(s, 10, 0.5, 2) == s + 500000000LL, "interval");
	/* ...at most the timeout. */
	CHECK(pp_ping_linger(s, 1500, 0.2, 2) == s + 2000000000LL,
	    "at most the timeout");
	CHECK(pp_ping_linger(s, 0.0, 0.001, 1) == s + 1000000LL,
	    "an answer in no time: the interval");
}
