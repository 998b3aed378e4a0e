/* SPDX-License-Identifier: BSD-2-Clause */
/* net_linux.c: privileged sockets, the privilege drop, socket options and
 * the receive paths (see header). */
#define _GNU_SOURCE 1
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <time.h>		/* before linux/errqueue.h */
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/net_linux.h"
#include "lib/util.h"

static int
open_icmp(int family, bool *raw, int *err, unsigned mark)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);

	*raw = fd != -1;
	if (fd == -1) {
		*err = errno;
		fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    proto);
		if (fd == -1)
			return -1;
	}
	if (mark != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	(void)pp_net_set_rcvbuf(fd, PP_NET_RCVBUF_MAX, true);
	return fd;
}

void
pp_net_open_privileged(struct pp_net *n, unsigned mark)
{
	memset(n, 0, sizeof(*n));
	n->icmp4 = open_icmp(AF_INET, &n->raw4, &n->err4, mark);
	if (n->icmp4 == -1 && n->err4 == 0)
		n->err4 = errno;
	n->icmp6 = open_icmp(AF_INET6, &n->raw6, &n->err6, mark);
	if (n->icmp6 == -1 && n->err6 == 0)
		n->err6 = errno;
	n->tcp4 = n->tcp6 = n->udp4 = n->udp6 = -1;
}

void
pp_net_open_raw_tcp(struct pp_net *n)
{
	n->tcp4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_TCP);
	n->tcp6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_TCP);
	if (n->tcp4 >= 0)
		(void)pp_net_set_rcvbuf(n->tcp4, PP_NET_RCVBUF_MAX, true);
	if (n->tcp6 >= 0)
		(void)pp_net_set_rcvbuf(n->tcp6, PP_NET_RCVBUF_MAX, true);
}

/* A raw socket that receives nothing: a filter that drops every packet,
 * then what came before the filter read away. */
static int
send_only(int family, int proto)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { 1, &drop };
	unsigned char buf[64];
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		close(fd);
		return -1;
	}
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	return fd;
}

void
pp_net_open_raw_udp(struct pp_net *n)
{
	n->udp4 = send_only(AF_INET, IPPROTO_UDP);
	n->udp6 = send_only(AF_INET6, IPPROTO_UDP);
}

void
pp_net_close(struct pp_net *n)
{
	int *fd[6] = { &n->icmp4, &n->icmp6, &n->tcp4, &n->tcp6, &n->udp4,
	    &n->udp6 };

	for (int i = 0; i < 6; i++) {
		if (*fd[i] >= 0)
			close(*fd[i]);
		*fd[i] = -1;
	}
}

void
pp_net_close_raw(struct pp_net *n, bool tcp, bool udp)
{
	int *fd[4] = { &n->tcp4, &n->tcp6, &n->udp4, &n->udp6 };

	for (int i = 0; i < 4; i++) {
		if (i < 2 ? tcp : udp)
			continue;
		if (*fd[i] >= 0)
			close(*fd[i]);
		*fd[i] = -1;
	}
}

