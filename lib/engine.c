/* engine.c: the probing engine (see engine.h). */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include "lib/jsonw.h"
#include "lib/pace.h"

#define TAG_FD 0x100000000ULL	/* epoll data: a per-probe socket */
#define TAG_FLOW 0x200000000ULL	/* epoll data: a flow socket */

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
	struct pp_engine_result r;
};

/* Paris UDP: the socket of one (destination, flow), kept for the run, so
 * that every probe of the flow has one source port. */
struct fsock {
	int fd;			/* -1: free entry of the table; Paris TCP:
				 * a bound TCP socket holding the port */
	int family;
	unsigned char addr[16];	/* destination address */
	long long flow;
	uint16_t port;		/* Paris TCP: the flow's source port */
	unsigned char src[16];	/* Paris TCP: the source address */
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
	int ep;			/* epoll */
	struct slot *slots;
	int nslots;
	int *free_slots;
	int nfree;
	int inflight;
	int by_seq16[65536];	/* ICMP: slot + 1 by 16-bit sequence */
	struct deadline *dl;	/* ring */
	int dl_head, dl_len;
	struct fsock *fs;	/* flow sockets: open-addressed table */
	int nfs;		/* its size (a power of two, or 0) */
	int fs_used;		/* entries in use */
	bool rawtcp4, rawtcp6;	/* Paris TCP through net's raw sockets */
	bool yield;		/* pp_engine_run returns after this batch */
	uint16_t echo_id;	/* raw sockets: our identifier */
	uint32_t tag;		/* payload run tag */
	unsigned long late;
	struct pp_pace pace;	/* pp_engine_run ends at its time */
	unsigned char buf[65536];
};

