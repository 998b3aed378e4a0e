/* SPDX-License-Identifier: BSD-2-Clause */
/* rdns.h: asynchronous reverse DNS (c-ares) for pp-geo: answers cached
 * (names and failures alike, at most PP_RDNS_CACHE addresses), at most
 * max lookups in flight, each bounded by a timeout (one try). */
#ifndef PP_RDNS_H
#define PP_RDNS_H

#include <stdbool.h>

#include "lib/error.h"

#define PP_RDNS_CACHE 65536	/* addresses remembered */

/* A lookup's state. */
enum pp_rdns_state {
	PP_RDNS_DONE,		/* answered (the name may be NULL: none) */
	PP_RDNS_PENDING,	/* in flight */
	PP_RDNS_WAITING		/* not started: too many in flight */
};

struct pp_rdns;

/* Set up a resolver: server "ip" or "ip:port" (NULL: the system's),
 * timeout in seconds, at most max lookups in flight.  Returns a new
 * resolver (free with pp_rdns_free), or NULL with err set. */
struct pp_rdns *pp_rdns_new(const char *server, double timeout, int max,
    struct pp_error *err);
void pp_rdns_free(struct pp_rdns *r);

/* The state of addr's lookup, starting it when new and a slot is free.
 * On PP_RDNS_DONE *name is the name (borrowed, until the next call that
 * may evict: pp_rdns_lookup on a full cache) or NULL. */
enum pp_rdns_state pp_rdns_lookup(struct pp_rdns *r, const char *addr,
    const char **name);

/* Wait up to timeout_ms for answers (or for fd, when >= 0, to become
 * readable: then *fd_ready is set) and process them. */
void pp_rdns_wait(struct pp_rdns *r, int timeout_ms, int fd, bool *fd_ready);

/* Lookups in flight. */
int pp_rdns_inflight(const struct pp_rdns *r);

/* Lookups the server answered (with a name or without one), and lookups
 * it never answered (timed out, or its port refused the query). */
void pp_rdns_counts(const struct pp_rdns *r, unsigned long *answered,
    unsigned long *unanswered);

/* Whether the server looks silent: lookups went unanswered and none was
 * answered. */
bool pp_rdns_silent(const struct pp_rdns *r);

#endif /* PP_RDNS_H */
