/* SPDX-License-Identifier: BSD-2-Clause */
/* emodel.c: ITU-T G.107 / G.107.1 and the simplified model (emodel.h). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lib/emodel.h"

void
pp_emodel_defaults(struct pp_emodel_params *p)
{
	p->SLR = 8;
	p->RLR = 2;
	p->STMR = 15;
	p->LSTR = 18;
	p->Ds = 3;
	p->Dr = 3;
	p->TELR = 65;
	p->WEPL = 110;
	p->T = 0;
	p->Tr = 0;
	p->Ta = 0;
	p->sT = 1;
	p->mT = 100;
	p->qdu = 1;
	p->Ie = 0;
	p->Bpl = 4.3;
	p->Ppl = 0;
	p->BurstR = 1;
	p->Nc = -70;
	p->Nfor = -64;
	p->Ps = 35;
	p->Pr = 35;
	p->A = 0;
}

double
pp_emodel_ie_eff(double Ie, double Ppl, double Bpl, double BurstR)
{
	if (!(Ppl > 0))
		return Ie;
	if (!(BurstR >= 1))
		BurstR = 1;
	return Ie + (95.0 - Ie) * Ppl / (Ppl / BurstR + Bpl);
}

double
pp_emodel_mos(double R)
{
	if (!isfinite(R))
		return NAN;
	if (R <= 0)
		return 1;
	if (R >= 100)
		return 4.5;
	double mos = 1 + 0.035 * R + R * (R - 60) * (100 - R) * 7e-6;
	return mos < 1 ? 1 : mos;
}

void
pp_emodel_compute(const struct pp_emodel_params *p, struct pp_emodel_terms *t)
{
	double OLR = p->SLR + p->RLR;
	double Nfo = p->Nfor + p->RLR;
	double Pre = p->Pr + 10 * log10(1 + pow(10, (10 - p->LSTR) / 10));
	double Nor = p->RLR - 121 + Pre + 0.008 * pow(Pre - 35, 2);
	double Nos = p->Ps - p->SLR - p->Ds - 100 +
	    0.004 * pow(p->Ps - OLR - p->Ds - 14, 2);

	t->No = 10 * log10(pow(10, p->Nc / 10) + pow(10, Nos / 10) +
	    pow(10, Nor / 10) + pow(10, Nfo / 10));
	t->Ro = 15 - 1.5 * (p->SLR + t->No);

	/* Simultaneous impairments. */
	double Xolr = OLR + 0.2 * (64 + t->No - p->RLR);
	t->Iolr = 20 * (pow(1 + pow(Xolr / 8, 8), 1.0 / 8) - Xolr / 8);
	double STMRo = -10 * log10(pow(10, -p->STMR / 10) +
	    exp(-p->T / 4) * pow(10, -p->TELR / 10));
	t->Ist = 12 * pow(1 + pow((STMRo - 13) / 6, 8), 1.0 / 8) -
	    28 * pow(1 + pow((STMRo + 1) / 19.4, 35), 1.0 / 35) -
	    13 * pow(1 + pow((STMRo - 3) / 33, 13), 1.0 / 13) + 29;
	double Q = 37 - 15 * log10(p->qdu);
	double G = 1.07 + 0.258 * Q + 0.0602 * Q * Q;
	double Y = (t->Ro - 100) / 15 + 46 / 8.4 - G / 9;
	double Z = 46.0 / 30 - G / 40;
	t->Iq = 15 * log10(1 + pow(10, Y) + pow(10, Z));
	t->Is = t->Iolr + t->Ist + t->Iq;

	/* Delay impairments: talker echo, listener echo, absolute delay. */
	double TERV = p->TELR - 40 * log10((1 + p->T / 10) / (1 + p->T / 150)) +
	    6 * exp(-0.3 * p->T * p->T);
	if (p->STMR < 9)
		TERV += t->Ist / 2;
	double Re = 80 + 2.5 * (TERV - 14);
	double Roe = -1.5 * (t->No - p->RLR);
	if (p->T < 1) {
		t->Idte = 0;	/* section 7.4: treated as sidetone */
	} else {
		t->Idte = ((Roe - Re) / 2 + sqrt((Roe - Re) * (Roe - Re) / 4 +
		    100) - 1) * (1 - exp(-p->T));
		if (p->STMR > 20)
			t->Idte = sqrt(t->Idte * t->Idte + t->Ist * t->Ist);
	}
	double Rle = 10.5 * (p->WEPL + 7) * pow(p->Tr + 1, -0.25);
	t->Idle = (t->Ro - Rle) / 2 + sqrt((t->Ro - Rle) * (t->Ro - Rle) / 4 +
	    169);
	if (p->Ta <= p->mT) {
		t->Idd = 0;
	} else {
		double X = log(p->Ta / p->mT) / log(2);
		double e = 6 * p->sT;
		t->Idd = 25 * (pow(1 + pow(X, e), 1 / e) -
		    3 * pow(1 + pow(X / 3, e), 1 / e) + 2);
	}
	t->Id = t->Idte + t->Idle + t->Idd;

	t->Ie_eff = pp_emodel_ie_eff(p->Ie, p->Ppl, p->Bpl, p->BurstR);
	t->R = t->Ro - t->Is - t->Id - t->Ie_eff + p->A;
	t->mos = pp_emodel_mos(t->R);
}

