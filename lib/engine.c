/* engine.c: the probing engine: the probe table, sending, and matching
 * what comes back to the probe that caused it (see engine.h).  Sockets,
 * their options and the receive paths are lib/net_linux.c's; the wait
 * loop lib/evloop.c's; the flow sockets lib/flowsock.c's. */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <math.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib/engine.h"
#include "lib/evloop.h"
#include "lib/flowsock.h"
#include "lib/util.h"

/* Event tags: the shared sockets are 0 to 3 (icmp4, icmp6, tcp4, tcp6). */
#define TAG_FD 0x100000000ULL	/* a per-probe socket: | slot */
#define TAG_FLOW 0x200000000ULL	/* a flow socket: | its index */

/* A probe in flight. */
struct slot {
	bool used;
	unsigned gen;		/* bumps on reuse: stale timeouts ignored */
	int fd;			/* per-probe socket, -1 for ICMP */
	int family;
	struct sockaddr_storage dst;
	socklen_t dlen;
	double sent_rt;		/* realtime at send, s */
	long long sent_mono;	/* monotonic at send, ns */
	unsigned long long seq;
	uint16_t seq16;
	uint16_t sport;		/* Paris TCP: the SYN's source port */
	bool rawtcp;		/* Paris TCP: sent on the raw socket */
	bool tcp;		/* a TCP probe */
	struct pp_engine_result r;
};

/* A deadline, in send order (every probe has the same timeout). */
struct deadline {
	long long at;		/* monotonic ns */
	int slot;
	unsigned gen;
};

struct pp_engine {
	struct pp_engine_opts o;
	struct pp_net *net;
	pp_engine_done_fn *done;
	void *arg;
	struct pp_evloop loop;	/* epoll and exact waits */
	struct slot *slots;
	int nslots;
	int *free_slots;
	int nfree;
	int inflight;
	int by_seq16[65536];	/* ICMP: slot + 1 by 16-bit sequence */
	struct deadline *dl;	/* ring */
	int dl_head, dl_len;
	struct pp_flowtab flows;	/* flow sockets (Paris UDP and TCP) */
	bool rawtcp4, rawtcp6;	/* Paris TCP through net's raw sockets */
	bool yield;		/* pp_engine_run returns after this batch */
	uint16_t echo_id;	/* raw sockets: our identifier */
	uint32_t tag;		/* payload run tag */
	unsigned long late;
	unsigned char buf[65536];
};

static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What every socket of the engine is set to (errors ignored for now). */
static void
sock_opts(struct pp_engine *e, int fd, int family)
{
	(void)pp_net_recv_opts(fd, family);
	if (e->o.tos >= 0)
		(void)pp_net_set_tos(fd, family, e->o.tos);
	if (e->o.mark != 0)
		(void)pp_net_set_mark(fd, e->o.mark);
	if (e->o.iface != NULL)
		(void)pp_net_bind_iface(fd, e->o.iface);
}

