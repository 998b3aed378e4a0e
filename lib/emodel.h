/* SPDX-License-Identifier: BSD-2-Clause */
/* emodel.h: voice quality from path measurements.
 *
 * The ITU-T G.107 (06/2015) E-model, narrowband: R = Ro - Is - Id - Ie,eff
 * + A with every term of section 7 (formulas transcribed in NUMERIC.md
 * 1.4), the defaults of Table 3 (R = 93.2062), and R -> MOS by Annex B
 * eq. B-4, floored at 1 and capped at 4.5.  Wideband codecs follow G.107.1:
 * R = 129 - Ie,eff,WB and MOS = B-4 of R / 1.29 (delay not applied).
 * The simplified "effective latency" model of ping tools (Nessoft,
 * PingPlotter, PingerPlot) is here too, bit for bit.  Codec values from
 * ITU-T G.113 Appendix I (and IV for AMR-WB). */
#ifndef PP_EMODEL_H
#define PP_EMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/model.h"
#include "lib/stats.h"

/* The E-model inputs (G.107 Table 3 names and units). */
struct pp_emodel_params {
	double SLR, RLR;	/* send / receive loudness ratings, dB */
	double STMR, LSTR;	/* sidetone masking / listener sidetone, dB */
	double Ds, Dr;		/* telephone D-values */
	double TELR;		/* talker echo loudness rating, dB */
	double WEPL;		/* weighted echo path loss, dB */
	double T;		/* mean one-way delay of the echo path, ms */
	double Tr;		/* round-trip delay in a 4-wire loop, ms */
	double Ta;		/* absolute delay, ms */
	double sT, mT;		/* delay sensitivity, minimum perceivable
				 * delay (ms) */
	double qdu;		/* quantisation distortion units */
	double Ie;		/* equipment impairment factor */
	double Bpl;		/* packet-loss robustness factor */
	double Ppl;		/* packet-loss probability, % */
	double BurstR;		/* burst ratio (1 = random loss) */
	double Nc;		/* circuit noise, dBm0p */
	double Nfor;		/* noise floor, dBmp */
	double Ps, Pr;		/* room noise, dB(A) */
	double A;		/* advantage factor */
};

/* Every term, for reports and debugging. */
struct pp_emodel_terms {
	double No, Ro;		/* noise, basic signal-to-noise ratio */
	double Iolr, Ist, Iq, Is;	/* simultaneous impairments */
	double Idte, Idle, Idd, Id;	/* delay impairments */
	double Ie_eff;		/* effective equipment impairment */
	double R;		/* transmission rating */
	double mos;		/* MOS (B-4) */
};

/* G.107 Table 3 defaults (A = 0). */
void pp_emodel_defaults(struct pp_emodel_params *p);

/* Compute every term from p. */
void pp_emodel_compute(const struct pp_emodel_params *p,
    struct pp_emodel_terms *t);

/* Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl); Ppl in %. */
double pp_emodel_ie_eff(double Ie, double Ppl, double Bpl, double BurstR);

/* MOS from R (Annex B eq. B-4): 1 below the cubic's root at 6.5153 (and
 * for R < 0), 4.5 above R = 100. */
double pp_emodel_mos(double R);

/* The simplified model: EL = rtt + 2 * jitter + 10 (ms); R = 93.2 - EL/40
 * below EL 160, else 93.2 - (EL - 120)/10; minus 2.5 per % of loss. */
double pp_simple_r(double rtt, double jitter, double loss_pct);

/* BurstR from loss runs (G.107's burst ratio, NUMERIC.md 3.4):
 * run-length estimator: mean run length * (1 - loss fraction);
 * transition estimator: 1 / (p + q) of the two-state Markov fit.
 * Both clamped to [1, 8]; 1 without losses. */
double pp_burst_runs(uint64_t sent, uint64_t lost, uint64_t runs);
double pp_burst_markov(uint64_t found_pairs, uint64_t found_to_lost,
    uint64_t lost_pairs, uint64_t lost_to_found);

/* A codec of G.113. */
struct pp_codec {
	const char *name;	/* pp-mos --codec name */
	const char *desc;	/* what it is */
	double ie;		/* Ie (narrowband) or Ie,WB (wideband) */
	double bpl;		/* Bpl, or NAN when none is published */
	double lookahead;	/* codec lookahead, ms */
	bool wideband;		/* scored on G.107.1's 129 scale */
};

/* The codec named name, or NULL. */
const struct pp_codec *pp_codec_find(const char *name);

/* The i-th codec of the table, NULL past the end. */
const struct pp_codec *pp_codec_at(int i);

/* One path's measurements, to score (pp-mos: a destination's window of
 * probes, or a stats record). */
struct pp_voice_path {
	const char *vantage;	/* borrowed, NULL unknown */
	const char *target;	/* borrowed */
	double start;		/* window, epoch s */
	double end;
	double rtt;		/* mean RTT, ms; NAN when nothing answered */
	double jitter;		/* by the chosen definition, ms */
	double loss;		/* % */
	uint64_t sent;		/* probes (0 when unknown) */
	uint64_t recv;		/* answered */
	double burst;		/* BurstR estimate, NAN when unknown */
	const char *burst_est;	/* how it was estimated ("runs") */
};

/* The path to score from a stats row r and the accumulator s it was
 * derived from (pp-mos' recipe for probes): mean RTT, jitter (the row's
 * mean |dRTT|, or with jdef_stdev the population standard deviation of
 * the RTTs, the E-model's), loss, sent and received, BurstR from the runs
 * of losses.  Strings are borrowed from r. */
void pp_voice_path_of(const struct pp_stats_rec *r, const struct pp_stats *s,
    bool jdef_stdev, struct pp_voice_path *m);

/* How to score. */
struct pp_voice_opts {
	const struct pp_codec *codec;	/* the codec */
	bool simplified;	/* the simplified model, not the E-model */
	bool random_loss;	/* BurstR 1 */
	bool jdef_stdev;	/* jitter is the RTTs' standard deviation */
	double jb;		/* jitter buffer, ms; NAN: twice the jitter */
	double packet;		/* packetisation delay, ms */
};

/* pp-mos' defaults: the G.107 E-model with codec g711-plc, loss runs for
 * BurstR, ipdv jitter, a jitter buffer of twice the jitter, 20 ms
 * packets. */
void pp_voice_opts_init(struct pp_voice_opts *o);

/* Score path p into the mos record r (strings borrowed from p, o and
 * static text).  E-model: one-way delay = rtt / 2 + jitter buffer +
 * packetisation + codec lookahead, T = Ta, Tr = 2 Ta (NUMERIC.md 1.7);
 * wideband codecs by G.107.1 without delay; the simplified model on the
 * RTT.  A path that answered nothing (sent, none received: 100% loss)
 * carries no call: R 0 and MOS 1, the floor of the scale, with a note
 * (G.107's loss term is not meant for total loss, and there is no delay to
 * put in it).  A path with loss and a codec without a published Bpl is not
 * scored (r, mos NAN, a note) and *no_bpl is set, for the caller to warn
 * once. */
void pp_emodel_score(const struct pp_voice_path *p,
    const struct pp_voice_opts *o, struct pp_mos_rec *r, bool *no_bpl);

/* The G.109 user satisfaction band of R ("very satisfied" ... "not
 * recommended"; "-" when R is undefined).  Static text. */
const char *pp_emodel_rating(double r);

#endif /* PP_EMODEL_H */
