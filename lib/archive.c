/* SPDX-License-Identifier: BSD-2-Clause */
/* archive.c: record archives that survive kill -9, rotate, and ride out
 * a full disk (see archive.h for the contract). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/archive.h"
#include "lib/atomic.h"

/* The gzip member header: magic, deflate, no flags, no mtime, Unix. */
static const unsigned char member_header[10] = {
	0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
};

/* Room for n more bytes at a->out.  Returns 0, or -1 (ENOMEM). */
static int
out_reserve(struct pp_archive *a, size_t n)
{
	if (a->out_cap - a->out_len >= n)
		return 0;
	size_t cap = a->out_cap > 0 ? a->out_cap : 4096;
	while (cap - a->out_len < n) {
		if (cap > ((size_t)-1) / 2) {
			errno = ENOMEM;
			return -1;
		}
		cap *= 2;
	}
	unsigned char *p = realloc(a->out, cap);
	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	a->out = p;
	a->out_cap = cap;
	return 0;
}

static void
put_le32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

/* Run deflate over p[0..n-1] with flush into a->out.  Returns 0 or -1. */
static int
deflate_out(struct pp_archive *a, unsigned char *p, size_t n, int flush)
{
	a->zs.next_in = p;
	a->zs.avail_in = (uInt)n;
	for (;;) {
		if (out_reserve(a, 4096) == -1)
			return -1;
		a->zs.next_out = a->out + a->out_len;
		a->zs.avail_out = (uInt)(a->out_cap - a->out_len);
		int zr = deflate(&a->zs, flush);
		a->out_len = a->out_cap - a->zs.avail_out;
		if (zr == Z_STREAM_END)
			return 0;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			errno = EIO;
			return -1;
		}
		/* Done when deflate had room left over and took all input. */
		if (a->zs.avail_out > 0 && a->zs.avail_in == 0)
			return 0;
	}
}

/* Append one record and its newline to the current member or buffer. */
static int
take(struct pp_archive *a, const char *line, size_t len)
{
	if (!a->gzip) {
		if (out_reserve(a, len + 1) == -1)
			return -1;
		memcpy(a->out + a->out_len, line, len);
		a->out[a->out_len + len] = '\n';
		a->out_len += len + 1;
		a->fed += len + 1;
		return 0;
	}
	if (a->scratch_cap < len + 1) {
		unsigned char *p = realloc(a->scratch, len + 1);
		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		a->scratch = p;
		a->scratch_cap = len + 1;
	}
	memcpy(a->scratch, line, len);
	a->scratch[len] = '\n';
	if (deflate_out(a, a->scratch, len + 1, Z_NO_FLUSH) == -1)
		return -1;
	a->crc = crc32(a->crc, a->scratch, (uInt)(len + 1));
	a->size = (a->size + len + 1) & 0xffffffffUL;
	a->fed += len + 1;
	return 0;
}

/*
 * Start the buffer again after a write failure or a rotation: for gzip,
 * the end of the member on disk when it lacks one (an empty final stored
 * block, CRC-32, length), then a new member; the head record again when
 * the file holds nothing yet.
 */
static void
restart(struct pp_archive *a)
{
	a->out_len = 0;
	a->fed = 0;
	if (a->gzip) {
		(void)deflateReset(&a->zs);
		a->crc = crc32(0L, Z_NULL, 0);
		a->size = 0;
		if (out_reserve(a, 13 + sizeof(member_header)) == 0) {
			if (a->disk_open) {
				unsigned char *p = a->out;
				p[0] = 1;	/* BFINAL, stored */
				p[1] = 0;
				p[2] = 0;
				p[3] = 0xff;
				p[4] = 0xff;
				put_le32(p + 5, a->disk_crc);
				put_le32(p + 9, a->disk_size);
				a->out_len = 13;
			}
			memcpy(a->out + a->out_len, member_header,
			    sizeof(member_header));
			a->out_len += sizeof(member_header);
		}
		a->fresh = true;
	}
	a->head_pending = false;
	if (a->good == 0 && a->head != NULL &&
	    take(a, a->head, a->head_len) == 0) {
		a->in_file = 1;
		a->head_pending = true;
	}
}

