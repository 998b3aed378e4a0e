/* SPDX-License-Identifier: BSD-2-Clause */
/* net_linux.h: the platform layer of the probers (Linux).  Three jobs:
 * the privileged part (open the raw or datagram ICMP sockets and the raw
 * TCP sockets, then drop every privilege for good and check that it is
 * gone); socket options (receive stamps, TTLs, errors and drop counts,
 * receive buffers, TOS, mark, interface, source address), each reporting
 * the kernel's refusal; and the receive paths (datagrams with their
 * sender, kernel stamp, TTL and the socket's drop count, many a call
 * (recvmmsg); messages of a socket's error queue with the ICMP error they
 * carry).  Every datagram the engine reads comes through
 * pp_net_recv_batch or pp_net_recv, every error through
 * pp_net_recv_batch or pp_net_recv_err. */
#ifndef PP_NET_LINUX_H
#define PP_NET_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/error.h"

/* The privileged sockets of a run. */
struct pp_net {
	int icmp4;		/* IPv4 ICMP socket, -1 none */
	int icmp6;		/* IPv6 ICMP socket, -1 none */
	bool raw4;		/* icmp4 is raw (else datagram) */
	bool raw6;		/* icmp6 is raw (else datagram) */
	int err4;		/* errno when neither kind opened, IPv4 */
	int err6;		/* likewise IPv6 */
	int tcp4;		/* raw TCP socket (SYNs the engine builds,
				 * and the answers to them), -1 none */
	int tcp6;		/* likewise IPv6 */
	int udp4;		/* raw UDP socket (datagrams the engine
				 * builds; send only), -1 none */
	int udp6;		/* likewise IPv6 */
};

/* The receive buffer the shared sockets get while privileged (bytes as
 * the kernel counts them, skb overhead included: some 830 bytes an echo
 * reply on a veth, 2 to 4 KB from a NIC), so that a fast run can keep the
 * answers of every probe in flight while it is held up; an engine lowers
 * it to what its plan needs (pp_engine_plan).  A bound, not an allocation:
 * the kernel takes memory only for what waits in the queue. */
#define PP_NET_RCVBUF_MAX (64 << 20)

/* Open the ICMP sockets (raw first, datagram second), and with them the
 * mark when mark != 0 (it needs CAP_NET_ADMIN, so it is set now), their
 * receive buffers raised to PP_NET_RCVBUF_MAX where that is allowed
 * (SO_RCVBUFFORCE).  Never fails: what could not be opened is -1 with its
 * errno. */
void pp_net_open_privileged(struct pp_net *n, unsigned mark);

/* Open raw TCP sockets too (root or CAP_NET_RAW), for flow-stable TCP
 * probes built by the engine: n->tcp4 and n->tcp6, -1 where not allowed.
 * They see every TCP segment this host receives: open them only for TCP
 * probes.  Call after pp_net_open_privileged, before the drop. */
void pp_net_open_raw_tcp(struct pp_net *n);

/* Open raw UDP sockets too (root or CAP_NET_RAW), for UDP probes built by
 * the engine (their checksum carries the probe's identity): n->udp4 and
 * n->udp6, -1 where not allowed.  Send only: a filter drops everything
 * they would receive.  Call after pp_net_open_privileged, before the
 * drop. */
void pp_net_open_raw_udp(struct pp_net *n);

/* Close every socket of n (each -1 afterwards). */
void pp_net_close(struct pp_net *n);

/* Close the raw sockets a run does not use (each -1 afterwards): the raw
 * TCP ones (tcp4, tcp6) unless tcp, which see every TCP segment of the
 * host, and the raw UDP ones (udp4, udp6) unless udp. */
void pp_net_close_raw(struct pp_net *n, bool tcp, bool udp);

/* Drop every privilege: a set-user-ID run goes back to the real user; a
 * run as root clears all capabilities (bounding set included); then
 * PR_SET_NO_NEW_PRIVS.  keep_net_admin keeps CAP_NET_ADMIN (for --mark on
 * sockets opened later).  Returns 0, or -1 when the drop could not be
 * verified (the caller must stop). */
int pp_net_drop_privileges(bool keep_net_admin);

/* ------------------------------------------------------ socket options */

