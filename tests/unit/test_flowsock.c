/* SPDX-License-Identifier: BSD-2-Clause */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/flowsock.h"
#include "tests/unit/check.h"

void test_flowsock(void);

static struct pp_flowkey
key(int proto, int family, unsigned char last, long long flow)
{
	struct pp_flowkey k;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.family = family;
	if (family == AF_INET) {
		k.dst[0] = 127;
		k.dst[3] = last;
	} else {
		k.dst[15] = 1;		/* ::1 */
	}
	k.flow = flow;
	return k;
}

void
test_flowsock(void)
{
	struct pp_flowtab t;
	struct pp_flowsock_opts o = { .tos = -1, .recv = true, .errq = true };
	bool opened;

	pp_flowtab_init(&t);
	CHECK(pp_flowtab_find(&t, &(struct pp_flowkey){ .flow = 0 }) == -1,
	    "empty table");
	/* 40 flows to one destination: one socket and port each, found
	 * again at the same index however the table grew. */
	int idx[40];
	uint16_t port[40];
	for (int f = 0; f < 40; f++) {
		struct pp_flowkey k = key(IPPROTO_UDP, AF_INET, 1, f);
		idx[f] = pp_flowtab_open(&t, &k, &o, &opened);
		CHECK(idx[f] == f && opened, "flow %d opened at %d", f, idx[f]);
		port[f] = pp_flowtab_at(&t, idx[f])->port;
		CHECK(port[f] != 0, "flow %d has a port", f);
	}
	int distinct = 0;
	for (int f = 0; f < 40; f++) {
		struct pp_flowkey k = key(IPPROTO_UDP, AF_INET, 1, f);
		CHECK(pp_flowtab_find(&t, &k) == idx[f], "flow %d found", f);
		CHECK(pp_flowtab_open(&t, &k, &o, &opened) == idx[f] &&
		    !opened, "flow %d reused", f);
		CHECK(pp_flowtab_at(&t, idx[f])->port == port[f],
		    "flow %d keeps its port", f);
		distinct += f == 0 || port[f] != port[f - 1];
	}
	CHECK(distinct == 40, "40 ports");
	/* Every part of the key tells flows apart. */
	struct pp_flowkey base = key(IPPROTO_UDP, AF_INET, 1, 0);
	struct pp_flowkey other[5] = { base, base, base, base, base };
	other[0].proto = IPPROTO_TCP;
	other[1].dst[3] = 2;
	other[2].lport = 1;
	other[3].mark = 7;
	other[4] = key(IPPROTO_UDP, AF_INET6, 0, 0);
	for (int i = 0; i < 5; i++)
		CHECK(pp_flowtab_find(&t, &other[i]) == -1, "key part %d", i);
	/* A local address asked for is bound; one not on this host is the
	 * kernel's refusal. */
	struct pp_flowkey k = key(IPPROTO_UDP, AF_INET, 1, 100);
	k.src[0] = 127;
	k.src[3] = 1;
	int i = pp_flowtab_open(&t, &k, &o, &opened);
	CHECK(i >= 0 && memcmp(pp_flowtab_at(&t, i)->src, k.src, 16) == 0,
	    "bound to 127.0.0.1");
	k.flow = 101;
	k.src[0] = 192;
	k.src[1] = 0;
	k.src[2] = 2;
	k.src[3] = 77;
	errno = 0;
	CHECK(pp_flowtab_open(&t, &k, &o, &opened) == -1 &&
	    errno == EADDRNOTAVAIL, "192.0.2.77 refused: %s",
	    strerror(errno));
	/* An interface that does not exist. */
	struct pp_flowsock_opts bad = { .iface = "ppnosuchif0", .tos = -1 };
	k = key(IPPROTO_UDP, AF_INET, 1, 102);
	errno = 0;
	CHECK(pp_flowtab_open(&t, &k, &bad, &opened) == -1 &&
	    (errno == ENODEV || errno == EPERM), "no such interface: %s",
	    strerror(errno));
	/* The route's source address, for checksums of built packets. */
	struct pp_flowsock_opts rs = { .tos = -1, .route_src = true };
	k = key(IPPROTO_TCP, AF_INET, 1, 0);
	i = pp_flowtab_open(&t, &k, &rs, &opened);
	CHECK(i >= 0 && pp_flowtab_at(&t, i)->src[0] == 127,
	    "route source of 127.0.0.1");
	k = key(IPPROTO_TCP, AF_INET6, 0, 0);
	i = pp_flowtab_open(&t, &k, &rs, &opened);
	CHECK(i >= 0 && pp_flowtab_at(&t, i)->src[15] == 1,
	    "route source of ::1");
	pp_flowtab_release(&t);
	CHECK(t.n == 0 && t.fs == NULL, "released");
}