double
pp_simple_r(double rtt, double jitter, double loss_pct)
{
	double el = rtt + 2 * jitter + 10;
	double r = el < 160 ? 93.2 - el / 40 : 93.2 - (el - 120) / 10;

	return r - 2.5 * loss_pct;
}

static double
clamp_burst(double b)
{
	if (!isfinite(b) || b < 1)
		return 1;
	return b > 8 ? 8 : b;
}

void
pp_voice_opts_init(struct pp_voice_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->codec = pp_codec_find("g711-plc");
	o->jb = NAN;
	o->packet = 20;
}

void
pp_voice_path_of(const struct pp_stats_rec *r, const struct pp_stats *s,
    bool jdef_stdev, struct pp_voice_path *m)
{
	memset(m, 0, sizeof(*m));
	m->vantage = r->vantage;
	m->target = r->target;
	m->start = r->start;
	m->end = r->end;
	m->rtt = r->avg;
	/* stdev: of the population here (the E-model's jitter), not the
	 * record's sample stdev. */
	if (jdef_stdev)
		m->jitter = s->recv > 0 ? sqrt(s->m2 / (double)s->recv) : NAN;
	else
		m->jitter = r->jitter;
	if (!isfinite(m->jitter))
		m->jitter = 0;
	m->loss = r->loss;
	m->sent = r->sent;
	m->recv = r->recv;
	m->burst = pp_burst_runs(s->sent, s->sent - s->recv, s->runs);
	m->burst_est = "runs";
}

double
pp_burst_runs(uint64_t sent, uint64_t lost, uint64_t runs)
{
	if (sent == 0 || lost == 0 || runs == 0)
		return 1;
	double mean_run = (double)lost / (double)runs;
	double loss = (double)lost / (double)sent;
	return clamp_burst(mean_run * (1 - loss));
}

double
pp_burst_markov(uint64_t found_pairs, uint64_t found_to_lost,
    uint64_t lost_pairs, uint64_t lost_to_found)
{
	if (found_pairs == 0 || lost_pairs == 0 || found_to_lost == 0)
		return 1;
	double p = (double)found_to_lost / (double)found_pairs;
	double q = (double)lost_to_found / (double)lost_pairs;
	if (p + q <= 0)
		return 8;
	return clamp_burst(1 / (p + q));
}

/* G.113 Appendix I (narrowband) and Appendix IV (AMR-WB, wideband), with
 * the lookahead OPAL uses.  No Bpl is invented: NAN where none is
 * published, and such a codec cannot be scored under loss. */
static const struct pp_codec codecs[] = {
	{ "g711-plc", "G.711 64 kbit/s, 10 ms, PLC (G.711 App. I)", 0, 25.1,
	  0, false },
	{ "g711", "G.711 64 kbit/s, 10 ms, no PLC", 0, 4.3, 0, false },
	{ "g729a", "G.729A + VAD 8 kbit/s, 20 ms (2 frames)", 11, 19.0, 5,
	  false },
	{ "g723.1", "G.723.1 + VAD 6.3 kbit/s MP-MLQ, 30 ms", 15, 16.1, 7.5,
	  false },
	{ "g723.1-5.3", "G.723.1 5.3 kbit/s ACELP", 19, NAN, 7.5, false },
	{ "g726-40", "G.726 ADPCM 40 kbit/s", 2, NAN, 0, false },
	{ "g726-32", "G.726 ADPCM 32 kbit/s", 7, NAN, 0, false },
	{ "g726-24", "G.726 ADPCM 24 kbit/s", 25, NAN, 0, false },
	{ "g726-16", "G.726 ADPCM 16 kbit/s", 50, NAN, 0, false },
	{ "g728", "G.728 LD-CELP 16 kbit/s", 7, NAN, 0, false },
	{ "g728-12.8", "G.728 LD-CELP 12.8 kbit/s", 20, NAN, 0, false },
	{ "gsm-fr", "GSM 06.10 full rate 13 kbit/s", 20, NAN, 0, false },
	{ "gsm-efr", "GSM EFR 12.2 kbit/s", 5, NAN, 0, false },
	{ "gsm-hr", "GSM half rate 5.6 kbit/s", 23, NAN, 0, false },
	{ "amr-wb-6.6", "AMR-WB 6.6 kbit/s (monotic)", 41, NAN, 0, true },
	{ "amr-wb-8.85", "AMR-WB 8.85 kbit/s (monotic)", 26, NAN, 0, true },
	{ "amr-wb-12.65", "AMR-WB 12.65 kbit/s (monotic)", 13, NAN, 0, true },
	{ "amr-wb-14.25", "AMR-WB 14.25 kbit/s (monotic)", 10, NAN, 0, true },
	{ "amr-wb-15.85", "AMR-WB 15.85 kbit/s (monotic)", 7, NAN, 0, true },
	{ "amr-wb-18.25", "AMR-WB 18.25 kbit/s (monotic)", 5, NAN, 0, true },
	{ "amr-wb-19.85", "AMR-WB 19.85 kbit/s (monotic)", 3, NAN, 0, true },
	{ "amr-wb-23.05", "AMR-WB 23.05 kbit/s (monotic)", 1, NAN, 0, true },
	{ "amr-wb-23.85", "AMR-WB 23.85 kbit/s (monotic)", 8, NAN, 0, true },
	{ "amr-wb-12.65-diotic", "AMR-WB 12.65 kbit/s, diotic, uniform loss",
	  20, 4.3, 0, true },
	{ "amr-wb-23.05-diotic", "AMR-WB 23.05 kbit/s, diotic, uniform loss",
	  8, 4.6, 0, true },
	{ "amr-wb-23.85-diotic", "AMR-WB 23.85 kbit/s, diotic, uniform loss",
	  10, 4.9, 0, true },
};

