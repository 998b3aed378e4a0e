/* SPDX-License-Identifier: BSD-2-Clause */
/* record.c: one NDJSON line -> a record.  Decoding goes through jansson
 * (JSON_REJECT_DUPLICATES); probe records are then checked field by field
 * and copied into struct pp_probe. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jscan.h"
#include "lib/jsonw.h"
#include "lib/record.h"

/* An RTT above this is not a measurement (ms: one hour). */
#define RTT_MAX 3600000.0

static const char *const status_names[] = {
	[PP_ST_REPLY] = "reply",
	[PP_ST_TTL_EXPIRED] = "ttl-expired",
	[PP_ST_UNREACHABLE] = "unreachable",
	[PP_ST_TIMEOUT] = "timeout",
	[PP_ST_ERROR] = "error",
};

static const char *const rtype_names[] = {
	[PP_REC_OTHER] = "other",
	[PP_REC_META] = "meta",
	[PP_REC_PROBE] = "probe",
	[PP_REC_STATS] = "stats",
	[PP_REC_OUTAGE] = "outage",
	[PP_REC_MOS] = "mos",
	[PP_REC_ALERT] = "alert",
	[PP_REC_ROUTE] = "route",
};

const char *
pp_status_name(enum pp_status st)
{
	if ((unsigned)st >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[st];
}

int
pp_status_parse(const char *s, enum pp_status *st)
{
	/* A candidate by the first letter, then one comparison. */
	int i;

	switch (s[0]) {
	case 'r':
		i = PP_ST_REPLY;
		break;
	case 't':
		i = s[1] == 't' ? PP_ST_TTL_EXPIRED : PP_ST_TIMEOUT;
		break;
	case 'u':
		i = PP_ST_UNREACHABLE;
		break;
	case 'e':
		i = PP_ST_ERROR;
		break;
	default:
		return -1;
	}
	if (strcmp(s, status_names[i]) != 0)
		return -1;
	*st = (enum pp_status)i;
	return 0;
}

const char *
pp_conn_name(enum pp_conn c)
{
	switch (c) {
	case PP_CONN_OPEN:
		return "open";
	case PP_CONN_REFUSED:
		return "refused";
	default:
		return NULL;
	}
}

const char *
pp_rtype_name(enum pp_rtype t)
{
	if ((unsigned)t >= sizeof(rtype_names) / sizeof(rtype_names[0]))
		return "other";
	return rtype_names[t];
}

int
pp_meta_schema_check(const json_t *o, struct pp_error *err)
{
	const json_t *v = json_object_get(o, "schema");

	if (v == NULL)
		return 0;
	double d = json_number_value(v);
	if (!json_is_number(v) || !(d >= 1 && d <= 1e9) || d != floor(d)) {
		pp_error_set(err, "\"schema\" must be a positive integer "
		    "(this pp reads %d): the records of this input are skipped",
		    PP_SCHEMA);
		return -1;
	}
	if (d != PP_SCHEMA) {
		/* d > PP_SCHEMA: schema 1 is the first. */
		pp_error_set(err, "schema %.0f is newer than this pp reads "
		    "(%d): the records of this input are skipped", d,
		    PP_SCHEMA);
		return -1;
	}
	return 0;
}

void
pp_record_init(struct pp_record *r)
{
	memset(r, 0, sizeof(*r));
}

void
pp_record_release(struct pp_record *r)
{
	json_decref(r->json);
	r->json = NULL;
	if (r->scan != NULL) {
		pp_jscan_release(r->scan);
		free(r->scan);
		r->scan = NULL;
	}
	free(r->strs);
	r->strs = NULL;
	r->strs_cap = 0;
}

/* The fields of a probe record, indexed once per line. */
enum field {
	F_TS, F_TARGET, F_STATUS, F_DST, F_PROTO, F_FROM, F_ERR, F_SEQ,
	F_ROUND, F_FLOW, F_TTL, F_REPLY_TTL, F_CODE, F_PORT, F_SIZE, F_RTT,
	F_CONN, F_LOCAL_DROP, F_VANTAGE, F_N
};

static const char *const field_names[F_N] = {
	"ts", "target", "status", "dst", "proto", "from", "err", "seq",
	"round", "flow", "ttl", "reply_ttl", "code", "port", "size", "rtt",
	"conn", "local_drop", "vantage",
};

/* Where a record's fields come from, one shape for both parsers: members
 * of the fast scanner, or members made from a jansson object (lines with
 * nested values), indexed by field. */
struct src {
	const struct pp_jmember *m[F_N];	/* the field's member, or NULL */
	bool scanned;			/* from the scanner */
	json_t *o;			/* else the object */
	struct pp_jmember own[F_N];	/* the members made from it */
};

/* The field a scanned member names, or -1: one switch on its tag. */
static int
field_of(const struct pp_jmember *m)
{
	switch (m->tag) {
	case PP_JTAG(2, 't', 's', 0, 0, 0, 0, 0):
		return F_TS;
	case PP_JTAG(6, 't', 'a', 'r', 'g', 'e', 't', 0):
		return F_TARGET;
	case PP_JTAG(6, 's', 't', 'a', 't', 'u', 's', 0):
		return F_STATUS;
	case PP_JTAG(3, 'd', 's', 't', 0, 0, 0, 0):
		return F_DST;
	case PP_JTAG(5, 'p', 'r', 'o', 't', 'o', 0, 0):
		return F_PROTO;
	case PP_JTAG(4, 'f', 'r', 'o', 'm', 0, 0, 0):
		return F_FROM;
	case PP_JTAG(3, 'e', 'r', 'r', 0, 0, 0, 0):
		return F_ERR;
	case PP_JTAG(3, 's', 'e', 'q', 0, 0, 0, 0):
		return F_SEQ;
	case PP_JTAG(5, 'r', 'o', 'u', 'n', 'd', 0, 0):
		return F_ROUND;
	case PP_JTAG(4, 'f', 'l', 'o', 'w', 0, 0, 0):
		return F_FLOW;
	case PP_JTAG(3, 't', 't', 'l', 0, 0, 0, 0):
		return F_TTL;
	case PP_JTAG(9, 'r', 'e', 'p', 'l', 'y', '_', 't'):
		return memcmp(m->key + 7, "tl", 2) == 0 ? F_REPLY_TTL : -1;
	case PP_JTAG(4, 'c', 'o', 'd', 'e', 0, 0, 0):
		return F_CODE;
	case PP_JTAG(4, 'p', 'o', 'r', 't', 0, 0, 0):
		return F_PORT;
	case PP_JTAG(4, 's', 'i', 'z', 'e', 0, 0, 0):
		return F_SIZE;
	case PP_JTAG(3, 'r', 't', 't', 0, 0, 0, 0):
		return F_RTT;
	case PP_JTAG(4, 'c', 'o', 'n', 'n', 0, 0, 0):
		return F_CONN;
	case PP_JTAG(10, 'l', 'o', 'c', 'a', 'l', '_', 'd'):
		return memcmp(m->key + 7, "rop", 3) == 0 ? F_LOCAL_DROP : -1;
	case PP_JTAG(7, 'v', 'a', 'n', 't', 'a', 'g', 'e'):
		return F_VANTAGE;
	default:
		return -1;
	}
}

/* The record's scanner, with the field each member's key named in the
 * last line scanned (r->scan points at s). */
struct scanner {
	struct pp_jscan s;	/* first: r->scan is &scanner.s */
	signed char field[PP_JSCAN_MAX];	/* field of member i, or -1 */
	signed char pos[F_N];	/* the member of field f, or -1 */
	int pos_n;		/* members of the line pos[] is of, -1 none */
};

/* Note the field of every member of the line just scanned whole: the
 * leading ones whose keys the scanner found as expected (s->same) kept
 * theirs; and each field's member, again only when a key changed. */
static void
learn_fields(struct scanner *sc)
{
	for (int i = sc->s.same; i < sc->s.n; i++)
		sc->field[i] = (signed char)field_of(&sc->s.m[i]);
	if (sc->s.same == sc->s.n && sc->pos_n == sc->s.n)
		return;
	memset(sc->pos, -1, sizeof(sc->pos));
	for (int i = 0; i < sc->s.n; i++)
		if (sc->field[i] >= 0)
			sc->pos[sc->field[i]] = (signed char)i;
	sc->pos_n = sc->s.n;
}

/* Index the scanner's members by field name, in one pass. */
static void
index_fields(struct src *src, const struct scanner *sc)
{
	memset(src->m, 0, sizeof(src->m));
	src->scanned = true;
	src->o = NULL;
	for (int i = 0; i < sc->s.n; i++) {
		int f = sc->field[i];
		if (f >= 0)
			src->m[f] = &sc->s.m[i];
	}
}

/* The same from a jansson object: each field's value as a member. */
static void
index_object(struct src *src, json_t *o)
{
	memset(src->m, 0, sizeof(src->m));
	src->scanned = false;
	src->o = o;
	for (int f = 0; f < F_N; f++) {
		json_t *v = json_object_get(o, field_names[f]);
		if (v == NULL)
			continue;
		struct pp_jmember *m = &src->own[f];
		memset(m, 0, sizeof(*m));
		m->key = field_names[f];
		m->klen = strlen(field_names[f]);
		switch (json_typeof(v)) {
		case JSON_STRING:
			m->kind = PP_J_STRING;
			m->str = json_string_value(v);
			m->slen = json_string_length(v);
			break;
		case JSON_INTEGER:
			m->kind = PP_J_INT;
			m->i = json_integer_value(v);
			m->d = (double)m->i;
			break;
		case JSON_REAL:
			m->kind = PP_J_REAL;
			m->d = json_real_value(v);
			break;
		case JSON_TRUE:
			m->kind = PP_J_TRUE;
			break;
		case JSON_FALSE:
			m->kind = PP_J_FALSE;
			break;
		case JSON_NULL:
			m->kind = PP_J_NULL;
			break;
		default:
			m->kind = PP_J_OTHER;
			break;
		}
		src->m[f] = m;
	}
}

/* Field f's member when present and of kind a or b (*rc 1); NULL with
 * *rc 0 when absent or null, or -1 with err set ("must be what") when of
 * another kind. */
static const struct pp_jmember *
member(const struct src *src, enum field f, enum pp_jkind a,
    enum pp_jkind b, const char *what, int *rc, struct pp_error *err)
{
	const struct pp_jmember *m = src->m[f];

	*rc = 0;
	if (m == NULL || m->kind == PP_J_NULL)
		return NULL;
	if (m->kind != a && m->kind != b) {
		pp_error_set(err, "field \"%s\" must be %s", field_names[f],
		    what);
		*rc = -1;
		return NULL;
	}
	*rc = 1;
	return m;
}

/* Field helpers: 1 found (*out set), 0 absent (*out left as it is), -1
 * wrong type or out of range (err set). */
static int
get_str(const struct src *src, enum field f, const char **out,
    struct pp_error *err)
{
	int rc;
	const struct pp_jmember *m = member(src, f, PP_J_STRING, PP_J_STRING,
	    "a string", &rc, err);

	if (m != NULL)
		*out = m->str;
	return rc;
}

static int
get_int(const struct src *src, enum field f, long long lo, long long hi,
    long long *out, struct pp_error *err)
{
	int rc;
	const struct pp_jmember *m = member(src, f, PP_J_INT, PP_J_INT,
	    "an integer", &rc, err);

	if (m == NULL)
		return rc;
	if (m->i < lo || m->i > hi) {
		pp_error_set(err, "field \"%s\" out of range (%lld to %lld): "
		    "%lld", field_names[f], lo, hi, m->i);
		return -1;
	}
	*out = m->i;
	return 1;
}

/* get_int into an int (lo and hi within int's range). */
static int
get_small(const struct src *src, enum field f, int lo, int hi, int *out,
    struct pp_error *err)
{
	long long v;
	int rc = get_int(src, f, lo, hi, &v, err);

	if (rc > 0)
		*out = (int)v;
	return rc;
}

static int
get_num(const struct src *src, enum field f, double lo, double hi,
    double *out, struct pp_error *err)
{
	int rc;
	const struct pp_jmember *m = member(src, f, PP_J_INT, PP_J_REAL,
	    "a number", &rc, err);

	if (m == NULL)
		return rc;
	double x = m->d;
	if (!isfinite(x) || x < lo || x > hi) {
		pp_error_set(err, "field \"%s\" out of range (%g to %g): %g",
		    field_names[f], lo, hi, x);
		return -1;
	}
	*out = x;
	return 1;
}

static int
get_bool(const struct src *src, enum field f, bool *out, struct pp_error *err)
{
	int rc;
	const struct pp_jmember *m = member(src, f, PP_J_TRUE, PP_J_FALSE,
	    "true or false", &rc, err);

	if (m != NULL)
		*out = m->kind == PP_J_TRUE;
	return rc;
}

/* A required field of a probe record: rc is its get_* result; 0 when
 * found, -1 when absent (err set) or bad. */
static int
required(int rc, enum field f, struct pp_error *err)
{
	if (rc == 0)
		pp_error_set(err, "probe record without \"%s\"",
		    field_names[f]);
	return rc > 0 ? 0 : -1;
}

/* One member of an MPLS label stack entry: an integer lo..hi, or def when
 * absent; -1 when of the wrong type or out of range. */
static int
mpls_member(json_t *e, const char *key, long long lo, long long hi,
    long long def, long long *out)
{
	json_t *v = json_object_get(e, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* "mpls": an array of {label, tc, s, ttl}, the first PP_MPLS_MAX kept. */
static int
get_mpls(json_t *o, struct pp_probe *p, struct pp_error *err)
{
	json_t *a = json_object_get(o, "mpls");
	size_t i;
	json_t *e;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		pp_error_set(err, "field \"mpls\" must be an array");
		return -1;
	}
	json_array_foreach(a, i, e) {
		long long label;
		long long tc;
		long long bos;
		long long ttl;
		if (!json_is_object(e) || json_object_get(e, "label") == NULL ||
		    mpls_member(e, "label", 0, 1048575, 0, &label) == -1 ||
		    mpls_member(e, "tc", 0, 7, 0, &tc) == -1 ||
		    mpls_member(e, "s", 0, 1, 0, &bos) == -1 ||
		    mpls_member(e, "ttl", 0, 255, 0, &ttl) == -1) {
			pp_error_set(err, "field \"mpls\": entry %zu is not a "
			    "label (label 0 to 1048575, tc 0 to 7, s 0 or 1, "
			    "ttl 0 to 255)", i + 1);
			return -1;
		}
		if (p->nmpls == PP_MPLS_MAX)
			continue;
		struct pp_mpls *m = &p->mpls[p->nmpls++];
		m->label = (uint32_t)label;
		m->tc = (uint8_t)tc;
		m->s = (uint8_t)bos;
		m->ttl = (uint8_t)ttl;
	}
	return 0;
}

static int
decode_probe(const struct src *o, struct pp_probe *p, struct pp_error *err)
{
	const char *status = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	p->seq = p->round = p->flow = -1;
	p->ttl = p->reply_ttl = p->code = p->port = p->size = -1;
	p->rtt = NAN;

	if (required(get_num(o, F_TS, 0, 1e11, &p->ts, err), F_TS, err) == -1 ||
	    required(get_str(o, F_TARGET, &p->target, err), F_TARGET,
	    err) == -1 ||
	    required(get_str(o, F_STATUS, &status, err), F_STATUS, err) == -1)
		return -1;
	if (pp_status_parse(status, &p->status) == -1) {
		pp_error_set(err, "unknown probe status \"%.40s\"", status);
		return -1;
	}
	const char *conn = NULL;
	if (get_str(o, F_DST, &p->dst, err) < 0 ||
	    get_str(o, F_PROTO, &p->proto, err) < 0 ||
	    get_str(o, F_FROM, &p->from, err) < 0 ||
	    get_str(o, F_ERR, &p->err, err) < 0 ||
	    get_str(o, F_CONN, &conn, err) < 0 ||
	    get_str(o, F_VANTAGE, &p->vantage, err) < 0 ||
	    get_bool(o, F_LOCAL_DROP, &p->local_drop, err) < 0)
		return -1;
	if (conn != NULL) {
		if (strcmp(conn, "open") == 0) {
			p->conn = PP_CONN_OPEN;
		} else if (strcmp(conn, "refused") == 0) {
			p->conn = PP_CONN_REFUSED;
		} else {
			pp_error_set(err, "field \"conn\" must be \"open\" or "
			    "\"refused\": \"%.40s\"", conn);
			return -1;
		}
	}
	if (get_int(o, F_SEQ, 0, INT64_MAX, &p->seq, err) < 0 ||
	    get_int(o, F_ROUND, 0, INT64_MAX, &p->round, err) < 0 ||
	    get_int(o, F_FLOW, 0, INT64_MAX, &p->flow, err) < 0 ||
	    get_small(o, F_TTL, 1, 255, &p->ttl, err) < 0 ||
	    get_small(o, F_REPLY_TTL, 0, 255, &p->reply_ttl, err) < 0 ||
	    get_small(o, F_CODE, 0, 255, &p->code, err) < 0 ||
	    get_small(o, F_PORT, 0, 65535, &p->port, err) < 0 ||
	    get_small(o, F_SIZE, 0, 65535, &p->size, err) < 0)
		return -1;
	if ((rc = get_num(o, F_RTT, 0, RTT_MAX, &p->rtt, err)) < 0)
		return -1;
	if (rc == 0 && (p->status == PP_ST_REPLY ||
	    p->status == PP_ST_TTL_EXPIRED)) {
		pp_error_set(err, "%s probe record without \"rtt\"", status);
		return -1;
	}
	if (p->status == PP_ST_TIMEOUT || p->status == PP_ST_ERROR)
		p->rtt = NAN;	/* no reply, whatever else it says */
	/* An MPLS stack is an array: only lines with nested values (the
	 * jansson path) have one. */
	if (!o->scanned && get_mpls(o->o, p, err) == -1)
		return -1;
	return 0;
}

/* A string member equal to the literal lit (a decoded string holds no
 * NUL, so length and bytes decide as strcmp would). */
#define MEMBER_IS(m, lit) ((m)->slen == sizeof(lit) - 1 && \
	memcmp((m)->str, (lit), sizeof(lit) - 1) == 0)

/* A probe status from a scanned string member, as pp_status_parse. */
static int
status_of(const struct pp_jmember *m, enum pp_status *st)
{
	switch (m->slen) {
	case 5:
		if (MEMBER_IS(m, "reply")) {
			*st = PP_ST_REPLY;
			return 0;
		}
		if (MEMBER_IS(m, "error")) {
			*st = PP_ST_ERROR;
			return 0;
		}
		return -1;
	case 7:
		if (MEMBER_IS(m, "timeout")) {
			*st = PP_ST_TIMEOUT;
			return 0;
		}
		return -1;
	case 11:
		if (MEMBER_IS(m, "ttl-expired")) {
			*st = PP_ST_TTL_EXPIRED;
			return 0;
		}
		if (MEMBER_IS(m, "unreachable")) {
			*st = PP_ST_UNREACHABLE;
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

/* decode_probe's common case, from the scanned members by the field
 * index: every field present of its kind and in range.  Returns 0 with p
 * filled as decode_probe fills it, or -1 (nothing said) for anything
 * else, which decode_probe then decodes and reports. */
static int
decode_scanned(const struct scanner *sc, struct pp_probe *p)
{
	/* decode_probe's starting point, copied (a memset of the struct
	 * compiles to rep stos, slow to start). */
	static const struct pp_probe blank = {
		.seq = -1, .round = -1, .flow = -1, .ttl = -1, .reply_ttl = -1,
		.code = -1, .port = -1, .size = -1, .rtt = NAN,
	};
	const struct pp_jmember *m;

	memcpy(p, &blank, sizeof(*p));
	/* Field f's member, or NULL (fields straight from the index, no
	 * switch: a stream's lines have the same ones). */
#define AT(f) (sc->pos[(f)] >= 0 ? &sc->s.m[sc->pos[(f)]] : NULL)
	/* A number lo..hi, an integer lo..hi, a string. */
#define NUM_OK(m, hi) (((m)->kind == PP_J_REAL || \
	(m)->kind == PP_J_INT) && (m)->d >= 0 && (m)->d <= (hi))
#define INT_OK(m, lo, hi) ((m)->kind == PP_J_INT && (m)->i >= (lo) && \
	(m)->i <= (hi))
#define STR(f, out) do { \
	if ((m = AT(f)) != NULL) { \
		if (m->kind != PP_J_STRING) \
			return -1; \
		(out) = m->str; \
	} \
} while (0)
#define INT(f, lo, hi, out) do { \
	if ((m = AT(f)) != NULL) { \
		if (!INT_OK(m, lo, hi)) \
			return -1; \
		(out) = m->i; \
	} \
} while (0)

	if ((m = AT(F_TS)) == NULL || !NUM_OK(m, 1e11))
		return -1;
	p->ts = m->d;
	if ((m = AT(F_TARGET)) == NULL || m->kind != PP_J_STRING)
		return -1;
	p->target = m->str;
	if ((m = AT(F_STATUS)) == NULL || m->kind != PP_J_STRING ||
	    status_of(m, &p->status) == -1)
		return -1;
	STR(F_DST, p->dst);
	STR(F_PROTO, p->proto);
	STR(F_FROM, p->from);
	STR(F_ERR, p->err);
	STR(F_VANTAGE, p->vantage);
	if ((m = AT(F_CONN)) != NULL) {
		if (m->kind != PP_J_STRING)
			return -1;
		if (MEMBER_IS(m, "open"))
			p->conn = PP_CONN_OPEN;
		else if (MEMBER_IS(m, "refused"))
			p->conn = PP_CONN_REFUSED;
		else
			return -1;
	}
	if ((m = AT(F_LOCAL_DROP)) != NULL) {
		if (m->kind != PP_J_TRUE && m->kind != PP_J_FALSE)
			return -1;
		p->local_drop = m->kind == PP_J_TRUE;
	}
	INT(F_SEQ, 0, INT64_MAX, p->seq);
	INT(F_ROUND, 0, INT64_MAX, p->round);
	INT(F_FLOW, 0, INT64_MAX, p->flow);
	INT(F_TTL, 1, 255, p->ttl);
	INT(F_REPLY_TTL, 0, 255, p->reply_ttl);
	INT(F_CODE, 0, 255, p->code);
	INT(F_PORT, 0, 65535, p->port);
	INT(F_SIZE, 0, 65535, p->size);
	if ((m = AT(F_RTT)) != NULL) {
		if (!NUM_OK(m, RTT_MAX))
			return -1;
		p->rtt = m->d;
	} else if (p->status == PP_ST_REPLY ||
	    p->status == PP_ST_TTL_EXPIRED) {
		return -1;
	}
	if (p->status == PP_ST_TIMEOUT || p->status == PP_ST_ERROR)
		p->rtt = NAN;	/* no reply, whatever else it says */
	return 0;
