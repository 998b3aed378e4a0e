/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_plot.c: pp-plot's use of untrusted record text (hostnames from
 * reverse DNS, locations, targets, event fields): the input is NDJSON
 * lines, decoded with lib/record.c and folded into lib/plot.c, and every
 * chart and the HTML report is drawn from them.
 * Invariants: each SVG document is well-formed XML (balanced elements,
 * quoted attributes with no '<' in them, only the five entities or
 * character references, no control characters) and valid UTF-8; the
 * report is valid UTF-8 too. */
#include <math.h>
#include <string.h>

#include "lib/plot.h"
#include "lib/record.h"
#include "lib/svg.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

static bool
has(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* The end of s in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *s)
{
	for (; p < end; p++)
		if (has(p, end, s))
			return p;
	return NULL;
}

static bool
namech(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-' ||
	    c == '.';
}

/* An entity or character reference at p ('&'); returns its length. */
static size_t
entity(const char *p, const char *end)
{
	static const char *const names[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&apos;" };
	for (size_t i = 0; i < 5; i++)
		if (has(p, end, names[i]))
			return strlen(names[i]);
	const char *q = p + 1;
	if (q < end && *q == '#') {
		q++;
		bool hex = q < end && *q == 'x';
		if (hex)
			q++;
		const char *d = q;
		while (q < end && ((*q >= '0' && *q <= '9') || (hex &&
		    ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))))
			q++;
		if (q > d && q < end && *q == ';')
			return (size_t)(q + 1 - p);
	}
	return 0;
}

static void
check_utf8(const char *buf, size_t len, const char *what)
{
	const unsigned char *p = (const unsigned char *)buf;
	for (size_t i = 0; i < len;) {
		size_t n = pp_utf8_len(p + i, len - i);
		FUZZ_CHECK(n > 0, "%s: invalid UTF-8 at byte %zu", what, i);
		FUZZ_CHECK(p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n' ||
		    p[i] == '\r', "%s: control byte 0x%02x at %zu", what, p[i],
		    i);
		i += n;
	}
}

