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
enum { PEND_NONE, PEND_CORRUPT, PEND_TRUNCATED, PEND_READ, PEND_GARBAGE,
    PEND_RESYNC };

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
	r->raw_base = r->member_at = r->cand_at = 0;
	r->out_total = r->cand_out = r->magic_base = 0;
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
	r->raw_base += r->raw_len;
	r->raw_pos = 0;
	r->raw_len = (size_t)got;
	return got;
}

/* The index in raw of the first possible gzip member start (its magic
 * bytes, method deflate, no reserved flag) at or after raw[from], or
 * raw_len; remembered for the calls that follow.  (One split between two
 * reads is not seen: the search after a corrupt member then starts where
 * it failed.) */
static size_t
next_magic(struct pp_reader *r, size_t from)
{
	if (r->magic_base == r->raw_base + 1 && r->magic_len == r->raw_len &&
	    r->magic_from <= from && from <= r->magic_at)
		return r->magic_at;
	size_t i = from;
	while (i + 4 <= r->raw_len) {
		const unsigned char *p = memchr(r->raw + i, 0x1f,
		    r->raw_len - 3 - i);
		if (p == NULL)
			break;
		if (p[1] == 0x8b && p[2] == 8 && (p[3] & 0xe0) == 0) {
			i = (size_t)(p - r->raw);
			goto found;
		}
		i = (size_t)(p - r->raw) + 1;
	}
	i = r->raw_len;
found:
	r->magic_base = r->raw_base + 1;
	r->magic_len = r->raw_len;
	r->magic_from = from;
	r->magic_at = i;
	return i;
}

/* Pass over raw[raw_pos..to-1], noting whether it held more than
 * zeros. */
static void
skip(struct pp_reader *r, size_t to)
{
	for (size_t i = r->raw_pos; i < to && !r->resync_nonzero; i++)
		r->resync_nonzero = r->raw[i] != 0;
	r->raw_pos = to;
}

/* Find the next gzip member in the operand from raw[from] on (its magic
 * bytes, method deflate and no reserved flag), reading on as needed:
 * archives are concatenated with cat, and one cut by a crash (pp-probe -o
 * flushes whole records, so it ends inside a member) must not take the
 * following ones with it.  Returns 1 with raw_pos at the member (the bytes
 * passed over looked at by skip()), 0 when the operand has none
 * (everything consumed), -1 on a read error. */
static int
gz_resync(struct pp_reader *r, size_t from)
{
	for (;;) {
		size_t i = from;
		for (; i + 4 <= r->raw_len; i++) {
			const unsigned char *p = r->raw + i;
			if (p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 &&
			    (p[3] & 0xe0) == 0) {
				skip(r, i);
				return 1;
			}
		}
		/* Keep the last three bytes: a magic may straddle reads. */
		if (r->eof) {
			skip(r, r->raw_len);
			return 0;
		}
		if (i > r->raw_pos)
			skip(r, i);
		size_t keep = r->raw_len - r->raw_pos;
		memmove(r->raw, r->raw + r->raw_pos, keep);
		r->raw_base += r->raw_pos;
		r->raw_pos = 0;
		r->raw_len = keep;
		ssize_t got = read_some(r, r->raw + keep, RAW_SIZE - keep);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		r->raw_len += (size_t)got;
		from = 0;
	}
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
					r->raw_base += r->raw_pos;
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
					if (zeros && r->eof) {
						r->raw_pos = r->raw_len;
						return 0;
					}
					/* Garbage: said, and a member after
					 * it read. */
					r->resync_nonzero = false;
					int f = gz_resync(r, r->raw_pos);
					if (f == -1) {
						r->pending = PEND_READ;
						return -1;
					}
					if (f == 0) {
						if (r->resync_nonzero)
							r->pending =
							    PEND_GARBAGE;
						r->eof = true;
						return 0;
					}
					r->gz_msg = NULL;
					r->pending = PEND_RESYNC;
					return 0;
				}
			}
			r->member_at = r->raw_base + r->raw_pos;
			if (gz_begin(r) == -1) {
				r->pending = PEND_READ;
				return -1;
			}
			r->gz_active = true;
		}
		/* The inflate stops at what could be the next member's
		 * start (a member cut short leaves one there): should the
		 * data turn out corrupt later, what it decoded past here
		 * was that member's bytes taken for this one's, and is
		 * dropped (see below). */
		size_t used, made, at = r->raw_pos;
		size_t lim = next_magic(r, at + 1) - at;
		int g = gz_run(r, r->raw + at, lim, r->buf + r->buf_end,
		    space > 0x40000000 ? 0x40000000 : space, &used, &made);
		r->raw_pos += used;
		r->buf_end += made;
		r->out_total += made;
		if (g == GZ_MORE && r->raw_pos == at + lim &&
		    r->raw_pos < r->raw_len) {
			r->cand_at = r->raw_base + r->raw_pos;
			r->cand_out = r->out_total;
		}
		if (g == GZ_END) {
			r->gz_active = false;
			r->gz_any = true;
		} else if (g == GZ_ERR) {
			/* A member cut short (a crashed run's archive with
			 * another after it), or corrupt: read on from the
			 * next member.  When the inflate passed what could
			 * be one's start in this member, it is that one,
			 * and what was decoded from it (the start of the
			 * next archive read as this one's data, copies of
			 * earlier lines among it) is dropped unless some
			 * was already taken as lines; else the next one
			 * after the failing point. */
			r->gz_active = false;
			r->resync_nonzero = false;
			if (r->cand_at > r->member_at &&
			    r->cand_at >= r->raw_base) {
				r->raw_pos = (size_t)(r->cand_at -
				    r->raw_base);
				size_t extra = (size_t)(r->out_total -
				    r->cand_out);
				if (extra > r->buf_end - r->buf_start)
					extra = r->buf_end - r->buf_start;
				r->buf_end -= extra;
				made = made > extra ? made - extra : 0;
			}
			int f = gz_resync(r, r->raw_pos);
			if (f == -1) {
				r->pending = PEND_READ;
				return -1;
			}
			r->pending = f == 1 ? PEND_RESYNC : PEND_CORRUPT;
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

/* The message for data passed over to the next gzip member of the
 * operand, which is read on; a line cut there is dropped with it.  Corrupt
 * data lost records (an error, status 1); garbage between members did not
 * (a warning). */
static enum pp_read
report_resync(struct pp_reader *r, struct pp_error *err)
{
	bool garbage = r->gz_msg == NULL;

	r->buf_start = r->buf_end;
	r->skipping = false;
	r->pending = PEND_NONE;
	set_err(err, r->source, 0);
	if (garbage)
		pp_error_set(err, "garbage after gzip data (after line %lu) "
		    "skipped: read on from the gzip member at byte %llu",
		    r->lineno, r->raw_base + r->raw_pos);
	else
		pp_error_set(err, "corrupt gzip data after line %lu (%s): "
		    "read on from the next gzip member, at byte %llu (a "
		    "cut archive followed by another?)", r->lineno,
		    r->gz_msg, r->raw_base + r->raw_pos);
	r->gz_msg = NULL;
	if (garbage) {
		r->warned++;
		return PP_READ_WARN;
	}
	r->failed++;
	return PP_READ_IOERR;
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
		    r->pending != PEND_CORRUPT && r->pending != PEND_RESYNC) {
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
		if (r->pending == PEND_RESYNC)
			return report_resync(r, err);
		if (r->pending != PEND_NONE)
			return report_pending(r, saved, err);
		close_operand(r);
	}
}
