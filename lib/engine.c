/* SPDX-License-Identifier: BSD-2-Clause */
/* engine.c: the probing engine: the probe table, sending, and matching
 * what comes back to the probe that caused it (see engine.h).  Sockets,
 * their options and the receive paths are lib/net_linux.c's; the wait
 * loop lib/evloop.c's; the flow sockets lib/flowsock.c's; bytes out and
 * in, and what identifies a probe in them, lib/pkt.c's. */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/errqueue.h>

#include "lib/engine.h"
#include "lib/evloop.h"
#include "lib/flowsock.h"
#include "lib/rxdrops.h"
#include "lib/util.h"

/* Event tags: the shared sockets are 0 to 3 (icmp4, icmp6, tcp4, tcp6). */
/* Bytes a received message may have unless larger probes were sent: an
 * ICMPv6 error (1232 at most), an ICMP one (576), an echo reply of up to
 * some 1,400 bytes. */
#define RX_SLOT 1536
/* Batches read from one socket in a pass before the others get theirs. */
#define RX_ROUNDS 4
#define TAG_FD 0x100000000ULL	/* a per-probe socket: | slot */
#define TAG_FLOW 0x200000000ULL	/* a flow socket: | its index */


/* How a probe went out, and so how its answers come back. */
enum kind {
	K_ICMP,			/* shared ICMP socket */
	K_UDP_RAW,		/* built by us, raw UDP socket, flow port */
	K_UDP_FLOW,		/* the flow socket's own datagram */
	K_UDP_SOCK,		/* a UDP socket of its own */
	K_TCP_RAW,		/* SYN built by us, raw TCP socket */
	K_TCP_CONN		/* the kernel's connect, a socket of its own */
};

/* A probe in flight. */
struct slot {
	bool used;
	enum kind kind;
	int family;
	int fd;			/* a socket of its own, -1 none */
	int flow;		/* its flow socket's index, -1 none */
	long long deadline;	/* monotonic ns */
	double timeout;		/* s */
	bool retries;		/* TCP: retransmitted SYNs count */
	struct sockaddr_storage dst;
	socklen_t dlen;
	double sent_rt;		/* realtime at send, s */
	long long sent_mono;	/* monotonic at send, ns */
	struct pp_pkt_sent sent;	/* what identifies it */
	struct pp_engine_result r;
};

/* Per flow socket: its probes in flight, and the last one sent; for UDP
 * built by us, what a NAT on the way adds to the identity its quotes
 * give (lib/pkt.h: csum_delta), once learnt from a quote of our payload. */
struct flowuse {
	int n;
	int last;		/* slot */
	bool learnt;		/* delta is known */
	uint16_t delta;
	struct pp_rxdrops drops;	/* of its socket */
};

/* An ICMP error quoting only the 8-byte header of a UDP probe of a flow
 * whose NAT shift is not known yet: kept until it is. */
#define PENDING 32
struct pending {
	bool used;
	int flow;		/* flow socket index */
	bool v6;
	struct pp_pkt_info in;	/* the error, parsed */
	struct sockaddr_storage from;
	struct timespec rx;
};

/* A place in the deadline heap: the deadline kept beside the slot, so
 * that the heap's work touches the heap alone (tens of thousands of
 * probes in flight: the slots are megabytes). */
struct hent {
	long long deadline;	/* monotonic ns */
	int slot;
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
	int touched;		/* slots [0, touched) were ever taken */
	int inflight;
	int by_id[65536];	/* slot + 1 by identity */
	uint16_t next_id;	/* identities are handed out in turn */
	struct hent *heap;	/* slots by deadline (a binary heap) */
	int *hpos;		/* each slot's place in it, -1 none */
	int nheap;
	struct pp_flowtab flows;	/* flow sockets */
	struct flowuse *fuse;	/* [flows.cap] */
	int nfuse;
	int udp_flow[65536];	/* flow index + 1 by local port, UDP */
	struct pending pend[PENDING];	/* ring */
	int pend_next;
	bool yield;		/* pp_engine_run returns after this batch */
	/* The receive path: batches of the shared sockets, their drop
	 * counts, and how far everything that arrived has been read. */
	struct pp_net_batch rxb;
	struct pp_rxdrops rxd[4];	/* icmp4, icmp6, tcp4, tcp6 */
	struct pp_dropwins wins[2];	/* IPv4, IPv6: lib/rxdrops.h */
	long long rt_off;	/* monotonic less realtime, ns (this pass) */
	long long stop_mono;	/* the earliest last stamp read of a socket
				 * left with more to read in this pass,
				 * LLONG_MAX none */
	long long horizon;	/* monotonic ns: every answer that arrived
				 * before it has been read */
	unsigned long long kdrops;	/* datagrams the kernel dropped */
	unsigned long long ldrops;	/* timeouts marked local_drop */
	long long lag_max;	/* reading behind, ns, the most since the
				 * last pp_engine_stats */
	size_t rx_want;		/* a batch slot this large, from the next
				 * read on (a larger probe went out) */
	uint16_t echo_id;	/* raw ICMP sockets: our identifier */
	uint32_t tag;		/* payload run tag, and TCP sequence half */
	unsigned long long pseq;	/* payload sequences handed out */
	unsigned long late;
	unsigned char buf[65536];	/* what is received */
	unsigned char tx[65536];	/* what is sent */
};

static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
pp_engine_probe_init(struct pp_engine_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->proto = PP_ICMP;
	p->ttl = -1;
	p->tos = -1;
	p->timeout = 2;
	p->flow = -1;
	p->round = -1;
	p->seq = -1;
}

/* ------------------------------------------------------------ set-up */

/* A shared socket of the engine: what the receive paths read, the
 * interface, and into the loop with its tag. */