#undef AT
#undef NUM_OK
#undef INT_OK
#undef STR
#undef INT
}

/* Set the record type from its "type" string. */
static void
set_type(struct pp_record *r, const char *name)
{
	r->type = PP_REC_OTHER;
	r->type_name = name;
	if (strcmp(name, "probe") == 0) {
		r->type = PP_REC_PROBE;
		return;
	}
	for (size_t i = 1; i < sizeof(rtype_names) / sizeof(rtype_names[0]);
	    i++) {
		if (strcmp(name, rtype_names[i]) == 0) {
			r->type = (enum pp_rtype)i;
			break;
		}
	}
}

static int parse(struct pp_record *r, const char *line, size_t len,
    struct pp_error *err);

int
pp_record_parse(struct pp_record *r, const char *line, size_t len,
    struct pp_error *err)
{
	return parse(r, line, len, err);
}

/* p moved from the arena a[0..n-1] to dst when it points there (the
 * addresses compared as integers: p may point into another object). */
static const char *
moved(const char *p, const char *a, size_t n, char *dst)
{
	uintptr_t at = (uintptr_t)p, lo = (uintptr_t)a;

	if (p != NULL && at >= lo && at - lo < n)
		return dst + (at - lo);
	return p;
}

void
pp_record_keep(struct pp_record *r, char *dst)
{
	if (r->scan == NULL || r->scan->used == 0)
		return;
	const char *a = r->scan->arena;
	size_t n = r->scan->used;
	if (r->len + PP_JSCAN_PAD < n)
		n = r->len + PP_JSCAN_PAD;
	memcpy(dst, a, n);
	r->type_name = moved(r->type_name, a, n, dst);
	if (r->type == PP_REC_PROBE) {
		struct pp_probe *p = &r->probe;
		p->target = moved(p->target, a, n, dst);
		p->dst = moved(p->dst, a, n, dst);
		p->proto = moved(p->proto, a, n, dst);
		p->from = moved(p->from, a, n, dst);
		p->err = moved(p->err, a, n, dst);
		p->vantage = moved(p->vantage, a, n, dst);
	}
}

