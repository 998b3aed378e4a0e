/* SPDX-License-Identifier: BSD-2-Clause */
/* test_mtrpkt.c: mtr-packet's protocol as /usr/bin/mtr-packet 0.95 speaks
 * it: request lines to probes or answers (each answer below is what
 * mtr-packet printed for that line, tests/mtr-packet.bats compares the two
 * programs live), the line cutter, the reply-word table and the reply
 * lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/mtrpkt.h"
#include "tests/unit/check.h"

void test_mtrpkt(void);

/* A probe in words, to compare with a table's text. */
static void
describe(const struct pp_mtrpkt_probe *p, char *buf, size_t cap)
{
	static const char *const proto[] = { "icmp", "udp", "tcp", "sctp" };
	char dst[64], src[64] = "-";
	const void *d = p->family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)&p->dst)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)&p->dst)->sin_addr;
	(void)inet_ntop(p->family, d, dst, sizeof(dst));
	if (p->has_src) {
		const void *s = p->family == AF_INET6 ? (const void *)
		    &((const struct sockaddr_in6 *)&p->src)->sin6_addr :
		    (const void *)&((const struct sockaddr_in *)&p->src)->
		    sin_addr;
		(void)inet_ntop(p->family, s, src, sizeof(src));
	}
	(void)snprintf(buf, cap, "send %d %s %s from %s port %d lport %d "
	    "ttl %d tos %d size %d fill %d mark %u timeout %d", p->token,
	    proto[p->proto], dst, src, p->port, p->local_port, p->ttl, p->tos,
	    p->size, p->fill, p->mark, p->timeout);
}

/* Run one line through parse and request: the reply line, or the probe
 * described. */
static void
run(struct pp_mtrpkt *m, const char *line, char *out, size_t cap)
{
	char buf[PP_MTRPKT_LINE_MAX];
	struct pp_mtrpkt_cmd c;
	struct pp_mtrpkt_probe p;
	struct pp_mtrpkt_reply r;

	(void)snprintf(buf, sizeof(buf), "%s", line);
	if (pp_mtrpkt_parse(buf, &c) == -1) {
		memset(&r, 0, sizeof(r));
		r.word = PP_MTRPKT_COMMAND_PARSE_ERROR;
	} else if (pp_mtrpkt_request(m, &c, &p, &r) == PP_MTRPKT_SEND) {
		describe(&p, out, cap);
		pp_mtrpkt_answered(m);
		return;
	}
	int n = pp_mtrpkt_format(out, cap, &r);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
}

static void
full_caps(struct pp_mtrpkt *m)
{
	pp_mtrpkt_init(m);
	m->caps = (struct pp_mtrpkt_caps){
		.ip4 = true, .ip6 = true, .icmp4 = true, .icmp6 = true,
		.udp = true, .tcp = true, .sctp = false, .mark = true,
		.version = "0.95",
	};
}

