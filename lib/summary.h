/* SPDX-License-Identifier: BSD-2-Clause */
/* summary.h: what a prober writes on stderr when its run ends, as ping
 * and fping end: a block per target, then the targets that failed.
 *
 *   --- host pp-probe statistics ---
 *   3 probes sent, 2 answered, 33.3% loss, 1 unreachable (...) from
 *   198.18.2.2, rtt min/avg/max/stdev = 0.041/0.043/0.045/0.003 ms
 *   run 3.0 s, no outage (loss >= 30% for >= 3 s)
 *   pp-probe: no answer from host2
 *
 *   --- host pp-trace statistics ---
 *   2 rounds, destination answered in 2 (0.0% loss), 3 hops, last rtt
 *   0.045 ms
 *   run 2.0 s, no outage (loss >= 30% for >= 3 s)
 *
 * (each on one line).  pp-probe's block is iputils ping's two lines
 * instead with ping (a terminal, or -q).  The run line is lib/runsum's;
 * the loss, RTT and reasons are lib/stats' and lib/outcome's; target
 * names and unreachable sources are written through lib/sanitize.
 * The command gathers these plain figures; nothing here keeps state.
 * Each summary reaches its stream in one write (gathered in memory
 * first), so that an unbuffered stderr does not get it cut into a write
 * a line among other writers' text. */
#ifndef PP_SUMMARY_H
#define PP_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/intern.h"
#include "lib/outcome.h"
#include "lib/record.h"
#include "lib/runsum.h"
#include "lib/stats.h"

/* Failing targets named in the closing line; the rest are counted
 * ("and 3 more"). */
#define PP_SUMMARY_NAMED 10

/* One pp-probe target's figures. */
struct pp_summary_probe {
	const char *name;	/* the target as given (borrowed) */
	bool resolved;		/* its name resolved: probes could be sent */
	const struct pp_stats *st;	/* its probes (borrowed) */
	long long answered;	/* probes answered (for -c with -w) */
	const char *err;	/* its first send error's text ("" none),
				 * written as given (terminal-safe) */
};

/* What pp-probe's summary says beside each target's figures. */
struct pp_summary_probe_opts {
	const char *prog;	/* the program name of the closing lines */
	const struct pp_intern *addrs;	/* the st's unreachable source ids'
					 * text (borrowed) */
	const struct pp_runsum *rs;	/* outages and rate limits, after
					 * pp_runsum_finish (borrowed; NULL:
					 * no run line) */
	double run_s;		/* how long the run lasted, s */
	long long count;	/* -c: probes per target (0: until stopped) */
	bool deadline;		/* -w given: fewer than count answers fail */
	bool ping;		/* iputils ping's two lines a target */
	bool refused_down;	/* a refused connection counts as down */
};

/* pp-probe's summary of nt targets t into f, in one write: each target's
 * block, then the resolved targets never answered ("no answer from a,
 * b") and, with count and deadline, those answered fewer than count
 * times.  Returns how many resolved targets fail (the exit status' 1).
 * Without memory for the text, it is written to f piece by piece. */
int pp_summary_probe(FILE *f, const struct pp_summary_probe *t, int nt,
    const struct pp_summary_probe_opts *o);

/* One pp-trace target's figures, over its rounds. */
struct pp_summary_trace {
	const char *name;	/* the target as given (borrowed) */
	bool resolved;		/* its name resolved (unresolved: no block) */
	const char *dst;	/* its address text (IPv6 when it has a ':') */
	long long rounds;	/* rounds written */
	long long reached;	/* rounds in which the destination answered */
	long long local;	/* rounds maybe lost inside this host (not
				 * counted) */
	double last_rtt;	/* the destination's last RTT, ms */
	int hops;		/* the lowest TTL it answered at (0 none) */
	long long unreach;	/* rounds an ICMP unreachable ended */
	int unreach_code;	/* the latest one's code (-1 none) */
	char unreach_from[64];	/* and source ("" unknown), written as
				 * it is (terminal-safe) */
	long long refused;	/* rounds the destination refused (down) */
	long long errors;	/* rounds with a probe not sent */
	char err[128];		/* the first send error's text ("" none),
				 * written as it is (terminal-safe) */
};

/* What the probes of one pp-trace round showed, while they are tallied
 * (pp_summary_trace_probe); zeroed before its first. */
struct pp_summary_round {
	bool reached;		/* the destination answered */
	bool local;		/* a probe maybe lost inside this host */
	bool unreach;		/* an ICMP unreachable */
	bool refused;		/* the destination refused (--refused-down) */
	bool error;		/* a probe could not be sent */
};

/* One probe record p of target t's round rd, its outcome as o says
 * (lib/outcome): marks rd, and keeps in t the destination's last RTT and
 * lowest TTL (hops), the first send error's text and the latest
 * unreachable's source and code (both through lib/sanitize). */
void pp_summary_trace_probe(struct pp_summary_trace *t,
    struct pp_summary_round *rd, const struct pp_probe *p,
    const struct pp_outcome_opts *o);

/* Target t's round rd is over: one more round, counted by the first of
 * reached, maybe lost inside this host (local), unreachable, refused and
 * send errors that it showed (else a timeout: only in rounds).  A partial
 * round (abandoned with probes in flight) counts only when it reached the
 * destination. */
void pp_summary_trace_round(struct pp_summary_trace *t,
    const struct pp_summary_round *rd, bool partial);

/* What pp-trace's summary says beside each target's figures. */
struct pp_summary_trace_opts {
	const char *prog;	/* the program name of the closing line */
	const struct pp_runsum *rs;	/* as pp_summary_probe_opts' */
	double run_s;		/* how long the run lasted, s */
};

/* pp-trace's summary of nt targets t into f, in one write (as
 * pp_summary_probe): a block per resolved target, then those whose
 * destination never answered.  Returns how many resolved targets'
 * destinations never answered. */
int pp_summary_trace(FILE *f, const struct pp_summary_trace *t, int nt,
    const struct pp_summary_trace_opts *o);

#endif /* PP_SUMMARY_H */
