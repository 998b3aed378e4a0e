/* SPDX-License-Identifier: BSD-2-Clause */
/* pkt.c: ICMP build and parse (see pkt.h). */
#include <string.h>

#include "lib/pkt.h"

uint16_t
pp_pkt_cksum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

size_t
pp_pkt_echo(unsigned char *buf, size_t cap, bool v6, uint16_t id,
    uint16_t seq, const struct pp_pkt_payload *pl, size_t size,
    unsigned char fill)
{
	if (size < 8 + PP_PKT_PAYLOAD)
		size = 8 + PP_PKT_PAYLOAD;
	if (cap < size)
		return 0;
	memset(buf, fill, size);
	buf[0] = v6 ? 128 : 8;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	put32(buf + 8, PP_PKT_MAGIC);
	put32(buf + 12, pl->tag);
	put32(buf + 16, (uint32_t)(pl->seq >> 32));
	put32(buf + 20, (uint32_t)pl->seq);
	if (!v6)
		put16(buf + 2, pp_pkt_cksum(buf, size));
	return size;
}

/* The ones'-complement sum of buf, not inverted. */
static uint16_t
sum16(const unsigned char *p, size_t len)
{
	return (uint16_t)~pp_pkt_cksum(p, len);
}

int
pp_pkt_echo_hold(unsigned char *buf, size_t len, bool v6, uint16_t hold)
{
	if (len < PP_PKT_HOLD + 2)
		return -1;
	/* Wanted: sum(message with checksum 0) = hold (so that the IPv4
	 * checksum is ~hold).  With the hold word w zero the sum is s;
	 * adding w gives s + w (end-around carry), so w = hold - s. */
	put16(buf + 2, 0);
	put16(buf + PP_PKT_HOLD, 0);
	uint32_t w = (uint32_t)hold + (uint16_t)~sum16(buf, len);
	while (w >> 16)
		w = (w & 0xffff) + (w >> 16);
	put16(buf + PP_PKT_HOLD, (uint16_t)w);
	if (!v6)
		put16(buf + 2, pp_pkt_cksum(buf, len));
	return 0;
}

bool
pp_pkt_payload(const unsigned char *p, size_t len, struct pp_pkt_payload *pl)
{
	if (len < PP_PKT_PAYLOAD || get32(p) != PP_PKT_MAGIC)
		return false;
	pl->tag = get32(p + 4);
	pl->seq = (uint64_t)get32(p + 8) << 32 | get32(p + 12);
	return true;
}

static void
payload(const unsigned char *p, size_t len, struct pp_pkt_info *info)
{
	info->has_payload = pp_pkt_payload(p, len, &info->payload);
}

size_t
pp_pkt_tcp_syn(unsigned char *buf, size_t cap, bool v6, const uint8_t *src,
    const uint8_t *dst, uint16_t sport, uint16_t dport, uint32_t seq)
{
	unsigned char ph[40 + PP_PKT_SYN_LEN];
	size_t alen = v6 ? 16 : 4;
	size_t phl = v6 ? 40 : 12;

	if (cap < PP_PKT_SYN_LEN)
		return 0;
	memset(buf, 0, PP_PKT_SYN_LEN);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	buf[12] = (PP_PKT_SYN_LEN / 4) << 4;
	buf[13] = PP_TCP_SYN;
	put16(buf + 14, 64240);		/* window */
	buf[20] = 2;			/* MSS */
	buf[21] = 4;
	put16(buf + 22, v6 ? 1440 : 1460);
	/* The pseudo-header: addresses, protocol and length. */
	memset(ph, 0, sizeof(ph));
	memcpy(ph, src, alen);
	memcpy(ph + alen, dst, alen);
	if (v6) {
		put32(ph + 32, PP_PKT_SYN_LEN);
		ph[39] = 6;
	} else {
		ph[9] = 6;
		put16(ph + 10, PP_PKT_SYN_LEN);
	}
	memcpy(ph + phl, buf, PP_PKT_SYN_LEN);
	put16(buf + 16, pp_pkt_cksum(ph, phl + PP_PKT_SYN_LEN));
	return PP_PKT_SYN_LEN;
}

