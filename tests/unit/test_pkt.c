/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"
#include "tests/unit/check.h"

void test_pkt(void);
static void identity(void);
static void errq_ext(void);

static void
ip4(unsigned char *p, int proto, int ttl, const unsigned char *src,
    const unsigned char *dst, size_t total)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (unsigned char)(total >> 8);
	p[3] = (unsigned char)total;
	p[8] = (unsigned char)ttl;
	p[9] = (unsigned char)proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
}

void
test_pkt(void)
{
	unsigned char req[128];
	struct pp_pkt_payload pl = { .tag = 0xdeadbeef,
	    .seq = 0x0123456789abcdefULL };
	struct pp_pkt_info in;

	size_t n = pp_pkt_echo(req, sizeof(req), false, 0x1234, 7, &pl, 64,
	    0xa5);
	CHECK(n == 64 && req[0] == 8, "echo built");
	CHECK(pp_pkt_cksum(req, n) == 0, "checksum verifies");
	CHECK(pp_pkt_echo(req, 10, false, 1, 1, &pl, 64, 0) == 0, "short buf");

	/* The echo reply, as a raw IPv4 socket hands it over. */
	unsigned char pkt[600];
	static const unsigned char me[4] = { 198, 18, 1, 1 };
	static const unsigned char dst[4] = { 198, 18, 4, 2 };
	static const unsigned char hop[4] = { 198, 18, 2, 2 };
	ip4(pkt, 1, 61, dst, me, 20 + n);
	memcpy(pkt + 20, req, n);
	pkt[20] = 0;
	CHECK(pp_pkt_parse(pkt, 20 + n, false, true, &in) == 0, "reply");
	CHECK(in.kind == PP_PKT_ECHO_REPLY && in.echo_id == 0x1234 &&
	    in.echo_seq == 7 && in.reply_ttl == 61, "reply fields");
	CHECK(in.has_payload && in.payload.tag == 0xdeadbeef &&
	    in.payload.seq == 0x0123456789abcdefULL, "64-bit seq");

	/* Time exceeded quoting our probe (8 bytes of it, RFC 792). */
	memset(pkt, 0, sizeof(pkt));
	ip4(pkt, 1, 253, hop, me, 20 + 8 + 20 + 8);
	pkt[20] = 11;
	ip4(pkt + 28, 1, 1, me, dst, 84);
	memcpy(pkt + 48, req, 8);
	CHECK(pp_pkt_parse(pkt, 56, false, true, &in) == 0, "exceeded");
	CHECK(in.kind == PP_PKT_TIME_EXCEEDED && in.echo_id == 0x1234 &&
	    in.echo_seq == 7 && !in.has_payload && in.reply_ttl == 253 &&
	    memcmp(in.quoted_dst, dst, 4) == 0, "exceeded fields");
	/* Truncated anywhere: rejected, never read past the end. */
	for (size_t cut = 0; cut < 56; cut++)
		CHECK(pp_pkt_parse(pkt, cut, false, true, &in) == -1 ||
		    in.kind == PP_PKT_OTHER, "cut at %zu", cut);

	/* With the whole probe quoted and an RFC 4950 MPLS extension: the
	 * original datagram padded to 128 bytes, then the extension. */
	memset(pkt, 0, sizeof(pkt));
	size_t q = 20 + 8;		/* ICMP payload starts here */
	pkt[20] = 11;
	pkt[20 + 5] = 32;		/* length: 32 words = 128 bytes */
	ip4(pkt + q, 1, 1, me, dst, 20 + n);
	memcpy(pkt + q + 20, req, n);
	size_t ext = q + 128;
	pkt[ext] = 0x20;		/* version 2 */
	size_t obj = ext + 4;
	pkt[obj + 1] = 12;		/* object length: 4 + 2 entries */
	pkt[obj + 2] = 1;		/* class MPLS */
	pkt[obj + 3] = 1;		/* c-type incoming stack */
	/* label 24001, tc 0, s 0, ttl 1; label 16, tc 5, s 1, ttl 254 */
	uint32_t e1 = 24001u << 12 | 0 << 9 | 0 << 8 | 1;
	uint32_t e2 = 16u << 12 | 5u << 9 | 1u << 8 | 254;
	for (int k = 0; k < 4; k++) {
		pkt[obj + 4 + k] = (unsigned char)(e1 >> (24 - 8 * k));
		pkt[obj + 8 + k] = (unsigned char)(e2 >> (24 - 8 * k));
	}
	size_t total = obj + 12;
	ip4(pkt, 1, 250, hop, me, total);
	CHECK(pp_pkt_parse(pkt, total, false, true, &in) == 0, "with mpls");
	CHECK(in.has_payload && in.payload.seq == pl.seq, "full quote seq");
	CHECK(in.nmpls == 2 && in.mpls[0].label == 24001 &&
	    in.mpls[0].ttl == 1 && in.mpls[1].label == 16 &&
	    in.mpls[1].tc == 5 && in.mpls[1].s == 1 && in.mpls[1].ttl == 254,
	    "mpls stack: %d", in.nmpls);
	/* A broken object length stops the walk, no overread. */
	pkt[obj + 1] = 200;
	CHECK(pp_pkt_parse(pkt, total, false, true, &in) == 0 &&
	    in.nmpls == 0, "bad object length");

	/* ICMPv6: time exceeded quoting a UDP probe. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 3;
	pkt[8] = 0x60;
	pkt[8 + 6] = 17;
	pkt[8 + 24] = 0xfd;
	pkt[8 + 40] = 0x82;
	pkt[8 + 41] = 0x9a;
	pkt[8 + 42] = 0x82;
	pkt[8 + 43] = 0x9b;
	CHECK(pp_pkt_parse(pkt, 8 + 48, true, false, &in) == 0 &&
	    in.kind == PP_PKT_TIME_EXCEEDED && in.quoted_proto == 17 &&
	    in.sport == 0x829a && in.dport == 0x829b &&
	    in.quoted_dst[0] == 0xfd, "v6 udp quote");
	CHECK(pp_pkt_parse(pkt, 8 + 47, true, false, &in) == -1, "v6 short");
	pkt[8 + 46] = 0xbe;		/* the quoted UDP checksum */
	pkt[8 + 47] = 0xef;
	CHECK(pp_pkt_parse(pkt, 8 + 48, true, false, &in) == 0 &&
	    in.udp_sum == 0xbeef, "v6 quoted udp checksum");

	/* ICMPv6: time exceeded quoting the first fragment of an echo
	 * request over the path MTU: the Fragment header, then the echo's. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 3;
	pkt[8] = 0x60;
	pkt[8 + 6] = 44;		/* next header: Fragment */
	pkt[8 + 24] = 0xfd;
	pkt[8 + 40] = 58;		/* then ICMPv6 */
	pkt[8 + 43] = 1;		/* offset 0, more fragments */
	pkt[8 + 48] = 128;		/* echo request */
	pkt[8 + 52] = 0x12;
	pkt[8 + 53] = 0x34;
	pkt[8 + 54] = 0x00;
	pkt[8 + 55] = 0x07;
	CHECK(pp_pkt_parse(pkt, 8 + 56, true, false, &in) == 0 &&
	    in.kind == PP_PKT_TIME_EXCEEDED && in.quoted_proto == 58 &&
	    in.echo_id == 0x1234 && in.echo_seq == 7 &&
	    in.quoted_dst[0] == 0xfd, "v6 first fragment quoted");
	/* A later fragment has no transport header: nothing of it read. */
	pkt[8 + 42] = 0x05;
	pkt[8 + 43] = 0xa9;		/* offset 181 * 8, more fragments */
	CHECK(pp_pkt_parse(pkt, 8 + 56, true, false, &in) == 0 &&
	    in.quoted_proto == 44 && in.echo_id == 0 && in.echo_seq == 0,
	    "v6 later fragment: no transport header");
	/* Only the Fragment header quoted (8 bytes past the IPv6 header). */
	pkt[8 + 42] = 0;
	pkt[8 + 43] = 1;
	CHECK(pp_pkt_parse(pkt, 8 + 48, true, false, &in) == 0 &&
	    in.quoted_proto == 44 && in.echo_id == 0,
	    "v6 fragment header alone");

	/* ICMPv6 with an RFC 4884 extension: length at byte 4 in 64-bit
	 * words (16 = 128 bytes), then an MPLS object of one entry. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 3;
	pkt[4] = 16;
	pkt[8] = 0x60;
	pkt[8 + 6] = 6;
	pkt[8 + 44] = 0x01;		/* quoted TCP sequence 0x01020304 */
	pkt[8 + 45] = 0x02;
	pkt[8 + 46] = 0x03;
	pkt[8 + 47] = 0x04;
	ext = 8 + 128;
	pkt[ext] = 0x20;
	pkt[ext + 4 + 1] = 8;
	pkt[ext + 4 + 2] = 1;
	pkt[ext + 4 + 3] = 1;
	for (int k = 0; k < 4; k++)
		pkt[ext + 8 + k] = (unsigned char)(e2 >> (24 - 8 * k));
	CHECK(pp_pkt_parse(pkt, ext + 12, true, false, &in) == 0 &&
	    in.quoted_proto == 6 && in.tcp_seq == 0x01020304 &&
	    in.nmpls == 1 && in.mpls[0].label == 16 && in.mpls[0].s == 1,
	    "v6 mpls: %d", in.nmpls);
	for (size_t cut = 0; cut < ext + 12; cut++)
		CHECK(pp_pkt_parse(pkt, cut, true, false, &in) == -1 ||
		    in.nmpls <= 1, "v6 cut at %zu", cut);

	/* Paris ICMP: the hold word keeps the checksum of every probe of a
	 * flow the same, whatever the identifier and the sequences. */
	static const struct {
		uint16_t id, seq;
		unsigned long long seq64;
		size_t size;
	} hv[] = {
		{ 0x1234, 0, 0, 64 },
		{ 0x1234, 1, 1, 64 },
		{ 0x1234, 0xffff, 0xffffffffffffULL, 64 },
		{ 0xfffe, 77, 0x8000000000000000ULL, 64 },
		{ 0, 5, 5, 26 },
		{ 0x4321, 9, 123456789, 1000 },
	};
	static const uint16_t holds[] = { 0, 0x0101, 0xfefe, 0xffff };
	unsigned char big[1024];
	for (size_t h = 0; h < sizeof(holds) / sizeof(holds[0]); h++) {
		for (size_t k = 0; k < sizeof(hv) / sizeof(hv[0]); k++) {
			struct pp_pkt_payload hp = { .tag = 0xabcd0123,
			    .seq = hv[k].seq64 };
			size_t m = pp_pkt_echo(big, sizeof(big), false,
			    hv[k].id, hv[k].seq, &hp, hv[k].size, 0x5a);
			CHECK(pp_pkt_echo_hold(big, m, false, holds[h]) == 0,
			    "hold %zu/%zu", h, k);
			/* Ones' complement: 0x0000 and 0xffff are one
			 * value, so holds 0 and 0xffff are the same class. */
			unsigned c = (unsigned)(big[2] << 8 | big[3]);
			unsigned want = (uint16_t)~holds[h];
			CHECK(pp_pkt_cksum(big, m) == 0 && (c == want ||
			    (c % 0xffff == 0 && want % 0xffff == 0)),
			    "held checksum %04x for hold %04x (%zu)", c,
			    holds[h], k);
			CHECK(pp_pkt_parse(big, m, false, false, &in) == 0,
			    "held request parses");
			big[0] = 0;	/* as the reply: payload intact */
			CHECK(pp_pkt_parse(big, m, false, false, &in) == 0 &&
			    in.has_payload && in.payload.seq == hv[k].seq64,
			    "held payload %zu", k);
		}
	}
	CHECK(pp_pkt_echo_hold(big, PP_PKT_HOLD + 1, false, 1) == -1,
	    "hold needs room");

	/* TCP SYN: the checksum verifies over the pseudo-header, v4 and v6;
	 * the parser reads it back, with and without an IPv4 header. */
	unsigned char syn[64];
	struct pp_pkt_tcp tp;
	CHECK(pp_pkt_tcp_syn(syn, sizeof(syn), false, me, dst, 40000, 80,
	    0xabcd0007u) == PP_PKT_SYN_LEN, "syn built");
	unsigned char ps[12 + PP_PKT_SYN_LEN];
	memcpy(ps, me, 4);
	memcpy(ps + 4, dst, 4);
	ps[8] = 0;
	ps[9] = 6;
	ps[10] = 0;
	ps[11] = PP_PKT_SYN_LEN;
	memcpy(ps + 12, syn, PP_PKT_SYN_LEN);
	CHECK(pp_pkt_cksum(ps, sizeof(ps)) == 0, "syn checksum v4");
	CHECK(pp_pkt_tcp_parse(syn, PP_PKT_SYN_LEN, false, &tp) == 0 &&
	    tp.sport == 40000 && tp.dport == 80 && tp.seq == 0xabcd0007u &&
	    tp.flags == PP_TCP_SYN, "syn parsed");
	static const uint8_t a6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	    0, 0, 0, 0, 1 };
	static const uint8_t b6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
	    0, 0, 0, 0, 2 };
	CHECK(pp_pkt_tcp_syn(syn, sizeof(syn), true, a6, b6, 1, 2, 3) ==
	    PP_PKT_SYN_LEN, "syn v6");
	unsigned char p6[40 + PP_PKT_SYN_LEN];
	memset(p6, 0, 40);
	memcpy(p6, a6, 16);
	memcpy(p6 + 16, b6, 16);
	p6[35] = PP_PKT_SYN_LEN;
	p6[39] = 6;
	memcpy(p6 + 40, syn, PP_PKT_SYN_LEN);
	CHECK(pp_pkt_cksum(p6, sizeof(p6)) == 0, "syn checksum v6");
	CHECK(pp_pkt_tcp_syn(syn, 10, false, me, dst, 1, 2, 3) == 0,
	    "syn short buf");
	/* A SYN-ACK behind its IPv4 header. */
	ip4(pkt, 6, 60, dst, me, 20 + 20);
	memset(pkt + 20, 0, 20);
	pkt[20] = 0;
	pkt[21] = 80;
	pkt[22] = 0x9c;
	pkt[23] = 0x40;
	pkt[28] = 0xab;
	pkt[29] = 0xcd;
	pkt[30] = 0x00;
	pkt[31] = 0x08;
	pkt[32] = 5 << 4;
	pkt[33] = PP_TCP_SYN | PP_TCP_ACK;
	CHECK(pp_pkt_tcp_parse(pkt, 40, true, &tp) == 0 && tp.ttl == 60 &&
	    tp.sport == 80 && tp.dport == 40000 && tp.ack == 0xabcd0008u &&
	    tp.flags == (PP_TCP_SYN | PP_TCP_ACK) &&
	    memcmp(tp.src, dst, 4) == 0, "syn-ack parsed");
	for (size_t cut = 0; cut < 40; cut++)
		CHECK(pp_pkt_tcp_parse(pkt, cut, true, &tp) == -1,
		    "tcp cut at %zu", cut);
	pkt[9] = 17;
	CHECK(pp_pkt_tcp_parse(pkt, 40, true, &tp) == -1, "not tcp");

	/* An echo request is not ours to answer. */
	CHECK(pp_pkt_parse(req, n, false, false, &in) == 0 &&
	    in.kind == PP_PKT_OTHER, "request ignored");
	identity();
	errq_ext();
}