static int
shared(struct pp_engine *e, int fd, int family, bool errq, uint64_t tag,
    struct pp_error *err)
{
	if (pp_net_recv_opts(fd, family, errq) == -1) {
		pp_error_set(err, "cannot set up a socket: %s",
		    strerror(errno));
		return -1;
	}
	if (e->o.iface != NULL && pp_net_bind_iface(fd, e->o.iface) == -1) {
		pp_error_set(err, "cannot send through interface '%s': %s",
		    e->o.iface, strerror(errno));
		return -1;
	}
	if (pp_evloop_add(&e->loop, fd, EPOLLIN, tag) == -1) {
		pp_error_set(err, "cannot watch a socket: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
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
	if (e->o.max_inflight <= 0 ||
	    e->o.max_inflight > PP_ENGINE_INFLIGHT_MAX)
		e->o.max_inflight = PP_ENGINE_INFLIGHT_MAX;
	e->net = n;
	e->done = done;
	e->arg = arg;
	e->nslots = e->o.max_inflight;
	e->loop.ep = -1;
	pp_flowtab_init(&e->flows);
	e->slots = calloc((size_t)e->nslots, sizeof(*e->slots));
	e->free_slots = calloc((size_t)e->nslots, sizeof(int));
	e->heap = calloc((size_t)e->nslots, sizeof(*e->heap));
	e->hpos = calloc((size_t)e->nslots, sizeof(int));
	if (e->slots == NULL || e->free_slots == NULL || e->heap == NULL ||
	    e->hpos == NULL ||
	    pp_net_batch_init(&e->rxb, RX_SLOT) == -1 ||
	    pp_evloop_init(&e->loop, e->o.lax) == -1) {
		pp_error_set(err, "cannot set up the engine: %s",
		    strerror(errno));
		pp_engine_free(e);
		return NULL;
	}
	e->loop.coalesce = e->o.lax && e->o.coalesce;
	/* Slots are set up when taken: memory is touched only as far as
	 * probes are really in flight. */
	for (int i = 0; i < e->nslots; i++)
		e->free_slots[e->nfree++] = e->nslots - 1 - i;
	/* Per run: other runs on this host (raw sockets see their ICMP
	 * too) differ in the echo identifier and the tag. */
	unsigned long long r = (unsigned long long)pp_mono_ns() ^
	    ((unsigned long long)getpid() << 20);
	e->echo_id = (uint16_t)(getpid() ^ (uint16_t)r);
	e->tag = (uint32_t)(r ^ (r >> 32));
	e->next_id = (uint16_t)(r >> 7);
	/* The shared ICMP sockets: echo replies, and errors quoting any
	 * probe the engine built.  ICMPv6 raw: only those types. */
	int fds[2] = { n->icmp4, n->icmp6 };
	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		bool raw = i == 0 ? n->raw4 : n->raw6;
		if (i == 1 && raw) {
			struct icmp6_filter f;
			ICMP6_FILTER_SETBLOCKALL(&f);
			ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
			ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
			ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
			(void)setsockopt(fds[i], IPPROTO_ICMPV6, ICMP6_FILTER,
			    &f, sizeof(f));
		}
		/* Datagram sockets get the errors of their own echo
		 * requests in their error queue. */
		if (shared(e, fds[i], i == 0 ? AF_INET : AF_INET6, !raw,
		    (uint64_t)i, err) == -1) {
			pp_engine_free(e);
			return NULL;
		}
	}
	/* Raw TCP: the answers (SYN-ACK, RST) to the SYNs we build. */
	int tfd[2] = { n->tcp4, n->tcp6 };
	for (int i = 0; i < 2; i++) {
		if (tfd[i] >= 0 && shared(e, tfd[i], i == 0 ? AF_INET :
		    AF_INET6, false, (uint64_t)(2 + i), err) == -1) {
			pp_engine_free(e);
			return NULL;
		}
	}
	int ufd[2] = { n->udp4, n->udp6 };
	for (int i = 0; i < 2; i++) {
		if (ufd[i] >= 0 && e->o.iface != NULL &&
		    pp_net_bind_iface(ufd[i], e->o.iface) == -1) {
			pp_error_set(err, "cannot send through interface "
			    "'%s': %s", e->o.iface, strerror(errno));
			pp_engine_free(e);
			return NULL;
		}
	}
	/* What the kernel dropped before now is not ours to count. */
	int rfd[4] = { n->icmp4, n->icmp6, n->tcp4, n->tcp6 };
	long long now = pp_mono_ns();
	for (int i = 0; i < 4; i++) {
		long long d = rfd[i] >= 0 ? pp_net_drops(rfd[i]) : -1;
		pp_rxdrops_init(&e->rxd[i], d > 0 ? (unsigned)d : 0, now);
	}
	e->horizon = now;
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
	/* Only the slots ever taken: the others were never touched (at
	 * 60000 slots, reading them all faults in 37 MB: 25 ms at exit). */
	for (int i = 0; e->slots != NULL && i < e->touched; i++)
		if (e->slots[i].used && e->slots[i].fd >= 0)
			close(e->slots[i].fd);
	pp_flowtab_release(&e->flows);
	pp_evloop_release(&e->loop);
	pp_net_batch_release(&e->rxb);
	free(e->fuse);
	free(e->slots);
	free(e->free_slots);
	free(e->heap);
	free(e->hpos);
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
pp_engine_stats(struct pp_engine *e, struct pp_engine_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->kernel_drops = e->kdrops;
	st->local_drops = e->ldrops;
	st->late = e->late;
	st->read_lag = e->lag_max;
	e->lag_max = 0;
	int fds[2] = { e->net->icmp4, e->net->icmp6 };
	for (int i = 0; i < 2; i++) {
		int b = fds[i] >= 0 ? pp_net_rcvbuf(fds[i]) : -1;
		if (b > 0 && (st->rcvbuf == 0 || b < st->rcvbuf))
			st->rcvbuf = b;
	}
}

int
pp_engine_rcvbuf(struct pp_engine *e, int want)
{
	int fds[4] = { e->net->icmp4, e->net->icmp6, e->net->tcp4,
	    e->net->tcp6 };
	long long cap = pp_net_rcvbuf_max();
	int got = 0;

	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0)
			continue;
		int b = pp_net_rcvbuf(fds[i]);
		if (want < b && cap >= want) {
			/* Lower it (SO_RCVBUF gives exactly this much). */
			(void)pp_net_set_rcvbuf(fds[i], want, false);
		} else if (want > b &&
		    pp_net_set_rcvbuf(fds[i], want, true) == -1 &&
		    cap > b) {
			/* Raise it: without privilege, up to the cap. */
			(void)pp_net_set_rcvbuf(fds[i], cap < want ?
			    (int)cap : want, false);
		}
		b = pp_net_rcvbuf(fds[i]);
		if (i < 2 && b > 0 && (got == 0 || b < got))
			got = b;
	}
	return got;
}

int
pp_engine_plan(struct pp_engine *e, double rate, double timeout)
{
	double w = rate * timeout * PP_ENGINE_TRUESIZE;

	if (!(w >= PP_ENGINE_RCVBUF_MIN))
		w = PP_ENGINE_RCVBUF_MIN;
	if (w > PP_NET_RCVBUF_MAX)
		w = PP_NET_RCVBUF_MAX;
	return pp_engine_rcvbuf(e, (int)w);
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
	p->local_drop = r->local_drop;
	p->nmpls = r->nmpls;
	memcpy(p->mpls, r->mpls, sizeof(p->mpls));
}

/* ------------------------------------------------- the deadline heap */

static bool
earlier(const struct pp_engine *e, int a, int b)
{
	return e->heap[a].deadline < e->heap[b].deadline;
}

static void
heap_swap(struct pp_engine *e, int a, int b)
{
	struct hent t = e->heap[a];

	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->hpos[e->heap[a].slot] = a;
	e->hpos[e->heap[b].slot] = b;
}

static void
heap_up(struct pp_engine *e, int k)
{
	while (k > 0 && earlier(e, k, (k - 1) / 2)) {
		heap_swap(e, k, (k - 1) / 2);
		k = (k - 1) / 2;
	}
}

static void
heap_down(struct pp_engine *e, int k)
{
	for (;;) {
		int m = k;
		int l = 2 * k + 1;
		if (l < e->nheap && earlier(e, l, m))
			m = l;
		if (l + 1 < e->nheap && earlier(e, l + 1, m))
			m = l + 1;
		if (m == k)
			return;
		heap_swap(e, k, m);
		k = m;
	}
}

static void
heap_push(struct pp_engine *e, int i)
{
	e->heap[e->nheap].deadline = e->slots[i].deadline;
	e->heap[e->nheap].slot = i;
	e->hpos[i] = e->nheap++;
	heap_up(e, e->nheap - 1);
}