static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
sock_opts(struct pp_engine *e, int fd, int family)
{
	int on = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (family == AF_INET) {
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
		if (e->o.tos >= 0)
			(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &e->o.tos,
			    sizeof(e->o.tos));
	} else {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on,
		    sizeof(on));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
		    sizeof(on));
		if (e->o.tos >= 0)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS,
			    &e->o.tos, sizeof(e->o.tos));
	}
	if (e->o.mark != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_MARK, &e->o.mark,
		    sizeof(e->o.mark));
	if (e->o.iface != NULL)
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, e->o.iface,
		    (socklen_t)strlen(e->o.iface));
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
	e->slots = calloc((size_t)e->nslots, sizeof(*e->slots));
	e->free_slots = calloc((size_t)e->nslots, sizeof(int));
	e->dl = calloc((size_t)e->nslots, sizeof(*e->dl));
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (e->slots == NULL || e->free_slots == NULL || e->dl == NULL ||
	    e->ep == -1) {
		pp_error_set(err, "cannot set up the engine: %s",
		    strerror(errno));
		pp_engine_free(e);
		return NULL;
	}
	/* Slots are set up when taken (fd too): memory is touched only as
	 * far as probes are really in flight. */
	for (int i = 0; i < e->nslots; i++)
		e->free_slots[e->nfree++] = e->nslots - 1 - i;
	e->echo_id = (uint16_t)(getpid() ^ (uint16_t)mono());
	e->tag = (uint32_t)(mono() ^ ((unsigned long long)getpid() << 16));
	/* Waits end on time: no timer slack, and a spin of at most 5 % of
	 * the time (1 ms a time) before the end the caller gives. */
	(void)pp_pace_tight_timers();
	pp_pace_init(&e->pace, e->o.lax ? 0 : 0.05, 1000000);
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
		struct epoll_event ev = { .events = EPOLLIN,
		    .data.u64 = (uint64_t)i };
		(void)epoll_ctl(e->ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	/* Paris TCP: SYNs of our own through raw TCP sockets, answers (SYN-ACK,
	 * RST) read from them; without them, the kernel's connect. */
	if (o->proto == PP_TCP && o->paris && n != NULL) {
		int tfd[2] = { n->tcp4, n->tcp6 };
		for (int i = 0; i < 2; i++) {
			if (tfd[i] < 0)
				continue;
			sock_opts(e, tfd[i], i == 0 ? AF_INET : AF_INET6);
			struct epoll_event ev = { .events = EPOLLIN,
			    .data.u64 = (uint64_t)(2 + i) };
			if (epoll_ctl(e->ep, EPOLL_CTL_ADD, tfd[i], &ev) == 0) {
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
	for (int i = 0; i < e->nfs; i++)
		if (e->fs[i].fd >= 0)
			close(e->fs[i].fd);
	free(e->fs);
	if (e->ep >= 0)
		close(e->ep);
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
	return e->ep;
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
pp_engine_write(struct pp_jw *w, const struct pp_engine_result *r)
{
	pp_probe_write(w, &r->p);
	if (isnan(r->late) && r->nmpls == 0)
		return;
	/* The optional fields: reopen the object. */
	w->len--;
	w->depth = 1;
	if (!isnan(r->late))
		pp_jw_knum(w, "late", r->late, PP_DEC_MS);
	if (r->nmpls > 0) {
		pp_jw_key(w, "mpls");
		pp_jw_arr_begin(w);
		for (int i = 0; i < r->nmpls; i++) {
			pp_jw_obj_begin(w);
			pp_jw_kint(w, "label", r->mpls[i].label);
			pp_jw_kint(w, "tc", r->mpls[i].tc);
			pp_jw_kint(w, "s", r->mpls[i].s);
			pp_jw_kint(w, "ttl", r->mpls[i].ttl);
			pp_jw_obj_end(w);
		}
		pp_jw_arr_end(w);
	}
	pp_jw_end(w);
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
		(void)epoll_ctl(e->ep, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->fd = -1;
	} else if (e->by_seq16[s->seq16] == i + 1) {
		e->by_seq16[s->seq16] = 0;
	}
	s->used = false;
	s->gen++;
	e->inflight--;
	e->free_slots[e->nfree++] = i;
	s->r.p.target = s->r.p.target;
	s->r.p.dst = s->r.dst;
	if (s->r.from[0] != '\0')
		s->r.p.from = s->r.from;
	if (s->r.err[0] != '\0')
		s->r.p.err = s->r.err;
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
	ms = (double)(mono() - s->sent_mono) / 1e6;
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
	s->r.p.status = st;
	s->r.p.rtt = ms;
	s->r.p.reply_ttl = reply_ttl;
	if (code >= 0 && st == PP_ST_UNREACHABLE)
		s->r.p.code = code;
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

/* cmsg: receive stamp and reply TTL. */
static void
control(struct msghdr *m, struct timespec *rx, int *ttl)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL;
	    c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(rx, CMSG_DATA(c), sizeof(*rx));
		else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type ==
		    IP_TTL) || (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(ttl, CMSG_DATA(c), sizeof(*ttl));
	}
}

/* One datagram of fd into e->buf, with its sender, the kernel's receive
 * stamp (zero when missing) and its TTL (-1 unknown).  Returns its
 * length, or -1 with errno (EAGAIN: nothing more). */
static ssize_t
recv_one(struct pp_engine *e, int fd, struct sockaddr_storage *from,
    struct timespec *rx, int *ttl)
{
	char cbuf[512];
	struct iovec iov = { e->buf, sizeof(e->buf) };
	struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from),
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	    .msg_controllen = sizeof(cbuf) };

	rx->tv_sec = 0;
	rx->tv_nsec = 0;
	*ttl = -1;
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n >= 0)
		control(&m, rx, ttl);
	return n;
}

/* An error-queue message (IP_RECVERR): the ICMP error, its sender, and
 * what we sent (for ICMP datagram sockets, our echo request). */
struct errmsg {
	bool ok;
	int type, code;
	int origin;
	struct sockaddr_storage offender;
	struct timespec rx;
	int ttl;
	size_t len;		/* bytes of our packet in e->buf */
};

static void
read_error(struct pp_engine *e, int fd, struct errmsg *em)
{
	char cbuf[512];
	struct iovec iov = { e->buf, sizeof(e->buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

	memset(em, 0, sizeof(*em));
	em->ttl = -1;
	ssize_t n = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (n < 0)
		return;
	em->len = (size_t)n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
	    c = CMSG_NXTHDR(&m, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type ==
		    IP_RECVERR) || (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			em->ok = true;
			em->origin = ee.ee_origin;
			em->type = ee.ee_type;
			em->code = ee.ee_code;
			const unsigned char *off = CMSG_DATA(c) + sizeof(ee);
			memcpy(&em->offender, off, sizeof(struct sockaddr_in6));
		} else if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&em->rx, CMSG_DATA(c), sizeof(em->rx));
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type ==
		    IP_TTL) || (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&em->ttl, CMSG_DATA(c), sizeof(em->ttl));
		}
	}
}

