/* SPDX-License-Identifier: BSD-2-Clause */
/* engine.h: the probing engine.  One per process: one thread, one epoll
 * set, non-blocking sockets, thousands of probes in flight, and every
 * probe with settings of its own (protocol, family, size, TTL, TOS, mark,
 * timeout, fill byte, local address and port, destination port, flow).
 *
 * Every answer goes to the probe that caused it by the probe's identity,
 * whatever else is in flight: a 16-bit number unique among the probes in
 * flight, in the first 8 bytes of its transport header, so that an ICMP
 * error quoting only those (RFC 792's minimum) still names it (lib/pkt.h:
 * the ICMP sequence, the TCP sequence number, for UDP the checksum), then
 * checked against what a NAT on the way leaves alone (the quoted
 * destination and destination port, the TCP sequence number, our payload
 * when quoted); a NAT that writes the client's address and port back into
 * a quote but leaves its own UDP checksum shifts a flow's identities by a
 * constant, learnt from a quote of our payload (8-byte quotes of the flow
 * that came first are kept, 32 at most, until it is known).  Probes
 * through a socket of their own (UDP, and TCP where
 * the kernel makes the connection) are known by their socket.  An answer
 * after the timeout is counted as late and credited to nobody.
 *
 * How each probe goes out:
 * - ICMP echo: the shared ICMP socket of its family (lib/net_linux.h, raw
 *   or datagram), its TTL, TOS, mark and source address given with the
 *   packet.  With a flow, the checksum stays the same for every probe of
 *   the flow (Paris traceroute).
 * - UDP with a flow or a local port: one socket per (destination, flow,
 *   local address and port, mark) holds the source port (lib/flowsock.h);
 *   with raw UDP sockets the engine builds the datagrams (identity in the
 *   checksum) and reads the errors from the raw ICMP socket, else the flow
 *   socket sends them and its error queue returns the errors (the probe
 *   then known by the payload the error quotes, or when it quotes less, by
 *   being the flow's only probe in flight).  Without a flow or local port:
 *   a socket per probe.
 * - TCP with a flow where raw TCP sockets exist: SYNs built by the engine
 *   from the flow's port (held by a bound socket, so the kernel resets the
 *   answers), their sequence number the identity; the SYN-ACK or RST read
 *   from the raw TCP socket.  Otherwise a socket per probe and the kernel's
 *   connect: the RTT is the kernel's handshake RTT (TCP_INFO), and a
 *   handshake that needed a retransmitted SYN is a timeout with its late
 *   answer noted (unless the probe counts retries, as mtr-packet does).
 * Receive times come from the kernel (SO_TIMESTAMPNS), send times are
 * taken at the send call.
 *
 * The receive path (issue 16): the shared sockets are read in batches
 * (recvmmsg, lib/net_linux.h); an error queue only when epoll says it has
 * something.  A timeout is taken only once every answer that arrived
 * before its deadline has been read (the reading may fall behind; then the
 * timeouts wait, and pp_engine_stats says by how much).  Every receiving
 * socket reports what the kernel dropped for it (SO_RXQ_OVFL with each
 * datagram, SO_MEMINFO when no datagram came since); a probe that waited
 * across such a drop and timed out is marked local_drop (its answer may
 * have been lost inside this host), never the network's loss. */
#ifndef PP_ENGINE_H
#define PP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/error.h"
#include "lib/net_linux.h"
#include "lib/pkt.h"
#include "lib/record.h"

/* Probe protocols. */
enum pp_proto { PP_ICMP, PP_UDP, PP_TCP };

/* The least data a probe carries after its 8-byte ICMP or UDP header:
 * our payload (PP_PKT_PAYLOAD: run tag and sequence) and the two bytes
 * that keep an ICMP flow's checksum or make a UDP probe's (lib/pkt.h). */
#define PP_ENGINE_DATA_MIN (PP_PKT_PAYLOAD + 2)

/* The IP and ICMP/UDP headers in front of a probe's data, bytes. */
#define PP_ENGINE_HDR4 28
#define PP_ENGINE_HDR6 48

/* Probes in flight at most (each has a 16-bit identity). */
#define PP_ENGINE_INFLIGHT_MAX 60000

/* Settings of the engine itself. */
struct pp_engine_opts {
	const char *iface;	/* SO_BINDTODEVICE for every socket, NULL
				 * none */
	int max_inflight;	/* probes in flight, at most (1 to
				 * PP_ENGINE_INFLIGHT_MAX; 0: that) */
	bool lax;		/* sends need millisecond timing only: the
				 * waits never spin (lib/pace) */
	bool coalesce;		/* with lax: a wait of 1 ms or less for the
				 * caller's time sleeps, the answers of the
				 * while read at its end (kernel stamps
				 * kept): one wake-up, not one per answer
				 * (lib/evloop) */
};