static void
heap_remove(struct pp_engine *e, int i)
{
	int k = e->hpos[i];

	if (k < 0)
		return;
	e->hpos[i] = -1;
	if (--e->nheap == k)
		return;
	e->heap[k] = e->heap[e->nheap];
	e->hpos[e->heap[k].slot] = k;
	heap_up(e, k);
	heap_down(e, e->hpos[e->heap[k].slot]);
}

/* ----------------------------------------------------------- results */

static void
addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
	buf[0] = '\0';
	if (sa->sa_family == AF_INET && size >= 16) {
		/* inet_ntop's text without its formatted print (two
		 * addresses a probe: some 3 % of the CPU at 10,000 probes a
		 * second). */
		const unsigned char *b = (const unsigned char *)&((const struct
		    sockaddr_in *)(const void *)sa)->sin_addr;
		char *o = buf;
		for (int k = 0; k < 4; k++) {
			unsigned v = b[k];
			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
			*o++ = k < 3 ? '.' : '\0';
		}
	} else if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)size);
}

/* Deliver slot i's result and free it. */
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
	}
	if (e->by_id[s->sent.id] == i + 1)
		e->by_id[s->sent.id] = 0;
	if (s->flow >= 0)
		e->fuse[s->flow].n--;
	heap_remove(e, i);
	s->used = false;
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

/* An answer for slot i: status, responder, rtt, reply TTL, the ICMP code
 * of an unreachable, MPLS labels. */
static void
answer(struct pp_engine *e, int i, enum pp_status st, const struct sockaddr
    *from, const struct timespec *rx, int reply_ttl, int code,
    const struct pp_pkt_info *info)
{
	struct slot *s = &e->slots[i];
	double ms = rtt_ms(s, rx);

	if (s->timeout > 0 && ms > s->timeout * 1000.0) {
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

/* An ICMP error about slot i (kind, code and reply TTL in info, or type
 * and code of an error queue's message) from `from`. */
static void
icmp_error(struct pp_engine *e, int i, bool exceeded, int code,
    const struct sockaddr *from, const struct timespec *rx, int ttl,
    const struct pp_pkt_info *info)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;

	if (exceeded) {
		answer(e, i, PP_ST_TTL_EXPIRED, from, rx, ttl, -1, info);
		return;
	}
	/* A UDP probe's port unreachable from the destination: it
	 * answered. */
	bool port = code == (v6 ? ICMP6_DST_UNREACH_NOPORT : ICMP_PORT_UNREACH);
	if (port && s->sent.proto == IPPROTO_UDP && same_addr(from, &s->dst))
		answer(e, i, PP_ST_REPLY, from, rx, ttl, -1, info);
	else
		answer(e, i, PP_ST_UNREACHABLE, from, rx, ttl, code, info);
}

/* An error-queue message about slot i, the quote in buf (its MPLS labels
 * read from there). */
static void
errqueue_error(struct pp_engine *e, int i, const struct pp_net_msg *m,
    const unsigned char *buf)
{
	bool v6 = e->slots[i].family == AF_INET6;
	bool exceeded = m->type == (v6 ? ICMP6_TIME_EXCEEDED :
	    ICMP_TIME_EXCEEDED);
	bool unreach = m->type == (v6 ? ICMP6_DST_UNREACH : ICMP_DEST_UNREACH);
	enum kind k = e->slots[i].kind;
	bool udp = k == K_UDP_RAW || k == K_UDP_FLOW || k == K_UDP_SOCK;
	struct pp_pkt_info info;

	/* UDP sockets queue the quote from its payload on, the others from
	 * the transport header. */
	memset(&info, 0, sizeof(info));
	(void)pp_pkt_errq_ext(buf, m->len, (v6 ? 40 : 20) + (udp ? 8 : 0),
	    m->ext_at, &info);
	if (exceeded || unreach)
		icmp_error(e, i, exceeded, m->code, (const struct sockaddr *)
		    &m->offender, &m->rx, m->ttl, &info);
}

/* ---------------------------------------------------------- matching */

/* The probe in flight with identity id, or -1. */
static int
by_id(const struct pp_engine *e, uint16_t id)
{
	int i = e->by_id[id] - 1;

	return i >= 0 && e->slots[i].used ? i : -1;
}

/* The probe an ICMP message (parsed from a raw or datagram ICMP socket,
 * or an error queue) is about, or -1.  raw: the socket is raw, so it sees
 * every ICMP message of the host (the echo identifier must be ours).
 * flow >= 0: a UDP quote of that flow, its identity shifted by delta. */
static int
match(const struct pp_engine *e, const struct pp_pkt_info *in, bool v6,
    bool raw, int flow, uint16_t delta)
{
	uint16_t id;

	/* Our payload, when quoted, names the probe; else the identity in
	 * the first 8 bytes. */
	if (in->has_payload && in->payload.tag == e->tag)
		id = (uint16_t)in->payload.seq;
	else if (pp_pkt_ident(in, v6, &id))
		id = flow >= 0 ? pp_pkt_unshift(id, delta) : id;
	else
		return -1;
	int i = by_id(e, id);
	if (i < 0 || e->slots[i].family != (v6 ? AF_INET6 : AF_INET))
		return -1;
	const struct slot *s = &e->slots[i];
	/* Datagrams the kernel built (their checksum is not ours): only by
	 * our payload. */
	if ((s->kind == K_UDP_FLOW || s->kind == K_UDP_SOCK) &&
	    !in->has_payload)
		return -1;
	if (s->kind == K_TCP_CONN)
		return -1;	/* the socket's error queue has it */
	if (flow >= 0 && s->flow != flow)
		return -1;
	struct pp_pkt_sent sent = s->sent;
	if (flow >= 0)
		sent.csum_delta = delta;
	return pp_pkt_matches(in, v6, &sent, raw) ? i : -1;
}

/* The UDP flow of an 8-byte quote (its source port, as a NAT writes it
 * back), or -1. */
static int
quote_flow(const struct pp_engine *e, const struct pp_pkt_info *in)
{
	if (in->quoted_proto != IPPROTO_UDP || in->has_payload ||
	    in->kind == PP_PKT_ECHO_REPLY)
		return -1;
	return e->udp_flow[in->sport] - 1;
}

static void icmp_answer(struct pp_engine *e, int i,
    const struct pp_pkt_info *in, const struct sockaddr *from,
    const struct timespec *rx);

/* Retry the kept quotes of flow k (its NAT shift just learnt). */
static void
retry_pending(struct pp_engine *e, int k)
{
	for (int j = 0; j < PENDING; j++) {
		struct pending *p = &e->pend[j];
		if (!p->used || p->flow != k)
			continue;
		p->used = false;
		int i = match(e, &p->in, p->v6, true, k, e->fuse[k].delta);
		double at = (double)p->rx.tv_sec + (double)p->rx.tv_nsec / 1e9;
		if (i >= 0 && e->slots[i].sent_rt <= at)
			icmp_answer(e, i, &p->in, (struct sockaddr *)&p->from,
			    &p->rx);
	}
}

/* An ICMP message matched to slot i: learn the NAT shift of its flow from
 * a UDP quote of our payload, then the outcome. */
static void
icmp_answer(struct pp_engine *e, int i, const struct pp_pkt_info *in,
    const struct sockaddr *from, const struct timespec *rx)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	int k = s->kind == K_UDP_RAW ? s->flow : -1;
	bool learnt = false;
	uint16_t d;

	if (k >= 0 && in->has_payload && pp_pkt_udp_delta(in, v6, s->sent.id,
	    &d) && (!e->fuse[k].learnt || e->fuse[k].delta != d)) {
		e->fuse[k].learnt = true;
		e->fuse[k].delta = d;
		learnt = true;
	}
	if (in->kind == PP_PKT_ECHO_REPLY)
		answer(e, i, PP_ST_REPLY, from, rx, in->reply_ttl, -1, in);
	else
		icmp_error(e, i, in->kind == PP_PKT_TIME_EXCEEDED, in->code,
		    from, rx, in->reply_ttl, in);
	if (learnt)
		retry_pending(e, k);
}

