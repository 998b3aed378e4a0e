/* SPDX-License-Identifier: BSD-2-Clause */
/* jscan.h: a fast, validating scanner for one flat JSON object, the shape
 * of nearly every record (a probe is one object of strings and numbers).
 * It accepts exactly what jansson's json_loadb(JSON_REJECT_DUPLICATES)
 * accepts for such a line (tests/unit/test_jscan.c checks this against
 * jansson on tables and on random mutations; tests/fuzz/ does it without
 * end), and hands back the top-level members, decoded.  A line with a
 * nested object or array, or more than PP_JSCAN_MAX members, is left to
 * jansson (PP_JSCAN_NESTED). */
#ifndef PP_JSCAN_H
#define PP_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

/* Members captured, at most. */
#define PP_JSCAN_MAX 48

/* What a member's value is. */
enum pp_jkind {
	PP_J_STRING,
	PP_J_INT,
	PP_J_REAL,
	PP_J_TRUE,
	PP_J_FALSE,
	PP_J_NULL,
	PP_J_OTHER		/* an object or array: never from the scanner
				 * (lib/record.c gives it to jansson's values) */
};

/* The tag of a key (struct pp_jmember.tag) as a constant, for a switch:
 * n the key's length (at most 255), c0..c6 its first seven bytes (0 past
 * its end).  Keys of up to seven bytes are equal exactly when their tags
 * are; longer ones share a tag when their first seven bytes and length
 * do. */
#define PP_JTAG(n, c0, c1, c2, c3, c4, c5, c6) \
	(((((unsigned long long)(unsigned char)(c0)) | \
	((unsigned long long)(unsigned char)(c1) << 8) | \
	((unsigned long long)(unsigned char)(c2) << 16) | \
	((unsigned long long)(unsigned char)(c3) << 24) | \
	((unsigned long long)(unsigned char)(c4) << 32) | \
	((unsigned long long)(unsigned char)(c5) << 40) | \
	((unsigned long long)(unsigned char)(c6) << 48)) << 8) ^ \
	(unsigned long long)(n) ^ ((unsigned long long)(n) << 56))

/* One member.  key and str point into the scanner's arena (a copy of the
 * line, strings decoded in place). */
struct pp_jmember {
	const char *key;	/* decoded key, NUL-terminated */
	size_t klen;		/* its length */
	unsigned long long tag;	/* first 7 bytes and length: quick equality
				 * (PP_JTAG) */
	enum pp_jkind kind;	/* the value's kind */
	const char *str;	/* PP_J_STRING: decoded, NUL-terminated */
	size_t slen;		/* its length (may contain no NUL: \u0000 is
				 * rejected, as jansson does) */
	long long i;		/* PP_J_INT */
	double d;		/* PP_J_INT and PP_J_REAL, as a double */
};

/* Results. */
enum pp_jscan_rc {
	PP_JSCAN_OK = 0,	/* a flat object: members filled */
	PP_JSCAN_BAD = -1,	/* not valid JSON (err says where and why) */
	PP_JSCAN_NOT_OBJECT = -2,	/* valid JSON, not an object */
	PP_JSCAN_NESTED = 1	/* has nested values or too many members:
				 * use the full parser */
};

/* A key the scanner expects at a member's place: the one the last line
 * scanned whole had there (records of a stream share their keys). */
struct pp_jpred {
	unsigned long long w[2];	/* the key's bytes and its closing
					 * quote, zeros after (memory order) */
	unsigned long long mask[2];	/* 0xff over those bytes */
	unsigned long long tag;	/* the key's tag */
	unsigned long long bit;	/* its bit in the duplicate filter */
	size_t klen;		/* its length; 0: nothing expected */
};

/* A scanner: caller-provided storage, reused line after line. */
struct pp_jscan {
	struct pp_jmember m[PP_JSCAN_MAX];	/* members, in order */
	int n;			/* members found */
	int same;		/* the first `same` members have the keys of
				 * the previous line scanned whole, in order
				 * (a caller may keep what it derived from
				 * those keys) */
	char *arena;		/* decoded keys and strings (owned) */
	size_t cap;		/* arena size */
	size_t used;		/* arena bytes used */
	struct pp_jpred pred[PP_JSCAN_MAX];	/* the keys expected */
	int npred;		/* entries of pred[] filled */
};

/* Set up s (allocates nothing). */
void pp_jscan_init(struct pp_jscan *s);

/* Free s's arena. */
void pp_jscan_release(struct pp_jscan *s);

/* Scan buf[0..len-1].  See enum pp_jscan_rc; on PP_JSCAN_BAD err->msg
 * and err->column say what and where.  Members stay valid until the next
 * scan or release. */
enum pp_jscan_rc pp_jscan(struct pp_jscan *s, const char *buf, size_t len,
    struct pp_error *err);

/* Bytes the arena holds beyond a line's length: the line's copy, where
 * its strings are decoded, takes len + PP_JSCAN_PAD bytes (used). */
#define PP_JSCAN_PAD 16

/* The member named key, or NULL. */
const struct pp_jmember *pp_jscan_get(const struct pp_jscan *s,
    const char *key);

#endif /* PP_JSCAN_H */
