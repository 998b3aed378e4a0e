/* SPDX-License-Identifier: BSD-2-Clause */
/* input.c: the line reader.  Reads operands with read(2) and decodes gzip
 * with an inflate loop of its own (rather than gzread) so that it knows
 * when a read would block (the output is flushed then), where a member
 * ends, and whether the data stopped in the middle of one.  The inflate is
 * ISA-L's when built with it (three times zlib's speed here: README,
 * "Dependencies"), zlib's otherwise; both check each member's CRC-32 and
 * length. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/input.h"

#ifdef PP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#define RAW_SIZE (128 * 1024)
#define BUF_INIT (256 * 1024)

enum { MODE_NONE, MODE_PLAIN, MODE_GZIP };
enum { PEND_NONE, PEND_CORRUPT, PEND_TRUNCATED, PEND_READ, PEND_GARBAGE };

int
pp_reader_init(struct pp_reader *r, char *const *paths, int npaths,
    const struct pp_reader_opts *opts)
{
	memset(r, 0, sizeof(*r));
	r->paths = paths;
	r->npaths = npaths;
	r->fd = -1;
	if (opts != NULL)
		r->opts = *opts;
	if (r->opts.max_line == 0)
		r->opts.max_line = PP_LINE_MAX;
	r->raw = malloc(RAW_SIZE);
	r->buf_cap = BUF_INIT;
	r->buf = malloc(r->buf_cap);
	if (r->raw == NULL || r->buf == NULL) {
		free(r->raw);
		free(r->buf);
		r->raw = NULL;
		r->buf = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ inflate */

/* What gz_run() did. */
enum { GZ_MORE, GZ_END, GZ_ERR };

/* Start a gzip member: a new state for the operand's first, a reset one
 * for the next.  Returns 0, or -1 (ENOMEM). */
static int
gz_begin(struct pp_reader *r)
{
#ifdef PP_HAVE_ISAL
	if (r->gz == NULL && (r->gz = malloc(sizeof(struct inflate_state))) ==
	    NULL) {
		errno = ENOMEM;
		return -1;
	}
	struct inflate_state *st = r->gz;
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;
#else
	z_stream *zs = r->gz;
	if (zs != NULL)
		return inflateReset(zs) == Z_OK ? 0 : -1;
	if ((zs = calloc(1, sizeof(*zs))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (inflateInit2(zs, 15 + 16) != Z_OK) {
		free(zs);
		errno = ENOMEM;
		return -1;
	}
	r->gz = zs;
#endif
	return 0;
}

/* Inflate from in[0..inlen-1] into out[0..outlen-1] (outlen below 2^32):
 * *used and *made say how much.  GZ_END when the member ended (its
 * trailer checked), GZ_ERR when the data is corrupt (r->gz_msg says why),
 * else GZ_MORE. */
static int
gz_run(struct pp_reader *r, unsigned char *in, size_t inlen, char *out,
    size_t outlen, size_t *used, size_t *made)
{
	if (inlen > 0x40000000)
		inlen = 0x40000000;
#ifdef PP_HAVE_ISAL
	struct inflate_state *st = r->gz;
	st->next_in = in;
	st->avail_in = (uint32_t)inlen;
	st->next_out = (uint8_t *)out;
	st->avail_out = (uint32_t)outlen;
	int rc = isal_inflate(st);
	*used = inlen - st->avail_in;
	*made = outlen - st->avail_out;
	switch (rc) {
	case ISAL_DECOMP_OK:
	case ISAL_END_INPUT:
	case ISAL_OUT_OVERFLOW:
		return st->block_state == ISAL_BLOCK_FINISH ? GZ_END : GZ_MORE;
	case ISAL_INVALID_BLOCK:
		r->gz_msg = "invalid block";
		break;
	case ISAL_INVALID_SYMBOL:
		r->gz_msg = "invalid code";
		break;
	case ISAL_INVALID_LOOKBACK:
		r->gz_msg = "invalid distance too far back";
		break;
	case ISAL_INVALID_WRAPPER:
		r->gz_msg = "incorrect header check";
		break;
	case ISAL_UNSUPPORTED_METHOD:
		r->gz_msg = "unknown compression method";
		break;
	case ISAL_INCORRECT_CHECKSUM:
		r->gz_msg = "incorrect data check";
		break;
	default:
		r->gz_msg = "invalid data";
		break;
	}
	return GZ_ERR;
#else
	z_stream *zs = r->gz;
	zs->next_in = in;
	zs->avail_in = (uInt)inlen;
	zs->next_out = (Bytef *)out;
	zs->avail_out = (uInt)outlen;
	int zrc = inflate(zs, Z_NO_FLUSH);
	*used = inlen - zs->avail_in;
	*made = outlen - zs->avail_out;
	if (zrc == Z_STREAM_END)
		return GZ_END;
	if (zrc == Z_OK || zrc == Z_BUF_ERROR)
		return GZ_MORE;
	r->gz_msg = zs->msg != NULL ? zs->msg : "invalid data";
	return GZ_ERR;
#endif
}

/* Free the inflate state. */
static void
gz_free(struct pp_reader *r)
{
#ifndef PP_HAVE_ISAL
	if (r->gz != NULL)
		(void)inflateEnd(r->gz);
#endif
	free(r->gz);
	r->gz = NULL;
}

/* ------------------------------------------------------------- reader */

static void
close_operand(struct pp_reader *r)
{
	if (r->fd != -1 && !r->is_stdin)
		(void)close(r->fd);
	r->fd = -1;
	r->gz_msg = NULL;
	r->gz_active = false;
	r->gz_any = false;
	r->mode = MODE_NONE;
	r->eof = false;
	r->raw_len = r->raw_pos = 0;
	r->buf_start = r->buf_end = 0;
	r->skipping = false;
	r->bom_done = false;
	r->pending = PEND_NONE;
}

void
pp_reader_release(struct pp_reader *r)
{
	close_operand(r);
	gz_free(r);
	free(r->raw);
	free(r->buf);
	r->raw = NULL;
	r->buf = NULL;
}

static void
set_err(struct pp_error *err, const char *source, unsigned long line)
{
	err->source = source;
	err->line = line;
	err->column = 0;
}

/* Open the next operand.  Returns 1 when one is open, 0 when none is
 * left, -1 when it could not be opened (err set). */
static int
open_next(struct pp_reader *r, struct pp_error *err)
{
	int n = r->npaths > 0 ? r->npaths : 1;

	if (r->next >= n)
		return 0;
	const char *path = r->npaths > 0 ? r->paths[r->next] : "-";
	r->next++;
	r->lineno = 0;
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
		r->is_stdin = true;
		r->source = "<stdin>";
		return 1;
	}
	r->is_stdin = false;
	r->source = path;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd == -1) {
		pp_error_set(err, "cannot open '%s': %s", path,
		    strerror(errno));
		set_err(err, NULL, 0);
		return -1;
	}
	return 1;
}

