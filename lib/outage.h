/* SPDX-License-Identifier: BSD-2-Clause */
/* outage.h: when a path was down.  The one rule behind pp-stats' outage
 * records, pp-alert's unreachable alerts and pp-plot's shading.
 *
 * A detector is fed one path's probes in send order (send time, lost or
 * answered; see pp_outage_feed for which probes of a trace are the
 * path's), with a loss threshold L (%) and a duration S (s):
 *
 *   start   when the probes sent in the last S seconds (the newest
 *           included) lose at least L %, an outage starts at the lost
 *           probe of that window from which the loss in excess of L is
 *           greatest (the sum over the probes from it to the newest of
 *           lost - L/100), so that an earlier stray loss does not pull
 *           the start back;
 *   end     at the first answered probe of a recovery that holds: one
 *           from which the probes of the next S seconds (it included)
 *           lose less than L % (the input ending sooner: those there
 *           were).  Old losses never keep an outage open: only what
 *           follows an answer counts for its recovery;
 *   ongoing when the input ends and no answer since the start began a
 *           recovery that holds: it ends at the last probe;
 *   report  an outage lasting at least S (end - start).  Its sent and
 *           recv count the probes from its start up to its end (the
 *           answer that ends it not included); its BEGIN counts those
 *           so far by the same rule (up to the answer whose recovery is
 *           being checked, not included), so a BEGIN never counts a
 *           probe its END leaves out.
 *   rate    a lost probe of a destination that rate-limits its answers
 *           (ICMP errors: a UDP trace's port unreachables) is left out
 *           when the limit (lib/fwdloss.h, recognised so far) explains
 *           it (pp_outage_dest_probe): neither lost nor answered.
 *
 * With S = 0 and L = 100, outages are the runs of consecutive lost
 * probes.  A cut of a link from T0 to T1 probed every i seconds is an
 * outage from the first probe sent after T0 to the first after T1: its
 * duration is the cut's within i.
 *
 * Memory: the probes of S seconds (those of the trailing window, or
 * during an outage those since the recovery being checked), 16 bytes
 * each, at most PP_OUTAGE_MAX (older ones are let go: the window is then
 * the last PP_OUTAGE_MAX probes); with pp_outage_dest_probe, the losses
 * of one limit period (2 s at most) waiting, 8 bytes each, at most
 * PP_OUTAGE_MAX (then they are lost). */
#ifndef PP_OUTAGE_H
#define PP_OUTAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/fwdloss.h"

#define PP_OUTAGE_MAX 65536	/* probes held per detector */

/* What a detector reports. */
enum pp_outage_kind {
	PP_OUTAGE_BEGIN,	/* an outage is sure to last at least S
				 * (reported once, before its END) */
	PP_OUTAGE_END		/* an outage of at least S ended (or the
				 * input did) */
};

/* An outage as reported. */
struct pp_outage_event {
	enum pp_outage_kind kind;	/* BEGIN or END */
	double start;		/* send time of its first lost probe, s */
	double end;		/* END: the answer that ended it, or the last
				 * probe when ongoing; BEGIN: NAN */
	double now;		/* send time of the probe that told, s */
	uint64_t sent;		/* probes from start to end (END), or so far
				 * (BEGIN: up to the answer that may end it,
				 * not included, as END counts) */
	uint64_t recv;		/* of which answered */
	bool ongoing;		/* END: the input ended inside it */
	bool brief;		/* END: shorter than S, no outage (told only
				 * so that what a caller raised on its own
				 * can clear; no BEGIN came before) */
};

/* Where reports go; e is borrowed for the call. */
typedef void (*pp_outage_fn)(void *arg, const struct pp_outage_event *e);

/* A probe as held. */
struct pp_outage_probe {
	double ts;		/* send time, s */
	bool lost;		/* lost, not answered */
	uint32_t extra;		/* lost probes left out after it (explained
				 * by a rate limit): its outage's if it is */
};

/* A detector.  Caller-provided storage. */
struct pp_outage {
	double loss;		/* L, % */
	double min;		/* S, s */
	struct pp_outage_probe *q;	/* held probes, a ring (owned) */
	uint32_t cap;		/* allocated */
	uint32_t head;		/* oldest held */
	uint32_t n;		/* held */
	uint32_t done;		/* of which folded in (the rest wait to be
				 * looked at again after a change of
				 * state) */
	uint32_t nlost;		/* lost among the folded (idle) */
	bool out;		/* inside an outage */
	bool begun;		/* its BEGIN was reported */
	bool cand;		/* q[0] is an answer that may end it */
	double start;		/* its start, s */
	double last_ts;		/* newest probe, s */
	uint64_t sent;		/* its probes before the candidate */
	uint64_t recv;		/* of which answered */
	uint32_t wn;		/* probes of the candidate's next S seconds */
	uint32_t wl;		/* of which lost */
	bool oom;		/* memory ran short (probes were let go) */
	/* pp_outage_dest_probe: losses a rate limit not yet seen refilling
	 * explains, held until it answers (the limit's: left out) or lets
	 * a probe with a token go unanswered (lost). */
	double *pend;		/* their send times (owned) */
	uint32_t npend;		/* held */
	uint32_t apend;		/* allocated */
	unsigned pend_by;	/* candidates (bit i: pp_rl_period[i]) that
				 * explain them */
	unsigned refuted;	/* of which lost a probe with a token since */
};

/* Set up o for threshold loss (%, 0 < loss <= 100) and duration min (s,
 * >= 0); allocates nothing. */
void pp_outage_init(struct pp_outage *o, double loss, double min);

/* Free o's memory (not o). */
void pp_outage_release(struct pp_outage *o);

/* One probe of the path, in send order: reports go to fn. */
void pp_outage_probe(struct pp_outage *o, double ts, bool lost,
    pp_outage_fn fn, void *arg);

/* A probe of a destination: fed to its rate-limit recogniser rl too,
 * then to the rule as answered or lost, except a lost one the limit
 * recognised so far explains (or leaves in doubt): that one is left out
 * (neither lost nor answered in the rule; counted in the sent of the
 * outage that holds the probe before it, and as its last probe).  Losses
 * that candidate limits not yet seen refilling explain (the answers before
 * a cut look like a burst spent) wait: left out if the next answer is one
 * of them refilling, lost (fed in order) if it breaks their buckets, if
 * each lets a probe it surely had a token for go unanswered (within its
 * period, 2 s at most), or at the end of input. */
void pp_outage_dest_probe(struct pp_outage *o, struct pp_ratelimit *rl,
    double ts, bool answered, pp_outage_fn fn, void *arg);

/* The input ended: an outage still open ends (ongoing, or at the answer
 * whose recovery held as far as the input went); o is ready for more. */
void pp_outage_finish(struct pp_outage *o, pp_outage_fn fn, void *arg);

/* Which probes of a target are its path's: a plain probe (ttl 0) is; of
 * a trace, those of the destination's hop, the lowest that reached the
 * destination so far (*dest_ttl, 0 unknown, updated here).  Returns 0
 * (not the path's), 1 (the path's), or 2 (the path's, and the
 * destination is a lower hop from now on: finish the detector first). */
int pp_outage_feed(int *dest_ttl, int ttl, bool reached);

#endif /* PP_OUTAGE_H */