struct pp_engine *
pp_engine_new(const struct pp_engine_opts *o, struct pp_net *n,
    pp_engine_done_fn *done, void *arg, struct pp_error *err)
{
	struct pp_engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		pp_error_set(err, "out of memory");
		return NULL;
	}
	e->o = *o;
	if (e->o.max_inflight <= 0 || e->o.max_inflight > 60000)
		e->o.max_inflight = 60000;
	e->net = n;
	e->done = done;
	e->arg = arg;
	e->nslots = e->o.max_inflight;
	e->loop.ep = -1;
	pp_flowtab_init(&e->flows);
	e->slots = calloc((size_t)e->nslots, sizeof(*e->slots));
	e->free_slots = calloc((size_t)e->nslots, sizeof(int));
	e->dl = calloc((size_t)e->nslots, sizeof(*e->dl));
	if (e->slots == NULL || e->free_slots == NULL || e->dl == NULL ||
	    pp_evloop_init(&e->loop, e->o.lax) == -1) {
		pp_error_set(err, "cannot set up the engine: %s",
		    strerror(errno));
		pp_engine_free(e);
		return NULL;
	}
	/* Slots are set up when taken (fd too): memory is touched only as
	 * far as probes are really in flight. */
	for (int i = 0; i < e->nslots; i++)
		e->free_slots[e->nfree++] = e->nslots - 1 - i;
	e->echo_id = (uint16_t)(getpid() ^ (uint16_t)pp_mono_ns());
	e->tag = (uint32_t)(pp_mono_ns() ^
	    ((unsigned long long)getpid() << 16));
	/* The shared ICMP sockets: listen for echo replies and errors. */
	int fds[2] = { n != NULL ? n->icmp4 : -1, n != NULL ? n->icmp6 : -1 };
	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		sock_opts(e, fds[i], i == 0 ? AF_INET : AF_INET6);
		if (i == 1 && n->raw6) {
			struct icmp6_filter f;
			ICMP6_FILTER_SETBLOCKALL(&f);
			ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
			ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
			ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
			(void)setsockopt(fds[i], IPPROTO_ICMPV6, ICMP6_FILTER,
			    &f, sizeof(f));
		}
		if (e->o.source != NULL && e->o.source->sa_family ==
		    (i == 0 ? AF_INET : AF_INET6))
			(void)bind(fds[i], e->o.source, e->o.source_len);
		(void)pp_evloop_add(&e->loop, fds[i], EPOLLIN, (uint64_t)i);
	}
	/* Paris TCP: SYNs of our own through raw TCP sockets, answers (SYN-ACK,
	 * RST) read from them; without them, the kernel's connect. */
	if (o->proto == PP_TCP && o->paris && n != NULL) {
		int tfd[2] = { n->tcp4, n->tcp6 };
		for (int i = 0; i < 2; i++) {
			if (tfd[i] < 0)
				continue;
			sock_opts(e, tfd[i], i == 0 ? AF_INET : AF_INET6);
			if (pp_evloop_add(&e->loop, tfd[i], EPOLLIN,
			    (uint64_t)(2 + i)) == 0) {
				if (i == 0)
					e->rawtcp4 = true;
				else
					e->rawtcp6 = true;
			}
		}
	}
	/* Room for one socket per probe in flight. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	return e;
}

void
pp_engine_free(struct pp_engine *e)
{
	if (e == NULL)
		return;
	for (int i = 0; e->slots != NULL && i < e->nslots; i++)
		if (e->slots[i].used && e->slots[i].fd >= 0)
			close(e->slots[i].fd);
	pp_flowtab_release(&e->flows);
	pp_evloop_release(&e->loop);
	free(e->slots);
	free(e->free_slots);
	free(e->dl);
	free(e);
}

void
pp_engine_yield(struct pp_engine *e)
{
	e->yield = true;
}

int
pp_engine_fd(const struct pp_engine *e)
{
	return pp_evloop_fd(&e->loop);
}

int
pp_engine_inflight(const struct pp_engine *e)
{
	return e->inflight;
}

unsigned long
pp_engine_late(const struct pp_engine *e)
{
	return e->late;
}

void
pp_engine_result_probe(const struct pp_engine_result *r, struct pp_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->ts = r->ts;
	p->target = r->target;
	p->dst = r->dst[0] != '\0' ? r->dst : NULL;
	p->proto = r->proto;
	p->from = r->from[0] != '\0' ? r->from : NULL;
	p->err = r->err[0] != '\0' ? r->err : NULL;
	p->seq = r->seq;
	p->round = r->round;
	p->flow = r->flow;
	p->ttl = r->ttl;
	p->reply_ttl = r->reply_ttl;
	p->code = r->code;
	p->port = r->port;
	p->size = r->size;
	p->status = r->status;
	p->rtt = r->rtt;
	p->late = r->late;
	p->conn = r->conn;
	p->nmpls = r->nmpls;
	memcpy(p->mpls, r->mpls, sizeof(p->mpls));
}

static void
addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)size);
}

/* Deliver a slot's result and free it. */
static void
finish(struct pp_engine *e, int i)
{
	struct slot *s = &e->slots[i];

	if (s->fd >= 0) {
		struct linger lg = { 1, 0 };	/* TCP: RST, no TIME_WAIT */
		(void)setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		(void)pp_evloop_del(&e->loop, s->fd);
		close(s->fd);
		s->fd = -1;
	} else if (e->by_seq16[s->seq16] == i + 1) {
		e->by_seq16[s->seq16] = 0;
	}
	s->used = false;
	s->gen++;
	e->inflight--;
	e->free_slots[e->nfree++] = i;
	e->done(e->arg, &s->r);
}

/* RTT in ms from the kernel's receive stamp (or now). */
static double
rtt_ms(const struct slot *s, const struct timespec *rx)
{
	double ms;

	if (rx != NULL && rx->tv_sec != 0) {
		ms = ((double)rx->tv_sec + (double)rx->tv_nsec / 1e9 -
		    s->sent_rt) * 1000.0;
		if (ms >= 0 && ms < 3600000)
			return ms;
	}
	ms = (double)(pp_mono_ns() - s->sent_mono) / 1e6;
	return ms >= 0 ? ms : 0;
}

