/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/engine.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_engine(void);

/* Outcomes, by the probe's user value (0 to NPROBE - 1). */
#define NPROBE 64
static struct pp_engine_result got[NPROBE];
static int ngot;
static int order[NPROBE];

static void
done(void *arg, const struct pp_engine_result *r)
{
	int k = (int)(intptr_t)r->user;

	(void)arg;
	if (k >= 0 && k < NPROBE)
		got[k] = *r;
	if (ngot < NPROBE)
		order[ngot] = k;
	ngot++;
}

static void
run_until(struct pp_engine *e, int n, double secs)
{
	long long end = pp_mono_ns() + (long long)(secs * 1e9);

	while (ngot < n && pp_mono_ns() < end)
		(void)pp_engine_run(e, pp_mono_ns() + 5000000);
}

static struct sockaddr_in
v4(const char *a, int port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

/* A UDP socket bound to a port of 127.0.0.1 that never answers. */
static int
sink(int *port)
{
	struct sockaddr_in a = v4("127.0.0.1", 0);
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, al) == -1 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) == -1)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static struct pp_engine_probe
probe(enum pp_proto proto, const struct sockaddr_in *dst, int port, int k)
{
	struct pp_engine_probe p;

	pp_engine_probe_init(&p);
	p.proto = proto;
	p.dst = (const struct sockaddr *)dst;
	p.dlen = sizeof(*dst);
	p.port = port;
	p.timeout = 1;
	p.target = "t";
	p.seq = k;
	p.user = (void *)(intptr_t)k;
	return p;
}