/* read(2) into dst, retrying EINTR, flushing output first when the read
 * would block.  Returns bytes read, 0 at EOF, -1 on error. */
static ssize_t
read_some(struct pp_reader *r, void *dst, size_t n)
{
	if (r->opts.would_block != NULL) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int rc;
		do
			rc = poll(&pfd, 1, 0);
		while (rc == -1 && errno == EINTR);
		if (rc == 0)
			r->opts.would_block(r->opts.arg);
	}
	for (;;) {
		ssize_t got = read(r->fd, dst, n);
		if (got >= 0)
			return got;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
			(void)poll(&pfd, 1, -1);
			continue;
		}
		return -1;
	}
}

/* Make room for at least `want` more decoded bytes in buf: move the
 * unconsumed part to the front, grow up to the line cap. */
static int
make_room(struct pp_reader *r, size_t want)
{
	if (r->buf_start > 0 && (r->buf_cap - r->buf_end < want ||
	    r->buf_start == r->buf_end)) {
		memmove(r->buf, r->buf + r->buf_start,
		    r->buf_end - r->buf_start);
		r->buf_end -= r->buf_start;
		r->buf_start = 0;
	}
	if (r->buf_cap - r->buf_end >= want)
		return 0;
	size_t ncap = r->buf_cap * 2;
	size_t limit = r->opts.max_line + RAW_SIZE + 2;
	if (ncap > limit)
		ncap = limit;
	if (ncap <= r->buf_cap)
		return 0;	/* at the cap: the caller skips the line */
	char *nbuf = realloc(r->buf, ncap);
	if (nbuf == NULL)
		return -1;
	r->buf = nbuf;
	r->buf_cap = ncap;
	return 0;
}

/* Refill raw from fd.  Returns bytes now available, 0 at EOF, -1 on a
 * read error. */
static ssize_t
fill_raw(struct pp_reader *r)
{
	if (r->raw_pos < r->raw_len)
		return (ssize_t)(r->raw_len - r->raw_pos);
	if (r->eof)
		return 0;
	ssize_t got = read_some(r, r->raw, RAW_SIZE);
	if (got <= 0) {
		if (got == 0)
			r->eof = true;
		return got;
	}
	r->raw_pos = 0;
	r->raw_len = (size_t)got;
	return got;
}