/* An answer for slot i: status, responder, rtt, reply ttl. */
static void
answer(struct pp_engine *e, int i, enum pp_status st, const struct sockaddr
    *from, const struct timespec *rx, int reply_ttl, int code,
    const struct pp_pkt_info *info)
{
	struct slot *s = &e->slots[i];
	double ms = rtt_ms(s, rx);

	if (ms > e->o.timeout * 1000.0) {
		e->late++;	/* its timeout passes in a moment */
		return;
	}
	s->r.status = st;
	s->r.rtt = ms;
	s->r.reply_ttl = reply_ttl;
	if (code >= 0 && st == PP_ST_UNREACHABLE)
		s->r.code = code;
	if (from != NULL)
		addr_text(from, s->r.from, sizeof(s->r.from));
	if (info != NULL && info->nmpls > 0) {
		s->r.nmpls = info->nmpls;
		memcpy(s->r.mpls, info->mpls, sizeof(info->mpls));
	}
	finish(e, i);
}

static bool
same_addr(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)(const void *)a)->
		    sin_addr, &((const struct sockaddr_in *)(const void *)b)->
		    sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->
	    sin6_addr, &((const struct sockaddr_in6 *)(const void *)b)->
	    sin6_addr, 16) == 0;
}

/* Map an ICMP error (of an error queue, or read from a raw socket) to a
 * status for slot i. */
static void
icmp_error(struct pp_engine *e, int i, const struct pp_net_msg *m,
    const struct pp_pkt_info *info)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	bool exceeded = v6 ? m->type == ICMP6_TIME_EXCEEDED :
	    m->type == ICMP_TIME_EXCEEDED;
	bool unreach = v6 ? m->type == ICMP6_DST_UNREACH :
	    m->type == ICMP_DEST_UNREACH;
	const struct sockaddr *from = (const struct sockaddr *)&m->offender;

	if (exceeded) {
		answer(e, i, PP_ST_TTL_EXPIRED, from, &m->rx, m->ttl, -1,
		    info);
	} else if (unreach) {
		/* Port unreachable from the destination: it answered. */
		bool port = v6 ? m->code == ICMP6_DST_UNREACH_NOPORT :
		    m->code == ICMP_PORT_UNREACH;
		if (same_addr(from, &s->dst) && port)
			answer(e, i, PP_ST_REPLY, from, &m->rx, m->ttl, -1,
			    info);
		else
			answer(e, i, PP_ST_UNREACHABLE, from, &m->rx, m->ttl,
			    m->code, info);
	}
}

/* The in-flight probe whose payload this is, or -1. */
static int
by_payload(struct pp_engine *e, const struct pp_pkt_payload *pl)
{
	if (pl->tag != e->tag)
		return -1;
	int i = e->by_seq16[(uint16_t)pl->seq] - 1;
	if (i < 0 || !e->slots[i].used || e->slots[i].seq != pl->seq)
		return -1;
	return i;
}

/* The Paris TCP probe that a SYN-ACK or RST acknowledges, or an ICMP
 * error quotes (by its sequence number and ports), or -1. */
static int
by_tcp_seq(struct pp_engine *e, uint32_t seq, uint16_t sport, uint16_t dport)
{
	if ((seq & 0xffff0000u) != (e->tag & 0xffff0000u))
		return -1;
	int i = e->by_seq16[seq & 0xffff] - 1;
	if (i < 0 || !e->slots[i].used || !e->slots[i].rawtcp ||
	    e->slots[i].sport != sport || dport != (uint16_t)e->o.port)
		return -1;
	return i;
}

/* An ICMP datagram socket's error queue: errors quoting our echo
 * requests. */
static void
icmp_errqueue(struct pp_engine *e, int fd, bool v6)
{
	for (int k = 0; k < 256; k++) {
		struct pp_net_msg m;
		if (pp_net_recv_err(fd, e->buf, sizeof(e->buf), &m) == -1)
			return;
		if (!m.err)
			continue;
		struct pp_pkt_info in;
		if (pp_pkt_parse(e->buf, m.len, v6, false, &in) == 0 &&
		    in.has_payload && in.payload.tag == e->tag) {
			int i = e->by_seq16[(uint16_t)in.payload.seq] - 1;
			if (i >= 0 && e->slots[i].used &&
			    e->slots[i].seq == in.payload.seq)
				icmp_error(e, i, &m, NULL);
		}
	}
}