/* Ask for what the receive paths read on socket fd of family (AF_INET or
 * AF_INET6): kernel receive stamps (SO_TIMESTAMPNS), the socket's drop
 * count with each datagram (SO_RXQ_OVFL), the TTL or hop limit of what
 * arrives, and with errq the ICMP errors about what it sent, in its error
 * queue (IP_RECVERR).  Returns 0, or -1 with errno from the first option
 * the kernel refused. */
int pp_net_recv_opts(int fd, int family, bool errq);

/* Set fd's receive buffer to bytes as the kernel counts them (what
 * SO_RCVBUF reports, twice what is asked of it): with force through
 * SO_RCVBUFFORCE (CAP_NET_ADMIN: else EPERM), without through SO_RCVBUF,
 * which the kernel caps at pp_net_rcvbuf_max().  Returns the size the
 * socket has afterwards (bytes), or -1 with errno. */
int pp_net_set_rcvbuf(int fd, int bytes, bool force);

/* The largest receive buffer SO_RCVBUF gives (net.core.rmem_max, as the
 * kernel counts it: doubled), bytes, or -1 when unknown. */
long long pp_net_rcvbuf_max(void);

/* fd's receive buffer, bytes (SO_RCVBUF), or -1 with errno. */
int pp_net_rcvbuf(int fd);

/* What the kernel dropped for fd since it was opened: datagrams that
 * found its receive queue full (SO_MEMINFO's drop count).  Returns it, or
 * -1 with errno. */
long long pp_net_drops(int fd);

/* IP_TOS / IPV6_TCLASS of fd.  Returns 0, or -1 with errno. */
int pp_net_set_tos(int fd, int family, int tos);

/* IP_TTL / IPV6_UNICAST_HOPS of fd.  Returns 0, or -1 with errno. */
int pp_net_set_ttl(int fd, int family, int ttl);

/* SO_MARK of fd (needs CAP_NET_ADMIN: EPERM without).  Returns 0, or -1
 * with errno. */
int pp_net_set_mark(int fd, unsigned mark);

/* SO_BINDTODEVICE of fd to the interface named iface (ENODEV when there
 * is none).  Returns 0, or -1 with errno. */
int pp_net_bind_iface(int fd, const char *iface);

/* The setting pp_net_try found refused. */
enum pp_net_setting {
	PP_NET_OK,		/* every setting taken */
	PP_NET_SOCKET,		/* no socket of that family at all */
	PP_NET_IFACE,		/* SO_BINDTODEVICE */
	PP_NET_MARK,		/* SO_MARK */
	PP_NET_TOS,		/* IP_TOS / IPV6_TCLASS */
	PP_NET_SOURCE		/* bind to the source address */
};

/* Try the settings the probes' sockets will get on a new unprivileged UDP
 * socket of family (AF_INET or AF_INET6), in the order the engine sets
 * them: the interface iface (NULL none), the mark (0 none), the TOS or
 * traffic class tos (-1 none), then a bind to source (NULL none; its port
 * is ignored).  So a bad interface (ENODEV), a mark without CAP_NET_ADMIN
 * (EPERM) or a source address this host does not have (EADDRNOTAVAIL) is
 * known before the first probe.  Returns PP_NET_OK, or the first setting
 * the kernel refused with errno its reason.  Opens and closes one socket;
 * needs no privilege beyond what the setting itself needs. */
enum pp_net_setting pp_net_try(int family, const char *iface, unsigned mark,
    int tos, const struct sockaddr *source, socklen_t source_len);

/* ---------------------------------------------------------------- send */

/* What one packet is sent with, whatever its socket's settings. */
struct pp_net_tx {
	int ttl;		/* TTL / hop limit, -1 the socket's */
	int tos;		/* TOS / traffic class, -1 the socket's */
	unsigned mark;		/* SO_MARK, 0 the socket's (needs
				 * CAP_NET_ADMIN) */
	const unsigned char *src;	/* source address bytes (4 or 16), NULL
				 * the kernel's choice */
};

/* Send len bytes of buf to `to` on fd (never blocks) with the per-packet
 * settings tx (ancillary data: IP_TTL, IP_TOS, SO_MARK, IP_PKTINFO and
 * their IPv6 kin).  Returns 0, or -1 with errno (the kernel's: EINVAL for a
 * TTL it refuses or a source address not on this host, EPERM for a mark
 * without the privilege, ENETUNREACH, EMSGSIZE ...). */
