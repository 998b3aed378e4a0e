/* pp-alert: sustained loss, latency and MOS alerts with raise and clear,
 * unreachable targets, and route changes, from a record stream.
 *
 * Reads: probe records (and mos records), files or stdin, gzip or plain.
 * Writes: a meta record, then alert and route records; with --pass, every
 * input line unchanged with them interleaved.  Runs --exec per event.
 * Exit status: 0 success; 1 an input could not be read, a bad line met
 * --strict, output failed, or (--fail) an alert was raised; 2 usage. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alert.h"
#include "lib/cli.h"
#include "lib/compat/getopt.h"
#include "lib/exit.h"
#include "lib/intern.h"
#include "lib/jsonw.h"
#include "lib/outcome.h"
#include "lib/reorder.h"
#include "lib/spawn.h"
#include "lib/stream.h"
#include "lib/util.h"

#define MAX_KEYS 65536
/* Rounds a responder stays part of a route: long enough for load
 * balancing to come back to it. */
#define ROUTE_MEMORY(o) ((o)->route_rounds * 10 > 30 ? (o)->route_rounds * 10 : 30)
#define MAX_EXEC_ARGS 32

enum {
	OPT_CLEAR = 256, OPT_EXEC, OPT_EXEC_ARG, OPT_EXEC_MAX, OPT_EXEC_TIMEOUT,
	OPT_FAIL, OPT_HOPS, OPT_LATENCY, OPT_LOSS, OPT_MOS, OPT_NO_ROUTE,
	OPT_PASS, OPT_PCT, OPT_ROUTE_ROUNDS, OPT_STRICT, OPT_WINDOW
};

struct alert_opts {
	double loss;		/* --loss %, NAN off */
	double latency;		/* --latency ms, NAN off */
	double mos;		/* --mos, NAN off */
	double clear;		/* --clear-below, % of the threshold */
	double pct;		/* --percentile, 0..1 */
	uint32_t window;	/* --window probes */
	uint32_t route_rounds;	/* --route-rounds */
	bool routes;		/* route tracking (not --no-route) */
	bool hops;		/* --hops */
	bool pass;		/* --pass */
	bool fail;		/* --fail */
	bool strict;		/* --strict */
	char *exec_argv[MAX_EXEC_ARGS + 2];	/* --exec, --exec-arg */
	int exec_argc;
	double exec_timeout;	/* s */
	int exec_max;
};

/* One path judged: a target, or a target at one hop. */
struct key {
	uint32_t target;	/* target index */
	int ttl;		/* 0 for plain probes */
	struct pp_window w;	/* the last probes */
	struct pp_level loss;
	struct pp_level lat;
	struct pp_level mos;
};

/* One target. */
struct target {
	uint32_t name;		/* interned */
	int dest_ttl;		/* lowest hop that answered "reply", 0 none */
	bool answered;		/* any reply ever */
	uint64_t probes;	/* probes (plain) or rounds (trace) seen */
	bool unreachable;	/* unreachable raised */
	struct pp_route route;	/* route tracker */
	long long round;	/* round being assembled, -1 none */
	double round_ts;	/* its first send time */
	int round_len;		/* highest ttl seen in it */
	int round_dest;		/* ttl that replied in it, 0 none */
	uint32_t hops[PP_ROUTE_HOPS];	/* its responders (id + 1) */
	struct key *mos_key;	/* MOS state (owned) */
};

/* An outcome waiting for send order. */
struct item {
	double rtt;		/* NAN lost */
	long long round;	/* -1 none */
	uint32_t target;	/* target index */
	uint32_t from;		/* interned responder, PP_INTERN_NONE none */
	int ttl;
	uint8_t outcome;	/* enum pp_outcome */
	bool dest;		/* the probe reached the destination */
};