/* The shared ICMP socket of family fam has something. */
static void
icmp_readable(struct pp_engine *e, int fam)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->icmp6 : e->net->icmp4;
	bool raw = v6 ? e->net->raw6 : e->net->raw4;

	for (int k = 0; k < 256; k++) {
		struct pp_net_msg m;
		if (pp_net_recv(fd, e->buf, sizeof(e->buf), &m) == -1) {
			/* Datagram sockets: errors in the queue. */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				icmp_errqueue(e, fd, v6);
			return;
		}
		const struct sockaddr *from = (struct sockaddr *)&m.from;
		struct pp_pkt_info in;
		if (pp_pkt_parse(e->buf, m.len, v6, raw && !v6, &in) == -1)
			continue;
		if (in.reply_ttl < 0)
			in.reply_ttl = m.ttl;
		/* Errors quoting UDP, or TCP of the kernel, come through
		 * those sockets; errors quoting our own SYNs, here. */
		if (in.quoted_proto == 6 && (v6 ? e->rawtcp6 : e->rawtcp4) &&
		    in.kind != PP_PKT_ECHO_REPLY) {
			int j = by_tcp_seq(e, in.tcp_seq, in.sport, in.dport);
			if (j < 0)
				continue;
			if (in.kind == PP_PKT_TIME_EXCEEDED)
				answer(e, j, PP_ST_TTL_EXPIRED, from, &m.rx,
				    in.reply_ttl, -1, &in);
			else
				answer(e, j, PP_ST_UNREACHABLE, from, &m.rx,
				    in.reply_ttl, in.code, &in);
			continue;
		}
		/* Paris UDP: the error quotes our payload (and may carry
		 * MPLS labels, which the socket's error queue does not). */
		if (in.quoted_proto == 17 && e->o.proto == PP_UDP &&
		    e->o.paris && in.has_payload && in.kind !=
		    PP_PKT_ECHO_REPLY) {
			int j = by_payload(e, &in.payload);
			if (j < 0)
				continue;
			struct pp_net_msg em = m;
			em.err = true;
			em.ttl = in.reply_ttl;
			em.code = in.code;
			em.type = in.kind == PP_PKT_TIME_EXCEEDED ?
			    (v6 ? ICMP6_TIME_EXCEEDED : ICMP_TIME_EXCEEDED) :
			    (v6 ? ICMP6_DST_UNREACH : ICMP_DEST_UNREACH);
			memcpy(&em.offender, &m.from, sizeof(m.from));
			icmp_error(e, j, &em, &in);
			continue;
		}
		if (in.quoted_proto != (v6 ? 58 : 1))
			continue;
		/* Ours?  Raw sockets see every ICMP message of the host. */
		if (raw && in.echo_id != e->echo_id)
			continue;
		int i = e->by_seq16[in.echo_seq] - 1;
		if (i < 0 || !e->slots[i].used) {
			if (in.kind == PP_PKT_ECHO_REPLY && in.has_payload &&
			    in.payload.tag == e->tag)
				e->late++;
			continue;
		}
		struct slot *s = &e->slots[i];
		if (in.has_payload && (in.payload.tag != e->tag ||
		    in.payload.seq != s->seq))
			continue;
		if (in.kind == PP_PKT_ECHO_REPLY)
			answer(e, i, PP_ST_REPLY, from, &m.rx, in.reply_ttl, -1,
			    &in);
		else if (in.kind == PP_PKT_TIME_EXCEEDED)
			answer(e, i, PP_ST_TTL_EXPIRED, from, &m.rx,
			    in.reply_ttl, -1, &in);
		else if (in.kind == PP_PKT_UNREACH)
			answer(e, i, PP_ST_UNREACHABLE, from, &m.rx,
			    in.reply_ttl, in.code, &in);
	}
}

/* A per-probe TCP socket is connected, refused or failed. */
static void
tcp_event(struct pp_engine *e, int i, uint32_t events)
{
	struct slot *s = &e->slots[i];

	if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		return;
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	(void)getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	if (soerr == EINPROGRESS || soerr == EALREADY)
		return;
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	bool have_ti = getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti,
	    &tl) == 0;
	double ms = rtt_ms(s, NULL);
	if (soerr == 0 && have_ti && ti.tcpi_rtt > 0)
		ms = ti.tcpi_rtt / 1000.0;	/* the handshake */
	if (soerr == 0 || soerr == ECONNREFUSED) {
		/* SYN-ACK or RST: the destination answered, unless the
		 * kernel had to resend the SYN (loss, not a slow answer). */
		if (have_ti && (ti.tcpi_total_retrans > 0 ||
		    ti.tcpi_retransmits > 0)) {
			s->r.late = rtt_ms(s, NULL);
			s->r.status = PP_ST_TIMEOUT;
			finish(e, i);
			return;
		}
		s->r.conn = soerr == 0 ? PP_CONN_OPEN : PP_CONN_REFUSED;
		s->r.status = PP_ST_REPLY;
		s->r.rtt = ms;
		addr_text((struct sockaddr *)&s->dst, s->r.from,
		    sizeof(s->r.from));
		finish(e, i);
		return;
	}
	s->r.status = soerr == ETIMEDOUT ? PP_ST_TIMEOUT : PP_ST_UNREACHABLE;
	s->r.errnum = soerr;
	if (s->r.status == PP_ST_UNREACHABLE)
		(void)snprintf(s->r.err, sizeof(s->r.err), "%s",
		    strerror(soerr));
	finish(e, i);
}

