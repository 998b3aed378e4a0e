/* SPDX-License-Identifier: BSD-2-Clause */
/* model.c: readers and writers of the record types (see model.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonw.h"
#include "lib/model.h"
#include "lib/outcome.h"
#include "lib/stats.h"

/* ------------------------------------------------------ field access */

const char *
pp_json_str(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

double
pp_json_num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

double
pp_meta_horizon(const json_t *settings)
{
	double to = pp_json_num(settings, "timeout");

	return isfinite(to) && to > 0 && to < 3600 ? to + 1.0 : NAN;
}

/* v in the fewest significant digits (15 to 17) that read back to v. */
static void
emit_real(struct pp_jw *w, double v)
{
	char buf[40];
	int n = 0;

	if (!isfinite(v)) {
		pp_jw_null(w);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf) - 2, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strpbrk(buf, ".e") == NULL) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	pp_jw_raw(w, buf, (size_t)n);
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
pp_json_emit(struct pp_jw *w, const json_t *v, bool sort_keys)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = malloc((n ? n : 1) * sizeof(*keys));
		const char *k;
		json_t *m;

		if (keys == NULL) {
			w->oom = true;
			return;
		}
		json_object_foreach((json_t *)(uintptr_t)v, k, m)
			keys[i++] = k;
		if (sort_keys)
			qsort(keys, n, sizeof(*keys), cmp_keys);
		pp_jw_obj_begin(w);
		for (i = 0; i < n; i++) {
			pp_jw_key(w, keys[i]);
			pp_json_emit(w, json_object_get(v, keys[i]), sort_keys);
		}
		pp_jw_obj_end(w);
		free(keys);
		break;
	}
	case JSON_ARRAY:
		pp_jw_arr_begin(w);
		for (size_t i = 0; i < json_array_size(v); i++)
			pp_json_emit(w, json_array_get(v, i), sort_keys);
		pp_jw_arr_end(w);
		break;
	case JSON_STRING:
		pp_jw_strn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		pp_jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		emit_real(w, json_real_value(v));
		break;
	case JSON_TRUE:
		pp_jw_bool(w, true);
		break;
	case JSON_FALSE:
		pp_jw_bool(w, false);
		break;
	default:
		pp_jw_null(w);
		break;
	}
}

/* The integer member key of o within lo..hi, or def. */
static long long
jint(const json_t *o, const char *key, long long lo, long long hi,
    long long def)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return def;
	return json_integer_value(v);
}

/* A count member (0 when absent). */
static uint64_t
jcount(const json_t *o, const char *key)
{
	return (uint64_t)jint(o, key, 0, INT64_MAX, 0);
}

