/* SPDX-License-Identifier: BSD-2-Clause */
/* error.c: struct pp_error helpers. */
#include <stdarg.h>
#include <stdio.h>

#include "lib/error.h"

void
pp_error_clear(struct pp_error *e)
{
	if (e == NULL)
		return;
	e->msg[0] = '\0';
	e->source = NULL;
	e->line = 0;
	e->column = 0;
}

void
pp_error_set(struct pp_error *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}
