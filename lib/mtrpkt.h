/* SPDX-License-Identifier: BSD-2-Clause */
/* mtrpkt.h: mtr's probe helper protocol (mtr-packet(8)), as mtr-packet
 * 0.95 (Debian's /usr/bin/mtr-packet) speaks it: the request stream cut
 * into lines, a line into a command, a command into a probe to send or an
 * answer, and every answer into its reply line.  No sockets here: the
 * caller sends what pp_mtrpkt_request() asks for and hands the outcome to
 * the one word table (errno values and ICMP types and codes to reply
 * words) and to pp_mtrpkt_format().
 *
 * What mtr-packet does, and so what this does (measured side by side,
 * tests/mtr-packet.bats):
 * - Lines end at '\n'; a NUL before the '\n' hides it (mtr-packet searches
 *   the buffer as a C string).  A line of 4095 bytes or more without its
 *   '\n' is dropped whole with `0 command-buffer-overflow`, and what follows
 *   starts a new line.  An unfinished line at the end of input is ignored.
 * - A line is split at C-locale white space (space, \t, \n, \v, \f, \r);
 *   fewer than two words, more than 34, an odd number of argument words,
 *   or a token out of range of a long is `0 command-parse-error`.  The token
 *   is strtol's value (base 10, junk after the digits ignored: "abc" is 0)
 *   cut to 32 bits: 4294967297 answers as 1.
 * - Commands: send-probe, check-support; anything else answers
 *   `TOKEN unknown-command`.  Argument names not known are ignored; a
 *   repeated one counts as often as it comes (the last wins).  A value is
 *   strtol's (base 10) and must have nothing after its digits (an overflow
 *   is not checked: 99999999999999999999 is LONG_MAX cut to 32 bits, -1).
 */
#ifndef PP_MTRPKT_H
#define PP_MTRPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "lib/pkt.h"

#define PP_MTRPKT_LINE_MAX 4096	/* mtr-packet's command buffer, bytes */
#define PP_MTRPKT_ARGS_MAX 16	/* name/value pairs in one request */
#define PP_MTRPKT_PROBES_MAX 1024	/* probes in flight, at most */
#define PP_MTRPKT_PACKET_MAX 9000	/* probe bytes built, at most */
#define PP_MTRPKT_SEQ_MIN 33000	/* probe sequence numbers: */
#define PP_MTRPKT_SEQ_MAX 65535	/* MIN, MIN+1, ... MAX, MIN, ... */
#define PP_MTRPKT_REPLY_MAX 512	/* a formatted reply line, bytes */
/* The wait of a probe with timeout 0 or less, seconds: mtr-packet takes
 * what is in its socket when it next looks, after sending the rest of the
 * requests it has read; on a busy host a loopback reply has taken 1 ms to
 * get there.  This helper's loop turns every 10 ms at most. */
#define PP_MTRPKT_TURN 0.01

/* Reply words: every word mtr-packet 0.95 answers with. */
enum pp_mtrpkt_word {
	PP_MTRPKT_NONE,		/* no answer (an ICMP message mtr-packet
				 * ignores: the probe keeps waiting) */
	PP_MTRPKT_REPLY,	/* the destination answered */
	PP_MTRPKT_TTL_EXPIRED,	/* a router answered: time exceeded */
	PP_MTRPKT_NO_ROUTE,	/* unreachable (ICMP, or a send error) */
	PP_MTRPKT_NO_REPLY,	/* nothing within the timeout */
	PP_MTRPKT_NETWORK_DOWN,
	PP_MTRPKT_PERMISSION_DENIED,
	PP_MTRPKT_ADDRESS_IN_USE,
	PP_MTRPKT_ADDRESS_NOT_AVAILABLE,
	PP_MTRPKT_INVALID_ARGUMENT,
	PP_MTRPKT_UNEXPECTED_ERROR,	/* carries the errno number */
	PP_MTRPKT_PROBES_EXHAUSTED,
	PP_MTRPKT_UNKNOWN_COMMAND,
	PP_MTRPKT_COMMAND_PARSE_ERROR,	/* token 0 */
	PP_MTRPKT_COMMAND_BUFFER_OVERFLOW,	/* token 0 */
	PP_MTRPKT_FEATURE_SUPPORT
};

