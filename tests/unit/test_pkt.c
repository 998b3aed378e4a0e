#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"
#include "tests/unit/check.h"

void test_pkt(void);

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
	/* An echo request is not ours to answer. */
	CHECK(pp_pkt_parse(req, n, false, false, &in) == 0 &&
	    in.kind == PP_PKT_OTHER, "request ignored");
}