int
pp_pkt_tcp_parse(const unsigned char *buf, size_t len, bool with_ip,
    struct pp_pkt_tcp *t)
{
	memset(t, 0, sizeof(*t));
	t->ttl = -1;
	if (with_ip) {
		if (len < 20 || (buf[0] >> 4) != 4 || buf[9] != 6)
			return -1;
		size_t ihl = (size_t)(buf[0] & 15) * 4;
		if (ihl < 20 || len < ihl)
			return -1;
		t->ttl = buf[8];
		memcpy(t->src, buf + 12, 4);
		buf += ihl;
		len -= ihl;
	}
	if (len < 20 || (size_t)(buf[12] >> 4) * 4 < 20)
		return -1;
	t->sport = get16(buf);
	t->dport = get16(buf + 2);
	t->seq = get32(buf + 4);
	t->ack = get32(buf + 8);
	t->flags = buf[13];
	return 0;
}

/* The extension structure at buf + ext: its MPLS label stack objects. */
static void
ext_objects(const unsigned char *icmp, size_t len, size_t ext,
    struct pp_pkt_info *info)
{
	if (ext + 4 > len)
		return;
	const unsigned char *e = icmp + ext;
	if ((e[0] >> 4) != 2)
		return;		/* extension version 2 */
	size_t off = ext + 4;
	while (off + 4 <= len) {
		size_t olen = get16(icmp + off);
		int cls = icmp[off + 2];
		int ctype = icmp[off + 3];
		if (olen < 4 || off + olen > len)
			return;
		if (cls == 1 && ctype == 1) {	/* MPLS label stack */
			for (size_t k = off + 4; k + 4 <= off + olen &&
			    info->nmpls < PP_PKT_MPLS_MAX; k += 4) {
				uint32_t v = get32(icmp + k);
				struct pp_mpls *m = &info->mpls[info->nmpls++];
				m->label = v >> 12;
				m->tc = (uint8_t)((v >> 9) & 7);
				m->s = (uint8_t)((v >> 8) & 1);
				m->ttl = (uint8_t)(v & 0xff);
			}
		}
		off += olen;
	}
}

/* RFC 4884 / 4950: an extension after the quoted datagram. */
static void
extensions(const unsigned char *icmp, size_t len, size_t quoted_start,
    bool v6, struct pp_pkt_info *info)
{
	/* RFC 4884: the length of the original datagram, at byte 5 of an
	 * ICMPv4 header in 32-bit words, at byte 4 of an ICMPv6 header in
	 * 64-bit words; without it (older routers) the extension starts at
	 * 128 bytes. */
	size_t words = v6 ? icmp[4] : icmp[5];
	size_t ext = quoted_start + (words > 0 ? words * (v6 ? 8 : 4) : 128);
	if (words == 0 && len < quoted_start + 128 + 8)
		return;
	ext_objects(icmp, len, ext, info);
}

int
pp_pkt_errq_ext(const unsigned char *buf, size_t len, size_t before,
    size_t at, struct pp_pkt_info *info)
{
	info->nmpls = 0;
	/* The 128 bytes of RFC 4884 count from the quoted IP header, the
	 * `before` bytes not in buf. */
	if (at == 0) {
		/* A guess: only an extension whose checksum is right. */
		if (before >= 128)
			return 0;
		at = 128 - before;
		if (len < at + 8 || pp_pkt_cksum(buf + at, len - at) != 0)
			return 0;
	}
	ext_objects(buf, len, at, info);
	return info->nmpls;
}