/* One probe: how to send it and what its record says.  Fill with
 * pp_engine_probe_init, then set what differs. */
struct pp_engine_probe {
	enum pp_proto proto;
	const struct sockaddr *dst;	/* destination (port ignored);
					 * borrowed for the call */
	socklen_t dlen;
	int port;		/* UDP/TCP destination port, 1 to 65535 */
	int size;		/* probe size, bytes, 0 default; counting
				 * what size_ip says */
	bool size_ip;		/* size counts the whole IP packet (mtr's
				 * -s, mtr-packet's size); else the data
				 * after the 8-byte ICMP or UDP header
				 * (ping's -s).  Data: default 56 for ICMP
				 * (as ping), PP_ENGINE_DATA_MIN for UDP;
				 * never less than PP_ENGINE_DATA_MIN
				 * (raised to it).  TCP: no data. */
	int ttl;		/* TTL / hop limit 0 to 255 (IPv4 0 is the
				 * kernel's to refuse: EINVAL), -1 the
				 * system's default */
	int tos;		/* TOS / traffic class 0 to 255, -1 none */
	unsigned mark;		/* SO_MARK, 0 none (needs CAP_NET_ADMIN) */
	double timeout;		/* seconds, 0 or more: 0 takes what is
				 * there at the next turn of the loop */
	unsigned char pattern;	/* payload fill byte */
	const struct sockaddr *src;	/* local address (port ignored), NULL
					 * the kernel's choice; borrowed */
	socklen_t srclen;
	int local_port;		/* UDP/TCP local port, 0 any */
	long long flow;		/* a flow (Paris traceroute): every probe
				 * of one flow to one destination keeps
				 * what load balancers hash; -1 none */
	bool tcp_retries;	/* TCP through the kernel's connect: the
				 * kernel's SYN retransmissions within the
				 * timeout count (the answer is a reply with
				 * the RTT from the first SYN), as mtr-packet
				 * counts them */
	/* What the record says: */
	long long round;	/* trace round, -1 none */
	long long seq;		/* the caller's sequence, -1 none */
	const char *target;	/* the name, borrowed until the result */
	void *user;		/* passed back with the result */
};

/* Defaults: ICMP, no destination, TTL -1, TOS -1, timeout 2 s, size 0,
 * fill 0, no mark, local address or port, flow, round or seq. */
void pp_engine_probe_init(struct pp_engine_probe *p);

/* The outcome of one probe: a plain value (copy it freely).  Strings are
 * held in it, except target (the caller's). */
struct pp_engine_result {
	double ts;		/* send time, epoch seconds */
	const char *target;	/* as given (borrowed) */
	const char *proto;	/* "icmp", "udp" or "tcp" (static) */
	int family;		/* AF_INET or AF_INET6 */
	long long seq;		/* the caller's sequence, -1 none */
	long long round;	/* trace round, -1 none */
	long long flow;		/* flow, -1 none */
	int ttl;		/* TTL sent, -1 the system's default */
	int port;		/* UDP/TCP destination port, -1 none */
	int size;		/* the IP packet sent, bytes, -1 unknown */
	enum pp_status status;	/* outcome */
	double rtt;		/* ms, NAN when no answer */
	int reply_ttl;		/* TTL of the answer, -1 unknown */
	int code;		/* ICMP code of an unreachable, -1 none */
	int errnum;		/* status error, or a TCP connection the
				 * kernel gave up: the errno, else 0 */
	double late;		/* RTT of an answer after the timeout (or a
				 * TCP answer after a retransmitted SYN), ms,
				 * 0 when none */
	enum pp_conn conn;	/* TCP answers: open (SYN-ACK) or refused
				 * (RST) */
	bool local_drop;	/* a timeout whose answer may have been
				 * dropped inside this host: the kernel
				 * dropped datagrams for a socket it would
				 * come through (receive queue full) while
				 * the probe waited */
	int nmpls;		/* MPLS labels of the answer */
	struct pp_mpls mpls[PP_MPLS_MAX];
	char dst[46];		/* destination address text */
	char from[46];		/* responder address text, "" none */
	char err[96];		/* error text (strerror), "" none */
	void *user;		/* what the probe was given */
};

/* The probe record of r: p's strings point into r (and r->target), so p
 * is valid while r is. */
void pp_engine_result_probe(const struct pp_engine_result *r,
    struct pp_probe *p);

struct pp_engine;

