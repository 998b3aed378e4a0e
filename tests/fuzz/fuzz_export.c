/* fuzz_export.c: pp-stats' exports of record text to monitoring engines
 * (lib/export.c): the Prometheus text format and the InfluxDB line
 * protocol.  The input is up to five strings separated by NUL bytes:
 * target, responder address, codec, model, note (missing ones empty; an
 * empty address means none).  One stats window, one outage and one mos
 * record are written in both formats.
 * Invariants: the line protocol has exactly three lines, each measurement,
 * tags, fields and a timestamp of digits, with every space, comma and
 * equals sign inside a tag escaped, no raw newline or carriage return
 * (in tags or string fields) and valid UTF-8; every Prometheus sample line is NAME{label="value",...} VALUE
 * with values escaped only as \\, \" and \n, valid UTF-8, and the label
 * target, unescaped, is the target (invalid UTF-8 as U+FFFD). */
#include <math.h>
#include <string.h>

#include "lib/export.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

static void
check_utf8(const char *s, size_t n, const char *what)
{
	for (size_t i = 0; i < n;) {
		size_t k = pp_utf8_len((const unsigned char *)s + i, n - i);
		FUZZ_CHECK(k > 0, "%s: invalid UTF-8 at %zu", what, i);
		i += k;
	}
}

/* One line protocol line: measurement[,k=v...] fields timestamp. */
static void
check_influx_line(const char *l, size_t n)
{
	size_t i = 0;
	int part = 0;		/* 0 series, 1 fields, 2 timestamp */
	bool quoted = false;

	check_utf8(l, n, "influx");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];
		FUZZ_CHECK(c != '\n' && c != '\r', "influx: raw line break");
		if (c == '\\') {
			FUZZ_CHECK(i + 1 < n, "influx: backslash at the end");
			i++;
			continue;
		}
		if (part == 1 && c == '"')
			quoted = !quoted;
		if (c == ' ' && !quoted) {
			part++;
			FUZZ_CHECK(part <= 2, "influx: unescaped space in %.*s",
			    (int)n, l);
		}
	}
	FUZZ_CHECK(part == 2 && !quoted, "influx: %d parts in %.*s", part,
	    (int)n, l);
	const char *ts = l + n;
	while (ts > l && ts[-1] != ' ')
		ts--;
	FUZZ_CHECK(ts > l && ts < l + n, "influx: no timestamp");
	ts--;
	for (const char *p = ts + 1; p < l + n; p++)
		FUZZ_CHECK((*p >= '0' && *p <= '9') || (p == ts + 1 &&
		    *p == '-'), "influx: timestamp not digits");
}

/* A Prometheus sample line; returns the unescaped target label value
 * (malloc'd) or NULL when there is none. */
