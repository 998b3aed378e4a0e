/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_pkt.c: the ICMP reply and error parser (lib/pkt.c).  Control byte:
 * bit 0 IPv6, bit 1 the message starts with its IPv4 header (a raw IPv4
 * socket's view); the rest is the message, copied to a buffer of exactly
 * its size so that AddressSanitizer sees any read past the end.
 * Invariants: a rejected message is PP_PKT_OTHER; fields stay in their
 * ranges; at most PP_PKT_MPLS_MAX labels, each a valid RFC 4950 entry; and
 * an IPv4 message parses the same with its IP header as without it (bar
 * the reply TTL that only the header carries).  The identity read from
 * what was parsed matches a probe sent with that identity, and the same
 * bytes read as an error queue's echo request stay in bounds. */
#include <string.h>

#include "lib/pkt.h"
#include "tests/fuzz/fuzz.h"

static void
check_info(const struct pp_pkt_info *in, int rc, bool v6, bool with_ip)
{
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_CHECK(in->kind >= PP_PKT_OTHER && in->kind <= PP_PKT_UNREACH,
	    "kind %d", (int)in->kind);
	if (rc == -1)
		FUZZ_CHECK(in->kind == PP_PKT_OTHER && in->nmpls == 0,
		    "rejected message with kind %d", (int)in->kind);
	FUZZ_CHECK(in->code >= 0 && in->code <= 255, "code %d", in->code);
	FUZZ_CHECK(in->reply_ttl >= -1 && in->reply_ttl <= 255, "reply_ttl");
	if (!with_ip || v6)
		FUZZ_CHECK(in->reply_ttl == -1, "reply_ttl without a header");
	FUZZ_CHECK(in->nmpls >= 0 && in->nmpls <= PP_PKT_MPLS_MAX, "nmpls %d",
	    in->nmpls);
	if (in->nmpls > 0)
		FUZZ_CHECK(in->kind == PP_PKT_TIME_EXCEEDED ||
		    in->kind == PP_PKT_UNREACH, "labels on kind %d",
		    (int)in->kind);
	for (int i = 0; i < in->nmpls; i++)
		FUZZ_CHECK(in->mpls[i].label <= 0xfffff && in->mpls[i].tc <= 7
		    && in->mpls[i].s <= 1, "label entry %d", i);
	if (in->kind == PP_PKT_ECHO_REPLY)
		FUZZ_CHECK(in->quoted_proto == (v6 ? 58 : 1), "echo proto");
	if (in->kind == PP_PKT_OTHER)
		FUZZ_CHECK(!in->has_payload && in->nmpls == 0, "other kind "
		    "with contents");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pp_pkt_info in, in2;

	if (size < 1)
		return 0;
	bool v6 = (data[0] & 1) != 0;
	bool with_ip = (data[0] & 2) != 0;
	size_t len = size - 1;
	unsigned char *buf = malloc(len > 0 ? len : 1);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data + 1, len);
	int rc = pp_pkt_parse(buf, len, v6, with_ip, &in);
	check_info(&in, rc, v6, with_ip);
	uint16_t id;
	if (rc == 0 && pp_pkt_ident(&in, v6, &id)) {
		struct pp_pkt_sent s = { .proto = in.quoted_proto, .dport =
		    in.dport, .id = id, .echo_id = in.echo_id, .tcp_seq =
		    in.tcp_seq, .pl = in.payload };
		memcpy(s.dst, in.quoted_dst, 16);
		FUZZ_CHECK(in.kind == PP_PKT_OTHER || pp_pkt_matches(&in, v6,
		    &s, true), "its own identity does not match");
	}
	struct pp_pkt_info eq;
	int rq = pp_pkt_parse_echo_quote(buf, len, v6, &eq);
	FUZZ_CHECK(rq == -1 || (len >= 8 && eq.quoted_proto == (v6 ? 58 : 1)),
	    "echo quote");
	if (rc == 0 && with_ip && !v6) {
		size_t ihl = (size_t)(buf[0] & 15) * 4;
		FUZZ_CHECK(ihl >= 20 && ihl <= len, "accepted header %zu", ihl);
		size_t rest = len - ihl;
		unsigned char *icmp = malloc(rest > 0 ? rest : 1);
		FUZZ_CHECK(icmp != NULL, "out of memory");
		memcpy(icmp, buf + ihl, rest);
		int rc2 = pp_pkt_parse(icmp, rest, false, false, &in2);
		check_info(&in2, rc2, false, false);
		FUZZ_CHECK(rc2 == 0, "accepted with header, not without");
		in2.reply_ttl = in.reply_ttl;
		FUZZ_CHECK(memcmp(&in, &in2, sizeof(in)) == 0, "parse with "
		    "header differs from parse without");
		free(icmp);
	}
	free(buf);
	return 0;
}
