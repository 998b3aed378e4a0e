/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_reader.c: the record reader end to end.  After one control byte
 * the input is a file's contents.  It is read with lib/input.c as it is,
 * and again gzip-compressed: both reads must give the same results and the
 * same lines.  Every line is decoded with lib/record.c; a probe record must
 * hold values in the schema's ranges and survive pp_probe_write() and a
 * second decode unchanged; every accepted line must also parse as a JSON
 * object with jansson.
 * Control byte: bit 7 clear: line cap (bits 0-5) * 4 + 1 bytes, else the
 * default cap; bit 6: the file is given twice (two operands). */
#include <math.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "lib/input.h"
#include "lib/jsonw.h"
#include "lib/record.h"
#include "tests/fuzz/fuzz.h"

/* What one pp_reader_next() call gave. */
struct result {
	enum pp_read rc;
	unsigned long lineno;
	size_t len;
	uint64_t hash;		/* FNV-1a of the line */
};

struct results {
	struct result *v;
	size_t n, cap;
};

static uint64_t
fnv(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static void
check_probe(const struct pp_probe *p)
{
	FUZZ_CHECK(p->target != NULL, "probe without target");
	FUZZ_CHECK(isfinite(p->ts) && p->ts >= 0 && p->ts <= 1e11, "ts %g",
	    p->ts);
	FUZZ_CHECK(p->ttl == -1 || (p->ttl >= 1 && p->ttl <= 255), "ttl %d",
	    p->ttl);
	FUZZ_CHECK(p->reply_ttl >= -1 && p->reply_ttl <= 255, "reply_ttl");
	FUZZ_CHECK(p->code >= -1 && p->code <= 255, "code");
	FUZZ_CHECK(p->port >= -1 && p->port <= 65535, "port");
	FUZZ_CHECK(p->size >= -1 && p->size <= 65535, "size");
	FUZZ_CHECK(p->seq >= -1 && p->round >= -1 && p->flow >= -1, "ints");
	FUZZ_CHECK(isnan(p->rtt) || (p->rtt >= 0 && p->rtt <= 3600000.0),
	    "rtt %g", p->rtt);
	FUZZ_CHECK(!isnan(p->rtt) || (p->status != PP_ST_REPLY &&
	    p->status != PP_ST_TTL_EXPIRED), "answered probe without rtt");
	FUZZ_CHECK(p->status >= PP_ST_REPLY && p->status <= PP_ST_ERROR,
	    "status");
}

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Write p back as a line, decode it again: the same probe. */
static void
round_trip(const struct pp_probe *p)
{
	struct pp_jw w;
	struct pp_record r2;
	struct pp_error err;

	pp_jw_init(&w);
	pp_probe_write(&w, p);
	FUZZ_CHECK(!w.oom && w.len > 0, "probe written");
	size_t n = w.buf[w.len - 1] == '\n' ? w.len - 1 : w.len;
	pp_record_init(&r2);
	int rc = pp_record_parse(&r2, w.buf, n, &err);
	FUZZ_CHECK(rc == 0, "written probe rejected: %s: %.*s", err.msg,
	    (int)w.len, w.buf);
	const struct pp_probe *q = &r2.probe;
	FUZZ_CHECK(r2.type == PP_REC_PROBE, "written probe's type");
	FUZZ_CHECK(same_str(p->target, q->target) && same_str(p->dst, q->dst)
	    && same_str(p->proto, q->proto) && same_str(p->from, q->from) &&
	    same_str(p->err, q->err), "strings differ after round trip");
	FUZZ_CHECK(p->seq == q->seq && p->round == q->round &&
	    p->flow == q->flow && p->ttl == q->ttl &&
	    p->reply_ttl == q->reply_ttl && p->code == q->code &&
	    p->port == q->port && p->size == q->size &&
	    p->status == q->status, "integers differ after round trip");
	FUZZ_CHECK(fabs(p->ts - q->ts) <= 5e-7 * (1 + fabs(p->ts) * 1e-9) +
	    1e-6, "ts %.9f vs %.9f", p->ts, q->ts);
	FUZZ_CHECK((isnan(p->rtt) && isnan(q->rtt)) ||
	    fabs(p->rtt - q->rtt) <= 5.01e-4, "rtt %.9g vs %.9g", p->rtt,
	    q->rtt);
	pp_record_release(&r2);
	pp_jw_release(&w);
}

static void
decode(struct pp_record *rec, const char *line, size_t len)
{
	struct pp_error err;

	pp_error_clear(&err);
	if (pp_record_parse(rec, line, len, &err) == -1) {
		FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
		return;
	}
	FUZZ_CHECK(rec->type_name != NULL, "no type name");
	json_t *j = pp_record_json(rec, &err);
	FUZZ_CHECK(j != NULL && json_is_object(j), "accepted line is not an "
	    "object for jansson: %s", err.msg);
	json_t *t = json_object_get(j, "type");
	FUZZ_CHECK(json_is_string(t) && strcmp(json_string_value(t),
	    rec->type_name) == 0, "type differs from jansson's");
	if (rec->type == PP_REC_PROBE) {
		check_probe(&rec->probe);
		round_trip(&rec->probe);
	}
}

/* Read path (twice when two), recording every result; decode lines when
 * rec is not NULL. */
static void
read_all(const char *path, bool two, size_t max_line, struct results *out,
    struct pp_record *rec)
{
	char *paths[2] = { (char *)(uintptr_t)path, (char *)(uintptr_t)path };
	struct pp_reader_opts o = { .max_line = max_line };
	struct pp_reader rd;
	struct pp_error err;

	FUZZ_CHECK(pp_reader_init(&rd, paths, two ? 2 : 1, &o) == 0, "init");
	size_t cap = max_line == 0 ? PP_LINE_MAX : max_line;
	for (;;) {
		enum pp_read rc = pp_reader_next(&rd, &err);
		if (rc == PP_READ_EOF)
			break;
		struct result res = { .rc = rc, .lineno = rd.lineno };
		if (rc == PP_READ_OK) {
			FUZZ_CHECK(rd.len <= cap, "line of %zu over cap %zu",
			    rd.len, cap);
			FUZZ_CHECK(rd.line[rd.len] == '\0', "not terminated");
			FUZZ_CHECK(memchr(rd.line, '\n', rd.len) == NULL,
			    "newline inside a line");
			FUZZ_CHECK(rd.len > 0, "blank line returned");
			res.len = rd.len;
			res.hash = fnv(rd.line, rd.len);
			if (rec != NULL)
				decode(rec, rd.line, rd.len);
		} else {
			FUZZ_CHECK(err.msg[0] != '\0', "result %d without "
			    "a message", (int)rc);
		}
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->v = realloc(out->v, out->cap * sizeof(*out->v));
			FUZZ_CHECK(out->v != NULL, "out of memory");
		}
		out->v[out->n++] = res;
	}
	pp_reader_release(&rd);
}

