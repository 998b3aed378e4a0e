/* SPDX-License-Identifier: BSD-2-Clause */
/* overload.h: a prober that cannot keep up, said while it happens (issue
 * 16).  A host may be unable to send at the rate asked or to read the
 * answers as fast as they come; neither may pass for the network's loss or
 * for a slower schedule without a word.  The caller says how late each
 * send left (pp_overload_sent); once a period pp_overload_report makes a
 * line of what went wrong since the last one, from the engine's figures
 * (lib/engine.h: answers the kernel dropped, probes marked local_drop,
 * reading behind), and pp_overload_summary one for the whole run.  Lines
 * are text without the program name or a newline: the command prints
 * them (lib never prints). */
#ifndef PP_OVERLOAD_H
#define PP_OVERLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/engine.h"

/* A send this late behind its time is behind schedule, ns. */
#define PP_OVERLOAD_LAG 10000000LL
/* Reading answers this far behind is said, ns (timeouts wait for it). */
#define PP_OVERLOAD_READ_LAG 100000000LL
/* Two reports are this far apart at least, ns. */
#define PP_OVERLOAD_PERIOD 1000000000LL
/* After a look that found all well, the next look, ns. */
#define PP_OVERLOAD_CHECK 100000000LL

/* One run's overload.  Caller storage; pp_overload_init sets it up. */
struct pp_overload {
	long long next;		/* monotonic ns: a report may come then */
	/* Since the last report: */
	long long lag;		/* the most a send was behind, ns */
	unsigned long long behind;	/* sends PP_OVERLOAD_LAG late or more */
	long long read_lag;	/* the most the reading was behind, ns */
	unsigned long long kdrops;	/* the engine's kernel_drops then */
	unsigned long long ldrops;	/* and local_drops */
	/* The whole run: */
	long long lag_max;	/* ns */
	unsigned long long behind_total;
	long long read_lag_max;	/* ns */
};

/* Set up o at monotonic time now (a first report may come at once). */
void pp_overload_init(struct pp_overload *o, long long now);

/* A send due at monotonic ns `due` left at `now`. */
void pp_overload_sent(struct pp_overload *o, long long due, long long now);

/* A look may be taken now: PP_OVERLOAD_PERIOD passed since the last
 * report, or PP_OVERLOAD_CHECK since the last look that found nothing. */
bool pp_overload_due(const struct pp_overload *o, long long now);

/* At `now`, with the engine's figures st (pp_engine_stats): when a send
 * was behind schedule, the kernel dropped answers or the reading fell
 * behind since the last report, write a line saying so into buf (size
 * bytes, cut to fit) and start a new period.  Returns the line's length,
 * 0 when all was well (the period goes on; the next look is due in
 * PP_OVERLOAD_CHECK). */
size_t pp_overload_report(struct pp_overload *o,
    const struct pp_engine_stats *st, long long now, char *buf, size_t size);

/* The whole run in a line (after the last pp_overload_report), into buf;
 * returns its length, 0 when the host kept up throughout. */
size_t pp_overload_summary(const struct pp_overload *o,
    const struct pp_engine_stats *st, char *buf, size_t size);

#endif /* PP_OVERLOAD_H */