/* Decode more bytes into buf.  Returns >0 when bytes were added, 0 at the
 * end of the operand (r->pending may say why it ended), -1 when a read
 * error happened (pending set). */
static int
decode_more(struct pp_reader *r)
{
	for (;;) {
		if (make_room(r, 4096) == -1) {
			r->pending = PEND_READ;
			errno = ENOMEM;
			return -1;
		}
		/* One byte is kept for the NUL after a final line. */
		size_t space = r->buf_cap - r->buf_end;
		if (space <= 1)
			return 1;	/* full: caller handles the long line */
		space--;
		if (r->mode == MODE_PLAIN && r->raw_pos >= r->raw_len) {
			if (r->eof)
				return 0;
			ssize_t got = read_some(r, r->buf + r->buf_end, space);
			if (got < 0) {
				r->pending = PEND_READ;
				return -1;
			}
			if (got == 0) {
				r->eof = true;
				return 0;
			}
			r->buf_end += (size_t)got;
			return 1;
		}
		ssize_t avail = fill_raw(r);
		if (avail < 0) {
			r->pending = PEND_READ;
			return -1;
		}
		if (r->mode == MODE_NONE) {
			/* Decide on the first two bytes. */
			if (avail == 1 && !r->eof) {
				/* One byte so far: read on to see two. */
				ssize_t got = read_some(r, r->raw + 1,
				    RAW_SIZE - 1);
				if (got < 0) {
					r->pending = PEND_READ;
					return -1;
				}
				if (got == 0)
					r->eof = true;
				r->raw_len += (size_t)got;
				avail = (ssize_t)r->raw_len;
			}
			if (avail >= 2 && r->raw[r->raw_pos] == 0x1f &&
			    r->raw[r->raw_pos + 1] == 0x8b)
				r->mode = MODE_GZIP;
			else
				r->mode = MODE_PLAIN;
			if (avail == 0)
				return 0;
		}
		if (r->mode == MODE_PLAIN) {
			size_t n = r->raw_len - r->raw_pos;
			if (n > space)
				n = space;
			memcpy(r->buf + r->buf_end, r->raw + r->raw_pos, n);
			r->raw_pos += n;
			r->buf_end += n;
			return 1;
		}
		/* gzip */
		if (avail == 0) {
			if (r->gz_active) {
				r->pending = PEND_TRUNCATED;
			}
			return 0;
		}
		if (!r->gz_active) {
			/* A new member must start with the magic bytes. */
			if (r->gz_any) {
				if (r->raw_len - r->raw_pos < 2 && !r->eof) {
					size_t left = r->raw_len - r->raw_pos;
					memmove(r->raw, r->raw + r->raw_pos,
					    left);
					r->raw_pos = 0;
					r->raw_len = left;
					ssize_t got = read_some(r,
					    r->raw + left, RAW_SIZE - left);
					if (got < 0) {
						r->pending = PEND_READ;
						return -1;
					}
					if (got == 0)
						r->eof = true;
					r->raw_len += (size_t)got;
				}
				size_t left = r->raw_len - r->raw_pos;
				const unsigned char *p = r->raw + r->raw_pos;
				if (left < 2 || p[0] != 0x1f || p[1] != 0x8b) {
					/* Padding of zeros is harmless. */
					bool zeros = true;
					for (size_t i = 0; i < left; i++)
						zeros = zeros && p[i] == 0;
					if (!zeros)
						r->pending = PEND_GARBAGE;
					r->raw_pos = r->raw_len;
					r->eof = true;
					return 0;
				}
			}
			if (gz_begin(r) == -1) {
				r->pending = PEND_READ;
				return -1;
			}
			r->gz_active = true;
		}
		size_t used, made;
		int g = gz_run(r, r->raw + r->raw_pos, r->raw_len - r->raw_pos,
		    r->buf + r->buf_end, space > 0x40000000 ? 0x40000000 :
		    space, &used, &made);
		r->raw_pos += used;
		r->buf_end += made;
		if (g == GZ_END) {
			r->gz_active = false;
			r->gz_any = true;
		} else if (g == GZ_ERR) {
			r->pending = PEND_CORRUPT;
			return made > 0 ? 1 : 0;
		} else if (used == 0 && made == 0 && r->raw_pos < r->raw_len) {
			/* No progress with input and room: never expected. */
			r->gz_msg = "inflate made no progress";
			r->pending = PEND_CORRUPT;
			return 0;
		}
		if (made > 0)
			return 1;
	}
}

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* The message for a pending end of operand; returns the read result. */
static enum pp_read
report_pending(struct pp_reader *r, int saved_errno, struct pp_error *err)
{
	enum pp_read res = PP_READ_IOERR;

	set_err(err, r->source, 0);
	switch (r->pending) {
	case PEND_TRUNCATED:
		pp_error_set(err, "truncated gzip data: input ends inside a "
		    "compressed member after line %lu", r->lineno);
		res = PP_READ_WARN;
		break;
	case PEND_GARBAGE:
		pp_error_set(err, "trailing garbage after gzip data ignored "
		    "(after line %lu)", r->lineno);
		res = PP_READ_WARN;
		break;
	case PEND_CORRUPT:
		pp_error_set(err, "corrupt gzip data after line %lu: %s",
		    r->lineno, r->gz_msg != NULL ? r->gz_msg : "invalid data");
		break;
	default:
		pp_error_set(err, "read error after line %lu: %s", r->lineno,
		    strerror(saved_errno));
		break;
	}
	if (res == PP_READ_WARN)
		r->warned++;
	else
		r->failed++;
	close_operand(r);
	return res;
}