static void
requests(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		/* Lines and tokens. */
		{ "1 send-probe ip-4 127.0.0.1", "send 1 icmp 127.0.0.1 from - "
		    "port 0 lport 0 ttl 255 tos 0 size 64 fill 0 mark 0 "
		    "timeout 10" },
		{ "", "0 command-parse-error" },
		{ "4", "0 command-parse-error" },
		{ "5 send-probe ip-4", "0 command-parse-error" },
		{ "99999999999999999999999 send-probe ip-4 127.0.0.1",
		    "0 command-parse-error" },
		{ "-9223372036854775809 bogus", "0 command-parse-error" },
		{ "-9223372036854775808 send-probe ip-4 127.0.0.1", "send 0 "
		    "icmp 127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size "
		    "64 fill 0 mark 0 timeout 10" },
		{ "4294967297 bogus", "1 unknown-command" },
		{ "2147483648 bogus", "-2147483648 unknown-command" },
		{ "abc bogus", "0 unknown-command" },
		{ "0x11 bogus", "0 unknown-command" },
		{ "+10 bogus", "10 unknown-command" },
		{ "-5 bogus", "-5 unknown-command" },
		{ "12x bogus", "12 unknown-command" },
		{ " 13 \t bogus\r", "13 unknown-command" },
		{ "14\vbogus\f", "14 unknown-command" },
		{ "3 bogus", "3 unknown-command" },
		{ "9 SEND-PROBE ip-4 127.0.0.1", "9 unknown-command" },
		{ "1 check-support a b c d e f g h i j k l m n o p q r s t u v "
		    "w x y z a b c d e f", "1 invalid-argument" },
		{ "1 check-support a b c d e f g h i j k l m n o p q r s t u v "
		    "w x y z a b c d e f g h", "0 command-parse-error" },
		/* check-support. */
		{ "6 check-support feature sctp",
		    "6 feature-support support no" },
		{ "7 check-support feature mark",
		    "7 feature-support support ok" },
		{ "8 check-support feature foo",
		    "8 feature-support support no" },
		{ "9 check-support", "9 invalid-argument" },
		{ "9 check-support x y", "9 invalid-argument" },
		{ "10 check-support feature version",
		    "10 feature-support support 0.95" },
		{ "11 check-support feature ip-6",
		    "11 feature-support support ok" },
		{ "12 check-support feature tcp",
		    "12 feature-support support ok" },
		{ "12 check-support feature udp",
		    "12 feature-support support ok" },
		{ "12 check-support feature icmp",
		    "12 feature-support support ok" },
		{ "12 check-support feature send-probe",
		    "12 feature-support support ok" },
		{ "12 check-support feature ip-4 feature foo",
		    "12 feature-support support ok" },
		{ "12 check-support feature ICMP",
		    "12 feature-support support no" },
		/* send-probe: arguments. */
		{ "3 send-probe", "3 invalid-argument reason "
		    "ip-version-not-supported" },
		{ "7 send-probe foo bar", "7 invalid-argument reason "
		    "ip-version-not-supported" },
		{ "4 send-probe ip-4 1.2.3", "4 invalid-argument" },
		{ "4 send-probe ip-4 ::1", "4 invalid-argument" },
		{ "5 send-probe ip-4 127.0.0.1 ip-6 ::1", "send 5 icmp ::1 "
		    "from - port 0 lport 0 ttl 255 tos 0 size 64 fill 0 mark "
		    "0 timeout 10" },
		{ "8 send-probe ip-4 127.0.0.1 foo bar", "send 8 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 "
		    "fill 0 mark 0 timeout 10" },
		{ "12 send-probe ip-4 127.0.0.1 protocol ICMP",
		    "12 invalid-argument" },
		{ "12 send-probe protocol bogus", "12 invalid-argument" },
		{ "13 send-probe ip-4 127.0.0.1 protocol sctp",
		    "13 invalid-argument reason protocol-not-supported" },
		{ "14 send-probe ip-4 127.0.0.1 local-port 80 protocol udp",
		    "14 invalid-argument" },
		{ "14 send-probe ip-4 127.0.0.1 local-port 0 protocol udp",
		    "14 invalid-argument" },
		{ "14 send-probe ip-4 127.0.0.1 local-port -1 protocol udp",
		    "14 invalid-argument" },
		{ "1 send-probe ip-4 127.0.0.1 timeout 1.5",
		    "1 invalid-argument" },
		{ "1 send-probe ip-4 127.0.0.1 ttl 5x", "1 invalid-argument" },
		{ "1 send-probe ip-4 127.0.0.1 ttl x", "1 invalid-argument" },
		{ "1 send-probe ip-4 127.0.0.1 ttl -", "1 invalid-argument" },
		{ "2 send-probe ip-4 127.0.0.1 timeout -1", "send 2 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 "
		    "fill 0 mark 0 timeout -1" },
		{ "2 send-probe ip-4 127.0.0.1 timeout 0", "send 2 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 "
		    "fill 0 mark 0 timeout 0" },
		{ "25 send-probe ip-6 ::1 local-ip-4 127.0.0.1",
		    "25 invalid-argument" },
		{ "25 send-probe local-ip-6 ::1 ip-4 127.0.0.1",
		    "25 invalid-argument" },
		{ "22 send-probe ip-4 127.0.0.1 local-ip-4 127.0.0.2", "send 22 "
		    "icmp 127.0.0.1 from 127.0.0.2 port 0 lport 0 ttl 255 tos 0 "
		    "size 64 fill 0 mark 0 timeout 10" },
		{ "22 send-probe ip-6 ::1 local-ip-6 ::1 protocol tcp port 443",
		    "send 22 tcp ::1 from ::1 port 443 lport 0 ttl 255 tos 0 "
		    "size 0 fill 0 mark 0 timeout 10" },
		/* TTL: IPv4 ICMP/UDP the header byte; else the socket's range. */
		{ "2 send-probe ip-4 127.0.0.1 ttl 0", "send 2 icmp 127.0.0.1 "
		    "from - port 0 lport 0 ttl 1 tos 0 size 64 fill 0 mark 0 "
		    "timeout 10" },
		{ "14 send-probe ip-4 127.0.0.1 ttl 256", "send 14 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 1 tos 0 size 64 fill 0 "
		    "mark 0 timeout 10" },
		{ "15 send-probe ip-4 127.0.0.1 ttl -1", "send 15 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 fill "
		    "0 mark 0 timeout 10" },
		{ "9 send-probe ip-4 127.0.0.1 ttl -2 protocol udp", "send 9 udp "
		    "127.0.0.1 from - port 33000 lport 0 ttl 254 tos 0 size 64 "
		    "fill 0 mark 0 timeout 10" },
		{ "10 send-probe ip-4 127.0.0.1 ttl 511", "send 10 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 fill "
		    "0 mark 0 timeout 10" },
		{ "1 send-probe ip-6 ::1 ttl 256", "1 invalid-argument" },
		{ "2 send-probe ip-6 ::1 ttl -1", "send 2 icmp ::1 from - port 0 "
		    "lport 0 ttl -1 tos 0 size 64 fill 0 mark 0 timeout 10" },
		{ "3 send-probe ip-6 ::1 ttl -2", "3 invalid-argument" },
		{ "13 send-probe ip-6 ::1 protocol tcp ttl 0 port 7", "send 13 "
		    "tcp ::1 from - port 7 lport 0 ttl 1 tos 0 size 0 fill 0 "
		    "mark 0 timeout 10" },
		{ "14 send-probe ip-6 ::1 protocol udp ttl 0", "send 14 udp ::1 "
		    "from - port 33000 lport 0 ttl 1 tos 0 size 64 fill 0 mark "
		    "0 timeout 10" },
		{ "4 send-probe ip-4 127.0.0.1 protocol tcp port 7 ttl 256",
		    "4 invalid-argument" },
		{ "12 send-probe ip-4 127.0.0.1 protocol tcp ttl 0 port 7",
		    "12 invalid-argument" },
		{ "12 send-probe ip-4 127.0.0.1 protocol tcp ttl -1", "send 12 "
		    "tcp 127.0.0.1 from - port 80 lport 0 ttl -1 tos 0 size 0 "
		    "fill 0 mark 0 timeout 10" },
		/* TOS. */
		{ "20 send-probe ip-4 127.0.0.1 tos 999", "send 20 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 231 size 64 "
		    "fill 0 mark 0 timeout 10" },
		{ "25 send-probe ip-4 127.0.0.1 protocol tcp port 7 tos 300",
		    "send 25 tcp 127.0.0.1 from - port 7 lport 0 ttl 255 tos 44 "
		    "size 0 fill 0 mark 0 timeout 10" },
		{ "12 send-probe ip-6 ::1 tos 300", "12 invalid-argument" },
		{ "13 send-probe ip-6 ::1 tos -1", "send 13 icmp ::1 from - port "
		    "0 lport 0 ttl 255 tos -1 size 64 fill 0 mark 0 timeout 10" },
		{ "14 send-probe ip-6 ::1 tos -2", "14 invalid-argument" },
		/* Sizes: the whole packet, raised to the headers, 9000 built
		 * bytes at most. */
		{ "17 send-probe ip-4 127.0.0.1 size 0", "send 17 icmp 127.0.0.1 "
		    "from - port 0 lport 0 ttl 255 tos 0 size 28 fill 0 mark 0 "
		    "timeout 10" },
		{ "5 send-probe ip-4 127.0.0.1 protocol udp size 10", "send 5 "
		    "udp 127.0.0.1 from - port 33000 lport 0 ttl 255 tos 0 size "
		    "32 fill 0 mark 0 timeout 10" },
		{ "16 send-probe ip-4 127.0.0.1 size 9000", "send 16 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 9000 "
		    "fill 0 mark 0 timeout 10" },
		{ "17 send-probe ip-4 127.0.0.1 size 9001",
		    "17 invalid-argument" },
		{ "18 send-probe ip-4 127.0.0.1 size 100000",
		    "18 invalid-argument" },
		{ "1 send-probe ip-6 ::1 size 30", "send 1 icmp ::1 from - port "
		    "0 lport 0 ttl 255 tos 0 size 48 fill 0 mark 0 timeout 10" },
		{ "4 send-probe ip-6 ::1 protocol udp size 30", "send 4 udp ::1 "
		    "from - port 33000 lport 0 ttl 255 tos 0 size 52 fill 0 "
		    "mark 0 timeout 10" },
		{ "2 send-probe ip-6 ::1 size 9040", "send 2 icmp ::1 from - "
		    "port 0 lport 0 ttl 255 tos 0 size 9040 fill 0 mark 0 "
		    "timeout 10" },
		{ "3 send-probe ip-6 ::1 size 9041", "3 invalid-argument" },
		{ "9 send-probe ip-6 ::1 protocol udp size 9041",
		    "9 invalid-argument" },
		{ "20 send-probe ip-4 127.0.0.1 protocol tcp size 100000",
		    "send 20 tcp 127.0.0.1 from - port 80 lport 0 ttl 255 tos 0 "
		    "size 0 fill 0 mark 0 timeout 10" },
		/* Ports, pattern, mark. */
		{ "15 send-probe ip-4 127.0.0.1 port 0 protocol udp", "send 15 "
		    "udp 127.0.0.1 from - port 33000 lport 0 ttl 255 tos 0 size "
		    "64 fill 0 mark 0 timeout 10" },
		{ "16 send-probe ip-4 127.0.0.1 port 70000 protocol tcp",
		    "send 16 tcp 127.0.0.1 from - port 4464 lport 0 ttl 255 tos "
		    "0 size 0 fill 0 mark 0 timeout 10" },
		{ "6 send-probe ip-4 127.0.0.1 protocol tcp port 0", "send 6 tcp "
		    "127.0.0.1 from - port 80 lport 0 ttl 255 tos 0 size 0 fill "
		    "0 mark 0 timeout 10" },
		{ "7 send-probe ip-4 127.0.0.1 protocol tcp port 65536",
		    "send 7 tcp 127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 "
		    "size 0 fill 0 mark 0 timeout 10" },
		{ "17 send-probe ip-4 127.0.0.1 protocol udp port 53 local-port "
		    "40000", "send 17 udp 127.0.0.1 from - port 53 lport 40000 "
		    "ttl 255 tos 0 size 64 fill 0 mark 0 timeout 10" },
		{ "9 send-probe ip-4 127.0.0.1 protocol udp local-port 65536",
		    "send 9 udp 127.0.0.1 from - port 33000 lport 0 ttl 255 tos "
		    "0 size 64 fill 0 mark 0 timeout 10" },
		{ "8 send-probe ip-4 127.0.0.1 protocol tcp local-port 5000 port "
		    "9", "send 8 tcp 127.0.0.1 from - port 9 lport 0 ttl 255 tos "
		    "0 size 0 fill 0 mark 0 timeout 10" },
		{ "19 send-probe ip-4 127.0.0.1 bit-pattern 300", "send 19 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 fill "
		    "44 mark 0 timeout 10" },
		{ "15 send-probe ip-4 127.0.0.1 mark -1", "send 15 icmp "
		    "127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 size 64 fill "
		    "0 mark 4294967295 timeout 10" },
		{ "21 send-probe ip-4 127.0.0.1 mark 99999999999999999999",
		    "send 21 icmp 127.0.0.1 from - port 0 lport 0 ttl 255 tos 0 "
		    "size 64 fill 0 mark 4294967295 timeout 10" },
		/* What mtr sends, and twisted-mtr. */
		{ "33000 send-probe ip-4 198.18.4.2 local-ip-4 198.18.1.1 "
		    "protocol udp size 64 bit-pattern 0 tos 0 ttl 3 timeout 10 "
		    "port 33434", "send 33000 udp 198.18.4.2 from 198.18.1.1 "
		    "port 33434 lport 0 ttl 3 tos 0 size 64 fill 0 mark 0 "
		    "timeout 10" },
		{ "0 send-probe local-ip-6 fd00::1 ip-6 fd00:0:0:4::2 timeout 5 "
		    "protocol tcp port 7 ttl 1", "send 0 tcp fd00:0:0:4::2 from "
		    "fd00::1 port 7 lport 0 ttl 1 tos 0 size 0 fill 0 mark 0 "
		    "timeout 5" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pp_mtrpkt m;
		char out[PP_MTRPKT_REPLY_MAX];
		full_caps(&m);
		run(&m, t[i].in, out, sizeof(out));
		CHECK_STR(out, t[i].want, t[i].in);
	}
}

