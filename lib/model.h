/* SPDX-License-Identifier: BSD-2-Clause */
/* model.h: the record model.  The figures of every record type besides
 * probe (lib/record.h decodes and writes that one), each with one reader
 * (from the decoded object of a line) and one writer (into a lib/jsonw
 * line), so that every command reads and writes a type the same way, in
 * the key order of pp-records(5).
 *
 * Readers: strings are borrowed from the jansson object and valid while it
 * lives (pp_record_json: until the next parse or release of the record).
 * An optional figure that is absent or null reads as NAN (numbers), -1
 * (counts, ttl 0) or NULL (strings).  They return 0, or -1 with err set
 * when what the type needs is missing or of the wrong type.
 * Writers: the record is left in w, ended, for pp_jw_write(); a NAN figure
 * is written as null where pp-records(5) says so and left out where the
 * field is optional. */
#ifndef PP_MODEL_H
#define PP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/error.h"
#include "lib/record.h"

struct pp_jw;
struct pp_stats;

/* The version of a stats record's "parts" (what it was made of, for
 * pp-stats --merge): a reader takes parts of this version only. */
#define PP_PARTS_VERSION 1

/* Responders listed in a stats record, at most. */
#define PP_REC_ADDRS 16
/* Unreachable responders listed in a stats record, at most. */
#define PP_REC_UNREACH 8

/* A responder of a stats record. */
struct pp_stats_rec_addr {
	const char *addr;	/* address text */
	uint64_t recv;		/* its answers */
	double avg;		/* ms */
	double min;		/* ms */
	double max;		/* ms */
	int nmpls;		/* entries in mpls, 0 none */
	struct pp_mpls mpls[PP_MPLS_MAX];	/* the MPLS label stack of its
						 * latest answer that had one */
};

/* Who said a probe could not get through: an ICMP destination
 * unreachable (never an answer of the target). */
struct pp_stats_rec_unreach {
	const char *addr;	/* its source, NULL when not recorded */
	int code;		/* ICMP code, -1 when not recorded */
	uint64_t count;		/* probes */
};

/* A stats record: one target (and hop) over one window. */
struct pp_stats_rec {
	const char *vantage;	/* vantage point, NULL or "" unknown */
	const char *target;	/* the target */
	int ttl;		/* hop, 0 for plain probes */
	const char *addr;	/* the responder that answered most, or NULL */
	double start;		/* window start, epoch s */
	double end;		/* window end, epoch s */
	uint64_t sent;		/* probes sent (local drops not included) */
	uint64_t recv;		/* answered */
	double loss;		/* %, NAN when nothing was sent */
	double loss_lo;		/* its 95 % Wilson interval, %; NAN: none */
	double loss_hi;		/* % */
	double fwd_loss;	/* forwarding loss, %, NAN without ttl */
	double fwd_lo;		/* its 95 % Wilson interval, %; NAN: none */
	double fwd_hi;		/* % */
	long long fwd_sent;	/* the probes it rests on, -1: not given */
	long long fwd_lost;	/* of which lost, -1: not given */
	int fwd_ttl;		/* the hop they are from when not this one
				 * (it declines to answer), 0 */
	double last;		/* ms; this and the rest NAN when undefined */
	double min;		/* ms */
	double avg;		/* ms */
	double max;		/* ms */
	double stdev;		/* ms */
	double p50;		/* ms */
	double p90;		/* ms */
	double p95;		/* ms */
	double p99;		/* ms */
	double jitter;		/* mean |dRTT|, ms */
	double jmax;		/* largest |dRTT|, ms */
	double jint;		/* RFC 3550 interarrival jitter, ms */
	/* Not in records (what a live screen shows, as mtr's j view): */
	double jlast;		/* the last |dRTT|, ms */
	double gmean;		/* geometric mean RTT, ms */
	uint64_t inflight;	/* probes sent, outcome not known yet: in Snt
				 * (as mtr's), not in sent, recv or loss */
	int naddrs;		/* responders in addrs */
	struct pp_stats_rec_addr addrs[PP_REC_ADDRS];	/* most answers
							 * first */
	uint64_t addrs_other_recv;	/* answers of responders not listed */
	uint64_t unreachable;	/* probes lost to an ICMP unreachable */
	int nunreach;		/* entries in unreach */
	struct pp_stats_rec_unreach unreach[PP_REC_UNREACH];	/* by
								 * count */
	uint64_t unreach_other;	/* unreachables from sources not listed */
	bool tcp;		/* TCP probes: open and refused apply */
	uint64_t open;		/* TCP: connections that succeeded */
	uint64_t refused;	/* TCP: connections refused (RST) */
	uint64_t refused_down;	/* of them, those counted as lost
				 * (--refused-down, or the meta record of
				 * the run they came from): 0 none */
	uint64_t local_drop;	/* timeouts maybe lost inside this host,
				 * counted in neither sent nor loss */
	uint64_t rate_limited;	/* lost probes the responder's ICMP rate
				 * limit explains (0 when none) */
	double rate_limit;	/* that limit: s per answer, NAN none */
	const struct pp_stats *parts;	/* what the figures were made of
					 * (borrowed): written as "parts"
					 * when not NULL */
};