/* The record's target, required of every type here. */
static int
need_target(const json_t *o, const char *type, const char **out,
    struct pp_error *err)
{
	if (!json_is_object(o)) {
		pp_error_set(err, "%s record: not an object", type);
		return -1;
	}
	*out = pp_json_str(o, "target");
	if (*out == NULL) {
		pp_error_set(err, "%s record without \"target\"", type);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- stats */

void
pp_stats_rec_init(struct pp_stats_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->start = r->end = NAN;
	r->loss = r->fwd_loss = r->last = r->min = r->avg = r->max = NAN;
	r->loss_lo = r->loss_hi = r->fwd_lo = r->fwd_hi = NAN;
	r->fwd_sent = r->fwd_lost = -1;
	r->stdev = r->p50 = r->p90 = r->p95 = r->p99 = NAN;
	r->jitter = r->jmax = r->jint = r->jlast = r->gmean = NAN;
	r->rate_limit = NAN;
}

/* A [lo, hi] pair of numbers, or both NAN. */
static void
jpair(const json_t *o, const char *key, double *lo, double *hi)
{
	json_t *a = json_object_get(o, key);

	*lo = *hi = NAN;
	if (json_is_array(a) && json_array_size(a) == 2 &&
	    json_is_number(json_array_get(a, 0)) &&
	    json_is_number(json_array_get(a, 1))) {
		*lo = json_number_value(json_array_get(a, 0));
		*hi = json_number_value(json_array_get(a, 1));
	}
}

/* An MPLS label stack (an array of {label, tc, s, ttl}) into m, at most
 * PP_MPLS_MAX; returns how many. */
static int
jmpls(const json_t *a, struct pp_mpls *m)
{
	size_t i;
	json_t *e;
	int n = 0;

	json_array_foreach(a, i, e) {
		if (n == PP_MPLS_MAX)
			break;
		if (!json_is_object(e))
			continue;
		m[n].label = (uint32_t)jint(e, "label", 0, 1048575, 0);
		m[n].tc = (uint8_t)jint(e, "tc", 0, 7, 0);
		m[n].s = (uint8_t)jint(e, "s", 0, 1, 0);
		m[n].ttl = (uint8_t)jint(e, "ttl", 0, 255, 0);
		n++;
	}
	return n;
}

int
pp_stats_rec_read(struct pp_stats_rec *r, json_t *o, struct pp_error *err)
{
	pp_stats_rec_init(r);
	if (need_target(o, "stats", &r->target, err) == -1)
		return -1;
	r->vantage = pp_json_str(o, "vantage");
	r->ttl = (int)jint(o, "ttl", 1, 255, 0);
	r->addr = pp_json_str(o, "addr");
	r->start = pp_json_num(o, "start");
	r->end = pp_json_num(o, "end");
	r->sent = jcount(o, "sent");
	r->recv = jcount(o, "recv");
	r->loss = pp_json_num(o, "loss");
	jpair(o, "loss_ci", &r->loss_lo, &r->loss_hi);
	r->fwd_loss = pp_json_num(o, "fwd_loss");
	jpair(o, "fwd_loss_ci", &r->fwd_lo, &r->fwd_hi);
	if (json_object_get(o, "fwd_sent") != NULL)
		r->fwd_sent = (long long)jcount(o, "fwd_sent");
	if (json_object_get(o, "fwd_lost") != NULL)
		r->fwd_lost = (long long)jcount(o, "fwd_lost");
	r->fwd_ttl = (int)jint(o, "fwd_ttl", 1, 255, 0);
	r->last = pp_json_num(o, "last");
	r->min = pp_json_num(o, "min");
	r->avg = pp_json_num(o, "avg");
	r->max = pp_json_num(o, "max");
	r->stdev = pp_json_num(o, "stdev");
	r->p50 = pp_json_num(o, "p50");
	r->p90 = pp_json_num(o, "p90");
	r->p95 = pp_json_num(o, "p95");
	r->p99 = pp_json_num(o, "p99");
	r->jitter = pp_json_num(o, "jitter");
	r->jmax = pp_json_num(o, "jmax");
	r->jint = pp_json_num(o, "jint");
	json_t *a = json_object_get(o, "addrs");
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		if (r->naddrs == PP_REC_ADDRS)
			break;
		struct pp_stats_rec_addr *ad = &r->addrs[r->naddrs];
		ad->addr = pp_json_str(e, "addr");
		if (ad->addr == NULL)
			continue;
		ad->recv = jcount(e, "recv");
		ad->avg = pp_json_num(e, "avg");
		ad->min = pp_json_num(e, "min");
		ad->max = pp_json_num(e, "max");
		ad->nmpls = jmpls(json_object_get(e, "mpls"), ad->mpls);
		r->naddrs++;
	}
	r->addrs_other_recv = jcount(o, "addrs_other_recv");
	r->unreachable = jcount(o, "unreachable");
	a = json_object_get(o, "unreachable_from");
	json_array_foreach(a, i, e) {
		if (r->nunreach == PP_REC_UNREACH)
			break;
		struct pp_stats_rec_unreach *u = &r->unreach[r->nunreach++];
		u->addr = pp_json_str(e, "addr");
		u->code = (int)jint(e, "code", 0, 255, -1);
		u->count = jcount(e, "count");
	}
	r->unreach_other = jcount(o, "unreachable_other");
	r->tcp = json_object_get(o, "open") != NULL ||
	    json_object_get(o, "refused") != NULL;
	r->open = jcount(o, "open");
	r->refused = jcount(o, "refused");
	r->refused_down = jcount(o, "refused_down");
	r->local_drop = jcount(o, "local_drop");
	r->rate_limited = jcount(o, "rate_limited");
	r->rate_limit = pp_json_num(o, "rate_limit");
	return 0;
}

const char *
pp_stats_rec_unreach_name(const struct pp_stats_rec_unreach *u)
{
	return pp_unreach_name(u->code, u->addr != NULL &&
	    strchr(u->addr, ':') != NULL);
}

size_t
pp_stats_rec_unreach_text(const struct pp_stats_rec *r, char *buf,
    size_t size)
{
	size_t used = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i <= r->nunreach; i++) {
		char code[16];
		int n;
		if (i == r->nunreach) {
			if (r->unreach_other == 0)
				break;
			n = snprintf(buf + used, size - used, "%sother - - %llu",
			    used > 0 ? ", " : "",
			    (unsigned long long)r->unreach_other);
		} else {
			const struct pp_stats_rec_unreach *u = &r->unreach[i];
			if (u->code >= 0)
				(void)snprintf(code, sizeof(code), "%d",
				    u->code);
			else
				(void)snprintf(code, sizeof(code), "-");
			n = snprintf(buf + used, size - used, "%s%s %s %s %llu",
			    used > 0 ? ", " : "", u->addr != NULL ? u->addr :
			    "-", pp_stats_rec_unreach_name(u), code,
			    (unsigned long long)u->count);
		}
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
	return used;
}

/* "key":[lo,hi] in percent. */
static void
kpair(struct pp_jw *w, const char *key, double lo, double hi)
{
	pp_jw_key(w, key);
	pp_jw_arr_begin(w);
	pp_jw_num(w, lo, PP_DEC_PCT);
	pp_jw_num(w, hi, PP_DEC_PCT);
	pp_jw_arr_end(w);
}

/* "mpls":[{label,tc,s,ttl}...], as probe records write it. */
static void
kmpls(struct pp_jw *w, const struct pp_mpls *m, int n)
{
	pp_jw_key(w, "mpls");
	pp_jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		pp_jw_obj_begin(w);
		pp_jw_kint(w, "label", m[i].label);
		pp_jw_kint(w, "tc", m[i].tc);
		pp_jw_kint(w, "s", m[i].s);
		pp_jw_kint(w, "ttl", m[i].ttl);
		pp_jw_obj_end(w);
	}
	pp_jw_arr_end(w);
}