static void
fail(struct pp_archive *a, const char *what, int e)
{
	pp_error_set(&a->err, "%s '%s': %s", what, a->path, strerror(e));
	errno = e;
}

/* A plain file's failed write left off bytes on disk: keep the whole
 * records among them (cut the rest). */
static void
keep_whole(struct pp_archive *a, size_t off)
{
	size_t keep = off;

	while (keep > 0 && a->out[keep - 1] != '\n')
		keep--;
	if (keep == 0)
		return;
	unsigned long long recs = 0;
	for (size_t i = 0; i < keep; i++)
		recs += a->out[i] == '\n';
	if (a->head_pending)
		recs--;		/* the head is first */
	a->head_pending = false;
	a->pending -= recs < a->pending ? recs : a->pending;
	a->good += keep;
	a->text_done += keep;
	a->comp_done += keep;
}

/* Open path again after a failed open (no truncation: append). */
static int
reopen(struct pp_archive *a)
{
	struct stat st;

	/* A rotated file is never a symlink: one planted at the name while
	 * it was free is not followed. */
	a->fd = open(a->path, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (a->o.rotate > 0 ? O_NOFOLLOW : 0), 0666);
	if (a->fd == -1) {
		fail(a, "cannot open", errno);
		return -1;
	}
	if (fstat(a->fd, &st) == 0 && S_ISREG(st.st_mode))
		a->good = (unsigned long long)st.st_size;
	return 0;
}

/*
 * Write everything pending: sync-flushed (finish: the member's last block
 * and trailer), whole records only.  On failure the bytes are cut off the
 * file again, the pending records counted lost, and the buffer restarted.
 */
static int
commit(struct pp_archive *a, bool finish, double now)
{
	a->last_flush = now;
	if (a->gzip && (a->fed > 0 || a->out_len > 0 || finish)) {
		if (deflate_out(a, NULL, 0, finish ? Z_FINISH :
		    Z_SYNC_FLUSH) == -1) {
			fail(a, "write error on", errno);
			goto lost;
		}
		if (finish) {
			if (out_reserve(a, 8) == -1) {
				fail(a, "write error on", errno);
				goto lost;
			}
			put_le32(a->out + a->out_len, a->crc);
			put_le32(a->out + a->out_len + 4, a->size);
			a->out_len += 8;
		}
	}
	if (a->out_len == 0) {
		a->fed = 0;
		return 0;
	}
	if (a->fd == -1 && reopen(a) == -1)
		goto lost;
	size_t off = 0;
	while (off < a->out_len) {
		ssize_t n = a->regular ?
		    pwrite(a->fd, a->out + off, a->out_len - off,
		    (off_t)(a->good + off)) :
		    write(a->fd, a->out + off, a->out_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n == 0 ? EIO : errno;
			if (!a->gzip && a->regular)
				keep_whole(a, off);
			if (a->regular && ftruncate(a->fd, (off_t)a->good) != 0)
				a->dirty = true;
			fail(a, "write error on", e);
			goto lost;
		}
		off += (size_t)n;
	}
	a->good += a->out_len;
	a->text_done += a->fed;
	a->comp_done += a->out_len;
	if (a->dirty && ftruncate(a->fd, (off_t)a->good) == 0)
		a->dirty = false;
	a->out_len = 0;
	a->fed = 0;
	a->pending = 0;
	a->head_pending = false;
	if (a->gzip) {
		a->disk_open = !finish;
		a->disk_crc = a->crc;
		a->disk_size = a->size;
		a->fresh = false;
	}
	return 0;
lost:
	a->incomplete = true;
	a->lost += a->pending;
	a->pending = 0;
	if (!finish)
		restart(a);
	else
		a->out_len = 0;
	return -1;
}