/* An outage record. */
struct pp_outage_rec {
	const char *vantage;	/* vantage point, NULL or "" unknown */
	const char *target;	/* the target */
	int ttl;		/* destination hop, 0 for plain probes */
	double start;		/* send time of the first lost probe, epoch s */
	double end;		/* epoch s */
	double duration;	/* ms (the writer: end - start) */
	uint64_t sent;		/* probes in it */
	uint64_t recv;		/* of which answered */
	double loss;		/* % (the writer: from sent and recv) */
	bool ongoing;		/* the input ended inside it */
};

/* A mos record. */
struct pp_mos_rec {
	const char *vantage;	/* vantage point, NULL or "" unknown */
	const char *target;	/* the target */
	double start;		/* epoch s */
	double end;		/* epoch s */
	const char *codec;	/* codec name */
	const char *model;	/* emodel, emodel-wb, simplified */
	double rtt;		/* mean RTT, ms; figures NAN when undefined */
	double jitter;		/* ms */
	const char *jitter_def;	/* ipdv or stdev */
	double jitter_buffer;	/* ms, NAN: left out (simplified model) */
	double delay;		/* one-way delay, ms */
	double loss;		/* % */
	double burst_r;		/* BurstR */
	const char *burst_est;	/* runs, random, none */
	long long sent;		/* probes, -1: left out */
	long long recv;		/* answered, -1: left out */
	double ie_eff;		/* NAN: left out (simplified model) */
	double r;		/* R factor */
	double mos;		/* MOS */
	const char *note;	/* NULL: left out */
};

/* An alert record. */
struct pp_alert_rec {
	double ts;		/* epoch s */
	const char *vantage;	/* vantage point, NULL unknown */
	const char *target;	/* the target */
	int ttl;		/* hop, 0 none */
	const char *kind;	/* loss, latency, mos, route, unreachable */
	const char *state;	/* raise, clear */
	double value;		/* the judged figure */
	double threshold;	/* the threshold it crossed */
	long long window;	/* probes judged (rounds for routes) */
	const char *message;	/* one line for people */
	const char *from;	/* unreachable: who said so, NULL none */
	int code;		/* unreachable: its ICMP code, -1 none */
	const char *reason;	/* unreachable: the code's name, NULL none */
};

/* Hops of a route record, at most. */
#define PP_REC_HOPS 64

/* A route record. */
struct pp_route_rec {
	double ts;		/* epoch s */
	const char *vantage;	/* vantage point, NULL unknown */
	const char *target;	/* the target */
	long long round;	/* the round that settled it */
	int nhops;		/* hops */
	const char *hops[PP_REC_HOPS];	/* responders, NULL silent */
	int nprev;		/* hops before the change, -1 none */
	const char *prev[PP_REC_HOPS];	/* the path before */
};