const struct pp_codec *
pp_codec_find(const char *name)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (strcmp(codecs[i].name, name) == 0)
			return &codecs[i];
	return NULL;
}

const struct pp_codec *
pp_codec_at(int i)
{
	if (i < 0 || (size_t)i >= sizeof(codecs) / sizeof(codecs[0]))
		return NULL;
	return &codecs[i];
}

const char *
pp_emodel_rating(double r)
{
	if (!isfinite(r))
		return "-";
	if (r >= 90)
		return "very satisfied";
	if (r >= 80)
		return "satisfied";
	if (r >= 70)
		return "some dissatisfied";
	if (r >= 60)
		return "many dissatisfied";
	if (r >= 50)
		return "nearly all dissatisfied";
	return "not recommended";
}

void
pp_emodel_score(const struct pp_voice_path *m, const struct pp_voice_opts *o,
    struct pp_mos_rec *rec, bool *no_bpl)
{
	const struct pp_codec *c = o->codec;
	double burst = o->random_loss || isnan(m->burst) ? 1 : m->burst;
	const char *burst_est = o->random_loss ? "random" :
	    isnan(m->burst) ? "none" : m->burst_est;
	double jb = isnan(o->jb) ? 2 * m->jitter : o->jb;
	double delay = NAN;
	double ie_eff = NAN;
	double r = NAN;
	double mos = NAN;
	const char *note = NULL;
	bool dead = !isfinite(m->rtt) && m->sent > 0 && m->recv == 0;

	*no_bpl = false;
	if (dead) {
		r = 0;
		mos = 1;
		jb = NAN;
		note = "no answers (100% loss): no call can be carried; R 0, "
		    "MOS 1";
	} else if (!isfinite(m->rtt)) {
		note = "no replies: nothing to score";
	} else if (o->simplified) {
		delay = m->rtt + 2 * m->jitter + 10;
		r = pp_simple_r(m->rtt, m->jitter, m->loss);
	} else {
		delay = m->rtt / 2 + (isfinite(jb) ? jb : 0) + o->packet +
		    c->lookahead;
		if (m->loss > 0 && isnan(c->bpl)) {
			note = "G.113 publishes no Bpl for this codec: loss "
			    "cannot be scored";
			*no_bpl = true;
		} else if (c->wideband) {
			ie_eff = pp_emodel_ie_eff(c->ie, m->loss, c->bpl,
			    burst);
			r = 129 - ie_eff;
			note = "wideband (G.107.1, R up to 129); delay "
			    "impairments not applied";
		} else {
			struct pp_emodel_params p;
			struct pp_emodel_terms t;
			pp_emodel_defaults(&p);
			p.Ta = p.T = delay;
			p.Tr = 2 * delay;
			p.Ie = c->ie;
			p.Bpl = isnan(c->bpl) ? 4.3 : c->bpl;
			p.Ppl = m->loss;
			p.BurstR = burst;
			pp_emodel_compute(&p, &t);
			ie_eff = t.Ie_eff;
			r = t.R;
		}
	}
	/* One answer has no jitter to measure: scored as 0, and said (the
	 * stats record says null). */
	if (note == NULL && isfinite(r) && m->recv == 1)
		note = "one answer: no jitter measured, scored as 0";
	if (isfinite(r) && !dead)
		mos = c->wideband && !o->simplified ?
		    pp_emodel_mos(r / 1.29) : pp_emodel_mos(r);
	pp_mos_rec_init(rec);
	rec->vantage = m->vantage;
	rec->target = m->target;
	rec->start = m->start;
	rec->end = m->end;
	rec->codec = c->name;
	rec->model = o->simplified ? "simplified" : c->wideband ?
	    "emodel-wb" : "emodel";
	rec->rtt = m->rtt;
	rec->jitter = dead ? NAN : m->jitter;
	rec->jitter_def = o->jdef_stdev ? "stdev" : "ipdv";
	rec->jitter_buffer = jb;
	rec->delay = delay;
	rec->loss = m->loss;
	rec->burst_r = burst;
	rec->burst_est = burst_est;
	if (m->sent > 0) {
		rec->sent = (long long)m->sent;
		rec->recv = (long long)m->recv;
	}
	rec->ie_eff = ie_eff;
	rec->r = r;
	rec->mos = mos;
	rec->note = note;
}
