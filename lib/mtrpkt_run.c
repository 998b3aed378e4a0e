/* SPDX-License-Identifier: BSD-2-Clause */
/* mtrpkt_run.c: the mtr-packet(8) compatible helper loop: requests
 * through lib/mtrpkt (mtr-packet 0.95's protocol), probes through the one
 * engine, answers through lib/mtrpkt's one word table (see
 * mtrpkt_run.h). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/engine.h"
#include "lib/exit.h"
#include "lib/mtrpkt.h"
#include "lib/mtrpkt_run.h"
#include "lib/net_linux.h"
#include "lib/util.h"

/* A probe handed to the engine. */
struct mtr_probe {
	int token;		/* the request's */
	int family;		/* AF_INET or AF_INET6 */
	struct pp_mtrpkt_probe p;	/* the request */
	long long due_ns;	/* its timeout (pp_mono_ns) */
};

/* Per-run state; heap-allocated (some 20 KB) by pp_mtrpkt_run. */
struct mtr_run {
	struct pp_mtrpkt m;
	struct pp_net *net;
	struct pp_engine *e;
	/* Probes the kernel would not send from their given source, to be
	 * answered no-reply at their timeout as mtr-packet's are
	 * (pp_mtrpkt_source_refused); at most every probe in flight. */
	struct {
		int token;
		long long due_ns;	/* pp_mono_ns */
	} late[PP_MTRPKT_PROBES_MAX];
	int nlate;
};

static void mtr_write(const struct pp_mtrpkt_reply *r);

/* Answer the late probes that are due at now (mono ns): no-reply. */
static void
mtr_late(struct mtr_run *run, long long now)
{
	for (int i = 0; i < run->nlate; ) {
		if (run->late[i].due_ns > now) {
			i++;
			continue;
		}
		struct pp_mtrpkt_reply r;
		memset(&r, 0, sizeof(r));
		r.token = run->late[i].token;
		r.word = PP_MTRPKT_NO_REPLY;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		run->late[i] = run->late[--run->nlate];
	}
}

static void
mtr_write(const struct pp_mtrpkt_reply *r)
{
	char buf[PP_MTRPKT_REPLY_MAX];
	int n = pp_mtrpkt_format(buf, sizeof(buf), r);

	if (n > 0)
		(void)fwrite(buf, 1, (size_t)n, stdout);
}

void
pp_mtrpkt_run_reply(const struct pp_engine_result *res, int family,
    int token, struct pp_mtrpkt_reply *r)
{
	bool v6 = family == AF_INET6;
	double rtt = res->rtt;	/* TCP: from the first SYN (tcp_retries) */

	memset(r, 0, sizeof(*r));
	r->token = token;
	switch (res->status) {
	case PP_ST_REPLY:
		r->word = PP_MTRPKT_REPLY;
		break;
	case PP_ST_TTL_EXPIRED:
		r->word = pp_mtrpkt_icmp_word(family, v6 ? 3 : 11, 0);
		break;
	case PP_ST_UNREACHABLE:
		r->word = res->from[0] != '\0' ? pp_mtrpkt_icmp_word(family,
		    v6 ? 1 : 3, res->code) : pp_mtrpkt_errno_word(res->errnum);
		break;
	case PP_ST_TIMEOUT:
		r->word = PP_MTRPKT_NO_REPLY;
		break;
	case PP_ST_ERROR:
		r->word = pp_mtrpkt_errno_word(res->errnum);
		r->errnum = res->errnum;
		break;
	}
	if (r->word == PP_MTRPKT_REPLY || r->word == PP_MTRPKT_TTL_EXPIRED ||
	    (r->word == PP_MTRPKT_NO_ROUTE && res->from[0] != '\0')) {
		const char *from = res->from[0] != '\0' ? res->from : res->dst;
		r->family = strchr(from, ':') != NULL ? AF_INET6 : AF_INET;
		(void)snprintf(r->addr, sizeof(r->addr), "%s", from);
		r->rtt_us = !isnan(rtt) && rtt > 0 ? (unsigned)(rtt * 1000.0) :
		    0;
		r->nmpls = res->nmpls < PP_PKT_MPLS_MAX ? res->nmpls :
		    PP_PKT_MPLS_MAX;
		memcpy(r->mpls, res->mpls, sizeof(r->mpls[0]) *
		    (size_t)r->nmpls);
	}
}

