/* SPDX-License-Identifier: BSD-2-Clause */
/* stats.c: one stream's statistics (see stats.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stats.h"

void
pp_stats_init(struct pp_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->first_ts = s->last_ts = NAN;
	s->last = s->prev = s->first = s->jlast = NAN;
	s->min = INFINITY;
	s->max = -INFINITY;
	pp_colq_init_cap(&s->q, PP_COLQ_BINS_EXACT);
}

void
pp_stats_release(struct pp_stats *s)
{
	pp_colq_release(&s->q);
	pp_stats_init(s);
}

static void
note_addr(struct pp_stats *s, uint32_t id, double rtt)
{
	int k;

	for (k = 0; k < s->naddrs; k++)
		if (s->addrs[k].id == id)
			break;
	if (k == s->naddrs) {
		if (k == PP_STATS_ADDRS) {
			s->other_recv++;
			return;
		}
		s->naddrs++;
		s->addrs[k].id = id;
		s->addrs[k].recv = 0;
		s->addrs[k].mean = 0;
		s->addrs[k].min = INFINITY;
		s->addrs[k].max = -INFINITY;
		s->addrs[k].mpls = UINT32_MAX;
	}
	struct pp_stats_addr *a = &s->addrs[k];
	a->recv++;
	a->mean += (rtt - a->mean) / (double)a->recv;
	if (rtt < a->min)
		a->min = rtt;
	if (rtt > a->max)
		a->max = rtt;
}

void
pp_stats_add(struct pp_stats *s, double ts, double rtt, uint32_t addr_id)
{
	bool lost = !isfinite(rtt) || rtt < 0;

	if (s->sent == 0) {
		s->first_ts = ts;
		s->first_lost = lost;
	} else if (s->last_lost) {
		s->lost_pairs++;
		if (!lost)
			s->lost_to_found++;
	} else {
		s->found_pairs++;
		if (lost)
			s->found_to_lost++;
	}
	if (lost && (s->sent == 0 || !s->last_lost))
		s->runs++;
	s->last_lost = lost;
	s->last_ts = ts;
	s->sent++;
	if (lost) {
		pp_colq_lost(&s->q);
		return;
	}
	s->recv++;
	if (s->recv == 1)
		s->first = rtt;
	s->last = rtt;
	if (rtt < s->min)
		s->min = rtt;
	if (rtt > s->max)
		s->max = rtt;
	double delta = rtt - s->mean;
	s->mean += delta / (double)s->recv;
	s->m2 += delta * (rtt - s->mean);
	if (!isnan(s->prev)) {
		double d = fabs(rtt - s->prev);
		s->jsum += d;
		s->jn++;
		if (d > s->jmax)
			s->jmax = d;
		s->jint += (d - s->jint) / 16.0;
		s->jlast = d;
	}
	s->prev = rtt;
	/* An RTT below a nanosecond counts as one (no log of 0). */
	double ln = log(rtt > 1e-6 ? rtt : 1e-6);
	s->lnsum += ln;
	/* The sketch takes the same log (its values start at 0.001). */
	pp_colq_add_ln(&s->q, rtt, ln);
	note_addr(s, addr_id, rtt);
}

void
pp_stats_mpls(struct pp_stats *s, uint32_t addr_id, uint32_t mpls_id)
{
	for (int k = 0; k < s->naddrs; k++) {
		if (s->addrs[k].id == addr_id) {
			s->addrs[k].mpls = mpls_id;
			return;
		}
	}
}

void
pp_stats_lost_why(struct pp_stats *s, enum pp_loss why, uint32_t addr_id,
    int code)
{
	int k;

	if ((unsigned)why >= PP_LOSS_N)
		return;
	s->lost_by[why]++;
	if (why != PP_LOSS_UNREACHABLE)
		return;
	for (k = 0; k < s->nunreach; k++)
		if (s->unreach[k].id == addr_id && s->unreach[k].code == code)
			break;
	if (k == s->nunreach) {
		if (k == PP_STATS_UNREACH) {
			s->unreach_other++;
			return;
		}
		s->nunreach++;
		s->unreach[k].id = addr_id;
		s->unreach[k].code = code;
		s->unreach[k].n = 0;
	}
	s->unreach[k].n++;
}