/* ------------------------------------------------------ stats parts */

/* "parts": every figure of the accumulator the record's own fields do not
 * hold exactly (pp-records(5), "Parts"). */
static void
parts_write(struct pp_jw *w, const struct pp_stats *s,
    const struct pp_stats_rec *r)
{
	pp_jw_key(w, "parts");
	pp_jw_obj_begin(w);
	pp_jw_kint(w, "v", PP_PARTS_VERSION);
	pp_jw_kreal(w, "ts0", s->first_ts);
	pp_jw_kreal(w, "ts1", s->last_ts);
	pp_jw_kbool(w, "lost0", s->first_lost);
	pp_jw_kbool(w, "lost1", s->last_lost);
	if (s->recv > 0) {
		pp_jw_kreal(w, "mean", s->mean);
		pp_jw_kreal(w, "m2", s->m2);
		pp_jw_kreal(w, "min", s->min);
		pp_jw_kreal(w, "max", s->max);
		pp_jw_kreal(w, "first", s->first);
		pp_jw_kreal(w, "last", s->prev);
	}
	if (s->jn > 0) {
		pp_jw_kreal(w, "jsum", s->jsum);
		pp_jw_kint(w, "jn", (long long)s->jn);
		pp_jw_kreal(w, "jmax", s->jmax);
		pp_jw_kreal(w, "jint", s->jint);
	}
	pp_jw_kint(w, "runs", (long long)s->runs);
	pp_jw_key(w, "pairs");
	pp_jw_arr_begin(w);
	pp_jw_uint(w, s->found_pairs);
	pp_jw_uint(w, s->found_to_lost);
	pp_jw_uint(w, s->lost_pairs);
	pp_jw_uint(w, s->lost_to_found);
	pp_jw_arr_end(w);
	bool any = false;
	for (int i = 1; i < PP_LOSS_N; i++) {
		if (s->lost_by[i] == 0)
			continue;
		if (!any) {
			pp_jw_key(w, "lost_by");
			pp_jw_obj_begin(w);
			any = true;
		}
		pp_jw_kint(w, pp_loss_name((enum pp_loss)i),
		    (long long)s->lost_by[i]);
	}
	if (any)
		pp_jw_obj_end(w);
	if (r->naddrs > 0) {
		pp_jw_key(w, "amean");
		pp_jw_arr_begin(w);
		for (int i = 0; i < r->naddrs; i++)
			pp_jw_real(w, r->addrs[i].avg);
		pp_jw_arr_end(w);
	}
	if (s->q.zeros > 0)
		pp_jw_kint(w, "zeros", s->q.zeros);
	pp_jw_key(w, "bins");
	pp_jw_arr_begin(w);
	for (size_t i = 0; i < s->q.nbins; i++) {
		pp_jw_arr_begin(w);
		pp_jw_int(w, s->q.bins[i].idx);
		pp_jw_uint(w, s->q.bins[i].n);
		pp_jw_arr_end(w);
	}
	pp_jw_arr_end(w);
	pp_jw_obj_end(w);
}