struct run {
	struct alert_opts *o;
	int argc;
	char **argv;
	struct pp_intern names;
	struct target *targets;
	uint32_t ntargets;
	uint32_t atargets;
	struct key **keys;	/* index: linear probing on (target, ttl) */
	uint32_t nkeys;
	uint32_t ksize;		/* slots (power of two) */
	struct pp_reorder ro;
	struct pp_outcome_opts outcome;	/* what counts as answered */
	struct pp_jw w;
	struct pp_spawn spawn;
	bool spawning;
	const int *in_fd;	/* the input descriptor being read */
	bool started;
	bool io_error;
	unsigned long raised;	/* alerts raised (for --fail) */
	unsigned long routes;	/* route changes */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f,
	    "usage: pp-alert [-hV] [--clear-below pct] [--exec program] "
	    "[--exec-arg arg]\n"
	    "                [--exec-max n] [--exec-timeout duration] [--fail]"
	    " [--hops]\n"
	    "                [--latency ms] [--loss pct] [--mos x] "
	    "[--no-route] [--pass]\n"
	    "                [--percentile p] [--route-rounds k] [--strict] "
	    "[--window n]\n"
	    "                [file ...]\n");
	if (status == 0)
		fprintf(f, "\n"
		    "  --loss PCT            raise at this loss over the window\n"
		    "  --latency MS          raise at this RTT percentile\n"
		    "  --mos X               raise at MOS X or below (mos "
		    "records)\n"
		    "  --window N            probes judged (default 20)\n"
		    "  --percentile P        latency percentile (default 50)\n"
		    "  --clear-below PCT     clear below PCT %% of the "
		    "threshold (default 80)\n"
		    "  --hops                judge every hop, not only the "
		    "destination\n"
		    "  --route-rounds K      rounds a route change must hold "
		    "(default 3)\n"
		    "  --no-route            no route tracking\n"
		    "  --exec PROGRAM        run per event (JSON on stdin, PP_* "
		    "variables)\n"
		    "  --exec-arg ARG        an argument for it (repeat)\n"
		    "  --exec-max N          programs at once (default 4)\n"
		    "  --exec-timeout DUR    kill a program after (default "
		    "10s)\n"
		    "  --fail                exit 1 when an alert was raised\n"
		    "  --pass                pass the input through, alerts "
		    "interleaved\n"
		    "  --strict              stop at the first bad line\n"
		    "  -h, --help            this help; -V, --version\n");
	exit(status);
}

/* --exec's programs, for the handler of a fatal signal. */
static struct pp_spawn *spawner;

/* SIGINT, SIGTERM, SIGHUP: the programs run in process groups of their
 * own, out of the terminal's reach; end them too, then end as the signal
 * would have. */
static void
on_fatal_signal(int sig)
{
	if (spawner != NULL)
		pp_spawn_signal(spawner, SIGTERM);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static void
catch_fatal_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		struct sigaction old;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
	}
}

/* Before a read of the input that would block: flush the records, and
 * with --exec keep the programs going (their input written, timeouts
 * enforced, waiting events started) until the input has more. */
static void
input_idle(void *arg)
{
	struct run *r = arg;

	pp_flush_stdout(NULL);
	if (r->spawning && r->in_fd != NULL && *r->in_fd >= 0)
		pp_spawn_wait(&r->spawn, *r->in_fd);
}

static void
spawn_report(void *arg, const char *msg)
{
	(void)arg;
	pp_warnx("%s", msg);
}

static void
start_output(struct run *r)
{
	struct alert_opts *o = r->o;

	if (r->started)
		return;
	r->started = true;
	if (o->pass)
		return;		/* the input's own meta goes through */
	pp_jw_meta(&r->w, "pp-alert", r->argc, r->argv);
	pp_jw_key(&r->w, "settings");
	pp_jw_obj_begin(&r->w);
	if (!isnan(o->loss))
		pp_jw_knum(&r->w, "loss", o->loss, PP_DEC_PCT);
	if (!isnan(o->latency))
		pp_jw_knum(&r->w, "latency", o->latency, PP_DEC_MS);
	if (!isnan(o->mos))
		pp_jw_knum(&r->w, "mos", o->mos, PP_DEC_MS);
	pp_jw_kint(&r->w, "window", o->window);
	pp_jw_knum(&r->w, "percentile", o->pct * 100, PP_DEC_PCT);
	pp_jw_knum(&r->w, "clear_below", o->clear, PP_DEC_PCT);
	pp_jw_kint(&r->w, "route_rounds", o->route_rounds);
	pp_jw_kbool(&r->w, "hops", o->hops);
	pp_jw_end(&r->w);
	if (pp_jw_write(&r->w, stdout) == -1)
		r->io_error = true;
}