/* What the helper can do decides check-support and send-probe. */
static void
caps(void)
{
	struct pp_mtrpkt m;
	char out[PP_MTRPKT_REPLY_MAX];

	pp_mtrpkt_init(&m);
	m.caps.ip4 = m.caps.udp = m.caps.tcp = true;
	m.caps.version = "pp";
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "1 check-support feature ip-6", "1 feature-support support no" },
		{ "1 check-support feature icmp", "1 feature-support support no" },
		{ "1 check-support feature mark", "1 feature-support support no" },
		{ "1 check-support feature version",
		    "1 feature-support support pp" },
		{ "2 send-probe ip-6 ::1", "2 invalid-argument reason "
		    "ip-version-not-supported" },
		{ "3 send-probe ip-4 127.0.0.1", "3 invalid-argument reason "
		    "protocol-not-supported" },
		{ "3 send-probe ip-4 127.0.0.1 protocol sctp", "3 "
		    "invalid-argument reason protocol-not-supported" },
		/* The version first, then the protocol, then the rest. */
		{ "4 send-probe ip-6 ::1 protocol sctp ttl 999", "4 "
		    "invalid-argument reason ip-version-not-supported" },
		{ "5 send-probe ip-4 127.0.0.1 protocol udp", "send 5 udp "
		    "127.0.0.1 from - port 33000 lport 0 ttl 255 tos 0 size 64 "
		    "fill 0 mark 0 timeout 10" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		run(&m, t[i].in, out, sizeof(out));
		CHECK_STR(out, t[i].want, t[i].in);
	}
	m.caps.icmp4 = true;
	run(&m, "1 check-support feature icmp", out, sizeof(out));
	CHECK_STR(out, "1 feature-support support ok", "icmp4 alone");
}