/* A number member that must be there: -1 (err) when absent or not one. */
static int
need_num(const json_t *o, const char *key, double *out, struct pp_error *err)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v)) {
		pp_error_set(err, "stats parts: \"%s\" must be a number", key);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

/* A count member (0 when absent); -1 (err) when not a count. */
static int
get_count(const json_t *o, const char *key, uint64_t *out,
    struct pp_error *err)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		pp_error_set(err, "stats parts: \"%s\" must be a count", key);
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int
pp_stats_parts_read(struct pp_stats *s, const json_t *o,
    const struct pp_stats_rec *r, uint32_t (*intern)(void *arg,
    const char *addr), void *arg, int *version, struct pp_error *err)
{
	json_t *p = json_object_get(o, "parts");

	*version = 0;
	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p)) {
		pp_error_set(err, "stats parts: not an object");
		return -1;
	}
	json_t *v = json_object_get(p, "v");
	*version = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	if (*version != PP_PARTS_VERSION)
		return 0;
	if (r->recv > r->sent || r->sent > UINT32_MAX) {
		pp_error_set(err, "stats parts: recv above sent, or more "
		    "than 2^32 probes");
		return -1;
	}
	s->sent = r->sent;
	s->recv = r->recv;
	s->last = r->last;
	if (need_num(p, "ts0", &s->first_ts, err) == -1 ||
	    need_num(p, "ts1", &s->last_ts, err) == -1)
		return -1;
	s->first_lost = json_is_true(json_object_get(p, "lost0"));
	s->last_lost = json_is_true(json_object_get(p, "lost1"));
	if (s->recv > 0) {
		if (need_num(p, "mean", &s->mean, err) == -1 ||
		    need_num(p, "m2", &s->m2, err) == -1 ||
		    need_num(p, "min", &s->min, err) == -1 ||
		    need_num(p, "max", &s->max, err) == -1 ||
		    need_num(p, "first", &s->first, err) == -1 ||
		    need_num(p, "last", &s->prev, err) == -1)
			return -1;
		if (!(s->m2 >= 0) || !(s->min <= s->max)) {
			pp_error_set(err, "stats parts: m2 below 0 or min "
			    "above max");
			return -1;
		}
	}
	if (get_count(p, "jn", &s->jn, err) == -1 ||
	    get_count(p, "runs", &s->runs, err) == -1)
		return -1;
	if (s->jn > 0 && (need_num(p, "jsum", &s->jsum, err) == -1 ||
	    need_num(p, "jmax", &s->jmax, err) == -1 ||
	    need_num(p, "jint", &s->jint, err) == -1))
		return -1;
	json_t *pairs = json_object_get(p, "pairs");
	uint64_t *pv[4] = { &s->found_pairs, &s->found_to_lost,
	    &s->lost_pairs, &s->lost_to_found };
	if (!json_is_array(pairs) || json_array_size(pairs) != 4) {
		pp_error_set(err, "stats parts: \"pairs\" must be 4 counts");
		return -1;
	}
	for (size_t i = 0; i < 4; i++) {
		json_t *e = json_array_get(pairs, i);
		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			pp_error_set(err, "stats parts: \"pairs\" must be 4 "
			    "counts");
			return -1;
		}
		*pv[i] = (uint64_t)json_integer_value(e);
	}
	json_t *lb = json_object_get(p, "lost_by");
	for (int i = 1; i < PP_LOSS_N; i++)
		if (get_count(lb, pp_loss_name((enum pp_loss)i),
		    &s->lost_by[i], err) == -1)
			return -1;
	/* The sketch: its bins; counts, mean and spread are the record's. */
	uint64_t zeros;
	if (get_count(p, "zeros", &zeros, err) == -1)
		return -1;
	json_t *bins = json_object_get(p, "bins");
	size_t i;
	json_t *e;
	uint64_t inbins = zeros;
	if (!json_is_array(bins)) {
		pp_error_set(err, "stats parts: \"bins\" must be an array");
		return -1;
	}
	json_array_foreach(bins, i, e) {
		json_t *ix = json_array_get(e, 0);
		json_t *n = json_array_get(e, 1);
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !json_is_integer(ix) || !json_is_integer(n) ||
		    json_integer_value(ix) < INT16_MIN ||
		    json_integer_value(ix) > INT16_MAX ||
		    json_integer_value(n) < 1 ||
		    json_integer_value(n) > UINT32_MAX) {
			pp_error_set(err, "stats parts: a bin must be [index, "
			    "count]");
			return -1;
		}
		inbins += (uint64_t)json_integer_value(n);
		pp_colq_add_bin(&s->q, (int)json_integer_value(ix),
		    (uint32_t)json_integer_value(n));
	}
	if (inbins != s->recv) {
		pp_error_set(err, "stats parts: the bins hold %llu values, "
		    "recv is %llu", (unsigned long long)inbins,
		    (unsigned long long)s->recv);
		return -1;
	}
	s->q.zeros = (uint32_t)zeros;
	s->q.sent = (uint32_t)s->sent;
	s->q.recv = (uint32_t)s->recv;
	if (s->recv > 0) {
		s->q.mean = s->mean;
		s->q.m2 = s->m2;
		s->q.min = (float)s->min;
		s->q.max = (float)s->max;
	}
	/* Responders: the record's, with the parts' exact means. */
	json_t *am = json_object_get(p, "amean");
	for (int k = 0; k < r->naddrs; k++) {
		const struct pp_stats_rec_addr *ra = &r->addrs[k];
		json_t *m = json_array_get(am, (size_t)k);
		uint32_t id = intern(arg, ra->addr);
		if (id == UINT32_MAX || s->naddrs == PP_STATS_ADDRS) {
			s->other_recv += ra->recv;
			continue;
		}
		struct pp_stats_addr *a = &s->addrs[s->naddrs++];
		a->id = id;
		a->recv = ra->recv;
		a->mean = json_is_number(m) ? json_number_value(m) : ra->avg;
		a->min = ra->min;
		a->max = ra->max;
	}
	s->other_recv += r->addrs_other_recv;
	for (int k = 0; k < r->nunreach && k < PP_STATS_UNREACH; k++) {
		const struct pp_stats_rec_unreach *ru = &r->unreach[k];
		struct pp_stats_unreach *u = &s->unreach[s->nunreach++];
		u->id = ru->addr != NULL ? intern(arg, ru->addr) : UINT32_MAX;
		u->code = ru->code;
		u->n = ru->count;
	}
	s->unreach_other = r->unreach_other;
	s->tcp = r->tcp;
	s->open = r->open;
	s->refused = r->refused;
	s->local_drop = r->local_drop;
	return 1;
}