/* Map an ICMP error to a status for slot i. */
static void
icmp_error(struct pp_engine *e, int i, const struct errmsg *em,
    const struct pp_pkt_info *info)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	bool exceeded = v6 ? em->type == ICMP6_TIME_EXCEEDED :
	    em->type == ICMP_TIME_EXCEEDED;
	bool unreach = v6 ? em->type == ICMP6_DST_UNREACH :
	    em->type == ICMP_DEST_UNREACH;
	const struct sockaddr *from = (const struct sockaddr *)&em->offender;
	bool from_dst = same_addr(from, &s->dst);

	if (exceeded) {
		answer(e, i, PP_ST_TTL_EXPIRED, from, &em->rx, em->ttl, -1,
		    info);
	} else if (unreach) {
		/* Port unreachable from the destination: it answered. */
		bool port = v6 ? em->code == ICMP6_DST_UNREACH_NOPORT :
		    em->code == ICMP_PORT_UNREACH;
		if (from_dst && (port || s->r.p.proto == NULL ||
		    strcmp(s->r.p.proto, "icmp") != 0) && port)
			answer(e, i, PP_ST_REPLY, from, &em->rx, em->ttl, -1,
			    info);
		else
			answer(e, i, PP_ST_UNREACHABLE, from, &em->rx, em->ttl,
			    em->code, info);
	}
}

static int by_tcp_seq(struct pp_engine *e, uint32_t seq, uint16_t sport,
    uint16_t dport);
static int by_payload(struct pp_engine *e, const struct pp_pkt_payload *pl);

/* The shared ICMP socket of family fam has something. */
static void
icmp_readable(struct pp_engine *e, int fam)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->icmp6 : e->net->icmp4;
	bool raw = v6 ? e->net->raw6 : e->net->raw4;

	for (int k = 0; k < 256; k++) {
		struct sockaddr_storage from;
		struct timespec rx;
		int ttl;
		ssize_t n = recv_one(e, fd, &from, &rx, &ttl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* Datagram sockets: errors in the queue. */
				struct errmsg em;
				read_error(e, fd, &em);
				if (!em.ok)
					return;
				struct pp_pkt_info in;
				if (pp_pkt_parse(e->buf, em.len, v6, false,
				    &in) == 0 && in.has_payload &&
				    in.payload.tag == e->tag) {
					int i = e->by_seq16[(uint16_t)
					    in.payload.seq] - 1;
					if (i >= 0 && e->slots[i].used &&
					    e->slots[i].seq == in.payload.seq)
						icmp_error(e, i, &em, NULL);
				}
				continue;
			}
			return;
		}
		struct pp_pkt_info in;
		if (pp_pkt_parse(e->buf, (size_t)n, v6, raw && !v6, &in) == -1)
			continue;
		/* Errors quoting UDP, or TCP of the kernel, come through
		 * those sockets; errors quoting our own SYNs, here. */
		if (in.quoted_proto == 6 && (v6 ? e->rawtcp6 : e->rawtcp4) &&
		    in.kind != PP_PKT_ECHO_REPLY) {
			int j = by_tcp_seq(e, in.tcp_seq, in.sport, in.dport);
			if (j < 0)
				continue;
			if (in.reply_ttl < 0)
				in.reply_ttl = ttl;
			if (in.kind == PP_PKT_TIME_EXCEEDED)
				answer(e, j, PP_ST_TTL_EXPIRED, (struct sockaddr
				    *)&from, &rx, in.reply_ttl, -1, &in);
			else
				answer(e, j, PP_ST_UNREACHABLE, (struct
				    sockaddr *)&from, &rx, in.reply_ttl,
				    in.code, &in);
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
			if (in.reply_ttl < 0)
				in.reply_ttl = ttl;
			struct errmsg em = { .ok = true, .ttl = in.reply_ttl,
			    .rx = rx, .code = in.code, .type = in.kind ==
			    PP_PKT_TIME_EXCEEDED ? (v6 ? ICMP6_TIME_EXCEEDED :
			    ICMP_TIME_EXCEEDED) : (v6 ? ICMP6_DST_UNREACH :
			    ICMP_DEST_UNREACH) };
			memcpy(&em.offender, &from, sizeof(from));
			icmp_error(e, j, &em, &in);
			continue;
		}
		if (in.quoted_proto != (v6 ? 58 : 1))
			continue;
		if (in.reply_ttl < 0)
			in.reply_ttl = ttl;
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
		if (in.kind == PP_PKT_ECHO_REPLY) {
			answer(e, i, PP_ST_REPLY, (struct sockaddr *)&from,
			    &rx, in.reply_ttl, -1, &in);
		} else if (in.kind == PP_PKT_TIME_EXCEEDED) {
			answer(e, i, PP_ST_TTL_EXPIRED,
			    (struct sockaddr *)&from, &rx, in.reply_ttl, -1,
			    &in);
		} else if (in.kind == PP_PKT_UNREACH) {
			answer(e, i, PP_ST_UNREACHABLE,
			    (struct sockaddr *)&from, &rx, in.reply_ttl,
			    in.code, &in);
		}
	}
}