static char *
check_prom_line(const char *l, size_t n)
{
	char *target = NULL;
	size_t i = 0;

	check_utf8(l, n, "prom");
	while (i < n && (l[i] == '_' || (l[i] >= 'a' && l[i] <= 'z') ||
	    (l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9') ||
	    l[i] == ':'))
		i++;
	FUZZ_CHECK(i > 0, "prom: no metric name: %.*s", (int)n, l);
	if (i < n && l[i] == '{') {
		i++;
		while (i < n && l[i] != '}') {
			size_t k = i;
			while (i < n && l[i] != '=')
				i++;
			FUZZ_CHECK(i + 1 < n && l[i + 1] == '"', "prom: label");
			bool is_target = i - k == 6 &&
			    memcmp(l + k, "target", 6) == 0;
			i += 2;
			char *v = malloc(n + 1);
			size_t vl = 0;
			FUZZ_CHECK(v != NULL, "malloc");
			while (i < n && l[i] != '"') {
				FUZZ_CHECK(l[i] != '\n', "prom: raw newline");
				if (l[i] == '\\') {
					FUZZ_CHECK(i + 1 < n && (l[i + 1] ==
					    '\\' || l[i + 1] == '"' ||
					    l[i + 1] == 'n'), "prom: escape");
					v[vl++] = l[i + 1] == 'n' ? '\n' :
					    l[i + 1];
					i += 2;
					continue;
				}
				v[vl++] = l[i++];
			}
			FUZZ_CHECK(i < n, "prom: unterminated label value");
			v[vl] = '\0';
			if (is_target && target == NULL)
				target = v;
			else
				free(v);
			i++;
			if (i < n && l[i] == ',')
				i++;
		}
		FUZZ_CHECK(i < n && l[i] == '}', "prom: unterminated labels");
		i++;
	}
	FUZZ_CHECK(i < n && l[i] == ' ' && i + 1 < n, "prom: no value");
	char *end = NULL;
	char num[64];
	size_t nl = n - i - 1 < sizeof(num) - 1 ? n - i - 1 : sizeof(num) - 1;
	memcpy(num, l + i + 1, nl);
	num[nl] = '\0';
	(void)strtod(num, &end);
	FUZZ_CHECK(end != NULL && *end == '\0', "prom: value %s", num);
	return target;
}

/* s with invalid UTF-8 bytes as U+FFFD (what the exporter promises). */
static char *
repaired(const char *s)
{
	size_t n = strlen(s);
	char *r = malloc(n * 3 + 1);
	size_t o = 0;

	FUZZ_CHECK(r != NULL, "malloc");
	for (size_t i = 0; i < n;) {
		size_t k = pp_utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			memcpy(r + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(r + o, s + i, k);
			o += k;
			i += k;
		}
	}
	r[o] = '\0';
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *str[5] = { "", "", "", "", "" };

	FUZZ_CHECK(buf != NULL, "malloc");
	memcpy(buf, data, size);
	buf[size] = '\0';
	int ns = 0;
	for (size_t i = 0, start = 0; i <= size && ns < 5; i++) {
		if (i == size || buf[i] == '\0') {
			str[ns++] = buf + start;
			start = i + 1;
		}
	}
	struct pp_export_stats st = {
		.target = str[0], .ttl = 3, .addr = str[1][0] != '\0' ?
		str[1] : NULL, .start = 1764000000.0, .end = 1764000060.0,
		.sent = 60, .recv = 58, .loss = 3.333, .fwd_loss = 1.0,
		.last = 7.9, .min = 7.1, .avg = 8.0, .max = 12.4,
		.stdev = 0.8, .p50 = 7.9, .p90 = 9.0, .p95 = 9.6, .p99 = 12.0,
		.jitter = 0.4, .jmax = 3.1, .jint = 0.3,
	};
	struct pp_export_outage ou = {
		.target = str[0], .ttl = 3, .start = 1764000010.0,
		.end = 1764000020.0, .sent = 10, .recv = 0, .ongoing = true,
	};
	struct pp_export_mos mo = {
		.target = str[0], .codec = str[2], .model = str[3],
		.start = 1764000000.0, .end = 1764000060.0, .rtt = 20,
		.jitter = 1, .jitter_buffer = NAN, .delay = 30, .loss = 1,
		.burst_r = 1, .ie_eff = 2, .r = 90, .mos = 4.3, .sent = 60,
		.recv = 59, .note = str[4][0] != '\0' ? str[4] : NULL,
	};
	struct pp_export x;

	pp_export_init(&x);
	pp_export_influx_stats(&x, &st);
	pp_export_influx_outage(&x, &ou);
	pp_export_influx_mos(&x, &mo);
	FUZZ_CHECK(!x.oom, "out of memory");
	int lines = 0;
	for (size_t i = 0, start = 0; i < x.len; i++) {
		if (x.buf[i] != '\n')
			continue;
		check_influx_line(x.buf + start, i - start);
		lines++;
		start = i + 1;
	}
	FUZZ_CHECK(lines == 3 && x.len > 0 && x.buf[x.len - 1] == '\n',
	    "influx: %d lines", lines);
	pp_export_reset(&x);

	FUZZ_CHECK(pp_export_prom_stats(&x, 7, &st) == 0, "prom stats");
	FUZZ_CHECK(pp_export_prom_mos(&x, &mo) == 0, "prom mos");
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(pp_export_prom_write(&x, f) == 0, "prom write");
	FUZZ_CHECK(fclose(f) == 0, "fclose");
	char *want = repaired(str[0]);
	int samples = 0;
	for (size_t i = 0, start = 0; i < olen; i++) {
		if (out[i] != '\n')
			continue;
		if (out[start] != '#') {
			char *t = check_prom_line(out + start, i - start);
			FUZZ_CHECK(t != NULL && strcmp(t, want) == 0,
			    "prom: target label differs");
			free(t);
			samples++;
		}
		start = i + 1;
	}
	FUZZ_CHECK(samples > 10, "prom: %d samples", samples);
	free(want);
	free(out);
	pp_export_release(&x);
	free(buf);
	return 0;
}