void
pp_stats_rec_write(struct pp_jw *w, const struct pp_stats_rec *r)
{
	pp_jw_record(w, "stats");
	if (r->vantage != NULL)
		pp_jw_kstr(w, "vantage", r->vantage);
	pp_jw_kstr(w, "target", r->target);
	if (r->ttl > 0)
		pp_jw_kint(w, "ttl", r->ttl);
	pp_jw_key(w, "addr");
	if (r->addr != NULL)
		pp_jw_str(w, r->addr);
	else
		pp_jw_null(w);
	pp_jw_knum(w, "start", r->start, PP_DEC_TS);
	pp_jw_knum(w, "end", r->end, PP_DEC_TS);
	pp_jw_kint(w, "sent", (long long)r->sent);
	pp_jw_kint(w, "recv", (long long)r->recv);
	pp_jw_knum(w, "loss", r->loss, PP_DEC_PCT);
	if (isfinite(r->loss_lo) && isfinite(r->loss_hi))
		kpair(w, "loss_ci", r->loss_lo, r->loss_hi);
	if (r->ttl > 0) {
		pp_jw_knum(w, "fwd_loss", r->fwd_loss, PP_DEC_PCT);
		if (isfinite(r->fwd_lo) && isfinite(r->fwd_hi))
			kpair(w, "fwd_loss_ci", r->fwd_lo, r->fwd_hi);
		if (r->fwd_sent >= 0 && r->fwd_lost >= 0) {
			pp_jw_kint(w, "fwd_sent", r->fwd_sent);
			pp_jw_kint(w, "fwd_lost", r->fwd_lost);
		}
		if (r->fwd_ttl > 0)
			pp_jw_kint(w, "fwd_ttl", r->fwd_ttl);
	}
	pp_jw_knum(w, "last", r->last, PP_DEC_MS);
	pp_jw_knum(w, "min", r->min, PP_DEC_MS);
	pp_jw_knum(w, "avg", r->avg, PP_DEC_MS);
	pp_jw_knum(w, "max", r->max, PP_DEC_MS);
	pp_jw_knum(w, "stdev", r->stdev, PP_DEC_MS);
	pp_jw_knum(w, "p50", r->p50, PP_DEC_MS);
	pp_jw_knum(w, "p90", r->p90, PP_DEC_MS);
	pp_jw_knum(w, "p95", r->p95, PP_DEC_MS);
	pp_jw_knum(w, "p99", r->p99, PP_DEC_MS);
	pp_jw_knum(w, "jitter", r->jitter, PP_DEC_MS);
	pp_jw_knum(w, "jmax", r->jmax, PP_DEC_MS);
	pp_jw_knum(w, "jint", r->jint, PP_DEC_MS);
	pp_jw_key(w, "addrs");
	pp_jw_arr_begin(w);
	for (int i = 0; i < r->naddrs; i++) {
		const struct pp_stats_rec_addr *ad = &r->addrs[i];
		pp_jw_obj_begin(w);
		pp_jw_kstr(w, "addr", ad->addr);
		pp_jw_kint(w, "recv", (long long)ad->recv);
		pp_jw_knum(w, "avg", ad->avg, PP_DEC_MS);
		pp_jw_knum(w, "min", ad->min, PP_DEC_MS);
		pp_jw_knum(w, "max", ad->max, PP_DEC_MS);
		if (ad->nmpls > 0)
			kmpls(w, ad->mpls, ad->nmpls);
		pp_jw_obj_end(w);
	}
	pp_jw_arr_end(w);
	if (r->addrs_other_recv > 0)
		pp_jw_kint(w, "addrs_other_recv",
		    (long long)r->addrs_other_recv);
	if (r->unreachable > 0) {
		pp_jw_kint(w, "unreachable", (long long)r->unreachable);
		pp_jw_key(w, "unreachable_from");
		pp_jw_arr_begin(w);
		for (int i = 0; i < r->nunreach; i++) {
			const struct pp_stats_rec_unreach *u = &r->unreach[i];
			pp_jw_obj_begin(w);
			pp_jw_key(w, "addr");
			if (u->addr != NULL)
				pp_jw_str(w, u->addr);
			else
				pp_jw_null(w);
			pp_jw_key(w, "code");
			if (u->code >= 0)
				pp_jw_int(w, u->code);
			else
				pp_jw_null(w);
			pp_jw_kstr(w, "reason", pp_stats_rec_unreach_name(u));
			pp_jw_kint(w, "count", (long long)u->count);
			pp_jw_obj_end(w);
		}
		pp_jw_arr_end(w);
		if (r->unreach_other > 0)
			pp_jw_kint(w, "unreachable_other",
			    (long long)r->unreach_other);
	}
	if (r->tcp) {
		pp_jw_kint(w, "open", (long long)r->open);
		pp_jw_kint(w, "refused", (long long)r->refused);
		if (r->refused_down > 0)
			pp_jw_kint(w, "refused_down",
			    (long long)r->refused_down);
	}
	if (r->local_drop > 0)
		pp_jw_kint(w, "local_drop", (long long)r->local_drop);
	if (r->rate_limit > 0) {
		pp_jw_kint(w, "rate_limited", (long long)r->rate_limited);
		pp_jw_knum(w, "rate_limit", r->rate_limit, PP_DEC_MS);
	}
	if (r->parts != NULL)
		parts_write(w, r->parts, r);
	pp_jw_end(w);
}