/* Set up a record with every optional figure absent. */
void pp_stats_rec_init(struct pp_stats_rec *r);
void pp_outage_rec_init(struct pp_outage_rec *r);
void pp_mos_rec_init(struct pp_mos_rec *r);
void pp_alert_rec_init(struct pp_alert_rec *r);
void pp_route_rec_init(struct pp_route_rec *r);

/* Readers (see the top). */
int pp_stats_rec_read(struct pp_stats_rec *r, json_t *o,
    struct pp_error *err);
int pp_outage_rec_read(struct pp_outage_rec *r, json_t *o,
    struct pp_error *err);
int pp_mos_rec_read(struct pp_mos_rec *r, json_t *o, struct pp_error *err);
int pp_alert_rec_read(struct pp_alert_rec *r, json_t *o,
    struct pp_error *err);
int pp_route_rec_read(struct pp_route_rec *r, json_t *o,
    struct pp_error *err);

/* The "parts" of stats record o (its object; r read from it) into s
 * (set up by the caller with pp_stats_init, empty): the accumulator the
 * figures were made of, responders and unreachable sources given ids by
 * intern(arg, address) (UINT32_MAX: not kept).  Returns 1 when o has
 * parts of PP_PARTS_VERSION, 0 when it has none (or of another version:
 * *version says which, 0 none), -1 with err set when they are not what
 * pp-records(5) says. */
int pp_stats_parts_read(struct pp_stats *s, const json_t *o,
    const struct pp_stats_rec *r, uint32_t (*intern)(void *arg,
    const char *addr), void *arg, int *version, struct pp_error *err);

/* Writers (see the top). */
void pp_stats_rec_write(struct pp_jw *w, const struct pp_stats_rec *r);
void pp_outage_rec_write(struct pp_jw *w, const struct pp_outage_rec *r);
void pp_mos_rec_write(struct pp_jw *w, const struct pp_mos_rec *r);
void pp_alert_rec_write(struct pp_jw *w, const struct pp_alert_rec *r);
void pp_route_rec_write(struct pp_jw *w, const struct pp_route_rec *r);

/* The name of an unreachable entry's code (lib/outcome.h), its family
 * told by its address (NULL: IPv4). */
const char *pp_stats_rec_unreach_name(const struct pp_stats_rec_unreach *u);

/* Members of any decoded object (o may be NULL): the number member key,
 * or NAN; the string member key, or NULL (borrowed from o).  The one copy
 * for fields outside the record types above (meta settings, pp-geo's
 * enrichment). */
double pp_json_num(const json_t *o, const char *key);
const char *pp_json_str(const json_t *o, const char *key);

/* The reorder horizon before a meta record gives one: the probers'
 * default timeout (10 s) + 1 s. */
#define PP_HORIZON_DEFAULT 11.0

/* The reorder horizon a prober's meta record gives (its settings, or
 * NULL): the probe timeout + 1 s, when the timeout is a number above 0
 * and under an hour; NAN otherwise.  Readers take it from the first meta
 * record that gives one (lib/agg.h, lib/judge.h). */
double pp_meta_horizon(const json_t *settings);

/* Write the decoded value v into w as JSON: objects' keys in their order
 * (sorted when sort_keys), reals in the fewest digits that read back to
 * the same double ("0.3", not jansson's "0.29999999999999999"), always
 * with a '.' or an exponent, so a copied meta setting reads as written. */
void pp_json_emit(struct pp_jw *w, const json_t *v, bool sort_keys);

/* The unreachable sources of r as one line of text, for CSV and InfluxDB:
 * "ADDR REASON CODE COUNT" per source, most first, joined by ", " ("-"
 * for an address or code not recorded; "other - - N" for the sources past
 * PP_REC_UNREACH).  Writes at most size bytes (NUL included; cut at an
 * entry's end when short) and returns the length written. */
size_t pp_stats_rec_unreach_text(const struct pp_stats_rec *r, char *buf,
    size_t size);

#endif /* PP_MODEL_H */