/* MPLS labels of error-queue quotes, as the kernel queues them (seen in
 * the lab): a TCP SYN's or an echo's from the transport header on, a UDP
 * datagram's from its payload on; the extension at 128 bytes from the
 * quoted IP header (20 or 40 bytes), or where the kernel says
 * (IP_RECVERR_RFC4884). */
static void
errq_ext(void)
{
	unsigned char q[300];
	struct pp_pkt_info in;

	for (int c = 0; c < 4; c++) {
		bool v6 = c & 1, udp = c & 2;
		size_t before = (v6 ? 40 : 20) + (udp ? 8 : 0);
		size_t at = 128 - before;
		memset(q, 0, sizeof(q));
		memset(q, 0x5a, 40);		/* the quote */
		q[at] = 0x20;			/* version 2 */
		q[at + 5] = 12;			/* object: 4 + 2 entries */
		q[at + 6] = 1;			/* class MPLS */
		q[at + 7] = 1;
		uint32_t e1 = 100u << 12 | 1;
		uint32_t e2 = 1048575u << 12 | 3u << 9 | 1u << 8 | 7;
		for (int k = 0; k < 4; k++) {
			q[at + 8 + k] = (unsigned char)(e1 >> (24 - 8 * k));
			q[at + 12 + k] = (unsigned char)(e2 >> (24 - 8 * k));
		}
		size_t len = at + 16;
		uint16_t ck = pp_pkt_cksum(q + at, len - at);
		q[at + 2] = (unsigned char)(ck >> 8);
		q[at + 3] = (unsigned char)ck;
		CHECK(pp_pkt_errq_ext(q, len, before, 0, &in) == 2 &&
		    in.mpls[0].label == 100 && in.mpls[0].s == 0 &&
		    in.mpls[0].ttl == 1 && in.mpls[1].label == 1048575 &&
		    in.mpls[1].tc == 3 && in.mpls[1].s == 1 &&
		    in.mpls[1].ttl == 7, "errq case %d: 128-byte layout: %d",
		    c, in.nmpls);
		/* The UDP header counted or not: 8 bytes off, nothing. */
		CHECK(pp_pkt_errq_ext(q, len, udp ? before - 8 : before + 8,
		    0, &in) == 0, "errq case %d: the wrong header", c);
		/* Where the kernel says it starts. */
		CHECK(pp_pkt_errq_ext(q, len, before, at, &in) == 2,
		    "errq case %d: at the kernel's offset", c);
		CHECK(pp_pkt_errq_ext(q, len, before, at + 4, &in) == 0,
		    "errq case %d: a wrong offset reads nothing", c);
		/* A guessed extension with a wrong checksum is no extension
		 * (our payload could look like one). */
		q[at + 2] ^= 1;
		CHECK(pp_pkt_errq_ext(q, len, before, 0, &in) == 0,
		    "errq case %d: bad checksum", c);
		/* Short quotes (8 bytes, a whole SYN without extension). */
		CHECK(pp_pkt_errq_ext(q, 8, before, 0, &in) == 0 &&
		    pp_pkt_errq_ext(q, 40, before, 0, &in) == 0 &&
		    pp_pkt_errq_ext(q, at + 7, before, 0, &in) == 0 &&
		    pp_pkt_errq_ext(q, len, 200, 0, &in) == 0,
		    "errq case %d: short", c);
	}
}