/* A per-probe UDP or TCP socket has something. */
static void
sock_event(struct pp_engine *e, int i, uint32_t events)
{
	struct slot *s = &e->slots[i];
	struct errmsg em;

	if (!s->used)
		return;
	read_error(e, s->fd, &em);
	if (em.ok && em.origin != SO_EE_ORIGIN_LOCAL) {
		icmp_error(e, i, &em, NULL);
		return;
	}
	if (s->r.p.proto != NULL && strcmp(s->r.p.proto, "tcp") == 0) {
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
			/* SYN-ACK or RST: the destination answered, unless
			 * the kernel had to resend the SYN (loss, not a
			 * slow answer). */
			if (have_ti && (ti.tcpi_total_retrans > 0 ||
			    ti.tcpi_retransmits > 0)) {
				s->r.late = rtt_ms(s, NULL);
				s->r.p.status = PP_ST_TIMEOUT;
				finish(e, i);
				return;
			}
			char tmp[64];
			(void)tmp;
			s->r.p.status = PP_ST_REPLY;
			s->r.p.rtt = ms;
			addr_text((struct sockaddr *)&s->dst, s->r.from,
			    sizeof(s->r.from));
			finish(e, i);
			return;
		}
		s->r.p.status = soerr == ETIMEDOUT ? PP_ST_TIMEOUT :
		    PP_ST_UNREACHABLE;
		s->r.errnum = soerr;
		if (s->r.p.status == PP_ST_UNREACHABLE)
			(void)snprintf(s->r.err, sizeof(s->r.err), "%s",
			    strerror(soerr));
		finish(e, i);
		return;
	}
	/* UDP: an answer from the destination is a reply. */
	if (events & EPOLLIN) {
		struct sockaddr_storage from;
		struct timespec rx;
		int ttl;
		if (recv_one(e, s->fd, &from, &rx, &ttl) >= 0) {
			answer(e, i, PP_ST_REPLY, (struct sockaddr *)&from,
			    &rx, ttl, -1, NULL);
		}
	}
}

static void
addr_bytes(const struct sockaddr *sa, unsigned char out[16])
{
	memset(out, 0, 16);
	if (sa->sa_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
	else
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, 16);
}

static unsigned
fs_hash(int family, const unsigned char addr[16], long long flow)
{
	uint32_t h = 2166136261u ^ (uint32_t)family;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	h = (h ^ (uint32_t)flow) * 16777619u;
	return h;
}

/* The table entry of (family, addr, flow): its own, or the free one it
 * would take. */
static struct fsock *
fs_find(struct pp_engine *e, int family, const unsigned char addr[16],
    long long flow)
{
	unsigned m = (unsigned)e->nfs - 1;

	for (unsigned k = fs_hash(family, addr, flow) & m;; k = (k + 1) & m) {
		struct fsock *f = &e->fs[k];
		if (f->fd < 0 || (f->family == family && f->flow == flow &&
		    memcmp(f->addr, addr, 16) == 0))
			return f;
	}
}