/* Write the record in r->w and hand it to --exec with its variables
 * (lib/spawn makes their values safe and cuts them at PP_SPAWN_VALUE_MAX
 * bytes, saying so; the record on the program's input is whole).  Events
 * of one target run in order. */
static void
emit(struct run *r, const char *kind, const char *state, const char *target,
    int ttl, double ts, double value)
{
	char *env[8];
	char ebuf[5][64];
	int ne = 0;
	int nb = 0;

	if (pp_jw_write(&r->w, stdout) == -1)
		r->io_error = true;
	if (!r->spawning)
		return;
	(void)snprintf(ebuf[nb], sizeof(ebuf[nb]), "PP_KIND=%s", kind);
	env[ne++] = ebuf[nb++];
	(void)snprintf(ebuf[nb], sizeof(ebuf[nb]), "PP_STATE=%s", state);
	env[ne++] = ebuf[nb++];
	size_t tl = strlen(target);
	char *tv = pp_xmalloc(tl + sizeof("PP_TARGET="));
	memcpy(tv, "PP_TARGET=", sizeof("PP_TARGET=") - 1);
	memcpy(tv + sizeof("PP_TARGET=") - 1, target, tl + 1);
	env[ne++] = tv;
	(void)snprintf(ebuf[nb], sizeof(ebuf[nb]), "PP_TS=%.6f", ts);
	env[ne++] = ebuf[nb++];
	if (ttl > 0) {
		(void)snprintf(ebuf[nb], sizeof(ebuf[nb]), "PP_TTL=%d", ttl);
		env[ne++] = ebuf[nb++];
	}
	if (isfinite(value)) {
		(void)snprintf(ebuf[nb], sizeof(ebuf[nb]), "PP_VALUE=%.3f",
		    value);
		env[ne++] = ebuf[nb++];
	}
	env[ne] = NULL;
	pp_spawn_event(&r->spawn, target, r->w.buf, r->w.len, env);
	free(tv);
}

static void
alert(struct run *r, const struct target *t, int ttl, double ts,
    const char *kind, bool raise, double value, double threshold,
    const char *fmt_unit)
{
	const char *name = pp_intern_name(&r->names, t->name);
	char msg[512];

	start_output(r);
	if (raise)
		r->raised++;
	if (strcmp(kind, "unreachable") == 0)
		(void)snprintf(msg, sizeof(msg), raise ? "%s never answered "
		    "in %u probes" : "%s answered", name, r->o->window);
	else if (strcmp(kind, "mos") == 0)
		(void)snprintf(msg, sizeof(msg), "%s MOS %.2f %s %.2f", name,
		    value, raise ? "<=" : "back above", raise ? threshold :
		    threshold);
	else
		(void)snprintf(msg, sizeof(msg), "%s%s%.0d %s %.3f%s %s "
		    "%.3f%s over the last %u probes", name, ttl > 0 ?
		    " hop " : "", ttl, kind, value, fmt_unit,
		    raise ? ">=" : "back below", threshold, fmt_unit,
		    r->o->window);
	pp_jw_record(&r->w, "alert");
	pp_jw_knum(&r->w, "ts", ts, PP_DEC_TS);
	pp_jw_kstr(&r->w, "target", name);
	if (ttl > 0)
		pp_jw_kint(&r->w, "ttl", ttl);
	pp_jw_kstr(&r->w, "kind", kind);
	pp_jw_kstr(&r->w, "state", raise ? "raise" : "clear");
	pp_jw_knum(&r->w, "value", value, PP_DEC_MS);
	pp_jw_knum(&r->w, "threshold", threshold, PP_DEC_MS);
	pp_jw_kint(&r->w, "window", strcmp(kind, "mos") == 0 ? 1 :
	    r->o->window);
	pp_jw_kstr(&r->w, "message", msg);
	pp_jw_end(&r->w);
	emit(r, kind, raise ? "raise" : "clear", name, ttl, ts, value);
}

static uint32_t
hash_key(uint32_t target, int ttl)
{
	uint32_t h = target * 2654435761u ^ (uint32_t)ttl * 40503u;

	return h ^ (h >> 16);
}

