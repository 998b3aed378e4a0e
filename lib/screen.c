/* SPDX-License-Identifier: BSD-2-Clause */
/* screen.c: a prober's live view and report (see screen.h). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/agg.h"
#include "lib/geo.h"
#include "lib/hophist.h"
#include "lib/pingline.h"
#include "lib/rdns.h"
#include "lib/sanitize.h"
#include "lib/screen.h"
#include "lib/trange.h"
#include "lib/util.h"

#define HEAD_LINES 3		/* title, keys, status */
#define FRAME_MIN_NS 200000000LL	/* frames at most 5 a second */
#define FRAME_MAX_NS 1000000000LL	/* ... and at least 1 (the clock) */
#define KEY_NS 20000000LL	/* keys and names looked at this often */
#define ENTER "\033[?1049h\033[?25l\033[H\033[2J"
#define LEAVE "\033[?25h\033[?1049l"

/* The last answers of one hop (display mode 1), a ring. */
struct pp_screen {
	struct pp_screen_opts o;	/* as given (strings borrowed) */
	struct pp_agg agg;	/* the figures */
	bool agg_ok;		/* agg set up */
	struct pp_rdns *rdns;	/* names, NULL without DNS */
	struct pp_geo geo;	/* AS numbers */
	bool geo_ok;		/* geo set up */
	bool have_asn;		/* an AS database is open */
	struct pp_table table;	/* the renderer */
	struct pp_hophists hh;	/* each hop's last answers */
	struct pp_stats_rec *rows;	/* the frame's rows (strings: agg's) */
	size_t nrows;
	size_t arows;
	/* The terminal. */
	bool started;		/* the terminal is ours */
	struct termios saved;	/* the key terminal as it was */
	struct termios raw;	/* ... as the screen sets it */
	bool saved_ok;		/* saved and raw hold them */
	volatile sig_atomic_t resumed;	/* the terminal was taken again */
	int width;		/* columns */
	int height;		/* lines */
	/* What the user chose. */
	bool paused;		/* p: the display stands still */
	bool names;		/* n: names shown (and looked up) */
	bool jitter;		/* j: the jitter columns */
	bool mpls;		/* e */
	bool asn;		/* z */
	bool wide;		/* w */
	bool help;		/* h, ?: the key list */
	int mode;		/* d: 0 the table, 1 the hops' last answers,
				 * 2 the same on mtr's scale */
	int scroll;		/* first body line shown */
	/* When. */
	bool dirty;		/* something changed since the last frame */
	bool force;		/* a frame at once (a key) */
	long long last_frame;	/* monotonic ns, 0 none yet */
	long long frame_ns;	/* what the last frame cost (CPU ns: time
				 * the process waited for a core is not its
				 * cost, so a loaded host is not shown one
				 * frame a second) */
	double start;		/* the run's start (or reset), epoch s */
	char keys[16];		/* an escape sequence being read */
	int nkeys;
	bool dns_silent;	/* the resolver never answered */
};

/* ------------------------------------------------------------ names */

static const char *
name_of(void *arg, const char *addr)
{
	struct pp_screen *s = arg;
	const char *name = NULL;

	if (s->rdns == NULL || !s->names)
		return NULL;
	if (pp_rdns_lookup(s->rdns, addr, &name) != PP_RDNS_DONE)
		return NULL;
	return name;
}

static uint32_t
asn_of(void *arg, const char *addr)
{
	struct pp_screen *s = arg;

	if (!s->have_asn)
		return 0;
	const char *g = pp_geo_lookup(&s->geo, addr);
	const char *at = g != NULL ? strstr(g, "\"asn\":") : NULL;
	if (at == NULL)
		return 0;
	char *end;
	unsigned long v = strtoul(at + 6, &end, 10);
	return end != at + 6 && v <= UINT32_MAX ? (uint32_t)v : 0;
}

/* ------------------------------------------------------------ set up */

static void
agg_open(struct pp_screen *s)
{
	struct pp_agg_opts ao = {
		.horizon = s->o.horizon,
		.outage_loss = 30,
		.outage_min = 3,
		.outcome = { .refused_down = s->o.refused_down },
	};
	struct pp_agg_sink none = { 0 };

	s->agg_ok = pp_agg_init(&s->agg, &ao, &none) == 0;
}

