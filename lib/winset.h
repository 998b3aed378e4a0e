/* SPDX-License-Identifier: BSD-2-Clause */
/* winset.h: the --every windows a reader has written, so that a window is
 * written once: a sorted set of window numbers (floor(start / every)). */
#ifndef PP_WINSET_H
#define PP_WINSET_H

#include <stdbool.h>
#include <stddef.h>

struct pp_winset {
	long long *w;		/* ascending (owned) */
	size_t n;		/* in use */
	size_t cap;		/* allocated */
};

/* Whether w is in s. */
bool pp_winset_has(const struct pp_winset *s, long long w);

/* Add w to s (once).  Returns 0, or -1 when memory ran short. */
int pp_winset_add(struct pp_winset *s, long long w);

/* Free s's storage (s itself is the caller's). */
void pp_winset_release(struct pp_winset *s);

#endif /* PP_WINSET_H */
