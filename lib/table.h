/* SPDX-License-Identifier: BSD-2-Clause */
/* table.h: the hop table, as mtr draws it: one row per target and hop
 * with its figures (a lib/model.h stats record: what lib/agg computed),
 * the other responders of the hop, the ICMP unreachables, TCP
 * connections and local drops under it.  The one renderer behind
 * pp-stats -f table, pp-trace's live screen and pp-trace -r.
 *
 * Layouts (every number column 6 characters but Snt):
 *   PP_TABLE_NORMAL  Loss% Fwd% Snt Last Avg Best Wrst StDev Jttr
 *   PP_TABLE_JITTER  Drop Rcv Avg Gmean Jttr Javg Jmax Jint (mtr's j:
 *                    Jttr the last |dRTT|, Javg their mean)
 *   PP_TABLE_REPORT  Loss% Snt Last Avg Best Wrst StDev (mtr -r's)
 * and, wide (-w), every column of NORMAL and p95 at 8 characters with 3
 * decimals, and the 95 % intervals of Loss% and Fwd% beside them (in the
 * other layouts but REPORT a line under a row that lost probes gives
 * them).  Times in ms with as many decimals as fit (0.045, 12.34,
 * 123.4, 1234), never fewer than mtr's one.
 *
 * Width: the line is opts.width columns (80 by default); the host column
 * takes what the numbers leave (18 characters of name at 80 in NORMAL).
 * A name (or address, with its AS number) that does not fit is never cut:
 * it gets a line of its own and the figures follow on the next (wide:
 * the host column is as wide as the longest name of a block,
 * pp_table_fit).  Any other line longer than the width wraps.
 *
 * Text from the records (targets, addresses, names, the vantage point's
 * host) is shown through lib/sanitize.h: no byte of it reaches the
 * terminal as a control.  Colour (opts.color): Loss% amber above 0, red
 * from PP_TABLE_LOSS_RED; Avg amber from PP_TABLE_RTT_AMBER ms, red from
 * PP_TABLE_RTT_RED ms; SGR sequences only, only around those cells. */
#ifndef PP_TABLE_H
#define PP_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/model.h"

#define PP_TABLE_WIDTH 80	/* columns by default */
#define PP_TABLE_LOSS_RED 20.0	/* %: loss from here is red */
#define PP_TABLE_RTT_AMBER 100.0	/* ms: an average from here is amber */
#define PP_TABLE_RTT_RED 250.0	/* ms: ... red */

/* Which columns. */
enum pp_table_layout {
	PP_TABLE_NORMAL,	/* latency (mtr's "LS NABWV", with Fwd% and
				 * Jttr) */
	PP_TABLE_JITTER,	/* jitter (mtr's "DR AGJMXI") */
	PP_TABLE_REPORT		/* mtr -r's columns, in its widths */
};

/* When to colour: --color=never|always|auto. */
enum pp_color {
	PP_COLOR_AUTO,		/* on a terminal, unless NO_COLOR or TERM=dumb */
	PP_COLOR_NEVER,
	PP_COLOR_ALWAYS
};

/* How to draw.  Zeroed is the default table. */
struct pp_table_opts {
	enum pp_table_layout layout;	/* the columns */
	int width;		/* columns, <= 0: PP_TABLE_WIDTH (at least
				 * 40 are used) */
	bool wide;		/* every column, 3 decimals; the host column
				 * as wide as pp_table_fit found */
	bool color;		/* SGR colours on loss and latency */
	bool show_ips;		/* a name with its address: "name (addr)" */
	bool asn;		/* the AS number before the name ("AS???"
				 * unknown) */
	bool mpls;		/* MPLS label stacks (when rows carry them) */
	bool one_target;	/* rows of one target: no target line (as mtr
				 * -r) */
	/* A responder's name, NULL when none (or not wanted); borrowed
	 * until the next call.  NULL: addresses only. */
	const char *(*name)(void *arg, const char *addr);
	/* Its AS number, 0 unknown.  NULL: none known. */
	uint32_t (*asn_of)(void *arg, const char *addr);
	void *arg;		/* for name and asn_of */
};

/* A table being drawn.  Caller-provided storage. */
struct pp_table {
	struct pp_table_opts o;	/* settings (change between blocks) */
	struct pp_stats_rec *held;	/* rows held (pp_table_hold; owned
					 * array, strings borrowed) */
	size_t nheld;		/* rows in held */
	size_t aheld;		/* allocated */
	int hostw;		/* host column wanted by pp_table_fit, 0 */
	double last_start;	/* window of the last row, NAN before any */
	char *last_target;	/* target of the last row (owned) */
	char *last_host;	/* host (vantage point) of the header out
				 * (owned), NULL "-" */
	bool header;		/* the header of this block is out */
};

