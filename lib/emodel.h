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

#endif /* PP_EMODEL_H */
