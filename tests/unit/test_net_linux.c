/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/net_linux.h"
#include "lib/util.h"
#include "tests/unit/check.h"

void test_net_linux(void);

/* pp_net_try: each setting the kernel refuses is named with its reason;
 * what it takes passes.  (The mark needs CAP_NET_ADMIN: checked for the
 * reason only when this run lacks it; the bats tests run it as nobody.) */
static void
try_settings(void)
{
	struct sockaddr_in lo4 = { .sin_family = AF_INET, .sin_port = 0 };
	struct sockaddr_in far4 = { .sin_family = AF_INET };
	struct sockaddr_in6 lo6 = { .sin6_family = AF_INET6 };

	inet_pton(AF_INET, "127.0.0.1", &lo4.sin_addr);
	/* TEST-NET-2: never an address of a test host. */
	inet_pton(AF_INET, "198.51.100.77", &far4.sin_addr);
	lo6.sin6_addr = in6addr_loopback;

	CHECK(pp_net_try(AF_INET, NULL, 0, -1, NULL, 0) == PP_NET_OK,
	    "nothing to try");
	CHECK(pp_net_try(AF_INET, "lo", 0, 0xb8, (struct sockaddr *)&lo4,
	    sizeof(lo4)) == PP_NET_OK, "lo, tos 0xb8, 127.0.0.1");
	errno = 0;
	CHECK(pp_net_try(AF_INET, "pp-no-such-if0", 0, -1, NULL, 0) ==
	    PP_NET_IFACE && errno == ENODEV, "no such interface: ENODEV "
	    "(errno %d)", errno);
	errno = 0;
	CHECK(pp_net_try(AF_INET, NULL, 0, -1, (struct sockaddr *)&far4,
	    sizeof(far4)) == PP_NET_SOURCE && errno == EADDRNOTAVAIL,
	    "a source not on this host: EADDRNOTAVAIL (errno %d)", errno);
	/* The interface is tried before the source. */
	CHECK(pp_net_try(AF_INET, "pp-no-such-if0", 0, -1,
	    (struct sockaddr *)&far4, sizeof(far4)) == PP_NET_IFACE,
	    "interface first");
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s6 >= 0) {
		close(s6);
		CHECK(pp_net_try(AF_INET6, "lo", 0, 0x10, (struct sockaddr *)
		    &lo6, sizeof(lo6)) == PP_NET_OK, "IPv6: lo, ::1");
	}
	/* A mark: taken with CAP_NET_ADMIN, else EPERM, never ignored. */
	errno = 0;
	enum pp_net_setting m = pp_net_try(AF_INET, NULL, 42, -1, NULL, 0);
	CHECK(m == PP_NET_OK || (m == PP_NET_MARK && errno == EPERM),
	    "mark: %d (errno %d)", (int)m, errno);
}

/* A bound UDP socket of family on loopback, and its address. */
static int
udp(int family, struct sockaddr_storage *ss, socklen_t *sl)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		*sl = sizeof(*s6);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)ss, *sl) == -1 ||
	    getsockname(fd, (struct sockaddr *)ss, sl) == -1)
		return -1;
	return fd;
}

/* The receive paths on loopback: a datagram with its TTL and stamp, and
 * the port unreachable of a closed port in the error queue. */
