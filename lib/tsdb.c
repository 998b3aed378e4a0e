/* SPDX-License-Identifier: BSD-2-Clause */
/* tsdb.c: the spool and its sender (see tsdb.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "lib/tsdb.h"
#include "lib/util.h"

#define SEQ_DIGITS 20

static void
name_of(uint64_t seq, const char *suffix, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%0*llu%s", SEQ_DIGITS,
	    (unsigned long long)seq, suffix);
}

/* The sequence number of a spool file's name "N.lp", or -1. */
static int
seq_of(const char *name, uint64_t *seq)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < SEQ_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	if (strcmp(name + i, ".lp") != 0)
		return -1;
	*seq = v;
	return 0;
}

/* Append (seq, size) as the newest batch: 0, or -1 (ENOMEM). */
static int
push(struct pp_tsdb *t, uint64_t seq, uint64_t size)
{
	if (t->n == t->cap) {
		size_t cap = t->cap != 0 ? t->cap * 2 : 64;
		uint64_t *ns = malloc(cap * sizeof(*ns));
		uint64_t *nz = malloc(cap * sizeof(*nz));
		if (ns == NULL || nz == NULL) {
			free(ns);
			free(nz);
			errno = ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < t->n; i++) {
			ns[i] = t->seq[(t->head + i) % t->cap];
			nz[i] = t->size[(t->head + i) % t->cap];
		}
		free(t->seq);
		free(t->size);
		t->seq = ns;
		t->size = nz;
		t->head = 0;
		t->cap = cap;
	}
	t->seq[(t->head + t->n) % t->cap] = seq;
	t->size[(t->head + t->n) % t->cap] = size;
	t->n++;
	t->bytes += size;
	return 0;
}