/* 1,024 probes in flight, then probes-exhausted (before the address is
 * looked at); sequence numbers wrap after 65535. */
static void
inflight(void)
{
	struct pp_mtrpkt m;
	char buf[64];
	struct pp_mtrpkt_cmd c;
	struct pp_mtrpkt_probe p;
	struct pp_mtrpkt_reply r;
	int sent = 0;

	full_caps(&m);
	for (int i = 0; i < PP_MTRPKT_PROBES_MAX + 1; i++) {
		(void)snprintf(buf, sizeof(buf), "%d send-probe ip-4 127.0.0.1",
		    i);
		CHECK(pp_mtrpkt_parse(buf, &c) == 0, "parse %d", i);
		if (pp_mtrpkt_request(&m, &c, &p, &r) == PP_MTRPKT_SEND) {
			CHECK(p.seq == PP_MTRPKT_SEQ_MIN + (unsigned)i,
			    "seq %u", p.seq);
			sent++;
		} else
			CHECK(i == PP_MTRPKT_PROBES_MAX && r.word ==
			    PP_MTRPKT_PROBES_EXHAUSTED, "probe %d refused", i);
	}
	CHECK(sent == PP_MTRPKT_PROBES_MAX, "%d sent", sent);
	(void)snprintf(buf, sizeof(buf), "7 send-probe ip-4 bogus");
	(void)pp_mtrpkt_parse(buf, &c);
	CHECK(pp_mtrpkt_request(&m, &c, &p, &r) == PP_MTRPKT_ANSWER &&
	    r.word == PP_MTRPKT_PROBES_EXHAUSTED, "exhausted before address");
	pp_mtrpkt_answered(&m);
	CHECK(pp_mtrpkt_request(&m, &c, &p, &r) == PP_MTRPKT_ANSWER &&
	    r.word == PP_MTRPKT_INVALID_ARGUMENT, "room again, bad address");
	/* The refused one took a sequence number too (as mtr-packet's do). */
	(void)snprintf(buf, sizeof(buf), "8 send-probe ip-4 127.0.0.1");
	(void)pp_mtrpkt_parse(buf, &c);
	CHECK(pp_mtrpkt_request(&m, &c, &p, &r) == PP_MTRPKT_SEND &&
	    p.seq == PP_MTRPKT_SEQ_MIN + PP_MTRPKT_PROBES_MAX + 1,
	    "seq after refusal %u", p.seq);
	m.inflight = 0;
	m.next_seq = PP_MTRPKT_SEQ_MAX;
	(void)snprintf(buf, sizeof(buf), "9 send-probe ip-4 127.0.0.1");
	(void)pp_mtrpkt_parse(buf, &c);
	(void)pp_mtrpkt_request(&m, &c, &p, &r);
	CHECK(p.seq == PP_MTRPKT_SEQ_MAX && m.next_seq == PP_MTRPKT_SEQ_MIN,
	    "wrap: %u then %u", p.seq, m.next_seq);
}

