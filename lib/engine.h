/* engine.h: the probing engine.  One thread, one epoll set, non-blocking
 * sockets; thousands of probes in flight.  ICMP echo through the shared
 * ICMP sockets of lib/net_linux.h (raw or datagram), UDP and TCP through
 * one unprivileged socket per probe; IPv4 and IPv6.  Every reply is
 * matched to its probe by what the engine controls (ICMP identifier and
 * sequence, a run tag and the 64-bit sequence in the payload, the probe's
 * own socket), never by arrival order; a reply after the timeout is
 * counted as late and credited to nobody.  Receive times come from the
 * kernel (SO_TIMESTAMPNS), send times are taken at the send call; a TCP
 * probe's RTT is the kernel's handshake RTT (TCP_INFO), and a handshake
 * that needed a retransmitted SYN is a timeout, its late answer noted. */
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
 * our payload (PP_PKT_PAYLOAD, what replies are matched by) and the two
 * bytes that keep an ICMP flow's checksum (pp_pkt_echo_hold). */
#define PP_ENGINE_DATA_MIN (PP_PKT_PAYLOAD + 2)

/* The IP and ICMP/UDP headers in front of a probe's data, bytes. */
#define PP_ENGINE_HDR4 28
#define PP_ENGINE_HDR6 48

/* Settings shared by every probe. */
struct pp_engine_opts {
	enum pp_proto proto;
	int port;		/* UDP/TCP destination port */
	int size;		/* probe size, bytes, 0 default; counting
				 * what size_ip says */
	bool size_ip;		/* size counts the whole IP packet (mtr's
				 * -s, mtr-packet's size); else the data
				 * after the 8-byte ICMP or UDP header
				 * (ping's -s).  Data: default 56 for ICMP
				 * (as ping), PP_ENGINE_DATA_MIN for UDP;
				 * never less than PP_ENGINE_DATA_MIN
				 * (raised to it).  TCP: no data. */
	unsigned char fill;	/* payload pattern byte */
	int tos;		/* TOS / traffic class, -1 default */
	unsigned mark;		/* SO_MARK, 0 none */
	const char *iface;	/* SO_BINDTODEVICE, NULL none */
	const struct sockaddr *source;	/* source address, NULL any */
	socklen_t source_len;
	double timeout;		/* seconds */
	int max_inflight;	/* probes in flight, at most */
	bool lax;		/* sends need millisecond timing only: the
				 * waits never spin (lib/pace) */
	bool paris;		/* flow-stable probes (Paris traceroute):
				 * every probe of one flow keeps what load
				 * balancers hash: ICMP keeps its checksum,
				 * UDP goes through one socket per
				 * (destination, flow), so one source and
				 * destination port, its TTL set per
				 * packet; TCP SYNs are built by us with
				 * one source port a flow (the sequence
				 * number tells probes apart) where net has
				 * raw TCP sockets, else are the kernel's
				 * connects (not flow-stable) */
};

/* The outcome of one probe: a plain value (copy it freely).  Strings
 * are held in it, except target (the caller's). */
struct pp_engine_result {
	double ts;		/* send time, epoch seconds */
	const char *target;	/* as given to pp_engine_send (borrowed) */
	const char *proto;	/* "icmp", "udp" or "tcp" (static) */
	long long seq;		/* the caller's sequence */
	long long round;	/* trace round, -1 none */
	long long flow;		/* flow, -1 none */
	int ttl;		/* TTL sent, -1 the system's default */
	int port;		/* UDP/TCP destination port, -1 none */
	int size;		/* bytes of the whole IP packet, -1 unknown
				 * (a TCP connect's SYN is the kernel's) */
	enum pp_status status;	/* outcome */
	double rtt;		/* ms, NAN when no answer */
	int reply_ttl;		/* TTL of the answer, -1 unknown */
	int code;		/* ICMP code of an unreachable, -1 none */
	double late;		/* RTT of an answer after the timeout (or a
				 * TCP answer after a retransmitted SYN), ms,
				 * 0 when none */
	enum pp_conn conn;	/* TCP answers: open (SYN-ACK) or refused */
	int nmpls;		/* MPLS labels of the answer */
	struct pp_mpls mpls[PP_MPLS_MAX];
	char dst[64];		/* destination address text */
	char from[64];		/* responder address text, "" none */
	char err[96];		/* send error text, "" none */
	int errnum;		/* errno of that error (a send, or a TCP
				 * connect the kernel gave up), 0 none */
	void *user;		/* what pp_engine_send was given */
};

/* The probe record of r: p's strings point into r (and r->target), so p
 * is valid while r is. */
void pp_engine_result_probe(const struct pp_engine_result *r,
    struct pp_probe *p);

struct pp_engine;

/* Called once per probe, in the order outcomes become known. */
typedef void pp_engine_done_fn(void *arg, const struct pp_engine_result *r);

/* Make an engine over the ICMP sockets n (borrowed; unused for UDP/TCP).
 * Returns it, or NULL with err set. */
struct pp_engine *pp_engine_new(const struct pp_engine_opts *o,
    struct pp_net *n, pp_engine_done_fn *done, void *arg,
    struct pp_error *err);
void pp_engine_free(struct pp_engine *e);

/* Send one probe to dst now: ttl (-1 for the system default), round (-1
 * none), flow (-1 none; with paris, 0 to 253 pick the flow), seq (the
 * caller's 64-bit sequence), target (the
 * name, borrowed until its result is delivered), user (passed back).
 * When it cannot be sent the result (status error) is delivered at once.
 * Returns 0, or -1 when too many probes are in flight (nothing sent). */
int pp_engine_send(struct pp_engine *e, const struct sockaddr *dst,
    socklen_t dlen, int ttl, long long round, long long flow,
    unsigned long long seq, const char *target, void *user);

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

/* End every probe in flight now: what is ready is read first, the rest
 * are delivered as timeouts (a run that ends at a deadline, as ping's -w
 * does, counts them lost). */
void pp_engine_expire(struct pp_engine *e);

/* Probes in flight. */
int pp_engine_inflight(const struct pp_engine *e);
/* The engine's epoll descriptor: readable when pp_engine_run has work. */
int pp_engine_fd(const struct pp_engine *e);

/* Late answers seen (after their probe's timeout). */
unsigned long pp_engine_late(const struct pp_engine *e);

#endif /* PP_ENGINE_H */
