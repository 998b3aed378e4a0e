/* SPDX-License-Identifier: BSD-2-Clause */
/* error.h: the error record lib/ fills instead of printing (STYLE D6, E). */
#ifndef PP_ERROR_H
#define PP_ERROR_H

/* A parse or I/O error, with the input position when there is one. */
struct pp_error {
	char msg[160];		/* what went wrong, no program name, no newline */
	const char *source;	/* input name ("<stdin>" or a path); borrowed */
	unsigned long line;	/* 1-based input line, 0 when not about a line */
	int column;		/* 1-based column, 0 when unknown */
};

/* Clear e (empty message, no position). */
void pp_error_clear(struct pp_error *e);

/* Format the message into e->msg (truncated to fit); position fields are
 * left as they are.  e may be NULL, in which case nothing happens. */
void pp_error_set(struct pp_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* PP_ERROR_H */