void
pp_stats_conn(struct pp_stats *s, enum pp_conn c)
{
	s->tcp = true;
	if (c == PP_CONN_OPEN)
		s->open++;
	else if (c == PP_CONN_REFUSED)
		s->refused++;
}

int
pp_stats_unreach_order(const struct pp_stats *s, int *order)
{
	int n = s->nunreach;

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++) {
		int k = order[i];
		int j = i - 1;
		while (j >= 0 && (s->unreach[order[j]].n < s->unreach[k].n ||
		    (s->unreach[order[j]].n == s->unreach[k].n &&
		    s->unreach[order[j]].id > s->unreach[k].id))) {
			order[j + 1] = order[j];
			j--;
		}
		order[j + 1] = k;
	}
	return n;
}

/* dst's responder id gets src's figures (recv, mean, min, max). */
static void
merge_addr(struct pp_stats *dst, const struct pp_stats_addr *sa)
{
	int k;

	for (k = 0; k < dst->naddrs; k++)
		if (dst->addrs[k].id == sa->id)
			break;
	if (k == dst->naddrs) {
		if (k == PP_STATS_ADDRS) {
			dst->other_recv += sa->recv;
			return;
		}
		dst->naddrs++;
		dst->addrs[k] = *sa;
		return;
	}
	struct pp_stats_addr *a = &dst->addrs[k];
	uint64_t n = a->recv + sa->recv;
	if (n > 0)
		a->mean += (sa->mean - a->mean) * ((double)sa->recv /
		    (double)n);
	a->recv = n;
	if (sa->min < a->min)
		a->min = sa->min;
	if (sa->max > a->max)
		a->max = sa->max;
}

static void
merge_unreach(struct pp_stats *dst, const struct pp_stats_unreach *su)
{
	int k;

	for (k = 0; k < dst->nunreach; k++)
		if (dst->unreach[k].id == su->id &&
		    dst->unreach[k].code == su->code)
			break;
	if (k == dst->nunreach) {
		if (k == PP_STATS_UNREACH) {
			dst->unreach_other += su->n;
			return;
		}
		dst->nunreach++;
		dst->unreach[k] = *su;
		return;
	}
	dst->unreach[k].n += su->n;
}