/* The reply word's text ("no-route", ...); "" for PP_MTRPKT_NONE. */
const char *pp_mtrpkt_word_name(enum pp_mtrpkt_word w);

/* The one table, errno side: the word a send or connect error answers
 * (EINVAL invalid-argument, ENETDOWN network-down, ENETUNREACH and
 * EHOSTUNREACH no-route, EPERM permission-denied, EADDRINUSE
 * address-in-use, EADDRNOTAVAIL address-not-available, ECONNREFUSED
 * reply: a TCP destination's RST; anything else unexpected-error with the
 * number). */
enum pp_mtrpkt_word pp_mtrpkt_errno_word(int errnum);

struct pp_mtrpkt_probe;

/* Whether a probe p is refused before it is sent as mtr-packet refuses
 * it, src its source (p->src when given, else the one the route to the
 * destination has): an ICMP or UDP probe over IPv6 from an IPv4-mapped
 * address (::ffff:a.b.c.d; also the route's source to a mapped
 * destination), whose raw socket mtr-packet cannot bind to it:
 * address-not-available, nothing sent.  TCP's socket can (dual stack). */
bool pp_mtrpkt_mapped_source(const struct pp_mtrpkt_probe *p,
    const struct sockaddr *src);

/* Whether mtr-packet writes probe p's IP header itself: an IPv4 ICMP or
 * UDP probe.  Its given source (local-ip-4) is then put in the header
 * whatever it is (mtr-packet binds no socket to it), and the probe is
 * routed by its destination alone. */
bool pp_mtrpkt_own_header(const struct pp_mtrpkt_probe *p);

/* Whether probe p, whose destination has a route, is one whose given
 * source the kernel will not send it from: an IPv4 ICMP or UDP probe
 * (pp_mtrpkt_own_header) and errnum what binding the source gave (0: it
 * bound, then a multicast source is refused: the kernel sends from the
 * route's address) or what its send failed with: an address not this
 * host's (EADDRNOTAVAIL; IP_PKTINFO: ENETUNREACH), a broadcast address or
 * a loopback address to another host (EINVAL).  mtr-packet sends it
 * anyway: no answer can come back to such a source, so it answers
 * no-reply at the probe's timeout, and so does pp (mtr's -I lo and -a ask
 * this; address-not-available or invalid-argument would end mtr). */
bool pp_mtrpkt_source_refused(const struct pp_mtrpkt_probe *p, int errnum);

/* The one table, ICMP side: the word an ICMP message about a probe
 * answers, family AF_INET or AF_INET6: echo reply: reply; time exceeded
 * (any code): ttl-expired; destination unreachable, port code (3; ICMPv6
 * 4): reply (the destination's answer to UDP); any other unreachable code:
 * no-route; anything else PP_MTRPKT_NONE (ignored, as mtr-packet does). */
enum pp_mtrpkt_word pp_mtrpkt_icmp_word(int family, int type, int code);

/* ---------------------------------------------------------- input */

/* The request stream cut into lines as mtr-packet cuts it.  Caller-provided
 * storage; pp_mtrpkt_in_init() first.  Bounded: PP_MTRPKT_LINE_MAX bytes. */
struct pp_mtrpkt_in {
	char buf[PP_MTRPKT_LINE_MAX];	/* bytes received, not yet taken */
	size_t len;		/* bytes in buf (< PP_MTRPKT_LINE_MAX) */
	size_t taken;		/* bytes of the line last handed out, dropped
				 * at the next call */
};

/* What pp_mtrpkt_in_next() found. */
enum pp_mtrpkt_in_event {
	PP_MTRPKT_IN_NONE,	/* no whole line: read more */
	PP_MTRPKT_IN_LINE,	/* a line */
	PP_MTRPKT_IN_OVERFLOW	/* a line too long, dropped: answer
				 * `0 command-buffer-overflow` */
};

void pp_mtrpkt_in_init(struct pp_mtrpkt_in *in);