/* A per-probe UDP or TCP socket has something. */
static void
sock_event(struct pp_engine *e, int i, uint32_t events)
{
	struct slot *s = &e->slots[i];
	struct pp_net_msg m;

	if (!s->used)
		return;
	if (pp_net_recv_err(s->fd, e->buf, sizeof(e->buf), &m) == 0 &&
	    m.err && m.origin != SO_EE_ORIGIN_LOCAL) {
		icmp_error(e, i, &m, NULL);
		return;
	}
	if (s->tcp) {
		tcp_event(e, i, events);
		return;
	}
	/* UDP: an answer from the destination is a reply. */
	if ((events & EPOLLIN) && pp_net_recv(s->fd, e->buf, sizeof(e->buf),
	    &m) == 0)
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&m.from, &m.rx,
		    m.ttl, -1, NULL);
}

/* A flow socket has errors (ICMP, quoting one of its probes) or data. */
static void
flow_event(struct pp_engine *e, int k)
{
	if (k < 0 || k >= e->flows.n)
		return;
	int fd = pp_flowtab_at(&e->flows, k)->fd;
	for (int n = 0; n < 256; n++) {
		struct pp_net_msg m;
		struct pp_pkt_payload pl;
		if (pp_net_recv_err(fd, e->buf, sizeof(e->buf), &m) == -1)
			break;
		if (!m.err || m.origin == SO_EE_ORIGIN_LOCAL)
			continue;
		int i = pp_pkt_payload(e->buf, m.len, &pl) ?
		    by_payload(e, &pl) : -1;
		if (i >= 0)
			icmp_error(e, i, &m, NULL);
	}
	for (int n = 0; n < 256; n++) {
		struct pp_net_msg m;
		if (pp_net_recv(fd, e->buf, sizeof(e->buf), &m) == -1)
			break;
		/* A UDP answer counts when it echoes our payload. */
		struct pp_pkt_payload pl;
		int i = pp_pkt_payload(e->buf, m.len, &pl) ?
		    by_payload(e, &pl) : -1;
		if (i < 0 || !same_addr((struct sockaddr *)&m.from,
		    &e->slots[i].dst))
			continue;
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&m.from, &m.rx,
		    m.ttl, -1, NULL);
	}
}

/* A raw TCP socket has segments: answers of destinations. */
static void
tcp_readable(struct pp_engine *e, int fam)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->tcp6 : e->net->tcp4;

	for (int k = 0; k < 256; k++) {
		struct pp_net_msg m;
		if (pp_net_recv(fd, e->buf, sizeof(e->buf), &m) == -1)
			return;
		struct pp_pkt_tcp tp;
		if (pp_pkt_tcp_parse(e->buf, m.len, !v6, &tp) == -1)
			continue;
		bool synack = (tp.flags & (PP_TCP_SYN | PP_TCP_ACK)) ==
		    (PP_TCP_SYN | PP_TCP_ACK);
		if (!synack && !(tp.flags & PP_TCP_RST))
			continue;
		int i = by_tcp_seq(e, tp.ack - 1, tp.dport, tp.sport);
		if (i < 0 || !same_addr((struct sockaddr *)&m.from,
		    &e->slots[i].dst))
			continue;
		e->slots[i].r.conn = synack ? PP_CONN_OPEN : PP_CONN_REFUSED;
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&m.from, &m.rx,
		    tp.ttl >= 0 ? tp.ttl : m.ttl, -1, NULL);
	}
}

/* Claim the 16-bit sequence of slot i for matching (ICMP and Paris
 * UDP): 65536 probes in flight, the oldest with it times out now. */
static void
claim_seq16(struct pp_engine *e, int i)
{
	struct slot *s = &e->slots[i];

	if (e->by_seq16[s->seq16] != 0) {
		int old = e->by_seq16[s->seq16] - 1;
		e->by_seq16[s->seq16] = 0;
		if (e->slots[old].used)
			finish(e, old);
	}
	e->by_seq16[s->seq16] = i + 1;
}

/* The flow socket of (dst, flow) for proto, opened on first use (a UDP
 * one watched for errors and answers).  Returns it, or NULL with errno. */
static struct pp_flowsock *
flow_socket(struct pp_engine *e, int proto, const struct sockaddr *dst,
    long long flow)
{
	struct pp_flowkey k;
	bool udp = proto == IPPROTO_UDP;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.family = dst->sa_family;
	pp_flowkey_addr(dst, k.dst);
	if (e->o.source != NULL && e->o.source->sa_family == dst->sa_family)
		pp_flowkey_addr(e->o.source, k.src);
	k.mark = e->o.mark;
	k.flow = flow;
	struct pp_flowsock_opts fo = { .iface = e->o.iface, .tos = e->o.tos,
	    .recv = udp, .route_src = !udp };
	bool opened;
	int i = pp_flowtab_open(&e->flows, &k, &fo, &opened);
	if (i < 0)
		return NULL;
	struct pp_flowsock *f = pp_flowtab_at(&e->flows, i);
	if (opened && udp)
		(void)pp_evloop_add(&e->loop, f->fd, EPOLLIN | EPOLLERR,
		    TAG_FLOW | (uint64_t)i);
	return f;
}