/* ------------------------------------------------------------- outage */

void
pp_outage_rec_init(struct pp_outage_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->start = r->end = r->duration = r->loss = NAN;
}

int
pp_outage_rec_read(struct pp_outage_rec *r, json_t *o, struct pp_error *err)
{
	pp_outage_rec_init(r);
	if (need_target(o, "outage", &r->target, err) == -1)
		return -1;
	r->vantage = pp_json_str(o, "vantage");
	r->ttl = (int)jint(o, "ttl", 1, 255, 0);
	r->start = pp_json_num(o, "start");
	r->end = pp_json_num(o, "end");
	r->duration = pp_json_num(o, "duration");
	if (!isfinite(r->duration) && isfinite(r->start) && isfinite(r->end))
		r->duration = (r->end - r->start) * 1000.0;
	r->sent = jcount(o, "sent");
	r->recv = jcount(o, "recv");
	r->loss = pp_json_num(o, "loss");
	r->ongoing = json_is_true(json_object_get(o, "ongoing"));
	return 0;
}

void
pp_outage_rec_write(struct pp_jw *w, const struct pp_outage_rec *r)
{
	pp_jw_record(w, "outage");
	if (r->vantage != NULL)
		pp_jw_kstr(w, "vantage", r->vantage);
	pp_jw_kstr(w, "target", r->target);
	if (r->ttl > 0)
		pp_jw_kint(w, "ttl", r->ttl);
	pp_jw_knum(w, "start", r->start, PP_DEC_TS);
	pp_jw_knum(w, "end", r->end, PP_DEC_TS);
	pp_jw_knum(w, "duration", (r->end - r->start) * 1000.0, PP_DEC_MS);
	pp_jw_kint(w, "sent", (long long)r->sent);
	pp_jw_kint(w, "recv", (long long)r->recv);
	pp_jw_knum(w, "loss", r->sent > 0 ? 100.0 * (double)(r->sent -
	    r->recv) / (double)r->sent : NAN, PP_DEC_PCT);
	if (r->ongoing)
		pp_jw_kbool(w, "ongoing", true);
	pp_jw_end(w);
}

