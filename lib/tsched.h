/* SPDX-License-Identifier: BSD-2-Clause */
/* tsched.h: pp-trace's round scheduler, apart from sockets and clocks.
 *
 * Round n of target i starts at start + n * interval + i * interval /
 * targets (with a rate: every target's round at start + n * interval),
 * whatever happened before: a round still waiting for timeouts never
 * delays the next one, so rounds overlap, up to the bound below.  A round
 * sends, for each flow, one probe per TTL from first_ttl on, the lowest
 * TTL of any flow first, its probes send_delay apart or, when the one
 * before has its answer sooner, at once (a near path is traced at the
 * pace its hops answer); the first round
 * goes max_unknown + 2 hops beyond every hop that answers (up to
 * max_ttl; mtr's -U as mtr counts it: more than max_unknown silent hops
 * in a row, and the probe past them, end it),
 * later ones stop where the destination answered the last time (going on
 * beyond it when a router answers there instead); a reply or an
 * unreachable ends a flow at its TTL.  With a rate, the probes of every
 * target share it, the lowest TTL first over all of them and in turn
 * among equals (a queue per TTL), so every target's hop k leaves before
 * any target's hop k + 1.  A round is handed to the caller, whole and in
 * order per target, once every probe it sent has an outcome.  Each
 * probe's outcome is handed over sooner too (the outcome hook, for a live
 * view): per flow in TTL order, as soon as it and every lower TTL of its
 * flow have theirs, so that what it hands over is what the round will
 * hold; a probe that turns out to lie beyond the TTL that ended its flow
 * is handed over as NULL (it will not be in the round).
 *
 * Work per send or outcome: O(log rounds in flight) for the time heap,
 * O(flows) for the round's next probe; never a scan of the targets.
 *
 * The scheduler reads no clock and sends nothing: times come in (monotonic
 * ns), probes go out through a send hook, outcomes come back through
 * pp_tsched_done, so a test drives it with a fake clock and a fake
 * network.
 *
 * Memory: a target holds at most pp_tsched_rounds_bound() rounds in
 * flight (allocated as they are needed); a round holds at most
 * pp_tsched_round_bytes() (2 bytes per flow and TTL it may probe, one
 * pp_engine_result per probe it sent).  Rounds whose time comes while a
 * target has that many in flight start late (counted in the stats);
 * probes that find no room in flight (the send hook's -1) wait a
 * millisecond (counted too). */
#ifndef PP_TSCHED_H
#define PP_TSCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/engine.h"
#include "lib/error.h"

#define PP_TSCHED_FLOWS_MAX 64	/* flows a round, at most */

/* Rounds of one target in flight, at most (a larger bound is refused). */
#define PP_TSCHED_ROUNDS_MAX 1000000

/* What to schedule.  Times in monotonic nanoseconds. */
struct pp_tsched_opts {
	int ntargets;		/* targets, 1 or more */
	long long rounds;	/* rounds per target, 0 until stopped */
	long long interval;	/* between two rounds of a target, ns (> 0) */
	long long timeout;	/* a probe's wait for its outcome, ns: the
				 * engine's timeout */
	long long send_delay;	/* between two probes of a round, ns, at
				 * most (less when answers come sooner) */
	double rate;		/* probes a second over all targets, 0 no
				 * cap */
	int first_ttl;		/* 1 to 255 */
	int max_ttl;		/* first_ttl to 255 */
	int max_unknown;	/* mtr's -U: a round gives up past more
				 * than this many silent hops in a row
				 * (max_unknown + 2 TTLs tried beyond the
				 * last hop that answered), 1 to 255 */
	int flows;		/* flows a round, 1 to PP_TSCHED_FLOWS_MAX */
	int max_inflight;	/* probes in flight at most (the engine's
				 * max_inflight) */
};

/* A probe to send. */
struct pp_tsched_probe {
	int target;		/* index, 0 to ntargets - 1 */
	long long round;	/* round number of that target */
	int flow;		/* 0 to flows - 1 */
	int ttl;		/* first_ttl to max_ttl */
	void *id;		/* handed back with its outcome
				 * (pp_tsched_done) */
};

/* A round, handed to the round hook (read it with pp_tsched_result). */
struct pp_tsched_round;

struct pp_tsched;

/* What the scheduler calls. */
struct pp_tsched_hooks {
	/* Send p now.  Returns 0 when sent: its outcome comes through
	 * pp_tsched_done, perhaps from within this call; -1 when no probe
	 * fits in flight (nothing sent: it is tried again a millisecond
	 * later). */
	int (*send)(void *arg, const struct pp_tsched_probe *p);
	/* Round n of target is complete: every probe it sent has an
	 * outcome.  Called once per round, in round order for each target;
	 * rd is valid during the call only. */
	void (*round)(void *arg, int target, long long n,
	    const struct pp_tsched_round *rd);
	void *arg;		/* passed to the hooks */
	/* Optional (NULL: none).  The outcome res of the probe of target's
	 * round n at (flow, ttl): it will be in the round as handed to the
	 * round hook; NULL: that probe was sent but will not be (it lies
	 * beyond the TTL that ended its flow, or the schedule was
	 * abandoned while it was in flight).  Once per probe sent, perhaps
	 * from within the send hook; res is valid during the call only. */
	void (*outcome)(void *arg, int target, long long n, int flow, int ttl,
	    const struct pp_engine_result *res);
};

