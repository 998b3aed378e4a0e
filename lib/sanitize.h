/* SPDX-License-Identifier: BSD-2-Clause */
/* sanitize.h: the one sanitiser for text that leaves the record world.
 * Targets, responder addresses, reverse DNS names, hosts, input names and
 * any other string read from a record may hold whatever the network or a
 * hostile file put there; inside records jansson escapes it, but a
 * terminal table, a CSV file or a program's environment takes raw bytes.
 * Each output path here makes such text inert:
 *
 * - shown (terminal tables, diagnostics, environment values): every byte
 *   that is not part of well-formed UTF-8, every C0 control (tab, newline
 *   and ESC included) and DEL is written as \xHH; C1 controls and the
 *   invisible or reordering code points (U+061C, U+200E, U+200F, U+2028,
 *   U+2029, U+202A-U+202E, U+2066-U+2069, U+FEFF) as \uHHHH.  Nothing the
 *   terminal would act on gets through, and every line stays one line.
 * - CSV cells: shown as above, then RFC 4180 quoting (when the text holds
 *   a comma, a double quote or a semicolon, which some locales'
 *   spreadsheets split on); a cell whose first character other than
 *   spaces is = + - or @ (a spreadsheet formula) gets a leading apostrophe
 *   and is quoted.
 * - CSV comment lines ("# ..."): shown as above, and wherever a comma or
 *   semicolon is followed (after spaces and double quotes) by = + - or @,
 *   an apostrophe goes before it, so that no cell of the line a
 *   spreadsheet splits there starts a formula.
 *
 * Plain ASCII text other than controls comes out unchanged, so ordinary
 * names, addresses and numbers look as they always did. */
#ifndef PP_SANITIZE_H
#define PP_SANITIZE_H

#include <stddef.h>
#include <stdio.h>

/* Write s as shown text into dst (size bytes, NUL-terminated when size >
 * 0; dst may be NULL when size is 0).  When it does not fit, it is cut at
 * a character or escape boundary, never inside one.  Returns the length
 * the whole text needs (without the NUL), like snprintf: a result >=
 * size means it was cut. */
size_t pp_sanitize_term(char *dst, size_t size, const char *s);

/* The same for s[0..len-1], which may hold NUL bytes (shown as \x00). */
size_t pp_sanitize_term_n(char *dst, size_t size, const char *s,
    size_t len);

/* Write s as shown text to f.  Returns 0, or -1 (errno) when writing or
 * memory failed. */
int pp_sanitize_term_fputs(const char *s, FILE *f);

/* Write s to f as one CSV cell (without a separator).  Returns 0 or -1. */
int pp_sanitize_csv_cell(const char *s, FILE *f);

/* Write s to f as the text of a CSV comment line (the caller writes the
 * "# " before it and the newline after it).  Returns 0 or -1. */
int pp_sanitize_csv_comment(const char *s, FILE *f);

#endif /* PP_SANITIZE_H */