int
pp_pkt_parse(const unsigned char *buf, size_t len, bool v6, bool with_ip,
    struct pp_pkt_info *info)
{
	memset(info, 0, sizeof(*info));
	info->reply_ttl = -1;
	if (with_ip && !v6) {
		if (len < 20 || (buf[0] >> 4) != 4)
			return -1;
		size_t ihl = (size_t)(buf[0] & 15) * 4;
		if (ihl < 20 || len < ihl)
			return -1;
		info->reply_ttl = buf[8];
		buf += ihl;
		len -= ihl;
	}
	if (len < 8)
		return -1;
	int type = buf[0];
	info->code = buf[1];
	bool reply = v6 ? type == 129 : type == 0;
	bool exceeded = v6 ? type == 3 : type == 11;
	bool unreach = v6 ? type == 1 : type == 3;
	if (reply) {
		info->kind = PP_PKT_ECHO_REPLY;
		info->quoted_proto = v6 ? 58 : 1;
		info->echo_id = get16(buf + 4);
		info->echo_seq = get16(buf + 6);
		payload(buf + 8, len - 8, info);
		return 0;
	}
	if (!exceeded && !unreach)
		return 0;	/* PP_PKT_OTHER */
	/* The quoted datagram: its IP header, then at least 8 bytes. */
	const unsigned char *q = buf + 8;
	size_t qlen = len - 8;
	size_t qhl;
	int proto;
	if (!v6) {
		if (qlen < 20 || (q[0] >> 4) != 4)
			return -1;
		qhl = (size_t)(q[0] & 15) * 4;
		if (qhl < 20 || qlen < qhl + 8)
			return -1;
		proto = q[9];
		memcpy(info->quoted_src, q + 12, 4);
		memcpy(info->quoted_dst, q + 16, 4);
	} else {
		if (qlen < 40 + 8 || (q[0] >> 4) != 6)
			return -1;
		qhl = 40;
		proto = q[6];
		memcpy(info->quoted_src, q + 8, 16);
		memcpy(info->quoted_dst, q + 24, 16);
		/* A probe over the path MTU went out in fragments: the first
		 * one's Fragment header, then the transport header (a later
		 * fragment has none). */
		if (proto == 44 && qlen >= 40 + 8 + 8 &&
		    (get16(q + 42) & 0xfff8) == 0) {
			proto = q[40];
			qhl = 48;
		}
	}
	info->kind = exceeded ? PP_PKT_TIME_EXCEEDED : PP_PKT_UNREACH;
	info->quoted_proto = proto;
	const unsigned char *t = q + qhl;
	size_t tlen = qlen - qhl;
	if (proto == 1 || proto == 58) {
		info->echo_id = get16(t + 4);
		info->echo_seq = get16(t + 6);
		payload(t + 8, tlen - 8, info);
	} else if (proto == 17 || proto == 6) {
		info->sport = get16(t);
		info->dport = get16(t + 2);
		if (proto == 17) {
			info->udp_len = get16(t + 4);
			info->udp_sum = get16(t + 6);
			payload(t + 8, tlen - 8, info);
		} else {
			info->tcp_seq = get32(t + 4);
		}
	}
	extensions(buf, len, 8, v6, info);
	return 0;
}

/* ------------------------------------------------------ probe identity */

/* Ones'-complement sums: a + b with the end-around carry, a - b. */
static uint16_t
oc_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

static uint16_t
oc_sub(uint16_t a, uint16_t b)
{
	return oc_add(a, (uint16_t)~b);
}

/* One value for ones'-complement zero (0 and 0xffff). */
static uint16_t
oc_norm(uint16_t a)
{
	return a == 0xffff ? 0 : a;
}

/* The sum of the 16-bit words of the address bytes a (4 or 16). */
static uint16_t
addr_sum(const uint8_t *a, bool v6)
{
	uint16_t s = 0;

	for (size_t i = 0; i < (v6 ? 16u : 4u); i += 2)
		s = oc_add(s, get16(a + i));
	return s;
}

/* The sum of everything a UDP checksum covers but the payload: the
 * pseudo-header (addresses, protocol, length) and the header (ports,
 * length; the checksum field counts as zero). */
static uint16_t
udp_head_sum(bool v6, const uint8_t *src, const uint8_t *dst, uint16_t sport,
    uint16_t dport, uint16_t ulen)
{
	uint16_t s = oc_add(addr_sum(src, v6), addr_sum(dst, v6));

	s = oc_add(s, 17);
	s = oc_add(s, ulen);
	s = oc_add(s, sport);
	s = oc_add(s, dport);
	return oc_add(s, ulen);
}