/* Called once per probe, in the order outcomes become known. */
typedef void pp_engine_done_fn(void *arg, const struct pp_engine_result *r);

/* Make the engine over the privileged sockets n (borrowed; any of them
 * may be -1: what needs it then fails per probe with EAFNOSUPPORT).
 * Returns it, or NULL with err set (an interface that does not exist
 * names it and the kernel's reason). */
struct pp_engine *pp_engine_new(const struct pp_engine_opts *o,
    struct pp_net *n, pp_engine_done_fn *done, void *arg,
    struct pp_error *err);
void pp_engine_free(struct pp_engine *e);

/* Send probe p now.  When it cannot be sent (an option the kernel
 * refuses, no route, no socket of its kind) its result, status error with
 * errnum and err, is delivered at once.  Returns 0, or -1 when
 * max_inflight probes are in flight (nothing sent). */
int pp_engine_send(struct pp_engine *e, const struct pp_engine_probe *p);

/* Wait for answers until the monotonic time until_ns (or less when a
 * probe times out first), delivering results.  Returns 0, or -1 on a
 * broken environment (epoll failed).  A return at until_ns is on time,
 * within microseconds, so a probe sent then leaves on schedule: the wait
 * blocks until a margin before it learnt from the wake-ups' lateness,
 * then spins (lib/pace.h: at most 5 % of the time, 1 ms a time); answers
 * that arrive during the spin are read, with their kernel receive stamps,
 * on the next call.  Answers that are ready are read before timeouts
 * are taken, so one that waited while the caller was held up is still a
 * reply.  The engine sets its thread's timer slack to 1 ns. */
int pp_engine_run(struct pp_engine *e, long long until_ns);

/* From a done callback: make the pp_engine_run in progress return once
 * the events at hand are handled (not at until_ns), so that the caller can
 * act on the outcome at once: write what it completed, send what it
 * allows. */
void pp_engine_yield(struct pp_engine *e);

/* Probes in flight. */
int pp_engine_inflight(const struct pp_engine *e);
/* The engine's epoll descriptor: readable when pp_engine_run has work. */
int pp_engine_fd(const struct pp_engine *e);

/* End every probe in flight now: what has arrived is read, the rest
 * time out (ping's -w: the deadline passed). */
void pp_engine_expire(struct pp_engine *e);

/* Late answers seen (after their probe's timeout). */
unsigned long pp_engine_late(const struct pp_engine *e);

/* How the receive path keeps up (issue 16: overload is reported, never
 * taken for the network's loss). */
struct pp_engine_stats {
	unsigned long long kernel_drops;	/* datagrams the kernel dropped
					 * for the engine's sockets (their
					 * receive queues full), since it
					 * started */
	unsigned long long local_drops;	/* timeouts marked local_drop */
	unsigned long long late;	/* answers after their timeout */
	long long read_lag;	/* ns: how far the reading of answers fell
				 * behind at worst since the last call (a
				 * timeout was due while answers older than
				 * it might wait unread: it waited too) */
	int rcvbuf;		/* the ICMP sockets' receive buffer, bytes
				 * (the smaller), 0 none */
};

/* The figures above (read_lag starts again from 0). */
void pp_engine_stats(struct pp_engine *e, struct pp_engine_stats *st);

/* Bytes an answer takes in a receive queue, as the kernel counts it
 * (some 830 on a veth, 2 KB or more from most NICs): the unit of
 * pp_engine_plan. */
#define PP_ENGINE_TRUESIZE 2048
/* The least receive buffer pp_engine_plan leaves, bytes. */
#define PP_ENGINE_RCVBUF_MIN (256 << 10)

/* The caller's plan: about rate probes a second, each waiting timeout
 * seconds at most.  The shared sockets' receive buffers are sized to keep
 * the answers of every probe in flight (rate * timeout * PP_ENGINE_TRUESIZE
 * bytes, between PP_ENGINE_RCVBUF_MIN and PP_NET_RCVBUF_MAX), so that a
 * run held up for as long as its timeout loses none; a buffer larger than
 * needed is lowered.  Without privilege a raise stops at
 * net.core.rmem_max (the privileged sockets were raised when opened).
 * Returns the ICMP sockets' buffer now (bytes, the smaller; 0 none). */
int pp_engine_plan(struct pp_engine *e, double rate, double timeout);

/* Set the shared sockets' receive buffers to bytes (as the kernel counts
 * them), as far as allowed (pp_engine_plan's rules).  Returns the ICMP
 * sockets' buffer now (bytes, the smaller; 0 none). */
int pp_engine_rcvbuf(struct pp_engine *e, int bytes);

#endif /* PP_ENGINE_H */