/* An engine's outcome as mtr-packet answers it. */
static void
mtr_done(void *arg, const struct pp_engine_result *res)
{
	struct mtr_run *run = arg;
	struct mtr_probe *mp = res->user;
	struct pp_mtrpkt_reply r;

	if (res->status == PP_ST_ERROR && pp_mtrpkt_source_refused(&mp->p,
	    res->errnum) && run->nlate < PP_MTRPKT_PROBES_MAX) {
		run->late[run->nlate].token = mp->token;
		run->late[run->nlate++].due_ns = mp->due_ns;
		free(mp);
		return;
	}
	pp_mtrpkt_run_reply(res, mp->family, mp->token, &r);
	mtr_write(&r);
	pp_mtrpkt_answered(&run->m);
	free(mp);
}

void
pp_mtrpkt_run_probe(const struct pp_mtrpkt_probe *p,
    struct pp_engine_probe *pr)
{
	pp_engine_probe_init(pr);
	pr->proto = p->proto == PP_MTRPKT_UDP ? PP_UDP : p->proto ==
	    PP_MTRPKT_TCP ? PP_TCP : PP_ICMP;
	pr->dst = (const struct sockaddr *)&p->dst;
	pr->dlen = p->dlen;
	pr->port = p->port;
	pr->size = p->size;
	pr->size_ip = true;	/* mtr-packet's size: the whole packet */
	pr->ttl = p->ttl;
	pr->tos = p->tos;
	pr->mark = p->mark;
	pr->timeout = p->timeout > 0 ? p->timeout : PP_MTRPKT_TURN;
	pr->pattern = p->fill;
	if (p->has_src) {
		pr->src = (const struct sockaddr *)&p->src;
		pr->srclen = p->slen;
	}
	pr->local_port = p->local_port;
	pr->tcp_retries = true;	/* answers to resent SYNs count */
	pr->seq = p->seq;
	pr->target = "mtr";
}

/* Send what a request asks for, or answer why not (mtr-packet's order:
 * the route to the destination, then the send). */
static void
mtr_send(struct mtr_run *run, const struct pp_mtrpkt_probe *p)
{
	struct pp_mtrpkt_reply r;
	struct sockaddr_storage src;
	socklen_t sl;

	memset(&r, 0, sizeof(r));
	r.token = p->token;
	bool routed = pp_net_route_source((const struct sockaddr *)&p->dst,
	    p->dlen, &src, &sl) == 0;
	if (!p->has_src && !routed) {
		r.word = PP_MTRPKT_INVALID_ARGUMENT;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		return;
	}
	/* A probe with a header of its own goes by its destination's route
	 * whatever its source: without one, sendto's ENETUNREACH. */
	if (!routed && pp_mtrpkt_own_header(p)) {
		r.word = PP_MTRPKT_NO_ROUTE;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		return;
	}
	/* Then the source it would be sent from (mtr-packet binds it). */
	if (pp_mtrpkt_mapped_source(p, p->has_src ? (const struct sockaddr *)
	    &p->src : (const struct sockaddr *)&src)) {
		r.word = PP_MTRPKT_ADDRESS_NOT_AVAILABLE;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		return;
	}
	/* A given source bound as mtr-packet binds every socket but the
	 * header-writing ones': one this host cannot bind is refused
	 * (address-not-available), nothing sent.  A header-writing probe
	 * from such a source is sent by mtr-packet, its answers going
	 * elsewhere: no-reply at its timeout, nothing sent. */
	int berr = p->has_src && pp_net_try(p->family, NULL, 0, -1,
	    (const struct sockaddr *)&p->src, p->slen) == PP_NET_SOURCE ?
	    errno : 0;
	if (routed && pp_mtrpkt_source_refused(p, berr) &&
	    run->nlate < PP_MTRPKT_PROBES_MAX) {
		run->late[run->nlate].token = p->token;
		run->late[run->nlate++].due_ns = pp_mono_ns() +
		    (long long)((p->timeout > 0 ? (double)p->timeout :
		    PP_MTRPKT_TURN) * 1e9);
		return;
	}
	if (berr != 0 && !pp_mtrpkt_own_header(p)) {
		r.word = pp_mtrpkt_errno_word(berr);
		r.errnum = berr;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		return;
	}
	struct mtr_probe *mp = pp_xmalloc(sizeof(*mp));
	mp->token = p->token;
	mp->family = p->family;
	mp->p = *p;
	mp->due_ns = pp_mono_ns() + (long long)((p->timeout > 0 ?
	    (double)p->timeout : PP_MTRPKT_TURN) * 1e9);
	struct pp_engine_probe pr;
	pp_mtrpkt_run_probe(p, &pr);
	pr.user = mp;
	if (pp_engine_send(run->e, &pr) == -1) {
		r.word = PP_MTRPKT_PROBES_EXHAUSTED;
		mtr_write(&r);
		pp_mtrpkt_answered(&run->m);
		free(mp);
	}
}