/* The line decoded through the scanner's arena. */
static int
parse(struct pp_record *r, const char *line, size_t len,
    struct pp_error *err)
{
	json_error_t jerr;

	json_decref(r->json);
	r->json = NULL;
	r->type = PP_REC_OTHER;
	r->type_name = NULL;
	r->line = line;
	r->len = len;
	/* The fast path: flat objects, the shape of nearly every record. */
	if (r->scan == NULL) {
		struct scanner *sc = malloc(sizeof(*sc));
		if (sc != NULL) {
			pp_jscan_init(&sc->s);
			sc->pos_n = -1;
			r->scan = &sc->s;
		}
	}
	enum pp_jscan_rc rc = r->scan == NULL ? PP_JSCAN_NESTED :
	    pp_jscan(r->scan, line, len, err);
	if (rc == PP_JSCAN_BAD)
		return -1;
	if (rc == PP_JSCAN_OK) {
		struct scanner *sc = (struct scanner *)(void *)r->scan;
		learn_fields(sc);
		/* "type" comes first in every record pp writes. */
		const struct pp_jmember *t = r->scan->n > 0 &&
		    r->scan->m[0].tag == PP_JTAG(4, 't', 'y', 'p', 'e', 0, 0,
		    0) ? &r->scan->m[0] : pp_jscan_get(r->scan, "type");
		if (t == NULL) {
			pp_error_set(err, "record without \"type\"");
			return -1;
		}
		if (t->kind != PP_J_STRING) {
			pp_error_set(err, "field \"type\" must be a string");
			return -1;
		}
		if (MEMBER_IS(t, "probe")) {
			r->type = PP_REC_PROBE;
			r->type_name = t->str;
		} else {
			set_type(r, t->str);
		}
		if (r->type == PP_REC_PROBE) {
			if (decode_scanned(sc, &r->probe) == 0)
				return 0;
			struct src src;
			index_fields(&src, sc);
			return decode_probe(&src, &r->probe, err);
		}
		return 0;
	}
	/* Nested values (or not an object): jansson decides, but not on a
	 * NUL byte, which no JSON text holds (RFC 8259) and jansson skips
	 * after a scalar ({"a":[1<NUL>]}); the fast path rejects it too. */
	const char *nul = memchr(line, '\0', len);
	if (nul != NULL) {
		pp_error_set(err, "invalid JSON: NUL byte");
		err->column = (int)(nul - line) + 1;
		return -1;
	}
	r->json = json_loadb(line, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &jerr);
	if (r->json == NULL) {
		pp_error_set(err, "invalid JSON: %s", jerr.text);
		err->column = jerr.column > 0 ? jerr.column : 0;
		return -1;
	}
	if (!json_is_object(r->json)) {
		pp_error_set(err, "not a JSON object");
		return -1;
	}
	json_t *t = json_object_get(r->json, "type");
	if (t == NULL) {
		pp_error_set(err, "record without \"type\"");
		return -1;
	}
	if (!json_is_string(t)) {
		pp_error_set(err, "field \"type\" must be a string");
		return -1;
	}
	set_type(r, json_string_value(t));
	if (r->type == PP_REC_PROBE) {
		struct src src;
		index_object(&src, r->json);
		return decode_probe(&src, &r->probe, err);
	}
	return 0;
}