/* Room for one more flow socket: keep the table at most half full. */
static int
fs_grow(struct pp_engine *e)
{
	if (e->nfs > 0 && (e->fs_used + 1) * 2 <= e->nfs)
		return 0;
	int n = e->nfs > 0 ? e->nfs * 2 : 64;
	struct fsock *old = e->fs;
	int nold = e->nfs;
	struct fsock *t = malloc((size_t)n * sizeof(*t));
	if (t == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		t[i].fd = -1;
	e->fs = t;
	e->nfs = n;
	for (int i = 0; i < nold; i++) {
		if (old[i].fd < 0)
			continue;
		struct fsock *f = fs_find(e, old[i].family, old[i].addr,
		    old[i].flow);
		*f = old[i];
		if (e->o.proto != PP_UDP)
			continue;	/* TCP port holders are not polled */
		struct epoll_event ev = { .events = EPOLLIN | EPOLLERR,
		    .data.u64 = TAG_FLOW | (uint64_t)(f - e->fs) };
		(void)epoll_ctl(e->ep, EPOLL_CTL_MOD, f->fd, &ev);
	}
	free(old);
	return 0;
}

/* The UDP socket of (dst, flow), opened on first use: bound to a port of
 * its own, unconnected (so a port unreachable never turns into a send
 * error), errors to its queue.  Returns the fd, or -1 with errno. */
static int
flow_socket(struct pp_engine *e, const struct sockaddr *dst, long long flow)
{
	unsigned char a[16];

	addr_bytes(dst, a);
	if (e->nfs > 0) {
		struct fsock *f = fs_find(e, dst->sa_family, a, flow);
		if (f->fd >= 0)
			return f->fd;
	}
	if (fs_grow(e) == -1)
		return -1;
	int fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sock_opts(e, fd, dst->sa_family);
	if (e->o.source != NULL && e->o.source->sa_family == dst->sa_family)
		(void)bind(fd, e->o.source, e->o.source_len);
	struct fsock *f = fs_find(e, dst->sa_family, a, flow);
	f->fd = fd;
	f->family = dst->sa_family;
	memcpy(f->addr, a, 16);
	f->flow = flow;
	e->fs_used++;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLERR,
	    .data.u64 = TAG_FLOW | (uint64_t)(f - e->fs) };
	(void)epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev);
	return fd;
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

/* A flow socket has errors (ICMP, quoting one of its probes) or data. */
static void
flow_event(struct pp_engine *e, int k)
{
	if (k < 0 || k >= e->nfs || e->fs[k].fd < 0)
		return;
	int fd = e->fs[k].fd;
	for (int n = 0; n < 256; n++) {
		struct errmsg em;
		struct pp_pkt_payload pl;
		read_error(e, fd, &em);
		if (!em.ok)
			break;
		if (em.origin == SO_EE_ORIGIN_LOCAL)
			continue;
		int i = pp_pkt_payload(e->buf, em.len, &pl) ?
		    by_payload(e, &pl) : -1;
		if (i >= 0)
			icmp_error(e, i, &em, NULL);
	}
	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		struct timespec rx;
		int ttl;
		ssize_t got = recv_one(e, fd, &from, &rx, &ttl);
		if (got < 0)
			break;
		/* A UDP answer counts when it echoes our payload. */
		struct pp_pkt_payload pl;
		int i = pp_pkt_payload(e->buf, (size_t)got, &pl) ?
		    by_payload(e, &pl) : -1;
		if (i < 0 || !same_addr((struct sockaddr *)&from,
		    &e->slots[i].dst))
			continue;
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&from, &rx, ttl,
		    -1, NULL);
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

/* Paris UDP: one datagram through the flow's socket, the TTL set for
 * this packet alone. */
static int
send_flow_udp(struct pp_engine *e, int i, const struct sockaddr *dst,
    socklen_t dlen, int ttl, long long flow, const struct pp_pkt_payload *pl)
{
	struct slot *s = &e->slots[i];
	bool v6 = dst->sa_family == AF_INET6;
	int fd = flow_socket(e, dst, flow);

	if (fd < 0)
		return errno;
	claim_seq16(e, i);
	size_t n = e->o.size > PP_PKT_PAYLOAD ? (size_t)e->o.size :
	    PP_PKT_PAYLOAD;
	if (pp_pkt_echo(e->buf, sizeof(e->buf), false, 0, 0, pl, n + 8,
	    e->o.fill) == 0)
		return EMSGSIZE;
	s->r.p.size = (int)n;
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
	s->sent_mono = mono();
	if (sendmsg(fd, &m, 0) < 0)
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
	if ((v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &t,
	    sizeof(t)) : setsockopt(fd, IPPROTO_IP, IP_TTL, &t,
	    sizeof(t))) == 0)
		e->net->ttl_set[k] = t;
}