int
pp_net_drop_privileges(bool keep_net_admin)
{
	uid_t ruid = getuid();
	gid_t rgid = getgid();

	if (geteuid() != ruid || getegid() != rgid) {
		/* Set-user-ID or set-group-ID: become the real user. */
		if (geteuid() == 0 && setgroups(0, NULL) == -1)
			return -1;
		if (setresgid(rgid, rgid, rgid) == -1 ||
		    setresuid(ruid, ruid, ruid) == -1)
			return -1;
	} else {
		/* Root, or a file with capabilities: clear them all. */
		for (int cap = 0; cap <= 63; cap++) {
			if (keep_net_admin && cap == CAP_NET_ADMIN)
				continue;
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 &&
			    errno != EINVAL && errno != EPERM)
				return -1;
		}
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof(d));
		/* CAP_NET_ADMIN is kept only where the run has it (a
		 * file with cap_net_raw alone must drop to nothing). */
		struct __user_cap_data_struct now[2];
		/* Zeroed: valgrind cannot see capget fill it. */
		memset(now, 0, sizeof(now));
		if (keep_net_admin && syscall(SYS_capget, &h, now) == 0 &&
		    (now[0].permitted & (1u << CAP_NET_ADMIN)) != 0) {
			d[0].effective = d[0].permitted =
			    1u << CAP_NET_ADMIN;
		}
		if (syscall(SYS_capset, &h, d) == -1 && errno != EPERM)
			return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	/* Verify: no way back. */
	if (geteuid() != getuid() || getegid() != getgid())
		return -1;
	if (ruid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -1;
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));	/* valgrind marks one filled */
	if (syscall(SYS_capget, &h, d) == 0) {
		uint32_t allowed = keep_net_admin ? 1u << CAP_NET_ADMIN : 0;
		if ((d[0].effective & ~allowed) != 0 ||
		    (d[0].permitted & ~allowed) != 0 || d[1].effective != 0 ||
		    d[1].permitted != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------- socket options */

int
pp_net_recv_opts(int fd, int family, bool errq)
{
	int on = 1;
	bool v6 = family == AF_INET6;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) == -1)
		return -1;
	if (errq && setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_RECVERR : IP_RECVERR, &on, sizeof(on)) == -1)
		return -1;
	/* Where an error's RFC 4884 extension (MPLS labels) starts, from
	 * its length field (Linux 5.9 on; older kernels: the 128-byte
	 * default layout only). */
	if (errq)
		(void)setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_RECVERR_RFC4884 : IP_RECVERR_RFC4884, &on,
		    sizeof(on));
	return setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, &on, sizeof(on));
}

int
pp_net_rcvbuf(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l) == -1 ? -1 : v;
}

int
pp_net_set_rcvbuf(int fd, int bytes, bool force)
{
	int half = bytes / 2;	/* the kernel doubles what it is given */

	if (half < 1)
		half = 1;
	if (setsockopt(fd, SOL_SOCKET, force ? SO_RCVBUFFORCE : SO_RCVBUF,
	    &half, sizeof(half)) == -1)
		return -1;
	return pp_net_rcvbuf(fd);
}

long long
pp_net_rcvbuf_max(void)
{
	FILE *f = fopen("/proc/sys/net/core/rmem_max", "re");
	long long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%lld", &v) != 1 || v < 0)
		v = -1;
	fclose(f);
	return v < 0 ? -1 : 2 * v;
}

long long
pp_net_drops(int fd)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t l = sizeof(mi);

	memset(mi, 0, sizeof(mi));
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &l) == -1)
		return -1;
	if (l < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	return mi[SK_MEMINFO_DROPS];
}

int
pp_net_set_tos(int fd, int family, int tos)
{
	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

int
pp_net_set_ttl(int fd, int family, int ttl)
{
	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
	    sizeof(ttl));
}

int
pp_net_set_mark(int fd, unsigned mark)
{
	return setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
}

int
pp_net_bind_iface(int fd, const char *iface)
{
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
	    (socklen_t)strlen(iface));
}

/* -------------------------------------------------------------- send */

/* Append one control message of level, type and len bytes of data after
 * c (NULL: the first) in m, whose msg_controllen covers the whole buffer
 * while it is filled; *used adds its space. */
static struct cmsghdr *
put_cmsg(struct msghdr *m, struct cmsghdr *c, int level, int type,
    const void *data, size_t len, size_t *used)
{
	c = c == NULL ? CMSG_FIRSTHDR(m) : CMSG_NXTHDR(m, c);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	*used += CMSG_SPACE(len);
	return c;
}

/* Control room for what a packet is sent with: TTL, TOS, mark, source. */
#define TX_CONTROL (CMSG_SPACE(sizeof(int)) * 3 + \
    CMSG_SPACE(sizeof(struct in6_pktinfo)))

