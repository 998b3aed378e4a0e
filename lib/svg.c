/* SPDX-License-Identifier: BSD-2-Clause */
/* svg.c: the SVG writer (see svg.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/atomic.h"
#include "lib/svg.h"
#include "lib/util.h"

void
pp_svg_init(struct pp_svg *s)
{
	memset(s, 0, sizeof(*s));
}

void
pp_svg_release(struct pp_svg *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static void
put(struct pp_svg *s, const char *p, size_t n)
{
	if (s->oom)
		return;
	if (s->cap - s->len < n) {
		size_t ncap = s->cap != 0 ? s->cap : 4096;
		while (ncap - s->len < n)
			ncap *= 2;
		char *nbuf = realloc(s->buf, ncap);
		if (nbuf == NULL) {
			s->oom = true;
			return;
		}
		s->buf = nbuf;
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
puts_(struct pp_svg *s, const char *p)
{
	put(s, p, strlen(p));
}

/* A coordinate with two decimals, trailing zeros trimmed ("12.5", "3"),
 * as printf's %.2f rounds it.  The common case without printf: v * 100
 * rounded to an integer, unless it falls so near a tie that the product's
 * own rounding could decide it (then printf, on the exact value). */
static void
num(struct pp_svg *s, double v)
{
	char tmp[48];

	if (!isfinite(v))
		v = 0;
	double r = v * 100.0;
	if (fabs(r) < 1e15 && fabs(r - floor(r) - 0.5) > 1e-6) {
		long long q = (long long)floor(r + 0.5);
		unsigned long long a = q < 0 ? (unsigned long long)-q :
		    (unsigned long long)q;
		char *e = tmp + sizeof(tmp);
		char *b = e;
		unsigned long long ip = a / 100;
		unsigned fr = (unsigned)(a % 100);
		if (fr != 0) {
			if (fr % 10 != 0) {
				*--b = (char)('0' + fr % 10);
				*--b = (char)('0' + fr / 10);
			} else {
				*--b = (char)('0' + fr / 10);
			}
			*--b = '.';
		}
		do {
			*--b = (char)('0' + ip % 10);
			ip /= 10;
		} while (ip > 0);
		if (q < 0)
			*--b = '-';
		put(s, b, (size_t)(e - b));
		return;
	}
	int n = snprintf(tmp, sizeof(tmp), "%.2f", v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		n = snprintf(tmp, sizeof(tmp), "%g", v);
	else {
		while (n > 0 && tmp[n - 1] == '0')
			n--;
		if (n > 0 && tmp[n - 1] == '.')
			n--;
		tmp[n] = '\0';
		if (strcmp(tmp, "-0") == 0) {
			tmp[0] = '0';
			tmp[1] = '\0';
			n = 1;
		}
	}
	put(s, tmp, (size_t)n);
}

/* A UTF-8 sequence XML accepts: well-formed, and not the noncharacters
 * U+FFFE or U+FFFF (EF BF BE, EF BF BF).  Its length, or 0. */
static size_t
xml_utf8_len(const unsigned char *p, size_t n)
{
	size_t len = pp_utf8_len(p, n);

	if (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;
	return len;
}

void
pp_svg_escape(struct pp_svg *s, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text);
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x80) {
			size_t len = xml_utf8_len(p + i, n - i);
			if (len == 0) {
				put(s, "\xef\xbf\xbd", 3);
				i++;
			} else {
				put(s, text + i, len);
				i += len;
			}
			continue;
		}
		switch (c) {
		case '&': puts_(s, "&amp;"); break;
		case '<': puts_(s, "&lt;"); break;
		case '>': puts_(s, "&gt;"); break;
		case '"': puts_(s, "&quot;"); break;
		case '\'': puts_(s, "&apos;"); break;
		case '\t': case '\n': case '\r': puts_(s, " "); break;
		default:
			if (c < 0x20 || c == 0x7f)
				puts_(s, "\xef\xbf\xbd");	/* not XML */
			else
				put(s, text + i, 1);
			break;
		}
		i++;
	}
}

static void
attr(struct pp_svg *s, const char *name, const char *value)
{
	if (value == NULL)
		return;
	put(s, " ", 1);
	puts_(s, name);
	puts_(s, "=\"");
	pp_svg_escape(s, value);
	put(s, "\"", 1);
}

static void
nattr(struct pp_svg *s, const char *name, double v)
{
	put(s, " ", 1);
	puts_(s, name);
	puts_(s, "=\"");
	num(s, v);
	put(s, "\"", 1);
}

