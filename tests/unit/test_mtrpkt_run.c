/* SPDX-License-Identifier: BSD-2-Clause */
/* test_mtrpkt_run.c: the pure pieces of pp-probe --mtr-packet's loop: an
 * engine's outcome as mtr-packet's reply line, a request as the engine
 * probe, and the capabilities answered to check-support.  The loop itself
 * runs live in tests/mtr-packet.bats beside mtr-packet. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/mtrpkt_run.h"
#include "tests/unit/check.h"

void test_mtrpkt_run(void);

/* The reply line to res (a probe of family, token 7), without its '\n'. */
static void
line(const struct pp_engine_result *res, int family, char *out, size_t cap)
{
	struct pp_mtrpkt_reply r;

	pp_mtrpkt_run_reply(res, family, 7, &r);
	int n = pp_mtrpkt_format(out, cap, &r);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	else if (n <= 0)
		(void)snprintf(out, cap, "(none)");
}

static void
replies(void)
{
	/* One outcome each: status, family, dst, from, rtt (ms), ICMP code,
	 * errno, an MPLS label or 0, and the line mtr-packet would print. */
	static const struct {
		enum pp_status st;
		int family;
		const char *dst, *from;
		double rtt;
		int code, errnum, label;
		const char *want;
	} t[] = {
		{ PP_ST_REPLY, AF_INET, "127.0.0.1", "127.0.0.1", 0.1234, -1,
		    0, 0, "7 reply ip-4 127.0.0.1 round-trip-time 123" },
		/* A TCP RST: the destination's answer, its address dst's. */
		{ PP_ST_REPLY, AF_INET6, "::1", "", 2.5, -1, 0, 0,
		    "7 reply ip-6 ::1 round-trip-time 2500" },
		{ PP_ST_TTL_EXPIRED, AF_INET, "198.18.0.9", "198.18.1.1", 1.0,
		    -1, 0, 16, "7 ttl-expired ip-4 198.18.1.1 round-trip-time "
		    "1000 mpls 16,0,1,1" },
		{ PP_ST_TTL_EXPIRED, AF_INET6, "fd00::9", "fd00::1", 0.5, -1,
		    0, 0, "7 ttl-expired ip-6 fd00::1 round-trip-time 500" },
		/* Unreachable: port (the destination's answer to UDP), or
		 * another code. */
		{ PP_ST_UNREACHABLE, AF_INET, "198.18.0.9", "198.18.0.9", 0.3,
		    3, 0, 0, "7 reply ip-4 198.18.0.9 round-trip-time 300" },
		{ PP_ST_UNREACHABLE, AF_INET, "198.18.0.9", "198.18.0.9", 0.3,
		    1, 0, 0, "7 no-route ip-4 198.18.0.9 round-trip-time 300" },
		{ PP_ST_UNREACHABLE, AF_INET6, "fd00::9", "fd00::1", 0.3, 4, 0,
		    0, "7 reply ip-6 fd00::1 round-trip-time 300" },
		/* Without a responder: the errno's word, no address. */
		{ PP_ST_UNREACHABLE, AF_INET, "198.18.0.9", "", NAN, -1,
		    EHOSTUNREACH, 0, "7 no-route" },
		{ PP_ST_TIMEOUT, AF_INET, "127.0.0.1", "", NAN, -1, 0, 0,
		    "7 no-reply" },
		{ PP_ST_ERROR, AF_INET, "127.0.0.1", "", NAN, -1, EPERM, 0,
		    "7 permission-denied" },
		{ PP_ST_ERROR, AF_INET, "127.0.0.1", "", NAN, -1, EMSGSIZE, 0,
		    NULL },
		/* An RTT not known answers 0. */
		{ PP_ST_REPLY, AF_INET, "127.0.0.1", "127.0.0.1", NAN, -1, 0,
		    0, "7 reply ip-4 127.0.0.1 round-trip-time 0" },
	};
	char out[PP_MTRPKT_REPLY_MAX];
	char other[64];

	/* Any other errno: unexpected-error with its number. */
	(void)snprintf(other, sizeof(other), "7 unexpected-error errno %d",
	    EMSGSIZE);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pp_engine_result res;
		memset(&res, 0, sizeof(res));
		res.status = t[i].st;
		res.rtt = t[i].rtt;
		res.code = t[i].code;
		res.errnum = t[i].errnum;
		(void)snprintf(res.dst, sizeof(res.dst), "%s", t[i].dst);
		(void)snprintf(res.from, sizeof(res.from), "%s", t[i].from);
		if (t[i].label != 0) {
			res.nmpls = 1;
			res.mpls[0] = (struct pp_mpls){ .label = 16, .tc = 0,
			    .s = 1, .ttl = 1 };
		}
		line(&res, t[i].family, out, sizeof(out));
		CHECK_STR(out, t[i].want != NULL ? t[i].want : other,
		    "reply");
	}
}