/* Feed text to a cutter in pieces of at most chunk bytes; write one line a
 * line found ("L:text"), "O" an overflow. */
static void
cut(const char *data, size_t len, size_t chunk, char *out, size_t cap)
{
	static struct pp_mtrpkt_in in;
	size_t at = 0, o = 0;

	pp_mtrpkt_in_init(&in);
	out[0] = '\0';
	for (;;) {
		char *line;
		enum pp_mtrpkt_in_event ev;
		while ((ev = pp_mtrpkt_in_next(&in, &line)) !=
		    PP_MTRPKT_IN_NONE) {
			int n = ev == PP_MTRPKT_IN_LINE ? snprintf(out + o,
			    cap - o, "L:%.20s%s|", line, strlen(line) > 20 ?
			    "..." : "") : snprintf(out + o, cap - o, "O|");
			if (n > 0 && (size_t)n < cap - o)
				o += (size_t)n;
		}
		if (at == len)
			break;
		size_t room;
		char *dst = pp_mtrpkt_in_space(&in, &room);
		size_t n = len - at < chunk ? len - at : chunk;
		if (n > room)
			n = room;
		memcpy(dst, data + at, n);
		pp_mtrpkt_in_added(&in, n);
		at += n;
	}
}

static void
cutter(void)
{
	static char big[3 * PP_MTRPKT_LINE_MAX];
	char out[256];
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} t[] = {
		{ "1 a\n2 b\n", 8, "L:1 a|L:2 b|" },
		{ "1 a\n2 b", 7, "L:1 a|" },	/* unfinished: ignored */
		{ "\n\n", 2, "L:|L:|" },
		{ "1 a\r\n", 5, "L:1 a\r|" },
		/* A NUL hides the rest until the buffer overflows. */
		{ "1 a\0x\n2 b\n", 10, "" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (size_t chunk = 1; chunk <= 16; chunk *= 4) {
			cut(t[i].in, t[i].len, chunk, out, sizeof(out));
			CHECK_STR(out, t[i].want, t[i].in);
		}
	}
	/* 4094 bytes and a '\n' fit; 4095 without the '\n' overflow, and
	 * what follows is a line of its own (as mtr-packet does). */
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = PP_MTRPKT_LINE_MAX - 2 + (size_t)extra;
		memset(big, 'a', n);
		memcpy(big + n, "\n2 b\n", 5);
		for (size_t chunk = 1000; chunk <= 5000; chunk += 4000) {
			cut(big, n + 5, chunk, out, sizeof(out));
			CHECK_STR(out, extra ? "O|L:|L:2 b|" :
			    "L:aaaaaaaaaaaaaaaaaaaa...|L:2 b|", "long line");
		}
	}
	/* 5000 bytes: the first 4095 dropped, the rest a line. */
	memset(big, 'a', 5000);
	memcpy(big + 5000, " b\n", 3);
	cut(big, 5003, 4096, out, sizeof(out));
	CHECK_STR(out, "O|L:aaaaaaaaaaaaaaaaaaaa...|", "5000 bytes");
	cut(big, 5003, 7, out, sizeof(out));
	CHECK_STR(out, "O|L:aaaaaaaaaaaaaaaaaaaa...|", "5000 bytes, 7 a time");
	/* A NUL, then enough to fill the buffer: one overflow, then lines. */
	memset(big, 'x', 5000);
	memcpy(big, "1 a\0", 4);
	memcpy(big + 4095, "\n3 c\n", 5);
	cut(big, 4100, 100, out, sizeof(out));
	CHECK_STR(out, "O|L:|L:3 c|", "NUL then overflow");
}

