/* SPDX-License-Identifier: BSD-2-Clause */
/* mtrpkt.c: mtr-packet's request protocol: lines, words, decisions, the
 * reply-word table and the reply lines.  See mtrpkt.h for what mtr-packet
 * 0.95 does and so what this does. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mtrpkt.h"

/* ------------------------------------------------------- the table */

enum src { FROM_ERRNO, FROM_ICMP4, FROM_ICMP6 };

#define ANY (-1)

/* Every errno value and ICMP message that has a word of its own; the first
 * row that fits wins.  An errno not here is unexpected-error, an ICMP
 * message not here is ignored (mtr-packet reads only these). */
static const struct {
	enum src src;
	int type;		/* ICMP type (FROM_ICMP*) */
	int code;		/* ICMP code or errno value; ANY */
	enum pp_mtrpkt_word word;
} table[] = {
	{ FROM_ERRNO, 0, EINVAL, PP_MTRPKT_INVALID_ARGUMENT },
	{ FROM_ERRNO, 0, ENETDOWN, PP_MTRPKT_NETWORK_DOWN },
	{ FROM_ERRNO, 0, ENETUNREACH, PP_MTRPKT_NO_ROUTE },
	{ FROM_ERRNO, 0, EHOSTUNREACH, PP_MTRPKT_NO_ROUTE },
	{ FROM_ERRNO, 0, EPERM, PP_MTRPKT_PERMISSION_DENIED },
	{ FROM_ERRNO, 0, EADDRINUSE, PP_MTRPKT_ADDRESS_IN_USE },
	{ FROM_ERRNO, 0, EADDRNOTAVAIL, PP_MTRPKT_ADDRESS_NOT_AVAILABLE },
	{ FROM_ERRNO, 0, ECONNREFUSED, PP_MTRPKT_REPLY },
	{ FROM_ICMP4, 0, ANY, PP_MTRPKT_REPLY },	/* echo reply */
	{ FROM_ICMP4, 11, ANY, PP_MTRPKT_TTL_EXPIRED },	/* time exceeded */
	{ FROM_ICMP4, 3, 3, PP_MTRPKT_REPLY },	/* port unreachable */
	{ FROM_ICMP4, 3, ANY, PP_MTRPKT_NO_ROUTE },	/* unreachable */
	{ FROM_ICMP6, 129, ANY, PP_MTRPKT_REPLY },	/* echo reply */
	{ FROM_ICMP6, 3, ANY, PP_MTRPKT_TTL_EXPIRED },	/* time exceeded */
	{ FROM_ICMP6, 1, 4, PP_MTRPKT_REPLY },	/* port unreachable */
	{ FROM_ICMP6, 1, ANY, PP_MTRPKT_NO_ROUTE },	/* unreachable */
};

static enum pp_mtrpkt_word
lookup(enum src src, int type, int code, enum pp_mtrpkt_word dflt)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].src == src && (src == FROM_ERRNO ||
		    table[i].type == type) && (table[i].code == ANY ||
		    table[i].code == code))
			return table[i].word;
	return dflt;
}

enum pp_mtrpkt_word
pp_mtrpkt_errno_word(int errnum)
{
	return lookup(FROM_ERRNO, 0, errnum, PP_MTRPKT_UNEXPECTED_ERROR);
}

enum pp_mtrpkt_word
pp_mtrpkt_icmp_word(int family, int type, int code)
{
	if (family != AF_INET && family != AF_INET6)
		return PP_MTRPKT_NONE;
	return lookup(family == AF_INET ? FROM_ICMP4 : FROM_ICMP6, type, code,
	    PP_MTRPKT_NONE);
}

const char *
pp_mtrpkt_word_name(enum pp_mtrpkt_word w)
{
	static const char *const names[] = {
		[PP_MTRPKT_NONE] = "",
		[PP_MTRPKT_REPLY] = "reply",
		[PP_MTRPKT_TTL_EXPIRED] = "ttl-expired",
		[PP_MTRPKT_NO_ROUTE] = "no-route",
		[PP_MTRPKT_NO_REPLY] = "no-reply",
		[PP_MTRPKT_NETWORK_DOWN] = "network-down",
		[PP_MTRPKT_PERMISSION_DENIED] = "permission-denied",
		[PP_MTRPKT_ADDRESS_IN_USE] = "address-in-use",
		[PP_MTRPKT_ADDRESS_NOT_AVAILABLE] = "address-not-available",
		[PP_MTRPKT_INVALID_ARGUMENT] = "invalid-argument",
		[PP_MTRPKT_UNEXPECTED_ERROR] = "unexpected-error",
		[PP_MTRPKT_PROBES_EXHAUSTED] = "probes-exhausted",
		[PP_MTRPKT_UNKNOWN_COMMAND] = "unknown-command",
		[PP_MTRPKT_COMMAND_PARSE_ERROR] = "command-parse-error",
		[PP_MTRPKT_COMMAND_BUFFER_OVERFLOW] = "command-buffer-overflow",
		[PP_MTRPKT_FEATURE_SUPPORT] = "feature-support",
	};
	if ((unsigned)w >= sizeof(names) / sizeof(names[0]))
		return "";
	return names[w];
}

