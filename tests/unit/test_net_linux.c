/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <errno.h>
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

void
test_net_linux(void)
{
	try_settings();
	recv_paths();
}