/* The data bytes after the 8-byte ICMP or UDP header of a probe over
 * IPv6 (v6) or IPv4 (engine.h: size, size_ip). */
static size_t
probe_data(const struct pp_engine *e, bool v6, bool icmp)
{
	long d = icmp ? 56 : PP_ENGINE_DATA_MIN;

	if (e->o.size > 0)
		d = e->o.size_ip ? (long)e->o.size - (v6 ? PP_ENGINE_HDR6 :
		    PP_ENGINE_HDR4) : (long)e->o.size;
	if (d < PP_ENGINE_DATA_MIN)
		d = PP_ENGINE_DATA_MIN;
	if (d > 65535 - PP_ENGINE_HDR4)
		d = 65535 - PP_ENGINE_HDR4;
	return (size_t)d;
}

/* Paris UDP: one datagram through the flow's socket, the TTL set for
 * this packet alone. */
static int
send_flow_udp(struct pp_engine *e, int i, const struct sockaddr *dst,
    socklen_t dlen, int ttl, long long flow, const struct pp_pkt_payload *pl)
{
	struct slot *s = &e->slots[i];
	bool v6 = dst->sa_family == AF_INET6;
	struct pp_flowsock *f = flow_socket(e, IPPROTO_UDP, dst, flow);

	if (f == NULL)
		return errno;
	claim_seq16(e, i);
	size_t n = probe_data(e, v6, false);
	if (pp_pkt_echo(e->buf, sizeof(e->buf), false, 0, 0, pl, n + 8,
	    e->o.fill) == 0)
		return EMSGSIZE;
	s->r.size = (int)n + (v6 ? PP_ENGINE_HDR6 : PP_ENGINE_HDR4);
	struct sockaddr_storage to;
	memcpy(&to, dst, dlen);
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port =
		    htons((uint16_t)e->o.port);
	else
		((struct sockaddr_in *)&to)->sin_port =
		    htons((uint16_t)e->o.port);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct iovec iov = { e->buf + 8, n };
	struct msghdr m = { .msg_name = &to, .msg_namelen = dlen,
	    .msg_iov = &iov, .msg_iovlen = 1 };
	int t = ttl > 0 ? ttl : 64;
	memset(&cb, 0, sizeof(cb));
	m.msg_control = cb.buf;
	m.msg_controllen = sizeof(cb.buf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &t, sizeof(t));
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	if (sendmsg(f->fd, &m, 0) < 0)
		return errno;
	return 0;
}

/* Set the TTL of shared socket fd (k: its index in net->ttl_set) for the
 * next packet, unless it has it already. */
static void
shared_ttl(struct pp_engine *e, int k, int fd, bool v6, int ttl)
{
	int t = ttl > 0 ? ttl : 64;

	if (e->net->ttl_set[k] == t)
		return;
	if (pp_net_set_ttl(fd, v6 ? AF_INET6 : AF_INET, t) == 0)
		e->net->ttl_set[k] = t;
}

/* Paris TCP: the sequence number of slot i's SYN: the run tag's high
 * half, and the 16-bit sequence. */
static uint32_t
syn_seq(const struct pp_engine *e, const struct slot *s)
{
	return (e->tag & 0xffff0000u) | s->seq16;
}

static int
send_raw_tcp(struct pp_engine *e, int i, const struct sockaddr *dst,
    socklen_t dlen, int ttl, long long flow)
{
	struct slot *s = &e->slots[i];
	bool v6 = dst->sa_family == AF_INET6;
	int fd = v6 ? e->net->tcp6 : e->net->tcp4;
	struct pp_flowsock *f = flow_socket(e, IPPROTO_TCP, dst, flow);

	if (f == NULL)
		return errno;
	claim_seq16(e, i);
	s->rawtcp = true;
	s->sport = f->port;
	unsigned char d[16];
	pp_flowkey_addr(dst, d);
	size_t n = pp_pkt_tcp_syn(e->buf, sizeof(e->buf), v6, f->src, d,
	    f->port, (uint16_t)e->o.port, syn_seq(e, s));
	shared_ttl(e, v6 ? 3 : 2, fd, v6, ttl);
	struct sockaddr_storage to;
	memcpy(&to, dst, dlen);	/* port 0: raw sockets take none */
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	s->r.size = (int)n + (v6 ? 40 : 20);
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	if (sendto(fd, e->buf, n, 0, (struct sockaddr *)&to, dlen) < 0)
		return errno;
	return 0;
}