/* Fill m to send len bytes of buf to `to` with the per-packet settings
 * tx, its control data in cb (TX_CONTROL bytes, aligned). */
static void
tx_msg(struct msghdr *m, struct iovec *iov, char *cb, const void *buf,
    size_t len, const struct sockaddr *to, socklen_t tolen,
    const struct pp_net_tx *tx)
{
	int lv = to->sa_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	bool v6 = lv == IPPROTO_IPV6;
	struct cmsghdr *c = NULL;
	size_t used = 0;

	iov->iov_base = (void *)(uintptr_t)buf;
	iov->iov_len = len;
	memset(m, 0, sizeof(*m));
	m->msg_name = (void *)(uintptr_t)to;
	m->msg_namelen = tolen;
	m->msg_iov = iov;
	m->msg_iovlen = 1;
	m->msg_control = cb;
	m->msg_controllen = TX_CONTROL;
	memset(cb, 0, TX_CONTROL);
	if (tx != NULL && tx->ttl >= 0)
		c = put_cmsg(m, c, lv, v6 ? IPV6_HOPLIMIT : IP_TTL, &tx->ttl,
		    sizeof(int), &used);
	if (tx != NULL && tx->tos >= 0)
		c = put_cmsg(m, c, lv, v6 ? IPV6_TCLASS : IP_TOS, &tx->tos,
		    sizeof(int), &used);
	if (tx != NULL && tx->mark != 0)
		c = put_cmsg(m, c, SOL_SOCKET, SO_MARK, &tx->mark,
		    sizeof(tx->mark), &used);
	if (tx != NULL && tx->src != NULL && v6) {
		struct in6_pktinfo pi;
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi6_addr, tx->src, 16);
		c = put_cmsg(m, c, lv, IPV6_PKTINFO, &pi, sizeof(pi), &used);
	} else if (tx != NULL && tx->src != NULL) {
		struct in_pktinfo pi;
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi_spec_dst, tx->src, 4);
		c = put_cmsg(m, c, lv, IP_PKTINFO, &pi, sizeof(pi), &used);
	}
	m->msg_controllen = used;
	if (used == 0)
		m->msg_control = NULL;
}

/* Send m on fd; a failure that may be a stale error (see below) is sent
 * once more.  Returns 0, or -1 with errno. */
static int
send_one(int fd, const struct msghdr *m)
{
	if (sendmsg(fd, m, MSG_DONTWAIT) >= 0)
		return 0;
	/* A shared datagram ICMP socket keeps the error of an ICMP message
	 * about an earlier probe (IP_RECVERR) and fails the next send with
	 * it, clearing it (sock_error): send again; a real error fails
	 * again, and nothing went out the first time. */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS ||
	    errno == EINTR)
		return -1;
	return sendmsg(fd, m, MSG_DONTWAIT) < 0 ? -1 : 0;
}

int
pp_net_send(int fd, const void *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen, const struct pp_net_tx *tx)
{
	struct {
		_Alignas(struct cmsghdr) char buf[TX_CONTROL];
	} cb;
	struct iovec iov;
	struct msghdr m;

	tx_msg(&m, &iov, cb.buf, buf, len, to, tolen, tx);
	return send_one(fd, &m);
}

/* ----------------------------------------------------- receive paths */

/* The control messages both paths read: stamp, TTL, extended error. */
static void
control(struct msghdr *mh, struct pp_net_msg *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&m->rx, CMSG_DATA(c), sizeof(m->rx));
		} else if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL) {
			uint32_t d;
			memcpy(&d, CMSG_DATA(c), sizeof(d));
			m->drops = d;
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type ==
		    IP_TTL) || (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&m->ttl, CMSG_DATA(c), sizeof(m->ttl));
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type ==
		    IP_RECVERR) || (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			m->err = true;
			m->origin = ee.ee_origin;
			m->type = ee.ee_type;
			m->code = ee.ee_code;
			if (!(ee.ee_rfc4884.flags & SO_EE_RFC4884_FLAG_INVALID))
				m->ext_at = ee.ee_rfc4884.len;
			/* SO_EE_OFFENDER: the address after the struct. */
			size_t have = c->cmsg_len - CMSG_LEN(sizeof(ee));
			if (have > sizeof(m->offender))
				have = sizeof(m->offender);
			memcpy(&m->offender, CMSG_DATA(c) + sizeof(ee), have);
		}
	}
}