void
pp_stats_merge(struct pp_stats *dst, const struct pp_stats *src,
    bool in_order)
{
	if (src->sent == 0 && src->local_drop == 0)
		return;
	if (dst->sent == 0 && dst->local_drop == 0) {
		/* Nothing to join: a copy (the sketch's bins merged into
		 * dst's own). */
		struct pp_colq q = dst->q;
		*dst = *src;
		dst->q = q;
		pp_colq_merge(&dst->q, &src->q);
		return;
	}
	bool seam = in_order && dst->sent > 0 && src->sent > 0;
	/* Loss pattern across the seam: dst's last probe, src's first. */
	if (seam) {
		if (dst->last_lost) {
			dst->lost_pairs++;
			if (!src->first_lost)
				dst->lost_to_found++;
		} else {
			dst->found_pairs++;
			if (src->first_lost)
				dst->found_to_lost++;
		}
	}
	dst->runs += src->runs;
	if (seam && dst->last_lost && src->first_lost)
		dst->runs--;	/* one run across the seam */
	dst->found_pairs += src->found_pairs;
	dst->found_to_lost += src->found_to_lost;
	dst->lost_pairs += src->lost_pairs;
	dst->lost_to_found += src->lost_to_found;
	/* Jitter: the seam's sample, then src's (RFC 3550 J is linear in
	 * its start: src's J from 0 plus the decayed start). */
	if (in_order && dst->recv > 0 && src->recv > 0) {
		double d = fabs(src->first - dst->prev);
		double j = dst->jint + (d - dst->jint) / 16.0;
		dst->jint = pow(15.0 / 16.0, (double)src->jn) * j + src->jint;
		dst->jsum += d + src->jsum;
		dst->jn += 1 + src->jn;
		if (d > dst->jmax)
			dst->jmax = d;
		dst->jlast = src->jn > 0 ? src->jlast : d;
	} else {
		if (dst->jn == 0)
			dst->jint = src->jint;
		else if (src->jn > 0)	/* other streams: weigh by samples */
			dst->jint += (src->jint - dst->jint) *
			    ((double)src->jn / (double)(dst->jn + src->jn));
		dst->jsum += src->jsum;
		dst->jn += src->jn;
		if (src->jn > 0)
			dst->jlast = src->jlast;
	}
	if (src->jmax > dst->jmax)
		dst->jmax = src->jmax;
	/* Welford's mean and M2 of two parts (Chan, Golub, LeVeque). */
	if (src->recv > 0) {
		uint64_t n = dst->recv + src->recv;
		double delta = src->mean - dst->mean;
		double fb = (double)src->recv / (double)n;
		dst->mean += delta * fb;
		dst->m2 += src->m2 + delta * delta * (double)dst->recv * fb;
		dst->lnsum += src->lnsum;
		if (dst->recv == 0 || !in_order)
			dst->first = dst->recv == 0 ? src->first : dst->first;
		dst->recv = n;
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
	}
	if (in_order || src->last_ts >= dst->last_ts) {
		if (src->recv > 0) {
			dst->last = src->last;
			dst->prev = src->prev;
		}
		dst->last_lost = src->last_lost;
	}
	if (src->first_ts < dst->first_ts || dst->sent == 0) {
		dst->first_ts = src->first_ts;
		dst->first_lost = src->first_lost;
	}
	if (!(src->last_ts <= dst->last_ts))
		dst->last_ts = src->last_ts;
	dst->sent += src->sent;
	pp_colq_merge(&dst->q, &src->q);
	for (int i = 0; i < src->naddrs; i++)
		merge_addr(dst, &src->addrs[i]);
	dst->other_recv += src->other_recv;
	for (int i = 0; i < PP_LOSS_N; i++)
		dst->lost_by[i] += src->lost_by[i];
	for (int i = 0; i < src->nunreach; i++)
		merge_unreach(dst, &src->unreach[i]);
	dst->unreach_other += src->unreach_other;
	dst->tcp = dst->tcp || src->tcp;
	dst->open += src->open;
	dst->refused += src->refused;
	dst->local_drop += src->local_drop;
}

double
pp_stats_loss(const struct pp_stats *s)
{
	if (s->sent == 0)
		return NAN;
	return 100.0 * (double)(s->sent - s->recv) / (double)s->sent;
}

double
pp_stats_mdev(const struct pp_stats *s)
{
	if (s->recv < 1)
		return NAN;
	double v = s->m2 / (double)s->recv;
	return v > 0 ? sqrt(v) : 0;
}

double
pp_stats_stdev(const struct pp_stats *s)
{
	if (s->recv < 2)
		return NAN;
	double v = s->m2 / (double)(s->recv - 1);
	return v > 0 ? sqrt(v) : 0;
}

double
pp_stats_jitter(const struct pp_stats *s)
{
	return s->jn > 0 ? s->jsum / (double)s->jn : NAN;
}

double
pp_stats_gmean(const struct pp_stats *s)
{
	return s->recv > 0 ? exp(s->lnsum / (double)s->recv) : NAN;
}

double
pp_stats_pct(const struct pp_stats *s, double p)
{
	return pp_colq_round(pp_colq_quantile(&s->q, p));
}

int
pp_stats_addr_order(const struct pp_stats *s, int *order)
{
	int n = s->naddrs;

	for (int i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort: at most PP_STATS_ADDRS entries. */
	for (int i = 1; i < n; i++) {
		int k = order[i];
		int j = i - 1;
		while (j >= 0 && (s->addrs[order[j]].recv < s->addrs[k].recv ||
		    (s->addrs[order[j]].recv == s->addrs[k].recv &&
		    s->addrs[order[j]].id > s->addrs[k].id))) {
			order[j + 1] = order[j];
			j--;
		}
		order[j + 1] = k;
	}
	return n;
}