struct pp_screen *
pp_screen_new(const struct pp_screen_opts *o, struct pp_error *err)
{
	struct pp_screen *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		pp_error_set(err, "out of memory");
		return NULL;
	}
	s->o = *o;
	s->width = PP_TABLE_WIDTH;
	s->height = 24;
	s->names = o->dns;
	s->mpls = o->mpls;
	s->wide = o->wide;
	s->start = pp_wall();
	agg_open(s);
	if (pp_hophists_init(&s->hh) == -1 || !s->agg_ok) {
		pp_error_set(err, "out of memory");
		pp_screen_free(s);
		return NULL;
	}
	if (pp_geo_init(&s->geo) == -1) {
		pp_error_set(err, "out of memory");
		pp_screen_free(s);
		return NULL;
	}
	s->geo_ok = true;
	if (o->asn_db != NULL) {
		if (pp_geo_open_mmdb(&s->geo, o->asn_db, err) == -1) {
			pp_screen_free(s);
			return NULL;
		}
		s->have_asn = true;
		s->asn = true;
	}
	if (o->dns) {
		s->rdns = pp_rdns_new(o->dns_server, o->dns_timeout > 0 ?
		    o->dns_timeout : 2, 64, err);
		if (s->rdns == NULL) {
			pp_screen_free(s);
			return NULL;
		}
	}
	struct pp_table_opts to = {
		.name = name_of,
		.asn_of = asn_of,
		.arg = s,
		.one_target = o->ntargets == 1,
	};
	pp_table_init(&s->table, &to);
	s->dirty = true;
	return s;
}

void
pp_screen_free(struct pp_screen *s)
{
	if (s == NULL)
		return;
	pp_screen_stop(s);
	if (s->agg_ok)
		pp_agg_release(&s->agg);
	pp_rdns_free(s->rdns);
	if (s->geo_ok)
		pp_geo_release(&s->geo);
	pp_table_release(&s->table);
	pp_hophists_release(&s->hh);
	free(s->rows);
	free(s);
}

/* ------------------------------------------------------------ terminal */

/* Write all of buf to fd (a terminal: blocking). */
static void
put_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
term_size(struct pp_screen *s)
{
	struct winsize ws;

	if (s->o.out >= 0 && ioctl(s->o.out, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 && ws.ws_row > 0) {
		s->width = ws.ws_col;
		s->height = ws.ws_row;
	}
}

int
pp_screen_start(struct pp_screen *s)
{
	if (s->started || s->o.out < 0)
		return 0;
	if (s->o.keys >= 0 && tcgetattr(s->o.keys, &s->saved) == 0) {
		struct termios t = s->saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(s->o.keys, TCSANOW, &t) == -1)
			return -1;
		s->raw = t;
		s->saved_ok = true;
	}
	put_all(s->o.out, ENTER, strlen(ENTER));
	s->started = true;
	s->force = true;
	term_size(s);
	return 0;
}

void
pp_screen_restore(const struct pp_screen *s)
{
	if (s == NULL || !s->started)
		return;
	if (s->o.out >= 0)
		(void)!write(s->o.out, LEAVE, sizeof(LEAVE) - 1);
	if (s->saved_ok)
		(void)tcsetattr(s->o.keys, TCSANOW, &s->saved);
}

void
pp_screen_resume(struct pp_screen *s)
{
	if (s == NULL || !s->started)
		return;
	if (s->saved_ok)
		(void)tcsetattr(s->o.keys, TCSANOW, &s->raw);
	if (s->o.out >= 0)
		(void)!write(s->o.out, ENTER, sizeof(ENTER) - 1);
	s->resumed = 1;
}

void
pp_screen_stop(struct pp_screen *s)
{
	if (!s->started)
		return;
	pp_screen_restore(s);
	s->started = false;
	s->saved_ok = false;
}

/* ------------------------------------------------------------ probes */

