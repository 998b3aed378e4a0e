/* SPDX-License-Identifier: BSD-2-Clause */
/* export.h: the text buffer pp-stats' exports to monitoring engines write
 * through: lib/export_prom (the Prometheus text exposition format) and
 * lib/export_influx (the InfluxDB line protocol).  It holds what they
 * share: a growing output buffer, numbers in their text form, and the
 * escaping loop that both formats' escapes go through (invalid UTF-8
 * becomes U+FFFD, so any record string gives valid output). */
#ifndef PP_EXPORT_H
#define PP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* An output line buffer.  Caller-provided storage. */
struct pp_export {
	char *buf;		/* output text, not NUL-terminated (owned) */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	bool oom;		/* an allocation failed */
};

/* Set up x (allocates nothing). */
void pp_export_init(struct pp_export *x);

/* Free everything x holds (not x). */
void pp_export_release(struct pp_export *x);

/* Forget the buffered text (the allocation stays). */
void pp_export_reset(struct pp_export *x);

/* Write the buffered text to f and forget it.  Returns 0, or -1 (errno;
 * ENOMEM when an append had failed, the text then being incomplete). */
int pp_export_flush(struct pp_export *x, FILE *f);

/* Appenders (to the buffer; on allocation failure x->oom is set and the
 * text is incomplete).  pp_export_put: n bytes of s; pp_export_puts: the
 * string s; pp_export_putc: one byte.  pp_export_num: v with `decimals`
 * places (1 to 9), trailing zeros trimmed to one ("2.0", "0.007912"), -0
 * as 0; a non-finite v as the Prometheus words NaN, +Inf, -Inf. */
void pp_export_put(struct pp_export *x, const char *s, size_t n);
void pp_export_puts(struct pp_export *x, const char *s);
void pp_export_putc(struct pp_export *x, char c);
void pp_export_num(struct pp_export *x, double v, int decimals);

/* Append s (n bytes) escaped: each ASCII byte through esc, which returns
 * its replacement text (a static string) or NULL to copy the byte; a
 * valid UTF-8 sequence copied; each byte of invalid UTF-8 as U+FFFD. */
void pp_export_escaped(struct pp_export *x, const char *s, size_t n,
    const char *(*esc)(unsigned char c));

#endif /* PP_EXPORT_H */
