/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_export.c: pp-stats' exports of record text to monitoring engines
 * (lib/export_prom.c, lib/export_influx.c): the Prometheus text format
 * and the InfluxDB line protocol.  The input is up to five strings separated by NUL bytes:
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
#include "lib/export_influx.h"
#include "lib/export_prom.h"
#include "lib/model.h"
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
	struct pp_stats_rec st;
	pp_stats_rec_init(&st);
	st.target = str[0];
	st.ttl = 3;
	st.addr = str[1][0] != '\0' ? str[1] : NULL;
	st.start = 1764000000.0;
	st.end = 1764000060.0;
	st.sent = 60;
	st.recv = 58;
	st.loss = 3.333;
	st.fwd_loss = 1.0;
	st.last = 7.9;
	st.min = 7.1;
	st.avg = 8.0;
	st.max = 12.4;
	st.stdev = 0.8;
	st.p50 = 7.9;
	st.p90 = 9.0;
	st.p95 = 9.6;
	st.p99 = 12.0;
	st.jitter = 0.4;
	st.jmax = 3.1;
	st.jint = 0.3;
	st.naddrs = 1;
	st.addrs[0].addr = str[1];
	st.addrs[0].recv = 58;
	st.addrs[0].avg = 8.0;
	st.addrs[0].min = 7.1;
	st.addrs[0].max = 12.4;
	st.unreachable = 2;
	st.nunreach = 1;
	st.unreach[0].addr = str[1][0] != '\0' ? str[1] : NULL;
	st.unreach[0].code = 3;
	st.unreach[0].count = 2;
	struct pp_outage_rec ou;
	pp_outage_rec_init(&ou);
	ou.target = str[0];
	ou.ttl = 3;
	ou.start = 1764000010.0;
	ou.end = 1764000020.0;
	ou.duration = 10000.0;
	ou.sent = 10;
	ou.recv = 0;
	ou.loss = 100.0;
	ou.ongoing = true;
	struct pp_mos_rec mo;
	pp_mos_rec_init(&mo);
	mo.target = str[0];
	mo.codec = str[2];
	mo.model = str[3];
	mo.start = 1764000000.0;
	mo.end = 1764000060.0;
	mo.rtt = 20;
	mo.jitter = 1;
	mo.jitter_buffer = NAN;
	mo.delay = 30;
	mo.loss = 1;
	mo.burst_r = 1;
	mo.ie_eff = 2;
	mo.r = 90;
	mo.mos = 4.3;
	mo.sent = 60;
	mo.recv = 59;
	mo.note = str[4][0] != '\0' ? str[4] : NULL;
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
	pp_export_release(&x);

	struct pp_export_prom p;

	pp_export_prom_init(&p);
	FUZZ_CHECK(pp_export_prom_stats(&p, 7, &st) == 0, "prom stats");
	FUZZ_CHECK(pp_export_prom_mos(&p, &mo) == 0, "prom mos");
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(pp_export_prom_write(&p, f) == 0, "prom write");
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
	pp_export_prom_release(&p);
	free(buf);
	return 0;
}