void
pp_screen_sent(struct pp_screen *s, const char *target, int ttl)
{
	struct pp_hophist *h = pp_hophists_get(&s->hh, target, ttl, true);

	if (h != NULL) {
		h->inflight++;
		s->dirty = true;
	}
}

void
pp_screen_unsent(struct pp_screen *s, const char *target, int ttl)
{
	struct pp_hophist *h = pp_hophists_get(&s->hh, target, ttl, false);

	if (h != NULL && h->inflight > 0) {
		h->inflight--;
		s->dirty = true;
	}
}

void
pp_screen_probe(struct pp_screen *s, const struct pp_probe *p)
{
	if (!s->agg_ok)
		return;
	(void)pp_agg_probe(&s->agg, p);
	struct pp_hophist *h = pp_hophists_get(&s->hh, p->target,
	    pp_probe_hop(p), true);
	if (h != NULL) {
		if (h->inflight > 0)
			h->inflight--;
		struct pp_outcome_opts oo = {
			.refused_down = s->o.refused_down,
		};
		enum pp_outcome oc = pp_probe_outcome(p, &oo);
		bool ok = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
		if (oc != PP_LOCAL)
			pp_hophist_add(h, ok ? p->rtt : NAN);
	}
	s->dirty = true;
}

/* ------------------------------------------------------------ frames */

static void
on_row(void *arg, const struct pp_agg *a, const struct pp_agg_key *k,
    double start, double end)
{
	struct pp_screen *s = arg;

	if (s->nrows == s->arows) {
		size_t na = s->arows != 0 ? s->arows * 2 : 64;
		struct pp_stats_rec *r = realloc(s->rows, na * sizeof(*r));
		if (r == NULL)
			return;
		s->rows = r;
		s->arows = na;
	}
	struct pp_stats_rec *r = &s->rows[s->nrows++];
	pp_agg_row(a, k, start, end, r);
	/* Snt counts the probes in flight (mtr's xmit), the rest only
	 * outcomes (mtr's xmit - transit). */
	const struct pp_hophist *h = pp_hophists_get(&s->hh, r->target,
	    r->ttl, false);
	r->inflight = h != NULL ? h->inflight : 0;
}

/* Whether two rows are of the same (vantage point, target). */
static bool
same_path(const struct pp_stats_rec *a, const struct pp_stats_rec *b)
{
	return strcmp(a->target, b->target) == 0 &&
	    strcmp(a->vantage != NULL ? a->vantage : "",
	    b->vantage != NULL ? b->vantage : "") == 0;
}

/* A row whose hop has told something: an answer or an unreachable. */
static bool
row_known(const struct pp_stats_rec *r)
{
	return r->recv > 0 || r->addr != NULL || r->unreachable > 0;
}

/* A path's rows past the first silent one after its last hop that told
 * something are left out, as mtr shows them (net_max: the destination's
 * row, else one row past the last known hop): a destination that never
 * answers is one ??? row, not --max-unknown of them.  Silent hops before
 * a known one stay.  (The rows come in order of path and hop.) */
static void
trim_silent_tails(struct pp_screen *s)
{
	size_t out = 0;

	for (size_t i = 0; i < s->nrows;) {
		size_t j = i;
		size_t keep = i + 1;	/* at least a path's first row */
		while (j < s->nrows && same_path(&s->rows[i], &s->rows[j])) {
			if (row_known(&s->rows[j]))
				keep = j + 2;
			j++;
		}
		if (keep > j)
			keep = j;
		for (size_t k = i; k < keep; k++)
			s->rows[out++] = s->rows[k];
		i = j;
	}
	s->nrows = out;
}

/* The rows as they stand. */
static void
collect(struct pp_screen *s)
{
	struct pp_agg_sink sink = { .stats = on_row, .arg = s };

	s->nrows = 0;
	if (s->agg_ok)
		pp_agg_peek(&s->agg, &sink);
	trim_silent_tails(s);
}

