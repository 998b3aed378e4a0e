/* SPDX-License-Identifier: BSD-2-Clause */
/* pkt.h: bytes out and bytes in for the probers.  Builds ICMP echo
 * requests (IPv4, IPv6) carrying a 64-bit sequence and a run tag in their
 * payload, and parses what comes back: echo replies, and ICMP errors (time
 * exceeded, destination unreachable) with the probe they quote, and the
 * MPLS label stack of an RFC 4884/4950 extension.  Every length is checked
 * before a header is read. */
#ifndef PP_PKT_H
#define PP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/record.h"

#define PP_PKT_MAGIC 0x70703031u	/* "pp01": our payloads start so */
#define PP_PKT_PAYLOAD 16		/* magic, tag, seq: bytes */
#define PP_PKT_MPLS_MAX PP_MPLS_MAX	/* labels kept from an extension */

/* What a probe's payload says. */
struct pp_pkt_payload {
	uint32_t tag;		/* this run's random tag */
	uint64_t seq;		/* the probe's 64-bit sequence */
};

/* What a received ICMP message is. */
enum pp_pkt_kind {
	PP_PKT_OTHER,		/* not ours or not understood */
	PP_PKT_ECHO_REPLY,	/* an answer to our echo request */
	PP_PKT_TIME_EXCEEDED,	/* quoting our probe */
	PP_PKT_UNREACH		/* destination unreachable, quoting it */
};

/* A parsed ICMP message. */
struct pp_pkt_info {
	enum pp_pkt_kind kind;
	int code;		/* ICMP code */
	int reply_ttl;		/* TTL / hop limit of the reply, -1 unknown */
	/* The probe it answers: */
	int quoted_proto;	/* 1 ICMP, 58 ICMPv6, 17 UDP, 6 TCP, 0 none */
	uint16_t echo_id;	/* quoted or replied ICMP identifier */
	uint16_t echo_seq;	/* and sequence */
	bool has_payload;	/* the payload (ours) was seen: of the echo,
				 * or of a quoted echo or UDP datagram */
	struct pp_pkt_payload payload;
	uint16_t sport, dport;	/* quoted UDP/TCP ports */
	uint16_t udp_sum;	/* quoted UDP checksum */
	uint16_t udp_len;	/* quoted UDP length field */
	uint32_t tcp_seq;	/* quoted TCP sequence number */
	uint8_t quoted_src[16];	/* the quoted source address */
	uint8_t quoted_dst[16];	/* the quoted destination address */
	int nmpls;		/* labels in mpls[] */
	struct pp_mpls mpls[PP_PKT_MPLS_MAX];
};

/* Build an ICMP echo request (type 8, or 128 for IPv6) of size bytes (at
 * least 8 + PP_PKT_PAYLOAD) into buf; the IPv4 checksum is filled, IPv6's
 * is left to the kernel.  Returns the length, or 0 when buf is short. */
size_t pp_pkt_echo(unsigned char *buf, size_t cap, bool v6, uint16_t id,
    uint16_t seq, const struct pp_pkt_payload *pl, size_t size,
    unsigned char fill);

/* Paris traceroute for ICMP echo: set the two payload bytes at
 * PP_PKT_HOLD of the echo request buf (len bytes, built by pp_pkt_echo)
 * so that the ones'-complement sum of the message is the same for every
 * probe that passes the same hold value, whatever its identifier and
 * sequences: load balancers that hash the ICMP checksum then keep every
 * probe of a flow on one path.  IPv4: the checksum field becomes ~hold
 * (ones' complement: holds 0 and 0xffff are one value).  IPv6: the
 * kernel adds the pseudo-header, constant for one source and
 * destination.  Returns 0, or -1 when len is too short (untouched). */
#define PP_PKT_HOLD (8 + PP_PKT_PAYLOAD)	/* offset of the hold word */
int pp_pkt_echo_hold(unsigned char *buf, size_t len, bool v6,
    uint16_t hold);

