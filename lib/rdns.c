/* SPDX-License-Identifier: BSD-2-Clause */
/* rdns.c: reverse DNS with c-ares (see rdns.h). */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <ares.h>

#include "lib/rdns.h"
#include "lib/util.h"

struct entry {
	char *addr;		/* key (owned), NULL: empty slot */
	char *name;		/* answer (owned), NULL: none */
	enum pp_rdns_state state;
	struct pp_rdns *owner;	/* for the callback */
};

struct pp_rdns {
	ares_channel ch;
	struct entry *tab;	/* open addressing, 2 x PP_RDNS_CACHE */
	size_t size;
	size_t held;
	int inflight;
	int max;
	unsigned long answered;	/* lookups the server answered */
	unsigned long unanswered;	/* timed out or refused */
};

struct pp_rdns *
pp_rdns_new(const char *server, double timeout, int max, struct pp_error *err)
{
	struct ares_options o;
	struct pp_rdns *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL) {
		pp_error_set(err, "out of memory");
		return NULL;
	}
	r->size = PP_RDNS_CACHE * 2;
	r->tab = calloc(r->size, sizeof(*r->tab));
	r->max = max > 0 ? max : 1;
	if (r->tab == NULL) {
		free(r);
		pp_error_set(err, "out of memory");
		return NULL;
	}
	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc == ARES_SUCCESS) {
		memset(&o, 0, sizeof(o));
		o.timeout = (int)(timeout * 1000);
		if (o.timeout < 1)
			o.timeout = 1;
		o.tries = 1;
		rc = ares_init_options(&r->ch, &o, ARES_OPT_TIMEOUTMS |
		    ARES_OPT_TRIES);
	}
	if (rc == ARES_SUCCESS && server != NULL)
		rc = ares_set_servers_ports_csv(r->ch, server);
	if (rc != ARES_SUCCESS) {
		pp_error_set(err, "DNS resolver%s%s: %s", server ? " " : "",
		    server ? server : "", ares_strerror(rc));
		free(r->tab);
		free(r);
		return NULL;
	}
	return r;
}

void
pp_rdns_free(struct pp_rdns *r)
{
	if (r == NULL)
		return;
	ares_destroy(r->ch);	/* runs pending callbacks (cancelled) */
	for (size_t i = 0; i < r->size; i++) {
		free(r->tab[i].addr);
		free(r->tab[i].name);
	}
	free(r->tab);
	free(r);
	ares_library_cleanup();
}

/* The entry of addr, or where it goes. */
static struct entry *
find(struct pp_rdns *r, const char *addr)
{
	size_t i = pp_hash_str(addr) & (r->size - 1);

	while (r->tab[i].addr != NULL && strcmp(r->tab[i].addr, addr) != 0)
		i = (i + 1) & (r->size - 1);
	return &r->tab[i];
}

/* The lookup of one address finished. */
static void
answered(void *arg, int status, int timeouts, struct hostent *h)
{
	struct entry *e = arg;

	/* e stays valid: entries in flight are never evicted or moved. */
	e->state = PP_RDNS_DONE;
	e->owner->inflight--;
	/* Not answered: a query that timed out and no name in the end (the
	 * hosts file, tried too, may have answered without the server). */
	if (status == ARES_ETIMEOUT || status == ARES_ECONNREFUSED ||
	    (timeouts > 0 && status != ARES_SUCCESS))
		e->owner->unanswered++;
	else if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED)
		e->owner->answered++;
	if (status == ARES_SUCCESS && h != NULL && h->h_name != NULL)
		e->name = strdup(h->h_name);
	else if (status == ARES_EDESTRUCTION)
		e->name = NULL;
}

/* Drop the answered entries (the cache is full), keeping those in flight
 * where they are. */
static void
evict(struct pp_rdns *r)
{
	for (size_t i = 0; i < r->size; i++) {
		struct entry *e = &r->tab[i];
		if (e->addr != NULL && e->state == PP_RDNS_DONE) {
			free(e->addr);
			free(e->name);
			e->addr = e->name = NULL;
			r->held--;
		}
	}
}