/* Where the next bytes go: returns the place, *room its size (at least 1
 * byte, at most what mtr-packet would read there).  Then
 * pp_mtrpkt_in_added() with the count read. */
char *pp_mtrpkt_in_space(struct pp_mtrpkt_in *in, size_t *room);
void pp_mtrpkt_in_added(struct pp_mtrpkt_in *in, size_t n);

/* The next event.  PP_MTRPKT_IN_LINE: *line is the line without its
 * '\n', NUL-terminated, inside in (the caller may change its bytes, as
 * pp_mtrpkt_parse does); valid until the next call on in. */
enum pp_mtrpkt_in_event pp_mtrpkt_in_next(struct pp_mtrpkt_in *in,
    char **line);

/* --------------------------------------------------------- parsing */

/* A request line in words. */
struct pp_mtrpkt_cmd {
	int token;		/* echoed in the answer */
	const char *name;	/* the command word */
	int nargs;		/* name/value pairs */
	const char *arg[PP_MTRPKT_ARGS_MAX];	/* names */
	const char *val[PP_MTRPKT_ARGS_MAX];	/* values */
};

/* Split line in place (white space becomes NULs); the words point into
 * line and live as long as it.  Returns 0, or -1 when the line is a
 * command-parse-error. */
int pp_mtrpkt_parse(char *line, struct pp_mtrpkt_cmd *c);

/* ------------------------------------------------------- requests */

/* Probe protocols. */
enum pp_mtrpkt_proto {
	PP_MTRPKT_ICMP, PP_MTRPKT_UDP, PP_MTRPKT_TCP, PP_MTRPKT_SCTP
};

/* What this helper can do (the answers to check-support, and what
 * send-probe accepts). */
struct pp_mtrpkt_caps {
	bool ip4, ip6;		/* probes to this family can be sent */
	bool icmp4, icmp6;	/* ICMP echo probes, per family */
	bool udp, tcp, sctp;	/* these protocols */
	bool mark;		/* the mark argument exists (SO_MARK) */
	const char *version;	/* answered to `feature version` */
};

/* A probe to send, its values as they go on the wire (mtr-packet's
 * conversions done: see pp_mtrpkt_request). */
struct pp_mtrpkt_probe {
	int token;		/* the request's token */
	int family;		/* AF_INET or AF_INET6 */
	struct sockaddr_storage dst;	/* destination, port 0 */
	socklen_t dlen;
	bool has_src;		/* a local address was given */
	struct sockaddr_storage src;	/* it (port 0), when has_src */
	socklen_t slen;
	enum pp_mtrpkt_proto proto;
	int port;		/* UDP/TCP destination port 0..65535 */
	int local_port;		/* UDP source port, 0: any */
	int ttl;		/* TTL / hop limit 1..255, -1: the system's */
	int tos;		/* TOS / traffic class 0..255, -1: none */
	unsigned mark;		/* SO_MARK, 0: none */
	int size;		/* ICMP/UDP: the IP packet, bytes (IP
				 * header included); TCP: 0 */
	unsigned char fill;	/* payload byte (bit-pattern) */
	int timeout;		/* seconds; 0 or less: what arrives within
				 * PP_MTRPKT_TURN */
	unsigned seq;		/* the probe's sequence number,
				 * PP_MTRPKT_SEQ_MIN..MAX */
};

/* An answer. */
struct pp_mtrpkt_reply {
	int token;
	enum pp_mtrpkt_word word;
	int family;		/* reply, ttl-expired, no-route: AF_INET or
				 * AF_INET6 of the responder; 0: no address
				 * (no-route of a send error) */
	char addr[64];		/* the responder's address text */
	unsigned rtt_us;	/* round-trip time, microseconds */
	int nmpls;		/* MPLS labels of the answer */
	struct pp_mpls mpls[PP_PKT_MPLS_MAX];
	int errnum;		/* unexpected-error: the errno number */
	const char *reason;	/* invalid-argument: the reason word, or
				 * NULL; static */
	const char *support;	/* feature-support: "ok", "no" or the
				 * version; borrowed */
};

