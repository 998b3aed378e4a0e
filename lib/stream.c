/* SPDX-License-Identifier: BSD-2-Clause */
/* stream.c: the filter input loop (see stream.h). */
#include <math.h>
#include <stdio.h>

#include "lib/cli.h"
#include "lib/exit.h"
#include "lib/stream.h"

int
pp_stream_open(struct pp_stream *s, char *const *paths, int n, bool strict)
{
	struct pp_reader_opts o = {
		.max_line = 0,
		.would_block = pp_flush_stdout,
		.arg = NULL,
	};

	s->strict = strict;
	s->failed = false;
	s->bad = 0;
	s->bad_shown = 0;
	s->records = 0;
	s->range = NULL;
	pp_record_init(&s->rec);
	return pp_reader_init(&s->rd, paths, n, &o);
}

void
pp_stream_set_range(struct pp_stream *s, struct pp_trange *r)
{
	struct pp_error e;

	pp_error_clear(&e);
	if (!pp_trange_active(r))
		return;
	if (pp_trange_resolve(r, s->rd.paths, s->rd.npaths, &e) == -1)
		pp_errx(PP_EXIT_USAGE, "--from/--to: %s", e.msg);
	s->range = r;
}

static void
bad_line(struct pp_stream *s, const struct pp_error *e)
{
	s->bad++;
	if (s->strict || s->bad_shown < PP_BADLINES_SHOWN) {
		s->bad_shown++;
		pp_warn_input(e);
	}
}

struct pp_record *
pp_stream_next(struct pp_stream *s)
{
	struct pp_error e;

	if (s->strict && s->bad > 0)
		return NULL;
	for (;;) {
		pp_error_clear(&e);
		switch (pp_reader_next(&s->rd, &e)) {
		case PP_READ_OK:
			if (pp_record_parse(&s->rec, s->rd.line, s->rd.len,
			    &e) == 0) {
				if (s->range != NULL &&
				    !pp_trange_keep(s->range, &s->rec))
					break;
				s->records++;
				return &s->rec;
			}
			e.source = s->rd.source;
			e.line = s->rd.lineno;
			bad_line(s, &e);
			break;
		case PP_READ_BAD:
			bad_line(s, &e);
			break;
		case PP_READ_NOTE:
			pp_warn_input(&e);
			break;
		case PP_READ_WARN:
			pp_warn_input(&e);
			if (s->strict)
				s->failed = true;
			break;
		case PP_READ_IOERR:
			pp_warn_input(&e);
			s->failed = true;
			break;
		case PP_READ_EOF:
			return NULL;
		}
		if (s->strict && (s->bad > 0 || s->failed)) {
			s->failed = true;
			return NULL;
		}
	}
}

int
pp_stream_close(struct pp_stream *s)
{
	if (s->bad > s->bad_shown)
		pp_warnx("%lu more bad lines skipped (%lu in all)",
		    s->bad - s->bad_shown, s->bad);
	if (s->range != NULL && s->range->kept == 0 &&
	    s->range->outside > 0) {
		char a[40];
		char b[40];
		char c[40];
		char d[40];
		const struct pp_trange *r = s->range;
		pp_warnx("no record from %s to %s: the input's records run "
		    "from %s to %s", isfinite(r->lo) ? pp_iso_time(r->lo, 3, a,
		    sizeof(a)) : "its start", isfinite(r->hi) ?
		    pp_iso_time(r->hi, 3, b, sizeof(b)) : "its end",
		    pp_iso_time(r->seen_lo, 3, c, sizeof(c)),
		    pp_iso_time(r->seen_hi, 3, d, sizeof(d)));
	}
	pp_reader_release(&s->rd);
	pp_record_release(&s->rec);
	return s->failed ? 1 : 0;
}
