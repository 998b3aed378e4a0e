/* SPDX-License-Identifier: BSD-2-Clause */
/* record.h: decoding one NDJSON line into a record (DESIGN.md schema 1).
 * Probe records, the bulk of every stream, are decoded into a struct;
 * every other type is available as a jansson object. */
#ifndef PP_RECORD_H
#define PP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/error.h"

struct pp_jscan;

/* The schema version this code reads and writes. */
#define PP_SCHEMA 1

/* Record types.  PP_REC_OTHER is any other "type" (passed through). */
enum pp_rtype {
	PP_REC_OTHER,
	PP_REC_META,
	PP_REC_PROBE,
	PP_REC_STATS,
	PP_REC_OUTAGE,
	PP_REC_MOS,
	PP_REC_ALERT,
	PP_REC_ROUTE
};

/* A probe's outcome. */
enum pp_status {
	PP_ST_REPLY,		/* the destination answered */
	PP_ST_TTL_EXPIRED,	/* a router on the way answered */
	PP_ST_UNREACHABLE,	/* destination unreachable from elsewhere */
	PP_ST_TIMEOUT,		/* nothing within the timeout */
	PP_ST_ERROR		/* could not be sent */
};

/* One MPLS label stack entry (RFC 4950) of an ICMP answer. */
struct pp_mpls {
	uint32_t label;		/* 20 bits */
	uint8_t tc;		/* traffic class, 3 bits */
	uint8_t s;		/* bottom of stack, 1 bit */
	uint8_t ttl;		/* the label's TTL */
};

#define PP_MPLS_MAX 8		/* label stack entries a probe record keeps */

/* A TCP probe's connection (DESIGN.md, "conn"): recorded with status
 * "reply".  Archives written before the field existed have none; every
 * reader takes that as open. */
enum pp_conn {
	PP_CONN_NONE,		/* not recorded (not TCP, or an old archive) */
	PP_CONN_OPEN,		/* "open": SYN-ACK, the connection succeeded */
	PP_CONN_REFUSED		/* "refused": RST, the port is closed */
};

/* A decoded probe record.  Strings are borrowed from the record and valid
 * until the next pp_record_parse() or pp_record_release() on it. */
struct pp_probe {
	double ts;		/* send time, epoch seconds */
	const char *target;	/* target as given, never NULL */
	const char *dst;	/* destination address, NULL when absent */
	const char *proto;	/* "icmp", "udp", "tcp"; NULL when absent */
	const char *from;	/* responder address, NULL when absent */
	const char *err;	/* send error text, NULL when absent */
	uint64_t target_hash;	/* pp_hash_str(target) (lib/util.h) when
				 * worked out ahead (lib/stream.h's decoding
				 * threads do), else 0 */
	const char *vantage;	/* vantage point ("vantage"), NULL when absent
				 * (lib/stream.h fills it in from the input's
				 * meta record) */
	long long seq;		/* probe sequence, -1 when absent */
	long long round;	/* trace round, -1 when absent */
	long long flow;		/* flow identifier, -1 when absent */
	int ttl;		/* TTL / hop limit sent, -1 when absent */
	int reply_ttl;		/* TTL of the reply, -1 when absent */
	int code;		/* ICMP code, -1 when absent */
	int port;		/* destination port, -1 when absent */
	int size;		/* probe size, bytes, -1 when absent */
	enum pp_status status;	/* outcome */
	enum pp_conn conn;	/* TCP: open or refused, NONE when absent */
	bool local_drop;	/* a timeout whose reply may have been lost
				 * inside this host ("local_drop":true) */
	double rtt;		/* round-trip time, ms; NAN when absent */
	double late;		/* RTT of an answer that came after the
				 * timeout (or after a retransmitted SYN), ms;
				 * 0 when absent */
	int nmpls;		/* entries in mpls[], 0 when absent */
	struct pp_mpls mpls[PP_MPLS_MAX];	/* the answer's label stack */
};

/* One decoded line. Caller-provided storage: pp_record_init() once, then
 * pp_record_parse() per line, pp_record_release() at the end. */
struct pp_record {
	enum pp_rtype type;	/* what the line is */
	const char *type_name;	/* its "type" string (borrowed, as above) */
	const char *line;	/* the raw line (borrowed from the caller) */
	size_t len;		/* its length */
	struct pp_probe probe;	/* when type == PP_REC_PROBE */
	json_t *json;		/* the whole object when parsed (owned);
				 * see pp_record_json() */
	char *strs;		/* storage for decoded strings */
	size_t strs_cap;	/* its size */
	struct pp_jscan *scan;	/* the fast scanner (owned; lib/jscan.h) */
};

/* Set up r (allocates nothing). */
void pp_record_init(struct pp_record *r);

/* Decode line[0..len-1] (the caller keeps it alive while r is used):
 * flat objects through lib/jscan.h (fast), others through jansson; both
 * accept exactly the same lines. 
 * Returns 0, or -1 with err->msg saying why the line is not a record: not
 * JSON, not an object, no "type", or a probe lacking a field or with a
 * field of the wrong type or out of range (non-finite, negative RTT, RTT
 * over an hour, TTL outside 1..255).  Other record types are checked only
 * for a string "type". */
int pp_record_parse(struct pp_record *r, const char *line, size_t len,
    struct pp_error *err);

/* Copy the strings r's last successful parse decoded (in the scanner's
 * arena, valid until the next parse) to dst, room for r->len +
 * PP_JSCAN_PAD bytes (lib/jscan.h; the caller's), and point r's strings
 * there: they then stay valid as long as dst and r->json (which the caller
 * may take: set r->json to NULL before the next parse on r, and
 * json_decref it when done).  Decoding in the arena, hot in the CPU's
 * cache, and copying out beats decoding straight into memory not touched
 * lately: each load of a byte just copied there stalled (lib/stream.c's
 * batches, where the scanner took twice its time); so does reading dst
 * right after this call. */
void pp_record_keep(struct pp_record *r, char *dst);

/* The whole object, parsed on demand with jansson.  Borrowed: valid until
 * the next parse or release on r.  NULL with err set on failure. */
json_t *pp_record_json(struct pp_record *r, struct pp_error *err);

/* Free what r holds (not r). */
void pp_record_release(struct pp_record *r);

/* Whether the meta record object o is of a schema this code reads
 * (pp-records(5)): its "schema" is PP_SCHEMA, or absent (a hand-made
 * input).  Returns 0, or -1 with err->msg saying why not: a newer schema
 * (the number goes up only on an incompatible change), or a "schema"
 * that is not a positive integer.  Position fields are left alone. */
int pp_meta_schema_check(const json_t *o, struct pp_error *err);

/* The schema name of a status ("reply", "ttl-expired", ...). */
const char *pp_status_name(enum pp_status st);

/* Parse a status name.  Returns 0, or -1 when s is not one. */
int pp_status_parse(const char *s, enum pp_status *st);

/* The schema name of a connection state ("open", "refused"; NULL for
 * PP_CONN_NONE). */
const char *pp_conn_name(enum pp_conn c);

/* The schema name of a record type ("probe", ...; "other" for OTHER). */
const char *pp_rtype_name(enum pp_rtype t);

/* Write a probe record with the field order of DESIGN.md (type, ts,
 * vantage when known, target, dst, proto, ttl, round, seq, status, from,
 * rtt, reply_ttl, then the optional ones: conn, port, size, flow, code,
 * err, late, mpls, local_drop) into
 * w, ended and ready for pp_jw_write(). */
struct pp_jw;
void pp_probe_write(struct pp_jw *w, const struct pp_probe *p);

#endif /* PP_RECORD_H */
