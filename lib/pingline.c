/* SPDX-License-Identifier: BSD-2-Clause */
/* pingline.c: probe records as ping's lines (see pingline.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/pingline.h"
#include "lib/sanitize.h"

void
pp_ping_time(char *buf, size_t size, double ms)
{
	/* iputils: 3 decimals under 1 ms, 2 under 10, 1 under 100. */
	int dec = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;

	if (!isfinite(ms))
		(void)snprintf(buf, size, "?");
	else
		(void)snprintf(buf, size, "%.*f", dec, ms);
}

const char *
pp_ping_unreach(int code, bool v6)
{
	static const char *const v4[] = {
		"Destination Net Unreachable",
		"Destination Host Unreachable",
		"Destination Protocol Unreachable",
		"Destination Port Unreachable",
		"Frag needed and DF set",
		"Source Route Failed",
		"Destination Net Unknown",
		"Destination Host Unknown",
		"Source Host Isolated",
		"Destination Net Prohibited",
		"Destination Host Prohibited",
		"Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service",
		"Packet filtered",
		"Precedence Violation",
		"Precedence Cutoff",
	};
	static const char *const six[] = {
		"Destination unreachable: No route",
		"Destination unreachable: Administratively prohibited",
		"Destination unreachable: Beyond scope of source address",
		"Destination unreachable: Address unreachable",
		"Destination unreachable: Port unreachable",
		"Destination unreachable: Source address failed "
		    "ingress/egress policy",
		"Destination unreachable: Reject route to destination",
	};

	if (v6)
		return code >= 0 && code < (int)(sizeof(six) / sizeof(six[0])) ?
		    six[code] : "Destination unreachable";
	return code >= 0 && code < (int)(sizeof(v4) / sizeof(v4[0])) ?
	    v4[code] : "Dest Unreachable, Bad Code";
}

int
pp_ping_header(char *buf, size_t size, const char *name, const char *addr,
    const char *proto, int port, int data, int ip)
{
	char n[512];
	char a[128];

	(void)pp_sanitize_term(n, sizeof(n), name);
	(void)pp_sanitize_term(a, sizeof(a), addr);
	if (proto != NULL && strcmp(proto, "tcp") == 0)
		return snprintf(buf, size, "PING %s (%s) TCP port %d: SYN, "
		    "connection attempts.", n, a, port);
	if (proto != NULL && strcmp(proto, "udp") == 0)
		return snprintf(buf, size, "PING %s (%s) UDP port %d: %d(%d) "
		    "bytes of data.", n, a, port, data, ip);
	/* iputils says IPv6 its own way. */
	if (strchr(addr, ':') != NULL)
		return snprintf(buf, size, "PING %s(%s) %d data bytes", n, a,
		    data);
	return snprintf(buf, size, "PING %s (%s) %d(%d) bytes of data.", n, a,
	    data, ip);
}

int
pp_ping_line(char *buf, size_t size, const struct pp_probe *p,
    const struct pp_outcome_opts *o, bool with_target)
{
	char from[128];
	char t[32];
	char tgt[600];
	char seq[48];
	enum pp_loss why;
	enum pp_outcome oc = pp_probe_classify(p, o, &why);
	const char *proto = p->proto != NULL ? p->proto : "icmp";
	bool v6 = p->dst != NULL ? strchr(p->dst, ':') != NULL :
	    p->from != NULL && strchr(p->from, ':') != NULL;

	(void)pp_sanitize_term(from, sizeof(from), p->from != NULL ? p->from :
	    p->dst != NULL ? p->dst : "?");
	pp_ping_time(t, sizeof(t), p->rtt);
	(void)snprintf(seq, sizeof(seq), "%s_seq=%lld", proto, p->seq);
	tgt[0] = '\0';
	if (with_target) {
		char n[512];
		(void)pp_sanitize_term(n, sizeof(n), p->target);
		(void)snprintf(tgt, sizeof(tgt), " (%s)", n);
	}
	bool tcp = strcmp(proto, "tcp") == 0;
	bool udp = strcmp(proto, "udp") == 0;
	if (oc == PP_LOCAL)
		return snprintf(buf, size, "no answer yet for %s%s (maybe lost "
		    "inside this host: not counted)", seq, tgt);
	if (oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP ||
	    why == PP_LOSS_REFUSED) {
		const char *down = why == PP_LOSS_REFUSED && oc == PP_LOST ?
		    " (refused counts as down)" : "";
		if (tcp)
			return snprintf(buf, size, "%s %s port %d: %s time=%s "
			    "ms%s", p->conn == PP_CONN_REFUSED ? "refused by" :
			    "connected to", from, p->port, seq, t, down);
		if (udp)
			return snprintf(buf, size, "%s %s port %d: %s time=%s ms",
			    p->status == PP_ST_REPLY ? "reply from" :
			    "port unreachable from", from, p->port, seq, t);
		char ttl[24];
		if (p->reply_ttl >= 0)
			(void)snprintf(ttl, sizeof(ttl), " ttl=%d", p->reply_ttl);
		else
			ttl[0] = '\0';
		if (p->size > 0)
			return snprintf(buf, size, "%d bytes from %s: %s%s "
			    "time=%s ms", p->size - (v6 ? 40 : 20), from, seq,
			    ttl, t);
		return snprintf(buf, size, "reply from %s: %s%s time=%s ms",
		    from, seq, ttl, t);
	}
	switch (why) {
	case PP_LOSS_UNREACHABLE:
		if (p->from == NULL)
			return snprintf(buf, size, "%s %s%s", seq,
			    pp_ping_unreach(p->code, v6), tgt);
		return snprintf(buf, size, "From %s %s %s", from, seq,
		    pp_ping_unreach(p->code, v6));
	case PP_LOSS_TTL_EXPIRED:
		return snprintf(buf, size, "From %s %s %s", from, seq, v6 ?
		    "Time exceeded: Hop limit" : "Time to live exceeded");
	case PP_LOSS_ERROR: {
		char e[256];
		(void)pp_sanitize_term(e, sizeof(e), p->err != NULL ? p->err :
		    "error");
		return snprintf(buf, size, "cannot send %s%s: %s", seq, tgt, e);
	}
	default:
		return snprintf(buf, size, "no answer yet for %s%s", seq, tgt);
	}
}

bool
pp_ping_wants(bool resolved, long long count, bool deadline, long long sent,
    long long answered)
{
	if (!resolved || count == 0)
		return resolved;
	return deadline ? answered < count : sent < count;
}

long long
pp_ping_linger(long long last_send, double max_ms, double interval,
    double timeout)
{
	long long to = (long long)(timeout * 1e9);
	long long wait = to;

	if (!isnan(max_ms)) {
		wait = (long long)(2 * max_ms * 1e6);
		if (wait < (long long)(interval * 1e9))
			wait = (long long)(interval * 1e9);
		if (wait > to)
			wait = to;
	}
	return last_send + wait;
}