static void
words(void)
{
	static const struct {
		int errnum;
		const char *want;
	} e[] = {
		{ EINVAL, "invalid-argument" }, { ENETDOWN, "network-down" },
		{ ENETUNREACH, "no-route" }, { EHOSTUNREACH, "no-route" },
		{ EPERM, "permission-denied" }, { EADDRINUSE, "address-in-use" },
		{ EADDRNOTAVAIL, "address-not-available" },
		{ ECONNREFUSED, "reply" }, { EMSGSIZE, "unexpected-error" },
		{ EACCES, "unexpected-error" }, { 0, "unexpected-error" },
	};
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		CHECK_STR(pp_mtrpkt_word_name(pp_mtrpkt_errno_word(e[i].errnum)),
		    e[i].want, strerror(e[i].errnum));
	static const struct {
		int family, type, code;
		const char *want;
	} m[] = {
		{ AF_INET, 0, 0, "reply" }, { AF_INET, 11, 0, "ttl-expired" },
		{ AF_INET, 11, 1, "ttl-expired" }, { AF_INET, 3, 3, "reply" },
		{ AF_INET, 3, 0, "no-route" }, { AF_INET, 3, 1, "no-route" },
		{ AF_INET, 3, 13, "no-route" }, { AF_INET, 3, 10, "no-route" },
		{ AF_INET, 4, 0, "" }, { AF_INET, 5, 1, "" },
		{ AF_INET, 12, 0, "" }, { AF_INET, 8, 0, "" },
		{ AF_INET6, 129, 0, "reply" }, { AF_INET6, 3, 0, "ttl-expired" },
		{ AF_INET6, 1, 4, "reply" }, { AF_INET6, 1, 0, "no-route" },
		{ AF_INET6, 1, 1, "no-route" }, { AF_INET6, 1, 3, "no-route" },
		{ AF_INET6, 1, 6, "no-route" }, { AF_INET6, 2, 0, "" },
		{ AF_INET6, 4, 0, "" }, { AF_INET6, 0, 0, "" },
		{ AF_INET6, 11, 0, "" }, { 0, 0, 0, "" },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		CHECK_STR(pp_mtrpkt_word_name(pp_mtrpkt_icmp_word(m[i].family,
		    m[i].type, m[i].code)), m[i].want, "icmp word");
	CHECK_STR(pp_mtrpkt_word_name((enum pp_mtrpkt_word)99), "", "99");
}

static void
format(void)
{
	char out[PP_MTRPKT_REPLY_MAX];
	struct pp_mtrpkt_reply r;

	memset(&r, 0, sizeof(r));
	r.token = 42;
	r.word = PP_MTRPKT_REPLY;
	r.family = AF_INET;
	(void)snprintf(r.addr, sizeof(r.addr), "127.0.0.1");
	r.rtt_us = 126;
	CHECK(pp_mtrpkt_format(out, sizeof(out), &r) == 44, "length");
	CHECK_STR(out, "42 reply ip-4 127.0.0.1 round-trip-time 126\n", "reply");
	r.word = PP_MTRPKT_TTL_EXPIRED;
	r.family = AF_INET6;
	(void)snprintf(r.addr, sizeof(r.addr), "fd00:0:0:1::2");
	r.nmpls = 2;
	r.mpls[0] = (struct pp_mpls){ .label = 1048575, .tc = 7, .s = 0,
	    .ttl = 255 };
	r.mpls[1] = (struct pp_mpls){ .label = 16, .tc = 0, .s = 1, .ttl = 1 };
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "42 ttl-expired ip-6 fd00:0:0:1::2 round-trip-time 126 "
	    "mpls 1048575,7,0,255,16,0,1,1\n", "mpls");
	r.nmpls = 0;
	r.word = PP_MTRPKT_NO_ROUTE;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "42 no-route ip-6 fd00:0:0:1::2 round-trip-time 126\n",
	    "no-route from");
	r.family = 0;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "42 no-route\n", "no-route");
	r.word = PP_MTRPKT_UNEXPECTED_ERROR;
	r.errnum = EMSGSIZE;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "42 unexpected-error errno 90\n", "errno");
	r.word = PP_MTRPKT_COMMAND_BUFFER_OVERFLOW;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "0 command-buffer-overflow\n", "overflow");
	r.word = PP_MTRPKT_NO_REPLY;
	r.token = -2147483647 - 1;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "-2147483648 no-reply\n", "no-reply");
	r.word = PP_MTRPKT_NONE;
	CHECK(pp_mtrpkt_format(out, sizeof(out), &r) == -1 && out[0] == '\0',
	    "none");
	r.word = PP_MTRPKT_REPLY;
	r.family = AF_INET;
	r.rtt_us = 4294967295u;
	(void)pp_mtrpkt_format(out, sizeof(out), &r);
	CHECK_STR(out, "-2147483648 reply ip-4 fd00:0:0:1::2 round-trip-time "
	    "-1\n", "rtt as %d");
	CHECK(pp_mtrpkt_format(out, 10, &r) == -1, "short buffer");
	/* The longest reply fits PP_MTRPKT_REPLY_MAX. */
	r.family = AF_INET6;
	(void)snprintf(r.addr, sizeof(r.addr), "%s",
	    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	r.nmpls = PP_PKT_MPLS_MAX;
	for (int i = 0; i < r.nmpls; i++)
		r.mpls[i] = (struct pp_mpls){ .label = 1048575, .tc = 7, .s = 1,
		    .ttl = 255 };
	CHECK(pp_mtrpkt_format(out, sizeof(out), &r) > 0, "longest");
}