/* The table's settings for this frame (or the print). */
static void
table_set(struct pp_screen *s, int width, bool color, bool report)
{
	struct pp_table_opts *o = &s->table.o;

	o->layout = report ? PP_TABLE_REPORT : s->jitter ? PP_TABLE_JITTER :
	    PP_TABLE_NORMAL;
	o->width = width;
	o->wide = s->wide;
	o->color = color;
	o->show_ips = s->o.show_ips;
	o->asn = s->asn && s->have_asn;
	o->mpls = s->mpls;
	pp_table_reset(&s->table);
	if (s->wide)
		pp_table_fit(&s->table, s->rows, (int)s->nrows);
}

static void
fmt_clock(double t, char *buf, size_t size, bool local)
{
	(void)pp_iso_format(t, 0, PP_ISO_FLOOR | PP_ISO_DASH | (local ?
	    PP_ISO_LOCAL : 0), buf, size);
}

/* Display modes 1 and 2: a line per hop, its last answers. */
static void
history(struct pp_screen *s, FILE *f)
{
	char text[1024];
	const char *last = NULL;
	int hostw = 32;
	int room = s->width - hostw;
	double scale[PP_HOPHIST_LEVELS];

	if (room < 10)
		room = 10;
	if (room > PP_HOPHIST_N)
		room = PP_HOPHIST_N;
	if (s->mode == 2) {
		struct pp_hophist_span sp;
		pp_hophist_span_init(&sp);
		for (size_t i = 0; i < s->nrows; i++)
			pp_hophist_span_add(&sp, pp_hophists_get(&s->hh,
			    s->rows[i].target, s->rows[i].ttl, false), room);
		pp_hophist_scale(&sp, scale);
		fprintf(f, "HOST: %-*s%s\n", hostw - 6, "", "last answers "
		    "(newest right) on the scale below, ? lost");
	} else {
		fprintf(f, "HOST: %-*s%s\n", hostw - 6, "", "last answers "
		    "(newest right): . <1.5x best  o <3x  O <10x  # more  ? "
		    "lost");
	}
	for (size_t i = 0; i < s->nrows; i++) {
		const struct pp_stats_rec *r = &s->rows[i];
		if (last == NULL || strcmp(last, r->target) != 0) {
			char t[512];
			(void)pp_sanitize_term(t, sizeof(t), r->target);
			fprintf(f, "%s\n", t);
			last = r->target;
		}
		char hop[16];
		if (r->ttl > 0)
			(void)snprintf(hop, sizeof(hop), "%3d.|-- ", r->ttl);
		else
			(void)snprintf(hop, sizeof(hop), "  -.|-- ");
		pp_table_host_text(&s->table, r->addr, text, sizeof(text));
		if ((int)(strlen(hop) + strlen(text)) < hostw)
			fprintf(f, "%s%-*s", hop, hostw - (int)strlen(hop),
			    text);
		else
			fprintf(f, "%s%s\n%*s", hop, text, hostw, "");
		const struct pp_hophist *h = pp_hophists_get(&s->hh,
		    r->target, r->ttl, false);
		if (s->mode == 2) {
			pp_hophist_scaled(f, h, scale, room, s->o.color);
			fputc('\n', f);
			continue;
		}
		char line[PP_HOPHIST_N + 1];
		pp_hophist_strip(h, r->min, line, room);
		fprintf(f, "%s\n", line);
	}
	if (s->mode != 2)
		return;
	/* mtr's footer: each mark's upper bound. */
	fprintf(f, "Scale:");
	for (int i = 0; i < PP_HOPHIST_LEVELS - 1; i++) {
		char t[32];
		pp_ping_time(t, sizeof(t), scale[i]);
		fprintf(f, "  %c:%s ms", pp_hophist_mark(i), t);
	}
	fprintf(f, "  %c\n", pp_hophist_mark(PP_HOPHIST_LEVELS - 1));
}

static const char *const help_text[] = {
	"Keys (as mtr's):",
	"  q        quit (the table is printed once more)",
	"  p        pause the display (probing and -o go on); SPACE resumes",
	"  r        reset the figures",
	"  d        display mode: the table, each hop's last answers, the",
	"           same on mtr's scale (a mark per step, the steps below)",
	"  n        names (reverse DNS) on or off",
	"  j        latency or jitter columns",
	"  e        MPLS labels",
	"  z        AS numbers (with --asn-db)",
	"  w        wide: names whole, every column",
	"  up, down, PgUp, PgDn  scroll;  ^L redraw;  h, ?  this help",
	"Any key leaves this help.",
	NULL,
};