/* Keep an 8-byte quote of flow k until its NAT shift is known. */
static void
keep_pending(struct pp_engine *e, int k, bool v6, const struct pp_pkt_info *in,
    const struct pp_net_msg *m)
{
	struct pending *p = &e->pend[e->pend_next];

	e->pend_next = (e->pend_next + 1) % PENDING;
	p->used = true;
	p->flow = k;
	p->v6 = v6;
	p->in = *in;
	memcpy(&p->from, &m->from, sizeof(p->from));
	p->rx = m->rx;
}

/* ------------------------------------------------- the receive path */

/* The monotonic clock now, and the offset of the realtime clock (the
 * kernel's receive stamps) from it. */
static long long
clock_sync(struct pp_engine *e)
{
	struct timespec rt;
	long long mono = pp_mono_ns();

	clock_gettime(CLOCK_REALTIME, &rt);
	e->rt_off = mono - ((long long)rt.tv_sec * 1000000000LL + rt.tv_nsec);
	return mono;
}

/* A kernel receive stamp on the monotonic clock (now when missing). */
static long long
rx_mono(const struct pp_engine *e, const struct timespec *rx)
{
	if (rx->tv_sec == 0)
		return pp_mono_ns();
	return (long long)rx->tv_sec * 1000000000LL + rx->tv_nsec + e->rt_off;
}

/* A socket of family f says the kernel had dropped `count` datagrams for
 * it (since it was opened) by `at` (monotonic). */
static void
drops_seen(struct pp_engine *e, int f, struct pp_rxdrops *d, unsigned count,
    long long at)
{
	e->kdrops += pp_rxdrops_seen(d, &e->wins[f], count, at, pp_mono_ns());
}

/* A socket left with more to read in this pass, read up to `at`. */
static void
unread(struct pp_engine *e, long long at)
{
	if (at < e->stop_mono)
		e->stop_mono = at;
}

/* Read a batch of fd (errq: its error queue) into e->rxb.  Returns the
 * messages read, 0 when none. */
static int
rx_batch(struct pp_engine *e, int fd, bool errq)
{
	if (e->rx_want > e->rxb.slot) {
		/* A larger probe went out: room for its answers. */
		struct pp_net_batch b;
		if (pp_net_batch_init(&b, e->rx_want) == 0) {
			pp_net_batch_release(&e->rxb);
			e->rxb = b;
		}
		e->rx_want = 0;
	}
	int n = pp_net_recv_batch(fd, &e->rxb, errq);
	return n < 0 ? 0 : n;
}

/* An ICMP datagram socket's error queue: errors quoting our echo
 * requests. */
static void
icmp_errqueue(struct pp_engine *e, int fd, bool v6)
{
	for (int round = 0; round < RX_ROUNDS; round++) {
		int n = rx_batch(e, fd, true);
		long long at = 0;
		for (int k = 0; k < n; k++) {
			const struct pp_net_msg *m = &e->rxb.msg[k];
			struct pp_pkt_info in;
			at = rx_mono(e, &m->rx);
			if (!m->err || m->origin == SO_EE_ORIGIN_LOCAL ||
			    pp_pkt_parse_echo_quote(pp_net_batch_data(&e->rxb,
			    k), m->len, v6, &in) == -1)
				continue;
			/* Not an echo reply; the destination it was sent to
			 * is the message's address. */
			in.kind = PP_PKT_TIME_EXCEEDED;
			pp_flowkey_addr((const struct sockaddr *)&m->from,
			    in.quoted_dst);
			int i = match(e, &in, v6, false, -1, 0);
			if (i >= 0)
				errqueue_error(e, i, m,
				    pp_net_batch_data(&e->rxb, k));
		}
		if (n < e->rxb.cap)
			return;
		if (round == RX_ROUNDS - 1)
			unread(e, at);
	}
}

/* One message of a shared ICMP socket. */
static void
icmp_message(struct pp_engine *e, const unsigned char *buf,
    const struct pp_net_msg *m, bool v6, bool raw)
{
	const struct sockaddr *from = (const struct sockaddr *)&m->from;
	struct pp_pkt_info in;

	if (pp_pkt_parse(buf, m->len, v6, raw && !v6, &in) == -1 ||
	    in.kind == PP_PKT_OTHER)
		return;
	if (in.reply_ttl < 0)
		in.reply_ttl = m->ttl;
	int i = match(e, &in, v6, raw, -1, 0);
	int f = i < 0 && raw ? quote_flow(e, &in) : -1;
	if (f >= 0 && e->fuse[f].learnt)
		i = match(e, &in, v6, raw, f, e->fuse[f].delta);
	if (i >= 0) {
		icmp_answer(e, i, &in, from, &m->rx);
	} else if (f >= 0 && e->fuse[f].n > 0) {
		/* Maybe a NAT's checksum: until the flow's shift is learnt
		 * (or relearnt). */
		keep_pending(e, f, v6, &in, m);
	} else if (in.kind == PP_PKT_ECHO_REPLY && in.has_payload &&
	    in.payload.tag == e->tag) {
		e->late++;
	}
}

/* The shared ICMP socket of family fam has something (events: epoll's):
 * batches of datagrams, and a datagram socket's error queue. */