static void
recv_paths(void)
{
	unsigned char buf[256];
	struct pp_net_msg m;

	for (int v = 0; v < 2; v++) {
		int fam = v ? AF_INET6 : AF_INET;
		struct sockaddr_storage a, b;
		socklen_t al, bl;
		int rx = udp(fam, &a, &al);
		int tx = udp(fam, &b, &bl);
		if (rx < 0 || tx < 0) {
			CHECK(v == 1, "IPv4 loopback sockets");
			if (rx >= 0)
				close(rx);
			if (tx >= 0)
				close(tx);
			continue;	/* no IPv6 here */
		}
		CHECK(pp_net_recv_opts(rx, fam, true) == 0, "recv opts %d", fam);
		CHECK(pp_net_recv_opts(tx, fam, true) == 0, "recv opts tx %d", fam);
		CHECK(pp_net_set_ttl(tx, fam, 37) == 0, "ttl");
		CHECK(pp_net_set_tos(tx, fam, 0x20) == 0, "tos");
		CHECK(pp_net_recv(rx, buf, sizeof(buf), &m) == -1 &&
		    errno == EAGAIN, "nothing to read");
		double t0 = pp_now();
		CHECK(sendto(tx, "hello", 5, 0, (struct sockaddr *)&a, al) == 5,
		    "send");
		usleep(10000);
		CHECK(pp_net_recv(rx, buf, sizeof(buf), &m) == 0 && m.len == 5 &&
		    memcmp(buf, "hello", 5) == 0, "datagram %d", fam);
		CHECK(m.ttl == 37, "its TTL %d", m.ttl);
		double st = (double)m.rx.tv_sec + (double)m.rx.tv_nsec / 1e9;
		CHECK(st >= t0 - 0.001 && st < t0 + 1, "kernel stamp");
		CHECK(!m.err && memcmp(&m.from, &b, bl) == 0, "sender");
		/* A datagram to a closed port: the port unreachable comes
		 * back in the error queue, quoting the payload. */
		close(rx);
		CHECK(sendto(tx, "again", 5, 0, (struct sockaddr *)&a, al) == 5,
		    "send to a closed port");
		usleep(10000);
		CHECK(pp_net_recv_err(tx, buf, sizeof(buf), &m) == 0 && m.err,
		    "error queue %d", fam);
		CHECK(m.origin == (v ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP) &&
		    m.type == (v ? 1 : 3) && m.code == (v ? 4 : 3),
		    "port unreachable: origin %d type %d code %d", m.origin,
		    m.type, m.code);
		CHECK(m.len == 5 && memcmp(buf, "again", 5) == 0, "quoted");
		CHECK(m.offender.ss_family == fam, "offender");
		CHECK(pp_net_recv_err(tx, buf, sizeof(buf), &m) == -1 &&
		    errno == EAGAIN, "queue empty");
		/* Refusals are the kernel's, never ignored. */
		CHECK(pp_net_set_ttl(tx, fam, 300) == -1 && errno == EINVAL,
		    "TTL 300 refused");
		CHECK(pp_net_bind_iface(tx, "ppnosuchif0") == -1 &&
		    (errno == ENODEV || errno == EPERM), "no such interface");
		close(tx);
	}
}

/* Batches on loopback: one pp_net_recv_batch reads the datagrams sent
 * with their stamps and TTLs; a receive queue too small drops, and the
 * next datagram and SO_MEMINFO say how many. */
