/* SPDX-License-Identifier: BSD-2-Clause */
#include <sys/resource.h>
#include <sys/stat.h>

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/archive.h"
#include "tests/unit/check.h"

void test_archive(void);

static char dir[] = "/tmp/pp-unit-archive-XXXXXX";

static const char *
at(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* The text of path, gzip or plain (caller frees *text).  Returns
 * gzclose's result: Z_OK for a complete file, Z_BUF_ERROR when a gzip
 * member ends early; -1 when it cannot be opened. */
static int
slurp(const char *path, char **text, size_t *len)
{
	gzFile g = gzopen(path, "rb");

	*text = NULL;
	*len = 0;
	if (g == NULL)
		return -1;
	size_t cap = 1 << 16;
	char *b = malloc(cap);
	for (;;) {
		if (cap - *len < 8192) {
			cap *= 2;
			b = realloc(b, cap);
		}
		int n = gzread(g, b + *len, (unsigned)(cap - *len - 1));
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	b[*len] = '\0';
	*text = b;
	return gzclose(g);
}

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static unsigned long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned long long)st.st_size : 0;
}

/* Record i: about 100 bytes, each different. */
static size_t
record(char *buf, size_t size, int i)
{
	int n = snprintf(buf, size, "{\"type\":\"probe\",\"seq\":%d,"
	    "\"pad\":\"%064d\"}", i, i * 7919);
	return (size_t)n;
}

static const char head[] = "{\"type\":\"meta\",\"tool\":\"unit\"}";

/* Every line of text is head or record k, k increasing; returns the
 * number of records, or -1 when a line is neither (or out of order). */
static long
check_records(const char *text, int *heads)
{
	long n = 0;
	int last = -1;

	*heads = 0;
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		if (nl == NULL)
			return -1;	/* half a record */
		size_t len = (size_t)(nl - text);
		int seq = -1;
		char want[256];
		if (len == strlen(head) && memcmp(text, head, len) == 0) {
			++*heads;
		} else if (sscanf(text, "{\"type\":\"probe\",\"seq\":%d,",
		    &seq) != 1 || seq <= last ||
		    record(want, sizeof(want), seq) != len ||
		    memcmp(want, text, len) != 0) {
			return -1;
		} else {
			last = seq;
			n++;
		}
		text = nl + 1;
	}
	return n;
}

/* Flush points: nothing reaches the file before a second has passed
 * (tick or write), then whole records. */
static void
flushing(bool gz)
{
	const char *path = at(gz ? "f.ndjson.gz" : "f.ndjson");
	struct pp_archive a;
	char rec[256];
	char *text;
	size_t len;

	CHECK(pp_archive_open(&a, path, NULL) == 0, "open %s: %s", path,
	    a.err.msg);
	CHECK(pp_archive_next(&a) == HUGE_VAL || gz, "idle next");
	CHECK(pp_archive_head(&a, head, strlen(head), 10.0) == 0, "head");
	int rc = slurp(path, &text, &len);
	CHECK(rc == (gz ? Z_BUF_ERROR : Z_OK) && len == strlen(head) + 1,
	    "head on disk at once: rc %d len %zu", rc, len);
	free(text);
	for (int i = 0; i < 5; i++) {
		size_t n = record(rec, sizeof(rec), i);
		CHECK(pp_archive_write(&a, rec, n, 10.1 + i * 0.1) == 0,
		    "write %d", i);
	}
	CHECK_NEAR(pp_archive_next(&a), 11.0, 1e-9, "next flush");
	CHECK(pp_archive_tick(&a, 10.9) == 0, "early tick");
	rc = slurp(path, &text, &len);
	CHECK(len == strlen(head) + 1, "nothing before a second: %zu", len);
	free(text);
	CHECK(pp_archive_tick(&a, 11.0) == 0, "tick");
	CHECK(pp_archive_next(&a) == HUGE_VAL, "idle after the flush");
	rc = slurp(path, &text, &len);
	int heads;
	CHECK(rc == (gz ? Z_BUF_ERROR : Z_OK), "%s open member: %d",
	    gz ? "gzip" : "plain", rc);
	CHECK(check_records(text, &heads) == 5 && heads == 1,
	    "five records after the tick: %s", text);
	free(text);
	/* A write a second later flushes by itself. */
	size_t n = record(rec, sizeof(rec), 5);
	CHECK(pp_archive_write(&a, rec, n, 12.5) == 0, "write 5");
	rc = slurp(path, &text, &len);
	CHECK(check_records(text, &heads) == 6, "a write flushes: %s", text);
	free(text);
	n = record(rec, sizeof(rec), 6);
	CHECK(pp_archive_write(&a, rec, n, 12.6) == 0, "write 6");
	CHECK(pp_archive_close(&a) == 0, "close: %s", a.err.msg);
	rc = slurp(path, &text, &len);
	CHECK(rc == Z_OK && check_records(text, &heads) == 7 && heads == 1,
	    "complete after close: rc %d", rc);
	CHECK(a.lost == 0, "nothing lost");
	free(text);
}