static void
send_failed(struct pp_engine *e, int i, int err)
{
	struct slot *s = &e->slots[i];

	s->r.status = PP_ST_ERROR;
	s->r.errnum = err;
	(void)snprintf(s->r.err, sizeof(s->r.err), "%s", strerror(err));
	finish(e, i);
}

/* A probe through a socket of its own (UDP, or TCP connect). */
static int
send_own_socket(struct pp_engine *e, int i, const struct sockaddr *dst,
    socklen_t dlen, int ttl, const struct pp_pkt_payload *pl)
{
	struct slot *s = &e->slots[i];
	int fam = dst->sa_family;
	bool v6 = fam == AF_INET6;
	bool tcp = s->tcp;
	int fd = socket(fam, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	s->fd = fd;
	sock_opts(e, fd, fam);
	if (ttl > 0)
		(void)pp_net_set_ttl(fd, fam, ttl);
	if (tcp) {
		int syncnt = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &syncnt,
		    sizeof(syncnt));
	}
	if (e->o.source != NULL && e->o.source->sa_family == fam)
		(void)bind(fd, e->o.source, e->o.source_len);
	struct sockaddr_storage to;
	memcpy(&to, dst, dlen);
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port =
		    htons((uint16_t)e->o.port);
	else
		((struct sockaddr_in *)&to)->sin_port =
		    htons((uint16_t)e->o.port);
	(void)pp_evloop_add(&e->loop, fd, EPOLLIN | EPOLLERR |
	    (tcp ? EPOLLOUT : 0), TAG_FD | (uint64_t)i);
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	if (tcp) {
		s->r.size = -1;
		if (connect(fd, (struct sockaddr *)&to, dlen) < 0 &&
		    errno != EINPROGRESS)
			return errno;
		return 0;
	}
	size_t n = probe_data(e, v6, false);
	size_t k = pp_pkt_echo(e->buf, sizeof(e->buf), false, 0, 0, pl, n + 8,
	    e->o.fill);
	s->r.size = (int)n + (v6 ? PP_ENGINE_HDR6 : PP_ENGINE_HDR4);
	if (k == 0)
		return EMSGSIZE;
	if (connect(fd, (struct sockaddr *)&to, dlen) < 0 ||
	    send(fd, e->buf + 8, n, 0) < 0)
		return errno;
	return 0;
}

int
pp_engine_send(struct pp_engine *e, const struct sockaddr *dst,
    socklen_t dlen, int ttl, long long round, long long flow,
    unsigned long long seq, const char *target, void *user)
{
	if (e->nfree == 0)
		return -1;
	int i = e->free_slots[--e->nfree];
	struct slot *s = &e->slots[i];
	int fam = dst->sa_family;
	bool v6 = fam == AF_INET6;

	s->used = true;
	s->fd = -1;
	s->family = fam;
	memcpy(&s->dst, dst, dlen);
	s->dlen = dlen;
	s->seq = seq;
	s->seq16 = (uint16_t)seq;
	s->rawtcp = false;
	s->tcp = e->o.proto == PP_TCP;
	s->sport = 0;
	s->sent_rt = 0;
	memset(&s->r, 0, sizeof(s->r));
	struct pp_engine_result *r = &s->r;
	r->user = user;
	r->target = target;
	r->seq = (long long)seq;
	r->round = round;
	r->flow = flow;
	r->ttl = ttl;
	r->reply_ttl = r->code = r->port = r->size = -1;
	r->rtt = NAN;
	r->status = PP_ST_TIMEOUT;
	addr_text(dst, r->dst, sizeof(r->dst));
	e->inflight++;
	e->dl[(e->dl_head + e->dl_len) % e->nslots] = (struct deadline){
	    .at = 0, .slot = i, .gen = s->gen };
	struct deadline *d = &e->dl[(e->dl_head + e->dl_len) % e->nslots];
	e->dl_len++;

	struct pp_pkt_payload pl = { .tag = e->tag, .seq = seq };
	int err = 0;
	if (e->o.proto == PP_ICMP) {
		r->proto = "icmp";
		int fd = v6 ? e->net->icmp6 : e->net->icmp4;
		if (fd < 0) {
			err = EAFNOSUPPORT;
		} else {
			claim_seq16(e, i);
			size_t n = pp_pkt_echo(e->buf, sizeof(e->buf), v6,
			    e->echo_id, s->seq16, &pl, 8 + probe_data(e, v6,
			    true), e->o.fill);
			if (e->o.paris && flow >= 0)
				(void)pp_pkt_echo_hold(e->buf, n, v6,
				    (uint16_t)(0x0101u * (unsigned)(flow %
				    253 + 1)));
			r->size = (int)n + (v6 ? 40 : 20);
			shared_ttl(e, v6 ? 1 : 0, fd, v6, ttl);
			s->sent_rt = realtime();
			s->sent_mono = pp_mono_ns();
			if (sendto(fd, e->buf, n, 0, dst, dlen) < 0)
				err = errno;
		}
	} else if (e->o.proto == PP_TCP && e->o.paris && (v6 ? e->rawtcp6 :
	    e->rawtcp4)) {
		r->proto = "tcp";
		r->port = e->o.port;
		err = send_raw_tcp(e, i, dst, dlen, ttl, flow < 0 ? 0 : flow);
	} else if (e->o.proto == PP_UDP && e->o.paris) {
		r->proto = "udp";
		r->port = e->o.port;
		err = send_flow_udp(e, i, dst, dlen, ttl, flow < 0 ? 0 : flow,
		    &pl);
	} else {
		r->proto = s->tcp ? "tcp" : "udp";
		r->port = e->o.port;
		err = send_own_socket(e, i, dst, dlen, ttl, &pl);
	}
	if (s->sent_rt == 0) {
		s->sent_rt = realtime();
		s->sent_mono = pp_mono_ns();
	}
	d->at = s->sent_mono + (long long)(e->o.timeout * 1e9);
	r->ts = s->sent_rt;
	if (err != 0)
		send_failed(e, i, err);
	return 0;
}

