/* SPDX-License-Identifier: BSD-2-Clause */
/* flowsock.c: the flow sockets (see flowsock.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/flowsock.h"
#include "lib/net_linux.h"

void
pp_flowtab_init(struct pp_flowtab *t)
{
	memset(t, 0, sizeof(*t));
}

void
pp_flowtab_release(struct pp_flowtab *t)
{
	for (int i = 0; i < t->n; i++)
		close(t->fs[i].fd);
	free(t->fs);
	free(t->hash);
	pp_flowtab_init(t);
}

struct pp_flowsock *
pp_flowtab_at(const struct pp_flowtab *t, int i)
{
	return &t->fs[i];
}

void
pp_flowkey_addr(const struct sockaddr *sa, unsigned char out[16])
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
hash(const struct pp_flowkey *k)
{
	uint32_t h = 2166136261u;
	const unsigned char *f[2] = { k->dst, k->src };

	h = (h ^ (uint32_t)k->proto) * 16777619u;
	h = (h ^ (uint32_t)k->family) * 16777619u;
	for (int j = 0; j < 2; j++)
		for (int i = 0; i < 16; i++)
			h = (h ^ f[j][i]) * 16777619u;
	h = (h ^ k->lport) * 16777619u;
	h = (h ^ k->mark) * 16777619u;
	h = (h ^ (uint32_t)k->flow) * 16777619u;
	return h ^ (h >> 15);
}

static bool
same(const struct pp_flowkey *a, const struct pp_flowkey *b)
{
	return a->proto == b->proto && a->family == b->family &&
	    a->flow == b->flow && a->lport == b->lport &&
	    a->mark == b->mark && memcmp(a->dst, b->dst, 16) == 0 &&
	    memcmp(a->src, b->src, 16) == 0;
}

/* The hash slot of k: its entry's, or the empty one it would take. */
static int *
slot(const struct pp_flowtab *t, const struct pp_flowkey *k)
{
	unsigned m = (unsigned)t->nhash - 1;

	for (unsigned i = hash(k) & m;; i = (i + 1) & m) {
		int *s = &t->hash[i];
		if (*s == 0 || same(&t->fs[*s - 1].key, k))
			return s;
	}
}

int
pp_flowtab_find(const struct pp_flowtab *t, const struct pp_flowkey *k)
{
	if (t->nhash == 0)
		return -1;
	return *slot(t, k) - 1;
}

/* Room for one more entry: the hash table at most half full. */
static int
grow(struct pp_flowtab *t)
{
	if (t->n == t->cap) {
		int cap = t->cap > 0 ? t->cap * 2 : 16;
		struct pp_flowsock *fs = realloc(t->fs, (size_t)cap *
		    sizeof(*fs));
		if (fs == NULL)
			return -1;
		t->fs = fs;
		t->cap = cap;
	}
	if ((t->n + 1) * 2 <= t->nhash)
		return 0;
	int n = t->nhash > 0 ? t->nhash * 2 : 32;
	int *h = calloc((size_t)n, sizeof(*h));
	if (h == NULL)
		return -1;
	free(t->hash);
	t->hash = h;
	t->nhash = n;
	for (int i = 0; i < t->n; i++)
		*slot(t, &t->fs[i].key) = i + 1;
	return 0;
}

/* The socket address of family with the address bytes a and port. */
static socklen_t
sockaddr_of(struct sockaddr_storage *ss, int family, const unsigned char *a,
    uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, a, 16);
	return sizeof(*s6);
}

static bool
any(const unsigned char a[16])
{
	static const unsigned char zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* The local address a datagram to the destination of k leaves from,
 * with the flow's mark and interface (policy routing the same). */
static int
route_src(const struct pp_flowkey *k, const struct pp_flowsock_opts *o,
    unsigned char out[16])
{
	struct sockaddr_storage dst, src;
	socklen_t sl = sockaddr_of(&dst, k->family, k->dst, 0);

	if (pp_net_route_source_via((struct sockaddr *)&dst, sl, k->mark,
	    o->iface, &src, &sl) == -1)
		return -1;
	pp_flowkey_addr((struct sockaddr *)&src, out);
	return 0;
}

int
pp_flowtab_open(struct pp_flowtab *t, const struct pp_flowkey *k,
    const struct pp_flowsock_opts *o, bool *opened)
{
	*opened = false;
	int i = pp_flowtab_find(t, k);
	if (i >= 0)
		return i;
	if (grow(t) == -1)
		return -1;
	struct pp_flowsock f;
	memset(&f, 0, sizeof(f));
	f.key = *k;
	f.errq = o->errq;
	memcpy(f.src, k->src, 16);
	if (o->route_src && any(f.src) && route_src(k, o, f.src) == -1)
		return -1;
	bool udp = k->proto == IPPROTO_UDP;
	f.fd = socket(k->family, (udp ? SOCK_DGRAM | SOCK_NONBLOCK :
	    SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (f.fd < 0)
		return -1;
	int on = 1;
	if ((k->lport != 0 && setsockopt(f.fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1) ||
	    (o->recv && pp_net_recv_opts(f.fd, k->family, o->errq) == -1) ||
	    (o->tos >= 0 && pp_net_set_tos(f.fd, k->family, o->tos) == -1) ||
	    (k->mark != 0 && pp_net_set_mark(f.fd, k->mark) == -1) ||
	    (o->iface != NULL && pp_net_bind_iface(f.fd, o->iface) == -1))
		goto fail;
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(&ss, k->family, f.src, k->lport);
	bool taken = false;
	if (bind(f.fd, (struct sockaddr *)&ss, sl) == -1) {
		/* The port asked for is another socket's: packets the engine
		 * builds carry it all the same (as mtr-packet's raw sockets
		 * do), this socket holding a port of its own. */
		if (errno != EADDRINUSE || !o->route_src || k->lport == 0)
			goto fail;
		sl = sockaddr_of(&ss, k->family, f.src, 0);
		if (bind(f.fd, (struct sockaddr *)&ss, sl) == -1)
			goto fail;
		taken = true;
	}
	sl = sizeof(ss);
	if (getsockname(f.fd, (struct sockaddr *)&ss, &sl) == -1)
		goto fail;
	f.port = ntohs(k->family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->
	    sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	if (taken)
		f.port = k->lport;
	t->fs[t->n] = f;
	*slot(t, k) = ++t->n;
	*opened = true;
	return t->n - 1;
fail:;
	int keep = errno;
	close(f.fd);
	errno = keep;
	return -1;
}