static void
icmp_readable(struct pp_engine *e, int fam, uint32_t events)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->icmp6 : e->net->icmp4;
	bool raw = v6 ? e->net->raw6 : e->net->raw4;
	struct pp_rxdrops *d = &e->rxd[fam];

	/* Only datagram sockets queue errors, and only then is the queue
	 * read (a raw socket's errors are its own sends'). */
	if (!raw && (events & EPOLLERR))
		icmp_errqueue(e, fd, v6);
	for (int round = 0; round < RX_ROUNDS; round++) {
		int n = rx_batch(e, fd, false);
		long long at = 0;
		for (int k = 0; k < n; k++) {
			const struct pp_net_msg *m = &e->rxb.msg[k];
			at = rx_mono(e, &m->rx);
			drops_seen(e, fam, d, m->drops, at);
			icmp_message(e, pp_net_batch_data(&e->rxb, k), m, v6,
			    raw);
		}
		if (n < e->rxb.cap)
			return;
		if (round == RX_ROUNDS - 1)
			unread(e, at);
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
	if (soerr == 0 || soerr == ECONNREFUSED) {
		/* SYN-ACK or RST: the destination answered, unless the
		 * kernel had to resend the SYN (loss, not a slow answer). */
		bool resent = have_ti && (ti.tcpi_total_retrans > 0 ||
		    ti.tcpi_retransmits > 0);
		if (resent && !s->retries) {
			s->r.late = rtt_ms(s, NULL);
			s->r.status = PP_ST_TIMEOUT;
			finish(e, i);
			return;
		}
		s->r.conn = soerr == 0 ? PP_CONN_OPEN : PP_CONN_REFUSED;
		addr_text((struct sockaddr *)&s->dst, s->r.from,
		    sizeof(s->r.from));
		s->r.status = PP_ST_REPLY;
		s->r.rtt = rtt_ms(s, NULL);
		if (soerr == 0 && have_ti && ti.tcpi_rtt > 0 && !resent)
			s->r.rtt = ti.tcpi_rtt / 1000.0;	/* handshake */
		finish(e, i);
		return;
	}
	/* The kernel gave up: its ICMP error was not in the error queue
	 * (or came in without one), or the SYN went unanswered. */
	s->r.errnum = soerr;
	if (soerr != ETIMEDOUT) {
		s->r.status = PP_ST_UNREACHABLE;
		(void)snprintf(s->r.err, sizeof(s->r.err), "%s",
		    strerror(soerr));
	}
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
	if ((events & EPOLLERR) && pp_net_recv_err(s->fd, e->buf,
	    sizeof(e->buf), &m) == 0 && m.err &&
	    m.origin != SO_EE_ORIGIN_LOCAL) {
		errqueue_error(e, i, &m, e->buf);
		return;
	}
	if (s->kind == K_TCP_CONN) {
		tcp_event(e, i, events);
		return;
	}
	/* UDP: an answer from the destination is a reply. */
	if ((events & EPOLLIN) && pp_net_recv(s->fd, e->buf, sizeof(e->buf),
	    &m) == 0)
		answer(e, i, PP_ST_REPLY, (struct sockaddr *)&m.from, &m.rx,
		    m.ttl, -1, NULL);
}

/* The UDP probe of flow socket k whose payload is in buf, or -1. */
static int
flow_probe(struct pp_engine *e, int k, const unsigned char *buf, size_t len)
{
	struct pp_pkt_payload pl;

	if (!pp_pkt_payload(buf, len, &pl) || pl.tag != e->tag)
		return -1;
	int i = by_id(e, (uint16_t)pl.seq);
	if (i < 0 || e->slots[i].flow != k || e->slots[i].sent.pl.seq !=
	    pl.seq)
		return -1;
	return i;
}

/* A flow socket has errors (ICMP, quoting one of its probes) or data
 * (events: epoll's). */
static void
flow_event(struct pp_engine *e, int k, uint32_t events)
{
	if (k < 0 || k >= e->flows.n)
		return;
	const struct pp_flowsock *fs = pp_flowtab_at(&e->flows, k);
	int fd = fs->fd;
	int f = fs->key.family == AF_INET6;
	for (int n = 0; n < 256 && (events & EPOLLERR) &&
	    pp_flowtab_at(&e->flows, k)->errq; n++) {
		struct pp_net_msg m;
		if (pp_net_recv_err(fd, e->buf, sizeof(e->buf), &m) == -1)
			break;
		if (!m.err || m.origin == SO_EE_ORIGIN_LOCAL)
			continue;
		/* Our payload names the probe; a quote of the 8-byte header
		 * alone names the flow, so its only probe in flight. */
		int i = flow_probe(e, k, e->buf, m.len);
		if (i < 0 && m.len < PP_PKT_PAYLOAD && e->fuse[k].n == 1)
			i = e->fuse[k].last;
		if (i >= 0 && e->slots[i].used && e->slots[i].flow == k)
			errqueue_error(e, i, &m, e->buf);
	}
	long long at = 0;
	int n = 0;
	for (; n < 256 && (events & EPOLLIN); n++) {
		struct pp_net_msg m;
		if (pp_net_recv(fd, e->buf, sizeof(e->buf), &m) == -1)
			return;
		at = rx_mono(e, &m.rx);
		drops_seen(e, f, &e->fuse[k].drops, m.drops, at);
		/* A UDP answer counts when it echoes our payload. */
		int i = flow_probe(e, k, e->buf, m.len);
		if (i >= 0 && same_addr((struct sockaddr *)&m.from,
		    &e->slots[i].dst))
			answer(e, i, PP_ST_REPLY, (struct sockaddr *)&m.from,
			    &m.rx, m.ttl, -1, NULL);
	}
	if (n == 256)
		unread(e, at);
}

/* One segment of a raw TCP socket: a destination's answer? */
static void
tcp_segment(struct pp_engine *e, const unsigned char *buf,
    const struct pp_net_msg *m, bool v6)
{
	struct pp_pkt_tcp tp;

	if (pp_pkt_tcp_parse(buf, m->len, !v6, &tp) == -1)
		return;
	bool synack = (tp.flags & (PP_TCP_SYN | PP_TCP_ACK)) ==
	    (PP_TCP_SYN | PP_TCP_ACK);
	if (!synack && !(tp.flags & PP_TCP_RST))
		return;
	int i = by_id(e, (uint16_t)(tp.ack - 1));
	if (i < 0)
		return;
	struct slot *s = &e->slots[i];
	if (s->kind != K_TCP_RAW || s->sent.tcp_seq != tp.ack - 1 ||
	    tp.sport != s->sent.dport || tp.dport !=
	    pp_flowtab_at(&e->flows, s->flow)->port ||
	    !same_addr((const struct sockaddr *)&m->from, &s->dst))
		return;
	s->r.conn = synack ? PP_CONN_OPEN : PP_CONN_REFUSED;
	answer(e, i, PP_ST_REPLY, (const struct sockaddr *)&m->from, &m->rx,
	    tp.ttl >= 0 ? tp.ttl : m->ttl, -1, NULL);
}

/* A raw TCP socket has segments: answers of destinations. */
static void
tcp_readable(struct pp_engine *e, int fam)
{
	bool v6 = fam == 1;
	int fd = v6 ? e->net->tcp6 : e->net->tcp4;
	struct pp_rxdrops *d = &e->rxd[2 + fam];

	for (int round = 0; round < RX_ROUNDS; round++) {
		int n = rx_batch(e, fd, false);
		long long at = 0;
		for (int k = 0; k < n; k++) {
			const struct pp_net_msg *m = &e->rxb.msg[k];
			at = rx_mono(e, &m->rx);
			drops_seen(e, fam, d, m->drops, at);
			tcp_segment(e, pp_net_batch_data(&e->rxb, k), m, v6);
		}
		if (n < e->rxb.cap)
			return;
		if (round == RX_ROUNDS - 1)
			unread(e, at);
	}
}

/* ----------------------------------------------------------- sending */

/* A free identity for slot i, or -1 (never while fewer than 65534 probes
 * are in flight). */
static int
claim_id(struct pp_engine *e, int i)
{
	for (int k = 0; k < 65536; k++) {
		uint16_t id = e->next_id++;
		if (id != 0 && id != 0xffff && e->by_id[id] == 0) {
			e->by_id[id] = i + 1;
			return id;
		}
	}
	return -1;
}