static void
batches(void)
{
	struct sockaddr_storage a, b;
	socklen_t al, bl;
	int rx = udp(AF_INET, &a, &al);
	int tx = udp(AF_INET, &b, &bl);
	struct pp_net_batch bt;

	CHECK(rx >= 0 && tx >= 0, "sockets");
	CHECK(pp_net_recv_opts(rx, AF_INET, false) == 0, "recv opts");
	CHECK(pp_net_batch_init(&bt, 100) == 0, "init");
	CHECK(bt.slot >= 256 && bt.cap == PP_NET_BATCH, "batch: %zu x %d",
	    bt.slot, bt.cap);
	CHECK(pp_net_recv_batch(rx, &bt, false) == -1 && errno == EAGAIN,
	    "nothing yet");
	/* Eleven datagrams with a TTL each, one call reads them all. */
	struct pp_net_tx t = { .ttl = 9, .tos = -1, .mark = 0, .src = NULL };
	char msg[16];
	for (int k = 0; k < 12; k++) {
		if (k == 10)
			continue;
		int n = snprintf(msg, sizeof(msg), "m%d", k);
		CHECK(pp_net_send(tx, msg, (size_t)n, (struct sockaddr *)&a, al,
		    &t) == 0, "sent %d", k);
	}
	usleep(10000);
	double t1 = pp_now();
	int n = pp_net_recv_batch(rx, &bt, false);
	CHECK(n == 11, "one call reads all: %d", n);
	for (int k = 0; k < n && k < 11; k++) {
		char want[16];
		int wl = snprintf(want, sizeof(want), "m%d", k == 10 ? 11 : k);
		const struct pp_net_msg *m = &bt.msg[k];
		double st = (double)m->rx.tv_sec + (double)m->rx.tv_nsec / 1e9;
		CHECK(m->len == (size_t)wl && memcmp(pp_net_batch_data(&bt, k),
		    want, (size_t)wl) == 0 && m->ttl == 9 && !m->trunc &&
		    m->drops == 0 && st > t1 - 1 && st <= t1 &&
		    memcmp(&m->from, &b, bl) == 0, "message %d", k);
	}
	/* Longer than the slot: cut, and said. */
	unsigned char big[600];
	memset(big, 'z', sizeof(big));
	CHECK(sendto(tx, big, sizeof(big), 0, (struct sockaddr *)&a, al) ==
	    (ssize_t)sizeof(big), "big");
	usleep(10000);
	CHECK(pp_net_recv_batch(rx, &bt, false) == 1 && bt.msg[0].trunc &&
	    bt.msg[0].len == bt.slot, "cut to the slot");
	/* A queue too small: what did not fit is dropped and counted. */
	int got = pp_net_set_rcvbuf(rx, 2048, false);
	CHECK(got > 0 && got <= 4608, "a small buffer: %d", got);
	CHECK(pp_net_rcvbuf(rx) == got, "read back");
	long long d0 = pp_net_drops(rx);
	CHECK(d0 == 0, "no drops yet: %lld", d0);
	for (int k = 0; k < 50; k++)
		(void)sendto(tx, big, 200, 0, (struct sockaddr *)&a, al);
	usleep(10000);
	long long d1 = pp_net_drops(rx);
	CHECK(d1 > 0 && d1 < 50, "drops counted: %lld", d1);
	while (pp_net_recv_batch(rx, &bt, false) > 0)
		;
	CHECK(sendto(tx, "after", 5, 0, (struct sockaddr *)&a, al) == 5,
	    "after");
	usleep(10000);
	CHECK(pp_net_recv_batch(rx, &bt, false) == 1 &&
	    bt.msg[0].drops == (unsigned)d1, "the next datagram says %u",
	    bt.msg[0].drops);
	long long cap = pp_net_rcvbuf_max();
	CHECK(cap > 0, "rmem_max: %lld", cap);
	/* More than rmem_max without the privilege: the cap, or EPERM. */
	int big_buf = pp_net_set_rcvbuf(rx, (int)(cap < (1 << 28) ? 2 * cap :
	    cap), true);
	CHECK(big_buf > cap || (big_buf == -1 && errno == EPERM),
	    "forced: %d", big_buf);
	pp_net_batch_release(&bt);
	close(rx);
	close(tx);
}

/* pp_net_close_raw: the raw sockets not kept closed and -1, the others
 * (and the ICMP ones) left open. */
static void
close_raw(void)
{
	static const struct {
		bool tcp, udp;
	} cases[] = { { false, false }, { true, false }, { false, true },
	    { true, true } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pp_net n = { .icmp4 = -1, .icmp6 = -1 };
		int *fd[5] = { &n.tcp4, &n.tcp6, &n.udp4, &n.udp6, &n.icmp4 };
		int was[5];
		for (int k = 0; k < 5; k++) {
			*fd[k] = open("/dev/null", O_RDONLY);
			was[k] = *fd[k];
		}
		n.icmp6 = -1;
		pp_net_close_raw(&n, cases[i].tcp, cases[i].udp);
		for (int k = 0; k < 5; k++) {
			bool keep = k < 2 ? cases[i].tcp : k < 4 ?
			    cases[i].udp : true;
			bool open_now = fcntl(was[k], F_GETFD) != -1;
			CHECK(open_now == keep && *fd[k] == (keep ? was[k] : -1),
			    "close_raw case %zu fd %d: open %d, %d, want %s", i,
			    k, open_now, *fd[k], keep ? "kept" : "closed");
			if (open_now)
				close(was[k]);
		}
	}
}

void
test_net_linux(void)
{
	try_settings();
	recv_paths();
	batches();
	close_raw();
}