static void
level_init(struct pp_level *l, double threshold, double clear_pct,
    bool higher_is_worse)
{
	memset(l, 0, sizeof(*l));
	l->higher_is_worse = higher_is_worse;
	l->threshold = threshold;
	if (higher_is_worse)
		l->clear = threshold * clear_pct / 100.0;
	else	/* MOS: back up by the rest of the way to 4.5 */
		l->clear = threshold + (4.5 - threshold) *
		    (100.0 - clear_pct) / 100.0;
}

static struct key *
key_get(struct run *r, uint32_t target, int ttl)
{
	uint32_t slot = hash_key(target, ttl) & (r->ksize - 1);

	while (r->keys[slot] != NULL) {
		struct key *k = r->keys[slot];
		if (k->target == target && k->ttl == ttl)
			return k;
		slot = (slot + 1) & (r->ksize - 1);
	}
	if (r->nkeys >= MAX_KEYS)
		return NULL;
	if ((r->nkeys + 1) * 2 > r->ksize) {
		uint32_t nsize = r->ksize * 2;
		struct key **nk = pp_xcalloc(nsize, sizeof(*nk));
		for (uint32_t i = 0; i < r->ksize; i++) {
			struct key *k = r->keys[i];
			if (k == NULL)
				continue;
			uint32_t s = hash_key(k->target, k->ttl) & (nsize - 1);
			while (nk[s] != NULL)
				s = (s + 1) & (nsize - 1);
			nk[s] = k;
		}
		free(r->keys);
		r->keys = nk;
		r->ksize = nsize;
		slot = hash_key(target, ttl) & (nsize - 1);
		while (r->keys[slot] != NULL)
			slot = (slot + 1) & (nsize - 1);
	}
	struct key *k = pp_xcalloc(1, sizeof(*k));
	k->target = target;
	k->ttl = ttl;
	if (pp_window_init(&k->w, r->o->window) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	level_init(&k->loss, r->o->loss, r->o->clear, true);
	level_init(&k->lat, r->o->latency, r->o->clear, true);
	r->keys[slot] = k;
	r->nkeys++;
	return k;
}

static uint32_t
target_get(struct run *r, const char *name)
{
	uint32_t id = pp_intern(&r->names, name);

	if (id == PP_INTERN_NONE)
		return UINT32_MAX;
	for (uint32_t i = 0; i < r->ntargets; i++)
		if (r->targets[i].name == id)
			return i;
	if (r->ntargets == r->atargets) {
		r->atargets = r->atargets != 0 ? r->atargets * 2 : 8;
		r->targets = pp_xrealloc(r->targets, r->atargets *
		    sizeof(*r->targets));
	}
	struct target *t = &r->targets[r->ntargets];
	memset(t, 0, sizeof(*t));
	t->name = id;
	t->round = -1;
	pp_route_init(&t->route, r->o->route_rounds, ROUTE_MEMORY(r->o));
	return r->ntargets++;
}

static void
write_hops(struct run *r, const char *key, const uint32_t *hops, int len)
{
	pp_jw_key(&r->w, key);
	pp_jw_arr_begin(&r->w);
	for (int i = 0; i < len; i++) {
		if (hops[i] == 0)
			pp_jw_null(&r->w);
		else
			pp_jw_str(&r->w, pp_intern_name(&r->names,
			    hops[i] - 1));
	}
	pp_jw_arr_end(&r->w);
}

/* A trace round is complete: judge the route. */
static void
close_round(struct run *r, struct target *t)
{
	uint32_t prev[PP_ROUTE_HOPS];
	int plen = 0;

	if (t->round < 0 || !r->o->routes)
		return;
	int len = t->round_dest > 0 ? t->round_dest : t->round_len;
	enum pp_route_change c = pp_route_round(&t->route, t->hops, len, prev,
	    &plen);
	if (c == PP_ROUTE_SAME)
		return;
	const char *name = pp_intern_name(&r->names, t->name);
	start_output(r);
	pp_jw_record(&r->w, "route");
	pp_jw_knum(&r->w, "ts", t->round_ts, PP_DEC_TS);
	pp_jw_kstr(&r->w, "target", name);
	pp_jw_kint(&r->w, "round", t->round);
	write_hops(r, "hops", t->route.cur, t->route.len);
	if (c == PP_ROUTE_CHANGED)
		write_hops(r, "previous", prev, plen);
	pp_jw_end(&r->w);
	emit(r, "route", c == PP_ROUTE_CHANGED ? "change" : "first", name, 0,
	    t->round_ts, NAN);
	if (c != PP_ROUTE_CHANGED)
		return;
	/* And an alert saying what changed. */
	int first = -1;
	for (int i = 0; i < plen || i < t->route.len; i++) {
		uint32_t a = i < plen ? prev[i] : 0;
		uint32_t b = i < t->route.len ? t->route.cur[i] : 0;
		if (a != b) {
			first = i;
			break;
		}
	}
	char msg[512];
	if (plen != t->route.len)
		(void)snprintf(msg, sizeof(msg), "%s path length %d -> %d "
		    "hops", name, plen, t->route.len);
	else
		(void)snprintf(msg, sizeof(msg), "%s route changed at hop %d: "
		    "%s -> %s", name, first + 1, first >= 0 && prev[first] ?
		    pp_intern_name(&r->names, prev[first] - 1) : "*",
		    first >= 0 && t->route.cur[first] ? pp_intern_name(
		    &r->names, t->route.cur[first] - 1) : "*");
	r->raised++;
	r->routes++;
	pp_jw_record(&r->w, "alert");
	pp_jw_knum(&r->w, "ts", t->round_ts, PP_DEC_TS);
	pp_jw_kstr(&r->w, "target", name);
	if (first >= 0 && plen == t->route.len)
		pp_jw_kint(&r->w, "ttl", first + 1);
	pp_jw_kstr(&r->w, "kind", "route");
	pp_jw_kstr(&r->w, "state", "raise");
	pp_jw_knum(&r->w, "value", t->route.len, PP_DEC_MS);
	pp_jw_knum(&r->w, "threshold", r->o->route_rounds, PP_DEC_MS);
	pp_jw_kint(&r->w, "window", r->o->route_rounds);
	pp_jw_kstr(&r->w, "message", msg);
	pp_jw_end(&r->w);
	emit(r, "route", "raise", name, first + 1, t->round_ts, NAN);
}

/* One outcome, in send order. */
static void
process(void *arg, double ts, const void *itemp)
{
	struct run *r = arg;
	const struct item *it = itemp;
	struct target *t = &r->targets[it->target];
	bool answered = !isnan(it->rtt);

	/* Routes: assemble rounds of traces. */
	if (it->ttl > 0 && it->round >= 0) {
		if (it->round != t->round) {
			close_round(r, t);
			t->round = it->round;
			t->round_ts = ts;
			t->round_len = 0;
			t->round_dest = 0;
			memset(t->hops, 0, sizeof(t->hops));
			t->probes++;	/* rounds, for unreachable */
		}
		if (it->ttl <= PP_ROUTE_HOPS) {
			if (it->ttl > t->round_len)
				t->round_len = it->ttl;
			if (it->from != PP_INTERN_NONE && answered &&
			    (t->round_dest == 0 || it->ttl <= t->round_dest))
				t->hops[it->ttl - 1] = it->from + 1;
			if (it->dest && (t->round_dest == 0 ||
			    it->ttl < t->round_dest))
				t->round_dest = it->ttl;
		}
	} else {
		t->probes++;
	}
	if (it->dest && it->ttl > 0 && (t->dest_ttl == 0 ||
	    it->ttl < t->dest_ttl))
		t->dest_ttl = it->ttl;
	if (it->outcome == PP_ANSWER_DEST) {
		t->answered = true;
		if (t->unreachable) {
			t->unreachable = false;
			alert(r, t, 0, ts, "unreachable", false, NAN, NAN, "");
		}
	}
	if (!t->answered && !t->unreachable && t->probes >= r->o->window) {
		t->unreachable = true;
		alert(r, t, 0, ts, "unreachable", true, NAN, NAN, "");
	}
	/* Loss and latency: at the destination, or every hop. */
	bool judged = it->ttl == 0 || (r->o->hops ? true :
	    it->ttl == t->dest_ttl);
	if (!judged)
		return;
	struct key *k = key_get(r, it->target, r->o->hops ? it->ttl :
	    (it->ttl == 0 ? 0 : -1));
	if (k == NULL)
		return;
	pp_window_add(&k->w, it->rtt);
	if (!pp_window_full(&k->w) || !t->answered)
		return;
	int ttl = r->o->hops ? it->ttl : 0;
	if (!isnan(r->o->loss)) {
		double v = pp_window_loss(&k->w);
		enum pp_level_change c = pp_level_update(&k->loss, v);
		if (c != PP_LEVEL_SAME)
			alert(r, t, ttl, ts, "loss", c == PP_LEVEL_RAISE, v,
			    c == PP_LEVEL_RAISE ? k->loss.threshold :
			    k->loss.clear, "%");
	}
	if (!isnan(r->o->latency)) {
		double v = pp_window_pct(&k->w, r->o->pct);
		enum pp_level_change c = pp_level_update(&k->lat, v);
		if (c != PP_LEVEL_SAME)
			alert(r, t, ttl, ts, "latency", c == PP_LEVEL_RAISE, v,
			    c == PP_LEVEL_RAISE ? k->lat.threshold :
			    k->lat.clear, " ms");
	}
}

static void
add_mos(struct run *r, struct pp_record *rec)
{
	json_t *o = pp_record_json(rec, NULL);
	json_t *tg = o != NULL ? json_object_get(o, "target") : NULL;
	json_t *mv = o != NULL ? json_object_get(o, "mos") : NULL;
	json_t *ev = o != NULL ? json_object_get(o, "end") : NULL;

	if (isnan(r->o->mos) || !json_is_string(tg) || !json_is_number(mv))
		return;
	uint32_t ti = target_get(r, json_string_value(tg));
	if (ti == UINT32_MAX)
		return;
	struct target *t = &r->targets[ti];
	if (t->mos_key == NULL) {
		t->mos_key = pp_xcalloc(1, sizeof(*t->mos_key));
		level_init(&t->mos_key->mos, r->o->mos, r->o->clear, false);
	}
	double v = json_number_value(mv);
	enum pp_level_change c = pp_level_update(&t->mos_key->mos, v);
	if (c != PP_LEVEL_SAME)
		alert(r, t, 0, json_is_number(ev) ? json_number_value(ev) : 0,
		    "mos", c == PP_LEVEL_RAISE, v, c == PP_LEVEL_RAISE ?
		    t->mos_key->mos.threshold : t->mos_key->mos.clear, "");
}

static void
add_probe(struct run *r, const struct pp_probe *p)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.target = target_get(r, p->target);
	if (it.target == UINT32_MAX)
		return;
	enum pp_outcome oc = pp_probe_outcome(p, &r->outcome);
	if (oc == PP_LOCAL)
		return;		/* not the network's: neither sent nor lost */
	it.ttl = pp_probe_hop(p);
	it.round = p->round;
	it.outcome = (uint8_t)oc;
	it.dest = p->status == PP_ST_REPLY || oc == PP_ANSWER_DEST;
	bool answered = oc == PP_ANSWER_DEST || oc == PP_ANSWER_HOP;
	it.rtt = answered ? p->rtt : NAN;
	it.from = answered && p->from != NULL ? pp_intern(&r->names, p->from) :
	    PP_INTERN_NONE;
	(void)pp_reorder_push(&r->ro, p->ts, &it, process, r);
}