/* Paris TCP: the flow of (dst, flow): a TCP socket bound to a port of
 * the kernel's choosing holds that port for the run (so no connection of
 * this host takes it, and the kernel answers the SYN-ACKs with RST), and
 * the source address the route gives.  Returns it, or NULL with errno. */
static struct fsock *
tcp_flow(struct pp_engine *e, const struct sockaddr *dst, socklen_t dlen,
    long long flow)
{
	unsigned char a[16];
	int fam = dst->sa_family;

	addr_bytes(dst, a);
	if (e->nfs > 0) {
		struct fsock *f = fs_find(e, fam, a, flow);
		if (f->fd >= 0)
			return f;
	}
	if (fs_grow(e) == -1)
		return NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned char src[16];
	/* The source: -S, else what a connected datagram socket gets. */
	int u = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u < 0)
		return NULL;
	sock_opts(e, u, fam);
	if (e->o.source != NULL && e->o.source->sa_family == fam)
		(void)bind(u, e->o.source, e->o.source_len);
	struct sockaddr_storage to;
	memcpy(&to, dst, dlen);
	if (fam == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = htons(9);
	else
		((struct sockaddr_in *)&to)->sin_port = htons(9);
	if (connect(u, (struct sockaddr *)&to, dlen) < 0 ||
	    getsockname(u, (struct sockaddr *)&ss, &sl) < 0) {
		int keep = errno;
		close(u);
		errno = keep;
		return NULL;
	}
	close(u);
	addr_bytes((struct sockaddr *)&ss, src);
	int fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (fam == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	else
		((struct sockaddr_in *)&ss)->sin_port = 0;
	sl = fam == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		int keep = errno;
		close(fd);
		errno = keep;
		return NULL;
	}
	struct fsock *f = fs_find(e, fam, a, flow);
	f->fd = fd;
	f->family = fam;
	memcpy(f->addr, a, 16);
	f->flow = flow;
	f->port = ntohs(fam == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->
	    sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	memcpy(f->src, src, 16);
	e->fs_used++;
	return f;
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
	struct fsock *f = tcp_flow(e, dst, dlen, flow);

	if (f == NULL)
		return errno;
	claim_seq16(e, i);
	s->rawtcp = true;
	s->sport = f->port;
	unsigned char d[16];
	addr_bytes(dst, d);
	size_t n = pp_pkt_tcp_syn(e->buf, sizeof(e->buf), v6, f->src, d,
	    f->port, (uint16_t)e->o.port, syn_seq(e, s));
	shared_ttl(e, v6 ? 3 : 2, fd, v6, ttl);
	struct sockaddr_storage to;
	memcpy(&to, dst, dlen);	/* port 0: raw sockets take none */
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	s->r.p.size = (int)n;
	s->sent_rt = realtime();
	s->sent_mono = mono();
	if (sendto(fd, e->buf, n, 0, (struct sockaddr *)&to, dlen) < 0)
		return errno;
	return 0;
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

/* A raw TCP socket has segments: answers of destinations. */
static void
tcp_readable(struct pp_engine *e, int fam)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->tcp6 : e->net->tcp4;

	for (int k = 0; k < 256; k++) {
		struct sockaddr_storage from;
		struct timespec rx;
		int ttl;
		ssize_t n = recv_one(e, fd, &from, &rx, &ttl);
		if (n < 0)
			return;
		struct pp_pkt_tcp tp;
		if (pp_pkt_tcp_parse(e->buf, (size_t)n, !v6, &tp) == -1)
			continue;
		bool synack = (tp.flags & (PP_TCP_SYN | PP_TCP_ACK)) ==
		    (PP_TCP_SYN | PP_TCP_ACK);
		if (!synack && !(tp.flags & PP_TCP_RST))
			continue;
		int i = by_tcp_seq(e, tp.ack - 1, tp.dport, tp.sport);
		if (i < 0 || !same_addr((struct sockaddr *)&from,
		    &e->slots[i].dst))
			continue;
		if (tp.ttl >= 0)
			ttl = tp.ttl;
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&from, &rx, ttl,
		    -1, NULL);
	}
}

