/* SPDX-License-Identifier: BSD-2-Clause */
/* screen.h: a prober's own view of its run, as mtr shows it: the
 * cumulative hop table of every target, redrawn in place on a terminal
 * while the run goes on, with mtr's keys; the same table printed once
 * (when the live screen ends, and as pp-trace -r's report).
 *
 * The figures are lib/agg's (every probe record the prober writes goes
 * in, the rows come out of pp_agg_peek and lib/table draws them): the
 * same numbers pp-stats gives for the run's records.  Names come from
 * asynchronous reverse DNS (lib/rdns: the rows shown are looked up, an
 * address stays until its name comes), AS numbers from a MaxMind DB
 * (lib/geo).  Text from the network is shown through lib/sanitize.
 *
 * Keys (as mtr's): q quit, p pause (the display; probing and -o go on)
 * and SPACE resume, r reset the figures, d display mode (the table, each
 * hop's last answers, the same on mtr's scale), n names on and off, j latency or jitter
 * columns, e MPLS labels, z AS numbers, w wide, up/down/PgUp/PgDn
 * scroll, ^L redraw, h or ? help.
 *
 * The terminal: keys are read without echo or line buffering (signals
 * keep their keys), frames go to the alternate screen with the cursor
 * hidden; pp_screen_stop (and, from a signal handler,
 * pp_screen_restore) puts everything back.  Escape sequences go only to
 * the terminal given; colour only when asked (opts.color).
 *
 * Memory: the aggregator's (see agg.h), each hop's last answers and
 * probes in flight (lib/hophist.h: at most PP_HOPHIST_KEYS hops; a hop
 * beyond them shows no history, and its Snt only the probes whose
 * outcome is known), the reverse DNS cache
 * (rdns.h) and a frame. */
#ifndef PP_SCREEN_H
#define PP_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/error.h"
#include "lib/record.h"
#include "lib/table.h"


/* What the caller sets up. */
struct pp_screen_opts {
	const char *tool;	/* program name for the title ("pp-trace") */
	const char *host;	/* the vantage point (the HOST line) */
	const char *title;	/* what is probed, for the title line */
	int ntargets;		/* targets (1: no target line in the report) */
	int out;		/* the terminal frames go to; -1: no live
				 * screen (the report only) */
	int keys;		/* the terminal keys come from, -1 none */
	bool color;		/* colour loss and latency */
	bool dns;		/* names by reverse DNS (mtr's -n: off) */
	const char *dns_server;	/* "ip" or "ip:port", NULL the system's */
	double dns_timeout;	/* s, per lookup */
	bool show_ips;		/* names with their addresses (mtr's -b) */
	bool mpls;		/* MPLS labels (mtr's -e) */
	bool wide;		/* names whole, every column (mtr's -w) */
	const char *asn_db;	/* a MaxMind DB of AS numbers, NULL none */
	double horizon;		/* reorder horizon for the figures, s (0:
				 * in arrival order) */
	bool refused_down;	/* a refused TCP connection is lost, not an
				 * answer (--refused-down; lib/outcome.h) */
};

/* A target a title names. */
struct pp_screen_target {
	const char *name;	/* as given (borrowed) */
	const char *addr;	/* its address text (borrowed) */
};

/* The text of opts.title for n targets t, seen from host: "host -> a, b
 * (198.18.2.2), c and 2 more": the first three, each with its address
 * when that is not its name, the others counted.  Into buf (size bytes,
 * NUL-terminated): a target that does not fit whole is cut where buf
 * ends and the others left out. */
void pp_screen_title(char *buf, size_t size, const char *host,
    const struct pp_screen_target *t, int n);

/* What pp_screen_poll reports. */
enum pp_screen_event {
	PP_SCREEN_NONE,		/* nothing for the caller */
	PP_SCREEN_QUIT		/* q: stop the run */
};

struct pp_screen;

/* A new screen (nothing drawn yet).  NULL with err set when the AS
 * database or the resolver cannot be set up, or memory is short. */
struct pp_screen *pp_screen_new(const struct pp_screen_opts *o,
    struct pp_error *err);

/* Stop (when started) and free s (NULL: nothing). */
void pp_screen_free(struct pp_screen *s);

/* Take the terminal: keys raw, the alternate screen, the cursor hidden.
 * Returns 0, or -1 with errno when the terminal refuses. */
int pp_screen_start(struct pp_screen *s);

/* Give the terminal back as it was (again: nothing). */
void pp_screen_stop(struct pp_screen *s);

/* The same, from a signal handler (async-signal-safe: tcsetattr and
 * write only): before exiting on a second signal, or stopping on
 * SIGTSTP. */
void pp_screen_restore(const struct pp_screen *s);

/* Take the terminal again after pp_screen_restore (SIGCONT; async-signal-
 * safe): the next poll redraws the whole frame. */
void pp_screen_resume(struct pp_screen *s);

/* A probe of target at ttl (0: not traced) left: Snt counts it from
 * now, as mtr's does, while Loss% and the times wait for its outcome (a
 * probe in flight is neither lost nor answered).  Its outcome comes
 * through pp_screen_probe, or pp_screen_unsent when it will not count.
 * target is borrowed for the call. */
void pp_screen_sent(struct pp_screen *s, const char *target, int ttl);

/* A probe given to pp_screen_sent that will not count (not sent after
 * all, beyond the destination, or abandoned in flight). */
void pp_screen_unsent(struct pp_screen *s, const char *target, int ttl);

/* One probe record (its outcome known): counted, and no longer in flight
 * if pp_screen_sent had it. */
void pp_screen_probe(struct pp_screen *s, const struct pp_probe *p);

/* Keys, names that came in, and a frame when one is due.  now: monotonic
 * ns.  Returns what the caller must do. */
enum pp_screen_event pp_screen_poll(struct pp_screen *s, long long now);

/* When pp_screen_poll wants to run next (monotonic ns): soon after a key
 * or a name, or for the next frame. */
long long pp_screen_due(const struct pp_screen *s, long long now);

/* The table as it stands, once, to f: a "Start:" line (the run's start,
 * as mtr's report) and the rows; with report, in mtr -r's columns (wide
 * with opts.wide).  Names still being looked up are waited for, at most
 * the DNS timeout.  color: colour it. */
void pp_screen_print(struct pp_screen *s, FILE *f, bool report, bool color);

#endif /* PP_SCREEN_H */