static void
check_xml(const char *buf, size_t len, const char *what)
{
	const char *p = buf, *end = buf + len;
	const char *stack[64];
	size_t slen[64];
	int depth = 0;
	bool root = false;

	check_utf8(buf, len, what);
	while (p < end) {
		if (*p == '&') {
			size_t n = entity(p, end);
			FUZZ_CHECK(n > 0, "%s: bare '&' at %td", what, p - buf);
			p += n;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		const char *close = NULL;
		if (has(p, end, "<?"))
			close = find(p, end, "?>");
		else if (has(p, end, "<!--"))
			close = find(p + 4, end, "-->");
		else if (has(p, end, "<![CDATA["))
			close = find(p, end, "]]>");
		else if (has(p, end, "<!"))
			close = find(p, end, ">");
		if (close != NULL || has(p, end, "<!") || has(p, end, "<?")) {
			FUZZ_CHECK(close != NULL, "%s: unclosed <! or <? at "
			    "%td", what, p - buf);
			p = close + 1;
			continue;
		}
		if (has(p, end, "</")) {
			const char *n = p + 2, *q = n;
			while (q < end && namech(*q))
				q++;
			FUZZ_CHECK(depth > 0 && (size_t)(q - n) == slen[depth -
			    1] && memcmp(n, stack[depth - 1], slen[depth - 1])
			    == 0, "%s: </%.*s> at %td does not close the open "
			    "element", what, (int)(q - n), n, p - buf);
			while (q < end && *q == ' ')
				q++;
			FUZZ_CHECK(q < end && *q == '>', "%s: bad end tag at "
			    "%td", what, p - buf);
			depth--;
			p = q + 1;
			continue;
		}
		const char *n = p + 1, *q = n;
		while (q < end && namech(*q))
			q++;
		FUZZ_CHECK(q > n, "%s: '<' not starting a tag at %td", what,
		    p - buf);
		FUZZ_CHECK(depth > 0 || !root, "%s: a second root element",
		    what);
		size_t nlen = (size_t)(q - n);
		bool selfclose = false;
		for (;;) {
			while (q < end && (*q == ' ' || *q == '\n' ||
			    *q == '\t'))
				q++;
			FUZZ_CHECK(q < end, "%s: unclosed tag", what);
			if (*q == '>')
				break;
			if (has(q, end, "/>")) {
				selfclose = true;
				q++;
				break;
			}
			const char *a = q;
			while (q < end && namech(*q))
				q++;
			FUZZ_CHECK(q > a && q + 1 < end && q[0] == '=' &&
			    (q[1] == '"' || q[1] == '\''), "%s: bad attribute "
			    "at %td", what, a - buf);
			char quote = q[1];
			q += 2;
			while (q < end && *q != quote) {
				FUZZ_CHECK(*q != '<', "%s: '<' in an attribute "
				    "at %td", what, q - buf);
				if (*q == '&') {
					size_t e = entity(q, end);
					FUZZ_CHECK(e > 0, "%s: bare '&' in an "
					    "attribute at %td", what, q - buf);
					q += e;
				} else {
					q++;
				}
			}
			FUZZ_CHECK(q < end, "%s: unterminated attribute",
			    what);
			q++;
		}
		p = q + 1;
		if (selfclose) {
			root = root || depth == 0;
			continue;
		}
		if ((nlen == 5 && memcmp(n, "style", 5) == 0) ||
		    (nlen == 6 && memcmp(n, "script", 6) == 0)) {
			/* Raw text written by pp itself up to its end tag. */
			const char *e = find(p, end, nlen == 5 ? "</style>" :
			    "</script>");
			FUZZ_CHECK(e != NULL, "%s: unclosed <%.*s>", what,
			    (int)nlen, n);
			p = e + nlen + 3;
			root = root || depth == 0;
			continue;
		}
		FUZZ_CHECK(depth < 64, "%s: nesting over 64", what);
		stack[depth] = n;
		slen[depth] = nlen;
		depth++;
		root = true;
	}
	FUZZ_CHECK(depth == 0, "%s: %d elements left open", what, depth);
	FUZZ_CHECK(root, "%s: no element", what);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pp_plotdata d;
	struct pp_record rec;
	struct pp_error err;
	struct pp_plot_opts o = { .width = 480, .height = 240 };

	/* The report computed as pp-plot computes it (its defaults). */
	struct pp_report_opts ro = {
		.outage_loss = 30, .outage_min = 3,
		.judge = {
			.loss = 20, .latency = 250, .rise = 100, .mos = NAN,
			.clear = 80, .pct = 0.5, .window = 5,
			.route_rounds = 3, .routes = true,
		},
	};

	FUZZ_CHECK(pp_plotdata_init(&d, 64, 0) == 0, "init");
	FUZZ_CHECK(pp_plotdata_compute(&d, &ro) == 0, "compute");
	pp_record_init(&rec);
	const char *p = (const char *)data, *end = p + size;
	const char *half = p + size / 2;
	bool peeked = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (pp_record_parse(&rec, p, n, &err) == 0)
			FUZZ_CHECK(pp_plotdata_add(&d, &rec) == 0, "add");
		p += n + 1;
		/* A live page halfway. */
		if (!peeked && p >= half) {
			pp_plotdata_peek(&d);
			peeked = true;
		}
	}
	pp_record_release(&rec);
	pp_plotdata_finish(&d);
	pp_plotdata_settle(&d);

	for (int chart = 0; chart < 5; chart++) {
		struct pp_svg s;
		static const char *const names[] = { "latency", "heatmap",
		    "timeline", "summary", "html" };
		pp_svg_init(&s);
		pp_error_clear(&err);
		o.dark = chart % 2 == 1;
		int rc;
		switch (chart) {
		case 0:
			rc = pp_plot_latency(&s, &d, NULL, 0, &o, &err);
			break;
		case 1:
			rc = pp_plot_heatmap(&s, &d, NULL, 0, &o, &err);
			break;
		case 2:
			rc = pp_plot_timeline(&s, &d, NULL, &o, &err);
			break;
		case 3:
			rc = pp_plot_summary(&s, &d, &o, &err);
			break;
		default:
			rc = pp_plot_html(&s, &d, &o, 0, &err);
			break;
		}
		if (rc == 0 && !s.oom) {
			if (chart < 4)
				check_xml(s.buf, s.len, names[chart]);
			else
				check_utf8(s.buf, s.len, names[chart]);
		} else if (rc != 0) {
			FUZZ_CHECK(err.msg[0] != '\0', "%s failed without a "
			    "message", names[chart]);
		}
		pp_svg_release(&s);
	}
	pp_plotdata_release(&d);
	return 0;
}
