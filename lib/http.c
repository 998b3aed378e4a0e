/* SPDX-License-Identifier: BSD-2-Clause */
/* http.c: one HTTP/1.1 POST per connection (see http.h). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/http.h"
#include "lib/util.h"

int
pp_url_parse(const char *s, struct pp_url *u, struct pp_error *err)
{
	static const char scheme[] = "http://";
	const char *p;
	const char *host;
	const char *hend;
	const char *port = NULL;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, scheme, sizeof(scheme) - 1) != 0) {
		pp_error_set(err, "not an http:// URL (https and others are "
		    "not supported)");
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			pp_error_set(err, "a space or control character in "
			    "the URL");
			return -1;
		}
	}
	host = s + sizeof(scheme) - 1;
	p = host + strcspn(host, "/?#");
	if (*p == '#' || strchr(p, '#') != NULL) {
		pp_error_set(err, "a fragment (#) in the URL");
		return -1;
	}
	n = (size_t)(p - host);
	if (n == 0 || n >= sizeof(u->authority)) {
		pp_error_set(err, n == 0 ? "no host in the URL" :
		    "host too long");
		return -1;
	}
	if (memchr(host, '@', n) != NULL) {
		pp_error_set(err, "user information (user@) in the URL is "
		    "not supported");
		return -1;
	}
	memcpy(u->authority, host, n);
	u->authority[n] = '\0';
	if (host[0] == '[') {
		hend = memchr(host, ']', n);
		if (hend == NULL) {
			pp_error_set(err, "unclosed [ in the URL's host");
			return -1;
		}
		if (hend + 1 < p) {
			if (hend[1] != ':') {
				pp_error_set(err, "junk after ] in the URL");
				return -1;
			}
			port = hend + 2;
		}
		host++;
	} else {
		hend = memchr(host, ':', n);
		if (hend != NULL)
			port = hend + 1;
		else
			hend = p;
	}
	n = (size_t)(hend - host);
	if (n == 0 || n >= sizeof(u->host)) {
		pp_error_set(err, "no host in the URL");
		return -1;
	}
	memcpy(u->host, host, n);
	u->host[n] = '\0';
	if (port != NULL) {
		size_t pl = (size_t)(p - port);
		char tmp[8];
		const char *errstr = NULL;
		if (pl == 0 || pl >= sizeof(tmp)) {
			pp_error_set(err, "bad port in the URL");
			return -1;
		}
		memcpy(tmp, port, pl);
		tmp[pl] = '\0';
		if (pp_strtonum(tmp, 1, 65535, &errstr) == 0 && errstr !=
		    NULL) {
			pp_error_set(err, "bad port in the URL: %s", tmp);
			return -1;
		}
		memcpy(u->port, tmp, pl + 1);
	} else {
		memcpy(u->port, "80", 3);
	}
	if (*p == '\0') {
		memcpy(u->target, "/", 2);
	} else {
		n = strlen(p);
		if (n >= sizeof(u->target)) {
			pp_error_set(err, "URL too long");
			return -1;
		}
		if (*p == '?') {
			u->target[0] = '/';
			memcpy(u->target + 1, p, n + 1);
		} else {
			memcpy(u->target, p, n + 1);
		}
	}
	return 0;
}

/* Milliseconds left before deadline (pp_mono_ns), 0 when passed. */
static int
left_ms(long long deadline)
{
	long long d = (deadline - pp_mono_ns()) / 1000000;

	return d > 0 ? (int)(d < 1 << 30 ? d : 1 << 30) : 0;
}

/* Wait for ev on fd until deadline: 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = ev };
		int ms = left_ms(deadline);
		int r = poll(&pfd, 1, ms);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* A connected socket to one of u's addresses, or -1 (err set). */
static int
dial(const struct pp_url *u, long long deadline, struct pp_error *err)
{
	struct addrinfo hints;
	struct addrinfo *res = NULL;
	int fd = -1;
	int saved = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int gr = getaddrinfo(u->host, u->port, &hints, &res);
	if (gr != 0) {
		pp_error_set(err, "cannot resolve %s: %s", u->host,
		    gai_strerror(gr));
		errno = EHOSTUNREACH;
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			int w = wait_fd(fd, POLLOUT, deadline);
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
			    &sl) == 0 && soerr == 0)
				break;
			saved = w == 0 ? ETIMEDOUT : w == 1 ? soerr : errno;
		} else {
			saved = errno;
		}
		(void)close(fd);
		fd = -1;
		if (left_ms(deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		pp_error_set(err, "connect %s: %s", u->authority,
		    strerror(saved));
		errno = saved;
	}
	return fd;
}