/* ---------------------------------------------------------------- mos */

void
pp_mos_rec_init(struct pp_mos_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->start = r->end = r->rtt = r->jitter = r->jitter_buffer = NAN;
	r->delay = r->loss = r->burst_r = r->ie_eff = r->r = r->mos = NAN;
	r->sent = r->recv = -1;
}

/* A score of a record: absent or null is NAN; another type, or a value
 * outside lo..hi, is an error (a forged or damaged line, said). */
static int
jscore(const json_t *o, const char *type, const char *key, double lo,
    double hi, double *out, struct pp_error *err)
{
	const json_t *v = json_object_get(o, key);

	*out = NAN;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v)) {
		pp_error_set(err, "%s record: field \"%s\" must be a number",
		    type, key);
		return -1;
	}
	double x = json_number_value(v);
	if (!isfinite(x) || x < lo || x > hi) {
		pp_error_set(err, "%s record: field \"%s\" out of range (%g to "
		    "%g): %g", type, key, lo, hi, x);
		return -1;
	}
	*out = x;
	return 0;
}

int
pp_mos_rec_read(struct pp_mos_rec *r, json_t *o, struct pp_error *err)
{
	pp_mos_rec_init(r);
	if (need_target(o, "mos", &r->target, err) == -1)
		return -1;
	r->vantage = pp_json_str(o, "vantage");
	r->start = pp_json_num(o, "start");
	r->end = pp_json_num(o, "end");
	r->codec = pp_json_str(o, "codec");
	r->model = pp_json_str(o, "model");
	r->rtt = pp_json_num(o, "rtt");
	r->jitter = pp_json_num(o, "jitter");
	r->jitter_def = pp_json_str(o, "jitter_def");
	r->jitter_buffer = pp_json_num(o, "jitter_buffer");
	r->delay = pp_json_num(o, "delay");
	if (jscore(o, "mos", "loss", 0, 100, &r->loss, err) == -1)
		return -1;
	r->burst_r = pp_json_num(o, "burst_r");
	r->burst_est = pp_json_str(o, "burst_est");
	r->sent = jint(o, "sent", 0, INT64_MAX, -1);
	r->recv = jint(o, "recv", 0, INT64_MAX, -1);
	r->ie_eff = pp_json_num(o, "ie_eff");
	r->r = pp_json_num(o, "r");
	/* The score an alert or an export acts on: 1 to 4.5 (ITU-T G.107). */
	if (jscore(o, "mos", "mos", 1, 4.5, &r->mos, err) == -1)
		return -1;
	r->note = pp_json_str(o, "note");
	return 0;
}

void
pp_mos_rec_write(struct pp_jw *w, const struct pp_mos_rec *r)
{
	pp_jw_record(w, "mos");
	if (r->vantage != NULL)
		pp_jw_kstr(w, "vantage", r->vantage);
	pp_jw_kstr(w, "target", r->target);
	pp_jw_knum(w, "start", r->start, PP_DEC_TS);
	pp_jw_knum(w, "end", r->end, PP_DEC_TS);
	pp_jw_kstr(w, "codec", r->codec);
	pp_jw_kstr(w, "model", r->model);
	pp_jw_knum(w, "rtt", r->rtt, PP_DEC_MS);
	pp_jw_knum(w, "jitter", r->jitter, PP_DEC_MS);
	pp_jw_kstr(w, "jitter_def", r->jitter_def);
	if (r->model == NULL || strcmp(r->model, "simplified") != 0)
		pp_jw_knum(w, "jitter_buffer", r->jitter_buffer, PP_DEC_MS);
	pp_jw_knum(w, "delay", r->delay, PP_DEC_MS);
	pp_jw_knum(w, "loss", r->loss, PP_DEC_PCT);
	pp_jw_knum(w, "burst_r", r->burst_r, PP_DEC_MS);
	pp_jw_kstr(w, "burst_est", r->burst_est);
	if (r->sent >= 0 && r->recv >= 0) {
		pp_jw_kint(w, "sent", r->sent);
		pp_jw_kint(w, "recv", r->recv);
	}
	if (r->model == NULL || strcmp(r->model, "simplified") != 0)
		pp_jw_knum(w, "ie_eff", r->ie_eff, PP_DEC_MS);
	pp_jw_knum(w, "r", r->r, PP_DEC_MS);
	pp_jw_knum(w, "mos", r->mos, PP_DEC_MS);
	if (r->note != NULL)
		pp_jw_kstr(w, "note", r->note);
	pp_jw_end(w);
}