/* Set up t with o (copied; o NULL: defaults). */
void pp_table_init(struct pp_table *t, const struct pp_table_opts *o);

/* Free what t holds (not t). */
void pp_table_release(struct pp_table *t);

/* Start a new block: the next row prints the header again. */
void pp_table_reset(struct pp_table *t);

/* Wide: make the host column fit the longest host text of rows[0..n-1]
 * (before the block's first row). */
void pp_table_fit(struct pp_table *t, const struct pp_stats_rec *rows,
    int n);

/* The header: "HOST: host" (host: the vantage point, NULL "-") and the
 * column titles. */
void pp_table_header(struct pp_table *t, FILE *f, const char *host);

/* One row and what goes under it.  A row of another window than the last
 * begins with pp-stats' "Start: ...  End: ..." line and the header (with
 * windows: with_window); a row of another host (vantage point) than the
 * header's with the header again (a block per vantage point); a row of
 * another target than the last with the target's name. */
void pp_table_row(struct pp_table *t, FILE *f, const char *host,
    const struct pp_stats_rec *r, bool with_window);

/* Wide: hold a copy of r (its strings borrowed: they must stay valid
 * until the next pp_table_flush), so that a window's rows are drawn as
 * one block whose host column fits them all.  A row of another window
 * than those held writes them first (pp_table_flush(t, f, host)).
 * Returns 0, or -1 (ENOMEM: r not held). */
int pp_table_hold(struct pp_table *t, FILE *f, const char *host,
    const struct pp_stats_rec *r);

/* Write the rows held to f, if any: pp_table_fit, then pp_table_row with
 * the window line, each under its vantage point, or host when it has
 * none (NULL: "").  Then none is held. */
void pp_table_flush(struct pp_table *t, FILE *f, const char *host);

/* Outages listed under a table (pp-stats -f table): at most
 * PP_TABLE_OUTAGES, later ones counted.  Zeroed: empty. */
#define PP_TABLE_OUTAGES 1000
struct pp_table_outages {
	struct pp_outage_rec *recs;	/* copies (owned; their targets
					 * owned, vantage NULL) */
	size_t n;		/* in recs */
	size_t alloc;		/* allocated */
	unsigned long dropped;	/* not kept: the list was full */
};

/* Keep a copy of r (its target copied).  Returns 0 (kept, or counted in
 * dropped when full), or -1 (ENOMEM: r not kept). */
int pp_table_outages_add(struct pp_table_outages *l,
    const struct pp_outage_rec *r);

/* Write the list to f, if not empty: a title naming the thresholds (loss,
 * %, and min, s), two lines an outage (target made safe, hop, start and
 * end to the second in UTC, "and on" when ongoing, duration in s, probes
 * sent and received, loss), and how many were not listed. */
void pp_table_outages_write(const struct pp_table_outages *l, FILE *f,
    double loss, double min);

/* Free what l holds (not l); l is empty again. */
void pp_table_outages_release(struct pp_table_outages *l);

/* The host text of addr as a row shows it (AS number, name, address;
 * "???" for NULL), made safe, into buf.  Returns buf. */
const char *pp_table_host_text(const struct pp_table *t, const char *addr,
    char *buf, size_t size);

/* Why a row's unanswered probes are not loss, as the line under it says:
 * "(rate limit)  LIMITED of UNANSWERED unanswered: ICMP limit 1 per
 * PERIOD s, not loss", into buf.  Returns what snprintf returns. */
int pp_table_limit_text(char *buf, size_t size, uint64_t limited,
    uint64_t unanswered, double period);

/* A time in ms as the narrow columns show it: as many decimals as fit in
 * width characters (3 at most, 0 at least), "-" when not finite. */
void pp_table_ms(char *buf, size_t size, double v, int width);

/* Whether to colour output on fd: always, never, or on a terminal unless
 * the environment says no (NO_COLOR set and not empty, TERM=dumb). */
bool pp_color_wanted(enum pp_color when, int fd);

/* Parse --color's value ("never", "always", "auto"; NULL, as a bare
 * --color: always).  Returns 0, or -1 when it is none of them. */
int pp_color_parse(const char *arg, enum pp_color *when);

#endif /* PP_TABLE_H */
