/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_mtrpkt.c: mtr-packet's request protocol (lib/mtrpkt.c) from
 * hostile request streams.  Control byte: bits 0-6 what the helper can do
 * (ip-4, ip-6, ICMP over IPv4 and IPv6, UDP, TCP, mark), bit 7 whether
 * the probes handed out are answered at once (else they pile up to
 * probes-exhausted); the rest is the stream, cut into lines as mtr-packet
 * cuts them, each line parsed and decided, each answer formatted.
 * Invariants: every line and every overflow gets exactly one answer or one
 * probe; the stream cut one byte at a time gives the same answers as cut
 * in one piece; a reply line is printable ASCII ending in its only '\n',
 * parses back with the same parser to its token and word (mtr reads the
 * replies with mtr-packet's parser); a probe's values are in their ranges
 * and its destination is of its family; no more than
 * PP_MTRPKT_PROBES_MAX probes are ever in flight. */
#include <netinet/in.h>
#include <string.h>

#include "lib/mtrpkt.h"
#include "tests/fuzz/fuzz.h"

/* Everything a run answered, as text, bounded. */
struct log {
	char text[1 << 16];
	size_t len;
	bool full;
};

static void
log_add(struct log *l, const char *s, size_t n)
{
	if (l->len + n > sizeof(l->text)) {
		l->full = true;
		return;
	}
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

static void
check_reply(const char *line, int n, const struct pp_mtrpkt_reply *r)
{
	FUZZ_CHECK(n > 0 && n < PP_MTRPKT_REPLY_MAX, "reply length %d", n);
	FUZZ_CHECK(line[n - 1] == '\n', "no final newline");
	for (int i = 0; i < n - 1; i++)
		FUZZ_CHECK(line[i] >= ' ' && line[i] <= '~', "byte 0x%02x in "
		    "reply", (unsigned char)line[i]);
	char copy[PP_MTRPKT_REPLY_MAX];
	memcpy(copy, line, (size_t)n);
	copy[n - 1] = '\0';
	struct pp_mtrpkt_cmd c;
	FUZZ_CHECK(pp_mtrpkt_parse(copy, &c) == 0, "reply does not parse: %s",
	    line);
	bool zero = r->word == PP_MTRPKT_COMMAND_PARSE_ERROR ||
	    r->word == PP_MTRPKT_COMMAND_BUFFER_OVERFLOW;
	FUZZ_CHECK(c.token == (zero ? 0 : r->token), "token %d, want %d",
	    c.token, r->token);
	FUZZ_CHECK(strcmp(c.name, pp_mtrpkt_word_name(r->word)) == 0,
	    "word %s", c.name);
}

static void
check_probe(const struct pp_mtrpkt_probe *p, const struct pp_mtrpkt_caps *k)
{
	FUZZ_CHECK(p->family == AF_INET || p->family == AF_INET6, "family");
	FUZZ_CHECK(p->dst.ss_family == p->family, "destination family");
	FUZZ_CHECK(!p->has_src || p->src.ss_family == p->family,
	    "source family");
	FUZZ_CHECK(p->family == AF_INET ? k->ip4 : k->ip6, "family refused");
	FUZZ_CHECK(p->ttl == -1 || (p->ttl >= 1 && p->ttl <= 255), "ttl %d",
	    p->ttl);
	FUZZ_CHECK(p->tos >= -1 && p->tos <= 255, "tos %d", p->tos);
	FUZZ_CHECK(p->port >= 0 && p->port <= 65535, "port %d", p->port);
	FUZZ_CHECK(p->local_port >= 0 && p->local_port <= 65535, "lport");
	FUZZ_CHECK(p->seq >= PP_MTRPKT_SEQ_MIN && p->seq <= PP_MTRPKT_SEQ_MAX,
	    "seq %u", p->seq);
	if (p->proto == PP_MTRPKT_TCP)
		FUZZ_CHECK(p->size == 0 && p->local_port == 0, "tcp size");
	else {
		int hdr = p->family == AF_INET6 ? 40 : 20;
		FUZZ_CHECK(p->size >= hdr + 8 && p->size <=
		    PP_MTRPKT_PACKET_MAX + (p->family == AF_INET6 ? 40 : 0),
		    "size %d", p->size);
	}
	FUZZ_CHECK(p->proto != PP_MTRPKT_SCTP, "sctp never offered");
}

/* One run over data in pieces of chunk bytes. */
static void
run(const uint8_t *data, size_t size, size_t chunk, uint8_t ctl,
    struct log *log)
{
	static struct pp_mtrpkt m;
	size_t at = 0;

	pp_mtrpkt_init(&m);
	m.caps = (struct pp_mtrpkt_caps){
		.ip4 = ctl & 1, .ip6 = ctl & 2, .icmp4 = ctl & 4,
		.icmp6 = ctl & 8, .udp = ctl & 16, .tcp = ctl & 32,
		.mark = ctl & 64, .version = "9.9",
	};
	bool answer_at_once = (ctl & 128) != 0;
	for (;;) {
		char *line;
		enum pp_mtrpkt_in_event ev;
		while ((ev = pp_mtrpkt_in_next(&m.in, &line)) !=
		    PP_MTRPKT_IN_NONE) {
			struct pp_mtrpkt_reply r;
			struct pp_mtrpkt_probe p;
			struct pp_mtrpkt_cmd c;
			char out[PP_MTRPKT_REPLY_MAX];
			memset(&r, 0, sizeof(r));
			if (ev == PP_MTRPKT_IN_OVERFLOW)
				r.word = PP_MTRPKT_COMMAND_BUFFER_OVERFLOW;
			else if (pp_mtrpkt_parse(line, &c) == -1)
				r.word = PP_MTRPKT_COMMAND_PARSE_ERROR;
			else if (pp_mtrpkt_request(&m, &c, &p, &r) ==
			    PP_MTRPKT_SEND) {
				check_probe(&p, &m.caps);
				FUZZ_CHECK(m.inflight <= PP_MTRPKT_PROBES_MAX,
				    "inflight %d", m.inflight);
				/* Answer it as a timeout would. */
				r.word = PP_MTRPKT_NO_REPLY;
				if (answer_at_once)
					pp_mtrpkt_answered(&m);
			}
			FUZZ_CHECK(r.word != PP_MTRPKT_NONE, "no answer");
			int n = pp_mtrpkt_format(out, sizeof(out), &r);
			check_reply(out, n, &r);
			log_add(log, out, (size_t)n);
		}
		if (at == size)
			break;
		size_t room;
		char *dst = pp_mtrpkt_in_space(&m.in, &room);
		FUZZ_CHECK(room >= 1 && room < PP_MTRPKT_LINE_MAX, "room %zu",
		    room);
		size_t n = size - at < chunk ? size - at : chunk;
		if (n > room)
			n = room;
		memcpy(dst, data + at, n);
		pp_mtrpkt_in_added(&m.in, n);
		at += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log whole, bytes;

	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	whole.len = bytes.len = 0;
	whole.full = bytes.full = false;
	run(data + 1, size - 1, size, ctl, &whole);
	run(data + 1, size - 1, 1, ctl, &bytes);
	if (!whole.full && !bytes.full)
		FUZZ_CHECK(whole.len == bytes.len && memcmp(whole.text,
		    bytes.text, whole.len) == 0, "cut in one piece and byte by "
		    "byte: different answers");
	return 0;
}