/* --rotate/--keep: numbered shifting, each file whole and headed. */
static void
rotation(bool gz, int keep)
{
	char base[64];
	snprintf(base, sizeof(base), "r%d%s", keep, gz ? ".ndjson.gz" :
	    ".ndjson");
	const char *path = at(base);
	struct pp_archive_opts o = { .rotate = 4096, .keep = keep };
	struct pp_archive a;
	char rec[256];
	int total = gz ? 3000 : 400;

	CHECK(pp_archive_open(&a, path, &o) == 0, "open: %s", a.err.msg);
	CHECK(pp_archive_head(&a, head, strlen(head), 0) == 0, "head");
	for (int i = 0; i < total; i++) {
		size_t n = record(rec, sizeof(rec), i);
		CHECK(pp_archive_write(&a, rec, n, 0.01 * i) == 0,
		    "write %d: %s", i, a.err.msg);
	}
	CHECK(pp_archive_close(&a) == 0, "close: %s", a.err.msg);
	CHECK(a.rotations >= (unsigned long long)keep + 1, "rotations %llu",
	    a.rotations);
	long sum = 0;
	for (int k = 0; k <= keep + 1; k++) {
		char name[64];
		if (k == 0)
			snprintf(name, sizeof(name), "%s", base);
		else if (gz)
			snprintf(name, sizeof(name), "r%d.ndjson.%d.gz", keep,
			    k);
		else
			snprintf(name, sizeof(name), "r%d.ndjson.%d", keep, k);
		const char *p = at(name);
		if (k == keep + 1) {
			CHECK(!file_exists(p), "%s should be deleted", name);
			continue;
		}
		char *text;
		size_t len;
		int heads;
		int rc = slurp(p, &text, &len);
		long recs = text != NULL ? check_records(text, &heads) : -1;
		CHECK(rc == Z_OK && recs > 0 && heads == 1 &&
		    strncmp(text, head, strlen(head)) == 0,
		    "%s: rc %d, %ld records, starts with the head", name, rc,
		    recs);
		/* A rotated file reached the size, plain at most a record
		 * more; gzip within the estimate of what zlib holds. */
		unsigned long long sz = file_size(p);
		if (k > 0 && !gz)
			CHECK(sz >= 4096 && sz < 4096 + 200, "%s: size %llu",
			    name, sz);
		if (k > 0 && gz)
			CHECK(sz >= 4096 * 85 / 100 && sz < 4096 * 115 / 100,
			    "%s: size %llu", name, sz);
		sum += recs;
		free(text);
	}
	CHECK(sum < total, "older records deleted: %ld of %d", sum, total);
}

/* FILE cannot be renamed (FILE.1 is a directory that is not empty): it
 * stays and grows, whole, nothing lost, and rotation is not tried at
 * every record. */
static void
rename_fails(bool gz)
{
	const char *path = at(gz ? "d.ndjson.gz" : "d.ndjson");
	const char *sub = at(gz ? "d.ndjson.1.gz" : "d.ndjson.1");
	char inner[300];
	struct pp_archive_opts o = { .rotate = 4096, .keep = 1 };
	struct pp_archive a;
	char rec[256];

	CHECK_ERRNO(mkdir(sub, 0755) == 0, "mkdir");
	snprintf(inner, sizeof(inner), "%s/x", sub);
	FILE *f = fopen(inner, "w");
	CHECK_ERRNO(f != NULL, "create");
	if (f != NULL)
		fclose(f);
	CHECK(pp_archive_open(&a, path, &o) == 0, "open: %s", a.err.msg);
	CHECK(pp_archive_head(&a, head, strlen(head), 0) == 0, "head");
	int fails = 0;
	int total = gz ? 2000 : 400;
	for (int i = 0; i < total; i++) {
		size_t n = record(rec, sizeof(rec), i);
		fails += pp_archive_write(&a, rec, n, 0.01 * i) == -1;
	}
	CHECK(strstr(a.err.msg, "cannot rename") != NULL, "msg: %s",
	    a.err.msg);
	CHECK(pp_archive_close(&a) == 0, "close: %s", a.err.msg);
	unsigned long long sz = file_size(path);
	CHECK(fails >= 2 && (unsigned long long)fails <= sz / 4096 + 1,
	    "%d failed rotations for %llu bytes", fails, sz);
	char *text;
	size_t len;
	int heads;
	int rc = slurp(path, &text, &len);
	CHECK(rc == Z_OK && check_records(text, &heads) == total &&
	    heads == 1 && a.lost == 0, "all %d records kept: rc %d", total,
	    rc);
	free(text);
	(void)unlink(inner);
	(void)rmdir(sub);
}

/* A full disk (/dev/full): each flush fails, once a second at most, the
 * records are counted lost, nothing crashes. */