/* What happened to the schedule so far. */
struct pp_tsched_stats {
	unsigned long long sent;	/* probes sent */
	unsigned long long deferred;	/* sends put off a millisecond: no
					 * room in flight */
	unsigned long long late;	/* rounds started after their time:
					 * the target had the bound's rounds
					 * in flight */
	long long late_max;		/* the latest such start, ns after
					 * its time */
	long long open_max;		/* most rounds of one target in
					 * flight at once */
	long long started;		/* rounds started, all targets */
	long long written;		/* rounds handed to the round hook */
};

/* Rounds of one target that can be in flight at once under o: those
 * started within one round's longest life (its sends, then the timeout),
 * plus one; with -c never more than the rounds asked.  A round's sends
 * take (flows * TTLs - 1) * send_delay at most, or with a rate, the time
 * the rate needs for a full round of every target. */
long long pp_tsched_rounds_bound(const struct pp_tsched_opts *o);

/* Bytes one round holds at most under o. */
size_t pp_tsched_round_bytes(const struct pp_tsched_opts *o);

/* A scheduler for o whose rounds start from start_ns, calling h.  Returns
 * it, or NULL with err set when o cannot be kept: when even one probe per
 * flow of every round started within a timeout (or, with a rate, the
 * probes sent within a timeout) is more than max_inflight, when a rate
 * cannot send one probe per flow of every target each interval, or when
 * the rounds bound exceeds PP_TSCHED_ROUNDS_MAX; or out of memory.  Free
 * with pp_tsched_free. */
struct pp_tsched *pp_tsched_new(const struct pp_tsched_opts *o,
    const struct pp_tsched_hooks *h, long long start_ns,
    struct pp_error *err);
void pp_tsched_free(struct pp_tsched *s);

/* Start the rounds whose time has come and send the probes that are due
 * at now_ns.  Returns the monotonic time something is next due, or -1
 * when nothing is until an outcome comes (or the schedule is finished). */
long long pp_tsched_run(struct pp_tsched *s, long long now_ns);

/* The outcome of the probe sent with id (its flow and TTL as
 * res->flow and res->ttl say, the engine's): copied.  May call the round
 * hook.  Returns true when pp_tsched_run should be called before the time
 * it last returned: a probe became due earlier, or a round was handed
 * over (its records may wait in a buffer) or none is left; false
 * otherwise, and for an id or outcome that names no probe in flight
 * (ignored). */
bool pp_tsched_done(struct pp_tsched *s, void *id,
    const struct pp_engine_result *res);

/* Start no new round; the rounds in flight still send their probes. */
void pp_tsched_stop(struct pp_tsched *s);

/* Stop at once: start no new round, send nothing more, and hand every
 * round in flight to the round hook as it stands, in order: each holds
 * only the outcomes the outcome hook was given (pp_tsched_result is NULL
 * for the others); the probes still without one are first given to the
 * outcome hook as NULL.  Outcomes that come later are ignored.  Then
 * pp_tsched_finished is true. */
void pp_tsched_abandon(struct pp_tsched *s);

/* Every round that will start has started and been handed over. */
bool pp_tsched_finished(const struct pp_tsched *s);

/* The outcome of the probe of rd at (flow, ttl), or NULL when it was not
 * sent or lies beyond the TTL that ended its flow (a probe the first
 * round sent past the destination), or (an abandoned round) when it was
 * still in flight or above one that was.  Borrowed, valid while rd is. */
const struct pp_engine_result *pp_tsched_result(const struct pp_tsched *s,
    const struct pp_tsched_round *rd, int flow, int ttl);

/* rd was handed over by pp_tsched_abandon with probes of it still in
 * flight (not whole). */
bool pp_tsched_partial(const struct pp_tsched_round *rd);

/* The figures so far. */
void pp_tsched_stats(const struct pp_tsched *s, struct pp_tsched_stats *st);

/* What the schedule's troubles told so far (pp_tsched_tell).  Caller
 * storage, zeroed before the first call. */
struct pp_tsched_told {
	struct pp_tsched_stats st;	/* the figures last told */
	long long next;		/* monotonic ns: not told again before */
};

/* The schedule's troubles in st that t has not told yet, said while they
 * happen: at most once a second at monotonic now (with end, at any
 * time).  Into late (size bytes) a line on the rounds started late, into
 * deferred one on the probes that waited for room in flight
 * (max_inflight: the most in flight), each "" when it has nothing new:
 * text without the program name or a newline.  Returns how many lines
 * (0 to 2); t then holds st. */
int pp_tsched_tell(struct pp_tsched_told *t, const struct pp_tsched_stats *st,
    int max_inflight, long long now, bool end, char *late, char *deferred,
    size_t size);

#endif /* PP_TSCHED_H */