void
test_engine(void)
{
	/* No privileged sockets: what runs unprivileged (UDP and TCP
	 * through sockets of their own or flow sockets). */
	struct pp_net net = { .icmp4 = -1, .icmp6 = -1, .tcp4 = -1,
	    .tcp6 = -1, .udp4 = -1, .udp6 = -1 };
	struct pp_engine_opts o = { .max_inflight = 100, .lax = true };
	struct pp_error err;

	/* An interface that does not exist is the engine's error. */
	struct pp_net one = net;
	one.icmp4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct pp_engine_opts bad = o;
	bad.iface = "ppnosuchif0";
	CHECK(pp_engine_new(&bad, &one, done, NULL, &err) == NULL &&
	    strstr(err.msg, "ppnosuchif0") != NULL,
	    "no such interface: %s", err.msg);
	close(one.icmp4);

	struct pp_engine *e = pp_engine_new(&o, &net, done, NULL, &err);
	CHECK(e != NULL, "engine: %s", err.msg);
	if (e == NULL)
		return;
	struct sockaddr_in lo = v4("127.0.0.1", 0);
	int quiet = 0;
	int sk = sink(&quiet);
	CHECK(sk >= 0, "sink");
	int closed = quiet;	/* a port with nothing on it, below */
	int tmp = sink(&closed);
	close(tmp);
	int lport = 0;
	tmp = sink(&lport);
	close(tmp);

	/* Probes with settings of their own, in one engine, in flight at
	 * once: each outcome is its probe's. */
	struct sockaddr_in far = v4("192.0.2.77", 0);
	struct pp_engine_probe p[12];
	p[0] = probe(PP_UDP, &lo, closed, 0);		/* port unreachable */
	p[1] = probe(PP_UDP, &lo, closed, 1);
	p[1].size = 300;
	p[1].pattern = 0xaa;
	p[1].tos = 0x20;
	p[1].ttl = 7;
	p[2] = probe(PP_UDP, &lo, closed, 2);		/* a flow */
	p[2].flow = 3;
	p[3] = probe(PP_UDP, &lo, closed, 3);		/* its next probe */
	p[3].flow = 3;
	p[4] = probe(PP_UDP, &lo, closed, 4);		/* a local port */
	p[4].local_port = lport;
	p[5] = probe(PP_UDP, &lo, quiet, 5);		/* silence, 0.2 s */
	p[5].timeout = 0.2;
	p[6] = probe(PP_UDP, &lo, quiet, 6);		/* silence, 0.1 s */
	p[6].timeout = 0.1;
	p[7] = probe(PP_TCP, &lo, closed, 7);		/* RST */
	p[8] = probe(PP_UDP, &lo, closed, 8);		/* not on this host */
	struct sockaddr_in src = v4("192.0.2.77", 0);
	p[8].src = (struct sockaddr *)&src;
	p[8].srclen = sizeof(src);
	p[9] = probe(PP_UDP, &lo, closed, 9);		/* a TTL refused */
	p[9].ttl = 300;
	p[10] = probe(PP_ICMP, &far, 0, 10);		/* no ICMP socket */
	p[11] = probe(PP_UDP, &lo, 0, 11);		/* port 0 */
	ngot = 0;
	memset(got, 0, sizeof(got));
	for (int k = 0; k < 12; k++)
		CHECK(pp_engine_send(e, &p[k]) == 0, "send %d", k);
	run_until(e, 12, 3);
	CHECK(ngot == 12 && pp_engine_inflight(e) == 0, "12 outcomes: %d",
	    ngot);
	for (int k = 0; k < 5; k++)
		CHECK(got[k].status == PP_ST_REPLY && strcmp(got[k].from,
		    "127.0.0.1") == 0 && got[k].rtt >= 0 && got[k].rtt < 1000,
		    "probe %d: port unreachable is a reply (status %d %s)", k,
		    (int)got[k].status, got[k].err);
	CHECK(got[0].size == 46 && got[1].size == 328, "sizes %d %d: the IP "
	    "packet", got[0].size, got[1].size);
	CHECK(got[1].ttl == 7 && got[2].flow == 3 && got[0].flow == -1,
	    "what the record says");
	CHECK(got[5].status == PP_ST_TIMEOUT && got[6].status ==
	    PP_ST_TIMEOUT && isnan(got[5].rtt), "silence: timeouts");
	int at5 = -1, at6 = -1;
	for (int k = 0; k < ngot; k++) {
		if (order[k] == 5)
			at5 = k;
		if (order[k] == 6)
			at6 = k;
	}
	CHECK(at6 >= 0 && at6 < at5, "the shorter timeout ends first");
	CHECK(got[7].status == PP_ST_REPLY && got[7].conn == PP_CONN_REFUSED &&
	    strcmp(got[7].proto, "tcp") == 0, "TCP RST: reply, refused");
	CHECK(got[8].status == PP_ST_ERROR && got[8].errnum == EADDRNOTAVAIL,
	    "a source not on this host: %s", got[8].err);
	CHECK(got[9].status == PP_ST_ERROR && got[9].errnum == EINVAL,
	    "TTL 300: %s", got[9].err);
	CHECK(got[10].status == PP_ST_ERROR && got[10].errnum ==
	    EAFNOSUPPORT && strcmp(got[10].proto, "icmp") == 0,
	    "no ICMP socket: %s", got[10].err);
	CHECK(got[11].status == PP_ST_ERROR && got[11].errnum == EINVAL,
	    "port 0: %s", got[11].err);

	/* TCP to a listener: open, with the handshake's RTT. */
	struct sockaddr_in la = v4("127.0.0.1", 0);
	socklen_t ll = sizeof(la);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(ls >= 0 && bind(ls, (struct sockaddr *)&la, ll) == 0 &&
	    listen(ls, 8) == 0 && getsockname(ls, (struct sockaddr *)&la,
	    &ll) == 0, "listener");
	ngot = 0;
	struct pp_engine_probe t = probe(PP_TCP, &lo, ntohs(la.sin_port), 0);
	CHECK(pp_engine_send(e, &t) == 0, "send tcp");
	run_until(e, 1, 2);
	CHECK(ngot == 1 && got[0].status == PP_ST_REPLY &&
	    got[0].conn == PP_CONN_OPEN && got[0].rtt < 1000, "TCP open");
	close(ls);

	/* A mark: taken with CAP_NET_ADMIN, else the probe's EPERM. */
	ngot = 0;
	struct pp_engine_probe m = probe(PP_UDP, &lo, closed, 0);
	m.mark = 42;
	CHECK(pp_engine_send(e, &m) == 0, "send marked");
	run_until(e, 1, 2);
	CHECK(ngot == 1 && (got[0].status == PP_ST_REPLY ||
	    (got[0].status == PP_ST_ERROR && got[0].errnum == EPERM)),
	    "mark: status %d, %s", (int)got[0].status, got[0].err);

	/* Full: max_inflight probes in flight, the next is refused. */
	ngot = 0;
	struct pp_engine_probe q = probe(PP_UDP, &lo, quiet, 0);
	q.timeout = 0.05;
	int sent = 0;
	while (pp_engine_send(e, &q) == 0 && sent < 1000)
		sent++;
	CHECK(sent == 100 && pp_engine_inflight(e) == 100, "full at %d",
	    sent);
	pp_engine_expire(e);
	CHECK(pp_engine_inflight(e) == 0 && ngot == 100, "expired: %d", ngot);
	close(sk);
	pp_engine_free(e);
}