/* data gzip-compressed, in a malloc'd buffer. */
static unsigned char *
gzip(const uint8_t *data, size_t size, size_t *outlen)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	FUZZ_CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
	size_t cap = deflateBound(&zs, (uLong)size) + 64;
	unsigned char *out = malloc(cap);
	FUZZ_CHECK(out != NULL, "out of memory");
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END, "deflate");
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned c = data[0];
	size_t max_line = (c & 0x80) ? 0 : (size_t)(c & 0x3f) * 4 + 1;
	bool two = (c & 0x40) != 0;
	data++;
	size--;
	bool is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	/* A byte order mark at the start of a line (of the operand, or of a
	 * file joined after another with cat) is skipped with a note. */
	bool bom = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0;
	for (size_t i = 0; !bom && i + 3 < size; i++)
		bom = data[i] == '\n' &&
		    memcmp(data + i + 1, "\xef\xbb\xbf", 3) == 0;

	struct results plain = { 0 }, gz = { 0 };
	struct pp_record rec;
	pp_record_init(&rec);
	read_all(fuzz_file(data, size, 0), two, max_line, &plain, &rec);
	pp_record_release(&rec);
	if (!is_gzip) {
		for (size_t i = 0; i < plain.n; i++)
			FUZZ_CHECK(plain.v[i].rc == PP_READ_OK ||
			    plain.v[i].rc == PP_READ_BAD ||
			    (plain.v[i].rc == PP_READ_NOTE && bom),
			    "plain file gave "
			    "result %d", (int)plain.v[i].rc);
		size_t zlen;
		unsigned char *z = gzip(data, size, &zlen);
		read_all(fuzz_file(z, zlen, 1), two, max_line, &gz, NULL);
		free(z);
		FUZZ_CHECK(gz.n == plain.n, "gzip gave %zu results, plain %zu",
		    gz.n, plain.n);
		for (size_t i = 0; i < plain.n; i++) {
			const struct result *a = &plain.v[i], *b = &gz.v[i];
			FUZZ_CHECK(a->rc == b->rc && a->lineno == b->lineno &&
			    a->len == b->len && a->hash == b->hash,
			    "result %zu differs: plain %d line %lu len %zu, "
			    "gzip %d line %lu len %zu", i, (int)a->rc,
			    a->lineno, a->len, (int)b->rc, b->lineno, b->len);
		}
	}
	free(plain.v);
	free(gz.v);
	return 0;
}