static void
pop(struct pp_tsdb *t)
{
	t->bytes -= t->size[t->head];
	t->head = (t->head + 1) % t->cap;
	t->n--;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Take up the batches of an earlier run, in order. */
static int
scan(struct pp_tsdb *t, struct pp_error *err)
{
	int fd = dup(t->dirfd);
	DIR *d = fd != -1 ? fdopendir(fd) : NULL;
	uint64_t *found = NULL;
	size_t nfound = 0;
	size_t afound = 0;
	struct dirent *e;
	int ret = -1;

	if (d == NULL) {
		if (fd != -1)
			(void)close(fd);
		pp_error_set(err, "cannot read %s: %s", t->o.spool,
		    strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		uint64_t seq;
		if (seq_of(e->d_name, &seq) == -1)
			continue;
		if (nfound == afound) {
			afound = afound != 0 ? afound * 2 : 64;
			uint64_t *nf = realloc(found, afound * sizeof(*nf));
			if (nf == NULL)
				goto oom;
			found = nf;
		}
		found[nfound++] = seq;
	}
	if (nfound > 0)
		qsort(found, nfound, sizeof(*found), cmp_u64);
	for (size_t i = 0; i < nfound; i++) {
		char name[SEQ_DIGITS + 8];
		struct stat st;
		name_of(found[i], ".lp", name, sizeof(name));
		if (fstatat(t->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (push(t, found[i], (uint64_t)st.st_size) == -1)
			goto oom;
		t->next_seq = found[i] + 1;
		t->resumed++;
	}
	ret = 0;
	goto out;
oom:
	pp_error_set(err, "out of memory");
	errno = ENOMEM;
out:
	free(found);
	(void)closedir(d);
	return ret;
}

int
pp_tsdb_open(struct pp_tsdb *t, const struct pp_tsdb_opts *o,
    struct pp_error *err)
{
	memset(t, 0, sizeof(*t));
	t->o = *o;
	t->dirfd = t->lockfd = -1;
	t->next_seq = 1;
	if (pp_url_parse(o->url, &t->url, err) == -1)
		return -1;
	if (mkdir(o->spool, 0700) == -1 && errno != EEXIST) {
		pp_error_set(err, "cannot create %s: %s", o->spool,
		    strerror(errno));
		return -1;
	}
	t->dirfd = open(o->spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd == -1) {
		pp_error_set(err, "cannot open %s: %s", o->spool,
		    strerror(errno));
		return -1;
	}
	t->lockfd = openat(t->dirfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (t->lockfd == -1 || flock(t->lockfd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;
		pp_error_set(err, "%s: %s", o->spool, saved == EWOULDBLOCK ?
		    "in use by another process" : strerror(saved));
		pp_tsdb_close(t);
		errno = saved;
		return -1;
	}
	if (scan(t, err) == -1) {
		pp_tsdb_close(t);
		return -1;
	}
	return 0;
}

int
pp_tsdb_add(struct pp_tsdb *t, const void *buf, size_t len)
{
	char name[SEQ_DIGITS + 8];
	char path[PATH_MAX];

	if (len == 0)
		return 0;
	if (len > t->o.spool_max || t->bytes > t->o.spool_max - len) {
		t->refused++;
		t->refused_bytes += len;
		errno = ENOSPC;
		return -1;
	}
	name_of(t->next_seq, ".lp", name, sizeof(name));
	int n = snprintf(path, sizeof(path), "%s/%s", t->o.spool, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Room in the ring first: a batch on disk is always in it. */
	if (push(t, t->next_seq, len) == -1)
		return -1;
	if (pp_atomic_write(path, buf, len) == -1) {
		int saved = errno;
		t->n--;
		t->bytes -= len;
		errno = saved;
		return -1;
	}
	t->next_seq++;
	return 0;
}

bool
pp_tsdb_due(const struct pp_tsdb *t, double now)
{
	return t->n > 0 && now >= t->next_try;
}

/* The attempt failed: back off. */
static enum pp_tsdb_event
failed(struct pp_tsdb *t, double now)
{
	if (!t->failing)
		t->fail_since = now;
	t->failing = true;
	t->failures++;
	t->backoff = t->backoff <= 0 ? t->o.backoff_min : t->backoff * 2;
	if (t->backoff > t->o.backoff_max)
		t->backoff = t->o.backoff_max;
	t->next_try = now + t->backoff;
	return PP_TSDB_FAILED;
}

/* Read the oldest batch into a new buffer (*len bytes): 0, or -1. */
static int
read_oldest(struct pp_tsdb *t, char **buf, size_t *len)
{
	char name[SEQ_DIGITS + 8];
	struct stat st;
	size_t got = 0;
	char *b = NULL;

	name_of(t->seq[t->head], ".lp", name, sizeof(name));
	int fd = openat(t->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1)
		goto fail;
	b = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (b == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			goto fail;
		}
		got += (size_t)r;
	}
	(void)close(fd);
	*buf = b;
	*len = got;
	return 0;
fail:;
	int saved = errno;
	(void)snprintf(t->err, sizeof(t->err), "cannot read %s/%s: %s",
	    t->o.spool, name, strerror(saved));
	free(b);
	if (fd != -1)
		(void)close(fd);
	errno = saved;
	return -1;
}

enum pp_tsdb_event
pp_tsdb_pump(struct pp_tsdb *t, double now)
{
	struct pp_http_reply r;
	struct pp_error e;
	char name[SEQ_DIGITS + 8];
	char *buf = NULL;
	size_t len = 0;

	if (!pp_tsdb_due(t, now))
		return PP_TSDB_IDLE;
	if (read_oldest(t, &buf, &len) == -1) {
		/* Gone (removed by hand) or unreadable: skip it, said. */
		pop(t);
		return PP_TSDB_IOERR;
	}
	pp_error_clear(&e);
	int rc = pp_http_post(&t->url, "text/plain; charset=utf-8", buf, len,
	    t->o.timeout_ms, &r, &e);
	free(buf);
	t->last_status = rc == 0 ? r.status : 0;
	if (rc == -1) {
		(void)snprintf(t->err, sizeof(t->err), "%s", e.msg);
		return failed(t, now);
	}
	name_of(t->seq[t->head], ".lp", name, sizeof(name));
	if (r.status >= 200 && r.status <= 299) {
		t->sent++;
		t->sent_bytes += t->size[t->head];
		t->failing = false;
		t->backoff = 0;
		t->next_try = 0;
		pop(t);
		if (unlinkat(t->dirfd, name, 0) == -1) {
			(void)snprintf(t->err, sizeof(t->err), "cannot remove "
			    "%s/%s: %s", t->o.spool, name, strerror(errno));
			return PP_TSDB_IOERR;
		}
		return PP_TSDB_SENT;
	}
	(void)snprintf(t->err, sizeof(t->err), "HTTP %d%s%s", r.status,
	    r.body[0] != '\0' ? ": " : "", r.body);
	if (r.status == 400 || r.status == 413 || r.status == 422) {
		char aside[SEQ_DIGITS + 16];
		name_of(t->seq[t->head], ".rejected", aside, sizeof(aside));
		t->rejected++;
		pop(t);
		if (renameat(t->dirfd, name, t->dirfd, aside) == -1)
			(void)unlinkat(t->dirfd, name, 0);
		return PP_TSDB_REJECTED;
	}
	return failed(t, now);
}

double
pp_tsdb_clock(void)
{
	return (double)pp_mono_ns() / 1e9;
}

/* A message to o.report, whatever its length. */
static void __attribute__((format(printf, 2, 3)))
say(const struct pp_tsdb *t, const char *fmt, ...)
{
	char small[1024];
	char *msg = small;
	va_list ap;

	if (t->o.report == NULL)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		char *big = malloc((size_t)n + 1);
		if (big != NULL) {
			va_start(ap, fmt);
			(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			msg = big;
		}
	}
	t->o.report(t->o.arg, msg);
	if (msg != small)
		free(msg);
}

/* Say what an attempt at now did. */
static void
said(struct pp_tsdb *t, enum pp_tsdb_event ev, double now)
{
	switch (ev) {
	case PP_TSDB_FAILED:
		if (!t->said_failing)
			say(t, "cannot send to %s: %s; %zu batch%s kept in %s, "
			    "retried", t->o.url, t->err, t->n,
			    pp_plural(t->n, "", "es"), t->o.spool);
		break;
	case PP_TSDB_SENT:
		if (t->said_failing)
			say(t, "sending to %s again after %.1f s (%llu "
			    "attempts failed meanwhile)", t->o.url,
			    now - t->fail_since, t->failures);
		break;
	case PP_TSDB_REJECTED:
		say(t, "%s refused a batch (%s): kept aside in %s as "
		    "*.rejected, not sent again", t->o.url, t->err,
		    t->o.spool);
		break;
	case PP_TSDB_IOERR:
		say(t, "%s", t->err);
		break;
	case PP_TSDB_IDLE:
		break;
	}
	t->said_failing = t->failing;
}

void
pp_tsdb_send(struct pp_tsdb *t)
{
	double now = pp_tsdb_clock();

	while (pp_tsdb_due(t, now)) {
		enum pp_tsdb_event ev = pp_tsdb_pump(t, now);
		said(t, ev, now);
		if (ev == PP_TSDB_FAILED)
			break;
		now = pp_tsdb_clock();
	}
}

int
pp_tsdb_ship(struct pp_tsdb *t, const void *buf, size_t len)
{
	if (len > 0 && pp_tsdb_add(t, buf, len) == -1) {
		if (errno != ENOSPC)
			return -1;
		if (!t->said_full)
			say(t, "the spool %s is full (%llu bytes, "
			    "--spool-max %llu): newer windows are not kept "
			    "until the server takes the older", t->o.spool,
			    t->bytes, t->o.spool_max);
		t->said_full = true;
	} else if (len > 0) {
		t->said_full = false;
	}
	pp_tsdb_send(t);
	return 0;
}

int
pp_tsdb_drain(struct pp_tsdb *t, double deadline)
{
	int status = 0;

	for (;;) {
		double now = pp_tsdb_clock();
		if (t->n == 0 || now >= deadline)
			break;
		if (!pp_tsdb_due(t, now)) {
			double until = t->next_try < deadline ? t->next_try :
			    deadline;
			(void)poll(NULL, 0, (int)((until - now) * 1000) + 1);
			continue;
		}
		pp_tsdb_send(t);
	}
	if (t->n > 0) {
		say(t, "%zu batch%s (%llu bytes) not sent to %s (%s): kept in "
		    "%s for the next run", t->n, pp_plural(t->n, "", "es"),
		    t->bytes, t->o.url, t->err, t->o.spool);
		status = -1;
	}
	if (t->refused > 0) {
		say(t, "%llu batch%s (%llu bytes) lost: the spool %s was full "
		    "(--spool-max %llu)", t->refused, pp_plural(t->refused, "",
		    "es"), t->refused_bytes, t->o.spool, t->o.spool_max);
		status = -1;
	}
	if (t->rejected > 0)
		status = -1;
	return status;
}

void
pp_tsdb_close(struct pp_tsdb *t)
{
	if (t->lockfd != -1)
		(void)close(t->lockfd);
	if (t->dirfd != -1)
		(void)close(t->dirfd);
	t->lockfd = t->dirfd = -1;
	free(t->seq);
	free(t->size);
	t->seq = t->size = NULL;
	t->n = t->cap = t->head = 0;
}