/* ---------------------------------------------------------- input */

void
pp_mtrpkt_in_init(struct pp_mtrpkt_in *in)
{
	in->len = 0;
	in->taken = 0;
}

/* Drop the line handed out last. */
static void
drop_taken(struct pp_mtrpkt_in *in)
{
	if (in->taken == 0)
		return;
	memmove(in->buf, in->buf + in->taken, in->len - in->taken);
	in->len -= in->taken;
	in->taken = 0;
}

char *
pp_mtrpkt_in_space(struct pp_mtrpkt_in *in, size_t *room)
{
	drop_taken(in);
	/* mtr-packet reads at most up to one byte short of its buffer (the
	 * last one holds a NUL); pp_mtrpkt_in_next never leaves it full. */
	*room = PP_MTRPKT_LINE_MAX - 1 - in->len;
	return in->buf + in->len;
}

void
pp_mtrpkt_in_added(struct pp_mtrpkt_in *in, size_t n)
{
	if (n > PP_MTRPKT_LINE_MAX - 1 - in->len)
		n = PP_MTRPKT_LINE_MAX - 1 - in->len;
	in->len += n;
}

enum pp_mtrpkt_in_event
pp_mtrpkt_in_next(struct pp_mtrpkt_in *in, char **line)
{
	drop_taken(in);
	/* The '\n' is searched as in a C string: a NUL ends the search. */
	size_t visible = strnlen(in->buf, in->len);
	char *nl = memchr(in->buf, '\n', visible);
	if (nl != NULL) {
		*nl = '\0';
		*line = in->buf;
		in->taken = (size_t)(nl - in->buf) + 1;
		return PP_MTRPKT_IN_LINE;
	}
	if (in->len >= PP_MTRPKT_LINE_MAX - 1) {
		in->len = 0;
		return PP_MTRPKT_IN_OVERFLOW;
	}
	return PP_MTRPKT_IN_NONE;
}

/* --------------------------------------------------------- parsing */

/* The C locale's isspace(), whatever the locale. */
static bool
space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* A long cut to 32 bits as C does on the two's complement machines
 * mtr-packet runs on (without the implementation-defined conversion). */
static int
wrap32(uint32_t u)
{
	return u <= (uint32_t)INT_MAX ? (int)u : -(int)(~u) - 1;
}

static int
low32(long v)
{
	return wrap32((uint32_t)(unsigned long)v);
}