size_t
pp_pkt_udp(unsigned char *buf, size_t cap, bool v6, const uint8_t *src,
    const uint8_t *dst, uint16_t sport, uint16_t dport,
    const struct pp_pkt_payload *pl, size_t len, unsigned char fill,
    uint16_t id)
{
	if (len < PP_PKT_UDP_MIN || len > 0xffff || cap < len || id == 0 ||
	    id == 0xffff)
		return 0;
	memset(buf, fill, len);
	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)len);
	put16(buf + 6, 0);
	put32(buf + 8, PP_PKT_MAGIC);
	put32(buf + 12, pl->tag);
	put32(buf + 16, (uint32_t)(pl->seq >> 32));
	put32(buf + 20, (uint32_t)pl->seq);
	/* The hold word makes the payload's sum id. */
	size_t hold = 8 + PP_PKT_PAYLOAD;
	put16(buf + hold, 0);
	put16(buf + hold, oc_sub(id, sum16(buf + 8, len - 8)));
	uint16_t c = (uint16_t)~oc_add(udp_head_sum(v6, src, dst, sport, dport,
	    (uint16_t)len), sum16(buf + 8, len - 8));
	put16(buf + 6, c == 0 ? 0xffff : c);	/* 0: no checksum (IPv4) */
	return len;
}

bool
pp_pkt_ident(const struct pp_pkt_info *in, bool v6, uint16_t *id)
{
	switch (in->quoted_proto) {
	case 1:
	case 58:
		*id = in->echo_seq;
		return true;
	case 6:
		*id = (uint16_t)in->tcp_seq;
		return in->kind != PP_PKT_ECHO_REPLY;
	case 17:
		if (in->kind == PP_PKT_ECHO_REPLY || in->udp_sum == 0)
			return false;	/* no checksum: no identity */
		/* payload = ~checksum - everything else it covers. */
		*id = oc_norm(oc_sub((uint16_t)~in->udp_sum, udp_head_sum(v6,
		    in->quoted_src, in->quoted_dst, in->sport, in->dport,
		    in->udp_len)));
		return true;
	default:
		return false;
	}
}

bool
pp_pkt_matches(const struct pp_pkt_info *in, bool v6,
    const struct pp_pkt_sent *s, bool echo_id)
{
	uint16_t id;

	if (in->kind == PP_PKT_OTHER || in->quoted_proto != s->proto)
		return false;
	if (in->kind != PP_PKT_ECHO_REPLY &&
	    memcmp(in->quoted_dst, s->dst, v6 ? 16 : 4) != 0)
		return false;
	bool ours = in->has_payload && in->payload.tag == s->pl.tag &&
	    in->payload.seq == s->pl.seq;
	if (in->has_payload && !ours)
		return false;
	switch (s->proto) {
	case 1:
	case 58:
		return in->echo_seq == s->id && (ours || !echo_id ||
		    in->echo_id == s->echo_id);
	case 17:
		return in->dport == s->dport && (ours ||
		    (pp_pkt_ident(in, v6, &id) && pp_pkt_unshift(id,
		    s->csum_delta) == s->id));
	case 6:
		return in->dport == s->dport && in->tcp_seq == s->tcp_seq;
	default:
		return false;
	}
}

int
pp_pkt_parse_echo_quote(const unsigned char *buf, size_t len, bool v6,
    struct pp_pkt_info *info)
{
	memset(info, 0, sizeof(*info));
	info->reply_ttl = -1;
	if (len < 8 || buf[0] != (v6 ? 128 : 8))
		return -1;
	info->quoted_proto = v6 ? 58 : 1;
	info->echo_id = get16(buf + 4);
	info->echo_seq = get16(buf + 6);
	payload(buf + 8, len - 8, info);
	return 0;
}

bool
pp_pkt_udp_delta(const struct pp_pkt_info *in, bool v6, uint16_t id,
    uint16_t *delta)
{
	uint16_t got;

	if (in->quoted_proto != 17 || !pp_pkt_ident(in, v6, &got))
		return false;
	*delta = oc_norm(oc_sub(got, id));
	return true;
}

uint16_t
pp_pkt_unshift(uint16_t id, uint16_t delta)
{
	return oc_norm(oc_sub(id, delta));
}