static double
num_arg(const char *opt, const char *s, double lo, double hi)
{
	double v = 0;
	const char *errstr = NULL;

	if (pp_strtod_range(s, lo, hi, &v, &errstr) == -1)
		pp_errx(PP_EXIT_USAGE, "%s: must be %g to %g: %s", opt, lo, hi,
		    s);
	return v;
}

static void
parse_args(int argc, char **argv, struct alert_opts *o)
{
	static const struct pp_option longopts[] = {
		{ "clear-below", PP_REQ_ARG, NULL, OPT_CLEAR },
		{ "exec", PP_REQ_ARG, NULL, OPT_EXEC },
		{ "exec-arg", PP_REQ_ARG, NULL, OPT_EXEC_ARG },
		{ "exec-max", PP_REQ_ARG, NULL, OPT_EXEC_MAX },
		{ "exec-timeout", PP_REQ_ARG, NULL, OPT_EXEC_TIMEOUT },
		{ "fail", PP_NO_ARG, NULL, OPT_FAIL },
		{ "help", PP_NO_ARG, NULL, 'h' },
		{ "hops", PP_NO_ARG, NULL, OPT_HOPS },
		{ "latency", PP_REQ_ARG, NULL, OPT_LATENCY },
		{ "loss", PP_REQ_ARG, NULL, OPT_LOSS },
		{ "mos", PP_REQ_ARG, NULL, OPT_MOS },
		{ "no-route", PP_NO_ARG, NULL, OPT_NO_ROUTE },
		{ "pass", PP_NO_ARG, NULL, OPT_PASS },
		{ "percentile", PP_REQ_ARG, NULL, OPT_PCT },
		{ "route-rounds", PP_REQ_ARG, NULL, OPT_ROUTE_ROUNDS },
		{ "strict", PP_NO_ARG, NULL, OPT_STRICT },
		{ "version", PP_NO_ARG, NULL, 'V' },
		{ "window", PP_REQ_ARG, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 },
	};
	const char *errstr = NULL;
	int ch;
	char *prog = NULL;
	char *args[MAX_EXEC_ARGS];
	int nargs = 0;

	while ((ch = pp_getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'V':
			pp_print_version();
			exit(pp_close_stdout(0));
		case OPT_CLEAR:
			o->clear = num_arg("--clear-below", pp_optarg, 0, 100);
			break;
		case OPT_EXEC:
			prog = pp_optarg;
			break;
		case OPT_EXEC_ARG:
			if (nargs == MAX_EXEC_ARGS)
				pp_errx(PP_EXIT_USAGE, "--exec-arg: at most %d",
				    MAX_EXEC_ARGS);
			args[nargs++] = pp_optarg;
			break;
		case OPT_EXEC_MAX:
			o->exec_max = (int)pp_strtonum(pp_optarg, 1, 256,
			    &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--exec-max: programs "
				    "must be 1 to 256: %s", pp_optarg);
			break;
		case OPT_EXEC_TIMEOUT:
			if (pp_parse_duration(pp_optarg, &o->exec_timeout,
			    &errstr) == -1 || o->exec_timeout <= 0)
				pp_errx(PP_EXIT_USAGE, "--exec-timeout: invalid "
				    "duration: %s", pp_optarg);
			break;
		case OPT_FAIL:
			o->fail = true;
			break;
		case OPT_HOPS:
			o->hops = true;
			break;
		case OPT_LATENCY:
			o->latency = num_arg("--latency", pp_optarg, 0.001,
			    3600000);
			break;
		case OPT_LOSS:
			o->loss = num_arg("--loss", pp_optarg, 0.001, 100);
			break;
		case OPT_MOS:
			o->mos = num_arg("--mos", pp_optarg, 1, 4.5);
			break;
		case OPT_NO_ROUTE:
			o->routes = false;
			break;
		case OPT_PASS:
			o->pass = true;
			break;
		case OPT_PCT:
			o->pct = num_arg("--percentile", pp_optarg, 1, 100) /
			    100.0;
			break;
		case OPT_ROUTE_ROUNDS:
			o->route_rounds = (uint32_t)pp_strtonum(pp_optarg, 1,
			    1000, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--route-rounds: rounds "
				    "must be 1 to 1000: %s", pp_optarg);
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_WINDOW:
			o->window = (uint32_t)pp_strtonum(pp_optarg, 1,
			    PP_WINDOW_MAX, &errstr);
			if (errstr != NULL)
				pp_errx(PP_EXIT_USAGE, "--window: probes must be "
				    "1 to %d: %s", PP_WINDOW_MAX, pp_optarg);
			break;
		default:
			usage(PP_EXIT_USAGE);
		}
	}
	if (nargs > 0 && prog == NULL)
		pp_errx(PP_EXIT_USAGE, "--exec-arg needs --exec");
	if (prog != NULL) {
		o->exec_argv[0] = prog;
		for (int i = 0; i < nargs; i++)
			o->exec_argv[i + 1] = args[i];
		o->exec_argv[nargs + 1] = NULL;
		o->exec_argc = nargs + 1;
	}
}

