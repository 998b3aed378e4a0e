/* SPDX-License-Identifier: BSD-2-Clause */
/* http.h: the smallest HTTP/1.1 client pp needs: one POST per connection
 * (Connection: close) to a plain http:// URL, with a deadline over the
 * whole exchange (resolve aside: a host name goes through getaddrinfo,
 * which has no deadline; give a numeric address where that matters).
 * No TLS, no redirects, no proxies, no authentication: a database on
 * another machine is reached through a local relay or an SSH tunnel
 * (pp-stats(1), MONITORING SYSTEMS).  The response's status line is read,
 * and its first bytes kept for a diagnostic; the rest is drained until
 * the server closes or the deadline. */
#ifndef PP_HTTP_H
#define PP_HTTP_H

#include <stddef.h>

#include "lib/error.h"

/* A parsed http:// URL. */
struct pp_url {
	char host[256];		/* name or address, IPv6 without brackets */
	char port[8];		/* decimal, "80" when not given */
	char target[2048];	/* path and query, "/" when not given */
	char authority[272];	/* host[:port] as given, for Host: */
};

/* Parse s ("http://host[:port][/path][?query]"; an IPv6 address in
 * brackets).  Returns 0, or -1 with err->msg ("not an http:// URL",
 * "bad port", "too long", a space or control character ...). */
int pp_url_parse(const char *s, struct pp_url *u, struct pp_error *err);

/* The answer to a request. */
struct pp_http_reply {
	int status;		/* HTTP status code, 100 to 599 */
	char body[256];		/* the start of the body, NUL-terminated,
				 * control characters as spaces */
};

/* POST body (len bytes) with the Content-Type ctype to u, within
 * timeout_ms milliseconds for connecting, sending and reading the status
 * line.  Returns 0 when the server answered (r filled, whatever the
 * status), or -1 when it could not be reached or did not answer in time:
 * err->msg says why ("connect 127.0.0.1:8428: Connection refused",
 * "timed out", "connection closed before the status line", "bad status
 * line") and errno is set.  SIGPIPE is not raised (MSG_NOSIGNAL). */
int pp_http_post(const struct pp_url *u, const char *ctype,
    const void *body, size_t len, int timeout_ms, struct pp_http_reply *r,
    struct pp_error *err);

#endif /* PP_HTTP_H */
