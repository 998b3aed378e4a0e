/* SPDX-License-Identifier: BSD-2-Clause */
/* reorder.h: puts probe outcomes back into send order.  Probers write a
 * record when its outcome is known, so the timeout of probe k arrives after
 * the replies of k+1, k+2, ...; whatever depends on order (jitter, loss
 * runs, windows of the last N probes) first passes its items through this
 * bounded buffer, a min-heap on the send time. */
#ifndef PP_REORDER_H
#define PP_REORDER_H

#include <stdbool.h>
#include <stddef.h>

/* Called for each item released, in send-time order (ties in arrival
 * order).  item is borrowed for the duration of the call. */
struct pp_reorder;

/* A bounded reorder buffer of fixed-size items.  Caller-provided storage.
 * Memory: at most cap * (item_size + 56) bytes, allocated as needed. */
struct pp_reorder {
	unsigned char *heap;	/* handles, free slots, then items */
	size_t esize;		/* bytes per item slot (aligned) */
	size_t item_size;	/* bytes per item */
	size_t n;		/* entries held */
	size_t nh;		/* of which in the heap */
	size_t fn;		/* of which in the ring (in order) */
	size_t fhead;		/* the ring's oldest */
	size_t alloc;		/* entries allocated */
	size_t cap;		/* most entries ever held */
	double horizon;		/* seconds an item may wait for older ones */
	double newest;		/* newest send time pushed, seconds */
	double last_out;	/* send time of the last item released */
	bool any_out;		/* an item has been released */
	unsigned long long order;	/* arrival counter (ties) */
	unsigned long long late;	/* items that arrived after a newer
					 * one had been released (released
					 * at once, out of order) */
};

/* Set up ro for items of item_size bytes, holding at most cap (>= 1) of
 * them, each for at most horizon seconds of event time.  Allocates
 * nothing yet.  Returns 0, or -1 (EINVAL) for a zero size or cap. */
int pp_reorder_init(struct pp_reorder *ro, size_t item_size, size_t cap,
    double horizon);

/* Add an item sent at ts (epoch seconds); the item bytes are copied.
 * Then release, in order, every item older than newest - horizon, and the
 * oldest when the buffer is full.  An item older than one already released
 * is released at once and counted in ro->late.  Returns 0, or -1 (ENOMEM;
 * the item was released at once instead of being lost). */
int pp_reorder_push(struct pp_reorder *ro, double ts, const void *item,
    void (*emit)(void *arg, double ts, const void *item), void *arg);

/* Release every item sent before now - horizon: event time advanced by
 * some other record (another key, a later window). */
void pp_reorder_advance(struct pp_reorder *ro, double now,
    void (*emit)(void *arg, double ts, const void *item), void *arg);

/* Release every item held, in order (end of input). */
void pp_reorder_flush(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg);

/* A new stream segment starts (the input jumped back in time, beyond
 * the horizon: another file, out of order): release every item held, in
 * order, then forget the send times seen, so that the segment is put in
 * order on its own. */
void pp_reorder_restart(struct pp_reorder *ro,
    void (*emit)(void *arg, double ts, const void *item), void *arg);

/* Items held now. */
size_t pp_reorder_count(const struct pp_reorder *ro);

/* Free the buffer (not ro); items still held are dropped. */
void pp_reorder_release(struct pp_reorder *ro);

#endif /* PP_REORDER_H */