static void
probes(void)
{
	struct pp_mtrpkt_probe p;
	struct pp_engine_probe pr;

	memset(&p, 0, sizeof(p));
	p.token = 3;
	p.family = AF_INET;
	struct sockaddr_in *d = (struct sockaddr_in *)&p.dst;
	d->sin_family = AF_INET;
	d->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p.dlen = sizeof(*d);
	p.proto = PP_MTRPKT_UDP;
	p.port = 33434;
	p.local_port = 40000;
	p.ttl = 5;
	p.tos = 184;
	p.mark = 42;
	p.size = 100;
	p.fill = 0xff;
	p.timeout = 0;
	p.seq = 33001;
	pp_mtrpkt_run_probe(&p, &pr);
	CHECK(pr.proto == PP_UDP, "udp");
	CHECK(pr.dst == (const struct sockaddr *)&p.dst && pr.dlen == p.dlen,
	    "destination");
	CHECK(pr.port == 33434 && pr.local_port == 40000, "ports");
	CHECK(pr.size == 100 && pr.size_ip, "size: the whole packet");
	CHECK(pr.ttl == 5 && pr.tos == 184 && pr.mark == 42, "ttl tos mark");
	CHECK(pr.pattern == 0xff && pr.seq == 33001, "fill, seq");
	CHECK_NEAR(pr.timeout, PP_MTRPKT_TURN, 0, "timeout 0: one turn");
	CHECK(pr.src == NULL, "no source");
	CHECK(pr.tcp_retries, "resent SYNs count");
	CHECK_STR(pr.target, "mtr", "target");
	CHECK(pr.user == NULL, "user");
	p.proto = PP_MTRPKT_TCP;
	p.timeout = 3;
	p.has_src = true;
	p.slen = sizeof(struct sockaddr_in);
	pp_mtrpkt_run_probe(&p, &pr);
	CHECK(pr.proto == PP_TCP, "tcp");
	CHECK_NEAR(pr.timeout, 3, 0, "timeout");
	CHECK(pr.src == (const struct sockaddr *)&p.src &&
	    pr.srclen == p.slen, "source");
	p.proto = PP_MTRPKT_ICMP;
	pp_mtrpkt_run_probe(&p, &pr);
	CHECK(pr.proto == PP_ICMP, "icmp");
}

static void
caps(void)
{
	struct pp_net net;
	struct pp_mtrpkt_caps k;

	memset(&net, 0, sizeof(net));
	net.icmp4 = 5;
	net.icmp6 = -1;
	memset(&k, 0, sizeof(k));
	pp_mtrpkt_run_caps(&k, &net);
	CHECK(k.icmp4 && !k.icmp6, "icmp per family");
	/* IPv4 by its ICMP socket; either by a UDP socket (no privilege). */
	CHECK(k.ip4, "ip4");
	CHECK(k.udp && k.tcp && !k.sctp && k.mark, "protocols, mark");
	CHECK_STR(k.version, PP_VERSION, "version");
}

void
test_mtrpkt_run(void)
{
	replies();
	probes();
	caps();
}