int
pp_mtrpkt_parse(char *line, struct pp_mtrpkt_cmd *c)
{
	enum { MAX_WORDS = PP_MTRPKT_ARGS_MAX * 2 + 2 };
	const char *w[MAX_WORDS];
	int n = 0;

	memset(c, 0, sizeof(*c));
	for (char *s = line; *s != '\0';) {
		if (space(*s)) {
			s++;
			continue;
		}
		if (n == MAX_WORDS)
			return -1;
		w[n++] = s;
		while (*s != '\0' && !space(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
	if (n < 2 || n % 2 != 0)
		return -1;
	errno = 0;
	long tok = strtol(w[0], NULL, 10);
	if (errno != 0)
		return -1;
	c->token = low32(tok);
	c->name = w[1];
	for (int i = 2; i < n; i += 2) {
		c->arg[c->nargs] = w[i];
		c->val[c->nargs++] = w[i + 1];
	}
	return 0;
}

/* ------------------------------------------------------- requests */

void
pp_mtrpkt_init(struct pp_mtrpkt *m)
{
	memset(m, 0, sizeof(*m));
	pp_mtrpkt_in_init(&m->in);
	m->next_seq = PP_MTRPKT_SEQ_MIN;
}

void
pp_mtrpkt_answered(struct pp_mtrpkt *m)
{
	if (m->inflight > 0)
		m->inflight--;
}

/* A value as mtr-packet reads it: strtol, nothing after the digits.
 * Returns 0, or -1. */
static int
value(const char *s, int *out)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (*end != '\0')
		return -1;
	*out = low32(v);
	return 0;
}

static void
answer(struct pp_mtrpkt_reply *r, int token, enum pp_mtrpkt_word w)
{
	memset(r, 0, sizeof(*r));
	r->token = token;
	r->word = w;
}

static enum pp_mtrpkt_action
check_support(const struct pp_mtrpkt *m, const struct pp_mtrpkt_cmd *c,
    struct pp_mtrpkt_reply *r)
{
	const char *f = NULL;

	for (int i = 0; i < c->nargs && f == NULL; i++)
		if (strcmp(c->arg[i], "feature") == 0)
			f = c->val[i];
	if (f == NULL) {
		answer(r, c->token, PP_MTRPKT_INVALID_ARGUMENT);
		return PP_MTRPKT_ANSWER;
	}
	const struct pp_mtrpkt_caps *k = &m->caps;
	bool ok = false;
	answer(r, c->token, PP_MTRPKT_FEATURE_SUPPORT);
	if (strcmp(f, "version") == 0) {
		r->support = k->version != NULL ? k->version : "";
		return PP_MTRPKT_ANSWER;
	}
	if (strcmp(f, "ip-4") == 0)
		ok = k->ip4;
	else if (strcmp(f, "ip-6") == 0)
		ok = k->ip6;
	else if (strcmp(f, "send-probe") == 0)
		ok = true;
	else if (strcmp(f, "icmp") == 0)
		ok = k->icmp4 || k->icmp6;
	else if (strcmp(f, "udp") == 0)
		ok = k->udp;
	else if (strcmp(f, "tcp") == 0)
		ok = k->tcp;
	else if (strcmp(f, "sctp") == 0)
		ok = k->sctp;
	else if (strcmp(f, "mark") == 0)
		ok = k->mark;
	r->support = ok ? "ok" : "no";
	return PP_MTRPKT_ANSWER;
}

/* send-probe's arguments before any conversion (mtr-packet's defaults). */
struct args {
	int version;		/* 4, 6, 0 none */
	const char *remote, *local;
	enum pp_mtrpkt_proto proto;
	int port, local_port, tos, mark, size, pattern, ttl, timeout;
};

/* One argument; false when its value is bad. */
static bool
decode(struct args *a, const char *name, const char *v)
{
	static const struct {
		const char *name;
		size_t off;
	} ints[] = {
		{ "port", offsetof(struct args, port) },
		{ "local-port", offsetof(struct args, local_port) },
		{ "tos", offsetof(struct args, tos) },
		{ "mark", offsetof(struct args, mark) },
		{ "size", offsetof(struct args, size) },
		{ "bit-pattern", offsetof(struct args, pattern) },
		{ "ttl", offsetof(struct args, ttl) },
		{ "timeout", offsetof(struct args, timeout) },
	};

	if (strcmp(name, "ip-4") == 0 || strcmp(name, "ip-6") == 0) {
		a->version = name[3] == '4' ? 4 : 6;
		a->remote = v;
	} else if (strcmp(name, "local-ip-4") == 0 ||
	    strcmp(name, "local-ip-6") == 0)
		a->local = v;
	else if (strcmp(name, "protocol") == 0) {
		if (strcmp(v, "icmp") == 0)
			a->proto = PP_MTRPKT_ICMP;
		else if (strcmp(v, "udp") == 0)
			a->proto = PP_MTRPKT_UDP;
		else if (strcmp(v, "tcp") == 0)
			a->proto = PP_MTRPKT_TCP;
		else if (strcmp(v, "sctp") == 0)
			a->proto = PP_MTRPKT_SCTP;
		else
			return false;
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(name, ints[i].name) != 0)
			continue;
		int *dst = (int *)(void *)((char *)a + ints[i].off);
		if (value(v, dst) == -1)
			return false;
		/* No port that needs privilege to bind. */
		if (dst == &a->local_port && a->local_port < 1024) {
			a->local_port = 0;
			return false;
		}
	}
	return true;
}

/* Text to address in family fam (port 0).  Returns 0, or -1. */
static int
address(int fam, const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, s, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	*len = sizeof(*s4);
	return inet_pton(AF_INET, s, &s4->sin_addr) == 1 ? 0 : -1;
}

bool
pp_mtrpkt_mapped_source(const struct pp_mtrpkt_probe *p,
    const struct sockaddr *src)
{
	if (p->family != AF_INET6 || src == NULL || src->sa_family !=
	    AF_INET6 || (p->proto != PP_MTRPKT_ICMP && p->proto !=
	    PP_MTRPKT_UDP))
		return false;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)
	    (const void *)src)->sin6_addr;
	return IN6_IS_ADDR_V4MAPPED(a);
}