/* Control data room of one message: stamp, TTL, drop count, an
 * extended error with its offender. */
#define CONTROL 512

static int
recv_msg(int fd, unsigned char *buf, size_t cap, struct pp_net_msg *m,
    int flags)
{
	union {
		char buf[CONTROL];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { buf, cap };
	struct msghdr mh = { .msg_name = &m->from,
	    .msg_namelen = sizeof(m->from), .msg_iov = &iov,
	    .msg_iovlen = 1, .msg_control = cbuf.buf,
	    .msg_controllen = sizeof(cbuf.buf) };

	memset(m, 0, sizeof(*m));
	m->ttl = -1;
	ssize_t n = recvmsg(fd, &mh, flags | MSG_DONTWAIT);
	if (n < 0)
		return -1;
	m->len = (size_t)n < cap ? (size_t)n : cap;
	m->trunc = (mh.msg_flags & MSG_TRUNC) != 0;
	control(&mh, m);
	return 0;
}

int
pp_net_recv(int fd, unsigned char *buf, size_t cap, struct pp_net_msg *m)
{
	return recv_msg(fd, buf, cap, m, 0);
}

int
pp_net_recv_err(int fd, unsigned char *buf, size_t cap,
    struct pp_net_msg *m)
{
	return recv_msg(fd, buf, cap, m, MSG_ERRQUEUE);
}

/* A batch's headers: one mmsghdr, iovec and control buffer a message. */
struct batch_hdrs {
	struct mmsghdr mm[PP_NET_BATCH];
	struct iovec iov[PP_NET_BATCH];
	struct {
		_Alignas(struct cmsghdr) char buf[CONTROL];
	} cb[PP_NET_BATCH];
};

int
pp_net_batch_init(struct pp_net_batch *b, size_t slot)
{
	memset(b, 0, sizeof(*b));
	if (slot < 256)
		slot = 256;
	slot = (slot + 63) & ~(size_t)63;
	size_t cap = PP_NET_BATCH_BYTES / slot;
	if (cap < 1)
		cap = 1;
	if (cap > PP_NET_BATCH)
		cap = PP_NET_BATCH;
	b->data = malloc(cap * slot);
	b->hdrs = calloc(1, sizeof(struct batch_hdrs));
	if (b->data == NULL || b->hdrs == NULL) {
		pp_net_batch_release(b);
		errno = ENOMEM;
		return -1;
	}
	b->cap = (int)cap;
	b->slot = slot;
	return 0;
}

void
pp_net_batch_release(struct pp_net_batch *b)
{
	free(b->data);
	free(b->hdrs);
	b->data = NULL;
	b->hdrs = NULL;
	b->cap = b->n = 0;
}

unsigned char *
pp_net_batch_data(const struct pp_net_batch *b, int k)
{
	return b->data + (size_t)k * b->slot;
}

int
pp_net_recv_batch(int fd, struct pp_net_batch *b, bool errq)
{
	struct batch_hdrs *h = b->hdrs;

	b->n = 0;
	for (int k = 0; k < b->cap; k++) {
		struct msghdr *mh = &h->mm[k].msg_hdr;
		h->iov[k].iov_base = pp_net_batch_data(b, k);
		h->iov[k].iov_len = b->slot;
		mh->msg_name = &b->msg[k].from;
		mh->msg_namelen = sizeof(b->msg[k].from);
		mh->msg_iov = &h->iov[k];
		mh->msg_iovlen = 1;
		mh->msg_control = h->cb[k].buf;
		mh->msg_controllen = sizeof(h->cb[k].buf);
		mh->msg_flags = 0;
	}
	int n = recvmmsg(fd, h->mm, (unsigned)b->cap, MSG_DONTWAIT |
	    (errq ? MSG_ERRQUEUE : 0), NULL);
	if (n <= 0) {
		if (n == 0)
			errno = EAGAIN;
		return -1;
	}
	for (int k = 0; k < n; k++) {
		struct pp_net_msg *m = &b->msg[k];
		struct msghdr *mh = &h->mm[k].msg_hdr;
		/* All but the sender the kernel just wrote (the first
		 * member). */
		_Static_assert(offsetof(struct pp_net_msg, from) == 0,
		    "from first");
		memset((char *)m + sizeof(m->from), 0, sizeof(*m) -
		    sizeof(m->from));
		if (mh->msg_namelen == 0)
			memset(&m->from, 0, sizeof(m->from));
		m->ttl = -1;
		m->len = h->mm[k].msg_len < b->slot ? h->mm[k].msg_len :
		    b->slot;
		m->trunc = (mh->msg_flags & MSG_TRUNC) != 0;
		control(mh, m);
	}
	b->n = n;
	return n;
}

enum pp_net_setting
pp_net_try(int family, const char *iface, unsigned mark, int tos,
    const struct sockaddr *source, socklen_t source_len)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	enum pp_net_setting bad = PP_NET_OK;

	if (fd == -1)
		return PP_NET_SOCKET;
	if (iface != NULL && pp_net_bind_iface(fd, iface) == -1)
		bad = PP_NET_IFACE;
	else if (mark != 0 && pp_net_set_mark(fd, mark) == -1)
		bad = PP_NET_MARK;
	else if (tos >= 0 && pp_net_set_tos(fd, family, tos) == -1)
		bad = PP_NET_TOS;
	else if (source != NULL) {
		struct sockaddr_storage ss;
		if (source_len > sizeof(ss)) {
			errno = EINVAL;
			bad = PP_NET_SOURCE;
		} else {
			memcpy(&ss, source, source_len);
			if (ss.ss_family == AF_INET6)
				((struct sockaddr_in6 *)&ss)->sin6_port = 0;
			else
				((struct sockaddr_in *)&ss)->sin_port = 0;
			if (bind(fd, (struct sockaddr *)&ss, source_len) == -1)
				bad = PP_NET_SOURCE;
		}
	}
	int keep = errno;
	close(fd);
	errno = keep;
	return bad;
}