/* Send all of buf: 0, or -1 (errno). */
static int
send_all(int fd, const char *buf, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = wait_fd(fd, POLLOUT, deadline);
			if (r == 0)
				errno = ETIMEDOUT;
			if (r != 1)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

/* Where "\r\n\r\n" starts in buf, or NULL. */
static const char *
end_of_head(const char *buf, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i;
	return NULL;
}

/* The status code of a status line "HTTP/1.x NNN ...", or -1. */
static int
status_of(const char *s, size_t n)
{
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ')
		return -1;
	int code = 0;
	for (int i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		code = code * 10 + (s[i] - '0');
	}
	if (code < 100 || code > 599 || (n > 12 && s[12] != ' ' &&
	    s[12] != '\r'))
		return -1;
	return code;
}

int
pp_http_post(const struct pp_url *u, const char *ctype, const void *body,
    size_t len, int timeout_ms, struct pp_http_reply *r,
    struct pp_error *err)
{
	long long deadline = pp_mono_ns() + (long long)timeout_ms * 1000000;
	char head[2600];
	char in[4096];
	size_t got = 0;
	int ret = -1;
	int fd;

	memset(r, 0, sizeof(*r));
	int hn = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: pp/" PP_VERSION "\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", u->target,
	    u->authority, ctype, len);
	if (hn < 0 || (size_t)hn >= sizeof(head)) {
		pp_error_set(err, "request head too long");
		errno = EINVAL;
		return -1;
	}
	fd = dial(u, deadline, err);
	if (fd == -1)
		return -1;
	if (send_all(fd, head, (size_t)hn, deadline) == -1 ||
	    send_all(fd, body, len, deadline) == -1) {
		int saved = errno;
		pp_error_set(err, "send to %s: %s", u->authority,
		    strerror(saved));
		errno = saved;
		goto out;
	}
	/* Read until the head is complete (or the buffer is full), then the
	 * body's start; the rest is drained until EOF or the deadline. */
	const char *eoh = NULL;
	bool eof = false;
	for (;;) {
		if (got == sizeof(in))
			break;
		ssize_t n = recv(fd, in + got, sizeof(in) - got, 0);
		if (n > 0) {
			got += (size_t)n;
			if (eoh == NULL)
				eoh = end_of_head(in, got);
			if (eoh != NULL && (size_t)(in + got - (eoh + 4)) >=
			    sizeof(r->body) - 1)
				break;
			continue;
		}
		if (n == 0) {
			eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = wait_fd(fd, POLLIN, deadline);
			if (w == 1)
				continue;
			if (w == 0 && eoh != NULL)
				break;	/* the head is there: enough */
			if (w == 0)
				errno = ETIMEDOUT;
		}
		int saved = errno;
		if (got > 0 && memchr(in, '\n', got) != NULL)
			break;
		pp_error_set(err, "no answer from %s: %s", u->authority,
		    saved == ETIMEDOUT ? "timed out" : strerror(saved));
		errno = saved;
		goto out;
	}
	const char *eol = memchr(in, '\n', got);
	if (eol == NULL) {
		pp_error_set(err, "%s from %s", got == 0 && eof ?
		    "connection closed before the status line" :
		    "bad status line", u->authority);
		errno = EPROTO;
		goto out;
	}
	r->status = status_of(in, (size_t)(eol - in));
	if (r->status == -1) {
		r->status = 0;
		pp_error_set(err, "bad status line from %s", u->authority);
		errno = EPROTO;
		goto out;
	}
	if (eoh != NULL) {
		size_t bl = (size_t)(in + got - (eoh + 4));
		if (bl > sizeof(r->body) - 1)
			bl = sizeof(r->body) - 1;
		for (size_t i = 0; i < bl; i++) {
			unsigned char c = (unsigned char)eoh[4 + i];
			r->body[i] = c < ' ' || c == 0x7f ? ' ' : (char)c;
		}
		r->body[bl] = '\0';
	}
	ret = 0;
out:
	if (fd != -1) {
		int saved = errno;
		(void)close(fd);
		errno = saved;
	}
	return ret;
}