/* RFC 1624: a 16-bit word of a checksummed packet goes from old to new;
 * the checksum at c follows, as a NAT fixes it. */
static void
nat_word(unsigned char *w, uint16_t nw, unsigned char *c)
{
	uint16_t old = (uint16_t)(w[0] << 8 | w[1]);
	uint32_t hc = (uint16_t)(c[0] << 8 | c[1]);
	uint32_t s = (uint16_t)~hc + (uint32_t)(uint16_t)~old + nw;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	hc = (uint16_t)~s;
	w[0] = (unsigned char)(nw >> 8);
	w[1] = (unsigned char)nw;
	c[0] = (unsigned char)(hc >> 8);
	c[1] = (unsigned char)hc;
}

/* An ICMP error (IPv4 behind its IP header, or ICMPv6) of the router hop
 * quoting the first quote bytes of the probe's transport header (ip: the
 * IP header the probe left with).  Returns its length. */
static size_t
quote(unsigned char *out, bool v6, const uint8_t *hop, const uint8_t *src,
    const uint8_t *dst, int proto, const unsigned char *l4, size_t l4len,
    size_t qbytes)
{
	size_t n = 0;

	if (qbytes > l4len)
		qbytes = l4len;
	if (!v6) {
		ip4(out, 1, 250, hop, src, 20 + 8 + 20 + qbytes);
		out[20] = 11;
		out[21] = 0;
		memset(out + 22, 0, 6);
		ip4(out + 28, proto, 1, src, dst, 20 + l4len);
		memcpy(out + 48, l4, qbytes);
		n = 48 + qbytes;
	} else {
		memset(out, 0, 48);
		out[0] = 3;
		out[8] = 0x60;
		out[8 + 4] = (unsigned char)(l4len >> 8);
		out[8 + 5] = (unsigned char)l4len;
		out[8 + 6] = (unsigned char)proto;
		out[8 + 7] = 1;
		memcpy(out + 8 + 8, src, 16);
		memcpy(out + 8 + 24, dst, 16);
		memcpy(out + 48, l4, qbytes);
		n = 48 + qbytes;
	}
	return n;
}