enum pp_read
pp_reader_next(struct pp_reader *r, struct pp_error *err)
{
	for (;;) {
		if (r->fd == -1) {
			int rc = open_next(r, err);
			if (rc == 0)
				return PP_READ_EOF;
			if (rc == -1) {
				r->failed++;
				return PP_READ_IOERR;
			}
		}
		/* A complete line in the buffer? */
		char *start = r->buf + r->buf_start;
		size_t avail = r->buf_end - r->buf_start;
		char *nl = avail > 0 ? memchr(start, '\n', avail) : NULL;
		/* A byte order mark (editors on Windows write one) would make
		 * line 1, the meta record, invalid: skipped, and said.  At
		 * the start of a later line it is a file joined with cat,
		 * whose meta record (its vantage point) must not be lost
		 * either. */
		if (!r->bom_done && (avail >= 3 || nl != NULL)) {
			r->bom_done = true;
			if (avail >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0) {
				r->buf_start += 3;
				set_err(err, r->source, r->lineno + 1);
				pp_error_set(err, "UTF-8 byte order mark at the "
				    "start skipped");
				return PP_READ_NOTE;
			}
		} else if (avail >= 3 && (unsigned char)start[0] == 0xef &&
		    !r->skipping && memcmp(start, "\xef\xbb\xbf", 3) == 0) {
			r->buf_start += 3;
			set_err(err, r->source, r->lineno + 1);
			pp_error_set(err, "UTF-8 byte order mark at the start of "
			    "the line skipped (a file joined with cat?)");
			return PP_READ_NOTE;
		}
		if (nl != NULL) {
			size_t n = (size_t)(nl - start);
			r->buf_start += n + 1;
			if (r->skipping) {
				r->skipping = false;
				r->lineno++;
				continue;
			}
			r->lineno++;
			if (n > r->opts.max_line) {
				set_err(err, r->source, r->lineno);
				pp_error_set(err, "line longer than %zu bytes; "
				    "skipped", r->opts.max_line);
				return PP_READ_BAD;
			}
			if (n > 0 && start[n - 1] == '\r')
				n--;
			start[n] = '\0';
			if (blank(start, n))
				continue;
			r->line = start;
			r->len = n;
			return PP_READ_OK;
		}
		/* No newline: an over-long line is dropped as it streams. */
		if (avail > r->opts.max_line) {
			r->buf_start = r->buf_end;
			if (!r->skipping) {
				r->skipping = true;
				set_err(err, r->source, r->lineno + 1);
				pp_error_set(err, "line longer than %zu bytes; "
				    "skipped", r->opts.max_line);
				return PP_READ_BAD;
			}
			continue;
		}
		int got = r->pending != PEND_NONE ? 0 : decode_more(r);
		int saved = errno;
		if (got > 0)
			continue;
		/* End of this operand, or an error: a final line without a
		 * newline is returned first (not after a gzip cut). */
		avail = r->buf_end - r->buf_start;
		if (avail > 0 && !r->skipping && r->pending != PEND_TRUNCATED &&
		    r->pending != PEND_CORRUPT) {
			start = r->buf + r->buf_start;
			r->buf[r->buf_end] = '\0';
			r->buf_start = r->buf_end;
			r->lineno++;
			size_t n = avail;
			if (start[n - 1] == '\r')
				start[--n] = '\0';
			if (blank(start, n))
				continue;
			r->line = start;
			r->len = n;
			return PP_READ_OK;
		}
		if (r->pending != PEND_NONE)
			return report_pending(r, saved, err);
		close_operand(r);
	}
}