int
main(int argc, char **argv)
{
	struct alert_opts o = {
		.loss = NAN, .latency = NAN, .mos = NAN, .clear = 80,
		.pct = 0.5, .window = 20, .route_rounds = 3, .routes = true,
		.exec_timeout = 10, .exec_max = 4,
	};
	struct run r;
	struct pp_stream st;
	struct pp_record *rec;
	int status = PP_EXIT_OK;

	pp_cli_init(argv[0]);
	parse_args(argc, argv, &o);
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.argc = argc;
	r.argv = argv;
	pp_jw_init(&r.w);
	r.ksize = 64;
	r.keys = pp_xcalloc(r.ksize, sizeof(*r.keys));
	if (pp_intern_init(&r.names, 1000000) == -1 ||
	    pp_reorder_init(&r.ro, sizeof(struct item), 65536, 11.0) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	if (o.exec_argc > 0) {
		if (pp_spawn_init(&r.spawn, o.exec_argv, o.exec_timeout,
		    o.exec_max) == -1)
			pp_errx(PP_EXIT_FAIL, "out of memory");
		r.spawn.report = spawn_report;
		r.spawning = true;
		spawner = &r.spawn;
		catch_fatal_signals();
	}
	if (pp_stream_open(&st, argv + pp_optind, argc - pp_optind,
	    o.strict) == -1)
		pp_errx(PP_EXIT_FAIL, "out of memory");
	st.rd.opts.would_block = input_idle;
	st.rd.opts.arg = &r;
	r.in_fd = &st.rd.fd;
	bool horizon_set = false;
	while ((rec = pp_stream_next(&st)) != NULL && !r.io_error) {
		if (o.pass) {
			start_output(&r);
			if (fwrite(rec->line, 1, rec->len, stdout) != rec->len ||
			    putchar('\n') == EOF)
				r.io_error = true;
		}
		switch (rec->type) {
		case PP_REC_PROBE:
			add_probe(&r, &rec->probe);
			break;
		case PP_REC_MOS:
			add_mos(&r, rec);
			break;
		case PP_REC_META:
			if (pp_outcome_meta_refused_down(
			    json_object_get(pp_record_json(rec, NULL),
			    "settings")))
				r.outcome.refused_down = true;
			if (!horizon_set) {
				json_t *m = pp_record_json(rec, NULL);
				json_t *s = m ? json_object_get(m, "settings") :
				    NULL;
				json_t *to = s ? json_object_get(s, "timeout") :
				    NULL;
				if (json_is_number(to) &&
				    json_number_value(to) > 0 &&
				    json_number_value(to) < 3600) {
					r.ro.horizon = json_number_value(to) +
					    1;
					horizon_set = true;
				}
			}
			break;
		default:
			break;
		}
		if (r.spawning)
			pp_spawn_poll(&r.spawn);
	}
	if (pp_stream_close(&st) != 0)
		status = PP_EXIT_FAIL;
	pp_reorder_flush(&r.ro, process, &r);
	for (uint32_t i = 0; i < r.ntargets; i++)
		close_round(&r, &r.targets[i]);
	(void)fflush(stdout);
	if (r.spawning) {
		pp_spawn_finish(&r.spawn);
		spawner = NULL;
		if (r.spawn.dropped > 0)
			pp_warnx("%lu events not run: more than %d waiting",
			    r.spawn.dropped, PP_SPAWN_QUEUE);
		pp_spawn_release(&r.spawn);
	}
	for (uint32_t i = 0; i < r.ksize; i++) {
		if (r.keys[i] != NULL) {
			pp_window_release(&r.keys[i]->w);
			free(r.keys[i]);
		}
	}
	for (uint32_t i = 0; i < r.ntargets; i++)
		free(r.targets[i].mos_key);
	free(r.keys);
	free(r.targets);
	pp_reorder_release(&r.ro);
	pp_intern_release(&r.names);
	pp_jw_release(&r.w);
	if (r.io_error)
		status = PP_EXIT_FAIL;
	if (o.fail && r.raised > 0 && status == PP_EXIT_OK)
		status = PP_EXIT_FAIL;
	return pp_close_stdout(status);
}
