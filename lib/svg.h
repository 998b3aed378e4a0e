/* SPDX-License-Identifier: BSD-2-Clause */
/* svg.h: a small SVG writer for pp-plot.  Elements are appended to a
 * growing buffer; every text and attribute value is escaped (hostnames come
 * from reverse DNS and are untrusted); numbers are written with a fixed
 * number of decimals so the output is deterministic. */
#ifndef PP_SVG_H
#define PP_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A document being built.  Caller-provided storage. */
struct pp_svg {
	char *buf;		/* the document so far, not NUL-terminated */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	int depth;		/* open <g> elements */
	bool oom;		/* an allocation failed: the document is lost */
	bool path_open;		/* inside pp_svg_path_begin .. _end */
	bool pen_down;		/* the current path has a point to draw from */
};

/* Set up s (allocates nothing). */
void pp_svg_init(struct pp_svg *s);

/* Free the buffer (not s). */
void pp_svg_release(struct pp_svg *s);

/* Open the document: width x height pixels, with a <title> (escaped) and
 * an optional <style> block (trusted CSS written by pp, not user text). */
void pp_svg_begin(struct pp_svg *s, double width, double height,
    const char *title, const char *css);

/* Close every open group and the document. */
void pp_svg_end(struct pp_svg *s);

/* Groups: <g class="cls"> (cls trusted, may be NULL) and </g>. */
void pp_svg_group(struct pp_svg *s, const char *cls);
void pp_svg_group_end(struct pp_svg *s);

/* Shapes; cls is a trusted class name or NULL; fill/stroke values are
 * written as attributes when not NULL (escaped). */
void pp_svg_rect(struct pp_svg *s, double x, double y, double w, double h,
    const char *cls, const char *fill);
void pp_svg_line(struct pp_svg *s, double x1, double y1, double x2,
    double y2, const char *cls);
void pp_svg_circle(struct pp_svg *s, double cx, double cy, double r,
    const char *cls, const char *fill);

/* Text at (x, y); anchor "start", "middle" or "end"; text is escaped. */
void pp_svg_text(struct pp_svg *s, double x, double y, const char *anchor,
    const char *cls, const char *text);

/* A <title> tooltip child for the element just opened by pp_svg_group
 * (escaped). */
void pp_svg_tooltip(struct pp_svg *s, const char *text);

/* Paths: begin, then move/line points, then end.  pp_svg_path_gap() lifts
 * the pen so the next point starts a new subpath: gaps in the data are
 * drawn as gaps, never interpolated. */
void pp_svg_path_begin(struct pp_svg *s, const char *cls, const char *fill,
    const char *stroke);
void pp_svg_path_point(struct pp_svg *s, double x, double y);
void pp_svg_path_close(struct pp_svg *s);
void pp_svg_path_gap(struct pp_svg *s);
void pp_svg_path_end(struct pp_svg *s);

/* Append raw, trusted markup. */
void pp_svg_raw(struct pp_svg *s, const char *markup);

/* Append the XML escape of text (& < > " ' and control characters;
 * invalid UTF-8 becomes U+FFFD). */
void pp_svg_escape(struct pp_svg *s, const char *text);

/* Write the document to f.  Returns 0, or -1 with errno (ENOMEM when the
 * document could not be built). */
int pp_svg_write(const struct pp_svg *s, FILE *f);

/* Replace path with the document atomically (pp_atomic_write: a
 * temporary file nobody else can plant, fsync, rename).  Returns 0, or -1
 * with errno (ENOMEM when the document could not be built). */
int pp_svg_write_atomic(const struct pp_svg *s, const char *path);

#endif /* PP_SVG_H */