/* FILE.i (BASE.i.gz) into a->name.  Returns 0, or -1 (ENOMEM). */
static int
rotated_name(struct pp_archive *a, int i)
{
	size_t need = strlen(a->path) + 16;

	if (a->name_cap < need) {
		char *p = realloc(a->name, need);
		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		a->name = p;
		a->name_cap = need;
	}
	(void)snprintf(a->name, a->name_cap, "%.*s.%d%s", (int)a->stem,
	    a->path, i, a->path + a->stem);
	return 0;
}

/* Shift FILE.(keep-1) -> FILE.keep ... FILE -> FILE.1.  Returns 0, or -1
 * (a->err) when a file could not be moved (FILE then stays). */
static int
shift(struct pp_archive *a)
{
	if (a->o.keep == 0) {
		if (unlink(a->path) == -1 && errno != ENOENT) {
			fail(a, "cannot remove", errno);
			return -1;
		}
		return 0;
	}
	for (int i = a->o.keep - 1; i >= 0; i--) {
		char *from = NULL;
		if (i > 0) {
			if (rotated_name(a, i) == -1)
				goto oom;
			from = strdup(a->name);
			if (from == NULL)
				goto oom;
		}
		if (rotated_name(a, i + 1) == -1) {
			free(from);
			goto oom;
		}
		int rc = rename(from != NULL ? from : a->path, a->name);
		int e = errno;
		if (rc == -1 && (e != ENOENT || from == NULL)) {
			pp_error_set(&a->err, "cannot rename '%s' to '%s': %s",
			    from != NULL ? from : a->path, a->name,
			    strerror(e));
			free(from);
			errno = e;
			return -1;
		}
		free(from);
	}
	return 0;
oom:
	fail(a, "cannot rotate", ENOMEM);
	return -1;
}

/* The size of the file once what is pending is written, bytes: exact for
 * plain files; for gzip what deflate has put out, or what it still holds
 * compressed at the ratio seen so far, whichever is more. */
static unsigned long long
size_estimate(const struct pp_archive *a)
{
	unsigned long long est = a->out_len;

	if (a->gzip && a->text_done >= 16384) {
		double e = (double)a->fed * ((double)a->comp_done /
		    (double)a->text_done);
		if (e > (double)est)
			est = (unsigned long long)e;
	}
	return a->good + est;
}

/* Finish the file, shift the names, start FILE again with the head. */
static int
rotate(struct pp_archive *a, double now)
{
	int rc = commit(a, true, now);

	if (a->fd != -1 && close(a->fd) == -1 && rc == 0) {
		fail(a, "write error on", errno);
		rc = -1;
	}
	a->fd = -1;
	a->dirty = false;
	bool moved = shift(a) == 0;
	if (!moved)
		rc = -1;
	else
		a->rotations++;
	a->good = 0;
	a->rot_base = 0;
	if (moved) {
		a->disk_open = false;
		/* The name was free a moment ago: whatever appeared there
		 * since is not ours to follow or fill. */
		a->fd = pp_output_open(a->path, 1);
		if (a->fd == -1) {
			fail(a, "cannot open", errno);
			rc = -1;
		}
	} else if (reopen(a) == -1) {
		rc = -1;
	} else {
		/* FILE stays and grows: try again after another rotate
		 * bytes, not at every record. */
		a->rot_base = a->good;
	}
	a->in_file = 0;
	restart(a);
	return rc;
}