int
pp_net_route_source(const struct sockaddr *dst, socklen_t dlen,
    struct sockaddr_storage *src, socklen_t *slen)
{
	return pp_net_route_source_via(dst, dlen, 0, NULL, src, slen);
}

int
pp_net_route_source_via(const struct sockaddr *dst, socklen_t dlen,
    unsigned mark, const char *iface, struct sockaddr_storage *src,
    socklen_t *slen)
{
	struct sockaddr_storage to;

	if (dlen > sizeof(to)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&to, dst, dlen);
	/* Some systems refuse port 0 here; nothing is sent to it. */
	if (to.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = htons(1);
	else
		((struct sockaddr_in *)&to)->sin_port = htons(1);
	int fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	*slen = sizeof(*src);
	int rc = (mark != 0 && pp_net_set_mark(fd, mark) == -1) ||
	    (iface != NULL && pp_net_bind_iface(fd, iface) == -1) ||
	    connect(fd, (struct sockaddr *)&to, dlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)src, slen) == -1 ? -1 : 0;
	int keep = errno;
	close(fd);
	errno = keep;
	if (rc == 0) {
		if (src->ss_family == AF_INET6)
			((struct sockaddr_in6 *)src)->sin6_port = 0;
		else
			((struct sockaddr_in *)src)->sin_port = 0;
	}
	return rc;
}