void
pp_mtrpkt_run_caps(struct pp_mtrpkt_caps *k, const struct pp_net *net)
{
	int fd;

	k->icmp4 = net->icmp4 >= 0;
	k->icmp6 = net->icmp6 >= 0;
	k->ip4 = k->icmp4;
	k->ip6 = k->icmp6;
	/* UDP and TCP need no privilege: a family is there when its
	 * sockets are. */
	if (!k->ip4 && (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0) {
		k->ip4 = true;
		close(fd);
	}
	if (!k->ip6 && (fd = socket(AF_INET6, SOCK_DGRAM, 0)) >= 0) {
		k->ip6 = true;
		close(fd);
	}
	k->udp = k->tcp = true;
	k->sctp = false;
	k->mark = true;
	k->version = PP_VERSION;
}

void
pp_mtrpkt_run(struct pp_net *net, const struct pp_engine_opts *eo,
    const volatile sig_atomic_t *stop)
{
	struct mtr_run *run = pp_xcalloc(1, sizeof(*run));
	bool eof = false;
	struct pp_error err;

	pp_mtrpkt_init(&run->m);
	run->net = net;
	pp_mtrpkt_run_caps(&run->m.caps, net);
	struct pp_engine_opts o = *eo;
	o.max_inflight = PP_MTRPKT_PROBES_MAX;
	o.lax = true;
	run->e = pp_engine_new(&o, net, mtr_done, run, &err);
	if (run->e == NULL)
		pp_errx(PP_EXIT_FAIL, "%s", err.msg);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		/* Replies first (their receive times are the kernel's
		 * anyway), then requests, sent at once. */
		if (pp_engine_run(run->e, pp_mono_ns()) == -1)
			pp_errx(PP_EXIT_FAIL, "event loop failed: %s",
			    strerror(errno));
		mtr_late(run, pp_mono_ns());
		char *line;
		enum pp_mtrpkt_in_event ev;
		while ((ev = pp_mtrpkt_in_next(&run->m.in, &line)) !=
		    PP_MTRPKT_IN_NONE) {
			struct pp_mtrpkt_reply r;
			struct pp_mtrpkt_probe p;
			struct pp_mtrpkt_cmd c;
			memset(&r, 0, sizeof(r));
			if (ev == PP_MTRPKT_IN_OVERFLOW)
				r.word = PP_MTRPKT_COMMAND_BUFFER_OVERFLOW;
			else if (pp_mtrpkt_parse(line, &c) == -1)
				r.word = PP_MTRPKT_COMMAND_PARSE_ERROR;
			else if (pp_mtrpkt_request(&run->m, &c, &p, &r) ==
			    PP_MTRPKT_SEND) {
				mtr_send(run, &p);
				continue;
			}
			mtr_write(&r);
		}
		if (eof && run->m.inflight == 0)
			break;
		if (*stop)
			break;
		struct pollfd pfd[2];
		int np = 0;
		if (!eof)
			pfd[np++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		pfd[np++] = (struct pollfd){ .fd = pp_engine_fd(run->e),
		    .events = POLLIN };
		(void)fflush(stdout);
		/* Timeouts are due within 10 ms of their time. */
		if (poll(pfd, (nfds_t)np, run->m.inflight > 0 ? 10 : -1) ==
		    -1 && errno != EINTR)
			pp_errx(PP_EXIT_FAIL, "poll: %s", strerror(errno));
		if (!eof && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) !=
		    0) {
			size_t room;
			char *at = pp_mtrpkt_in_space(&run->m.in, &room);
			ssize_t n = read(0, at, room);
			if (n > 0)
				pp_mtrpkt_in_added(&run->m.in, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				eof = true;
		}
	}
	pp_engine_free(run->e);
	free(run);
}