/* The address of a probe with its port. */
static void
with_port(struct sockaddr_storage *to, const struct sockaddr *a,
    socklen_t len, int port)
{
	memcpy(to, a, len);
	if (a->sa_family == AF_INET6)
		((struct sockaddr_in6 *)to)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)to)->sin_port = htons((uint16_t)port);
}

/* What each packet of probe p goes out with on a shared socket. */
static struct pp_net_tx
tx_of(const struct pp_engine_probe *p, const unsigned char *src)
{
	struct pp_net_tx tx = { .ttl = p->ttl, .tos = p->tos,
	    .mark = p->mark, .src = src };

	return tx;
}

/* The flow socket of probe p (proto IPPROTO_UDP or IPPROTO_TCP), opened
 * on first use.  built: the engine builds the packets (raw sockets), so
 * the socket only holds the port (and reads UDP answers), and the route's
 * source address is needed.  Returns its index, or -1 with errno. */
static int
flow_socket(struct pp_engine *e, const struct pp_engine_probe *p, int proto,
    bool built)
{
	struct pp_flowkey k;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.family = p->dst->sa_family;
	pp_flowkey_addr(p->dst, k.dst);
	if (p->src != NULL) {
		if (p->src->sa_family != k.family) {
			errno = EAFNOSUPPORT;
			return -1;
		}
		pp_flowkey_addr(p->src, k.src);
	}
	k.lport = (uint16_t)p->local_port;
	k.mark = p->mark;
	k.flow = p->flow;
	bool udp = proto == IPPROTO_UDP;
	struct pp_flowsock_opts fo = { .iface = e->o.iface, .tos = -1,
	    .recv = udp, .errq = udp && !built, .route_src = built };
	bool opened;
	int i = pp_flowtab_open(&e->flows, &k, &fo, &opened);
	if (i < 0 || !opened)
		return i;
	if (i >= e->nfuse) {
		int n = e->flows.cap;
		struct flowuse *u = realloc(e->fuse, (size_t)n * sizeof(*u));
		if (u == NULL)
			return -1;
		memset(u + e->nfuse, 0, (size_t)(n - e->nfuse) * sizeof(*u));
		e->fuse = u;
		e->nfuse = n;
	}
	if (udp && pp_evloop_add(&e->loop, pp_flowtab_at(&e->flows, i)->fd,
	    EPOLLIN | EPOLLERR, TAG_FLOW | (uint64_t)i) == -1)
		return -1;
	if (udp)
		e->udp_flow[pp_flowtab_at(&e->flows, i)->port] = i + 1;
	return i;
}

/* The data bytes after the 8-byte ICMP or UDP header of probe p
 * (engine.h: size, size_ip). */
static size_t
probe_data(const struct pp_engine_probe *p, bool icmp)
{
	bool v6 = p->dst->sa_family == AF_INET6;
	long d = icmp ? 56 : PP_ENGINE_DATA_MIN;

	if (p->size > 0)
		d = p->size_ip ? (long)p->size - (v6 ? PP_ENGINE_HDR6 :
		    PP_ENGINE_HDR4) : (long)p->size;
	if (d < PP_ENGINE_DATA_MIN)
		d = PP_ENGINE_DATA_MIN;
	if (d > 65535 - PP_ENGINE_HDR4)
		d = 65535 - PP_ENGINE_HDR4;
	return (size_t)d;
}

/* The IP packet of n bytes after the IP header, bytes. */
static int
ip_size(int family, size_t n)
{
	return (int)n + (family == AF_INET6 ? 40 : 20);
}

/* Send slot i's packet (len bytes of buf to `to` on the shared socket fd,
 * with tx) now, stamped just before the call.  (One call a probe: with
 * sendmmsg, the send times of a call's probes can only be shared out over
 * the call, and in the lab that made RTTs some 80 us longer on average,
 * some of them 0, for some 10 % more probes a second.)  Returns 0, or the
 * errno. */
static int
emit(struct pp_engine *e, int i, int fd, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen, const struct pp_net_tx *tx)
{
	struct slot *s = &e->slots[i];

	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	return pp_net_send(fd, buf, len, to, tolen, tx) == -1 ? errno : 0;
}

static int
send_icmp(struct pp_engine *e, int i, const struct pp_engine_probe *p)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	int fd = v6 ? e->net->icmp6 : e->net->icmp4;
	unsigned char src[16];

	s->r.proto = "icmp";
	s->sent.proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	s->sent.echo_id = e->echo_id;
	if (fd < 0)
		return EAFNOSUPPORT;
	if (p->src != NULL && p->src->sa_family != s->family)
		return EAFNOSUPPORT;
	size_t n = pp_pkt_echo(e->tx, sizeof(e->tx), v6, e->echo_id,
	    s->sent.id, &s->sent.pl, 8 + probe_data(p, true), p->pattern);
	if (n == 0)
		return EMSGSIZE;
	if (p->flow >= 0)
		(void)pp_pkt_echo_hold(e->tx, n, v6, (uint16_t)(0x0101u *
		    (unsigned)(p->flow % 253 + 1)));
	s->r.size = ip_size(s->family, n);
	/* Its echo reply is as large (the IPv4 header included). */
	if ((size_t)s->r.size + 64 > e->rxb.slot &&
	    (size_t)s->r.size + 64 > e->rx_want)
		e->rx_want = (size_t)s->r.size + 64;
	if (p->src != NULL)
		pp_flowkey_addr(p->src, src);
	struct pp_net_tx tx = tx_of(p, p->src != NULL ? src : NULL);
	return emit(e, i, fd, e->tx, n, p->dst, p->dlen, &tx);
}

/* UDP through a flow: built by us on the raw UDP socket, else the flow
 * socket's own datagram. */
static int
send_udp_flow(struct pp_engine *e, int i, const struct pp_engine_probe *p)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	int raw = v6 ? e->net->udp6 : e->net->udp4;
	int k = flow_socket(e, p, IPPROTO_UDP, raw >= 0);

	if (k < 0)
		return errno;
	const struct pp_flowsock *f = pp_flowtab_at(&e->flows, k);
	s->flow = k;
	e->fuse[k].n++;
	e->fuse[k].last = i;
	s->kind = raw >= 0 ? K_UDP_RAW : K_UDP_FLOW;
	size_t n = 8 + probe_data(p, false);
	if (pp_pkt_udp(e->tx, sizeof(e->tx), v6, f->src, s->sent.dst, f->port,
	    (uint16_t)p->port, &s->sent.pl, n, p->pattern, s->sent.id) == 0)
		return EMSGSIZE;
	s->r.size = ip_size(s->family, n);
	struct sockaddr_storage to;
	struct pp_net_tx tx = tx_of(p, NULL);
	int fd = f->fd;
	const unsigned char *buf = e->tx + 8;
	size_t len = n - 8;
	if (raw >= 0) {
		/* Raw sockets take no port; the source the checksum has. */
		with_port(&to, p->dst, p->dlen, 0);
		tx.src = f->src;
		fd = raw;
		buf = e->tx;
		len = n;
		return emit(e, i, fd, buf, len, (struct sockaddr *)&to,
		    p->dlen, &tx);
	}
	with_port(&to, p->dst, p->dlen, p->port);
	tx.mark = 0;	/* the flow socket's own */
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	if (pp_net_send(fd, buf, len, (struct sockaddr *)&to, p->dlen,
	    &tx) == 0)
		return 0;
	if (errno == EAGAIN)
		return errno;
	/* The flow socket's pending error (an ICMP error about an earlier
	 * probe, not read yet) fails the send: read it, then send again. */
	flow_event(e, k, EPOLLERR | EPOLLIN);
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	return pp_net_send(fd, buf, len, (struct sockaddr *)&to, p->dlen,
	    &tx) == -1 ? errno : 0;
}