static void
send_failed(struct pp_engine *e, int i, int err)
{
	struct slot *s = &e->slots[i];

	s->r.p.status = PP_ST_ERROR;
	s->r.errnum = err;
	(void)snprintf(s->r.err, sizeof(s->r.err), "%s", strerror(err));
	finish(e, i);
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
	s->sport = 0;
	memset(&s->r, 0, sizeof(s->r));
	s->r.user = user;
	s->r.late = NAN;
	struct pp_probe *p = &s->r.p;
	p->target = target;
	p->seq = (long long)seq;
	p->round = round;
	p->flow = flow;
	p->ttl = ttl;
	p->reply_ttl = p->code = p->port = p->size = -1;
	p->rtt = NAN;
	p->status = PP_ST_TIMEOUT;
	addr_text(dst, s->r.dst, sizeof(s->r.dst));
	e->inflight++;
	e->dl[(e->dl_head + e->dl_len) % e->nslots] = (struct deadline){
	    .at = 0, .slot = i, .gen = s->gen };
	struct deadline *d = &e->dl[(e->dl_head + e->dl_len) % e->nslots];
	e->dl_len++;

	struct pp_pkt_payload pl = { .tag = e->tag, .seq = seq };
	int err = 0;
	if (e->o.proto == PP_ICMP) {
		p->proto = "icmp";
		int fd = v6 ? e->net->icmp6 : e->net->icmp4;
		if (fd < 0) {
			err = EAFNOSUPPORT;
		} else {
			claim_seq16(e, i);
			size_t n = pp_pkt_echo(e->buf, sizeof(e->buf), v6,
			    e->echo_id, s->seq16, &pl, e->o.size > 0 ?
			    (size_t)e->o.size : 64, e->o.fill);
			if (e->o.paris && flow >= 0)
				(void)pp_pkt_echo_hold(e->buf, n, v6,
				    (uint16_t)(0x0101u * (unsigned)(flow %
				    253 + 1)));
			p->size = (int)n;
			shared_ttl(e, v6 ? 1 : 0, fd, v6, ttl);
			s->sent_rt = realtime();
			s->sent_mono = mono();
			if (sendto(fd, e->buf, n, 0, dst, dlen) < 0)
				err = errno;
		}
	} else if (e->o.proto == PP_TCP && e->o.paris && (v6 ? e->rawtcp6 :
	    e->rawtcp4)) {
		p->proto = "tcp";
		p->port = e->o.port;
		err = send_raw_tcp(e, i, dst, dlen, ttl, flow < 0 ? 0 : flow);
	} else if (e->o.proto == PP_UDP && e->o.paris) {
		p->proto = "udp";
		p->port = e->o.port;
		err = send_flow_udp(e, i, dst, dlen, ttl, flow < 0 ? 0 : flow,
		    &pl);
	} else {
		bool tcp = e->o.proto == PP_TCP;
		p->proto = tcp ? "tcp" : "udp";
		p->port = e->o.port;
		int fd = socket(fam, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
		} else {
			s->fd = fd;
			sock_opts(e, fd, fam);
			if (ttl > 0) {
				if (v6)
					(void)setsockopt(fd, IPPROTO_IPV6,
					    IPV6_UNICAST_HOPS, &ttl,
					    sizeof(ttl));
				else
					(void)setsockopt(fd, IPPROTO_IP, IP_TTL,
					    &ttl, sizeof(ttl));
			}
			if (tcp) {
				int syncnt = 1;
				(void)setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT,
				    &syncnt, sizeof(syncnt));
			}
			if (e->o.source != NULL && e->o.source->sa_family ==
			    fam)
				(void)bind(fd, e->o.source, e->o.source_len);
			struct sockaddr_storage to;
			memcpy(&to, dst, dlen);
			if (v6)
				((struct sockaddr_in6 *)&to)->sin6_port =
				    htons((uint16_t)e->o.port);
			else
				((struct sockaddr_in *)&to)->sin_port =
				    htons((uint16_t)e->o.port);
			struct epoll_event ev = { .events = EPOLLIN |
			    EPOLLERR | (tcp ? EPOLLOUT : 0),
			    .data.u64 = TAG_FD | (uint64_t)i };
			(void)epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev);
			s->sent_rt = realtime();
			s->sent_mono = mono();
			if (tcp) {
				if (connect(fd, (struct sockaddr *)&to, dlen) <
				    0 && errno != EINPROGRESS)
					err = errno;
				p->size = -1;
			} else {
				size_t n = e->o.size > PP_PKT_PAYLOAD ?
				    (size_t)e->o.size : PP_PKT_PAYLOAD;
				size_t k = pp_pkt_echo(e->buf, sizeof(e->buf),
				    false, 0, 0, &pl, n + 8, e->o.fill);
				p->size = (int)n;
				if (k == 0 || connect(fd, (struct sockaddr *)
				    &to, dlen) < 0 || send(fd, e->buf + 8, n,
				    0) < 0)
					err = errno;
			}
		}
	}
	d->at = s->sent_mono + (long long)(e->o.timeout * 1e9);
	p->ts = s->sent_rt;
	if (err != 0) {
		if (s->sent_rt == 0) {
			s->sent_rt = realtime();
			p->ts = s->sent_rt;
		}
		send_failed(e, i, err);
	}
	return 0;
}