void
pp_svg_begin(struct pp_svg *s, double width, double height,
    const char *title, const char *css)
{
	puts_(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
	nattr(s, "width", width);
	nattr(s, "height", height);
	puts_(s, " viewBox=\"0 0 ");
	num(s, width);
	put(s, " ", 1);
	num(s, height);
	puts_(s, "\">\n<title>");
	pp_svg_escape(s, title != NULL ? title : "");
	puts_(s, "</title>\n");
	if (css != NULL) {
		puts_(s, "<style>\n");
		puts_(s, css);
		puts_(s, "\n</style>\n");
	}
}

void
pp_svg_end(struct pp_svg *s)
{
	if (s->path_open)
		pp_svg_path_end(s);
	while (s->depth > 0)
		pp_svg_group_end(s);
	puts_(s, "</svg>\n");
}

void
pp_svg_group(struct pp_svg *s, const char *cls)
{
	puts_(s, "<g");
	attr(s, "class", cls);
	puts_(s, ">\n");
	s->depth++;
}

void
pp_svg_group_end(struct pp_svg *s)
{
	if (s->depth == 0)
		return;
	puts_(s, "</g>\n");
	s->depth--;
}

void
pp_svg_tooltip(struct pp_svg *s, const char *text)
{
	puts_(s, "<title>");
	pp_svg_escape(s, text);
	puts_(s, "</title>\n");
}

void
pp_svg_rect(struct pp_svg *s, double x, double y, double w, double h,
    const char *cls, const char *fill)
{
	puts_(s, "<rect");
	nattr(s, "x", x);
	nattr(s, "y", y);
	nattr(s, "width", w > 0 ? w : 0);
	nattr(s, "height", h > 0 ? h : 0);
	attr(s, "class", cls);
	attr(s, "fill", fill);
	puts_(s, "/>\n");
}

void
pp_svg_line(struct pp_svg *s, double x1, double y1, double x2, double y2,
    const char *cls)
{
	puts_(s, "<line");
	nattr(s, "x1", x1);
	nattr(s, "y1", y1);
	nattr(s, "x2", x2);
	nattr(s, "y2", y2);
	attr(s, "class", cls);
	puts_(s, "/>\n");
}

void
pp_svg_circle(struct pp_svg *s, double cx, double cy, double r,
    const char *cls, const char *fill)
{
	puts_(s, "<circle");
	nattr(s, "cx", cx);
	nattr(s, "cy", cy);
	nattr(s, "r", r);
	attr(s, "class", cls);
	attr(s, "fill", fill);
	puts_(s, "/>\n");
}

void
pp_svg_text(struct pp_svg *s, double x, double y, const char *anchor,
    const char *cls, const char *text)
{
	puts_(s, "<text");
	nattr(s, "x", x);
	nattr(s, "y", y);
	if (anchor != NULL && strcmp(anchor, "start") != 0)
		attr(s, "text-anchor", anchor);
	attr(s, "class", cls);
	puts_(s, ">");
	pp_svg_escape(s, text);
	puts_(s, "</text>\n");
}

void
pp_svg_path_begin(struct pp_svg *s, const char *cls, const char *fill,
    const char *stroke)
{
	puts_(s, "<path");
	attr(s, "class", cls);
	attr(s, "fill", fill);
	attr(s, "stroke", stroke);
	puts_(s, " d=\"");
	s->path_open = true;
	s->pen_down = false;
}

void
pp_svg_path_point(struct pp_svg *s, double x, double y)
{
	put(s, s->pen_down ? "L" : "M", 1);
	num(s, x);
	put(s, " ", 1);
	num(s, y);
	s->pen_down = true;
}

void
pp_svg_path_close(struct pp_svg *s)
{
	put(s, "Z", 1);
	s->pen_down = false;
}

void
pp_svg_path_gap(struct pp_svg *s)
{
	s->pen_down = false;
}

void
pp_svg_path_end(struct pp_svg *s)
{
	puts_(s, "\"/>\n");
	s->path_open = false;
	s->pen_down = false;
}

void
pp_svg_raw(struct pp_svg *s, const char *markup)
{
	puts_(s, markup);
}

int
pp_svg_write(const struct pp_svg *s, FILE *f)
{
	if (s->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (s->len > 0 && fwrite(s->buf, 1, s->len, f) != s->len)
		return -1;
	return 0;
}

int
pp_svg_write_atomic(const struct pp_svg *s, const char *path)
{
	if (s->oom) {
		errno = ENOMEM;
		return -1;
	}
	return pp_atomic_write(path, s->buf, s->len);
}