json_t *
pp_record_json(struct pp_record *r, struct pp_error *err)
{
	json_error_t jerr;

	if (r->json != NULL)
		return r->json;
	r->json = json_loadb(r->line, r->len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->json == NULL)
		pp_error_set(err, "invalid JSON: %s", jerr.text);
	return r->json;
}

void
pp_probe_write(struct pp_jw *w, const struct pp_probe *p)
{
	pp_jw_record(w, "probe");
	pp_jw_knum(w, "ts", p->ts, PP_DEC_TS);
	if (p->vantage != NULL)
		pp_jw_kstr(w, "vantage", p->vantage);
	pp_jw_kstr(w, "target", p->target);
	if (p->dst != NULL)
		pp_jw_kstr(w, "dst", p->dst);
	if (p->proto != NULL)
		pp_jw_kstr(w, "proto", p->proto);
	if (p->ttl >= 0)
		pp_jw_kint(w, "ttl", p->ttl);
	if (p->round >= 0)
		pp_jw_kint(w, "round", p->round);
	if (p->seq >= 0)
		pp_jw_kint(w, "seq", p->seq);
	pp_jw_kstr(w, "status", pp_status_name(p->status));
	if (p->from != NULL)
		pp_jw_kstr(w, "from", p->from);
	if (!isnan(p->rtt))
		pp_jw_knum(w, "rtt", p->rtt, PP_DEC_MS);
	if (p->reply_ttl >= 0)
		pp_jw_kint(w, "reply_ttl", p->reply_ttl);
	if (pp_conn_name(p->conn) != NULL)
		pp_jw_kstr(w, "conn", pp_conn_name(p->conn));
	if (p->port >= 0)
		pp_jw_kint(w, "port", p->port);
	if (p->size >= 0)
		pp_jw_kint(w, "size", p->size);
	if (p->flow >= 0)
		pp_jw_kint(w, "flow", p->flow);
	if (p->code >= 0)
		pp_jw_kint(w, "code", p->code);
	if (p->err != NULL)
		pp_jw_kstr(w, "err", p->err);
	if (p->late > 0)
		pp_jw_knum(w, "late", p->late, PP_DEC_MS);
	if (p->nmpls > 0) {
		pp_jw_key(w, "mpls");
		pp_jw_arr_begin(w);
		for (int i = 0; i < p->nmpls && i < PP_MPLS_MAX; i++) {
			pp_jw_obj_begin(w);
			pp_jw_kint(w, "label", p->mpls[i].label);
			pp_jw_kint(w, "tc", p->mpls[i].tc);
			pp_jw_kint(w, "s", p->mpls[i].s);
			pp_jw_kint(w, "ttl", p->mpls[i].ttl);
			pp_jw_obj_end(w);
		}
		pp_jw_arr_end(w);
	}
	if (p->local_drop)
		pp_jw_kbool(w, "local_drop", true);
	pp_jw_end(w);
}