bool
pp_mtrpkt_own_header(const struct pp_mtrpkt_probe *p)
{
	return p->family == AF_INET && (p->proto == PP_MTRPKT_ICMP ||
	    p->proto == PP_MTRPKT_UDP);
}

bool
pp_mtrpkt_source_refused(const struct pp_mtrpkt_probe *p, int errnum)
{
	if (!pp_mtrpkt_own_header(p) || !p->has_src)
		return false;
	if (errnum == 0)
		return IN_MULTICAST(ntohl(((const struct sockaddr_in *)
		    (const void *)&p->src)->sin_addr.s_addr));
	return errnum == EINVAL || errnum == EADDRNOTAVAIL ||
	    errnum == ENETUNREACH;
}

/* The values on the wire (see the header).  Returns 0, or -1 for
 * invalid-argument. */
static int
convert(const struct args *a, struct pp_mtrpkt_probe *p)
{
	bool v6 = a->version == 6;
	/* mtr-packet builds IPv4 ICMP and UDP headers itself and sets the
	 * others through the socket, where the kernel checks the range. */
	bool header = !v6 && a->proto != PP_MTRPKT_TCP &&
	    a->proto != PP_MTRPKT_SCTP;

	if (header) {
		p->ttl = a->ttl & 0xff;
		p->tos = a->tos & 0xff;
	} else {
		int lo = v6 ? 0 : 1;
		if (a->ttl != -1 && (a->ttl < lo || a->ttl > 255))
			return -1;
		p->ttl = a->ttl;
		if (v6) {
			if (a->tos < -1 || a->tos > 255)
				return -1;
			p->tos = a->tos;
		} else
			p->tos = a->tos & 0xff;
	}
	if (p->ttl == 0)
		p->ttl = 1;	/* the same on every router and host */
	if (a->proto == PP_MTRPKT_ICMP || a->proto == PP_MTRPKT_UDP) {
		int hdr = v6 ? 40 : 20;
		int min = hdr + 8 + (a->proto == PP_MTRPKT_UDP ? 4 : 0);
		int size = a->size > min ? a->size : min;
		if (size - (v6 ? hdr : 0) > PP_MTRPKT_PACKET_MAX)
			return -1;
		p->size = size;
	} else
		p->size = 0;
	p->fill = (unsigned char)(a->pattern & 0xff);
	p->mark = (unsigned)a->mark;
	p->timeout = a->timeout;
	switch (a->proto) {
	case PP_MTRPKT_UDP:
		p->port = a->port != 0 ? a->port & 0xffff : (int)p->seq;
		p->local_port = a->local_port & 0xffff;
		break;
	case PP_MTRPKT_TCP:
	case PP_MTRPKT_SCTP:
		p->port = a->port != 0 ? a->port & 0xffff : 80;
		p->local_port = 0;
		break;
	case PP_MTRPKT_ICMP:
		p->port = 0;
		p->local_port = 0;
		break;
	}
	return 0;
}

static enum pp_mtrpkt_action
send_probe(struct pp_mtrpkt *m, const struct pp_mtrpkt_cmd *c,
    struct pp_mtrpkt_probe *p, struct pp_mtrpkt_reply *r)
{
	struct args a = {
		.proto = PP_MTRPKT_ICMP, .ttl = 255, .size = 64,
		.timeout = 10,
	};
	const struct pp_mtrpkt_caps *k = &m->caps;