enum pp_rdns_state
pp_rdns_lookup(struct pp_rdns *r, const char *addr, const char **name)
{
	struct entry *e = find(r, addr);
	unsigned char bin[16];
	int family;
	int len;

	*name = NULL;
	if (e->addr != NULL && e->state != PP_RDNS_WAITING) {
		*name = e->name;
		return e->state;
	}
	if (r->inflight >= r->max)
		return PP_RDNS_WAITING;
	if (inet_pton(AF_INET, addr, bin) == 1) {
		family = AF_INET;
		len = 4;
	} else if (inet_pton(AF_INET6, addr, bin) == 1) {
		family = AF_INET6;
		len = 16;
	} else {
		return PP_RDNS_DONE;	/* not an address: no name */
	}
	if (e->addr == NULL) {
		if (r->held >= PP_RDNS_CACHE) {
			evict(r);
			e = find(r, addr);
		}
		e->addr = strdup(addr);
		if (e->addr == NULL)
			return PP_RDNS_DONE;
		r->held++;
	}
	e->state = PP_RDNS_PENDING;
	e->owner = r;
	r->inflight++;
	ares_gethostbyaddr(r->ch, bin, len, family, answered, e);
	/* A synchronous answer (from c-ares' own cache or an error). */
	if (e->state == PP_RDNS_DONE) {
		*name = e->name;
		return PP_RDNS_DONE;
	}
	return PP_RDNS_PENDING;
}

void
pp_rdns_wait(struct pp_rdns *r, int timeout_ms, int fd, bool *fd_ready)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM + 1];
	struct timeval tv, *tvp, max;
	int n = 0;

	if (fd_ready != NULL)
		*fd_ready = false;
	/* The bit masks of ares_getsock, computed unsigned (c-ares' own
	 * macros shift a signed 1 into the sign bit). */
	unsigned bits = (unsigned)ares_getsock(r->ch, socks,
	    ARES_GETSOCK_MAXNUM);
	for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		bool rd = (bits & (1u << i)) != 0;
		bool wr = (bits & (1u << (i + ARES_GETSOCK_MAXNUM))) != 0;
		if (!rd && !wr)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = (short)((rd ? POLLIN : 0) | (wr ? POLLOUT :
		    0));
		pfd[n].revents = 0;
		n++;
	}
	int nares = n;
	if (fd >= 0) {
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	max.tv_sec = timeout_ms / 1000;
	max.tv_usec = (timeout_ms % 1000) * 1000;
	tvp = ares_timeout(r->ch, timeout_ms >= 0 ? &max : NULL, &tv);
	int ms = tvp == NULL ? -1 : (int)(tvp->tv_sec * 1000 +
	    (tvp->tv_usec + 999) / 1000);
	int rc = poll(pfd, (nfds_t)n, ms);
	if (rc > 0) {
		for (int i = 0; i < nares; i++) {
			ares_socket_t rd = (pfd[i].revents & (POLLIN | POLLERR |
			    POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD;
			ares_socket_t wr = (pfd[i].revents & POLLOUT) ?
			    pfd[i].fd : ARES_SOCKET_BAD;
			if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD)
				ares_process_fd(r->ch, rd, wr);
		}
		if (fd >= 0 && (pfd[n - 1].revents & (POLLIN | POLLHUP |
		    POLLERR)) && fd_ready != NULL)
			*fd_ready = true;
	}
	/* Timeouts are handled here too. */
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

int
pp_rdns_inflight(const struct pp_rdns *r)
{
	return r->inflight;
}

void
pp_rdns_counts(const struct pp_rdns *r, unsigned long *answered,
    unsigned long *unanswered)
{
	*answered = r->answered;
	*unanswered = r->unanswered;
}

bool
pp_rdns_silent(const struct pp_rdns *r)
{
	return r->unanswered > 0 && r->answered == 0;
}