int
pp_archive_open(struct pp_archive *a, const char *path,
    const struct pp_archive_opts *o)
{
	struct stat st;

	memset(a, 0, sizeof(*a));
	pp_error_clear(&a->err);
	a->fd = -1;
	a->last_flush = -HUGE_VAL;
	if (o != NULL)
		a->o = *o;
	if (!(a->o.flush_every > 0))
		a->o.flush_every = 1;
	if (a->o.keep < 0 || a->o.keep > 1000) {
		pp_error_set(&a->err, "keep must be 0 to 1000: %d", a->o.keep);
		errno = EINVAL;
		return -1;
	}
	size_t n = strlen(path);
	a->gzip = n > 3 && strcmp(path + n - 3, ".gz") == 0;
	a->stem = a->gzip ? n - 3 : n;
	a->path = strdup(path);
	if (a->path == NULL) {
		pp_error_set(&a->err, "cannot open '%s': %s", path,
		    strerror(ENOMEM));
		errno = ENOMEM;
		return -1;
	}
	a->fd = pp_output_open(path, 0);
	if (a->fd == -1) {
		fail(a, "cannot open", errno);
		goto out;
	}
	a->regular = fstat(a->fd, &st) == 0 && S_ISREG(st.st_mode);
	if (a->o.rotate > 0 && !a->regular) {
		pp_error_set(&a->err, "cannot rotate '%s': not a regular file",
		    path);
		errno = EINVAL;
		goto out;
	}
	if (a->gzip) {
		if (deflateInit2(&a->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			fail(a, "cannot open", ENOMEM);
			goto out;
		}
		a->zs_ok = true;
	}
	restart(a);
	return 0;
out:;
	int e = errno;
	if (a->fd != -1)
		(void)close(a->fd);
	a->fd = -1;
	free(a->path);
	a->path = NULL;
	errno = e;
	return -1;
}

int
pp_archive_head(struct pp_archive *a, const char *line, size_t len,
    double now)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	char *h = malloc(len > 0 ? len : 1);
	if (h == NULL) {
		fail(a, "write error on", ENOMEM);
		return -1;
	}
	memcpy(h, line, len);
	free(a->head);
	a->head = h;
	a->head_len = len;
	if (take(a, line, len) == -1) {
		fail(a, "write error on", errno);
		return -1;
	}
	a->in_file++;
	a->head_pending = !a->gzip && a->out_len == a->head_len + 1;
	if (now - a->last_flush >= a->o.flush_every)
		return commit(a, false, now);
	return 0;
}

int
pp_archive_write(struct pp_archive *a, const char *line, size_t len,
    double now)
{
	int rc = 0;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (a->o.rotate > 0 && a->in_file > (a->head != NULL ? 1U : 0U) &&
	    size_estimate(a) >= a->rot_base + a->o.rotate &&
	    rotate(a, now) == -1)
		rc = -1;
	if (take(a, line, len) == -1) {
		fail(a, "write error on", errno);
		a->lost++;
		a->incomplete = true;
		return -1;
	}
	a->pending++;
	a->in_file++;
	if ((now - a->last_flush >= a->o.flush_every ||
	    a->fed >= PP_ARCHIVE_CHUNK) && commit(a, false, now) == -1)
		rc = -1;
	return rc;
}

/* Something waits to be written. */
static bool
busy(const struct pp_archive *a)
{
	return a->path != NULL && (a->pending > 0 || a->fed > 0 ||
	    a->out_len > 0);
}

int
pp_archive_tick(struct pp_archive *a, double now)
{
	if (!busy(a) || now - a->last_flush < a->o.flush_every)
		return 0;
	return commit(a, false, now);
}

int
pp_archive_flush(struct pp_archive *a, double now)
{
	if (!busy(a))
		return 0;
	return commit(a, false, now);
}

double
pp_archive_next(const struct pp_archive *a)
{
	if (!busy(a))
		return HUGE_VAL;
	return a->last_flush + a->o.flush_every;
}

int
pp_archive_close(struct pp_archive *a)
{
	int rc = 0;

	if (a->path == NULL)
		return 0;
	if (a->gzip || busy(a))
		rc = commit(a, true, a->last_flush);
	if (a->fd != -1 && close(a->fd) == -1 && rc == 0) {
		fail(a, "write error on", errno);
		rc = -1;
	}
	a->fd = -1;
	if (a->zs_ok)
		(void)deflateEnd(&a->zs);
	a->zs_ok = false;
	free(a->path);
	free(a->name);
	free(a->head);
	free(a->out);
	free(a->scratch);
	a->path = NULL;
	a->name = NULL;
	a->head = NULL;
	a->out = NULL;
	a->scratch = NULL;
	a->out_len = a->out_cap = a->scratch_cap = a->name_cap = 0;
	return rc;
}