/* Read our payload (magic, tag, sequence) at the start of buf, as the
 * error queue of a UDP socket returns the datagram an ICMP error quotes.
 * Returns true and fills pl when it is there. */
bool pp_pkt_payload(const unsigned char *buf, size_t len,
    struct pp_pkt_payload *pl);

/* A TCP segment as a raw socket hands it over. */
struct pp_pkt_tcp {
	uint16_t sport, dport;	/* its ports */
	uint32_t seq, ack;	/* sequence and acknowledgment numbers */
	uint8_t flags;		/* PP_TCP_SYN | PP_TCP_ACK | PP_TCP_RST ... */
	int ttl;		/* TTL of its IPv4 header, -1 unknown */
	uint8_t src[16];	/* its IPv4 source (with_ip), else zero */
};
#define PP_TCP_FIN 0x01
#define PP_TCP_SYN 0x02
#define PP_TCP_RST 0x04
#define PP_TCP_ACK 0x10
#define PP_PKT_SYN_LEN 24	/* a SYN with the MSS option */

/* Build a TCP SYN (MSS option, no payload) from src:sport to dst:dport
 * with sequence seq, its checksum over the IPv4 or IPv6 pseudo-header of
 * the 4- or 16-byte addresses.  Returns PP_PKT_SYN_LEN, or 0 when buf is
 * short. */
size_t pp_pkt_tcp_syn(unsigned char *buf, size_t cap, bool v6,
    const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport,
    uint32_t seq);

/* Parse a TCP segment; with_ip: it starts with its IPv4 header (IPv4 raw
 * sockets).  Returns 0, or -1 when short, malformed or not TCP. */
int pp_pkt_tcp_parse(const unsigned char *buf, size_t len, bool with_ip,
    struct pp_pkt_tcp *t);

/* Parse an ICMP message.  with_ip: buf starts with an IPv4 header (IPv4
 * raw sockets); else it starts at the ICMP header.  Returns 0, or -1 when
 * the message is too short or malformed (info->kind PP_PKT_OTHER).
 * MPLS labels are read from RFC 4884 extensions of ICMPv4 and ICMPv6
 * time-exceeded and unreachable messages (and from the 128-byte default
 * layout of routers that do not set the length field). */
int pp_pkt_parse(const unsigned char *buf, size_t len, bool v6, bool with_ip,
    struct pp_pkt_info *info);

/* MPLS labels of an error-queue message (IP_RECVERR): buf holds the quote
 * of one of our probes as the kernel queues it, without its first
 * `before` bytes (the quoted IP header, ours: 20 or 40 bytes, no options
 * or extension headers; and the UDP header, for UDP sockets: the kernel
 * queues TCP and ICMP quotes from their transport header, UDP quotes from
 * their payload).  at: where the RFC 4884 extension starts in buf, as the
 * kernel found it from the length field (IP_RECVERR_RFC4884's
 * ee_rfc4884.len), or 0 for the 128-byte default layout (RFC 4884 section
 * 5), taken only when the extension's checksum is right.  Fills
 * info->nmpls and info->mpls only; returns the label count. */
int pp_pkt_errq_ext(const unsigned char *buf, size_t len, size_t before,
    size_t at, struct pp_pkt_info *info);

/* ------------------------------------------------------ probe identity
 * Every probe carries a 16-bit identity (never 0 or 0xffff) in the first
 * 8 bytes of its transport header, so that an ICMP error quoting only
 * those (RFC 792's minimum) still names it: the ICMP sequence number, the
 * low half of the TCP sequence number, and for UDP the checksum: two
 * payload bytes are chosen so that the payload's ones'-complement sum is
 * the identity (as Paris traceroute and scamper do), which the checksum
 * and the quoted addresses and ports give back.  A NAT that rewrites the
 * source address or port fixes the checksum by the same amount, so the
 * identity read from a rewritten quote is unchanged.  A NAT that writes
 * the client's address and port back into the quote but leaves its own
 * checksum there (Linux connection tracking does) shifts the identity read
 * by a constant for the flow (the NAT's mapping): pp_pkt_udp_delta learns
 * it from a quote that holds our payload, and csum_delta applies it. */

