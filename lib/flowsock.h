/* SPDX-License-Identifier: BSD-2-Clause */
/* flowsock.h: the flow sockets of the probing engine.  A flow is what a
 * load balancer hashes: for a flow-stable (Paris) probe, its protocol,
 * addresses and ports.  Each (protocol, destination, flow, local address
 * and port asked for, mark) gets one socket for the run, opened on first
 * use: its local port stays the same for every probe of the flow.  A UDP
 * flow socket sends the flow's datagrams itself (unprivileged) and reads
 * the ICMP errors that quote them, or, where the engine builds the
 * datagrams on a raw socket, only holds the port and reads answers; a TCP
 * flow socket only holds the port (bound, never connected: the kernel
 * answers the destination's SYN-ACK with a RST) for SYNs the engine
 * builds.  Entries keep their index for the run, so an index can stand
 * for the socket in an event tag. */
#ifndef PP_FLOWSOCK_H
#define PP_FLOWSOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* What tells flows apart. */
struct pp_flowkey {
	int proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	int family;		/* AF_INET or AF_INET6 */
	unsigned char dst[16];	/* destination address (IPv4: 4 bytes) */
	unsigned char src[16];	/* local address asked for, zero any */
	uint16_t lport;		/* local port asked for, 0 any */
	unsigned mark;		/* SO_MARK (routing), 0 none */
	long long flow;		/* flow number, -1 none */
};

/* One flow socket. */
struct pp_flowsock {
	struct pp_flowkey key;
	int fd;			/* the socket */
	uint16_t port;		/* its local port */
	unsigned char src[16];	/* its local address (for checksums) */
	bool errq;		/* its error queue has the ICMP errors */
};

/* How to open a flow socket. */
struct pp_flowsock_opts {
	const char *iface;	/* SO_BINDTODEVICE, NULL none */
	int tos;		/* IP_TOS / IPV6_TCLASS, -1 default */
	bool recv;		/* UDP: read answers (their stamps and
				 * TTLs) */
	bool errq;		/* UDP: and the ICMP errors about what it
				 * sends, in its error queue (IP_RECVERR) */
	bool route_src;		/* find the local address the route to the
				 * destination takes (for checksums of
				 * packets built by the engine) */
};

/* The table.  Caller-provided storage; pp_flowtab_init first. */
struct pp_flowtab {
	struct pp_flowsock *fs;	/* entries, in the order opened */
	int n;			/* entries */
	int cap;		/* room in fs */
	int *hash;		/* open addressing: index + 1, 0 empty */
	int nhash;		/* its size, a power of two (or 0) */
};

/* Set up t (allocates nothing). */
void pp_flowtab_init(struct pp_flowtab *t);

/* Close every socket and free the table (not t). */
void pp_flowtab_release(struct pp_flowtab *t);

/* The index of the socket of key, or -1 when it is not open yet. */
int pp_flowtab_find(const struct pp_flowtab *t, const struct pp_flowkey *k);

/* The socket of key: the open one, or a new one (*opened set) bound to
 * the local address and port asked for (else any address, and a port of
 * the kernel's choosing), its mark set.  A port asked for that another
 * socket holds, for packets the engine builds (o->route_src): the socket
 * is bound to a port of the kernel's choosing, and its entry's port is
 * the one asked for, which the packets carry (its answers go to the
 * other socket; the ICMP errors come to the raw socket).  Returns
 * its index, or -1 with errno (the kernel's: EADDRNOTAVAIL for a local
 * address not on this host, EADDRINUSE, ENODEV for an interface that does
 * not exist, ENETUNREACH ...; ENOMEM). */
int pp_flowtab_open(struct pp_flowtab *t, const struct pp_flowkey *k,
    const struct pp_flowsock_opts *o, bool *opened);

/* Entry i (0 <= i < t->n), borrowed. */
struct pp_flowsock *pp_flowtab_at(const struct pp_flowtab *t, int i);

/* The address bytes of sa (4 for IPv4, 16 for IPv6, zero-padded). */
void pp_flowkey_addr(const struct sockaddr *sa, unsigned char out[16]);

#endif /* PP_FLOWSOCK_H */