void
test_mtrpkt(void)
{
	requests();
	caps();
	inflight();
	cutter();
	words();
	format();
}

void test_mtrpkt_sources(void);

/* p for family fam, proto, destination dst and source src (NULL none). */
static void
mk(struct pp_mtrpkt_probe *p, int fam, enum pp_mtrpkt_proto proto,
    const char *dst, const char *src)
{
	memset(p, 0, sizeof(*p));
	p->family = fam;
	p->proto = proto;
	p->dst.ss_family = (sa_family_t)fam;
	if (fam == AF_INET6)
		(void)inet_pton(AF_INET6, dst,
		    &((struct sockaddr_in6 *)&p->dst)->sin6_addr);
	else
		(void)inet_pton(AF_INET, dst,
		    &((struct sockaddr_in *)&p->dst)->sin_addr);
	if (src == NULL)
		return;
	p->has_src = true;
	p->src.ss_family = (sa_family_t)fam;
	if (fam == AF_INET6)
		(void)inet_pton(AF_INET6, src,
		    &((struct sockaddr_in6 *)&p->src)->sin6_addr);
	else
		(void)inet_pton(AF_INET, src,
		    &((struct sockaddr_in *)&p->src)->sin_addr);
}

void
test_mtrpkt_sources(void)
{
	struct pp_mtrpkt_probe p;
	struct sockaddr_in6 route;

	/* A mapped source, given or the route's: ICMP and UDP only. */
	memset(&route, 0, sizeof(route));
	route.sin6_family = AF_INET6;
	(void)inet_pton(AF_INET6, "::ffff:127.0.0.1", &route.sin6_addr);
	mk(&p, AF_INET6, PP_MTRPKT_ICMP, "::ffff:127.0.0.1", NULL);
	CHECK(pp_mtrpkt_mapped_source(&p, (struct sockaddr *)&route),
	    "ICMP from the route's mapped source");
	p.proto = PP_MTRPKT_UDP;
	CHECK(pp_mtrpkt_mapped_source(&p, (struct sockaddr *)&route),
	    "UDP from the route's mapped source");
	p.proto = PP_MTRPKT_TCP;
	CHECK(!pp_mtrpkt_mapped_source(&p, (struct sockaddr *)&route),
	    "TCP: dual stack");
	mk(&p, AF_INET6, PP_MTRPKT_ICMP, "::1", "::ffff:127.0.0.1");
	CHECK(pp_mtrpkt_mapped_source(&p, (struct sockaddr *)&p.src),
	    "a given mapped source");
	mk(&p, AF_INET6, PP_MTRPKT_ICMP, "::ffff:127.0.0.1", "::1");
	CHECK(!pp_mtrpkt_mapped_source(&p, (struct sockaddr *)&p.src),
	    "a given ::1 to a mapped destination is sent");
	mk(&p, AF_INET, PP_MTRPKT_ICMP, "127.0.0.1", NULL);
	CHECK(!pp_mtrpkt_mapped_source(&p, NULL), "IPv4");

	/* A given source the kernel refuses to an IPv4 ICMP or UDP probe,
	 * whose header mtr-packet writes itself: a loopback address to
	 * another host, an address not this host's, broadcast, multicast. */
	mk(&p, AF_INET, PP_MTRPKT_ICMP, "198.18.250.9", "127.0.0.1");
	CHECK(pp_mtrpkt_own_header(&p), "IPv4 ICMP: its own header");
	CHECK(pp_mtrpkt_source_refused(&p, EINVAL), "ICMP 127.0.0.1");
	CHECK(pp_mtrpkt_source_refused(&p, ENETUNREACH), "ICMP, not ours");
	CHECK(!pp_mtrpkt_source_refused(&p, EPERM), "another errno");
	CHECK(!pp_mtrpkt_source_refused(&p, EMSGSIZE), "another errno");
	CHECK(!pp_mtrpkt_source_refused(&p, 0), "bound: sent");
	mk(&p, AF_INET, PP_MTRPKT_UDP, "198.18.250.9", "224.0.0.1");
	CHECK(pp_mtrpkt_source_refused(&p, 0), "bound, but multicast");
	mk(&p, AF_INET, PP_MTRPKT_UDP, "198.18.250.9", "127.255.0.2");
	CHECK(pp_mtrpkt_source_refused(&p, EINVAL), "UDP 127/8");
	CHECK(pp_mtrpkt_source_refused(&p, EADDRNOTAVAIL), "UDP, not ours");
	mk(&p, AF_INET, PP_MTRPKT_TCP, "198.18.250.9", "127.0.0.1");
	CHECK(!pp_mtrpkt_own_header(&p), "TCP: the kernel's header");
	CHECK(!pp_mtrpkt_source_refused(&p, EINVAL), "TCP: as mtr-packet, "
	    "invalid-argument");
	CHECK(!pp_mtrpkt_source_refused(&p, EADDRNOTAVAIL), "TCP: as "
	    "mtr-packet, address-not-available");
	mk(&p, AF_INET6, PP_MTRPKT_ICMP, "fd00:250::9", "fd00:9::9");
	CHECK(!pp_mtrpkt_own_header(&p), "IPv6: a bound raw socket");
	CHECK(!pp_mtrpkt_source_refused(&p, EADDRNOTAVAIL), "IPv6: as "
	    "mtr-packet, address-not-available");
	mk(&p, AF_INET, PP_MTRPKT_ICMP, "198.18.250.9", NULL);
	CHECK(!pp_mtrpkt_source_refused(&p, EINVAL), "no source given");
	CHECK(!pp_mtrpkt_source_refused(&p, ENETUNREACH), "no source given: "
	    "no-route");
}
