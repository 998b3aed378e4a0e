/* SPDX-License-Identifier: BSD-2-Clause */
/* export.c: the text buffer of pp-stats' exports (see export.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/export.h"
#include "lib/util.h"

void
pp_export_init(struct pp_export *x)
{
	memset(x, 0, sizeof(*x));
}

void
pp_export_release(struct pp_export *x)
{
	free(x->buf);
	memset(x, 0, sizeof(*x));
}

void
pp_export_reset(struct pp_export *x)
{
	x->len = 0;
	x->oom = false;
}

int
pp_export_flush(struct pp_export *x, FILE *f)
{
	int ret = 0;

	if (x->oom) {
		errno = ENOMEM;
		ret = -1;
	} else if (x->len > 0 && fwrite(x->buf, 1, x->len, f) != x->len) {
		ret = -1;
	}
	pp_export_reset(x);
	return ret;
}

void
pp_export_put(struct pp_export *x, const char *s, size_t n)
{
	if (x->oom)
		return;
	if (x->len + n > x->cap) {
		size_t cap = x->cap != 0 ? x->cap : 256;
		while (cap < x->len + n)
			cap *= 2;
		char *nb = realloc(x->buf, cap);
		if (nb == NULL) {
			x->oom = true;
			return;
		}
		x->buf = nb;
		x->cap = cap;
	}
	memcpy(x->buf + x->len, s, n);
	x->len += n;
}

void
pp_export_puts(struct pp_export *x, const char *s)
{
	pp_export_put(x, s, strlen(s));
}

void
pp_export_putc(struct pp_export *x, char c)
{
	pp_export_put(x, &c, 1);
}

void
pp_export_num(struct pp_export *x, double v, int decimals)
{
	char tmp[64];

	if (isnan(v)) {
		pp_export_puts(x, "NaN");
		return;
	}
	if (isinf(v)) {
		pp_export_puts(x, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	int n = pp_format_num(v, decimals, tmp, sizeof(tmp));
	if (n > 0)
		pp_export_put(x, tmp, (size_t)n);
}

void
pp_export_escaped(struct pp_export *x, const char *s, size_t n,
    const char *(*esc)(unsigned char c))
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		if (p[i] >= 0x80) {
			size_t l = pp_utf8_len(p + i, n - i);
			if (l == 0) {
				pp_export_puts(x, "\xef\xbf\xbd");
				i++;
			} else {
				pp_export_put(x, (const char *)p + i, l);
				i += l;
			}
			continue;
		}
		const char *r = esc(p[i]);
		if (r != NULL)
			pp_export_puts(x, r);
		else
			pp_export_putc(x, (char)p[i]);
		i++;
	}
}
