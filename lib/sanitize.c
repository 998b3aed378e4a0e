/* SPDX-License-Identifier: BSD-2-Clause */
/* sanitize.c: text made inert for terminals, CSV and environments (see
 * sanitize.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sanitize.h"
#include "lib/util.h"

/* Output into a bounded buffer: whole units only, the need counted. */
struct out {
	char *dst;
	size_t size;
	size_t used;		/* bytes written */
	size_t need;		/* bytes the whole text needs */
	bool full;		/* a unit did not fit: nothing more is written */
};

/* Plain ASCII: each byte a unit of its own, so as much as fits. */
static void
put_ascii(struct out *o, const char *s, size_t n)
{
	o->need += n;
	if (o->full)
		return;
	size_t room = o->size > o->used ? o->size - o->used - 1 : 0;
	if (n > room) {
		n = room;
		o->full = true;
	}
	if (n > 0)
		memcpy(o->dst + o->used, s, n);
	o->used += n;
}

static void
put(struct out *o, const char *s, size_t n)
{
	o->need += n;
	if (o->full)
		return;
	if (o->size == 0 || o->used + n > o->size - 1) {
		o->full = true;
		return;
	}
	memcpy(o->dst + o->used, s, n);
	o->used += n;
}

/* Code points shown as \uHHHH: C1 controls, and those that are invisible
 * or reorder the text around them. */
static bool
hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	    cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xfeff;
}

static uint32_t
decode(const unsigned char *p, size_t n)
{
	switch (n) {
	case 2:
		return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	case 3:
		return (uint32_t)(p[0] & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	case 4:
		return (uint32_t)(p[0] & 0x07) << 18 |
		    (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
	default:
		return p[0];
	}
}

static void
shown(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		/* Runs of plain printable ASCII in one go. */
		size_t run = 0;
		while (i + run < len && p[i + run] >= 0x20 &&
		    p[i + run] < 0x7f)
			run++;
		if (run > 0) {
			put_ascii(o, s + i, run);
			i += run;
			continue;
		}
		size_t n = p[i] < 0x80 ? 0 : pp_utf8_len(p + i, len - i);
		if (n == 0) {
			char e[4] = { '\\', 'x', hex[p[i] >> 4],
			    hex[p[i] & 15] };
			put(o, e, sizeof(e));
			i++;
			continue;
		}
		uint32_t cp = decode(p + i, n);
		if (hidden(cp)) {
			char e[6] = { '\\', 'u', hex[cp >> 12 & 15],
			    hex[cp >> 8 & 15], hex[cp >> 4 & 15], hex[cp & 15] };
			put(o, e, sizeof(e));
		} else {
			put(o, s + i, n);
		}
		i += n;
	}
}

size_t
pp_sanitize_term_n(char *dst, size_t size, const char *s, size_t len)
{
	struct out o = { .dst = dst, .size = size };

	shown(&o, s, len);
	if (size > 0)
		dst[o.used] = '\0';
	return o.need;
}

size_t
pp_sanitize_term(char *dst, size_t size, const char *s)
{
	return pp_sanitize_term_n(dst, size, s, strlen(s));
}

/* s as shown text in a new buffer (*buf: the caller frees it when it is
 * not stack), stack used when it fits.  Returns the text or NULL. */
static char *
shown_text(const char *s, char *stack, size_t ssize, char **heap)
{
	size_t need = pp_sanitize_term(stack, ssize, s);

	*heap = NULL;
	if (need < ssize)
		return stack;
	*heap = malloc(need + 1);
	if (*heap == NULL)
		return NULL;
	(void)pp_sanitize_term(*heap, need + 1, s);
	return *heap;
}

int
pp_sanitize_term_fputs(const char *s, FILE *f)
{
	char stack[512];
	char *heap;
	const char *t = shown_text(s, stack, sizeof(stack), &heap);

	if (t == NULL)
		return -1;
	int rc = fputs(t, f) == EOF ? -1 : 0;
	free(heap);
	return rc;
}

static bool
formula(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';
}

int
pp_sanitize_csv_cell(const char *s, FILE *f)
{
	char stack[512];
	char *heap;
	const char *t = shown_text(s, stack, sizeof(stack), &heap);

	if (t == NULL)
		return -1;
	const char *first = t + strspn(t, " ");
	bool defuse = formula(*first);
	/* A semicolon too: some locales' spreadsheets split on it. */
	bool quote = defuse || strpbrk(t, ",;\"") != NULL;
	int rc = 0;

	if (quote && putc('"', f) == EOF)
		rc = -1;
	if (defuse && putc('\'', f) == EOF)
		rc = -1;
	for (const char *p = t; *p != '\0' && rc == 0; p++) {
		if (*p == '"' && putc('"', f) == EOF)
			rc = -1;
		if (putc(*p, f) == EOF)
			rc = -1;
	}
	if (quote && putc('"', f) == EOF)
		rc = -1;
	free(heap);
	return rc;
}

int
pp_sanitize_csv_comment(const char *s, FILE *f)
{
	char stack[512];
	char *heap;
	const char *t = shown_text(s, stack, sizeof(stack), &heap);

	if (t == NULL)
		return -1;
	int rc = 0;
	bool after_comma = false;
	for (const char *p = t; *p != '\0' && rc == 0; p++) {
		if (after_comma && formula(*p) && putc('\'', f) == EOF)
			rc = -1;
		if (*p == ',' || *p == ';')
			after_comma = true;
		else if (*p != ' ' && *p != '"')
			after_comma = false;
		if (putc(*p, f) == EOF)
			rc = -1;
	}
	free(heap);
	return rc;
}
