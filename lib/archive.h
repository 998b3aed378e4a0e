/* SPDX-License-Identifier: BSD-2-Clause */
/* archive.h: the probers' -o FILE[.gz]: crash-safe, rotating, full-disk
 * tolerant record archives.
 *
 * API (the command owns the printing; this module never prints):
 *
 *	struct pp_archive ar;
 *	struct pp_archive_opts ao = { .rotate = 0, .keep = 5 };
 *	if (pp_archive_open(&ar, path, &ao) == -1)
 *		errx(1, "%s", ar.err.msg);		(nothing to release)
 *	pp_archive_head(&ar, meta, len, mono);	meta heads every file
 *	pp_archive_write(&ar, line, len, mono);	each record, no '\n'
 *	pp_archive_tick(&ar, mono);		from the event loop, >= 1/s
 *	pp_archive_close(&ar);			at the end; releases
 *
 * mono is CLOCK_MONOTONIC in seconds.  Every call but open returns 0, or
 * -1 when a write, rename or open failed during that call (ar.err says
 * what, errno is set): the command reports the first failure (once), goes
 * on, and exits 1 at the end.  ar.incomplete says whether records were
 * lost (a write failed) or not (only a rename failed).  Records taken
 * while the disk is full are lost and counted in ar.lost; writing resumes
 * by itself at the next flush that succeeds (tried at most once a second,
 * never in a busy loop); a plain file keeps the whole records of a write
 * that filled the disk.
 *
 * What is on disk: records are buffered and written at flush points only,
 * whole records each time, at least once a second (tick or write when a
 * second has passed) and whenever 1 MiB is pending.  A gzip file (the name
 * ends in ".gz") is written with a Z_SYNC_FLUSH at each flush point, so
 * after a crash or kill -9 it ends on a record boundary and zcat and
 * pp-stats read every record up to the last flush.  A failed write is cut
 * off the file again (ftruncate), a gzip member cut short is finished
 * (empty final block, CRC and length of what it holds) when space comes
 * back, and a new member continues the file: zcat -t then passes.
 *
 * Rotation (opts.rotate > 0, regular files only): before a record is
 * written, a file that has reached rotate bytes is finished and shifted
 * like logrotate: FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1, and
 * FILE starts again with the head record; a gzip FILE named BASE.gz is
 * shifted as BASE.1.gz, BASE.2.gz, ...  At most keep rotated files remain
 * (keep 0: the full file is deleted).  When FILE cannot be renamed it
 * stays (appended to, with a new gzip member) and rotation is tried again
 * once it has grown by another rotate bytes.  A plain file grows past
 * rotate by at most one record; for gzip, what zlib still holds is
 * estimated at the compression ratio seen so far, so a file ends within a
 * few per cent of rotate (until 16 KiB were written, before a ratio is
 * known, it can go past it by one deflate block). */
#ifndef PP_ARCHIVE_H
#define PP_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include <zlib.h>

#include "lib/error.h"

/* Flush whenever this much record text is pending, bytes. */
#define PP_ARCHIVE_CHUNK (1024 * 1024)

/* How an archive is written. */
struct pp_archive_opts {
	unsigned long long rotate;	/* rotate at this size, bytes (0: no) */
	int keep;		/* rotated files kept (0 to 1000) */
	double flush_every;	/* seconds between flushes; 0 means 1 */
};

/* An open archive.  Caller-provided storage; every member is private
 * except err, lost, incomplete, rotations, which callers read. */
struct pp_archive {
	struct pp_error err;	/* the last failure ("write error on ...") */
	unsigned long long lost;	/* records taken that are not on disk */
	bool incomplete;	/* a write failed: records are missing */
	unsigned long long rotations;	/* files rotated */

	char *path;		/* FILE (owned) */
	char *name;		/* scratch for rotated names (owned) */
	size_t name_cap;	/* bytes allocated at name */
	size_t stem;		/* bytes of path before ".gz" (or all) */
	struct pp_archive_opts o;	/* as given (flush_every filled in) */
	bool gzip;		/* gzip output (the name ends in ".gz") */
	bool regular;		/* a regular file: cut, rotate, pwrite */
	int fd;			/* the file, -1 while it could not be opened */
	unsigned long long good;	/* bytes on disk that are whole */
	unsigned long long rot_base;	/* size when a rotation failed */
	bool dirty;		/* bytes past good may be on disk */
	char *head;		/* the head record (owned), NULL before head */
	size_t head_len;	/* bytes at head */
	bool head_pending;	/* out begins with the head (plain files) */
	unsigned char *out;	/* bytes to write at the next flush (owned) */
	size_t out_len;		/* bytes used at out */
	size_t out_cap;		/* bytes allocated at out */
	size_t fed;		/* record bytes taken since the last flush */
	unsigned long long pending;	/* records taken since the last flush */
	unsigned long long text_done;	/* record bytes written, whole run */
	unsigned long long comp_done;	/* bytes they took on disk */
	unsigned long long in_file;	/* records in the current file */
	unsigned char *scratch;	/* a record and its newline (owned) */
	size_t scratch_cap;	/* bytes allocated at scratch */
	double last_flush;	/* mono s of the last flush (or try) */
	z_stream zs;		/* raw deflate of the current member */
	bool zs_ok;		/* zs is initialised */
	bool fresh;		/* out starts the current member (header) */
	bool disk_open;		/* a member on disk lacks its end */
	unsigned long disk_crc;	/* CRC-32 of what that member holds */
	unsigned long disk_size;	/* bytes it holds, mod 2^32 */
	unsigned long crc;	/* CRC-32 of the current member's text */
	unsigned long size;	/* bytes of the current member's text */
};

/* Open (create or truncate) path for writing records; gzip when the name
 * ends in ".gz".  o may be NULL (no rotation, flush once a second).
 * Returns 0, or -1 with errno and a->err set ("cannot open 'f': ...",
 * "cannot rotate 'f': not a regular file") and nothing to release. */
int pp_archive_open(struct pp_archive *a, const char *path,
    const struct pp_archive_opts *o);

/* The record every file begins with (the run's meta record): copied, and
 * written now as the first record of this file and of every rotated one.
 * line is one record of len bytes, without the newline.  Returns as
 * pp_archive_write. */
int pp_archive_head(struct pp_archive *a, const char *line, size_t len,
    double now);

/* Take one record (len bytes, without the newline; a trailing newline is
 * ignored).  Rotates first when the file is full; flushes when a second
 * has passed since the last flush or PP_ARCHIVE_CHUNK is pending.  Returns
 * 0, or -1 when a write, rename or open failed now (a->err, errno). */
int pp_archive_write(struct pp_archive *a, const char *line, size_t len,
    double now);

/* Flush when a second (flush_every) has passed since the last flush and
 * something is pending.  Returns 0, or -1 as pp_archive_write. */
int pp_archive_tick(struct pp_archive *a, double now);

/* Flush now (what is pending; the file stays open). */
int pp_archive_flush(struct pp_archive *a, double now);

/* When the next tick has work, mono s (HUGE_VAL when nothing is pending),
 * for an event loop's poll timeout. */
double pp_archive_next(const struct pp_archive *a);

/* Write what is pending, finish the gzip member, close the file and free
 * everything.  Returns 0, or -1 when that last write or close failed
 * (a->err, errno; a->lost counts what is missing).  a->err and a->lost
 * stay readable. */
int pp_archive_close(struct pp_archive *a);

#endif /* PP_ARCHIVE_H */
