/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>

#include "lib/emodel.h"
#include "tests/unit/check.h"

void test_emodel(void);

void
test_emodel(void)
{
	struct pp_emodel_params p;
	struct pp_emodel_terms t;

	/* E-01, E-02 and the values at the defaults (NUMERIC.md 1.5). */
	pp_emodel_defaults(&p);
	pp_emodel_compute(&p, &t);
	CHECK_NEAR(t.R, 93.206208, 5e-6, "E-01 R at the defaults");
	CHECK_NEAR(t.mos, 4.4094, 5e-5, "E-01 MOS");
	CHECK_NEAR(t.Ro, 94.7688, 5e-5, "E-02 Ro");
	CHECK_NEAR(t.No, -61.1792, 5e-5, "No");
	CHECK_NEAR(t.Is, 1.4136, 5e-5, "Is");
	CHECK_NEAR(t.Iolr, 0.4402, 5e-5, "Iolr");
	CHECK_NEAR(t.Ist, -0.0007, 5e-5, "Ist");
	CHECK_NEAR(t.Iq, 0.9741, 5e-5, "Iq");
	CHECK_NEAR(t.Idle, 0.1490, 5e-5, "Idle");

	/* E-13 intermediates: Ta = T = 150, Tr = 300. */
	p.Ta = p.T = 150;
	p.Tr = 300;
	pp_emodel_compute(&p, &t);
	CHECK_NEAR(t.Idte, 2.8118, 5e-5, "E-13 Idte");
	CHECK_NEAR(t.Idle, 0.8407, 5e-5, "E-13 Idle");
	CHECK_NEAR(t.Idd, 0.1635, 5e-5, "E-13 Idd");
	CHECK_NEAR(t.Id, 3.8161, 5e-5, "E-13 Id");

	/* Idd alone, exponent 6 (amplet2's 5 is wrong). */
	static const double idd[][2] = {
		{ 150, 0.164 }, { 200, 3.044 }, { 300, 14.761 },
		{ 400, 24.070 }, { 600, 35.247 },
	};
	for (size_t i = 0; i < sizeof(idd) / sizeof(idd[0]); i++) {
		pp_emodel_defaults(&p);
		p.Ta = idd[i][0];
		pp_emodel_compute(&p, &t);
		CHECK_NEAR(t.Idd, idd[i][1], 5e-4, "Idd");
	}

	/* Section C: E-11 .. E-33. echo: T = Ta, Tr = 2 Ta. */
	static const struct {
		const char *id;
		double ta;
		int echo;
		double ie, bpl, ppl, burst;
		double ie_eff, r, mos;
	} c[] = {
		{ "E-11", 50, 1, 0, 4.3, 0, 1, 0, 91.756, 4.380 },
		{ "E-12", 100, 1, 0, 4.3, 0, 1, 0, 90.664, 4.355 },
		{ "E-13", 150, 1, 0, 4.3, 0, 1, 0, 89.539, 4.328 },
		{ "E-14", 200, 1, 0, 4.3, 0, 1, 0, 85.805, 4.223 },
		{ "E-15", 300, 1, 0, 4.3, 0, 1, 0, 72.666, 3.719 },
		{ "E-16", 400, 1, 0, 4.3, 0, 1, 0, 62.247, 3.216 },
		{ "E-17", 200, 0, 0, 4.3, 0, 1, 0, 90.162, 4.343 },
		{ "E-18", 300, 0, 0, 4.3, 0, 1, 0, 78.446, 3.964 },
		{ "E-19", 400, 0, 0, 4.3, 0, 1, 0, 69.136, 3.556 },
		{ "E-20", 0, 0, 0, 25.1, 1, 1, 3.6398, 89.566, 4.328 },
		{ "E-21", 0, 0, 0, 25.1, 2, 1, 7.0111, 86.195, 4.235 },
		{ "E-22", 0, 0, 0, 25.1, 5, 1, 15.7807, 77.426, 3.923 },
		{ "E-23", 0, 0, 0, 25.1, 10, 1, 27.0655, 66.141, 3.411 },
		{ "E-24", 0, 0, 0, 25.1, 2, 2, 7.2797, 85.927, 4.227 },
		{ "E-25", 0, 0, 0, 4.3, 1, 1, 17.9245, 75.282, 3.834 },
		{ "E-26", 0, 0, 0, 4.3, 2, 1, 30.1587, 63.048, 3.256 },
		{ "E-27", 0, 0, 11, 19, 0, 1, 11.0, 82.206, 4.105 },
		{ "E-28", 0, 0, 11, 19, 2, 1, 19.0, 74.206, 3.788 },
		{ "E-29", 0, 0, 15, 16.1, 2, 1, 23.8398, 69.366, 3.567 },
		{ "E-30", 150, 1, 0, 25.1, 1, 1, 3.6398, 85.899, 4.226 },
		{ "E-31", 200, 1, 0, 25.1, 2, 1, 7.0111, 78.794, 3.978 },
		{ "E-32", 100, 1, 11, 19, 1, 1, 15.2, 75.464, 3.842 },
		{ "E-33", 250, 1, 11, 19, 3, 1.5, 23.0, 56.177, 2.900 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pp_emodel_defaults(&p);
		p.Ta = c[i].ta;
		if (c[i].echo) {
			p.T = c[i].ta;
			p.Tr = 2 * c[i].ta;
		}
		p.Ie = c[i].ie;
		p.Bpl = c[i].bpl;
		p.Ppl = c[i].ppl;
		p.BurstR = c[i].burst;
		pp_emodel_compute(&p, &t);
		CHECK_NEAR(t.Ie_eff, c[i].ie_eff, 5e-5, c[i].id);
		CHECK_NEAR(t.R, c[i].r, 6e-4, c[i].id);
		CHECK_NEAR(t.mos, c[i].mos, 6e-4, c[i].id);
	}

	/* R -> MOS (B-4), the floor, E-03 .. E-05. */
	static const double b4[][2] = {
		{ 100, 4.5 }, { 90, 4.339 }, { 80, 4.024 }, { 70, 3.597 },
		{ 60, 3.100 }, { 50, 2.575 }, { 40, 2.064 }, { 30, 1.609 },
		{ 20, 1.252 }, { 6.5153, 1.0 }, { 4.2, 1.0 }, { -5, 1.0 },
		{ 120, 4.5 },
	};
	for (size_t i = 0; i < sizeof(b4) / sizeof(b4[0]); i++)
		CHECK_NEAR(pp_emodel_mos(b4[i][0]), b4[i][1], 6e-4, "B-4");

	/* Simplified model, S-01 .. S-12 (baresip and PingerPlot). */
	static const double s[][5] = {
		{ 0, 0, 0, 92.95, 4.404 }, { 500, 0, 0, 54.20, 2.796 },
		{ 1000, 0, 0, 4.20, 1.000 }, { 0, 100, 0, 84.20, 4.172 },
		{ 0, 200, 0, 64.20, 3.315 }, { 0, 0, 1, 90.45, 4.350 },
		{ 0, 0, 10, 67.95, 3.499 }, { 10, 10, 10, 67.20, 3.463 },
		{ 20, 2, 0, 92.35, 4.392 }, { 50, 5, 1, 88.95, 4.312 },
		{ 100, 20, 5, 76.95, 3.904 }, { 300, 30, 2, 63.20, 3.264 },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		double r = pp_simple_r(s[i][0], s[i][1], s[i][2]);
		CHECK_NEAR(r, s[i][3], 1e-9, "simplified R");
		CHECK_NEAR(pp_emodel_mos(r), s[i][4], 6e-4, "simplified MOS");
	}

	/* Wideband (G.107.1): E-06 .. E-10. */
	static const double wb[][5] = {
		/* Ie,WB, Bpl, Ppl, Ie,eff, MOS */
		{ 1, 4.3, 0, 1, 4.4940 }, { 8, 4.3, 0, 8, 4.4206 },
		{ 13, 4.3, 0, 13, 4.3371 }, { 41, 4.3, 0, 41, 3.5123 },
		{ 56, 4.3, 0, 56, 2.9220 }, { 20, 4.3, 2, 43.8095, 3.4062 },
	};
	for (size_t i = 0; i < sizeof(wb) / sizeof(wb[0]); i++) {
		double ie = pp_emodel_ie_eff(wb[i][0], wb[i][2], wb[i][1], 1);
		CHECK_NEAR(ie, wb[i][3], 5e-5, "WB Ie,eff");
		CHECK_NEAR(pp_emodel_mos((129 - ie) / 1.29), wb[i][4], 5e-5,
		    "WB MOS");
	}

	/* BurstR, L-02: 1101111100011111 (1 = received): L = 0.25, runs 1
	 * and 3: run-length 1.5, transitions 1 / (2/11 + 2/4) = 1.4667;
	 * amplet2's mean run length alone would be 2. */
	CHECK_NEAR(pp_burst_runs(16, 4, 2), 1.5, 1e-12, "L-02 run length");
	CHECK_NEAR(pp_burst_markov(11, 2, 4, 2), 1 / (2.0 / 11 + 0.5), 1e-12,
	    "L-02 transitions");
	CHECK_NEAR(pp_burst_runs(100, 0, 0), 1, 0, "no loss");
	CHECK_NEAR(pp_burst_runs(100, 99, 1), 1, 0, "clamped below at 1");
	CHECK_NEAR(pp_burst_runs(1000, 50, 1), 8, 0, "clamped at 8");
	/* Effect on Ie,eff (G.711+PLC, Ppl 2 %). */
	static const double be[][2] = { { 1, 7.011 }, { 1.5, 7.188 },
	    { 2, 7.280 }, { 4, 7.422 } };
	for (size_t i = 0; i < 4; i++)
		CHECK_NEAR(pp_emodel_ie_eff(0, 2, 25.1, be[i][0]), be[i][1],
		    6e-4, "BurstR effect");

	/* Codec table. */
	const struct pp_codec *g = pp_codec_find("g711-plc");
	CHECK(g != NULL && g->ie == 0 && g->bpl == 25.1, "g711-plc");
	g = pp_codec_find("g726-32");
	CHECK(g != NULL && isnan(g->bpl), "no Bpl invented for G.726");
	CHECK(pp_codec_find("opus") == NULL, "no Opus in G.113");
	CHECK(pp_codec_at(0) != NULL && pp_codec_at(1000) == NULL, "table");

	/* Scoring a path: a table of paths and what they score. */
	static const struct {
		const char *codec;
		bool simplified;
		double rtt, jitter, loss;
		uint64_t sent, recv;
		double r;		/* NAN: not scored */
		double mos;
		bool no_bpl;
		const char *note;	/* part of the note, NULL none */
	} sc[] = {
		/* No answer at all: no call; R 0, MOS 1, whatever model. */
		{ "g711-plc", false, NAN, 0, 100, 10, 0, 0, 1, false,
		  "100% loss" },
		{ "g711", true, NAN, 0, 100, 10, 0, 0, 1, false, "100% loss" },
		{ "amr-wb-12.65", false, NAN, 0, 100, 4, 0, 0, 1, false,
		  "100% loss" },
		{ "g726-32", false, NAN, 0, 100, 4, 0, 0, 1, false,
		  "100% loss" },
		/* Nothing sent (a stats record without counts): no score. */
		{ "g711-plc", false, NAN, 0, 0, 0, 0, NAN, NAN, false,
		  "nothing to score" },
		/* A clean path scores (Ta = 10 + 2 + 20 ms through the
		 * E-model the vectors above check: a regression value of the
		 * glue, not a new vector); loss without a Bpl cannot. */
		{ "g711-plc", false, 20, 1, 0, 100, 100, 92.2018, 4.389, false,
		  NULL },
		{ "g726-32", false, 20, 1, 1, 100, 99, NAN, NAN, true,
		  "no Bpl" },
		/* The simplified model, bit for bit: EL = 20 + 2 + 10. */
		{ "g711", true, 20, 1, 1, 100, 99, 93.2 - 32.0 / 40 - 2.5,
		  NAN, false, NULL },
	};
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		struct pp_voice_path vp = {
			.target = "t", .start = 1, .end = 2, .rtt = sc[i].rtt,
			.jitter = sc[i].jitter, .loss = sc[i].loss,
			.sent = sc[i].sent, .recv = sc[i].recv, .burst = NAN,
		};
		struct pp_voice_opts vo = {
			.codec = pp_codec_find(sc[i].codec),
			.simplified = sc[i].simplified, .jb = NAN, .packet = 20,
		};
		struct pp_mos_rec rec;
		bool no_bpl = true;
		CHECK(vo.codec != NULL, "codec %s", sc[i].codec);
		if (vo.codec == NULL)
			continue;
		pp_emodel_score(&vp, &vo, &rec, &no_bpl);
		if (isnan(sc[i].r))
			CHECK(isnan(rec.r) && isnan(rec.mos), "score %zu: r %g",
			    i, rec.r);
		else
			CHECK(fabs(rec.r - sc[i].r) < 0.05, "score %zu: r %g, "
			    "want %g", i, rec.r, sc[i].r);
		if (!isnan(sc[i].mos))
			CHECK(fabs(rec.mos - sc[i].mos) < 0.01, "score %zu: "
			    "mos %g, want %g", i, rec.mos, sc[i].mos);
		CHECK(no_bpl == sc[i].no_bpl, "score %zu: no_bpl", i);
		CHECK(sc[i].note == NULL ? rec.note == NULL ||
		    strstr(rec.note, "wideband") != NULL : rec.note != NULL &&
		    strstr(rec.note, sc[i].note) != NULL, "score %zu: note %s",
		    i, rec.note != NULL ? rec.note : "(none)");
	}
	CHECK_STR(pp_emodel_rating(93), "very satisfied", "rating 93");
	CHECK_STR(pp_emodel_rating(49.9), "not recommended", "rating 49.9");
	CHECK_STR(pp_emodel_rating(NAN), "-", "rating undefined");
}