/* Per-run state of the protocol: the request stream, what this helper
 * can do, the probes in flight and the next sequence number. */
struct pp_mtrpkt {
	struct pp_mtrpkt_in in;
	struct pp_mtrpkt_caps caps;	/* set by the caller */
	int inflight;		/* probes handed out by pp_mtrpkt_request
				 * and not yet answered (pp_mtrpkt_answered) */
	unsigned next_seq;	/* the next probe's sequence number */
};

/* Set m up (caps all false: the caller fills them). */
void pp_mtrpkt_init(struct pp_mtrpkt *m);

/* What a request asks for. */
enum pp_mtrpkt_action {
	PP_MTRPKT_ANSWER,	/* answer r now */
	PP_MTRPKT_SEND		/* send p, then answer its outcome; */
};

/* Decide a parsed request c, as mtr-packet 0.95 does:
 * - check-support: `feature` missing: invalid-argument; else
 *   feature-support with ok/no per m->caps (send-probe always ok, mark per
 *   caps, version: caps.version, anything else no).
 * - send-probe: the arguments in order (a bad value: invalid-argument;
 *   local-port under 1024: invalid-argument; protocol other than icmp,
 *   udp, tcp, sctp: invalid-argument), then no or an unsupported family:
 *   `invalid-argument reason ip-version-not-supported`, an unsupported
 *   protocol: `... reason protocol-not-supported`, then
 *   PP_MTRPKT_PROBES_MAX in flight: probes-exhausted, then addresses that
 *   do not parse in the request's family: invalid-argument; then the values
 *   as they go on the wire:
 *   ttl: IPv4 ICMP/UDP the low 8 bits (mtr-packet writes the header; 0
 *     goes as 1, which every router and host treats alike: both expire at
 *     the first router and are delivered to a host one hop away); IPv4
 *     TCP 1..255, IPv6 0..255 (0 as 1), -1 the system default, else
 *     invalid-argument (the kernel refuses them to mtr-packet too);
 *   tos: IPv4 the low 8 bits; IPv6 0..255, -1 none, else invalid-argument;
 *   size (default 64): the whole packet, raised to the headers (IPv4 ICMP
 *     28, UDP 32; IPv6 48, 52), at most 9000 built bytes (IPv4 9000, IPv6
 *     9040), else invalid-argument; TCP: ignored;
 *   port: the low 16 bits; none (0): UDP the probe's sequence number, TCP
 *     80; local-port (UDP only; TCP ignores it): the low 16 bits;
 *   bit-pattern the low 8 bits; mark as unsigned; timeout (default 10 s)
 *   as is.  p gets a sequence number, and m->inflight counts it.
 * - anything else: unknown-command.
 * Returns the action; r is filled for PP_MTRPKT_ANSWER, p for
 * PP_MTRPKT_SEND (r->token set too, for the answer to come). */
enum pp_mtrpkt_action pp_mtrpkt_request(struct pp_mtrpkt *m,
    const struct pp_mtrpkt_cmd *c, struct pp_mtrpkt_probe *p,
    struct pp_mtrpkt_reply *r);

/* A probe handed out by pp_mtrpkt_request is answered (or failed). */
void pp_mtrpkt_answered(struct pp_mtrpkt *m);

/* ------------------------------------------------------ formatting */

/* Write r as mtr-packet writes it, '\n' included, into buf (at least
 * PP_MTRPKT_REPLY_MAX bytes: every reply fits).  Words that carry an
 * address print `TOKEN WORD ip-4|ip-6 ADDR round-trip-time USEC [mpls
 * L,TC,S,TTL,...]` when r->family is set; unexpected-error prints
 * `errno N`; invalid-argument its `reason R` when set; feature-support
 * `support S`; command-parse-error and command-buffer-overflow token 0.
 * Returns the length, or -1 when it did not fit (buf then holds a
 * truncated line) or r->word is PP_MTRPKT_NONE. */
int pp_mtrpkt_format(char *buf, size_t cap, const struct pp_mtrpkt_reply *r);

#endif /* PP_MTRPKT_H */