/* Hand what the loop reported to its handler. */
static void
dispatch(struct pp_engine *e, const struct epoll_event *ev, int n)
{
	for (int k = 0; k < n; k++) {
		uint64_t u = ev[k].data.u64;
		if (u & TAG_FLOW)
			flow_event(e, (int)(u & 0xffffffffu));
		else if (u & TAG_FD)
			sock_event(e, (int)(u & 0xffffffffu), ev[k].events);
		else if (u >= 2)
			tcp_readable(e, (int)u - 2);
		else
			icmp_readable(e, (int)u);
	}
}

/* Drop deadlines of probes already finished from the head of the ring. */
static void
skip_stale(struct pp_engine *e)
{
	while (e->dl_len > 0) {
		const struct deadline *d = &e->dl[e->dl_head];
		const struct slot *s = &e->slots[d->slot];
		if (s->used && s->gen == d->gen)
			return;
		e->dl_head = (e->dl_head + 1) % e->nslots;
		e->dl_len--;
	}
}

/* Before timeouts are taken at now: while the oldest probe in flight is
 * due, read what is ready (each round reads up to 256 messages a socket).
 * Returns 0, or -1 when epoll failed. */
static int
read_before_expiry(struct pp_engine *e, long long now)
{
	struct epoll_event ev[PP_EVLOOP_MAX];

	for (int round = 0; round < 64; round++) {
		skip_stale(e);
		if (e->dl_len == 0 || e->dl[e->dl_head].at > now)
			return 0;
		int n = pp_evloop_poll(&e->loop, ev, PP_EVLOOP_MAX);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		dispatch(e, ev, n);
	}
	return 0;
}

/* Time out every probe due at now, in send order. */
static void
expire(struct pp_engine *e, long long now)
{
	for (;;) {
		skip_stale(e);
		if (e->dl_len == 0 || e->dl[e->dl_head].at > now)
			return;
		int i = e->dl[e->dl_head].slot;
		e->dl_head = (e->dl_head + 1) % e->nslots;
		e->dl_len--;
		finish(e, i);	/* status timeout */
	}
}

void
pp_engine_expire(struct pp_engine *e)
{
	(void)read_before_expiry(e, LLONG_MAX);
	expire(e, LLONG_MAX);
}

int
pp_engine_run(struct pp_engine *e, long long until_ns)
{
	struct epoll_event ev[PP_EVLOOP_MAX];

	for (;;) {
		long long now = pp_mono_ns();
		/* Timeouts, in send order; but first the answers that are
		 * ready, so that one that waited in a socket while the process
		 * was held up (a slow disk, the scheduler) is never taken for
		 * a timeout. */
		if (read_before_expiry(e, now) == -1)
			return -1;
		expire(e, now);
		if (e->yield) {
			e->yield = false;
			return 0;
		}
		skip_stale(e);
		long long wake = until_ns;
		if (e->dl_len > 0 && e->dl[e->dl_head].at < wake)
			wake = e->dl[e->dl_head].at;
		/* Past the end: one look at what is ready, then return. */
		bool last = now >= until_ns;
		bool due;
		int n = pp_evloop_wait(&e->loop, ev, PP_EVLOOP_MAX, now,
		    last ? now : wake, wake == until_ns && !last, &due);
		if (n < 0)
			return errno == EINTR ? 0 : -1;
		dispatch(e, ev, n);
		if (last || e->yield || due) {
			e->yield = false;
			return 0;
		}
	}
}