/* The visible columns of line[0..len-1]: SGR colours take none, a UTF-8
 * character one. */
static int
columns_of(const char *line, size_t len)
{
	int col = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\033') {
			while (i + 1 < len && !(line[i + 1] >= '@' &&
			    line[i + 1] <= 'Z') && line[i + 1] != 'm')
				i++;
			i++;
			continue;
		}
		if (((unsigned char)line[i] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/* A line of shown text, cut to the width: a cut line ends in '>' (as
 * less marks it), never silently. */
static void
put_line(struct pp_screen *s, FILE *f, const char *line, size_t len)
{
	int room = columns_of(line, len) > s->width ? s->width - 1 : s->width;
	int col = 0;
	size_t i = 0;

	while (i < len) {
		if (line[i] == '\033') {
			size_t j = i + 1;
			while (j < len && !(line[j] >= '@' && line[j] <= '~' &&
			    j > i + 1))
				j++;
			fwrite(line + i, 1, j < len ? j - i + 1 : len - i, f);
			i = j + 1;
			continue;
		}
		if (col >= room)
			break;
		/* A UTF-8 character takes one column. */
		size_t j = i + 1;
		while (j < len && ((unsigned char)line[j] & 0xc0) == 0x80)
			j++;
		fwrite(line + i, 1, j - i, f);
		i = j;
		col++;
	}
	if (room < s->width)
		fputs(s->o.color ? "\033[0m>" : ">", f);
}

/* CPU time of this thread, ns (0 when the clock fails). */
static long long
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
draw(struct pp_screen *s, long long now)
{
	long long cpu0 = cpu_ns();
	char *body = NULL;
	size_t blen = 0;
	char *out = NULL;
	size_t olen = 0;
	FILE *bf = open_memstream(&body, &blen);
	FILE *of = NULL;

	if (bf == NULL)
		return;
	term_size(s);
	collect(s);
	table_set(s, s->width, s->o.color, false);
	if (s->help) {
		for (int i = 0; help_text[i] != NULL; i++)
			fprintf(bf, "%s\n", help_text[i]);
	} else if (s->mode != 0) {
		history(s, bf);
	} else {
		for (size_t i = 0; i < s->nrows; i++)
			pp_table_row(&s->table, bf, s->o.host, &s->rows[i],
			    false);
		if (s->nrows == 0)
			fprintf(bf, "(no answers yet)\n");
	}
	if (fclose(bf) != 0 || body == NULL) {
		free(body);
		return;
	}
	of = open_memstream(&out, &olen);
	if (of == NULL) {
		free(body);
		return;
	}
	/* The head: title and clock, keys, status. */
	char clock[40];
	char title[512];
	fmt_clock(pp_wall(), clock, sizeof(clock), false);
	(void)pp_sanitize_term(title, sizeof(title), s->o.title != NULL ?
	    s->o.title : "");
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: %s", s->o.tool, title);
	int pad = s->width - n - (int)strlen(clock) - 1;
	fputs("\033[H", of);
	put_line(s, of, line, (size_t)(n < (int)sizeof(line) ? n :
	    (int)sizeof(line) - 1));
	if (pad > 0)
		fprintf(of, "%*s%s", pad + 1, "", clock);
	fputs("\033[K\r\n", of);
	n = snprintf(line, sizeof(line), "Keys: q quit  p pause  r reset  "
	    "d display  n names  j jitter  e mpls  ? help");
	put_line(s, of, line, (size_t)n);
	fputs("\033[K\r\n", of);
	char since[40];
	fmt_clock(s->start, since, sizeof(since), false);
	n = snprintf(line, sizeof(line), "%s%s%ssince %s%s",
	    s->paused ? "PAUSED (p or SPACE resumes)  " : "",
	    s->rdns != NULL && !s->names ? "names off  " : "",
	    s->dns_silent ? "reverse DNS: no answer from the server  " : "",
	    since, s->mode == 1 ? "  last answers" : s->mode == 2 ?
	    "  last answers, mtr's scale" : s->jitter ?
	    "  jitter columns" : "");
	put_line(s, of, line, (size_t)(n < (int)sizeof(line) ? n :
	    (int)sizeof(line) - 1));
	fputs("\033[K", of);
	/* The body, from the scroll position, as much as fits. */
	int lines = 0;
	for (char *p = body; *p != '\0'; p++)
		lines += *p == '\n';
	int room = s->height - HEAD_LINES;
	if (s->scroll > lines - room)
		s->scroll = lines - room;
	if (s->scroll < 0)
		s->scroll = 0;
	char *p = body;
	for (int i = 0; i < s->scroll && *p != '\0'; i++)
		p = strchr(p, '\n') + 1;
	for (int i = 0; i < room && *p != '\0'; i++) {
		char *e = strchr(p, '\n');
		fputs("\r\n", of);
		if (i == room - 1 && lines - s->scroll > room) {
			fprintf(of, "-- %d more lines: down or PgDn --",
			    lines - s->scroll - room);
			fputs("\033[K", of);
			break;
		}
		put_line(s, of, p, (size_t)(e - p));
		fputs("\033[K", of);
		p = e + 1;
	}
	fputs("\033[J", of);
	free(body);
	if (fclose(of) == 0 && out != NULL)
		put_all(s->o.out, out, olen);
	free(out);
	s->last_frame = now;
	s->dirty = false;
	s->force = false;
	s->frame_ns = cpu_ns() - cpu0;
}

/* ------------------------------------------------------------ keys */

static void
reset(struct pp_screen *s)
{
	if (s->agg_ok)
		pp_agg_release(&s->agg);
	agg_open(s);
	pp_hophists_clear(&s->hh);
	s->start = pp_wall();
}

static enum pp_screen_event
key(struct pp_screen *s, int c)
{
	if (s->help && c != 'q') {
		s->help = false;
		return PP_SCREEN_NONE;
	}
	switch (c) {
	case 'q':
	case 'Q':
		return PP_SCREEN_QUIT;
	case 'p':
		s->paused = !s->paused;
		break;
	case ' ':
		s->paused = false;
		break;
	case 'r':
		reset(s);
		break;
	case 'd':
		s->mode = (s->mode + 1) % 3;
		s->scroll = 0;
		break;
	case 'n':
		s->names = !s->names;
		break;
	case 'j':
		s->jitter = !s->jitter;
		break;
	case 'e':
		s->mpls = !s->mpls;
		break;
	case 'z':
		s->asn = !s->asn;
		break;
	case 'w':
		s->wide = !s->wide;
		break;
	case 'h':
	case '?':
		s->help = true;
		break;
	case 'A' | 0x100:	/* up */
		s->scroll--;
		break;
	case 'B' | 0x100:	/* down */
		s->scroll++;
		break;
	case '5' | 0x100:	/* PgUp */
		s->scroll -= s->height - HEAD_LINES - 1;
		break;
	case '6' | 0x100:	/* PgDn */
		s->scroll += s->height - HEAD_LINES - 1;
		break;
	case 'L' & 0x1f:	/* ^L */
		if (s->o.out >= 0)
			put_all(s->o.out, "\033[2J", 4);
		break;
	default:
		return PP_SCREEN_NONE;
	}
	s->force = true;
	return PP_SCREEN_NONE;
}

/* Read what was typed; escape sequences of the arrow and page keys. */
static enum pp_screen_event
read_keys(struct pp_screen *s)
{
	char buf[64];
	ssize_t n;

	if (s->o.keys < 0 || !s->saved_ok)
		return PP_SCREEN_NONE;
	while ((n = read(s->o.keys, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];
			if (s->nkeys > 0 || c == '\033') {
				if (s->nkeys < (int)sizeof(s->keys))
					s->keys[s->nkeys++] = c;
				/* ESC [ X, or ESC [ 5 ~ */
				if (s->nkeys >= 3 && s->keys[1] == '[' &&
				    ((c >= 'A' && c <= 'D') || c == '~')) {
					int k = c == '~' ? s->keys[2] : c;
					s->nkeys = 0;
					if (key(s, k | 0x100) == PP_SCREEN_QUIT)
						return PP_SCREEN_QUIT;
				} else if (s->nkeys >= 2 && s->keys[1] != '[') {
					s->nkeys = 0;
				} else if (s->nkeys == (int)sizeof(s->keys)) {
					s->nkeys = 0;
				}
				continue;
			}
			if (key(s, (unsigned char)c) == PP_SCREEN_QUIT)
				return PP_SCREEN_QUIT;
		}
	}
	return PP_SCREEN_NONE;
}

enum pp_screen_event
pp_screen_poll(struct pp_screen *s, long long now)
{
	if (s->resumed) {
		s->resumed = 0;
		s->force = true;
	}
	if (read_keys(s) == PP_SCREEN_QUIT)
		return PP_SCREEN_QUIT;
	if (s->rdns != NULL) {
		int before = pp_rdns_inflight(s->rdns);
		pp_rdns_wait(s->rdns, 0, -1, NULL);
		if (pp_rdns_inflight(s->rdns) != before)
			s->dirty = true;
		s->dns_silent = pp_rdns_silent(s->rdns);
	}
	if (!s->started)
		return PP_SCREEN_NONE;
	long long gap = s->frame_ns * 10 > FRAME_MIN_NS ? s->frame_ns * 10 :
	    FRAME_MIN_NS;
	bool due = s->last_frame == 0 || now - s->last_frame >= FRAME_MAX_NS ||
	    (s->dirty && now - s->last_frame >= gap);
	if (s->force || (due && !s->paused))
		draw(s, now);
	return PP_SCREEN_NONE;
}

long long
pp_screen_due(const struct pp_screen *s, long long now)
{
	(void)s;
	return now + KEY_NS;
}

/* ------------------------------------------------------------ title */

void
pp_screen_title(char *buf, size_t size, const char *host,
    const struct pp_screen_target *t, int n)
{
	int used = snprintf(buf, size, "%s -> ", host);

	if (used < 0 || (size_t)used >= size)
		return;
	for (int i = 0; i < n; i++) {
		if (i == 3) {
			(void)snprintf(buf + used, size - (size_t)used,
			    " and %d more", n - i);
			break;
		}
		bool same = strcmp(t[i].name, t[i].addr) == 0;
		int k = snprintf(buf + used, size - (size_t)used,
		    "%s%s%s%s%s", i > 0 ? ", " : "", t[i].name, same ? "" :
		    " (", same ? "" : t[i].addr, same ? "" : ")");
		if (k < 0 || (size_t)k >= size - (size_t)used)
			break;
		used += k;
	}
}

/* ------------------------------------------------------------ print */

void
pp_screen_print(struct pp_screen *s, FILE *f, bool report, bool color)
{
	char start[40];

	/* Names still on their way: waited for, up to the timeout. */
	if (s->rdns != NULL && s->names) {
		collect(s);
		table_set(s, PP_TABLE_WIDTH, false, report);
		for (size_t i = 0; i < s->nrows; i++) {
			char b[1024];
			(void)pp_table_host_text(&s->table, s->rows[i].addr, b,
			    sizeof(b));
			for (int k = 1; k < s->rows[i].naddrs; k++)
				(void)pp_table_host_text(&s->table,
				    s->rows[i].addrs[k].addr, b, sizeof(b));
		}
		long long end = pp_mono_ns() + (long long)((s->o.dns_timeout >
		    0 ? s->o.dns_timeout : 2) * 1e9) + 100000000LL;
		while (pp_rdns_inflight(s->rdns) > 0 && pp_mono_ns() < end)
			pp_rdns_wait(s->rdns, 50, -1, NULL);
		s->dns_silent = pp_rdns_silent(s->rdns);
	}
	collect(s);
	table_set(s, report ? PP_TABLE_WIDTH : s->width, color, report);
	fmt_clock(s->start, start, sizeof(start), true);
	fprintf(f, "Start: %s\n", start);
	for (size_t i = 0; i < s->nrows; i++)
		pp_table_row(&s->table, f, s->o.host, &s->rows[i], false);
	if (s->nrows == 0)
		pp_table_header(&s->table, f, s->o.host);
}
