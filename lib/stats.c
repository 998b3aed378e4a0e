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
	s->last = s->prev = NAN;
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
	}
	s->prev = rtt;
	pp_colq_add(&s->q, rtt);
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

double
pp_stats_loss(const struct pp_stats *s)
{
	if (s->sent == 0)
		return NAN;
	return 100.0 * (double)(s->sent - s->recv) / (double)s->sent;
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