	for (int i = 0; i < c->nargs; i++) {
		if (!decode(&a, c->arg[i], c->val[i])) {
			answer(r, c->token, PP_MTRPKT_INVALID_ARGUMENT);
			return PP_MTRPKT_ANSWER;
		}
	}
	if ((a.version == 4 && !k->ip4) || (a.version == 6 && !k->ip6) ||
	    a.version == 0) {
		answer(r, c->token, PP_MTRPKT_INVALID_ARGUMENT);
		r->reason = "ip-version-not-supported";
		return PP_MTRPKT_ANSWER;
	}
	bool proto_ok = false;
	switch (a.proto) {
	case PP_MTRPKT_ICMP:
		proto_ok = a.version == 4 ? k->icmp4 : k->icmp6;
		break;
	case PP_MTRPKT_UDP:
		proto_ok = k->udp;
		break;
	case PP_MTRPKT_TCP:
		proto_ok = k->tcp;
		break;
	case PP_MTRPKT_SCTP:
		proto_ok = k->sctp;
		break;
	}
	if (!proto_ok) {
		answer(r, c->token, PP_MTRPKT_INVALID_ARGUMENT);
		r->reason = "protocol-not-supported";
		return PP_MTRPKT_ANSWER;
	}
	if (m->inflight >= PP_MTRPKT_PROBES_MAX) {
		answer(r, c->token, PP_MTRPKT_PROBES_EXHAUSTED);
		return PP_MTRPKT_ANSWER;
	}
	memset(p, 0, sizeof(*p));
	p->token = c->token;
	p->family = a.version == 6 ? AF_INET6 : AF_INET;
	p->proto = a.proto;
	/* Every probe takes a sequence number, as mtr-packet's do, even
	 * those refused below. */
	p->seq = m->next_seq;
	m->next_seq = m->next_seq >= PP_MTRPKT_SEQ_MAX ? PP_MTRPKT_SEQ_MIN :
	    m->next_seq + 1;
	if (address(p->family, a.remote, &p->dst, &p->dlen) == -1 ||
	    (a.local != NULL && address(p->family, a.local, &p->src,
	    &p->slen) == -1) || convert(&a, p) == -1) {
		answer(r, c->token, PP_MTRPKT_INVALID_ARGUMENT);
		return PP_MTRPKT_ANSWER;
	}
	p->has_src = a.local != NULL;
	m->inflight++;
	answer(r, c->token, PP_MTRPKT_NONE);
	return PP_MTRPKT_SEND;
}

enum pp_mtrpkt_action
pp_mtrpkt_request(struct pp_mtrpkt *m, const struct pp_mtrpkt_cmd *c,
    struct pp_mtrpkt_probe *p, struct pp_mtrpkt_reply *r)
{
	if (strcmp(c->name, "check-support") == 0)
		return check_support(m, c, r);
	if (strcmp(c->name, "send-probe") == 0)
		return send_probe(m, c, p, r);
	answer(r, c->token, PP_MTRPKT_UNKNOWN_COMMAND);
	return PP_MTRPKT_ANSWER;
}

/* ------------------------------------------------------ formatting */

/* Append to buf at *at; false when it did not fit. */
static bool __attribute__((format(printf, 4, 5)))
put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
	va_list ap;

	if (*at >= cap)
		return false;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *at) {
		*at = cap;
		return false;
	}
	*at += (size_t)n;
	return true;
}

int
pp_mtrpkt_format(char *buf, size_t cap, const struct pp_mtrpkt_reply *r)
{
	size_t at = 0;
	bool ok = true;

	if (cap > 0)
		buf[0] = '\0';
	if (r->word == PP_MTRPKT_NONE)
		return -1;
	int token = r->word == PP_MTRPKT_COMMAND_PARSE_ERROR ||
	    r->word == PP_MTRPKT_COMMAND_BUFFER_OVERFLOW ? 0 : r->token;
	ok = put(buf, cap, &at, "%d %s", token, pp_mtrpkt_word_name(r->word));
	switch (r->word) {
	case PP_MTRPKT_REPLY:
	case PP_MTRPKT_TTL_EXPIRED:
	case PP_MTRPKT_NO_ROUTE:
		if (r->family == 0)
			break;
		ok = ok && put(buf, cap, &at, " %s %s round-trip-time %d",
		    r->family == AF_INET6 ? "ip-6" : "ip-4", r->addr,
		    wrap32(r->rtt_us));
		for (int i = 0; ok && i < r->nmpls && i < PP_PKT_MPLS_MAX;
		    i++)
			ok = put(buf, cap, &at, "%s%u,%u,%u,%u", i == 0 ?
			    " mpls " : ",", (unsigned)r->mpls[i].label,
			    (unsigned)r->mpls[i].tc, (unsigned)r->mpls[i].s,
			    (unsigned)r->mpls[i].ttl);
		break;
	case PP_MTRPKT_UNEXPECTED_ERROR:
		ok = ok && put(buf, cap, &at, " errno %d", r->errnum);
		break;
	case PP_MTRPKT_INVALID_ARGUMENT:
		if (r->reason != NULL)
			ok = ok && put(buf, cap, &at, " reason %s", r->reason);
		break;
	case PP_MTRPKT_FEATURE_SUPPORT:
		ok = ok && put(buf, cap, &at, " support %s", r->support !=
		    NULL ? r->support : "no");
		break;
	default:
		break;
	}
	ok = ok && put(buf, cap, &at, "\n");
	return ok ? (int)at : -1;
}
