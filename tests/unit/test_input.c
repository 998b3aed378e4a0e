/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/input.h"
#include "tests/unit/check.h"

void test_input(void);

static char dir[] = "/tmp/pp-unit-input-XXXXXX";

static char *
path_of(const char *name)
{
	static char p[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static void
write_file(const char *name, const void *data, size_t n)
{
	FILE *f = fopen(path_of(name), "wb");

	fwrite(data, 1, n, f);
	fclose(f);
}

/* A gzip member of text, appended to file name. */
static size_t
gz_member(unsigned char *out, size_t cap, const char *text)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)(size_t)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	size_t n = cap - zs.avail_out;
	deflateEnd(&zs);
	return n;
}

/* Read every operand; return lines joined by '|' and the result codes
 * seen, e.g. "a|b" and "OK OK WARN". */
static void
read_all(char *const *paths, int n, size_t max_line, char *lines,
    size_t lcap, char *codes, size_t ccap)
{
	struct pp_reader r;
	struct pp_reader_opts o = { .max_line = max_line };
	struct pp_error e;
	static const char *names[] = { "OK", "EOF", "BAD", "WARN", "IOERR",
	    "NOTE" };

	lines[0] = codes[0] = '\0';
	pp_reader_init(&r, paths, n, &o);
	for (;;) {
		enum pp_read rc = pp_reader_next(&r, &e);
		if (rc == PP_READ_EOF)
			break;
		if (rc == PP_READ_OK) {
			if (lines[0] != '\0')
				strncat(lines, "|", lcap - strlen(lines) - 1);
			strncat(lines, r.line, lcap - strlen(lines) - 1);
			continue;
		}
		if (codes[0] != '\0')
			strncat(codes, " ", ccap - strlen(codes) - 1);
		strncat(codes, names[rc], ccap - strlen(codes) - 1);
	}
	pp_reader_release(&r);
}

void
test_input(void)
{
	char lines[4096];
	char codes[256];
	unsigned char gz[8192];

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	write_file("plain", "a\nb\r\n\n  \nc", 10);
	char *p1[] = { path_of("plain") };
	read_all(p1, 1, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "a|b|c", "plain, CRLF, blank, no final newline");
	CHECK_STR(codes, "", "plain codes");

	/* A byte order mark: skipped and noted, in each operand, plain and
	 * gzip; one elsewhere, or a partial one, is data. */
	write_file("bom", "\xef\xbb\xbf{\"a\":1}\nx\xef\xbb\xbf\n", 16);
	write_file("bom-only", "\xef\xbb\xbf", 3);
	write_file("bom-part", "\xef\xbb\n", 3);
	size_t nb = gz_member(gz, sizeof(gz), "\xef\xbb\xbfz\n");
	write_file("bom.gz", gz, nb);
	char *pb[] = { path_of("bom"), path_of("bom-only"), path_of("bom-part"),
	    path_of("bom.gz") };
	read_all(pb, 4, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "{\"a\":1}|x\xef\xbb\xbf|\xef\xbb|z", "BOM lines");
	CHECK_STR(codes, "NOTE NOTE NOTE", "BOM codes");

	size_t n1 = gz_member(gz, sizeof(gz), "one\ntwo\n");
	size_t n2 = gz_member(gz + n1, sizeof(gz) - n1, "three\n");
	write_file("multi.gz", gz, n1 + n2);
	char *p2[] = { path_of("multi.gz") };
	read_all(p2, 1, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "one|two|three", "multi-member gzip");
	CHECK_STR(codes, "", "multi codes");

	/* Cut inside the second member's trailer: every line decoded is
	 * complete and returned, and the cut is reported. */
	write_file("cut.gz", gz, n1 + n2 - 6);
	char *p3[] = { path_of("cut.gz") };
	read_all(p3, 1, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "one|two|three", "truncated gzip keeps complete lines");
	CHECK_STR(codes, "WARN", "truncated gzip warns");

	/* One member cut mid-line. */
	size_t n3 = gz_member(gz, sizeof(gz), "alpha\nbeta\ngam");
	write_file("cut2.gz", gz, n3 - 8);
	char *p3b[] = { path_of("cut2.gz") };
	read_all(p3b, 1, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "alpha|beta", "cut member drops the partial line");
	CHECK_STR(codes, "WARN", "cut member warns");

	/* Corrupt data after a good member. */
	n1 = gz_member(gz, sizeof(gz), "ok1\nok2\n");
	n2 = gz_member(gz + n1, sizeof(gz) - n1, "zzzzzzzzzzzzzzzzzzzzzzzz\n");
	for (size_t i = n1 + 12; i < n1 + n2 - 8; i++)
		gz[i] ^= 0x5a;
	write_file("bad.gz", gz, n1 + n2);
	char *p4[] = { path_of("bad.gz"), path_of("plain") };
	read_all(p4, 2, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK(strncmp(lines, "ok1|ok2", 7) == 0, "corrupt: lines before: %s",
	    lines);
	CHECK(strstr(lines, "a|b|c") != NULL, "next operand still read: %s",
	    lines);
	CHECK(strstr(codes, "IOERR") != NULL, "corrupt gzip is an error: %s",
	    codes);

	/* Missing operand among several. */
	char *p5[] = { path_of("plain"), path_of("nope"), path_of("plain") };
	read_all(p5, 3, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "a|b|c|a|b|c", "missing file skipped");
	CHECK_STR(codes, "IOERR", "missing file reported");

	/* Over-long lines are skipped, short ones kept. */
	char big[5000];
	memset(big, 'x', sizeof(big));
	memcpy(big, "s1\n", 3);
	big[2000] = '\n';
	memcpy(big + sizeof(big) - 4, "\ns2\n", 4);
	write_file("long", big, sizeof(big));
	char *p6[] = { path_of("long") };
	read_all(p6, 1, 1000, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "s1|s2", "long lines skipped");
	CHECK_STR(codes, "BAD BAD", "two long lines reported");

	/* Empty file, and a gzip of nothing. */
	write_file("empty", "", 0);
	n1 = gz_member(gz, sizeof(gz), "");
	write_file("empty.gz", gz, n1);
	char *p7[] = { path_of("empty"), path_of("empty.gz") };
	read_all(p7, 2, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(lines, "", "empty inputs");
	CHECK_STR(codes, "", "empty inputs are fine");

	/* A directory cannot be read. */
	char *p8[] = { dir };
	read_all(p8, 1, 0, lines, sizeof(lines), codes, sizeof(codes));
	CHECK_STR(codes, "IOERR", "directory");

	const char *names[] = { "plain", "multi.gz", "cut.gz", "cut2.gz",
	    "bad.gz", "long", "empty", "empty.gz" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	rmdir(dir);
}
