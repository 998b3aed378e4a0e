/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/axis.h"
#include "lib/svg.h"
#include "tests/unit/check.h"

void test_svg(void);
void test_svg_numbers(void);

static const char *
doc(struct pp_svg *s)
{
	static char out[8192];
	size_t n = s->len < sizeof(out) - 1 ? s->len : sizeof(out) - 1;

	memcpy(out, s->buf, n);
	out[n] = '\0';
	return out;
}

void
test_svg(void)
{
	struct pp_svg s;

	pp_svg_init(&s);
	pp_svg_text(&s, 10, 20.5, "middle", "lbl",
	    "<script>alert('x')</script> & \"q\"");
	CHECK_STR(doc(&s), "<text x=\"10\" y=\"20.5\" text-anchor=\"middle\" "
	    "class=\"lbl\">&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; "
	    "&amp; &quot;q&quot;</text>\n", "text escaped");
	pp_svg_release(&s);

	pp_svg_init(&s);
	pp_svg_text(&s, 0, 0, NULL, NULL, "a\x01" "b\xff" "c\xc3\xa9");
	CHECK_STR(doc(&s), "<text x=\"0\" y=\"0\">a\xef\xbf\xbd" "b"
	    "\xef\xbf\xbd" "c\xc3\xa9</text>\n", "control and bad UTF-8");
	pp_svg_release(&s);

	pp_svg_init(&s);
	pp_svg_path_begin(&s, "med", "none", NULL);
	pp_svg_path_point(&s, 0, 10);
	pp_svg_path_point(&s, 1.255, 11);
	pp_svg_path_gap(&s);
	pp_svg_path_point(&s, 5, -0.001);
	pp_svg_path_end(&s);
	CHECK_STR(doc(&s), "<path class=\"med\" fill=\"none\" "
	    "d=\"M0 10L1.25 11M5 0\"/>\n", "path with a gap");
	pp_svg_release(&s);

	pp_svg_init(&s);
	pp_svg_begin(&s, 200, 100, "t<1>", ".a{fill:red}");
	pp_svg_group(&s, "g1");
	pp_svg_rect(&s, 1, 2, 3, -4, NULL, "#fff");
	pp_svg_end(&s);
	CHECK_STR(doc(&s), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"200\" height=\"100\" viewBox=\"0 0 200 100\">\n"
	    "<title>t&lt;1&gt;</title>\n<style>\n.a{fill:red}\n</style>\n"
	    "<g class=\"g1\">\n<rect x=\"1\" y=\"2\" width=\"3\" height=\"0\" "
	    "fill=\"#fff\"/>\n</g>\n</svg>\n", "document");
	char path[] = "/tmp/pp-unit-svg-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	CHECK(pp_svg_write_atomic(&s, path) == 0, "atomic write");
	FILE *f = fopen(path, "r");
	char back[8192] = "";
	size_t got = f != NULL ? fread(back, 1, sizeof(back) - 1, f) : 0;
	back[got] = '\0';
	if (f != NULL)
		fclose(f);
	CHECK(got == s.len && memcmp(back, s.buf, got) == 0, "read back");
	unlink(path);
	pp_svg_release(&s);

	/* Value axes. */
	static const struct {
		double lo, hi;
		int want;
		bool zero;
		double step, alo, ahi;
		const char *first, *last;
	} va[] = {
		{ 3.2, 47.9, 5, true, 10, 0, 50, "0 ms", "50 ms" },
		{ 0.12, 0.87, 4, false, 0.2, 0, 1, "0.0 ms", "1.0 ms" },
		{ 12, 12, 5, false, 0.5, 12, 13.5, "12.0 ms", "13.5 ms" },
		{ 0, 1234, 6, true, 500, 0, 1500, "0 ms", "1500 ms" },
	};
	for (size_t i = 0; i < sizeof(va) / sizeof(va[0]); i++) {
		struct pp_axis a;
		pp_axis_value(&a, va[i].lo, va[i].hi, va[i].want, va[i].zero,
		    "ms");
		CHECK_NEAR(a.step, va[i].step, 1e-12, "value step");
		CHECK_NEAR(a.lo, va[i].alo, 1e-9, "value lo");
		CHECK_NEAR(a.hi, va[i].ahi, 1e-9, "value hi");
		CHECK_STR(a.label[0], va[i].first, "first label");
		CHECK_STR(a.label[a.nticks - 1], va[i].last, "last label");
	}

	/* Time axes, UTC. 1764000000 = 2025-11-24 16:00:00 UTC. */
	struct pp_axis t;
	pp_axis_time(&t, 1764000000 + 7, 1764000000 + 65, 6, false);
	CHECK_NEAR(t.step, 10, 0, "time step 10 s");
	CHECK_STR(t.label[0], "16:00:10", "first time tick");
	pp_axis_time(&t, 1764000000, 1764000000 + 86400, 8, false);
	CHECK_NEAR(t.step, 10800, 0, "time step 3 h");
	CHECK_STR(t.label[0], "18:00", "3 h ticks on multiples of 3 h");
	CHECK_STR(t.label[1], "21:00", "3 h tick label");
	pp_axis_time(&t, 1764000000, 1764000000 + 30 * 86400.0, 6, false);
	CHECK_NEAR(t.step, 604800, 0, "time step 1 week");
	CHECK(t.nticks >= 4 && t.nticks <= 6, "week ticks %d", t.nticks);
}

/* %.2f with trailing zeros trimmed, as the writer promises. */
static void
ref_num(double v, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%.2f", v);

	while (n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	if (strcmp(buf, "-0") == 0)
		(void)snprintf(buf, size, "0");
}

/* Coordinates written without printf print as printf's %.2f would: random
 * values of every size, and ties (x.xx5) both sides of the binary
 * rounding. */
void
test_svg_numbers(void)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	int bad = 0;

	for (int i = 0; i < 300000; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		double v;
		switch (i % 4) {
		case 0:
			v = (double)(seed % 100000000) / 1000.0;
			break;
		case 1:	/* ties */
			v = (double)(seed % 1000000) / 100.0 + 0.005;
			break;
		case 2:
			v = -(double)(seed % 1000000) / 997.0;
			break;
		default:
			v = (double)(seed >> 11) / 9007199254740992.0 *
			    pow(10, (double)(seed % 14) - 3);
			break;
		}
		struct pp_svg s;
		char want[64];
		char got[128];
		pp_svg_init(&s);
		pp_svg_line(&s, v, 0, 0, 0, NULL);
		ref_num(v, want, sizeof(want));
		(void)snprintf(got, sizeof(got), "%.*s", (int)s.len, s.buf);
		char expect[128];
		(void)snprintf(expect, sizeof(expect), "<line x1=\"%s\"", want);
		if (strncmp(got, expect, strlen(expect)) != 0 ||
		    got[strlen(expect)] != ' ') {
			if (bad++ < 5)
				CHECK(0, "%.17g: got %s, want %s", v, got, want);
		}
		pp_svg_release(&s);
	}
	CHECK(bad == 0, "%d numbers differ from %%.2f", bad);
}
