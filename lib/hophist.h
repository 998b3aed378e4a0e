/* SPDX-License-Identifier: BSD-2-Clause */
/* hophist.h: each hop's last answers, as mtr's display modes show them
 * (pp-trace's screen, lib/screen.h).
 *
 * Per (target, hop): the last PP_HOPHIST_N answers in send order, a lost
 * probe as NAN, and the probes in flight.  A line of them, newest last,
 * either as marks relative to the hop's best RTT ('.' under 1.5 times,
 * 'o' under 3, 'O' under 10, '#' beyond, '?' lost: mode 1), or on mtr's
 * scale, which spans the answers shown of every hop [low, high] in
 * PP_HOPHIST_LEVELS steps ending at low + (high - low) * ((i + 1) / 8)^2,
 * marked . 1 2 3 a b c > as mtr marks them (mode 2).
 *
 * Memory: at most PP_HOPHIST_KEYS hops (a hop beyond them has no history)
 * of 808 bytes (4 an answer), the table of (target, hop) and the target
 * names. */
#ifndef PP_HOPHIST_H
#define PP_HOPHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/intern.h"
#include "lib/keytab.h"

#define PP_HOPHIST_N 200	/* answers kept per hop */
#define PP_HOPHIST_KEYS 4096	/* hops with a history, at most */
#define PP_HOPHIST_LEVELS 8	/* steps of mtr's scale */

/* One hop's answers. */
struct pp_hophist {
	float rtt[PP_HOPHIST_N];	/* ms, NAN lost; a ring */
	uint16_t head;		/* the next slot */
	uint16_t n;		/* held */
	uint32_t inflight;	/* probes sent, outcome not known */
};

/* Every hop's.  Caller-provided storage. */
struct pp_hophists {
	struct pp_intern targets;	/* target names */
	struct pp_keytab map;	/* (target, ttl) -> index */
	struct pp_hophist *h;	/* by index (owned) */
	uint32_t alloc;		/* allocated */
};

/* Returns 0, or -1 (ENOMEM). */
int pp_hophists_init(struct pp_hophists *t);
void pp_hophists_release(struct pp_hophists *t);

/* Forget every hop's answers (the names stay). */
void pp_hophists_clear(struct pp_hophists *t);

/* The history of target's hop ttl; add: made when there is none (NULL
 * when PP_HOPHIST_KEYS hops have one, or memory is short); else NULL when
 * there is none. */
struct pp_hophist *pp_hophists_get(struct pp_hophists *t, const char *target,
    int ttl, bool add);

/* An answer (rtt ms) or a loss (NAN) at the newest end. */
void pp_hophist_add(struct pp_hophist *h, double rtt);

/* The last width answers of h (NULL: none) as mode 1's marks relative to
 * best (NAN or infinite: all '.') into buf (width + 1 bytes). */
void pp_hophist_strip(const struct pp_hophist *h, double best, char *buf,
    int width);

/* The span of the answers shown, for mtr's scale: set up with
 * pp_hophist_span_init, each hop shown added (its last room answers; h
 * NULL: none), then each step's upper bound (pp_hophist_scale). */
struct pp_hophist_span {
	double lo;		/* the fastest answer, INFINITY none */
	double hi;		/* the slowest */
};

void pp_hophist_span_init(struct pp_hophist_span *sp);
void pp_hophist_span_add(struct pp_hophist_span *sp,
    const struct pp_hophist *h, int room);
void pp_hophist_scale(const struct pp_hophist_span *sp,
    double scale[PP_HOPHIST_LEVELS]);

/* Step i's mark: . 1 2 3 a b c >. */
char pp_hophist_mark(int i);

/* The last width answers of h (NULL: none) on the scale, onto f; with
 * colour, from green to red (SGR), a loss bold red. */
void pp_hophist_scaled(FILE *f, const struct pp_hophist *h,
    const double scale[PP_HOPHIST_LEVELS], int width, bool color);

#endif /* PP_HOPHIST_H */
