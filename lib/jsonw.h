/* SPDX-License-Identifier: BSD-2-Clause */
/* jsonw.h: the record writer.  Builds one compact JSON object per line in
 * a reusable buffer, keys in the order they are added, numbers at a fixed
 * precision, then writes the whole line with one fwrite, so a record is
 * never half-written. */
#ifndef PP_JSONW_H
#define PP_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Decimal places used for each kind of number (DESIGN.md). */
#define PP_DEC_TS 6		/* epoch timestamps: microseconds */
#define PP_DEC_MS 3		/* durations and RTTs in ms: microseconds */
#define PP_DEC_PCT 3		/* percentages */

/* Nesting depth the writer supports. */
#define PP_JW_DEPTH 16

/* A line being built.  Caller-provided storage. */
struct pp_jw {
	char *buf;		/* the line, not NUL-terminated */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	int depth;		/* open objects and arrays */
	bool comma[PP_JW_DEPTH];	/* a value was written at this depth */
	bool arr[PP_JW_DEPTH];	/* this depth is an array */
	bool after_key;		/* the next value follows a key */
	bool oom;		/* an allocation failed: the line is lost */
};

/* Set up w (allocates nothing). */
void pp_jw_init(struct pp_jw *w);

/* Free w's buffer (not w). */
void pp_jw_release(struct pp_jw *w);

/* Start a new line, forgetting what was built. */
void pp_jw_reset(struct pp_jw *w);

/* Start a record: reset, open the top object and write "type". */
void pp_jw_record(struct pp_jw *w, const char *type);

/* Structure. */
void pp_jw_obj_begin(struct pp_jw *w);
void pp_jw_obj_end(struct pp_jw *w);
void pp_jw_arr_begin(struct pp_jw *w);
void pp_jw_arr_end(struct pp_jw *w);

/* The key of the next member of the open object. */
void pp_jw_key(struct pp_jw *w, const char *key);

/* Values.  Strings are escaped; invalid UTF-8 becomes U+FFFD.  pp_jw_num
 * writes v with `decimals` places, trailing zeros trimmed to one ("2.0",
 * "7.912"); a non-finite v is written as null.  pp_jw_raw copies n bytes
 * of JSON text the caller vouches for. */
void pp_jw_str(struct pp_jw *w, const char *s);
void pp_jw_strn(struct pp_jw *w, const char *s, size_t n);
void pp_jw_int(struct pp_jw *w, long long v);
void pp_jw_uint(struct pp_jw *w, unsigned long long v);
void pp_jw_num(struct pp_jw *w, double v, int decimals);
/* v with every digit it needs to be read back exactly (%.17g); a
 * non-finite v is written as null. */
void pp_jw_real(struct pp_jw *w, double v);
void pp_jw_kreal(struct pp_jw *w, const char *key, double v);
void pp_jw_bool(struct pp_jw *w, bool v);
void pp_jw_null(struct pp_jw *w);
void pp_jw_raw(struct pp_jw *w, const char *json, size_t n);

/* Key and value in one call. */
void pp_jw_kstr(struct pp_jw *w, const char *key, const char *s);
void pp_jw_kint(struct pp_jw *w, const char *key, long long v);
void pp_jw_knum(struct pp_jw *w, const char *key, double v, int decimals);
void pp_jw_kbool(struct pp_jw *w, const char *key, bool v);

/* This host's name into host[0..size-1] (PP_HOST when set, else
 * gethostname, else "unknown"), always terminated. */
void pp_jw_host(char *host, size_t size);

/* Start a meta record (DESIGN.md): type, tool, version, schema, ts (now,
 * or PP_NOW), host (gethostname, or PP_HOST), argv.  The object is left
 * open: add "settings" and more, then pp_jw_end(). */
void pp_jw_meta(struct pp_jw *w, const char *tool, int argc,
    char *const *argv);

/* Close every open object/array. */
void pp_jw_end(struct pp_jw *w);

/* Write the line plus '\n' with a single fwrite.  Returns 0, or -1 with
 * errno set (ENOMEM when the line could not be built). */
int pp_jw_write(struct pp_jw *w, FILE *f);

/* Append the JSON escape of s[0..n-1] (without quotes) to w. */
void pp_jw_escape(struct pp_jw *w, const char *s, size_t n);

#endif /* PP_JSONW_H */