static int
send_tcp_raw(struct pp_engine *e, int i, const struct pp_engine_probe *p)
{
	struct slot *s = &e->slots[i];
	bool v6 = s->family == AF_INET6;
	int k = flow_socket(e, p, IPPROTO_TCP, true);

	if (k < 0)
		return errno;
	const struct pp_flowsock *f = pp_flowtab_at(&e->flows, k);
	s->flow = k;
	e->fuse[k].n++;
	e->fuse[k].last = i;
	size_t n = pp_pkt_tcp_syn(e->tx, sizeof(e->tx), v6, f->src,
	    s->sent.dst, f->port, (uint16_t)p->port, s->sent.tcp_seq);
	s->r.size = ip_size(s->family, n);
	struct sockaddr_storage to;
	with_port(&to, p->dst, p->dlen, 0);	/* raw sockets take none */
	struct pp_net_tx tx = tx_of(p, f->src);
	return emit(e, i, v6 ? e->net->tcp6 : e->net->tcp4, e->tx, n,
	    (struct sockaddr *)&to, p->dlen, &tx);
}

/* A probe through a socket of its own (UDP, or the kernel's TCP connect):
 * every setting refused is the probe's error. */
static int
send_own_socket(struct pp_engine *e, int i, const struct pp_engine_probe *p)
{
	struct slot *s = &e->slots[i];
	int fam = s->family;
	bool tcp = s->kind == K_TCP_CONN;
	int fd = socket(fam, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	s->fd = fd;
	int on = 1;
	int syncnt = 1;
	if (pp_net_recv_opts(fd, fam, true) == -1 ||
	    (p->ttl >= 0 && pp_net_set_ttl(fd, fam, p->ttl) == -1) ||
	    (p->tos >= 0 && pp_net_set_tos(fd, fam, p->tos) == -1) ||
	    (p->mark != 0 && pp_net_set_mark(fd, p->mark) == -1) ||
	    (e->o.iface != NULL && pp_net_bind_iface(fd, e->o.iface) == -1) ||
	    (tcp && !p->tcp_retries && setsockopt(fd, IPPROTO_TCP,
	    TCP_SYNCNT, &syncnt, sizeof(syncnt)) == -1) ||
	    (p->local_port > 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1))
		return errno;
	if (p->src != NULL || p->local_port > 0) {
		struct sockaddr_storage any;
		memset(&any, 0, sizeof(any));
		any.ss_family = (sa_family_t)fam;
		const struct sockaddr *local = (struct sockaddr *)&any;
		socklen_t al = p->dlen;
		if (p->src != NULL) {
			if (p->src->sa_family != fam)
				return EAFNOSUPPORT;
			local = p->src;
			al = p->srclen;
		}
		struct sockaddr_storage a;
		with_port(&a, local, al, p->local_port);
		if (bind(fd, (struct sockaddr *)&a, al) == -1)
			return errno;
	}
	struct sockaddr_storage to;
	with_port(&to, p->dst, p->dlen, p->port);
	if (pp_evloop_add(&e->loop, fd, EPOLLIN | EPOLLERR |
	    (tcp ? EPOLLOUT : 0), TAG_FD | (uint64_t)i) == -1)
		return errno;
	if (tcp) {
		s->sent_rt = realtime();
		s->sent_mono = pp_mono_ns();
		if (connect(fd, (struct sockaddr *)&to, p->dlen) == -1 &&
		    errno != EINPROGRESS)
			return errno;
		return 0;
	}
	size_t n = 8 + probe_data(p, false);
	static const unsigned char zero[16];
	if (pp_pkt_udp(e->tx, sizeof(e->tx), fam == AF_INET6, zero, zero, 0,
	    0, &s->sent.pl, n, p->pattern, s->sent.id) == 0)
		return EMSGSIZE;
	s->r.size = ip_size(fam, n);
	if (connect(fd, (struct sockaddr *)&to, p->dlen) == -1)
		return errno;
	s->sent_rt = realtime();
	s->sent_mono = pp_mono_ns();
	return send(fd, e->tx + 8, n - 8, 0) == -1 ? errno : 0;
}

int
pp_engine_send(struct pp_engine *e, const struct pp_engine_probe *p)
{
	if (e->nfree == 0)
		return -1;
	int i = e->free_slots[--e->nfree];
	struct slot *s = &e->slots[i];
	if (i >= e->touched)
		e->touched = i + 1;
	int fam = p->dst->sa_family;

	memset(s, 0, sizeof(*s));
	s->used = true;
	s->fd = -1;
	s->flow = -1;
	e->hpos[i] = -1;
	s->family = fam;
	memcpy(&s->dst, p->dst, p->dlen);
	s->dlen = p->dlen;
	s->timeout = p->timeout > 0 ? p->timeout : 0;
	s->retries = p->tcp_retries;
	e->inflight++;
	struct pp_engine_result *r = &s->r;
	r->user = p->user;
	r->target = p->target;
	r->family = fam;
	r->seq = p->seq;
	r->round = p->round;
	r->flow = p->flow;
	r->ttl = p->ttl;
	r->reply_ttl = r->code = r->port = r->size = -1;
	r->rtt = NAN;
	r->status = PP_ST_TIMEOUT;
	addr_text(p->dst, r->dst, sizeof(r->dst));

	/* Its identity, and what tells its answers from others'. */
	int id = claim_id(e, i);
	s->sent.id = (uint16_t)(id < 0 ? 0 : id);
	pp_flowkey_addr(p->dst, s->sent.dst);
	s->sent.dport = (uint16_t)p->port;
	s->sent.pl.tag = e->tag;
	s->sent.pl.seq = (++e->pseq << 16) | s->sent.id;
	s->sent.tcp_seq = (e->tag & 0xffff0000u) | s->sent.id;

	int err = 0;
	if (id < 0) {
		err = EAGAIN;
	} else if (fam != AF_INET && fam != AF_INET6) {
		err = EAFNOSUPPORT;
	} else if (p->proto == PP_ICMP) {
		s->kind = K_ICMP;
		err = send_icmp(e, i, p);
	} else if (p->port < 1 || p->port > 65535 || p->local_port < 0 ||
	    p->local_port > 65535) {
		r->proto = p->proto == PP_TCP ? "tcp" : "udp";
		err = EINVAL;
	} else if (p->proto == PP_UDP) {
		r->proto = "udp";
		r->port = p->port;
		s->sent.proto = IPPROTO_UDP;
		if (p->flow >= 0 || p->local_port > 0) {
			err = send_udp_flow(e, i, p);
		} else {
			s->kind = K_UDP_SOCK;
			err = send_own_socket(e, i, p);
		}
	} else {
		r->proto = "tcp";
		r->port = p->port;
		bool v6 = fam == AF_INET6;
		if (p->flow >= 0 && (v6 ? e->net->tcp6 : e->net->tcp4) >= 0) {
			s->kind = K_TCP_RAW;
			s->sent.proto = IPPROTO_TCP;
			err = send_tcp_raw(e, i, p);
		} else {
			s->kind = K_TCP_CONN;
			err = send_own_socket(e, i, p);
		}
	}
	if (s->sent_rt == 0) {
		s->sent_rt = realtime();
		s->sent_mono = pp_mono_ns();
	}
	r->ts = s->sent_rt;
	s->deadline = s->sent_mono + (long long)(s->timeout * 1e9);
	heap_push(e, i);
	if (err != 0) {
		r->status = PP_ST_ERROR;
		r->errnum = err;
		(void)snprintf(r->err, sizeof(r->err), "%s", strerror(err));
		finish(e, i);
	}
	return 0;
}

/* ----------------------------------------------------------- the loop */

/* Hand what the loop reported to its handler. */
static void
dispatch(struct pp_engine *e, const struct epoll_event *ev, int n)
{
	for (int k = 0; k < n; k++) {
		uint64_t u = ev[k].data.u64;
		if (u & TAG_FLOW)
			flow_event(e, (int)(u & 0xffffffffu), ev[k].events);
		else if (u & TAG_FD)
			sock_event(e, (int)(u & 0xffffffffu), ev[k].events);
		else if (u >= 2)
			tcp_readable(e, (int)u - 2);
		else
			icmp_readable(e, (int)u, ev[k].events);
	}
}

/* The deadline of the probe that times out first, or -1: none. */
static long long
next_deadline(const struct pp_engine *e)
{
	return e->nheap > 0 ? e->heap[0].deadline : -1;
}

/* One pass over what every socket has ready now.  Afterwards every
 * answer that arrived before e->horizon has been read: the pass's start
 * when each socket was emptied (or had nothing), else the last stamp read
 * from one left with more.  Returns the events handled (0: nothing was
 * ready), or -1 when epoll failed. */
static int
read_pass(struct pp_engine *e)
{
	struct epoll_event ev[PP_EVLOOP_MAX];
	long long t0 = clock_sync(e);
	int n = pp_evloop_poll(&e->loop, ev, PP_EVLOOP_MAX);

	if (n < 0)
		return -1;
	e->stop_mono = LLONG_MAX;
	dispatch(e, ev, n);
	if (n < PP_EVLOOP_MAX) {
		/* (With as many events as asked for, some socket may not
		 * have been reported.) */
		long long h = t0 < e->stop_mono ? t0 : e->stop_mono;
		if (h > e->horizon)
			e->horizon = h;
	}
	return n;
}

/* Before timeouts are taken at now: while a probe is due whose answer
 * might still wait unread in a socket (its deadline after e->horizon),
 * read, until every answer that arrived before now has been read, or
 * (after the first pass) the monotonic time budget.  So a timeout is taken
 * only when its answer cannot be in a socket: one that waited while the
 * process was held up (a slow disk, the scheduler) is still an answer,
 * with its kernel stamp.  Returns 0, or -1 when epoll failed. */
static int
read_before_expiry(struct pp_engine *e, long long now, long long budget)
{
	for (int pass = 0;; pass++) {
		long long d = next_deadline(e);
		if (d < 0 || d > now || d <= e->horizon)
			return 0;
		if (pass > 0 && pp_mono_ns() >= budget)
			return 0;
		int n = read_pass(e);
		if (n <= 0)
			return n;
	}
}

/* The kernel's drop counts of the shared sockets an answer of slot s
 * comes through, known up to `end` at least (asked now when no datagram
 * told it since). */
static void
drops_known(struct pp_engine *e, const struct slot *s, long long end,
    long long now)
{
	int f = s->family == AF_INET6;
	int fds[2] = { f ? e->net->icmp6 : e->net->icmp4, s->kind == K_TCP_RAW ?
	    (f ? e->net->tcp6 : e->net->tcp4) : -1 };

	for (int k = 0; k < 2; k++) {
		struct pp_rxdrops *d = &e->rxd[2 * k + f];
		if (fds[k] < 0 || d->known >= end)
			continue;
		long long c = pp_net_drops(fds[k]);
		if (c >= 0)
			drops_seen(e, f, d, (unsigned)c, now);
		else
			d->known = now;
	}
}

/* Slot i times out at now: its record says local_drop when the kernel
 * dropped datagrams for a socket its answer would come through while it
 * waited. */
static void
time_out(struct pp_engine *e, int i, long long now)
{
	struct slot *s = &e->slots[i];
	long long end = s->deadline < now ? s->deadline : now;

	if (s->kind != K_UDP_SOCK && s->kind != K_TCP_CONN) {
		drops_known(e, s, end, now);
		if (pp_dropwins_hit(&e->wins[s->family == AF_INET6],
		    s->sent_mono, end)) {
			s->r.local_drop = true;
			e->ldrops++;
		}
	}
	finish(e, i);	/* status timeout */
}

/* Time out every probe due at now whose answer cannot be waiting unread,
 * the earliest first. */
static void
expire(struct pp_engine *e, long long now)
{
	long long until = now < e->horizon ? now : e->horizon;

	for (;;) {
		long long d = next_deadline(e);
		if (d < 0 || d > now)
			return;
		if (d > until) {
			/* Due, but answers may wait unread: reading is
			 * behind. */
			if (now - e->horizon > e->lag_max)
				e->lag_max = now - e->horizon;
			return;
		}
		time_out(e, e->heap[0].slot, now);
	}
}

void
pp_engine_expire(struct pp_engine *e)
{
	long long now = pp_mono_ns();

	/* What arrived before now is read (as far as it keeps coming). */
	for (int pass = 0; pass < 100000 && e->horizon < now; pass++)
		if (read_pass(e) <= 0)
			break;
	while (e->nheap > 0)
		time_out(e, e->heap[0].slot, now);
}

int
pp_engine_run(struct pp_engine *e, long long until_ns)
{
	struct epoll_event ev[PP_EVLOOP_MAX];

	for (;;) {
		long long now = pp_mono_ns();
		/* Timeouts; but first the answers that are ready. */
		if (read_before_expiry(e, now, until_ns) == -1)
			return -1;
		expire(e, now);
		if (e->yield) {
			e->yield = false;
			return 0;
		}
		long long wake = until_ns;
		long long d = next_deadline(e);
		if (d >= 0 && d < wake)
			wake = d;
		/* Past the end: one look at what is ready, then return. */
		bool last = now >= until_ns;
		bool due;
		int n = pp_evloop_wait(&e->loop, ev, PP_EVLOOP_MAX, now,
		    last ? now : wake, wake == until_ns && !last, &due);
		if (n < 0)
			return errno == EINTR ? 0 : -1;
		clock_sync(e);
		e->stop_mono = LLONG_MAX;
		dispatch(e, ev, n);
		if (last || e->yield || due) {
			e->yield = false;
			return 0;
		}
	}
}