static void
identity(void)
{
	static const uint8_t me4[16] = { 10, 0, 0, 2 };
	static const uint8_t nat4[16] = { 198, 18, 1, 1 };
	static const uint8_t dst4[16] = { 198, 18, 4, 2 };
	static const uint8_t hop4[16] = { 198, 18, 3, 2 };
	static const uint8_t me6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0,
	    0, 0, 0, 0, 2 };
	static const uint8_t nat6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	    0, 0, 0, 0x12, 0x34 };
	static const uint8_t dst6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
	    0, 0, 0, 0, 2 };
	static const uint8_t hop6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
	    0, 0, 0, 0, 2 };
	static const uint16_t ids[] = { 1, 2, 0x00ff, 0x7fff, 0x8000, 0xabcd,
	    0xfffe };
	static const size_t lens[] = { PP_PKT_UDP_MIN, PP_PKT_UDP_MIN + 1,
	    64, 1001 };
	unsigned char u[1100], ph[40 + 1100], pkt[1300];
	struct pp_pkt_info in;
	uint16_t got;

	for (int v = 0; v < 2; v++) {
		bool v6 = v == 1;
		const uint8_t *me = v6 ? me6 : me4, *dst = v6 ? dst6 : dst4;
		const uint8_t *hop = v6 ? hop6 : hop4, *nat = v6 ? nat6 : nat4;
		size_t al = v6 ? 16 : 4;
		for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++)
		for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
			size_t len = lens[li];
			struct pp_pkt_payload pl = { .tag = 0x5eed0000u +
			    (uint32_t)k, .seq = 1000 + k };
			CHECK(pp_pkt_udp(u, sizeof(u), v6, me, dst, 40001,
			    33434, &pl, len, (unsigned char)(0x11 * k), ids[k])
			    == len, "udp built v%d %zu %04x", v6 ? 6 : 4, len,
			    ids[k]);
			/* The checksum verifies over the pseudo-header... */
			size_t phl = v6 ? 40 : 12;
			memset(ph, 0, phl);
			memcpy(ph, me, al);
			memcpy(ph + al, dst, al);
			if (v6) {
				ph[34] = (unsigned char)(len >> 8);
				ph[35] = (unsigned char)len;
				ph[39] = 17;
			} else {
				ph[9] = 17;
				ph[10] = (unsigned char)(len >> 8);
				ph[11] = (unsigned char)len;
			}
			memcpy(ph + phl, u, len);
			CHECK(pp_pkt_cksum(ph, phl + len) == 0 && (u[6] | u[7]),
			    "udp checksum verifies v%d %zu %04x", v6 ? 6 : 4,
			    len, ids[k]);
			/* ...and the payload sums to the identity. */
			uint16_t psum = (uint16_t)~pp_pkt_cksum(u + 8, len - 8);
			CHECK(psum == ids[k], "payload sum %04x", psum);
			CHECK(pp_pkt_payload(u + 8, len - 8, &in.payload) &&
			    in.payload.seq == pl.seq, "payload readable");
			struct pp_pkt_sent sent = { .proto = 17, .dport = 33434,
			    .id = ids[k], .pl = pl };
			memcpy(sent.dst, dst, al);
			/* An 8-byte quote (RFC 792) and the whole datagram. */
			size_t qs[2] = { 8, len };
			for (int qi = 0; qi < 2; qi++) {
				size_t m = quote(pkt, v6, hop, me, dst, 17, u, len,
				    qs[qi]);
				CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
				    in.kind == PP_PKT_TIME_EXCEEDED,
				    "quote parses");
				CHECK(in.has_payload == (qi == 1), "payload seen");
				CHECK(pp_pkt_ident(&in, v6, &got) &&
				    got == ids[k], "ident of a %zu-byte quote: "
				    "%04x, want %04x", qs[qi], got, ids[k]);
				CHECK(pp_pkt_matches(&in, v6, &sent, true),
				    "%zu-byte quote matches", qs[qi]);
				/* A NAT rewrote the source address and port
				 * (and fixed the checksum): the same probe. */
				unsigned char *qip = pkt + (v6 ? 8 : 28);
				unsigned char *ql4 = qip + (v6 ? 40 : 20);
				for (size_t w = 0; w < al; w += 2)
					nat_word(qip + (v6 ? 8 : 12) + w,
					    (uint16_t)(nat[w] << 8 | nat[w + 1]),
					    ql4 + 6);
				nat_word(ql4, 61000, ql4 + 6);
				CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
				    in.sport == 61000 && memcmp(in.quoted_src,
				    nat, al) == 0, "nat quote parses");
				CHECK(pp_pkt_ident(&in, v6, &got) &&
				    got == ids[k], "ident through NAT: %04x, "
				    "want %04x", got, ids[k]);
				CHECK(pp_pkt_matches(&in, v6, &sent, true),
				    "NAT-altered %zu-byte quote matches",
				    qs[qi]);
				/* Another probe's identity, destination or
				 * port: no match. */
				struct pp_pkt_sent o = sent;
				o.id = (uint16_t)(ids[k] == 1 ? 2 : ids[k] - 1);
				CHECK(qi == 1 || !pp_pkt_matches(&in, v6, &o,
				    true), "other identity");
				o = sent;
				o.dport = 33435;
				CHECK(!pp_pkt_matches(&in, v6, &o, true),
				    "other port");
				o = sent;
				o.dst[al - 1] ^= 1;
				CHECK(!pp_pkt_matches(&in, v6, &o, true),
				    "other destination");
				o = sent;
				o.pl.seq++;
				CHECK(qi == 0 || !pp_pkt_matches(&in, v6, &o,
				    true), "other payload");
			}
		}
		/* A NAT that writes the client's address and port back into
		 * the quote but leaves its own checksum: the identity read is
		 * shifted by the same amount for every probe of the flow;
		 * learnt from a quote of our payload, it undoes the shift of
		 * an 8-byte quote of another probe. */
		uint16_t learnt = 0;
		for (int k = 0; k < 2; k++) {
			uint16_t pid = k == 0 ? 0x1234 : 0x4321;
			struct pp_pkt_payload pl = { .tag = 9, .seq = pid };
			size_t len = 64;
			(void)pp_pkt_udp(u, sizeof(u), v6, me, dst, 40000, 33434,
			    &pl, len, 0, pid);
			size_t m = quote(pkt, v6, hop, me, dst, 17, u, len,
			    k == 0 ? len : 8);
			unsigned char *qip = pkt + (v6 ? 8 : 28);
			unsigned char *ql4 = qip + (v6 ? 40 : 20);
			unsigned char keep[18];
			memcpy(keep, qip + (v6 ? 8 : 12), al);
			memcpy(keep + 16, ql4, 2);
			for (size_t w = 0; w < al; w += 2)
				nat_word(qip + (v6 ? 8 : 12) + w, (uint16_t)(nat[w] <<
				    8 | nat[w + 1]), ql4 + 6);
			nat_word(ql4, 61000, ql4 + 6);
			memcpy(qip + (v6 ? 8 : 12), keep, al);	/* written back, */
			memcpy(ql4, keep + 16, 2);		/* checksum not */
			CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
			    in.sport == 40000, "written-back quote %d", k);
			struct pp_pkt_sent ws = { .proto = 17, .dport = 33434,
			    .id = pid, .pl = pl };
			memcpy(ws.dst, dst, al);
			if (k == 0) {
				CHECK(pp_pkt_ident(&in, v6, &got) && got != pid,
				    "the NAT's checksum shifts the identity");
				CHECK(pp_pkt_udp_delta(&in, v6, pid, &learnt) &&
				    learnt != 0, "shift learnt: %04x", learnt);
				CHECK(pp_pkt_matches(&in, v6, &ws, true),
				    "whole quote: our payload names it");
				continue;
			}
			CHECK(!pp_pkt_matches(&in, v6, &ws, true), "8 bytes, "
			    "the shift unknown: no match");
			CHECK(pp_pkt_ident(&in, v6, &got) &&
			    pp_pkt_unshift(got, learnt) == pid, "unshifted");
			ws.csum_delta = learnt;
			CHECK(pp_pkt_matches(&in, v6, &ws, true), "8 bytes, the "
			    "shift learnt: a match");
			ws.id = 0x4322;
			CHECK(!pp_pkt_matches(&in, v6, &ws, true), "not another");
		}
		/* ICMP echo and TCP SYN: the identity in 8 bytes, through a
		 * NAT that rewrote the source (and for TCP the port). */
		unsigned char e[64];
		struct pp_pkt_payload epl = { .tag = 7, .seq = 99 };
		size_t en = pp_pkt_echo(e, sizeof(e), v6, 0x4242, 0x1234, &epl,
		    64, 0);
		struct pp_pkt_sent es = { .proto = v6 ? 58 : 1, .id = 0x1234,
		    .echo_id = 0x4242, .pl = epl };
		memcpy(es.dst, dst, al);
		size_t m = quote(pkt, v6, hop, nat, dst, v6 ? 58 : 1, e, en, 8);
		CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
		    pp_pkt_ident(&in, v6, &got) && got == 0x1234 &&
		    pp_pkt_matches(&in, v6, &es, true), "echo 8-byte quote");
		es.echo_id = 0x4243;
		CHECK(!pp_pkt_matches(&in, v6, &es, true) &&
		    pp_pkt_matches(&in, v6, &es, false), "echo id (raw only)");
		m = quote(pkt, v6, hop, nat, dst, v6 ? 58 : 1, e, en, en);
		CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
		    pp_pkt_matches(&in, v6, &es, true), "a NAT's echo id: "
		    "our payload quoted says it is ours");
		unsigned char syn[PP_PKT_SYN_LEN];
		(void)pp_pkt_tcp_syn(syn, sizeof(syn), v6, me, dst, 40002, 443,
		    0xabcd0777u);
		syn[0] = 0xee;		/* a NAT's source port */
		struct pp_pkt_sent ts = { .proto = 6, .dport = 443,
		    .id = 0x0777, .tcp_seq = 0xabcd0777u };
		memcpy(ts.dst, dst, al);
		m = quote(pkt, v6, hop, nat, dst, 6, syn, sizeof(syn), 8);
		CHECK(pp_pkt_parse(pkt, m, v6, !v6, &in) == 0 &&
		    pp_pkt_ident(&in, v6, &got) && got == 0x0777 &&
		    pp_pkt_matches(&in, v6, &ts, true), "tcp 8-byte quote");
		ts.tcp_seq ^= 0x10000;
		CHECK(!pp_pkt_matches(&in, v6, &ts, true), "other tcp run");
	}
	struct pp_pkt_payload z = { 0, 0 };
	CHECK(pp_pkt_udp(u, sizeof(u), false, me4, dst4, 1, 2, &z, 64, 0, 0)
	    == 0 && pp_pkt_udp(u, sizeof(u), false, me4, dst4, 1, 2, &z, 64,
	    0, 0xffff) == 0, "identities 0 and 0xffff refused");
	CHECK(pp_pkt_udp(u, sizeof(u), false, me4, dst4, 1, 2, &z,
	    PP_PKT_UDP_MIN - 1, 0, 1) == 0 && pp_pkt_udp(u, 30, false, me4,
	    dst4, 1, 2, &z, 64, 0, 1) == 0, "too short");
}