static void
full_device(void)
{
	const char *path = "/dev/full";
	struct pp_archive a;
	char rec[256];

	if (!file_exists(path))
		return;
	CHECK(pp_archive_open(&a, path, NULL) == 0, "open: %s", a.err.msg);
	CHECK(pp_archive_head(&a, head, strlen(head), 0) == -1, "head fails");
	CHECK(strstr(a.err.msg, "write error on '/dev/full'") != NULL &&
	    strstr(a.err.msg, "No space left on device") != NULL, "msg: %s",
	    a.err.msg);
	int fails = 0;
	for (int i = 0; i < 100; i++) {
		size_t n = record(rec, sizeof(rec), i);
		fails += pp_archive_write(&a, rec, n, 0.05 * i) == -1;
	}
	CHECK(fails >= 4 && fails <= 5, "one try a second: %d", fails);
	CHECK(pp_archive_close(&a) == -1, "close fails");
	CHECK(a.lost == 100, "lost %llu", a.lost);
	struct pp_archive_opts o = { .rotate = 4096, .keep = 1 };
	CHECK(pp_archive_open(&a, "/dev/null", &o) == -1 &&
	    strstr(a.err.msg, "not a regular file") != NULL,
	    "rotate a device: %s", a.err.msg);
	CHECK(pp_archive_open(&a, at("no/such/dir.gz"), NULL) == -1 &&
	    strstr(a.err.msg, "cannot open") != NULL &&
	    strstr(a.err.msg, "No such file") != NULL, "open: %s", a.err.msg);
}

/* A file size limit (RLIMIT_FSIZE, EFBIG) that is lifted again: the
 * writes fail, are cut off the file, and resume; the file ends whole. */
static void
recovery(bool gz)
{
	const char *path = at(gz ? "lim.ndjson.gz" : "lim.ndjson");
	struct pp_archive a;
	struct rlimit old, lim;
	char rec[256];

	if (getrlimit(RLIMIT_FSIZE, &old) != 0)
		return;
	void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
	CHECK(pp_archive_open(&a, path, NULL) == 0, "open: %s", a.err.msg);
	CHECK(pp_archive_head(&a, head, strlen(head), 0) == 0, "head");
	lim = old;
	lim.rlim_cur = gz ? 3000 : 16000;
	CHECK_ERRNO(setrlimit(RLIMIT_FSIZE, &lim) == 0, "setrlimit");
	int i = 0;
	int fails = 0;
	double now = 0;
	for (; i < 600; i++, now += 0.01) {
		size_t n = record(rec, sizeof(rec), i);
		if (pp_archive_write(&a, rec, n, now) == -1)
			fails++;
		CHECK(file_size(path) <= lim.rlim_cur, "under the limit");
	}
	CHECK(fails > 0 && fails <= 6, "failures once a second: %d", fails);
	CHECK(strstr(a.err.msg, "File too large") != NULL, "msg %s",
	    a.err.msg);
	unsigned long long lost = a.lost;
	CHECK(lost > 0, "records lost while full");
	/* Readable up to the limit at any time. */
	char *text;
	size_t len;
	int heads;
	int rc = slurp(path, &text, &len);
	long recs = check_records(text, &heads);
	CHECK(recs >= 1 && heads == 1, "%s whole records while full: rc %d, "
	    "%ld records, %zu bytes", gz ? "gzip" : "plain", rc, recs, len);
	/* A plain file is filled up to the last whole record that fits. */
	if (!gz)
		CHECK(file_size(path) > lim.rlim_cur - 200, "filled: %llu",
		    file_size(path));
	free(text);
	CHECK_ERRNO(setrlimit(RLIMIT_FSIZE, &old) == 0, "setrlimit back");
	for (; i < 700; i++, now += 0.01) {
		size_t n = record(rec, sizeof(rec), i);
		CHECK(pp_archive_write(&a, rec, n, now) == 0, "write %d: %s",
		    i, a.err.msg);
	}
	CHECK(pp_archive_close(&a) == 0, "close: %s", a.err.msg);
	signal(SIGXFSZ, oldsig);
	rc = slurp(path, &text, &len);
	recs = check_records(text, &heads);
	CHECK(rc == Z_OK, "%s whole again after recovery: %d",
	    gz ? "gzip" : "plain", rc);
	CHECK(recs == 700 - (long)a.lost && heads == 1 && a.lost == lost,
	    "records %ld, lost %llu (%llu), heads %d", recs, a.lost, lost,
	    heads);
	CHECK(strstr(text, "\"seq\":699,") != NULL, "the last record");
	free(text);
}

void
test_archive(void)
{
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	flushing(false);
	flushing(true);
	rotation(false, 2);
	rotation(true, 2);
	rotation(false, 0);
	rotation(true, 1);
	rename_fails(false);
	rename_fails(true);
	full_device();
	recovery(false);
	recovery(true);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "rm -rf %s", dir);
}