/* -------------------------------------------------------------- alert */

void
pp_alert_rec_init(struct pp_alert_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts = r->value = r->threshold = NAN;
	r->window = -1;
	r->code = -1;
}

int
pp_alert_rec_read(struct pp_alert_rec *r, json_t *o, struct pp_error *err)
{
	pp_alert_rec_init(r);
	if (need_target(o, "alert", &r->target, err) == -1)
		return -1;
	r->vantage = pp_json_str(o, "vantage");
	r->ts = pp_json_num(o, "ts");
	r->ttl = (int)jint(o, "ttl", 1, 255, 0);
	r->kind = pp_json_str(o, "kind");
	r->state = pp_json_str(o, "state");
	r->value = pp_json_num(o, "value");
	r->threshold = pp_json_num(o, "threshold");
	r->window = jint(o, "window", 0, INT64_MAX, -1);
	r->message = pp_json_str(o, "message");
	r->from = pp_json_str(o, "from");
	r->code = (int)jint(o, "code", 0, 255, -1);
	r->reason = pp_json_str(o, "reason");
	return 0;
}

void
pp_alert_rec_write(struct pp_jw *w, const struct pp_alert_rec *r)
{
	pp_jw_record(w, "alert");
	pp_jw_knum(w, "ts", r->ts, PP_DEC_TS);
	if (r->vantage != NULL)
		pp_jw_kstr(w, "vantage", r->vantage);
	pp_jw_kstr(w, "target", r->target);
	if (r->ttl > 0)
		pp_jw_kint(w, "ttl", r->ttl);
	pp_jw_kstr(w, "kind", r->kind);
	pp_jw_kstr(w, "state", r->state);
	pp_jw_knum(w, "value", r->value, PP_DEC_MS);
	pp_jw_knum(w, "threshold", r->threshold, PP_DEC_MS);
	if (r->window >= 0)
		pp_jw_kint(w, "window", r->window);
	pp_jw_kstr(w, "message", r->message);
	if (r->from != NULL)
		pp_jw_kstr(w, "from", r->from);
	if (r->code >= 0)
		pp_jw_kint(w, "code", r->code);
	if (r->reason != NULL)
		pp_jw_kstr(w, "reason", r->reason);
	pp_jw_end(w);
}

/* -------------------------------------------------------------- route */

void
pp_route_rec_init(struct pp_route_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts = NAN;
	r->round = -1;
	r->nprev = -1;
}

/* An array of hops into out (at most PP_REC_HOPS); -1 when absent. */
static int
read_hops(const json_t *a, const char **out)
{
	size_t i;
	json_t *h;
	int n = 0;

	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, h) {
		if (n == PP_REC_HOPS)
			break;
		out[n++] = json_is_string(h) ? json_string_value(h) : NULL;
	}
	return n;
}

int
pp_route_rec_read(struct pp_route_rec *r, json_t *o, struct pp_error *err)
{
	pp_route_rec_init(r);
	if (need_target(o, "route", &r->target, err) == -1)
		return -1;
	r->vantage = pp_json_str(o, "vantage");
	r->ts = pp_json_num(o, "ts");
	r->round = jint(o, "round", 0, INT64_MAX, -1);
	r->nhops = read_hops(json_object_get(o, "hops"), r->hops);
	if (r->nhops < 0) {
		pp_error_set(err, "route record without \"hops\"");
		return -1;
	}
	r->nprev = read_hops(json_object_get(o, "previous"), r->prev);
	return 0;
}

static void
write_hops(struct pp_jw *w, const char *key, const char *const *hops, int n)
{
	pp_jw_key(w, key);
	pp_jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		if (hops[i] == NULL)
			pp_jw_null(w);
		else
			pp_jw_str(w, hops[i]);
	}
	pp_jw_arr_end(w);
}

void
pp_route_rec_write(struct pp_jw *w, const struct pp_route_rec *r)
{
	pp_jw_record(w, "route");
	pp_jw_knum(w, "ts", r->ts, PP_DEC_TS);
	if (r->vantage != NULL)
		pp_jw_kstr(w, "vantage", r->vantage);
	pp_jw_kstr(w, "target", r->target);
	if (r->round >= 0)
		pp_jw_kint(w, "round", r->round);
	write_hops(w, "hops", r->hops, r->nhops);
	if (r->nprev >= 0)
		write_hops(w, "previous", r->prev, r->nprev);
	pp_jw_end(w);
}
