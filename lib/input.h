/* SPDX-License-Identifier: BSD-2-Clause */
/* input.h: the record-stream reader: operands in order, stdin as "-",
 * gzip detected by its magic bytes (multi-member archives too), lines up to
 * a hard cap, CRLF tolerated, blank lines skipped, a UTF-8 byte order mark
 * at the start of an operand skipped (and reported). */
#ifndef PP_INPUT_H
#define PP_INPUT_H

#include <stdbool.h>
#include <stddef.h>


#include "lib/error.h"

/* The longest line accepted, in bytes (without the newline).  A longer
 * line is consumed without being stored and reported as PP_READ_BAD. */
#define PP_LINE_MAX (1024 * 1024)

/* What pp_reader_next() found. */
enum pp_read {
	PP_READ_OK,	/* a line: r->line, r->len (NUL-terminated) */
	PP_READ_EOF,	/* every operand has been read */
	PP_READ_BAD,	/* a line was skipped (too long); err says why */
	PP_READ_WARN,	/* the operand ended early but its complete lines
			 * were all returned (truncated gzip); err says why */
	PP_READ_IOERR,	/* the operand could not be opened or read (or its
			 * gzip data is corrupt); err says why; the next call
			 * goes on with the next operand */
	PP_READ_NOTE	/* a remark, nothing lost: a UTF-8 byte order mark
			 * at the start of the operand was skipped; err says
			 * so (with line 1); reading goes on */
};

/* Reader options. */
struct pp_reader_opts {
	size_t max_line;	/* line cap in bytes; 0 means PP_LINE_MAX */
	void (*would_block)(void *arg);	/* called before a read that would
					 * block (flush output there); may
					 * be NULL */
	void *arg;		/* passed to would_block */
};

/* A reader over a list of operands.  Caller-provided storage: init with
 * pp_reader_init(), free with pp_reader_release(). */
struct pp_reader {
	char *const *paths;	/* operands, borrowed; "-" is stdin */
	int npaths;		/* number of operands (0 means stdin) */
	int next;		/* index of the next operand to open */
	struct pp_reader_opts opts;	/* copy of the options */
	const char *source;	/* display name of the current operand */
	int fd;			/* current descriptor, -1 when none */
	bool is_stdin;		/* fd is 0: never closed */
	bool eof;		/* the current fd hit end of file */
	int mode;		/* 0 undecided, 1 plain, 2 gzip */
	bool gz_active;		/* inside a gzip member (zs initialised) */
	bool gz_any;		/* at least one member finished */
	void *gz;		/* inflate state (owned): ISA-L's when built
				 * with it (PP_HAVE_ISAL), else zlib's */
	const char *gz_msg;	/* why the gzip data is corrupt */
	unsigned char *raw;	/* raw input bytes */
	size_t raw_len;		/* valid bytes in raw */
	size_t raw_pos;		/* next unread byte in raw */
	char *buf;		/* decoded bytes, lines are cut from here */
	size_t buf_start;	/* first unconsumed byte in buf */
	size_t buf_end;		/* end of valid bytes in buf */
	size_t buf_cap;		/* size of buf */
	bool skipping;		/* discarding the rest of an over-long line */
	bool bom_done;		/* the operand's start was looked at for a
				 * byte order mark */
	unsigned long skip_line;	/* line number of that line */
	unsigned long lineno;	/* number of the line last returned */
	const char *line;	/* the line: borrowed, valid until next call */
	size_t len;		/* its length in bytes */
	unsigned long failed;	/* operands that could not be read */
	unsigned long warned;	/* operands that ended early */
	int pending;		/* an error to report before reading on */
};

/* Set up r over paths[0..npaths-1] (npaths 0: stdin).  The array and
 * strings are borrowed and must outlive r.  opts may be NULL.  Returns 0,
 * or -1 (ENOMEM). */
int pp_reader_init(struct pp_reader *r, char *const *paths, int npaths,
    const struct pp_reader_opts *opts);

/* Read the next line.  On PP_READ_OK, r->line/r->len hold it (borrowed
 * until the next call), r->source and r->lineno say where it came from.
 * Other results fill err (with source and line) and the caller calls
 * again to go on.  Never stops early on bad input. */
enum pp_read pp_reader_next(struct pp_reader *r, struct pp_error *err);

/* Close the current operand and free the buffers (not r itself). */
void pp_reader_release(struct pp_reader *r);

#endif /* PP_INPUT_H */
