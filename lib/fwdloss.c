/* SPDX-License-Identifier: BSD-2-Clause */
/* fwdloss.c: forwarding loss and ICMP rate limits (see fwdloss.h). */
#include <math.h>
#include <string.h>

#include "lib/fwdloss.h"

/* Linux: icmp_ratelimit 1 s (v4); 250 ms and 25 ms are IPv6's 1 s and
 * 100 ms scaled for a /64 route to the prober; the others in between. */
const double pp_rl_period[PP_RL_PERIODS] = { 2.0, 1.0, 0.5, 0.25, 0.1,
    0.025 };

/* Per lane: 1 / period, and 1 - slack, 1 + slack in tokens (the slack is
 * 10 ms, at most 0.4 of a token).  The padding lanes never reach a
 * token's edge. */
static const float inv_period[PP_RL_LANES] = { 0.5f, 1.0f, 2.0f, 4.0f,
    10.0f, 40.0f, 0.0f, 0.0f };
static const float edge_lo[PP_RL_LANES] = { 0.995f, 0.99f, 0.98f, 0.96f,
    0.9f, 0.6f, 0.0f, 0.0f };
static const float edge_hi[PP_RL_LANES] = { 1.005f, 1.01f, 1.02f, 1.04f,
    1.1f, 1.4f, 100.0f, 100.0f };

void
pp_ratelimit_init(struct pp_ratelimit *r)
{
	memset(r, 0, sizeof(*r));
	r->last_ts = NAN;
	for (int i = 0; i < PP_RL_LANES; i++) {
		r->lo[i] = 0.0f;
		r->hi[i] = (float)PP_RL_BURST;
	}
}

void
pp_ratelimit_window(struct pp_ratelimit *r)
{
	memset(r->explained, 0, sizeof(r->explained));
	memset(r->loss, 0, sizeof(r->loss));
	memset(r->violations, 0, sizeof(r->violations));
	r->answered = 0;
	r->lost = 0;
}

unsigned
pp_ratelimit_probe(struct pp_ratelimit *r, double ts, bool answered)
{
	double d = ts - r->last_ts;	/* NAN first */
	float dt = d > 0 ? (float)d : 0.0f;
	float lo[PP_RL_LANES];
	float hi[PP_RL_LANES];
	unsigned loss = 0;

	r->last_ts = ts;
	/* The bounds at ts: both grow by dt / period, the top capped. */
	for (int i = 0; i < PP_RL_LANES; i++) {
		float add = dt * inv_period[i];
		float h = r->hi[i] + add;
		float l = r->lo[i] + add;
		h = h > (float)PP_RL_BURST ? (float)PP_RL_BURST : h;
		lo[i] = l > h ? h : l;
		hi[i] = h;
	}
	if (answered) {
		r->answered++;
		r->all_answered++;
		/* It held a token: spend it.  One it surely did not have:
		 * this bucket is not the router's, or it was fuller;
		 * nothing is known of its top any more. */
		int bad = 0;
		for (int i = 0; i < PP_RL_LANES; i++)
			bad |= hi[i] < edge_lo[i];
		for (int i = 0; i < PP_RL_PERIODS; i++)
			if ((r->pend >> i & 1u) != 0 && hi[i] >= edge_lo[i])
				r->paced |= (uint8_t)(1u << i);
		r->pend = 0;
		if (bad) {
			for (int i = 0; i < PP_RL_PERIODS; i++) {
				if (hi[i] < edge_lo[i]) {
					r->violations[i]++;
					r->all_violations[i]++;
					hi[i] = (float)PP_RL_BURST + 1.0f;
				}
			}
		}
		for (int i = 0; i < PP_RL_LANES; i++) {
			float l = lo[i] - 1.0f;
			float h = hi[i] - 1.0f;
			l = l > 0.0f ? l : 0.0f;
			r->lo[i] = l;
			r->hi[i] = h > l ? h : l;
		}
		return 0;
	}
	r->lost++;
	for (int i = 0; i < PP_RL_PERIODS; i++) {
		if (lo[i] >= edge_hi[i]) {
			/* Lost with a token there: loss; spent if the answer
			 * was the one lost. */
			r->loss[i]++;
			loss |= 1u << i;
			lo[i] -= 1.0f;
		} else if (hi[i] < edge_lo[i]) {
			r->explained[i]++;
			r->all_explained[i]++;
			r->pend |= (uint8_t)(1u << i);
		} else if (hi[i] > 1.0f) {
			/* In doubt; if it was the limit, the bucket held less
			 * than a token. */
			hi[i] = lo[i] > 1.0f ? lo[i] : 1.0f;
		}
		r->lo[i] = lo[i];
		r->hi[i] = hi[i];
	}
	return loss;
}