int pp_net_send(int fd, const void *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen, const struct pp_net_tx *tx);

/* ------------------------------------------------------- receive paths */

/* What came with a datagram or an error-queue message. */
struct pp_net_msg {
	struct sockaddr_storage from;	/* its sender (datagrams) */
	struct timespec rx;	/* kernel receive stamp, zero when missing */
	int ttl;		/* its TTL or hop limit, -1 unknown */
	size_t len;		/* bytes placed in the caller's buffer */
	bool trunc;		/* it was longer than the buffer: cut */
	unsigned drops;		/* datagrams the socket dropped (queue
				 * full) before this one was queued, since
				 * it was opened (SO_RXQ_OVFL; datagrams
				 * only, 0 none) */
	/* Error-queue messages (IP_RECVERR) only: */
	bool err;		/* an extended error was read */
	int origin;		/* SO_EE_ORIGIN_ICMP, _ICMP6, _LOCAL ... */
	int type, code;		/* ICMP type and code */
	struct sockaddr_storage offender;	/* who sent the ICMP error */
	size_t ext_at;		/* where its RFC 4884 extension starts in
				 * the data (IP_RECVERR_RFC4884, from the
				 * length field), 0 unknown */
};

/* Read one datagram of fd (never blocks) into buf (cap bytes), with its
 * sender, stamp and TTL in m.  Returns 0, or -1 with errno (EAGAIN:
 * nothing more). */
int pp_net_recv(int fd, unsigned char *buf, size_t cap, struct pp_net_msg *m);

/* Read one message of fd's error queue (never blocks): what we sent, as
 * far as the ICMP error quoted it (the transport payload for UDP, the
 * ICMP message for ICMP datagram sockets) into buf, and the error in m
 * (m->err false when the message carried none).  Returns 0, or -1 with
 * errno (EAGAIN: the queue is empty). */
int pp_net_recv_err(int fd, unsigned char *buf, size_t cap,
    struct pp_net_msg *m);

/* Many messages a call (recvmmsg): a batch of buffers of slot bytes each,
 * as many as fit in PP_NET_BATCH_BYTES (1 to PP_NET_BATCH).  Caller
 * storage; pp_net_batch_init allocates. */
#define PP_NET_BATCH 64
#define PP_NET_BATCH_BYTES (128 << 10)
struct pp_net_batch {
	int n;			/* messages the last call read */
	int cap;		/* messages a call reads at most */
	size_t slot;		/* bytes of each message's buffer */
	unsigned char *data;	/* cap buffers of slot bytes */
	struct pp_net_msg msg[PP_NET_BATCH];
	void *hdrs;		/* the calls' headers and control (owned) */
};

/* Set up b with buffers of slot bytes each (at least 256).  Returns 0, or
 * -1 with errno (b then holds nothing). */
int pp_net_batch_init(struct pp_net_batch *b, size_t slot);
void pp_net_batch_release(struct pp_net_batch *b);

/* Message k of the last call: its bytes (b->msg[k].len of them). */
unsigned char *pp_net_batch_data(const struct pp_net_batch *b, int k);

/* Read what fd has ready (with errq: its error queue), up to b->cap
 * messages in one call (never blocks), each as pp_net_recv or
 * pp_net_recv_err would.  Returns how many (b->n, at least 1), or -1 with
 * errno (EAGAIN: nothing). */
int pp_net_recv_batch(int fd, struct pp_net_batch *b, bool errq);

/* The source address the routing table gives for dst: a UDP socket is
 * connected to it (no packet leaves) and asked its name; the port is 0.
 * Returns 0 with src and *slen set, or -1 with errno (ENETUNREACH when
 * there is no route, ...). */
int pp_net_route_source(const struct sockaddr *dst, socklen_t dlen,
    struct sockaddr_storage *src, socklen_t *slen);

/* The same for packets with the mark (0 none: policy routing by mark)
 * and through the interface iface (NULL any); their refusal is the
 * kernel's errno (EPERM, ENODEV). */
int pp_net_route_source_via(const struct sockaddr *dst, socklen_t dlen,
    unsigned mark, const char *iface, struct sockaddr_storage *src,
    socklen_t *slen);

#endif /* PP_NET_LINUX_H */