#define PP_PKT_UDP_MIN (8 + PP_PKT_PAYLOAD + 2)	/* header, payload, hold */

/* Build a UDP datagram (header and payload, len bytes, at least
 * PP_PKT_UDP_MIN) from src:sport to dst:dport (4- or 16-byte addresses):
 * our payload pl, then the two bytes that make the payload's sum id, the
 * rest fill; the checksum computed over the IPv4 or IPv6 pseudo-header.
 * Returns len, or 0 when cap is short, len too small or id 0 or 0xffff. */
size_t pp_pkt_udp(unsigned char *buf, size_t cap, bool v6, const uint8_t *src,
    const uint8_t *dst, uint16_t sport, uint16_t dport,
    const struct pp_pkt_payload *pl, size_t len, unsigned char fill,
    uint16_t id);

/* The identity an ICMP error's quote, or an echo reply, carries: the ICMP
 * sequence; for UDP the payload's sum from the quoted checksum, addresses,
 * ports and length; for TCP the low half of the sequence number.  Returns
 * true and sets *id when info has one. */
bool pp_pkt_ident(const struct pp_pkt_info *info, bool v6, uint16_t *id);

/* What a probe was sent as, for matching what comes back. */
struct pp_pkt_sent {
	int proto;		/* 1 ICMP, 58 ICMPv6, 17 UDP, 6 TCP */
	uint8_t dst[16];	/* destination address (IPv4: 4 bytes) */
	uint16_t dport;		/* UDP/TCP destination port */
	uint16_t id;		/* its identity */
	uint16_t echo_id;	/* ICMP identifier */
	uint32_t tcp_seq;	/* TCP sequence number */
	struct pp_pkt_payload pl;	/* its payload (ICMP, UDP) */
	uint16_t csum_delta;	/* UDP: what a NAT on the way adds to the
				 * identity read from a quote (learnt by
				 * pp_pkt_udp_delta; 0 none) */
};

/* Whether info (an ICMP error quoting a probe, or an echo reply) answers
 * the probe sent as s: the identity and protocol, and what a NAT on the
 * way leaves alone: the quoted destination and destination port, the TCP
 * sequence number, our payload when it was quoted (then the identity need
 * not agree); the ICMP identifier only when echo_id is true (raw sockets:
 * a datagram socket's is the kernel's) and our payload is not quoted. */
bool pp_pkt_matches(const struct pp_pkt_info *info, bool v6,
    const struct pp_pkt_sent *s, bool echo_id);

/* The shift of the identity read from info's UDP quote against the
 * probe's real identity id (ones' complement: 0 when none), for
 * csum_delta.  Returns true when info has a UDP identity. */
bool pp_pkt_udp_delta(const struct pp_pkt_info *info, bool v6, uint16_t id,
    uint16_t *delta);

/* The identity id read from a quote, less a NAT's shift delta. */
uint16_t pp_pkt_unshift(uint16_t id, uint16_t delta);

/* Parse our echo request as the error queue of an ICMP datagram socket
 * returns it with an ICMP error (as far as the error quoted it: at least
 * its 8-byte header): quoted_proto, echo_id, echo_seq and the payload
 * into info (zeroed first); the caller sets kind, code and quoted_dst.
 * Returns 0, or -1 when it is shorter than 8 bytes or not an echo
 * request. */
int pp_pkt_parse_echo_quote(const unsigned char *buf, size_t len, bool v6,
    struct pp_pkt_info *info);

/* The RFC 1071 checksum of buf. */
uint16_t pp_pkt_cksum(const void *buf, size_t len);

#endif /* PP_PKT_H */