/* The candidate with the best score (what it explains less 4 per
 * violation; on ties the shorter period, later in the list) among those
 * of mask (bit i) that are a limit, or -1. */
static int
choose(const uint32_t *e, const uint32_t *v, uint32_t answered,
    unsigned mask)
{
	int best = -1;
	double top = 0;

	if (answered < 2)
		return -1;
	for (int i = 0; i < PP_RL_PERIODS; i++) {
		if ((mask >> i & 1u) == 0 || e[i] < 2 ||
		    16.0 * (double)v[i] > (double)e[i])
			continue;
		double score = (double)e[i] - 4.0 * (double)v[i];
		if (best < 0 || score >= top) {
			best = i;
			top = score;
		}
	}
	return best;
}

void
pp_ratelimit_verdict(const struct pp_ratelimit *r, struct pp_rl_verdict *v)
{
	int best = choose(r->explained, r->violations, r->answered, ~0u);

	v->limited = best >= 0;
	v->period = best >= 0 ? pp_rl_period[best] : NAN;
	v->loss = best >= 0 ? r->loss[best] : r->lost;
	v->explained = r->lost - v->loss;
}

int
pp_ratelimit_now(const struct pp_ratelimit *r)
{
	return choose(r->all_explained, r->all_violations, r->all_answered,
	    r->paced);
}

/* ------------------------------------------------------------ tests */

void
pp_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi)
{
	if (n == 0) {
		*lo = *hi = NAN;
		return;
	}
	double nn = (double)n;
	double p = (double)x / nn;
	double z2 = z * z;
	double d = 1.0 + z2 / nn;
	double c = (p + z2 / (2.0 * nn)) / d;
	double h = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / d;
	double l = c - h;
	double u = c + h;

	/* Exact at the ends: 0 of n cannot be below 0, n of n above 1. */
	*lo = x == 0 || l < 0 ? 0.0 : 100.0 * l;
	*hi = x == n || u > 1 ? 100.0 : 100.0 * u;
}

/* log C(n, k) */
static double
lchoose(double n, double k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

double
pp_fisher_greater(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2)
{
	double k = (double)x1 + (double)x2;	/* losses */
	double n = (double)n1 + (double)n2;	/* probes */
	double a = (double)n1;
	double b = (double)n2;
	double top = k < a ? k : a;

	if (x1 > n1 || x2 > n2)
		return NAN;
	/* The first term, then each from the one before:
	 * t(j + 1) = t(j) (n1 - j) (k - j) / ((j + 1) (n2 - k + j + 1)). */
	double j = (double)x1;
	double t = exp(lchoose(a, j) + lchoose(b, k - j) - lchoose(n, k));
	double sum = 0;
	for (;;) {
		sum += t;
		if (j >= top || (t < 1e-17 * sum && j > a * k / n))
			break;
		t *= (a - j) * (k - j) / ((j + 1.0) * (b - k + j + 1.0));
		j++;
	}
	return sum > 1.0 ? 1.0 : sum;
}

/* ------------------------------------------------------- estimate */

static void
rest_on(struct pp_fwd_hop *h, const struct pp_fwd_hop *b)
{
	h->n = b->sent - b->explained;
	h->x = b->lost - b->explained;
	h->basis = b->ttl;
	if (h->n == 0) {
		h->fwd = h->lo = h->hi = NAN;
		return;
	}
	h->fwd = 100.0 * (double)h->x / (double)h->n;
	pp_wilson(h->x, h->n, PP_Z95, &h->lo, &h->hi);
}

void
pp_fwdloss_estimate(struct pp_fwd_hop *h, int n)
{
	int ref = -1;		/* the next hop whose loss is its own */

	for (int i = n - 1; i >= 0; i--) {
		struct pp_fwd_hop *c = &h[i];
		uint64_t cn = c->sent - c->explained;
		uint64_t cx = c->lost - c->explained;
		c->declines = false;
		if (ref >= 0) {
			const struct pp_fwd_hop *r = &h[ref];
			uint64_t rn = r->sent - r->explained;
			uint64_t rx = r->lost - r->explained;
			/* Only a hop that loses more than the next can
			 * decline (cx / cn > rx / rn). */
			c->declines = cn == 0 || (cx == cn && rx < rn) ||
			    ((double)cx * (double)rn > (double)rx *
			    (double)cn && pp_fisher_greater(cx, cn, rx, rn) <
			    PP_FWD_ALPHA);
		}
		if (c->declines) {
			/* What the next hop shows, already worked out. */
			c->fwd = h[ref].fwd;
			c->lo = h[ref].lo;
			c->hi = h[ref].hi;
			c->n = h[ref].n;
			c->x = h[ref].x;
			c->basis = h[ref].basis;
			continue;
		}
		rest_on(c, c);
		if (cn > 0)
			ref = i;
	}
}