/* Hand what epoll reported to its handler. */
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

/* Before timeouts are taken at now: while the oldest probe in flight is
 * due, read what is ready (each round reads up to 256 messages a socket).
 * Returns 0, or -1 when epoll failed. */
static int
read_before_expiry(struct pp_engine *e, long long now)
{
	struct epoll_event ev[256];
	struct timespec zero = { 0, 0 };

	for (int round = 0; round < 64; round++) {
		while (e->dl_len > 0) {
			const struct deadline *d = &e->dl[e->dl_head];
			const struct slot *s = &e->slots[d->slot];
			if (s->used && s->gen == d->gen)
				break;
			e->dl_head = (e->dl_head + 1) % e->nslots;
			e->dl_len--;
		}
		if (e->dl_len == 0 || e->dl[e->dl_head].at > now)
			return 0;
		int n = epoll_pwait2(e->ep, ev, 256, &zero, NULL);
		if (n < 0 && errno == ENOSYS)
			n = epoll_wait(e->ep, ev, 256, 0);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			return 0;
		dispatch(e, ev, n);
	}
	return 0;
}

int
pp_engine_run(struct pp_engine *e, long long until_ns)
{
	struct epoll_event ev[256];

	for (;;) {
		long long now = mono();
		/* Timeouts, in send order; but first the answers that are
		 * ready, so that one that waited in a socket while the process
		 * was held up (a slow disk, the scheduler) is never taken for
		 * a timeout. */
		if (read_before_expiry(e, now) == -1)
			return -1;
		while (e->dl_len > 0) {
			struct deadline *d = &e->dl[e->dl_head];
			struct slot *s = &e->slots[d->slot];
			if (s->used && s->gen == d->gen && d->at > now)
				break;
			if (s->used && s->gen == d->gen)
				finish(e, d->slot);	/* status timeout */
			e->dl_head = (e->dl_head + 1) % e->nslots;
			e->dl_len--;
		}
		if (e->yield) {
			e->yield = false;
			return 0;
		}
		long long wake = until_ns;
		if (e->dl_len > 0 && e->dl[e->dl_head].at < wake)
			wake = e->dl[e->dl_head].at;
		/* The caller's time is kept exactly: block until a learnt
		 * margin before it, then spin (lib/pace.h). */
		bool exact = wake == until_ns;
		long long stop = exact ? pp_pace_wake(&e->pace, wake) : wake;
		/* Past the end: one look at what is ready, then return. */
		bool last = now >= until_ns;
		long long wait_ns = last ? 0 : stop - now;
		if (wait_ns < 0)
			wait_ns = 0;
		struct timespec ts = { (time_t)(wait_ns / 1000000000LL),
		    (long)(wait_ns % 1000000000LL) };
		int n = epoll_pwait2(e->ep, ev, 256, &ts, NULL);
		if (n < 0) {
			if (errno == EINTR)
				return 0;
			if (errno == ENOSYS) {
				int ms = (int)((wait_ns + 999999) / 1000000);
				n = epoll_wait(e->ep, ev, 256, ms);
				if (n < 0 && errno == EINTR)
					return 0;
			}
			if (n < 0)
				return -1;
		}
		long long woke = n == 0 && exact && !last ? mono() : 0;
		if (woke > 0 && wait_ns > 0)
			pp_pace_note(&e->pace, stop, woke);
		dispatch(e, ev, n);
		if (last || e->yield) {
			e->yield = false;
			return 0;
		}
		if (woke >= stop) {
			/* Answers that come meanwhile keep their kernel
			 * stamps; they are read on the next call. */
			(void)pp_pace_spin(&e->pace, until_ns);
			return 0;
		}
	}
}
